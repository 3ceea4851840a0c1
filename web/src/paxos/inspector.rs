//! The selected node: its state per role in the words of seed 001's table, its timers, and what a
//! user can do to it — propose a value at a proposer (§2.2: a proposer may make several
//! proposals), crash it, restart it.

use concord_core::paxos::{Command, PaxosNode, Roles, Stage, Timer, default_value};
use concord_core::sim::Action;
use yew::prelude::*;

use super::text::text;
use super::{num, stage_class, stage_name, value_in_hand};
use crate::playground::InspectorProps;
use crate::view::inspector::{self, use_text};

/// The value a proposer offers to propose: the one it holds, else the one it would start with.
fn offered_value(node: &PaxosNode) -> String {
    if let Some(value) = &node.volatile.proposer.value {
        return value.clone();
    }
    let index = node
        .config
        .with_role(Roles::PROPOSER, node.cluster)
        .position(|p| p == node.id)
        .unwrap_or(0);
    default_value(index)
}

#[component]
pub fn Inspector(p: &InspectorProps<PaxosNode>) -> Html {
    let (t, x) = (p.lang.text(), text(p.lang));
    let node = &p.node.state;
    let id = node.id;
    let (value, on_input) = use_text(offered_value(node));
    let timer = |kind: Timer| {
        p.node.timers().get(&kind).map(|armed| {
            format!(
                "{} {:.1} ms",
                t.fires_in,
                (armed.fires_at as f64 - p.now).max(0.0) / 1000.0
            )
        })
    };
    let act = |action| inspector::act(&p.on_act, action);
    let on_propose = {
        let (on_act, value) = (p.on_act.clone(), value.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = value.trim().to_owned();
            if !v.is_empty() {
                on_act.emit(Action::Command(id, Command::Propose(v)));
            }
        })
    };
    let roles = node.roles;
    let role_names: Vec<&str> = [
        (roles.is_proposer(), x.proposer),
        (roles.is_acceptor(), x.acceptor),
        (roles.is_learner(), x.learner),
    ]
    .into_iter()
    .filter_map(|(has, name)| has.then_some(name))
    .collect();
    let subtitle = if p.node.up {
        role_names.join(" + ")
    } else {
        format!("{} · {}", role_names.join(" + "), t.down)
    };
    let q = node.quorum();
    let proposer = roles.is_proposer().then(|| {
        let s = &node.volatile.proposer;
        let phase_timer = timer(Timer::Timeout).or_else(|| timer(Timer::Retry).map(|r| format!("{}: {r}", x.retry_timer)));
        html! {
            <>
                <dt class="group">{ x.proposer }</dt><dd></dd>
                <dt>{ x.stage }</dt><dd data-stage={stage_class(s.stage)}>{ stage_name(p.lang, s.stage) }</dd>
                <dt>{ x.number }</dt><dd>{ num(s.n) }</dd>
                if s.stage == Stage::Preparing || !s.promises.is_empty() {
                    <dt>{ x.promises }</dt><dd>{ format!("{}/{q}", s.promises.len()) }</dd>
                }
                if s.stage == Stage::Accepting || s.stage == Stage::Done {
                    <dt>{ x.accepted_count }</dt><dd>{ format!("{}/{q}", s.accepted.len()) }</dd>
                }
                <dt>{ x.value_in_hand }</dt><dd>{ value_in_hand(node).unwrap_or("—").to_owned() }</dd>
                <dt>{ x.retries }</dt><dd>{ s.retries }</dd>
                if let Some(timer) = phase_timer {
                    <dt>{ x.phase_timer }</dt><dd>{ timer }</dd>
                }
            </>
        }
    });
    let acceptor = roles.is_acceptor().then(|| {
        let s = &node.persistent;
        html! {
            <>
                <dt class="group">{ x.acceptor }</dt><dd></dd>
                <dt>{ "minProposal" }</dt><dd>{ num(s.min_proposal) }</dd>
                <dt>{ "acceptedProposal" }</dt><dd>{ num(s.accepted_proposal()) }</dd>
                <dt>{ "acceptedValue" }</dt><dd>{ s.accepted_value().cloned().unwrap_or_else(|| "—".into()) }</dd>
            </>
        }
    });
    let learner = roles.is_learner().then(|| {
        let l = &node.volatile.learner;
        let tallies = l.tallies.iter().map(|(n, tally)| {
            html! { <><dt>{ format!("{} {n}", x.heard) }</dt><dd>{ format!("{} · {}/{q}", tally.value, tally.acceptors.len()) }</dd></> }
        });
        html! {
            <>
                <dt class="group">{ x.learner }</dt><dd></dd>
                <dt>{ x.learned }</dt><dd>{ node.learned().map_or(x.not_yet.to_owned(), |l| format!("{} ({})", l.value, l.n)) }</dd>
                { for tallies }
            </>
        }
    });
    let close = p.on_close.clone();
    html! {
        <section class="inspector paxos-node" aria-label={id.to_string()}>
            <header>
                <h2>{ id.to_string() }<small>{ subtitle }</small></h2>
                <button class="close" aria-label={t.close} onclick={Callback::from(move |_| close.emit(()))}>{ "×" }</button>
            </header>
            <dl>
                { for proposer }
                { for acceptor }
                { for learner }
            </dl>
            if !p.node.up { <p class="note">{ x.persistent_kept }</p> }
            if roles.is_proposer() && p.node.up {
                <form class="propose" onsubmit={on_propose}>
                    <label>{ x.value_to_propose }
                        <input type="text" data-control="propose-value" maxlength="12" value={(*value).clone()} oninput={on_input} />
                    </label>
                    <button type="submit" data-action="propose" disabled={value.trim().is_empty()}>{ x.propose }</button>
                </form>
            }
            <div class="actions">
                if p.node.up {
                    <button data-action="crash" onclick={act(Action::Crash(id))}>{ t.crash }</button>
                } else {
                    <button data-action="restart" onclick={act(Action::Restart(id))}>{ t.restart }</button>
                }
            </div>
        </section>
    }
}
