//! The house plan of `src/`, checked: each folder depends only on the folders its `mod.rs`
//! allows, no two modules depend on each other round a cycle, and no module's code (its
//! tests aside) grows past the size a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// What each top-level module may use, as its `mod.rs` says. `error` and `exit` are open to all.
const ALLOWED: &[(&str, &[&str])] = &[
    ("platform", &[]),
    ("text", &[]),
    ("project", &[]),
    ("target", &["text"]),
    ("zig", &["target", "text", "platform"]),
    ("call", &["target", "zig", "project", "text", "platform"]),
    ("backend", &["target", "project", "text"]),
    (
        "cargo_setup",
        &["call", "project", "target", "zig", "text", "platform"],
    ),
    (
        "commands",
        &[
            "backend",
            "call",
            "cargo_setup",
            "project",
            "target",
            "zig",
            "text",
            "platform",
        ],
    ),
    ("error", &[]),
    ("exit", &[]),
];

/// Lines of code (not blank, not comments, before the tests) a module may have.
const MAX_CODE_LINES: usize = 400;

/// Every module of the library: its path (`call::exec::signals`) and its code, tests cut off.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut out = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts[0] == "bin" || parts == ["main"] {
            continue;
        }
        if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
            parts.pop();
        }
        let text = fs::read_to_string(&file).unwrap();
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => text[..at].to_string(),
            None => text,
        };
        out.insert(parts.join("::"), code);
    }
    out
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The paths `code` names through `crate::` (with one level of `{...}` opened) and `super::`,
/// as full paths from the crate root.
fn named_paths(module: &str, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':').to_string();
        let after = &rest[path.len()..];
        if let Some(group) = after.strip_prefix("::{") {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let item = item.trim().split("::").next().unwrap_or("").trim();
                if !item.is_empty() && item != "self" {
                    out.push(format!("{path}::{item}"));
                }
            }
        }
        out.push(path);
    }
    // `super` is the module one up, whether the module is a file or a folder's `mod.rs`.
    let mut parent: Vec<&str> = module.split("::").collect();
    parent.pop();
    for piece in code.split("super::").skip(1) {
        let name: String = piece
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut full = parent.clone();
        full.push(&name);
        out.push(full.join("::"));
    }
    out
}

/// The module `path` lies in: its longest prefix that is a module.
fn owner<'a>(path: &str, names: &'a BTreeSet<String>) -> Option<&'a String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .find_map(|n| names.get(&parts[..n].join("::")))
}

/// Edges between modules, leaving out a module's references to its own folder's parents and
/// children, which Rust's module tree joins anyway.
fn graph(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let related = |a: &str, b: &str| {
        a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
    };
    modules
        .iter()
        .map(|(module, code)| {
            let deps = named_paths(module, code)
                .iter()
                .filter_map(|p| owner(p, &names))
                .filter(|dep| !related(module, dep))
                .cloned()
                .collect();
            (module.clone(), deps)
        })
        .collect()
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn folders_depend_only_on_what_their_mod_rs_allows() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, deps) in graph(&modules()) {
        let Some(may) = allowed.get(top(&module)) else {
            continue; // the crate root and `fuzzing` wire everything together
        };
        for dep in deps {
            let to = top(&dep);
            if to != top(&module) && !may.contains(&to) && to != "error" && to != "exit" {
                wrong.push(format!("{module} -> {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies across the plan:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = graph(&modules());
    let mut cycles = Vec::new();
    for start in graph.keys() {
        // Depth-first from `start`: a path back to it is a cycle.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in &graph[&at] {
                if next == start {
                    cycles.push(path.join(" -> ") + " -> " + start);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn no_module_is_too_long_to_read() {
    let long: Vec<String> = modules()
        .iter()
        .map(|(module, code)| {
            let lines = code
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .count();
            (module, lines)
        })
        .filter(|(_, lines)| *lines > MAX_CODE_LINES)
        .map(|(module, lines)| format!("{module}: {lines} lines of code"))
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

/// The checks above read real source; make sure they would see a wrong edge.
#[test]
fn the_reader_sees_paths_in_groups_and_through_super() {
    let code = "use crate::zig::{cache, find::Zig};\nuse super::digest::Input;\n";
    let paths = named_paths("zig::cache::scan", code);
    for expected in ["zig::cache", "zig::find", "zig::cache::digest"] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} in {paths:?}"
        );
    }
}
