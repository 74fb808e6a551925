//! The table for people (comfy-table). Cells are made terminal-safe; on a
//! terminal the table fits its width, elsewhere nothing is truncated.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, presets};

use super::sanitize::terminal_safe;
use super::{Layout, Sink};
use crate::account::{Account, Status};

pub struct TableSink {
    layout: Layout,
    /// Only the shown columns, already sanitized.
    rows: Vec<Vec<String>>,
}

impl TableSink {
    pub fn new(layout: Layout) -> TableSink {
        TableSink {
            layout,
            rows: Vec::new(),
        }
    }

    /// The colour of a status cell when colour is on.
    pub fn status_color(status: &str) -> Option<Color> {
        match Status::parse(status) {
            Status::Active => Some(Color::Green),
            Status::InTrial | Status::Prospect => Some(Color::Cyan),
            Status::Churned | Status::TrialLost => Some(Color::Red),
            Status::Inactive => Some(Color::Yellow),
            Status::Other | Status::Unknown(_) => None,
        }
    }

    /// Renders the table as text.
    pub fn render(&self) -> String {
        let mut table = new_table(self.layout.width, self.layout.color);
        if self.layout.header {
            table.set_header(self.layout.columns.iter().map(|c| terminal_safe(c)));
        }
        let status_index = self.layout.columns.iter().position(|c| c == "status");
        for row in &self.rows {
            table.add_row(row.iter().enumerate().map(|(i, value)| {
                let cell = Cell::new(value);
                match (
                    Some(i) == status_index && self.layout.color,
                    Self::status_color(value),
                ) {
                    (true, Some(color)) => cell.fg(color),
                    _ => cell,
                }
            }));
        }
        if self.layout.width.is_some() {
            self.keep_whole(&mut table);
        }
        table.to_string()
    }

    /// On a narrow terminal the id (copied and pasted whole) and the
    /// status (one word) never wrap: the other columns give way.
    fn keep_whole(&self, table: &mut Table) {
        for (i, name) in self.layout.columns.iter().enumerate() {
            if name == "id" || name == "status" {
                if let Some(column) = table.column_mut(i) {
                    column.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
        }
    }
}

/// An empty table as every table here is drawn: fitted to `width` when
/// given (a terminal), else never wrapped; coloured only when `color`.
pub fn new_table(width: Option<u16>, color: bool) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    if color {
        enforce_color(&mut table);
    } else {
        table.force_no_tty();
    }
    table
}

/// Turns styling on. comfy-table styles through crossterm, which would
/// still drop colours when NO_COLOR is set; the caller's decision already
/// weighed NO_COLOR against `--color always`, so it is forced here.
fn enforce_color(table: &mut Table) {
    crossterm::style::force_color_output(true);
    table.enforce_styling();
}

impl Sink for TableSink {
    fn write_batch(&mut self, _out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        for account in accounts {
            let row = self
                .layout
                .columns
                .iter()
                .map(|c| terminal_safe(&account.field_text(c).unwrap_or_default()))
                .collect();
            self.rows.push(row);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        if !self.layout.header && self.rows.is_empty() {
            return Ok(());
        }
        let text = self.render();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
        Ok(())
    }

    fn streams(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn layout() -> Layout {
        Layout {
            columns: vec!["id".into(), "company_name".into(), "status".into()],
            header: true,
            formula_guard: true,
            bom: false,
            width: None,
            color: false,
        }
    }

    fn render(layout: Layout, accounts: Vec<serde_json::Value>) -> String {
        let mut sink = TableSink::new(layout);
        let accounts: Vec<Account> = accounts
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        let mut out = Vec::new();
        sink.write_batch(&mut out, &accounts).unwrap();
        sink.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hostile_cells_reach_the_terminal_inert() {
        let text = render(
            layout(),
            vec![
                json!({"id": "1", "company_name": "\u{1b}]0;pwned\u{7}\u{1b}[31mEvil\u{202e}Corp", "status": "ACTIVE"}),
            ],
        );
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
        assert!(text.contains("EvilCorp"), "{text}");
    }

    #[test]
    fn nothing_is_truncated_off_a_terminal() {
        let long = "A very long company name ".repeat(20);
        let text = render(
            layout(),
            vec![json!({"id": "1", "company_name": long.trim(), "status": "ACTIVE"})],
        );
        assert!(text.contains(long.trim()));
    }

    #[test]
    fn missing_and_null_fields_are_empty_cells() {
        let text = render(layout(), vec![json!({"id": "1", "company_name": null})]);
        assert!(text.contains("│ 1  ┆              ┆        │"), "{text}");
    }

    #[test]
    fn zero_rows_show_the_header_alone() {
        let text = render(layout(), vec![]);
        assert!(text.contains("company_name"));
        let mut l = layout();
        l.header = false;
        assert_eq!(render(l, vec![]), "");
    }

    #[test]
    fn on_a_narrow_terminal_ids_and_statuses_never_wrap() {
        let mut l = layout();
        l.columns = vec![
            "id".into(),
            "name".into(),
            "company_name".into(),
            "status".into(),
        ];
        l.width = Some(70);
        let id = "5ea75fe7aa22470100000040";
        let text = render(
            l,
            vec![json!({
                "id": id,
                "name": "smithjones-and-partners",
                "company_name": "Smith & Jones Holdings, International Division",
                "status": "TRIAL_LOST",
            })],
        );
        assert!(text.contains(id), "id whole on one line:\n{text}");
        assert!(text.contains("TRIAL_LOST"), "status whole:\n{text}");
        assert!(
            text.lines().all(|l| l.chars().count() <= 70),
            "fits 70 columns:\n{text}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let row = vec![json!({"id": "1", "company_name": "x", "status": "ACTIVE"})];
        assert!(!render(layout(), row.clone()).contains('\u{1b}'));
        let mut l = layout();
        l.color = true;
        assert!(render(l, row).contains('\u{1b}'));
    }
}
