//! The client panel: pick a server, type an operation (or press a quick one), send it as a
//! client request with this client's id and the next sequence number; "retry" sends the last
//! request again with the same sequence number, to show that the cluster applies it once.
//! Replies come from the servers' records (`RaftNode::replies`), with their latency.
//! A `get` is sent as a read in the mode picked here (thesis §6.4): through the log,
//! ReadIndex, lease, or stale from whichever server it is sent to.

use concord_core::raft::{ClientId, ClientReply, Command, Op, Outcome, RaftNode, ReadMode, Role};
use concord_core::sim::{Action, NodeId, Sim};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::leadership_text::{self, mode_name};
use super::text::text;
use crate::i18n::Lang;

/// The one client this panel plays.
pub const CLIENT: ClientId = 1;

/// A server as the panel offers it.
#[derive(Clone, PartialEq, Debug)]
pub struct ServerChoice {
    pub id: NodeId,
    pub up: bool,
    pub role: Role,
}

#[derive(Properties, PartialEq)]
pub struct ClientPanelProps {
    pub lang: Lang,
    pub servers: Vec<ServerChoice>,
    /// Every reply any server gave, oldest first.
    pub replies: Vec<ClientReply>,
    /// The highest sequence number of [`CLIENT`] anywhere in the cluster (logs, replies), so a
    /// replayed run never reuses one.
    pub max_seq_seen: u64,
    /// The run's read mode (`read=` in the URL), until one is picked here.
    pub default_read: ReadMode,
    pub on_act: Callback<Action<RaftNode>>,
}

/// A request this panel sent.
#[derive(Clone, PartialEq, Debug)]
struct Sent {
    seq: u64,
    op: Op,
    to: NodeId,
    /// For a read, how it was sent.
    mode: Option<ReadMode>,
}

/// The highest sequence number of [`CLIENT`] anywhere in the cluster — logs, snapshots
/// sessions, replies — so a new request never reuses one, even in a replayed run.
pub fn max_seq_seen(sim: &Sim<RaftNode>) -> u64 {
    sim.nodes()
        .iter()
        .flat_map(|s| {
            let replies = s
                .state
                .replies
                .iter()
                .filter(|r| r.client == CLIENT)
                .map(|r| r.seq);
            let in_log = s
                .state
                .persistent
                .log
                .stored()
                .iter()
                .filter_map(|e| e.request())
                .filter(|(c, _)| *c == CLIENT)
                .map(|(_, seq)| seq);
            // Requests whose entries a snapshot replaced live on in the sessions (§7).
            let in_sessions = s.state.volatile.state_machine.last_seq(CLIENT);
            replies.chain(in_log).chain([in_sessions])
        })
        .max()
        .unwrap_or(0)
}

/// What to tell the server: a `get` is a read in `mode`, anything else a command.
pub fn command(seq: u64, op: &Op, mode: ReadMode) -> Command {
    match op {
        Op::Get { key } => Command::Read {
            client: CLIENT,
            seq,
            key: key.clone(),
            mode,
        },
        op => Command::Client {
            client: CLIENT,
            seq,
            op: op.clone(),
        },
    }
}

#[derive(Clone, PartialEq, Default)]
struct PanelState {
    /// The server picked by hand; `None`: the current leader (or the first server up).
    server: Option<NodeId>,
    next_seq: u64,
    sent: Vec<Sent>,
    error: Option<String>,
    /// The read mode picked here; `None`: the run's.
    read: Option<ReadMode>,
}

#[component]
pub fn ClientPanel(p: &ClientPanelProps) -> Html {
    let rt = text(p.lang);
    let state = use_state(PanelState::default);
    let input = use_node_ref();
    let next_seq = state.next_seq.max(p.max_seq_seen + 1);
    let auto = p
        .servers
        .iter()
        .find(|s| s.up && s.role == Role::Leader)
        .or_else(|| p.servers.iter().find(|s| s.up))
        .or(p.servers.first())
        .map(|s| s.id);
    let target = state.server.or(auto).unwrap_or(NodeId(0));
    let mode = state.read.unwrap_or(p.default_read);
    let lt = leadership_text::text(p.lang);

    let send = {
        let (state, on_act) = (state.clone(), p.on_act.clone());
        move |op: Op, seq: u64| {
            on_act.emit(Action::Command(target, command(seq, &op, mode)));
            let mut next = (*state).clone();
            next.next_seq = seq + 1;
            next.error = None;
            next.sent.push(Sent {
                seq,
                mode: matches!(op, Op::Get { .. }).then_some(mode),
                op,
                to: target,
            });
            state.set(next);
        }
    };
    let on_submit = {
        let (send, input, state) = (send.clone(), input.clone(), state.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match field.value().parse::<Op>() {
                Ok(op) => send(op, next_seq),
                Err(err) => state.set(PanelState {
                    error: Some(err.to_string()),
                    ..(*state).clone()
                }),
            }
        })
    };
    let quick = ["set x 1", "add x 1", "get x", "del x"].map(|typed| {
        let send = send.clone();
        let input = input.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                field.set_value(typed);
            }
            if let Ok(op) = typed.parse::<Op>() {
                send(op, next_seq);
            }
        });
        html! { <button type="button" class="small" data-quick={typed} {onclick}>{ typed }</button> }
    });
    let last = state.sent.last().cloned();
    let on_retry = {
        let (on_act, last, state) = (p.on_act.clone(), last.clone(), state.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(last) = &last {
                let mode = last.mode.unwrap_or(mode);
                on_act.emit(Action::Command(target, command(last.seq, &last.op, mode)));
                let mut next = (*state).clone();
                next.sent.push(Sent {
                    to: target,
                    ..last.clone()
                });
                state.set(next);
            }
        })
    };
    let servers = p.servers.iter().map(|s| {
        let id = s.id;
        let state = state.clone();
        let picked = id == target;
        let onclick = Callback::from(move |_: MouseEvent| {
            state.set(PanelState {
                server: Some(id),
                ..(*state).clone()
            })
        });
        let mark = if s.role == Role::Leader && s.up { "★" } else { "" };
        html! {
            <button type="button" class={classes!("small", "server-pick", picked.then_some("picked"), (!s.up).then_some("down"))}
                aria-pressed={picked.to_string()} data-client-server={(id.0 + 1).to_string()} {onclick}>
                { format!("{id}{mark}") }
            </button>
        }
    });
    let sent_of = |seq: u64| state.sent.iter().rev().find(|s| s.seq == seq);
    let mine: Vec<&ClientReply> = p.replies.iter().filter(|r| r.client == CLIENT).collect();
    let waiting = last
        .as_ref()
        .filter(|l| !mine.iter().any(|r| r.seq == l.seq));
    let replies = mine.iter().rev().take(6).map(|r| {
        let latency = (r.replied_at.saturating_sub(r.requested_at)) as f64 / 1000.0;
        let sent = sent_of(r.seq);
        let read = sent.and_then(|s| s.mode);
        let (class, outcome) = match &r.outcome {
            Outcome::Done { index, value } => (
                "done",
                format!(
                    "→ {} · {} {index}",
                    value.map_or(rt.no_value.to_owned(), |v| v.to_string()),
                    match read {
                        None | Some(ReadMode::Log) => rt.applied_at,
                        Some(ReadMode::Stale) => lt.stale_applied,
                        Some(_) => lt.read_index_at,
                    }
                ),
            ),
            Outcome::NotLeader { hint } => (
                "not-leader",
                format!(
                    "→ {}{}",
                    rt.not_leader,
                    hint.map_or(String::new(), |h| format!(", {} {h}", rt.try_server))
                ),
            ),
            Outcome::Refused { reason } => (
                "refused",
                format!("→ {}", super::membership::refusal_text(p.lang, *reason)),
            ),
        };
        html! {
            <li class={class} data-reply={r.seq.to_string()} data-outcome={class}
                data-read-mode={read.map(|m| m.key())} data-value={match &r.outcome {
                    Outcome::Done { value, .. } => value.map(|v| v.to_string()),
                    Outcome::NotLeader { .. } | Outcome::Refused { .. } => None,
                }}>
                <span class="seq">{ format!("#{}", r.seq) }</span>
                <span class="op">{ sent.map(|s| s.op.to_string()).unwrap_or_default() }</span>
                <span class="outcome">{ outcome }</span>
                <span class="meta">{ format!("{} {} · ", rt.answered_by, r.by) }
                    if let Some(m) = read { <span class="read-mode">{ format!("{} · ", mode_name(p.lang, m)) }</span> }
                    { format!("{} {latency:.1} ms", rt.latency) }
                </span>
            </li>
        }
    });
    let target_down = p.servers.iter().any(|s| s.id == target && !s.up);
    let on_read = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            state.set(PanelState {
                read: ReadMode::from_key(&select.value()),
                ..(*state).clone()
            });
        })
    };
    html! {
        <section class="panel client-panel" aria-label={rt.client_title} data-client-panel="">
            <h3>{ format!("{} {CLIENT}", rt.client_title) }<small>{ format!(" · {} {next_seq}", rt.next_seq) }</small></h3>
            <div class="servers" role="group" aria-label={rt.send_to}>
                <span class="note">{ rt.send_to }</span>
                { for servers }
            </div>
            if target_down { <p class="note warn">{ format!("{target} {}", rt.server_down) }</p> }
            <form class="op" onsubmit={on_submit}>
                <input ref={input} type="text" aria-label={rt.operation} placeholder="set x 3" data-control="client-op" />
                <button type="submit" class="primary-small" data-action="client-send">{ rt.send }</button>
                <button type="button" data-action="client-retry" disabled={last.is_none()} title={rt.retry_help} onclick={on_retry}>
                    { match &last { Some(l) => format!("{} #{}", rt.retry, l.seq), None => rt.retry.to_owned() } }
                </button>
            </form>
            <div class="quick">{ for quick }</div>
            <label class="read-mode" title={lt.reads_help}>{ lt.read_mode }{ " " }
                <select data-control="client-read" onchange={on_read}>
                    { for ReadMode::ALL.iter().map(|&m| html! {
                        <option value={m.key()} selected={m == mode}>{ mode_name(p.lang, m) }</option>
                    }) }
                </select>
            </label>
            if let Some(err) = state.error.clone() { <p class="error" role="status">{ err }</p> }
            <ul class="replies">
                if let Some(w) = waiting {
                    <li class="waiting" data-waiting={w.seq.to_string()}>
                        <span class="seq">{ format!("#{}", w.seq) }</span>
                        <span class="op">{ w.op.to_string() }</span>
                        <span class="outcome">{ format!("→ {} {}", w.to, rt.waiting) }</span>
                    </li>
                }
                { for replies }
                if mine.is_empty() && waiting.is_none() { <li class="note">{ rt.no_replies }</li> }
            </ul>
        </section>
    }
}
