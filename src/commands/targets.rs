//! `ziglink targets`: the supported Rust targets, the zig target each links as, its lowest floor
//! and notes, as a table or as JSON.

use serde_json::{json, Value};

use crate::target::triple::TARGETS;

/// What `ziglink targets` prints: the table, or with `json` the same rows as a JSON list.
pub fn listing(json: bool) -> String {
    if json {
        format!("{}\n", as_json())
    } else {
        table()
    }
}

/// Each target as `{"rust", "zig", "lowest_floor", "notes"}`; a target with no floor has
/// `null`.
pub fn as_json() -> String {
    let rows: Vec<Value> = TARGETS
        .iter()
        .map(|t| {
            json!({
                "rust": t.rust,
                "zig": t.zig,
                "lowest_floor": t.lowest_floor().map(|f| f.to_string()),
                "notes": t.notes,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

/// The table `ziglink targets` prints.
pub fn table() -> String {
    let rows: Vec<[String; 4]> = TARGETS
        .iter()
        .map(|t| {
            [
                t.rust.to_string(),
                t.zig.to_string(),
                t.lowest_floor()
                    .map_or_else(|| "-".into(), |f| f.to_string()),
                t.notes.to_string(),
            ]
        })
        .collect();
    let header = ["RUST TARGET", "ZIG TARGET", "LOWEST FLOOR", "NOTES"].map(String::from);
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_target() {
        let table = table();
        for t in TARGETS {
            assert!(
                table.contains(t.rust) && table.contains(t.zig),
                "{}",
                t.rust
            );
        }
    }

    #[test]
    fn the_json_has_the_rows_of_the_table() {
        let rows: Vec<Value> = serde_json::from_str(&as_json()).unwrap();
        assert_eq!(rows.len(), TARGETS.len());
        for (row, t) in rows.iter().zip(TARGETS) {
            assert_eq!(row["rust"], t.rust);
            assert_eq!(row["zig"], t.zig);
            assert_eq!(row["notes"], t.notes);
            match t.lowest_floor() {
                Some(floor) => assert_eq!(row["lowest_floor"], floor.to_string()),
                None => assert!(row["lowest_floor"].is_null()),
            }
        }
        let gnu = rows
            .iter()
            .find(|r| r["rust"] == "x86_64-unknown-linux-gnu")
            .unwrap();
        assert_eq!(gnu["lowest_floor"], "glibc 2.17");
    }
}
