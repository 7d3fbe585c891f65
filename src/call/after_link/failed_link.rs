//! After zig failed a link: is an input on the line to blame, in a way zig's message does not
//! say? Two are common, and both read like something else:
//!
//! - A shared library of the build machine above the floor. A -sys crate that finds the system's
//!   library through pkg-config (lzma-sys, libz-sys, openssl-sys) puts `/usr/lib/.../liblzma.so`
//!   on the line; built against the machine's glibc, it stops ld.lld on
//!   `pthread_join@GLIBC_2.34` under a 2.17 floor, which reads like the floor is too low. The fix
//!   is a library built for the target.
//! - C or C++ compiled by GCC: with only the linker set to ziglink, cc-rs compiles with the
//!   host's gcc and g++, against the host's headers and libstdc++, and zig's libc++ then lacks
//!   `std::__throw_length_error`. The fix is ziglink's C tools.
//!
//! Only the failure path pays for this: the files are read after zig failed.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::call::after_link::compiler_marks;
use crate::call::after_link::glibc_check::{self, Violation};
use crate::call::after_link::link_inputs::{self, Kind};
use crate::target::glibc::Glibc;

/// What to say about a failed link, a line each.
pub fn diagnose(args: &[OsString], floor: Option<Glibc>) -> Vec<String> {
    let found: Vec<Found> = link_inputs::inputs(args)
        .into_iter()
        .filter_map(|input| {
            let (file, kind) = input.candidates.into_iter().find(|(p, _)| p.is_file())?;
            Some(Found {
                given: input.given,
                file,
                kind,
            })
        })
        .collect();
    let host_library = floor.and_then(|floor| {
        found
            .iter()
            .filter(|f| f.kind == Kind::Shared)
            .find_map(|f| {
                let violation = glibc_check::violation_in(&f.file, floor).ok().flatten()?;
                Some(host_library_message(f, &violation, floor))
            })
    });
    let gcc = found
        .iter()
        .filter(|f| f.kind != Kind::Shared && !link_inputs::in_rust_sysroot(&f.file))
        .find_map(|f| compiler_marks::gcc_mark_of(&f.file).map(|mark| gcc_message(f, &mark)));
    host_library.into_iter().chain(gcc).collect()
}

/// An input and the file it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub given: String,
    pub file: PathBuf,
    pub kind: Kind,
}

impl Found {
    fn named(&self) -> String {
        if self.given == self.file.display().to_string() {
            format!("`{}`", self.given)
        } else {
            format!("`{}` (from {})", self.file.display(), self.given)
        }
    }
}

/// Which library, why the link failed, and what to do, in one line.
pub fn host_library_message(found: &Found, violation: &Violation, floor: Glibc) -> String {
    let version = &violation.version;
    let raised = glibc_check::glibc_of(version).map_or(String::new(), |g| g.to_string());
    format!(
        "{} needs {version} ({}) and the floor is {floor}: it is a library built for this \
         machine's glibc, not for the target; link one built for the target instead (the -sys \
         crate's static or vendored feature, e.g. LZMA_API_STATIC=1 for lzma-sys), or raise the \
         floor with ZIGLINK_GLIBC={raised} if the wheel may need that glibc",
        found.named(),
        glibc_check::describe_symbols(violation),
    )
}

pub fn gcc_message(found: &Found, mark: &str) -> String {
    format!(
        "{} was compiled by GCC (`{mark}`), not by ziglink-cc: C and C++ built with this \
         machine's compiler, headers and libstdc++ may not link for the target; give cargo \
         ziglink's C tools as well as its linker (`ziglink config` prints them, `--edit` writes \
         them) or build with `ziglink cargo`, then `cargo clean`",
        found.named()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(given: &str, file: &str) -> Found {
        Found {
            given: given.into(),
            file: file.into(),
            kind: Kind::Shared,
        }
    }

    #[test]
    fn a_line_without_readable_inputs_blames_nothing() {
        let args: Vec<OsString> = ["-L/nonexistent", "-lnothing", "/nonexistent/libx.so", "x.o"]
            .iter()
            .map(OsString::from)
            .collect();
        assert!(diagnose(&args, Some(Glibc::new(2, 17))).is_empty());
    }

    #[test]
    fn the_host_library_message_names_the_file_the_version_and_the_fix() {
        let violation = Violation {
            version: "GLIBC_2.34".into(),
            library: "libc.so.6".into(),
            symbols: vec!["pthread_join".into()],
            others: 2,
        };
        let lzma = found("-llzma", "/usr/lib/x86_64-linux-gnu/liblzma.so");
        let text = host_library_message(&lzma, &violation, Glibc::new(2, 17));
        assert!(text.starts_with(
            "`/usr/lib/x86_64-linux-gnu/liblzma.so` (from -llzma) needs GLIBC_2.34 \
             (`pthread_join` and 2 more symbols) and the floor is 2.17"
        ));
        assert!(text.contains("built for the target"));
        assert!(text.ends_with("ZIGLINK_GLIBC=2.34 if the wheel may need that glibc"));
        assert!(!text.contains('\n'));
        // Given by path, the path is said once.
        let direct = found("/x/libssl.so.3", "/x/libssl.so.3");
        let text = host_library_message(&direct, &violation, Glibc::new(2, 17));
        assert!(
            text.starts_with("`/x/libssl.so.3` needs GLIBC_2.34"),
            "{text}"
        );
    }

    #[test]
    fn the_gcc_message_names_the_archive_and_the_c_tools() {
        let archive = found("-lhello_mul", "/t/out/libhello_mul.a");
        let text = gcc_message(&archive, "GCC: (Debian 12.2.0-14) 12.2.0");
        assert!(text.starts_with(
            "`/t/out/libhello_mul.a` (from -lhello_mul) was compiled by GCC \
             (`GCC: (Debian 12.2.0-14) 12.2.0`), not by ziglink-cc"
        ));
        assert!(text.contains("`ziglink cargo`"));
        assert!(!text.contains('\n'));
    }
}
