//! `completions SHELL`: the completion script, generated from the CLI.

use anyhow::Result;
use clap::builder::PossibleValue;
use clap::{CommandFactory, ValueHint};
use clap_complete::Shell;

use crate::account::Status;
use crate::cli::Cli;

/// The binary's name, as completions know it.
pub const BIN_NAME: &str = "talkdesk-accounts";

/// The script for `shell`.
pub fn generate(shell: Shell) -> String {
    let mut command = no_files_for_other_values(without_hidden_options(Cli::command()));
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN_NAME, &mut script);
    let script = after_commas(shell, String::from_utf8_lossy(&script).into_owned());
    match shell {
        Shell::Bash => fix_bash(&script, &command),
        Shell::Fish => fix_fish(&script, &command),
        _ => script,
    }
}

/// Statuses are comma-separated, but `--status ACTIVE,<TAB>` offered
/// nothing: each shell completes the status after the last comma (of
/// `--status` alone).
fn after_commas(shell: Shell, script: String) -> String {
    let names = Status::DOCUMENTED.map(|s| s.as_str().to_string());
    let (spaced, commas) = (names.join(" "), names.join(","));
    let tabbed = names.map(|n| format!("{n}\\t''")).join("\n");
    let (plain, sequence) = match shell {
        Shell::Bash => (
            format!("compgen -W \"{spaced}\" -- \"${{cur}}\""),
            format!("compgen -P \"${{cur%\"${{cur##*,}}\"}}\" -W \"{spaced}\" -- \"${{cur##*,}}\""),
        ),
        Shell::Zsh => (
            format!(":STATUS:({spaced})"),
            format!(":STATUS:_sequence compadd - {spaced}"),
        ),
        Shell::Fish => (
            format!("\"{tabbed}\""),
            format!("\"(__fish_complete_list , 'string split , {commas}')\""),
        ),
        _ => return script,
    };
    // `--status-from` and `--status-to` take one status: named on the line
    // of their values (zsh, fish) or the one before (bash).
    let mut last = "";
    (script.replace(&plain, &sequence).split_inclusive('\n'))
        .map(|line| {
            let one = [last, line]
                .iter()
                .any(|l| l.contains("status-from") || l.contains("status-to"));
            last = line;
            match one {
                true => line.replace(&sequence, &plain),
                false => line.to_string(),
            }
        })
        .collect()
}

/// The CLI as Tab should offer it: clap_complete offers the options that
/// `--help` hides too (`snapshot --status`, there only to be refused with
/// a reason). clap cannot remove an option, so such a subcommand is made
/// again from the options it shows (its name, an owned string, is why
/// clap's `string` feature is on).
fn without_hidden_options(command: clap::Command) -> clap::Command {
    command.mut_subcommands(|sub| {
        if !sub.get_arguments().any(|arg| arg.is_hide_set()) {
            return sub;
        }
        let shown = sub.get_arguments().filter(|arg| !arg.is_hide_set());
        clap::Command::new(sub.get_name().to_string())
            .about(sub.get_about().cloned().unwrap_or_default())
            .args(shown.cloned())
    })
}

/// A value clap knows nothing of (a number, a time, a jq expression, a
/// profile, an account id) was completed with file names by bash, zsh
/// and fish (`list --timeout <TAB>`). Only the values hinted as paths are
/// files: every other value without a list of its own is hinted `Other`,
/// which each shell completes with nothing.
fn no_files_for_other_values(command: clap::Command) -> clap::Command {
    let command = command.mut_args(|arg| {
        let unknown = arg.get_value_hint() == ValueHint::Unknown;
        match unknown && arg.get_action().takes_values() && arg.get_possible_values().is_empty() {
            true => arg.value_hint(ValueHint::Other),
            false => arg,
        }
    });
    command.mut_subcommands(no_files_for_other_values)
}

/// Four gaps of clap_complete's fish script (4.6.11):
///
/// - `talkdesk-accounts --color <TAB>` offered file names: the check
///   "no subcommand yet" runs fish's `argparse` over the words typed, which
///   fails on an option still waiting for its value, and the failure read
///   as "not at the top level", so the values of `--color` were never
///   offered there. A failed parse now counts as the top level.
/// - The values of a positional argument (`completions SHELL`) are not
///   emitted at all: one line per such argument is added.
/// - `help <TAB>` offered file names, not the commands (see below).
/// - So did `list <TAB>`: fish offers files where nothing says not to.
pub fn fix_fish(script: &str, command: &clap::Command) -> String {
    let name = BIN_NAME.replace('-', "_");
    let needs = format!("function __fish_{name}_needs_command\n");
    // The function's one `or return`, after the failed `argparse`.
    let mut fixed = match script.split_once(&needs) {
        Some((head, body)) => {
            let body = body.replacen("\n    or return\n", "\n    or return 0\n", 1);
            format!("{head}{needs}{body}")
        }
        None => script.to_string(),
    };
    let condition = format!("__fish_{name}_using_subcommand");
    // `help <TAB>` offered file names: the commands were offered only while
    // none is typed, `help` among them, which is.
    let help = format!("\"{condition} help; and not __fish_seen_subcommand_from ");
    fixed = (fixed.split_inclusive('\n'))
        .map(|line| match line.contains(&help) {
            true => line.replacen(" help\" -f", "\" -f", 1),
            false => line.to_string(),
        })
        .collect();
    // `list <TAB>` offered file names, which only `diff` takes.
    let fileless = (command.get_subcommands())
        .filter(|sub| !(sub.get_positionals()).any(|a| a.get_value_hint() == ValueHint::FilePath))
        .flat_map(|sub| sub.get_name_and_visible_aliases());
    let fileless = fileless.collect::<Vec<_>>().join(" ");
    fixed.push_str(&format!(
        "complete -c {BIN_NAME} -n \"{condition} {fileless}\" -f\n"
    ));
    for sub in command.get_subcommands() {
        for arg in sub.get_positionals() {
            let values = arg.get_possible_values();
            let shown = values.iter().filter(|v| !v.is_hide_set());
            let values: Vec<&str> = shown.map(PossibleValue::get_name).collect();
            if !values.is_empty() {
                fixed.push_str(&format!(
                    "complete -c {BIN_NAME} -n \"{condition} {}\" -f -a \"{}\"\n",
                    sub.get_name(),
                    values.join(" ")
                ));
            }
        }
    }
    fixed
}

/// clap_complete (4.6.11 and before) spells the bash state of a subcommand
/// of a hyphenated binary two ways: the word loop sets
/// `talkdesk__accounts__subcmd__list` but the case arm is labelled
/// `talkdesk__subcmd__accounts__subcmd__list`, so nothing after the
/// subcommand ever completes (clap-rs/clap#6421). Relabel the arms the
/// way the loop spells them.
///
/// Also, bash splits `--output=j` at `=`, so the word before `j` is `=`
/// and `--output=j<TAB>` offered nothing: the option is the word before.
///
/// And clap_complete's bash script offers a command's options for its first
/// word, and for any word not after an option taking a value: `diff <TAB>`
/// never offered the OLD file (bash's file-name fallback comes only when
/// nothing matched, so only once a letter was typed). In the arm of a
/// command whose positional is a file, a word not starting with `-` gets
/// nothing from the script, so that bash completes file names (quoted,
/// `~` and folders as readline does them).
fn fix_bash(script: &str, command: &clap::Command) -> String {
    let wrong = format!("{}__subcmd__", BIN_NAME.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", BIN_NAME.replace('-', "__"));
    let prev = "    prev=\"$3\"\n";
    let after_equals = "    [[ $prev == = ]] && prev=\"${COMP_WORDS[COMP_CWORD-2]}\"\n";
    let mut fixed =
        (script.replace(&wrong, &right)).replacen(prev, &format!("{prev}{after_equals}"), 1);
    let files = (command.get_subcommands())
        .filter(|sub| (sub.get_positionals()).any(|a| a.get_value_hint() == ValueHint::FilePath))
        .map(|sub| sub.get_name());
    for name in files.collect::<Vec<_>>() {
        let label = format!("\n        {right}{name})\n");
        let Some(start) = fixed.find(&label) else {
            continue;
        };
        let end = start + fixed[start..].find("\n            ;;\n").unwrap_or(0);
        let arm = fixed[start..end]
            .replacen(" || ${COMP_CWORD} -eq 2 ]]", " ]]", 1)
            .replacen(
                "COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n            return 0",
                "COMPREPLY=()\n            return 0",
                1,
            );
        fixed.replace_range(start..end, &arm);
    }
    fixed
}

/// Prints the script for `shell` on stdout.
pub fn run(shell: Shell) -> Result<()> {
    super::print("the completion script", generate(shell))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_case_arms_match_the_state_the_loop_sets() {
        let script = generate(Shell::Bash);
        assert!(script.contains("cmd=\"talkdesk__accounts__subcmd__list\""));
        assert!(script.contains("\n        talkdesk__accounts__subcmd__list)\n"));
        assert!(!script.contains("talkdesk__subcmd__accounts"));
    }

    /// fish's Tab offers no file names after a command that takes none
    /// (`list`), and still does after `diff`, which takes files.
    #[test]
    fn fish_offers_files_after_diff_alone() {
        let script = generate(Shell::Fish);
        let head = "complete -c talkdesk-accounts -n \"__fish_talkdesk_accounts_using_subcommand ";
        let line = script
            .lines()
            .find(|l| l.starts_with(head) && l.ends_with("\" -f"));
        let line = line.unwrap_or_else(|| panic!("no fileless line in {script}"));
        let words: Vec<&str> = line[head.len()..]
            .trim_end_matches("\" -f")
            .split(' ')
            .collect();
        assert!(
            words.contains(&"list") && !words.contains(&"diff"),
            "{line}"
        );
    }

    /// `snapshot --status`, hidden from `--help` and always refused, was
    /// offered by every shell's Tab.
    #[test]
    fn no_script_offers_an_option_help_hides() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let script = generate(shell);
            assert!(
                !script.contains("a snapshot is the whole organization"),
                "{shell}"
            );
            if shell == Shell::Bash {
                let mut lines = script.lines();
                lines.find(|l| l.trim() == "talkdesk__accounts__subcmd__snapshot)");
                let opts = lines.next().unwrap_or_default();
                assert!(
                    opts.contains("--import") && !opts.contains("--status"),
                    "{opts}"
                );
            }
        }
    }
}
