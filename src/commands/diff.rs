//! `diff OLD`: compares a saved `list -o json` / `-o jsonl` export with the
//! live list, by id. Added and changed accounts are kept while walking,
//! unchanged ones are dropped at once; whatever of OLD was not seen live
//! is removed. A record is "changed" when a field present in OLD differs
//! live, so an export with fewer columns compares only those columns.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use anyhow::Result;
use comfy_table::Color;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Context, WalkPlan};
use crate::account::{Account, Status, lenient};
use crate::accounts::Collector;
use crate::cli::{DiffArgs, ReportFormat};
use crate::error::{Exit, api_error, is_broken_pipe, out_of_files, silent_exit, usage_error};
use crate::output::report::{ReportCell, ReportJson};
use crate::streams::STDIN_NAMES;
use crate::text::{
    compressed_with, control_character, is_utf16, shown_path, utf16_without_bom, without_bom,
};

/// The columns of the table and csv reports.
pub const COLUMNS: [&str; 6] = ["change", "id", "name", "field", "before", "after"];

/// Where a record sits in the OLD file, for error messages: `record 3`
/// of a JSON array, `line 3` of a JSONL file (1-based).
pub type Place = String;

/// An export's records, each with its place.
pub type Records = Vec<(Place, Account)>;

const WHAT_TO_PASS: &str = "pass a file written by `talkdesk-accounts list -o json` or `-o jsonl`";

/// The text of an export file (`-`: stdin); trouble is a usage error.
/// `from_stdin` is the command that reads one from stdin (`diff -`), for
/// the hint on a compressed file.
pub fn read_text(path: &Path, from_stdin: &str) -> Result<String> {
    let name = shown_path(&shown(path));
    let names_stdin = is_stdin(path) || STDIN_NAMES.iter().any(|name| path == Path::new(name));
    let bytes = match crate::streams::stdin_closed() {
        Some(closed) if names_stdin => Err(closed),
        // (What stdin is, as `/dev/stdin` leads to it.)
        _ if is_stdin(path) => read_all(io::stdin().lock(), fs::metadata("/dev/stdin")),
        _ => fs::File::open(path).and_then(|file| read_all(&file, file.metadata())),
    }
    .map_err(|e| cannot_read(&name.to_string(), &e))?;
    if let Some(tool) = compressed_with(&bytes) {
        let file = crate::config::shell_quoted_path(path);
        let command = match is_stdin(path) {
            true => format!("… | {tool} -dc | talkdesk-accounts {from_stdin}"),
            false => format!("{tool} -dc {file} | talkdesk-accounts {from_stdin}"),
        };
        return Err(usage_error(format!(
            "{name} is not UTF-8 text; {WHAT_TO_PASS} as it was written: this one is compressed with {tool}, so decompress it first, or read it through stdin: `{command}`"
        )));
    }
    if utf16_without_bom(&bytes) {
        return Err(usage_error(format!(
            "{name} is UTF-16 text (without a byte-order mark); save it as UTF-8, or write the export with `--output-file`"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let (bytes, at) = (e.as_bytes(), e.utf8_error().valid_up_to());
        let text = without_bom(bytes).trim_ascii_start();
        match (is_utf16(bytes), text.starts_with(b"[") || text.starts_with(b"{")) {
            // Windows PowerShell's `>` re-encodes an export so.
            (true, _) => usage_error(format!(
                "{name} is UTF-16 text, as Windows PowerShell's `>` writes it; write the export with `--output-file` instead of `>`"
            )),
            // JSON re-saved in a legacy encoding (Notepad's "ANSI").
            (false, true) => usage_error(format!(
                "{name}, line {}: not UTF-8 text (a byte 0x{:02X}); save it as UTF-8, or {WHAT_TO_PASS}",
                bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1,
                bytes[at]
            )),
            (false, false) => usage_error(format!("{name} is not UTF-8 text; {WHAT_TO_PASS}")),
        }
    })
}

/// The bytes of `reader` (`meta`); a device (`/dev/zero`) never ends, and is
/// read to at most 16 MiB, more being an error, as `--config` is.
fn read_all(mut reader: impl Read, meta: io::Result<fs::Metadata>) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    if meta.is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_char_device(&m.file_type())) {
        return crate::atomic_file::read_at_most(reader, 16 << 20).map_err(|e| match e.kind() {
            io::ErrorKind::FileTooLarge => io::Error::other("a device that gives more than 16 MiB"),
            _ => e,
        });
    }
    #[cfg(not(unix))]
    let _ = meta;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map(|_| bytes)
}

/// Why an export could not be read: a usage error (exit 2), unless the
/// process may open no more files (EMFILE, ENFILE): the file is sound.
fn cannot_read(name: &str, e: &io::Error) -> anyhow::Error {
    match out_of_files(e) {
        Some(raise) => anyhow::anyhow!("cannot read {name}: {e}; {raise}"),
        None => usage_error(format!("cannot read {name}: {e}; {WHAT_TO_PASS}")),
    }
}

/// True for `-`, which means stdin.
fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// The OLD file as messages name it.
pub fn shown(path: &Path) -> &Path {
    match is_stdin(path) {
        true => Path::new("stdin"),
        false => path,
    }
}

/// Parses an export: a JSON array (`-o json`) or one object per line
/// (`-o jsonl`), told apart by the first character. An empty file is an
/// export of no account (what `-o jsonl` writes when nothing matched).
/// Errors start with `, line N: …` or `: …`, to follow the file name.
pub fn parse_export(text: &str) -> Result<Records, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match text.trim_start().chars().next() {
        None => Ok(Vec::new()),
        Some('[') => parse_array(text),
        Some('{') => parse_lines(text),
        Some(c) => Err(format!(
            " does not look like a json or jsonl export (it starts with `{}`); {WHAT_TO_PASS}",
            c.escape_default()
        )),
    };
    parsed.map_err(|e| match control_character(text) {
        Some((line, named)) => {
            format!(
                ", line {line}: {named}, which JSON does not allow; delete it, or {WHAT_TO_PASS}"
            )
        }
        None => e,
    })
}

/// serde's message without its `at line … column …` tail (for a record,
/// the position is within the record, not the file).
fn without_position(message: &str) -> &str {
    (message.rfind(" at line ")).map_or(message, |at| &message[..at])
}

fn parse_array(text: &str) -> Result<Records, String> {
    let values: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        format!(
            ", line {}, column {}: not valid JSON ({}); {WHAT_TO_PASS}",
            e.line(),
            e.column(),
            without_position(&e.to_string())
        )
    })?;
    (values.into_iter().enumerate())
        .map(|(i, v)| record(v, format!("record {}", i + 1)))
        .collect()
}

fn parse_lines(text: &str) -> Result<Records, String> {
    (text.lines().enumerate())
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let place = format!("line {}", i + 1);
            let value: &RawValue = serde_json::from_str(line).map_err(|e| {
                let over = e.is_eof().then(|| over_lines(text, &place)).flatten();
                let e = without_position(&e.to_string()).to_string();
                over.unwrap_or_else(|| format!(", {place}: not valid JSON ({e}); {WHAT_TO_PASS}"))
            })?;
            record(value, place)
        })
        .collect()
}

/// Why JSON values over several lines (`jq .` pretty-prints an export
/// so) are no jsonl: the first one's fault, or that they are; `None` when
/// the text is not such a stream.
fn over_lines(text: &str, place: &Place) -> Option<String> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    let first = values.next()?.ok()?;
    values.all(|value| value.is_ok()).then_some(())?;
    Some(record(first, place.clone()).err().unwrap_or(format!(
        ", {place}: a record over several lines (pretty-printed JSON, as `jq .` writes it); jsonl has one a line: write it with `jq -c .`"
    )))
}

/// One record: an object with a string (even empty, as a page's may be)
/// or number `id`, kept as the text it was written as (as an account of a
/// page is), with its place.
fn record(value: &RawValue, place: Place) -> Result<(Place, Account), String> {
    if !value.get().starts_with('{') {
        return Err(format!(", {place}: not a JSON object; {WHAT_TO_PASS}"));
    }
    if let Some(deep) = crate::text::too_deep(value.get().as_bytes(), 1) {
        return Err(format!(", {place}: {deep}"));
    }
    // An `id` of null is none, as a missing one (an export made with
    // `--columns` without it, through jq, has them). (Read only for a
    // record refused: a good one is parsed once.)
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<serde::de::IgnoredAny>,
        /// A page of the API saved as it came has its accounts there.
        #[serde(rename = "_embedded")]
        embedded: Option<serde::de::IgnoredAny>,
    }
    let some_id = || lenient::<Id>(value.get()).is_some_and(|record| record.id.is_some());
    let a_page = || lenient::<Id>(value.get()).is_some_and(|record| record.embedded.is_some());
    match Account::from_text(value.get()) {
        Ok(account) => Ok((place, account)),
        Err(e) if !e.contains("`id`") => Err(format!(
            ", {place}: {}; {WHAT_TO_PASS}",
            without_position(&e)
        )),
        Err(_) if some_id() => Err(format!(", {place}: the `id` is not a string or a number")),
        Err(_) if a_page() => Err(format!(
            ", {place}: a page of the API (`_embedded`), not an export; {WHAT_TO_PASS}"
        )),
        Err(_) => Err(format!(
            ", {place}: no `id`; accounts are matched by id, so export with id among the --columns"
        )),
    }
}

/// Keeps the OLD records that `--status` selects. An export without any
/// `status` field (its `--columns` left it out) cannot be selected from:
/// that is an error, not a guess. A record without one, beside others with
/// one, is an account the API sent without a status: in no status's
/// subset, as in the live list.
pub fn select(records: Records, only: &[Status], path: &Path) -> Result<Records> {
    if only.is_empty() {
        return Ok(records);
    }
    let no_status = records.iter().all(|(_, a)| a.get("status").is_none());
    if let Some((place, _)) = records.first().filter(|_| no_status) {
        return Err(usage_error(format!(
            "{}, {place}: no `status` field, so --status cannot select from this export; export with status among the --columns, or drop --status",
            shown_path(&path)
        )));
    }
    Ok((records.into_iter())
        .filter(|(_, a)| only.contains(&a.status()))
        .collect())
}

/// An account present on both sides whose compared fields differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Account,
    pub after: Account,
    /// The fields that differ, in OLD's order.
    pub fields: Vec<String>,
}

/// In json `{"id", "before", "after"}`, the id as the API wrote it.
impl serde::Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeStruct};
        let id = RawValue::from_string(self.after.id_text().to_string());
        let mut change = s.serialize_struct("Change", 3)?;
        change.serialize_field("id", &id.map_err(S::Error::custom)?)?;
        change.serialize_field("before", &self.before)?;
        change.serialize_field("after", &self.after)?;
        change.end()
    }
}

/// The differences, in the order they are reported; in json (each
/// account written as it came) `{"added", "removed", "changed"}`.
#[derive(Debug, Default, PartialEq, serde::Serialize)]
pub struct DiffReport {
    /// In the live list's order.
    pub added: Vec<Account>,
    /// In OLD's order.
    pub removed: Vec<Account>,
    /// In the live list's order.
    pub changed: Vec<Change>,
}

impl DiffReport {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The fields of `before` (except `id`) whose value differs in `after`.
/// A missing field and `null` count as the same (both show as empty).
pub fn differing_fields(before: &Account, after: &Account) -> Vec<String> {
    let present = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    (before.fields().iter())
        .filter(|(k, v)| k.as_str() != "id" && present(Some(v)) != present(after.get(k)))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Compares live accounts, one at a time, with the OLD export.
pub struct Differ {
    /// OLD's records, each taken when seen live.
    old: Vec<(Place, Option<Account>)>,
    index: HashMap<String, usize>,
    /// What was added and changed so far (removed is known at the end).
    report: DiffReport,
}

impl Differ {
    /// Indexes OLD by id; an id that appears twice is an error (which of
    /// the two would be compared?).
    pub fn new(records: Records) -> Result<Differ, String> {
        let mut index = HashMap::with_capacity(records.len());
        let mut old: Vec<(Place, Option<Account>)> = Vec::with_capacity(records.len());
        for (place, account) in records {
            if let Some(first) = index.insert(account.id_text().to_string(), old.len()) {
                return Err(format!(
                    ": id `{}` appears twice ({} and {place}); diff needs one record per id",
                    account.id(),
                    old[first].0
                ));
            }
            old.push((place, Some(account)));
        }
        let report = DiffReport::default();
        Ok(Differ { old, index, report })
    }

    /// Takes one live account.
    pub fn live(&mut self, account: Account) {
        let seen = self.index.get(account.id_text());
        let Some(before) = seen.and_then(|&i| self.old[i].1.take()) else {
            return self.report.added.push(account);
        };
        let fields = differing_fields(&before, &account);
        if !fields.is_empty() {
            self.report.changed.push(Change {
                before,
                after: account,
                fields,
            });
        }
    }

    /// Everything of OLD not seen live is removed.
    pub fn finish(mut self) -> DiffReport {
        self.report.removed = self.old.into_iter().filter_map(|(_, a)| a).collect();
        self.report
    }
}

/// One row per difference: an added or removed account, or a changed field.
pub fn report_rows(report: &DiffReport) -> Vec<Vec<ReportCell>> {
    let text = |a: &Account, field: &str| ReportCell::new(a.field_text(field).unwrap_or_default());
    let row = |change: &str, color: Color, a: &Account, rest: [ReportCell; 3]| {
        let change = ReportCell::new(change).colored(Some(color));
        [change, ReportCell::new(a.id()), text(a, "name")]
            .into_iter()
            .chain(rest)
            .collect()
    };
    let blank = || [(); 3].map(|()| ReportCell::new(""));
    let added = (report.added.iter()).map(|a| row("added", Color::Green, a, blank()));
    let removed = (report.removed.iter()).map(|a| row("removed", Color::Red, a, blank()));
    let changed = (report.changed.iter()).flat_map(|c| {
        c.fields.iter().map(move |field| {
            let [before, after] = sides(c, field).map(ReportCell::new);
            let sides = [ReportCell::new(field.clone()), before, after];
            row("changed", Color::Yellow, &c.after, sides)
        })
    });
    added.chain(removed).chain(changed).collect()
}

/// A changed field's two cells. Values that differ but show alike (`""`
/// and none, `"7"` and `7`) are shown as their JSON text, none as `(none)`.
fn sides(c: &Change, field: &str) -> [String; 2] {
    let shown = [&c.before, &c.after].map(|a| a.field_text(field).unwrap_or_default());
    if shown[0] != shown[1] {
        return shown;
    }
    [&c.before, &c.after].map(|a| {
        let raw = a.raw_fields(&[field]).and_then(|found| found[0]);
        raw.unwrap_or("(none)").to_string()
    })
}

/// `2 added, 1 removed, 3 changed`, or `no differences`.
pub fn tally(report: &DiffReport) -> String {
    if report.is_empty() {
        return "no differences".to_string();
    }
    format!(
        "{} added, {} removed, {} changed",
        report.added.len(),
        report.removed.len(),
        report.changed.len()
    )
}

/// Refuses a walk that is not exact (`Collector::inexact`), as `diff` and
/// `snapshot` do: `outcome` says what was not done (`nothing was
/// compared`), and to run `command` again when that helps.
pub fn refuse_inexact(collector: &Collector, outcome: &str, command: &str) -> Result<()> {
    let Some(why) = collector.inexact() else {
        return Ok(());
    };
    let again = (collector.run_again_helps()).then(|| format!(", run {command} again"));
    Err(api_error(format!(
        "{why}; {outcome}{}",
        again.unwrap_or_default()
    )))
}

/// Runs `diff`.
pub fn run(ctx: &Context, args: &DiffArgs) -> Result<()> {
    let how = ctx.report_output(&args.format)?;
    let only: Vec<Status> = args.stream.status.clone();
    // Any trouble with OLD is a usage error (exit 2) naming the file, and
    // the line or record.
    let named = |e: String| usage_error(format!("{}{e}", shown_path(&shown(&args.old))));
    let old = parse_export(&read_text(&args.old, "diff -")?).map_err(named)?;
    let mut differ = Differ::new(select(old, &only, shown(&args.old))?).map_err(named)?;
    let settings = ctx.settings(&args.api, args.stream.concurrency)?;

    let mut collector = Collector::new(only, None);
    // Exact, as `snapshot`'s: an account the walk missed (the pages
    // shifted under a change) would be reported removed.
    let plan = WalkPlan::all(&settings, true);
    ctx.walk_accounts(&settings, &args.api, plan, &mut collector, |accounts, _| {
        accounts.into_iter().for_each(|a| differ.live(a));
        Ok(())
    })?;
    refuse_inexact(&collector, "nothing was compared", "diff")?;

    let report = differ.finish();
    let differs = args.exit_code && !report.is_empty();
    let json = || Ok(ReportJson::Text(serde_json::to_string(&report)?));
    let table = || report_rows(&report);
    let written = super::report("the differences", |out| {
        ctx.write_report(out, &how, "the differences", json, &COLUMNS, table)?;
        Ok(())
    });
    match written {
        // The differences were known before the reader went away.
        Err(e) if differs && is_broken_pipe(&e) => return Err(silent_exit(Exit::Failure)),
        written => written?,
    }
    if args.format.output == ReportFormat::Table {
        ctx.note(&tally(&report));
    }
    if differs {
        return Err(silent_exit(Exit::Failure));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    /// Out of file descriptors (`ulimit -n`), an export could not be
    /// opened: exit 2 and "pass a file written by …" blamed a sound file.
    /// (Unix: 24 is EMFILE there.)
    #[cfg(unix)]
    #[test]
    fn an_export_that_cannot_be_opened_for_want_of_descriptors_is_no_bad_file() {
        use crate::error::{Exit, exit_code_for};
        let emfile = std::io::Error::from_raw_os_error(24);
        let err = cannot_read("next.jsonl", &emfile);
        assert_eq!(exit_code_for(&err), Exit::Failure, "{err}");
        assert!(err.to_string().contains("the open-file limit (ulimit -n)"));
        assert!(!err.to_string().contains("pass a file written by"));
        let missing = std::io::Error::from_raw_os_error(2);
        let err = cannot_read("next.jsonl", &missing);
        assert_eq!(exit_code_for(&err), Exit::Usage, "{err}");
        assert!(err.to_string().contains("pass a file written by"));
    }
    use super::*;
    use serde_json::json;

    /// The report as a value, read as jq reads it (a lone surrogate escape
    /// as U+FFFD).
    fn to_json(report: &DiffReport) -> Result<Value> {
        Ok(lenient(&serde_json::to_string(report)?).expect("the differences as JSON values"))
    }

    fn account(v: Value) -> Account {
        serde_json::from_value(v).unwrap()
    }

    fn err(text: &str) -> String {
        parse_export(text).unwrap_err()
    }

    #[test]
    fn reads_a_json_array_and_jsonl_alike() {
        let array = parse_export("[\n {\"id\": \"a\", \"x\": 1},\n {\"id\": 7}\n]\n").unwrap();
        let lines = parse_export("{\"id\": \"a\", \"x\": 1}\n\n{\"id\": 7}\n").unwrap();
        let ids = |r: &[(Place, Account)]| r.iter().map(|(_, a)| a.id()).collect::<Vec<_>>();
        assert_eq!(ids(&array), ["a", "7"]);
        assert_eq!(ids(&lines), ["a", "7"]);
        assert_eq!(array[1].0, "record 2");
        assert_eq!(lines[1].0, "line 3");
        assert!(parse_export("").unwrap().is_empty());
        assert!(parse_export("\u{feff}[]").unwrap().is_empty());
    }

    #[test]
    fn malformed_input_names_the_line_or_record() {
        assert!(err("{\"id\": \"a\"}\n{\"id\": \n").starts_with(", line 2: not valid JSON"));
        assert!(
            err("[{\"id\": \"a\"},\n{\"id\" 1}]").starts_with(", line 2, column 7: not valid JSON")
        );
        assert!(err("[{\"id\": \"a\"}, {\"name\": \"b\"}]").starts_with(", record 2: no `id`"));
        assert!(err("{\"id\": \"a\"}\n{\"id\": null}\n").starts_with(", line 2: no `id`"));
        // One there, but not an id, is not said to be missing.
        for (text, place) in [
            ("{\"id\": {\"a\": 1}}", "line 1"),
            ("[{\"id\": true}]", "record 1"),
        ] {
            let said = format!(", {place}: the `id` is not a string or a number");
            assert_eq!(err(text), said, "{text}");
        }
        assert!(err("[1]").starts_with(", record 1: not a JSON object"));
        assert!(err("id,name\n1,x\n").contains("starts with `i`"));
    }

    #[test]
    fn only_the_fields_of_the_old_record_are_compared() {
        let before = account(json!({"id": "1", "status": "ACTIVE"}));
        let after = account(json!({"id": "1", "name": "new", "status": "ACTIVE", "extra": 1}));
        assert!(differing_fields(&before, &after).is_empty());
        let after = account(json!({"id": "1", "status": "CHURNED"}));
        assert_eq!(differing_fields(&before, &after), ["status"]);
    }

    #[test]
    fn null_and_missing_are_the_same_but_a_vanished_value_is_a_change() {
        let before = account(json!({"id": "1", "name": null, "company_name": "Acme"}));
        let after = account(json!({"id": "1"}));
        assert_eq!(differing_fields(&before, &after), ["company_name"]);
    }

    #[test]
    fn added_removed_and_changed_by_id() {
        let old = parse_export(
            "{\"id\":\"a\",\"status\":\"ACTIVE\"}\n{\"id\":\"b\",\"status\":\"ACTIVE\"}\n{\"id\":\"c\",\"status\":\"IN_TRIAL\"}\n",
        )
        .unwrap();
        let mut differ = Differ::new(old).unwrap();
        differ.live(account(json!({"id": "c", "status": "ACTIVE"})));
        differ.live(account(json!({"id": "d", "status": "PROSPECT"})));
        differ.live(account(json!({"id": "a", "status": "ACTIVE"})));
        let report = differ.finish();
        assert_eq!(
            report.added,
            [account(json!({"id": "d", "status": "PROSPECT"}))]
        );
        assert_eq!(
            report.removed,
            [account(json!({"id": "b", "status": "ACTIVE"}))]
        );
        assert_eq!(report.changed.len(), 1);
        assert_eq!(report.changed[0].fields, ["status"]);
        assert_eq!(tally(&report), "1 added, 1 removed, 1 changed");
        assert_eq!(
            to_json(&report).unwrap()["changed"][0],
            json!({"id": "c", "before": {"id": "c", "status": "IN_TRIAL"}, "after": {"id": "c", "status": "ACTIVE"}})
        );
    }

    #[test]
    fn ids_are_compared_by_their_exact_json_text() {
        let mut differ = Differ::new(parse_export("[{\"id\": 42, \"x\": 1}]").unwrap()).unwrap();
        differ.live(account(json!({"id": "42", "x": 1})));
        let report = differ.finish();
        assert_eq!((report.added.len(), report.removed.len()), (1, 1));
        let old = "[{\"id\": 100000000000000000000001}]";
        let mut differ = Differ::new(parse_export(old).unwrap()).unwrap();
        let live = r#"{"id": 100000000000000000000001}"#;
        differ.live(serde_json::from_str(live).unwrap());
        assert!(differ.finish().is_empty(), "the same id, every digit");
    }

    /// A key written twice in a record said "line 2: duplicate field `id`
    /// at line 1 column 30" (the record's own position), with no hint.
    #[test]
    fn a_key_written_twice_in_a_record_names_its_line_and_what_to_pass() {
        let e = parse_export("{\"id\":\"a\"}\n{\"id\":\"b\",\"x\":1,\"id\":\"c\"}\n")
            .err()
            .unwrap();
        assert_eq!(
            e,
            format!(", line 2: duplicate field \"id\"; {WHAT_TO_PASS}")
        );
    }

    #[test]
    fn a_duplicate_id_in_old_is_an_error() {
        let old = parse_export("{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"a\"}\n").unwrap();
        let e = Differ::new(old).err().unwrap();
        assert!(e.contains("`a` appears twice (line 1 and line 3)"), "{e}");
    }

    #[test]
    fn rows_are_one_per_difference() {
        let report = DiffReport {
            added: vec![account(json!({"id": "n", "name": "new"}))],
            removed: vec![],
            changed: vec![Change {
                before: account(json!({"id": "c", "name": "x", "status": "A", "k": null})),
                after: account(json!({"id": "c", "name": "y", "status": "B", "k": 2})),
                fields: vec!["name".into(), "status".into(), "k".into()],
            }],
        };
        let rows: Vec<Vec<String>> = report_rows(&report)
            .into_iter()
            .map(|r| r.into_iter().map(|c| c.text).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["added", "n", "new", "", "", ""],
                vec!["changed", "c", "y", "name", "x", "y"],
                vec!["changed", "c", "y", "status", "A", "B"],
                vec!["changed", "c", "y", "k", "", "2"],
            ]
        );
    }

    /// jsonl pretty-printed (`jq .`) is named as such, or by its first
    /// record's fault, rather than as JSON cut short.
    #[test]
    fn records_over_several_lines_are_named_as_pretty_printed() {
        assert_eq!(
            err("{\n  \"id\": \"a\"\n}\n{\n  \"id\": \"b\"\n}\n"),
            ", line 1: a record over several lines (pretty-printed JSON, as `jq .` writes it); \
             jsonl has one a line: write it with `jq -c .`"
        );
        assert!(err("{\n  \"name\": \"a\"\n}\n").starts_with(", line 1: no `id`"));
    }

    #[test]
    fn a_saved_page_of_the_api_is_named_as_one() {
        assert!(
            err("[{\"_embedded\": {\"accounts\": []}}]")
                .starts_with(", record 1: a page of the API (`_embedded`), not an export")
        );
    }

    #[test]
    fn status_selects_from_old_and_an_export_without_status_cannot_be_selected_from() {
        let old = || {
            parse_export("{\"id\":\"a\",\"status\":\"ACTIVE\"}\n{\"id\":\"b\",\"status\":\"CHURNED\"}\n{\"id\":\"c\"}\n").unwrap()
        };
        let ids = |r: Records| r.into_iter().map(|(_, a)| a.id()).collect::<Vec<_>>();
        let path = Path::new("old.jsonl");
        assert_eq!(ids(select(old(), &[], path).unwrap()), ["a", "b", "c"]);
        assert_eq!(ids(select(old(), &[Status::Churned], path).unwrap()), ["b"]);
        let bare = parse_export("{\"id\":\"a\"}\n").unwrap();
        let e = select(bare, &[Status::Active], path)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(", line 1: no `status` field, so --status cannot select"),
            "{e}"
        );
    }

    #[test]
    fn one_difference_of_any_kind_is_a_difference() {
        let one = || vec![account(json!({"id": "a"}))];
        let change = Change {
            before: one()[0].clone(),
            after: one()[0].clone(),
            fields: vec!["x".into()],
        };
        for report in [
            DiffReport {
                added: one(),
                ..DiffReport::default()
            },
            DiffReport {
                removed: one(),
                ..DiffReport::default()
            },
            DiffReport {
                changed: vec![change],
                ..DiffReport::default()
            },
        ] {
            assert!(!report.is_empty(), "{report:?}");
            assert_ne!(tally(&report), "no differences");
        }
        assert_eq!(tally(&DiffReport::default()), "no differences");
    }
}
