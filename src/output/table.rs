//! The table for people (comfy-table's look). Cells are made terminal-safe;
//! on a terminal the table fits its width, elsewhere nothing is truncated.
//!
//! Only the cells shown are kept, one after the other in one string, with
//! each column's widest line: a million accounts of four short columns
//! hold about 100 MiB. Off a terminal and without colour the table is
//! written from them line by line, exactly as comfy-table draws it (a unit
//! test compares the two); on a terminal comfy-table lays it out to fit.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sanitize::{cell, push_cell};
use super::{Layout, Sink};
use crate::account::{Account, Status};

pub struct TableSink {
    layout: Layout,
    /// Every cell shown, sanitized, row after row.
    cells: String,
    /// Where each cell ends in `cells`.
    ends: Vec<usize>,
    /// The widest line of each column (header included), at least 1.
    widths: Vec<usize>,
}

impl TableSink {
    pub fn new(layout: Layout) -> TableSink {
        // The header's width, when it is shown; 1 at least.
        let header = |c: &str| if layout.header { cell(c).width() } else { 0 };
        let widths = layout.columns.iter().map(|c| header(c).max(1)).collect();
        TableSink {
            layout,
            cells: String::new(),
            ends: Vec::new(),
            widths,
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

    /// The rows kept, each a slice of cells: a cell starts where the one
    /// before it ended.
    fn rows(&self) -> impl Iterator<Item = Vec<&str>> {
        let (n, mut start) = (self.layout.columns.len().max(1), 0);
        self.ends.chunks(n).map(move |ends| {
            let up_to = |&end: &usize| &self.cells[std::mem::replace(&mut start, end)..end];
            ends.iter().map(up_to).collect()
        })
    }

    /// Renders the table as text with comfy-table.
    fn render(&self) -> String {
        let (columns, header) = (&self.layout.columns, self.layout.header);
        let (width, color) = (self.layout.width, self.layout.color);
        // Only the status column is coloured, and only with colour on.
        let status_index = columns.iter().position(|c| c == "status").filter(|_| color);
        let rows = self.rows().map(|row| {
            let cells = row.iter().enumerate().map(|(i, value)| {
                let cell = Cell::new(break_long_words(value, width));
                match (Some(i) == status_index).then(|| Self::status_color(value)) {
                    Some(Some(color)) => cell.fg(color),
                    _ => cell,
                }
            });
            cells.collect()
        });
        // On a narrow terminal the id (copied and pasted whole) and the
        // status (one word) wrap last: the other columns give way.
        let style = TableStyle { width, color };
        draw(columns, header, rows, style, &["id", "status"], &[])
    }

    /// Keeps one row's cells (`None`: an empty cell), each on one line.
    pub fn push_row<'a>(&mut self, values: impl Iterator<Item = Option<&'a str>>) {
        for (value, width) in values.zip(self.widths.iter_mut()) {
            let start = self.cells.len();
            if let Some(text) = value {
                push_cell(text, &mut self.cells);
            }
            *width = (*width).max(self.cells[start..].width());
            self.ends.push(self.cells.len());
        }
    }

    /// True when the table can be written line by line: no fitting to a
    /// terminal, no colour, and no line wider than comfy-table measures.
    fn streamable(&self) -> bool {
        self.layout.width.is_none()
            && !self.layout.color
            && self.widths.iter().all(|&w| w < usize::from(u16::MAX))
    }

    /// Writes the table as comfy-table's `UTF8_FULL_CONDENSED` preset draws
    /// it with nothing truncated, one line at a time.
    fn stream(&self, out: &mut dyn Write) -> Result<()> {
        let mut line = String::new();
        let border = |left: char, fill: char, cross: char, right: char| {
            let fills: Vec<String> = (self.widths.iter())
                .map(|w| fill.to_string().repeat(w + 2))
                .collect();
            format!("{left}{}{right}", fills.join(&cross.to_string()))
        };
        writeln!(out, "{}", border('┌', '─', '┬', '┐'))?;
        if self.layout.header {
            let header: Vec<String> = self.layout.columns.iter().map(|c| cell(c)).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            self.write_row(out, &mut line, &header)?;
            writeln!(out, "{}", border('╞', '═', '╪', '╡'))?;
        }
        (self.rows()).try_for_each(|row| self.write_row(out, &mut line, &row))?;
        Ok(write!(out, "{}", border('└', '─', '┴', '┘'))?)
    }

    /// One row, on one line: every cell kept and every header cell went
    /// through [`cell`], which leaves no line break.
    fn write_row(&self, out: &mut dyn Write, line: &mut String, row: &[&str]) -> Result<()> {
        line.clear();
        line.push('│');
        for (i, (text, w)) in row.iter().zip(&self.widths).enumerate() {
            if i > 0 {
                line.push('┆');
            }
            line.push(' ');
            line.push_str(text);
            let pad = w.saturating_sub(text.width()) + 1;
            line.extend(std::iter::repeat_n(' ', pad));
        }
        line.push_str("│\n");
        Ok(out.write_all(line.as_bytes())?)
    }
}

/// How a table is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableStyle {
    /// The terminal width when stdout is a terminal; `None`: never wrap.
    pub width: Option<u16>,
    pub color: bool,
}

/// Draws `rows` with comfy-table, under a header of `columns` (made
/// terminal-safe) when `header`: fitted to `style.width` when given (a
/// terminal), else never wrapped; coloured only when `style.color`.
/// Fitted, the columns named in `whole` wrap last, and none is narrower
/// than its `numbers` ([`keep_whole`]).
pub fn draw(
    columns: &[impl AsRef<str>],
    header: bool,
    rows: impl Iterator<Item = Vec<Cell>>,
    style: TableStyle,
    whole: &[&str],
    numbers: &[usize],
) -> String {
    let TableStyle { width, color } = style;
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match width {
        Some(width) => table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width),
        None => table.set_content_arrangement(ContentArrangement::Disabled),
    };
    if color {
        // comfy-table styles through crossterm, which would still drop
        // colours when NO_COLOR is set; the caller's decision already
        // weighed NO_COLOR against `--color always`, so it is forced here.
        crossterm::style::force_color_output(true);
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    if header {
        table.set_header(columns.iter().map(|c| cell(c.as_ref())));
    }
    for row in rows {
        table.add_row(row);
    }
    if width.is_some() {
        keep_whole(&mut table, columns, whole, numbers);
    }
    table.to_string()
}

/// A cell's text with each word (a run without a space) wider than the
/// terminal broken into lines of at most its `width`: comfy-table wraps a
/// long word a line at a time, copying and measuring the rest each time,
/// which took a minute for a word of 80,000 characters. Off a terminal
/// (`None`) nothing wraps, and the text is kept as it is.
pub fn break_long_words(text: &str, width: Option<u16>) -> Cow<'_, str> {
    let Some(width) = width.map(|w| usize::from(w.max(1))) else {
        return text.into();
    };
    if text.split([' ', '\n']).all(|word| word.width() <= width) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + text.len() / width);
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        match c {
            ' ' | '\n' => used = 0,
            // A mark of width 0 stays with the character it belongs to.
            _ if w > 0 && used > 0 && used + w > width => {
                out.push('\n');
                used = w;
            }
            _ => used += w,
        }
        out.push(c);
    }
    out.into()
}

/// Sets the columns of `header` named in `whole` never to wrap when the
/// table is fitted to a terminal, as long as every other column keeps a
/// character: the id first, then the status, then the others left to
/// right; the rest wrap (a word wider than the terminal
/// [`break_long_words`] broke already). No column is narrower than
/// `numbers[i]` (a report's numbers, never split), nor than a wide
/// character (CJK, emoji) it holds: one column cannot hold it.
fn keep_whole(table: &mut Table, header: &[impl AsRef<str>], whole: &[&str], numbers: &[usize]) {
    // Each column: its widest line, and the least its text needs.
    let column = |i| (table.column_cells_with_header_iter(i).flatten()).map(Cell::content);
    let kinds: Vec<(usize, usize)> = (0..header.len()).map(column).map(measure).collect();
    let least: Vec<usize> = (kinds.iter().enumerate())
        .map(|(i, k)| k.1.max(numbers.get(i).copied().unwrap_or(0)))
        .collect();
    // The width less the borders, the padding and each column's least; for a
    // table too wide even so, less the least of the text alone (numbers aside).
    let width = table.width().map_or(usize::MAX, usize::from);
    let all: usize = least.iter().map(|w| w + 3).sum::<usize>() + 1;
    let text: usize = kinds.iter().map(|k| k.1 + 3).sum::<usize>() + 1;
    let mut spare = (width.checked_sub(all).or(width.checked_sub(text))).unwrap_or(0);
    let mut order: Vec<usize> = (0..header.len())
        .filter(|&i| whole.contains(&header[i].as_ref()))
        .collect();
    order.sort_by_key(|&i| match header[i].as_ref() {
        "id" => 0,
        "status" => 1,
        _ => 2,
    });
    let mut kept = vec![false; header.len()];
    for i in order {
        let more = kinds[i].0.saturating_sub(least[i]);
        if more <= spare {
            (spare, kept[i]) = (spare - more, true);
        }
    }
    for ((column, kept), least) in table.column_iter_mut().zip(kept).zip(least) {
        if kept {
            column.set_constraint(ColumnConstraint::ContentWidth);
        } else if least > 1 {
            // (Padding included: one space each side.)
            let least = u16::try_from(least + 2).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(least)));
        }
    }
}

/// The display width of the widest line of `texts`, and the least width a
/// column holding them can have: one character, two for a wide one (CJK,
/// emoji), which one column cannot hold.
pub fn measure(texts: impl Iterator<Item = impl AsRef<str>>) -> (usize, usize) {
    texts.fold((0, 1), |(most, least), text| {
        let text = text.as_ref();
        let widest = text.split('\n').map(|line| line.width()).max().unwrap_or(0);
        let wide = text.chars().any(|c| c.width() == Some(2));
        (most.max(widest), least.max(if wide { 2 } else { 1 }))
    })
}

impl Sink for TableSink {
    fn write_batch(&mut self, _out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        for account in accounts {
            let cells = account.cells(&self.layout.columns);
            self.push_row(cells.iter().map(|v| v.as_deref()));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        if !self.layout.header && self.ends.is_empty() {
            return Ok(());
        }
        if self.streamable() {
            self.stream(out)?;
        } else {
            out.write_all(self.render().as_bytes())?;
        }
        Ok(out.write_all(b"\n")?)
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

    /// The table written line by line is exactly comfy-table's.
    #[test]
    fn the_streamed_table_is_comfy_tables_to_the_byte() {
        let wide = "東京テレコム株式会社";
        let cases: Vec<(Vec<&str>, bool, Vec<serde_json::Value>)> = vec![
            (vec!["id", "company_name", "status"], true, vec![]),
            (
                vec!["id", "company_name", "status"],
                true,
                vec![
                    json!({"id": "1", "company_name": wide, "status": "ACTIVE"}),
                    json!({"id": "22", "company_name": "Two Lines\nSupport Ltd", "status": null}),
                    json!({"id": 333, "company_name": "", "status": "IN_TRIAL", "x": [1, 2]}),
                    json!({"id": "4", "company_name": "e\u{301}\u{1b}[31mred\tTab\n\nthree", "status": "서울"}),
                ],
            ),
            (
                vec!["x", "id", "missing", "é"],
                false,
                vec![
                    json!({"id": "a", "x": {"k": "v"}}),
                    json!({"id": "\n", "x": true}),
                    json!({"id": "🙂 emoji", "x": 1.5}),
                ],
            ),
        ];
        for (columns, header, rows) in cases {
            let layout = Layout {
                columns: columns.iter().map(|c| c.to_string()).collect(),
                header,
                ..layout()
            };
            let mut sink = TableSink::new(layout);
            let accounts: Vec<Account> = rows
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect();
            sink.write_batch(&mut Vec::new(), &accounts).unwrap();
            assert!(sink.streamable());
            let mut streamed = Vec::new();
            sink.stream(&mut streamed).unwrap();
            let streamed = String::from_utf8(streamed).unwrap();
            assert_eq!(streamed, sink.render(), "{columns:?}");
        }
    }

    #[test]
    fn only_words_wider_than_the_terminal_are_broken_at_its_width() {
        assert_eq!(break_long_words("abcdefgh", None), "abcdefgh");
        assert_eq!(break_long_words("ab cd ef", Some(3)), "ab cd ef");
        assert_eq!(break_long_words("abcdefgh ab", Some(3)), "abc\ndef\ngh ab");
        // Display width, not characters; a mark of width 0 stays with its letter.
        assert_eq!(break_long_words("東京東京", Some(5)), "東京\n東京");
        assert_eq!(break_long_words("abce\u{301}f", Some(4)), "abce\u{301}\nf");
        assert_eq!(
            break_long_words("東", Some(1)),
            "東",
            "no empty line before"
        );
    }

    /// A mark of width 0 stays with a wide character even where that one
    /// alone passes the width (a column of one).
    #[test]
    fn a_mark_after_a_character_wider_than_the_terminal_stays_with_it() {
        assert_eq!(break_long_words("東\u{301}東", Some(1)), "東\u{301}\n東");
    }

    /// `draw` fitted to `width`, one row, the columns in `whole` kept whole
    /// when the spare width allows.
    fn fitted(
        columns: &[&str],
        row: &[&str],
        width: u16,
        whole: &[&str],
        numbers: &[usize],
    ) -> String {
        let rows = std::iter::once(row.iter().map(|v| Cell::new(*v)).collect());
        let style = TableStyle {
            width: Some(width),
            color: false,
        };
        draw(columns, true, rows, style, whole, numbers)
    }

    /// The id stays whole from the exact width where every other column
    /// still keeps a character (borders, padding and all), not before.
    #[test]
    fn the_id_stays_whole_from_the_exact_width_that_leaves_the_others_a_character() {
        let (id, name) = ("abcdefghij", "xx yy zz ww");
        // Borders 3 + id 10 + padding 4 + a character of the name.
        let at = |w| fitted(&["id", "name"], &[id, name], w, &["id"], &[]);
        assert!(at(18).contains(id), "{}", at(18));
        assert!(!at(17).contains(id), "{}", at(17));
    }

    /// Past a report's numbers that cannot fit, the id is kept whole
    /// against the width the text alone needs.
    #[test]
    fn past_numbers_too_wide_the_id_is_weighed_against_the_text_alone() {
        let number = "12345678901234567890";
        let at = |w| fitted(&["id", "count"], &["abcd", number], w, &["id"], &[0, 20]);
        assert!(at(12).contains("abcd"), "{}", at(12));
        assert!(!at(11).contains("abcd"), "{}", at(11));
    }

    /// The status wins the spare width before a column left of it.
    #[test]
    fn the_status_is_kept_whole_before_the_columns_left_of_it() {
        let (time, status) = ("2026-11-02T10:00", "TRIAL_LOST");
        let text = fitted(
            &["time", "status"],
            &[time, status],
            24,
            &["time", "status"],
            &[],
        );
        assert!(text.contains(status), "{text}");
        assert!(!text.contains(time), "{text}");
    }
}
