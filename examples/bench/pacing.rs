//! The benchmark of issue 11: walks against a fake that enforces a rate
//! limit as a token bucket, and a walk of a million accounts.
//!
//! - D: 40 pages of 100 accounts behind a bucket of 2 requests a second with
//!   a burst of 2, in four variants: 429 with `Retry-After: 1`; 429 without
//!   `Retry-After`; strict (`Retry-After: 2`, and a refused request costs a
//!   token too); and `RateLimit-*` headers on every answer (plus an
//!   `X-RateLimit-*` variant; `Retry-After: 0` from a limiter that rounds
//!   down; nginx's `limit_req` as configured by default;
//!   haproxy's own sliding-window example). Each at the default settings and with
//!   `--concurrency 1`, `runs` times, all side by side (each walk has its
//!   own fake and bucket; the runs mostly wait). Counted: runs that fail, wall
//!   time against (pages − burst) ÷ rate, 429 answers per walk.
//! - E: 1,000,000 accounts at 100 a page (10,000 pages, rendered once and
//!   served from memory), no latency: jsonl, csv and table under
//!   `/usr/bin/time -v` (peak RSS, user+sys CPU).

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fake_api::{Bucket, FakeApi, FakeConfig, RateHeaderStyle, sample_accounts};
use super::{Bench, Meter, Run, Summary, mib, ms, secs, summarize, thousands};

/// Pages of the bucket walks, and accounts a page.
const PAGES: u64 = 40;
const PER_PAGE: u64 = 100;
/// The bucket: requests a second, and the burst.
const RATE: f64 = 2.0;
const BURST: f64 = 2.0;

/// One bucket variant.
struct Variant {
    name: &'static str,
    bucket: Bucket,
    /// The target for 429 answers per walk.
    max_refused: usize,
    /// The target for wall time ÷ bound (`None`: none, the figure is reported).
    max_ratio: Option<f64>,
}

fn variants() -> Vec<Variant> {
    let base = Bucket::new(RATE, BURST);
    vec![
        Variant {
            name: "429 with `Retry-After: 1`",
            bucket: base.clone(),
            max_refused: 3,
            max_ratio: Some(1.10),
        },
        Variant {
            name: "429 without `Retry-After`",
            bucket: Bucket {
                retry_after: None,
                ..base.clone()
            },
            max_refused: 6,
            max_ratio: Some(1.10),
        },
        Variant {
            name: "strict: `Retry-After: 2`, a 429 costs a token",
            bucket: Bucket {
                retry_after: Some("2".into()),
                refused_costs: true,
                ..base.clone()
            },
            max_refused: 3,
            max_ratio: Some(1.10),
        },
        Variant {
            name: "`RateLimit-*` headers on every answer",
            bucket: Bucket {
                headers: RateHeaderStyle::Ietf,
                ..base.clone()
            },
            max_refused: 1,
            max_ratio: Some(1.10),
        },
        Variant {
            name: "`X-RateLimit-*` headers on every answer",
            bucket: Bucket {
                headers: RateHeaderStyle::X,
                ..base.clone()
            },
            max_refused: 1,
            max_ratio: Some(1.10),
        },
        // Not one of the issue's: a limiter that rounds its wait down
        // (Flask-Limiter's `int(reset - now)`) and so says `Retry-After: 0`
        // while it still refuses.
        Variant {
            name: "429 with `Retry-After: 0` (rounded down)",
            bucket: Bucket {
                retry_after: Some("0".into()),
                ..base.clone()
            },
            max_refused: 6,
            max_ratio: Some(1.10),
        },
        // Not one of the issue's: nginx's `limit_req` as configured by
        // default (no `burst`, refused with 503, no Retry-After), which is
        // a bucket that holds one token.
        Variant {
            name: "nginx `limit_req`: 503, no burst (holds 1), no `Retry-After`",
            bucket: Bucket {
                burst: 1.0,
                status: 503,
                retry_after: None,
                ..base
            },
            max_refused: 3,
            max_ratio: Some(1.10),
        },
        // Not one of the either: haproxy's own rate-limit example
        // (`http_req_rate(10s)`, more than 10 refused), which counts the
        // refused requests too, with a `Retry-After: 1` that is too short
        // for its window.
        Variant {
            name: "haproxy sliding window: 10 per 10 s, refusals counted, `Retry-After: 1`",
            bucket: Bucket {
                rate: 1.0,
                burst: 10.0,
                refused_costs: true,
                window: Some(Duration::from_secs(10)),
                ..Bucket::new(1.0, 10.0)
            },
            max_refused: 10,
            max_ratio: None,
        },
    ]
}

/// One walk against a bucket: did it succeed, how long, how many 429s.
#[derive(Debug, Clone, Copy)]
struct BucketRun {
    ok: bool,
    wall: Duration,
    refused: usize,
}

/// The runs of one variant in one configuration.
#[derive(Debug, Default)]
struct BucketRuns {
    runs: Vec<BucketRun>,
}

impl BucketRuns {
    fn failed(&self) -> usize {
        self.runs.iter().filter(|r| !r.ok).count()
    }

    fn median_wall(&self) -> Duration {
        let mut walls: Vec<Duration> = self.runs.iter().filter(|r| r.ok).map(|r| r.wall).collect();
        walls.sort();
        walls.get(walls.len() / 2).copied().unwrap_or_default()
    }

    fn median_refused(&self) -> usize {
        let mut refused: Vec<usize> = self.runs.iter().map(|r| r.refused).collect();
        refused.sort();
        refused.get(refused.len() / 2).copied().unwrap_or_default()
    }

    fn max_refused(&self) -> usize {
        self.runs.iter().map(|r| r.refused).max().unwrap_or(0)
    }
}

/// The variant whose name starts with `prefix`.
fn variant_named(prefix: &str) -> Variant {
    let found = variants().into_iter().find(|v| v.name.starts_with(prefix));
    found.expect("a variant of that name")
}

/// The bound of a bucket walk: (pages − burst) ÷ rate.
fn bound_of(bucket: &Bucket) -> Duration {
    Duration::from_secs_f64((PAGES as f64 - bucket.burst) / bucket.rate)
}

/// Runs the tool once against `fake`, failures allowed; the output is
/// checked when it succeeded.
fn bucket_walk(
    bench: &Bench,
    fake: &FakeApi,
    args: &[&str],
    out: &str,
) -> Result<BucketRun, String> {
    let out_path = bench.dir.path().join(out);
    let err_path = bench.dir.path().join(format!("{out}.err"));
    let mut cmd = Command::new(&bench.bin);
    cmd.args(args);
    bench.env(&mut cmd, fake);
    cmd.stdout(File::create(&out_path).map_err(|e| e.to_string())?)
        .stderr(File::create(&err_path).map_err(|e| e.to_string())?)
        .stdin(Stdio::null());
    let before = fake.rate_limited();
    let started = Instant::now();
    let status = cmd.status().map_err(|e| e.to_string())?;
    let wall = started.elapsed();
    let refused = fake.rate_limited() - before;
    let ok = status.success();
    if ok {
        let lines = BufReader::new(File::open(&out_path).map_err(|e| e.to_string())?)
            .lines()
            .count();
        let expected = (PAGES * PER_PAGE) as usize;
        if lines != expected {
            return Err(format!(
                "{out}: {lines} accounts written, {expected} expected"
            ));
        }
    }
    Ok(BucketRun { ok, wall, refused })
}

/// Scenario D: every variant, the default settings and `--concurrency 1`,
/// `runs` times each; the variants run side by side.
pub fn bucket_scenarios(bench: &Bench, runs: usize) -> Result<String, String> {
    let accounts = sample_accounts((PAGES * PER_PAGE) as usize);
    let per_page = PER_PAGE.to_string();
    println!(
        "scenario D: {PAGES} pages behind a bucket of {RATE} requests/s, burst {BURST}, {} variants x {runs} runs",
        variants().len()
    );
    let results: Vec<Result<(BucketRuns, BucketRuns), String>> = std::thread::scope(|scope| {
        let walk_runs = |k: usize, bucket: Bucket, sequential: bool| {
            let accounts = accounts.clone();
            let per_page = per_page.clone();
            scope.spawn(move || -> Result<BucketRuns, String> {
                let fake = FakeApi::start(FakeConfig {
                    accounts,
                    cache_pages: true,
                    ..FakeConfig::default()
                });
                let mut args = vec!["list", "-q", "-o", "jsonl", "--per-page", per_page.as_str()];
                if sequential {
                    args.extend(["--concurrency", "1"]);
                }
                let out = format!("d{k}{}", if sequential { "s" } else { "d" });
                // Warm the token cache and the pages, without the bucket.
                bucket_walk(bench, &fake, &args, &out)?;
                fake.update(|c| c.bucket = Some(bucket));
                let mut runs_done = BucketRuns::default();
                for i in 0..runs {
                    // A full bucket for each run, as after a quiet night.
                    std::thread::sleep(Duration::from_secs_f64(BURST / RATE + 0.5));
                    runs_done.runs.push(bucket_walk(bench, &fake, &args, &out)?);
                    println!(
                        "  D{k}{} run {}/{runs} done",
                        if sequential { " -c 1" } else { "" },
                        i + 1
                    );
                }
                Ok(runs_done)
            })
        };
        let handles: Vec<_> = variants()
            .into_iter()
            .enumerate()
            .map(|(k, v)| {
                (
                    walk_runs(k, v.bucket.clone(), false),
                    walk_runs(k, v.bucket, true),
                )
            })
            .collect();
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<BucketRuns, String>>| {
            h.join()
                .unwrap_or_else(|_| Err("a bucket thread panicked".into()))
        };
        handles
            .into_iter()
            .map(|(d, s)| Ok((join(d)?, join(s)?)))
            .collect()
    });
    let mut w = String::new();
    let bound = bound_of(&Bucket::new(RATE, BURST));
    let _ = writeln!(
        w,
        "### D: {PAGES} pages of {PER_PAGE} behind a token bucket of {RATE} requests/s, burst {BURST}, `-o jsonl`\n"
    );
    let _ = writeln!(
        w,
        "The fake answers every accounts request from a token bucket (`Bucket` in tests/support/fake_api.rs): \
         {RATE} tokens a second, at most {BURST} held, full at the start of each run (the bench waits for it to \
         refill between runs); a request that finds no token is answered 429 instead of its page. Each walk \
         (variant × default or `--concurrency 1`) has its own fake and bucket, and all of them run side by side: \
         the runs mostly wait. The tool runs with `-q -o jsonl --per-page {PER_PAGE}` and a warm token cache; \
         a run fails when the tool exits non-zero, and the output of every run that succeeds is checked (every \
         account, once). 429s per walk: the answers the bucket refused during the run.\n\n\
         Bound: (pages − burst) ÷ rate = {} (the nginx variant holds one token: {}; the haproxy variant is a \
         sliding window that lets 10 through in any 10 s, counting the refused ones too: {}). {runs} runs of \
         each walk; wall time is the median of the runs that succeeded.\n",
        ms(bound),
        ms(bound_of(&variant_named("nginx").bucket)),
        ms(bound_of(&variant_named("haproxy").bucket)),
    );
    let _ = writeln!(
        w,
        "| variant | walk | runs failed | median wall | ÷ bound | 429s per walk (median, max) |"
    );
    let _ = writeln!(w, "|---|---|---|---|---|---|");
    let mut targets = String::new();
    for (v, result) in variants().iter().zip(results) {
        let (d, s) = result?;
        let bound = bound_of(&v.bucket);
        for (walk, r) in [("default", &d), ("`--concurrency 1`", &s)] {
            let _ = writeln!(
                w,
                "| {} | {walk} | {} of {} | {} | {:.2} | {}, {} |",
                v.name,
                r.failed(),
                r.runs.len(),
                ms(r.median_wall()),
                r.median_wall().as_secs_f64() / bound.as_secs_f64(),
                r.median_refused(),
                r.max_refused()
            );
        }
        let worst_ratio = d.median_wall().max(s.median_wall()).as_secs_f64() / bound.as_secs_f64();
        let failed = d.failed() + s.failed();
        let refused = d.median_refused();
        let verdict = |ok: bool| if ok { "pass" } else { "FAIL" };
        let _ = writeln!(
            targets,
            "| {}: runs that fail (default, `-c 1`) | 0 | {} of {}, {} of {} | {} |",
            v.name,
            d.failed(),
            d.runs.len(),
            s.failed(),
            s.runs.len(),
            verdict(failed == 0)
        );
        let (target, judged) = match v.max_ratio {
            // A walk with no run that succeeded has no wall time to judge.
            Some(max) => {
                let measured = [&d, &s].iter().all(|w| w.runs.iter().any(|r| r.ok));
                (
                    format!("≤ {max:.2}"),
                    verdict(measured && worst_ratio <= max),
                )
            }
            None => ("none".to_string(), "reported"),
        };
        let _ = writeln!(
            targets,
            "| {}: wall ÷ bound (worst of the two walks) | {target} | {worst_ratio:.2} | {judged} |",
            v.name,
        );
        let _ = writeln!(
            targets,
            "| {}: 429s per walk, default settings (median) | ≤ {} | {refused} | {} |",
            v.name,
            v.max_refused,
            verdict(refused <= v.max_refused)
        );
    }
    let _ = writeln!(w, "\n#### Targets of scenario D\n");
    let _ = writeln!(w, "| figure | target | measured | |");
    let _ = writeln!(w, "|---|---|---|---|");
    w.push_str(&targets);
    Ok(w)
}

/// Scenario E: a million accounts, jsonl, csv and table.
pub fn scale_scenario(bench: &Bench, runs: usize) -> Result<String, String> {
    let n = 1_000_000usize;
    println!("scenario E: {n} accounts x 100 per page, rendering the pages");
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(n),
        cache_pages: true,
        ..FakeConfig::default()
    });
    // Renders every page once and warms the token cache.
    bench.tool(
        &fake,
        &["list", "-q", "-o", "jsonl", "--per-page", "100"],
        false,
    )?;
    let formats = ["jsonl", "csv", "table"];
    let mut results: Vec<Vec<Run>> = vec![Vec::new(); formats.len()];
    for i in 0..runs {
        for (k, format) in formats.iter().enumerate() {
            let args = ["list", "-q", "-o", format, "--per-page", "100"];
            results[k].push(bench.tool(&fake, &args, true)?);
            check_lines(bench, format, n)?;
        }
        println!("  C run {}/{runs} done", i + 1);
    }
    drop(fake);
    let summaries: Vec<Summary> = results.iter().map(|r| summarize(r)).collect();
    let mut w = String::new();
    let _ = writeln!(
        w,
        "### E: {} accounts, 100 per page (10,000 pages served from memory), no latency\n",
        thousands(n as u64)
    );
    let _ = writeln!(
        w,
        "The fake renders each page once (123 MB of JSON in all) and serves the same text afterwards, so \
         that its own CPU stays small beside the tool's; one untimed run renders them and warms the token \
         cache. The tool runs `list -q -o FORMAT --per-page 100` at the default concurrency, output to a \
         file, under `/usr/bin/time -v`; every run's output is checked (a million rows). The issue's figures \
         before this change, on the same kind of machine: jsonl 3.3 s CPU and 61 MiB, table 6.7 s and \
         1,699 MiB.\n"
    );
    let _ = writeln!(
        w,
        "| walk | median wall | peak RSS | CPU (user+sys) | runs (ms) |"
    );
    let _ = writeln!(w, "|---|---|---|---|---|");
    for (format, s) in formats.iter().zip(&summaries) {
        let _ = writeln!(
            w,
            "| `-o {format}` (default concurrency) | {} | {} | {} | {} |",
            ms(s.wall),
            mib(s.rss_kib),
            secs(s.cpu),
            super::walls(s)
        );
    }
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => "pass",
        Some(false) => "FAIL",
        None => "–",
    };
    let (jsonl, table) = (&summaries[0], &summaries[2]);
    let _ = writeln!(w, "\n#### Targets of scenario E\n");
    let _ = writeln!(w, "| figure | target | measured | |");
    let _ = writeln!(w, "|---|---|---|---|");
    let _ = writeln!(
        w,
        "| 1M accounts jsonl: CPU (user+sys) | ≤ 1.5 s | {} | {} |",
        secs(jsonl.cpu),
        verdict(jsonl.cpu.map(|c| c <= Duration::from_millis(1500)))
    );
    let _ = writeln!(
        w,
        "| 1M accounts jsonl: peak RSS | ≤ 32 MiB | {} | {} |",
        mib(jsonl.rss_kib),
        verdict(jsonl.rss_kib.map(|k| k <= 32 * 1024))
    );
    let _ = writeln!(
        w,
        "| 1M accounts table: peak RSS / CPU | ≤ 400 MiB / ≤ 4 s | {} / {} | {} |",
        mib(table.rss_kib),
        secs(table.cpu),
        verdict(
            table
                .rss_kib
                .zip(table.cpu)
                .map(|(k, c)| k <= 400 * 1024 && c <= Duration::from_secs(4))
        )
    );
    Ok(w)
}

/// Checks the last run's output: `n` accounts as jsonl lines, csv records
/// or table rows.
fn check_lines(bench: &Bench, format: &str, n: usize) -> Result<(), String> {
    let path = bench.out_path();
    let count = match format {
        "table" => {
            // Rows whose first cell (the id) is not blank, less the header:
            // a cell with a line break goes on over lines whose id is blank.
            let text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let first_cell = |l: &str| {
                l.strip_prefix('│')
                    .and_then(|rest| rest.split('┆').next())
                    .is_some_and(|cell| !cell.trim().is_empty())
            };
            text.lines()
                .filter(|l| first_cell(l))
                .count()
                .saturating_sub(1)
        }
        _ => return bench.check(format, n),
    };
    if count == n {
        Ok(())
    } else {
        Err(format!("{format}: {count} rows written, {n} expected"))
    }
}

/// `--compare A,B,…`: scenario E's jsonl walk (1,000,000 accounts, 100 a
/// page, from memory) with each binary in turn, `runs` times, interleaved
/// so that they share the machine's conditions; each binary has its own
/// warm token cache. Medians side by side.
pub fn compare_scenario(bins: &[PathBuf], runs: usize, meter: Meter) -> Result<String, String> {
    let n = 1_000_000usize;
    println!(
        "comparing {} binaries on {n} accounts x 100 per page, jsonl",
        bins.len()
    );
    let fake = FakeApi::start(FakeConfig {
        accounts: sample_accounts(n),
        cache_pages: true,
        ..FakeConfig::default()
    });
    let args = ["list", "-q", "-o", "jsonl", "--per-page", "100"];
    let mut benches = Vec::new();
    for bin in bins {
        let bench = Bench {
            bin: bin.clone(),
            dir: tempfile::tempdir().map_err(|e| e.to_string())?,
            meter,
        };
        bench.tool(&fake, &args, false)?;
        benches.push(bench);
    }
    let mut results: Vec<Vec<Run>> = vec![Vec::new(); benches.len()];
    for i in 0..runs {
        for (bench, runs) in benches.iter().zip(&mut results) {
            runs.push(bench.tool(&fake, &args, true)?);
            check_lines(bench, "jsonl", n)?;
        }
        println!("  run {}/{runs} done", i + 1);
    }
    let mut w = String::new();
    let _ = writeln!(
        w,
        "| binary | median CPU (user+sys) | fastest CPU | median wall | peak RSS |"
    );
    let _ = writeln!(w, "|---|---|---|---|---|");
    for (bin, runs) in bins.iter().zip(&results) {
        let s = summarize(runs);
        let fastest = runs.iter().filter_map(|r| r.cpu).min();
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            bin.display(),
            secs(s.cpu),
            secs(fastest),
            ms(s.wall),
            mib(s.rss_kib)
        );
    }
    Ok(w)
}
