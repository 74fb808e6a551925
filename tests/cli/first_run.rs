//! A first run that says what to do (issue 13, item 4): every missing
//! setting in one error with the config file looked for and
//! `config init`; a host name that does not resolve points at
//! `account_name` and `region`, without pointless retries.

use crate::support;

use support::fake_api::{FakeApi, FakeConfig};
use support::{Sandbox, stderr_of};

fn one_error_line(output: &std::process::Output, code: i32) -> String {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn with_nothing_configured_one_error_names_every_missing_setting_the_file_and_config_init() {
    let sandbox = Sandbox::new();
    let output = sandbox.bare().arg("list").output().expect("run");
    let line = one_error_line(&output, 3);
    let path = sandbox.default_config_path();
    for part in [
        "client_id",
        "TALKDESK_CLIENT_ID",
        "client_secret",
        "TALKDESK_CLIENT_SECRET",
        "account_name",
        "TALKDESK_ACCOUNT_NAME",
        &format!("{} does not exist", path.display()),
        "talkdesk-accounts config init",
    ] {
        assert!(line.contains(part), "{part:?} missing from {line}");
    }
}

#[test]
fn with_a_config_file_the_error_names_the_profile_and_only_what_is_missing() {
    let sandbox = Sandbox::new();
    let path = sandbox.default_config_path();
    support::write_private(&path, "[default]\nclient_id = \"me\"\n");
    let output = sandbox.bare().arg("summary").output().expect("run");
    let line = one_error_line(&output, 3);
    assert!(line.contains("client_secret"), "{line}");
    assert!(line.contains("account_name"), "{line}");
    assert!(!line.contains("client_id"), "{line}");
    assert!(line.contains("profile [default]"), "{line}");
    assert!(line.contains(&path.display().to_string()), "{line}");
    assert!(!line.contains("does not exist"), "{line}");
}

#[test]
fn a_token_host_that_does_not_resolve_names_account_name_and_region_and_is_not_retried() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    // `.invalid` never resolves (RFC 6761).
    let output = sandbox
        .tool(&fake)
        .env("TALKDESK_TOKEN_URL", "https://acme.invalid/oauth/token")
        .args(["list", "--max-retries", "1", "--no-cache"])
        .output()
        .expect("run");
    let line = one_error_line(&output, 5);
    for part in [
        "acme.invalid",
        "cannot resolve the host name",
        "account_name",
        "region",
    ] {
        assert!(line.contains(part), "{part:?} missing from {line}");
    }
    // A resolver that answers says the name does not exist: final at once.
    // One that cannot answer (no DNS server reachable) is a temporary
    // failure, retried like any network error, with the same hint.
    if !line.contains("for now") {
        assert!(!line.contains("retr"), "not retried: {line}");
        assert!(!line.contains("--timeout"), "no timeout hint: {line}");
    }
    assert!(fake.requests().is_empty());
}
