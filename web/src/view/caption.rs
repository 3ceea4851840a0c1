//! One composition for every protocol's captions. A step is told as the sentence of its event,
//! then one sentence per rule it fired, or, when none fired, what the protocol says of a quiet
//! step. The event sentences every protocol words alike live here, once: a message received or
//! stopped on its way, a message delivered, dropped, duplicated or delayed by hand, a crash, and
//! every change to the network. A protocol supplies only its own words, through
//! [`CaptionWords`].
//!
//! Every match here over `Event` and `Action` names each variant: a new one fails to compile
//! until it is captioned.

use concord_core::sim::{
    Action, DropReason, Envelope, Event, MsgId, NetConfig, NodeId, Protocol, StepReport, Time,
};

use crate::i18n::{Lang, gap, say, tr};

/// What a protocol words its own way in a caption.
pub trait CaptionWords: Protocol {
    /// How many rule sentences a caption shows; the rest are counted (a Gossip welcome can teach
    /// dozens of membership changes).
    const RULES_SHOWN: usize = usize::MAX;

    /// A message's kind and main arguments: `Prepare(1.1)`, `heartbeat`.
    fn msg_name(lang: Lang, msg: &Self::Msg) -> String;
    /// What else identifies a message, said after its route: Raft's `term 2`.
    fn msg_context(_lang: Lang, _msg: &Self::Msg) -> Option<String> {
        None
    }
    /// What a crashed node keeps and what it stops doing: the clause after "S1 crashed:".
    fn crash_keeps(lang: Lang) -> &'static str;
    /// A sentence after a message the network lost or a reader dropped: what becomes of it.
    fn after_loss(_lang: Lang) -> Option<&'static str> {
        None
    }
    /// A sentence after a message duplicated by hand: what the copy does.
    fn after_copy(_lang: Lang) -> Option<&'static str> {
        None
    }
    /// The sentence of one rule that `node` fired at `now`, with where the rule comes from.
    fn rule(lang: Lang, node: NodeId, now: Time, rule: &Self::Rule) -> String;
    /// A timer of `node` fired, or was fired by hand, and no rule did.
    fn timer_quiet(lang: Lang, node: NodeId, timer: &Self::Timer) -> String;
    /// A message arrived and no rule fired: what its receiver did all the same, if anything.
    fn delivery_quiet(_lang: Lang, _msg: &Self::Msg) -> Option<&'static str> {
        None
    }
}

/// The caption of one step: the event's sentence, then the rules' or the quiet step's.
pub fn caption<P: CaptionWords>(lang: Lang, report: &StepReport<P>) -> String {
    let node = report.node().unwrap_or_default();
    let mut parts = event(lang, report);
    let shown = report.rules.iter().take(P::RULES_SHOWN);
    parts.extend(shown.map(|rule| P::rule(lang, node, report.time, rule)));
    let more = report.rules.len().saturating_sub(P::RULES_SHOWN);
    if more > 0 {
        parts.push(tr!(
            lang,
            "(+{more} more rules fired.)",
            "（另有 {more} 条规则触发。）"
        ));
    }
    if report.rules.is_empty() {
        parts.extend(quiet(lang, report));
    }
    parts.join(gap(lang))
}

/// A message in one line, for tooltips and lists: `Prepare(1.1) S1→S3`,
/// `heartbeat S1→S2 · term 2`.
pub fn title<P: CaptionWords>(lang: Lang, env: &Envelope<P::Msg>) -> String {
    let context = P::msg_context(lang, &env.msg)
        .map(|c| format!(" · {c}"))
        .unwrap_or_default();
    format!(
        "{} {}→{}{context}",
        P::msg_name(lang, &env.msg),
        env.from,
        env.to
    )
}

/// A message as a caption names it: `heartbeat`, ` (term 2)`, from S1 to S3.
struct Named {
    name: String,
    /// The protocol's context in brackets, or nothing.
    context: String,
    from: NodeId,
    to: NodeId,
}

impl Named {
    fn new<P: CaptionWords>(lang: Lang, env: &Envelope<P::Msg>) -> Named {
        Named {
            name: P::msg_name(lang, &env.msg),
            context: P::msg_context(lang, &env.msg)
                .map(|c| tr!(lang, " ({c})", "（{c}）"))
                .unwrap_or_default(),
            from: env.from,
            to: env.to,
        }
    }
}

/// The event's sentences: what arrived, what was lost, what the reader did.
fn event<P: CaptionWords>(lang: Lang, report: &StepReport<P>) -> Vec<String> {
    match &report.event {
        Event::Delivered(env) => vec![told(lang, Fate::Received, &Named::new::<P>(lang, env))],
        Event::Dropped(env, reason) => {
            let stopped = told(lang, Fate::Stopped(*reason), &Named::new::<P>(lang, env));
            match reason {
                DropReason::Lost => with(stopped, P::after_loss(lang)),
                // The sentence says why: the cut, or the receiver down.
                DropReason::Disconnected | DropReason::ReceiverDown => vec![stopped],
            }
        }
        // The rule the timer fires says what it did; `quiet` speaks if none does.
        Event::TimerFired(..) => vec![],
        Event::Acted(action) => acted(lang, action, report),
    }
}

/// A sentence and what the protocol adds after it.
fn with(sentence: String, then: Option<&str>) -> Vec<String> {
    [Some(sentence), then.map(str::to_owned)]
        .into_iter()
        .flatten()
        .collect()
}

/// The sentences of a reader's action.
fn acted<P: CaptionWords>(lang: Lang, action: &Action<P>, report: &StepReport<P>) -> Vec<String> {
    let in_hand = |MsgId(id), fate: Fate| match &report.message {
        Some(env) => told(lang, fate, &Named::new::<P>(lang, env)),
        // The engine reports the message of every hand action; this only keeps the caption.
        None => tr!(
            lang,
            "Message #{id} was handled by hand.",
            "消息 #{id} 被手动处理。"
        ),
    };
    match action {
        Action::Deliver(id) => {
            let arrived = report.node.is_some();
            vec![in_hand(*id, Fate::Delivered { arrived })]
        }
        Action::Drop(id) => with(in_hand(*id, Fate::Dropped), P::after_loss(lang)),
        Action::Duplicate(id) => with(in_hand(*id, Fate::Duplicated), P::after_copy(lang)),
        Action::Delay(id, by) => vec![in_hand(*id, Fate::Delayed(*by))],
        Action::Crash(n) => {
            let keeps = P::crash_keeps(lang);
            vec![tr!(lang, "{n} crashed: {keeps}", "{n} 宕机：{keeps}")]
        }
        Action::SetNetwork(net) => vec![settings(lang, net)],
        Action::Cut(from, to) => vec![tr!(
            lang,
            "The link {from} → {to} was cut: messages that way are lost.",
            "链路 {from} → {to} 被切断：这个方向的消息会丢失。"
        )],
        Action::Uncut(from, to) => vec![tr!(
            lang,
            "The link {from} → {to} works again.",
            "链路 {from} → {to} 恢复连通。"
        )],
        Action::Partition(groups) => vec![partition(lang, groups)],
        Action::Heal => vec![
            say(
                lang,
                "The network healed: every link works again.",
                "网络已恢复：所有链路重新连通。",
            )
            .to_owned(),
        ],
        // Described by the rules they fire, or as a quiet step: a command by what the node made
        // of it, a restart by what the node recovered, a timer fired by hand like any timer.
        Action::Command(..) | Action::Restart(_) | Action::Fire(..) => vec![],
    }
}

/// New network settings, each named.
fn settings(lang: Lang, net: &NetConfig) -> String {
    let (loss, copies) = (percent(net.loss), percent(net.duplicate));
    let (min, max) = (ms(net.latency_min), ms(net.latency_max));
    tr!(
        lang,
        "The network settings changed: loss {loss}%, duplication {copies}%, latency {min}–{max} ms.",
        "网络设置已更改：丢失率 {loss}%，重复率 {copies}%，延迟 {min}–{max} 毫秒。"
    )
}

/// A partition by its sides: each listed group is one, the nodes not listed share another.
fn partition(lang: Lang, groups: &[Vec<NodeId>]) -> String {
    let sides = groups
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| names(group))
        .collect::<Vec<_>>();
    if sides.is_empty() {
        return say(
            lang,
            "The partition was lifted: every node is on one side again; cut links stay cut.",
            "分区已取消：所有节点重新同属一个分区；被切断的链路仍然断开。",
        )
        .to_owned();
    }
    let sides = sides.join(" | ");
    tr!(
        lang,
        "The network split: {sides} | the rest. Messages from one side to another are lost.",
        "网络被分区：{sides} | 其余节点。跨分区的消息会丢失。"
    )
}

/// `S1, S2, S3`.
fn names(ids: &[NodeId]) -> String {
    ids.iter()
        .map(NodeId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A step that fired no rule, in words, unless its event sentence already says it all.
fn quiet<P: CaptionWords>(lang: Lang, report: &StepReport<P>) -> Option<String> {
    match &report.event {
        Event::TimerFired(n, timer) | Event::Acted(Action::Fire(n, timer)) => {
            Some(P::timer_quiet(lang, *n, timer))
        }
        Event::Delivered(env) => P::delivery_quiet(lang, &env.msg).map(str::to_owned),
        // A message released early that arrived, like any delivery.
        Event::Acted(Action::Deliver(_)) => report
            .message
            .as_ref()
            .filter(|_| report.node.is_some())
            .and_then(|env| P::delivery_quiet(lang, &env.msg))
            .map(str::to_owned),
        Event::Acted(Action::Command(..) | Action::Restart(_)) => {
            Some(say(lang, "Nothing changed.", "没有变化。").to_owned())
        }
        Event::Dropped(..)
        | Event::Acted(
            Action::Crash(_)
            | Action::Drop(_)
            | Action::Duplicate(_)
            | Action::Delay(..)
            | Action::SetNetwork(_)
            | Action::Cut(..)
            | Action::Uncut(..)
            | Action::Partition(_)
            | Action::Heal,
        ) => None,
    }
}

/// What became of one message.
#[derive(Clone, Copy)]
enum Fate {
    Received,
    /// It reached the end of its flight undelivered.
    Stopped(DropReason),
    /// Released early by hand; `arrived` says whether it reached its receiver: a lost message,
    /// a cut link or a crashed receiver stop it even then.
    Delivered {
        arrived: bool,
    },
    Dropped,
    Duplicated,
    Delayed(Time),
}

/// One message's fate, the message named as it was in flight (a hand action holds only its id).
fn told(lang: Lang, fate: Fate, m: &Named) -> String {
    let Named {
        name,
        context,
        from,
        to,
    } = m;
    match fate {
        Fate::Received => tr!(
            lang,
            "{to} received {name} from {from}{context}.",
            "{to} 收到来自 {from} 的 {name}{context}。"
        ),
        Fate::Stopped(DropReason::Lost) => tr!(
            lang,
            "The network lost {name} from {from} to {to}{context}.",
            "网络丢失了 {from} 发给 {to} 的 {name}{context}。"
        ),
        Fate::Stopped(DropReason::Disconnected) => tr!(
            lang,
            "{name}{context} from {from} could not reach {to}: the link is cut.",
            "{from} 发给 {to} 的 {name}{context} 无法送达：链路已断开。"
        ),
        Fate::Stopped(DropReason::ReceiverDown) => tr!(
            lang,
            "{name}{context} from {from} reached {to}, which is down; nobody read it.",
            "{from} 发给 {to} 的 {name}{context} 到达时对方已宕机，无人处理。"
        ),
        Fate::Delivered { arrived: true } => tr!(
            lang,
            "Delivered by hand, ahead of its time: {name} from {from} to {to}{context}.",
            "手动提前送达：{from} 发给 {to} 的 {name}{context}。"
        ),
        Fate::Delivered { arrived: false } => tr!(
            lang,
            "{name} from {from} to {to}{context} was released early by hand, but did not arrive: \
             it was lost, its link is cut or {to} is down.",
            "{from} 发给 {to} 的 {name}{context} 被手动提前放行，但没有送达：它已丢失、链路已断开或 \
             {to} 已宕机。"
        ),
        Fate::Dropped => tr!(
            lang,
            "Dropped by hand: {name} from {from} to {to}{context}.",
            "手动丢弃：{from} 发给 {to} 的 {name}{context}。"
        ),
        Fate::Duplicated => tr!(
            lang,
            "Duplicated by hand: a second copy of {name} from {from} to {to}{context} is on its way.",
            "手动复制：{from} 发给 {to} 的 {name}{context} 多了一份副本在路上。"
        ),
        Fate::Delayed(by) => {
            let by = ms(by);
            tr!(
                lang,
                "Delayed by hand: {name} from {from} to {to}{context} arrives {by} ms later.",
                "手动延迟：{from} 发给 {to} 的 {name}{context} 晚 {by} 毫秒到达。"
            )
        }
    }
}

/// A write to disk began (core's `sim/disk.rs`): `held` messages wait for it, done `wait` from now;
/// `why` says why the writer waits, with the section that asks it to.
pub fn write_started(
    lang: Lang,
    who: NodeId,
    what: &str,
    held: usize,
    wait: Time,
    why: &str,
) -> String {
    let wait = ms(wait);
    tr!(
        lang,
        "{who} writes {what} to disk; {held} message(s) wait until the write is done, in {wait} \
         ms ({why}).",
        "{who} 把{what}写入磁盘；{held} 条消息要等写完（还需 {wait} 毫秒）才发出（{why}）。"
    )
}

/// A write to disk finished: `what` is on disk and the `released` messages that waited leave.
pub fn write_done(lang: Lang, who: NodeId, what: &str, released: usize, section: &str) -> String {
    tr!(
        lang,
        "{who}'s write is done: {what} is on disk, and {released} waiting message(s) leave \
         ({section}).",
        "{who} 写盘完成：{what}已在磁盘上，{released} 条等待的消息发出（{section}）。"
    )
}

/// A node came back from a crash in the middle of a write: it has what was on disk (`kept`);
/// the write (`lost`) and the messages waiting for it are gone.
pub fn write_lost(lang: Lang, who: NodeId, kept: &str, lost: &str, section: &str) -> String {
    tr!(
        lang,
        "{who} crashed before its write finished: it comes back with {kept}; {lost} and the \
         messages waiting for it are gone ({section}).",
        "{who} 在写盘完成前宕机：重启后是{kept}；{lost}以及等它的消息都丢了（{section}）。"
    )
}

/// A duration in milliseconds, to a tenth: `12.5`.
pub fn ms(duration: Time) -> String {
    format!("{:.1}", duration as f64 / 1000.0)
}

/// A probability as a whole percentage.
fn percent(p: f64) -> String {
    format!("{:.0}", p * 100.0)
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::{GossipConfig, GossipNode};
    use concord_core::paxos::{PaxosConfig, PaxosNode};
    use concord_core::raft::{RaftConfig, RaftNode};
    use concord_core::sim::{Input, Sim, SimConfig, SimError};

    use super::*;

    const NOTHING: [&str; 2] = ["Nothing changed.", "没有变化。"];

    /// A fresh run of `nodes` nodes, stepped until a message is in flight.
    fn run_with_a_message<P: CaptionWords>(config: &P::Config, nodes: usize) -> Sim<P> {
        let sim_config = SimConfig {
            seed: 5,
            nodes,
            net: Default::default(),
        };
        let mut sim = Sim::<P>::new(sim_config, config).unwrap();
        while sim.in_flight().next().is_none() {
            sim.step().unwrap();
        }
        sim
    }

    /// Both captions of `action` applied to `sim`, checked to be written in their language and
    /// to be more than "Nothing changed.".
    fn captions<P: CaptionWords>(mut sim: Sim<P>, action: Action<P>) -> [String; 2] {
        let what = format!("{action:?}");
        let at = sim.now();
        let report = sim.apply(Input::Act { at, action }).unwrap();
        let [en, zh] = [Lang::En, Lang::Zh].map(|lang| caption(lang, &report));
        for text in [&en, &zh] {
            assert!(!text.is_empty(), "{what}: empty caption");
            assert!(!NOTHING.contains(&text.as_str()), "{what}: {text}");
        }
        let chinese = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(
            !chinese(&en),
            "{what}: the English caption is not English: {en}"
        );
        assert!(
            chinese(&zh),
            "{what}: the Chinese caption is not Chinese: {zh}"
        );
        [en, zh]
    }

    /// Every action a reader takes on a run of `nodes` nodes is captioned in both languages with
    /// what it names: the network changes, a crash and the restart after it, a timer fired by
    /// hand, and each hand action on the message in flight (its name, sender and receiver).
    fn assert_actions_captioned<P: CaptionWords>(config: &P::Config, nodes: usize) {
        let (s1, s2) = (NodeId(0), NodeId(1));
        let net = NetConfig {
            loss: 0.1,
            ..NetConfig::default()
        };
        let named: [(Action<P>, [&str; 2]); 6] = [
            (
                Action::SetNetwork(net),
                [
                    "The network settings changed: loss 10%, duplication 0%, latency 10.0–20.0 ms.",
                    "网络设置已更改：丢失率 10%，重复率 0%，延迟 10.0–20.0 毫秒。",
                ],
            ),
            (
                Action::Cut(s1, s2),
                [
                    "The link S1 → S2 was cut: messages that way are lost.",
                    "链路 S1 → S2 被切断：这个方向的消息会丢失。",
                ],
            ),
            (
                Action::Uncut(s2, s1),
                ["The link S2 → S1 works again.", "链路 S2 → S1 恢复连通。"],
            ),
            (
                Action::Partition(vec![vec![s1, s2]]),
                [
                    "The network split: S1, S2 | the rest. Messages from one side to another are lost.",
                    "网络被分区：S1, S2 | 其余节点。跨分区的消息会丢失。",
                ],
            ),
            (
                Action::Heal,
                [
                    "The network healed: every link works again.",
                    "网络已恢复：所有链路重新连通。",
                ],
            ),
            (Action::Crash(s2), ["S2 crashed: ", "S2 宕机："]),
        ];
        for (action, said) in named {
            let [en, zh] = captions(run_with_a_message::<P>(config, nodes), action);
            assert!(en.starts_with(said[0]), "{en}");
            assert!(zh.starts_with(said[1]), "{zh}");
        }

        // A restart and a timer fired by hand are told by the rules they fire, or as quiet steps.
        let mut crashed = run_with_a_message::<P>(config, nodes);
        let at = crashed.now();
        let action = Action::Crash(s2);
        crashed.apply(Input::Act { at, action }).unwrap();
        captions(crashed, Action::Restart(s2));
        let sim = run_with_a_message::<P>(config, nodes);
        let timer = sim.nodes().iter().enumerate().find_map(|(i, slot)| {
            let kind: &P::Timer = slot.timers().keys().next()?;
            Some(Action::Fire(NodeId(i as u16), *kind))
        });
        captions(sim, timer.expect("a timer armed"));

        // Each hand action names the message as it was in flight (the same message in each
        // fresh run: the runs are alike).
        let env = run_with_a_message::<P>(config, nodes)
            .in_flight()
            .last()
            .unwrap()
            .clone();
        let (id, from, to) = (env.id, env.from, env.to);
        let hand = [
            (Action::Deliver(id), ["Delivered by hand", "手动提前送达"]),
            (Action::Drop(id), ["Dropped by hand", "手动丢弃"]),
            (Action::Duplicate(id), ["Duplicated by hand", "手动复制"]),
            (
                Action::Delay(id, 50_000),
                ["arrives 50.0 ms later", "晚 50.0 毫秒到达"],
            ),
        ];
        for (action, said) in hand {
            let [en, zh] = captions(run_with_a_message::<P>(config, nodes), action);
            let name = P::msg_name(Lang::En, &env.msg);
            assert!(en.contains(said[0]), "{en}");
            assert!(en.contains(&format!("{name} from {from} to {to}")), "{en}");
            let name = P::msg_name(Lang::Zh, &env.msg);
            assert!(zh.contains(said[1]), "{zh}");
            assert!(zh.contains(&format!("{from} 发给 {to} 的 {name}")), "{zh}");
        }
    }

    /// Every step of a run with loss, duplication and a partition, up to `steps` or until it
    /// rests, has a caption in both languages, and none says "Nothing changed.": only a command
    /// that fired no rule may. No caption has a run of spaces (a string broken over two lines
    /// without its `\`).
    fn assert_every_step_captioned<P: CaptionWords>(
        config: &P::Config,
        nodes: usize,
        steps: usize,
    ) {
        let net = NetConfig {
            loss: 0.2,
            duplicate: 0.2,
            ..NetConfig::default()
        };
        let sim_config = SimConfig {
            seed: 11,
            nodes,
            net,
        };
        let mut sim = Sim::<P>::new(sim_config, config).unwrap();
        for step in 0..steps {
            let input = match step {
                30 => Input::Act {
                    at: sim.now(),
                    action: Action::Partition(vec![vec![NodeId(0)]]),
                },
                90 => Input::Act {
                    at: sim.now(),
                    action: Action::Heal,
                },
                _ => Input::Next,
            };
            let report = match sim.apply(input) {
                Ok(report) => report,
                // A Paxos run rests once its value is chosen.
                Err(SimError::Idle) => break,
                Err(e) => panic!("step {step}: {e}"),
            };
            for lang in [Lang::En, Lang::Zh] {
                let text = caption(lang, &report);
                assert!(
                    !text.is_empty() && !NOTHING.contains(&text.as_str()) && !text.contains("  "),
                    "step {}: {:?} captioned {text:?}",
                    report.step,
                    report.event
                );
            }
        }
    }

    #[test]
    fn raft_captions_every_action_it_is_given() {
        assert_actions_captioned::<RaftNode>(&RaftConfig::default(), 3);
    }

    #[test]
    fn gossip_captions_every_action_it_is_given() {
        assert_actions_captioned::<GossipNode>(&GossipConfig::default(), 5);
    }

    #[test]
    fn paxos_captions_every_action_it_is_given() {
        assert_actions_captioned::<PaxosNode>(&PaxosConfig::default(), 3);
    }

    #[test]
    fn every_step_of_a_faulty_run_is_captioned() {
        assert_every_step_captioned::<RaftNode>(&RaftConfig::default(), 5, 1_000);
        assert_every_step_captioned::<GossipNode>(&GossipConfig::default(), 8, 1_000);
        assert_every_step_captioned::<PaxosNode>(&PaxosConfig::default(), 5, 1_000);
    }

    /// With writes to disk that take time, the disk's rules (a write started, done, lost in a
    /// crash) are captioned too (Figure 2's "updated on stable storage before responding").
    #[test]
    fn every_step_with_slow_disks_is_captioned() {
        let raft = RaftConfig {
            persist_delay_min: 1_000,
            persist_delay_max: 5_000,
            ..RaftConfig::default()
        };
        assert_every_step_captioned::<RaftNode>(&raft, 5, 1_000);
        let paxos = PaxosConfig {
            persist_delay_min: 1_000,
            persist_delay_max: 5_000,
            ..PaxosConfig::default()
        };
        assert_every_step_captioned::<PaxosNode>(&paxos, 5, 1_000);
    }

    /// A message's title reads as the pending list shows it; Raft adds the term.
    #[test]
    fn titles_name_route_and_context() {
        let sim = run_with_a_message::<RaftNode>(&RaftConfig::default(), 3);
        let env = sim.in_flight().last().unwrap();
        let (name, from, to) = (RaftNode::msg_name(Lang::En, &env.msg), env.from, env.to);
        let term = env.msg.term();
        assert_eq!(
            title::<RaftNode>(Lang::En, env),
            format!("{name} {from}→{to} · term {term}")
        );
        let sim = run_with_a_message::<PaxosNode>(&PaxosConfig::default(), 3);
        let env = sim.in_flight().last().unwrap();
        let name = PaxosNode::msg_name(Lang::En, &env.msg);
        assert_eq!(
            title::<PaxosNode>(Lang::En, env),
            format!("{name} {}→{}", env.from, env.to)
        );
    }
}
