//! [`Inputs`]: the inputs of a run, in order, as a history keeps them.
//!
//! Nearly every input is a plain step ([`Input::Next`]); a 10,000-node gossip spread is half a
//! million of them and a handful of interventions. So plain steps are only counted, and each
//! intervention is kept with its index: recording a step costs nothing, a run's inputs take
//! memory in proportion to what the reader did, and finding input `i` is a binary search among
//! the interventions.

use super::input::Input;
use super::protocol::Protocol;

#[derive(Clone, Debug, PartialEq)]
pub struct Inputs<P: Protocol> {
    /// Every input that is not `Input::Next`, with its index, in order.
    acts: Vec<(usize, Input<P>)>,
    len: usize,
}

impl<P: Protocol> Default for Inputs<P> {
    fn default() -> Self {
        Inputs {
            acts: Vec::new(),
            len: 0,
        }
    }
}

impl<P: Protocol> Inputs<P> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Input `i` (counting from 0).
    pub fn get(&self, i: usize) -> Option<Input<P>> {
        if i >= self.len {
            return None;
        }
        match self.acts.binary_search_by_key(&i, |(at, _)| *at) {
            Ok(k) => self.acts.get(k).map(|(_, input)| input.clone()),
            Err(_) => Some(Input::Next),
        }
    }

    pub fn push(&mut self, input: Input<P>) {
        if input != Input::Next {
            self.acts.push((self.len, input));
        }
        self.len += 1;
    }

    /// Keep the first `len` inputs.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            let keep = self.acts.partition_point(|(at, _)| *at < len);
            self.acts.truncate(keep);
        }
    }

    /// The first `len` inputs.
    pub fn prefix(&self, len: usize) -> Self {
        let mut prefix = self.clone();
        prefix.truncate(len);
        prefix
    }

    /// Every input, in order.
    pub fn iter(&self) -> impl Iterator<Item = Input<P>> + '_ {
        let mut acts = self.acts.iter().peekable();
        (0..self.len).map(move |i| match acts.next_if(|(at, _)| *at == i) {
            Some((_, input)) => input.clone(),
            None => Input::Next,
        })
    }

    /// Every input that is not `Input::Next`, with its index, in order.
    pub fn interventions(&self) -> impl Iterator<Item = (usize, &Input<P>)> {
        self.acts.iter().map(|(index, input)| (*index, input))
    }

    /// How many inputs two runs share from the start.
    pub fn common_prefix(&self, other: &Self) -> usize {
        let shorter = self.len.min(other.len);
        let differ = self
            .acts
            .iter()
            .zip(&other.acts)
            .find(|(a, b)| a != b)
            .map(|(a, b)| a.0.min(b.0));
        // Past the interventions both have, the first extra one of either is a difference.
        let extra = || {
            let both = self.acts.len().min(other.acts.len());
            let next = |acts: &[(usize, Input<P>)]| acts.get(both).map(|(at, _)| *at);
            next(&self.acts).or(next(&other.acts))
        };
        differ.or_else(extra).map_or(shorter, |at| at.min(shorter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gossip::GossipNode;
    use crate::sim::{Action, NodeId, SimRng};

    fn act(node: u16) -> Input<GossipNode> {
        Input::Act {
            at: 0,
            action: Action::Crash(NodeId(node)),
        }
    }

    fn build(list: &[Input<GossipNode>]) -> Inputs<GossipNode> {
        let mut inputs = Inputs::default();
        for input in list {
            inputs.push(input.clone());
        }
        inputs
    }

    /// Random lists of plain steps and interventions, against a plain vector: the same inputs
    /// by index and in order, the same prefixes, the same shared prefix of two runs.
    #[test]
    fn agrees_with_a_plain_list() {
        let mut rng = SimRng::new(7, 0);
        let random = |rng: &mut SimRng| -> Vec<Input<GossipNode>> {
            (0..rng.below(30))
                .map(|_| match rng.below(4) {
                    0 => act(rng.below(3) as u16),
                    _ => Input::Next,
                })
                .collect()
        };
        for _ in 0..2_000 {
            let a = random(&mut rng);
            // Often a copy of `a` changed at one place or cut short, so prefixes are long.
            let mut b = if rng.below(2) == 0 {
                a.clone()
            } else {
                random(&mut rng)
            };
            if !b.is_empty() && rng.below(2) == 0 {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = act(5);
            }
            b.truncate(rng.below(b.len() as u64 + 1) as usize);
            let (ia, ib) = (build(&a), build(&b));
            assert_eq!(ia.len(), a.len());
            assert_eq!(ia.iter().collect::<Vec<_>>(), a);
            for (i, input) in a.iter().enumerate() {
                assert_eq!(ia.get(i).as_ref(), Some(input));
            }
            assert_eq!(ia.get(a.len()), None);
            let shared = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            assert_eq!(ia.common_prefix(&ib), shared, "{a:?} / {b:?}");
            assert_eq!(ib.common_prefix(&ia), shared);
            let cut = rng.below(a.len() as u64 + 1) as usize;
            assert_eq!(ia.prefix(cut), build(&a[..cut]));
        }
    }
}
