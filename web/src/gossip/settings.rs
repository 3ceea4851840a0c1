//! A Gossip run's settings and how the URL holds them. The nodes are the run's `nodes` (the
//! shared count); the rest are the protocol's [`Options`]:
//!
//! - `mode=push|pull|push-pull` — the exchange (Demers et al. §1.3; the seed notes' three modes);
//! - `model=si|sir-counter|sir-coin`, `k=2`, `feedback=on|off` — anti-entropy, or rumor
//!   mongering that stops after `k` counted contacts or with probability `1/k` (§1.4); with
//!   feedback only unnecessary contacts count, blind every contact does;
//! - `fanout=3`, `period=1000` (ms), `jitter=100` (ms) — peers per round and round timing;
//! - `select=not-sent,not-back` — the seed notes' peer selection rules (`none`: uniform);
//! - `backup=0` — rumor mongering backed by one anti-entropy exchange every this many rounds (§1.5);
//! - `swim=on|off`, `probe=1000`, `probe-timeout=300`, `indirect=3`, `suspicion=on|off`,
//!   `suspect-timeout=5000` — SWIM failure detection (§3.1, §4.2), times in ms;
//! - `health=off|2000` — Consul-style health checks, every this many ms;
//! - `members=n` — only the first `n` nodes are members at start; the others can join;
//! - `update=start|none` — whether S1 writes `x1 = 1` as the run starts;
//! - `switches=accept-stale,volatile-store` — the "break it" switches, one row each in
//!   [`SWITCHES`] (the older `breaks=` still opens).
//!
//! A missing or malformed value takes its default, so any URL opens a run.

use concord_core::gossip::invariants::{SAME_VERSION_SAME_VALUE, VERSIONS_MONOTONE};
use concord_core::gossip::{Breaks, GossipConfig, Mode, Model, PeerSelection, Stop, SwimConfig};
use concord_core::sim::{Time, ms};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::say;
use crate::input::Reader;
use crate::run::{Options, RunConfig};
use crate::switches::{self, Switch, flag};
use crate::view::settings::{Edits, RunProps};

/// Gossip's break-it switches, in the order the `switches` list writes them.
pub const SWITCHES: [Switch<GossipConfig>; 2] = [
    Switch::breaks(
        "accept-stale",
        &[VERSIONS_MONOTONE],
        [
            "last arrival wins (not the newer version)",
            "后到者胜（而不是新版本胜）",
        ],
        [
            "A node applies every entry it receives, even an older version than its own (Demers et al. §1.3: the newer timestamp wins). Versions can then go backwards.",
            "节点接受收到的每个条目，即使版本比自己的旧（Demers 等 §1.3：时间戳新的胜出）。版本于是可能倒退。",
        ],
        flag!(breaks.accept_stale),
    ),
    Switch::breaks(
        "volatile-store",
        &[VERSIONS_MONOTONE, SAME_VERSION_SAME_VALUE],
        [
            "store in memory only (a crash wipes it)",
            "存储只在内存中（崩溃即清空）",
        ],
        [
            "A crash wipes the store: a restarted node holds older versions than before, and its next write of a key reuses a version it already gave another value.",
            "崩溃会清空存储：重启的节点持有比之前旧的版本，下次写同一个键时会重复使用已经对应另一个值的版本号。",
        ],
        flag!(breaks.volatile_store),
    ),
];

pub const FANOUT: (u32, u32) = (1, 10);
pub const K: (u32, u32) = (1, 10);
/// Round period and probe interval, ms.
pub const PERIOD_MS: (u64, u64) = (10, 10_000);

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub config: GossipConfig,
    /// S1 writes `x1 = 1` at the start.
    pub update_at_start: bool,
}

impl Default for Settings {
    /// The seed notes' setting, without failure detection, with an update to spread.
    fn default() -> Self {
        Settings {
            config: GossipConfig::seed_notes(),
            update_at_start: true,
        }
    }
}

fn as_ms(t: Time) -> u64 {
    t / 1_000
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

impl Settings {
    pub fn from_run(run: &RunConfig) -> Settings {
        Settings::read(run, &Reader::new(&run.options))
    }

    /// The settings of `run` whose options `reader` reads, noting what it cannot use.
    pub fn read(run: &RunConfig, o: &Reader) -> Settings {
        let base = GossipConfig::seed_notes();
        let mut c = base;
        let modes = [
            ("push", Mode::Push),
            ("pull", Mode::Pull),
            ("push-pull", Mode::PushPull),
        ];
        c.mode = o.choice("mode", &modes, base.mode);
        let k = o.number("k", K, 2);
        let feedback = o.flag("feedback", true);
        // Anti-entropy (SI) never stops; a rumor (SIR) stops by a counter or a coin (§1.4).
        let models = [
            ("si", None),
            ("sir-counter", Some(Stop::Counter)),
            ("sir-coin", Some(Stop::Coin)),
        ];
        c.model = match o.choice("model", &models, Some(Stop::Counter)) {
            None => Model::AntiEntropy,
            Some(stop) => Model::Rumor { stop, k, feedback },
        };
        c.fanout = o.number("fanout", FANOUT, 3);
        let period = o.ms("period", PERIOD_MS, as_ms(base.period));
        c.period = ms(period);
        c.jitter = ms(o.ms("jitter", (0, period - 1), as_ms(base.jitter)));
        // The seed notes' peer selection rules; `none` (or an empty list) turns both off.
        let rules = ["not-sent", "not-back"];
        let known = |name: &str| rules.contains(&name) || name == "none";
        if let Some(names) = o.names("select", known, &rules) {
            c.selection = PeerSelection {
                avoid_repeats: names.contains(&"not-sent"),
                avoid_sender: names.contains(&"not-back"),
            };
        }
        c.backup_every = o.number("backup", (0, 100), 0);
        c.swim = o.flag("swim", false).then(|| {
            let d = SwimConfig::default();
            let probe = o.ms("probe", PERIOD_MS, as_ms(d.probe_interval));
            SwimConfig {
                probe_interval: ms(probe),
                probe_timeout: ms(o.ms("probe-timeout", (1, probe - 1), as_ms(d.probe_timeout))),
                indirect_probes: o.number("indirect", (0, 8), d.indirect_probes),
                suspicion: o.flag("suspicion", d.suspicion),
                suspect_timeout: ms(o.ms(
                    "suspect-timeout",
                    (1, 600_000),
                    as_ms(d.suspect_timeout),
                )),
                ..d
            }
        });
        c.health_interval = o
            .get("health")
            .is_some()
            .then(|| ms(o.ms("health", (PERIOD_MS.0, 600_000), PERIOD_MS.0)));
        let n = run.nodes.max(1);
        // Members the run starts with (SWIM joins the rest); as many as the nodes is all of them.
        c.initial_members = o.get("members").and_then(|_| {
            let all = u16::try_from(n).unwrap_or(u16::MAX);
            let m = o.number("members", (1, all), all);
            (m < all).then_some(m)
        });
        c.breaks = Breaks::default();
        switches::read(&SWITCHES, o, &mut c);
        Settings {
            config: c,
            update_at_start: o.choice("update", &[("s1", true), ("none", false)], true),
        }
    }

    /// The run these settings make, keeping `seed` and `nodes`.
    pub fn to_run(&self, seed: u64, nodes: usize) -> RunConfig {
        let c = &self.config;
        let mode = match c.mode {
            Mode::Push => "push",
            Mode::Pull => "pull",
            Mode::PushPull => "push-pull",
        };
        let mut pairs: Vec<(&str, String)> = vec![("mode", mode.into())];
        match c.model {
            Model::AntiEntropy => pairs.push(("model", "si".into())),
            Model::Rumor { stop, k, feedback } => {
                let model = match stop {
                    Stop::Counter => "sir-counter",
                    Stop::Coin => "sir-coin",
                };
                pairs.push(("model", model.into()));
                pairs.push(("k", k.to_string()));
                pairs.push(("feedback", on_off(feedback)));
            }
        }
        pairs.push(("fanout", c.fanout.to_string()));
        pairs.push(("period", as_ms(c.period).to_string()));
        pairs.push(("jitter", as_ms(c.jitter).to_string()));
        let select: Vec<&str> = [
            (c.selection.avoid_repeats, "not-sent"),
            (c.selection.avoid_sender, "not-back"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        pairs.push((
            "select",
            if select.is_empty() {
                "none".into()
            } else {
                select.join(",")
            },
        ));
        if c.backup_every > 0 {
            pairs.push(("backup", c.backup_every.to_string()));
        }
        pairs.push(("swim", on_off(c.swim.is_some())));
        if let Some(s) = &c.swim {
            pairs.push(("probe", as_ms(s.probe_interval).to_string()));
            pairs.push(("probe-timeout", as_ms(s.probe_timeout).to_string()));
            pairs.push(("indirect", s.indirect_probes.to_string()));
            pairs.push(("suspicion", on_off(s.suspicion)));
            pairs.push(("suspect-timeout", as_ms(s.suspect_timeout).to_string()));
        }
        if let Some(h) = c.health_interval {
            pairs.push(("health", as_ms(h).to_string()));
        }
        if let Some(m) = c.initial_members {
            pairs.push(("members", m.to_string()));
        }
        if !self.update_at_start {
            pairs.push(("update", "none".into()));
        }
        RunConfig {
            seed,
            nodes,
            options: switches::write(
                &SWITCHES,
                &Options::of(pairs),
                c,
                &GossipConfig::seed_notes(),
            ),
        }
    }
}

/// The panel that writes the settings: changing any starts a new run, as the URL then says.
#[component]
pub fn SettingsPanel(p: &RunProps) -> Html {
    let lang = p.lang;
    let settings = Settings::from_run(&p.run);
    let (seed, nodes) = (p.run.seed, p.run.nodes);
    let edit = Edits::new(&settings, &p.on_run, move |s: &Settings| {
        s.to_run(seed, nodes)
    });
    let on_breaks = edit.on(|s, config| s.config = config);
    let number = |name: &'static str,
                  label: &'static str,
                  value: u64,
                  (min, max): (u64, u64),
                  set: fn(&mut Settings, u64)| {
        let onchange = edit.on(move |s, e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(v) = value.trim().parse::<u64>() {
                set(s, v.clamp(min, max));
            }
        });
        html! {
            <label class="number">{ label }
                <input type="number" data-control={name} min={min.to_string()} max={max.to_string()}
                    value={value.to_string()} {onchange} />
            </label>
        }
    };
    let select = |name: &'static str,
                  label: &'static str,
                  current: &str,
                  options: Vec<(&'static str, &'static str)>,
                  set: fn(&mut Settings, &str)| {
        let onchange = edit.on(move |s, e: Event| {
            set(s, &e.target_unchecked_into::<HtmlSelectElement>().value());
        });
        let current = current.to_owned();
        html! {
            <label class="choice">{ label }
                <select data-control={name} {onchange}>
                    { for options.into_iter().map(|(value, text)| html! {
                        <option {value} selected={value == current}>{ text }</option>
                    }) }
                </select>
            </label>
        }
    };
    let c = settings.config;
    let run = settings.to_run(seed, nodes);
    let get = |key: &str| run.options.get(key).unwrap_or_default().to_owned();
    let rumor = match c.model {
        Model::Rumor { k, feedback, .. } => Some((k, feedback)),
        Model::AntiEntropy => None,
    };
    let set_model = |s: &mut Settings, v: &str| {
        let (k, feedback) = match s.config.model {
            Model::Rumor { k, feedback, .. } => (k, feedback),
            Model::AntiEntropy => (2, true),
        };
        s.config.model = match v {
            "si" => Model::AntiEntropy,
            "sir-coin" => Model::Rumor {
                stop: Stop::Coin,
                k,
                feedback,
            },
            _ => Model::Rumor {
                stop: Stop::Counter,
                k,
                feedback,
            },
        };
    };
    html! {
        <details class="panel gossip-settings" open=true>
            <summary>{ say(lang, "Settings", "设置") }</summary>
            <div class="switches">
                { select("mode", say(lang, "Exchange", "交换方式"), &get("mode"), vec![
                    ("push", say(lang, "push (1 message)", "push（1 条消息）")),
                    ("pull", say(lang, "pull (2 messages)", "pull（2 条消息）")),
                    ("push-pull", say(lang, "push-pull (3 messages)", "push-pull（3 条消息）")),
                ], |s, v| s.config.mode = match v {
                    "push" => Mode::Push,
                    "pull" => Mode::Pull,
                    _ => Mode::PushPull,
                }) }
                { select("model", say(lang, "Model", "模型"), &get("model"), vec![
                    ("si", say(lang, "SI: anti-entropy", "SI：反熵")),
                    ("sir-counter", say(lang, "SIR: rumor, counter", "SIR：谣言传播，计数器")),
                    ("sir-coin", say(lang, "SIR: rumor, coin 1/k", "SIR：谣言传播，掷硬币 1/k")),
                ], set_model) }
                if let Some((k, feedback)) = rumor {
                    { number("k", "k", k as u64, (K.0 as u64, K.1 as u64), |s, v| {
                        if let Model::Rumor { k, .. } = &mut s.config.model { *k = v as u32; }
                    }) }
                    { edit.toggle("feedback", say(lang, "feedback (only unnecessary contacts count; off: blind)", "反馈（只计不必要的接触；关闭则为盲目）"), feedback, |s, on| {
                        if let Model::Rumor { feedback, .. } = &mut s.config.model { *feedback = on; }
                    }) }
                    // The seed notes' rules are about whom a rumor goes to; anti-entropy picks uniformly.
                    { edit.toggle("not-sent", say(lang, "only to peers not yet sent this rumor", "只发给尚未发送过的节点"), c.selection.avoid_repeats, |s, on| s.config.selection.avoid_repeats = on) }
                    { edit.toggle("not-back", say(lang, "never back to the sender", "不再往发送节点散播"), c.selection.avoid_sender, |s, on| s.config.selection.avoid_sender = on) }
                    { number("backup", say(lang, "anti-entropy backup every n rounds (0: off)", "每 n 轮用反熵兜底（0：关闭）"), c.backup_every as u64, (0, 100), |s, v| s.config.backup_every = v as u32) }
                }
                { number("fanout", say(lang, "fan-out", "扇出"), c.fanout as u64, (FANOUT.0 as u64, FANOUT.1 as u64), |s, v| s.config.fanout = v as u32) }
                { number("period", say(lang, "round period, ms", "轮周期（毫秒）"), as_ms(c.period), PERIOD_MS, |s, v| {
                    s.config.period = ms(v);
                    s.config.jitter = s.config.jitter.min(ms(v) - 1_000);
                }) }
                { number("jitter", say(lang, "jitter, ms", "抖动（毫秒）"), as_ms(c.jitter), (0, as_ms(c.period) - 1), |s, v| s.config.jitter = ms(v)) }
                { edit.toggle("update", say(lang, "S1 writes x1 = 1 at the start", "开始时 S1 写入 x1 = 1"), settings.update_at_start, |s, on| s.update_at_start = on) }
            </div>
            <fieldset class="swim">
                <legend>{ say(lang, "Failure detection (SWIM)", "故障检测（SWIM）") }</legend>
                { edit.toggle("swim", say(lang, "probe members (SWIM §3.1)", "成员互相探测（SWIM §3.1）"), c.swim.is_some(), |s, on| {
                    s.config.swim = on.then(SwimConfig::default);
                }) }
                if let Some(sw) = c.swim {
                    { number("probe", say(lang, "probe interval, ms", "探测间隔（毫秒）"), as_ms(sw.probe_interval), PERIOD_MS, |s, v| {
                        if let Some(sw) = &mut s.config.swim {
                            sw.probe_interval = ms(v);
                            sw.probe_timeout = sw.probe_timeout.min(ms(v) - 1_000);
                        }
                    }) }
                    { number("probe-timeout", say(lang, "ack timeout, ms", "等待 ack 超时（毫秒）"), as_ms(sw.probe_timeout), (1, as_ms(sw.probe_interval) - 1), |s, v| {
                        if let Some(sw) = &mut s.config.swim { sw.probe_timeout = ms(v); }
                    }) }
                    { number("indirect", say(lang, "indirect probes k", "间接探测数 k"), sw.indirect_probes as u64, (0, 8), |s, v| {
                        if let Some(sw) = &mut s.config.swim { sw.indirect_probes = v as u32; }
                    }) }
                    { edit.toggle("suspicion", say(lang, "suspect before dead (§4.2)", "先怀疑再宣告死亡（§4.2）"), sw.suspicion, |s, on| {
                        if let Some(sw) = &mut s.config.swim { sw.suspicion = on; }
                    }) }
                    { number("suspect-timeout", say(lang, "suspicion timeout, ms", "怀疑超时（毫秒）"), as_ms(sw.suspect_timeout), (1, 600_000), |s, v| {
                        if let Some(sw) = &mut s.config.swim { sw.suspect_timeout = ms(v); }
                    }) }
                }
                { edit.toggle("health", say(lang, "health checks every 2 s (Consul)", "每 2 秒健康检查（Consul）"), c.health_interval.is_some(), |s, on| {
                    s.config.health_interval = on.then_some(ms(2_000));
                }) }
            </fieldset>
            { crate::view::switches::breaks(lang, &SWITCHES, &c, on_breaks) }
            <p class="note">{ say(lang, "Changing a setting starts a new run.", "修改设置会开始新的运行。") }</p>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(query: &[(&'static str, &str)], nodes: usize) -> RunConfig {
        RunConfig {
            seed: 1,
            nodes,
            options: Options::of(query.iter().copied()),
        }
    }

    #[test]
    fn a_url_without_options_is_the_seed_notes_setting() {
        let s = Settings::from_run(&run(&[], 16));
        assert_eq!(s, Settings::default());
        assert_eq!(s.config, GossipConfig::seed_notes());
    }

    #[test]
    fn settings_round_trip_through_the_url() {
        let mut config = GossipConfig::anti_entropy(Mode::Pull, 4);
        config.period = ms(500);
        config.jitter = ms(20);
        config.selection = PeerSelection {
            avoid_repeats: false,
            avoid_sender: true,
        };
        config.swim = Some(SwimConfig {
            probe_interval: ms(800),
            probe_timeout: ms(200),
            indirect_probes: 2,
            suspicion: false,
            suspect_timeout: ms(3_000),
            ..SwimConfig::default()
        });
        config.health_interval = Some(ms(2_000));
        config.initial_members = Some(10);
        config.breaks.volatile_store = true;
        let s = Settings {
            config,
            update_at_start: false,
        };
        let url = s.to_run(7, 12);
        assert_eq!(url.options.get("mode"), Some("pull"));
        assert_eq!(url.options.get("select"), Some("not-back"));
        assert_eq!(Settings::from_run(&url), s);

        let rumor = Settings {
            config: GossipConfig {
                backup_every: 5,
                ..GossipConfig::rumor(Mode::PushPull, Stop::Coin, 4, false)
            },
            update_at_start: true,
        };
        assert_eq!(Settings::from_run(&rumor.to_run(1, 16)), rumor);
    }

    /// A period shorter than the default jitter (or a probe interval shorter than the default
    /// probe timeout) shortens the default to fit, where the run was refused and the page
    /// panicked: found by the `link` fuzz target (`?algo=gossip&swim=on&period=1`).
    #[test]
    fn a_short_period_brings_the_defaults_that_must_fit_in_it_down() {
        let s = Settings::from_run(&run(&[("swim", "on"), ("period", "1"), ("probe", "10")], 8));
        let c = s.config;
        assert_eq!((c.period, c.jitter), (ms(10), ms(9)));
        let swim = c.swim.expect("swim=on");
        assert_eq!((swim.probe_interval, swim.probe_timeout), (ms(10), ms(9)));
        assert_eq!(c.problem(), None, "core takes it");
    }

    /// Anything malformed takes its default; numbers are clamped into range.
    #[test]
    fn bad_values_fall_back_or_clamp() {
        let s = Settings::from_run(&run(
            &[
                ("mode", "shout"),
                ("fanout", "99"),
                ("period", "x"),
                ("jitter", "5000"),
                ("k", "0"),
                ("members", "40"),
                ("breaks", "accept-stale,nonsense"),
            ],
            16,
        ));
        let c = s.config;
        assert_eq!(c.mode, Mode::Push);
        assert_eq!(c.fanout, FANOUT.1);
        assert_eq!(c.period, ms(1_000));
        assert_eq!(c.jitter, ms(999));
        assert!(matches!(c.model, Model::Rumor { k: 1, .. }));
        assert_eq!(
            c.initial_members, None,
            "more members than nodes is all of them"
        );
        assert!(c.breaks.accept_stale && !c.breaks.volatile_store);
        assert_eq!(c.problem(), None);
    }
}
