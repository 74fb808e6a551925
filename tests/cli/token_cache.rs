//! The token (SPEC §4): cached on disk per token URL and client id, private,
//! without the secret, reused until 60 s before expiry, renewed once on a
//! 401 (mid-walk included), never read or written with `--no-cache`.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::fake_api::{FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, sample_accounts};
#[cfg(unix)]
use support::mode;
use support::{Sandbox, stderr_of, stdout_of};

fn fake(accounts: usize, faults: Faults) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: sample_accounts(accounts),
        page_cap: 50,
        faults,
        ..FakeConfig::default()
    })
}

/// Runs `list -o json` and returns the accounts, asserting success.
fn list(sb: &Sandbox, api: &FakeApi, extra: &[&str]) -> Vec<Value> {
    let out = sb
        .tool(api)
        .args(["list", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The files in the token cache folder.
fn cache_files(sb: &Sandbox) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(sb.token_cache_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The page and the bearer token of every accounts request, in arrival order.
fn pages_and_tokens(api: &FakeApi) -> Vec<(u64, String)> {
    api.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path() == "/express/accounts")
        .map(|r| {
            let page = r.query_param("page").map_or(1, |p| p.parse().unwrap_or(0));
            let token = r.header("authorization").unwrap_or_default().to_string();
            (page, token)
        })
        .collect()
}

#[test]
fn a_token_expiring_mid_walk_is_renewed_transparently() {
    for sequential in [true, false] {
        let api = fake(
            300,
            Faults {
                token_valid_for_requests: Some(3),
                ..Faults::default()
            },
        );
        let sb = Sandbox::new();
        let out = sb
            .tool(&api)
            .args(["list", "-o", "jsonl"])
            .args(if sequential {
                &["--concurrency", "1"][..]
            } else {
                &[]
            })
            .output()
            .unwrap();
        let what = format!("sequential: {sequential}");
        assert!(out.status.success(), "{what}: {}", stderr_of(&out));
        let got: Vec<Value> = stdout_of(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(got, sample_accounts(300), "{what}");
        assert_eq!(api.token_requests(), 2, "{what}: one renewal");
        if sequential {
            // --concurrency 1: only page 4 meets the expired token, and that
            // one request is repeated.
            assert_eq!(api.page_requests(), [1, 2, 3, 4, 4, 5, 6]);
        } else {
            // Concurrent: every page in flight may meet the expired token; each
            // is repeated once, all with the same new token, which serves
            // exactly the three pages the first one could not.
            let requests = pages_and_tokens(&api);
            let first = requests[0].1.clone();
            let renewed: Vec<u64> = requests
                .iter()
                .filter(|(_, token)| *token != first)
                .map(|(page, _)| *page)
                .collect();
            let mut tokens: Vec<&str> = requests.iter().map(|(_, t)| t.as_str()).collect();
            tokens.sort_unstable();
            tokens.dedup();
            assert_eq!(tokens.len(), 2, "two tokens in all: {requests:?}");
            assert_eq!(renewed.len(), 3, "the new token's requests: {requests:?}");
            for page in 1..=6 {
                let used: Vec<bool> = requests
                    .iter()
                    .filter(|(p, _)| *p == page)
                    .map(|(_, token)| *token == first)
                    .collect();
                assert!(
                    [vec![true], vec![false], vec![true, false]].contains(&used),
                    "page {page}: the first token, the new one, or the first then the new one: {requests:?}"
                );
            }
            assert_eq!(
                api.requests_for_page(1),
                1,
                "page 1 comes first, with a fresh token"
            );
        }
        assert_eq!(
            stderr_of(&out),
            "",
            "{what}: a renewal is not worth a warning"
        );
    }
}

#[test]
fn a_second_401_is_exit_4() {
    let api = fake(
        60,
        Faults {
            token_valid_for_requests: Some(0),
            ..Faults::default()
        },
    );
    let sb = Sandbox::new();
    let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "");
    let stderr = stderr_of(&out);
    assert!(stderr.starts_with("error: GET "), "{stderr}");
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(
        stderr.contains("check the client id and secret"),
        "{stderr}"
    );
    assert_eq!(api.token_requests(), 2, "one new token, not a loop");
    assert_eq!(api.page_requests(), [1, 1]);
    // The new token, refused too, is not kept: the next run does not
    // start with a token known to be refused (it did: one more 401).
    assert_eq!(cache_files(&sb), Vec::<PathBuf>::new());
}

#[test]
fn a_second_run_within_the_token_lifetime_requests_no_token() {
    let api = fake(120, Faults::default());
    let sb = Sandbox::new();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(120));
    assert_eq!(api.token_requests(), 1);
    api.clear_requests();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(120));
    assert_eq!(api.token_requests(), 0);
    assert_eq!(api.sorted_page_requests(), [1, 2, 3]);
}

/// Runs started together (cron, `xargs -P`) each ask for a token, and a
/// token endpoint limiting the client refuses some: a run whose token
/// request was refused takes the token another run cached meanwhile rather
/// than wait out the refusal and ask again (or fail once its retries are
/// spent). Run A's request is refused with `Retry-After: 60`; run B, started
/// once it is, gets the token and caches it; A then uses it. The token URL
/// is at another origin (the same server by another name), as Talkdesk's
/// is, so that its refusal holds no page of the walk.
#[test]
fn a_token_another_run_cached_while_this_one_was_refused_is_used() {
    let refused = Faults {
        script: vec![(RequestMatch::Token, FaultKind::RetryAfter(429, "60".into()))],
        ..Faults::default()
    };
    let api = fake(120, refused);
    let token_url = api.token_url().replace("127.0.0.1", "localhost");
    let sb = Sandbox::new();
    let mut a = sb.spawnable_tool(&api);
    // Waits as told (the sandbox's scale of 0 would retry at once).
    a.env("TALKDESK_BACKOFF_SCALE", "1")
        .args(["list", "-o", "json"]);
    a.env("TALKDESK_TOKEN_URL", &token_url);
    a.stdout(std::process::Stdio::piped());
    let a = a.stderr(std::process::Stdio::piped()).spawn().unwrap();
    // A's token request has arrived (not a time: a count).
    while api.token_requests() == 0 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let b = (sb.tool(&api).env("TALKDESK_TOKEN_URL", &token_url))
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", stderr_of(&b));
    let a = a.wait_with_output().unwrap();
    assert!(a.status.success(), "{}", stderr_of(&a));
    assert_eq!(a.stdout, b.stdout);
    let listed: Vec<Value> = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(listed, sample_accounts(120));
    // A's refused request and B's: A asked no more.
    assert_eq!(api.token_requests(), 2, "{}", stderr_of(&a));
    assert_eq!(api.tokens_issued(), 1);
}

#[test]
fn a_token_within_a_minute_of_expiry_is_not_reused() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        expires_in: 59,
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 2);

    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        expires_in: 600,
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 1);
}

/// A token answer a cache in front of the token endpoint stored (Varnish 7.1
/// told to hash a POST) comes with an `Age`: its `expires_in` counts from
/// when the endpoint answered, not from now (RFC 9111 §4.2.3). A token kept
/// 21 s with `expires_in: 20` was sent, refused by the API (401), asked for
/// again, the same one served, refused again: "check the client id and
/// secret", which the endpoint had accepted. It is not sent: the error names
/// the cache and its `Age`, exit 4 (the token cannot be used).
#[test]
fn a_token_a_cache_kept_past_its_life_is_not_sent() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        expires_in: 20,
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::WithHeaders(vec![("Age", "21".into())]),
        ),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = sb.tool(&api).arg("list").output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    for part in [
        "Age: 21",
        "expires_in: 20",
        "a cache in front of the token endpoint",
    ] {
        assert!(err.contains(part), "{part:?} missing from: {err}");
    }
    assert!(!err.contains("client id and secret"), "{err}");
    assert_eq!(api.page_requests(), Vec::<u64>::new(), "the token was sent");
    assert_eq!(api.token_requests(), 1);
    assert!(!sb.token_cache_dir().exists() || cache_files(&sb).is_empty());
}

/// A token kept 3545 s by a cache (`Age: 3545`) with `expires_in: 3600`
/// has 55 s left: it was cached on disk for the hour, and the next runs sent
/// it after it expired. Its life is what is left: a second run asks again.
#[test]
fn a_token_a_cache_kept_is_cached_for_what_is_left_of_its_life() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::WithHeaders(vec![("Age", "3545".into())]),
        ),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(10));
    assert_eq!(list(&sb, &api, &[]), sample_accounts(10));
    assert_eq!(api.token_requests(), 2, "the token's Age was not counted");
}

/// A token issued with `expires_in: 0` is sent as it is (the API's 401
/// decides), also when a cache in front of the token endpoint stored it
/// (`Age: 5`): it was refused as "stored it 5 s before, longer than the
/// token lasts (expires_in: 0)", exit 4, though the same token without an
/// `Age` is sent.
#[test]
fn a_token_issued_with_no_life_a_cache_kept_is_sent_as_it_is() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        expires_in: 0,
        faults: Faults::always(
            RequestMatch::Token,
            FaultKind::WithHeaders(vec![("Age", "5".into())]),
        ),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    assert_eq!(list(&sb, &api, &["--no-cache"]), sample_accounts(10));
    assert_eq!(api.token_requests(), 1);
}

#[test]
fn a_cached_token_the_api_no_longer_accepts_is_replaced() {
    let api = fake(60, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    api.revoke_tokens();
    api.clear_requests();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(60));
    assert_eq!(api.token_requests(), 1);
    assert_eq!(api.page_requests(), [1, 1, 2]);
    // The new token is the one cached now: a third run needs none.
    api.clear_requests();
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 0);
}

/// A cached token the API refused, in a cache folder that cannot be written (a read-only mount,
/// another user's folder): the repeat after the 401 read the same token back from the cache, and
/// every run ended exit 4 "check the client id and secret" until it expired. A refused token is
/// never used again in the run; a new one is got, and the cache only warns. The folder is made
/// read-only by a bind mount in a user and mount namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn a_refused_token_is_not_read_back_from_a_cache_that_cannot_be_written() {
    let api = fake(60, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    api.revoke_tokens();
    api.clear_requests();
    let script =
        r#"d=$1; shift; mount --bind "$d" "$d" && mount -o remount,bind,ro "$d" && exec "$@""#;
    let out = list_in_mount(&sb, &api, script, &sb.token_cache_dir(), "json");
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, sample_accounts(60));
    assert_eq!(api.token_requests(), 1, "a new token");
    assert!(err.contains("warning: could not"), "{err}");
}

/// `list -o FORMAT` against `api`, run by `script` (given `dir`, then the
/// command) in a mount namespace of its own.
fn list_in_mount(
    sb: &Sandbox,
    api: &FakeApi,
    script: &str,
    dir: &Path,
    format: &str,
) -> std::process::Output {
    sb.in_mount(script, &[&dir])
        .args(["list", "-o", format])
        .envs(support::tool_env(api))
        .output()
        .unwrap()
}

#[test]
fn each_client_id_has_its_own_cache_entry() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    api.update(|c| c.client_id = "other-client".into());
    let out = sb
        .tool(&api)
        .env("TALKDESK_CLIENT_ID", "other-client")
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        api.token_requests(),
        2,
        "the first client's token is not reused"
    );
    assert_eq!(cache_files(&sb).len(), 2);
}

#[cfg(unix)]
#[test]
fn the_token_cache_is_private_and_holds_no_secret() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let files = cache_files(&sb);
    assert_eq!(files.len(), 1, "one entry, no temporary file: {files:?}");
    assert_eq!(mode(&sb.token_cache_dir()), 0o700);
    assert_eq!(mode(&files[0]), 0o600);
    let text = fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains("test-secret-value"), "{text}");
    let entry: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(entry["client_id"], "test-client");
    assert_eq!(entry["token_url"], api.token_url());
}

#[cfg(unix)]
#[test]
fn a_loose_cache_folder_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.token_cache_dir()).unwrap();
    fs::set_permissions(sb.token_cache_dir(), fs::Permissions::from_mode(0o755)).unwrap();
    list(&sb, &api, &[]);
    assert_eq!(mode(&sb.token_cache_dir()), 0o700);
}

/// A cached token in a 0755 folder / 0644 file was used and left loose:
/// only writing a new token tightened the folder. Reading it tightens both.
#[cfg(unix)]
#[test]
fn a_loose_cached_token_is_used_and_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let file = cache_files(&sb).remove(0);
    fs::set_permissions(sb.token_cache_dir(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    api.clear_requests();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(10));
    assert_eq!(api.token_requests(), 0, "the cached token is used");
    assert_eq!(mode(&sb.token_cache_dir()), 0o700);
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn a_corrupt_cache_file_is_ignored_and_replaced() {
    let api = fake(60, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let file = cache_files(&sb).remove(0);
    for garbage in ["{\"access_token\": \"tok", "", "\u{0}\u{1}not json at all"] {
        fs::write(&file, garbage).unwrap();
        api.clear_requests();
        assert_eq!(list(&sb, &api, &[]), sample_accounts(60));
        assert_eq!(api.token_requests(), 1, "{garbage:?}");
        let entry: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        assert!(
            entry["access_token"]
                .as_str()
                .unwrap()
                .starts_with("fake-token-")
        );
    }
    api.clear_requests();
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 0, "the replacement is used");
}

/// A cache file was read whole, whatever it was: a named pipe there hung
/// the run for ever, a link to /dev/zero filled its memory. Only a regular
/// file of at most 64 KiB is read, and no link is followed (one there is
/// replaced when the new token is written, as before); anything else
/// counts as no cached token.
#[cfg(unix)]
#[test]
fn a_cache_file_that_is_a_pipe_a_link_or_too_big_counts_as_none() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let file = cache_files(&sb).remove(0);
    let entry = fs::read_to_string(&file).unwrap();
    // A good entry elsewhere, as a link's target.
    let elsewhere = sb.path("entry.json");
    fs::write(&elsewhere, &entry).unwrap();
    for what in [
        "a named pipe",
        "a link to a good entry",
        "a good entry padded past 64 KiB",
    ] {
        fs::remove_file(&file).unwrap();
        match what {
            "a named pipe" => {
                let made = std::process::Command::new("mkfifo").arg(&file).status();
                assert!(made.unwrap().success(), "mkfifo");
            }
            "a link to a good entry" => std::os::unix::fs::symlink(&elsewhere, &file).unwrap(),
            _ => fs::write(&file, format!("{entry}{}", " ".repeat(64 * 1024))).unwrap(),
        }
        api.clear_requests();
        let out = sb
            .tool(&api)
            .args(["list", "-o", "json"])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert!(out.status.success(), "{what}: {}", stderr_of(&out));
        let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(got, sample_accounts(10), "{what}");
        assert_eq!(api.token_requests(), 1, "{what}: a new token");
        let kind = fs::symlink_metadata(&file).unwrap().file_type();
        assert!(kind.is_file(), "{what}: replaced by a regular file");
        assert!(fs::metadata(&file).unwrap().len() < 64 * 1024, "{what}");
    }
    assert_eq!(
        fs::read_to_string(&elsewhere).unwrap(),
        entry,
        "the target untouched"
    );
}

#[test]
fn no_cache_neither_writes_nor_reads_the_cache() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &["--no-cache"]);
    assert!(
        !sb.cache_home().exists(),
        "nothing is written under the cache folder"
    );
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 2);
    list(&sb, &api, &["--no-cache"]);
    assert_eq!(api.token_requests(), 3, "the cached token is not read");
    list(&sb, &api, &[]);
    assert_eq!(api.token_requests(), 3, "nor replaced");
}

#[test]
fn an_unwritable_cache_is_a_warning_not_a_failure() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    // A file where the cache folder should be.
    fs::create_dir_all(sb.cache_home()).unwrap();
    fs::write(sb.token_cache_dir(), "not a folder").unwrap();
    let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, sample_accounts(10));
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with("warning: could not cache the token"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_token_request_refused_is_exit_4() {
    let api = fake(
        10,
        Faults::always(RequestMatch::Token, FaultKind::Status(401)),
    );
    let out = Sandbox::new()
        .tool(&api)
        .args(["list", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("HTTP 401"));
    assert_eq!(api.token_requests(), 1, "a refusal is not retried");
}

/// A token the run knows to be at its end is renewed before it is sent: it
/// was sent until the API refused it (a 401 for each page in flight, or a
/// gateway's 403, which ended the run). Here tokens live 4 s and the walk
/// takes about 4 s: renewed at half their life.
#[test]
fn a_token_near_its_end_is_renewed_before_it_is_sent() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(40),
        page_cap: 5,
        expires_in: 4,
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "5"])
        .args(["--concurrency", "1", "--max-rate", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 40);
    assert!(fake.tokens_issued() >= 2, "{} tokens", fake.tokens_issued());
}

/// A renewal of a token near its end that fails ends the run once: each
/// page in flight asked again (four refused token requests at the default
/// concurrency, and more with a 503's retries), which can lock a client.
#[test]
fn a_failed_renewal_before_expiry_is_asked_once() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(60),
        page_cap: 3,
        expires_in: 1,
        faults: Faults {
            tokens_before_refusing: Some(1),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake))
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "3"])
        .args(["--concurrency", "4", "--max-rate", "8"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert_eq!(fake.token_requests(), 2, "one token, one refused renewal");
}

/// A token is read again when its request's turn comes: one read before the wait in the pace
/// could lapse in it. Here tokens live 2 s (renewed at half their life) and the API refuses them
/// 0.8 s after issue (expired early, or revoked); `--max-rate 1` makes each request wait a
/// second. Read before the wait, the token was refused, and so was the repeat's new one, read
/// before its own wait: exit 4 "check the client id and secret" with good credentials. The token
/// URL is at another origin, as Talkdesk's is: its requests do not wait in the API's pace.
#[test]
fn a_token_is_read_again_when_its_turn_comes() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        page_cap: 1,
        expires_in: 2,
        faults: Faults {
            token_valid_for: Some(std::time::Duration::from_millis(800)),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake))
        .env(
            "TALKDESK_TOKEN_URL",
            fake.token_url().replace("127.0.0.1", "localhost"),
        )
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "1"])
        .args(["--concurrency", "1", "--max-rate", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got: Vec<Value> = (stdout_of(&out).lines())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got, sample_accounts(3));
}

/// The `-v` log of a walk of `pages` pages of one account, one at a time at `--max-rate rate`,
/// with no token cache and the token URL at another origin (the same server by another name),
/// as Talkdesk's is.
fn pages_one_by_one_at(fake: &FakeApi, rate: &str, pages: usize) -> String {
    let sb = Sandbox::new();
    let out = (sb.tool(fake))
        .env(
            "TALKDESK_TOKEN_URL",
            fake.token_url().replace("127.0.0.1", "localhost"),
        )
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "1", "-v"])
        .args(["--concurrency", "1", "--max-rate", rate])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), pages);
    stderr_of(&out)
}

/// A token got again at a request's turn (it expires within a second by then) that took longer
/// than half the pace's interval (0.4 s at `--max-rate 2`): the turn has gone by, and the request
/// waits for another, once, as `-v` says, rather than going out off the pace. Each token lives
/// 2 s, so over eight pages some expire while a page waits its turn.
#[test]
fn a_turn_gone_by_while_its_token_came_is_waited_for_again() {
    use std::sync::Arc;
    use support::fake_api::{Delay, Exchange, Route};
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(8),
        page_cap: 1,
        expires_in: 2,
        delay: Some(Delay(Arc::new(|ex: &Exchange| match ex.route {
            Route::Token => std::time::Duration::from_millis(400),
            _ => std::time::Duration::ZERO,
        }))),
        ..FakeConfig::default()
    });
    let stderr = pages_one_by_one_at(&fake, "2", 8);
    assert!(
        stderr.contains(" waits for another turn: its token came after its own"),
        "{stderr}"
    );
}

/// A token got again at a request's turn that came within half the pace's interval (1 s at
/// `--max-rate 0.5`) keeps the turn: the request waits for no other.
#[test]
fn a_turn_whose_token_came_quickly_is_kept() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        page_cap: 1,
        expires_in: 2,
        ..FakeConfig::default()
    });
    let stderr = pages_one_by_one_at(&fake, "0.5", 3);
    assert!(fake.tokens_issued() > 1, "{stderr}");
    assert!(!stderr.contains("waits for another turn"), "{stderr}");
}

/// The token is got before the request waits for its turn: since it was got after (4d3adf5),
/// a page went out 1 ms after the token request it waited for, both at the API's origin, above
/// `--max-rate 2` (a limiter counting both refused it); and pages whose turns came during a token
/// request went out together. Against a bucket that counts the token request and allows one
/// request every 0.4 s, a walk at `--max-rate 2` is never refused.
#[test]
fn a_page_never_follows_its_token_request_faster_than_the_pace() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(4),
        page_cap: 1,
        bucket: Some(support::fake_api::Bucket {
            counts_token: true,
            ..support::fake_api::Bucket::new(2.5, 1.0)
        }),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake))
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "1"])
        .args(["--concurrency", "1", "--max-rate", "2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 4);
    let refused: Vec<_> = fake.arrivals().into_iter().filter(|a| a.refused).collect();
    assert!(refused.is_empty(), "{refused:?}");
}

/// A token refused by one page's 401 while other pages waited for their turn with it was sent by
/// them all the same (they had got it before the wait): each spent its one repeat on a token the
/// run knew to be refused, and a walk whose tokens the API honours for 8 pages, though they claim
/// an hour, ended exit 4 with good credentials. At its turn a page gets another. (A life of 2 s
/// of wall time, as this test had, made the run's outcome hang on the machine's load: a repeat
/// sent with a token another page had got 2 s before was refused too, under a loaded CI.)
#[test]
fn a_token_refused_while_pages_wait_is_not_sent_by_them() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(24),
        page_cap: 1,
        faults: Faults {
            token_valid_for_requests: Some(8),
            ..Faults::default()
        },
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = (sb.tool(&fake))
        .args(["list", "-o", "jsonl", "--no-cache", "--per-page", "1"])
        .args(["--concurrency", "4", "--max-rate", "4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 24);
    assert_eq!(
        fake.stale_token_sends(),
        0,
        "pages sent a token already refused"
    );
}

/// A 403 for the missing scope said "the OAuth client needs the express-accounts:read scope", yet
/// the token granted without it stayed cached: once the scope was added, every run sent that token
/// again and ended the same 403 (exit 4) until it expired, an hour later. A token refused with a
/// 403 before any page was answered is not kept for the next run.
#[test]
fn a_token_refused_for_its_scope_is_not_kept_for_the_next_run() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(10),
        scope: "openid".into(),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("HTTP 403"), "{}", stderr_of(&out));
    // The scope is added to the OAuth client, as the error said to.
    api.update(|c| c.scope = "express-accounts:read openid".into());
    assert_eq!(list(&sb, &api, &[]), sample_accounts(10));
    assert_eq!(api.token_requests(), 2, "a new token, with the scope");
    // Not the refused one first: it was not kept, not tried and renewed.
    assert_eq!(api.page_requests(), vec![1, 1]);
}

/// The stderr of a `list` that succeeds with a warning of the token cache,
/// which names no `os error` (the bare error it was before).
fn warned_in_a_run(sb: &Sandbox, api: &FakeApi) -> String {
    let out = sb.tool(api).args(["list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    assert!(!stderr.contains("os error"), "{stderr}");
    stderr
}

/// A file where the cache folder (or a folder above it) should be got "creating the token cache
/// folder …: File exists (os error 17)" (or "Not a directory") on every run: neither what is in
/// the way nor what to do. The warning names the file and says to remove it or pass --no-cache.
#[test]
fn a_file_in_the_way_of_the_cache_folder_is_named() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.cache_home()).unwrap();
    fs::write(sb.token_cache_dir(), "not a folder").unwrap();
    let stderr = warned_in_a_run(&sb, &api);
    let file = sb.token_cache_dir().display().to_string();
    assert!(
        stderr.contains(&format!("folder {file} is a file, not a folder")),
        "{stderr}"
    );
    assert!(stderr.contains("remove it, or pass --no-cache"), "{stderr}");
}

/// A file above the cache folder (XDG_CACHE_HOME set to a file's path) is named, and is not the
/// cache's to remove: the warning says to check XDG_CACHE_HOME.
#[test]
fn a_file_above_the_cache_folder_is_named() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    fs::write(sb.cache_home(), "not a folder").unwrap();
    let stderr = warned_in_a_run(&sb, &api);
    assert!(
        stderr.contains(&format!(
            "the token cache folder {} cannot be made: {} is a file, not a folder; check XDG_CACHE_HOME, or pass --no-cache",
            sb.token_cache_dir().display(),
            sb.cache_home().display()
        )),
        "{stderr}"
    );
}

/// A cache folder that is a link to nothing (a folder since moved or unmounted) warned "creating
/// the token cache folder …: File exists (os error 17)" at every run, though nothing is there. The
/// warning says it is a link to a folder that does not exist, and what to do.
#[cfg(unix)]
#[test]
fn a_cache_folder_linked_to_nothing_is_said_so() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.cache_home()).unwrap();
    let gone = sb.path("moved-away");
    std::os::unix::fs::symlink(&gone, sb.token_cache_dir()).unwrap();
    let stderr = warned_in_a_run(&sb, &api);
    assert!(
        stderr.contains(&format!(
            "is a link to {}, which does not exist",
            gone.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("or pass --no-cache"), "{stderr}");
}

/// A folder in the place of the cache entry said "saving the token in <the cache folder>: Is a
/// directory (os error 21)" at every run, naming the folder that is fine, not the one in the way.
#[test]
fn a_folder_in_the_place_of_the_cache_entry_is_named() {
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let entry = cache_files(&sb).remove(0);
    fs::remove_file(&entry).unwrap();
    fs::create_dir(&entry).unwrap();
    let stderr = warned_in_a_run(&sb, &api);
    let shown = format!("{} is a folder", entry.display());
    assert!(stderr.contains(&shown), "{stderr}");
    assert!(stderr.contains("remove it, or pass --no-cache"), "{stderr}");
}

/// Run as another user with the caller's HOME (`sudo -u svc` keeping `HOME=/root`), every run
/// warned "could not cache the token: creating the token cache folder /root/.cache/…: Permission
/// denied (os error 13)", naming neither the folder to blame nor what to do. It names the folder
/// this user may not enter and says to set HOME or pass --no-cache. The user is mapped in a user
/// namespace of the test's own (root enters any folder).
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn a_cache_home_this_user_may_not_enter_is_named() {
    let (sb, stderr) = warned_as_another_user_with_cache_home_mode(0o000);
    let named = format!(
        "this user may not enter the folder {}",
        sb.cache_home().display()
    );
    assert!(stderr.contains(&named), "{stderr}");
    assert!(stderr.contains("or pass --no-cache"), "{stderr}");
}

/// A service account whose home it may not write (`HOME=/` for a daemon user, a read-only home)
/// warned at every run of a nightly job "could not cache the token: creating the token cache
/// folder /.cache/talkdesk-accounts: Permission denied (os error 13)", saying neither what to do
/// nor how to quiet it. It says to set XDG_CACHE_HOME to a folder this user may write, or to pass
/// --no-cache. The user is mapped in a user namespace of the test's own.
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn a_cache_home_this_user_may_not_write_says_what_to_do() {
    let (_sandbox, stderr) = warned_as_another_user_with_cache_home_mode(0o500);
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(stderr.contains("set XDG_CACHE_HOME"), "{stderr}");
    assert!(stderr.contains("or pass --no-cache"), "{stderr}");
}

/// A `list` run as another user (see `support::as_another_user`) whose cache home has `mode`:
/// the sandbox, and the run's stderr; the run succeeds, token cached or not.
#[cfg(unix)]
fn warned_as_another_user_with_cache_home_mode(mode: u32) -> (Sandbox, String) {
    use std::os::unix::fs::PermissionsExt;
    let api = fake(10, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.cache_home()).unwrap();
    fs::set_permissions(sb.cache_home(), fs::Permissions::from_mode(mode)).unwrap();
    let output = support::as_another_user()
        .args(["list", "-o", "json"])
        .envs(sb.env())
        .envs(support::tool_env(&api))
        .output()
        .expect("run unshare");
    fs::set_permissions(sb.cache_home(), fs::Permissions::from_mode(0o700)).unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    (sb, stderr)
}

/// A token endpoint echoing the secret base64-encoded in its scope (part
/// of the Basic value sent, `dGVzdC1jbGllbnQ6` + it): the scope was
/// cached, though `auth check` shows it redacted; only the whole Basic
/// value kept an answer out of the cache (found by fuzzing echoes).
#[test]
fn a_scope_holding_part_of_the_basic_value_is_not_cached() {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        scope: "express-accounts:read dGVzdC1zZWNyZXQtdmFsdWU=".into(),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    list(&sb, &api, &[]);
    let texts: Vec<String> = (fs::read_dir(sb.token_cache_dir()).into_iter().flatten())
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        texts.iter().all(|t| !t.contains("ZWNyZXQtdmFs")),
        "{texts:?}"
    );
}

/// django-oauth-toolkit's `protected_resource` answers a token it no longer takes (revoked, or
/// expired by its clock) with a bare 403, not a 401: a token revoked mid-walk ended the walk
/// (exit 4, "something in front of the API … may be refusing; try again later"), and, kept in
/// the cache, the next run was told "the OAuth client needs the express-accounts:read scope"
/// (exit 4). A 403 for a token pages were answered with, or one from the cache, gets one new
/// token and one more try, as a 401 does.
#[test]
fn a_token_refused_with_a_bare_403_after_it_worked_is_renewed() {
    renewed_after_it_worked(FakeConfig {
        bare_403_for_bad_tokens: true,
        ..FakeConfig::default()
    });
}

/// A token the fake of `config` takes for two requests is refused on the third page of a
/// walk and gets one new token and one more try; revoked, the cached one does the next run.
fn renewed_after_it_worked(config: FakeConfig) {
    let api = FakeApi::start(FakeConfig {
        accounts: sample_accounts(30),
        page_cap: 10,
        faults: Faults {
            token_valid_for_requests: Some(2),
            ..Faults::default()
        },
        ..config
    });
    let sb = Sandbox::new();
    assert_eq!(
        list(&sb, &api, &["--concurrency", "1"]),
        sample_accounts(30)
    );
    api.revoke_tokens();
    assert_eq!(list(&sb, &api, &[]), sample_accounts(30));
}

/// A Grape API with `format :xml` refusing a token it no longer takes with a 403 in XML: since
/// 26e268a1 such a 403 is the API's own word (the token just granted is forgotten), yet a token
/// revoked mid-walk still ended the walk (exit 4, "… may be refusing; try again later"), and a
/// cached one the next run ("… needs the express-accounts:read scope", exit 4). It gets one new
/// token and one more try, as the bare 403 does.
#[test]
fn a_token_refused_with_an_xml_403_after_it_worked_is_renewed() {
    renewed_after_it_worked(FakeConfig {
        xml_403_for_bad_tokens: true,
        ..FakeConfig::default()
    });
}

/// Behind a gateway that speaks only HTTP/2 (Node's without `allowHTTP1`), whose `403 Missing
/// ALPN Protocol` says nothing of the token, a cached token was taken for a revoked one (the bare
/// 403 a cached token gets one new token for): every run threw the cached token away and asked
/// for a new one, to be told the same HTTP/2 error. The token is kept.
#[test]
fn a_cached_token_is_kept_behind_an_http2_only_gateway() {
    const H2: &[u8] = b"HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nMissing ALPN Protocol, expected `h2` to be available.\n";
    let api = fake(
        3,
        Faults::always(RequestMatch::AnyPage, FaultKind::RawResponse(H2)),
    );
    let sb = Sandbox::new();
    for _ in 0..2 {
        let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("only HTTP/2"),
            "{}",
            stderr_of(&out)
        );
    }
    assert_eq!(api.token_requests(), 1, "the cached token was thrown away");
}

/// A WAF's ban page (mod_evasive's HTML 403) for the first page threw away the token just granted,
/// as if the API had refused its scope: every run during the ban, and the first after it, asked
/// for a new token. An HTML page is something in front of the API; the token is kept.
#[test]
fn a_cached_token_is_kept_through_a_ban_pages_403_on_the_first_page() {
    let ban = "<html><head><title>403 Forbidden</title></head><body>Forbidden</body></html>";
    let fault = FaultKind::StatusWithBody(403, ban.into());
    let api = fake(3, Faults::always(RequestMatch::AnyPage, fault));
    let sb = Sandbox::new();
    for _ in 0..2 {
        let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    }
    assert_eq!(api.token_requests(), 1, "the cached token was thrown away");
}

/// A storage service's XML error (S3's `<Error><Code>AccessDenied`, as CloudFront in front of an
/// API sends for a path its default behaviour passes to a bucket) is no API's word on the token:
/// since 26e268a1 read it as the API's own refusal, every run threw the token away and was told
/// "the OAuth client needs the express-accounts:read scope". The token is kept, as through a ban
/// page, and no scope is named.
#[test]
fn a_cached_token_is_kept_through_a_storage_services_xml_403() {
    let s3 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>8XKSDM3GW0WA1Q5T</RequestId><HostId>Zm9vYmFy</HostId></Error>";
    let fault = FaultKind::StatusWithBody(403, s3.into());
    let api = fake(3, Faults::always(RequestMatch::AnyPage, fault));
    let sb = Sandbox::new();
    for _ in 0..2 {
        let out = sb.tool(&api).args(["list", "-o", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
        let stderr = stderr_of(&out);
        assert!(stderr.contains("not the API's"), "{stderr}");
        assert!(!stderr.contains("scope"), "{stderr}");
    }
    assert_eq!(api.token_requests(), 1, "the cached token was thrown away");
}

/// A token cache folder that could not be made on a full disk (here a tmpfs with no inode free,
/// blocks to spare) warned "… cannot be made: No space left on device (os error 28); set
/// XDG_CACHE_HOME to a folder this user may write": no permission was wrong, and freeing space was
/// not said, where the cache file's own write, `--output-file` and the store say it. The disk is a
/// tmpfs mount in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and tmpfs"
)]
fn a_token_cache_folder_on_a_full_disk_is_told_to_free_space() {
    let api = fake(3, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.cache_home()).unwrap();
    let script = r#"mount -t tmpfs -o size=1m,nr_inodes=1 tmpfs "$1" && shift && exec "$@""#;
    let out = list_in_mount(&sb, &api, script, &sb.cache_home(), "jsonl");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(stdout_of(&out).lines().count(), 3, "{err}");
    assert!(err.contains("could not cache the token"), "{err}");
    assert!(err.contains("its disk is full; free some space"), "{err}");
    assert!(!err.contains("this user may write"), "{err}");
    assert!(err.contains("or pass --no-cache"), "{err}");
}

/// A token cache folder (made by an earlier run) on a file system mounted read-only (systemd's
/// `ProtectHome=read-only`, a container's `--read-only`) warned at every run "could not cache the
/// token: securing …: Read-only file system (os error 30)", saying nothing of what to do, where
/// every other failed cache write says to set XDG_CACHE_HOME or pass --no-cache. The mount is a
/// read-only bind mount in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn a_token_cache_on_a_read_only_file_system_says_what_to_do() {
    let api = fake(3, Faults::default());
    let sb = Sandbox::new();
    fs::create_dir_all(sb.token_cache_dir()).unwrap();
    let script = r#"mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@""#;
    let out = list_in_mount(&sb, &api, script, &sb.cache_home(), "jsonl");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("could not cache the token"), "{err}");
    assert!(err.contains("or pass --no-cache"), "{err}");
}

/// On a disk that keeps no modes (a FAT disk through FUSE: chmod says "Function not
/// implemented"), every run warned "could not cache the token: writing the token cache in …:
/// Function not implemented (os error 38); set XDG_CACHE_HOME to a folder this user may write",
/// though the folder was writable, and private: the disk gives every file 0700. There the token
/// is cached. Where the disk gives every file 0755 (as a vfat mount does, whose chmod changes
/// nothing and says nothing), no token is written where others may read it, and the warning says
/// why and where to go.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs fusefat and mkfs.fat, which a new machine may not have: .ci/run runs it where they are installed"]
fn fusefat_a_cache_on_a_disk_that_keeps_no_modes_is_used_where_private() {
    for (umask, cached) in [("077", true), ("022", false)] {
        let fake = fake(3, Faults::default());
        let sb = Sandbox::new();
        let (mut cmd, disk) = sb.on_a_fat_disk(
            umask,
            ":",
            r#"echo "second run" >&2; "$@" >/dev/null; echo "on the disk: $(ls -A "$d/talkdesk-accounts")" >&2"#,
        );
        let out = cmd
            .env("XDG_CACHE_HOME", &disk)
            .envs(support::tool_env(&fake))
            .args(["list", "-o", "csv"])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert_eq!(stdout_of(&out).lines().count(), 4, "{err}");
        if cached {
            assert_eq!(err.lines().next(), Some("second run"), "{err}");
            assert!(err.contains("on the disk: token-"), "{err}");
            assert_eq!(fake.token_requests(), 1, "{err}");
        } else {
            assert!(err.contains("on the disk: \n"), "{err}");
            assert_eq!(err.matches("warning: ").count(), 2, "{err}");
            assert!(err.contains("others may read"), "{err}");
            assert!(
                err.contains("set XDG_CACHE_HOME to a folder on another disk"),
                "{err}"
            );
            assert!(!err.contains("this user may write"), "{err}");
        }
    }
}
