//! Exchanging updates (Demers et al. §1.3–§1.4): a round's push, pull or push-pull of the
//! whole store (anti-entropy) or of the hot rumors, the answering side of each, and merging
//! what arrives into the store.

use super::config::Mode;
use super::message::Msg;
use super::node::{Cx, GossipNode};
use super::rule::Rule;
use super::store::{Digest, Entry, Key, Merge, Version};
use crate::sim::NodeId;

impl GossipNode {
    /// Demers et al. §1.3: every site regularly picks another site at random and resolves
    /// the differences between their databases, by push, pull or push-pull of the store.
    pub(super) fn anti_entropy_round(&mut self, round: u64, cx: &mut Cx) {
        let mode = self.config.mode;
        if mode == Mode::Push && self.persistent.store.is_empty() {
            return;
        }
        let k = self.config.fanout_for(self.cluster);
        let peers = self.sample_peers(k, cx, |_| true);
        if peers.is_empty() {
            return;
        }
        if cx.explaining() {
            cx.explain(Rule::Round {
                round,
                peers: peers.clone(),
                mode,
            });
        }
        match mode {
            Mode::Push => {
                let entries = self.persistent.store.entries();
                for peer in peers {
                    let msg = Msg::Push {
                        entries: entries.clone(),
                        ack: false,
                        gossip: Vec::new(),
                    };
                    self.send(peer, msg, cx);
                }
            }
            Mode::Pull | Mode::PushPull => {
                let digest = self.persistent.store.digest();
                for peer in peers {
                    self.send_digest(peer, digest.clone(), true, cx);
                }
            }
        }
    }

    pub(super) fn send_digest(&mut self, peer: NodeId, digest: Digest, full: bool, cx: &mut Cx) {
        let msg = Msg::Digest {
            digest,
            full,
            push_pull: self.config.mode == Mode::PushPull,
            gossip: Vec::new(),
        };
        self.send(peer, msg, cx);
    }

    /// Merge one received entry; true if it was news.
    pub(super) fn receive(&mut self, entry: Entry, from: NodeId, cx: &mut Cx) -> bool {
        let now = cx.now();
        let merge = if self.config.breaks.accept_stale {
            self.persistent.store.overwrite(entry, now)
        } else {
            self.persistent.store.merge(entry, now)
        };
        let news = match merge {
            Merge::Newer { .. } => true,
            Merge::Older { .. } => self.config.breaks.accept_stale,
            Merge::Same => false,
        };
        if news {
            self.meter.news += 1;
            cx.explain(Rule::Learn {
                key: entry.key,
                version: entry.version,
                from,
            });
            self.became_infective(entry.key, entry.version, Some(from), cx);
        } else {
            self.meter.redundant += 1;
            let have = match merge {
                Merge::Older { have } => have,
                _ => entry.version,
            };
            cx.explain(Rule::AlreadyKnown {
                key: entry.key,
                version: entry.version,
                have,
                from,
            });
        }
        news
    }

    /// A new version arrived or was written here: in rumor mongering it is a hot rumor.
    pub(super) fn became_infective(
        &mut self,
        key: Key,
        version: Version,
        from: Option<NodeId>,
        cx: &mut Cx,
    ) {
        if self.rumor_model() {
            self.volatile.rumors.infect(key, version, from);
            cx.explain(Rule::Infective { key, version });
        }
        self.arm_round(cx);
    }

    pub(super) fn on_push(&mut self, from: NodeId, entries: Vec<Entry>, ack: bool, cx: &mut Cx) {
        let mut known = Vec::new();
        let round_start = self.config.round_at(cx.now()) * self.config.period();
        for entry in entries {
            if self.receive(entry, from, cx) {
                continue;
            }
            // With lockstep feedback, a rumor learned earlier in this same round counts as
            // news, as if judged against the state at the round's start.
            let fresh = self.config.lockstep_feedback
                && self.persistent.store.get(entry.key).is_some_and(|r| {
                    r.entry.version == entry.version && r.learned_at >= round_start
                });
            if !fresh {
                known.push((entry.key, entry.version));
            }
        }
        if ack {
            self.send(
                from,
                Msg::PushAck {
                    known,
                    gossip: Vec::new(),
                },
                cx,
            );
        }
    }

    /// Pull (and push-pull), answering side: send what this node has newer than the digest
    /// (everything in anti-entropy, hot rumors in rumor mongering); in push-pull also name
    /// the keys where the peer is newer.
    pub(super) fn on_digest(
        &mut self,
        from: NodeId,
        digest: Digest,
        full: bool,
        push_pull: bool,
        cx: &mut Cx,
    ) {
        let entries = if full {
            self.persistent.store.newer_than(&digest, |_| true)
        } else {
            let rumors = &self.volatile.rumors;
            self.persistent
                .store
                .newer_than(&digest, |k| rumors.is_hot(k))
        };
        let want = push_pull.then(|| self.persistent.store.behind(&digest));
        cx.explain(Rule::AnswerDigest {
            to: from,
            entries: entries.len(),
            want: want.as_ref().map(Vec::len),
        });
        if !full {
            // The digest tells this node which of its hot rumors the peer already had.
            for key in self.volatile.rumors.keys() {
                let necessary = entries.iter().any(|e| e.key == key);
                if necessary {
                    self.volatile.rumors.sent(key, from);
                }
                self.contact(key, from, necessary, cx);
            }
        }
        let msg = Msg::Answer {
            entries,
            want,
            full,
            gossip: Vec::new(),
        };
        self.send(from, msg, cx);
    }

    /// Pull (and push-pull), initiating side: merge the answer; in push-pull send back
    /// what the peer asked for (the third message).
    pub(super) fn on_answer(
        &mut self,
        from: NodeId,
        entries: Vec<Entry>,
        want: Option<Vec<Key>>,
        full: bool,
        cx: &mut Cx,
    ) {
        let hot_before = if !full && want.is_some() {
            self.volatile.rumors.keys()
        } else {
            Vec::new()
        };
        for entry in entries {
            self.receive(entry, from, cx);
        }
        let Some(want) = want else {
            return;
        };
        let back: Vec<Entry> = if full {
            want.iter()
                .filter_map(|&k| self.persistent.store.get(k).map(|r| r.entry))
                .collect()
        } else {
            let keys: Vec<Key> = want
                .iter()
                .copied()
                .filter(|&k| self.volatile.rumors.is_hot(k))
                .collect();
            self.rumor_entries(&keys, from)
        };
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
        // The push half of a rumor push-pull: `want` says which hot rumors were news.
        for key in hot_before {
            let necessary = want.contains(&key);
            self.contact(key, from, necessary, cx);
        }
    }
}
