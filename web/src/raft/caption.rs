//! Raft steps in words: what happened, which rule fired, and where the paper says so.

use concord_core::raft::{DenyReason, Msg, RaftNode, Role, Rule, Timer};
use concord_core::sim::{Action, DropReason, Envelope, Event, NodeId, StepReport, Time};

use super::leadership_text;
use crate::i18n::Lang;

/// The caption of one step: one sentence for the event, one per rule that fired.
pub fn caption(lang: Lang, report: &StepReport<RaftNode>) -> String {
    let node = report.node();
    let mut parts = Vec::new();
    if let Some(event) = event_text(lang, report) {
        parts.push(event);
    }
    for rule in &report.rules {
        parts.push(rule_text(lang, node.unwrap_or_default(), report.time, rule));
    }
    if parts.is_empty() {
        parts.push(match (lang, &report.event) {
            (Lang::En, Event::TimerFired(n, _)) => {
                format!("{n}'s timer fired; nothing to do in its role.")
            }
            (Lang::Zh, Event::TimerFired(n, _)) => {
                format!("{n} 的计时器到期；在当前角色下无需动作。")
            }
            (Lang::En, _) => "Nothing changed.".into(),
            (Lang::Zh, _) => "没有变化。".into(),
        });
    }
    parts.join(" ")
}

pub fn msg_name(lang: Lang, msg: &Msg) -> &'static str {
    match (lang, msg) {
        (_, Msg::RequestVote { .. }) => "RequestVote",
        (Lang::En, Msg::RequestVoteReply { granted: true, .. }) => "vote granted",
        (Lang::En, Msg::RequestVoteReply { granted: false, .. }) => "vote denied",
        (Lang::Zh, Msg::RequestVoteReply { granted: true, .. }) => "同意投票",
        (Lang::Zh, Msg::RequestVoteReply { granted: false, .. }) => "拒绝投票",
        (Lang::En, Msg::AppendEntries { entries, .. }) if entries.is_empty() => "heartbeat",
        (Lang::Zh, Msg::AppendEntries { entries, .. }) if entries.is_empty() => "心跳",
        (_, Msg::AppendEntries { .. }) => "AppendEntries",
        (Lang::En, Msg::AppendEntriesReply { .. }) => "AppendEntries reply",
        (Lang::Zh, Msg::AppendEntriesReply { .. }) => "AppendEntries 回复",
        (Lang::En, Msg::ClientRequest { .. }) => "client request",
        (Lang::Zh, Msg::ClientRequest { .. }) => "客户端请求",
        (_, Msg::InstallSnapshot { .. }) => "InstallSnapshot",
        (Lang::En, Msg::InstallSnapshotReply { .. }) => "InstallSnapshot reply",
        (Lang::Zh, Msg::InstallSnapshotReply { .. }) => "InstallSnapshot 回复",
        (Lang::En, Msg::ClientRead { .. }) => "client read",
        (Lang::Zh, Msg::ClientRead { .. }) => "客户端读请求",
        (_, Msg::PreVote { .. }) => "PreVote",
        (Lang::En, Msg::PreVoteReply { granted: true, .. }) => "pre-vote granted",
        (Lang::En, Msg::PreVoteReply { granted: false, .. }) => "pre-vote denied",
        (Lang::Zh, Msg::PreVoteReply { granted: true, .. }) => "同意预投票",
        (Lang::Zh, Msg::PreVoteReply { granted: false, .. }) => "拒绝预投票",
        (_, Msg::TimeoutNow { .. }) => "TimeoutNow",
    }
}

/// A message in one line, for tooltips: `RequestVote S1→S3 · term 2`.
pub fn msg_title(lang: Lang, env: &Envelope<Msg>) -> String {
    let term = match lang {
        Lang::En => "term",
        Lang::Zh => "任期",
    };
    format!(
        "{} {}→{} · {term} {}",
        msg_name(lang, &env.msg),
        env.from,
        env.to,
        env.msg.term()
    )
}

fn event_text(lang: Lang, report: &StepReport<RaftNode>) -> Option<String> {
    Some(match (lang, &report.event) {
        (Lang::En, Event::Delivered(e)) => format!(
            "{} received {} from {} (term {}).",
            e.to,
            msg_name(lang, &e.msg),
            e.from,
            e.msg.term()
        ),
        (Lang::Zh, Event::Delivered(e)) => format!(
            "{} 收到来自 {} 的{}（任期 {}）。",
            e.to,
            e.from,
            msg_name(lang, &e.msg),
            e.msg.term()
        ),
        (_, Event::Dropped(e, reason)) => drop_text(lang, e, *reason),
        // The rule that fires says what the timeout did.
        (_, Event::TimerFired(_, Timer::Election | Timer::Heartbeat | Timer::Snapshot)) => {
            return None;
        }
        (_, Event::Acted(action)) => match &report.message {
            Some(env) => by_hand_text(lang, action, env, report.node.is_some())?,
            None => return action_text(lang, action),
        },
    })
}

fn drop_text(lang: Lang, e: &Envelope<Msg>, reason: DropReason) -> String {
    let name = msg_name(lang, &e.msg);
    match (lang, reason) {
        (Lang::En, DropReason::Lost) => {
            format!("The network lost {name} from {} to {}.", e.from, e.to)
        }
        (Lang::En, DropReason::Disconnected) => {
            format!(
                "{name} from {} could not reach {}: the link is cut.",
                e.from, e.to
            )
        }
        (Lang::En, DropReason::ReceiverDown) => {
            format!(
                "{name} from {} reached {}, which is down; nobody read it.",
                e.from, e.to
            )
        }
        (Lang::Zh, DropReason::Lost) => format!("网络丢失了 {} 发给 {} 的{name}。", e.from, e.to),
        (Lang::Zh, DropReason::Disconnected) => {
            format!("{} 发给 {} 的{name}无法送达：链路已断开。", e.from, e.to)
        }
        (Lang::Zh, DropReason::ReceiverDown) => format!(
            "{} 发给 {} 的{name}到达时对方已宕机，无人处理。",
            e.from, e.to
        ),
    }
}

fn action_text(lang: Lang, action: &Action<RaftNode>) -> Option<String> {
    Some(match (lang, action) {
        (Lang::En, Action::Crash(n)) => format!(
            "{n} crashed: it keeps its disk (term, vote, log) but receives nothing and fires no timers."
        ),
        (Lang::Zh, Action::Crash(n)) => {
            format!("{n} 宕机：磁盘上的任期、投票和日志仍在，但不再接收消息，计时器也停止。")
        }
        (Lang::En, Action::SetNetwork(_)) => "The network settings changed.".into(),
        (Lang::Zh, Action::SetNetwork(_)) => "网络设置已更改。".into(),
        (Lang::En, Action::Heal) => "The network healed: every link works again.".into(),
        (Lang::Zh, Action::Heal) => "网络已恢复：所有链路重新连通。".into(),
        // Commands, restarts and fired timers are described by the rules they fire.
        _ => return None,
    })
}

/// A message handled by hand, named: `env` is the message as it was in flight; `arrived` says
/// whether a delivery reached its receiver (a lost message, a cut link or a crashed receiver
/// stop it even when delivered early).
fn by_hand_text(
    lang: Lang,
    action: &Action<RaftNode>,
    env: &Envelope<Msg>,
    arrived: bool,
) -> Option<String> {
    let (name, from, to, term) = (msg_name(lang, &env.msg), env.from, env.to, env.msg.term());
    Some(match (lang, action) {
        (Lang::En, Action::Deliver(_)) if arrived => format!(
            "Delivered by hand, ahead of its time: {name} from {from} to {to} (term {term})."
        ),
        (Lang::Zh, Action::Deliver(_)) if arrived => {
            format!("手动提前送达：{from} 发给 {to} 的{name}（任期 {term}）。")
        }
        (Lang::En, Action::Deliver(_)) => format!(
            "{name} from {from} to {to} was released early by hand, but did not arrive: it was lost, its link is cut or {to} is down."
        ),
        (Lang::Zh, Action::Deliver(_)) => format!(
            "{from} 发给 {to} 的{name}被手动提前放行，但没有送达：它已丢失、链路已断开或 {to} 已宕机。"
        ),
        (Lang::En, Action::Drop(_)) => {
            format!("Dropped by hand: {name} from {from} to {to} (term {term}).")
        }
        (Lang::Zh, Action::Drop(_)) => {
            format!("手动丢弃：{from} 发给 {to} 的{name}（任期 {term}）。")
        }
        (Lang::En, Action::Duplicate(_)) => format!(
            "Duplicated by hand: a second copy of {name} from {from} to {to} (term {term}) is on its way."
        ),
        (Lang::Zh, Action::Duplicate(_)) => {
            format!("手动复制：{from} 发给 {to} 的{name}（任期 {term}）多了一份副本在路上。")
        }
        (Lang::En, Action::Delay(_, by)) => format!(
            "Delayed by hand: {name} from {from} to {to} (term {term}) arrives {} ms later.",
            ms_text(0, *by)
        ),
        (Lang::Zh, Action::Delay(_, by)) => format!(
            "手动延迟：{from} 发给 {to} 的{name}（任期 {term}）晚 {} 毫秒到达。",
            ms_text(0, *by)
        ),
        _ => return None,
    })
}

fn role_name(lang: Lang, role: Role) -> &'static str {
    let t = lang.text();
    match role {
        Role::Follower => t.follower,
        Role::Candidate => t.candidate,
        Role::Leader => t.leader,
    }
}

/// A client's answer: the value, or that there is none.
fn value_text(lang: Lang, value: Option<i64>) -> String {
    match (lang, value) {
        (_, Some(v)) => v.to_string(),
        (Lang::En, None) => "none".into(),
        (Lang::Zh, None) => "空".into(),
    }
}

/// Entries `first..=last` in words: `entry 5` or `entries 5–7`.
fn range_text(lang: Lang, first: u64, last: u64) -> String {
    match (lang, first == last) {
        (Lang::En, true) => format!("entry {first}"),
        (Lang::En, false) => format!("entries {first}–{last}"),
        (Lang::Zh, true) => format!("条目 {first}"),
        (Lang::Zh, false) => format!("条目 {first}–{last}"),
    }
}

/// Milliseconds from `from` to `to`, as people read them.
fn ms_text(from: Time, to: Time) -> String {
    format!("{:.1}", to.saturating_sub(from) as f64 / 1000.0)
}

fn rule_text(lang: Lang, n: NodeId, now: Time, rule: &Rule) -> String {
    let s = rule.section();
    match lang {
        Lang::En => match *rule {
            Rule::UseConfiguration { .. }
            | Rule::AppendConfiguration { .. }
            | Rule::RefuseChange { .. }
            | Rule::ChangeCommitted { .. }
            | Rule::StepDownRemoved { .. }
            | Rule::CaughtUp { .. }
            | Rule::CatchUpRound { .. }
            | Rule::NotVoter { .. } => super::membership::rule_text(lang, n, rule),
            Rule::StartElection { term, forced } => format!(
                "{n} {}, became candidate for term {term}, voted for itself and asked the others for votes ({s}).",
                if forced {
                    "was made to time out"
                } else {
                    "heard from no leader before its election timeout"
                }
            ),
            Rule::AdoptTerm {
                was: Role::Follower,
                term,
            } => {
                format!("{n} saw the newer term {term} and adopted it ({s}).")
            }
            Rule::AdoptTerm { was, term } => format!(
                "{n} saw the newer term {term}: it stepped down from {} to follower ({s}).",
                role_name(lang, was)
            ),
            Rule::GrantVote { candidate, term } => {
                format!("{n} granted its vote to {candidate} for term {term} ({s}).")
            }
            Rule::DenyVote {
                candidate,
                term,
                reason,
            } => match reason {
                DenyReason::StaleTerm => {
                    format!("{n} refused {candidate}: term {term} is older than its own ({s}).")
                }
                DenyReason::AlreadyVoted(other) => format!(
                    "{n} refused {candidate}: it already voted for {other} in term {term}, and a server votes once per term ({s})."
                ),
                DenyReason::LogBehind => {
                    format!(
                        "{n} refused {candidate}: the candidate's log is less up-to-date than its own ({s})."
                    )
                }
                DenyReason::LeaderAlive => format!(
                    "{n} refused {candidate}: {} ({s}).",
                    leadership_text::deny_reason(lang, reason, term)
                ),
            },
            Rule::CountVote {
                from,
                granted: true,
                votes,
                needed,
            } => {
                format!("{n} counted {from}'s vote: {votes} of the {needed} it needs ({s}).")
            }
            Rule::CountVote {
                from,
                granted: false,
                votes,
                needed,
            } => {
                format!(
                    "{from} said no; {n} still has {votes} of the {needed} votes it needs ({s})."
                )
            }
            Rule::BecomeLeader { term, votes } => {
                format!("{n} has {votes} votes, a majority: it is leader for term {term} ({s}).")
            }
            Rule::SendHeartbeats { term } => format!(
                "{n}, leader of term {term}, sent heartbeats so that no follower starts an election ({s})."
            ),
            Rule::FollowLeader {
                leader,
                term,
                was: Role::Candidate,
            } => format!(
                "{n} heard from {leader}, leader of term {term}: it gave up its own candidacy and follows {leader} ({s})."
            ),
            Rule::FollowLeader { leader, term, .. } => {
                format!(
                    "{n} follows {leader}, leader of term {term}, and resets its election timer ({s})."
                )
            }
            Rule::RejectStaleLeader { leader, term } => {
                format!("{n} rejected {leader}'s AppendEntries: term {term} is stale ({s}).")
            }
            Rule::RejectLogMismatch {
                prev_log_index,
                prev_log_term,
            } => format!(
                "{n} rejected AppendEntries: its log has no entry at index {prev_log_index} with term {prev_log_term} ({s})."
            ),
            Rule::IgnoreStale { from, term } => {
                format!("{n} ignored an outdated reply from {from} (term {term}) ({s}).")
            }
            Rule::Restart { term } => format!(
                "{n} restarted as a follower. Its term ({term}), vote and log were on disk and survive; everything else starts afresh, so it rebuilds its state machine as it learns what is committed (Figure 2)."
            ),
            Rule::AppendNoop { index, term } => format!(
                "{n}, new leader of term {term}, appended a no-op entry at index {index}: once it is committed, so is every entry before it ({s})."
            ),
            Rule::AppendCommand {
                client,
                seq,
                ref op,
                index,
                term,
            } => format!(
                "{n}, the leader, appended client {client}'s request #{seq} `{op}` to its log at index {index}, term {term} ({s})."
            ),
            Rule::SendEntries { to, first, last } => format!(
                "{n} sent {} to {to} in one AppendEntries ({s}).",
                range_text(lang, first, last)
            ),
            Rule::AppendLog {
                leader,
                first,
                last,
            } => format!(
                "{n} appended {} from {leader} to its log ({s}).",
                range_text(lang, first, last)
            ),
            Rule::TruncateLog {
                index,
                old_term,
                new_term,
                removed,
            } => format!(
                "{n}'s entry at index {index} (term {old_term}) conflicts with the leader's (term {new_term}): it deleted it and all that follow, {removed} in all, and took the leader's ({s})."
            ),
            Rule::OverwriteKeepSuffix {
                index,
                old_term,
                new_term,
                kept,
            } => format!(
                "Broken on purpose: {n} overwrote its entry at index {index} (term {old_term} → {new_term}) but kept the {kept} entries after it, which never followed the new entry on any leader; {s} says to delete them."
            ),
            Rule::AckEntries {
                follower,
                match_index,
                next_index,
            } => format!(
                "{n} learned that {follower}'s log matches its own up to index {match_index} (matchIndex); it will send from index {next_index} next (nextIndex) ({s})."
            ),
            Rule::BackUp {
                follower,
                next_index,
                hint: false,
            } => format!(
                "{follower}'s log did not match, so {n} backs up its nextIndex for {follower} to {next_index} and tries again ({s})."
            ),
            Rule::BackUp {
                follower,
                next_index,
                hint: true,
            } => format!(
                "{follower}'s log did not match; from the conflicting term and index {follower} reported, {n} skips back to nextIndex {next_index} and tries again ({s})."
            ),
            Rule::StartReplicate {
                follower,
                match_index,
            } => format!(
                "{n} found where {follower}'s log matches its own (up to index {match_index}): it stops probing and sends {follower} new entries as they come ({s})."
            ),
            Rule::StartProbe {
                follower,
                next_index,
            } => format!(
                "{follower} refused entries, so {n} probes it again: one AppendEntries at a time, from index {next_index} ({s})."
            ),
            Rule::AdvanceCommit {
                index,
                entry_term,
                term,
                replicas,
            } if entry_term < term => format!(
                "Broken on purpose: {n} committed up to index {index} because {replicas} servers store it, though that entry is from term {entry_term}, not its current term {term}. {s} forbids counting replicas for entries of earlier terms (Figure 8)."
            ),
            Rule::AdvanceCommit {
                index,
                term,
                replicas,
                ..
            } => format!(
                "{replicas} servers, a majority, store the entry at index {index} of the current term {term}: {n} commits it and every entry before it ({s})."
            ),
            Rule::WaitForCurrentTerm {
                index,
                entry_term,
                term,
            } => format!(
                "A majority stores index {index}, but that entry is from term {entry_term}, not {n}'s current term {term}: it is not committed by counting replicas, only once an entry of term {term} after it is ({s}, Figure 8)."
            ),
            Rule::LearnCommit { commit_index } => format!(
                "{n} learned from the leader that the entries up to index {commit_index} are committed ({s})."
            ),
            Rule::ApplyEntries { first, last } => format!(
                "{n} applied {} to its state machine, in log order ({s}).",
                range_text(lang, first, last)
            ),
            Rule::SkipDuplicate { index, client, seq } => format!(
                "Entry {index} is client {client}'s request #{seq}, which the client's session shows applied already (or overtaken by a later one): {n} does not run it again ({s})."
            ),
            Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                requested_at,
                cached: false,
            } => format!(
                "{n} answered client {client}'s request #{seq}: applied at index {index}, result {}, {} ms after the request ({s}).",
                value_text(lang, value),
                ms_text(requested_at, now)
            ),
            Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                cached: true,
                ..
            } => format!(
                "Client {client} retried request #{seq}, which was applied at index {index} already: {n} answered from the client's session (result {}) without applying it again ({s}).",
                value_text(lang, value)
            ),
            Rule::ForwardRequest {
                client,
                seq,
                leader,
            } => format!(
                "{n} is not the leader: it passed client {client}'s request #{seq} on to {leader}, the leader it knows ({s})."
            ),
            Rule::NotLeader {
                client,
                seq,
                hint: Some(hint),
            } => format!(
                "{n} is not the leader and knows none: it turned client {client}'s request #{seq} away, suggesting {hint}, whom it voted for ({s})."
            ),
            Rule::NotLeader {
                client,
                seq,
                hint: None,
            } => format!(
                "{n} is not the leader and knows none: it turned client {client}'s request #{seq} away; the client must try another server ({s})."
            ),
            Rule::RequestInLog { client, seq, index } => format!(
                "Client {client}'s request #{seq} is already in {n}'s log at index {index}: {n} waits for that entry instead of appending the request again ({s})."
            ),
            Rule::IgnoreOldRequest {
                client,
                seq,
                last_seq,
            } => format!(
                "Client {client} has had request #{last_seq} applied since; #{seq} is older, and {n} ignores it ({s})."
            ),
            Rule::TakeSnapshot {
                index,
                term,
                compacted,
                size,
            } => format!(
                "{n} wrote its state machine, client sessions included, to a snapshot up to index {index} (term {term}, about {size} bytes) and dropped the {compacted} log entries it replaces ({s})."
            ),
            Rule::RestoreSnapshot { index, term } => format!(
                "{n} loaded its snapshot (up to index {index}, term {term}) into its state machine; committed entries after it will be applied again ({s})."
            ),
            Rule::SendSnapshot {
                to,
                index,
                term,
                size,
            } => format!(
                "{to} needs entries {n} has compacted: {n} sends it its snapshot instead, up to index {index} (term {term}, about {size} bytes), in one InstallSnapshot ({s})."
            ),
            Rule::InstallSnapshot {
                leader,
                index,
                term,
                kept: 0,
            } => format!(
                "{n} installed {leader}'s snapshot up to index {index} (term {term}): its state machine is now the snapshot's, and its log, which had no matching entry there, was discarded ({s})."
            ),
            Rule::InstallSnapshot {
                leader,
                index,
                term,
                kept,
            } => format!(
                "{n} installed {leader}'s snapshot up to index {index} (term {term}): its state machine is now the snapshot's; its log already had that entry, so it keeps the {kept} entries after it ({s})."
            ),
            Rule::IgnoreSnapshot {
                index,
                commit_index,
            } => format!(
                "{n} has committed up to index {commit_index}, at or past the snapshot's {index}: it keeps its state and only acknowledges ({s})."
            ),
            // Reads, PreVote, CheckQuorum, leadership transfer.
            _ => leadership_text::rule_text(lang, n, now, rule),
        },
        Lang::Zh => match *rule {
            Rule::UseConfiguration { .. }
            | Rule::AppendConfiguration { .. }
            | Rule::RefuseChange { .. }
            | Rule::ChangeCommitted { .. }
            | Rule::StepDownRemoved { .. }
            | Rule::CaughtUp { .. }
            | Rule::CatchUpRound { .. }
            | Rule::NotVoter { .. } => super::membership::rule_text(lang, n, rule),
            Rule::StartElection { term, forced } => format!(
                "{n} {}，成为任期 {term} 的 candidate，先投自己一票，再向其他节点请求投票（{s}）。",
                if forced {
                    "被手动触发超时"
                } else {
                    "在 election timeout 内没有收到 leader 的消息"
                }
            ),
            Rule::AdoptTerm {
                was: Role::Follower,
                term,
            } => format!("{n} 看到更新的任期 {term}，更新了自己的任期（{s}）。"),
            Rule::AdoptTerm { was, term } => format!(
                "{n} 看到更新的任期 {term}：从 {} 退回 follower（{s}）。",
                role_name(lang, was)
            ),
            Rule::GrantVote { candidate, term } => {
                format!("{n} 在任期 {term} 把票投给 {candidate}（{s}）。")
            }
            Rule::DenyVote {
                candidate,
                term,
                reason,
            } => match reason {
                DenyReason::StaleTerm => {
                    format!("{n} 拒绝 {candidate}：任期 {term} 比自己的旧（{s}）。")
                }
                DenyReason::AlreadyVoted(other) => format!(
                    "{n} 拒绝 {candidate}：任期 {term} 已经投给了 {other}，每个任期只能投一票（{s}）。"
                ),
                DenyReason::LogBehind => {
                    format!("{n} 拒绝 {candidate}：对方的日志不如自己的新（{s}）。")
                }
                DenyReason::LeaderAlive => format!(
                    "{n} 拒绝 {candidate}：{}（{s}）。",
                    leadership_text::deny_reason(lang, reason, term)
                ),
            },
            Rule::CountVote {
                from,
                granted: true,
                votes,
                needed,
            } => {
                format!("{n} 收到 {from} 的选票：已有 {votes} 票，需要 {needed} 票（{s}）。")
            }
            Rule::CountVote {
                from,
                granted: false,
                votes,
                needed,
            } => {
                format!("{from} 拒绝了；{n} 仍是 {votes} 票，需要 {needed} 票（{s}）。")
            }
            Rule::BecomeLeader { term, votes } => {
                format!("{n} 获得 {votes} 票，超过半数：成为任期 {term} 的 leader（{s}）。")
            }
            Rule::SendHeartbeats { term } => {
                format!("{n}（任期 {term} 的 leader）发送心跳，防止 follower 发起选举（{s}）。")
            }
            Rule::FollowLeader {
                leader,
                term,
                was: Role::Candidate,
            } => format!(
                "{n} 收到任期 {term} 的 leader {leader} 的消息：放弃竞选，成为 follower（{s}）。"
            ),
            Rule::FollowLeader { leader, term, .. } => {
                format!("{n} 跟随任期 {term} 的 leader {leader}，并重置 election timeout（{s}）。")
            }
            Rule::RejectStaleLeader { leader, term } => {
                format!("{n} 拒绝 {leader} 的 AppendEntries：任期 {term} 已过时（{s}）。")
            }
            Rule::RejectLogMismatch {
                prev_log_index,
                prev_log_term,
            } => format!(
                "{n} 拒绝 AppendEntries：日志中没有索引 {prev_log_index}、任期 {prev_log_term} 的条目（{s}）。"
            ),
            Rule::IgnoreStale { from, term } => {
                format!("{n} 忽略了来自 {from} 的过时回复（任期 {term}）（{s}）。")
            }
            Rule::Restart { term } => format!(
                "{n} 重启为 follower。任期（{term}）、投票和日志保存在磁盘上得以保留，其余状态从头开始，状态机要在得知哪些条目已提交后重新应用重建（图 2）。"
            ),
            Rule::AppendNoop { index, term } => format!(
                "{n} 作为任期 {term} 的新 leader，在索引 {index} 追加了一个空操作（no-op）条目：它一旦提交，之前的所有条目也随之提交（{s}）。"
            ),
            Rule::AppendCommand {
                client,
                seq,
                ref op,
                index,
                term,
            } => format!(
                "leader {n} 把客户端 {client} 的第 {seq} 号请求 `{op}` 追加到日志的索引 {index}（任期 {term}）（{s}）。"
            ),
            Rule::SendEntries { to, first, last } => format!(
                "{n} 用一条 AppendEntries 把{}发给 {to}（{s}）。",
                range_text(lang, first, last)
            ),
            Rule::AppendLog {
                leader,
                first,
                last,
            } => format!(
                "{n} 把来自 {leader} 的{}追加到自己的日志（{s}）。",
                range_text(lang, first, last)
            ),
            Rule::TruncateLog {
                index,
                old_term,
                new_term,
                removed,
            } => format!(
                "{n} 在索引 {index} 的条目（任期 {old_term}）与 leader 的（任期 {new_term}）冲突：删除该条目及其后所有条目，共 {removed} 条，改用 leader 的（{s}）。"
            ),
            Rule::OverwriteKeepSuffix {
                index,
                old_term,
                new_term,
                kept,
            } => format!(
                "故意破坏：{n} 覆盖了索引 {index} 的条目（任期 {old_term} → {new_term}），却保留了其后的 {kept} 个条目，而这些条目在任何 leader 的日志里都不在新条目之后；{s} 要求删除它们。"
            ),
            Rule::AckEntries {
                follower,
                match_index,
                next_index,
            } => format!(
                "{n} 得知 {follower} 的日志与自己的一致到索引 {match_index}（matchIndex）；下次从索引 {next_index} 开始发送（nextIndex）（{s}）。"
            ),
            Rule::BackUp {
                follower,
                next_index,
                hint: false,
            } => format!(
                "{follower} 的日志对不上，{n} 把 {follower} 的 nextIndex 回退到 {next_index} 再试（{s}）。"
            ),
            Rule::BackUp {
                follower,
                next_index,
                hint: true,
            } => format!(
                "{follower} 的日志对不上；根据 {follower} 报告的冲突任期和索引，{n} 直接跳回 nextIndex {next_index} 再试（{s}）。"
            ),
            Rule::StartReplicate {
                follower,
                match_index,
            } => format!(
                "{n} 找到了与 {follower} 日志一致的位置（到索引 {match_index}）：停止探测，之后有新条目就立即发给 {follower}（{s}）。"
            ),
            Rule::StartProbe {
                follower,
                next_index,
            } => format!(
                "{follower} 拒绝了条目，{n} 重新探测它：从索引 {next_index} 起，每次只发一条 AppendEntries（{s}）。"
            ),
            Rule::AdvanceCommit {
                index,
                entry_term,
                term,
                replicas,
            } if entry_term < term => format!(
                "故意破坏：{n} 因为有 {replicas} 台服务器存有索引 {index} 就提交了它，但该条目来自任期 {entry_term}，不是当前任期 {term}。{s} 禁止靠计数副本提交以前任期的条目（图 8）。"
            ),
            Rule::AdvanceCommit {
                index,
                term,
                replicas,
                ..
            } => format!(
                "{replicas} 台服务器（过半数）存有当前任期 {term} 在索引 {index} 的条目：{n} 提交它及之前的所有条目（{s}）。"
            ),
            Rule::WaitForCurrentTerm {
                index,
                entry_term,
                term,
            } => format!(
                "过半数服务器存有索引 {index}，但该条目来自任期 {entry_term}，不是 {n} 的当前任期 {term}：不能靠计数副本提交，要等其后一个任期 {term} 的条目提交时才一并提交（{s}，图 8）。"
            ),
            Rule::LearnCommit { commit_index } => {
                format!("{n} 从 leader 得知索引 {commit_index} 及之前的条目都已提交（{s}）。")
            }
            Rule::ApplyEntries { first, last } => format!(
                "{n} 按日志顺序把{}应用到状态机（{s}）。",
                range_text(lang, first, last)
            ),
            Rule::SkipDuplicate { index, client, seq } => format!(
                "条目 {index} 是客户端 {client} 的第 {seq} 号请求，会话记录显示它已应用（或已被更新的请求取代）：{n} 不再执行它（{s}）。"
            ),
            Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                requested_at,
                cached: false,
            } => format!(
                "{n} 回复客户端 {client} 的第 {seq} 号请求：已在索引 {index} 应用，结果 {}，距请求 {} 毫秒（{s}）。",
                value_text(lang, value),
                ms_text(requested_at, now)
            ),
            Rule::ReplyClient {
                client,
                seq,
                index,
                value,
                cached: true,
                ..
            } => format!(
                "客户端 {client} 重试第 {seq} 号请求，它已在索引 {index} 应用过：{n} 直接用客户端会话里的结果（{}）回复，不再重复应用（{s}）。",
                value_text(lang, value)
            ),
            Rule::ForwardRequest {
                client,
                seq,
                leader,
            } => format!(
                "{n} 不是 leader：把客户端 {client} 的第 {seq} 号请求转发给它所知的 leader {leader}（{s}）。"
            ),
            Rule::NotLeader {
                client,
                seq,
                hint: Some(hint),
            } => format!(
                "{n} 不是 leader，也不知道谁是：拒绝了客户端 {client} 的第 {seq} 号请求，建议去找它投过票的 {hint}（{s}）。"
            ),
            Rule::NotLeader {
                client,
                seq,
                hint: None,
            } => format!(
                "{n} 不是 leader，也不知道谁是：拒绝了客户端 {client} 的第 {seq} 号请求，客户端只能换一台服务器再试（{s}）。"
            ),
            Rule::RequestInLog { client, seq, index } => format!(
                "客户端 {client} 的第 {seq} 号请求已在 {n} 日志的索引 {index}：{n} 等这个条目应用，不再重复追加（{s}）。"
            ),
            Rule::IgnoreOldRequest {
                client,
                seq,
                last_seq,
            } => format!(
                "客户端 {client} 的第 {last_seq} 号请求已经应用；第 {seq} 号更早，{n} 忽略它（{s}）。"
            ),
            Rule::TakeSnapshot {
                index,
                term,
                compacted,
                size,
            } => format!(
                "{n} 把状态机（连同客户端会话）写成快照，覆盖到索引 {index}（任期 {term}，约 {size} 字节），并删除了被快照取代的 {compacted} 条日志条目（{s}）。"
            ),
            Rule::RestoreSnapshot { index, term } => format!(
                "{n} 从快照（到索引 {index}，任期 {term}）恢复状态机；其后的已提交条目会重新应用（{s}）。"
            ),
            Rule::SendSnapshot {
                to,
                index,
                term,
                size,
            } => format!(
                "{to} 需要的条目已被 {n} 压缩：{n} 改为用一条 InstallSnapshot 发送快照，到索引 {index}（任期 {term}，约 {size} 字节）（{s}）。"
            ),
            Rule::InstallSnapshot {
                leader,
                index,
                term,
                kept: 0,
            } => format!(
                "{n} 安装了 {leader} 的快照，到索引 {index}（任期 {term}）：状态机换成快照的内容；它的日志在该处没有匹配的条目，于是整个丢弃（{s}）。"
            ),
            Rule::InstallSnapshot {
                leader,
                index,
                term,
                kept,
            } => format!(
                "{n} 安装了 {leader} 的快照，到索引 {index}（任期 {term}）：状态机换成快照的内容；它的日志已有该条目，于是保留其后的 {kept} 条条目（{s}）。"
            ),
            Rule::IgnoreSnapshot {
                index,
                commit_index,
            } => format!(
                "{n} 已提交到索引 {commit_index}，不早于快照的 {index}：保持自身状态，只回复确认（{s}）。"
            ),
            _ => leadership_text::rule_text(lang, n, now, rule),
        },
    }
}

#[cfg(test)]
mod tests {
    use concord_core::raft::RaftConfig;
    use concord_core::sim::{Sim, SimConfig};

    use super::*;

    /// A message delivered by hand is named in the caption: its kind, sender and receiver.
    #[test]
    fn a_hand_delivery_names_its_message() {
        let config = SimConfig {
            seed: 3,
            nodes: 3,
            net: Default::default(),
        };
        let mut sim = Sim::<RaftNode>::new(config, &RaftConfig::default()).unwrap();
        while sim.in_flight().next().is_none() {
            sim.step().unwrap();
        }
        let env = sim.in_flight().last().unwrap().clone();
        let report = sim
            .apply(concord_core::sim::Input::Act {
                at: sim.now(),
                action: Action::Deliver(env.id),
            })
            .unwrap();
        let name = msg_name(Lang::En, &env.msg);
        let text = caption(Lang::En, &report);
        assert!(
            text.starts_with(&format!(
                "Delivered by hand, ahead of its time: {name} from {} to {}",
                env.from, env.to
            )),
            "{text}"
        );
        let zh = caption(Lang::Zh, &report);
        assert!(
            zh.contains(&format!("{} 发给 {} 的", env.from, env.to)),
            "{zh}"
        );
    }

    /// A delivery's caption names the receiver, in the event and in every rule it fired.
    #[test]
    fn captions_name_the_node_the_step_happened_to() {
        let config = SimConfig {
            seed: 3,
            nodes: 3,
            net: Default::default(),
        };
        let mut sim = Sim::<RaftNode>::new(config, &RaftConfig::default()).unwrap();
        let report = loop {
            let report = sim.step().unwrap();
            if matches!(report.event, Event::Delivered(_)) && !report.rules.is_empty() {
                break report;
            }
        };
        let Event::Delivered(env) = &report.event else {
            unreachable!()
        };
        let text = caption(Lang::En, &report);
        assert!(text.starts_with(&format!("{} received", env.to)), "{text}");
        let others = NodeId::all(3).filter(|&n| n != env.to && n != env.from);
        for other in others {
            assert!(
                !text.contains(&other.to_string()),
                "{text} mentions {other}"
            );
        }
    }
}
