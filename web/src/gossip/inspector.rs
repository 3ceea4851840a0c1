//! The selected node: its store `key -> (value, version)`, its hot rumors with their counters, what
//! it has sent and received, and its membership view (alive / suspect / dead, with incarnation
//! numbers, SWIM §4.2). What a user can do to it: write `key = value` here (a new version that then
//! spreads), crash it, restart it, make its health check fail or pass, and — for a node outside
//! the cluster — join through S1.

use concord_core::gossip::{Command, GossipNode, Key, MsgKind, Status, Timer};
use concord_core::sim::{Action, NodeId};
use yew::prelude::*;

use super::caption::{key_name, kind_name, status_name, version_name};
use crate::i18n::{say, tr};
use crate::playground::InspectorProps;
use crate::view::inspector::{self, use_text};

/// At most this many members are listed by name; the rest are counted.
const MEMBERS_LISTED: usize = 24;

/// `x3=7` or `3=7`: a data key's number and a value.
pub fn parse_update(text: &str) -> Option<(u32, u64)> {
    let (key, value) = text.split_once('=')?;
    let key = key.trim();
    let key = key.strip_prefix('x').unwrap_or(key);
    Some((key.trim().parse().ok()?, value.trim().parse().ok()?))
}

fn ms(t: u64) -> String {
    format!("{:.1} ms", t as f64 / 1000.0)
}

#[component]
pub fn Inspector(p: &InspectorProps<GossipNode>) -> Html {
    let lang = p.lang;
    let t = lang.text();
    let slot = &p.node;
    let node = &slot.state;
    let id = node.id;
    let (update, on_input) = use_text("x1=2".to_owned());
    let act = |action| inspector::act(&p.on_act, action);
    let parsed = parse_update(&update);
    let on_write = {
        let on_act = p.on_act.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some((key, value)) = parsed {
                on_act.emit(Action::Command(id, Command::Update { key, value }));
            }
        })
    };
    let store = node.store().records().iter().map(|r| {
        let e = r.entry;
        let value = match e.key {
            Key::Health(_) if e.value == 0 => say(lang, "failing", "失败").to_owned(),
            Key::Health(_) => say(lang, "passing", "通过").to_owned(),
            Key::Data(_) => e.value.to_string(),
        };
        html! {
            <tr data-key={key_name(e.key)} data-version={e.version.counter.to_string()}>
                <td>{ key_name(e.key) }</td><td>{ value }</td><td>{ version_name(e.version) }</td><td>{ ms(r.learned_at) }</td>
            </tr>
        }
    });
    let rumors = node.rumors().iter().map(|r| {
        html! {
            <tr data-rumor={key_name(r.key)}>
                <td>{ key_name(r.key) }</td><td>{ version_name(r.version) }</td><td>{ r.count }</td>
                <td>{ r.sent_to.len() }</td><td>{ r.from.map_or("—".to_owned(), |f| f.to_string()) }</td>
            </tr>
        }
    });
    let m = &node.meter;
    let sent = MsgKind::ALL
        .iter()
        .filter(|k| m.sent_of(**k) > 0)
        .map(|k| format!("{} {}", kind_name(lang, *k), m.sent_of(*k)))
        .collect::<Vec<_>>()
        .join(" · ");
    let view = node.view();
    let changes: Vec<(NodeId, _)> = view.changes().filter(|(other, _)| *other != id).collect();
    let count = |s: Status| changes.iter().filter(|(_, m)| m.status == s).count();
    let (suspect, dead) = (count(Status::Suspect), count(Status::Dead));
    let members = changes.iter().take(MEMBERS_LISTED).map(|(other, m)| {
        let status = match m.status {
            Status::Alive => "alive",
            Status::Suspect => "suspect",
            Status::Dead => "dead",
        };
        html! {
            <li class={status} data-view-member={(other.0 + 1).to_string()} data-status={status}>
                { format!("{other} {} · inc {}", status_name(lang, m.status), m.incarnation) }
            </li>
        }
    });
    let more_members = changes.len().saturating_sub(MEMBERS_LISTED);
    let round_timer = slot.timers().get(&Timer::Round).map(|armed| {
        format!(
            "{} {}",
            t.fires_in,
            ms((armed.fires_at as f64 - p.now).max(0.0) as u64)
        )
    });
    let health = node.config.health_interval.is_some() && node.is_member();
    let passing = node.persistent.check_passing;
    let subtitle = match (slot.up, node.is_member()) {
        (false, _) => t.down.to_owned(),
        (true, false) => say(lang, "not a member", "非成员").to_owned(),
        (true, true) => format!(
            "{} {}",
            say(lang, "incarnation", "化身号"),
            node.incarnation()
        ),
    };
    let close = p.on_close.clone();
    html! {
        <section class="inspector gossip-node" aria-label={id.to_string()} data-inspector={(id.0 + 1).to_string()}>
            <header>
                <h2>{ id.to_string() }<small>{ subtitle }</small></h2>
                <button class="close" aria-label={t.close} onclick={Callback::from(move |_| close.emit(()))}>{ "×" }</button>
            </header>
            <table class="store">
                <caption>{ say(lang, "Store: key → (value, version)", "存储：key → (value, version)") }</caption>
                <thead><tr><th>{ "key" }</th><th>{ "value" }</th><th>{ "version" }</th><th>{ say(lang, "learned", "获知于") }</th></tr></thead>
                <tbody>{ for store }</tbody>
            </table>
            if node.store().is_empty() { <p class="note">{ say(lang, "Empty: this node has heard of no update.", "空：这个节点还没听说任何更新。") }</p> }
            if node.config.model.is_rumor() {
                <table class="rumors">
                    <caption>{ say(lang, "Hot rumors (infective)", "热谣言（感染中）") }</caption>
                    <thead><tr><th>{ "key" }</th><th>{ "version" }</th><th>{ say(lang, "count", "计数") }</th>
                        <th>{ say(lang, "sent to", "已发给") }</th><th>{ say(lang, "from", "来自") }</th></tr></thead>
                    <tbody>{ for rumors }</tbody>
                </table>
            }
            <dl>
                <dt>{ say(lang, "rounds run", "已运行轮数") }</dt><dd>{ m.rounds }</dd>
                if let Some(timer) = round_timer { <dt>{ say(lang, "next round", "下一轮") }</dt><dd>{ timer }</dd> }
                <dt>{ say(lang, "sent", "已发送") }</dt><dd data-sent={m.messages().to_string()}>{ format!("{} ({} B)", m.messages(), m.bytes_sent) }</dd>
                if !sent.is_empty() { <dt></dt><dd class="note">{ sent }</dd> }
                <dt>{ say(lang, "received", "已接收") }</dt><dd>{ m.received }</dd>
                <dt>{ say(lang, "news / duplicates", "新消息 / 重复") }</dt><dd>{ format!("{} / {}", m.news, m.redundant) }</dd>
                if node.config.swim.is_some() {
                    <dt>{ say(lang, "probes (failed)", "探测（失败）") }</dt><dd>{ format!("{} ({})", m.probes, m.probes_failed) }</dd>
                }
            </dl>
            <div class="members" data-view-of={(id.0 + 1).to_string()}>
                <h3>{ say(lang, "Its member list", "它的成员列表") }</h3>
                <p class="note">{ tr!(lang, "{} members not dead · {suspect} suspect · {dead} dead. Members not listed are alive at incarnation 0.", "{} 个成员未死亡 · {suspect} 个可疑 · {dead} 个死亡。未列出的成员为存活、化身号 0。", view.live_count()) }</p>
                <ul>{ for members }</ul>
                if more_members > 0 { <p class="note">{ format!("+{more_members}") }</p> }
            </div>
            if slot.up && node.is_member() {
                <form class="write" onsubmit={on_write}>
                    <label>{ say(lang, "Write here (key=value)", "在这里写入（key=value）") }
                        <input type="text" data-control="update" maxlength="24" value={(*update).clone()} oninput={on_input} />
                    </label>
                    <button type="submit" data-action="write" disabled={parsed.is_none()}>{ say(lang, "Write", "写入") }</button>
                </form>
            }
            <div class="actions">
                if slot.up {
                    <button data-action="crash" onclick={act(Action::Crash(id))}>{ t.crash }</button>
                } else {
                    <button data-action="restart" onclick={act(Action::Restart(id))}>{ t.restart }</button>
                }
                if slot.up && !node.is_member() {
                    <button data-action="join" onclick={act(Action::Command(id, Command::Join { via: NodeId(0) }))}>
                        { say(lang, "Join through S1", "通过 S1 加入") }</button>
                }
                if slot.up && health {
                    <button data-action="health" onclick={act(Action::Command(id, Command::SetHealth { passing: !passing }))}>
                        { if passing { say(lang, "Make its check fail", "让检查失败") } else { say(lang, "Make its check pass", "让检查通过") } }
                    </button>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_update;

    #[test]
    fn an_update_reads_with_or_without_the_x() {
        assert_eq!(parse_update("x3=7"), Some((3, 7)));
        assert_eq!(parse_update(" 2 = 40 "), Some((2, 40)));
        assert_eq!(parse_update("x=1"), None);
        assert_eq!(parse_update("x1"), None);
    }
}
