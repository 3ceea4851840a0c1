//! Raft's settings in the URL, and the panel that changes them.
//!
//! - `switches=noop,hint,vote-twice,…` — the switches that are on, one row each in [`SWITCHES`]
//!   (see [`crate::switches`]; absent: the defaults, which is `noop` alone; empty: all off).
//! - `read=read-index|lease|stale|log` — how `get` is answered (thesis §6.4); absent: through
//!   the log. The client panel starts with this mode and can change it per read.
//! - `spare=2` — slots beyond `nodes` that start outside the configuration (thesis §4.1);
//!   `nodes + spare` is at most 9.
//! - `batch=4` — at most this many entries per AppendEntries.
//! - `snapshot=5` — log compaction (§7): each server takes a snapshot every 5 applied entries
//!   (absent: no snapshots).
//! - `election=150-300` — election timeout range, ms; `heartbeat=50` — heartbeat interval, ms.
//! - `persist=1-8` — how long each write to stable storage takes, drawn from this range, ms
//!   (Figure 2: a server answers only once what it answers on is on disk); absent: instant.
//!
//! They are the run's protocol options ([`Options`]); changing one starts a new run.

use concord_core::raft::invariants::{
    ELECTION_SAFETY, LEADER_COMPLETENESS, LOG_MATCHING, SNAPSHOT_COMMITTED, STATE_MACHINE_SAFETY,
};
use concord_core::raft::linearizability::LINEARIZABILITY;
use concord_core::raft::membership::ONE_CHANGE_AT_A_TIME;
use concord_core::raft::{RaftConfig, ReadMode};
use concord_core::sim::{NetConfig, Time, ms};

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::leadership_text::{self, mode_name};
use super::membership::member_text;
use super::text::text;
use crate::i18n::{Lang, say};
use crate::input::Reader;
use crate::run::Options;
use crate::switches::{self, Switch, flag};
use crate::view::switches as view_switches;

/// Every Raft switch: the options first, then the break-it switches, in the order the `switches`
/// list writes them.
pub const SWITCHES: [Switch<RaftConfig>; 12] = [
    Switch::feature(
        "noop",
        ["no-op on election", "当选后追加空操作"],
        [
            "A new leader appends a no-op entry so that entries of earlier terms get committed through it (§8).",
            "新 leader 追加一个空操作条目，借此提交之前任期的条目（§8）。",
        ],
        flag!(noop_on_election),
    ),
    Switch::feature(
        "hint",
        ["conflict hint", "冲突提示"],
        [
            "A follower that refuses AppendEntries says where its log diverges, so the leader skips a whole term per round trip (§5.3).",
            "拒绝 AppendEntries 的 follower 告诉 leader 日志从哪里开始分叉，leader 每次往返可跳过整个任期（§5.3）。",
        ],
        flag!(conflict_hint),
    ),
    Switch::feature(
        "pre-vote",
        ["PreVote", "PreVote（预投票）"],
        [
            "Before an election a server asks whether a majority would vote for it, keeping its term; a server cut off alone no longer comes back with a huge term that deposes the leader (thesis §9.6).",
            "选举前先询问多数派是否会投票给自己，任期保持不变；被单独隔离的节点回来时不再带着很大的任期把 leader 赶下台（论文 §9.6）。",
        ],
        flag!(pre_vote),
    ),
    Switch {
        // From when §4.2.3's rule was a membership option of its own.
        aliases: &["vote-guard"],
        ..Switch::feature(
            "check-quorum",
            ["CheckQuorum", "CheckQuorum（法定人数检查）"],
            [
                "A leader that has not heard from a majority within an election timeout steps down (thesis §6.2); a server that heard from a leader within the minimum election timeout ignores RequestVote (§4.2.3), so neither a removed server nor a partitioned one can depose the leader. Lease reads need it.",
                "leader 在一个 election timeout 内没有收到多数派的回应就主动下台（论文 §6.2）；节点在最小 election timeout 内收到过 leader 的消息时忽略 RequestVote（§4.2.3），被移除或被隔离的节点就无法推翻 leader。租约读需要它。",
            ],
            flag!(check_quorum),
        )
    },
    Switch::feature(
        "catch-up",
        ["add as learner first", "先以 learner 加入"],
        [
            "A server added as voter joins as learner and is promoted once a round of replication takes less than an election timeout (thesis §4.2.1).",
            "以 voter 身份加入的新节点先成为 learner；当一轮复制用时少于一个 election timeout 时，leader 把它提升为 voter（论文 §4.2.1）。",
        ],
        flag!(catch_up_first),
    ),
    Switch::breaks(
        "vote-twice",
        &[ELECTION_SAFETY],
        ["vote twice", "重复投票"],
        [
            "Servers grant every RequestVote of their term, even after voting (§5.2). Two candidates of one term can both win.",
            "节点同意本任期的每个 RequestVote，即使已经投过票（§5.2）。同一任期的两个候选人可能都当选。",
        ],
        flag!(breaks.vote_twice),
    ),
    Switch::breaks(
        "skip-up-to-date",
        &[LEADER_COMPLETENESS],
        ["skip up-to-date check", "跳过日志新旧检查"],
        [
            "Voters no longer check that the candidate's log is at least as up-to-date as theirs (§5.4.1). A server missing committed entries can win and overwrite them.",
            "投票者不再检查候选人的日志是否至少和自己一样新（§5.4.1）。缺少已提交条目的节点可能当选并覆盖它们。",
        ],
        flag!(breaks.skip_up_to_date_check),
    ),
    Switch::breaks(
        "commit-previous",
        &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
        ["commit previous terms", "提交之前任期"],
        [
            "A leader counts replicas of entries from earlier terms to commit them (§5.4.2, Figure 8). An entry counted committed can later be overwritten.",
            "leader 按副本数提交之前任期的条目（§5.4.2，图 8）。被视为已提交的条目之后可能被覆盖。",
        ],
        flag!(breaks.commit_previous_terms),
    ),
    Switch::breaks(
        "no-truncate",
        &[LOG_MATCHING],
        ["no truncate", "不截断"],
        [
            "On a conflict, a follower overwrites entries in place but keeps what follows them (§5.3). Two logs then share an entry yet differ before it.",
            "发生冲突时，follower 原地覆盖条目但保留其后的条目（§5.3）。两份日志共享一个条目，之前却不同。",
        ],
        flag!(breaks.no_truncate),
    ),
    Switch::breaks(
        "concurrent-changes",
        &[ONE_CHANGE_AT_A_TIME],
        ["concurrent changes", "并发变更"],
        [
            "The leader takes a new membership change while the previous one is uncommitted (thesis §4.1 forbids it). Old and new majorities may then not overlap (Figure 4.2).",
            "上一次成员变更尚未提交，leader 就接受新的变更（论文 §4.1 禁止这样做）。新旧配置的多数派可能不再相交（图 4.2）。",
        ],
        flag!(breaks.concurrent_changes),
    ),
    Switch::breaks(
        "snapshot-uncommitted",
        &[SNAPSHOT_COMMITTED],
        ["snapshot uncommitted entries", "快照包含未提交条目"],
        [
            "A snapshot covers the whole log, entries not yet committed included, instead of just the committed ones (§7). Needs snapshots on.",
            "快照覆盖整个日志，包括尚未提交的条目，而不是只覆盖已提交的条目（§7）。需先开启快照。",
        ],
        flag!(breaks.snapshot_uncommitted),
    ),
    Switch::breaks(
        "slow-clock",
        &[LINEARIZABILITY],
        ["slow leader clock", "leader 时钟变慢"],
        [
            "The leader's clock runs at half speed while it times its lease and CheckQuorum: the lease outlives the leader, breaking §6.4.1's drift bound. Try it with lease reads and a partitioned leader.",
            "leader 计算租约和 CheckQuorum 时时钟只走一半速度：租约比 leader 的任期活得更久，违反 §6.4.1 的时钟漂移界限。配合租约读和被隔离的 leader 试试。",
        ],
        flag!(breaks.slow_leader_clock),
    ),
];

/// Snapshots on or off: a checkbox, not in the `switches` list (the URL holds the threshold,
/// `snapshot=N`).
pub const SNAPSHOTS: Switch<RaftConfig> = Switch::feature(
    "snapshot",
    ["snapshots", "快照（日志压缩）"],
    [
        "Each server replaces the entries it has applied by a snapshot of its state machine once they reach the threshold; a follower missing compacted entries gets the leader's snapshot by InstallSnapshot (§7, Figure 13).",
        "每台服务器在已应用条目达到阈值后，用状态机快照取代这些条目；缺少已压缩条目的 follower 通过 InstallSnapshot 接收 leader 的快照（§7，图 13）。",
    ],
    (
        |c| c.snapshot_threshold > 0,
        |c, on| c.snapshot_threshold = if on { DEFAULT_SNAPSHOT_EVERY } else { 0 },
    ),
);

/// The threshold snapshots start with when switched on: low, so compaction shows soon.
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 5;

/// The settings a run's options name; anything malformed keeps its default.
pub fn from_options(options: &Options) -> RaftConfig {
    read(&Reader::new(options))
}

/// The settings the options `reader` reads, noting what it cannot use. Timing that still cannot
/// work together (`RaftConfig::problem`) makes the view fall back to the defaults.
pub fn read(reader: &Reader) -> RaftConfig {
    let mut config = RaftConfig::default();
    switches::read(&SWITCHES, reader, &mut config);
    let d = RaftConfig::default();
    // Times are milliseconds in the URL, microseconds in the configuration.
    let ms_of = |t: Time| t / 1000;
    let range = |key, bounds, (lo, hi): (Time, Time)| {
        let (lo, hi) = reader.range_ms(key, bounds, (ms_of(lo), ms_of(hi)));
        (ms(lo), ms(hi))
    };
    config.max_batch = reader.number("batch", (1, 64), d.max_batch);
    (config.election_timeout_min, config.election_timeout_max) = range(
        "election",
        (1, 10_000),
        (d.election_timeout_min, d.election_timeout_max),
    );
    config.heartbeat_interval =
        ms(reader.ms("heartbeat", (1, 10_000), ms_of(d.heartbeat_interval)));
    // Figure 2's stable storage: each write takes a time drawn from this range.
    (config.persist_delay_min, config.persist_delay_max) = range(
        "persist",
        (0, 10_000),
        (d.persist_delay_min, d.persist_delay_max),
    );
    config.spare = reader.number("spare", (0, 8), d.spare);
    config.snapshot_threshold = reader.number("snapshot", (0, 10_000), 0);
    let modes = ReadMode::ALL.map(|mode| (mode.key(), mode));
    config.read = reader.choice("read", &modes, d.read);
    config
}

/// The run's options with `config`'s settings in place of the old ones; a setting at its
/// default is left out, so links stay short.
pub fn with_settings(options: &Options, config: &RaftConfig) -> Options {
    let (c, d) = (config, RaftConfig::default());
    let range = |lo: Time, hi: Time| format!("{}-{}", lo / 1000, hi / 1000);
    let election = (c.election_timeout_min, c.election_timeout_max);
    switches::write(&SWITCHES, options, c, &d)
        .with("read", (c.read != d.read).then(|| c.read.key().to_owned()))
        .with(
            "batch",
            (c.max_batch != d.max_batch).then(|| c.max_batch.to_string()),
        )
        .with(
            "election",
            (election != (d.election_timeout_min, d.election_timeout_max))
                .then(|| range(election.0, election.1)),
        )
        .with(
            "heartbeat",
            (c.heartbeat_interval != d.heartbeat_interval)
                .then(|| (c.heartbeat_interval / 1000).to_string()),
        )
        .with("spare", (c.spare != d.spare).then(|| c.spare.to_string()))
        .with(
            "snapshot",
            (c.snapshot_threshold > 0).then(|| c.snapshot_threshold.to_string()),
        )
        .with(
            "persist",
            (c.persist_delay_max > 0).then(|| range(c.persist_delay_min, c.persist_delay_max)),
        )
}

/// How likely followers are to start elections while the leader is alive (§5.6).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Margin {
    Ok,
    Thin,
    SpuriousLikely,
}

/// A heartbeat reaches a follower at most `heartbeat + latency_max` after the previous one, so
/// an election timeout at or below that fires while the leader is alive; below twice that, a
/// few late heartbeats are enough.
pub fn margin(config: &RaftConfig, net: &NetConfig) -> Margin {
    let gap: Time = config.heartbeat_interval + net.latency_max;
    if config.election_timeout_min <= gap {
        Margin::SpuriousLikely
    } else if config.election_timeout_min < 2 * gap {
        Margin::Thin
    } else {
        Margin::Ok
    }
}

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub lang: Lang,
    pub config: RaftConfig,
    pub net: NetConfig,
    /// New settings: a new run.
    pub on_change: Callback<RaftConfig>,
}

/// Options, break-it switches and timing dials.
#[component]
pub fn SettingsPanel(p: &SettingsProps) -> Html {
    let rt = text(p.lang);
    let mt = member_text(p.lang);
    let lt = leadership_text::text(p.lang);
    let broken = view_switches::broken(&SWITCHES, &p.config);
    let checkbox = |key: &str| {
        switches::find(&SWITCHES, key)
            .map(|switch| view_switches::checkbox(p.lang, switch, &p.config, p.on_change.clone()))
    };
    let number = |control: &'static str,
                  label: &'static str,
                  value: u64,
                  apply: fn(&mut RaftConfig, u64)| {
        let (config, on_change) = (p.config.clone(), p.on_change.clone());
        let onchange = Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Ok(v) = input.value().trim().parse::<u64>() else {
                return;
            };
            let mut next = config.clone();
            apply(&mut next, v);
            if next.problem().is_none() {
                on_change.emit(next);
            }
        });
        html! {
            <label>{ label }
                <input type="number" min={if control == "spare" { "0" } else { "1" }} max="10000" data-control={control} value={value.to_string()} {onchange} />
            </label>
        }
    };
    let warning = match margin(&p.config, &p.net) {
        Margin::Ok => None,
        Margin::Thin => Some(("thin", rt.spurious_thin)),
        Margin::SpuriousLikely => Some(("likely", rt.spurious_likely)),
    };
    let c = &p.config;
    let on_read = {
        let (config, on_change) = (p.config.clone(), p.on_change.clone());
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            if let Some(mode) = ReadMode::from_key(&select.value()) {
                on_change.emit(RaftConfig {
                    read: mode,
                    ..config.clone()
                });
            }
        })
    };
    html! {
        <details class="panel raft-settings" open={broken.is_some() || warning.is_some()} data-raft-settings="">
            <summary>
                { rt.settings }
                if let Some(broken) = broken {
                    <span class="broken-badge">{ format!("{}: {broken}", rt.broken_banner) }</span>
                }
            </summary>
            <p class="note">{ rt.settings_note }</p>
            <div class="settings-grid">
                <fieldset>
                    <legend>{ rt.options }</legend>
                    <ul>
                        { for checkbox("noop") }
                        { for checkbox("hint") }
                        { for checkbox("pre-vote") }
                        { for checkbox("check-quorum") }
                    </ul>
                    <label title={lt.reads_help}>{ lt.reads }
                        <select data-control="read" onchange={on_read}>
                            { for ReadMode::ALL.iter().map(|&m| html! {
                                <option value={m.key()} selected={m == c.read}>{ mode_name(p.lang, m) }</option>
                            }) }
                        </select>
                    </label>
                    <p class="note">{ lt.reads_help }</p>
                    { number("batch", rt.batch, c.max_batch, |c, v| c.max_batch = v.clamp(1, 64)) }
                    <ul>
                        { view_switches::checkbox(p.lang, &SNAPSHOTS, c, p.on_change.clone()) }
                    </ul>
                    if c.snapshot_threshold > 0 {
                        { number("snapshot", rt.snapshot_threshold, c.snapshot_threshold, |c, v| c.snapshot_threshold = v.clamp(1, 10_000)) }
                    }
                </fieldset>
                <fieldset>
                    <legend>{ rt.timing }</legend>
                    { number("election-min", rt.election_min, c.election_timeout_min / 1000, |c, v| c.election_timeout_min = ms(v)) }
                    { number("election-max", rt.election_max, c.election_timeout_max / 1000, |c, v| c.election_timeout_max = ms(v)) }
                    { number("heartbeat", rt.heartbeat, c.heartbeat_interval / 1000, |c, v| c.heartbeat_interval = ms(v)) }
                    { number("persist-min", say(p.lang, "disk write min, ms", "写盘最短（毫秒）"), c.persist_delay_min / 1000, |c, v| c.persist_delay_min = ms(v)) }
                    { number("persist-max", say(p.lang, "disk write max, ms", "写盘最长（毫秒）"), c.persist_delay_max / 1000, |c, v| c.persist_delay_max = ms(v)) }
                    if let Some((level, message)) = warning {
                        <p class={classes!("timing-warning", level)} role="status" data-timing-warning={level}>{ message }</p>
                    }
                </fieldset>
                <fieldset>
                    <legend>{ mt.membership }</legend>
                    <ul>
                        { for checkbox("catch-up") }
                    </ul>
                    <span title={mt.spare_help}>
                        { number("spare", mt.spare, c.spare as u64, |c, v| c.spare = v.min(8) as usize) }
                    </span>
                </fieldset>
                { view_switches::breaks(p.lang, &SWITCHES, c, p.on_change.clone()) }
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_parameters_are_the_defaults() {
        assert_eq!(from_options(&Options::default()), RaftConfig::default());
    }

    #[test]
    fn the_older_vote_guard_key_turns_check_quorum_on() {
        let c = from_options(&Options::of([("switches", "noop,vote-guard")]));
        assert!(c.check_quorum);
        assert_eq!(switches::list(&SWITCHES, &c), "noop,check-quorum");
    }

    #[test]
    fn settings_round_trip() {
        let c = from_options(&Options::of([
            ("switches", "hint,vote-twice,no-truncate"),
            ("batch", "2"),
            ("election", "200-400"),
            ("heartbeat", "40"),
        ]));
        assert!(!c.noop_on_election && c.conflict_hint);
        assert!(c.breaks.vote_twice && c.breaks.no_truncate);
        assert!(!c.breaks.skip_up_to_date_check && !c.breaks.commit_previous_terms);
        assert_eq!(c.max_batch, 2);
        assert_eq!(
            (c.election_timeout_min, c.election_timeout_max),
            (ms(200), ms(400))
        );
        assert_eq!(c.heartbeat_interval, ms(40));
        let written = with_settings(&Options::default(), &c);
        assert_eq!(written.get("switches"), Some("hint,vote-twice,no-truncate"));
        assert_eq!(from_options(&written), c);
        assert_eq!(switches::list(&SWITCHES, &RaftConfig::default()), "noop");
        // An empty list turns every switch off, the default no-op included.
        assert!(!from_options(&Options::of([("switches", "")])).noop_on_election);
    }

    #[test]
    fn snapshot_settings_round_trip_through_the_url() {
        let on = Options::of([("snapshot", "3"), ("switches", "noop,snapshot-uncommitted")]);
        let c = from_options(&on);
        assert_eq!(c.snapshot_threshold, 3);
        assert!(c.breaks.snapshot_uncommitted);
        let back = with_settings(&Options::default(), &c);
        assert_eq!(back.get("snapshot"), Some("3"));
        assert_eq!(from_options(&back), c);
        // Off: no parameter at all, and the defaults.
        let off = with_settings(&back, &RaftConfig::default());
        assert_eq!(off.get("snapshot"), None);
        assert_eq!(from_options(&off), RaftConfig::default());
        assert_eq!(
            from_options(&Options::of([("snapshot", "x")])).snapshot_threshold,
            0
        );
        // The checkbox turns snapshots on at the default threshold.
        let mut c = RaftConfig::default();
        (SNAPSHOTS.set)(&mut c, true);
        assert_eq!(c.snapshot_threshold, DEFAULT_SNAPSHOT_EVERY);
    }

    #[test]
    fn the_persistence_delay_round_trips_through_the_url() {
        let c = from_options(&Options::of([("persist", "2-5")]));
        assert_eq!((c.persist_delay_min, c.persist_delay_max), (ms(2), ms(5)));
        assert_eq!(
            with_settings(&Options::default(), &c).get("persist"),
            Some("2-5")
        );
        assert_eq!(
            with_settings(&Options::default(), &RaftConfig::default()).get("persist"),
            None
        );
        // min above max cannot work: the default, instant writes.
        assert_eq!(
            from_options(&Options::of([("persist", "5-2")])).persist_delay_max,
            0
        );
    }

    #[test]
    fn impossible_timing_falls_back_to_defaults() {
        let c = from_options(&Options::of([
            ("switches", "vote-twice"),
            ("election", "300-100"),
        ]));
        assert_eq!(
            c.election_timeout_min,
            RaftConfig::default().election_timeout_min
        );
        assert!(c.breaks.vote_twice);
    }

    #[test]
    fn every_break_names_an_invariant_and_every_feature_none() {
        for switch in &SWITCHES {
            assert_eq!(
                switch.is_break(),
                !switch.caught_by().is_empty(),
                "{}",
                switch.key
            );
        }
    }

    #[test]
    fn margin_follows_section_5_6() {
        let net = NetConfig::default();
        assert_eq!(margin(&RaftConfig::default(), &net), Margin::Ok);
        let timing = |election, heartbeat| {
            from_options(&Options::of([
                ("election", election),
                ("heartbeat", heartbeat),
            ]))
        };
        assert_eq!(
            margin(&timing("60-120", "50"), &net),
            Margin::SpuriousLikely
        );
        assert_eq!(margin(&timing("100-200", "50"), &net), Margin::Thin);
    }
}
