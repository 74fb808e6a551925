//! `trend`: the count per status at the end of each day, week or month,
//! from the history store; on a terminal a chart below the table, and
//! with `--plot` the same chart as an SVG picture.

use std::io::Write;

use anyhow::{Context as _, Result};
use serde_json::{Map, Value, json};

use super::{Context, parse_optional_when};
use crate::cli::{Every as EveryArg, ReportFormat, TrendArgs};
use crate::history::query::{PeriodCounts, Trend};
use crate::history::when::{self, Every, period_label, period_starts};
use crate::history::{Access, show_time};
use crate::output::chart::{Series, svg_chart, terminal_chart};
use crate::output::destination::Destination;
use crate::output::jq;
use crate::output::report::{ReportCell, render_table, write_csv};
use crate::output::table::TableSink;

/// Runs `trend`.
pub fn run(ctx: &Context, args: &TrendArgs) -> Result<()> {
    let jq = jq::for_report(args.format.jq.as_deref(), args.format.output)?;
    let settings = ctx.settings(&Default::default(), None)?;
    let org = ctx.organization(&settings)?;
    let now = when::now();
    let since = parse_optional_when("--since", args.since.as_deref(), now)?;
    let every = match args.every {
        EveryArg::Day => Every::Day,
        EveryArg::Week => Every::Week,
        EveryArg::Month => Every::Month,
    };
    // Open the picture's file first: a bad path fails before any work.
    let mut plot = args
        .plot
        .as_deref()
        .map(|p| Destination::open(Some(p)))
        .transpose()?;
    let store = ctx.history_store(&settings, Access::Read)?;
    let snapshots = store.snapshots(&org)?;
    let (Some(first), Some(last)) = (snapshots.first(), snapshots.last()) else {
        return Err(crate::history::store::no_snapshot_yet(store.path()));
    };
    let from = since.unwrap_or(first.time).max(first.time);
    let starts = period_starts(from, last.time, every);
    let trend = store.trend(&org, &starts, i64::MAX)?;
    let series = to_series(&trend, every);

    let mut out = Destination::open(None)?;
    let header = header(&trend);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    match args.format.output {
        ReportFormat::Json => match &jq {
            Some(filter) => {
                filter.apply_document(&to_value(&trend, every), "the trend", &mut out)?
            }
            None => writeln!(out, "{}", to_json(&trend, every))?,
        },
        ReportFormat::Csv => write_csv(&mut out, &header, &rows(&series, false))?,
        ReportFormat::Table => {
            let terminal = out.is_terminal();
            let style = ctx.report_style(terminal);
            writeln!(
                out,
                "{}",
                render_table(&header, &rows(&series, style.color), style)
            )?;
            if let (true, Some(width)) = (terminal, style.width) {
                if !series.labels.is_empty() {
                    write!(out, "\n{}", terminal_chart(&series, width, style.color))?;
                }
            }
        }
    }
    out.commit().context("writing the trend")?;
    if let (Some(mut file), Some(path)) = (plot.take(), args.plot.as_deref()) {
        let title = format!("Accounts per status, every {}", every_name(every));
        file.write_all(svg_chart(&series, &title)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        file.commit()?;
        ctx.log
            .note(&format!("wrote the chart to {}", path.display()));
    }
    Ok(())
}

fn every_name(every: Every) -> &'static str {
    match every {
        Every::Day => "day",
        Every::Week => "week",
        Every::Month => "month",
    }
}

fn to_series(trend: &Trend, every: Every) -> Series {
    Series {
        labels: trend
            .periods
            .iter()
            .map(|p| period_label(p.start, every))
            .collect(),
        statuses: trend.statuses.clone(),
        counts: trend.periods.iter().map(|p| p.counts.clone()).collect(),
    }
}

fn header(trend: &Trend) -> Vec<String> {
    std::iter::once("period".to_string())
        .chain(trend.statuses.iter().map(|s| {
            if s.is_empty() {
                "(none)".to_string()
            } else {
                s.clone()
            }
        }))
        .chain(std::iter::once("TOTAL".to_string()))
        .collect()
}

fn rows(series: &Series, color: bool) -> Vec<Vec<ReportCell>> {
    series
        .labels
        .iter()
        .zip(&series.counts)
        .map(|(label, counts)| {
            std::iter::once(ReportCell::new(label.clone()))
                .chain(counts.iter().enumerate().map(|(k, n)| {
                    let tint = if color {
                        TableSink::status_color(&series.statuses[k])
                    } else {
                        None
                    };
                    ReportCell::number(*n).colored(tint)
                }))
                .chain(std::iter::once(ReportCell::number(counts.iter().sum())))
                .collect()
        })
        .collect()
}

/// The json array, one object per period, as a value (what `--jq` runs
/// on).
pub fn to_value(trend: &Trend, every: Every) -> Value {
    Value::Array(
        trend
            .periods
            .iter()
            .map(|p| period_json(trend, p, every))
            .collect(),
    )
}

/// One period as json: its label, the snapshot it shows, the counts.
fn period_json(trend: &Trend, p: &PeriodCounts, every: Every) -> Value {
    let counts: Map<String, Value> = trend
        .statuses
        .iter()
        .zip(&p.counts)
        .map(|(s, n)| (s.clone(), json!(n)))
        .collect();
    json!({
        "period": period_label(p.start, every),
        "snapshot": show_time(p.snapshot),
        "counts": counts,
        "total": p.counts.iter().sum::<u64>(),
    })
}

/// The json array, one object per period: the one place `trend -o json`
/// is made.
pub fn to_json(trend: &Trend, every: Every) -> String {
    let items: Vec<String> = trend
        .periods
        .iter()
        .map(|p| period_json(trend, p, every).to_string())
        .collect();
    if items.is_empty() {
        return "[]".into();
    }
    format!("[\n  {}\n]", items.join(",\n  "))
}
