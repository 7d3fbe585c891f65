//! `ZIGLINK_REPRODUCIBLE` (or `ziglink cargo --reproducible`): the same sources, built by the
//! same toolchain versions, give the same bytes wherever the sources, the target folder and
//! zig are, and whenever they are built.
//!
//! Measured with zig 0.17.1 on the hello-c fixture, the differences between two builds in two
//! folders with zig in two venvs were: the compile folder and source paths in the C objects'
//! debug info (zig compiles with debug info unless told otherwise), zig's header paths in the
//! C++ object's, CMake's absolute `__FILE__`, and `__DATE__`/`__TIME__` (zig's clang reads
//! SOURCE_DATE_EPOCH, but zig's cache does not key on it). zig's `ar` already writes zero
//! dates, uids and modes, and rustc's own objects record relative paths unless they carry
//! debug info.
//!
//! Each decision is a pure function of the environment, looked up through a closure. The
//! compilers, the linker and `ziglink cargo` call in with one line each, only when the switch
//! is on, so a build without it pays one environment lookup.

mod epoch;
mod paths;
mod rustflags;

use std::ffi::OsString;
use std::path::Path;

use crate::error::Result;

pub use epoch::{source_date_epoch, DEFAULT_EPOCH, SOURCE_DATE_EPOCH};
pub use paths::{compile_maps, rustc_maps, PrefixMap};
pub use rustflags::{route, Route, ENCODED_RUSTFLAGS};

/// What the C compilers add in front of a compile, for this process's environment.
pub fn compile_args_here(zig: &Path, line: &[OsString]) -> Result<Vec<OsString>> {
    let var = |name: &str| std::env::var_os(name);
    let mut zig_lib = crate::zig::find::lib_dirs_here(zig);
    // Made now if missing, as the zig call after this would make it: the first compile in a new
    // cache must map it too. Why it cannot be made is zig_command's to log.
    let copy = crate::zig::cache::in_use()
        .ok()
        .and_then(|(root, _)| crate::zig::lib_copy::in_cache(zig, &root).ok().flatten());
    zig_lib.extend(copy);
    let cwd = std::env::current_dir().ok();
    compile_args(&var, cwd.as_deref(), &zig_lib, line)
}

/// The prefix maps for every folder the compile may record, and, when the line runs the
/// preprocessor, the date `__DATE__` and `__TIME__` expand to.
pub fn compile_args(
    var: &dyn Fn(&str) -> Option<OsString>,
    cwd: Option<&Path>,
    zig_lib_dirs: &[std::path::PathBuf],
    line: &[OsString],
) -> Result<Vec<OsString>> {
    let mut args: Vec<OsString> = compile_maps(var, cwd, zig_lib_dirs)
        .iter()
        .filter_map(PrefixMap::clang_arg)
        .collect();
    if preprocesses(line) {
        let epoch = source_date_epoch(var)?;
        // As an argument rather than the variable clang also reads: zig's cache keys on the
        // arguments, not the environment, and would hand back an object compiled with an
        // earlier date.
        args.extend(
            ["-Xclang", "-source-date-epoch", "-Xclang"]
                .into_iter()
                .map(OsString::from),
        );
        args.push(OsString::from(epoch.to_string()));
        // zig makes these macros an error in optimised builds because they are not
        // reproducible; with the date pinned they are. A later -Werror=date-time still wins.
        args.push(OsString::from("-Wno-date-time"));
    }
    Ok(args)
}

/// False for a line whose only sources are plain assembly (`.s`): clang does not preprocess
/// those and warns that the date options are unused, which `-Werror` builds would fail on.
fn preprocesses(line: &[OsString]) -> bool {
    let ext = |arg: &OsString| {
        Path::new(arg)
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
    };
    let assembly = line.iter().any(|a| ext(a).as_deref() == Some("s"));
    if !assembly {
        return true;
    }
    const PREPROCESSED: &[&str] = &[
        "c", "cc", "cp", "cpp", "cxx", "c++", "C", "CC", "CPP", "S", "sx", "m", "mm", "h", "hh",
        "hpp", "hxx",
    ];
    line.iter()
        .filter_map(ext)
        .any(|e| PREPROCESSED.contains(&e.as_str()))
}

/// What a link line needs so that its build id depends on the linked bytes only: zig's
/// linker writes none by default, and `uuid` is random. `sha1` is what gcc-based
/// toolchains use; debuggers and crash reporters find symbols by it.
pub fn link_args(line: &[OsString]) -> Option<OsString> {
    match last_build_id(line) {
        None | Some("uuid") => Some(OsString::from("-Wl,--build-id=sha1")),
        Some(_) => None,
    }
}

/// The style of the last `--build-id` the line gives the linker (`fast` for a bare one).
fn last_build_id(line: &[OsString]) -> Option<&str> {
    let mut found = None;
    let mut after_xlinker = false;
    for arg in line {
        let Some(arg) = arg.to_str() else {
            after_xlinker = false;
            continue;
        };
        let linker_args: Vec<&str> = if after_xlinker {
            vec![arg]
        } else if let Some(list) = arg.strip_prefix("-Wl,") {
            list.split(',').collect()
        } else {
            Vec::new()
        };
        after_xlinker = arg == "-Xlinker";
        for item in linker_args {
            let option = item.strip_prefix("--").or_else(|| item.strip_prefix('-'));
            if let Some(rest) = option.and_then(|o| o.strip_prefix("build-id")) {
                found = Some(rest.strip_prefix('=').unwrap_or("fast"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn compile_args_pin_paths_and_the_date_when_the_line_preprocesses() {
        let var = |name: &str| match name {
            "CARGO_MANIFEST_DIR" => Some(OsString::from("/src/p")),
            "CARGO_PKG_NAME" => Some(OsString::from("p")),
            "CARGO_PKG_VERSION" => Some(OsString::from("1.0.0")),
            "SOURCE_DATE_EPOCH" => Some(OsString::from("1700000000")),
            _ => None,
        };
        let zig_lib = [std::path::PathBuf::from("/venv/ziglang/lib")];
        let date = [
            "-Xclang",
            "-source-date-epoch",
            "-Xclang",
            "1700000000",
            "-Wno-date-time",
        ];
        let maps = [
            "-ffile-prefix-map=/src/p=p-1.0.0",
            "-ffile-prefix-map=/venv/ziglang/lib=zig/lib",
        ];
        let cases: &[(&[&str], bool)] = &[
            (&["-c", "x.c"], true),
            (&["-S", "-o", "x.s", "x.c"], true),
            (&["-c", "start.S"], true),
            (&["-c", "start.s", "-o", "start.o"], false),
            (&["a.o", "-o", "a.out"], true),
        ];
        for (line, with_date) in cases {
            let got = compile_args(&var, Some(Path::new("/src/p")), &zig_lib, &os(line)).unwrap();
            let mut expected = os(&maps);
            if *with_date {
                expected.extend(os(&date));
            }
            assert_eq!(got, expected, "{line:?}");
        }
    }

    #[test]
    fn a_malformed_epoch_is_an_error_only_when_the_date_is_needed() {
        let var = |name: &str| (name == "SOURCE_DATE_EPOCH").then(|| OsString::from("yesterday"));
        assert!(compile_args(&var, None, &[], &os(&["-c", "x.c"])).is_err());
        assert!(compile_args(&var, None, &[], &os(&["-c", "x.s"])).is_ok());
    }

    #[test]
    fn links_get_a_content_derived_build_id_unless_they_chose_one() {
        let sha1 = Some(OsString::from("-Wl,--build-id=sha1"));
        let cases: &[(&[&str], &Option<OsString>)] = &[
            (&["-Wl,--as-needed", "main.o"], &sha1),
            (&["-Wl,--build-id=uuid"], &sha1),
            (&["-Wl,-z,now,--build-id=uuid"], &sha1),
            (&["-Xlinker", "--build-id=uuid"], &sha1),
            (&["-Wl,--build-id=md5"], &None),
            (&["-Wl,--build-id"], &None),
            (&["-Wl,-build-id=none"], &None),
            (&["-Xlinker", "--build-id=0xfeed"], &None),
            (&["-Wl,--build-id=md5", "-Wl,--build-id=uuid"], &sha1),
            (&["-Wl,--build-id=uuid", "-Wl,--build-id=none"], &None),
            // `-Xlinker`'s value only, not the argument after it
            (&["-Xlinker", "-z", "-Wl,--build-id=md5"], &None),
        ];
        for (line, expected) in cases {
            assert_eq!(&link_args(&os(line)), *expected, "{line:?}");
        }
    }
}
