//! The Raft view: how servers, RPCs and steps of Raft appear in the [`Playground`](crate::playground::Playground).

mod caption;
mod client;
mod figure2;
mod inspector;
mod leadership_text;
mod log_grid;
mod membership;
pub mod settings;
mod snapshot_view;
mod text;
mod tour;

use concord_core::raft::{ClientReply, Command, Msg, RaftConfig, RaftNode, Role, Rule, Timer};
use concord_core::sim::{Action, NodeId, NodeSlot, Sim, SimConfig, StepReport};
use yew::prelude::*;

use crate::i18n::{Lang, say, tr};
use crate::input::{Problem, Reader};
use crate::playground::{Beside, Goal, Milestone, ProtocolView};
use crate::run::RunConfig;
use crate::view::cluster::NodeView;
use crate::view::legend::Legend;
use crate::view::message::serde_fields;

impl ProtocolView for RaftNode {
    type Inspector = inspector::Inspector;

    const ALGO: &'static str = "raft";
    const NODES_RANGE: (usize, usize) = (1, 9);
    const DEFAULT_NODES: usize = 5;
    const VIEW_OPTIONS: &'static [&'static str] = &[figure2::OPTION];

    fn problems(run: &RunConfig) -> Vec<Problem> {
        let reader = Reader::new(&run.options);
        settings::read(&reader);
        reader.finish(Self::VIEW_OPTIONS)
    }

    fn new_sim(run: &RunConfig) -> Sim<Self> {
        let config = SimConfig {
            seed: run.seed,
            nodes: run.nodes.clamp(Self::NODES_RANGE.0, Self::NODES_RANGE.1),
            net: Default::default(),
        };
        // The run's Raft settings (`switches`, `batch`, `election`, `heartbeat`); `parse` only
        // returns settings that pass `RaftConfig::problem`.
        let mut raft = settings::from_options(&run.options);
        // Spare slots (thesis §4.1) come on top of the voters, within the 9 slots drawn.
        raft.spare = raft.spare.min(Self::NODES_RANGE.1 - config.nodes);
        let config = SimConfig {
            nodes: config.nodes + raft.spare,
            ..config
        };
        #[allow(
            clippy::expect_used,
            reason = "core's tests check the default settings"
        )]
        Sim::new(config.clone(), &raft)
            .or_else(|_| Sim::new(config, &RaftConfig::default()))
            .expect("the default settings are valid")
    }

    fn describe(lang: Lang, sim: &Sim<Self>) -> String {
        tr!(
            lang,
            "Raft cluster of {} servers",
            "{} 个节点的 Raft 集群",
            sim.nodes().len()
        )
    }

    fn node_view(lang: Lang, _sim: &Sim<Self>, slot: &NodeSlot<Self>, now: f64) -> NodeView {
        node_view(lang, slot, now)
    }

    fn dot_class(msg: &Msg) -> &'static str {
        msg_class(msg)
    }

    fn msg_fields(lang: Lang, msg: &Msg) -> Vec<(String, String)> {
        snapshot_view::msg_fields(lang, msg).unwrap_or_else(|| serde_fields(msg))
    }

    fn start_caption(lang: Lang, _sim: &Sim<Self>) -> String {
        lang.text().start_caption.to_owned()
    }

    fn state_panel(lang: Lang, sim: &Sim<Self>, _reports: &[StepReport<Self>]) -> Html {
        let rows = log_grid::rows(sim);
        html! { <log_grid::LogGrid {lang} {rows} /> }
    }

    fn settings_panel(
        lang: Lang,
        sim: &Sim<Self>,
        run: &RunConfig,
        on_run: Callback<RunConfig>,
    ) -> Html {
        let config = sim
            .nodes()
            .first()
            .map(|n| n.state.config.clone())
            .unwrap_or_default();
        let net = sim.network().config.clone();
        let on_change = {
            let run = run.clone();
            on_run.reform(move |config: RaftConfig| RunConfig {
                options: settings::with_settings(&run.options, &config),
                ..run.clone()
            })
        };
        html! { <settings::SettingsPanel {lang} {config} {net} {on_change} /> }
    }

    fn side_panel(lang: Lang, sim: &Sim<Self>, on_act: Callback<Action<Self>>) -> Html {
        let servers = sim
            .nodes()
            .iter()
            .map(|s| client::ServerChoice {
                id: s.state.id,
                up: s.up,
                role: s.state.role(),
            })
            .collect::<Vec<_>>();
        let mut replies: Vec<ClientReply> = sim
            .nodes()
            .iter()
            .flat_map(|s| s.state.replies.iter().cloned())
            .collect();
        replies.sort_by_key(|r| (r.replied_at, r.seq));
        let max_seq_seen = client::max_seq_seen(sim);
        let default_read = sim
            .nodes()
            .first()
            .map(|n| n.state.config.read)
            .unwrap_or_default();
        let view = membership::panel_view(sim);
        html! { <>
            <client::ClientPanel {lang} {servers} {replies} {max_seq_seen} {default_read} on_act={on_act.clone()} />
            <membership::MembershipPanel {lang} {view} {on_act} />
        </> }
    }

    fn beside_cluster(ctx: Beside<'_, Self>) -> Html {
        figure2::panel(ctx)
    }

    fn legend(lang: Lang) -> Html {
        let t = lang.text();
        let m = membership::member_text(lang);
        let nodes = vec![
            ("follower", t.follower),
            ("candidate", t.candidate),
            ("leader", t.leader),
            ("follower learner square", m.learner),
            ("follower outside", m.outside),
        ];
        let messages = vec![
            ("request-vote", t.request_vote),
            ("vote-granted", t.vote_granted),
            ("vote-denied", t.vote_denied),
            ("append-entries", t.append_entries),
            ("append-reply", t.append_reply),
            ("client-request", t.client_request),
            ("install-snapshot", text::text(lang).install_snapshot),
            ("snapshot-reply", text::text(lang).snapshot_reply),
        ];
        html! { <Legend {lang} {nodes} {messages} notes={vec![t.timer_ring]} /> }
    }

    fn timer_name(lang: Lang, timer: &Timer) -> String {
        let t = lang.text();
        match timer {
            Timer::Election => t.election_timer,
            Timer::Heartbeat => t.heartbeat_timer,
            Timer::Snapshot => text::text(lang).snapshot_timer,
            Timer::Persist => say(lang, "write to disk", "写盘"),
        }
        .to_owned()
    }

    /// Terms are Raft's eras: a step belongs to the newest term it mentions.
    fn band(report: &StepReport<Self>) -> Option<u64> {
        let from_rules = report.rules.iter().filter_map(|rule| match rule {
            Rule::StartElection { term, .. }
            | Rule::BecomeLeader { term, .. }
            | Rule::AdoptTerm { term, .. } => Some(*term),
            _ => None,
        });
        from_rules.max()
    }

    fn band_name(lang: Lang) -> &'static str {
        say(lang, "term", "任期")
    }

    /// A leader elected, or an entry committed.
    fn milestone(report: &StepReport<Self>) -> Option<Milestone> {
        report.rules.iter().find_map(|rule| match rule {
            Rule::BecomeLeader { term, .. } => {
                Some(Milestone::of(report, "leader-elected", "term", *term))
            }
            Rule::AdvanceCommit { index, .. } => {
                Some(Milestone::of(report, "entry-committed", "index", *index))
            }
            _ => None,
        })
    }

    fn goals() -> Vec<Goal<Self>> {
        vec![
            Goal {
                label: |lang| say(lang, "a leader is elected", "选出 leader"),
                reached: |sim| {
                    sim.nodes()
                        .iter()
                        .any(|n| n.up && n.state.role() == Role::Leader)
                },
            },
            Goal {
                label: |lang| text::text(lang).goal_commit,
                reached: newest_entry_committed,
            },
        ]
    }
}

/// The cluster's leader as the views show it: the up leader of the highest term (after a
/// partition heals, an old leader may not know yet that it was replaced).
pub fn current_leader(sim: &Sim<RaftNode>) -> Option<&RaftNode> {
    sim.nodes()
        .iter()
        .filter(|s| s.up && s.state.role() == Role::Leader)
        .map(|s| &s.state)
        .max_by_key(|n| n.term())
}

/// The current leader has entries and has committed all of them: after a client request,
/// "until" runs to the moment its entry is committed.
fn newest_entry_committed(sim: &Sim<RaftNode>) -> bool {
    current_leader(sim).is_some_and(|l| {
        let last = l.persistent.last_log_index();
        last > 0 && l.volatile.commit_index >= last
    })
}

fn msg_class(msg: &Msg) -> &'static str {
    match msg {
        Msg::RequestVote(_) => "request-vote",
        Msg::RequestVoteReply(r) if r.granted => "vote-granted",
        Msg::RequestVoteReply(_) => "vote-denied",
        Msg::AppendEntries(_) => "append-entries",
        Msg::AppendEntriesReply(_) => "append-reply",
        Msg::ClientRequest(_) | Msg::ClientRead(_) => "client-request",
        Msg::InstallSnapshot(_) => "install-snapshot",
        Msg::InstallSnapshotReply(_) => "snapshot-reply",
        // A pre-vote travels like a vote; TimeoutNow starts one.
        Msg::PreVote(_) | Msg::TimeoutNow(_) => "request-vote",
        Msg::PreVoteReply(r) if r.granted => "vote-granted",
        Msg::PreVoteReply(_) => "vote-denied",
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

fn node_view(lang: Lang, slot: &NodeSlot<RaftNode>, now: f64) -> NodeView {
    let t = lang.text();
    let node = &slot.state;
    let role = node.role();
    let member = membership::Member::of(node);
    let caption = if !slot.up {
        t.down.to_owned()
    } else {
        match role {
            Role::Follower if member != membership::Member::Voter => member.name(lang).to_owned(),
            Role::Follower => match &node.volatile.pre_votes {
                // Asking for pre-votes for the next term (thesis §9.6).
                Some((term, votes))
                    if *term == node.term() + 1 && node.volatile.leader.is_none() =>
                {
                    format!(
                        "{} {}/{}",
                        leadership_text::text(lang).pre_vote,
                        node.configuration().count_voters(votes),
                        node.majority()
                    )
                }
                _ => t.follower.to_owned(),
            },
            Role::Candidate => format!(
                "{} {}/{}",
                t.candidate,
                node.configuration().count_voters(&node.volatile.votes),
                node.majority()
            ),
            Role::Leader => t.leader.to_owned(),
        }
    };
    let timer = [
        (Timer::Heartbeat, "heartbeat"),
        (Timer::Election, "election"),
    ]
    .into_iter()
    .find_map(|(kind, class)| {
        slot.timers().get(&kind).map(|armed| {
            let span = (armed.fires_at - armed.set_at).max(1) as f64;
            ((armed.fires_at as f64 - now) / span, class)
        })
    });
    // Figure 2's stable storage: a server writing its state holds back what depends on it.
    let writing = slot.up && node.writing().is_some();
    let caption = match writing {
        true => format!("{caption} · {}", say(lang, "writing", "写盘中")),
        false => caption,
    };
    NodeView {
        id: node.id.0 + 1,
        label: node.id.to_string().into(),
        center: node.term().to_string().into(),
        caption: caption.into(),
        class: format!(
            "{} {}{}",
            role_class(role),
            member.node_class(),
            if writing { " writing" } else { "" }
        )
        .into(),
        data: vec![
            ("data-role", role_class(role).to_owned()),
            ("data-term", node.term().to_string()),
            ("data-member", member.key().to_owned()),
            ("data-writing", writing.to_string()),
        ],
        up: slot.up,
        timer,
    }
}

/// Commands a user can give a server from the inspector.
pub fn node_actions(id: NodeId, up: bool) -> Vec<(&'static str, Action<RaftNode>)> {
    if up {
        vec![
            ("timeout", Action::Command(id, Command::Timeout)),
            ("crash", Action::Crash(id)),
        ]
    } else {
        vec![("restart", Action::Restart(id))]
    }
}
