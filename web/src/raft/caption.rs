//! Raft steps in words: Raft's own part of the shared captions (`view::caption`) — how it names
//! a message (with its term), what a crash keeps, what a quiet timer means — and every rule,
//! with where the paper says so (`rules.rs`).

mod rules;

use concord_core::raft::{Msg, RaftNode, Rule, Timer};
use concord_core::sim::{NodeId, Time};

use crate::i18n::{Lang, say, tr};
use crate::view::caption::CaptionWords;

impl CaptionWords for RaftNode {
    fn msg_name(lang: Lang, msg: &Msg) -> String {
        msg_name(lang, msg).to_owned()
    }

    fn msg_context(lang: Lang, msg: &Msg) -> Option<String> {
        let term = msg.term();
        Some(tr!(lang, "term {term}", "任期 {term}"))
    }

    fn crash_keeps(lang: Lang) -> &'static str {
        say(
            lang,
            "it keeps its disk (term, vote, log) but receives nothing and fires no timers.",
            "磁盘上的任期、投票和日志仍在，但不再接收消息，计时器也停止。",
        )
    }

    fn rule(lang: Lang, node: NodeId, now: Time, rule: &Rule) -> String {
        rules::rule_text(lang, node, now, rule)
    }

    fn timer_quiet(lang: Lang, node: NodeId, _timer: &Timer) -> String {
        tr!(
            lang,
            "{node}'s timer fired; nothing to do in its role.",
            "{node} 的计时器到期；在当前角色下无需动作。"
        )
    }
}

/// A message's kind, as captions and message titles name it.
fn msg_name(lang: Lang, msg: &Msg) -> &'static str {
    match msg {
        Msg::RequestVote(_) => "RequestVote",
        Msg::RequestVoteReply(r) if r.granted => say(lang, "vote granted", "同意投票"),
        Msg::RequestVoteReply(_) => say(lang, "vote denied", "拒绝投票"),
        Msg::AppendEntries(a) if a.entries.is_empty() => say(lang, "heartbeat", "心跳"),
        Msg::AppendEntries(_) => "AppendEntries",
        Msg::AppendEntriesReply(_) => say(lang, "AppendEntries reply", "AppendEntries 回复"),
        Msg::ClientRequest(_) => say(lang, "client request", "客户端请求"),
        Msg::InstallSnapshot(_) => "InstallSnapshot",
        Msg::InstallSnapshotReply(_) => say(lang, "InstallSnapshot reply", "InstallSnapshot 回复"),
        Msg::ClientRead(_) => say(lang, "client read", "客户端读请求"),
        Msg::PreVote(_) => "PreVote",
        Msg::PreVoteReply(r) if r.granted => say(lang, "pre-vote granted", "同意预投票"),
        Msg::PreVoteReply(_) => say(lang, "pre-vote denied", "拒绝预投票"),
        Msg::TimeoutNow(_) => "TimeoutNow",
    }
}

#[cfg(test)]
mod tests {
    use concord_core::raft::RaftConfig;
    use concord_core::sim::{Event, Sim, SimConfig};

    use super::*;
    use crate::view::caption::caption;

    /// A delivery's caption names the receiver, in the event and in every rule it fired.
    #[test]
    fn captions_name_the_node_the_step_happened_to() {
        let config = SimConfig {
            seed: 3,
            nodes: 3,
            net: Default::default(),
        };
        let mut sim = Sim::<RaftNode>::new(config, &RaftConfig::default()).unwrap();
        let (report, env) = loop {
            let report = sim.step().unwrap();
            if let Event::Delivered(env) = &report.event
                && !report.rules.is_empty()
            {
                break (report.clone(), env.clone());
            }
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
