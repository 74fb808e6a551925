//! `config path`, `config show` and `config init`, through the binary.
use crate::support;

use std::fs;

#[cfg(unix)]
use support::mode;
use support::{Sandbox, stderr_of, stdout_of};

/// `config show` as (setting, value, source) rows.
fn show_rows(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter(|l| l.starts_with('│'))
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect();
            (cells[0].clone(), cells[1].clone(), cells[2].clone())
        })
        .collect()
}

fn row<'a>(rows: &'a [(String, String, String)], key: &str) -> (&'a str, &'a str) {
    let (_, value, source) = rows
        .iter()
        .find(|(k, _, _)| k == key)
        .unwrap_or_else(|| panic!("no row {key}"));
    (value, source)
}

#[test]
fn path_prints_the_default_path_and_whether_it_exists() {
    let sb = Sandbox::new();
    let output = sb.bare().args(["config", "path"]).output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        stdout_of(&output),
        format!("{}\n", sb.default_config_path().display())
    );
    assert!(stderr_of(&output).contains("does not exist (the default path)"));

    support::write_private(&sb.default_config_path(), "[default]\n");
    let output = sb.bare().args(["config", "path"]).output().unwrap();
    assert_eq!(stderr_of(&output), "exists (the default path)\n");
    let quiet = sb.bare().args(["-q", "config", "path"]).output().unwrap();
    assert_eq!(stderr_of(&quiet), "");
    // A file that is no regular file, as every other command reads it
    // (`-c /dev/null`, `-c <(…)`): it exists (it said "does not exist").
    let output = sb
        .bare()
        .args(["-c", "/dev/null", "config", "path"])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&output), "exists (flag --config)\n");
    // A folder is said as one, here and by the commands that read it (it
    // said "exists", and then "Is a directory …; check its permissions").
    let folder = sb.path("");
    let folder = folder.to_str().unwrap();
    let output = sb
        .bare()
        .args(["-c", folder, "config", "path"])
        .output()
        .unwrap();
    assert_eq!(
        stderr_of(&output),
        "is a folder, not a file (flag --config); pass --config with a file path\n"
    );
    let output = sb.bare().args(["-c", folder, "list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        stderr_of(&output),
        format!("error: config file {folder} is a folder; pass --config with a file path\n")
    );
}

/// A config file in a folder this user cannot enter (HOME kept by `sudo -u`, another user's
/// 0700 home) was said not to exist, "create it with `talkdesk-accounts config init`", while
/// every other command failed with "Permission denied" reading it: it may well exist. The user
/// is mapped in a user namespace of the test's own (root enters any folder).
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn path_does_not_say_a_file_it_cannot_look_at_does_not_exist() {
    let sb = Sandbox::new();
    support::write_private(&sb.default_config_path(), "[default]\n");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(sb.config_home(), fs::Permissions::from_mode(0o000)).unwrap();
    let output = support::as_another_user()
        .args(["config", "path"])
        .envs(sb.env())
        .output()
        .expect("run unshare");
    fs::set_permissions(sb.config_home(), fs::Permissions::from_mode(0o700)).unwrap();
    let err = stderr_of(&output);
    assert!(!err.contains("does not exist"), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
}

/// `config init` run by a service account whose config home it may not write (a read-only HOME,
/// `XDG_CONFIG_HOME` of another program's) said "cannot create the folder …: Permission denied
/// (os error 13)" and nothing of what to do, where the history store and the token cache say to
/// check the permissions or pass the path. It does too. The user is mapped in a user namespace
/// of the test's own (root writes any folder).
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn init_in_a_config_home_it_may_not_write_says_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    fs::create_dir_all(sb.config_home()).unwrap();
    fs::set_permissions(sb.config_home(), fs::Permissions::from_mode(0o500)).unwrap();
    let output = support::as_another_user()
        .args(["config", "init"])
        .envs(sb.env())
        .output()
        .expect("run unshare");
    fs::set_permissions(sb.config_home(), fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.contains("Permission denied"), "{err}");
    assert!(
        err.contains("check its permissions, or pass --config"),
        "{err}"
    );
}

/// `config init` on a disk with no inode free (blocks to spare) said "cannot write in …; check
/// its permissions: No space left on device": no permission was wrong. It says the disk is full,
/// as `--output-file` does. The disk is a tmpfs mount with one inode (its folder) in a user
/// namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and tmpfs"
)]
fn init_on_a_disk_with_no_inode_free_says_the_disk_is_full() {
    let sb = Sandbox::new();
    let disk = sb.path("disk");
    fs::create_dir(&disk).unwrap();
    let script = r#"mount -t tmpfs -o size=1m,nr_inodes=1 tmpfs "$1" && shift && exec "$@""#;
    let output = sb
        .in_mount(script, &[&disk])
        .args(["config", "init", "--config"])
        .arg(disk.join("config.toml"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("check its permissions"), "{err}");
    assert!(err.contains("its disk is full; free some space"), "{err}");
}

/// On a disk that neither renames "if nothing is there" (renameat2's RENAME_NOREPLACE: EINVAL
/// through FUSE) nor links (a FAT disk through FUSE: `fusefat`; rclone's and s3fs's mounts),
/// `config init --config` wrote nothing: "cannot write …/config.toml: Operation not permitted (os
/// error 1)", though nothing was there and the folder was writable. The file is written; one
/// already there is still kept (exit 1, as `config init` without `--force` does).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs fusefat and mkfs.fat, which a new machine may not have: .ci/run runs it where they are installed"]
fn fusefat_init_on_a_disk_that_links_no_file_writes_it() {
    let sb = Sandbox::new();
    let (mut cmd, disk) = sb.on_a_fat_disk(
        "077",
        ":",
        r#"echo "on the disk: $(ls -A "$d" | tr '\n' ' ')" >&2; "$1" config init --config "$d/config.toml" </dev/null; echo "again: $?" >&2; head -c 1 "$d/config.toml" >&2"#,
    );
    let output = cmd
        .args(["config", "init", "--config"])
        .arg(disk.join("config.toml"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("on the disk: config.toml \n"), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("again: 1\n#"), "{err}");
}

/// A client secret typed into `config init` on a disk that gives every file 0755 and keeps no
/// other mode (a FAT disk: through FUSE, whose chmod is not implemented; a vfat mount, whose chmod
/// changes nothing) was written where others may read it, where the tool writes it 0600 on any
/// other disk. It is not written: `config init` says why and to pass --config with a path on
/// another disk (exit 1). The template, with no secret in it, is still written there.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs fusefat and mkfs.fat, which a new machine may not have: .ci/run runs it where they are installed"]
fn fusefat_init_writes_no_secret_where_others_may_read_it() {
    support::require_script();
    let sb = Sandbox::new();
    let after = r#"script -q -e -f -c "'$1' -c '$d/asked.toml' config init" /dev/null; echo "asked: $?"; "$1" -c "$d/quiet.toml" config init </dev/null; echo "quiet: $?"; echo "on the disk: $(ls -A "$d" | tr '\n' ' ')"; cat "$d"/* | grep -c sup3r"#;
    let (mut cmd, _) = sb.on_a_fat_disk("022", ":", after);
    let output = cmd
        .arg("--version")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let mut input = child.stdin.take().unwrap();
            input.write_all(b"acme\nEU\nmy-client\nsup3r-secret\n")?;
            drop(input);
            child.wait_with_output()
        })
        .unwrap();
    let terminal = stdout_of(&output) + &stderr_of(&output);
    assert!(terminal.contains("others may read"), "{terminal}");
    assert!(
        terminal.contains("pass --config with a path on another disk"),
        "{terminal}"
    );
    assert!(terminal.contains("asked: 1\n"), "{terminal}");
    assert!(terminal.contains("quiet: 0\n"), "{terminal}");
    // The secret is in no file there (grep counts 0 lines).
    assert!(
        terminal.contains("on the disk: quiet.toml \n0\n"),
        "{terminal}"
    );
}

/// `config init` under a file size limit (`ulimit -f`, systemd's `LimitFSIZE=`) too small for
/// the file said "writing …: File too large (os error 27)", naming no limit; it says to raise it,
/// as `--output-file` does.
#[cfg(unix)]
#[test]
fn init_under_a_file_size_limit_says_to_raise_it() {
    let sb = Sandbox::new();
    let mut tool = std::process::Command::new(assert_cmd::cargo::cargo_bin("talkdesk-accounts"));
    tool.envs(sb.env());
    let output = support::with_file_size_limit(tool.get_program(), tool.get_envs(), 2)
        .args(["config", "init"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.contains("File too large"), "{err}");
    assert!(
        err.contains("the file size limit (ulimit -f) left no room for it: raise it"),
        "{err}"
    );
    assert!(!sb.default_config_path().exists(), "{err}");
}

/// `config init` in a folder that exists but this user may not write says to check its
/// permissions (exit 1). The tool runs in a user namespace of the test's own, where root's power
/// to write anywhere is not.
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs Linux's unshare(1)")]
fn init_in_a_folder_it_may_not_write_says_to_check_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let locked = sb.path("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    let output = support::as_another_user()
        .arg("-c")
        .arg(locked.join("config.toml"))
        .args(["config", "init"])
        .envs(sb.env())
        .output()
        .expect("run unshare");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_of(&output),
        format!(
            "error: cannot write in {}; check its permissions: Permission denied (os error 13)\n",
            locked.display()
        )
    );
}

/// `config init` at a folder's path says it is a folder, and writes
/// nothing in it.
#[test]
fn init_at_a_folder_says_it_is_one() {
    let sb = Sandbox::new();
    let folder = sb.path("configs");
    std::fs::create_dir(&folder).unwrap();
    let output = sb
        .bare()
        .arg("-c")
        .arg(&folder)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_of(&output),
        format!(
            "error: {} is a folder; pass --config with a file path\n",
            folder.display()
        )
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

/// A config path that is a folder was always told "pass --config with a file path", even when
/// TALKDESK_CONFIG gave it: the variable, still set, was not named. It is, by `config path`, by
/// a command that reads the file and by `config init`.
#[test]
fn a_folder_from_talkdesk_config_names_the_variable() {
    let sb = Sandbox::new();
    let folder = sb.path("configs");
    fs::create_dir(&folder).unwrap();
    let fix = "set TALKDESK_CONFIG to a file path, or pass --config with one";
    for (args, code) in [
        (&["config", "path"][..], 0),
        (&["list"], 3),
        (&["config", "init"], 1),
    ] {
        let mut run = sb.bare();
        let out = run
            .env("TALKDESK_CONFIG", &folder)
            .args(args)
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains("is a folder"), "{args:?}: {stderr}");
        assert!(stderr.ends_with(&format!("{fix}\n")), "{args:?}: {stderr}");
    }
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0);
}

/// `config init` whose config folder is to be made on a file system mounted read-only (a
/// container's `--read-only`, systemd's `ProtectHome=read-only`) said "cannot create the folder
/// …; check its permissions, or pass --config: Read-only file system": no permission is to
/// blame, and a folder that exists was said read-only since this session. It says so too; and on
/// a disk with no inode free, that the disk is full. The mounts (a read-only bind mount, a tmpfs
/// with one inode) are made in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1), bind mounts and tmpfs"
)]
fn init_whose_folder_cannot_be_made_on_a_read_only_file_system_says_so() {
    let read_only =
        r#"mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@""#;
    let no_inode = r#"mount -t tmpfs -o size=1m,nr_inodes=1 tmpfs "$1" && shift && exec "$@""#;
    let cases = [
        (read_only, "file system is read-only"),
        (no_inode, "its disk is full; free some space"),
    ];
    for (script, said) in cases {
        let sb = Sandbox::new();
        fs::create_dir_all(sb.config_home()).unwrap();
        let output = sb
            .in_mount(script, &[&sb.config_home()])
            .args(["config", "init"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let err = stderr_of(&output);
        assert!(err.contains(said), "{err}");
        assert!(!err.contains("permissions"), "{err}");
    }
}

/// `config init --force` onto a config file bind-mounted there (`docker run -v
/// $PWD/config.toml:/root/.config/talkdesk-accounts/config.toml`), which no file can be renamed
/// over, said only "cannot write …: Device or resource busy (os error 16)", where `--output-file`
/// says what such a file is since this session. It says so, and what to do. The mount is made in
/// a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn init_force_onto_a_bind_mounted_config_file_says_it_is_a_mount_point() {
    let sb = Sandbox::new();
    let (host, target) = (sb.path("host.toml"), sb.path("config.toml"));
    fs::write(&host, "# mine\n").unwrap();
    fs::write(&target, "").unwrap();
    let output = sb
        .in_mount(
            r#"mount --bind "$1" "$2" && shift 2 && exec "$@""#,
            &[&host, &target],
        )
        .args(["config", "init", "--force", "--config"])
        .arg(&target)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.contains("is a mount point"), "{err}");
    assert_eq!(fs::read_to_string(&host).unwrap(), "# mine\n");
}

#[test]
fn path_follows_the_flag_then_the_environment() {
    let sb = Sandbox::new();
    let from_env = sb.path("env.toml");
    let from_flag = sb.path("flag.toml");
    let output = sb
        .bare()
        .env("TALKDESK_CONFIG", &from_env)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&output), format!("{}\n", from_env.display()));
    assert!(stderr_of(&output).contains("env TALKDESK_CONFIG"));
    let output = sb
        .bare()
        .env("TALKDESK_CONFIG", &from_env)
        .arg("--config")
        .arg(&from_flag)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(stdout_of(&output), format!("{}\n", from_flag.display()));
    assert!(stderr_of(&output).contains("flag --config"));
    // The command it suggests writes that file (it wrote the default one).
    let init = format!(
        "create it with `talkdesk-accounts --config {} config init`",
        support::quoted(&from_flag)
    );
    assert!(stderr_of(&output).contains(&init), "{}", stderr_of(&output));
}

/// `-c team.toml list` with no such file suggested `config init`, which,
/// run as printed, wrote the default file instead; `-p` was left out too.
#[test]
fn a_missing_config_file_given_by_flag_is_created_by_the_command_suggested() {
    let sb = Sandbox::new();
    let team = sb.path("team.toml");
    let output = sb
        .bare()
        .arg("-c")
        .arg(&team)
        .args(["-p", "prod", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let init = format!(
        "talkdesk-accounts --config {} --profile prod config init",
        support::quoted(&team)
    );
    assert!(stderr_of(&output).contains(&init), "{}", stderr_of(&output));
    // With the file from the environment the variable says it all.
    let output = sb
        .bare()
        .env("TALKDESK_CONFIG", &team)
        .arg("list")
        .output()
        .unwrap();
    assert!(
        stderr_of(&output).contains("with `talkdesk-accounts config init`"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn show_gives_every_value_and_its_source_with_secrets_redacted() {
    let sb = Sandbox::new();
    let config = sb.write_config(
        "config.toml",
        "[default]\naccount_name = \"acme\"\nclient_id = \"file-id\"\nclient_secret = \"file-secret-value\"\nper_page = 20\n",
    );
    let output = sb
        .bare()
        .env("TALKDESK_CLIENT_ID", "env-id")
        .env("TALKDESK_REGION", "eu")
        .arg("--config")
        .arg(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(!text.contains("file-secret-value"), "{text}");
    assert!(!stderr_of(&output).contains("file-secret-value"));
    let rows = show_rows(&text);
    let file = format!("{} [default]", config.display());
    assert_eq!(
        row(&rows, "config_file"),
        (config.to_str().unwrap(), "flag --config")
    );
    assert_eq!(row(&rows, "profile"), ("default", "default"));
    assert_eq!(row(&rows, "account_name"), ("acme", file.as_str()));
    assert_eq!(row(&rows, "region"), ("eu", "env TALKDESK_REGION"));
    assert_eq!(
        row(&rows, "client_id"),
        ("env-id", "env TALKDESK_CLIENT_ID")
    );
    assert_eq!(row(&rows, "client_secret"), ("<redacted>", file.as_str()));
    assert_eq!(row(&rows, "client_secret_cmd"), ("(not set)", ""));
    assert_eq!(
        row(&rows, "base_url"),
        ("https://api.talkdeskapp.eu/", "derived from region")
    );
    assert_eq!(
        row(&rows, "token_url"),
        (
            "https://acme.talkdeskid.eu/oauth/token",
            "derived from account_name and region"
        )
    );
    assert_eq!(row(&rows, "per_page"), ("20", file.as_str()));
    assert_eq!(row(&rows, "timeout_secs"), ("30", "default"));
    assert_eq!(row(&rows, "ca_bundle"), ("(not set)", ""));
}

#[test]
fn show_redacts_an_env_secret_and_shows_a_secret_command_without_running_it() {
    let sb = Sandbox::new();
    let marker = sb.path("ran");
    let config = sb.write_config(
        "config.toml",
        &format!(
            "[work]\nclient_secret_cmd = \"touch {}\"\n",
            marker.display()
        ),
    );
    let output = sb
        .bare()
        .env("TALKDESK_CONFIG", &config)
        .env("TALKDESK_PROFILE", "work")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let rows = show_rows(&stdout_of(&output));
    assert_eq!(
        row(&rows, "client_secret_cmd"),
        (
            format!("touch {}", marker.display()).as_str(),
            format!("{} [work]", config.display()).as_str()
        )
    );
    assert_eq!(row(&rows, "profile"), ("work", "env TALKDESK_PROFILE"));
    assert!(!marker.exists(), "the command was run");

    let output = sb
        .bare()
        .env("TALKDESK_CLIENT_SECRET", "env-secret-value")
        .args(["config", "show"])
        .output()
        .unwrap();
    let text = stdout_of(&output);
    assert!(!text.contains("env-secret-value"));
    let rows = show_rows(&text);
    assert_eq!(
        row(&rows, "client_secret"),
        ("<redacted>", "env TALKDESK_CLIENT_SECRET")
    );
    assert!(row(&rows, "config_file").0.ends_with("(does not exist)"));
}

/// `TALKDESK_CLIENT_SECRET` set over a file's `client_secret_cmd`: the
/// command's row said "(not set)", though the file sets it, and nothing
/// said why the command the user can see in the file is not run.
#[test]
fn show_names_a_secret_command_that_the_environment_overrides() {
    let sb = Sandbox::new();
    let config = sb.write_config(
        "config.toml",
        "[default]\nclient_id = \"id\"\nclient_secret_cmd = \"pass show talkdesk\"\n",
    );
    let output = sb
        .bare()
        .arg("--config")
        .arg(&config)
        .env("TALKDESK_CLIENT_SECRET", "env-secret-value")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(!text.contains("env-secret-value"), "{text}");
    let rows = show_rows(&text);
    assert_eq!(
        row(&rows, "client_secret"),
        ("<redacted>", "env TALKDESK_CLIENT_SECRET")
    );
    let file = format!("{} [default]", config.display());
    assert_eq!(
        row(&rows, "client_secret_cmd"),
        (
            "pass show talkdesk (not run: TALKDESK_CLIENT_SECRET is set)",
            file.as_str()
        )
    );
}

#[test]
fn show_reports_a_broken_config_as_a_config_error() {
    let sb = Sandbox::new();
    let config = sb.write_config("config.toml", "[default]\nclient_secert = \"x\"\n");
    let output = sb
        .bare()
        .arg("--config")
        .arg(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("line 2"));
}

#[test]
fn init_writes_the_template_privately_at_the_default_path() {
    let sb = Sandbox::new();
    let output = sb.bare().args(["config", "init"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let path = sb.default_config_path();
    assert_eq!(stdout_of(&output), "");
    assert!(stderr_of(&output).starts_with(&format!("wrote {}\n", path.display())));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("[default]\n"));
    assert!(text.contains("# client_secret_cmd = "));
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    // The file as written is a valid config: show works on it.
    let show = sb.bare().args(["config", "show"]).output().unwrap();
    assert!(show.status.success(), "{}", stderr_of(&show));
    assert_eq!(stderr_of(&show), "", "no permission warning");
}

/// `config init -p prod` (or `TALKDESK_PROFILE=prod`) writes `[prod]`, the
/// profile the next command will ask for; it wrote `[default]`, so the
/// `auth check -p prod` it suggests failed with "profile not found".
#[test]
fn init_writes_the_profile_asked_for() {
    let sb = Sandbox::new();
    let init = sb
        .bare()
        .args(["config", "init", "-p", "prod"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr_of(&init));
    // The next step it names asks for that profile (it named none).
    let next =
        "next: fill in what is missing, then run `talkdesk-accounts --profile prod auth check`";
    assert!(stderr_of(&init).contains(next), "{}", stderr_of(&init));
    let text = fs::read_to_string(sb.default_config_path()).unwrap();
    assert!(
        text.contains("\n[prod]\n") && !text.contains("\n[default]\n"),
        "{text}"
    );
    let show = sb
        .bare()
        .args(["config", "show", "-p", "prod"])
        .output()
        .unwrap();
    assert!(show.status.success(), "{}", stderr_of(&show));
    let sb = Sandbox::new();
    let init = sb
        .bare()
        .env("TALKDESK_PROFILE", "eu.prod")
        .args(["config", "init"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", stderr_of(&init));
    let text = fs::read_to_string(sb.default_config_path()).unwrap();
    assert!(text.contains("\n[\"eu.prod\"]\n"), "{text}");
    // A name of any characters is a header TOML reads back (a line break
    // made a multi-line key, which no command could read after).
    for name in ["prod\nEU", "a'b\"c", "tab\there", "del\u{7f}", "é東京", ""] {
        let sb = Sandbox::new();
        let init = sb
            .bare()
            .args(["config", "init", "-p", name])
            .output()
            .unwrap();
        assert!(init.status.success(), "{name:?}: {}", stderr_of(&init));
        let show = sb
            .bare()
            .args(["config", "show", "-p", name])
            .output()
            .unwrap();
        assert!(show.status.success(), "{name:?}: {}", stderr_of(&show));
        assert!(!stdout_of(&show).contains("not in the file"), "{name:?}");
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let sb = Sandbox::new();
    let path = sb.path("deep/er/config.toml");
    let first = sb
        .bare()
        .arg("-c")
        .arg(&path)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr_of(&first));
    let next = format!(
        "run `talkdesk-accounts --config {} auth check`",
        support::quoted(&path)
    );
    assert!(stderr_of(&first).contains(&next), "{}", stderr_of(&first));
    #[cfg(unix)]
    {
        assert_eq!(mode(&sb.path("deep")), 0o700);
        assert_eq!(mode(&sb.path("deep/er")), 0o700);
    }
    fs::write(&path, "[default]\n# mine\n").unwrap();

    let again = sb
        .bare()
        .arg("-c")
        .arg(&path)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let stderr = stderr_of(&again);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("already exists; pass --force"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "[default]\n# mine\n");

    let forced = sb
        .bare()
        .arg("-c")
        .arg(&path)
        .args(["config", "init", "--force"])
        .output()
        .unwrap();
    assert!(forced.status.success(), "{}", stderr_of(&forced));
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("# account_name = \"mycompany\"")
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let names: Vec<_> = fs::read_dir(sb.path("deep/er")).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file left");
}

/// A file where a folder of the path should be was "cannot create the
/// folder …: File exists"; a device was "check its permissions" of a
/// folder whose permissions were fine.
#[cfg(unix)]
#[test]
fn init_says_what_is_in_the_way() {
    let sb = Sandbox::new();
    fs::write(sb.path("plain"), "").unwrap();
    let init = |path: &std::path::Path| {
        let out = (sb.bare().arg("-c").arg(path))
            .args(["config", "init", "--force"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        stderr_of(&out)
    };
    let plain = sb.path("plain");
    let err = init(&plain.join("config.toml"));
    assert!(
        err.contains(&format!("({} is a file, not a folder)", plain.display())),
        "{err}"
    );
    let err = init(std::path::Path::new("/dev/null"));
    assert_eq!(
        err,
        "error: cannot write the config file: /dev/null is not a regular file\n"
    );
}

/// `XDG_CONFIG_HOME` naming a file (a CI job's way to read no dotfile):
/// `config init` named the file in the way but said nothing to do
/// ("cannot create the folder … (… is a file, not a folder): File exists").
#[cfg(unix)]
#[test]
fn init_under_a_file_says_what_to_do() {
    let sb = Sandbox::new();
    let plain = sb.path("plain");
    fs::write(&plain, "").unwrap();
    let out = (sb.bare().env("XDG_CONFIG_HOME", &plain))
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    let in_the_way = format!("({} is a file, not a folder);", plain.display());
    assert!(err.contains(&in_the_way), "{err}");
    assert!(err.contains("pass --config with a path elsewhere"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        fs::read(&plain).unwrap(),
        b"",
        "the file in the way is left alone"
    );
}

#[test]
fn init_writes_at_the_path_in_use_from_the_environment() {
    let sb = Sandbox::new();
    let path = sb.path("from-env.toml");
    let output = sb
        .bare()
        .env("TALKDESK_CONFIG", &path)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(path.is_file());
    assert!(!sb.default_config_path().exists());
}

/// script(1) running the shell `line` on a terminal of its own, at home in `sb`, with `input`
/// typed: its exit code, and all the terminal showed.
fn on_a_terminal(sb: &Sandbox, line: &str, input: &[u8]) -> (Option<i32>, String) {
    support::require_script();
    let output = assert_cmd::Command::new("script")
        .args(["-q", "-e", "-f", "-c", line, "/dev/null"])
        .env("HOME", sb.home())
        .env("XDG_CONFIG_HOME", sb.config_home())
        .write_stdin(input)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code(), terminal)
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_on_a_terminal_asks_and_fills_in_the_default_profile() {
    support::require_script();
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!("'{}' -c '{}' config init", bin.display(), path.display());
    let (code, terminal) = on_a_terminal(
        &sb,
        &line,
        b"bad name!\nacme\nEU\nmy-client\nsup3r-secret\n",
    );
    assert!(code == Some(0), "{terminal}");
    assert!(terminal.contains("`bad name!`: use letters"), "{terminal}");
    // Every question answered: nothing is left to fill in.
    let next = format!(
        "next: run `talkdesk-accounts --config {} auth check`",
        support::quoted(&path)
    );
    assert!(terminal.contains(&next), "{terminal}");
    let settings: Vec<String> = fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(
        settings,
        [
            "[default]",
            "account_name = \"acme\"",
            "region = \"eu\"",
            "client_id = \"my-client\"",
            "client_secret = \"sup3r-secret\"",
        ]
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

/// A question skipped (Enter) leaves the profile incomplete, whichever it is: the secret left out,
/// to be set in TALKDESK_CLIENT_SECRET, is still missing, and the next step says to fill it in.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_on_a_terminal_with_the_secret_skipped_says_to_fill_in_what_is_missing() {
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!("'{}' -c '{}' config init", bin.display(), path.display());
    let (code, terminal) = on_a_terminal(&sb, &line, b"acme\nEU\nmy-client\n\n");
    assert!(code == Some(0), "{terminal}");
    let next = format!(
        "next: fill in what is missing, then run `talkdesk-accounts --config {} auth check`",
        support::quoted(&path)
    );
    assert!(terminal.contains(&next), "{terminal}");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nclient_id = \"my-client\"\n"), "{text}");
    assert!(!text.contains("\nclient_secret = "), "{text}");
}

/// Input that ends (Ctrl-D) before the questions are answered writes nothing and says so.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_on_a_terminal_whose_input_ends_writes_nothing() {
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!("'{}' -c '{}' config init", bin.display(), path.display());
    let (code, terminal) = on_a_terminal(&sb, &line, b"acme\n");
    assert_eq!(code, Some(1), "{terminal}");
    assert!(
        terminal.contains(&format!(
            "error: the input ended before the questions were answered; nothing was written to {}",
            path.display()
        )),
        "{terminal}"
    );
    assert!(!path.exists());
}

/// An answer that is not UTF-8 (`acmé` typed on a Latin-1 terminal) ended `config init` with
/// "error: stream did not contain valid UTF-8", naming no answer and nothing to do. It says the
/// answer is not UTF-8 text and how to type it; nothing is written, and it is not taken for the
/// input ending (exit 1 as before).
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_on_a_terminal_with_an_answer_not_in_utf_8_says_so() {
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!("'{}' -c '{}' config init", bin.display(), path.display());
    let (code, terminal) = on_a_terminal(&sb, &line, b"acm\xe9\nEU\nmy-client\nsecret\n");
    assert_eq!(code, Some(1), "{terminal}");
    let said = format!(
        "error: an answer is not UTF-8 text; nothing was written to {}; set the terminal's encoding (its locale) to UTF-8, or answer in ASCII",
        path.display()
    );
    assert!(terminal.contains(&said), "{terminal}");
    assert!(!terminal.contains("the input ended"), "{terminal}");
    assert!(!path.exists());
}

/// The secret, read with echo off (rpassword 7.5), comes with each byte that is not UTF-8 turned
/// into U+FFFD: `secr\xe9t` typed on a Latin-1 terminal was written as `client_secret =
/// "secr\u{FFFD}"`, exit 0, a secret no token endpoint takes. It is refused as the other answers
/// are, nothing written.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_on_a_terminal_with_a_secret_not_in_utf_8_writes_nothing() {
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!("'{}' -c '{}' config init", bin.display(), path.display());
    // rpassword reads \xe9 as the lead byte of three, the line's end among them: Enter again.
    let (code, terminal) = on_a_terminal(&sb, &line, b"acme\nEU\nmy-client\nsecr\xe9t\n\n");
    assert_eq!(code, Some(1), "{terminal}");
    assert!(
        terminal.contains("error: an answer is not UTF-8 text; nothing was written to"),
        "{terminal}"
    );
    assert!(!path.exists());
}

/// Questions on a terminal that is not the run's controlling terminal (`setsid`): the secret,
/// read from /dev/tty, cannot be read: the run ended "error: No such device or address (os error
/// 6)". It says why and what to do, and blames neither the input ending nor an answer that is not
/// UTF-8; nothing is written (exit 1 as before).
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs the util-linux script(1) and setsid(1)"
)]
fn init_whose_secret_cannot_be_read_blames_no_answer() {
    support::require_tool("setsid", "util-linux");
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!(
        "setsid -w '{}' -c '{}' config init",
        bin.display(),
        path.display()
    );
    let (code, terminal) = on_a_terminal(&sb, &line, b"acme\nEU\nmy-client\nsecret\n");
    assert_eq!(code, Some(1), "{terminal}");
    assert!(terminal.contains("OAuth client secret"), "{terminal}");
    // It said only "error: No such device or address (os error 6)".
    let said = format!(
        "error: the secret is read with echo off from the run's own terminal (/dev/tty), and this run has none; nothing was written to {}; run `config init` from a terminal, or with its input from a file to write the template (`config init < /dev/null`)",
        path.display()
    );
    assert!(terminal.contains(&said), "{terminal}");
    assert!(!terminal.contains("not UTF-8"), "{terminal}");
    assert!(!terminal.contains("the input ended"), "{terminal}");
    assert!(!path.exists());
}

/// Questions asked from a background job of the terminal that ignores SIGTTIN, whose reads of
/// the terminal then fail (EIO): that failure is neither the input ending, nor an answer that
/// is not UTF-8, nor a run with no terminal, and is not said to be one; nothing is written.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_whose_answers_cannot_be_read_blames_no_answer() {
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!(
        "set -m; trap '' TTIN; '{}' -c '{}' config init & wait $!",
        bin.display(),
        path.display()
    );
    let (code, terminal) = on_a_terminal(&sb, &line, b"");
    assert_eq!(code, Some(1), "{terminal}");
    assert!(terminal.contains("Talkdesk account name"), "{terminal}");
    assert!(terminal.contains("error: "), "{terminal}");
    for blamed in ["the input ended", "not UTF-8", "this run has none"] {
        assert!(!terminal.contains(blamed), "{terminal}");
    }
    assert!(!path.exists());
}

/// On a terminal with stderr sent away (`config init 2>/dev/null`, to quiet it), the questions
/// went to /dev/null and the tool waited for answers to questions no one could see: a blank
/// cursor, then "the input ended before the questions were answered" at Ctrl-D, nothing
/// written. It asks only where the questions can be seen; otherwise it writes the template, as
/// for a script.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn init_asks_nothing_when_the_questions_cannot_be_seen() {
    let sb = Sandbox::new();
    let path = sb.path("quiet/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let line = format!(
        "'{}' -c '{}' config init 2>/dev/null",
        bin.display(),
        path.display()
    );
    let (code, terminal) = on_a_terminal(&sb, &line, b"");
    assert!(code == Some(0), "{terminal}");
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text, fs::read_to_string("config.example.toml").unwrap());
}

/// Ctrl-C at the hidden secret prompt ended the run with the terminal's
/// echo still off (rpassword raises SIGINT before it restores the
/// terminal). The run still ends by SIGINT, with the terminal as it was.
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn ctrl_c_at_the_secret_prompt_leaves_the_terminal_echoing() {
    assert_eq!(interrupted_at_the_secret_prompt(Interrupt::Typed), 130);
}

/// A signal sent at the hidden secret prompt (`kill`, a closed terminal, a
/// timeout) left the terminal without echo, and `kill -INT` was ignored
/// there: each now ends the run by that signal, the terminal as it was.
#[cfg(unix)]
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs the util-linux script(1)")]
fn a_signal_at_the_secret_prompt_ends_the_run_and_leaves_the_terminal_echoing() {
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1), ("ALRM", 14)] {
        let exit = interrupted_at_the_secret_prompt(Interrupt::Kill(signal));
        assert_eq!(exit, 128 + number, "ended by SIG{signal}");
    }
}

/// How the secret prompt is interrupted: Ctrl-C typed, or `kill -s NAME`.
#[cfg(unix)]
enum Interrupt {
    Typed,
    Kill(&'static str),
}

/// Runs `config init` on a pseudo-terminal up to the hidden secret prompt,
/// interrupts it, and returns the exit status its shell saw, having
/// checked that the terminal echoes again and nothing was written.
#[cfg(unix)]
fn interrupted_at_the_secret_prompt(how: Interrupt) -> i32 {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    support::require_script();
    let sb = Sandbox::new();
    let path = sb.path("asked/config.toml");
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    // The pty's name first, then the tool (its pid, through the `sh` it
    // replaces), then its exit and the terminal's modes.
    let line = format!(
        "tty; sh -c 'echo PID=$$; exec \"$0\" -c \"$1\" config init' '{}' '{}'; echo EXIT=$?; stty -a",
        bin.display(),
        path.display()
    );
    let mut child = Command::new("script")
        .args(["-q", "-f", "-c", &line, "/dev/null"])
        .env("HOME", sb.home())
        .env("XDG_CONFIG_HOME", sb.config_home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        while !what(&seen.lock().unwrap()) {
            assert!(Instant::now() < deadline, "{}", seen.lock().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for(&|s| s.contains("/dev/pts/") && s.contains("PID="));
    let (pts, pid) = {
        let seen = seen.lock().unwrap();
        let pts = seen.split_whitespace().next().unwrap().to_string();
        let pid = seen.split("PID=").nth(1).unwrap().split_whitespace().next();
        (pts, pid.unwrap().to_string())
    };
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"acme\n\nmy-client\n").unwrap();
    // Until the secret is being read: echo off on the pty.
    let echo_off = || {
        let stty = Command::new("stty")
            .args(["-F", &pts, "-a"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&stty.stdout).contains(" -echo ")
    };
    wait_for(&|s| s.contains("not shown as you type") && echo_off());
    match how {
        Interrupt::Typed => stdin.write_all(b"par\x03").unwrap(),
        Interrupt::Kill(signal) => {
            support::send_signal(pid.trim().parse().unwrap(), signal);
        }
    }
    wait_for(&|s| s.contains("EXIT="));
    let _ = child.wait();
    drop(stdin);
    reader.join().unwrap();
    let terminal = seen.lock().unwrap().clone();
    let after = &terminal[terminal.find("EXIT=").unwrap() + 5..];
    let modes: Vec<&str> = after.split_whitespace().collect();
    for mode in ["echo", "icanon", "isig"] {
        assert!(modes.contains(&mode), "{mode} off: {terminal}");
    }
    assert!(!path.exists(), "nothing written");
    modes[0].parse().unwrap()
}

/// `config path` printed a path that is not UTF-8 lossily (U+FFFD), so
/// `"$(talkdesk-accounts config path)"` named a file that does not exist.
/// Its bytes are printed as they are.
#[cfg(unix)]
#[test]
fn config_path_prints_the_bytes_of_a_path_that_is_not_utf8() {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let sb = Sandbox::new();
    let mut home = sb.path("").into_os_string().into_vec();
    home.extend_from_slice(b"/caf\xe9");
    let home = std::ffi::OsString::from_vec(home);
    let out = sb
        .bare()
        .env("XDG_CONFIG_HOME", &home)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut expected = std::path::Path::new(&home)
        .join("talkdesk-accounts/config.toml")
        .as_os_str()
        .as_bytes()
        .to_vec();
    expected.push(b'\n');
    assert_eq!(out.stdout, expected);
}

/// `config init -p prod` on a config file holding other profiles said
/// only "already exists; pass --force to overwrite it": a user adding a
/// profile (as `aws configure --profile` does) who followed it lost every
/// other profile, credentials and all, without a word (found by a
/// black-box audit of the command line). The refusal says the profile is
/// not there, to add its table, and what --force would lose.
#[test]
fn config_init_for_a_new_profile_says_what_force_would_lose() {
    let sb = Sandbox::new();
    let path = sb.path("config.toml");
    let text = "[default]\nclient_id = \"mine\"\n\n[staging]\nregion = \"eu\"\n";
    fs::write(&path, text).unwrap();
    let out = sb
        .bare()
        .arg("-c")
        .arg(&path)
        .args(["-p", "prod", "config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("has no [prod] profile (profiles: default, staging)")
            && stderr.contains("add a [prod] table")
            && stderr
                .contains("--force replaces the whole file, its profiles default, staging too"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);

    // Re-initialising a profile that is there names the others it loses.
    let out = sb
        .bare()
        .arg("-c")
        .arg(&path)
        .args(["-p", "staging", "config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "already exists; pass --force to overwrite it (the whole file: the profile default too)"
        ),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

/// `config init`'s refusal named the file's profiles and the table to add as they are, and every
/// message takes out a control character or a bidi override: a profile `a\u{1b}[2Jb` was listed
/// as `ab`, and `-p $'x\u202ey'` was told to add a `["xy"]` table, another profile. Escaped as
/// the other profile messages show them.
#[test]
fn config_init_refusal_shows_profile_names_escaped() {
    let sb = Sandbox::new();
    let path = sb.path("config.toml");
    fs::write(&path, "[default]\n[\"a\\u001b[2Jb\"]\n[\"c\\u202Ed\"]\n").unwrap();
    let mut run = sb.bare();
    let out = run.arg("-c").arg(&path);
    let out = out
        .args(["-p", "x\u{202e}y", "config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            r#"has no ["x\u202Ey"] profile (profiles: a\u{1b}[2Jb, c\u{202e}d, default)"#
        ) && stderr.contains(r#"add a ["x\u202Ey"] table"#)
            && stderr.contains(r"its profiles a\u{1b}[2Jb, c\u{202e}d, default too"),
        "{stderr}"
    );
}

/// `config init --force` onto a config file made immutable or append-only (`chattr +i`, `+a`),
/// or into a folder made immutable, said "cannot write …: Operation not permitted (os error 1)",
/// naming no cause. It says which has which attribute and how to clear it, and leaves no
/// temporary file. Run by `.ci/run` where it is root (setting the flag needs
/// CAP_LINUX_IMMUTABLE, which no user namespace gives).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: chattr +i and +a"]
fn as_root_init_force_onto_an_immutable_file_says_so() {
    let sb = Sandbox::new();
    let dir = sb.path("conf");
    let path = dir.join("config.toml");
    support::write_private(&path, "# mine\n");
    for (flag, on) in [("i", &path), ("a", &path), ("i", &dir), ("a", &dir)] {
        support::chattr(&format!("+{flag}"), on);
        let output = sb
            .bare()
            .args(["config", "init", "--force", "--config"])
            .arg(&path)
            .write_stdin("")
            .output()
            .unwrap();
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        support::chattr(&format!("-{flag}"), on);
        let err = stderr_of(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        support::assert_names_chattr(&err, flag, on);
        assert!(err.contains(&format!("chattr -{flag}")), "{err}");
        assert_eq!(left, ["config.toml"], "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "# mine\n");
    }
}

/// An erofs image at `image` of the folder `layer`.
#[cfg(target_os = "linux")]
fn erofs_image(layer: &std::path::Path, image: &std::path::Path) {
    let made = std::process::Command::new("mkfs.erofs")
        .arg("--quiet")
        .args([image, layer])
        .output()
        // (mkfs.erofs 1.5 has no --version for support::require_tool.)
        .expect("this test needs `mkfs.erofs` (package erofs-utils): install it and run again");
    assert!(made.status.success(), "{}", stderr_of(&made));
}

/// A config folder and file in an erofs lower layer of an overlay file system (containerd's
/// erofs snapshotter, podman's composefs), where statx(2) passes on erofs's word that every
/// file is immutable, were said "immutable (chattr +i) … clear that (chattr -i …, as root)":
/// `config init --config` in that folder and `--force` over that file wrote nothing, nor did a
/// first `snapshot` into that folder, nor `--output-file` over a file there ("it is immutable or
/// append-only"), though the overlay copies them up to be written. A real `chattr +i` is still
/// said (the test above). Run in a mount namespace of the test's own, as root (a loop device).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root, a loop device and mkfs.erofs (erofs-utils): .ci/run runs it where they are"]
fn erofs_root_an_overlays_erofs_lower_layer_is_not_said_immutable() {
    let sb = Sandbox::new();
    let (layer, image, disk) = (sb.path("layer"), sb.path("lower.img"), sb.path("disk"));
    support::write_private(&layer.join("conf/config.toml"), "# mine\n");
    support::write_private(&layer.join("conf/old.csv"), "old\n");
    let export = sb.path("2026-11-02.json");
    fs::write(&export, r#"[{"id":"a1","name":"A","status":"ACTIVE"}]"#).unwrap();
    erofs_image(&layer, &image);
    fs::create_dir(&disk).unwrap();
    let script = r#"set -e; mkdir "$3/l" "$3/u" "$3/w" "$3/m"; mount -o loop,ro "$2" "$3/l"
mount -t overlay overlay -o lowerdir="$3/l",upperdir="$3/u",workdir="$3/w" "$3/m"; c="$3/m/conf"
"$1" config init --config "$c/new.toml" </dev/null >/dev/null
"$1" config init --force --config "$c/config.toml" </dev/null >/dev/null
"$1" -q snapshot --import "$4" --at 2026-11-02 --history "$c/h.sqlite3"
"$1" -q list --at 2026-11-02 --history "$c/h.sqlite3" -o csv --output-file "$c/old.csv"
head -n 1 "$c/config.toml"; ls "$3/u/conf""#;
    let out = std::process::Command::new("unshare")
        .args(["--mount", "sh", "-c", script, "sh"])
        .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .args([&image, &disk, &export])
        .env_clear()
        .envs(sb.env())
        .envs([
            ("TALKDESK_BASE_URL", "http://127.0.0.1:9/"),
            ("TALKDESK_TOKEN_URL", "http://127.0.0.1:9/oauth/token"),
        ])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("immutable"), "{err}");
    let written: Vec<_> = stdout_of(&out).lines().map(String::from).collect();
    assert_eq!(
        written,
        [
            "# talkdesk-accounts configuration.",
            "config.toml",
            "h.sqlite3",
            "new.toml",
            "old.csv"
        ]
    );
}

/// On an erofs disk itself (read-only: an image mounted as it is), whose files statx(2) calls
/// immutable though erofs keeps no attribute of chattr (lsattr: "Operation not supported"),
/// `config init --force` over a config file there said "… is immutable (chattr +i) … clear that
/// (chattr -i …, as root)", which no chattr can, and `--output-file` over a file there "it is
/// immutable or append-only": they say the file system is read-only, as for a new file there.
/// Run in a mount namespace of the test's own, as root (a loop device).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root, a loop device and mkfs.erofs (erofs-utils): .ci/run runs it where they are"]
fn erofs_root_files_on_an_erofs_disk_are_said_read_only_not_immutable() {
    let sb = Sandbox::new();
    let (layer, image, disk) = (sb.path("layer"), sb.path("image.img"), sb.path("disk"));
    support::write_private(&layer.join("config.toml"), "# mine\n");
    erofs_image(&layer, &image);
    fs::create_dir(&disk).unwrap();
    let file = disk.join("config.toml");
    let init = ["config", "init", "--force", "--config"];
    let list = ["--config", "/dev/null", "list", "--output-file"];
    for args in [&init, &list] {
        let script = r#"mount -o loop,ro "$1" "$2" && shift 2 && exec "$@" </dev/null"#;
        let out = std::process::Command::new("unshare")
            .args(["--mount", "sh", "-c", script, "sh"])
            .args([&image, &disk])
            .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
            .args(args)
            .arg(&file)
            .env_clear()
            .envs(sb.env())
            .envs([
                ("TALKDESK_BASE_URL", "http://127.0.0.1:9/"),
                ("TALKDESK_TOKEN_URL", "http://127.0.0.1:9/oauth/token"),
                ("TALKDESK_CLIENT_ID", "id"),
                ("TALKDESK_CLIENT_SECRET", "secret"),
            ])
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!err.contains("chattr"), "{err}");
        assert!(err.contains("read-only"), "{err}");
    }
}
