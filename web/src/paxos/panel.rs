//! Under the caption: the "chosen" banner, the acceptor table, the proposers and the learners —
//! the live state of seed 001's table. "Chosen" is read from the engine's audit, which sees a
//! majority of acceptors accept a proposal the moment it happens, before any learner knows
//! (§2.2–2.3).

use concord_core::paxos::{
    AGREEMENT, Chosen, LEARN_ONLY_CHOSEN, ONE_VALUE_PER_NUMBER, PaxosNode, Rule, majority,
};
use concord_core::sim::{NodeId, Sim, StepReport, Violation};
use yew::prelude::*;

use super::text::text;
use super::{num, stage_class, stage_name, value_in_hand};
use crate::i18n::{Lang, say, tr};

fn names(ids: impl IntoIterator<Item = NodeId>) -> String {
    ids.into_iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `step 14 (35.2 ms)`: when step `step` happened.
fn when(lang: Lang, reports: &[StepReport<PaxosNode>], step: u64) -> String {
    // The kept reports are consecutive steps, in order (a long run lets its oldest go).
    let time = reports
        .binary_search_by_key(&step, |r| r.step)
        .ok()
        .and_then(|i| reports.get(i))
        .map(|r| r.time as f64 / 1000.0);
    match time {
        Some(ms) => tr!(
            lang,
            "step {step} ({ms:.1} ms)",
            "第 {step} 步（{ms:.1} ms）"
        ),
        None => tr!(lang, "step {step}", "第 {step} 步"),
    }
}

/// The values of the chosen proposals `id` has accepted, in the order they were chosen: one
/// value normally, two when a break lets a second value be chosen.
pub fn chosen_accepted_by(sim: &Sim<PaxosNode>, id: NodeId) -> Vec<&str> {
    let audit = sim.audit();
    let mut values: Vec<&str> = Vec::new();
    for c in &audit.chosen {
        let accepted = audit
            .accepted_by(c.n)
            .is_some_and(|t| t.acceptors.contains(&id));
        if accepted && !values.contains(&c.value.as_str()) {
            values.push(&c.value);
        }
    }
    values
}

/// The step at which `id` last learned a value, if it did.
fn learned_at(reports: &[StepReport<PaxosNode>], id: NodeId) -> Option<u64> {
    reports
        .iter()
        .rev()
        .find(|r| {
            r.node() == Some(id)
                && r.rules
                    .iter()
                    .any(|rule| matches!(rule, Rule::Learn { .. }))
        })
        .map(|r| r.step)
}

pub fn state_panel(lang: Lang, sim: &Sim<PaxosNode>, reports: &[StepReport<PaxosNode>]) -> Html {
    let x = text(lang);
    let nodes = sim.nodes();
    let Some(first) = nodes.first() else {
        return Html::default();
    };
    let config = &first.state.config;
    let n = nodes.len();
    let audit = sim.audit();
    let acceptors = config.acceptors(n);
    let majority = majority(acceptors.len());
    let chosen = audit.first_chosen();
    let chosen_by = chosen
        .and_then(|c| audit.accepted_by(c.n))
        .map(|t| t.acceptors.clone())
        .unwrap_or_default();
    let conflict = audit.chosen_values().len() > 1;
    let learners: Vec<(NodeId, Option<(String, u64)>)> = config
        .learners(n)
        .into_iter()
        .filter_map(|id| {
            let learned = nodes
                .get(id.index())?
                .state
                .learned()
                .map(|p| p.value.clone());
            Some((id, learned.zip(learned_at(reports, id))))
        })
        .collect();

    let banner = match chosen {
        None => {
            html! { <div class="chosen-banner pending" data-chosen-pending="">{ x.nothing_chosen }</div> }
        }
        Some(c) => {
            let values = audit.chosen_values();
            let detail = chosen_sentence(
                lang,
                c,
                &names(chosen_by.iter().copied()),
                majority,
                acceptors.len(),
                reports,
            );
            let learned: Vec<String> = learners
                .iter()
                .filter_map(|(id, l)| {
                    l.as_ref().map(|(v, step)| {
                        learned_sentence(lang, *id, v, &when(lang, reports, *step))
                    })
                })
                .collect();
            let learned = if learned.is_empty() {
                say(lang, "No learner knows yet.", "还没有 learner 知道。").to_owned()
            } else {
                learned.join(" ")
            };
            let all: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
            if conflict {
                let list = audit
                    .chosen
                    .iter()
                    .map(|c| {
                        tr!(
                            lang,
                            "{} (proposal {}, step {})",
                            "{}（提案 {}，第 {} 步）",
                            c.value,
                            c.n,
                            c.step
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" · ");
                html! {
                    <div class="chosen-banner conflict" data-chosen={c.value.clone()} data-chosen-values={all.join(",")}>
                        <strong>{ x.two_chosen }{ ": " }</strong>{ list }
                    </div>
                }
            } else {
                html! {
                    <div class="chosen-banner" data-chosen={c.value.clone()} data-chosen-values={all.join(",")} data-chosen-step={c.step.to_string()}>
                        <strong>{ x.chosen }{ ": " }<span class="value">{ c.value.clone() }</span></strong>
                        { " " }{ detail }{ " " }{ learned }
                    </div>
                }
            }
        }
    };

    let acceptor_rows = acceptors.iter().map(|&id| {
        let Some(slot) = nodes.get(id.index()) else {
            return Html::default();
        };
        let s = &slot.state.persistent;
        let in_majority = chosen_by.contains(&id);
        // Normally a tick; after a break, which chosen values this acceptor accepted, in order.
        let chosen_here = chosen_accepted_by(sim, id);
        let mark = match (conflict, chosen_here.is_empty()) {
            (_, true) => String::new(),
            (false, false) => "✓".into(),
            (true, false) => chosen_here.join(" → "),
        };
        html! {
            <tr data-acceptor={(id.0 + 1).to_string()} data-accepted-value={s.accepted_value().cloned().unwrap_or_default()}
                class={classes!(in_majority.then_some("in-majority"), (chosen_here.len() > 1).then_some("overwritten"), (!slot.up).then_some("down"))}>
                <th scope="row">{ id.to_string() }
                    if !slot.up { <small>{ format!(" ({})", lang.text().down) }</small> }</th>
                <td>{ num(s.min_proposal) }</td>
                <td>{ num(s.accepted_proposal()) }</td>
                <td class="value">{ s.accepted_value().cloned().unwrap_or_else(|| "—".into()) }</td>
                <td class="mark" title={(!mark.is_empty()).then_some(x.in_majority)}>{ mark }</td>
            </tr>
        }
    });

    let proposer_rows = config.proposers(n).into_iter().map(|id| {
        let Some(slot) = nodes.get(id.index()) else {
            return Html::default();
        };
        let node = &slot.state;
        let p = &node.volatile.proposer;
        let q = node.quorum();
        let stage = if slot.up {
            stage_name(lang, p.stage)
        } else {
            lang.text().down
        };
        html! {
            <tr data-proposer={(id.0 + 1).to_string()} data-stage={stage_class(p.stage)}
                class={classes!(stage_class(p.stage), (!slot.up).then_some("down"))}>
                <th scope="row">{ id.to_string() }</th>
                <td>{ stage }</td>
                <td>{ num(p.n) }</td>
                <td>{ format!("{}/{q}", p.promises.len()) }</td>
                <td>{ format!("{}/{q}", p.accepted.len()) }</td>
                <td class="value">{ value_in_hand(node).unwrap_or("—").to_owned() }</td>
                <td>{ p.retries }</td>
            </tr>
        }
    });

    let learner_rows = learners.iter().map(|(id, learned)| {
        let Some(slot) = nodes.get(id.index()) else {
            return Html::default();
        };
        let l = &slot.state.volatile.learner;
        let heard = l.tallies.values().map(|t| t.acceptors.len()).max().unwrap_or(0);
        let (value, at) = match learned {
            Some((value, step)) => (value.clone(), when(lang, reports, *step)),
            None => ("—".into(), format!("{} {heard}/{}", x.heard, slot.state.quorum())),
        };
        html! {
            <tr data-learner={(id.0 + 1).to_string()} data-learned={learned.as_ref().map(|(v, _)| v.clone()).unwrap_or_default()}
                class={classes!(learned.is_some().then_some("learned"), (!slot.up).then_some("down"))}>
                <th scope="row">{ id.to_string() }</th>
                <td class="value">{ value }</td>
                <td>{ at }</td>
            </tr>
        }
    });

    html! {
        <section class="paxos-state" aria-label="Paxos state">
            { banner }
            <div class="tables">
                <table class="acceptors">
                    <caption>{ x.acceptors }<small>{ format!(" · {} {majority}/{}", majority_word(lang), acceptors.len()) }</small></caption>
                    <thead><tr><td></td><th>{ "min" }<wbr />{ "Proposal" }</th><th>{ "accepted" }<wbr />{ "Proposal" }</th>
                        <th>{ "accepted" }<wbr />{ "Value" }</th><td></td></tr></thead>
                    <tbody>{ for acceptor_rows }</tbody>
                </table>
                <table class="proposers">
                    <caption>{ x.proposers }</caption>
                    <thead><tr><td></td><th>{ x.stage }</th><th>{ x.number }</th><th>{ x.promises }</th><th>{ x.accepted_count }</th><th>{ x.value_in_hand }</th><th>{ x.retries }</th></tr></thead>
                    <tbody>{ for proposer_rows }</tbody>
                </table>
                if !learners.is_empty() {
                    <table class="learners">
                        <caption>{ x.learners }</caption>
                        <thead><tr><td></td><th>{ x.learned }</th><th>{ x.when }</th></tr></thead>
                        <tbody>{ for learner_rows }</tbody>
                    </table>
                }
            </div>
        </section>
    }
}

fn majority_word(lang: Lang) -> &'static str {
    say(lang, "majority", "多数派")
}

fn chosen_sentence(
    lang: Lang,
    c: &Chosen,
    by: &str,
    majority: usize,
    acceptors: usize,
    reports: &[StepReport<PaxosNode>],
) -> String {
    let at = when(lang, reports, c.step);
    tr!(
        lang,
        "Proposal {} reached a majority ({majority} of {acceptors} acceptors) at {at}; accepted by {by}.",
        "提案 {} 在{at}得到多数派接受（{acceptors} 个 acceptor 中的 {majority} 个）；接受者：{by}。",
        c.n
    )
}

fn learned_sentence(lang: Lang, id: NodeId, value: &str, at: &str) -> String {
    tr!(
        lang,
        "{id} learned {value} at {at}.",
        "{id} 在{at}学到了 {value}。"
    )
}

/// The banner's sentence for a broken invariant, in the reader's language, from what the audit
/// and the nodes show; the checker's own words when they no longer show it.
pub fn violation_text(lang: Lang, sim: &Sim<PaxosNode>, v: &Violation) -> String {
    let audit = sim.audit();
    match v.invariant.as_str() {
        AGREEMENT => {
            let first = audit.first_chosen();
            let second = first.and_then(|f| audit.chosen.iter().find(|c| c.value != f.value));
            let (Some(a), Some(b)) = (first, second) else {
                return v.detail.clone();
            };
            let acceptors_of = |n| {
                audit
                    .accepted_by(n)
                    .map(|t| t.acceptors.clone())
                    .unwrap_or_default()
            };
            let (in_a, in_b) = (acceptors_of(a.n), acceptors_of(b.n));
            let both = names(in_a.intersection(&in_b).copied());
            let both = if both.is_empty() {
                String::new()
            } else {
                tr!(lang, "; {both} accepted both", "；{both} 两个都接受了")
            };
            let (first, second) = (&a.value, &b.value);
            let (n1, n2) = (a.n, b.n);
            let (by1, by2) = (names(in_a.iter().copied()), names(in_b.iter().copied()));
            tr!(
                lang,
                "Two values were chosen: {first} (proposal {n1}, accepted by {by1}) and then \
                 {second} (proposal {n2}, accepted by {by2}). Paxos must choose a single value \
                 (§2.1){both}.",
                "选定了两个值：先是 {first}（提案 {n1}，由 {by1} 接受），后是 {second}（提案 {n2}，由 \
                 {by2} 接受）。Paxos 只能选定一个值（§2.1）{both}。"
            )
        }
        LEARN_ONLY_CHOSEN => {
            let claim = v.nodes.first().and_then(|&id| {
                let node = &sim.node(id)?.state;
                node.roles
                    .is_learner()
                    .then(|| node.learned().cloned())
                    .flatten()
                    .into_iter()
                    .chain(
                        node.roles
                            .is_proposer()
                            .then(|| node.proposer_chosen())
                            .flatten(),
                    )
                    .find(|p| !audit.is_chosen(&p.value))
                    .map(|p| (id, p))
            });
            let Some((id, p)) = claim else {
                return v.detail.clone();
            };
            let count = audit.accepted_by(p.n).map_or(0, |t| t.acceptors.len());
            let acceptors = audit.acceptors;
            let majority = audit.majority();
            tr!(
                lang,
                "{id} believes {} is chosen (proposal {}), but only {count} of {acceptors} acceptors accepted it, \
                     fewer than a majority ({majority}). A process must never learn that a value has been chosen \
                     unless it actually has been (§2.1).",
                "{id} 认为 {} 已被选定（提案 {}），但 {acceptors} 个 acceptor 中只有 {count} 个接受了它，\
                     不足多数派（{majority}）。一个值没有真正被选定之前，任何进程都不能得知它被选定（§2.1）。",
                p.value,
                p.n
            )
        }
        ONE_VALUE_PER_NUMBER => tr!(
            lang,
            "One proposal number carries two values; numbers must be unique to their proposer (§2.2). ({})",
            "同一个提案序号带了两个不同的值；提案序号必须由各自的 proposer 唯一生成（§2.2）。（{}）",
            v.detail
        ),
        _ => v.detail.clone(),
    }
}
