//! The console samples of README.md and docs/ cannot drift (issue 13,
//! item 2): every ```console block is run by trycmd (what clap and cargo
//! use for this) against the demo's fake API, and what the binary prints
//! (stdout and stderr together) must match what the block shows. `...` on
//! a line of its own and `[..]` inside a line stand for what varies (a
//! port, a time). Samples that need a real account or other programs are
//! in ```sh or ```text blocks, which are not run.
//!
//! docs/history.md's samples read a history store seeded first, the demo's
//! half year of weekly snapshots (`demo_history`) imported at fixed dates
//! (the last on [`DOCS_LAST_SNAPSHOT`]), so they show the same dates on any
//! day; the store is at the default path under the sandbox's XDG_DATA_HOME.
//!
//! trycmd's commands inherit the test process's environment, so the
//! samples run in a child copy of this test binary started without any
//! setting the tool reads (changing this process's own environment would
//! race the other tests' threads).

use crate::support;

use support::fake_api::{DOCS_LAST_SNAPSHOT, FakeApi, demo_config, demo_history};
use support::{Sandbox, stderr_of};

/// What the tool reads from the environment, beyond what the test sets.
const CLEARED: [&str; 17] = [
    "TALKDESK_CONFIG",
    "TALKDESK_HISTORY",
    "TALKDESK_PROFILE",
    "TALKDESK_ACCOUNT_NAME",
    "TALKDESK_REGION",
    "TALKDESK_CA_BUNDLE",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TERM",
];

#[test]
fn console_samples_in_the_readme_and_docs_match_the_binary() {
    let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"));
    child.args([
        "--exact",
        "docs::samples_in_an_environment_without_the_tools_settings",
        "--ignored",
        "--nocapture",
    ]);
    for name in CLEARED {
        child.env_remove(name);
    }
    let output = child.output().expect("run the samples");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the samples did not run: {stdout}"
    );
}

#[test]
#[ignore = "run by console_samples_in_the_readme_and_docs_match_the_binary, in a child process without the tool's settings in its environment"]
fn samples_in_an_environment_without_the_tools_settings() {
    let fake = FakeApi::start(demo_config());
    let sb = Sandbox::new();
    seed_history(&sb, &fake);
    let cases = trycmd::TestCases::new();
    cases
        .register_bin(
            "talkdesk-accounts",
            assert_cmd::cargo::cargo_bin("talkdesk-accounts"),
        )
        .env("HOME", sb.home().display().to_string())
        .env("XDG_CONFIG_HOME", sb.config_home().display().to_string())
        .env("XDG_CACHE_HOME", sb.cache_home().display().to_string())
        .env("XDG_DATA_HOME", sb.data_home().display().to_string())
        .env("NO_COLOR", "1")
        .env("TALKDESK_BACKOFF_SCALE", "0")
        .env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .case("README.md")
        .case("docs/*.md");
    cases.run();
}

/// Records the demo's weekly history, at fixed dates, in the sandbox's
/// default history store, as the demo does.
fn seed_history(sb: &Sandbox, fake: &FakeApi) {
    let exports = sb.path("exports");
    std::fs::create_dir_all(&exports).unwrap();
    for (week, (at, lines)) in demo_history(DOCS_LAST_SNAPSHOT)
        .unwrap()
        .into_iter()
        .enumerate()
    {
        let file = exports.join(format!("week-{week:02}.jsonl"));
        std::fs::write(&file, lines).unwrap();
        let out = sb
            .tool(fake)
            .args(["-q", "snapshot", "--import"])
            .arg(&file)
            .args(["--at", &at])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "importing {at}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A home as the recipes of docs/recipes.md expect: the binary in `~/.cargo/bin` (returned) and
/// a `prod` profile for `fake`.
fn cron_home(sb: &Sandbox, fake: &FakeApi) -> std::path::PathBuf {
    use std::fs;
    let bin = sb.home().join(".cargo/bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("talkdesk-accounts"),
        bin.join("talkdesk-accounts"),
    )
    .unwrap();
    support::write_private(
        &sb.default_config_path(),
        &format!(
            "[prod]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"test-client\"\nclient_secret = \"test-secret-value\"\n",
            fake.base_url(),
            fake.token_url()
        ),
    );
    bin
}

/// The nightly cron line of docs/recipes.md and the import loop of docs/history.md, run as
/// written in a zone a day east of UTC (its date is always UTC's tomorrow). The exports were named
/// by the local date, which `--at` reads as midnight UTC: the import loop refused the night's
/// export as "in the future" (exit 2). They are named by the UTC date.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "the recipe uses GNU date")]
fn the_nightly_exports_import_as_history_md_says_east_of_utc() {
    let recipes = std::fs::read_to_string("docs/recipes.md").unwrap();
    let cron = recipes
        .split("# m h dom mon dow  command\n")
        .nth(1)
        .unwrap();
    let cron = cron.lines().next().unwrap().splitn(6, ' ').last().unwrap();
    let history = std::fs::read_to_string("docs/history.md").unwrap();
    let import = history
        .split("turn them into history:\n\n```sh\n")
        .nth(1)
        .unwrap();
    let import = &import[..import.find("```").unwrap()];
    let fake = FakeApi::start(support::fake_api::FakeConfig {
        accounts: support::fake_api::simple_accounts(3),
        ..support::fake_api::FakeConfig::default()
    });
    let sb = Sandbox::new();
    let path = format!("{}:/usr/bin:/bin", cron_home(&sb, &fake).display());
    std::fs::create_dir(sb.home().join("exports")).unwrap();
    for script in [cron.trim().replace("\\%", "%"), import.to_string()] {
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .current_dir(sb.home())
            .env_clear()
            .envs(sb.env())
            .env("PATH", &path)
            .env("TZ", "EAST-24")
            .env("TALKDESK_PROFILE", "prod")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{script}\n{}", stderr_of(&out));
    }
}

/// The weekly script of docs/recipes.md, run as written (with `mail` a stub that keeps what it
/// was sent): nothing mailed when nothing changed, the differences mailed when there are some,
/// and an error, not a mail, when the report cannot be written. As first written, exit 1 was
/// taken for differences alone, and a full disk mailed "accounts changed" with an empty report.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the recipe uses GNU date and /dev/full"
)]
fn the_weekly_recipe_mails_the_differences_and_only_them() {
    use std::fs;
    use std::os::unix::fs::{PermissionsExt, symlink};
    let recipes = fs::read_to_string("docs/recipes.md").unwrap();
    let start = recipes.find("A weekly script").expect("the weekly recipe");
    let block = &recipes[start..];
    let block = &block[block.find("```sh\n").unwrap() + 6..];
    let script = &block[..block.find("```").unwrap()];
    let fake = FakeApi::start(support::fake_api::FakeConfig {
        accounts: support::fake_api::simple_accounts(4),
        ..support::fake_api::FakeConfig::default()
    });
    let sb = Sandbox::new();
    let home = sb.home();
    let bin = cron_home(&sb, &fake);
    let mail = bin.join("mail");
    // (At most 64 KiB of its stdin: /dev/full, read, never ends.)
    let stub = "#!/bin/sh\n{ echo \"$@\"; head -c 65536; } > \"$HOME/mailed\"\n";
    fs::write(&mail, stub).unwrap();
    fs::set_permissions(&mail, fs::Permissions::from_mode(0o755)).unwrap();
    let exports = home.join("exports");
    fs::create_dir_all(&exports).unwrap();
    let date = std::process::Command::new("date")
        .args(["-u", "-d", "7 days ago", "+%F"])
        .output()
        .unwrap();
    let last = exports.join(format!(
        "accounts-{}.json",
        String::from_utf8_lossy(&date.stdout).trim()
    ));
    let mailed = home.join("mailed");
    let run = || {
        let _ = fs::remove_file(&mailed);
        let out = std::process::Command::new("sh")
            .args(["-c", script])
            .env_clear()
            .envs(sb.env())
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        (
            out.status.code(),
            stderr_of(&out),
            fs::read_to_string(&mailed).ok(),
        )
    };
    let accounts = support::fake_api::simple_accounts(4);
    fs::write(&last, serde_json::to_string(&accounts).unwrap()).unwrap();
    assert_eq!(run(), (Some(0), String::new(), None), "nothing changed");
    fs::write(&last, serde_json::to_string(&accounts[..3]).unwrap()).unwrap();
    let (code, err, sent) = run();
    assert_eq!((code, err.as_str()), (Some(0), ""));
    let sent = sent.expect("the differences mailed");
    assert!(
        sent.starts_with("-s Talkdesk accounts changed since"),
        "{sent}"
    );
    assert!(sent.contains("\nadded,acc-0004,"), "{sent}");
    // The report on a full disk: an error, and no mail.
    fs::remove_file(exports.join("changes.csv")).unwrap();
    symlink("/dev/full", exports.join("changes.csv")).unwrap();
    let (code, err, sent) = run();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(sent, None, "nothing is mailed");
}
