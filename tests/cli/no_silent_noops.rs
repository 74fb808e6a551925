//! Flags never silently do nothing (issue 13, item 5): `--columns` selects
//! the fields of json and jsonl (as gh's `--json FIELDS`), a column no
//! account has is warned about like `--sort`, `--page` past the last page
//! says how many pages there are, and `auth check` has no `--per-page`.

use crate::support;

use serde_json::{Value, json};
use support::fake_api::{FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, simple_accounts};
use support::{Sandbox, stderr_of, stdout_of};

fn fake(n: usize, page_cap: usize) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(n),
        page_cap,
        ..FakeConfig::default()
    })
}

#[test]
fn columns_select_the_fields_of_json_in_their_order() {
    let sb = Sandbox::new();
    let fake = fake(2, 100);
    let output = sb
        .tool(&fake)
        .args(["list", "-o", "json", "--columns", "status,id"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        parsed,
        json!([{"status": "ACTIVE", "id": "acc-0001"}, {"status": "CHURNED", "id": "acc-0002"}])
    );
    assert!(
        text.contains(r#"{"status":"ACTIVE","id":"acc-0001"}"#),
        "in the order named: {text}"
    );
}

#[test]
fn columns_select_the_fields_of_jsonl_and_without_columns_every_field_is_kept() {
    let sb = Sandbox::new();
    let fake = fake(1, 100);
    let selected = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl", "--columns", "id,name"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&selected),
        "{\"id\":\"acc-0001\",\"name\":\"name-1\"}\n"
    );
    let all = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&all),
        "{\"id\":\"acc-0001\",\"name\":\"name-1\",\"company_name\":\"Company 1\",\"status\":\"ACTIVE\"}\n"
    );
}

#[test]
fn a_column_no_account_has_is_warned_about_in_every_format() {
    let sb = Sandbox::new();
    let fake = fake(3, 100);
    for format in ["table", "csv", "json", "jsonl"] {
        let output = sb
            .tool(&fake)
            .args(["list", "-o", format, "--columns", "id,nosuch"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        // JSON leaves the field out; it was said to be printed empty.
        let done = match format {
            "json" | "jsonl" => "so --columns left it out",
            _ => "so --columns printed it empty",
        };
        assert!(
            stderr.contains("warning: no account has a field `nosuch`")
                && stderr.contains(done)
                && stderr.contains("check the field name"),
            "{format}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{format}: {stderr}");
    }
    let known = sb
        .tool(&fake)
        .args(["list", "--columns", "id,name"])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&known), "", "no warning for fields that exist");
}

/// With no account listed there is no field to find: `--columns` is not
/// said to have named fields no account has (it is with one account).
#[test]
fn no_column_is_said_missing_when_no_account_is_listed() {
    let sb = Sandbox::new();
    let fake = fake(0, 100);
    let output = (sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--columns", "id,nosuch"]))
    .output()
    .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "");
}

/// A server that sends no `total_pages`: `--page 9` of 12 accounts was an
/// empty list with no word, though the API's `total` said there were
/// accounts (found by the walk's differential fuzz).
#[test]
fn a_page_past_the_last_warns_without_total_pages_by_the_total() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(12),
        page_cap: 5,
        no_total_pages: true,
        ..FakeConfig::default()
    });
    let output = sb
        .tool(&fake)
        .args(["list", "--page", "9", "-o", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(
            "warning: page 9 is past the last page: it holds no account of the 12 the API reported"
        ),
        "{stderr}"
    );
    let within = sb
        .tool(&fake)
        .args(["list", "--page", "3", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&within), "", "page 3 holds accounts 11 and 12");
}

#[test]
fn a_page_past_the_last_warns_with_the_number_of_pages() {
    let sb = Sandbox::new();
    let fake = fake(12, 5);
    let output = sb
        .tool(&fake)
        .args(["list", "--page", "9", "-o", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("warning: page 9 is past the last page: the API reported 3 pages"),
        "{stderr}"
    );
    let last = sb
        .tool(&fake)
        .args(["list", "--page", "3", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&last), "", "the last page is not past it");
    assert_eq!(stdout_of(&last).lines().count(), 3, "header and 2 accounts");
}

#[test]
fn auth_check_has_no_per_page() {
    let sb = Sandbox::new();
    let fake = fake(3, 100);
    let output = sb
        .tool(&fake)
        .args(["auth", "check", "--per-page", "10"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("--per-page"));
    assert!(fake.requests().is_empty());
    let help = sb
        .bare()
        .args(["auth", "check", "--help"])
        .output()
        .unwrap();
    assert!(!stdout_of(&help).contains("--per-page"));
}

/// The options of one format, given with another (`--bom -o jsonl`), do
/// nothing there: a warning says so, and the output is as without them.
/// Before, they were ignored without a word.
#[test]
fn an_option_of_another_format_is_warned_about() {
    let sb = Sandbox::new();
    let fake = fake(3, 100);
    let cases: [(&[&str], &str); 4] = [
        (
            &["-o", "jsonl", "--bom"],
            "--bom applies to csv output only",
        ),
        (
            &["-o", "table", "--no-formula-guard"],
            "--no-formula-guard applies to csv output only",
        ),
        (
            &["-o", "json", "--no-header"],
            "--no-header applies to table and csv output only",
        ),
        (
            &["--jq", ".id", "--no-header"],
            "--no-header applies to table and csv output only",
        ),
    ];
    for (args, warning) in cases {
        let with = sb.tool(&fake).arg("list").args(args).output().unwrap();
        let without = sb
            .tool(&fake)
            .arg("list")
            .args(&args[..2])
            .output()
            .unwrap();
        assert_eq!(stdout_of(&with), stdout_of(&without), "{args:?}");
        assert!(
            stderr_of(&with).contains(warning),
            "{args:?}: {}",
            stderr_of(&with)
        );
    }
    for args in [["-o", "csv", "--bom"], ["-o", "table", "--no-header"]] {
        let output = sb.tool(&fake).arg("list").args(args).output().unwrap();
        assert_eq!(stderr_of(&output), "", "{args:?}");
    }
}

/// `list --at` and `snapshot --import` read no API: the options of the
/// network are refused (exit 2) rather than ignored. Before, `--per-page`,
/// `--concurrency`, `--timeout`, `--max-retries`, `--max-rate` and
/// `--no-cache` did nothing without a word (only `--page` was refused).
#[test]
fn offline_commands_refuse_the_options_of_the_network() {
    let sb = Sandbox::new();
    let options: [&[&str]; 7] = [
        &["--page", "2"],
        &["--per-page", "10"],
        &["--concurrency", "2"],
        &["--timeout", "5"],
        &["--max-retries", "1"],
        &["--max-rate", "1"],
        &["--no-cache"],
    ];
    // `snapshot` has no `--page` at all.
    let at = options.iter().map(|o| (&["list", "--at", "now"][..], *o));
    let import = options[1..]
        .iter()
        .map(|o| (&["snapshot", "--import", "x.json", "--at", "1d"][..], *o));
    for (command, option) in at.chain(import) {
        let args = [command, option].concat();
        let output = sb.bare().args(&args).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let refused = format!("cannot be used with '{}", option[0]);
        assert!(stderr.contains(&refused), "{args:?}: {stderr}");
    }
}

/// `list --page N` fetches that one page: `--concurrency` (pages fetched at once once the page
/// count is known) did nothing beside it without a word. It is warned about, as `--bom` is with
/// `-o jsonl`; the config file's `concurrency` is no flag given, and gets no warning.
#[test]
fn concurrency_with_page_is_warned_about() {
    let sb = Sandbox::new();
    let fake = fake(12, 5);
    let output = sb
        .tool(&fake)
        .args(["list", "--page", "2", "--concurrency", "3", "-o", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stderr_of(&output),
        "warning: --concurrency does nothing with --page, which fetches one page\n"
    );
    assert_eq!(fake.page_requests(), vec![2]);
    let alone = sb
        .tool(&fake)
        .args(["list", "--page", "2", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&alone), "", "no --concurrency given");
}

/// `list --page 3` from a server that ignores the page asked for (a saved page 1 served as a
/// file by http-server or `python3 -m http.server`, a Mockoon route with no rule on `page`)
/// printed page 1's accounts as page 3, exit 0 without a word; the walk already refused it. The
/// answer's next link, asking for page 2, shows it is not page 3.
#[test]
fn a_page_whose_next_link_goes_back_is_not_the_page_asked_for() {
    let sb = Sandbox::new();
    let fake = fake(9, 3);
    let saved = json!({
        "page": 1,
        "total": 9,
        "total_pages": 3,
        "_embedded": {"accounts": simple_accounts(3)},
        "_links": {"next": {"href": "/express/accounts?page=2&per_page=3"}},
    });
    fake.set_faults(Faults {
        always: vec![(RequestMatch::AnyPage, FaultKind::Json(saved))],
        ..Faults::default()
    });
    for page in ["2", "3"] {
        let output = (sb.tool(&fake))
            .args(["list", "--page", page, "-o", "jsonl"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(5), "--page {page}: {stderr}");
        assert_eq!(stdout_of(&output), "", "--page {page}");
        let said = format!(
            "its next link asks for page 2, so it is not page {page}: the API ignores the page asked for"
        );
        assert!(stderr.contains(&said), "--page {page}: {stderr}");
    }
    let first = (sb.tool(&fake))
        .args(["list", "--page", "1", "-o", "jsonl"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr_of(&first));
    assert_eq!(stdout_of(&first).lines().count(), 3);
}

/// `list --page 9` of 3 pages from a server that answers a page past its last with its last (or
/// its first), its next link counted from the page it sent (page 4, or 2): the rule above took it
/// for a server that ignores the page asked for ("…; check base_url", exit 5), though the API
/// honours every page it has and said it has 3. Past them, page 9 holds none, as the walk ends
/// on such a repeat: nothing printed, "page 9 is past the last page", exit 0.
#[test]
fn a_page_past_the_last_clamped_by_the_server_is_past_the_last_not_ignored() {
    let sb = Sandbox::new();
    let fake = fake(9, 3);
    for (sent, next) in [(3, 4), (1, 2)] {
        let clamped = json!({
            "page": sent,
            "total": 9,
            "total_pages": 3,
            "_embedded": {"accounts": simple_accounts(3)},
            "_links": {"next": {"href": format!("/express/accounts?page={next}&per_page=3")}},
        });
        fake.set_faults(Faults {
            always: vec![(RequestMatch::AnyPage, FaultKind::Json(clamped))],
            ..Faults::default()
        });
        let output = (sb.tool(&fake))
            .args(["list", "--page", "9", "-o", "jsonl"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(0), "page {sent}: {stderr}");
        assert_eq!(stdout_of(&output), "", "page {sent}: not page 9");
        assert_eq!(
            stderr, "warning: page 9 is past the last page: the API reported 3 pages\n",
            "page {sent}"
        );
    }
}

/// `list -o table --output-file accounts.csv` asks for a table: it was
/// warned of as the one without `-o`, "as -o defaults to table", which it
/// was not given as.
#[test]
fn a_table_asked_for_by_name_is_not_warned_about_as_the_default() {
    let sb = Sandbox::new();
    let fake = fake(3, 100);
    for output in ["table", "TABLE"] {
        let out = sb
            .tool(&fake)
            .args(["ls", "-o", output, "--output-file"])
            .arg(sb.path("accounts.csv"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "-o {output}");
    }
}

/// `list --output-file accounts.csv` without `-o csv` writes the default
/// table: said on stderr, with the flag that gives what the name promises.
#[test]
fn a_table_written_to_a_file_named_for_another_format_is_warned_about() {
    let sb = Sandbox::new();
    let fake = fake(3, 100);
    for (name, flag) in [
        ("accounts.csv", "-o csv"),
        ("accounts.JSON", "-o json"),
        ("a.ndjson", "-o jsonl"),
    ] {
        let file = sb.path(name);
        let output = sb
            .tool(&fake)
            .args(["list", "--output-file"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(
            stderr.starts_with("warning: writing a table to ") && stderr.contains(flag),
            "{name}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let folder = sb.path("x.csv").parent().unwrap().to_path_buf();
    for args in [
        &["-o", "csv", "--output-file", "x.csv"][..],
        &["--output-file", "x.txt"],
        &["-q", "--output-file", "y.csv"],
    ] {
        let output = sb
            .tool(&fake)
            .arg("list")
            .args(args)
            .current_dir(&folder)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(stderr_of(&output), "", "{args:?}");
    }
}

/// A field name given with an escape sequence in it is named with the
/// escape written out, as other messages name what was given: the
/// warnings said "no account has a field `name`" for `--sort
/// $'\e[31mname'` (a field every account has), and the empty-name error
/// showed `id,,n` for `id,,\e[1mn`.
#[test]
fn a_field_name_with_an_escape_is_named_as_given() {
    let sb = Sandbox::new();
    let fake = fake(2, 100);
    for args in [
        &["list", "-o", "jsonl", "--sort", "\u{1b}[31mname"][..],
        &["list", "-o", "jsonl", "--columns", "id,\u{1b}[31mname"],
        &["list", "--columns", "id,\u{1b}[31mname"],
    ] {
        let output = sb.tool(&fake).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        let err = stderr_of(&output);
        assert!(
            err.contains(r"no account has a field `\u{1b}[31mname`"),
            "{args:?}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "{args:?}: {err}");
    }
    let output = (sb.tool(&fake))
        .args(["list", "--columns", "id,,\u{1b}[1mn"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr_of(&output);
    assert!(
        err.contains(r"--columns `id,,\u{1b}[1mn` has an empty name"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err}");
}
