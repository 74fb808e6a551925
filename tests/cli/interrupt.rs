//! A run ended by a signal (Ctrl-C, `kill`, a scheduler's timeout) leaves
//! no hidden temporary file beside `--output-file`, keeps the target as it
//! was, and ends by that signal.
#![cfg(unix)]

use crate::support;

use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use support::fake_api::{FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, sample_accounts};
use support::{Sandbox, stderr_of};

/// Files in the sandbox folder whose name starts with `.accounts.csv.`.
fn temporaries(sb: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".accounts.csv."))
        .collect()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

fn wait_for_exit(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the tool did not end after the signal");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// 300 accounts in pages of 50, whose third page never comes.
fn stalling_at_page_3() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: sample_accounts(300),
        page_cap: 50,
        faults: Faults {
            script: vec![(RequestMatch::Page(3), FaultKind::Stall)],
            ..Faults::default()
        },
        ..FakeConfig::default()
    })
}

/// Starts an export whose third page never comes, waits until the hidden
/// file holds the first two pages' rows and page 3 was asked for, and
/// sends `signal`.
fn interrupted_export(signal: &str, number: i32) {
    let fake = stalling_at_page_3();
    let sb = Sandbox::new();
    let target = sb.path("accounts.csv");
    std::fs::write(&target, "yesterday's export\n").unwrap();
    let mut child = sb
        .spawnable_tool(&fake)
        .args(["list", "-o", "csv", "--concurrency", "1", "--output-file"])
        .arg(&target)
        // A SIGABRT's core dump, where they are on, goes there.
        .current_dir(sb.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("page 3 requested", || fake.page_requests().contains(&3));
    assert_eq!(temporaries(&sb).len(), 1, "the export is being written");
    support::send_signal(child.id(), signal);
    let status = wait_for_exit(&mut child);
    assert_eq!(
        status.signal(),
        Some(number),
        "ended by {signal}: {status:?}"
    );
    assert_eq!(
        temporaries(&sb),
        Vec::<String>::new(),
        "no hidden file left"
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "yesterday's export\n"
    );
}

#[test]
fn ctrl_c_leaves_no_temporary_file_and_the_target_untouched() {
    interrupted_export("-INT", 2);
}

#[test]
fn a_schedulers_sigterm_leaves_no_temporary_file_and_the_target_untouched() {
    interrupted_export("-TERM", 15);
}

/// The other signals that end a process, and can be caught, clean up too:
/// `timeout -s ALRM`, `kill -USR1`, `kill -ABRT` and the rarer ones. Before,
/// each left the hidden file.
#[test]
fn other_ending_signals_leave_no_temporary_file_either() {
    interrupted_export("-ALRM", 14);
    interrupted_export("-USR1", 10);
    interrupted_export("-ABRT", libc::SIGABRT);
    interrupted_export("-VTALRM", libc::SIGVTALRM);
    interrupted_export("-IO", libc::SIGIO);
    #[cfg(target_os = "linux")]
    {
        interrupted_export("-PWR", libc::SIGPWR);
        interrupted_export("-RTMIN", libc::SIGRTMIN());
    }
}

/// Under a limit on processes and threads (`ulimit -u`, a systemd service's `TasksMax=`), the
/// thread that handles the signals could not start, yet they were caught: a scheduler's SIGTERM
/// (and Ctrl-C) while an export was written did nothing, and the walk went on to its end. They
/// end the run, as they do without the handler (the hidden file left then). Run as root by
/// `.ci/run`, as a user with no other process (setpriv(1)).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: it runs the tool as another user under ulimit -u"]
fn as_root_a_sigterm_under_a_process_limit_still_ends_the_run() {
    support::require_tool("setpriv", "util-linux");
    let fake = stalling_at_page_3();
    let sb = Sandbox::new();
    std::os::unix::fs::chown(sb.dir.path(), Some(54321), Some(54321)).unwrap();
    let target = sb.path("accounts.csv");
    let tool = sb.spawnable_tool(&fake);
    let mut child = Command::new("setpriv")
        .args(["--reuid", "54321", "--regid", "54321", "--clear-groups"])
        .args(["bash", "-c", r#"ulimit -u 1; exec "$0" "$@""#])
        .arg(tool.get_program())
        .args(["list", "--no-cache", "-o", "csv", "--concurrency", "1"])
        .arg("--output-file")
        .arg(&target)
        .env_clear()
        .envs(tool.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("page 3 requested", || fake.page_requests().contains(&3));
    support::send_signal(child.id(), "-TERM");
    let status = wait_for_exit(&mut child);
    assert_eq!(status.signal(), Some(15), "ended by SIGTERM: {status:?}");
    assert!(!target.exists());
}

/// A file size limit (`ulimit -f`, systemd's `LimitFSIZE`) reached while
/// the export is written: the run fails, the target stays as it was, and
/// no hidden file is left (SIGXFSZ killed it with the file left before).
#[test]
fn a_file_size_limit_leaves_no_temporary_file_and_the_target_untouched() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(300),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let target = sb.path("accounts.csv");
    std::fs::write(&target, "yesterday's export\n").unwrap();
    let output = file_size_limited(&sb, &fake, 8)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&target)
        .output()
        .unwrap();
    // An error that says so (exit 1), not SIGXFSZ with no word.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(
        temporaries(&sb),
        Vec::<String>::new(),
        "no hidden file left"
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "yesterday's export\n"
    );
}

/// With no room to grow any file (`ulimit -f 0`), the token cache, which
/// may fail with a warning, ended the whole run by SIGXFSZ (exit 153 in a
/// shell, nothing listed). The run lists, warning of the cache.
#[test]
fn a_file_size_limit_at_the_token_cache_is_a_warning() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = file_size_limited(&sb, &fake, 0)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not cache the token"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 3);
}

/// The token cache's write failing for want of room (a full disk, here
/// `ulimit -f 0`) warned at every run "could not cache the token: File too
/// large (os error 27)", naming neither the cache folder nor what to do. It
/// names both, and how to quiet it.
#[test]
fn a_token_cache_that_cannot_be_written_names_its_folder_and_what_to_do() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let output = file_size_limited(&sb, &fake, 0)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let folder = sb.cache_home().join("talkdesk-accounts");
    assert!(stderr.contains(&*folder.to_string_lossy()), "{stderr}");
    assert!(stderr.contains("ulimit -f"), "{stderr}");
    assert!(stderr.contains("or pass --no-cache"), "{stderr}");
}

/// The tool against `fake`, run by `sh` under `ulimit -f BLOCKS`;
/// arguments follow with `.args`.
fn file_size_limited(sb: &Sandbox, fake: &FakeApi, blocks: u32) -> Command {
    let tool = sb.spawnable_tool(fake);
    let mut sh = Command::new("sh");
    sh.args(["-c", &format!(r#"ulimit -f {blocks}; exec "$0" "$@""#)])
        .arg(tool.get_program())
        .env_clear()
        .envs(tool.get_envs().filter_map(|(k, v)| Some((k, v?))));
    sh
}

/// A run killed by SIGKILL (the OOM killer, a CI timeout) can remove
/// nothing: its hidden file stays. The next run writing the same file
/// removes it, where before each killed run added one more, never removed
/// (a nightly export's folder gathered hidden copies of the accounts).
#[test]
fn the_hidden_file_of_a_killed_run_is_removed_by_the_next_run() {
    let fake = stalling_at_page_3();
    let sb = Sandbox::new();
    let target = sb.path("accounts.csv");
    let export = |fake: &FakeApi| {
        let mut command = sb.spawnable_tool(fake);
        command.args(["list", "-o", "csv", "--concurrency", "1", "--output-file"]);
        command
            .arg(&target)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    let mut child = export(&fake).spawn().unwrap();
    wait_until("page 3 requested", || fake.page_requests().contains(&3));
    child.kill().unwrap();
    assert_eq!(wait_for_exit(&mut child).signal(), Some(9));
    assert_eq!(temporaries(&sb).len(), 1, "SIGKILL leaves the hidden file");
    // Killed a while ago: a newer one may be a live run's (see below).
    let left = sb.path(&temporaries(&sb)[0]);
    let file = std::fs::File::options().write(true).open(&left).unwrap();
    let before = std::time::SystemTime::now() - Duration::from_secs(120);
    file.set_modified(before).unwrap();
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(300),
        ..FakeConfig::default()
    });
    assert!(export(&fake).status().unwrap().success());
    assert_eq!(
        temporaries(&sb),
        Vec::<String>::new(),
        "removed by the next run"
    );
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("id,"));
}

/// A hidden file made in the last minute, not yet locked, may be another
/// run's (tempfile makes it, then the run locks it): a run removing it
/// made that run's write fail ("could not cache the token: … No such file
/// or directory", seen with two runs caching a token at once). It is left.
#[test]
fn a_fresh_hidden_file_is_left_to_the_run_that_made_it() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let fresh = sb.path(".accounts.csv.AbC123.tmp");
    std::fs::write(&fresh, "").unwrap();
    let out = (sb.tool(&fake))
        .args(["list", "-o", "csv", "--output-file"])
        .arg(sb.path("accounts.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(fresh.exists(), "another run's file, just made, was removed");
}

/// A hidden file left by a run killed while the clock was a day ahead (a VM restored with a bad
/// clock, set right by NTP since) is dated a day after the clock: it was never removed, its age
/// read as none until the clock passed it. Dated a minute or more away either side, it is no
/// file a run has just made, and it is removed.
#[test]
fn a_hidden_file_dated_ahead_of_the_clock_is_removed() {
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let left = sb.path(".accounts.csv.AbC123.tmp");
    std::fs::write(&left, "id,name\n").unwrap();
    let file = std::fs::File::options().write(true).open(&left).unwrap();
    let ahead = std::time::SystemTime::now() + Duration::from_secs(86_400);
    file.set_modified(ahead).unwrap();
    let out = (sb.tool(&fake))
        .args(["list", "-o", "csv", "--output-file"])
        .arg(sb.path("accounts.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        !left.exists(),
        "a killed run's file dated a day ahead was left"
    );
}

/// Whether process `pid` still runs (a zombie, waiting to be reaped, does not).
#[cfg(target_os = "linux")]
fn still_running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit(')').next().unwrap_or("").starts_with(" Z"))
}

/// With no terminal (cron), `client_secret_cmd` runs in a process group of its own, so that
/// what it starts (`pass` runs gpg) is stopped with it at `--timeout`. A run stopped meanwhile
/// left it running: a process-group kill, as `timeout` and cron send, reached the tool alone,
/// and a command waiting for ever (a password manager waiting to be unlocked) outlived the run,
/// holding the job's stderr open (`timeout 2` under setsid: the tool exit 124, `sleep` still
/// there). The run stops the command's group before it ends by the signal.
#[cfg(target_os = "linux")]
#[test]
fn a_run_stopped_while_client_secret_cmd_runs_stops_the_command_too() {
    use std::os::unix::process::CommandExt;
    let fake = stalling_at_page_3();
    let sb = Sandbox::new();
    let (script, pid_file) = (sb.path("secret.sh"), sb.path("secret.pid"));
    let body = format!("echo $$ > '{}'\nexec sleep 600\n", pid_file.display());
    std::fs::write(&script, body).unwrap();
    let text = format!(
        "[default]\nclient_secret_cmd = \"/bin/sh '{}'\"\n",
        script.display()
    );
    let config = sb.write_config("config.toml", &text);
    let mut tool = sb.spawnable_tool(&fake);
    tool.arg("--config")
        .arg(&config)
        .args(["list", "--timeout", "600"])
        .env_remove("TALKDESK_CLIENT_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid(2) is async-signal-safe: a session with no terminal, as cron gives.
    unsafe {
        tool.pre_exec(|| {
            (libc::setsid() >= 0)
                .then_some(())
                .ok_or_else(std::io::Error::last_os_error)
        })
    };
    let mut child = tool.spawn().unwrap();
    let read_pid = || {
        std::fs::read_to_string(&pid_file)
            .ok()
            .filter(|s| s.ends_with('\n'))
    };
    wait_until("client_secret_cmd started", || read_pid().is_some());
    let secret: i32 = read_pid().unwrap().trim().parse().unwrap();
    // SAFETY: kill(2) of the group the tool leads, as `timeout` and cron stop a job.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGTERM) };
    let status = wait_for_exit(&mut child);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while still_running(secret) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    let left = still_running(secret);
    // SAFETY: kill(2) of the command this test started, should it still run.
    unsafe { libc::kill(secret, libc::SIGKILL) };
    assert!(!left, "client_secret_cmd (pid {secret}) outlived the run");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// A server on 127.0.0.1 that gives a token, then a page of 3 accounts
/// whose body it sends in part, says so on `begun`, and sends the rest
/// when told on `go` (that page asked for again, at once). Returns its
/// base URL.
fn page_sent_on_cue(
    begun: std::sync::mpsc::Sender<()>,
    go: std::sync::mpsc::Receiver<()>,
) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accounts: Vec<_> = (1..=3)
        .map(|i| serde_json::json!({"id": format!("acc-{i}"), "name": format!("N{i}"), "status": "ACTIVE"}))
        .collect();
    let page = serde_json::json!({"count": 3, "page": 1, "per_page": 50, "total": 3,
        "total_pages": 1, "_embedded": {"accounts": accounts}})
    .to_string();
    let token = r#"{"access_token": "tok-on-cue", "token_type": "Bearer", "expires_in": 3600}"#;
    thread::spawn(move || {
        let mut cued = false;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut head, mut line) = (String::new(), String::new());
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                head.push_str(&line.to_ascii_lowercase());
                line.clear();
            }
            let length = (head.lines())
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            let _ = reader.read_exact(&mut vec![0; length]);
            let body = if head.starts_with("post") {
                token
            } else {
                &page
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                body.len(),
                &body[..20]
            );
            // The first page's rest on cue; any later answer whole.
            if !head.starts_with("post") && !std::mem::replace(&mut cued, true) {
                let _ = begun.send(());
                let _ = go.recv();
            }
            let _ = stream.write_all(&body.as_bytes()[20..]);
        }
    });
    base
}

/// A run stopped (Ctrl-Z, `kill -STOP`) while a page's body was arriving,
/// and continued (`fg`, `kill -CONT`) after longer than `--timeout`, while
/// the rest of the body came meanwhile: the stop is no timeout of the
/// server's.
#[cfg(target_os = "linux")]
#[test]
fn a_run_stopped_while_a_body_arrived_is_not_timed_out_by_the_stop() {
    let (status, stdout, stderr, _) = stopped_while_a_body_arrived(&[]);
    assert!(status.success(), "{status:?}: {stderr}");
    assert_eq!(
        stdout,
        "{\"id\":\"acc-1\"}\n{\"id\":\"acc-2\"}\n{\"id\":\"acc-3\"}\n"
    );
    assert_eq!(stderr, "");
}

/// The same under `-v`: the page sent again is said to be sent again, not counted as a retry,
/// with why (`unstopped_attempt`): the stop, and the failure it caused.
#[cfg(target_os = "linux")]
#[test]
fn a_page_sent_again_after_a_stop_is_said_so_under_v() {
    let (status, stdout, stderr, base) = stopped_while_a_body_arrived(&["-v"]);
    assert!(status.success(), "{status:?}: {stderr}");
    assert_eq!(
        stdout,
        "{\"id\":\"acc-1\"}\n{\"id\":\"acc-2\"}\n{\"id\":\"acc-3\"}\n"
    );
    let said = format!(
        "sending GET {base}/express/accounts?page=1&per_page=50 again, not counted as a retry: the run was stopped and continued while it was sent (the HTTP 200 answer's body stopped after 20 of 222 bytes: timed out after 5 s)"
    );
    assert!(stderr.lines().any(|line| line == said), "{said}\n{stderr}");
}

/// `list -o jsonl --columns id --timeout 5 --max-retries 0 --no-cache` with `args` against
/// [`page_sent_on_cue`], stopped while its page's body arrives, the rest of the body sent, and
/// continued after longer than `--timeout`: how it ended, its stdout and stderr, and the
/// server's base URL.
#[cfg(target_os = "linux")]
fn stopped_while_a_body_arrived(args: &[&str]) -> (ExitStatus, String, String, String) {
    let (begun, begun_rx) = std::sync::mpsc::channel();
    let (go, go_rx) = std::sync::mpsc::channel();
    let base = page_sent_on_cue(begun, go_rx);
    let sb = Sandbox::new();
    let mut tool = {
        use assert_cmd::cargo::CommandCargoExt;
        Command::cargo_bin("talkdesk-accounts").expect("binary built")
    };
    let mut child = tool
        .env_clear()
        .envs(sb.env())
        .envs([
            ("TALKDESK_BASE_URL", base.clone()),
            ("TALKDESK_TOKEN_URL", format!("{base}/oauth/token")),
            ("TALKDESK_CLIENT_ID", "test-client".into()),
            ("TALKDESK_CLIENT_SECRET", "test-secret-value".into()),
        ])
        .args(["list", "-o", "jsonl", "--columns", "id", "--timeout", "5"])
        .args(["--max-retries", "0", "--no-cache"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    begun_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the page asked for");
    // A thread of the tool waits for the rest of the body (in tcp_recvmsg).
    let waits_for_bytes = || {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten();
        tasks.flatten().any(|task| {
            let wchan = std::fs::read_to_string(task.path().join("wchan"));
            wchan.is_ok_and(|w| w == "wait_woken")
        })
    };
    wait_until("the tool reads the body", waits_for_bytes);
    // SAFETY: kill(2) of the tool this test started.
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    let state = || std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    wait_until("the tool stopped", || {
        state()
            .rsplit(") ")
            .next()
            .is_some_and(|s| s.starts_with('T'))
    });
    go.send(()).unwrap();
    // Stopped for longer than --timeout (the setup, not what is checked;
    // 5 s leaves a loaded machine time to stop the tool before it).
    thread::sleep(Duration::from_millis(6000));
    // SAFETY: kill(2) of the tool this test started.
    unsafe { libc::kill(pid, libc::SIGCONT) };
    let status = wait_for_exit(&mut child);
    let read = |pipe: &mut dyn std::io::Read| {
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    };
    let stdout = read(child.stdout.as_mut().unwrap());
    let stderr = read(child.stderr.as_mut().unwrap());
    (status, stdout, stderr, base)
}
