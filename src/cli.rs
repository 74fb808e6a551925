//! Every clap type: the command line as users type it.
//!
//! The `///` comments are the help text. Values parsed here are raw: they
//! are merged with the environment and the config file in `config.rs`.

use std::path::PathBuf;

use clap::builder::{ArgPredicate, PathBufValueParser, PossibleValue, TypedValueParser};
use clap::{Arg, Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::account::Status;
use crate::history::when::Every;
pub use crate::output::{OutputFormat, ReportFormat};
/// When to use colour: clap's own auto, always and never.
pub use clap::ColorChoice as ColorWhen;

const LIST_EXAMPLES: &str = "\
Examples:
  talkdesk-accounts list --status ACTIVE
  talkdesk-accounts list -o csv --output-file accounts.csv
  talkdesk-accounts list -o json | jq '.[] | select(.status==\"IN_TRIAL\") | .company_name'
  talkdesk-accounts list --jq 'select(.status==\"IN_TRIAL\") | .company_name'";

const GET_STARTED: &str = "\
Get started: talkdesk-accounts config init, then auth check, then list
Documentation: `talkdesk-accounts manpage | man -l -`, README.md and docs/ beside the source
The API: https://docs.talkdesk.com/reference/get-accounts";

/// The heading of the global options in every command's help.
const GLOBAL: &str = "Global options";

const SNAPSHOT_EXAMPLES: &str = "\
Examples:
  talkdesk-accounts snapshot                       # nightly, from cron
  talkdesk-accounts snapshot --import 2026-11-01.json --at 2026-11-01
  talkdesk-accounts changes --since 7d";

/// List the Talkdesk accounts under your organization, and their state.
#[derive(Debug, Parser)]
#[command(name = "talkdesk-accounts", version, about, propagate_version = true)]
// A repeated option: the last one wins, as in gh (not a usage error);
// --status and -v, which add up, are not affected.
#[command(args_override_self = true, after_help = GET_STARTED)]
pub struct Cli {
    /// Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]
    #[arg(short, long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath, help_heading = GLOBAL)]
    pub config: Option<PathBuf>,

    /// Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]
    #[arg(short, long, global = true, value_name = "NAME", help_heading = GLOBAL)]
    pub profile: Option<String>,

    /// History store (the snapshots, SQLite) to use [env: TALKDESK_HISTORY] [default: <data dir>/talkdesk-accounts/history.sqlite3]
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath, help_heading = GLOBAL)]
    pub history: Option<PathBuf>,

    /// Log each request to stderr; twice adds headers (secrets redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,

    /// When to colour the output (`auto` honours NO_COLOR, CLICOLOR=0, CLICOLOR_FORCE=1 and TERM=dumb)
    #[arg(long, global = true, value_enum, value_parser = Lenient::<ColorWhen>::default(), ignore_case = true, value_name = "WHEN", default_value_t = ColorWhen::Auto, help_heading = GLOBAL)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the organization's accounts, walking every page
    #[command(visible_alias = "ls", after_help = LIST_EXAMPLES)]
    List(ListArgs),

    /// Count accounts per status (same filters as list)
    Summary(SummaryArgs),

    /// Compare a saved JSON/JSONL export with the live list: added, removed, changed
    Diff(DiffArgs),

    /// Record the whole organization in the history store (or a saved export)
    #[command(after_help = SNAPSHOT_EXAMPLES)]
    Snapshot(SnapshotArgs),

    /// What changed between snapshots: added, removed, status and other changes
    Changes(ChangesArgs),

    /// One account's versions over time, from when to when
    History(HistoryArgs),

    /// Count per status at the end of each day, week or month, with a chart
    Trend(TrendArgs),

    /// Inspect or create the config file
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Check the credentials against the API
    #[command(subcommand)]
    Auth(AuthCommand),

    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        #[arg(value_parser = Lenient::<clap_complete::Shell>::default(), ignore_case = true)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff) on stdout
    Manpage,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file path in use (and whether it exists)
    Path,
    /// Print the resolved settings with secrets redacted, and where each came from
    Show,
    /// Write a commented config file (mode 0600)
    Init {
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Get a token and call the API once; report OK, the granted scopes and the token expiry
    Check(CheckArgs),
}

/// `auth check` options: those of [`ApiArgs`] but the page size (it asks
/// for one account).
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Timeout in seconds for each phase of a request (connecting, the answer's
    /// headers, its body) [default: 30]
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", value_parser = whole::<u64>(1, 86_400))]
    pub timeout: Option<u64>,

    /// Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u32>(0, 100))]
    pub max_retries: Option<u32>,

    /// Neither read nor write the token cache
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Args)]
#[command(mut_args(status_help("Count")))]
pub struct SummaryArgs {
    #[command(flatten)]
    pub stream: StreamArgs,

    #[command(flatten)]
    pub format: DocumentFormat,

    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Clone, Args)]
#[command(mut_args(status_help("Compare")))]
pub struct DiffArgs {
    /// A file written by `list -o json` or `list -o jsonl`; `-` reads it from stdin
    #[arg(value_name = "OLD", value_hint = ValueHint::FilePath)]
    pub old: PathBuf,

    #[command(flatten)]
    pub stream: StreamArgs,

    #[command(flatten)]
    pub format: DocumentFormat,

    /// Exit 1 when there are differences (like git diff)
    #[arg(long)]
    pub exit_code: bool,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// The options of the account stream (see `accounts.rs`) that `list`,
/// `summary` and `diff` share.
#[derive(Debug, Clone, Default, Args)]
pub struct StreamArgs {
    /// Keep only these statuses (repeatable, comma-separated, case-insensitive)
    #[arg(short, long, value_parser = Lenient::<Status>::default(), value_delimiter = ',')]
    #[arg(ignore_case = true, value_name = "STATUS")]
    pub status: Vec<Status>,

    /// Pages fetched at once once the page count is known (1 = sequential) [default: 4]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<usize>(1, 64))]
    pub concurrency: Option<usize>,
}

/// Parses the command line. `-v` counts wherever it is given: clap keeps
/// the count of one level for a counted global flag, so `-v auth check -v`
/// was one `-v`.
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = named_as_the_binary(Cli::command()).color(help_color(&args));
    let matches = command.try_get_matches_from_mut(&args)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
    if let (Command::List(list), Some((_, given))) = (&mut cli.command, matches.subcommand()) {
        let source = given.value_source("output");
        list.output_given = source == Some(clap::parser::ValueSource::CommandLine);
    }
    // Counted only when there is one.
    if cli.verbose > 0 {
        cli.verbose = (cli.verbose).max(times_verbose(&command, args.get(1..).unwrap_or_default()));
    }
    Ok(cli)
}

/// The last `--color` among `args` (up to `--`), for help and usage errors,
/// which clap writes before the options are known.
fn help_color(args: &[std::ffi::OsString]) -> clap::ColorChoice {
    let mut words =
        (args.iter().map(|a| a.to_str().unwrap_or_default())).take_while(|&a| a != "--");
    let mut choice = None;
    while let Some(word) = words.next() {
        match word.strip_prefix("--color") {
            Some("") => choice = words.next(),
            Some(value) => choice = value.strip_prefix('=').or(choice),
            None => {}
        }
    }
    // In any case, as `--color` itself; anything else is for clap to refuse.
    let choice = choice.and_then(|choice| ValueEnum::from_str(choice, true).ok());
    choice.unwrap_or(clap::ColorChoice::Auto)
}

/// The `-v`s among `args` (up to `--`), option values told apart as clap
/// tells them: by the options of `command` (the one just parsed with)
/// that take one.
fn times_verbose(command: &clap::Command, args: &[std::ffi::OsString]) -> u8 {
    let (mut long, mut short) = (Vec::new(), Vec::new());
    let mut commands = vec![command];
    while let Some(command) = commands.pop() {
        for arg in (command.get_arguments()).filter(|a| a.get_action().takes_values()) {
            long.extend(arg.get_long());
            short.extend(arg.get_short());
        }
        commands.extend(command.get_subcommands());
    }
    let (mut count, mut value_next) = (0u8, false);
    for arg in args.iter().map(|a| a.to_str().unwrap_or_default()) {
        if std::mem::take(&mut value_next) {
            continue;
        }
        match (arg.strip_prefix("--"), arg.strip_prefix('-')) {
            (Some(""), _) => break,
            (Some("verbose"), _) => count = count.saturating_add(1),
            (Some(name), _) => value_next = long.contains(&name),
            (None, Some(letters)) => {
                for (at, letter) in letters.char_indices() {
                    if letter == 'v' {
                        count = count.saturating_add(1);
                    } else if short.contains(&letter) {
                        // The rest is its value, else the next argument is.
                        value_next = at + 1 == letters.len();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    count
}

/// Every subcommand's `-V` says `talkdesk-accounts 0.1.0`, as the
/// binary's does (clap's own name for it, `talkdesk-accounts-list`, is no
/// program there is).
fn named_as_the_binary(command: clap::Command) -> clap::Command {
    command.mut_subcommands(|sub| named_as_the_binary(sub.display_name(env!("CARGO_PKG_NAME"))))
}

/// Words `--status`'s help for a command that does `verb` with the
/// accounts (in place: the order of the options stays).
fn status_help(verb: &'static str) -> impl FnMut(Arg) -> Arg {
    move |arg| match arg.get_id() == "status" {
        true => arg.help(format!(
            "{verb} only these statuses (repeatable, comma-separated, case-insensitive)"
        )),
        false => arg,
    }
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Record this saved `list -o json` or `-o jsonl` export instead of the live list
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "at",
          conflicts_with_all = OFFLINE, value_parser = home_path())]
    pub import: Option<PathBuf>,

    /// With --import: when the export was taken (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)
    #[arg(long, value_name = "TIME", requires = "import")]
    pub at: Option<String>,

    /// Not allowed: a snapshot is the whole organization
    #[arg(short, long, hide = true, value_name = "STATUS")]
    pub status: Vec<String>,

    #[command(flatten)]
    pub format: DocumentFormat,

    /// Pages fetched at once once the page count is known (1 = sequential) [default: 4]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<usize>(1, 64))]
    pub concurrency: Option<usize>,

    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ChangesArgs {
    /// Changes at snapshots from this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Changes at snapshots up to this time (same forms as --since)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,

    /// Only accounts that left this status (status changes and removals)
    #[arg(long, value_parser = Lenient::<Status>::default(), ignore_case = true, value_name = "STATUS")]
    pub status_from: Option<Status>,

    /// Only accounts that reached this status (status changes and additions)
    #[arg(long, value_parser = Lenient::<Status>::default(), ignore_case = true, value_name = "STATUS")]
    pub status_to: Option<Status>,

    /// Only this account (its id, or its name in any case)
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    #[command(flatten)]
    pub format: RowsFormat,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// The account's id (or its name, in any case)
    #[arg(value_name = "ID")]
    pub id: String,

    #[command(flatten)]
    pub format: RowsFormat,
}

#[derive(Debug, Clone, Args)]
pub struct TrendArgs {
    /// From this time on (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back) [default: the first snapshot]
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// Length of a period (UTC days, ISO weeks from Monday, calendar months)
    #[arg(long, value_enum, value_parser = Lenient::<Every>::default(), ignore_case = true, value_name = "PERIOD", default_value_t = Every::Week)]
    pub every: Every,

    /// Also write the chart as an SVG picture to this file (`-`: stdout,
    /// instead of the table)
    #[arg(long, value_name = "FILE.svg", value_hint = ValueHint::FilePath, value_parser = home_path())]
    pub plot: Option<PathBuf>,

    #[command(flatten)]
    pub format: DocumentFormat,
}

/// `-o` and `--jq` of the commands that print rows (`list`, `changes`,
/// `history`): `--jq` alone implies jsonl, run on each row.
#[derive(Debug, Clone, Args)]
pub struct RowsFormat {
    /// Output format (case-insensitive; jsonl when --jq is given)
    #[arg(short, long, value_enum, value_parser = Lenient::<OutputFormat>::default(), ignore_case = true)]
    #[arg(value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    #[arg(default_value_if("jq", ArgPredicate::IsPresent, "jsonl"))]
    pub output: OutputFormat,

    /// Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub jq: Option<String>,
}

/// `-o` and `--jq` of the commands that print one document (`summary`,
/// `diff`, `snapshot`, `trend`): `--jq` alone implies json.
#[derive(Debug, Clone, Args)]
pub struct DocumentFormat {
    /// Output format (case-insensitive; json when --jq is given)
    #[arg(short, long, value_enum, value_parser = Lenient::<ReportFormat>::default(), ignore_case = true)]
    #[arg(value_name = "FORMAT", default_value_t = ReportFormat::Table)]
    #[arg(default_value_if("jq", ArgPredicate::IsPresent, "json"))]
    pub output: ReportFormat,

    /// Filter the JSON output through a jq expression, as gh --jq: strings print raw, other values as compact JSON
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub jq: Option<String>,
}

/// The options of [`ApiArgs`], and `--concurrency`, which a command that
/// reads no API (`list --at`, `snapshot --import`) refuses rather than
/// ignores.
const OFFLINE: [&str; 6] = [
    "per_page",
    "timeout",
    "max_retries",
    "max_rate",
    "no_cache",
    "concurrency",
];

/// Options shared by every command that calls the API.
#[derive(Debug, Clone, Default, Args)]
pub struct ApiArgs {
    /// Page size to ask for (1-100) [default: 50]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u32>(1, 100))]
    pub per_page: Option<u32>,

    /// Timeout in seconds for each phase of a request (connecting, the answer's
    /// headers, its body) [default: 30]
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", value_parser = whole::<u64>(1, 86_400))]
    pub timeout: Option<u64>,

    /// Retries per request on network errors, timeouts, 429, 500, 502, 503 and 504 [default: 4]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u32>(0, 100))]
    pub max_retries: Option<u32>,

    /// At most N requests per second (e.g. 2 or 0.5) [env: TALKDESK_MAX_RATE] [default: learn the API's limit]
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = max_rate)]
    pub max_rate: Option<f64>,

    /// Neither read nor write the token cache
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub stream: StreamArgs,

    #[command(flatten)]
    pub format: RowsFormat,

    /// Whether `-o` was given, not taken by default ([`parse`] sets it).
    #[arg(skip)]
    pub output_given: bool,

    /// Comma-separated fields, in order (any field the API returns) [table and csv default: id,name,company_name,status]; json and jsonl print only these fields when given, every field otherwise
    #[arg(long, value_name = "LIST", value_delimiter = ',', action = clap::ArgAction::Set)]
    pub columns: Option<Vec<String>>,

    /// Table and csv: leave out the header row
    #[arg(long)]
    pub no_header: bool,

    /// Stop after N matching accounts, fetching no page beyond them
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>(1, u64::MAX))]
    pub limit: Option<u64>,

    /// Fetch only page N, no walking
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>(1, u64::MAX))]
    pub page: Option<u64>,

    /// Sort by a field (stable; text case-insensitively; applied after --limit) [default: API order]
    #[arg(long, value_name = "FIELD")]
    pub sort: Option<String>,

    /// Write to this file (atomically) instead of stdout; `-` is stdout
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath, value_parser = home_path())]
    pub output_file: Option<PathBuf>,

    /// csv: do not neutralise cells that a spreadsheet would run as formulas
    #[arg(long)]
    pub no_formula_guard: bool,

    /// csv: start with a UTF-8 byte-order mark (for Excel)
    #[arg(long)]
    pub bom: bool,

    /// The list as it was at WHEN, from the history store, offline (RFC 3339 time, a date meaning 00:00 UTC, or 7d, 2w, 3mo back)
    #[arg(long, value_name = "WHEN", conflicts_with = "page", conflicts_with_all = OFFLINE)]
    pub at: Option<String>,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// A file flag's path, `~/…` in the home folder: bash expands no `~` after
/// `--output-file=` (`--output-file=~/a.csv` failed), and `--history=~/…`
/// is read so.
fn home_path() -> impl TypedValueParser<Value = PathBuf> {
    PathBufValueParser::new().map(|path| crate::config::in_home(&path).unwrap_or(path))
}

/// `--max-rate`: requests per second, 0.01 to 10000 (see [`check_max_rate`]).
fn max_rate(text: &str) -> Result<f64, String> {
    let rate = (text.trim().parse::<f64>())
        .map_err(|_| format!("`{text}` is not a number; use requests per second, e.g. 2 or 0.5"))?;
    crate::config::check_max_rate(rate)
}

/// A parser of whole numbers in `low..=high`, whose errors say what was
/// wrong in words (clap's own say "invalid digit found in string"; its
/// range message would print `1..18446744073709551615`).
fn whole<T: TryFrom<u64>>(low: u64, high: u64) -> impl Fn(&str) -> Result<T, String> + Clone {
    move |text| {
        // Spaces around it, as `--max-rate` and `--status` take them.
        let text = text.trim();
        let wanted = match high {
            u64::MAX => format!("{low} or more"),
            _ => format!("{low} to {high}"),
        };
        // `-1` is below the range, not "not a whole number".
        let negative = text.starts_with('-') && text[1..].parse::<u64>().is_ok();
        match text.parse::<u64>() {
            Ok(n) if n < low => Err(format!("must be {wanted}")),
            Ok(n) if n <= high => T::try_from(n).map_err(|_| format!("`{text}` is too large")),
            _ if negative => Err(format!("must be {wanted}")),
            // Digits beyond 64 bits are too large too.
            Err(_) if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) => {
                Err(format!("`{text}` is not a whole number; use {wanted}"))
            }
            _ => Err(format!("`{text}` is too large; use at most {high}")),
        }
    }
}

/// `--status` takes the documented statuses, as the API spells them (a
/// constant's, borrowed for `'static`: their names live as long as clap
/// needs them).
impl ValueEnum for Status {
    fn value_variants<'a>() -> &'a [Status] {
        &Status::DOCUMENTED
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let documented = Status::DOCUMENTED.iter().find(|s| *s == self)?;
        Some(PossibleValue::new(documented.as_str()))
    }
}

/// A value of one of the documented sets (`--status`, `-o`, `--color`,
/// `--every`, the shell), read as clap reads the enum, without the spaces
/// around it (`-s 'active, churned'`).
#[derive(Clone)]
struct Lenient<T: ValueEnum + Clone + Send + Sync + 'static>(clap::builder::EnumValueParser<T>);

impl<T: ValueEnum + Clone + Send + Sync + 'static> Default for Lenient<T> {
    fn default() -> Self {
        Self(clap::builder::EnumValueParser::new())
    }
}

impl<T: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for Lenient<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let value = value.to_str().map_or(value, |v| v.trim().as_ref());
        self.0.parse_ref(cmd, arg, value).map_err(|mut e| {
            // clap's "similar value" tip compares case and all, though any
            // case is taken: `in-trial` gets the tip `IN_TRIAL` would, and
            // `-o JSN` the one of `jsn` (the value named as given).
            use clap::error::{ContextKind, ContextValue};
            let as_named = |v: &str| [v.to_uppercase().replace('-', "_"), v.to_lowercase()];
            let tip =
                (value.to_str().map(as_named).into_iter().flatten()).find_map(|v| {
                    match self.0.parse_ref(cmd, arg, v.as_ref()) {
                        Ok(named) => (named.to_possible_value())
                            .map(|p| ContextValue::String(p.get_name().into())),
                        Err(e) => e.get(ContextKind::SuggestedValue).cloned(),
                    }
                });
            if let Some(tip) = tip.filter(|_| e.get(ContextKind::SuggestedValue).is_none()) {
                e.insert(ContextKind::SuggestedValue, tip);
            }
            e
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.0.possible_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values are read in any case, the shell's too (`completions BASH`
    /// was a usage error beside `-o JSON` and `--color ALWAYS`).
    #[test]
    fn a_shell_name_is_read_in_any_case() {
        for shell in ["bash", "BASH", "Zsh"] {
            let args = ["talkdesk-accounts", "completions", shell];
            assert!(parse(args.map(Into::into).to_vec()).is_ok(), "{shell}");
        }
    }

    /// `-v` before and after the command counted once (`-v auth check -v`
    /// logged no headers); values that look like `-v` are no `-v`.
    #[test]
    fn every_v_counts_wherever_it_is_and_values_are_not_counted() {
        let verbosity = |line: &str| {
            let args = std::iter::once("talkdesk-accounts").chain(line.split(' '));
            parse(args.map(Into::into).collect()).unwrap().verbose
        };
        for (line, v) in [
            ("-v auth check -v", 2),
            ("auth -v check -v", 2),
            ("-vv auth check", 2),
            ("auth check -vv", 2),
            ("--verbose list -v", 2),
            ("list -v", 1),
            ("list --jq -v", 0),
            ("list --jq=-v -v", 1),
            ("-pv list", 0),
            ("-qp v list", 0),
            ("diff -v -- -v", 1),
            ("list", 0),
            // An option's value that looks like `-v`, beside a `-v`.
            ("-v list --jq -v", 1),
            ("-v list -pv -v", 2),
            ("-v -p x list", 1),
        ] {
            assert_eq!(verbosity(line), v, "{line}");
        }
    }
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn status_is_repeatable_comma_separated_and_case_insensitive() {
        let cli = Cli::try_parse_from([
            "talkdesk-accounts",
            "list",
            "--status",
            "active,in_trial",
            "-s",
            "Churned",
        ])
        .unwrap();
        let Command::List(args) = cli.command else {
            panic!("not list")
        };
        assert_eq!(
            args.stream.status,
            vec![Status::Active, Status::InTrial, Status::Churned]
        );
    }

    /// Spaces around the commas are no part of a status: `-s 'active,
    /// churned'` said "invalid value ' churned'".
    #[test]
    fn statuses_are_read_without_the_spaces_around_them() {
        let cli = Cli::try_parse_from(["talkdesk-accounts", "list", "-s", " active, churned "]);
        let Command::List(args) = cli.unwrap().command else {
            panic!("not list")
        };
        assert_eq!(args.stream.status, vec![Status::Active, Status::Churned]);
    }

    /// A near miss in lower case (`in-trial`, `churn`) got no "a similar
    /// value exists" tip, where `-o jsn` gets one: clap compares it with
    /// the statuses as they are, in capitals. It is still refused.
    #[test]
    fn a_status_near_miss_in_any_case_gets_a_tip() {
        for (given, tip) in [
            ("in-trial", "IN_TRIAL"),
            ("In-Trial", "IN_TRIAL"),
            ("churn", "CHURNED"),
            ("actve", "ACTIVE"),
            ("INACTIV", "INACTIVE"),
        ] {
            let args = ["talkdesk-accounts", "list", "-s", given].map(Into::into);
            let e = parse(args.to_vec()).map(|_| ()).unwrap_err();
            let text = e.to_string();
            assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue, "{text}");
            assert!(text.contains(&format!("invalid value '{given}'")), "{text}");
            assert!(
                text.contains(&format!("a similar value exists: '{tip}'")),
                "{text}"
            );
        }
    }

    /// `-o JSN` got no tip where `-o jsn` gets "a similar value exists:
    /// 'json'": clap compares the value as given with the names in lower
    /// case, though any case is taken. So did `--color ALWAS`,
    /// `--every WEK` and `completions BAHS`. Still refused.
    #[test]
    fn a_near_miss_of_any_value_in_capitals_gets_a_tip() {
        for (args, tip) in [
            (&["list", "-o", "JSN"][..], "json"),
            (&["summary", "-o", "TABEL"], "table"),
            (&["list", "--color", "ALWAS"], "always"),
            (&["trend", "--every", "WEK"], "week"),
            (&["completions", "BAHS"], "bash"),
        ] {
            let args = std::iter::once("talkdesk-accounts").chain(args.iter().copied());
            let e = parse(args.map(Into::into).collect())
                .map(|_| ())
                .unwrap_err();
            let text = e.to_string();
            assert_eq!(e.kind(), clap::error::ErrorKind::InvalidValue, "{text}");
            assert!(
                text.contains(&format!("a similar value exists: '{tip}'")),
                "{text}"
            );
        }
    }

    #[test]
    fn every_subcommands_version_names_the_binary() {
        for args in [
            &["list", "-V"][..],
            &["config", "show", "--version"],
            &["-V"],
        ] {
            let line = std::iter::once("talkdesk-accounts").chain(args.iter().copied());
            let err = parse(line.map(Into::into).collect()).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
            let expected = format!("talkdesk-accounts {}\n", env!("CARGO_PKG_VERSION"));
            assert_eq!(err.to_string(), expected, "{args:?}");
        }
    }

    #[test]
    fn unknown_status_is_a_usage_error_listing_the_values() {
        let err =
            Cli::try_parse_from(["talkdesk-accounts", "list", "--status", "GONE"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = err.to_string();
        for value in [
            "ACTIVE",
            "CHURNED",
            "IN_TRIAL",
            "INACTIVE",
            "PROSPECT",
            "TRIAL_LOST",
            "OTHER",
        ] {
            assert!(text.contains(value), "{value} missing from {text}");
        }
    }

    /// A negative number (`--page -1`) was clap's "unexpected argument
    /// '-1' found", naming no flag: it is read as the flag's value, and
    /// refused with the range the flag takes.
    #[test]
    fn a_negative_number_is_refused_as_the_flags_value() {
        for (command, flag, wanted) in [
            ("list", "--page", "must be 1 or more"),
            ("list", "--limit", "must be 1 or more"),
            ("list", "--per-page", "must be 1 to 100"),
            ("list", "--timeout", "must be 1 to 86400"),
            ("list", "--max-retries", "must be 0 to 100"),
            ("list", "--concurrency", "must be 1 to 64"),
            ("snapshot", "--concurrency", "must be 1 to 64"),
            ("list", "--max-rate", "must be at least 0.01"),
            ("auth", "--timeout", "must be 1 to 86400"),
        ] {
            let args = ["talkdesk-accounts", command, flag, "-1"];
            let args = match command {
                "auth" => vec![args[0], "auth", "check", flag, "-1"],
                _ => args.to_vec(),
            };
            let err = Cli::try_parse_from(args).unwrap_err().to_string();
            assert!(
                err.contains(flag) && err.contains(wanted),
                "{command} {flag}: {err}"
            );
        }
    }

    /// `--per-page ' 5'` (a value pasted with its spaces) was "not a whole
    /// number", though `--max-rate ' 2'` and `--status ' active'` are read.
    #[test]
    fn whole_numbers_are_read_without_the_spaces_around() {
        for flag in [
            "--per-page",
            "--limit",
            "--timeout",
            "--concurrency",
            "--max-retries",
        ] {
            let cli = Cli::try_parse_from(["talkdesk-accounts", "list", flag, " 5 "]);
            assert!(cli.is_ok(), "{flag}: {}", cli.err().unwrap());
        }
    }

    #[test]
    fn limit_and_page_are_positive() {
        for flag in ["--limit", "--page"] {
            let err = Cli::try_parse_from(["talkdesk-accounts", "list", flag, "0"]).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.to_string().contains("must be 1 or more"), "{err}");
            assert!(Cli::try_parse_from(["talkdesk-accounts", "list", flag, "x"]).is_err());
            assert!(Cli::try_parse_from(["talkdesk-accounts", "list", flag, "3"]).is_ok());
        }
    }

    #[test]
    fn numeric_options_say_in_words_what_is_wrong_and_what_to_use() {
        let err = |args: &[&str]| {
            let args = ["talkdesk-accounts", "list"].iter().chain(args);
            let e = Cli::try_parse_from(args).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        };
        for (args, says) in [
            (
                &["--timeout", "abc"][..],
                "`abc` is not a whole number; use 1 to 86400",
            ),
            (
                &["--timeout", "0.5"],
                "`0.5` is not a whole number; use 1 to 86400",
            ),
            (
                &["--per-page", "101"],
                "`101` is too large; use at most 100",
            ),
            (&["--concurrency", "0"], "must be 1 to 64"),
            (
                &["--max-retries", "x"],
                "`x` is not a whole number; use 0 to 100",
            ),
            (
                &["--limit", "99999999999999999999"],
                "is too large; use at most 18446744073709551615",
            ),
        ] {
            let text = err(args);
            assert!(text.contains(says), "{args:?}: {text}");
        }
        let colour = ["talkdesk-accounts", "--color", "ALWAYS", "config", "path"];
        assert!(
            Cli::try_parse_from(colour).is_ok(),
            "values are case-insensitive"
        );
    }

    #[test]
    fn jq_implies_jsonl_for_list_and_json_for_the_reports() {
        let parse =
            |args: &[&str]| Cli::try_parse_from(["talkdesk-accounts"].iter().chain(args)).unwrap();
        let Command::List(list) = parse(&["list", "--jq", "."]).command else {
            panic!("not list")
        };
        assert_eq!(list.format.output, OutputFormat::Jsonl);
        assert_eq!(list.format.jq.as_deref(), Some("."));
        let Command::List(list) = parse(&["list", "--jq", ".", "-o", "json"]).command else {
            panic!("not list")
        };
        assert_eq!(list.format.output, OutputFormat::Json);
        let Command::List(list) = parse(&["list"]).command else {
            panic!("not list")
        };
        assert_eq!(
            (list.format.output, list.format.jq),
            (OutputFormat::Table, None)
        );
        let Command::Summary(summary) = parse(&["summary", "--jq", "."]).command else {
            panic!("not summary")
        };
        assert_eq!(summary.format.output, ReportFormat::Json);
        let Command::Diff(diff) = parse(&["diff", "old.json", "--jq", "."]).command else {
            panic!("not diff")
        };
        assert_eq!(diff.format.output, ReportFormat::Json);
        let Command::Diff(diff) = parse(&["diff", "old.json"]).command else {
            panic!("not diff")
        };
        assert_eq!(diff.format.output, ReportFormat::Table);
    }

    #[test]
    fn jq_implies_jsonl_for_changes_and_history_and_json_for_trend_and_snapshot() {
        let parse =
            |args: &[&str]| Cli::try_parse_from(["talkdesk-accounts"].iter().chain(args)).unwrap();
        let Command::Changes(changes) = parse(&["changes", "--jq", "."]).command else {
            panic!("not changes")
        };
        assert_eq!(changes.format.output, OutputFormat::Jsonl);
        let Command::History(history) = parse(&["history", "x", "--jq", "."]).command else {
            panic!("not history")
        };
        assert_eq!(history.format.output, OutputFormat::Jsonl);
        let Command::History(history) = parse(&["history", "x"]).command else {
            panic!("not history")
        };
        assert_eq!(history.format.output, OutputFormat::Table);
        let Command::Trend(trend) = parse(&["trend", "--jq", "."]).command else {
            panic!("not trend")
        };
        assert_eq!(trend.format.output, ReportFormat::Json);
        let Command::Snapshot(snapshot) = parse(&["snapshot", "--jq", "."]).command else {
            panic!("not snapshot")
        };
        assert_eq!(snapshot.format.output, ReportFormat::Json);
    }

    #[test]
    fn per_page_must_be_1_to_100() {
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "0"]).is_err());
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "101"]).is_err());
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "100"]).is_ok());
    }

    /// A range takes its lowest value too (`--max-retries 0` is no retry).
    #[test]
    fn a_range_takes_its_lowest_value() {
        for (flag, low) in [
            ("--per-page", "1"),
            ("--max-retries", "0"),
            ("--concurrency", "1"),
        ] {
            let cli = Cli::try_parse_from(["talkdesk-accounts", "list", flag, low]);
            assert!(cli.is_ok(), "{flag} {low}: {}", cli.err().unwrap());
        }
    }

    /// `--status ' active'` was read, `changes --status-from ' active'` and
    /// `--status-to` were "invalid value": a status has no spaces to keep.
    #[test]
    fn status_from_and_to_are_read_without_the_spaces_around_as_status_is() {
        let args = [
            "changes",
            "--status-from",
            " active",
            "--status-to",
            "churned ",
        ];
        let cli = Cli::try_parse_from(["talkdesk-accounts"].iter().chain(&args));
        let Command::Changes(changes) = cli.unwrap().command else {
            panic!("not changes")
        };
        assert_eq!(changes.status_from, Some(Status::Active));
        assert_eq!(changes.status_to, Some(Status::Churned));
    }
}
