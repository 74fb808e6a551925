//! Exit codes and error messages (SPEC §5): each kind of failure, driven
//! through the real binary. Every error is one `error: ` line on stderr,
//! never a panic or a backtrace.

use crate::support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;
use serde_json::{Value, json};
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, sample_accounts, simple_accounts,
};
use support::{Sandbox, stderr_of, stdout_of};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fake_with_faults(accounts: Vec<Value>, always: Vec<(RequestMatch, FaultKind)>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        faults: Faults {
            always,
            ..Faults::default()
        },
        ..FakeConfig::default()
    })
}

/// A fake whose first request matching an entry of `script` is answered so, once.
fn fake_with_script(accounts: Vec<Value>, script: Vec<(RequestMatch, FaultKind)>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        faults: Faults {
            script,
            ..Faults::default()
        },
        ..FakeConfig::default()
    })
}

/// Runs with RUST_BACKTRACE set, so a panic would show its backtrace.
fn run(mut cmd: Command) -> Output {
    cmd.env("RUST_BACKTRACE", "1").output().expect("run")
}

/// Checks the exit code and that stderr is exactly one `error: ` line,
/// without panic or backtrace; returns that line.
fn fails_with(output: &Output, code: i32) -> String {
    let stderr = stderr_of(output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit {code}, stderr: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for word in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!stderr.contains(word), "{word}: {stderr}");
    }
    assert!(output.stdout.is_empty(), "nothing on stdout");
    stderr.trim_end().to_string()
}

/// A fake of 2 pages whose page 2 always answers `fault`, and the one-line error of
/// `list --concurrency 1` with `args` against it (exit 5).
fn page_2_fails(fault: FaultKind, args: &[&str]) -> (FakeApi, String) {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: Faults::always(RequestMatch::Page(2), fault),
        ..FakeConfig::default()
    });
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--concurrency", "1"]).args(args);
    let line = fails_with(&run(cmd), 5);
    (fake, line)
}

/// [`every_page_refused`] with a JSON 401 with `fields` (each line ending
/// in CRLF) whose body is `body`.
fn every_page_refused_401(fields: &str, body: &str) -> String {
    let raw = format!(
        "HTTP/1.1 401 Unauthorized\r\n{fields}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    every_page_refused(raw.into_bytes().leak())
}

/// The one-line error of `list --no-cache` against a fake answering every page `raw`, a refusal
/// (exit 4).
fn every_page_refused(raw: &'static [u8]) -> String {
    let fault = FaultKind::RawResponse(raw);
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--no-cache"]);
    fails_with(&run(cmd), 4)
}

/// The one-line error of `list --max-retries 0` against a fake answering every token request
/// `raw`, with exit `code`.
fn token_answered(raw: &'static [u8], code: i32) -> String {
    token_fails(FaultKind::RawResponse(raw), code)
}

/// The one-line error of `list --max-retries 0` against a fake answering every token request
/// with `fault`, with exit `code`.
fn token_fails(fault: FaultKind, code: i32) -> String {
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::Token, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    fails_with(&run(cmd), code)
}

/// [`token_answered`], then the same of every page: each one-line error, with the setting it
/// is of.
fn token_and_pages_answered(raw: &'static [u8], code: i32) -> [(String, &'static str); 2] {
    let fault = FaultKind::RawResponse(raw);
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    let page = fails_with(&run(cmd), code);
    [(token_answered(raw, code), "token_url"), (page, "base_url")]
}

fn assert_contains(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            haystack.contains(needle),
            "`{needle}` missing from: {haystack}"
        );
    }
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

// ---------------------------------------------------------------------------------------------
// 2: usage errors (clap's own)
// ---------------------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2_without_a_request() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    for args in [
        &["list", "--per-page", "0"][..],
        &["list", "--per-page", "101"],
        &["list", "--limit", "0"],
        &["list", "--limit", "many"],
        &["list", "--page", "0"],
        &["list", "-o", "xml"],
        &["list", "--no-such-flag"],
        &["list", "--status", "GONE"],
        &["no-such-command"],
    ] {
        let mut cmd = sandbox.tool(&fake);
        cmd.args(args);
        let output = run(cmd);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&output);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn an_unknown_output_format_lists_the_formats() {
    let sandbox = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "xml"]);
    let stderr = stderr_of(&run(cmd));
    assert_contains(&stderr, &["xml", "table", "json", "jsonl", "csv"]);
}

#[test]
fn an_empty_column_name_is_a_usage_error() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "csv", "--columns", "id,,status"]);
    let line = fails_with(&run(cmd), 2);
    assert_contains(&line, &["--columns", "id,,status"]);
    assert!(fake.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// 1: anything else
// ---------------------------------------------------------------------------------------------

#[test]
fn an_output_file_that_is_a_folder_exits_1() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let folder = sandbox.path("exports");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--output-file"]).arg(&folder);
    let line = fails_with(&run(cmd), 1);
    assert_contains(&line, &["exports", "folder"]);
    assert!(fake.requests().is_empty());
    assert_eq!(std::fs::read_dir(&folder).expect("read").count(), 0);
}

// ---------------------------------------------------------------------------------------------
// 3: configuration
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_credentials_exit_3_saying_what_to_set() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();

    let mut cmd = sandbox.bare();
    cmd.env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .args(["list"]);
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["client_id", "TALKDESK_CLIENT_ID"]);

    let mut cmd = sandbox.bare();
    cmd.env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .args(["list"]);
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["client_secret", "TALKDESK_CLIENT_SECRET"]);

    let mut cmd = sandbox.bare();
    cmd.env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .args(["list"]);
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["token_url", "TALKDESK_ACCOUNT_NAME"]);

    assert!(fake.requests().is_empty());
}

#[test]
fn an_unknown_profile_exits_3_naming_it_and_the_profiles_there() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let path = sandbox.write_config(
        "config.toml",
        "[default]\nclient_id = \"a\"\n\n[staging]\nclient_id = \"b\"\n",
    );
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("--config")
        .arg(&path)
        .args(["--profile", "prod", "list"]);
    let line = fails_with(&run(cmd), 3);
    assert_contains(
        &line,
        &["`prod`", &path.display().to_string(), "default", "staging"],
    );

    let mut cmd = sandbox.tool(&fake);
    cmd.arg("--config")
        .arg(&path)
        .env("TALKDESK_PROFILE", "qa")
        .args(["list"]);
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["`qa`"]);
    assert!(fake.requests().is_empty());
}

#[test]
fn a_malformed_config_file_exits_3_naming_the_file_and_the_line() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let path = sandbox.write_config(
        "broken.toml",
        "[default]\nclient_id = \"abc\"\nclient_secret = \"unterminated\n",
    );
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("--config").arg(&path).arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &[&path.display().to_string(), "line 3"]);
}

#[test]
fn a_setting_outside_any_profile_exits_3() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("flat.toml", "client_id = \"abc\"\n");
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("--config").arg(&path).arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &[&path.display().to_string(), "line 1", "[default]"]);
}

#[test]
fn an_unknown_key_exits_3_naming_the_key_and_the_line() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let path = sandbox.write_config(
        "typo.toml",
        "# mine\n[default]\nclient_id = \"abc\"\nclient_secert = \"xyz\"\n",
    );
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("--config").arg(&path).arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(
        &line,
        &[&path.display().to_string(), "line 4", "client_secert"],
    );
}

#[test]
fn an_unknown_region_exits_3() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let path = sandbox.write_config(
        "region.toml",
        "[default]\naccount_name = \"acme\"\nregion = \"mars\"\n",
    );
    let mut cmd = sandbox.bare();
    cmd.arg("--config").arg(&path).arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(
        &line,
        &[
            &path.display().to_string(),
            "line 3",
            "mars",
            "us, eu or ca",
        ],
    );

    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_REGION", "apac").arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["TALKDESK_REGION", "apac", "us, eu or ca"]);
    assert!(fake.requests().is_empty());
}

#[test]
fn plain_http_to_a_non_loopback_host_exits_3() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_BASE_URL", "http://api.example.com")
        .arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["api.example.com", "https://"]);

    let path = sandbox.write_config(
        "insecure.toml",
        "[default]\nclient_id = \"a\"\nclient_secret = \"b\"\ntoken_url = \"http://10.1.2.3/oauth/token\"\n",
    );
    let mut cmd = sandbox.bare();
    cmd.arg("--config").arg(&path).arg("list");
    let line = fails_with(&run(cmd), 3);
    assert_contains(&line, &["line 4", "token_url", "10.1.2.3", "https://"]);
    assert!(fake.requests().is_empty());
}

/// `list` against `fake` with its base_url replaced by `base_url`, given as `TALKDESK_BASE_URL`
/// and then in a config file (line 2 of it): the two error lines (exit 3), the second with
/// `CONFIG` where it names the file's path; no request sent.
fn base_url_refused(fake: &FakeApi, base_url: &str) -> [String; 2] {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(fake);
    cmd.env("TALKDESK_BASE_URL", base_url).arg("list");
    let from_the_variable = fails_with(&run(cmd), 3);
    let path = sandbox.write_config(
        "config.toml",
        &format!(
            "[default]\nbase_url = \"{base_url}\"\ntoken_url = \"{}\"\nclient_id = \"test-client\"\nclient_secret = \"test-secret-value\"\n",
            fake.token_url()
        ),
    );
    let mut cmd = sandbox.bare();
    cmd.arg("--config").arg(&path).arg("list");
    let from_the_file = fails_with(&run(cmd), 3);
    assert!(fake.requests().is_empty());
    let named = format!("error: config file {}, line 2: ", path.display());
    let from_the_file = match from_the_file.strip_prefix(&named) {
        Some(rest) => format!("error: config file CONFIG, line 2: {rest}"),
        None => from_the_file,
    };
    [from_the_variable, from_the_file]
}

/// An IPv6 address with a zone in base_url (`[fe80::1%25eth0]`, RFC 6874): WHATWG URLs, and so
/// this tool, have none (`ZONED`), exit 3, from the variable or the file.
#[test]
fn a_base_url_with_a_zoned_ipv6_address_is_refused_as_unsupported() {
    let zoned = "has an IPv6 address with a zone (`%…` inside `[…]`), which is not supported; use a host name, or an address without a zone (not a link-local fe80:: one)";
    assert_eq!(
        base_url_refused(
            &FakeApi::start(FakeConfig::default()),
            "http://[fe80::1%25eth0]/"
        ),
        [
            format!("error: TALKDESK_BASE_URL: `http://[fe80::1%25eth0]/` {zoned}"),
            format!(
                "error: config file CONFIG, line 2: `base_url` `http://[fe80::1%25eth0]/` {zoned}"
            ),
        ]
    );
}

/// A link-local IPv6 address without a zone in base_url (`[fe80::1]`) cannot be reached, and a
/// URL can carry no zone (`UNZONED`), exit 3, from the variable or the file.
#[test]
fn a_base_url_with_a_link_local_ipv6_address_is_refused_as_unreachable() {
    let unzoned = "has a link-local IPv6 address, which cannot be reached without a zone (`%25eth0`), and URLs carry none; use a host name, or an address that is not link-local";
    assert_eq!(
        base_url_refused(&FakeApi::start(FakeConfig::default()), "http://[fe80::1]/"),
        [
            format!("error: TALKDESK_BASE_URL: `http://[fe80::1]/` {unzoned}"),
            format!("error: config file CONFIG, line 2: `base_url` `http://[fe80::1]/` {unzoned}"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 4: authentication and authorization
// ---------------------------------------------------------------------------------------------

#[test]
fn a_refused_client_secret_exits_4() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_CLIENT_SECRET", "wrong-secret")
        .arg("list");
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &["HTTP 401", "invalid_client", "client_id and client_secret"],
    );
    assert!(!line.contains("wrong-secret"), "the secret is never shown");
    assert_eq!(fake.token_requests(), 1);
    assert!(fake.page_requests().is_empty());
}

#[test]
fn a_403_exits_4_with_the_scope_hint() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        scope: "some-other:read".into(),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("list");
    let line = fails_with(&run(cmd), 4);
    assert_contains(&line, &["HTTP 403", "express-accounts:read"]);
    assert_eq!(fake.page_requests(), vec![1], "a 403 is not retried");
}

#[test]
fn a_401_that_persists_after_a_new_token_exits_4() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Status(401))],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("list");
    let line = fails_with(&run(cmd), 4);
    assert_contains(&line, &["HTTP 401", "client id and secret"]);
    assert_eq!(fake.token_requests(), 2, "one new token after the 401");
    assert_eq!(
        fake.page_requests(),
        vec![1, 1],
        "the request repeated once"
    );
}

/// Varnish 7.1.1 told to cache every GET (`return (hash)` in `vcl_recv`, a
/// TTL set in `vcl_backend_response`) stored the API's 401 for a token it
/// no longer took, and served it with `Age: 4` to the new token the token
/// endpoint had just granted: the error said "check the client id and
/// secret", which that endpoint had just accepted. A 401 with an `Age` came
/// from a cache, stored before: the error says so. Exit 4 still (a 401
/// that persists after a new token, §5).
#[test]
fn a_401_a_cache_stored_names_the_cache_not_the_credentials() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Cached(401, 4))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.arg("list");
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &["HTTP 401", "Age: 4", "a cache in front of the API"],
    );
    assert!(!line.contains("client id and secret"), "{line}");
    assert_eq!(fake.token_requests(), 2, "one new token after the 401");
}

/// Varnish told to cache every GET (its VCL `return (hash)` with a `ttl`
/// for every status) stored a 429 (and a 503) with `Retry-After: 3`, and
/// served it to every retry, `Age` growing past the wait it asked: the
/// run failed saying "the API or a gateway before it is rate limiting;
/// try again later or raise --max-retries", where more retries meet the
/// same stored answer. It names the cache, as a stored 401 does.
#[test]
fn a_refusal_a_cache_stored_names_the_cache() {
    for status in [429, 503] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(RequestMatch::AnyPage, FaultKind::Cached(status, 30))],
        );
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.arg("list");
        let line = fails_with(&run(cmd), 5);
        assert_contains(
            &line,
            &[
                &format!("HTTP {status} after 4 retries"),
                "Age: 30",
                "a cache in front of the API",
            ],
        );
        assert!(!line.contains("raise --max-retries"), "{line}");
    }
}

/// The same stored 429 with `--max-retries 0` was not retried, yet was
/// said to be answered "to every retry": no retry was sent. It still names
/// the cache and its `Age`, and claims no retry.
#[test]
fn a_refusal_a_cache_stored_not_retried_claims_no_retry() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Cached(429, 30))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &["HTTP 429", "Age: 30", "a cache in front of the API"],
    );
    assert!(!line.contains("retry"), "{line}");
}

/// Page 2 refused with a 401 for the token that page 1 was answered with,
/// and again for the new token the token endpoint then granted, said
/// "check the client id and secret": both had just worked. Exit 4 still (a
/// 401 that persists after a new token, §5), naming what does refuse, and
/// a load balancer whose servers do not share tokens (pen's round robin).
#[test]
fn a_401_for_a_later_page_does_not_blame_the_credentials() {
    let fake = fake_failing_on(6, 2, FaultKind::Status(401));
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &[
            "page=2",
            "HTTP 401",
            "earlier pages were answered",
            "granted a new one",
            // pen 0.34's round robin over two servers, each taking only its own tokens.
            "servers that do not share their tokens",
        ],
    );
    assert!(!line.contains("client id and secret"), "{line}");
    assert_eq!(fake.token_requests(), 2, "one new token after the 401");
}

#[test]
fn a_401_cured_by_a_new_token_is_not_an_error() {
    for sequential in [true, false] {
        let fake = FakeApi::start(FakeConfig {
            accounts: simple_accounts(30),
            faults: Faults {
                script: vec![(RequestMatch::Page(2), FaultKind::Status(401))],
                ..Faults::default()
            },
            ..FakeConfig::default()
        });
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "-o", "json", "--per-page", "10"]);
        if sequential {
            cmd.args(["--concurrency", "1"]);
        }
        let output = run(cmd);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(parsed, simple_accounts(30), "sequential: {sequential}");
        assert_eq!(fake.token_requests(), 2, "sequential: {sequential}");
        if sequential {
            // --concurrency 1: the refused request is repeated before page 3.
            assert_eq!(fake.page_requests(), vec![1, 2, 2, 3]);
        } else {
            assert_eq!(fake.sorted_page_requests(), vec![1, 2, 2, 3]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5: the API or the network
// ---------------------------------------------------------------------------------------------

#[test]
fn a_500_that_outlives_the_retries_exits_5() {
    for sequential in [true, false] {
        let fake = fake_with_faults(
            simple_accounts(30),
            vec![(RequestMatch::Page(2), FaultKind::Status(500))],
        );
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--per-page", "10", "--max-retries", "2"]);
        if sequential {
            cmd.args(["--concurrency", "1"]);
        }
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["HTTP 500", "after 2 retries", "page=2"]);
        support::assert_failed_walk_requests(&fake, sequential, 2, 3, 3, "failed walk");
    }
}

/// eventlet's WSGI server (0.41, `debug=True`, its default) answers an application's exception
/// with `500` and the Python traceback as text, as Starlette (1.10, `debug=True`) does to a client
/// that does not ask for HTML. The run showed the traceback's first 200 characters, the server's
/// own frames ("Traceback (most recent call last): File \"…/eventlet/wsgi.py\", line 656, in
/// handle_one_response result = …"), never what was raised. It shows the traceback's last line,
/// what was raised, redacted as any text (the client secret quoted in it).
#[test]
fn a_python_traceback_is_shown_by_what_was_raised() {
    let traceback = "Traceback (most recent call last):\n  File \"/srv/venv/lib/python3.11/site-packages/eventlet/wsgi.py\", line 656, in handle_one_response\n    result = self.application(self.environ, start_response)\n             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/srv/app.py\", line 82, in app\n    raise ValueError(\"no database for %r\" % secret)\nValueError: no database for 'test-secret-value'\n";
    let line = failing_page(2, FaultKind::StatusWithBody(500, traceback.into()));
    assert_contains(
        &line,
        &["HTTP 500: ValueError: no database for '<redacted>' (the end of a Python traceback); "],
    );
    assert!(!line.contains("wsgi.py"), "{line}");
}

/// SWI-Prolog's HTTP server (9.0.4) with library(http/http_error), as its documentation has it
/// for debugging, answers a handler's exception with `500` and `{"code":500,"message":…}`, the
/// message followed by the backtrace, `\nIn:\n  [23] throw(…)` and a line per frame. The line
/// showed 1,000 characters of frames (`http_dispatch:call_action(…) at
/// /usr/lib/swi-prolog/library/http/http_dispatch.pl:1041 …`) between what was raised and the
/// hint. It shows what was raised, redacted as any text (the client secret quoted in it).
#[test]
fn a_prolog_backtrace_after_the_message_is_left_out() {
    let frames = "  [23] throw(error(permission_error(access,client,'test-secret-value'),_566))\n  [18] http_dispatch:call_action(user:dispatch,[path_info('express/accounts'),...|...]) at /usr/lib/swi-prolog/library/http/http_dispatch.pl:1041\n   [8] httpd_wrapper:call_handler(user:http_dispatch,20,[protocol(http),...|...]) at /usr/lib/swi-prolog/library/http/http_wrapper.pl:329\n\nNote: some frames are missing due to last-call optimization.\nRe-run your program in debug mode (:- debug.) to get more detail.";
    let message = format!("No permission to access client `'test-secret-value''\nIn:\n{frames}");
    let body = json!({"code": 500, "message": message}).to_string();
    let line = failing_page(2, FaultKind::StatusWithBody(500, body));
    assert_contains(
        &line,
        &["HTTP 500 (code 500): No permission to access client `'<redacted>''; the API"],
    );
    assert!(
        !line.contains("http_dispatch") && !line.contains("In:"),
        "{line}"
    );
}

/// A message of the application's own with a line `In:` before a bracketed word (`[query]`) is
/// no backtrace: SWI-Prolog's frames are numbered (`[23]`). It was cut there, and the line said
/// "Invalid request" alone.
#[test]
fn a_line_in_before_a_bracketed_word_is_the_applications_message() {
    let message = "Invalid request\nIn:\n[query] per_page: must be at most 100";
    let body = json!({"code": 400, "message": message}).to_string();
    let line = failing_page(2, FaultKind::StatusWithBody(400, body));
    assert_contains(
        &line,
        &["Invalid request In: [query] per_page: must be at most 100"],
    );
}

/// What was raised is the first line after the last frame, not the traceback's last line: a
/// message of more than one line (SQLAlchemy's ends "(Background on this error at: …)", pydantic's
/// ValidationError names a field on a line of its own) was shown by that last line alone since
/// 85f27d80 ("HTTP 500: (Background on this error at: https://sqlalche.me/e/20/e3q8) (the end of
/// a Python traceback)"), hiding what was raised. It shows the exception and its first line.
#[test]
fn a_python_traceback_with_a_message_of_several_lines_is_shown_by_what_was_raised() {
    let frame = "Traceback (most recent call last):\n  File \"/srv/app.py\", line 40, in accounts\n    rows = session.execute(select(Account)).all()\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n";
    let sqlalchemy = format!(
        "{frame}psycopg2.OperationalError: connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n\n\nThe above exception was the direct cause of the following exception:\n\n{frame}sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"db\" (10.0.0.5), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\n"
    );
    let pydantic = format!(
        "{frame}pydantic_core._pydantic_core.ValidationError: 1 validation error for Page\ncount\n  Input should be a valid integer [type=int_type, input_value=None, input_type=NoneType]\n    For further information visit https://errors.pydantic.dev/2.5/v/int_type\n"
    );
    for (traceback, raised) in [
        (
            sqlalchemy,
            "HTTP 500: sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"db\"",
        ),
        (
            pydantic,
            "HTTP 500: pydantic_core._pydantic_core.ValidationError: 1 validation error for Page (the end of a Python traceback); ",
        ),
    ] {
        let line = failing_page(2, FaultKind::StatusWithBody(500, traceback));
        assert_contains(&line, &[raised]);
        assert!(
            !line.contains("Background on") && !line.contains("500: count"),
            "{line}"
        );
    }
}

#[test]
fn a_400_shows_the_talkdesk_error_body_whole() {
    let body = json!({
        "code": "0330001",
        "message": "Bad Request",
        "description": "Invalid query parameters",
        "fields": [
            {"name": "per_page", "description": "must be between 1 and 100"},
            {"name": "page", "description": "must be a positive integer"}
        ]
    });
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(400, body.to_string()),
        )],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.arg("list");
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "HTTP 400",
            "0330001",
            "Bad Request",
            "Invalid query parameters",
            "per_page: must be between 1 and 100",
            "page: must be a positive integer",
        ],
    );
    assert_eq!(fake.page_requests(), vec![1], "a 400 is final at once");
}

#[test]
fn a_malformed_body_exits_5() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Malformed)],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "json"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["not a page of accounts", "base_url"]);
    // JSON gone wrong is said by where it broke, not quoted as a server's words.
    assert!(!line.contains("(HTTP 200"), "{line}");
}

/// `list` against a fake that answers every page with `fault`: exit 5
/// after one request (nothing is retried); returns the error line.
fn final_at_once_on(fault: FaultKind) -> String {
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::AnyPage, fault)]);
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_eq!(fake.page_requests(), vec![1], "final at once: {line}");
    line
}

/// A fake of `accounts` accounts, three a page, whose `page` always
/// fails with `fault`.
fn fake_failing_on(accounts: usize, page: u64, fault: FaultKind) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: sample_accounts(accounts),
        page_cap: 3,
        faults: Faults::always(RequestMatch::Page(page), fault),
        ..FakeConfig::default()
    })
}

/// The error of a walk of two pages (three accounts a page) whose page
/// `page` is answered with `fault`, once (exit 5).
fn failing_page(page: u64, fault: FaultKind) -> String {
    let fake = fake_failing_on(6, page, fault);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json", "--max-retries", "0"]);
    fails_with(&run(cmd), 5)
}

/// Page 1's error says to check base_url; a later one's, that base_url
/// answered the first page, and not to check it.
fn blames_base_url_on_page_one_only(page: u64, line: &str) {
    match page {
        1 => assert_contains(line, &["check base_url"]),
        _ => {
            assert_contains(line, &["base_url answered the first page"]);
            assert!(!line.contains("check base_url"), "{line}");
        }
    }
}

/// A web server's own page for a 400 (HTTP::Daemon's `send_error`) to a
/// later page: that base_url answered the first page, and not that the
/// page was "not the API's answer" that the API or a gateway sent.
#[test]
fn a_web_server_page_for_a_later_page_does_not_say_it_is_not_the_apis() {
    let page =
        "<title>400 Bad Request</title>\n<h1>400 Bad Request</h1>\npage must be at most 20\n";
    for n in [1, 2] {
        let line = failing_page(n, FaultKind::StatusWithBody(400, page.into()));
        assert_contains(&line, &["HTTP 400", "page must be at most 20"]);
        blames_base_url_on_page_one_only(n, &line);
        assert_eq!(line.contains("not the API's answer"), n == 1, "{line}");
    }
}

#[test]
fn an_answer_that_is_not_valid_http_is_final_at_once() {
    // A header line without a colon, then a chunk size that is not a number: the same bytes
    // come back on every try, so a retry only waits.
    for raw in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nno colon here\r\n\r\n{}"[..],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ] {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(&line, &["not valid HTTP", "base_url"]);
        assert!(!line.contains("retries"), "{line}");
    }
}

/// A Mountebank TCP imposter answering two Content-Length fields that disagree, a chunk size
/// that is no number, or a Content-Length that is none (httpbin's
/// `/response-headers?Content-Length=5` adds a second field beside gunicorn's own): the answer's
/// length cannot be known, so nothing of it can be read. The run said "the answer is not valid
/// HTTP (conflicting content-length headers); check base_url" of the right base_url, a setting
/// that cannot help. It now says how the answer is framed wrongly and who must fix it.
#[test]
fn an_answer_whose_length_cannot_be_known_names_its_framing_and_who_must_fix_it() {
    for (raw, what) in [
        (
            &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}"[..],
            "Content-Length fields that disagree",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\n{}",
            "a Content-Length that is no number",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "a chunk size that is no hexadecimal number",
        ),
    ] {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(
            &line,
            &[
                "not valid HTTP",
                what,
                "whoever runs the server",
                "base_url",
            ],
        );
    }
}

/// mini_httpd (1.30) and thttpd give a CGI script the connection for its error output, so a
/// warning the script prints there (a Python `DeprecationWarning`, a PHP notice) lands among the
/// headers of its answer, a line with no colon. The run ended "the answer is not valid HTTP (http
/// parse fail: invalid header name); check base_url", of the right base_url. It now says a line
/// among the headers is no header, as a script's error output is, and who must fix it (found
/// serving the API as a Python CGI script under mini_httpd 1.30).
#[test]
fn a_line_among_the_headers_that_is_no_header_names_a_scripts_error_output() {
    let line = final_at_once_on(FaultKind::RawResponse(
        b"HTTP/1.0 200 OK\r\n/srv/api.py:3: DeprecationWarning: cgi is deprecated\nContent-Type: application/json\r\n\r\n{}",
    ));
    assert_contains(
        &line,
        &[
            "not valid HTTP",
            "is no header",
            "error output",
            "check base_url",
        ],
    );
}

/// busybox httpd (1.35) applies a CGI script's `Status:` only as the script's first line (RFC 3875
/// §6.3.3 allows it anywhere among them): after `Content-Type`, the answer is `200 OK` carrying
/// `Status: 401 Unauthorized` as a header, with the script's error body. The run ended "the answer
/// has no _embedded.accounts; check base_url (HTTP 200 (code 401): who are you)", of the right
/// base_url (a 503's plain-text body: "not a page of accounts (…); check base_url"). It
/// names the status the server sent on as a header, and who must fix it.
#[test]
fn a_cgi_status_sent_on_as_a_header_of_a_200_is_named() {
    let bodies: [&'static [u8]; 2] = [
        b"HTTP/1.1 200 OK\r\nContent-type: application/json\r\nStatus: 401 Unauthorized\r\n\r\n{\"code\":\"401\",\"message\":\"who are you\"}",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nStatus: 503\r\nRetry-After: 1\r\n\r\nbusy",
    ];
    for (raw, status) in bodies.into_iter().zip(["401 Unauthorized", "503"]) {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(
            &line,
            &[
                &format!(
                    "HTTP 200, but its headers hold `Status: {status}`: a CGI script's status"
                ),
                "busybox httpd applies it only as the script's first line",
                "have the script print Status: first",
            ],
        );
        assert!(!line.contains("check base_url"), "{line}");
    }
    // A `Status` of the answer's own class (GitHub's `Status: 200 OK`) is
    // no status left unapplied: the page is what is wrong.
    let line = final_at_once_on(FaultKind::RawResponse(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nStatus: 200 OK\r\nContent-Length: 4\r\n\r\nbusy",
    ));
    assert_contains(&line, &["not a page of accounts", "check base_url"]);
    assert!(!line.contains("CGI"), "{line}");
}

/// The token endpoint as a CGI script on busybox httpd (1.35), its `Status:` after
/// `Content-Type`, likewise: `200 OK` carrying `Status: 401 Unauthorized`. The run ended "the
/// answer is not a token (missing field `access_token`); check token_url (HTTP 200 (code 401):
/// who are you)", or of a plain-text body "(not valid JSON at line 1 column 1); check
/// token_url", of the right token_url. It names the status sent on as a header, as on a page.
#[test]
fn a_cgi_status_sent_on_as_a_header_of_a_token_answer_is_named() {
    let bodies: [&'static [u8]; 2] = [
        b"HTTP/1.1 200 OK\r\nContent-type: application/json\r\nStatus: 401 Unauthorized\r\n\r\n{\"code\":\"401\",\"message\":\"who are you\"}",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nStatus: 401 Unauthorized\r\n\r\nwho are you",
    ];
    for raw in bodies {
        let line = token_answered(raw, 5);
        assert_contains(
            &line,
            &[
                "token request to ",
                "HTTP 200, but its headers hold `Status: 401 Unauthorized`: a CGI script's status",
                "have the script print Status: first",
            ],
        );
        assert!(!line.contains("check token_url"), "{line}");
    }
}

/// httparse's "invalid header name" is also a header with a space before its colon (a PHP
/// `header("X-Api-Version : 2")`) or a folded line: no CGI warning, and no script's error output
/// to keep out. It said "as a CGI script's warning is … whoever runs it must keep such warnings
/// out of the answers"; it names the malformed header line, not a warning.
#[test]
fn a_header_with_a_space_before_its_colon_blames_no_scripts_warning() {
    let line = final_at_once_on(FaultKind::RawResponse(
        b"HTTP/1.1 200 OK\r\nX-Api-Version : 2\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    ));
    assert_contains(&line, &["not valid HTTP", "is no header", "check base_url"]);
    assert!(!line.contains("warning"), "{line}");
}

/// A gateway's own 5xx beyond the standard ones (Cloudflare's 520 to 527)
/// is final at once, and ended with the status alone, nothing to do: it
/// says a gateway failed and to try again later.
#[test]
fn a_gateways_own_5xx_says_to_try_again_later() {
    for status in [520, 522, 524] {
        let line = final_at_once_on(FaultKind::Status(status));
        assert_contains(&line, &[&format!("HTTP {status}"), "try again later"]);
    }
}

/// Apigee's fault body, as its docs give SpikeArrest's refusal (HTTP 429
/// when the proxy sets it), at the token endpoint and for a page: the error
/// showed the body raw and cut, `{"fault":{"faultstring":…` down to
/// `policies.ratelimit.Spik…`, so the error code saying what refused was lost.
#[test]
fn an_apigee_fault_is_shown_by_its_faultstring_and_errorcode() {
    let body = r#"{"fault":{"faultstring":"Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10, periodInMicroseconds=60000000, maxBurstMessageCount=1.0}","detail":{"errorcode":"policies.ratelimit.SpikeArrestViolation"}}}"#;
    for target in [RequestMatch::Token, RequestMatch::AnyPage] {
        let fault = FaultKind::StatusWithBody(429, body.into());
        let fake = fake_with_faults(simple_accounts(3), vec![(target, fault)]);
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(
            &line,
            &[
                "HTTP 429 (code policies.ratelimit.SpikeArrestViolation): Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10, periodInMicroseconds=60000000, maxBurstMessageCount=1.0};",
                "rate limiting",
            ],
        );
        assert!(!line.contains("fault"), "{line}");
    }
}

/// A gateway's own error answered with status 200 in place of a page (Azure
/// API Management's `{"statusCode":429,"message":…}` from a `return-response`
/// that sets no status, Apigee's fault), page 1 or a later one: the error
/// said only "the answer has no _embedded.accounts", never what the answer
/// said, and on a later page that the API sent a malformed page.
#[test]
fn a_gateways_error_answered_200_says_what_it_says() {
    let bodies = [
        (
            json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."}),
            "HTTP 200: Rate limit is exceeded. Try again in 2 seconds.",
        ),
        (
            json!({"fault": {"faultstring": "Spike arrest violation. Allowed rate : 10pm", "detail": {"errorcode": "policies.ratelimit.SpikeArrestViolation"}}}),
            "HTTP 200 (code policies.ratelimit.SpikeArrestViolation): Spike arrest violation.",
        ),
    ];
    for (body, said) in bodies {
        for page in [1, 2] {
            let fake = fake_failing_on(6, page, FaultKind::Json(body.clone()));
            let sandbox = Sandbox::new();
            let file = sandbox.path("out.json");
            let mut cmd = sandbox.tool(&fake);
            cmd.args(["list", "-o", "json", "--max-retries", "0", "--output-file"]);
            cmd.arg(&file);
            let line = fails_with(&run(cmd), 5);
            assert_contains(&line, &["no _embedded.accounts", said]);
            assert!(!line.contains("malformed"), "{line}");
            blames_base_url_on_page_one_only(page, &line);
            assert!(!file.exists(), "{line}");
        }
    }
}

/// socketify 0.0.31 answers `200 OK` with the text `Internal Error` (sent as `application/json`)
/// when a handler raises after setting a header, as its error handler's `write_status(500)` comes
/// after the status went: the run ended "the answer is not a page of accounts (expected value at
/// line 1 column 1); check base_url", never saying what the answer said. A text answered 200 in
/// place of a page now shows its words, as a gateway's JSON error and an HTML page do.
#[test]
fn a_text_answered_200_in_place_of_a_page_says_what_it_says() {
    for page in [1, 2] {
        let line = failing_page(
            page,
            FaultKind::StatusWithBody(200, "Internal Error".into()),
        );
        assert_contains(
            &line,
            &["not a page of accounts", "(HTTP 200: Internal Error)"],
        );
        let hint = if page == 1 {
            "check base_url"
        } else {
            "earlier pages were read"
        };
        assert_contains(&line, &[hint]);
    }
}

/// The same at the token endpoint: "the answer is not a token (missing
/// field `access_token`); check token_url", never what the answer said.
#[test]
fn a_gateways_error_answered_200_for_the_token_says_what_it_says() {
    let body =
        json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."});
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::Token, FaultKind::Json(body))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "not a token",
            "check token_url",
            "(HTTP 200: Rate limit is exceeded. Try again in 2 seconds.)",
        ],
    );
}

/// A blank `title`, `detail` or `code` says no error, as a blank `message`
/// does not: a token answer `{"title":" "}` ended "check token_url (HTTP
/// 200: {"title":" "})" and `{"code":" "}` "check token_url (HTTP 200
/// (code  ))", a later page with one was "an error sent in place of a
/// page" with no words of an error, and a 500 with a blank code showed as
/// `HTTP 500 (code  )`, its body unshown.
#[test]
fn a_blank_title_detail_or_code_says_no_error() {
    for body in [
        json!({"title": " "}),
        json!({"detail": " "}),
        json!({"message": " "}),
        json!({"code": " "}),
        json!({"code": ""}),
    ] {
        let token = vec![(RequestMatch::Token, FaultKind::Json(body.clone()))];
        let fake = fake_with_faults(simple_accounts(3), token);
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["not a token", "check token_url"]);
        assert!(!line.contains("HTTP 200"), "{body}: {line}");
        let fake = fake_failing_on(6, 2, FaultKind::Json(body.clone()));
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["no _embedded.accounts", "malformed page"]);
        assert!(!line.contains("in place of a page"), "{body}: {line}");
        assert!(!line.contains("HTTP 200"), "{body}: {line}");
        let fake = fake_failing_on(6, 2, FaultKind::StatusWithBody(500, body.to_string()));
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &[&format!("HTTP 500: {body}")]);
        assert!(!line.contains("(code"), "{body}: {line}");
    }
}

/// A blank `error`, `error_description`, `code` or `message` says no
/// refusal at the token endpoint, as a blank `message` says no error: a
/// token answer 200 `{"error":" "}` was "refused …; check client_id and
/// client_secret" (exit 4), where `{"message":" "}` is no token; a 400 with
/// a blank description or a blank code and message was a refusal, where
/// `{"error":"custom"}` alone is no OAuth answer.
#[test]
fn a_blank_error_or_description_at_the_token_endpoint_says_no_refusal() {
    let cases = [
        (200, r#"{"error":" "}"#, "not a token"),
        (200, r#"{"error":""}"#, "not a token"),
        (
            400,
            r#"{"error":"custom","error_description":" "}"#,
            "no OAuth answer",
        ),
        (400, r#"{"code":" ","message":" "}"#, "no OAuth answer"),
    ];
    for (status, body, said) in cases {
        let line = token_fails(FaultKind::StatusWithBody(status, body.into()), 5);
        assert_contains(&line, &[said, "check token_url"]);
        assert!(!line.contains("refused"), "{body}: {line}");
    }
}

/// AWS API Gateway's 403 `{"message":"Missing Authentication Token"}`, its
/// answer for a path or method it has no route for (a wrong stage or
/// base path): told as a wrong client secret at the token endpoint and as
/// a missing scope for page 1, where the URL is what to check.
#[test]
fn api_gateways_missing_authentication_token_names_the_url_not_the_credentials() {
    let body = r#"{"message":"Missing Authentication Token"}"#;
    let fault = || FaultKind::StatusWithBody(403, body.into());
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::Token, fault())]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &[
            "Missing Authentication Token",
            "no route",
            "check token_url",
        ],
    );
    assert!(!line.contains("client_secret"), "{line}");
    for page in [1, 2] {
        let fake = fake_failing_on(6, page, fault());
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 4);
        assert_contains(&line, &["Missing Authentication Token", "no route"]);
        assert!(!line.contains("express-accounts:read"), "{line}");
        match page {
            1 => assert_contains(&line, &["check base_url"]),
            _ => assert_contains(&line, &["next link"]),
        }
    }
}

/// Page 1's "Missing Authentication Token" 403 (API Gateway with no
/// route for the URL) says nothing of the token, as its message says, yet
/// the token was forgotten as one granted without the scope: the next run
/// asked the token endpoint again. It is kept in the cache.
#[test]
fn a_no_route_403_keeps_the_cached_token() {
    let body = r#"{"message":"Missing Authentication Token"}"#;
    let fake = fake_failing_on(6, 1, FaultKind::StatusWithBody(403, body.into()));
    let sb = Sandbox::new();
    for _ in 0..2 {
        let mut cmd = sb.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        fails_with(&run(cmd), 4);
    }
    assert_eq!(
        fake.token_requests(),
        1,
        "the second run used the cached token"
    );
}

/// A token endpoint failing or rate limiting (oauth2-mock-server 8.2.3
/// answering 500, 503 or 429 from its `beforeResponse` hook) was said to be
/// "the API or a gateway before it": the API was never asked, and a user
/// looked at the wrong service.
#[test]
fn a_failing_token_endpoint_is_not_called_the_api() {
    for (status, said) in [
        (503, "the token endpoint or a gateway before it is failing"),
        (
            429,
            "the token endpoint or a gateway before it is rate limiting",
        ),
        (524, "a gateway before the token endpoint failed"),
    ] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(RequestMatch::Token, FaultKind::Status(status))],
        );
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["token request", &format!("HTTP {status}"), said]);
        assert!(!line.contains("the API"), "{line}");
        assert!(fake.page_requests().is_empty(), "{line}");
    }
}

/// A server that closes every connection without a byte of answer (a TLS
/// port given as http://: haproxy's and openssl's; haproxy's
/// `accept-proxy`, an HTTP/2-only server, Redis) was told "check your
/// network, or raise --timeout / --max-retries": no timeout ran out, and
/// the URL's scheme or port is the likely fault.
#[test]
fn a_server_closing_every_connection_unanswered_says_to_check_the_url() {
    // The token from another origin, as Talkdesk's is.
    let issuer = FakeApi::start(FakeConfig::default());
    for (request, setting) in [
        (RequestMatch::AnyPage, "check base_url"),
        (RequestMatch::Token, "check token_url"),
    ] {
        let fake = fake_with_faults(simple_accounts(3), vec![(request, FaultKind::Drop)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        if request == RequestMatch::AnyPage {
            cmd.env("TALKDESK_TOKEN_URL", issuer.token_url());
        }
        cmd.args(["list", "--max-retries", "1"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(
            &line,
            &["without answering", setting, "https://", "your network"],
        );
        assert!(!line.contains("--timeout"), "{line}");
    }
    // A server that answered earlier in the run (its token, then a page)
    // has the right URL.
    let (_, line) = page_2_fails(FaultKind::Drop, &["--max-retries", "1"]);
    assert_contains(&line, &["page=2", "check your network"]);
    assert!(!line.contains("check base_url"), "{line}");
}

/// A gateway in front of the API that closes the connection unanswered when its backend has not
/// answered in time (haproxy in tcp mode at its `timeout server`, stunnel, toxiproxy's `timeout`
/// toxic: found with toxiproxy 2.2.0, `timeout` 3000 ms) was said to be a server that wants
/// https://, HTTP/2 or the PROXY protocol: "check base_url, its scheme and port". Those close at
/// once; a close that comes seconds after the request is no wrong URL, and says so.
#[test]
fn a_connection_closed_unanswered_seconds_after_the_request_does_not_blame_the_url() {
    // The token from another origin, as Talkdesk's is: the API's host answers nothing.
    let issuer = FakeApi::start(FakeConfig::default());
    let wait = std::time::Duration::from_secs(3);
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::DropAfter(wait))],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_TOKEN_URL", issuer.token_url());
    cmd.args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &["after the request", "its backend", "try again later"],
    );
    for blame in ["base_url", "https://", "scheme and port"] {
        assert!(!line.contains(blame), "{blame}: {line}");
    }
}

/// The same close by a host that had answered (the token, at the API's origin): Go's `net/http`
/// with a `WriteTimeout` (1 s) shorter than a page takes (2 s) closes the connection with no
/// answer when the handler writes, and so does its `httputil.ReverseProxy` in front of a slow
/// backend. Each try was said to be "Peer disconnected, 2 s after the request was sent", with
/// "check your network": the network was fine, the server gave up on the page.
#[test]
fn a_connection_closed_seconds_after_the_request_by_a_host_that_answered_says_it_gave_up() {
    let line = every_page_closed_after(2100, "0");
    assert_contains(
        &line,
        &[
            "2 s after the request",
            "gave up waiting",
            "try again later",
        ],
    );
    assert!(!line.contains("check your network, or"), "{line}");
}

/// The same close a second after the request: http-proxy-middleware 3.0 with `timeout: 1000`
/// (and `proxyTimeout`) in front of an express fake whose page 3 takes 3 s closed each try
/// unanswered 1.0 s after it was sent, and the run ended "the server closed the connection
/// without answering … drops this request … (nginx's `return 444`, a web application firewall)",
/// of a gateway whose timeout was shorter than the page took. Only a close 2 s or more after the
/// request was said to be one that gave up waiting.
#[test]
fn a_connection_closed_a_second_after_the_request_says_it_gave_up() {
    let line = every_page_closed_after(1100, "0");
    assert_contains(
        &line,
        &[
            "1 s after the request",
            "gave up waiting",
            "try again later",
        ],
    );
    assert!(!line.contains("return 444"), "{line}");
}

/// The same close on every try: Bun 1.4.5's `Bun.serve` closes a connection whose answer takes
/// longer than its `idleTimeout` (10 s by default; 12 s in effect, its timer ticking every 4 s)
/// unanswered, and fastify's `connectionTimeout` does the same. Each try was closed 12 s after
/// it was sent, and the run ended "the server, or a gateway in front of it, gave up waiting: a
/// server closes so when an answer takes longer than its write timeout (Go's `WriteTimeout`) …;
/// try again later, or raise --max-retries", where every further try met the same limit.
#[test]
fn a_connection_closed_seconds_after_the_request_on_every_try_says_what_may_answer_in_time() {
    let line = every_page_closed_after(1100, "1");
    assert_contains(
        &line,
        &[
            "1 s after the request",
            "every try",
            "idleTimeout",
            "a smaller --per-page",
        ],
    );
    assert!(!line.contains("raise --max-retries"), "{line}");
}

/// The same close by a TCP gateway that cannot connect to the server behind it: nginx 1.22's
/// stream `proxy_connect_timeout 2s` (socat's `connect-timeout=2` alike), in front of a server
/// whose listen queue is full, closed each try 2 s after the request, token and page alike, and
/// the run said only "its limit on how long an answer may take (…) is shorter than this request
/// takes …: a smaller --per-page may answer in time; else have whoever runs it raise that limit",
/// of a request no server had seen, which no smaller page helps. It now names that gateway too,
/// on every try and on one.
#[test]
fn a_close_seconds_after_the_request_names_a_gateway_that_could_not_connect() {
    for retries in ["1", "0"] {
        let line = every_page_closed_after(1100, retries);
        assert_contains(
            &line,
            &[
                "1 s after the request",
                "proxy_connect_timeout",
                "could not connect to the server behind it",
            ],
        );
    }
}

/// The same close on every try of a page of one account: `auth check` (which asks for one and
/// takes no --per-page) and `list --per-page 1` were told "a smaller --per-page may answer in
/// time", where there is none smaller; `auth check --per-page 1` is a usage error.
#[test]
fn a_page_of_one_account_closed_seconds_after_every_try_names_no_smaller_per_page() {
    let wait = std::time::Duration::from_millis(1100);
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::DropAfter(wait))],
    );
    for args in [
        &["auth", "check", "--max-retries", "1"][..],
        &["list", "--per-page", "1", "--max-retries", "1"],
    ] {
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(args);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["per_page=1", "every try", "raise that limit"]);
        assert!(!line.contains("--per-page"), "{args:?}: {line}");
    }
}

/// The error line of a walk (with `retries` retries) whose every page is closed unanswered `ms`
/// after its request.
fn every_page_closed_after(ms: u64, retries: &str) -> String {
    let wait = std::time::Duration::from_millis(ms);
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::DropAfter(wait))],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--max-retries", retries]);
    fails_with(&run(cmd), 5)
}

/// The same close at once, every try, by a host that had just answered (the token, at the API's
/// origin): OpenResty's `ngx.exit(444)`, nginx's `return 444` or a web application firewall
/// dropping the request, a worker crashing on it. Found with nginx 1.22 and its Lua module
/// closing page 1 so: "connection error: Peer disconnected (after 4 retries); check your network,
/// or raise --max-retries", where the host answered over the same network and more tries were
/// dropped the same.
#[test]
fn a_request_closed_at_once_every_try_by_a_host_that_answered_blames_no_network() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Drop)],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "page=1",
            "though it answered earlier in this run",
            "drops this request",
            "try again later",
        ],
    );
    assert!(!line.contains("check your network, or"), "{line}");
    assert!(!line.contains("raise --max-retries"), "{line}");
    assert!(fake.token_requests() == 1, "{line}");
}

/// nginx 1.22's `limit_req` with `limit_req_status 444` (2 requests a second, no burst, in front of
/// the fake) closes every request over its rate without a byte of answer, the close at once that
/// `return 444` makes. The walk's page 1, sent just after the token, was closed so on each try (its
/// retries 0.4 s to 1.7 s apart, under the limiter's interval), and the run ended "… drops this
/// request … try again later; else check your network": a run again later is closed the same, and
/// what gets by such a limiter, a pace under its rate (`--max-rate 0.1` to one of 6 a minute: exit 0,
/// every page), was not named.
#[test]
fn a_request_closed_at_once_after_answers_names_a_limiter_that_drops_and_max_rate() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::Drop)],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "page=1",
            "drops this request",
            "`limit_req_status 444`",
            "--max-rate",
        ],
    );
}

/// socketify 0.0.31 (a Python server on uWebSockets) closes a request for a path it has no
/// route for without a byte of answer. A base_url with a wrong path, on the host that had just
/// answered the token request, ended "… though it answered earlier in this run: … drops this
/// request … try again later; a rate limiter … --max-rate …; else check your network", with no
/// word of base_url, the setting at fault. A first page closed so, before any page was
/// answered, now names base_url's path too; a later page closed so does not.
#[test]
fn a_first_page_closed_unanswered_every_try_names_base_urls_path() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        drop_unrouted: true,
        ..FakeConfig::default()
    });
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.env("TALKDESK_BASE_URL", format!("{}/v2", fake.base_url()));
    cmd.args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    let path = "/v2/express/accounts?page=1";
    assert_contains(
        &line,
        &[path, "drops this request", "check base_url's path"],
    );
    assert!(fake.token_requests() == 1, "{line}");
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults {
            always: vec![(RequestMatch::Page(2), FaultKind::Drop)],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "1", "--per-page", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["page=2", "drops this request"]);
    assert!(!line.contains("base_url"), "{line}");
}

/// ziproxy 3.3 (a forward and transparent proxy) answers `408 Request Timeout` when its
/// `ConnTimeout` runs out waiting for the answer of the server behind it, a request it had whole:
/// a page slower than that ended "HTTP 408: 408 Request Timeout: Request timed out. Generated … by
/// vm (ziproxy/3.3.2); the server gave up waiting for the request; try again later", blaming the
/// request. It now names a gateway in front of the server that gave up on its answer too.
#[test]
fn a_408_names_a_gateway_that_gave_up_on_the_answer() {
    let page = "<HTML><HEAD><TITLE>408 Request Timeout</TITLE></HEAD>\n<BODY BGCOLOR=\"#cc9999\"><H4>408 Request Timeout</H4>\nRequest timed out.\n<HR>\n<ADDRESS>Generated Sun Dec  6 12:31:08 2026\n by vm (ziproxy/3.3.2)</ADDRESS>\n</BODY></HTML>\n";
    let fault = FaultKind::StatusWithBody(408, page.into());
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::AnyPage, fault)]);
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "HTTP 408: 408 Request Timeout",
            "gave up waiting for the request",
            "a gateway in front of it",
            "try again later",
        ],
    );
}

/// axum with tower-http's `TimeoutLayer` answers a handler slower than its time limit with `408`
/// and no body, whose bytes these are (tower-http 0.6.11): a page, a GET it had whole, ended "HTTP
/// 408 Request Timeout; the server gave up waiting for the request, or a gateway in front of it
/// for the answer of the server behind it", neither of which happened. It now names the server
/// giving up on its own answer too.
#[test]
fn a_408_names_a_server_that_gave_up_on_its_own_answer() {
    const TOWER_HTTP_408: &[u8] =
        b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 07:36:05 GMT\r\n\r\n";
    let fault = FaultKind::RawResponse(TOWER_HTTP_408);
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "HTTP 408 Request Timeout",
            "for its own answer to it",
            "TimeoutLayer",
            "try again later",
        ],
    );
}

/// The same close at once, on every try, of a TLS terminator whose backend went away mid-walk
/// (hitch 1.7 in front of an API that stopped after page 2: a deploy, a crash): each new
/// connection is closed right after its handshake. The error named nginx's `return 444`, a web
/// application firewall and a failing server, but not the gateway whose backend is down, as the
/// same close by a host that answered nothing yet does.
#[test]
fn a_request_closed_at_once_after_answers_names_a_gateway_whose_backend_is_down() {
    let fake = fake_with_faults(
        simple_accounts(6),
        vec![(RequestMatch::Page(3), FaultKind::Drop)],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--max-retries", "1", "--per-page", "2"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "page=3",
            "though it answered earlier in this run",
            "whose backend is down",
            "try again later",
        ],
    );
}

/// A body cut short by the close of its connection on every try, by a server that had just
/// answered the first page: hypercorn 0.18 closing so when the application fails mid-answer
/// (an ASGI app raising after the first half of a page), a worker crashing on the page. Found
/// so: "the HTTP 200 answer's body stopped after 3165 bytes: connection error: Peer
/// disconnected (after 4 retries); check your network, or raise --max-retries", though the
/// server began this very answer over that network, and every try stopped the same.
#[test]
fn a_body_cut_short_every_try_by_a_server_that_answered_blames_no_network() {
    let (_, line) = page_2_fails(FaultKind::CutBody, &["--max-retries", "1"]);
    assert_contains(
        &line,
        &[
            "page=2",
            "body stopped after 10 of 1000 bytes",
            "fails while making its answer",
            "try again later",
        ],
    );
    assert!(!line.contains("check your network, or"), "{line}");
    assert!(!line.contains("raise --max-retries"), "{line}");
}

/// A body closed under before its first byte over plain http is said to have stopped, with no
/// word of a TLS record on its way: that is said only of a body over TLS that timed out.
#[test]
fn a_body_closed_before_its_first_byte_says_no_tls_record() {
    const HEAD: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    let (_, line) = page_2_fails(FaultKind::RawResponse(HEAD), &["--max-retries", "0"]);
    assert_contains(&line, &["page=2", "body stopped after 0 of 1000 bytes"]);
    assert!(!line.contains("TLS record"), "{line}");
}

/// The same cut of a body that has no Content-Length, ended by its connection's close alone:
/// mini_httpd 1.30 passes on a CGI script's output so (`HTTP/1.0 200 OK`, no length), and a script
/// that died halfway through its page ended "the HTTP 200 answer's body was cut short: it ends with
/// its connection (no Content-Length), 3087 bytes into its JSON (after 1 retry); check your network,
/// or raise --max-retries", though every try stopped at the same byte of an answer begun.
#[test]
fn a_body_without_a_length_cut_short_every_try_blames_no_network() {
    const CUT: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"count\": 1, \"_embedded\": {\"accounts\": [";
    let (fake, line) = page_2_fails(FaultKind::RawResponse(CUT), &["--max-retries", "1"]);
    assert_contains(
        &line,
        &[
            "page=2",
            "it ends with its connection (no Content-Length)",
            "fails while making its answer",
            "try again later",
        ],
    );
    assert!(!line.contains("check your network, or"), "{line}");
    assert!(!line.contains("raise --max-retries"), "{line}");
    assert_eq!(fake.requests_for_page(2), 2, "tried again once");
}

/// A body that stalls at the same byte on every try, by a server that had just answered the
/// first page: Daphne 4.2 leaves the connection open, its chunked answer unended, when the ASGI
/// application raises after sending part of a page (and when it runs past `--http-timeout`
/// mid-answer). Found so: "the HTTP 200 answer's body stopped after 41 bytes: timed out after
/// 30 s (after 4 retries); check your network, or raise --timeout / --max-retries", 2.5 min
/// spent, though the server began each answer over that network and stopped it at the same
/// byte. With one try alone nothing is known of the others: as before.
#[test]
fn a_body_stalled_at_the_same_byte_every_try_names_the_server() {
    let args = ["--max-retries", "1", "--timeout", "1"];
    let (fake, line) = page_2_fails(FaultKind::StallBody, &args);
    assert_contains(
        &line,
        &[
            "page=2",
            "body stopped after 10 of 1000 bytes: timed out after 1 s (after 1 retry)",
            "stopped it at the same byte on every try",
            "try again later",
        ],
    );
    assert!(!line.contains("check your network, or"), "{line}");
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args([
        "list",
        "--concurrency",
        "1",
        "--max-retries",
        "0",
        "--timeout",
        "1",
    ]);
    let line = fails_with(&run(cmd), 5);
    assert!(
        line.ends_with("check your network, or raise --timeout / --max-retries"),
        "{line}"
    );
}

/// A WebSocket endpoint (Python's websockets, Node's ws) answers a plain
/// request `426 Upgrade Required`, and a server that takes no HTTP/1.1
/// `505`: both ended with the status alone, nothing to check.
#[test]
fn a_server_wanting_another_protocol_says_which_url_to_check() {
    const WS: &[u8] = b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nContent-Length: 16\r\n\r\nUpgrade Required";
    const OLD: &[u8] = b"HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 0\r\n\r\n";
    for raw in [WS, OLD] {
        for (line, setting) in failing_at_each_url(raw) {
            assert_contains(&line, &["another protocol", setting]);
        }
    }
}

/// `list` with `raw` as the answer of the pages, then of the token URL:
/// each run's error line (exit 5), with the setting it should name.
fn failing_at_each_url(raw: &'static [u8]) -> Vec<(String, &'static str)> {
    let urls = [
        (RequestMatch::AnyPage, "check base_url"),
        (RequestMatch::Token, "check token_url"),
    ];
    (urls.into_iter())
        .map(|(request, setting)| {
            let fault = vec![(request, FaultKind::RawResponse(raw))];
            let fake = fake_with_faults(simple_accounts(3), fault);
            let sandbox = Sandbox::new();
            let mut cmd = sandbox.tool(&fake);
            cmd.args(["list", "--max-retries", "0"]);
            (fails_with(&run(cmd), 5), setting)
        })
        .collect()
}

/// Node's HTTP/2 server over TLS without `allowHTTP1` (redbird's `ssl: { http2: true }`, a
/// fastify or plain `http2.createSecureServer` gateway) answers a client that offers no ALPN,
/// as this tool's TLS does, `403 Forbidden` "Missing ALPN Protocol, expected `h2`": at the token
/// URL this said "check client_id and client_secret, and that the OAuth client has the
/// express-accounts:read scope", exit 4, and at the API "the OAuth client needs the scope". It
/// says the server speaks only HTTP/2 and to have it allow HTTP/1.1; exit 5, no refusal.
#[test]
fn an_http2_only_server_over_tls_is_not_blamed_on_the_credentials() {
    const H2: &[u8] = b"HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nMissing ALPN Protocol, expected `h2` to be available.\nIf this is a HTTP request: The server was not configured with the `allowHTTP1` option or a listener for the `unknownProtocol` event.\n";
    for (line, setting) in failing_at_each_url(H2) {
        assert_contains(&line, &["HTTP 403", "only HTTP/2", "allowHTTP1", setting]);
        assert!(
            !line.contains("client_secret") && !line.contains("scope"),
            "{line}"
        );
    }
}

/// The error line of a walk whose page is one account named "Café" in Latin-1, under the
/// Content-Type `content_type`.
fn latin1_page_under(content_type: &str) -> String {
    let page = b"{\"total\":1,\"_embedded\":{\"accounts\":[{\"id\":\"a1\",\"company_name\":\"Caf\xe9\",\"status\":\"ACTIVE\"}]}}";
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        page.len()
    )
    .into_bytes();
    raw.extend_from_slice(page);
    final_at_once_on(FaultKind::RawResponse(raw.leak()))
}

/// A page in Latin-1 (`charset=iso-8859-1`, `Caf\xe9`) was "the API sent
/// a malformed page; try again later", though the server sends it so on
/// every try: it says JSON must be UTF-8 and what to check.
#[test]
fn a_page_not_in_utf8_says_so_not_try_again_later() {
    let line = latin1_page_under("application/json; charset=iso-8859-1");
    assert_contains(&line, &["not UTF-8", "base_url"]);
    assert!(!line.contains("try again later"), "{line}");
}

/// A Perl server that encodes its page with `JSON::PP->new->encode` (or `to_json`), which gives
/// characters, and prints them unencoded sends Latin-1 under a bare `application/json`: page 1
/// of accented names said "the server at base_url sends another encoding; check base_url", of
/// the right base_url. Read as Latin-1 the answer is a page of accounts: the server's doing, so
/// whoever runs the API must send UTF-8 (found with a hand-rolled HTTP::Daemon loop).
#[test]
fn a_page_of_accounts_in_latin1_undeclared_does_not_blame_base_url() {
    let line = latin1_page_under("application/json");
    assert_contains(
        &line,
        &[
            "not UTF-8",
            "read as Latin-1 it is a page of accounts",
            "have whoever runs the API send UTF-8",
        ],
    );
    assert!(!line.contains("check base_url"), "{line}");
}

/// Page 2 in Latin-1 after a page 1 of ASCII alone (which reads the same
/// in either) said to "check base_url", which had answered page 1: the
/// encoding is the server's, whatever base_url.
#[test]
fn a_later_page_not_in_utf8_does_not_blame_base_url() {
    let body = b"{\"page\":2,\"total\":4,\"_embedded\":{\"accounts\":[{\"id\":\"a4\",\"company_name\":\"Caf\xe9\"}]}}";
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=iso-8859-1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let fake = fake_failing_on(6, 2, FaultKind::RawResponse(raw.leak()));
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "page=2",
            "not UTF-8",
            "another encoding",
            "base_url answered the first page",
        ],
    );
    assert!(!line.contains("check base_url"), "{line}");
}

/// Jetty 9.4 writes `application/hal+json` through `getWriter()`, with no
/// charset set, in ISO-8859-1 and says so in its Content-Type. Page 1 said
/// "sends another encoding; check base_url", of a right base_url. It names
/// the charset the server declared and says to have whoever runs the API
/// send UTF-8.
#[test]
fn a_page_in_a_declared_charset_not_utf8_names_it_and_blames_the_server() {
    let line = latin1_page_under("application/hal+json;charset=iso-8859-1");
    assert_contains(
        &line,
        &[
            "not UTF-8",
            "its Content-Type says charset=iso-8859-1",
            "have whoever runs the API send UTF-8",
        ],
    );
    assert!(!line.contains("check base_url"), "{line}");
}

/// A `Location` with a letter beyond ASCII, in UTF-8 (nginx's `return 302
/// /café`) or in Latin-1 (an old PHP page), was "HTTP 302 without a
/// Location header": only visible ASCII was read as a header's text. It is
/// the redirect it is, a byte that is no UTF-8 read as a Latin-1 letter, as
/// fetch reads it; a secret echoed so is redacted.
#[test]
fn a_location_beyond_ascii_is_a_redirect_not_a_missing_header() {
    for (raw, shown) in [
        (
            &b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n"[..],
            "redirect to http://127.0.0.1:9/caf",
        ),
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/caf\xe9\r\nContent-Length: 0\r\n\r\n",
            "redirect to http://127.0.0.1:9/café not followed",
        ),
    ] {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(&line, &[shown]);
        assert!(!line.contains("without a Location"), "{line}");
    }
    // The client secret echoed in Latin-1 (no UTF-8) by the token endpoint.
    const ECHO: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/?s=s\xe9cr\xe9t\xdcn\xefc\xf8d\xe9\r\nContent-Length: 0\r\n\r\n";
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::Token, FaultKind::RawResponse(ECHO))],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_CLIENT_SECRET", "sécrétÜnïcødé")
        .args(["list"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["redirect to http://127.0.0.1:9/?s=<redacted>"]);
}

/// A server speaking another protocol at the port (nginx 1.22's `listen …
/// http2` and haproxy's `proto h2` answer HTTP/1.1 with HTTP/2's SETTINGS
/// and GOAWAY frames; a TLS server's alert; an SSH banner) was "the answer
/// is not valid HTTP (http parse fail: invalid HTTP version); check
/// base_url", which named no cause (curl: "Received HTTP/0.9"). It says the
/// answer is no HTTP/1 and what may be there instead.
#[test]
fn an_answer_in_another_protocol_names_the_likely_ones() {
    const H2: &[u8] =
        b"\0\0\x06\x04\0\0\0\0\0\0\x03\0\0\0\x64\0\0\x08\x07\0\0\0\0\0\0\0\0\0\0\0\x01";
    // The token from another origin, as Talkdesk's is.
    let issuer = FakeApi::start(FakeConfig::default());
    for (request, setting) in [
        (RequestMatch::AnyPage, "check base_url"),
        (RequestMatch::Token, "check token_url"),
    ] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(request, FaultKind::RawResponse(H2))],
        );
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        if request == RequestMatch::AnyPage {
            cmd.env("TALKDESK_TOKEN_URL", issuer.token_url());
        }
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["no HTTP/1", "HTTP/2", "https://", setting]);
    }
    // A server that answered earlier in the run speaks HTTP/1 there.
    let (_, line) = page_2_fails(FaultKind::RawResponse(H2), &["--max-retries", "0"]);
    // It said "check base_url" until this session: base_url answered page 1
    // (errors::a_later_pages_unreadable_answer_does_not_blame_base_url).
    assert_contains(
        &line,
        &[
            "page=2",
            "not valid HTTP",
            "base_url answered the first page",
        ],
    );
    assert!(!line.contains("another protocol"), "{line}");
}

/// A 200 with an empty body (a gateway's `return 200;`, an answer framed
/// as a HEAD's) was "not a page of accounts (EOF while parsing a value at
/// line 1 column 0)" and "not a token (not valid JSON at line 1 column
/// 0)": the body was empty, and the error says so.
#[test]
fn an_empty_200_is_said_to_be_empty() {
    for (request, said) in [
        (
            RequestMatch::AnyPage,
            "not a page of accounts (an empty body)",
        ),
        (RequestMatch::Token, "not a token (an empty body)"),
    ] {
        let raw = FaultKind::RawResponse(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        let fake = fake_with_faults(simple_accounts(3), vec![(request, raw)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &[said]);
        assert!(!line.contains("EOF") && !line.contains("column"), "{line}");
    }
}

/// A token answer whose handler failed after a flush, ended by its last chunk before its JSON was
/// whole (tornado 6.6 ends so a handler that raised after `flush()`), said "the answer is not a
/// token (not valid JSON at line 1 column 30); check token_url", which was right. It says the
/// server ended the answer early, and to try again later (since the fortieth session as a body
/// cut short, which more tries meet).
#[test]
fn a_token_answer_ended_by_its_last_chunk_before_its_json_says_so() {
    const ENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\n{\"access_token\": \"tok-1\", \"tok\r\n0\r\n\r\n";
    let line = token_fails(FaultKind::RawResponse(ENDED), 5);
    assert_contains(
        &line,
        &["body was cut short", "last chunk", "try again later"],
    );
    assert!(
        !line.contains("check token_url") && !line.contains("tok-1"),
        "{line}"
    );
}

/// A token answer framed short by its Content-Length, cut inside its `access_token` (Deno 2.9's
/// `Deno.serve` sends no more of a streamed body than the Content-Length its app set), said "the
/// answer is not a token (`access_token` is not a string); check token_url": the JSON's end was
/// taken for a value of another type. It says the JSON stops before its end, where the
/// Content-Length ended the answer, as of a page, and never the token's beginning.
#[test]
fn a_token_answer_framed_short_inside_its_token_says_its_json_stops() {
    const SHORT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"access_token\": \"tok-12345678";
    let line = token_fails(FaultKind::RawResponse(SHORT), 5);
    assert_contains(
        &line,
        &[
            "not a token (its JSON stops at line 1 column 30",
            "its Content-Length",
            "token_url sends fewer bytes",
        ],
    );
    assert!(
        !line.contains("not a string") && !line.contains("12345678"),
        "{line}"
    );
}

/// The same, the whole line: the body cut short by its last chunk, and why a server ends its
/// answer so (`ENDS_IT`), never the token's beginning.
#[test]
fn a_token_answer_ended_by_its_last_chunk_says_the_server_ended_it_early() {
    const ENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\n{\"access_token\": \"tok-1\", \"tok\r\n0\r\n\r\n";
    let fault = FaultKind::RawResponse(ENDED);
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::Token, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    assert_eq!(
        fails_with(&run(cmd), 5),
        format!(
            "error: POST {}: the HTTP 200 answer's body was cut short: its last chunk came before its JSON's end, 30 bytes into its JSON; the server began its answer and ended it before its JSON was whole: it, or a gateway in front of it, fails while making its answer (Werkzeug's debugger and Tornado end so an answer whose handler raised midway); try again later",
            fake.token_url()
        )
    );
}

/// The same token answer once, then a whole one (Werkzeug's debugger ends so a streamed answer
/// whose generator raised): the run ended at once, exit 5, where the next try got the token. It is
/// retried, and the walk goes on.
#[test]
fn a_token_answer_ended_by_its_last_chunk_once_is_retried() {
    const ENDED: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\n{\"access_token\": \"tok-1\", \"tok\r\n0\r\n\r\n";
    let fake = fake_with_script(
        simple_accounts(3),
        vec![(RequestMatch::Token, FaultKind::RawResponse(ENDED))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let out = run(cmd);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout_of(&out).lines().count(), 3, "{stderr}");
    assert!(!stderr.contains("tok-1"), "{stderr}");
}

/// A token endpoint's refusal whose JSON was cut short (its connection closed before its
/// Content-Length) once, then whole: the cut one was told at once, "no OAuth answer; check
/// token_url", exit 5, of a token_url that refused the credentials. A JSON error body cut short is
/// retried, as before errors not retried were told whatever came of their body.
#[test]
fn a_token_refusal_whose_json_is_cut_short_is_retried() {
    const CUT: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{\"error\": \"invalid_client\", \"error_des";
    const WHOLE: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"error\": \"invalid_client\"}";
    let fake = fake_with_script(
        simple_accounts(3),
        vec![
            (RequestMatch::Token, FaultKind::RawResponse(CUT)),
            (RequestMatch::Token, FaultKind::RawResponse(WHOLE)),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let out = run(cmd);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_contains(&err, &["invalid_client; check client_id and client_secret"]);
    assert!(!err.contains("check token_url"), "{err}");
}

/// An error body in the charset its `Content-Type` names (Latin-1, or
/// UTF-16 with its byte-order mark) is read in it: Talkdesk's `code` and
/// `message` are shown, where the bytes were shown raw, each accent a
/// replacement character, and the code lost. An empty message and
/// description add nothing (they showed as `: :`).
#[test]
fn an_error_body_is_read_in_its_charset() {
    let utf16: &'static [u8] = Box::leak({
        let json = r#"{"code":"E2","message":"Paramètre invalide"}"#;
        let mut body = vec![0xFF, 0xFE];
        body.extend(json.encode_utf16().flat_map(u16::to_le_bytes));
        let mut raw = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend(body);
        raw.into_boxed_slice()
    });
    let cases: [(&'static [u8], &str); 3] = [
        (
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; profile=\"x\"; charset=ISO-8859-1\r\nContent-Length: 50\r\n\r\n{\"code\":\"E1\",\"message\":\"Param\xe8tre invalide: caf\xe9\"}",
            "HTTP 400 (code E1): Paramètre invalide: café",
        ),
        (utf16, "HTTP 400 (code E2): Paramètre invalide"),
        (
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 42\r\n\r\n{\"code\":\"X\",\"message\":\"\",\"description\":\"\"}",
            "HTTP 400 (code X)",
        ),
    ];
    for (raw, shown) in cases {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert!(line.contains(shown), "{shown}: {line}");
        assert!(
            !line.contains('\u{FFFD}') && !line.contains(": :"),
            "{line}"
        );
    }
}

/// Hints that fit what happened: a 403 after pages were answered with the
/// same token is no missing scope (a proxy or firewall refusing, such as
/// Apache's mod_evasive); a 404 for `--page 7` is most likely no page 7,
/// where both said to check the scope or base_url alone. Also `--limit`
/// past 64 bits is too large, not "not a whole number".
#[test]
fn hints_fit_what_happened() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        faults: Faults {
            always: vec![
                (RequestMatch::Page(2), FaultKind::Status(403)),
                (RequestMatch::Page(7), FaultKind::Status(404)),
            ],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "json"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &[
            "HTTP 403",
            "earlier pages were answered with the same token",
            "a proxy",
        ],
    );
    assert!(!line.contains("scope,"), "{line}");
    // (The fake's 403 is no page of markup.)
    assert!(!line.contains("HTML page"), "{line}");
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--page", "7"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["HTTP 404", "there may be no page 7"]);
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--limit", "18446744073709551616"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("is too large; use at most 18446744073709551615"),
        "{}",
        stderr_of(&out)
    );
}

/// django-ratelimit refuses with Django's HTML `403 Forbidden` page (and
/// Apache's mod_evasive with its own): after pages answered with the same
/// token, that is something in front of the API refusing, most likely a
/// rate limiter. The hint said to check HTTPS_PROXY and NO_PROXY, with no
/// proxy set, and lost "earlier pages were answered" and "try again later".
#[test]
fn an_html_403_after_answered_pages_says_a_rate_limiter_may_be_refusing() {
    let django = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>403 Forbidden</title>\n</head>\n<body>\n  <h1>403 Forbidden</h1><p></p>\n</body>\n</html>\n";
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        faults: Faults::always(
            RequestMatch::Page(2),
            FaultKind::StatusWithBody(403, django.to_string()),
        ),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "json", "--concurrency", "1"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &[
            "HTTP 403",
            "an HTML page",
            "earlier pages were answered with the same token",
            "a rate limiter",
            "try again later",
        ],
    );
    assert!(!line.contains("HTTPS_PROXY"), "{line}");
}

/// Apache's mod_evasive bans a client for a burst with its HTML `403 Forbidden` page, to every
/// request for the ban's time: a page's HTML 403 after answered pages was taken for a revoked
/// token's bare 403, so a new token was asked for, refused by the same ban, and the run ended on
/// that token request, "check HTTPS_PROXY and NO_PROXY" (no proxy set), the page's "rate limiter
/// … try again later" lost. An HTML page is no answer of the API about its token.
#[test]
fn a_ban_pages_403_renews_no_token() {
    let apache = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n</body></html>\n";
    let line = token_refused_after_page_2_was(apache);
    assert_contains(
        &line,
        &[
            "GET ",
            "page=2",
            "HTTP 403",
            "a rate limiter",
            "try again later",
        ],
    );
    assert!(!line.contains("HTTPS_PROXY"), "{line}");
}

/// hapi-rate-limit told to refuse with a 403 (its `limitExceededResponse`):
/// the page's 403 got a new token, whose request the limiter refused too,
/// and that was told to "check client_id and client_secret", though the
/// same credentials got a token earlier in the run.
#[test]
fn a_token_refused_after_one_was_granted_in_the_run_is_no_credential_problem() {
    let hapi = r#"{"statusCode":403,"error":"Forbidden","message":"Rate limit exceeded"}"#;
    let line = token_refused_after_page_2_was(hapi);
    assert_contains(
        &line,
        &[
            "HTTP 403",
            "Rate limit exceeded",
            "granted a token before",
            "try again later",
        ],
    );
    assert!(!line.contains("check client_id"), "{line}");
}

/// An OAuth error (RFC 6749 §5.2) in that 403, Auth0's `access_denied` for a
/// client grant removed meanwhile, is the token endpoint's own refusal: it
/// was told "try again later" as a limiter's page is.
#[test]
fn an_oauth_refusal_after_a_token_was_granted_is_still_a_credential_problem() {
    let auth0 =
        r#"{"error":"access_denied","error_description":"Client has not been granted scopes"}"#;
    let line = token_refused_after_page_2_was(auth0);
    assert_contains(&line, &["HTTP 403", "access_denied", "check client_id"]);
    assert!(!line.contains("try again later"), "{line}");
}

/// `list` where page 2 and the token request after it (the 4th request)
/// are refused with a 403 of `body`: the error line (exit 4).
fn token_refused_after_page_2_was(body: &str) -> String {
    let refuse = FaultKind::StatusWithBody(403, body.to_string());
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(150),
        page_cap: 50,
        faults: Faults {
            always: vec![(RequestMatch::Page(2), refuse.clone())],
            script: vec![(RequestMatch::Nth(4), refuse)],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "json", "--concurrency", "1", "--no-cache"]);
    fails_with(&run(cmd), 4)
}

#[test]
fn a_page_behind_a_byte_order_mark_is_read_and_an_html_page_is_named() {
    let page = json!({"total": 1, "_embedded": {"accounts": [{"id": "a", "status": "ACTIVE"}]}});
    let with_bom = format!("\u{feff}{page}");
    let fake = fake_with_faults(
        simple_accounts(1),
        vec![(
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(200, with_bom),
        )],
    );
    let sandbox = Sandbox::new();
    let out = sandbox
        .tool(&fake)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "{\"id\":\"a\",\"status\":\"ACTIVE\"}\n");

    let html = "\n  <html><body>Sign in to the proxy</body></html>".to_string();
    let fake = fake_with_faults(
        simple_accounts(1),
        vec![(RequestMatch::AnyPage, FaultKind::StatusWithBody(200, html))],
    );
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "not a page of accounts (an HTML page)",
            "a proxy in between",
        ],
    );
}

/// A page that is HTML (PHP's warning before the JSON, `display_errors` on; a proxy's login page)
/// said only "not a page of accounts (an HTML page); check base_url, or a proxy in between": what
/// the page said, the warning or the login prompt, was not shown. It is, as for an error status.
#[test]
fn an_html_page_in_place_of_a_page_says_what_it_says() {
    let php = "<br />\n<b>Warning</b>:  Undefined variable $cursor in <b>/srv/api/accounts.php</b> on line <b>21</b><br />\n{\"count\":1}";
    let fake = fake_with_faults(
        simple_accounts(1),
        vec![(
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(200, php.into()),
        )],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "not a page of accounts (an HTML page)",
            "Warning: Undefined variable $cursor in /srv/api/accounts.php on line 21",
        ],
    );
}

/// Mockoon (CLI 9.9.0) answers a route whose file body is missing with `200` and its own words in
/// plain text (these bytes, but for the path). The run said "the answer is not a page of accounts
/// (expected value at line 1 column 1); check base_url", the server's words left out, though they
/// say what is wrong; they are shown, as an HTML page's are.
#[test]
fn a_page_of_plain_text_says_what_it_says() {
    const MOCKOON: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"page1.json\"\r\nContent-Length: 100\r\nConnection: close\r\n\r\nError while serving the file content: ENOENT: no such file or directory, open '/srv/mock/page1.json'";
    let line = final_at_once_on(FaultKind::RawResponse(MOCKOON));
    assert_contains(
        &line,
        &[
            "not a page of accounts (expected value at line 1 column 1); check base_url",
            "(HTTP 200: Error while serving the file content: ENOENT: no such file or directory, open '/srv/mock/page1.json')",
        ],
    );
}

/// Slim 3 (3.12, through Apache 2.4.71 and php-fpm 8.2) appends what a route printed to the answer
/// after the page it wrote (its `outputBuffering` of `append`, the default), so with PHP's
/// `display_errors` on a warning lands after the whole page of accounts (these bytes, but for the
/// Date, a path and the links). The run said "the answer is not a page of accounts (trailing
/// characters at line 1 column 436); check base_url", of the base_url that answered the page, and
/// did not show the warning. It shows it, and says the server prints it after the page. PHP's
/// notices before the page (Slim 3 on PHP 8.2 has some for every answer) said "check base_url, or
/// a proxy in between": they say the same.
#[test]
fn a_php_warning_after_a_whole_page_is_shown_and_blames_no_base_url() {
    let page = r#"{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{"accounts":[{"id":"5ea75fe7aa22470100000000","name":"acct0","company_name":"Company 0","status":"ACTIVE"}]}}"#;
    let warning = "<br />\n<b>Warning</b>:  Undefined array key \"nokey\" in <b>/srv/api/index.php</b> on line <b>35</b><br />\n";
    for (body, said) in [
        (format!("{page}{warning}"), WARNED),
        (format!("{SLIM_ON_PHP_8_2}{page}"), DEPRECATED),
    ] {
        let line = page_answer(&body);
        assert_contains(&line, &[said, "display_errors"]);
        assert!(!line.contains("check base_url"), "{line}");
    }
}

/// PHP's notice (`html_errors` on, as php-fpm has it) for Slim 3's `Collection` on PHP 8.2, which
/// with `display_errors` on lands before every answer, the token's too.
const SLIM_ON_PHP_8_2: &str = "<br />\n<b>Deprecated</b>:  Return type of Slim\\Collection::offsetExists($key) should either be compatible with ArrayAccess::offsetExists(mixed $offset): bool, or the #[\\ReturnTypeWillChange] attribute should be used to temporarily suppress the notice in <b>/usr/share/php/Slim/Collection.php</b> on line <b>182</b><br />\n";

/// What the run shows of [`SLIM_ON_PHP_8_2`].
const DEPRECATED: &str = "Deprecated: Return type of Slim\\Collection::offsetExists($key)";

/// What the run shows of the warning after the page.
const WARNED: &str = "Warning: Undefined array key \"nokey\" in /srv/api/index.php on line 35";

/// The one-line error of `list` against an API answering 200 with `body`, chunked, as Apache
/// passes on php-fpm's answer.
fn page_answer(body: &str) -> String {
    let raw = format!(
        "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 12:07:19 GMT\r\nServer: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nX-Powered-By: PHP/8.2.36\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let fault = FaultKind::RawResponse(raw.into_bytes().leak());
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    fails_with(&run(cmd), 5)
}

/// ASP.NET (Mono 6.8's System.Web under XSP 4.8) appends its error page to what a handler sent
/// before it raised after `Response.Flush()`: a page of accounts, whole or cut, then the error page
/// (this one, but for its styles and stack trace), in HTTP/1.0 with no length. Page 1 said "the
/// answer is not a page of accounts (trailing characters at line 1 column 3940); check base_url",
/// of the base_url that answered it, or "(expected `:` at line 1 column 1982)" of a cut one, and
/// page 2 that the API sent a malformed page; neither showed the error. Each now says an HTML page
/// came after the JSON, shows its words, and blames no base_url.
#[test]
fn aspnets_error_page_after_a_flushed_page_is_shown_and_blames_no_base_url() {
    let page = r#"{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{"accounts":[{"id":"5ea75fe7aa22470100000000","name":"acct0","company_name":"Company 0","status":"ACTIVE"}]}}"#;
    for (n, json) in [(1, page), (1, &page[..120]), (2, &page[..120])] {
        let raw = format!(
            "HTTP/1.0 200 OK\r\nServer: Mono.WebServer.XSP/4.8.0.0 Linux\r\nX-AspNet-Version: 4.0.30319\r\nCache-Control: private\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{json}{ASPNET_ERROR}"
        );
        let fake = fake_failing_on(6, n, FaultKind::RawResponse(raw.into_bytes().leak()));
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "json", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        let words = "HTTP 200: Error 500: Application Exception System.InvalidOperationException db gone midway";
        assert_contains(
            &line,
            &["(an HTML page after ", " bytes of its JSON)", words],
        );
        assert!(!line.contains("check base_url"), "{line}");
    }
}

/// The same at a token endpoint on ASP.NET: its error page after a token answer its handler had
/// flushed, whole or cut, said "the answer is not a token (not valid JSON at line 1 column 61);
/// check token_url", of the token_url that answered, without the error. It now says an HTML page
/// came after the JSON and shows its words, never the token.
#[test]
fn aspnets_error_page_after_a_flushed_token_answer_is_shown_and_blames_no_token_url() {
    let token = r#"{"access_token":"tokef6f379632350ddftokef6f379632350ddfto","token_type":"Bearer","expires_in":600}"#;
    for json in [token, &token[..60]] {
        let line = token_answer_then(&format!("{json}{ASPNET_ERROR}"));
        let words = "System.InvalidOperationException db gone midway";
        assert_contains(
            &line,
            &["(an HTML page after ", " bytes of its JSON)", words],
        );
        assert!(!line.contains("check token_url"), "{line}");
        assert!(!line.contains("tokef6f"), "{line}");
    }
}

/// ASP.NET's error page (Mono 6.8) for an exception, its styles, script and stack trace left out.
const ASPNET_ERROR: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<title>Error 500</title>\n</head>\n<body>\n<div class=\"page\">\n<div id=\"header\">\n<div id=\"header-text\">Application Exception</div>\n</div>\n<div id=\"main\">\n  <h1>System.InvalidOperationException</h1>\n  <h2 class=\"exceptionMessage\">db gone midway</h2>\n  <p><strong>Description:</strong> HTTP 500.Error processing request.</p>\n</div>\n</div>\n</body>\n</html>\n\r\n<!--\r\n[System.InvalidOperationException]: db gone midway\r\n-->\r\n";

/// The same at a token endpoint on Slim 3: PHP's warning after the whole token answer said "the
/// answer is not a token (not valid JSON at line 1 column 131); check token_url", of the token_url
/// that answered, and did not show the warning. It shows it, and never the token, before it or
/// in it.
#[test]
fn a_php_warning_after_a_whole_token_answer_is_shown_and_blames_no_token_url() {
    let token = r#"{"access_token":"tokef6f379632350ddftokef6f379632350ddfto","token_type":"Bearer","expires_in":600,"scope":"express-accounts:read"}"#;
    for key in ["nokey", "tokef6f379632350ddftokef6f379632350ddfto"] {
        let line = token_answer_then(&format!(
            "{token}<br />\n<b>Warning</b>:  Undefined array key \"{key}\" in <b>/srv/api/index.php</b> on line <b>14</b><br />\n"
        ));
        assert_contains(
            &line,
            &[
                "Warning: Undefined array key \"",
                "in /srv/api/index.php on line 14",
                "display_errors",
            ],
        );
        assert!(!line.contains("check token_url"), "{line}");
        assert!(!line.contains("tokef6f"), "{line}");
    }
    // PHP's notice before the token answer, as display_errors on puts it before every answer.
    let line = token_answer_then(&format!("{SLIM_ON_PHP_8_2}{token}"));
    assert_contains(&line, &[DEPRECATED, "display_errors"]);
    assert!(!line.contains("check token_url"), "{line}");
    assert!(!line.contains("tokef6f"), "{line}");
}

/// An HTML page that shows a page of accounts or a token answer as an example (a mock server's
/// documentation at base_url or token_url) is a page of HTML, not PHP's notices beside the JSON:
/// since `json_among_text` the run said "other text before the page's JSON; the server at base_url
/// prints it with the page: PHP's warnings…", of a page no PHP had warned on. It says "an HTML
/// page" and to check the URL, as before that change.
#[test]
fn an_html_page_showing_a_page_or_a_token_as_an_example_is_an_html_page() {
    let page = r#"{"count":1,"page":1,"total":1,"_embedded":{"accounts":[{"id":"a1","name":"x","status":"ACTIVE"}]}}"#;
    let token = r#"{"access_token":"tokef6f379632350ddftokef6f379632350ddfto","token_type":"Bearer","expires_in":600}"#;
    let docs = |json: &str| {
        format!(
            "<!DOCTYPE html>\n<html><head><title>Accounts API mock</title></head><body><h1>Example answer</h1><pre>{json}</pre></body></html>\n"
        )
    };
    for (line, url) in [
        (page_answer(&docs(page)), "check base_url"),
        (token_answer_then(&docs(token)), "check token_url"),
    ] {
        assert_contains(&line, &["an HTML page", url]);
        assert!(!line.contains("display_errors"), "{line}");
        assert!(!line.contains("tokef6f"), "{line}");
    }
}

/// The one-line error of `list --no-cache` against a token endpoint answering 200 with `body`,
/// chunked, as Apache passes on php-fpm's answer.
fn token_answer_then(body: &str) -> String {
    token_answer_then_at(body).0
}

/// [`token_answer_then`], with the token URL the run was given.
fn token_answer_then_at(body: &str) -> (String, String) {
    let raw = format!(
        "HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 12:17:02 GMT\r\nServer: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nX-Powered-By: PHP/8.2.36\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let fault = FaultKind::RawResponse(raw.into_bytes().leak());
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::Token, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--no-cache"]);
    (fails_with(&run(cmd), 5), fake.token_url())
}

/// PHP's warning after a whole token answer, and a notice before one: the whole line says
/// which side of the token's JSON the other text is on, that the server at token_url prints it
/// with the token (`not_a_token`, `DISPLAY_ERRORS`), and what the text says, never the token.
#[test]
fn php_text_before_or_after_a_token_answer_is_named_with_its_side_and_the_hint() {
    let token = r#"{"access_token":"tokef6f379632350ddftokef6f379632350ddfto","token_type":"Bearer","expires_in":600,"scope":"express-accounts:read"}"#;
    let warning = "<br />\n<b>Warning</b>:  Undefined array key \"nokey\" in <b>/srv/api/index.php</b> on line <b>14</b><br />\n";
    let hint = "the server at token_url prints it with the token: PHP's warnings and notices land there with display_errors on (Slim 3 also appends what the app printed); have whoever runs it turn display_errors off, or fix what it warns of";
    for (body, place, said) in [
        (
            format!("{token}{warning}"),
            "after",
            "Warning: Undefined array key \"nokey\" in /srv/api/index.php on line 14",
        ),
        (
            format!(
                "<br />\n<b>Notice</b>:  Undefined index: grant_type in <b>/srv/api/token.php</b> on line <b>9</b><br />\n{token}"
            ),
            "before",
            "Notice: Undefined index: grant_type in /srv/api/token.php on line 9",
        ),
    ] {
        let (line, token_url) = token_answer_then_at(&body);
        assert_eq!(
            line,
            format!(
                "error: token request to {token_url}: the answer is not a token (other text {place} the token's JSON); {hint} (HTTP 200: {said})"
            )
        );
    }
}

#[test]
fn a_body_that_is_not_a_page_exits_5() {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(
            RequestMatch::AnyPage,
            FaultKind::Json(json!({"hello": "world"})),
        )],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["_embedded.accounts"]);
}

/// An account naming `status` (or `id`) twice is refused, as which value
/// holds is unknown; the first page's error said "check base_url", though
/// the answer was plainly a page of accounts from the right place.
#[test]
fn an_account_with_a_field_twice_is_the_api_s_fault_not_base_url_s() {
    let page = r#"{"total":1,"_embedded":{"accounts":[{"id":"a","status":"ACTIVE","status":"CHURNED"}]},"_links":{}}"#;
    let line = final_at_once_on(FaultKind::StatusWithBody(200, page.to_string()));
    assert_contains(&line, &["duplicate field", "status", "twice"]);
    assert!(!line.contains("check base_url"), "{line}");
}

/// A page naming a field of its own twice (`next` in `_links`, `total`)
/// was said to be "an account" naming it twice (found by a seeded
/// differential fuzz of the page walk).
#[test]
fn a_page_field_twice_is_not_blamed_on_an_account() {
    for page in [
        r#"{"total":1,"_embedded":{"accounts":[{"id":"a"}]},"_links":{"next":{"href":"?page=2"},"next":{"href":"?page=2"}}}"#,
        r#"{"total":1,"total":2,"_embedded":{"accounts":[{"id":"a"}]}}"#,
    ] {
        let line = final_at_once_on(FaultKind::StatusWithBody(200, page.to_string()));
        assert_contains(
            &line,
            &["duplicate field", "the page names that field twice"],
        );
        assert!(!line.contains("an account"), "{line}");
    }
}

/// A first page of accounts, one without an `id` or with an `id` of null,
/// said "check base_url", though the answer was plainly a page of accounts
/// from the right place (found by a seeded differential fuzz of the page
/// walk).
#[test]
fn an_account_without_a_usable_id_is_the_api_s_fault_not_base_url_s() {
    for (account, said) in [
        (r#"{"name":"a"}"#, "an account has no `id`"),
        (
            r#"{"id":null}"#,
            "an account's `id` is not a string or a number",
        ),
    ] {
        let page = format!(r#"{{"total":1,"_embedded":{{"accounts":[{account}]}}}}"#);
        let line = final_at_once_on(FaultKind::StatusWithBody(200, page));
        assert_contains(&line, &[said, "the API sent a malformed page"]);
        assert!(!line.contains("check base_url"), "{line}");
    }
}

/// A first page of accounts whose own count, page or total is no whole
/// number (`-1`, `1.5`, `"3"`, `1e400`) said "check base_url", though the
/// answer was plainly a page of accounts (found by a seeded differential
/// fuzz of the page walk).
#[test]
fn a_page_whose_numbers_are_no_whole_numbers_is_the_api_s_fault_not_base_url_s() {
    for (field, value) in [
        ("count", "-1"),
        ("page", "1.5"),
        ("total", "\"3\""),
        ("total_pages", "1e400"),
    ] {
        let page = format!(r#"{{"{field}":{value},"_embedded":{{"accounts":[{{"id":"a"}}]}}}}"#);
        let line = final_at_once_on(FaultKind::StatusWithBody(200, page));
        assert_contains(
            &line,
            &["not a page of accounts", "the API sent a malformed page"],
        );
        assert!(!line.contains("check base_url"), "{line}");
    }
}

/// A page without `_embedded.accounts` after pages read from the same
/// `base_url` said "check base_url" (found by a seeded differential fuzz
/// of the page walk).
#[test]
fn a_later_page_without_accounts_is_the_api_s_fault_not_base_url_s() {
    let page_two = json!({"total": 6, "page": 2, "per_page": 3});
    let fake = fake_with_faults(
        simple_accounts(6),
        vec![(RequestMatch::Page(2), FaultKind::Json(page_two))],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args([
        "list",
        "-o",
        "json",
        "--per-page",
        "3",
        "--concurrency",
        "1",
    ]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &["page=2", "has no _embedded.accounts", "earlier pages"],
    );
    assert!(!line.contains("check base_url"), "{line}");
}

/// Dancer2 (0.400001, under Starman 0.4016; its JSON serializer is Cpanel::JSON::XS) writes a
/// query parameter its app echoes, `page => query_parameters->get('page')`, as the string it
/// read, as Perl's JSON modules write a scalar never used as a number: `"page":"1","per_page":"10"`. The page is refused as before (the reference
/// gives integers), but the run said "the API sent a malformed page; try again later" (of a later
/// page, "earlier pages were read from the same base_url, …; try again later"), of what every try
/// gets alike. It says what the API sends and whom to ask (exit 5 as before).
#[test]
fn a_paging_number_in_a_string_is_not_told_to_try_again_later() {
    for page in [1, 2] {
        let body = json!({"page": page.to_string(), "per_page": "3", "count": 3, "total": 6,
            "total_pages": 2, "_embedded": {"accounts": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}});
        let line = failing_page(page, FaultKind::Json(body));
        assert_contains(
            &line,
            &[
                &format!("invalid type: string \"{page}\", expected a whole number 0 or more"),
                "in a string",
                "have whoever runs the API send",
            ],
        );
        assert!(!line.contains("try again later"), "{line}");
    }
}

/// Bodies of the wrong shape are named in the API's terms, never by the
/// tool's own type names (`struct RawPage`, `struct Link`).
#[test]
fn a_body_of_the_wrong_shape_is_named_in_the_apis_terms() {
    for (body, words) in [
        (
            json!([]),
            &["expected a page: an object with _embedded.accounts"][..],
        ),
        (
            json!({"total": 1, "_embedded": {"accounts": [{"id": "a"}]}, "_links": {"next": "/x"}}),
            &["expected a link: an object with an href"],
        ),
        (
            json!({"_embedded": 7}),
            &["expected an _embedded object with accounts"],
        ),
        (
            json!({"_embedded": {"accounts": []}, "_links": 7}),
            &["expected a _links object"],
        ),
        (
            json!({"total": "1", "_embedded": {"accounts": []}}),
            &["invalid type: string \"1\", expected a whole number 0 or more"],
        ),
    ] {
        let line = final_at_once_on(FaultKind::Json(body));
        assert_contains(&line, words);
        assert!(!line.contains("struct") && !line.contains("u64"), "{line}");
    }
}

#[test]
fn a_next_link_back_to_an_earlier_page_exits_5_instead_of_looping() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        ..FakeConfig::default()
    });
    let back = format!("{}/express/accounts?page=1&per_page=10", fake.base_url());
    let page2 = json!({
        "count": 10, "page": 2, "per_page": 10, "total": 30, "total_pages": 3,
        "_embedded": {"accounts": simple_accounts(20)[10..].to_vec()},
        "_links": {"next": {"href": back}}
    });
    fake.set_faults(Faults::always(
        RequestMatch::Page(2),
        FaultKind::Json(page2),
    ));
    for sequential in [true, false] {
        fake.clear_requests();
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "-o", "jsonl", "--per-page", "10"]);
        if sequential {
            cmd.args(["--concurrency", "1"]);
        }
        let output = run(cmd);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.lines().count() == 1,
            "{stderr}"
        );
        assert_contains(&stderr, &["page 2", "goes back"]);
        if sequential {
            // --concurrency 1: the walk stops at page 2, with nothing fetched ahead.
            assert_eq!(
                fake.page_requests(),
                vec![1, 2],
                "page 1 is not fetched again"
            );
        } else {
            // Page 1 once: not fetched again; page 3 may have been fetched ahead.
            support::assert_failed_walk_requests(&fake, false, 2, 1, 3, "concurrent");
        }
    }
}

#[test]
fn a_next_link_to_another_origin_exits_5_and_keeps_the_token() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        ..FakeConfig::default()
    });
    let other = FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        ..FakeConfig::default()
    });
    let page1 = json!({
        "count": 10, "page": 1, "per_page": 10, "total": 30, "total_pages": 3,
        "_embedded": {"accounts": simple_accounts(10)},
        "_links": {"next": {"href": format!("{}/express/accounts?page=2&per_page=10", other.base_url())}}
    });
    fake.set_faults(Faults::always(
        RequestMatch::Page(1),
        FaultKind::Json(page1),
    ));
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "--per-page", "10"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["refusing to follow", &other.base_url()]);
    assert!(
        other.requests().is_empty(),
        "nothing sent to the other origin"
    );
}

/// Behind a gateway that passes the API's pages on unrewritten (http-proxy-middleware with
/// `changeOrigin`, fast-gateway, redbird: none rewrite bodies), the API's absolute links name
/// the API's own host: the link is refused, rightly, but the error said only "check base_url",
/// which was right. It says a gateway may pass the links on unrewritten, as a link out of
/// base_url's path is told. (The fake reached as `localhost` stands for the gateway.)
#[test]
fn a_next_link_to_another_origin_names_a_gateway_that_passes_links_on() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(6),
        page_cap: 3,
        ..FakeConfig::default()
    });
    let gateway = fake.base_url().replace("127.0.0.1", "localhost");
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.env("TALKDESK_BASE_URL", &gateway)
        .env("TALKDESK_TOKEN_URL", format!("{gateway}/oauth/token"))
        .args(["list", "-o", "json"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "refusing to follow",
            "a gateway in front of the API may pass its links on unrewritten",
            "check base_url",
        ],
    );
}

/// Behind Debian's nginx (1.22.1-9+deb12u6 on), `fastcgi_params` and `proxy_params` pass the
/// API the host without its port (`$host`): a PHP API (php-fpm 8.2) behind nginx on
/// `127.0.0.1:9160` linked its next page as `http://127.0.0.1/express/…`. The link is
/// refused, rightly (another origin), but the error said a gateway may pass the links on
/// unrewritten, which is not the cause: it names the port the link lost, and the `$http_host`
/// that keeps it.
#[test]
fn a_next_link_that_lost_base_url_s_port_names_the_port() {
    let page_one = json!({
        "count": 1, "page": 1, "per_page": 1, "total": 2, "total_pages": 2,
        "_embedded": {"accounts": [{"id": "a1"}]},
        "_links": {"next": {"href": "http://127.0.0.1/express/accounts?page=2&per_page=1"}},
    });
    let fake = fake_with_faults(
        simple_accounts(2),
        vec![(RequestMatch::Page(1), FaultKind::Json(page_one))],
    );
    let port = fake.base_url().rsplit(':').next().unwrap().to_string();
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json", "--per-page", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "refusing to follow",
            &format!("without base_url's port {port}"),
            "$http_host",
        ],
    );
    assert!(!line.contains("unrewritten"), "{line}");
}

#[test]
fn a_refused_connection_exits_5() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let base = format!("http://127.0.0.1:{}", closed_port());
    let mut cmd = sandbox.tool(&fake);
    cmd.env("TALKDESK_BASE_URL", &base)
        .args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &[&base, "check your network"]);
}

#[test]
fn a_refused_token_endpoint_exits_5() {
    let sandbox = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    let mut cmd = sandbox.tool(&fake);
    cmd.env(
        "TALKDESK_TOKEN_URL",
        format!("http://127.0.0.1:{}/oauth/token", closed_port()),
    )
    .args(["list", "--max-retries", "0"]);
    fails_with(&run(cmd), 5);
    assert!(fake.requests().is_empty());
}

/// A refused connection (nothing listening at the port, or a firewall's
/// REJECT: iptables' tcp-reset or icmp-port-unreachable in a network
/// namespace) fails at once on every try, and so do "No route to host"
/// and "Network is unreachable": the error ended "check your network, or
/// raise --timeout / --max-retries", though no timeout ran out. Only a
/// failure that timed out is told to raise --timeout.
#[test]
fn a_refused_connection_is_not_told_to_raise_the_timeout() {
    let fake = FakeApi::start(FakeConfig::default());
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    let token_url = format!("http://127.0.0.1:{}/oauth/token", closed_port());
    cmd.env("TALKDESK_TOKEN_URL", token_url)
        .args(["list", "--max-retries", "1"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &["Connection refused", "(after 1 retry); check your network"],
    );
    assert!(!line.contains("--timeout"), "{line}");
}

/// A server that answered earlier in the run and then stopped (Go's `srv.Shutdown(ctx)` or
/// `srv.Close()` in the middle of a walk, a deploy restarting it) refuses every later connection:
/// the error said "Connection refused (os error 111) (after 1 retry); check your network", though
/// the network had carried the token and page 1. It now says that the server answered earlier and
/// stopped taking connections.
#[test]
fn a_server_that_stopped_mid_walk_is_not_blamed_on_the_network() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: Faults {
            script: vec![(RequestMatch::Page(2), FaultKind::Hold)],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.spawnable_tool(&fake);
    cmd.env("TALKDESK_BACKOFF_SCALE", "0").args([
        "list",
        "--max-retries",
        "1",
        "--concurrency",
        "1",
    ]);
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !fake.page_requests().contains(&2) {
        assert!(
            std::time::Instant::now() < deadline,
            "page 2 never asked for"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The server stops: its listener closes, and so does page 2's connection.
    drop(fake);
    let out = child.wait_with_output().unwrap();
    let line = fails_with(&out, 5);
    assert_contains(
        &line,
        &["Connection refused", "answered earlier", "try again later"],
    );
    assert!(!line.contains("check your network"), "{line}");
}

/// A token URL that is not found points at the settings that form it; it
/// once said "check base_url", which has no part in it.
#[test]
fn a_token_url_not_found_says_to_check_the_token_url() {
    let sandbox = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    let mut cmd = sandbox.tool(&fake);
    cmd.env(
        "TALKDESK_TOKEN_URL",
        format!("{}/no/token", fake.base_url()),
    )
    .args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &["HTTP 404", "check token_url, or account_name and region"],
    );
    assert!(!line.contains("base_url"), "{line}");
}

#[test]
fn other_api_failures_exit_5_with_one_line() {
    let cases: Vec<(FaultKind, &[&str])> = vec![
        // Page 1's 404 is base_url's, not a page past the last.
        (
            FaultKind::Status(404),
            &[
                "HTTP 404",
                "check base_url (the path /express/accounts is appended to it)",
            ],
        ),
        (FaultKind::Status(502), &["HTTP 502", "after 1 retry"]),
        (
            FaultKind::RetryAfter(429, "0".into()),
            &[
                "HTTP 429",
                "the API or a gateway before it is rate limiting",
            ],
        ),
        (FaultKind::Drop, &["page=1", "check your network"]),
        (
            FaultKind::Redirect("http://127.0.0.1:9/elsewhere".into()),
            &["HTTP 302", "127.0.0.1:9/elsewhere", "not followed"],
        ),
        (
            FaultKind::HugeBody(17 * 1024 * 1024),
            &["larger than 16 MiB"],
        ),
    ];
    for (fault, needles) in cases {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(RequestMatch::AnyPage, fault.clone())],
        );
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "-o", "json", "--max-retries", "1"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, needles);
        let expected_requests = match fault {
            FaultKind::Status(404) | FaultKind::Redirect(_) | FaultKind::HugeBody(_) => 1,
            // A connection closed under a request is sent again once at
            // once, besides the retry.
            FaultKind::Drop => 3,
            _ => 2,
        };
        assert_eq!(
            fake.page_requests().len(),
            expected_requests,
            "{fault:?}: retried only when transient"
        );
    }
}

/// A 401 or 403 is told by its status, whatever its body: one larger than
/// the 16 MiB a page may have was exit 5 ("far beyond any page of
/// accounts; check base_url"), and so was a token answer that large.
#[test]
fn an_error_with_a_huge_body_is_told_by_its_status() {
    let huge = 17 * 1024 * 1024;
    let cases: Vec<(RequestMatch, FaultKind, i32, &[&str])> = vec![
        (
            RequestMatch::AnyPage,
            FaultKind::HugeStatusBody(403, huge),
            4,
            &["HTTP 403", "not shown"],
        ),
        (
            RequestMatch::Token,
            FaultKind::HugeStatusBody(401, huge),
            4,
            &["refused", "HTTP 401"],
        ),
        (
            RequestMatch::Token,
            FaultKind::HugeBody(huge),
            5,
            &["far beyond any token answer", "check token_url"],
        ),
    ];
    for (at, fault, code, needles) in cases {
        let fake = fake_with_faults(simple_accounts(3), vec![(at, fault)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), code);
        assert_contains(&line, needles);
        assert!(!line.contains("base_url"), "{line}");
    }
}

/// A 203 (or another 2xx read as a 200) with a body past 16 MiB was said
/// to be "HTTP 200 with a body larger than 16 MiB": a status the server
/// did not send. It names the status that came.
#[test]
fn a_page_or_token_of_another_2xx_past_the_size_cap_names_its_status() {
    let huge = 17 * 1024 * 1024;
    for (at, status, beyond) in [
        (
            RequestMatch::AnyPage,
            203,
            "far beyond any page of accounts",
        ),
        (RequestMatch::Token, 299, "far beyond any token answer"),
    ] {
        let fault = FaultKind::HugeStatusBody(status, huge);
        let fake = fake_with_faults(simple_accounts(3), vec![(at, fault)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        let said = format!("HTTP {status} with a body larger than 16 MiB");
        assert_contains(&line, &[&said, beyond]);
        assert!(!line.contains("HTTP 200"), "{line}");
    }
}

/// Answers that are no refusal of the credentials and no redirect the
/// tool may follow, each said as what it is: a 304 was "a redirect without
/// a Location", a 400 of the web server (plain http to its https port) was
/// "check client_id and client_secret" (exit 4), and a 301 within the token
/// URL's origin was said to be refused so that credentials never leave it.
/// Go's text for plain http to its https port (caddy) was exit 4 too, and
/// nginx's page for a client certificate it wants said "check token_url"
/// of the token URL and nothing of a page.
#[test]
fn answers_on_the_way_are_said_as_what_they_are() {
    let nginx_400 = "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body></body></html>";
    let go_400 = "Client sent an HTTP request to an HTTPS server.\n";
    let nginx_mtls = "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body></body></html>";
    let cases: Vec<(RequestMatch, FaultKind, &[&str], &str)> = vec![
        (
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(304, String::new()),
            &["HTTP 304 Not Modified", "a cache between"],
            "Location",
        ),
        (
            RequestMatch::Token,
            FaultKind::StatusWithBody(400, nginx_400.into()),
            &["HTTP 400: 400 The plain HTTP request", "check token_url"],
            "client_id",
        ),
        (
            RequestMatch::Token,
            FaultKind::StatusWithBody(400, go_400.into()),
            &[
                "HTTP 400: Client sent an HTTP request",
                "check token_url (its scheme and port)",
            ],
            "client_id",
        ),
        (
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(400, go_400.into()),
            &[
                "HTTP 400: Client sent an HTTP request",
                "check base_url (its scheme and port)",
            ],
            "client_id",
        ),
        (
            RequestMatch::Token,
            FaultKind::StatusWithBody(400, nginx_mtls.into()),
            &[
                "HTTP 400: 400 No required SSL certificate",
                "wants a client certificate",
            ],
            "client_id",
        ),
        (
            RequestMatch::AnyPage,
            FaultKind::StatusWithBody(400, nginx_mtls.into()),
            &[
                "HTTP 400: 400 No required SSL certificate",
                "wants a client certificate",
            ],
            "client_id",
        ),
        (
            RequestMatch::Token,
            FaultKind::Redirect("/oauth/token/".into()),
            &[
                "HTTP 302 redirect to",
                "/oauth/token/",
                "only a 307 or 308 keeps the POST",
                "set token_url",
            ],
            "credentials never leave",
        ),
    ];
    for (at, fault, needles, absent) in cases {
        let fake = fake_with_faults(simple_accounts(3), vec![(at, fault)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, needles);
        assert!(!line.contains(absent), "{line}");
    }
}

/// Apache 2.4.71 with `ProxyErrorOverride On` before a token endpoint puts
/// its own page in place of the OAuth `invalid_client` of a 401, and keeps
/// the endpoint's `WWW-Authenticate: Basic` (these bytes, but for its Date,
/// are what it sent). The error named only a web filter or a firewall; a 401
/// that asks for Basic, the client authentication the tool sent, names the
/// credentials too. A page without that challenge still names only what is
/// in front of the API.
#[test]
fn an_html_401_asking_for_basic_at_the_token_url_names_the_credentials() {
    let page = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n<p>This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required.</p>\n</body></html>\n";
    for challenge in ["WWW-Authenticate: Basic realm=\"oauth\"\r\n", ""] {
        let raw = format!(
            "HTTP/1.1 401 Unauthorized\r\nDate: Sat, 05 Dec 2026 06:09:41 GMT\r\nServer: Apache/2.4.71 (Debian)\r\n{challenge}Content-Length: {}\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n{page}",
            page.len()
        );
        let raw: &'static [u8] = raw.into_bytes().leak();
        let fault = FaultKind::RawResponse(raw);
        let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::Token, fault)]);
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--no-cache"]);
        let line = fails_with(&run(cmd), 4);
        assert_contains(
            &line,
            &["refused: HTTP 401: 401 Unauthorized", "an HTML page"],
        );
        match challenge.is_empty() {
            true => assert!(!line.contains("client_id"), "{line}"),
            false => assert_contains(
                &line,
                &["check client_id and client_secret", "WWW-Authenticate"],
            ),
        }
    }
}

/// A 403 page of HTML is a proxy's or a web filter's, not Talkdesk's: it
/// was told to check the OAuth scope or the client secret.
#[test]
fn a_refusal_as_an_html_page_points_at_what_is_in_front_of_the_api() {
    let page = "<html><head><title>Access Denied - Corporate Web Filter</title></head></html>";
    for at in [RequestMatch::AnyPage, RequestMatch::Token] {
        let fault = FaultKind::StatusWithBody(403, page.into());
        let fake = fake_with_faults(simple_accounts(3), vec![(at, fault)]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list"]);
        let line = fails_with(&run(cmd), 4);
        assert_contains(
            &line,
            &[
                "HTTP 403: Access Denied - Corporate Web Filter",
                "an HTML page",
                "a web filter on your network",
                "mod_security",
            ],
        );
        assert!(
            !line.contains("scope") && !line.contains("client_id") && !line.contains("HTTPS_PROXY"),
            "{line}"
        );
    }
}

/// The token endpoint refuses with an OAuth error (RFC 6749 §5.2, JSON
/// with `error`). A 400 of plain text, no OAuth answer (Go's `400 Bad
/// Request`), was exit 4 with "check client_id and client_secret"; a 422
/// (FastAPI's for a form without a password grant's `username`) was exit 5
/// with nothing to check, and one with an OAuth error was exit 5 too. Text
/// and a 422 without one are no refusal (exit 5, check token_url); a 422
/// with one is (exit 4).
#[test]
fn a_token_answer_without_an_oauth_error_is_no_refusal() {
    let fastapi =
        r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required"}]}"#;
    let oauth = r#"{"error":"invalid_client","error_description":"Unknown client"}"#;
    let cases: Vec<(u16, &str, i32, &[&str])> = vec![
        (
            400,
            "400 Bad Request",
            5,
            &[
                "HTTP 400: 400 Bad Request",
                "no OAuth answer",
                "check token_url",
            ],
        ),
        (
            400,
            "",
            5,
            &["HTTP 400 Bad Request", "no OAuth answer", "check token_url"],
        ),
        (
            422,
            fastapi,
            5,
            &[
                "HTTP 422: Field required",
                "no OAuth answer",
                "check token_url",
            ],
        ),
        (
            422,
            oauth,
            4,
            &[
                "refused: HTTP 422: invalid_client: Unknown client",
                "check client_id and client_secret",
            ],
        ),
    ];
    for (status, body, code, needles) in cases {
        let line = token_fails(FaultKind::StatusWithBody(status, body.to_string()), code);
        assert_contains(&line, needles);
        if code == 5 {
            assert!(!line.contains("client_id"), "{line}");
        }
    }
}

/// axum's `Form` extractor (axum 0.8) and Rocket's `Form` guard (Rocket 0.5) answer a form
/// without a field the handler's struct requires (`client_id`: client_secret_post) with `422`,
/// whose bytes these are: the error said "the server there takes no client-credentials request",
/// of a handler that takes them with the client in the body. It now says what this tool sends,
/// which the server refuses, as for actix-web's 400 for the same.
#[test]
fn axums_and_rockets_422_for_another_form_at_token_url_says_what_was_sent() {
    const AXUM: &[u8] = b"HTTP/1.1 422 Unprocessable Entity\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 58\r\ndate: Mon, 07 Dec 2026 07:39:29 GMT\r\n\r\nFailed to deserialize form body: missing field `client_id`";
    const ROCKET: &[u8] = b"HTTP/1.1 422 Unprocessable Entity\r\ncontent-type: application/json\r\nserver: Rocket\r\nx-frame-options: SAMEORIGIN\r\npermissions-policy: interest-cohort=()\r\nx-content-type-options: nosniff\r\ncontent-length: 178\r\ndate: Mon, 07 Dec 2026 07:39:31 GMT\r\n\r\n{\n  \"error\": {\n    \"code\": 422,\n    \"reason\": \"Unprocessable Entity\",\n    \"description\": \"The request was well-formed but was unable to be followed due to semantic errors.\"\n  }\n}";
    for raw in [AXUM, ROCKET] {
        refused_as_not_this_request(raw, "HTTP 422");
    }
}

/// The token request's error where token_url answers `raw`: `said`, then what this tool sends,
/// which the server there refuses; neither its scheme and port nor "takes no client-credentials
/// request" (a handler wanting `client_id` in the body takes client_secret_post).
fn refused_as_not_this_request(raw: &'static [u8], said: &str) {
    let line = token_request_answered(FaultKind::RawResponse(raw));
    assert_contains(
        &line,
        &[
            said,
            "no OAuth answer (a token endpoint refuses with an OAuth error): the server there refuses this tool's request, a client_credentials grant in a form with HTTP Basic client authentication (client_secret_basic), the only kind it sends; check token_url",
        ],
    );
    assert!(!line.contains("scheme and port"), "{line}");
    assert!(!line.contains("takes no client-credentials"), "{line}");
}

/// json-server (1.0.0-beta.15, on Node 20) reads every POST body as JSON: the token request's
/// form at a token_url there is answered `500` "Unexpected token &#39;g&#39;,
/// &quot;grant_type&quot;... is not valid JSON". The run said "the token endpoint or a gateway
/// before it is failing; try again later or raise --max-retries", though every try fails alike.
/// It says, as for actix-web's `web::Json` refusal, what this tool sends, which the server there
/// does not take.
#[test]
fn a_500_for_the_token_form_read_as_json_says_what_was_sent() {
    const JSON_SERVER: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\nX-Powered-By: tinyhttp\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: GET, HEAD, PUT, PATCH, POST, DELETE\r\nAccess-Control-Allow-Headers: content-type\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: Mon, 07 Dec 2026 14:35:04 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n49\r\nUnexpected token &#39;g&#39;, &quot;grant_type&quot;... is not valid JSON\r\n0\r\n\r\n";
    let line = token_answered(JSON_SERVER, 5);
    assert_contains(
        &line,
        &[
            "HTTP 500: Unexpected token",
            "is not valid JSON",
            "no OAuth answer (a token endpoint refuses with an OAuth error): the server there refuses this tool's request, a client_credentials grant in a form with HTTP Basic client authentication (client_secret_basic), the only kind it sends; check token_url",
        ],
    );
    assert!(!line.contains("try again later"), "{line}");
}

/// actix-web's 400s to the token request when the handler at the URL
/// extracts another form (`web::Form` of a struct with `client_id`) or
/// JSON (`web::Json`): the server read the request and its body, so the
/// URL's scheme and port are right. Was exit 5 with "check token_url (its
/// scheme and port)"; now says what this tool sends, which the server
/// refuses: a form with HTTP Basic client authentication (a handler that
/// wants `client_id` in the body takes client_secret_post, still a
/// client-credentials request, as "takes no client-credentials request"
/// said it did not).
#[test]
fn actix_webs_extractor_400_at_token_url_blames_no_scheme_or_port() {
    const FORM: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 39\r\ncontent-type: text/plain; charset=utf-8\r\ndate: Mon, 07 Dec 2026 04:23:40 GMT\r\n\r\nParse error: missing field `client_id`.";
    const JSON: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 18\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ndate: Mon, 07 Dec 2026 04:23:40 GMT\r\n\r\nContent type error";
    // web::Json's refusal of a JSON body without the field (the words of actix-web 4).
    const JSON_FIELD: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 68\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nJson deserialize error: missing field `client_id` at line 1 column 2";
    for (raw, said) in [
        (FORM, "HTTP 400: Parse error: missing field `client_id`."),
        (JSON, "HTTP 400: Content type error"),
        (
            JSON_FIELD,
            "HTTP 400: Json deserialize error: missing field `client_id`",
        ),
    ] {
        refused_as_not_this_request(raw, said);
    }
}

/// A token endpoint on Rails (6.1, API mode, under puma 5.6) whose action wants `client_id` in
/// the form (`params.require(:client_id)`) answers the token request, in development, with `400`
/// and its JSON `{"status":400,"error":"Bad Request","exception":"#<ActionController::
/// ParameterMissing: param is missing or the value is empty: client_id ...`: the run said "no
/// OAuth answer; check token_url (its scheme and port)", both of which were right. It says, as
/// for actix-web's 400, what this tool sends, which the server refuses (exit 5 as before).
#[test]
fn rails_parameter_missing_400_at_token_url_blames_no_scheme_or_port() {
    const RAILS: &[u8] = concat!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=UTF-8\r\nX-Request-Id: b000930d-27bf-49aa-a685-1722403e9430\r\nX-Runtime: 0.021883\r\nConnection: close\r\nContent-Length: 13322\r\n\r\n",
        r##"{"status":400,"error":"Bad Request","exception":"#\u003cActionController::ParameterMissing: param is missing or the value is empty: client_id\nDid you mean?  action\n               controller\n               grant_type\n               scope\u003e","traces":{"Application Trace":[{"exception_object_id":5240,"id":1,"trace":"config.ru:38:in `create'"}],"Framework Trace":[{"exception_object_id":5240,"id":0,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/strong_parameters.rb:516:in `require'"},{"exception_object_id":5240,"id":2,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/basic_implicit_render.rb:6:in `send_action'"},{"exception_object_id":5240,"id":3,"trace":"actionpack (6.1.7.10) lib/abstract_controller/base.rb:228:in `process_action'"},{"exception_object_id":5240,"id":4,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/rendering.rb:30:in `process_action'"},{"exception_object_id":5240,"id":5,"trace":"actionpack (6.1.7.10) lib/abstract_controller/callbacks.rb:42:in `block in process_action'"},{"exception_object_id":5240,"id":6,"trace":"activesupport (6.1.7.10) lib/active_support/callbacks.rb:98:in `run_callbacks'"},{"exception_object_id":5240,"id":7,"trace":"actionpack (6.1.7.10) lib/abstract_controller/callbacks.rb:41:in `process_action'"},{"exception_object_id":5240,"id":8,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/rescue.rb:22:in `process_action'"},{"exception_object_id":5240,"id":9,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/instrumentation.rb:34:in `block in process_action'"},{"exception_object_id":5240,"id":10,"trace":"activesupport (6.1.7.10) lib/active_support/notifications.rb:203:in `block in instrument'"},{"exception_object_id":5240,"id":11,"trace":"activesupport (6.1.7.10) lib/active_support/notifications/instrumenter.rb:24:in `instrument'"},{"exception_object_id":5240,"id":12,"trace":"activesupport (6.1.7.10) lib/active_support/notifications.rb:203:in `instrument'"},{"exception_object_id":5240,"id":13,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/instrumentation.rb:33:in `process_action'"},{"exception_object_id":5240,"id":14,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/params_wrapper.rb:249:in `process_action'"},{"exception_object_id":5240,"id":15,"trace":"actionpack (6.1.7.10) lib/abstract_controller/base.rb:165:in `process'"},{"exception_object_id":5240,"id":16,"trace":"actionpack (6.1.7.10) lib/action_controller/metal.rb:190:in `dispatch'"},{"exception_object_id":5240,"id":17,"trace":"actionpack (6.1.7.10) lib/action_controller/metal.rb:254:in `dispatch'"},{"exception_object_id":5240,"id":18,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:50:in `dispatch'"},{"exception_object_id":5240,"id":19,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:33:in `serve'"},{"exception_object_id":5240,"id":20,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:50:in `block in serve'"},{"exception_object_id":5240,"id":21,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:32:in `each'"},{"exception_object_id":5240,"id":22,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:32:in `serve'"},{"exception_object_id":5240,"id":23,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:842:in `call'"},{"exception_object_id":5240,"id":24,"trace":"rack-attack (6.6.1) lib/rack/attack.rb:127:in `call'"},{"exception_object_id":5240,"id":25,"trace":"rack (2.2.22) lib/rack/etag.rb:27:in `call'"},{"exception_object_id":5240,"id":26,"trace":"rack (2.2.22) lib/rack/conditional_get.rb:40:in `call'"},{"exception_object_id":5240,"id":27,"trace":"rack (2.2.22) lib/rack/head.rb:12:in `call'"},{"exception_object_id":5240,"id":28,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/callbacks.rb:27:in `block in call'"},{"exception_object_id":5240,"id":29,"trace":"activesupport (6.1.7.10) lib/active_support/callbacks.rb:98:in `run_callbacks'"},{"exception_object_id":5240,"id":30,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/callbacks.rb:26:in `call'"},{"exception_object_id":5240,"id":31,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/executor.rb:14:in `call'"},{"exception_object_id":5240,"id":32,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/actionable_exceptions.rb:18:in `call'"},{"exception_object_id":5240,"id":33,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/debug_exceptions.rb:29:in `call'"},{"exception_object_id":5240,"id":34,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/show_exceptions.rb:33:in `call'"},{"exception_object_id":5240,"id":35,"trace":"railties (6.1.7.10) lib/rails/rack/logger.rb:37:in `call_app'"},{"exception_object_id":5240,"id":36,"trace":"railties (6.1.7.10) lib/rails/rack/logger.rb:28:in `call'"},{"exception_object_id":5240,"id":37,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/remote_ip.rb:81:in `call'"},{"exception_object_id":5240,"id":38,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/request_id.rb:26:in `call'"},{"exception_object_id":5240,"id":39,"trace":"rack (2.2.22) lib/rack/runtime.rb:22:in `call'"},{"exception_object_id":5240,"id":40,"trace":"activesupport (6.1.7.10) lib/active_support/cache/strategy/local_cache_middleware.rb:29:in `call'"},{"exception_object_id":5240,"id":41,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/executor.rb:14:in `call'"},{"exception_object_id":5240,"id":42,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/static.rb:24:in `call'"},{"exception_object_id":5240,"id":43,"trace":"rack (2.2.22) lib/rack/sendfile.rb:127:in `call'"},{"exception_object_id":5240,"id":44,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/host_authorization.rb:148:in `call'"},{"exception_object_id":5240,"id":45,"trace":"railties (6.1.7.10) lib/rails/engine.rb:539:in `call'"},{"exception_object_id":5240,"id":46,"trace":"railties (6.1.7.10) lib/rails/railtie.rb:207:in `public_send'"},{"exception_object_id":5240,"id":47,"trace":"railties (6.1.7.10) lib/rails/railtie.rb:207:in `method_missing'"},{"exception_object_id":5240,"id":48,"trace":"puma (5.6.5) lib/puma/configuration.rb:252:in `call'"},{"exception_object_id":5240,"id":49,"trace":"puma (5.6.5) lib/puma/request.rb:77:in `block in handle_request'"},{"exception_object_id":5240,"id":50,"trace":"puma (5.6.5) lib/puma/thread_pool.rb:340:in `with_force_shutdown'"},{"exception_object_id":5240,"id":51,"trace":"puma (5.6.5) lib/puma/request.rb:76:in `handle_request'"},{"exception_object_id":5240,"id":52,"trace":"puma (5.6.5) lib/puma/server.rb:443:in `process_client'"},{"exception_object_id":5240,"id":53,"trace":"puma (5.6.5) lib/puma/thread_pool.rb:147:in `block in spawn_thread'"}],"Full Trace":[{"exception_object_id":5240,"id":0,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/strong_parameters.rb:516:in `require'"},{"exception_object_id":5240,"id":1,"trace":"config.ru:38:in `create'"},{"exception_object_id":5240,"id":2,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/basic_implicit_render.rb:6:in `send_action'"},{"exception_object_id":5240,"id":3,"trace":"actionpack (6.1.7.10) lib/abstract_controller/base.rb:228:in `process_action'"},{"exception_object_id":5240,"id":4,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/rendering.rb:30:in `process_action'"},{"exception_object_id":5240,"id":5,"trace":"actionpack (6.1.7.10) lib/abstract_controller/callbacks.rb:42:in `block in process_action'"},{"exception_object_id":5240,"id":6,"trace":"activesupport (6.1.7.10) lib/active_support/callbacks.rb:98:in `run_callbacks'"},{"exception_object_id":5240,"id":7,"trace":"actionpack (6.1.7.10) lib/abstract_controller/callbacks.rb:41:in `process_action'"},{"exception_object_id":5240,"id":8,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/rescue.rb:22:in `process_action'"},{"exception_object_id":5240,"id":9,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/instrumentation.rb:34:in `block in process_action'"},{"exception_object_id":5240,"id":10,"trace":"activesupport (6.1.7.10) lib/active_support/notifications.rb:203:in `block in instrument'"},{"exception_object_id":5240,"id":11,"trace":"activesupport (6.1.7.10) lib/active_support/notifications/instrumenter.rb:24:in `instrument'"},{"exception_object_id":5240,"id":12,"trace":"activesupport (6.1.7.10) lib/active_support/notifications.rb:203:in `instrument'"},{"exception_object_id":5240,"id":13,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/instrumentation.rb:33:in `process_action'"},{"exception_object_id":5240,"id":14,"trace":"actionpack (6.1.7.10) lib/action_controller/metal/params_wrapper.rb:249:in `process_action'"},{"exception_object_id":5240,"id":15,"trace":"actionpack (6.1.7.10) lib/abstract_controller/base.rb:165:in `process'"},{"exception_object_id":5240,"id":16,"trace":"actionpack (6.1.7.10) lib/action_controller/metal.rb:190:in `dispatch'"},{"exception_object_id":5240,"id":17,"trace":"actionpack (6.1.7.10) lib/action_controller/metal.rb:254:in `dispatch'"},{"exception_object_id":5240,"id":18,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:50:in `dispatch'"},{"exception_object_id":5240,"id":19,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:33:in `serve'"},{"exception_object_id":5240,"id":20,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:50:in `block in serve'"},{"exception_object_id":5240,"id":21,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:32:in `each'"},{"exception_object_id":5240,"id":22,"trace":"actionpack (6.1.7.10) lib/action_dispatch/journey/router.rb:32:in `serve'"},{"exception_object_id":5240,"id":23,"trace":"actionpack (6.1.7.10) lib/action_dispatch/routing/route_set.rb:842:in `call'"},{"exception_object_id":5240,"id":24,"trace":"rack-attack (6.6.1) lib/rack/attack.rb:127:in `call'"},{"exception_object_id":5240,"id":25,"trace":"rack (2.2.22) lib/rack/etag.rb:27:in `call'"},{"exception_object_id":5240,"id":26,"trace":"rack (2.2.22) lib/rack/conditional_get.rb:40:in `call'"},{"exception_object_id":5240,"id":27,"trace":"rack (2.2.22) lib/rack/head.rb:12:in `call'"},{"exception_object_id":5240,"id":28,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/callbacks.rb:27:in `block in call'"},{"exception_object_id":5240,"id":29,"trace":"activesupport (6.1.7.10) lib/active_support/callbacks.rb:98:in `run_callbacks'"},{"exception_object_id":5240,"id":30,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/callbacks.rb:26:in `call'"},{"exception_object_id":5240,"id":31,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/executor.rb:14:in `call'"},{"exception_object_id":5240,"id":32,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/actionable_exceptions.rb:18:in `call'"},{"exception_object_id":5240,"id":33,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/debug_exceptions.rb:29:in `call'"},{"exception_object_id":5240,"id":34,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/show_exceptions.rb:33:in `call'"},{"exception_object_id":5240,"id":35,"trace":"railties (6.1.7.10) lib/rails/rack/logger.rb:37:in `call_app'"},{"exception_object_id":5240,"id":36,"trace":"railties (6.1.7.10) lib/rails/rack/logger.rb:28:in `call'"},{"exception_object_id":5240,"id":37,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/remote_ip.rb:81:in `call'"},{"exception_object_id":5240,"id":38,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/request_id.rb:26:in `call'"},{"exception_object_id":5240,"id":39,"trace":"rack (2.2.22) lib/rack/runtime.rb:22:in `call'"},{"exception_object_id":5240,"id":40,"trace":"activesupport (6.1.7.10) lib/active_support/cache/strategy/local_cache_middleware.rb:29:in `call'"},{"exception_object_id":5240,"id":41,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/executor.rb:14:in `call'"},{"exception_object_id":5240,"id":42,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/static.rb:24:in `call'"},{"exception_object_id":5240,"id":43,"trace":"rack (2.2.22) lib/rack/sendfile.rb:127:in `call'"},{"exception_object_id":5240,"id":44,"trace":"actionpack (6.1.7.10) lib/action_dispatch/middleware/host_authorization.rb:148:in `call'"},{"exception_object_id":5240,"id":45,"trace":"railties (6.1.7.10) lib/rails/engine.rb:539:in `call'"},{"exception_object_id":5240,"id":46,"trace":"railties (6.1.7.10) lib/rails/railtie.rb:207:in `public_send'"},{"exception_object_id":5240,"id":47,"trace":"railties (6.1.7.10) lib/rails/railtie.rb:207:in `method_missing'"},{"exception_object_id":5240,"id":48,"trace":"puma (5.6.5) lib/puma/configuration.rb:252:in `call'"},{"exception_object_id":5240,"id":49,"trace":"puma (5.6.5) lib/puma/request.rb:77:in `block in handle_request'"},{"exception_object_id":5240,"id":50,"trace":"puma (5.6.5) lib/puma/thread_pool.rb:340:in `with_force_shutdown'"},{"exception_object_id":5240,"id":51,"trace":"puma (5.6.5) lib/puma/request.rb:76:in `handle_request'"},{"exception_object_id":5240,"id":52,"trace":"puma (5.6.5) lib/puma/server.rb:443:in `process_client'"},{"exception_object_id":5240,"id":53,"trace":"puma (5.6.5) lib/puma/thread_pool.rb:147:in `block in spawn_thread'"}]}}"##
    )
    .as_bytes();
    refused_as_not_this_request(RAILS, "HTTP 400: Bad Request");
}

/// Litestar's (2.25, its exception JSON) and BlackSheep's (2.6, `Bad Request: ` and the
/// exception's words) 400s to the token request when the handler at the URL takes another
/// form (a dataclass with `client_id`), JSON or multipart: the server read the request and
/// its body, so the URL's scheme and port are right, as with actix-web's above. Was exit 5
/// with "no OAuth answer; check token_url (its scheme and port)".
#[test]
fn litestars_and_blacksheeps_400_at_token_url_blame_no_scheme_or_port() {
    const LITESTAR: &[u8] = b"HTTP/1.1 400 Bad Request\r\ndate: Mon, 07 Dec 2026 06:57:09 GMT\r\nserver: uvicorn\r\ncontent-type: application/json\r\ncontent-length: 165\r\n\r\n{\"status_code\":400,\"detail\":\"Validation failed for POST /oauth/token\",\"extra\":[{\"message\":\"Object missing required field `client_id`\",\"key\":\"data\",\"source\":\"body\"}]}";
    const BLACKSHEEP: &[u8] = b"HTTP/1.1 400 Bad Request\r\ndate: Mon, 07 Dec 2026 06:57:11 GMT\r\nserver: uvicorn\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 63\r\n\r\nBad Request: Bad Request: invalid parameter in request payload.";
    for (raw, said) in [
        (
            LITESTAR,
            "HTTP 400: Validation failed for POST /oauth/token",
        ),
        (
            BLACKSHEEP,
            "HTTP 400: Bad Request: Bad Request: invalid parameter in request payload.",
        ),
    ] {
        refused_as_not_this_request(raw, said);
    }
}

/// Falcon (4.4) answers a token request whose handler wants `client_id` in the form
/// (`req.get_param("client_id", required=True)`, or `raise falcon.HTTPMissingParam("client_id")`
/// after `req.get_media()`) with its `HTTPMissingParam` JSON: the run said "no OAuth answer;
/// check token_url (its scheme and port)", both of which were right, as the server read the
/// request. It now says what this tool sends, which the server refuses, as for actix-web's 400.
#[test]
fn falcons_missing_parameter_400_at_token_url_blames_no_scheme_or_port() {
    const FALCON: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nvary: Accept\r\ncontent-length: 89\r\nDate: Mon, 07 Dec 2026 09:21:08 GMT\r\n\r\n{\"title\": \"Missing parameter\", \"description\": \"The \\\"client_id\\\" parameter is required.\"}";
    refused_as_not_this_request(
        FALCON,
        "HTTP 400: Missing parameter: The \"client_id\" parameter is required.",
    );
}

/// Dancer2 (0.400001) with `set serializer => 'JSON'` reads every request body as JSON,
/// whatever its type, and answers the token request's form with its 400 JSON "Failed to
/// deserialize content: malformed JSON string, ...": the run said "no OAuth answer; check
/// token_url (its scheme and port)", both of which were right, as the server read the body.
/// It now says what this tool sends, which the server refuses, as for actix-web's 400.
#[test]
fn dancer2s_json_serializer_400_at_token_url_blames_no_scheme_or_port() {
    const DANCER2: &[u8] = b"HTTP/1.0 400 Bad Request\r\nDate: Mon, 07 Dec 2026 10:05:01 GMT\r\nServer: HTTP::Server::PSGI\r\nServer: Perl Dancer2 0.400001\r\nContent-Length: 283\r\nContent-Type: application/json\r\n\r\n{\"message\":\"Failed to deserialize content: malformed JSON string, neither tag, array, object, number, string or atom, at character offset 0 (before \\\"grant_type=client_cr...\\\") at /usr/share/perl5/Dancer2/Serializer/JSON.pm line 47.\\n\",\"status\":400,\"title\":\"Error 400 - Bad Request\"}";
    refused_as_not_this_request(
        DANCER2,
        "HTTP 400: Failed to deserialize content: malformed JSON string",
    );
}

/// Django (5.2, under daphne 4.2) answers a POST to a view its `CsrfViewMiddleware` guards,
/// a token view without `@csrf_exempt`, with `403` and its page "CSRF verification failed.
/// Request aborted.": the run blamed "something in front of it (a web filter on your
/// network, or a firewall such as mod_security or mod_evasive before the token endpoint)" and
/// said to try again later, which meets the same page. It names the CSRF check (exit 4 as
/// before: the token request is refused).
#[test]
fn djangos_csrf_403_at_token_url_names_the_csrf_check() {
    const RAW: &str = concat!(
        "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 1367\r\nServer: daphne\r\n\r\n",
        r##"<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>403 Forbidden</title>
  <style>
    html * { padding:0; margin:0; }
    body * { padding:10px 20px; }
    body * * { padding:0; }
    body { font-family: sans-serif; background:#eee; color:#000; }
    body>div { border-bottom:1px solid #ddd; }
    h1 { font-weight:normal; margin-bottom:.4em; }
    h1 span { font-size:60%; color:#666; font-weight:normal; }
    #info { background:#f6f6f6; }
    #info ul { margin: 0.5em 4em; }
    #info p, #summary p { padding-top:10px; }
    #summary { background: #ffc; }
    #explanation { background:#eee; border-bottom: 0px none; }
  </style>
</head>
<body>
<div id="summary">
  <h1>Forbidden <span>(403)</span></h1>
  <p>CSRF verification failed. Request aborted.</p>


  <p>You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties.</p>
  <p>If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests.</p>

</div>

<div id="explanation">
  <p><small>More information is available with DEBUG=True.</small></p>
</div>

</body>
</html>
"##
    );
    let line = token_answered(RAW.as_bytes(), 4);
    assert_contains(
        &line,
        &[
            "HTTP 403",
            "CSRF verification failed",
            "Django's CSRF check (its CsrfViewMiddleware) refuses the POST: the view at token_url is no token endpoint, or one without Django's @csrf_exempt (a token endpoint takes POSTs without a CSRF token); check token_url, else have whoever runs it exempt the view",
        ],
    );
    assert!(!line.contains("web filter"), "{line}");
    assert!(!line.contains("try again later"), "{line}");
}

/// Plack::Middleware::CSRFBlock (0.10, before a PSGI app at token_url) answers a POST without
/// its CSRF token with `403` and the text "CSRF detected": the run said "check client_id and
/// client_secret, and that the OAuth client has the express-accounts:read scope", of a request
/// refused before any credential was read. It names the CSRF check, as for Django's (exit 4 as
/// before: the token request is refused).
#[test]
fn placks_csrfblock_403_at_token_url_names_the_csrf_check() {
    const RAW: &[u8] = b"HTTP/1.0 403 Forbidden\r\nDate: Mon, 07 Dec 2026 10:07:35 GMT\r\nServer: HTTP::Server::PSGI\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nSet-Cookie: plack_session=9e6c167a77c14caf1fcfbe2949372383790738c8; path=/\r\n\r\nCSRF detected";
    let line = token_answered(RAW, 4);
    assert_contains(
        &line,
        &[
            "HTTP 403: CSRF detected",
            "a CSRF check (Plack::Middleware::CSRFBlock) refuses the POST: the app at token_url is no token endpoint, or one behind that check (a token endpoint takes POSTs without a CSRF token); check token_url, else have whoever runs it exempt the token endpoint",
        ],
    );
    assert!(!line.contains("client_secret"), "{line}");
}

/// json-server (0.17.4) with `--read-only` answers every POST, the token request's at a route to
/// its resources too, with Express's `403` "Forbidden" and no OAuth error: the run said "check
/// client_id and client_secret, and that the OAuth client has the express-accounts:read scope",
/// of a request refused before anything read the credentials. A 403 that says only its status's
/// word names what may refuse any POST there, token_url first (exit 4 as before: the token
/// request is refused).
#[test]
fn a_bare_forbidden_403_at_token_url_names_token_url_before_the_credentials() {
    const JSON_SERVER: &[u8] = b"HTTP/1.1 403 Forbidden\r\nX-Powered-By: Express\r\nVary: Origin, Accept-Encoding\r\nAccess-Control-Allow-Credentials: true\r\nCache-Control: no-cache\r\nPragma: no-cache\r\nExpires: -1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\nETag: W/\"9-PatfYBLj4Um1qTm5zrukoLhNyPU\"\r\nDate: Mon, 07 Dec 2026 14:47:54 GMT\r\nConnection: close\r\n\r\nForbidden";
    let line = token_answered(JSON_SERVER, 4);
    assert_contains(
        &line,
        &[
            "refused: HTTP 403: Forbidden",
            "no OAuth error came with it",
            "json-server --read-only",
            "check token_url, else client_id and client_secret",
        ],
    );
    assert!(!line.contains("scope"), "{line}");
    // A 403 with an OAuth error was read by a token endpoint: the credentials, not token_url.
    let refusal = FaultKind::StatusWithBody(403, r#"{"error":"access_denied"}"#.into());
    let line = token_fails(refusal, 4);
    assert!(line.contains("check client_id and client_secret"), "{line}");
    assert!(!line.contains("no OAuth error came with it"), "{line}");
}

/// Rails (6.1, API mode, under puma 5.6) answers a request whose `Host` its `config.hosts` does
/// not list (token_url or base_url by address, `127.0.0.1:PORT`, where it lists
/// `api.example.com`) with `403` and, in development, its page "Blocked host: 127.0.0.1" from
/// `ActionDispatch::HostAuthorization`: the run blamed "something in front of it (a web filter on
/// your network, or a firewall such as mod_security or mod_evasive before the token endpoint)"
/// and said to try again later, which meets the same page. It names the host name and
/// `config.hosts`, as Django's page names `ALLOWED_HOSTS` (exit 4 as before: a 403).
#[test]
fn rails_blocked_host_403_names_the_host_name() {
    const RAW: &str = concat!(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html; charset=UTF-8\r\nConnection: close\r\nContent-Length: 5040\r\n\r\n",
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Action Controller: Exception caught</title>
  <style>
    body {
      background-color: #FAFAFA;
      color: #333;
      color-scheme: light dark;
      supported-color-schemes: light dark;
      margin: 0px;
    }

    body, p, ol, ul, td {
      font-family: helvetica, verdana, arial, sans-serif;
      font-size:   13px;
      line-height: 18px;
    }

    pre {
      font-size: 11px;
      white-space: pre-wrap;
    }

    pre.box {
      border: 1px solid #EEE;
      padding: 10px;
      margin: 0px;
      width: 958px;
    }

    header {
      color: #F0F0F0;
      background: #C00;
      padding: 0.5em 1.5em;
    }

    h1 {
      overflow-wrap: break-word;
      margin: 0.2em 0;
      line-height: 1.1em;
      font-size: 2em;
    }

    h2 {
      color: #C00;
      line-height: 25px;
    }

    .exception-message {
      padding: 8px 0;
    }

    .exception-message .message{
      margin-bottom: 8px;
      line-height: 25px;
      font-size: 1.5em;
      font-weight: bold;
      color: #C00;
    }

    .details {
      border: 1px solid #D0D0D0;
      border-radius: 4px;
      margin: 1em 0px;
      display: block;
      max-width: 978px;
    }

    .summary {
      padding: 8px 15px;
      border-bottom: 1px solid #D0D0D0;
      display: block;
    }

    .details pre {
      margin: 5px;
      border: none;
    }

    #container {
      box-sizing: border-box;
      width: 100%;
      padding: 0 1.5em;
    }

    .source * {
      margin: 0px;
      padding: 0px;
    }

    .source {
      border: 1px solid #D9D9D9;
      background: #ECECEC;
      max-width: 978px;
    }

    .source pre {
      padding: 10px 0px;
      border: none;
    }

    .source .data {
      font-size: 80%;
      overflow: auto;
      background-color: #FFF;
    }

    .info {
      padding: 0.5em;
    }

    .source .data .line_numbers {
      background-color: #ECECEC;
      color: #AAA;
      padding: 1em .5em;
      border-right: 1px solid #DDD;
      text-align: right;
    }

    .line {
      padding-left: 10px;
      white-space: pre;
    }

    .line:hover {
      background-color: #F6F6F6;
    }

    .line.active {
      background-color: #FCC;
    }

    .button_to {
      display: inline-block;
      margin-top: 0.75em;
      margin-bottom: 0.75em;
    }

    .hidden {
      display: none;
    }

    input[type="submit"] {
      color: white;
      background-color: #C00;
      border: none;
      border-radius: 12px;
      box-shadow: 0 3px #F99;
      font-size: 13px;
      font-weight: bold;
      margin: 0;
      padding: 10px 18px;
      -webkit-appearance: none;
    }
    input[type="submit"]:focus,
    input[type="submit"]:hover {
      opacity: 0.8;
    }
    input[type="submit"]:active {
      box-shadow: 0 2px #F99;
      transform: translateY(1px)
    }


    a { color: #980905; }
    a:visited { color: #666; }
    a.trace-frames {
      color: #666;
      overflow-wrap: break-word;
    }
    a:hover { color: #C00; }
    a.trace-frames.selected { color: #C00 }

    @media (prefers-color-scheme: dark) {
      body {
        background-color: #222;
        color: #ECECEC;
      }

      .details {
        border-color: #666;
      }

      .summary {
        border-color: #666;
      }

      .source {
        border-color: #555;
        background-color: #333;
      }

      .source .data {
        background: #444;
      }

      .source .data .line_numbers {
        background: #333;
        border-color: #222;
      }

      .line:hover {
        background: #666;
      }

      .line.active {
        background-color: #900;
      }

      input[type="submit"] {
        box-shadow: 0 3px #800;
      }
      input[type="submit"]:active {
        box-shadow: 0 2px #800;
      }

      a { color: #C00; }
      a.trace-frames { color: #999; }
      a:hover { color: #E9382B; }
      a.trace-frames.selected { color: #E9382B; }
    }

    
  </style>

  <script>
    var toggle = function(id) {
      var s = document.getElementById(id).style;
      s.display = s.display == 'none' ? 'block' : 'none';
      return false;
    }
    var show = function(id) {
      document.getElementById(id).style.display = 'block';
    }
    var hide = function(id) {
      document.getElementById(id).style.display = 'none';
    }
    var toggleTrace = function() {
      return toggle('blame_trace');
    }
    var toggleSessionDump = function() {
      return toggle('session_dump');
    }
    var toggleEnvDump = function() {
      return toggle('env_dump');
    }
  </script>
</head>
<body>

<header>
  <h1>Blocked host: 127.0.0.1</h1>
</header>
<div id="container">
  <h2>To allow requests to 127.0.0.1 make sure it is a valid hostname (containing only numbers, letters, dashes and dots), then add the following to your environment configuration:</h2>
  <pre>config.hosts &lt;&lt; "127.0.0.1"</pre>
</div>


</body>
</html>
"#
    );
    for (line, setting) in token_and_pages_answered(RAW.as_bytes(), 4) {
        assert_contains(
            &line,
            &[
                "HTTP 403",
                "Blocked host: 127.0.0.1",
                &format!(
                    "check {setting} (its host name): Rails (its HostAuthorization) answers so a request whose Host its config.hosts does not list"
                ),
            ],
        );
        assert!(!line.contains("web filter"), "{line}");
        assert!(!line.contains("try again later"), "{line}");
    }
}

/// Catalyst (5.90130, its development server or Starman) with no `default` action answers a path
/// it has no action for with `500` and, under `-Debug`, its page `Unknown resource
/// "api/express/accounts"` (a base_url with a path too many, a token_url with a typo): the run
/// said "the API or a gateway before it is failing; try again later or raise --max-retries",
/// which meets the same page. It says to check the URL's path (exit 5 as before); of a later
/// page, that base_url answered the first, as of any server's page there.
#[test]
fn catalysts_unknown_resource_500_says_to_check_the_path() {
    const RAW: &str = concat!(
        "HTTP/1.0 500 Internal Server Error\r\nDate: Mon, 07 Dec 2026 12:12:39 GMT\r\nServer: HTTP::Server::PSGI\r\nContent-Type: text/html; charset=utf-8\r\nX-Catalyst: 5.90130\r\nContent-Length: 10745\r\n\r\n",
        r##"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
    <meta http-equiv="Content-Language" content="en" />
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
    <title>TdApp on Catalyst 5.90130</title>
    <script type="text/javascript">
        <!--
        function toggleDump (dumpElement) {
            var e = document.getElementById( dumpElement );
            if (e.style.display == "none") {
                e.style.display = "";
            }
            else {
                e.style.display = "none";
            }
        }
        -->
    </script>
    <style type="text/css">
        body {
            font-family: "Bitstream Vera Sans", "Trebuchet MS", Verdana,
                         Tahoma, Arial, helvetica, sans-serif;
            color: #333;
            background-color: #eee;
            margin: 0px;
            padding: 0px;
        }
        :link, :link:hover, :visited, :visited:hover {
            color: #000;
        }
        div.box {
            position: relative;
            background-color: #ccc;
            border: 1px solid #aaa;
            padding: 4px;
            margin: 10px;
        }
        div.error {
            background-color: #cce;
            border: 1px solid #755;
            padding: 8px;
            margin: 4px;
            margin-bottom: 10px;
        }
        div.infos {
            background-color: #eee;
            border: 1px solid #575;
            padding: 8px;
            margin: 4px;
            margin-bottom: 10px;
        }
        div.name {
            background-color: #cce;
            border: 1px solid #557;
            padding: 8px;
            margin: 4px;
        }
        code.error {
            display: block;
            margin: 1em 0;
            overflow: auto;
        }
        div.name h1, div.error p {
            margin: 0;
        }
        h2 {
            margin-top: 0;
            margin-bottom: 10px;
            font-size: medium;
            font-weight: bold;
            text-decoration: underline;
        }
        h1 {
            font-size: medium;
            font-weight: normal;
        }
        /* from http://users.tkk.fi/~tkarvine/linux/doc/pre-wrap/pre-wrap-css3-mozilla-opera-ie.html */
        /* Browser specific (not valid) styles to make preformatted text wrap */
        pre {
            white-space: pre-wrap;       /* css-3 */
            white-space: -moz-pre-wrap;  /* Mozilla, since 1999 */
            white-space: -pre-wrap;      /* Opera 4-6 */
            white-space: -o-pre-wrap;    /* Opera 7 */
            word-wrap: break-word;       /* Internet Explorer 5.5+ */
        }
    </style>
</head>
<body>
    <div class="box">
        <div class="error"><pre wrap=""><p><code class="error">Unknown resource &quot;api/express/accounts&quot;</code></p></pre></div>
        <div class="infos"><h2><a href="#" onclick="toggleDump('dump_0'); return false">Request</a></h2>
<div id="dump_0">
    <pre wrap="">do {
  require Symbol;
  my $a = bless({
    _log                 =&gt; bless({
                              _body =&gt; undef,
                              _psgi_errors =&gt; *main::STDERR,
                              abort =&gt; undef,
                              autoflush =&gt; 1,
                              level =&gt; 31,
                            }, &quot;Catalyst::Log&quot;),
    _path                =&gt; &quot;api/express/accounts&quot;,
    _read_length         =&gt; 0,
    _read_position       =&gt; 0,
    _use_hash_multivalue =&gt; 0,
    address              =&gt; &quot;127.0.0.1&quot;,
    arguments            =&gt; [&quot;&quot;, &quot;api&quot;, &quot;express&quot;, &quot;accounts&quot;],
    base                 =&gt; bless(do{\(my $o = &quot;http://127.0.0.1:19303/&quot;)}, &quot;URI::http&quot;),
    body_parameters      =&gt; {},
    captures             =&gt; [],
    cookies              =&gt; {},
    data_handlers        =&gt; {
                              &quot;application/json&quot; =&gt; sub { ... },
                              &quot;application/x-www-form-urlencoded&quot; =&gt; sub { ... },
                            },
    env                  =&gt; {
                              &quot;Catalyst.Stash.v2&quot;             =&gt; sub { ... },
                              &quot;HTTP_ACCEPT&quot;                   =&gt; &quot;application/json&quot;,
                              &quot;HTTP_AUTHORIZATION&quot;            =&gt; &quot;Bearer x&quot;,
                              &quot;HTTP_HOST&quot;                     =&gt; &quot;127.0.0.1:19303&quot;,
                              &quot;HTTP_USER_AGENT&quot;               =&gt; &quot;talkdesk-accounts/0.1.0&quot;,
                              &quot;PATH_INFO&quot;                     =&gt; &quot;/api/express/accounts&quot;,
                              &quot;plack.original_request_method&quot; =&gt; &quot;GET&quot;,
                              &quot;psgi.errors&quot;                   =&gt; *main::STDERR,
                              &quot;psgi.input&quot;                    =&gt; \*HTTP::Server::PSGI::$input,
                              &quot;psgi.multiprocess&quot;             =&gt; &quot;&quot;,
                              &quot;psgi.multithread&quot;              =&gt; &quot;&quot;,
                              &quot;psgi.nonblocking&quot;              =&gt; &quot;&quot;,
                              &quot;psgi.run_once&quot;                 =&gt; &quot;&quot;,
                              &quot;psgi.streaming&quot;                =&gt; 1,
                              &quot;psgi.url_scheme&quot;               =&gt; &quot;http&quot;,
                              &quot;psgi.version&quot;                  =&gt; [1, 1],
                              &quot;psgix.harakiri&quot;                =&gt; 1,
                              &quot;psgix.input.buffered&quot;          =&gt; 1,
                              &quot;psgix.io&quot;                      =&gt; bless(Symbol::gensym(), &quot;IO::Socket::INET&quot;),
                              &quot;QUERY_STRING&quot;                  =&gt; &quot;page=1&amp;per_page=50&quot;,
                              &quot;REMOTE_ADDR&quot;                   =&gt; &quot;127.0.0.1&quot;,
                              &quot;REMOTE_PORT&quot;                   =&gt; 58660,
                              &quot;REQUEST_METHOD&quot;                =&gt; &quot;GET&quot;,
                              &quot;REQUEST_URI&quot;                   =&gt; &quot;/api/express/accounts?page=1&amp;per_page=50&quot;,
                              &quot;SCRIPT_NAME&quot;                   =&gt; &quot;&quot;,
                              &quot;SERVER_NAME&quot;                   =&gt; &quot;127.0.0.1&quot;,
                              &quot;SERVER_PORT&quot;                   =&gt; 19303,
                              &quot;SERVER_PROTOCOL&quot;               =&gt; &quot;HTTP/1.1&quot;,
                            },
    headers              =&gt; bless({
                              &quot;::std_case&quot;    =&gt; { cookie =&gt; &quot;Cookie&quot; },
                              &quot;accept&quot;        =&gt; &quot;application/json&quot;,
                              &quot;authorization&quot; =&gt; &quot;Bearer x&quot;,
                              &quot;host&quot;          =&gt; &quot;127.0.0.1:19303&quot;,
                              &quot;user-agent&quot;    =&gt; &quot;talkdesk-accounts/0.1.0&quot;,
                            }, &quot;HTTP::Headers&quot;),
    method               =&gt; &quot;GET&quot;,
    parameters           =&gt; { page =&gt; 1, per_page =&gt; 50 },
    protocol             =&gt; &quot;HTTP/1.1&quot;,
    query_parameters     =&gt; { page =&gt; 1, per_page =&gt; 50 },
    remote_user          =&gt; undef,
    secure               =&gt; 0,
    uploads              =&gt; {},
    uri                  =&gt; bless(do{\(my $o = &quot;http://127.0.0.1:19303/api/express/accounts?page=1&amp;per_page=50&quot;)}, &quot;URI::http&quot;),
  }, &quot;Catalyst::Request&quot;);
  *{$a-&gt;{env}{&quot;psgix.io&quot;}} = {
    io_socket_domain   =&gt; 2,
    io_socket_peername =&gt; &quot;\2\0\xE5\$\x7F\0\0\1\0\0\0\0\0\0\0\0&quot;,
    io_socket_proto    =&gt; 6,
    io_socket_timeout  =&gt; undef,
    io_socket_type     =&gt; 1,
  };
  $a;
}</pre>
</div>

<h2><a href="#" onclick="toggleDump('dump_1'); return false">Response</a></h2>
<div id="dump_1">
    <pre wrap="">bless({
  _log =&gt; bless({
    _body =&gt; undef,
    _psgi_errors =&gt; *main::STDERR,
    abort =&gt; undef,
    autoflush =&gt; 1,
    level =&gt; 31,
  }, &quot;Catalyst::Log&quot;),
  _response_cb =&gt; sub { ... },
  body =&gt; undef,
  cookies =&gt; {},
  encodable_content_type =&gt; qr/text|xml$|javascript$/,
  encoding =&gt; bless({ Name =&gt; &quot;utf-8-strict&quot;, strict_utf8 =&gt; 1 }, &quot;Encode::utf8&quot;),
  finalized_headers =&gt; 0,
  headers =&gt; bless({
    &quot;::std_case&quot;   =&gt; { &quot;x-catalyst&quot; =&gt; &quot;X-Catalyst&quot; },
    &quot;content-type&quot; =&gt; &quot;text/html; charset=utf-8&quot;,
    &quot;x-catalyst&quot;   =&gt; &quot;5.90130&quot;,
  }, &quot;HTTP::Headers&quot;),
  status =&gt; 200,
}, &quot;Catalyst::Response&quot;)</pre>
</div>

<h2><a href="#" onclick="toggleDump('dump_2'); return false">Stash</a></h2>
<div id="dump_2">
    <pre wrap="">{}</pre>
</div>

<h2><a href="#" onclick="toggleDump('dump_3'); return false">Config</a></h2>
<div id="dump_3">
    <pre wrap="">{
  disable_component_resolution_regex_fallback =&gt; 1,
  home =&gt; &quot;/tmp/s48/a3/work/cat/lib/TdApp&quot;,
  name =&gt; &quot;TdApp&quot;,
  root =&gt; bless({
    dirs =&gt; [&quot;&quot;, &quot;tmp&quot;, &quot;s48&quot;, &quot;a3&quot;, &quot;work&quot;, &quot;cat&quot;, &quot;lib&quot;, &quot;TdApp&quot;, &quot;root&quot;],
    file_spec_class =&gt; undef,
    volume =&gt; &quot;&quot;,
  }, &quot;Path::Class::Dir&quot;),
}</pre>
</div>
</div>
        <div class="name"><h1>TdApp on Catalyst 5.90130</h1></div>
    </div>
</body>
</html>
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                "##
    );
    for (line, setting) in token_and_pages_answered(RAW.as_bytes(), 5) {
        assert_contains(
            &line,
            &[
                "HTTP 500",
                "Unknown resource",
                &format!(
                    "check {setting} (its path): Catalyst answers so a path it has no action for"
                ),
            ],
        );
        assert!(!line.contains("try again later"), "{line}");
    }
    // A later page's Host and path prefix answered page 1: base_url is not to check.
    let later = failing_page(2, FaultKind::RawResponse(RAW.as_bytes()));
    blames_base_url_on_page_one_only(2, &later);
}

/// Grape (1.6.2, under puma 5.6) with `format :xml` answers in XML whatever the request's
/// `Accept`: its page of accounts as `<?xml …?><hash>…`, and its `error!` as
/// `<?xml …?><error><message>Unauthorized</message></error>`. The run called each "an HTML
/// page": the page "check base_url, or a proxy in between", and the token endpoint's `401`
/// (the API's alike) "something in front of it (a web filter on your network, or a firewall
/// such as mod_security or mod_evasive before the token endpoint) may be refusing; ask whoever
/// runs it", of the application's own answer. An XML document is told as such: the page as XML, not
/// the JSON asked for (exit 5 as before), a refusal as the server's (exit 4 as before).
#[test]
fn grapes_xml_answers_are_not_called_html_pages() {
    const PAGE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 416\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <count type=\"integer\">1</count>\n  <page type=\"integer\">1</page>\n  <_embedded>\n    <accounts type=\"array\">\n      <account>\n        <id>acc0000</id>\n        <name>name0</name>\n        <status>ACTIVE</status>\n      </account>\n    </accounts>\n  </_embedded>\n  <_links>\n    <self>\n      <href>/express/accounts?page=1&amp;per_page=50</href>\n    </self>\n  </_links>\n</hash>\n";
    for page in [1, 2] {
        let line = failing_page(page, FaultKind::RawResponse(PAGE));
        assert_contains(
            &line,
            &["the answer is not a page of accounts (an XML document)"],
        );
        assert!(!line.contains("HTML"), "{line}");
        blames_base_url_on_page_one_only(page, &line);
    }
    let first = failing_page(1, FaultKind::RawResponse(PAGE));
    assert_contains(&first, &["answers in XML, not the JSON this tool asks for"]);
    const ERROR: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/xml\r\nContent-Length: 90\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>Unauthorized</message>\n</error>\n";
    let [(token, _), (page, _)] = token_and_pages_answered(ERROR, 4);
    assert_contains(
        &token,
        &[
            "HTTP 401: Unauthorized",
            "check client_id and client_secret",
        ],
    );
    assert_contains(
        &page,
        &["HTTP 401: Unauthorized", "check the client id and secret"],
    );
    for line in [token, page] {
        assert!(!line.contains("HTML"), "{line}");
        assert!(!line.contains("web filter"), "{line}");
    }
}

/// libwebsockets (4.1, Debian 12's) answers what its application refuses with
/// `lws_return_http_status` as a page of its own, `<html><head>… href="/error.css"/></head><body>
/// <h1>401</h1></body></html>`, as an lws token endpoint does a wrong secret and an lws API a token
/// it does not take. Each was "the answer is an HTML page, not the token endpoint's (the API's):
/// something in front of it (a web filter on your network, or a firewall such as mod_security or
/// mod_evasive …) may be refusing; ask whoever runs it, or try again later", of the application's
/// own answer. It is told as the server's refusal (exit 4 as before).
#[test]
fn libwebsockets_own_status_pages_are_the_applications_refusal() {
    const ERROR: &[u8] = b"HTTP/1.1 401 Unauthorized\r\ncontent-type: text/html\r\ncontent-length: 173\r\n\r\n<html><head><meta charset=utf-8 http-equiv=\"Content-Language\" content=\"en\"/><link rel=\"stylesheet\" type=\"text/css\" href=\"/error.css\"/></head><body><h1>401</h1></body></html>";
    let [(token, _), (page, _)] = token_and_pages_answered(ERROR, 4);
    assert_contains(&token, &["HTTP 401", "check client_id and client_secret"]);
    assert_contains(&page, &["HTTP 401", "check the client id and secret"]);
    for line in [token, page] {
        assert!(!line.contains("web filter"), "{line}");
    }
}

/// The token endpoint of the same Grape app (`format :xml`) grants the token in XML too
/// (`<?xml …?><hash><access-token>…`): the run said "the answer is not a token (an HTML page);
/// check token_url, or a proxy in between", as pages in XML did before 26e268a1. It says what the
/// page says: an XML document, from a server that answers in XML (exit 5 as before).
#[test]
fn grapes_token_in_xml_is_not_called_an_html_page() {
    const TOKEN: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 193\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <access-token>abcdefghijklmnopqrstuvwxyz</access-token>\n  <token-type>Bearer</token-type>\n  <expires-in type=\"integer\">3600</expires-in>\n</hash>\n";
    let line = token_request_answered(FaultKind::RawResponse(TOKEN));
    assert_contains(
        &line,
        &[
            "the answer is not a token (an XML document)",
            "answers in XML, not the JSON",
        ],
    );
    assert!(!line.contains("HTML"), "{line}");
    assert!(!line.contains("abcdefghijkl"), "{line}");
}

/// Apache's own `500` page (a CGI that died before its headers) is a page of markup without
/// Catalyst's "Unknown resource": a failing server, not a path to check.
#[test]
fn a_500_page_without_catalysts_unknown_resource_names_no_path() {
    let page = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n</body></html>\n";
    let fault = FaultKind::StatusWithBody(500, page.to_string());
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["HTTP 500", "try again later"]);
    assert!(!line.contains("Catalyst"), "{line}");
    assert!(!line.contains("(its path)"), "{line}");
}

/// A token_url at an API route of Django REST framework (3.18, its view guarded by
/// django-oauth-toolkit's `OAuth2Authentication`) answers the token request, whose HTTP Basic it
/// does not read, with `401`, `WWW-Authenticate: Bearer realm="api"` (a challenge for a Bearer
/// token with no `error`: RFC 6750 §3.1's answer to a request without one) and
/// `{"detail":"Authentication credentials were not provided."}`: the run said "check client_id
/// and client_secret", which no token endpoint had read. It now says the server asks for a Bearer
/// token, as an API does, and to check token_url (exit 4 as before). django-oauth-toolkit's own
/// token endpoint refusing a wrong secret (`Bearer error="invalid_client"`, its OAuth error)
/// keeps the credentials' hint.
#[test]
fn a_401_asking_for_a_bearer_token_at_token_url_names_token_url() {
    const DRF: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nDate: Mon, 07 Dec 2026 12:01:14 GMT\r\nServer: WSGIServer/0.2 CPython/3.11.7\r\nContent-Type: application/json\r\nWWW-Authenticate: Bearer realm=\"api\"\r\nVary: Accept\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n{\"detail\":\"Authentication credentials were not provided.\"}";
    const DOT: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nDate: Mon, 07 Dec 2026 12:01:14 GMT\r\nServer: WSGIServer/0.2 CPython/3.11.7\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nPragma: no-cache\r\nWWW-Authenticate: Bearer error=\"invalid_client\"\r\nConnection: close\r\n\r\n{\"error\": \"invalid_client\"}";
    for (raw, api) in [(DRF, true), (DOT, false)] {
        let line = token_answered(raw, 4);
        assert_contains(&line, &["HTTP 401"]);
        let named = "its WWW-Authenticate asks for a Bearer token, as an API does of a request without one, and it sent no OAuth error: the server at token_url is no token endpoint, or a gateway in front of it wants a token before the endpoint gets the request; check token_url (the API's own address is base_url)";
        assert_eq!(line.contains(named), api, "{line}");
        assert_eq!(
            line.contains("check client_id and client_secret"),
            !api,
            "{line}"
        );
    }
}

/// A gateway in front of a real token endpoint that wants a Bearer token on every route (Kong
/// with a token plugin on the token endpoint's route too) answers the token request with `401`,
/// `WWW-Authenticate: Bearer realm="kong"` and `{"message":"Unauthorized"}`: the run said "the
/// server at token_url is no token endpoint", of a token_url whose endpoint is there, behind it.
/// It says that a gateway in front of it may want a token first.
#[test]
fn a_gateways_bearer_challenge_at_token_url_names_the_gateway_too() {
    const KONG: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\nWWW-Authenticate: Bearer realm=\"kong\"\r\nServer: kong/3.4.2\r\nContent-Length: 26\r\nConnection: close\r\n\r\n{\"message\":\"Unauthorized\"}";
    let line = token_answered(KONG, 4);
    assert_contains(
        &line,
        &[
            "HTTP 401: Unauthorized",
            "the server at token_url is no token endpoint, or a gateway in front of it wants a token before the endpoint gets the request; check token_url",
        ],
    );
}

/// Caddy's `forward_auth` (2.6.2) guarding every path, the token endpoint's too, copies its auth
/// service's refusal of the token POST (which carries HTTP Basic, no Bearer token): `401`,
/// `Www-Authenticate: Bearer realm="gateway", error="invalid_token", …` and
/// `{"message":"Unauthorized"}`. The run said "check client_id and client_secret", which nothing
/// had read: the challenge's `invalid_token` is of a Bearer token the request never sent. It
/// names token_url and a gateway wanting a token, as for a challenge with no `error`.
#[test]
fn a_forward_auths_invalid_token_challenge_at_token_url_names_the_gateway() {
    const CADDY: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 26\r\nContent-Type: application/json\r\nDate: Mon, 07 Dec 2026 15:35:43 GMT\r\nServer: Caddy\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nWww-Authenticate: Bearer realm=\"gateway\", error=\"invalid_token\", error_description=\"token not recognised by gateway\"\r\nConnection: close\r\n\r\n{\"message\":\"Unauthorized\"}";
    let line = token_answered(CADDY, 4);
    assert_contains(
        &line,
        &[
            "HTTP 401",
            "a gateway in front of it wants a token before the endpoint gets the request; check token_url",
        ],
    );
    assert!(!line.contains("client_secret"), "{line}");
}

/// A gateway that checks each request with an auth service sends what that service refuses to a
/// sign-in page: nginx 1.22's `auth_request` with `error_page 401 = @login` answers the page with
/// `302` to `…/login?rd=/express/accounts?…`, and Caddy 2.6's `forward_auth` copies its service's
/// `302` to `https://login.example.com/authorize?rd=x` (the token request's too). The run said
/// "check base_url" (token_url), both right: it names a sign-in page the gateway sends to, which
/// this tool cannot use, and whom to ask, before the setting.
#[test]
fn a_gateways_redirect_to_a_sign_in_page_names_the_gateway() {
    const NGINX: &[u8] = b"HTTP/1.1 302 Moved Temporarily\r\nServer: nginx/1.22.1\r\nDate: Mon, 07 Dec 2026 15:39:59 GMT\r\nContent-Type: text/html\r\nContent-Length: 145\r\nConnection: close\r\nLocation: http://127.0.0.1:19151/login?rd=/express/accounts?page=1&per_page=50\r\n\r\n<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n<center><h1>302 Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
    const CADDY: &[u8] = b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\nDate: Mon, 07 Dec 2026 15:40:02 GMT\r\nLocation: https://login.example.com/authorize?rd=x\r\nServer: Caddy\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nConnection: close\r\n\r\n";
    let page = final_at_once_on(FaultKind::RawResponse(NGINX));
    let token = token_request_answered(FaultKind::RawResponse(CADDY));
    for (line, setting) in [(page, "base_url"), (token, "token_url")] {
        assert_contains(
            &line,
            &[
                "HTTP 302 redirect to",
                "a sign-in page",
                "ask whoever runs it",
                &format!("else check {setting}"),
            ],
        );
    }
}

/// A server that sends what it refuses to a sign-in page on token_url's own host (a Rack app under
/// puma 5.6 answering `302` to `/sign_in`; here nginx's `auth_request` with `error_page 401 =
/// @login` and `return 302 /login?rd=$request_uri`, guarding the token endpoint too). The run said "HTTP 302 redirect to
/// http://127.0.0.1:PORT/login?rd=/oauth/token not followed: only a 307 or 308 keeps the POST and
/// its form; set token_url to it", the sign-in page's address. It names the sign-in page, as of
/// one on another host (exit 5 as before).
#[test]
fn a_token_request_sent_to_a_sign_in_page_on_its_host_is_not_told_to_set_it() {
    const NGINX: &[u8] = b"HTTP/1.1 302 Moved Temporarily\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: 145\r\nConnection: close\r\nLocation: /login?rd=/oauth/token\r\n\r\n<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n<center><h1>302 Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
    let line = token_request_answered(FaultKind::RawResponse(NGINX));
    assert_contains(
        &line,
        &[
            "HTTP 302 redirect to",
            "a sign-in page",
            "ask whoever runs it",
            "else check token_url",
        ],
    );
    assert!(!line.contains("set token_url to it"), "{line}");
}

/// ASP.NET (Mono 6.8's System.Web under XSP 4.8) with `customErrors` On and a `defaultRedirect`
/// answers a request whose handler raised with `302` to its error page, the failed path in
/// `aspxerrorpath`. The token request said "HTTP 302 redirect to
/// http://127.0.0.1:PORT/Error.htm?aspxerrorpath=/token.ashx not followed: only a 307 or 308 keeps
/// the POST and its form; set token_url to it", the error page's address. It now says the redirect
/// goes to ASP.NET's error page, that the server failed, and to try again later (exit 5 as before).
#[test]
fn aspnets_redirect_to_its_error_page_is_not_told_to_set_token_url() {
    const XSP: &[u8] = b"HTTP/1.0 302 Found\r\nServer: Mono.WebServer.XSP/4.8.0.0 Linux\r\nLocation: /Error.htm?aspxerrorpath=/token.ashx\r\nX-AspNet-Version: 4.0.30319\r\nContent-Length: 151\r\nCache-Control: private\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href=\"/Error.htm?aspxerrorpath=/token.ashx\">here</a></h2>\r\n</body><html>\r\n";
    let line = token_request_answered(FaultKind::RawResponse(XSP));
    let failed = "it sends to ASP.NET's error page (its customErrors defaultRedirect), as ASP.NET does a request whose handler failed: the server failed; try again later";
    assert_contains(
        &line,
        &["HTTP 302 redirect to", "aspxerrorpath=/token.ashx", failed],
    );
    assert!(!line.contains("set token_url to it"), "{line}");
}

/// The same redirect of a page's GET (`/Error.htm?aspxerrorpath=/accounts.ashx`) was followed to
/// the error page, a `200` of HTML: "the answer is not a page of accounts (an HTML page); check
/// base_url, or a proxy in between (HTTP 200: Sorry, something went wrong)". It is not followed,
/// and says the server failed, as of the token request.
#[test]
fn aspnets_redirect_of_a_page_to_its_error_page_is_not_followed() {
    const XSP: &[u8] = b"HTTP/1.0 302 Found\r\nServer: Mono.WebServer.XSP/4.8.0.0 Linux\r\nLocation: /Error.htm?aspxerrorpath=/accounts.ashx\r\nContent-Length: 0\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n";
    let line = final_at_once_on(FaultKind::RawResponse(XSP));
    let failed = "it sends to ASP.NET's error page (its customErrors defaultRedirect), as ASP.NET does a request whose handler failed: the server failed; try again later";
    assert_contains(
        &line,
        &[
            "HTTP 302 redirect to",
            "aspxerrorpath=/accounts.ashx",
            failed,
        ],
    );
    assert!(!line.contains("an HTML page"), "{line}");
}

/// ASP.NET sends a path it has nothing at (its 404: a base_url with a wrong path) to the same
/// error page, with the same redirect (XSP 4.8, `/Error.htm?aspxerrorpath=/wrong/express/accounts`):
/// since 3cc42aea that said only that the server failed, and to try again later.
#[test]
fn aspnets_redirect_to_its_error_page_names_a_path_it_has_nothing_at() {
    const XSP: &[u8] = b"HTTP/1.0 302 Found\r\nServer: Mono.WebServer.XSP/4.8.0.0 Linux\r\nLocation: /Error.htm?aspxerrorpath=/wrong/express/accounts\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let line = final_at_once_on(FaultKind::RawResponse(XSP));
    assert_contains(
        &line,
        &["a path it has nothing at (its 404) there too: check base_url"],
    );
}

/// A 301-303 of the token request to a token endpoint whose path holds a sign-in word (GitHub's and
/// Gitea's `/login/oauth/access_token`, the path's last part naming a token) is no sign-in page: since
/// da25dec4 it said "it sends to a sign-in page … ask whoever runs it", where the URL to set is that
/// target. It says to set token_url to it, as before (exit 5).
#[test]
fn a_token_request_moved_to_a_token_path_with_a_sign_in_word_is_told_to_set_it() {
    for to in ["/login/oauth/access_token", "/sso/oauth2/access_token/"] {
        let line = token_request_answered(FaultKind::Redirect(to.into()));
        assert_contains(&line, &["HTTP 302 redirect to", to, "set token_url to it"]);
        assert!(!line.contains("sign-in page"), "{line}");
    }
}

/// A redirect with a sign-in word in its host name alone (Microsoft Entra ID's token endpoint at
/// `login.microsoftonline.com`, where an `http://` token_url is sent on to `https://`), or inside a
/// longer word of its path (`/api/authorize-payments`), or an `rd` that is no address to come back
/// to (`/catalog?rd=1`), is no sign-in page: each said "it sends to a sign-in page, as a gateway in
/// front does with what its auth check refuses …". They say "check token_url" (base_url) as before.
#[test]
fn a_sign_in_word_outside_a_redirects_path_names_no_sign_in_page() {
    const ENTRA: &[u8] = b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://login.microsoftonline.com/tenant/oauth2/v2.0/token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const PAYMENTS: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: https://api.example.com/api/authorize-payments/express/accounts\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const CATALOG: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: https://shop.example.com/catalog?rd=1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let token = token_request_answered(FaultKind::RawResponse(ENTRA));
    let [payments, catalog] =
        [PAYMENTS, CATALOG].map(|raw| final_at_once_on(FaultKind::RawResponse(raw)));
    for (line, setting) in [
        (token, "token_url"),
        (payments, "base_url"),
        (catalog, "base_url"),
    ] {
        let as_before =
            format!("not followed (credentials never leave {setting}); check {setting}");
        assert_contains(&line, &["redirect to", &as_before]);
    }
}

/// Django (5.2, under daphne 4.2) answers a request whose `Host` its `ALLOWED_HOSTS` does not
/// list (base_url or token_url by address, `127.0.0.1:PORT`, where it lists `api.example.com`)
/// with `400` and its page `<title>Bad Request (400)</title>`: the run said "not the API's
/// answer; check base_url (its scheme and port)" (token_url alike), both of which were right.
/// It names the host name and `ALLOWED_HOSTS`, as yaws' page names its virtual hosts.
#[test]
fn djangos_400_for_a_host_not_in_allowed_hosts_names_the_host_name() {
    const DJANGO: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\nServer: daphne\r\nTransfer-Encoding: chunked\r\n\r\n8f\r\n\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n\r\n0\r\n\r\n";
    let page = final_at_once_on(FaultKind::RawResponse(DJANGO));
    let token = token_request_answered(FaultKind::RawResponse(DJANGO));
    for (line, setting) in [(page, "base_url"), (token, "token_url")] {
        assert_contains(
            &line,
            &[
                "HTTP 400: Bad Request (400)",
                &format!(
                    "check {setting} (its host name): Django answers so a request whose Host its ALLOWED_HOSTS does not list"
                ),
            ],
        );
        assert!(!line.contains("scheme and port"), "{line}");
    }
}

/// Django renders the same page, `<title>Bad Request (400)</title>`, for every 400 it answers
/// (`response_for_exception`: `BadRequest`, `MultiPartParserError` and every
/// `SuspiciousOperation`, `DisallowedHost` one of them): a view raising `BadRequest` for the
/// token request or for the first page sent it too, at a Host Django listed. The run said, as if
/// the page were the Host's alone, "not the API's answer; check base_url (its host name):
/// Django answers so a request whose Host its ALLOWED_HOSTS does not list". It names the view
/// too, and not "not the API's answer"; a later page's still says base_url answered page 1.
#[test]
fn djangos_400_page_names_a_view_refusing_the_request_too() {
    const DJANGO: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 143\r\n\r\n\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n";
    let page = final_at_once_on(FaultKind::RawResponse(DJANGO));
    let token = token_request_answered(FaultKind::RawResponse(DJANGO));
    for (line, setting) in [(page, "base_url"), (token, "token_url")] {
        assert_contains(
            &line,
            &[
                &format!("check {setting} (its host name)"),
                "as it does a request its view refuses (BadRequest)",
            ],
        );
        assert!(!line.contains("not the API's answer"), "{line}");
    }
    let later = failing_page(2, FaultKind::RawResponse(DJANGO));
    assert_contains(&later, &["base_url answered the first page"]);
    assert!(!later.contains("check base_url"), "{later}");
}

/// Starlette's `TrustedHostMiddleware` (1.10, under uvicorn 0.55; FastAPI's too) answers a request
/// whose Host its `allowed_hosts` does not list (token_url or base_url by address, `127.0.0.1:PORT`,
/// where it lists `api.example.com`) with `400` and the text `Invalid host header`. The token
/// request said "no OAuth answer; check token_url (its scheme and port)", of a URL whose scheme
/// and port had reached the server; page 1 said the server's words alone. Both now name the host
/// name and the middleware; a later page's still says base_url answered the first page.
#[test]
fn starlettes_400_for_a_host_not_in_allowed_hosts_names_the_host_name() {
    const STARLETTE: &[u8] = b"HTTP/1.1 400 Bad Request\r\nserver: uvicorn\r\ncontent-length: 19\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nInvalid host header";
    names_the_host_name(
        STARLETTE,
        "HTTP 400: Invalid host header",
        "(its host name): Starlette's TrustedHostMiddleware (FastAPI's too) answers so a request whose Host its allowed_hosts does not list",
    );
}

/// A server's `raw` 400 for a Host it does not serve, as page 1 and as the token request's
/// answer: `said` and "check {setting} {check}", no scheme and port; a later page's blames no
/// base_url.
fn names_the_host_name(raw: &'static [u8], said: &str, check: &str) {
    let page = final_at_once_on(FaultKind::RawResponse(raw));
    let token = token_request_answered(FaultKind::RawResponse(raw));
    for (line, setting) in [(page, "base_url"), (token, "token_url")] {
        assert_contains(&line, &[said, &format!("check {setting} {check}")]);
        assert!(!line.contains("scheme and port"), "{line}");
    }
    let later = failing_page(2, FaultKind::RawResponse(raw));
    blames_base_url_on_page_one_only(2, &later);
}

/// Mono's System.Net.HttpListener (6.8) answers a request whose Host none of its prefixes names
/// (`http://localhost:PORT/` registered, the URL by address) with `400` and this page. The token
/// request said "no OAuth answer; check token_url (its scheme and port)", and page 1 "not the
/// API's answer; check base_url (its scheme and port)", of a scheme and port that had reached
/// the server. Both now name the host name, the path and the prefixes: Mono answers so too a
/// request at a path none of them begins (`http://localhost:PORT/oauth/` registered, token_url
/// at `/token`); a later page's still says base_url answered the first page (found with a Mono
/// 6.8 HttpListener registered for `localhost`).
#[test]
fn monos_400_for_a_host_no_prefix_names_names_the_host_name() {
    const MONO: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\nServer: Mono-HTTPAPI/1.0\r\nContent-Length: 35\r\nConnection: close\r\n\r\n<h1>Bad Request (Invalid host)</h1>";
    names_the_host_name(
        MONO,
        "HTTP 400: Bad Request (Invalid host)",
        "(its host name and path): Mono's HttpListener answers so a request whose host name and path none of its prefixes covers",
    );
}

/// ASP.NET (Mono 6.8's System.Web under XSP 4.8) answers a URL whose query passes its
/// `maxQueryStringLength` (2048 by default), or whose path passes its `maxUrlLength`, with `400`
/// and its error page naming the setting. A next link with a 3,000-byte cursor said "…; base_url
/// answered the first page, so the API or a gateway in front of it sent this; try again later",
/// which no later try gets past, and a base_url past maxUrlLength "not the API's answer; check
/// base_url (its scheme and port)". They now say the server refuses URLs this long: the next
/// link's, or the one formed from base_url.
#[test]
fn aspnets_400_for_a_url_over_its_limits_says_the_url_is_too_long() {
    let base_url = "the one formed from base_url (with /express/accounts and the query appended) is too long for it";
    for (n, what, setting, said) in [
        (
            2,
            "query string",
            "maxQueryStringLength",
            "the API's next link is too long for it",
        ),
        (1, "URL", "maxUrlLength", base_url),
    ] {
        let page = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<title>Error 400</title>\n</head>\n<body>\n<div id=\"main\">\n  <h1>System.Web.HttpException</h1>\n  <h2 class=\"exceptionMessage\">The length of the {what} for this request exceeds the configured {setting} value.</h2>\n  <p><strong>Description:</strong> HTTP 400.Error processing request.</p>\n</div>\n</body>\n</html>\n"
        );
        let line = failing_page(n, FaultKind::StatusWithBody(400, page));
        assert_contains(&line, &["; the server refuses URLs this long: ", said]);
        assert!(!line.contains("try again later"), "{line}");
        assert!(!line.contains("scheme and port"), "{line}");
    }
}

/// ASP.NET's words name its setting (maxUrlLength, maxQueryStringLength): an API's own 400 for a
/// per_page over its maximum, "… for this request exceeds the configured maximum of 25", said
/// since f5c970d9 that the server refuses URLs this long, of a URL of 80 bytes.
#[test]
fn an_apis_400_for_a_maximum_exceeded_is_no_url_too_long() {
    let body = r#"{"code":"1000","message":"The page size for this request exceeds the configured maximum of 25."}"#;
    let line = failing_page(1, FaultKind::StatusWithBody(400, body.into()));
    assert_contains(
        &line,
        &["HTTP 400 (code 1000): The page size for this request"],
    );
    assert!(!line.contains("URLs this long"), "{line}");
}

/// A 400 or 422 of the token endpoint is a refusal when it says so as OAuth
/// does (RFC 6749 §5.2: a registered `error` code, or another one given
/// with its `error_description`) or in the Talkdesk reference's own error
/// shape (`code` and `message`). A JSON object with neither, Spring Boot's
/// default error (`"error": "Bad Request"` beside `status` and `path`) or
/// `{"message": …}`, was exit 4 with "check client_id and client_secret",
/// though a text 400 without one is exit 5: it is no refusal either.
#[test]
fn a_token_400_of_json_without_an_oauth_error_is_no_refusal() {
    let spring = r#"{"timestamp":"2026-12-05T07:05:00.000+00:00","status":400,"error":"Bad Request","path":"/oauth/token"}"#;
    let message = r#"{"message":"Missing request parameter"}"#;
    let extension = r#"{"error":"consent_required","error_description":"Ask the admin"}"#;
    let talkdesk = r#"{"code":"0330001","message":"Bad Request","description":"Invalid client"}"#;
    let cases: Vec<(u16, &str, i32, &[&str])> = vec![
        (
            400,
            spring,
            5,
            &[
                "HTTP 400",
                "Bad Request",
                "no OAuth answer",
                "check token_url",
            ],
        ),
        (
            400,
            message,
            5,
            &["HTTP 400: Missing request parameter", "no OAuth answer"],
        ),
        (
            422,
            spring,
            5,
            &["HTTP 422", "no OAuth answer", "check token_url"],
        ),
        (
            400,
            extension,
            4,
            &[
                "refused: HTTP 400: consent_required: Ask the admin",
                "client_id",
            ],
        ),
        (
            400,
            talkdesk,
            4,
            &["refused: HTTP 400", "Invalid client", "client_id"],
        ),
        (
            422,
            talkdesk,
            4,
            &["refused: HTTP 422", "Invalid client", "client_id"],
        ),
    ];
    for (status, body, code, needles) in cases {
        let fault = FaultKind::StatusWithBody(status, body.to_string());
        let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::Token, fault)]);
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let out = run(cmd);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{status} {body}: {}",
            stderr_of(&out)
        );
        let line = fails_with(&out, code);
        assert_contains(&line, needles);
        if code == 5 {
            assert!(!line.contains("client_id"), "{line}");
        }
    }
}

#[test]
fn a_failing_token_endpoint_exits_5() {
    for fault in [FaultKind::Status(500), FaultKind::Malformed] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(RequestMatch::Token, fault.clone())],
        );
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["token request", "/oauth/token"]);
        assert!(fake.page_requests().is_empty(), "{fault:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// A closed stdout
// ---------------------------------------------------------------------------------------------

/// The binary as a plain `std::process::Command`, with the sandbox's
/// environment and credentials for `fake`, so its stdout can be a pipe
/// that the test closes early.
fn std_tool(sandbox: &Sandbox, fake: &FakeApi) -> StdCommand {
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("talkdesk-accounts"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sandbox.home())
        .env("XDG_CONFIG_HOME", sandbox.config_home())
        .env("XDG_CACHE_HOME", sandbox.cache_home())
        .env("TALKDESK_BACKOFF_SCALE", "0")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value");
    cmd
}

/// Reads one line of the tool's stdout, closes the pipe, and returns how
/// the tool ended.
fn run_and_close_stdout_after_one_line(mut cmd: StdCommand) -> (String, Output) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout pipe");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read a line");
    // The reader (and with it the pipe) is dropped here, like `| head -1`.
    let output = child.wait_with_output().expect("wait");
    (first, output)
}

fn assert_quiet_success(output: &Output) {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "no error on a closed pipe: {stderr}");
}

#[test]
fn a_closed_stdout_ends_a_long_jsonl_walk_quietly() {
    let accounts = sample_accounts(3000);
    let fake = FakeApi::start(FakeConfig {
        accounts: accounts.clone(),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = std_tool(&sandbox, &fake);
    cmd.args(["list", "-o", "jsonl", "--per-page", "100"]);
    let (first, output) = run_and_close_stdout_after_one_line(cmd);
    let parsed: Value = serde_json::from_str(&first).expect("a json line");
    assert_eq!(parsed, accounts[0]);
    assert_quiet_success(&output);
    assert!(
        fake.page_requests().len() < 30,
        "the walk stopped when the reader left: {:?}",
        fake.page_requests()
    );
}

#[test]
fn a_closed_stdout_ends_quietly_when_a_page_is_larger_than_the_buffer() {
    // Pages of ~400 KiB, far beyond the pipe and the output buffer: the
    // write fails in the middle of a page (inside the encoder), not at the
    // flush between pages.
    let accounts: Vec<Value> = sample_accounts(600)
        .into_iter()
        .map(|mut a| {
            a["notes"] = json!("n".repeat(4000));
            a
        })
        .collect();
    let fake = FakeApi::start(FakeConfig {
        accounts,
        ..FakeConfig::default()
    });
    for format in ["jsonl", "csv"] {
        let sandbox = Sandbox::new();
        let mut cmd = std_tool(&sandbox, &fake);
        cmd.args(["list", "-o", format, "--per-page", "100"]);
        if format == "csv" {
            cmd.args(["--columns", "id,notes"]);
        }
        let (first, output) = run_and_close_stdout_after_one_line(cmd);
        assert!(!first.is_empty(), "{format}: a first line arrived");
        assert_quiet_success(&output);
    }
}

#[test]
fn a_closed_stdout_ends_a_table_quietly() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3000),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let mut cmd = std_tool(&sandbox, &fake);
    cmd.args(["list", "--per-page", "100"]);
    let (first, output) = run_and_close_stdout_after_one_line(cmd);
    assert!(first.starts_with('┌'), "{first}");
    assert_quiet_success(&output);
}

/// Answers a page can get that are HTTP but carry no page, each final at
/// once with what it was and what to check.
#[test]
fn answers_without_a_page_say_what_came_instead() {
    let big_header: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nX-Padding: {}\r\nContent-Length: 2\r\n\r\n{{}}",
            "a".repeat(100_000)
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let cases: [(&'static [u8], &[&str]); 6] = [
        // An error's compressed body is said to be so; it was shown as the
        // garbage its bytes read as.
        (
            b"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Length: 11\r\n\r\n\x1f\x8b\x08\x00ab\xcc\xcb/\xc9\x01",
            &["HTTP 400: (a compressed body, Content-Encoding: gzip, not shown)"],
        ),
        (
            b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
            &["HTTP 302 without a Location header", "check base_url"],
        ),
        (
            b"HTTP/1.1 204 No Content\r\n\r\n",
            &["HTTP 204", "only HTTP 200 carries an answer", "check base_url"],
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
            // A gateway that compresses regardless (apache's force-gzip)
            // was blamed on base_url alone.
            &["compressed (Content-Encoding: gzip)", "not asked", "a gateway in front of it", "check base_url"],
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\n\x1f\x8b\x08\x00\r\n0\r\n\r\n",
            &["compressed (Transfer-Encoding: gzip, chunked)", "not asked", "check base_url"],
        ),
        (big_header, &["headers", "larger than 64 KiB", "check base_url"]),
    ];
    for (raw, words) in cases {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(&line, words);
        assert!(!line.contains("redirect to ?"), "{line}");
    }
}

/// An error's compressed body cut short (the connection closed before its
/// length) is said to be compressed, as a whole one is: it was shown as the
/// garbage its bytes read as once an error not retried was told at once.
#[test]
fn a_cut_compressed_error_body_is_said_to_be_compressed() {
    let line = final_at_once_on(FaultKind::RawResponse(
        b"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Length: 40\r\n\r\n\x1f\x8b\x08\x00ab\xcc\xcb/\xc9\x01",
    ));
    assert_contains(
        &line,
        &["HTTP 400: (a compressed body, Content-Encoding: gzip, not shown)"],
    );
}

/// `diff --exit-code` whose reader has gone before the report is written
/// (`| true`) still exits 1 when there are differences: they were known
/// before the write failed (git diff dies of SIGPIPE there, never 0).
/// Without differences, a closed pipe is the quiet exit 0 of any command.
#[test]
fn diff_exit_code_keeps_its_1_when_the_reader_has_gone() {
    let live = sample_accounts(3);
    let fake = FakeApi::start(FakeConfig {
        accounts: live.clone(),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let old = sandbox.path("old.jsonl");
    for (accounts, code) in [(&[][..], 1), (&live[..], 0)] {
        let lines: Vec<String> = accounts.iter().map(Value::to_string).collect();
        std::fs::write(&old, lines.join("\n")).unwrap();
        let mut cmd = std_tool(&sandbox, &fake);
        cmd.args(["diff", "--exit-code", "-o", "csv"]).arg(&old);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{}", stderr_of(&output));
        assert_eq!(stderr_of(&output), "");
    }
}

/// A proxy's or single sign-on gateway's login page answered `200` to the token request
/// (found with Apache serving an HTML page there): the error said only "not valid JSON at
/// line 1 column 1; check token_url", where a page of the walk says it is an HTML page and
/// names the proxy in between.
#[test]
fn an_html_page_answered_for_the_token_says_so_and_names_a_proxy_in_between() {
    let html =
        "<html><head><title>Corporate Login</title></head><body>Please sign in</body></html>";
    let fake = fake_with_faults(
        simple_accounts(1),
        vec![(
            RequestMatch::Token,
            FaultKind::StatusWithBody(200, html.to_string()),
        )],
    );
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.tool(&fake);
    cmd.args(["list", "-o", "jsonl", "--no-cache"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "the answer is not a token (an HTML page)",
            "check token_url, or a proxy in between",
        ],
    );
}

/// An answer with 200 header fields is valid HTTP (Go's and Node's clients read it), but the
/// HTTP library reads 128 at most: the error said "the answer is not valid HTTP (http parse
/// resulted in too many headers); check base_url", blaming the URL for the server's (or a
/// proxy's) headers. It now names the limit (found with a raw-socket server sending 200).
#[test]
fn an_answer_with_more_header_fields_than_are_read_names_the_limit() {
    let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec();
    for i in 0..200 {
        raw.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    raw.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
    let line = final_at_once_on(FaultKind::RawResponse(raw.leak()));
    assert_contains(
        &line,
        &["the answer has more than 128 header fields", "base_url"],
    );
    assert!(!line.contains("not valid HTTP"), "{line}");
}

/// A token_url at a static web server (Python's `http.server` answers a POST 501
/// `Unsupported method ('POST')`; nginx and Apache answer 405): the error said only the
/// status and the page, with nothing to check, where a 404 there says to check token_url.
#[test]
fn a_token_url_that_takes_no_post_says_to_check_token_url() {
    for status in [405, 501] {
        let line = token_request_answered(FaultKind::Status(status));
        assert_contains(
            &line,
            &[
                &format!("HTTP {status}"),
                "takes no POST",
                "check token_url",
            ],
        );
    }
}

/// Boost.Beast's example HTTP servers (1.74: `http_server_sync` and its siblings, which servers
/// are built from) answer a method they do not serve, a POST, with `400` and the words `Unknown
/// HTTP-method`: a token_url at a path of one said "HTTP 400: Unknown HTTP-method; no OAuth
/// answer; check token_url (its scheme and port)", of a scheme and port that were right. It
/// says what a 405 there says.
#[test]
fn beasts_400_unknown_method_to_the_token_request_says_it_takes_no_post() {
    const BEAST_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nServer: Boost.Beast/300\r\nContent-Type: text/html\r\nContent-Length: 19\r\n\r\nUnknown HTTP-method";
    let line = token_request_answered(FaultKind::RawResponse(BEAST_400));
    assert_contains(
        &line,
        &[
            "HTTP 400: Unknown HTTP-method",
            "the URL takes no POST, so it is no token endpoint; check token_url",
        ],
    );
    assert!(!line.contains("scheme and port"), "{line}");
}

/// A token endpoint built on fastify without a form parser (fastify reads no
/// `application/x-www-form-urlencoded` body until @fastify/formbody is registered) answers the
/// form RFC 6749 asks for with its 415, whose bytes these are (fastify 5.12.8): the error said
/// only `HTTP 415 (code FST_ERR_CTP_INVALID_MEDIA_TYPE): Unsupported Media Type: Unsupported
/// Media Type`, with nothing to check or do.
#[test]
fn a_token_url_that_takes_no_form_says_so() {
    const FASTIFY_415: &[u8] = b"HTTP/1.1 415 Unsupported Media Type\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: 126\r\nDate: Mon, 07 Dec 2026 03:56:14 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72\r\n\r\n{\"statusCode\":415,\"code\":\"FST_ERR_CTP_INVALID_MEDIA_TYPE\",\"error\":\"Unsupported Media Type\",\"message\":\"Unsupported Media Type\"}";
    let line = token_request_answered(FaultKind::RawResponse(FASTIFY_415));
    assert_contains(
        &line,
        &[
            "HTTP 415",
            "FST_ERR_CTP_INVALID_MEDIA_TYPE",
            "application/x-www-form-urlencoded",
            "check token_url",
            "@fastify/formbody",
        ],
    );
}

/// A long access token (Talkdesk's are JWTs) over a web server's limit on a request header:
/// Apache answers `400` "Size of a request header field exceeds server limit", nginx `400
/// Request Header Or Cookie Too Large`. Both were "not the API's answer; check base_url (its
/// scheme and port)", where the URL was right; they now get what a `431` gets (found with Apache's
/// `LimitRequestFieldSize` in front of the API).
#[test]
fn a_web_servers_400_for_a_request_header_too_large_says_so() {
    for page in [
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">\n<html><head>\n<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n<p>Your browser sent a request that this server could not understand.<br />\nSize of a request header field exceeds server limit.</p>\n</body></html>\n",
        "<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>Request Header Or Cookie Too Large</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    ] {
        says_request_headers_too_large(400, page);
    }
}

/// Tomcat's `400` for a request header over its `maxHttpHeaderSize` (8 KiB by default) says
/// "Request header is too large": a long token got "not the API's answer; check base_url (its
/// scheme and port)" (found with Tomcat 10.1 serving the API).
#[test]
fn tomcats_400_for_a_request_header_too_large_says_so() {
    let page = "<!doctype html><html lang=\"en\"><head><title>HTTP Status 400 – Bad Request</title></head><body><h1>HTTP Status 400 – Bad Request</h1><hr class=\"line\" /><p><b>Type</b> Exception Report</p><p><b>Message</b> Request header is too large</p><p><b>Description</b> The server cannot or will not process the request due to something that is perceived to be a client error.</p><hr class=\"line\" /><h3>Apache Tomcat/10.1.60 (Debian)</h3></body></html>";
    says_request_headers_too_large(400, page);
}

/// CherryPy (cheroot 11) and Sanic 25 answer request headers over their limit (a long access
/// token) with `413`, not `431`, in plain text: "The headers sent with the request exceed the
/// maximum allowed bytes." and "Request header exceeds the size limit". Both ended with the
/// status and that line and nothing to do; they now get what a `431` gets (found serving the API
/// with CherryPy 18.10 and Sanic 25.12).
#[test]
fn a_413_for_request_headers_too_large_says_so() {
    for body in [
        "The headers sent with the request exceed the maximum allowed bytes.",
        "\u{26a0}\u{fe0f} 413 \u{2014} Request Entity Too Large\n=================================\nRequest header exceeds the size limit\n\n",
    ] {
        says_request_headers_too_large(413, body);
    }
}

/// Pistache (0.0.5, Debian's) answers a request over its `maxRequestSize` (4096 bytes by
/// default, headers counted: a long access token, or a long next link) with `413` and, in plain
/// text, "Request exceeded maximum buffer size". That ended with the status and that line and
/// nothing to do; it now gets what a `431` gets (found serving the API with Pistache's router).
#[test]
fn pistaches_413_for_a_request_over_its_buffer_says_so() {
    says_request_headers_too_large(413, "Request exceeded maximum buffer size");
}

/// POCO's HTTPServer (1.11) answers a request its handler factory has no handler for with a bare
/// `501 Not Implemented`, and RESTinio (0.6.16) one its router rejects (no route matches) so too:
/// a base_url with a path the server does not serve (`…/api`) ended "HTTP 501 Not Implemented"
/// and nothing to do. It now says to check base_url, as a 404 does (found serving the API with
/// both).
#[test]
fn a_bare_501_for_a_path_no_handler_takes_sends_to_base_url() {
    for raw in [
        &b"HTTP/1.1 501 Not Implemented\r\nConnection: Close\r\n\r\n"[..],
        b"HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    ] {
        let line = final_at_once_on(FaultKind::RawResponse(raw));
        assert_contains(
            &line,
            &["HTTP 501", "no handler", "check base_url (the path"],
        );
    }
}

/// Erlang/OTP's inets httpd answers request headers over its `max_header_size` (a long access
/// token) with `413` and the page "Entity: Headers unreasonably long", then closes the connection
/// with the rest of the request unread, so over plain http the system mostly resets it under the
/// page: the run ended "HTTP 413 Payload Too Large", of a GET that sends no payload, or with the
/// page read, "HTTP 413: Request Entity Too Large: Entity: Headers unreasonably long", and nothing
/// to do either way. Both now get what a `431` gets (found with inets 8.2, OTP 25).
#[test]
fn inets_413_for_request_headers_too_large_says_so_with_or_without_its_page() {
    const INETS_413: &str = "<HTML>\n       <HEAD>\n           <TITLE>Request Entity Too Large</TITLE>\n      </HEAD>\n      <BODY>\n      <H1>Request Entity Too Large</H1>\nEntity: Headers unreasonably long\n</BODY>\n      </HTML>\n";
    says_request_headers_too_large(413, INETS_413);
    let line = final_at_once_on(FaultKind::RawResponse(
        b"HTTP/1.1 413 Request Entity Too Large\r\nServer: inets/8.2.2\r\nContent-Type: text/html\r\nContent-Length: 195\r\n\r\n",
    ));
    assert_contains(
        &line,
        &["HTTP 413", "the server refuses request headers this large"],
    );
}

/// aiohttp (3.14) answers a request header over its 8190 bytes (a long access token) with `400`
/// and, in plain text, the start of the header's value: "Got more than 8190 bytes when reading:
/// b'Bearer …'.". That ended with the status and that line and nothing to do; it now gets what a
/// `431` gets (found serving the API with aiohttp's web server and a token of 9000 bytes).
#[test]
fn aiohttps_400_for_a_request_header_too_large_says_so() {
    let body = format!(
        "Got more than 8190 bytes when reading: b'Bearer {}...'.",
        "t".repeat(93)
    );
    says_request_headers_too_large(400, &body);
}

/// A page answered `status` with `body`, a web server's refusal of
/// request headers over its limit, is said to be that (not "check
/// base_url (its scheme and port)").
fn says_request_headers_too_large(status: u16, body: &str) {
    let line = final_at_once_on(FaultKind::StatusWithBody(status, body.to_string()));
    let status = format!("HTTP {status}");
    assert_contains(
        &line,
        &[&status, "the server refuses request headers this large"],
    );
    assert!(!line.contains("its scheme and port"), "{line}");
}

/// civetweb (1.15) answers request headers over its `max_request_size` (a long access token, or
/// a long next link) with `400` and, in plain text, "Error 400: Bad Request\nMalformed message",
/// though nothing in the request is malformed: that ended with the line and nothing to do. It now
/// gets what a `431` gets (found serving the API as a CGI script under civetweb, a token of
/// 17,000 bytes).
#[test]
fn civetwebs_400_malformed_message_for_request_headers_too_large_says_so() {
    says_request_headers_too_large_under_a_long_token(400, CIVETWEB_400);
}

/// civetweb's answer to any request it cannot read.
const CIVETWEB_400: &str = "Error 400: Bad Request\nMalformed message";

/// libevent's evhttp (2.1) page for any request it cannot read, and for
/// any application's `evhttp_send_error(req, 400, NULL)`.
const LIBEVENT_400: &str = "<HTML><HEAD>\n<TITLE>400 Bad Request</TITLE>\n</HEAD><BODY>\n<H1>Bad Request</H1>\n</BODY></HTML>\n";

/// [`says_request_headers_too_large`], of pages sent under an access token
/// of 2,000 bytes: the pages that say nothing of size are read as that only
/// under a token (or URL) long enough to be over a server's limit.
fn says_request_headers_too_large_under_a_long_token(status: u16, body: &str) {
    let token =
        json!({"access_token": "t".repeat(2_000), "token_type": "Bearer", "expires_in": 3600});
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![
            (RequestMatch::Token, FaultKind::Json(token)),
            (
                RequestMatch::AnyPage,
                FaultKind::StatusWithBody(status, body.into()),
            ),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            &format!("HTTP {status}"),
            "the server refuses request headers this large: the access token they carry is too long for it",
        ],
    );
    assert!(!line.contains("its scheme and port"), "{line}");
}

/// uvicorn 0.55 (its h11 protocol, h11 0.16) answers a request whose head it has not whole past
/// h11's `max_incomplete_event_size` (16 KiB; a head that came in more than one read: over
/// TLS, in records of 16 KiB; on loopback, past 64 KiB) with its `400` for any request it cannot
/// read, these bytes. Found serving the API with FastAPI and fastapi-limiter, a token of 70,000
/// bytes: the run ended "HTTP 400: Invalid HTTP request received.", with nothing to do. It now
/// gets what a `431` gets under a token that long.
#[test]
fn uvicorns_400_invalid_http_request_under_a_token_past_16_kib_says_so() {
    const UVICORN_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n1e\r\nInvalid HTTP request received.\r\n0\r\n\r\n";
    let token =
        json!({"access_token": "t".repeat(17_000), "token_type": "Bearer", "expires_in": 3600});
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![
            (RequestMatch::Token, FaultKind::Json(token)),
            (RequestMatch::AnyPage, FaultKind::RawResponse(UVICORN_400)),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "HTTP 400: Invalid HTTP request received.",
            "the server refuses request headers this large: the access token they carry is too long for it",
        ],
    );
}

/// libevent's page and civetweb's "Malformed message" answer any request
/// those servers cannot read, and libevent's page any application's
/// `evhttp_send_error(req, 400, NULL)` (a 400 to a bad cursor): under the
/// fake's access token of 29 bytes and a short URL they said "the server
/// refuses request headers this large: the access token they carry is
/// too long for it", which no server's limit is below. They now say what
/// they said before they were read so: libevent's page is not the API's
/// answer (check base_url), civetweb's is its words.
#[test]
fn a_page_for_any_request_unread_under_a_short_token_blames_no_token() {
    for (page, then) in [
        (
            LIBEVENT_400,
            "; not the API's answer; check base_url (its scheme and port)",
        ),
        (CIVETWEB_400, "Malformed message"),
    ] {
        let line = final_at_once_on(FaultKind::StatusWithBody(400, page.into()));
        assert!(
            line.trim_end().ends_with(then) && !line.contains("request headers"),
            "{line}"
        );
    }
}

/// libevent's evhttp (2.1) answers request headers over its `evhttp_set_max_headers_size` (a
/// long access token, or a long next link) with `400` and its page for any request it cannot
/// read: that ended "HTTP 400: 400 Bad Request; not the API's answer; check base_url (its scheme
/// and port)", though base_url, its scheme and port were right. It now gets what a `431` gets
/// (found serving the API with evhttp, `max_headers_size` 1,000 and a token of 2,000 bytes).
#[test]
fn libevents_400_page_for_request_headers_too_large_says_so() {
    says_request_headers_too_large_under_a_long_token(400, LIBEVENT_400);
}

/// A Netty 4.1 server whose handler answers a request its `HttpServerCodec` could not decode with
/// `400` and the decoder's cause, as text, says for request headers over its `maxHeaderSize` (a
/// long access token) "io.netty.handler.codec.TooLongFrameException: HTTP header is larger than
/// 2000 bytes.": that ended with the line and nothing to do. It now gets what a `431` gets (found
/// serving the API with Netty 4.1.48, `maxHeaderSize` 2,000 and a token of 3,000 bytes).
#[test]
fn nettys_400_too_long_frame_for_request_headers_says_so() {
    let cause =
        "io.netty.handler.codec.TooLongFrameException: HTTP header is larger than 2000 bytes.";
    says_request_headers_too_large(400, cause);
}

/// Nim's `asynchttpserver` answers a request header line over its 8 KiB (a long access token)
/// with `413` and, for its body, the status line's words: "413 Request Entity Too Large". That
/// ended with the line and nothing to do, of a GET that sends no entity; it now gets what a `431`
/// gets (found serving the API with Nim 1.6's `asynchttpserver` and a token of 9,000 bytes).
#[test]
fn nims_413_for_a_request_header_too_large_says_so() {
    says_request_headers_too_large(413, "413 Request Entity Too Large");
}

/// Perl's HTTP::Daemon (6.16) answers request headers over its 16 KiB (a long access token) with
/// `413` and its `send_error` page, a `<title>` and an `<h1>` of the status line's words: that
/// ended "HTTP 413: 413 Payload Too Large", of a GET that sends no payload, with nothing to do.
/// It now gets what a `431` gets, as Nim's bare line does (found serving the API from a
/// hand-rolled HTTP::Daemon loop and a token of 40,000 bytes).
#[test]
fn http_daemons_413_page_for_request_headers_too_large_says_so() {
    for words in ["413 Payload Too Large", "413 Request Entity Too Large"] {
        let page = format!("<title>{words}</title>\n<h1>{words}</h1>\n\n");
        says_request_headers_too_large(413, &page);
    }
}

/// lua-http (0.4, on cqueues) answers a request header line of 4096 bytes or more (an access
/// token of 4,072 bytes) with a bare `400 Bad Request` and `content-length: 0`: a token of 5,000
/// bytes ended the run "HTTP 400 Bad Request", with nothing to do, where cpp-httplib's at 8 KiB
/// said the request headers were too large. It now says so from 4 KiB on (found serving the API
/// with lua-http's `http.server` under Lua 5.3).
#[test]
fn lua_https_bare_400_for_a_header_line_over_4_kib_says_so() {
    let token =
        json!({"access_token": "t".repeat(5_000), "token_type": "Bearer", "expires_in": 3600});
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![
            (RequestMatch::Token, FaultKind::Json(token)),
            (
                RequestMatch::AnyPage,
                FaultKind::StatusWithBody(400, String::new()),
            ),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "HTTP 400 Bad Request",
            "the server may refuse request headers this large, as lua-http does a header line of 4 KiB or more: if so, the access token they carry (5000 bytes) is too long for it",
        ],
    );
}

/// Warp (3.3.21, Debian 12's) answers request headers over its `setMaxTotalHeaderLength` (50 KiB
/// by default, often set lower) as it answers any request it cannot read: `HTTP/1.0 400`, no
/// length, the plain text `Bad Request` alone, then the close (later Warps answer `431`).
pub const WARP_400: &[u8] = b"HTTP/1.0 400 Bad Request\r\nDate: Mon, 07 Dec 2026 22:31:57 GMT\r\nServer: Warp/3.3.21\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBad Request";

/// Under Warp's [`WARP_400`], an access token of 9,000 bytes (its limit set to 8 KiB) ended the
/// run "HTTP 400: Bad Request", with nothing to do, where an empty 400 said the request headers
/// were too large: it now says so, and from 4 KiB on that the server may refuse them (found
/// serving the API with Warp 3.3.21, `setMaxTotalHeaderLength 8192`).
#[test]
fn warps_400_saying_only_bad_request_under_a_long_token_says_the_token_is_too_long() {
    for (length, said) in [
        (9_000, "the access token they carry is too long for it"),
        (5_000, "the server may refuse request headers this large"),
    ] {
        let token =
            json!({"access_token": "t".repeat(length), "token_type": "Bearer", "expires_in": 3600});
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![
                (RequestMatch::Token, FaultKind::Json(token)),
                (RequestMatch::AnyPage, FaultKind::RawResponse(WARP_400)),
            ],
        );
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "jsonl"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["HTTP 400: Bad Request", said]);
    }
}

/// Mono's System.Net.HttpListener (6.8) answers a request whose head passes 32 KiB with this page.
pub const MONO_HEAD_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=utf-8\r\nServer: Mono-HTTPAPI/1.0\r\nContent-Length: 34\r\nConnection: close\r\n\r\n<h1>Bad Request (Bad request)</h1>";

/// Under Mono's HttpListener's [`MONO_HEAD_400`], an access token of 60,000 bytes ended the run
/// "HTTP 400: Bad Request (Bad request); not the API's answer; check base_url (its scheme and
/// port)", of a base_url that was right: it now says the token is too long for the server. Under
/// a short token the page names no limit (found serving the API with Mono 6.8's HttpListener).
#[test]
fn monos_400_for_a_head_over_32_kib_says_the_token_is_too_long() {
    for (length, too_long) in [(60_000, true), (20, false)] {
        let token =
            json!({"access_token": "t".repeat(length), "token_type": "Bearer", "expires_in": 3600});
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![
                (RequestMatch::Token, FaultKind::Json(token)),
                (RequestMatch::AnyPage, FaultKind::RawResponse(MONO_HEAD_400)),
            ],
        );
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "jsonl"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["HTTP 400: Bad Request (Bad request)"]);
        let said = "the access token they carry is too long for it";
        assert_eq!(line.contains(said), too_long, "{line}");
        assert_eq!(line.contains("scheme and port"), !too_long, "{line}");
    }
}

/// An application's own `Bad Request` alone, in HTTP/1.1 (express's `sendStatus(400)`), under a
/// token of 9,000 bytes is its answer to a request it read, not Warp's [`WARP_400`]: no limit on
/// request headers is named.
#[test]
fn an_apps_bad_request_in_http11_under_a_long_token_names_no_headers_limit() {
    let token =
        json!({"access_token": "t".repeat(9_000), "token_type": "Bearer", "expires_in": 3600});
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![
            (RequestMatch::Token, FaultKind::Json(token)),
            (
                RequestMatch::AnyPage,
                FaultKind::StatusWithBody(400, "Bad Request".into()),
            ),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(&line, &["HTTP 400: Bad Request"]);
    assert!(!line.contains("request headers"), "{line}");
}

/// yaws (2.1) with `pick_first_virthost_on_nomatch = false` answers a request whose `Host` names
/// none of its `<server>`s (base_url's `127.0.0.1:PORT`, where the server is `api.example.com`)
/// with `400` and `<html><h1>400 Bad Request</h1></html>`: the run said "check token_url (its
/// scheme and port)", both of which were right. It now names the host name (found serving the
/// token endpoint and the API from a yaws appmod).
#[test]
fn yaws_400_for_a_host_it_serves_no_virtual_host_for_names_the_host_name() {
    let line = final_at_once_on(FaultKind::StatusWithBody(
        400,
        "<html><h1>400 Bad Request</h1></html>".into(),
    ));
    assert_contains(
        &line,
        &[
            "HTTP 400",
            "none of its virtual hosts",
            "check base_url (its host name)",
        ],
    );
    assert!(!line.contains("its scheme and port"), "{line}");
}

/// yaws' `400` page for a Host it has no virtual host for, answered to the token request: the
/// whole line names the token request, says no OAuth answer came, and to check token_url's host
/// name (`no_virtual_host`).
#[test]
fn yaws_400_at_the_token_url_says_no_oauth_answer_and_names_its_host_name() {
    let (fake, line) = yaws_400_at(RequestMatch::Token);
    assert_eq!(
        line,
        format!(
            "error: token request to {}: HTTP 400: 400 Bad Request; no OAuth answer; check token_url (its host name): yaws answers so a request whose Host names none of its virtual hosts",
            fake.token_url()
        )
    );
    assert_eq!(fake.page_requests(), Vec::<u64>::new());
}

/// `list` against a fake whose answer to `at` is yaws' `400` page for a Host it has no virtual
/// host for: the fake, and the error line of the run (exit 5).
fn yaws_400_at(at: RequestMatch) -> (FakeApi, String) {
    let yaws = FaultKind::StatusWithBody(400, "<html><h1>400 Bad Request</h1></html>".into());
    let fake = fake_with_faults(simple_accounts(3), vec![(at, yaws)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 5);
    (fake, line)
}

/// The same page answered to page 1: not the API's answer; check base_url's host name.
#[test]
fn yaws_400_at_the_base_url_says_not_the_apis_answer_and_names_its_host_name() {
    let (fake, line) = yaws_400_at(RequestMatch::AnyPage);
    assert_eq!(
        line,
        format!(
            "error: GET {}/express/accounts?page=1&per_page=50: HTTP 400: 400 Bad Request; not the API's answer; check base_url (its host name): yaws answers so a request whose Host names none of its virtual hosts",
            fake.base_url()
        )
    );
}

/// Next links keep to base_url's origin: the Host of a later page is the one yaws served page 1
/// for, so its `400` page there is no Host it has no virtual host for. Page 2 said "not the API's
/// answer: yaws answers so a request whose Host names none of its virtual hosts: check base_url,
/// its host name", of the host that had answered page 1; it now says what any web server's page
/// to a later page says.
#[test]
fn yaws_400_to_a_later_page_names_no_host_name() {
    let yaws = FaultKind::StatusWithBody(400, "<html><h1>400 Bad Request</h1></html>".into());
    let line = failing_page(2, yaws);
    blames_base_url_on_page_one_only(2, &line);
    assert!(!line.contains("virtual hosts"), "{line}");
    assert!(!line.contains("not the API's answer"), "{line}");
}

/// Nim's `asynchttpserver` answers a body over its `maxBody` with the same bare
/// `413 Request Entity Too Large` as request headers over its limit: to the token request, a POST
/// with a body, it names no request headers (it said "the server refuses request headers this
/// large" of a request whose headers carry only the client id and secret).
#[test]
fn nims_bare_413_to_the_token_request_blames_no_request_headers() {
    let line = the_token_request_answered(413, "413 Request Entity Too Large");
    assert_contains(
        &line,
        &["token request", "HTTP 413", "Request Entity Too Large"],
    );
    assert!(!line.contains("request headers"), "{line}");
}

/// A body limit below the token request's form (59 bytes): Rocket 0.5 (`limits.form`), axum with
/// tower-http's `RequestBodyLimitLayer` and poem's `SizeLimit` answer `413`, whose bytes these
/// are. The error said only "HTTP 413: length limit exceeded" (or Rocket's JSON, or "payload too
/// large"), with nothing to check or do; it now names the form as what is refused, token_url, and
/// the limit to raise (found with each serving the token endpoint, its limit set to 10 bytes).
#[test]
fn a_413_to_the_token_request_names_its_form_and_the_limit() {
    const ROCKET_413: &[u8] = b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\nserver: Rocket\r\nx-content-type-options: nosniff\r\nx-frame-options: SAMEORIGIN\r\npermissions-policy: interest-cohort=()\r\ncontent-length: 162\r\ndate: Mon, 07 Dec 2026 07:27:10 GMT\r\n\r\n{\n  \"error\": {\n    \"code\": 413,\n    \"reason\": \"Payload Too Large\",\n    \"description\": \"The request is larger than the server is willing or able to process.\"\n  }\n}";
    const TOWER_HTTP_413: &[u8] = b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\ndate: Mon, 07 Dec 2026 07:27:13 GMT\r\n\r\nlength limit exceeded";
    const POEM_413: &[u8] = b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 17\r\ndate: Mon, 07 Dec 2026 07:27:16 GMT\r\n\r\npayload too large";
    for raw in [ROCKET_413, TOWER_HTTP_413, POEM_413] {
        let line = token_request_answered(FaultKind::RawResponse(raw));
        assert_contains(
            &line,
            &[
                "token request",
                "HTTP 413",
                "the token request's form",
                "check token_url",
                "raise",
            ],
        );
        assert!(!line.contains("request headers"), "{line}");
    }
}

/// waitress answers request headers over its `max_request_header_size` with `431`, to the token
/// request too, whose headers carry the client id and secret, not an access token: it was told
/// "the access token they carry is too long for it". It now names what that request carries and
/// token_url (found with waitress 3.0.2 serving the token endpoint).
#[test]
fn a_431_to_the_token_request_blames_no_access_token() {
    let body = "Request Header Fields Too Large\r\n\r\nexceeds max_header of 150\r\n\r\n(generated by waitress)";
    let line = the_token_request_answered(431, body);
    assert_contains(
        &line,
        &[
            "token request",
            "HTTP 431",
            "request headers this large",
            "token_url",
        ],
    );
    assert!(!line.contains("access token"), "{line}");
}

/// The error line (exit 5) of `list` whose token request is answered
/// `status` with `body`.
fn the_token_request_answered(status: u16, body: &str) -> String {
    token_request_answered(FaultKind::StatusWithBody(status, body.to_string()))
}

/// The error line (exit 5) of `list` whose token request `fault` answers.
fn token_request_answered(fault: FaultKind) -> String {
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::Token, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    fails_with(&run(cmd), 5)
}

/// `Content-Encoding: none` (PHP's way to keep output unbuffered), `UTF-8` (a charset in the
/// wrong header) and `binary` name no compression: the body is the JSON as sent, which curl,
/// Go and Python read. Each run failed (exit 5) with "the answer is compressed
/// (Content-Encoding: none), which was not asked for" (found with a raw-socket server).
#[test]
fn a_content_encoding_that_names_no_compression_is_read_as_sent() {
    for label in ["none", "UTF-8", "binary"] {
        let headers = vec![("Content-Encoding", label.to_string())];
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![
                (RequestMatch::Token, FaultKind::WithHeaders(headers.clone())),
                (RequestMatch::AnyPage, FaultKind::WithHeaders(headers)),
            ],
        );
        let sandbox = Sandbox::new();
        let out = sandbox
            .tool(&fake)
            .args(["list", "-o", "jsonl", "--no-cache"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{label}: {}", stderr_of(&out));
        assert_eq!(stdout_of(&out).lines().count(), 3, "{label}");
    }
}

/// Behind a reverse proxy at a sub-path (`base_url` `…/td`, nginx
/// `location /td/ { proxy_pass http://api/; }`) that passes the API's
/// links on unrewritten, page 2's link (`/express/accounts?page=2`) led
/// out of `/td` to the proxy's 404, and the error said "there may be no
/// page 2 (past the last one), else check base_url": base_url was right.
/// It says the link left base_url's path, and what to have the proxy do.
#[test]
fn a_next_link_out_of_base_url_s_path_is_named_as_such() {
    for links in [
        support::fake_api::LinkStyle::Relative,
        support::fake_api::LinkStyle::Absolute,
    ] {
        let fake = FakeApi::start(FakeConfig {
            accounts: sample_accounts(6),
            page_cap: 3,
            links,
            proxied_under: Some("/td"),
            ..FakeConfig::default()
        });
        let out = run({
            let mut cmd = Sandbox::new().tool(&fake);
            cmd.env("TALKDESK_BASE_URL", format!("{}/td", fake.base_url()))
                .env(
                    "TALKDESK_TOKEN_URL",
                    format!("{}/td/oauth/token", fake.base_url()),
                )
                .args(["list", "-o", "json", "--max-retries", "0"]);
            cmd
        });
        let err = fails_with(&out, 5);
        assert_contains(
            &err,
            &[
                "/express/accounts?page=2",
                "HTTP 404",
                "the API's next link led out of base_url's path /td/",
                "rewrite",
            ],
        );
        assert!(!err.contains("past the last one"), "{err}");
    }
}

/// A 404 for a next link that stays under base_url's path (`/td/…`) is not
/// said to have led out of it.
#[test]
fn a_404_for_a_next_link_within_base_url_s_path_does_not_say_it_left() {
    let first = json!({
        "count": 2, "page": 1, "per_page": 2, "total": 4, "total_pages": 2,
        "_embedded": {"accounts": sample_accounts(2)},
        "_links": {"next": {"href": "/td/express/missing?page=2&per_page=2"}},
    });
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(4),
        proxied_under: Some("/td"),
        faults: Faults {
            always: vec![(RequestMatch::Page(1), FaultKind::Json(first))],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.env("TALKDESK_BASE_URL", format!("{}/td", fake.base_url()))
        .env(
            "TALKDESK_TOKEN_URL",
            format!("{}/td/oauth/token", fake.base_url()),
        )
        .args(["list", "-o", "json", "--max-retries", "0"]);
    let err = fails_with(&run(cmd), 5);
    assert_contains(&err, &["/td/express/missing?page=2", "HTTP 404"]);
    assert!(!err.contains("led out of base_url's path"), "{err}");
}

/// Behind a reverse proxy that strips base_url's path (vite's `server.proxy` with a `rewrite`
/// of `/api`, @fastify/http-proxy's `prefix`), the API's own redirect with a relative
/// `Location` (Django's APPEND_SLASH: `/express/accounts/?page=1…`) is passed on unrewritten;
/// the redirect, followed within the origin, led to the proxy's 404. The error showed only
/// where it led, out of base_url's path, with "check base_url": base_url was right. A page
/// that was no redirect's (base_url without a path, a redirect to `/v2/…` that 404s: browser-sync
/// rewrites an absolute `Location` to its own host) was said to be "the API's next link" that
/// "led out of base_url's path /v2/", the path the redirect led to.
#[test]
fn a_404_where_a_redirect_led_names_the_redirect() {
    for (under, location, says) in [
        (
            Some("/api"),
            "/express/accounts/?page=1&per_page=50",
            "the redirect led out of base_url's path /api/",
        ),
        (
            None,
            "/v2/express/accounts?page=1&per_page=50",
            "the server redirects the page to a URL that has none",
        ),
        // Within base_url's path: no proxy's doing.
        (
            Some("/api"),
            "/api/v2/express/accounts?page=1&per_page=50",
            "the server redirects the page to a URL that has none",
        ),
    ] {
        let fake = FakeApi::start(FakeConfig {
            accounts: sample_accounts(4),
            proxied_under: under,
            faults: Faults {
                always: vec![(RequestMatch::Page(1), FaultKind::Redirect(location.into()))],
                ..Faults::default()
            },
            ..FakeConfig::default()
        });
        let base = format!("{}{}", fake.base_url(), under.unwrap_or_default());
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.env("TALKDESK_BASE_URL", &base)
            .env("TALKDESK_TOKEN_URL", format!("{base}/oauth/token"))
            .args(["list", "-o", "json", "--max-retries", "0"]);
        let err = fails_with(&run(cmd), 5);
        let asked = format!("GET {base}/express/accounts?page=1&per_page=50 (redirected to ");
        assert_contains(&err, &[asked.as_str(), location, "HTTP 404", says]);
        assert!(!err.contains("next link"), "{err}");
        assert!(!err.contains("is appended to it"), "{err}");
    }
}

/// Page `n` of six `accounts`, two a page, its next link to `path`.
fn page_of_six(accounts: &[Value], n: u64, path: &str) -> Value {
    let at = (n as usize - 1) * 2;
    json!({
        "count": 2, "page": n, "per_page": 2, "total": 6, "total_pages": 3,
        "_embedded": {"accounts": accounts[at..at + 2]},
        "_links": {"next": {"href": format!("{path}?page={}&per_page=2", n + 1)}},
    })
}

/// A later page redirected within base_url's path to a 404 may be past the last page, as page 1
/// redirected so and answered says (Flask on Werkzeug 3.1.8 redirecting to its route's trailing
/// slash, 404 "Invalid page." past the last; an API moved to a path of its own): df049050's rule
/// said "the server redirects the page to a URL that has none …; check base_url, else ask
/// whoever runs it" of `--page 7` past the last, and of page 3 of a walk whose API links each
/// page to its old path, after base_url had answered. It says there may be no such page, the
/// redirect named.
#[test]
fn a_404_where_a_redirect_led_for_a_later_page_says_it_may_be_past_the_last() {
    let accounts = sample_accounts(6);
    let page = |n: u64| page_of_six(&accounts, n, "/express/accounts");
    let fake = FakeApi::start(FakeConfig {
        accounts: accounts.clone(),
        moved: true,
        faults: Faults {
            always: vec![
                (RequestMatch::Page(1), FaultKind::Json(page(1))),
                (RequestMatch::Page(2), FaultKind::Json(page(2))),
                (RequestMatch::Page(3), FaultKind::Status(404)),
                (RequestMatch::Page(7), FaultKind::Status(404)),
            ],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    for (args, says) in [
        (
            &["--page", "7"][..],
            "there may be no page 7 (past the last one), else",
        ),
        (
            &["--concurrency", "1"][..],
            "there may be no page 3 (past the last one, accounts removed during the walk)",
        ),
    ] {
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "json", "--max-retries", "0"])
            .args(args);
        let err = fails_with(&run(cmd), 5);
        assert_contains(
            &err,
            &[
                "(redirected to ",
                "/moved/express/accounts?page=",
                "HTTP 404",
                says,
            ],
        );
        assert!(!err.contains("a URL that has none"), "{err}");
    }
}

/// The error (exit 5) of a walk whose first page (two accounts of four, its
/// `per_page` said) links `next` to `href`, a path the fake answers 404.
fn error_after_a_first_page_linking_to(href: &str, per_page: u64) -> String {
    let accounts = sample_accounts(2);
    let first = json!({
        "count": 2, "page": 1, "per_page": per_page, "total": 4, "total_pages": 2,
        "_embedded": {"accounts": accounts},
        "_links": {"next": {"href": href}},
    });
    let fake = fake_with_faults(
        accounts,
        vec![(RequestMatch::Page(1), FaultKind::Json(first))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json"]);
    fails_with(&run(cmd), 5)
}

/// Behind Traefik 3.7's `addPrefix` (`base_url` the gateway's root, the API
/// at `/api/express/accounts` behind it), the API's links carry its own
/// `/api`, which the gateway adds again: page 2 was Traefik's 404, and the
/// error said "there may be no page 2 (past the last one, accounts removed
/// during the walk) … try again later", which fails the same way every
/// time. It says the link's path is not base_url's, and what to do.
#[test]
fn a_next_link_under_another_path_than_base_url_s_is_named_as_such() {
    let line = error_after_a_first_page_linking_to("/api/express/accounts?page=2&per_page=2", 2);
    assert_contains(
        &line,
        &[
            "/api/express/accounts?page=2",
            "HTTP 404",
            "the API's next link puts /api before the accounts path base_url leads to (/express/accounts)",
            "rewrite",
        ],
    );
    assert!(!line.contains("past the last one"), "{line}");
}

/// A Sinatra app whose next link names another path than the one that answered page 1
/// (`/express/acounts?page=2`, a typo in its link), which it answers 404 ("Sinatra doesn’t know
/// this ditty."): the error said "there may be no page 2 (past the last one, accounts removed
/// during the walk) … try again later", which fails the same way every time. It names the link's
/// path and the accounts path that answered.
#[test]
fn a_404_for_a_next_link_to_another_path_names_both_paths() {
    let line = error_after_a_first_page_linking_to("/express/acounts?page=2&per_page=2", 2);
    assert_contains(
        &line,
        &[
            "/express/acounts?page=2",
            "HTTP 404",
            "the API's next link leads to /express/acounts, not to the accounts path that answered the first page (/express/accounts)",
        ],
    );
    assert!(!line.contains("past the last one"), "{line}");
}

/// An API whose next links lead to a path of their own (`/express/accounts/list?page=2`) that
/// answered page 2, then 404 for page 3 (accounts removed during the walk): the error said "the
/// API's next link leads to /express/accounts/list, not to the accounts path that answered the
/// first page (/express/accounts): the API or a gateway in front of it sent a wrong link", of a
/// path that had answered. Once a page at another path answered, a 404 says there may be no
/// page 3, as before that hint.
#[test]
fn a_404_at_a_next_links_path_that_answered_a_page_blames_no_wrong_link() {
    let accounts = sample_accounts(6);
    let page = |n: u64| page_of_six(&accounts, n, "/express/accounts/list");
    let fake = fake_with_faults(
        accounts[..2].to_vec(),
        vec![
            (RequestMatch::Page(1), FaultKind::Json(page(1))),
            (RequestMatch::Nth(3), FaultKind::Json(page(2))),
        ],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "json"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "/express/accounts/list?page=3",
            "HTTP 404",
            "there may be no page 3",
        ],
    );
    assert!(!line.contains("sent a wrong link"), "{line}");
}

/// Prism's `--dynamic` mock links `next` to a path of its own making
/// (`/express/ipsum%20dolor`), which it then answers 404: the error said
/// "check base_url (the path /express/accounts is appended to it)" where
/// page 1 had been answered at base_url. It names the API's next link.
#[test]
fn a_404_for_a_next_link_without_a_page_number_blames_the_link() {
    let line = error_after_a_first_page_linking_to("/express/ipsum%20dolor", 50);
    assert_contains(&line, &["/express/ipsum%20dolor", "HTTP 404", "next link"]);
    assert!(!line.contains("check base_url (the path"), "{line}");
}

/// A 405 or a 406 for page 2, reached through the API's own `_links.next`,
/// said "check base_url" (the hint of a base_url that takes no GET, or
/// cannot answer JSON), where page 1 had been answered at base_url. As a
/// 404 there does, it names the next link and says base_url answered.
#[test]
fn a_405_or_406_for_a_later_page_does_not_blame_base_url() {
    for (status, said) in [(405, "takes no GET"), (406, "application/json")] {
        let fault = FaultKind::StatusWithBody(status, r#"{"detail":"no"}"#.into());
        let line = failing_page(2, fault);
        let status = format!("HTTP {status}");
        assert_contains(&line, &["page=2", &status, said, "next link"]);
        blames_base_url_on_page_one_only(2, &line);
    }
}

/// A 404 for page 2 of a walk, named by page 1 (its next link and
/// total_pages), said "there may be no page 2 (past the last one), else
/// check base_url", where page 1 had been answered at base_url, at one
/// page at a time and at four. `--page 2` alone still says to check it.
#[test]
fn a_404_for_a_later_page_of_a_walk_does_not_blame_base_url() {
    for concurrency in ["1", "4", "page"] {
        let fake = fake_failing_on(9, 2, FaultKind::Status(404));
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "json", "--max-retries", "0"]);
        match concurrency {
            "page" => cmd.args(["--page", "2"]),
            n => cmd.args(["--concurrency", n]),
        };
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["page=2", "HTTP 404", "there may be no page 2"]);
        match concurrency {
            "page" => assert_contains(&line, &["check base_url"]),
            _ => {
                assert_contains(&line, &["base_url answered the first page"]);
                assert!(!line.contains("check base_url"), "{line}");
            }
        }
    }
}

/// A redirect out of base_url's origin, or a 2xx other than 200, for page
/// 2 said "check base_url", where page 1 had been answered at base_url; on
/// page 1 they still say to check it.
#[test]
fn a_later_pages_redirect_or_other_success_does_not_blame_base_url() {
    let cases = [
        (
            FaultKind::Redirect("http://127.0.0.2:9/x".into()),
            "redirect to http://127.0.0.2:9/x not followed",
        ),
        (FaultKind::Status(202), "only HTTP 200 carries an answer"),
    ];
    for (fault, said) in cases {
        for page in [2, 1] {
            let line = failing_page(page, fault.clone());
            assert_contains(&line, &[&format!("page={page}"), said]);
            blames_base_url_on_page_one_only(page, &line);
        }
    }
}

/// The server's own words come before the hint in a later page's error (a
/// 202's message, a redirect's Location): where they held "; check
/// base_url", the hint's rewrite cut the message there, and the status's
/// own words ("only HTTP 200 carries an answer", "not followed") were lost;
/// a 500's own hint went with them.
#[test]
fn a_later_pages_error_keeps_its_hint_when_the_server_says_check_base_url() {
    let cases = [
        (
            FaultKind::StatusWithBody(202, r#"{"message":"queued; check base_url later"}"#.into()),
            [
                "queued; check base_url later",
                "only HTTP 200 carries an answer",
            ],
        ),
        (
            FaultKind::Redirect("http://127.0.0.2:9/x; check base_url".into()),
            [
                "http://127.0.0.2:9/x; check base_url",
                "not followed (credentials",
            ],
        ),
    ];
    for (fault, said) in cases {
        let line = failing_page(2, fault);
        assert_contains(&line, &["page=2", said[0], said[1]]);
        assert_contains(&line, &["base_url answered the first page"]);
        let hint = line
            .rsplit_once("; ")
            .map(|(_, hint)| hint)
            .unwrap_or_default();
        assert_eq!(hint, "try again later", "{line}");
    }
    // A hint of its own, the server's words saying check base_url: both kept.
    let fault = FaultKind::StatusWithBody(500, r#"{"message":"down; check base_url"}"#.into());
    let line = failing_page(2, fault);
    let said = "down; check base_url; the API or a gateway before it is failing; try again later or raise --max-retries";
    assert_contains(&line, &[said]);
}

/// Page 2 over the 16 MiB a page may have said "far beyond any page of
/// accounts; check base_url", though page 1 had been answered at base_url;
/// page 1 over it still says to check base_url.
#[test]
fn a_later_page_over_the_size_cap_does_not_blame_base_url() {
    for page in [2, 1] {
        let line = failing_page(page, FaultKind::HugeBody(17 * 1024 * 1024));
        let asked = format!("page={page}");
        assert_contains(&line, &[&asked, "HTTP 200", "larger than 16 MiB"]);
        blames_base_url_on_page_one_only(page, &line);
    }
}

/// An HTML page answered 200 for page 2 (a proxy's sign-in page once its
/// session lapsed mid-walk) said "check base_url, or a proxy in between",
/// though base_url had answered page 1.
#[test]
fn an_html_page_in_place_of_a_later_page_does_not_blame_base_url() {
    let html = "<html><body>Sign in to the proxy</body></html>".to_string();
    let line = failing_page(2, FaultKind::StatusWithBody(200, html));
    assert_contains(
        &line,
        &[
            "page=2",
            "not a page of accounts (an HTML page)",
            "a proxy in between",
            "Sign in to the proxy",
        ],
    );
    blames_base_url_on_page_one_only(2, &line);
}

/// Answers the client refuses before it reads a page (both lengths, more
/// header fields than it reads, headers too large, compressed unasked, a
/// header line without a colon), given for page 2,
/// said "check base_url", though base_url had answered page 1.
#[test]
fn a_later_pages_unreadable_answer_does_not_blame_base_url() {
    let both: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    let mut fields = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec();
    for i in 0..200 {
        fields.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    fields.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
    let mut large = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
    large.extend_from_slice(&[b'x'; 70_000]);
    large.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
    let gzip = vec![("Content-Encoding", "gzip".to_string())];
    let cases: Vec<(FaultKind, &str)> = vec![
        (
            FaultKind::RawResponse(both),
            "both Content-Length and Transfer-Encoding",
        ),
        (
            FaultKind::RawResponse(fields.leak()),
            "more than 128 header fields",
        ),
        (
            FaultKind::RawResponse(large.leak()),
            "headers are larger than",
        ),
        (FaultKind::WithHeaders(gzip), "the answer is compressed"),
        (
            FaultKind::RawResponse(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nno colon here\r\n\r\n{}",
            ),
            "not valid HTTP",
        ),
    ];
    for (fault, said) in cases {
        let line = failing_page(2, fault);
        assert_contains(&line, &["page=2", said]);
        blames_base_url_on_page_one_only(2, &line);
    }
}

/// A base_url whose `/express/accounts` takes no GET (FastAPI's and
/// Starlette's `405 {"detail":"Method Not Allowed"}` for a POST-only route,
/// Prism's for a path its spec has without `get`) said only "HTTP 405:
/// Method Not Allowed", with nothing to check; a token_url's 405 says to
/// check token_url.
#[test]
fn a_base_url_that_takes_no_get_says_to_check_base_url() {
    let body = r#"{"detail":"Method Not Allowed"}"#.to_string();
    let line = final_at_once_on(FaultKind::StatusWithBody(405, body));
    assert_contains(&line, &["HTTP 405", "takes no GET", "check base_url"]);
}

/// Stoplight Prism mocking a spec whose page is only `application/hal+json`
/// answers the tool's `Accept: application/json` with `406 Not Acceptable`:
/// the error said the status and Prism's words, and nothing to check.
#[test]
fn a_406_for_the_json_asked_says_to_check_base_url() {
    let body = r#"{"type":"https://stoplight.io/prism/errors#NOT_ACCEPTABLE","title":"The server cannot produce a representation for your accept header","status":406,"detail":"Unable to find content for application/json"}"#;
    let line = final_at_once_on(FaultKind::StatusWithBody(406, body.to_string()));
    assert_contains(&line, &["HTTP 406", "application/json", "check base_url"]);
}

/// Stoplight Prism 5.14 run with `--errors` (mock, or `proxy` in front of the API) answers an
/// answer that breaks its OpenAPI document with its own 500, every time: the error said "the
/// token endpoint (or the API) or a gateway before it is failing; try again later or raise
/// --max-retries", which cannot help. It names Prism's check and what to change.
#[test]
fn prisms_500_for_an_answer_breaking_its_document_is_not_called_a_failure_to_wait_out() {
    const PRISM_500: &[u8] = b"HTTP/1.1 500 Internal Server Error\r\nAccess-Control-Allow-Origin: *\r\nsl-violations: [{\"location\":[\"response\",\"body\"],\"severity\":\"Error\",\"code\":\"required\",\"message\":\"Response body must have required property 'region'\"}]\r\ncontent-type: application/problem+json\r\nContent-Length: 372\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n{\"type\":\"https://stoplight.io/prism/errors#VIOLATIONS\",\"title\":\"Request/Response not valid\",\"status\":500,\"detail\":\"Your request/response is not valid and the --errors flag is set, so Prism is generating this error for you.\",\"validation\":[{\"location\":[\"response\",\"body\"],\"severity\":\"Error\",\"code\":\"required\",\"message\":\"Response body must have required property 'region'\"}]}";
    for (at, what) in [
        (RequestMatch::Token, "token request"),
        (RequestMatch::AnyPage, "GET "),
    ] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(at, FaultKind::RawResponse(PRISM_500))],
        );
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "jsonl", "--max-retries", "1"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(
            &line,
            &[
                what,
                "HTTP 500 after 1 retry",
                "required property 'region'",
                "Prism",
                "OpenAPI document",
                "without --errors",
            ],
        );
        assert!(!line.contains("try again later"), "{line}");
    }
}

/// squid 5.7 decrypting TLS (`ssl_bump bump all`) answers a request inside the tunnel to a port
/// nothing listens on with `503` and its ERR_CONNECT_FAIL page ("Connection to 127.0.0.1
/// failed"); the error said "the token endpoint or a gateway before it is failing; try again
/// later or raise --max-retries", though the URL's port was wrong. It names squid's failed
/// connection and the host and port to check first.
#[test]
fn squids_connect_fail_page_names_the_host_and_port_to_check() {
    let page = "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<meta type=\"copyright\" content=\"Copyright (C) 1996-2022 The Squid Software Foundation and contributors\">\n<meta http-equiv=\"Content-Type\" CONTENT=\"text/html; charset=utf-8\">\n<title>ERROR: The requested URL could not be retrieved</title>\n</head><body id=\"ERR_CONNECT_FAIL\">\n<div id=\"titles\">\n<h1>ERROR</h1>\n<h2>The requested URL could not be retrieved</h2>\n</div>\n<hr>\n<div id=\"content\">\n<p>The following error was encountered while trying to retrieve the URL: <a href=\"https://localhost:19809/oauth/token\">https://localhost:19809/oauth/token</a></p>\n<blockquote id=\"error\">\n<p><b>Connection to 127.0.0.1 failed.</b></p>\n</blockquote>\n<p id=\"sysmsg\">The system returned: <i>(111) Connection refused</i></p>\n<p>The remote host or network may be down. Please try the request again.</p>\n</div>\n<!-- ERR_CONNECT_FAIL -->\n</body></html>\n";
    for (at, setting) in [
        (RequestMatch::Token, "check token_url, its host and port"),
        (RequestMatch::AnyPage, "check base_url, its host and port"),
    ] {
        let fake = fake_with_faults(
            simple_accounts(3),
            vec![(at, FaultKind::StatusWithBody(503, page.into()))],
        );
        let mut cmd = Sandbox::new().tool(&fake);
        cmd.args(["list", "-o", "jsonl", "--max-retries", "0"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["HTTP 503", "squid", "could not connect", setting]);
    }
}

/// Stoplight Prism 5.14 mocking a document that asks `/express/accounts` for another security
/// scheme than a Bearer token (an API key) and has no 401 answer of its own makes one: "Invalid
/// security scheme used", for the new token too. The error said "check the client id and secret",
/// which the token endpoint had just taken. It names the document's security scheme.
#[test]
fn prisms_401_for_a_security_scheme_its_document_declares_names_the_document() {
    const PRISM_401: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nAccess-Control-Allow-Origin: *\r\ncontent-type: application/problem+json\r\nContent-Length: 276\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n{\"type\":\"https://stoplight.io/prism/errors#UNAUTHORIZED\",\"title\":\"Invalid security scheme used\",\"status\":401,\"detail\":\"Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you.\"}";
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::RawResponse(PRISM_401))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "-o", "jsonl"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &[
            "HTTP 401",
            "Invalid security scheme used",
            "Prism",
            "OpenAPI document",
            "scheme: bearer",
        ],
    );
    assert!(!line.contains("check the client id and secret"), "{line}");
    assert_eq!(
        fake.page_requests(),
        vec![1, 1],
        "once more with a new token: {line}"
    );
}

/// A problem (RFC 9457) whose violations are in `violations` (Zalando's problem-spring-web, API
/// Platform) or `invalid-params` (RFC 7807's own example), without a `detail`: its JSON was shown,
/// violations and all, until problems were shown by their members; then the error said only its
/// title, `HTTP 400: Constraint Violation`, what was wrong lost.
#[test]
fn a_problems_violations_or_invalid_params_are_shown() {
    for body in [
        r#"{"type":"https://zalando.github.io/problem/constraint-violation","status":400,"violations":[{"field":"perPage","message":"must be less than or equal to 25"}],"title":"Constraint Violation"}"#,
        r#"{"type":"https://example.net/validation-error","title":"Your request parameters didn't validate.","invalid-params":[{"name":"per_page","reason":"must be less than or equal to 25"}]}"#,
    ] {
        let line = final_at_once_on(FaultKind::StatusWithBody(400, body.to_string()));
        assert_contains(&line, &["HTTP 400", "must be less than or equal to 25"]);
    }
}

/// A HAL server's next link as an array of links (`"next": [{"href": …}]`, which HAL allows and
/// the Talkdesk API never sends) ended "invalid type: map, expected a string at line 1 column …;
/// the API sent a malformed page; try again later": it named neither `_links.next` nor the shape
/// the API sends, and trying again gets the same page.
#[test]
fn a_next_link_sent_as_an_array_names_links_next() {
    for page in [1, 2] {
        let next = json!({"next": [{"href": "/express/accounts?page=3&per_page=2"}]});
        let body = json!({"page": page, "per_page": 2, "total": 6, "_links": next,
            "_embedded": {"accounts": simple_accounts(6)[2 * (page as usize - 1)..][..2]}});
        let fault = (RequestMatch::Page(page), FaultKind::Json(body));
        let fake = fake_with_faults(simple_accounts(6), vec![fault]);
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.tool(&fake);
        cmd.args(["list", "--per-page", "2", "--concurrency", "1"]);
        let line = fails_with(&run(cmd), 5);
        assert_contains(&line, &["_links.next", "an object with an href"]);
        assert!(!line.contains("try again later"), "{line}");
    }
}

/// A canned page or token answer served from a file by a static web server
/// (nginx, lighttpd, busybox httpd, `python3 -m http.server`), where the
/// file was saved as UTF-16 (Windows PowerShell's `>`, with a byte-order
/// mark; `iconv -t UTF-16LE`, without) or kept gzip'd with no
/// `Content-Encoding` said: a token was "not a token (not valid JSON at
/// line 1 column 1)", a page "not UTF-8 at byte 0" / "key must be a string
/// at line 1 column 2" / "not UTF-8 at byte 1 … sends another encoding".
/// Each names what the body is and to serve it as UTF-8 JSON.
#[test]
fn a_utf16_or_gzip_file_served_as_a_page_or_token_is_named() {
    let utf16 = |bom: &[u8], json: &str| -> Vec<u8> {
        let mut body = bom.to_vec();
        body.extend(json.encode_utf16().flat_map(u16::to_le_bytes));
        body
    };
    let page = r#"{"total":1,"_embedded":{"accounts":[{"id":"a1"}]}}"#;
    let token = r#"{"access_token":"t","token_type":"Bearer","expires_in":3600}"#;
    let gzip =
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00\x43\xbf\xa6\xa3\x02\x00\x00\x00";
    for (request, json, setting) in [
        (RequestMatch::AnyPage, page, "base_url"),
        (RequestMatch::Token, token, "token_url"),
    ] {
        for (body, said) in [
            (utf16(b"\xFF\xFE", json), "UTF-16 text"),
            (utf16(b"", json), "UTF-16 text"),
            (gzip.to_vec(), "gzip-compressed data"),
        ] {
            let mut raw = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            raw.extend(body);
            let fault = FaultKind::RawResponse(raw.leak());
            let fake = fake_with_faults(simple_accounts(3), vec![(request, fault)]);
            let sandbox = Sandbox::new();
            let mut cmd = sandbox.tool(&fake);
            cmd.args(["list", "--max-retries", "0"]);
            let line = fails_with(&run(cmd), 5);
            assert_contains(&line, &[said, "UTF-8", setting]);
            for vague in ["line 1 column", "at byte", "another encoding"] {
                assert!(!line.contains(vague), "{line}");
            }
        }
    }
}

/// A page nesting a value more than 10,000 levels deep said only "GET …: a
/// value is nested more than 10000 levels deep, more than the tool reads",
/// with nothing to do about it: it is a page of accounts no API sends, and
/// the error says to check base_url or report the page.
#[test]
fn a_page_nested_too_deep_says_what_to_do() {
    let x = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
    let body = format!(r#"{{"total":1,"_embedded":{{"accounts":[{{"id":"a1","x":{x}}}]}}}}"#);
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let line = final_at_once_on(FaultKind::RawResponse(raw.leak().as_bytes()));
    assert_contains(
        &line,
        &[
            "the answer is not a page of accounts",
            "nested more than 10000 levels deep",
            "check base_url",
        ],
    );
}

/// squid 5.7 as a reverse proxy whose `cache_peer` lacks `login=PASS` passes no `Authorization`
/// on: the backend answers every page 401 with `WWW-Authenticate: Bearer realm="api"`, the
/// challenge with no `error` that RFC 6750 §3.1 has a server send a request carrying no token.
/// These bytes, but for their Date, are what the tool got through squid. The error said only
/// "check the client id and secret", of credentials the token endpoint had just taken. It now says
/// no token reached the server and names the proxy by its `Via`. A 401 whose challenge has an
/// `error` (a token refused), or with no challenge, keeps the old hint alone.
#[test]
fn a_401_for_a_request_without_a_token_names_a_proxy_that_drops_authorization() {
    let challenges = [
        ("WWW-Authenticate: Bearer realm=\"api\"\r\n", true),
        (
            "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"\r\n",
            false,
        ),
        ("", false),
    ];
    for (challenge, dropped) in challenges {
        let body = r#"{"code":"401","message":"Unauthorized"}"#;
        let raw = format!(
            "HTTP/1.1 401 Unauthorized\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nDate: Sun, 06 Dec 2026 00:16:56 GMT\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{challenge}X-Cache: MISS from vm\r\nVia: 1.1 vm (squid/5.7)\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let raw: &'static [u8] = raw.into_bytes().leak();
        let line = every_page_refused(raw);
        assert_contains(&line, &["HTTP 401", "check the client id and secret"]);
        let named = [
            "no token reached the server",
            "(Via: 1.1 vm (squid/5.7))",
            "Authorization",
        ];
        for part in named {
            assert_eq!(line.contains(part), dropped, "{part}: {line}");
        }
    }
}

/// Authlib's resource server (1.9, its Flask `ResourceProtector`) answers a request that reaches
/// it without `Authorization` (through a proxy that drops it, as squid's `cache_peer` without
/// `login=PASS` does) with `401`, `WWW-Authenticate: bearer error="missing_authorization", …`
/// and `{"error": "missing_authorization", "error_description": "Missing 'Authorization' in
/// headers."}`: these bytes, but for their Date, came through such a proxy. The run said "check
/// the client id and secret", which the token endpoint had just taken, and the server's words
/// say no token reached it. It now says so and names the proxy by its `Via`, as for a Bearer
/// challenge with no `error` (exit 4 as before).
#[test]
fn authlibs_missing_authorization_401_names_a_proxy_that_drops_authorization() {
    const AUTHLIB: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nDate: Mon, 07 Dec 2026 12:06:30 GMT\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nPragma: no-cache\r\nWWW-Authenticate: bearer error=\"missing_authorization\", error_description=\"Missing 'Authorization' in headers.\"\r\nContent-Length: 94\r\nVia: 1.1 strip-proxy\r\n\r\n{\"error\": \"missing_authorization\", \"error_description\": \"Missing 'Authorization' in headers.\"}";
    let line = every_page_refused(AUTHLIB);
    assert_contains(
        &line,
        &[
            "HTTP 401: missing_authorization: Missing 'Authorization' in headers.",
            "no token reached the server",
            "(Via: 1.1 strip-proxy)",
            "have it pass Authorization on",
        ],
    );
}

/// Django REST framework (3.18) answers a request it found no credentials in with its
/// `NotAuthenticated`, `{"detail":"Authentication credentials were not provided."}`, as a `403`
/// with no challenge when its first authentication class sends none (`SessionAuthentication`
/// before django-oauth-toolkit's `OAuth2Authentication`, a common order). It does so when a proxy
/// in front drops `Authorization` (these bytes came through one) and for a token
/// django-oauth-toolkit does not know (one from another deployment's token endpoint: the second
/// answer, but for its Date, is what such an API sent the token just granted). The run said "the
/// OAuth client needs the express-accounts:read scope, and resellers must be entitled to the
/// Billing Insights API" of a request the server found no token in. It now names both causes
/// (exit 4 as before); DRF's 403 for a permission ("You do not have permission to perform this
/// action.", `TokenHasScope`'s) keeps the scope's hint.
#[test]
fn drfs_403_for_no_credentials_names_a_proxy_or_another_token_url() {
    const PROXIED: &[u8] = b"HTTP/1.1 403 Forbidden\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nDate: Mon, 07 Dec 2026 12:09:02 GMT\r\nContent-Type: application/json\r\nVary: Accept\r\nAllow: GET, HEAD, OPTIONS\r\nContent-Length: 58\r\nVia: 1.1 strip-proxy\r\n\r\n{\"detail\":\"Authentication credentials were not provided.\"}";
    const DIRECT: &[u8] = b"HTTP/1.1 403 Forbidden\r\nDate: Mon, 07 Dec 2026 12:01:14 GMT\r\nServer: WSGIServer/0.2 CPython/3.11.7\r\nContent-Type: application/json\r\nVary: Accept\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n{\"detail\":\"Authentication credentials were not provided.\"}";
    const SCOPE: &[u8] = b"HTTP/1.1 403 Forbidden\r\nDate: Mon, 07 Dec 2026 11:54:10 GMT\r\nServer: WSGIServer/0.2 CPython/3.11.7\r\nContent-Type: application/json\r\nVary: Accept\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n{\"detail\":\"You do not have permission to perform this action.\"}";
    let scope_hint = "the OAuth client needs the express-accounts:read scope";
    for (raw, via) in [(PROXIED, Some("(Via: 1.1 strip-proxy)")), (DIRECT, None)] {
        let line = every_page_refused(raw);
        assert_contains(
            &line,
            &[
                "HTTP 403: Authentication credentials were not provided.",
                "the server found no credentials it knows in the request",
                "may drop the Authorization header",
                "have it pass Authorization on",
                "check that token_url and base_url belong to the same deployment",
            ],
        );
        assert!(!line.contains(scope_hint), "{line}");
        assert_eq!(line.contains("Via:"), via.is_some(), "{line}");
        if let Some(via) = via {
            assert_contains(&line, &[via]);
        }
    }
    let line = every_page_refused(SCOPE);
    assert_contains(&line, &["HTTP 403: You do not have permission", scope_hint]);
    assert!(!line.contains("Authorization header"), "{line}");
}

/// Microsoft Graph answers a token it refuses (expired, for another audience) with a bare Bearer
/// challenge, `WWW-Authenticate: Bearer realm="", authorization_uri="…", client_id="…"` and no
/// `error`, and says what was wrong with the token in its body. The token reached the server, so
/// the error must not say that none did nor send the user to a proxy first: it keeps the old hint.
/// It said "no token reached the server … a proxy or gateway in front may drop the Authorization
/// header" of a body that named the token it refused.
#[test]
fn a_401_whose_body_names_the_token_refused_does_not_blame_a_proxy() {
    let body = r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience.","innerError":{"date":"2026-12-06T00:50:02","request-id":"5c4b2a1e-0d0e-4b55-9f3c-6f0e1d2c3b4a"}}}"#;
    let raw = format!(
        "HTTP/1.1 401 Unauthorized\r\nCache-Control: no-cache\r\nContent-Type: application/json\r\nContent-Length: {}\r\nWWW-Authenticate: Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"\r\nStrict-Transport-Security: max-age=31536000\r\nDate: Sun, 06 Dec 2026 00:50:02 GMT\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let raw: &'static [u8] = raw.into_bytes().leak();
    let line = every_page_refused(raw);
    assert_contains(&line, &["HTTP 401", "check the client id and secret"]);
    for part in ["no token reached the server", "proxy"] {
        assert!(!line.contains(part), "{part}: {line}");
    }
}

/// A token the token endpoint had just granted, refused by the API as expired (and the new one too):
/// a JWT whose `exp` is past by the API's clock, though its `expires_in` said an hour (clocks apart,
/// or a token endpoint whose tokens expire before its `expires_in`; found with node oidc-provider's
/// JWTs against an API validating them). It said "check the client id and secret (a newly added
/// scope can take minutes to work)", of credentials the token endpoint had just taken, twice.
#[test]
fn a_token_just_granted_refused_as_expired_names_the_clocks_not_the_credentials() {
    for body in [
        r#"{"code":"1002","message":"Unauthorized","description":"jwt expired"}"#,
        // flask-jwt-extended's.
        r#"{"msg":"Token has expired"}"#,
    ] {
        let line = every_page_refused_401("", body);
        assert_contains(
            &line,
            &[
                "HTTP 401",
                "expired",
                "the token endpoint had just granted",
                "clock",
            ],
        );
        assert!(!line.contains("check the client id and secret"), "{line}");
    }
    // A body that says the token may have expired keeps the credentials' hint.
    let body = r#"{"code":"1002","message":"Invalid or expired token"}"#;
    let line = every_page_refused_401("", body);
    assert_contains(&line, &["check the client id and secret"]);
    assert!(!line.contains("clock"), "{line}");
}

/// Spring Security's resource server refuses an expired JWT with a 401 and no body, saying why in
/// its challenge alone: `WWW-Authenticate: Bearer error="invalid_token", error_description="Jwt
/// expired at …"`. The run said "HTTP 401 Unauthorized; check the client id and secret" of a token
/// just granted: the challenge's words are shown, and the clocks named. Its 403 for a missing scope
/// (`insufficient_scope`) says why too.
#[test]
fn a_refusal_saying_why_in_its_challenge_alone_shows_it() {
    const SPRING: &[u8] = b"HTTP/1.1 401 \r\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"Jwt expired at 2026-12-06T16:00:00Z\", error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"\r\nX-Content-Type-Options: nosniff\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let line = every_page_refused(SPRING);
    assert_contains(
        &line,
        &[
            "HTTP 401 Unauthorized: Jwt expired at 2026-12-06T16:00:00Z;",
            "the token endpoint had just granted",
        ],
    );
    assert!(!line.contains("check the client id and secret"), "{line}");
    const SCOPE: &[u8] = b"HTTP/1.1 403 \r\nWWW-Authenticate: Bearer error=\"insufficient_scope\", error_description=\"The request requires higher privileges than provided by the access token.\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let line = every_page_refused(SCOPE);
    assert_contains(
        &line,
        &["HTTP 403 Forbidden: The request requires higher privileges"],
    );
}

/// A server that writes chunk framing itself into a body it sends with a Content-Length (no
/// proxy, no Via), here of text, not JSON: the run said "a chunk size, a in hex, on the line before
/// the JSON" and "a proxy in front of the server at base_url passes its chunked answer on …: have
/// whoever runs the proxy fix it", of no proxy and no JSON. It names the server or a proxy.
#[test]
fn chunk_framing_from_the_server_itself_is_not_said_to_be_a_proxys() {
    const OWN: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\na\r\n0123456789\r\n0\r\n\r\n";
    let fault = FaultKind::RawResponse(OWN);
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--no-cache", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    assert_contains(
        &line,
        &[
            "chunk framing",
            "the server at base_url, or a proxy in front of it,",
        ],
    );
    assert!(!line.contains("before the JSON"), "{line}");
}

/// rouille's reverse proxy (3.6, `rouille::proxy::full_proxy`) passes the server's headers on but
/// its body as the raw bytes of the connection: a chunked answer (tiny_http 0.12 chunks one of
/// 32 KiB or more) keeps its chunk framing, and tiny_http chunks that again. The page said "the
/// answer is not a page of accounts (other text before the page's JSON); the server at base_url
/// prints it with the page: PHP's warnings and notices land there with display_errors on …": it
/// names the chunk framing and the proxy, for a page and for a token alike.
#[test]
fn a_body_still_in_its_chunk_framing_names_a_proxy_not_php() {
    let framed = |json: &str| {
        let inner = format!("{:x}\r\n{json}\r\n0\r\n\r\n", json.len());
        let outer = format!("{:x}\r\n{inner}\r\n0\r\n\r\n", inner.len());
        format!(
            "HTTP/1.1 200 OK\r\nServer: tiny-http (Rust)\r\nDate: Mon, 07 Dec 2026 14:46:49 GMT\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{outer}"
        )
    };
    let page = r#"{"_embedded":{"accounts":[{"company_name":"Company 0","id":"5ea75fe7aa22470100000000","name":"acct0","status":"ACTIVE"}]},"count":1,"page":1,"per_page":50,"total":1,"total_pages":1}"#;
    let fault = FaultKind::RawResponse(framed(page).into_bytes().leak());
    let fake = fake_with_faults(simple_accounts(1), vec![(RequestMatch::AnyPage, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--no-cache", "--max-retries", "0"]);
    let line = fails_with(&run(cmd), 5);
    let hint = "chunk framing";
    assert_contains(
        &line,
        &[
            "the answer is not a page of accounts",
            hint,
            "base_url",
            "proxy",
        ],
    );
    assert!(!line.contains("display_errors"), "{line}");
    let token = r#"{"access_token":"tok-in-frames","token_type":"Bearer","expires_in":600}"#;
    let line = token_answered(framed(token).into_bytes().leak(), 5);
    assert_contains(
        &line,
        &["the answer is not a token", hint, "token_url", "proxy"],
    );
    assert!(
        !line.contains("display_errors") && !line.contains("tok-in-frames"),
        "{line}"
    );
}

/// A token endpoint serialising one struct for every answer (Go's `encoding/json` without
/// `omitempty`) refuses a client with its OAuth error beside an empty `access_token`: the run took
/// the empty field for a token, said "no OAuth answer; check token_url (its scheme and port)" and
/// exited 5. An empty token is none: the refusal is the credentials' (exit 4).
#[test]
fn an_oauth_error_beside_an_empty_access_token_is_a_refusal() {
    const GO: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 126\r\n\r\n{\"access_token\":\"\",\"token_type\":\"\",\"expires_in\":0,\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}";
    let line = token_answered(GO, 4);
    assert_contains(
        &line,
        &[
            "refused",
            "invalid_client",
            "check client_id and client_secret",
        ],
    );
    assert!(!line.contains("no OAuth answer"), "{line}");
    const AT_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 126\r\n\r\n{\"access_token\":\"\",\"token_type\":\"\",\"expires_in\":0,\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}";
    let line = token_answered(AT_400, 4);
    assert_contains(&line, &["refused", "invalid_client"]);
    assert!(!line.contains("no OAuth answer"), "{line}");
}

/// A token endpoint that grants a token with a 401 or 403 (a flow begun from such a response, as
/// oxide-auth's keep the status they begin from): the run said "refused: HTTP 401: …; check
/// client_id and client_secret", of credentials just granted a token (exit 4), where a 400 or 404
/// with it says the token came with an error's status. It says so of a 401 and a 403 too.
#[test]
fn a_token_granted_with_a_401_or_403_names_the_status_not_the_credentials() {
    const AT_401: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 82\r\n\r\n{\"access_token\":\"MFAgqtGdSiJPcOoklgUMWA==\",\"token_type\":\"bearer\",\"expires_in\":599}";
    const AT_403: &[u8] = b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 82\r\n\r\n{\"access_token\":\"MFAgqtGdSiJPcOoklgUMWA==\",\"token_type\":\"bearer\",\"expires_in\":599}";
    for (raw, status) in [(AT_401, "401"), (AT_403, "403")] {
        let line = token_answered(raw, 5);
        let sent = format!("the token endpoint granted a token but sent it with HTTP {status}");
        assert_contains(&line, &[&sent]);
        assert!(
            !line.contains("client_secret") && !line.contains("MFAgqtGd"),
            "{line}"
        );
    }
}

/// oxide-auth's token flows (0.6.1, its `ClientCredentialsFlow` with oxide-auth-rouille 0.2 on
/// rouille 3.6) never set the status of a token they grant: it keeps the one of the response they
/// begin from, and the crate's examples begin from `Response::empty_404()`. The token came as a
/// `404` and the run said "check token_url, or account_name and region when token_url is not set
/// (they form it)" of the token endpoint that had just granted it: it says the token came with an
/// error's status, the server's fault, and shows no part of the token.
#[test]
fn oxide_auths_token_sent_with_its_templates_404_names_the_status_not_token_url() {
    const OXIDE: &[u8] = b"HTTP/1.1 404 Not Found\r\nServer: tiny-http (Rust)\r\nDate: Mon, 07 Dec 2026 14:38:42 GMT\r\nContent-Type: application/json\r\nContent-Length: 114\r\n\r\n{\"access_token\":\"MFAgqtGdSiJPcOoklgUMWA==\",\"token_type\":\"bearer\",\"expires_in\":599,\"scope\":\"express-accounts:read\"}";
    let line = token_answered(OXIDE, 5);
    assert_contains(
        &line,
        &[
            "HTTP 404",
            "the token endpoint granted a token but sent it with HTTP 404",
            "have whoever runs it answer 200",
            "oxide-auth",
        ],
    );
    assert!(!line.contains("check token_url"), "{line}");
    assert!(
        !line.contains("MFAgqtGd") && !line.contains("UMWA=="),
        "{line}"
    );
    // Begun from rouille's `Response::empty_400()`, the example's answer to a failed flow.
    const FROM_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nServer: tiny-http (Rust)\r\nContent-Type: application/json\r\nContent-Length: 114\r\n\r\n{\"access_token\":\"MFAgqtGdSiJPcOoklgUMWA==\",\"token_type\":\"bearer\",\"expires_in\":599,\"scope\":\"express-accounts:read\"}";
    let line = token_answered(FROM_400, 5);
    assert_contains(&line, &["sent it with HTTP 400"]);
    assert!(!line.contains("check token_url"), "{line}");
}

/// A token endpoint built as a REST framework's resource answers the token request as a
/// create: `201 Created` (@feathersjs/koa 5.0.50's `create`, NestJS's `@Post()` without
/// `@HttpCode(200)`). The run said "HTTP 201: {…}; only HTTP 200 carries an answer; check
/// token_url", of the token_url that had just granted a token. It says the token came with a
/// 201, the server's fault, and what makes those frameworks answer 200.
#[test]
fn a_token_granted_with_a_201_names_the_status_not_token_url() {
    const FEATHERS: &[u8] = b"HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 116\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n{\"access_token\":\"tok-dd8dpefn93mpdk5j8exfq\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"express-accounts:read\"}";
    let line = token_answered(FEATHERS, 5);
    assert_contains(
        &line,
        &[
            "HTTP 201",
            "the token endpoint granted a token but sent it with HTTP 201",
            "have whoever runs it answer 200",
            "@HttpCode(200)",
        ],
    );
    assert!(!line.contains("check token_url"), "{line}");
    assert!(!line.contains("dd8dpefn"), "{line}");
}

/// oxide-auth's resource guard (0.6.1, its `ResourceFlow`, on rouille 3.6 and tiny_http 0.12)
/// refuses a token granted without the scope it guards with a `401`, not RFC 6750's 403, no body
/// (or oxide-auth-rouille's example page) and says why in its challenge alone: `WWW-Authenticate:
/// Bearer error="insufficient_scope" scope="express-accounts:read"` (its token endpoint grants an
/// OAuth client its own scope, whatever was asked). The run said "check the client id and secret",
/// or of the page that a web filter may be refusing, of credentials the token endpoint had just
/// taken: it says the token lacks the scope, and a scope this tool never asks for names base_url.
#[test]
fn oxide_auths_401_for_insufficient_scope_names_the_scope() {
    let head = "HTTP/1.1 401 Unauthorized\r\nServer: tiny-http (Rust)\r\nDate: Mon, 07 Dec 2026 14:29:51 GMT\r\n";
    let challenge = |scope: &str| {
        format!("WWW-Authenticate: Bearer error=\"insufficient_scope\" scope=\"{scope}\"\r\n")
    };
    let page = "<html>\nThis page should be accessed via an oauth token from the client in the example. Click\n<a href=\"http://localhost:8020/authorize?response_type=code&client_id=LocalClient\">\nhere</a> to begin the authorization process.\n</html>\n";
    let bare = format!(
        "{head}Content-Type: text/plain; charset=utf-8\r\n{}Content-Length: 0\r\n\r\n",
        challenge("express-accounts:read")
    );
    let html = format!(
        "{head}Content-Type: text/html; charset=utf8\r\n{}Content-Length: {}\r\n\r\n{page}",
        challenge("express-accounts:read"),
        page.len()
    );
    for raw in [bare, html] {
        let line = every_page_refused(raw.into_bytes().leak());
        assert_contains(
            &line,
            &[
                "HTTP 401",
                "insufficient_scope",
                "the OAuth client needs the express-accounts:read scope",
            ],
        );
        assert!(!line.contains("client id and secret"), "{line}");
        assert!(!line.contains("web filter"), "{line}");
    }
    let admin = format!(
        "{head}Content-Type: text/plain; charset=utf-8\r\n{}Content-Length: 0\r\n\r\n",
        challenge("admin")
    );
    let line = every_page_refused(admin.into_bytes().leak());
    assert_contains(
        &line,
        &[
            "insufficient_scope",
            "asks for the scope admin, where this tool asks for express-accounts:read alone",
            "check base_url",
        ],
    );
    assert!(!line.contains("client id and secret"), "{line}");
}

/// A 403 with two `WWW-Authenticate` fields, Basic's first and then Bearer's `insufficient_scope`
/// for a scope this tool never asks for: only the first field was read, and the run said "the
/// OAuth client needs the express-accounts:read scope, …", not what the challenge asks for. Every
/// field is read, as one list (RFC 9110 §5.3).
#[test]
fn an_insufficient_scope_challenge_in_a_second_field_is_read() {
    const TWO: &[u8] = b"HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Basic realm=\"api\"\r\nWWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"admin\"\r\nContent-Length: 0\r\n\r\n";
    let line = every_page_refused(TWO);
    assert_contains(
        &line,
        &[
            "insufficient_scope",
            "asks for the scope admin",
            "check base_url",
        ],
    );
}

/// A 403 whose challenge says `insufficient_scope` for a token the token endpoint granted with
/// `express-accounts:read` (the fake's answer names it): the run said "the token endpoint granted
/// the token without the express-accounts:read scope", which its answer denies, and dropped SPEC
/// §5's reseller clause; a list naming another scope besides it said of it "which this tool does
/// not ask for". It says what the server asks for and what this tool asks, and no grant it did
/// not see.
#[test]
fn an_insufficient_scope_403_claims_no_grant_without_the_scope() {
    let refusal = |challenge: &str| {
        let raw = format!(
            "HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: {challenge}\r\nContent-Length: 0\r\n\r\n"
        );
        every_page_refused(raw.into_bytes().leak())
    };
    for challenge in [
        r#"Bearer error="insufficient_scope""#,
        r#"Basic realm="api", Bearer error="insufficient_scope", scope="express-accounts:read""#,
    ] {
        let line = refusal(challenge);
        assert_contains(
            &line,
            &[
                "HTTP 403",
                "insufficient_scope",
                "the OAuth client needs the express-accounts:read scope",
                "resellers must be entitled",
            ],
        );
        assert!(!line.contains("granted the token without"), "{line}");
    }
    let line = refusal(
        r#"Bearer error="insufficient_scope", scope="express-accounts:read express-accounts:admin""#,
    );
    assert_contains(
        &line,
        &[
            "asks for the scope express-accounts:read express-accounts:admin, where this tool asks for express-accounts:read alone",
            "check base_url",
        ],
    );
    assert!(!line.contains("granted the token without"), "{line}");
    assert!(!line.contains("which this tool does not ask for"), "{line}");
}

/// mod_auth_openidc (2.4.12, Apache 2.4.71, `AuthType oauth20`) in front of the API refuses a token
/// it cannot validate (not signed with its key, expired, or `{"active":false}` from its
/// introspection endpoint, or that endpoint down) with Apache's own 401 page and says why in its
/// challenge alone: `error_description="JWT token could not be validated"` (or "Reference token
/// could not be introspected"). The run quoted the page, "Either you supplied the wrong credentials
/// (e.g., bad password), or your browser doesn't underst…", of a request that carried no password:
/// the challenge's words are shown in place of the server's stock page.
#[test]
fn mod_auth_openidcs_401_page_shows_its_challenge_not_apaches_words() {
    let page = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n<p>This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required.</p>\n</body></html>\n";
    for why in [
        "JWT token could not be validated",
        "Reference token could not be introspected",
    ] {
        let raw = format!(
            "HTTP/1.1 401 Unauthorized\r\nDate: Mon, 07 Dec 2026 12:01:21 GMT\r\nServer: Apache/2.4.71 (Debian) OpenSSL/3.0.19 mod_qos/11.63\r\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"{why}\"\r\nContent-Length: {}\r\nConnection: close\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n{page}",
            page.len()
        );
        let line = every_page_refused(raw.into_bytes().leak());
        assert_contains(&line, &[&format!("HTTP 401: {why};")]);
        assert!(!line.contains("bad password"), "{line}");
    }
}

/// Kong's oauth2 plugin in front of the API refuses a token it did not issue (one of another token
/// endpoint, region or tenant) with `{"error":"invalid_token","error_description":"The access token
/// is invalid or has expired"}`: a token that may be of the wrong issuer, not one the API's clock
/// saw expire. It was told the API's clock runs ahead of the token endpoint's; it keeps the
/// credentials' hint. So does Authlib's resource server (1.9) for a token it does not know, in RFC
/// 6750 §3.1's words: "The access token provided is expired, revoked, malformed, or invalid for other
/// reasons."
#[test]
fn a_token_said_invalid_or_has_expired_keeps_the_credentials_hint() {
    for body in [
        r#"{"error_description":"The access token is invalid or has expired","error":"invalid_token"}"#,
        r#"{"message":"token is invalid or is expired"}"#,
        r#"{"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed, or invalid for other reasons."}"#,
    ] {
        let line = every_page_refused_401("", body);
        assert_contains(&line, &["HTTP 401", "check the client id and secret"]);
        assert!(!line.contains("clock"), "{line}");
    }
}

/// The same with the clocks the other way: a token just granted, refused as not valid yet (its `iat`
/// or `nbf` after the API's clock: node jsonwebtoken's `jwt not active`, PyJWT's `The token is not
/// yet valid (iat)`), said "check the client id and secret", of credentials just taken.
#[test]
fn a_token_just_granted_refused_as_not_yet_valid_names_the_clocks() {
    for body in [
        r#"{"code":"1002","message":"Unauthorized","description":"jwt not active"}"#,
        r#"{"detail":"The token is not yet valid (iat)"}"#,
    ] {
        let line = every_page_refused_401("", body);
        assert_contains(
            &line,
            &[
                "HTTP 401",
                "the token endpoint had just granted",
                "clock runs behind",
            ],
        );
        assert!(!line.contains("check the client id and secret"), "{line}");
    }
}

/// A server at base_url that asks for HTTP Basic (webfs 1.21 `-b user:pass` serving a saved page;
/// nginx's `auth_basic` in front of a mock) answers every page `401` with `WWW-Authenticate: Basic
/// realm="webfs"`: a user name and password this tool never sends there, whatever the token. It
/// said "HTTP 401: Authentication required; check the client id and secret", of credentials the
/// token endpoint had just taken (twice: the token is renewed once on a 401).
#[test]
fn a_401_asking_for_basic_at_base_url_names_the_password_it_wants() {
    const WEBFS: &[u8] = b"HTTP/1.1 401 Authentication required\r\nServer: webfs/1.21\r\nConnection: close\r\nAccept-Ranges: bytes\r\nContent-Type: text/plain\r\nContent-Length: 24\r\nWWW-Authenticate: Basic realm=\"webfs\"\r\nDate: Sun, 06 Dec 2026 12:35:44 GMT\r\n\r\nAuthentication required\n";
    let line = every_page_refused(WEBFS);
    assert_contains(
        &line,
        &[
            "HTTP 401: Authentication required; its WWW-Authenticate asks for HTTP Basic",
            "a user name and password",
            "check base_url; otherwise check the client id and secret",
        ],
    );
    // The same 401 without the challenge says nothing of HTTP Basic.
    const PLAIN: &[u8] = b"HTTP/1.1 401 Authentication required\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\nAuthentication required\n";
    let line = every_page_refused(PLAIN);
    assert_contains(
        &line,
        &["HTTP 401: Authentication required; check the client id and secret"],
    );
    assert!(!line.contains("Basic"), "{line}");
}

/// libsoup 3.2's `SoupAuthDomainDigest` guarding a SoupServer's paths answers `401` with no body and
/// `WWW-Authenticate: Digest realm=…, nonce=…, qop="auth", algorithm=MD5`: a password this tool
/// sends nowhere. At base_url it said "HTTP 401 Unauthorized; check the client id and secret", of
/// credentials the token endpoint had just taken; at token_url "refused: … check client_id and
/// client_secret", which no credentials answer. Both now name the Digest password it asks for.
#[test]
fn a_401_asking_for_digest_names_the_password_it_wants() {
    const SOUP: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nDate: Tue, 08 Dec 2026 01:10:46 GMT\r\nWWW-Authenticate: Digest realm=\"Soup Digest\", nonce=\"7493678081796692246\", qop=\"auth\", algorithm=MD5\r\nContent-Length: 0\r\n\r\n";
    let line = every_page_refused(SOUP);
    assert_contains(
        &line,
        &[
            "HTTP 401 Unauthorized; its WWW-Authenticate asks for HTTP Digest",
            "a user name and password",
            "check base_url; otherwise check the client id and secret",
        ],
    );
    let line = token_answered(SOUP, 4);
    assert_contains(
        &line,
        &[
            "refused: HTTP 401 Unauthorized; its WWW-Authenticate asks for HTTP Digest",
            "check token_url",
        ],
    );
    assert!(!line.contains("check client_id"), "{line}");
}

/// A token endpoint that answers a refusal with an HTML page (Werkzeug's `abort(401)`, a web
/// application firewall's page in front of it) was said to be "an HTML page, not the API's: …
/// (… a firewall such as mod_security or mod_evasive before the API)", of the token request,
/// which never reached the API. It names the token endpoint.
#[test]
fn an_html_refusal_of_the_token_request_names_the_token_endpoint() {
    let page = "<!doctype html>\n<html lang=en>\n<title>401 Unauthorized</title>\n<h1>Unauthorized</h1>\n<p>The server could not verify that you are authorized to access the URL requested.</p>\n";
    let fault = FaultKind::StatusWithBody(401, page.to_string());
    let fake = fake_with_faults(simple_accounts(3), vec![(RequestMatch::Token, fault)]);
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--no-cache"]);
    let line = fails_with(&run(cmd), 4);
    assert_contains(
        &line,
        &["token request", "HTTP 401", "not the token endpoint's"],
    );
    assert!(!line.contains("API"), "{line}");
}

/// nginx's `auth_basic` answers with its own HTML page, `401 Authorization Required`, and the
/// same `WWW-Authenticate: Basic` challenge: the line blamed "an HTML page, not the API's" on a
/// web filter or firewall, not the password the challenge asks for.
#[test]
fn a_401_page_of_html_asking_for_basic_names_the_password_it_wants() {
    const NGINX: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: 179\r\nConnection: close\r\nWWW-Authenticate: Basic realm=\"mock\"\r\n\r\n<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
    let line = every_page_refused(NGINX);
    assert_contains(
        &line,
        &[
            "HTTP 401: 401 Authorization Required; its WWW-Authenticate asks for HTTP Basic",
            "check base_url; otherwise check the client id and secret",
        ],
    );
    assert!(!line.contains("an HTML page"), "{line}");
}

/// pen 0.34 (round-robin) in front of two servers, one slower than `--timeout` on a page and the
/// other down (pen closes each connection it cannot pass on): the page's tries timed out, then
/// were closed at once. The error told the last try alone, "… connection error: Peer
/// disconnected (after 3 retries); the server closed the connection without answering, though it
/// answered earlier in this run: … drops this request …", with no word of the tries that timed
/// out, which a longer `--timeout` may get through. It now says how many of the tries before
/// timed out, and to raise --timeout if the server is that slow.
#[test]
fn tries_that_timed_out_before_a_last_one_closed_are_told() {
    let line = timed_out_twice_then_dropped(FaultKind::Stall, "3");
    assert_contains(
        &line,
        &[
            "page=2",
            "Peer disconnected",
            "(after 3 retries)",
            "2 of the 3 tries before it timed out after 1 s",
            "raise --timeout",
        ],
    );
}

/// The same with a body that stopped on the tries before (`StallBody`): the error said "; 2 of the
/// tries before it the HTTP 200 answer's body stopped after 10 of 1000 bytes: timed out after 1 s:
/// raise --timeout …", the whole message of the first put after "before it", which reads as no
/// sentence. It now says of them what timed out: "the 2 tries before it timed out after 1 s".
#[test]
fn tries_whose_body_timed_out_before_a_last_one_closed_are_told_in_a_sentence() {
    let line = timed_out_twice_then_dropped(FaultKind::StallBody, "2");
    assert_contains(
        &line,
        &[
            "page=2",
            "Peer disconnected",
            "(after 2 retries)",
            "; the 2 tries before it timed out after 1 s: raise --timeout",
        ],
    );
    assert!(!line.contains("before it the HTTP"), "{line}");
}

/// The error line of a walk whose page 2 met `stall` on two tries (with `--timeout 1`), then was
/// dropped unanswered on every try after, with `retries` retries.
fn timed_out_twice_then_dropped(stall: FaultKind, retries: &str) -> String {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        page_cap: 2,
        faults: Faults {
            script: vec![
                (RequestMatch::Page(2), stall.clone()),
                (RequestMatch::Page(2), stall),
            ],
            always: vec![(RequestMatch::Page(2), FaultKind::Drop)],
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let mut cmd = Sandbox::new().tool(&fake);
    let flags = ["--concurrency", "1", "--timeout", "1", "--max-retries"];
    cmd.arg("list").args(flags).arg(retries);
    fails_with(&run(cmd), 5)
}

/// express-oauth2-jwt-bearer 1.x (Auth0's, with the JSON error handler its README shows) refuses a
/// token the API's clock finds expired with `{"error":"invalid_token","message":"\"exp\" claim
/// timestamp check failed"}` (jose's words), and one not valid yet with `"nbf" claim timestamp check
/// failed`: both said "check the client id and secret", of a token just granted. They name the
/// clocks, as `jwt expired` and `jwt not active` do.
#[test]
fn joses_claim_timestamp_check_failed_names_the_clocks() {
    for (body, clock) in [
        (
            r#"{"error":"invalid_token","message":"\"exp\" claim timestamp check failed"}"#,
            "clock runs ahead",
        ),
        (
            r#"{"error":"invalid_token","message":"\"nbf\" claim timestamp check failed"}"#,
            "clock runs behind",
        ),
    ] {
        let line = every_page_refused_401("", body);
        assert_contains(
            &line,
            &[
                "HTTP 401",
                "claim timestamp check failed",
                "the token endpoint had just granted",
                clock,
            ],
        );
        assert!(!line.contains("check the client id and secret"), "{line}");
    }
}

/// FastAPI's `HTTPBearer` with PyJWT, as its docs raise a refusal (`HTTPException(401,
/// detail=str(e), headers={"WWW-Authenticate": "Bearer"})`), challenges with no `error` and says
/// what was wrong in the body: `{"detail":"Signature has expired"}`, `The token is not yet valid
/// (iat)`, `Audience doesn't match`. It was told "no token reached the server", of a token the
/// server had decoded; the expired and not yet valid ones name the clocks, the others keep the
/// credentials' hint.
#[test]
fn a_bare_bearer_challenge_whose_body_names_the_tokens_fault_is_no_missing_token() {
    let fastapi = |detail: &str| {
        every_page_refused_401(
            "www-authenticate: Bearer\r\n",
            &format!(r#"{{"detail":"{detail}"}}"#),
        )
    };
    let line = fastapi("Signature has expired");
    assert_contains(
        &line,
        &["HTTP 401: Signature has expired", "clock runs ahead"],
    );
    assert!(!line.contains("no token reached"), "{line}");
    let line = fastapi("The token is not yet valid (iat)");
    assert_contains(&line, &["not yet valid (iat)", "clock runs behind"]);
    assert!(!line.contains("no token reached"), "{line}");
    for detail in [
        "Audience doesn't match",
        "Invalid issuer",
        "Signature verification failed",
    ] {
        let line = fastapi(detail);
        assert_contains(&line, &[detail, "check the client id and secret"]);
        assert!(!line.contains("no token reached"), "{line}");
    }
}

/// express-oauth2-jwt-bearer 1.x under express's own error handler (none of the app's) answers a
/// refused token with express's HTML page of the error's stack and the library's challenge
/// (`WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="'exp' claim
/// timestamp check failed"`). The page was blamed on "something in front of it (a web filter …, or
/// a firewall …)"; a page with a Bearer challenge that says what was wrong is the API's refusal,
/// and an expired token names the clocks.
#[test]
fn an_html_refusal_with_a_bearer_challenge_saying_why_is_the_apis() {
    let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>UnauthorizedError: &quot;exp&quot; claim timestamp check failed<br> &nbsp; &nbsp;at /app/node_modules/express-oauth2-jwt-bearer/dist/index.js:593:19</pre>\n</body>\n</html>\n";
    let raw = format!(
        "HTTP/1.1 401 Unauthorized\r\nX-Powered-By: Express\r\nWWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", error_description=\"'exp' claim timestamp check failed\"\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let line = every_page_refused(raw.into_bytes().leak());
    assert_contains(
        &line,
        &[
            "HTTP 401",
            "the token endpoint had just granted",
            "clock runs ahead",
        ],
    );
    assert!(!line.contains("firewall"), "{line}");
}

/// hono 4.13's `timeout()` middleware answers a page slower than its limit with a `504
/// Gateway Timeout` (nginx's at its `proxy_read_timeout` likewise), on every try: the run ended
/// "HTTP 504 after 1 retry: Gateway Timeout; the API or a gateway before it is failing; try
/// again later or raise --max-retries", where a smaller page may come in time. A page of one
/// account has none smaller.
#[test]
fn a_gateway_timeout_on_every_try_of_a_page_names_a_smaller_per_page() {
    let raw: &'static [u8] = b"HTTP/1.1 504 Gateway Timeout\r\ncontent-type: text/plain;charset=UTF-8\r\nDate: Mon, 07 Dec 2026 07:13:07 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\nf\r\nGateway Timeout\r\n0\r\n\r\n";
    let line = every_page_answered(raw, "50");
    assert_contains(
        &line,
        &[
            "HTTP 504",
            "gave up waiting",
            "a smaller --per-page may answer in time",
        ],
    );
    let line = every_page_answered(raw, "1");
    assert_contains(&line, &["HTTP 504", "gave up waiting"]);
    assert!(!line.contains("--per-page"), "{line}");
}

/// http-proxy-middleware (3.0, on express; 2.x and webpack-dev-server's proxy alike) answers
/// with its default error handler `504` "Error occurred while trying to proxy: HOST/PATH" for an
/// API it cannot reach: a refused or reset connection and an unknown host, not only its
/// `proxyTimeout`. With the API behind it stopped, the run said "a gateway before the API gave
/// up waiting for its answer …: if the API takes that long for a page, a smaller --per-page may
/// answer in time", of a refusal that no page size gets past. It names the proxy and what to
/// check behind it.
#[test]
fn http_proxy_middlewares_504_for_an_api_it_cannot_reach_names_what_to_check() {
    let raw: &'static [u8] = b"HTTP/1.1 504 Gateway Timeout\r\nX-Powered-By: Express\r\nDate: Mon, 07 Dec 2026 14:32:27 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n59\r\nError occurred while trying to proxy: 127.0.0.1:19230/express/accounts?page=1&per_page=50\r\n0\r\n\r\n";
    let line = every_page_answered(raw, "50");
    assert_contains(
        &line,
        &[
            "HTTP 504",
            "Error occurred while trying to proxy: 127.0.0.1:19230/express/accounts",
            "http-proxy-middleware before the API got no answer from it",
            "a refused or reset connection, an unknown host and a timeout",
            "check that the API behind it is up and the proxy's target is right",
            "a smaller --per-page may answer in time",
        ],
    );
    assert!(!line.contains("gave up waiting"), "{line}");
}

/// The error of `list --per-page PER_PAGE --max-retries 1` where every page is answered `raw`.
fn every_page_answered(raw: &'static [u8], per_page: &str) -> String {
    let fake = fake_with_faults(
        simple_accounts(3),
        vec![(RequestMatch::AnyPage, FaultKind::RawResponse(raw))],
    );
    let mut cmd = Sandbox::new().tool(&fake);
    cmd.args(["list", "--per-page", per_page, "--max-retries", "1"]);
    fails_with(&run(cmd), 5)
}

/// daphne 4.2 (Django Channels' ASGI server) answers a page its application has not answered
/// within `--http-timeout` with its own `503` page "Application failed to respond within time
/// limit.", on every try: the run ended "the API or a gateway before it is failing; try again
/// later or raise --max-retries", where more tries meet the same limit and a smaller page may
/// come within it, as with a gateway's `504` above.
#[test]
fn daphnes_503_for_an_application_past_its_time_limit_names_a_smaller_per_page() {
    let raw: &'static [u8] = b"HTTP/1.1 503 Service Unavailable\r\nServer: daphne\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 468\r\n\r\n <html> <head> <title>503 Service Unavailable</title> <style>  body { font-family: sans-serif; margin: 0; padding: 0; }  h1 { padding: 0.6em 0 0.2em 20px; color: #896868; margin: 0; }  p { padding: 0 0 0.3em 20px; margin: 0; }  footer { padding: 1em 0 0.3em 20px; color: #999; font-size: 80%; font-style: italic; } </style> </head> <body> <h1>503 Service Unavailable</h1> <p>Application failed to respond within time limit.</p> <footer>Daphne</footer> </body> </html> ";
    let line = every_page_answered(raw, "50");
    assert_contains(
        &line,
        &[
            "HTTP 503",
            "Application failed to respond within time limit.",
            "gave up waiting",
            "a smaller --per-page may answer in time",
        ],
    );
    assert!(!line.contains("is failing"), "{line}");
}

/// fasthttp (1.31) with no `ReadTimeout`, its default, reads the TLS hello sent to its plain-HTTP
/// port as the start of a request line and waits, unanswering, for the line's end: a token_url
/// of `https://` there "timed out after 30 s connecting (after 4 retries); check your network, or
/// raise --timeout / --max-retries" after 2 min 40 s, where the connection opened at once and no
/// time is enough. It names the TLS handshake, and the URL's scheme and port to check.
#[test]
fn a_tls_handshake_a_plain_http_server_leaves_unanswered_names_the_scheme() {
    let (line, _) = hello_left_unanswered();
    assert_contains(
        &line,
        &[
            "timed out after 1 s in the TLS handshake",
            "check the URL's scheme and port",
        ],
    );
    // No time is enough: no advice to raise it.
    assert!(!line.contains("raise --timeout"), "{line}");
}

/// The one-line error (exit 5) of `list --timeout 1 --max-retries 0` against `https://` URLs at
/// a port where every connection is taken and held, its TLS hello never answered, and the
/// token URL.
fn hello_left_unanswered() -> (String, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // Every connection taken and held, its hello never answered.
    std::thread::spawn(move || listener.incoming().flatten().collect::<Vec<_>>());
    let token_url = format!("https://127.0.0.1:{port}/oauth/token");
    let mut cmd = Sandbox::new().bare();
    cmd.env("TALKDESK_BASE_URL", format!("https://127.0.0.1:{port}"))
        .env("TALKDESK_TOKEN_URL", &token_url)
        .env("TALKDESK_CLIENT_ID", "id")
        .env("TALKDESK_CLIENT_SECRET", "secret")
        .args(["list", "--timeout", "1", "--max-retries", "0"]);
    (fails_with(&run(cmd), 5), token_url)
}

/// The same, the whole line: what timed out, and why a plain-HTTP server on that port leaves a
/// hello so, with the URL's scheme and port to check (`PLAIN_THERE`).
#[test]
fn a_tls_hello_left_unanswered_says_a_plain_http_server_there_does_so() {
    let (line, token_url) = hello_left_unanswered();
    assert_eq!(
        line,
        format!(
            "error: POST {token_url}: timed out after 1 s in the TLS handshake: the connection opened, and its hello was never answered; a plain-HTTP server on that port does so, reading the handshake as the start of a request (fasthttp without a ReadTimeout), as do a server too busy to answer and a firewall that takes every connection: check the URL's scheme and port; else check your network, or try again later"
        )
    );
}

/// chi's `Throttle` middleware (5.0) refuses a request over its limit on requests in flight with
/// `429` "Server capacity exceeded." (no `Retry-After` unless told), and fasthttp (1.31) a
/// connection over its `MaxConnsPerIP` with `429` "The number of connections from your ip
/// exceeds MaxConnsPerIP", written as the connection opens: the run ended "the API or a gateway
/// before it is rate limiting; try again later or raise --max-retries", where a later run meets
/// the same limit and fewer pages at once get through, as for Traefik's `inFlightReq`.
#[test]
fn chis_throttle_and_fasthttps_max_conns_per_ip_429_say_to_lower_concurrency() {
    const CHI: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: Mon, 07 Dec 2026 09:11:56 GMT\r\nContent-Length: 26\r\nConnection: close\r\n\r\nServer capacity exceeded.\n";
    const FASTHTTP: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nServer: fasthttp\r\nDate: Mon, 07 Dec 2026 09:12:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 60\r\n\r\nThe number of connections from your ip exceeds MaxConnsPerIP";
    for (raw, says) in [
        (CHI, "Server capacity exceeded."),
        (FASTHTTP, "exceeds MaxConnsPerIP"),
    ] {
        let line = every_page_answered(raw, "50");
        assert_contains(&line, &["HTTP 429", says, "lower --concurrency"]);
        assert!(!line.contains("is rate limiting"), "{line}");
    }
}

/// echo 4.2's `Timeout` middleware (Go 1.19's `http.TimeoutHandler` with no message of its own)
/// answers a page its handler has not answered within the limit with a `503` and Go's default
/// page, on every try: the run ended "HTTP 503 after 1 retry: Timeout; the API or a gateway
/// before it is failing; try again later or raise --max-retries", where more tries meet the same
/// limit and a smaller page may come within it, as with daphne's `503` above.
#[test]
fn gos_timeout_handlers_503_names_a_smaller_per_page() {
    let raw: &'static [u8] = b"HTTP/1.1 503 Service Unavailable\r\nDate: Mon, 07 Dec 2026 09:11:48 GMT\r\nContent-Length: 77\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>";
    let line = every_page_answered(raw, "50");
    assert_contains(
        &line,
        &[
            "HTTP 503",
            "gave up waiting",
            "http.TimeoutHandler",
            "a smaller --per-page may answer in time",
        ],
    );
    assert!(!line.contains("is failing"), "{line}");
}

/// oauth2orize (1.12, its `server.token()` and `errorHandler()`) whose server offers no
/// client_credentials exchange answers the token request with `501` (its `TokenError` status for
/// `unsupported_grant_type`) and `{"error":"unsupported_grant_type","error_description":
/// "Unsupported grant type: client_credentials"}`: the run said "the URL takes no POST, so it is
/// no token endpoint; check token_url" (exit 5), of a token endpoint that took the POST and
/// said what it refused. An OAuth error there is the endpoint's refusal (exit 4), with the
/// grant's hint; a 501 with no OAuth error keeps the hint of a server that takes no POST.
#[test]
fn oauth2orizes_501_unsupported_grant_type_is_a_refusal_of_the_grant() {
    const ORIZE: &[u8] = b"HTTP/1.1 501 Not Implemented\r\nX-Powered-By: Express\r\nContent-Type: application/json\r\nDate: Mon, 07 Dec 2026 12:31:42 GMT\r\nConnection: close\r\nContent-Length: 99\r\n\r\n{\"error\":\"unsupported_grant_type\",\"error_description\":\"Unsupported grant type: client_credentials\"}";
    const PLAIN: &[u8] = b"HTTP/1.0 501 Unsupported method ('POST')\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: 26\r\n\r\n<p>Unsupported method</p>\n";
    let line = token_answered(ORIZE, 4);
    assert_contains(
        &line,
        &[
            "refused: HTTP 501: unsupported_grant_type: Unsupported grant type: client_credentials",
            "the client_credentials grant must be enabled for the OAuth client, at a token_url that offers it",
        ],
    );
    assert!(!line.contains("takes no POST"), "{line}");
    let line = token_request_answered(FaultKind::RawResponse(PLAIN));
    assert_contains(
        &line,
        &[
            "HTTP 501",
            "the URL takes no POST, so it is no token endpoint; check token_url",
        ],
    );
}

/// passport-http-bearer (1.0, under express 4 with passport 0.7) refuses a token with `401`, its
/// words only in the challenge, `WWW-Authenticate: Bearer realm="Users", error="invalid_token",
/// error_description="The access token expired"`, and passport's body, the bare reason phrase
/// "Unauthorized": a token endpoint (oauth2orize) whose tokens the API holds for less than the
/// `expires_in` it sends saw each new token refused so, and the run said "HTTP 401: Unauthorized;
/// check the client id and secret", of credentials just taken. A body that says only its status's
/// reason says nothing: the challenge's words are shown and read, as for a body of none.
#[test]
fn passports_bare_unauthorized_401_shows_its_challenges_words() {
    const PASSPORT: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nX-Powered-By: Express\r\nWWW-Authenticate: Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"The access token expired\"\r\nDate: Mon, 07 Dec 2026 12:31:44 GMT\r\nConnection: close\r\nContent-Length: 12\r\n\r\nUnauthorized";
    let line = every_page_refused(PASSPORT);
    assert_contains(
        &line,
        &[
            "HTTP 401: The access token expired;",
            "the token endpoint had just granted that token, so the credentials work",
        ],
    );
    assert!(!line.contains("check the client id and secret"), "{line}");
}

/// A 401 whose body says what was wrong (`{"message": …}`) is read by its body: the words of its
/// Bearer challenge are shown and read only when the body says nothing of its own (none, a web
/// server's page, its status's bare reason).
#[test]
fn a_401_whose_body_says_something_is_read_by_its_body_not_its_challenge() {
    let challenge = "WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"\r\n";
    let line = every_page_refused_401(challenge, r#"{"message":"Invalid signature"}"#);
    assert_contains(&line, &["HTTP 401: Invalid signature"]);
    assert!(!line.contains("The access token expired"), "{line}");
    assert!(!line.contains("clock"), "{line}");
}

/// Mojolicious::Plugin::OAuth2::Server (0.52, on Net::OAuth2::AuthorizationServer 0.28 and
/// Mojolicious 9.31) answers a client_id it does not know (a typo) with `400` and
/// `{"error":"unauthorized_client"}`, nothing more: the run said only "the client_credentials
/// grant must be enabled for the OAuth client, at a token_url that offers it", of a client the
/// server has none of. With no description, the unknown client_id is named too; Authlib's
/// `unauthorized_client` with its description (a client it knows, without the grant) is not.
#[test]
fn a_bare_unauthorized_client_names_an_unknown_client_id_too() {
    const MOJO: &[u8] = b"HTTP/1.1 400 Bad Request\r\nCache-Control: no-store\r\nContent-Length: 31\r\nContent-Type: application/json;charset=UTF-8\r\nDate: Mon, 07 Dec 2026 12:40:14 GMT\r\nPragma: no-cache\r\nServer: Mojolicious (Perl)\r\nConnection: close\r\n\r\n{\"error\":\"unauthorized_client\"}";
    let body = r#"{"error": "unauthorized_client", "error_description": "The client is not authorized to use \"grant_type=client_credentials\""}"#;
    let authlib = format!(
        "HTTP/1.1 400 BAD REQUEST\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let authlib: &'static [u8] = authlib.into_bytes().leak();
    let grant = "the client_credentials grant must be enabled for the OAuth client, at a token_url that offers it";
    let unknown = "or the server knows no such client_id (Net::OAuth2::AuthorizationServer, under Mojolicious' OAuth2 server, says so of one): check client_id";
    for (raw, named) in [(MOJO, true), (authlib, false)] {
        let line = token_answered(raw, 4);
        assert_contains(&line, &["refused: HTTP 400: unauthorized_client", grant]);
        assert_eq!(line.contains(unknown), named, "{line}");
    }
}

/// WireMock 3.13's 404 for a request no stub matches is text laid out in columns: a title
/// indented by 47 spaces, rules of `=` and `-`, a table of the closest stub and the request.
/// The error showed it as written, less its line ends: "HTTP 404: Request was not matched" then
/// 48 spaces, a rule, two spaces and 119 dashes, its 200 characters spent before what did not
/// match. Each run of white space is now one space and the rules are left out, so the line goes
/// on to the table's words.
#[test]
fn a_text_body_laid_out_in_columns_is_shown_in_words() {
    const WIREMOCK: &str = concat!(
        "\n                                               Request was not matched\n",
        "                                               =======================\n\n",
        "-----------------------------------------------------------------------------------------------------------------------\n",
        "| Closest stub                                             | Request                                                  |\n",
        "-----------------------------------------------------------------------------------------------------------------------\n",
        "                                                           |\n",
        "GET                                                        | GET\n",
        "[path] /express/accounts                                   | /express/accounts?page=1&per_page=50\n",
        "                                                           |\n",
        "Query: page = 3                                            | page: 1                                             <<<<< Query does not match\n",
    );
    let headers = vec![("Content-Type", "text/plain;charset=UTF-8".to_string())];
    let line = failing_page(1, FaultKind::RefusedWith(404, headers, WIREMOCK));
    assert_contains(
        &line,
        &[
            "HTTP 404: Request was not matched | Closest stub | Request | | GET | GET [path] /express/accounts",
        ],
    );
    assert!(!line.contains("  ") && !line.contains("==="), "{line}");
    assert_contains(&line, &["check base_url"]);
}
