//! ziglink's C compiler, C++ compiler, archiver, ranlib and dlltool: one executable each, because
//! cc-rs, cmake, autotools and rustc need a single program path per tool, not `zig cc` with a
//! space in it. The compilers apply the same target table and rules as the linker; nothing is
//! generated.

use std::ffi::OsString;
use std::path::Path;

use crate::call::apple_sdk;
use crate::call::compiler_identity;
use crate::call::infer;
use crate::call::launch::{self, Job, ZigCall};
use crate::call::lead_args::{self, Added};
use crate::call::reproducible;
use crate::call::response;
use crate::call::rules;
use crate::call::rustc_cpu;
use crate::call::settings::Settings;
use crate::error::Result;
use crate::exit::ExitCode;
use crate::target::host;
use crate::zig::find::Zig;
use crate::zig::version;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Cc,
    Cxx,
    Ar,
    Ranlib,
    /// Makes Windows import libraries: rustc runs it for raw-dylib imports on `*-windows-gnu`,
    /// and python3-dll-a for PyO3's `generate-import-lib`.
    Dlltool,
}

impl Tool {
    /// The tools cc-rs and the cmake crate take per target (`CC_<target>`, ...).
    pub const ALL: [Tool; 4] = [Tool::Cc, Tool::Cxx, Tool::Ar, Tool::Ranlib];

    /// The names rustc (and python3-dll-a) look up on PATH for a MinGW dlltool when cross
    /// compiling; ziglink's dlltool is installed under them too, so that they find it in the
    /// build environment with nothing to configure. aarch64 has only gnullvm, whose import
    /// libraries rustc writes itself.
    pub const MINGW_DLLTOOLS: [&'static str; 2] =
        ["x86_64-w64-mingw32-dlltool", "i686-w64-mingw32-dlltool"];

    /// The executable this tool is installed as; `ziglink cargo` names these in cargo's view.
    pub fn program(self) -> &'static str {
        match self {
            Tool::Cc => "ziglink-cc",
            Tool::Cxx => "ziglink-cxx",
            Tool::Ar => "ziglink-ar",
            Tool::Ranlib => "ziglink-ranlib",
            Tool::Dlltool => "ziglink-dlltool",
        }
    }

    /// The prefix of cc-rs's per-target variable for this tool: `CC` in `CC_<target>`.
    pub fn env_prefix(self) -> &'static str {
        match self {
            Tool::Cc => "CC",
            Tool::Cxx => "CXX",
            Tool::Ar => "AR",
            Tool::Ranlib => "RANLIB",
            Tool::Dlltool => "DLLTOOL",
        }
    }

    /// What a call of this tool does.
    fn job(self) -> Job {
        match self {
            Tool::Cc => Job::CCompile,
            Tool::Cxx => Job::CxxCompile,
            Tool::Ar => Job::Archive,
            Tool::Ranlib => Job::Ranlib,
            Tool::Dlltool => Job::Dlltool,
        }
    }

    /// The tool an executable named `argv0` stands for, so a link or copy of `ziglink` named
    /// `ziglink-cc` behaves as the C compiler.
    pub fn from_argv0(argv0: &OsString) -> Option<Tool> {
        let stem = Path::new(argv0).file_stem()?;
        if Tool::MINGW_DLLTOOLS.iter().any(|name| stem == *name) {
            return Some(Tool::Dlltool);
        }
        Tool::ALL
            .into_iter()
            .chain([Tool::Dlltool])
            .find(|t| stem == t.program())
    }
}

pub fn run(tool: Tool, argv0: Option<&OsString>, args: &[OsString]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    // A line ziglink refuses is reported as such even where zig is missing.
    let zig = launch::find_zig(&settings, argv0);
    let call = prepare(tool, &settings, args, zig.as_ref().ok())?;
    launch::zig(call, &settings, &zig?)
}

/// The zig call for one tool's line; `ziglink explain --tool cc` shows it without running it.
/// `zig` is the zig found, whose version compiles report and whose headers reproducible builds
/// map to a fixed name.
pub fn prepare(
    tool: Tool,
    settings: &Settings,
    args: &[OsString],
    zig: Option<&Zig>,
) -> Result<ZigCall> {
    Ok(match tool {
        // zig's ar and ranlib are target-independent and read their own @files; its dlltool
        // takes the machine from `-m`, as GNU's does, and accepts the options rustc passes.
        Tool::Ar | Tool::Ranlib | Tool::Dlltool => ZigCall::untranslated(tool.job(), args),
        Tool::Cc | Tool::Cxx => {
            let expanded = response::expand(args, &|path| std::fs::read(path))?;
            // The line's own `--target=` (when it is a Rust triple) is the most specific;
            // cargo's TARGET, which build scripts and what they run inherit, comes next. A
            // compiler run outside any build script (maturin's cc-rs asks it `-E` what family
            // it is) compiles for the build's target, else the host, as a plain `cc` does.
            let text = settings
                .target
                .clone()
                .or_else(|| infer::compile_target(&expanded.args))
                .or_else(|| std::env::var("TARGET").ok())
                .or_else(|| settings.build_target.clone())
                .unwrap_or_else(|| host::triple().to_string());
            let target = settings.resolve_target(&text)?;
            let translation = rules::translate(&expanded.args, &target, &|p| p.is_file())?;
            // A compiler asked to link (CMake and autotools link through it) strips as the
            // linker does, and needs no UBSan runtime either; a compile's `-Wl,` options do
            // nothing.
            let compiles = translation
                .args
                .iter()
                .any(|a| a == "-c" || a == "-E" || a == "-S");
            let mut lead = lead_args::compile_lead(&target);
            if !compiles {
                lead.extend(lead_args::no_ubsan_runtime(&translation.args));
            }
            if let Some(sdk) = target.is_apple().then(|| settings.sdk()).flatten() {
                lead.push(apple_sdk::compile_lead(&sdk));
            }
            lead.extend(rustc_cpu::for_compile(&target, |name| {
                std::env::var(name).ok()
            })?);
            if let Some(version) = zig.and_then(version::of) {
                lead.push(compiler_identity::added(&version));
            }
            if let Some(zig) = zig.filter(|_| settings.reproducible) {
                lead.push(Added {
                    rule: "reproducible",
                    reason: "ZIGLINK_REPRODUCIBLE: this build's folders and zig's mapped to fixed \
                             names, and __DATE__/__TIME__ pinned to SOURCE_DATE_EPOCH",
                    args: reproducible::compile_args_here(&zig.path, &translation.args)?,
                });
            }
            let strip_debug = !compiles && translation.applied(rules::STRIP_DEBUG);
            let large_address_aware = !compiles && translation.applied(rules::LARGE_ADDRESS_AWARE);
            let response_dir = expanded.first_file_dir;
            ZigCall {
                strip_debug,
                large_address_aware,
                links: !compiles,
                ..ZigCall::translated(tool.job(), target, lead, translation, response_dir)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_recognised_by_name() {
        for tool in Tool::ALL {
            let by_path = OsString::from(format!("/venv/bin/{}", tool.program()));
            assert_eq!(Tool::from_argv0(&by_path), Some(tool));
            assert_eq!(
                Tool::from_argv0(&OsString::from(tool.program())),
                Some(tool)
            );
        }
        for name in [
            "ziglink-dlltool",
            "/env/bin/x86_64-w64-mingw32-dlltool",
            "i686-w64-mingw32-dlltool",
        ] {
            assert_eq!(
                Tool::from_argv0(&OsString::from(name)),
                Some(Tool::Dlltool),
                "{name}"
            );
        }
        assert_eq!(Tool::from_argv0(&OsString::from("dlltool")), None);
        assert_eq!(Tool::from_argv0(&OsString::from("ziglink")), None);
        assert_eq!(Tool::from_argv0(&OsString::from("cc")), None);
    }
}
