//! Settings: the TOML config file, `TALKDESK_*` variables and flags, merged
//! in that order of precedence (flags win) into one validated [`Settings`]
//! before any work starts. Each value remembers where it came from.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;

use crate::error::config_error;
use crate::http::url::{self, Url};

pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_PER_PAGE: u32 = 50;
pub const DEFAULT_MAX_RETRIES: u32 = 4;
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_PROFILE: &str = "default";

/// A secret that never prints: `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

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
            Source::File { path, profile } => write!(f, "{} [{profile}]", path.display()),
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
    fn new(value: T, source: Source) -> Self {
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
    fn parse(text: &str) -> Option<Region> {
        match text.to_ascii_lowercase().as_str() {
            "us" => Some(Region::Us),
            "eu" => Some(Region::Eu),
            "ca" => Some(Region::Ca),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Ca => "ca",
        }
    }

    /// The API base URL of the region.
    pub fn api_base(self) -> &'static str {
        match self {
            Region::Us => "https://api.talkdeskapp.com",
            Region::Eu => "https://api.talkdeskapp.eu",
            Region::Ca => "https://api.talkdeskappca.com",
        }
    }

    /// The token URL of an account in the region.
    pub fn token_url(self, account_name: &str) -> String {
        let domain = match self {
            Region::Us => "talkdeskid.com",
            Region::Eu => "talkdeskid.eu",
            Region::Ca => "talkdeskidca.com",
        };
        format!("https://{account_name}.{domain}/oauth/token")
    }
}

/// One profile of the config file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    account_name: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    client_secret: Option<Spanned<String>>,
    client_secret_cmd: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    token_url: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<i64>>,
    per_page: Option<Spanned<i64>>,
    max_retries: Option<Spanned<i64>>,
    concurrency: Option<Spanned<i64>>,
    max_rate: Option<Spanned<f64>>,
    ca_bundle: Option<Spanned<String>>,
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
    pub max_rate: Option<f64>,
}

/// The environment variable of `max_rate`.
pub const MAX_RATE_VAR: &str = "TALKDESK_MAX_RATE";

/// The highest `max_rate` accepted, requests per second.
pub const MAX_RATE_CEILING: f64 = 10_000.0;

/// A `max_rate` as given: above 0, at most [`MAX_RATE_CEILING`]. The error
/// completes "… it".
pub fn check_max_rate(rate: f64) -> std::result::Result<f64, String> {
    if rate.is_finite() && rate > 0.0 && rate <= MAX_RATE_CEILING {
        Ok(rate)
    } else {
        Err(format!(
            "must be above 0 and at most {MAX_RATE_CEILING} requests per second, e.g. 2 or 0.5"
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

/// The secret as configured: a value, or a command to run when it is needed.
#[derive(Debug, Clone)]
pub enum SecretSetting {
    Value(Secret),
    Command(String),
}

/// Every setting, merged and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: Sourced<PathBuf>,
    pub config_exists: bool,
    pub profile: Sourced<String>,
    pub client_id: Option<Sourced<String>>,
    pub client_secret: Option<Sourced<SecretSetting>>,
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
    /// The config file can be read by group or others: what to run.
    pub permission_warning: Option<String>,
}

/// What the API commands need, all present.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: Secret,
    pub token_url: Url,
}

/// The default config file path.
pub fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("talkdesk-accounts").join("config.toml"))
}

/// The config file in use: `--config`, else `TALKDESK_CONFIG`, else the
/// default path; with where it came from.
pub fn config_path_in_use(flag: Option<&Path>, env: EnvLookup) -> Result<Sourced<PathBuf>> {
    if let Some(p) = flag {
        return Ok(Sourced::new(p.to_path_buf(), Source::Flag("--config")));
    }
    if let Some(p) = env("TALKDESK_CONFIG") {
        return Ok(Sourced::new(
            PathBuf::from(p),
            Source::Env("TALKDESK_CONFIG"),
        ));
    }
    let path = default_config_path().ok_or_else(|| {
        config_error("cannot find a config folder for this user; pass --config PATH")
    })?;
    Ok(Sourced::new(path, Source::Default))
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads the config file into profiles; errors name the file and the line.
fn read_profiles(path: &Path) -> Result<Option<(String, BTreeMap<String, RawProfile>)>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(config_error(format!(
                "cannot read config file {}: {e}; check its permissions",
                path.display()
            )));
        }
    };
    match toml::from_str::<BTreeMap<String, RawProfile>>(&text) {
        Ok(profiles) => Ok(Some((text, profiles))),
        Err(e) => {
            let line = e.span().map(|s| line_of(&text, s.start));
            let mut message = e.message().trim().replace('\n', " ");
            if message.contains("expected struct RawProfile") {
                message = "settings must sit inside a profile table such as [default]".into();
            }
            let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
            Err(config_error(format!(
                "config file {}{at}: {message}; fix it or compare with config.example.toml",
                path.display()
            )))
        }
    }
}

/// Warns when group or others can read the config file (as ssh does).
#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "config file {} is accessible by others (mode {:o}); run: chmod 600 {}",
            path.display(),
            mode & 0o777,
            shell_quoted(&path.display().to_string())
        )
    })
}

/// A path as it can be pasted into a POSIX shell.
#[cfg(unix)]
fn shell_quoted(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

impl Settings {
    /// Merges flags, environment, the config file profile and defaults.
    pub fn resolve(overrides: &Overrides, env: EnvLookup) -> Result<Settings> {
        let config_path = config_path_in_use(overrides.config.as_deref(), env)?;
        let explicit = config_path.source != Source::Default;
        let profile = match (&overrides.profile, env("TALKDESK_PROFILE")) {
            (Some(p), _) => Sourced::new(p.clone(), Source::Flag("--profile")),
            (None, Some(p)) => Sourced::new(p, Source::Env("TALKDESK_PROFILE")),
            (None, None) => Sourced::new(DEFAULT_PROFILE.to_string(), Source::Default),
        };

        let file = read_profiles(&config_path.value)?;
        let config_exists = file.is_some();
        if explicit && !config_exists {
            return Err(config_error(format!(
                "config file {} does not exist; create it with `talkdesk-accounts config init` or fix the path",
                config_path.value.display()
            )));
        }
        let mut unprotected = None;
        let empty = RawProfile::default();
        let (text, raw) = match &file {
            Some((text, profiles)) => {
                unprotected = permission_warning(&config_path.value);
                match profiles.get(&profile.value) {
                    Some(raw) => (text.as_str(), raw),
                    None if profile.source == Source::Default && profiles.is_empty() => {
                        ("", &empty)
                    }
                    None => {
                        let names: Vec<_> = profiles.keys().map(String::as_str).collect();
                        return Err(config_error(format!(
                            "profile `{}` not found in {} (profiles: {}); add a [{}] table or pick another with --profile",
                            profile.value,
                            config_path.value.display(),
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            },
                            profile.value
                        )));
                    }
                }
            }
            None if profile.source == Source::Default => ("", &empty),
            None => {
                return Err(config_error(format!(
                    "profile `{}` not found: config file {} does not exist; create it with `talkdesk-accounts config init`",
                    profile.value,
                    config_path.value.display()
                )));
            }
        };

        let file_source = || Source::File {
            path: config_path.value.clone(),
            profile: profile.value.clone(),
        };
        let fv = |spanned: &Option<Spanned<String>>,
                  key: &'static str|
         -> Option<(String, usize, &'static str)> {
            spanned
                .as_ref()
                .map(|s| (s.get_ref().clone(), line_of(text, s.span().start), key))
        };
        let file_err = |line: usize, key: &str, what: String| {
            config_error(format!(
                "config file {}, line {line}: `{key}` {what}",
                config_path.value.display()
            ))
        };

        // A string setting: env, else file.
        let string_setting =
            |var: &'static str, raw: &Option<Spanned<String>>, key: &'static str| {
                if let Some(v) = env(var) {
                    Some((Sourced::new(v, Source::Env(var)), None))
                } else {
                    fv(raw, key)
                        .map(|(v, line, key)| (Sourced::new(v, file_source()), Some((line, key))))
                }
            };

        let client_id =
            string_setting("TALKDESK_CLIENT_ID", &raw.client_id, "client_id").map(|(s, _)| s);

        if raw.client_secret.is_some() && raw.client_secret_cmd.is_some() {
            let line = raw
                .client_secret_cmd
                .as_ref()
                .map(|s| line_of(text, s.span().start))
                .unwrap_or(1);
            return Err(file_err(
                line,
                "client_secret_cmd",
                "is set together with client_secret; keep only one of them".into(),
            ));
        }
        let client_secret = if let Some(v) = env("TALKDESK_CLIENT_SECRET") {
            Some(Sourced::new(
                SecretSetting::Value(Secret::new(v)),
                Source::Env("TALKDESK_CLIENT_SECRET"),
            ))
        } else if let Some(s) = &raw.client_secret {
            Some(Sourced::new(
                SecretSetting::Value(Secret::new(s.get_ref().clone())),
                file_source(),
            ))
        } else {
            raw.client_secret_cmd
                .as_ref()
                .map(|s| Sourced::new(SecretSetting::Command(s.get_ref().clone()), file_source()))
        };

        let account_name = match string_setting(
            "TALKDESK_ACCOUNT_NAME",
            &raw.account_name,
            "account_name",
        ) {
            Some((name, at)) => {
                if !valid_account_name(&name.value) {
                    let what = format!(
                        "is `{}`, which is not a Talkdesk account name; use letters, digits and hyphens only",
                        name.value
                    );
                    return Err(match at {
                        Some((line, key)) => file_err(line, key, what),
                        None => config_error(format!("TALKDESK_ACCOUNT_NAME {what}")),
                    });
                }
                Some(name)
            }
            None => None,
        };

        let region = match string_setting("TALKDESK_REGION", &raw.region, "region") {
            Some((text_value, at)) => match Region::parse(&text_value.value) {
                Some(r) => Sourced::new(r, text_value.source),
                None => {
                    let what = format!(
                        "is `{}`, which is not a region; use us, eu or ca",
                        text_value.value
                    );
                    return Err(match at {
                        Some((line, key)) => file_err(line, key, what),
                        None => config_error(format!("TALKDESK_REGION {what}")),
                    });
                }
            },
            None => Sourced::new(Region::Us, Source::Default),
        };

        let url_setting = |var: &'static str,
                           raw: &Option<Spanned<String>>,
                           key: &'static str|
         -> Result<Option<Sourced<Url>>> {
            match string_setting(var, raw, key) {
                Some((text_value, at)) => match url::parse_secure(&text_value.value) {
                    Ok(url) => Ok(Some(Sourced::new(url, text_value.source))),
                    Err(what) => Err(match at {
                        Some((line, key)) => file_err(line, key, what),
                        None => config_error(format!("{var}: {what}")),
                    }),
                },
                None => Ok(None),
            }
        };

        let base_url = match url_setting("TALKDESK_BASE_URL", &raw.base_url, "base_url")? {
            Some(url) => url,
            None => Sourced::new(
                url::parse(region.value.api_base()).map_err(config_error)?,
                Source::Derived("region"),
            ),
        };
        let token_url = match url_setting("TALKDESK_TOKEN_URL", &raw.token_url, "token_url")? {
            Some(url) => Some(url),
            None => match &account_name {
                Some(name) => Some(Sourced::new(
                    url::parse(&region.value.token_url(&name.value)).map_err(config_error)?,
                    Source::Derived("account_name and region"),
                )),
                None => None,
            },
        };

        let ca_bundle = if let Some(v) = env("TALKDESK_CA_BUNDLE") {
            Some(Sourced::new(
                PathBuf::from(v),
                Source::Env("TALKDESK_CA_BUNDLE"),
            ))
        } else {
            raw.ca_bundle.as_ref().map(|s| {
                let path = PathBuf::from(s.get_ref());
                // A relative path in the file is relative to the file.
                let path = match config_path.value.parent() {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path,
                };
                Sourced::new(path, file_source())
            })
        };

        let number = |flag: Option<u64>,
                      flag_name: &'static str,
                      raw: &Option<Spanned<i64>>,
                      key: &'static str,
                      range: (i64, i64),
                      default: u64|
         -> Result<Sourced<u64>> {
            if let Some(v) = flag {
                return Ok(Sourced::new(v, Source::Flag(flag_name)));
            }
            if let Some(s) = raw {
                let value = *s.get_ref();
                let line = line_of(text, s.span().start);
                if value < range.0 || value > range.1 {
                    return Err(file_err(
                        line,
                        key,
                        format!("is {value}; use a number from {} to {}", range.0, range.1),
                    ));
                }
                return Ok(Sourced::new(value as u64, file_source()));
            }
            Ok(Sourced::new(default, Source::Default))
        };
        let timeout_secs = number(
            overrides.timeout,
            "--timeout",
            &raw.timeout_secs,
            "timeout_secs",
            (1, 86_400),
            DEFAULT_TIMEOUT_SECS,
        )?;
        let per_page = number(
            overrides.per_page.map(u64::from),
            "--per-page",
            &raw.per_page,
            "per_page",
            (1, 100),
            DEFAULT_PER_PAGE.into(),
        )?;
        let max_retries = number(
            overrides.max_retries.map(u64::from),
            "--max-retries",
            &raw.max_retries,
            "max_retries",
            (0, 100),
            DEFAULT_MAX_RETRIES.into(),
        )?;
        let concurrency = number(
            overrides.concurrency.map(|c| c as u64),
            "--concurrency",
            &raw.concurrency,
            "concurrency",
            (1, 64),
            DEFAULT_CONCURRENCY as u64,
        )?;
        let max_rate = if let Some(v) = env(MAX_RATE_VAR) {
            let rate = v.trim().parse::<f64>().map_err(|_| {
                config_error(format!(
                    "{MAX_RATE_VAR} is `{v}`, not a number; use requests per second, e.g. 2 or 0.5"
                ))
            })?;
            let rate = check_max_rate(rate)
                .map_err(|e| config_error(format!("{MAX_RATE_VAR} is {v}: it {e}")))?;
            Some(Sourced::new(rate, Source::Env(MAX_RATE_VAR)))
        } else if let Some(s) = &raw.max_rate {
            let line = line_of(text, s.span().start);
            let rate = check_max_rate(*s.get_ref())
                .map_err(|e| file_err(line, "max_rate", format!("is {}: it {e}", s.get_ref())))?;
            Some(Sourced::new(rate, file_source()))
        } else {
            None
        };
        let max_rate = match overrides.max_rate {
            Some(rate) => Some(Sourced::new(rate, Source::Flag("--max-rate"))),
            None => max_rate,
        };

        Ok(Settings {
            config_path,
            config_exists,
            profile,
            client_id,
            client_secret,
            account_name,
            region,
            base_url,
            token_url,
            timeout_secs,
            per_page: Sourced::new(per_page.value as u32, per_page.source),
            max_retries: Sourced::new(max_retries.value as u32, max_retries.source),
            concurrency: Sourced::new(concurrency.value as usize, concurrency.source),
            max_rate,
            ca_bundle,
            permission_warning: unprotected,
        })
    }

    /// The client id, secret and token URL, or a configuration error that
    /// says which is missing and how to set it.
    pub fn credentials(&self) -> Result<Credentials> {
        let client_id = self.client_id.as_ref().ok_or_else(|| {
            config_error(format!(
                "no client id: set TALKDESK_CLIENT_ID or client_id in {} (profile [{}])",
                self.config_path.value.display(),
                self.profile.value
            ))
        })?;
        let secret = self.client_secret.as_ref().ok_or_else(|| {
            config_error(format!(
                "no client secret: set TALKDESK_CLIENT_SECRET, or client_secret or client_secret_cmd in {} (profile [{}])",
                self.config_path.value.display(),
                self.profile.value
            ))
        })?;
        let token_url = self.token_url.as_ref().ok_or_else(|| {
            config_error(format!(
                "no token URL: set TALKDESK_ACCOUNT_NAME (or account_name in {} [{}]), or token_url",
                self.config_path.value.display(),
                self.profile.value
            ))
        })?;
        let client_secret = match &secret.value {
            SecretSetting::Value(s) => s.clone(),
            SecretSetting::Command(cmd) => run_secret_command(cmd)?,
        };
        Ok(Credentials {
            client_id: client_id.value.clone(),
            client_secret,
            token_url: token_url.value.clone(),
        })
    }
}

fn valid_account_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
}

/// Runs `client_secret_cmd` without a shell; the secret is the first line
/// of its stdout. Its stderr goes to the user's terminal (password managers
/// prompt there).
fn run_secret_command(line: &str) -> Result<Secret> {
    // Split as a POSIX shell would, without running one.
    let words = shell_words::split(line).map_err(|_| {
        config_error(
            "client_secret_cmd has an unclosed quote or a trailing backslash; fix its quoting",
        )
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(config_error(
            "client_secret_cmd is empty; set a command or use client_secret",
        ));
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            config_error(format!(
                "client_secret_cmd: cannot run `{program}`: {e}; check the command in your config file"
            ))
        })?;
    if !output.status.success() {
        return Err(config_error(format!(
            "client_secret_cmd `{program}` failed ({}); run it by hand to see why",
            output.status
        )));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().unwrap_or("").trim_end_matches('\r');
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

    #[test]
    fn malformed_toml_names_the_line() {
        let (_d, path) = write_config("[default]\nclient_id = \"x\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env_of(&[])));
        assert!(msg.contains("line 2"), "{msg}");
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
    fn account_names_cannot_inject_hosts() {
        let env = env_of(&[("TALKDESK_ACCOUNT_NAME", "evil.com/x?")]);
        let (_d, path) = write_config("[default]\n");
        let msg = err_text(Settings::resolve(&with_file(&path), &env));
        assert!(msg.contains("not a Talkdesk account name"), "{msg}");
    }

    #[test]
    fn missing_credentials_say_what_to_set() {
        let (_d, path) = write_config("[default]\n");
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let msg = crate::error::one_line(&s.credentials().unwrap_err());
        assert!(msg.contains("TALKDESK_CLIENT_ID"), "{msg}");
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

    #[cfg(unix)]
    #[test]
    fn a_readable_config_file_gets_a_chmod_warning() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, path) = write_config("[default]\n");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
        let warning = s.permission_warning.unwrap();
        assert!(
            warning.ends_with(&format!("run: chmod 600 {}", path.display())),
            "{warning}"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let s = Settings::resolve(&with_file(&path), &env_of(&[])).unwrap();
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

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
        let setting = SecretSetting::Value(s);
        assert!(!format!("{setting:?}").contains("hunter2"));
    }
}
