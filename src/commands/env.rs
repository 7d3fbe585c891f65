//! `ziglink env`: what `ziglink cargo` sets up for each target, printed for a shell to
//! evaluate (or as JSON) instead of handed to cargo.

use crate::call::launch;
use crate::call::settings::Settings;
use crate::cargo_setup::{self, Destination, Here, Setting};
use crate::error::Result;
use crate::exit::ExitCode;
use crate::text::exports::{self, Export, Shell};

pub struct EnvRequest {
    pub targets: Vec<String>,
    pub shell: Shell,
    /// Also export bindgen's clang arguments. They name folders (copies of zig's headers made
    /// on first use), so they cost a zig run per target and, once, the copy.
    pub bindgen: bool,
}

pub fn run(request: &EnvRequest) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let targets = settings.resolve_targets(&request.targets)?;
    // bindgen's arguments need zig; without them, zig only adds checks, and the variables
    // are worth printing where zig is not installed yet.
    let zig = match launch::find_zig(&settings, None) {
        Ok(zig) => Some(zig),
        Err(e) if request.bindgen => return Err(e),
        Err(_) => None,
    };
    let here = Here {
        settings: &settings,
        reproducible: settings.reproducible,
        zig: zig.as_ref(),
        bindgen: request.bindgen,
        runs: &[],
    };
    let setup = cargo_setup::build(&targets, &Destination::Process(here))?;
    let dir = setup.path_dir.iter();
    let exports: Vec<Export> = dir
        .map(|dir| Export::PrependPath(dir.to_string_lossy().into_owned()))
        .chain(
            setup
                .settings
                .iter()
                .map(Setting::as_env_var)
                .map(|(name, value)| Export::Set { name, value }),
        )
        .collect();
    print!(
        "{}",
        exports::render(&exports, request.shell, &setup.path.to_string_lossy())
    );
    Ok(ExitCode::SUCCESS)
}
