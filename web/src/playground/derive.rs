//! View models computed from the history: the dots in flight, the pending list, the
//! timeline's marks and bands, the space-time diagram's arrows. Pure functions, so the
//! component only wires them to the views.

use std::collections::BTreeMap;
use std::rc::Rc;

use concord_core::sim::{Action, Envelope, Event, History, MsgId, Pending, Sim, StepReport, Time};

use super::ProtocolView;
use crate::i18n::{Lang, tr};
use crate::view::caption;
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
            title: caption::title::<P>(lang, env).into(),
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
                    (caption::title::<P>(lang, env), kind)
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

/// The timeline's marks, and its bands: runs of steps in the same era, where an era only ever
/// grows (a step from an older term does not take the cluster back to it). Kept between frames
/// and extended by the steps added since, so a long run costs each frame only its new steps.
#[derive(Default)]
pub struct TimelineCache {
    /// The player's [`rewrites`](crate::player::PlayerState::rewrites) it was computed for.
    rewrites: u64,
    /// How many steps it covers.
    steps: usize,
    marks: Rc<Vec<TimelineMark>>,
    bands: Rc<Vec<Band>>,
}

impl TimelineCache {
    /// The marks and bands of `history`, whose player has rewritten its steps `rewrites` times.
    pub fn update<P: ProtocolView>(
        &mut self,
        rewrites: u64,
        history: &History<P>,
    ) -> (Rc<Vec<TimelineMark>>, Rc<Vec<Band>>) {
        // The kept reports are those of steps `from + 1 ..= described`.
        let (from, described) = (history.reports_from(), history.described());
        if rewrites != self.rewrites || described < self.steps {
            *self = TimelineCache {
                rewrites,
                ..TimelineCache::default()
            };
        }
        if described > self.steps {
            // The view holds the previous lists: copy each only if it changes.
            let mut marks = Vec::new();
            let mut bands = self.bands.last().cloned().into_iter().collect::<Vec<_>>();
            let new = history.reports().iter().enumerate();
            for (i, report) in new.skip(self.steps.saturating_sub(from)) {
                let step = from + i + 1;
                if let Some(class) = mark_class(report) {
                    marks.push(TimelineMark { step, class });
                }
                let newer = P::band(report).filter(|&v| bands.last().is_none_or(|b| v > b.value));
                if let Some(value) = newer {
                    bands.push(Band {
                        from: step - 1,
                        to: step,
                        value,
                    });
                }
                if let Some(last) = bands.last_mut() {
                    last.to = step;
                }
            }
            if !marks.is_empty() {
                Rc::make_mut(&mut self.marks).extend(marks);
            }
            if !bands.is_empty() {
                let all = Rc::make_mut(&mut self.bands);
                all.pop();
                all.extend(bands);
            }
            self.steps = described;
        }
        // Marks of steps whose reports the history let go would not come back if computed
        // afresh: drop them, so the timeline draws the same whenever it was computed.
        if self.marks.first().is_some_and(|m| m.step <= from) {
            Rc::make_mut(&mut self.marks).retain(|m| m.step > from);
        }
        (Rc::clone(&self.marks), Rc::clone(&self.bands))
    }
}

/// The timeline's marks with the milestones of the state no report shows
/// ([`ProtocolView::state_milestones`]) added, at their positions in the history.
pub fn with_state_marks<P: ProtocolView>(
    marks: Rc<Vec<TimelineMark>>,
    history: &History<P>,
) -> Rc<Vec<TimelineMark>> {
    let extra: Vec<TimelineMark> = P::state_milestones(history.current())
        .into_iter()
        .map(|step| history.position_after(step))
        .filter(|&step| step > 0)
        .map(|step| TimelineMark {
            step,
            class: "milestone",
        })
        .collect();
    if extra.is_empty() {
        return marks;
    }
    let mut all = (*marks).clone();
    all.extend(extra);
    all.sort_by_key(|m| m.step);
    Rc::new(all)
}

/// A span of virtual time as a reader says it: `4.2 s`, `12 min 05 s`.
fn span(lang: Lang, us: Time) -> String {
    let seconds = us as f64 / 1e6;
    if seconds < 60.0 {
        return tr!(lang, "{seconds:.1} s", "{seconds:.1} 秒");
    }
    let whole = us / 1_000_000;
    let (minutes, seconds) = (whole / 60, whole % 60);
    tr!(
        lang,
        "{minutes} min {seconds:02} s",
        "{minutes} 分 {seconds:02} 秒"
    )
}

/// The steps whose reports the history keeps, `from + 1 ..= to` (see
/// [`History::reports_from`]), and what the timeline says of the others: nothing while it keeps
/// them all.
pub fn kept<P: ProtocolView>(lang: Lang, history: &History<P>) -> (usize, usize, Option<String>) {
    let (from, to, len) = (history.reports_from(), history.described(), history.len());
    // The kept reports carry their steps' times; the run's last step always keeps its own.
    let reports = history.reports();
    let (first, last_described) = (reports.first(), reports.last());
    let time = |report: Option<&StepReport<P>>| report.map_or(0, |r| r.time);
    let end = history.time_of(len).unwrap_or_default();
    let note = if from > 0 {
        let (since, last) = (time(first), end);
        let (since, last) = (span(lang, since), span(lang, last.saturating_sub(since)));
        Some(tr!(
            lang,
            "A long run: only its last {last} (from {since} on) keep their details. Back and the \
             slider still reach every step, but what is drawn from each step's details (the \
             marks on this timeline, the space-time diagram, jumps back to a mark) covers only \
             that stretch.",
            "运行时间很长：只有最后 {last}（从 {since}起）的步骤保留了详情。后退和滑块仍能到达每一步，\
             但依据每一步详情画出的内容（时间线上的标记、时空图、跳回标记）只覆盖这一段。"
        ))
    } else if to < len {
        let until = span(lang, time(last_described));
        Some(tr!(
            lang,
            "The steps after {until} were fast-forwarded without keeping their details: what is \
             drawn from those details (the marks on this timeline, jumps back to a mark) leaves \
             them out.",
            "{until}之后的步骤是快进的，没有保留详情：依据步骤详情画出的内容（时间线上的标记、跳回标记）\
             不包括它们。"
        ))
    } else {
        None
    };
    (from, to, note)
}

/// What the space-time diagram says when its window reaches back before the first kept report:
/// the steps there have no report to draw.
pub fn spacetime_note<P: ProtocolView>(
    lang: Lang,
    history: &History<P>,
    start: f64,
) -> Option<String> {
    let from = history.reports_from();
    let since = history.reports().first()?.time;
    (from > 0 && start < since as f64).then(|| {
        let since = span(lang, since);
        tr!(
            lang,
            "Steps before {since} are no longer kept: the diagram shows what happened after, and \
             the messages still in flight.",
            "{since}之前的步骤已不再保留：图中只画出之后发生的事，以及仍在路上的消息。"
        )
    })
}

/// The arrows and node events of the last `window` µs before `now`.
pub fn spacetime<P: ProtocolView>(
    lang: Lang,
    history: &History<P>,
    now: f64,
    window: f64,
) -> (Vec<Arrow>, Vec<(usize, f64, &'static str)>) {
    let reports = history.reports_so_far();
    let start = now - window;
    let first = reports.partition_point(|r| (r.time as f64) < start);
    // Messages that arrive in the window may have left before it: look further back for sends.
    let sends_from = reports.partition_point(|r| (r.time as f64) < start - window);
    let sent: BTreeMap<MsgId, &Envelope<P::Msg>> = reports
        .get(sends_from..)
        .unwrap_or_default()
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
        title: caption::title::<P>(lang, env).into(),
    };
    let mut arrows = Vec::new();
    let mut events = Vec::new();
    for report in reports.get(first..).unwrap_or_default() {
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
    // In the order of sending (ids are handed out in order), which no delivery changes: each
    // arrow keeps its place among its neighbours from frame to frame, and the keyed list only
    // adds new ones at the end and drops old ones from the start.
    arrows.sort_by_key(|a| a.id);
    (arrows, events)
}

/// A message anywhere in the run so far: in flight, or sent by an earlier step.
pub fn find_message<P: ProtocolView>(history: &History<P>, id: MsgId) -> Option<&Envelope<P::Msg>> {
    history.current().message(id).or_else(|| {
        history
            .reports_so_far()
            .iter()
            .rev()
            .flat_map(|r| r.sent.iter())
            .find(|e| e.id == id)
    })
}

#[cfg(test)]
mod tests {
    use concord_core::raft::{RaftConfig, RaftNode};
    use concord_core::sim::{Input, NodeId, SimConfig};

    use super::*;

    fn marks_and_bands(
        cache: &mut TimelineCache,
        rewrites: u64,
        history: &History<RaftNode>,
    ) -> (Vec<TimelineMark>, Vec<Band>) {
        let (marks, bands) = cache.update(rewrites, history);
        ((*marks).clone(), (*bands).clone())
    }

    #[test]
    fn spans_read_as_seconds_then_minutes() {
        assert_eq!(span(Lang::En, 4_200_000), "4.2 s");
        assert_eq!(span(Lang::Zh, 4_200_000), "4.2 秒");
        assert_eq!(span(Lang::En, 65_000_000), "1 min 05 s");
        assert_eq!(span(Lang::Zh, 3_725_000_000), "62 分 05 秒");
    }

    /// Five Raft servers, seed 7, at their start.
    fn raft_history() -> History<RaftNode> {
        let config = SimConfig {
            seed: 7,
            nodes: 5,
            net: Default::default(),
        };
        History::new(Sim::new(config, &RaftConfig::default()).unwrap())
    }

    /// Once a long run lets its oldest reports go, the timeline says from when on it keeps
    /// them, in both languages, and the marks it draws (those of kept reports) are the same
    /// whether the cache grew with the run or was computed afresh; the space-time diagram says
    /// so only when its window reaches before the kept reports.
    #[test]
    fn a_long_run_says_from_when_on_its_details_are_kept() {
        let mut history = raft_history();
        let mut cache = TimelineCache::default();
        for _ in 0..100 {
            history.apply(Input::Next).unwrap();
        }
        cache.update(0, &history);
        assert_eq!(kept(Lang::En, &history), (0, 100, None));
        // A server crashes and comes back every 5,000 steps: marks all along the run.
        let mut down = false;
        while history.reports_from() == 0 {
            for _ in 0..5_000 {
                history.apply(Input::Next).unwrap();
            }
            let at = history.current().now();
            let action = if down {
                Action::Restart(NodeId(4))
            } else {
                Action::Crash(NodeId(4))
            };
            down = !down;
            history.apply(Input::Act { at, action }).unwrap();
            cache.update(0, &history);
        }
        let (from, to, note) = kept(Lang::En, &history);
        assert_eq!((from, to), (history.reports_from(), history.len()));
        let since = history.reports()[0].time;
        let note = note.unwrap();
        assert!(!note.contains("  "), "{note}");
        assert!(
            note.contains(&format!("(from {} on)", span(Lang::En, since))),
            "{note}"
        );
        let zh = kept(Lang::Zh, &history).2.unwrap();
        assert!(
            zh.contains(&format!("（从 {}起）", span(Lang::Zh, since))),
            "{zh}"
        );

        let (grown, _) = marks_and_bands(&mut cache, 0, &history);
        let (fresh, _) = marks_and_bands(&mut TimelineCache::default(), 0, &history);
        assert_eq!(grown, fresh);
        assert!(fresh.len() > 5 && fresh.iter().all(|m| m.step > from));

        let now = history.current().now() as f64;
        assert!(spacetime_note(Lang::En, &history, now - 1_000.0).is_none());
        let before = spacetime_note(Lang::En, &history, since as f64 - 1.0).unwrap();
        assert!(
            before.starts_with(&format!("Steps before {} ", span(Lang::En, since))),
            "{before}"
        );
    }

    /// Extending the cache step by step gives what computing it afresh gives, and a fork makes
    /// it start over.
    #[test]
    fn the_timeline_cache_matches_a_fresh_computation() {
        let mut history = raft_history();
        let mut cache = TimelineCache::default();
        for _ in 0..6 {
            for _ in 0..100 {
                history.apply(Input::Next).unwrap();
            }
            let grown = marks_and_bands(&mut cache, 0, &history);
            assert_eq!(
                grown,
                marks_and_bands(&mut TimelineCache::default(), 0, &history)
            );
            assert!(!grown.1.is_empty());
        }
        // Crash a server back at step 200: the old future becomes a branch.
        history.seek(200);
        let at = history.current().now();
        history
            .apply(Input::Act {
                at,
                action: Action::Crash(NodeId(0)),
            })
            .unwrap();
        let forked = marks_and_bands(&mut cache, 1, &history);
        assert_eq!(
            forked,
            marks_and_bands(&mut TimelineCache::default(), 1, &history)
        );
        assert!(forked.0.iter().any(|m| m.step == 201 && m.class == "crash"));
    }
}
