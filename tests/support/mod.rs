//! Shared test support: the fake Talkdesk API and a way to run the real
//! binary against it with HOME, XDG folders and every setting isolated.

pub mod fake_api;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fake_api::FakeApi;

/// Gives back the signals this test run was started with ignored (under
/// `nohup`, or as `cmd &` in a script): the tool keeps a signal ignored at
/// start ignored, as it should, and the tests that send one would fail.
/// SIGPIPE stays as the test harness set it.
fn signals_not_ignored() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for signal in 1..=libc::SIGRTMAX() {
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: reads the disposition only (a null new action).
            let read = unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) };
            if read == 0 && old.sa_sigaction == libc::SIG_IGN && signal != libc::SIGPIPE {
                // SAFETY: sets the default action, which holds no state.
                unsafe { libc::signal(signal, libc::SIG_DFL) };
            }
        }
    });
}

/// A sandbox for one run: its own HOME, config and cache folders.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        signals_not_ignored();
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn config_home(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn cache_home(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn data_home(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Where the tool keeps its history store by default.
    pub fn history_path(&self) -> PathBuf {
        self.data_home()
            .join("talkdesk-accounts")
            .join("history.sqlite3")
    }

    /// Where the tool looks for its config file by default.
    pub fn default_config_path(&self) -> PathBuf {
        self.config_home()
            .join("talkdesk-accounts")
            .join("config.toml")
    }

    /// Where the tool keeps its token cache.
    pub fn token_cache_dir(&self) -> PathBuf {
        self.cache_home().join("talkdesk-accounts")
    }

    /// A path inside the sandbox, for output files.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with a clean environment: only PATH, the sandbox's
    /// HOME/XDG folders, no colour, zero backoff. No TALKDESK_* setting.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::cargo_bin("talkdesk-accounts").expect("binary built");
        cmd.env_clear()
            .envs(self.env())
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The binary pointed at `fake` through TALKDESK_* variables alone.
    pub fn tool(&self, fake: &FakeApi) -> Command {
        let mut cmd = self.bare();
        cmd.envs(tool_env(fake));
        cmd
    }

    /// [`Sandbox::tool`] as a std command, for a test that must spawn the
    /// process and act on it while it runs (no timeout: the test's own).
    pub fn spawnable_tool(&self, fake: &FakeApi) -> std::process::Command {
        use assert_cmd::cargo::CommandCargoExt;
        let mut cmd = std::process::Command::cargo_bin("talkdesk-accounts").expect("binary built");
        cmd.env_clear().envs(self.env()).envs(tool_env(fake));
        cmd
    }

    /// The environment of [`Sandbox::bare`].
    pub fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.home().into()),
            ("XDG_CONFIG_HOME", self.config_home().into()),
            ("XDG_CACHE_HOME", self.cache_home().into()),
            ("XDG_DATA_HOME", self.data_home().into()),
            ("TALKDESK_BACKOFF_SCALE", "0".into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// The binary with [`Sandbox::bare`]'s environment, run by `script` in
    /// a mount namespace of its own ([`in_own_mount_namespace`]) with
    /// `mounted` as `$1`…; the tool's arguments follow with `.arg`.
    pub fn in_mount(
        &self,
        script: &str,
        mounted: &[&dyn AsRef<std::ffi::OsStr>],
    ) -> std::process::Command {
        let mut cmd = in_own_mount_namespace(script);
        cmd.args(mounted.iter().map(|m| m.as_ref()));
        cmd.arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"));
        cmd.env_clear().envs(self.env());
        cmd
    }

    /// The binary with [`Sandbox::bare`]'s environment, run on a FAT disk (an image `mkfs.fat`
    /// makes, mounted through FUSE by `fusefat`) at the returned path, in a user and mount
    /// namespace of the test's own: a file system that keeps no modes, whose chmod says
    /// "Function not implemented"; `umask` is the mode it gives every file (`077`: 0700, as
    /// fusefat does by default; `022`: 0755, as a vfat mount does). `before` runs first and
    /// `after` after the tool (`$d` is the disk), then the disk is unmounted; the tool's exit
    /// code is the script's. The tool's arguments follow with `.arg`.
    pub fn on_a_fat_disk(
        &self,
        umask: &str,
        before: &str,
        after: &str,
    ) -> (std::process::Command, PathBuf) {
        for (program, package) in [("fusefat", "fusefat"), ("mkfs.fat", "dosfstools")] {
            let found = std::process::Command::new(program)
                .arg("-h")
                .output()
                .is_ok();
            assert!(
                found,
                "this test needs `{program}` (package {package}): install it and run again"
            );
        }
        let (image, disk) = (self.path("fat.img"), self.path("fat"));
        std::fs::create_dir_all(&disk).expect("create the mount point");
        let script = format!(
            r#"d=$2; mkfs.fat -C "$1" 8192 >/dev/null && fusefat -o rw+,umask={umask} "$1" "$d" >/dev/null 2>&1 || {{ echo "cannot mount a FAT disk with fusefat" >&2; exit 99; }}; shift 2; {before}; "$@"; code=$?; {after}; umount "$d"; exit $code"#
        );
        let cmd = self.in_mount(&script, &[&image, &disk]);
        (cmd, disk)
    }

    /// The binary with [`Sandbox::bare`]'s environment, run on an sshfs mount at the returned path,
    /// in a user and mount namespace of the test's own: OpenSSH's `sftp-server`, reached through
    /// a stand-in for ssh (`-o ssh_command`), without the `posix-rename@openssh.com` extension it
    /// offers, as SFTP servers other than OpenSSH's have none. There a rename over an existing file
    /// fails ("Operation not permitted"), as sshfs mounts it without `-o workaround=rename`.
    /// `options` are sshfs's own beside (`direct_io`, or none). `before` runs first and `after`
    /// after the tool (`$d` is the mount), then it is unmounted; the tool's exit code is the
    /// script's. The tool's arguments follow with `.arg`.
    #[cfg(target_os = "linux")]
    pub fn on_an_sshfs_mount(
        &self,
        options: &str,
        before: &str,
        after: &str,
    ) -> (std::process::Command, PathBuf) {
        require_tool("sshfs", "sshfs");
        require_tool("python3", "python3");
        let server = ["/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/libexec/sftp-server"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("this test needs OpenSSH's sftp-server (package openssh-sftp-server): install it and run again");
        let filter = self.path("sftp-without-posix-rename.py");
        std::fs::write(&filter, SFTP_WITHOUT_POSIX_RENAME.replace("SERVER", server))
            .expect("write the filter");
        let ssh = self.path("ssh");
        std::fs::write(
            &ssh,
            format!("#!/bin/sh\nexec python3 '{}'\n", filter.display()),
        )
        .expect("write the ssh stand-in");
        let exec = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755);
        std::fs::set_permissions(&ssh, exec).expect("make the ssh stand-in executable");
        let (remote, mount) = (self.path("remote"), self.path("sshfs"));
        for dir in [&remote, &mount] {
            std::fs::create_dir_all(dir).expect("create the folders");
        }
        let options: String = options
            .split(',')
            .filter(|o| !o.is_empty())
            .map(|o| format!(",{o}"))
            .collect();
        let script = format!(
            r#"d=$3; sshfs -o ssh_command="$1"{options} "x:$2" "$d" >/dev/null 2>&1 || {{ echo "cannot mount with sshfs" >&2; exit 99; }}; shift 3; {before}; "$@"; code=$?; {after}; fusermount3 -u "$d" 2>/dev/null || umount "$d"; exit $code"#
        );
        let cmd = self.in_mount(&script, &[&ssh, &remote, &mount]);
        (cmd, mount)
    }

    /// Writes a config file (mode 0600) and returns its path.
    pub fn write_config(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        write_private(&path, text);
        path
    }
}

/// The TALKDESK_* variables that point the binary at `fake`.
pub fn tool_env(fake: &FakeApi) -> [(&'static str, String); 4] {
    [
        ("TALKDESK_BASE_URL", fake.base_url()),
        ("TALKDESK_TOKEN_URL", fake.token_url()),
        ("TALKDESK_CLIENT_ID", "test-client".into()),
        ("TALKDESK_CLIENT_SECRET", "test-secret-value".into()),
    ]
}

/// Runs the binary with `args` against `fake` in a fresh sandbox.
pub fn run_tool(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    Sandbox::new()
        .tool(fake)
        .args(args)
        .output()
        .expect("run the binary")
}

/// The tool (`program`, with `envs` alone) run through `sh` with a file
/// size limit of `blocks` 512-byte blocks and SIGXFSZ ignored: a write
/// past the limit fails with EFBIG, as on a full disk, and the tool goes
/// on to report it. Arguments follow with `.args`.
#[cfg(unix)]
pub fn with_file_size_limit(
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
    blocks: u32,
) -> std::process::Command {
    through_sh(&format!("trap '' XFSZ; ulimit -f {blocks}"), program, envs)
}

/// The tool (`program`, with `envs` alone) run through `sh` with at most
/// `files` open file descriptors (`ulimit -n`): a connection or a file
/// past them fails with EMFILE. Arguments follow with `.args`.
#[cfg(unix)]
pub fn with_open_file_limit(
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
    files: u32,
) -> std::process::Command {
    through_sh(&format!("ulimit -n {files}"), program, envs)
}

/// The tool (`program`, with `envs` alone) run through `sh` under the
/// file-creation mask `umask` (octal, as `umask` takes it). Arguments
/// follow with `.args`.
#[cfg(unix)]
pub fn with_umask(
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
    umask: &str,
) -> std::process::Command {
    through_sh(&format!("umask {umask}"), program, envs)
}

/// The tool (`program`, with `envs` alone) run through `sh` with its
/// standard streams redirected so (`<&-`, `>&-`, `1</dev/null`): closed,
/// or open the other way. Arguments follow with `.args`.
#[cfg(unix)]
pub fn with_redirect(
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
    redirect: &str,
) -> std::process::Command {
    through_sh(&format!("exec {redirect}"), program, envs)
}

/// The tool (`program`, with `envs` alone) run through `sh` in the folder
/// `dir`, which the shell deletes once in it: the tool starts in a current
/// folder that no longer exists. Arguments follow with `.args`.
#[cfg(unix)]
pub fn in_a_deleted_folder(
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
    dir: &Path,
) -> std::process::Command {
    let dir = quoted(dir);
    through_sh(&format!("cd {dir} && rmdir {dir}"), program, envs)
}

/// Closes descriptors 3 to 9 that the test run inherited (a CI runner's,
/// a jobserver's pipes), which would take the numbers `ulimit -n` leaves.
#[cfg(unix)]
pub const NO_INHERITED_FILES: &str = "exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-";

/// `program` (with `envs` alone) run by `sh` after the shell commands
/// `setup`, by `exec`: its pid and its exit status are the command's.
#[cfg(unix)]
fn through_sh(
    setup: &str,
    program: &std::ffi::OsStr,
    envs: std::process::CommandEnvs<'_>,
) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{NO_INHERITED_FILES}; {setup}; exec \"$0\" \"$@\""))
        .arg(program)
        .env_clear()
        .envs(envs.filter_map(|(k, v)| Some((k, v?))));
    cmd
}

/// A named pipe (FIFO) made at `path`.
#[cfg(unix)]
pub fn make_fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(
        made.expect("mkfifo runs").success(),
        "mkfifo {}",
        path.display()
    );
}

/// `sh -c script sh ARGS…` in a user and mount namespace of its own, where
/// it may mount (a tmpfs, a bind mount) as the root of that namespace;
/// `script` ends by running the tool (`exec "$@"`). Arguments follow with
/// `.arg`: `$1`…, then the tool (`cargo_bin`) and its arguments.
pub fn in_own_mount_namespace(script: &str) -> std::process::Command {
    require_tool("unshare", "util-linux");
    let mut cmd = std::process::Command::new("unshare");
    cmd.args([
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        script,
        "sh",
    ]);
    cmd
}

/// Writes a file with mode 0600 (on Unix).
pub fn write_private(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

/// A path as the tool writes it into a command to run: bare when every
/// character is plain, else in single quotes. The tests' temporary folders
/// sit in `$TMPDIR`, which may hold a space.
pub fn quoted(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c);
    match !text.is_empty() && text.chars().all(plain) {
        true => text,
        false => format!("'{}'", text.replace('\'', r"'\''")),
    }
}

/// Output of a finished command, as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// The accounts requests of a walk that failed at page `failing` after
/// `attempts` requests for it, out of pages 1..=`last`. Sequential
/// (`--concurrency 1`): exactly pages 1..`failing` once each, then
/// `failing` `attempts` times, nothing after. Concurrent (the default):
/// page 1 first, every page before `failing` once, `failing` exactly
/// `attempts` times, each later page at most once (it may have been
/// fetched ahead before the failure) and nothing else.
pub fn assert_failed_walk_requests(
    fake: &FakeApi,
    sequential: bool,
    failing: u64,
    attempts: usize,
    last: u64,
    what: &str,
) {
    if sequential {
        let mut expected: Vec<u64> = (1..failing).collect();
        expected.extend(std::iter::repeat_n(failing, attempts));
        assert_eq!(fake.page_requests(), expected, "{what} (--concurrency 1)");
        return;
    }
    let pages = fake.page_requests();
    assert_eq!(pages.first(), Some(&1), "{what}: page 1 first: {pages:?}");
    for page in 1..=last {
        let asked = fake.requests_for_page(page);
        if page < failing {
            assert_eq!(asked, 1, "{what}: page {page} once: {pages:?}");
        } else if page == failing {
            assert_eq!(
                asked, attempts,
                "{what}: failing page {page} {attempts} times: {pages:?}"
            );
        } else {
            assert!(asked <= 1, "{what}: page {page} at most once: {pages:?}");
        }
    }
    assert!(
        pages.iter().all(|p| (1..=last).contains(p)),
        "{what}: no page beyond {last}: {pages:?}"
    );
}

/// The fake serving `accounts` at most 50 a page, with `faults`.
pub fn faulty_fake(accounts: Vec<serde_json::Value>, faults: fake_api::Faults) -> FakeApi {
    FakeApi::start(fake_api::FakeConfig {
        accounts,
        page_cap: 50,
        faults,
        ..fake_api::FakeConfig::default()
    })
}

/// A fake whose every page is this exact text (escapes, spacing and number
/// spellings as a server wrote them).
pub fn serving_page(text: &str) -> FakeApi {
    let faults = fake_api::Faults {
        always: vec![(
            fake_api::RequestMatch::AnyPage,
            fake_api::FaultKind::StatusWithBody(200, text.to_string()),
        )],
        ..fake_api::Faults::default()
    };
    faulty_fake(Vec::new(), faults)
}

/// The `per_page` query parameter of every accounts request, in order.
pub fn per_page_sent(fake: &FakeApi) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path() == "/express/accounts")
        .map(|r| r.query_param("per_page").unwrap_or_default())
        .collect()
}

/// The names of the entries of `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Parses headerless CSV text into rows.
pub fn csv_rows_without_header(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect()
}

/// The permission bits of `path`.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// Fails the test, naming what to install, unless `program --version`
/// runs: a test that needs a tool never passes without having checked.
pub fn require_tool(program: &str, package: &str) {
    let found = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "this test needs `{program}` (package {package}): install it and run again"
    );
}

/// The binary (with no environment: add it with `.envs`) run as another user, 54321, mapped in
/// a user namespace of the test's own: root enters any folder and owns any file, that user
/// does neither. Needs Linux's unshare(1).
pub fn as_another_user() -> std::process::Command {
    require_tool("unshare", "util-linux");
    let mut command = std::process::Command::new("unshare");
    command
        .args(["--user", "--map-user=54321"])
        .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .env_clear();
    command
}

/// [`require_tool`] for util-linux `script(1)`, which gives the binary a
/// pseudo-terminal (Debian's package is bsdutils). Tests using it are
/// ignored off Linux, where `script` takes other options.
pub fn require_script() {
    require_tool("script", "util-linux; on Debian bsdutils");
}

/// Sends the signal named `name` (`INT`, `-TERM`: as kill(1) takes it) to
/// process `pid`, with kill(2): no kill(1) needed.
#[cfg(unix)]
pub fn send_signal(pid: u32, name: &str) {
    let signal = match name.trim_start_matches('-') {
        "HUP" => libc::SIGHUP,
        "INT" => libc::SIGINT,
        "TERM" => libc::SIGTERM,
        "ALRM" => libc::SIGALRM,
        "USR1" => libc::SIGUSR1,
        "ABRT" => libc::SIGABRT,
        "VTALRM" => libc::SIGVTALRM,
        "IO" => libc::SIGIO,
        #[cfg(target_os = "linux")]
        "PWR" => libc::SIGPWR,
        #[cfg(target_os = "linux")]
        "RTMIN" => libc::SIGRTMIN(),
        other => panic!("no signal {other} here: add it to send_signal"),
    };
    let pid = libc::pid_t::try_from(pid).expect("a process id");
    // SAFETY: kill(2) takes any pid and signal number; it touches no memory.
    let sent = unsafe { libc::kill(pid, signal) };
    assert_eq!(
        sent,
        0,
        "kill -{name} {pid}: {}",
        std::io::Error::last_os_error()
    );
}

/// Runs `chattr FLAG PATH` (root alone may: CAP_LINUX_IMMUTABLE).
#[cfg(target_os = "linux")]
pub fn chattr(flag: &str, path: &Path) {
    let status = std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status();
    let status = status.expect("chattr (package e2fsprogs) runs");
    assert!(status.success(), "chattr {flag} {}", path.display());
}

/// Asserts that `err` names `path` as made immutable (`flag` "i") or
/// append-only ("a") with `chattr +FLAG`.
#[cfg(target_os = "linux")]
pub fn assert_names_chattr(err: &str, flag: &str, path: &Path) {
    let word = if flag == "i" {
        "immutable"
    } else {
        "append-only"
    };
    let said = format!("{} is {word} (chattr +{flag})", path.display());
    assert!(err.contains(&said), "+{flag} {}: {err}", path.display());
}

/// OpenSSH's `sftp-server` (`SERVER`) with `posix-rename@openssh.com` left out of the extensions
/// its first packet (`SSH_FXP_VERSION`) offers; everything else passed through as it is.
#[cfg(target_os = "linux")]
const SFTP_WITHOUT_POSIX_RENAME: &str = r#"import os, struct, subprocess, threading
p = subprocess.Popen(["SERVER"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
def up():
    while True:
        d = os.read(0, 65536)
        if not d:
            p.stdin.close()
            return
        p.stdin.write(d)
threading.Thread(target=up, daemon=True).start()
def read(n):
    b = b""
    while len(b) < n:
        c = p.stdout.read(n - len(b))
        if not c:
            raise SystemExit(1)
        b += c
    return b
body = read(struct.unpack(">I", read(4))[0])
head, rest, kept, i = body[:5], body[5:], b"", 0
while i < len(rest):
    n = struct.unpack(">I", rest[i:i + 4])[0]
    name = rest[i + 4:i + 4 + n]
    m = struct.unpack(">I", rest[i + 4 + n:i + 8 + n])[0]
    if name != b"posix-rename@openssh.com":
        kept += rest[i:i + 8 + n + m]
    i += 8 + n + m
os.write(1, struct.pack(">I", len(head) + len(kept)) + head + kept)
while True:
    d = p.stdout.read(65536)
    if not d:
        break
    os.write(1, d)
"#;
