//! `ziglink config --edit FILE`: the settings `cargo_setup::build` makes for a file, merged
//! into an existing `pyproject.toml` or `.cargo/config.toml`, keeping its comments, order and
//! formatting (`toml_edit`). A snippet appended or pasted declares `[build-system]`, `[tool.maturin]` or
//! `[env]` a second time when the file has one, which TOML refuses; merging cannot.

use toml_edit::{Array, DocumentMut, Item, Table, Value};

use crate::cargo_setup::Setting;
use crate::commands::config::snippet::Format;

/// The package to add to `build-system.requires`.
const REQUIREMENT: &str = "ziglink";

/// `text` (empty for a new file) with `settings` merged in. A setting ziglink wrote before is
/// replaced, anything else is kept.
pub fn edit(text: &str, settings: &[Setting], format: Format) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        // toml_edit's message spans lines (a caret under the place); the first says what.
        e.message().lines().next().unwrap_or("not TOML").to_string()
    })?;
    match format {
        Format::Cargo => cargo(&mut doc, settings)?,
        Format::Maturin => maturin(&mut doc, settings)?,
    }
    Ok(doc.to_string())
}

fn cargo(doc: &mut DocumentMut, settings: &[Setting]) -> Result<(), String> {
    for setting in settings {
        match setting {
            Setting::Linker { triple } => {
                let target = table(doc.as_table_mut(), "target", true)?;
                let triple = table(target, triple, false)?;
                triple["linker"] = toml_edit::value(crate::cargo_setup::vars::LINKER);
            }
            Setting::Env { name, value } => {
                table(doc.as_table_mut(), "env", false)?[name.as_str()] = toml_edit::value(value);
            }
        }
    }
    Ok(())
}

fn maturin(doc: &mut DocumentMut, settings: &[Setting]) -> Result<(), String> {
    let build_system = table(doc.as_table_mut(), "build-system", false)?;
    if !build_system.contains_key("build-backend") {
        build_system["build-backend"] = toml_edit::value("maturin");
    }
    let requires = array(build_system, "requires", "build-system")?;
    if requires.is_empty() {
        requires.push("maturin>=1.5,<2");
    }
    if !requires
        .iter()
        .any(|r| r.as_str().is_some_and(names_ziglink))
    {
        requires.push(REQUIREMENT);
    }

    let tool = table(doc.as_table_mut(), "tool", true)?;
    let config = array(table(tool, "maturin", false)?, "config", "tool.maturin")?;
    for setting in settings {
        let flag = setting.as_cargo_flag();
        let key = cargo_key(&flag).to_string();
        let same = |v: &Value| v.as_str().is_some_and(|s| cargo_key(s) == key);
        let found = config.iter().position(same);
        match found {
            Some(at) => {
                config.replace(at, Value::from(flag.as_str()));
            }
            None => config.push_formatted(Value::from(flag.as_str())),
        }
    }
    if config.len() > 1 {
        // One entry a line, as a person would write it.
        for value in config.iter_mut() {
            value.decor_mut().set_prefix("\n    ");
        }
        config.set_trailing("\n");
        config.set_trailing_comma(true);
    }
    Ok(())
}

/// `ziglink`, `ziglink>=0.1`, `ziglink ; sys_platform == "linux"`: a requirement on it.
fn names_ziglink(requirement: &str) -> bool {
    let name: String = requirement
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    name.eq_ignore_ascii_case(REQUIREMENT)
}

/// The key of a `--config` entry: `env.CC_x` of `env.CC_x="ziglink-cc"`.
fn cargo_key(flag: &str) -> &str {
    flag.split('=').next().unwrap_or(flag).trim()
}

/// The table `key` in `parent`, made when missing; `implicit` for one that only holds tables
/// (`[target.x]` without a `[target]` header).
fn table<'a>(parent: &'a mut Table, key: &str, implicit: bool) -> Result<&'a mut Table, String> {
    let item = parent.entry(key).or_insert_with(|| {
        let mut new = Table::new();
        new.set_implicit(implicit);
        Item::Table(new)
    });
    if let Some(inline) = item.as_inline_table_mut() {
        let table = std::mem::take(inline).into_table();
        *item = Item::Table(table);
    }
    item.as_table_mut()
        .ok_or_else(|| format!("`{key}` is not a table"))
}

/// The array `key` in `parent`, made when missing.
fn array<'a>(parent: &'a mut Table, key: &str, within: &str) -> Result<&'a mut Array, String> {
    parent
        .entry(key)
        .or_insert_with(|| toml_edit::value(Array::new()))
        .as_array_mut()
        .ok_or_else(|| format!("`{within}.{key}` is not an array"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::config::snippet::tests::settings;
    use crate::target::triple::Target;

    fn aarch64() -> Vec<Setting> {
        settings(&[Target::resolve("aarch64-unknown-linux-gnu.2.28", None).unwrap()])
    }

    const PYPROJECT: &str = "\
# the project's own comment
[build-system]
requires = [\"maturin>=1.5,<2\"]  # kept
build-backend = \"maturin\"

[project]
name = \"demo\"

[tool.maturin]
features = [\"pyo3/extension-module\"]
config = ['profile.release.lto=true', 'env.CC_aarch64_unknown_linux_gnu=\"gcc\"']
";

    #[test]
    fn merges_into_a_pyproject_keeping_what_is_there() {
        let out = edit(PYPROJECT, &aarch64(), Format::Maturin).unwrap();
        let expected = "\
# the project's own comment
[build-system]
requires = [\"maturin>=1.5,<2\", \"ziglink\"]  # kept
build-backend = \"maturin\"

[project]
name = \"demo\"

[tool.maturin]
features = [\"pyo3/extension-module\"]
config = [
    'profile.release.lto=true',
    'env.CC_aarch64_unknown_linux_gnu=\"ziglink-cc\"',
    'target.aarch64-unknown-linux-gnu.linker=\"ziglink\"',
    'env.CXX_aarch64_unknown_linux_gnu=\"ziglink-cxx\"',
    'env.AR_aarch64_unknown_linux_gnu=\"ziglink-ar\"',
    'env.RANLIB_aarch64_unknown_linux_gnu=\"ziglink-ranlib\"',
    'env.CMAKE_aarch64_unknown_linux_gnu=\"ziglink-cmake\"',
    'env.ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU=\"2.28\"',
    'env.SCCACHE_C_CUSTOM_CACHE_BUSTER=\"ziglink:aarch64-unknown-linux-gnu.2.28\"',
]
";
        assert_eq!(out, expected);
        // Merging again changes nothing.
        assert_eq!(edit(&out, &aarch64(), Format::Maturin).unwrap(), out);
    }

    #[test]
    fn a_requirement_on_ziglink_in_any_spelling_is_kept() {
        for given in [
            "ziglink",
            "ziglink>=0.1",
            "ZigLink ; sys_platform == 'linux'",
        ] {
            let text = format!("[build-system]\nrequires = [\"maturin\", \"{given}\"]\n");
            let out = edit(&text, &aarch64(), Format::Maturin).unwrap();
            let doc: DocumentMut = out.parse().unwrap();
            let requires = doc["build-system"]["requires"].as_array().unwrap();
            assert_eq!(requires.len(), 2, "{out}");
        }
        // ... and `ziglinker` is another package.
        let out = edit(
            "[build-system]\nrequires = [\"ziglinker\"]\n",
            &aarch64(),
            Format::Maturin,
        )
        .unwrap();
        assert!(
            out.contains("requires = [\"ziglinker\", \"ziglink\"]"),
            "{out}"
        );
    }

    #[test]
    fn a_new_pyproject_gets_the_whole_build_system() {
        let out = edit("", &aarch64(), Format::Maturin).unwrap();
        let doc: DocumentMut = out.parse().unwrap();
        assert_eq!(
            doc["build-system"]["build-backend"].as_str(),
            Some("maturin")
        );
        let requires: Vec<&str> = doc["build-system"]["requires"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(requires, ["maturin>=1.5,<2", "ziglink"]);
        assert_eq!(
            doc["tool"]["maturin"]["config"].as_array().unwrap().len(),
            8
        );
        assert!(!out.contains("[tool]\n"), "{out}");
    }

    #[test]
    fn merges_into_a_cargo_config_with_its_own_env() {
        let text = "[build]\njobs = 2\n\n[env]\nFOO = \"bar\" # theirs\n\n\
                    [target.aarch64-unknown-linux-gnu]\nrunner = \"qemu-aarch64\"\n";
        let out = edit(text, &aarch64(), Format::Cargo).unwrap();
        let expected = "[build]\njobs = 2\n\n[env]\nFOO = \"bar\" # theirs\n\
                        CC_aarch64_unknown_linux_gnu = \"ziglink-cc\"\n\
                        CXX_aarch64_unknown_linux_gnu = \"ziglink-cxx\"\n\
                        AR_aarch64_unknown_linux_gnu = \"ziglink-ar\"\n\
                        RANLIB_aarch64_unknown_linux_gnu = \"ziglink-ranlib\"\n\
                        CMAKE_aarch64_unknown_linux_gnu = \"ziglink-cmake\"\n\
                        ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU = \"2.28\"\n\
                        SCCACHE_C_CUSTOM_CACHE_BUSTER = \"ziglink:aarch64-unknown-linux-gnu.2.28\"\n\n\
                        [target.aarch64-unknown-linux-gnu]\nrunner = \"qemu-aarch64\"\n\
                        linker = \"ziglink\"\n";
        assert_eq!(out, expected);
        assert_eq!(edit(&out, &aarch64(), Format::Cargo).unwrap(), out);
    }

    #[test]
    fn files_it_cannot_merge_into_are_refused_in_one_line() {
        let cases: &[(&str, Format, &str)] = &[
            ("[build-system\n", Format::Maturin, ""),
            (
                "build-system = 3\n",
                Format::Maturin,
                "`build-system` is not a table",
            ),
            (
                "[build-system]\nrequires = \"x\"\n",
                Format::Maturin,
                "`build-system.requires` is not an array",
            ),
            ("env = [1]\n", Format::Cargo, "`env` is not a table"),
        ];
        for (text, format, want) in cases {
            let err = edit(text, &aarch64(), *format).unwrap_err();
            assert!(!err.contains('\n'), "{err}");
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
