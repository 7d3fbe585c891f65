//! Whether the user already chose how a target's programs run: a `runner` for it in a cargo
//! config file (`[target.<triple>]`, or any `[target.'cfg(...)']`, which ziglink does not
//! evaluate and so takes to match), `CARGO_TARGET_<TRIPLE>_RUNNER`, or a `--config` naming a
//! runner. ziglink's qemu runner then stays out of the way.

use std::ffi::OsString;
use std::path::Path;

use super::files;

/// Whether a cargo config file's text names a runner that may apply to `triple`.
pub fn config_names_runner(config: &str, triple: &str) -> bool {
    let Ok(doc) = config.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    let Some(targets) = doc.get("target").and_then(|t| t.as_table_like()) else {
        return false;
    };
    let named = targets.iter().any(|(key, table)| {
        (key == triple || key.starts_with("cfg(")) && table.get("runner").is_some()
    });
    named
}

/// Whether the user set a runner for `triple` (whose variable is `runner_var`), for a build
/// started in `dir` with cargo's arguments `cargo_args`; `var` reads the environment.
pub fn user_runner(
    dir: &Path,
    (triple, runner_var): (&str, &str),
    cargo_args: &[OsString],
    var: &dyn Fn(&str) -> Option<OsString>,
) -> bool {
    if var(runner_var).is_some_and(|v| !v.is_empty()) {
        return true;
    }
    // `--config 'target.x.runner=...'` or `--config=...`; a `--config` file is read as a file.
    let mut args = cargo_args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--config=") {
            Some(value) => value.to_string(),
            None if arg == "--config" => args.next().map(|v| v.into_owned()).unwrap_or_default(),
            None => continue,
        };
        let text = std::fs::read_to_string(Path::new(&value)).unwrap_or(value);
        if text.contains("runner") {
            return true;
        }
    }
    files::cargo_configs(dir, files::cargo_home(var).as_deref())
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .any(|config| config_names_runner(&config, triple))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_runners_for_the_triple_and_for_any_cfg() {
        let triple = "s390x-unknown-linux-gnu";
        let cases: &[(&str, bool)] = &[
            (
                "[target.s390x-unknown-linux-gnu]\nrunner = \"qemu-s390x\"\n",
                true,
            ),
            (
                "[target.'cfg(target_os = \"linux\")']\nrunner = [\"sh\", \"-c\"]\n",
                true,
            ),
            ("target.s390x-unknown-linux-gnu.runner = \"x\"\n", true),
            (
                "[target.aarch64-unknown-linux-gnu]\nrunner = \"qemu-aarch64\"\n",
                false,
            ),
            (
                "[target.s390x-unknown-linux-gnu]\nlinker = \"ziglink\"\n",
                false,
            ),
            ("[build]\ntarget = \"s390x-unknown-linux-gnu\"\n", false),
            ("[target\n", false),
        ];
        for (config, want) in cases {
            assert_eq!(config_names_runner(config, triple), *want, "{config}");
        }
    }

    #[test]
    fn the_environment_and_config_arguments_name_runners_too() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let none = |_: &str| None;
        let triple = (
            "s390x-unknown-linux-gnu",
            "CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER",
        );
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        let with_home = |name: &str| (name == "CARGO_HOME").then(|| home.clone().into_os_string());
        assert!(!user_runner(
            dir.path(),
            triple,
            &args(&["test"]),
            &with_home
        ));
        let var = |name: &str| {
            (name == "CARGO_TARGET_S390X_UNKNOWN_LINUX_GNU_RUNNER").then(|| OsString::from("x"))
        };
        assert!(user_runner(dir.path(), triple, &[], &var));
        let flag = args(&[
            "--config",
            "target.s390x-unknown-linux-gnu.runner='x'",
            "test",
        ]);
        assert!(user_runner(dir.path(), triple, &flag, &none));
        let glued = args(&["--config=target.s390x-unknown-linux-gnu.runner='x'"]);
        assert!(user_runner(dir.path(), triple, &glued, &none));
        std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
        std::fs::write(
            dir.path().join(".cargo/config.toml"),
            "[target.s390x-unknown-linux-gnu]\nrunner = \"qemu-s390x -L /x\"\n",
        )
        .unwrap();
        assert!(user_runner(dir.path(), triple, &[], &with_home));
    }
}
