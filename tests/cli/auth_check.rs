//! `auth check` against the fake API: one call with per_page=1, the
//! report's values, the token cache, and exit 4 with hints on refusal.
use crate::support;

use std::time::{SystemTime, UNIX_EPOCH};

use support::fake_api::{FakeApi, FakeConfig, simple_accounts};
use support::{Sandbox, stderr_of, stdout_of};

fn fake() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(123),
        expires_in: 1800,
        scope: "express-accounts:read openid".into(),
        ..FakeConfig::default()
    })
}

/// Unix seconds of `YYYY-MM-DD HH:MM:SS` (UTC), by days-from-civil.
fn unix_secs(text: &str) -> u64 {
    let n: Vec<i64> = text
        .split(['-', ' ', ':'])
        .map(|p| p.parse().unwrap())
        .collect();
    let (m, d) = (n[1], n[2]);
    let y = n[0] - i64::from(m <= 2);
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 86_400 + n[3] * 3600 + n[4] * 60 + n[5]) as u64
}

/// The value after `  key` in the report.
fn value<'a>(report: &'a str, key: &str) -> &'a str {
    report
        .lines()
        .find_map(|l| l.strip_prefix(&format!("  {key:<11} ")))
        .unwrap_or_else(|| panic!("no {key} in {report}"))
}

#[test]
fn reports_ok_scopes_expiry_source_and_total_after_one_call() {
    let sb = Sandbox::new();
    let fake = fake();
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report = stdout_of(&output);
    assert!(report.starts_with("OK: "), "{report}");
    assert_eq!(value(&report, "scopes"), "express-accounts:read openid");
    assert_eq!(value(&report, "accounts"), "123");
    assert_eq!(value(&report, "token from"), "a new token request");
    assert_eq!(value(&report, "client id"), "test-client");
    assert_eq!(value(&report, "token url"), fake.token_url());
    assert!(!report.contains("test-secret-value"));

    // Expiry: about 30 minutes from now, as a UTC time and minutes left.
    let expires = value(&report, "expires");
    let (when, left) = expires.split_once(" UTC (in ").unwrap();
    let minutes: u64 = left.trim_end_matches(" min)").parse().unwrap();
    assert!((29..=30).contains(&minutes), "{expires}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = unix_secs(when);
    assert!(
        at >= now + 1800 - 120 && at <= now + 1800,
        "{when} vs now {now}"
    );

    let pages: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/express/accounts")
        .collect();
    assert_eq!(pages.len(), 1, "one API call");
    assert_eq!(pages[0].query_param("per_page").as_deref(), Some("1"));
    assert_eq!(fake.token_requests(), 1);
}

#[test]
fn a_second_check_uses_the_cached_token_unless_no_cache() {
    let sb = Sandbox::new();
    let fake = fake();
    let first = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(first.status.success());
    let second = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert_eq!(value(&stdout_of(&second), "token from"), "the token cache");
    assert_eq!(fake.token_requests(), 1);

    let fresh = sb
        .tool(&fake)
        .args(["auth", "check", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(
        value(&stdout_of(&fresh), "token from"),
        "a new token request"
    );
    assert_eq!(fake.token_requests(), 2);
}

#[test]
fn no_cache_writes_no_cache() {
    let sb = Sandbox::new();
    let fake = fake();
    let output = sb
        .tool(&fake)
        .args(["auth", "check", "--no-cache"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(!sb.token_cache_dir().exists());
}

#[test]
fn a_refused_token_request_exits_4_with_the_hint() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        client_secret: "the-real-secret".into(),
        ..FakeConfig::default()
    });
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: token request to"), "{stderr}");
    assert!(
        stderr.contains("check client_id and client_secret"),
        "{stderr}"
    );
    assert!(!stderr.contains("test-secret-value"));
    assert_eq!(stdout_of(&output), "", "no OK");
}

#[test]
fn a_token_without_the_scope_exits_4_with_the_scope_hint() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        scope: "openid".into(),
        ..FakeConfig::default()
    });
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("403"), "{stderr}");
    assert!(stderr.contains("express-accounts:read"), "{stderr}");
}

#[test]
fn missing_credentials_are_a_config_error() {
    let sb = Sandbox::new();
    let output = sb.bare().args(["auth", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("TALKDESK_CLIENT_ID"));
}
