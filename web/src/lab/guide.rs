//! What the page says about each experiment, one row each: its title and summary in Chinese (the
//! crate gives the English), a paragraph in both languages on what it reproduces and with which
//! setup, its parameters' help in Chinese, and its charts.

use concord_lab::{Entry, Report};
use yew::Html;

use super::charts;
use crate::i18n::Lang;

pub struct Guide {
    /// The experiment's name, as the crate lists it.
    pub name: &'static str,
    pub title_zh: &'static str,
    pub summary_zh: &'static str,
    /// What it reproduces, which setup does, what the knobs change: English, Chinese.
    pub about: (&'static str, &'static str),
    /// Each parameter's help in Chinese, in the experiment's order.
    pub params_zh: &'static [(&'static str, &'static str)],
    pub charts: fn(&Report, Lang) -> Html,
}

/// Guides are the same when they guide the same experiment.
impl PartialEq for Guide {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

const GUARDS_ZH: &str = "plain（都不开）、prevote、checkquorum 或 both（都开）";
const LOSS_ZH: &str = "消息丢失的概率";
const TIMEOUTS_ZH: &str = "选举超时范围，毫秒";
const LATENCY_ZH: &str = "单程网络延迟，毫秒";

pub const GUIDES: &[Guide] = &[
    Guide {
        name: "raft-figure16",
        title_zh: "Raft：替换崩溃的 leader 需要多久（图 16）",
        summary_zh: "leader 崩溃到新 leader 产生的时间，按选举超时范围，与论文的图 16 对照",
        about: (
            "The paper crashed the leader of a five-server LogCabin cluster a thousand times per election timeout range and timed how long the others went without a leader (§9.3). The default setup is the one that reproduces it: one-way latency 2–3 ms, no disk delay, and followers' logs of different lengths at the crash, as in the paper's benchmark. Every range but 150–151 ms then comes within 25 % of the paper's median, and at 150–150 ms no election succeeds within 10 s. The disk write before answering is a knob of its own (persist, ms per write): a candidate, each voter and the new leader each wait for a write before they send, so every election takes about three writes longer and, where the timeouts spread little, many more votes split; at 150–155 ms, writes of 1–2 ms nearly double the median.",
            "论文让五台服务器的 LogCabin 集群的 leader 崩溃，每个选举超时范围各一千次，测量其余服务器多久没有 leader（§9.3）。默认设置就是复现它的设置：单程延迟 2–3 毫秒，没有磁盘延迟，崩溃时各 follower 的日志长度不同（与论文的基准测试一样）。这样除 150–151 毫秒外，每个范围的中位数都与论文相差不到 25 %，而 150–150 毫秒在 10 秒内没有一次选举成功。应答前的磁盘写入是一个单独的旋钮（persist，每次写入的毫秒数）：candidate、每个投票者和新 leader 在发送之前都要等一次写入，所以每次选举大约多花三次写入的时间；在超时随机范围很小的地方，被瓜分的选票会多得多——150–155 毫秒时，1–2 毫秒的写入几乎让中位数翻倍。",
        ),
        params_zh: &[
            ("ranges", "选举超时范围，毫秒，用逗号分隔"),
            ("latency", "单程网络延迟，毫秒，每条消息均匀抽取"),
            (
                "persist",
                "应答前写入稳定存储（任期、投票、条目）的时间，毫秒，每次写入均匀抽取（0：不花时间，即复现论文的设置）",
            ),
            ("servers", "集群规模"),
            (
                "logs",
                "uneven（崩溃时各 follower 的日志长度不同，与论文一致）或 equal",
            ),
            ("cap", "崩溃后过了这么久仍没有 leader，就结束该次试验，毫秒"),
        ],
        charts: charts::figure16,
    },
    Guide {
        name: "raft-availability",
        title_zh: "Raft：丢包下的 leader 可用性",
        summary_zh: "有能提交的 leader 的时间比例随丢包率的变化，开启和关闭 PreVote 与 CheckQuorum（博士论文 §9.6、§6.2）",
        about: (
            "Lost heartbeats make followers time out and start elections, and every election is time without a leader that can commit. This measures how much of a minute the cluster can commit, as message loss rises, with PreVote (thesis §9.6: a server first asks whether it could win) and CheckQuorum (§6.2) on and off. The thesis argues this without numbers: these are ours.",
            "丢失的心跳会让 follower 超时并发起选举，而每次选举都是一段没有能提交的 leader 的时间。这里测量随着丢包率上升，集群在一分钟里有多少时间能够提交，分别开启和关闭 PreVote（博士论文 §9.6：服务器先问问自己能否赢）与 CheckQuorum（§6.2）。博士论文只做了论证，没有给出数字：这些数字是我们自己的。",
        ),
        params_zh: &[
            ("guards", GUARDS_ZH),
            ("loss", LOSS_ZH),
            ("servers", "集群规模"),
            ("timeouts", TIMEOUTS_ZH),
            ("heartbeat", "心跳间隔，毫秒"),
            ("latency", LATENCY_ZH),
            ("duration", "测量的虚拟时间窗口，毫秒"),
        ],
        charts: charts::availability,
    },
    Guide {
        name: "raft-rejoin",
        title_zh: "Raft：被分区或被移除的服务器回来了",
        summary_zh: "网络恢复时，被分区的服务器、或在隔离期间被移除的服务器造成的任期增长、选举和损失的时间，开启和关闭 PreVote 与 CheckQuorum（博士论文 §9.6、§4.2.3）",
        about: (
            "A follower is cut off alone, keeps timing out, and comes back. Still a member (partitioned), it returns with a high term and deposes the leader unless PreVote kept its term down (thesis §9.6). Removed from the configuration while away (§4.2.3), it is never sent anything again and times out for ever: without a guard each of its elections deposes the leader; CheckQuorum, and PreVote, each stop it.",
            "一个 follower 被单独隔离，不停地超时，然后回来了。如果它仍是成员（被分区），它会带着很高的任期回来，赶下 leader——除非 PreVote 让它的任期没有增长（博士论文 §9.6）。如果它在离开期间被移出配置（§4.2.3），就再也不会有人给它发消息，它会永远超时下去：没有防护时，它的每次选举都会赶下 leader；CheckQuorum 和 PreVote 各自都能阻止它。",
        ),
        params_zh: &[
            (
                "kinds",
                "partitioned（被隔离：隔离，然后恢复）或 removed（被移出配置：隔离期间被移出配置，然后恢复）",
            ),
            ("guards", GUARDS_ZH),
            ("servers", "集群规模"),
            ("timeouts", TIMEOUTS_ZH),
            ("heartbeat", "心跳间隔，毫秒"),
            ("latency", LATENCY_ZH),
            ("partition", "一个 follower 被隔离的时长，毫秒"),
            ("after", "网络恢复后继续观察的时长，毫秒"),
        ],
        charts: charts::none,
    },
    Guide {
        name: "gossip-spread",
        title_zh: "Gossip：不同集群规模下完全收敛所需的轮数",
        summary_zh: "直到每个节点都持有一个更新的轮数和时间，n = 10 到 10,000，push / pull / push-pull，与平均场模型和 Pittel 的结果对照（Demers 等人 §1.3）",
        about: (
            "Anti-entropy carries one update to every node; how many rounds does it take as the cluster grows from 10 to 10,000 nodes? Measured means beside the mean-field model of lockstep rounds (dashed) and Pittel's log2 n + ln n for push: from n = 30 on they agree within 10 %. With jitter the rounds are no longer lockstep and pull and push-pull run ahead of the model. The 10,000-node trials take seconds each, and the page waits for each one: choose fewer sizes to keep it lively.",
            "反熵把一个更新传给每个节点；随着集群从 10 个节点增长到 10,000 个，需要多少轮？实测均值与同步轮次的平均场模型（虚线）以及 push 的 Pittel 公式 log2 n + ln n 对照：从 n = 30 起相差在 10 % 以内。加上抖动后轮次不再同步，pull 和 push-pull 会跑在模型前面。10,000 个节点的试验每次要花几秒，页面会等每一次跑完：少选几个规模，页面就更灵敏。",
        ),
        params_zh: &[
            ("modes", "push、pull 或 push-pull"),
            ("fanout", "每轮联系的节点数"),
            ("n", "集群规模"),
            (
                "jitter",
                "节点每轮的开始时间最多推迟这么久，毫秒（0：同步轮次，即理论的模型）",
            ),
            ("loss", LOSS_ZH),
            ("max-rounds", "超过这么多轮就结束该次试验"),
        ],
        charts: charts::spread,
    },
    Guide {
        name: "gossip-rumor",
        title_zh: "Gossip：谣言传播的残留率与流量（Demers 等人的表 1 和表 2）",
        summary_zh: "n = 1,000 时，计数器/硬币 × 反馈/盲目下，SIR 的残留率、每节点消息数和最后到达时间随 k 的变化，与 Demers 等人的表 1、表 2 和 s = e^-m 对照",
        about: (
            "Rumor mongering stops spreading on its own, leaving a residue of nodes that never heard; the paper's simulations, 1,000 sites, push, lockstep rounds, are the default. Table 2 (blind, coin) reproduces for every k. Table 1 (feedback, counter) reproduces at k = 1 and not beyond: core's counter never resets on a necessary contact, the paper's does (see the notes), so ours stops sooner and leaves more behind.",
            "谣言传播会自己停下来，留下一部分从未听说过的节点（残留）；默认设置就是论文的模拟：1,000 个节点、push、同步轮次。表 2（盲目、硬币）在每个 k 上都能复现。表 1（反馈、计数器）在 k = 1 时能复现，更大的 k 则不能：core 的计数器在有效接触时不会清零，而论文的会（见说明），所以我们的更早停下，留下的残留更多。",
        ),
        params_zh: &[
            ("n", "集群规模（论文的表格：1,000）"),
            ("k", "停止规则的参数"),
            (
                "stops",
                "counter（计数器：计满 k 次接触后失去兴趣）或 coin（抛硬币：每次接触以 1/k 的概率失去兴趣）",
            ),
            (
                "feedback",
                "feedback（反馈：只计对方已知道的接触）或 blind（盲目：每次接触都计）",
            ),
            (
                "lockstep-feedback",
                "按接收者在一轮开始时的状态判断反馈，与论文的模拟一致",
            ),
            ("mode", "push、pull 或 push-pull（表格针对 push）"),
            ("max-rounds", "超过这么多轮就结束该次试验"),
        ],
        charts: charts::rumor,
    },
    Guide {
        name: "gossip-swim",
        title_zh: "Gossip：丢包下 SWIM 的检测时间与误怀疑",
        summary_zh: "SWIM 的探测失败、误怀疑和对存活成员的误判死亡，以及怀疑并宣告崩溃成员死亡所需的时间，随丢包率的变化（SWIM §3.1、§4.2）",
        about: (
            "SWIM probes one member per period, directly and then through k others. Under message loss some probes of live members fail: their share follows §3.1's formula, and each one is a false suspicion that the suspicion mechanism (§4.2) gives time to refute. Then one member crashes: how long until someone suspects it, and until everyone believes it dead?",
            "SWIM 每个周期探测一个成员，先直接探测，再通过 k 个其他成员间接探测。有丢包时，对存活成员的部分探测会失败：失败的比例符合 §3.1 的公式，每一次都是一次误怀疑，怀疑机制（§4.2）给了它反驳的时间。然后一个成员崩溃：要多久才有人怀疑它，又要多久所有成员都认定它已死亡？",
        ),
        params_zh: &[
            ("n", "集群规模"),
            ("loss", LOSS_ZH),
            (
                "suspicion",
                "SWIM §4.2 的怀疑机制：先怀疑，过一段时间再宣告死亡（false：§3 的基本 SWIM）",
            ),
            ("indirect", "间接探测时请求的成员数（SWIM 的 k）"),
            ("watch", "所有成员都存活的观察时长，毫秒"),
            ("cap", "崩溃后过了这么久仍未检测到，就结束该次试验，毫秒"),
        ],
        charts: charts::swim,
    },
    Guide {
        name: "paxos-duels",
        title_zh: "Paxos：相互对决的 proposer",
        summary_zh: "选定一个值所需的轮数和时间随 proposer 数量的变化，随机退避与固定退避；对决长度；R 轮后仍未决定的运行（Paxos Made Simple §2.4）",
        about: (
            "Proposers that retry at once keep pre-empting each other, and no value is chosen while they do (Paxos Made Simple §2.4); a random wait before a retry lets one of them finish. The paper gives the argument and no numbers: these are ours.",
            "立刻重试的 proposer 会不停地相互抢占，在此期间没有任何值被选定（Paxos Made Simple §2.4）；重试前随机等待一段时间，就能让其中一个完成。论文只给出了论证，没有数字：这些数字是我们自己的。",
        ),
        params_zh: &[
            ("proposers", "proposer 数量，用逗号分隔"),
            (
                "backoff",
                "random（随机：从 backoff-range 中抽取）或 fixed（固定：等 retry 这么久）",
            ),
            ("acceptors", "acceptor 数量（另有一个 learner）"),
            ("latency", LATENCY_ZH),
            ("backoff-range", "随机退避的范围，毫秒"),
            ("retry", "固定退避，毫秒"),
            ("cap", "超过这么多虚拟时间就结束该次试验，毫秒"),
            ("rounds", "显示 1 到这么多轮之后仍未决定的运行"),
        ],
        charts: charts::duels,
    },
];

/// The guide of experiment `name`.
pub fn guide(name: &str) -> Option<&'static Guide> {
    GUIDES.iter().find(|g| g.name == name)
}

/// An experiment's title in the reader's language.
pub fn title(entry: &Entry, lang: Lang) -> &'static str {
    match (lang, guide(entry.name)) {
        (Lang::Zh, Some(g)) => g.title_zh,
        _ => entry.title,
    }
}

/// An experiment's one-line summary in the reader's language, as a sentence (the crate's starts
/// in lower case, for its listing).
pub fn summary(entry: &Entry, lang: Lang) -> String {
    match (lang, guide(entry.name)) {
        (Lang::Zh, Some(g)) => g.summary_zh.to_owned(),
        _ => {
            let mut chars = entry.summary.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// A parameter's help in the reader's language.
pub fn param_help(entry: &Entry, name: &str, lang: Lang) -> &'static str {
    let en = entry.params.iter().find(|p| p.name == name).map(|p| p.help);
    let zh = guide(entry.name)
        .and_then(|g| g.params_zh.iter().find(|(n, _)| *n == name))
        .map(|(_, help)| *help);
    match lang {
        Lang::En => en.unwrap_or_default(),
        Lang::Zh => zh.or(en).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_experiment_has_one_guide_naming_each_of_its_parameters_in_order() {
        for entry in concord_lab::EXPERIMENTS {
            let g = guide(entry.name).unwrap_or_else(|| panic!("{} has no guide", entry.name));
            let theirs: Vec<&str> = entry.params.iter().map(|p| p.name).collect();
            let ours: Vec<&str> = g.params_zh.iter().map(|(n, _)| *n).collect();
            assert_eq!(
                ours, theirs,
                "{}: the Chinese help of its parameters",
                entry.name
            );
        }
        for g in GUIDES {
            assert!(
                concord_lab::find(g.name).is_some(),
                "{} is no experiment",
                g.name
            );
        }
        assert_eq!(GUIDES.len(), concord_lab::EXPERIMENTS.len());
    }
}
