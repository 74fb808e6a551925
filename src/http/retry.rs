//! When and how long to wait before retrying (§5): exponential backoff with
//! full jitter from 0.5 s, or the server's `Retry-After`, capped at 60 s.

use std::time::{Duration, SystemTime};

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

/// The delay before retry number `attempt` (0-based), with full jitter: a
/// uniformly random delay in `[0, ceiling]`, given a random fraction in
/// `[0, 1)`. The ceiling is 0.5 s, 1 s, 2 s, 4 s, … capped at
/// [`MAX_BACKOFF`] (the whole of it at a fraction of 1).
pub fn jittered(attempt: u32, fraction: f64) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
    let ceiling = BASE_DELAY.saturating_mul(factor).min(MAX_BACKOFF);
    ceiling.mul_f64(fraction.clamp(0.0, 1.0))
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

/// Reads `Retry-After` (RFC 9110 §10.2.3): delta-seconds of any size, or
/// an HTTP date in any of its three forms, capped at [`MAX_RETRY_AFTER`].
/// A date in the past means now. Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    retry_after_asked(value, now).map(|wait| wait.min(MAX_RETRY_AFTER))
}

/// The wait `Retry-After` asks for, uncapped: what an error says of it.
pub fn retry_after_asked(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    // Whole seconds (RFC 9110), or with a fraction, as rate-limiter-flexible
    // sends them (`16.123`): ignored, the wait was a backoff's, too short.
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(whole) && digits(fraction) {
        // More digits than a u64 holds are still a number of seconds.
        let secs = whole.parse().map_or(Duration::MAX, Duration::from_secs);
        let nanos = format!("{:0<9}", &fraction[..fraction.len().min(9)]);
        return Some(secs.saturating_add(Duration::from_nanos(nanos.parse().ok()?)));
    }
    let when = rfc850_with_its_century(value, now).or_else(|| parse_date(value))?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP date in RFC 9110's IMF-fixdate or asctime form, or a date of
/// the Internet Message Format (RFC 5322) that §5.6.7 asks a recipient to
/// be robust to: PHP's `gmdate(DATE_RFC1123)` ends with `+0000`, Python's
/// `email.utils.formatdate()` with `-0000`, Java's `RFC_1123_DATE_TIME`
/// writes the 5th as `5`. Those were ignored: a PHP API's 25 s wait was
/// taken for a backoff's, and the walk failed. Its zone is an offset or a
/// name of [`KNOWN_ZONES`]: jiff reads any other name (`CET`) as UTC.
pub fn parse_date(value: &str) -> Option<SystemTime> {
    static IMF: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    httpdate::parse_http_date(value).ok().or_else(|| {
        let zone = value.trim().rsplit(char::is_whitespace).next()?;
        let known = KNOWN_ZONES.iter().any(|z| z.eq_ignore_ascii_case(zone));
        if !known && !zone.starts_with(['+', '-']) {
            return None;
        }
        let at = IMF.parse_timestamp(value.trim()).ok()?;
        SystemTime::try_from(at).ok()
    })
}

/// The zone names RFC 5322 gives an offset for, and `UTC`. Another name
/// (`CET`, `BST`, a military letter) says no offset, and a server writing
/// its local time so would be read an hour or more off.
const KNOWN_ZONES: [&str; 12] = [
    "UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT",
];

/// The obsolete form `Wednesday, 01-Jan-70 00:00:35 GMT`, its two-digit
/// year read as RFC 9110 §5.6.7 asks: a date more than 50 years ahead is one
/// of the century before (httpdate reads 1970–2069 whatever the year now).
/// `None` for any other form, or a clock past the years jiff knows (9999).
fn rfc850_with_its_century(value: &str, now: SystemTime) -> Option<SystemTime> {
    const DAYS: &str = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday";
    let (weekday, rest) = value.split_once(", ")?;
    let (date, time) = rest.split_once(' ')?;
    let [day, month, yy] = date.split('-').collect::<Vec<_>>()[..] else {
        return None;
    };
    let digits = yy.len() == 2 && yy.bytes().all(|b| b.is_ascii_digit());
    if !digits || !DAYS.split(' ').any(|day| day == weekday) {
        return None;
    }
    let yy: i64 = yy.parse().ok()?;
    let utc = (jiff::Timestamp::try_from(now).ok()?).to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let this_year = i64::from(utc.year());
    let ahead = now.checked_add(Duration::from_secs(50 * 31_556_952))?;
    [100, 0, -100].into_iter().find_map(|shift| {
        let year = this_year / 100 * 100 + shift + yy;
        let date = format!("{}, {day} {month} {year} {time}", &weekday[..3]);
        (httpdate::parse_http_date(&date).ok()).filter(|&when| when <= ahead)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn backoff_doubles_from_half_a_second_and_is_capped() {
        let secs: Vec<f64> = (0..8).map(|a| jittered(a, 1.0).as_secs_f64()).collect();
        assert_eq!(secs, [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]);
        assert_eq!(jittered(u32::MAX, 1.0), MAX_BACKOFF);
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        for attempt in 0..6 {
            for _ in 0..200 {
                let f = fastrand::f64();
                assert!((0.0..1.0).contains(&f));
                assert!(jittered(attempt, f) <= jittered(attempt, 1.0));
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
        let sum: Duration = (0..4).map(|a| jittered(a, 1.0)).sum();
        assert_eq!(sum, Duration::from_millis(7_500));
    }

    #[test]
    fn retry_after_seconds_of_any_size_are_capped_at_a_minute() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("3600", now), Some(MAX_RETRY_AFTER));
        let huge = "99999999999999999999999";
        assert_eq!(parse_retry_after(huge, now), Some(MAX_RETRY_AFTER));
        let fraction = parse_retry_after("16.123", now);
        assert_eq!(fraction, Some(Duration::from_millis(16_123)));
        assert_eq!(
            parse_retry_after("0.5", now),
            Some(Duration::from_millis(500))
        );
        for garbage in ["soon", "-1", "", "+3", "1.", ".5", "1.5.2", "1,5", "1e3"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage}");
        }
    }

    #[test]
    fn retry_after_dates_in_all_three_forms_are_relative_to_now() {
        let base = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:27 GMT").unwrap();
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_retry_after(date, base),
                Some(Duration::from_secs(10)),
                "{date}"
            );
        }
        let past = "Sun, 06 Nov 1994 08:49:00 GMT";
        assert_eq!(parse_retry_after(past, base), Some(Duration::ZERO));
        let far = "Mon, 07 Nov 1994 08:49:37 GMT";
        assert_eq!(parse_retry_after(far, base), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn an_rfc_850_year_is_read_in_the_century_of_now() {
        let at = |date| httpdate::parse_http_date(date).unwrap();
        for (now, value) in [
            (
                "Wed, 01 Jan 2070 00:00:05 GMT",
                "Wednesday, 01-Jan-70 00:00:35 GMT",
            ),
            (
                "Thu, 31 Dec 2099 23:59:58 GMT",
                "Friday, 01-Jan-00 00:00:28 GMT",
            ),
            (
                "Thu, 03 Dec 2026 07:00:00 GMT",
                "Thursday, 03-Dec-26 07:00:30 GMT",
            ),
        ] {
            let wait = retry_after_asked(value, at(now));
            assert_eq!(wait, Some(Duration::from_secs(30)), "{value} at {now}");
        }
        let now = at("Thu, 03 Dec 2026 07:00:00 GMT");
        // 50 years and a month ahead is more than 50 years ahead: 1976,
        // and 2076's weekday is then a wrong one.
        let wait = retry_after_asked("Friday, 31-Dec-76 23:59:59 GMT", now);
        assert_eq!(wait, Some(Duration::ZERO));
        assert_eq!(
            retry_after_asked("Thursday, 31-Dec-76 23:59:59 GMT", now),
            None
        );
        // A clock before 1970 or after 9999 is no panic (httpdate cannot
        // write one): httpdate's own reading (2069, a Tuesday) is refused.
        let before_1970 = UNIX_EPOCH - Duration::from_secs(3600);
        let wait = retry_after_asked("Wednesday, 31-Dec-69 23:00:30 GMT", before_1970);
        assert_eq!(wait, None);
        let after_9999 = UNIX_EPOCH + Duration::from_secs(253_402_300_800 + 60);
        assert_eq!(
            retry_after_asked("Friday, 01-Jan-00 00:00:00 GMT", after_9999),
            None
        );
        // Only a whole day name.
        assert_eq!(
            retry_after_asked("Thursdayxyz, 03-Dec-26 07:00:30 GMT", now),
            None
        );
        assert_eq!(retry_after_asked("Thu, 03-Dec-26 07:00:30 GMT", now), None);
        // Nothing httpdate refuses is read: "+7" parses as a number.
        assert_eq!(
            retry_after_asked("Monday, 01-Jan-+7 00:00:00 GMT", now),
            None
        );
        // 44 years ahead is ahead, not 56 years ago; 51 ahead is 49 ago.
        let wait = retry_after_asked(
            "Wednesday, 01-Jan-70 00:00:00 GMT",
            at("Thu, 03 Dec 2026 07:00:00 GMT"),
        );
        assert!(wait.unwrap() > Duration::from_secs(40 * 365 * 86_400));
        let wait = retry_after_asked(
            "Saturday, 01-Jan-77 00:00:00 GMT",
            at("Thu, 03 Dec 2026 07:00:00 GMT"),
        );
        assert_eq!(wait, Some(Duration::ZERO));
    }

    /// A date whose zone is a name RFC 5322 gives no offset for (`CET`,
    /// `BST`, a military letter) is no date: jiff reads any such name as
    /// UTC, and a server's `Date` in its local time so named put its clock
    /// an hour or more off. The names RFC 5322 knows keep their offsets.
    #[test]
    fn a_date_in_a_zone_of_no_known_offset_is_not_read() {
        let utc = httpdate::parse_http_date("Sat, 05 Dec 2026 21:25:47 GMT").ok();
        for zone in ["CET", "CEST", "BST", "JST", "IST", "A"] {
            let date = format!("Sat, 05 Dec 2026 22:25:47 {zone}");
            assert_eq!(parse_date(&date), None, "{date}");
        }
        for date in [
            "Sat, 05 Dec 2026 21:25:47 +0000",
            "Sat, 05 Dec 2026 21:25:47 UT",
            "Sat, 05 Dec 2026 21:25:47 UTC",
            "Sat, 05 Dec 2026 21:25:47 Z",
            "Sat, 05 Dec 2026 16:25:47 EST",
            "Sat, 05 Dec 2026 13:25:47 pst",
            "Sat, 05 Dec 2026 22:25:47 +0100",
        ] {
            assert_eq!(parse_date(date), utc, "{date}");
        }
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

    /// A year more than 50 years ahead in the century of now is one of the
    /// century before, though httpdate would read it a century earlier still.
    #[test]
    fn an_rfc_850_year_too_far_ahead_is_of_the_century_before() {
        let now = httpdate::parse_http_date("Mon, 01 Jan 2120 00:00:00 GMT").unwrap();
        // 2199 is 79 years ahead: 2099, a Thursday (1999 was a Friday).
        let wait = retry_after_asked("Thursday, 01-Jan-99 00:00:00 GMT", now);
        assert_eq!(wait, Some(Duration::ZERO));
    }
}
