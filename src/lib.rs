//! talkdesk-accounts: which Talkdesk accounts sit under my organization,
//! and in what state?
//!
//! The program is one pipeline: `cli` → `config` (flags > env > profile >
//! defaults) → `auth` (token) → `api` (pages, links) → `account` → filter
//! → `output` (table | json | jsonl | csv) → stdout or a file. `auth` and
//! `api` both build on `http` (agent, retries, redaction, proxies, URLs).

pub mod account;
pub mod api;
pub mod atomic_file;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod http;
pub mod interrupt;
pub mod log;
pub mod output;
pub mod text;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use cli::{Cli, Command};
use commands::Context;
use config::process_env;
use error::{exit_code_for, is_broken_pipe, is_silent, one_line};
use log::Log;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context {
        log: Log {
            verbosity: cli.verbose,
            quiet: cli.quiet,
        },
        color: cli.color,
        config: cli.config,
        profile: cli.profile,
        env: &process_env,
    };
    match &cli.command {
        Command::List(args) => commands::list::run(&ctx, args),
        Command::Completions { shell } => commands::completions::run(*shell),
        Command::Summary(args) => commands::summary::run(&ctx, args),
        Command::Diff(args) => commands::diff::run(&ctx, args),
        Command::Config(command) => commands::config::run(&ctx, command),
        Command::Auth(cli::AuthCommand::Check(args)) => commands::auth::check(&ctx, args),
        Command::Manpage => commands::manpage::run(),
    }
}

/// Parses `args`, runs, prints any error as one `error:` line, and
/// returns the documented exit code. `main` is this and nothing more.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with exit 0; errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    // A bug must still end as one `error:` line and exit 1, never a
    // backtrace: the hook prints the line, catch_unwind picks the code.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "error: internal error{place}; please report it with the command you ran"
        );
    }));
    interrupt::install();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli)));
    let Ok(result) = outcome else {
        return ExitCode::from(error::Exit::Failure.code());
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if !is_broken_pipe(&err) && !is_silent(&err) {
                let mut stderr = std::io::stderr().lock();
                // Messages may quote what a server sent: make it inert.
                let message = text::terminal_safe(&one_line(&err));
                let _ = writeln!(stderr, "error: {message}");
            }
            ExitCode::from(exit_code_for(&err).code())
        }
    }
}
