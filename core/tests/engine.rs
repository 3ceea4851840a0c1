//! The simulator on its own, with a toy protocol: every node echoes what it
//! receives back to the sender until a hop count runs out, and ticks a timer.

use concord_core::sim::{
    Action, ConfigProblem, Context, DropReason, Event, Input, MsgId, NetConfig, NodeId, NodeSlot,
    Pending, Protocol, Sim, SimConfig, SimError, StepReport, Violation, ms,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize)]
struct Echo {
    received: Vec<(NodeId, u32)>,
    ticks: u32,
    restarts: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
enum Tick {
    Tick,
}

impl Protocol for Echo {
    type Config = ();
    type Msg = u32;
    type Timer = Tick;
    type Command = u32;
    type Rule = String;
    type Audit = ();

    fn config_problem(_: &(), _: usize) -> Option<ConfigProblem> {
        None
    }
    fn new(_: NodeId, _: usize, _: &()) -> Self {
        Echo {
            received: Vec::new(),
            ticks: 0,
            restarts: 0,
        }
    }
    fn on_start(&mut self, cx: &mut Context<Self>) {
        cx.set_timer(Tick::Tick, ms(100));
    }
    fn on_message(&mut self, from: NodeId, hops: u32, cx: &mut Context<Self>) {
        self.received.push((from, hops));
        if hops > 0 {
            cx.send(from, hops - 1);
        }
    }
    fn on_timer(&mut self, _: Tick, cx: &mut Context<Self>) {
        self.ticks += 1;
        cx.explain(format!("tick {}", self.ticks));
        cx.set_timer(Tick::Tick, ms(100));
    }
    fn on_command(&mut self, hops: u32, cx: &mut Context<Self>) {
        cx.broadcast(hops);
    }
    fn on_restart(&mut self, cx: &mut Context<Self>) {
        self.restarts += 1;
        cx.set_timer(Tick::Tick, ms(100));
    }
    fn check(_: &mut (), _: &[NodeSlot<Self>]) -> Vec<Violation> {
        Vec::new()
    }
}

fn sim(nodes: usize, net: NetConfig) -> Sim<Echo> {
    Sim::new(
        SimConfig {
            seed: 11,
            nodes,
            net,
        },
        &(),
    )
    .unwrap()
}

fn act(sim: &mut Sim<Echo>, action: Action<Echo>) -> Result<StepReport<Echo>, SimError> {
    let at = sim.now();
    sim.apply(Input::Act { at, action })
}

fn ids(sim: &Sim<Echo>) -> Vec<MsgId> {
    sim.in_flight().map(|e| e.id).collect()
}

#[test]
fn events_come_in_time_order_and_ties_in_scheduling_order() {
    let mut s = sim(3, NetConfig::default());
    // All three nodes armed their tick for t = 100 ms: they fire in node order.
    let fired: Vec<NodeId> = (0..3)
        .map(|_| match s.step().unwrap().event {
            Event::TimerFired(n, Tick::Tick) => n,
            other => panic!("expected a tick, got {other:?}"),
        })
        .collect();
    assert_eq!(fired, vec![NodeId(0), NodeId(1), NodeId(2)]);
    let mut again = sim(3, NetConfig::default());
    assert_eq!(
        again.step().unwrap().node(),
        Some(NodeId(0)),
        "a timer's step names its node"
    );
    assert_eq!(s.now(), ms(100));
    let times: Vec<u64> = s.pending().map(|(t, _)| t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn messages_carry_what_the_view_needs_and_latency_stays_in_bounds() {
    let net = NetConfig {
        latency_min: ms(5),
        latency_max: ms(9),
        ..NetConfig::default()
    };
    let mut s = sim(4, net);
    let report = act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    assert_eq!(report.sent.len(), 3);
    for env in &report.sent {
        assert_eq!(env.from, NodeId(0));
        assert_eq!(env.sent_at, 0);
        assert!((ms(5)..=ms(9)).contains(&(env.deliver_at - env.sent_at)));
    }
    let mut distinct: Vec<MsgId> = report.sent.iter().map(|e| e.id).collect();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "every message has its own id");
}

#[test]
fn deliver_now_overtakes_earlier_messages() {
    let mut s = sim(3, NetConfig::default());
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    let last = *ids(&s).last().unwrap();
    let report = act(&mut s, Action::Deliver(last)).unwrap();
    assert!(matches!(report.event, Event::Acted(Action::Deliver(id)) if id == last));
    assert_eq!(s.now(), 0, "a manual delivery happens now");
    assert_eq!(s.nodes()[2].state.received, vec![(NodeId(0), 0)]);
    assert_eq!(
        report.node(),
        Some(NodeId(2)),
        "a delivery's step names the receiver"
    );
    assert_eq!(ids(&s).len(), 1);
}

#[test]
fn drop_duplicate_and_delay_change_what_arrives_and_when() {
    let mut s = sim(2, NetConfig::default());
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    let id = ids(&s)[0];
    let due = s.message(id).unwrap().deliver_at;
    act(&mut s, Action::Duplicate(id)).unwrap();
    assert_eq!(ids(&s).len(), 2);
    act(&mut s, Action::Delay(id, ms(500))).unwrap();
    assert_eq!(s.message(id).unwrap().deliver_at, due + ms(500));
    s.run_until(due);
    assert_eq!(
        s.nodes()[1].state.received.len(),
        1,
        "the copy arrived on time"
    );
    s.run_until(due + ms(500));
    assert_eq!(
        s.nodes()[1].state.received.len(),
        2,
        "the original arrived late"
    );
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    let id = ids(&s)[0];
    act(&mut s, Action::Drop(id)).unwrap();
    assert!(s.message(id).is_none());
}

#[test]
fn fire_runs_a_timer_early_and_rearms_it() {
    let mut s = sim(1, NetConfig::default());
    let report = act(&mut s, Action::Fire(NodeId(0), Tick::Tick)).unwrap();
    assert_eq!(report.rules, vec!["tick 1".to_string()]);
    assert_eq!(
        s.nodes()[0].timers().get(&Tick::Tick).unwrap().fires_at,
        ms(100)
    );
    assert_eq!(
        s.pending().count(),
        1,
        "the old deadline is gone, not left to fire stale"
    );
    assert_eq!(s.pending_count(), 1);
}

#[test]
fn a_cut_is_one_way_and_drops_on_arrival() {
    let mut s = sim(2, NetConfig::default());
    act(&mut s, Action::Command(NodeId(0), 1)).unwrap();
    act(&mut s, Action::Cut(NodeId(1), NodeId(0))).unwrap();
    let mut events = Vec::new();
    while let Some(t) = s.next_event_time() {
        if t > ms(50) {
            break;
        }
        events.push(s.step().unwrap().event);
    }
    assert!(
        matches!(events[0], Event::Delivered(_)),
        "0 → 1 still works"
    );
    assert!(
        matches!(events[1], Event::Dropped(_, DropReason::Disconnected)),
        "1 → 0 is cut: {:?}",
        events[1]
    );
}

#[test]
fn a_partition_made_while_messages_fly_drops_them_and_heal_restores() {
    let mut s = sim(3, NetConfig::default());
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    act(&mut s, Action::Partition(vec![vec![NodeId(0)]])).unwrap();
    s.run_until(ms(50));
    assert!(s.nodes()[1].state.received.is_empty() && s.nodes()[2].state.received.is_empty());
    act(&mut s, Action::Heal).unwrap();
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    s.run_until(ms(99));
    assert_eq!(s.nodes()[1].state.received.len(), 1);
}

#[test]
fn loss_and_duplication_come_from_the_network_settings() {
    let lossy = NetConfig {
        loss: 1.0,
        ..NetConfig::default()
    };
    let mut s = sim(2, lossy);
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    let report = s.step().unwrap();
    assert!(matches!(report.event, Event::Dropped(_, DropReason::Lost)));
    let doubled = NetConfig {
        duplicate: 1.0,
        ..NetConfig::default()
    };
    let mut s = sim(2, doubled);
    let report = act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    assert_eq!(report.sent.len(), 2);
}

#[test]
fn a_crashed_node_fires_no_timers_receives_nothing_and_restarts() {
    let mut s = sim(2, NetConfig::default());
    act(&mut s, Action::Crash(NodeId(1))).unwrap();
    assert!(
        s.pending()
            .all(|(_, p)| !matches!(p, Pending::Timer(NodeId(1), _)))
    );
    act(&mut s, Action::Command(NodeId(0), 0)).unwrap();
    let report = s.step().unwrap();
    assert!(matches!(
        report.event,
        Event::Dropped(_, DropReason::ReceiverDown)
    ));
    assert!(matches!(
        act(&mut s, Action::Crash(NodeId(1))),
        Err(SimError::NodeDown(_))
    ));
    act(&mut s, Action::Restart(NodeId(1))).unwrap();
    assert_eq!(s.nodes()[1].state.restarts, 1);
    assert!(s.nodes()[1].timers().contains_key(&Tick::Tick));
}

#[test]
fn bad_interventions_are_errors_and_change_nothing() {
    let mut s = sim(2, NetConfig::default());
    let before = s.clone();
    let bad = [
        Action::Crash(NodeId(7)),
        Action::Deliver(MsgId(999)),
        Action::Restart(NodeId(0)),
        Action::Cut(NodeId(0), NodeId(9)),
        Action::Partition(vec![vec![NodeId(5)]]),
        Action::SetNetwork(NetConfig {
            loss: 2.0,
            ..NetConfig::default()
        }),
    ];
    for action in bad {
        assert!(act(&mut s, action).is_err());
    }
    assert_eq!(s, before);
    let late = Input::Act {
        at: ms(10_000),
        action: Action::Heal,
    };
    assert!(matches!(s.apply(late), Err(SimError::OutOfOrder { .. })));
    assert!(
        Sim::<Echo>::new(
            SimConfig {
                seed: 1,
                nodes: 0,
                net: NetConfig::default()
            },
            &()
        )
        .is_err()
    );
}

#[test]
fn a_trace_round_trips_through_json() {
    let mut s = sim(3, NetConfig::default());
    let mut trace = vec![act(&mut s, Action::Command(NodeId(0), 2)).unwrap()];
    for _ in 0..20 {
        trace.push(s.step().unwrap());
    }
    let json = serde_json::to_string(&trace).unwrap();
    let back: Vec<StepReport<Echo>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.len(), trace.len());
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn an_idle_simulation_says_so() {
    let mut s = sim(1, NetConfig::default());
    act(&mut s, Action::Crash(NodeId(0))).unwrap();
    assert_eq!(s.step().unwrap_err(), SimError::Idle);
}
