//! The Raft view's own words (log grid, client, switches), each in English and Chinese side by
//! side. The words every protocol shares live in [`crate::i18n::Text`].

use crate::i18n::words;

words! {
    pub struct RaftText, fn text;

    logs: "Logs" | "日志",
    index: "index" | "索引",
    empty_logs:
        "Every log is empty. Elect a leader, then send a request from the client panel."
        | "所有日志都为空。先选出 leader，再从客户端面板发送请求。",
    committed: "committed" | "已提交",
    uncommitted: "not committed yet" | "尚未提交",
    noop: "no-op" | "空操作",
    commit_marker: "commitIndex" | "commitIndex",
    // The grid's window (log_grid.rs)
    earlier: "Earlier entries" | "更早的条目",
    later: "Later entries" | "更晚的条目",
    newest: "Newest entries" | "最新的条目",
    nothing_earlier: "This log has no entries before the window." | "此日志在窗口之前没有条目。",
    next: "next" | "next",
    matched: "match" | "match",
    probe: "probe" | "探测",
    replicate: "replicate" | "复制",
    paused: "waiting for a reply" | "等待回复",
    term: "term" | "任期",
    client: "client" | "客户端",
    seq: "seq" | "序号",
    last_applied: "Last applied" | "已应用到",
    log_length: "Log length" | "日志长度",
    state_machine: "State machine" | "状态机",
    empty_store: "(empty)" | "（空）",
    peers: "Followers (nextIndex / matchIndex)" | "follower（nextIndex / matchIndex）",
    replies: "Replies to clients" | "给客户端的回复",
    no_replies: "none yet" | "暂无",
    latency: "latency" | "延迟",
    // Client panel
    client_title: "Client" | "客户端",
    send_to: "Send to" | "发送给",
    operation: "Operation" | "操作",
    send: "Send" | "发送",
    retry: "Retry" | "重试",
    retry_help:
        "Send the last request again with the same sequence number: the cluster applies it at most once (thesis §6.3)."
        | "用相同的序号再次发送上一个请求：集群最多只应用一次（论文 §6.3）。",
    next_seq: "next seq" | "下一个序号",
    waiting: "waiting…" | "等待中…",
    not_leader: "not the leader" | "不是 leader",
    try_server: "try" | "试试",
    no_value: "no value" | "无值",
    applied_at: "applied at index" | "应用于索引",
    answered_by: "answered by" | "回复者",
    server_down: "is down: the request is lost" | "已宕机：请求丢失",
    // Settings
    settings: "Raft settings" | "Raft 设置",
    settings_note:
        "Changing a setting starts a new run (the URL keeps it)."
        | "修改设置会开始新的运行（URL 会保存它）。",
    options: "Options" | "选项",
    batch: "batch size" | "批大小",
    timing: "Timing (ms)" | "时间（毫秒）",
    election_min: "election timeout min" | "选举超时下限",
    election_max: "election timeout max" | "选举超时上限",
    heartbeat: "heartbeat interval" | "心跳间隔",
    spurious_likely:
        "Spurious elections likely: the shortest election timeout is not longer than a heartbeat interval plus the slowest message, so followers time out while the leader is alive (§5.6: broadcastTime ≪ electionTimeout)."
        | "很可能出现多余的选举：最短选举超时不长于一个心跳间隔加上最慢的消息，leader 还活着 follower 就会超时（§5.6：广播时间 ≪ 选举超时）。",
    spurious_thin:
        "Thin margin: the shortest election timeout is less than twice a heartbeat interval plus the slowest message; a few late heartbeats can start an election (§5.6: broadcastTime ≪ electionTimeout)."
        | "余量不足：最短选举超时不到心跳间隔加最慢消息的两倍；几次心跳迟到就可能引发选举（§5.6：广播时间 ≪ 选举超时）。",
    broken_banner: "Rules switched off" | "已关闭的规则",
    goal_commit: "an entry is committed" | "有条目被提交",
    // Log compaction (§7)
    snapshot: "Snapshot" | "快照",
    snapshot_help:
        "The entries up to here were replaced by a snapshot of the state machine (§7)."
        | "日志压缩：到这里为止的条目已被状态机快照取代（§7）。",
    first_index: "First log index" | "日志首个索引",
    bytes: "bytes" | "字节",
    configuration: "configuration" | "集群配置",
    no_snapshot: "none" | "无",
    snapshot_timer: "Snapshot" | "快照",
    install_snapshot: "InstallSnapshot" | "InstallSnapshot",
    snapshot_reply: "InstallSnapshot reply" | "InstallSnapshot 回复",
    snapshot_threshold: "snapshot every (entries)" | "每多少条目做一次快照",
    one_chunk: "0 (one chunk)" | "0（单个分块）",
}
