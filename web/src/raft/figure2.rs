//! The paper's Figure 2, its one-page summary of Raft, beside the cluster: state, the two RPCs
//! and the rules for servers, each line in our own words with a stable id. The lines behind the
//! step on screen light up, and the state lines show the values of the server the reader looks
//! at. Shown with `figure2=1` in the URL.
//!
//! [`lines`] is the one place that says which lines a [`Rule`] follows. Rules Figure 2 does not
//! state (no-op, conflict hint, client sessions …) fall to its last arm and are listed under the
//! figure with their own section.

use concord_core::raft::{DenyReason, RaftNode, Role, Rule, Timer};
use concord_core::sim::{Event, NodeId, NodeSlot, StepReport};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::playground::Beside;
use crate::run::{Options, RunConfig};

/// The URL option that shows the panel.
pub const OPTION: &str = "figure2";

/// The Figure 2 lines a rule follows; none for a rule the figure does not state.
pub fn lines(rule: &Rule) -> &'static [&'static str] {
    match rule {
        Rule::StartElection { .. } => &["rules.candidate.start"],
        Rule::AdoptTerm { .. } => &["rules.all.term"],
        Rule::GrantVote { .. } => &["rv.recv.2", "state.voted-for"],
        Rule::DenyVote {
            reason: DenyReason::StaleTerm,
            ..
        } => &["rv.recv.1"],
        Rule::DenyVote { .. } => &["rv.recv.2"],
        Rule::CountVote { .. } => &["rv.res.vote-granted"],
        Rule::BecomeLeader { .. } => &["rules.candidate.win", "state.next-index"],
        Rule::SendHeartbeats { .. } => &["rules.leader.heartbeat"],
        Rule::FollowLeader {
            was: Role::Candidate,
            ..
        } => &["rules.candidate.new-leader"],
        Rule::FollowLeader { .. } => &["rules.follower.respond"],
        Rule::RejectStaleLeader { .. } => &["ae.recv.1"],
        Rule::RejectLogMismatch { .. } => &["ae.recv.2"],
        Rule::Restart { .. } => &["state.current-term", "state.voted-for", "state.log"],
        Rule::AppendCommand { .. } => &["rules.leader.client"],
        Rule::SendEntries { .. } => &["rules.leader.send"],
        Rule::AppendLog { .. } => &["ae.recv.4"],
        // The break-it switch `no-truncate` breaks exactly this line.
        Rule::TruncateLog { .. } | Rule::OverwriteKeepSuffix { .. } => &["ae.recv.3"],
        Rule::AckEntries { .. } => &["rules.leader.success", "state.match-index"],
        Rule::BackUp { hint: false, .. } => &["rules.leader.fail", "state.next-index"],
        // Commitment, kept (`WaitForCurrentTerm`) or broken on purpose (`commit-previous`).
        Rule::AdvanceCommit { .. } | Rule::WaitForCurrentTerm { .. } => {
            &["rules.leader.commit", "state.commit-index"]
        }
        Rule::LearnCommit { .. } => &["ae.recv.5", "state.commit-index"],
        Rule::ApplyEntries { .. } => &["rules.all.apply", "state.last-applied"],
        Rule::ReplyClient { cached: false, .. } => &["rules.leader.client"],
        // Not in Figure 2: the no-op (§8), the conflict hint (§5.3's optimization), progress
        // tracking, client sessions and forwarding (thesis §6), membership changes (thesis
        // chapter 4), snapshots and InstallSnapshot (§7, Figure 13): they are listed under the
        // figure by name and section.
        _ => &[],
    }
}

/// One line of the figure.
pub struct Line {
    pub id: &'static str,
    /// The field or step it describes, as the paper names it (`currentTerm`, `3.`).
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

/// A heading and its lines.
pub struct Group {
    pub en: &'static str,
    pub zh: &'static str,
    pub lines: &'static [Line],
}

/// One of the figure's four boxes.
pub struct Part {
    pub id: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// What the box is about, in a sentence.
    pub note_en: &'static str,
    pub note_zh: &'static str,
    pub groups: &'static [Group],
}

const fn line(id: &'static str, name: &'static str, en: &'static str, zh: &'static str) -> Line {
    Line { id, name, en, zh }
}

pub const FIGURE: [Part; 4] = [
    Part {
        id: "state",
        en: "State",
        zh: "状态",
        note_en: "What each server keeps.",
        note_zh: "每台服务器保存的内容。",
        groups: &[
            Group {
                en: "Persistent, on every server (on stable storage before it answers an RPC)",
                zh: "所有服务器上的持久状态（回复 RPC 之前先写入稳定存储）",
                lines: &[
                    line(
                        "state.current-term",
                        "currentTerm",
                        "the newest term this server knows of: 0 at first, never goes down",
                        "本服务器知道的最新任期：从 0 开始，只增不减",
                    ),
                    line(
                        "state.voted-for",
                        "votedFor",
                        "the candidate it voted for in the current term, if it has voted",
                        "当前任期内投票给了哪个 candidate；尚未投票则为空",
                    ),
                    line(
                        "state.log",
                        "log[]",
                        "its entries, from index 1; each is a command for the state machine and the term in which a leader took it",
                        "日志条目，索引从 1 开始；每条是给状态机的一个命令，以及 leader 收下它时的任期",
                    ),
                ],
            },
            Group {
                en: "Volatile, on every server",
                zh: "所有服务器上的易失状态",
                lines: &[
                    line(
                        "state.commit-index",
                        "commitIndex",
                        "the highest index it knows to be committed: 0 at first, only grows",
                        "已知已提交的最高索引：从 0 开始，只增不减",
                    ),
                    line(
                        "state.last-applied",
                        "lastApplied",
                        "the highest index it has applied to its state machine: 0 at first, only grows",
                        "已应用到状态机的最高索引：从 0 开始，只增不减",
                    ),
                ],
            },
            Group {
                en: "Volatile, on leaders (set up afresh after each election)",
                zh: "leader 上的易失状态（每次当选后重新初始化）",
                lines: &[
                    line(
                        "state.next-index",
                        "nextIndex[]",
                        "per follower, the index of the next entry to send it; starts just past the leader's last entry",
                        "对每个 follower，下一条要发给它的条目索引；初始为 leader 最后一条的索引加 1",
                    ),
                    line(
                        "state.match-index",
                        "matchIndex[]",
                        "per follower, the highest index known to be stored on it: 0 at first, only grows",
                        "对每个 follower，已知它已保存的最高索引：从 0 开始，只增不减",
                    ),
                ],
            },
        ],
    },
    Part {
        id: "append-entries",
        en: "AppendEntries RPC",
        zh: "AppendEntries RPC",
        note_en: "The leader sends it to copy entries to followers (§5.3); without entries it is a heartbeat (§5.2).",
        note_zh: "leader 用它把条目复制给 follower（§5.3）；不带条目时就是心跳（§5.2）。",
        groups: &[
            Group {
                en: "Arguments",
                zh: "参数",
                lines: &[
                    line("ae.arg.term", "term", "the leader's term", "leader 的任期"),
                    line(
                        "ae.arg.leader-id",
                        "leaderId",
                        "who leads, so a follower can send clients on to it",
                        "谁是 leader，follower 可据此把客户端转给它",
                    ),
                    line(
                        "ae.arg.prev-log-index",
                        "prevLogIndex",
                        "the index of the entry just before the new ones",
                        "紧挨在新条目之前那一条的索引",
                    ),
                    line(
                        "ae.arg.prev-log-term",
                        "prevLogTerm",
                        "that entry's term",
                        "那一条的任期",
                    ),
                    line(
                        "ae.arg.entries",
                        "entries[]",
                        "the entries to store, several at a time if need be; none for a heartbeat",
                        "要保存的条目，必要时一次多条；心跳时为空",
                    ),
                    line(
                        "ae.arg.leader-commit",
                        "leaderCommit",
                        "the leader's commitIndex",
                        "leader 的 commitIndex",
                    ),
                ],
            },
            Group {
                en: "Results",
                zh: "返回值",
                lines: &[
                    line(
                        "ae.res.term",
                        "term",
                        "the receiver's currentTerm, so an outdated leader finds out",
                        "接收者的 currentTerm，让过时的 leader 发现自己过时",
                    ),
                    line(
                        "ae.res.success",
                        "success",
                        "true if the follower held an entry at prevLogIndex of term prevLogTerm",
                        "follower 在 prevLogIndex 处有任期为 prevLogTerm 的条目时为 true",
                    ),
                ],
            },
            Group {
                en: "Receiver implementation",
                zh: "接收者的实现",
                lines: &[
                    line(
                        "ae.recv.1",
                        "1.",
                        "Answer false when term < currentTerm (§5.1).",
                        "若 term < currentTerm，回复 false（§5.1）。",
                    ),
                    line(
                        "ae.recv.2",
                        "2.",
                        "Answer false when the log has no entry at prevLogIndex whose term is prevLogTerm (§5.3).",
                        "若日志在 prevLogIndex 处没有任期为 prevLogTerm 的条目，回复 false（§5.3）。",
                    ),
                    line(
                        "ae.recv.3",
                        "3.",
                        "When an entry already there clashes with a new one (same index, other term), remove it and every entry after it (§5.3).",
                        "若已有条目与新条目冲突（索引相同、任期不同），删除它及其后的所有条目（§5.3）。",
                    ),
                    line(
                        "ae.recv.4",
                        "4.",
                        "Append the new entries the log does not hold yet.",
                        "追加日志里还没有的新条目。",
                    ),
                    line(
                        "ae.recv.5",
                        "5.",
                        "When leaderCommit > commitIndex, raise commitIndex to the lesser of leaderCommit and the index of the last new entry.",
                        "若 leaderCommit > commitIndex，把 commitIndex 提高到 leaderCommit 与最后一条新条目索引中较小的那个。",
                    ),
                ],
            },
        ],
    },
    Part {
        id: "request-vote",
        en: "RequestVote RPC",
        zh: "RequestVote RPC",
        note_en: "Candidates send it to gather votes (§5.2).",
        note_zh: "candidate 用它争取选票（§5.2）。",
        groups: &[
            Group {
                en: "Arguments",
                zh: "参数",
                lines: &[
                    line(
                        "rv.arg.term",
                        "term",
                        "the candidate's term",
                        "candidate 的任期",
                    ),
                    line(
                        "rv.arg.candidate-id",
                        "candidateId",
                        "who asks for the vote",
                        "请求投票的是谁",
                    ),
                    line(
                        "rv.arg.last-log-index",
                        "lastLogIndex",
                        "the index of the candidate's last entry (§5.4)",
                        "candidate 最后一条日志的索引（§5.4）",
                    ),
                    line(
                        "rv.arg.last-log-term",
                        "lastLogTerm",
                        "that entry's term (§5.4)",
                        "那一条的任期（§5.4）",
                    ),
                ],
            },
            Group {
                en: "Results",
                zh: "返回值",
                lines: &[
                    line(
                        "rv.res.term",
                        "term",
                        "the voter's currentTerm, so the candidate can catch up",
                        "投票者的 currentTerm，供 candidate 更新自己的任期",
                    ),
                    line(
                        "rv.res.vote-granted",
                        "voteGranted",
                        "true when the candidate got this vote",
                        "为 true 表示 candidate 得到了这一票",
                    ),
                ],
            },
            Group {
                en: "Receiver implementation",
                zh: "接收者的实现",
                lines: &[
                    line(
                        "rv.recv.1",
                        "1.",
                        "Answer false when term < currentTerm (§5.1).",
                        "若 term < currentTerm，回复 false（§5.1）。",
                    ),
                    line(
                        "rv.recv.2",
                        "2.",
                        "Grant the vote when votedFor is empty or is this candidate already, and the candidate's log is at least as up-to-date as the receiver's (§5.2, §5.4).",
                        "若 votedFor 为空或就是这个 candidate，且 candidate 的日志至少和自己的一样新，就投票给它（§5.2，§5.4）。",
                    ),
                ],
            },
        ],
    },
    Part {
        id: "rules",
        en: "Rules for Servers",
        zh: "服务器的规则",
        note_en: "What a server does in each role.",
        note_zh: "服务器在各个角色下的行为。",
        groups: &[
            Group {
                en: "All servers",
                zh: "所有服务器",
                lines: &[
                    line(
                        "rules.all.apply",
                        "",
                        "While commitIndex > lastApplied: add one to lastApplied and apply log[lastApplied] to the state machine (§5.3).",
                        "只要 commitIndex > lastApplied：lastApplied 加 1，把 log[lastApplied] 应用到状态机（§5.3）。",
                    ),
                    line(
                        "rules.all.term",
                        "",
                        "When a request or reply carries a term T > currentTerm: take T as currentTerm and become follower (§5.1).",
                        "只要请求或回复带有任期 T > currentTerm：把 currentTerm 设为 T，转为 follower（§5.1）。",
                    ),
                ],
            },
            Group {
                en: "Followers (§5.2)",
                zh: "follower（§5.2）",
                lines: &[
                    line(
                        "rules.follower.respond",
                        "",
                        "Answer the RPCs of candidates and leaders.",
                        "响应 candidate 和 leader 的 RPC。",
                    ),
                    line(
                        "rules.follower.timeout",
                        "",
                        "When an election timeout passes with no AppendEntries from the current leader and no vote granted: become candidate.",
                        "若一个 election timeout 内既没收到当前 leader 的 AppendEntries，也没有投出选票：转为 candidate。",
                    ),
                ],
            },
            Group {
                en: "Candidates (§5.2)",
                zh: "candidate（§5.2）",
                lines: &[
                    line(
                        "rules.candidate.start",
                        "",
                        "On becoming candidate, start an election: add one to currentTerm, vote for itself, reset the election timer, send RequestVote to every other server.",
                        "成为 candidate 后发起选举：currentTerm 加 1，投票给自己，重置选举计时器，向其他所有服务器发送 RequestVote。",
                    ),
                    line(
                        "rules.candidate.win",
                        "",
                        "With votes from a majority: become leader.",
                        "得到过半数选票：成为 leader。",
                    ),
                    line(
                        "rules.candidate.new-leader",
                        "",
                        "On AppendEntries from a new leader: become follower.",
                        "收到新 leader 的 AppendEntries：转为 follower。",
                    ),
                    line(
                        "rules.candidate.timeout",
                        "",
                        "When the election timeout passes: start another election.",
                        "election timeout 到期：再发起一轮选举。",
                    ),
                ],
            },
            Group {
                en: "Leaders",
                zh: "leader",
                lines: &[
                    line(
                        "rules.leader.heartbeat",
                        "",
                        "Once elected, and again whenever idle, send every server an empty AppendEntries (a heartbeat) so no election timeout runs out (§5.2).",
                        "当选后立即、之后每逢空闲，都向每台服务器发送空的 AppendEntries（心跳），不让任何 election timeout 到期（§5.2）。",
                    ),
                    line(
                        "rules.leader.client",
                        "",
                        "On a client's command: append it to its own log; answer once it is applied to the state machine (§5.3).",
                        "收到客户端命令：追加到自己的日志；应用到状态机之后再回复（§5.3）。",
                    ),
                    line(
                        "rules.leader.send",
                        "",
                        "When its last log index ≥ a follower's nextIndex: send that follower AppendEntries with the entries from nextIndex on.",
                        "若最后一条日志的索引 ≥ 某个 follower 的 nextIndex：向它发送从 nextIndex 起的条目。",
                    ),
                    line(
                        "rules.leader.success",
                        "",
                        "… if it succeeds: update the follower's nextIndex and matchIndex (§5.3).",
                        "……若成功：更新该 follower 的 nextIndex 和 matchIndex（§5.3）。",
                    ),
                    line(
                        "rules.leader.fail",
                        "",
                        "… if it fails because the logs differ: lower nextIndex and try again (§5.3).",
                        "……若因日志不一致而失败：减小 nextIndex 再试（§5.3）。",
                    ),
                    line(
                        "rules.leader.commit",
                        "",
                        "When some N > commitIndex has matchIndex[i] ≥ N on a majority and log[N].term = currentTerm: set commitIndex to N (§5.3, §5.4).",
                        "若存在 N > commitIndex，过半数的 matchIndex[i] ≥ N，且 log[N].term = currentTerm：把 commitIndex 设为 N（§5.3，§5.4）。",
                    ),
                ],
            },
        ],
    },
];

/// The lines one step lights up, and the rules it fired that Figure 2 does not state (each
/// with its section). `before` are the steps that led to it, to tell a follower's election
/// timeout from a candidate's.
pub fn lit_by(
    report: &StepReport<RaftNode>,
    before: &[StepReport<RaftNode>],
) -> (Vec<&'static str>, Vec<String>) {
    let mut lit = Vec::new();
    if let Event::TimerFired(node, Timer::Election) = report.event
        && report
            .rules
            .iter()
            .any(|r| matches!(r, Rule::StartElection { .. }))
    {
        lit.push(match role_before(node, before) {
            Role::Candidate => "rules.candidate.timeout",
            _ => "rules.follower.timeout",
        });
    }
    let mut beyond = Vec::new();
    for rule in &report.rules {
        match lines(rule) {
            [] => {
                let entry = format!("{} ({})", rule.name(), rule.section());
                if !beyond.contains(&entry) {
                    beyond.push(entry);
                }
            }
            ids => {
                for id in ids {
                    if !lit.contains(id) {
                        lit.push(id);
                    }
                }
            }
        }
    }
    (lit, beyond)
}

/// The role `node` held before the steps after `before`: the last role change it made.
fn role_before(node: NodeId, before: &[StepReport<RaftNode>]) -> Role {
    before
        .iter()
        .rev()
        .filter(|r| r.node == Some(node))
        .flat_map(|r| r.rules.iter().rev())
        .find_map(|rule| match rule {
            Rule::StartElection { .. } => Some(Role::Candidate),
            Rule::BecomeLeader { .. } => Some(Role::Leader),
            Rule::AdoptTerm { .. } | Rule::FollowLeader { .. } | Rule::Restart { .. } => {
                Some(Role::Follower)
            }
            _ => None,
        })
        .unwrap_or(Role::Follower)
}

/// The state lines' values for one server, by line id.
pub fn values(slot: &NodeSlot<RaftNode>) -> Vec<(&'static str, String)> {
    let node = &slot.state;
    let p = &node.persistent;
    let v = &node.volatile;
    let per_peer = |f: fn(&concord_core::raft::PeerProgress) -> u64| {
        v.leader_state.as_ref().map_or_else(
            || "—".to_owned(),
            |l| {
                l.peers
                    .iter()
                    .map(|(id, progress)| format!("{id}:{}", f(progress)))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        )
    };
    vec![
        ("state.current-term", p.current_term.to_string()),
        (
            "state.voted-for",
            p.voted_for
                .map_or_else(|| "—".to_owned(), |c| c.to_string()),
        ),
        (
            "state.log",
            // The first index stored is above 1 once a snapshot has replaced the log's head.
            match (p.log.last_index(), p.log.stored().is_empty()) {
                (0, _) => "[]".to_owned(),
                (last, true) => format!("[‥{last}] · {}", p.log.last_term()),
                (last, false) => {
                    format!("[{}‥{last}] · {}", p.log.first_index(), p.log.last_term())
                }
            },
        ),
        ("state.commit-index", v.commit_index.to_string()),
        ("state.last-applied", v.last_applied.to_string()),
        ("state.next-index", per_peer(|p| p.next_index)),
        ("state.match-index", per_peer(|p| p.match_index)),
    ]
}

/// The run's options with the panel shown or hidden.
pub fn with_shown(options: &Options, shown: bool) -> Options {
    let mut pairs: Vec<(String, String)> = options
        .pairs()
        .filter(|(k, _)| *k != OPTION)
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if shown {
        pairs.push((OPTION.to_owned(), "1".to_owned()));
    }
    Options::new(pairs)
}

/// Whether the run's options show the panel.
pub fn shown(run: &RunConfig) -> bool {
    matches!(run.options.get(OPTION), Some("1" | "true"))
}

/// The panel for the playground: the step on screen lights its lines; the state lines show the
/// selected server, or else the one the step happened to.
pub fn panel(ctx: Beside<'_, RaftNode>) -> Html {
    let shown = shown(ctx.run);
    let on_toggle = {
        let run = ctx.run.clone();
        ctx.on_run.reform(move |shown| RunConfig {
            options: with_shown(&run.options, shown),
            ..run.clone()
        })
    };
    if !shown {
        return html! {
            <Figure2Panel lang={ctx.lang} shown={false} {on_toggle} lit={Vec::new()} beyond={Vec::new()} node={None} />
        };
    }
    let (lit, beyond) = match ctx.reports.split_last() {
        Some((report, before)) => lit_by(report, before),
        None => (Vec::new(), Vec::new()),
    };
    let focus = ctx
        .selected
        .or_else(|| ctx.reports.last().and_then(|r| r.node));
    let node = focus
        .and_then(|id| ctx.sim.node(id))
        .map(|slot| (slot.state.id, values(slot)));
    html! { <Figure2Panel lang={ctx.lang} shown={true} {on_toggle} {lit} {beyond} {node} /> }
}

struct Words {
    title: &'static str,
    show: &'static str,
    hide: &'static str,
    hide_label: &'static str,
    this_step: &'static str,
    nothing_lit: &'static str,
    beyond: &'static str,
    values_of: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            title: "Figure 2: Raft in one page",
            show: "Figure 2",
            hide: "Hide",
            hide_label: "Hide Figure 2",
            this_step: "This step",
            nothing_lit: "no line of Figure 2",
            beyond: "Beyond Figure 2",
            values_of: "values of",
        },
        Lang::Zh => Words {
            title: "图 2：一页纸的 Raft",
            show: "图 2",
            hide: "隐藏",
            hide_label: "隐藏图 2",
            this_step: "本步",
            nothing_lit: "不涉及图 2 的任何一行",
            beyond: "图 2 之外",
            values_of: "取值来自",
        },
    }
}

/// A line's short name for the "this step" summary: `RequestVote 2.`, `Leaders`.
fn short_name(lang: Lang, id: &str) -> String {
    FIGURE
        .iter()
        .flat_map(|part| {
            part.groups
                .iter()
                .flat_map(move |group| group.lines.iter().map(move |line| (part, group, line)))
        })
        .find(|(_, _, line)| line.id == id)
        .map(|(part, group, line)| {
            let (part_name, group_name) = match lang {
                Lang::En => (part.en, group.en),
                Lang::Zh => (part.zh, group.zh),
            };
            match (part.id, line.name.strip_suffix('.'), lang) {
                ("rules", ..) => format!("{part_name} · {group_name}"),
                (_, Some(n), Lang::En) => format!("{part_name}, receiver step {n}"),
                (_, Some(n), Lang::Zh) => format!("{part_name} 接收者第 {n} 步"),
                (_, None, _) => line.name.to_owned(),
            }
        })
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct Figure2Props {
    pub lang: Lang,
    pub shown: bool,
    pub on_toggle: Callback<bool>,
    /// Ids of the lines the step on screen follows.
    pub lit: Vec<&'static str>,
    /// Rules of the step that Figure 2 does not state, with their sections.
    pub beyond: Vec<String>,
    /// The server whose values the state lines show, and the values by line id.
    pub node: Option<(NodeId, Vec<(&'static str, String)>)>,
}

/// The toggle, and the figure when shown.
#[component]
pub fn Figure2Panel(p: &Figure2Props) -> Html {
    let w = words(p.lang);
    let scroller = use_node_ref();
    {
        // Bring the first lit line into view inside the panel (not the page).
        let scroller = scroller.clone();
        use_effect_with(p.lit.clone(), move |lit| {
            let Some(panel) = scroller.cast::<HtmlElement>() else {
                return;
            };
            let Some(id) = lit.first() else { return };
            let line = panel
                .query_selector(&format!("[data-fig2-line=\"{id}\"]"))
                .ok()
                .flatten()
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(e).ok());
            if let Some(line) = line {
                let (top, height) = (line.offset_top(), line.offset_height());
                let (view_top, view_height) = (panel.scroll_top(), panel.client_height());
                if top < view_top || top + height > view_top + view_height {
                    panel.set_scroll_top(top - view_height / 3);
                }
            }
        });
    }
    let toggle = {
        let (on_toggle, shown) = (p.on_toggle.clone(), p.shown);
        Callback::from(move |_: MouseEvent| on_toggle.emit(!shown))
    };
    if !p.shown {
        return html! {
            <button class="small figure2-toggle" data-action="figure2" aria-expanded="false"
                onclick={toggle} title={w.title}>{ format!("{} ▸", w.show) }</button>
        };
    }
    let (lang, lit) = (p.lang, &p.lit);
    let value_of = |id: &str| {
        p.node
            .as_ref()
            .and_then(|(_, values)| values.iter().find(|(v, _)| *v == id))
            .map(|(_, value)| value.clone())
    };
    let parts = FIGURE.iter().map(|part| {
        let (title, note) = match lang {
            Lang::En => (part.en, part.note_en),
            Lang::Zh => (part.zh, part.note_zh),
        };
        let part_lit = part
            .groups
            .iter()
            .any(|g| g.lines.iter().any(|l| lit.contains(&l.id)));
        let groups = part.groups.iter().map(|group| {
            let lines = group.lines.iter().map(|line| {
                let on = lit.contains(&line.id);
                let text = match lang {
                    Lang::En => line.en,
                    Lang::Zh => line.zh,
                };
                html! {
                    <li class={classes!("fig2-line", on.then_some("lit"))} data-fig2-line={line.id}
                        data-lit={on.then_some("true")} aria-current={on.then_some("step")}>
                        if !line.name.is_empty() { <code>{ line.name }</code>{ " " } }
                        <span>{ text }</span>
                        if let Some(value) = value_of(line.id) {
                            { " " }<output class="fig2-value" data-fig2-value={line.id}>{ value }</output>
                        }
                    </li>
                }
            });
            html! {
                <>
                    <h4>{ match lang { Lang::En => group.en, Lang::Zh => group.zh } }</h4>
                    <ul>{ for lines }</ul>
                </>
            }
        });
        html! {
            <details class={classes!("fig2-part", part_lit.then_some("lit"))} open=true data-fig2-part={part.id}>
                <summary>{ title }</summary>
                <p class="note">{ note }</p>
                { for groups }
            </details>
        }
    });
    let summary = if lit.is_empty() {
        w.nothing_lit.to_owned()
    } else {
        lit.iter()
            .map(|id| short_name(lang, id))
            .fold(Vec::<String>::new(), |mut names, name| {
                if !names.contains(&name) {
                    names.push(name);
                }
                names
            })
            .join("; ")
    };
    html! {
        <section class="panel figure2" id="figure2" data-figure2="" aria-label={w.title}>
            <header>
                <h3>{ w.title }</h3>
                <button class="small" data-action="figure2" aria-expanded="true" aria-controls="figure2"
                    aria-label={w.hide_label} onclick={toggle}>{ w.hide }</button>
            </header>
            <p class="fig2-now" data-fig2-now="">
                <strong>{ w.this_step }{ ": " }</strong>{ summary }
                if !p.beyond.is_empty() {
                    <br /><strong>{ w.beyond }{ ": " }</strong>
                    <span data-fig2-beyond="">{ p.beyond.join(", ") }</span>
                }
                if let Some((id, _)) = &p.node {
                    <br /><span class="note">{ format!("{} {id}", w.values_of) }</span>
                }
            </p>
            <div class="fig2-body" ref={scroller}>{ for parts }</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn all_ids() -> Vec<&'static str> {
        FIGURE
            .iter()
            .flat_map(|p| p.groups.iter().flat_map(|g| g.lines.iter().map(|l| l.id)))
            .collect()
    }

    #[test]
    fn line_ids_are_unique() {
        let ids = all_ids();
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len());
    }

    /// Every id a rule maps to is a line of the figure, and every receiver step and rule for
    /// servers is reached by some rule or by a timeout.
    #[test]
    fn the_mapping_names_real_lines() {
        use concord_core::raft::Op;
        let n = NodeId(1);
        let rules = [
            Rule::StartElection {
                term: 1,
                forced: false,
            },
            Rule::AdoptTerm {
                was: Role::Leader,
                term: 2,
            },
            Rule::GrantVote {
                candidate: n,
                term: 1,
            },
            Rule::DenyVote {
                candidate: n,
                term: 1,
                reason: DenyReason::StaleTerm,
            },
            Rule::DenyVote {
                candidate: n,
                term: 1,
                reason: DenyReason::LogBehind,
            },
            Rule::CountVote {
                from: n,
                granted: true,
                votes: 2,
                needed: 3,
            },
            Rule::BecomeLeader { term: 1, votes: 3 },
            Rule::SendHeartbeats { term: 1 },
            Rule::FollowLeader {
                leader: n,
                term: 1,
                was: Role::Candidate,
            },
            Rule::FollowLeader {
                leader: n,
                term: 1,
                was: Role::Follower,
            },
            Rule::RejectStaleLeader { leader: n, term: 1 },
            Rule::RejectLogMismatch {
                prev_log_index: 1,
                prev_log_term: 1,
            },
            Rule::Restart { term: 1 },
            Rule::AppendCommand {
                client: 1,
                seq: 1,
                op: Op::set("x", 1),
                index: 1,
                term: 1,
            },
            Rule::SendEntries {
                to: n,
                first: 1,
                last: 1,
            },
            Rule::AppendLog {
                leader: n,
                first: 1,
                last: 1,
            },
            Rule::TruncateLog {
                index: 1,
                old_term: 1,
                new_term: 2,
                removed: 1,
            },
            Rule::AckEntries {
                follower: n,
                match_index: 1,
                next_index: 2,
            },
            Rule::BackUp {
                follower: n,
                next_index: 1,
                hint: false,
            },
            Rule::AdvanceCommit {
                index: 1,
                entry_term: 1,
                term: 1,
                replicas: 3,
            },
            Rule::LearnCommit { commit_index: 1 },
            Rule::ApplyEntries { first: 1, last: 1 },
        ];
        let ids = all_ids();
        let mut reached: HashSet<&str> = ["rules.follower.timeout", "rules.candidate.timeout"]
            .into_iter()
            .collect();
        for rule in &rules {
            assert!(!lines(rule).is_empty(), "{rule:?} is in Figure 2");
            for id in lines(rule) {
                assert!(ids.contains(id), "{rule:?} maps to {id}, not a line");
                reached.insert(id);
            }
        }
        for id in ids
            .iter()
            .filter(|id| id.contains(".recv.") || id.starts_with("rules."))
        {
            assert!(reached.contains(id), "no rule lights {id}");
        }
        assert!(lines(&Rule::AppendNoop { index: 1, term: 1 }).is_empty());
        // InstallSnapshot is Figure 13's, not Figure 2's.
        let install = Rule::InstallSnapshot {
            leader: n,
            index: 4,
            term: 1,
            kept: 0,
        };
        assert!(lines(&install).is_empty());
    }
}
