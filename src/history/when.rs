//! `WHEN`: an RFC 3339 date (`2026-11-01`, midnight UTC) or time
//! (`2026-11-01T09:30:00Z`, any offset), or a duration back from now
//! (`7d`, `2w`, `3mo`, `12h`, `1y`; jiff's friendly format), and the
//! calendar periods of `trend`, all in UTC.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan, ZonedDateTime};

use crate::text::{altered, visible};

/// What `now` reads as: the latest state, even a snapshot recorded a
/// second ahead of the clock.
pub const LATEST: i64 = i64::MAX;

/// Parses `text` relative to `now` (µs since the epoch) into µs since the
/// epoch (`now` itself: [`LATEST`]); `Err` says what is accepted. A time
/// before the year 0000 is refused: RFC 3339, as times are printed, has
/// none (one was printed `-000001-12-31T23:00:00Z`). A time is read to the
/// second, as snapshots are kept: `--since` the very time a snapshot was
/// imported `--at` (`…T10:00:00.123Z`) left it out.
pub fn parse_when(text: &str, now: i64) -> Result<i64, String> {
    let year_0 = "0000-01-01T00:00:00Z".parse::<Timestamp>();
    let first = year_0.map_or(i64::MIN, |t| t.as_microsecond());
    // No time holds an escape or a control character: it is named with
    // them written out, not as a terminal would show it (`7d` for `\e[31m7d`).
    if text.trim().chars().any(altered) {
        return Err(not_a_time(&visible(text.trim())));
    }
    match parse_any_when(text.trim(), now)? {
        at if at < first => Err(format!(
            "`{}` is too far back, before the year 0000; use a later time",
            text.trim()
        )),
        LATEST => Ok(LATEST),
        at => Ok(whole_seconds(at)),
    }
}

/// [`parse_when`], any year.
fn parse_any_when(text: &str, now: i64) -> Result<i64, String> {
    if text.eq_ignore_ascii_case("now") {
        return Ok(LATEST);
    }
    let cut = nine_digits(text);
    if let Ok(ts) = cut.parse::<Timestamp>() {
        // RFC 3339 offsets run to ±23:59; jiff reads up to ±25:59:59, and
        // `+24:00` (a slip for `+04:00`?) would move the time by a day.
        let offset_hours = (text.rfind(['+', '-']).filter(|&at| at > 10))
            .and_then(|at| text.get(at + 1..at + 3))
            .and_then(|hours| hours.parse::<u32>().ok());
        if offset_hours.is_some_and(|hours| hours > 23) {
            return Err(format!(
                "`{text}` has an offset beyond ±23:59; give one such as +02:00, or Z"
            ));
        }
        return Ok(ts.as_microsecond());
    }
    // A time on the last days jiff can hold (its range stops short of
    // 9999-12-31T23:59:59Z, whatever the offset) is as far ahead as a date.
    // (Told by the same text a year earlier being a time.)
    let day = text.get(..10).and_then(|day| day.parse::<Date>().ok());
    let a_year_earlier = || format!("9998{}", &cut[4..]).parse::<Timestamp>().is_ok();
    if day.is_some_and(|day| day >= jiff::civil::date(9999, 12, 30)) && a_year_earlier() {
        return Err(format!(
            "`{text}` is too far ahead; use a time before 9999-12-30T22:00:00Z"
        ));
    }
    if let (Ok(date), 10) = (text.parse::<Date>(), text.len()) {
        return date
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp().as_microsecond())
            .map_err(|_| format!("`{text}` is too far ahead; use a date before 9999-12-31"));
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) && !text.contains(['-', ':']) {
        if let Ok(span) = text.parse::<Span>() {
            // Back from now however it is written: jiff reads `7 days ago`
            // as a negative span.
            return Timestamp::from_microsecond(now)
                .and_then(|now| now.to_zoned_datetime(TimeZone::UTC).checked_sub(span.abs()))
                .map(|z| z.timestamp().as_microsecond())
                .map_err(|_| too_far_back(text));
        }
        // More of a unit than jiff's spans hold (`9999999w`) is as far.
        if ones(text).parse::<Span>().is_ok() {
            return Err(too_far_back(text));
        }
    }
    if let Some(why) = no_such_day(text) {
        return Err(format!("`{text}` is no day of the calendar: {why}"));
    }
    if text.len() > 10 && cut.parse::<jiff::civil::DateTime>().is_ok() {
        return Err(format!(
            "`{text}` has no offset from UTC; add `Z` for UTC, or the offset of its time zone (`+02:00`)"
        ));
    }
    Err(not_a_time(text))
}

/// `text` is no time at all.
fn not_a_time(text: &str) -> String {
    format!(
        "`{text}` is not a time; use an RFC 3339 date or time (2026-11-01, 2026-11-01T09:30:00Z) or a duration back from now (7d, 2w, 3mo)"
    )
}

/// A duration `text` reaching before what jiff holds.
fn too_far_back(text: &str) -> String {
    format!(
        "`{text}` reaches too far back, before the year -9999; use a shorter duration, or a date (2026-11-01)"
    )
}

/// `text` with each whole number that may be more of its unit than a
/// jiff span holds (above 19,998, the most years one holds) made `1`: a
/// duration's units, whatever their numbers. A fraction's digits (jiff
/// reads nine), a number of nanoseconds (a span holds 292 years of them,
/// not as far back as -9999) and a smaller number are kept as they are.
fn ones(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // A run of digits, or of anything else (kept as it is).
        let digits = rest.starts_with(|c: char| c.is_ascii_digit());
        let end = rest.find(|c: char| c.is_ascii_digit() != digits);
        let (run, after) = rest.split_at(end.unwrap_or(rest.len()));
        let whole = run.trim_start_matches('0');
        let small = whole.is_empty() || whole.parse::<u64>().is_ok_and(|n| n <= 19_998);
        let kept = small || out.ends_with(['.', ',']) || after.trim_start().starts_with('n');
        out.push_str(if kept || !digits { run } else { "1" });
        rest = after;
    }
    out
}

/// `text` with its fraction of a second cut to the nine digits jiff reads
/// (RFC 3339 allows any number; a time is read to the second anyway).
fn nine_digits(text: &str) -> String {
    let Some(at) = text.find(['.', ',']).map(|at| at + 1) else {
        return text.to_string();
    };
    let digits = text[at..].bytes().take_while(u8::is_ascii_digit).count();
    format!("{}{}", &text[..at + digits.min(9)], &text[at + digits..])
}

/// Why a text that starts as a date (`2026-11-31`, with a time or not)
/// names no day, when it names none.
fn no_such_day(text: &str) -> Option<String> {
    let parts = [text.get(..4)?, text.get(5..7)?, text.get(8..10)?];
    let dashes = text.get(4..5) == Some("-") && text.get(7..8) == Some("-");
    if !dashes || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    // (Four digits or two: each fits.)
    let [year, month, day] = parts.map(|p| p.parse::<i16>().unwrap_or_default());
    if !(1..=12).contains(&month) {
        return Some("a month is 01 to 12".into());
    }
    let days = Date::new(year, month as i8, 1).ok()?.days_in_month();
    (day == 0 || day > days.into()).then(|| format!("{year:04}-{month:02} has {days} days"))
}

/// The length of a `trend` period (`trend --every`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Every {
    Day,
    // ISO weeks, from Monday (a `///` here would be `--every`'s help).
    Week,
    Month,
}

fn utc(micros: i64) -> ZonedDateTime {
    Timestamp::from_microsecond(micros)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(TimeZone::UTC)
}

/// The starts of every period from the one holding `from` to the one
/// holding `to`.
pub fn period_starts(from: i64, to: i64, every: Every) -> Vec<i64> {
    let day = utc(from).date();
    let (first, step) = match every {
        Every::Day => (day, 1.day()),
        Every::Week => {
            let back = i64::from(day.weekday().to_monday_zero_offset());
            (day.checked_sub(back.days()).unwrap_or(day), 1.week())
        }
        Every::Month => (day.first_of_month(), 1.month()),
    };
    let first = (first.to_zoned_datetime(TimeZone::UTC)).unwrap_or_else(|_| utc(from));
    std::iter::successors(Some(first), |start| start.checked_add(step).ok())
        .map(|start| start.timestamp().as_microsecond())
        .take_while(|&start| start <= to)
        .collect()
}

/// A period's label: `2026-11-30` (day, week) or `2026-11` (month).
pub fn period_label(start: i64, every: Every) -> String {
    let date = utc(start).date();
    match every {
        Every::Month => format!("{:04}-{:02}", date.year(), date.month()),
        _ => date.to_string(),
    }
}

/// Now, in µs since the epoch (see [`timestamp_of`]).
pub fn now() -> i64 {
    timestamp_of(std::time::SystemTime::now()).as_microsecond()
}

/// A system time as a timestamp; one outside what a timestamp holds (a
/// clock past the year 9999) is its bound, where `Timestamp::now()` ended
/// the run in a panic.
pub fn timestamp_of(time: std::time::SystemTime) -> Timestamp {
    Timestamp::try_from(time).unwrap_or(match time > std::time::UNIX_EPOCH {
        true => Timestamp::MAX,
        false => Timestamp::MIN,
    })
}

/// The last time a live snapshot may be taken at: the day before the last
/// a time can hold, so that one a second later still can be held.
pub fn last_snapshot_time() -> i64 {
    Timestamp::MAX.as_microsecond() - 86_400_000_000
}

/// Rounds down to whole seconds (what the tables show).
pub fn whole_seconds(micros: i64) -> i64 {
    micros - micros.rem_euclid(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_microsecond()
    }

    /// (Unix: Windows' clock cannot hold 400,000 years.)
    #[cfg(unix)]
    #[test]
    fn a_clock_past_what_a_time_holds_reads_as_its_bound() {
        use std::time::{Duration, UNIX_EPOCH};
        let far = Duration::from_secs(400_000 * 365 * 86_400);
        assert_eq!(timestamp_of(UNIX_EPOCH + far), Timestamp::MAX);
        assert_eq!(timestamp_of(UNIX_EPOCH - far), Timestamp::MIN);
        let day = UNIX_EPOCH + Duration::from_secs(86_400);
        assert_eq!(timestamp_of(day).as_second(), 86_400);
        assert!(last_snapshot_time() < Timestamp::MAX.as_microsecond() - 1_000_000);
    }

    /// The last live snapshot time is the day before the last a time can
    /// hold (to the microsecond).
    #[test]
    fn the_last_snapshot_time_is_a_day_before_the_last_time() {
        let a_day = 86_400_000_000;
        assert_eq!(
            last_snapshot_time() + a_day,
            Timestamp::MAX.as_microsecond()
        );
    }

    /// `now` is this machine's clock, read when it is called.
    #[test]
    fn now_is_the_clock() {
        let before = timestamp_of(std::time::SystemTime::now()).as_microsecond();
        let now = now();
        let after = timestamp_of(std::time::SystemTime::now()).as_microsecond();
        assert!(before <= now && now <= after, "{before} {now} {after}");
    }

    #[test]
    fn dates_times_and_durations() {
        let now = at("2026-12-01T12:00:00Z");
        assert_eq!(
            parse_when("2026-11-01", now),
            Ok(at("2026-11-01T00:00:00Z"))
        );
        assert_eq!(
            parse_when("2026-11-01T09:30:00+02:00", now),
            Ok(at("2026-11-01T07:30:00Z"))
        );
        assert_eq!(parse_when("7d", now), Ok(at("2026-11-24T12:00:00Z")));
        assert_eq!(parse_when("2w", now), Ok(at("2026-11-17T12:00:00Z")));
        assert_eq!(parse_when("3mo", now), Ok(at("2026-09-01T12:00:00Z")));
        for back in ["7 days ago", "7d ago", "7 days"] {
            assert_eq!(
                parse_when(back, now),
                Ok(at("2026-11-24T12:00:00Z")),
                "{back}"
            );
        }
        assert_eq!(parse_when("now", now), Ok(LATEST));
        // An offset of a day or more was read (a day off, recorded).
        for text in ["2026-11-01T09:30:00+24:00", "2026-11-01T09:30:00-25:59"] {
            let err = parse_when(text, now).unwrap_err();
            assert!(err.contains("offset beyond ±23:59"), "{err}");
        }
        assert_eq!(
            parse_when("2026-11-01T09:30:00-23:59", now),
            Ok(at("2026-11-02T09:29:00Z"))
        );
        for bad in ["yesterday", "", "7x", "2026-13-01", "-7d"] {
            assert!(parse_when(bad, now).is_err(), "{bad}");
        }
        // The last day jiff holds in every time zone is 9999-12-30.
        assert_eq!(
            parse_when("9999-12-31", now),
            Err("`9999-12-31` is too far ahead; use a date before 9999-12-31".into())
        );
        // A valid RFC 3339 time there is as far ahead, not "not a time".
        for last in ["9999-12-31T23:59:59Z", "9999-12-30T22:00:01Z"] {
            assert_eq!(
                parse_when(last, now),
                Err(format!(
                    "`{last}` is too far ahead; use a time before 9999-12-30T22:00:00Z"
                ))
            );
        }
        assert!(parse_when("9999-12-30T21:59:59Z", now).is_ok());
        // Before the year 0000 is no RFC 3339 time (printed `-000001-…`).
        assert_eq!(
            parse_when("0000-01-01", now),
            Ok(at("0000-01-01T00:00:00Z"))
        );
        for back in ["0000-01-01T00:00:00+01:00", "3000y"] {
            assert_eq!(
                parse_when(back, now),
                Err(format!(
                    "`{back}` is too far back, before the year 0000; use a later time"
                ))
            );
        }
        // Beyond jiff's range back: said so, in no words of jiff's.
        for far in ["300000000h", "5000000d", "700000w"] {
            assert_eq!(
                parse_when(far, now),
                Err(format!(
                    "`{far}` reaches too far back, before the year -9999; use a shorter duration, or a date (2026-11-01)"
                )),
            );
        }
        let junk = parse_when("9999-12-30junk", now).unwrap_err();
        assert!(junk.contains("is not a time"), "{junk}");
    }

    /// A duration too large for jiff's spans at all (`9999999w`, more weeks
    /// than jiff holds) was "not a time", where one a little shorter
    /// (`700000w`) reaches too far back: both are said so.
    #[test]
    fn a_duration_beyond_any_span_reaches_too_far_back() {
        let now = at("2026-12-01T12:00:00Z");
        for far in [
            "9999999w",
            "99999999999d",
            "99999999999999999999y",
            "1y 9999999w",
        ] {
            assert_eq!(
                parse_when(far, now),
                Err(format!(
                    "`{far}` reaches too far back, before the year -9999; use a shorter duration, or a date (2026-11-01)"
                )),
            );
        }
        for junk in ["9999999x", "9999999"] {
            let err = parse_when(junk, now).unwrap_err();
            assert!(err.contains("is not a time"), "{err}");
        }
    }

    /// Only a whole number too large for its unit is more than a span
    /// holds: `0.0000000001s` (a tenth digit of fraction, which jiff does
    /// not read), a week written with 24 leading zeros, and
    /// `9999999999999999999ns` (317 years: a span holds 292 of
    /// nanoseconds) were said to reach before the year -9999.
    #[test]
    fn a_duration_jiff_does_not_read_for_another_reason_is_not_too_far_back() {
        let now = at("2026-12-01T12:00:00Z");
        for odd in [
            "0.0000000001s",
            "1.1234567891h",
            "0000000000000000000000001w",
            "9999999999999999999ns",
            "1y 9999999999999999999 nanoseconds",
        ] {
            let err = parse_when(odd, now).unwrap_err();
            assert!(err.contains("is not a time"), "{odd}: {err}");
        }
        for far in [
            "20000y",
            "00000000000000000000000009999999w",
            "9999999999.5h",
        ] {
            let err = parse_when(far, now).unwrap_err();
            assert!(err.contains("reaches too far back"), "{far}: {err}");
        }
    }

    /// A duration is read only as jiff's friendly format starting with a
    /// digit: an ISO 8601 one (`P7D`) or one with a sign (`+7d`, which
    /// reads as forward) is no time.
    #[test]
    fn a_duration_not_starting_with_a_digit_is_no_time() {
        let now = at("2026-12-01T12:00:00Z");
        for text in ["P7D", "+7d"] {
            let err = parse_when(text, now).unwrap_err();
            assert!(err.contains("is not a time"), "{text}: {err}");
        }
    }

    /// The offset is looked for after the date: the dash before the day of
    /// a six-digit year (`+002026-11-25`) is no offset of 25 hours.
    #[test]
    fn the_offset_is_read_after_the_date() {
        let now = at("2026-12-01T12:00:00Z");
        assert_eq!(
            parse_when("+002026-11-25T09:30:00Z", now),
            Ok(at("2026-11-25T09:30:00Z"))
        );
    }

    /// A date in the right form on a day the calendar lacks (`2026-11-31`,
    /// `2026-02-29`) was "not a time; use an RFC 3339 date (2026-11-01…)",
    /// which is the form it was written in: it names the month's days.
    #[test]
    fn a_day_the_calendar_lacks_is_named() {
        let now = at("2026-12-01T12:00:00Z");
        for (text, says) in [
            ("2026-11-31", "2026-11 has 30 days"),
            ("2026-02-29", "2026-02 has 28 days"),
            ("2026-04-31T09:30:00Z", "2026-04 has 30 days"),
            ("2026-11-00", "2026-11 has 30 days"),
            ("2026-13-01", "a month is 01 to 12"),
        ] {
            let err = parse_when(text, now).unwrap_err();
            assert_eq!(err, format!("`{text}` is no day of the calendar: {says}"));
        }
        assert_eq!(
            parse_when("2028-02-29", now),
            Ok(at("2028-02-29T00:00:00Z"))
        );
    }

    /// Only a date written with two dashes is told its month's days:
    /// another form (`2026/11/31`, `2026-11/31`) is no time, whatever its day.
    #[test]
    fn a_day_without_dashes_is_no_time() {
        for text in ["2026/11/31", "2026-11/31", "2026/11-31"] {
            let err = parse_when(text, at("2026-12-01T12:00:00Z")).unwrap_err();
            assert!(err.contains("is not a time"), "{err}");
        }
    }

    /// A date and time without an offset (`2026-11-01T09:30:00`, as `date
    /// +%FT%T` writes it) was "not a time"; it is one, and the error says
    /// the offset is missing and which to add.
    #[test]
    fn a_time_without_an_offset_is_told_to_add_one() {
        let now = at("2026-12-01T12:00:00Z");
        for text in [
            "2026-11-01T09:30:00",
            "2026-11-01 09:30",
            "2026-11-01T09:30:00.5",
        ] {
            assert_eq!(
                parse_when(text, now),
                Err(format!(
                    "`{text}` has no offset from UTC; add `Z` for UTC, or the offset of its time zone (`+02:00`)"
                ))
            );
        }
    }

    /// The last day of a month is a day of the calendar: without an
    /// offset, it is told to add one.
    #[test]
    fn the_last_day_of_a_month_is_a_day() {
        let err = parse_when("2026-11-30T09:30:00", at("2026-12-01T12:00:00Z")).unwrap_err();
        assert!(err.contains("has no offset from UTC"), "{err}");
    }

    /// RFC 3339 allows a fraction of a second of any length: one of more
    /// than nine digits (a picosecond clock's twelve) was "not a time; use
    /// an RFC 3339 date or time". It is read to the second, as any time.
    #[test]
    fn a_fraction_of_any_length_is_read_to_the_second() {
        let now = at("2026-12-01T12:00:00Z");
        for text in [
            "2026-11-01T09:30:00.1234567890Z",
            "2026-11-01T11:30:00.999999999999+02:00",
        ] {
            assert_eq!(
                parse_when(text, now),
                Ok(at("2026-11-01T09:30:00Z")),
                "{text}"
            );
        }
        let err = parse_when("2026-11-01T09:30:00.123456789012", now).unwrap_err();
        assert!(err.contains("has no offset from UTC"), "{err}");
    }

    /// A time on jiff's last days with such a fraction was "not a time",
    /// where with nine digits or fewer it is "too far ahead".
    #[test]
    fn a_long_fraction_on_the_last_days_is_too_far_ahead() {
        let text = "9999-12-31T00:00:00.1234567890Z";
        let err = parse_when(text, at("2026-12-01T12:00:00Z")).unwrap_err();
        assert!(err.contains("is too far ahead"), "{err}");
    }

    /// The first instant of the period that holds `micros`.
    fn period_start(micros: i64, every: Every) -> i64 {
        period_starts(micros, micros, every)[0]
    }

    #[test]
    fn periods_are_utc_days_iso_weeks_and_months() {
        let t = at("2026-12-03T15:00:00Z"); // a Thursday
        assert_eq!(period_start(t, Every::Day), at("2026-12-03T00:00:00Z"));
        assert_eq!(period_start(t, Every::Week), at("2026-11-30T00:00:00Z"));
        assert_eq!(period_start(t, Every::Month), at("2026-12-01T00:00:00Z"));
        let starts = period_starts(at("2026-10-15T00:00:00Z"), t, Every::Month);
        let labels: Vec<String> = starts
            .iter()
            .map(|s| period_label(*s, Every::Month))
            .collect();
        assert_eq!(labels, ["2026-10", "2026-11", "2026-12"]);
        assert_eq!(period_label(starts[0], Every::Week), "2026-10-01");
    }
}
