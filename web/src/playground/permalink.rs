//! Permalinks and run files: the URL's query holds the configuration, its fragment
//! (`#tape=1.…`) the interventions and the step the author stood at, as base64url JSON after the
//! format's number. A run file holds the same as JSON, to keep or to share outside a link.
//!
//! Formats are numbered so that every link and file keeps opening: format 0 is what the first
//! releases wrote (a fragment without a number, a file without `format`), read as format 1 is,
//! since the tape itself has not changed. A format newer than [`FORMAT`] is refused in words.
//! `web/tests/golden/` holds links and files of each protocol, replayed by the tests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use concord_core::sim::{History, Protocol, SimError, Tape};
use serde::{Deserialize, Serialize};

use crate::address;
use crate::i18n::{Lang, say, tr};
use crate::refusal;
use crate::run::RunConfig;

const KEY: &str = "tape=";

/// The format links and run files are written in.
pub const FORMAT: u32 = 1;

/// Why a link's or a run file's run cannot be replayed, in words for the reader.
#[derive(Debug, PartialEq)]
pub enum LinkError {
    /// Not base64, or not a tape of this protocol: cut short, changed, or another protocol's.
    Damaged,
    /// Written by a later release, in a format this one does not read.
    Newer(u32),
    /// A tape that reads but does not fit this run: the core's reason.
    Replay(SimError),
    /// A run file that is no run file.
    NotARunFile,
    /// A run file of a protocol this release does not have.
    UnknownProtocol(String),
}

impl LinkError {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            LinkError::Damaged => tr!(
                lang,
                "This link's run could not be read: it was cut short or changed when it was \
                 copied, or made for another protocol. The run starts afresh from the link's \
                 settings.",
                "无法读取这个链接中的运行记录：它在复制时被截断或改动了，或者是为另一种协议生成的。\
                 现在按链接中的设置重新开始运行。"
            ),
            LinkError::Newer(format) => tr!(
                lang,
                "This run was saved by a newer Concord (format {format}; this one reads up to \
                 {FORMAT}). The run starts afresh from its settings.",
                "这个运行记录由更新版本的 Concord 保存（格式 {format}；本版本最多读取格式 {FORMAT}）。\
                 现在按其中的设置重新开始运行。"
            ),
            LinkError::Replay(SimError::NoSuchNode(node)) => tr!(
                lang,
                "This run acts on {node}, which this cluster does not have: it was made for a \
                 larger cluster. The run starts afresh with this page's settings.",
                "这个运行记录操作了 {node}，而当前集群没有这个节点：它是为更大的集群生成的。\
                 现在按本页的设置重新开始运行。"
            ),
            LinkError::Replay(e) => {
                let why = refusal::sim_error(lang, e);
                tr!(
                    lang,
                    "This run does not fit these settings ({why}): it was made with other \
                     settings, or changed. The run starts afresh with this page's settings.",
                    "这个运行记录与当前设置不符（{why}）：它是在别的设置下生成的，或被改动过。\
                     现在按本页的设置重新开始运行。"
                )
            }
            LinkError::NotARunFile => say(
                lang,
                "This file is not a Concord run file.",
                "这个文件不是 Concord 的运行文件。",
            )
            .to_owned(),
            LinkError::UnknownProtocol(algo) => tr!(
                lang,
                "This run file is for {algo:?}, a protocol this Concord does not have.",
                "这个运行文件属于 {algo:?}，而本版本的 Concord 没有这种协议。"
            ),
        }
    }
}

/// The fragment (`#tape=…`) that reproduces `history` on top of the page's query.
pub fn fragment<P: Protocol>(history: &History<P>) -> String {
    tape_fragment(&history.tape())
}

/// The fragment (`#tape=1.…`) of a tape.
pub fn tape_fragment<P: Protocol>(tape: &Tape<P>) -> String {
    let json = serde_json::to_string(tape).unwrap_or_default();
    encode_fragment(&json)
}

pub fn encode_fragment(tape_json: &str) -> String {
    format!("#{KEY}{FORMAT}.{}", URL_SAFE_NO_PAD.encode(tape_json))
}

/// The tape in a fragment, if it holds one; an error says why it could not be read.
pub fn read_fragment<P: Protocol>(hash: &str) -> Option<Result<Tape<P>, LinkError>> {
    Some(
        tape_bytes(hash)?
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|_| LinkError::Damaged)),
    )
}

/// The JSON text of the tape in a fragment, if it holds one, as its format encodes it.
pub fn tape_bytes(hash: &str) -> Option<Result<Vec<u8>, LinkError>> {
    let value = hash.trim_start_matches('#').strip_prefix(KEY)?;
    // Base64url has no `.`: a value without one is format 0.
    let (format, encoded) = match value.split_once('.') {
        Some((format, encoded)) => match format.parse::<u32>() {
            Ok(format) => (format, encoded),
            Err(_) => return Some(Err(LinkError::Damaged)),
        },
        None => (0, value),
    };
    if format > FORMAT {
        return Some(Err(LinkError::Newer(format)));
    }
    Some(
        URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| LinkError::Damaged),
    )
}

/// The page's address with the run's fragment: what "Copy link" copies.
pub fn permalink<P: Protocol>(history: &History<P>) -> String {
    format!(
        "{}{}{}",
        address::base(),
        address::search(),
        fragment(history)
    )
}

/// The forms "Copy embed code" comes in, each showing the run as it stands (the configuration,
/// the interventions and the step) in another page.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum EmbedForm {
    /// An iframe of this page with `embed=1`, for pages that run no scripts of their own.
    Iframe,
    /// The widget loader's script tag and a `<div data-concord …>` (web/embed/concord.js).
    Widget,
    /// `{{#concord raft seed=7 … tape=…}}`, for a chapter of a book built with mdbook-concord.
    Mdbook,
}

/// What "Copy embed code" copies in `form`: the page's query (less what would move the run on:
/// `embed`, `autoplay`, `step`, which the tape replaces) and the run's tape.
pub fn embed_code<P: Protocol>(algo: &str, history: &History<P>, form: EmbedForm) -> String {
    let pairs: Vec<(String, String)> = address::query_pairs(&address::search())
        .into_iter()
        .filter(|(key, _)| !["embed", "autoplay", "step"].contains(&key.as_str()))
        .collect();
    let tape = fragment(history);
    // Settings as `data-*` attributes or directive words, after the protocol (names of any other
    // shape could not be written there).
    let settings = || {
        pairs.iter().filter(|(key, _)| {
            !key.is_empty()
                && key != "algo"
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
    };
    let tape_value = tape.trim_start_matches('#').trim_start_matches(KEY);
    match form {
        EmbedForm::Iframe => {
            let seed = pairs
                .iter()
                .find(|(key, _)| key == "seed")
                .map_or("", |(_, seed)| seed.as_str());
            let query = address::query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let src = format!(
                "{}?embed=1&{}{tape}",
                address::base(),
                query.trim_start_matches('?')
            );
            format!(
                "<iframe src=\"{}\" width=\"640\" height=\"480\" style=\"max-width: 100%; border: 0\" \
                 title=\"Concord: {algo}, seed {seed}\"></iframe>",
                escape_attribute(&src)
            )
        }
        EmbedForm::Widget => {
            // The loader beside this page, which the full playground was built with.
            let base = address::base();
            let directory = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            let mut div = format!("<div data-concord=\"{}\"", escape_attribute(algo));
            for (key, value) in settings() {
                div.push_str(&format!(" data-{key}=\"{}\"", escape_attribute(value)));
            }
            format!(
                "<script type=\"module\" src=\"{}\"></script>\n{div} data-tape=\"{tape_value}\"></div>",
                escape_attribute(&format!("{directory}concord.js"))
            )
        }
        EmbedForm::Mdbook => {
            let mut words = format!("{{{{#concord {algo}");
            for (key, value) in settings() {
                if value.contains('"') || value.contains("}}") {
                    continue;
                }
                if value.is_empty() || value.contains(char::is_whitespace) {
                    words.push_str(&format!(" {key}=\"{value}\""));
                } else {
                    words.push_str(&format!(" {key}={value}"));
                }
            }
            format!("{words} tape={tape_value}}}}}")
        }
    }
}

/// Text for an HTML attribute value between double quotes.
fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A run saved to a file: what the URL's query and fragment hold, as one JSON document.
#[derive(Serialize, Deserialize)]
pub struct RunFile {
    /// [`FORMAT`] when written; 0 for files written before formats were numbered.
    #[serde(default)]
    pub format: u32,
    pub algo: String,
    pub seed: u64,
    pub nodes: usize,
    /// The protocol's own settings, as the URL's `key=value` pairs.
    #[serde(default)]
    pub options: Vec<(String, String)>,
    pub tape: serde_json::Value,
}

/// Offer the run as a JSON file download.
pub fn export<P: Protocol>(
    algo: &str,
    run: &RunConfig,
    history: &History<P>,
) -> Result<(), String> {
    let file = RunFile {
        format: FORMAT,
        algo: algo.to_owned(),
        seed: run.seed,
        nodes: run.nodes,
        options: run
            .options
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        tape: serde_json::to_value(history.tape()).map_err(|e| e.to_string())?,
    };
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    let name = format!("concord-{algo}-seed{}.json", run.seed);
    crate::download::offer(&name, "application/json", &json)
}

/// A run file of a format this release reads, for a protocol it has.
pub fn read_run_file(text: &str) -> Result<RunFile, LinkError> {
    let file: RunFile = serde_json::from_str(text).map_err(|_| LinkError::NotARunFile)?;
    if file.format > FORMAT {
        return Err(LinkError::Newer(file.format));
    }
    if crate::registry::find(&file.algo).is_none() {
        return Err(LinkError::UnknownProtocol(file.algo));
    }
    Ok(file)
}

/// The address that opens a run file: its configuration as the query, its tape as the fragment.
/// A tape that does not fit is told when the address opens, as a link's would be.
pub fn address_of(text: &str, lang: Lang) -> Result<String, LinkError> {
    let (mut pairs, fragment) = opening(&read_run_file(text)?)?;
    // The page's language after the protocol, size and seed, where links name it.
    pairs.insert(3, ("lang".into(), lang.code().into()));
    let query = address::query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(format!("{query}{fragment}"))
}

/// The parameters (its protocol, size, seed and options) and the fragment that open a run file.
pub fn opening(file: &RunFile) -> Result<(Vec<(String, String)>, String), LinkError> {
    let tape = serde_json::to_string(&file.tape).map_err(|_| LinkError::NotARunFile)?;
    let settings = [
        ("algo", file.algo.clone()),
        ("nodes", file.nodes.to_string()),
        ("seed", file.seed.to_string()),
    ];
    let pairs = settings
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .chain(file.options.iter().cloned())
        .collect();
    Ok((pairs, encode_fragment(&tape)))
}

#[cfg(test)]
mod tests {
    use concord_core::gossip::GossipNode;
    use concord_core::paxos::PaxosNode;
    use concord_core::raft::RaftNode;
    use concord_core::sim::Sim;

    use super::*;
    use crate::playground::ProtocolView;
    use crate::run::Options;
    use crate::url::UrlState;

    /// A link and a run file of each protocol as the release before numbered formats wrote them
    /// (format 0), and the state they replayed to when they were made: the step, the virtual time
    /// and an FNV-1a hash of the nodes' state as `Debug` prints it. Every later release opens
    /// them to the same state; a deliberate change to what a run does (which also moves
    /// `core/tests/determinism.rs`'s pinned hash) re-pins `replayed`, and says so.
    const GOLDEN: [(&str, &str); 3] = [
        ("raft", include_str!("../../tests/golden/raft.json")),
        ("gossip", include_str!("../../tests/golden/gossip.json")),
        ("paxos", include_str!("../../tests/golden/paxos.json")),
    ];

    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    fn golden(algo: &str) -> serde_json::Value {
        let (_, text) = GOLDEN.iter().find(|(name, _)| *name == algo).unwrap();
        serde_json::from_str(text).unwrap()
    }

    fn replayed<P: ProtocolView>(sim: &Sim<P>, history_position: usize) -> serde_json::Value {
        serde_json::json!({
            "position": history_position,
            "now": sim.now(),
            "nodes_fnv": format!("{:016x}", fnv1a(format!("{:?}", sim.nodes()).as_bytes())),
        })
    }

    /// Opens the golden link as the page does: its query's settings, its fragment's tape.
    fn open_link<P: ProtocolView>(algo: &str) -> serde_json::Value {
        let link = golden(algo)["link"].as_str().unwrap().to_owned();
        let (query, fragment) = link.split_once('#').unwrap();
        let pairs: Vec<(String, String)> = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let url = UrlState::from_params(&pairs, Some(format!("#{fragment}")));
        assert_eq!(
            url.problems,
            vec![],
            "{algo}: the link's settings read cleanly"
        );
        let tape = read_fragment::<P>(fragment).unwrap().unwrap();
        let history = History::replay(P::new_sim(&url.run()), &tape).unwrap();
        replayed(history.current(), history.position())
    }

    /// Opens the golden run file as an import does.
    fn open_file<P: ProtocolView>(algo: &str) -> serde_json::Value {
        let text = golden(algo)["run_file"].to_string();
        let file = read_run_file(&text).unwrap();
        assert_eq!(file.format, 0);
        let run = RunConfig {
            seed: file.seed,
            nodes: file.nodes,
            options: Options::new(file.options),
        };
        let tape: Tape<P> = serde_json::from_value(file.tape).unwrap();
        let history = History::replay(P::new_sim(&run), &tape).unwrap();
        replayed(history.current(), history.position())
    }

    #[test]
    fn golden_links_and_run_files_of_format_0_replay_to_the_same_state() {
        for (algo, opened) in [
            (
                "raft",
                [open_link::<RaftNode>("raft"), open_file::<RaftNode>("raft")],
            ),
            (
                "gossip",
                [
                    open_link::<GossipNode>("gossip"),
                    open_file::<GossipNode>("gossip"),
                ],
            ),
            (
                "paxos",
                [
                    open_link::<PaxosNode>("paxos"),
                    open_file::<PaxosNode>("paxos"),
                ],
            ),
        ] {
            let expected = &golden(algo)["replayed"];
            assert_eq!(&opened[0], expected, "{algo}: the link");
            assert_eq!(&opened[1], expected, "{algo}: the run file");
        }
    }

    #[test]
    fn todays_fragment_carries_its_format_and_reads_back() {
        let link = golden("paxos")["link"].as_str().unwrap().to_owned();
        let (_, old) = link.split_once('#').unwrap();
        let tape = read_fragment::<PaxosNode>(old).unwrap().unwrap();
        let written = tape_fragment(&tape);
        assert!(written.starts_with("#tape=1."), "{written}");
        assert_eq!(read_fragment::<PaxosNode>(&written), Some(Ok(tape)));
    }

    #[test]
    fn a_damaged_or_newer_link_is_told_in_words() {
        let damaged = read_fragment::<RaftNode>("#tape=1.!!!")
            .unwrap()
            .unwrap_err();
        assert_eq!(damaged, LinkError::Damaged);
        assert!(
            damaged
                .text(Lang::En)
                .starts_with("This link's run could not be read")
        );
        let paxos = golden("paxos")["link"].as_str().unwrap().to_owned();
        let (_, tape) = paxos.split_once('#').unwrap();
        assert_eq!(
            read_fragment::<RaftNode>(tape),
            Some(Err(LinkError::Damaged)),
            "a Paxos tape is no Raft tape"
        );
        let newer = read_fragment::<RaftNode>("#tape=2.e30")
            .unwrap()
            .unwrap_err();
        assert_eq!(newer, LinkError::Newer(2));
        assert!(newer.text(Lang::Zh).contains("格式 2"));
        assert_eq!(read_fragment::<RaftNode>("#other=1"), None);
    }

    #[test]
    fn a_run_file_says_what_is_wrong_with_it() {
        assert_eq!(
            read_run_file("not json").err(),
            Some(LinkError::NotARunFile)
        );
        let future = r#"{"format": 9, "algo": "raft", "seed": 1, "nodes": 3, "tape": {}}"#;
        assert_eq!(read_run_file(future).err(), Some(LinkError::Newer(9)));
        let other = r#"{"algo": "zab", "seed": 1, "nodes": 3, "tape": {}}"#;
        assert_eq!(
            read_run_file(other).err(),
            Some(LinkError::UnknownProtocol("zab".into()))
        );
    }

    #[test]
    fn a_link_for_a_larger_cluster_says_so() {
        let run = |nodes| RunConfig {
            seed: 1,
            nodes,
            options: Options::default(),
        };
        let mut big = History::new(RaftNode::new_sim(&run(5)));
        let crash = concord_core::sim::Input::Act {
            at: 0,
            action: concord_core::sim::Action::Crash(concord_core::sim::NodeId(4)),
        };
        big.apply(crash).unwrap();
        let error = History::replay(RaftNode::new_sim(&run(3)), &big.tape()).unwrap_err();
        let text = LinkError::Replay(error).text(Lang::En);
        assert!(
            text.starts_with("This run acts on S5, which this cluster does not have"),
            "{text}"
        );
    }

    /// The core's reason for refusing a link's run is said in the reader's language, not as
    /// the core's English inside the Chinese notice.
    #[test]
    fn a_link_refused_for_its_settings_says_why_in_the_readers_language() {
        let run = RunConfig {
            seed: 1,
            nodes: 3,
            options: Options::default(),
        };
        let tape = Tape::<RaftNode> {
            marks: Vec::new(),
            tail: concord_core::sim::MAX_TAPE_STEPS + 1,
            position: 0,
        };
        let error = History::replay(RaftNode::new_sim(&run), &tape).unwrap_err();
        let zh = LinkError::Replay(error.clone()).text(Lang::Zh);
        assert!(
            zh.contains("它有 1000001 步，超过了链接最多能重放的 1000000 步"),
            "{zh}"
        );
        assert!(!zh.contains("steps"), "{zh}");
        let en = LinkError::Replay(error).text(Lang::En);
        assert!(
            en.contains("it has 1000001 steps, more than the 1000000 a link may replay"),
            "{en}"
        );
    }
}
