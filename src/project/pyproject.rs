//! What a project's pyproject.toml says to the `ziglink.maturin` build backend: maturin's own
//! `compatibility` (which maturin's PEP 517 hooks would override with `--compatibility off`)
//! and per-target tables (`[tool.maturin.target."aarch64-apple-darwin"]`, whose
//! `macos-deployment-target` maturin builds that target for), and ziglink's `[tool.ziglink]`
//! table:
//!
//! ```toml
//! [tool.ziglink]
//! glibc = "2.28"                                # the floor, when maturin's compatibility names none
//! targets = ["aarch64-unknown-linux-gnu.2.28"]  # set up as well, beside the one being built
//! ```

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// The keys `[tool.ziglink]` may hold; any other is a typo worth an error.
pub const ZIGLINK_KEYS: &[&str] = &["glibc", "targets"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendSettings {
    /// `macos-deployment-target` of each `[tool.maturin.target."<triple>"]` table, by triple.
    pub macos_deployment_targets: BTreeMap<String, String>,
    /// `[tool.maturin] compatibility` (or its old name, `manylinux`): one tag or several.
    pub maturin_compatibility: Vec<String>,
    /// `[tool.ziglink] glibc`, as written.
    pub glibc: Option<String>,
    /// `[tool.ziglink] targets`.
    pub targets: Vec<String>,
}

/// Reads the backend's settings from the text of a pyproject.toml (`file` names it in errors).
pub fn backend_settings(file: &str, text: &str) -> Result<BackendSettings> {
    let wrong = |reason: String| Error::Pyproject {
        file: file.to_string(),
        reason,
    };
    let doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| wrong(first_line(&e.to_string())))?;
    let tool = doc.get("tool");
    let maturin = tool.and_then(|t| t.get("maturin"));
    let mut out = BackendSettings::default();
    if let Some(item) = maturin.and_then(|m| m.get("target")) {
        out.macos_deployment_targets = deployment_targets(item).map_err(wrong)?;
    }
    let compatibility = maturin.and_then(|m| m.get("compatibility").or_else(|| m.get("manylinux")));
    if let Some(item) = compatibility {
        out.maturin_compatibility = strings(item, "[tool.maturin] compatibility").map_err(wrong)?;
        // The tags become maturin's arguments: `--zig` there would get past the backend's own
        // refusal of it.
        if let Some(bad) = out
            .maturin_compatibility
            .iter()
            .find(|t| !is_platform_tag(t))
        {
            return Err(wrong(format!(
                "[tool.maturin] compatibility `{bad}` is not a platform tag \
                 (such as manylinux_2_28, musllinux_1_2 or off)"
            )));
        }
    }
    let Some(ziglink) = tool.and_then(|t| t.get("ziglink")) else {
        return Ok(out);
    };
    let table = ziglink
        .as_table_like()
        .ok_or_else(|| wrong("[tool.ziglink] is not a table".into()))?;
    for (key, item) in table.iter() {
        match key {
            "glibc" => out.glibc = Some(string(item, "[tool.ziglink] glibc").map_err(wrong)?),
            "targets" => out.targets = strings(item, "[tool.ziglink] targets").map_err(wrong)?,
            other => {
                return Err(wrong(format!(
                    "[tool.ziglink] has no key `{other}`; it takes {}",
                    ZIGLINK_KEYS.join(" and ")
                )))
            }
        }
    }
    Ok(out)
}

/// `[tool.maturin] target`: a table of tables, one per triple, as maturin reads it. maturin's
/// only key there is `macos-deployment-target` (or its old name); it ignores others, and so does
/// this.
fn deployment_targets(
    item: &toml_edit::Item,
) -> std::result::Result<BTreeMap<String, String>, String> {
    let table = item.as_table_like().ok_or_else(|| {
        "[tool.maturin] target must be a table of per-target settings, such as \
         [tool.maturin.target.\"aarch64-apple-darwin\"]; the target to build is maturin's \
         --target or CARGO_BUILD_TARGET"
            .to_string()
    })?;
    let mut out = BTreeMap::new();
    for (triple, settings) in table.iter() {
        let what = format!("[tool.maturin.target.\"{triple}\"]");
        let settings = settings
            .as_table_like()
            .ok_or_else(|| format!("{what} must be a table"))?;
        let value = settings
            .get("macos-deployment-target")
            .or_else(|| settings.get("macosx-deployment-target"));
        if let Some(value) = value {
            let key = format!("{what} macos-deployment-target");
            out.insert(triple.to_string(), string(value, &key)?);
        }
    }
    Ok(out)
}

/// `manylinux2014`, `manylinux_2_28`, `musllinux_1_2`, `linux`, `off`: letters, digits, `_`
/// and `.`, starting with a letter.
fn is_platform_tag(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn string(item: &toml_edit::Item, what: &str) -> std::result::Result<String, String> {
    item.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{what} must be a string"))
}

/// A string or an array of strings.
fn strings(item: &toml_edit::Item, what: &str) -> std::result::Result<Vec<String>, String> {
    if let Some(one) = item.as_str() {
        return Ok(vec![one.to_string()]);
    }
    let wrong = || format!("{what} must be a string or an array of strings");
    item.as_array()
        .ok_or_else(wrong)?
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(wrong))
        .collect()
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maturins_keys_and_ziglinks_table() {
        let text = "[tool.maturin]\ncompatibility = \"manylinux_2_28\"\n\n\
                    [tool.maturin.target.\"aarch64-apple-darwin\"]\n\
                    macos-deployment-target = \"11.0\"\n\n\
                    [tool.maturin.target.x86_64-apple-darwin]\n\
                    macosx-deployment-target = \"10.12\"\nother = 1\n\n\
                    [tool.maturin.target.\"x86_64-unknown-linux-gnu\"]\n\n\
                    [tool.ziglink]\nglibc = \"2.28\"\n\
                    targets = [\"x86_64-unknown-linux-musl\"]\n";
        let got = backend_settings("pyproject.toml", text).unwrap();
        assert_eq!(
            got,
            BackendSettings {
                macos_deployment_targets: [
                    ("aarch64-apple-darwin".into(), "11.0".into()),
                    ("x86_64-apple-darwin".into(), "10.12".into()),
                ]
                .into(),
                maturin_compatibility: vec!["manylinux_2_28".into()],
                glibc: Some("2.28".into()),
                targets: vec!["x86_64-unknown-linux-musl".into()],
            }
        );
        let old_name = "[tool.maturin]\nmanylinux = [\"manylinux2014\", \"musllinux_1_2\"]\n";
        assert_eq!(
            backend_settings("p", old_name)
                .unwrap()
                .maturin_compatibility,
            ["manylinux2014", "musllinux_1_2"]
        );
        let empty = backend_settings("p", "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(empty, BackendSettings::default());
    }

    #[test]
    fn mistakes_are_one_line_errors_naming_file_and_key() {
        let cases = [
            ("[tool.ziglink]\nglib = \"2.28\"\n", "has no key `glib`"),
            (
                "[tool.ziglink]\nglibc = 2.28\n",
                "[tool.ziglink] glibc must be a string",
            ),
            (
                "[tool.ziglink]\ntargets = [1]\n",
                "targets must be a string or an array",
            ),
            ("[tool]\nziglink = 3\n", "[tool.ziglink] is not a table"),
            (
                "[tool.maturin]\ntarget = \"aarch64-unknown-linux-gnu\"\n",
                "[tool.maturin] target must be a table of per-target settings",
            ),
            (
                "[tool.maturin]\ntarget = { aarch64-apple-darwin = \"11.0\" }\n",
                "[tool.maturin.target.\"aarch64-apple-darwin\"] must be a table",
            ),
            (
                "[tool.maturin.target.aarch64-apple-darwin]\nmacos-deployment-target = 11.0\n",
                "[tool.maturin.target.\"aarch64-apple-darwin\"] macos-deployment-target must \
                 be a string",
            ),
            ("[tool.ziglink\n", "sub/pyproject.toml"),
            (
                "[tool.maturin]\ncompatibility = \"--zig\"\n",
                "compatibility `--zig` is not a platform tag",
            ),
            (
                "[tool.maturin]\ncompatibility = [\"manylinux_2_28\", \"a b\"]\n",
                "compatibility `a b` is not a platform tag",
            ),
        ];
        for (text, wanted) in cases {
            let error = backend_settings("sub/pyproject.toml", text)
                .unwrap_err()
                .to_string();
            assert!(error.contains(wanted), "{text:?}: {error}");
            assert!(error.starts_with("`sub/pyproject.toml`"), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }
}
