//! Joining the cluster (the glue between the store and SWIM's membership): a node joins or
//! rejoins through a member with a full two-way sync of the store and the member list, and
//! retries every round until welcomed.

use super::message::{MemberUpdate, Msg};
use super::node::{Cx, GossipNode};
use super::rule::Rule;
use super::store::{Digest, Entry, Key};
use crate::sim::NodeId;

impl GossipNode {
    /// Join (or rejoin) through `via`, or a random member this node believes live.
    pub(super) fn try_join(&mut self, cx: &mut Cx) {
        let via = match self.volatile.join_via.take() {
            Some(via) if via != self.id && via.index() < self.cluster => Some(via),
            _ => self.sample_peers(1, cx, |_| true).first().copied(),
        };
        match via {
            Some(via) => {
                cx.explain(Rule::Join { via });
                self.send_join(via, cx);
            }
            // Nobody to join: this node is the cluster.
            None => self.volatile.welcomed = true,
        }
    }

    /// A full two-way sync with `to`: the store (as a digest) and the membership list.
    pub(super) fn send_join(&mut self, to: NodeId, cx: &mut Cx) {
        let msg = Msg::Join {
            digest: self.persistent.store.digest(),
            members: self.volatile.view.export(),
            gossip: Vec::new(),
        };
        self.send(to, msg, cx);
    }

    pub(super) fn hear_all(&mut self, members: Vec<MemberUpdate>, from: NodeId, cx: &mut Cx) {
        for update in members {
            self.hear(update, from, cx);
        }
    }

    pub(super) fn on_join(
        &mut self,
        from: NodeId,
        digest: Digest,
        members: Vec<MemberUpdate>,
        cx: &mut Cx,
    ) {
        self.hear_all(members, from, cx);
        cx.explain(Rule::Welcome { joiner: from });
        let entries = self.persistent.store.newer_than(&digest, |_| true);
        let want = self.persistent.store.behind(&digest);
        let msg = Msg::Welcome {
            entries,
            want,
            members: self.volatile.view.export(),
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    pub(super) fn on_welcome(
        &mut self,
        from: NodeId,
        entries: Vec<Entry>,
        want: Vec<Key>,
        members: Vec<MemberUpdate>,
        cx: &mut Cx,
    ) {
        self.hear_all(members, from, cx);
        for entry in entries {
            self.receive(entry, from, cx);
        }
        self.volatile.welcomed = true;
        let back: Vec<Entry> = want
            .iter()
            .filter_map(|&k| self.persistent.store.get(k).map(|r| r.entry))
            .collect();
        cx.explain(Rule::SendBack {
            to: from,
            entries: back.len(),
        });
        let msg = Msg::Push {
            entries: back,
            ack: false,
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    pub(super) fn join(&mut self, via: NodeId, cx: &mut Cx) {
        if self.persistent.joined {
            return;
        }
        self.persistent.joined = true;
        self.announce_alive(cx.now());
        self.volatile.welcomed = false;
        self.volatile.join_via = Some(via);
        self.try_join(cx);
        self.start_timers(cx);
    }
}
