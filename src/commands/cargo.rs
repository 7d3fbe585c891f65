//! `ziglink cargo [--reproducible] <subcommand> [--target T[.MAJOR.MINOR]]... [args]`: runs
//! cargo with everything set up to link and compile each target through ziglink, a drop-in for
//! `cargo zigbuild`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::call::launch;
use crate::call::reproducible::{self, PrefixMap, Route};
use crate::call::settings::{self, Settings};
use crate::cargo_setup::{self, runner, Destination, Here, Setting};
use crate::commands::link_warnings::Report;
use crate::commands::universal2;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::project::lockfile;
use crate::project::runners;
use crate::target::emulation::Plan;
use crate::target::triple;
use crate::target::universal2::halves;
use crate::text::shell;

/// ziglink's own flag, which cargo never sees.
pub const REPRODUCIBLE_FLAG: &str = "--reproducible";

/// cargo's arguments with ziglink's taken out: each `--target` value split into the triple
/// cargo should see and the spec (with any glibc suffix) ziglink should honour, and
/// `--reproducible` removed.
#[derive(Debug, PartialEq, Eq)]
pub struct CargoArgs {
    pub args: Vec<OsString>,
    pub targets: Vec<String>,
    pub reproducible: bool,
    /// `--manifest-path`, which `ziglink cargo --reproducible` needs to find the workspace.
    pub manifest_path: Option<OsString>,
    /// A `--target universal2-apple-darwin` became both apple targets, whose files are merged
    /// once cargo is done.
    pub universal2: bool,
}

pub fn split_args(args: &[OsString]) -> CargoArgs {
    let mut out = CargoArgs {
        args: Vec::with_capacity(args.len()),
        targets: Vec::new(),
        reproducible: false,
        manifest_path: None,
        universal2: false,
    };
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            // What follows belongs to the program cargo runs, not to cargo.
            out.args.push(arg.clone());
            out.args.extend(iter.by_ref().cloned());
            break;
        }
        if arg == REPRODUCIBLE_FLAG {
            out.reproducible = true;
            continue;
        }
        if arg == "--manifest-path" {
            out.args.push(arg.clone());
            if let Some(value) = iter.next_if(|value| *value != "--") {
                out.manifest_path = Some(value.clone());
                out.args.push(value.clone());
            }
            continue;
        }
        if let Some(value) = arg
            .to_str()
            .and_then(|a| a.strip_prefix("--manifest-path="))
        {
            out.manifest_path = Some(OsString::from(value));
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
        if let Some([x86_64, aarch64]) = halves(&spec) {
            out.args.push(OsString::from(triple::split_spec(&x86_64).0));
            out.args.push(OsString::from("--target"));
            out.args
                .push(OsString::from(triple::split_spec(&aarch64).0));
            out.targets.extend([x86_64, aarch64]);
            out.universal2 = true;
            continue;
        }
        out.args.push(OsString::from(triple::split_spec(&spec).0));
        out.targets.push(spec);
    }
    out
}

/// Whether cargo runs what it builds: `test`, `run`, `bench` (and their short forms) or
/// cargo-nextest's `nextest`, which reads the same runner variable, without `--no-run`. cargo's
/// options before the subcommand are skipped, with the values of those that take one.
pub fn runs_what_it_builds(args: &[OsString]) -> bool {
    const VALUED: &[&str] = &["--config", "-Z", "-C", "--color", "--explain"];
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    let subcommand = loop {
        match iter.next() {
            Some(arg) if VALUED.contains(&arg.as_ref()) => {
                iter.next();
            }
            Some(arg) if arg.starts_with('-') => {}
            other => break other,
        }
    };
    let runs = matches!(
        subcommand.as_deref(),
        Some("test" | "t" | "run" | "r" | "bench" | "nextest")
    );
    runs && !iter.take_while(|a| a != "--").any(|a| a == "--no-run")
}

/// Whether bindgen's clang arguments are worth their cost for this build (`project::lockfile`).
fn may_run_bindgen(split: &CargoArgs, settings: &Settings) -> bool {
    let Ok(here) = std::env::current_dir() else {
        return true;
    };
    let manifest = split.manifest_path.as_deref().map(Path::new);
    let may = lockfile::build_may_run_bindgen(&here, manifest);
    if !may {
        settings.log_line(|| "bindgen is not in Cargo.lock: no clang arguments for it".into());
    }
    may
}

pub fn run(args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let split = split_args(args);
    let targets = settings.resolve_targets(&split.targets)?;

    let zig = launch::find_zig(&settings, None)?;
    let reproducible = split.reproducible || settings.reproducible;
    let runs: Vec<Plan> = if runs_what_it_builds(&split.args) {
        let dir = std::env::current_dir().unwrap_or_default();
        let var = |name: &str| std::env::var_os(name);
        targets
            .iter()
            .map(|target| {
                let triple = (target.spec.rust, &*runner::runner_var(target.spec.rust));
                let theirs = runners::user_runner(&dir, triple, &split.args, &var);
                runner::plan_here(target, theirs)
            })
            .collect()
    } else {
        Vec::new()
    };
    let here = Here {
        settings: &settings,
        reproducible,
        zig: Some(&zig),
        bindgen: may_run_bindgen(&split, &settings),
        runs: &runs,
    };
    let setup = cargo_setup::build(&targets, &Destination::Process(here))?;

    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cargo = Command::new(&program);
    let mut cargo_args = split.args.clone();
    if reproducible {
        reproducible_build(&mut cargo, &mut cargo_args, &program, &split);
    }
    if split.universal2 {
        // Before `--`: what follows belongs to the program cargo runs.
        let at = cargo_args
            .iter()
            .position(|a| a == "--")
            .unwrap_or(cargo_args.len());
        cargo_args.insert(at, OsString::from(universal2::MESSAGE_FORMAT));
    }
    cargo.args(&cargo_args);
    cargo.envs(setup.settings.iter().map(Setting::as_env_var));
    if let Some(path) = setup.path_with_own_dir() {
        cargo.env("PATH", path);
    }
    settings.log_line(|| shell::command_line(Path::new("cargo"), &cargo_args));
    if split.universal2 {
        return universal2_build(cargo);
    }
    match Report::wanted(&targets, &settings)? {
        Some(report) => report.run_cargo(cargo),
        None => Err(exec_cargo(cargo)),
    }
}

/// Runs cargo for both apple targets with its messages on a pipe (diagnostics are still
/// rendered on stderr, and what a program cargo runs prints is passed on as it comes), then
/// writes each fat file.
fn universal2_build(mut cargo: Command) -> Result<ExitCode> {
    use std::io::{BufRead, Write};
    let program = PathBuf::from(cargo.get_program());
    let started = cargo
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = started.map_err(|source| Error::CargoStart {
        path: program.clone(),
        source,
    })?;
    let mut messages = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut ours = std::io::stdout().lock();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if line.starts_with('{') {
                messages.push_str(&line);
                messages.push('\n');
            } else {
                let _ = writeln!(ours, "{line}");
            }
        }
    }
    let status = child.wait().map_err(|source| Error::CargoStart {
        path: program,
        source,
    })?;
    if !status.success() {
        return Ok(ExitCode(status.code().filter(|&c| c != 0).unwrap_or(1)));
    }
    for pair in universal2::pairs(&universal2::artifact_files(&messages)) {
        if universal2::merge(&pair)? {
            eprintln!("      Merged {} (x86_64 + arm64)", pair.fat.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns the switch on for the compilers and the linker, and gives rustc the path remaps
/// (see `reproducible::rustflags` for where they go and why).
fn reproducible_build(
    cargo: &mut Command,
    cargo_args: &mut Vec<OsString>,
    program: &OsStr,
    split: &CargoArgs,
) {
    cargo.env(settings::REPRODUCIBLE, "1");
    let var = |name: &str| std::env::var_os(name);
    let workspace = workspace_root(program, split);
    let flags: Vec<OsString> = reproducible::rustc_maps(&var, workspace.as_deref())
        .iter()
        .map(PrefixMap::rustc_arg)
        .collect();
    match reproducible::route(&var, &flags) {
        Route::Env(name, value) => {
            cargo.env(name, value);
        }
        Route::Config(value) => {
            // Before the subcommand, after a `+toolchain`.
            let at = usize::from(toolchain(&split.args).is_some());
            let at = at.min(cargo_args.len());
            cargo_args.splice(at..at, [OsString::from("--config"), OsString::from(value)]);
        }
    }
}

/// The folder cargo runs rustc in, which rustc records: the workspace's root. Asking cargo is
/// one process per `ziglink cargo --reproducible`, not per compile; when it cannot say (no
/// project yet), there is no workspace to remap.
fn workspace_root(program: &OsStr, split: &CargoArgs) -> Option<PathBuf> {
    let mut cmd = Command::new(program);
    if let Some(toolchain) = toolchain(&split.args) {
        cmd.arg(toolchain);
    }
    cmd.args(["locate-project", "--workspace", "--message-format", "plain"]);
    if let Some(manifest) = &split.manifest_path {
        cmd.arg("--manifest-path").arg(manifest);
    }
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let manifest = Path::new(text.trim_end_matches(['\n', '\r']));
    manifest.parent().map(Path::to_path_buf)
}

/// rustup's `+toolchain`, which must stay cargo's first argument.
fn toolchain(args: &[OsString]) -> Option<&OsString> {
    args.first()
        .filter(|a| a.as_encoded_bytes().starts_with(b"+"))
}

fn exec_cargo(cargo: Command) -> Error {
    Error::CargoStart {
        path: PathBuf::from(cargo.get_program()),
        source: crate::platform::process::replace_with(cargo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> (Vec<String>, Vec<String>) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let out = split_args(&args);
        let shown = out
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        (shown, out.targets)
    }

    #[test]
    fn knows_which_subcommands_run_what_they_build() {
        let cases: &[(&[&str], bool)] = &[
            (&["test", "--target", "s390x-unknown-linux-gnu"], true),
            (&["t"], true),
            (&["run", "--release"], true),
            (&["r", "--", "--no-run"], true), // the program's argument
            (&["bench"], true),
            (&["nextest", "run"], true),
            (&["test", "--no-run"], false),
            (&["build", "--target", "s390x-unknown-linux-gnu"], false),
            (&["--locked", "-Z", "build-std", "test"], true),
            (&["--config", "test", "build"], false),
            (&["-v", "--config=a=1", "run"], true),
            (&["rustc", "--", "test"], false),
            (&[], false),
        ];
        for (args, want) in cases {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert_eq!(runs_what_it_builds(&args), *want, "{args:?}");
        }
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
                &["build", "--target=universal2-apple-darwin.10.13", "-r"],
                &[
                    "build",
                    "--target",
                    "x86_64-apple-darwin",
                    "--target",
                    "aarch64-apple-darwin",
                    "-r",
                ],
                &["x86_64-apple-darwin.10.13", "aarch64-apple-darwin.11.0"],
            ),
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

    /// Given, then what cargo sees, `--reproducible`, `--manifest-path`.
    type SplitCase<'a> = (&'a [&'a str], &'a [&'a str], bool, Option<&'a str>);

    #[test]
    fn takes_out_the_reproducible_flag_and_notes_the_manifest() {
        let cases: &[SplitCase] = &[
            (
                &["--reproducible", "build", "--release"],
                &["build", "--release"],
                true,
                None,
            ),
            (
                &[
                    "+nightly",
                    "build",
                    "--reproducible",
                    "--manifest-path",
                    "a/Cargo.toml",
                ],
                &["+nightly", "build", "--manifest-path", "a/Cargo.toml"],
                true,
                Some("a/Cargo.toml"),
            ),
            (
                &["build", "--manifest-path=b/Cargo.toml"],
                &["build", "--manifest-path=b/Cargo.toml"],
                false,
                Some("b/Cargo.toml"),
            ),
            // after `--` it belongs to the program cargo runs
            (
                &["run", "--", "--reproducible"],
                &["run", "--", "--reproducible"],
                false,
                None,
            ),
        ];
        for (input, args, reproducible, manifest) in cases {
            let input: Vec<OsString> = input.iter().map(OsString::from).collect();
            let out = split_args(&input);
            let expected: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert_eq!(out.args, expected, "{input:?}");
            assert_eq!(out.reproducible, *reproducible, "{input:?}");
            assert_eq!(out.manifest_path, manifest.map(OsString::from), "{input:?}");
        }
    }
}
