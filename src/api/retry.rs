//! When and how long to wait before retrying (§5): exponential backoff with
//! full jitter from 0.5 s, or the server's `Retry-After`, capped at 60 s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The first backoff step.
pub const BASE_DELAY: Duration = Duration::from_millis(500);
/// No backoff step is longer than this.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// `Retry-After` is honoured up to this long.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Statuses worth another try.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// The upper bound of the jittered delay before retry number `attempt`
/// (0-based): 0.5 s, 1 s, 2 s, 4 s, … capped at [`MAX_BACKOFF`].
pub fn backoff_ceiling(attempt: u32) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
    BASE_DELAY.saturating_mul(factor).min(MAX_BACKOFF)
}

/// Full jitter: a uniformly random delay in `[0, ceiling]`, given a random
/// fraction in `[0, 1)`.
pub fn jittered(attempt: u32, fraction: f64) -> Duration {
    backoff_ceiling(attempt).mul_f64(fraction.clamp(0.0, 1.0))
}

/// Multiplies a delay by the test-only backoff scale
/// (`TALKDESK_BACKOFF_SCALE`), clamped to `0..=1` so it can only shorten
/// waits; a scale that is not a number leaves the delay as it is.
pub fn scaled(delay: Duration, scale: f64) -> Duration {
    if scale.is_nan() {
        return delay;
    }
    delay.mul_f64(scale.clamp(0.0, 1.0))
}

/// Reads `Retry-After`: delta-seconds or an HTTP date, capped at
/// [`MAX_RETRY_AFTER`]. A date in the past means now. Garbage is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let when = parse_http_date(value)?;
    Some(
        when.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form
/// RFC 9110 requires senders to use.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let rest = text.split_once(", ").map(|(_, r)| r)?;
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u64 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u64
        + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days as u64 * 86_400 + h * 3600 + m * 60 + s;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u64, day: u64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A small xorshift generator for jitter; seeded from the clock and pid.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new() -> Jitter {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Jitter((nanos ^ (u64::from(std::process::id()) << 32)) | 1)
    }

    /// A fraction in `[0, 1)`.
    pub fn next_fraction(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Jitter::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_second_and_is_capped() {
        let secs: Vec<f64> = (0..8).map(|a| backoff_ceiling(a).as_secs_f64()).collect();
        assert_eq!(secs, [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]);
        assert_eq!(backoff_ceiling(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let mut j = Jitter::new();
        for attempt in 0..6 {
            for _ in 0..200 {
                let f = j.next_fraction();
                assert!((0.0..1.0).contains(&f));
                assert!(jittered(attempt, f) <= backoff_ceiling(attempt));
            }
        }
        assert_eq!(jittered(2, 0.0), Duration::ZERO);
        assert_eq!(jittered(2, 1.0), Duration::from_secs(2));
    }

    #[test]
    fn the_test_scale_only_shortens_delays() {
        let d = Duration::from_secs(2);
        assert_eq!(scaled(d, 0.0), Duration::ZERO);
        assert_eq!(scaled(d, 0.001), Duration::from_millis(2));
        assert_eq!(scaled(d, 1.0), d);
        assert_eq!(scaled(d, 1e300), d, "never longer than the real delay");
        assert_eq!(scaled(d, f64::INFINITY), d);
        assert_eq!(scaled(d, -3.0), Duration::ZERO);
        assert_eq!(scaled(d, f64::NAN), d);
    }

    #[test]
    fn the_backoff_schedule_sums_to_the_documented_bound() {
        // The default four retries wait at most 0.5 + 1 + 2 + 4 s.
        let sum: Duration = (0..4).map(backoff_ceiling).sum();
        assert_eq!(sum, Duration::from_millis(7_500));
    }

    #[test]
    fn retry_after_seconds_are_capped_at_a_minute() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("3600", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn retry_after_dates_are_relative_to_now() {
        let base = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            base.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_445_412_480
        );
        let later = "Wed, 21 Oct 2015 07:28:10 GMT";
        assert_eq!(
            parse_retry_after(later, base),
            Some(Duration::from_secs(10))
        );
        let past = "Wed, 21 Oct 2015 07:27:00 GMT";
        assert_eq!(parse_retry_after(past, base), Some(Duration::ZERO));
        let far = "Thu, 22 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(far, base), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn http_dates_parse_exactly() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 784_111_777);
        let leap = parse_http_date("Tue, 29 Feb 2028 00:00:00 GMT").unwrap();
        assert_eq!(
            leap.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_835_395_200
        );
        assert!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST").is_none());
        assert!(parse_http_date("06 Nov 1994").is_none());
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 501] {
            assert!(!is_retryable_status(s));
        }
    }
}
