//! Membership in the Raft view (Ongaro's thesis, chapter 4): how voters, learners and servers
//! outside the configuration look, the membership panel that asks the leader for changes, and
//! the words for the membership rules and refusals.

use concord_core::raft::{
    Change, ClientId, ClientReply, Command, Configuration, EntryKind, Outcome, RaftNode, Refusal,
    Rule,
};
use concord_core::sim::{Action, NodeId, Sim};
use yew::prelude::*;

use super::current_leader;
use crate::i18n::Lang;

/// The client the membership panel plays (the client panel is client 1).
pub const CLIENT: ClientId = 2;

/// What a server is in the configuration it uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Member {
    Voter,
    Learner,
    Outside,
}

impl Member {
    pub fn of(node: &RaftNode) -> Member {
        let c = node.configuration();
        if c.is_voter(node.id) {
            Member::Voter
        } else if c.is_learner(node.id) {
            Member::Learner
        } else {
            Member::Outside
        }
    }

    /// Name in `data-member` and in CSS.
    pub fn key(self) -> &'static str {
        match self {
            Member::Voter => "voter",
            Member::Learner => "learner",
            Member::Outside => "outside",
        }
    }

    /// Extra classes of the node in the cluster drawing: learners are drawn as rounded squares
    /// (`square`), so they differ by shape and not by colour alone.
    pub fn node_class(self) -> &'static str {
        match self {
            Member::Voter => "voter",
            Member::Learner => "learner square",
            Member::Outside => "outside",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        let m = member_text(lang);
        match self {
            Member::Voter => m.voter,
            Member::Learner => m.learner,
            Member::Outside => m.outside,
        }
    }
}

/// A configuration entry in a log cell: voters and learners by number, `V123 L4`.
pub fn short_config(kind: &EntryKind) -> Option<String> {
    let EntryKind::Config(c) = kind else {
        return None;
    };
    let ids = |set: &std::collections::BTreeSet<NodeId>| {
        set.iter()
            .map(|id| (id.0 + 1).to_string())
            .collect::<String>()
    };
    let mut text = format!("V{}", ids(&c.voters));
    if !c.learners.is_empty() {
        text.push_str(&format!(" L{}", ids(&c.learners)));
    }
    Some(text)
}

pub struct MemberText {
    pub title: &'static str,
    pub voter: &'static str,
    pub learner: &'static str,
    pub outside: &'static str,
    pub add_voter: &'static str,
    pub add_learner: &'static str,
    pub promote: &'static str,
    pub remove: &'static str,
    pub sent_to: &'static str,
    pub no_leader: &'static str,
    pub note: &'static str,
    pub catch_up_on: &'static str,
    pub no_spares: &'static str,
    pub pending: &'static str,
    pub catching_up: &'static str,
    pub round: &'static str,
    pub done: &'static str,
    pub waiting: &'static str,
    pub config_entry: &'static str,
    pub spare: &'static str,
    pub spare_help: &'static str,
    pub membership: &'static str,
}

pub const EN: MemberText = MemberText {
    title: "Membership",
    voter: "voter",
    learner: "learner",
    outside: "not a member",
    add_voter: "add voter",
    add_learner: "add learner",
    promote: "promote",
    remove: "remove",
    sent_to: "Changes go to",
    no_leader: "no leader known: the change goes to the first server up, which will say it is not the leader",
    note: "A configuration is a log entry, used as soon as it is in a log (thesis §4.1). One voter at a time is added or removed, and the leader takes a new change only once the previous one is committed (§4.2). Learners receive the log but never vote or count (§4.2.1).",
    catch_up_on: "“add voter” adds a learner first; the leader promotes it once it has caught up (thesis §4.2.1).",
    no_spares: "Every slot is a voter: remove one, or add spare slots in the Raft settings (spare=).",
    pending: "waiting for the configuration at index",
    catching_up: "catching up",
    round: "round",
    done: "done, configuration at index",
    waiting: "waiting…",
    config_entry: "configuration",
    spare: "spare slots",
    spare_help: "Slots that start outside the configuration, idle until added (thesis §4.1).",
    membership: "Membership",
};

pub const ZH: MemberText = MemberText {
    title: "成员变更",
    voter: "voter",
    learner: "learner",
    outside: "不在配置中",
    add_voter: "加入为 voter",
    add_learner: "加入为 learner",
    promote: "提升为 voter",
    remove: "移除",
    sent_to: "变更发给",
    no_leader: "当前没有已知的 leader：变更发给第一个在线节点，它会回答自己不是 leader",
    note: "配置本身是一条日志条目，一写入日志就生效，不必等提交（论文 §4.1）。每次只增加或移除一个 voter，且上一次变更提交之前 leader 不接受新的变更（§4.2）。learner 接收日志，但从不投票，也不计入多数（§4.2.1）。",
    catch_up_on: "“加入为 voter”会先以 learner 身份加入；追上日志后由 leader 提升为 voter（论文 §4.2.1）。",
    no_spares: "所有位置都是 voter：可以先移除一个，或在 Raft 设置里添加备用位置（spare=）。",
    pending: "等待提交的配置，索引",
    catching_up: "正在追赶日志",
    round: "轮",
    done: "完成，配置位于索引",
    waiting: "等待中…",
    config_entry: "配置",
    spare: "备用位置",
    spare_help: "一开始不在配置中的位置，被加入之前保持空闲（论文 §4.1）。",
    membership: "成员变更",
};

pub fn member_text(lang: Lang) -> &'static MemberText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

pub fn refusal_text(lang: Lang, reason: Refusal) -> &'static str {
    match (lang, reason) {
        (Lang::En, Refusal::NotLeader) => "refused: not the leader (thesis §6.2)",
        (Lang::En, Refusal::ChangePending) => {
            "refused: the previous change is not committed yet (thesis §4.1)"
        }
        (Lang::En, Refusal::NoCommitInTerm) => {
            "refused: the leader has not committed an entry of its term yet (thesis §4.1)"
        }
        (Lang::En, Refusal::AlreadyVoter) => "refused: already a voter",
        (Lang::En, Refusal::AlreadyMember) => "refused: already a member",
        (Lang::En, Refusal::NotMember) => "refused: not a member",
        (Lang::En, Refusal::NotLearner) => "refused: only a learner can be promoted",
        (Lang::En, Refusal::LastVoter) => "refused: the last voter cannot be removed",
        (Lang::En, Refusal::NoSuchServer) => "refused: no such server",
        (Lang::En, Refusal::CatchUpFailed) => {
            "given up: the learner did not catch up in ten rounds (thesis §4.2.1)"
        }
        (Lang::Zh, Refusal::NotLeader) => "被拒绝：不是 leader（论文 §6.2）",
        (Lang::Zh, Refusal::ChangePending) => "被拒绝：上一次变更尚未提交（论文 §4.1）",
        (Lang::Zh, Refusal::NoCommitInTerm) => {
            "被拒绝：leader 还没有提交过本任期的条目（论文 §4.1）"
        }
        (Lang::Zh, Refusal::AlreadyVoter) => "被拒绝：已经是 voter",
        (Lang::Zh, Refusal::AlreadyMember) => "被拒绝：已经是成员",
        (Lang::Zh, Refusal::NotMember) => "被拒绝：不是成员",
        (Lang::Zh, Refusal::NotLearner) => "被拒绝：只有 learner 可以被提升",
        (Lang::Zh, Refusal::LastVoter) => "被拒绝：不能移除最后一个 voter",
        (Lang::Zh, Refusal::NoSuchServer) => "被拒绝：没有这个节点",
        (Lang::Zh, Refusal::CatchUpFailed) => "已放弃：learner 在十轮内没有追上日志（论文 §4.2.1）",
    }
}

fn change_text(lang: Lang, change: Change) -> String {
    let m = member_text(lang);
    let (verb, id) = match change {
        Change::AddVoter(id) => (m.add_voter, id),
        Change::AddLearner(id) => (m.add_learner, id),
        Change::Promote(id) => (m.promote, id),
        Change::Remove(id) => (m.remove, id),
    };
    match lang {
        Lang::En => format!("{verb} {id}"),
        Lang::Zh => format!("{id} {verb}"),
    }
}

/// Captions of the membership rules, each naming its section of the thesis. [`super::caption`]
/// sends only these rules here; any other would get its section alone.
pub fn rule_text(lang: Lang, n: NodeId, rule: &Rule) -> String {
    let s = rule.section();
    match (lang, rule) {
        (Lang::En, Rule::UseConfiguration { index: 0, config }) => format!(
            "The configuration entry {n} used was removed with its log's conflicting suffix: {n} falls back to the initial configuration, {config} ({s})."
        ),
        (Lang::Zh, Rule::UseConfiguration { index: 0, config }) => format!(
            "{n} 所用的配置条目随冲突的日志后缀一起被删除：{n} 退回初始配置 {config}（{s}）。"
        ),
        (Lang::En, Rule::UseConfiguration { index, config }) => format!(
            "{n} now uses the configuration at index {index}, {config}, committed or not: a server always uses the latest configuration in its log ({s})."
        ),
        (Lang::Zh, Rule::UseConfiguration { index, config }) => format!(
            "{n} 改用索引 {index} 处的配置 {config}，不论是否已提交：节点总是使用自己日志中最新的配置（{s}）。"
        ),
        (
            Lang::En,
            Rule::AppendConfiguration {
                index,
                term,
                config,
            },
        ) => format!(
            "Leader {n} appended the new configuration {config} at index {index} (term {term}) and uses it at once; majorities now come from its voters ({s})."
        ),
        (
            Lang::Zh,
            Rule::AppendConfiguration {
                index,
                term,
                config,
            },
        ) => format!(
            "Leader {n} 在索引 {index}（任期 {term}）追加了新配置 {config}，并立即使用；之后的多数派按其中的 voter 计算（{s}）。"
        ),
        (
            Lang::En,
            Rule::RefuseChange {
                client,
                seq,
                change,
                reason,
            },
        ) => format!(
            "{n} answered client {client}'s request #{seq} ({}): {}.",
            change_text(lang, *change),
            refusal_text(lang, *reason)
        ),
        (
            Lang::Zh,
            Rule::RefuseChange {
                client,
                seq,
                change,
                reason,
            },
        ) => format!(
            "{n} 回复客户端 {client} 的第 {seq} 号请求（{}）：{}。",
            change_text(lang, *change),
            refusal_text(lang, *reason)
        ),
        (
            Lang::En,
            Rule::ChangeCommitted {
                client, seq, index, ..
            },
        ) => format!(
            "The configuration at index {index} is committed: {n} tells client {client} its change #{seq} is done, and may take the next one ({s})."
        ),
        (
            Lang::Zh,
            Rule::ChangeCommitted {
                client, seq, index, ..
            },
        ) => format!(
            "索引 {index} 处的配置已提交：{n} 告诉客户端 {client} 第 {seq} 号变更已完成，之后可以接受下一次变更（{s}）。"
        ),
        (Lang::En, Rule::StepDownRemoved { term, index }) => format!(
            "The configuration at index {index}, without {n}, is committed: {n} steps down as leader of term {term}; it counted itself in no majority since appending it ({s})."
        ),
        (Lang::Zh, Rule::StepDownRemoved { term, index }) => format!(
            "不包含 {n} 的配置（索引 {index}）已提交：{n} 卸任任期 {term} 的 leader；追加它之后 {n} 就不再把自己算入多数派（{s}）。"
        ),
        (Lang::En, Rule::CaughtUp { server, round }) => format!(
            "Learner {server} finished round {round} of replication within an election timeout: it has caught up, and {n} promotes it to voter ({s})."
        ),
        (Lang::Zh, Rule::CaughtUp { server, round }) => format!(
            "learner {server} 在一个 election timeout 内完成了第 {round} 轮复制，已追上日志：{n} 把它提升为 voter（{s}）。"
        ),
        (
            Lang::En,
            Rule::CatchUpRound {
                server,
                round,
                until,
            },
        ) => format!(
            "Learner {server}'s last round took an election timeout or more: {n} starts round {round}, up to index {until} ({s})."
        ),
        (
            Lang::Zh,
            Rule::CatchUpRound {
                server,
                round,
                until,
            },
        ) => format!(
            "learner {server} 上一轮用时不少于一个 election timeout：{n} 开始第 {round} 轮，复制到索引 {until}（{s}）。"
        ),
        (Lang::En, Rule::NotVoter { .. }) => format!(
            "{n} is not a voter in its configuration (or knows its removal is committed): it starts no election ({s})."
        ),
        (Lang::Zh, Rule::NotVoter { .. }) => format!(
            "{n} 不是其配置中的 voter（或已知自己被移除的配置已提交）：它不发起选举（{s}）。"
        ),
        _ => format!("({s})"),
    }
}

/// A server as the panel lists it.
#[derive(Clone, PartialEq, Debug)]
pub struct SlotView {
    pub id: NodeId,
    pub up: bool,
    pub leader: bool,
    /// In the configuration the panel shows.
    pub member: Member,
}

/// What the panel shows: the current leader's configuration (or, without one, the newest
/// configuration an up server uses), its change under way, and the panel client's replies.
#[derive(Clone, PartialEq, Debug)]
pub struct PanelView {
    pub slots: Vec<SlotView>,
    /// The server changes are sent to.
    pub target: NodeId,
    pub leader: Option<NodeId>,
    pub config: Configuration,
    /// Index of the configuration entry not yet committed on the leader.
    pub pending: Option<u64>,
    /// A learner being caught up, and its round.
    pub catching_up: Option<(NodeId, u32)>,
    pub replies: Vec<ClientReply>,
    pub catch_up_first: bool,
}

pub fn panel_view(sim: &Sim<RaftNode>) -> PanelView {
    let leader = current_leader(sim);
    let shown = leader.or_else(|| {
        sim.nodes()
            .iter()
            .filter(|s| s.up)
            .map(|s| &s.state)
            .max_by_key(|n| (n.term(), n.membership.index))
    });
    let config = shown.map(|n| n.configuration().clone()).unwrap_or_default();
    let slots = sim
        .nodes()
        .iter()
        .map(|s| {
            let id = s.state.id;
            let member = if config.is_voter(id) {
                Member::Voter
            } else if config.is_learner(id) {
                Member::Learner
            } else {
                Member::Outside
            };
            SlotView {
                id,
                up: s.up,
                leader: leader.is_some_and(|l| l.id == id),
                member,
            }
        })
        .collect();
    let target = leader
        .map(|l| l.id)
        .or_else(|| sim.nodes().iter().find(|s| s.up).map(|s| s.state.id))
        .unwrap_or(NodeId(0));
    let pending = leader
        .filter(|l| l.membership.index > l.volatile.commit_index)
        .map(|l| l.membership.index);
    let catching_up = leader
        .and_then(|l| l.membership.changing.as_ref())
        .and_then(|c| c.catch_up)
        .map(|c| (c.server, c.round));
    let mut replies: Vec<ClientReply> = sim
        .nodes()
        .iter()
        .flat_map(|s| s.state.replies.iter())
        .filter(|r| r.client == CLIENT)
        .cloned()
        .collect();
    replies.sort_by_key(|r| (r.replied_at, r.seq));
    PanelView {
        slots,
        target,
        leader: leader.map(|l| l.id),
        config,
        pending,
        catching_up,
        replies,
        catch_up_first: sim
            .nodes()
            .first()
            .is_some_and(|n| n.state.config.catch_up_first),
    }
}

#[derive(Properties, PartialEq)]
pub struct MembershipPanelProps {
    pub lang: Lang,
    pub view: PanelView,
    pub on_act: Callback<Action<RaftNode>>,
}

/// A change the panel sent.
#[derive(Clone, PartialEq, Debug)]
struct Sent {
    seq: u64,
    change: Change,
    to: NodeId,
}

/// Lists every slot with what it is in the configuration, and the changes that fit it; sends
/// them to the leader as client requests and shows the answers.
#[component]
pub fn MembershipPanel(p: &MembershipPanelProps) -> Html {
    let m = member_text(p.lang);
    let sent = use_state(Vec::<Sent>::new);
    let v = &p.view;
    let max_seq = v.replies.iter().map(|r| r.seq).max().unwrap_or(0);
    let next_seq = sent.last().map_or(0, |s| s.seq).max(max_seq) + 1;
    let button = |change: Change, label: &'static str, key: &'static str| {
        let (on_act, sent, to) = (p.on_act.clone(), sent.clone(), v.target);
        let onclick = Callback::from(move |_: MouseEvent| {
            on_act.emit(Action::Command(
                to,
                Command::Change {
                    client: CLIENT,
                    seq: next_seq,
                    change,
                },
            ));
            let mut next = (*sent).clone();
            next.push(Sent {
                seq: next_seq,
                change,
                to,
            });
            sent.set(next);
        });
        html! {
            <button type="button" class="small" data-member-action={key}
                data-server={(change.server().0 + 1).to_string()} {onclick}>{ label }</button>
        }
    };
    let rows = v.slots.iter().map(|slot| {
        let id = slot.id;
        let actions = match slot.member {
            Member::Outside => html! { <>
                { button(Change::AddVoter(id), m.add_voter, "add-voter") }
                { button(Change::AddLearner(id), m.add_learner, "add-learner") }
            </> },
            Member::Learner => html! { <>
                { button(Change::Promote(id), m.promote, "promote") }
                { button(Change::Remove(id), m.remove, "remove") }
            </> },
            Member::Voter => button(Change::Remove(id), m.remove, "remove"),
        };
        let catching = v
            .catching_up
            .filter(|(s, _)| *s == id)
            .map(|(_, round)| format!(" · {} ({} {round})", m.catching_up, m.round));
        html! {
            <li class={classes!("member-row", slot.member.key(), (!slot.up).then_some("down"))}
                data-member-row={(id.0 + 1).to_string()} data-member={slot.member.key()}>
                <svg viewBox="0 0 16 16" class={classes!("swatch", "node", slot.member.node_class())} aria-hidden="true">
                    if slot.member == Member::Learner {
                        <rect class="body" x="2" y="2" width="12" height="12" rx="3" />
                    } else {
                        <circle class="body" cx="8" cy="8" r="6" />
                    }
                </svg>
                <strong>{ format!("{id}{}", if slot.leader { "★" } else { "" }) }</strong>
                <span class="member-kind">{ slot.member.name(p.lang) }{ catching.unwrap_or_default() }</span>
                <span class="member-actions">{ actions }</span>
            </li>
        }
    });
    let change_of = |seq: u64| sent.iter().rev().find(|s| s.seq == seq).map(|s| s.change);
    let waiting = sent
        .last()
        .filter(|l| !v.replies.iter().any(|r| r.seq == l.seq));
    let replies = v.replies.iter().rev().take(4).map(|r| {
        let (class, outcome) = match &r.outcome {
            Outcome::Done { index, .. } => ("done", format!("{} {index}", m.done)),
            Outcome::Refused { reason } => ("refused", refusal_text(p.lang, *reason).to_owned()),
            Outcome::NotLeader { hint } => (
                "not-leader",
                format!(
                    "{}{}",
                    super::text::text(p.lang).not_leader,
                    hint.map_or(String::new(), |h| format!(" → {h}"))
                ),
            ),
        };
        html! {
            <li class={class} data-member-reply={r.seq.to_string()} data-outcome={class}>
                <span class="seq">{ format!("#{}", r.seq) }</span>
                <span class="op">{ change_of(r.seq).map(|c| change_text(p.lang, c)).unwrap_or_default() }</span>
                <span class="outcome">{ format!("→ {outcome}") }</span>
            </li>
        }
    });
    let no_spares = v.slots.iter().all(|s| s.member == Member::Voter);
    html! {
        <section class="panel membership-panel" aria-label={m.title} data-membership-panel=""
            data-config={v.config.to_string()}>
            <h3>{ m.title }<small>{ format!(" · {}", v.config) }</small></h3>
            <p class="note">{ m.note }</p>
            if v.catch_up_first { <p class="note">{ m.catch_up_on }</p> }
            <p class="note">
                { format!("{} {}", m.sent_to, v.target) }
                if v.leader.is_none() { { format!(" ({})", m.no_leader) } }
                if let Some(index) = v.pending {
                    <span class="pending-change" data-pending-change={index.to_string()}>{ format!(" · {} {index}", m.pending) }</span>
                }
            </p>
            <ul class="members">{ for rows }</ul>
            if no_spares { <p class="note">{ m.no_spares }</p> }
            <ul class="replies">
                if let Some(w) = waiting {
                    <li class="waiting" data-member-waiting={w.seq.to_string()}>
                        <span class="seq">{ format!("#{}", w.seq) }</span>
                        <span class="op">{ change_text(p.lang, w.change) }</span>
                        <span class="outcome">{ format!("→ {} {}", w.to, m.waiting) }</span>
                    </li>
                }
                { for replies }
            </ul>
        </section>
    }
}
