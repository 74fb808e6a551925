//! `cargo run --example demo -- serve` (issue 13, item 3): the fake keeps
//! running and prints the variables and a config profile that point the
//! real binary at it; with them, `config init`, `auth check`, the token
//! cache and the commands work as the README says.
//!
//! The example is built by `cargo test` (cargo builds examples for a test
//! run) next to the test binaries; run alone, `cargo build --example demo`
//! first. Without it this test fails, it never passes unchecked.

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use support::{Sandbox, stderr_of, stdout_of};

/// `target/debug/examples/demo`, beside this test's `target/debug/deps/`.
fn demo_binary() -> PathBuf {
    let me = std::env::current_exe().expect("test executable");
    let profile_dir = me
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let demo = profile_dir
        .join("examples")
        .join(format!("demo{}", std::env::consts::EXE_SUFFIX));
    assert!(
        demo.exists(),
        "{} is missing: run the whole `cargo test` (it builds the examples) or `cargo build --example demo` first",
        demo.display()
    );
    demo
}

/// The running `serve`, killed when dropped.
struct Served {
    child: Child,
    /// Everything printed up to the end of the profile.
    text: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start() -> Served {
        let mut child = Command::new(demo_binary())
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the demo");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut served = Served {
            child,
            text: String::new(),
        };
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("read the demo's output");
            served.text.push_str(&line);
            served.text.push('\n');
            if line.starts_with("Then try:") {
                return served;
            }
        }
        panic!("serve ended early:\n{}", served.text);
    }

    /// The `export NAME=value` lines, as pairs.
    fn variables(&self) -> Vec<(String, String)> {
        self.text
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The `[demo]` profile, from its header to the blank line after it.
    fn profile(&self) -> String {
        let start = self.text.find("[demo]\n").expect("a [demo] profile");
        let rest = &self.text[start..];
        let end = rest
            .find("\n\n")
            .expect("the profile ends with a blank line");
        format!("{}\n", &rest[..end])
    }
}

#[test]
fn the_printed_variables_point_the_real_binary_at_the_fake() {
    let served = Served::start();
    let vars = served.variables();
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "TALKDESK_BASE_URL",
            "TALKDESK_TOKEN_URL",
            "TALKDESK_CLIENT_ID",
            "TALKDESK_CLIENT_SECRET"
        ]
    );
    let sb = Sandbox::new();
    let check = sb
        .bare()
        .envs(vars.clone())
        .args(["auth", "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr_of(&check));
    let report = stdout_of(&check);
    assert!(report.starts_with("OK:"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.split_whitespace().eq(["accounts", "120"])),
        "the demo's 120 accounts: {report}"
    );

    let summary = sb
        .bare()
        .envs(vars)
        .args(["summary", "-o", "csv"])
        .output()
        .unwrap();
    assert!(summary.status.success(), "{}", stderr_of(&summary));
    assert!(
        stdout_of(&summary).ends_with("TOTAL,120\n"),
        "{}",
        stdout_of(&summary)
    );
    // The token cache was written in the sandbox.
    assert!(sb.token_cache_dir().read_dir().unwrap().next().is_some());
}

#[test]
fn config_init_plus_the_printed_profile_works_with_profile_demo() {
    let served = Served::start();
    let sb = Sandbox::new();
    let init = sb.bare().args(["config", "init"]).output().unwrap();
    assert!(init.status.success(), "{}", stderr_of(&init));
    let path = sb.default_config_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push('\n');
    text.push_str(&served.profile());
    support::write_private(&path, &text);

    let check = sb
        .bare()
        .args(["--profile", "demo", "auth", "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr_of(&check));
    let list = sb
        .bare()
        .env("TALKDESK_PROFILE", "demo")
        .args(["ls", "-o", "jsonl", "--limit", "3"])
        .output()
        .unwrap();
    assert!(list.status.success(), "{}", stderr_of(&list));
    assert_eq!(stdout_of(&list).lines().count(), 3);
}

/// `cargo run --example demo` on a machine whose environment sets a proxy
/// (HTTP_PROXY, ALL_PROXY: corporate machines, some CI runners) reaches
/// its fake directly. Before, every request went to the proxy (here a
/// port nobody listens on) and the demo failed after its retries.
#[test]
fn the_demo_works_with_a_proxy_set_for_the_machine() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let out = Command::new(demo_binary())
        .arg("summary")
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("TALKDESK_BACKOFF_SCALE", "0")
        .output()
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("TOTAL      ┆   120"), "{stdout}");
}

/// The demo recorded its history only when the command was the first word without a `-`
/// (`--color never trend` found `never`), and not for `ls --at`: "no snapshot yet". Its newest
/// snapshot was a week back to the second, so the README's `changes --since 7d` always showed
/// "0 changes".
#[test]
fn the_demo_has_its_history_for_any_history_command_line() {
    let run = |args: &[&str]| {
        let out = Command::new(demo_binary()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr_of(&out));
        stdout_of(&out)
    };
    run(&["--color", "never", "trend", "--every", "month"]);
    run(&["-q", "ls", "--at", "10w", "--status", "TRIAL_LOST"]);
    let week = run(&["changes", "--since", "7d", "-o", "csv"]);
    assert!(week.lines().count() > 1, "{week}");
}
