//! `--jq EXPR` end to end: the output rule, streaming, errors and exit
//! codes, exact values, and the README's jq one-liners against their
//! `--jq` forms on the demo data.

use crate::support;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use support::fake_api::{
    FakeApi, FakeConfig, FaultKind, Faults, RequestMatch, sample_accounts, simple_accounts,
};
use support::{Sandbox, files_in, stderr_of, stdout_of};

fn fake_with(accounts: Vec<Value>) -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts,
        ..FakeConfig::default()
    })
}

fn run(fake: &FakeApi, args: &[&str]) -> Output {
    Sandbox::new().tool(fake).args(args).output().expect("run")
}

fn run_ok(fake: &FakeApi, args: &[&str]) -> String {
    let output = run(fake, args);
    assert!(
        output.status.success(),
        "{args:?} failed with {:?}: {}",
        output.status.code(),
        stderr_of(&output)
    );
    stdout_of(&output)
}

/// Asserts one `error: …` line containing each of `parts`, and `code`.
fn assert_error(output: &Output, code: i32, parts: &[&str]) {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for part in parts {
        assert!(stderr.contains(part), "`{part}` missing from: {stderr}");
    }
}

/// Accounts with values of every JSON kind.
fn varied_accounts() -> Vec<Value> {
    vec![
        json!({"id": "a1", "name": "acme", "n": 1, "tags": ["x", "y"], "extra": null, "o": {"k": true}}),
        json!({"id": "a2", "name": "beta", "n": 2, "tags": [], "extra": "e", "o": {}}),
    ]
}

// ---------------------------------------------------------------------------------------------
// The output rule
// ---------------------------------------------------------------------------------------------

#[test]
fn strings_print_raw_and_other_values_as_compact_json_one_per_line() {
    let fake = fake_with(varied_accounts());
    assert_eq!(run_ok(&fake, &["list", "--jq", ".name"]), "acme\nbeta\n");
    assert_eq!(run_ok(&fake, &["list", "--jq", ".n"]), "1\n2\n");
    assert_eq!(
        run_ok(&fake, &["list", "--jq", ".tags"]),
        "[\"x\",\"y\"]\n[]\n"
    );
    assert_eq!(run_ok(&fake, &["list", "--jq", ".extra"]), "null\ne\n");
    assert_eq!(
        run_ok(&fake, &["list", "--jq", "{id, o}"]),
        "{\"id\":\"a1\",\"o\":{\"k\":true}}\n{\"id\":\"a2\",\"o\":{}}\n"
    );
    assert_eq!(
        run_ok(&fake, &["list", "--jq", ".tags[]"]),
        "x\ny\n",
        "each result on its own line"
    );
    assert_eq!(run_ok(&fake, &["list", "--jq", "empty"]), "");
}

/// An expression that starts with `-` was taken for an option (`error:
/// unexpected argument '-.' found`); gh's --jq takes it.
#[test]
fn an_expression_may_start_with_a_minus() {
    let fake = fake_with(varied_accounts());
    assert_eq!(run_ok(&fake, &["list", "--jq", "-.n"]), "-1\n-2\n");
}

#[test]
fn jq_without_output_runs_per_account_as_jsonl_does() {
    let fake = fake_with(simple_accounts(25));
    let implied = run_ok(&fake, &["list", "--per-page", "10", "--jq", ".id"]);
    let jsonl = run_ok(
        &fake,
        &["list", "--per-page", "10", "-o", "jsonl", "--jq", ".id"],
    );
    let expected: String = (1..=25).map(|i| format!("acc-{i:04}\n")).collect();
    assert_eq!(implied, expected);
    assert_eq!(jsonl, expected);
    // Per account: `length` is each account's field count, not the list's.
    assert_eq!(run_ok(&fake, &["list", "--jq", "length"]), "4\n".repeat(25));
}

#[test]
fn jq_with_json_runs_once_on_the_whole_array() {
    let fake = fake_with(simple_accounts(25));
    assert_eq!(
        run_ok(
            &fake,
            &["list", "--per-page", "10", "-o", "json", "--jq", "length"]
        ),
        "25\n"
    );
    assert_eq!(
        run_ok(&fake, &["list", "-o", "json", "--jq", ".[-1].name"]),
        "name-25\n"
    );
    assert_eq!(
        run_ok(
            &fake,
            &[
                "list", "-o", "json", "--status", "CHURNED", "--jq", "map(.id)"
            ]
        ),
        "[\"acc-0002\",\"acc-0009\",\"acc-0016\",\"acc-0023\"]\n"
    );
}

#[test]
fn jq_sees_the_accounts_after_status_limit_and_sort() {
    let fake = fake_with(sample_accounts(30));
    let names = run_ok(
        &fake,
        &["list", "--sort", "name", "--limit", "5", "--jq", ".name"],
    );
    let mut expected: Vec<String> = sample_accounts(30)
        .iter()
        .take(5)
        .map(|a| a["name"].as_str().expect("name").to_string())
        .collect();
    expected.sort();
    assert_eq!(
        names,
        expected
            .iter()
            .map(|n| format!("{n}\n"))
            .collect::<String>()
    );
    let statuses = run_ok(&fake, &["list", "-s", "IN_TRIAL", "--jq", ".status"]);
    assert!(!statuses.is_empty());
    assert!(statuses.lines().all(|s| s == "IN_TRIAL"), "{statuses}");
}

#[test]
fn summary_and_diff_run_it_once_on_their_json() {
    let fake = fake_with(simple_accounts(14));
    assert_eq!(
        run_ok(
            &fake,
            &["summary", "--jq", ".[] | select(.status==\"ACTIVE\").count"]
        ),
        "2\n"
    );
    assert_eq!(
        run_ok(
            &fake,
            &["summary", "-o", "json", "--jq", "map(.count) | add"]
        ),
        "14\n"
    );
    let sandbox = Sandbox::new();
    let old = sandbox.path("old.jsonl");
    let mut lines: Vec<Value> = simple_accounts(14);
    lines.remove(0);
    lines[0]["status"] = json!("ACTIVE");
    lines.push(json!({"id": "gone", "status": "ACTIVE"}));
    let text: String = lines.iter().map(|v| format!("{v}\n")).collect();
    fs::write(&old, text).expect("write old");
    let output = sandbox
        .tool(&fake)
        .arg("diff")
        .arg(&old)
        .args([
            "--jq",
            "(.added[] | \"added \\(.id)\"), (.removed[] | \"removed \\(.id)\"), (.changed[] | \"\\(.id): \\(.before.status) -> \\(.after.status)\")",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "added acc-0001\nremoved gone\nacc-0002: ACTIVE -> CHURNED\n"
    );
}

#[test]
fn output_file_receives_the_results_atomically() {
    let fake = fake_with(simple_accounts(3));
    let sandbox = Sandbox::new();
    let target = sandbox.path("names.txt");
    let output = sandbox
        .tool(&fake)
        .args(["list", "--jq", ".name", "--output-file"])
        .arg(&target)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(&target).expect("read"),
        "name-1\nname-2\nname-3\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

fn failing_on_page_3() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: simple_accounts(30),
        faults: Faults::always(RequestMatch::Page(3), FaultKind::Status(500)),
        ..FakeConfig::default()
    })
}

#[test]
fn a_failure_on_page_3_leaves_pages_1_and_2_with_jsonl_and_nothing_with_json() {
    for concurrency in ["1", "4"] {
        let args = [
            "list",
            "--per-page",
            "10",
            "--max-retries",
            "0",
            "--concurrency",
            concurrency,
            "--jq",
            ".id",
        ];
        let fake = failing_on_page_3();
        let output = run(&fake, &args);
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        let expected: String = (1..=20).map(|i| format!("acc-{i:04}\n")).collect();
        assert_eq!(
            stdout_of(&output),
            expected,
            "pages 1-2 streamed (--concurrency {concurrency})"
        );

        let fake = failing_on_page_3();
        let output = run(&fake, &[&args[..], &["-o", "json"]].concat());
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        assert!(
            output.stdout.is_empty(),
            "json: nothing (--concurrency {concurrency}): {}",
            stdout_of(&output)
        );
    }
}

#[test]
fn a_failed_walk_leaves_the_output_file_untouched() {
    for format in ["jsonl", "json"] {
        let fake = failing_on_page_3();
        let sandbox = Sandbox::new();
        let dir = sandbox.path("out");
        fs::create_dir_all(&dir).expect("mkdir");
        let target = dir.join("ids.txt");
        fs::write(&target, "yesterday\n").expect("write");
        let output = sandbox
            .tool(&fake)
            .args([
                "list",
                "--per-page",
                "10",
                "--max-retries",
                "0",
                "-o",
                format,
            ])
            .args(["--jq", ".id", "--output-file"])
            .arg(&target)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
        assert_eq!(fs::read_to_string(&target).expect("read"), "yesterday\n");
        assert_eq!(files_in(&dir), ["ids.txt"], "{format}: no temporary file");
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn table_and_csv_are_refused_before_any_request() {
    let fake = fake_with(simple_accounts(3));
    for format in ["table", "csv"] {
        let output = run(&fake, &["list", "-o", format, "--jq", ".id"]);
        assert_error(
            &output,
            2,
            &[
                &format!("--jq runs on JSON output, so it cannot be used with -o {format}"),
                "-o jsonl or -o json",
            ],
        );
        for command in ["summary", "diff"] {
            let mut args = vec![command];
            if command == "diff" {
                args.push("old.json");
            }
            args.extend(["-o", format, "--jq", "."]);
            let output = run(&fake, &args);
            assert_error(
                &output,
                2,
                &[&format!("cannot be used with -o {format}"), "-o json"],
            );
        }
    }
    assert!(no_request_was_made(&fake));
}

fn no_request_was_made(fake: &FakeApi) -> bool {
    fake.page_requests().is_empty() && fake.token_requests() == 0
}

#[test]
fn an_expression_that_does_not_parse_is_a_usage_error_with_the_position() {
    let fake = fake_with(simple_accounts(3));
    let output = run(&fake, &["list", "--jq", ".name |"]);
    assert_error(
        &output,
        2,
        &[
            "--jq expression does not parse",
            "expected term at column 8",
            "found the end of the expression",
        ],
    );
    assert!(output.stdout.is_empty());
    let output = run(&fake, &["summary", "--jq", "map(.count"]);
    assert_error(
        &output,
        2,
        &[
            "does not parse",
            "expected `)` to close the `(` at column 4",
            "column 11",
        ],
    );
    let output = run(&fake, &["list", "-o", "json", "--jq", ".[] | slect(.id)"]);
    assert_error(
        &output,
        2,
        &[
            "unknown function `slect/1` at column 7",
            "check the spelling",
        ],
    );
    assert!(no_request_was_made(&fake));
}

#[test]
fn the_environment_is_out_of_reach_of_an_expression() {
    let fake = fake_with(simple_accounts(1));
    for expr in ["env.TALKDESK_CLIENT_SECRET", "$ENV.TALKDESK_CLIENT_SECRET"] {
        let output = run(&fake, &["list", "--jq", expr]);
        assert_error(&output, 2, &["unknown", "no environment"]);
        assert!(!stderr_of(&output).contains("test-secret-value"));
        assert!(output.stdout.is_empty());
    }
}

/// jq's destructuring alternative (`. as [$a] ?// $a | …`), which jaq does not have, was
/// "expected | at column 15 (found `?`); check its quotes and brackets", though nothing was
/// wrong with them, and docs/jq.md did not list it among what `--jq` leaves out.
#[test]
fn a_destructuring_alternative_is_named_as_missing() {
    let fake = fake_with(simple_accounts(1));
    let output = run(&fake, &["list", "--jq", ".tags as [$t] ?// $t | $t"]);
    assert_error(
        &output,
        2,
        &["`?//` at column 15", "jq has it but --jq does not"],
    );
    assert!(!stderr_of(&output).contains("quotes and brackets"));
    assert!(no_request_was_made(&fake));
}

/// jq's data import (`import "x" as $d`, a JSON file read into `$d`) was
/// taken, and the run ended with "internal error at …/jaq-core…/filter.rs:549;
/// please report it" (exit 1): it is refused before any request, as a
/// module import is (exit 2). And `import "x" as x; .` (or `include "x";`)
/// was "--jq expression does not parse: cannot import x …; check its quotes
/// and brackets (as jq reads it)": it parses, and its quotes and brackets
/// were right. It is named as what `--jq` does not have, with what to do
/// instead.
#[test]
fn an_import_is_refused_and_not_called_a_parse_error() {
    let fake = fake_with(simple_accounts(1));
    for expr in [
        "import \"data\" as $d; $d",
        "import \"/etc/hostname\" as $d; .",
        "import \"x\" as x; .",
        "include \"x\"; .",
    ] {
        let output = run(&fake, &["list", "--jq", expr]);
        assert_error(
            &output,
            2,
            &[
                "cannot import",
                "--jq reads no modules or files",
                "pipe -o json into jq",
            ],
        );
        assert!(output.stdout.is_empty());
        let stderr = stderr_of(&output);
        assert!(!stderr.contains("quotes and brackets"), "{expr}: {stderr}");
        assert!(!stderr.contains("does not parse"), "{expr}: {stderr}");
        assert!(no_request_was_made(&fake), "{expr}");
    }
}

#[test]
fn a_run_time_error_is_exit_1_naming_the_account() {
    let mut accounts = simple_accounts(12);
    accounts[10]["n"] = json!("eleven");
    for (i, account) in accounts.iter_mut().enumerate().take(10) {
        account["n"] = json!(i);
    }
    accounts[11]["n"] = json!(11);
    let fake = fake_with(accounts);
    let output = run(&fake, &["list", "--per-page", "5", "--jq", ".n + 1"]);
    assert_error(
        &output,
        1,
        &[
            "--jq failed on account acc-0011",
            "cannot calculate \"eleven\" + 1",
            "fix the expression",
        ],
    );
    assert_eq!(
        stdout_of(&output),
        "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
        "the accounts before it were streamed"
    );

    let output = run(&fake, &["list", "-o", "json", "--jq", ".[] | .n - 1"]);
    assert_error(&output, 1, &["--jq failed on the list", "cannot calculate"]);

    let output = run(&fake, &["summary", "--jq", "error(\"stop here\")"]);
    assert_error(&output, 1, &["--jq failed on the summary: stop here"]);
}

/// `list -o json --jq .id` (`.[]` forgotten, jq's commonest slip) said "cannot index [{"id":…"
/// and no more: the message was cut at its 300th character, inside the quoted list, and what
/// was indexed with (`"id"`), or used as what, was cut off with the rest.
#[test]
fn an_error_on_a_long_value_still_says_what_was_wrong_with_it() {
    let fake = fake_with(simple_accounts(20));
    let output = run(&fake, &["list", "-o", "json", "--jq", ".id"]);
    assert_error(
        &output,
        1,
        &["cannot index [{\"id\":\"acc-0001\"", "with \"id\""],
    );
    let output = run(&fake, &["list", "-o", "json", "--jq", "ascii_downcase"]);
    assert_error(&output, 1, &["cannot use [{", "as string"]);
}

/// `@csv` and `@tsv` wrote a computed whole number as jaq spells it (`[.n / 2] | @csv` gave
/// `5.0`, `1e17 * 1` `1e17`), where jq writes `5`, and the tool prints `5` for `.n / 2` alone.
#[test]
fn csv_and_tsv_write_computed_numbers_as_jq_does() {
    let fake = fake_with(vec![json!({"id": "a1", "n": 10})]);
    let expr = "[.n / 2, .n * 1.5, .n / 4, 1e17 * 1, -0.0 * 1, 0 / 0]";
    let csv = run_ok(&fake, &["list", "--jq", &format!("{expr} | @csv")]);
    assert_eq!(csv, "5,15,2.5,1e+17,-0,\n");
    let tsv = run_ok(&fake, &["list", "--jq", &format!("{expr} | @tsv")]);
    assert_eq!(tsv, "5\t15\t2.5\t1e+17\t-0\t\n");
}

/// `@csv` and `@tsv` wrote a NUL in a value as the byte itself, where jq and gojq write `\0`
/// (bash's `read` drops the byte silently: `a\0b` became `ab`).
#[test]
fn csv_and_tsv_write_a_nul_as_jq_does() {
    let fake = fake_with(vec![json!({"id": "a1", "company_name": "a\u{0}b\\c"})]);
    let csv = run_ok(&fake, &["list", "--jq", "[.id, .company_name] | @csv"]);
    assert_eq!(csv, "\"a1\",\"a\\0b\\c\"\n");
    let tsv = run_ok(&fake, &["list", "--jq", "[.id, .company_name] | @tsv"]);
    assert_eq!(tsv, "a1\ta\\0b\\\\c\n");
}

/// `from_entries` of `{"Key", "Value"}` pairs (AWS's tags) or `{"name", "value"}` failed with
/// "an object key must be a string, not null (from an account without the field…)", exit 1:
/// jaq reads `key` and `value` alone, where jq and gh's gojq read `key`, `name`, `Name` or
/// `Key`, and `value` or `Value`.
#[test]
fn from_entries_reads_the_names_jq_reads() {
    let fake = fake_with(vec![json!({"id": "a1", "status": "ACTIVE", "tags": [
        {"Key": "env", "Value": "prod"}, {"name": "team", "value": false}, {"Name": "n", "Value": null}
    ]})]);
    let out = run_ok(&fake, &["list", "--jq", ".tags | from_entries"]);
    assert_eq!(out, "{\"env\":\"prod\",\"team\":false,\"n\":null}\n");
    let out = run_ok(
        &fake,
        &[
            "list",
            "--jq",
            "{id, status} | with_entries(.value |= ascii_downcase)",
        ],
    );
    assert_eq!(out, "{\"id\":\"a1\",\"status\":\"active\"}\n");
}

#[test]
fn a_run_time_error_writes_nothing_to_the_output_file() {
    let mut accounts = simple_accounts(30);
    accounts[25]["name"] = json!(null);
    let fake = fake_with(accounts);
    let sandbox = Sandbox::new();
    let dir = sandbox.path("out");
    fs::create_dir_all(&dir).expect("mkdir");
    let target = dir.join("names.txt");
    let output = sandbox
        .tool(&fake)
        .args(["list", "--per-page", "10", "--jq", ".name | ascii_downcase"])
        .arg("--output-file")
        .arg(&target)
        .output()
        .expect("run");
    assert_error(&output, 1, &["account acc-0026"]);
    // Said as the filter's failure, not as one to write the file.
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with("error: --jq failed on account acc-0026"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(
        files_in(&dir),
        Vec::<String>::new(),
        "no file, no temporary"
    );
}

// ---------------------------------------------------------------------------------------------
// Exact values
// ---------------------------------------------------------------------------------------------

const EXACT: &str = r#"{"id":123456789012345678901234567891,"name":"東京テレコム","company_name":"Café \"Zürich\" 😀\n2nd line","big":123456789012345678901234567890,"neg":-98765432109876543210987654321,"dec":1.10,"small":1e-7,"esc":"tab\there\u0007"}"#;

fn exact_account() -> Value {
    serde_json::from_str(EXACT).expect("EXACT parses")
}

#[test]
fn unicode_and_big_numbers_pass_through_exactly() {
    let fake = fake_with(vec![exact_account()]);
    assert_eq!(
        run_ok(&fake, &["list", "--jq", ".big"]),
        "123456789012345678901234567890\n"
    );
    assert_eq!(
        run_ok(&fake, &["list", "--jq", "[.neg, .dec, .small]"]),
        "[-98765432109876543210987654321,1.10,1e-7]\n"
    );
    assert_eq!(
        run_ok(&fake, &["list", "--jq", ".company_name"]),
        "Café \"Zürich\" 😀\n2nd line\n"
    );
    assert_eq!(run_ok(&fake, &["list", "--jq", ".name"]), "東京テレコム\n");
    assert_eq!(
        run_ok(&fake, &["list", "--jq", "."]),
        format!("{EXACT}\n"),
        "the whole account, as the API sent it"
    );
    assert_eq!(
        run_ok(&fake, &["list", "-o", "json", "--jq", ".[0].big, .[0].id"]),
        "123456789012345678901234567890\n123456789012345678901234567891\n"
    );
    assert_eq!(
        run_ok(&fake, &["list", "--jq", ".big + 1"]),
        "123456789012345678901234567891\n",
        "arithmetic on big integers is exact too"
    );
}

// ---------------------------------------------------------------------------------------------
// The README's one-liners
// ---------------------------------------------------------------------------------------------

/// The sections (file, heading) that pair each jq one-liner with its `--jq` form.
const README_SECTIONS: [(&str, &str); 2] = [
    ("README.md", "### Piping into jq"),
    ("docs/recipes.md", "## jq one-liners"),
];

/// Each `--jq` form of the README and what it prints on the demo data
/// (stdout, then any file it wrote), with `last-week.json` as
/// [`last_week`] writes it.
fn expected() -> Vec<(&'static str, String)> {
    let in_trial = "Smith, Jones & Partners\nМосква Связь\nCyberdyne Systems\nContoso Ltd. 2\n\
        Lisboa Tech, Lda. 2\nGlobex Corporation 3\nO'Reilly & \"Sons\", Ltd. 3\nCafé Zürich GmbH 4\n\
        São Paulo Seguros S.A. 4\nJoseph Pinetrees Inc. 5\nNorthwind Traders 5\nHooli 5\n";
    let statuses: Vec<String> = sample_accounts(120)
        .iter()
        .map(|a| format!(r#"{{"id":{},"status":{}}}"#, a["id"], a["status"]))
        .collect();
    vec![
        (
            r#"talkdesk-accounts list --jq 'select(.status=="IN_TRIAL") | .company_name'"#,
            in_trial.to_string(),
        ),
        (
            r#"talkdesk-accounts list -o json --jq 'group_by(.status) | map({status: .[0].status, n: length})'"#,
            concat!(
                r#"[{"status":"ACTIVE","n":78},{"status":"CHURNED","n":6},{"status":"INACTIVE","n":6},"#,
                r#"{"status":"IN_TRIAL","n":12},{"status":"OTHER","n":6},{"status":"PROSPECT","n":6},"#,
                r#"{"status":"TRIAL_LOST","n":6}]"#,
                "\n"
            )
            .to_string(),
        ),
        (
            r#"talkdesk-accounts list --jq 'select(.status=="CHURNED") | [.id, .company_name] | @tsv'"#,
            "5ea75fe7aa2247010000005c\tCafé Zürich GmbH\n\
             5ea75fe7aa224701000000e8\tJoseph Pinetrees Inc. 2\n\
             5ea75fe7aa22470100000174\tHooli 2\n\
             5ea75fe7aa22470100000200\tМосква Связь 3\n\
             5ea75fe7aa2247010000028c\tContoso Ltd. 4\n\
             5ea75fe7aa22470100000318\tGlobex Corporation 5\n"
                .to_string(),
        ),
        (
            r#"talkdesk-accounts list --jq 'select(.status=="IN_TRIAL") | .company_name'"#,
            in_trial.to_string(),
        ),
        (
            r#"talkdesk-accounts list --jq 'select(.status=="CHURNED") | {id, name}'"#,
            concat!(
                r#"{"id":"5ea75fe7aa2247010000005c","name":"cafezurich"}"#,
                "\n",
                r#"{"id":"5ea75fe7aa224701000000e8","name":"josephpinetrees2"}"#,
                "\n",
                r#"{"id":"5ea75fe7aa22470100000174","name":"hooli2"}"#,
                "\n",
                r#"{"id":"5ea75fe7aa22470100000200","name":"moskva-svyaz3"}"#,
                "\n",
                r#"{"id":"5ea75fe7aa2247010000028c","name":"contoso4"}"#,
                "\n",
                r#"{"id":"5ea75fe7aa22470100000318","name":"globex5"}"#,
                "\n"
            )
            .to_string(),
        ),
        (
            r#"talkdesk-accounts summary --jq '.[] | select(.status=="ACTIVE").count'"#,
            "78\n".to_string(),
        ),
        (
            r#"talkdesk-accounts diff last-week.json --jq '.changed[] | "\(.after.name): \(.before.status) -> \(.after.status)"'"#,
            "smithjones: PROSPECT -> IN_TRIAL\numbrella: IN_TRIAL -> ACTIVE\n".to_string(),
        ),
        (
            r#"talkdesk-accounts list -o json --jq '[.[] | {id, status}]' > statuses.json"#,
            format!("[{}]\n", statuses.join(",")),
        ),
    ]
}

/// The command lines of a README section (console `$ ` prompts removed,
/// `\` continuations joined, comments dropped).
fn command_lines(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(&format!("{heading}\n"))
        .unwrap_or_else(|| panic!("README has no `{heading}` section"));
    let body = &readme[start + heading.len()..];
    let mut lines = Vec::new();
    let mut in_code = false;
    let mut pending = String::new();
    for line in body.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            if line.starts_with('#') {
                break;
            }
            continue;
        }
        let line = line.strip_prefix("$ ").unwrap_or(line).trim();
        if pending.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(line);
                lines.push(std::mem::take(&mut pending));
            }
        }
    }
    lines
}

/// Each jq pipe of the README with the `--jq` line that follows it.
fn readme_pairs() -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (file, heading) in README_SECTIONS {
        let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let lines = command_lines(&readme, heading);
        for (i, line) in lines.iter().enumerate() {
            if line.contains("| jq ") {
                let next = lines
                    .get(i + 1)
                    .filter(|l| l.contains("--jq "))
                    .unwrap_or_else(|| panic!("README: no --jq form after `{line}`"));
                pairs.push((line.clone(), next.clone()));
            }
        }
    }
    pairs
}

/// The export `diff last-week.json` compares with: the demo data with two
/// statuses as they were.
fn last_week() -> String {
    let mut accounts = sample_accounts(120);
    for account in &mut accounts {
        match account["name"].as_str() {
            Some("smithjones") => account["status"] = json!("PROSPECT"),
            Some("umbrella") => account["status"] = json!("IN_TRIAL"),
            _ => {}
        }
    }
    serde_json::to_string_pretty(&accounts).expect("json")
}

/// Runs a README line with `sh` in a fresh folder holding
/// `last-week.json`, the tool on PATH and pointed at `fake`; returns
/// stdout and the content of any other file the line wrote.
#[cfg(unix)]
fn run_line(fake: &FakeApi, line: &str) -> String {
    let sandbox = Sandbox::new();
    let cwd = sandbox.path("work");
    fs::create_dir_all(&cwd).expect("mkdir");
    fs::write(cwd.join("last-week.json"), last_week()).expect("write");
    let tool = assert_cmd::cargo::cargo_bin("talkdesk-accounts");
    let bin_dir = tool.parent().expect("target dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let output = std::process::Command::new("sh")
        .args(["-c", line])
        .current_dir(&cwd)
        .env_clear()
        .env("PATH", path)
        .env("HOME", sandbox.home())
        .env("XDG_CONFIG_HOME", sandbox.config_home())
        .env("XDG_CACHE_HOME", sandbox.cache_home())
        .env("NO_COLOR", "1")
        .env("TALKDESK_BASE_URL", fake.base_url())
        .env("TALKDESK_TOKEN_URL", fake.token_url())
        .env("TALKDESK_CLIENT_ID", "test-client")
        .env("TALKDESK_CLIENT_SECRET", "test-secret-value")
        .output()
        .expect("run sh");
    assert!(
        output.status.success(),
        "`{line}` failed: {}",
        stderr_of(&output)
    );
    let mut text = stdout_of(&output);
    for name in files_in(&cwd) {
        if name != "last-week.json" {
            text.push_str(&fs::read_to_string(cwd.join(&name)).expect("read"));
        }
    }
    text
}

/// The README's and recipes' `--jq` forms print what this test expects.
#[cfg(unix)]
#[test]
fn each_readme_jq_form_prints_what_is_expected() {
    let fake = readme_fake();
    let pairs = readme_pairs();
    let expected = expected();
    assert_eq!(
        pairs.iter().map(|(_, jq)| jq.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        "the README's --jq forms and this test's list differ"
    );
    for ((_, line), (_, expected)) in pairs.iter().zip(&expected) {
        assert_eq!(&run_line(&fake, line), expected, "`{line}`");
    }
}

/// Each one-liner piped into jq prints what its `--jq` form does.
#[cfg(unix)]
#[test]
#[ignore = "needs jq, which a new machine may not have: .ci/run runs it where jq is installed"]
fn each_readme_one_liner_piped_into_jq_prints_what_its_jq_form_does() {
    support::require_tool("jq", "jq");
    let fake = readme_fake();
    for ((pipe, _), (line, expected)) in readme_pairs().iter().zip(&expected()) {
        assert_eq!(
            &run_line(&fake, pipe),
            expected,
            "`{pipe}` (beside `{line}`)"
        );
    }
}

fn readme_fake() -> FakeApi {
    FakeApi::start(FakeConfig {
        accounts: sample_accounts(120),
        page_cap: 50,
        ..FakeConfig::default()
    })
}

/// A long expression (a `select` over 1,000 ids, as a script may build)
/// and a deeply nested value are read by recursion: they ran the main
/// thread's stack out and aborted (exit 134, "fatal runtime error").
#[test]
fn long_expressions_and_deep_values_do_not_abort() {
    let deep = format!(
        r#"{{"id":"d1","status":"ACTIVE","x":{}{}}}"#,
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let fake = fake_with(vec![
        serde_json::from_str::<Value>(r#"{"id":"a","status":"ACTIVE"}"#).unwrap(),
    ]);
    let ids: Vec<String> = (0..1000).map(|i| format!(".id == \"{i:024}\"")).collect();
    let select = format!("select({} or .id == \"a\") | .id", ids.join(" or "));
    assert_eq!(run_ok(&fake, &["list", "--jq", &select]), "a\n");
    let fake = support::serving_page(&format!(
        r#"{{"count":1,"page":1,"per_page":50,"total":1,"total_pages":1,"_embedded":{{"accounts":[{deep}]}}}}"#
    ));
    let sb = Sandbox::new();
    let out = sb
        .tool(&fake)
        .args(["list", "--jq", "tojson | length"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        format!("{}\n", deep.len()),
        "the account, compact"
    );
}

/// A value the filter nests a million deep is written and dropped with
/// stacks of the tool's own: both ran the call stack out (exit 134).
#[test]
fn a_value_nested_a_million_deep_is_written_whole() {
    let fake = fake_with(vec![
        serde_json::from_str::<Value>(r#"{"id":"a","status":"ACTIVE"}"#).unwrap(),
    ]);
    let out = Sandbox::new()
        .tool(&fake)
        .args(["list", "--jq", "reduce range(1000000) as $i (.id; [.])"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let n = 1_000_000;
    assert_eq!(text, format!("{}\"a\"{}\n", "[".repeat(n), "]".repeat(n)));
}

/// docs/jq.md said `todate`, `mktime` and `strftime` take seconds, not the
/// broken-down time of `gmtime`, and to pipe that "through `mktime` first":
/// `mktime` takes only the broken-down time (as jq's), `strftime` either;
/// `todate` alone refuses it (jq's takes both). The doc names exactly the
/// date functions that refuse it.
#[test]
fn jq_md_names_the_date_functions_that_refuse_a_broken_down_time() {
    let fake = fake_with(vec![json!({"id": "a", "status": "ACTIVE"})]);
    let refused: Vec<&str> = [("todate", ""), ("mktime", ""), ("strftime", "(\"%Y\")")]
        .into_iter()
        .filter(|(name, args)| {
            let expr = format!("[2026,10,1,0,0,0,0,304] | {name}{args}");
            !run(&fake, &["list", "--jq", &expr]).status.success()
        })
        .map(|(name, _)| name)
        .collect();
    assert_eq!(refused, ["todate"]);
    let doc = fs::read_to_string("docs/jq.md")
        .unwrap()
        .replace("\n  ", " ");
    let said = "`todate` takes seconds, not the broken-down time of `gmtime` or `strptime` (pipe that through `mktime` first)";
    assert!(doc.contains(said), "docs/jq.md should say: {said}");
}
