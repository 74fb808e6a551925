//! Every clap type: the command line as users type it.
//!
//! The `///` comments are the help text. Values parsed here are raw: they
//! are merged with the environment and the config file in `config.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::account::Status;

const LIST_EXAMPLES: &str = "\
Examples:
  talkdesk-accounts list --status ACTIVE
  talkdesk-accounts list -o csv --output-file accounts.csv
  talkdesk-accounts list -o json | jq '.[] | select(.status==\"IN_TRIAL\") | .company_name'";

/// List the Talkdesk accounts under your organization, and their state.
#[derive(Debug, Parser)]
#[command(name = "talkdesk-accounts", version, about, propagate_version = true)]
pub struct Cli {
    /// Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]
    #[arg(short, long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,

    /// Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]
    #[arg(short, long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Log each request to stderr; twice adds headers (secrets redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the organization's accounts, walking every page
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),

    /// Count accounts per status (same filters as list)
    Summary(SummaryArgs),

    /// Compare a saved JSON/JSONL export with the live list: added, removed, changed
    Diff(DiffArgs),

    /// Inspect or create the config file
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Check the credentials against the API
    #[command(subcommand)]
    Auth(AuthCommand),

    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff) on stdout
    #[command(hide = true)]
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
    Check(ApiArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SummaryArgs {
    /// Count only these statuses (repeatable, comma-separated, case-insensitive)
    #[arg(
        short,
        long,
        value_enum,
        value_delimiter = ',',
        ignore_case = true,
        value_name = "STATUS"
    )]
    pub status: Vec<StatusArg>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = SummaryFormat::Table)]
    pub output: SummaryFormat,

    /// Pages fetched at once once the page count is known (1 = sequential) [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: Option<u64>,

    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// A file written by `list -o json` or `list -o jsonl`
    #[arg(value_name = "OLD", value_hint = ValueHint::FilePath)]
    pub old: PathBuf,

    /// Compare only these statuses (repeatable, comma-separated, case-insensitive)
    #[arg(
        short,
        long,
        value_enum,
        value_delimiter = ',',
        ignore_case = true,
        value_name = "STATUS"
    )]
    pub status: Vec<StatusArg>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = SummaryFormat::Table)]
    pub output: SummaryFormat,

    /// Exit 1 when there are differences (like git diff)
    #[arg(long)]
    pub exit_code: bool,

    /// Pages fetched at once once the page count is known (1 = sequential) [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: Option<u64>,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// How `summary` and `diff` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// A table for people
    Table,
    /// JSON
    Json,
    /// RFC 4180 CSV with a header row
    Csv,
}

/// Options shared by every command that calls the API.
#[derive(Debug, Clone, Default, Args)]
pub struct ApiArgs {
    /// Page size to ask for (1-100) [default: 50]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub per_page: Option<u32>,

    /// Per-request timeout in seconds [default: 30]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,

    /// Retries per request on network errors, 429 and 5xx [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub max_retries: Option<u32>,

    /// At most N requests per second (e.g. 2 or 0.5) [default: learn the API's limit]
    #[arg(long, value_name = "N", value_parser = max_rate)]
    pub max_rate: Option<f64>,

    /// Neither read nor write the token cache
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Keep only these statuses (repeatable, comma-separated, case-insensitive)
    #[arg(
        short,
        long,
        value_enum,
        value_delimiter = ',',
        ignore_case = true,
        value_name = "STATUS"
    )]
    pub status: Vec<StatusArg>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Comma-separated fields to show, in order (any field the API returns)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "id,name,company_name,status"
    )]
    pub columns: Vec<String>,

    /// Table and csv: leave out the header row
    #[arg(long)]
    pub no_header: bool,

    /// Stop after N matching accounts, fetching no page beyond them
    #[arg(long, value_name = "N", value_parser = positive)]
    pub limit: Option<u64>,

    /// Fetch only page N, no walking
    #[arg(long, value_name = "N", value_parser = positive)]
    pub page: Option<u64>,

    /// Sort by a field (stable; text case-insensitively) [default: API order]
    #[arg(long, value_name = "FIELD")]
    pub sort: Option<String>,

    /// Write to this file (atomically) instead of stdout
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub output_file: Option<PathBuf>,

    /// Pages fetched at once once the page count is known (1 = sequential) [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: Option<u64>,

    /// csv: do not neutralise cells that a spreadsheet would run as formulas
    #[arg(long)]
    pub no_formula_guard: bool,

    /// csv: start with a UTF-8 byte-order mark (for Excel)
    #[arg(long)]
    pub bom: bool,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// A whole number of 1 or more (clap's own range message would print
/// `1..18446744073709551615`).
/// `--max-rate`: requests per second, above 0 (see [`check_max_rate`]).
fn max_rate(text: &str) -> Result<f64, String> {
    let rate = text
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("`{text}` is not a number; use requests per second, e.g. 2 or 0.5"))?;
    crate::config::check_max_rate(rate)
}

fn positive(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("must be 1 or more".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a whole number; use 1 or more")),
    }
}

/// The `--status` values, as the API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatusArg {
    Active,
    Churned,
    InTrial,
    Inactive,
    Prospect,
    TrialLost,
    Other,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Active => Status::Active,
            StatusArg::Churned => Status::Churned,
            StatusArg::InTrial => Status::InTrial,
            StatusArg::Inactive => Status::Inactive,
            StatusArg::Prospect => Status::Prospect,
            StatusArg::TrialLost => Status::TrialLost,
            StatusArg::Other => Status::Other,
        }
    }
}

/// How `list` prints accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for people
    Table,
    /// One JSON array, printed once complete
    Json,
    /// One JSON object per line, streamed
    Jsonl,
    /// RFC 4180 CSV with a header row, streamed
    Csv,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
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
            args.status,
            vec![StatusArg::Active, StatusArg::InTrial, StatusArg::Churned]
        );
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
    fn per_page_must_be_1_to_100() {
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "0"]).is_err());
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "101"]).is_err());
        assert!(Cli::try_parse_from(["talkdesk-accounts", "list", "--per-page", "100"]).is_ok());
    }
}
