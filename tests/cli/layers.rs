//! The layers of `src/` point one way (issue 12): a module imports only
//! modules further down the pipeline
//! `cli → config → auth/api → accounts → history/output`, or the shared
//! parts every stage may use (`account`, `error`, `http`, `text`, `log`,
//! `atomic_file`, `interrupt`); `lib` and `commands` are the glue on top.
//! No two top-level modules import each other. Checked on the source text
//! (`crate::…` paths and `crate::{…}` groups outside the `tests` module),
//! so `cargo test --test cli layers` is the command that checks it. The
//! same command checks that no function in `src/` is longer than 80 lines.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

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

/// Every Rust file of `src/`, with its path under `src/` and its text.
fn source_files() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("read a source file");
                let relative = path.strip_prefix(&src).expect("under src");
                files.push((relative.to_path_buf(), text));
            }
        }
    }
    files
}

/// Every `(importer, imported)` pair of top-level modules in `src/`.
fn imports() -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for (relative, text) in source_files() {
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        // The unit tests' module, at the end of a file, is not the layers'.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for name in imported(code) {
            if name != module {
                pairs.insert((module.clone(), name));
            }
        }
    }
    pairs
}

/// The functions of `code` longer than `max` lines, as `(lines, line of
/// the fn)`: from the line that declares one (`fn`, `pub fn`,
/// `pub(crate) const fn`…) to the first line after it that is the closing
/// brace at the declaration's indent, comments and blank lines included.
fn long_functions(code: &str, max: usize) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let mut words = body.split_whitespace().peekable();
        while words
            .next_if(|w| w.starts_with("pub") || ["const", "unsafe"].contains(w))
            .is_some()
        {}
        if words.next() != Some("fn") || body.ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        let end = (start + 1..lines.len()).find(|&i| lines[i].trim_end() == close);
        if let Some(end) = end.filter(|end| end - start + 1 > max) {
            long.push((end - start + 1, start + 1));
        }
    }
    long
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

/// The pairs of modules that import each other.
fn mutual(pairs: &BTreeSet<(String, String)>) -> Vec<&(String, String)> {
    (pairs.iter())
        .filter(|(a, b)| a < b && pairs.contains(&(b.clone(), a.clone())))
        .collect()
}

#[test]
fn no_two_modules_import_each_other() {
    let pairs = imports();
    let mutual = mutual(&pairs);
    assert!(
        mutual.is_empty(),
        "modules importing each other: {mutual:?}"
    );
}

/// Every `(importer, imported)` pair of modules in one folder of `src/`
/// (`http::client`, `http::errors`…): a `super::name` or
/// `crate::folder::name` path, alone or in a `{…}` group, outside comments
/// and the `tests` module.
fn sibling_imports() -> BTreeSet<(String, String)> {
    let files = source_files();
    let module_of = |relative: &Path| {
        let folder = relative.parent()?.to_str().filter(|f| !f.is_empty())?;
        let name = relative.file_stem()?.to_str().filter(|n| *n != "mod")?;
        Some((folder.replace('/', "::"), name.to_string()))
    };
    let modules: Vec<_> = files.iter().filter_map(|(r, _)| module_of(r)).collect();
    let mut pairs = BTreeSet::new();
    for (relative, text) in &files {
        let Some((folder, name)) = module_of(relative) else {
            continue;
        };
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let code: Vec<&str> = (code.lines())
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        let code = code.join("\n");
        let in_folder = format!("crate::{folder}::");
        let paths = paths_under(&code, "super::").chain(paths_under(&code, &in_folder));
        for first in paths {
            if first != name && modules.contains(&(folder.clone(), first.clone())) {
                pairs.insert((format!("{folder}::{name}"), format!("{folder}::{first}")));
            }
        }
    }
    pairs
}

/// The first names of the paths that follow `prefix` in `code`: `a` of
/// `prefix a::b`, and `a` and `c` of `prefix {a::b, c}`.
fn paths_under<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = String> + 'a {
    code.match_indices(prefix).flat_map(move |(at, _)| {
        let rest = &code[at + prefix.len()..];
        let leading = |text: &str| -> String {
            (text.trim_start().chars())
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group.split(',').map(leading).collect::<Vec<_>>()
            }
            None => vec![leading(rest)],
        }
    })
}

#[test]
fn no_two_modules_of_a_folder_import_each_other() {
    let pairs = sibling_imports();
    let mutual = mutual(&pairs);
    assert!(
        mutual.is_empty(),
        "modules importing each other: {mutual:?}"
    );
}

#[test]
fn the_folder_check_sees_the_imports_it_is_about() {
    // Guards the check itself: pairs known to be there are seen.
    let pairs = sibling_imports();
    for (from, to) in [
        ("http::errors", "http::client"),
        ("history::query", "history::record"),
        ("api::concurrent", "api::walk"),
    ] {
        assert!(
            pairs.contains(&(from.to_string(), to.to_string())),
            "{from} -> {to} not seen: the scan is broken"
        );
    }
    let code = "use super::{a::X, b};\nlet y = crate::http::c::d;";
    let names: Vec<String> = paths_under(code, "super::").collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        paths_under(code, "crate::http::").collect::<Vec<_>>(),
        ["c"]
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

#[test]
fn no_function_in_src_is_longer_than_80_lines() {
    let mut long = Vec::new();
    for (relative, text) in source_files() {
        for (lines, at) in long_functions(&text, 80) {
            long.push(format!("src/{}:{at} ({lines} lines)", relative.display()));
        }
    }
    assert!(long.is_empty(), "functions over 80 lines: {long:?}");
}

#[test]
fn the_length_check_counts_from_fn_to_its_closing_brace() {
    // Guards the check itself: a function of 81 lines is found (its
    // comments and blank lines count), one of 80 is not, nor a
    // declaration without a body.
    let function = |indent: &str, head: &str, lines: usize| {
        let mut text = format!("{indent}{head} {{\n");
        for i in 0..lines - 2 {
            text += &match i % 3 {
                0 => format!("{indent}    // a comment\n"),
                1 => "\n".to_string(),
                _ => format!("{indent}    let x = {{ 1 }};\n"),
            };
        }
        text + indent + "}\n"
    };
    let code = [
        function("", "fn short()", 80),
        function("    ", "pub(crate) const fn long(x: u8) -> u8", 81),
        "    fn declared(&self);\n".to_string(),
        function("", "pub unsafe fn longer()", 90),
    ]
    .concat();
    assert_eq!(long_functions(&code, 80), [(81, 81), (90, 163)]);
}
