//! Conventions a newcomer expects (issue 13, items 6 and 7): `-` is stdin
//! or stdout, `-o` values are case-insensitive like `--status`, `ls` is
//! `list`, global options have their own heading in every command's help,
//! and the top-level help ends with how to get started.

use crate::support;

use std::io::Write;
use std::process::Stdio;

use support::fake_api::{FakeApi, FakeConfig, simple_accounts};
use support::{Sandbox, stderr_of, stdout_of};

fn fake(n: usize) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(n),
        ..FakeConfig::default()
    })
}

#[test]
fn output_file_dash_writes_to_stdout_and_creates_no_file() {
    let sb = Sandbox::new();
    let fake = fake(2);
    let output = sb
        .tool(&fake)
        .current_dir(sb.dir.path())
        .args(["list", "-o", "csv", "--output-file", "-"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "id,name,company_name,status\nacc-0001,name-1,Company 1,ACTIVE\nacc-0002,name-2,Company 2,CHURNED\n"
    );
    assert!(!sb.path("-").exists(), "no file named -");
}

/// A name the file system takes (up to 255 bytes) is written: its hidden
/// temporary beside it once grew past that (`.NAME.XXXXXX.tmp`, exit 1).
#[test]
fn output_file_with_the_longest_name_the_file_system_takes() {
    let sb = Sandbox::new();
    let fake = fake(2);
    for name in ["a".repeat(255), format!("{}.csv", "é".repeat(125))] {
        let target = sb.path(&name);
        let output = sb
            .tool(&fake)
            .args(["list", "-o", "csv", "--output-file"])
            .arg(&target)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let written = std::fs::read_to_string(&target).unwrap();
        assert!(
            written.starts_with("id,name,company_name,status\n"),
            "{written}"
        );
        let temporaries = std::fs::read_dir(sb.dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(temporaries, 0);
    }
}

#[test]
fn diff_dash_reads_the_old_export_from_stdin() {
    let sb = Sandbox::new();
    let fake = fake(2);
    let old =
        "{\"id\":\"acc-0001\",\"status\":\"ACTIVE\"}\n{\"id\":\"gone\",\"status\":\"ACTIVE\"}\n";
    let mut child = sb
        .spawnable_tool(&fake)
        .current_dir(sb.dir.path())
        .args(["diff", "-", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(old.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["added"][0]["id"], "acc-0002", "{report}");
    assert_eq!(report["removed"][0]["id"], "gone", "{report}");
}

#[test]
fn a_bad_export_on_stdin_is_named_stdin() {
    let sb = Sandbox::new();
    let fake = fake(1);
    let output = sb
        .tool(&fake)
        .args(["diff", "-"])
        .write_stdin("not json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).starts_with("error: stdin does not look like"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn output_formats_are_case_insensitive_like_statuses() {
    let sb = Sandbox::new();
    let fake = fake(1);
    for (args, lower) in [
        (&["list", "-o", "JSON"][..], "json"),
        (&["list", "-o", "Csv"], "csv"),
        (&["summary", "-o", "JSON"], "json"),
        (&["diff", "-", "-o", "CSV"], "csv"),
    ] {
        let output = sb.tool(&fake).args(args).write_stdin("").output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        // The same output as the lowercase name.
        let mut same = args.to_vec();
        *same.last_mut().unwrap() = lower;
        let expected = sb.tool(&fake).args(&same).write_stdin("").output().unwrap();
        assert_eq!(stdout_of(&output), stdout_of(&expected), "{args:?}");
    }
}

#[test]
fn ls_is_list() {
    let sb = Sandbox::new();
    let fake = fake(2);
    let ls = sb.tool(&fake).args(["ls", "-o", "csv"]).output().unwrap();
    let list = sb.tool(&fake).args(["list", "-o", "csv"]).output().unwrap();
    assert!(ls.status.success(), "{}", stderr_of(&ls));
    assert_eq!(stdout_of(&ls), stdout_of(&list));
}

#[test]
fn every_command_help_shows_the_global_options_under_their_own_heading() {
    let sb = Sandbox::new();
    for command in [
        &["list"][..],
        &["summary"],
        &["diff"],
        &["config", "init"],
        &["auth", "check"],
        &["completions"],
    ] {
        let output = sb.bare().args(command).arg("--help").output().unwrap();
        let help = stdout_of(&output);
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{command:?}: no Global options heading:\n{help}"));
        for flag in ["--config", "--profile", "--verbose", "--quiet", "--color"] {
            assert!(
                global.contains(flag),
                "{command:?}: {flag} under Global options"
            );
            assert!(
                !own.contains(flag),
                "{command:?}: {flag} among its own options"
            );
        }
    }
}

/// Each option that an environment variable also sets names it in the
/// help, as `--config` names TALKDESK_CONFIG: `--max-rate`'s did not name
/// TALKDESK_MAX_RATE, which docs/commands.md and the man page give it.
#[test]
fn each_option_an_environment_variable_sets_names_it_in_the_help() {
    let output = Sandbox::new()
        .bare()
        .args(["list", "--help"])
        .output()
        .unwrap();
    let help = stdout_of(&output);
    for (flag, var) in [
        ("--config <PATH>", "TALKDESK_CONFIG"),
        ("--profile <NAME>", "TALKDESK_PROFILE"),
        ("--history <PATH>", "TALKDESK_HISTORY"),
        ("--max-rate <N>", "TALKDESK_MAX_RATE"),
    ] {
        let text = help.split(flag).nth(1).expect(flag);
        let text = text.split("\n\n").next().unwrap();
        assert!(text.contains(&format!("[env: {var}]")), "{flag}:{text}");
    }
}

#[test]
fn the_top_level_help_ends_with_how_to_get_started_and_the_documentation() {
    let sb = Sandbox::new();
    let output = sb.bare().arg("--help").output().unwrap();
    let help = stdout_of(&output);
    let tail: Vec<&str> = help.trim_end().lines().rev().take(3).collect();
    let tail = tail.join("\n");
    for part in [
        "Get started: talkdesk-accounts config init, then auth check, then list",
        "Documentation:",
        "https://docs.talkdesk.com/reference/get-accounts",
    ] {
        assert!(tail.contains(part), "{part:?} at the end of:\n{help}");
    }
}

/// `--help` pointed to `man talkdesk-accounts`, which a fresh `cargo install` does not give
/// (the man page is an optional step of the README's Install): "No manual entry". It names
/// the command that shows the page anywhere the binary is.
#[test]
fn the_help_points_to_a_man_page_a_fresh_install_has() {
    let output = Sandbox::new().bare().arg("--help").output().unwrap();
    let help = stdout_of(&output);
    let line = help.lines().find(|l| l.starts_with("Documentation:"));
    let line = line.expect("a Documentation line");
    assert!(
        line.contains("`talkdesk-accounts manpage | man -l -`"),
        "{line}"
    );
}

/// A repeated option was a usage error (`--no-header --no-header`,
/// `-o csv -o json`: exit 2); as in gh, the last one wins. Options that add
/// up still do: `--status` (repeatable) and `-v` (counted).
#[test]
fn a_repeated_option_takes_the_last_value_and_repeatable_ones_add_up() {
    let sb = Sandbox::new();
    let fake = fake(3);
    let run = |args: &[&str]| {
        let output = sb.tool(&fake).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        output
    };
    let out = run(&["list", "-o", "csv", "--no-header", "--no-header"]);
    assert_eq!(stdout_of(&out).lines().count(), 3, "{}", stdout_of(&out));
    let out = run(&[
        "list", "-o", "csv", "-o", "jsonl", "--limit", "1", "--limit", "2",
    ]);
    assert_eq!(
        stdout_of(&out),
        "{\"id\":\"acc-0001\",\"name\":\"name-1\",\"company_name\":\"Company 1\",\"status\":\"ACTIVE\"}\n\
         {\"id\":\"acc-0002\",\"name\":\"name-2\",\"company_name\":\"Company 2\",\"status\":\"CHURNED\"}\n"
    );
    // `--columns` too: a list given again replaces the one before.
    let out = run(&[
        "list",
        "-o",
        "csv",
        "--columns",
        "id",
        "--columns",
        "status,id",
    ]);
    assert_eq!(
        stdout_of(&out),
        "status,id\nACTIVE,acc-0001\nCHURNED,acc-0002\nIN_TRIAL,acc-0003\n"
    );
    let config = sb.write_config("unused.toml", "[default]\n");
    let out = run(&[
        "-c",
        "/nonexistent/config.toml",
        "list",
        "-c",
        config.to_str().unwrap(),
        "-o",
        "csv",
        "--status",
        "ACTIVE",
        "--status",
        "churned",
        "--no-header",
    ]);
    assert_eq!(stdout_of(&out).lines().count(), 2, "{}", stdout_of(&out));
    let out = run(&["list", "-v", "-o", "csv", "-v"]);
    assert!(
        stderr_of(&out).contains("> Authorization: <redacted>"),
        "-vv: {}",
        stderr_of(&out)
    );
    // -q (nothing on stderr but errors) and -v contradict each other: a
    // usage error, where -v's logs were printed under -q.
    let out = sb.tool(&fake).args(["-q", "list", "-v"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("contradict each other"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(stdout_of(&out), "");
}

/// Help and version that cannot be written (a full disk) fail as every
/// other output does, with exit 1; before, they exited 0 having written
/// nothing. A closed pipe stays quiet (exit 0).
#[test]
fn help_and_version_that_cannot_be_written_exit_1() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed (Linux)");
    };
    let sb = Sandbox::new();
    for args in [
        &["--help"][..],
        &["list", "--help"],
        &["help", "list"],
        &["-V"],
    ] {
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
            .args(args)
            .env_clear()
            .envs(sb.env())
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to stdout"),
            "{stderr}"
        );
    }
}

/// Output that cannot be written (a full disk) is an error that says what
/// was being written, as `writing the summary: writing to stdout: …`;
/// csv, the config, completions, the man page and `auth check` once said
/// only `No space left on device`.
#[test]
fn output_that_cannot_be_written_says_what_it_was() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed (Linux)");
    };
    let sb = Sandbox::new();
    let fake = fake(3);
    let old = sb.path("old.jsonl");
    std::fs::write(&old, "{\"id\":\"acc-0001\"}\n").unwrap();
    let snapshot = sb.tool(&fake).args(["-q", "snapshot"]).output().unwrap();
    assert!(snapshot.status.success(), "{}", stderr_of(&snapshot));
    let old = old.to_str().unwrap();
    for (args, what) in [
        (&["summary", "-o", "csv"][..], "the summary"),
        (&["list", "-o", "csv"], "the accounts"),
        (&["list", "-o", "json", "--jq", "."], "the accounts"),
        (&["diff", old, "-o", "csv"], "the differences"),
        (
            &["-q", "snapshot", "-o", "csv"],
            "the counts (the snapshot is recorded)",
        ),
        (&["changes", "-o", "csv"], "the changes"),
        (&["trend", "-o", "csv"], "the trend"),
        (&["history", "acc-0001", "-o", "csv"], "the history"),
        (&["config", "show"], "the settings"),
        (&["config", "path"], "the path"),
        (&["completions", "bash"], "the completion script"),
        (&["manpage"], "the man page"),
        (&["auth", "check"], "the report"),
    ] {
        let output = sb
            .spawnable_tool(&fake)
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        let said = format!("error: writing {what}: writing to stdout: No space left on device");
        assert!(stderr.starts_with(&said), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// `trend --plot -` (the chart on stdout) that cannot be written said only `writing to stdout:
/// No space left on device`, where every other output says what it was.
#[test]
fn a_chart_on_stdout_that_cannot_be_written_says_what_it_was() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let sb = Sandbox::new();
    let fake = fake(3);
    let snapshot = sb.tool(&fake).args(["-q", "snapshot"]).output().unwrap();
    assert!(snapshot.status.success(), "{}", stderr_of(&snapshot));
    let output = (sb.spawnable_tool(&fake).args(["trend", "--plot", "-"]))
        .stdout(full.expect("/dev/full is needed (Linux)"))
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let said = "error: writing the chart: writing to stdout: No space left on device";
    assert!(stderr.starts_with(said), "{stderr}");
}

/// An `--output-file` that cannot be written is named however much was
/// written: more than the 64 KiB buffer once said `writing the output`.
#[test]
fn an_output_file_that_cannot_be_written_is_named() {
    let sb = Sandbox::new();
    let fake = fake(1500);
    for format in ["csv", "jsonl", "json", "table"] {
        let output = sb
            .tool(&fake)
            .args(["list", "-o", format, "--output-file", "/dev/full"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr_of(&output)
        );
        assert_eq!(
            stderr_of(&output),
            "error: writing /dev/full: No space left on device (os error 28)\n",
            "{format}"
        );
    }
}

/// `config init` with a stdout that cannot be written still succeeds: the
/// file is written, and the notice that says so is on stderr, as the other
/// commands' notices are. It once exited 1 with a bare error, the file written.
#[test]
fn config_init_says_what_it_wrote_on_stderr() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed (Linux)");
    };
    let sb = Sandbox::new();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .args(["config", "init"])
        .env_clear()
        .envs(sb.env())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    let path = sb.default_config_path();
    assert!(path.is_file());
    assert!(
        stderr.starts_with(&format!("wrote {}\n", path.display())),
        "{stderr}"
    );
}

/// Runs `list` with `args` and the stream `stream` (1 or 2) a non-blocking
/// pipe (node's child processes make it so), left unread for its first
/// `pause` ms so that it fills; what came through it, and the run's output.
#[cfg(unix)]
fn through_a_slow_non_blocking_pipe(
    sb: &Sandbox,
    fake: &FakeApi,
    stream: i32,
    args: &[&str],
    pause: u64,
) -> (Vec<u8>, std::process::Output) {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe fills two fds, each owned by one File below.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (mut reader, writer) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    };
    // SAFETY: fcntl on an fd this test owns.
    unsafe {
        let flags = libc::fcntl(fds[1], libc::F_GETFL);
        assert_eq!(
            libc::fcntl(fds[1], libc::F_SETFL, flags | libc::O_NONBLOCK),
            0
        );
    }
    let mut command = sb.spawnable_tool(fake);
    command.args(args);
    match stream {
        1 => command.stdout(writer).stderr(Stdio::piped()),
        // Unread while stderr is: a pipe would fill and hold the run.
        _ => command.stderr(writer).stdout(Stdio::null()),
    };
    let child = command.spawn().unwrap();
    drop(command);
    std::thread::sleep(std::time::Duration::from_millis(pause));
    let mut got = Vec::new();
    reader.read_to_end(&mut got).unwrap();
    (got, child.wait_with_output().unwrap())
}

/// A reader that made the pipe non-blocking and reads slowly (node's
/// child processes): the run failed with "Resource temporarily
/// unavailable" once the pipe was full, the json array cut off.
#[cfg(unix)]
#[test]
fn a_non_blocking_stdout_pipe_gets_the_whole_output() {
    let sb = Sandbox::new();
    let fake = fake(3000);
    let args = ["list", "-o", "json", "--per-page", "100"];
    let expected = sb.tool(&fake).args(args).output().unwrap();
    assert!(expected.status.success(), "{}", stderr_of(&expected));
    let (got, out) = through_a_slow_non_blocking_pipe(&sb, &fake, 1, &args, 1000);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(got, expected.stdout);
}

/// The same for stderr: lines of the request log were dropped.
#[cfg(unix)]
#[test]
fn a_non_blocking_stderr_pipe_gets_every_line() {
    let sb = Sandbox::new();
    let fake = fake(3000);
    let args = [
        "list",
        "-o",
        "jsonl",
        "--per-page",
        "10",
        "-vv",
        "--no-cache",
    ];
    let expected = sb.tool(&fake).args(args).output().unwrap();
    assert!(expected.status.success(), "{}", stderr_of(&expected));
    let (got, out) = through_a_slow_non_blocking_pipe(&sb, &fake, 2, &args, 1000);
    assert!(out.status.success());
    // One line a request (others, as waits for the pace, vary with timing).
    let requests = |bytes: &[u8]| String::from_utf8_lossy(bytes).matches(" -> 200 (").count();
    assert_eq!(requests(&got), requests(&expected.stderr));
    assert_eq!(requests(&got), 301, "the token and 300 pages");
}

/// Rust's runtime puts /dev/null in place of a closed stdout or stdin, so
/// `list >&-` printed nothing with exit 0, and `diff - <&-` read an empty
/// export (every account "added", exit 0); so did a stream open only the
/// other way (`1</dev/null`, `0>file`: Rust takes EBADF as the end), and
/// `/dev/stdin` or `/dev/stdout` named. Output to a closed stdout is a
/// failure (exit 1), as it is for `cat`, `--help` too; reading a closed
/// stdin is a usage error (exit 2), as an unreadable OLD file is. A run
/// that prints nothing still succeeds.
#[cfg(unix)]
#[test]
fn a_closed_stdout_or_stdin_is_an_error_not_nothing() {
    let api = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let tool = sb.tool(&api);
    let run = |redirect: &str, args: &[&str]| {
        support::with_redirect(tool.get_program(), tool.get_envs(), redirect)
            .args(args)
            .output()
            .unwrap()
    };
    let written = sb.path("written");
    let written = format!("0>'{}'", written.display());
    for (redirect, args) in [
        (">&-", &["list"][..]),
        (">&-", &["list", "-o", "json"]),
        (">&-", &["list", "-o", "csv", "--output-file", "-"]),
        (
            ">&-",
            &["list", "-o", "csv", "--output-file", "/dev/stdout"],
        ),
        (">&-", &["summary"]),
        ("1</dev/null", &["list"]),
    ] {
        let out = run(redirect, args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{redirect} {args:?}: {err}");
        assert!(
            err.contains(
                "it was closed (`>&-`), or not open for writing, when the tool started; redirect it to a file or to /dev/null"
            ),
            "{redirect} {args:?}: {err}"
        );
    }
    let help = run(">&-", &["--help"]);
    assert_eq!(help.status.code(), Some(1), "{}", stderr_of(&help));
    assert!(stderr_of(&help).starts_with("error: cannot write to stdout: it was closed"));
    let nothing = run(">&-", &["list", "-o", "jsonl", "--status", "PROSPECT"]);
    assert_eq!(nothing.status.code(), Some(0), "{}", stderr_of(&nothing));

    for (redirect, args) in [
        ("<&-", &["diff", "-"][..]),
        ("<&-", &["diff", "/dev/stdin"]),
        (&written, &["diff", "-"]),
    ] {
        let out = run(redirect, args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{redirect} {args:?}: {err}");
        assert!(
            err.contains(": it was closed (`<&-`), or not open for reading, when the tool started"),
            "{redirect} {args:?}: {err}"
        );
        assert!(stdout_of(&out).is_empty(), "{}", stdout_of(&out));
    }
}

/// `--output-file ' '` wrote the export to a file named by a space, and
/// `trend --plot ' '` said "wrote the chart to  ": spaces alone name no
/// file one would look for, and are refused as `--config ' '` is.
#[test]
fn an_output_file_or_plot_of_spaces_alone_is_refused() {
    let sb = Sandbox::new();
    let fake = fake(2);
    let run = |args: &[&str]| {
        let mut cmd = sb.tool(&fake);
        cmd.current_dir(sb.dir.path()).args(args).output().unwrap()
    };
    let snapshot = run(&["-q", "snapshot"]);
    assert!(snapshot.status.success(), "{}", stderr_of(&snapshot));
    for (args, option) in [
        (
            &["list", "-o", "csv", "--output-file", " "][..],
            "--output-file",
        ),
        (&["trend", "--plot", "  "], "--plot"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert_eq!(
            stderr_of(&out),
            format!("error: {option} is empty (spaces alone); name a file\n")
        );
        assert!(stdout_of(&out).is_empty(), "{}", stdout_of(&out));
    }
    assert!(!sb.path(" ").exists() && !sb.path("  ").exists());
}

/// `--output-file=~/x.csv` (bash expands no `~` after `--flag=`, nor zsh
/// by default) failed with "check that the folder exists", and wrote into
/// a folder named `~` where there was one; `--plot=~/…` and `--import=~/…`
/// too. `~/` is the home folder there as it is for `--history=~/…`.
#[test]
fn a_quoted_tilde_in_an_output_file_plot_or_import_is_the_home_folder() {
    let sb = Sandbox::new();
    let fake = fake(2);
    std::fs::create_dir_all(sb.home()).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = sb.tool(&fake);
        let out = cmd.current_dir(sb.dir.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
    };
    run(&["list", "-q", "-o", "json", "--output-file=~/old.json"]);
    assert!(sb.home().join("old.json").is_file());
    let at = "--at=2026-01-01T00:00:00Z";
    run(&["-q", "snapshot", "--import=~/old.json", at]);
    run(&["-q", "trend", "--plot=~/trend.svg"]);
    assert!(sb.home().join("trend.svg").is_file());
    assert!(!sb.path("~").exists(), "a folder named ~ was used");
}

/// A report's `--jq` output larger than the output buffer that cannot be
/// written is said as a smaller one is: it said "writing the differences:
/// writing to stdout: writing the output: No space left on device", a
/// third "writing" that said nothing more.
#[test]
fn a_large_jq_report_that_cannot_be_written_is_said_as_a_small_one() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed (Linux)");
    };
    let sb = Sandbox::new();
    let fake = fake(3);
    let old = sb.path("old.jsonl");
    let lines: String = (0..3000)
        .map(|i| format!("{{\"id\":\"x{i:05}\",\"name\":\"an account gone since the export\"}}\n"))
        .collect();
    std::fs::write(&old, lines).unwrap();
    let old = old.to_str().unwrap();
    for jq in [".", ".removed[]"] {
        let output = (sb.spawnable_tool(&fake).args(["diff", old, "--jq", jq]))
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert_eq!(
            stderr_of(&output),
            "error: writing the differences: writing to stdout: No space left on device (os error 28)\n"
        );
    }
}

/// `-vv` shows every header each request carried on the wire (as `curl -v`
/// does), `Host` and the form's `Content-Length` among them, with the
/// credentials redacted: the fake's record of what it received is the
/// measure.
#[test]
fn very_verbose_shows_every_header_sent() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let out = (Sandbox::new().tool(&fake))
        .args(["-vv", "list", "-o", "csv"])
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let shown = stderr_of(&out).to_lowercase();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "a token and a page: {requests:?}");
    for request in &requests {
        for (name, value) in &request.headers {
            let line = match name.as_str() {
                "authorization" => "> authorization: <redacted>".to_string(),
                _ => format!("> {name}: {}", value.to_lowercase()),
            };
            assert!(
                shown.lines().any(|l| l == line),
                "{} {}: `{line}` not shown in: {shown}",
                request.method,
                request.target
            );
        }
    }
}

/// One `-v` logs each request on a line and no header: the headers are
/// `-vv`'s (the line `> authorization: <redacted>` and the others are not
/// printed at `-v`).
#[test]
fn verbose_once_shows_no_header() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let out = (Sandbox::new().tool(&fake))
        .args(["-v", "list", "-o", "csv"])
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let shown = stderr_of(&out);
    assert!(
        shown.contains("/express/accounts"),
        "no request line: {shown}"
    );
    assert!(!shown.lines().any(|l| l.starts_with("> ")), "{shown}");
}
