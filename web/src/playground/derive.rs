//! View models computed from the history: the dots in flight, the pending list, the
//! timeline's marks and bands, the space-time diagram's arrows. Pure functions, so the
//! component only wires them to the views.

use std::collections::BTreeMap;

use concord_core::sim::{Action, Envelope, Event, History, MsgId, Pending, Sim, StepReport};

use super::ProtocolView;
use crate::i18n::Lang;
use crate::view::cluster::Dot;
use crate::view::pending::{PendingKind, PendingRow};
use crate::view::spacetime::Arrow;
use crate::view::timeline::{Band, TimelineMark};

pub fn dots<P: ProtocolView>(lang: Lang, sim: &Sim<P>, now: f64) -> Vec<Dot> {
    sim.in_flight()
        .map(|env| Dot {
            id: env.id.0,
            from: env.from.index(),
            to: env.to.index(),
            progress: (now - env.sent_at as f64) / (env.deliver_at - env.sent_at).max(1) as f64,
            class: P::dot_class(&env.msg).into(),
            title: P::msg_title(lang, env).into(),
            lost: env.lost,
        })
        .collect()
}

/// The first `limit` pending events, earliest first.
pub fn pending<P: ProtocolView>(lang: Lang, sim: &Sim<P>, limit: usize) -> Vec<PendingRow> {
    sim.pending()
        .take(limit)
        .filter_map(|(time, pending)| {
            let (label, kind) = match pending {
                Pending::Deliver(id) => {
                    let env = sim.message(*id)?;
                    let kind = PendingKind::Message {
                        id: id.0,
                        class: P::dot_class(&env.msg),
                    };
                    (P::msg_title(lang, env), kind)
                }
                Pending::Timer(node, timer) => {
                    let slot = sim.node(*node)?;
                    let index = slot.timers().keys().position(|t| t == timer)?;
                    let label = format!("{node} · {}", P::timer_name(lang, timer));
                    let kind = PendingKind::Timer {
                        node: node.index(),
                        timer: index,
                    };
                    (label, kind)
                }
            };
            Some(PendingRow {
                time,
                label: label.into(),
                kind,
            })
        })
        .collect()
}

/// What kind of mark a step leaves on the timeline, if any.
pub fn mark_class<P: ProtocolView>(report: &StepReport<P>) -> Option<&'static str> {
    if !report.violations.is_empty() {
        return Some("violation");
    }
    if let Event::Acted(action) = &report.event {
        return Some(match action {
            Action::Crash(_) | Action::Restart(_) => "crash",
            Action::Command(..) => "command",
            Action::SetNetwork(_)
            | Action::Cut(..)
            | Action::Uncut(..)
            | Action::Partition(_)
            | Action::Heal => "network",
            Action::Deliver(_)
            | Action::Drop(_)
            | Action::Duplicate(_)
            | Action::Delay(..)
            | Action::Fire(..) => "manual",
        });
    }
    P::milestone(report).map(|_| "milestone")
}

/// Whether `[` and `]` stop at this step.
pub fn is_marked<P: ProtocolView>(report: &StepReport<P>) -> bool {
    mark_class(report).is_some()
}

/// What the timeline's marks and bands depend on: the recorded run (its length, its last step,
/// its branches). Equal shapes give equal marks, so the view recomputes them only when it changes.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RunShape {
    len: usize,
    last: Option<(u64, u64)>,
    branches: usize,
}

impl RunShape {
    pub fn of<P: ProtocolView>(history: &History<P>) -> Self {
        RunShape {
            len: history.len(),
            last: history.reports().last().map(|r| (r.step, r.time)),
            branches: history.branches().len(),
        }
    }
}

/// The timeline's marks, and its bands: runs of steps in the same era, where an era only ever
/// grows (a step from an older term does not take the cluster back to it).
pub fn timeline<P: ProtocolView>(history: &History<P>) -> (Vec<TimelineMark>, Vec<Band>) {
    let mut marks = Vec::new();
    let mut bands: Vec<Band> = Vec::new();
    for (i, report) in history.reports().iter().enumerate() {
        let step = i + 1;
        if let Some(class) = mark_class(report) {
            marks.push(TimelineMark { step, class });
        }
        let newer = P::band(report).filter(|&v| bands.last().is_none_or(|b| v > b.value));
        if let Some(value) = newer {
            bands.push(Band {
                from: i,
                to: step,
                value,
            });
        }
        if let Some(last) = bands.last_mut() {
            last.to = step;
        }
    }
    (marks, bands)
}

/// The arrows and node events of the last `window` µs before `now`.
pub fn spacetime<P: ProtocolView>(
    lang: Lang,
    history: &History<P>,
    now: f64,
    window: f64,
) -> (Vec<Arrow>, Vec<(usize, f64, &'static str)>) {
    let reports = &history.reports()[..history.position()];
    let start = now - window;
    let first = reports.partition_point(|r| (r.time as f64) < start);
    // Messages that arrive in the window may have left before it: look further back for sends.
    let sends_from = reports.partition_point(|r| (r.time as f64) < start - window);
    let sent: BTreeMap<MsgId, &Envelope<P::Msg>> = reports[sends_from..]
        .iter()
        .flat_map(|r| r.sent.iter().map(|e| (e.id, e)))
        .collect();
    let arrow = |env: &Envelope<P::Msg>, end_at: f64, reach: f64, dropped: bool| Arrow {
        id: env.id.0,
        from: env.from.index(),
        to: env.to.index(),
        sent_at: env.sent_at as f64,
        end_at,
        reach,
        class: P::dot_class(&env.msg),
        dropped,
        title: P::msg_title(lang, env).into(),
    };
    let mut arrows = Vec::new();
    let mut events = Vec::new();
    for report in &reports[first..] {
        let t = report.time as f64;
        match &report.event {
            Event::Delivered(env) => arrows.push(arrow(env, t, 1.0, false)),
            Event::Dropped(env, _) => arrows.push(arrow(env, t, 1.0, true)),
            Event::TimerFired(node, _) => events.push((node.index(), t, "timer")),
            Event::Acted(Action::Deliver(id)) => {
                if let Some(env) = sent.get(id) {
                    arrows.push(arrow(env, t, 1.0, false));
                }
            }
            Event::Acted(Action::Drop(id)) => {
                if let Some(env) = sent.get(id) {
                    let reach =
                        (t - env.sent_at as f64) / (env.deliver_at - env.sent_at).max(1) as f64;
                    arrows.push(arrow(env, t, reach.clamp(0.0, 1.0), true));
                }
            }
            Event::Acted(Action::Crash(node)) => events.push((node.index(), t, "crash")),
            Event::Acted(Action::Restart(node)) => events.push((node.index(), t, "restart")),
            Event::Acted(_) => {}
        }
    }
    for env in history.current().in_flight() {
        let span = (env.deliver_at - env.sent_at).max(1) as f64;
        let reach = ((now - env.sent_at as f64) / span).clamp(0.0, 1.0);
        arrows.push(arrow(env, now, reach, false));
    }
    (arrows, events)
}

/// A message anywhere in the run so far: in flight, or sent by an earlier step.
pub fn find_message<P: ProtocolView>(history: &History<P>, id: MsgId) -> Option<&Envelope<P::Msg>> {
    history.current().message(id).or_else(|| {
        history.reports()[..history.position()]
            .iter()
            .rev()
            .flat_map(|r| r.sent.iter())
            .find(|e| e.id == id)
    })
}
