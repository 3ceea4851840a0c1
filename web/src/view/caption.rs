//! Caption sentences that every protocol words alike: a message received, stopped on its way or
//! handled by hand, and the network changing. The protocol names the message (its kind and
//! arguments) and adds what the event means for it.

use concord_core::sim::{Action, DropReason, Envelope, NodeId, Protocol, Time};

use crate::i18n::Lang;

/// A message as a caption names it: `Prepare(1.1)` from S1 to S3.
pub struct Named {
    pub name: String,
    pub from: NodeId,
    pub to: NodeId,
}

impl Named {
    /// The message in `env`, named `name` by its protocol.
    pub fn new<M>(name: String, env: &Envelope<M>) -> Named {
        Named {
            name,
            from: env.from,
            to: env.to,
        }
    }
}

/// `S3 received Prepare(1.1) from S1.`
pub fn received(lang: Lang, m: &Named) -> String {
    let Named { name, from, to } = m;
    match lang {
        Lang::En => format!("{to} received {name} from {from}."),
        Lang::Zh => format!("{to} 收到来自 {from} 的 {name}。"),
    }
}

/// Why a message reached the end of its flight undelivered.
pub fn dropped(lang: Lang, m: &Named, reason: DropReason) -> String {
    let Named { name, from, to } = m;
    match (lang, reason) {
        (Lang::En, DropReason::Lost) => format!("The network lost {name} from {from} to {to}."),
        (Lang::En, DropReason::Disconnected) => {
            format!("{name} from {from} could not reach {to}: the link is cut.")
        }
        (Lang::En, DropReason::ReceiverDown) => {
            format!("{name} from {from} reached {to}, which is down; nobody read it.")
        }
        (Lang::Zh, DropReason::Lost) => format!("网络丢失了 {from} 发给 {to} 的 {name}。"),
        (Lang::Zh, DropReason::Disconnected) => {
            format!("{from} 发给 {to} 的 {name} 无法送达：链路已断开。")
        }
        (Lang::Zh, DropReason::ReceiverDown) => {
            format!("{from} 发给 {to} 的 {name} 到达时对方已宕机，无人处理。")
        }
    }
}

/// A message delivered, dropped, duplicated or delayed by hand, named as it was in flight
/// (the action holds only its id). `arrived` says whether a hand delivery reached its receiver:
/// a lost message, a cut link or a crashed receiver stop it even when released early. Other
/// actions are not about one message: `None`.
pub fn by_hand<P: Protocol>(
    lang: Lang,
    action: &Action<P>,
    m: &Named,
    arrived: bool,
) -> Option<String> {
    let Named { name, from, to } = m;
    Some(match (lang, action) {
        (Lang::En, Action::Deliver(_)) if arrived => {
            format!("Delivered by hand, ahead of its time: {name} from {from} to {to}.")
        }
        (Lang::Zh, Action::Deliver(_)) if arrived => {
            format!("手动提前送达：{from} 发给 {to} 的 {name}。")
        }
        (Lang::En, Action::Deliver(_)) => format!(
            "{name} from {from} to {to} was released early by hand, but did not arrive: it was \
             lost, its link is cut or {to} is down."
        ),
        (Lang::Zh, Action::Deliver(_)) => format!(
            "{from} 发给 {to} 的 {name} 被手动提前放行，但没有送达：它已丢失、链路已断开或 {to} 已宕机。"
        ),
        (Lang::En, Action::Drop(_)) => format!("Dropped by hand: {name} from {from} to {to}."),
        (Lang::Zh, Action::Drop(_)) => format!("手动丢弃：{from} 发给 {to} 的 {name}。"),
        (Lang::En, Action::Duplicate(_)) => format!(
            "Duplicated by hand: a second copy of {name} from {from} to {to} is on its way."
        ),
        (Lang::Zh, Action::Duplicate(_)) => {
            format!("手动复制：{from} 发给 {to} 的 {name} 多了一份副本在路上。")
        }
        (Lang::En, Action::Delay(_, by)) => format!(
            "Delayed by hand: {name} from {from} to {to} arrives {} ms later.",
            ms(*by)
        ),
        (Lang::Zh, Action::Delay(_, by)) => format!(
            "手动延迟：{from} 发给 {to} 的 {name} 晚 {} 毫秒到达。",
            ms(*by)
        ),
        _ => return None,
    })
}

/// A change of the network settings, a cut link, a partition or a heal; `None` for other
/// actions.
pub fn network<P: Protocol>(lang: Lang, action: &Action<P>) -> Option<String> {
    Some(match (lang, action) {
        (Lang::En, Action::SetNetwork(_)) => "The network settings changed.".into(),
        (Lang::Zh, Action::SetNetwork(_)) => "网络设置已更改。".into(),
        (Lang::En, Action::Cut(from, to)) => {
            format!("The link {from} → {to} was cut: messages that way are lost.")
        }
        (Lang::Zh, Action::Cut(from, to)) => {
            format!("链路 {from} → {to} 被切断：这个方向的消息会丢失。")
        }
        (Lang::En, Action::Uncut(from, to)) => format!("The link {from} → {to} works again."),
        (Lang::Zh, Action::Uncut(from, to)) => format!("链路 {from} → {to} 恢复连通。"),
        (Lang::En, Action::Partition(_)) => "The network split into groups.".into(),
        (Lang::Zh, Action::Partition(_)) => "网络被分成了几组。".into(),
        (Lang::En, Action::Heal) => "The network healed: every link works again.".into(),
        (Lang::Zh, Action::Heal) => "网络已恢复：所有链路重新连通。".into(),
        _ => return None,
    })
}

/// A duration in milliseconds, to a tenth.
fn ms(duration: Time) -> String {
    format!("{:.1}", duration as f64 / 1000.0)
}

/// For the protocols' caption tests: in a fresh run of `nodes` nodes, every hand action on a
/// message in flight is captioned with the message's name, sender and receiver, in both
/// languages.
#[cfg(test)]
pub fn assert_hand_actions_named<P: Protocol>(
    config: &P::Config,
    nodes: usize,
    caption: fn(Lang, &concord_core::sim::StepReport<P>) -> String,
    msg_name: fn(Lang, &P::Msg) -> String,
) {
    use concord_core::sim::{Input, MsgId, Sim, SimConfig};
    let actions: [fn(MsgId) -> Action<P>; 4] =
        [Action::Deliver, Action::Drop, Action::Duplicate, |id| {
            Action::Delay(id, 50_000)
        }];
    for action in actions {
        let sim_config = SimConfig {
            seed: 5,
            nodes,
            net: Default::default(),
        };
        let mut sim = Sim::<P>::new(sim_config, config).unwrap();
        while sim.in_flight().next().is_none() {
            sim.step().unwrap();
        }
        let env = sim.in_flight().last().unwrap().clone();
        let report = sim
            .apply(Input::Act {
                at: sim.now(),
                action: action(env.id),
            })
            .unwrap();
        let (from, to) = (env.from, env.to);
        let en = caption(Lang::En, &report);
        let name = msg_name(Lang::En, &env.msg);
        assert!(en.contains(&format!("{name} from {from} to {to}")), "{en}");
        let zh = caption(Lang::Zh, &report);
        let name = msg_name(Lang::Zh, &env.msg);
        assert!(zh.contains(&format!("{from} 发给 {to} 的 {name}")), "{zh}");
    }
}
