//! Clang arguments for bindgen, so that bindings generated for a target see that target's libc
//! headers (zig's), not the host's. They come from asking zig once per `ziglink cargo` run
//! where its headers are, which is cheap and stays right across zig versions.

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;

use crate::settings::Settings;
use crate::target::Target;
use crate::{cargo_env, launch, shell};

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>` for each target zig could describe, after whatever the
/// user already set: what `ziglink cargo` and `ziglink env --bindgen` export.
pub fn env_vars(zig: &Path, targets: &[Target], settings: &Settings) -> Vec<(String, String)> {
    targets
        .iter()
        .filter_map(|target| {
            let args = clang_args(zig, target, settings)?;
            Some(cargo_env::bindgen_args(target, &args, |n| {
                std::env::var(n).ok()
            }))
        })
        .collect()
}

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>`'s value for `target`, or `None` if zig could not say.
pub fn clang_args(zig: &Path, target: &Target, settings: &Settings) -> Option<String> {
    let target_text = target.zig_target();
    let args = ["cc", "-target", &target_text, "-E", "-x", "c", "-", "-v"];
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let output = launch::zig_command(zig, &args, settings)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let args = args_from_verbose(&String::from_utf8_lossy(&output.stderr));
    // bindgen splits the variable with shell rules.
    (!args.is_empty()).then(|| shell::join(args.iter().map(String::as_str)))
}

/// Reads clang's `-v` report: the `#include <...>` search list, and the `__GLIBC_MINOR__`
/// zig defines for the requested glibc (its headers otherwise claim the newest one).
pub fn args_from_verbose(report: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut lines = report.lines();
    if lines.any(|l| l.starts_with("#include <...> search starts here:")) {
        args.push("-nostdinc".to_string());
        for dir in lines.take_while(|l| !l.starts_with("End of search list.")) {
            args.push("-isystem".to_string());
            args.push(dir.trim().to_string());
        }
    }
    let words: Vec<&str> = report.split_whitespace().collect();
    if let Some(define) = words
        .windows(2)
        .find(|w| w[0] == "-D" && w[1].starts_with("__GLIBC_MINOR__="))
    {
        args.push(format!("-D{}", define[1]));
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"clang version 22.1.8
 "/z/zig" -cc1 -triple aarch64-unknown-linux5.10.0-gnu2.17.0 -isystem /z/lib/include -D __GLIBC_MINOR__=17 -ferror-limit 19
#include "..." search starts here:
#include <...> search starts here:
 /z/lib/include
 /my zig/lib/libc/include/aarch64-linux-gnu
 /z/lib/libc/include/generic-glibc
End of search list.
"#;

    #[test]
    fn reads_the_search_list_and_the_glibc_minor() {
        assert_eq!(
            args_from_verbose(REPORT),
            [
                "-nostdinc",
                "-isystem",
                "/z/lib/include",
                "-isystem",
                "/my zig/lib/libc/include/aarch64-linux-gnu",
                "-isystem",
                "/z/lib/libc/include/generic-glibc",
                "-D__GLIBC_MINOR__=17",
            ]
        );
        assert!(args_from_verbose("error: unable to find zig lib dir").is_empty());
    }
}
