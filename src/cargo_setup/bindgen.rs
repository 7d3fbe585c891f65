//! Clang arguments for bindgen, so that bindings generated for a target see that target's libc
//! headers (zig's), not the host's. They come from asking zig once per `ziglink cargo` run
//! where its headers are, which is cheap and stays right across zig versions. The folders it
//! names are in the copy of its lib folder every zig call is given (`zig::lib_copy`), so they
//! are the same in every environment: named in a folder of one environment, the value would
//! change with it, and cargo would rerun every bindgen build script (they declare
//! `rerun-if-env-changed` on it) in each new one.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;

use crate::call::launch;
use crate::call::settings::Settings;
use crate::cargo_setup::vars;
use crate::target::triple::Target;
use crate::text::shell;
use crate::zig::find::Zig;

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>` for each target zig could describe, after whatever the
/// user already set: what `ziglink cargo` and `ziglink env --bindgen` export.
pub fn env_vars(zig: &Zig, targets: &[Target], settings: &Settings) -> Vec<(String, String)> {
    targets
        .iter()
        .filter_map(|target| {
            let args = clang_args(zig, target, settings)?;
            Some(vars::bindgen_args(target, &args, |n| std::env::var(n).ok()))
        })
        .collect()
}

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>`'s value for `target`, or `None` if zig could not say.
/// The variable serves C and C++ headers alike, so zig is asked for both: its C search list, and
/// its C++ one, whose extra folders (libc++'s and libc++abi's) are given with `-cxx-isystem`,
/// which clang searches only when it parses C++ (see `Verbose::args`).
pub fn clang_args(zig: &Zig, target: &Target, settings: &Settings) -> Option<String> {
    // Both questions at once: each is a zig start-up, paid by every `ziglink cargo`.
    let c = start_report(zig, target, settings, "c");
    let cxx = start_report(zig, target, settings, "c++");
    // Both waited for, whatever the first says, so that no zig outlives this.
    let (c, cxx) = (finish_report(c), finish_report(cxx));
    // A zig that cannot preprocess C++ for this target still serves C headers.
    let mut report = Verbose::merge(c?, cxx.unwrap_or_default());
    // zig names folders below the current one relatively; bindgen runs elsewhere.
    let here = std::env::current_dir().ok()?;
    for dir in report
        .include_dirs
        .iter_mut()
        .chain(report.cxx_include_dirs.iter_mut())
    {
        *dir = here.join(&*dir);
    }
    let args = report.args();
    // bindgen splits the variable with shell rules.
    (!args.is_empty()).then(|| shell::join(args.iter().map(String::as_str)))
}

/// Starts `zig <driver> -target <t> -E -x <language> - -v`, whose stderr is the report.
fn start_report(
    zig: &Zig,
    target: &Target,
    settings: &Settings,
    language: &str,
) -> Option<std::process::Child> {
    let target_text = target.zig_target();
    let driver = if language == "c" { "cc" } else { "c++" };
    let args = [
        driver,
        "-target",
        &target_text,
        "-E",
        "-x",
        language,
        "-",
        "-v",
    ];
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    launch::zig_command(&zig.path, &args, settings)
        .ok()?
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()
}

/// The report of a run `start_report` began, parsed; `None` when zig failed or named no folder.
fn finish_report(child: Option<std::process::Child>) -> Option<Verbose> {
    let output = child?.wait_with_output().ok()?;
    let report = Verbose::parse(&String::from_utf8_lossy(&output.stderr));
    (output.status.success() && !report.include_dirs.is_empty()).then_some(report)
}

/// What clang's `-v` report says that bindgen needs: the `#include <...>` search list, and the
/// macros zig defines on the command line, where bindgen does not look: `__GLIBC_MINOR__` for
/// the requested glibc (its headers otherwise claim the newest one) and, for C++, libc++'s
/// configuration (`_LIBCPP_ABI_VERSION`, `_LIBCPP_HAS_THREADS`, the hardening mode, ...).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verbose {
    pub include_dirs: Vec<PathBuf>,
    /// Folders only C++ searches, before `include_dirs`.
    pub cxx_include_dirs: Vec<PathBuf>,
    /// `NAME` or `NAME=VALUE`, in the order zig gives them.
    pub defines: Vec<String>,
}

impl Verbose {
    pub fn parse(report: &str) -> Verbose {
        let mut parsed = Verbose::default();
        let mut lines = report.lines();
        if lines.any(|l| l.starts_with("#include <...> search starts here:")) {
            parsed.include_dirs = lines
                .take_while(|l| !l.starts_with("End of search list."))
                .map(|dir| PathBuf::from(dir.trim()))
                .collect();
        }
        // The -cc1 line, where zig's driver has put everything it adds.
        let cc1 = report.lines().find(|l| l.contains(" -cc1 ")).unwrap_or("");
        let words: Vec<&str> = cc1.split_whitespace().collect();
        parsed.defines = words
            .windows(2)
            .filter(|w| w[0] == "-D")
            .map(|w| w[1].trim_matches('"').to_string())
            .collect();
        parsed
    }

    /// The C report's folders, the C++ report's extra ones as C++-only, and the defines of
    /// both (the C++ report repeats the C ones).
    pub fn merge(c: Verbose, cxx: Verbose) -> Verbose {
        let cxx_include_dirs = cxx
            .include_dirs
            .into_iter()
            .filter(|dir| !c.include_dirs.contains(dir))
            .collect();
        let mut defines = c.defines;
        for define in cxx.defines {
            if !defines.contains(&define) {
                defines.push(define);
            }
        }
        Verbose {
            include_dirs: c.include_dirs,
            cxx_include_dirs,
            defines,
        }
    }

    /// `-nostdinc`, then the folders so that only these are searched, in zig's order: the
    /// C++-only ones as `-cxx-isystem`, the others as `-idirafter`. clang puts every
    /// `-isystem` before every `-cxx-isystem` whatever the order given, and libc++'s
    /// `<stddef.h>` must come before the C library's; both kinds are system folders, and
    /// `-idirafter` ones come after `-cxx-isystem` ones (and after the user's own `-isystem`).
    pub fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.include_dirs.is_empty() {
            args.push("-nostdinc".to_string());
            for dir in &self.cxx_include_dirs {
                args.push("-cxx-isystem".to_string());
                args.push(dir.to_string_lossy().into_owned());
            }
            for dir in &self.include_dirs {
                args.push("-idirafter".to_string());
                args.push(dir.to_string_lossy().into_owned());
            }
        }
        args.extend(self.defines.iter().map(|d| format!("-D{d}")));
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C_REPORT: &str = r#"clang version 22.1.8
 "/z/zig" -cc1 -triple aarch64-unknown-linux5.10.0-gnu2.17.0 -isystem /z/lib/include -D __GLIBC_MINOR__=17 -ferror-limit 19
#include "..." search starts here:
#include <...> search starts here:
 /z/lib/include
 /my zig/lib/libc/include/aarch64-linux-gnu
 /z/lib/libc/include/generic-glibc
End of search list.
"#;

    const CXX_REPORT: &str = r#"clang version 22.1.8
 "/z/zig" -cc1 -triple aarch64-unknown-linux5.10.0-gnu2.17.0 -isystem /z/lib/libcxx/include -D __GLIBC_MINOR__=17 -D _LIBCPP_ABI_VERSION=1 -D _LIBCPP_HAS_THREADS=1 -D _LIBCPP_HAS_MONOTONIC_CLOCK -D _LIBCPP_HARDENING_MODE=_LIBCPP_HARDENING_MODE_NONE -x c++ -
#include "..." search starts here:
#include <...> search starts here:
 /z/lib/libcxx/include
 /z/lib/libcxxabi/include
 /z/lib/include
 /my zig/lib/libc/include/aarch64-linux-gnu
 /z/lib/libc/include/generic-glibc
End of search list.
"#;

    #[test]
    fn reads_the_search_list_and_the_glibc_minor() {
        assert_eq!(
            Verbose::parse(C_REPORT).args(),
            [
                "-nostdinc",
                "-idirafter",
                "/z/lib/include",
                "-idirafter",
                "/my zig/lib/libc/include/aarch64-linux-gnu",
                "-idirafter",
                "/z/lib/libc/include/generic-glibc",
                "-D__GLIBC_MINOR__=17",
            ]
        );
        assert!(Verbose::parse("error: unable to find zig lib dir")
            .args()
            .is_empty());
    }

    #[test]
    fn cxx_folders_are_for_cxx_only_and_come_first_with_libcxxs_configuration() {
        let merged = Verbose::merge(Verbose::parse(C_REPORT), Verbose::parse(CXX_REPORT));
        assert_eq!(
            merged.args(),
            [
                "-nostdinc",
                "-cxx-isystem",
                "/z/lib/libcxx/include",
                "-cxx-isystem",
                "/z/lib/libcxxabi/include",
                "-idirafter",
                "/z/lib/include",
                "-idirafter",
                "/my zig/lib/libc/include/aarch64-linux-gnu",
                "-idirafter",
                "/z/lib/libc/include/generic-glibc",
                "-D__GLIBC_MINOR__=17",
                "-D_LIBCPP_ABI_VERSION=1",
                "-D_LIBCPP_HAS_THREADS=1",
                "-D_LIBCPP_HAS_MONOTONIC_CLOCK",
                "-D_LIBCPP_HARDENING_MODE=_LIBCPP_HARDENING_MODE_NONE",
            ]
        );
        // Without a C++ report, what C needs is all there is.
        let c_only = Verbose::merge(Verbose::parse(C_REPORT), Verbose::default());
        assert_eq!(c_only.args(), Verbose::parse(C_REPORT).args());
    }
}
