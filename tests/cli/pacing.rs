//! Pacing to the API's rate limit (issue 11): against the fake's token
//! bucket, a walk at the default settings is exact with a handful of 429s
//! at most; retries wait their turn in the pacer with the first tries;
//! `RateLimit-*` and `X-RateLimit-*` headers set the pace before any 429;
//! `--max-rate` is honoured; a 429 storm cannot spend the retries faster
//! than `Retry-After` allows. Counts are asserted, never how long a run took
//! (the waits asserted are lower bounds, which a slow machine only widens).
//!
//! The bucket refills 10 tokens a second with a burst of 2, and
//! `TALKDESK_BACKOFF_SCALE=0.2` turns its `Retry-After: 1` into 200 ms, so
//! that one request per `Retry-After` (5 a second) is under its rate.
use crate::support;

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use support::fake_api::{
    Bucket, FakeApi, FakeConfig, FaultKind, Faults, RateHeaderStyle, RequestMatch, simple_accounts,
};
use support::{Sandbox, stderr_of, stdout_of};

/// Pages of the walks, and accounts a page.
const PAGES: usize = 12;
const PER_PAGE: usize = 5;

fn behind(bucket: Bucket) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        bucket: Some(bucket),
        ..FakeConfig::default()
    })
}

/// [`behind`], its first wave after page 1 whole however late the walk's
/// threads start: the page that gets the bucket's last token is answered
/// once pages 2-4 are in. (Page 2 could go and come back alone, and pages
/// 3-6 then go at once into an empty bucket.)
fn behind_with_its_first_wave(bucket: Bucket) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        bucket: Some(bucket),
        faults: Faults {
            script: (2..=4)
                .map(|p| (RequestMatch::Page(p), FaultKind::AwaitPages(4)))
                .collect(),
            ..Faults::default()
        },
        ..FakeConfig::default()
    })
}

/// `list -o jsonl` with `args`, the Retry-After waits scaled by 0.2.
fn walk(fake: &FakeApi, args: &[&str]) -> Output {
    let sb = Sandbox::new();
    sb.tool(fake)
        .env("TALKDESK_BACKOFF_SCALE", "0.2")
        .args(["list", "-o", "jsonl", "--per-page", &PER_PAGE.to_string()])
        .args(args)
        .output()
        .unwrap()
}

/// [`walk`] with the token URL at another origin (the same server by
/// another name), as Talkdesk's is: behind another limiter.
fn walk_token_elsewhere(fake: &FakeApi, args: &[&str]) -> Output {
    let token_url = fake.token_url().replace("127.0.0.1", "localhost");
    let sb = Sandbox::new();
    sb.tool(fake)
        .env("TALKDESK_TOKEN_URL", token_url)
        .env("TALKDESK_BACKOFF_SCALE", "0.2")
        .args(["list", "-o", "jsonl", "--per-page", &PER_PAGE.to_string()])
        .args(args)
        .output()
        .unwrap()
}

/// `list -o jsonl --concurrency 1`, killed after `secs` (a hang fails the
/// test, rather than being timed).
fn walk_one_at_a_time_within(fake: &FakeApi, secs: u64) -> Output {
    let sb = Sandbox::new();
    sb.tool(fake)
        .args(["list", "-o", "jsonl", "--per-page", &PER_PAGE.to_string()])
        .args(["--concurrency", "1"])
        .timeout(Duration::from_secs(secs))
        .output()
        .unwrap()
}

/// The walk printed every account, once, in order.
fn assert_exact(out: &Output) {
    assert!(out.status.success(), "{}", stderr_of(out));
    let expected: Vec<String> = simple_accounts(PAGES * PER_PAGE)
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(stdout_of(out).lines().collect::<Vec<_>>(), expected);
}

/// How many times the bucket refused each page.
fn refusals_per_page(fake: &FakeApi) -> BTreeMap<u64, usize> {
    let mut refused = BTreeMap::new();
    for a in fake.arrivals().iter().filter(|a| a.refused) {
        *refused.entry(a.page).or_insert(0) += 1;
    }
    refused
}

#[test]
fn a_strict_bucket_walk_at_the_default_settings_is_exact_with_a_handful_of_429s() {
    // Retry-After: 2 (400 ms scaled): long enough to pay back what the
    // refused requests cost.
    let fake = behind_with_its_first_wave(Bucket {
        refused_costs: true,
        retry_after: Some("2".into()),
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &[]);
    assert_exact(&out);
    // The first wave after page 1 (3 pages, and one more as page 2's answer
    // opens the window) may be refused but for one; after that the walk is
    // paced under the limit.
    assert!(fake.rate_limited() <= 3, "{:?}", refusals_per_page(&fake));
}

#[test]
fn a_sliding_window_that_counts_its_refusals_is_walked_exactly() {
    // haproxy's own example, scaled down: at most 4 requests in any 1 s,
    // each refused request counted too, and a `Retry-After: 1` (200 ms
    // scaled) far too short to let the window empty.
    let fake = behind(Bucket {
        window: Some(Duration::from_secs(1)),
        refused_costs: true,
        ..Bucket::new(3.0, 4.0)
    });
    let out = walk(&fake, &[]);
    assert_exact(&out);
    assert!(fake.rate_limited() <= 10, "{:?}", refusals_per_page(&fake));
}

#[test]
fn a_limiter_that_answers_503_sets_the_pace_as_a_429_does() {
    // nginx's `limit_req` answers 503, with no Retry-After, unless told
    // otherwise. Without a pace the walk's first wave and every retry
    // were refused, and it failed once a page ran out of retries.
    let log = walked_paced_behind(503);
    assert!(
        log.contains("HTTP 503 after"),
        "the refusal is logged: {log}"
    );
}

/// A walk behind a limiter of 10 a second that refuses with `status` and no Retry-After: exact,
/// a handful of refusals, the learnt pace logged (`-v`, returned).
fn walked_paced_behind(status: u16) -> String {
    let fake = behind(Bucket {
        status,
        retry_after: None,
        ..Bucket::new(10.0, 1.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert!(fake.rate_limited() <= 4, "{:?}", refusals_per_page(&fake));
    let log = stderr_of(&out);
    assert!(
        log.contains("rate limit: pacing at "),
        "the learnt rate is logged: {log}"
    );
    log
}

#[test]
fn apigees_spike_arrest_answering_500_sets_the_pace_as_a_429_does() {
    // Apigee Edge refuses with HTTP 500 by default (a `policies.ratelimit.`
    // fault, no Retry-After). Read as a server failing, the walk was not
    // paced: 45 refusals for 24 pages at --concurrency 1, and at the
    // default concurrency exit 5 after 2 s, the retries spent.
    walked_paced_behind(500);
}

#[test]
fn apigees_spike_arrest_500_that_outlasts_the_retries_is_said_to_be_a_rate_limit() {
    // Its 500 is a refusal: the error said "the API or a gateway before it
    // is failing".
    let fake = behind(Bucket {
        status: 500,
        retry_after: None,
        ..Bucket::new(0.001, 1.0)
    });
    let out = walk(&fake, &["--max-retries", "1", "--concurrency", "1"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("HTTP 500") && err.contains("rate limiting") && !err.contains("failing"),
        "{err}"
    );
}

/// One page, whose first request is answered with `fault`.
fn answering_page_1(fault: FaultKind) -> FakeApi {
    let script = vec![(RequestMatch::Page(1), fault)];
    support::faulty_fake(
        simple_accounts(PER_PAGE),
        Faults {
            script,
            ..Faults::default()
        },
    )
}

#[test]
fn a_quota_spent_answered_403_with_retry_after_is_no_missing_scope() {
    // Azure API Management's `quota` policy answers a spent quota with a
    // 403 and a Retry-After ("Out of call volume quota. Quota will be
    // replenished in 00:59:58."): it was told as a missing scope.
    let fake = answering_page_1(FaultKind::RetryAfter(403, "3598".into()));
    let out = walk(&fake, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("quota")
            && err.contains("wait 60 min")
            && !err.contains("express-accounts:read"),
        "{err}"
    );
}

/// A spent quota's 403 whose reset is seconds and a part (`1.5`) said
/// "wait 1 s": a try then was early. It says 2 s.
#[test]
fn a_quota_spent_403_s_reset_of_a_part_of_a_second_is_rounded_up() {
    let headers = vec![
        ("X-RateLimit-Remaining", "0".to_string()),
        ("X-RateLimit-Reset", "1.5".to_string()),
    ];
    let fake = answering_page_1(FaultKind::RateLimited(403, headers));
    let out = walk(&fake, &[]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("a quota in front of the API is spent")
            && err.contains("the server asks to wait 2 s: try again then"),
        "{err}"
    );
}

/// Tyk answers a spent quota with a 403 `{"error": "Quota exceeded"}` and no
/// Retry-After: it was told as a missing scope, and the token dropped.
#[test]
fn a_quota_exceeded_403_without_retry_after_is_no_missing_scope() {
    let fake = answering_page_1(FaultKind::StatusWithBody(
        403,
        r#"{"error": "Quota exceeded"}"#.into(),
    ));
    let out = walk(&fake, &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("a quota in front of the API is spent")
            && !err.contains("express-accounts:read"),
        "{err}"
    );
}

/// @fastify/rate-limit's `ban` past its limit, with its `Retry-After`
/// turned off (`addHeaders`), answers a 403 whose body says `Rate limit
/// exceeded` (GitHub's rate-limit 403 says `API rate limit exceeded`). On
/// the first page it was told as a missing scope, and the token dropped.
#[test]
fn a_rate_limit_exceeded_403_on_the_first_page_is_no_missing_scope() {
    let ban = r#"{"statusCode":403,"error":"Forbidden","message":"Rate limit exceeded, retry in 10 seconds"}"#;
    let fake = answering_page_1(FaultKind::StatusWithBody(403, ban.into()));
    let out = walk(&fake, &[]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("Rate limit exceeded, retry in 10 seconds")
            && err.contains("a rate limiter in front of the API refuses, no scope is missing")
            && !err.contains("express-accounts:read"),
        "{err}"
    );
}

/// @fastify/rate-limit's `ban` answers the token request past its limit
/// with a 403 and a Retry-After ("Rate limit exceeded, retry in 10
/// seconds"): it was told to check the client id, secret and scope.
#[test]
fn a_token_request_refused_403_with_retry_after_is_no_credential_problem() {
    let script = vec![(RequestMatch::Token, FaultKind::RetryAfter(403, "10".into()))];
    let faults = Faults {
        script,
        ..Faults::default()
    };
    let fake = support::faulty_fake(simple_accounts(PER_PAGE), faults);
    let out = walk(&fake, &["--no-cache"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("wait 10 s") && !err.contains("check client_id"),
        "{err}"
    );
}

#[test]
fn a_retry_after_of_zero_is_backed_off_from_not_taken_at_its_word() {
    // Flask-Limiter sends `Retry-After: int(reset - now)`: `0` in the last
    // second of its window, while it still refuses. Retried at once, every
    // try of a page was refused within milliseconds (exit 5).
    let fake = behind(Bucket {
        retry_after: Some("0".into()),
        ..Bucket::new(10.0, 1.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    let refused = refusals_per_page(&fake);
    assert!(refused.values().all(|&n| n <= 2), "{refused:?}");
    let log = stderr_of(&out);
    assert!(!log.contains("(Retry-After)"), "a zero is no wait: {log}");
    assert!(log.contains("HTTP 429 after"), "the pace is learnt: {log}");
}

#[test]
fn retries_wait_their_turn_in_the_pacer_and_are_not_refused_again() {
    let fake = behind_with_its_first_wave(Bucket::new(10.0, 2.0));
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    // Requests refused together came back one by one, each to a token: no
    // page was refused twice.
    let refused = refusals_per_page(&fake);
    assert!(refused.values().all(|&n| n == 1), "{refused:?}");
    assert!(fake.rate_limited() <= 3, "{refused:?}");
    let log = stderr_of(&out);
    assert!(
        log.contains("rate limit: pacing at ") && log.contains("HTTP 429 after"),
        "the learnt rate is logged: {log}"
    );
}

#[test]
fn ietf_rate_limit_headers_set_the_pace_before_any_429() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::Ietf,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
    let log = stderr_of(&out);
    assert!(
        log.contains(
            "rate limit: pacing at 9.70 requests/s: the server allows 2 requests per 0.2 s"
        ),
        "{log}"
    );
}

#[test]
fn x_rate_limit_headers_are_read_too() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::X,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
    assert!(stderr_of(&out).contains("the server allows 2 requests per 1 s"));
}

/// NestJS's `@nestjs/throttler` names the headers after the throttler
/// for every throttler but `default` (`X-RateLimit-Limit-short`, and
/// `Retry-After-short` on a refusal): they were not read, and behind a
/// throttler `short` of 2 a second a 60-page walk took 42.3 s with 4
/// refusals (30.9 s and none behind the same throttler named `default`).
#[test]
fn rate_limit_headers_named_after_a_throttler_are_read_too() {
    let fake = behind(Bucket {
        headers: RateHeaderStyle::NamedShort,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
    assert!(stderr_of(&out).contains("the server allows 2 requests per 1 s"));
}

/// hapi-rate-limit (8.0) names its path limit's headers so
/// (`X-RateLimit-PathLimit`, `-PathRemaining`, `-PathReset` in Unix
/// milliseconds) and sends no `Retry-After`: they were not read, and behind
/// its default of 50 a minute a walk of more pages failed with exit 5
/// (`HTTP 429 after 4 retries: Too Many Requests: Rate limit exceeded`).
#[test]
fn hapi_rate_limit_path_headers_are_read_too() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::HapiPath,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
    // The reset is a time to the millisecond: the window reads under 1 s,
    // by however long the answer took to be read.
    let err = stderr_of(&out);
    assert!(err.contains("the server allows 2 requests per 0."), "{err}");
}

#[test]
fn the_later_drafts_structured_rate_limit_headers_are_read_too() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::Structured,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
    assert!(stderr_of(&out).contains("the server allows 2 requests per 0.2 s"));
}

/// express-rate-limit 8.7 with `standardHeaders: 'draft-8'` and two limiters (a store each, in
/// redis: 3 a second and 3 in 10 s) sends two `RateLimit` lines, `"3-in-1sec"; r=1; t=1` then
/// `"3-in-10sec"; r=0; t=7`: only the first line was read, the walk paced to 3 a second, and its
/// next request was refused (`Retry-After: 7`). The item nearest exhaustion is the one read.
#[test]
fn two_limiters_structured_rate_limit_lines_are_read_by_the_nearest_exhaustion() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::StructuredTwo,
        ..Bucket::new(10.0, 2.0)
    });
    let out = walk(&fake, &["-v"]);
    assert_exact(&out);
    let err = stderr_of(&out);
    assert!(
        err.contains("the server allows 2 requests per 0.2 s"),
        "{err}"
    );
    assert!(!err.contains("100 requests per"), "{err}");
    assert_eq!(fake.rate_limited(), 0, "{:?}", fake.arrivals());
}

#[test]
fn max_rate_is_honoured() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--max-rate", "4"]);
    assert_exact(&out);
    // One request every 250 ms: 4 in any second, one more when a request
    // left late and the next on time.
    let most = fake.max_per_second();
    assert!(most <= 5, "{most} requests in one second");
    assert_eq!(fake.arrivals().len(), PAGES);
}

#[test]
fn max_rate_comes_from_the_environment_and_the_config_file() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = sb
        .tool(&fake)
        .env("TALKDESK_MAX_RATE", "4")
        .args(["list", "-o", "jsonl", "--per-page", &PER_PAGE.to_string()])
        .output()
        .unwrap();
    assert_exact(&out);
    assert!(fake.max_per_second() <= 5);

    let config = sb.write_config("config.toml", "[default]\nmax_rate = 2.5\n");
    let show = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    let text = stdout_of(&show);
    let row = text.lines().find(|l| l.contains("max_rate")).unwrap_or("");
    assert!(row.contains("2.5") && row.contains("config.toml"), "{text}");
}

#[test]
fn a_max_rate_that_is_not_a_positive_number_is_refused() {
    let fake = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    // 1e-300 once crashed ("internal error", exit 1): one request per
    // 1e300 s overflows every clock.
    for value in ["0", "-1", "fast", "inf", "1e-300", "0.001"] {
        let out = sb
            .tool(&fake)
            .args(["list", &format!("--max-rate={value}")])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--max-rate {value}");
        assert!(
            stderr_of(&out).contains("--max-rate"),
            "{}",
            stderr_of(&out)
        );
    }
    for (value, expected) in [
        (
            "1e-19",
            "error: TALKDESK_MAX_RATE is 0.0000000000000000001: it must be at least 0.01",
        ),
        (
            "fast",
            "error: TALKDESK_MAX_RATE is `fast`, which is not a number; use a number",
        ),
    ] {
        let out = sb
            .tool(&fake)
            .env("TALKDESK_MAX_RATE", value)
            .arg("list")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        let err = stderr_of(&out);
        assert!(err.starts_with(expected), "{err}");
    }
    let config = sb.write_config("config.toml", "[default]\nmax_rate = 0\n");
    let out = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr_of(&out).contains("line 2: `max_rate` is 0"),
        "{}",
        stderr_of(&out)
    );
    assert!(fake.arrivals().is_empty(), "nothing sent");
}

#[test]
fn a_429_storm_cannot_spend_the_retries_faster_than_retry_after_allows() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults::always(
            RequestMatch::Page(2),
            FaultKind::RetryAfter(429, "1".into()),
        ),
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--max-retries", "3"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    // Page 2 was asked 4 times, each try at least Retry-After (200 ms
    // scaled) after the one before.
    let tries: Vec<_> = fake
        .arrivals()
        .into_iter()
        .filter(|a| a.page == 2)
        .collect();
    assert_eq!(tries.len(), 4);
    for pair in tries.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(200), "{gap:?}");
    }
    // And nothing else went to the server while it asked for quiet: every
    // request after the first 429 came at least 200 ms after it.
    let first_429 = tries[0].at;
    let arrivals = fake.arrivals();
    let others_too_soon: Vec<_> = arrivals
        .iter()
        .filter(|a| a.at > first_429 && a.page != 2)
        .filter(|a| a.at.duration_since(first_429) < Duration::from_millis(150))
        .collect();
    // Pages sent in the same wave as page 2 may arrive just after it.
    assert!(others_too_soon.len() <= 2, "{others_too_soon:?}");
}

/// A walk (`-v`, `--max-retries 4`) of a fake that refuses every page
/// after the first (`429`, `Retry-After: 1`), failed as it must (exit 5).
fn walk_a_quota_spent_after_page_one() -> (FakeApi, Output) {
    let refused = (2..=PAGES as u64)
        .map(|p| {
            (
                RequestMatch::Page(p),
                FaultKind::RetryAfter(429, "1".into()),
            )
        })
        .collect();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults {
            always: refused,
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--max-retries", "4", "-v"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    (fake, out)
}

/// A quota spent after the first page: every page in flight kept its own
/// five tries, each behind a longer hold, and the run took minutes to fail
/// (15 refusals at the default concurrency). Refusals in a row are counted
/// for the run: the fifth in a row (with `--max-retries 4`) ends it, as
/// when the first page is refused.
#[test]
fn a_quota_spent_mid_walk_fails_after_the_runs_retries_not_each_pages() {
    let (fake, out) = walk_a_quota_spent_after_page_one();
    let refusals = fake.arrivals().iter().filter(|a| a.page >= 2).count();
    // The first wave (up to the concurrency, counted once), then one at a
    // time until five in a row, and what was in flight then (it took 15
    // and more, and minutes).
    assert!(
        refusals <= 4 + 4 + 3,
        "{refusals} refusals: {}",
        stderr_of(&out)
    );
    assert_eq!(stdout_of(&out).lines().count(), PER_PAGE, "page 1 came");
    // The run's refusals in a row, beside the last request's own count
    // (it said "after 4 retries" of a request retried twice).
    let last = stderr_of(&out)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.starts_with("error: "), "{last}");
    // Given up on for the run, before the last request's own retries were
    // spent: fewer than 4. Only when the first wave's refusals counted as
    // one (none of its pages sent after the first refusal came back, as on
    // a busy machine) do the two run out together, on the fifth try of the
    // page retried first, and then the count said is the request's own.
    let page: u64 = (last.split("page=").nth(1))
        .and_then(|rest| rest.split('&').next()?.parse().ok())
        .expect("the page named");
    let tries = fake.arrivals().iter().filter(|a| a.page == page).count();
    match last.contains(" refusals in a row for the run") {
        true => assert!(!last.contains("after 4 retries") && tries < 5, "{last}"),
        false => assert!(last.contains("after 4 retries") && tries == 5, "{last}"),
    }
}

/// A quota spent mid-walk (a daily one: `Retry-After: 86400` on every
/// refusal, as rate-limiter-flexible or a gateway sends it): once the run
/// gave up on the fifth refusal in a row, another page's retry waiting in
/// the pace for the run's hold (up to 60 s) was still sent when its turn
/// came, refused once more, and only then did the run end, a hold later.
/// (When the first wave's refusals counted as one, all of its pages sent
/// before the first refusal came back, as on a busy machine, the fifth in
/// a row is the fifth try of the page retried first, and the run ends on
/// that page's own retries, as in the test above: then nothing is sent
/// after that page's last refusal either.)
#[test]
fn no_retry_is_sent_once_the_run_gave_up_on_its_refusals() {
    let (fake, out) = walk_a_quota_spent_after_page_one();
    let stderr = stderr_of(&out);
    match stderr.split_once("; giving up\n") {
        Some((_, after)) => assert!(
            !after.contains(" -> 429 ("),
            "a request was sent after the run gave up: {stderr}"
        ),
        None => {
            // The last request sent was the fifth try of the page the run
            // ended on.
            let arrivals = fake.arrivals();
            let last = arrivals.last().map_or(0, |a| a.page);
            let tries = arrivals.iter().filter(|a| a.page == last).count();
            let ended_on = format!("?page={last}&per_page={PER_PAGE}: HTTP 429 after 4 retries");
            assert!(
                tries == 5 && stderr.contains(&ended_on),
                "the run neither gave up on its refusals nor ended on the last page sent's own retries: {stderr}"
            );
        }
    }
}

/// The token endpoint (another host, another limiter) answering 503 twice
/// paced the whole walk by it: 27 s for a walk of half a second.
#[test]
fn the_token_endpoints_refusals_do_not_pace_the_walk() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults {
            script: vec![
                (RequestMatch::Token, FaultKind::Status(503)),
                (RequestMatch::Token, FaultKind::Status(503)),
            ],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk_token_elsewhere(&fake, &["-v"]);
    assert_exact(&out);
    let stderr = stderr_of(&out);
    assert!(!stderr.contains("rate limit: pacing"), "{stderr}");
    assert!(
        !stderr.contains("rate limited (HTTP 429 or 503)"),
        "{stderr}"
    );
}

/// The token request went through another limiter, yet it was counted
/// among the requests the API let through in the last second: a limiter
/// without a burst (nginx `limit_req`) was taken to allow two at once, and
/// after its `Retry-After` the request behind the retry was refused too.
#[test]
fn a_token_request_is_not_counted_as_a_burst_the_api_allowed() {
    let fake = behind(Bucket {
        retry_after: Some("5".into()),
        ..Bucket::new(2.0, 1.0)
    });
    let out = walk_token_elsewhere(&fake, &["--concurrency", "1", "-v"]);
    assert_exact(&out);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("HTTP 429 after 1 request got through"),
        "{stderr}"
    );
    // One at a time from the first 429 on: the request behind the retry
    // went with it. (Not "one 429": a request that reaches a busy server
    // 20 ms late leaves the next 485 ms behind it, and nginx refuses that.)
    let arrivals = fake.arrivals();
    let first = arrivals.iter().position(|a| a.refused).expect("a 429");
    for pair in arrivals[first..].windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(250), "{gap:?} apart: {stderr}");
    }
}

/// A token request to another origin was kept in the quota's count of the
/// last window: under `2;w=1` page 2 waited a second for the token sent
/// before page 1 to leave the window. (A slow machine only takes the wait
/// away; it never makes one.)
#[test]
fn a_token_request_elsewhere_is_not_counted_in_the_apis_quota() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::Ietf,
        ..Bucket::new(2.0, 2.0)
    });
    let out = walk_token_elsewhere(&fake, &["--concurrency", "1", "-v"]);
    assert_exact(&out);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("the server allows 2 requests per 1 s"),
        "{stderr}"
    );
    let waited = |page: &str| (stderr.lines()).any(|l| l.starts_with("waited") && l.contains(page));
    assert!(
        !waited("page=2&"),
        "page 2 waited for the token's slot: {stderr}"
    );
}

/// One gateway in front of the token URL and the API (the same origin), as
/// a haproxy frontend counts every request: the token request went through
/// it too, but was not counted, so the walk was paced at half the limit
/// (0.97 requests a second under a 2-a-second window: 41 s for 27).
#[test]
fn a_token_request_to_the_apis_origin_counts_as_a_page_does() {
    let fake = behind(Bucket {
        window: Some(Duration::from_secs(1)),
        counts_token: true,
        retry_after: None,
        ..Bucket::new(2.0, 2.0)
    });
    let out = walk(&fake, &["--concurrency", "1", "-v"]);
    assert_exact(&out);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("HTTP 429 after 2 requests got through"),
        "{stderr}"
    );
}

/// A `--max-rate` that slow is said at once, as a learnt pace that slow is:
/// the run sat silent for minutes before.
#[test]
fn a_max_rate_slower_than_a_request_per_10_s_is_warned_about_at_once() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        ..FakeConfig::default()
    });
    let first = first_stderr_line(&fake, &["--max-rate", "0.05"]);
    assert_eq!(
        first,
        "warning: the walk is paced at one request every 21 s: --max-rate 0.05\n"
    );
}

/// The warning is said at the first wait of a second or more, also when an
/// earlier wait was shorter: the token (paced as a page, at the API's
/// origin) was answered slowly, so page 1 waited half a second for the
/// pace, and that short wait used up the warning before. Not at that short
/// wait either: page 1 is answered before it is said.
#[test]
fn a_slow_pace_is_warned_about_at_the_first_long_wait_after_a_short_one() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use support::fake_api::{Delay, Exchange, Route};
    let first = Arc::new(AtomicBool::new(true));
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3 * PER_PAGE),
        // At --max-rate 0.1 requests go 10.5 s apart: page 1 waits 0.5 s.
        delay: Some(Delay(Arc::new(move |ex: &Exchange| {
            match ex.route == Route::Token && first.swap(false, Ordering::SeqCst) {
                true => Duration::from_secs(10),
                false => Duration::ZERO,
            }
        }))),
        ..FakeConfig::default()
    });
    let lines = stderr_through_first_warning(&fake, &["--max-rate", "0.1", "-v"]);
    let (warning, before) = lines.split_last().unwrap();
    assert_eq!(
        warning,
        "warning: the walk is paced at one request every 10 s: --max-rate 0.1\n"
    );
    let page_1 = |l: &&String| l.contains("page=1") && l.contains(" -> 200 (");
    assert!(before.iter().any(|l| page_1(&l)), "{lines:?}");
}

/// A walk with `args` started in `sb`, its stderr piped, its output dropped.
fn walking(sb: &Sandbox, fake: &FakeApi, args: &[&str]) -> std::process::Child {
    sb.spawnable_tool(fake)
        .args(["list", "-o", "jsonl", "--per-page", &PER_PAGE.to_string()])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// The lines on stderr of a walk with `args` up to its first warning,
/// read while the walk goes on (it is then stopped).
fn stderr_through_first_warning(fake: &FakeApi, args: &[&str]) -> Vec<String> {
    use std::io::BufRead as _;
    let sb = Sandbox::new();
    let mut child = walking(&sb, fake, args);
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 || line.starts_with("warning: ") {
            lines.push(line);
            break;
        }
        lines.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

/// The first line on stderr of a walk with `args`, read while the walk
/// goes on (it is then stopped).
fn first_stderr_line(fake: &FakeApi, args: &[&str]) -> String {
    use std::io::BufRead as _;
    let sb = Sandbox::new();
    let mut child = walking(&sb, fake, args);
    let mut first = String::new();
    let stderr = child.stderr.take().unwrap();
    std::io::BufReader::new(stderr)
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    first
}

/// A limit that leaves many seconds between requests (here one request per
/// 20 s) makes a long walk with nothing on stderr but the progress: it is
/// said once, with the server's words, when a request first waits for it.
#[test]
fn a_pace_slower_than_a_request_per_10_s_is_warned_about_once() {
    let slow = || {
        behind(Bucket {
            retry_after: None,
            headers: RateHeaderStyle::Ietf,
            ..Bucket::new(0.05, 1.0)
        })
    };
    let first = first_stderr_line(&slow(), &[]);
    assert!(
        first.starts_with("warning: the walk is paced at one request every 21 s")
            && first.contains("the server allows 1 request per 20 s"),
        "{first}"
    );
    // One page needs no wait: nothing to say.
    let out = walk(&slow(), &["--page", "1"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
}

/// A daily quota (a pace of one request every 120 s, burst 100) on the first
/// pages, then one a second (a server naming the policy nearest exhaustion):
/// the walk goes on at one a second, silently. The slow pace's backlog held
/// the next page 120 s for every page sent under it (pages 1-3: 6 min), and
/// the slow pace was warned about when the pace was long one a second. The
/// hang is bounded by the run's timeout, not timed.
#[test]
fn a_slow_quota_then_a_fast_one_walks_at_the_fast_pace_silently() {
    let quota = |limit: &str, window: &str| {
        FaultKind::WithHeaders(vec![
            ("RateLimit-Limit", limit.to_string()),
            ("RateLimit-Policy", format!("{limit};w={window}")),
        ])
    };
    let pages = 6;
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(pages * PER_PAGE),
        faults: Faults {
            always: (1..=pages as u64)
                .map(|p| {
                    (
                        RequestMatch::Page(p),
                        if p <= 3 {
                            quota("100", "86400")
                        } else {
                            quota("1", "1")
                        },
                    )
                })
                .collect(),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk_one_at_a_time_within(&fake, 60);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), pages * PER_PAGE);
    assert_eq!(stderr_of(&out), "");
}

/// An hourly quota whose burst covers the walk never makes it wait: it
/// said "paced at one request every 37 s" of a walk that took 0.5 s.
#[test]
fn a_slow_quota_whose_burst_covers_the_walk_is_not_warned_about() {
    let fake = behind(Bucket {
        retry_after: None,
        headers: RateHeaderStyle::Ietf,
        ..Bucket::new(0.05, 100.0)
    });
    let out = walk(&fake, &[]);
    assert_exact(&out);
    assert_eq!(stderr_of(&out), "");
}

/// Every page's answer with the same rate-limit headers.
fn saying(headers: impl Fn(u64) -> Vec<(&'static str, String)>) -> Faults {
    Faults {
        always: (1..=PAGES as u64)
            .map(|p| (RequestMatch::Page(p), FaultKind::WithHeaders(headers(p))))
            .collect(),
        ..Faults::default()
    }
}

/// Headers that say 20 a second in front of a limiter of 2: the cut the
/// refusals made was undone by the next answer's headers, and the walk
/// was refused again after every cut.
#[test]
fn headers_that_allow_more_than_the_server_takes_do_not_undo_a_cut() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        bucket: Some(Bucket {
            retry_after: None,
            ..Bucket::new(2.0, 1.0)
        }),
        faults: saying(|_| {
            vec![
                ("RateLimit-Limit", "20".into()),
                ("RateLimit-Policy", "20;w=1".into()),
            ]
        }),
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--concurrency", "1"]);
    assert_exact(&out);
    assert!(fake.rate_limited() <= 3, "{:?}", refusals_per_page(&fake));
}

/// Limits without a window, each with its reset: an hourly one, then one
/// of 10 a second. The hour's reset was taken as the second's window, and
/// the walk held a minute for every ten pages.
#[test]
fn a_reset_is_the_window_of_its_own_limit_only() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: saying(|page| {
            let (limit, reset) = if page <= 2 { (1000, 3600) } else { (10, 1) };
            vec![
                ("RateLimit-Limit", limit.to_string()),
                ("RateLimit-Reset", reset.to_string()),
            ]
        }),
        ..FakeConfig::default()
    });
    let out = walk_one_at_a_time_within(&fake, 50);
    assert_exact(&out);
    assert_eq!(stderr_of(&out), "");
}

/// A quota of 3 requests per 12 s (a pace of one every 4 s, not slow):
/// after the burst, the next page waits 12 s, and a walk of a minute's
/// quota waited a minute at a time with nothing said.
#[test]
fn a_long_wait_for_a_quota_is_said_when_it_begins() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: saying(|_| {
            vec![
                ("RateLimit-Limit", "3".into()),
                ("RateLimit-Policy", "3;w=12".into()),
            ]
        }),
        ..FakeConfig::default()
    });
    let first = first_stderr_line(&fake, &[]);
    assert!(
        first.starts_with("warning: the walk waits 12 s for the API's rate limit: ")
            && first.ends_with("the server allows 3 requests per 12 s\n"),
        "{first}"
    );
}

/// Envoy answers 503 when it cannot reach the API (a connection reset or
/// refused upstream: "upstream connect error or disconnect/reset before
/// headers. reset reason: connection termination"): the proxy failing, as
/// a 502 is, not a limiter refusing. One such 503 set a pace of 1.94
/// requests a second for the rest of the walk: behind Envoy 1.40, 24 pages
/// took 11.9 s where they take 0.3 s. It is retried, and sets no pace.
#[test]
fn envoys_503_for_an_upstream_it_could_not_reach_sets_no_pace() {
    let body = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    a_503_sets_no_pace(body);
}

/// Pound 2.x (Debian's 2.8) answers 503 with the plain text "The service is not available. Please
/// try again later." when no backend of the service is alive (a deploy, a crash). It was taken for
/// a rate limiter's refusal: with such a 503 for 3 s, 40 pages of 0.01 s took 98 s, paced down to
/// 0.24 requests a second. It is the gateway failing, as Envoy's is: retried, no pace. (Pound 4's
/// default 503 page is also what a request over its `TBF` rate limit gets where no other service
/// takes it: still a refusal.)
#[test]
fn pounds_503_for_no_backend_alive_sets_no_pace() {
    let body = "The service is not available. Please try again later.";
    a_503_sets_no_pace(body);
}

/// A walk whose page 3 is answered once 503 with `body`: retried, exact, and no pace set.
fn a_503_sets_no_pace(body: &str) {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults {
            script: vec![(
                RequestMatch::Page(3),
                FaultKind::StatusWithBody(503, body.to_string()),
            )],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["-v", "--concurrency", "1"]);
    assert_exact(&out);
    let log = stderr_of(&out);
    assert!(log.contains("after HTTP 503"), "retried: {log}");
    assert!(!log.contains("rate limit: pacing at "), "{log}");
}

/// Traefik 3.7's `circuitBreaker` in front of a backend that went down
/// for 3 s: page 9's tries were answered 502 (the backend down), then 503
/// (the breaker open, no `Retry-After`). Each 503 was taken for a rate
/// limit's refusal and cut the pace, to 0.31 requests a second: once the
/// backend was back, 60 pages at `--max-rate 5` took 114 s where 12 s is
/// the least. A silent 503 while the server is failing (a 500, 502 or 504
/// since its last success) is its outage, retried as a 502 is: no pace.
#[test]
fn a_silent_503_after_a_502_is_an_outage_not_a_rate_limit() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults {
            script: vec![
                (RequestMatch::Page(3), FaultKind::Status(502)),
                (RequestMatch::Page(3), FaultKind::Status(503)),
                (RequestMatch::Page(3), FaultKind::Status(503)),
            ],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--concurrency", "1", "-v"]);
    let log = stderr_of(&out);
    assert!(out.status.success(), "{log}");
    assert_eq!(stdout_of(&out).lines().count(), PAGES * PER_PAGE, "{log}");
    assert_eq!(fake.requests_for_page(3), 4, "{log}");
    assert!(!log.contains("rate limit: pacing at"), "{log}");
}

/// vsthrottle's own example in Varnish 7.1.1 (`vsthrottle.is_denied(client.identity, 15, 10s,
/// 30s)` then `return (synth(429))`) blocks a client for 30 s, while Varnish's built-in
/// `vcl_synth` says `Retry-After: 5` on every synthetic answer: each retry went as asked, was
/// refused again, and the holds of refusals in a row (2, 4, 8 s) stayed under the 5 s said, so
/// the five tries spanned 23 s and the walk failed (exit 5) inside the block. A `Retry-After`
/// refused again is doubled in the holds. Here scaled: blocked 4.2 s, `Retry-After: 3` (0.6 s).
#[test]
fn a_retry_after_refused_again_is_doubled_until_the_block_ends() {
    let fake = behind(Bucket {
        window: Some(Duration::from_millis(4200)),
        retry_after: Some("3".to_string()),
        ..Bucket::new(1.0, 1.0)
    });
    let out = walk(&fake, &["--per-page", "30", "--concurrency", "1", "-v"]);
    assert_exact(&out);
    assert!(fake.rate_limited() <= 4, "{}", stderr_of(&out));
}

/// A retry without a `Retry-After` (a `500`, which holds no pace) waits its own backoff, as the
/// log says, before it is sent: the pacer's holds do not stand in for it. (Each try arrives at
/// least the logged delay after the one before; a slow machine only widens the gap.)
#[test]
fn a_retry_is_sent_no_sooner_than_its_logged_backoff() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(PAGES * PER_PAGE),
        faults: Faults::always(RequestMatch::Page(2), FaultKind::Status(500)),
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--max-retries", "3", "--concurrency", "1", "-v"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    // "retry 1/3 of GET …?page=2… in 0.123 s after …"
    let delays: Vec<Duration> = (stderr.lines())
        .filter(|line| line.contains("retry ") && line.contains("page=2&"))
        .filter_map(|line| line.split(" in ").nth(1)?.split(" s").next()?.parse().ok())
        .map(Duration::from_secs_f64)
        .collect();
    let tries: Vec<_> = (fake.arrivals().into_iter())
        .filter(|a| a.page == 2)
        .collect();
    assert_eq!((tries.len(), delays.len()), (4, 3), "{stderr}");
    for (pair, delay) in tries.windows(2).zip(&delays) {
        let gap = pair[1].at.duration_since(pair[0].at);
        // The log rounds to the millisecond.
        assert!(
            gap + Duration::from_millis(1) >= *delay,
            "{gap:?} < {delay:?}: {stderr}"
        );
    }
    // Backoff is full jitter from 0: one draw may log "in 0.000 s" (seen
    // in CI: [95ms, 0ns, 168ms]); all three never do unless unscaled to 0.
    assert!(delays.iter().any(|d| !d.is_zero()), "{delays:?}");
}

/// With `-v`, the line of each try says which retry it is (a first try says none), and a
/// request that waited for its turn in the pace says how long before it went.
#[test]
fn the_verbose_log_numbers_each_retry_and_says_each_wait_for_the_pace() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(2 * PER_PAGE),
        faults: Faults {
            script: vec![(RequestMatch::Page(2), FaultKind::Status(503))],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let out = walk(&fake, &["--concurrency", "1", "--max-rate", "1", "-v"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    let page_2 = |l: &&str| l.contains("?page=2&");
    let tries: Vec<&str> = (stderr.lines().filter(page_2))
        .filter(|l| l.contains(" -> "))
        .collect();
    assert_eq!(tries.len(), 2, "{stderr}");
    assert!(
        tries[0].contains(" -> 503 (") && tries[0].ends_with(" ms)"),
        "{stderr}"
    );
    assert!(
        tries[1].contains(" -> 200 (") && tries[1].ends_with(" ms, retry 1)"),
        "{stderr}"
    );
    let waited = |l: &&str| l.contains(" s for the rate limit before GET ");
    assert!(
        stderr.lines().filter(page_2).any(|l| waited(&l)),
        "{stderr}"
    );
}

/// restify's throttle plugin (restify 11.1, `throttle({ rate: 0.5, burst: 1 })`) refuses with
/// a 429 that has no `Retry-After` and no rate headers, its rate in its words: `You have
/// exceeded your request rate of 0.5 r/s.` A retry at a backoff's pace (0.5 s, then 1 s) came
/// before the bucket held a token again: at 0.05 r/s every try of page 1 was refused and the
/// run ended "try again later or raise --max-retries". The rate said is paced to.
#[test]
fn restifys_throttle_is_paced_at_the_rate_its_refusal_names() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3 * PER_PAGE),
        bucket: Some(Bucket {
            retry_after: None,
            headers: RateHeaderStyle::Restify,
            ..Bucket::new(0.5, 1.0)
        }),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake))
        .args([
            "-v",
            "list",
            "-o",
            "jsonl",
            "--per-page",
            &PER_PAGE.to_string(),
        ])
        .args(["--concurrency", "1", "--max-retries", "1"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(stdout_of(&out).lines().count(), 3 * PER_PAGE, "{err}");
    // Learnt from the first refusal's words, not from what got through.
    assert!(
        err.contains("requests/s: the server allows 1 request per 2 s"),
        "{err}"
    );
}
