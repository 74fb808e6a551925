//! `history ID`: one account's versions, from when to when, from the
//! history store, without the network.

use anyhow::Result;
use serde_json::json;

use super::Context;
use crate::cli::{HistoryArgs, OutputFormat};
use crate::history::query::Version;
use crate::history::{Access, changed_fields, show_time, status_changed};
use crate::output::jq;
use crate::output::report::{ReportCell, write_json_rows};
use crate::output::table::TableSink;

/// The columns of table and csv.
pub const COLUMNS: [&str; 5] = ["from", "to", "status", "name", "changed"];

/// Runs `history ID`.
pub fn run(ctx: &Context, args: &HistoryArgs) -> Result<()> {
    let jq = jq::for_rows(args.format.jq.as_deref(), args.format.output, &ctx.secrets)?;
    let settings = ctx.settings(&Default::default(), None)?;
    let org = ctx.organization(&settings)?;
    let store = ctx.history_store(&settings, Access::Read)?;
    let (key, versions) = (store.account_history(&org, &args.id)).map_err(|e| store.damaged(e))?;
    let id = store.shown_id(&key);
    // Found by name (not by the id, as shown or as the API wrote it).
    if args.id != id && args.id != store.id_text(&key) {
        ctx.note(&format!("`{}` is account {id}", args.id));
    }
    let items = || versions.iter().map(version_json).collect();
    let each = |i: usize| {
        let from = show_time(versions[i].valid_from);
        format!("the version of account {id} from {from}")
    };
    let format = args.format.output;
    super::report("the history", |out| {
        if !write_json_rows(out, format, jq.as_ref(), "the history", items, each)? {
            let csv = format == OutputFormat::Csv;
            ctx.write_rows(out, csv, &COLUMNS, &rows(&versions))?;
        }
        Ok(())
    })
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
    let status = status_changed(&before.body, &v.body).then(|| "status".to_string());
    let others = changed_fields(&before.body, &v.body);
    let fields: Vec<String> = status.into_iter().chain(others).collect();
    fields.join(", ")
}

/// Whether version `i`'s status differs from a neighbour's that shows
/// alike (`5` and `"5"`): then it is shown as its JSON text.
fn status_alike(versions: &[Version], i: usize) -> bool {
    let alike = |a: &Version, b: &Version| {
        a.valid_to == Some(b.valid_from) && a.status == b.status && status_changed(&a.body, &b.body)
    };
    let v = &versions[i];
    (i > 0 && alike(&versions[i - 1], v)) || versions.get(i + 1).is_some_and(|n| alike(v, n))
}

fn rows(versions: &[Version]) -> Vec<Vec<ReportCell>> {
    (versions.iter().enumerate())
        .map(|(i, v)| {
            vec![
                ReportCell::new(show_time(v.valid_from)),
                ReportCell::new(v.valid_to.map(show_time).unwrap_or_default()),
                match status_alike(versions, i) {
                    true => ReportCell::new(super::changes::status_json(v)),
                    false => ReportCell::new(v.status.clone())
                        .colored(TableSink::status_color(&v.status)),
                },
                ReportCell::new(v.name.clone().unwrap_or_default()),
                ReportCell::new(changed(versions, i)),
            ]
        })
        .collect()
}

/// One version as compact json text: `from`, `to` (null while it holds)
/// and the account exactly as recorded.
pub fn version_json(v: &Version) -> String {
    format!(
        "{{\"from\":{},\"to\":{},\"account\":{}}}",
        json!(show_time(v.valid_from)),
        json!(v.valid_to.map(show_time)),
        v.body
    )
}
