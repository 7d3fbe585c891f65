//! Clang arguments for bindgen, so that bindings generated for a target see that target's libc
//! headers (zig's), not the host's. They come from asking zig once per `ziglink cargo` run
//! where its headers are, which is cheap and stays right across zig versions; the folders are
//! then named through `header_store`, at a path that is the same in every environment.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;

use crate::error::Error;
use crate::header_store::Store;
use crate::settings::Settings;
use crate::target::Target;
use crate::zig::Zig;
use crate::{cargo_env, launch, shell, zig_cache, zig_version};

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>` for each target zig could describe, after whatever the
/// user already set: what `ziglink cargo` and `ziglink env --bindgen` export.
pub fn env_vars(zig: &Zig, targets: &[Target], settings: &Settings) -> Vec<(String, String)> {
    let store = store_for(zig).unwrap_or_else(|refused| {
        eprintln!("ziglink: warning: {refused}; bindgen is pointed at zig's own headers");
        None
    });
    targets
        .iter()
        .filter_map(|target| {
            let args = clang_args(zig, target, settings, store.as_ref())?;
            Some(cargo_env::bindgen_args(target, &args, |n| {
                std::env::var(n).ok()
            }))
        })
        .collect()
}

/// Where the copies of this zig's headers go; `None` when zig's version or cache is unknown,
/// and zig's own folders are named. ziglink's folder in the cache must be private: the copies
/// are trusted once they are there. `Err` says why the cache cannot be used.
fn store_for(zig: &Zig) -> Result<Option<Store>, Error> {
    let Some(version) = zig_version::of(zig) else {
        return Ok(None);
    };
    let zig_cache = match zig_cache::location() {
        Ok((path, _)) => path,
        Err(Error::CacheUnknown) => return Ok(None),
        Err(other) => return Err(other),
    };
    let own = zig_cache::own_dir(&zig_cache)?;
    let lib_dirs = crate::zig::lib_dirs_here(&zig.path);
    Ok(Some(Store::new(&own, &version, &lib_dirs)))
}

/// `BINDGEN_EXTRA_CLANG_ARGS_<target>`'s value for `target`, or `None` if zig could not say.
pub fn clang_args(
    zig: &Zig,
    target: &Target,
    settings: &Settings,
    store: Option<&Store>,
) -> Option<String> {
    let target_text = target.zig_target();
    let args = ["cc", "-target", &target_text, "-E", "-x", "c", "-", "-v"];
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let output = launch::zig_command(&zig.path, &args, settings)
        .ok()?
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let mut report = Verbose::parse(&String::from_utf8_lossy(&output.stderr));
    // zig names folders below the current one relatively; bindgen runs elsewhere.
    let here = std::env::current_dir().ok()?;
    for dir in &mut report.include_dirs {
        let absolute = here.join(&*dir);
        let stable = store.and_then(|store| match store.stable(&absolute) {
            Ok(copy) => Some(copy),
            Err(err) => {
                if settings.log {
                    eprintln!(
                        "ziglink: naming zig's own {} for bindgen: {err}",
                        absolute.display()
                    );
                }
                None
            }
        });
        *dir = stable.unwrap_or(absolute);
    }
    let args = report.args();
    // bindgen splits the variable with shell rules.
    (!args.is_empty()).then(|| shell::join(args.iter().map(String::as_str)))
}

/// What clang's `-v` report says that bindgen needs: the `#include <...>` search list, and the
/// `__GLIBC_MINOR__` zig defines for the requested glibc (its headers otherwise claim the newest
/// one).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verbose {
    pub include_dirs: Vec<PathBuf>,
    pub glibc_minor: Option<String>,
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
        let words: Vec<&str> = report.split_whitespace().collect();
        parsed.glibc_minor = words
            .windows(2)
            .find(|w| w[0] == "-D" && w[1].starts_with("__GLIBC_MINOR__="))
            .map(|w| w[1].to_string());
        parsed
    }

    /// `-nostdinc` and each folder as `-isystem`, so only these are searched, then the define.
    pub fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.include_dirs.is_empty() {
            args.push("-nostdinc".to_string());
            for dir in &self.include_dirs {
                args.push("-isystem".to_string());
                args.push(dir.to_string_lossy().into_owned());
            }
        }
        if let Some(define) = &self.glibc_minor {
            args.push(format!("-D{define}"));
        }
        args
    }
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
            Verbose::parse(REPORT).args(),
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
        assert!(Verbose::parse("error: unable to find zig lib dir")
            .args()
            .is_empty());
    }
}
