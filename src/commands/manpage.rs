//! The `manpage` command: one man page (roff, section 1) for the
//! whole CLI, generated from the clap definitions by clap_mangen: the
//! global options, a section per command with its usage and options, and
//! the exit codes, environment and files.

use std::io::{self, Write};

use anyhow::Result;
use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::Cli;

/// The `term: description` paragraphs of EXIT STATUS, ENVIRONMENT and
/// FILES ([`definitions`] splits each at its first `: `).
const EXIT_CODES: [&str; 6] = [
    "0: success, also when no account matches, or when the reader of stdout went away (| head)",
    "1: any other failure (e.g. the output cannot be written); diff --exit-code: there are differences",
    "2: usage error, or a missing or malformed diff OLD or snapshot --import file",
    "3: configuration error (missing credentials, unknown profile or key, malformed file), an insecure URL, or a history store that is not this tool's (or is newer)",
    "4: authentication or authorization: the token request was refused, a 401 persisted, or a 403",
    "5: API or network failure after retries (5xx, 429, 400, 404, timeouts, malformed answers, next links that loop or are refused)",
];

const ENVIRONMENT: [&str; 20] = [
    "TALKDESK_CONFIG: the config file to use",
    "TALKDESK_PROFILE: the profile of the config file",
    "TALKDESK_CLIENT_ID: the OAuth client id",
    "TALKDESK_CLIENT_SECRET: the OAuth client secret",
    "TALKDESK_ACCOUNT_NAME: the Talkdesk account; forms the token URL",
    "TALKDESK_REGION: us (default), eu or ca",
    "TALKDESK_BASE_URL: overrides the region's API host (/express/accounts is appended)",
    "TALKDESK_TOKEN_URL: overrides the token URL",
    "TALKDESK_CA_BUNDLE: PEM file of root certificates to trust instead of the system's",
    "TALKDESK_MAX_RATE: requests per second at most (0.01 to 10000); default: the pace the API's rate limit allows",
    "TALKDESK_HISTORY: the history store (SQLite) to use",
    "HTTPS_PROXY, ALL_PROXY, NO_PROXY: the proxy to use, and hosts to reach directly (lower-case names too)",
    "HTTP_PROXY: the proxy for plain http:// URLs, which are only allowed to loopback hosts",
    "NO_COLOR: when set and not empty, --color auto never colours",
    "CLICOLOR: 0 turns --color auto off",
    "CLICOLOR_FORCE: when set and not empty, --color auto colours even off a terminal (NO_COLOR wins)",
    "TERM: dumb, or not set (outside Windows), turns --color auto off",
    "COLUMNS: the width a table fits on a terminal (the terminal's own otherwise)",
    "SSL_CERT_FILE, SSL_CERT_DIR: where the system's certificates are (Linux); ca_bundle replaces them",
    "XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME: where the config file, token cache and history store live (Linux)",
];

const FILES: [&str; 3] = [
    "<config dir>/talkdesk-accounts/config.toml: the config file (~/.config on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows); see config path and config init",
    "<cache dir>/talkdesk-accounts/: the token cache (~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows): one file per token URL, client id and fingerprint of the client secret, mode 0600 in a 0700 folder; it holds the token, never the secret",
    "<data dir>/talkdesk-accounts/history.sqlite3: the history store of snapshot, changes, history and trend (~/.local/share on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows); see --history",
];

/// Turns the `.SH` headings of a subcommand's rendered sections into
/// sub-headings of its own section, and drops its repeated description.
fn demote_headings(roff_text: &str) -> String {
    roff_text
        .lines()
        .filter(|l| !l.starts_with(".TH ") && *l != "Examples:")
        .map(|l| match l {
            ".SH SYNOPSIS" => ".SS Usage".to_string(),
            ".SH OPTIONS" => ".SS Options".to_string(),
            // As typed: not justified nor hyphenated (`.fi` follows them).
            ".SH EXTRA" => ".SS Examples\n.nf".to_string(),
            other if other.starts_with(".SH ") => format!(".SS {}", &other[4..]),
            other => other.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

/// A section for one command: its description, usage and own options
/// (the global options are described once, at the top).
fn render_command(command: &clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    let hidden =
        |a: &clap::Arg| a.is_global_set() || a.get_id() == "help" || a.get_id() == "version";
    let command = (command.clone()).mut_args(|a| match hidden(&a) {
        true => a.hide(true),
        false => a,
    });
    let title = command.get_bin_name().unwrap_or_else(|| command.get_name());
    let title = title.to_uppercase();
    let about = command.get_long_about().or_else(|| command.get_about());
    let about = about.map(|a| a.to_string()).unwrap_or_default();
    let mut head = Roff::new();
    head.control("SH", [title.as_str()]).text([roman(about)]);
    head.to_writer(out)?;

    let man = Man::new(command.clone());
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    if command.get_after_help().is_some() || command.get_after_long_help().is_some() {
        man.render_extra_section(&mut body)?;
        body.extend(b".fi\n");
    }
    out.write_all(demote_headings(&String::from_utf8_lossy(&body)).as_bytes())
}

/// Every visible command that does the work (leaves: `config init`, not
/// `config`), in definition order.
fn leaf_commands(command: &clap::Command) -> Vec<&clap::Command> {
    command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .flat_map(|sub| match sub.has_subcommands() {
            true => leaf_commands(sub),
            false => vec![sub],
        })
        .collect()
}

/// A section of `term: description` paragraphs, each item split at its
/// first `: ` (no term has one).
fn definitions(title: &str, items: &[impl AsRef<str>]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", [title]);
    for item in items {
        let item = item.as_ref();
        let (term, text) = item.split_once(": ").unwrap_or((item, ""));
        roff.control("TP", []);
        roff.text([bold(term)]);
        roff.text([roman(text)]);
    }
    roff
}

/// Writes the man page.
pub fn render(out: &mut Vec<u8>) -> io::Result<()> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    let leaves = leaf_commands(&command);
    // The list of commands, each described in its own section below.
    let items: Vec<String> = leaves
        .iter()
        .map(|command| {
            let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
            let name = name.strip_prefix("talkdesk-accounts ").unwrap_or(name);
            let name = [name].into_iter().chain(command.get_visible_aliases());
            let name = name.collect::<Vec<_>>().join(", ");
            let about = command.get_about().map(|a| a.to_string());
            format!("{name}: {}", about.unwrap_or_default())
        })
        .collect();
    definitions("COMMANDS", &items).to_writer(out)?;
    for sub in leaves {
        render_command(sub, out)?;
    }
    definitions("EXIT STATUS", &EXIT_CODES).to_writer(out)?;
    definitions("ENVIRONMENT", &ENVIRONMENT).to_writer(out)?;
    definitions("FILES", &FILES).to_writer(out)?;
    man.render_version_section(out)?;
    Ok(())
}

/// Prints the man page on stdout.
pub fn run() -> Result<()> {
    let mut buffer = Vec::new();
    render(&mut buffer)?;
    super::print("the man page", buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        let mut out = Vec::new();
        render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_command_has_a_section() {
        let text = page();
        assert!(text.contains("\n.TH talkdesk-accounts 1 "));
        for section in [
            "TALKDESK-ACCOUNTS LIST",
            "TALKDESK-ACCOUNTS SUMMARY",
            "TALKDESK-ACCOUNTS DIFF",
            "TALKDESK-ACCOUNTS CONFIG PATH",
            "TALKDESK-ACCOUNTS CONFIG SHOW",
            "TALKDESK-ACCOUNTS CONFIG INIT",
            "TALKDESK-ACCOUNTS AUTH CHECK",
            "TALKDESK-ACCOUNTS COMPLETIONS",
            "TALKDESK-ACCOUNTS MANPAGE",
            "COMMANDS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
        ] {
            assert!(
                text.contains(&format!(".SH \"{section}\""))
                    || text.contains(&format!(".SH {section}")),
                "{section} missing"
            );
        }
    }

    /// ENVIRONMENT lacked TALKDESK_MAX_RATE, TALKDESK_HISTORY and
    /// HTTP_PROXY; FILES lacked the history store and left the secret's
    /// fingerprint out of what names a token cache file.
    #[test]
    fn environment_and_files_name_every_variable_and_file() {
        let text = page();
        let section = |name: &str| {
            let start = text.find(&format!(".SH {name}\n")).expect(name);
            let rest = &text[start + 4..];
            rest[..rest.find("\n.SH ").unwrap_or(rest.len())].replace("\\-", "-")
        };
        let environment = section("ENVIRONMENT");
        for var in [
            "TALKDESK_CONFIG",
            "TALKDESK_PROFILE",
            "TALKDESK_CLIENT_ID",
            "TALKDESK_CLIENT_SECRET",
            "TALKDESK_ACCOUNT_NAME",
            "TALKDESK_REGION",
            "TALKDESK_BASE_URL",
            "TALKDESK_TOKEN_URL",
            "TALKDESK_CA_BUNDLE",
            "TALKDESK_MAX_RATE",
            "TALKDESK_HISTORY",
            "HTTPS_PROXY",
            "HTTP_PROXY",
            "NO_PROXY",
            "XDG_DATA_HOME",
        ] {
            assert!(environment.contains(var), "{var} missing:\n{environment}");
        }
        let files = section("FILES");
        assert!(files.contains("history.sqlite3"), "{files}");
        assert!(
            files.contains("token URL, client id and fingerprint of the client secret"),
            "{files}"
        );
    }

    /// `ls`, which `--help` shows as list's alias, was nowhere in the page.
    #[test]
    fn commands_name_the_alias_of_list() {
        let text = page();
        let commands = text.split(".SH COMMANDS\n").nth(1).unwrap();
        assert!(commands.contains("\\fBlist, ls\\fR"), "{commands}");
    }

    /// The examples were filled like prose: at 80 columns `man` justified
    /// and hyphenated them (`select(.sta‐` / `tus=="IN_TRIAL")`), so a
    /// line copied from the page was no command. They are shown as typed.
    #[test]
    fn examples_are_shown_as_typed() {
        let text = page();
        let sections: Vec<&str> = text.split("\n.SS Examples\n").skip(1).collect();
        assert_eq!(sections.len(), 2, "list and snapshot have examples");
        for examples in sections {
            let examples = &examples[..examples.find("\n.SH ").unwrap()];
            assert!(examples.starts_with(".nf\n"), "filled:\n{examples}");
            assert!(
                examples.contains("\n.fi\n"),
                "never filled again:\n{examples}"
            );
        }
    }
}
