//! Backoff strategies: how long to wait before each retry.
//!
//! Every strategy implements the one-method [`Backoff`] trait. Strategies
//! are stateless values (`Copy`, shareable between tasks): what changes
//! from one retry to the next — the attempt number, the previous delay and
//! the random number generator — is passed in by the caller, so one
//! strategy can serve any number of concurrent retry loops, and a seeded
//! generator makes every sequence reproducible in tests.
//!
//! In the formulas below `n` is the retry number counted from 0 (the first
//! retry is `n = 0`), `random(a, b)` is uniform in `[a, b]`, and `random()`
//! is uniform in `[0, 1)`. redis-py counts failures from 1 instead, so its
//! first delay is `base·2` where ours is `base`.
//!
//! | strategy | delay before retry `n` |
//! |---|---|
//! | [`NoBackoff`] | `0` |
//! | [`Constant`] | `d` |
//! | [`Exponential`] | `min(cap, base·2ⁿ)` |
//! | [`FullJitter`] | `random(0, min(cap, base·2ⁿ))` |
//! | [`EqualJitter`] | `t + random(0, t)` with `t = min(cap, base·2ⁿ) / 2` |
//! | [`DecorrelatedJitter`] | `min(cap, random(base, max(base, 3·previous)))` |
//! | [`ExponentialWithJitter`] | `min(cap, random()·base·2ⁿ)` |
//!
//! The jittered strategies spread the retries of many clients that failed
//! at the same moment (a server restart) so they do not all come back at
//! once. See "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015)
//! for the comparison that named them.

use std::fmt;
use std::time::Duration;

use rand::{Rng, RngCore};

/// A backoff strategy: the delay before a retry.
///
/// One method, so a strategy of your own is a few lines:
///
/// ```
/// use std::time::Duration;
/// use redis_typed::retry::{Backoff, RngCore};
///
/// /// 10 ms, 20 ms, 30 ms, ... (linear).
/// #[derive(Debug)]
/// struct Linear;
///
/// impl Backoff for Linear {
///     fn delay(&self, attempt: u32, _previous: Duration, _rng: &mut dyn RngCore) -> Duration {
///         Duration::from_millis(10) * (attempt + 1)
///     }
/// }
/// ```
pub trait Backoff: fmt::Debug + Send + Sync {
    /// The delay before retry number `attempt` (0 for the first retry).
    /// `previous` is the delay returned for the retry before (zero before
    /// the first); `rng` is the source of any randomness.
    fn delay(&self, attempt: u32, previous: Duration, rng: &mut dyn RngCore) -> Duration;
}

/// `base·2ⁿ`, saturating instead of overflowing.
fn exponential(base: Duration, attempt: u32) -> Duration {
    match 1u32.checked_shl(attempt) {
        Some(factor) => base.saturating_mul(factor),
        None if base.is_zero() => Duration::ZERO,
        None => Duration::MAX,
    }
}

/// Uniform in `[low, high]` (at nanosecond resolution, up to ~584 years).
fn uniform(rng: &mut dyn RngCore, low: Duration, high: Duration) -> Duration {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let (low, high) = (nanos(low), nanos(high));
    if high <= low {
        return Duration::from_nanos(low);
    }
    Duration::from_nanos(rng.random_range(low..=high))
}

/// No wait at all: retry at once.
///
/// Formula: `0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBackoff;

impl Backoff for NoBackoff {
    fn delay(&self, _attempt: u32, _previous: Duration, _rng: &mut dyn RngCore) -> Duration {
        Duration::ZERO
    }
}

/// The same wait before every retry.
///
/// Formula: `d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constant(pub Duration);

impl Backoff for Constant {
    fn delay(&self, _attempt: u32, _previous: Duration, _rng: &mut dyn RngCore) -> Duration {
        self.0
    }
}

/// Doubling waits, capped; no randomness.
///
/// Formula: `min(cap, base·2ⁿ)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exponential {
    base: Duration,
    cap: Duration,
}

impl Exponential {
    /// `base`, `2·base`, `4·base`, ... up to `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Exponential { base, cap }
    }
}

impl Backoff for Exponential {
    fn delay(&self, attempt: u32, _previous: Duration, _rng: &mut dyn RngCore) -> Duration {
        exponential(self.base, attempt).min(self.cap)
    }
}

/// Anywhere between nothing and the exponential delay: the widest spread.
///
/// Formula: `random(0, min(cap, base·2ⁿ))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullJitter {
    base: Duration,
    cap: Duration,
}

impl FullJitter {
    /// Uniform in `[0, min(cap, base·2ⁿ)]`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        FullJitter { base, cap }
    }
}

impl Backoff for FullJitter {
    fn delay(&self, attempt: u32, _previous: Duration, rng: &mut dyn RngCore) -> Duration {
        uniform(
            rng,
            Duration::ZERO,
            exponential(self.base, attempt).min(self.cap),
        )
    }
}

/// Half of the exponential delay fixed, the other half random: never much
/// shorter than the exponential delay, still spread.
///
/// Formula: `t + random(0, t)` with `t = min(cap, base·2ⁿ) / 2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EqualJitter {
    base: Duration,
    cap: Duration,
}

impl EqualJitter {
    /// Uniform in `[t, 2t]` with `t = min(cap, base·2ⁿ) / 2`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        EqualJitter { base, cap }
    }
}

impl Backoff for EqualJitter {
    fn delay(&self, attempt: u32, _previous: Duration, rng: &mut dyn RngCore) -> Duration {
        let half = exponential(self.base, attempt).min(self.cap) / 2;
        half + uniform(rng, Duration::ZERO, half)
    }
}

/// Each delay drawn from `base` up to three times the previous one (AWS's
/// "decorrelated jitter"): grows like the exponential on average without
/// depending on the attempt number.
///
/// Formula: `min(cap, random(base, max(base, 3·previous)))`; the first
/// delay (no previous) is `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecorrelatedJitter {
    base: Duration,
    cap: Duration,
}

impl DecorrelatedJitter {
    /// Uniform in `[base, max(base, 3·previous)]`, capped.
    pub fn new(base: Duration, cap: Duration) -> Self {
        DecorrelatedJitter { base, cap }
    }
}

impl Backoff for DecorrelatedJitter {
    fn delay(&self, _attempt: u32, previous: Duration, rng: &mut dyn RngCore) -> Duration {
        let high = previous.saturating_mul(3).max(self.base);
        uniform(rng, self.base, high).min(self.cap)
    }
}

/// The exponential delay scaled by a random factor, capped afterwards —
/// redis-py's `ExponentialWithJitterBackoff`, whose `base = 1 s, cap = 10 s`
/// with 3 retries was redis-py 6's default client retry.
///
/// Formula: `min(cap, random()·base·2ⁿ)`. Unlike [`FullJitter`] the cap
/// applies after the random factor, so once `base·2ⁿ` is far above the cap
/// most delays equal the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExponentialWithJitter {
    base: Duration,
    cap: Duration,
}

impl ExponentialWithJitter {
    /// `min(cap, random()·base·2ⁿ)`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        ExponentialWithJitter { base, cap }
    }
}

impl Default for ExponentialWithJitter {
    /// `base = 10 ms, cap = 1 s` (redis-py's current default values).
    fn default() -> Self {
        ExponentialWithJitter::new(Duration::from_millis(10), Duration::from_secs(1))
    }
}

impl Backoff for ExponentialWithJitter {
    fn delay(&self, attempt: u32, _previous: Duration, rng: &mut dyn RngCore) -> Duration {
        let factor: f64 = rng.random();
        exponential(self.base.mul_f64(factor), attempt).min(self.cap)
    }
}

impl<B: Backoff + ?Sized> Backoff for std::sync::Arc<B> {
    fn delay(&self, attempt: u32, previous: Duration, rng: &mut dyn RngCore) -> Duration {
        (**self).delay(attempt, previous, rng)
    }
}

impl<B: Backoff + ?Sized> Backoff for Box<B> {
    fn delay(&self, attempt: u32, previous: Duration, rng: &mut dyn RngCore) -> Duration {
        (**self).delay(attempt, previous, rng)
    }
}

#[cfg(test)]
mod tests {
    //! Bounds over many draws, spread (the draws really cover the range),
    //! and growth with the attempt number, for every strategy.

    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    const DRAWS: usize = 10_000;
    const MS: Duration = Duration::from_millis(1);

    fn rng() -> StdRng {
        StdRng::seed_from_u64(0x5eed)
    }

    /// `DRAWS` delays for `attempt`, each with `previous` given.
    fn draws(b: &dyn Backoff, attempt: u32, previous: Duration) -> Vec<Duration> {
        let mut rng = rng();
        (0..DRAWS)
            .map(|_| b.delay(attempt, previous, &mut rng))
            .collect()
    }

    struct Stats {
        min: Duration,
        max: Duration,
        mean: Duration,
    }

    fn stats(d: &[Duration]) -> Stats {
        let sum: Duration = d.iter().sum();
        Stats {
            min: *d.iter().min().unwrap(),
            max: *d.iter().max().unwrap(),
            mean: sum / d.len() as u32,
        }
    }

    /// The draws lie in `[low, high]`, reach within 2% of both ends, and
    /// average near the middle (uniform).
    fn assert_uniform(d: &[Duration], low: Duration, high: Duration) {
        let s = stats(d);
        let width = high - low;
        assert!(
            s.min >= low && s.max <= high,
            "[{:?}, {:?}] outside [{low:?}, {high:?}]",
            s.min,
            s.max
        );
        assert!(
            s.min <= low + width / 50,
            "min {:?} never near {low:?}",
            s.min
        );
        assert!(
            s.max >= high - width / 50,
            "max {:?} never near {high:?}",
            s.max
        );
        let mid = low + width / 2;
        let tolerance = width / 20;
        assert!(
            s.mean >= mid - tolerance && s.mean <= mid + tolerance,
            "mean {:?} not near the middle {mid:?}",
            s.mean
        );
    }

    #[test]
    fn no_backoff_is_always_zero() {
        for attempt in [0, 1, 10, 1000] {
            assert!(draws(&NoBackoff, attempt, MS).iter().all(|d| d.is_zero()));
        }
    }

    #[test]
    fn constant_never_varies() {
        let b = Constant(7 * MS);
        for attempt in [0, 3, u32::MAX] {
            assert!(draws(&b, attempt, 100 * MS).iter().all(|d| *d == 7 * MS));
        }
    }

    #[test]
    fn exponential_doubles_then_caps_and_never_overflows() {
        let b = Exponential::new(10 * MS, 1000 * MS);
        let mut rng = rng();
        let got: Vec<_> = (0..9)
            .map(|n| b.delay(n, Duration::ZERO, &mut rng))
            .collect();
        let want: Vec<_> = [10, 20, 40, 80, 160, 320, 640, 1000, 1000]
            .map(|m| m * MS)
            .to_vec();
        assert_eq!(got, want);
        assert_eq!(b.delay(31, Duration::ZERO, &mut rng), 1000 * MS);
        assert_eq!(b.delay(u32::MAX, Duration::ZERO, &mut rng), 1000 * MS);
        let uncapped = Exponential::new(Duration::from_secs(1), Duration::MAX);
        assert_eq!(uncapped.delay(200, Duration::ZERO, &mut rng), Duration::MAX);
        let zero = Exponential::new(Duration::ZERO, Duration::MAX);
        assert_eq!(zero.delay(200, Duration::ZERO, &mut rng), Duration::ZERO);
    }

    #[test]
    fn full_jitter_is_uniform_below_the_exponential_and_grows() {
        let b = FullJitter::new(10 * MS, 500 * MS);
        let mut previous_mean = Duration::ZERO;
        for n in 0..6 {
            let high = (10 * MS * 2u32.pow(n)).min(500 * MS);
            let d = draws(&b, n, Duration::ZERO);
            assert_uniform(&d, Duration::ZERO, high);
            let mean = stats(&d).mean;
            assert!(
                mean > previous_mean,
                "attempt {n}: mean {mean:?} did not grow"
            );
            previous_mean = mean;
        }
        // Capped: attempt 6 (640 ms uncapped) and attempt 30 share the cap.
        assert_uniform(&draws(&b, 6, Duration::ZERO), Duration::ZERO, 500 * MS);
        assert_uniform(&draws(&b, 30, Duration::ZERO), Duration::ZERO, 500 * MS);
    }

    #[test]
    fn equal_jitter_keeps_half_fixed_and_grows() {
        let b = EqualJitter::new(10 * MS, 500 * MS);
        let mut previous_min = Duration::ZERO;
        for n in 0..6 {
            let full = (10 * MS * 2u32.pow(n)).min(500 * MS);
            let d = draws(&b, n, Duration::ZERO);
            assert_uniform(&d, full / 2, full);
            let min = stats(&d).min;
            assert!(
                min > previous_min,
                "attempt {n}: floor {min:?} did not grow"
            );
            previous_min = min;
        }
        assert_uniform(&draws(&b, 40, Duration::ZERO), 250 * MS, 500 * MS);
    }

    #[test]
    fn decorrelated_jitter_draws_up_to_three_times_the_previous() {
        let b = DecorrelatedJitter::new(10 * MS, 1000 * MS);
        // First retry: no previous delay, so exactly base.
        assert!(draws(&b, 0, Duration::ZERO).iter().all(|d| *d == 10 * MS));
        // Then uniform in [base, 3·previous].
        assert_uniform(&draws(&b, 1, 10 * MS), 10 * MS, 30 * MS);
        assert_uniform(&draws(&b, 5, 100 * MS), 10 * MS, 300 * MS);
        // Capped: previous 500 ms would allow 1.5 s.
        let d = draws(&b, 9, 500 * MS);
        let s = stats(&d);
        assert!(
            s.min >= 10 * MS && s.max == 1000 * MS,
            "{:?}..{:?}",
            s.min,
            s.max
        );
        let at_cap = d.iter().filter(|d| **d == 1000 * MS).count();
        // P(draw >= cap) = (1500 - 1000) / (1500 - 10) ≈ 0.336.
        assert!(
            (3000..3700).contains(&at_cap),
            "{at_cap} of {DRAWS} at the cap"
        );
    }

    #[test]
    fn decorrelated_jitter_chain_grows_on_average_and_stays_bounded() {
        let b = DecorrelatedJitter::new(10 * MS, 10_000 * MS);
        let mut rng = rng();
        // Mean delay at each step over many independent chains.
        let steps = 8;
        let mut sums = vec![Duration::ZERO; steps];
        for _ in 0..2000 {
            let mut previous = Duration::ZERO;
            for (n, sum) in sums.iter_mut().enumerate() {
                previous = b.delay(n as u32, previous, &mut rng);
                assert!(previous >= 10 * MS && previous <= 10_000 * MS);
                *sum += previous;
            }
        }
        for pair in sums.windows(2) {
            assert!(pair[1] > pair[0], "mean did not grow: {sums:?}");
        }
    }

    #[test]
    fn exponential_with_jitter_matches_redis_py() {
        let b = ExponentialWithJitter::new(10 * MS, 1000 * MS);
        let mut previous_mean = Duration::ZERO;
        for n in 0..6 {
            // Below the cap: random()·base·2ⁿ, uniform in [0, base·2ⁿ).
            let high = 10 * MS * 2u32.pow(n);
            let d = draws(&b, n, Duration::ZERO);
            assert_uniform(&d, Duration::ZERO, high);
            let mean = stats(&d).mean;
            assert!(
                mean > previous_mean,
                "attempt {n}: mean {mean:?} did not grow"
            );
            previous_mean = mean;
        }
        // base·2⁸ = 2.56 s: the cap applies after the random factor, so
        // P(delay == cap) = 1 - 1000/2560 ≈ 0.61.
        let d = draws(&b, 8, Duration::ZERO);
        assert!(d.iter().all(|d| *d <= 1000 * MS));
        let at_cap = d.iter().filter(|d| **d == 1000 * MS).count();
        assert!(
            (5800..6400).contains(&at_cap),
            "{at_cap} of {DRAWS} at the cap"
        );
        // Far beyond: (almost) always the cap, never an overflow.
        let d = draws(&b, 200, Duration::ZERO);
        assert!(d.iter().all(|d| *d <= 1000 * MS));
        assert!(d.iter().filter(|d| **d == 1000 * MS).count() > DRAWS - 5);
    }

    #[test]
    fn a_seed_reproduces_the_sequence() {
        let b = FullJitter::new(MS, Duration::from_secs(1));
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..20)
                .map(|n| b.delay(n, Duration::ZERO, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn strategies_work_behind_pointers() {
        let boxed: Box<dyn Backoff> = Box::new(Constant(MS));
        let shared: std::sync::Arc<dyn Backoff> = std::sync::Arc::new(Constant(2 * MS));
        let mut rng = rng();
        assert_eq!(boxed.delay(0, Duration::ZERO, &mut rng), MS);
        assert_eq!(shared.delay(0, Duration::ZERO, &mut rng), 2 * MS);
    }
}
