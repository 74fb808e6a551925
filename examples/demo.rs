//! `cargo run --example demo [-- ARGS]`: the tool against a local fake
//! Talkdesk API holding 120 sample accounts over several pages. No
//! credentials needed; nothing outside a temporary folder is touched.
//!
//! With no arguments it runs `list`. Any arguments are passed to the tool,
//! e.g. `cargo run --example demo -- list --status ACTIVE -o csv`.
//!
//! The demo starts the fake, then runs itself again as the CLI with the
//! fake's URLs and demo credentials in `TALKDESK_*` variables and its own
//! HOME/XDG folders, so your real config and token cache are never used.

#[path = "../tests/support/fake_api.rs"]
mod fake_api;

use std::process::{Command, ExitCode};

use fake_api::{FakeApi, FakeConfig, sample_accounts};

/// Set in the child: run as the CLI.
const CHILD_MARKER: &str = "TALKDESK_ACCOUNTS_DEMO_CHILD";

fn main() -> ExitCode {
    if std::env::var_os(CHILD_MARKER).is_some() {
        return talkdesk_accounts::main_with_args(std::env::args_os());
    }
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args.push("list".into());
    }
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(120),
        page_cap: 50,
        ..FakeConfig::default()
    });
    let sandbox = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("demo: cannot create a temporary folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let me = match std::env::current_exe() {
        Ok(path) => path,
        Err(e) => {
            eprintln!("demo: cannot find its own executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut child = Command::new(me);
    child
        .args(&args)
        .env(CHILD_MARKER, "1")
        .env("HOME", sandbox.path())
        .env("XDG_CONFIG_HOME", sandbox.path().join("config"))
        .env("XDG_CACHE_HOME", sandbox.path().join("cache"))
        .env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value");
    for var in [
        "TALKDESK_CONFIG",
        "TALKDESK_PROFILE",
        "TALKDESK_ACCOUNT_NAME",
        "TALKDESK_REGION",
        "TALKDESK_CA_BUNDLE",
    ] {
        child.env_remove(var);
    }
    match child.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1) as u8),
        Err(e) => {
            eprintln!("demo: cannot run the tool: {e}");
            ExitCode::FAILURE
        }
    }
}
