//! Gossip steps in words: Gossip's own part of the shared captions (`view::caption`) — message
//! names, what a crash forgets, what a lost message or a copy means here, quiet timers and
//! pings — and every rule with where it comes from: Demers et al. 1987 (§1.1 versions, §1.3
//! anti-entropy and push / pull, §1.4 rumor mongering, §1.5 backup), SWIM 2002 (§3.1 probes,
//! §4.1 dissemination, §4.2 suspicion), or the seed notes (peer selection, Consul's health
//! checks, Serf's joins). [`Rule::source`] names the source; each rule's sentence ends with it.

use concord_core::gossip::{
    GossipNode, Key, LossReason, Mode, Msg, MsgKind, Rule, Status, Timer, Version,
};
use concord_core::sim::{NodeId, Time};

use crate::i18n::{Lang, say, tr};
use crate::view::caption::CaptionWords;

impl CaptionWords for GossipNode {
    const RULES_SHOWN: usize = 4;

    fn msg_name(lang: Lang, msg: &Msg) -> String {
        msg_name(lang, msg)
    }

    fn crash_keeps(lang: Lang) -> &'static str {
        say(
            lang,
            "its store stays on disk, but it forgets its hot rumors and its membership view, and \
             answers no probe.",
            "存储仍在磁盘上，但忘记了热谣言和成员视图，也不再回应探测。",
        )
    }

    /// Why a lost message does no lasting harm here.
    fn after_loss(lang: Lang) -> Option<&'static str> {
        Some(say(
            lang,
            "Gossip does not resend: a later round carries what it held.",
            "gossip 不重发：之后的轮次会带上它的内容。",
        ))
    }

    fn after_copy(lang: Lang) -> Option<&'static str> {
        Some(say(
            lang,
            "Its receiver will count the copy as a redundant receipt.",
            "接收方会把副本算作一次冗余接收。",
        ))
    }

    /// The rule's sentence and, in brackets, its source.
    fn rule(lang: Lang, node: NodeId, _now: Time, rule: &Rule) -> String {
        format!("{} [{}]", rule_text(lang, node, rule), source(lang, rule))
    }

    fn timer_quiet(lang: Lang, node: NodeId, timer: &Timer) -> String {
        let timer = timer_name(lang, timer);
        tr!(
            lang,
            "{node}'s {timer} fired; there was nothing to do.",
            "{node} 的{timer}到期；没有要做的事。"
        )
    }

    fn delivery_quiet(lang: Lang, msg: &Msg) -> Option<&'static str> {
        Some(match msg {
            Msg::Ping { .. } => say(
                lang,
                "It answers with an ack: it is alive. [SWIM 2002, §3.1]",
                "它回复 ack：自己还活着。[SWIM 2002, §3.1]",
            ),
            Msg::Push { .. }
            | Msg::PushAck { .. }
            | Msg::Digest { .. }
            | Msg::Answer { .. }
            | Msg::Join { .. }
            | Msg::Welcome { .. }
            | Msg::PingReq { .. }
            | Msg::Ack { .. } => say(lang, "It changed nothing here.", "这里没有任何变化。"),
        })
    }
}

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
    let keys = |n: usize| match n {
        1 => say(lang, "1 key", "1 个键").to_owned(),
        _ => tr!(lang, "{n} keys", "{n} 个键"),
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

fn names(ids: &[NodeId]) -> String {
    ids.iter()
        .map(NodeId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a node lost interest in a rumor (Demers et al. §1.4).
fn reason_text(lang: Lang, reason: LossReason, count: u32) -> String {
    match reason {
        LossReason::Counter => tr!(
            lang,
            "its counter reached k = {count}",
            "计数器达到 k = {count}"
        ),
        LossReason::Coin => say(lang, "the 1/k coin came up", "掷出了 1/k 的硬币").to_owned(),
        LossReason::Exhausted => say(
            lang,
            "the selection rules leave nobody to tell it to",
            "选择规则下已没有可以告诉的节点",
        )
        .to_owned(),
    }
}

fn rule_text(lang: Lang, me: NodeId, rule: &Rule) -> String {
    match rule {
        Rule::LocalUpdate {
            key,
            value,
            version,
        } => {
            let (key, version) = (key_name(*key), version_name(*version));
            tr!(
                lang,
                "{me} wrote {key} = {value}: a new version {version}, newer than any it held.",
                "{me} 写入 {key} = {value}：新版本 {version}，比它持有的任何版本都新。"
            )
        }
        Rule::Round { round, peers, mode } => {
            let (peers, mode) = (names(peers), mode_name(*mode));
            tr!(
                lang,
                "Round {round}: {me} picked {peers} at random and starts a {mode} exchange with \
                 each.",
                "第 {round} 轮：{me} 随机选了 {peers}，和每个节点进行一次 {mode} 交换。"
            )
        }
        Rule::BackupAntiEntropy { peer } => tr!(
            lang,
            "{me} also runs one anti-entropy push-pull with {peer}, so an update whose rumor died \
             out still reaches everyone.",
            "{me} 另外与 {peer} 做一次反熵 push-pull，这样谣言停止传播的更新也能到达所有节点。"
        ),
        Rule::Learn { key, version, from } => {
            let (key, version) = (key_name(*key), version_name(*version));
            tr!(
                lang,
                "{key} {version} from {from} is newer than what {me} held: the newer version wins, \
                 {me} keeps it.",
                "来自 {from} 的 {key} {version} 比 {me} 持有的新：新版本胜出，{me} 保存它。"
            )
        }
        Rule::AlreadyKnown {
            key,
            version,
            have,
            from,
        } => {
            let (key, got, have) = (key_name(*key), version_name(*version), version_name(*have));
            tr!(
                lang,
                "{me} already held {key} {have} (got {got} from {from}): a redundant receipt.",
                "{me} 已持有 {key} {have}（从 {from} 收到 {got}）：冗余接收。"
            )
        }
        Rule::AnswerDigest {
            to,
            entries,
            want: Some(want),
        } => tr!(
            lang,
            "{me} compared {to}'s digest with its store: it answers with {entries} newer entries \
             and asks for {want} where {to} is newer (push-pull).",
            "{me} 把 {to} 的摘要和自己的存储比较：回复 {entries} 条更新的数据，并索取 {want} 条 {to} \
             更新的数据（push-pull）。"
        ),
        Rule::AnswerDigest {
            to,
            entries,
            want: None,
        } => tr!(
            lang,
            "{me} compared {to}'s digest with its store and answers with the {entries} entries it \
             has newer (pull).",
            "{me} 把 {to} 的摘要和自己的存储比较，回复它更新的 {entries} 条数据（pull）。"
        ),
        Rule::SendBack { to, entries } => tr!(
            lang,
            "{me} sends back the {entries} entries {to} asked for: push-pull's third message.",
            "{me} 把 {to} 索取的 {entries} 条数据发回去：push-pull 的第三条消息。"
        ),
        Rule::Infective { key, version } => {
            let (key, version) = (key_name(*key), version_name(*version));
            tr!(
                lang,
                "{me} is now infective for {key} {version}: a hot rumor it will spread.",
                "{me} 对 {key} {version} 变为感染者（infective）：这是它要传播的热谣言。"
            )
        }
        Rule::Unnecessary { key, peer, count } => {
            let key = key_name(*key);
            tr!(
                lang,
                "{peer} already knew {key}: an unnecessary contact, {me}'s count is now {count}.",
                "{peer} 已经知道 {key}：一次不必要的接触，{me} 的计数变为 {count}。"
            )
        }
        Rule::LoseInterest {
            key,
            version,
            reason,
            count,
        } => {
            let (key, version) = (key_name(*key), version_name(*version));
            let why = reason_text(lang, *reason, *count);
            tr!(
                lang,
                "{me} lost interest in {key} {version} ({why}): it is removed and stops spreading \
                 it.",
                "{me} 对 {key} {version} 失去兴趣（{why}）：变为移除者（removed），不再传播。"
            )
        }
        Rule::Join { via } => tr!(
            lang,
            "{me} joins the cluster through {via}: a full two-way sync of stores and member lists.",
            "{me} 通过 {via} 加入集群：双向完整同步存储和成员列表。"
        ),
        Rule::Welcome { joiner } => tr!(
            lang,
            "{me} welcomes {joiner}: adds it as a member and sends what it lacks and the member \
             list.",
            "{me} 欢迎 {joiner}：把它加为成员，发送它缺少的数据和成员列表。"
        ),
        Rule::Reconnect { member } => tr!(
            lang,
            "{me} tries to reach {member}, which it believes dead, with a full sync (a healed \
             partition merges again).",
            "{me} 尝试以完整同步联系它认为已死亡的 {member}（分区恢复后集群重新合并）。"
        ),
        Rule::MemberChange {
            member,
            status,
            incarnation,
            from,
            joined,
        } => {
            let what = match joined {
                true => say(lang, "a new member", "新成员"),
                false => status_name(lang, *status),
            };
            tr!(
                lang,
                "{me} heard from {from} that {member} is {what} (incarnation {incarnation}): news, \
                 so it applies it and passes it on.",
                "{me} 从 {from} 得知 {member} 是{what}（化身号 {incarnation}）：这是新消息，应用并继续传播。"
            )
        }
        Rule::Probe { target, seq } => tr!(
            lang,
            "{me} pings {target} (#{seq}), a member picked at random this period.",
            "{me} ping {target}（#{seq}），这是本周期随机选中的成员。"
        ),
        Rule::ProbeAcked {
            target,
            indirect: true,
        } => tr!(
            lang,
            "{target} answered through a relay: alive.",
            "{target} 通过中继回应：存活。"
        ),
        Rule::ProbeAcked {
            target,
            indirect: false,
        } => tr!(
            lang,
            "{target} answered the ping: alive.",
            "{target} 回应了 ping：存活。"
        ),
        Rule::IndirectProbe { target, relays } => {
            let relays = names(relays);
            tr!(
                lang,
                "No ack from {target} in time: {me} asks {relays} to ping it on its behalf.",
                "{target} 没有及时回 ack：{me} 请 {relays} 代它去 ping。"
            )
        }
        Rule::RelayProbe { target, origin } => tr!(
            lang,
            "{me} pings {target} on behalf of {origin}.",
            "{me} 代 {origin} ping {target}。"
        ),
        Rule::Suspect {
            member,
            incarnation,
        } => tr!(
            lang,
            "No ack at all: {me} suspects {member} (incarnation {incarnation}); it is dead unless \
             it refutes before the suspicion times out.",
            "完全没有 ack：{me} 怀疑 {member}（化身号 {incarnation}）；除非它在怀疑超时前反驳，否则视为死亡。"
        ),
        Rule::ConfirmDead {
            member,
            incarnation,
            suspected: true,
        } => tr!(
            lang,
            "{member} stayed suspect too long: {me} confirms it dead (incarnation {incarnation}) \
             and gossips it.",
            "{member} 可疑太久：{me} 确认它死亡（化身号 {incarnation}）并传播出去。"
        ),
        Rule::ConfirmDead {
            member,
            incarnation,
            suspected: false,
        } => tr!(
            lang,
            "{member} failed its probe: without suspicion, {me} declares it dead at once \
             (incarnation {incarnation}).",
            "{member} 没通过探测：没有怀疑机制，{me} 立即宣告它死亡（化身号 {incarnation}）。"
        ),
        Rule::Refute {
            status,
            incarnation,
        } => {
            let status = status_name(lang, *status);
            tr!(
                lang,
                "{me} heard it is {status}: it refutes with a higher incarnation, {incarnation}.",
                "{me} 听说自己{status}：用更高的化身号 {incarnation} 反驳。"
            )
        }
        Rule::CheckOutcome { passing } => {
            let now = match passing {
                true => say(lang, "passes", "通过"),
                false => say(lang, "fails", "失败"),
            };
            tr!(
                lang,
                "{me}'s health check now {now}; the agent notices at its next check.",
                "{me} 的健康检查现在{now}；agent 在下次检查时发现。"
            )
        }
        Rule::HealthChanged { passing, version } => {
            let version = version_name(*version);
            let (check, value) = match passing {
                true => (
                    say(lang, "passes again", "恢复通过"),
                    say(lang, "passing", "通过"),
                ),
                false => (say(lang, "fails", "失败"), say(lang, "failing", "失败")),
            };
            tr!(
                lang,
                "{me}'s check {check}: it publishes health({me}) = {value} as version {version}, \
                 which spreads like any update.",
                "{me} 的检查{check}：它发布 health({me}) = {value}，版本 {version}，像其他更新一样传播。"
            )
        }
        Rule::NotMember { from } => tr!(
            lang,
            "{me} is not a member yet, so it ignores the message from {from}.",
            "{me} 还不是成员，忽略来自 {from} 的消息。"
        ),
        Rule::Restart { incarnation } => tr!(
            lang,
            "{me} restarted with its store; rumors and the member view are gone. It takes \
             incarnation {incarnation} and syncs with a member to catch up.",
            "{me} 带着存储重启；谣言和成员视图都已丢失。它使用化身号 {incarnation}，并与一个成员同步以追上进度。"
        ),
    }
}
