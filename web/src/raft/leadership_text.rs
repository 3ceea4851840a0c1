//! Words for reads (thesis §6.4), PreVote (§9.6), CheckQuorum (§6.2, §4.2.3) and
//! leadership transfer (§3.10): the reads setting and its modes, inspector and client panel
//! words, in English and Chinese. Their rules are captioned with the others, in `caption/`.

use concord_core::raft::ReadMode;

use crate::i18n::{Lang, say, words};

words! {
    pub struct LeadershipText, fn text;

    reads: "Reads (get)" | "读（get）",
    reads_help:
        "How `get` is answered. Through the log: an entry like any command (§8). ReadIndex: the leader confirms it still leads with a heartbeat round, then answers (thesis §6.4). Lease: no round while its lease holds (§6.4.1, needs CheckQuorum). Stale: the server asked answers from its own state machine — not linearizable."
        | "`get` 如何回答。经过日志：像其他命令一样追加条目（§8）。ReadIndex：leader 先用一轮心跳确认自己仍是 leader 再回答（论文 §6.4）。租约：租约有效期内不需要这一轮（§6.4.1，需要 CheckQuorum）。陈旧读：被问到的节点直接用自己的状态机回答——不满足线性一致性。",
    read_mode: "Reads" | "读方式",
    read_index_at: "read index" | "read index",
    stale_applied: "stale, applied up to" | "陈旧，已应用到",
    transfer_to: "Transfer leadership to" | "把领导权转移给",
    transferring: "Handing leadership to" | "正在把领导权转移给",
    pre_vote: "pre-vote" | "预投票",
    pending_reads: "Reads waiting" | "等待中的读",
    lease_until: "Last round a majority acknowledged, sent at" | "最近一轮得到多数派确认的心跳，发送于",
}

/// A read mode's name.
pub fn mode_name(lang: Lang, mode: ReadMode) -> &'static str {
    match mode {
        ReadMode::Log => say(lang, "through the log", "经过日志"),
        ReadMode::ReadIndex => "ReadIndex",
        ReadMode::Lease => say(lang, "lease", "租约"),
        ReadMode::Stale => say(lang, "stale (any server)", "陈旧读（任意节点）"),
    }
}
