//! `completions SHELL`: the completion script, generated from the CLI.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The binary's name, as completions know it.
pub const BIN_NAME: &str = "talkdesk-accounts";

/// Writes the script for `shell`.
pub fn generate(shell: Shell, out: &mut dyn Write) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, BIN_NAME, out);
}

/// Prints the script for `shell` on stdout.
pub fn run(shell: Shell) -> Result<()> {
    let mut buffer = Vec::new();
    generate(shell, &mut buffer);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&buffer)?;
    stdout.flush()?;
    Ok(())
}
