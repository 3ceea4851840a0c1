//! The Lab tab: the papers' published results reproduced in the page, by the same experiments
//! and the same code as `cargo xtask lab` (the `concord-lab` crate), so a seed gives the same
//! report here as on the command line.
//!
//! - [`setup`]: the address's experiment, parameters, trials and seed, and back.
//! - [`runner`]: the run in pieces of a bounded number of steps, in slices of a frame;
//!   progress, time left, cancel.
//! - [`page`]: an experiment's page; [`results`]: its report, tables and downloads;
//!   [`charts`]: its charts.
//! - [`guide`]: what the page says of each experiment, in both languages; [`sentences`]: the
//!   crate's own words in Chinese.

mod charts;
mod guide;
mod page;
mod results;
mod runner;
mod sentences;
pub mod setup;

use yew::prelude::*;

use crate::i18n::{Lang, say, tr};
use crate::run::Options;
use page::ExperimentPage;
use setup::Setup;

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub lang: Lang,
    /// The experiment's name; empty: the list.
    pub name: AttrValue,
    /// Its trials and parameters, as the address gives them.
    pub options: Options,
    pub seed: u64,
    /// The reader changed the setup: its options and seed, for the address.
    pub on_setup: Callback<(Options, u64)>,
}

#[component]
pub fn Lab(p: &LabProps) -> Html {
    let lang = p.lang;
    // An address without trials gets the number used, so that a link copied from it still
    // names the same run if the experiment's default changes.
    let completed = concord_lab::find(&p.name)
        .filter(|_| p.options.get(setup::TRIALS_KEY).is_none())
        .map(|entry| Setup::read(entry, &p.options, p.seed).options());
    {
        let (on_setup, seed) = (p.on_setup.clone(), p.seed);
        use_effect_with(completed, move |completed| {
            if let Some(options) = completed {
                on_setup.emit((options.clone(), seed));
            }
        });
    }
    if p.name.is_empty() {
        return list(lang, None);
    }
    let (Some(entry), Some(guide)) = (concord_lab::find(&p.name), guide::guide(&p.name)) else {
        return list(lang, Some(&p.name));
    };
    let setup = Setup::read(entry, &p.options, p.seed);
    let on_setup = p.on_setup.reform(|s: Setup| (s.options(), s.seed));
    html! {
        <ExperimentPage key={entry.name} {lang} {setup} {guide} {on_setup} />
    }
}

/// Every experiment with its summary; with `unknown`, first a notice that there is no such one.
fn list(lang: Lang, unknown: Option<&str>) -> Html {
    let cards = concord_lab::EXPERIMENTS.iter().map(|entry| {
        let href = format!("?lab={}&lang={}", entry.name, lang.code());
        html! {
            <li class="lab-card" data-experiment={entry.name}>
                <h3><a {href}>{ guide::title(entry, lang) }</a></h3>
                <p>{ guide::summary(entry, lang) }</p>
                <p class="note"><code>{ format!("cargo xtask lab {}", entry.name) }</code></p>
            </li>
        }
    });
    html! {
        <main class="lab lab-list" data-lab-list="">
            if let Some(name) = unknown {
                <div class="notice" role="status" data-unknown-experiment={name.to_owned()}>
                    { tr!(lang, "There is no experiment {:?}: here are those there are.", "没有名为 {:?} 的实验，现有的实验如下。", name) }
                </div>
            }
            <h2>{ say(lang, "The Lab: the papers' results, reproduced", "实验室：复现论文的结果") }</h2>
            <p class="lead">{ say(lang,
                "Each experiment runs many seeded trials of the simulator and sets the paper's numbers beside ours, with notes where the model differs. The same seed gives the same report here and from the command line.",
                "每个实验用模拟器跑许多次带种子的试验，把论文的数字和我们的放在一起，并说明模型与论文不同的地方。同一个种子在这里和在命令行得到同样的报告。") }</p>
            <ul class="lab-cards">{ for cards }</ul>
        </main>
    }
}
