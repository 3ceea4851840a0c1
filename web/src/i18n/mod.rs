//! English and Simplified Chinese. Interface words live in [`Text`], each word's English and
//! Chinese side by side ([`words!`]); captions, which take parameters, are written where they are
//! used, both languages side by side too ([`say`], [`tr!`]).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The language a tag names (`zh-CN`, `en`), if it is one of ours.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn text(self) -> &'static Text {
        text(self)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

/// A phrase in the reader's language, written where it is used in both languages at once, so the
/// English and the Chinese cannot drift apart: `say(lang, "round", "轮")`.
pub fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// A sentence with parameters in the reader's language, written in both languages at once like
/// [`say`]; only the reader's is formatted: `tr!(lang, "{n} crashed.", "{n} 宕机。")`. Arguments
/// after the two templates serve both, and each template must use every one of them.
macro_rules! tr {
    ($lang:expr, $en:literal, $zh:literal $(, $($arg:tt)*)?) => {
        match $lang {
            $crate::i18n::Lang::En => format!($en $(, $($arg)*)?),
            $crate::i18n::Lang::Zh => format!($zh $(, $($arg)*)?),
        }
    };
}
pub(crate) use tr;

/// A struct of interface words and its value in each language, every word's English and Chinese
/// side by side like [`say`] (`English | 中文`), and the function that picks a language's:
/// `words! { pub struct MemberText, fn member_text; title: "Membership" | "成员变更", }`.
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident, fn $get:ident;
        $( $(#[$word_meta:meta])* $word:ident: $en:literal | $zh:literal ),* $(,)?
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$word_meta])* pub $word: &'static str, )*
        }

        $vis fn $get(lang: $crate::i18n::Lang) -> &'static $name {
            const EN: $name = $name { $( $word: $en, )* };
            const ZH: $name = $name { $( $word: $zh, )* };
            match lang {
                $crate::i18n::Lang::En => &EN,
                $crate::i18n::Lang::Zh => &ZH,
            }
        }
    };
}
pub(crate) use words;

words! {
    /// Every fixed string of the interface.
    pub struct Text, fn text;

    tagline: "Watch consensus happen, one message at a time" | "一条消息一条消息地看共识如何达成",
    language_name: "English" | "中文",
    play: "Play" | "播放",
    pause: "Pause" | "暂停",
    step: "Step" | "单步",
    back: "Back" | "后退",
    reset: "Reset" | "重置",
    speed: "Speed" | "速度",
    seed: "Seed" | "种子",
    new_seed: "New seed" | "换个种子",
    nodes: "Servers" | "节点数",
    time: "Time" | "时间",
    step_no: "Step" | "步数",
    crash: "Crash" | "宕机",
    restart: "Restart" | "重启",
    force_timeout: "Time out now" | "立即超时",
    close: "Close" | "关闭",
    follower: "follower" | "follower",
    candidate: "candidate" | "candidate",
    leader: "leader" | "leader",
    down: "crashed" | "已宕机",
    term: "Term" | "任期",
    voted_for: "Voted for" | "投票给",
    nobody: "nobody" | "无",
    leader_known: "Leader" | "Leader",
    unknown: "unknown" | "未知",
    votes: "Votes" | "得票",
    commit_index: "Commit index" | "commitIndex",
    election_timer: "Election timer" | "选举计时器",
    heartbeat_timer: "Heartbeat timer" | "心跳计时器",
    fires_in: "fires in" | "剩余",
    no_timer: "not armed" | "未启动",
    click_a_node:
        "Click a server to inspect it, crash it, restart it or make it time out."
        | "点击一个节点：查看状态、让它宕机、重启或立即超时。",
    legend: "Legend" | "图例",
    request_vote: "RequestVote" | "RequestVote 请求投票",
    vote_granted: "vote granted" | "同意投票",
    vote_denied: "vote denied" | "拒绝投票",
    append_entries: "AppendEntries (heartbeat)" | "AppendEntries（心跳）",
    append_reply: "AppendEntries reply" | "AppendEntries 回复",
    lost_message: "will be lost" | "将会丢失",
    timer_ring: "ring: time left on the server's timer" | "外圈：计时器剩余时间",
    start_caption:
        "Every server starts as a follower with a random election timeout (§5.2). Press Play, or Step to jump to the next event."
        | "每个节点启动时都是 follower，并设定一个随机的 election timeout（§5.2）。点击“播放”，或用“单步”跳到下一个事件。",
    keys_hint:
        "Keys: Space play/pause · → step · ← back · [ ] marks · D drop · ? all shortcuts"
        | "快捷键：空格 播放/暂停 · → 单步 · ← 后退 · [ ] 标记 · D 丢弃 · ? 全部快捷键",
    violation: "Invariant violated" | "不变量被破坏",
    panic_title: "Concord stopped because of an internal error:" | "Concord 因内部错误而停止：",
    reload: "Reload" | "重新加载",
    copy_bug_report: "Copy bug report" | "复制错误报告",
    bug_report_copied: "Bug report copied" | "错误报告已复制",
    bug_report_copy_failed: "Copy failed: select the report above" | "复制失败：请选中上面的报告",
    route: "Route" | "路径",
    sent_at: "Sent at" | "发送时间",
    arrives_at: "Arrives at" | "到达时间",
    deliver_now: "Deliver now" | "立即送达",
    drop_msg: "Drop" | "丢弃",
    duplicate_msg: "Duplicate" | "复制一份",
    delay_msg: "Delay 50 ms" | "延迟 50 ms",
    network: "Network" | "网络",
    loss: "Loss" | "丢包",
    duplication: "Duplication" | "重复",
    latency: "Latency" | "延迟",
    partition_help: "Partition: tick the servers of one side" | "网络分区：勾选同一侧的节点",
    /// Before the range `S1 … Sk` that forms one side, in clusters too large to tick each node.
    partition_first: "One side: nodes" | "一侧：节点",
    partition: "Partition" | "分区",
    cut_link: "Cut a link" | "切断链路",
    from: "From" | "从",
    to: "To" | "到",
    one_way: "One way" | "单向",
    both_ways: "Both ways" | "双向",
    restore: "Restore" | "恢复",
    heal: "Heal the network" | "恢复网络",
    pending: "Next events" | "即将发生的事件",
    pending_help:
        "Make any of them happen now, in any order: the network is yours to schedule."
        | "可以让其中任何一个立即发生，顺序由你决定：网络调度权在你手里。",
    fire_now: "Fire now" | "立即触发",
    timeline: "Timeline: drag to move through the run" | "时间线：拖动以在整个运行过程中移动",
    branches: "Branches left behind:" | "被替换的分支：",
    branch_from: "from step" | "始于第",
    steps: "steps" | "步",
    spacetime: "Space-time diagram" | "时空图",
    /// Said instead of the space-time diagram for a cluster drawn dense.
    spacetime_dense:
        "A cluster this large has too many lanes to draw: select a node to follow its messages in the pending list and the inspector."
        | "集群太大，画不下每个节点的泳道：选中一个节点，在待处理列表和检查器里跟踪它的消息。",
    zoom_in: "Zoom in" | "放大",
    zoom_out: "Zoom out" | "缩小",
    step_by: "Move by:" | "移动：",
    delivery_to: "delivery to" | "送达",
    until: "until" | "直到",
    /// Shown while a far jump in a large cluster runs, before the step number reached.
    fast_forwarding: "Fast-forwarding… now at step" | "快进中……当前步数",
    until_violation: "until an invariant breaks" | "直到不变量被破坏",
    shortcuts: "Keyboard shortcuts" | "键盘快捷键",
    key_play: "play / pause" | "播放 / 暂停",
    key_step: "one event forward" | "前进一个事件",
    key_back: "one event back" | "后退一个事件",
    key_next_mark: "next mark on the timeline" | "时间线上的下一个标记",
    key_prev_mark: "previous mark on the timeline" | "时间线上的上一个标记",
    key_drop: "drop the selected message" | "丢弃选中的消息",
    key_escape: "close this, clear the selection" | "关闭本窗口，取消选择",
    key_help: "show these shortcuts" | "显示这些快捷键",
    delivered_already: "Already delivered or dropped." | "已送达或已丢弃。",
    export_run: "Export run" | "导出运行",
    import_run: "Import run…" | "导入运行…",
    back_to_when: "back to when" | "回到上次",
    client_request: "client request (forwarded)" | "客户端请求（转发）",
    unknown_algo:
        "Concord has no protocol by this name: it knows raft, gossip and paxos."
        | "Concord 没有这个协议：目前支持 raft、gossip 和 paxos。",
    open_full: "Open in full playground ↗" | "在完整演练场中打开 ↗",
    copy_link: "Copy link" | "复制链接",
    link_copied: "Link copied" | "已复制",
    copy_failed: "Copy failed: use the address bar" | "复制失败：请从地址栏复制",
    copy_embed: "Copy iframe code" | "复制 iframe 代码",
    embed_copied: "iframe code copied" | "iframe 代码已复制",
    embed_copy_failed: "Copy failed: select the code below" | "复制失败：请选中下面的代码",
    copy_widget: "Copy widget code" | "复制组件代码",
    widget_copied: "Widget code copied" | "组件代码已复制",
    copy_mdbook: "Copy mdBook code" | "复制 mdBook 代码",
    mdbook_copied: "mdBook code copied" | "mdBook 代码已复制",
    volatile_lost:
        "A crashed server keeps only what is on disk: its term, its vote and its log. Everything else is gone until it restarts."
        | "宕机的节点只保留磁盘上的内容：任期、投票和日志。其余状态在重启前都已丢失。",
}

/// What goes between two sentences: a space in English, nothing in Chinese.
pub fn gap(lang: Lang) -> &'static str {
    say(lang, " ", "")
}
