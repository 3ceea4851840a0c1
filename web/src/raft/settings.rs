//! Raft's settings in the URL, and the panel that changes them.
//!
//! - `switches=noop,hint,vote-twice,…` — the complete list of switches that are on (absent: the
//!   defaults, which is `noop` alone; empty: all off). Options: `noop` (no-op on election),
//!   `hint` (conflict hint), `pre-vote` (thesis §9.6), `check-quorum` (CheckQuorum: a leader
//!   steps down without a majority, thesis §6.2, and servers ignore RequestVote while they hear
//!   from a leader, §4.2.3; the older key `vote-guard` turns it on too), `catch-up` (add new
//!   servers as learners first, thesis §4.2.1). Break-it switches: `vote-twice`,
//!   `skip-up-to-date`, `commit-previous`, `no-truncate`, `concurrent-changes`,
//!   `snapshot-uncommitted`, `slow-clock` (a leader clock that breaks the lease's drift bound,
//!   thesis §6.4.1).
//! - `read=read-index|lease|stale|log` — how `get` is answered (thesis §6.4); absent: through
//!   the log. The client panel starts with this mode and can change it per read.
//! - `spare=2` — slots beyond `nodes` that start outside the configuration (thesis §4.1);
//!   `nodes + spare` is at most 9.
//! - `batch=4` — at most this many entries per AppendEntries.
//! - `snapshot=5` — log compaction (§7): each server takes a snapshot every 5 applied entries
//!   (absent: no snapshots).
//! - `election=150-300` — election timeout range, ms; `heartbeat=50` — heartbeat interval, ms.
//!
//! They are the run's protocol options ([`Options`]); changing one starts a new run.

use concord_core::raft::{RaftConfig, ReadMode};
use concord_core::sim::{NetConfig, Time, ms};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::leadership_text::{self, mode_name};
use super::membership::member_text;
use super::text::text;
use crate::i18n::Lang;
use crate::playground::Options;

/// A switch: its name in the URL, how it reads and sets the config.
pub struct Switch {
    pub key: &'static str,
    pub get: fn(&RaftConfig) -> bool,
    pub set: fn(&mut RaftConfig, bool),
}

pub const OPTIONS: [Switch; 5] = [
    Switch {
        key: "noop",
        get: |c| c.noop_on_election,
        set: |c, on| c.noop_on_election = on,
    },
    Switch {
        key: "hint",
        get: |c| c.conflict_hint,
        set: |c, on| c.conflict_hint = on,
    },
    Switch {
        key: "pre-vote",
        get: |c| c.pre_vote,
        set: |c, on| c.pre_vote = on,
    },
    Switch {
        key: "check-quorum",
        get: |c| c.check_quorum,
        set: |c, on| c.check_quorum = on,
    },
    Switch {
        key: "catch-up",
        get: |c| c.catch_up_first,
        set: |c, on| c.catch_up_first = on,
    },
];

/// An older name of `check-quorum`, from when the §4.2.3 rule was a membership option of its
/// own: links that carry it still turn CheckQuorum on.
const CHECK_QUORUM_ALIAS: &str = "vote-guard";

/// Snapshots on or off (the checkbox; the URL holds the threshold, `snapshot=N`).
pub const SNAPSHOTS: Switch = Switch {
    key: "snapshot",
    get: |c| c.snapshot_threshold > 0,
    set: |c, on| c.snapshot_threshold = if on { DEFAULT_SNAPSHOT_EVERY } else { 0 },
};

/// The threshold snapshots start with when switched on: low, so compaction shows soon.
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 5;

pub const BREAKS: [Switch; 7] = [
    Switch {
        key: "vote-twice",
        get: |c| c.breaks.vote_twice,
        set: |c, on| c.breaks.vote_twice = on,
    },
    Switch {
        key: "skip-up-to-date",
        get: |c| c.breaks.skip_up_to_date_check,
        set: |c, on| c.breaks.skip_up_to_date_check = on,
    },
    Switch {
        key: "commit-previous",
        get: |c| c.breaks.commit_previous_terms,
        set: |c, on| c.breaks.commit_previous_terms = on,
    },
    Switch {
        key: "no-truncate",
        get: |c| c.breaks.no_truncate,
        set: |c, on| c.breaks.no_truncate = on,
    },
    Switch {
        key: "concurrent-changes",
        get: |c| c.breaks.concurrent_changes,
        set: |c, on| c.breaks.concurrent_changes = on,
    },
    Switch {
        key: "snapshot-uncommitted",
        get: |c| c.breaks.snapshot_uncommitted,
        set: |c, on| c.breaks.snapshot_uncommitted = on,
    },
    Switch {
        key: "slow-clock",
        get: |c| c.breaks.slow_leader_clock,
        set: |c, on| c.breaks.slow_leader_clock = on,
    },
];

/// The `snapshot` parameter: a threshold of applied entries, 0 or absent for none.
pub fn parse_snapshot(value: Option<&str>) -> u64 {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(0, |n| n.min(10_000))
}

/// The settings a query string names; anything malformed keeps its default, and settings that
/// cannot work together fall back to the defaults.
pub fn parse(
    switches: Option<&str>,
    batch: Option<&str>,
    election: Option<&str>,
    heartbeat: Option<&str>,
) -> RaftConfig {
    let mut config = RaftConfig::default();
    if let Some(list) = switches {
        let on: Vec<&str> = list.split(',').map(str::trim).collect();
        for switch in OPTIONS.iter().chain(&BREAKS) {
            (switch.set)(&mut config, on.contains(&switch.key));
        }
        if on.contains(&CHECK_QUORUM_ALIAS) {
            config.check_quorum = true;
        }
    }
    if let Some(b) = batch.and_then(|b| b.parse::<u64>().ok()) {
        config.max_batch = b.clamp(1, 64);
    }
    if let Some((lo, hi)) = election.and_then(|e| e.split_once('-'))
        && let (Ok(lo), Ok(hi)) = (lo.trim().parse::<u64>(), hi.trim().parse::<u64>())
    {
        config.election_timeout_min = ms(lo.clamp(1, 10_000));
        config.election_timeout_max = ms(hi.clamp(1, 10_000));
    }
    if let Some(h) = heartbeat.and_then(|h| h.parse::<u64>().ok()) {
        config.heartbeat_interval = ms(h.clamp(1, 10_000));
    }
    if config.problem().is_some() {
        let default = RaftConfig::default();
        config.election_timeout_min = default.election_timeout_min;
        config.election_timeout_max = default.election_timeout_max;
        config.heartbeat_interval = default.heartbeat_interval;
    }
    config
}

/// The settings a run's options name.
pub fn from_options(options: &Options) -> RaftConfig {
    let mut config = parse(
        options.get("switches"),
        options.get("batch"),
        options.get("election"),
        options.get("heartbeat"),
    );
    if let Some(spare) = options.get("spare").and_then(|s| s.parse::<usize>().ok()) {
        config.spare = spare.min(8);
    }
    config.snapshot_threshold = parse_snapshot(options.get("snapshot"));
    if let Some(mode) = options.get("read").and_then(ReadMode::from_key) {
        config.read = mode;
    }
    config
}

/// The `switches` value for `config`.
pub fn switches_param(config: &RaftConfig) -> String {
    OPTIONS
        .iter()
        .chain(&BREAKS)
        .filter(|s| (s.get)(config))
        .map(|s| s.key)
        .collect::<Vec<_>>()
        .join(",")
}

/// The run's options with `config`'s settings in place of the old ones; a setting at its
/// default is left out, so links stay short.
pub fn with_settings(options: &Options, config: &RaftConfig) -> Options {
    let default = RaftConfig::default();
    let switches = switches_param(config);
    let settings = [
        (
            "switches",
            (switches != switches_param(&default)).then_some(switches),
        ),
        (
            "read",
            (config.read != default.read).then(|| config.read.key().to_owned()),
        ),
        (
            "batch",
            (config.max_batch != default.max_batch).then(|| config.max_batch.to_string()),
        ),
        (
            "election",
            (config.election_timeout_min != default.election_timeout_min
                || config.election_timeout_max != default.election_timeout_max)
                .then(|| {
                    format!(
                        "{}-{}",
                        config.election_timeout_min / 1000,
                        config.election_timeout_max / 1000
                    )
                }),
        ),
        (
            "heartbeat",
            (config.heartbeat_interval != default.heartbeat_interval)
                .then(|| (config.heartbeat_interval / 1000).to_string()),
        ),
        (
            "spare",
            (config.spare != default.spare).then(|| config.spare.to_string()),
        ),
        (
            "snapshot",
            (config.snapshot_threshold > 0).then(|| config.snapshot_threshold.to_string()),
        ),
    ];
    let mut pairs: Vec<(String, String)> = options
        .pairs()
        .filter(|(k, _)| !settings.iter().any(|(key, _)| key == k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    pairs.extend(
        settings
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
    );
    Options::new(pairs)
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

/// The invariant each break-it switch should trip.
pub fn caught_by(key: &str) -> &'static str {
    match key {
        "vote-twice" => "election-safety",
        "skip-up-to-date" => "leader-completeness",
        "commit-previous" => "leader-completeness, state-machine-safety",
        "concurrent-changes" => "one-change-at-a-time",
        "snapshot-uncommitted" => "snapshot-committed",
        "slow-clock" => "linearizability",
        _ => "log-matching",
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
    let broken = BREAKS.iter().any(|s| (s.get)(&p.config));
    let checkbox = |switch: &'static Switch,
                    label: &'static str,
                    help: &'static str,
                    extra: Html| {
        let (config, on_change) = (p.config.clone(), p.on_change.clone());
        let onchange = Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut next = config.clone();
            (switch.set)(&mut next, input.checked());
            on_change.emit(next);
        });
        html! {
            <li>
                <label title={help}>
                    <input type="checkbox" data-switch={switch.key} checked={(switch.get)(&p.config)} {onchange} />
                    { label }
                </label>
                <span class="note">{ help }{ extra }</span>
            </li>
        }
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
    let labels = [
        (rt.vote_twice, rt.vote_twice_help),
        (rt.skip_up_to_date, rt.skip_up_to_date_help),
        (rt.commit_previous, rt.commit_previous_help),
        (rt.no_truncate, rt.no_truncate_help),
        (mt.concurrent, mt.concurrent_help),
        (rt.snapshot_uncommitted, rt.snapshot_uncommitted_help),
        (lt.slow_clock, lt.slow_clock_help),
    ];
    let breaks = BREAKS.iter().zip(labels).map(|(s, (label, help))| {
        let extra =
            html! { <>{ " " }<em>{ format!("({} {})", rt.caught_by, caught_by(s.key)) }</em></> };
        checkbox(s, label, help, extra)
    });
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
        <details class="panel raft-settings" open={broken || warning.is_some()} data-raft-settings="">
            <summary>
                { rt.settings }
                if broken {
                    <span class="broken-badge">{ format!("{}: {}", rt.broken_banner,
                        BREAKS.iter().filter(|s| (s.get)(c)).map(|s| s.key).collect::<Vec<_>>().join(", ")) }</span>
                }
            </summary>
            <p class="note">{ rt.settings_note }</p>
            <div class="settings-grid">
                <fieldset>
                    <legend>{ rt.options }</legend>
                    <ul>
                        { checkbox(&OPTIONS[0], rt.opt_noop, rt.opt_noop_help, Html::default()) }
                        { checkbox(&OPTIONS[1], rt.opt_hint, rt.opt_hint_help, Html::default()) }
                        { checkbox(&OPTIONS[2], lt.opt_pre_vote, lt.opt_pre_vote_help, Html::default()) }
                        { checkbox(&OPTIONS[3], lt.opt_check_quorum, lt.opt_check_quorum_help, Html::default()) }
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
                        { checkbox(&SNAPSHOTS, rt.opt_snapshot, rt.opt_snapshot_help, Html::default()) }
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
                    if let Some((level, message)) = warning {
                        <p class={classes!("timing-warning", level)} role="status" data-timing-warning={level}>{ message }</p>
                    }
                </fieldset>
                <fieldset>
                    <legend>{ mt.membership }</legend>
                    <ul>
                        { checkbox(&OPTIONS[4], mt.opt_catch_up, mt.opt_catch_up_help, Html::default()) }
                    </ul>
                    <span title={mt.spare_help}>
                        { number("spare", mt.spare, c.spare as u64, |c, v| c.spare = v.min(8) as usize) }
                    </span>
                </fieldset>
                <fieldset class="breaks">
                    <legend>{ rt.break_it }</legend>
                    <p class="note">{ rt.break_note }</p>
                    <ul>{ for breaks }</ul>
                </fieldset>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_parameters_are_the_defaults() {
        assert_eq!(parse(None, None, None, None), RaftConfig::default());
    }

    #[test]
    fn the_older_vote_guard_key_turns_check_quorum_on() {
        let c = parse(Some("noop,vote-guard"), None, None, None);
        assert!(c.check_quorum);
        assert_eq!(switches_param(&c), "noop,check-quorum");
    }

    #[test]
    fn switches_round_trip() {
        let c = parse(
            Some("hint,vote-twice,no-truncate"),
            Some("2"),
            Some("200-400"),
            Some("40"),
        );
        assert!(!c.noop_on_election && c.conflict_hint);
        assert!(c.breaks.vote_twice && c.breaks.no_truncate);
        assert!(!c.breaks.skip_up_to_date_check && !c.breaks.commit_previous_terms);
        assert_eq!(c.max_batch, 2);
        assert_eq!(
            (c.election_timeout_min, c.election_timeout_max),
            (ms(200), ms(400))
        );
        assert_eq!(c.heartbeat_interval, ms(40));
        assert_eq!(switches_param(&c), "hint,vote-twice,no-truncate");
        assert_eq!(switches_param(&RaftConfig::default()), "noop");
    }

    #[test]
    fn snapshot_settings_round_trip_through_the_url() {
        let on = Options::new(vec![
            ("snapshot".into(), "3".into()),
            ("switches".into(), "noop,snapshot-uncommitted".into()),
        ]);
        let c = from_options(&on);
        assert_eq!(c.snapshot_threshold, 3);
        assert!(c.breaks.snapshot_uncommitted);
        let back = with_settings(&Options::new(Vec::new()), &c);
        assert_eq!(back.get("snapshot"), Some("3"));
        assert_eq!(from_options(&back), c);
        // Off: no parameter at all, and the defaults.
        let off = with_settings(&back, &RaftConfig::default());
        assert_eq!(off.get("snapshot"), None);
        assert_eq!(from_options(&off), RaftConfig::default());
        assert_eq!(parse_snapshot(Some("x")), 0);
        // The checkbox turns snapshots on at the default threshold.
        let mut c = RaftConfig::default();
        (SNAPSHOTS.set)(&mut c, true);
        assert_eq!(c.snapshot_threshold, DEFAULT_SNAPSHOT_EVERY);
    }

    #[test]
    fn impossible_timing_falls_back_to_defaults() {
        let c = parse(Some("vote-twice"), None, Some("300-100"), None);
        assert_eq!(
            c.election_timeout_min,
            RaftConfig::default().election_timeout_min
        );
        assert!(c.breaks.vote_twice);
    }

    #[test]
    fn margin_follows_section_5_6() {
        let net = NetConfig::default();
        assert_eq!(margin(&RaftConfig::default(), &net), Margin::Ok);
        let tight = parse(None, None, Some("60-120"), Some("50"));
        assert_eq!(margin(&tight, &net), Margin::SpuriousLikely);
        let thin = parse(None, None, Some("100-200"), Some("50"));
        assert_eq!(margin(&thin, &net), Margin::Thin);
    }
}
