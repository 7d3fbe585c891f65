//! `ziglink-cmake`: the `cmake` that `CMAKE_<target>` names for the cmake crate. It runs the
//! real cmake with two things settled first, so that a CMake build folder in `target/` outlives
//! the build environment that configured it:
//!
//! - a build folder whose recorded tools no longer exist (their environment was deleted) is
//!   configured afresh, as CMake itself does when a compiler changed but still exists;
//! - `ar` and `ranlib` are ziglink's, found beside this program on every configure. Left to
//!   itself CMake picks the host's (`llvm-ar` when the compiler is a clang).
//!
//! The compilers need nothing: the cmake crate passes them, resolved on PATH, every time.

mod recorded;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::call::exec;
use crate::call::tools::Tool;
use crate::error::{Error, Result};

pub use recorded::{invocation, tool_paths, Invocation};

/// The executable's name, which `CMAKE_<target>` holds.
pub const PROGRAM: &str = "ziglink-cmake";

pub fn run(args: &[OsString]) -> Result<std::convert::Infallible> {
    let call = invocation(args);
    let mut cmd = Command::new(real_cmake()?);
    if call.configures {
        let build_dir = match &call.build_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_dir().map_err(|e| Error::Cmake(e.to_string()))?,
        };
        if names_a_gone_tool(&build_dir) {
            // Without the gone path: the message lands in target/, which should not name it.
            eprintln!(
                "ziglink-cmake: a tool {} names no longer exists (its build environment was \
                 removed); configuring that folder afresh",
                build_dir.join("CMakeCache.txt").display(),
            );
            forget_configuration(&build_dir)?;
        }
        cmd.args(own_tools(&call));
    }
    cmd.args(args);
    Err(exec::exec(cmd))
}

/// `-DCMAKE_AR=<beside this program>/ziglink-ar` and the same for ranlib, unless the run
/// defines them itself.
fn own_tools(call: &Invocation) -> Vec<OsString> {
    let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    [("CMAKE_AR", Tool::Ar), ("CMAKE_RANLIB", Tool::Ranlib)]
        .into_iter()
        .filter(|(name, _)| !call.defined.iter().any(|d| d == name))
        .map(|(name, tool)| {
            let mut define = OsString::from(format!("-D{name}="));
            define.push(dir.join(crate::platform::layout::exe(tool.program())));
            define
        })
        .collect()
}

/// Whether a tool the build folder's configuration names is gone. A folder with no cache has
/// nothing recorded.
fn names_a_gone_tool(build_dir: &Path) -> bool {
    let Ok(cache) = std::fs::read_to_string(build_dir.join("CMakeCache.txt")) else {
        return false;
    };
    let mut recorded = tool_paths(&cache);
    let versions = std::fs::read_dir(build_dir.join("CMakeFiles"))
        .into_iter()
        .flatten();
    for version in versions.filter_map(std::result::Result::ok) {
        for lang in ["C", "CXX", "ASM"] {
            let file = version.path().join(format!("CMake{lang}Compiler.cmake"));
            if let Ok(text) = std::fs::read_to_string(file) {
                recorded.extend(tool_paths(&text));
            }
        }
    }
    recorded.iter().any(|path| !path.exists())
}

/// Removes what CMake decided when it first configured the folder: the cache and `CMakeFiles`
/// (never following a symlink). The build's own outputs stay, and are rebuilt as needed.
fn forget_configuration(build_dir: &Path) -> Result<()> {
    let failed = |e: std::io::Error| Error::Cmake(format!("{}: {e}", build_dir.display()));
    std::fs::remove_file(build_dir.join("CMakeCache.txt")).map_err(failed)?;
    let files = build_dir.join("CMakeFiles");
    match std::fs::symlink_metadata(&files) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&files).map_err(failed),
        Ok(_) => std::fs::remove_file(&files).map_err(failed),
        Err(_) => Ok(()),
    }
}

/// `CMAKE` when it names another program, else `cmake` on PATH.
fn real_cmake() -> Result<PathBuf> {
    let given = std::env::var_os("CMAKE")
        .filter(|c| !c.is_empty())
        .filter(|c| Path::new(c).file_stem() != Some(PROGRAM.as_ref()));
    let name = given.unwrap_or_else(|| "cmake".into());
    which::which(&name).map_err(|e| {
        Error::Cmake(format!(
            "cannot find `{}` to run: {e}; install CMake, or set CMAKE to it",
            name.to_string_lossy()
        ))
    })
}
