//! `list` end to end: walking the pages, each flag and each output format,
//! driven through the real binary against the fake Talkdesk API.

use crate::support;

use std::fs;
use std::process::Output;

use serde_json::{Value, json};
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, LinkStyle, RequestMatch, sample_accounts,
    simple_accounts,
};
use support::{Sandbox, csv_rows_without_header, files_in, per_page_sent, stderr_of, stdout_of};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fake_with(accounts: Vec<Value>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        ..FakeConfig::default()
    })
}

/// Runs `talkdesk-accounts ARGS` against `fake` with credentials from the environment.
fn run(fake: &FakeApi, args: &[&str]) -> Output {
    Sandbox::new().tool(fake).args(args).output().expect("run")
}

/// Runs and insists on exit 0.
fn run_ok(fake: &FakeApi, args: &[&str]) -> Output {
    let output = run(fake, args);
    assert!(
        output.status.success(),
        "{args:?} failed with {:?}: {}",
        output.status.code(),
        stderr_of(&output)
    );
    output
}

fn json_of(output: &Output) -> Vec<Value> {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON array ({e}): {}", stdout_of(output)))
}

fn jsonl_of(output: &Output) -> Vec<Value> {
    stdout_of(output)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("bad jsonl line ({e}): {line}"))
        })
        .collect()
}

/// Parses CSV text: (header, rows).
fn csv_of(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("csv header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A field of a fake account as a table/csv cell: strings as they are,
/// null or missing as empty.
fn cell(account: &Value, field: &str) -> String {
    match account.get(field) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn rows_for(accounts: &[Value], columns: &[&str]) -> Vec<Vec<String>> {
    accounts
        .iter()
        .map(|a| columns.iter().map(|c| cell(a, c)).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Walking
// ---------------------------------------------------------------------------------------------

#[test]
fn walks_every_page_following_absolute_next_links() {
    let accounts = sample_accounts(120);
    let fake = fake_with(accounts.clone());
    // --concurrency 1: the sequential walk follows each next link in turn.
    let args = ["list", "-o", "json", "--per-page", "25"];
    let output = run_ok(&fake, &[&args[..], &["--concurrency", "1"]].concat());
    assert_eq!(json_of(&output), accounts);
    assert_eq!(fake.page_requests(), vec![1, 2, 3, 4, 5]);

    fake.clear_requests();
    let output = run_ok(&fake, &args);
    assert_eq!(json_of(&output), accounts, "concurrent walk");
    assert_eq!(
        fake.sorted_page_requests(),
        vec![1, 2, 3, 4, 5],
        "each once"
    );
}

#[test]
fn walks_every_page_following_relative_next_links() {
    let accounts = sample_accounts(61);
    let fake = FakeApi::start(FakeConfig {
        accounts: accounts.clone(),
        links: LinkStyle::Relative,
        ..FakeConfig::default()
    });
    // --concurrency 1: the sequential walk follows each next link in turn.
    let args = ["list", "-o", "json", "--per-page", "20"];
    let output = run_ok(&fake, &[&args[..], &["--concurrency", "1"]].concat());
    assert_eq!(json_of(&output), accounts);
    assert_eq!(fake.page_requests(), vec![1, 2, 3, 4]);

    fake.clear_requests();
    let output = run_ok(&fake, &args);
    assert_eq!(json_of(&output), accounts, "concurrent walk");
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3, 4], "each once");
}

#[test]
fn walks_by_page_number_when_pages_have_no_links() {
    let accounts = sample_accounts(45);
    let fake = FakeApi::start(FakeConfig {
        accounts: accounts.clone(),
        links: LinkStyle::None,
        ..FakeConfig::default()
    });
    // --concurrency 1: the sequential walk counts the pages up one by one.
    let args = ["list", "-o", "json", "--per-page", "10"];
    let output = run_ok(&fake, &[&args[..], &["--concurrency", "1"]].concat());
    assert_eq!(json_of(&output), accounts);
    assert_eq!(fake.page_requests(), vec![1, 2, 3, 4, 5]);
    assert_eq!(per_page_sent(&fake), vec!["10"; 5]);

    fake.clear_requests();
    let output = run_ok(&fake, &args);
    assert_eq!(json_of(&output), accounts, "concurrent walk");
    assert_eq!(
        fake.sorted_page_requests(),
        vec![1, 2, 3, 4, 5],
        "each once"
    );
    assert_eq!(per_page_sent(&fake), vec!["10"; 5]);
}

#[test]
fn follows_a_server_that_caps_the_page_size_below_per_page() {
    for links in [LinkStyle::Absolute, LinkStyle::Relative, LinkStyle::None] {
        let accounts = sample_accounts(95);
        let fake = FakeApi::start(FakeConfig {
            accounts: accounts.clone(),
            page_cap: 20,
            links,
            ..FakeConfig::default()
        });
        // --concurrency 1: the sequential walk, page after page.
        let args = ["list", "-o", "json", "--per-page", "50"];
        let output = run_ok(&fake, &[&args[..], &["--concurrency", "1"]].concat());
        assert_eq!(json_of(&output), accounts, "links {links:?}");
        assert_eq!(
            fake.page_requests(),
            vec![1, 2, 3, 4, 5],
            "links {links:?}: pages follow the server's size, not the asked one"
        );
        assert_eq!(per_page_sent(&fake)[0], "50", "the asked size is sent");

        fake.clear_requests();
        let output = run_ok(&fake, &args);
        assert_eq!(json_of(&output), accounts, "links {links:?}, concurrent");
        assert_eq!(
            fake.sorted_page_requests(),
            vec![1, 2, 3, 4, 5],
            "links {links:?}, concurrent: each page of the server's size once"
        );
        assert_eq!(per_page_sent(&fake)[0], "50", "the asked size is sent");
    }
}

#[test]
fn per_page_is_sent_as_asked_and_defaults_to_50() {
    let fake = fake_with(simple_accounts(10));
    run_ok(&fake, &["list", "-o", "json", "--per-page", "7"]);
    assert_eq!(per_page_sent(&fake), vec!["7", "7"]);

    let fake = fake_with(simple_accounts(10));
    run_ok(&fake, &["list", "-o", "json"]);
    assert_eq!(per_page_sent(&fake), vec!["50"]);
}

#[test]
fn an_empty_organization_is_one_request_and_an_empty_array() {
    let fake = fake_with(Vec::new());
    let output = run_ok(&fake, &["list", "-o", "json"]);
    assert_eq!(json_of(&output), Vec::<Value>::new());
    assert_eq!(fake.page_requests(), vec![1]);
}

#[test]
fn limit_stops_at_the_page_that_completes_it() {
    let accounts = simple_accounts(120);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &["list", "-o", "json", "--per-page", "10", "--limit", "25"],
    );
    assert_eq!(json_of(&output), accounts[..25].to_vec());
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3]);
}

#[test]
fn limit_on_a_page_boundary_fetches_no_further_page() {
    let accounts = simple_accounts(120);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &["list", "-o", "jsonl", "--per-page", "10", "--limit", "20"],
    );
    assert_eq!(jsonl_of(&output), accounts[..20].to_vec());
    assert_eq!(fake.page_requests(), vec![1, 2]);
}

#[test]
fn limit_counts_matching_accounts_only() {
    // simple_accounts cycles the seven statuses: ACTIVE is acc-0001, 0008, 0015, 0022, …
    let accounts = simple_accounts(120);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &[
            "list",
            "-o",
            "json",
            "--per-page",
            "10",
            "--status",
            "ACTIVE",
            "--limit",
            "3",
        ],
    );
    let ids: Vec<Value> = json_of(&output).iter().map(|a| a["id"].clone()).collect();
    assert_eq!(
        ids,
        [json!("acc-0001"), json!("acc-0008"), json!("acc-0015")]
    );
    assert_eq!(fake.page_requests(), vec![1, 2]);
}

#[test]
fn limit_larger_than_the_list_returns_everything() {
    let accounts = simple_accounts(23);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &["list", "-o", "json", "--per-page", "10", "--limit", "1000"],
    );
    assert_eq!(json_of(&output), accounts);
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3]);
}

#[test]
fn page_fetches_exactly_that_page() {
    let accounts = simple_accounts(120);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &["list", "-o", "json", "--per-page", "10", "--page", "3"],
    );
    assert_eq!(json_of(&output), accounts[20..30].to_vec());
    assert_eq!(fake.page_requests(), vec![3]);
    assert_eq!(per_page_sent(&fake), vec!["10"]);
}

#[test]
fn page_beyond_the_last_is_empty_not_an_error() {
    let fake = fake_with(simple_accounts(5));
    let output = run_ok(&fake, &["list", "-o", "json", "--page", "9"]);
    assert_eq!(json_of(&output), Vec::<Value>::new());
    assert_eq!(fake.page_requests(), vec![9]);
}

// ---------------------------------------------------------------------------------------------
// Accounts as the API sent them; the status filter
// ---------------------------------------------------------------------------------------------

fn unusual_accounts() -> Vec<Value> {
    vec![
        json!({"id": "u-1", "name": "one", "company_name": "One", "status": "ACTIVE",
               "region": "eu-west", "seats": 42, "flags": {"beta": true, "tags": ["a", "b"]}}),
        json!({"id": "u-2", "name": "two", "company_name": "Two", "status": "SUSPENDED"}),
        json!({"id": "u-3", "name": null, "company_name": "Three", "status": "active"}),
        json!({"zeta_first": 1, "id": "u-4", "status": "BRAND_NEW", "company_name": "Four"}),
    ]
}

#[test]
fn json_keeps_unknown_fields_and_unknown_statuses() {
    let fake = fake_with(unusual_accounts());
    let output = run_ok(&fake, &["list", "-o", "json"]);
    assert_eq!(json_of(&output), unusual_accounts());
}

#[test]
fn jsonl_keeps_unknown_fields_and_unknown_statuses_in_field_order() {
    let fake = fake_with(unusual_accounts());
    let output = run_ok(&fake, &["list", "-o", "jsonl"]);
    let text = stdout_of(&output);
    let expected: Vec<String> = unusual_accounts()
        .iter()
        .map(|a| serde_json::to_string(a).expect("json"))
        .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn status_is_repeatable_comma_separated_and_case_insensitive() {
    let accounts = sample_accounts(80);
    let fake = fake_with(accounts.clone());
    let output = run_ok(
        &fake,
        &[
            "list",
            "-o",
            "json",
            "--per-page",
            "30",
            "-s",
            "in_trial,Churned",
            "--status",
            "OTHER",
        ],
    );
    let wanted = ["IN_TRIAL", "CHURNED", "OTHER"];
    let expected: Vec<Value> = accounts
        .iter()
        .filter(|a| wanted.contains(&a["status"].as_str().unwrap_or_default()))
        .cloned()
        .collect();
    assert!(expected.len() >= 3, "the sample holds these statuses");
    assert_eq!(json_of(&output), expected);
    assert_eq!(fake.sorted_page_requests(), vec![1, 2, 3]);
}

#[test]
fn status_matches_the_api_value_case_insensitively_and_drops_unknown_ones() {
    let fake = fake_with(unusual_accounts());
    let output = run_ok(&fake, &["list", "-o", "json", "--status", "ACTIVE"]);
    let ids: Vec<Value> = json_of(&output).iter().map(|a| a["id"].clone()).collect();
    assert_eq!(ids, vec![json!("u-1"), json!("u-3")]);
}

#[test]
fn no_account_matching_is_success_with_an_empty_array() {
    let fake = fake_with(simple_accounts(3));
    let output = run_ok(
        &fake,
        &["list", "-o", "json", "--status", "TRIAL_LOST,OTHER"],
    );
    assert_eq!(json_of(&output), Vec::<Value>::new());
}

#[test]
fn unknown_status_is_a_usage_error_listing_the_values() {
    let fake = fake_with(simple_accounts(3));
    let output = run(&fake, &["list", "--status", "ACTIVE,GONE"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("GONE"), "{stderr}");
    for value in [
        "ACTIVE",
        "CHURNED",
        "IN_TRIAL",
        "INACTIVE",
        "PROSPECT",
        "TRIAL_LOST",
        "OTHER",
    ] {
        assert!(stderr.contains(value), "{value} missing from {stderr}");
    }
    assert!(output.stdout.is_empty());
    assert!(fake.requests().is_empty(), "no request on a usage error");
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

#[test]
fn json_is_one_array_of_the_api_values() {
    let accounts = sample_accounts(30);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "json", "--per-page", "12"]);
    let text = stdout_of(&output);
    assert!(text.trim_start().starts_with('['), "{text}");
    assert!(text.trim_end().ends_with(']'), "{text}");
    // One document: serde_json refuses trailing data.
    let parsed: Value = serde_json::from_str(&text).expect("one JSON value");
    assert_eq!(parsed, Value::Array(accounts));
}

#[test]
fn jsonl_is_one_compact_object_per_line() {
    let accounts = sample_accounts(30);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "jsonl", "--per-page", "12"]);
    let text = stdout_of(&output);
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 30);
    for (line, account) in lines.iter().zip(&accounts) {
        assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
        assert_eq!(*line, serde_json::to_string(account).expect("json"));
    }
    assert_eq!(jsonl_of(&output), accounts);
}

#[test]
fn csv_round_trips_value_for_value() {
    // The sample holds commas, double quotes, a newline and non-ASCII names.
    let accounts = sample_accounts(60);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "csv", "--per-page", "25"]);
    let text = stdout_of(&output);
    assert!(
        text.contains("Two Lines\nSupport Ltd"),
        "a newline in a cell"
    );
    assert!(text.contains("東京テレコム株式会社"));
    let (header, rows) = csv_of(&text);
    let columns = ["id", "name", "company_name", "status"];
    assert_eq!(header, columns);
    assert_eq!(rows, rows_for(&accounts, &columns));
    assert!(
        rows.iter().any(|r| r[2] == "O'Reilly & \"Sons\", Ltd."),
        "quotes and commas survive"
    );
}

#[test]
fn csv_of_nothing_is_the_header_alone() {
    let fake = fake_with(Vec::new());
    let output = run_ok(&fake, &["list", "-o", "csv"]);
    assert_eq!(stdout_of(&output), "id,name,company_name,status\n");
}

#[test]
fn columns_choose_and_order_fields_and_may_name_any_api_field() {
    let accounts = sample_accounts(25);
    let fake = fake_with(accounts.clone());
    let columns = ["status", "id", "no_such_field", "region"];
    let output = run_ok(
        &fake,
        &[
            "list",
            "-o",
            "csv",
            "--columns",
            "status,id,no_such_field,region",
        ],
    );
    let (header, rows) = csv_of(&stdout_of(&output));
    assert_eq!(header, columns);
    assert_eq!(rows, rows_for(&accounts, &columns));
    assert!(rows.iter().all(|r| r[2].is_empty()), "unknown field: empty");
    assert_eq!(rows[9][3], "eu-west", "an extra API field can be named");
    assert_eq!(rows[0][3], "", "absent on this account: empty");
}

#[test]
fn null_and_missing_fields_are_empty_cells() {
    let accounts = vec![
        json!({"id": "n-1", "name": null, "company_name": "Has Company", "status": "ACTIVE"}),
        json!({"id": "n-2", "company_name": null}),
        json!({"id": "n-3", "name": "nums", "company_name": 12, "status": true}),
    ];
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "csv"]);
    let (_, rows) = csv_of(&stdout_of(&output));
    assert_eq!(
        rows,
        vec![
            vec!["n-1", "", "Has Company", "ACTIVE"],
            vec!["n-2", "", "", ""],
            vec!["n-3", "nums", "12", "true"],
        ]
    );

    let output = run_ok(&fake, &["list", "-o", "table"]);
    let table = stdout_of(&output);
    let n2 = table
        .lines()
        .find(|l| l.contains("n-2"))
        .unwrap_or_else(|| panic!("no n-2 row: {table}"));
    let cells: Vec<&str> = n2
        .trim_matches(|c| c == '│')
        .split(['┆', '│'])
        .map(str::trim)
        .collect();
    assert_eq!(cells, ["n-2", "", "", ""], "{table}");
    assert!(!table.contains("null"), "{table}");

    // json keeps them as the API sent them.
    let output = run_ok(&fake, &["list", "-o", "json"]);
    assert_eq!(json_of(&output), accounts);
}

#[test]
fn no_header_leaves_out_the_header_row_in_csv_and_table() {
    let accounts = simple_accounts(4);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "csv", "--no-header"]);
    let columns = ["id", "name", "company_name", "status"];
    assert_eq!(
        csv_rows_without_header(&stdout_of(&output)),
        rows_for(&accounts, &columns)
    );

    let output = run_ok(&fake, &["list", "--no-header"]);
    let table = stdout_of(&output);
    assert!(!table.contains("company_name"), "{table}");
    for account in &accounts {
        assert!(table.contains(account["name"].as_str().unwrap_or_default()));
    }
}

#[test]
fn bom_starts_csv_with_a_utf8_byte_order_mark() {
    let accounts = simple_accounts(3);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "-o", "csv", "--bom"]);
    assert!(output.stdout.starts_with(b"\xEF\xBB\xBFid,name,"));
    let text = stdout_of(&output);
    let (header, rows) = csv_of(text.trim_start_matches('\u{feff}'));
    assert_eq!(header, ["id", "name", "company_name", "status"]);
    assert_eq!(
        rows,
        rows_for(&accounts, &["id", "name", "company_name", "status"])
    );

    let output = run_ok(&fake, &["list", "-o", "csv"]);
    assert!(
        output.stdout.starts_with(b"id,name,"),
        "no BOM unless asked"
    );
}

#[test]
fn table_shows_every_account_untruncated_when_not_a_terminal() {
    let long_name = format!(
        "{} Holdings",
        "Extremely Long Company Name ".repeat(12).trim()
    );
    let mut accounts = sample_accounts(30);
    accounts[7]["company_name"] = json!(long_name);
    let fake = fake_with(accounts.clone());
    let output = run_ok(&fake, &["list", "--per-page", "10"]);
    let table = stdout_of(&output);
    let header = table.lines().nth(1).unwrap_or_default();
    for column in ["id", "name", "company_name", "status"] {
        assert!(header.contains(column), "{table}");
    }
    assert!(table.contains(&long_name), "{table}");
    for account in &accounts {
        assert!(
            table.contains(account["id"].as_str().unwrap_or_default()),
            "{table}"
        );
        // A newline inside a cell spans lines; check each part.
        for part in account["company_name"].as_str().unwrap_or_default().lines() {
            assert!(table.contains(part), "{part} missing: {table}");
        }
    }
    assert!(!table.contains('…'), "nothing truncated: {table}");
    assert!(stderr_of(&output).is_empty(), "{}", stderr_of(&output));
}

#[test]
fn table_of_no_accounts_is_the_header_alone_and_says_so_on_stderr() {
    let fake = fake_with(simple_accounts(3));
    let output = run_ok(&fake, &["list", "--status", "PROSPECT"]);
    let table = stdout_of(&output);
    assert!(table.contains("company_name"), "{table}");
    assert!(!table.contains("acc-"), "{table}");
    let text_rows: Vec<&str> = table.lines().filter(|l| l.starts_with('│')).collect();
    assert_eq!(text_rows.len(), 1, "the header row alone: {table}");
    assert!(text_rows[0].contains("company_name"), "{table}");
    assert_eq!(stderr_of(&output), "0 accounts\n");

    let output = run_ok(&fake, &["list", "--status", "PROSPECT", "-q"]);
    assert_eq!(stdout_of(&output), table);
    assert_eq!(stderr_of(&output), "", "-q silences the note");
}

// ---------------------------------------------------------------------------------------------
// --output-file
// ---------------------------------------------------------------------------------------------

#[test]
fn output_file_receives_the_complete_output_and_stdout_nothing() {
    let accounts = sample_accounts(70);
    let fake = fake_with(accounts.clone());
    let sandbox = Sandbox::new();
    let out_dir = sandbox.path("out");
    fs::create_dir_all(&out_dir).expect("mkdir");
    let target = out_dir.join("accounts.csv");
    fs::write(&target, "yesterday's export\n").expect("write");
    let output = sandbox
        .tool(&fake)
        .args(["list", "-o", "csv", "--per-page", "30", "--output-file"])
        .arg(&target)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    let (header, rows) = csv_of(&fs::read_to_string(&target).expect("read"));
    assert_eq!(header, ["id", "name", "company_name", "status"]);
    assert_eq!(
        rows,
        rows_for(&accounts, &["id", "name", "company_name", "status"])
    );
    assert_eq!(
        files_in(&out_dir),
        ["accounts.csv"],
        "no temporary file left"
    );
}

#[test]
fn a_failed_walk_leaves_the_output_file_untouched_and_no_temporary_file() {
    // Both walks: --concurrency 1 stops at page 2; the default (concurrent)
    // one may have fetched page 3 ahead when page 2 fails.
    for sequential in [true, false] {
        for format in ["csv", "jsonl", "json", "table"] {
            let fake = FakeApi::start(FakeConfig {
                accounts: simple_accounts(30),
                faults: Faults::always(RequestMatch::Page(2), FaultKind::Status(500)),
                ..FakeConfig::default()
            });
            let sandbox = Sandbox::new();
            let out_dir = sandbox.path("out");
            fs::create_dir_all(&out_dir).expect("mkdir");
            let target = out_dir.join("accounts.out");
            fs::write(&target, "the previous, complete export\n").expect("write");
            let output = sandbox
                .tool(&fake)
                .args([
                    "list",
                    "-o",
                    format,
                    "--per-page",
                    "10",
                    "--max-retries",
                    "0",
                ])
                .args(if sequential {
                    &["--concurrency", "1"][..]
                } else {
                    &[]
                })
                .arg("--output-file")
                .arg(&target)
                .output()
                .expect("run");
            let what = format!("{format}, sequential: {sequential}");
            assert_eq!(
                output.status.code(),
                Some(5),
                "{what}: {}",
                stderr_of(&output)
            );
            support::assert_failed_walk_requests(&fake, sequential, 2, 1, 3, &what);
            assert_eq!(
                fs::read_to_string(&target).expect("read"),
                "the previous, complete export\n",
                "{what}: the target is untouched"
            );
            assert_eq!(
                files_in(&out_dir),
                ["accounts.out"],
                "{what}: no temporary file remains"
            );
        }
    }
}

#[test]
fn a_failed_walk_to_a_new_output_file_creates_nothing() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        faults: Faults::always(RequestMatch::Page(3), FaultKind::Status(500)),
        ..FakeConfig::default()
    });
    let sandbox = Sandbox::new();
    let out_dir = sandbox.path("out");
    fs::create_dir_all(&out_dir).expect("mkdir");
    let output = sandbox
        .tool(&fake)
        .args([
            "list",
            "-o",
            "csv",
            "--per-page",
            "10",
            "--max-retries",
            "0",
        ])
        .arg("--output-file")
        .arg(out_dir.join("new.csv"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert_eq!(files_in(&out_dir), Vec::<String>::new());
}

#[test]
fn output_file_in_a_missing_folder_fails_before_any_request() {
    let fake = fake_with(simple_accounts(3));
    let sandbox = Sandbox::new();
    let target = sandbox.path("no/such/folder/accounts.csv");
    let stderr = output_file_error(&fake, &sandbox, target.as_os_str());
    assert!(stderr.contains("no/such/folder"), "{stderr}");
    assert!(
        stderr.contains("folder exists"),
        "says what to do: {stderr}"
    );
    assert!(!sandbox.path("no").exists(), "nothing written");
}

/// Runs `list -o csv --output-file TARGET`, checks that it failed as a bad
/// path does (exit 1, one `error:` line, nothing on stdout, no page
/// fetched) and returns its stderr.
fn output_file_error(fake: &FakeApi, sandbox: &Sandbox, target: &std::ffi::OsStr) -> String {
    let output = sandbox
        .tool(fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(target)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(fake.page_requests().is_empty(), "no page fetched: {stderr}");
    stderr
}

/// A path that names a folder to be (`new/`, `new/.`, or a link to
/// `missing/`), or goes through a file (`file.csv/` or `file.csv/x`),
/// failed only when the finished file was renamed to it, after every page
/// was fetched.
#[test]
fn output_file_that_names_no_file_fails_before_any_request() {
    let fake = fake_with(simple_accounts(3));
    let sandbox = Sandbox::new();
    fs::write(sandbox.path("file.csv"), "kept\n").unwrap();
    std::os::unix::fs::symlink("missing/", sandbox.path("link.csv")).unwrap();
    let folder = "names a folder (it ends with `/`, `/.` or `/..`, or links to such a name)";
    for (name, expected) in [
        ("new/", folder),
        ("new/.", folder),
        ("new/..", folder),
        ("link.csv", folder),
        ("file.csv/", "Not a directory"),
        ("file.csv/x", "Not a directory"),
    ] {
        let target = format!("{}/{name}", sandbox.path("").display());
        let stderr = output_file_error(&fake, &sandbox, target.as_ref());
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }
    assert!(!sandbox.path("new").exists(), "nothing written");
    assert_eq!(
        fs::read_to_string(sandbox.path("file.csv")).unwrap(),
        "kept\n"
    );
    let left = files_in(&sandbox.path(""));
    assert!(
        !left.iter().any(|f| f.ends_with(".tmp")),
        "a temporary file left: {left:?}"
    );
}

#[test]
fn json_on_a_failed_walk_prints_nothing_to_stdout() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        faults: Faults::always(RequestMatch::Page(3), FaultKind::Status(500)),
        ..FakeConfig::default()
    });
    let output = run(
        &fake,
        &[
            "list",
            "-o",
            "json",
            "--per-page",
            "10",
            "--max-retries",
            "0",
        ],
    );
    assert_eq!(output.status.code(), Some(5));
    assert!(
        output.stdout.is_empty(),
        "no truncated array: {}",
        stdout_of(&output)
    );
}

// ---------------------------------------------------------------------------------------------
// What goes over the wire
// ---------------------------------------------------------------------------------------------

/// `Cache-Control: no-cache` too: a caching proxy served a page it kept,
/// and the list mixed pages from different times (exit 0). And
/// `Accept-Encoding: identity`: without it a server may compress, and a
/// compressed answer was refused as "not asked for".
#[test]
fn requests_carry_accept_user_agent_and_the_bearer_token() {
    let fake = fake_with(simple_accounts(15));
    run_ok(&fake, &["list", "-o", "json", "--per-page", "10"]);
    let user_agent = format!("talkdesk-accounts/{}", env!("CARGO_PKG_VERSION"));
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "one token, two pages");
    for request in &requests {
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some(user_agent.as_str()));
        assert_eq!(request.header("cache-control"), Some("no-cache"));
        assert_eq!(request.header("accept-encoding"), Some("identity"));
    }
    for page in requests.iter().filter(|r| r.method == "GET") {
        let auth = page.header("authorization").unwrap_or_default();
        assert!(auth.starts_with("Bearer fake-token-1-"), "{auth}");
    }
}

#[test]
fn the_token_request_is_a_client_credentials_post_with_http_basic() {
    let fake = fake_with(simple_accounts(2));
    run_ok(&fake, &["list", "-o", "json"]);
    let token = fake
        .requests()
        .into_iter()
        .find(|r| r.path() == "/oauth/token")
        .expect("a token request");
    assert_eq!(token.method, "POST");
    assert_eq!(
        token.header("authorization"),
        Some(support::fake_api::basic_auth("test-client", "test-secret-value").as_str())
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token.body,
        "grant_type=client_credentials&scope=express-accounts%3Aread"
    );
    assert!(
        !token.body.contains("test-secret-value"),
        "the secret travels only in the header"
    );
}

#[test]
fn output_file_may_be_a_bare_name_in_the_current_folder() {
    let accounts = simple_accounts(5);
    let fake = fake_with(accounts.clone());
    let sandbox = Sandbox::new();
    let work = sandbox.path("work");
    fs::create_dir_all(&work).expect("mkdir");
    let output = sandbox
        .tool(&fake)
        .current_dir(&work)
        .args(["list", "-o", "jsonl", "--output-file", "accounts.jsonl"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = fs::read_to_string(work.join("accounts.jsonl")).expect("read");
    let parsed: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(parsed, accounts);
    assert_eq!(files_in(&work), ["accounts.jsonl"]);
}

// ---------------------------------------------------------------------------------------------
// Data shifting during the walk
// ---------------------------------------------------------------------------------------------

#[test]
fn an_account_repeated_on_a_later_page_is_listed_once_with_a_warning() {
    let accounts = simple_accounts(20);
    let fake = fake_with(accounts.clone());
    // Page 2 repeats the last account of page 1 (as when an account is
    // added while walking) and so loses its own last one.
    let mut shifted = vec![accounts[9].clone()];
    shifted.extend_from_slice(&accounts[10..19]);
    let page2 = json!({
        "count": 10, "page": 2, "per_page": 10, "total": 20, "total_pages": 2,
        "_embedded": {"accounts": shifted},
    });
    fake.set_faults(Faults::always(
        RequestMatch::Page(2),
        FaultKind::Json(page2),
    ));
    let output = run_ok(&fake, &["list", "-o", "json", "--per-page", "10"]);
    assert_eq!(json_of(&output), accounts[..19].to_vec());
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("warning: "), "{stderr}");
    assert!(stderr.contains("19") && stderr.contains("20"), "{stderr}");
    assert_eq!(fake.page_requests(), vec![1, 2]);
}

#[cfg(unix)]
#[test]
fn a_new_output_file_is_private_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake_with(simple_accounts(3));
    let sandbox = Sandbox::new();

    let new = sandbox.path("new.csv");
    let output = sandbox
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&new)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        support::mode(&new),
        0o600,
        "customer data is private by default"
    );

    let shared = sandbox.path("shared.csv");
    fs::write(&shared, "old\n").expect("write");
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o644)).expect("chmod");
    let output = sandbox
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&shared)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(support::mode(&shared), 0o644);
    assert!(
        fs::read_to_string(&shared)
            .expect("read")
            .starts_with("id,name,")
    );
}

/// `--output-file` naming a pipe (as bash's `>(gzip > a.gz)` does) writes through it, as `>`
/// would, and leaves the pipe a pipe: it is not replaced by a file.
#[cfg(unix)]
#[test]
fn output_file_to_a_named_pipe_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let pipe = sb.path("pipe");
    support::make_fifo(&pipe);
    let (send, read) = std::sync::mpsc::channel();
    let path = pipe.clone();
    std::thread::spawn(move || send.send(fs::read_to_string(path).unwrap()));
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "jsonl", "--output-file"])
        .arg(&pipe)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got = read.recv_timeout(std::time::Duration::from_secs(10));
    assert_eq!(got.expect("the pipe was written").lines().count(), 3);
    assert!(fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
    let left: Vec<String> = files_in(&sb.path(""));
    assert!(!left.iter().any(|f| f.starts_with(".pipe.")), "{left:?}");
}

/// A pipe named by `--output-file` whose reader goes away before the end (`>(gzip > a.gz)` on a
/// full disk) left a cut export with exit 0, as a closed stdout (`| head`) does; the user named
/// where the whole export goes, so it is a failed write, exit 1, as `curl -o` makes it.
#[cfg(unix)]
#[test]
fn output_file_to_a_pipe_whose_reader_goes_away_fails() {
    use std::io::Read;
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3000),
        ..FakeConfig::default()
    });
    let pipe = sb.path("pipe");
    support::make_fifo(&pipe);
    let path = pipe.clone();
    let reader = std::thread::spawn(move || {
        let mut first = [0u8; 100];
        fs::File::open(path)
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
    });
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&pipe)
        .output()
        .unwrap();
    reader.join().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "error: writing {}: its reader went away before the end (broken pipe)",
            pipe.display()
        )
    );
}

/// `--output-file /dev/stdout` is stdout: its reader stopping (`| head`) is the quiet end it is
/// on stdout (exit 0), not the failed write of a pipe named for the whole export.
#[cfg(unix)]
#[test]
fn output_file_dev_stdout_ends_quietly_when_its_reader_stops() {
    use std::io::Read;
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3000),
        ..FakeConfig::default()
    });
    let mut child = sb
        .spawnable_tool(&fake)
        .args(["list", "-o", "csv", "--output-file", "/dev/stdout"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(first.starts_with(b"id,name,"));
}

/// `--output-file /dev/stdout` with stdout a file (`>> log`) replaced that file, the log's
/// earlier lines lost: `/dev/stdout` is stdout, written in place.
#[cfg(unix)]
#[test]
fn output_file_dev_stdout_appends_to_a_stdout_that_is_a_file() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let log = sb.path("log");
    fs::write(&log, "earlier\n").unwrap();
    let append = fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out = sb
        .spawnable_tool(&fake)
        .args(["list", "-o", "csv", "--output-file", "/dev/stdout"])
        .stdout(append)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier\nid,name,"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
}

/// `--output-file /dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N` with that descriptor a file
/// open for appending (`2>> log`, `exec 3>> log`) replaced the file: the job's earlier lines were
/// lost, and its later writes through the descriptor went to the file taken away. Such a name is
/// the open descriptor, written in place as `/dev/stdout` is; one not open is an error.
#[cfg(unix)]
#[test]
fn output_file_dev_fd_n_writes_to_that_open_descriptor() {
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let tool = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    for (name, fd) in [
        ("/dev/stderr", 2),
        ("/dev/fd/2", 2),
        ("/dev/fd/3", 3),
        ("/proc/self/fd/3", 3),
    ] {
        if name.starts_with("/proc") && !std::path::Path::new("/proc/self/fd").exists() {
            continue;
        }
        let log = sb.path("log");
        fs::write(&log, "earlier\n").unwrap();
        // The script writes through the descriptor after the run too.
        let script = format!(
            r#"exec {fd}>>"$1"; "$0" -q list -o csv --output-file {name}; code=$?; echo after >&{fd}; exit $code"#
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .arg(&tool)
            .arg(&log)
            .env_clear()
            .envs(sb.env())
            .envs(support::tool_env(&fake))
            .output()
            .unwrap();
        let text = fs::read_to_string(&log).unwrap();
        assert!(out.status.success(), "{name}: {text}");
        assert!(text.starts_with("earlier\nid,name,"), "{name}: {text}");
        assert!(text.ends_with("\nafter\n"), "{name}: {text}");
        assert_eq!(text.lines().count(), 6, "{name}: {text}");
    }
    // One open for reading alone (`3< file`): said before any request, not as "Bad file
    // descriptor" after the whole walk.
    fake.clear_requests();
    let script = r#"exec 3<"$1"; exec "$0" -q list -o csv --output-file /dev/fd/3"#;
    let out = std::process::Command::new("sh")
        .args(["-c", script])
        .arg(&tool)
        .arg(sb.path("log"))
        .env_clear()
        .envs(sb.env())
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("descriptor 3 is open for reading, not writing"),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    // A descriptor that is not open: said, exit 1, nothing written anywhere.
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file", "/dev/fd/9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "cannot write --output-file /dev/fd/9: descriptor 9 was not open when the tool started"
        ),
        "{err}"
    );
}

/// Run as root (a cron job, `sudo`), `--output-file` over another user's file kept its mode but
/// made it root's: a 0640 export its owner could read no more. Its owner and group are kept.
/// Run by `.ci/run` where it is root (`cargo test -- --ignored as_root_`).
#[cfg(unix)]
#[test]
#[ignore = "needs root: it makes a file of another user"]
fn as_root_output_file_keeps_the_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let file = sb.path("export.csv");
    fs::write(&file, "old\n").unwrap();
    std::os::unix::fs::chown(&file, Some(1001), Some(1002)).expect("chown: run as root");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let meta = fs::metadata(&file).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (1001, 1002, 0o640)
    );
    assert!(fs::read_to_string(&file).unwrap().starts_with("id,"));
}

/// With no inode free for the temporary file (blocks to spare), the error said to "check that
/// the folder exists and is writable"; it says the disk is full. The disk is a tmpfs mount with
/// two inodes (its folder and yesterday's file) in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and tmpfs"
)]
fn output_file_on_a_disk_with_no_inode_free_says_the_disk_is_full() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let disk = sb.path("disk");
    fs::create_dir(&disk).unwrap();
    let script = r#"d=$1; shift; mount -t tmpfs -o size=1m,nr_inodes=2 tmpfs "$d" && echo old > "$d/accounts.csv" && "$@"; code=$?; cat "$d/accounts.csv" >&2; exit $code"#;
    let out = sb
        .in_mount(script, &[&disk])
        .args(["list", "-o", "csv", "--output-file"])
        .arg(disk.join("accounts.csv"))
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot create a file in its folder; its disk is full; free some space"),
        "{err}"
    );
    // Yesterday's file, as it was (the script shows it after the run).
    assert!(err.ends_with("\nold\n"), "{err}");
}

/// On a file system that keeps no modes (a FAT disk through FUSE, whose chmod says "Function not
/// implemented"), `--output-file` wrote nothing: "cannot create a file in its folder; check that
/// the folder exists and is writable: Function not implemented (os error 38)", where `>` and
/// `cp` write the file. The temporary file could not be made 0600; such a disk gives every file
/// the mode of its mount, as a kernel vfat mount does, whose chmod says nothing. The file is
/// written, yesterday's replaced, and no temporary file is left.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs fusefat and mkfs.fat, which a new machine may not have: .ci/run runs it where they are installed"]
fn fusefat_output_file_on_a_disk_that_keeps_no_modes_is_written() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let (mut cmd, disk) = sb.on_a_fat_disk(
        "077",
        r#"echo old > "$d/accounts.csv""#,
        r#"echo "on the disk: $(ls -A "$d")" >&2; cat "$d/accounts.csv" >&2"#,
    );
    let out = cmd
        .args(["list", "-o", "csv", "--output-file"])
        .arg(disk.join("accounts.csv"))
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("on the disk: accounts.csv\n"), "{err}");
    let written = err
        .split("on the disk: accounts.csv\n")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(written.lines().count(), 4, "{err}");
    assert!(written.starts_with("id,"), "{err}");
}

/// On an sshfs mount of an SFTP server without OpenSSH's `posix-rename` extension, mounted without
/// `-o workaround=rename`, a rename over an existing file fails: "Operation not permitted". An
/// `--output-file` that was already there was not replaced: the whole walk ran, then "writing
/// …/accounts.csv: Operation not permitted (os error 1)", exit 1, where `>` and `cp` replace it. The
/// old file is now renamed aside, the new one put in its place, and the old one removed: the file
/// is written, and no hidden file is left.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs sshfs, python3 and OpenSSH's sftp-server, which a new machine may not have: .ci/run runs it where they are installed"]
fn sshfs_output_file_is_replaced_where_a_rename_cannot_replace_it() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let (mut cmd, mount) = sb.on_an_sshfs_mount(
        "",
        r#"echo old > "$d/accounts.csv"; echo new > "$d/x"; mv -T "$d/x" "$d/accounts.csv" 2>/dev/null && echo "renamed over" >&2; rm -f "$d/x""#,
        r#"echo "on the disk: $(ls -A "$d")" >&2; cat "$d/accounts.csv" >&2"#,
    );
    let out = cmd
        .args(["list", "-o", "csv", "--output-file"])
        .arg(mount.join("accounts.csv"))
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    // The mount is one whose renames cannot replace a file.
    assert!(!err.contains("renamed over"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("on the disk: accounts.csv\n"), "{err}");
    let written = err
        .split("on the disk: accounts.csv\n")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(written.lines().count(), 4, "{err}");
    assert!(written.starts_with("id,"), "{err}");
}

/// A file bind-mounted where `--output-file` names (`docker run -v $PWD/accounts.csv:/out/a.csv`)
/// cannot be renamed over: the whole walk ran, then "writing …: Device or resource busy (os error
/// 16)", naming neither the cause nor what to do. It is said before any request. The mount is
/// made in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn output_file_that_is_a_mount_point_is_said_before_the_walk() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let (host, target) = (sb.path("host.csv"), sb.path("accounts.csv"));
    fs::write(&host, "old\n").unwrap();
    fs::write(&target, "").unwrap();
    let out = sb
        .in_mount(
            r#"mount --bind "$1" "$2" && shift 2 && exec "$@""#,
            &[&host, &target],
        )
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&target)
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a mount point"), "{err}");
    assert!(fake.page_requests().is_empty(), "{err}");
    assert_eq!(fs::read_to_string(&host).unwrap(), "old\n");
}

/// `trend --plot` naming a bind-mounted file was told "redirect stdout to it (`> FILE`)": `trend >
/// FILE` writes the table there, not the chart, which goes to stdout with `--plot -` alone. The
/// advice names `-`, right for `--plot` and `--output-file` both.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn a_plot_that_is_a_mount_point_is_told_to_pass_a_dash() {
    let sb = Sandbox::new();
    let (host, target) = (sb.path("host.svg"), sb.path("chart.svg"));
    fs::write(&host, "old\n").unwrap();
    fs::write(&target, "").unwrap();
    let out = sb
        .in_mount(
            r#"mount --bind "$1" "$2" && shift 2 && exec "$@""#,
            &[&host, &target],
        )
        .args(["trend", "--plot"])
        .arg(&target)
        .envs([
            ("TALKDESK_BASE_URL", "http://127.0.0.1:9/"),
            ("TALKDESK_TOKEN_URL", "http://127.0.0.1:9/oauth/token"),
        ])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a mount point"), "{err}");
    assert!(err.contains("pass `-`"), "{err}");
}

/// A folder made append-only (`chattr +a`, as log and audit folders are) takes new files but lets
/// none be renamed over or removed: `--output-file` there, even a new file, ran the whole walk,
/// then failed "writing …: Operation not permitted (os error 1)" and left its temporary file
/// behind, against SPEC §6. It is refused before any request. Run by `.ci/run` where it is root
/// (setting the flag needs CAP_LINUX_IMMUTABLE, which no user namespace gives).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: chattr +a"]
fn as_root_an_output_file_in_an_append_only_folder_is_refused_before_the_walk() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let dir = sb.path("exports");
    fs::create_dir(&dir).unwrap();
    let chattr = |flag: &str| {
        let status = std::process::Command::new("chattr")
            .arg(flag)
            .arg(&dir)
            .status();
        let status = status.expect("chattr (package e2fsprogs) runs");
        assert!(status.success(), "chattr {flag}");
    };
    chattr("+a");
    let out = (sb.tool(&fake).args(["list", "-o", "csv", "--output-file"]))
        .arg(dir.join("new.csv"))
        .output()
        .unwrap();
    let left = files_in(&dir);
    chattr("-a");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("append-only"), "{err}");
    assert!(fake.page_requests().is_empty(), "{err}");
    assert!(left.is_empty(), "{left:?}");
}

/// `--output-file` and `config init` in a folder on a file system mounted read-only (systemd's
/// `ProtectHome=read-only`, a container's `--read-only`) said "check that the folder exists and
/// is writable" and "check its permissions": no permission is to blame. Both say the file system
/// is read-only. The mount is a read-only bind mount in a user namespace of the test's own.
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Linux's unshare(1) and bind mounts"
)]
fn output_file_and_config_init_on_a_read_only_file_system_say_so() {
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let sb = Sandbox::new();
    let disk = sb.path("disk");
    fs::create_dir(&disk).unwrap();
    let script = r#"mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@""#;
    let (csv, toml) = (disk.join("a.csv"), disk.join("c.toml"));
    let runs: [&[&std::ffi::OsStr]; 2] = [
        &["list".as_ref(), "--output-file".as_ref(), csv.as_ref()],
        &[
            "config".as_ref(),
            "init".as_ref(),
            "--config".as_ref(),
            toml.as_ref(),
        ],
    ];
    for args in runs {
        let out = sb
            .in_mount(script, &[&disk])
            .args(args)
            .envs(support::tool_env(&fake))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("file system is read-only"), "{err}");
        assert!(
            !err.contains("permissions") && !err.contains("is writable"),
            "{err}"
        );
    }
}

/// Not root, the tool cannot keep another user's ownership, and kept neither it nor the group:
/// a group file (`ops`, 0664) that its members replace became the runner's own group's. The
/// group is kept where the runner is in it. Run by `.ci/run` where it is root, as uid 1001 in
/// group 1002 (setpriv).
#[cfg(unix)]
#[test]
#[ignore = "needs root: it runs the tool as another user"]
fn as_root_a_member_replacing_a_group_file_keeps_its_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    support::require_tool("setpriv", "util-linux");
    let sb = Sandbox::new();
    let fake = FakeApi::start(FakeConfig {
        accounts: simple_accounts(3),
        ..FakeConfig::default()
    });
    let shared = sb.path("shared");
    fs::create_dir(&shared).unwrap();
    // A team folder its members may write (not sticky: a member replaces another's file).
    fs::set_permissions(sb.path(""), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let file = shared.join("export.csv");
    fs::write(&file, "old\n").unwrap();
    std::os::unix::fs::chown(&file, Some(1003), Some(1002)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o664)).unwrap();
    let out = std::process::Command::new("setpriv")
        .args(["--reuid", "1001", "--regid", "1001", "--groups", "1002"])
        .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .args(["list", "-o", "csv", "--no-cache", "--output-file"])
        .arg(&file)
        .env_clear()
        .env("HOME", &shared)
        .envs(support::tool_env(&fake))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let meta = fs::metadata(&file).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (1001, 1002, 0o664)
    );
}

/// A sticky folder anyone may write, as `/tmp`, in `sb` (which others may enter).
#[cfg(unix)]
fn sticky_tmp(sb: &Sandbox) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let tmp = sb.path("tmp");
    fs::create_dir(&tmp).unwrap();
    fs::set_permissions(sb.path(""), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o1777)).unwrap();
    tmp
}

/// `list -o FORMAT --output-file TARGET` run as uid 1001 (setpriv; the caller is root).
#[cfg(unix)]
fn export_as_uid_1001(
    fake: &FakeApi,
    format: &str,
    target: &std::path::Path,
    home: &std::path::Path,
) -> Output {
    std::process::Command::new("setpriv")
        .args(["--reuid", "1001", "--regid", "1001", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("talkdesk-accounts"))
        .args(["-q", "list", "-o", format, "--no-cache", "--output-file"])
        .arg(target)
        .env_clear()
        .env("HOME", home)
        .envs(support::tool_env(fake))
        .output()
        .unwrap()
}

/// A nightly `--output-file /tmp/accounts.json` followed a symbolic link another user had put at
/// that name in the sticky, world-writable folder, and replaced the file it named, the runner's
/// own (`~/.ssh/authorized_keys`), with the list: the kernel refuses to follow such a link
/// (`fs.protected_symlinks`, on by default), but the tool follows links itself. Such a link is
/// not followed: the run fails naming it, the file it names untouched. Run by `.ci/run` where it
/// is root, as uid 1001 (setpriv), the link uid 1002's.
#[cfg(unix)]
#[test]
#[ignore = "needs root: it makes a link of another user and runs the tool as a third"]
fn as_root_a_link_of_another_user_in_a_sticky_folder_is_not_followed() {
    support::require_tool("setpriv", "util-linux");
    let sb = Sandbox::new();
    let fake = fake_with(simple_accounts(3));
    let (tmp, home) = (sticky_tmp(&sb), sb.path("home"));
    fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(1001), Some(1001)).unwrap();
    let own = home.join("authorized_keys");
    fs::write(&own, "ssh-ed25519 AAAA me\n").unwrap();
    std::os::unix::fs::chown(&own, Some(1001), Some(1001)).unwrap();
    let link = tmp.join("accounts.json");
    std::os::unix::fs::symlink(&own, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(1002), Some(1002)).unwrap();
    let out = export_as_uid_1001(&fake, "json", &link, &tmp);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("a symbolic link of another user"), "{err}");
    assert_eq!(fs::read_to_string(&own).unwrap(), "ssh-ed25519 AAAA me\n");
}

/// `--output-file /tmp/accounts.csv` over a file another user had left there (0666, writable by
/// all, as a shell's `>` writes it) walked every page, then failed "writing …: Operation not
/// permitted (os error 1)": in a sticky folder only its owner may replace it, and the error said
/// neither that nor what to do. It is said before any request. Run by `.ci/run` where it is root,
/// as uid 1001 (setpriv), the file uid 1002's.
#[cfg(unix)]
#[test]
#[ignore = "needs root: it makes a file of another user and runs the tool as a third"]
fn as_root_a_file_of_another_user_in_a_sticky_folder_is_said_before_the_walk() {
    support::require_tool("setpriv", "util-linux");
    let sb = Sandbox::new();
    let tmp = sticky_tmp(&sb);
    let err = refused_as_uid_1001(&tmp.join("accounts.csv"), 0o666, &tmp);
    assert!(err.contains("belongs to another user (uid 1002)"), "{err}");
    assert!(err.contains("name another file"), "{err}");
}

/// `old` in `file`, uid 1002's with `mode`, which uid 1001 (home `home`) exports over: refused
/// before any request (exit 1), the file untouched. Its stderr.
#[cfg(unix)]
fn refused_as_uid_1001(file: &std::path::Path, mode: u32, home: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake_with(simple_accounts(3));
    fs::write(file, "old\n").unwrap();
    std::os::unix::fs::chown(file, Some(1002), Some(1002)).unwrap();
    fs::set_permissions(file, fs::Permissions::from_mode(mode)).unwrap();
    let out = export_as_uid_1001(&fake, "csv", file, home);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(fake.page_requests().is_empty(), "{err}");
    assert_eq!(fs::read_to_string(file).unwrap(), "old\n");
    err
}

/// `--output-file` naming another user's write-protected file (0444, uid 1002's) in this user's
/// own folder said "make it writable (chmod u+w)", which only its owner (or root) may do. It says
/// what this user can: name another file, or ask its owner. Run by `.ci/run` where it is root, as
/// uid 1001 (setpriv).
#[cfg(unix)]
#[test]
#[ignore = "needs root: it makes a file of another user and runs the tool as a third"]
fn as_root_another_users_write_protected_file_is_not_told_to_chmod() {
    use std::os::unix::fs::PermissionsExt;
    support::require_tool("setpriv", "util-linux");
    let sb = Sandbox::new();
    fs::set_permissions(sb.path(""), fs::Permissions::from_mode(0o755)).unwrap();
    let home = sb.path("home");
    fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(1001), Some(1001)).unwrap();
    let err = refused_as_uid_1001(&home.join("accounts.csv"), 0o444, &home);
    assert!(!err.contains("chmod"), "{err}");
    assert!(err.contains("(owner uid 1002, mode 444)"), "{err}");
    assert!(err.contains("name another file, or ask its owner"), "{err}");
}

/// `--output-file` naming yesterday's export kept write-protected (`chmod a-w`, mode 0444)
/// replaced it, exit 0, as it replaces any file: the rename needs only the folder's permission,
/// so the mode that said "keep" was never asked (where `>`, `cp` and `curl -o` refuse). It is
/// refused before any request, the file untouched and no temporary file left; as the history
/// store, write-protected is read-only for root too.
#[cfg(unix)]
#[test]
fn output_file_kept_write_protected_is_refused_before_the_walk() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let fake = fake_with(simple_accounts(3));
    let out_dir = sb.path("exports");
    fs::create_dir(&out_dir).unwrap();
    let file = out_dir.join("accounts.csv");
    fs::write(&file, "old\n").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&file)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is write-protected (mode 444)"), "{err}");
    assert!(err.contains("chmod u+w"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(fake.page_requests().is_empty(), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "old\n");
    assert_eq!(support::mode(&file), 0o444);
    assert_eq!(files_in(&out_dir), vec!["accounts.csv".to_string()]);
}

/// A member of a team folder (0777, not sticky) exporting to a colleague's file that only the
/// colleague may write (0644) replaced it with a file of their own: the folder lets anyone rename
/// over it, where `>` and `cp` say "Permission denied" (and `mv` asks first). It is refused before
/// any request, the file untouched. Run by `.ci/run` where it is root, as uid 1001 (setpriv), the
/// file uid 1002's.
#[cfg(unix)]
#[test]
#[ignore = "needs root: it makes a file of another user and runs the tool as a third"]
fn as_root_a_file_this_user_may_not_write_is_refused_before_the_walk() {
    use std::os::unix::fs::PermissionsExt;
    support::require_tool("setpriv", "util-linux");
    let sb = Sandbox::new();
    let shared = sb.path("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(sb.path(""), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let err = refused_as_uid_1001(&shared.join("accounts.csv"), 0o644, &shared);
    assert!(
        err.contains("this user may not write it (owner uid 1002, mode 644)"),
        "{err}"
    );
    assert_eq!(files_in(&shared), vec!["accounts.csv".to_string()]);
}

/// `--output-file` through a symbolic link into a folder that does not exist said "cannot create a
/// file in its folder; check that the folder exists", though the link's folder exists: the
/// folder missing is the one it leads to, which is named.
#[cfg(unix)]
#[test]
fn output_file_through_a_link_into_a_missing_folder_names_that_folder() {
    let fake = fake_with(simple_accounts(3));
    let sb = Sandbox::new();
    let link = sb.path("export.csv");
    std::os::unix::fs::symlink(sb.path("gone/export.csv"), &link).unwrap();
    let out = sb
        .tool(&fake)
        .args(["list", "-o", "csv", "--output-file"])
        .arg(&link)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let gone = sb.path("gone").display().to_string();
    assert!(
        err.contains(&format!("cannot create a file in {gone};")),
        "{err}"
    );
}

/// `--output-file` through symbolic links that lead nowhere (a loop, or
/// more than the kernel's 40) fails as a shell's `>` does: the error names
/// the path, the links stay links, and no file is made.
#[cfg(unix)]
#[test]
fn output_file_through_a_loop_of_links_fails_and_leaves_the_links() {
    use std::os::unix::fs::symlink;
    let fake = fake_with(simple_accounts(3));
    let sb = Sandbox::new();
    let dir = sb.path("links");
    fs::create_dir(&dir).expect("mkdir");
    symlink("loop2", dir.join("loop1")).expect("ln");
    symlink("loop1", dir.join("loop2")).expect("ln");
    fs::write(dir.join("real.csv"), "old\n").expect("write");
    symlink("real.csv", dir.join("h0")).expect("ln");
    for i in 1..=45 {
        symlink(format!("h{}", i - 1), dir.join(format!("h{i}"))).expect("ln");
    }
    for name in ["loop1", "h45"] {
        let output = sb
            .tool(&fake)
            .args(["list", "-o", "csv", "--output-file"])
            .arg(dir.join(name))
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&*dir.join(name).to_string_lossy()),
            "{stderr}"
        );
        assert!(
            stderr.contains("Too many levels of symbolic links"),
            "{stderr}"
        );
    }
    let files: Vec<String> = files_in(&dir)
        .into_iter()
        .filter(|f| !fs::symlink_metadata(dir.join(f)).unwrap().is_symlink())
        .collect();
    assert_eq!(
        files,
        ["real.csv"],
        "every link stays a link, no temporary file"
    );
    assert_eq!(fs::read_to_string(dir.join("real.csv")).unwrap(), "old\n");
    assert!(fake.page_requests().is_empty(), "no page fetched");
}

/// After the rename, the folder is synced too: without it, a power loss
/// can undo the rename, and the old file is back after a run that said
/// exit 0. Read off the system calls the binary makes (strace).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs strace, which a new machine may not have: .ci/run runs it where strace is installed"]
fn strace_shows_the_output_files_folder_synced_after_the_rename() {
    support::require_tool("strace", "strace");
    let fake = fake_with(simple_accounts(3));
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("out")).unwrap();
    let log = sandbox.path("strace.log");
    let tool = sandbox.spawnable_tool(&fake);
    let mut traced = std::process::Command::new("strace");
    traced
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=openat,fsync,rename,renameat,renameat2",
        ])
        .arg("-o")
        .arg(&log)
        .arg(tool.get_program())
        .args(["list", "-o", "csv", "--output-file"])
        .arg(sandbox.path("out/a.csv"))
        .env_clear();
    for (name, value) in tool.get_envs() {
        traced.env(name, value.unwrap_or_default());
    }
    let output = traced.output().expect("strace runs");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let calls = fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = calls.lines().collect();
    let renamed = (lines.iter())
        .position(|l| l.contains("rename") && l.contains("a.csv"))
        .unwrap_or_else(|| panic!("no rename in:\n{calls}"));
    let folder = format!("\"{}\"", sandbox.path("out").display());
    let fd = (lines[renamed..].iter())
        .find(|l| l.contains("openat(") && l.contains(&folder))
        .and_then(|l| l.rsplit("= ").next())
        .unwrap_or_else(|| panic!("the folder is not opened after the rename:\n{calls}"));
    let synced = format!("fsync({fd})");
    assert!(
        lines[renamed..].iter().any(|l| l.contains(&synced)),
        "the folder is not synced after the rename:\n{calls}"
    );
}
