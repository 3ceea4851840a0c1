//! A chapter's Markdown with its directives replaced by widgets, and the loader's script tag
//! once, before the first widget. Directives inside fenced code blocks stay as written, and so
//! does an escaped one (`\{{#concord …}}`, which loses its backslash), so a chapter can show the
//! syntax.

use crate::directive::Widget;

const OPEN: &str = "{{#concord";
const CLOSE: &str = "}}";

/// What a chapter became.
#[derive(Debug, PartialEq)]
pub struct Expanded {
    pub markdown: String,
    pub widgets: usize,
}

/// Replaces every directive of `markdown`. `bundle` is the bundle's directory relative to the
/// chapter (`concord/`, `../concord/`); an error names the line.
pub fn expand(markdown: &str, bundle: &str) -> Result<Expanded, String> {
    let mut out = String::with_capacity(markdown.len());
    let mut widgets = 0;
    let mut fence: Option<String> = None;
    for (number, line) in markdown.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            fence = Some(marker);
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find(OPEN) {
            let escaped = rest[..at].ends_with('\\');
            out.push_str(&rest[..at - usize::from(escaped)]);
            let after = &rest[at + OPEN.len()..];
            let Some(end) = after.find(CLOSE) else {
                return Err(format!(
                    "line {}: `{OPEN}` without its closing `{CLOSE}` on the same line",
                    number + 1
                ));
            };
            if escaped {
                out.push_str(&rest[at..at + OPEN.len() + end + CLOSE.len()]);
            } else {
                let widget = Widget::parse(&after[..end])
                    .map_err(|e| format!("line {}: {e}", number + 1))?;
                if widgets == 0 {
                    // A module runs once per page however often it is named; one tag is tidier.
                    out.push_str(&format!(
                        "<script type=\"module\" src=\"{bundle}concord.js\"></script>\n"
                    ));
                }
                out.push_str(&widget.html(bundle));
                widgets += 1;
            }
            rest = &after[end + CLOSE.len()..];
        }
        out.push_str(rest);
    }
    Ok(Expanded {
        markdown: out,
        widgets,
    })
}

/// The fence a line opens (three or more backticks or tildes), which only the same run closes.
fn fence_marker(line: &str) -> Option<String> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = line.chars().take_while(|c| *c == first).count();
    (run >= 3).then(|| first.to_string().repeat(run))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "<script type=\"module\" src=\"../concord/concord.js\"></script>\n";

    #[test]
    fn one_script_tag_before_the_first_of_several_widgets() {
        let expanded = expand(
            "# Raft\n\n{{#concord raft seed=7}}\n\ntext\n\n{{#concord paxos}}\n",
            "../concord/",
        )
        .unwrap();
        assert_eq!(expanded.widgets, 2);
        assert_eq!(expanded.markdown.matches(SCRIPT).count(), 1);
        let script = expanded.markdown.find(SCRIPT).unwrap();
        let first = expanded.markdown.find("data-concord=\"raft\"").unwrap();
        let second = expanded.markdown.find("data-concord=\"paxos\"").unwrap();
        assert!(script < first && first < second, "{}", expanded.markdown);
        assert!(expanded.markdown.starts_with("# Raft\n\n<script"));
        assert!(expanded.markdown.contains("</div>\n\ntext\n"));
    }

    #[test]
    fn a_chapter_without_directives_is_left_alone() {
        let text = "# Notes\n\nNo playground {{here}}.\n";
        assert_eq!(
            expand(text, "concord/").unwrap(),
            Expanded {
                markdown: text.into(),
                widgets: 0
            }
        );
    }

    #[test]
    fn code_blocks_and_escaped_directives_stay_as_written() {
        let text = "```markdown\n{{#concord raft}}\n```\n\n~~~~\n{{#concord x}}\n```\n~~~~\n\
                    Write \\{{#concord raft seed=7}} on its own line.\n";
        let expanded = expand(text, "concord/").unwrap();
        assert_eq!(expanded.widgets, 0);
        assert_eq!(
            expanded.markdown,
            text.replace("\\{{#concord raft seed=7}}", "{{#concord raft seed=7}}")
        );
    }

    #[test]
    fn errors_name_the_line() {
        let error = expand("a\n\n{{#concord seed=7}}\n", "concord/").unwrap_err();
        assert!(error.starts_with("line 3: no protocol"), "{error}");
        let error = expand("{{#concord raft\nseed=7}}\n", "concord/").unwrap_err();
        assert!(
            error.contains("line 1") && error.contains("closing"),
            "{error}"
        );
    }
}
