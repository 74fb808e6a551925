//! Settings through the real binary (SPEC §3): the config file profile,
//! overridden by `TALKDESK_*` variables, overridden by flags; profile
//! selection; credentials from the environment alone.

use crate::support;

use std::net::TcpListener;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::fake_api::{FakeApi, FakeConfig, simple_accounts};
use support::{Sandbox, per_page_sent, stderr_of, write_private};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fake(n: usize) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(n),
        ..FakeConfig::default()
    })
}

/// A profile table pointing at `fake` with its credentials, plus `extra` lines.
fn profile(name: &str, fake: &FakeApi, extra: &str) -> String {
    format!(
        "[{name}]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"test-client\"\nclient_secret = \"test-secret-value\"\n{extra}\n",
        fake.base_url(),
        fake.token_url()
    )
}

/// A loopback URL nobody listens on: a setting that must have been overridden.
fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn assert_lists(output: &Output, n: usize) {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        stderr_of(output)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).expect("json array");
    assert_eq!(parsed, simple_accounts(n));
}

fn config_arg(path: &Path) -> [&std::ffi::OsStr; 2] {
    ["--config".as_ref(), path.as_os_str()]
}

// ---------------------------------------------------------------------------------------------
// The file alone
// ---------------------------------------------------------------------------------------------

#[test]
fn a_profile_in_a_config_file_given_with_config_is_used() {
    let fake = fake(20);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("mine.toml", &profile("default", &fake, "per_page = 7"));
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 20);
    assert_eq!(per_page_sent(&fake), vec!["7"; 3]);
    assert_eq!(fake.token_requests(), 1);
}

#[test]
fn the_config_file_at_the_default_path_is_used() {
    let fake = fake(12);
    let sandbox = Sandbox::new();
    write_private(
        &sandbox.default_config_path(),
        &profile("default", &fake, "per_page = 5"),
    );
    let output = sandbox
        .bare()
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 12);
    assert_eq!(per_page_sent(&fake), vec!["5"; 3]);
}

/// Root may read any file: the default config file of another user is refused only to a user
/// who is not root.
#[cfg(unix)]
#[test]
#[ignore = "needs root (it makes a file of another user)"]
fn as_root_the_default_config_file_of_another_user_is_used() {
    let fake = fake(2);
    let sandbox = Sandbox::new();
    let path = sandbox.default_config_path();
    write_private(&path, &profile("default", &fake, ""));
    std::os::unix::fs::chown(&path, Some(1001), Some(1001)).expect("chown: run as root");
    let output = sandbox
        .bare()
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 2);
}

/// A named profile not in a config file that has none says so: `(profiles: none)`, and which
/// table to add.
#[test]
fn a_named_profile_in_a_file_without_profiles_says_it_has_none() {
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("empty.toml", "");
    let output = (sandbox.bare().args(config_arg(&path)))
        .args(["-p", "work", "list"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_of(&output),
        format!(
            "error: profile `work` not found in {} (profiles: none); add a [work] table or pick another with --profile\n",
            path.display()
        )
    );
}

/// `default` is the profile in use when none is named, so naming it
/// changes nothing, and a file without it does not stop credentials from
/// the environment: both were exit 3 ("profile `default` not found").
/// With settings missing, the message named the file's profiles as written: a profile named
/// `a<ESC>[31mb` showed as `ab` (the terminal took the escape), a name `-p` cannot find, where
/// `-p zz` on the same file shows it escaped. Escaped here too.
#[test]
fn missing_settings_name_the_profiles_escaped() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("p.toml");
    write_private(&path, "[\"a\\u001b[31mb\"]\nclient_id = \"x\"\n");
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .arg("auth")
        .arg("check")
        .output();
    let output = output.expect("run");
    assert_eq!(output.status.code(), Some(3));
    let err = stderr_of(&output);
    assert!(err.contains(r"(profiles: a\u{1b}[31mb)"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
}

#[test]
fn the_default_profile_may_be_missing_when_the_environment_has_the_credentials() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    for named in [false, true] {
        let mut cmd = sandbox.tool(&fake);
        if named {
            cmd.env("TALKDESK_PROFILE", "default");
        }
        assert_lists(&cmd.args(["list", "-o", "json"]).output().expect("run"), 3);
        let output = (sandbox.tool(&fake))
            .args(["-p", "default", "list", "-o", "json"])
            .output();
        assert_lists(&output.expect("run"), 3);
    }
    write_private(&sandbox.default_config_path(), "[eu]\nregion = \"eu\"\n");
    let output = sandbox.tool(&fake).args(["list", "-o", "json"]).output();
    assert_lists(&output.expect("run"), 3);
    // Without them, the message names the profiles there are.
    let output = sandbox.bare().arg("list").output().expect("run");
    assert_eq!(output.status.code(), Some(3));
    let err = stderr_of(&output);
    assert!(
        err.contains("has no profile [default] (profiles: eu): pick one with --profile"),
        "{err}"
    );
    // `config show` says so too (it showed every setting unset, no more).
    let output = sandbox
        .bare()
        .args(["config", "show"])
        .output()
        .expect("run");
    let shown = support::stdout_of(&output);
    assert!(
        shown.contains("default (not in the file; it has: eu)"),
        "{shown}"
    );
    // An empty file has no profile to pick: the settings go in [default].
    write_private(&sandbox.default_config_path(), "");
    let output = sandbox.bare().arg("list").output().expect("run");
    let err = stderr_of(&output);
    assert!(err.contains("add them to profile [default] of"), "{err}");
}

/// A user with no home (no `HOME`, a uid with no passwd entry, as a container's arbitrary uid or
/// `env -i` in cron) has no config folder: credentials from the environment alone (SPEC §3)
/// failed with "cannot find a config folder for this user; pass --config PATH" (exit 3), and
/// `--config` with a path that does not exist failed too. There is no file then, as for a
/// default file that does not exist. The uid is mapped in a user namespace of the test's own.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn credentials_from_the_environment_alone_work_for_a_user_with_no_home() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        support::as_another_user()
            .args(args)
            .env("PATH", "/usr/bin:/bin")
            .env("TALKDESK_HISTORY", sandbox.path("h.sqlite3"))
            .envs(support::tool_env(&fake))
            .output()
            .expect("run unshare")
    };
    assert_lists(&run(&["list", "-o", "json"]), 3);
    // Without the credentials, the error says what to set, and that there is no config file.
    let out = support::as_another_user()
        .arg("list")
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run unshare");
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("error: missing settings: client_id"),
        "{err}"
    );
    assert!(
        err.contains("no config file: this user has no config folder (HOME is not set); set the variables, or pass --config with a settings file"),
        "{err}"
    );
    // `config show` says where the settings come from, and that no file does.
    let out = run(&["config", "show"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let shown = support::stdout_of(&out);
    assert!(
        shown.contains("(none: this user has no config folder)"),
        "{shown}"
    );
    // `config path` has no path to print: said, exit 3 as before.
    let out = run(&["config", "path"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
}

/// Run as another user with the caller's HOME (`sudo -u svc` keeps it where `always_set_home` is
/// off), every command failed with "cannot read config file /root/.config/…: Permission denied
/// (os error 13); check its permissions", and `trend` with "cannot read the history store …;
/// check its permissions": no file's permissions were to blame, but a folder above it this user
/// may not enter. The errors name that folder, and say to set HOME or pass the path. The user is
/// mapped in a user namespace of the test's own (root enters any folder).
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn a_home_this_user_may_not_enter_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(3);
    let sandbox = Sandbox::new();
    write_private(&sandbox.default_config_path(), "[default]\n");
    let other_config = sandbox.write_config("other.toml", "[default]\n");
    std::fs::create_dir_all(sandbox.data_home()).unwrap();
    let closed = [sandbox.config_home(), sandbox.data_home()];
    for dir in &closed {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let run = |args: &[&str]| {
        support::as_another_user()
            .args(args)
            .envs(sandbox.env())
            .envs(support::tool_env(&fake))
            .output()
            .expect("run unshare")
    };
    let list = run(&["list"]);
    let trend = run(&["-c", other_config.to_str().unwrap(), "trend"]);
    for dir in &closed {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    for (output, dir) in [(&list, &closed[0]), (&trend, &closed[1])] {
        let err = stderr_of(output);
        assert!(!err.contains("check its permissions"), "{err}");
        let named = format!("this user may not enter the folder {}", dir.display());
        assert!(err.contains(&named), "{err}");
    }
    assert_eq!(list.status.code(), Some(3));
}

#[test]
fn talkdesk_config_names_the_file() {
    let fake = fake(4);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("env.toml", &profile("default", &fake, ""));
    let output = sandbox
        .bare()
        .env("TALKDESK_CONFIG", &path)
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 4);
}

#[test]
fn an_explicit_config_file_that_does_not_exist_is_an_error() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("missing.toml");
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .arg("list")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("missing.toml"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Precedence: flags > TALKDESK_* > file > defaults
// ---------------------------------------------------------------------------------------------

#[test]
fn environment_variables_override_the_file() {
    let fake = fake(6);
    let sandbox = Sandbox::new();
    // Every connection setting in the file is wrong; the environment fixes each.
    let text = format!(
        "[default]\nbase_url = \"{dead}\"\ntoken_url = \"{dead}/oauth/token\"\nclient_id = \"wrong-id\"\nclient_secret = \"wrong-secret\"\n",
        dead = dead_url()
    );
    let path = sandbox.write_config("config.toml", &text);
    let output = sandbox
        .tool(&fake)
        .args(config_arg(&path))
        .args(["list", "-o", "json", "--max-retries", "0"])
        .output()
        .expect("run");
    assert_lists(&output, 6);
}

#[test]
fn each_environment_variable_overrides_its_key_alone() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config(
        "config.toml",
        &profile("default", &fake, "").replace("test-secret-value", "stale-secret"),
    );
    // The file's secret is refused…
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    // …and TALKDESK_CLIENT_SECRET alone replaces it, the rest coming from the file.
    let output = sandbox
        .bare()
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 3);
}

#[test]
fn flags_override_the_file() {
    let fake = fake(10);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("config.toml", &profile("default", &fake, "per_page = 7"));
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["list", "-o", "json", "--per-page", "3"])
        .output()
        .expect("run");
    assert_lists(&output, 10);
    assert_eq!(per_page_sent(&fake), vec!["3"; 4]);
}

#[test]
fn flags_override_environment_variables() {
    let fake = fake(4);
    let sandbox = Sandbox::new();
    let listed = sandbox.write_config("listed.toml", &profile("default", &fake, "per_page = 2"));
    let ignored = sandbox.write_config(
        "ignored.toml",
        "[default]\nclient_id = \"wrong\"\nclient_secret = \"wrong\"\n",
    );
    let output = sandbox
        .bare()
        .env("TALKDESK_CONFIG", &ignored)
        .args(config_arg(&listed))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 4);
    assert_eq!(per_page_sent(&fake), vec!["2"; 2]);
}

#[test]
fn values_out_of_range_in_the_file_are_rejected_with_the_line() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("config.toml", &profile("default", &fake, "per_page = 500"));
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .arg("list")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("per_page") && stderr.contains("line 6"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty());
}

/// A variable that is not UTF-8 was taken as unset: TALKDESK_BASE_URL then
/// fell back to the region's host (production), TALKDESK_CONFIG to the
/// default file. It is a config error naming the variable.
#[cfg(unix)]
#[test]
fn a_variable_that_is_not_utf8_is_an_error_naming_it_not_unset() {
    use std::os::unix::ffi::OsStringExt;
    let sandbox = Sandbox::new();
    // A default file that would otherwise be used in place of TALKDESK_CONFIG's.
    write_private(
        &sandbox.default_config_path(),
        "[default]\nregion = \"ca\"\n",
    );
    for var in [
        "TALKDESK_BASE_URL",
        "TALKDESK_TOKEN_URL",
        "TALKDESK_CLIENT_ID",
        "TALKDESK_CLIENT_SECRET",
        "TALKDESK_ACCOUNT_NAME",
        "TALKDESK_REGION",
        "TALKDESK_CONFIG",
        "TALKDESK_PROFILE",
        "TALKDESK_CA_BUNDLE",
        "TALKDESK_HISTORY",
        "TALKDESK_MAX_RATE",
    ] {
        let value = std::ffi::OsString::from_vec(b"http://127.0.0.1:1/\xff".to_vec());
        let output = sandbox
            .bare()
            .env(var, value)
            .args(["config", "show"])
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(3),
            "{var}: {}",
            stderr_of(&output)
        );
        let stderr = stderr_of(&output);
        assert!(
            stderr.starts_with(&format!(
                "error: {var} is set to something that is not UTF-8 text"
            )),
            "{var}: {stderr}"
        );
        // A path variable says how to give a path UTF-8 cannot hold.
        let instead = match var {
            "TALKDESK_CONFIG" => "unset it, or give such a path with --config\n",
            "TALKDESK_HISTORY" => "unset it, or give such a path with --history\n",
            _ => "unset it\n",
        };
        assert!(stderr.ends_with(instead), "{var}: {stderr}");
    }
    // A flag wins: TALKDESK_CONFIG is then not read.
    let config = sandbox.write_config("mine.toml", "[default]\n");
    let output = sandbox
        .bare()
        .env(
            "TALKDESK_CONFIG",
            std::ffi::OsString::from_vec(b"x\xff".to_vec()),
        )
        .args(config_arg(&config))
        .args(["config", "show"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
}

/// An empty variable counts as unset (SPEC §3): the file's value is used,
/// never an error that the variable is not UTF-8 text.
#[test]
fn an_empty_variable_counts_as_unset() {
    let sandbox = Sandbox::new();
    write_private(
        &sandbox.default_config_path(),
        "[default]\nregion = \"ca\"\n",
    );
    let mut cmd = sandbox.bare();
    for var in [
        "TALKDESK_BASE_URL",
        "TALKDESK_CONFIG",
        "TALKDESK_PROFILE",
        "TALKDESK_REGION",
        "TALKDESK_HISTORY",
        "TALKDESK_MAX_RATE",
    ] {
        cmd.env(var, "");
    }
    let output = cmd.args(["config", "show"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("talkdeskappca.com"), "{stdout}");
}

/// `list` against `fake` with the config path given as `--config PATH` (`flag`) or as
/// `TALKDESK_CONFIG=PATH`: its exit code and stderr, after no request was sent.
fn config_path_refused(fake: &FakeApi, path: &str, flag: bool) -> (Option<i32>, String) {
    let mut cmd = Sandbox::new().tool(fake);
    match flag {
        true => cmd.args(["--config", path]),
        false => cmd.env("TALKDESK_CONFIG", path),
    };
    let output = cmd.arg("list").output().expect("run");
    assert!(output.stdout.is_empty(), "nothing on stdout");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    (output.status.code(), stderr_of(&output))
}

/// `--config -` is a usage error (exit 2): no setting is read from stdin (`config_file_in_use`).
#[test]
fn a_config_path_of_dash_is_refused_with_exit_2() {
    assert_eq!(
        config_path_refused(&fake(1), "-", true),
        (
            Some(2),
            "error: --config -: the settings are not read from stdin; pass a file path (or /dev/stdin)\n"
                .into()
        )
    );
}

/// `TALKDESK_CONFIG=-` is a config error (exit 3), said as the flag's is.
#[test]
fn a_config_variable_of_dash_is_refused_with_exit_3() {
    assert_eq!(
        config_path_refused(&fake(1), "-", false),
        (
            Some(3),
            "error: TALKDESK_CONFIG -: the settings are not read from stdin; pass a file path (or /dev/stdin)\n"
                .into()
        )
    );
}

/// `--config '  '` (spaces alone) names no file: a usage error (exit 2).
#[test]
fn a_config_path_of_spaces_alone_is_refused_with_exit_2() {
    assert_eq!(
        config_path_refused(&fake(1), "  ", true),
        (
            Some(2),
            "error: --config is empty; set a path, or leave it out for the default\n".into()
        )
    );
}

/// `TALKDESK_CONFIG='  '` (spaces alone) names no file: a config error (exit 3).
#[test]
fn a_config_variable_of_spaces_alone_is_refused_with_exit_3() {
    assert_eq!(
        config_path_refused(&fake(1), "  ", false),
        (
            Some(3),
            "error: TALKDESK_CONFIG is empty; set a path, or leave it out for the default\n".into()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

/// A file whose `[default]` cannot work and whose `[staging]` points at `fake`.
fn two_profiles(sandbox: &Sandbox, fake: &FakeApi) -> std::path::PathBuf {
    let text = format!(
        "[default]\nbase_url = \"{dead}\"\ntoken_url = \"{dead}/oauth/token\"\nclient_id = \"x\"\nclient_secret = \"y\"\n\n{}",
        profile("staging", fake, "per_page = 4"),
        dead = dead_url()
    );
    sandbox.write_config("profiles.toml", &text)
}

#[test]
fn profile_flag_selects_a_table() {
    let fake = fake(9);
    let sandbox = Sandbox::new();
    let path = two_profiles(&sandbox, &fake);
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["--profile", "staging", "list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 9);
    assert_eq!(per_page_sent(&fake), vec!["4"; 3]);
}

#[test]
fn talkdesk_profile_selects_a_table() {
    let fake = fake(5);
    let sandbox = Sandbox::new();
    let path = two_profiles(&sandbox, &fake);
    let output = sandbox
        .bare()
        .env("TALKDESK_PROFILE", "staging")
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 5);
}

#[test]
fn profile_flag_overrides_talkdesk_profile() {
    let fake = fake(5);
    let sandbox = Sandbox::new();
    let path = two_profiles(&sandbox, &fake);
    let output = sandbox
        .bare()
        .env("TALKDESK_PROFILE", "default")
        .args(config_arg(&path))
        .args(["-p", "staging", "list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 5);
}

#[test]
fn the_default_profile_is_default() {
    let sandbox = Sandbox::new();
    let fake = fake(3);
    let path = two_profiles(&sandbox, &fake);
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["list", "-o", "json", "--max-retries", "0"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(5),
        "[default] points nowhere: {}",
        stderr_of(&output)
    );
    assert!(fake.requests().is_empty(), "[staging] was not used");
}

// ---------------------------------------------------------------------------------------------
// No file at all
// ---------------------------------------------------------------------------------------------

#[test]
fn credentials_from_the_environment_alone_need_no_config_file() {
    let fake = fake(8);
    let sandbox = Sandbox::new();
    let output = sandbox
        .tool(&fake)
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 8);
    assert!(!sandbox.default_config_path().exists());
    assert!(
        stderr_of(&output).is_empty(),
        "no warning about a missing file: {}",
        stderr_of(&output)
    );
}

/// `HOME=/dev/null` (a service account's or a CI job's home, set so that no
/// dotfile is read) puts the default config file under a file:
/// `/dev/null/.config/talkdesk-accounts/config.toml`. No file can be there,
/// yet credentials from the environment alone (SPEC §3) failed with "cannot
/// read config file …: Not a directory (os error 20); check its
/// permissions" (exit 3). Such a file does not exist, as `config path` says;
/// a `--config` path through a file is said not to exist, as a missing one is.
#[test]
fn a_config_folder_under_a_file_is_no_config_file() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let file = sandbox.path("a-file");
    std::fs::write(&file, "").unwrap();
    let output = sandbox
        .tool(&fake)
        .env("XDG_CONFIG_HOME", &file)
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 3);
    let under = file.join("x.toml");
    let output = sandbox
        .tool(&fake)
        .arg("--config")
        .arg(&under)
        .arg("list")
        .output()
        .expect("run");
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(!err.contains("check its permissions"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// File permissions
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_config_file_others_can_read_gets_a_warning_with_the_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(2);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("config.toml", &profile("default", &fake, ""));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 2);
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("warning: "), "{stderr}");
    assert!(
        stderr.contains(&format!("chmod 600 {}", support::quoted(&path))),
        "{stderr}"
    );

    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["-q", "list", "-o", "json"])
        .output()
        .expect("run");
    assert_lists(&output, 2);
    assert_eq!(stderr_of(&output), "", "-q silences warnings");
}

/// A config file of another user that others can read (a team's shared 0644 file, root's)
/// warned "run: chmod 600 FILE": this user may not chmod it, and were its owner to, this user
/// could read it no more. The warning says whose it is and to ask its owner, or to use a file of
/// one's own. The user is mapped in a user namespace of the test's own (the file's owner is not
/// mapped there, so it is another user's).
#[cfg(unix)]
#[test]
#[ignore = "needs root (it makes a file of another user) and Linux's unshare(1)"]
fn as_root_a_readable_config_file_of_another_user_gets_no_chmod_this_user_cannot_run() {
    let stderr = readable_config_listed_by_another_user(Some(1001));
    assert!(!stderr.contains("run: chmod"), "{stderr}");
    assert!(stderr.contains("belongs to another user"), "{stderr}");
    assert!(stderr.contains("ask its owner"), "{stderr}");
}

/// A user that is not root, whose own config file others can read, is told to chmod it, never
/// that it belongs to another user: the file is theirs. The user is mapped in a user namespace of
/// the test's own (the file's owner, the test's user, is that user there), so this holds for a
/// test run as root too, where the unit test's user is root.
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn a_readable_config_file_of_a_user_not_root_gets_a_chmod_of_their_own() {
    let stderr = readable_config_listed_by_another_user(None);
    assert!(
        stderr.contains("is accessible by others (mode 644)"),
        "{stderr}"
    );
    assert!(stderr.contains("run: chmod 600"), "{stderr}");
    assert!(!stderr.contains("another user"), "{stderr}");
}

/// The stderr of `list` run by [`support::as_another_user`] with a config file others can read
/// (mode 644), chowned to `owner` if given (which needs root); the accounts listed, and a warning.
#[cfg(unix)]
fn readable_config_listed_by_another_user(owner: Option<u32>) -> String {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(2);
    let sandbox = Sandbox::new();
    let path = sandbox.write_config("config.toml", &profile("default", &fake, ""));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    if let Some(uid) = owner {
        std::os::unix::fs::chown(&path, Some(uid), Some(uid)).expect("chown: run as root");
    }
    let output = support::as_another_user()
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .envs(sandbox.env())
        .output()
        .expect("run unshare");
    assert_lists(&output, 2);
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("warning: "), "{stderr}");
    stderr
}

/// A config file of another user (not root) is read, but its `client_secret_cmd` is not run: it
/// would run whatever they put there. Exit 3 before any request, saying to use a file of one's
/// own. The user is mapped in a user namespace of the test's own (the file's owner is not mapped
/// there, so it is another user's).
#[cfg(unix)]
#[test]
#[ignore = "needs root (it makes a file of another user) and Linux's unshare(1)"]
fn as_root_a_client_secret_cmd_in_a_config_file_of_another_user_is_not_run() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(2);
    let sandbox = Sandbox::new();
    let ran = sandbox.path("ran");
    let text = format!(
        "[default]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"test-client\"\nclient_secret_cmd = \"sh -c 'touch {}; echo test-secret-value'\"\n",
        fake.base_url(),
        fake.token_url(),
        ran.display()
    );
    let path = sandbox.write_config("config.toml", &text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::os::unix::fs::chown(&path, Some(1001), Some(1001)).expect("chown: run as root");
    let output = support::as_another_user()
        .args(config_arg(&path))
        .args(["list", "-o", "json"])
        .envs(sandbox.env())
        .output()
        .expect("run unshare");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "config file {} belongs to another user, so its client_secret_cmd is not run",
            path.display()
        )),
        "{stderr}"
    );
    assert!(!ran.exists(), "the command ran");
    assert_eq!(fake.token_requests(), 0);
}

/// A service account whose HOME others may write (`HOME=/tmp`, a shared folder), its credentials
/// in its crontab's variables, read the default config file another user had put there, and sent
/// its client secret to that file's token_url (theirs), at most warned, and not at all with `-q`.
/// The default config file of another user (not root) is not read: exit 3, before any request,
/// saying to set XDG_CONFIG_HOME or pass --config. The user is mapped in a user namespace of the
/// test's own (the file's owner is not mapped there, so it is another user's).
#[cfg(unix)]
#[test]
#[ignore = "needs root (it makes a file of another user) and Linux's unshare(1)"]
fn as_root_a_default_config_file_of_another_user_is_not_read() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake(2);
    let sandbox = Sandbox::new();
    let path = sandbox.default_config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let urls = format!(
        "[default]\nbase_url = \"{}\"\ntoken_url = \"{}\"\n",
        fake.base_url(),
        fake.token_url()
    );
    write_private(&path, &urls);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::os::unix::fs::chown(&path, Some(1001), Some(1001)).expect("chown: run as root");
    let output = support::as_another_user()
        .args(["-q", "list", "-o", "json"])
        .envs(sandbox.env())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .output()
        .expect("run unshare");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    let named = format!("config file {} belongs to another user", path.display());
    assert!(stderr.contains(&named), "{stderr}");
    assert!(stderr.contains("or pass --config"), "{stderr}");
    assert_eq!(fake.token_requests(), 0, "the secret was sent");
}

/// `--output-file` (or `trend --plot`) naming the config file in use
/// replaced it with the list, credentials and all, exit 0 (found by a
/// black-box audit of the command line): refused, as the history store
/// is (exit 2), the file untouched; named through a link, and at the
/// default path, too.
#[cfg(unix)]
#[test]
fn the_config_file_in_use_is_no_output_file() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let text = profile("default", &fake, "");
    let path = sandbox.write_config("config.toml", &text);
    let link = sandbox.path("link.toml");
    std::os::unix::fs::symlink(&path, &link).expect("link");
    let default = sandbox.default_config_path();
    std::fs::create_dir_all(default.parent().unwrap()).expect("folder");
    write_private(&default, &text);
    let snapshot = sandbox
        .bare()
        .args(config_arg(&path))
        .args(["-q", "snapshot"])
        .output()
        .expect("run");
    assert!(snapshot.status.success(), "{}", stderr_of(&snapshot));
    let cases: [(&[&std::ffi::OsStr], &[&str], &Path); 4] = [
        (
            &config_arg(&path),
            &["list", "-o", "csv", "--output-file"],
            &path,
        ),
        (
            &config_arg(&path),
            &["list", "-o", "csv", "--output-file"],
            &link,
        ),
        (&[], &["list", "-o", "json", "--output-file"], &default),
        (&config_arg(&path), &["trend", "--plot"], &path),
    ];
    for (config, args, target) in cases {
        let output = sandbox
            .bare()
            .args(config)
            .args(args)
            .arg(target)
            .output()
            .expect("run");
        let stderr = stderr_of(&output);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?} {target:?}: {stderr}"
        );
        assert!(
            stderr.contains("is the config file in use; name another file"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(std::fs::read_to_string(&default).unwrap(), text);
    }
    // Another file beside it is no config file in use: it is written.
    let other = sandbox.path("other.csv");
    let output = (sandbox.bare().args(config_arg(&path)))
        .args(["-q", "list", "-o", "csv", "--output-file"])
        .arg(&other)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(std::fs::read_to_string(&other).unwrap().starts_with("id,"));
}

/// A named profile with no config file at the default path is a
/// configuration error that names the profile, the file and the command
/// that writes it (SPEC §3: an unknown profile is exit 3); no test ran it.
#[test]
fn a_named_profile_without_a_config_file_says_how_to_write_one() {
    let fake = fake(1);
    let sandbox = Sandbox::new();
    let output = sandbox.tool(&fake).args(["-p", "work", "list"]).output();
    let output = output.expect("run");
    assert_eq!(output.status.code(), Some(3));
    let err = stderr_of(&output);
    let path = sandbox.default_config_path();
    assert!(
        err.contains(&format!(
            "profile `work` not found: config file {} does not exist; create it with `talkdesk-accounts --profile work config init`",
            path.display()
        )),
        "{err}"
    );
    assert!(!path.exists());
}

/// A value with a control character (an escape sequence pasted from a coloured terminal) was
/// echoed with the character taken out, as every message is made safe for the terminal: `region`
/// set to an OSC sequence "is ``, which is not a region", an account name with a CSI sequence
/// "is `ab`" (which looks valid), and a profile `a␛[2Jb` was "`ab` not found … create it with
/// `talkdesk-accounts --profile 'ab' config init`", a command that writes another profile. The
/// value is shown with the character escaped, and the command quotes it as the shell reads it.
#[test]
fn a_value_with_a_control_character_is_shown_escaped_not_emptied() {
    let fake = fake(1);
    let sb = Sandbox::new();
    let file = sb.write_config("c.toml", "[default]\nregion = \"\\u001b]0;x\\u0007\"\n");
    let out = sb.tool(&fake).args(config_arg(&file)).arg("list").output();
    let err = stderr_of(&out.unwrap());
    assert!(
        err.contains(r"`region` is `\u{1b}]0;x\u{7}`, which is not a region"),
        "{err}"
    );
    let out = (sb.tool(&fake).env("TALKDESK_ACCOUNT_NAME", "a\u{1b}[2Jb"))
        .env_remove("TALKDESK_TOKEN_URL")
        .arg("list")
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(r"is `a\u{1b}[2Jb`, which is not a Talkdesk"),
        "{err}"
    );
    let out = sb.tool(&fake).args(["-p", "a\u{1b}[2Jb", "list"]).output();
    let err = stderr_of(&out.unwrap());
    assert!(err.contains(r"profile `a\u{1b}[2Jb` not found"), "{err}");
    assert!(
        err.contains(r"create it with `talkdesk-accounts --profile $'a\x1b[2Jb' config init`"),
        "{err}"
    );
}

/// The profiles a config file has, listed when the one asked for is not there, were shown as
/// they are, and every message takes out a control character or a bidi override: `a\u{1b}[2Jb`
/// was listed as `ab`, another profile's name. Listed escaped, as the profile asked for is.
#[test]
fn profiles_listed_show_a_control_character_escaped() {
    let fake = fake(1);
    let sb = Sandbox::new();
    let text = "[\"a\\u001b[2Jb\"]\n[\"c\\u202Ed\"]\n";
    let file = sb.write_config("c.toml", text);
    let mut run = sb.tool(&fake);
    let out = run.args(config_arg(&file)).args(["-p", "x", "list"]);
    let err = stderr_of(&out.output().unwrap());
    assert!(
        err.contains(r"(profiles: a\u{1b}[2Jb, c\u{202e}d)"),
        "{err}"
    );
}

/// A profile named with a bidi override (`a\u{202e}b`) was told to "add a [\"ab\"] table", and one
/// with its settings missing to "add them to profile [\"ab\"]": the TOML key quoted the character
/// as it is, and every message takes it out, so the table named was another profile.
#[test]
fn a_profile_table_to_add_is_named_with_what_a_message_would_take_out_escaped() {
    let fake = fake(1);
    let sb = Sandbox::new();
    let file = sb.write_config("c.toml", "[default]\naccount_name = \"acme\"\n");
    let mut run = sb.tool(&fake);
    let out = run
        .args(config_arg(&file))
        .args(["-p", "a\u{202e}b", "list"]);
    let err = stderr_of(&out.output().unwrap());
    assert!(err.contains(r#"add a ["a\u202Eb"] table"#), "{err}");
    let file = sb.write_config("d.toml", "[\"a\\u202Eb\"]\naccount_name = \"acme\"\n");
    let mut run = sb.tool(&fake);
    let out = run
        .args(config_arg(&file))
        .args(["-p", "a\u{202e}b", "list"]);
    let out = out.env_remove("TALKDESK_CLIENT_ID").output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(r#"add them to profile ["a\u202Eb"] of"#),
        "{err}"
    );
}

/// A config file Windows editors saved as UTF-16 (Notepad's "Unicode", with
/// a byte-order mark, or `iconv -t UTF-16LE` without one), or ended with
/// a Ctrl-Z (old DOS editors) or a NUL, is named as such with its line,
/// not as a TOML key with no value.
#[test]
fn a_config_file_in_utf16_or_ending_in_ctrl_z_says_what_is_in_it() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let text = profile("default", &fake, "").replace('\n', "\r\n");
    let utf16 = |bom: &[u8]| -> Vec<u8> {
        let units = text.encode_utf16().flat_map(u16::to_le_bytes);
        bom.iter().copied().chain(units).collect()
    };
    let ending = |end: &[u8]| [text.as_bytes(), end].concat();
    let cases: [(Vec<u8>, &str); 4] = [
        (utf16(b"\xFF\xFE"), "line 1: UTF-16 text"),
        (utf16(b""), "line 1: UTF-16 text"),
        (ending(b"\x1A"), "line 7: a Ctrl-Z (U+001A)"),
        (ending(b"\0"), "line 7: a NUL (U+0000)"),
    ];
    for (bytes, said) in cases {
        let path = sandbox.write_config("config.toml", "");
        std::fs::write(&path, &bytes).expect("write");
        let output = sandbox
            .bare()
            .args(config_arg(&path))
            .arg("list")
            .output()
            .expect("run");
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(&format!("config.toml, {said}")), "{stderr}");
        assert!(
            stderr.contains("save the file as UTF-8") || stderr.contains("delete it"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert!(fake.requests().is_empty());
}

/// A `client_secret_cmd` printing the secret as Windows tools do: after a
/// UTF-8 byte-order mark (Notepad's file, `type`d), or in UTF-16 with or
/// without one (a file PowerShell's `>` wrote), each line ending in CRLF.
/// The secret sent was the mark and the secret, or the command was refused.
#[cfg(unix)]
#[test]
fn a_client_secret_cmd_printing_a_bom_or_utf16_gives_the_secret() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let line = "test-secret-value\r\n";
    let utf16 = |bom: &[u8]| -> Vec<u8> {
        let units = line.encode_utf16().flat_map(u16::to_le_bytes);
        bom.iter().copied().chain(units).collect()
    };
    let printed = [
        [b"\xEF\xBB\xBF", line.as_bytes()].concat(),
        utf16(b"\xFF\xFE"),
        utf16(b""),
    ];
    for bytes in printed {
        let secret = sandbox.path("secret.txt");
        std::fs::write(&secret, &bytes).expect("write");
        let extra = format!("client_secret_cmd = \"cat {}\"", secret.display());
        let text = profile("default", &fake, &extra)
            .replace("client_secret = \"test-secret-value\"\n", "");
        let path = sandbox.write_config("config.toml", &text);
        let output = sandbox
            .bare()
            .args(config_arg(&path))
            .args(["list", "-o", "json"])
            .output()
            .expect("run");
        assert_lists(&output, 3);
    }
}

/// A Windows path in a double-quoted TOML string, `"C:\temp\new.sqlite3"`,
/// reads `\t` and `\n` as a tab and a line break: a store was made under
/// that name, which no one meant. Such a path is refused, on its line,
/// with how to write it.
#[test]
fn a_windows_path_read_with_escapes_is_refused_with_how_to_write_it() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    let extra = r#"history = "C:\temp\new.sqlite3""#;
    let path = sandbox.write_config("config.toml", &profile("default", &fake, extra));
    let output = sandbox
        .bare()
        .args(config_arg(&path))
        .arg("snapshot")
        .output()
        .expect("run");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("config.toml, line 6"), "{stderr}");
    assert!(stderr.contains("`history` holds a tab"), "{stderr}");
    assert!(
        stderr.contains(r"write a Windows path in single quotes"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(fake.requests().is_empty());
}

/// A Windows path in a double-quoted string whose `\` starts no escape
/// TOML knows (`"C:\Users\me\h.sqlite3"`, `"C:\data\…"`) was refused with
/// the parser's words ("too few unicode value digits", "missing escaped
/// value, expected `b`, `e`, …"), no word of the path or the quotes.
#[test]
fn a_windows_path_with_a_bad_escape_says_how_to_write_it() {
    let fake = fake(3);
    let sandbox = Sandbox::new();
    for value in [r#""C:\Users\me\h.sqlite3""#, r#""C:\data\h.sqlite3""#] {
        let extra = format!("history = {value}");
        let path = sandbox.write_config("config.toml", &profile("default", &fake, &extra));
        let output = sandbox
            .bare()
            .args(config_arg(&path))
            .arg("list")
            .output()
            .expect("run");
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("config.toml, line 6"), "{stderr}");
        assert!(
            stderr.contains("write a Windows path in single quotes"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert!(fake.requests().is_empty());
}
