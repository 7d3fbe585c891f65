//! Where `ziglink cargo` puts the flags it adds for rustc, without losing the user's own.
//!
//! cargo takes rustc's extra flags from exactly one of, in this order: `CARGO_ENCODED_RUSTFLAGS`,
//! `RUSTFLAGS`, the `target.<triple>`/`target.<cfg>` `rustflags` in config, `build.rustflags`.
//! Setting `RUSTFLAGS` would silently replace the user's config flags, and adding a
//! `target.<triple>.rustflags` would silently replace their `build.rustflags`. So:
//! - when either variable is set, that is where cargo reads flags from: ours are appended, and
//!   the result goes out as `CARGO_ENCODED_RUSTFLAGS` (split the way cargo splits `RUSTFLAGS`;
//!   encoded, so that a path with a space stays one flag);
//! - otherwise ours go into `build.rustflags` through `--config`, which cargo appends to the
//!   `build.rustflags` of the user's config files. Measured with cargo 1.95: an array merges
//!   with an array; with a string (`rustflags = "..."`) cargo stops with "failed to merge key",
//!   which beats the alternative (a string `--config` silently replaces a string). If the
//!   user's config has `rustflags` in a `[target]` table, cargo ignores `build.rustflags`:
//!   their flags stay, ours are lost; docs/guide/reproducible.md says to set `RUSTFLAGS` then.

use std::ffi::OsString;

use crate::text::toml;

pub const ENCODED_RUSTFLAGS: &str = "CARGO_ENCODED_RUSTFLAGS";
const RUSTFLAGS: &str = "RUSTFLAGS";
/// cargo's separator in `CARGO_ENCODED_RUSTFLAGS`.
const SEPARATOR: char = '\u{1f}';

#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// Set this variable to this value.
    Env(&'static str, OsString),
    /// Give cargo `--config` with this value.
    Config(String),
}

pub fn route(var: &dyn Fn(&str) -> Option<OsString>, ours: &[OsString]) -> Route {
    // cargo reads both as UTF-8 strings and refuses anything else, so lossy is exact here.
    let text = |name: &str| var(name).map(|v| v.to_string_lossy().into_owned());
    let theirs: Option<Vec<OsString>> = match text(ENCODED_RUSTFLAGS) {
        Some(encoded) if encoded.is_empty() => Some(Vec::new()),
        Some(encoded) => Some(encoded.split(SEPARATOR).map(OsString::from).collect()),
        None => text(RUSTFLAGS).map(|flags| flags.split_whitespace().map(OsString::from).collect()),
    };
    match theirs {
        Some(mut flags) => {
            flags.extend(ours.iter().cloned());
            Route::Env(ENCODED_RUSTFLAGS, join_encoded(&flags))
        }
        None => Route::Config(config_value(ours)),
    }
}

fn join_encoded(flags: &[OsString]) -> OsString {
    let mut out = OsString::new();
    for (i, flag) in flags.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR.encode_utf8(&mut [0; 4]));
        }
        out.push(flag);
    }
    out
}

/// `build.rustflags=["...", ...]`, a TOML array of strings. A flag that is not UTF-8 cannot be
/// written in TOML and is left out.
fn config_value(flags: &[OsString]) -> String {
    let items = flags.iter().filter_map(|f| f.to_str());
    format!("build.rustflags={}", toml::string_array(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn our_flags_join_the_source_cargo_reads_flags_from() {
        let ours = os(&["--remap-path-prefix=/my src=."]);
        let cases: &[(&[(&str, &str)], Route)] = &[
            (
                &[],
                Route::Config(r#"build.rustflags=["--remap-path-prefix=/my src=."]"#.into()),
            ),
            (
                &[("RUSTFLAGS", " -C  target-cpu=native ")],
                Route::Env(
                    ENCODED_RUSTFLAGS,
                    "-C\u{1f}target-cpu=native\u{1f}--remap-path-prefix=/my src=.".into(),
                ),
            ),
            (
                &[("RUSTFLAGS", "")],
                Route::Env(ENCODED_RUSTFLAGS, "--remap-path-prefix=/my src=.".into()),
            ),
            // the encoded variable wins over RUSTFLAGS, in cargo and here
            (
                &[
                    ("CARGO_ENCODED_RUSTFLAGS", "--cfg\u{1f}a b"),
                    ("RUSTFLAGS", "--cfg ignored"),
                ],
                Route::Env(
                    ENCODED_RUSTFLAGS,
                    "--cfg\u{1f}a b\u{1f}--remap-path-prefix=/my src=.".into(),
                ),
            ),
            (
                &[("CARGO_ENCODED_RUSTFLAGS", "")],
                Route::Env(ENCODED_RUSTFLAGS, "--remap-path-prefix=/my src=.".into()),
            ),
        ];
        for (vars, expected) in cases {
            let var = |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            };
            assert_eq!(&route(&var, &ours), expected, "{vars:?}");
        }
    }

    #[test]
    fn config_values_are_toml_strings() {
        let flags = os(&[r#"--remap-path-prefix=C:\a "b"=."#, "x\ty"]);
        let value = config_value(&flags);
        let array = value.strip_prefix("build.rustflags=").unwrap();
        let doc: toml_edit::DocumentMut = format!("v = {array}").parse().unwrap();
        let read: Vec<&str> = doc["v"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            read,
            [r#"--remap-path-prefix=C:\a "b"=."#, "x\ty"],
            "{value}"
        );
        assert_eq!(config_value(&[]), "build.rustflags=[]");
    }
}
