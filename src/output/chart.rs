//! Charts of counts per status over periods (`trend`): stacked bars drawn
//! with characters in a terminal's width, and the same data as per-status
//! lines in an SVG picture (plotters' SVG backend: no fonts, no system
//! library).

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sanitize::{cell, terminal_safe};

/// Counts per status over periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// One label per period.
    pub labels: Vec<String>,
    /// The statuses, in column order.
    pub statuses: Vec<String>,
    /// `counts[period][status]`.
    pub counts: Vec<Vec<u64>>,
}

/// Without colour, each status gets its own fill (of the first 16).
const FILLS: [char; 16] = [
    '█', '▓', '▒', '░', '#', '=', '+', '.', '%', '*', 'o', ':', '~', 'x', '$', '&',
];

/// The ANSI (SGR) foreground colours of the statuses when colour is on:
/// green, red, cyan, yellow, blue, magenta, white, grey.
const ANSI: [u8; 8] = [32, 31, 36, 33, 34, 35, 37, 90];

/// A stacked bar per period, scaled so the largest total fills `width`
/// columns with its label and total (a cell at least), then the legend,
/// wrapped to `width`.
pub fn terminal_chart(series: &Series, width: u16, color: bool) -> String {
    let widths = series.labels.iter().map(|l| l.chars().count());
    let label_width = widths.max().unwrap_or(0);
    let totals: Vec<u64> = series.counts.iter().map(|c| c.iter().sum()).collect();
    // The largest total, at least 1: the bars are scaled by it.
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let digits = max.to_string().len();
    let bar_width = (usize::from(width).saturating_sub(label_width + digits + 3)).max(1);
    let mut text = String::new();
    for ((label, counts), total) in series.labels.iter().zip(&series.counts).zip(&totals) {
        text.push_str(&format!("{label:<label_width$} "));
        let (mut cumulative, mut drawn) = (0u64, 0usize);
        for (k, count) in counts.iter().enumerate() {
            cumulative += count;
            let end = ((cumulative as f64) * bar_width as f64 / max as f64).round() as usize;
            let cells = end.saturating_sub(drawn);
            drawn = drawn.max(end);
            if cells > 0 {
                text.push_str(&fill(k, cells, color));
            }
        }
        text.push_str(&format!(" {total}\n"));
    }
    // The legend, wrapped between its entries to fit the terminal.
    let mut used = 0;
    for (k, status) in series.statuses.iter().enumerate() {
        let status = cell(status);
        let w = 2 + status.width();
        if used > 0 && used + 2 + w > usize::from(width) {
            text.push('\n');
            used = 0;
        } else if used > 0 {
            text.push_str("  ");
            used += 2;
        }
        text.push_str(&format!("{} ", fill(k, 1, color)));
        used += 2;
        // A status wider than the terminal wraps.
        for c in status.chars() {
            let c_width = c.width().unwrap_or(0);
            if c_width > 0 && used + c_width > usize::from(width) {
                text.push('\n');
                used = 0;
            }
            text.push(c);
            used += c_width;
        }
    }
    text.push('\n');
    text
}

/// `cells` cells of the `k`-th status: full blocks in its colour, or
/// without colour its own fill. Past the eighth status the colours come
/// round again, each with the status's own fill.
fn fill(k: usize, cells: usize, color: bool) -> String {
    let own = FILLS[k % FILLS.len()].to_string().repeat(cells);
    if !color {
        return own;
    }
    let cells = if k < ANSI.len() {
        "█".repeat(cells)
    } else {
        own
    };
    format!("\u{1b}[{}m{cells}\u{1b}[0m", ANSI[k % ANSI.len()])
}

/// Line colours of the SVG picture.
const PALETTE: [RGBColor; 8] = [
    RGBColor(46, 139, 87),
    RGBColor(200, 50, 50),
    RGBColor(30, 144, 200),
    RGBColor(218, 165, 32),
    RGBColor(90, 90, 200),
    RGBColor(160, 60, 160),
    RGBColor(110, 110, 110),
    RGBColor(20, 20, 20),
];

/// The chart as an SVG document: one line per status, the periods along
/// the bottom, a legend.
pub fn svg_chart(series: &Series, title: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 540)).into_drawing_area();
        draw(&root, series, title).map_err(|e| anyhow!("drawing the chart: {e}"))?;
    }
    Ok(svg)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    series: &Series,
    title: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let periods = series.labels.len().max(1);
    // The largest count, at least 1.
    let max = *series.counts.iter().flatten().max().unwrap_or(&0).max(&1);
    let top = max + max / 10 + 1;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0..periods.saturating_sub(1).max(1), 0..top)?;
    let label = |i: &usize| series.labels.get(*i).cloned().unwrap_or_default();
    chart
        .configure_mesh()
        .x_labels(periods.min(12))
        .x_label_formatter(&label)
        .y_desc("accounts")
        .draw()?;
    for (k, status) in series.statuses.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let counts = series.counts.iter().map(|c| c.get(k).copied().unwrap_or(0));
        chart
            .draw_series(LineSeries::new(counts.enumerate(), color.stroke_width(2)))?
            // A status is the API's text: no control character may reach
            // the XML (one makes the file no SVG at all).
            .label(terminal_safe(status).replace(['\u{fffe}', '\u{ffff}'], ""))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::MiddleRight)
        .draw()?;
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Series {
        Series {
            labels: vec!["2026-11-02".into(), "2026-11-09".into()],
            statuses: vec!["ACTIVE".into(), "CHURNED".into()],
            counts: vec![vec![6, 2], vec![3, 1]],
        }
    }

    #[test]
    fn bars_are_stacked_and_scaled_to_the_width() {
        let text = terminal_chart(&series(), 32, false);
        // 32 columns: label 10, a space, the bar, a space, the total (1
        // digit), a spare column: the largest total (8) fills 18 cells;
        // 6 of 8 is 13.5, rounded to 14.
        assert_eq!(
            text,
            "2026-11-02 ██████████████▓▓▓▓ 8\n2026-11-09 ███████▓▓ 4\n█ ACTIVE  ▓ CHURNED\n"
        );
    }

    #[test]
    fn periods_without_accounts_have_no_bar() {
        let mut empty = series();
        empty.counts = vec![vec![0, 0], vec![0, 0]];
        let text = terminal_chart(&empty, 32, false);
        assert_eq!(text, "2026-11-02  0\n2026-11-09  0\n█ ACTIVE  ▓ CHURNED\n");
    }

    #[test]
    fn with_colour_each_status_has_its_ansi_colour_in_turn() {
        assert_eq!(fill(0, 2, true), "\u{1b}[32m██\u{1b}[0m");
        assert_eq!(fill(7, 1, true), "\u{1b}[90m█\u{1b}[0m");
        // Past the eighth the colours come round again, with the status's own fill: nine
        // statuses or more (the API's seven and two it added) looked alike.
        assert_eq!(fill(9, 1, true), "\u{1b}[31m*\u{1b}[0m");
        for color in [false, true] {
            let fills: std::collections::HashSet<String> =
                (0..FILLS.len()).map(|k| fill(k, 1, color)).collect();
            assert_eq!(fills.len(), FILLS.len(), "colour {color}");
        }
    }

    #[test]
    fn the_svg_has_a_line_and_a_legend_entry_per_status() {
        let svg = svg_chart(&series(), "Accounts per status").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.matches("<polyline").count() >= 2, "{svg}");
        assert!(svg.contains("ACTIVE") && svg.contains("CHURNED"));
        assert!(svg.contains("Accounts per status"));
    }

    /// A status the API sent with an escape sequence (or a bell) made an
    /// SVG that no XML reader takes: control characters are not XML.
    #[test]
    fn a_status_with_control_characters_still_makes_an_svg() {
        let mut odd = series();
        odd.statuses[1] = "\u{1b}[31mRED\u{7}</text><script>".into();
        let svg = svg_chart(&odd, "Accounts per status").unwrap();
        let bad: Vec<char> = (svg.chars())
            .filter(|c| c.is_control() && !['\n', '\r', '\t'].contains(c))
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
        assert!(svg.contains("RED&lt;/text&gt;&lt;script&gt;"), "{svg}");
    }

    /// A status with a line break broke the legend in two, the
    /// rest of it drawn as a line of its own (§7), as table cells no longer do.
    #[test]
    fn a_status_with_a_line_break_is_one_legend_entry() {
        let mut odd = series();
        odd.statuses[0] = "ACT\nFAKE-ROW".into();
        let text = terminal_chart(&odd, 80, false);
        assert!(text.ends_with("\n█ ACT FAKE-ROW  ▓ CHURNED\n"), "{text}");
    }

    /// On a terminal too narrow for a bar of 10 cells beside the label and the total, the
    /// bars still took 10 and their lines stuck out of it; a status wider than the terminal
    /// made a legend line as wide.
    #[test]
    fn bars_and_a_long_status_fit_a_narrow_terminal() {
        let mut odd = series();
        odd.statuses[1] = "PENDING_DELETION_REQUESTED_BY_THE_OWNER".into();
        let text = terminal_chart(&odd, 20, false);
        assert!(text.lines().all(|l| l.width() <= 20), "{text}");
        assert!(
            text.replace('\n', "")
                .contains("PENDING_DELETION_REQUESTED_BY_THE_OWNER")
        );
    }

    /// The legend wraps exactly when the next entry (two spaces, its fill, a space, the
    /// status) would pass the width, and never before its first entry.
    #[test]
    fn the_legend_wraps_only_before_an_entry_that_would_not_fit() {
        let three = Series {
            labels: vec!["w1".into()],
            statuses: vec!["A".into(), "B".into(), "C".into()],
            counts: vec![vec![1, 1, 1]],
        };
        assert_eq!(
            terminal_chart(&three, 13, false),
            "w1 ██▓▓▓▒▒ 3\n█ A  ▓ B  ▒ C\n"
        );
        assert_eq!(
            terminal_chart(&three, 12, false),
            "w1 ██▓▓▒▒ 3\n█ A  ▓ B\n▒ C\n"
        );
        assert_eq!(terminal_chart(&three, 4, false), "w1 ▓ 3\n█ A\n▓ B\n▒ C\n");
    }

    /// A status with no accounts in a period draws nothing there, not an empty colour.
    #[test]
    fn with_colour_a_status_without_accounts_draws_no_empty_colour() {
        let one = Series {
            labels: vec!["w1".into()],
            statuses: vec!["A".into(), "B".into()],
            counts: vec![vec![0, 2]],
        };
        let text = terminal_chart(&one, 20, true);
        assert!(
            text.starts_with("w1 \u{1b}[31m██████████████\u{1b}[0m 2\n"),
            "{text:?}"
        );
    }

    /// A status wider than the terminal wraps only before a character that would pass
    /// the width; a mark of width 0 stays with its letter.
    #[test]
    fn a_long_status_wraps_only_before_a_character_that_would_not_fit() {
        let one = |status: &str| Series {
            labels: vec!["w1".into()],
            statuses: vec![status.into()],
            counts: vec![vec![1]],
        };
        assert_eq!(
            terminal_chart(&one("ABCDE"), 5, false),
            "w1 █ 1\n█ ABC\nDE\n"
        );
        assert_eq!(
            terminal_chart(&one("東\u{301}"), 1, false),
            "w1 █ 1\n█ \n東\u{301}\n"
        );
    }

    /// Each status's line has its own colour (the palette's, in order).
    #[test]
    fn each_status_draws_its_line_in_its_own_colour() {
        let svg = svg_chart(&series(), "t").unwrap();
        for colour in ["#2E8B57", "#C83232"] {
            let stroke = format!("stroke=\"{colour}\"");
            assert!(svg.contains(&stroke), "{stroke} missing");
        }
    }
}
