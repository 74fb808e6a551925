//! The zsh completion script works: a scripted interactive zsh (zpty)
//! loads it with compinit, a command line is typed followed by Tab, and
//! every candidate the completion system adds is captured. A new machine
//! may have no zsh: `cargo test` lists these tests as ignored, and
//! `.ci/run` runs them where zsh is installed (and says when it is not).
use crate::support;

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

use support::{Sandbox, stderr_of};

/// `zsh -f DRIVER FPATH_DIR LINE`: starts an interactive zsh in a pseudo-
/// terminal (zpty) with FPATH_DIR on `fpath`, compinit, Tab bound to
/// complete-word and `compadd` wrapped to print each candidate as
/// `CAND:word`; types LINE and Tab, and prints the candidates until the
/// completion is over (the post-function exits the inner shell).
const DRIVER: &str = r#"
zmodload zsh/zpty || exit 3
dir=$1; shift
init=$dir/init.zsh
cat > $init <<'INIT'
PROMPT=
autoload -Uz compinit
compinit -u -D
bindkey "^I" complete-word
null-line () { echo -E - $'\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ":completion:*" list-grouped false
zstyle ":completion:*" insert-tab false
compadd () {
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
        builtin compadd "$@"
        return $?
    fi
    typeset -a __hits
    builtin compadd -A __hits "$@"
    local h
    for h in $__hits; do echo -E - "CAND:$h"; done
}
echo ok
INIT
zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); source ${(q)init}"
repeat 8; do
  zpty -r z line
  [[ $line == ok* ]] && break
done
zpty -w -n z "$*"$'\t'
integer nulls=0
while zpty -r z line; do
  [[ $line == *CAND:* ]] && print -r -- "${${line#*CAND:}%$'\r'*}"
  if [[ $line == *$'\0'* ]]; then
    (( nulls++ ))
    (( nulls >= 2 )) && break
  fi
done
"#;

/// Writes the script the binary prints as `_talkdesk-accounts` in a
/// folder of its own (zsh finds completion functions on `fpath`).
fn script(sb: &Sandbox) -> std::path::PathBuf {
    let output = sb.bare().args(["completions", "zsh"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let dir = sb.path("zfunc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_talkdesk-accounts"), &output.stdout).unwrap();
    dir
}

/// What zsh offers for `line` (completing its last word).
fn offers(fpath: &Path, line: &str) -> BTreeSet<String> {
    let output = Command::new("zsh")
        .timeout(std::time::Duration::from_secs(60))
        .args(["-f", "-c", DRIVER, "driver"])
        .arg(fpath)
        .arg(format!("talkdesk-accounts {line}"))
        .current_dir(fpath)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", fpath)
        .env("TERM", "dumb")
        .output()
        .expect("zsh not found: these tests need it (apt-get install -y zsh)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
#[ignore = "needs zsh, which a new machine may not have: .ci/run runs it where zsh is installed"]
fn completes_shell_names_for_completions() {
    let sb = Sandbox::new();
    let fpath = script(&sb);
    assert_eq!(
        offers(&fpath, "completions "),
        set(&["bash", "elvish", "fish", "powershell", "zsh"])
    );
}

#[test]
#[ignore = "needs zsh, which a new machine may not have: .ci/run runs it where zsh is installed"]
fn completes_color_values_and_subcommands() {
    let sb = Sandbox::new();
    let fpath = script(&sb);
    assert_eq!(
        offers(&fpath, "--color "),
        set(&["auto", "always", "never"])
    );
    let top = offers(&fpath, "");
    for command in [
        "list",
        "ls",
        "summary",
        "diff",
        "config",
        "auth",
        "completions",
        "manpage",
    ] {
        assert!(top.contains(command), "{command} not in {top:?}");
    }
}

#[test]
#[ignore = "needs zsh, which a new machine may not have: .ci/run runs it where zsh is installed"]
fn completes_flags_and_their_values() {
    let sb = Sandbox::new();
    let fpath = script(&sb);
    assert_eq!(offers(&fpath, "list --sta"), set(&["--status"]));
    assert_eq!(
        offers(&fpath, "ls -o "),
        set(&["table", "json", "jsonl", "csv"])
    );
    assert_eq!(
        offers(&fpath, "summary --status IN"),
        set(&["IN_TRIAL", "INACTIVE"])
    );
    let check = offers(&fpath, "auth check --");
    assert!(check.contains("--no-cache"), "{check:?}");
    assert!(!check.contains("--per-page"), "{check:?}");
}

/// Statuses are comma-separated, but `--status ACTIVE,<TAB>` offered
/// nothing: the status after the last comma is completed.
#[test]
#[ignore = "needs zsh, which a new machine may not have: .ci/run runs it where zsh is installed"]
fn completes_the_status_after_a_comma() {
    let sb = Sandbox::new();
    let fpath = script(&sb);
    assert_eq!(
        offers(&fpath, "list --status ACTIVE,IN"),
        set(&["IN_TRIAL", "INACTIVE"])
    );
}

/// An account id, a number, a time or a jq expression is no file, but zsh
/// offered the folder's file names for them (`history <TAB>`, `list
/// --timeout <TAB>`); the options that take a file keep offering them.
#[test]
#[ignore = "needs zsh, which a new machine may not have: .ci/run runs it where zsh is installed"]
fn offers_no_file_names_for_values_that_are_no_file() {
    let sb = Sandbox::new();
    let fpath = script(&sb);
    std::fs::write(fpath.join("accounts.csv"), "").unwrap();
    for line in [
        "history ",
        "list --timeout ",
        "list --jq ",
        "list -p ",
        "changes --since ",
        "trend --since ",
    ] {
        let offered = offers(&fpath, line);
        assert!(!offered.contains("accounts.csv"), "{line}: {offered:?}");
    }
    for line in ["list --output-file ", "diff ", "trend --plot "] {
        let offered = offers(&fpath, line);
        assert!(offered.contains("accounts.csv"), "{line}: {offered:?}");
    }
}
