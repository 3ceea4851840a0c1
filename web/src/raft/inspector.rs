//! The selected server: its state in Figure 2's words, its timers, and what a user can do to it.

use concord_core::raft::{Command, Outcome, Progress, RaftNode, Timer};
use concord_core::sim::{Action, NodeId};
use yew::prelude::*;

use super::leadership_text;
use super::node_actions;
use super::snapshot_view;
use super::text::text;
use crate::playground::InspectorProps;
use crate::view::inspector;

#[component]
pub fn Inspector(p: &InspectorProps<RaftNode>) -> Html {
    let t = p.lang.text();
    let node = &p.node.state;
    let role = if p.node.up {
        match node.role() {
            concord_core::raft::Role::Follower => t.follower,
            concord_core::raft::Role::Candidate => t.candidate,
            concord_core::raft::Role::Leader => t.leader,
        }
    } else {
        t.down
    };
    let timer = |kind: Timer| match p.node.timers().get(&kind) {
        Some(armed) => format!(
            "{} {:.1} ms",
            t.fires_in,
            (armed.fires_at as f64 - p.now).max(0.0) / 1000.0
        ),
        None => t.no_timer.to_owned(),
    };
    let voted = node
        .persistent
        .voted_for
        .map_or(t.nobody.to_owned(), |v| v.to_string());
    let leader = node
        .volatile
        .leader
        .map_or(t.unknown.to_owned(), |v| v.to_string());
    let buttons = node_actions(node.id, p.node.up).into_iter().map(|(name, action)| {
        let label = match name {
            "timeout" => t.force_timeout,
            "crash" => t.crash,
            _ => t.restart,
        };
        html! { <button data-action={name} onclick={inspector::act(&p.on_act, action)}>{ label }</button> }
    });
    let rt = text(p.lang);
    let store_text = snapshot_view::store_text(rt, &node.volatile.state_machine);
    let peers = node.volatile.leader_state.as_ref().map(|ls| {
        let rows = ls.peers.iter().map(|(id, pr)| {
            let mode = match pr.progress {
                Progress::Probe => rt.probe,
                Progress::Replicate => rt.replicate,
            };
            html! {
                <tr data-peer={(id.0 + 1).to_string()}>
                    <th>{ id.to_string() }</th>
                    <td>{ pr.next_index }</td>
                    <td>{ pr.match_index }</td>
                    <td title={pr.paused.then_some(rt.paused)}>{ mode }{ if pr.paused { " …" } else { "" } }</td>
                </tr>
            }
        });
        html! {
            <table class="peers">
                <caption>{ rt.peers }</caption>
                <thead><tr><td /><th>{ rt.next }</th><th>{ rt.matched }</th><td /></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        }
    });
    let replies = node.replies.iter().rev().take(4).map(|r| {
        let outcome = match &r.outcome {
            Outcome::Done { value, index } => format!(
                "{} · {} {index}",
                value.map_or(rt.no_value.to_owned(), |v| v.to_string()),
                rt.applied_at
            ),
            Outcome::NotLeader { hint } => format!(
                "{}{}",
                rt.not_leader,
                hint.map_or(String::new(), |h| format!(", {} {h}", rt.try_server))
            ),
            Outcome::Refused { reason } => {
                super::membership::refusal_text(p.lang, *reason)
            }
        };
        html! {
            <li>{ format!("{} {} #{} → {outcome} · {} {:.1} ms", rt.client, r.client, r.seq, rt.latency,
                r.replied_at.saturating_sub(r.requested_at) as f64 / 1000.0) }</li>
        }
    });
    // Thesis §3.10: a leader can hand leadership to any other server.
    let lt = leadership_text::text(p.lang);
    let leading = p.node.up && node.is_leader();
    let transfer = node
        .volatile
        .leader_state
        .as_ref()
        .and_then(|ls| ls.leadership.transfer);
    let transfers = NodeId::all(node.cluster)
        .filter(|&to| leading && to != node.id)
        .map(|to| {
            let (on_act, me) = (p.on_act.clone(), node.id);
            let onclick = Callback::from(move |_| {
                on_act.emit(Action::Command(me, Command::Transfer { to }))
            });
            html! {
                <button class="small" data-action="transfer" data-to={(to.0 + 1).to_string()} {onclick}>
                    { to.to_string() }
                </button>
            }
        })
        .collect::<Vec<_>>();
    let reads = node.volatile.leader_state.as_ref().map(|ls| &ls.reads);
    let pending_reads = reads.map_or(0, |r| r.pending.len());
    // The last heartbeat round a majority acknowledged, and when it was sent (thesis §6.4.1).
    let lease = reads
        .filter(|r| r.confirmed > 0)
        .and_then(|r| r.lease_from.map(|at| (r.confirmed, at)));
    let close = p.on_close.clone();
    html! {
        <section class="inspector" aria-label={node.id.to_string()}>
            <header>
                <h2>{ node.id.to_string() }<small>{ role }</small></h2>
                <button class="close" aria-label={t.close} onclick={Callback::from(move |_| close.emit(()))}>{ "×" }</button>
            </header>
            <dl>
                <dt>{ t.term }</dt><dd>{ node.term() }</dd>
                <dt>{ t.voted_for }</dt><dd>{ voted }</dd>
                <dt>{ rt.log_length }</dt><dd data-field="log-length">{ node.persistent.last_log_index() }</dd>
                { snapshot_view::inspector_rows(p.lang, node) }
                if p.node.up {
                    <dt>{ t.leader_known }</dt><dd>{ leader }</dd>
                    if node.role() == concord_core::raft::Role::Candidate {
                        <dt>{ t.votes }</dt><dd>{ format!("{} / {}", node.configuration().count_voters(&node.volatile.votes), node.majority()) }</dd>
                    }
                    <dt>{ super::membership::member_text(p.lang).config_entry }</dt>
                    <dd data-field="configuration">{ format!("{} ({})", node.configuration(), super::membership::Member::of(node).name(p.lang)) }</dd>
                    <dt>{ t.commit_index }</dt><dd data-field="commit-index">{ node.volatile.commit_index }</dd>
                    <dt>{ rt.last_applied }</dt><dd data-field="last-applied">{ node.volatile.last_applied }</dd>
                    <dt>{ t.election_timer }</dt><dd>{ timer(Timer::Election) }</dd>
                    <dt>{ t.heartbeat_timer }</dt><dd>{ timer(Timer::Heartbeat) }</dd>
                }
                if p.node.up {
                    <dt>{ rt.state_machine }</dt><dd data-field="state-machine">{ store_text }</dd>
                }
            </dl>
            { for peers }
            if !node.replies.is_empty() {
                <div class="replies">
                    <h3>{ rt.replies }</h3>
                    <ul>{ for replies }</ul>
                </div>
            }
            if !p.node.up { <p class="note">{ t.volatile_lost }</p> }
            if let Some(t) = transfer {
                <p class="note" data-field="transfer">{ format!("{} {}…", lt.transferring, t.to) }</p>
            }
            if let Some((round, at)) = lease {
                <p class="note" data-field="lease">{ format!("{} {:.1} ms (#{round})", lt.lease_until, at as f64 / 1000.0) }</p>
            }
            if pending_reads > 0 {
                <p class="note" data-field="pending-reads">{ format!("{}: {pending_reads}", lt.pending_reads) }</p>
            }
            <div class="actions">{ for buttons }</div>
            if !transfers.is_empty() {
                <div class="actions transfer" role="group" aria-label={lt.transfer_to}>
                    <span class="note">{ lt.transfer_to }</span>
                    { for transfers }
                </div>
            }
        </section>
    }
}
