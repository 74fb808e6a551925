//! `diff OLD` against the fake API: an export from `list` compared with the
//! live list after it changed; json/csv/table shapes; --exit-code; --status;
//! OLD files that are missing, malformed or without ids.
use crate::support;

use serde_json::{Value, json};
use support::fake_api::{FakeApi, FakeConfig, simple_accounts};
use support::{Sandbox, stderr_of, stdout_of};

fn fake(accounts: Vec<Value>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        page_cap: 4,
        ..FakeConfig::default()
    })
}

/// Exports the fake's accounts with `list -o FORMAT` into the sandbox.
fn export(sb: &Sandbox, fake: &FakeApi, format: &str) -> std::path::PathBuf {
    let path = sb.path(&format!("old.{format}"));
    let output = sb
        .tool(fake)
        .args(["list", "-o", format, "--output-file"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    path
}

/// The live list after a week: acc-0002 gone, acc-0004 churned and renamed,
/// acc-0100 new, acc-0006 got an extra field (not in OLD: not a change).
fn a_week_later() -> Vec<Value> {
    let mut accounts = simple_accounts(10);
    accounts.remove(1);
    accounts[2]["status"] = json!("CHURNED");
    accounts[2]["company_name"] = json!("Company 4 (renamed)");
    accounts[4]["region"] = json!("eu-west");
    accounts.push(
        json!({"id": "acc-0100", "name": "newco", "company_name": "New Co", "status": "IN_TRIAL"}),
    );
    accounts
}

fn diff(sb: &Sandbox, fake: &FakeApi, args: &[&str]) -> std::process::Output {
    sb.tool(fake).arg("diff").args(args).output().unwrap()
}

#[test]
fn json_reports_added_removed_and_changed_by_id() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "json");
    fake.set_accounts(a_week_later());
    let output = diff(&sb, &fake, &[old.to_str().unwrap(), "-o", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let before = simple_accounts(10);
    let after = a_week_later();
    assert_eq!(
        parsed,
        json!({
            "added": [after[9]],
            "removed": [before[1]],
            "changed": [{"id": "acc-0004", "before": before[3], "after": after[2]}],
        })
    );
}

#[test]
fn a_jsonl_export_works_the_same() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "jsonl");
    fake.set_accounts(a_week_later());
    let output = diff(&sb, &fake, &[old.to_str().unwrap(), "-o", "json"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["added"][0]["id"], "acc-0100");
    assert_eq!(parsed["removed"][0]["id"], "acc-0002");
    assert_eq!(parsed["changed"][0]["id"], "acc-0004");
    assert_eq!(parsed["changed"].as_array().unwrap().len(), 1);
}

#[test]
fn an_export_with_fewer_fields_compares_only_those() {
    let sb = Sandbox::new();
    let old = sb.path("narrow.jsonl");
    let lines: Vec<String> = simple_accounts(10)
        .iter()
        .map(|a| json!({"id": a["id"], "status": a["status"]}).to_string())
        .collect();
    std::fs::write(&old, lines.join("\n") + "\n").unwrap();
    let fake = fake(a_week_later());
    let output = diff(&sb, &fake, &[old.to_str().unwrap(), "-o", "json"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let changed = parsed["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "only the status change counts: {parsed}");
    assert_eq!(
        changed[0]["before"],
        json!({"id": "acc-0004", "status": "INACTIVE"})
    );
    assert_eq!(changed[0]["after"]["status"], "CHURNED");
}

#[test]
fn csv_has_one_row_per_difference() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "json");
    let mut later = a_week_later();
    later[0]["name"] = json!("=cmd|' /C calc'!A0");
    fake.set_accounts(later);
    let output = diff(&sb, &fake, &[old.to_str().unwrap(), "-o", "csv"]);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["change", "id", "name", "field", "before", "after"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let row = |cells: [&str; 6]| cells.map(str::to_string).to_vec();
    assert_eq!(
        rows,
        vec![
            row(["added", "acc-0100", "newco", "", "", ""]),
            row(["removed", "acc-0002", "name-2", "", "", ""]),
            row([
                "changed",
                "acc-0001",
                "'=cmd|' /C calc'!A0",
                "name",
                "name-1",
                "'=cmd|' /C calc'!A0"
            ]),
            row([
                "changed",
                "acc-0004",
                "name-4",
                "company_name",
                "Company 4",
                "Company 4 (renamed)"
            ]),
            row([
                "changed", "acc-0004", "name-4", "status", "INACTIVE", "CHURNED"
            ]),
        ]
    );
}

#[test]
fn the_table_shows_the_differences_and_a_tally_on_stderr() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "json");
    fake.set_accounts(a_week_later());
    let output = diff(&sb, &fake, &[old.to_str().unwrap()]);
    let text = stdout_of(&output);
    assert!(
        text.contains(
            "│ change  ┆ id       ┆ name   ┆ field        ┆ before    ┆ after               │"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "│ changed ┆ acc-0004 ┆ name-4 ┆ status       ┆ INACTIVE  ┆ CHURNED             │"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    assert_eq!(stderr_of(&output), "1 added, 1 removed, 1 changed\n");
}

#[test]
fn exit_code_is_1_only_with_the_flag_and_differences() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "json");
    let old = old.to_str().unwrap();

    let same = diff(&sb, &fake, &[old, "--exit-code", "-o", "json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr_of(&same));
    let parsed: Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(parsed, json!({"added": [], "removed": [], "changed": []}));

    fake.set_accounts(a_week_later());
    let without_flag = diff(&sb, &fake, &[old, "-o", "json"]);
    assert_eq!(without_flag.status.code(), Some(0));
    let with_flag = diff(&sb, &fake, &[old, "--exit-code", "-o", "json"]);
    assert_eq!(with_flag.status.code(), Some(1));
    assert_eq!(
        with_flag.stdout, without_flag.stdout,
        "the report is printed all the same"
    );
    assert_eq!(
        stderr_of(&with_flag),
        "",
        "differences are not an error message"
    );
}

#[test]
fn status_selects_on_both_sides() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(10));
    let old = export(&sb, &fake, "json");
    fake.set_accounts(a_week_later());
    // INACTIVE: acc-0004 was INACTIVE and is now CHURNED, so it left the subset.
    let output = diff(
        &sb,
        &fake,
        &[old.to_str().unwrap(), "-s", "inactive", "-o", "json"],
    );
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        parsed,
        json!({"added": [], "removed": [simple_accounts(10)[3]], "changed": []})
    );
    // IN_TRIAL: acc-0003 unchanged, acc-0010 unchanged, acc-0100 new.
    let output = diff(
        &sb,
        &fake,
        &[old.to_str().unwrap(), "-s", "IN_TRIAL", "-o", "json"],
    );
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["added"].as_array().unwrap().len(), 1);
    assert_eq!(parsed["removed"], json!([]));
}

#[test]
fn status_needs_a_status_field_in_old() {
    let sb = Sandbox::new();
    let old = sb.path("ids.json");
    std::fs::write(&old, r#"[{"id": "acc-0001"}]"#).unwrap();
    let fake = fake(simple_accounts(3));
    let output = diff(&sb, &fake, &[old.to_str().unwrap(), "-s", "ACTIVE"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("record 1: no `status` field"), "{stderr}");
}

/// An account the API sent without a `status` is exported without one (by `list -o json`, and
/// by `--columns id,status` too): `diff --status` of such an export was exit 2, "export with
/// status among the --columns", which it was. That account is in no status's subset, as in the
/// live list; only an export without any status (its `--columns` left it out) is refused.
#[test]
fn status_selects_from_an_export_with_an_account_the_api_sent_without_a_status() {
    let sb = Sandbox::new();
    let mut accounts = simple_accounts(3);
    accounts[1].as_object_mut().unwrap().remove("status");
    let fake = fake(accounts.clone());
    for columns in [None, Some("id,status")] {
        let old = sb.path("old.jsonl");
        let mut list = sb.tool(&fake);
        list.args(["list", "-o", "jsonl", "--output-file"])
            .arg(&old);
        if let Some(columns) = columns {
            list.args(["--columns", columns]);
        }
        assert!(list.output().unwrap().status.success());
        let output = diff(
            &sb,
            &fake,
            &[old.to_str().unwrap(), "-s", "active", "-o", "json"],
        );
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(0), "{columns:?}: {stderr}");
        let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(parsed, json!({"added": [], "removed": [], "changed": []}));
    }
}

/// Runs diff on a file with `text` and expects exit 2 with `expected` in
/// the message, no panic, and no request to the API.
fn rejects(name: &str, text: Option<&str>, expected: &str) {
    let sb = Sandbox::new();
    let path = sb.path(name);
    if let Some(text) = text {
        std::fs::write(&path, text).unwrap();
    }
    let fake = fake(simple_accounts(3));
    let output = diff(&sb, &fake, &[path.to_str().unwrap()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(&path.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(stderr.contains(expected), "{expected} not in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        fake.requests().is_empty(),
        "the file is checked before any request"
    );
}

#[test]
fn a_missing_file_is_a_usage_error() {
    rejects("nope.json", None, "cannot read");
}

#[test]
fn malformed_jsonl_names_the_line() {
    rejects(
        "bad.jsonl",
        Some("{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"c\",\n"),
        ", line 3: not valid JSON",
    );
}

#[test]
fn a_truncated_json_array_names_the_line() {
    rejects(
        "bad.json",
        Some("[\n  {\"id\": \"a\"},\n  {\"id\": \"b\"\n"),
        ", line 4, column 0: not valid JSON",
    );
}

#[test]
fn a_record_without_id_is_a_usage_error() {
    rejects(
        "noid.jsonl",
        Some("{\"id\": \"a\"}\n{\"name\": \"b\"}\n"),
        "line 2: no `id`",
    );
    rejects(
        "noid.json",
        Some("[{\"id\": \"a\"}, {\"id\": null}]"),
        "record 2: no `id`",
    );
}

/// A page of the API saved as it came (`curl … > old.json`) was "no `id`;
/// … export with id among the --columns", which cannot help: it is named
/// as a page, with the export to pass.
#[test]
fn a_saved_page_of_the_api_is_named_as_such() {
    let page = r#"{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{"accounts":[{"id":"a"}]},"_links":{}}"#;
    let expected = "line 1: a page of the API (`_embedded`), not an export; pass a file written by `talkdesk-accounts list -o json`";
    rejects("page.json", Some(&format!("{page}\n")), expected);
    rejects(
        "pages.json",
        Some(&format!("[{page}]")),
        &expected.replace("line 1", "record 1"),
    );
}

#[test]
fn a_csv_file_is_not_an_export() {
    rejects(
        "old.csv",
        Some("id,name\nacc-0001,x\n"),
        "does not look like a json or jsonl export",
    );
}

/// A jsonl export pretty-printed (`jq . old.jsonl > old2.jsonl`, a stream
/// of JSON values, each over several lines) was "line 1: not valid JSON
/// (EOF while parsing an object)", though it is JSON and came from the
/// tool: the error says so, and how to make it one record a line. A page
/// of the API so saved (`curl … | jq .`) is named as a page.
#[test]
fn a_pretty_printed_jsonl_export_is_named_as_such() {
    let pretty = "{\n  \"id\": \"acc-0001\",\n  \"name\": \"x\"\n}\n{\n  \"id\": \"acc-0002\"\n}\n";
    rejects(
        "pretty.jsonl",
        Some(pretty),
        "line 1: a record over several lines (pretty-printed JSON, as `jq .` writes it); jsonl has one a line: write it with `jq -c .`",
    );
    let page = "{\n  \"count\": 1,\n  \"_embedded\": {\"accounts\": [{\"id\": \"a\"}]}\n}\n";
    rejects(
        "page.json",
        Some(page),
        "line 1: a page of the API (`_embedded`)",
    );
}

/// Windows PowerShell's `>` re-encodes what it redirects as UTF-16 with a
/// byte-order mark: an export written `list -o json > old.json` was
/// refused as "not UTF-8 text; pass a file written by `talkdesk-accounts
/// list -o json`", which it was. The error says what the file is, and how
/// to write one that reads (as `ca_bundle` does for a UTF-16 PEM file).
#[test]
fn an_export_re_encoded_as_utf16_by_powershell_is_named_as_such() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(3));
    let utf8 = std::fs::read_to_string(export(&sb, &fake, "json")).unwrap();
    for (name, bom, big) in [
        ("le.json", [0xFF, 0xFE], false),
        ("be.json", [0xFE, 0xFF], true),
    ] {
        let path = sb.path(name);
        std::fs::write(&path, [&bom[..], &utf16(&utf8, big)].concat()).unwrap();
        let output = diff(&sb, &fake, &[path.to_str().unwrap()]);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{} is UTF-16 text", path.display())),
            "{stderr}"
        );
        assert!(
            stderr.contains("--output-file"),
            "says how to write one: {stderr}"
        );
        assert!(!stderr.contains("pass a file written by"), "{stderr}");
    }
}

/// A nightly export kept compressed (`accounts.json.gz`, as logrotate or
/// `gzip` leaves it) was refused as "not UTF-8 text; pass a file written by
/// `talkdesk-accounts list -o json`", which it was: the error names the
/// compression and the command that reads it through stdin.
#[test]
fn a_compressed_export_is_named_with_the_command_that_reads_it() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(3));
    for (name, magic, tool) in [
        (
            "old.json.gz",
            &b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff"[..],
            "gzip",
        ),
        ("old.json.zst", b"\x28\xb5\x2f\xfd\x24\x00\xf1", "zstd"),
        ("old.json.xz", b"\xfd7zXZ\x00\x00\x04\xe6", "xz"),
        ("old.json.bz2", b"BZh91AY&SY\xa3", "bzip2"),
    ] {
        let path = sb.path(name);
        std::fs::write(&path, magic).unwrap();
        let output = diff(&sb, &fake, &[path.to_str().unwrap()]);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let said = format!("this one is compressed with {tool}");
        assert!(stderr.contains(&said), "{stderr}");
        let command = format!("`{tool} -dc {} | talkdesk-accounts diff -`", path.display());
        assert!(stderr.contains(&command), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// The command offered for a compressed export whose name is no UTF-8
/// (`nuit-\xe9.json.gz`, a Latin-1 name): it named the file with U+FFFD in
/// place of the byte, so the command found no file; it is quoted as the
/// shell reads it back, `$'…\xe9…'`, as the tool's other commands quote paths.
#[cfg(target_os = "linux")]
#[test]
fn a_compressed_export_with_a_name_that_is_no_utf8_is_offered_a_command_that_finds_it() {
    use std::os::unix::ffi::OsStrExt;
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(3));
    let name = std::ffi::OsStr::from_bytes(b"nuit-\xe9.json.gz");
    let path = sb.path("x").with_file_name(name);
    std::fs::write(&path, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff").unwrap();
    let output = sb.tool(&fake).arg("diff").arg(&path).output().unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(r"nuit-\xe9.json.gz' | talkdesk-accounts diff -`"),
        "{stderr}"
    );
    assert!(stderr.contains("`gzip -dc $'/"), "{stderr}");
}

/// UTF-16 written without a byte-order mark (`iconv -t UTF-16LE`, .NET's
/// `UnicodeEncoding(false, …)`) holds a NUL beside every ASCII character,
/// which is valid UTF-8: the export was refused as "line 1, column 2: not
/// valid JSON (expected value)", though an editor shows it as it should be.
#[test]
fn an_export_in_utf16_without_a_byte_order_mark_is_named_as_such() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(3));
    let utf8 = std::fs::read_to_string(export(&sb, &fake, "jsonl")).unwrap();
    for (name, big) in [("le.jsonl", false), ("be.jsonl", true)] {
        let path = sb.path(name);
        std::fs::write(&path, utf16(&utf8, big)).unwrap();
        let output = diff(&sb, &fake, &[path.to_str().unwrap()]);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{} is UTF-16 text", path.display())),
            "{stderr}"
        );
        assert!(stderr.contains("save it as UTF-8"), "{stderr}");
    }
}

/// `text` in UTF-16, big-endian or little, without a byte-order mark.
fn utf16(text: &str, big: bool) -> Vec<u8> {
    let unit = |u: u16| match big {
        true => u.to_be_bytes(),
        false => u.to_le_bytes(),
    };
    text.encode_utf16().flat_map(unit).collect()
}

#[test]
fn duplicate_ids_in_old_are_a_usage_error() {
    rejects(
        "dup.jsonl",
        Some("{\"id\": \"a\"}\n{\"id\": \"a\"}\n"),
        "id `a` appears twice (line 1 and line 2)",
    );
}

/// The csv (and table) cells of a changed field are the values as written:
/// they were parsed and written again (`1E2` as `1e+2`, `1e400` as
/// `1e+400`), unlike `list`'s cells and `diff -o json`.
#[test]
fn csv_cells_keep_numbers_as_written() {
    let page = r#"{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{"accounts":[{"id":"a","n":2E2,"v":{"w":[1e400,1.0]},"status":"ACTIVE"}]}}"#;
    let fake = support::serving_page(page);
    let sb = Sandbox::new();
    let old = sb.path("old.jsonl");
    std::fs::write(
        &old,
        "{\"id\":\"a\",\"n\":1E2,\"v\":{\"w\":[1e401]},\"status\":\"ACTIVE\"}\n",
    )
    .unwrap();
    let output = sb
        .tool(&fake)
        .args(["diff", "-o", "csv"])
        .arg(&old)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "change,id,name,field,before,after\nchanged,a,,n,1E2,2E2\nchanged,a,,v,\"{\"\"w\"\":[1e401]}\",\"{\"\"w\"\":[1e400,1.0]}\"\n"
    );
}

/// A field that went from `""` to missing (or `null`), or from `"7"` to `7`,
/// was a csv and table row `changed,a,,name,,` (`…,seats,7,7`): two sides
/// that read the same, so nothing said what changed. Such sides are shown
/// as their JSON text, a missing field as `(none)` (as `changes` shows it).
#[test]
fn a_change_between_values_that_show_alike_is_shown_as_json() {
    let page = r#"{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{"accounts":[{"id":"a","seats":7,"note":null,"status":"ACTIVE"}]}}"#;
    let fake = support::serving_page(page);
    let sb = Sandbox::new();
    let old = sb.path("old.jsonl");
    let line = r#"{"id":"a","name":"","seats":"7","note":"","status":"ACTIVE"}"#;
    std::fs::write(&old, format!("{line}\n")).unwrap();
    let output = sb
        .tool(&fake)
        .args(["diff", "-o", "csv"])
        .arg(&old)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "change,id,name,field,before,after\nchanged,a,,name,\"\"\"\"\"\",(none)\nchanged,a,,seats,\"\"\"7\"\"\",7\nchanged,a,,note,\"\"\"\"\"\",null\n"
    );
}

/// `-o json` gives the accounts as the API and OLD wrote them, numbers in
/// their spelling included; it gave `1.0e+2` for `1.0E2` and `1e+400` for
/// `1e400` (serde_json's), as a value parsed and written again.
#[test]
fn json_keeps_each_account_as_written() {
    let page = r#"{"count":2,"page":1,"per_page":50,"total":2,"total_pages":1,"_embedded":{"accounts":[{"id":"a","f":1.0E2,"status":"ACTIVE"},{"id":"n","e":1e400,"status":"IN_TRIAL"}]}}"#;
    let fake = support::serving_page(page);
    let sb = Sandbox::new();
    let old = sb.path("old.jsonl");
    std::fs::write(
        &old,
        "{\"id\":\"a\",\"f\":1.0E2,\"status\":\"IN_TRIAL\"}\n{\"id\":\"r\",\"g\":-0,\"status\":\"CHURNED\"}\n",
    )
    .unwrap();
    let output = sb
        .tool(&fake)
        .args(["diff", "-o", "json"])
        .arg(&old)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let expected = r#"{
  "added": [
    {
      "id": "n",
      "e": 1e400,
      "status": "IN_TRIAL"
    }
  ],
  "removed": [
    {
      "id": "r",
      "g": -0,
      "status": "CHURNED"
    }
  ],
  "changed": [
    {
      "id": "a",
      "before": {
        "id": "a",
        "f": 1.0E2,
        "status": "IN_TRIAL"
      },
      "after": {
        "id": "a",
        "f": 1.0E2,
        "status": "ACTIVE"
      }
    }
  ]
}
"#;
    assert_eq!(stdout_of(&output), expected);
}

/// `--jq` sees the accounts as written too: it printed `1.0e+2` for
/// `1.0E2` and `1e+400` for `1e400` (parsed and written again), where
/// `list --jq` keeps them (docs/jq.md: `1E2` stays `1E2`).
#[test]
fn jq_sees_each_account_as_written() {
    let page = r#"{"count":2,"page":1,"per_page":50,"total":2,"total_pages":1,"_embedded":{"accounts":[{"id":"a","f":1.0E2,"status":"ACTIVE"},{"id":"n","e":1e400,"status":"IN_TRIAL"}]}}"#;
    let fake = support::serving_page(page);
    let sb = Sandbox::new();
    let old = sb.path("old.jsonl");
    std::fs::write(&old, "{\"id\":\"a\",\"f\":1.0E2,\"status\":\"IN_TRIAL\"}\n").unwrap();
    let output = sb
        .tool(&fake)
        .arg("diff")
        .arg(&old)
        .args(["--jq", ".added[].e, (.changed[] | .before.f, .after)"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "1e400\n1.0E2\n{\"id\":\"a\",\"f\":1.0E2,\"status\":\"ACTIVE\"}\n"
    );
}

/// A field nested deeper than serde_json's 128 levels is compared as any
/// other: before, such accounts read as no fields at all, so a change in
/// it was no difference (`--exit-code` 0) and the report invented others.
#[test]
fn a_field_nested_past_128_levels_is_compared_like_any_other() {
    let deep = |n: u32| format!("{}{n}{}", "[".repeat(130), "]".repeat(130));
    let account = |n| {
        format!(
            r#"{{"id":"d1","name":"deep","status":"ACTIVE","x":{}}}"#,
            deep(n)
        )
    };
    let fake = support::serving_page(&format!(
        r#"{{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{{"accounts":[{}]}}}}"#,
        account(1)
    ));
    let sb = Sandbox::new();
    let old = sb.path("old.jsonl");
    for (n, code, changed) in [(2, 1, "1\n"), (1, 0, "0\n")] {
        std::fs::write(&old, account(n) + "\n").unwrap();
        let out = diff(
            &sb,
            &fake,
            &[
                old.to_str().unwrap(),
                "--exit-code",
                "--jq",
                ".changed | length",
            ],
        );
        assert_eq!(out.status.code(), Some(code), "{}", stderr_of(&out));
        assert_eq!(stdout_of(&out), changed);
    }
}

/// An export a colleague's old DOS editor ended with a Ctrl-Z (or that
/// ends in a NUL) was "line 4, column 1: not valid JSON (trailing
/// characters)", a line that looks empty. It is now named, with what to do.
#[test]
fn an_export_ending_in_ctrl_z_or_a_nul_is_named_as_such() {
    let sb = Sandbox::new();
    let fake = fake(simple_accounts(3));
    let mut cases = Vec::new();
    for format in ["json", "jsonl"] {
        let text = std::fs::read(export(&sb, &fake, format)).unwrap();
        let lines = text.iter().filter(|&&b| b == b'\n').count() + 1;
        let said = format!("line {lines}: a Ctrl-Z (U+001A)");
        cases.push(([text.as_slice(), b"\x1A"].concat(), format, said));
        let said = format!("line {lines}: a NUL (U+0000)");
        cases.push(([text.as_slice(), b"\0"].concat(), format, said));
    }
    for (bytes, format, said) in cases {
        let path = sb.path(&format!("colleague.{format}"));
        std::fs::write(&path, bytes).unwrap();
        let output = diff(&sb, &fake, &[path.to_str().unwrap()]);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let said = format!("{}, {said}", path.display());
        assert!(stderr.contains(&said), "{said}: {stderr}");
        assert!(stderr.contains("-o json"), "{stderr}");
    }
}
