//! Settings: the TOML config file, `TALKDESK_*` variables and flags, merged
//! in that order of precedence (flags win) into one validated [`Settings`]
//! before any work starts. Each value remembers where it came from.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{ErrorKind, IsTerminal};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;
// A profile's name as a TOML table header writes it: bare when it can be
// (`prod`), else quoted (`"eu.prod"`: bare, it would be a table `prod`
// inside a table `eu`).
use toml_writer::ToTomlKey;

use crate::atomic_file::{current_user, may_not_enter, owner_of, read_at_most};
pub use crate::auth::{Credentials, Secret};
use crate::error::{Exit, config_error, failure, redacted, usage_error};
use crate::http::redact::Redactor;
use crate::http::url::{self, Url};
use crate::interrupt::Group;
use crate::text::{
    altered, control_character, is_utf16, shown_path, terminal_safe, utf16_without_bom, visible,
    without_bom,
};

pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_PER_PAGE: u32 = 50;
pub const DEFAULT_MAX_RETRIES: u32 = 4;
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_PROFILE: &str = "default";

/// Where a setting came from, for `config show` and for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File { path: PathBuf, profile: String },
    Derived(&'static str),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::File { path, profile } => write!(f, "{} [{profile}]", shown_path(&path)),
            Source::Derived(from) => write!(f, "derived from {from}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// The Talkdesk regions and their hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
    Ca,
}

impl Region {
    /// The region's name, API base URL and token domain.
    fn hosts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Region::Us => ("us", "https://api.talkdeskapp.com", "talkdeskid.com"),
            Region::Eu => ("eu", "https://api.talkdeskapp.eu", "talkdeskid.eu"),
            Region::Ca => ("ca", "https://api.talkdeskappca.com", "talkdeskidca.com"),
        }
    }

    /// A region by name, case-insensitively.
    pub fn parse(text: &str) -> Option<Region> {
        let named = |region: &Region| region.as_str().eq_ignore_ascii_case(text);
        [Region::Us, Region::Eu, Region::Ca].into_iter().find(named)
    }

    pub fn as_str(self) -> &'static str {
        self.hosts().0
    }

    /// The API base URL of the region.
    pub fn api_base(self) -> &'static str {
        self.hosts().1
    }

    /// The token URL of an account in the region.
    pub fn token_url(self, account_name: &str) -> String {
        format!("https://{account_name}.{}/oauth/token", self.hosts().2)
    }
}

/// One profile of the config file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    // Numbers as any whole number TOML holds, so that one beyond a
    // setting's type is out of its range, said under its key.
    account_name: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    client_secret: Option<Spanned<SecretText>>,
    client_secret_cmd: Option<Spanned<SecretText>>,
    base_url: Option<Spanned<String>>,
    token_url: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<i128>>,
    per_page: Option<Spanned<i128>>,
    max_retries: Option<Spanned<i128>>,
    concurrency: Option<Spanned<i128>>,
    max_rate: Option<Spanned<f64>>,
    ca_bundle: Option<Spanned<PathBuf>>,
    history: Option<Spanned<PathBuf>>,
}

/// A secret key's value as written: its text, or what kind of value stood
/// there instead. Any TOML value is accepted here, so no serde error (which
/// quotes the value: "invalid type: integer `98765…`") can reveal a secret
/// written without quotes; [`Lookup::secret_text`] names the key instead.
#[derive(Debug)]
enum SecretText {
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for SecretText {
    // String's own error, which quotes the value, is dropped: toml hands
    // each value over whole, so the rest of the file reads on.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(String::deserialize(d).map_or(SecretText::Other, SecretText::Text))
    }
}

/// The command-line values that take part in the merge.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub per_page: Option<u32>,
    pub timeout: Option<u64>,
    pub max_retries: Option<u32>,
    pub concurrency: Option<usize>,
    pub history: Option<PathBuf>,
    pub max_rate: Option<f64>,
}

/// The highest `max_rate` accepted, requests per second.
pub const MAX_RATE_CEILING: f64 = 10_000.0;

/// The lowest `max_rate` accepted: a request every 100 s. Far lower, the
/// gap between requests overflows the clock.
pub const MAX_RATE_FLOOR: f64 = 0.01;

/// A `max_rate` as given: from [`MAX_RATE_FLOOR`] to [`MAX_RATE_CEILING`].
/// The error completes "… it".
pub fn check_max_rate(rate: f64) -> std::result::Result<f64, String> {
    if (MAX_RATE_FLOOR..=MAX_RATE_CEILING).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "must be at least {MAX_RATE_FLOOR} and at most {MAX_RATE_CEILING} requests per second, e.g. 2 or 0.5"
        ))
    }
}

/// Reads environment variables; a function so tests need not touch the
/// process environment. Empty values count as unset.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Variable `name` through `env`, which gives text only. A value the
/// process has that is not UTF-8 (which `env` reports as unset) is an
/// error naming the variable, never taken as unset: TALKDESK_BASE_URL
/// would fall back to the region's host and the token go there.
fn env_text(env: EnvLookup, name: &'static str) -> Result<Option<String>> {
    let value = env(name);
    match std::env::var_os(name) {
        Some(os) if value.is_none() && os.to_str().is_none() => {
            let instead = match name {
                "TALKDESK_CONFIG" => ", or give such a path with --config",
                "TALKDESK_HISTORY" => ", or give such a path with --history",
                _ => "",
            };
            Err(config_error(format!(
                "{name} is set to something that is not UTF-8 text; fix it or unset it{instead}"
            )))
        }
        _ => Ok(value),
    }
}

/// The secret as configured: a value, or a command to run when it is needed.
#[derive(Debug, Clone)]
pub enum SecretSetting {
    Value(Secret),
    Command(String),
}

impl SecretSetting {
    /// The secret, when it is a value (a command's is not known until run).
    pub fn value(setting: Option<&Sourced<SecretSetting>>) -> Option<&str> {
        match setting.map(|s| &s.value) {
            Some(SecretSetting::Value(secret)) => Some(secret.expose()),
            _ => None,
        }
    }
}

/// Every setting, merged and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `None`: no file, as this user has no config folder (no home).
    pub config_path: Option<Sourced<PathBuf>>,
    pub config_exists: bool,
    pub profile: Sourced<String>,
    /// The profile is not in the config file: the profiles that are.
    pub profiles_instead: Option<Vec<String>>,
    pub client_id: Option<Sourced<String>>,
    pub client_secret: Option<Sourced<SecretSetting>>,
    /// The file's `client_secret_cmd`, not run as `TALKDESK_CLIENT_SECRET`
    /// overrides it.
    pub unused_secret_cmd: Option<Sourced<String>>,
    pub account_name: Option<Sourced<String>>,
    pub region: Sourced<Region>,
    pub base_url: Sourced<Url>,
    pub token_url: Option<Sourced<Url>>,
    pub timeout_secs: Sourced<u64>,
    pub per_page: Sourced<u32>,
    pub max_retries: Sourced<u32>,
    pub concurrency: Sourced<usize>,
    /// Requests per second at most (`None`: learn the API's limit).
    pub max_rate: Option<Sourced<f64>>,
    pub ca_bundle: Option<Sourced<PathBuf>>,
    /// The history store (§8); `None` when this user has no data folder.
    pub history: Option<Sourced<PathBuf>>,
    /// The config file can be read by group or others: what to run.
    pub permission_warning: Option<String>,
}

/// The secret found, if any, and where.
type SecretFound = Option<Sourced<SecretSetting>>;

/// A default path: `file` in the tool's folder in `folder`, one of this
/// user's (the config folder, the data folder), if it has one.
fn default_path(folder: Option<PathBuf>, file: &str) -> Option<Sourced<PathBuf>> {
    folder.map(|d| Sourced::new(d.join("talkdesk-accounts").join(file), Source::Default))
}

/// Said when the config file's path is needed and this user has no config
/// folder (no `HOME`, a uid with no passwd entry).
pub const NO_CONFIG_FOLDER: &str = "this user has no config folder (HOME is not set)";

/// The config file in use: `--config`, else `TALKDESK_CONFIG`, else the
/// default path; with where it came from.
pub fn config_path_in_use(flag: Option<&Path>, env: EnvLookup) -> Result<Sourced<PathBuf>> {
    config_file_in_use(flag, env)?.ok_or_else(|| {
        config_error(format!(
            "cannot find a config file: {NO_CONFIG_FOLDER}; pass --config PATH, or set HOME"
        ))
    })
}

/// [`config_path_in_use`], `None` when it would be the default path and
/// this user has none: no file then, and the settings may come from the
/// environment alone (SPEC §3), as a container's arbitrary uid or cron's
/// `env -i` has them.
fn config_file_in_use(flag: Option<&Path>, env: EnvLookup) -> Result<Option<Sourced<PathBuf>>> {
    let var = "TALKDESK_CONFIG";
    // A flag's mistake is a usage error, the variable's a config error.
    let (path, from, refused): (PathBuf, _, fn(String) -> anyhow::Error) = match flag {
        Some(p) => (p.to_path_buf(), "--config", usage_error),
        None => match env_text(env, var)? {
            Some(p) => (p.into(), var, config_error),
            None => return Ok(default_path(dirs::config_dir(), "config.toml")),
        },
    };
    // `-` is stdin to `diff` and `--import`; here it would be a file `-`
    // (`-/` too, a path to it, as for `--history`).
    if path == Path::new("-") {
        return Err(refused(format!(
            "{from} -: the settings are not read from stdin; pass a file path (or /dev/stdin)"
        )));
    }
    // Only spaces names no file, as for `history` (the error was "config
    // file   does not exist").
    let path = non_empty_path(path).map_err(|what| refused(format!("{from} {what}")))?;
    let source = match flag {
        Some(_) => Source::Flag(from),
        None => Source::Env(from),
    };
    Ok(Some(Sourced::new(in_home(&path).unwrap_or(path), source)))
}

/// 1-based line of a byte offset.
fn line_of(text: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text[..offset.min(text.len())]).count() + 1
}

/// The most a config file may hold: a few profiles take a few KiB.
const CONFIG_MAX: u64 = 1 << 20;

/// The profiles of the config file at `path`, in name order; `None` when
/// it cannot be read or is malformed.
pub fn profile_names(path: &Path) -> Option<Vec<String>> {
    let (_, profiles) = read_profiles(path, &Source::Default).ok()??;
    Some(profiles.into_keys().collect())
}

/// Every `client_secret` written in the config file in use (`--config`,
/// `TALKDESK_CONFIG`, or the default), whatever its profile and whether or
/// not the rest of the file is valid: an error raised before the
/// profile's secret is read (a profile not found, an unknown key,
/// `--since`) may quote one. Only a regular file is read (a pipe given
/// as `--config` has been read already); none when it is not TOML.
pub fn secrets_in_file(flag: Option<&Path>, env: EnvLookup) -> Vec<String> {
    let tables = || -> Option<toml::Table> {
        let path = config_file_in_use(flag, env).ok()??.value;
        fs::metadata(&path).ok().filter(fs::Metadata::is_file)?;
        let bytes = read_at_most(fs::File::open(&path).ok()?, CONFIG_MAX).ok()?;
        String::from_utf8(bytes).ok()?.parse().ok()
    };
    let secret = |table: &toml::Value| Some(table.get("client_secret")?.as_str()?.to_string());
    tables().map_or_else(Vec::new, |t| t.values().filter_map(secret).collect())
}

/// What to do about a config path (from `source`) that is no file: fix
/// the variable that gave it, if one did, or pass --config.
pub fn a_file_path_instead(source: &Source) -> String {
    match source {
        Source::Env(var) => format!("set {var} to a file path, or pass --config with one"),
        _ => "pass --config with a file path".into(),
    }
}

/// Reads the config file into profiles (its path from `source`); errors
/// name the file and the line.
fn read_profiles(
    path: &Path,
    source: &Source,
) -> Result<Option<(String, BTreeMap<String, RawProfile>)>> {
    let shown = shown_path(&path);
    // Said as such (Linux says "Is a directory", Windows "Access denied").
    if path.is_dir() {
        let instead = a_file_path_instead(source);
        return Err(config_error(format!(
            "config file {shown} is a folder; {instead}"
        )));
    }
    // At most CONFIG_MAX (`--config /dev/zero` would fill memory); a pipe
    // (`<(…)`) is read to its end.
    let bytes = match fs::File::open(path).and_then(|file| read_at_most(file, CONFIG_MAX)) {
        Ok(bytes) => bytes,
        // A path through a file (`HOME=/dev/null`) names no file either.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) if e.kind() == ErrorKind::FileTooLarge => {
            return Err(config_error(format!(
                "config file {shown} is larger than {} MiB, far more than any settings; pass --config with the settings file",
                CONFIG_MAX >> 20
            )));
        }
        Err(e) => {
            let check = may_not_enter(path, "pass --config");
            let check = check.unwrap_or_else(|| "check its permissions".into());
            return Err(config_error(format!(
                "cannot read config file {shown}: {e}; {check}"
            )));
        }
    };
    utf16_refused(&shown, &bytes)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // The line, not the bytes: they may be part of a secret.
        let line = line_of(e.as_bytes(), e.utf8_error().valid_up_to());
        config_error(format!(
            "config file {shown}, line {line}: not UTF-8 text; save the file as UTF-8"
        ))
    })?;
    match toml::from_str::<BTreeMap<String, RawProfile>>(&text) {
        Ok(profiles) => Ok(Some((text, profiles))),
        Err(_) if control_character(&text).is_some() => Err(control_refused(&shown, &text)),
        Err(e) => {
            let line = e.span().map(|s| line_of(text.as_bytes(), s.start));
            let mut message = crate::text::plain_types(e.message().trim()).replace('\n', " ");
            let header = (line.and_then(|l| text.lines().nth(l - 1))).map(str::trim_start);
            if message.contains("expected struct RawProfile") {
                message = "settings must sit inside a profile table such as [default]".into();
            } else if let Some(header) = header
                .filter(|h| h.starts_with("[[") && !h.contains('.'))
                .filter(|_| message.starts_with("invalid type"))
            {
                let header = header.rfind("]]").map_or(header, |end| &header[..end + 2]);
                message = format!(
                    "`{header}` is an array of tables; write a profile as one table, [name]"
                );
            } else if let Some(key) = line.and_then(|l| unquoted_text_key(&text, l)) {
                // TOML reads `client_id = 0a1b` as a bad number and
                // `test-client` as a bad `true`: say what it is (the key,
                // never the value, which may be a secret).
                message = format!("{key} {}", needs_quotes(key));
            } else if line.is_some_and(|l| bad_escape(&text, l, &message)) {
                message = BACKSLASH_IN_QUOTES.into();
            }
            let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
            Err(config_error(format!(
                "config file {shown}{at}: {message}; fix it or compare with config.example.toml"
            )))
        }
    }
}

/// The error for a config file holding a control character TOML allows
/// nowhere (a Ctrl-Z, a NUL), on its line.
fn control_refused(shown: &str, text: &str) -> anyhow::Error {
    let (line, named) = control_character(text).unwrap_or_default();
    config_error(format!(
        "config file {shown}, line {line}: {named}, which TOML does not allow; delete it"
    ))
}

/// A config file saved as UTF-16 (Windows Notepad's "Unicode", or
/// `iconv -t UTF-16LE`), refused as such: TOML is UTF-8.
fn utf16_refused(shown: &str, bytes: &[u8]) -> Result<()> {
    let bom = match (is_utf16(bytes), utf16_without_bom(bytes)) {
        (true, _) => " (as Windows Notepad saves \"Unicode\")",
        (false, true) => " without a byte-order mark",
        (false, false) => return Ok(()),
    };
    Err(config_error(format!(
        "config file {shown}, line 1: UTF-16 text{bom}, which TOML is not; save the file as UTF-8"
    )))
}

/// The key of a text setting whose value on `line` is written without
/// quotes (`client_id = 0a1b2c`); None for anything else.
fn unquoted_text_key(text: &str, line: usize) -> Option<&str> {
    let (key, value) = text.lines().nth(line - 1)?.split_once('=')?;
    let (key, value) = (key.trim(), value.trim_start());
    let quoted = value.starts_with(['"', '\'', '[', '{']) || value.is_empty();
    // A key of a profile that holds text: one whose value may be a string.
    let text_key = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && toml::from_str::<RawProfile>(&format!("{key} = ''")).is_ok();
    (text_key && !quoted).then_some(key)
}

/// What to do about a `\` in a double-quoted string, as a Windows path
/// holds.
const BACKSLASH_IN_QUOTES: &str = "a `\\` in a double-quoted string starts an escape, and this one is none TOML knows; write a Windows path in single quotes ('C:\\Users\\me\\h.sqlite3') or with each `\\` doubled";

/// True when TOML refused an escape (`"C:\Users\…"` reads `\U` as one)
/// on `line`, which holds a `\` in double quotes.
fn bad_escape(text: &str, line: usize, message: &str) -> bool {
    let escape = ["escape", "unicode"].iter().any(|w| message.contains(w));
    let quoted = (text.lines().nth(line - 1)).and_then(|l| l.split_once('"'));
    escape && quoted.is_some_and(|(_, value)| value.contains('\\'))
}

/// What to do about `key`'s value written without quotes.
fn needs_quotes(key: &str) -> String {
    format!("must be a quoted string, e.g. {key} = \"…\"; put its value in quotes")
}

/// Warns when group or others can read the config file (as ssh does).
#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    // Only a file of its own: `--config /dev/null` (no settings) or a
    // pipe is nothing to chmod.
    let meta = fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mode = meta.permissions().mode();
    let (shown, user) = (shown_path(&path), current_user());
    // Another user's (root may chmod any): this user may not chmod it,
    // and reads it only as one of the others.
    let fix = match owner_of(&meta) {
        owner if owner != user && user != 0 => format!(
            "it belongs to another user (uid {owner}): ask its owner to make it private, or use a config file of your own"
        ),
        _ => format!("run: chmod 600 {}", shell_quoted_path(path)),
    };
    (mode & 0o077 != 0).then(|| {
        format!(
            "config file {shown} is accessible by others (mode {:o}); {fix}",
            mode & 0o777
        )
    })
}

/// The default config file of another user (not root), put in a HOME
/// others may write (`/tmp`), is not read: its base_url or token_url
/// would take this user's credentials where they chose. `--config` names
/// one on purpose.
fn refuse_foreign_default(path: &Path) -> Result<()> {
    let me = current_user();
    match fs::metadata(path).map(|m| owner_of(&m)) {
        Ok(owner) if me != 0 && owner != 0 && owner != me => Err(config_error(format!(
            "config file {} belongs to another user (uid {owner}), so it is not used: its base_url or token_url could send your credentials anywhere; set XDG_CONFIG_HOME (or HOME) to a folder of this user's, or pass --config with it to use it on purpose",
            shown_path(&path)
        ))),
        _ => Ok(()),
    }
}

/// A command is run from the config file only when no one else can have
/// put it there: a file that group or others can write, or that another
/// user (not root) owns, is refused (as ssh refuses such a config).
#[cfg(unix)]
fn refuse_if_others_can_change(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    let mode = meta.permissions().mode() & 0o777;
    let shown = shown_path(&path);
    if meta.is_file() && mode & 0o022 != 0 {
        let quoted = shell_quoted_path(path);
        return Err(config_error(format!(
            "config file {shown} can be changed by others (mode {mode:o}), so its client_secret_cmd is not run: it would run whatever they put there; run: chmod go-w {quoted}"
        )));
    }
    if ![current_user(), 0].contains(&owner_of(&meta)) {
        return Err(config_error(format!(
            "config file {shown} belongs to another user, so its client_secret_cmd is not run: it would run whatever they put there; use a config file of your own"
        )));
    }
    Ok(())
}

/// A path as it can be pasted into a POSIX shell (on Windows, into
/// PowerShell, where `'` is doubled within quotes).
pub(crate) fn shell_quoted(text: &str) -> String {
    let (plain, quote) = match cfg!(unix) {
        true => ("/._-+:@%,", r"'\''"),
        false => ("\\/._-:", "''"),
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || plain.contains(c);
    // A control character (a newline would split the line), or one a
    // message leaves out: its bytes escaped, as bash reads them.
    #[cfg(unix)]
    if text.contains('\n') || terminal_safe(text) != text {
        return crate::text::dollar_quoted(text.as_bytes());
    }
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', quote))
    }
}

/// A path as it can be pasted into a shell: one that is not UTF-8 (shown
/// with U+FFFD, which names another file) or holds a control character (a
/// newline, which would split the line) as `$'…'` with its bytes escaped.
pub(crate) fn shell_quoted_path(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = || crate::text::dollar_quoted(path.as_os_str().as_encoded_bytes());
    // (PowerShell has no such quoting: the name as near as it can be shown.)
    #[cfg(not(unix))]
    let bytes = || shell_quoted(&path.to_string_lossy());
    path.to_str().map_or_else(bytes, shell_quoted)
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

/// The profile in use: `--profile`, else `TALKDESK_PROFILE`, else `default`.
pub fn profile_in_use(flag: Option<&str>, env: EnvLookup) -> Result<Sourced<String>> {
    if let Some(p) = flag {
        return Ok(Sourced::new(p.to_string(), Source::Flag("--profile")));
    }
    let found = env_text(env, "TALKDESK_PROFILE")?;
    let found = found.map(|p| Sourced::new(p, Source::Env("TALKDESK_PROFILE")));
    Ok(or_default(found, DEFAULT_PROFILE.to_string()))
}

/// `talkdesk-accounts [--config PATH] [--profile NAME] SUBCOMMAND`, with
/// the file and profile given by flag: run as printed, it reads (or
/// `config init` writes) the file and profile this run was asked for.
pub fn command_with(path: &Sourced<PathBuf>, profile: &Sourced<String>, sub: &str) -> String {
    let mut command = String::from("talkdesk-accounts");
    if let Source::Flag(_) = path.source {
        // A name that is not UTF-8 cannot be printed as it is: said so.
        let name = (path.value.to_str()).map_or("<the same path>".into(), shell_quoted);
        command += &format!(" --config {name}");
    }
    if let Source::Flag(_) = profile.source {
        command += &format!(" --profile {}", shell_quoted(&profile.value));
    }
    format!("{command} {sub}")
}

/// Selects the profile of the config file (`None`: no file). The
/// `default` profile, named or not, may be missing (credentials can come
/// from the environment alone): an empty profile, with the profiles there
/// are (for the message when settings are missing). An explicit file that
/// does not exist, or another named profile that is not there, is an error.
fn select_profile(
    path: Option<&Sourced<PathBuf>>,
    name: &Sourced<String>,
    file: Option<(String, BTreeMap<String, RawProfile>)>,
) -> Result<(String, RawProfile, Option<Vec<String>>)> {
    let (optional, profile) = (name.value == DEFAULT_PROFILE, visible(&name.value));
    let init = |path| command_with(path, name, "config init");
    // (A file is read only from a path.)
    let (Some(path), Some((text, mut profiles))) = (path, file) else {
        return match path {
            Some(path) if path.source != Source::Default => Err(config_error(format!(
                "config file {} does not exist; create it with `{}` or fix the path",
                shown_path(&path.value),
                init(path)
            ))),
            _ if optional => Ok(Default::default()),
            Some(path) => Err(config_error(format!(
                "profile `{profile}` not found: config file {} does not exist; create it with `{}`",
                shown_path(&path.value),
                init(path)
            ))),
            None => Err(config_error(format!(
                "profile `{profile}` not found: there is no config file, as {NO_CONFIG_FOLDER}; pass --config with the settings file"
            ))),
        };
    };
    if let Some(raw) = profiles.remove(&name.value) {
        return Ok((text, raw, None));
    }
    let names: Vec<String> = profiles.into_keys().collect();
    if optional {
        return Ok((text, RawProfile::default(), Some(names)));
    }
    Err(config_error(format!(
        "profile `{profile}` not found in {} (profiles: {}); add a [{}] table or pick another with --profile",
        shown_path(&path.value),
        listed(&names),
        shown_toml_key(&name.value)
    )))
}

/// `name` as the key of its table in a message. A character a message
/// takes out ([`crate::text::terminal_safe`]: a bidi override), which a
/// TOML key may hold as it is, is written as TOML's `\u202E`: taken out,
/// the table named would be another profile's.
pub fn shown_toml_key(name: &str) -> String {
    if terminal_safe(name) == name {
        return name.to_toml_key();
    }
    let mut key = String::from("\"");
    for c in name.chars() {
        match c {
            '"' | '\\' => key.extend(['\\', c]),
            _ if c.is_control() || altered(c) => {
                key.push_str(&match u32::from(c) {
                    n @ ..0x10000 => format!("\\u{n:04X}"),
                    n => format!("\\U{n:08X}"),
                });
            }
            _ => key.push(c),
        }
    }
    key + "\""
}

/// Profile names as a message lists them: `eu, prod`, or `none`; each
/// [`crate::text::visible`], as a message would take a control character out.
pub fn listed(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().map(|n| visible(n)).collect();
    match shown.is_empty() {
        true => "none".into(),
        false => shown.join(", "),
    }
}

/// A key of the profile: its name and its value as written.
macro_rules! key {
    ($raw:ident . $key:ident) => {
        (stringify!($key), &$raw.$key)
    };
}

/// Looks settings up by the one rule: flag, else variable, else the
/// profile's key, else none; a bad value names the variable, or the file,
/// line and key.
struct Lookup<'a> {
    env: EnvLookup<'a>,
    /// The config file's text, for line numbers.
    text: &'a str,
    path: &'a Path,
    profile: &'a str,
}

impl Lookup<'_> {
    /// One setting. `parse` checks a variable's or the file's value (a
    /// variable's text is first read as the file's type, with `FromStr`).
    fn get<F: Clone + FromStr, T>(
        &self,
        flag: Option<Sourced<T>>,
        var: Option<&'static str>,
        (key, file): (&str, &Option<Spanned<F>>),
        parse: impl Fn(F) -> Result<T, String>,
    ) -> Result<Option<Sourced<T>>> {
        if flag.is_some() {
            return Ok(flag);
        }
        let found = (var.map(|var| env_text(self.env, var)).transpose()?).flatten();
        if let (Some(var), Some(text)) = (var, found) {
            // A number with spaces around it is read as `--max-rate ' 2'` is.
            let value = (text.parse::<F>().or_else(|_| text.trim().parse::<F>())).map_err(|_| {
                format!("is `{text}`, which is not a number; use a number, e.g. 2 or 0.5")
            });
            // `VAR is `x`, which …` reads on; any other reason follows a colon.
            let value = value.and_then(parse).map_err(|what| {
                let sep = if what.starts_with("is ") { " " } else { ": " };
                config_error(format!("{var}{sep}{what}"))
            })?;
            return Ok(Some(Sourced::new(value, Source::Env(var))));
        }
        let Some(spanned) = file else {
            return Ok(None);
        };
        let value =
            parse(spanned.get_ref().clone()).map_err(|what| self.error(spanned, key, &what))?;
        let (path, profile) = (self.path.to_path_buf(), self.profile.to_string());
        Ok(Some(Sourced::new(value, Source::File { path, profile })))
    }

    /// The file's paths, each refused if it holds a control character,
    /// as a Windows path in a double-quoted string does (`"C:\temp"`).
    /// Only the values in use: a variable or flag overrides them.
    fn paths_unescaped(&self, r: &RawProfile, used: [Option<&Sourced<PathBuf>>; 2]) -> Result<()> {
        let in_use = used.map(|s| s.is_some_and(|s| matches!(s.source, Source::File { .. })));
        for ((key, value), in_use) in [key!(r.ca_bundle), key!(r.history)].into_iter().zip(in_use) {
            let Some(value) = value.as_ref().filter(|_| in_use) else {
                continue;
            };
            let path = value.get_ref().to_str().unwrap_or_default();
            if let Some(c) = path.chars().find(char::is_ascii_control) {
                return Err(self.error(value, key, &escaped_in_path(c)));
            }
        }
        Ok(())
    }

    /// A setting with a variable and a key, no flag.
    fn var<F: Clone + FromStr, T>(
        &self,
        var: &'static str,
        key: (&str, &Option<Spanned<F>>),
        parse: impl Fn(F) -> Result<T, String>,
    ) -> Result<Option<Sourced<T>>> {
        self.get(None, Some(var), key, parse)
    }

    /// A number with a flag and a key, no variable.
    fn number<N: Copy + TryFrom<i128> + PartialOrd + fmt::Display>(
        &self,
        flag: &'static str,
        value: Option<N>,
        key: (&str, &Option<Spanned<i128>>),
        range: RangeInclusive<N>,
    ) -> Result<Option<Sourced<N>>> {
        self.get(flag_value(flag, value), None, key, within(range))
    }

    /// An error about the file's value of `key`, naming the file and line.
    fn error<F>(&self, value: &Spanned<F>, key: &str, what: &str) -> anyhow::Error {
        let line = line_of(self.text.as_bytes(), value.span().start);
        let path = shown_path(&self.path);
        config_error(format!("config file {path}, line {line}: `{key}` {what}"))
    }

    /// The secret: a value (variable or file), else the file's command;
    /// both in the file is an error. Also the file's command when the
    /// variable overrides it (not run, but shown by `config show`).
    fn client_secret(&self, raw: &RawProfile) -> Result<(SecretFound, Option<Sourced<String>>)> {
        let secret = self.secret_text(key!(raw.client_secret))?;
        let secret_cmd = self.secret_text(key!(raw.client_secret_cmd))?;
        if let (Some(_), Some(cmd)) = (&secret, &secret_cmd) {
            let what = "is set together with client_secret; keep only one of them";
            return Err(self.error(cmd, "client_secret_cmd", what));
        }
        let value = |s: String| non_empty(s).map(|s| SecretSetting::Value(Secret::new(s)));
        let command = |c: String| match c.trim().is_empty() {
            true => Err("is empty; set the command, or leave it out".to_string()),
            false => Ok(SecretSetting::Command(c)),
        };
        let cmd = ("client_secret_cmd", &secret_cmd);
        match self.var("TALKDESK_CLIENT_SECRET", ("client_secret", &secret), value)? {
            None => Ok((self.get(None, None, cmd, command)?, None)),
            found => Ok((found, self.get(None, None, cmd, Ok)?)),
        }
    }

    /// The text of a secret key; any other value is an error that names the
    /// file, line and key, and never shows the value.
    fn secret_text(
        &self,
        (key, value): (&str, &Option<Spanned<SecretText>>),
    ) -> Result<Option<Spanned<String>>> {
        let Some(value) = value else {
            return Ok(None);
        };
        match value.get_ref() {
            SecretText::Text(text) => Ok(Some(Spanned::new(value.span(), text.clone()))),
            SecretText::Other => Err(self.error(value, key, &needs_quotes(key))),
        }
    }

    /// `base_url` (else the region's) and `token_url` (else the one
    /// `account_name` and the region form, if there is an account name).
    fn urls(
        &self,
        raw: &RawProfile,
        region: Region,
        account_name: Option<&Sourced<String>>,
    ) -> Result<(Sourced<Url>, Option<Sourced<Url>>)> {
        let base_url = (self.var("TALKDESK_BASE_URL", key!(raw.base_url), base_url)?)
            .map_or_else(|| derived(region.api_base(), "region"), Ok)?;
        let token_url = match self.var("TALKDESK_TOKEN_URL", key!(raw.token_url), url)? {
            Some(url) => Some(url),
            None => account_name
                .map(|a| derived(&region.token_url(&a.value), "account_name and region"))
                .transpose()?,
        };
        Ok((base_url, token_url))
    }

    /// A path from the file is relative to the file; `~/…` is in the home
    /// folder wherever it came from ([`in_home`]).
    fn beside_file(&self, path: Sourced<PathBuf>) -> Sourced<PathBuf> {
        match (in_home(&path.value), &path.source, self.path.parent()) {
            (Some(home), _, _) => Sourced::new(home, path.source),
            // (An absolute path joined is itself: `Path::join` replaces.)
            (None, Source::File { .. }, Some(dir)) => {
                Sourced::new(dir.join(path.value), path.source)
            }
            _ => path,
        }
    }
}

/// `~/…` in the home folder, as git and ssh read their config files and
/// the AWS CLI its path variables: a quoted `~` (`TALKDESK_HISTORY='~/h'`)
/// made a folder named `~` in the current one.
pub(crate) fn in_home(path: &Path) -> Option<PathBuf> {
    let rest = path.strip_prefix("~").ok()?;
    Some(dirs::home_dir()?.join(rest))
}

/// A flag's value, if given.
fn flag_value<T>(flag: &'static str, value: Option<T>) -> Option<Sourced<T>> {
    value.map(|v| Sourced::new(v, Source::Flag(flag)))
}

/// The value found, else the default.
fn or_default<T>(found: Option<Sourced<T>>, default: T) -> Sourced<T> {
    found.unwrap_or_else(|| Sourced::new(default, Source::Default))
}

/// Accepts the numbers in `range`.
fn within<N>(range: RangeInclusive<N>) -> impl Fn(i128) -> Result<N, String>
where
    N: Copy + TryFrom<i128> + PartialOrd + fmt::Display,
{
    let (low, high) = (*range.start(), *range.end());
    move |n| match N::try_from(n) {
        Ok(v) if range.contains(&v) => Ok(v),
        _ => Err(format!("is {n}; use a number from {low} to {high}")),
    }
}

/// A URL whose query (or, for a secret of 8 characters or more, path)
/// holds the client secret whole, in any case (`?client_secret=…`), is
/// refused: a URL is shown, cached and stored as the organization's key.
/// Only the whole secret, never in the host: a short secret may be a port
/// or a word of a host, and a part of one any word.
fn secret_in_urls(
    secret: Option<&str>,
    base: &Sourced<Url>,
    token: Option<&Sourced<Url>>,
) -> Result<()> {
    let Some(secret) = secret.filter(|s| s.chars().count() >= Redactor::MIN_LEN) else {
        return Ok(());
    };
    // In the path too, for a secret no word of a path is (8 characters
    // and more: `/oauth/token` is no secret `oauth`).
    let holds = |url: &Url| {
        let path = if secret.len() >= 8 { url.path() } else { "" };
        // As sent, and as a form decodes it (`+` a space): a secret may
        // hold a `+` (base64) or a space.
        let query = format!("{path}?{}", url.query().unwrap_or_default());
        let spaced = query.replace('+', " ");
        // In any case, as the redactor finds it: a hex secret's says nothing.
        let secret = secret.to_lowercase();
        [query, spaced].iter().any(|query| {
            let decoded = percent_encoding::percent_decode_str(query).decode_utf8_lossy();
            [query.to_lowercase(), decoded.to_lowercase()]
                .iter()
                .any(|q| q.contains(&secret))
        })
    };
    for (key, url) in [("base_url", Some(base)), ("token_url", token)] {
        if url.is_some_and(|url| holds(&url.value)) {
            let what = "holds the client secret; keep it in client_secret, never in a URL";
            return Err(config_error(format!("{key} {what}")));
        }
    }
    Ok(())
}

/// A URL derived from other settings.
fn derived(url: &str, from: &'static str) -> Result<Sourced<Url>> {
    let url = url::parse(url).map_err(config_error)?;
    Ok(Sourced::new(url, Source::Derived(from)))
}

/// Letters, digits and hyphens, not first; at most 63 (a DNS label).
pub fn account_name(name: String) -> Result<String, String> {
    match account_name_advice(&name) {
        None => Ok(name),
        Some(why) => Err(format!(
            "is `{}`, which is not a Talkdesk account name; {why}",
            visible(&name)
        )),
    }
}

/// What to do about `name` as an account name, or `None` when it is one.
pub fn account_name_advice(name: &str) -> Option<String> {
    let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    // One label of a host name: no hyphen at either end, 63 at most.
    // `mycompany.mytalkdesk.com` or its URL pasted whole: its first label.
    let host = name.split_once("://").map_or(name, |(_, rest)| rest);
    let host_name = host.split(['/', ':']).next().unwrap_or_default();
    let label = host_name.split('.').next().unwrap_or_default();
    let why = match () {
        // (An empty label is no account name: its advice is not `None`.)
        _ if !valid && host.contains('.') && account_name_advice(label).is_none() => {
            // `mycompany.mytalkdesk.eu`: the region is in the name too.
            let region = match host_name.rsplit('.').next() {
                Some(top @ ("eu" | "ca")) => format!(", with region {top}"),
                _ => String::new(),
            };
            format!("use `{label}`, the first part of the host name{region}")
        }
        _ if !valid || name.is_empty() => "use letters, digits and hyphens only".into(),
        _ if name.starts_with('-') || name.ends_with('-') => {
            "it cannot start or end with a hyphen".into()
        }
        _ if name.len() > 63 => "it is longer than 63 characters".into(),
        _ => return None,
    };
    Some(why)
}

fn region(text: String) -> Result<Region, String> {
    Region::parse(&text).ok_or_else(|| {
        let text = visible(&text);
        format!("is `{text}`, which is not a region; use us, eu or ca")
    })
}

/// A URL setting: a `#fragment` is never sent, so one is a mistake.
fn url(text: String) -> Result<Url, String> {
    let url = url::parse_secure(&text)?;
    match url.fragment() {
        Some(_) => Err(format!(
            "`{text}` has a `#…` part, which is never sent; remove it"
        )),
        None => Ok(url),
    }
}

/// `base_url`: the API's address (a path at most); the tool writes the
/// query of each page, so one here would be dropped.
fn base_url(text: String) -> Result<Url, String> {
    let url = url(text.clone())?;
    match url.query() {
        Some(_) => Err(format!(
            "`{text}` has a `?…` query; give the API's address alone (a path prefix at most)"
        )),
        None => Ok(url),
    }
}

impl Settings {
    /// Merges flags, environment, the config file profile and defaults.
    /// An error never shows the client secret, even one pasted into
    /// another setting.
    pub fn resolve(overrides: &Overrides, env: EnvLookup) -> Result<Settings> {
        let secrets = Redactor::default();
        // Known before the file is read: a file error may quote it.
        if let Ok(Some(secret)) = env_text(env, "TALKDESK_CLIENT_SECRET") {
            secrets.add(&secret);
        }
        Self::merge(overrides, env, &secrets).map_err(|e| redacted(e, |m| secrets.redact_shown(m)))
    }

    fn merge(overrides: &Overrides, env: EnvLookup, secrets: &Redactor) -> Result<Settings> {
        let config_path = config_file_in_use(overrides.config.as_deref(), env)?;
        let profile = profile_in_use(overrides.profile.as_deref(), env)?;
        let read = |p: &Sourced<PathBuf>| read_profiles(&p.value, &p.source);
        let file = config_path.as_ref().map(read).transpose()?;
        let config_exists = file.as_ref().is_some_and(Option::is_some);
        if let Some(p) = config_path.as_ref().filter(|p| p.source == Source::Default) {
            refuse_foreign_default(&p.value)?;
        }
        // `r`: the profile as written (raw), as `o` is the overrides.
        let (text, r, profiles_instead) =
            select_profile(config_path.as_ref(), &profile, file.flatten())?;
        // (No file, no value of it to name it.)
        let path = config_path.as_ref().map_or(Path::new(""), |p| &*p.value);
        let at = Lookup {
            env,
            text: &text,
            path,
            profile: &profile.value,
        };
        let o = overrides;

        let client_id = at.var("TALKDESK_CLIENT_ID", key!(r.client_id), non_empty)?;
        let (client_secret, unused_secret_cmd) = at.client_secret(&r)?;
        let secret = SecretSetting::value(client_secret.as_ref()).inspect(|s| secrets.add(s));
        let account_name = at.var("TALKDESK_ACCOUNT_NAME", key!(r.account_name), account_name)?;
        let region = at.var("TALKDESK_REGION", key!(r.region), region)?;
        let region = or_default(region, Region::Us);
        let (base_url, token_url) = at.urls(&r, region.value, account_name.as_ref())?;
        secret_in_urls(secret, &base_url, token_url.as_ref())?;
        let ca_bundle = at.var("TALKDESK_CA_BUNDLE", key!(r.ca_bundle), non_empty_path)?;
        let ca_bundle = ca_bundle.map(|c| at.beside_file(c));
        // The history store: `--history`, `TALKDESK_HISTORY`, the profile's
        // `history` (beside the file), else the default path. A flag of
        // spaces alone is refused as the variable is.
        let flag = (o.history.clone().map(store_path).transpose())
            .map_err(|what| usage_error(format!("--history {what}")))?;
        let history = at.get(
            flag_value("--history", flag),
            Some("TALKDESK_HISTORY"),
            key!(r.history),
            store_path,
        )?;
        let default = || default_path(dirs::data_dir(), "history.sqlite3");
        at.paths_unescaped(&r, [ca_bundle.as_ref(), history.as_ref()])?;
        let history = history.map(|path| at.beside_file(path)).or_else(default);
        let timeout = at.number("--timeout", o.timeout, key!(r.timeout_secs), 1..=86_400)?;
        let per_page = at.number("--per-page", o.per_page, key!(r.per_page), 1..=100)?;
        let retries = at.number("--max-retries", o.max_retries, key!(r.max_retries), 0..=100)?;
        let concurrency = at.number("--concurrency", o.concurrency, key!(r.concurrency), 1..=64)?;
        let max_rate = at.get(
            flag_value("--max-rate", o.max_rate),
            Some("TALKDESK_MAX_RATE"),
            key!(r.max_rate),
            |rate: f64| check_max_rate(rate).map_err(|e| format!("is {rate}: it {e}")),
        )?;
        let permission_warning = config_exists.then(|| permission_warning(path)).flatten();
        Ok(Settings {
            config_path,
            config_exists,
            profiles_instead,
            profile,
            client_id,
            client_secret,
            unused_secret_cmd,
            account_name,
            region,
            base_url,
            token_url,
            timeout_secs: or_default(timeout, DEFAULT_TIMEOUT_SECS),
            per_page: or_default(per_page, DEFAULT_PER_PAGE),
            max_retries: or_default(retries, DEFAULT_MAX_RETRIES),
            concurrency: or_default(concurrency, DEFAULT_CONCURRENCY),
            max_rate,
            ca_bundle,
            history,
            permission_warning,
        })
    }

    /// The client id, secret and token URL, or one configuration error
    /// that names every missing setting at once, the config file looked
    /// for (and whether it exists), and what to run.
    pub fn credentials(&self) -> Result<Credentials> {
        let (client_id, secret, token_url) = self.require_credentials()?;
        let client_secret = match &secret.value {
            SecretSetting::Value(s) => s.clone(),
            SecretSetting::Command(cmd) => {
                // (Modes and owners are Unix's: elsewhere nothing to refuse.)
                #[cfg(unix)]
                if let Source::File { path, .. } = &secret.source {
                    refuse_if_others_can_change(path)?;
                }
                run_secret_command(cmd, Duration::from_secs(self.timeout_secs.value))?
            }
        };
        Ok(Credentials {
            client_id: client_id.clone(),
            client_secret,
            token_url: token_url.clone(),
        })
    }

    /// The client id, secret (as configured: `client_secret_cmd` is not
    /// run) and token URL; fails as [`credentials`](Self::credentials)
    /// does when one is missing.
    pub fn require_credentials(&self) -> Result<(&String, &Sourced<SecretSetting>, &Url)> {
        match (&self.client_id, &self.client_secret, &self.token_url) {
            (Some(id), Some(secret), Some(url)) => Ok((&id.value, secret, &url.value)),
            _ => Err(self.missing_settings(false)),
        }
    }

    /// The error for missing settings: every missing credential (with
    /// `history`, the token URL alone, which tells whose history to use)
    /// with its variable and key, then where the file is and how to create it.
    pub fn missing_settings(&self, history: bool) -> anyhow::Error {
        let mut missing = Vec::new();
        if self.client_id.is_none() && !history {
            missing.push("client_id (or TALKDESK_CLIENT_ID)");
        }
        if self.client_secret.is_none() && !history {
            missing.push("client_secret or client_secret_cmd (or TALKDESK_CLIENT_SECRET)");
        }
        if self.token_url.is_none() {
            missing.push(match history {
                false => "account_name (or TALKDESK_ACCOUNT_NAME), or token_url",
                true => "account_name (or TALKDESK_ACCOUNT_NAME), or token_url, which tell the organization whose history to use",
            });
        }
        let Some(config_path) = &self.config_path else {
            return config_error(format!(
                "missing settings: {}; no config file: {NO_CONFIG_FOLDER}; set the variables, or pass --config with a settings file",
                missing.join(", ")
            ));
        };
        let path = shown_path(&config_path.value);
        let table = shown_toml_key(&self.profile.value);
        let others = self.profiles_instead.as_ref().filter(|n| !n.is_empty());
        let file = if let Some(names) = others {
            format!(
                "{path} has no profile [{table}] (profiles: {}): pick one with --profile, add a [{table}] table, or set the variables",
                listed(names)
            )
        } else if self.config_exists {
            format!("add them to profile [{table}] of {path}, or set the variables")
        } else {
            let init = command_with(config_path, &self.profile, "config init");
            format!(
                "the config file {path} does not exist: run `{init}` to create it, or set the variables"
            )
        };
        config_error(format!("missing settings: {}; {file}", missing.join(", ")))
    }
}

/// A path setting: `history = ""` names no file (an empty variable counts
/// as unset before this).
fn non_empty_path(path: PathBuf) -> Result<PathBuf, String> {
    // Only spaces is no path either: `TALKDESK_HISTORY='  '` made a store
    // named by two spaces in the current folder.
    let empty = (path.to_str()).map_or(path.as_os_str().is_empty(), |p| p.trim().is_empty());
    match empty {
        true => Err("is empty; set a path, or leave it out for the default".into()),
        false => Ok(path),
    }
}

/// A control character in a path: a Windows path in a double-quoted TOML
/// string (`"C:\temp\new.sqlite3"`) reads `\t` as a tab, `\n` as a line
/// break, which no one means in a file name.
fn escaped_in_path(c: char) -> String {
    let (named, escape) = match c {
        '\t' => ("a tab", "t"),
        '\n' => ("a line break", "n"),
        '\r' => ("a carriage return", "r"),
        '\u{8}' => ("a backspace", "b"),
        '\u{c}' => ("a form feed", "f"),
        '\u{1b}' => ("an escape character", "e"),
        _ => ("a control character", "u"),
    };
    format!(
        "holds {named}, as `\\{escape}` in a double-quoted string gives; write a Windows path in single quotes ('C:\\temp\\h.sqlite3') or with each `\\` doubled"
    )
}

/// The history store's path: `-` made a store named `-`; it is stdin or
/// stdout elsewhere (SPEC §6), and a store is neither.
fn store_path(path: PathBuf) -> Result<PathBuf, String> {
    match path == Path::new("-") {
        true => {
            Err("is `-`, but the store is a file, not stdin or stdout; pass a file path".into())
        }
        false => non_empty_path(path),
    }
}

/// A credential: `client_id = ""` would be sent as no credential at all.
/// A line ending at its end (a secret pasted into a CI store with its
/// newline) is left out, as from `client_secret_cmd`: no credential has one.
fn non_empty(text: String) -> Result<String, String> {
    let text = text.trim_end_matches(['\r', '\n']);
    match text.trim().is_empty() {
        true => Err("is empty; set it, or leave it out".into()),
        false => Ok(text.to_string()),
    }
}

/// The most `client_secret_cmd` may print.
const SECRET_CMD_MAX: u64 = 64 * 1024;

/// Runs `client_secret_cmd` without a shell; the secret is the first line
/// of its stdout. Its stderr goes to the user's terminal (password managers
/// prompt there). With no terminal to answer a prompt it has `timeout`: a
/// password manager waiting to be unlocked held a cron job for ever.
fn run_secret_command(line: &str, timeout: Duration) -> Result<Secret> {
    // (The only error on every platform: a trailing backslash is kept.)
    let words = split_words(line)
        .map_err(|_| config_error("client_secret_cmd has an unclosed quote; fix its quoting"))?;
    // Never blank (refused when read): a line of no word is a comment.
    let Some((program, args)) = words.split_first() else {
        return Err(config_error(
            "client_secret_cmd is only a comment (a word starting with `#` starts one, as in a shell); set a command or use client_secret",
        ));
    };
    // `~/bin/get-secret` or `VAR=1 cmd`: a shell's, not a program's name.
    let no_shell = match program.starts_with('~') || program.contains(['=', '$']) {
        true => " (it runs without a shell, so `~`, `$VAR` and `VAR=…` are not expanded)",
        false => "",
    };
    let cannot_run = |e: std::io::Error| match e.kind() {
        // EAGAIN of fork(2) or clone(2): no room for another process or thread.
        ErrorKind::WouldBlock => failure(
            Exit::Failure,
            format!(
                "client_secret_cmd: cannot run `{program}`: {e}; the limit on processes (ulimit -u, or a service's TasksMax=) left no room for it: raise it"
            ),
        ),
        _ => config_error(format!(
            "client_secret_cmd: cannot run `{program}`: {e}; check the command in your config file{no_shell}"
        )),
    };
    // stdin and stderr are the terminal's, as `spawn` leaves them.
    let mut command = Command::new(program);
    command.args(args).stdout(Stdio::piped());
    // With the run's stderr no terminal (a log, CI), the command's goes to
    // it through the run, which ends a line the command left open.
    #[cfg(unix)]
    if !std::io::stderr().is_terminal() {
        command.stderr(Stdio::piped());
    }
    // The run ignores SIGXFSZ (interrupt::install); the command is not to.
    #[cfg(unix)]
    // SAFETY: signal(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            Ok(())
        });
    }
    // A prompt on the terminal (`/dev/tty`, as gpg's pinentry) can be
    // answered with stdin a pipe; with no terminal at all (cron), not: the
    // command is then bounded, in a process group of its own, so that the
    // programs it started end with it (`pass` runs gpg).
    let unattended = !std::io::stdin().is_terminal() && fs::File::open("/dev/tty").is_err();
    #[cfg(unix)]
    if unattended {
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
    }
    // A signal that ends the run stops it too: out of the run's group, the
    // group kill of `timeout` or cron would not.
    let (child, _group) = Group::spawn(unattended, || command.spawn()).map_err(cannot_run)?;
    // Read to its exit (a secret is small), but never more than the cap: a
    // command that prints without end is stopped, not held in memory.
    let timeout = unattended.then_some(timeout);
    let (status, stdout) = wait_for_secret(child, program, timeout, cannot_run)?;
    if !status.success() {
        return Err(config_error(format!(
            "client_secret_cmd `{program}` failed ({status}){}",
            failed_hint(line, program)
        )));
    }
    first_line_secret(program, &stdout)
}

/// Reads what `client_secret_cmd` (`child`, its stdout piped) prints, at
/// most [`SECRET_CMD_MAX`], and waits for it to end, `timeout` at most if
/// there is one (then it leads a process group, which is stopped with it).
/// Failing to read its output or its status is `cannot_run`.
fn wait_for_secret(
    mut child: std::process::Child,
    program: &str,
    timeout: Option<Duration>,
    cannot_run: impl Fn(std::io::Error) -> anyhow::Error,
) -> Result<(std::process::ExitStatus, Vec<u8>)> {
    let pipe = child.stdout.take().expect("stdout is piped");
    let exited = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&exited);
    let reader = std::thread::Builder::new().spawn(move || read_secret_output(pipe, &seen));
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    // (None until it is started.)
    let relay = std::cell::Cell::new(None);
    let stop = |child: &mut std::process::Child, why: String| {
        #[cfg(unix)]
        if let (Some(_), Ok(group)) = (timeout, libc::pid_t::try_from(child.id())) {
            // SAFETY: kill(2) of the group the child leads.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = child.kill();
        let _ = child.wait();
        // Its stderr is ended (and a line it left open) before the run's says more.
        end_relay(relay.take(), &exited);
        config_error(format!("client_secret_cmd `{program}` {why}"))
    };
    // The relay is not started if the reader could not be.
    let started = reader.and_then(|reader| Ok((reader, start_relay(&mut child, &exited)?)));
    let (reader, started) = started.map_err(|e| {
        let _ = stop(&mut child, String::new());
        cannot_run(e)
    })?;
    relay.set(started);
    let mut reader = Some(reader);
    let mut stdout = None;
    loop {
        if let Some(done) = reader.take_if(|r| r.is_finished()) {
            match done.join() {
                Ok(Err(e)) if e.kind() == ErrorKind::FileTooLarge => {
                    let kib = SECRET_CMD_MAX / 1024;
                    let why = format!("printed more than {kib} KiB; check the command");
                    return Err(stop(&mut child, why));
                }
                Ok(read) => stdout = Some(read.map_err(&cannot_run)?),
                Err(_) => return Err(stop(&mut child, "could not be read".into())),
            }
        }
        // (Once it has exited, try_wait keeps returning its status.)
        let status = child.try_wait().map_err(&cannot_run)?;
        exited.store(status.is_some(), Ordering::Release);
        match status {
            Some(status) if stdout.is_some() => {
                end_relay(relay.take(), &exited);
                return Ok((status, stdout.unwrap_or_default()));
            }
            _ if deadline.is_some_and(|deadline| Instant::now() >= deadline) => {
                let secs = timeout.unwrap_or_default().as_secs();
                let why = format!(
                    "did not finish within {secs} s (--timeout), with no terminal to answer a prompt; check that it runs unattended"
                );
                return Err(stop(&mut child, why));
            }
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// The thread relaying `child`'s stderr, if it is piped ([`relay_stderr`]).
type Relay = Option<std::thread::JoinHandle<bool>>;

/// Starts relaying `child`'s stderr, if it is piped, to its end or to what
/// it had written once `exited`.
fn start_relay(
    child: &mut std::process::Child,
    exited: &Arc<AtomicBool>,
) -> std::io::Result<Relay> {
    #[cfg(unix)]
    if let Some(pipe) = child.stderr.take() {
        let seen = Arc::clone(exited);
        let relay = move || relay_stderr(pipe, &seen);
        return std::thread::Builder::new().spawn(relay).map(Some);
    }
    let _ = (child, exited);
    Ok(None)
}

/// Waits for the relay of a command that has ended, and ends the line it
/// left open, so that what the run says next starts a line of its own.
fn end_relay(relay: Relay, exited: &AtomicBool) {
    exited.store(true, Ordering::Release);
    if relay.is_some_and(|relay| relay.join().unwrap_or(false)) {
        let mut err = crate::log::Patient(std::io::stderr().lock());
        let _ = std::io::Write::write_all(&mut err, b"\n");
    }
}

/// What `client_secret_cmd` prints, at most [`SECRET_CMD_MAX`]: to its end
/// or, on Unix, to what it had printed once `exited`: a program it started
/// in the background (an agent) may hold its stdout open for ever.
#[cfg(unix)]
fn read_secret_output(pipe: ChildStdout, exited: &AtomicBool) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    drain(pipe, exited, |chunk| {
        if (bytes.len() + chunk.len()) as u64 > SECRET_CMD_MAX {
            return Err(ErrorKind::FileTooLarge.into());
        }
        bytes.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(bytes)
}

#[cfg(not(unix))]
fn read_secret_output(pipe: ChildStdout, _: &AtomicBool) -> std::io::Result<Vec<u8>> {
    read_at_most(pipe, SECRET_CMD_MAX)
}

/// Copies what `client_secret_cmd` writes to its stderr (a pipe when the
/// run's is no terminal) to the run's, as `drain` reads it; true if that
/// ended inside a line (`bw` says `You are not logged in.` with no line end).
#[cfg(unix)]
fn relay_stderr(pipe: std::process::ChildStderr, exited: &AtomicBool) -> bool {
    use std::io::Write;
    let mut last = b'\n';
    let _ = drain(pipe, exited, |chunk| {
        last = *chunk.last().unwrap_or(&last);
        let mut err = crate::log::Patient(std::io::stderr().lock());
        let _ = err.write_all(chunk).and_then(|()| err.flush());
        Ok(())
    });
    last != b'\n'
}

/// Gives `take` what `pipe` holds, chunk by chunk, to its end or to what it
/// held once `exited`; an error of `take` ends it.
#[cfg(unix)]
fn drain<P: std::io::Read + std::os::fd::AsRawFd>(
    mut pipe: P,
    exited: &AtomicBool,
    mut take: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let fd = pipe.as_raw_fd();
    // SAFETY: fcntl(2) of the pipe this owns: its flags, then the same
    // with O_NONBLOCK (if it fails, reads block).
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) };
    let mut chunk = [0; 8192];
    loop {
        // Seen after its exit, an empty pipe holds nothing more of its output.
        let was_exited = exited.load(Ordering::Acquire);
        match pipe.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => take(&chunk[..n])?,
            Err(e) if e.kind() == ErrorKind::WouldBlock && was_exited => return Ok(()),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// `line` split as a POSIX shell would, without running one.
#[cfg(unix)]
use shell_words::split as split_words;

/// `line` split as Windows programs split theirs: at spaces, `"…"` holding
/// them; a backslash is a path's (`C:\tools\get-secret.exe`), not an escape.
#[cfg(not(unix))]
fn split_words(line: &str) -> Result<Vec<String>, ()> {
    let (mut words, mut word, mut quoted) = (Vec::new(), None::<String>, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                word.get_or_insert_default(); // (`""` is an empty word.)
            }
            c if c.is_whitespace() && !quoted => words.extend(word.take()),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    if quoted { Err(()) } else { Ok(words) }
}

/// Run by hand in a shell, `cat ~/secret` works: why a failed
/// `client_secret_cmd` may not here.
fn failed_hint(line: &str, program: &str) -> &'static str {
    let shell = line.contains(['~', '$', '|', ';', '*', '>', '<', '&', '`'])
        && !["sh", "bash", "dash", "zsh", "ksh", "fish"]
            .contains(&program.rsplit('/').next().unwrap_or(program));
    match shell {
        true => {
            "; it runs without a shell, so `~`, `$VAR`, `|` and globs are not expanded: use full paths or wrap it in sh -c '…'"
        }
        false => "; run it by hand to see why",
    }
}

/// Output in UTF-16 (a file Windows PowerShell's `>` wrote, printed as it
/// is), by its byte-order mark or a NUL beside its ASCII first character,
/// which no secret holds; None for other output, or UTF-16 that is not.
fn utf16_decoded(bytes: &[u8]) -> Option<String> {
    let (rest, big) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, false),
        [0xFE, 0xFF, rest @ ..] => (rest, true),
        [0, _, ..] if utf16_without_bom(bytes) => (bytes, true),
        _ if utf16_without_bom(bytes) => (bytes, false),
        _ => return None,
    };
    String::from_utf16(&crate::text::utf16_units(rest, big)).ok()
}

/// The secret `client_secret_cmd` printed: its first line, as text as it
/// was printed, never a lossy copy (which would send another secret).
fn first_line_secret(program: &str, stdout: &[u8]) -> Result<Secret> {
    let decoded = utf16_decoded(stdout);
    let stdout = (decoded.as_ref()).map_or(without_bom(stdout), |text| text.as_bytes());
    let first = stdout.split(|&b| b == b'\n').next().unwrap_or_default();
    let Ok(first) = std::str::from_utf8(first) else {
        return Err(config_error(format!(
            "client_secret_cmd `{program}` printed a first line that is not UTF-8 text (not shown); check the command and its output encoding"
        )));
    };
    let first = first.trim_end_matches('\r');
    if first.trim().is_empty() {
        return Err(config_error(format!(
            "client_secret_cmd `{program}` printed no secret on its first line; check the command"
        )));
    }
    Ok(Secret::new(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A path with a control character pastes into bash as `$'…'`, its bytes escaped: a
    /// newline alone (which `terminal_safe` keeps) and an escape alone (which it takes out)
    /// each, not only the two together.
    #[cfg(unix)]
    #[test]
    fn a_newline_or_an_escape_alone_is_dollar_quoted_for_the_shell() {
        assert_eq!(shell_quoted("/tmp/a\nb"), r"$'/tmp/a\x0ab'");
        assert_eq!(shell_quoted("/tmp/a\u{1b}b"), r"$'/tmp/a\x1bb'");
    }

    /// A name with a character a message takes out keeps its other characters as they are in
    /// the key a message names: only that character is escaped (`\u202E`), so the table to add
    /// reads as the name does.
    #[test]
    fn a_shown_toml_key_escapes_only_what_a_message_would_take_out() {
        assert_eq!(shown_toml_key("a\u{202e}b c"), r#""a\u202Eb c""#);
    }

    /// The key a message names reads back, in TOML, as the profile's name,
    /// and shows as it is once made safe for the terminal.
    #[test]
    fn a_shown_toml_key_reads_back_as_the_name() {
        for name in [
            "work",
            "a b",
            "a\u{202e}b\"c\\",
            "a\u{1b}[2Jb",
            "x\u{e0001}y\u{2066}",
        ] {
            let key = shown_toml_key(name);
            assert_eq!(terminal_safe(&key), key, "{name:?}");
            let table: BTreeMap<String, toml::Value> =
                toml::from_str(&format!("[{key}]\n")).unwrap();
            assert_eq!(table.keys().collect::<Vec<_>>(), [name], "{key}");
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    fn write_config(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        (dir, path)
    }

    fn with_file(path: &Path) -> Overrides {
        Overrides {
            config: Some(path.to_path_buf()),
            ..Overrides::default()
        }
    }

    fn err_text(r: Result<Settings>) -> String {
        crate::error::one_line(&r.unwrap_err())
    }

    /// A secret pasted into another setting is no more shown by its
    /// error than by a network error.
    #[test]
    fn an_error_never_shows_the_secret_pasted_into_another_setting() {
        let secret = "Zq9-SuperSecret-77";
        let (_d, path) = write_config(&format!(
            "[default]\nclient_secret = \"{secret}\"\nregion = \"{secret}\"\n"
        ));
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(
            msg.contains("`region` is `<redacted>`, which is not a region"),
            "{msg}"
        );
        let host = format!("{secret}.mytalkdesk.com");
        for (var, value) in [
            ("TALKDESK_REGION", secret),
            ("TALKDESK_ACCOUNT_NAME", &host),
        ] {
            let pairs = [("TALKDESK_CLIENT_SECRET", secret), (var, value)];
            let env = env_of(&pairs);
            let msg = err_text(Settings::resolve(&Overrides::default(), &env));
            assert!(msg.contains(var) && msg.contains("<redacted>"), "{msg}");
            assert!(!msg.contains("SuperSecret"), "{msg}");
        }
    }

    #[test]
    fn flags_beat_env_beat_file_beat_defaults() {
        let (_d, path) = write_config(
            "[default]\nclient_id = \"file-id\"\nclient_secret = \"s\"\naccount_name = \"acme\"\nper_page = 20\ntimeout_secs = 9\n",
        );
        let env = env_of(&[("TALKDESK_CLIENT_ID", "env-id")]);
        let mut ov = with_file(&path);
        ov.per_page = Some(70);
        let s = Settings::resolve(&ov, &env).unwrap();
        assert_eq!(s.client_id.as_ref().unwrap().value, "env-id");
        assert_eq!(
            s.client_id.unwrap().source,
            Source::Env("TALKDESK_CLIENT_ID")
        );
        assert_eq!(s.per_page.value, 70);
        assert_eq!(s.per_page.source, Source::Flag("--per-page"));
        assert_eq!(s.timeout_secs.value, 9);
        assert!(matches!(s.timeout_secs.source, Source::File { .. }));
        assert_eq!(s.max_retries.value, DEFAULT_MAX_RETRIES);
        assert_eq!(s.max_retries.source, Source::Default);
        assert_eq!(
            s.token_url.unwrap().value.to_string(),
            "https://acme.talkdeskid.com/oauth/token"
        );
    }

    #[test]
    fn credentials_can_come_from_the_environment_alone() {
        let (_d, path) = write_config("");
        let env = env_of(&[
            ("TALKDESK_CLIENT_ID", "id"),
            ("TALKDESK_CLIENT_SECRET", "sec"),
            ("TALKDESK_ACCOUNT_NAME", "acme"),
            ("TALKDESK_REGION", "eu"),
        ]);
        let s = Settings::resolve(&with_file(&path), &env).unwrap();
        let c = s.credentials().unwrap();
        assert_eq!(c.client_id, "id");
        assert_eq!(c.client_secret.expose(), "sec");
        assert_eq!(
            c.token_url.to_string(),
            "https://acme.talkdeskid.eu/oauth/token"
        );
        assert_eq!(s.base_url.value.to_string(), "https://api.talkdeskapp.eu/");
    }

    #[test]
    fn regions_map_to_their_hosts() {
        assert_eq!(Region::Us.api_base(), "https://api.talkdeskapp.com");
        assert_eq!(Region::Eu.api_base(), "https://api.talkdeskapp.eu");
        assert_eq!(Region::Ca.api_base(), "https://api.talkdeskappca.com");
        assert_eq!(
            Region::Ca.token_url("x"),
            "https://x.talkdeskidca.com/oauth/token"
        );
        assert_eq!(Region::parse("EU"), Some(Region::Eu));
        assert_eq!(Region::parse("mars"), None);
    }

    #[test]
    fn an_unknown_key_names_the_file_and_line() {
        let (_d, path) = write_config("[default]\nclient_id = \"x\"\nclient_secert = \"y\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("config.toml, line 3"), "{msg}");
        assert!(msg.contains("client_secert"), "{msg}");
    }

    /// It was "invalid float, expected nothing" or "invalid boolean".
    #[test]
    fn an_unquoted_text_value_is_said_to_need_quotes_without_quoting_it() {
        for line in [
            "client_id = 0a1b2c3d4e",
            "client_id = test-client",
            "client_secret = ffoo",
            "region = eu",
        ] {
            let (_d, path) = write_config(&format!("[default]\n{line}\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            let key = line.split(' ').next().unwrap();
            let want = format!("line 2: {key} must be a quoted string, e.g. {key} = \"…\"");
            assert!(msg.contains(&want), "{msg}");
            // The file's path is left out: a temporary folder such as
            // `.tmpiSceui` holds "eu" by chance.
            let said = msg.replace(&path.display().to_string(), "");
            assert!(!said.contains(line.rsplit(' ').next().unwrap()), "{msg}");
        }
        // A number written wrong, or a quoted value TOML refuses, keeps
        // TOML's own words.
        for line in ["per_page = 1x", "client_id = \"abc"] {
            let (_d, path) = write_config(&format!("[default]\n{line}\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            assert!(!msg.contains("quoted string"), "{msg}");
        }
    }

    #[test]
    fn malformed_toml_names_the_line() {
        let (_d, path) = write_config("[default]\nclient_id = \"x\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("line 2"), "{msg}");
    }

    /// It was "stream did not contain valid UTF-8; check its permissions".
    #[test]
    fn a_config_file_that_is_not_utf8_is_named_with_its_line() {
        let (_d, path) = write_config("");
        fs::write(
            &path,
            b"[default]\nclient_id = \"x\"\nregion = \"e\xffu\"\n",
        )
        .unwrap();
        let err = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap_err();
        assert_eq!(
            crate::error::exit_code_for(&err),
            crate::error::Exit::Config
        );
        let msg = crate::error::one_line(&err);
        assert!(
            msg.ends_with("config.toml, line 3: not UTF-8 text; save the file as UTF-8"),
            "{msg}"
        );
    }

    #[test]
    fn keys_outside_a_profile_are_explained() {
        let (_d, path) = write_config("client_id = \"x\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("[default]"), "{msg}");
    }

    #[test]
    fn an_unknown_region_names_the_key_and_line() {
        let (_d, path) = write_config("[default]\n\nregion = \"mars\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(
            msg.contains("line 3") && msg.contains("`region`") && msg.contains("us, eu or ca"),
            "{msg}"
        );
        let msg = err_text(Settings::resolve(
            &with_file(&path),
            &env_of(&[("TALKDESK_REGION", "nope")]),
        ));
        assert!(msg.contains("TALKDESK_REGION"), "{msg}");
    }

    #[test]
    fn an_unknown_profile_lists_the_profiles() {
        let (_d, path) = write_config("[default]\n[staging]\n");
        let mut ov = with_file(&path);
        ov.profile = Some("prod".into());
        let msg = err_text(Settings::resolve(&ov, &env_of(&[])));
        assert!(
            msg.contains("`prod`") && msg.contains("default, staging"),
            "{msg}"
        );
    }

    /// Without `[default]`, missing settings name the profiles there are:
    /// one named `none` too (a "none" text stood for no profiles).
    #[test]
    fn missing_settings_name_the_profiles_when_default_is_not_there() {
        for (file, expected) in [
            (
                "[none]\n",
                "has no profile [default] (profiles: none): pick one",
            ),
            ("", "add them to profile [default] of"),
        ] {
            let (_d, path) = write_config(file);
            let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
            let msg = crate::error::one_line(&s.credentials().unwrap_err());
            assert!(msg.contains(expected), "{file:?}: {msg}");
        }
    }

    /// `add a [eu.prod] table` would be a table `prod` inside `eu`.
    #[test]
    fn a_profile_name_that_is_not_a_bare_key_is_shown_quoted() {
        let (_d, path) = write_config("[default]\n");
        for (name, table) in [
            ("prod", "[prod]"),
            ("eu.prod", r#"["eu.prod"]"#),
            ("my prod", r#"["my prod"]"#),
            ("a\"b", r#"['a"b']"#),
        ] {
            let mut ov = with_file(&path);
            ov.profile = Some(name.into());
            let msg = err_text(Settings::resolve(&ov, &env_of(&[])));
            assert!(msg.contains(&format!("add a {table} table")), "{msg}");
        }
        let (_d, path) = write_config("[\"eu.prod\"]\n");
        let mut ov = with_file(&path);
        ov.profile = Some("eu.prod".into());
        let s = Settings::resolve(&ov, &env_of(&[])).unwrap();
        let msg = crate::error::one_line(&s.credentials().unwrap_err());
        assert!(
            msg.contains(r#"add them to profile ["eu.prod"] of"#),
            "{msg}"
        );
    }

    #[test]
    fn profiles_are_tables() {
        let (_d, path) =
            write_config("[default]\nclient_id = \"a\"\n[staging]\nclient_id = \"b\"\n");
        let env = env_of(&[("TALKDESK_PROFILE", "staging")]);
        let s = Settings::resolve(&with_file(&path), &env).unwrap();
        assert_eq!(s.client_id.unwrap().value, "b");
        assert_eq!(s.profile.source, Source::Env("TALKDESK_PROFILE"));
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let msg = err_text(Settings::resolve(
            &with_file(&dir.path().join("nope.toml")),
            &env_of(&[]),
        ));
        assert!(msg.contains("does not exist"), "{msg}");
    }

    #[test]
    fn plain_http_outside_loopback_is_a_config_error() {
        let (_d, path) = write_config("[default]\nbase_url = \"http://api.example.com\"\n");
        let err = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap_err();
        assert_eq!(
            crate::error::exit_code_for(&err),
            crate::error::Exit::Config
        );
        assert!(crate::error::one_line(&err).contains("line 2"));
    }

    #[test]
    fn out_of_range_numbers_name_the_key() {
        let (_d, path) = write_config("[default]\nper_page = 500\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(
            msg.contains("`per_page` is 500; use a number from 1 to 100"),
            "{msg}"
        );
    }

    #[test]
    fn a_number_from_a_variable_is_read_and_range_checked() {
        let (path, raw) = (PathBuf::from("config.toml"), RawProfile::default());
        let at = |value: &'static str| {
            let env = move |_: &str| Some(value.to_string());
            let at = Lookup {
                env: &env,
                text: "",
                path: &path,
                profile: "default",
            };
            let found = at.get(
                None,
                Some("TALKDESK_N"),
                key!(raw.per_page),
                within(1..=100),
            );
            found
                .map(|n| n.map(|n| n.value))
                .map_err(|e| crate::error::one_line(&e))
        };
        assert_eq!(at("42"), Ok(Some(42)));
        // Spaces around a number, as `--max-rate ' 2'` takes them.
        assert_eq!(at(" 42 "), Ok(Some(42)));
        assert_eq!(
            at("500"),
            Err("TALKDESK_N is 500; use a number from 1 to 100".into())
        );
        assert_eq!(
            at("x"),
            Err("TALKDESK_N is `x`, which is not a number; use a number, e.g. 2 or 0.5".into())
        );
    }

    #[test]
    fn account_names_cannot_inject_hosts() {
        let env = env_of(&[("TALKDESK_ACCOUNT_NAME", "evil.com/x?")]);
        let (_d, path) = write_config("[default]\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env));
        assert!(msg.contains("not a Talkdesk account name"), "{msg}");
        for (name, why) in [
            ("acme-", "it cannot start or end with a hyphen"),
            ("-acme", "it cannot start or end with a hyphen"),
            // The host or URL pasted whole: its first part is the name.
            (
                "mycompany.mytalkdesk.com",
                "; use `mycompany`, the first part of the host name",
            ),
            (
                "https://acme.mytalkdesk.com/",
                "; use `acme`, the first part of the host name",
            ),
            (
                "acme.talkdeskid.eu",
                "; use `acme`, the first part of the host name, with region eu",
            ),
            ("a b.c", "use letters, digits and hyphens only"),
            (&"a".repeat(64), "it is longer than 63 characters"),
        ] {
            let pairs = [("TALKDESK_ACCOUNT_NAME", name)];
            let env = env_of(&pairs);
            let msg = err_text(Settings::resolve(&with_file(&path), &env));
            assert!(msg.contains(why), "{name}: {msg}");
        }
    }

    #[test]
    fn missing_credentials_say_what_to_set() {
        let (_d, path) = write_config("[default]\n");
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let msg = crate::error::one_line(&s.credentials().unwrap_err());
        assert!(msg.contains("TALKDESK_CLIENT_ID"), "{msg}");
    }

    /// Only the settings missing are named: a client id or secret that is
    /// set is not.
    #[test]
    fn missing_credentials_leave_out_the_ones_set() {
        let (_d, path) = write_config("[default]\n");
        for (var, missing, set) in [
            (
                "TALKDESK_CLIENT_ID",
                "client_secret or client_secret_cmd",
                "client_id",
            ),
            ("TALKDESK_CLIENT_SECRET", "client_id", "client_secret"),
        ] {
            let pairs = [(var, "Zq9-set-value")];
            let s = Settings::resolve(&with_file(&path), &env_of(&pairs)).unwrap();
            let msg = crate::error::one_line(&s.credentials().unwrap_err());
            let first = format!("missing settings: {missing} (or ");
            assert!(msg.starts_with(&first), "{var}: {msg}");
            assert!(!msg.contains(set), "{var}: {msg}");
        }
    }

    #[test]
    fn a_line_ending_after_a_credential_is_left_out() {
        let env = env_of(&[
            ("TALKDESK_CLIENT_ID", "the-id\r\n"),
            ("TALKDESK_CLIENT_SECRET", "good-secret-1\n"),
            (
                "TALKDESK_TOKEN_URL",
                "https://acme.talkdeskid.com/oauth/token",
            ),
        ]);
        let c = Settings::resolve(&Overrides::default(), &env)
            .unwrap()
            .credentials()
            .unwrap();
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.expose()),
            ("the-id", "good-secret-1")
        );
    }

    #[test]
    fn a_config_file_larger_than_a_mib_is_refused_not_read_to_the_end() {
        let overrides = with_file(Path::new("/dev/zero"));
        let err = err_text(Settings::resolve(&overrides, &env_of(&[])));
        assert!(err.contains("/dev/zero is larger than 1 MiB"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_cmd_in_a_file_others_can_change_is_not_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ran = dir.path().join("ran");
        let text = format!(
            "[default]\nclient_id = \"x\"\ntoken_url = \"https://a.talkdeskid.com/oauth/token\"\nclient_secret_cmd = \"touch {}\"\n",
            shell_quoted(&ran.display().to_string())
        );
        let (_d, path) = write_config(&text);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
        let settings = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let err = settings.credentials().unwrap_err().to_string();
        assert!(err.contains("can be changed by others (mode 666)"), "{err}");
        assert!(!ran.exists(), "the command was not run");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let settings = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let _ = settings.credentials();
        assert!(ran.exists(), "a file of one's own runs it");
    }

    #[test]
    fn a_path_in_the_file_starting_with_a_tilde_is_in_the_home_folder() {
        let (_d, path) = write_config(
            "[default]\nhistory = \"~/talkdesk/h.sqlite3\"\nca_bundle = \"certs/corp.pem\"\n",
        );
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let home = dirs::home_dir().unwrap();
        assert_eq!(s.history.unwrap().value, home.join("talkdesk/h.sqlite3"));
        let beside = path.parent().unwrap().join("certs/corp.pem");
        assert_eq!(
            s.ca_bundle.unwrap().value,
            beside,
            "relative: beside the file"
        );
        // So it is in the variables and flags (it was taken as a folder `~`).
        let env = env_of(&[
            ("TALKDESK_HISTORY", "~/e.sqlite3"),
            ("TALKDESK_CA_BUNDLE", "~/ca.pem"),
            ("TALKDESK_CONFIG", "~/c.toml"),
        ]);
        let s = Settings::resolve(&with_file(&path), &env).unwrap();
        assert_eq!(s.history.unwrap().value, home.join("e.sqlite3"));
        assert_eq!(s.ca_bundle.unwrap().value, home.join("ca.pem"));
        let config = config_path_in_use(None, &env).unwrap();
        assert_eq!(config.value, home.join("c.toml"));
        let flag = config_path_in_use(Some(Path::new("~/f.toml")), &env).unwrap();
        assert_eq!(flag.value, home.join("f.toml"));
        // Only `~` itself: `~user` and a `~` further in are paths as given.
        assert_eq!(in_home(Path::new("~other/x")), None);
        assert_eq!(in_home(Path::new("a/~/x")), None);
    }

    /// A path of spaces alone was taken: `snapshot` made a store named by
    /// them in the current folder.
    #[test]
    fn a_path_of_spaces_is_no_path() {
        let (_d, path) = write_config("[default]\nhistory = \" \"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("line 2") && msg.contains("is empty"), "{msg}");
        let (_d, path) = write_config("[default]\n");
        let env = env_of(&[("TALKDESK_HISTORY", "  ")]);
        let msg = err_text(Settings::resolve(&with_file(&path), &env));
        assert!(
            msg.contains("TALKDESK_HISTORY") && msg.contains("is empty"),
            "{msg}"
        );
    }

    #[test]
    fn an_empty_secret_cmd_is_named_with_its_line() {
        let (_d, path) = write_config("[default]\nclient_id = \"x\"\nclient_secret_cmd = \" \"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(
            msg.contains("line 3") && msg.contains("client_secret_cmd"),
            "{msg}"
        );
        assert!(msg.contains("is empty"), "{msg}");
    }

    /// `client_secret_cmd = "#x"` was said to be empty.
    #[test]
    fn a_secret_cmd_that_is_only_a_comment_is_called_one() {
        let err = run_secret_command("#x", Duration::from_secs(1))
            .err()
            .unwrap();
        let msg = crate::error::one_line(&err);
        assert!(msg.contains("is only a comment"), "{msg}");
    }

    #[test]
    fn secret_and_secret_cmd_together_are_an_error() {
        let (_d, path) =
            write_config("[default]\nclient_secret = \"a\"\nclient_secret_cmd = \"echo b\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("line 3") && msg.contains("only one"), "{msg}");
    }

    #[cfg(unix)]
    #[test]
    fn secret_cmd_gives_the_first_line_of_stdout() {
        let (_d, path) = write_config(
            "[default]\nclient_id = \"i\"\ntoken_url = \"http://127.0.0.1:1/t\"\nclient_secret_cmd = \"printf 'top secret\\\\nsecond'\"\n",
        );
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        assert_eq!(
            s.credentials().unwrap().client_secret.expose(),
            "top secret"
        );
    }

    /// Each control character a double-quoted TOML string makes of a
    /// Windows path is named, with the escape that made it.
    #[test]
    fn each_escape_in_a_path_is_named_with_its_letter() {
        for (c, said) in [
            ('\t', "holds a tab, as `\\t`"),
            ('\n', "holds a line break, as `\\n`"),
            ('\r', "holds a carriage return, as `\\r`"),
            ('\u{8}', "holds a backspace, as `\\b`"),
            ('\u{c}', "holds a form feed, as `\\f`"),
            ('\u{1b}', "holds an escape character, as `\\e`"),
            ('\u{7}', "holds a control character, as `\\u`"),
        ] {
            let msg = escaped_in_path(c);
            assert!(msg.starts_with(said), "{c:?}: {msg}");
        }
    }

    /// UTF-16 output is decoded by its byte-order mark, either one, or
    /// by the NUL beside its first character, either side; other output,
    /// a NUL first included, is not UTF-16.
    #[test]
    fn utf16_output_is_told_by_its_mark_or_its_nul() {
        let le: Vec<u8> = "ab\r\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "ab\r\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let text = Some("ab\r\n".to_string());
        assert_eq!(utf16_decoded(&[&[0xFF, 0xFE], &le[..]].concat()), text);
        assert_eq!(utf16_decoded(&[&[0xFE, 0xFF], &be[..]].concat()), text);
        assert_eq!(utf16_decoded(&le), text);
        assert_eq!(utf16_decoded(&be), text);
        assert_eq!(utf16_decoded(b"ab\r\n"), None);
        assert_eq!(utf16_decoded(&[0, 0xC3]), None);
    }

    /// An account name of 63 characters, a DNS label's most, is one; of
    /// 64, not.
    #[test]
    fn an_account_name_of_63_characters_is_one() {
        assert_eq!(account_name_advice(&"a".repeat(63)), None);
        assert_eq!(
            account_name_advice(&"a".repeat(64)).as_deref(),
            Some("it is longer than 63 characters")
        );
    }

    /// On Windows a backslash is a path's: `C:\Windows\system32\cmd.exe`
    /// was run as `C:Windowssystem32cmd.exe`, "program not found".
    #[cfg(not(unix))]
    #[test]
    fn a_secret_cmd_named_by_a_windows_path_runs() {
        let root = std::env::var("SystemRoot").unwrap();
        let line = format!(r#"{root}\system32\cmd.exe /c "echo top secret""#);
        let secret = run_secret_command(&line, Duration::from_secs(30)).unwrap();
        assert_eq!(secret.expose(), "top secret");
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_or_silent_secret_cmd_is_a_config_error() {
        for cmd in ["false", "true", "/nonexistent/tool"] {
            let (_d, path) = write_config(&format!(
                "[default]\nclient_id = \"i\"\ntoken_url = \"http://127.0.0.1:1/t\"\nclient_secret_cmd = \"{cmd}\"\n"
            ));
            let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
            let err = s.credentials().unwrap_err();
            assert_eq!(
                crate::error::exit_code_for(&err),
                crate::error::Exit::Config,
                "{cmd}"
            );
        }
    }

    /// A `--config` name that is not UTF-8 was printed lossily: the
    /// command, run as printed, named another file.
    #[cfg(unix)]
    #[test]
    fn a_suggested_command_never_names_another_file() {
        use std::os::unix::ffi::OsStrExt;
        let odd = PathBuf::from(std::ffi::OsStr::from_bytes(b"no\xffpe.toml"));
        let path = Sourced::new(odd, Source::Flag("--config"));
        let profile = Sourced::new("default".to_string(), Source::Default);
        let command = command_with(&path, &profile, "config init");
        assert_eq!(
            command,
            "talkdesk-accounts --config <the same path> config init"
        );
        let path = Sourced::new(PathBuf::from("my team.toml"), Source::Flag("--config"));
        let profile = Sourced::new("prod".to_string(), Source::Flag("--profile"));
        let command = command_with(&path, &profile, "auth check");
        assert_eq!(
            command,
            "talkdesk-accounts --config 'my team.toml' --profile prod auth check"
        );
    }

    /// `cat ~/secret.txt` works by hand in a shell and failed here with
    /// "run it by hand to see why".
    #[cfg(unix)]
    #[test]
    fn a_failing_secret_cmd_written_for_a_shell_says_there_is_none() {
        let hints = [
            (
                "cat ~/nonexistent-secret.txt",
                "it runs without a shell, so `~`",
            ),
            ("false", "; run it by hand to see why"),
            // A shell it runs itself expands them.
            (
                "sh -c 'cat ~/nonexistent-secret.txt'",
                "; run it by hand to see why",
            ),
            (
                "~/bin/get-secret",
                "config file (it runs without a shell, so `~`",
            ),
            (
                "FOO=1 cat x",
                "config file (it runs without a shell, so `~`",
            ),
        ];
        for (cmd, hint) in hints {
            let (_d, path) = write_config(&format!(
                "[default]\nclient_id = \"i\"\ntoken_url = \"http://127.0.0.1:1/t\"\nclient_secret_cmd = \"{cmd}\"\n"
            ));
            let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
            let msg = s.credentials().unwrap_err().to_string();
            assert!(msg.contains(hint), "{msg}");
        }
    }

    /// A secret in `token_url`'s query was shown by `auth check`, kept in
    /// the token cache and the history store.
    #[test]
    fn a_url_holding_the_client_secret_is_refused() {
        for (secret, url) in [
            (
                "Zq7Xk9Vw2Lm4NpRt6Yb3",
                "http://127.0.0.1:9/oauth/token?client_secret=Zq7Xk9Vw2Lm4NpRt6Yb3",
            ),
            (
                "Zq7Xk9Vw2Lm4NpRt6Yb3",
                "http://127.0.0.1:9/oauth/token?client_secret=Zq7Xk9Vw2Lm4NpRt6Yb%33",
            ),
            (
                "Zq7Xk9Vw2Lm4NpRt6Yb3",
                "http://127.0.0.1:9/Zq7Xk9Vw2Lm4NpRt6Yb3/oauth/token",
            ),
            // A `+` (base64), as pasted and percent-encoded; a space as a form writes it.
            (
                "abc+defgh1234",
                "http://127.0.0.1:9/oauth/token?client_secret=abc+defgh1234",
            ),
            (
                "abc+defgh1234",
                "http://127.0.0.1:9/oauth/token?client_secret=abc%2Bdefgh1234",
            ),
            (
                "abc defgh1234",
                "http://127.0.0.1:9/oauth/token?client_secret=abc+defgh1234",
            ),
        ] {
            let pairs = [
                ("TALKDESK_CLIENT_SECRET", secret),
                ("TALKDESK_TOKEN_URL", url),
            ];
            let msg = err_text(Settings::resolve(&Overrides::default(), &env_of(&pairs)));
            assert_eq!(
                msg,
                "token_url holds the client secret; keep it in client_secret, never in a URL"
            );
        }
        // A secret that is a port, or a part of one that is a word of a
        // host, is no secret in a URL (every command refused it).
        for (secret, url) in [
            ("42501", "http://127.0.0.1:42501/"),
            ("Talkdesk-2026-key", "https://api.talkdeskapp.com/"),
            ("LocalHost-dev-9", "http://localhost:9/"),
            ("oauth", "http://127.0.0.1:9/oauth/"),
        ] {
            let pairs = [
                ("TALKDESK_CLIENT_SECRET", secret),
                ("TALKDESK_BASE_URL", url),
            ];
            let resolved = Settings::resolve(&Overrides::default(), &env_of(&pairs));
            assert!(resolved.is_ok(), "{secret}");
        }
    }

    /// A hex secret in `token_url`'s query in upper case was taken: `auth
    /// check` printed it, the token cache and the history store kept it,
    /// though the redactor takes a whole secret in any case for one (found
    /// by fuzzing where the secret may go).
    #[test]
    fn a_url_holding_the_client_secret_in_another_case_is_refused() {
        let pairs = [
            ("TALKDESK_CLIENT_SECRET", "3f2504e04f8911d39a0c0305e82c3301"),
            (
                "TALKDESK_TOKEN_URL",
                "http://127.0.0.1:9/t?client_secret=3F2504E04F8911D39A0C0305E82C3301",
            ),
        ];
        let msg = err_text(Settings::resolve(&Overrides::default(), &env_of(&pairs)));
        assert!(
            msg.starts_with("token_url holds the client secret"),
            "{msg}"
        );
    }

    /// `[[default]]` said "invalid type: map, expected a string".
    #[test]
    fn an_array_of_tables_says_to_write_a_table() {
        for text in [
            "[[default]]\nregion = \"eu\"\n",
            "[default]\nregion = \"eu\"\n[[eu]]\nregion = \"eu\"\n",
        ] {
            let (_d, path) = write_config(text);
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            assert!(
                msg.contains("is an array of tables; write a profile as one table, [name]"),
                "{msg}"
            );
        }
        // The header is named whole, to its `]]`, not what follows it.
        let (_d, path) = write_config("[[default]] # old\nregion = \"eu\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("`[[default]]` is an array of tables"), "{msg}");
        // Inside a profile it is an unknown key, as serde says.
        let (_d, path) = write_config("[default]\n[[default.x]]\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("unknown field `x`"), "{msg}");
    }

    /// `--config -` read a file named `-`, and the hint to create it made
    /// one: no setting is read from stdin, as gh and aws read none.
    #[test]
    fn a_blank_config_path_is_no_file() {
        let env = env_of(&[("TALKDESK_CONFIG", "  ")]);
        let msg = config_file_in_use(None, &env).unwrap_err().to_string();
        assert_eq!(
            msg,
            "TALKDESK_CONFIG is empty; set a path, or leave it out for the default"
        );
        let msg = config_file_in_use(Some(Path::new(" ")), &env)
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg,
            "--config is empty; set a path, or leave it out for the default"
        );
    }

    /// TALKDESK_CONFIG=-/ was taken as a path, whose `config init` then
    /// failed ("cannot write -/: Not a directory"), while `--config=-/`
    /// and TALKDESK_HISTORY=-/ are refused as `-` is.
    #[test]
    fn a_config_path_of_a_dash_and_a_slash_is_refused_as_a_dash() {
        let env = env_of(&[("TALKDESK_CONFIG", "-/")]);
        for (flag, env) in [(Some(Path::new("-/")), env_of(&[])), (None, env)] {
            let msg = config_file_in_use(flag, &env).unwrap_err().to_string();
            assert!(
                msg.contains(" -: the settings are not read from stdin"),
                "{msg}"
            );
        }
    }

    #[test]
    fn a_config_path_of_a_dash_is_refused() {
        let dash = Overrides {
            config: Some(PathBuf::from("-")),
            ..Overrides::default()
        };
        let msg = err_text(Settings::resolve(&dash, &env_of(&[])));
        assert!(
            msg.contains("--config -: the settings are not read from stdin"),
            "{msg}"
        );
        let env = env_of(&[("TALKDESK_CONFIG", "-")]);
        let msg = err_text(Settings::resolve(&Overrides::default(), &env));
        assert!(
            msg.contains("TALKDESK_CONFIG -: the settings are not read from stdin"),
            "{msg}"
        );
    }

    /// Any whole number is range-checked under its key: 2^32 for a u32
    /// setting, a number beyond 64 bits or a negative one said "expected a
    /// whole number 0 or more", naming no key, or "as i128".
    #[test]
    fn a_number_in_the_file_out_of_its_type_is_out_of_its_range() {
        for (key, value, range) in [
            ("per_page", "4294967296", "1 to 100"),
            ("max_retries", "4294967296", "0 to 100"),
            ("per_page", "99999999999999999999999", "1 to 100"),
            ("timeout_secs", "-5", "1 to 86400"),
            ("concurrency", "18446744073709551616", "1 to 64"),
        ] {
            let (_d, path) = write_config(&format!("[default]\n{key} = {value}\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            let want = format!("line 2: `{key}` is {value}; use a number from {range}");
            assert!(msg.contains(&want), "{msg}");
        }
    }

    #[test]
    fn empty_values_and_wrong_types_in_the_file_are_errors_naming_the_line() {
        let (_d, path) = write_config("[default]\nper_page = \"50\"\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(
            msg.contains("line 2: invalid type: string \"50\", expected a whole number"),
            "{msg}"
        );
        for key in ["history", "ca_bundle", "client_id", "client_secret"] {
            let (_d, path) = write_config(&format!("[default]\n{key} = \"\"\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            assert!(
                msg.contains("line 2") && msg.contains(&format!("`{key}` is empty")),
                "{msg}"
            );
        }
    }

    /// A secret written without quotes was quoted whole in serde's
    /// "invalid type: integer `98765432109876`, expected a string".
    #[test]
    fn a_secret_that_is_not_a_string_is_named_by_key_and_line_never_shown() {
        for key in ["client_secret", "client_secret_cmd"] {
            for value in [
                "98765432109876",
                "0x1A2B3C4D5E6F",
                "3.14159265358979",
                "1e10",
                "9876543210987698765432109876",
                "true",
                "1979-05-27T07:32:00Z",
                "[98765432109876, 9876543210987698765432109876]",
                "{ part = 98765432109876 }",
            ] {
                let (_d, path) =
                    write_config(&format!("[default]\nclient_id = \"i\"\n{key} = {value}\n"));
                let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
                assert!(
                    msg.contains("config.toml, line 3: ")
                        && msg.contains(&format!("`{key}` must be a quoted string")),
                    "{msg}"
                );
                // Whatever the temporary folder's name holds.
                let said = msg.replace(&path.display().to_string(), "");
                for part in ["98765", "1A2B", "3.14", "1e10", "true", "1979"] {
                    assert!(!said.contains(part), "{value}: {msg}");
                }
            }
        }
        // Nor does a syntax error quote the value.
        for value in ["abc123xyz", "98765432109876 junk", "0b1012"] {
            let (_d, path) = write_config(&format!("[default]\nclient_secret = {value}\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            assert!(msg.contains("line 2"), "{msg}");
            let said = msg.replace(&path.display().to_string(), "");
            for part in ["abc1", "98765", "1012"] {
                assert!(!said.contains(part), "{value}: {msg}");
            }
        }
    }

    #[test]
    fn a_base_url_with_a_query_or_a_url_with_a_fragment_is_an_error() {
        for (key, value, why) in [
            ("base_url", "http://127.0.0.1:1?key=x", "has a `?…` query"),
            ("base_url", "http://127.0.0.1:1/#top", "has a `#…` part"),
            ("token_url", "http://127.0.0.1:1/t#x", "has a `#…` part"),
        ] {
            let (_d, path) = write_config(&format!("[default]\n{key} = \"{value}\"\n"));
            let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
            assert!(msg.contains("line 2") && msg.contains(why), "{msg}");
        }
        // A token URL may need a query (a tenant, a policy).
        let (_d, path) = write_config("[default]\ntoken_url = \"http://127.0.0.1:1/t?p=x\"\n");
        assert!(Settings::resolve(&with_file(&path), &env_of(&[])).is_ok());
    }

    /// `yes` prints without end: it was held in memory until the machine
    /// ran out; it is now stopped at the cap.
    #[cfg(unix)]
    #[test]
    fn a_secret_cmd_that_prints_without_end_is_stopped_at_the_cap() {
        let (_d, path) = write_config(
            "[default]\nclient_id = \"i\"\ntoken_url = \"http://127.0.0.1:1/t\"\nclient_secret_cmd = \"yes\"\n",
        );
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let err = s.credentials().unwrap_err();
        assert!(
            format!("{err:#}").contains("printed more than 64 KiB"),
            "{err:#}"
        );
        assert_eq!(
            crate::error::exit_code_for(&err),
            crate::error::Exit::Config
        );
    }

    /// The cap is on what is printed beyond 64 KiB: exactly 64 KiB (over
    /// several reads of the pipe) still gives the secret on its first line.
    #[cfg(unix)]
    #[test]
    fn a_secret_cmd_printing_exactly_the_cap_gives_its_secret() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut printed = b"top secret\n".to_vec();
        printed.resize(SECRET_CMD_MAX as usize, b'x');
        fs::write(&out, &printed).unwrap();
        let (_d, path) = write_config(&format!(
            "[default]\nclient_id = \"i\"\ntoken_url = \"http://127.0.0.1:1/t\"\nclient_secret_cmd = \"cat '{}'\"\n",
            out.display()
        ));
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let secret = s
            .credentials()
            .map(|c| c.client_secret.expose().to_string());
        assert_eq!(
            secret.map_err(|e| format!("{e:#}")).as_deref(),
            Ok("top secret")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_readable_config_file_gets_a_chmod_warning() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, path) = write_config("[default]\n");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let warning = s.permission_warning.unwrap();
        assert!(
            warning.ends_with(&format!(
                "run: chmod 600 {}",
                shell_quoted(&path.display().to_string())
            )),
            "{warning}"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        assert_eq!(s.permission_warning, None);
        // `--config /dev/null` (mode 666): no settings, and nothing to chmod.
        let s = Settings::resolve(&with_file(Path::new("/dev/null")), &env_of(&[])).unwrap();
        assert_eq!(s.permission_warning, None);
    }

    #[cfg(unix)]
    #[test]
    fn chmod_paths_are_quoted_for_the_shell() {
        assert_eq!(
            shell_quoted("/home/a/.config/x/config.toml"),
            "/home/a/.config/x/config.toml"
        );
        assert_eq!(shell_quoted("/Users/A B/it's"), r"'/Users/A B/it'\''s'");
        // shell_words::quote leaves braces and `!` bare: bash expands them.
        let flag = |p: &str| Sourced::new(PathBuf::from(p), Source::Flag("--config"));
        let profile = Sourced::new("default".to_string(), Source::Default);
        let command = command_with(&flag("/tmp/a{b,c}!.toml"), &profile, "config init");
        assert_eq!(
            command,
            "talkdesk-accounts --config '/tmp/a{b,c}!.toml' config init"
        );
    }

    /// On Windows, as PowerShell reads them: `\` bare, `'` doubled.
    #[cfg(not(unix))]
    #[test]
    fn paths_are_quoted_for_powershell() {
        let path = r"C:\Users\a\config.toml";
        assert_eq!(shell_quoted(path), path);
        assert_eq!(shell_quoted(r"C:\A B\it's"), r"'C:\A B\it''s'");
    }

    #[test]
    fn settings_and_credentials_debug_redact_the_secret() {
        let (_d, path) = write_config("[default]\naccount_name = \"acme\"\n");
        let env = env_of(&[
            ("TALKDESK_CLIENT_ID", "id"),
            ("TALKDESK_CLIENT_SECRET", "hunter2-secret"),
        ]);
        let s = Settings::resolve(&with_file(&path), &env).unwrap();
        let creds = s.credentials().unwrap();
        for text in [format!("{s:?}"), format!("{creds:?}"), format!("{s:#?}")] {
            assert!(!text.contains("hunter2-secret"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }

    /// Splitting refuses only an unclosed quote, on every platform: a
    /// trailing backslash is kept (the error also named it).
    #[test]
    fn only_an_unclosed_quote_is_a_quoting_error() {
        assert!(split_words(r"get-secret dir\").is_ok());
        assert!(split_words(r#"get-secret "dir"#).is_err());
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        let setting = SecretSetting::Value(s);
        assert!(!format!("{setting:?}").contains("hunter2"));
    }

    /// A default path is the file in the tool's folder in the user's
    /// folder, and none when the user has no such folder.
    #[test]
    fn a_default_path_is_in_the_tools_folder() {
        let found = default_path(Some(PathBuf::from("/base")), "config.toml");
        let expected = Path::new("/base")
            .join("talkdesk-accounts")
            .join("config.toml");
        assert_eq!(found, Some(Sourced::new(expected, Source::Default)));
        assert_eq!(default_path(None, "config.toml"), None);
    }

    /// Only the `default` profile may be missing: another named profile
    /// with no file (none at the default path, or no config folder at all)
    /// is an error that says so.
    #[test]
    fn another_profile_with_no_file_is_not_found() {
        let name = Sourced::new("work".to_string(), Source::Flag("--profile"));
        let msg = |r: Result<(String, RawProfile, Option<Vec<String>>)>| {
            crate::error::one_line(&r.unwrap_err())
        };
        let none = msg(select_profile(None, &name, None));
        assert!(
            none.contains("profile `work` not found: there is no config file"),
            "{none}"
        );
        let path = Sourced::new(PathBuf::from("/nowhere/config.toml"), Source::Default);
        let absent = msg(select_profile(Some(&path), &name, None));
        assert!(
            absent.contains("profile `work` not found: config file")
                && absent.contains("does not exist"),
            "{absent}"
        );
        let default = Sourced::new(DEFAULT_PROFILE.to_string(), Source::Default);
        assert!(select_profile(None, &default, None).is_ok());
        assert!(select_profile(Some(&path), &default, None).is_ok());
    }

    /// An absolute path in the file is taken as it is, not beside the file.
    #[test]
    fn an_absolute_path_in_the_file_is_as_written() {
        let elsewhere = tempfile::tempdir().unwrap();
        let ca = elsewhere.path().join("corp.pem");
        let (_d, path) = write_config(&format!("[default]\nca_bundle = '{}'\n", ca.display()));
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        assert_eq!(s.ca_bundle.unwrap().value, ca);
    }

    /// Only an escape TOML refused gets the advice on `\` in double
    /// quotes: a line whose quoted `\t` is a good escape, refused for what
    /// follows the string, keeps TOML's own words.
    #[test]
    fn a_good_escape_on_a_line_refused_for_something_else_gets_no_backslash_advice() {
        let (_d, path) = write_config("[default]\nhistory = \"C:\\temp\" x\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("config.toml, line 2: "), "{msg}");
        assert!(!msg.contains("starts an escape"), "{msg}");
    }
}
