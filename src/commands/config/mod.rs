//! `ziglink config`: cargo's settings for a target written as a config file snippet, or merged
//! into an existing file.

pub mod edit;
pub mod snippet;

use std::path::Path;

use crate::call::settings::Settings;
use crate::cargo_setup::{self, Destination};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::platform::replace::{self, Durability};
use snippet::Format;

pub fn run(targets: &[String], format: Format, edit: Option<&Path>) -> Result<ExitCode> {
    let targets = Settings::from_process_env()?.resolve_targets(targets)?;
    let settings = cargo_setup::build(&targets, &Destination::File)?.settings;
    let Some(file) = edit else {
        print!("{}", snippet::render(&settings, format));
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
    let merged = edit::edit(&text, &settings, format).map_err(failed)?;
    if merged != text {
        // `.cargo/` is often not there yet.
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
        }
        replace::replace(file, merged.as_bytes(), Durability::Synced)
            .map_err(|e| failed(e.to_string()))?;
    }
    eprintln!("ziglink: {} has ziglink's settings", file.display());
    Ok(ExitCode::SUCCESS)
}
