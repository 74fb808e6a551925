//! The `manpage` command prints the man page (roff) on stdout.
use crate::support;

use support::{Sandbox, stderr_of, stdout_of};

#[test]
fn prints_one_roff_page_for_the_whole_cli() {
    let output = Sandbox::new().bare().arg("manpage").output().unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let page = stdout_of(&output);
    assert_eq!(page.matches("\n.TH ").count(), 1, "one page");
    assert!(page.contains(&format!(
        ".TH talkdesk-accounts 1  \"talkdesk-accounts {}\"",
        env!("CARGO_PKG_VERSION")
    )));
    for heading in [
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"TALKDESK-ACCOUNTS LIST\"",
        ".SH \"TALKDESK-ACCOUNTS DIFF\"",
        ".SH \"TALKDESK-ACCOUNTS CONFIG INIT\"",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(heading), "{heading} missing");
    }
    // The per-command options are there, the global ones only once.
    assert!(page.contains("\\fB\\-\\-exit\\-code\\fR"));
    assert_eq!(
        page.matches("\\fB\\-\\-profile\\fR \\fI<NAME>\\fR").count(),
        1
    );
}

/// The README's exit-code table and the man page's EXIT STATUS name the
/// same HTTP statuses for each code: the README's row for 5 left out the
/// 400 and 404 that SPEC §5 and the man page give it, so a reader took a
/// wrong base_url's 404 for exit 1 ("anything else").
#[test]
fn the_readme_and_the_man_page_give_each_http_status_the_same_exit_code() {
    let output = Sandbox::new().bare().arg("manpage").output().unwrap();
    let page = stdout_of(&output);
    let page = page.split(".SH \"EXIT STATUS\"").nth(1).unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let readme = readme.unwrap();
    let statuses = |text: &str| -> Vec<String> {
        let words = text.split(|c: char| !c.is_ascii_alphanumeric());
        let mut found: Vec<String> = words
            .filter(|w| w.len() == 3 && w.starts_with(['4', '5']))
            .map(str::to_string)
            .collect();
        found.sort();
        found
    };
    for code in 0..=5 {
        let man = page.split(&format!("\\fB{code}\\fR\n")).nth(1).unwrap();
        let man = man.lines().next().unwrap();
        let row = readme.split(&format!("\n| {code} | ")).nth(1).unwrap();
        let row = row.lines().next().unwrap();
        assert_eq!(
            statuses(row),
            statuses(man),
            "exit {code}: {row:?} / {man:?}"
        );
    }
}

/// The man page's ENVIRONMENT names every variable the tool reads that the
/// README and docs/ name: it left out `COLUMNS` (the width a table fits on a
/// terminal) and `SSL_CERT_FILE`/`SSL_CERT_DIR` (the system's certificates on
/// Linux, which the tool's TLS errors now name).
#[test]
fn the_environment_section_names_every_variable_the_docs_say_is_read() {
    let output = Sandbox::new().bare().arg("manpage").output().unwrap();
    let page = stdout_of(&output);
    let environment = page.split(".SH ENVIRONMENT").nth(1).unwrap();
    let environment = environment.split(".SH ").next().unwrap();
    for var in [
        "COLUMNS",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "NO_COLOR",
        "TERM",
    ] {
        assert!(environment.contains(var), "{var} missing:\n{environment}");
    }
}

/// A reader of stdout that goes away (`| head`) ends a run quietly with
/// exit 0 (SPEC §5, the README): the man page's EXIT STATUS did not say so.
#[test]
fn the_exit_status_says_a_reader_gone_away_is_exit_0() {
    let output = Sandbox::new().bare().arg("manpage").output().unwrap();
    let page = stdout_of(&output);
    let status = page.split(".SH \"EXIT STATUS\"").nth(1).unwrap();
    let zero = status.split("\\fB0\\fR\n").nth(1).unwrap();
    let zero = zero.lines().next().unwrap();
    assert!(zero.contains("| head"), "{zero}");
}

/// A `snapshot --import` file that is not an export is a usage error, exit 2
/// (SPEC §8), as a bad `diff` OLD file is: the man page's EXIT STATUS and the
/// README's exit codes named the diff file alone.
#[test]
fn the_exit_status_gives_a_bad_import_file_the_code_it_exits_with() {
    let sb = Sandbox::new();
    let export = sb.path("broken.jsonl");
    std::fs::write(&export, "{\"id\": \n").unwrap();
    let import = sb
        .bare()
        .arg("--history")
        .arg(sb.path("store"))
        .env("TALKDESK_ACCOUNT_NAME", "mycompany")
        .args(["snapshot", "--at", "2026-11-01", "--import"])
        .arg(&export)
        .output()
        .unwrap();
    let code = import.status.code().expect("an exit code");
    let output = sb.bare().arg("manpage").output().unwrap();
    let page = stdout_of(&output);
    let status = page.split(".SH \"EXIT STATUS\"").nth(1).unwrap();
    let line = status.split(&format!("\\fB{code}\\fR\n")).nth(1).unwrap();
    let line = line.lines().next().unwrap();
    assert!(line.contains("import"), "exit {code}: {line}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let readme = readme.unwrap();
    let row = readme.split(&format!("\n| {code} | ")).nth(1).unwrap();
    let row = row.lines().next().unwrap();
    assert!(row.contains("import"), "the README's exit {code}: {row}");
}
