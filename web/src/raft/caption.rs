//! Raft steps in words: what happened, which rule fired, and where the paper says so.

use concord_core::raft::{DenyReason, Msg, RaftNode, Role, Rule, Timer};
use concord_core::sim::{Action, DropReason, Envelope, Event, NodeId, StepReport};

use crate::i18n::Lang;

/// The caption of one step: one sentence for the event, one per rule that fired.
pub fn caption(lang: Lang, report: &StepReport<RaftNode>) -> String {
    let node = report.node();
    let mut parts = Vec::new();
    if let Some(event) = event_text(lang, &report.event) {
        parts.push(event);
    }
    for rule in &report.rules {
        parts.push(rule_text(lang, node.unwrap_or_default(), rule));
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

fn event_text(lang: Lang, event: &Event<RaftNode>) -> Option<String> {
    Some(match (lang, event) {
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
        (_, Event::TimerFired(_, Timer::Election | Timer::Heartbeat)) => return None,
        (_, Event::Acted(action)) => return action_text(lang, action),
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
        (Lang::En, Action::Deliver(m)) => {
            format!("Message #{} was delivered ahead of its time.", m.0)
        }
        (Lang::Zh, Action::Deliver(m)) => format!("消息 #{} 被提前送达。", m.0),
        (Lang::En, Action::Drop(m)) => format!("Message #{} was dropped.", m.0),
        (Lang::Zh, Action::Drop(m)) => format!("消息 #{} 被丢弃。", m.0),
        (Lang::En, Action::SetNetwork(_)) => "The network settings changed.".into(),
        (Lang::Zh, Action::SetNetwork(_)) => "网络设置已更改。".into(),
        (Lang::En, Action::Heal) => "The network healed: every link works again.".into(),
        (Lang::Zh, Action::Heal) => "网络已恢复：所有链路重新连通。".into(),
        // Commands, restarts and fired timers are described by the rules they fire.
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

fn rule_text(lang: Lang, n: NodeId, rule: &Rule) -> String {
    let s = rule.section();
    match lang {
        Lang::En => match *rule {
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
                "{n} restarted as a follower. Its term ({term}), vote and log were on disk and survive; everything else starts afresh (Figure 2)."
            ),
        },
        Lang::Zh => match *rule {
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
                "{n} 重启为 follower。任期（{term}）、投票和日志保存在磁盘上得以保留，其余状态从头开始（图 2）。"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use concord_core::raft::RaftConfig;
    use concord_core::sim::{Sim, SimConfig};

    use super::*;

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
