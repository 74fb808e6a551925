//! csv: RFC 4180 through the `csv` crate, a header row, streamed a page at
//! a time, with spreadsheet formulas neutralised unless asked not to.

use std::io::Write;

use anyhow::Result;

use super::sanitize::guard_formula;
use super::{Layout, Sink};
use crate::account::Account;

pub struct CsvSink {
    layout: Layout,
    started: bool,
    /// The encoded rows of the current batch, reused between batches.
    buffer: Vec<u8>,
}

/// Writes one record to `out`, each field guarded against formulas when
/// `guard`. A record with a field holding `;` or a tab is quoted whole:
/// spreadsheets split on them too (LibreOffice's import by default), which
/// shifted the row and put what followed in a cell of its own, unguarded.
/// (Encoded apart and written whole: a csv writer's flush would flush `out`.)
pub fn write_record<W: Write, F: AsRef<str>>(mut out: W, fields: &[F], guard: bool) -> Result<()> {
    let fields: Vec<std::borrow::Cow<str>> = (fields.iter().map(AsRef::as_ref))
        .map(|f| if guard { guard_formula(f) } else { f.into() })
        .collect();
    let split = fields.iter().any(|f| f.contains([';', '\t']));
    let mut writer = csv::WriterBuilder::new()
        .quote_style(match split {
            true => csv::QuoteStyle::Always,
            false => csv::QuoteStyle::Necessary,
        })
        .buffer_capacity(512)
        .from_writer(Vec::new());
    writer.write_record(fields.iter().map(|f| f.as_bytes()))?;
    Ok(out.write_all(&writer.into_inner().map_err(|e| e.into_error())?)?)
}

impl CsvSink {
    pub fn new(layout: Layout) -> CsvSink {
        CsvSink {
            layout,
            started: false,
            buffer: Vec::with_capacity(16 * 1024),
        }
    }
}

impl Sink for CsvSink {
    /// Encodes the rows into the buffer, then writes the buffer out.
    fn write_batch(&mut self, out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        let guard = self.layout.formula_guard;
        let columns = &self.layout.columns;
        let first = !std::mem::replace(&mut self.started, true);
        if first && self.layout.header {
            write_record(&mut self.buffer, columns, guard)?;
        }
        for account in accounts {
            let values = account.cells(columns);
            let row: Vec<_> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
            write_record(&mut self.buffer, &row, guard)?;
        }
        if first && self.layout.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        out.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// An empty walk still has its header (and BOM).
    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        if self.started {
            return Ok(());
        }
        self.write_batch(out, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn layout(guard: bool) -> Layout {
        Layout {
            columns: vec!["id".into(), "company_name".into(), "status".into()],
            header: true,
            formula_guard: guard,
            bom: false,
            width: None,
            color: false,
        }
    }

    fn run(sink: &mut CsvSink, accounts: &[Account]) -> String {
        let mut out = Vec::new();
        sink.write_batch(&mut out, accounts).unwrap();
        sink.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn account(v: serde_json::Value) -> Account {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn cells_are_quoted_per_rfc_4180_and_round_trip() {
        let a = account(json!({"id": "1", "company_name": "Smith, \"Bob\"\nLtd", "status": null}));
        let text = run(&mut CsvSink::new(layout(true)), &[a]);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(
            reader.headers().unwrap(),
            vec!["id", "company_name", "status"]
        );
        assert_eq!(rows[0], vec!["1", "Smith, \"Bob\"\nLtd", ""]);
    }

    #[test]
    fn formulas_are_guarded_unless_turned_off() {
        let a = account(
            json!({"id": "1", "company_name": "=HYPERLINK(\"http://evil\",\"x\")", "status": "+SUM(A1)"}),
        );
        let guarded = run(&mut CsvSink::new(layout(true)), std::slice::from_ref(&a));
        assert!(guarded.contains("'=HYPERLINK"), "{guarded}");
        assert!(guarded.contains("'+SUM(A1)"), "{guarded}");
        let raw = run(&mut CsvSink::new(layout(false)), &[a]);
        assert!(
            raw.contains("\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
            "{raw}"
        );
    }

    /// LibreOffice's import splits on `;` and tab as well as `,` by default: unquoted, they
    /// shifted the row and made what followed a cell of its own, a formula unguarded.
    #[test]
    fn a_record_with_a_semicolon_or_a_tab_is_quoted_whole() {
        let rows = [
            json!({"id": "1", "company_name": "Smith; Jones", "status": "ACTIVE"}),
            json!({"id": "2", "company_name": "Acme", "status": "ACTIVE"}),
            json!({"id": "3", "company_name": "\t=2+2", "status": "x\t=3+3"}),
        ];
        let text = run(&mut CsvSink::new(layout(true)), &rows.map(account));
        assert_eq!(
            text,
            "id,company_name,status\n\"1\",\"Smith; Jones\",\"ACTIVE\"\n2,Acme,ACTIVE\n\"3\",\"'\t=2+2\",\"x\t=3+3\"\n"
        );
    }

    #[test]
    fn no_header_and_bom() {
        let mut l = layout(true);
        l.header = false;
        l.bom = true;
        let text = run(&mut CsvSink::new(l), &[account(json!({"id": "1"}))]);
        assert_eq!(text, "\u{feff}1,,\n");
    }

    #[test]
    fn an_empty_walk_still_has_the_header() {
        let text = run(&mut CsvSink::new(layout(true)), &[]);
        assert_eq!(text, "id,company_name,status\n");
    }

    /// A walk with no batch at all (`--sort` holding none) has them too.
    #[test]
    fn finishing_without_a_batch_writes_the_header() {
        let mut out = Vec::new();
        CsvSink::new(layout(true)).finish(&mut out).unwrap();
        assert_eq!(out, b"id,company_name,status\n");
    }
}
