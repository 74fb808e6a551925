//! `summary` against the fake API: counts per status in the documented
//! order with zeros, unknown statuses after, TOTAL rows, filters, dedup.
use crate::support;

use serde_json::{Value, json};
use support::fake_api::{FakeApi, FakeConfig, STATUSES};
use support::{Sandbox, stderr_of, stdout_of};

fn account(id: &str, status: Value) -> Value {
    json!({"id": id, "name": format!("n-{id}"), "company_name": "C", "status": status})
}

/// 12 accounts over 3 pages of 5: no PROSPECT, two unknown statuses (the
/// later-named one seen first), one without status.
fn mixed() -> Vec<Value> {
    let statuses = [
        json!("ACTIVE"),
        json!("SUSPENDED"),
        json!("ACTIVE"),
        json!("churned"),
        json!("OTHER"),
        json!("IN_TRIAL"),
        json!("ARCHIVED"),
        json!("ACTIVE"),
        json!("SUSPENDED"),
        json!("INACTIVE"),
        json!("TRIAL_LOST"),
        Value::Null,
    ];
    statuses
        .into_iter()
        .enumerate()
        .map(|(i, s)| account(&format!("a{i:02}"), s))
        .collect()
}

fn fake(accounts: Vec<Value>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        page_cap: 5,
        ..FakeConfig::default()
    })
}

fn run(fake: &FakeApi, args: &[&str]) -> std::process::Output {
    let output = Sandbox::new()
        .tool(fake)
        .arg("summary")
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    output
}

#[test]
fn json_lists_documented_statuses_in_order_with_zeros_then_the_others() {
    let fake = fake(mixed());
    let output = run(&fake, &["-o", "json"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        parsed,
        json!([
            {"status": "ACTIVE", "count": 3},
            {"status": "CHURNED", "count": 1},
            {"status": "IN_TRIAL", "count": 1},
            {"status": "INACTIVE", "count": 1},
            {"status": "PROSPECT", "count": 0},
            {"status": "TRIAL_LOST", "count": 1},
            {"status": "OTHER", "count": 1},
            {"status": "SUSPENDED", "count": 2},
            {"status": "ARCHIVED", "count": 1},
            {"status": null, "count": 1},
        ])
    );
    assert_eq!(
        fake.sorted_page_requests(),
        vec![1, 2, 3],
        "every page walked once"
    );
}

#[test]
fn csv_has_the_same_rows_and_a_total() {
    let fake = fake(mixed());
    let output = run(&fake, &["-o", "csv"]);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    assert_eq!(reader.headers().unwrap(), vec!["status", "count"]);
    let rows: Vec<(String, u64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].parse().unwrap())
        })
        .collect();
    let expected: Vec<(String, u64)> = [
        ("ACTIVE", 3),
        ("CHURNED", 1),
        ("IN_TRIAL", 1),
        ("INACTIVE", 1),
        ("PROSPECT", 0),
        ("TRIAL_LOST", 1),
        ("OTHER", 1),
        ("SUSPENDED", 2),
        ("ARCHIVED", 1),
        ("", 1),
        ("TOTAL", 12),
    ]
    .into_iter()
    .map(|(s, n)| (s.to_string(), n))
    .collect();
    assert_eq!(rows, expected);
}

#[test]
fn the_table_is_the_default_with_a_total_row() {
    let fake = fake(support::fake_api::simple_accounts(20));
    let output = run(&fake, &[]);
    let text = stdout_of(&output);
    let cells: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('┆')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let mut expected: Vec<Vec<String>> = vec![vec!["status".into(), "count".into()]];
    for (i, s) in STATUSES.iter().enumerate() {
        let n = if i < 6 { "3" } else { "2" };
        expected.push(vec![s.to_string(), n.to_string()]);
    }
    expected.push(vec!["TOTAL".into(), "20".into()]);
    assert_eq!(cells, expected, "{text}");
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
}

#[test]
fn status_filter_counts_and_shows_only_those_statuses() {
    let fake = fake(mixed());
    let output = run(
        &fake,
        &["-o", "json", "--status", "prospect,ACTIVE", "-s", "churned"],
    );
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        parsed,
        json!([
            {"status": "ACTIVE", "count": 3},
            {"status": "CHURNED", "count": 1},
            {"status": "PROSPECT", "count": 0},
        ])
    );
}

#[test]
fn duplicate_ids_across_pages_count_once_with_a_warning() {
    let mut accounts = mixed();
    // a00 shows up again on page 3 (data shifting during the walk).
    accounts.insert(10, account("a00", json!("ACTIVE")));
    let fake = fake(accounts);
    let output = run(&fake, &["-o", "json"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed[0], json!({"status": "ACTIVE", "count": 3}));
    let total: u64 = parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 12);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("collected 12 distinct accounts but the API reported a total of 13"),
        "{stderr}"
    );
}

#[test]
fn hostile_statuses_are_inert_in_csv_and_table() {
    let fake = fake(vec![
        account("x1", json!("=HYPERLINK(\"http://evil\")")),
        account("x2", json!("\u{1b}]0;pwned\u{7}BAD")),
    ]);
    let csv_out = run(&fake, &["-o", "csv"]);
    let text = stdout_of(&csv_out);
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\",1"),
        "{text}"
    );
    let table = stdout_of(&run(&fake, &["-o", "table"]));
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table}"
    );
    assert!(table.contains("│ BAD "), "{table}");
}

#[test]
fn no_accounts_is_all_zeros() {
    let fake = fake(vec![]);
    let output = run(&fake, &["-o", "csv"]);
    let text = stdout_of(&output);
    assert_eq!(
        text,
        "status,count\nACTIVE,0\nCHURNED,0\nIN_TRIAL,0\nINACTIVE,0\nPROSPECT,0\nTRIAL_LOST,0\nOTHER,0\nTOTAL,0\n"
    );
}

#[test]
fn auth_failures_exit_4() {
    let fake = FakeApi::start(FakeConfig {
        client_secret: "another-secret".into(),
        ..FakeConfig::default()
    });
    let output = Sandbox::new().tool(&fake).arg("summary").output().unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
}
