//! `config path`, `config show` and `config init`: where the config file
//! is, what every setting resolved to and from where (secrets redacted),
//! and a commented starting file written privately.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use toml_writer::ToTomlKey;

use super::Context;
use crate::atomic_file::{
    AtomicFile, chattr_lock, create_private_dir, file_in_the_way, folder_of, followed,
};
use crate::auth::default_cache_dir;
use crate::cli::ApiArgs;
use crate::config::{
    Region, SecretSetting, Settings, Source, Sourced, a_file_path_instead, account_name_advice,
    command_with, config_path_in_use, listed, profile_in_use, profile_names, shown_toml_key,
};
use crate::error::{current_folder_gone, no_room, out_of_files, with_no_room};
use crate::http::redact::Redactor;
use crate::output::report::ReportCell;
use crate::text::{shown_path, visible};

/// What `config init` writes; the same text as `config.example.toml`.
pub const TEMPLATE: &str = include_str!("../../config.example.toml");

/// The placeholder lines `config init` fills in, by key.
const PLACEHOLDERS: [(&str, &str); 4] = [
    ("account_name", "# account_name = \"mycompany\""),
    ("region", "# region = \"us\""),
    ("client_id", "# client_id = \"your-client-id\""),
    ("client_secret", "# client_secret = \"your-client-secret\""),
];

/// What the user typed at `config init`'s questions; `None`: skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub account_name: Option<String>,
    pub region: Option<Region>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// The template with each answered placeholder (its first occurrence, in
/// `[default]`) replaced by a real, TOML-quoted setting.
pub fn fill_template(answers: &Answers) -> String {
    let mut text = TEMPLATE.to_string();
    // In the order of PLACEHOLDERS.
    let values = [
        answers.account_name.as_deref(),
        answers.region.map(Region::as_str),
        answers.client_id.as_deref(),
        answers.client_secret.as_deref(),
    ];
    for ((key, line), value) in PLACEHOLDERS.into_iter().zip(values) {
        if let Some(value) = value {
            let quoted = toml::Value::String(value.to_string()).to_string();
            text = text.replacen(line, &format!("{key} = {quoted}"), 1);
        }
    }
    text
}

/// `config path`: prints the path in use on stdout, and on stderr whether
/// it exists.
pub fn path(ctx: &Context) -> Result<()> {
    let path = config_path_in_use(ctx.config.as_deref(), ctx.env)?;
    // Its bytes as they are, for `"$(talkdesk-accounts config path)"`: a
    // name not in UTF-8 shown lossily names another file.
    let bytes = [path.value.as_os_str().as_encoded_bytes(), b"\n"].concat();
    super::print("the path", bytes)?;
    let from = match &path.source {
        Source::Default => "the default path".to_string(),
        other => other.to_string(),
    };
    use std::io::ErrorKind::{NotADirectory, NotFound};
    let note = match std::fs::metadata(&path.value) {
        Ok(m) if m.is_dir() => {
            let instead = a_file_path_instead(&path.source);
            format!("is a folder, not a file ({from}); {instead}")
        }
        Ok(_) => format!("exists ({from})"),
        // (Not "does not exist": it may, in a folder closed to this user.)
        Err(e) if !matches!(e.kind(), NotFound | NotADirectory) => format!(
            "cannot be looked at ({from}): {e}; check the permissions of the folders above it (HOME may be another user's), or pass --config"
        ),
        Err(_) => {
            let profile = profile_in_use(ctx.profile.as_deref(), ctx.env)?;
            let init = command_with(&path, &profile, "config init");
            format!("does not exist ({from}); create it with `{init}`")
        }
    };
    ctx.note(&note);
    Ok(())
}

/// One `config show` row from an optional sourced value.
fn row<T>(key: &str, value: Option<&Sourced<T>>, show: impl Fn(&T) -> String) -> Vec<ReportCell> {
    let (value, source) = match value {
        Some(v) => (show(&v.value), v.source.to_string()),
        None => ("(not set)".to_string(), String::new()),
    };
    [key.to_string(), value, source].map(ReportCell::new).into()
}

/// The rows of `config show`: every setting, its value (secrets as
/// `<redacted>`, a secret command as the command, never run) and source.
pub fn show_rows(s: &Settings) -> Vec<Vec<ReportCell>> {
    let path = |p: &std::path::PathBuf| shown_path(p);
    let mut config_file = row("config_file", s.config_path.as_ref(), path);
    match &s.config_path {
        None => config_file[1].text = "(none: this user has no config folder)".into(),
        Some(_) if !s.config_exists => config_file[1].text.push_str(" (does not exist)"),
        Some(_) => {}
    }
    // The secret's row, or the command's (shown: it is no secret).
    // (The file's command that TALKDESK_CLIENT_SECRET overrides is said
    // so, not "(not set)".)
    let secret_cmd = (s.client_secret.as_ref()).and_then(|secret| match &secret.value {
        SecretSetting::Command(cmd) => Some(Sourced::new(cmd.clone(), secret.source.clone())),
        SecretSetting::Value(_) => (s.unused_secret_cmd.clone()).map(|cmd| {
            let value = format!("{} (not run: TALKDESK_CLIENT_SECRET is set)", cmd.value);
            Sourced::new(value, cmd.source)
        }),
    });
    let secret = (s.client_secret.as_ref()).filter(|s| matches!(s.value, SecretSetting::Value(_)));
    let mut profile = row("profile", Some(&s.profile), String::clone);
    if let Some(names) = &s.profiles_instead {
        profile[1].text += &format!(" (not in the file; it has: {})", listed(names));
    }
    let cache = default_cache_dir().map(|d| Sourced::new(d, Source::Default));
    let mut rows = vec![
        config_file,
        profile,
        row("account_name", s.account_name.as_ref(), String::clone),
        row("region", Some(&s.region), |r| r.as_str().to_string()),
        row("client_id", s.client_id.as_ref(), String::clone),
        row("client_secret", secret, |_| "<redacted>".to_string()),
        row("client_secret_cmd", secret_cmd.as_ref(), String::clone),
        row("base_url", Some(&s.base_url), |u| u.to_string()),
        row("token_url", s.token_url.as_ref(), |u| u.to_string()),
        row("ca_bundle", s.ca_bundle.as_ref(), path),
        row("timeout_secs", Some(&s.timeout_secs), |n| n.to_string()),
        row("per_page", Some(&s.per_page), |n| n.to_string()),
        row("max_retries", Some(&s.max_retries), |n| n.to_string()),
        row("concurrency", Some(&s.concurrency), |n| n.to_string()),
        row("max_rate", s.max_rate.as_ref(), |n| n.to_string()),
        row("token_cache", cache.as_ref(), path),
        row("history", s.history.as_ref(), path),
    ];
    // Nor the secret pasted into another setting.
    let secrets = Redactor::default();
    if let Some(secret) = SecretSetting::value(s.client_secret.as_ref()) {
        secrets.add(secret);
    }
    for cell in rows.iter_mut().flatten() {
        cell.text = secrets.redact_shown(&cell.text);
    }
    rows
}

/// `config show`: prints every resolved setting with its source.
pub fn show(ctx: &Context) -> Result<()> {
    let rows = show_rows(&ctx.settings(&ApiArgs::default(), None)?);
    super::report("the settings", |out| {
        ctx.write_rows(out, false, &["setting", "value", "source"], &rows)?;
        Ok(())
    })
}

/// `config init`: writes the template (filled in from questions when
/// stdin and stderr are terminals) at the config path in use.
pub fn init(ctx: &Context, force: bool) -> Result<()> {
    let sourced_path = config_path_in_use(ctx.config.as_deref(), ctx.env)?;
    let path = &sourced_path.value;
    let shown = shown_path(&path);
    if path.is_dir() {
        let instead = a_file_path_instead(&sourced_path.source);
        bail!("{shown} is a folder; {instead}");
    }
    // The profile asked for (-p, TALKDESK_PROFILE) is the one written.
    let sourced_profile = profile_in_use(ctx.profile.as_deref(), ctx.env)?;
    let profile = sourced_profile.value.to_toml_key();
    if path.exists() && !force {
        // A regular file alone: `/dev/stdin` on a terminal would wait.
        let names = path.is_file().then(|| profile_names(path));
        let names = names.flatten().unwrap_or_default();
        bail!(refusal(&shown, &sourced_profile.value, names));
    }
    // The questions go to stderr: asked only where they can be seen (none
    // answered: the template as it is).
    let mut answers = Answers::default();
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        let mut stderr = io::stderr();
        writeln!(
            stderr,
            "Writing {shown}. Answer to fill in the [{profile}] profile; press Enter to skip a question."
        )?;
        answers = match ask(&mut io::stdin().lock(), &mut stderr, &mut read_secret) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => bail!(
                "the input ended before the questions were answered; nothing was written to {shown}"
            ),
            // No controlling terminal (setsid, a service) to read the secret on.
            #[cfg(unix)]
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => bail!(
                "the secret is read with echo off from the run's own terminal (/dev/tty), and this run has none; nothing was written to {shown}; run `config init` from a terminal, or with its input from a file to write the template (`config init < /dev/null`)"
            ),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => bail!(
                "an answer is not UTF-8 text; nothing was written to {shown}; set the terminal's encoding (its locale) to UTF-8, or answer in ASCII"
            ),
            answers => answers?,
        };
    }
    let complete = answers.account_name.is_some()
        && answers.client_id.is_some()
        && answers.client_secret.is_some();
    let text = fill_template(&answers).replacen("\n[default]\n", &format!("\n[{profile}]\n"), 1);
    write_private(path, &text, force, answers.client_secret.is_some())?;
    // A notice, as the other commands' (stdout is for what was asked).
    ctx.note(&format!("wrote {shown}"));
    // Run as printed, the check reads the file and profile written.
    let check = command_with(&sourced_path, &sourced_profile, "auth check");
    let todo = if complete {
        ""
    } else {
        "fill in what is missing, then "
    };
    ctx.note(&format!("next: {todo}run `{check}` to try the credentials"));
    Ok(())
}

/// Why `config init` without --force leaves the file at `shown` alone,
/// and what --force would lose: the file's other profiles (`names`). A
/// user adding a profile, as `aws configure --profile` does, lost them all.
fn refusal(shown: &impl std::fmt::Display, name: &str, names: Vec<String>) -> String {
    let (there, key) = (names.iter().any(|n| n == name), shown_toml_key(name));
    let others: Vec<String> = names.into_iter().filter(|n| n != name).collect();
    let (list, s) = (listed(&others), if others.len() > 1 { "s" } else { "" });
    match (there, others.is_empty()) {
        (_, true) => format!("{shown} already exists; pass --force to overwrite it"),
        (true, false) => format!(
            "{shown} already exists; pass --force to overwrite it (the whole file: the profile{s} {list} too)"
        ),
        (false, false) => format!(
            "{shown} already exists and has no [{key}] profile (profiles: {list}): add a [{key}] table to it (config.example.toml has the keys); --force replaces the whole file, its profile{s} {list} too"
        ),
    }
}

/// Reads the secret with echo off. rpassword, reading /dev/tty, puts the
/// terminal back only when it returns, and at a Ctrl-C raises SIGINT
/// before: a signal that ends the run puts the terminal back first.
fn read_secret() -> io::Result<String> {
    #[cfg(unix)]
    if let Ok(tty) = std::fs::File::open("/dev/tty") {
        use std::os::fd::AsRawFd;
        return crate::interrupt::restoring_terminal(tty.as_raw_fd(), rpassword::read_password);
    }
    rpassword::read_password()
}

/// Asks the four questions. An empty answer skips one; an invalid account
/// name or region is asked again; end of input (Ctrl-D) is an
/// `UnexpectedEof` error: the user gave up, so nothing is to be written.
pub fn ask(
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
    read_secret: &mut dyn FnMut() -> io::Result<String>,
) -> io::Result<Answers> {
    // What to do, as the file's and the variable's errors say it
    // (`use `mycompany`, the first part of the host name`).
    let asked = "Talkdesk account name (e.g. mycompany)";
    let name = question(input, prompt, asked, &account_name_advice)?;
    let region = question(input, prompt, "Region: us, eu or ca [us]", &|v: &str| {
        (Region::parse(v).is_none()).then(|| "answer us, eu or ca".into())
    })?;
    let id = question(input, prompt, "OAuth client id", &|_| None)?;
    write!(prompt, "OAuth client secret (not shown as you type): ")?;
    prompt.flush()?;
    let secret = read_secret()?;
    // rpassword reads a byte that is not UTF-8 as U+FFFD: no secret has one.
    if secret.contains(char::REPLACEMENT_CHARACTER) {
        return Err(io::ErrorKind::InvalidData.into());
    }
    Ok(Answers {
        account_name: Some(name).filter(|v| !v.is_empty()),
        region: Region::parse(&region),
        client_id: Some(id).filter(|v| !v.is_empty()),
        client_secret: Some(secret.trim().to_string()).filter(|v| !v.is_empty()),
    })
}

/// One question, asked until the answer is empty or `advice` has nothing
/// to say of it (else it says what to do, and asks again); end of input
/// is an `UnexpectedEof` error.
fn question(
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
    text: &str,
    advice: &dyn Fn(&str) -> Option<String>,
) -> io::Result<String> {
    loop {
        write!(prompt, "{text}: ")?;
        prompt.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            writeln!(prompt)?;
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let answer = line.trim().to_string();
        match advice(&answer).filter(|_| !answer.is_empty()) {
            None => return Ok(answer),
            Some(advice) => writeln!(prompt, "`{}`: {advice}", visible(&answer))?,
        }
    }
}

/// What to do when the config file or its folder cannot be made for want
/// of room or on a read-only disk, where no permission is to blame: the
/// advice [`no_room`] and [`with_no_room`] end with.
const ELSEWHERE: &str = "pass --config with a path elsewhere";

/// Writes `text` at `path` with mode 0600, creating missing folders with
/// mode 0700; atomic (a temporary file renamed into place), and without
/// `force` it never replaces a file, even one created meanwhile. Text that
/// holds a `secret` is never written where others may read it (a disk that
/// keeps no modes gives the file its mount's).
pub fn write_private(path: &Path, text: &str, force: bool, secret: bool) -> Result<()> {
    let dir = folder_of(path);
    let (shown, folder) = (shown_path(&path), shown_path(&dir));
    create_private_dir(dir).map_err(|e| {
        let file = file_in_the_way(dir);
        let file =
            file.map(|f| format!(" ({} is a file, not a folder); {ELSEWHERE}", shown_path(&f)));
        let why = no_room(&e, ELSEWHERE);
        let why = why.unwrap_or_else(|| "check its permissions, or pass --config".into());
        let file = file.unwrap_or_else(|| format!("; {why}"));
        anyhow::Error::new(e).context(format!("cannot create the folder {folder}{file}"))
    })?;
    // A loop of symbolic links is said as such, not as the folder's fault.
    let real = followed(path).with_context(|| format!("cannot write {shown}"))?;
    // An attribute of chattr on the file (to be replaced) or its folder
    // lets nothing be renamed there, and no chmod changes it: said before
    // a hidden file is made (an append-only folder would keep it).
    let locked = [(force, real.as_path()), (true, folder_of(&real))].into_iter();
    if let Some((on, (what, clear))) = locked
        .filter(|(check, _)| *check)
        .find_map(|(_, on)| Some((on, chattr_lock(on)?)))
    {
        let on = shown_path(&on);
        bail!(
            "{on} is {what}, which no chmod changes, so {shown} cannot be written; clear that ({clear} {on}, as root), or pass --config with another path"
        );
    }
    let mut file = AtomicFile::create(path).map_err(|e| {
        let what = match e.kind() {
            // Not a regular file (a device): the folder's permissions are fine.
            io::ErrorKind::InvalidInput => "cannot write the config file".to_string(),
            _ => {
                let why = out_of_files(&e).or_else(|| current_folder_gone(path));
                let why = no_room(&e, ELSEWHERE).or(why.map(String::from));
                let why = why.unwrap_or_else(|| "check its permissions".into());
                format!("cannot write in {folder}; {why}")
            }
        };
        anyhow::Error::new(e).context(what)
    })?;
    if let Some(mode) = file.open_to_others().filter(|_| secret) {
        bail!(
            "{shown} would be {mode:o}, where others may read the client secret, for its disk keeps no modes, so nothing was written; pass --config with a path on another disk, or leave the secret out (and set TALKDESK_CLIENT_SECRET)"
        );
    }
    (file.write_all(text.as_bytes()))
        .map_err(|e| with_no_room(e, ELSEWHERE))
        .with_context(|| format!("writing {shown}"))?;
    file.commit(force).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            anyhow::anyhow!("{shown} already exists; pass --force to overwrite it")
        }
        // EBUSY: a file bind-mounted there (`docker run -v`).
        io::ErrorKind::ResourceBusy => anyhow::anyhow!(
            "{shown} is a mount point (a file mounted there, as `docker run -v` mounts one), which cannot be replaced; edit the file mounted there, or pass --config with another path"
        ),
        _ => anyhow::Error::new(e).context(format!("cannot write {shown}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    #[cfg(unix)]
    use std::fs;

    fn resolve(text: &str) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        write_private(&path, text, false, false).unwrap();
        let overrides = Overrides {
            config: Some(path),
            ..Overrides::default()
        };
        Settings::resolve(&overrides, &|_: &str| None).unwrap()
    }

    #[test]
    fn the_template_is_a_valid_config_with_nothing_set() {
        let s = resolve(TEMPLATE);
        assert!(s.client_id.is_none() && s.client_secret.is_none() && s.account_name.is_none());
        for (_, line) in PLACEHOLDERS {
            assert_eq!(TEMPLATE.matches(line).count(), 1, "{line}");
        }
    }

    #[test]
    fn answers_fill_the_default_profile() {
        let answers = Answers {
            account_name: Some("acme".into()),
            region: Some(Region::Eu),
            client_id: Some("id-1".into()),
            client_secret: Some("s3\"cr\\et".into()),
        };
        let s = resolve(&fill_template(&answers));
        assert_eq!(s.account_name.unwrap().value, "acme");
        assert_eq!(s.region.value.as_str(), "eu");
        assert_eq!(s.client_id.unwrap().value, "id-1");
        match s.client_secret.unwrap().value {
            SecretSetting::Value(v) => assert_eq!(v.expose(), "s3\"cr\\et"),
            SecretSetting::Command(_) => panic!("not a command"),
        }
    }

    #[test]
    fn skipped_answers_stay_commented() {
        let answers = Answers {
            client_id: Some("id-1".into()),
            ..Answers::default()
        };
        let text = fill_template(&answers);
        assert!(text.contains("\nclient_id = \"id-1\"\n"));
        assert!(text.contains("# account_name = \"mycompany\""));
        assert!(text.contains("# client_id = \"your-eu-client-id\""));
    }

    #[test]
    fn questions_reask_invalid_answers_and_end_of_input_gives_up() {
        let mut input = io::Cursor::new("bad name!\nacme.mytalkdesk.com\nacme\nmars\nEU\nmy-id\n");
        let mut prompts = Vec::new();
        let answers = ask(
            &mut input,
            &mut prompts,
            &mut || Ok("  top-secret\n".into()),
        )
        .unwrap();
        assert_eq!(
            answers,
            Answers {
                account_name: Some("acme".into()),
                region: Some(Region::Eu),
                client_id: Some("my-id".into()),
                client_secret: Some("top-secret".into()),
            }
        );
        let prompts = String::from_utf8(prompts).unwrap();
        assert!(prompts.contains("`bad name!`: use letters"), "{prompts}");
        // The hint the file and the variable give.
        assert!(
            prompts
                .contains("`acme.mytalkdesk.com`: use `acme`, the first part of the host name\n"),
            "{prompts}"
        );
        assert!(prompts.contains("`mars`: answer us, eu or ca"), "{prompts}");

        // An answer with an escape is shown escaped, not as the terminal
        // would take it (it was written raw).
        let mut input = io::Cursor::new("ac\x1b[2Jme\n\n\n\n");
        let mut prompts = Vec::new();
        ask(&mut input, &mut prompts, &mut || Ok(String::new())).unwrap();
        let prompts = String::from_utf8(prompts).unwrap();
        assert!(
            prompts.contains("`ac\\u{1b}[2Jme`: use letters"),
            "{prompts}"
        );
        assert!(!prompts.contains('\x1b'), "{prompts}");

        // Ctrl-D: the user gave up (with --force, a filled-in file was
        // replaced by the bare template).
        let mut input = io::Cursor::new("\n");
        let ended = ask(&mut input, &mut Vec::new(), &mut || Ok(String::new())).unwrap_err();
        assert_eq!(ended.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn secrets_never_show() {
        let s = resolve("[default]\nclient_id = \"id\"\nclient_secret = \"hunter2\"\n");
        let rows = show_rows(&s);
        let all: Vec<&str> = rows.iter().flatten().map(|c| c.text.as_str()).collect();
        assert!(!all.iter().any(|t| t.contains("hunter2")));
        let secret = rows.iter().find(|r| r[0].text == "client_secret").unwrap();
        assert_eq!(secret[1].text, "<redacted>");
        // Nor when it was pasted into another setting.
        let s = resolve(
            "[default]\nclient_secret = \"Zq9-SuperSecret-77\"\nclient_id = \"id Zq9-SuperSecret-77\"\n",
        );
        let rows = show_rows(&s);
        let id = rows.iter().find(|r| r[0].text == "client_id").unwrap();
        assert_eq!(id[1].text, "id <redacted>");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_and_never_clobbered_without_force() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/config.toml");
        write_private(&path, "one", false, false).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
        let e = write_private(&path, "two", false, false).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        write_private(&path, "three", true, false).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "three");
        assert_eq!(fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_loop_of_links_is_an_error_and_stays_a_loop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink("other.toml", &path).unwrap();
        std::os::unix::fs::symlink("config.toml", dir.path().join("other.toml")).unwrap();
        let e = write_private(&path, "text", true, false).unwrap_err();
        let text = format!("{e:#}");
        assert!(
            text.starts_with(&format!("cannot write {}", path.display())),
            "{text}"
        );
        assert!(text.contains("symbolic links"), "{text}");
        assert!(fs::symlink_metadata(&path).unwrap().is_symlink());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
