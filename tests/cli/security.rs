//! Security (§7, §3): the token stays with base_url's origin, plain http only to loopback,
//! secrets never printed (`-vv` included), client_secret_cmd, file permissions, and hostile
//! company names made inert for spreadsheets and terminals while json stays faithful.

use crate::support;

use serde_json::{Value, json};
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RequestMatch, base64_encode, simple_accounts,
};
use support::faulty_fake as fake_with;
use support::{Sandbox, run_tool, stderr_of, stdout_of};

const CLIENT_ID: &str = "test-client";
const SECRET: &str = "test-secret-value";

fn script(entries: Vec<(RequestMatch, FaultKind)>) -> Faults {
    Faults {
        script: entries,
        ..Faults::default()
    }
}

/// A second origin: 127.0.0.2 where the system allows it, else another port of 127.0.0.1.
fn second_origin() -> FakeApi {
    let config = FakeConfig {
        accounts: simple_accounts(10),
        ..FakeConfig::default()
    };
    FakeApi::start_on("127.0.0.2", config.clone()).unwrap_or_else(|| FakeApi::start(config))
}

/// A page 1 with two accounts whose next link is `next`.
fn page_one_linking_to(next: &str) -> Value {
    json!({
        "count": 2, "page": 1, "per_page": 2, "total": 4, "total_pages": 2,
        "_embedded": { "accounts": simple_accounts(2) },
        "_links": { "next": { "href": next } },
    })
}

/// `list -o FORMAT` against a fake whose page 1 links to `link`, which must
/// be refused before it is asked for: only page 1 was requested.
fn list_linking_to(link: &str, format: &str) -> std::process::Output {
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Page(1),
            FaultKind::Json(page_one_linking_to(link)),
        )]),
    );
    let output = run_tool(&fake, &["list", "-o", format]);
    assert_eq!(fake.page_requests(), vec![1], "{}", stderr_of(&output));
    output
}

// ---------------------------------------------------------------------------------------------
// Origin pinning
// ---------------------------------------------------------------------------------------------

#[test]
fn a_next_link_to_another_origin_is_refused_and_never_gets_the_token() {
    let other = second_origin();
    let link = format!("{}/express/accounts?page=2&per_page=2", other.base_url());
    let output = list_linking_to(&link, "json");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains(&link), "the error names the link: {stderr}");
    assert!(output.stdout.is_empty(), "no partial json array");
    assert!(
        other.requests().is_empty(),
        "the other origin got {:?}",
        other.requests()
    );
}

#[test]
fn a_next_link_to_another_port_of_the_same_host_is_another_origin() {
    let other = FakeApi::start(FakeConfig::default());
    let link = format!("{}/express/accounts?page=2&per_page=2", other.base_url());
    let output = list_linking_to(&link, "csv");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains(&link));
    assert!(other.requests().is_empty());
}

#[test]
fn an_api_redirect_to_another_origin_is_not_followed() {
    let other = second_origin();
    let target = format!("{}/express/accounts?page=1&per_page=50", other.base_url());
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Page(1),
            FaultKind::Redirect(target.clone()),
        )]),
    );
    let output = run_tool(&fake, &["list", "-o", "json"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("302") && stderr.contains(&target),
        "{stderr}"
    );
    assert!(
        other
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "the other origin saw the token"
    );
    assert!(other.requests().is_empty(), "redirects are not followed");
    assert_eq!(fake.page_requests(), vec![1]);
}

/// An API without next links behind a redirect of base_url (nginx's
/// `return 308 /v2…`): the pages after the first are asked for where the
/// redirect led, once each, and fetched ahead as without the redirect.
#[test]
fn an_endpoint_moved_without_next_links_has_its_pages_asked_for_there() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(23),
        moved: true,
        links: LinkStyle::None,
        ..FakeConfig::default()
    });
    for concurrency in ["1", "4"] {
        fake.clear_requests();
        let args = ["-v", "list", "-o", "jsonl", "--per-page", "5"];
        let output = run_tool(
            &fake,
            &[&args[..], &["--concurrency", concurrency]].concat(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        assert_eq!(stdout_of(&output).lines().count(), 23);
        let pages: Vec<_> = (fake.requests().iter())
            .filter(|r| r.method == "GET")
            .map(|r| format!("{}?page={}", r.path(), r.query_param("page").unwrap()))
            .collect();
        // One redirect, for the first page: 6 requests for 5 pages.
        assert_eq!(pages[0], "/express/accounts?page=1", "{pages:?}");
        assert_eq!(pages.len(), 6, "--concurrency {concurrency}: {pages:?}");
        let fetched_ahead = stderr_of(&output).contains("fetching pages 2-5 up to 4 at a time");
        assert_eq!(fetched_ahead, concurrency == "4", "{}", stderr_of(&output));
    }
}

/// Next links relative to the page's own query (`?page=2&per_page=2`) on
/// pages found where a redirect led are followed there, not where base_url
/// points: one redirect, for the first page, not one a page.
#[test]
fn query_relative_links_of_a_moved_endpoint_are_followed_where_it_moved() {
    let accounts = simple_accounts(6);
    let page = |n: u64| {
        let at = (n as usize - 1) * 2;
        let next = (n < 3).then(|| json!({"href": format!("?page={}&per_page=2", n + 1)}));
        json!({
            "count": 2, "page": n, "per_page": 2, "total": 6, "total_pages": 3,
            "_embedded": {"accounts": accounts[at..at + 2]},
            "_links": {"next": next},
        })
    };
    let always = (1..=3).map(|n| (RequestMatch::Page(n), FaultKind::Json(page(n))));
    let fake = FakeApi::start(FakeConfig {
        accounts: accounts.clone(),
        moved: true,
        faults: Faults {
            always: always.collect(),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let output = run_tool(&fake, &["list", "-o", "jsonl", "--per-page", "2"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 6);
    let paths: Vec<String> = (fake.requests().iter())
        .filter(|r| r.method == "GET")
        .map(|r| r.path().to_string())
        .collect();
    let old = paths.iter().filter(|p| *p == "/express/accounts").count();
    assert_eq!((old, paths.len()), (1, 4), "{paths:?}");
}

#[test]
fn an_endpoint_moved_within_the_origin_is_followed_with_the_token_and_asked_there() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(23),
        moved: true,
        ..FakeConfig::default()
    });
    let output = run_tool(&fake, &["list", "-o", "jsonl", "--per-page", "5"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 23);
    let requests = fake.requests();
    let pages: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| (r.path().to_string(), r.query_param("page").unwrap()))
        .collect();
    // One redirect, for the first page; every page once, asked where it is.
    assert_eq!(pages[0], ("/express/accounts".to_string(), "1".to_string()));
    let mut moved: Vec<&str> = pages[1..]
        .iter()
        .map(|(path, page)| {
            assert_eq!(path, "/moved/express/accounts", "{pages:?}");
            page.as_str()
        })
        .collect();
    moved.sort();
    assert_eq!(moved, ["1", "2", "3", "4", "5"], "{pages:?}");
    assert!(
        requests
            .iter()
            .filter(|r| r.method == "GET")
            .all(|r| r.header("authorization").is_some())
    );
}

#[test]
fn redirects_within_the_origin_that_never_end_stop_after_ten() {
    let fake = fake_with(
        simple_accounts(4),
        Faults::always(
            RequestMatch::Page(1),
            FaultKind::Redirect("/express/accounts?page=1&per_page=50".into()),
        ),
    );
    let sb = Sandbox::new();
    let output = sb.tool(&fake).args(["list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("more than 10 redirects"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(fake.page_requests(), vec![1; 11]);
}

#[test]
fn a_token_endpoint_that_moved_within_its_origin_gets_the_same_request_there() {
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Token,
            FaultKind::PermanentRedirect("/oauth/token?moved=1".into()),
        )]),
    );
    let output = run_tool(&fake, &["list", "-o", "jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 4);
    let posts: Vec<_> = (fake.requests().into_iter())
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1].target, "/oauth/token?moved=1");
    assert_eq!(posts[0].body, posts[1].body);
    assert_eq!(
        posts[0].header("authorization"),
        posts[1].header("authorization")
    );
}

/// httpbin's `/redirect-to?url=/oauth/token&status_code=307` as token_url: the 307 within its
/// origin is followed, and what failed was the answer where it led (a 404, a page that is no
/// token). The error named token_url alone, which had answered the redirect, not the failure.
#[test]
fn a_token_request_failing_where_a_redirect_led_names_both_urls() {
    let fake = fake_with(
        simple_accounts(4),
        script(vec![
            (
                RequestMatch::Token,
                FaultKind::PermanentRedirect("/oauth/token?moved=1".into()),
            ),
            (RequestMatch::Token, FaultKind::Status(404)),
        ]),
    );
    let output = run_tool(&fake, &["list"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    let expected = format!(
        "token request to {} (redirected to {}?moved=1): HTTP 404",
        fake.token_url(),
        fake.token_url()
    );
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn a_token_endpoint_that_redirects_to_itself_stops_after_ten() {
    let fake = fake_with(
        simple_accounts(4),
        Faults::always(
            RequestMatch::Token,
            FaultKind::PermanentRedirect("/oauth/token".into()),
        ),
    );
    let sb = Sandbox::new();
    let output = sb.tool(&fake).args(["list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("more than 10 redirects"), "{stderr}");
    assert!(!stderr.contains("never leave"), "{stderr}");
    assert_eq!(fake.token_requests(), 11);
}

#[test]
fn a_token_endpoint_redirect_is_not_followed() {
    let other = second_origin();
    let target = format!("{}/oauth/token", other.base_url());
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Token,
            FaultKind::Redirect(target.clone()),
        )]),
    );
    let sb = Sandbox::new();
    let output = sb.tool(&fake).args(["list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains(&target));
    assert!(
        other.requests().is_empty(),
        "the client secret went to the redirect target"
    );
    assert!(fake.page_requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Plain http only to loopback
// ---------------------------------------------------------------------------------------------

#[test]
fn plain_http_base_or_token_url_outside_loopback_is_refused_before_any_request() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    for (var, value) in [
        ("TALKDESK_BASE_URL", "http://api.example.com"),
        ("TALKDESK_TOKEN_URL", "http://login.example.com/oauth/token"),
        ("TALKDESK_BASE_URL", "http://10.0.0.1:8080"),
        (
            "TALKDESK_TOKEN_URL",
            "http://127.0.0.1.example.com/oauth/token",
        ),
    ] {
        let output = sb
            .tool(&fake)
            .env(var, value)
            .args(["list"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{var}={value}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(var) && stderr.contains("https://"),
            "{stderr}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// `localhost` was let through by its name alone: where `/etc/hosts` (or
/// DNS, where it is asked first) names another machine, the client secret
/// and the token went there in clear (found in a network namespace whose
/// hosts file named a veth peer `localhost`: the fake behind it got the
/// token request and a page). Such a URL is refused before any request,
/// exit 3. The hosts file (a documentation address, RFC 5737) is bound
/// over /etc/hosts in a user and mount namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn localhost_that_names_another_machine_gets_no_plain_http() {
    let sb = Sandbox::new();
    let hosts = sb.path("hosts");
    std::fs::write(&hosts, "192.0.2.1 localhost\n").unwrap();
    let script = r#"mount --bind "$1" /etc/hosts && shift && exec "$@""#;
    let output = sb
        .in_mount(script, &[&hosts])
        .args(["list", "--timeout", "1", "--max-retries", "0"])
        .env("TALKDESK_BASE_URL", "http://localhost:8025")
        .env("TALKDESK_TOKEN_URL", "http://localhost:8025/oauth/token")
        .env("TALKDESK_CLIENT_ID", CLIENT_ID)
        .env("TALKDESK_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("resolves to 192.0.2.1") && stderr.contains("https://"),
        "{stderr}"
    );
}

/// The same for a proxy: plain http to 127.0.0.1 through `HTTP_PROXY=http://localhost:3128`, where
/// the hosts file names another machine `localhost`, went to that machine in clear, the client
/// secret in it (exit 5, a connection error to the proxy). Refused before any request, exit 3.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn a_proxy_at_localhost_that_names_another_machine_gets_no_plain_http() {
    let sb = Sandbox::new();
    let hosts = sb.path("hosts");
    std::fs::write(&hosts, "192.0.2.1 localhost\n").unwrap();
    let script = r#"mount --bind "$1" /etc/hosts && shift && exec "$@""#;
    let output = sb
        .in_mount(script, &[&hosts])
        .args(["list", "--timeout", "1", "--max-retries", "0"])
        .env("HTTP_PROXY", "http://localhost:3128")
        .env("TALKDESK_BASE_URL", "http://127.0.0.1:8025")
        .env("TALKDESK_TOKEN_URL", "http://127.0.0.1:8025/oauth/token")
        .env("TALKDESK_CLIENT_ID", CLIENT_ID)
        .env("TALKDESK_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("192.0.2.1"), "{stderr}");
}

/// A refused next link is the server's doing: exit 5 as §4 and §5 say of
/// any link to another origin; a plain-http one was exit 3 ("use
/// https://"), sending the user to a configuration that was right.
#[test]
fn a_plain_http_next_link_outside_loopback_is_refused_before_any_request() {
    let link = "http://api.example.invalid/express/accounts?page=2&per_page=2";
    let output = list_linking_to(link, "jsonl");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(link) && stderr.contains("(to http://api.example.invalid)"),
        "{stderr}"
    );
}

#[test]
fn a_refused_next_link_echoing_the_secret_shows_no_part_of_it() {
    // The secret straddles the point where the error shortens the link: it
    // must be redacted before the cut, or its first characters would show.
    // Split by a control character, which the error leaves out: it was
    // joined only after the cut, and its first 7 characters showed.
    let split = format!("{}\u{1}{}", &SECRET[..4], &SECRET[4..]);
    for secret in [SECRET, &split] {
        let link = format!("https://evil.example/{}{secret}", "a".repeat(92));
        let output = list_linking_to(&link, "csv");
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains("https://evil.example/aaaa"), "{stderr}");
        assert!(!stderr.contains(&SECRET[..7]), "{stderr}");
    }
}

/// A header shown shortened (an unasked `Content-Encoding`) was cut before
/// the secret in it was looked for: its first characters showed.
#[test]
fn a_secret_echoed_in_a_shortened_header_shows_no_part_of_it() {
    let raw: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: {}{SECRET}\r\nContent-Length: 2\r\n\r\n{{}}",
            "x".repeat(34)
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(RequestMatch::Page(1), FaultKind::RawResponse(raw))]),
    );
    let output = run_tool(&fake, &["list", "-o", "jsonl"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("compressed (Content-Encoding: xxxx"),
        "{stderr}"
    );
    assert!(!stderr.contains(&SECRET[..4]), "{stderr}");
}

#[test]
fn a_url_holding_a_password_is_refused_without_repeating_it() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .env(
            "TALKDESK_BASE_URL",
            "https://me:hunter2-pass@api.example.com",
        )
        .args(["-vv", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("api.example.com"), "{stderr}");
    assert!(!stderr.contains("hunter2-pass"), "{stderr}");
    assert!(fake.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Secrets never printed
// ---------------------------------------------------------------------------------------------

/// Every credential the fake saw: the Basic and Bearer values of every Authorization header.
fn credentials_seen(fake: &FakeApi) -> Vec<String> {
    fake.requests()
        .iter()
        .filter_map(|r| r.header("authorization"))
        .filter_map(|v| v.split_once(' ').map(|(_, c)| c.to_string()))
        .collect()
}

/// Runs with `-vv` and checks that stdout+stderr hold none of `secrets`, the credentials the
/// fake saw, nor (for the default secret) the base64 of `id:secret`.
fn run_vv_and_search(
    sb: &Sandbox,
    fake: &FakeApi,
    secret: &str,
    extra_secrets: &[&str],
    args: &[&str],
) -> std::process::Output {
    let output = sb
        .tool(fake)
        .env("TALKDESK_CLIENT_SECRET", secret)
        .arg("-vv")
        .args(args)
        .output()
        .unwrap();
    let mut all = stdout_of(&output);
    all.push_str(&stderr_of(&output));
    let mut secrets: Vec<String> = vec![
        secret.to_string(),
        base64_encode(format!("{CLIENT_ID}:{secret}").as_bytes()),
    ];
    secrets.extend(credentials_seen(fake));
    secrets.extend(extra_secrets.iter().map(|s| s.to_string()));
    assert!(
        !credentials_seen(fake).is_empty(),
        "the run sent no credential"
    );
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "`{s}` printed:\n{all}");
    }
    assert!(
        all.contains("> Authorization: <redacted>"),
        "-vv shows the header, redacted:\n{all}"
    );
    output
}

#[test]
fn vv_on_success_prints_no_secret() {
    let fake = fake_with(simple_accounts(120), Faults::default());
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[], &["list", "-o", "json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let tokens: Vec<_> = credentials_seen(&fake)
        .into_iter()
        .filter(|c| c.starts_with("fake-token-"))
        .collect();
    assert!(!tokens.is_empty(), "the token was searched for");
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed, simple_accounts(120));
}

#[test]
fn vv_with_a_refused_secret_prints_no_secret() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, "wrong-secret-value", &[], &["list"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("invalid_client"));
}

#[test]
fn vv_with_a_token_endpoint_echoing_the_credentials_prints_no_secret() {
    let basic = base64_encode(format!("{CLIENT_ID}:{SECRET}").as_bytes());
    let body = json!({
        "error": "invalid_client",
        "error_description": format!("secret {SECRET} in Basic {basic} was refused"),
    })
    .to_string();
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Token,
            FaultKind::StatusWithBody(401, body),
        )]),
    );
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[], &["list"]);
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("secret <redacted> in Basic <redacted> was refused"),
        "{stderr}"
    );
}

/// SWI-Prolog's HTTP server (9.0.4): `http_authorization_data/2` gives a Basic password as a
/// list of character codes, and an error naming it shows it so, `[116,101,115,…]` (a `must_be`
/// on it: "Type error: `atom' expected, found `[116,101,…]' (a list)"), or cut short
/// (`[116,101,115,116,45,115,101,99,114,101|...]`); Ruby's and Python's byte lists write
/// `[116, 101, …]`. The run showed the client secret so, code by code; a secret
/// beyond `-._*` and alphanumerics as it was sent, form-encoded (`p%C3%A4…`, RFC 6749 §2.3.1).
#[test]
fn a_secret_echoed_as_a_list_of_character_codes_is_redacted() {
    for (secret, sent) in [
        (SECRET, SECRET),
        ("pässwört-Gé heim", "p%C3%A4ssw%C3%B6rt-G%C3%A9+heim"),
    ] {
        codes_of_a_secret_echoed_are_redacted(secret, sent);
    }
}

/// A run whose client secret is `secret`, sent as `sent`, and whose token endpoint echoes
/// `sent` as character codes: whole, its first ten alone, with spaces.
fn codes_of_a_secret_echoed_are_redacted(secret: &str, sent: &str) {
    let codes: Vec<String> = sent.chars().map(|c| u32::from(c).to_string()).collect();
    let first: Vec<&str> = codes.iter().take(10).map(String::as_str).collect();
    let echoed = [
        codes.join(","),
        format!("{}|...", first.join(",")),
        codes.join(", "),
    ];
    for echoed in &echoed {
        let message = format!("Type error: `atom' expected, found `[{echoed}]' (a list)");
        let body = json!({"code": 500, "message": message}).to_string();
        let fake = fake_with(
            simple_accounts(4),
            script(vec![(
                RequestMatch::Token,
                FaultKind::StatusWithBody(500, body),
            )]),
        );
        let sb = Sandbox::new();
        let args = ["list", "--no-cache", "--max-retries", "0"];
        let output = run_vv_and_search(&sb, &fake, secret, &[&first.join(",")], &args);
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains("found `[<redacted>"), "{stderr}");
    }
}

/// A page's error echoing the Basic credential, in a run whose token came from the cache: the
/// redactor knew the Basic value only once a token request of the run had sent it, so this run,
/// which sent none, printed the client secret base64-encoded (`Basic dGVzdC1jbGllbnQ6…`), where
/// a run asking for a token redacts it.
#[test]
fn a_page_echoing_the_basic_credential_is_redacted_with_a_cached_token() {
    let basic = base64_encode(format!("{CLIENT_ID}:{SECRET}").as_bytes());
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let first = sb
        .tool(&fake)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr_of(&first));
    let body = json!({"code": "400", "message": format!("Basic {basic} is not taken here")});
    fake.set_faults(script(vec![(
        RequestMatch::Page(1),
        FaultKind::StatusWithBody(400, body.to_string()),
    )]));
    let output = sb.tool(&fake).args(["-vv", "list"]).output().unwrap();
    assert_eq!(
        fake.token_requests(),
        1,
        "the second run used the cached token"
    );
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    let all = stdout_of(&output) + &stderr_of(&output);
    assert!(!all.contains(&basic), "the Basic value printed:\n{all}");
    assert!(all.contains("Basic <redacted> is not taken here"), "{all}");
}

/// A token in a token answer the tool refuses, or cannot read as JSON
/// (cut short, form-encoded), or in a `refresh_token` or `id_token`, was
/// printed: only a well-formed answer's `access_token` was known.
#[test]
fn a_token_in_a_token_answer_that_is_no_token_is_never_shown() {
    for (status, body) in [
        (
            201,
            r#"{"access_token":"eyJ0-TOKN-ACCESS-1","token_type":"bearer","#,
        ),
        (202, "access_token=eyJ0-TOKN-ACCESS-2&token_type=bearer"),
        (503, r#"{"access_token": "eyJ0-TOKN-ACCESS-3","#),
        (
            400,
            r#"{"error":"invalid_request","Access_Token":"eyJ0-TOKN-ACCESS-4""#,
        ),
        (
            503,
            r#"{"access_token":"<none>","refresh_token":"rt-TOKN-REFRESH-5","id_token":"id-TOKN-ID-6"}"#,
        ),
    ] {
        let fake = fake_with(
            simple_accounts(4),
            script(vec![(
                RequestMatch::Token,
                FaultKind::StatusWithBody(status, body.to_string()),
            )]),
        );
        let sb = Sandbox::new();
        let output = sb
            .tool(&fake)
            .args(["-vv", "list", "--no-cache", "--max-retries", "0"])
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = stderr_of(&output);
        assert!(!stderr.contains("TOKN-"), "{status}: {stderr}");
        assert!(stderr.contains("<redacted>"), "{status}: {stderr}");
    }
}

/// RFC 3986: `%2b` is `%2B`. A secret echoed with lower-case escapes was
/// shown whole (upper case was redacted); so was one with every character
/// escaped, `%XX` or `\uXXXX`.
#[test]
fn a_secret_echoed_percent_encoded_in_lower_case_is_redacted() {
    let secret = "Zq8+Lm/2Xv=Pt7Rw";
    let every_byte: String = secret.bytes().map(|b| format!("%{b:02x}")).collect();
    let every_char: String = secret.bytes().map(|b| format!("\\u{b:04x}")).collect();
    for echoed in [
        "Zq8%2BLm%2F2Xv%3DPt7Rw",
        "Zq8%2bLm%2f2Xv%3dPt7Rw",
        &every_byte,
        &every_char,
    ] {
        let body = json!({
            "error": "invalid_client",
            "error_description": format!("bad secret {echoed}"),
        })
        .to_string();
        let fake = fake_with(
            simple_accounts(4),
            script(vec![(
                RequestMatch::Token,
                FaultKind::StatusWithBody(401, body),
            )]),
        );
        let sb = Sandbox::new();
        let output = run_vv_and_search(&sb, &fake, secret, &[echoed], &["list", "--no-cache"]);
        assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains("bad secret <redacted>"), "{stderr}");
        assert!(
            !stderr.contains("Pt7Rw") && !stderr.contains("%5a%71"),
            "{stderr}"
        );
    }
}

#[test]
fn vv_with_a_403_prints_no_secret() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(4),
        scope: "some-other:scope".into(),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[], &["list"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("403"));
}

#[test]
fn vv_with_a_persistent_401_prints_neither_token() {
    let fake = fake_with(
        simple_accounts(4),
        Faults {
            token_valid_for_requests: Some(0),
            ..Faults::default()
        },
    );
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[], &["list", "--no-cache"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert_eq!(fake.tokens_issued(), 2, "one new token after the 401");
}

/// The token revoked mid-walk and the secret rotated meanwhile: the pages
/// in flight with the revoked token each ran the renewal again (up to the
/// concurrency, one after another, each with its own retries). One failed
/// renewal now ends the run.
#[test]
fn a_failed_renewal_is_tried_once_whatever_the_pages_in_flight() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(40),
        page_cap: 5,
        faults: Faults {
            token_valid_for_requests: Some(1),
            tokens_before_refusing: Some(1),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = sb
        .tool(&fake)
        .args([
            "list",
            "--no-cache",
            "--per-page",
            "5",
            "--concurrency",
            "8",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert_eq!(fake.tokens_issued(), 1);
    assert_eq!(fake.token_refusals(), 1, "one renewal, refused once");
}

#[test]
fn vv_with_a_500_prints_no_secret() {
    let fake = fake_with(
        simple_accounts(4),
        Faults::always(RequestMatch::AnyPage, FaultKind::Status(500)),
    );
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[], &["list", "--max-retries", "1"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("HTTP 500"));
}

#[test]
fn vv_with_a_malformed_token_answer_never_quotes_it() {
    let leaked = "tok-LEAK-0123456789";
    let fake = fake_with(
        simple_accounts(4),
        script(vec![(
            RequestMatch::Token,
            FaultKind::Json(json!({
                "access_token": leaked,
                "token_type": "Bearer",
                "expires_in": leaked,
            })),
        )]),
    );
    let sb = Sandbox::new();
    let output = run_vv_and_search(&sb, &fake, SECRET, &[leaked], &["list"]);
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("not a token"));
}

// ---------------------------------------------------------------------------------------------
// client_secret_cmd
// ---------------------------------------------------------------------------------------------

/// A config file whose secret comes from `/bin/sh <script>` (run through sh so that the
/// freshly written script is never exec'd while another test thread holds it open).
#[cfg(unix)]
fn secret_cmd_config(sb: &Sandbox, script_body: &str, args: &str) -> std::path::PathBuf {
    let script = sb.path("secret.sh");
    std::fs::write(&script, script_body).unwrap();
    sb.write_config(
        "config.toml",
        &format!(
            "[default]\nclient_secret_cmd = \"/bin/sh '{}' {args}\"\n",
            script.display()
        ),
    )
}

#[cfg(unix)]
#[test]
fn client_secret_cmd_gives_the_secret_without_a_shell_and_never_prints_it() {
    let fake = fake_with(simple_accounts(60), Faults::default());
    let sb = Sandbox::new();
    // The argument arrives as one word, quotes removed: no shell splitting, no globbing.
    let config = secret_cmd_config(
        &sb,
        &format!(
            "[ \"$1\" = 'op://Vault/Talk desk/*' ] || exit 7\nprintf '{SECRET}\\nsecond line\\n'\n"
        ),
        "'op://Vault/Talk desk/*'",
    );
    let output = sb
        .tool(&fake)
        .env_remove("TALKDESK_CLIENT_SECRET")
        .arg("--config")
        .arg(&config)
        .args(["-vv", "list", "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed, simple_accounts(60));
    let all = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(!all.contains(SECRET), "{all}");
    assert!(!all.contains(&base64_encode(format!("{CLIENT_ID}:{SECRET}").as_bytes())));
}

/// An unquoted number as the secret was quoted whole in the config error
/// ("invalid type: integer `98765432109876`, expected a string").
#[test]
fn a_secret_written_without_quotes_is_named_by_key_and_line_and_never_shown() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    for (value, part) in [
        ("98765432109876", "98765"),
        ("0x1A2B3C4D5E6F", "1A2B"),
        ("3.14159265358979", "14159"),
        ("1e10", "1e10"),
    ] {
        let config = sb.write_config(
            "config.toml",
            &format!("[default]\nclient_id = \"{CLIENT_ID}\"\nclient_secret = {value}\n"),
        );
        for args in [&["config", "show"][..], &["list"]] {
            let output = sb
                .tool(&fake)
                .env_remove("TALKDESK_CLIENT_SECRET")
                .arg("--config")
                .arg(&config)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(3), "{value} {args:?}");
            let all = format!("{}{}", stdout_of(&output), stderr_of(&output));
            let said = all.replace(&config.display().to_string(), "");
            assert!(!said.contains(part), "{value} {args:?}: {all}");
            assert!(
                all.contains(&format!(
                    "{}, line 3: `client_secret` must be a quoted string",
                    config.display()
                )),
                "{all}"
            );
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// `-vv` shows an answer's headers, but not the value of one that carries a credential (a
/// session cookie a gateway sets): `< set-cookie: <redacted>`; other headers as they came.
#[test]
fn vv_shows_an_answers_cookie_redacted() {
    let headers = vec![
        (
            "Set-Cookie",
            "session=s3ss10n-c00kie-value; HttpOnly".to_string(),
        ),
        ("X-Other", "shown-value".to_string()),
    ];
    let faults = script(vec![(
        RequestMatch::Page(1),
        FaultKind::WithHeaders(headers),
    )]);
    let fake = fake_with(simple_accounts(2), faults);
    let out = Sandbox::new()
        .tool(&fake)
        .args(["-vv", "list", "-o", "json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("< set-cookie: <redacted>\n"), "{stderr}");
    assert!(!stderr.contains("s3ss10n"), "{stderr}");
    assert!(stderr.contains("< x-other: shown-value\n"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_failing_or_silent_client_secret_cmd_is_a_config_error_before_any_request() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    for (body, expect) in [
        ("echo nope >&2\nexit 1\n", "failed"),
        ("exit 0\n", "printed no secret"),
        ("printf '\\n{SECRET}\\n'\n", "printed no secret"),
    ] {
        let config = secret_cmd_config(&sb, body, "");
        let output = sb
            .tool(&fake)
            .env_remove("TALKDESK_CLIENT_SECRET")
            .arg("--config")
            .arg(&config)
            .args(["list"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{body}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("client_secret_cmd") && stderr.contains(expect),
            "{stderr}"
        );
    }
    let config = sb.write_config(
        "missing.toml",
        "[default]\nclient_secret_cmd = \"/nonexistent/secret-tool get\"\n",
    );
    let output = sb
        .tool(&fake)
        .env_remove("TALKDESK_CLIENT_SECRET")
        .arg("--config")
        .arg(&config)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("cannot run `/nonexistent/secret-tool`"));
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// A password manager's message with no line end (`bw get password …` not logged in prints
/// `You are not logged in.` and exits 1) had the run's error glued onto its line: `You are not
/// logged in.error: client_secret_cmd `bw` failed …`. The error starts a line of its own, and
/// chatter on success is ended too; a message ending its line gets no blank line after it.
#[cfg(unix)]
#[test]
fn a_client_secret_cmds_message_without_a_line_end_is_not_glued_to_the_error() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    for (body, code, expect) in [
        (
            "printf 'You are not logged in.' >&2\nexit 1\n",
            Some(3),
            "You are not logged in.\nerror: client_secret_cmd `/bin/sh` failed (exit status: 1); run it by hand to see why\n",
        ),
        (
            "echo 'gpg: decryption failed: No secret key' >&2\nexit 2\n",
            Some(3),
            "gpg: decryption failed: No secret key\nerror: client_secret_cmd `/bin/sh` failed (exit status: 2); run it by hand to see why\n",
        ),
        (
            &format!("printf 'unlocking…' >&2\necho {SECRET}\n"),
            Some(0),
            "unlocking…\n",
        ),
    ] {
        let config = secret_cmd_config(&sb, body, "");
        let output = sb
            .tool(&fake)
            .env_remove("TALKDESK_CLIENT_SECRET")
            .arg("--config")
            .arg(&config)
            .args(["list", "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), code, "{body}");
        assert_eq!(stderr_of(&output), expect, "{body}");
    }
}

/// A client_secret_cmd whose quoting a shell would not read (an unclosed quote) is a
/// configuration error before any request, that says to fix its quoting.
#[test]
fn a_client_secret_cmd_with_an_unclosed_quote_says_to_fix_its_quoting() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    for command in [r#"pass show 'talkdesk"#, r#"pass show \"talkdesk"#] {
        let text = format!("[default]\nclient_secret_cmd = \"{command}\"\n");
        let config = sb.write_config("quote.toml", &text);
        let output = sb
            .tool(&fake)
            .env_remove("TALKDESK_CLIENT_SECRET")
            .arg("--config")
            .arg(&config)
            .arg("list")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{command}");
        assert_eq!(
            stderr_of(&output),
            "error: client_secret_cmd has an unclosed quote; fix its quoting\n"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// `list --timeout 1` with `config` (no secret in the environment), in a session of its own: no
/// terminal, whatever runs the tests.
#[cfg(unix)]
fn list_with_no_terminal(
    sb: &Sandbox,
    fake: &FakeApi,
    config: &std::path::Path,
) -> std::process::Output {
    support::require_tool("setsid", "util-linux");
    std::process::Command::new("setsid")
        .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .arg("--config")
        .arg(config)
        .args(["list", "--timeout", "1"])
        .env_clear()
        .envs(sb.env())
        .envs(support::tool_env(fake))
        .env_remove("TALKDESK_CLIENT_SECRET")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// A `client_secret_cmd` waiting for an answer no one can give (a password manager waiting to
/// be unlocked, in cron) held the run for ever: with no terminal it has the run's `--timeout`,
/// and is stopped. The script waits in `sleep` (exec'd, so that stopping it ends the wait).
#[cfg(unix)]
#[test]
fn a_client_secret_cmd_that_never_ends_is_stopped_at_the_timeout_with_no_terminal() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let config = secret_cmd_config(&sb, "exec sleep 600\n", "");
    let output = list_with_no_terminal(&sb, &fake, &config);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("did not finish within 1 s (--timeout), with no terminal to answer a prompt; check that it runs unattended"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// Under a limit on processes and threads (`ulimit -u`, a systemd service's `TasksMax=`, a
/// container's pids limit), the thread that reads `client_secret_cmd`'s output could not start,
/// and the run ended "internal error at …/thread/functions.rs:131; please report it" (a panic);
/// a command that could not start was told "check the command in your config file". Both name
/// the limit. Run as root by `.ci/run`, as a user with no other process (setpriv(1)).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: it runs the tool as another user under ulimit -u"]
fn as_root_a_process_limit_at_client_secret_cmd_is_said_not_a_panic() {
    use std::os::unix::fs::PermissionsExt;
    support::require_tool("setpriv", "util-linux");
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let config = secret_cmd_config(&sb, &format!("echo {SECRET}\n"), "");
    std::fs::set_permissions(sb.path(""), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(&config, Some(54321), Some(54321)).unwrap();
    let tool = sb.spawnable_tool(&fake);
    let mut limited = 0;
    for limit in (1..=8).chain([64]) {
        let out = std::process::Command::new("setpriv")
            .args([
                "--reuid",
                "54321",
                "--regid",
                "54321",
                "--clear-groups",
                "bash",
                "-c",
            ])
            .arg(format!(r#"ulimit -u {limit}; exec "$0" "$@""#))
            .arg(tool.get_program())
            .arg("--config")
            .arg(&config)
            .args(["list", "--no-cache", "-o", "jsonl"])
            .env_clear()
            .envs(tool.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .env_remove("TALKDESK_CLIENT_SECRET")
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert!(
            !stderr.contains("internal error"),
            "ulimit -u {limit}: {stderr}"
        );
        if !out.status.success() {
            limited += 1;
            assert_eq!(out.status.code(), Some(1), "ulimit -u {limit}: {stderr}");
            assert!(stderr.contains("(ulimit -u"), "ulimit -u {limit}: {stderr}");
        }
    }
    assert!((1..9).contains(&limited), "{limited} of 9 runs failed");
}

/// A `client_secret_cmd` that printed the secret and exited, leaving a program it started in the
/// background (an agent) holding its stdout, was waited for until that program ended: "did not
/// finish within 1 s" with no terminal, a hang on one. What it printed by its exit is its output.
#[cfg(unix)]
#[test]
fn a_client_secret_cmd_whose_background_program_keeps_stdout_open_gives_its_secret_at_its_exit() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let pid_file = sb.path("agent.pid");
    // (Its stderr is the run's, which the test reads to its end too.)
    let script = format!(
        "echo {SECRET}\nsleep 600 2>/dev/null &\necho $! > '{}'\n",
        pid_file.display()
    );
    let config = secret_cmd_config(&sb, &script, "");
    let output = list_with_no_terminal(&sb, &fake, &config);
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: kill(2) of the agent this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(fake.token_requests(), 1);
}

/// A timed-out `client_secret_cmd` was stopped, but what it had started went on running (a
/// helper it spawned, a password manager's agent): it leads a process group, and the group is
/// stopped with it. (Linux: it reads `/proc`.)
#[cfg(target_os = "linux")]
#[test]
fn the_programs_a_timed_out_client_secret_cmd_started_are_stopped_with_it() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let pid_file = sb.path("helper.pid");
    let script = format!(
        "sleep 600 </dev/null >/dev/null 2>&1 &\necho $! > '{}'\nexec sleep 600\n",
        pid_file.display()
    );
    let config = secret_cmd_config(&sb, &script, "");
    let output = list_with_no_terminal(&sb, &fake, &config);
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Gone, or a zombie waiting for whoever adopted it.
    let running = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left = running();
    if left {
        // SAFETY: kill(2) of the helper this test started.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    assert!(
        !left,
        "the helper {pid} the command started is still running"
    );
}

/// A first line that is not UTF-8 was converted lossily (U+FFFD) and that
/// other secret sent; it is a config error that shows nothing of it.
#[cfg(unix)]
#[test]
fn a_client_secret_cmd_printing_no_utf8_text_is_a_config_error_showing_none_of_it() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let config = secret_cmd_config(&sb, "printf 'cmd\\377secret\\nsecond\\n'\n", "");
    let output = sb
        .tool(&fake)
        .env_remove("TALKDESK_CLIENT_SECRET")
        .arg("--config")
        .arg(&config)
        .args(["list", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(
            "error: client_secret_cmd `/bin/sh` printed a first line that is not UTF-8 text"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("cmd\u{FFFD}") && !stderr.contains("\u{FFFD}secret"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[cfg(unix)]
#[test]
fn client_secret_cmd_is_not_run_by_a_shell() {
    let fake = fake_with(simple_accounts(4), Faults::default());
    let sb = Sandbox::new();
    let marker = sb.path("pwned");
    let config = sb.write_config(
        "config.toml",
        &format!(
            "[default]\nclient_secret_cmd = \"echo {SECRET}; touch {}\"\n",
            support::quoted(&marker)
        ),
    );
    let output = sb
        .tool(&fake)
        .env_remove("TALKDESK_CLIENT_SECRET")
        .arg("--config")
        .arg(&config)
        .args(["list"])
        .output()
        .unwrap();
    // echo printed `SECRET; touch …` as one line: a wrong secret, not a second command.
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(!marker.exists(), "a shell ran the command");
}

// ---------------------------------------------------------------------------------------------
// File hygiene
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_config_file_others_can_read_gets_one_warning_with_the_chmod_to_run() {
    let fake = fake_with(simple_accounts(3), Faults::default());
    let sb = Sandbox::new();
    let config = sb.write_config("config.toml", "[default]\nper_page = 2\n");
    set_mode(&config, 0o644);
    let chmod = format!("chmod 600 {}", support::quoted(&config));
    for quiet in [false, true] {
        let mut cmd = sb.tool(&fake);
        cmd.arg("--config").arg(&config);
        if quiet {
            cmd.arg("-q");
        }
        let output = cmd.args(["list", "-o", "json"]).output().unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        if quiet {
            assert_eq!(stderr, "", "-q silences every warning");
            continue;
        }
        assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
        assert!(
            stderr.contains("mode 644") && stderr.trim_end().ends_with(&chmod),
            "{stderr}"
        );
    }
    set_mode(&config, 0o600);
    let output = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        !stderr_of(&output).contains("chmod"),
        "{}",
        stderr_of(&output)
    );
}

#[cfg(unix)]
#[test]
fn the_token_cache_is_private_and_never_holds_the_secret() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake_with(simple_accounts(3), Faults::default());
    let sb = Sandbox::new();
    let output = sb.tool(&fake).args(["list"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let dir = sb.token_cache_dir();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(SECRET));
    assert!(text.contains("fake-token-"), "the cache holds the token");
}

/// Every folder the tool made (config, token cache, history store) is 0700
/// and every file 0600, whatever the umask: under 0277 folders came out
/// 0500, where their owner (not root) could not create the files.
#[cfg(unix)]
#[test]
fn what_the_tool_creates_is_private_and_usable_whatever_the_umask() {
    let fake = fake_with(simple_accounts(3), Faults::default());
    for umask in ["0277", "0777"] {
        let sb = Sandbox::new();
        let tool = sb.spawnable_tool(&fake);
        let export = sb.path("accounts.csv");
        let plot = sb.path("trend.svg");
        let runs: [&[&std::ffi::OsStr]; 4] = [
            &["config".as_ref(), "init".as_ref()],
            &[
                "list".as_ref(),
                "--output-file".as_ref(),
                export.as_os_str(),
            ],
            &["snapshot".as_ref()],
            &["trend".as_ref(), "--plot".as_ref(), plot.as_os_str()],
        ];
        for args in runs {
            let out = support::with_umask(tool.get_program(), tool.get_envs(), umask)
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        }
        assert!(sb.default_config_path().is_file() && sb.history_path().is_file());
        assert!(sb.token_cache_dir().is_dir() && plot.is_file() && export.is_file());
        for (path, mode) in modes_under(sb.dir.path()) {
            let want = if path.is_dir() { 0o700 } else { 0o600 };
            let (mode, want) = (format!("{mode:o}"), format!("{want:o}"));
            assert_eq!(mode, want, "umask {umask}: {}", path.display());
        }
    }
}

/// Every file and folder under `dir`, with its permission bits.
#[cfg(unix)]
fn modes_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(modes_under(&path));
        }
        found.push((path.clone(), support::mode(&path)));
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Output safety
// ---------------------------------------------------------------------------------------------

const HOSTILE: [&str; 9] = [
    "=HYPERLINK(\"http://evil\",\"x\")",
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\tTabbed",
    "\u{1b}]0;title\u{7}Osc Corp",
    "\u{1b}[31mred Corp",
    "Bidi \u{202e}gnp.exe",
    "Plain, \"quoted\" Ltd",
];

fn hostile_accounts() -> Vec<Value> {
    HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({"id": format!("h-{i}"), "name": format!("n{i}"), "company_name": name, "status": "ACTIVE", "extra": {"nested": name}})
        })
        .collect()
}

fn run_list(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    let sb = Sandbox::new();
    let output = sb.tool(fake).arg("list").args(args).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    output
}

fn csv_company_names(output: &std::process::Output) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == "company_name").unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].to_string())
        .collect()
}

#[test]
fn csv_neutralises_formulas_unless_told_not_to() {
    let fake = fake_with(hostile_accounts(), Faults::default());
    let guarded = csv_company_names(&run_list(&fake, &["-o", "csv"]));
    let expected: Vec<String> = HOSTILE
        .iter()
        .map(|name| match name.chars().next() {
            Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{name}"),
            _ => name.to_string(),
        })
        .collect();
    assert_eq!(guarded, expected);
    assert_eq!(guarded[0], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(guarded[2], "'-2+3");

    let raw = csv_company_names(&run_list(&fake, &["-o", "csv", "--no-formula-guard"]));
    assert_eq!(raw, HOSTILE.map(str::to_string).to_vec());
}

/// LibreOffice's csv import with its "Trim spaces" option (a checkbox of
/// its Text Import dialog, remembered from one import to the next) takes
/// the spaces off before it reads a formula: ` =1+1` was left unguarded and
/// came in as the formula `=1+1` (found with LibreOffice 7.4's
/// `--infilter="CSV:44,34,76,1,,0,false,true,false,false,true"`).
#[test]
fn csv_guards_a_formula_behind_leading_spaces() {
    let names = [
        " =1+1",
        "  =HYPERLINK(\"http://evil\")",
        " -2+3",
        " Acme",
        "a =1",
    ];
    let accounts = (names.iter().enumerate())
        .map(|(i, name)| json!({"id": format!("s-{i}"), "name": "n", "company_name": name, "status": "ACTIVE"}))
        .collect();
    let fake = fake_with(accounts, Faults::default());
    let output = run_list(&fake, &["-o", "csv", "--columns", "id,company_name"]);
    assert_eq!(
        stdout_of(&output),
        "id,company_name\ns-0,' =1+1\ns-1,\"'  =HYPERLINK(\"\"http://evil\"\")\"\ns-2,' -2+3\ns-3, Acme\ns-4,a =1\n"
    );
}

#[test]
fn table_cells_reach_the_terminal_inert() {
    let fake = fake_with(hostile_accounts(), Faults::default());
    let output = run_list(&fake, &["-o", "table"]);
    let text = stdout_of(&output);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\u{9d}'] {
        assert!(!text.contains(bad), "{bad:?} reached stdout:\n{text}");
    }
    assert!(
        text.chars().all(|c| c == '\n' || !c.is_control()),
        "a control character reached stdout:\n{text:?}"
    );
    for visible in [
        "Osc Corp",
        "red Corp",
        "Bidi gnp.exe",
        "=HYPERLINK(\"http://evil\",\"x\")",
    ] {
        assert!(text.contains(visible), "{visible} missing:\n{text}");
    }
    assert!(!text.contains("title"), "the OSC payload is dropped whole");
}

#[test]
fn json_and_jsonl_keep_hostile_values_exactly() {
    let fake = fake_with(hostile_accounts(), Faults::default());
    let json_out = run_list(&fake, &["-o", "json"]);
    let parsed: Vec<Value> = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(parsed, hostile_accounts());
    let jsonl_out = run_list(&fake, &["-o", "jsonl", "--no-formula-guard"]);
    let lines: Vec<Value> = stdout_of(&jsonl_out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, hostile_accounts());
    // JSON escapes control characters itself: the raw bytes never reach a terminal.
    assert!(!json_out.stdout.contains(&0x1b));
    assert!(!jsonl_out.stdout.contains(&0x1b));
}

/// Mountebank's `decorate` can name a header of its answer after what the request sent: a
/// token answer with `X-Seen-Zq9xSECRETval: 1`, part of the client secret. `-vv` shows a header's
/// name as the `http` crate keeps it, in lower case (`x-seen-zq9xsecretval`), and a part of a
/// secret is looked for as it was written: thirteen characters of the secret showed, their case
/// lost.
#[test]
fn a_part_of_the_secret_in_a_header_name_is_redacted_though_shown_in_lower_case() {
    let secret = "Zq9xSECRETvalue42";
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(2),
        client_secret: secret.into(),
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::WithHeaders(vec![("X-Seen-Zq9xSECRETval", "1".into())]),
        ),
        ..FakeConfig::default()
    });
    let output = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_CLIENT_SECRET", secret)
        .args(["-vv", "list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("< x-seen-<redacted>: 1"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("secretval"), "{stderr}");
}

/// A short client secret that is a word of the API's address (here the
/// path's `express`) was taken out of the first page's URL and of every
/// next link: the tool asked for `/%3Credacted%3E/accounts` (404), and a
/// secret equal to the port was "not a valid URL" of a "next link".
#[test]
fn a_secret_that_is_a_word_of_the_apis_address_leaves_its_urls_alone() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(6),
        client_secret: "express".into(),
        ..FakeConfig::default()
    });
    for concurrency in ["1", "4"] {
        let output = Sandbox::new()
            .tool(&fake)
            .env("TALKDESK_CLIENT_SECRET", "express")
            .args(["list", "-o", "jsonl", "--per-page", "2"])
            .args(["--concurrency", concurrency])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        assert_eq!(stdout_of(&output).lines().count(), 6);
    }
}

/// The secret pasted as a field name (`--sort SECRET`, `--columns
/// id,SECRET`) was printed whole in the warning that no account has that
/// field, though an error quoting it (`--at SECRET`) redacts it.
#[test]
fn a_secret_pasted_as_a_field_name_is_redacted_in_the_warning() {
    let fake = fake_with(simple_accounts(2), Faults::default());
    for args in [
        &["list", "--sort", SECRET][..],
        &["list", "-o", "jsonl", "--columns", &format!("id,{SECRET}")],
    ] {
        let out = run_tool(&fake, args);
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(
            err.contains("warning: no account has a field `<redacted>`"),
            "{err}"
        );
        assert!(!err.contains("test-secr") && !stdout_of(&out).contains("test-secr"));
    }
    // As a path: "wrote the chart to …/test-secret-value".
    let sb = Sandbox::new();
    let out = sb.tool(&fake).args(["-q", "snapshot"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut trend = sb.tool(&fake);
    let out = trend.args(["trend", "--plot"]).arg(sb.path(SECRET));
    let out = out.output().unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("wrote the chart to ") && !err.contains("test-secr"),
        "{err}"
    );
}

/// A config file whose name is not UTF-8 got a `chmod 600 '�cfg.toml'`
/// to run, the name's byte printed as U+FFFD: that command names another
/// file, and fails. The name is given as bash's `$'\xff…'`, which runs.
#[cfg(unix)]
#[test]
fn the_chmod_to_run_names_a_config_file_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    support::require_tool("bash", "bash");
    let fake = fake_with(simple_accounts(1), Faults::default());
    let sb = Sandbox::new();
    let config = sb
        .dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"\xffcfg.toml"));
    support::write_private(&config, "[default]\n");
    set_mode(&config, 0o644);
    let mut cmd = sb.tool(&fake);
    let output = cmd
        .arg("--config")
        .arg(&config)
        .args(["list", "-o", "json"]);
    let stderr = stderr_of(&output.output().unwrap());
    let (_, run) = stderr.trim_end().split_once("; run: ").expect(&stderr);
    assert!(run.ends_with(r"\xffcfg.toml'"), "{stderr}");
    let chmod = std::process::Command::new("bash")
        .args(["-c", run])
        .output();
    assert!(chmod.unwrap().status.success(), "{run}");
    assert_eq!(support::mode(&config), 0o600, "{run}");
}

/// A config file in a folder whose name holds a newline split its warning in two lines, the
/// second not starting `warning:`. It is one line, and the chmod to run, as bash's `$'…'`, runs.
#[cfg(unix)]
#[test]
fn the_warning_of_a_config_file_whose_path_holds_a_newline_is_one_line() {
    support::require_tool("bash", "bash");
    let fake = fake_with(simple_accounts(1), Faults::default());
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("a\nb")).unwrap();
    let config = sb.write_config("a\nb/cfg.toml", "[default]\n");
    set_mode(&config, 0o644);
    let output = sb
        .tool(&fake)
        .arg("--config")
        .arg(&config)
        .arg("list")
        .output();
    let stderr = stderr_of(&output.unwrap());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (_, run) = stderr.trim_end().split_once("; run: ").expect(&stderr);
    let chmod = std::process::Command::new("bash")
        .args(["-c", run])
        .output();
    assert!(chmod.unwrap().status.success(), "{run}");
    assert_eq!(support::mode(&config), 0o600, "{run}");
}

/// A usage error clap writes quotes the value it refused as it is: a bidi
/// override reached the terminal (`--status $'act\u202eive'`), and an
/// escape sequence was taken out, the value shown as `active`, which is a
/// status. Each is shown escaped, as the tool's own messages show one.
#[test]
fn a_refused_value_with_a_control_or_bidi_character_is_shown_escaped() {
    let sb = Sandbox::new();
    for (value, shown) in [
        ("act\u{202e}ive", r"'act\u{202e}ive'"),
        ("act\u{1b}[2Jive", r"'act\u{1b}[2Jive'"),
    ] {
        let out = sb
            .bare()
            .args(["list", "--status", value])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.starts_with("error: invalid value ") && err.contains(shown),
            "{err}"
        );
        assert!(!err.contains(['\u{202e}', '\u{1b}']), "{err:?}");
    }
}

/// A path with an escape in it was shown with the escape taken out, and
/// the letter after it too (`no\x1bdir` read `noir`), a tab as a space:
/// the message named another path. A path is shown escaped, as a value is.
#[test]
fn a_path_with_a_control_character_is_shown_escaped() {
    let fake = FakeApi::start(FakeConfig::default());
    let sb = Sandbox::new();
    let file = sb.path("no\u{1b}dir/f.csv");
    let out = (sb.tool(&fake).args(["list", "-o", "csv", "--output-file"]))
        .arg(&file)
        .output()
        .unwrap();
    let config = sb.path("x\ty/config.toml");
    let shown_config = (sb.bare().arg("--config").arg(&config))
        .args(["config", "show"])
        .output()
        .unwrap();
    for (out, code, shown) in [
        (out, 1, r"no\u{1b}dir/f.csv"),
        (shown_config, 3, r"x\u{9}y/config.toml"),
    ] {
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(err.contains(shown), "{err}");
        assert!(!err.contains(['\u{1b}', '\t']), "{err:?}");
    }
}

/// A usage error clap writes quotes the value it refused: the secret
/// pasted as a `--status`, an `-o` or a command was printed whole.
#[test]
fn a_secret_pasted_as_a_refused_value_is_redacted_in_the_usage_error() {
    let sb = Sandbox::new();
    for args in [
        &["list", "--status", SECRET][..],
        &["list", "-o", SECRET],
        &[SECRET],
    ] {
        let mut cmd = sb.bare();
        let out = cmd.env("TALKDESK_CLIENT_SECRET", SECRET).args(args);
        let out = out.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(
            err.starts_with("error: ") && err.contains("<redacted>"),
            "{err}"
        );
        assert!(!err.contains("test-secr"), "{err}");
    }
}

/// The client secret pasted as `--profile`, with a `'` in it or a
/// control character, was shown in the `config init` the message
/// suggests: shell-quoted (`'Zq9'\''SEC…'`) or as bash's `$'…'` with
/// its bytes escaped, forms the redactor did not know, so its pieces
/// between the escapes were each too short to be a part, and showed.
#[test]
fn a_secret_pasted_as_the_profile_is_redacted_in_the_suggested_command() {
    let sb = Sandbox::new();
    for secret in [
        "Zq9'SEC'RET'cli'ent-7'7",
        "Zq9\tSEC\u{1}RET\u{200b}cli\u{202e}ent-77",
        "é1é2é3é4é5é6\u{1}",
    ] {
        for profile in [secret.to_string(), format!("x{secret}")] {
            let mut cmd = sb.bare();
            let cmd = cmd.env("TALKDESK_CLIENT_SECRET", secret);
            let out = cmd.args(["--profile", &profile, "list"]).output().unwrap();
            let err = stderr_of(&out);
            assert_eq!(out.status.code(), Some(3), "{err}");
            assert!(err.contains("config init"), "{err}");
            for piece in ["SEC", "RET", "cli", "ent", r"\xc3\xa91"] {
                assert!(!err.contains(piece), "{piece} in {err}");
            }
        }
    }
}

/// The client secret of the config file was known only once its profile
/// was read: pasted as `--profile` (a profile not found), as `--since`,
/// or as a key of the file (an unknown field), the message quoting it
/// came first, and showed it whole.
#[test]
fn a_secret_of_the_config_file_is_redacted_in_a_message_before_its_profile_is_read() {
    let fake = fake_with(simple_accounts(1), Faults::default());
    let sb = Sandbox::new();
    let profile = format!("[default]\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{SECRET}\"\n");
    let config = sb.write_config("c.toml", &profile);
    let unknown = sb.write_config("u.toml", &format!("{profile}{SECRET} = 1\n"));
    for (config, args) in [
        (&config, &["--profile", SECRET, "list"][..]),
        (&config, &["changes", "--since", SECRET]),
        (&config, &["trend", "--since", SECRET]),
        (&unknown, &["list"]),
    ] {
        let mut cmd = sb.bare();
        let cmd = cmd.env("TALKDESK_BASE_URL", fake.base_url());
        let out = cmd.arg("--config").arg(config).args(args).output().unwrap();
        let err = stderr_of(&out);
        assert!(
            err.starts_with("error: ") && err.contains("<redacted>"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("test-secr"), "{args:?}: {err}");
    }
}

/// A usage error of clap's comes before any setting is read, and it knew
/// only `TALKDESK_CLIENT_SECRET`: the secret of the config file in use
/// (`TALKDESK_CONFIG`, or the default one), pasted as `--status`, was
/// printed whole in "invalid value '…' for '--status'".
#[test]
fn a_secret_of_the_config_file_is_redacted_in_a_usage_error() {
    let sb = Sandbox::new();
    let profile = format!("[default]\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{SECRET}\"\n");
    let config = sb.write_config("c.toml", &profile);
    let out = (sb.bare())
        .env("TALKDESK_CONFIG", &config)
        .args(["list", "--status", SECRET])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("invalid value '<redacted>'"), "{err}");
    assert!(!err.contains("test-secr"), "{err}");
}

/// The client secret pasted as a `--columns` name was printed on stdout
/// as that column's header by table and csv (the warning that no account
/// has the field redacted it).
#[test]
fn a_secret_pasted_as_a_column_is_not_a_header() {
    let fake = fake_with(simple_accounts(2), Faults::default());
    for format in ["table", "csv"] {
        let columns = format!("id,{SECRET}");
        let out = run_tool(&fake, &["list", "-o", format, "--columns", &columns]);
        assert!(out.status.success(), "{format}: {}", stderr_of(&out));
        let stdout = stdout_of(&out);
        assert!(stdout.contains("<redacted>"), "{format}: {stdout}");
        assert!(!stdout.contains("test-secr"), "{format}: {stdout}");
    }
}
