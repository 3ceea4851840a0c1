//! Order statistics over a set of trials, and the points of a logarithmic axis.
//!
//! Means and deviations are core's [`Stats`] (the gossip trials runner's), so the Lab and the
//! core's statistical tests summarise alike. Everything here is plain IEEE arithmetic (no `ln`,
//! no `exp`), hence the same bits on every platform.

pub use concord_core::gossip::trials::Stats;

/// Samples in increasing order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Sample {
    sorted: Vec<f64>,
}

impl Sample {
    pub fn new(xs: impl IntoIterator<Item = f64>) -> Sample {
        let mut sorted: Vec<f64> = xs.into_iter().collect();
        sorted.sort_by(f64::total_cmp);
        Sample { sorted }
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// Nearest rank: the ⌈q·n⌉-th smallest value (the smallest for `q = 0`).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.sorted.len();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * n as f64).ceil() as usize;
        Some(self.sorted[rank.clamp(1, n) - 1])
    }

    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    pub fn max(&self) -> Option<f64> {
        self.sorted.last().copied()
    }

    /// Count, mean, standard deviation, least and greatest.
    pub fn stats(&self) -> Option<Stats> {
        Stats::of(&self.sorted)
    }

    pub fn mean(&self) -> Option<f64> {
        self.stats().map(|s| s.mean)
    }

    /// How many samples are at most `x`.
    pub fn count_at_most(&self, x: f64) -> usize {
        self.sorted.partition_point(|&s| s <= x)
    }
}

/// Points of a logarithmic axis from `lo` to `hi` (both included when they fall on it): 1, 1.2,
/// 1.5, 2, 2.5, 3, 4, 5, 6, 8 times each power of ten, ten a decade.
pub fn log_grid(lo: f64, hi: f64) -> Vec<f64> {
    const TENTHS: [u32; 10] = [10, 12, 15, 20, 25, 30, 40, 50, 60, 80];
    let mut decade = 1.0;
    while decade > lo && decade > f64::MIN_POSITIVE {
        decade /= 10.0;
    }
    while decade * 10.0 <= lo {
        decade *= 10.0;
    }
    let mut points = Vec::new();
    while decade <= hi {
        for t in TENTHS {
            let x = decade * f64::from(t) / 10.0;
            if (lo..=hi).contains(&x) {
                points.push(x);
            }
        }
        decade *= 10.0;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let s = Sample::new([5.0, 1.0, 4.0, 2.0, 3.0]);
        assert_eq!(s.median(), Some(3.0));
        assert_eq!(s.quantile(0.0), Some(1.0));
        assert_eq!(s.quantile(0.99), Some(5.0));
        assert_eq!(s.quantile(0.2), Some(1.0));
        assert_eq!(s.count_at_most(3.0), 3);
        assert_eq!(Sample::new([]).median(), None);
        let hundred = Sample::new((1..=100).map(f64::from));
        assert_eq!(hundred.quantile(0.99), Some(99.0));
        assert_eq!(hundred.median(), Some(50.0));
    }

    #[test]
    fn log_grid_has_ten_points_a_decade() {
        let g = log_grid(10.0, 1000.0);
        assert_eq!(g.first(), Some(&10.0));
        assert_eq!(g.last(), Some(&1000.0));
        assert_eq!(g.len(), 21);
        assert!(g.contains(&150.0) && g.contains(&25.0));
        assert_eq!(log_grid(0.5, 1.0), vec![0.5, 0.6, 0.8, 1.0]);
    }
}
