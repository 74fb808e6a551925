//! Resilience (issue 3, SPEC §4–§6): exact results or a clear failure under
//! rate limits, flaky networks, broken pages and slow servers. Every test
//! drives the real binary against the fake API (or a dead port / a
//! blackhole listener on loopback); backoff is scaled to zero by the
//! sandbox unless a test needs to read the logged delays.

use crate::support;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RequestMatch, sample_accounts,
    simple_accounts,
};
use support::faulty_fake as fake;
use support::{Sandbox, csv_rows_without_header, files_in, stderr_of, stdout_of};

const YESTERDAY: &str = "id,name,company_name,status\nyesterday,export,Kept Ltd,ACTIVE\n";

fn always(m: RequestMatch, kind: FaultKind) -> Faults {
    Faults::always(m, kind)
}

fn once(m: RequestMatch, kind: FaultKind, times: usize) -> Faults {
    Faults {
        script: vec![(m, kind); times],
        ..Faults::default()
    }
}

/// `out/accounts.csv` holding yesterday's export, alone in its folder.
fn yesterdays_file(sb: &Sandbox) -> PathBuf {
    let dir = sb.path("out");
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("accounts.csv");
    fs::write(&file, YESTERDAY).unwrap();
    file
}

/// Exit 5, one `error:` line holding every `needle`, yesterday's file
/// untouched and no temporary file beside it.
fn assert_failed_cleanly(out: &Output, file: &Path, needles: &[&str]) {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(5), "stderr: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    for needle in needles {
        assert!(
            errors[0].contains(needle),
            "`{needle}` missing from: {}",
            errors[0]
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(fs::read_to_string(file).unwrap(), YESTERDAY);
    let dir = file.parent().unwrap();
    assert_eq!(files_in(dir), ["accounts.csv"], "no temporary file left");
}

/// A finished export against a faulty fake.
struct Export {
    api: FakeApi,
    out: Output,
    file: PathBuf,
    /// Holds the folder of `file` until the checks are done.
    _sandbox: Sandbox,
}

/// Runs `list -o csv --output-file out/accounts.csv` plus `extra` against a
/// fake (150 accounts, 3 pages) with these faults; yesterday's file is
/// there before.
fn failing_export(faults: Faults, extra: &[&str]) -> Export {
    let api = fake(simple_accounts(150), faults);
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let out = sb
        .tool(&api)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    Export {
        api,
        out,
        file,
        _sandbox: sb,
    }
}

/// `extra`, plus `--concurrency 1` when the walk is to be sequential.
fn walk_args<'a>(extra: &[&'a str], sequential: bool) -> Vec<&'a str> {
    let mut args = extra.to_vec();
    if sequential {
        args.extend(["--concurrency", "1"]);
    }
    args
}

fn csv_rows(accounts: &[Value], columns: &[&str]) -> Vec<Vec<String>> {
    accounts
        .iter()
        .map(|a| {
            columns
                .iter()
                .map(|c| a.get(*c).and_then(Value::as_str).unwrap_or("").to_string())
                .collect()
        })
        .collect()
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The delays the `-v` log reports, in seconds, and whether each came
/// from Retry-After: `retry 1/4 of GET … in 0.030 s (Retry-After) after …`.
/// Each wait is its `Retry-After` (already scaled) plus a jitter of at most
/// a tenth of it, so that requests refused together do not return together.
fn assert_retry_after_waits(delays: &[(f64, bool)], retry_after: &[f64]) {
    assert_eq!(delays.len(), retry_after.len(), "{delays:?}");
    for (&(secs, from_header), &ra) in delays.iter().zip(retry_after) {
        assert!(from_header, "{delays:?}");
        // The log shows milliseconds: half of one either way.
        assert!(
            secs >= ra - 0.0005 && secs <= ra * 1.1 + 0.0005,
            "waited {secs} s for Retry-After {ra} s: {delays:?}"
        );
    }
}

fn logged_delays(stderr: &str) -> Vec<(f64, bool)> {
    stderr
        .lines()
        .filter(|l| l.starts_with("retry "))
        .map(|l| {
            let after_in = l.split(" in ").nth(1).unwrap();
            let secs: f64 = after_in.split(' ').next().unwrap().parse().unwrap();
            (secs, after_in.contains("(Retry-After)"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A flaky API: exact results every time
// ---------------------------------------------------------------------------------------------

/// 300 accounts over 6 pages, ≈15% of token and page requests failing with
/// 500/502/503/504, 429 (Retry-After: 0) or a dropped connection, a new seed
/// per run, and `--max-retries 8`: a request is lost only when 9 draws in a
/// row fail, 0.15^9 ≈ 3.8e-8; over ≈7 requests × 50 runs that is ≈1.3e-5,
/// and the seeds are fixed, so a pass is repeatable.
#[test]
fn fifty_runs_against_a_seeded_flaky_api_are_all_exact() {
    let accounts = sample_accounts(300);
    let api = fake(accounts.clone(), Faults::default());
    let columns = ["id", "name", "company_name", "status", "region"];
    let mut requests = 0;
    for run in 0..50u64 {
        api.set_faults(Faults {
            fail_rate: 0.15,
            seed: 0x5EED_0000 + run,
            random_kinds: vec![
                FaultKind::Status(500),
                FaultKind::Status(502),
                FaultKind::Status(503),
                FaultKind::Status(504),
                FaultKind::RetryAfter(429, "0".into()),
                FaultKind::Drop,
            ],
            ..Faults::default()
        });
        api.clear_requests();
        let sb = Sandbox::new();
        let file = sb.path("export");
        let format = ["json", "jsonl", "csv"][run as usize % 3];
        let mut cmd = sb.tool(&api);
        cmd.args(["list", "-o", format, "--max-retries", "8", "--output-file"])
            .arg(&file)
            .args(["--columns", &columns.join(",")]);
        if run % 2 == 1 {
            cmd.arg("--no-cache");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "run {run}: {}",
            stderr_of(&out).trim()
        );
        let text = fs::read_to_string(&file).unwrap();
        match format {
            "json" => {
                let got: Vec<Value> = serde_json::from_str(&text).unwrap();
                assert_eq!(got, accounts, "run {run}");
            }
            "jsonl" => assert_eq!(jsonl(&text), accounts, "run {run}"),
            _ => {
                let rows = csv_rows_without_header(&text);
                assert_eq!(rows[0], columns, "run {run}");
                assert_eq!(rows[1..], csv_rows(&accounts, &columns), "run {run}");
            }
        }
        assert_eq!(
            files_in(sb.dir.path())
                .iter()
                .filter(|n| n.starts_with(".export"))
                .count(),
            0
        );
        requests += api.requests().len();
    }
    // 50 runs × (1 token + 6 pages) = 350 requests without faults; the
    // faults must really have fired.
    assert!(
        requests > 380,
        "only {requests} requests: were faults injected?"
    );
}

#[test]
fn a_request_that_needed_retries_warns_once() {
    let faults = Faults {
        script: vec![
            (RequestMatch::Page(2), FaultKind::Status(503)),
            (RequestMatch::Page(2), FaultKind::Drop),
        ],
        ..Faults::default()
    };
    let sb = Sandbox::new();
    for sequential in [true, false] {
        let api = fake(simple_accounts(120), faults.clone());
        let out = sb
            .tool(&api)
            .args(walk_args(&["list", "-o", "jsonl"], sequential))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(jsonl(&stdout_of(&out)), simple_accounts(120));
        if sequential {
            // --concurrency 1: page 2's retries come before page 3.
            assert_eq!(api.page_requests(), [1, 2, 2, 2, 3]);
        } else {
            assert_eq!(api.sorted_page_requests(), [1, 2, 2, 2, 3]);
        }
        let stderr = stderr_of(&out);
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect();
        assert_eq!(warnings.len(), 1, "{stderr}");
        assert!(warnings[0].contains("page=2"), "{}", warnings[0]);
        // The dropped connection was sent again at once: no retry.
        assert!(warnings[0].contains("needed 1 retry"), "{}", warnings[0]);
        assert!(warnings[0].contains("HTTP 503"), "{}", warnings[0]);
        assert_eq!(stderr.lines().count(), 1, "nothing else: {stderr}");
    }

    let api = fake(
        simple_accounts(120),
        once(RequestMatch::Page(2), FaultKind::Status(503), 1),
    );
    let out = sb
        .tool(&api)
        .args(["-q", "list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(jsonl(&stdout_of(&out)), simple_accounts(120));
    assert_eq!(stderr_of(&out), "", "-q silences the warning");
}

/// A walk of 120 accounts (`list -o jsonl`, see `walk_args`) through these one-shot faults,
/// which it gets through: the fake and its stderr.
fn walked_through(script: Vec<(RequestMatch, FaultKind)>) -> (FakeApi, String) {
    let faults = Faults {
        script,
        ..Faults::default()
    };
    let api = fake(simple_accounts(120), faults);
    let out = Sandbox::new()
        .tool(&api)
        .args(walk_args(&["list", "-o", "jsonl"], true))
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(jsonl(&stdout_of(&out)), simple_accounts(120));
    (api, stderr)
}

/// A request that failed the same way on each try said so once a try: in a network namespace
/// losing 10 % of its packets (iptables `statistic`), where the host name is looked up again for
/// each request, the walk warned `… needed 3 retries (cannot resolve the host name api.test
/// (Temporary failure in name resolution), though it resolved earlier in this run; if it lasts,
/// check that api.test is still in DNS, cannot resolve …, cannot resolve …)`: one reason of 150
/// characters three times over, 600 in all. A reason repeated on tries in a row is said once,
/// with how many times.
#[test]
fn a_reason_repeated_in_a_retry_warning_is_said_once_with_its_count() {
    let mut script = vec![(RequestMatch::Page(2), FaultKind::Status(500)); 3];
    script.push((RequestMatch::Page(2), FaultKind::Status(502)));
    let (api, stderr) = walked_through(script);
    assert_eq!(api.page_requests(), [1, 2, 2, 2, 2, 2, 3]);
    let warning = "needed 4 retries (3 × HTTP 500, HTTP 502)";
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("warning: GET ") && l.ends_with(warning)),
        "{stderr}"
    );
}

/// A gateway that gives up on its backend closes unanswered about as long after each request (its
/// `timeout server`), and the time was said to the tenth of a second: tries closed 2.1 s and 2.2 s
/// after (a busy machine, a connection slower to open) were said one by one, each reason in full,
/// though repeated. Said in whole seconds, the reason repeated is said once, with its count. (Each
/// close is a retry: one seconds after the request is no keep-alive race, sent again uncounted,
/// since `concurrency::a_page_closed_seconds_after_its_request_is_sent_max_retries_plus_one_times`;
/// this said `2 × ` before.)
#[test]
fn closes_seconds_after_the_request_on_each_try_are_one_reason_repeated() {
    let script = [2100, 2100, 2200].map(|ms| {
        let wait = Duration::from_millis(ms);
        (RequestMatch::Page(2), FaultKind::DropAfter(wait))
    });
    let (_, stderr) = walked_through(script.to_vec());
    let warning = stderr.lines().find(|l| l.contains(" needed "));
    let warning = warning.unwrap_or_else(|| panic!("no retry warning: {stderr}"));
    assert!(warning.contains("(3 × "), "{warning}");
    assert!(
        warning.ends_with(", 2 s after the request was sent)"),
        "{warning}"
    );
}

#[test]
fn each_retry_is_logged_with_v() {
    let api = fake(
        simple_accounts(60),
        once(RequestMatch::Page(2), FaultKind::Status(502), 2),
    );
    let sb = Sandbox::new();
    let out = sb
        .tool(&api)
        .args(["-v", "list", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    let retries: Vec<&str> = stderr.lines().filter(|l| l.starts_with("retry ")).collect();
    assert_eq!(retries.len(), 2, "{stderr}");
    assert!(
        retries[0].starts_with("retry 1/4 of GET "),
        "{}",
        retries[0]
    );
    assert!(
        retries[1].starts_with("retry 2/4 of GET "),
        "{}",
        retries[1]
    );
    assert!(
        retries.iter().all(|l| l.ends_with("after HTTP 502")),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("page=2") && l.contains("-> 200") && l.contains("retry 2")),
        "the request log counts the retries: {stderr}"
    );
}

#[test]
fn the_token_request_is_retried_too() {
    let api = fake(
        simple_accounts(10),
        Faults {
            script: vec![
                (RequestMatch::Token, FaultKind::Status(503)),
                (RequestMatch::Token, FaultKind::Drop),
                (RequestMatch::Token, FaultKind::RetryAfter(429, "1".into())),
            ],
            ..Faults::default()
        },
    );
    let sb = Sandbox::new();
    let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, simple_accounts(10));
    assert_eq!(api.token_requests(), 4);
    // The dropped connection was sent again at once: no retry.
    assert!(
        stderr_of(&out).contains("needed 2 retries (HTTP 503, HTTP 429)"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn max_retries_zero_fails_at_the_first_transient_error() {
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            once(RequestMatch::Page(2), FaultKind::Status(503), 1),
            &walk_args(&["--max-retries", "0"], sequential),
        );
        assert_failed_cleanly(&out, &file, &["HTTP 503", "page=2"]);
        support::assert_failed_walk_requests(&api, sequential, 2, 1, 3, "failed walk");
    }
}

#[test]
fn timeout_and_retries_come_from_the_config_file() {
    let api = fake(
        simple_accounts(150),
        always(RequestMatch::Page(2), FaultKind::Stall),
    );
    let sb = Sandbox::new();
    support::write_private(
        &sb.default_config_path(),
        "[default]\ntimeout_secs = 1\nmax_retries = 1\n",
    );
    let file = yesterdays_file(&sb);
    let out = sb
        .tool(&api)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_failed_cleanly(
        &out,
        &file,
        &["page=2", "timed out after 1 s", "after 1 retry"],
    );
    // Page 2 tried twice (max_retries = 1); page 3 may have been fetched ahead.
    support::assert_failed_walk_requests(&api, false, 2, 2, 3, "max_retries from the file");
}

// ---------------------------------------------------------------------------------------------
// Retry-After and the backoff schedule, read from the -v log
// ---------------------------------------------------------------------------------------------

/// Runs with `-v` and a tiny backoff scale: logged delays are the real
/// ones × 0.001 (Retry-After: 30 → 0.030 s) and hardly sleep.
fn delays_for(faults: Faults, scale: &str, extra: &[&str]) -> (Output, Vec<(f64, bool)>) {
    let api = fake(simple_accounts(100), faults);
    let sb = Sandbox::new();
    let out = sb
        .tool(&api)
        .env("TALKDESK_BACKOFF_SCALE", scale)
        .args(["-v", "list", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    let delays = logged_delays(&stderr_of(&out));
    (out, delays)
}

#[test]
fn retry_after_in_seconds_is_honoured() {
    let (out, delays) = delays_for(
        Faults {
            script: vec![
                (
                    RequestMatch::Page(2),
                    FaultKind::RetryAfter(429, "30".into()),
                ),
                (
                    RequestMatch::Page(2),
                    FaultKind::RetryAfter(503, "7".into()),
                ),
            ],
            ..Faults::default()
        },
        "0.001",
        &[],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_retry_after_waits(&delays, &[0.030, 0.007]);
}

#[test]
fn retry_after_is_capped_at_a_minute() {
    let (out, delays) = delays_for(
        once(
            RequestMatch::Page(1),
            FaultKind::RetryAfter(429, "3600".into()),
            1,
        ),
        "0.001",
        &[],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_retry_after_waits(&delays, &[0.060]);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let when = SystemTime::now() + Duration::from_secs(40);
    let (out, delays) = delays_for(
        once(
            RequestMatch::Page(1),
            FaultKind::RetryAfter(503, http_date(when)),
            1,
        ),
        "0.001",
        &[],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(delays.len(), 1);
    let (secs, from_header) = delays[0];
    assert!(from_header);
    // 40 s ahead, truncated to the second and read a moment later: 25..=40 s,
    // and a jitter of at most a tenth on top.
    assert!((0.025..=0.0445).contains(&secs), "{secs}");
}

#[test]
fn without_retry_after_the_backoff_is_full_jitter_doubling_from_half_a_second() {
    let (out, delays) = delays_for(
        always(RequestMatch::Page(1), FaultKind::Status(503)),
        "0.01",
        &["--max-retries", "5"],
    );
    assert_eq!(out.status.code(), Some(5));
    // Ceilings 0.5, 1, 2, 4, 8 s, × 0.01; logged to the millisecond.
    let ceilings = [0.005, 0.010, 0.020, 0.040, 0.080];
    assert_eq!(delays.len(), ceilings.len(), "{}", stderr_of(&out));
    for ((secs, from_header), ceiling) in delays.iter().zip(ceilings) {
        assert!(!from_header);
        assert!(
            *secs >= 0.0 && *secs <= ceiling + 0.0005,
            "{secs} > {ceiling}"
        );
    }
}

/// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[test]
fn the_test_date_formatter_is_right() {
    let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
    assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

// ---------------------------------------------------------------------------------------------
// Fatal faults: exit 5, a clear message, yesterday's file untouched
// ---------------------------------------------------------------------------------------------

#[test]
fn a_page_that_always_fails_with_a_transient_status_is_exit_5_after_the_retries() {
    for status in [500, 502, 503, 504] {
        for sequential in [true, false] {
            let Export {
                api,
                out,
                file,
                _sandbox: _keep,
            } = failing_export(
                always(RequestMatch::Page(2), FaultKind::Status(status)),
                &walk_args(&[], sequential),
            );
            let needle = format!("HTTP {status} after 4 retries");
            assert_failed_cleanly(
                &out,
                &file,
                &[
                    "GET ",
                    "page=2",
                    &needle,
                    "Injected fault",
                    "try again later",
                ],
            );
            let what = format!("status {status}, sequential: {sequential}");
            support::assert_failed_walk_requests(&api, sequential, 2, 5, 3, &what);
        }
    }
}

#[test]
fn a_429_that_never_ends_is_exit_5() {
    let Export {
        api,
        out,
        file,
        _sandbox: _keep,
    } = failing_export(
        always(
            RequestMatch::AnyPage,
            FaultKind::RetryAfter(429, "5".into()),
        ),
        &["--max-retries", "2"],
    );
    assert_failed_cleanly(&out, &file, &["HTTP 429 after 2 retries", "rate limiting"]);
    assert_eq!(api.page_requests(), [1, 1, 1]);
}

#[test]
fn other_statuses_fail_at_once_without_retries() {
    for status in [400, 404, 501] {
        for sequential in [true, false] {
            let Export {
                api,
                out,
                file,
                _sandbox: _keep,
            } = failing_export(
                always(RequestMatch::Page(2), FaultKind::Status(status)),
                &walk_args(&[], sequential),
            );
            let needle = format!("HTTP {status}");
            assert_failed_cleanly(&out, &file, &[&needle, "page=2"]);
            assert!(!stderr_of(&out).contains("retr"), "{}", stderr_of(&out));
            let what = format!("status {status}, sequential: {sequential}");
            support::assert_failed_walk_requests(&api, sequential, 2, 1, 3, &what);
        }
    }
}

#[test]
fn malformed_json_is_exit_5_at_once() {
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            always(RequestMatch::Page(2), FaultKind::Malformed),
            &walk_args(&[], sequential),
        );
        assert_failed_cleanly(&out, &file, &["page=2", "not a page of accounts"]);
        support::assert_failed_walk_requests(&api, sequential, 2, 1, 3, "failed walk");
    }
}

#[test]
fn a_300_mb_body_is_exit_5_not_memory_growth() {
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            always(RequestMatch::Page(2), FaultKind::HugeBody(300_000_000)),
            &walk_args(&[], sequential),
        );
        assert_failed_cleanly(&out, &file, &["page=2", "HTTP 200", "larger than 16 MiB"]);
        support::assert_failed_walk_requests(&api, sequential, 2, 1, 3, "not retried");
    }
}

/// A page 2 that stalls (no answer, or half a body) times out after
/// `--timeout`, is retried once, and fails the walk cleanly.
fn a_stalled_page_times_out(fault: FaultKind, said: &[&str]) {
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            always(RequestMatch::Page(2), fault.clone()),
            &walk_args(&["--timeout", "1", "--max-retries", "1"], sequential),
        );
        let said = [&["page=2", "after 1 retry"], said].concat();
        assert_failed_cleanly(&out, &file, &said);
        support::assert_failed_walk_requests(&api, sequential, 2, 2, 3, "failed walk");
    }
}

#[test]
fn a_page_that_never_answers_times_out() {
    a_stalled_page_times_out(FaultKind::Stall, &["timed out after 1 s"]);
}

#[test]
fn a_body_that_stalls_half_way_times_out() {
    let said = "the HTTP 200 answer's body stopped after 10 of 1000 bytes: timed out after 1 s";
    a_stalled_page_times_out(FaultKind::StallBody, &[said]);
}

/// A body still arriving when `--timeout` ran out (a slow link: 2 kbit/s
/// under tc in a network namespace) was said to have "stopped after N of
/// 1000 bytes", as a stalled one is, with "check your network" first.
#[test]
fn a_body_still_arriving_at_the_timeout_is_not_said_to_have_stopped() {
    let said = [
        "the HTTP 200 answer's body was still arriving (",
        " of 1000 bytes) when it timed out after 1 s",
        "raise --timeout, which bounds the whole body",
    ];
    a_stalled_page_times_out(FaultKind::TrickleBody, &said);
}

/// nginx's `limit_rate` and Apache's mod_ratelimit send a large page at a
/// set rate, never idle: a page of 300203 bytes at 20 KB/s was "still
/// arriving (122639 of 300203 bytes) when it timed out after 5 s", and the
/// error blamed "the link", a loopback one. It names the server's limit
/// too, and a smaller page, which takes less time to send at that rate.
#[test]
fn a_body_trickled_by_a_servers_bandwidth_limit_names_it_and_a_smaller_page() {
    let said = [
        "the HTTP 200 answer's body was still arriving (",
        "the link, or the server's limit on how fast it sends an answer (nginx's limit_rate, Apache's mod_ratelimit), is too slow for it",
        "a smaller --per-page may answer in time; else raise --timeout, which bounds the whole body",
    ];
    a_stalled_page_times_out(FaultKind::TrickleBody, &said);
}

/// A body the server cut short is said to be so, not "check your network"
/// alone after a bare "Peer disconnected" (nothing was said of the answer).
#[test]
fn a_body_cut_short_is_retried_and_said_to_have_stopped() {
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            always(RequestMatch::Page(2), FaultKind::CutBody),
            &walk_args(&["--max-retries", "1"], sequential),
        );
        let said = "page=2&per_page=50: the HTTP 200 answer's body stopped after 10 of 1000 bytes: connection error";
        assert_failed_cleanly(&out, &file, &[said, "after 1 retry"]);
        support::assert_failed_walk_requests(&api, sequential, 2, 2, 3, "failed walk");
    }
}

#[test]
fn connections_dropped_every_time_are_exit_5() {
    let Export {
        api,
        out,
        file,
        _sandbox: _keep,
    } = failing_export(always(RequestMatch::AnyPage, FaultKind::Drop), &[]);
    assert_failed_cleanly(&out, &file, &["page=1", "connection", "after 4 retries"]);
    // Five tries, the first sent again at once on a new connection.
    assert_eq!(api.page_requests(), [1, 1, 1, 1, 1, 1]);
}

/// A connection dropped before its origin ever answered was sent again,
/// "not counted as a retry", though no connection could have been kept:
/// `--max-retries 0` sent the token request twice.
#[test]
fn a_first_request_dropped_is_no_kept_connection_and_counts() {
    let Export { api, out, .. } = failing_export(
        always(RequestMatch::Token, FaultKind::Drop),
        &["--max-retries", "0"],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert_eq!(api.token_requests(), 1);
}

#[test]
fn a_token_endpoint_that_is_down_is_exit_5() {
    let Export {
        api,
        out,
        file,
        _sandbox: _keep,
    } = failing_export(always(RequestMatch::Token, FaultKind::Status(503)), &[]);
    assert_failed_cleanly(&out, &file, &["token request", "HTTP 503 after 4 retries"]);
    assert_eq!(api.token_requests(), 5);
    assert!(api.page_requests().is_empty());
}

/// A quota spent for the hour (`Retry-After: 3000`, past the 60 s a retry
/// waits at most, or a reset 50 minutes away) said "try again later or
/// raise --max-retries", which cannot help: the error says how long the
/// server asks for, and until when. A `Retry-After` beside a reset is the
/// server's word for this answer, and a short one wins (the run waited 5 s
/// for it, then said to wait 50 min).
#[test]
fn a_quota_spent_for_the_hour_says_when_to_run_again() {
    let Export {
        out,
        file,
        _sandbox: _keep,
        ..
    } = failing_export(
        always(
            RequestMatch::AnyPage,
            FaultKind::RetryAfter(429, "3000".into()),
        ),
        &["--max-retries", "1"],
    );
    let said = "HTTP 429 after 1 retry (code 429): Too Many Requests: Injected fault; the server asks to wait 50 min (until ";
    let then = " UTC), longer than the 60 s a retry waits at most: run again after that";
    assert_failed_cleanly(&out, &file, &[said, then]);
    assert!(
        !stderr_of(&out).contains("--max-retries"),
        "{}",
        stderr_of(&out)
    );

    let spent = |retry_after: Option<&str>| {
        let mut headers = vec![
            ("X-RateLimit-Remaining", "0".to_string()),
            ("X-RateLimit-Reset", "3000".to_string()),
        ];
        headers.extend(retry_after.map(|r| ("Retry-After", r.to_string())));
        let fault = FaultKind::RateLimited(429, headers);
        failing_export(
            always(RequestMatch::AnyPage, fault),
            &["--max-retries", "0"],
        )
    };
    let reset = spent(None);
    assert_failed_cleanly(
        &reset.out,
        &reset.file,
        &["HTTP 429", "the server asks to wait 50 min (until "],
    );
    let short = spent(Some("5"));
    assert_failed_cleanly(&short.out, &short.file, &["HTTP 429", "try again later"]);
    assert!(
        !stderr_of(&short.out).contains("asks to wait"),
        "{}",
        stderr_of(&short.out)
    );
}

/// bucket4j's Spring filters (bucket4j-spring-boot-starter, and Baeldung's
/// example they follow) say the wait on a 429 as
/// `X-Rate-Limit-Retry-After-Seconds`, with no `Retry-After`: a quota spent
/// for 5 minutes said "try again later or raise --max-retries". It is read
/// as a `Retry-After` is: the error says how long the server asks for.
#[test]
fn bucket4j_retry_after_seconds_is_the_servers_wait() {
    let headers = vec![("X-Rate-Limit-Retry-After-Seconds", "299".to_string())];
    let Export {
        out,
        file,
        _sandbox: _keep,
        ..
    } = failing_export(
        always(RequestMatch::AnyPage, FaultKind::RateLimited(429, headers)),
        &["--max-retries", "0"],
    );
    let said = "the server asks to wait 5 min (until ";
    assert_failed_cleanly(&out, &file, &["HTTP 429", said]);
    assert!(
        !stderr_of(&out).contains("--max-retries"),
        "{}",
        stderr_of(&out)
    );
}

/// A port nothing listens on: connection refused, retried, then exit 5.
/// The wait is the backoff alone (at most 7.5 s with the default four
/// retries; none here).
#[test]
fn an_unreachable_host_is_exit_5() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let out = sb
        .bare()
        .env("TALKDESK_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "TALKDESK_TOKEN_URL",
            format!("http://127.0.0.1:{port}/oauth/token"),
        )
        .env("TALKDESK_CLIENT_ID", "id")
        .env("TALKDESK_CLIENT_SECRET", "secret")
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_failed_cleanly(
        &out,
        &file,
        &["POST ", "/oauth/token", "connection", "after 4 retries"],
    );
}

/// A csv export to `file` from a server at `addr` (base_url and token
/// endpoint both), with `--timeout 1` and `retries` retries; the test
/// gives up after `limit` seconds.
fn export_from(
    sb: &Sandbox,
    addr: std::net::SocketAddr,
    file: &std::path::Path,
    retries: &str,
    limit: u64,
) -> std::process::Output {
    sb.bare()
        .env("TALKDESK_BASE_URL", format!("http://{addr}"))
        .env("TALKDESK_TOKEN_URL", format!("http://{addr}/oauth/token"))
        .env("TALKDESK_CLIENT_ID", "id")
        .env("TALKDESK_CLIENT_SECRET", "secret")
        .args(["list", "--timeout", "1", "--max-retries", retries])
        .args(["-o", "csv", "--output-file"])
        .arg(file)
        .timeout(Duration::from_secs(limit))
        .output()
        .unwrap()
}

/// A listener that takes connections but never answers: each attempt ends
/// at `--timeout`, so the run ends after (max_retries + 1) × timeout plus
/// the backoff.
#[test]
fn a_blackhole_host_ends_within_the_timeout_bound() {
    let blackhole = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = blackhole.local_addr().unwrap();
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let out = export_from(&sb, addr, &file, "1", 30);
    assert_failed_cleanly(
        &out,
        &file,
        &["/oauth/token", "timed out after 1 s", "after 1 retry"],
    );
    drop(blackhole);
}

/// A host that never takes the connection (a firewall dropping SYNs, as nft
/// did in a network namespace; here a listener whose accept queue is full)
/// and one that takes it and never answers both said "timed out after 1 s":
/// curl and gh say which, and the two call for different checks.
#[test]
fn a_timeout_says_whether_it_was_connecting_or_waiting_for_the_answer() {
    use std::os::fd::AsRawFd;
    let full = TcpListener::bind("127.0.0.1:0").unwrap();
    // Backlog 0: the connection below fills the queue, and Linux drops the next SYNs.
    assert_eq!(unsafe { libc::listen(full.as_raw_fd(), 0) }, 0);
    let _queued = std::net::TcpStream::connect(full.local_addr().unwrap()).unwrap();
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    for (listener, said) in [(&full, "connecting"), (&silent, "waiting for the answer")] {
        let addr = listener.local_addr().unwrap();
        let sb = Sandbox::new();
        let file = yesterdays_file(&sb);
        let out = export_from(&sb, addr, &file, "0", 30);
        let said = format!("timed out after 1 s {said}");
        assert_failed_cleanly(&out, &file, &["/oauth/token", &said]);
    }
}

/// An answer whose status line and headers come a byte at a time, more often than `--timeout`,
/// and never end: waiting for the headers is one phase, bounded as a whole by `--timeout` (ureq
/// 3.5.2 counts it from the request sent, not from the last byte). A guard, not a fix: it passed
/// before this session's proxy fix too (the binary before it, by hand: exit 5 in 2.2 s with
/// `--timeout 2` and a byte a second).
/// (The test's 60 s limit only keeps it from hanging.)
#[test]
fn an_answer_whose_headers_drip_for_ever_times_out() {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let _ = client.read(&mut [0u8; 4096]);
            std::thread::spawn(move || {
                let head = b"HTTP/1.1 200 OK\r\nX-Slow: ".iter();
                for byte in head.chain(std::iter::repeat(&b'a')) {
                    std::thread::sleep(Duration::from_millis(100));
                    if client.write_all(&[*byte]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let out = export_from(&sb, addr, &file, "0", 60);
    let said = "timed out after 1 s waiting for the answer";
    assert_failed_cleanly(&out, &file, &["/oauth/token", said]);
}

// ---------------------------------------------------------------------------------------------
// Partial failure (§6)
// ---------------------------------------------------------------------------------------------

fn third_page_broken() -> FakeApi {
    fake(
        simple_accounts(150),
        always(RequestMatch::Page(3), FaultKind::Status(500)),
    )
}

#[test]
fn json_and_table_print_nothing_unless_complete() {
    for format in ["json", "table"] {
        for sequential in [true, false] {
            let api = third_page_broken();
            let out = Sandbox::new()
                .tool(&api)
                .args(walk_args(&["list", "-o", format], sequential))
                .output()
                .unwrap();
            let what = format!("{format}, sequential: {sequential}");
            assert_eq!(out.status.code(), Some(5), "{what}");
            assert_eq!(stdout_of(&out), "", "{what}");
            assert!(stderr_of(&out).contains("HTTP 500"), "{what}");
            support::assert_failed_walk_requests(&api, sequential, 3, 5, 3, &what);
        }
    }
}

#[test]
fn jsonl_to_stdout_may_have_streamed_rows_but_exits_5() {
    let api = third_page_broken();
    let out = Sandbox::new()
        .tool(&api)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(jsonl(&stdout_of(&out)), simple_accounts(100));
    assert!(stderr_of(&out).contains("HTTP 500 after 4 retries"));
}

#[test]
fn csv_to_stdout_may_have_streamed_rows_but_exits_5() {
    let api = third_page_broken();
    let out = Sandbox::new()
        .tool(&api)
        .args(["list", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let rows = csv_rows_without_header(&stdout_of(&out));
    let columns = ["id", "name", "company_name", "status"];
    assert_eq!(rows[0], columns);
    assert_eq!(rows[1..], csv_rows(&simple_accounts(100), &columns));
}

#[test]
fn a_failed_run_creates_no_output_file_and_leaves_no_temporary() {
    for format in ["json", "jsonl", "csv", "table"] {
        let api = third_page_broken();
        let sb = Sandbox::new();
        let dir = sb.path("out");
        fs::create_dir_all(&dir).unwrap();
        let out = sb
            .tool(&api)
            .args(["list", "-o", format, "--output-file"])
            .arg(dir.join("accounts"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{format}");
        assert_eq!(stdout_of(&out), "", "{format}");
        assert!(files_in(&dir).is_empty(), "{format}: {:?}", files_in(&dir));
    }
}

// ---------------------------------------------------------------------------------------------
// Walk integrity (§4)
// ---------------------------------------------------------------------------------------------

/// Page 2 as the API would send it after 5 accounts were inserted at the
/// front during the walk: accounts 46..=95 (1-based), so 46..=50 come
/// again and 96..=100 are never seen.
fn shifted_page_two() -> Value {
    let all = simple_accounts(150);
    json!({
        "count": 50, "page": 2, "per_page": 50, "total": 155, "total_pages": 4,
        "_embedded": {"accounts": all[45..95]},
        "_links": {"next": {"href": "/express/accounts?page=3&per_page=50"}},
    })
}

#[test]
fn duplicate_ids_are_dropped_and_a_count_mismatch_warns() {
    let api = fake(
        simple_accounts(150),
        always(RequestMatch::Page(2), FaultKind::Json(shifted_page_two())),
    );
    let sb = Sandbox::new();
    let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let all = simple_accounts(150);
    let expected: Vec<Value> = all[..95].iter().chain(&all[100..]).cloned().collect();
    assert_eq!(got, expected);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "warning: collected 145 distinct accounts but the API reported a total of 150"
        ),
        "{stderr}"
    );
    assert_eq!(api.sorted_page_requests(), [1, 2, 3]);
}

/// Accounts 1..=6, 3 a page; after page 1, account 5 moved to the front
/// and account 7 was added: pages 2 and 3 say 7 accounts, page 2 repeats
/// account 3, and account 5 is never seen. The 6 distinct accounts matched
/// page 1's total: `list` said nothing and `snapshot` recorded account 5
/// as removed.
#[test]
fn a_total_that_changes_during_the_walk_warns_and_is_not_recorded() {
    let all = simple_accounts(7);
    let page = |n: u64, accounts: &[Value]| {
        let mut page = json!({
            "page": n, "per_page": 3, "total": 7, "total_pages": 3,
            "_embedded": {"accounts": accounts},
        });
        if n < 3 {
            page["_links"] =
                json!({"next": {"href": format!("/express/accounts?page={}&per_page=3", n + 1)}});
        }
        FaultKind::Json(page)
    };
    let faults = Faults {
        always: vec![
            (
                RequestMatch::Page(2),
                page(2, &[all[2].clone(), all[3].clone(), all[6].clone()]),
            ),
            (RequestMatch::Page(3), page(3, &[all[5].clone()])),
        ],
        ..Faults::default()
    };
    let api = fake(all[..6].to_vec(), faults);
    let warning = "the API's total went from 6 on the first page to 7 on page 2";
    let listed = warned_and_not_recorded(&api, "3", warning, warning);
    assert_eq!(listed.lines().count(), 6);
}

/// `list` (`--per-page per_page`) of `api` exits 0
/// with `warning` on stderr, and `snapshot` refuses it (exit 5) saying
/// `why` and that nothing was recorded; what `list` printed. So does
/// `diff` against that very list, even with `-q`: it reported an account
/// the walk missed as removed (exit 1 with `--exit-code`), and `-q` hid
/// the only warning, with the differences mailed on by a weekly job.
fn warned_and_not_recorded(api: &FakeApi, per_page: &str, warning: &str, why: &str) -> String {
    let sb = Sandbox::new();
    let list = [
        "list",
        "-o",
        "jsonl",
        "--concurrency",
        "1",
        "--per-page",
        per_page,
    ];
    let out = sb.tool(api).args(list).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains(warning), "{}", stderr_of(&out));
    let snapshot = ["snapshot", "--per-page", per_page];
    let refused = sb.tool(api).args(snapshot).output().unwrap();
    assert_eq!(refused.status.code(), Some(5), "{}", stderr_of(&refused));
    let stderr = stderr_of(&refused);
    assert!(
        stderr.contains(why) && stderr.contains("nothing was recorded, run snapshot again"),
        "{stderr}"
    );
    let old = sb.path("old.jsonl");
    std::fs::write(&old, &out.stdout).unwrap();
    let diff = (sb.tool(api))
        .args([
            "-q",
            "diff",
            "--exit-code",
            "-o",
            "csv",
            "--concurrency",
            "1",
        ])
        .args(["--per-page", per_page])
        .arg(&old)
        .output()
        .unwrap();
    let stderr = stderr_of(&diff);
    assert_eq!(diff.status.code(), Some(5), "{stderr}");
    assert_eq!(stdout_of(&diff), "", "no report");
    assert!(
        stderr.contains(why) && stderr.contains("nothing was compared, run diff again"),
        "{stderr}"
    );
    stdout_of(&out)
}

/// A malformed page after good ones from the same `base_url` said to
/// check `base_url`, which the pages before had shown right.
#[test]
fn a_malformed_page_after_good_ones_is_not_blamed_on_base_url() {
    let bad = json!({"total": "150", "_embedded": {"accounts": []}});
    let api = fake(
        simple_accounts(150),
        always(RequestMatch::Page(2), FaultKind::Json(bad)),
    );
    let sb = Sandbox::new();
    let out = sb
        .tool(&api)
        .args(["list", "--concurrency", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("not a page of accounts")
            && stderr.contains("earlier pages were read from the same base_url")
            && !stderr.contains("check base_url"),
        "{stderr}"
    );
}

/// Pages that claim 5 pages but give no total, and an empty page 3 with
/// no next link: `list` warns, and `snapshot` recorded the 4 accounts of
/// pages 1 and 2 as the whole organization.
#[test]
fn an_empty_page_before_the_claimed_last_is_not_recorded() {
    let all = simple_accounts(4);
    let page = |accounts: &[Value]| {
        FaultKind::Json(json!({"total_pages": 5, "_embedded": {"accounts": accounts}}))
    };
    let faults = Faults {
        always: vec![
            (RequestMatch::Page(1), page(&all[..2])),
            (RequestMatch::Page(2), page(&all[2..])),
            (RequestMatch::Page(3), page(&[])),
        ],
        ..Faults::default()
    };
    let api = fake(all.clone(), faults);
    warned_and_not_recorded(
        &api,
        "2",
        "page 3 is empty and has no next link",
        "page 3 was empty, before the last page the API claimed (5)",
    );
}

#[test]
fn a_next_link_back_to_a_fetched_page_is_exit_5() {
    let looping = json!({
        "count": 50, "page": 2, "per_page": 50, "total": 150, "total_pages": 3,
        "_embedded": {"accounts": simple_accounts(100)[50..]},
        "_links": {"next": {"href": "/express/accounts?page=1&per_page=50"}},
    });
    for sequential in [true, false] {
        let Export {
            api,
            out,
            file,
            _sandbox: _keep,
        } = failing_export(
            always(RequestMatch::Page(2), FaultKind::Json(looping.clone())),
            &walk_args(&[], sequential),
        );
        assert_failed_cleanly(&out, &file, &["page 2", "page=1", "goes back"]);
        support::assert_failed_walk_requests(
            &api,
            sequential,
            2,
            1,
            3,
            "page 1 is never fetched twice",
        );
    }
}

#[test]
fn a_page_number_sent_twice_is_exit_5() {
    let again = json!({
        "count": 50, "page": 1, "per_page": 50, "total": 150, "total_pages": 3,
        "_embedded": {"accounts": simple_accounts(50)},
    });
    for sequential in [true, false] {
        let api = FakeApi::start(FakeConfig {
            accounts: simple_accounts(150),
            page_cap: 50,
            links: LinkStyle::None,
            faults: always(RequestMatch::Page(2), FaultKind::Json(again.clone())),
            ..FakeConfig::default()
        });
        let out = Sandbox::new()
            .tool(&api)
            .args(walk_args(&["list", "-o", "json"], sequential))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5));
        assert_eq!(stdout_of(&out), "");
        assert!(
            stderr_of(&out).contains("sent page 1 twice"),
            "{}",
            stderr_of(&out)
        );
        support::assert_failed_walk_requests(&api, sequential, 2, 1, 3, "failed walk");
    }
}

/// A server whose `page` field always says 1, over the right accounts for
/// each page, is walked to the end: every account once, one warning. It
/// stopped at page 2 as a loop before (exit 5).
#[test]
fn a_page_field_that_always_says_one_is_ignored_where_it_repeats() {
    let accounts = simple_accounts(150);
    let page = |n: usize| {
        json!({
            "count": 50, "page": 1, "per_page": 50, "total": 150, "total_pages": 3,
            "_embedded": {"accounts": accounts[(n - 1) * 50..n * 50]},
        })
    };
    for sequential in [true, false] {
        let api = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 50,
            links: LinkStyle::None,
            faults: Faults {
                always: vec![
                    (RequestMatch::Page(2), FaultKind::Json(page(2))),
                    (RequestMatch::Page(3), FaultKind::Json(page(3))),
                ],
                ..Faults::default()
            },
            ..FakeConfig::default()
        });
        let out = Sandbox::new()
            .tool(&api)
            .args(walk_args(
                &["list", "-o", "json", "--columns", "id"],
                sequential,
            ))
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
        let ids: Vec<&Value> = accounts.iter().map(|a| &a["id"]).collect();
        assert_eq!(listed.iter().map(|a| &a["id"]).collect::<Vec<_>>(), ids);
        assert_eq!(stderr.matches("warning: ").count(), 1, "{stderr}");
        assert!(stderr.contains("numbered page 2 as page 1"), "{stderr}");
    }
}

/// A page that is both misnumbered (its `page` field repeats page 1's) and
/// empty without a next link before the claimed last page says both, in
/// one warning, and the walk ends there.
#[test]
fn a_misnumbered_empty_page_that_ends_the_walk_says_both() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        links: LinkStyle::None,
        faults: Faults::always(
            RequestMatch::Page(2),
            FaultKind::Json(json!({
                "count": 0, "page": 1, "per_page": 50, "total": 150, "total_pages": 3,
                "_embedded": {"accounts": []},
            })),
        ),
        ..FakeConfig::default()
    });
    let out = list_json(&api, &["--columns", "id"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the API numbered page 2 as page 1, which it sent before with other accounts; its `page` field is ignored; page 2 is empty and has no next link, but the API claimed 3 pages (150 accounts in all); the walk ends here\n"),
        "{stderr}"
    );
}

/// `list -o json` and `extra` against `api`, sequential or not.
fn list_json(api: &FakeApi, extra: &[&str], sequential: bool) -> Output {
    let mut args = vec!["list", "-o", "json"];
    args.extend(extra);
    let args = walk_args(&args, sequential);
    Sandbox::new().tool(api).args(args).output().unwrap()
}

/// A server that clamps a page past its last to the last, with a next link
/// on every page, as some paginators do: the page after the last repeats it.
/// Past the `total_pages` it claimed, that ends the walk, with a warning;
/// before, the walk followed the links for ever. Within the pages it
/// claimed, the same repeat is a loop (exit 5).
#[test]
fn a_server_that_clamps_pages_past_its_last_is_walked_once_not_for_ever() {
    let accounts = simple_accounts(7);
    for sequential in [true, false] {
        let api = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 3,
            clamp_past_the_end: true,
            ..FakeConfig::default()
        });
        let out = list_json(&api, &[], sequential);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(listed, accounts);
        assert_eq!(stderr.matches("warning: ").count(), 1, "{stderr}");
        assert!(
            stderr.contains("page 4 repeats page 3, past the last page the API claimed (3)"),
            "{stderr}"
        );
        assert_eq!(api.sorted_page_requests(), [1, 2, 3, 4]);
        // Claiming more pages than it has, the repeat is within them: a loop.
        let api = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 3,
            clamp_past_the_end: true,
            claimed_total_pages: Some(10),
            ..FakeConfig::default()
        });
        let out = list_json(&api, &[], sequential);
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "");
        assert!(
            stderr_of(&out).contains("sent page 3 twice (again as page 4"),
            "{}",
            stderr_of(&out)
        );
    }
}

/// A `page` field counted from 0 (Spring's `number`), with the links and
/// the `page` parameter counted from 1: the walk counts the pages it asks
/// for. It asked for the last page again and failed as a loop (exit 5),
/// every account already out.
#[test]
fn a_page_field_counted_from_zero_is_walked_exactly() {
    let accounts = simple_accounts(9);
    for links in [LinkStyle::Absolute, LinkStyle::None] {
        for sequential in [true, false] {
            let api = FakeApi::start(FakeConfig {
                accounts: accounts.clone(),
                page_cap: 3,
                links,
                page_field_from_zero: true,
                ..FakeConfig::default()
            });
            let out = list_json(&api, &[], sequential);
            let stderr = stderr_of(&out);
            assert_eq!(out.status.code(), Some(0), "{links:?}: {stderr}");
            assert_eq!(stderr, "", "{links:?}");
            let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
            assert_eq!(listed, accounts);
            assert_eq!(api.sorted_page_requests(), [1, 2, 3], "{links:?}");
        }
    }
}

/// A server that closes a keep-alive connection just as the client reuses
/// it (its keep-alive timeout racing the next request; Node's `http` does
/// so): the request is sent again at once on a new connection, as curl and
/// Go do, without counting a retry or warning. With `--max-retries 0` the
/// first page failed before ("Peer disconnected"); with retries, each page
/// cost a backoff and a warning. Twenty pages: a concurrent walk keeps
/// several connections, and the request sent again once went on another
/// kept one, closed too (exit 5 with `--max-retries 0`).
#[test]
fn a_connection_closed_as_it_is_reused_is_sent_again_without_a_retry() {
    walks_a_server_closing_each_reused_connection(60, false);
}

/// `accounts` in pages of 3 from a server that answers one request per
/// connection (and `408` to the next, with `timeout_408`), walked with
/// `--max-retries 0` both ways: every page once, no warning.
fn walks_a_server_closing_each_reused_connection(accounts: usize, timeout_408: bool) {
    let accounts = simple_accounts(accounts);
    for sequential in [true, false] {
        let api = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 3,
            one_request_per_connection: true,
            timeout_408_on_reuse: timeout_408,
            ..FakeConfig::default()
        });
        let out = list_json(&api, &["--max-retries", "0"], sequential);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stderr, "");
        let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(listed, accounts);
        let pages = accounts.len().div_ceil(3) as u64;
        assert_eq!(api.sorted_page_requests(), (1..=pages).collect::<Vec<_>>());
    }
}

/// The same race answered `408 Request Timeout` and closed (Node's `http`,
/// HAProxy's request timeout): the run failed at once with a bare `HTTP
/// 408`. It is sent again as a closed connection is; a 408 that persists
/// is final, with a hint.
#[test]
fn a_408_as_a_connection_is_reused_is_sent_again_without_a_retry() {
    walks_a_server_closing_each_reused_connection(12, true);
    let api = fake(
        simple_accounts(3),
        Faults::always(RequestMatch::AnyPage, FaultKind::Status(408)),
    );
    let out = list_json(&api, &[], true);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr_of(&out).contains("HTTP 408 ")
            && stderr_of(&out).contains("; the server gave up waiting for the request"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(api.sorted_page_requests(), [1, 1]);
}

/// A write that fails half way (the file size limit of `ulimit -f` here,
/// as a full disk would) leaves yesterday's file as it was and no
/// temporary file, and the error names the file asked for alone: the
/// temporary file the data went to is gone by then. It named it before.
/// It ended at "File too large (os error 27)", saying nothing of the
/// limit; it says what to raise.
#[cfg(unix)]
#[test]
fn a_write_that_fails_half_way_names_the_target_and_leaves_it() {
    let api = fake(simple_accounts(150), Faults::default());
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let tool = sb.spawnable_tool(&api);
    let out = support::with_file_size_limit(tool.get_program(), tool.get_envs(), 4)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: writing {}: File too large (os error 27); the file size limit (ulimit -f) left no room for it: raise it",
            file.display()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), YESTERDAY);
    assert_eq!(files_in(file.parent().unwrap()), ["accounts.csv"]);
}

/// Pages with a `total` but neither `total_pages` nor links: the walk asks
/// for the next page number while fewer accounts than the total have come.
/// Before, it stopped after page 1 with exit 0 and 3 accounts of 7 (only a
/// warning, which `-q` hid): a silent half.
#[test]
fn pages_with_a_total_but_no_total_pages_or_links_are_walked_to_the_total() {
    let accounts = simple_accounts(7);
    for sequential in [true, false] {
        let api = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 3,
            links: LinkStyle::None,
            no_total_pages: true,
            ..FakeConfig::default()
        });
        let out = list_json(&api, &[], sequential);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stderr, "");
        let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(listed, accounts);
        assert_eq!(api.sorted_page_requests(), [1, 2, 3]);
    }
}

/// An answer cut short after its head (the body shorter than its
/// `Content-Length`, then the connection closed) is a failed try like any
/// other: counted as a retry. Only a connection dropped before any answer
/// is sent again uncounted. Before, it was sent again for free: with
/// `--max-retries 0` the page was asked for twice.
#[test]
fn an_answer_cut_short_after_its_head_is_a_counted_retry() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"count\": ";
    let api = answering_raw(2, CUT);
    for (retries, asked) in [("0", 1), ("2", 3)] {
        api.clear_requests();
        let out = list_json(&api, &["--max-retries", retries], true);
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        assert_eq!(stdout_of(&out), "", "no partial array");
        assert_eq!(api.requests_for_page(2), asked, "--max-retries {retries}");
    }
}

/// Framing ureq cannot read to its end (`Transfer-Encoding: chunked,
/// identity`) is named as an answer that is not valid HTTP, with what to
/// check, and `-v` logs the failed try; it said "request failed: body data
/// reading stalled", and `-v` showed nothing.
#[test]
fn an_answer_whose_end_cannot_be_found_is_named_and_logged() {
    const FRAMED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n{\"count\": 0}";
    let api = answering_raw(1, FRAMED);
    let out = list_json(&api, &["-v"], true);
    assert_eq!(out.status.code(), Some(5));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "the answer is not valid HTTP (its body could not be read to its end); check base_url"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("/express/accounts?page=1&per_page=50 -> failed ("),
        "{stderr}"
    );
}

/// An answer with both `Content-Length` and `Transfer-Encoding` (where its
/// body ends is ambiguous: how responses are smuggled) is refused as not
/// valid HTTP (exit 5), as RFC 9112 §6.3 says; it was read and its
/// connection used again.
#[test]
fn an_answer_with_two_lengths_is_refused() {
    const BOTH: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    let api = answering_raw(1, BOTH);
    let out = list_json(&api, &[], true);
    assert_eq!(out.status.code(), Some(5));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("it has both Content-Length and Transfer-Encoding"),
        "{stderr}"
    );
}

/// Erlang/OTP's inets httpd chunks what an ESI script (mod_esi) delivers and keeps the
/// `Content-Length` the script gave: every page came with both, and the run ended "the answer
/// is not valid HTTP (it has both Content-Length and Transfer-Encoding); check base_url", of the
/// right base_url, with no word of what to change. It still refuses the page, and says the
/// server sends both and that whoever runs it must drop one (found with inets 8.2, OTP 25).
#[test]
fn an_answer_with_two_lengths_says_the_server_must_drop_one() {
    const INETS: &[u8] = b"HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 19:57:58 GMT\r\nServer: inets/8.2.2\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    let api = answering_raw(1, INETS);
    let out = list_json(&api, &[], true);
    assert_eq!(out.status.code(), Some(5));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("it has both Content-Length and Transfer-Encoding")
            && stderr.contains("as inets' mod_esi sends")
            && stderr.contains("whoever runs the server must drop one"),
        "{stderr}"
    );
}

/// An HTTP/1.0 answer with `Transfer-Encoding: chunked`, whose framing RFC
/// 9112 §6.1 says to treat as faulty: kept open, each try waited --timeout
/// and the run said "the HTTP 200 answer's body stopped after 54 bytes:
/// timed out …; check your network, or raise --timeout / --max-retries";
/// closed, "not a page of accounts (invalid type: integer `2` …)" (found by
/// a randomized framing fuzz). It is refused as not valid HTTP, at once.
#[test]
fn an_http_1_0_answer_with_transfer_encoding_is_refused_at_once() {
    const CHUNKED: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2b\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n0\r\n\r\n";
    for fault in [
        FaultKind::RawResponseKept(CHUNKED),
        FaultKind::RawResponse(CHUNKED),
    ] {
        let api = page_1_always(fault);
        let out = list_json(&api, &["--timeout", "1", "--max-retries", "1"], true);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("not valid HTTP (an HTTP/1.0 answer with Transfer-Encoding")
                && stderr.contains("check base_url"),
            "{stderr}"
        );
        assert_eq!(api.requests_for_page(1), 1, "{stderr}");
    }
}

/// eventlet's WSGI server (0.41.3) under `max_http_version="HTTP/1.0"` sends that framing to an
/// HTTP/1.1 request for any body without a Content-Length (a streamed one): `HTTP/1.0 200 OK`,
/// then `Transfer-Encoding: chunked`. The run said only "…, faulty by RFC 9112 §6.1); check
/// base_url", of a base_url that was right; it now names the setting to drop, as it names inets'
/// mod_esi for both lengths (refused at once as before).
#[test]
fn eventlets_http_1_0_chunked_answer_names_its_max_http_version() {
    const EVENTLET: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nDate: Mon, 07 Dec 2026 23:11:00 GMT\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2b\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n0\r\n\r\n";
    let api = page_1_always(FaultKind::RawResponse(EVENTLET));
    let out = list_json(&api, &["--max-retries", "1"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("as eventlet's WSGI server sends under max_http_version=\"HTTP/1.0\" for a body without a Content-Length: whoever runs the server must drop that setting"),
        "{stderr}"
    );
    assert_eq!(api.requests_for_page(1), 1, "{stderr}");
}

/// A body without a length (no Content-Length, not chunked: it ends with its
/// connection) cut short, as a TLS connection closed without `close_notify`
/// cuts it (ureq takes the close for the end): "the answer is not a page of
/// accounts (EOF while parsing …); check base_url", final at once (found
/// with a TLS server closing mid-body). It is a body cut short, retried.
#[test]
fn a_body_without_a_length_cut_short_is_said_so_and_retried() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"total\": 9, \"_embedded\": {\"accounts\": [{\"id\": \"1";
    let api = answering_raw(1, CUT);
    let out = list_json(&api, &["--max-retries", "1"], true);
    assert_eq!(out.status.code(), Some(5));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("cut short") && stderr.contains("after 1 retry"),
        "{stderr}"
    );
    assert!(!stderr.contains("check base_url"), "{stderr}");
}

/// The default accounts, page 1 always answered with `fault`.
fn page_1_always(fault: FaultKind) -> FakeApi {
    FakeApi::start(FakeConfig {
        faults: Faults::always(RequestMatch::Page(1), fault),
        ..FakeConfig::default()
    })
}

/// 9 accounts, 3 a page, page `page` always answered with these bytes.
fn answering_raw(page: u64, bytes: &'static [u8]) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(9),
        page_cap: 3,
        faults: Faults::always(RequestMatch::Page(page), FaultKind::RawResponse(bytes)),
        ..FakeConfig::default()
    })
}

/// An answer without a length (no Content-Length, not chunked: it ends with
/// its connection) from a server that keeps the connection open (Python's
/// `http.server` with `HTTP/1.1` and no `Content-Length`) never ends: its
/// whole JSON came, then the run waited `--timeout`, retried, and said
/// "timed out …; check your network, or raise --timeout / --max-retries",
/// which cannot help (found against `http.server`). It is final at once and
/// says what the server did.
#[test]
fn an_answer_without_a_length_on_a_connection_kept_open_is_said_so() {
    const KEPT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}";
    let api = page_1_always(FaultKind::RawResponseKept(KEPT));
    let out = list_json(&api, &["--timeout", "1", "--max-retries", "1"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("no Content-Length") && stderr.contains("kept its connection open"),
        "{stderr}"
    );
    assert!(!stderr.contains("raise --timeout"), "{stderr}");
    assert_eq!(api.requests_for_page(1), 1, "{stderr}");
}

/// An answer whose whole JSON came, from a server that then sends nothing
/// more and keeps the connection open: a `Content-Length` larger than the
/// body (a middleware that changed the body after the length was set), or
/// a chunked answer without its last chunk (a Node handler that never calls
/// `res.end()`). Each try waited `--timeout` and the run said "the HTTP 200
/// answer's body stopped after 135 of 145 bytes: timed out …; check your
/// network, or raise --timeout / --max-retries", which cannot help (found
/// with Node `http` handlers). It is final at once and says what the server
/// did.
#[test]
fn a_whole_json_whose_answer_never_ends_is_said_so() {
    const LONGER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}";
    const UNENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2b\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n";
    for (bytes, said) in [
        (LONGER, "its Content-Length says 60 bytes"),
        (UNENDED, "its last chunk never came"),
    ] {
        let api = FakeApi::start(FakeConfig {
            faults: Faults::always(RequestMatch::Page(1), FaultKind::RawResponseKept(bytes)),
            ..FakeConfig::default()
        });
        let out = list_json(&api, &["--timeout", "1", "--max-retries", "1"], true);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("whole JSON came (43 bytes)") && stderr.contains(said),
            "{stderr}"
        );
        assert!(!stderr.contains("raise --timeout"), "{stderr}");
        assert_eq!(api.requests_for_page(1), 1, "{stderr}");
    }
}

/// The same answer to a later page, from the server that answered the first
/// (a JDK `HttpServer` handler that sends a chunked answer and never closes
/// its exchange on one path): the run said "…: the server does not end its
/// answers; check base_url", of the base_url that answered the first page
/// (found with JDK 17's `com.sun.net.httpserver`). It says so instead.
#[test]
fn a_later_page_whose_answer_never_ends_does_not_blame_base_url() {
    const UNENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2b\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n";
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: Faults::always(RequestMatch::Page(2), FaultKind::RawResponseKept(UNENDED)),
        ..FakeConfig::default()
    });
    let out = list_json(&api, &["--timeout", "1", "--max-retries", "1"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("its last chunk never came")
            && stderr.contains("base_url answered the first page"),
        "{stderr}"
    );
    assert!(!stderr.contains("check base_url"), "{stderr}");
}

/// The same answers from a server that closes the connection after them:
/// Jetty 9.4 aborts the connection of a servlet that committed a
/// `Content-Length` larger than what it wrote, warp 3.3 closes it at its
/// `setTimeout`. Each try was taken for a body cut short and retried, and the
/// run said "the HTTP 200 answer's body stopped after 5717 of 5817 bytes:
/// connection error: Peer disconnected (after 4 retries); … fails while
/// making its answer (an application error mid-answer, a worker that
/// crashed); try again later". It is final at once, as above.
#[test]
fn a_whole_json_whose_answer_is_closed_short_of_its_framing_is_said_so() {
    const LONGER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}";
    const UNENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2b\r\n{\"total\": 0, \"_embedded\": {\"accounts\": []}}\r\n";
    for (bytes, said) in [
        (LONGER, "its Content-Length says 60 bytes"),
        (UNENDED, "its last chunk never came"),
    ] {
        let api = answering_raw(1, bytes);
        let out = list_json(&api, &["--max-retries", "2"], true);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("whole JSON came (43 bytes)")
                && stderr.contains(said)
                && stderr.contains("closed the connection"),
            "{stderr}"
        );
        assert!(!stderr.contains("try again later"), "{stderr}");
        assert_eq!(api.requests_for_page(1), 1, "{stderr}");
    }
}

/// A `Content-Length` counted in characters, not bytes (`body.length` in a
/// Node handler), falls short of a page with accented text: its JSON stops
/// there. That said "the answer is not a page of accounts (EOF while parsing
/// a string …); check base_url", which was right (found with a Node `http`
/// handler). It says the server's Content-Length is short of its body.
#[test]
fn a_content_length_short_of_its_json_is_said_so_not_blamed_on_base_url() {
    const SHORT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"total\": 1, \"_embedded\": {\"accounts\": [{\"id\": \"1\", \"name\": \"Caf\xc3\xa9 Z\xc3\xbcrich\"}]}}";
    let api = answering_raw(1, SHORT);
    let out = list_json(&api, &["--max-retries", "1"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("not a page of accounts (EOF while parsing")
            && stderr.contains("sends fewer bytes than its JSON has"),
        "{stderr}"
    );
    assert!(!stderr.contains("check base_url"), "{stderr}");
    assert_eq!(api.requests_for_page(1), 1, "{stderr}");
    // No JSON at all is no JSON cut short.
    const EMPTY: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let stderr = stderr_of(&list_json(&answering_raw(1, EMPTY), &[], true));
    assert!(
        stderr.contains("check base_url") && !stderr.contains("fewer bytes"),
        "{stderr}"
    );
}

/// A chunked page whose last chunk came before its JSON was whole: Tornado 6.6 finishes so
/// the answer of a handler that raised after a `flush()` (it cannot send the error once the
/// head went). That was said to be "a Content-Length counted in characters, not bytes",
/// of an answer that had none. It says the server ended its chunked answer early instead
/// (since the fortieth session after its retries, each try ended so).
#[test]
fn a_chunked_page_ended_before_its_json_names_no_content_length() {
    const ENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n{\"count\": 3, \"_embedded\": {\"accounts\": [\r\n0\r\n\r\n";
    let api = answering_raw(2, ENDED);
    let out = list_json(&api, &["--max-retries", "1"], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("page=2") && stderr.contains("body was cut short"),
        "{stderr}"
    );
    assert!(stderr.contains("last chunk"), "{stderr}");
    assert!(stderr.contains("try again later"), "{stderr}");
    assert!(!stderr.contains("Content-Length"), "{stderr}");
}

/// The same answer once, then the page whole: Werkzeug's debugger (`flask run --debug`, Werkzeug
/// 3.1) ends so a streamed page whose generator raised midway, and Tornado a handler that raised
/// after a flush, failures of that answer alone. The run ended at once, exit 5, "… try again
/// later", where the next try got the page: it is retried as a body cut short by its connection's
/// close is, and the walk goes on.
#[test]
fn a_chunked_page_ended_before_its_json_once_is_retried() {
    const ENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n{\"count\": 3, \"_embedded\": {\"accounts\": [\r\n0\r\n\r\n";
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(9),
        page_cap: 3,
        faults: once(RequestMatch::Page(2), FaultKind::RawResponse(ENDED), 1),
        ..FakeConfig::default()
    });
    let out = list_json(&api, &[], true);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let listed: Vec<Value> = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(listed.len(), 9, "{stderr}");
    assert!(stderr.contains("needed 1 retry"), "{stderr}");
    assert_eq!(api.requests_for_page(2), 2, "tried again once");
}

/// Out of file descriptors (`ulimit -n 5`), the hidden file of
/// `--output-file` could not be made, and the error said "cannot create a
/// file in its folder; check that the folder exists and is writable",
/// which it was. It names the open-file limit; yesterday's file stays.
#[cfg(unix)]
#[test]
fn out_of_file_descriptors_the_output_file_names_the_limit_not_the_folder() {
    let api = fake(simple_accounts(3), Faults::default());
    let sb = Sandbox::new();
    let file = yesterdays_file(&sb);
    let tool = sb.spawnable_tool(&api);
    let out = support::with_open_file_limit(tool.get_program(), tool.get_envs(), 5)
        .args(["list", "-o", "csv", "--no-cache", "--concurrency", "1"])
        .arg("--output-file")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create a file in its folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("exists and is writable"), "{stderr}");
    assert!(
        stderr.contains("the open-file limit (ulimit -n)"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), YESTERDAY);
}

/// Started in a current folder deleted meanwhile (a cron job's release
/// folder replaced by a deploy), a relative `--output-file`, `--history` or
/// `--config` could not be written, and the errors said "check that the
/// folder exists and is writable", "check the folder's permissions" and
/// "cannot write in .; check its permissions" (and `trend` "no snapshot
/// yet …; run `talkdesk-accounts snapshot` first"): they say the current
/// folder no longer exists, and to cd to one that does or give a full path.
#[cfg(unix)]
#[test]
fn a_deleted_current_folder_is_named_as_such() {
    let api = fake(simple_accounts(3), Faults::default());
    let sb = Sandbox::new();
    let tool = sb.spawnable_tool(&api);
    for args in [
        &["list", "-o", "csv", "--output-file", "out.csv"][..],
        &["--history", "h.sqlite3", "snapshot"],
        &["--history", "h.sqlite3", "trend"],
        &["-c", "c.toml", "config", "init"],
    ] {
        let gone = sb.path("gone");
        fs::create_dir(&gone).unwrap();
        let out = support::in_a_deleted_folder(tool.get_program(), tool.get_envs(), &gone)
            .args(args)
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the current folder no longer exists"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("permissions"), "{args:?}: {stderr}");
    }
}

/// Accounts 1..=6, 3 a page; after page 1, account 1 was removed: page 2
/// says a total of 5 and holds accounts 5 and 6, so account 4 is never
/// seen. `--limit 4` printed 1, 2, 3 and 5 as the first four, silently:
/// the changed total warned only on a walk to the end (found by a seeded
/// differential fuzz of the page walk).
#[test]
fn a_total_that_changes_before_the_limit_is_met_warns() {
    let all = simple_accounts(6);
    let page_two = json!({
        "page": 2, "per_page": 3, "total": 5, "total_pages": 2,
        "_embedded": {"accounts": [all[4], all[5]]},
    });
    let api = fake(
        all,
        always(RequestMatch::Page(2), FaultKind::Json(page_two)),
    );
    let sb = Sandbox::new();
    let args = ["list", "-o", "jsonl", "--per-page", "3", "--limit", "4"];
    let out = sb.tool(&api).args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 4);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("warning: the API's total went from 6 on the first page to 5 on page 2"),
        "{stderr}"
    );
}

/// Accounts 1..=5, 2 a page, no `total`; after page 1, account 1 was
/// removed: page 2 says 2 pages (not 3) and holds accounts 4 and 5, and
/// the walk ends there. Account 3 was missed without a word: with no
/// `total`, a `total_pages` that moved is the sign (found by a seeded
/// differential fuzz of the page walk).
#[test]
fn without_a_total_total_pages_that_change_during_the_walk_warn() {
    let all = simple_accounts(5);
    let page = |n: u64, pages: u64, accounts: &[Value]| {
        let page = json!({
            "page": n, "per_page": 2, "total_pages": pages,
            "_embedded": {"accounts": accounts},
        });
        (RequestMatch::Page(n), FaultKind::Json(page))
    };
    let faults = Faults {
        always: vec![page(1, 3, &all[..2]), page(2, 2, &all[3..])],
        ..Faults::default()
    };
    let api = fake(all, faults);
    let warning = "the API's total_pages went from 3 on the first page to 2 on page 2";
    let listed = warned_and_not_recorded(&api, "2", warning, warning);
    assert_eq!(listed.lines().count(), 4);
}

/// Accounts 1..=3, 2 a page, no `total`; after page 1, account 1 was
/// removed: page 2 is empty and says 1 page (not 2), so account 3 was
/// missed without a word. An empty page's `total_pages` of 0 may be its
/// own (past the end); any other is the accounts' (found by a seeded
/// differential fuzz of the page walk).
#[test]
fn an_empty_last_page_whose_total_pages_moved_warns() {
    let all = simple_accounts(3);
    let page = |n: u64, pages: u64, accounts: &[Value]| {
        let page = json!({
            "page": n, "per_page": 2, "total_pages": pages,
            "_embedded": {"accounts": accounts},
        });
        (RequestMatch::Page(n), FaultKind::Json(page))
    };
    let faults = Faults {
        always: vec![page(1, 2, &all[..2]), page(2, 1, &[])],
        ..Faults::default()
    };
    let api = fake(all, faults);
    let warning = "the API's total_pages went from 2 on the first page to 1 on page 2";
    let listed = warned_and_not_recorded(&api, "2", warning, warning);
    assert_eq!(listed.lines().count(), 2);
}

/// A server on `listener` answering each request on its own connection: the token, page 1 of
/// two, and page 2 by `page_2` (its answer's bytes, a pause, more bytes), whose calls it counts.
fn serve_two_pages(
    listener: TcpListener,
    page_2: fn(&mut std::net::TcpStream, usize),
) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use std::io::{Read, Write};
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = asked.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let counted = counted.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_string();
                let body = if head.starts_with("POST") {
                    json!({"access_token": "tok-abcdef-123456", "token_type": "Bearer", "expires_in": 3600})
                } else if head.contains("page=2") {
                    let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    return page_2(&mut stream, n);
                } else {
                    two_pages_page(1)
                };
                let body = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    asked
}

/// puma 5.6, when a Rack application raises while its chunked body is being sent, writes its
/// `HTTP/1.1 500 Internal Server Error` head where the next chunk-size line should be, and
/// closes: the run ended at once, "the answer's chunked body could not be read (chunk expected
/// crlf as next character): a chunk-size line longer than the 20 bytes …", of a server that
/// failed once midway, which the next try gets through. A body that began and whose framing
/// then breaks is now retried, and when every try ends so the error says the server failed.
#[test]
fn a_chunked_body_puma_broke_off_with_its_500_is_retried() {
    fn page_2(stream: &mut std::net::TcpStream, n: usize, tries_broken: usize) {
        use std::io::Write;
        if let Some(body) = chunked_page_2_whole_after(stream, n, tries_broken) {
            let _ = write!(stream, "a\r\n{}\r\n", &body[..10]);
            let _ = stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\n\r\n");
        }
    }
    let err = broken_once_then_always(
        |stream, n| page_2(stream, n, 1),
        |stream, n| page_2(stream, n, usize::MAX),
    );
    assert!(err.contains("a chunk that could not be read"), "{err}");
    assert!(err.contains("puma writes its 500 answer so"), "{err}");
}

/// A walk of two pages (`--max-retries 1`) against page 2 broken `once`, which the retry gets
/// through, then against it broken on every try (`always`): exit 5 after 1 retry, whose
/// error line it gives back.
fn broken_once_then_always(
    once: fn(&mut std::net::TcpStream, usize),
    always: fn(&mut std::net::TcpStream, usize),
) -> String {
    for (page_2, ok) in [(once, true), (always, false)] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let asked = serve_two_pages(listener, page_2);
        let out = list_two_pages_at(addr, &["--max-retries", "1"]);
        let err = stderr_of(&out);
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2, "{err}");
        if ok {
            assert!(out.status.success(), "{err}");
            assert_eq!(stdout_of(&out).lines().count(), 2, "{err}");
        } else {
            assert_eq!(out.status.code(), Some(5), "{err}");
            assert!(err.contains("(after 1 retry)"), "{err}");
            return err;
        }
    }
    unreachable!("the run against `always` fails")
}

/// WireMock 3.13's `MALFORMED_RESPONSE_CHUNK` fault answers `200`, chunked, with bytes and no line
/// end where a chunk-size line goes, then closes; so does any chunked answer whose connection is
/// cut inside a chunk-size line (a worker that crashed, a connection dropped midway). ureq finds
/// such a body stalled, and the run ended at once, "the answer is not valid HTTP (its body could
/// not be read to its end); check base_url", on page 2 of a base_url that answered page 1, where a
/// cut one byte later, inside a chunk, was retried. It is a body cut short by its connection's
/// close: retried, and when every try ends so the error says the server closed it before its end.
#[test]
fn a_chunked_body_cut_inside_a_chunk_size_line_is_retried() {
    fn page_2(stream: &mut std::net::TcpStream, n: usize, tries_broken: usize, cut: &[u8]) {
        use std::io::Write;
        if let Some(body) = chunked_page_2_whole_after(stream, n, tries_broken) {
            let _ = write!(stream, "a\r\n{}\r\n", &body[..10]);
            let _ = stream.write_all(cut);
        }
    }
    const WIREMOCK: &[u8] = b"lskdu018973t09sylgasjkfg1][]'./.sdlv";
    let err = broken_once_then_always(
        |stream, n| page_2(stream, n, 1, WIREMOCK),
        |stream, n| page_2(stream, n, usize::MAX, b"2"),
    );
    assert!(err.contains("body stopped after 10 bytes"), "{err}");
    assert!(
        err.contains("closed the connection before a chunk-size line ended with CRLF"),
        "{err}"
    );
    assert!(
        !err.contains("not valid HTTP") && !err.contains("check base_url"),
        "{err}"
    );
}

/// A server that ends its chunk-size lines with a bare LF (an answer written by hand, a TCP
/// imposter's `\n`) sends its whole body, and ureq, which reads no line end but CRLF, finds it
/// stalled at its close, as it does a body cut inside a size line: retried, and the same on every
/// try. The error said "closed before a chunk-size line ended … the server began its answer and
/// closed the connection before its end: … a worker that crashed", of a body that came whole: it
/// names the bare LF too, as something whoever runs the server must fix.
#[test]
fn a_chunked_body_whose_size_lines_end_in_a_bare_lf_names_that_too() {
    let lf: fn(&mut std::net::TcpStream, usize) = |stream, _| {
        use std::io::Write;
        let body = two_pages_page(2).to_string();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\n{body}\n0\n\n",
            body.len()
        );
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = serve_two_pages(listener, lf);
    let out = list_two_pages_at(addr, &["--max-retries", "1"]);
    let err = stderr_of(&out);
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2, "{err}");
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("body stopped after 0 bytes"), "{err}");
    assert!(
        err.contains("ends its chunk-size lines with a bare LF on every answer"),
        "{err}"
    );
    assert!(
        !err.contains("closed the connection before its end"),
        "{err}"
    );
}

/// Page `page` of two, one account each, linked to the next.
fn two_pages_page(page: u64) -> Value {
    let next = json!({"next": {"href": "/express/accounts?page=2&per_page=1"}});
    json!({
        "count": 1, "page": page, "per_page": 1, "total": 2, "total_pages": 2,
        "_embedded": {"accounts": [{"id": format!("a{page}"), "name": "n", "status": "ACTIVE"}]},
        "_links": if page == 1 { next } else { json!({}) },
    })
}

/// Writes page 2's chunked head, then from try `tries_broken` on (counted from 0) its whole
/// body (None); before, gives back the body for the test to break.
fn chunked_page_2_whole_after(
    stream: &mut std::net::TcpStream,
    n: usize,
    tries_broken: usize,
) -> Option<String> {
    use std::io::Write;
    let body = two_pages_page(2).to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    if n >= tries_broken {
        let _ = write!(stream, "{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
        return None;
    }
    Some(body)
}

/// `list -o jsonl --concurrency 1`, and `more` arguments, against a server of two pages at `addr`.
fn list_two_pages_at(addr: std::net::SocketAddr, more: &[&str]) -> std::process::Output {
    let sb = Sandbox::new();
    let mut cmd = sb.bare();
    cmd.env("TALKDESK_BASE_URL", format!("http://{addr}"))
        .env("TALKDESK_TOKEN_URL", format!("http://{addr}/oauth/token"))
        .env("TALKDESK_CLIENT_ID", "id")
        .env("TALKDESK_CLIENT_SECRET", "secret")
        .args(["list", "-o", "jsonl", "--concurrency", "1"])
        .args(more);
    cmd.output().unwrap()
}

/// h2o 2.2.5 (`proxy.reverse.url`), when the server behind it stalls mid-answer past its
/// `proxy.timeout.io`, ends the chunked body it was passing on with bytes that are no chunk
/// (`\r\n1\r\n`) and closes: the run ended at once, "the answer is not valid HTTP (chunk length
/// cannot be read as a number)", where the same stall behind lighttpd or with the server alone
/// is a body that stopped, retried. Framing that breaks after a pause mid-body is retried so.
#[test]
fn a_chunked_body_broken_off_after_a_pause_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = serve_two_pages(listener, |stream, n| {
        use std::io::Write;
        let Some(body) = chunked_page_2_whole_after(stream, n, 1) else {
            return;
        };
        let _ = write!(stream, "a\r\n{}\r\n", &body[..10]);
        let _ = stream.flush();
        // The gateway's I/O timeout, then what h2o sends.
        std::thread::sleep(Duration::from_millis(2500));
        let _ = stream.write_all(b"\r\n1\r\n");
    });
    let out = list_two_pages_at(addr, &[]);
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(stdout_of(&out).lines().count(), 2, "{err}");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 2, "{err}");
}

/// The same bytes after the same pause with no byte of the body got before them are no gateway
/// that gave up mid-answer (it passed nothing on): the answer is not valid HTTP from its first
/// chunk, final at once as any such answer, not retried.
#[test]
fn a_chunked_body_unreadable_from_its_first_chunk_after_a_pause_is_not_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = serve_two_pages(listener, |stream, n| {
        use std::io::Write;
        if chunked_page_2_whole_after(stream, n, 1).is_none() {
            return;
        }
        let _ = stream.flush();
        std::thread::sleep(Duration::from_millis(1500));
        let _ = stream.write_all(b"\r\n1\r\n");
    });
    let out = list_two_pages_at(addr, &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("is not valid HTTP"), "{err}");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1, "{err}");
}

/// `TALKDESK_BACKOFF_SCALE` is a number from 0 to 1: `0` waits for no
/// `Retry-After`, and a negative number is no scale (the wait stays whole),
/// not a scale of 0.
#[test]
fn a_backoff_scale_of_0_waits_nothing_and_a_negative_one_is_ignored() {
    let faults = || Faults {
        script: vec![(
            RequestMatch::Page(2),
            FaultKind::RetryAfter(429, "1".into()),
        )],
        ..Faults::default()
    };
    let (out, none) = delays_for(faults(), "0", &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_retry_after_waits(&none, &[0.0]);
    let (out, whole) = delays_for(faults(), "-1", &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_retry_after_waits(&whole, &[1.0]);
}
