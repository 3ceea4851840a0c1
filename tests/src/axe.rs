//! Accessibility audits with axe-core: the harness injects `axe.min.js` (npm's `axe-core`,
//! which `cargo xtask test` installs into `target/tools/axe/`) into the page over WebDriver and
//! runs it there, shadow roots included, so widgets are audited too.

use std::fs;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::page::Page;
use crate::{Failure, Outcome};

/// axe's script: `$AXE_CORE`, else where `cargo xtask test` installs it.
pub fn script_path() -> PathBuf {
    std::env::var_os("AXE_CORE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            crate::repo_root().join("target/tools/axe/node_modules/axe-core/axe.min.js")
        })
}

/// Rules checked whatever impact axe gives them: a page without a main landmark, and table
/// headers without text.
const ALWAYS: [&str; 2] = ["landmark-one-main", "empty-table-header"];

/// Injects axe (once per document) and runs it on the whole document. Returns each violation
/// of impact "serious" or "critical", or of a rule checked always (a missing main landmark, an
/// empty table header), as one line: the rule, its help text, and the elements it names (CSS
/// selectors, through shadow roots).
pub async fn serious_violations(page: &Page) -> Outcome<Vec<String>> {
    let path = script_path();
    let source = fs::read_to_string(&path).map_err(|e| {
        Failure::new(format!(
            "cannot read axe-core at {}: {e}; `cargo xtask test` installs it (npm install \
             axe-core), or set AXE_CORE to an axe.min.js",
            path.display()
        ))
    })?;
    page.script(
        "if (!window.axe) { (0, eval)(arguments[0]); } return true;",
        vec![json!(source)],
    )
    .await?;
    let result = page
        .script_async(
            "const done = arguments[arguments.length - 1];\
             const always = arguments[0];\
             axe.run(document, { resultTypes: ['violations'] })\
               .then((r) => done(r.violations\
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical'\
                   || always.includes(v.id))\
                 .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s): ` +\
                   v.nodes.slice(0, 6).map((n) => JSON.stringify(n.target)).join(' '))))\
               .catch((e) => done([`axe failed: ${e}`]));",
            vec![json!(ALWAYS)],
        )
        .await?;
    match result {
        Value::Array(lines) => Ok(lines
            .into_iter()
            .map(|l| l.as_str().unwrap_or_default().to_owned())
            .collect()),
        other => Err(Failure::new(format!("axe.run returned {other}"))),
    }
}
