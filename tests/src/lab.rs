//! The Lab tab's DOM contract, as the suites see it:
//!
//! - an experiment's page is `main[data-lab="<experiment>"]`, its title `[data-lab-title]`; the
//!   list is `main[data-lab-list]`, one `li[data-experiment="<name>"]` per experiment;
//! - each parameter is `input[data-param="<name>"]`, the trials and seed
//!   `input[data-control="trials" | "seed"]`; a setup that cannot run shows `[data-lab-error]`;
//! - `[data-action="lab-run"]` and `[data-action="lab-cancel"]`;
//! - `[data-lab-progress]` carries `data-state` (`running`, `done`, `cancelled`, `failed`),
//!   `data-done`, `data-total`, `data-elapsed-ms` and `data-longest-slice-ms` (the longest
//!   slice of trials a frame waited for);
//! - `[data-lab-results]` (with `data-done`, the trials in every row) holds one
//!   `[data-table="<name>"] table` per table, each cell `td[data-key="<column>"]`, the column
//!   heads `th[data-key]`, a `[data-export="csv"][data-table="<name>"]` button each, and
//!   `[data-export="json"]`; the command that prints the same is `[data-lab-command]`.
//!
//! Downloads are caught in the page ([`Page::catch_downloads`]): the name, media type and text
//! of each file the page offers, as it hands them to the browser.

use std::time::Duration;

use serde_json::{Value, json};

use crate::page::{Page, Wait};
use crate::{Failure, Outcome};

/// Where a run stands, as `[data-lab-progress]` says.
#[derive(Clone, Debug, PartialEq)]
pub struct LabProgress {
    pub state: String,
    pub done: u64,
    pub total: u64,
    pub elapsed_ms: f64,
    pub longest_slice_ms: f64,
    /// Slices run between frames, and pieces of a bounded number of steps within them.
    pub slices: u64,
    pub pieces: u64,
}

/// A file the page offered for download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub mime: String,
    pub text: String,
}

impl Page {
    /// Opens another address in the same browser and waits until the Lab has drawn
    /// `experiment`'s page (or the list, for `""`).
    pub async fn goto_lab(&self, address: &str, experiment: &str) -> Outcome {
        self.browser().goto(address).await?;
        self.wait_for_lab(experiment).await
    }

    /// Waits until the Lab has drawn an experiment's page (or the list, for `""`).
    pub async fn wait_for_lab(&self, experiment: &str) -> Outcome {
        let selector = if experiment.is_empty() {
            "[data-lab-list]".to_owned()
        } else {
            format!("[data-lab=\"{experiment}\"]")
        };
        self.poll(
            &format!("the Lab's {selector}"),
            crate::page::LOAD_TIMEOUT,
            async || {
                Ok(if self.exists(&selector).await? {
                    Wait::Done(())
                } else {
                    Wait::NotYet("not drawn".into())
                })
            },
        )
        .await
    }

    /// The run's progress, once a run has started.
    pub async fn lab_progress(&self) -> Outcome<Option<LabProgress>> {
        let v = self
            .script(
                "const p = document.querySelector('[data-lab-progress]');\
                 return p ? ['state', 'done', 'total', 'elapsed-ms', 'longest-slice-ms', 'slices', 'pieces']\
                   .map(k => p.getAttribute('data-' + k)) : null;",
                vec![],
            )
            .await?;
        let Some(a) = v.as_array() else {
            return Ok(None);
        };
        let text = |i: usize| a[i].as_str().unwrap_or_default().to_owned();
        let num = |i: usize| text(i).parse::<f64>().unwrap_or(f64::NAN);
        Ok(Some(LabProgress {
            state: text(0),
            done: num(1) as u64,
            total: num(2) as u64,
            elapsed_ms: num(3),
            longest_slice_ms: num(4),
            slices: num(5) as u64,
            pieces: num(6) as u64,
        }))
    }

    /// Waits (up to `timeout`) until the run's state is `state`, and returns its progress.
    pub async fn wait_for_lab_state(&self, state: &str, timeout: Duration) -> Outcome<LabProgress> {
        self.poll(&format!("the run to be {state}"), timeout, async || {
            Ok(match self.lab_progress().await? {
                Some(p) if p.state == state => Wait::Done(p),
                Some(p) if p.state == "failed" => {
                    let why = self.text("[data-lab-progress]").await?.unwrap_or_default();
                    return Err(Failure::new(format!("the run failed: {why}")));
                }
                Some(p) => Wait::NotYet(format!("{} at {} of {}", p.state, p.done, p.total)),
                None => Wait::NotYet("no run".into()),
            })
        })
        .await
    }

    /// The text of every cell of table `name`, row by row.
    pub async fn lab_table(&self, name: &str) -> Outcome<Vec<Vec<String>>> {
        let v = self
            .script(
                "const t = document.querySelector(`[data-table=\"${arguments[0]}\"] table`);\
                 return t ? [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent)) : null;",
                vec![json!(name)],
            )
            .await?;
        let rows = v
            .as_array()
            .ok_or_else(|| Failure::new(format!("no table {name} on the page")))?;
        Ok(rows
            .iter()
            .map(|r| {
                r.as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| c.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .collect())
    }

    /// The column heads of table `name`, as shown.
    pub async fn lab_heads(&self, name: &str) -> Outcome<Vec<String>> {
        let v = self
            .script(
                "return [...document.querySelectorAll(`[data-table=\"${arguments[0]}\"] th`)]\
                   .map(h => h.textContent);",
                vec![json!(name)],
            )
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .map(|h| h.as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// From now on, keep every file the page offers for download (its name, media type and
    /// contents) for [`Page::downloads`], and let the download go ahead.
    pub async fn catch_downloads(&self) -> Outcome {
        self.script(
            "window.__downloads = [];\
             const blobs = new Map();\
             const create = URL.createObjectURL;\
             URL.createObjectURL = function (blob) { const url = create.call(URL, blob); blobs.set(url, blob); return url; };\
             const click = HTMLAnchorElement.prototype.click;\
             HTMLAnchorElement.prototype.click = function () {\
               const blob = blobs.get(this.href);\
               if (this.download && blob) window.__downloads.push({ name: this.download, mime: blob.type, text: blob.text() });\
               return click.call(this);\
             };\
             return true;",
            vec![],
        )
        .await?;
        Ok(())
    }

    /// The files offered since [`Page::catch_downloads`], in order.
    pub async fn downloads(&self) -> Outcome<Vec<Download>> {
        let v: Value = self
            .browser()
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 Promise.all((window.__downloads || []).map(async d => [d.name, d.mime, await d.text]))\
                   .then(done, e => done(String(e)));",
                vec![],
            )
            .await?;
        let files = v
            .as_array()
            .ok_or_else(|| Failure::new(format!("reading the downloads: {v}")))?;
        Ok(files
            .iter()
            .map(|f| {
                let part = |i: usize| f[i].as_str().unwrap_or_default().to_owned();
                Download {
                    name: part(0),
                    mime: part(1),
                    text: part(2),
                }
            })
            .collect())
    }
}
