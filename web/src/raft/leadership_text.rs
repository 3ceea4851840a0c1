//! Words for reads (thesis §6.4), PreVote (§9.6), CheckQuorum (§6.2, §4.2.3) and
//! leadership transfer (§3.10): switch labels, read modes, inspector and client panel
//! words, and the captions of their rules, in English and Chinese.

use concord_core::raft::{DenyReason, ReadMode, Rule};
use concord_core::sim::{NodeId, Time};

use crate::i18n::Lang;

pub struct LeadershipText {
    pub reads: &'static str,
    pub reads_help: &'static str,
    pub read_mode: &'static str,
    pub read_index_at: &'static str,
    pub stale_applied: &'static str,
    pub transfer_to: &'static str,
    pub transferring: &'static str,
    pub pre_vote: &'static str,
    pub pending_reads: &'static str,
    pub lease_until: &'static str,
}

pub fn text(lang: Lang) -> &'static LeadershipText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

const EN: LeadershipText = LeadershipText {
    reads: "Reads (get)",
    reads_help: "How `get` is answered. Through the log: an entry like any command (§8). ReadIndex: the leader confirms it still leads with a heartbeat round, then answers (thesis §6.4). Lease: no round while its lease holds (§6.4.1, needs CheckQuorum). Stale: the server asked answers from its own state machine — not linearizable.",
    read_mode: "Reads",
    read_index_at: "read index",
    stale_applied: "stale, applied up to",
    transfer_to: "Transfer leadership to",
    transferring: "Handing leadership to",
    pre_vote: "pre-vote",
    pending_reads: "Reads waiting",
    lease_until: "Last round a majority acknowledged, sent at",
};

const ZH: LeadershipText = LeadershipText {
    reads: "读（get）",
    reads_help: "`get` 如何回答。经过日志：像其他命令一样追加条目（§8）。ReadIndex：leader 先用一轮心跳确认自己仍是 leader 再回答（论文 §6.4）。租约：租约有效期内不需要这一轮（§6.4.1，需要 CheckQuorum）。陈旧读：被问到的节点直接用自己的状态机回答——不满足线性一致性。",
    read_mode: "读方式",
    read_index_at: "read index",
    stale_applied: "陈旧，已应用到",
    transfer_to: "把领导权转移给",
    transferring: "正在把领导权转移给",
    pre_vote: "预投票",
    pending_reads: "等待中的读",
    lease_until: "最近一轮得到多数派确认的心跳，发送于",
};

/// A read mode's name.
pub fn mode_name(lang: Lang, mode: ReadMode) -> &'static str {
    match (lang, mode) {
        (Lang::En, ReadMode::Log) => "through the log",
        (Lang::En, ReadMode::ReadIndex) => "ReadIndex",
        (Lang::En, ReadMode::Lease) => "lease",
        (Lang::En, ReadMode::Stale) => "stale (any server)",
        (Lang::Zh, ReadMode::Log) => "经过日志",
        (Lang::Zh, ReadMode::ReadIndex) => "ReadIndex",
        (Lang::Zh, ReadMode::Lease) => "租约",
        (Lang::Zh, ReadMode::Stale) => "陈旧读（任意节点）",
    }
}

fn value_text(lang: Lang, value: Option<i64>) -> String {
    match (lang, value) {
        (_, Some(v)) => v.to_string(),
        (Lang::En, None) => "none".into(),
        (Lang::Zh, None) => "空".into(),
    }
}

fn ms(t: Time) -> String {
    format!("{:.1}", t as f64 / 1000.0)
}

/// Why a vote or pre-vote was refused, as a clause.
pub fn deny_reason(lang: Lang, reason: DenyReason, term: u64) -> String {
    match (lang, reason) {
        (Lang::En, DenyReason::StaleTerm) => format!("term {term} is not newer than its own"),
        (Lang::En, DenyReason::AlreadyVoted(other)) => format!("it already voted for {other}"),
        (Lang::En, DenyReason::LogBehind) => {
            "the candidate's log is less up-to-date than its own".into()
        }
        (Lang::En, DenyReason::LeaderAlive) => {
            "it heard from a leader within the minimum election timeout".into()
        }
        (Lang::Zh, DenyReason::StaleTerm) => format!("任期 {term} 不比自己的新"),
        (Lang::Zh, DenyReason::AlreadyVoted(other)) => format!("它已经投给了 {other}"),
        (Lang::Zh, DenyReason::LogBehind) => "对方的日志不如自己的新".into(),
        (Lang::Zh, DenyReason::LeaderAlive) => {
            "它在最小 election timeout 内收到过 leader 的消息".into()
        }
    }
}

/// The caption of a rule of reads, PreVote, CheckQuorum or transfer. The other rules are
/// captioned in `caption.rs`.
pub fn rule_text(lang: Lang, n: NodeId, now: Time, rule: &Rule) -> String {
    let s = rule.section();
    match lang {
        Lang::En => match rule {
            Rule::ReadWaitForTerm { client, seq } => format!(
                "{n} took client {client}'s read #{seq}, but no entry of its own term is committed yet, so it cannot know the latest commit index: the read waits ({s}, step 1)."
            ),
            Rule::ReadIndex {
                client,
                seq,
                read_index,
                round,
            } => format!(
                "{n} records its commit index {read_index} as the read index of client {client}'s read #{seq} and checks it still leads: heartbeat round {round} must be acknowledged by a majority ({s}, steps 1–2)."
            ),
            Rule::ReadLease {
                client,
                seq,
                read_index,
                left,
            } => format!(
                "{n}'s lease holds for {} ms more: it answers client {client}'s read #{seq} at read index {read_index} without a heartbeat round ({s}).",
                ms(*left)
            ),
            Rule::ReplyRead {
                client,
                seq,
                key,
                value,
                read_index,
                requested_at,
            } => format!(
                "A majority confirmed {n}'s leadership and index {read_index} is applied: it answered client {client}'s read #{seq} of `{key}` with {}, {} ms after the request, without a log entry ({s}, steps 3–4).",
                value_text(lang, *value),
                ms(now.saturating_sub(*requested_at))
            ),
            Rule::StaleRead {
                client,
                seq,
                key,
                value,
                applied,
            } => format!(
                "{n} answered client {client}'s read #{seq} of `{key}` with {} from its own state machine (applied up to index {applied}), asking nobody: a newer value may exist elsewhere, so this read is not linearizable ({s}).",
                value_text(lang, *value)
            ),
            Rule::StartPreVote { term, forced } => format!(
                "{n} {} and asks the others whether they would vote for it in term {term}, without raising its own term ({s}).",
                if *forced {
                    "was made to time out"
                } else {
                    "heard from no leader before its election timeout"
                }
            ),
            Rule::GrantPreVote { candidate, term } => format!(
                "{n} would vote for {candidate} in term {term}: it grants a pre-vote, changing nothing on its side ({s})."
            ),
            Rule::DenyPreVote {
                candidate,
                term,
                reason,
            } => format!(
                "{n} refused {candidate} a pre-vote for term {term}: {} ({s}).",
                deny_reason(lang, *reason, *term)
            ),
            Rule::CountPreVote {
                from,
                granted,
                votes,
                needed,
            } => format!(
                "{n} counted {from}'s pre-vote ({}): {votes} of the {needed} it needs before a real election ({s}).",
                if *granted { "yes" } else { "no" }
            ),
            Rule::IgnoreVoteRequest { candidate, term } => format!(
                "{n} heard from a leader within the minimum election timeout: it ignores {candidate}'s RequestVote for term {term}, neither adopting the term nor voting ({s})."
            ),
            Rule::StepDown {
                term,
                heard,
                needed,
            } => format!(
                "{n}, leader of term {term}, heard from only {heard} of the {needed} servers it needs within an election timeout: it steps down to follower ({s})."
            ),
            Rule::StartTransfer {
                to,
                match_index,
                last,
            } => format!(
                "{n} hands leadership to {to}: it stops taking new requests and brings {to}'s log (matching up to {match_index}) up to its own last index {last} ({s})."
            ),
            Rule::SendTimeoutNow { to } => format!(
                "{to}'s log matches {n}'s: {n} sends TimeoutNow, telling {to} to start an election now ({s})."
            ),
            Rule::TransferElection { from, term } => format!(
                "{n} got TimeoutNow from {from}, leader of term {term}: it starts an election at once, without waiting for its timeout ({s})."
            ),
            Rule::AbortTransfer { to } => format!(
                "{to} did not take over within an election timeout: {n} gives up the transfer and takes requests again ({s})."
            ),
            Rule::RefuseDuringTransfer { client, seq, to } => format!(
                "{n} is handing leadership to {to}: it turns client {client}'s request #{seq} away, pointing to {to} ({s})."
            ),
            Rule::CannotTransfer { to } => format!(
                "{n} cannot hand leadership to {to}: only a leader can, and only to another server ({s})."
            ),
            _ => unreachable!("captioned in caption.rs"),
        },
        Lang::Zh => match rule {
            Rule::ReadWaitForTerm { client, seq } => format!(
                "{n} 收到客户端 {client} 的第 {seq} 号读请求，但自己任期的条目还没有提交，无法确定最新的提交索引：读请求先等待（{s}，第 1 步）。"
            ),
            Rule::ReadIndex {
                client,
                seq,
                read_index,
                round,
            } => format!(
                "{n} 把提交索引 {read_index} 记为客户端 {client} 第 {seq} 号读的 read index，并确认自己仍是 leader：第 {round} 轮心跳须得到多数派回应（{s}，第 1–2 步）。"
            ),
            Rule::ReadLease {
                client,
                seq,
                read_index,
                left,
            } => format!(
                "{n} 的租约还剩 {} 毫秒：不发心跳，直接在 read index {read_index} 回答客户端 {client} 的第 {seq} 号读（{s}）。",
                ms(*left)
            ),
            Rule::ReplyRead {
                client,
                seq,
                key,
                value,
                read_index,
                requested_at,
            } => format!(
                "多数派确认了 {n} 的领导地位，索引 {read_index} 已应用：它回答客户端 {client} 第 {seq} 号对 `{key}` 的读，结果 {}，距请求 {} 毫秒，没有写日志（{s}，第 3–4 步）。",
                value_text(lang, *value),
                ms(now.saturating_sub(*requested_at))
            ),
            Rule::StaleRead {
                client,
                seq,
                key,
                value,
                applied,
            } => format!(
                "{n} 不问任何人，直接用自己的状态机（已应用到索引 {applied}）回答客户端 {client} 第 {seq} 号对 `{key}` 的读，结果 {}：别处可能已有更新的值，这次读不满足线性一致性（{s}）。",
                value_text(lang, *value)
            ),
            Rule::StartPreVote { term, forced } => format!(
                "{n} {}，先询问其他节点是否愿意在任期 {term} 投票给它，自己的任期保持不变（{s}）。",
                if *forced {
                    "被手动触发超时"
                } else {
                    "在 election timeout 内没有收到 leader 的消息"
                }
            ),
            Rule::GrantPreVote { candidate, term } => format!(
                "{n} 愿意在任期 {term} 投票给 {candidate}：同意预投票，自身状态不变（{s}）。"
            ),
            Rule::DenyPreVote {
                candidate,
                term,
                reason,
            } => format!(
                "{n} 拒绝了 {candidate} 任期 {term} 的预投票：{}（{s}）。",
                deny_reason(lang, *reason, *term)
            ),
            Rule::CountPreVote {
                from,
                granted,
                votes,
                needed,
            } => format!(
                "{n} 收到 {from} 的预投票（{}）：已有 {votes} 票，正式选举前需要 {needed} 票（{s}）。",
                if *granted { "同意" } else { "拒绝" }
            ),
            Rule::IgnoreVoteRequest { candidate, term } => format!(
                "{n} 在最小 election timeout 内收到过 leader 的消息：忽略 {candidate} 任期 {term} 的 RequestVote，既不更新任期也不投票（{s}）。"
            ),
            Rule::StepDown {
                term,
                heard,
                needed,
            } => format!(
                "{n}（任期 {term} 的 leader）在一个 election timeout 内只收到 {heard} 台服务器的回应，需要 {needed} 台：主动退回 follower（{s}）。"
            ),
            Rule::StartTransfer {
                to,
                match_index,
                last,
            } => format!(
                "{n} 把领导权转移给 {to}：停止接收新请求，并把 {to} 的日志（已一致到 {match_index}）补齐到自己的最后索引 {last}（{s}）。"
            ),
            Rule::SendTimeoutNow { to } => format!(
                "{to} 的日志已与 {n} 一致：{n} 发送 TimeoutNow，让 {to} 立即发起选举（{s}）。"
            ),
            Rule::TransferElection { from, term } => format!(
                "{n} 收到任期 {term} 的 leader {from} 发来的 TimeoutNow：不等超时，立即发起选举（{s}）。"
            ),
            Rule::AbortTransfer { to } => format!(
                "{to} 没有在一个 election timeout 内接任：{n} 放弃转移，重新接收请求（{s}）。"
            ),
            Rule::RefuseDuringTransfer { client, seq, to } => format!(
                "{n} 正在把领导权转移给 {to}：拒绝客户端 {client} 的第 {seq} 号请求，让它去找 {to}（{s}）。"
            ),
            Rule::CannotTransfer { to } => format!(
                "{n} 无法把领导权转移给 {to}：只有 leader 可以转移，而且只能转给其他节点（{s}）。"
            ),
            _ => unreachable!("captioned in caption.rs"),
        },
    }
}
