//! One `{{#concord …}}` directive: its words, read into the widget's `data-*` attributes.
//!
//! ```text
//! {{#concord raft seed=7 nodes=5}}                       a protocol and its settings
//! {{#concord tour=raft chapter=election}}                a chapter of a tour
//! {{#concord link="?algo=raft&seed=7#tape=eyJ…"}}        a permalink ("Copy link"), any origin
//! {{#concord gossip nodes=12 controls="play, step"}}     a value with spaces, in quotes
//! ```
//!
//! A bare word names the protocol (`data-concord`); `key=value` becomes `data-key="value"`; a
//! `link` is split into its query (each parameter an attribute, `algo` the protocol) and its
//! `#tape=` fragment (`data-tape`), and words after it override what it says.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A widget's attributes by name without the `data-` prefix; `concord` is the protocol.
#[derive(Debug, Default, PartialEq)]
pub struct Widget {
    attributes: BTreeMap<String, String>,
}

/// Query parameters that make no sense on a widget: the iframe's switch and its origin pin.
const FRAME_ONLY: [&str; 2] = ["embed", "origin"];

impl Widget {
    /// Reads the words between `{{#concord` and `}}`.
    pub fn parse(words: &str) -> Result<Widget, String> {
        let mut widget = Widget::default();
        let mut explicit = BTreeMap::new();
        for word in split_words(words)? {
            match word.split_once('=') {
                None => {
                    check_name(&word)?;
                    if explicit
                        .insert("concord".to_owned(), word.clone())
                        .is_some()
                    {
                        return Err(format!(
                            "`{word}`: only one protocol per widget (a second bare word)"
                        ));
                    }
                }
                Some(("link", link)) => widget.read_link(link)?,
                Some((key, value)) => {
                    check_name(key)?;
                    if key == "concord" || key == "algo" {
                        return Err(format!(
                            "`{word}`: name the protocol as a bare word (`{{{{#concord {value} …}}}}`)"
                        ));
                    }
                    if explicit.insert(key.to_owned(), value.to_owned()).is_some() {
                        return Err(format!("`{key}` is given twice"));
                    }
                }
            }
        }
        // A tour names its protocol when the directive does not.
        if !explicit.contains_key("concord")
            && !widget.attributes.contains_key("concord")
            && let Some(tour) = explicit.get("tour")
        {
            explicit.insert("concord".to_owned(), tour.clone());
        }
        widget.attributes.extend(explicit);
        if !widget.attributes.contains_key("concord") {
            return Err(
                "no protocol: write one (`{{#concord raft …}}`), a `tour=…` or a `link=\"?algo=…\"`"
                    .to_owned(),
            );
        }
        Ok(widget)
    }

    /// A permalink's query and fragment: `https://…/concord/?algo=raft&seed=7#tape=…`, or just
    /// `?algo=raft&seed=7#tape=…`.
    fn read_link(&mut self, link: &str) -> Result<(), String> {
        let (rest, fragment) = link.split_once('#').unwrap_or((link, ""));
        let query = rest.split_once('?').map_or("", |(_, query)| query);
        if query.is_empty() {
            return Err(format!("link `{link}` has no query (`?algo=…`)"));
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent_decode(key)?, percent_decode(value)?);
            check_name(&key)?;
            if FRAME_ONLY.contains(&key.as_str()) {
                continue;
            }
            let key = if key == "algo" { "concord".into() } else { key };
            self.attributes.insert(key, value);
        }
        if let Some(tape) = fragment.strip_prefix("tape=") {
            self.attributes.insert("tape".into(), tape.to_owned());
        } else if !fragment.is_empty() {
            return Err(format!(
                "link `{link}`: its fragment should be `#tape=…` (from Copy link)"
            ));
        }
        Ok(())
    }

    /// The protocol, as `data-concord` says it.
    pub fn protocol(&self) -> &str {
        self.attributes.get("concord").map_or("", String::as_str)
    }

    /// The element: `data-concord` first, then the rest by name; inside, for readers whose page
    /// runs no scripts (a feed, a printout), a link to the full playground under `bundle` (the
    /// bundle's address relative to the chapter).
    pub fn html(&self, bundle: &str) -> String {
        let mut html = format!(
            "<div class=\"concord-widget\" data-concord=\"{}\"",
            escape(self.protocol())
        );
        for (key, value) in self.attributes.iter().filter(|(k, _)| *k != "concord") {
            let _ = write!(html, " data-{key}=\"{}\"", escape(value));
        }
        let _ = write!(
            html,
            "><p><a href=\"{}\">Open the {} playground</a></p></div>",
            escape(&self.full_playground(bundle)),
            escape(self.protocol())
        );
        html
    }

    /// The full playground's address for this widget's run.
    fn full_playground(&self, bundle: &str) -> String {
        let mut query = format!("?algo={}", percent_encode(self.protocol()));
        let mut tape = None;
        for (key, value) in &self.attributes {
            match key.as_str() {
                // `loading` says when the loader mounts the widget: no setting of the run.
                "concord" | "loading" => {}
                "tape" => tape = Some(value),
                _ => {
                    let _ = write!(query, "&{key}={}", percent_encode(value));
                }
            }
        }
        let fragment = tape.map(|t| format!("#tape={t}")).unwrap_or_default();
        format!("{bundle}{query}{fragment}")
    }
}

/// Splits on white space, keeping `key="a value with spaces"` whole (quotes removed).
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if quoted {
        return Err(format!("unclosed quote in `{text}`"));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// Names become `data-` attributes and protocol names: lowercase letters, digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}`: names are lowercase letters, digits, `-` and `_`"
        ))
    }
}

/// Text for an attribute value between double quotes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad percent escape in `{text}`"))?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` is not UTF-8 once decoded"))
}

/// Escapes what a query value cannot hold as it is.
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(words: &str) -> Vec<(String, String)> {
        Widget::parse(words)
            .unwrap()
            .attributes
            .into_iter()
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_protocol_and_its_settings() {
        assert_eq!(
            attributes(" raft seed=7 nodes=5 "),
            pairs(&[("concord", "raft"), ("nodes", "5"), ("seed", "7")])
        );
        assert_eq!(
            attributes("gossip controls=\"play, step\" lang=zh"),
            pairs(&[
                ("concord", "gossip"),
                ("controls", "play, step"),
                ("lang", "zh")
            ])
        );
    }

    #[test]
    fn a_tour_chapter_names_its_protocol() {
        assert_eq!(
            attributes("tour=raft chapter=election"),
            pairs(&[
                ("chapter", "election"),
                ("concord", "raft"),
                ("tour", "raft")
            ])
        );
        assert_eq!(
            attributes("paxos tour=duel"),
            pairs(&[("concord", "paxos"), ("tour", "duel")])
        );
    }

    #[test]
    fn a_permalink_becomes_its_query_and_tape_and_later_words_override_it() {
        assert_eq!(
            attributes(
                "link=\"http://127.0.0.1:8080/?algo=raft&seed=7&nodes=5&embed=1&switches=noop%2Cvote-twice#tape=eyJ9\" nodes=3"
            ),
            pairs(&[
                ("concord", "raft"),
                ("nodes", "3"),
                ("seed", "7"),
                ("switches", "noop,vote-twice"),
                ("tape", "eyJ9"),
            ])
        );
        assert_eq!(
            attributes("link=?algo=paxos&proposers=2"),
            pairs(&[("concord", "paxos"), ("proposers", "2")])
        );
    }

    #[test]
    fn mistakes_are_named() {
        for (words, says) in [
            ("", "no protocol"),
            ("seed=7", "no protocol"),
            ("raft paxos", "only one protocol"),
            ("raft seed=1 seed=2", "given twice"),
            ("raft Seed=1", "lowercase"),
            ("raft algo=paxos", "bare word"),
            ("raft controls=\"play", "unclosed quote"),
            ("link=\"https://x/concord/\"", "no query"),
            ("link=\"?algo=raft#step=3\"", "#tape="),
            ("link=\"?algo=raft&seed=%zz\"", "percent"),
        ] {
            let error = Widget::parse(words).unwrap_err();
            assert!(error.contains(says), "{words:?}: {error}");
        }
    }

    #[test]
    fn the_element_escapes_values_and_links_to_the_same_run() {
        let widget = Widget::parse("raft seed=7 lang=\"zh\" caption=\"<b>&\" tape=eyJ9").unwrap();
        assert_eq!(
            widget.html("../concord/"),
            "<div class=\"concord-widget\" data-concord=\"raft\" data-caption=\"&lt;b&gt;&amp;\" \
             data-lang=\"zh\" data-seed=\"7\" data-tape=\"eyJ9\"><p><a \
             href=\"../concord/?algo=raft&amp;caption=%3Cb%3E%26&amp;lang=zh&amp;seed=7#tape=eyJ9\">\
             Open the raft playground</a></p></div>"
        );
    }

    #[test]
    fn loading_goes_to_the_loader_not_into_the_full_playgrounds_address() {
        let widget = Widget::parse("paxos seed=3 loading=eager").unwrap();
        assert_eq!(
            widget.html(""),
            "<div class=\"concord-widget\" data-concord=\"paxos\" data-loading=\"eager\" \
             data-seed=\"3\"><p><a href=\"?algo=paxos&amp;seed=3\">Open the paxos playground</a>\
             </p></div>"
        );
    }
}
