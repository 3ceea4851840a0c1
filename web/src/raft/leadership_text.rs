//! Words for reads (thesis §6.4), PreVote (§9.6), CheckQuorum (§6.2, §4.2.3) and
//! leadership transfer (§3.10): switch labels, read modes, inspector and client panel
//! words, in English and Chinese. Their rules are captioned with the others, in `caption/`.

use concord_core::raft::ReadMode;

use crate::i18n::Lang;

pub struct LeadershipText {
    pub opt_pre_vote: &'static str,
    pub opt_pre_vote_help: &'static str,
    pub opt_check_quorum: &'static str,
    pub opt_check_quorum_help: &'static str,
    pub slow_clock: &'static str,
    pub slow_clock_help: &'static str,
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
    opt_pre_vote: "PreVote",
    opt_pre_vote_help: "Before an election a server asks whether a majority would vote for it, keeping its term; a server cut off alone no longer comes back with a huge term that deposes the leader (thesis §9.6).",
    opt_check_quorum: "CheckQuorum",
    opt_check_quorum_help: "A leader that has not heard from a majority within an election timeout steps down (thesis §6.2); a server that heard from a leader within the minimum election timeout ignores RequestVote (§4.2.3), so neither a removed server nor a partitioned one can depose the leader. Lease reads need it.",
    slow_clock: "slow leader clock",
    slow_clock_help: "The leader's clock runs at half speed while it times its lease and CheckQuorum: the lease outlives the leader, breaking §6.4.1's drift bound. Try it with lease reads and a partitioned leader.",
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
    opt_pre_vote: "PreVote（预投票）",
    opt_pre_vote_help: "选举前先询问多数派是否会投票给自己，任期保持不变；被单独隔离的节点回来时不再带着很大的任期把 leader 赶下台（论文 §9.6）。",
    opt_check_quorum: "CheckQuorum（法定人数检查）",
    opt_check_quorum_help: "leader 在一个 election timeout 内没有收到多数派的回应就主动下台（论文 §6.2）；节点在最小 election timeout 内收到过 leader 的消息时忽略 RequestVote（§4.2.3），被移除或被隔离的节点就无法推翻 leader。租约读需要它。",
    slow_clock: "leader 时钟变慢",
    slow_clock_help: "leader 计算租约和 CheckQuorum 时时钟只走一半速度：租约比 leader 的任期活得更久，违反 §6.4.1 的时钟漂移界限。配合租约读和被隔离的 leader 试试。",
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
