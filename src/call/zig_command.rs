//! The one place a zig command is made: zig's cache moved to a private folder when its default
//! is not writable, and the lib folder that is the same in every build environment.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::call::settings::Settings;
use crate::error::Result;
use crate::zig::cache::location;
use crate::zig::lib_copy;

/// `zig args`, with zig's cache moved to a private folder when its default is not writable,
/// and the lib folder that is the same in every environment (`lib_copy`).
pub fn zig_command(zig: &Path, args: &[OsString], settings: &Settings) -> Result<Command> {
    let mut cmd = Command::new(zig);
    cmd.args(args);
    let location = location::for_this_process();
    let moved = location.for_zig()?;
    if let Some(dir) = &moved {
        settings.log_line(|| {
            format!(
                "zig's default cache is not writable; using {}",
                dir.display()
            )
        });
        cmd.env(location::ZIG_CACHE_VAR, dir);
    }
    let root = moved.as_deref().or(location.path());
    if let Some(lib) = root.and_then(|root| stable_lib_dir(zig, root, settings)) {
        cmd.env(lib_copy::LIB_DIR_VAR, lib);
    }
    Ok(cmd)
}

/// The copy of zig's lib folder in the cache at `root`, made if missing; `None` (zig's own
/// folder) when the user names one or turns it off, zig gets no copy, or it cannot be made,
/// which is logged.
fn stable_lib_dir(zig: &Path, root: &Path, settings: &Settings) -> Option<PathBuf> {
    lib_copy::in_cache(zig, root).unwrap_or_else(|why| {
        settings.log_line(|| format!("zig keeps its own lib folder: {why}"));
        None
    })
}
