//! The Paxos view's own interface words, each in English and Chinese side by side. The
//! acceptor's variables keep the names of seed 001's table (`minProposal`, `acceptedProposal`,
//! `acceptedValue`) in both languages, as the readers learned them.

use crate::i18n::words;

words! {
    pub struct Text, fn text;

    proposer: "proposer" | "proposer",
    acceptor: "acceptor" | "acceptor",
    learner: "learner" | "learner",
    proposers: "Proposers" | "Proposers 提案者",
    acceptors: "Acceptors" | "Acceptors 投票者",
    learners: "Learners" | "Learners 学习者",
    /// Column headings of the colocated layout.
    proposer_acceptor_learner: "Proposer + acceptor + learner" | "提案者 + 投票者 + 学习者",
    acceptor_learner: "Acceptor + learner" | "投票者 + 学习者",
    idle: "idle" | "空闲",
    waiting: "backing off" | "退避中",
    preparing: "phase 1" | "第一阶段",
    accepting: "phase 2" | "第二阶段",
    done: "chosen" | "已确认",
    stage: "Stage" | "阶段",
    number: "n" | "n",
    promises: "Promises" | "承诺",
    accepted_count: "Accepted" | "接受",
    value_in_hand: "Value" | "value",
    retries: "Retries" | "重试",
    learned: "Learned" | "已学到",
    when: "When" | "时间",
    heard: "heard" | "已收到",
    not_yet: "not yet" | "尚未",
    promised: "promised" | "承诺",
    accepted: "accepted" | "接受",
    no_promise: "no promise" | "未承诺",
    chosen: "Chosen" | "已选定",
    nothing_chosen:
        "Nothing is chosen yet: a value is chosen the moment a majority of the acceptors have accepted one proposal carrying it (§2.2), even before anyone knows."
        | "尚未选定任何值：只要多数派 acceptor 接受了同一个提案，它的值就在那一刻被选定（§2.2），哪怕还没有任何人知道。",
    two_chosen: "Two values chosen" | "选定了两个值",
    in_majority: "in the chosen majority" | "属于选定该值的多数派",
    propose: "Propose" | "提案",
    value_to_propose: "Value to propose" | "要提出的值",
    phase_timer: "Phase timeout" | "阶段超时",
    retry_timer: "Retry" | "重试",
    persistent_kept:
        "A crashed node keeps only its stable storage: an acceptor's minProposal, acceptedProposal and acceptedValue, a proposer's highest round (§2.5). The proposal in progress and what a learner heard are gone."
        | "宕机的节点只保留稳定存储中的内容：acceptor 的 minProposal、acceptedProposal 和 acceptedValue，proposer 用过的最大轮次（§2.5）。进行中的提案和 learner 收到的消息都已丢失。",
    click_a_node:
        "Click a node to inspect it, to make a proposer propose a value, or to crash and restart it. Click a message to see its fields or drop it."
        | "点击一个节点：查看状态、让 proposer 提出一个值、让它宕机或重启。点击一条消息：查看字段或丢弃它。",
    layout_separate:
        "Proposers (left) make proposals, acceptors (middle) promise and accept, learners (right) learn the chosen value."
        | "proposer（左）提出提案，acceptor（中）负责承诺和接受，learner（右）学习被选定的值。",
    layout_colocated:
        "Every server is an acceptor and a learner; those on the left propose too, and what they send themselves travels the network like any message."
        | "每台服务器都是 acceptor 和 learner；左边的服务器还是 proposer，发给自己的消息也像其他消息一样经过网络。",
    start_auto:
        "Each proposer holds a value of its own (A, B, C) and starts phase 1 after a short random wait."
        | "每个 proposer 都有自己的值（A、B、C），短暂随机等待后开始第一阶段。",
    start_manual:
        "Nobody proposes until you do: click a proposer, type a value and press Propose."
        | "在你提案之前没有人提案：点击一个 proposer，输入一个值，再点“提案”。",
    press_play: "Press Play, or Step to go one event at a time." | "点击“播放”，或用“单步”逐个事件前进。",
    settings: "Paxos" | "Paxos",
    roles: "Roles" | "角色",
    separate: "one role per node" | "每个节点一个角色",
    colocated: "all accept and learn (§2.5)" | "都是 acceptor 和 learner（§2.5）",
    start_on_their_own: "Proposers start on their own (values A, B, C)" | "proposer 自动开始（值为 A、B、C）",
    randomized_backoff: "Randomized back-off before retrying (§2.4)" | "重试前随机退避（§2.4）",
    new_run_note: "Changing these starts a new run." | "修改这些设置会开始新的运行。",
    prepare: "Prepare(n)" | "Prepare(n)",
    promise:
        "Promise (acceptedProposal, acceptedValue)"
        | "Promise（acceptedProposal, acceptedValue）",
    accept: "Accept(n, value)" | "Accept(n, value)",
    accepted_msg: "Accepted(n, value)" | "Accepted(n, value)",
    nack: "Nack (refused: result > n)" | "Nack（拒绝：result > n）",
    request_reply_note: "filled: request · hollow: reply" | "实心：请求 · 空心：回复",
    chosen_ring: "green ring: acceptor in the chosen majority" | "绿环：属于选定多数派的 acceptor",
}
