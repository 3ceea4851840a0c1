//! Predictions to hold the simulation against: closed forms where they exist, mean-field
//! recurrences iterated numerically where they do not.
//!
//! Rounds here are lockstep rounds (every node acts once per round on what it knew at the
//! round's start): the simulation matches that model with `jitter = 0`, since messages
//! take far less than a period. With jitter, a node infected early in a round may spread
//! in the same round, so runs are somewhat faster than these predictions.

use super::config::Mode;
use crate::sim::Time;

/// Pittel (1987), cited in Demers et al. §1.3: push anti-entropy from one site with
/// fan-out 1 infects all `n` sites in `log2 n + ln n + O(1)` rounds. This is the leading
/// part, without the O(1).
pub fn pittel_push_rounds(n: usize) -> f64 {
    let n = n.max(2) as f64;
    n.log2() + n.ln()
}

/// Karp, Schindelhauer, Shenker, Vöcking (FOCS 2000): push-pull needs `log3 n +
/// O(log log n)` rounds. This is the leading term only.
pub fn karp_push_pull_leading(n: usize) -> f64 {
    (n.max(2) as f64).ln() / 3f64.ln()
}

/// Probability that one susceptible node stays susceptible through one round, when a
/// fraction `s` of the `n` nodes is susceptible, every node contacts `k` distinct random
/// others, and each message is lost with probability `loss`.
fn stay_susceptible(mode: Mode, n: f64, k: usize, s: f64, loss: f64) -> f64 {
    let ok = 1.0 - loss.clamp(0.0, 1.0);
    // Which contacts can carry the update, and how many messages each needs to arrive: a
    // push (one message); the answer to this node's digest (two); the push-back that
    // follows a peer's digest and this node's answer (three).
    let (push_ok, pull_ok) = match mode {
        Mode::Push => (ok, 0.0),
        Mode::Pull => (0.0, ok * ok),
        Mode::PushPull => (ok * ok * ok, ok * ok),
    };
    let infected = n * (1.0 - s);
    // Push: each infected node reaches this node with probability k / (n − 1) (Demers et al.
    // §1.3: p_{i+1} = p_i (1 − 1/n)^{n(1 − p_i)} for k = 1).
    let push = (1.0 - k as f64 * push_ok / (n - 1.0))
        .max(0.0)
        .powf(infected);
    // Pull: each of the k partners this node picks among the other n − 1 is susceptible too,
    // or its answer is lost (Demers et al. §1.3: p_{i+1} = p_i² for k = 1, in the limit).
    let mut pull = 1.0;
    let susceptible_others = n * s - 1.0;
    for j in 0..k {
        let j = j as f64;
        let partner_susceptible = ((susceptible_others - j) / (n - 1.0 - j)).clamp(0.0, 1.0);
        pull *= partner_susceptible + (1.0 - partner_susceptible) * (1.0 - pull_ok);
    }
    push * pull
}

/// Mean-field fraction of nodes without the update after rounds `0, 1, 2 …` (index 0 is
/// the start, one infected node), with each message lost with probability `loss`, until
/// fewer than 1e-12 nodes are expected susceptible or `max_rounds` is reached.
pub fn susceptible_curve(
    mode: Mode,
    n: usize,
    fanout: usize,
    loss: f64,
    max_rounds: usize,
) -> Vec<f64> {
    if n < 2 {
        return vec![0.0];
    }
    let nf = n as f64;
    let k = fanout.clamp(1, n - 1);
    let mut s = 1.0 - 1.0 / nf;
    let mut curve = vec![s];
    while curve.len() <= max_rounds && nf * s > 1e-12 {
        let stay = stay_susceptible(mode, nf, k, s, loss);
        if stay >= 1.0 {
            // Every message is lost: nothing ever spreads.
            break;
        }
        s *= stay;
        curve.push(s);
    }
    curve
}

/// Expected rounds until every node has the update. The mean-field curve gives the
/// expected number of susceptible nodes `n·s_r` after round `r`; near the end these are
/// few and infected nearly independently, so the count is close to Poisson and
/// `P(done by r) ≈ exp(−n·s_r)`. Then `E[T] = Σ_r (1 − P(done by r))`.
pub fn expected_rounds(mode: Mode, n: usize, fanout: usize, loss: f64) -> f64 {
    let nf = n as f64;
    susceptible_curve(mode, n, fanout, loss, 10_000)
        .iter()
        .map(|&s| 1.0 - (-nf * s).exp())
        .sum()
}

/// The mean-field infected curve as chart points: `(r, 1 − s_r)` for `r = 0, 1, …` rounds after
/// one node wrote the update (see [`susceptible_curve`], with message loss `loss`), shifted
/// right by `start` rounds. A
/// run's [`RoundRow`](super::RoundRow) for round `b` (the round the update was written in) has
/// `x = b + 1`, so `start = b + 1` lays the prediction over the run. Ends when fewer than half
/// a node is expected susceptible (within `max_rounds`).
pub fn infected_points(
    mode: Mode,
    n: usize,
    fanout: usize,
    loss: f64,
    start: f64,
    max_rounds: usize,
) -> Vec<(f64, f64)> {
    let nf = n as f64;
    let mut points = Vec::new();
    for (r, s) in susceptible_curve(mode, n, fanout, loss, max_rounds)
        .into_iter()
        .enumerate()
    {
        points.push((start + r as f64, 1.0 - s));
        if nf * s < 0.5 {
            break;
        }
    }
    points
}

/// The smallest root in `[0, 1]` of `s = exp(−c (1 − s))`: the fraction an SIR epidemic
/// never reaches when infectives lose interest at `1/c` of the contact rate (Demers et
/// al. §1.4's deterministic analysis). 1 when `c ≤ 1`.
pub fn residue(c: f64) -> f64 {
    if !c.is_finite() || c <= 1.0 {
        return 1.0;
    }
    // f(s) = s − exp(−c(1 − s)) is concave, negative at 0 and largest at s* = 1 − ln c / c.
    let f = |s: f64| s - (-c * (1.0 - s)).exp();
    let (mut lo, mut hi) = (0.0, 1.0 - c.ln() / c);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Demers et al. §1.4: with feedback and a 1/k coin, `s = e^{−(k+1)(1−s)}`.
pub fn residue_feedback_coin(k: u32) -> f64 {
    residue(k as f64 + 1.0)
}

/// Blind with a 1/k coin: every contact risks interest, so `s = e^{−k(1−s)}` (the same
/// analysis; it matches Demers et al.'s Table 2).
pub fn residue_blind_coin(k: u32) -> f64 {
    residue(k as f64)
}

/// Demers et al. §1.4: residue and traffic are related by `s = e^{−m}`, where `m` is the
/// number of messages carrying the update per site.
pub fn traffic_for_residue(s: f64) -> f64 {
    -s.max(f64::MIN_POSITIVE).ln()
}

/// A row of Demers et al.'s simulation tables (1000 sites, push, fan-out 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DemersRow {
    pub k: u32,
    /// Fraction of sites never reached.
    pub residue: f64,
    /// Update messages per site.
    pub traffic: f64,
    /// Mean and last arrival, in cycles.
    pub t_ave: f64,
    pub t_last: f64,
}

const fn row(k: u32, residue: f64, traffic: f64, t_ave: f64, t_last: f64) -> DemersRow {
    DemersRow {
        k,
        residue,
        traffic,
        t_ave,
        t_last,
    }
}

/// Demers et al. Table 1: feedback and counters.
pub const DEMERS_TABLE_1: [DemersRow; 5] = [
    row(1, 0.176, 1.74, 11.0, 16.8),
    row(2, 0.037, 3.30, 12.1, 16.9),
    row(3, 0.011, 4.53, 12.5, 17.4),
    row(4, 0.0036, 5.64, 12.7, 17.5),
    row(5, 0.0012, 6.68, 12.8, 17.7),
];

/// Demers et al. Table 2: blind and coin.
pub const DEMERS_TABLE_2: [DemersRow; 5] = [
    row(1, 0.960, 0.04, 19.0, 38.0),
    row(2, 0.205, 1.59, 17.0, 33.0),
    row(3, 0.060, 2.82, 15.0, 32.0),
    row(4, 0.021, 3.91, 14.1, 32.0),
    row(5, 0.008, 4.95, 13.8, 32.0),
];

/// SWIM §3.1: with synchronous protocol periods, the expected number of periods until some
/// member first probes a failed one is `1 / (1 − (1 − 1/(n−1))^{n−1})`, which tends to
/// `e / (e − 1) ≈ 1.58`.
pub fn swim_detection_periods(n: usize) -> f64 {
    if n < 2 {
        return f64::INFINITY;
    }
    let m = (n - 1) as f64;
    1.0 / (1.0 - (1.0 - 1.0 / m).powf(m))
}

/// Expected time from a member's crash until another member first pings it, when each
/// of the other `n − 1` members probes once per `interval` at its own random phase (as the
/// simulation does) and picks its target uniformly among its `n − 1` peers. With
/// `N = n − 1` probers each hitting with `p = 1/(n − 1)`:
/// `E = interval · (1 − (1−p)^{N+1}) / (p (N+1)) / (1 − (1−p)^N)`, close to one interval.
pub fn swim_first_probe_time(n: usize, interval: Time) -> f64 {
    if n < 2 {
        return f64::INFINITY;
    }
    let big_n = (n - 1) as f64;
    let p = 1.0 / big_n;
    let miss = 1.0 - p;
    interval as f64 * (1.0 - miss.powf(big_n + 1.0))
        / (p * (big_n + 1.0))
        / (1.0 - miss.powf(big_n))
}

/// Expected time from a crash until the first suspicion: the first ping, then the end of
/// that prober's protocol period one interval later, when it gives up (SWIM §3.1, §4.2).
pub fn swim_first_suspicion_time(n: usize, interval: Time) -> f64 {
    swim_first_probe_time(n, interval) + interval as f64
}

/// Probability that one probe of a live member fails when each message is lost with
/// probability `loss`: the direct ping or its ack is lost, and each of the `k` indirect
/// paths (ping-req, ping, ack, ack: four messages) loses one (SWIM §3.1).
pub fn swim_false_suspicion_probability(loss: f64, k: u32) -> f64 {
    let ok = 1.0 - loss.clamp(0.0, 1.0);
    (1.0 - ok.powi(2)) * (1.0 - ok.powi(4)).powi(k as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residue_solves_the_equation_and_matches_demers_table_2() {
        for k in 2..=5 {
            let s = residue_blind_coin(k);
            assert!((s - (-(k as f64) * (1.0 - s)).exp()).abs() < 1e-12);
            let table = DEMERS_TABLE_2[k as usize - 1].residue;
            assert!((s - table).abs() / table < 0.15, "k={k}: {s} vs {table}");
        }
        assert_eq!(residue(1.0), 1.0);
        assert!((residue_feedback_coin(1) - 0.2032).abs() < 1e-3);
    }

    #[test]
    fn mean_field_push_is_near_pittel_and_pull_push_pull_are_faster() {
        let n = 1000;
        let push = expected_rounds(Mode::Push, n, 1, 0.0);
        let pull = expected_rounds(Mode::Pull, n, 1, 0.0);
        let push_pull = expected_rounds(Mode::PushPull, n, 1, 0.0);
        assert!((push - pittel_push_rounds(n)).abs() < 2.5, "push {push}");
        assert!(pull < push && push_pull < pull, "{push} {pull} {push_pull}");
    }

    #[test]
    fn loss_slows_the_mean_field_and_total_loss_stops_it() {
        for mode in [Mode::Push, Mode::Pull, Mode::PushPull] {
            let clean = expected_rounds(mode, 1000, 2, 0.0);
            let lossy = expected_rounds(mode, 1000, 2, 0.2);
            assert!(lossy > clean + 0.5, "{mode:?}: {clean} vs {lossy}");
            assert_eq!(susceptible_curve(mode, 1000, 2, 1.0, 50).len(), 1);
        }
    }

    #[test]
    fn swim_detection_tends_to_e_over_e_minus_1() {
        let e = std::f64::consts::E;
        assert!((swim_detection_periods(10_000) - e / (e - 1.0)).abs() < 1e-3);
        let t = swim_first_probe_time(1000, 1_000_000);
        assert!((t - 1_000_000.0).abs() < 10_000.0, "{t}");
    }

    #[test]
    fn false_suspicion_probability_edges() {
        assert_eq!(swim_false_suspicion_probability(0.0, 3), 0.0);
        assert_eq!(swim_false_suspicion_probability(1.0, 3), 1.0);
    }
}
