//! What a reader downloads: the shipped files raw and gzipped (`gzip -9`, as a server would send
//! them), the bundles they make up against their budgets, and what inside the wasm weighs most.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Result;

/// Files a page loads together, with the size to reach and the ceiling `cargo xtask test`
/// enforces (both gzipped bytes). The ceilings sit a little above today's sizes so growth fails
/// the gate; the goals are issue 17's and are not reached yet (BENCHMARKS.md, "Bundle size").
pub struct Bundle {
    pub name: &'static str,
    pub files: &'static [&'static str],
    pub goal: u64,
    pub ceiling: u64,
}

pub const BUNDLES: [Bundle; 6] = [
    Bundle {
        name: "the full playground",
        files: &[
            "index.html",
            "concord.js",
            "concord-web.js",
            "concord-web_bg.wasm",
        ],
        goal: 300_000,
        ceiling: 950_000,
    },
    // The loader starts the full bundle when a page's widgets name several protocols.
    Bundle {
        name: "a documentation page with widgets of several protocols",
        files: &["concord.js", "concord-web.js", "concord-web_bg.wasm"],
        goal: 300_000,
        ceiling: 950_000,
    },
    // Widgets of one protocol, or an iframe of it (with index.html, 0.8 KB more).
    Bundle {
        name: "a documentation page with Raft widgets",
        files: &["concord.js", "concord-raft.js", "concord-raft_bg.wasm"],
        goal: 150_000,
        ceiling: 478_000,
    },
    Bundle {
        name: "a documentation page with Gossip widgets",
        files: &["concord.js", "concord-gossip.js", "concord-gossip_bg.wasm"],
        goal: 150_000,
        ceiling: 432_000,
    },
    Bundle {
        name: "a documentation page with Paxos widgets",
        files: &["concord.js", "concord-paxos.js", "concord-paxos_bg.wasm"],
        goal: 150_000,
        ceiling: 371_000,
    },
    // The loader starts a widget's bundle as the widget nears the window: until then, this.
    Bundle {
        name: "a documentation page whose widgets are further down than its reader has come",
        files: &["concord.js"],
        goal: 150_000,
        ceiling: 4_000,
    },
];

/// Every file of [`BUNDLES`], once, in the order they first appear.
fn shipped() -> Vec<&'static str> {
    let mut files: Vec<&str> = Vec::new();
    for file in BUNDLES.iter().flat_map(|b| b.files.iter().copied()) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

/// A file's size raw and gzipped at level 9.
fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    let output = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "gzip {} failed ({})",
            path.display(),
            output.status
        ));
    }
    Ok((raw, output.stdout.len() as u64))
}

/// Prints each shipped file of `dist` and each bundle against its budget; returns the bundles
/// over their ceilings, as messages.
pub fn report(dist: &Path) -> Result<Vec<String>> {
    let mut gzipped = BTreeMap::new();
    println!("{:<24} {:>12} {:>12}", "file", "raw", "gzip -9");
    for file in shipped() {
        let (raw, gz) = sizes(&dist.join(file))?;
        println!("{file:<24} {raw:>12} {gz:>12}");
        gzipped.insert(file, gz);
    }
    println!();
    let mut over = Vec::new();
    for bundle in &BUNDLES {
        let total: u64 = bundle.files.iter().map(|f| gzipped[f]).sum();
        println!(
            "{}: {total} bytes gzipped (goal {}, ceiling {})",
            bundle.name, bundle.goal, bundle.ceiling
        );
        if total > bundle.ceiling {
            over.push(format!(
                "{} is {total} bytes gzipped, over its ceiling of {} ({})",
                bundle.name,
                bundle.ceiling,
                bundle.files.join(" + ")
            ));
        }
    }
    Ok(over)
}

/// The crate an item of `twiggy top` belongs to: the first path segment of its name
/// (`<concord_web::…>` → `concord_web`); sections and data segments are their own kind.
fn owner(name: &str) -> &str {
    let name = name
        .trim_start_matches(['<', '&'])
        .trim_start_matches("dyn ");
    match name.split_once("::") {
        Some((head, _)) if head.chars().all(|c| c.is_alphanumeric() || c == '_') => head,
        _ if name.contains("data segment") => "(data segments)",
        _ if name.contains("subsection") || name.contains("section") => "(sections)",
        _ => "(other)",
    }
}

/// Shallow bytes by crate, largest first, from `twiggy top --format csv` (name, shallow size,
/// shallow %, retained size, retained %; the name may hold commas, so split from the right).
pub fn by_crate(csv: &str) -> Vec<(String, u64)> {
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let mut fields = line.rsplitn(5, ',');
        let _ = (fields.next(), fields.next(), fields.next());
        let (Some(size), Some(name)) = (fields.next(), fields.next()) else {
            continue;
        };
        if let Ok(size) = size.parse::<u64>() {
            *totals
                .entry(owner(name.trim_matches('"')).to_owned())
                .or_default() += size;
        }
    }
    let mut totals: Vec<_> = totals.into_iter().collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_belong_to_the_crate_their_path_starts_with() {
        assert_eq!(
            owner(
                "<concord_web::playground::Playground<P> as yew::functional::FunctionProvider>::run"
            ),
            "concord_web"
        );
        assert_eq!(owner("serde_json::de::from_str::h12"), "serde_json");
        assert_eq!(owner("data segment \".rodata\""), "(data segments)");
        assert_eq!(owner("\"function names\" subsection"), "(sections)");
    }

    #[test]
    fn sums_twiggy_rows_by_crate_with_commas_in_names() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   core::fmt::write::h1,100,1.0,,\n\
                   \"<std::collections::HashMap<K, V> as core::fmt::Debug>::fmt\",50,0.5,,\n\
                   yew::html::h2,30,0.3,,\n\
                   core::str::h3,20,0.2,,\n";
        assert_eq!(
            by_crate(csv),
            vec![
                ("core".to_owned(), 120),
                ("std".to_owned(), 50),
                ("yew".to_owned(), 30)
            ]
        );
    }
}
