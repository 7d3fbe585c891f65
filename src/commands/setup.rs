//! `ziglink env` and `ziglink config`: what `ziglink cargo` sets up for each target, handed to
//! the user to export or to write into a config file instead.

use std::path::Path;

use crate::call::launch;
use crate::call::settings::Settings;
use crate::cargo_setup::bindgen;
use crate::cargo_setup::path_env;
use crate::cargo_setup::sccache_key;
use crate::cargo_setup::vars;
use crate::commands::config::edit;
use crate::commands::config::snippet::{self, Format};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::text::exports::{self, Export, Shell};

pub struct EnvRequest {
    pub targets: Vec<String>,
    pub shell: Shell,
    /// Also export bindgen's clang arguments. They name folders (copies of zig's headers made
    /// on first use), so they cost a zig run per target and, once, the copy.
    pub bindgen: bool,
}

pub fn env(request: &EnvRequest) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let targets = settings.resolve_targets(&request.targets)?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut exports = Vec::new();
    if let Some(dir) = path_env::own_dir_to_prepend(&path) {
        exports.push(Export::PrependPath(dir.to_string_lossy().into_owned()));
    }
    let set = |(name, value)| Export::Set { name, value };
    exports.extend(vars::for_targets(&targets).into_iter().map(set));
    exports.push(set((
        sccache_key::BUSTER.to_string(),
        sccache_key::value_here(&targets, settings.reproducible),
    )));
    if request.bindgen {
        let zig = launch::find_zig(&settings, None)?;
        exports.extend(
            bindgen::env_vars(&zig, &targets, &settings)
                .into_iter()
                .map(set),
        );
    }
    print!(
        "{}",
        exports::render(&exports, request.shell, &path.to_string_lossy())
    );
    Ok(ExitCode::SUCCESS)
}

pub fn config(targets: &[String], format: Format, edit: Option<&Path>) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let targets = settings.resolve_targets(targets)?;
    let Some(file) = edit else {
        print!("{}", snippet::render(&targets, format));
        return Ok(ExitCode::SUCCESS);
    };
    let failed = |reason: String| Error::ConfigEdit {
        file: file.to_path_buf(),
        reason,
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(failed(e.to_string())),
    };
    let merged = edit::edit(&text, &snippet::settings(&targets), format).map_err(failed)?;
    if merged != text {
        // `.cargo/` is often not there yet.
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
        }
        std::fs::write(file, merged).map_err(|e| failed(e.to_string()))?;
    }
    eprintln!("ziglink: {} has ziglink's settings", file.display());
    Ok(ExitCode::SUCCESS)
}
