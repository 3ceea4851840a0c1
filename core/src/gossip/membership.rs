//! Membership and SWIM failure detection (Das, Gupta, Motivala, "SWIM: Scalable
//! Weakly-consistent Infection-style Process Group Membership Protocol", DSN 2002), the
//! way Serf and Consul's agents run it: every agent pings the others and spreads what it
//! finds by gossip, so no server has to watch everyone (seed notes 000).
//!
//! - [`View`]: what one node believes about every other (alive / suspect / dead, with
//!   incarnation numbers). Stored as the changes from "every initial member alive at
//!   incarnation 0", so a 10,000-node cluster costs nothing until something happens.
//! - [`Broadcasts`]: the changes waiting to be piggybacked, each sent a limited number of
//!   times (§4.1, infection-style dissemination).
//! - The SWIM handlers of [`GossipNode`]: probe (§3.1), indirect probe (§3.1), suspicion
//!   and refutation (§4.2), confirmation, and Serf's periodic reconnect to dead members.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::message::{MemberUpdate, Msg};
use super::node::{GossipNode, Timer};
use super::rule::Rule;
use crate::sim::{Context, NodeId, Time};

type Cx<'a> = Context<'a, GossipNode>;

/// What a node believes about a member (SWIM §4.2).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Alive,
    /// Failed a probe; dead unless it refutes within the suspicion timeout.
    Suspect,
    /// Confirmed failed; no longer probed or gossiped to.
    Dead,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub status: Status,
    pub incarnation: u64,
    /// When this node came to believe `status` (0 for the initial state).
    pub since: Time,
}

const INITIAL: Member = Member {
    status: Status::Alive,
    incarnation: 0,
    since: 0,
};

/// One node's membership list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Nodes below this id are members from the start: alive at incarnation 0 unless changed.
    initial: u16,
    /// Everything that differs from the initial state.
    changed: BTreeMap<NodeId, Member>,
    /// Members not believed dead (this node included, when it is a member).
    live: usize,
}

impl View {
    pub fn new(initial: usize) -> Self {
        let initial = initial.min(u16::MAX as usize) as u16;
        View {
            initial,
            changed: BTreeMap::new(),
            live: initial as usize,
        }
    }

    /// What this node believes about `id`; `None` if it does not know it as a member.
    pub fn get(&self, id: NodeId) -> Option<Member> {
        match self.changed.get(&id) {
            Some(m) => Some(*m),
            None if id.0 < self.initial => Some(INITIAL),
            None => None,
        }
    }

    /// A member believed alive or suspect (worth gossiping to and probing).
    pub fn is_live(&self, id: NodeId) -> bool {
        self.get(id).is_some_and(|m| m.status != Status::Dead)
    }

    pub fn status(&self, id: NodeId) -> Option<Status> {
        self.get(id).map(|m| m.status)
    }

    /// How many members this node believes are not dead.
    pub fn live_count(&self) -> usize {
        self.live
    }

    pub fn set(&mut self, id: NodeId, member: Member) {
        let was_live = self.is_live(id);
        self.changed.insert(id, member);
        let is_live = member.status != Status::Dead;
        match (was_live, is_live) {
            (false, true) => self.live += 1,
            (true, false) => self.live = self.live.saturating_sub(1),
            _ => {}
        }
    }

    /// Every member whose state differs from the initial one, in id order.
    pub fn changes(&self) -> impl Iterator<Item = (NodeId, Member)> + '_ {
        self.changed.iter().map(|(&id, &m)| (id, m))
    }

    /// Members believed dead, in id order.
    pub fn dead(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.changes()
            .filter(|(_, m)| m.status == Status::Dead)
            .map(|(id, _)| id)
    }

    /// The list a join exchanges: every change, as updates.
    pub fn export(&self) -> Vec<MemberUpdate> {
        self.changes()
            .map(|(node, m)| MemberUpdate {
                node,
                status: m.status,
                incarnation: m.incarnation,
            })
            .collect()
    }
}

/// Whether `new` overrides what a node believes about the member (SWIM §4.2's order):
/// alive overrides suspect or alive only with a higher incarnation (and dead too: a
/// restarted or refuting member comes back with one); suspect overrides alive at an
/// equal or higher incarnation and suspect at a higher one; dead overrides anything not
/// yet dead at an equal or higher incarnation. About an unknown node only "alive" counts
/// (it is a join).
pub fn supersedes(new: &MemberUpdate, old: Option<Member>) -> bool {
    let Some(old) = old else {
        return new.status == Status::Alive;
    };
    match new.status {
        Status::Alive => new.incarnation > old.incarnation,
        Status::Suspect => match old.status {
            Status::Alive => new.incarnation >= old.incarnation,
            Status::Suspect => new.incarnation > old.incarnation,
            Status::Dead => false,
        },
        Status::Dead => old.status != Status::Dead && new.incarnation >= old.incarnation,
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Queued {
    update: MemberUpdate,
    sent: u32,
}

/// Membership changes waiting to ride on outgoing messages (SWIM §4.1): the newest change
/// per member, each piggybacked a limited number of times, least-sent first.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Broadcasts {
    queue: BTreeMap<NodeId, Queued>,
}

impl Broadcasts {
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Queue a change, replacing an older one about the same member.
    pub fn push(&mut self, update: MemberUpdate) {
        self.queue.insert(update.node, Queued { update, sent: 0 });
    }

    /// Up to `max` changes for one message; each is dropped after `limit` transmissions.
    pub fn take(&mut self, max: usize, limit: u32) -> Vec<MemberUpdate> {
        if self.queue.is_empty() || max == 0 {
            return Vec::new();
        }
        let mut order: Vec<(u32, NodeId)> = self
            .queue
            .values()
            .map(|q| (q.sent, q.update.node))
            .collect();
        order.sort_unstable();
        order.truncate(max);
        let mut out = Vec::with_capacity(order.len());
        for (_, node) in order {
            if let Some(q) = self.queue.get_mut(&node) {
                out.push(q.update);
                q.sent += 1;
                if q.sent >= limit.max(1) {
                    self.queue.remove(&node);
                }
            }
        }
        out
    }
}

/// The probe of the current protocol period.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub target: NodeId,
    pub seq: u32,
    pub acked: bool,
    /// Indirect probes were sent.
    pub indirect: bool,
}

impl GossipNode {
    /// Times each membership change is piggybacked: `λ × ⌈log2(n + 1)⌉` (SWIM §4.1).
    pub(super) fn retransmit_limit(&self) -> u32 {
        let mult = self.config.swim.map_or(3, |s| s.retransmit_mult.max(1));
        let n = self.volatile.view.live_count() as u64 + 1;
        let log = (u64::BITS - (n - 1).leading_zeros()).max(1);
        mult.saturating_mul(log)
    }

    pub(super) fn max_piggyback(&self) -> usize {
        self.config.swim.map_or(6, |s| s.max_piggyback as usize)
    }

    /// Set this node's own entry in its view and announce it.
    pub(super) fn announce_alive(&mut self, now: Time) {
        let incarnation = self.persistent.incarnation;
        self.volatile.view.set(
            self.id,
            Member {
                status: Status::Alive,
                incarnation,
                since: now,
            },
        );
        self.volatile.broadcasts.push(MemberUpdate {
            node: self.id,
            status: Status::Alive,
            incarnation,
        });
    }

    /// A change heard from `from` (piggybacked, or in a join's list). Re-gossip it if it
    /// is news (§4.1); refute it if it says this node is suspect or dead (§4.2).
    pub(super) fn hear(&mut self, update: MemberUpdate, from: NodeId, cx: &mut Cx) {
        if update.node == self.id {
            if update.status != Status::Alive && update.incarnation >= self.persistent.incarnation {
                // §4.2: a member that learns it is suspected refutes the suspicion by
                // spreading an alive message with a higher incarnation number.
                self.persistent.incarnation = update.incarnation.saturating_add(1);
                self.meter.refutations += 1;
                cx.explain(Rule::Refute {
                    status: update.status,
                    incarnation: self.persistent.incarnation,
                });
                self.announce_alive(cx.now());
            }
            return;
        }
        if update.node.index() >= self.cluster {
            return;
        }
        let old = self.volatile.view.get(update.node);
        if !supersedes(&update, old) {
            return;
        }
        self.volatile.view.set(
            update.node,
            Member {
                status: update.status,
                incarnation: update.incarnation,
                since: cx.now(),
            },
        );
        self.volatile.broadcasts.push(update);
        if update.status == Status::Suspect {
            self.start_suspicion(update.node, cx);
        } else {
            self.end_suspicion(update.node, cx);
        }
        cx.explain(Rule::MemberChange {
            member: update.node,
            status: update.status,
            incarnation: update.incarnation,
            from,
            joined: old.is_none(),
        });
    }

    /// The protocol period ends: conclude the last probe, maybe reconnect, probe anew (§3.1).
    pub(super) fn on_probe_timer(&mut self, cx: &mut Cx) {
        let Some(swim) = self.config.swim else {
            return;
        };
        if !self.persistent.joined {
            return;
        }
        if let Some(p) = self.volatile.probe.take()
            && !p.acked
        {
            self.meter.probes_failed += 1;
            self.probe_failed(p.target, cx);
        }
        self.volatile.probes_done += 1;
        if swim.reconnect_every > 0
            && self
                .volatile
                .probes_done
                .is_multiple_of(swim.reconnect_every as u64)
        {
            self.reconnect(cx);
        }
        let target = self.sample_peers(1, cx, |_| true).first().copied();
        if let Some(target) = target {
            self.volatile.probe_seq = self.volatile.probe_seq.wrapping_add(1);
            let seq = self.volatile.probe_seq;
            self.volatile.probe = Some(Probe {
                target,
                seq,
                acked: false,
                indirect: false,
            });
            self.meter.probes += 1;
            cx.explain(Rule::Probe { target, seq });
            self.send(
                target,
                Msg::Ping {
                    seq,
                    origin: None,
                    gossip: Vec::new(),
                },
                cx,
            );
            cx.set_timer(Timer::ProbeTimeout, self.probe_timeout());
        }
        cx.set_timer(Timer::Probe, self.probe_interval());
    }

    pub(super) fn probe_interval(&self) -> Time {
        self.config
            .swim
            .map_or(0, |s| s.probe_interval)
            .max(super::config::MIN_PERIOD)
    }

    fn probe_timeout(&self) -> Time {
        let t = self.config.swim.map_or(1, |s| s.probe_timeout);
        t.clamp(1, self.probe_interval().saturating_sub(1).max(1))
    }

    /// No ack within the timeout: ask `k` others to probe the target (§3.1).
    pub(super) fn on_probe_timeout(&mut self, cx: &mut Cx) {
        let Some(swim) = self.config.swim else {
            return;
        };
        let Some(p) = self.volatile.probe else {
            return;
        };
        if p.acked || p.indirect {
            return;
        }
        let k = swim.indirect_probes as usize;
        let relays = self.sample_peers(k, cx, |id| id != p.target);
        if let Some(probe) = &mut self.volatile.probe {
            probe.indirect = true;
        }
        self.meter.indirect_probes += 1;
        cx.explain(Rule::IndirectProbe {
            target: p.target,
            relays: relays.clone(),
        });
        for relay in relays {
            self.send(
                relay,
                Msg::PingReq {
                    target: p.target,
                    seq: p.seq,
                    gossip: Vec::new(),
                },
                cx,
            );
        }
    }

    /// Neither a direct nor an indirect ack came back within the period.
    fn probe_failed(&mut self, target: NodeId, cx: &mut Cx) {
        let Some(swim) = self.config.swim else {
            return;
        };
        let Some(m) = self.volatile.view.get(target) else {
            return;
        };
        let incarnation = m.incarnation;
        if swim.suspicion {
            if m.status != Status::Alive {
                return;
            }
            // §4.2: a member that fails a probe is marked suspect, not dead.
            self.volatile.view.set(
                target,
                Member {
                    status: Status::Suspect,
                    incarnation,
                    since: cx.now(),
                },
            );
            self.volatile.broadcasts.push(MemberUpdate {
                node: target,
                status: Status::Suspect,
                incarnation,
            });
            self.meter.suspicions += 1;
            cx.explain(Rule::Suspect {
                member: target,
                incarnation,
            });
            self.start_suspicion(target, cx);
        } else if m.status != Status::Dead {
            // §3.1 (basic SWIM): a failed probe declares the member failed.
            self.confirm_dead(target, incarnation, cx);
        }
    }

    fn confirm_dead(&mut self, member: NodeId, incarnation: u64, cx: &mut Cx) {
        self.volatile.view.set(
            member,
            Member {
                status: Status::Dead,
                incarnation,
                since: cx.now(),
            },
        );
        self.volatile.broadcasts.push(MemberUpdate {
            node: member,
            status: Status::Dead,
            incarnation,
        });
        self.meter.confirms += 1;
        cx.explain(Rule::ConfirmDead {
            member,
            incarnation,
            suspected: self.config.swim.is_some_and(|s| s.suspicion),
        });
    }

    /// Start the suspicion timeout of `member` (each member times out its own suspicions).
    fn start_suspicion(&mut self, member: NodeId, cx: &mut Cx) {
        let Some(swim) = self.config.swim else {
            return;
        };
        let deadline = cx.now().saturating_add(swim.suspect_timeout);
        self.volatile.suspicions.entry(member).or_insert(deadline);
        self.arm_suspicion(cx);
    }

    fn end_suspicion(&mut self, member: NodeId, cx: &mut Cx) {
        if self.volatile.suspicions.remove(&member).is_some() {
            self.arm_suspicion(cx);
        }
    }

    /// One timer for all suspicions: armed for the earliest deadline.
    fn arm_suspicion(&mut self, cx: &mut Cx) {
        match self.volatile.suspicions.values().min() {
            Some(&deadline) => cx.set_timer(Timer::Suspicion, deadline.saturating_sub(cx.now())),
            None => cx.cancel_timer(Timer::Suspicion),
        }
    }

    /// §4.2: a suspected member not refuted within the suspicion timeout is declared failed.
    /// The timer is armed for the earliest deadline; fired early by hand, it times out the
    /// earliest suspicion (and any others due by then).
    pub(super) fn on_suspicion_timer(&mut self, cx: &mut Cx) {
        let earliest = self.volatile.suspicions.values().min().copied();
        let cutoff = earliest.map_or(cx.now(), |t| t.max(cx.now()));
        let due: Vec<NodeId> = self
            .volatile
            .suspicions
            .iter()
            .filter(|&(_, &deadline)| deadline <= cutoff)
            .map(|(&member, _)| member)
            .collect();
        for member in due {
            self.volatile.suspicions.remove(&member);
            if let Some(m) = self.volatile.view.get(member)
                && m.status == Status::Suspect
            {
                self.confirm_dead(member, m.incarnation, cx);
            }
        }
        self.arm_suspicion(cx);
    }

    /// Serf's reconnect: try a full sync with a random member believed dead, so that two
    /// sides of a healed partition, each sure the other is dead, find each other again.
    fn reconnect(&mut self, cx: &mut Cx) {
        let dead: Vec<NodeId> = self.volatile.view.dead().collect();
        if dead.is_empty() {
            return;
        }
        let pick = cx.rng().below(dead.len() as u64) as usize;
        let Some(&member) = dead.get(pick) else {
            return;
        };
        cx.explain(Rule::Reconnect { member });
        self.send_join(member, cx);
    }

    pub(super) fn on_ping(&mut self, from: NodeId, seq: u32, origin: Option<NodeId>, cx: &mut Cx) {
        let target = self.id;
        self.send(
            from,
            Msg::Ack {
                seq,
                target,
                origin,
                gossip: Vec::new(),
            },
            cx,
        );
    }

    pub(super) fn on_ping_req(&mut self, from: NodeId, target: NodeId, seq: u32, cx: &mut Cx) {
        if target.index() >= self.cluster || target == self.id {
            return;
        }
        cx.explain(Rule::RelayProbe {
            target,
            origin: from,
        });
        self.send(
            target,
            Msg::Ping {
                seq,
                origin: Some(from),
                gossip: Vec::new(),
            },
            cx,
        );
    }

    pub(super) fn on_ack(&mut self, seq: u32, target: NodeId, origin: Option<NodeId>, cx: &mut Cx) {
        if let Some(origin) = origin {
            // A relay passes the target's ack on to the member that asked (§3.1).
            if origin.index() < self.cluster && origin != self.id {
                self.send(
                    origin,
                    Msg::Ack {
                        seq,
                        target,
                        origin: None,
                        gossip: Vec::new(),
                    },
                    cx,
                );
            }
            return;
        }
        if let Some(p) = &mut self.volatile.probe
            && p.seq == seq
            && p.target == target
            && !p.acked
        {
            p.acked = true;
            let indirect = p.indirect;
            cx.explain(Rule::ProbeAcked { target, indirect });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(status: Status, incarnation: u64) -> MemberUpdate {
        MemberUpdate {
            node: NodeId(1),
            status,
            incarnation,
        }
    }

    fn m(status: Status, incarnation: u64) -> Option<Member> {
        Some(Member {
            status,
            incarnation,
            since: 0,
        })
    }

    /// SWIM §4.2's precedence rules, one line each.
    #[test]
    fn precedence_of_alive_suspect_dead_swim_4_2() {
        use Status::*;
        assert!(supersedes(&u(Alive, 2), m(Suspect, 1)));
        assert!(!supersedes(&u(Alive, 1), m(Suspect, 1)));
        assert!(supersedes(&u(Alive, 2), m(Alive, 1)));
        assert!(supersedes(&u(Suspect, 1), m(Alive, 1)));
        assert!(!supersedes(&u(Suspect, 0), m(Alive, 1)));
        assert!(supersedes(&u(Suspect, 2), m(Suspect, 1)));
        assert!(!supersedes(&u(Suspect, 1), m(Suspect, 1)));
        assert!(supersedes(&u(Dead, 1), m(Suspect, 1)));
        assert!(supersedes(&u(Dead, 1), m(Alive, 1)));
        assert!(!supersedes(&u(Dead, 3), m(Dead, 1)));
        assert!(supersedes(&u(Alive, 2), m(Dead, 1)));
        assert!(!supersedes(&u(Suspect, 5), m(Dead, 1)));
        assert!(supersedes(&u(Alive, 0), None));
        assert!(!supersedes(&u(Dead, 0), None));
    }

    #[test]
    fn view_counts_live_members_and_stores_only_changes() {
        let mut v = View::new(5);
        assert_eq!(v.live_count(), 5);
        assert_eq!(v.get(NodeId(4)), Some(INITIAL));
        assert_eq!(v.get(NodeId(5)), None);
        v.set(
            NodeId(2),
            Member {
                status: Status::Dead,
                incarnation: 0,
                since: 9,
            },
        );
        v.set(NodeId(7), INITIAL);
        assert_eq!(v.live_count(), 5);
        assert_eq!(v.dead().collect::<Vec<_>>(), vec![NodeId(2)]);
        assert_eq!(v.export().len(), 2);
    }

    #[test]
    fn broadcasts_go_least_sent_first_and_expire() {
        let mut b = Broadcasts::default();
        for i in 0..3 {
            b.push(MemberUpdate {
                node: NodeId(i),
                status: Status::Alive,
                incarnation: 1,
            });
        }
        let first: Vec<u16> = b.take(2, 2).iter().map(|u| u.node.0).collect();
        assert_eq!(first, vec![0, 1]);
        let second: Vec<u16> = b.take(2, 2).iter().map(|u| u.node.0).collect();
        assert_eq!(second, vec![2, 0]);
        assert_eq!(b.len(), 2);
        b.take(5, 2);
        assert!(b.is_empty());
    }
}
