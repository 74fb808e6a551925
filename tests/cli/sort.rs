//! `list --sort FIELD` and `list --bom`, through the binary.
use crate::support;

use serde_json::{Value, json};
use support::fake_api::{FakeApi, FakeConfig};
use support::{Sandbox, stderr_of, stdout_of};

/// Eight accounts over three pages of 3, with mixed-case names, a numeric
/// field, and missing or null values.
fn accounts() -> Vec<Value> {
    vec![
        json!({"id": "a1", "name": "delta", "company_name": "Zeta Ltd", "status": "ACTIVE", "seats": 10}),
        json!({"id": "a2", "name": "Bravo", "company_name": "alpha inc", "status": "CHURNED", "seats": 9}),
        json!({"id": "a3", "name": "charlie", "company_name": null, "status": "ACTIVE", "seats": 100}),
        json!({"id": "a4", "name": "ALPHA", "company_name": "Beta", "status": "ACTIVE"}),
        json!({"id": "a5", "name": "bravo", "company_name": "Alpha Inc", "status": "IN_TRIAL", "seats": 9}),
        json!({"id": "a6", "name": "echo", "status": "ACTIVE", "seats": 1.5}),
        json!({"id": "a7", "name": "alpha", "company_name": "gamma", "status": "OTHER", "seats": null}),
        json!({"id": "a8", "name": "Foxtrot", "company_name": "Beta", "status": "ACTIVE", "seats": 0}),
    ]
}

fn fake() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: accounts(),
        page_cap: 3,
        ..FakeConfig::default()
    })
}

fn ids(sb: &Sandbox, fake: &FakeApi, args: &[&str]) -> Vec<String> {
    let output = sb
        .tool(fake)
        .args(["list", "-o", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let parsed: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    parsed
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn text_sorts_case_insensitively_keeping_ties_in_api_order() {
    let sb = Sandbox::new();
    let fake = fake();
    assert_eq!(
        ids(&sb, &fake, &["--sort", "name"]),
        ["a4", "a7", "a2", "a5", "a3", "a1", "a6", "a8"]
    );
}

#[test]
fn missing_and_null_values_sort_last() {
    let sb = Sandbox::new();
    let fake = fake();
    assert_eq!(
        ids(&sb, &fake, &["--sort", "company_name"]),
        ["a2", "a5", "a4", "a8", "a7", "a1", "a3", "a6"]
    );
}

#[test]
fn numbers_sort_numerically() {
    let sb = Sandbox::new();
    let fake = fake();
    assert_eq!(
        ids(&sb, &fake, &["--sort", "seats"]),
        ["a8", "a6", "a2", "a5", "a1", "a3", "a4", "a7"]
    );
}

#[test]
fn sort_applies_after_status_and_limit() {
    let sb = Sandbox::new();
    let fake = fake();
    // The first three ACTIVE accounts in API order, then sorted by name.
    assert_eq!(
        ids(
            &sb,
            &fake,
            &["--status", "active", "--limit", "3", "--sort", "name"]
        ),
        ["a4", "a3", "a1"]
    );
}

#[test]
fn sort_works_for_csv_and_table_too() {
    let sb = Sandbox::new();
    let fake = fake();
    let output = sb
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--columns",
            "id,seats",
            "--sort",
            "seats",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout_of(&output),
        "id,seats\na8,0\na6,1.5\na2,9\na5,9\na1,10\na3,100\na4,\na7,\n"
    );
    let table = sb
        .tool(&fake)
        .args(["list", "--columns", "id", "--sort", "name"])
        .output()
        .unwrap();
    let order: Vec<String> = stdout_of(&table)
        .lines()
        .filter(|l| l.starts_with("│ a"))
        .map(|l| l.trim_matches(['│', ' ']).to_string())
        .collect();
    assert_eq!(order, ["a4", "a7", "a2", "a5", "a3", "a1", "a6", "a8"]);
}

#[test]
fn an_unknown_sort_field_keeps_api_order_with_a_warning() {
    let sb = Sandbox::new();
    let fake = fake();
    let output = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl", "--sort", "nonexistent"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let order: Vec<String> = stdout_of(&output)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(order, ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"]);
    assert!(stderr_of(&output).contains("no account has a field `nonexistent`"));
}

#[test]
fn an_empty_sort_field_is_a_usage_error() {
    let sb = Sandbox::new();
    let fake = fake();
    let output = sb
        .tool(&fake)
        .args(["list", "--sort", " "])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(fake.requests().is_empty());
}

#[test]
fn bom_starts_csv_with_a_byte_order_mark_once() {
    let sb = Sandbox::new();
    let fake = fake();
    let with = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--bom", "--columns", "id"])
        .output()
        .unwrap();
    assert!(with.status.success());
    assert_eq!(
        with.stdout,
        b"\xEF\xBB\xBFid\na1\na2\na3\na4\na5\na6\na7\na8\n".to_vec()
    );
    let without = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--columns", "id"])
        .output()
        .unwrap();
    assert_eq!(
        without.stdout,
        b"id\na1\na2\na3\na4\na5\na6\na7\na8\n".to_vec()
    );

    let file = sb.path("excel.csv");
    let to_file = sb
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--bom",
            "--no-header",
            "--columns",
            "name",
        ])
        .arg("--output-file")
        .arg(&file)
        .output()
        .unwrap();
    assert!(to_file.status.success());
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFdelta\nBravo\n"),
        "{bytes:?}"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    assert_eq!(reader.records().count(), 8);
}

#[test]
fn bom_with_no_accounts_still_marks_the_file() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig::default());
    let output = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--bom"])
        .output()
        .unwrap();
    assert_eq!(
        output.stdout,
        b"\xEF\xBB\xBFid,name,company_name,status\n".to_vec()
    );
}

/// A field every account sends as `null` is a field they have: `--sort`
/// said "no account has a field `region` … check the field name", though
/// the name was right and `--columns region` printed it without a word.
#[test]
fn a_field_null_in_every_account_is_not_called_missing() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: vec![
            json!({"id": "a1", "name": "b", "status": "ACTIVE", "region": null}),
            json!({"id": "a2", "name": "a", "status": "ACTIVE", "region": null}),
        ],
        ..FakeConfig::default()
    });
    let output = sb
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--columns",
            "id,region",
            "--sort",
            "region",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "id,region\na1,\na2,\n");
    let stderr = stderr_of(&output);
    assert!(!stderr.contains("no account has a field"), "{stderr}");
    assert!(!stderr.contains("check the field name"), "{stderr}");
    assert!(
        stderr.contains(
            "`region` is null or missing in every account, so --sort left them in the API's order"
        ),
        "{stderr}"
    );
}
