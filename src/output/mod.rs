//! Output formats behind one small trait: table, json, jsonl and csv, plus
//! sanitizing and the atomic file writer. Nothing here knows about HTTP.

pub mod chart;
pub mod csv;
pub mod destination;
pub mod jq;
pub mod json;
pub mod report;
pub mod sanitize;
pub mod table;

use std::io::Write;

use anyhow::Result;

use crate::account::Account;

/// Receives accounts in order, a batch (page) at a time.
pub trait Sink {
    /// Takes a batch. Streaming formats write it at once.
    fn write_batch(&mut self, out: &mut dyn Write, accounts: &[Account]) -> Result<()>;

    /// The walk is complete: write whatever was held back (by default,
    /// nothing was).
    fn finish(&mut self, _out: &mut dyn Write) -> Result<()> {
        Ok(())
    }

    /// True when the format writes as it goes (jsonl, csv): by default.
    fn streams(&self) -> bool {
        true
    }
}

/// How the table and csv formats lay out accounts (by default: no
/// header, no guard, no BOM, off a terminal, no colour).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub columns: Vec<String>,
    pub header: bool,
    pub formula_guard: bool,
    pub bom: bool,
    /// The terminal width when the table goes to a terminal.
    pub width: Option<u16>,
    pub color: bool,
}

/// The sink for a format.
pub fn sink_for(format: OutputFormat, layout: Layout) -> Box<dyn Sink> {
    match format {
        OutputFormat::Table => Box::new(table::TableSink::new(layout)),
        OutputFormat::Json => Box::new(json::JsonSink::default()),
        OutputFormat::Jsonl => Box::new(json::JsonlSink::default()),
        OutputFormat::Csv => Box::new(csv::CsvSink::new(layout)),
    }
}

/// How `list` prints accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A table for people
    Table,
    /// One JSON array, printed once complete
    Json,
    /// One JSON object per line, streamed
    Jsonl,
    /// RFC 4180 CSV with a header row, streamed
    Csv,
}

/// How the reports (`summary`, `diff`) print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table for people
    Table,
    /// JSON
    Json,
    /// RFC 4180 CSV with a header row
    Csv,
}
