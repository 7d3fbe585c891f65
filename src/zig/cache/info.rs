//! `ziglink cache info`: where zig's cache is, why there, and its size by kind.

use std::collections::BTreeMap;
use std::path::Path;

use super::human_bytes;
use super::kinds::Kind;
use super::scan::{Scan, Usage};
use serde_json::{json, Value};

use crate::zig::cache::location::Location;

/// Entries and disk use per kind.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub kinds: BTreeMap<Kind, (u64, Usage)>,
}

impl Summary {
    pub fn of(scan: &Scan) -> Summary {
        let mut summary = Summary::default();
        let mut add = |kind: Kind, usage: Usage| {
            let slot = summary.kinds.entry(kind).or_default();
            slot.0 += 1;
            slot.1.add(usage);
        };
        for m in &scan.manifests {
            add(Kind::Manifests, m.usage);
        }
        for o in &scan.outputs {
            add(o.kind, o.usage);
        }
        for other in &scan.others {
            add(other.area.kind().unwrap_or(Kind::Other), other.usage);
        }
        summary
    }

    pub fn total_bytes(&self) -> u64 {
        self.kinds.values().map(|(_, u)| u.bytes).sum()
    }
}

pub fn text(root: &Path, location: &Location, exists: bool, summary: &Summary) -> String {
    let mut out = format!(
        "zig's cache: {} ({})\n",
        root.display(),
        location.chosen_by()
    );
    if !exists {
        out.push_str("it does not exist yet: zig creates it on its first build\n");
        return out;
    }
    out.push_str(&format!("total: {}\n", human_bytes(summary.total_bytes())));
    if summary.kinds.is_empty() {
        return out;
    }
    let rows: Vec<[String; 3]> = summary
        .kinds
        .iter()
        .map(|(kind, (entries, usage))| {
            [
                kind.describe().to_string(),
                human_bytes(usage.bytes),
                entries.to_string(),
            ]
        })
        .collect();
    let header = ["KIND".to_string(), "SIZE".into(), "ENTRIES".into()];
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].len())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    out.push('\n');
    for row in std::iter::once(&header).chain(&rows) {
        out.push_str(&format!(
            "{:w0$}  {:>w1$}  {:>w2$}\n",
            row[0], row[1], row[2]
        ));
    }
    out
}

pub fn json(root: &Path, location: &Location, exists: bool, summary: &Summary) -> String {
    let kinds: Vec<Value> = summary
        .kinds
        .iter()
        .map(|(kind, (entries, usage))| {
            json!({
                "kind": kind.id(),
                "description": kind.describe(),
                "bytes": usage.bytes,
                "entries": entries,
            })
        })
        .collect();
    let doc = json!({
        "path": root.to_string_lossy(),
        "chosen_by": location.chosen_by(),
        "exists": exists,
        "total_bytes": summary.total_bytes(),
        "kinds": kinds,
    });
    format!("{doc:#}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn summary() -> Summary {
        let usage = |bytes| Usage {
            bytes,
            files: 1,
            newest: None,
        };
        let mut s = Summary::default();
        s.kinds.insert(Kind::Musl, (3, usage(3 * 1024 * 1024)));
        s.kinds.insert(Kind::Manifests, (4, usage(4096)));
        s
    }

    #[test]
    fn text_lists_kinds_with_sizes() {
        let root = PathBuf::from("/home/u/.cache/zig");
        let text = text(&root, &Location::Default(root.clone()), true, &summary());
        assert_eq!(
            text,
            "zig's cache: /home/u/.cache/zig (zig's default)\n\
             total: 3.0 MiB\n\
             \n\
             KIND                              SIZE  ENTRIES\n\
             musl libc and its start files  3.0 MiB        3\n\
             manifests (h/)                 4.0 KiB        4\n"
        );
    }

    #[test]
    fn json_has_totals_and_kinds() {
        let root = PathBuf::from("/c");
        let doc = json(&root, &Location::UserSet(root.clone()), true, &summary());
        assert!(
            doc.contains("\"chosen_by\": \"ZIG_GLOBAL_CACHE_DIR\""),
            "{doc}"
        );
        assert!(doc.contains("\"total_bytes\": 3149824"), "{doc}");
        assert!(doc.contains("\"kind\": \"musl\""), "{doc}");
        assert!(doc.contains("\"entries\": 4"), "{doc}");
    }

    #[test]
    fn a_missing_cache_says_so() {
        let root = PathBuf::from("/c");
        let text = text(
            &root,
            &Location::UserSet(root.clone()),
            false,
            &Summary::default(),
        );
        assert!(text.ends_with("it does not exist yet: zig creates it on its first build\n"));
    }
}
