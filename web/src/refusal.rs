//! What the core refuses, and why, in the reader's language: a [`SimError`] and the
//! [`ConfigProblem`] inside it, each as a clause to set in a sentence ("…（{why}）…"). Times are
//! said in milliseconds, as the settings are, to a tenth as the captions say them.

use concord_core::sim::{ConfigProblem, MAX_TAPE_STEPS, SimError, Time, engine::MAX_NODES};

use crate::i18n::{Lang, say, tr};
use crate::view::caption::ms;

/// Why the simulator refused an input or a configuration.
pub fn sim_error(lang: Lang, error: &SimError) -> String {
    match error {
        SimError::Idle => tr!(lang, "nothing is left to happen", "已经没有待发生的事件"),
        SimError::NoSuchNode(node) => tr!(lang, "there is no {node}", "没有节点 {node}"),
        SimError::NoSuchMessage(id) => {
            let id = id.0;
            tr!(
                lang,
                "message #{id} is not on its way",
                "消息 #{id} 不在传输途中"
            )
        }
        SimError::NoSuchTimer(node) => tr!(
            lang,
            "{node} has no such timer set",
            "{node} 没有设置这个计时器"
        ),
        SimError::NodeDown(node) => tr!(lang, "{node} is down", "{node} 已宕机"),
        SimError::NodeUp(node) => tr!(lang, "{node} is already running", "{node} 已在运行"),
        SimError::OutOfOrder { at, now, next } => {
            let (at, now, next) = (ms(*at), ms(*now), ms(*next));
            tr!(
                lang,
                "an action at {at} ms must come between now ({now} ms) and the next event ({next} ms)",
                "{at} 毫秒处的操作应位于当前时刻（{now} 毫秒）与下一个事件（{next} 毫秒）之间"
            )
        }
        SimError::NoSuchBranch(index) => {
            tr!(lang, "there is no branch {index}", "没有第 {index} 个分支")
        }
        SimError::BadConfig(problem) => config_problem(lang, problem),
    }
}

/// What is wrong with a configuration, with its values.
pub fn config_problem(lang: Lang, problem: &ConfigProblem) -> String {
    let most = u16::MAX;
    match problem {
        ConfigProblem::ClusterSize { nodes } => tr!(
            lang,
            "a cluster has from 1 to {MAX_NODES} servers, not {nodes}",
            "集群应有 1 到 {MAX_NODES} 个节点，而不是 {nodes} 个"
        ),
        ConfigProblem::PartitionGroups { groups } => tr!(
            lang,
            "a partition splits the cluster into fewer than {most} groups, not {groups}",
            "网络分区的分组应少于 {most} 个，而不是 {groups} 个"
        ),
        ConfigProblem::TapeTooLong { steps } => tr!(
            lang,
            "it has {steps} steps, more than the {MAX_TAPE_STEPS} a link may replay",
            "它有 {steps} 步，超过了链接最多能重放的 {MAX_TAPE_STEPS} 步"
        ),
        ConfigProblem::LatencyRange { min, max } => {
            empty_range(lang, ["network's latency", "网络延迟"], *min, *max)
        }
        ConfigProblem::Loss { loss } => tr!(
            lang,
            "a loss rate of {loss} is no probability (those lie from 0 to 1)",
            "丢包率 {loss} 不是概率（应在 0 到 1 之间）"
        ),
        ConfigProblem::Duplicate { duplicate } => tr!(
            lang,
            "a duplication rate of {duplicate} is no probability (those lie from 0 to 1)",
            "消息重复率 {duplicate} 不是概率（应在 0 到 1 之间）"
        ),
        ConfigProblem::ElectionTimeout { min, max } => {
            let (min, max) = (ms(*min), ms(*max));
            tr!(
                lang,
                "the election timeout range {min}–{max} ms must not be empty and must start above zero",
                "选举超时范围 {min}–{max} 毫秒不能为空，且下限应大于零"
            )
        }
        ConfigProblem::HeartbeatZero => tr!(
            lang,
            "the heartbeat interval must be above zero",
            "心跳间隔应大于零"
        ),
        ConfigProblem::PersistDelay { min, max } => {
            empty_range(lang, ["disk write delay", "落盘延迟"], *min, *max)
        }
        ConfigProblem::BatchZero => tr!(
            lang,
            "a batch must hold at least one log entry",
            "每批至少要包含一条日志条目"
        ),
        ConfigProblem::Period { period } => {
            let period = ms(*period);
            tr!(
                lang,
                "a round lasts at least 1 ms, not {period} ms",
                "一轮的周期至少为 1 毫秒，而不是 {period} 毫秒"
            )
        }
        ConfigProblem::Jitter { jitter, period } => {
            let (jitter, period) = (ms(*jitter), ms(*period));
            tr!(
                lang,
                "the jitter of {jitter} ms must be shorter than the round of {period} ms",
                "{jitter} 毫秒的抖动应短于 {period} 毫秒的轮次周期"
            )
        }
        ConfigProblem::FanoutZero => tr!(
            lang,
            "the fan-out (peers contacted each round) must be at least 1",
            "扇出（每轮联系的节点数）至少为 1"
        ),
        ConfigProblem::RumorStopZero => tr!(
            lang,
            "the rumor's stop parameter k must be at least 1",
            "谣言传播的停止参数 k 至少为 1"
        ),
        ConfigProblem::ProbeInterval { interval } => {
            let interval = ms(*interval);
            tr!(
                lang,
                "failure detection probes are at least 1 ms apart, not {interval} ms",
                "故障检测的探测间隔至少为 1 毫秒，而不是 {interval} 毫秒"
            )
        }
        ConfigProblem::ProbeTimeout { timeout, interval } => {
            let (timeout, interval) = (ms(*timeout), ms(*interval));
            tr!(
                lang,
                "the probe timeout of {timeout} ms must be above zero and shorter than the probe interval of {interval} ms",
                "探测超时 {timeout} 毫秒应大于零，且短于 {interval} 毫秒的探测间隔"
            )
        }
        ConfigProblem::HealthInterval { interval } => {
            let interval = ms(*interval);
            tr!(
                lang,
                "health checks run at least 1 ms apart, not {interval} ms",
                "健康检查的间隔至少为 1 毫秒，而不是 {interval} 毫秒"
            )
        }
        ConfigProblem::NoAcceptor => tr!(
            lang,
            "there must be at least one acceptor",
            "至少要有一个 acceptor"
        ),
        ConfigProblem::NoProposer => tr!(
            lang,
            "there must be at least one proposer",
            "至少要有一个 proposer"
        ),
        ConfigProblem::TooManyRoles { nodes } => tr!(
            lang,
            "{nodes} servers are more than the {most} that can be numbered",
            "{nodes} 个节点太多，节点编号最多只有 {most} 个"
        ),
        ConfigProblem::PhaseTimeoutZero => tr!(
            lang,
            "the phase timeout must be above zero",
            "阶段超时应大于零"
        ),
        ConfigProblem::BackOff { min, max } => empty_range(lang, ["back-off", "退避"], *min, *max),
        ConfigProblem::NoAcceptorAmong { cluster } => tr!(
            lang,
            "none of the {cluster} servers is an acceptor",
            "这 {cluster} 个节点中没有 acceptor"
        ),
        ConfigProblem::NoProposerAmong { cluster } => tr!(
            lang,
            "none of the {cluster} servers is a proposer",
            "这 {cluster} 个节点中没有 proposer"
        ),
    }
}

/// A range of times whose low end is above its high end, named `what` in each language.
fn empty_range(lang: Lang, what: [&'static str; 2], min: Time, max: Time) -> String {
    let what = say(lang, what[0], what[1]);
    let (min, max) = (ms(min), ms(max));
    tr!(
        lang,
        "the {what} range {min}–{max} ms is empty (its low end is above its high end)",
        "{what}范围 {min}–{max} 毫秒为空（下限高于上限）"
    )
}

#[cfg(test)]
mod tests {
    use concord_core::sim::{MsgId, NodeId};

    use super::*;

    /// One of each variant: `config_problem` and `sim_error` match without a wildcard, so a new
    /// variant cannot go unworded; this list makes sure each wording is read.
    fn every_problem() -> Vec<ConfigProblem> {
        use ConfigProblem::*;
        vec![
            ClusterSize { nodes: 0 },
            PartitionGroups { groups: 70_000 },
            TapeTooLong { steps: 200_000 },
            LatencyRange {
                min: 20_000,
                max: 10_000,
            },
            Loss { loss: -0.5 },
            Duplicate { duplicate: 1.5 },
            ElectionTimeout {
                min: 0,
                max: 300_000,
            },
            HeartbeatZero,
            PersistDelay {
                min: 5_000,
                max: 1_000,
            },
            BatchZero,
            Period { period: 500 },
            Jitter {
                jitter: 1_000_000,
                period: 1_000_000,
            },
            FanoutZero,
            RumorStopZero,
            ProbeInterval { interval: 0 },
            ProbeTimeout {
                timeout: 1_000_000,
                interval: 1_000_000,
            },
            HealthInterval { interval: 0 },
            NoAcceptor,
            NoProposer,
            TooManyRoles { nodes: 70_000 },
            PhaseTimeoutZero,
            BackOff {
                min: 150_000,
                max: 10_000,
            },
            NoAcceptorAmong { cluster: 2 },
            NoProposerAmong { cluster: 3 },
        ]
    }

    fn every_error() -> Vec<SimError> {
        let node = NodeId(4);
        let mut errors = vec![
            SimError::Idle,
            SimError::NoSuchNode(node),
            SimError::NoSuchMessage(MsgId(7)),
            SimError::NoSuchTimer(node),
            SimError::NodeDown(node),
            SimError::NodeUp(node),
            SimError::OutOfOrder {
                at: 1_500,
                now: 2_000,
                next: 3_000,
            },
            SimError::NoSuchBranch(2),
        ];
        errors.extend(every_problem().into_iter().map(SimError::BadConfig));
        errors
    }

    /// The Paxos roles keep their English names in our Chinese, as the seed notes do.
    const KEPT_IN_ENGLISH: [&str; 2] = ["acceptor", "proposer"];

    /// A run of two or more Latin letters: an English word, unless it is one we keep.
    fn english_words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2 && !KEPT_IN_ENGLISH.contains(w))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_refusal_is_said_in_both_languages() {
        for error in every_error() {
            let en = sim_error(Lang::En, &error);
            let zh = sim_error(Lang::Zh, &error);
            for text in [&en, &zh] {
                assert!(!text.trim().is_empty(), "{error:?}");
                assert!(!text.contains("  "), "a run of spaces in {text:?}");
                assert_eq!(text.trim(), text, "{text:?}");
            }
            assert!(
                english_words(&zh).is_empty(),
                "English left in the Chinese for {error:?}: {zh}"
            );
            assert_ne!(en, zh, "{error:?}");
        }
    }

    #[test]
    fn a_refusal_names_its_values() {
        let problem = ConfigProblem::LatencyRange {
            min: 20_000,
            max: 10_500,
        };
        assert_eq!(
            config_problem(Lang::En, &problem),
            "the network's latency range 20.0–10.5 ms is empty (its low end is above its high end)"
        );
        assert_eq!(
            config_problem(Lang::Zh, &problem),
            "网络延迟范围 20.0–10.5 毫秒为空（下限高于上限）"
        );
    }
}
