//! `cargo run --example demo [-- ARGS]`: the tool against a local fake
//! Talkdesk API holding 120 sample accounts over several pages. No
//! credentials needed; nothing outside a temporary folder is touched.
//!
//! With no arguments it runs `list`. Any arguments are passed to the tool,
//! e.g. `cargo run --example demo -- list --status ACTIVE -o csv`.
//!
//! For the history commands (`snapshot`, `changes`, `history`, `trend`,
//! `list --at`) the demo first fills a throwaway history store with half a
//! year of weekly snapshots of the same organization (accounts joining as
//! trials, converting, churning), recorded with `snapshot --import` as a
//! user's saved exports would be. The live list is the state of today, so
//! `cargo run --example demo -- snapshot` shows this week's changes, and
//! `cargo run --example demo -- trend --plot trend.svg` draws the chart.
//!
//! The demo starts the fake, then runs itself again as the CLI with the
//! fake's URLs and demo credentials in `TALKDESK_*` variables and its own
//! HOME/XDG folders, so your real config and token cache are never used.
//!
//! `cargo run --example demo -- serve [--port N]` keeps the fake running
//! instead, and prints the `TALKDESK_*` variables and a config profile
//! that point the installed binary at it (config init, auth check, the
//! token cache, completions: everything can be tried). Ctrl-C stops it.

#[path = "../tests/support/fake_api.rs"]
mod fake_api;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, ExitCode};

use fake_api::{DEMO_WEEKS, FakeApi, demo_config, demo_history};

/// Set in the child: run as the CLI.
const CHILD_MARKER: &str = "TALKDESK_ACCOUNTS_DEMO_CHILD";

/// The demo's credentials (the fake accepts only these).
const CLIENT_ID: &str = "test-client";
const CLIENT_SECRET: &str = "test-secret-value";

/// The variables whose proxy the tool uses for http:// URLs.
const HTTP_PROXY_VARS: [&str; 4] = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/// `serve [--port N]`: the fake stays up, and what points at it is
/// printed, until Ctrl-C (the default SIGINT action ends the process).
fn serve(args: &[String]) -> ExitCode {
    let port = match args {
        [] => 0,
        [flag, n] if flag == "--port" => match n.parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("demo: --port needs a port number, not `{n}`");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("demo: usage: cargo run --example demo -- serve [--port N]");
            return ExitCode::from(2);
        }
    };
    let fake = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => FakeApi::from_listener(demo_config(), listener),
        Err(e) => {
            eprintln!("demo: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (base, token, port) = (fake.base_url(), fake.token_url(), fake.addr().port());
    let text = format!(
        "The fake Talkdesk API is serving 120 sample accounts (50 a page) at {base}.
Ctrl-C stops it. In another terminal, point talkdesk-accounts at it with these variables:

export TALKDESK_BASE_URL={base}
export TALKDESK_TOKEN_URL={token}
export TALKDESK_CLIENT_ID={CLIENT_ID}
export TALKDESK_CLIENT_SECRET={CLIENT_SECRET}

or with this profile, added to the file `talkdesk-accounts config init` writes
(then pass --profile demo, or export TALKDESK_PROFILE=demo; to serve at the same
port next time, so that the profile still works, start with `serve --port {port}`):

[demo]
base_url = \"{base}\"
token_url = \"{token}\"
client_id = \"{CLIENT_ID}\"
client_secret = \"{CLIENT_SECRET}\"

Then try: talkdesk-accounts auth check; talkdesk-accounts summary; talkdesk-accounts list
"
    );
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    if let Some(var) = HTTP_PROXY_VARS
        .into_iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    {
        eprintln!(
            "note: {var} is set: the tool would send the fake's http:// URLs through that proxy; also export NO_PROXY=127.0.0.1 (or add 127.0.0.1 to it)"
        );
    }
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    if std::env::var_os(CHILD_MARKER).is_some() {
        return talkdesk_accounts::main_with_args(std::env::args_os());
    }
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "serve") {
        return serve(&args[1..]);
    }
    if args.is_empty() {
        args.push("list".into());
    }
    let fake = FakeApi::start(demo_config());
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
    let tool = |args: &[String]| {
        let mut child = Command::new(&me);
        child.args(args);
        demo_env(&mut child, &fake, sandbox.path());
        child
    };
    if uses_history(&args) {
        if let Err(e) = seed_history(sandbox.path(), &tool) {
            eprintln!("demo: cannot fill the history store: {e}");
            return ExitCode::FAILURE;
        }
    }
    match tool(&args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1) as u8),
        Err(e) => {
            eprintln!("demo: cannot run the tool: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The child's environment: the fake's URLs, demo credentials, and the
/// sandbox for every folder, so nothing of the user's is read or written.
fn demo_env(child: &mut Command, fake: &FakeApi, sandbox: &Path) {
    child
        .env(CHILD_MARKER, "1")
        .env("HOME", sandbox)
        .env("XDG_CONFIG_HOME", sandbox.join("config"))
        .env("XDG_CACHE_HOME", sandbox.join("cache"))
        .env("XDG_DATA_HOME", sandbox.join("data"))
        .env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", CLIENT_ID)
        .env("TALKDESK_CLIENT_SECRET", CLIENT_SECRET)
        // A proxy set for the machine (HTTP_PROXY, ALL_PROXY) would take the
        // fake's http:// URLs too; the fake is right here.
        .env("NO_PROXY", "127.0.0.1");
    for var in [
        "TALKDESK_CONFIG",
        "TALKDESK_PROFILE",
        "TALKDESK_ACCOUNT_NAME",
        "TALKDESK_REGION",
        "TALKDESK_CA_BUNDLE",
        "TALKDESK_HISTORY",
    ] {
        child.env_remove(var);
    }
}

/// True for the commands that read or write the history store, wherever
/// the command stands among the options (`--color never trend`), and for
/// `list --at` (or `ls --at`). A value that happens to be such a word only
/// records the history for nothing.
fn uses_history(args: &[String]) -> bool {
    args.iter().any(|a| {
        matches!(a.as_str(), "snapshot" | "changes" | "history" | "trend") || a.starts_with("--at")
    })
}

/// Records the weekly history with `snapshot --import`, oldest first.
fn seed_history(sandbox: &Path, tool: &dyn Fn(&[String]) -> Command) -> Result<(), String> {
    let exports = sandbox.join("exports");
    std::fs::create_dir_all(&exports).map_err(|e| e.to_string())?;
    // The newest six days before today (inside `changes --since 7d`, the
    // README's first example), the oldest half a year back.
    let last = jiff::Timestamp::now().as_second() - 6 * 86_400;
    for (week, (at, lines)) in demo_history(last)?.into_iter().enumerate() {
        let file = exports.join(format!("week-{:02}.jsonl", DEMO_WEEKS - week as i64));
        std::fs::write(&file, lines).map_err(|e| e.to_string())?;
        let args: Vec<String> = vec![
            "-q".into(),
            "snapshot".into(),
            "--import".into(),
            file.display().to_string(),
            "--at".into(),
            at,
        ];
        let status = tool(&args).status().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("importing {} failed", file.display()));
        }
    }
    Ok(())
}
