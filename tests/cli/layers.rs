//! The layers of `src/` point one way (issue 12): a module imports only
//! modules further down the pipeline
//! `cli → config → auth/api → accounts → history/output`, or the shared
//! parts every stage may use (`account`, `error`, `http`, `text`, `log`,
//! `atomic_file`, `interrupt`); `lib` and `commands` are the glue on top.
//! No two top-level modules import each other. Checked on the source text
//! (`crate::…` paths and `crate::{…}` groups outside the `tests` module),
//! so `cargo test --test cli layers` is the command that checks it.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// A module's place in the pipeline: it may import modules of a higher
/// rank, never of a lower one. `None`: a shared part, importable by all.
fn rank(module: &str) -> Option<u8> {
    match module {
        "lib" | "main" => Some(0),
        "commands" => Some(1),
        "cli" => Some(2),
        "config" => Some(3),
        "auth" | "api" => Some(4),
        "accounts" => Some(5),
        "history" | "output" => Some(6),
        _ => None,
    }
}

/// Every `(importer, imported)` pair of top-level modules in `src/`.
fn imports() -> BTreeSet<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut pairs = BTreeSet::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let first = relative.components().next().expect("a component");
            let module = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            let text = fs::read_to_string(&path).expect("read a source file");
            // The unit tests' module, at the end of a file, is not the layers'.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            for name in imported(code) {
                if name != module {
                    pairs.insert((module.clone(), name));
                }
            }
        }
    }
    pairs
}

/// The top-level modules `code` names with `crate::name…` or in a group,
/// `crate::{a::X, b, c::{d, e}}`.
fn imported(code: &str) -> BTreeSet<String> {
    let leading = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.insert(leading(rest));
            continue;
        };
        // Each item of the group at its top level, up to its closing brace.
        let (mut depth, mut start) = (0, 0);
        for (j, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.insert(leading(&group[start..j]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.insert(leading(&group[start..j]));
                    start = j + 1;
                }
                _ => {}
            }
        }
    }
    names.remove("");
    names
}

#[test]
fn the_scan_reads_paths_and_groups() {
    let code = "use crate::{cli::Args, output::{a, b},\n    log};\nlet x = crate::config::y;";
    let names: Vec<String> = imported(code).into_iter().collect();
    assert_eq!(names, ["cli", "config", "log", "output"]);
}

#[test]
fn no_module_imports_one_above_it_in_the_pipeline() {
    let upward: Vec<_> = imports()
        .into_iter()
        .filter(|(from, to)| matches!((rank(from), rank(to)), (Some(a), Some(b)) if b < a))
        .collect();
    assert!(
        upward.is_empty(),
        "imports against the pipeline: {upward:?}"
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let pairs = imports();
    let mutual: Vec<_> = pairs
        .iter()
        .filter(|(a, b)| a < b && pairs.contains(&(b.clone(), a.clone())))
        .collect();
    assert!(
        mutual.is_empty(),
        "modules importing each other: {mutual:?}"
    );
}

#[test]
fn the_check_sees_the_imports_it_is_about() {
    // Guards the check itself: commands reach every stage.
    let pairs = imports();
    for stage in [
        "cli", "config", "auth", "api", "accounts", "output", "history",
    ] {
        assert!(
            pairs.contains(&("commands".to_string(), stage.to_string())),
            "commands -> {stage} not seen: the scan is broken"
        );
    }
}
