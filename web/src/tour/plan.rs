//! A tour played through once, without a screen: where every step starts and ends in its run,
//! and what the answer to each question turns out to be. Runs are deterministic, so this is what
//! the reader will see, and a step's start is a tape: Back restores exactly the state the step
//! began in, and a link to step 12 opens exactly that state.

use concord_core::sim::{
    Action, Event, History, Input, NetConfig, NodeId, Sim, StepReport, Tape, ms,
};

use super::script::{self, Act, Answer, Condition, Step, Tour, TourError};
use crate::playground::ProtocolView;
use crate::run::{Options, RunConfig};

/// The most steps a wait may take: a condition never reached is a mistake in the tour, found
/// when it is planned (by the tests, long before a reader meets it).
pub const MAX_WAIT_STEPS: usize = 20_000;

/// What a protocol adds to tours: its own actions, conditions and answers.
pub trait TourProtocol: ProtocolView {
    /// The message kinds a condition or a highlight may name (the classes the legend shows).
    const MESSAGE_KINDS: &'static [&'static str];
    /// The intervention an action of this protocol's own stands for in state `sim`.
    fn act(act: &Act, sim: &Sim<Self>) -> Result<Action<Self>, String>;
    /// Whether a condition of this protocol's own holds in state `sim`.
    fn holds(condition: &Condition, sim: &Sim<Self>) -> Result<bool, String>;
    /// The node (0-based) that answers the question "which node?" called `pick` in state `sim`:
    /// none when nothing answers it.
    fn pick(pick: &str, sim: &Sim<Self>) -> Result<Option<usize>, String>;
}

/// The right answer to a step's question, as the simulation gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Right {
    /// The node (0-based) to click.
    Node(usize),
    /// The choice (0-based) to pick.
    Choice(usize),
}

/// One step, planned.
#[derive(Clone, Debug)]
pub struct StepPlan<P: TourProtocol> {
    /// The run the step is part of.
    pub run: RunConfig,
    /// The run's inputs up to where the step ends, standing where it starts (after its actions).
    pub tape: Tape<P>,
    /// Where the step starts and ends, in steps of its run.
    pub start: usize,
    pub end: usize,
    pub speed: i32,
    pub right: Option<Right>,
}

/// Play every step of `tour` headless, checking that each condition is reached within
/// [`MAX_WAIT_STEPS`] and each question has exactly one right answer.
pub fn plan<P: TourProtocol>(
    file: &'static str,
    tour: &Tour,
) -> Result<Vec<StepPlan<P>>, TourError> {
    let mut steps = Vec::with_capacity(tour.len());
    let mut current: Option<(RunConfig, History<P>)> = None;
    for (i, (_, step)) in tour.steps().enumerate() {
        let error = |field: &str, message: String| TourError {
            file,
            step: Some(i + 1),
            field: field.to_owned(),
            message,
        };
        if let Some(setup) = &step.setup {
            let run = RunConfig {
                seed: setup.seed,
                nodes: setup.nodes,
                options: Options::new(
                    setup
                        .options
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
            };
            let sim = P::new_sim(&run);
            if sim.nodes().len() < setup.nodes {
                return Err(error(
                    "setup.nodes",
                    format!("{} draws at most {} nodes", P::ALGO, sim.nodes().len()),
                ));
            }
            current = Some((run, History::new(sim)));
        }
        let Some((run, history)) = current.as_mut() else {
            return Err(error("setup", "the first step must set up a run".into()));
        };
        script::check_nodes(step, history.current().nodes().len())
            .map_err(|(field, m)| error(&field, m))?;
        for (a, act) in step.actions.iter().enumerate() {
            let action =
                action(act, history.current()).map_err(|m| error(&format!("actions[{a}]"), m))?;
            let at = history.current().now();
            history
                .apply(Input::Act { at, action })
                .map_err(|e| error(&format!("actions[{a}]"), e.to_string()))?;
        }
        check_names::<P>(step).map_err(|m| error("highlight", m))?;
        let start = history.position();
        let since = (start, history.current().now());
        let reached = match &step.wait {
            Condition::Continue => true,
            wait => {
                holds(wait, None, since, history).map_err(|m| error("wait", m))?
                    || history
                        .forward_until(MAX_WAIT_STEPS, |report, sim| {
                            holds_in(wait, Some(report), since, sim).unwrap_or(false)
                        })
                        .map_err(|e| error("wait", e.to_string()))?
            }
        };
        if !reached {
            return Err(error(
                "wait",
                format!("not reached within {MAX_WAIT_STEPS} steps"),
            ));
        }
        let right = match &step.predict {
            None => None,
            Some(predict) => Some(
                right(&predict.answer, since, history).map_err(|m| error("predict.answer", m))?,
            ),
        };
        let end = history.position();
        let mut tape = history.tape();
        tape.position = start as u64;
        steps.push(StepPlan {
            run: run.clone(),
            tape,
            start,
            end,
            speed: step.speed.unwrap_or(tour.speed),
            right,
        });
    }
    Ok(steps)
}

/// The intervention an action stands for: the ones every protocol shares here, the others by the
/// protocol.
fn action<P: TourProtocol>(act: &Act, sim: &Sim<P>) -> Result<Action<P>, String> {
    let id = |n: usize| NodeId((n - 1) as u16);
    Ok(match act {
        Act::Crash(n) => Action::Crash(id(*n)),
        Act::Restart(n) => Action::Restart(id(*n)),
        Act::Partition(groups) => Action::Partition(
            groups
                .iter()
                .map(|g| g.iter().map(|&n| id(n)).collect())
                .collect(),
        ),
        Act::Heal => Action::Heal,
        Act::Cut([from, to]) => Action::Cut(id(*from), id(*to)),
        Act::Network {
            loss,
            duplicate,
            latency_ms: [min, max],
        } => {
            let config = NetConfig {
                latency_min: ms(*min),
                latency_max: ms(*max),
                loss: *loss,
                duplicate: *duplicate,
            };
            if let Some(problem) = config.problem() {
                return Err(problem.to_string());
            }
            Action::SetNetwork(config)
        }
        Act::DropNext(n) => {
            let next = sim
                .in_flight()
                .filter(|env| env.to == id(*n) && !env.lost)
                .min_by_key(|env| (env.deliver_at, env.id.0))
                .ok_or_else(|| format!("no message is on its way to S{n}"))?;
            Action::Drop(next.id)
        }
        Act::Timeout(_) | Act::Client { .. } | Act::Propose { .. } | Act::Write { .. } => {
            P::act(act, sim)?
        }
    })
}

/// Whether `condition` holds now, the run having gone from `since` (position, time) to here.
fn holds<P: TourProtocol>(
    condition: &Condition,
    report: Option<&StepReport<P>>,
    since: (usize, u64),
    history: &History<P>,
) -> Result<bool, String> {
    let report = report.or_else(|| {
        // The step that led here counts only if it was taken within this wait.
        (history.position() > since.0)
            .then(|| history.last_report())
            .flatten()
    });
    holds_in(condition, report, since, history.current())
}

/// Whether `condition` holds in `sim`, reached by the step `report` describes. A tour's run
/// starts with its history, so the engine's step count is the position in it.
fn holds_in<P: TourProtocol>(
    condition: &Condition,
    report: Option<&StepReport<P>>,
    (from, at): (usize, u64),
    sim: &Sim<P>,
) -> Result<bool, String> {
    let taken = (sim.steps() as usize).saturating_sub(from);
    Ok(match condition {
        Condition::Continue => true,
        Condition::Steps(n) => taken as u64 >= *n,
        Condition::TimeMs(t) => sim.now().saturating_sub(at) >= ms(*t),
        Condition::Delivered { kind, to } => report.is_some_and(|r| match &r.event {
            Event::Delivered(env) => {
                P::dot_class(&env.msg) == kind && to.is_none_or(|n| env.to.index() == n - 1)
            }
            _ => false,
        }),
        Condition::Violation => !sim.violations().is_empty(),
        Condition::Not(inner) => !holds_in(inner, report, (from, at), sim)?,
        Condition::Candidate
        | Condition::Leader
        | Condition::LeaderIs(_)
        | Condition::Committed(_)
        | Condition::OpCommitted(_)
        | Condition::Chosen
        | Condition::ChosenValue(_)
        | Condition::Proposed { .. }
        | Condition::ProposerKnows(_)
        | Condition::Learned
        | Condition::Retries { .. }
        | Condition::Converged
        | Condition::RoundOver(_)
        | Condition::ConvergedIn(_)
        | Condition::Holding(_)
        | Condition::SpreadStopped
        | Condition::Suspected(_)
        | Condition::KnownDead(_) => P::holds(condition, sim)?,
    })
}

/// The right answer to a question, in the state the step ends in.
fn right<P: TourProtocol>(
    answer: &Answer,
    since: (usize, u64),
    history: &History<P>,
) -> Result<Right, String> {
    match answer {
        Answer::Node(pick) => P::pick(pick, history.current())?
            .map(Right::Node)
            .ok_or_else(|| format!("when the step ends, no node answers {pick:?}")),
        Answer::Choice(choices) => {
            let mut right = None;
            for (c, choice) in choices.iter().enumerate() {
                if holds(&choice.holds, None, since, history)? {
                    if let Some(first) = right {
                        return Err(format!("choices {first} and {c} both hold"));
                    }
                    right = Some(c);
                }
            }
            right
                .map(Right::Choice)
                .ok_or_else(|| "no choice holds when the step ends".into())
        }
    }
}

/// Every message kind the step names is one the protocol has.
fn check_names<P: TourProtocol>(step: &Step) -> Result<(), String> {
    let kinds = step.highlight.message.iter().chain(match &step.wait {
        Condition::Delivered { kind, .. } => Some(kind),
        _ => None,
    });
    for kind in kinds {
        if !P::MESSAGE_KINDS.contains(&kind.as_str()) {
            return Err(format!(
                "{} has no message kind {kind:?} (it has {})",
                P::ALGO,
                P::MESSAGE_KINDS.join(", ")
            ));
        }
    }
    Ok(())
}
