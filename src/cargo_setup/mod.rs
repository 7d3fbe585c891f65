//! cargo's environment for building with ziglink: one builder (`build`) used by `ziglink
//! cargo` (set on cargo's process), `ziglink env` (printed for a shell) and `ziglink config`
//! (written into a config file), so the three cannot drift apart.
//!
//! May depend on `call` (the settings and tool names it sets up), `project` (the rustflags of
//! cargo's config files, for the sccache key), `target`, `zig`, `text`, `platform` and `error`.

pub mod bindgen;
pub mod path_env;
pub mod runner;
pub mod sccache_key;
pub mod toolchain;
pub mod vars;

use std::ffi::OsString;
use std::path::PathBuf;

use crate::call::rustc_cpu;
use crate::call::settings::{Settings, BUILD_TARGET};
use crate::error::Result;
use crate::target::emulation::Plan;
use crate::target::triple::Target;
use crate::text::toml;
use crate::zig::find::Zig;
use crate::zig::glibc_list;

/// One cargo setting ziglink needs, wherever it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// `[target.<triple>] linker = "ziglink"`.
    Linker { triple: &'static str },
    /// `[env] NAME = "value"`.
    Env { name: String, value: String },
}

impl Setting {
    /// The setting as cargo reads it from the environment: `CARGO_TARGET_<T>_LINKER=ziglink`.
    pub fn as_env_var(&self) -> (String, String) {
        match self {
            Setting::Linker { triple } => (vars::linker_var(triple), vars::LINKER.to_string()),
            Setting::Env { name, value } => (name.clone(), value.clone()),
        }
    }

    /// The setting as `cargo --config` takes it: `target.<triple>.linker="ziglink"`.
    pub fn as_cargo_flag(&self) -> String {
        match self {
            Setting::Linker { triple } => {
                format!("target.{triple}.linker={}", toml::string(vars::LINKER))
            }
            Setting::Env { name, value } => format!("env.{name}={}", toml::string(value)),
        }
    }
}

/// Where the settings go, which decides what they may depend on.
pub enum Destination<'a> {
    /// This process's environment, handed to cargo now (`ziglink cargo`) or soon
    /// (`ziglink env`): the settings may depend on it, and are checked against it.
    Process(Here<'a>),
    /// A config file, read later by builds in other environments: only what holds in all.
    File,
}

/// What a setup for this process is built from.
pub struct Here<'a> {
    pub settings: &'a Settings,
    pub reproducible: bool,
    /// The zig builds will run, when known: each glibc floor is checked against the releases
    /// it ships, and bindgen's clang arguments name its header folders.
    pub zig: Option<&'a Zig>,
    pub bindgen: bool,
    /// How each target's programs run here, one per target, when cargo will run what it
    /// builds (`test`, `run`, `bench`); empty otherwise.
    pub runs: &'a [Plan],
}

/// Everything cargo needs for the targets.
#[derive(Debug)]
pub struct Setup {
    /// For each target, its linker and then its build variables; then the values that concern
    /// all targets.
    pub settings: Vec<Setting>,
    /// ziglink's own folder, when PATH needs it in front for the bare names in `settings` to
    /// resolve to the ziglink that made them.
    pub path_dir: Option<PathBuf>,
    /// This process's PATH, which `path_dir` was judged against; empty for a file.
    pub path: OsString,
}

impl Setup {
    /// The PATH cargo's process needs: `path` with `path_dir` in front, or `None` when `path`
    /// already serves.
    pub fn path_with_own_dir(&self) -> Option<OsString> {
        path_env::prepend(self.path_dir.as_deref()?, &self.path)
    }
}

/// The one builder of cargo's environment. For this process, it first makes the checks every
/// link would make, so a wrong target or floor fails before cargo compiles anything.
pub fn build(targets: &[Target], to: &Destination) -> Result<Setup> {
    let mut settings = Vec::new();
    for target in targets {
        settings.push(Setting::Linker {
            triple: target.spec.rust,
        });
        settings.extend(vars::build_env(target).into_iter().map(env));
    }
    settings.extend(vars::deployment_target(targets).map(env));
    let Destination::Process(here) = to else {
        // A file's settings hold for any environment: only the config files' rustflags count.
        let buster = sccache_key::value_configured(targets);
        settings.push(env((sccache_key::BUSTER.to_string(), buster)));
        return Ok(Setup {
            settings,
            path_dir: None,
            path: OsString::new(),
        });
    };
    if let [only] = targets {
        let build_target = (BUILD_TARGET.to_string(), only.spec.rust.to_string());
        settings.push(env(build_target));
    }
    for target in targets {
        rustc_cpu::check(target, |name| std::env::var(name).ok())?;
        if let Some(zig) = here.zig {
            glibc_list::check_requested(target, &zig.path)?;
        }
    }
    for (target, plan) in targets.iter().zip(here.runs) {
        here.settings
            .log_line(|| format!("{}: {}", target.spec.rust, plan.describe()));
        settings.extend(runner::setting(target, plan)?.map(env));
    }
    let (rustdoc, mismatch) = toolchain::here(|name| std::env::var_os(name));
    settings.extend(rustdoc.map(env));
    if let Some(text) = mismatch {
        here.settings.warn(&text);
    }
    let buster = sccache_key::value_here(targets, here.reproducible);
    settings.push(env((sccache_key::BUSTER.to_string(), buster)));
    if let (true, Some(zig)) = (here.bindgen, here.zig) {
        let clang = bindgen::env_vars(zig, targets, here.settings);
        settings.extend(clang.into_iter().map(env));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    Ok(Setup {
        settings,
        path_dir: path_env::own_dir_to_prepend(&path),
        path,
    })
}

fn env((name, value): (String, String)) -> Setting {
    Setting::Env { name, value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::glibc::Glibc;

    #[test]
    fn names_every_tool_by_its_bare_name() {
        let targets = [
            Target::resolve("aarch64-unknown-linux-gnu.2.28", None).unwrap(),
            Target::resolve("x86_64-unknown-linux-musl", Some(Glibc::new(2, 17))).unwrap(),
        ];
        let setup = build(&targets, &Destination::File).unwrap();
        let vars: Vec<(String, String)> = setup
            .settings
            .iter()
            .map(Setting::as_env_var)
            .filter(|(name, _)| name != sccache_key::BUSTER)
            .collect();
        let expected = [
            ("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", "ziglink"),
            ("CC_aarch64_unknown_linux_gnu", "ziglink-cc"),
            ("CXX_aarch64_unknown_linux_gnu", "ziglink-cxx"),
            ("AR_aarch64_unknown_linux_gnu", "ziglink-ar"),
            ("RANLIB_aarch64_unknown_linux_gnu", "ziglink-ranlib"),
            ("CMAKE_aarch64_unknown_linux_gnu", "ziglink-cmake"),
            ("ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU", "2.28"),
            ("CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER", "ziglink"),
            ("CC_x86_64_unknown_linux_musl", "ziglink-cc"),
            ("CXX_x86_64_unknown_linux_musl", "ziglink-cxx"),
            ("AR_x86_64_unknown_linux_musl", "ziglink-ar"),
            ("RANLIB_x86_64_unknown_linux_musl", "ziglink-ranlib"),
            ("CMAKE_x86_64_unknown_linux_musl", "ziglink-cmake"),
        ];
        let got: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expected);
        assert!(
            vars.iter().all(|(_, v)| !v.contains('/')),
            "values must be names, not paths"
        );
    }
}
