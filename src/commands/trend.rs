//! `trend`: the count per status at the end of each day, week or month,
//! from the history store; on a terminal a chart below the table, and
//! with `--plot` the same chart as an SVG picture.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use clap::ValueEnum;
use serde_json::{Map, Value, json};

use super::{Context, parse_optional_when};
use crate::cli::{ReportFormat, TrendArgs};
use crate::config::Settings;
use crate::error::{is_broken_pipe, usage_error};
use crate::history::query::{PeriodCounts, Trend};
use crate::history::when::{self, Every, period_label, period_starts};
use crate::history::{Access, show_time};
use crate::output::chart::{Series, svg_chart, terminal_chart};
use crate::output::destination::Destination;
use crate::output::report::{ReportCell, ReportJson};
use crate::output::table::TableSink;
use crate::text::shown_path;

/// The most periods a trend shows (over 270 years of days).
const MAX_PERIODS: i64 = 100_000;

/// Runs `trend`.
pub fn run(ctx: &Context, args: &TrendArgs) -> Result<()> {
    let on_stdout = args.plot.as_deref() == Some(Path::new("-"));
    if on_stdout {
        one_output_on_stdout(args)?;
    }
    let how = ctx.report_output(&args.format)?;
    let now = when::now();
    let since = parse_optional_when("--since", args.since.as_deref(), now)?;
    let settings = ctx.settings(&Default::default(), None)?;
    let org = ctx.organization(&settings)?;
    // Open the picture's file first: a bad path fails before any work.
    let mut plot = open_plot(ctx, &settings, args.plot.as_deref(), on_stdout)?;
    let store = ctx.history_store(&settings, Access::Read)?;
    let snapshots = store.snapshots(&org).map_err(|e| store.damaged(e))?;
    let (Some(first), Some(last)) = (snapshots.first(), snapshots.last()) else {
        return Err(crate::history::store::no_snapshot_yet(store.path()));
    };
    // `--since now` (read as the end of time: the latest state) is the
    // last period; any other time after the last period has none.
    let from = match since {
        Some(when::LATEST) => last.time,
        since => since.unwrap_or(first.time).max(first.time),
    };
    not_too_many_periods(from, last.time, args.every)?;
    let starts = period_starts(from, last.time, args.every);
    let trend = (store.trend(&org, &snapshots, &starts)).map_err(|e| store.damaged(e))?;
    let series = to_series(&trend, args.every);

    if let Some(plot) = plot.take_if(|_| on_stdout) {
        return write_plot(plot, args, &series, "to stdout").context("writing the chart");
    }
    let periods = (trend.periods.iter()).map(|p| period_json(&trend, p, args.every));
    let json = || Ok(ReportJson::Items(periods.collect()));
    let table = || rows(&series);
    let reported = super::report("the trend", |out| {
        let style = ctx.write_report(out, &how, "the trend", json, &header(&series), table)?;
        // A table on a terminal (it has a width) gets the chart below.
        let on_terminal = style.and_then(|s| Some((s.width?, s.color)));
        if let Some((width, color)) = on_terminal.filter(|_| !series.labels.is_empty()) {
            write!(out, "\n{}", terminal_chart(&series, width, color))?;
        }
        Ok(())
    });
    // A reader that has gone (`| head`) ends the table quietly, not the
    // file asked for: it is still written.
    let table_read = reported.as_ref().err().is_none_or(is_broken_pipe);
    // No period (`--since` after the last one): an empty table, as of an
    // organization of no account, says why (as `changes` says "0 changes").
    if let (true, ReportFormat::Table, Some(since)) =
        (trend.periods.is_empty(), args.format.output, since)
    {
        ctx.note(&format!(
            "0 periods: the history ends with the snapshot of {}, before --since {}",
            show_time(last.time),
            show_time(since)
        ));
    }
    if let (Some(plot), Some(path), true) = (plot, args.plot.as_deref(), table_read) {
        write_plot(plot, args, &series, &shown_path(&path))?;
        ctx.note(&format!("wrote the chart to {}", shown_path(&path)));
    }
    reported
}

/// The picture's destination, if `--plot` asks for one: `-` is stdout,
/// where the chart then goes instead of the table.
fn open_plot(
    ctx: &Context,
    settings: &Settings,
    path: Option<&Path>,
    on_stdout: bool,
) -> Result<Option<Destination>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let plot = match on_stdout {
        true => Destination::open(None)?,
        false => {
            super::not_in_use(settings, "--plot", path)?;
            Destination::file(path, "--plot")?
        }
    };
    let extension = path.extension();
    if extension.is_some_and(|e| !e.eq_ignore_ascii_case("svg")) {
        ctx.warn(&format!(
            "--plot {}: the chart is an SVG picture whatever the name; name the file .svg",
            shown_path(&path)
        ));
    }
    Ok(Some(plot))
}

/// An import at a year typed `0026` spans two thousand years: at a day a
/// period, that table would take minutes and gigabytes.
fn not_too_many_periods(from: i64, to: i64, every: Every) -> Result<()> {
    let days = (to - from) / 86_400_000_000;
    let periods = days
        / match every {
            Every::Day => 1,
            Every::Week => 7,
            Every::Month => 28,
        };
    if periods > MAX_PERIODS {
        return Err(usage_error(format!(
            "the history runs {days} days from {}, too many periods of --every {}; pass --since to start later, or a longer --every",
            show_time(from),
            every_name(every)
        )));
    }
    Ok(())
}

/// `--plot -` writes the chart to stdout instead of the table: json, csv
/// or `--jq`'s output would go there too, so they are a usage error.
fn one_output_on_stdout(args: &TrendArgs) -> Result<()> {
    let other = match (&args.format.jq, args.format.output) {
        (Some(_), _) => "--jq",
        (None, ReportFormat::Json) => "-o json",
        (None, ReportFormat::Csv) => "-o csv",
        (None, ReportFormat::Table) => return Ok(()),
    };
    Err(usage_error(format!(
        "--plot - writes the chart to stdout, so it cannot be used with {other}; pass --plot FILE.svg to have both"
    )))
}

/// `--every`'s value, which names the period: `week`.
fn every_name(every: Every) -> String {
    (every.to_possible_value()).map_or_else(String::new, |v| v.get_name().to_string())
}

/// Writes the SVG chart to `plot` (`--plot`'s destination), named `name`.
fn write_plot(mut file: Destination, args: &TrendArgs, series: &Series, name: &str) -> Result<()> {
    let title = format!("Accounts per status, every {}", every_name(args.every));
    file.write_all(svg_chart(series, &title)?.as_bytes())
        .with_context(|| format!("writing {name}"))?;
    file.commit()
}

fn to_series(trend: &Trend, every: Every) -> Series {
    Series {
        labels: (trend.periods.iter())
            .map(|p| period_label(p.start, every))
            .collect(),
        // `(none)` for accounts without one, in the table and the legend.
        statuses: (trend.statuses.iter())
            .map(|s| if s.is_empty() { "(none)" } else { s }.to_string())
            .collect(),
        counts: trend.periods.iter().map(|p| p.counts.clone()).collect(),
    }
}

/// `period`, the statuses (`(none)` for accounts without one), `TOTAL`.
fn header(series: &Series) -> Vec<&str> {
    let mut header = vec!["period"];
    header.extend(series.statuses.iter().map(String::as_str));
    header.push("TOTAL");
    header
}

fn rows(series: &Series) -> Vec<Vec<ReportCell>> {
    (series.labels.iter().zip(&series.counts))
        .map(|(label, counts)| {
            std::iter::once(ReportCell::new(label.clone()))
                .chain(counts.iter().enumerate().map(|(k, n)| {
                    ReportCell::number(*n).colored(TableSink::status_color(&series.statuses[k]))
                }))
                .chain(std::iter::once(ReportCell::number(counts.iter().sum())))
                .collect()
        })
        .collect()
}

/// One period as json: its label, the snapshot it shows, the counts.
fn period_json(trend: &Trend, p: &PeriodCounts, every: Every) -> Value {
    let counts = (trend.statuses.iter().zip(&p.counts)).map(|(s, n)| (s.clone(), json!(n)));
    let counts: Map<String, Value> = counts.collect();
    json!({
        "period": period_label(p.start, every),
        "snapshot": show_time(p.snapshot),
        "counts": counts,
        "total": p.counts.iter().sum::<u64>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_accounts_without_a_status_none() {
        let trend = Trend {
            statuses: vec!["ACTIVE".into(), String::new()],
            periods: Vec::new(),
        };
        let series = to_series(&trend, Every::Day);
        assert_eq!(header(&series), ["period", "ACTIVE", "(none)", "TOTAL"]);
    }

    /// Up to `MAX_PERIODS` periods of each length are shown, one more is
    /// refused; counted from any start, not from 1970.
    #[test]
    fn a_trend_has_at_most_max_periods_of_each_length() {
        let (day, from) = (86_400_000_000, 1_700_000_000_000_000);
        for (every, days) in [(Every::Day, 1), (Every::Week, 7), (Every::Month, 28)] {
            let most = from + MAX_PERIODS * days * day;
            assert!(not_too_many_periods(from, most + (days - 1) * day, every).is_ok());
            let err = not_too_many_periods(from, most + days * day, every).unwrap_err();
            assert!(err.to_string().contains("too many periods"), "{err}");
        }
    }
}
