//! The commands: thin glue between settings, the API and the outputs.

pub mod auth;
pub mod changes;
pub mod completions;
pub mod config;
pub mod diff;
pub mod history;
pub mod list;
pub mod manpage;
pub mod progress;
pub mod snapshot;
mod sort;
pub mod summary;
pub mod trend;

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::Result;
use terminal_size::{Height, Width};

use crate::account::Account;
use crate::accounts::{Collector, Flow};
use crate::api::Api;
use crate::api::pages::{Pages, for_each_page};
use crate::atomic_file::folder_of;
use crate::auth::{Auth, TokenCache, default_cache_dir};
use crate::cli::{ApiArgs, ColorWhen, DocumentFormat, ReportFormat};
use crate::config::{EnvLookup, Overrides, SecretSetting, Settings, Source};
use crate::error::{config_error, usage_error};
use crate::history::{Access, Org, Store};
use crate::http::client::{BACKOFF_SCALE_VAR, Client, ClientOptions, Dating};
use crate::http::redact::Redactor;
use crate::log::Log;
use crate::output::destination::Destination;
use crate::output::jq::{self, JqFailed, JqFilter};
use crate::output::report::{ReportCell, ReportJson, TableStyle, write_csv, write_table};
use crate::text::shown_path;
use progress::Progress;

/// How often the progress line is redrawn while no page arrives.
const PROGRESS_TICK: Duration = Duration::from_millis(250);

/// What every command gets from the global options.
pub struct Context<'a> {
    pub log: Log,
    pub color: ColorWhen,
    pub config: Option<std::path::PathBuf>,
    pub profile: Option<String>,
    /// `--history PATH`.
    pub history: Option<std::path::PathBuf>,
    pub env: EnvLookup<'a>,
    /// The run's secrets (the client secret once read, every token), with
    /// which the run's error is redacted, wherever it arose.
    pub secrets: Arc<Redactor>,
}

impl Context<'_> {
    /// A warning, unless `-q`, with the run's secrets redacted: it may
    /// quote an argument (`--sort`, `--columns`) that is the secret pasted.
    pub fn warn(&self, message: &str) {
        self.log.warn(&self.secrets.redact_shown(message));
    }

    /// A note, unless `-q`, redacted as [`Context::warn`] is.
    pub fn note(&self, message: &str) {
        self.log.note(&self.secrets.redact_shown(message));
    }

    /// Settings with this command's API flags merged in; warnings printed.
    pub fn settings(&self, api: &ApiArgs, concurrency: Option<usize>) -> Result<Settings> {
        let overrides = Overrides {
            config: self.config.clone(),
            profile: self.profile.clone(),
            per_page: api.per_page,
            timeout: api.timeout,
            max_retries: api.max_retries,
            concurrency,
            history: self.history.clone(),
            max_rate: api.max_rate,
        };
        let settings = Settings::resolve(&overrides, self.env)?;
        if let Some(secret) = SecretSetting::value(settings.client_secret.as_ref()) {
            self.secrets.add(secret);
        }
        if let Some(warning) = &settings.permission_warning {
            self.warn(warning);
        }
        Ok(settings)
    }

    /// How a table is drawn: fitted to the terminal's width when it goes
    /// to a terminal (`COLUMNS` first, as clap wraps `--help`, then the
    /// terminal's own size), and coloured when stdout is. `--color auto`
    /// follows the conventions clap and cargo follow (read by anstyle-query):
    /// NO_COLOR turns colour off, else CLICOLOR_FORCE turns it on, else
    /// CLICOLOR=0 or TERM=dumb (or no TERM) turn it off, else a terminal
    /// gets colour.
    pub fn report_style(&self, to_terminal: bool) -> TableStyle {
        let color = match self.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                !anstyle_query::no_color()
                    && (anstyle_query::clicolor_force()
                        || (anstyle_query::clicolor() != Some(false)
                            // (No TERM: no known colours, but on Windows.)
                            && (self.env)("TERM").map_or(cfg!(windows), |t| t != "dumb")
                            && std::io::stdout().is_terminal()))
            }
        };
        let width = (self.terminal_width(terminal_size::terminal_size())).filter(|_| to_terminal);
        TableStyle { width, color }
    }

    /// A terminal's width: `COLUMNS` first (as clap wraps `--help`; a
    /// pseudo-terminal may have no size), then the terminal's own `size`.
    fn terminal_width(&self, size: Option<(Width, Height)>) -> Option<u16> {
        ((self.env)("COLUMNS").and_then(|c| c.trim().parse::<u16>().ok()))
            .filter(|&c| c > 0)
            .or_else(|| size.map(|(w, _)| w.0))
    }

    /// Writes a report's rows under `header` to `out`: as csv, or as a
    /// table drawn for stdout, whose style it returns.
    pub fn write_rows(
        &self,
        out: &mut Destination,
        csv: bool,
        header: &[&str],
        rows: &[Vec<ReportCell>],
    ) -> Result<Option<TableStyle>> {
        if csv {
            write_csv(out, header, rows)?;
            return Ok(None);
        }
        let style = self.report_style(out.is_terminal());
        write_table(out, header, rows, style)?;
        Ok(Some(style))
    }

    /// Writes a report of fixed shape (`summary`, `trend`, `snapshot`,
    /// `diff`) to `out` as `-o` asks: its `json`, through `--jq`'s filter
    /// when given (`what` naming it in the filter's errors); else its `rows`
    /// under `header`, as csv or a table drawn for stdout, whose style it
    /// returns.
    pub fn write_report(
        &self,
        out: &mut Destination,
        how: &ReportOutput,
        what: &str,
        json: impl FnOnce() -> Result<ReportJson>,
        header: &[&str],
        rows: impl FnOnce() -> Vec<Vec<ReportCell>>,
    ) -> Result<Option<TableStyle>> {
        match how.format {
            ReportFormat::Json => json()?.write(out, how.jq.as_ref(), what).map(|()| None),
            format => self.write_rows(out, format == ReportFormat::Csv, header, &rows()),
        }
    }

    /// A report's `-o` and `--jq`, the expression compiled: a bad one
    /// fails before any work.
    pub fn report_output(&self, format: &DocumentFormat) -> Result<ReportOutput> {
        Ok(ReportOutput {
            format: format.output,
            jq: jq::for_report(format.jq.as_deref(), format.output, &self.secrets)?,
        })
    }

    /// Runs `work` with a ready API and its token source: credentials, one
    /// HTTP client, tokens cached unless `--no-cache`.
    pub fn with_api<T>(
        &self,
        settings: &Settings,
        api_args: &ApiArgs,
        work: impl FnOnce(&Api, &Auth) -> Result<T>,
    ) -> Result<T> {
        let credentials = settings.credentials()?;
        let backoff_scale = (self.env)(BACKOFF_SCALE_VAR)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(1.0);
        let client = Client::new(ClientOptions {
            timeout: Duration::from_secs(settings.timeout_secs.value),
            max_retries: settings.max_retries.value,
            ca_bundle: settings.ca_bundle.as_ref().map(|c| c.value.clone()),
            ca_bundle_name: match settings.ca_bundle.as_ref().map(|c| &c.source) {
                Some(Source::Env(var)) => var,
                _ => "ca_bundle",
            },
            backoff_scale,
            max_rate: settings.max_rate.as_ref().map(|r| r.value),
            token_apart: credentials.token_url.origin() != settings.base_url.value.origin(),
            log: self.log,
            redactor: Arc::clone(&self.secrets),
        })?;
        let cache = (default_cache_dir().filter(|_| !api_args.no_cache)).map(TokenCache::new);
        let auth = Auth::new(&client, credentials, cache);
        let base_url = settings.base_url.value.clone();
        let api = Api::new(&client, &auth, base_url, settings.per_page.value);
        work(&api, &auth)
    }

    /// The walk every command shares: each page's new, matching accounts
    /// (through `collector`) go to `each` in page order, with the progress
    /// line drawn between pages; `collector` decides when to stop. After a
    /// walk of every page, a count that differs from the API's `total` is a
    /// warning (after one a `--limit` met, a `total` that moved). Returns
    /// how the API's answers were dated.
    pub fn walk_accounts(
        &self,
        settings: &Settings,
        api_args: &ApiArgs,
        walk: WalkPlan,
        collector: &mut Collector,
        mut each: impl FnMut(Vec<Account>, &mut Progress) -> Result<()>,
    ) -> Result<Dating> {
        let width = self.terminal_width(terminal_size::terminal_size_of(std::io::stderr()));
        let progress = Mutex::new(Progress::new(self.log, walk.pages, width));
        let lock = || progress.lock().unwrap_or_else(|e| e.into_inner());
        let dating = self.with_api(settings, api_args, |api, _| {
            let pace = api.client().pace();
            // While a request waits for the rate limit no page arrives to
            // redraw the line: a ticker keeps it current. It never waits for
            // the line: the pages' writes to the terminal hold it.
            let redraw = |line: &mut Progress| line.draw(pace.rate(), pace.waiting() > 0);
            let tick = || {
                if let Ok(mut line) = progress.try_lock() {
                    redraw(&mut line);
                }
            };
            // (A guard taken in the call would hold the line all along.)
            let enabled = lock().enabled();
            with_ticker(enabled, tick, || {
                for_each_page(api, walk.pages, walk.concurrency, |page| {
                    let mut line = lock();
                    line.record(&page);
                    each(collector.take(page), &mut line)?;
                    let flow = collector.flow();
                    if flow == Flow::Stop {
                        line.end();
                    } else {
                        redraw(&mut line);
                    }
                    Ok(flow)
                })
            })?;
            Ok(api.client().dating())
        })?;
        lock().clear();
        let warn_here = walk.pages == Pages::All && !walk.exact;
        if let Some(warning) = collector.total_mismatch().filter(|_| warn_here) {
            let again = (collector.run_again_helps()).then_some(", run again for an exact list");
            self.warn(&format!("{warning}{}", again.unwrap_or_default()));
        }
        Ok(dating)
    }

    /// The organization of the profile in use: its API base URL and token
    /// URL. No credentials are needed to know it.
    pub fn organization(&self, settings: &Settings) -> Result<Org> {
        let token_url =
            (settings.token_url.as_ref()).ok_or_else(|| settings.missing_settings(true))?;
        Ok(Org {
            base_url: settings.base_url.value.to_string(),
            token_url: token_url.value.to_string(),
        })
    }

    /// The history store in use (`--history`, `TALKDESK_HISTORY`, the
    /// profile's `history`, or the data folder), opened for `access`.
    pub fn history_store(&self, settings: &Settings, access: Access) -> Result<Store> {
        let path = settings.history.as_ref().ok_or_else(|| {
            config_error(
                "cannot find a data folder for this user; pass --history PATH or set TALKDESK_HISTORY",
            )
        })?;
        if matches!(path.source, Source::Default) {
            crate::history::store::refuse_foreign_default_folder(&path.value)?;
        }
        let store = Store::open(&path.value, access)?;
        // On a read-only file system no chmod can help: it stays as it is.
        #[cfg(unix)]
        if let Some(e) = (store.make_private().err())
            .filter(|e| e.kind() != std::io::ErrorKind::ReadOnlyFilesystem)
        {
            let shown = shown_path(&path.value);
            // (Its disk keeps no modes: chmod was not done there.)
            self.warn(&match crate::atomic_file::not_done_here(&e, false) {
                true => format!(
                    "the history store {shown} can be read by group or others, and no chmod makes it private there: its disk keeps no modes ({e}); to keep it from others, move it and pass --history with a path on another disk"
                ),
                false => format!(
                    "the history store {shown} can be read by group or others, and could not be made private ({e}); run: chmod go-rwx {}",
                    crate::config::shell_quoted_path(&path.value)
                ),
            })
        }
        Ok(store)
    }
}

/// Writes `text`, which is `what` (`the man page`), to stdout as a
/// [`report`]: a failed write is an error that says what it was writing
/// (a closed pipe is not, see `error::is_broken_pipe`).
pub fn print(what: &str, text: impl AsRef<[u8]>) -> Result<()> {
    report(what, |out| Ok(out.write_all(text.as_ref())?))
}

/// Writes a report, `what` (`the summary`), to stdout with `write`, then
/// flushes it: any failure to write says what it was writing.
pub fn report(what: &str, write: impl FnOnce(&mut Destination) -> Result<()>) -> Result<()> {
    let mut out = Destination::open(None)?;
    (write(&mut out).and_then(|()| out.commit())).map_err(|e| writing(what, e))
}

/// A failure to write `what` to stdout, said as such (`writing the
/// summary: writing to stdout: …`), but a failed `--jq` expression,
/// whose message says all.
pub fn writing(what: &str, err: anyhow::Error) -> anyhow::Error {
    if err.is::<JqFailed>() {
        return err;
    }
    err.context("writing to stdout")
        .context(format!("writing {what}"))
}

/// What a listing that stopped part-way had output, `shown` of its rows
/// (`("change", "changes")`) having been streamed and `done` with them
/// (`printed`): `the listing stopped after 2 changes were printed`.
pub fn stopped_after(shown: u64, (one, many): (&str, &str), done: &str) -> String {
    match shown {
        0 => format!("the listing stopped before any {one} was {done}"),
        1 => format!("the listing stopped after 1 {one} was {done}"),
        n => format!("the listing stopped after {n} {many} were {done}"),
    }
}

/// Runs `work` with `tick` called every [`PROGRESS_TICK`] on a thread of
/// its own while `enabled`, until `work` ends, also by a panic (the
/// ticker would otherwise run on, and the run never end).
fn with_ticker<T>(enabled: bool, tick: impl Fn() + Sync, work: impl FnOnce() -> T) -> T {
    thread::scope(|scope| {
        // The ticker ends when `_running` is dropped: at the end of `work`,
        // or by its panic.
        let (_running, stopped) = mpsc::channel::<()>();
        let tick = &tick;
        // Under a limit on threads (ulimit -u), the walk goes on without it.
        if enabled {
            let _ = thread::Builder::new().spawn_scoped(scope, move || {
                while stopped.recv_timeout(PROGRESS_TICK) == Err(RecvTimeoutError::Timeout) {
                    tick();
                }
            });
        }
        work()
    })
}

/// Refuses `target`, the value of `option`, when it is the history store
/// in use: a slip of the hand replaced every snapshot, and exit 0; or the
/// config file in use (a regular file), which it replaced, credentials and all.
pub fn not_in_use(settings: &Settings, option: &str, target: &std::path::Path) -> Result<()> {
    // Through its links, as the output is written (to a journal not there yet).
    let target = crate::atomic_file::followed(target).unwrap_or_else(|_| target.to_path_buf());
    let target_is = resolved(&target);
    // Another mount of the file's folder (a bind mount) names the same file
    // by another path: the file, or its folder, is the same one.
    let is = |file: &std::path::Path| {
        resolved(file).is_some_and(|is| Some(is) == target_is) || same_file(file, &target)
    };
    let in_use = |what: &str| {
        usage_error(format!(
            "{option} {} is {what}; name another file",
            shown_path(&target)
        ))
    };
    let config = settings.config_path.as_ref().map(|c| c.value.as_path());
    if config.is_some_and(|c| std::fs::metadata(c).is_ok_and(|m| m.is_file()) && is(c)) {
        return Err(in_use("the config file in use"));
    }
    let (Some(store), Some(_)) = (&settings.history, &target_is) else {
        return Ok(());
    };
    // Its journals too: a write-ahead log not yet checkpointed holds
    // snapshots that replacing it would lose. SQLite keeps them beside
    // the store's real file, when it is named through a link.
    let real = std::fs::canonicalize(&store.value).unwrap_or_else(|_| store.value.clone());
    for suffix in ["", "-wal", "-journal", "-shm"] {
        for store in [&store.value, &real] {
            let mut file = store.as_os_str().to_owned();
            file.push(suffix);
            // Between runs the journals are gone: named, they are still its.
            if is(std::path::Path::new(&file)) {
                return Err(match suffix {
                    "" => in_use("the history store"),
                    _ => in_use(&format!("the history store's journal ({suffix})")),
                });
            }
        }
    }
    Ok(())
}

/// True when `a` and `b` are one file (the same device and inode), or,
/// when one does not exist, one name in the same folder.
#[cfg(unix)]
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let id = |path: &std::path::Path| std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
    let folder =
        |path: &std::path::Path| id(folder_of(path)).zip(path.file_name().map(|n| n.to_owned()));
    match (id(a), id(b)) {
        (Some(a), Some(b)) => a == b,
        _ => folder(a).is_some_and(|a| Some(a) == folder(b)),
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::path::Path, _: &std::path::Path) -> bool {
    false
}

/// `path` with every link resolved, or, when it does not exist, its
/// folder's links and its own name.
fn resolved(path: &std::path::Path) -> Option<std::path::PathBuf> {
    std::fs::canonicalize(path).ok().or_else(|| {
        let folder = std::fs::canonicalize(folder_of(path)).ok()?;
        Some(folder.join(path.file_name()?))
    })
}

/// Parses a `WHEN` argument (`--since`, `--until`, `--at`) against now;
/// a bad one is a usage error naming the option.
pub fn parse_when_arg(option: &str, text: &str, now: i64) -> Result<i64> {
    crate::history::when::parse_when(text, now).map_err(|e| usage_error(format!("{option}: {e}")))
}

/// [`parse_when_arg`] for an option that may be absent.
pub fn parse_optional_when(option: &str, text: Option<&str>, now: i64) -> Result<Option<i64>> {
    text.map(|t| parse_when_arg(option, t, now)).transpose()
}

/// How a report of fixed shape prints (see [`Context::write_report`]).
pub struct ReportOutput {
    pub format: ReportFormat,
    /// `--jq`'s filter, which runs on the json.
    pub jq: Option<JqFilter>,
}

/// Which pages a command walks, and how many at once.
#[derive(Debug, Clone, Copy)]
pub struct WalkPlan {
    pub pages: Pages,
    pub concurrency: usize,
    /// The caller fails on a count that differs from the API's `total`
    /// (`snapshot` records only an exact walk), so it is no warning here.
    pub exact: bool,
}

impl WalkPlan {
    /// Every page, with the configured concurrency; `exact` as the field.
    pub fn all(settings: &Settings, exact: bool) -> WalkPlan {
        WalkPlan {
            pages: Pages::All,
            concurrency: settings.concurrency.value,
            exact,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A panic in the walk (a bug) ended with the ticker still drawing the
    /// progress line, and the run waiting for it for ever.
    #[test]
    fn the_ticker_stops_when_the_work_panics() {
        let (sent, ended) = mpsc::channel();
        thread::spawn(move || {
            let ticks = AtomicUsize::new(0);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                with_ticker(
                    true,
                    || {
                        ticks.fetch_add(1, Ordering::SeqCst);
                    },
                    || {
                        // Once the ticker is at work.
                        let deadline = std::time::Instant::now() + Duration::from_secs(10);
                        while ticks.load(Ordering::SeqCst) == 0
                            && std::time::Instant::now() < deadline
                        {
                            thread::sleep(Duration::from_millis(10));
                        }
                        panic!("a bug in the walk")
                    },
                )
            }));
            let _ = sent.send((outcome.is_err(), ticks.load(Ordering::SeqCst)));
        });
        let (panicked, ticks) = ended
            .recv_timeout(Duration::from_secs(30))
            .expect("the ticker stopped");
        assert!(panicked);
        assert!(ticks >= 1, "the ticker ran while the work did");
    }

    /// `COLUMNS=0` says no width: the terminal's own size decides, as for
    /// no `COLUMNS` at all (a width of 0 is no table anyone can read).
    #[test]
    fn columns_of_0_leaves_the_width_to_the_terminal() {
        let env = |key: &str| (key == "COLUMNS").then(|| "0".to_string());
        let ctx = Context {
            log: Log::default(),
            color: ColorWhen::Never,
            config: None,
            profile: None,
            history: None,
            env: &env,
            secrets: Arc::default(),
        };
        assert_eq!(
            ctx.terminal_width(Some((Width(120), Height(40)))),
            Some(120)
        );
        assert_eq!(ctx.terminal_width(None), None);
    }

    /// Two names of one file (a hard link) are one file, as one name seen
    /// through another mount of its folder is; two files are two.
    #[cfg(unix)]
    #[test]
    fn a_hard_link_is_the_same_file_and_another_file_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let name = |n: &str| dir.path().join(n);
        std::fs::write(name("a"), "store").unwrap();
        std::fs::write(name("c"), "other").unwrap();
        std::fs::hard_link(name("a"), name("b")).unwrap();
        assert!(same_file(&name("a"), &name("b")));
        assert!(!same_file(&name("a"), &name("c")));
        // A file not there yet is itself by its name in the same folder.
        assert!(same_file(&name("new"), &name("new")));
        assert!(!same_file(&name("new"), &name("a")));
    }
}
