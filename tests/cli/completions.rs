//! The completion scripts committed in `completions/` are exactly what the
//! binary prints (SPEC §1): a CLI change without regenerating them fails here.

use crate::support;

use std::path::PathBuf;

use clap_complete::Generator;

use support::{Sandbox, stderr_of};

/// Each shell and clap_complete's file name for it.
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "talkdesk-accounts.bash"),
    ("zsh", "_talkdesk-accounts"),
    ("fish", "talkdesk-accounts.fish"),
    ("powershell", "_talkdesk-accounts.ps1"),
    ("elvish", "talkdesk-accounts.elv"),
];

const REGENERATE: &str = "regenerate them from the repository root with:\n  mkdir -p completions; \
for s in bash zsh fish powershell elvish; do case $s in \
bash) f=talkdesk-accounts.bash;; zsh) f=_talkdesk-accounts;; fish) f=talkdesk-accounts.fish;; \
powershell) f=_talkdesk-accounts.ps1;; elvish) f=talkdesk-accounts.elv;; esac; \
cargo run -q -- completions $s > completions/$f; done";

fn committed(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

#[test]
fn the_file_names_are_clap_completes() {
    for (shell, file) in SCRIPTS {
        let shell: clap_complete::Shell = shell.parse().expect("a shell clap_complete knows");
        assert_eq!(shell.file_name("talkdesk-accounts"), file);
    }
}

#[test]
fn committed_completion_scripts_match_the_binary() {
    let sandbox = Sandbox::new();
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let output = sandbox
            .bare()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(
            output.status.success(),
            "completions {shell}: {}",
            stderr_of(&output)
        );
        assert!(
            !output.stdout.is_empty(),
            "completions {shell} printed nothing"
        );
        let path = committed(file);
        match std::fs::read(&path) {
            Ok(bytes) if bytes == output.stdout => {}
            Ok(_) => stale.push(format!(
                "{} differs from `completions {shell}`",
                path.display()
            )),
            Err(e) => stale.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "completion scripts are stale:\n  {}\n{REGENERATE}",
        stale.join("\n  ")
    );
}

/// The install commands of docs/commands.md's "Shell completions" work in
/// a new home: the fish one wrote into `~/.config/fish/completions`, which
/// fish does not make ("No such file or directory").
#[test]
fn the_documented_install_commands_work_in_a_new_home() {
    let sb = Sandbox::new();
    let page = std::fs::read_to_string(committed("../docs/commands.md")).unwrap();
    let section = page.split("## Shell completions").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let path = format!("{}:/usr/bin:/bin", bin.parent().unwrap().display());
    let blocks = section.split("```sh\n").skip(1);
    for block in blocks.map(|b| b.split("```").next().unwrap()) {
        // The shell commands, not the lines for ~/.zshrc.
        let lines = block.lines().map(str::trim_start);
        let lines =
            lines.filter(|l| l.starts_with("mkdir ") || l.starts_with("talkdesk-accounts "));
        let block = lines.collect::<Vec<_>>().join("\n");
        let home = tempfile::tempdir_in(sb.dir.path()).unwrap();
        let ran = std::process::Command::new("sh")
            .args(["-ec", &block])
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(ran.status.success(), "{block}: {}", stderr_of(&ran));
    }
}
