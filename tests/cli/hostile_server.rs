//! What a hostile or broken server tries (issue 10): tokens echoed in headers and error bodies,
//! lying `total_pages`, numbers beyond 64 bits, odd next links, huge `Retry-After`, bad proxy
//! settings, a wrong secret behind a cached token, and signals the tool was started with
//! ignored. Each test drives the real binary against the loopback fake.

use crate::support;

use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RequestMatch, simple_accounts,
};
use support::{Sandbox, faulty_fake, run_tool, stderr_of, stdout_of};

/// A secret long enough that any cut of it is recognisable.
const LONG_SECRET: &str = "Xk7Qp2Lm9Vb4Nz8Rt5Wy3H";

fn always(entries: Vec<(RequestMatch, FaultKind)>) -> Faults {
    Faults {
        always: entries,
        ..Faults::default()
    }
}

/// Every prefix of `secret` from `min` characters on.
fn prefixes(secret: &str, min: usize) -> Vec<&str> {
    (min..=secret.len()).map(|n| &secret[..n]).collect()
}

fn assert_no_prefix(text: &str, secret: &str, what: &str) {
    for p in prefixes(secret, 3) {
        assert!(!text.contains(p), "{what}: `{p}` printed: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// 1, 2: secrets and tokens echoed back
// ---------------------------------------------------------------------------------------------

/// Also when the answer starts with a byte-order mark, which the token is
/// read past: the redactor learns the token from the same bytes.
#[test]
fn vv_never_prints_a_new_token_echoed_in_a_token_answer_header() {
    for token_bom in [false, true] {
        let fake = FakeApi::start(FakeConfig {
            accounts: simple_accounts(3),
            echo_token_header: true,
            token_bom,
            ..FakeConfig::default()
        });
        let sb = Sandbox::new();
        let output = sb.tool(&fake).args(["-vv", "list"]).output().unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("x-echo-token: t=<redacted>"),
            "bom {token_bom}: the header is logged, redacted: {stderr}"
        );
        assert!(
            !stderr.contains("fake-token-"),
            "bom {token_bom}: a token printed: {stderr}"
        );
    }
}

/// `list` with [`LONG_SECRET`] as the client secret, the token request
/// answered `400` with `body`.
fn list_with_a_token_answer_of(body: String) -> std::process::Output {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        client_secret: LONG_SECRET.into(),
        faults: always(vec![(
            RequestMatch::Token,
            FaultKind::StatusWithBody(400, body),
        )]),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let mut tool = sb.tool(&fake);
    tool.env("TALKDESK_CLIENT_SECRET", LONG_SECRET).arg("list");
    tool.output().unwrap()
}

#[test]
fn an_error_body_echoing_the_secret_is_redacted_before_it_is_shortened() {
    // 190 characters, then `secret=` and the secret: a cut at 200 characters falls inside it.
    let body = format!("{}secret={LONG_SECRET}-and-more", "a".repeat(190));
    let output = list_with_a_token_answer_of(body);
    // Text, no OAuth error: the web server's, not a refusal (exit 5; it
    // was 4 until errors::a_token_answer_without_an_oauth_error_is_no_refusal).
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("secret=<re"),
        "redacted, then cut: {stderr}"
    );
    assert_no_prefix(&stderr, LONG_SECRET, "the secret");
}

/// A text body laid out in columns is shown in words (WireMock's 404), its
/// white space made one space only after the secrets are out: a secret a
/// line break splits is read past, a piece of it never shown.
#[test]
fn a_secret_split_by_a_line_break_in_a_text_body_in_columns_is_redacted_whole() {
    for newline in ["\n", "\r\n"] {
        let (head, tail) = LONG_SECRET.split_at(4);
        let body =
            format!("Request was not matched\n=======\n\n  secret   {head}{newline}{tail}   \n");
        let output = list_with_a_token_answer_of(body);
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("HTTP 400: Request was not matched secret <redacted>"),
            "in words, redacted: {stderr}"
        );
        assert_no_prefix(&stderr, LONG_SECRET, "the secret");
    }
}

#[test]
fn an_error_body_echoing_the_bearer_token_is_redacted_before_it_is_shortened() {
    // `Bearer fake-token-1-…` starts at character 183: the cut at 200 falls inside the token.
    let fake = faulty_fake(
        simple_accounts(3),
        always(vec![(
            RequestMatch::AnyPage,
            FaultKind::EchoAuthorization(400, 183),
        )]),
    );
    let sb = Sandbox::new();
    let output = sb.tool(&fake).arg("list").output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("fake-t"), "part of the token: {stderr}");
}

/// A server quoting the token cut short (its start, its end) in an error,
/// with -v logging every request: no run of 8 characters of it is shown.
#[test]
fn a_token_echoed_in_part_is_redacted_too() {
    let fake = faulty_fake(
        simple_accounts(3),
        always(vec![(RequestMatch::AnyPage, FaultKind::EchoTokenPart(400))]),
    );
    let sb = Sandbox::new();
    let output = sb.tool(&fake).args(["list", "-v"]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("token <redacted>… is not valid here (…<redacted>)"),
        "{stderr}"
    );
    let token = fake.issued_tokens().pop().expect("a token was issued");
    for window in token.as_bytes().windows(8) {
        let part = String::from_utf8_lossy(window);
        assert!(!stderr.contains(part.as_ref()), "{part} in {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3: a lying total_pages
// ---------------------------------------------------------------------------------------------

fn lying_pages_run(concurrency: &str) -> (FakeApi, std::process::Output) {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        links: LinkStyle::None,
        claimed_total_pages: Some(1_000_000_000_000),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let mut cmd = sb.tool(&fake);
    cmd.timeout(Duration::from_secs(30));
    let output = cmd
        .args(["list", "-o", "jsonl", "--per-page", "50", "--concurrency"])
        .arg(concurrency)
        .output()
        .unwrap();
    (fake, output)
}

fn assert_lying_walk_ends(concurrency: &str) {
    let (fake, output) = lying_pages_run(concurrency);
    let stderr = stderr_of(&output);
    assert!(
        output.status.success(),
        "--concurrency {concurrency}: {stderr}"
    );
    assert_eq!(stdout_of(&output).lines().count(), 150, "{stderr}");
    let pages = fake.sorted_page_requests();
    assert!(
        pages.iter().all(|p| *p <= 4),
        "--concurrency {concurrency}: no page beyond the first empty one: {pages:?}"
    );
    for p in 1..=4 {
        assert!(fake.requests_for_page(p) <= 1, "page {p} once: {pages:?}");
    }
    assert!(
        stderr.contains("1000000000000"),
        "the warning says what was claimed: {stderr}"
    );
}

#[test]
fn a_lying_total_pages_ends_at_the_first_empty_page_without_a_next_link() {
    assert_lying_walk_ends("1");
}

#[test]
fn a_lying_total_pages_ends_the_concurrent_walk_too() {
    assert_lying_walk_ends("8");
}

// ---------------------------------------------------------------------------------------------
// 4: numbers beyond 64 bits, ids by their exact JSON text
// ---------------------------------------------------------------------------------------------

const BIG_PAGE: &str = r#"{"count":4,"page":1,"per_page":50,"total":4,"total_pages":1,"_embedded":{"accounts":[{"id":100000000000000000000002,"name":"B","big":-0.000000000000000000000000000001},{"id":100000000000000000000001,"name":"A","big":123456789012345678901234567890,"ratio":1.50},{"id":12345,"name":"C"},{"id":"12345","name":"D"}]}}"#;

fn big_numbers_fake() -> FakeApi {
    faulty_fake(
        Vec::new(),
        always(vec![(
            RequestMatch::Page(1),
            FaultKind::StatusWithBody(200, BIG_PAGE.into()),
        )]),
    )
}

#[test]
fn json_and_jsonl_keep_numbers_beyond_64_bits_exactly_and_ids_apart() {
    let fake = big_numbers_fake();
    let sb = Sandbox::new();
    for format in ["json", "jsonl"] {
        let output = sb
            .tool(&fake)
            .args(["list", "-o", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let stdout = stdout_of(&output);
        for exact in [
            "100000000000000000000001",
            "100000000000000000000002",
            "123456789012345678901234567890",
            "-0.000000000000000000000000000001",
            "1.50",
            r#""id":12345"#,
            r#""id":"12345""#,
        ] {
            assert!(stdout.contains(exact), "{format}: {exact} in {stdout}");
        }
        assert!(!stdout.contains("e+"), "{format}: {stdout}");
    }
}

/// Lone UTF-16 surrogate escapes, as JavaScript's `JSON.stringify` writes
/// an emoji cut in half: valid JSON text, but no Unicode string.
const CUT_PAGE: &str = r#"{"count":2,"page":1,"per_page":50,"total":2,"total_pages":1,"_embedded":{"accounts":[{"id":"b-3","name":"cut \ud83d","status":"ACTIVE"},{"id":"b-\udc00","name":"low","status":"ACT\ud800"}]}}"#;

#[test]
fn a_lone_surrogate_is_read_as_jq_reads_it_and_loses_no_account() {
    let fake = support::serving_page(CUT_PAGE);
    let sb = Sandbox::new();
    let run = |args: &[&str]| {
        let output = sb.tool(&fake).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        stdout_of(&output)
    };
    // json and jsonl pass the text through, picked columns included.
    assert_eq!(
        run(&["list", "-o", "jsonl", "--columns", "id,name"]),
        "{\"id\":\"b-3\",\"name\":\"cut \\ud83d\"}\n{\"id\":\"b-\\udc00\",\"name\":\"low\"}\n"
    );
    // Where text is shown, the lone half is U+FFFD, as jq shows it.
    assert_eq!(
        run(&["list", "-q", "-o", "csv", "--columns", "id,name,status"]),
        "id,name,status\nb-3,cut \u{FFFD},ACTIVE\nb-\u{FFFD},low,ACT\u{FFFD}\n"
    );
    assert_eq!(run(&["list", "--jq", ".name"]), "cut \u{FFFD}\nlow\n");
    let summary = run(&["summary", "-o", "json"]);
    assert!(
        summary.contains("{\"status\":\"ACT\u{FFFD}\",\"count\":1}"),
        "{summary}"
    );
    // The tool's own export is read back by diff and by an import.
    let export = sb.path("cut.json");
    let export = export.to_str().unwrap();
    run(&["list", "-q", "-o", "json", "--output-file", export]);
    let diff: serde_json::Value =
        serde_json::from_str(&run(&["diff", export, "-o", "json"])).unwrap();
    assert_eq!(diff, json!({"added": [], "removed": [], "changed": []}));
    // --jq on the report reads it as jq does (it failed: "unexpected end
    // of hex escape").
    let removed = sb.path("removed.jsonl");
    std::fs::write(&removed, "{\"id\":\"gone\",\"name\":\"x\\udc00\"}\n").unwrap();
    let names = run(&["diff", removed.to_str().unwrap(), "--jq", ".removed[].name"]);
    assert_eq!(names, "x\u{FFFD}\n");
    run(&["snapshot", "-q", "--import", export, "--at", "2026-11-01"]);
    // history's json passes the recorded text through, as list's does;
    // its --jq reads the lone half as jq does.
    let versions = run(&["history", "b-3", "-o", "jsonl"]);
    assert!(versions.contains("\"name\":\"cut \\ud83d\""), "{versions}");
    let name = run(&["history", "b-3", "--jq", ".account.name"]);
    assert_eq!(name, "cut \u{FFFD}\n");
}

#[test]
fn big_numbers_in_csv_table_and_sort_keep_their_digits() {
    let fake = big_numbers_fake();
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--columns",
            "id,name,big",
            "--sort",
            "id",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "id,name,big",
            "12345,C,",
            "100000000000000000000001,A,123456789012345678901234567890",
            "100000000000000000000002,B,'-0.000000000000000000000000000001",
            "12345,D,",
        ],
        "numbers by value, then text; a negative number is formula-guarded"
    );
    let output = sb.tool(&fake).args(["list"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("100000000000000000000002"));
}

// ---------------------------------------------------------------------------------------------
// 5: odd next links
// ---------------------------------------------------------------------------------------------

/// Page 1 of 2 with two accounts and this next link; page 2 served normally.
fn linking_fake(next: &str) -> FakeApi {
    let page_one = json!({
        "count": 2, "page": 1, "per_page": 2, "total": 4, "total_pages": 2,
        "_embedded": { "accounts": simple_accounts(2) },
        "_links": { "next": { "href": next } },
    });
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: always(vec![(RequestMatch::Page(1), FaultKind::Json(page_one))]),
        ..FakeConfig::default()
    })
}

#[test]
fn a_next_link_with_an_upper_case_scheme_is_the_same_origin() {
    // The fake's port is known only once it runs: page 1 is set afterwards.
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        ..FakeConfig::default()
    });
    let link = format!("HTTP://{}/express/accounts?page=2&per_page=2", fake.addr());
    fake.update(|c| {
        c.faults.always = vec![(
            RequestMatch::Page(1),
            FaultKind::Json(json!({
                "count": 2, "page": 1, "per_page": 2, "total": 4, "total_pages": 2,
                "_embedded": { "accounts": simple_accounts(2) },
                "_links": { "next": { "href": link } },
            })),
        )];
    });
    let output = run_tool(
        &fake,
        &[
            "list",
            "-o",
            "jsonl",
            "--per-page",
            "2",
            "--concurrency",
            "1",
        ],
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 4);
    assert_eq!(fake.page_requests(), vec![1, 2]);
}

#[test]
fn next_links_to_other_schemes_origins_or_with_userinfo_are_refused_before_any_request() {
    for (link, why) in [
        ("file:///etc/passwd", "file"),
        ("data:text/plain,hello", "data"),
        ("javascript:alert(1)", "javascript"),
        ("//127.0.0.2:1/express/accounts?page=2", "leaves"),
        ("ftp://127.0.0.1/x", "ftp"),
    ] {
        let fake = linking_fake(link);
        let sb = Sandbox::new();
        let output = sb
            .tool(&fake)
            .args(["list", "-o", "json", "--per-page", "2"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{link}: {stderr}");
        assert!(
            stderr.contains(link),
            "{link}: the error names the link: {stderr}"
        );
        assert!(stderr.contains(why), "{link}: says why: {stderr}");
        assert!(
            // "HTTP 404", not "404": the fake's port may hold those digits.
            !stderr.contains("HTTP 404"),
            "{link}: no request was made: {stderr}"
        );
        let paths: Vec<String> = fake
            .requests()
            .iter()
            .map(|r| r.target.clone())
            .filter(|t| !t.starts_with("/oauth"))
            .collect();
        assert_eq!(paths.len(), 1, "{link}: page 1 alone: {paths:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_next_link_with_userinfo_is_refused_without_repeating_the_password() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        ..FakeConfig::default()
    });
    let link = format!(
        "http://user:hunter2pw@{}/express/accounts?page=2&per_page=2",
        fake.addr()
    );
    fake.update(|c| {
        c.faults.always = vec![(
            RequestMatch::Page(1),
            FaultKind::Json(json!({
                "count": 2, "page": 1, "per_page": 2, "total": 4, "total_pages": 2,
                "_embedded": { "accounts": simple_accounts(2) },
                "_links": { "next": { "href": link } },
            })),
        )];
    });
    let output = run_tool(&fake, &["list", "-o", "json", "--per-page", "2"]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(!stderr.contains("hunter2pw"), "{stderr}");
    assert!(stderr.contains("user name or password"), "{stderr}");
    assert_eq!(fake.page_requests(), vec![1]);
}

// ---------------------------------------------------------------------------------------------
// 6: Retry-After
// ---------------------------------------------------------------------------------------------

/// The `-v` retry line for a 429 with this `Retry-After`, backoff scaled by 1/1000.
fn retry_line(value: &str) -> String {
    retry_line_of(FaultKind::RetryAfter(429, value.into()), value)
}

/// The `-v` line of the retry after `fault` on page 1, the backoff scaled
/// to a thousandth.
fn retry_line_of(fault: FaultKind, value: &str) -> String {
    let fake = faulty_fake(
        simple_accounts(3),
        Faults {
            script: vec![(RequestMatch::Page(1), fault)],
            ..Faults::default()
        },
    );
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("TALKDESK_BACKOFF_SCALE", "0.001")
        .args(["-v", "list"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{value}: {stderr}");
    stderr
        .lines()
        .find(|l| l.starts_with("retry 1/"))
        .unwrap_or_else(|| panic!("{value}: no retry line: {stderr}"))
        .to_string()
}

/// The wait a retry line logs, in seconds.
fn logged_wait(line: &str) -> f64 {
    line.split(" in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|secs| secs.parse().ok())
        .unwrap_or_else(|| panic!("no wait in {line}"))
}

#[test]
fn a_retry_after_of_any_size_is_seconds_capped_at_a_minute() {
    // The wait is the (scaled) Retry-After plus a jitter of at most a tenth.
    for value in ["99999999999999999999999", "3600"] {
        let line = retry_line(value);
        assert!(line.contains(" s (Retry-After)"), "{value}: {line}");
        let wait = logged_wait(&line);
        assert!((0.060..=0.066).contains(&wait), "{value}: {line}");
    }
    let line = retry_line("2");
    assert!(line.contains(" s (Retry-After)"), "{line}");
    let wait = logged_wait(&line);
    assert!((0.002..=0.0025).contains(&wait), "{line}");
    // With a fraction, as rate-limiter-flexible sends it: it was ignored,
    // and a limiter of 10 per 30 s failed the walk at the backoff's pace.
    let line = retry_line("16.5");
    assert!(line.contains(" s (Retry-After)"), "{line}");
    let wait = logged_wait(&line);
    assert!((0.0165..=0.0185).contains(&wait), "{line}");
}

/// A 429 with a spent quota (`Remaining: 0`, `Reset: 20`) but no `Limit` and no `Retry-After`
/// was retried at a backoff's pace: every retry spent in 15 s, exit 5 "raise --max-retries",
/// though the server had said when to come back. The reset is waited, as a `Retry-After` is; in
/// both spellings, and never one past the longest wait (a minute).
#[test]
fn a_refusal_with_a_spent_quota_waits_for_its_reset() {
    for prefix in ["X-RateLimit-", "RateLimit-"] {
        let spent = |reset: &str| {
            FaultKind::RateLimited(
                429,
                vec![
                    (
                        if prefix == "X-RateLimit-" {
                            "X-RateLimit-Remaining"
                        } else {
                            "RateLimit-Remaining"
                        },
                        "0".into(),
                    ),
                    (
                        if prefix == "X-RateLimit-" {
                            "X-RateLimit-Reset"
                        } else {
                            "RateLimit-Reset"
                        },
                        reset.into(),
                    ),
                ],
            )
        };
        // 20 s, scaled to 20 ms, plus at most a tenth of jitter.
        let line = retry_line_of(spent("20"), prefix);
        assert!(
            line.contains(" s (the quota's reset) after HTTP 429"),
            "{prefix}: {line}"
        );
        let wait = logged_wait(&line);
        assert!((0.020..=0.022).contains(&wait), "{prefix}: {line}");
        // An hour is no wait a retry makes: it backs off, and the error says when.
        let line = retry_line_of(spent("3600"), prefix);
        assert!(!line.contains("reset)"), "{prefix}: {line}");
    }
}

/// moleculer-web's `rateLimit` (0.10) spells its headers `X-Rate-Limit-*`, its reset a Unix
/// time in milliseconds, and sends no `Retry-After`. They were not read: behind a limit of 10
/// per 30 s, a walk of 24 pages was retried at a backoff's pace and failed after 14 s, "HTTP
/// 429 after 3 retries and 5 refusals in a row for the run", though the server had said when
/// its window ends. The reset is waited, as for the `X-RateLimit-` spelling.
#[test]
fn moleculer_webs_x_rate_limit_reset_is_waited() {
    // (The walk then keeps to the budget until the reset, unscaled: 5 s.)
    let reset = std::time::SystemTime::now() + Duration::from_secs(5);
    let ms = reset
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let headers = vec![
        ("X-Rate-Limit-Limit", "10".to_string()),
        ("X-Rate-Limit-Remaining", "0".to_string()),
        ("X-Rate-Limit-Reset", ms.to_string()),
        (
            "Content-type",
            "application/json; charset=utf-8".to_string(),
        ),
    ];
    let body = r#"{"name":"RateLimitExceeded","message":"Rate limit exceeded","code":429}"#;
    let line = retry_line_of(FaultKind::RefusedWith(429, headers, body), "moleculer-web");
    assert!(
        line.contains(" s (the quota's reset) after HTTP 429"),
        "{line}"
    );
    // 5 s less the time to start the tool, scaled to 5 ms, plus at most a tenth.
    let wait = logged_wait(&line);
    assert!((0.003..=0.0055).contains(&wait), "{line}");
}

#[test]
fn retry_after_is_read_in_all_three_http_date_forms() {
    // 30 s ahead, scaled to 30 ms (less the time to start the tool, plus
    // at most a tenth of jitter).
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
    for form in [
        "%a, %d %b %Y %H:%M:%S GMT",
        "%A, %d-%b-%y %H:%M:%S GMT",
        "%a %b %e %H:%M:%S %Y",
    ] {
        let value = ahead.strftime(form).to_string();
        let line = retry_line(&value);
        assert!(line.contains(" s (Retry-After)"), "{value}: {line}");
        let wait = logged_wait(&line);
        assert!((0.020..=0.034).contains(&wait), "{value}: {line}");
    }
    // A date gone by, as a zero, says nothing of when: the retry backs off.
    for value in ["Sun, 06 Nov 1994 08:49:37 GMT", "0"] {
        let line = retry_line(value);
        assert!(!line.contains("(Retry-After)"), "{value}: {line}");
    }
}

/// `Retry-After` dates as servers write them outside RFC 9110's three forms,
/// in the Internet Message Format (RFC 5322) that RFC 9110 §5.6.7 asks a
/// recipient to be robust to: PHP's `gmdate(DATE_RFC1123)` ends with
/// `+0000`, Python's `email.utils.formatdate()` with `-0000`, another zone
/// with its offset, and Java's `RFC_1123_DATE_TIME` writes the 5th as `5`.
/// They were ignored: a PHP API's 25 s wait was taken for a backoff's, and
/// the walk failed after 4 retries in 14.5 s.
#[test]
fn retry_after_in_the_internet_message_format_is_read() {
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
    let in_zone = |zone: &str| {
        let zoned = ahead.to_zoned_datetime(jiff::tz::TimeZone::get(zone).unwrap());
        zoned.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
    };
    for value in [
        ahead.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        ahead.strftime("%a, %d %b %Y %H:%M:%S -0000").to_string(),
        ahead.strftime("%a, %-d %b %Y %H:%M:%S GMT").to_string(),
        in_zone("Asia/Kolkata"),
        in_zone("America/St_Johns"),
    ] {
        let line = retry_line(&value);
        assert!(line.contains(" s (Retry-After)"), "{value}: {line}");
        let wait = logged_wait(&line);
        assert!((0.020..=0.034).contains(&wait), "{value}: {line}");
    }
    // A `Date` so written is the server's clock too: an hour ahead, the
    // wait asked is still 30 s (it was the cap of a minute).
    let server_now = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600);
    let date = server_now
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    let value = (server_now + jiff::SignedDuration::from_secs(30))
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let headers = vec![("Date", date.clone()), ("Retry-After", value.clone())];
    let line = retry_line_of(FaultKind::RateLimited(429, headers), &value);
    let wait = logged_wait(&line);
    assert!((0.029..=0.034).contains(&wait), "{date} / {value}: {line}");
}

/// A `Retry-After` date is read on the server's clock (its `Date` header),
/// as the two were written together: a server an hour ahead made the tool
/// wait the cap of a minute, and one an hour behind gave a date gone by,
/// so no wait at all, and a run that failed against its limit.
#[test]
fn retry_after_dates_are_read_on_the_servers_clock() {
    for skew in [3600, -3600] {
        let server_now = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(skew);
        let form = "%a, %d %b %Y %H:%M:%S GMT";
        let date = server_now.strftime(form).to_string();
        let value = (server_now + jiff::SignedDuration::from_secs(30))
            .strftime(form)
            .to_string();
        let fault = FaultKind::RateLimited(
            429,
            vec![("Date", date.clone()), ("Retry-After", value.clone())],
        );
        let line = retry_line_of(fault, &value);
        assert!(line.contains(" s (Retry-After)"), "{date}: {line}");
        let wait = logged_wait(&line);
        assert!((0.029..=0.034).contains(&wait), "{date} / {value}: {line}");
    }
}

// ---------------------------------------------------------------------------------------------
// 7: proxies
// ---------------------------------------------------------------------------------------------

/// The stderr of a `list` with `HTTPS_PROXY` set to `value`: a
/// configuration error that never shows the password `secret`.
fn refused_proxy(fake: &FakeApi, value: &str, secret: &str) -> String {
    let output = (Sandbox::new().tool(fake))
        .env("HTTPS_PROXY", value)
        .arg("list")
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{value}: {stderr}");
    assert!(stderr.contains("HTTPS_PROXY"), "{value}: {stderr}");
    assert!(!stderr.contains(secret), "{value}: {stderr}");
    stderr
}

#[test]
fn a_proxy_with_a_bad_port_is_a_config_error_naming_the_variable_and_never_the_password() {
    let fake = FakeApi::start(FakeConfig::default());
    for value in [
        "http://me:pr0xypass@127.0.0.1:notaport",
        "http://me:pr0xypass@127.0.0.1:99999",
    ] {
        let stderr = refused_proxy(&fake, value, "pr0xypass");
        assert!(stderr.contains("port"), "{value}: {stderr}");
    }
    assert!(fake.requests().is_empty());
}

/// A password with a raw `#` or `?` cuts the URL short; the error named
/// only `/`, `@` and `:` as the characters to encode.
#[test]
fn a_proxy_password_with_a_raw_hash_or_question_mark_says_how_to_encode_it() {
    let fake = FakeApi::start(FakeConfig::default());
    for (value, code) in [
        ("http://me:pr0xy#s3cr3t@127.0.0.1:3128", "`#` as %23"),
        ("http://me:pr0xy?s3cr3t@127.0.0.1:3128", "`?` as %3F"),
    ] {
        let stderr = refused_proxy(&fake, value, "s3cr3t");
        assert!(stderr.contains(code), "{value}: {stderr}");
    }
}

/// A proxy variable that is not UTF-8 text was taken as unset: the
/// requests went direct, past the proxy the machine is set up for.
#[cfg(unix)]
#[test]
fn a_proxy_variable_that_is_not_utf8_is_a_config_error_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let fake = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env(
            "HTTP_PROXY",
            std::ffi::OsStr::from_bytes(b"http://pr\xffxy:3128"),
        )
        .arg("list")
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("HTTP_PROXY is not a proxy URL"), "{stderr}");
    assert!(fake.requests().is_empty());
}

#[test]
fn a_connection_refused_by_the_proxy_names_the_proxy() {
    let fake = FakeApi::start(FakeConfig::default());
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("HTTP_PROXY", format!("http://127.0.0.1:{port}"))
        .args(["list", "--max-retries", "0"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!("proxy 127.0.0.1:{port}")) && stderr.contains("HTTP_PROXY"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// 8: a cached token never vouches for another secret
// ---------------------------------------------------------------------------------------------

#[test]
fn a_wrong_secret_never_uses_the_token_cached_for_the_right_one() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = sb.tool(&fake).arg("list").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(fake.token_requests(), 1);
    for command in [&["auth", "check"][..], &["list"][..]] {
        let output = sb
            .tool(&fake)
            .env("TALKDESK_CLIENT_SECRET", "a-wrong-secret")
            .args(command)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(4),
            "{command:?}: {}",
            stderr_of(&output)
        );
    }
    let cache = std::fs::read_dir(sb.token_cache_dir()).unwrap();
    for entry in cache {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("test-secret-value"), "{text}");
    }
}

#[test]
fn auth_check_always_asks_the_token_endpoint_and_says_so() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    for round in 1..=2 {
        let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(fake.token_requests(), round, "a new token each time");
        let stdout = stdout_of(&output);
        assert!(
            stdout.contains("token from  a new token request"),
            "{stdout}"
        );
    }
}

#[test]
fn client_credentials_are_form_urlencoded_before_the_basic_encoding() {
    // RFC 6749 §2.3.1: a server decodes `+`, `%` and `:` in the id and secret.
    let (id, secret) = ("my client:1", "p&ss=w+rd%20ö");
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        client_id: id.into(),
        client_secret: secret.into(),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env("TALKDESK_CLIENT_ID", id)
        .env("TALKDESK_CLIENT_SECRET", secret)
        .arg("list")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(fake.token_requests(), 1);
}

// ---------------------------------------------------------------------------------------------
// 9: signals ignored at start stay ignored
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
fn survives_an_ignored_signal(signal: &str) {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    let fake = faulty_fake(
        simple_accounts(150),
        Faults {
            script: vec![(RequestMatch::Page(3), FaultKind::Hold)],
            ..Faults::default()
        },
    );
    let sb = Sandbox::new();
    let target = sb.path("accounts.csv");
    let binary = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let tool = sb.spawnable_tool(&fake);
    let envs: Vec<(std::ffi::OsString, std::ffi::OsString)> = tool
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string())))
        .collect();
    let script = format!("trap '' {signal}; exec \"$0\" \"$@\"");
    let mut child = Command::new("bash")
        .env_clear()
        .envs(envs)
        .args(["-c", &script])
        .arg(&binary)
        .args(["list", "-o", "csv", "--concurrency", "1", "--output-file"])
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !fake.page_requests().contains(&3) {
        assert!(std::time::Instant::now() < deadline, "page 3 never asked");
        std::thread::sleep(Duration::from_millis(10));
    }
    support::send_signal(child.id(), signal);
    // Give a signal that is (wrongly) caught the time to end the run, then let it finish.
    std::thread::sleep(Duration::from_millis(500));
    fake.release();
    let status = child.wait().unwrap();
    assert_eq!(
        (status.code(), status.signal()),
        (Some(0), None),
        "SIG{signal} was ignored at start and must stay ignored"
    );
    let csv = std::fs::read_to_string(&target).unwrap();
    assert_eq!(csv.lines().count(), 151);
}

#[cfg(unix)]
#[test]
fn a_hangup_ignored_at_start_stays_ignored() {
    survives_an_ignored_signal("HUP");
}

#[cfg(unix)]
#[test]
fn an_interrupt_ignored_at_start_stays_ignored() {
    survives_an_ignored_signal("INT");
}

#[test]
fn a_pretty_printed_page_comes_out_one_compact_account_a_line_with_its_values() {
    let accounts = json!([
        {"id": "p1", "name": "Acme , Inc", "status": "ACTIVE", "address": {"city": "Lisboa", "lines": ["a b", "c"]}},
        {"id": 2, "status": "IN_TRIAL", "name": "caf\u{e9}", "tags": []}
    ]);
    let page = json!({"count": 2, "page": 1, "per_page": 50, "total": 2, "total_pages": 1,
        "_embedded": {"accounts": accounts}});
    let fake = faulty_fake(
        Vec::new(),
        always(vec![(
            RequestMatch::Page(1),
            FaultKind::StatusWithBody(200, serde_json::to_string_pretty(&page).unwrap()),
        )]),
    );
    let output = list_jsonl(&fake);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, account) in lines.iter().zip(accounts.as_array().unwrap()) {
        assert_eq!(*line, serde_json::to_string(account).unwrap());
    }
}

/// `list -o jsonl` against `fake`, from a new sandbox.
fn list_jsonl(fake: &FakeApi) -> std::process::Output {
    Sandbox::new()
        .tool(fake)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap()
}

/// `list` against a token endpoint that answers `token` (its accounts endpoint is the fake's).
fn list_with_token_answer(token: serde_json::Value) -> std::process::Output {
    list_jsonl(&faulty_fake(
        simple_accounts(3),
        always(vec![(RequestMatch::Token, FaultKind::Json(token))]),
    ))
}

/// An access token of 200,000 bytes was taken, and every page then failed as "the answer is not
/// valid HTTP (output too small to write output); check base_url": no answer had come, the
/// request could not be written (ureq writes a head of at most 128 KiB). It is refused at the
/// token answer, naming token_url; no page is asked for.
#[test]
fn an_access_token_too_long_to_send_is_refused_at_the_token_answer() {
    let token =
        json!({"access_token": "t".repeat(200_000), "token_type": "Bearer", "expires_in": 3600});
    let out = list_with_token_answer(token);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the access_token is longer than 120 KiB, more than a request can carry")
            && err.contains("check token_url")
            && !err.contains("ttttttttt"),
        "{err}"
    );
    // A long one that can be sent is sent (the fake, which never issued it, refuses it).
    let token =
        json!({"access_token": "t".repeat(20_000), "token_type": "Bearer", "expires_in": 3600});
    let err = stderr_of(&list_with_token_answer(token));
    assert!(
        err.contains(": HTTP 401") && !err.contains("longer than"),
        "{err}"
    );
}

/// uWSGI 2.0 (`--http-socket`) closes the connection unanswered on request headers over its
/// `buffer-size` (4096 bytes by default, counted with variables of its own), as Twisted and Tornado
/// do past theirs: with a 3,700-character access token the token request was answered and every
/// page ended "connection error: Connection reset by peer (os error 104) (after 4 retries); check
/// your network, or raise --max-retries". It now gives the size of the request line and headers,
/// and of the token in them, and says a server closes so on those over its limit.
///
/// The same drop, as it read: "its request line and headers were about 3915 bytes" and then "as
/// uWSGI does past its buffer-size (4096 bytes by default)", a limit above the size it had just
/// given, as if the headers were under it. uWSGI counts its own variables (the path and query
/// twice over, the server's name and port) in that buffer: a size shown below 4096 says so.
#[test]
fn pages_closed_unanswered_under_a_long_token_name_the_headers_size() {
    let out = pages_under_a_token(3_700, FaultKind::Drop);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("its request line and headers were about 3")
            && err.contains("the access token 3700 of them")
            && err
                .contains("closes the connection so on a request line and headers over its limit"),
        "{err}"
    );
    // Its size first; the network only where the server takes such headers.
    let (first, then) = err
        .split_once("if it takes them")
        .expect("the network after");
    assert!(!first.contains("check your network"), "{err}");
    assert!(then.contains("check your network"), "{err}");
    let about = err.split("headers were about ").nth(1).unwrap_or_default();
    let size: u32 = about
        .split(' ')
        .next()
        .unwrap_or_default()
        .parse()
        .unwrap_or(0);
    assert!((3_500..4_096).contains(&size), "{err}");
    assert!(
        err.contains("4096 bytes by default, its own variables counted with the headers"),
        "{err}"
    );
}

/// tcllib's httpd (4.3.5) leaves a request whose headers are over its 8192 bytes unanswered and
/// open (its handler of that error fails itself: `can't read "query"`): with a 9,000-character
/// access token every page ended "timed out after 30 s waiting for the answer (after 4 retries);
/// check your network, or raise --timeout / --max-retries", which no timeout or retry gets past.
/// It now gives the size of the request line and headers, and of the token in them, and says a
/// server may leave a request over its limit unanswered. Under 8 KiB of them a timeout says no
/// size: a server slow to answer is likelier.
#[test]
fn pages_left_unanswered_under_a_long_token_name_the_headers_size() {
    let stalled = |len| {
        let fake = pages_faulty_under_a_token(len, FaultKind::Stall);
        let out = (Sandbox::new().tool(&fake))
            .args([
                "list",
                "-o",
                "jsonl",
                "--timeout",
                "1",
                "--max-retries",
                "0",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        stderr_of(&out)
    };
    let err = stalled(9_000);
    assert!(
        err.contains("timed out after 1 s waiting for the answer; its request line and headers were about 9")
            && err.contains("the access token 9000 of them")
            && err.contains("a server may leave a request whose request line and headers are over its limit unanswered"),
        "{err}"
    );
    // Its size first; a longer timeout only where the server takes such headers.
    let (first, then) = err
        .split_once("if it takes them")
        .expect("the timeout after");
    assert!(!first.contains("raise --timeout"), "{err}");
    assert!(then.contains("raise --timeout"), "{err}");
    for len in [100, 7_000] {
        let err = stalled(len);
        assert!(
            !err.contains("headers were about")
                && err.contains("waiting for the answer; check your network, or raise --timeout"),
            "{err}"
        );
    }
}

/// An empty answer says nothing: its status's standard reason does, with a hint where one
/// helps. Node's own 431 for request headers too large was a bare "HTTP 431".
#[test]
fn an_empty_error_answer_says_its_statuss_reason() {
    let fake = faulty_fake(
        simple_accounts(3),
        always(vec![(
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(431, String::new()),
        )]),
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("HTTP 431 Request Header Fields Too Large; the server refuses request headers this large"),
        "{err}"
    );
}

/// The fake and the error of a walk of two pages whose page 2 is answered with `fault` on every
/// try (exit 5).
fn page_2_always(fault: FaultKind) -> (FakeApi, String) {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: always(vec![(RequestMatch::Page(2), fault)]),
        ..FakeConfig::default()
    });
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    (fake, err)
}

/// A next link longer than the server takes (gunicorn's `limit_request_line`, 4094; WEBrick's
/// 2083) was answered 414 and said "HTTP 414: URI Too Long: Request Line is too large (5045 >
/// 4094)", with nothing to check: it says the next link is too long for the server, as a 431
/// says the token is.
#[test]
fn a_414_for_a_next_link_says_the_link_is_too_long_for_the_server() {
    const GUNICORN_414: &str = "<html>\n  <head>\n    <title>URI Too Long</title>\n  </head>\n  <body>\n    <h1><p>URI Too Long</p></h1>\n    Request Line is too large (5045 &gt; 4094)\n  </body>\n</html>\n";
    let (_, err) = page_2_always(FaultKind::StatusWithBody(414, GUNICORN_414.into()));
    assert!(
        err.contains("HTTP 414: URI Too Long") && err.contains("the API's next link is too long"),
        "{err}"
    );
}

/// A Netty 4.1 server whose handler answers a request its `HttpServerCodec` could not decode with
/// `400` and the decoder's cause says of a request line over its `maxInitialLineLength` (4096 by
/// default: a long next link) "io.netty.handler.codec.TooLongFrameException: An HTTP line is
/// larger than 4096 bytes.": that ended with the line and nothing to do. It now gets what a `414`
/// gets (found serving the API with Netty 4.1.48 and a `maxInitialLineLength` of 49).
#[test]
fn nettys_400_for_a_request_line_too_long_says_the_link_is_too_long() {
    let cause =
        "io.netty.handler.codec.TooLongFrameException: An HTTP line is larger than 4096 bytes.";
    let (_, err) = page_2_always(FaultKind::StatusWithBody(400, cause.into()));
    assert!(
        err.contains("An HTTP line is larger than 4096 bytes.")
            && err.contains("refuses URLs this long: the API's next link is too long"),
        "{err}"
    );
}

/// WEBrick 1.8 answers a request line over its 2083 bytes with `414` and closes the connection
/// with the rest of the request unread, so the system resets it under the answer's body: the
/// try was taken for a body cut short and retried, and when every try was reset so, the run
/// ended "the HTTP 414 answer's body stopped after 0 of 312 bytes … (after 4 retries); the
/// server began its answer and closed the connection before its end: it … fails while making
/// its answer", of a link too long for it. An error status that is not retried is told
/// whatever became of its body, at once.
#[test]
fn a_414_whose_body_is_cut_is_told_as_a_414_at_once() {
    const CUT: &[u8] = b"HTTP/1.1 414 Request-URI Too Large\r\nContent-Type: text/html\r\nContent-Length: 312\r\n\r\n<HTML>";
    let (fake, err) = page_2_always(FaultKind::RawResponse(CUT));
    assert!(
        err.contains("HTTP 414") && err.contains("the API's next link is too long"),
        "{err}"
    );
    assert_eq!(fake.requests_for_page(2), 1, "{err}");
}

/// Page 1 of two accounts, one a page, linking to `next`.
fn first_of_two_linking_to(next: &str) -> serde_json::Value {
    json!({
        "count": 1, "page": 1, "per_page": 1, "total": 2, "total_pages": 2,
        "_embedded": {"accounts": [{"id": "a1", "name": "one", "status": "ACTIVE"}]},
        "_links": {"next": {"href": next}},
    })
}

/// A walk whose first page links to a next link with a cursor of `len`
/// bytes, answered `status` and `body`: exit 5, and what it said.
fn a_long_next_link_answered(len: usize, status: u16, body: &str) -> String {
    a_long_next_link_given(len, FaultKind::StatusWithBody(status, body.into()))
}

/// `list -o jsonl` against a fake whose token is `len` characters and whose every page is
/// answered with `fault`.
fn pages_under_a_token(len: usize, fault: FaultKind) -> std::process::Output {
    list_jsonl(&pages_faulty_under_a_token(len, fault))
}
/// A fake that issues an access token of `len` characters and answers every page with `fault`.
/// A server slow to answer page 2 after it answered page 1 under the same 9,000-character access
/// token: the timeout said "its request line and headers were about 9… bytes …; a server may leave
/// a request whose request line and headers are over its limit unanswered, as tcllib's httpd
/// does", of headers the server had just taken. After an answered page no size is noted.
#[test]
fn a_later_page_left_unanswered_under_a_long_token_names_no_headers_limit() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        token_padding: 9_000,
        faults: Faults::always(RequestMatch::Page(2), FaultKind::Stall),
        ..FakeConfig::default()
    });
    let out = (Sandbox::new().tool(&fake))
        .args([
            "list",
            "-o",
            "jsonl",
            "--per-page",
            "1",
            "--concurrency",
            "1",
        ])
        .args(["--timeout", "1", "--max-retries", "0"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("page=2") && err.contains("timed out after 1 s waiting for the answer"),
        "{err}"
    );
    assert!(
        !err.contains("headers were about") && !err.contains("tcllib"),
        "{err}"
    );
}

fn pages_faulty_under_a_token(len: usize, fault: FaultKind) -> FakeApi {
    let token =
        json!({"access_token": "t".repeat(len), "token_type": "Bearer", "expires_in": 3600});
    faulty_fake(
        simple_accounts(3),
        always(vec![
            (RequestMatch::Token, FaultKind::Json(token)),
            (RequestMatch::AnyPage, fault),
        ]),
    )
}
/// [`a_long_next_link_answered`], the next link answered with `fault`.
fn a_long_next_link_given(len: usize, fault: FaultKind) -> String {
    let next = format!(
        "/express/accounts?page=2&per_page=1&cursor={}",
        "c".repeat(len)
    );
    let first = first_of_two_linking_to(&next);
    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![
            (
                RequestMatch::Page(1),
                FaultKind::StatusWithBody(200, first.to_string()),
            ),
            (RequestMatch::Page(2), fault),
        ]),
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    err
}

/// meinheld's (1.0.2) answer to a request over any of its limits (8 KiB of URL path, of query
/// string or of a request header's value; 128 header fields), as it sends it: HTTP/1.0, no
/// length, a page saying only "Bad Request.", then the close.
const MEINHELD_400: &[u8] = b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\nServer: meinheld/1.0.2\r\n\r\n<html><head><title>Bad Request</title></head><body><p>Bad Request.</p></body></html>";

/// meinheld answers an access token over its 8 KiB limit on a header's value with
/// [`MEINHELD_400`]: a token of 9,000 bytes ended the run "HTTP 400: Bad Request: Bad Request.;
/// not the API's answer; check base_url (its scheme and port)", all of which were right. It now
/// gets what a `431` gets, as libevent's page does (found serving the API with meinheld 1.0.2).
#[test]
fn meinhelds_400_page_for_a_long_token_says_the_token_is_too_long() {
    let out = pages_under_a_token(9_000, FaultKind::RawResponse(MEINHELD_400));
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("HTTP 400")
            && err.contains("the access token they carry is too long for it")
            && !err.contains("its scheme and port"),
        "{err}"
    );
}

/// meinheld's limit on a header's value is taken as 8 KiB less 8 bytes of token: its page under
/// a token of 8,184 bytes blames the token, under one of 8,183 it does not.
#[test]
fn meinhelds_400_page_blames_the_token_from_8184_bytes_on() {
    for (length, blamed) in [(8_183, false), (8_184, true)] {
        let err = stderr_of(&pages_under_a_token(
            length,
            FaultKind::RawResponse(MEINHELD_400),
        ));
        assert!(err.contains("HTTP 400"), "{length}: {err}");
        assert_eq!(
            err.contains("the access token they carry is too long for it"),
            blamed,
            "{length}: {err}"
        );
    }
}

/// meinheld answers a next link over its 8 KiB limit on a query string with [`MEINHELD_400`]:
/// a 9,000-byte link ended the run "base_url answered the first page, so the API or a gateway in
/// front of it sent this; try again later", though every later run meets the same refusal. It
/// now says the next link is too long for the server.
#[test]
fn meinhelds_400_page_for_a_long_next_link_says_the_link_is_too_long() {
    let err = a_long_next_link_given(9000, FaultKind::RawResponse(MEINHELD_400));
    assert!(
        err.contains("HTTP 400")
            && err.contains("the API's next link is too long for it")
            && !err.contains("try again later"),
        "{err}"
    );
}

/// meinheld's limits are 8 KiB (a header's value, the URL, its query string): its page under
/// a token of 1,500 bytes, as JWTs are, or a next link as long, is no refusal of their length,
/// and the run said it was, as it does for libevent's page from 1 KiB.
#[test]
fn meinhelds_400_page_under_its_8_kib_limits_blames_no_length() {
    let err = stderr_of(&pages_under_a_token(
        1_500,
        FaultKind::RawResponse(MEINHELD_400),
    ));
    assert!(
        err.contains("HTTP 400") && !err.contains("too long"),
        "{err}"
    );
    let err = a_long_next_link_given(1500, FaultKind::RawResponse(MEINHELD_400));
    assert!(
        err.contains("HTTP 400") && !err.contains("too long"),
        "{err}"
    );
}

/// Perl's HTTP::Daemon (6.16) answers a request line over its 16 KiB with its `414` page alone,
/// `<title>414 URI Too Long</title>…`, with no status line (it answers as to HTTP/0.9, the
/// request's version unread), and resets the connection: a 20,000-byte next link ended the run
/// "the answer is not valid HTTP (…invalid HTTP version); base_url answered the first page, so
/// the API or a gateway in front of it sent this; try again later", which no later run helps. An
/// answer with no status line to a URL that long now says the server may refuse URLs this long.
#[test]
fn http_daemons_414_page_without_a_status_line_says_the_url_may_be_too_long() {
    let page = b"<title>414 URI Too Long</title>\n<h1>414 URI Too Long</h1>\n\n";
    let err = a_long_next_link_given(20000, FaultKind::RawResponse(page));
    assert!(
        err.contains("not valid HTTP")
            && err.contains("may refuse URLs this long (this one is 200")
            && err.contains("the API's next link is too long")
            && !err.contains("try again later"),
        "{err}"
    );
}

/// lighttpd counts the request line with the headers (`server.max-request-field-size`, 8 KiB)
/// and answers a next link longer than that with `431`, as Node does past its 16 KiB: the run
/// ended "… the access token they carry is too long for it", where the token was 40 bytes and
/// the link 9,000. A `431` under a URL longer than the token says the link is too long.
#[test]
fn a_431_for_a_long_next_link_blames_the_link_not_the_token() {
    const LIGHTTPD_431: &str = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n <head>\n  <title>431 Request Header Fields Too Large</title>\n </head>\n <body>\n  <h1>431 Request Header Fields Too Large</h1>\n </body>\n</html>\n";
    let err = a_long_next_link_answered(9000, 431, LIGHTTPD_431);
    assert!(
        err.contains("431 Request Header Fields Too Large")
            && err.contains("the API's next link is too long")
            && !err.contains("the access token they carry is too long"),
        "{err}"
    );
}

/// nghttpx answers a request of more header fields than its `--max-request-header-fields` with
/// `431` and its page: under the fake's token of a few dozen bytes and a short URL, the run ended
/// "the access token they carry is too long for it", which no server's limit is below. It says
/// the headers are small, how long the token and the URL are, and whom to ask (found with
/// nghttpx 1.52 and `--max-request-header-fields=5` in front of the API).
#[test]
fn nghttpx_431_under_a_short_token_and_url_blames_neither() {
    const NGHTTPX_431: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\nServer: nghttpx\r\nContent-Length: 169\r\nDate: Mon, 07 Dec 2026 03:55:41 GMT\r\nContent-Type: text/html; charset=UTF-8\r\nConnection: close\r\n\r\n<!DOCTYPE html><html lang=\"en\"><title>431 Request Header Fields Too Large</title><body><h1>431 Request Header Fields Too Large</h1><footer>nghttpx</footer></body></html>";
    let (_fake, err) = page_2_always(FaultKind::RawResponse(NGHTTPX_431));
    assert!(
        err.contains("HTTP 431: 431 Request Header Fields Too Large")
            && err.contains("the server refuses request headers this large, though they are small (the access token ")
            && err.contains(" bytes, the URL ")
            && err.trim_end().ends_with("ask whoever runs it")
            && !err.contains("too long for it"),
        "{err}"
    );
}

/// actix-web (actix-http 3.20) answers a request head over its 128 KiB buffer with a bare `431`
/// and `connection: close`: under an access token of 120,000 bytes, which page 1 carried and was
/// answered, a next link of 65,000 bytes ended the run "… the access token they carry is too
/// long for it", as the token was the longer of the two. A page answered with that token shows
/// the token fits: the `431` says the link is too long, and names both sizes. (Here at half
/// those sizes, which the fake's 64 KiB lines take; the answer is actix's.)
#[test]
fn actix_431_after_a_page_answered_with_the_token_blames_the_next_link() {
    let err = actix_431_on_page_2(30_000, None, 60_000);
    assert!(
        err.contains("HTTP 431 Request Header Fields Too Large")
            && err.contains("the access token 60000")
            && err.contains("the API's next link is too long")
            && !err.contains("the access token they carry is too long"),
        "{err}"
    );
}

/// The same bare `431` after a page answered, but under a token renewed since (the API
/// refused the first with a 401 mid-walk) and longer than any a page was answered with: a
/// token of 30,000 bytes and a next link of 1,165 were said to be "the URL is 1165 bytes, the
/// access token 30000: the API's next link is too long for it", though no page had taken that
/// token. It blames the token, the longer of the two, as before any page was answered.
#[test]
fn a_431_under_a_token_renewed_longer_than_any_answered_blames_the_token() {
    let err = actix_431_on_page_2(1100, Some(40), 30_000);
    assert!(
        err.contains("HTTP 431 Request Header Fields Too Large")
            && err.contains("the access token they carry is too long for it")
            && !err.contains("next link"),
        "{err}"
    );
}

/// The error of a walk whose page 1 links to a next link with a cursor of `cursor` bytes,
/// which actix's bare `431` answers; page 1 is asked with a token of `first` bytes, if given,
/// which page 2 then refuses with a 401, and else (and after) with one of `token` bytes.
fn actix_431_on_page_2(cursor: usize, first: Option<usize>, token: usize) -> String {
    const ACTIX_431: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Mon, 07 Dec 2026 04:14:34 GMT\r\n\r\n";
    let next = format!(
        "/express/accounts?page=2&per_page=1&cursor={}",
        "c".repeat(cursor)
    );
    let token_of = |n| {
        let token =
            json!({"access_token": "t".repeat(n), "token_type": "Bearer", "expires_in": 3600});
        FaultKind::Json(token)
    };
    let script = first.map_or(Vec::new(), |n| {
        vec![
            (RequestMatch::Token, token_of(n)),
            (RequestMatch::Page(2), FaultKind::Status(401)),
        ]
    });
    let fake = faulty_fake(
        simple_accounts(2),
        Faults {
            script,
            ..always(vec![
                (RequestMatch::Token, token_of(token)),
                (
                    RequestMatch::Page(1),
                    FaultKind::StatusWithBody(200, first_of_two_linking_to(&next).to_string()),
                ),
                (RequestMatch::Page(2), FaultKind::RawResponse(ACTIX_431)),
            ])
        },
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    err
}

/// A next link longer than the 65,534 bytes the http crate takes in a URI (a 70,000-byte
/// cursor) ended the run with "request failed: http: uri too long", as if the tool had failed,
/// and nothing to check: it says the link is too long to be asked for, and how long.
#[test]
fn a_next_link_too_long_to_send_says_so() {
    let next = format!(
        "/express/accounts?page=2&per_page=1&cursor={}",
        "c".repeat(70_000)
    );
    let first = first_of_two_linking_to(&next);
    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Page(1),
            FaultKind::StatusWithBody(200, first.to_string()),
        )]),
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the API's next link is too long")
            && err.contains(" bytes, more than the 65534")
            && !err.contains("request failed"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 2, "{err}");
}

/// gunicorn answers a base_url whose path is longer than its `limit_request_line` (4094) with
/// `414`, on the first page, before any next link: the run said "the API's next link is too long
/// for it", though the URL was base_url's and no link had been followed. It says base_url's URL
/// is too long for the server, and to check base_url.
#[test]
fn a_414_for_the_first_page_blames_base_url_not_a_next_link() {
    const GUNICORN_414: &str = "<html>\n  <head>\n    <title>URI Too Long</title>\n  </head>\n  <body>\n    <h1><p>URI Too Long</p></h1>\n    Request Line is too large (9067 &gt; 4094)\n  </body>\n</html>\n";
    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Page(1),
            FaultKind::StatusWithBody(414, GUNICORN_414.into()),
        )]),
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("HTTP 414: URI Too Long")
            && err.contains("check base_url")
            && !err.contains("next link"),
        "{err}"
    );
}

/// A 414 for the first page whose body holds this tool's own words for a next link too long (a
/// gateway quoting an earlier run's error) shows the body as the server sent it: only the
/// tool's hint names base_url's URL. (A reduction that sent the whole message through the rewrite
/// of those words rewrote the server's body too.)
#[test]
fn a_414_body_quoting_the_next_link_words_is_shown_as_sent() {
    const QUOTED: &str =
        "last run: the API's next link is too long for it, or for a proxy in between";
    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Page(1),
            FaultKind::StatusWithBody(414, QUOTED.into()),
        )]),
    );
    let out = list_jsonl(&fake);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains(QUOTED) && err.contains("the one formed from base_url"),
        "{err}"
    );
}

/// A base_url longer than the 65,534 bytes the http crate takes in a URI was refused before it
/// was sent with "the API's next link is too long to be asked for; ask whoever runs the API",
/// where no link had been followed and the URL was the user's own: it says base_url's.
#[test]
fn a_base_url_too_long_to_send_says_check_base_url() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(2),
        ..FakeConfig::default()
    });
    let long = format!("{}/{}", fake.base_url(), "a".repeat(70_000));
    let out = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_BASE_URL", long)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains(" bytes, more than the 65534")
            && err.contains("check base_url")
            && !err.contains("next link"),
        "{err}"
    );
}

/// A 431 for the first page to a base_url with a long path (lighttpd and Node count the request
/// line with the headers) said "the API's next link is too long for it", though no link had been
/// followed yet: it names the URL formed from base_url, and says to check base_url.
#[test]
fn a_431_for_the_first_page_to_a_long_base_url_blames_base_url_not_a_next_link() {
    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Nth(2),
            FaultKind::StatusWithBody(431, String::new()),
        )]),
    );
    let long = format!("{}/{}", fake.base_url(), "a".repeat(9000));
    let out = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_BASE_URL", long)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("HTTP 431")
            && err.contains("the one formed from base_url")
            && err.contains("check base_url")
            && !err.contains("next link"),
        "{err}"
    );
}

/// Mojolicious 9 (morbo, hypnotoad, `daemon`) answers a request line over its `max_line_size`
/// (8 KiB) with its `404` page ("Page Not Found"): a 9,000-byte next link ended the run with
/// "there may be no page 2 (past the last one, accounts removed during the walk) …; try again
/// later", which no later run helps. A 404 to a next link that long says the server may refuse
/// URLs this long, and that the link is.
#[test]
fn a_404_for_a_long_next_link_says_the_url_may_be_too_long() {
    let page = "<!DOCTYPE html><html><head><title>Page Not Found</title></head><body><div id=\"notfound\"></div></body></html>";
    let err = a_long_next_link_answered(9000, 404, page);
    assert!(
        err.contains("HTTP 404")
            && err.contains("may refuse URLs this long (this one is 90")
            && err.contains("the API's next link is too long"),
        "{err}"
    );
}

/// A 404 to a long next link whose body is the API's JSON error (`page 2 does not exist`) came
/// from a server that read the URL: it is not told the server may refuse URLs this long (as
/// Mojolicious's page of markup is), but that there may be no such page.
#[test]
fn a_404_with_the_apis_json_to_a_long_next_link_is_no_url_too_long() {
    let err = a_long_next_link_answered(9000, 404, r#"{"message": "page 2 does not exist"}"#);
    assert!(
        err.contains("HTTP 404: page 2 does not exist")
            && err.contains("there may be no page 2")
            && !err.contains("URLs this long"),
        "{err}"
    );
}

/// thin 1.8 answers a request its parser refuses (a request line over 12 KiB) with `400` and
/// the text `Bad Request`, its reason phrase again: a 20,000-byte next link ended the run with
/// "HTTP 400: Bad Request" and nothing to check or do, where puma's empty 400 says the URL may
/// be too long. A 400 whose body only says `Bad Request` says so too.
#[test]
fn thins_400_saying_only_bad_request_for_a_long_url_says_the_url_may_be_too_long() {
    let err = a_long_next_link_answered(20000, 400, "Bad Request");
    assert!(
        err.contains("HTTP 400: Bad Request")
            && err.contains("may refuse URLs this long (this one is 200")
            && err.contains("the API's next link is too long"),
        "{err}"
    );
}

/// puma refuses a request path over 8 KiB (`REQUEST_PATH is longer than the 8192 allowed
/// length`) with a bare `HTTP/1.1 400 Bad Request` and no body: a 9,000-byte next link ended
/// the run with "HTTP 400 Bad Request", nothing to check or do. An empty 400 to a URL that long
/// says the server may refuse URLs this long, and that the next link is; on the first page,
/// that base_url's is.
#[test]
fn an_empty_400_for_a_long_url_says_the_url_may_be_too_long() {
    let err = a_long_next_link_answered(9000, 400, "");
    assert!(
        err.contains("HTTP 400 Bad Request")
            && err.contains("may refuse URLs this long")
            && err.contains("the API's next link is too long"),
        "{err}"
    );

    let fake = faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Nth(2),
            FaultKind::StatusWithBody(400, String::new()),
        )]),
    );
    let long = format!("{}/{}", fake.base_url(), "a".repeat(9000));
    let out = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_BASE_URL", long)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("may refuse URLs this long")
            && err.contains("check base_url")
            && !err.contains("next link"),
        "{err}"
    );
}

/// A byte-order mark before the token answer (a proxy's doing) was "not
/// valid JSON at line 1 column 1; check token_url", though a page with
/// one is read.
#[test]
fn a_token_answer_after_a_byte_order_mark_is_read() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        token_bom: true,
        ..FakeConfig::default()
    });
    let out = list_jsonl(&fake);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 3);
}

#[test]
fn expires_in_is_read_as_token_endpoints_send_it() {
    // A string (Azure AD v1 sends one), a decimal, a negative number, one beyond 64 bits.
    for expires_in in [
        json!("3599"),
        json!(3600.5),
        json!(-5),
        json!(1e20),
        serde_json::from_str::<serde_json::Value>("123456789012345678901234567890").unwrap(),
    ] {
        let fake = FakeApi::start(FakeConfig {
            accounts: simple_accounts(3),
            expires_in_as: Some(expires_in.clone()),
            ..FakeConfig::default()
        });
        let out = list_jsonl(&fake);
        assert!(out.status.success(), "{expires_in}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out).lines().count(), 3, "{expires_in}");
        // `auth check` shows the expiry: one past the year 9999 panicked.
        let check = run_tool(&fake, &["auth", "check"]);
        assert!(
            check.status.success(),
            "{expires_in}: {}",
            stderr_of(&check)
        );
    }
    // A string that is not a number is still refused, without quoting it.
    let out = list_with_token_answer(json!({
        "access_token": "tok-123", "token_type": "Bearer", "expires_in": "tok-123",
    }));
    assert_eq!(out.status.code(), Some(5));
    assert!(!stderr_of(&out).contains("tok-123"), "{}", stderr_of(&out));
}

/// Apigee's OAuthV2 policy answers `"token_type": "BearerToken"` (a departure its docs list)
/// for a token its VerifyAccessToken takes as `Authorization: Bearer …`: it was refused, "the
/// token type is not Bearer; check token_url" (exit 5), with the right token_url.
#[test]
fn an_apigee_bearer_token_type_is_a_bearer_token() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        token_type_as: Some("BearerToken"),
        expires_in_as: Some(json!("3599")),
        ..FakeConfig::default()
    });
    let out = list_jsonl(&fake);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 3);
}

/// A DPoP or MAC token (an OAuth client set to bind its tokens to a key)
/// was refused as "the token type is not Bearer", naming neither the type
/// nor the setting to change; a type of no standard stays unnamed.
#[test]
fn a_dpop_or_mac_token_type_is_named_with_the_setting_to_change() {
    for (kind, said) in [
        ("DPoP", "the token type is DPoP, not Bearer"),
        ("mac", "the token type is MAC, not Bearer"),
        (
            "Sekrit-Kind",
            "the token type is not Bearer; check token_url",
        ),
    ] {
        let fake = FakeApi::start(FakeConfig {
            accounts: simple_accounts(3),
            token_type_as: Some(kind),
            ..FakeConfig::default()
        });
        let out = list_jsonl(&fake);
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains(said),
            "{kind}: {}",
            stderr_of(&out)
        );
    }
}

/// Stoplight Prism 5.14's `--dynamic` mock of a token endpoint answers an `access_token` of random
/// words (`"Excepteur consequat"`): refused, as a Bearer token (RFC 6750 §2.1) holds no space, it
/// was said to hold "characters an HTTP header cannot carry", which a space is not. It says what a
/// Bearer token cannot hold.
#[test]
fn a_token_with_a_space_is_refused_as_no_bearer_token_not_as_no_header() {
    let out = list_with_token_answer(json!({
        "access_token": "Excepteur consequat", "expires_in": 22209289,
        "scope": "reprehenderit eu anim aliqua", "token_type": "Bearer",
    }));
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("the access_token holds a space")
            && stderr.contains("which a Bearer token cannot (RFC 6750)")
            && stderr.contains("check token_url"),
        "{stderr}"
    );
    assert!(!stderr.contains("HTTP header cannot carry"), "{stderr}");
    assert!(!stderr.contains("Excepteur"), "{stderr}");
}

#[test]
fn an_empty_token_or_one_no_header_can_carry_is_refused_at_once_without_quoting_it() {
    for (token, why) in [
        ("", "the access_token is empty"),
        (
            "tok-\u{1b}[31m-zq9",
            "which a Bearer token cannot (RFC 6750)",
        ),
        ("tok-é-xv7", "which a Bearer token cannot (RFC 6750)"),
    ] {
        let out = list_with_token_answer(json!({
            "access_token": token, "token_type": "Bearer", "expires_in": 3600,
        }));
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        let stderr = stderr_of(&out);
        assert!(
            stderr.contains(why) && stderr.contains("check token_url"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("zq9") && !stderr.contains("xv7"),
            "{stderr}"
        );
    }
}

#[test]
fn an_oauth_error_sent_with_a_200_is_a_refused_token_request() {
    let out = list_with_token_answer(json!({
        "error": "invalid_client", "error_description": "Client authentication failed",
    }));
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("refused")
            && stderr.contains("invalid_client: Client authentication failed")
            && stderr.contains("check client_id and client_secret"),
        "{stderr}"
    );
}

/// A next link with a 70,000-character query was repeated whole in the
/// error line (one line of 70 KB); long runs are now cut in their middle.
#[test]
fn a_huge_next_link_is_cut_in_the_error_line() {
    let page = json!({
        "count": 1, "page": 1, "per_page": 1, "total": 2, "total_pages": 2,
        "_embedded": {"accounts": [{"id": "a", "status": "ACTIVE"}]},
        "_links": {"next": {"href": format!("?page=2&per_page=1&x={}", "q".repeat(70_000))}},
    });
    let fake = support::serving_page(&page.to_string());
    let out = Sandbox::new()
        .tool(&fake)
        .args(["list", "-o", "jsonl", "--max-retries", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.len() < 2_000, "{} bytes: {}", err.len(), &err[..300]);
    assert!(
        err.starts_with("error: GET http://127.0.0.1:") && err.contains('…'),
        "{err}"
    );
}

/// A page redirected to another page was taken for the one asked: page 2
/// answered with page 3's accounts, page 2's lost, exit 0 with a warning.
#[test]
fn a_page_redirected_to_another_page_is_an_error() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(6),
        ..FakeConfig::default()
    });
    let target = format!("{}/express/accounts?page=3&per_page=2", fake.base_url());
    fake.set_faults(always(vec![(
        RequestMatch::Page(2),
        FaultKind::Redirect(target),
    )]));
    for concurrency in ["1", "4"] {
        let args = ["list", "-o", "jsonl", "--per-page", "2"];
        let output = run_tool(
            &fake,
            &[&args[..], &["--concurrency", concurrency]].concat(),
        );
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("page=2") && stderr.contains("another page"),
            "{stderr}"
        );
    }
}

/// A server that clamps a page past its last to the last one by a redirect
/// (no total, no links): the repeated page ends the walk, as when it is
/// served in place. The refusal of a redirect to another page made it exit 5.
#[test]
fn a_page_past_the_end_redirected_to_the_last_ends_the_walk() {
    let fake = FakeApi::start(FakeConfig::default());
    let page = |n: usize| {
        let accounts = &simple_accounts(6)[2 * (n - 1)..2 * n];
        let body =
            json!({"count": 2, "page": n, "per_page": 2, "_embedded": {"accounts": accounts}});
        (RequestMatch::Page(n as u64), FaultKind::Json(body))
    };
    let last = format!("{}/express/accounts?page=3&per_page=2", fake.base_url());
    let mut faults = vec![page(1), page(2), page(3)];
    faults.push((RequestMatch::Page(4), FaultKind::Redirect(last)));
    fake.set_faults(always(faults));
    let output = run_tool(&fake, &["list", "-o", "jsonl", "--per-page", "2"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 6);
    assert!(
        stderr_of(&output).contains("page 4 repeats page 3"),
        "{}",
        stderr_of(&output)
    );
}

/// A page of one account whose `x` is `depth` arrays deep.
fn deep_page(depth: usize) -> String {
    let x = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    format!(
        r#"{{"count":1,"total":1,"total_pages":1,"page":1,"_embedded":{{"accounts":[{{"id":"deep","status":"ACTIVE","x":{x}}}]}}}}"#
    )
}

/// A value nested 150,000 levels deep (a 300 KB page) aborted `--columns`,
/// `--sort`, `diff` and a later `snapshot` with a stack overflow (exit 134,
/// every night after). At most 10,000 levels are read, by every command;
/// deeper is a clear error, exit 5 (2 for an export).
#[test]
fn a_value_nested_beyond_10000_levels_is_refused_and_up_to_it_read() {
    let fake = support::serving_page(&deep_page(10_000));
    for args in [
        &["list", "-o", "csv", "--columns", "id,x"][..],
        &["list", "--sort", "x", "-o", "jsonl"],
    ] {
        let out = run_tool(&fake, args);
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        assert!(stdout_of(&out).contains(&"[".repeat(10_000)), "{args:?}");
    }
    let sb = Sandbox::new();
    let export = sb.path("old.jsonl");
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    std::fs::write(&export, stdout_of(&out).replace("\"deep\"", "\"deep2\"")).unwrap();
    let diff = sb
        .tool(&fake)
        .args(["diff", export.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(diff.status.success(), "{}", stderr_of(&diff));

    let fake = support::serving_page(&deep_page(10_001));
    for args in [
        &["list"][..],
        &["list", "--columns", "id,x"],
        &["snapshot"],
        &["summary"],
    ] {
        let out = Sandbox::new().tool(&fake).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("a value is nested more than 10000 levels deep"),
            "{args:?}: {}",
            stderr_of(&out)
        );
    }
    let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
    std::fs::write(&export, format!("{{\"id\":\"a\",\"x\":{deep}}}\n")).unwrap();
    let out = sb
        .tool(&fake)
        .args(["diff", export.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("line 1: a value is nested more than 10000 levels deep"),
        "{}",
        stderr_of(&out)
    );
}

/// `--limit` met on a page whose next link is refused (another origin):
/// the walk failed (exit 5), though it needed no page after it.
#[test]
fn a_limit_met_before_a_refused_next_link_needs_no_more_and_succeeds() {
    let page = r#"{"count":3,"total":9,"total_pages":3,"page":1,"_embedded":{"accounts":[{"id":"a","status":"ACTIVE"},{"id":"b","status":"ACTIVE"},{"id":"c","status":"ACTIVE"}]},"_links":{"next":{"href":"https://evil.example/express/accounts?page=2"}}}"#;
    let fake = support::serving_page(page);
    for concurrency in ["1", "4"] {
        let out = run_tool(
            &fake,
            &[
                "list",
                "--limit",
                "3",
                "-o",
                "jsonl",
                "--concurrency",
                concurrency,
            ],
        );
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(stdout_of(&out).lines().count(), 3);
        let out = run_tool(&fake, &["list", "--concurrency", concurrency]);
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("evil.example"),
            "{}",
            stderr_of(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A JSON array where an object belongs: serde's derived structs read one field by position
// ---------------------------------------------------------------------------------------------

#[test]
fn a_token_answer_that_is_a_json_array_is_no_token() {
    let token = "tok-ARRAY-0123456789";
    let fake = support::faulty_fake(
        simple_accounts(2),
        always(vec![(
            RequestMatch::Token,
            FaultKind::Json(json!([token, "Bearer", 3600, "express-accounts:read"])),
        )]),
    );
    let out = run_tool(&fake, &["list", "-o", "csv", "--no-cache"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the answer is not a token (not a JSON object)"),
        "{err}"
    );
    assert!(!err.contains(token) && stdout_of(&out).is_empty(), "{err}");
    let asked = fake.requests();
    assert!(
        asked.iter().all(|r| r.path() != "/express/accounts"),
        "{asked:?}"
    );
}

#[test]
fn a_page_that_is_a_json_array_is_said_to_be_one() {
    for body in [r#"[{"id": "a1", "status": "ACTIVE"}]"#, "[1, 2, 3]", " []"] {
        let fake = support::serving_page(body);
        let out = run_tool(&fake, &["list", "-o", "csv"]);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{body}: {err}");
        assert!(
            err.contains("the answer is not a page of accounts (a JSON array, expected a page: an object with _embedded.accounts)"),
            "{body}: {err}"
        );
        assert!(stdout_of(&out).is_empty(), "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// A `--jq` error quotes its input: one that holds a secret or a token is redacted on every path
// ---------------------------------------------------------------------------------------------

/// `list --jq error` (per account, inside the walk) redacted the secret and the token the data
/// held; the same error on a whole document (`-o json`, `diff`) or offline (`changes`, `history`)
/// printed both.
#[test]
fn a_jq_error_never_quotes_a_secret_or_token_the_data_holds() {
    let token = "tok-KNOWN-0123456789abcdef";
    let secret = "test-secret-value";
    let account = json!({"id": "t1", "status": "ACTIVE", "company_name": token, "note": secret});
    let page = json!({"total": 1, "_embedded": {"accounts": [account]}});
    let fake = support::faulty_fake(
        Vec::new(),
        always(vec![
            (
                RequestMatch::Token,
                FaultKind::Json(
                    json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
                ),
            ),
            (
                RequestMatch::AnyPage,
                FaultKind::StatusWithBody(200, page.to_string()),
            ),
        ]),
    );
    let sb = Sandbox::new();
    let old = sb.path("old.json");
    std::fs::write(&old, r#"[{"id": "t1", "status": "CHURNED"}]"#).unwrap();
    let old = old.to_str().unwrap();
    let run = |args: &[&str]| sb.tool(&fake).args(args).output().unwrap();
    let snapshot = run(&["snapshot", "--no-cache"]);
    assert_eq!(snapshot.status.code(), Some(0), "{}", stderr_of(&snapshot));
    // Offline, no token is known: the client secret is.
    for (online, args) in [
        (true, &["list", "--no-cache", "--jq", "error"][..]),
        (true, &["list", "--no-cache", "-o", "json", "--jq", "error"]),
        (
            true,
            &[
                "list",
                "--no-cache",
                "-o",
                "json",
                "--jq",
                ".[0].note | error",
            ],
        ),
        (true, &["diff", "--no-cache", old, "--jq", "error"]),
        (
            false,
            &["list", "--at", "now", "-o", "json", "--jq", "error"],
        ),
        (false, &["history", "t1", "--jq", "error"]),
        (false, &["history", "t1", "-o", "json", "--jq", "error"]),
    ] {
        let out = run(args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("--jq failed on") && err.contains("<redacted>"),
            "{args:?}: {err}"
        );
        assert!(!err.contains(&secret[..8]), "{args:?}: {err}");
        assert!(!online || !err.contains(&token[..8]), "{args:?}: {err}");
    }
}

/// A `--jq` error was cut short to 300 characters before the run's secrets were redacted: a
/// secret the cut fell in left its first characters, fewer than the redactor knows for a part
/// of one, on stderr (`…yyyytest-…`).
#[test]
fn a_jq_error_cut_short_leaves_no_part_of_a_secret() {
    let secret = "test-secret-value";
    let account = json!({"id": "t1", "company_name": format!("{secret}{}", "z".repeat(400))});
    let fake = FakeApi::start(FakeConfig {
        accounts: vec![account],
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    for pad in 280..=300 {
        let expr = format!("error((\"y\" * {pad}) + .company_name)");
        let out = sb
            .tool(&fake)
            .args(["list", "--jq", &expr])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let quoted = err
            .split_once(": ")
            .and_then(|(_, e)| e.split_once(": "))
            .unwrap()
            .1;
        let quoted = quoted.trim_end().trim_end_matches("; fix the expression");
        let shown = quoted
            .replace("<redacted>", "")
            .replace(['y', 'z', '…'], "");
        assert!(
            shown.is_empty(),
            "part of the secret left ({shown:?}): {err}"
        );
    }
}

/// `diff` reads OLD before the settings: an error quoting OLD printed a secret in it, the
/// secret not yet known to the run's redactor. One from `TALKDESK_CLIENT_SECRET` is known at start.
#[test]
fn an_old_file_error_never_quotes_the_secret_from_the_environment() {
    let fake = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    let old = sb.path("old.json");
    std::fs::write(
        &old,
        r#"[{"id":"test-secret-value"},{"id":"test-secret-value"}]"#,
    )
    .unwrap();
    let out = sb.tool(&fake).arg("diff").arg(&old).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("<redacted>") && !err.contains("test-secr"),
        "{err}"
    );
}

/// A 203 (the content as a transforming proxy passed it on) or a 2xx no RFC
/// defines (`299`), which RFC 9110 §15 has a client read by its class, as a
/// 200, was refused, for a token and for a page: "HTTP 299: {…}; only HTTP
/// 200 carries an answer; check base_url" (exit 5) (found by a randomized
/// framing fuzz). Both are read as a 200.
#[test]
fn a_203_or_an_unknown_2xx_is_read_as_a_200() {
    for status in [203, 299] {
        for at in [RequestMatch::Token, RequestMatch::Page(2)] {
            let fake = FakeApi::start(FakeConfig {
                accounts: simple_accounts(5),
                page_cap: 2,
                faults: always(vec![(at, FaultKind::WithStatus(status))]),
                ..FakeConfig::default()
            });
            let out = run_tool(&fake, &["list", "-o", "jsonl", "--no-cache"]);
            let err = stderr_of(&out);
            assert_eq!(out.status.code(), Some(0), "{status}: {err}");
            assert_eq!(stdout_of(&out).lines().count(), 5, "{status}: {err}");
        }
    }
}

/// A 203 is read as a 200, but its body cut short by the connection's
/// close (no Content-Length) was not retried as a 200's is: the walk ended
/// "the answer is not a page of accounts (EOF while parsing …)", exit 5.
/// (The 200 is the control: the same cut, retried.)
#[test]
fn a_203_page_cut_short_is_retried_as_a_200_is() {
    const CUT: [&[u8]; 2] = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"count\": 1, \"_embedded\": {\"accounts\": [",
        b"HTTP/1.1 203 Non-Authoritative Information\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"count\": 1, \"_embedded\": {\"accounts\": [",
    ];
    for raw in CUT {
        let fake = FakeApi::start(FakeConfig {
            accounts: simple_accounts(5),
            page_cap: 2,
            faults: Faults {
                script: vec![(RequestMatch::Page(2), FaultKind::RawResponse(raw))],
                ..Faults::default()
            },
            ..FakeConfig::default()
        });
        let out = run_tool(&fake, &["list", "-o", "jsonl", "--no-cache"]);
        let err = stderr_of(&out);
        let status = String::from_utf8_lossy(&raw[9..12]).to_string();
        assert_eq!(out.status.code(), Some(0), "{status}: {err}");
        assert_eq!(stdout_of(&out).lines().count(), 5, "{status}: {err}");
    }
}

/// A 203 page cut short every time ended "the HTTP 200 answer's body was
/// cut short", naming a status the server did not send.
#[test]
fn a_203_page_cut_short_each_time_is_named_by_its_own_status() {
    let raw: &[u8] = b"HTTP/1.1 203 Non-Authoritative Information\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"count\": 1, \"_embedded\": {\"accounts\": [";
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(5),
        page_cap: 2,
        faults: Faults::always(RequestMatch::Page(2), FaultKind::RawResponse(raw)),
        ..FakeConfig::default()
    });
    let out = run_tool(
        &fake,
        &["list", "-o", "jsonl", "--no-cache", "--max-retries", "1"],
    );
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("HTTP 203 answer's body was cut short"),
        "{err}"
    );
}

/// A chunked page whose chunk-size line carries a chunk extension (valid
/// HTTP, RFC 9112 §7.1.1) longer than the 20 bytes ureq reads of that line
/// was called "not valid HTTP (chunk expected crlf as next character)":
/// wrong about the server, and no word of what to look at. The same error
/// comes from a chunk longer than its size says (the control, not valid
/// HTTP): both now name the two causes, and puma's 500 written where a
/// chunk goes (`resilience::a_chunked_body_puma_broke_off_with_its_500_is_retried`),
/// so it is retried; `--output-file` leaves nothing.
#[test]
fn a_chunk_size_line_too_long_to_read_is_not_called_invalid_http() {
    const LONG_EXTENSION: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2b;name=value;quoted=\"a b\"\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n0\r\n\r\n";
    const WRONG_SIZE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2a\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n0\r\n\r\n";
    for raw in [LONG_EXTENSION, WRONG_SIZE] {
        unreadable_page_says(
            raw,
            &[
                "chunk-size line longer than the 20 bytes",
                "chunk extension",
                "longer than its size line says",
                "(after 1 retry)",
            ],
            2,
        );
    }
}

/// Every page answered with `raw`, walked into `--output-file` with one
/// retry: exit 5, one line that is not "not valid HTTP" and says each of
/// `said`, `tries` page requests, and nothing left in the folder.
fn unreadable_page_says(raw: &'static [u8], said: &[&str], tries: usize) {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(5),
        page_cap: 2,
        faults: always(vec![(RequestMatch::AnyPage, FaultKind::RawResponse(raw))]),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let folder = sandbox.path("out");
    std::fs::create_dir(&folder).expect("an output folder");
    let out = sandbox
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--no-cache",
            "--max-retries",
            "1",
            "--output-file",
        ])
        .arg(folder.join("accounts.csv"))
        .output()
        .expect("run the binary");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("not valid HTTP"), "{err}");
    for said in said {
        assert!(err.contains(said), "{said}: {err}");
    }
    assert_eq!(fake.page_requests(), vec![1; tries], "{err}");
    let left: Vec<_> = std::fs::read_dir(&folder).expect("the folder").collect();
    assert!(left.is_empty(), "{left:?}");
}

/// An unasked `100 Continue` with a header field before the page (valid
/// HTTP: a 1xx may carry fields, RFC 9110 §15.2, and a client must read 1xx
/// it did not ask for) was called "not valid HTTP (received headers with
/// 100-continue response)": ureq reads a 100 only without fields (a `103
/// Early Hints` with `Link` fields is read). It is named as what it is,
/// final at once; `--output-file` leaves nothing.
#[test]
fn a_100_continue_with_fields_is_not_called_invalid_http() {
    const CONTINUE_WITH_FIELDS: &[u8] = b"HTTP/1.1 100 Continue\r\nServer: gateway\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 43\r\n\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}";
    let said = ["100 Continue", "header fields", "check base_url"];
    unreadable_page_says(CONTINUE_WITH_FIELDS, &said, 1);
}
