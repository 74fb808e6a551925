//! talkdesk-accounts: which Talkdesk accounts sit under my organization,
//! and in what state?
//!
//! The program is one pipeline: `cli` → `config` (flags > env > profile >
//! defaults) → `auth` (token) → `api` (pages, links) → `account` → filter
//! → `output` (table | json | jsonl | csv) → stdout or a file. `auth` and
//! `api` both build on `http` (agent, retries, redaction, proxies, URLs).

mod account;
mod accounts;
mod api;
mod atomic_file;
mod auth;
mod cli;
mod commands;
mod config;
mod error;
mod history;
mod http;
mod interrupt;
mod log;
mod output;
mod streams;
mod text;

/// What `examples/bench.rs` needs to build a year of history through the
/// same code as `snapshot --import`. Not an API: the binary is the product.
#[doc(hidden)]
pub mod bench_support {
    pub use crate::account::Account;
    pub use crate::history::record::Taken;
    pub use crate::history::{Access, Org, Store};
}

pub use streams::looked_at_start;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use cli::{Cli, Command};
use commands::Context;
use config::process_env;
use error::{exit_code_for, is_broken_pipe, is_silent, one_line};
use log::Log;

/// Runs a parsed command line.
fn run(cli: Cli) -> Result<()> {
    if cli.quiet && cli.verbose > 0 {
        return Err(error::usage_error(
            "-q (nothing on stderr but errors) and -v (log each request) contradict each other; pass one of them",
        ));
    }
    let ctx = Context {
        log: Log {
            verbosity: cli.verbose,
            quiet: cli.quiet,
        },
        color: cli.color,
        config: cli.config,
        profile: cli.profile,
        history: cli.history,
        env: &process_env,
        secrets: Default::default(),
    };
    // Known before anything is read (`diff` reads OLD before the settings).
    if let Some(secret) = process_env("TALKDESK_CLIENT_SECRET") {
        ctx.secrets.add(&secret);
    }
    let result = match &cli.command {
        Command::List(args) => commands::list::run(&ctx, args),
        Command::Completions { shell } => commands::completions::run(*shell),
        Command::Summary(args) => commands::summary::run(&ctx, args),
        Command::Diff(args) => commands::diff::run(&ctx, args),
        Command::Snapshot(args) => commands::snapshot::run(&ctx, args),
        Command::Changes(args) => commands::changes::run(&ctx, args),
        Command::History(args) => commands::history::run(&ctx, args),
        Command::Trend(args) => commands::trend::run(&ctx, args),
        Command::Config(cli::ConfigCommand::Path) => commands::config::path(&ctx),
        Command::Config(cli::ConfigCommand::Show) => commands::config::show(&ctx),
        Command::Config(cli::ConfigCommand::Init { force }) => commands::config::init(&ctx, *force),
        Command::Auth(cli::AuthCommand::Check(args)) => commands::auth::check(&ctx, args),
        Command::Manpage => commands::manpage::run(),
    };
    // No message may carry a secret, even one a server echoed back or the
    // data held (a `--jq` error quotes its input).
    // Nor a secret of the config file that was not read yet (a profile
    // not found, `--since` refused before the settings are).
    result.map_err(|e| {
        add_known_secrets(&ctx.secrets, ctx.config.as_deref());
        error::redacted(e, |m| ctx.secrets.redact_shown(m))
    })
}

/// Adds to `secrets` the client secrets known without the settings: the
/// environment's, and those of the config file `config` names (else the
/// environment or the default).
fn add_known_secrets(secrets: &http::redact::Redactor, config: Option<&std::path::Path>) {
    let mut known = config::secrets_in_file(config, &process_env);
    known.extend(process_env("TALKDESK_CLIENT_SECRET"));
    known.iter().for_each(|secret| secrets.add(secret));
}

/// Prints clap's `e`: a usage error quoting a refused value that is the
/// client secret (pasted as `--status SECRET`; of the environment or the
/// config file it names, or the default one) has it redacted, as every
/// other error has, and one quoting a value with a control or bidi
/// character has it escaped ([`text::visible`]), as the tool's own
/// messages have: clap quotes it as it is (both then without colour).
/// Help and version go to stdout; returns the exit code.
fn print_clap_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        // Help and version: nothing of the user's to redact or escape; exit
        // 0, or 1 when stdout cannot be written (closed at start, it is
        // /dev/null since, where it would succeed).
        let printed = match streams::stdout_closed() {
            true => Err(streams::closed_stdout()),
            false => e.print(),
        };
        return match printed {
            Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {err}");
                ExitCode::from(1)
            }
            _ => ExitCode::from(e.exit_code() as u8),
        };
    }
    let secrets = http::redact::Redactor::default();
    // (`--config` is not parsed yet.)
    add_known_secrets(&secrets, None);
    let text = e.render().to_string();
    let shown = text.split('\n').map(text::visible).collect::<Vec<_>>();
    let mut shown = shown.join("\n");
    // An escape sequence is gone from the rendered text (clap strips it
    // with its styles): the value is put back, escaped.
    use clap::error::{ContextKind as K, ContextValue};
    for kind in [K::InvalidValue, K::InvalidSubcommand, K::InvalidArg] {
        if let Some(ContextValue::String(value)) = e.get(kind) {
            let stripped = clap::builder::StyledStr::from(value.clone()).to_string();
            let quoted = |v: &str| format!("'{v}'");
            shown = shown.replacen(&quoted(&stripped), &quoted(&text::visible(value)), 1);
        }
    }
    let _ = match secrets.holds(&text) {
        true => write!(std::io::stderr(), "{}", secrets.redact_shown(&text)),
        false if shown != text => write!(std::io::stderr(), "{shown}"),
        false => e.print(),
    };
    ExitCode::from(e.exit_code() as u8)
}

/// Parses `args`, runs, prints any error as one `error:` line, and
/// returns the documented exit code. `main` is this and nothing more.
pub fn main_with_args(args: impl IntoIterator<Item = impl Into<OsString>>) -> ExitCode {
    let cli = match cli::parse(args.into_iter().map(Into::into).collect()) {
        Ok(cli) => cli,
        // Help and version, or a usage error (stderr, exit 2).
        Err(e) => return print_clap_error(&e),
    };
    // A bug must still end as one `error:` line and exit 1, never a
    // backtrace: the hook prints the line, catch_unwind picks the code.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error{place}; please report it with the command you ran"
        );
    }));
    interrupt::install();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))) {
        // A panic: the hook printed its line.
        Err(_) => ExitCode::from(error::Exit::Failure.code()),
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            if !is_broken_pipe(&err) && !is_silent(&err) {
                // Messages may quote what a server sent: make it inert.
                // (and readable: a 70,000-character next link is cut).
                let message = text::shorten_words(&text::terminal_safe(&one_line(&err)), 500);
                let _ = writeln!(log::Patient(std::io::stderr()), "error: {message}");
            }
            ExitCode::from(exit_code_for(&err).code())
        }
    }
}
