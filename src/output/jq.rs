//! `--jq EXPR`: the JSON output run through a jq expression in the
//! process, on the jaq crates, as `gh --jq` runs gojq.
//!
//! Each result is printed as `jq -rc` prints it (gh's rule): a string raw,
//! anything else as compact JSON, one per line. Values reach jaq through [`to_jaq`], which
//! keeps numbers as their exact JSON text (a big integer keeps all its
//! digits, `1.10` stays `1.10`).
//!
//! jaq's core language and its whole standard library (regular
//! expressions, dates, maths, formats) but `env`, `input` and the
//! functions that write to stderr: an expression cannot read the
//! environment, where the client secret may be.
//!
//! Commands use [`JqFilter::compile`] once, then [`JqFilter::apply`] on
//! each value (an account, or a whole document); [`JqSink`] does that for
//! `list`.

use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Result;
use jaq_core::data::JustLut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::native::{Filter, Fun, bome, run, v};
use jaq_core::{Compiler, Ctx, DataT, RunPtr, Vars, compile, load};
use jaq_json::{Num, Val};
use serde_json::Value;

use super::{OutputFormat, ReportFormat, Sink};
use crate::account::Account;
use crate::error::usage_error;
use crate::http::redact::Redactor;
use crate::text::{shorten_middle, visible};

/// The kind of data the filters run on: jaq's JSON values, nothing else.
type Data = JustLut<Val>;

/// Messages quoting a value are cut to this many characters.
const MESSAGE_CHARS: usize = 300;

/// A compiled `--jq` expression.
pub struct JqFilter {
    filter: jaq_core::Filter<Data>,
    /// The field of a filter that is `.name` alone: see [`JqSink`].
    field: Option<String>,
    /// The run's secrets, redacted from an error before it is cut short.
    secrets: Arc<Redactor>,
}

impl JqFilter {
    /// Parses and compiles `expr`: an expression that does not parse or
    /// names an unknown function is a usage error (exit 2) that says what
    /// was expected and where (line and column, counted in characters from 1).
    /// Its run-time errors are redacted of the run's `secrets`.
    pub fn compile(expr: &str, secrets: &Arc<Redactor>) -> Result<JqFilter> {
        let arena = Arena::default();
        // Last: a definition stands for those of its name before it.
        let defs = jaq_core::defs()
            .chain(jaq_std::defs().filter(|d| !LEFT_OUT_DEFS.contains(&d.name)))
            .chain(jaq_json::defs())
            .chain(jaq_core::load::parse(AS_JQ, |p| p.defs()).unwrap_or_default());
        let program = File {
            code: expr,
            path: (),
        };
        let not_loaded = |errors| usage_error(load_message(expr, errors));
        let modules = (Loader::new(defs).load(&arena, program)).map_err(not_loaded)?;
        // A data import (`import "x" as $d`) loads, its file unread, and
        // would leave `$d` unbound: refused as a module import is.
        load::import(&modules, |_| Err(String::new())).map_err(not_loaded)?;
        let funs = jaq_core::funs::<Data>()
            .chain(jaq_std::funs::<Data>().filter(|(name, ..)| !LEFT_OUT_FUNS.contains(name)))
            .chain(jaq_json::funs::<Data>())
            .chain(tabular_funs::<Data>());
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| usage_error(compile_message(expr, errors)))?;
        Ok(JqFilter {
            filter,
            field: lone_field(expr),
            secrets: Arc::clone(secrets),
        })
    }

    /// Runs the filter once on a whole document (`summary`, `diff`), or on
    /// one row of a command that prints rows (`changes`, `history`), given
    /// as the JSON text the tool wrote, and writes the results; `what`
    /// names the document or the row in a run-time error (exit 1); an
    /// error of writing is said by the caller (`writing the summary:
    /// writing to stdout: …`). The text is read as the accounts of `list`
    /// are, so each number keeps its spelling (`1E2`, which a serde_json
    /// value gives as `1e+2`).
    pub fn apply_text(&self, text: &str, what: &str, out: &mut dyn Write) -> Result<()> {
        let value = jaq_json::read::parse_single(text.as_bytes()).unwrap_or_else(|_| {
            // A lone surrogate escape, say: read as jq reads it.
            to_jaq(&crate::account::lenient(text).unwrap_or(Value::Null))
        });
        self.apply(value, || what.to_string(), out)
    }

    /// Runs the filter on one value and writes each result, one per line:
    /// a string raw, anything else as compact JSON. Stops at the first
    /// error; results before it are written. A run-time error is a
    /// [`JqFailed`] naming the input as `what` says; a write error is
    /// returned as it is (so a broken pipe stays a broken pipe; the caller
    /// says what it wrote).
    fn apply(&self, input: Val, what: impl FnOnce() -> String, out: &mut dyn Write) -> Result<()> {
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        for result in self.filter.id.run((ctx, input)) {
            let message = match result {
                Ok(value) => {
                    let key = key_not_text(&value);
                    let written = key.is_none().then(|| write_result(out, &value));
                    drop_flat(value);
                    written.transpose()?;
                    let Some(key) = key else { continue };
                    let way = match key.as_str() {
                        "null" => {
                            "from an account without the field, say: use (.status // \"none\")"
                        }
                        _ => "use tostring on it",
                    };
                    format!("an object key must be a string, not {key} ({way})")
                }
                // An error value: a string as it is (`error("no id")`),
                // anything else as JSON. Cut short in its middle below, as
                // jaq's messages end with what was wrong (`cannot index
                // [{…}] with "id"`).
                Err(exn) => match exn.get_err().map(jaq_core::Error::into_val) {
                    Ok(Val::TStr(s) | Val::BStr(s)) => String::from_utf8_lossy(&s).into_owned(),
                    Ok(other) => other.to_string(),
                    Err(exn) => match exn.get_halt() {
                        Ok(code) => format!(
                            "the expression called halt (exit code {code}), which --jq does not support"
                        ),
                        Err(_) => "the expression failed".to_string(),
                    },
                },
            };
            let message = self.shown(&message);
            return Err(anyhow::Error::new(JqFailed(format!(
                "--jq failed on {}: {message}; fix the expression",
                what()
            ))));
        }
        Ok(())
    }

    /// `text` (an error quoting a value) cut in its middle to
    /// [`MESSAGE_CHARS`] once its secrets are out: a cut in one would leave
    /// fewer of its characters than the redactor knows for a part. A long
    /// text (a list of 100,000 accounts) is redacted in two windows, its
    /// start and its end, less what a secret at their inner edges may leave.
    fn shown(&self, text: &str) -> String {
        const WINDOW: usize = 16 * 1024;
        let redact = |part: String| self.secrets.redact_shown(&part);
        let chars = text.chars().count();
        if chars <= 2 * WINDOW {
            return shorten_middle(&redact(text.into()), MESSAGE_CHARS);
        }
        let edge = Redactor::PART_LEN - 1;
        let head = redact(text.chars().take(WINDOW).collect());
        let kept = head.chars().count().saturating_sub(edge);
        let head: String = head.chars().take(kept).collect();
        let tail = redact(text.chars().skip(chars - WINDOW).collect());
        let tail: String = tail.chars().skip(edge).collect();
        shorten_middle(&format!("{head}…{tail}"), MESSAGE_CHARS)
    }
}

/// The first object key in `value` that is not a string, as JSON: jaq
/// makes objects keyed by any value (`{(null): 1}`, `.[null] += 1`), and
/// written they would be no JSON (`{null:1}`). With a stack of its own.
fn key_not_text(value: &Val) -> Option<String> {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Val::Arr(items) => stack.extend(items.iter()),
            Val::Obj(fields) => {
                for (key, value) in fields.iter() {
                    if !matches!(key, Val::TStr(_) | Val::BStr(_)) {
                        return Some(key.to_string());
                    }
                    stack.push(value);
                }
            }
            _ => {}
        }
    }
    None
}

/// Drops `value` with a stack of its own: dropped the usual way, a value
/// nested a million deep overflows the call stack.
fn drop_flat(value: Val) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Val::Arr(items) => stack.extend(Rc::try_unwrap(items).unwrap_or_default()),
            Val::Obj(fields) => {
                let fields = Rc::try_unwrap(fields).unwrap_or_default();
                stack.extend(fields.into_iter().flat_map(|(k, v)| [k, v]));
            }
            _ => {}
        }
    }
}

/// `name` when the expression is `.name` alone (a jq identifier).
fn lone_field(expr: &str) -> Option<String> {
    let name = expr.trim().strip_prefix('.')?;
    let first = name.chars().next()?;
    let identifier = (first.is_ascii_alphabetic() || first == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    identifier.then(|| name.to_string())
}

/// What `.name` prints for an account, read from its text without building
/// jaq's values for every field: a string raw, `null` (missing too), `true`
/// or `false`. `false` returned, nothing written, for any other value
/// (numbers, arrays, objects): jaq prints those.
fn write_lone_field(out: &mut dyn Write, account: &Account, field: &str) -> io::Result<bool> {
    // One value found per field asked for.
    let text: Option<std::borrow::Cow<str>> = match account.raw_fields(&[field]).map(|f| f[0]) {
        Some(None) => Some("null".into()),
        Some(Some(literal @ ("null" | "true" | "false"))) => Some(literal.into()),
        Some(Some(quoted)) if quoted.starts_with('"') => serde_json::from_str(quoted).ok(),
        // Others, or an account whose text does not read.
        _ => None,
    };
    let Some(text) = text else { return Ok(false) };
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(true)
}

/// The usage error (exit 2) for `--jq` with an output that is not JSON.
/// `json_formats` names what the command offers instead.
pub fn not_json(format: &str, json_formats: &str) -> anyhow::Error {
    usage_error(format!(
        "--jq runs on JSON output, so it cannot be used with -o {format}; drop -o (or use {json_formats})"
    ))
}

/// The filter of a report's `--jq` (`summary`, `diff`): it runs on the
/// report's JSON, so table and csv are refused.
pub fn for_report(
    expr: Option<&str>,
    format: ReportFormat,
    secrets: &Arc<Redactor>,
) -> Result<Option<JqFilter>> {
    match (format, expr) {
        (_, None) => Ok(None),
        (ReportFormat::Json, Some(expr)) => JqFilter::compile(expr, secrets).map(Some),
        (ReportFormat::Table, Some(_)) => Err(not_json("table", "-o json")),
        (ReportFormat::Csv, Some(_)) => Err(not_json("csv", "-o json")),
    }
}

/// How a row command's `--jq` runs (`list`, `changes`, `history`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsJq {
    /// On each row, streamed (`-o jsonl`, implied by `--jq`).
    PerRow,
    /// Once on the array of every row (`-o json`).
    Whole,
}

/// The filter of a row command's `--jq` (`list`, `changes`, `history`)
/// and how it runs: per row with jsonl, once on the array with json;
/// table and csv are refused.
pub fn for_rows(
    expr: Option<&str>,
    format: OutputFormat,
    secrets: &Arc<Redactor>,
) -> Result<Option<(JqFilter, RowsJq)>> {
    let Some(expr) = expr else { return Ok(None) };
    let how = match format {
        OutputFormat::Jsonl => RowsJq::PerRow,
        OutputFormat::Json => RowsJq::Whole,
        OutputFormat::Table => return Err(not_json("table", "-o jsonl or -o json")),
        OutputFormat::Csv => return Err(not_json("csv", "-o jsonl or -o json")),
    };
    Ok(Some((JqFilter::compile(expr, secrets)?, how)))
}

/// An expression failed at run time (exit 1). Its message is complete: it
/// needs no "writing the output" in front.
#[derive(Debug)]
pub struct JqFailed(String);

impl std::fmt::Display for JqFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JqFailed {}

/// A serde_json value as a jaq value: the one place the two meet. It goes
/// through its JSON text, read as the accounts of `list` are, so whatever
/// serde_json keeps of a number (all its digits, with `arbitrary_precision`)
/// reaches jaq unchanged.
fn to_jaq(value: &Value) -> Val {
    // serde_json writes only valid JSON, which jaq reads.
    jaq_json::read::parse_single(value.to_string().as_bytes()).unwrap_or(Val::Null)
}

/// Writes one result and a newline: a string raw, anything else compact.
fn write_result(out: &mut dyn Write, value: &Val) -> io::Result<()> {
    match value {
        Val::TStr(s) | Val::BStr(s) => out.write_all(String::from_utf8_lossy(s).as_bytes())?,
        other => write_json(out, other)?,
    }
    out.write_all(b"\n")
}

/// Compact JSON, as jq writes it: NaN as `null` and infinities as the
/// largest finite numbers, where jaq would write non-JSON literals. With a
/// stack of its own, not the call stack: a filter can nest a value a
/// million deep (`reduce range(1e6) as $i (.; [.])`).
fn write_json(out: &mut dyn Write, value: &Val) -> io::Result<()> {
    enum Work<'a> {
        Value(&'a Val),
        Text(&'static [u8]),
    }
    let mut work = vec![Work::Value(value)];
    while let Some(next) = work.pop() {
        let value = match next {
            Work::Text(text) => {
                out.write_all(text)?;
                continue;
            }
            Work::Value(value) => value,
        };
        match value {
            Val::Num(Num::Float(f)) => out.write_all(float_text(*f).as_bytes())?,
            // `@base64d` and `@urid` can make bytes that are not UTF-8: jq
            // writes U+FFFD for them, never bytes that are not JSON. A byte
            // string (`tobytes`) is a string too (jaq: `b"…"`, no JSON).
            Val::BStr(s) => serde_json::to_writer(&mut *out, &String::from_utf8_lossy(s))
                .map_err(io::Error::from)?,
            Val::TStr(s) if std::str::from_utf8(s).is_err() => {
                serde_json::to_writer(&mut *out, &String::from_utf8_lossy(s))
                    .map_err(io::Error::from)?;
            }
            // Pushed last first: written in order.
            Val::Arr(items) => {
                out.write_all(b"[")?;
                work.push(Work::Text(b"]"));
                for (i, item) in items.iter().enumerate().rev() {
                    work.push(Work::Value(item));
                    work.extend((i > 0).then_some(Work::Text(b",")));
                }
            }
            Val::Obj(fields) => {
                out.write_all(b"{")?;
                work.push(Work::Text(b"}"));
                for (i, (k, v)) in fields.iter().enumerate().rev() {
                    work.extend([Work::Value(v), Work::Text(b":"), Work::Value(k)]);
                    work.extend((i > 0).then_some(Work::Text(b",")));
                }
            }
            other => jaq_json::write::write(out, &jaq_json::write::Pp::default(), 0, other)?,
        }
    }
    Ok(())
}

/// A computed number as jq prints it: `5` for 10 / 2 (jaq: `5.0`), `1e+100`,
/// NaN as `null`, infinities as the largest finite numbers.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "null".to_string();
    }
    let f = f.clamp(f64::MIN, f64::MAX);
    // A whole number, its digits exact (and `-0` keeps its sign).
    if f.fract() == 0.0 && f.abs() < 1e17 {
        return format!("{f:.0}");
    }
    let text = Num::Float(f).to_string();
    match text.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => text,
    }
}

/// `line L, column C` of `part` (a slice of `code`), counted in characters
/// from 1; for a one-line expression just `column C`.
fn position(code: &str, part: &str) -> String {
    let start = load::span(code, part).start.min(code.len());
    let before = code.get(..start).unwrap_or(code);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    if code.contains('\n') {
        format!("line {line}, column {column}")
    } else {
        format!("column {column}")
    }
}

/// What was found at an error's position, as the user typed it (an
/// escape or control character written out, as [`visible`] shows it).
fn found(part: &str) -> String {
    let shown = |c: char| format!("`{}`", visible(&c.to_string()));
    (part.chars().next()).map_or("the end of the expression".into(), shown)
}

/// The message for an expression that does not lex or parse: jaq's
/// message and the position, first error only. The errors are the
/// expression's own, one entry at most: jaq's loader reads no module here
/// (its reader always fails), and only the expression imports.
fn load_message(expr: &str, errors: load::Errors<&str, ()>) -> String {
    let expected = |what: &str, part: &str| {
        let at = position(expr, part);
        format!("expected {what} at {at} (found {})", found(part))
    };
    let alternative = |part: &str| {
        (expr.get(load::span(expr, part).start..)).is_some_and(|rest| rest.starts_with("?//"))
    };
    let detail = match errors.into_iter().next().map(|(_, error)| error) {
        Some(load::Error::Lex(errs)) => {
            errs.into_iter().next().map(|(expect, part)| match expect {
                load::lex::Expect::Delim(open) => {
                    let close = match open {
                        "(" => ")",
                        "[" => "]",
                        "{" => "}",
                        other => other,
                    };
                    format!(
                        "expected `{close}` to close the `{open}` at {} (found {} at {})",
                        position(expr, open),
                        found(part),
                        position(expr, part)
                    )
                }
                other => expected(other.as_str(), part),
            })
        }
        Some(load::Error::Parse(errs)) => match errs.into_iter().next() {
            // jq's destructuring alternative (`. as [$a] ?// $a`): jaq has none.
            Some((_, part)) if alternative(part) => {
                let at = position(expr, part);
                return format!("--jq expression is not valid: `?//` at {at}{NOT_IN_JAQ_HINT}");
            }
            first => first.map(|(expect, part)| expected(expect.as_str(), part)),
        },
        // An import (or include) parsed: its quotes and brackets are right.
        Some(load::Error::Io(errs)) if !errs.is_empty() => {
            let (path, at) = (errs[0].0, position(expr, errs[0].0));
            return format!(
                "--jq expression is not valid: cannot import {path} at {at}: --jq reads no modules or files; drop the import, or pipe -o json into jq"
            );
        }
        Some(load::Error::Io(_)) | None => None,
    };
    format!(
        "--jq expression does not parse: {}; check its quotes and brackets (as jq reads it)",
        detail.unwrap_or_else(|| "invalid expression".to_string())
    )
}

/// Definitions that jq has otherwise than jaq. `join`: a null is the
/// empty text, as jq writes it (jaq wrote `null`, in the CSV lines
/// resellers build with it). `from_entries`: the names jq and gojq read
/// (AWS's `Key` and `Value`), where jaq reads `key` and `value` alone.
const AS_JQ: &str = r#"
def join($x): reduce .[] as $i (null;
    (if . == null then "" else . + $x end) + ($i | if . == null then "" else tostring end)
) // "";
def from_entries: reduce .[] as $x ({};
    . + { ($x | .key // .name // .Name // .Key): ($x | if has("value") then .value else .Value end) }
);
"#;

/// Native functions of jaq's standard library that `--jq` leaves out:
/// the environment (where the client secret may be), and stderr, which is
/// the tool's (jaq logs `debug` and `stderr` through the `log` crate).
const LEFT_OUT_FUNS: &[&str] = &["env", "debug_empty", "stderr_empty"];

/// The definitions built on them, of any arity (`debug/0` and `debug/1`).
const LEFT_OUT_DEFS: &[&str] = &["stderr", "debug", "halt_error"];

/// Functions of jq (and gh's gojq) that `--jq` does not have, space-separated.
const LEFT_OUT: &str = "env $ENV input inputs input_filename input_line_number $__loc__ debug \
    stderr halt_error";

/// Functions of jq that jaq, and so `--jq`, does not have (docs/jq.md),
/// space-separated.
const NOT_IN_JAQ: &str = "IN INDEX JOIN ascii builtins date dateadd datesub format fromstream \
    get_jq_origin get_prog_origin get_search_list have_decnum have_literal_numbers isvalid \
    leaf_paths lgamma_r modulemeta recurse_down scalars_or_empty toarray tostream truncate_stream \
    @base32 @base32d $__prog_args";

/// What to do about a jq function (or operator) `--jq` does not have.
const NOT_IN_JAQ_HINT: &str =
    "; jq has it but --jq does not (see docs/jq.md): write it another way, or pipe -o json into jq";

/// The message for an expression naming something undefined.
fn compile_message(expr: &str, errors: compile::Errors<&str, ()>) -> String {
    let detail = errors.into_iter().find_map(|(_, errs)| {
        errs.into_iter().next().map(|(name, undefined)| {
            let what = match undefined {
                compile::Undefined::Filter(arity) => format!("function `{name}/{arity}`"),
                other => format!("{} `{name}`", other.as_str()),
            };
            let hint = if LEFT_OUT.split_whitespace().any(|n| n == name) {
                "; --jq has no environment, input or stderr functions: pipe -o json into jq for those"
            } else if NOT_IN_JAQ.split_whitespace().any(|n| n == name) {
                NOT_IN_JAQ_HINT
            } else {
                "; check the spelling and the number of arguments"
            };
            format!("unknown {what} at {}{hint}", position(expr, name))
        })
    });
    format!(
        "--jq expression is not valid: {}",
        detail.unwrap_or_else(|| "an unknown name".to_string())
    )
}

/// `@csv` and `@tsv` (and `tocsv`, `totsv`), as jq defines them: an array
/// of strings, numbers, booleans and nulls as one line of text.
fn tabular_funs<D: for<'a> DataT<V<'a> = Val>>() -> impl Iterator<Item = Fun<D>> {
    let funs: [Filter<RunPtr<D>>; 4] = [
        ("@csv", v(0), |cv| bome(tabular_row(&cv.1, true))),
        ("@tsv", v(0), |cv| bome(tabular_row(&cv.1, false))),
        ("tocsv", v(0), |cv| bome(tabular_row(&cv.1, true))),
        ("totsv", v(0), |cv| bome(tabular_row(&cv.1, false))),
    ];
    funs.into_iter().map(run::<D>)
}

/// One `@csv` (`csv`) or `@tsv` row: strings quoted (`"` doubled) or
/// escaped (`\t`, `\n`, `\r`, `\\`), a NUL `\0` in both, numbers as JSON,
/// booleans as words, null (and NaN, as jq) empty.
fn tabular_row(value: &Val, csv: bool) -> Result<Val, jaq_core::Error<Val>> {
    let (name, separator) = if csv { ("csv", ",") } else { ("tsv", "\t") };
    let Val::Arr(items) = value else {
        return Err(jaq_core::Error::str(format_args!(
            "{value} cannot be {name}-formatted, only an array can be"
        )));
    };
    let cells: Result<Vec<String>, _> = (items.iter())
        .map(|item| match item {
            Val::Null => Ok(String::new()),
            // A computed number as jq writes it (`5`, not jaq's `5.0`); NaN empty.
            Val::Num(Num::Float(f)) if f.is_nan() => Ok(String::new()),
            Val::Num(Num::Float(f)) => Ok(float_text(*f)),
            Val::Bool(_) | Val::Num(_) => Ok(item.to_string()),
            Val::TStr(s) => {
                let text = String::from_utf8_lossy(s);
                Ok(if csv {
                    format!("\"{}\"", text.replace('"', "\"\"").replace('\0', "\\0"))
                } else {
                    // The backslashes first: those the others add stay single.
                    text.replace('\\', "\\\\")
                        .replace('\t', "\\t")
                        .replace('\n', "\\n")
                        .replace('\r', "\\r")
                        .replace('\0', "\\0")
                })
            }
            other => Err(jaq_core::Error::str(format_args!(
                "{other} is not valid in a {name} row"
            ))),
        })
        .collect();
    Ok(Val::from(cells?.join(separator)))
}

/// `list` with `--jq`: each account through the filter as it arrives
/// (jsonl), or the whole array once the walk is complete (json).
pub struct JqSink {
    filter: JqFilter,
    /// `Some` for json: the accounts held until the walk is complete.
    held: Option<Vec<Val>>,
}

impl JqSink {
    /// Per account, streamed (`-o jsonl`, or no `-o`), or once on the array
    /// of every account (`-o json`).
    pub fn new(filter: JqFilter, how: RowsJq) -> JqSink {
        let held = (how == RowsJq::Whole).then(Vec::new);
        JqSink { filter, held }
    }
}

impl Sink for JqSink {
    fn write_batch(&mut self, out: &mut dyn Write, accounts: &[Account]) -> Result<()> {
        for account in accounts {
            // `.name` on a streamed account: read from its text when jaq
            // would print what was read as it is.
            if let (None, Some(field)) = (&self.held, &self.filter.field) {
                if write_lone_field(out, account, field).map_err(anyhow::Error::new)? {
                    continue;
                }
            }
            // Straight from the text the account came as: one parse, no
            // serde_json map in between (the fields, if the text ever fails).
            let value = jaq_json::read::parse_single(account.json().as_bytes())
                .unwrap_or_else(|_| to_jaq(&account.fields().clone().into()));
            match &mut self.held {
                Some(held) => held.push(value),
                None => self
                    .filter
                    .apply(value, || format!("account {}", account.id()), out)?,
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        if let Some(held) = self.held.take() {
            let list: Val = held.into_iter().collect();
            self.filter.apply(list, || "the list".into(), out)?;
        }
        Ok(())
    }

    fn streams(&self) -> bool {
        self.held.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(expr: &str, input: serde_json::Value) -> Result<String, String> {
        let filter = JqFilter::compile(expr, &Arc::default()).map_err(|e| format!("{e:#}"))?;
        let mut out = Vec::new();
        match filter.apply(to_jaq(&input), || "it".into(), &mut out) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(e) => {
                assert!(e.is::<JqFailed>(), "{e:#}");
                let message = e.to_string();
                let message = message.strip_prefix("--jq failed on it: ").unwrap();
                Err(message.strip_suffix("; fix the expression").unwrap().into())
            }
        }
    }

    #[test]
    fn strings_print_raw_and_everything_else_as_compact_json() {
        let input =
            json!({"name": "acme", "n": 3, "tags": ["a", "b"], "x": null, "o": {"k": true}});
        assert_eq!(run(".name", input.clone()).unwrap(), "acme\n");
        assert_eq!(run(".n", input.clone()).unwrap(), "3\n");
        assert_eq!(run(".tags", input.clone()).unwrap(), "[\"a\",\"b\"]\n");
        assert_eq!(run(".x", input.clone()).unwrap(), "null\n");
        assert_eq!(run(".o", input.clone()).unwrap(), "{\"k\":true}\n");
        assert_eq!(run(".tags[]", input.clone()).unwrap(), "a\nb\n");
        assert_eq!(run("empty", input).unwrap(), "");
    }

    #[test]
    fn objects_keep_their_key_order() {
        let input = json!({"zeta": 1, "alpha": 2, "id": "x"});
        assert_eq!(
            run(".", input.clone()).unwrap(),
            "{\"zeta\":1,\"alpha\":2,\"id\":\"x\"}\n"
        );
        assert_eq!(
            run("{id, zeta}", input).unwrap(),
            "{\"id\":\"x\",\"zeta\":1}\n"
        );
    }

    #[test]
    fn unicode_and_escapes_pass_through() {
        let input = json!({"c": "Café \"東京\"\n\u{1F600}\u{7}"});
        assert_eq!(
            run(".c", input.clone()).unwrap(),
            "Café \"東京\"\n\u{1F600}\u{7}\n"
        );
        assert_eq!(
            run("[.c]", input).unwrap(),
            "[\"Café \\\"東京\\\"\\n\u{1F600}\\u0007\"]\n"
        );
        // DEL is escaped inside JSON, as jq writes it.
        assert_eq!(run("[.]", json!("a\u{7f}b")).unwrap(), "[\"a\\u007fb\"]\n");
    }

    #[test]
    fn numbers_keep_their_text() {
        let input: serde_json::Value =
            serde_json::from_str(r#"{"small": -7, "dec": 1.5, "max": 18446744073709551615}"#)
                .unwrap();
        assert_eq!(run(".small", input.clone()).unwrap(), "-7\n");
        assert_eq!(run(".dec", input.clone()).unwrap(), "1.5\n");
        assert_eq!(
            run(".max", input.clone()).unwrap(),
            "18446744073709551615\n"
        );
        assert_eq!(run(".max + 1", input).unwrap(), "18446744073709551616\n");
    }

    #[test]
    fn numbers_beyond_64_bits_reach_jaq_whole() {
        // What serde_json holds with `arbitrary_precision`: the number's text.
        let big = jaq_json::read::parse_single_num(b"123456789012345678901234567890").unwrap();
        let mut out = Vec::new();
        write_result(&mut out, &Val::Num(big)).unwrap();
        assert_eq!(out, b"123456789012345678901234567890\n");
    }

    #[test]
    fn non_json_numbers_print_as_jq_prints_them() {
        assert_eq!(run("nan", json!(null)).unwrap(), "null\n");
        assert_eq!(
            run("[infinite, -infinite]", json!(null)).unwrap(),
            "[1.7976931348623157e+308,-1.7976931348623157e+308]\n"
        );
        assert_eq!(
            run(
                "[10 / 2, 1 / 3, 3e100 * 1, 2.5e-3 * 1, -0.0 * 1]",
                json!(null)
            )
            .unwrap(),
            "[5,0.3333333333333333,3e+100,0.0025,-0]\n"
        );
        // A negative exponent keeps its sign alone, as jq writes it.
        assert_eq!(run("1e-100 * 1", json!(null)).unwrap(), "1e-100\n");
    }

    #[test]
    fn csv_and_tsv_rows_as_jq_writes_them() {
        let input = json!(["a,\"b\"", 1, null, true, "t\tn\nr\rs\\"]);
        assert_eq!(
            run("@csv", input.clone()).unwrap(),
            "\"a,\"\"b\"\"\",1,,true,\"t\tn\nr\rs\\\"\n"
        );
        assert_eq!(
            run("@tsv", input).unwrap(),
            "a,\"b\"\t1\t\ttrue\tt\\tn\\nr\\rs\\\\\n"
        );
        assert!(
            run("@csv", json!({"a": 1}))
                .unwrap_err()
                .contains("only an array")
        );
        assert!(
            run("@tsv", json!([[1]]))
                .unwrap_err()
                .contains("not valid in a tsv row")
        );
    }

    #[test]
    fn parse_errors_say_what_and_where() {
        let e = run(".name |", json!({})).unwrap_err();
        assert!(
            e.contains(
                "does not parse: expected term at column 8 (found the end of the expression)"
            ),
            "{e}"
        );
        let e = run("{id, name", json!({})).unwrap_err();
        assert!(
            e.contains("expected `}` to close the `{` at column 1"),
            "{e}"
        );
        let e = run(".name | \"abc", json!({})).unwrap_err();
        assert!(
            e.contains("expected `\"` to close the `\"` at column 9"),
            "{e}"
        );
        let e = run("select(.a ==)\n| .b", json!({})).unwrap_err();
        assert!(e.contains("line 1, column 13"), "{e}");
        let e = run("\"é\" | .x & 1", json!({})).unwrap_err();
        assert!(e.contains("column 10 (found `&`)"), "{e}");
    }

    /// A character a terminal would act on is named written out: `.\e(`
    /// said "(found `)", the escape and the backquote after it taken out
    /// on the way to the terminal.
    #[test]
    fn a_parse_error_names_an_escape_written_out() {
        let e = run(".\u{1b}[31m(", json!({})).unwrap_err();
        assert!(e.contains(r"column 2 (found `\u{1b}`)"), "{e}");
    }

    /// gh's `--jq` has jq's regular expressions, dates, maths and
    /// formats; so does this one (only the environment, inputs and stderr
    /// stay out).
    #[test]
    fn regex_date_math_and_format_functions_are_there() {
        let input = json!({"name": "Acme Corp", "since": "2026-11-01T09:30:00Z"});
        for (expr, expected) in [
            (".name | test(\"acme\"; \"i\")", "true\n"),
            (".name | test(\"^corp\")", "false\n"),
            (
                ".name | sub(\"(?<w>[A-Z])\"; \"<\\(.w)>\")",
                "<A>cme Corp\n",
            ),
            (".name | gsub(\" \"; \"_\")", "Acme_Corp\n"),
            (".name | [match(\"[A-Z]\"; \"g\").offset]", "[0,5]\n"),
            (".name | capture(\"(?<first>\\\\w+)\").first", "Acme\n"),
            (".name | [splits(\" +\")]", "[\"Acme\",\"Corp\"]\n"),
            (".since | fromdate", "1793525400\n"),
            ("1793525400 | todate", "2026-11-01T09:30:00Z\n"),
            (".since | fromdate | strftime(\"%Y-%m\")", "2026-11\n"),
            ("16 | sqrt", "4\n"),
            ("2 | pow(.; 10)", "1024\n"),
            (".name | @base64", "QWNtZSBDb3Jw\n"),
            (".name | @base64 | @base64d", "Acme Corp\n"),
            (".name | @uri", "Acme%20Corp\n"),
            ("\"<a>\" | @html", "&lt;a&gt;\n"),
            ("now | type", "number\n"),
            ("\"/w==\" | @base64d", "\u{fffd}\n"),
            ("[\"/w==\" | @base64d]", "[\"\u{fffd}\"]\n"),
            ("{(\"/w==\" | @base64d): 1}", "{\"\u{fffd}\":1}\n"),
            // Byte strings are strings: jaq writes `b"…"`, which is no JSON.
            (".name | tobytes", "Acme Corp\n"),
            ("[.name | tobytes]", "[\"Acme Corp\"]\n"),
            (
                "{(.name | tobytes): (.name | tobytes)}",
                "{\"Acme Corp\":\"Acme Corp\"}\n",
            ),
        ] {
            assert_eq!(run(expr, input.clone()).unwrap(), expected, "{expr}");
        }
        for expr in ["debug", "stderr", "input", "inputs", "halt_error", "env"] {
            let e = run(expr, input.clone()).unwrap_err();
            assert!(e.contains("unknown function"), "{expr}: {e}");
        }
    }

    #[test]
    fn unknown_names_are_errors_with_a_hint() {
        let e = run(".[] | slect(.a)", json!({})).unwrap_err();
        assert!(
            e.contains("unknown function `slect/1` at column 7; check the spelling"),
            "{e}"
        );
        let e = run("env.TALKDESK_CLIENT_SECRET", json!({})).unwrap_err();
        assert!(e.contains("unknown function `env/0`"), "{e}");
        assert!(e.contains("no environment"), "{e}");
        let e = run("$ENV", json!({})).unwrap_err();
        assert!(e.contains("unknown variable `$ENV`"), "{e}");
        let e = run("import \"x\" as x; .", json!({})).unwrap_err();
        assert!(e.contains("reads no modules"), "{e}");
    }

    /// `IN` was "check the spelling", as if it were a typo.
    #[test]
    fn a_jq_function_jaq_lacks_is_named_as_such() {
        for expr in [
            "select(.status | IN(\"ACTIVE\"))",
            "tostream",
            "@base32",
            "leaf_paths",
        ] {
            let e = run(expr, json!({})).unwrap_err();
            assert!(
                e.contains("; jq has it but --jq does not (see docs/jq.md)"),
                "{e}"
            );
        }
        let e = run("slect(.a)", json!({})).unwrap_err();
        assert!(e.contains("check the spelling"), "{e}");
    }

    #[test]
    fn run_time_errors_carry_jaqs_message() {
        let e = run(".name + 1", json!({"name": "acme"})).unwrap_err();
        assert_eq!(e, "cannot calculate \"acme\" + 1");
        assert_eq!(run("error(\"no id\")", json!({})).unwrap_err(), "no id");
        assert!(run("halt", json!({})).unwrap_err().contains("halt"));
    }

    /// jaq keys objects by any value; written, `{null:24}` was no JSON
    /// (exit 0). The counting idiom over accounts without a status.
    #[test]
    fn an_object_key_that_is_not_a_string_is_an_error_not_bad_json() {
        let count = "reduce .[] as $a ({}; .[$a.s] += 1)";
        let err = run(count, json!([{"s": "a"}, {}])).unwrap_err();
        assert!(
            err.contains("an object key must be a string, not null (from an account without the field, say: use (.status // \"none\"))"),
            "{err}"
        );
        let err = run("[{key: 1, value: 2}] | from_entries", json!(null)).unwrap_err();
        assert!(err.contains("not 1 (use tostring on it)"), "{err}");
        // Inside an array too.
        let err = run(&format!("[{count}]"), json!([{}])).unwrap_err();
        assert!(err.contains("must be a string, not null"), "{err}");
        assert_eq!(
            run(count, json!([{"s": "a"}, {"s": "a"}])),
            Ok("{\"a\":2}\n".into())
        );
    }

    /// `join` wrote a null as `null`; jq writes nothing for it.
    #[test]
    fn join_writes_a_null_as_nothing_as_jq_does() {
        let joined = run(
            r#"[.id, .company, .status, 5, true] | join(",")"#,
            json!({"id": "a"}),
        );
        assert_eq!(joined, Ok("a,,,5,true\n".into()));
        assert_eq!(run(r#"[] | join("-")"#, json!(null)), Ok("\n".into()));
        assert_eq!(run(r#"["x"] | join("-")"#, json!(null)), Ok("x\n".into()));
    }

    #[test]
    fn results_before_an_error_are_written() {
        let filter = JqFilter::compile(".[] | 10 / .", &Arc::default()).unwrap();
        let mut out = Vec::new();
        let e = filter.apply(to_jaq(&json!([2, 5, "x"])), String::new, &mut out);
        assert!(e.unwrap_err().is::<JqFailed>());
        assert_eq!(String::from_utf8(out).unwrap(), "5\n2\n");
    }

    #[test]
    fn jqs_everyday_functions_are_there() {
        let input = json!({"name": "Acme-Corp", "n": "42", "tags": ["b", "a", "b"]});
        for (expr, expected) in [
            (".tags | unique | join(\",\")", "a,b\n"),
            (".tags | sort_by(.) | first", "a\n"),
            (".name | ascii_downcase | ltrimstr(\"acme-\")", "corp\n"),
            (".name | split(\"-\") | length", "2\n"),
            (".n | tonumber + 1", "43\n"),
            ("to_entries | map(.key) | @sh", "'name' 'n' 'tags'\n"),
            ("[limit(2; .tags[])] | @text", "[\"b\",\"a\"]\n"),
            ("reduce .tags[] as $t (0; . + 1)", "3\n"),
            ("[foreach .tags[] as $t (0; . + 1)]", "[1,2,3]\n"),
            (
                "with_entries(select(.key == \"n\")) | tojson",
                "{\"n\":\"42\"}\n",
            ),
            (
                ".name | contains(\"Corp\") and startswith(\"Ac\")",
                "true\n",
            ),
            ("10 / 4 * 2", "5\n"),
        ] {
            assert_eq!(run(expr, input.clone()).unwrap(), expected, "{expr}");
        }
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(1000);
        let e = run(". + 1", json!({ "k": long })).unwrap_err();
        assert!(e.chars().count() <= MESSAGE_CHARS + 40, "{e}");
        assert!(e.contains('…'));
    }

    /// A result nested deep, in arrays and in objects, is dropped with a
    /// stack of its own: on a thread of 8 MiB of stack (the tool's has
    /// 256 MiB, which a debug build needs to drop a million levels the
    /// usual way), 200,000 levels of each.
    #[test]
    fn a_deep_result_is_dropped_without_the_call_stack() {
        let deep = "[reduce range(200000) as $i (0; [.]), reduce range(200000) as $i (0; {a: .})]";
        let run = move || {
            let filter = JqFilter::compile(deep, &Arc::default()).unwrap();
            let mut out = Vec::new();
            filter.apply(Val::Null, || "it".into(), &mut out).unwrap();
            out.len()
        };
        let thread = std::thread::Builder::new().stack_size(8 << 20);
        let written = thread.spawn(run).unwrap().join().unwrap();
        assert_eq!(written, 8 * 200_000 + 6);
    }

    /// A long error (past the two windows) is cut in its middle: its start
    /// and its end, where jaq says what was wrong, are both kept.
    #[test]
    fn a_long_error_keeps_its_start_and_its_end() {
        let filter = JqFilter::compile("error", &Arc::default()).unwrap();
        let text = format!("START{}END", "x".repeat(40_000));
        let e = filter.apply(Val::from(text), || "it".into(), &mut Vec::new());
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("--jq failed on it: STARTxx") && e.ends_with("xxEND; fix the expression"),
            "{e}"
        );
    }

    /// A long error is redacted in two windows: where one cuts a secret,
    /// none of it is left, even when all else redacts to a word.
    #[test]
    fn a_long_error_cut_at_a_window_leaves_no_part_of_a_secret() {
        let secret = "SK-9f7Q2wX4mN8pL"; // no character of `<redacted>…` or `y`
        let secrets = Arc::new(Redactor::default());
        secrets.add(secret);
        let filter = JqFilter::compile("error", &secrets).unwrap();
        for shift in 0..secret.len() {
            let text = "y".repeat(shift) + &secret.repeat(2600);
            let e = filter.apply(Val::from(text), || "it".into(), &mut Vec::new());
            let e = e.unwrap_err().to_string();
            let quoted = e.strip_prefix("--jq failed on it: ").unwrap();
            let quoted = quoted.strip_suffix("; fix the expression").unwrap();
            assert!(!quoted.contains(|c| secret.contains(c)), "{shift}: {e}");
        }
    }

    #[test]
    fn a_lone_field_is_read_from_the_text_as_jaq_would_print_it() {
        assert_eq!(lone_field(" .company_name "), Some("company_name".into()));
        for not_lone in [
            ".a.b", ".a | .b", "._x[]", ".", ".1a", ".[\"a\"]", "a", ".a?",
        ] {
            assert_eq!(lone_field(not_lone), None, "{not_lone}");
        }
        let texts = [
            r#"{"id":"1","x":"plain"}"#,
            r#"{"id":"1","x":"tab\there \"quoted\" \u00e9 \ud83d\ude00 \u0000 end"}"#,
            r#"{"id":"1","x":"東京"}"#,
            r#"{"id":"1","x":null}"#,
            r#"{"id":"1"}"#,
            r#"{"id":"1","x":true}"#,
            r#"{"id":"1","x":false}"#,
            r#"{"id":"1","x":12345678901234567890123}"#,
            r#"{"id":"1","x":1.50}"#,
            r#"{"id":"1","x":[1,"a"]}"#,
            r#"{"id":"1","x":{"k":"v"}}"#,
            r#"{"id":"1","x":"first","x":"last"}"#,
        ];
        let filter = JqFilter::compile(".x", &Arc::default()).unwrap();
        let mut read = 0;
        for text in texts {
            let account: Account = serde_json::from_str(text).unwrap();
            let mut quick = Vec::new();
            let mut sink = JqSink::new(
                JqFilter::compile(".x", &Arc::default()).unwrap(),
                RowsJq::PerRow,
            );
            sink.write_batch(&mut quick, std::slice::from_ref(&account))
                .unwrap();
            let mut full = Vec::new();
            let value = jaq_json::read::parse_single(text.as_bytes()).unwrap();
            filter.apply(value, String::new, &mut full).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&quick),
                String::from_utf8_lossy(&full),
                "{text}"
            );
            let mut probe = Vec::new();
            if write_lone_field(&mut probe, &account, "x").unwrap() {
                read += 1;
            }
        }
        assert_eq!(
            read, 8,
            "the strings, nulls and booleans are read from the text"
        );
    }
}
