//! The jump bar: ways to move through a run other than one event at a time — by 10 ms of virtual
//! time, to the previous or next delivery to the selected server, until (or back to when) one of
//! the protocol's goals holds, until an invariant breaks.

use concord_core::sim::NodeId;
use yew::prelude::*;

use super::ProtocolView;
use crate::i18n::Lang;
use crate::player::{Jump, PlayerAction};

pub fn jump_bar<P: ProtocolView>(
    lang: Lang,
    send: &Callback<PlayerAction<P>>,
    selected: Option<usize>,
) -> Html {
    let t = lang.text();
    let jump = |make: fn() -> Jump<P>| send.reform(move |_: MouseEvent| PlayerAction::Jump(make()));
    let to_delivery = |node: NodeId, forward: bool| {
        send.reform(move |_: MouseEvent| PlayerAction::Jump(Jump::DeliveryTo(node, forward)))
    };
    let deliveries = selected.map(|i| {
        let node = NodeId(i as u16);
        html! { <>
            <button class="small" data-action="prev-delivery" onclick={to_delivery(node, false)}>
                { format!("◀ {} {node}", t.delivery_to) }</button>
            <button class="small" data-action="next-delivery" onclick={to_delivery(node, true)}>
                { format!("{} {node} ▶", t.delivery_to) }</button>
        </> }
    });
    let goals = P::goals().into_iter().map(|goal| {
        let (reached, label) = (goal.reached, (goal.label)(lang));
        let back = format!("{} {label}", t.back_to_when);
        html! {
            <span class="goal">
                <button class="small" data-action="since-goal" title={back.clone()} aria-label={back}
                    onclick={send.reform(move |_| PlayerAction::Jump(Jump::SinceBack(reached)))}>{ "◀" }</button>
                <button class="small" data-action="until-goal" onclick={send.reform(move |_| PlayerAction::Jump(Jump::Until(reached)))}>
                    { format!("{} {label}", t.until) }
                </button>
            </span>
        }
    });
    html! {
        <div class="jumps" role="group" aria-label={t.step_by}>
            <span class="note">{ t.step_by }</span>
            <button class="small" data-action="back-10ms" onclick={jump(|| Jump::Time(-10_000))}>{ "−10 ms" }</button>
            <button class="small" data-action="forward-10ms" onclick={jump(|| Jump::Time(10_000))}>{ "+10 ms" }</button>
            { for deliveries }
            { for goals }
            <button class="small" data-action="until-violation" onclick={jump(|| Jump::Violation)}>{ t.until_violation }</button>
        </div>
    }
}
