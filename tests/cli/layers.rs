//! The layers of `src/` point one way (issue 12): a module imports only
//! modules further down the pipeline
//! `cli → config → auth/api → accounts → history/output`, or the shared
//! parts every stage may use (`account`, `error`, `http`, `text`, `log`,
//! `atomic_file`, `interrupt`); `lib` and `commands` are the glue on top.
//! No two top-level modules import each other. Checked on the source text
//! (`crate::…` paths outside `#[cfg(test)]` code), so `cargo test --test cli
//! layers` is the command that checks it.

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
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    pairs.insert((module.clone(), name));
                }
            }
        }
    }
    pairs
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
