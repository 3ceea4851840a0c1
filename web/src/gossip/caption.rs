//! Gossip steps in words: what happened, which rule fired, and where it comes from — Demers et
//! al. 1987 (§1.1 versions, §1.3 anti-entropy and push / pull, §1.4 rumor mongering, §1.5
//! backup), SWIM 2002 (§3.1 probes, §4.1 dissemination, §4.2 suspicion), or the seed notes
//! (peer selection, Consul's health checks, Serf's joins). [`Rule::source`] names the source; each
//! caption ends with it.

use concord_core::gossip::{
    GossipNode, Key, LossReason, Mode, Msg, MsgKind, Rule, Status, Timer, Version,
};
use concord_core::sim::{Action, DropReason, Envelope, Event, NodeId, StepReport};

use crate::i18n::{Lang, gap, say};
use crate::view::caption::{self as view, Named};

/// `x3`, or `health(S2)`.
pub fn key_name(key: Key) -> String {
    match key {
        Key::Data(k) => format!("x{k}"),
        Key::Health(n) => format!("health({n})"),
    }
}

/// `v2@S1`: the version's counter and its writer.
pub fn version_name(v: Version) -> String {
    format!("v{}@{}", v.counter, v.node)
}

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Push => "push",
        Mode::Pull => "pull",
        Mode::PushPull => "push-pull",
    }
}

pub fn status_name(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Alive => say(lang, "alive", "存活"),
        Status::Suspect => say(lang, "suspect", "可疑"),
        Status::Dead => say(lang, "dead", "死亡"),
    }
}

/// A message kind's name, as the legend and the counters call it.
pub fn kind_name(lang: Lang, kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Push => say(lang, "push (entries)", "push（数据）"),
        MsgKind::PushAck => say(lang, "push feedback", "push 反馈"),
        MsgKind::Digest => say(lang, "pull digest", "pull 摘要"),
        MsgKind::Answer => say(lang, "pull reply", "pull 应答"),
        MsgKind::Join => say(lang, "join", "加入"),
        MsgKind::Welcome => say(lang, "welcome", "欢迎"),
        MsgKind::Ping => "ping",
        MsgKind::PingReq => "ping-req",
        MsgKind::Ack => "ack",
    }
}

/// A message with its main content: `Push(x1 v1@S1)`, `Digest(2 keys)`, `Ping #4` …
pub fn msg_name(lang: Lang, msg: &Msg) -> String {
    let entries = |entries: &[concord_core::gossip::Entry]| {
        if entries.is_empty() {
            return "—".to_owned();
        }
        entries
            .iter()
            .take(3)
            .map(|e| format!("{} {}", key_name(e.key), version_name(e.version)))
            .chain((entries.len() > 3).then(|| "…".to_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let keys = |n: usize| match lang {
        Lang::En if n == 1 => "1 key".to_owned(),
        Lang::En => format!("{n} keys"),
        Lang::Zh => format!("{n} 个键"),
    };
    let piggy = match msg.gossip().len() {
        0 => String::new(),
        n => format!(" +{n}♦"),
    };
    let body = match msg {
        Msg::Push { entries: e, .. } => format!("Push({})", entries(e)),
        Msg::PushAck { known, .. } => format!("PushAck({})", keys(known.len())),
        Msg::Digest { digest, .. } => format!("Digest({})", keys(digest.len())),
        Msg::Answer { entries: e, .. } => format!("Answer({})", entries(e)),
        Msg::Join { digest, .. } => format!("Join({})", keys(digest.len())),
        Msg::Welcome { entries: e, .. } => format!("Welcome({})", entries(e)),
        Msg::Ping { seq, origin, .. } => match origin {
            Some(o) => format!("Ping #{seq} ({} {o})", say(lang, "for", "代")),
            None => format!("Ping #{seq}"),
        },
        Msg::PingReq { target, seq, .. } => format!("PingReq #{seq} → {target}"),
        Msg::Ack { seq, target, .. } => format!("Ack #{seq} ({target})"),
    };
    body + &piggy
}

/// A message in one line, for tooltips: `Push(x1 v1@S1) S1→S4`.
pub fn msg_title(lang: Lang, env: &Envelope<Msg>) -> String {
    format!("{} {}→{}", msg_name(lang, &env.msg), env.from, env.to)
}

pub fn timer_name(lang: Lang, timer: &Timer) -> String {
    match timer {
        Timer::Round => say(lang, "gossip round", "gossip 轮"),
        Timer::Probe => say(lang, "SWIM probe", "SWIM 探测"),
        Timer::ProbeTimeout => say(lang, "ack timeout", "ack 超时"),
        Timer::Suspicion => say(lang, "suspicion timeout", "怀疑超时"),
        Timer::Health => say(lang, "health check", "健康检查"),
    }
    .to_owned()
}

/// A rule's source in the reader's language.
fn source(lang: Lang, rule: &Rule) -> String {
    let s = rule.source();
    match lang {
        Lang::En => s.to_owned(),
        Lang::Zh => s
            .replace("seed notes (not yet sent to)", "种子笔记（尚未发送过）")
            .replace("seed notes", "种子笔记")
            .replace("Consul health checks", "Consul 健康检查")
            .replace("(join, reconnect)", "（加入、重连）")
            .replace("(membership)", "（成员）")
            .replace("(incarnation)", "（化身号）")
            .replace("(rejoin)", "（重新加入）"),
    }
}

/// The caption of one step: one sentence for the event, one per rule that fired (at most a
/// few: a welcome can teach dozens of changes, and the rest are counted).
pub fn caption(lang: Lang, report: &StepReport<GossipNode>) -> String {
    const SHOWN: usize = 4;
    let me = report.node().unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(event) = event_text(lang, report) {
        parts.push(event);
    }
    for rule in report.rules.iter().take(SHOWN) {
        parts.push(format!(
            "{} [{}]",
            rule_text(lang, me, rule),
            source(lang, rule)
        ));
    }
    let more = report.rules.len().saturating_sub(SHOWN);
    if more > 0 {
        parts.push(match lang {
            Lang::En => format!("(+{more} more rules fired.)"),
            Lang::Zh => format!("（另有 {more} 条规则触发。）"),
        });
    }
    if report.rules.is_empty() {
        parts.push(match (lang, &report.event) {
            (_, Event::TimerFired(n, t)) => match lang {
                Lang::En => format!(
                    "{n}'s {} fired; there was nothing to do.",
                    timer_name(lang, t)
                ),
                Lang::Zh => format!("{n} 的{}到期；没有要做的事。", timer_name(lang, t)),
            },
            (_, Event::Delivered(e)) if matches!(e.msg, Msg::Ping { .. }) => say(
                lang,
                "It answers with an ack: it is alive. [SWIM 2002, §3.1]",
                "它回复 ack：自己还活着。[SWIM 2002, §3.1]",
            )
            .to_owned(),
            (_, Event::Delivered(_)) => {
                say(lang, "It changed nothing here.", "这里没有任何变化。").to_owned()
            }
            (_, Event::Acted(Action::Command(..))) => {
                say(lang, "Nothing changed.", "没有变化。").to_owned()
            }
            _ => String::new(),
        });
    }
    parts.retain(|p| !p.is_empty());
    parts.join(gap(lang))
}

fn event_text(lang: Lang, report: &StepReport<GossipNode>) -> Option<String> {
    let named = |e: &Envelope<Msg>| Named::new(msg_name(lang, &e.msg), e);
    let and = |first: String, then: &str| [first.as_str(), then].join(gap(lang));
    Some(match &report.event {
        Event::Delivered(e) => view::received(lang, &named(e)),
        Event::Dropped(e, reason) => match reason {
            DropReason::Lost => and(view::dropped(lang, &named(e), *reason), no_resend(lang)),
            _ => view::dropped(lang, &named(e), *reason),
        },
        Event::TimerFired(..) => return None,
        Event::Acted(action) => match &report.message {
            Some(e) => {
                let by_hand = view::by_hand(lang, action, &named(e), report.node.is_some())?;
                match action {
                    Action::Drop(_) => and(by_hand, no_resend(lang)),
                    Action::Duplicate(_) => and(
                        by_hand,
                        say(
                            lang,
                            "Its receiver will count the copy as a redundant receipt.",
                            "接收方会把副本算作一次冗余接收。",
                        ),
                    ),
                    _ => by_hand,
                }
            }
            None => return action_text(lang, action),
        },
    })
}

/// Why a lost message does no lasting harm here.
fn no_resend(lang: Lang) -> &'static str {
    say(
        lang,
        "Gossip does not resend: a later round carries what it held.",
        "gossip 不重发：之后的轮次会带上它的内容。",
    )
}

fn action_text(lang: Lang, action: &Action<GossipNode>) -> Option<String> {
    match (lang, action) {
        (Lang::En, Action::Crash(n)) => Some(format!(
            "{n} crashed: its store stays on disk, but it forgets its hot rumors and its \
             membership view, and answers no probe."
        )),
        (Lang::Zh, Action::Crash(n)) => Some(format!(
            "{n} 宕机：存储仍在磁盘上，但忘记了热谣言和成员视图，也不再回应探测。"
        )),
        // Commands, restarts and fired timers are described by the rules they fire.
        _ => view::network(lang, action),
    }
}

fn names(ids: &[NodeId]) -> String {
    ids.iter()
        .map(NodeId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn reason_text(lang: Lang, reason: LossReason, count: u32) -> String {
    match (lang, reason) {
        (Lang::En, LossReason::Counter) => format!("its counter reached k = {count}"),
        (Lang::En, LossReason::Coin) => "the 1/k coin came up".to_owned(),
        (Lang::En, LossReason::Exhausted) => {
            "the selection rules leave nobody to tell it to".to_owned()
        }
        (Lang::Zh, LossReason::Counter) => format!("计数器达到 k = {count}"),
        (Lang::Zh, LossReason::Coin) => "掷出了 1/k 的硬币".to_owned(),
        (Lang::Zh, LossReason::Exhausted) => "选择规则下已没有可以告诉的节点".to_owned(),
    }
}

fn rule_text(lang: Lang, me: NodeId, rule: &Rule) -> String {
    match rule {
        Rule::LocalUpdate {
            key,
            value,
            version,
        } => match lang {
            Lang::En => format!(
                "{me} wrote {} = {value}: a new version {}, newer than any it held.",
                key_name(*key),
                version_name(*version)
            ),
            Lang::Zh => format!(
                "{me} 写入 {} = {value}：新版本 {}，比它持有的任何版本都新。",
                key_name(*key),
                version_name(*version)
            ),
        },
        Rule::Round { round, peers, mode } => match lang {
            Lang::En => format!(
                "Round {round}: {me} picked {} at random and starts a {} exchange with each.",
                names(peers),
                mode_name(*mode)
            ),
            Lang::Zh => format!(
                "第 {round} 轮：{me} 随机选了 {}，和每个节点进行一次 {} 交换。",
                names(peers),
                mode_name(*mode)
            ),
        },
        Rule::BackupAntiEntropy { peer } => match lang {
            Lang::En => format!(
                "{me} also runs one anti-entropy push-pull with {peer}, so an update whose rumor died \
                 out still reaches everyone."
            ),
            Lang::Zh => format!(
                "{me} 另外与 {peer} 做一次反熵 push-pull，这样谣言停止传播的更新也能到达所有节点。"
            ),
        },
        Rule::Learn { key, version, from } => match lang {
            Lang::En => format!(
                "{} {} from {from} is newer than what {me} held: the newer version wins, {me} keeps it.",
                key_name(*key),
                version_name(*version)
            ),
            Lang::Zh => format!(
                "来自 {from} 的 {} {} 比 {me} 持有的新：新版本胜出，{me} 保存它。",
                key_name(*key),
                version_name(*version)
            ),
        },
        Rule::AlreadyKnown {
            key,
            version,
            have,
            from,
        } => match lang {
            Lang::En => format!(
                "{me} already held {} {} (got {} from {from}): a redundant receipt.",
                key_name(*key),
                version_name(*have),
                version_name(*version)
            ),
            Lang::Zh => format!(
                "{me} 已持有 {} {}（从 {from} 收到 {}）：冗余接收。",
                key_name(*key),
                version_name(*have),
                version_name(*version)
            ),
        },
        Rule::AnswerDigest { to, entries, want } => match lang {
            Lang::En => match want {
                Some(want) => format!(
                    "{me} compared {to}'s digest with its store: it answers with {entries} newer \
                     entries and asks for {want} where {to} is newer (push-pull)."
                ),
                None => format!(
                    "{me} compared {to}'s digest with its store and answers with the {entries} entries \
                     it has newer (pull)."
                ),
            },
            Lang::Zh => match want {
                Some(want) => format!(
                    "{me} 把 {to} 的摘要和自己的存储比较：回复 {entries} 条更新的数据，并索取 {want} 条 {to} 更新的数据（push-pull）。"
                ),
                None => format!(
                    "{me} 把 {to} 的摘要和自己的存储比较，回复它更新的 {entries} 条数据（pull）。"
                ),
            },
        },
        Rule::SendBack { to, entries } => match lang {
            Lang::En => format!(
                "{me} sends back the {entries} entries {to} asked for: push-pull's third message."
            ),
            Lang::Zh => {
                format!("{me} 把 {to} 索取的 {entries} 条数据发回去：push-pull 的第三条消息。")
            }
        },
        Rule::Infective { key, version } => match lang {
            Lang::En => format!(
                "{me} is now infective for {} {}: a hot rumor it will spread.",
                key_name(*key),
                version_name(*version)
            ),
            Lang::Zh => format!(
                "{me} 对 {} {} 变为感染者（infective）：这是它要传播的热谣言。",
                key_name(*key),
                version_name(*version)
            ),
        },
        Rule::Unnecessary { key, peer, count } => match lang {
            Lang::En => format!(
                "{peer} already knew {}: an unnecessary contact, {me}'s count is now {count}.",
                key_name(*key)
            ),
            Lang::Zh => format!(
                "{peer} 已经知道 {}：一次不必要的接触，{me} 的计数变为 {count}。",
                key_name(*key)
            ),
        },
        Rule::LoseInterest {
            key,
            version,
            reason,
            count,
        } => match lang {
            Lang::En => format!(
                "{me} lost interest in {} {} ({}): it is removed and stops spreading it.",
                key_name(*key),
                version_name(*version),
                reason_text(lang, *reason, *count)
            ),
            Lang::Zh => format!(
                "{me} 对 {} {} 失去兴趣（{}）：变为移除者（removed），不再传播。",
                key_name(*key),
                version_name(*version),
                reason_text(lang, *reason, *count)
            ),
        },
        Rule::Join { via } => match lang {
            Lang::En => format!(
                "{me} joins the cluster through {via}: a full two-way sync of stores and member lists."
            ),
            Lang::Zh => {
                format!("{me} 通过 {via} 加入集群：双向完整同步存储和成员列表。")
            }
        },
        Rule::Welcome { joiner } => match lang {
            Lang::En => format!(
                "{me} welcomes {joiner}: adds it as a member and sends what it lacks and the member list."
            ),
            Lang::Zh => {
                format!("{me} 欢迎 {joiner}：把它加为成员，发送它缺少的数据和成员列表。")
            }
        },
        Rule::Reconnect { member } => match lang {
            Lang::En => format!(
                "{me} tries to reach {member}, which it believes dead, with a full sync (a healed \
                 partition merges again)."
            ),
            Lang::Zh => {
                format!(
                    "{me} 尝试以完整同步联系它认为已死亡的 {member}（分区恢复后集群重新合并）。"
                )
            }
        },
        Rule::MemberChange {
            member,
            status,
            incarnation,
            from,
            joined,
        } => match lang {
            Lang::En => {
                let what = if *joined {
                    "a new member".to_owned()
                } else {
                    status_name(lang, *status).to_owned()
                };
                format!(
                    "{me} heard from {from} that {member} is {what} (incarnation {incarnation}): news, \
                     so it applies it and passes it on."
                )
            }
            Lang::Zh => {
                let what = if *joined {
                    "新成员".to_owned()
                } else {
                    status_name(lang, *status).to_owned()
                };
                format!(
                    "{me} 从 {from} 得知 {member} 是{what}（化身号 {incarnation}）：这是新消息，应用并继续传播。"
                )
            }
        },
        Rule::Probe { target, seq } => match lang {
            Lang::En => {
                format!("{me} pings {target} (#{seq}), a member picked at random this period.")
            }
            Lang::Zh => {
                format!("{me} ping {target}（#{seq}），这是本周期随机选中的成员。")
            }
        },
        Rule::ProbeAcked { target, indirect } => match lang {
            Lang::En => {
                if *indirect {
                    format!("{target} answered through a relay: alive.")
                } else {
                    format!("{target} answered the ping: alive.")
                }
            }
            Lang::Zh => {
                if *indirect {
                    format!("{target} 通过中继回应：存活。")
                } else {
                    format!("{target} 回应了 ping：存活。")
                }
            }
        },
        Rule::IndirectProbe { target, relays } => match lang {
            Lang::En => format!(
                "No ack from {target} in time: {me} asks {} to ping it on its behalf.",
                names(relays)
            ),
            Lang::Zh => format!(
                "{target} 没有及时回 ack：{me} 请 {} 代它去 ping。",
                names(relays)
            ),
        },
        Rule::RelayProbe { target, origin } => match lang {
            Lang::En => {
                format!("{me} pings {target} on behalf of {origin}.")
            }
            Lang::Zh => format!("{me} 代 {origin} ping {target}。"),
        },
        Rule::Suspect {
            member,
            incarnation,
        } => match lang {
            Lang::En => format!(
                "No ack at all: {me} suspects {member} (incarnation {incarnation}); it is dead unless it \
                 refutes before the suspicion times out."
            ),
            Lang::Zh => format!(
                "完全没有 ack：{me} 怀疑 {member}（化身号 {incarnation}）；除非它在怀疑超时前反驳，否则视为死亡。"
            ),
        },
        Rule::ConfirmDead {
            member,
            incarnation,
            suspected,
        } => match lang {
            Lang::En => {
                if *suspected {
                    format!(
                        "{member} stayed suspect too long: {me} confirms it dead (incarnation \
                         {incarnation}) and gossips it."
                    )
                } else {
                    format!(
                        "{member} failed its probe: without suspicion, {me} declares it dead at once \
                         (incarnation {incarnation})."
                    )
                }
            }
            Lang::Zh => {
                if *suspected {
                    format!(
                        "{member} 可疑太久：{me} 确认它死亡（化身号 {incarnation}）并传播出去。"
                    )
                } else {
                    format!(
                        "{member} 没通过探测：没有怀疑机制，{me} 立即宣告它死亡（化身号 {incarnation}）。"
                    )
                }
            }
        },
        Rule::Refute {
            status,
            incarnation,
        } => match lang {
            Lang::En => format!(
                "{me} heard it is {}: it refutes with a higher incarnation, {incarnation}.",
                status_name(lang, *status)
            ),
            Lang::Zh => format!(
                "{me} 听说自己{}：用更高的化身号 {incarnation} 反驳。",
                status_name(lang, *status)
            ),
        },
        Rule::CheckOutcome { passing } => match lang {
            Lang::En => format!(
                "{me}'s health check now {}; the agent notices at its next check.",
                if *passing { "passes" } else { "fails" }
            ),
            Lang::Zh => format!(
                "{me} 的健康检查现在{}；agent 在下次检查时发现。",
                if *passing { "通过" } else { "失败" }
            ),
        },
        Rule::HealthChanged { passing, version } => match lang {
            Lang::En => format!(
                "{me}'s check {}: it publishes health({me}) = {} as version {}, which spreads like any \
                 update.",
                if *passing { "passes again" } else { "fails" },
                if *passing { "passing" } else { "failing" },
                version_name(*version)
            ),
            Lang::Zh => format!(
                "{me} 的检查{}：它发布 health({me}) = {}，版本 {}，像其他更新一样传播。",
                if *passing { "恢复通过" } else { "失败" },
                if *passing { "通过" } else { "失败" },
                version_name(*version)
            ),
        },
        Rule::NotMember { from } => match lang {
            Lang::En => {
                format!("{me} is not a member yet, so it ignores the message from {from}.")
            }
            Lang::Zh => format!("{me} 还不是成员，忽略来自 {from} 的消息。"),
        },
        Rule::Restart { incarnation } => match lang {
            Lang::En => format!(
                "{me} restarted with its store; rumors and the member view are gone. It takes \
                 incarnation {incarnation} and syncs with a member to catch up."
            ),
            Lang::Zh => format!(
                "{me} 带着存储重启；谣言和成员视图都已丢失。它使用化身号 {incarnation}，并与一个成员同步以追上进度。"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::GossipConfig;

    use super::*;

    /// Delivering, dropping, duplicating or delaying a message by hand names it: `Push(x1
    /// v1@S1) from S1 to S4`, not its id.
    #[test]
    fn hand_actions_name_their_message() {
        crate::view::caption::assert_hand_actions_named(
            &GossipConfig::default(),
            5,
            caption,
            msg_name,
        );
    }
}
