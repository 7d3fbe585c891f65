//! The targets a project builds for, as its files say: cargo's `build.target` (the
//! `CARGO_BUILD_TARGET` variable, else the nearest config file that sets it), which maturin
//! builds for too when its build names no `--target`. `ziglink warm` warms those, or the host
//! when none is named. (`[tool.maturin.target."<triple>"]` tables hold settings for a target,
//! not a target to build.)

use std::ffi::OsString;
use std::path::Path;

use super::files;

/// `build.target` of a cargo config file: a string or an array of strings.
pub fn cargo_config_targets(config: &str) -> Option<Vec<String>> {
    let doc = config.parse::<toml_edit::DocumentMut>().ok()?;
    strings(doc.get("build")?.get("target")?)
}

fn strings(item: &toml_edit::Item) -> Option<Vec<String>> {
    if let Some(one) = item.as_str() {
        return Some(vec![one.to_string()]);
    }
    let list: Vec<String> = item
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// The targets a build started in `dir` is for, each once; empty when the files name none.
/// `var` reads the environment.
pub fn of_project(dir: &Path, var: &dyn Fn(&str) -> Option<OsString>) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    let cargo = match var("CARGO_BUILD_TARGET").filter(|v| !v.is_empty()) {
        Some(target) => vec![target.to_string_lossy().into_owned()],
        None => configured(dir, var),
    };
    for target in cargo {
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    targets
}

/// `build.target` of the nearest cargo config file that sets it, for a build started in `dir`
/// (empty when none does).
pub fn configured(dir: &Path, var: &dyn Fn(&str) -> Option<OsString>) -> Vec<String> {
    files::cargo_configs(dir, files::cargo_home(var).as_deref())
        .iter()
        .find_map(|path| cargo_config_targets(&std::fs::read_to_string(path).ok()?))
        .unwrap_or_default()
}

/// `requested` when it names any target, else the project's in the current folder.
pub fn or_project(requested: &[String]) -> Vec<String> {
    if !requested.is_empty() {
        return requested.to_vec();
    }
    let var = |name: &str| std::env::var_os(name);
    std::env::current_dir()
        .map(|dir| of_project(&dir, &var))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_target() {
        let cases: &[(&str, Option<&[&str]>)] = &[
            (
                "[build]\ntarget = \"aarch64-unknown-linux-gnu\"\n",
                Some(&["aarch64-unknown-linux-gnu"]),
            ),
            (
                "build.target = [\"x86_64-unknown-linux-musl\", \"aarch64-unknown-linux-musl\"]\n",
                Some(&["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"]),
            ),
            ("[build]\njobs = 2\n", None),
            (
                "[target.x86_64-unknown-linux-gnu]\nlinker = \"ziglink\"\n",
                None,
            ),
            ("build = \"oops\"\n", None),
            ("[build\n", None),
            ("[build]\ntarget = []\n", None),
        ];
        for (config, expected) in cases {
            let expected = expected.map(|t| t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(cargo_config_targets(config), expected, "{config}");
        }
    }

    #[test]
    fn a_project_builds_for_cargos_targets() {
        let top = tempfile::tempdir().unwrap();
        let project = top.path().join("project");
        std::fs::create_dir_all(project.join(".cargo")).unwrap();
        let home = top.path().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        let env = |home: &Path, build_target: Option<&str>| {
            let (home, build_target) = (home.to_path_buf(), build_target.map(OsString::from));
            move |name: &str| match name {
                "CARGO_HOME" => Some(home.clone().into_os_string()),
                "CARGO_BUILD_TARGET" => build_target.clone(),
                _ => None,
            }
        };
        assert!(of_project(&project, &env(&home, None)).is_empty());
        std::fs::write(
            home.join("config.toml"),
            "build.target = \"i686-unknown-linux-gnu\"\n",
        )
        .unwrap();
        assert_eq!(
            of_project(&project, &env(&home, None)),
            ["i686-unknown-linux-gnu"]
        );
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[build]\ntarget = [\"aarch64-unknown-linux-gnu\", \"x86_64-unknown-linux-musl\"]\n",
        )
        .unwrap();
        std::fs::write(
            project.join("pyproject.toml"),
            "[tool.maturin.target.\"x86_64-unknown-linux-musl\"]\nmacos-deployment-target = \"11.0\"\n",
        )
        .unwrap();
        assert_eq!(
            of_project(&project, &env(&home, None)),
            ["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-musl"]
        );
        assert_eq!(
            of_project(
                &project.join("src"),
                &env(&home, Some("armv7-unknown-linux-gnueabihf"))
            ),
            ["armv7-unknown-linux-gnueabihf"]
        );
    }
}
