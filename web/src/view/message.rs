//! The selected message: its fields, and what a user can do to it while it is in flight.

use concord_core::sim::Envelope;
use serde::Serialize;
use yew::prelude::*;

use crate::i18n::Lang;

/// A message as the inspector shows it, independent of the protocol.
#[derive(Clone, PartialEq)]
pub struct MsgView {
    pub id: u64,
    pub title: AttrValue,
    pub from: AttrValue,
    pub to: AttrValue,
    pub sent_at: u64,
    pub deliver_at: u64,
    pub lost: bool,
    pub fields: Vec<(String, String)>,
}

/// Every field of a payload, read through its serde form so a protocol needs no table of its own
/// unless its fields read badly that way.
pub fn serde_fields<M: Serialize>(msg: &M) -> Vec<(String, String)> {
    match serde_json::to_value(msg) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter(|(k, _)| k != "type")
            .map(|(k, v)| (k, compact(&v)))
            .collect(),
        Ok(other) => vec![("value".into(), compact(&other))],
        Err(_) => Vec::new(),
    }
}

impl MsgView {
    pub fn new<M>(env: &Envelope<M>, title: String, fields: Vec<(String, String)>) -> MsgView {
        MsgView {
            id: env.id.0,
            title: title.into(),
            from: env.from.to_string().into(),
            to: env.to.to_string().into(),
            sent_at: env.sent_at,
            deliver_at: env.deliver_at,
            lost: env.lost,
            fields,
        }
    }
}

fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// What the user can do to a message in flight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MsgCommand {
    DeliverNow,
    Drop,
    Duplicate,
    /// Arrive later by this many µs.
    Delay(u64),
}

#[derive(Properties, PartialEq)]
pub struct MessageInspectorProps {
    pub lang: Lang,
    pub msg: MsgView,
    /// Only a message still in flight can be delivered, dropped, duplicated or delayed.
    pub in_flight: bool,
    pub on_command: Callback<MsgCommand>,
    pub on_close: Callback<()>,
}

#[component]
pub fn MessageInspector(p: &MessageInspectorProps) -> Html {
    let t = p.lang.text();
    let m = &p.msg;
    let button = |name: &'static str, label: &'static str, cmd: MsgCommand| {
        let on = p.on_command.clone();
        html! { <button data-action={name} onclick={Callback::from(move |_| on.emit(cmd))}>{ label }</button> }
    };
    let close = p.on_close.clone();
    html! {
        <section class="inspector message" aria-label={m.title.clone()} data-msg-inspector={m.id.to_string()}>
            <header>
                <h2>{ m.title.clone() }</h2>
                <button class="close" aria-label={t.close} onclick={Callback::from(move |_| close.emit(()))}>{ "×" }</button>
            </header>
            <dl>
                <dt>{ "#" }</dt><dd>{ m.id }</dd>
                <dt>{ t.route }</dt><dd>{ format!("{} → {}", m.from, m.to) }</dd>
                <dt>{ t.sent_at }</dt><dd>{ format!("{:.1} ms", m.sent_at as f64 / 1000.0) }</dd>
                <dt>{ t.arrives_at }</dt><dd>{ format!("{:.1} ms", m.deliver_at as f64 / 1000.0) }
                    if m.lost { <em>{ format!(" ({})", t.lost_message) }</em> }</dd>
                { for m.fields.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ v.clone() }</dd></> }) }
            </dl>
            if p.in_flight {
                <div class="actions">
                    { button("deliver", t.deliver_now, MsgCommand::DeliverNow) }
                    { button("drop", t.drop_msg, MsgCommand::Drop) }
                    { button("duplicate", t.duplicate_msg, MsgCommand::Duplicate) }
                    { button("delay", t.delay_msg, MsgCommand::Delay(50_000)) }
                </div>
            } else {
                <p class="note">{ t.delivered_already }</p>
            }
        </section>
    }
}
