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
    if shell != Shell::Bash {
        clap_complete::generate(shell, &mut command, BIN_NAME, out);
        return;
    }
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN_NAME, &mut script);
    let _ = out.write_all(fix_bash_labels(&String::from_utf8_lossy(&script)).as_bytes());
}

/// clap_complete (4.6.11 and before) spells the bash state of a subcommand
/// of a hyphenated binary two ways: the word loop sets
/// `talkdesk__accounts__subcmd__list` but the case arm is labelled
/// `talkdesk__subcmd__accounts__subcmd__list`, so nothing after the
/// subcommand ever completes (clap-rs/clap#6421). Relabel the arms the
/// way the loop spells them.
pub fn fix_bash_labels(script: &str) -> String {
    let wrong = format!("{}__subcmd__", BIN_NAME.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", BIN_NAME.replace('-', "__"));
    script.replace(&wrong, &right)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_case_arms_match_the_state_the_loop_sets() {
        let mut out = Vec::new();
        generate(Shell::Bash, &mut out);
        let script = String::from_utf8(out).unwrap();
        assert!(script.contains("cmd=\"talkdesk__accounts__subcmd__list\""));
        assert!(script.contains("\n        talkdesk__accounts__subcmd__list)\n"));
        assert!(!script.contains("talkdesk__subcmd__accounts"));
    }
}
