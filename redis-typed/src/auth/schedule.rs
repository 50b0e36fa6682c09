//! When the token manager acts: the refresh point of a token and the
//! backoff between failed attempts. Pure functions of the clock readings
//! they are given, so the arithmetic is tested without waiting.

use std::time::{Duration, SystemTime};

/// How long after `now` a token issued at `issued_at` and expiring at
/// `expires_at` should be refreshed: at `ratio` of its life, and no later
/// than `lower_bound` before it expires. Zero when that point has passed.
///
/// ```text
/// issued ──────────── ratio × life ──────────┬────────── expires
///                                 refresh ───┘ (or expires − lower_bound, if earlier)
/// ```
pub(crate) fn refresh_delay(
    issued_at: SystemTime,
    expires_at: SystemTime,
    now: SystemTime,
    ratio: f64,
    lower_bound: Duration,
) -> Duration {
    let life = expires_at.duration_since(issued_at).unwrap_or_default();
    let by_ratio = issued_at + life.mul_f64(ratio.clamp(0.0, 1.0));
    let latest = expires_at.checked_sub(lower_bound).unwrap_or(issued_at);
    by_ratio.min(latest).duration_since(now).unwrap_or_default()
}

/// After a refresh round failed with `remaining` time left on the token:
/// the same share of what is left (so attempts come closer as expiry
/// nears), no later than `lower_bound` before expiry, and at least
/// `floor` from now (so they never come in a rush).
pub(crate) fn next_round_delay(
    remaining: Duration,
    ratio: f64,
    lower_bound: Duration,
    floor: Duration,
) -> Duration {
    remaining
        .mul_f64(ratio.clamp(0.0, 1.0))
        .min(remaining.saturating_sub(lower_bound))
        .max(floor)
}

/// The wait before retry number `retry` (1 for the first retry) within a
/// round: `initial`, doubling each time, capped at `max`.
pub(crate) fn backoff(retry: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 1u32 << retry.saturating_sub(1).min(20);
    initial.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_000_000 + secs)
    }

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn refresh_at_ratio_of_life() {
        // 100 s token issued at 0: refresh at 80 s.
        assert_eq!(refresh_delay(at(0), at(100), at(0), 0.8, S(0)), S(80));
        // Received 30 s into its life: 50 s to wait.
        assert_eq!(refresh_delay(at(0), at(100), at(30), 0.8, S(0)), S(50));
        // Past the point: at once.
        assert_eq!(refresh_delay(at(0), at(100), at(90), 0.8, S(0)), S(0));
        assert_eq!(refresh_delay(at(0), at(100), at(200), 0.8, S(0)), S(0));
        // Other ratios.
        assert_eq!(refresh_delay(at(0), at(100), at(0), 0.5, S(0)), S(50));
        assert_eq!(refresh_delay(at(0), at(100), at(0), 1.0, S(0)), S(100));
        // Millisecond precision for short tokens.
        assert_eq!(
            refresh_delay(at(0), at(5), at(0), 0.8, S(0)),
            Duration::from_millis(4000)
        );
    }

    #[test]
    fn lower_bound_before_expiry_wins_when_earlier() {
        // 3600 s token, ratio 0.8 -> 2880 s; bound 15 min -> 2700 s.
        assert_eq!(refresh_delay(at(0), at(3600), at(0), 0.8, S(900)), S(2700));
        // A bound shorter than the ratio's margin changes nothing.
        assert_eq!(refresh_delay(at(0), at(3600), at(0), 0.8, S(60)), S(2880));
        // A bound longer than the whole life: refresh at once.
        assert_eq!(refresh_delay(at(0), at(10), at(0), 0.8, S(60)), S(0));
    }

    #[test]
    fn odd_tokens_do_not_panic() {
        // Expiry before issue: zero life, refresh at once.
        assert_eq!(refresh_delay(at(100), at(50), at(0), 0.8, S(0)), S(50));
        assert_eq!(refresh_delay(at(100), at(50), at(60), 0.8, S(0)), S(0));
        // Issued "in the future" by a clock ahead of ours: still before expiry.
        let d = refresh_delay(at(10), at(110), at(0), 0.8, S(0));
        assert_eq!(d, S(90));
    }

    #[test]
    fn rounds_come_closer_as_expiry_nears() {
        let floor = S(2);
        assert_eq!(next_round_delay(S(100), 0.8, S(0), floor), S(80));
        assert_eq!(next_round_delay(S(100), 0.8, S(30), floor), S(70));
        assert_eq!(next_round_delay(S(1), 0.8, S(0), floor), floor);
        assert_eq!(next_round_delay(S(0), 0.8, S(0), floor), floor);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let ms = Duration::from_millis;
        let delays: Vec<_> = (1..=7).map(|n| backoff(n, ms(100), ms(2000))).collect();
        assert_eq!(
            delays,
            [
                ms(100),
                ms(200),
                ms(400),
                ms(800),
                ms(1600),
                ms(2000),
                ms(2000)
            ]
        );
        assert_eq!(backoff(u32::MAX, ms(100), ms(2000)), ms(2000));
        assert_eq!(backoff(0, ms(100), ms(2000)), ms(100));
    }
}
