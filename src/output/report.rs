//! Small fixed-shape reports (`summary`, `diff`) as a table or csv: the
//! same safety as `list` — terminal-safe table cells, formula-guarded csv
//! cells — for rows that are not accounts.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, Color};
use serde_json::Value;

use super::OutputFormat;
use super::csv::write_record;
use super::jq::{JqFilter, RowsJq};
use super::json::{pretty, write_json_lines};
use super::sanitize::cell;
pub use super::table::TableStyle;
use super::table::{TableSink, break_long_words, draw, measure};
use super::{Layout, Sink};

/// One cell of a report table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportCell {
    pub text: String,
    pub color: Option<Color>,
    pub right: bool,
}

impl ReportCell {
    pub fn new(text: impl Into<String>) -> ReportCell {
        ReportCell {
            text: text.into(),
            ..ReportCell::default()
        }
    }

    /// Right-aligned (numbers).
    pub fn number(n: u64) -> ReportCell {
        ReportCell {
            right: true,
            ..ReportCell::new(n.to_string())
        }
    }

    pub fn colored(mut self, color: Option<Color>) -> ReportCell {
        self.color = color;
        self
    }
}

/// Renders a table: the header and the rows, cells made terminal-safe,
/// colours only when `style.color`. On a terminal too narrow for its
/// numbers to stay whole, it is several tables, one under the other
/// ([`column_groups`]).
pub fn render_table(header: &[&str], rows: &[Vec<ReportCell>], style: TableStyle) -> String {
    let Some(width) = style.width else {
        return render_fitted(header, rows, style, &[]);
    };
    let numbers = number_widths(header, rows);
    let groups = column_groups(header, rows, usize::from(width), &numbers);
    if groups.len() == 1 {
        return render_fitted(header, rows, style, &numbers);
    }
    let tables: Vec<String> = (groups.iter())
        .map(|group| {
            let pick = |row: &Vec<ReportCell>| {
                let column = |&j: &usize| row.get(j).cloned().unwrap_or_default();
                group.iter().map(column).collect()
            };
            let rows: Vec<Vec<ReportCell>> = rows.iter().map(pick).collect();
            let header: Vec<&str> = group.iter().map(|&j| header[j]).collect();
            let numbers: Vec<usize> = group.iter().map(|&j| numbers[j]).collect();
            render_fitted(&header, &rows, style, &numbers)
        })
        .collect();
    tables.join("\n\n")
}

/// [`render_table`] as one table, fitted to `style.width` if any with
/// no column narrower than `numbers[j]`.
fn render_fitted(
    header: &[&str],
    rows: &[Vec<ReportCell>],
    style: TableStyle,
    numbers: &[usize],
) -> String {
    let rows = rows.iter().map(|row| {
        let cells = row.iter().map(|c| {
            let mut cell = Cell::new(break_long_words(&cell(&c.text), style.width));
            if c.right {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            match (style.color, c.color) {
                (true, Some(color)) => cell.fg(color),
                _ => cell,
            }
        });
        cells.collect()
    });
    // As in `list`: ids, statuses and times (`trend`'s periods too),
    // copied and pasted whole, wrap last; the other columns give way.
    let whole = [
        "id", "status", "change", "kind", "time", "from", "to", "period",
    ];
    draw(header, true, rows, style, &whole, numbers)
}

/// The width of each column of numbers (`trend`'s counts), never split:
/// `1030` over two lines read as `103`; 0 for the other columns.
fn number_widths(header: &[&str], rows: &[Vec<ReportCell>]) -> Vec<usize> {
    (0..header.len())
        .map(|j| {
            let widths: Option<Vec<usize>> = (rows.iter())
                .map(|row| row.get(j).filter(|c| c.right).map(|c| c.text.len()))
                .collect();
            widths.and_then(|w| w.into_iter().max()).unwrap_or(0)
        })
        .collect()
}

/// The columns of each table a report is drawn as on a terminal `width`
/// wide: all in one, unless its numbers cannot all stay whole beside a
/// character of each other column (`trend` of many statuses). Then the
/// columns after the first are shared out in order, as evenly as they
/// fit, among as few tables as fit (each row is drawn in each), each
/// led by the first column (the period).
fn column_groups(
    header: &[&str],
    rows: &[Vec<ReportCell>],
    width: usize,
    numbers: &[usize],
) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..header.len()).collect();
    if all.len() < 3 || numbers.iter().all(|&n| n == 0) {
        return vec![all];
    }
    // Each column's widest line and the least it needs, with its padding
    // and border.
    let (widest, mut least): (Vec<usize>, Vec<usize>) = (0..header.len())
        .map(|j| {
            let texts = (rows.iter().filter_map(|row| row.get(j))).map(|c| cell(&c.text));
            let (widest, least) = measure(std::iter::once(cell(header[j])).chain(texts));
            (widest + 3, least.max(numbers[j]) + 3)
        })
        .unzip();
    let sum = |group: &[usize], least: &[usize]| group.iter().map(|&j| least[j]).sum::<usize>();
    if sum(&all, &least) < width {
        return vec![all];
    }
    // The first column, which names the row, whole beside any other.
    if (1..all.len()).all(|j| widest[0] + least[j] < width) {
        least[0] = widest[0];
    }
    let fits = |group: &[usize]| sum(group, &least) < width;
    // Filled one after the other, then evened out.
    let mut filled: Vec<Vec<usize>> = Vec::new();
    for j in 1..header.len() {
        match filled.last_mut() {
            Some(group) if fits(&[&group[..], &[j]].concat()) => group.push(j),
            _ => filled.push(vec![0, j]),
        }
    }
    let per = (header.len() - 1).div_ceil(filled.len());
    let even: Vec<Vec<usize>> = (all[1..].chunks(per))
        .map(|chunk| [&[0], chunk].concat())
        .collect();
    match even.iter().all(|group| fits(group)) {
        true => even,
        false => filled,
    }
}

/// Writes a report table to `out`: off a terminal, without colour and
/// with no number to right-align, a line at a time as `list`'s table (a
/// year of `changes` drawn whole took 8 GB for a 1.9 GB table); else as
/// [`render_table`] draws it.
pub fn write_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<ReportCell>],
    style: TableStyle,
) -> Result<()> {
    if style.width.is_some() || style.color || rows.iter().flatten().any(|c| c.right) {
        return Ok(writeln!(out, "{}", render_table(header, rows, style))?);
    }
    let columns = header.iter().map(|h| h.to_string()).collect();
    let mut sink = TableSink::new(Layout {
        columns,
        header: true,
        ..Layout::default()
    });
    for row in rows {
        sink.push_row(row.iter().map(|c| Some(c.text.as_str())));
    }
    sink.finish(out)
}

/// Writes the json `items` of a row report (`changes`, `history`) as
/// `-o json`, `-o jsonl` or `--jq` ask: the filter runs once on the array
/// (`what` names it in errors) or on each item (`each(i)` names the i-th).
/// Returns false, having written nothing, for table and csv.
pub fn write_json_rows(
    out: &mut dyn Write,
    format: OutputFormat,
    jq: Option<&(JqFilter, RowsJq)>,
    what: &str,
    items: impl FnOnce() -> Vec<String>,
    each: impl Fn(usize) -> String,
) -> Result<bool> {
    match (format, jq) {
        (_, Some((filter, RowsJq::Whole))) => {
            filter.apply_text(&format!("[{}]", items().join(",")), what, out)?
        }
        (_, Some((filter, RowsJq::PerRow))) => {
            for (i, item) in items().iter().enumerate() {
                filter.apply_text(item, &each(i), out)?;
            }
        }
        (OutputFormat::Json, None) => write_json_lines(out, &items())?,
        (OutputFormat::Jsonl, None) => items()
            .iter()
            .try_for_each(|item| writeln!(out, "{item}"))?,
        (OutputFormat::Table | OutputFormat::Csv, None) => return Ok(false),
    }
    Ok(true)
}

/// The json of a report of fixed shape (`summary`, `trend`, `snapshot`,
/// `diff`), as `-o json` prints it and `--jq` reads it.
pub enum ReportJson {
    /// An array, printed one compact item a line (`summary`, `trend`).
    Items(Vec<Value>),
    /// An object, printed compact on one line (`snapshot`).
    Object(Value),
    /// Compact JSON text, accounts as the API wrote them, printed
    /// indented (`diff`).
    Text(String),
}

impl ReportJson {
    /// Writes it as `-o json` prints it, or `jq`'s results on it (`what`
    /// names it in the filter's errors).
    pub fn write(self, out: &mut dyn Write, jq: Option<&JqFilter>, what: &str) -> Result<()> {
        match (self, jq) {
            (ReportJson::Items(items), Some(jq)) => {
                jq.apply_text(&Value::Array(items).to_string(), what, out)
            }
            (ReportJson::Object(value), Some(jq)) => jq.apply_text(&value.to_string(), what, out),
            (ReportJson::Text(text), Some(jq)) => jq.apply_text(&text, what, out),
            (ReportJson::Items(items), None) => Ok(write_json_lines(out, &items)?),
            (ReportJson::Object(value), None) => Ok(writeln!(out, "{value}")?),
            (ReportJson::Text(text), None) => Ok(writeln!(out, "{}", pretty(&text))?),
        }
    }
}

/// Writes rows as RFC 4180 csv with a header; every cell formula-guarded.
pub fn write_csv(out: &mut dyn Write, header: &[&str], rows: &[Vec<ReportCell>]) -> Result<()> {
    write_csv_header(&mut *out, header)?;
    (rows.iter()).try_for_each(|row| write_csv_row(&mut *out, row))
}

/// A csv report's header, formula-guarded: rows then go through
/// [`write_csv_row`] (one at a time, for a report streamed).
pub fn write_csv_header<W: Write>(out: W, header: &[&str]) -> Result<()> {
    write_record(out, header, true)
}

/// One row of a csv report, every cell formula-guarded.
pub fn write_csv_row<W: Write>(out: W, row: &[ReportCell]) -> Result<()> {
    let row: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
    write_record(out, &row, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<ReportCell>> {
        vec![
            vec![
                ReportCell::new("=HYPERLINK(\"x\")\u{1b}[31m").colored(Some(Color::Red)),
                ReportCell::number(7),
            ],
            vec![ReportCell::new("TOTAL"), ReportCell::number(1234)],
        ]
    }

    #[test]
    fn table_cells_are_terminal_safe_and_colour_is_opt_in() {
        let plain = render_table(&["status", "count"], &rows(), TableStyle::default());
        assert!(!plain.contains('\u{1b}'), "{plain}");
        assert!(plain.contains("│ TOTAL           ┆  1234 │"), "{plain}");
        let colored = render_table(
            &["status", "count"],
            &rows(),
            TableStyle {
                width: None,
                color: true,
            },
        );
        assert!(colored.contains("\u{1b}["), "{colored}");
    }

    /// The id, then the other columns kept whole, wrap only when the table
    /// could not fit the terminal otherwise (SPEC §6).
    #[test]
    fn on_a_narrow_terminal_ids_and_times_wrap_last() {
        let id = "5ea75fe7aa22470100000040";
        let row = |change: &str| {
            [
                change,
                id,
                "a long name that may well wrap",
                "2026-11-02T00:00:00Z",
            ]
            .map(ReportCell::new)
            .to_vec()
        };
        let header = ["change", "id", "name", "time"];
        for width in [40, 70] {
            let style = TableStyle {
                width: Some(width),
                color: false,
            };
            let table = render_table(&header, &[row("added"), row("removed")], style);
            assert!(table.contains(id), "{table}");
            assert!(
                table
                    .lines()
                    .all(|l| l.chars().count() <= usize::from(width))
            );
            let time_whole = table.contains("2026-11-02T00:00:00Z");
            assert_eq!(time_whole, width == 70, "{table}");
        }
    }

    /// A report whose numbers, kept whole, are wider together than the
    /// terminal (`trend` of ten statuses: 89 columns on 80) is split among
    /// tables that fit, each led by its first column.
    #[test]
    fn numbers_too_wide_together_are_shared_among_tables_that_fit() {
        let statuses = ["ACTIVE", "CHURNED", "IN_TRIAL", "INACTIVE", "PROSPECT"];
        let statuses = [
            &statuses[..],
            &["TRIAL_LOST", "OTHER", "SUSPENDED", "ON_HOLD", "P"],
        ];
        let header = [&["period"], &statuses.concat()[..], &["TOTAL"]].concat();
        let counts = (1000..1011).map(|n| ReportCell::number(n * 10 - 9000));
        let row = [vec![ReportCell::new("2026-06")], counts.collect()].concat();
        for (width, tables) in [(80, 2), (40, 3)] {
            let style = TableStyle {
                width: Some(width),
                color: false,
            };
            let text = render_table(&header, std::slice::from_ref(&row), style);
            assert!(
                text.lines()
                    .all(|l| l.chars().count() <= usize::from(width)),
                "{text}"
            );
            assert_eq!(text.matches("┌").count(), tables, "{text}");
            assert_eq!(text.matches("│ 2026-06 ┆").count(), tables, "{text}");
            for count in row.iter().skip(1) {
                let whole = format!(" {} ", count.text);
                assert_eq!(text.matches(&whole).count(), 1, "{whole}: {text}");
            }
        }
    }

    /// Three columns are enough to be split: a period and two numbers too
    /// wide together for the terminal make two tables, each led by it.
    #[test]
    fn three_columns_of_wide_numbers_are_split() {
        let header = ["period", "ACTIVE", "CHURNED"];
        let row = vec![
            ReportCell::new("2026-06"),
            ReportCell::number(123_456_789_012),
            ReportCell::number(987_654_321_098),
        ];
        let style = TableStyle {
            width: Some(30),
            color: false,
        };
        let text = render_table(&header, std::slice::from_ref(&row), style);
        assert_eq!(text.matches("│ 2026-06 ┆").count(), 2, "{text}");
        for number in ["123456789012", "987654321098"] {
            assert_eq!(text.matches(number).count(), 1, "{text}");
        }
    }

    /// A report with no numbers is one table, even on a terminal too
    /// narrow for a character of each column.
    #[test]
    fn a_report_without_numbers_is_never_split() {
        let header = ["change", "id", "name", "time"];
        let row = header.map(ReportCell::new).to_vec();
        let style = TableStyle {
            width: Some(12),
            color: false,
        };
        let text = render_table(&header, &[row], style);
        assert_eq!(text.matches('┌').count(), 1, "{text}");
    }

    /// The first column, which names the row, stays whole in each table
    /// when it fits beside any one other: the tables hold fewer columns.
    #[test]
    fn the_first_column_stays_whole_beside_the_numbers() {
        let period = "2026-06-01 to 2026-06-30";
        let text = beside_numbers(period, 6, 40);
        let tables = text.matches('┌').count();
        assert!(tables > 1, "{text}");
        assert_eq!(text.matches(period).count(), tables, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
    }

    /// Tables too many for one are evened out: six numbers on a width
    /// that holds five make two tables of three, not five and one.
    #[test]
    fn split_tables_are_evened_out() {
        let text = beside_numbers("2026-06", 6, 52);
        let heads: Vec<&str> = text.lines().filter(|l| l.contains("period")).collect();
        assert_eq!(heads.len(), 2, "{text}");
        assert!(heads.iter().all(|l| l.matches('┆').count() == 3), "{text}");
    }

    /// The first column is kept whole only when that leaves room: whole
    /// beside a number it would take the terminal's last column too, so
    /// it wraps and the tables hold two numbers each, not one.
    #[test]
    fn the_first_column_wraps_when_whole_it_would_fill_the_width() {
        let text = beside_numbers("2026-06-01 to 2026-06-30", 4, 35);
        assert_eq!(text.matches('┌').count(), 2, "{text}");
    }

    /// A one-row table, `width` wide without colour: `first` (under
    /// `period`) beside `numbers` numbers of five digits (under A, B, …).
    fn beside_numbers(first: &str, numbers: usize, width: u16) -> String {
        let header = ["period", "A", "B", "C", "D", "E", "F"];
        let numbers = (0..numbers).map(|n| ReportCell::number(10_000 + n as u64));
        let row = [vec![ReportCell::new(first)], numbers.collect()].concat();
        let style = TableStyle {
            width: Some(width),
            color: false,
        };
        render_table(&header[..row.len()], std::slice::from_ref(&row), style)
    }

    /// On every width that holds the first column beside one number, the
    /// tables fit it: one line more than the columns' least is never let
    /// through.
    #[test]
    fn split_tables_fit_every_width() {
        let header = ["period", "ACTIVE", "CHURNED", "TOTAL"];
        let numbers = [123_456, 7_654_321, 87_654_321].map(ReportCell::number);
        let row = [
            vec![ReportCell::new("2026-06-01 to 2026-06-30")],
            numbers.to_vec(),
        ]
        .concat();
        for width in 24..90 {
            let style = TableStyle {
                width: Some(width),
                color: false,
            };
            let text = render_table(&header, std::slice::from_ref(&row), style);
            let widest = text.lines().map(|l| l.chars().count()).max();
            assert!(widest <= Some(usize::from(width)), "{width}: {text}");
        }
    }

    /// Off a terminal a report without colour or numbers streams as
    /// `list`'s table, header first, drawn as [`render_table`] draws it;
    /// with colour or a number to right-align it is drawn by it.
    #[test]
    fn write_table_streams_only_a_plain_table_without_numbers() {
        let written = |rows: &[Vec<ReportCell>], color: bool| {
            let mut out = Vec::new();
            let style = TableStyle { width: None, color };
            write_table(&mut out, &["status", "count"], rows, style).unwrap();
            let drawn = render_table(&["status", "count"], rows, style) + "\n";
            (String::from_utf8(out).unwrap(), drawn)
        };
        let plain = [["ACTIVE", "7"].map(ReportCell::new).to_vec()];
        let (text, drawn) = written(&plain, false);
        assert_eq!(text, drawn);
        assert!(text.contains("│ status ┆ count │\n"), "{text}");
        assert!(text.contains("│ ACTIVE ┆ 7     │\n"), "{text}");
        let colored = [vec![ReportCell::new("ACTIVE").colored(Some(Color::Green))]];
        let (text, drawn) = written(&colored, true);
        assert!(text.contains('\u{1b}'), "{text}");
        assert_eq!(text, drawn);
        let (text, drawn) = written(&rows(), false);
        assert_eq!(text, drawn);
    }

    /// `-o json` and `-o jsonl` write the items and say so; table and csv
    /// are left to the caller, nothing written.
    #[test]
    fn write_json_rows_writes_json_and_leaves_table_and_csv() {
        let write = |format| {
            let mut out = Vec::new();
            let items = || vec!["1".to_string(), "2".to_string()];
            let done = write_json_rows(&mut out, format, None, "rows", items, |i| i.to_string());
            (done.unwrap(), String::from_utf8(out).unwrap())
        };
        assert_eq!(
            write(OutputFormat::Json),
            (true, "[\n  1,\n  2\n]\n".into())
        );
        assert_eq!(write(OutputFormat::Jsonl), (true, "1\n2\n".into()));
        assert_eq!(write(OutputFormat::Table), (false, String::new()));
        assert_eq!(write(OutputFormat::Csv), (false, String::new()));
    }

    #[test]
    fn report_json_is_written_compact_or_indented() {
        let write = |json: ReportJson| {
            let mut out = Vec::new();
            json.write(&mut out, None, "report").unwrap();
            String::from_utf8(out).unwrap()
        };
        let object = ReportJson::Object(serde_json::json!({"a": 1}));
        assert_eq!(write(object), "{\"a\":1}\n");
        assert_eq!(
            write(ReportJson::Text("{\"a\":1}".into())),
            "{\n  \"a\": 1\n}\n"
        );
    }

    #[test]
    fn csv_cells_are_formula_guarded() {
        let mut out = Vec::new();
        write_csv(&mut out, &["status", "count"], &rows()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&records[0][0], "'=HYPERLINK(\"x\")\u{1b}[31m");
        assert_eq!(&records[1], &vec!["TOTAL", "1234"]);
        // A `;` or a tab in a row or the header quotes its record whole (spreadsheets split on
        // them too).
        let mut out = Vec::new();
        let rows = [vec![ReportCell::new("a;=2+2"), ReportCell::number(1)]];
        write_csv(&mut out, &["status", "count\t"], &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"status\",\"count\t\"\n\"a;=2+2\",\"1\"\n"
        );
    }
}
