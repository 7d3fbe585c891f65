//! `ziglink cargo <subcommand> [--target T[.MAJOR.MINOR]]... [args]`: runs cargo with everything
//! set up to link and compile each target through ziglink, a drop-in for `cargo zigbuild`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::settings::Settings;
use crate::{bindgen, cargo_env, launch, path_env, run, rustc_cpu, zig_glibc};

/// cargo's arguments with each `--target` value split into the triple cargo should see and
/// the spec (with any glibc suffix) ziglink should honour.
#[derive(Debug, PartialEq, Eq)]
pub struct CargoArgs {
    pub args: Vec<OsString>,
    pub targets: Vec<String>,
}

pub fn split_targets(args: &[OsString]) -> CargoArgs {
    let mut out = CargoArgs {
        args: Vec::with_capacity(args.len()),
        targets: Vec::new(),
    };
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            // What follows belongs to the program cargo runs, not to cargo.
            out.args.push(arg.clone());
            out.args.extend(iter.by_ref().cloned());
            break;
        }
        let spec = if arg == "--target" {
            out.args.push(arg.clone());
            // `--target --` has no value; cargo will say so, and `--` keeps its meaning.
            match iter.next_if(|value| *value != "--") {
                Some(value) => value.to_string_lossy().into_owned(),
                None => continue,
            }
        } else if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--target=")) {
            out.args.push(OsString::from("--target"));
            value.to_string()
        } else {
            out.args.push(arg.clone());
            continue;
        };
        out.args
            .push(OsString::from(spec.split('.').next().unwrap_or_default()));
        out.targets.push(spec);
    }
    out
}

pub fn run(args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let split = split_targets(args);
    let targets = settings.resolve_targets(&split.targets)?;

    let zig = launch::find_zig(&settings, None)?;
    // Both are checked at every link too; here they fail before cargo compiles anything.
    for target in &targets {
        rustc_cpu::check(target, |name| std::env::var(name).ok())?;
        zig_glibc::check_requested(target, &zig.path)?;
    }

    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo.args(&split.args);
    cargo.envs(cargo_env::for_targets(&targets));
    cargo.envs(bindgen::env_vars(&zig.path, &targets, &settings));
    if let Some(path) = path_env::with_own_dir() {
        cargo.env("PATH", path);
    }
    if settings.log {
        eprintln!(
            "ziglink: {}",
            run::shell_line(Path::new("cargo"), &split.args)
        );
    }
    Err(exec_cargo(cargo))
}

#[cfg(unix)]
fn exec_cargo(mut cargo: Command) -> Error {
    use std::os::unix::process::CommandExt;
    let program = PathBuf::from(cargo.get_program());
    Error::CargoStart {
        path: program,
        source: cargo.exec(),
    }
}

#[cfg(not(unix))]
fn exec_cargo(mut cargo: Command) -> Error {
    match cargo.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(source) => Error::CargoStart {
            path: PathBuf::from(cargo.get_program()),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> (Vec<String>, Vec<String>) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let out = split_targets(&args);
        let shown = out
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        (shown, out.targets)
    }

    #[test]
    fn strips_glibc_suffixes_from_what_cargo_sees() {
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (
                &[
                    "build",
                    "--target",
                    "aarch64-unknown-linux-gnu.2.17",
                    "--release",
                ],
                &[
                    "build",
                    "--target",
                    "aarch64-unknown-linux-gnu",
                    "--release",
                ],
                &["aarch64-unknown-linux-gnu.2.17"],
            ),
            (
                &[
                    "build",
                    "--target=s390x-unknown-linux-gnu",
                    "--target",
                    "x86_64-unknown-linux-musl",
                ],
                &[
                    "build",
                    "--target",
                    "s390x-unknown-linux-gnu",
                    "--target",
                    "x86_64-unknown-linux-musl",
                ],
                &["s390x-unknown-linux-gnu", "x86_64-unknown-linux-musl"],
            ),
            (
                &["run", "--", "--target", "x.2.17"],
                &["run", "--", "--target", "x.2.17"],
                &[],
            ),
            (&["build"], &["build"], &[]),
            (
                &["build", "--target", "--", "x"],
                &["build", "--target", "--", "x"],
                &[],
            ),
        ];
        for (input, args, targets) in cases {
            let (got_args, got_targets) = split(input);
            assert_eq!(got_args, *args, "{input:?}");
            assert_eq!(got_targets, *targets, "{input:?}");
        }
    }
}
