//! `ziglink pep517 -- <maturin's build arguments>`: what the `ziglink.maturin` build backend
//! hands maturin, printed as JSON for its Python hooks: the build arguments (with the
//! compatibility tag that matches the floor), the variables that set cargo up for the target
//! being built (from the one builder, `cargo_setup::build`), and a line for the build log per
//! decision. Run in the project's folder, as PEP 517 hooks are.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::backend::plan::{self, Request};
use crate::call::launch;
use crate::call::settings::Settings;
use crate::cargo_setup::{self, Destination, Here, Setting};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::project::pyproject::{self, BackendSettings};
use crate::project::{build_targets, files, lockfile};
use crate::target::host;
use crate::target::macos::DEPLOYMENT_TARGET;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let dir = std::env::current_dir().unwrap_or_default();
    let var = |name: &str| std::env::var_os(name);
    let pyproject = read_pyproject(&dir)?;
    let env_target = var("CARGO_BUILD_TARGET")
        .filter(|v| !v.is_empty())
        .map(|v| v.to_string_lossy().into_owned());
    let config_target = build_targets::configured(&dir, &var).into_iter().next();
    let env_glibc = |triple: &str| settings.glibc_for(triple, var);
    let env_macos = var(DEPLOYMENT_TARGET).map(|v| v.to_string_lossy().into_owned());
    let plan = plan::plan(&Request {
        args,
        pyproject: &pyproject,
        env_target: env_target.as_deref(),
        config_target: config_target.as_deref(),
        host: host::triple(),
        env_glibc: &env_glibc,
        env_macos: env_macos.as_deref(),
    })?;

    let targets = match plan.targets.is_empty() {
        true => Vec::new(),
        false => settings.resolve_targets(&plan.targets)?,
    };
    let mut env = Map::new();
    if !targets.is_empty() {
        // Without zig there is nothing to check a floor against yet; the links will say so.
        let zig = launch::find_zig(&settings, None).ok();
        let here = Here {
            settings: &settings,
            reproducible: settings.reproducible,
            zig: zig.as_ref(),
            bindgen: zig.is_some() && lockfile::build_may_run_bindgen(&dir, None),
            runs: &[],
        };
        let setup = cargo_setup::build(&targets, &Destination::Process(here))?;
        for (name, value) in setup.settings.iter().map(Setting::as_env_var) {
            env.insert(name, Value::String(value));
        }
        if let Some(path) = setup.path_with_own_dir() {
            env.insert("PATH".into(), path.to_string_lossy().into_owned().into());
        }
    }
    let out = json!({ "args": plan.args, "env": env, "notes": plan.notes });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The backend's settings from the project's pyproject.toml; none when there is no such file.
fn read_pyproject(dir: &Path) -> Result<BackendSettings> {
    let Some(path) = files::nearest(dir, "pyproject.toml") else {
        return Ok(BackendSettings::default());
    };
    let name = path.display().to_string();
    match std::fs::read_to_string(&path) {
        Ok(text) => pyproject::backend_settings(&name, &text),
        Err(error) => Err(Error::Pyproject {
            file: name,
            reason: error.to_string(),
        }),
    }
}
