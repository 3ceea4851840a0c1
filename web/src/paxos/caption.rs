//! Paxos steps in words: Paxos's own part of the shared captions (`view::caption`) — message
//! names, what a crash keeps, why a lost message is safe — and every rule, with the row of seed
//! 001's two-phase table it is and where "Paxos Made Simple" (Lamport, 2001) states it.
//!
//! The table's rows, numbered as the captions cite them:
//!
//! | row | phase | who | what |
//! |---|---|---|---|
//! | 1 | 1 | proposer | pick a proposal number n |
//! | 2 | 1 | proposer | broadcast Prepare(n) to all acceptors |
//! | 3 | 1 | acceptor | if n > minProposal then minProposal = n; reply (acceptedProposal, acceptedValue) |
//! | 4 | 1 | proposer | on a majority of replies: if some acceptedValue is set, take the one of the highest acceptedProposal |
//! | 5 | 2 | proposer | broadcast Accept(n, value) to all acceptors |
//! | 6 | 2 | acceptor | if n >= minProposal then acceptedProposal = minProposal = n, acceptedValue = value; reply (minProposal) |
//! | 7 | 2 | proposer | on a majority of replies: a rejection (result > n) starts again at row 1, else the value is chosen |

use concord_core::paxos::{Msg, PaxosNode, Persistent, Phase, Proposal, Rule, Stage, Timer};
use concord_core::sim::{NodeId, Time};

use super::num;
use crate::i18n::{Lang, say, tr};
use crate::view::caption::{CaptionWords, ms, write_done, write_lost, write_started};

impl CaptionWords for PaxosNode {
    fn msg_name(lang: Lang, msg: &Msg) -> String {
        msg_name(lang, msg)
    }

    fn crash_keeps(lang: Lang) -> &'static str {
        say(
            lang,
            "it keeps its stable storage (an acceptor's minProposal, acceptedProposal and \
             acceptedValue; a proposer's highest round) but receives nothing and fires no timers \
             (§2.5).",
            "稳定存储中的内容仍在（acceptor 的 minProposal、acceptedProposal、acceptedValue，\
             proposer 用过的最大轮次），但不再接收消息，计时器也停止（§2.5）。",
        )
    }

    fn after_loss(lang: Lang) -> Option<&'static str> {
        Some(say(
            lang,
            "Paxos stays safe when messages are lost (§2.1).",
            "消息丢失时 Paxos 依然安全（§2.1）。",
        ))
    }

    fn rule(lang: Lang, node: NodeId, now: Time, rule: &Rule) -> String {
        rule_text(lang, node, now, rule)
    }

    fn timer_quiet(lang: Lang, node: NodeId, _timer: &Timer) -> String {
        tr!(
            lang,
            "{node}'s timer fired; its proposal had already moved on.",
            "{node} 的计时器到期；它的提案已经往前走了。"
        )
    }
}

/// `(1.2, A)`, or `(—, —)` for none.
fn pair(p: &Option<Proposal>) -> String {
    match p {
        Some(p) => format!("({}, {})", p.n, p.value),
        None => "(—, —)".into(),
    }
}

/// A message with its arguments: `Prepare(1.1)`, `Accept(1.1, A)` …
fn msg_name(lang: Lang, msg: &Msg) -> String {
    match msg {
        Msg::Prepare { n } => format!("Prepare({n})"),
        Msg::Promise { n, accepted } => format!("Promise({n}, {})", pair(accepted)),
        Msg::Accept { n, value } => format!("Accept({n}, {value})"),
        Msg::Accepted { n, value } => format!("Accepted({n}, {value})"),
        Msg::Nack {
            n, min_proposal, ..
        } => tr!(
            lang,
            "Nack({n}: promised {min_proposal})",
            "Nack({n}：已承诺 {min_proposal})"
        ),
    }
}

/// The request whose answers a proposer waits on.
fn request_of(stage: Stage) -> &'static str {
    match stage {
        Stage::Preparing => "Prepare",
        Stage::Accepting => "Accept",
        // A proposer times out only while it waits on answers to one of the two.
        Stage::Idle | Stage::Waiting | Stage::Done => "request",
    }
}

/// A phase's request.
fn phase_request(phase: Phase) -> &'static str {
    match phase {
        Phase::Prepare => "Prepare",
        Phase::Accept => "Accept",
    }
}

/// A proposer counting one answer (`what`) toward the quorum it needs: table rows 4 and 7.
fn counted(
    lang: Lang,
    me: NodeId,
    from: NodeId,
    what: &str,
    (got, needed): (usize, usize),
    row: u8,
    s: &str,
) -> String {
    tr!(
        lang,
        "{me} counted {from}'s {what}: {got} of the {needed} it needs — table row {row} ({s}).",
        "{me} 收到 {from} {what}：已有 {got} 个，需要 {needed} 个——表格第 {row} 行（{s}）。"
    )
}

fn rule_text(lang: Lang, me: NodeId, now: Time, rule: &Rule) -> String {
    let s = rule.section();
    match rule {
        // Stable storage: an acceptor remembers what it promised and accepted across crashes.
        Rule::WriteStarted {
            state,
            held,
            done_at,
        } => {
            let why = tr!(
                lang,
                "{s}: an acceptor must remember this even if it fails and restarts",
                "{s}：acceptor 崩溃重启后也必须记得这些"
            );
            let wait = done_at.saturating_sub(now);
            write_started(lang, me, &kept(lang, state), *held, wait, &why)
        }
        Rule::Persisted { state, released } => {
            write_done(lang, me, &kept(lang, state), *released, s)
        }
        Rule::WriteLost { kept: before, lost } => {
            write_lost(lang, me, &kept(lang, before), &kept(lang, lost), s)
        }
        Rule::Propose { value } => tr!(
            lang,
            "{me} was asked to propose {value}; it drops any attempt in progress and starts over \
             with a new number (a proposer may make several proposals, {s}).",
            "{me} 被要求提出 {value}：放弃进行中的尝试，用新的序号重新开始（proposer 可以多次提案，{s}）。"
        ),
        Rule::NotAProposer => tr!(
            lang,
            "{me} is not a proposer, so it ignores the request: only proposers propose ({s}).",
            "{me} 不是 proposer，忽略该请求：只有 proposer 才能提案（{s}）。"
        ),
        Rule::SendPrepare { n } => tr!(
            lang,
            "{me} picked proposal number {n} and sent Prepare({n}) to every acceptor — table rows \
             1–2, phase 1 ({s}).",
            "{me} 生成提案序号 {n}，并广播 Prepare({n}) 给所有 acceptor——表格第 1–2 行，第一阶段（{s}）。"
        ),
        Rule::CountPromise {
            from,
            n,
            promises,
            needed,
        } => {
            let what = tr!(lang, "promise for {n}", "对 {n} 的承诺");
            counted(lang, me, *from, &what, (*promises, *needed), 4, s)
        }
        Rule::AdoptValue {
            n,
            value,
            accepted_in,
            own,
        } => tr!(
            lang,
            "A majority promised {n}, and some had already accepted a value: {me} gives up its own \
             {own} and takes {value}, the acceptedValue of the highest acceptedProposal \
             ({accepted_in}) — table row 4, P2c ({s}).",
            "多数派承诺了 {n}，且有 acceptor 已接受过值：{me} 放弃自己的 {own}，改用 acceptedProposal \
             序号最大（{accepted_in}）的 acceptedValue {value}——表格第 4 行，P2c（{s}）。"
        ),
        Rule::OwnValue { n, value } => tr!(
            lang,
            "A majority promised {n} and none had accepted anything, so {me} is free to propose its \
             own value {value} — table row 4 ({s}).",
            "多数派承诺了 {n}，且都没有接受过任何值，所以 {me} 可以提出自己的值 {value}——表格第 4 行（{s}）。"
        ),
        Rule::IgnoreAccepted { n, value, ignored } => {
            let (was, under) = (&ignored.value, ignored.n);
            tr!(
                lang,
                "BROKEN: a majority promised {n}, and one had accepted {was} under {under}; table \
                 row 4 says {me} must propose {was}, but with \"ignore accepted values\" on it \
                 proposes its own {value} (breaks P2c, {s}).",
                "已破坏：多数派承诺了 {n}，其中有 acceptor 在 {under} 接受过 {was}；按表格第 4 行 {me} \
                 必须提出 {was}，但“忽略已接受的值”开关打开，它仍提出自己的 {value}（破坏 P2c，{s}）。"
            )
        }
        Rule::SendAccept { n, value } => tr!(
            lang,
            "{me} sent Accept({n}, {value}) to every acceptor — table row 5, phase 2 ({s}).",
            "{me} 广播 Accept({n}, {value}) 给所有 acceptor——表格第 5 行，第二阶段（{s}）。"
        ),
        Rule::CountAccepted {
            from,
            n,
            accepted,
            needed,
        } => {
            let what = tr!(lang, "acceptance of {n}", "对 {n} 的接受");
            counted(lang, me, *from, &what, (*accepted, *needed), 7, s)
        }
        Rule::Chosen {
            n,
            value,
            acceptors,
        } => tr!(
            lang,
            "{acceptors} acceptors, the quorum {me} waits for, accepted ({n}, {value}) and none \
             refused: {me} knows {value} is chosen — table row 7 ({s}).",
            "{acceptors} 个 acceptor（{me} 等待的法定人数）接受了 ({n}, {value})，且没有拒绝：\
             {me} 得知 {value} 已被确认——表格第 7 行（{s}）。"
        ),
        Rule::Abandon {
            from,
            n,
            min_proposal,
            phase,
        } => {
            let what = phase_request(*phase);
            tr!(
                lang,
                "{from} refused {me}'s {what}({n}): it has promised {min_proposal} (result > n). \
                 {me} abandons {n} and will start again at row 1 with a higher number — table row \
                 7 ({s}).",
                "{from} 拒绝了 {me} 的 {what}({n})：它已承诺 {min_proposal}（result > n）。{me} 放弃 {n}，\
                 之后用更大的序号从第 1 行重新开始——表格第 7 行（{s}）。"
            )
        }
        Rule::Timeout { n, stage } => {
            let what = request_of(*stage);
            tr!(
                lang,
                "No majority answered {me}'s {what}({n}) in time (messages lost, or acceptors \
                 down): it abandons {n} ({s}).",
                "{me} 的 {what}({n}) 没有在时限内得到多数派回复（消息丢失或 acceptor 宕机）：放弃 {n}（{s}）。"
            )
        }
        Rule::Backoff {
            delay,
            randomized: true,
            ..
        } => {
            let ms = ms(*delay);
            tr!(
                lang,
                "{me} waits {ms} ms, drawn at random, before retrying, so that two proposers stop \
                 pre-empting each other ({s}).",
                "{me} 随机等待 {ms} ms 再重试，让两个 proposer 不再互相抢占（{s}）。"
            )
        }
        Rule::Backoff {
            delay,
            randomized: false,
            ..
        } => {
            let ms = ms(*delay);
            tr!(
                lang,
                "{me} waits a fixed {ms} ms before retrying (randomized back-off is off): two \
                 proposers can keep pre-empting each other for ever ({s}).",
                "{me} 固定等待 {ms} ms 再重试（随机退避已关闭）：两个 proposer 可能永远互相抢占（{s}）。"
            )
        }
        Rule::Retry {
            previous,
            n,
            retries,
        } => tr!(
            lang,
            "{me} tries again with {n}, above {previous} (retry {retries}) — back to table row 1 \
             ({s}).",
            "{me} 用比 {previous} 更大的 {n} 再试一次（第 {retries} 次重试）——回到表格第 1 行（{s}）。"
        ),
        Rule::IgnoreStale { from, n } => tr!(
            lang,
            "{me} ignored {from}'s reply about {n}: it has already moved past that proposal ({s}).",
            "{me} 忽略了 {from} 关于 {n} 的回复：它已不在那个提案上了（{s}）。"
        ),
        Rule::GivePromise {
            proposer,
            n,
            previous,
            accepted,
        } => {
            let (previous, accepted) = (num(*previous), pair(accepted));
            tr!(
                lang,
                "{n} > minProposal ({previous}), so {me} sets minProposal = {n}, promises \
                 {proposer} to accept nothing numbered below it, and replies with \
                 (acceptedProposal, acceptedValue) = {accepted} — table row 3, P1a ({s}).",
                "{n} 大于 minProposal（{previous}），所以 {me} 令 minProposal = {n}，承诺 {proposer} \
                 不再接受更小的序号，并回复 (acceptedProposal, acceptedValue) = {accepted}——表格第 3 行，\
                 P1a（{s}）。"
            )
        }
        Rule::NackPrepare {
            proposer,
            n,
            min_proposal,
        } => tr!(
            lang,
            "{n} is not above minProposal ({min_proposal}), so {me} refuses {proposer}'s Prepare \
             and tells it {min_proposal} — table row 3 ({s}).",
            "{n} 不大于 minProposal（{min_proposal}），所以 {me} 拒绝 {proposer} 的 Prepare，\
             并告诉它 {min_proposal}——表格第 3 行（{s}）。"
        ),
        Rule::AcceptProposal { proposer, n, value } => tr!(
            lang,
            "{n} ≥ minProposal, so {me} sets acceptedProposal = minProposal = {n}, acceptedValue = \
             {value}, and tells {proposer} and the learners — table row 6 ({s}).",
            "{n} ≥ minProposal，所以 {me} 令 acceptedProposal = minProposal = {n}，acceptedValue = \
             {value}，并通知 {proposer} 和所有 learner——表格第 6 行（{s}）。"
        ),
        Rule::NackAccept {
            proposer,
            n,
            min_proposal,
        } => tr!(
            lang,
            "{n} < minProposal ({min_proposal}), so {me} refuses {proposer}'s Accept and replies \
             with {min_proposal} (result > n) — table row 6 ({s}).",
            "{n} < minProposal（{min_proposal}），所以 {me} 拒绝 {proposer} 的 Accept，\
             回复 {min_proposal}（result > n）——表格第 6 行（{s}）。"
        ),
        Rule::AcceptBelowPromise {
            proposer,
            n,
            value,
            min_proposal,
        } => tr!(
            lang,
            "BROKEN: {me} promised {min_proposal}, yet accepts {proposer}'s ({n}, {value}); table \
             row 6 allows it only if n ≥ minProposal (breaks P1a, {s}).",
            "已破坏：{me} 已承诺 {min_proposal}，却接受了 {proposer} 的 ({n}, {value})；\
             表格第 6 行只允许 n ≥ minProposal 时接受（破坏 P1a，{s}）。"
        ),
        Rule::HearAccepted {
            from,
            n,
            count,
            needed,
        } => tr!(
            lang,
            "Learner {me} heard that {from} accepted {n}: {count} acceptors so far, {needed} \
             needed ({s}).",
            "learner {me} 得知 {from} 接受了 {n}：目前共 {count} 个 acceptor，需要 {needed} 个（{s}）。"
        ),
        Rule::Learn { n, value } => tr!(
            lang,
            "Learner {me} learned that {value} is chosen: enough acceptors accepted ({n}, {value}) \
             ({s}).",
            "learner {me} 得知 {value} 已被选定：足够多的 acceptor 接受了 ({n}, {value})（{s}）。"
        ),
        Rule::Restart {
            min_proposal,
            accepted,
            round,
        } => {
            let (min_proposal, accepted) = (num(*min_proposal), pair(accepted));
            tr!(
                lang,
                "{me} restarted with its stable storage: minProposal {min_proposal}, \
                 (acceptedProposal, acceptedValue) = {accepted}, highest round {round}. The \
                 proposal in progress and what it had heard are gone ({s}).",
                "{me} 带着稳定存储重启：minProposal {min_proposal}，(acceptedProposal, acceptedValue) = \
                 {accepted}，最大轮次 {round}。进行中的提案和已收到的消息都已丢失（{s}）。"
            )
        }
    }
}

/// A duration in milliseconds, to a tenth.
/// What a Paxos node keeps on disk, as a clause, under the seed table's names.
fn kept(lang: Lang, p: &Persistent) -> String {
    let (min, accepted, round) = (num(p.min_proposal), pair(&p.accepted), p.round);
    tr!(
        lang,
        "minProposal {min}, (acceptedProposal, acceptedValue) = {accepted}, round {round}",
        "minProposal {min}、(acceptedProposal, acceptedValue) = {accepted}、轮次 {round}"
    )
}
