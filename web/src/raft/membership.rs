//! Membership in the Raft view (Ongaro's thesis, chapter 4): how voters, learners and servers
//! outside the configuration look, the membership panel that asks the leader for changes, and
//! the words for changes and refusals (the captions of the membership rules use them too).

use concord_core::raft::{
    Change, ClientId, ClientReply, Command, Configuration, EntryKind, Outcome, RaftNode, Refusal,
};
use concord_core::sim::{Action, NodeId, Sim};
use yew::prelude::*;

use super::current_leader;
use crate::i18n::{Lang, say, tr, words};

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

words! {
    pub struct MemberText, fn member_text;

    title: "Membership" | "成员变更",
    voter: "voter" | "voter",
    learner: "learner" | "learner",
    outside: "not a member" | "不在配置中",
    add_voter: "add voter" | "加入为 voter",
    add_learner: "add learner" | "加入为 learner",
    promote: "promote" | "提升为 voter",
    remove: "remove" | "移除",
    sent_to: "Changes go to" | "变更发给",
    no_leader:
        "no leader known: the change goes to the first server up, which will say it is not the leader"
        | "当前没有已知的 leader：变更发给第一个在线节点，它会回答自己不是 leader",
    note:
        "A configuration is a log entry, used as soon as it is in a log (thesis §4.1). One voter at a time is added or removed, and the leader takes a new change only once the previous one is committed (§4.2). Learners receive the log but never vote or count (§4.2.1)."
        | "配置本身是一条日志条目，一写入日志就生效，不必等提交（论文 §4.1）。每次只增加或移除一个 voter，且上一次变更提交之前 leader 不接受新的变更（§4.2）。learner 接收日志，但从不投票，也不计入多数（§4.2.1）。",
    catch_up_on:
        "“add voter” adds a learner first; the leader promotes it once it has caught up (thesis §4.2.1)."
        | "“加入为 voter”会先以 learner 身份加入；追上日志后由 leader 提升为 voter（论文 §4.2.1）。",
    no_spares:
        "Every slot is a voter: remove one, or add spare slots in the Raft settings (spare=)."
        | "所有位置都是 voter：可以先移除一个，或在 Raft 设置里添加备用位置（spare=）。",
    pending: "waiting for the configuration at index" | "等待提交的配置，索引",
    catching_up: "catching up" | "正在追赶日志",
    round: "round" | "轮",
    done: "done, configuration at index" | "完成，配置位于索引",
    waiting: "waiting…" | "等待中…",
    config_entry: "configuration" | "配置",
    spare: "spare slots" | "备用位置",
    spare_help:
        "Slots that start outside the configuration, idle until added (thesis §4.1)."
        | "一开始不在配置中的位置，被加入之前保持空闲（论文 §4.1）。",
    membership: "Membership" | "成员变更",
}

/// Why a membership change was refused, as a clause.
pub fn refusal_text(lang: Lang, reason: Refusal) -> String {
    let refused = |en: &str, zh: &str| tr!(lang, "refused: {en}", "被拒绝：{zh}");
    match reason {
        Refusal::NotLeader => refused("not the leader (thesis §6.2)", "不是 leader（论文 §6.2）"),
        Refusal::ChangePending => refused(
            "the previous change is not committed yet (thesis §4.1)",
            "上一次变更尚未提交（论文 §4.1）",
        ),
        Refusal::NoCommitInTerm => refused(
            "the leader has not committed an entry of its term yet (thesis §4.1)",
            "leader 还没有提交过本任期的条目（论文 §4.1）",
        ),
        Refusal::AlreadyVoter => refused("already a voter", "已经是 voter"),
        Refusal::AlreadyMember => refused("already a member", "已经是成员"),
        Refusal::NotMember => refused("not a member", "不是成员"),
        Refusal::NotLearner => refused("only a learner can be promoted", "只有 learner 可以被提升"),
        Refusal::LastVoter => refused("the last voter cannot be removed", "不能移除最后一个 voter"),
        Refusal::NoSuchServer => refused("no such server", "没有这个节点"),
        Refusal::CatchUpFailed => say(
            lang,
            "given up: the learner did not catch up in ten rounds (thesis §4.2.1)",
            "已放弃：learner 在十轮内没有追上日志（论文 §4.2.1）",
        )
        .to_owned(),
    }
}

/// A change in words: `add voter S4`.
pub fn change_text(lang: Lang, change: Change) -> String {
    let m = member_text(lang);
    let (verb, id) = match change {
        Change::AddVoter(id) => (m.add_voter, id),
        Change::AddLearner(id) => (m.add_learner, id),
        Change::Promote(id) => (m.promote, id),
        Change::Remove(id) => (m.remove, id),
    };
    tr!(lang, "{verb} {id}", "{id} {verb}")
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
            Outcome::Refused { reason } => ("refused", refusal_text(p.lang, *reason)),
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
