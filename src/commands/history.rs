//! `history ID`: one account's versions, from when to when, from the
//! history store, without the network.

use std::io::Write;

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use super::Context;
use crate::cli::{HistoryArgs, OutputFormat};
use crate::history::query::{Version, changed_fields};
use crate::history::{Access, show_time};
use crate::output::destination::Destination;
use crate::output::jq::{self, RowsJq};
use crate::output::report::{ReportCell, render_table, write_csv};
use crate::output::table::TableSink;

/// The columns of table and csv.
pub const COLUMNS: [&str; 5] = ["from", "to", "status", "name", "changed"];

/// Runs `history ID`.
pub fn run(ctx: &Context, args: &HistoryArgs) -> Result<()> {
    let jq = jq::for_rows(args.format.jq.as_deref(), args.format.output)?;
    let settings = ctx.settings(&Default::default(), None)?;
    let org = ctx.organization(&settings)?;
    let store = ctx.history_store(&settings, Access::Read)?;
    let (id, versions) = store.account_history(&org, &args.id)?;
    if id != args.id {
        ctx.log.note(&format!("`{}` is account {id}", args.id));
    }
    let mut out = Destination::open(None)?;
    match (args.format.output, &jq) {
        (_, Some((filter, RowsJq::Whole))) => {
            filter.apply_document(&to_value(&versions), "the history", &mut out)?
        }
        (_, Some((filter, RowsJq::PerRow))) => {
            for v in &versions {
                let what = format!(
                    "the version of account {id} from {}",
                    show_time(v.valid_from)
                );
                filter.apply_document(&version_json(v), &what, &mut out)?;
            }
        }
        (OutputFormat::Json, None) => writeln!(out, "{}", to_json(&versions))?,
        (OutputFormat::Jsonl, None) => {
            for v in &versions {
                writeln!(out, "{}", version_json(v))?;
            }
        }
        (OutputFormat::Csv, None) => write_csv(&mut out, &COLUMNS, &rows(&versions, false))?,
        (OutputFormat::Table, None) => {
            let style = ctx.report_style(out.is_terminal());
            writeln!(
                out,
                "{}",
                render_table(&COLUMNS, &rows(&versions, style.color), style)
            )?;
        }
    }
    out.commit().context("writing the history")
}

/// What a version changed: `added` for the first, `back` after a gap,
/// else the fields that differ from the version before.
fn changed(versions: &[Version], i: usize) -> String {
    let Some(before) = i.checked_sub(1).and_then(|k| versions.get(k)) else {
        return "added".into();
    };
    let v = &versions[i];
    if before.valid_to != Some(v.valid_from) {
        return "back".into();
    }
    let mut fields = Vec::new();
    if before.status != v.status {
        fields.push("status".to_string());
    }
    fields.extend(changed_fields(&before.body, &v.body));
    fields.join(", ")
}

fn rows(versions: &[Version], color: bool) -> Vec<Vec<ReportCell>> {
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let tint = if color {
                TableSink::status_color(&v.status)
            } else {
                None
            };
            vec![
                ReportCell::new(show_time(v.valid_from)),
                ReportCell::new(v.valid_to.map(show_time).unwrap_or_default()),
                ReportCell::new(v.status.clone()).colored(tint),
                ReportCell::new(v.name.clone().unwrap_or_default()),
                ReportCell::new(changed(versions, i)),
            ]
        })
        .collect()
}

/// One version as json: `from`, `to` (null while it holds) and the
/// account exactly as recorded.
pub fn version_json(v: &Version) -> Value {
    let account: Value = serde_json::from_str(&v.body).unwrap_or(Value::Null);
    json!({
        "from": show_time(v.valid_from),
        "to": v.valid_to.map(show_time),
        "account": account,
    })
}

/// The json array as a value (what `--jq` runs on with `-o json`).
pub fn to_value(versions: &[Version]) -> Value {
    Value::Array(versions.iter().map(version_json).collect())
}

/// The json array: the one place `history -o json` is made.
pub fn to_json(versions: &[Version]) -> String {
    let items: Vec<String> = versions
        .iter()
        .map(|v| version_json(v).to_string())
        .collect();
    format!("[\n  {}\n]", items.join(",\n  "))
}
