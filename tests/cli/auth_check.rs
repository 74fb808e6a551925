//! `auth check` against the fake API: one call with per_page=1, the
//! report's values, the token cache, and exit 4 with hints on refusal.
use crate::support;

use std::time::{SystemTime, UNIX_EPOCH};

use support::fake_api::{FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, simple_accounts};
use support::{Sandbox, stderr_of, stdout_of};

fn fake() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(123),
        expires_in: 1800,
        scope: "express-accounts:read openid".into(),
        ..FakeConfig::default()
    })
}

/// Where an `auth check` token comes from, always.
const NEW_TOKEN: &str = "a new token request (auth check always asks the token endpoint)";

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
    assert_eq!(value(&report, "token from"), NEW_TOKEN);
    assert_eq!(value(&report, "client id"), "test-client");
    assert_eq!(value(&report, "token url"), fake.token_url());
    assert!(!report.contains("test-secret-value"));

    // Expiry: about 30 minutes from now, as an HTTP date and minutes left.
    let expires = value(&report, "expires");
    let (when, left) = expires.split_once(" (in ").unwrap();
    let minutes: u64 = left.trim_end_matches(" min)").parse().unwrap();
    assert!((29..=30).contains(&minutes), "{expires}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = httpdate::parse_http_date(when)
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
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

/// Behind a cache that stores the token endpoint's answers (Varnish 7.1 told
/// to hash a POST, and not the Authorization), `auth check` said "token
/// from  a new token request (auth check always asks the token endpoint)"
/// for a token the cache had stored 300 s before (`Age: 300`): the
/// credentials were not checked, and a wrong secret would pass. The report
/// says where the token came from, and that the credentials were not checked.
#[test]
fn a_token_a_cache_in_front_of_the_endpoint_stored_is_not_called_new() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::WithHeaders(vec![("Age", "300".into())]),
        ),
        ..FakeConfig::default()
    });
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report = stdout_of(&output);
    assert!(!report.contains("the credentials work"), "{report}");
    let from = value(&report, "token from");
    for part in [
        "a cache in front of the token endpoint",
        "Age: 300",
        "not checked",
    ] {
        assert!(from.contains(part), "{part:?} missing from: {from}");
    }
}

#[test]
fn the_token_of_a_check_is_cached_for_the_runs_after_it() {
    let sb = Sandbox::new();
    let fake = fake();
    let check = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(check.status.success());
    let list = sb.tool(&fake).args(["list"]).output().unwrap();
    assert!(list.status.success(), "{}", stderr_of(&list));
    assert_eq!(fake.token_requests(), 1);
    let fresh = sb
        .tool(&fake)
        .args(["auth", "check", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(value(&stdout_of(&fresh), "token from"), NEW_TOKEN);
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

/// A secret pasted with a space after it got the plain 401 hint: the
/// space, sent as part of the secret, is named (the secret never shown).
#[test]
fn a_refused_secret_with_a_space_around_it_is_said_to_have_one() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    let output = sb
        .tool(&fake)
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value ")
        .args(["auth", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    let said =
        "client_secret begins or ends with a space, which is sent as part of it; check client_id";
    assert!(stderr.contains(said), "{stderr}");
    assert!(!stderr.contains("test-secret-value"), "{stderr}");
}

/// A right secret holding characters the form-encoding of RFC 6749 §2.3.1
/// changes (`~`, `+`, `&`), refused by a token server that does not decode
/// it (@node-oauth/oauth2-server), was told only to "check client_id and
/// client_secret": the encoding is named (the secret never shown).
#[test]
fn a_refused_secret_sent_percent_encoded_is_said_to_be() {
    let stderr = refused_undecoded("test-client", "p&ss~word+x");
    let said =
        "client_secret holds characters other than letters, digits and -._*, sent percent-encoded";
    assert!(stderr.contains(said), "{stderr}");
    assert!(!stderr.contains("word"), "{stderr}");
}

/// `auth check` with `id` and `secret`, refused by a token server that
/// does not decode them (`basic_undecoded`): exit 4, and what it said.
fn refused_undecoded(id: &str, secret: &str) -> String {
    let fake = FakeApi::start(FakeConfig {
        client_id: id.into(),
        client_secret: secret.into(),
        basic_undecoded: true,
        ..FakeConfig::default()
    });
    let output = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_CLIENT_ID", id)
        .env("TALKDESK_CLIENT_SECRET", secret)
        .args(["auth", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    stderr_of(&output)
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

/// A client refused the grant or the scope (Authlib's `unauthorized_client`
/// and oidc-provider's `invalid_scope`, 400 once the client is
/// authenticated; Auth0's `unauthorized_client`, 403) was told to "check
/// client_id and client_secret", which were right: what the client lacks is
/// said. A 401 is still about the credentials (Keycloak's
/// `unauthorized_client` for a wrong secret).
#[test]
fn a_client_without_the_grant_or_the_scope_is_told_what_it_lacks() {
    let grant = "the client_credentials grant must be enabled for the OAuth client";
    let scope = "the OAuth client needs the express-accounts:read scope";
    let credentials = "check client_id and client_secret";
    for (status, error, said) in [
        (400, "unauthorized_client", grant),
        (403, "unauthorized_client", grant),
        (400, "unsupported_grant_type", grant),
        (400, "invalid_scope", scope),
        (401, "unauthorized_client", credentials),
    ] {
        let body = format!(r#"{{"error": "{error}", "error_description": "not for you"}}"#);
        let stderr = token_refused(status, &body);
        assert!(
            stderr.contains(&format!("{error}: not for you; {said}")),
            "{stderr}"
        );
        if said != credentials {
            assert!(!stderr.contains(credentials), "{stderr}");
        }
    }
}

/// A client id and secret both holding characters the form-encoding
/// changes, refused by a token server that does not decode them
/// (@node-oauth/oauth2-server, id `sp ace` and secret `se cret`), were told
/// of the secret alone: a new secret without them was refused again.
#[test]
fn a_refused_id_and_secret_both_sent_percent_encoded_are_both_named() {
    let stderr = refused_undecoded("my~client", "p&ss~word+x");
    let said = "client_secret and client_id hold characters other than letters, digits and -._*, sent percent-encoded";
    assert!(stderr.contains(said), "{stderr}");
    assert!(!stderr.contains("word"), "{stderr}");
}

/// A secret pasted with a character outside printable ASCII (a zero-width
/// space, a typographic quote), which RFC 6749 (Appendix A) allows in no
/// client secret, was told "holds characters other than letters, digits and
/// -._*, sent percent-encoded (RFC 6749 §2.3.1), which some token servers do
/// not decode", blaming the server's decoding (oidc-provider 9.13 decodes it,
/// then refuses it: "client_id and client_secret in the authorization header
/// are not properly encoded", and told "the OAuth client must allow both" the
/// grant and the method, which it did). The character is named for what it is.
#[test]
fn a_refused_secret_outside_printable_ascii_is_said_to_be() {
    for (status, body) in [
        (
            401,
            r#"{"error":"invalid_client","error_description":"client authentication failed"}"#,
        ),
        (
            400,
            r#"{"error":"invalid_request","error_description":"client_id and client_secret in the authorization header are not properly encoded"}"#,
        ),
    ] {
        let fake = FakeApi::start(FakeConfig {
            faults: Faults::always(
                RequestMatch::Token,
                FaultKind::StatusWithBody(status, body.into()),
            ),
            ..FakeConfig::default()
        });
        let output = Sandbox::new()
            .tool(&fake)
            .env("TALKDESK_CLIENT_SECRET", "test-secret\u{200b}-value")
            .args(["auth", "check"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(4));
        let stderr = stderr_of(&output);
        let said = "client_secret holds characters outside printable ASCII, which RFC 6749 (Appendix A) allows in none";
        assert!(stderr.contains(said), "{stderr}");
        assert!(!stderr.contains("percent-encoded"), "{stderr}");
        assert!(!stderr.contains("-value"), "{stderr}");
        // oidc-provider's `invalid_request` is of the secret, not of the grant or the method.
        assert!(!stderr.contains("must allow both"), "{stderr}");
    }
}

/// An `invalid_request` for a client whose secret holds a character sent percent-encoded (a `+` of
/// a base64 secret), printable ASCII the server takes: the grant and the method are what such a
/// refusal can be of, as for a secret without one. Since the note on a secret outside printable
/// ASCII dropped that hint for every note, it was "check client_id and client_secret" alone.
#[test]
fn an_invalid_request_for_a_secret_sent_percent_encoded_still_names_the_grant() {
    let body = r#"{"error":"invalid_request","error_description":"grant not allowed"}"#;
    let fake = FakeApi::start(FakeConfig {
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::StatusWithBody(400, body.into()),
        ),
        ..FakeConfig::default()
    });
    let output = Sandbox::new()
        .tool(&fake)
        .env("TALKDESK_CLIENT_SECRET", "test+secret/value=")
        .args(["auth", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("sent percent-encoded"), "{stderr}");
    assert!(stderr.contains("must allow both"), "{stderr}");
    assert!(!stderr.contains("secret/value"), "{stderr}");
}

/// Glewlwyd 2.7 (Debian's, its oauth2 and oidc plugins) refuses a client without the
/// scope with a 400 `{"error":"scope_invalid"}` and one without the client
/// credentials grant with `{"error":"authorization_type_invalid"}`, no
/// description: its spellings of `invalid_scope` and `unauthorized_client`,
/// which were told "no OAuth answer; check token_url", exit 5, of the right
/// token_url.
#[test]
fn glewlwyds_refusals_of_the_scope_and_the_grant_say_what_the_client_lacks() {
    for (error, said) in [
        (
            "scope_invalid",
            "the OAuth client needs the express-accounts:read scope",
        ),
        (
            "authorization_type_invalid",
            "the client_credentials grant must be enabled for the OAuth client",
        ),
    ] {
        let stderr = token_refused(400, &format!(r#"{{"error":"{error}"}}"#));
        assert!(
            stderr.contains(&format!("HTTP 400: {error}; {said}")),
            "{stderr}"
        );
    }
}

/// A token endpoint refusing the client's authentication method, as one
/// registered for `client_secret_post` refuses the HTTP Basic this tool
/// sends (Authlib 1.9's 401 `invalid_client`), or the request itself
/// (oidc-provider 9.13's 400 `invalid_request` for a client without the
/// grant), was told to "check client_id and client_secret", which were
/// right: the method and the grant this tool sends are named.
#[test]
fn a_client_refused_its_authentication_method_is_told_the_one_sent() {
    let basic = "HTTP Basic client authentication (client_secret_basic)";
    for (status, body, said) in [
        (
            401,
            r#"{"error": "invalid_client", "error_description": "The client cannot authenticate with methods: ['client_secret_basic', 'client_secret_post']"}"#,
            "check client_id and client_secret, and that the OAuth client has the express-accounts:read scope and allows HTTP Basic",
        ),
        (
            400,
            r#"{"error":"invalid_request","error_description":"requested grant type is not allowed for this client"}"#,
            "a client_credentials grant with HTTP Basic",
        ),
    ] {
        let stderr = token_refused(status, body);
        assert!(stderr.contains(said) && stderr.contains(basic), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // A wrong secret (Talkdesk's own `invalid_client`, which names no
    // method) is told the hint of SPEC §5 alone: the method is no suspect.
    let wrong_secret =
        r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#;
    let stderr = token_refused(401, wrong_secret);
    assert!(
        stderr.trim_end().ends_with("check client_id and client_secret, and that the OAuth client has the express-accounts:read scope"),
        "{stderr}"
    );
}

/// The stderr of `auth check` against a token endpoint that answers
/// `status` with `body`, which exits 4.
fn token_refused(status: u16, body: &str) -> String {
    let fake = FakeApi::start(FakeConfig {
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::StatusWithBody(status, body.into()),
        ),
        ..FakeConfig::default()
    });
    let output = Sandbox::new().tool(&fake).args(["auth", "check"]).output();
    let output = output.unwrap();
    assert_eq!(output.status.code(), Some(4));
    stderr_of(&output)
}

#[test]
fn missing_credentials_are_a_config_error() {
    let sb = Sandbox::new();
    let output = sb.bare().args(["auth", "check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("TALKDESK_CLIENT_ID"));
}

/// A token endpoint that echoes the client secret, whole and cut short, in
/// the scopes it grants: the report shows neither.
#[test]
fn scopes_that_echo_the_secret_are_shown_without_it() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        scope: "express-accounts:read test-secret-value echo:test-secr…".into(),
        ..FakeConfig::default()
    });
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report = stdout_of(&output);
    assert_eq!(
        value(&report, "scopes"),
        "express-accounts:read <redacted> echo:<redacted>…"
    );
    assert!(!report.contains("test-secr"), "{report}");
}

/// A token answer without `expires_in` (or with `null`): the hour the tool
/// assumes is said to be assumed. It was shown as the token's expiry.
#[test]
fn an_expiry_the_token_endpoint_did_not_send_is_said_to_be_assumed() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        expires_in_as: Some(serde_json::Value::Null),
        ..FakeConfig::default()
    });
    let output = sb.tool(&fake).args(["auth", "check"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report = stdout_of(&output);
    let expires = value(&report, "expires");
    assert!(
        expires.starts_with("(not reported by the token endpoint; taken as ")
            && expires.ends_with(" GMT)"),
        "{report}"
    );
}

/// A token answer without `scope` grants the scope asked for (RFC 6749
/// §5.1: it is left out when identical; Azure AD v2 always leaves it out):
/// the report said "(not reported by the token endpoint;
/// express-accounts:read is needed)", as if it might be missing.
#[test]
fn a_scope_left_out_of_the_token_answer_is_the_one_asked_for() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        scope_omitted: true,
        ..FakeConfig::default()
    });
    let output = Sandbox::new().tool(&fake).args(["auth", "check"]).output();
    let output = output.unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report = stdout_of(&output);
    assert_eq!(
        value(&report, "scopes"),
        "express-accounts:read (not reported by the token endpoint, which means the scope asked for, RFC 6749 §5.1)"
    );
}

/// The run ignores SIGXFSZ (a file size limit is an error, not a kill):
/// `client_secret_cmd` inherited that, as an ignored signal survives exec.
#[cfg(target_os = "linux")]
#[test]
fn the_secret_command_runs_with_sigxfsz_at_its_default() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    // Prints the secret only when SIGXFSZ (25, bit 24) is not ignored.
    let script = sb.path("secret.sh");
    std::fs::write(
        &script,
        "m=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status)\n\
         if [ $(( 0x$m & 0x1000000 )) -eq 0 ]; then echo test-secret-value; else echo ignored; fi\n",
    )
    .unwrap();
    let config = sb.write_config(
        "config.toml",
        &format!(
            "[default]\nclient_secret_cmd = \"sh {}\"\n",
            support::quoted(&script)
        ),
    );
    let output = sb
        .tool(&fake)
        .env_remove("TALKDESK_CLIENT_SECRET")
        .arg("--config")
        .arg(&config)
        .args(["auth", "check"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
}

/// A 401 of a token endpoint is a refusal of the credentials, whatever else
/// it says: a `Retry-After` (a limiter's word only on a 403), AWS API
/// Gateway's "Missing Authentication Token" (its 403 for a path it has no
/// route for), or a JSON `error` that is no OAuth code (Spring Boot's
/// `"Unauthorized"`), in the first token request of a run.
#[test]
fn a_401_with_a_retry_after_or_a_gateway_message_still_names_the_credentials() {
    let credentials = "check client_id and client_secret, and that the OAuth client has the express-accounts:read scope";
    for (header, body) in [
        ("Retry-After: 60\r\n", r#"{"error":"invalid_client"}"#),
        (
            "",
            r#"{"error":"invalid_client","message":"Missing Authentication Token"}"#,
        ),
        ("", r#"{"error":"Unauthorized","status":401}"#),
    ] {
        let raw = format!(
            "HTTP/1.1 401 Unauthorized\r\n{header}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let raw: &'static [u8] = raw.into_bytes().leak();
        let fake = FakeApi::start(FakeConfig {
            faults: Faults::always(RequestMatch::Token, FaultKind::RawResponse(raw)),
            ..FakeConfig::default()
        });
        let output = Sandbox::new().tool(&fake).args(["auth", "check"]).output();
        let output = output.unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.trim_end().ends_with(credentials), "{stderr}");
    }
}

/// An OAuth error answer (RFC 6749 §5.2) sent with a 200, and no
/// `access_token`, is a refusal as with a 400: exit 4 and the credentials'
/// hint, not a token answer missing its token.
#[test]
fn an_oauth_error_answered_200_is_a_refusal() {
    let body = r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#;
    let stderr = token_refused(200, body);
    assert!(
        stderr.contains(
            "invalid_client: Client authentication failed; check client_id and client_secret"
        ),
        "{stderr}"
    );
}
