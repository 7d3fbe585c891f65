//! Which files in zig's cache a zig call used, read from what it printed: with
//! `ZIG_VERBOSE_LINK` set, zig prints each command it runs to link (`ld.lld ...`, `lld-link ...`,
//! `zig ld ...`, and the `ar rcs ...` that packs a runtime it has just built), naming every crt
//! object, libc stub and runtime archive by its path in the cache; its errors name the file they
//! are about. Pure: text in, names out.

use std::path::Path;

/// The commands `ZIG_VERBOSE_LINK` makes zig print, one per line, before running them.
const VERBOSE_COMMANDS: [&str; 6] = [
    "ld.lld ",
    "lld-link ",
    "wasm-ld ",
    "zig ld ",
    "zig ar ",
    "ar rcs ",
];

/// Whether `line` is one of those commands rather than a message of zig's or the linker's.
pub fn is_verbose_line(line: &str) -> bool {
    VERBOSE_COMMANDS.iter().any(|c| line.starts_with(c))
}

/// `stderr` without the lines `ZIG_VERBOSE_LINK` added: what zig would have said without it.
pub fn without_verbose_lines(stderr: &[u8]) -> Vec<u8> {
    let mut kept = Vec::with_capacity(stderr.len());
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if !is_verbose_line(&String::from_utf8_lossy(line)) {
            kept.extend_from_slice(line);
        }
    }
    kept
}

/// A file in zig's cache: `o/<entry>/<file>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Named {
    /// The 32 hex digits naming the output folder.
    pub entry: String,
    pub file: String,
}

impl Named {
    pub fn path(&self, root: &Path) -> std::path::PathBuf {
        root.join("o").join(&self.entry).join(&self.file)
    }
}

/// How zig may spell the cache at `root` in what it prints: as given, as its canonical path,
/// and, when the cache is the working folder or below it, relative to that folder (`o/...`,
/// `.zig-cache/o/...`), which is how zig prints it then.
pub fn spellings(root: &Path, cwd: Option<&Path>) -> Vec<String> {
    let canonical = std::fs::canonicalize(root).ok();
    let mut spelled = vec![root.to_string_lossy().into_owned()];
    spelled.extend(canonical.iter().map(|c| c.to_string_lossy().into_owned()));
    let cwd = cwd.and_then(|cwd| std::fs::canonicalize(cwd).ok());
    if let (Some(canonical), Some(cwd)) = (&canonical, &cwd) {
        if let Ok(relative) = canonical.strip_prefix(cwd) {
            spelled.push(relative.to_string_lossy().into_owned());
        }
    }
    let mut unique = Vec::new();
    for spelling in spelled {
        let trimmed = spelling.trim_end_matches(['/', '\\']).to_string();
        if !unique.contains(&trimmed) {
            unique.push(trimmed);
        }
    }
    unique
}

/// Every file of `o/` that `text` names under one of the `spellings` of zig's cache (from
/// [`spellings`]; `""` is the working folder itself), each once, in the order named. A
/// relative spelling counts only where a path starts, so another cache's `/x/zc/o/...` is not
/// taken for `zc/o/...`.
pub fn cache_files(text: &str, spellings: &[String]) -> Vec<Named> {
    let mut found: Vec<Named> = Vec::new();
    for spelling in spellings {
        let absolute = spelling.starts_with(['/', '\\']) || spelling.get(1..2) == Some(":");
        let starts: Vec<usize> = if spelling.is_empty() {
            let outputs = text.match_indices("o/").chain(text.match_indices("o\\"));
            outputs.map(|(at, _)| at).collect()
        } else {
            text.match_indices(spelling.as_str())
                .map(|(at, _)| at)
                .collect()
        };
        for at in starts {
            if !absolute && !starts_a_path(text, at) {
                continue;
            }
            let rest = &text[at + spelling.len()..];
            let named = if spelling.is_empty() {
                after_root(&format!("/{rest}"))
            } else {
                after_root(rest)
            };
            if let Some(named) = named.filter(|n| !found.contains(n)) {
                found.push(named);
            }
        }
    }
    found
}

/// Whether a path can start at byte `at` of `text`: at its start, or after a space, a quote,
/// `=`, `(` or `:` (as in `-L...`-less linker lines and `file: error` messages).
fn starts_a_path(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '=' | '(' | ':'))
}

/// `/o/<32 hex>/<file>` at the start of `rest`, with either separator.
fn after_root(rest: &str) -> Option<Named> {
    let is_sep = |c: char| c == '/' || c == '\\';
    let mut chars = rest.chars();
    if !chars.next().is_some_and(is_sep) || chars.next() != Some('o') {
        return None;
    }
    if !chars.next().is_some_and(is_sep) {
        return None;
    }
    let rest = chars.as_str();
    let entry = rest.get(..32)?;
    if !entry.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut rest = rest[32..].chars();
    if !rest.next().is_some_and(is_sep) {
        return None;
    }
    let file: String = rest
        .as_str()
        .chars()
        .take_while(|&c| {
            !c.is_whitespace() && !matches!(c, ':' | ',' | '\'' | '"' | '(' | ')' | '/' | '\\')
        })
        .collect();
    (!file.is_empty()).then(|| Named {
        entry: entry.to_string(),
        file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "b379798b5139d9d3b0781fb8df5a4a21";
    const H2: &str = "ce9150365c18bd947f89666f6c335d77";

    fn named(entry: &str, file: &str) -> Named {
        Named {
            entry: entry.to_string(),
            file: file.to_string(),
        }
    }

    #[test]
    fn files_named_by_zig_and_its_linkers_are_found() {
        let root = vec!["/home/u/.cache/zig".to_string()];
        let cases: Vec<(String, Vec<Named>)> = vec![
            (
                format!(
                    "ld.lld -o h /home/u/.cache/zig/o/{H1}/libc.so.6 \
                     /home/u/.cache/zig/o/{H2}/libcompiler_rt.a /work/t/x.o"
                ),
                vec![named(H1, "libc.so.6"), named(H2, "libcompiler_rt.a")],
            ),
            (
                format!("error: failed to parse archive: FileNotFound: /home/u/.cache/zig/o/{H2}/libcompiler_rt.a"),
                vec![named(H2, "libcompiler_rt.a")],
            ),
            (
                format!("ld.lld: error: /home/u/.cache/zig/o/{H1}/libc.so.6: file is too short"),
                vec![named(H1, "libc.so.6")],
            ),
            (
                format!(r"lld-link: error: C:\Users\u\.cache\zig\o\{H1}\crt2.obj: broken"),
                vec![],
            ),
            // Another cache, a short hash, a folder rather than a file, a repeat.
            (
                format!(
                    "/tmp/zig/o/{H1}/libc.so.6 /home/u/.cache/zig/o/abc/x.o \
                     /home/u/.cache/zig/o/{H1}/ /home/u/.cache/zig/o/{H1}/libm.so.6 \
                     '/home/u/.cache/zig/o/{H1}/libm.so.6'"
                ),
                vec![named(H1, "libm.so.6")],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(cache_files(&text, &root), expected, "{text}");
        }
        let windows = vec![r"C:\Users\u\.cache\zig".to_string()];
        let text = format!(r"lld-link: error: C:\Users\u\.cache\zig\o\{H1}\crt2.obj: broken");
        assert_eq!(cache_files(&text, &windows), vec![named(H1, "crt2.obj")]);
    }

    /// zig prints a cache inside the working folder relative to it.
    #[test]
    fn a_cache_below_the_working_folder_is_found_as_zig_spells_it() {
        let line = format!(
            "ld.lld -o h zc/o/{H1}/crt1.o /x/zc/o/{H2}/libc.so.6 o/{H2}/libm.so.6 \
             ld.lld: error: zc/o/{H2}/libcompiler_rt.a: bad"
        );
        let below = vec!["/tmp/zc".to_string(), "zc".to_string()];
        assert_eq!(
            cache_files(&line, &below),
            vec![named(H1, "crt1.o"), named(H2, "libcompiler_rt.a")]
        );
        let here = vec!["/tmp/zc".to_string(), String::new()];
        assert_eq!(cache_files(&line, &here), vec![named(H2, "libm.so.6")]);
    }

    #[test]
    fn spellings_include_the_path_from_the_working_folder() {
        let top = tempfile::tempdir().unwrap();
        let cache = top.path().join("zc");
        std::fs::create_dir(&cache).unwrap();
        let canonical = std::fs::canonicalize(&cache).unwrap();
        let spelled = spellings(&cache, Some(top.path()));
        assert!(spelled.contains(&"zc".to_string()), "{spelled:?}");
        assert!(spelled.contains(&canonical.to_string_lossy().into_owned()));
        assert!(spellings(&cache, Some(&cache)).contains(&String::new()));
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(
            spellings(&cache, Some(elsewhere.path())).len(),
            spelled.len() - 1
        );
    }

    #[test]
    fn only_the_commands_zig_prints_are_dropped() {
        let stderr = b"ar rcs /c/o/x/libc.a /c/o/y/a.o\n\
                       ld.lld: error: undefined symbol: foo\n\
                       ld.lld --error-limit=0 -o h\n\
                       zig ld -dynamic -o h\n\
                       warning: unused\n";
        assert_eq!(
            String::from_utf8(without_verbose_lines(stderr)).unwrap(),
            "ld.lld: error: undefined symbol: foo\nwarning: unused\n"
        );
    }
}
