//! What a C compile tells build caches about the compiler. sccache knows a C compiler by the
//! digest of the program it runs plus the `__VERSION__` that program's preprocessor expands
//! (see docs/shared-caches.md). Behind `ziglink-cc` that program is ziglink, the same file
//! whichever zig it runs, and zig releases share clang versions (0.17.0 and 0.17.1 both say
//! "Clang 22.1.8"): a build with one zig was served objects compiled by another. So every compile
//! names zig in `__VERSION__`, the way distributions' compilers name their vendor there.

use std::ffi::OsString;

use crate::call::lead_args::Added;

pub const RULE: &str = "zig-version";

/// `-U__VERSION__ -D__VERSION__="Clang " __clang_version__ "(zig <version>)"`: clang's own text
/// (its `__clang_version__` ends in a space) with zig's version after it, as one string literal
/// once the compiler joins adjacent literals. `-U` first, so clang does not warn about
/// redefining a predefined macro.
pub fn added(zig_version: &str) -> Added {
    Added {
        rule: RULE,
        reason: "names zig in __VERSION__, which sccache keys C objects by: ziglink-cc is the \
                 same program whichever zig it runs, and zig releases share clang versions",
        args: vec![
            OsString::from("-U__VERSION__"),
            OsString::from(format!(
                "-D__VERSION__=\"Clang \" __clang_version__ \"(zig {zig_version})\""
            )),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefines_then_defines_version_with_zigs_name_in_it() {
        let added = added("0.17.1");
        assert_eq!(added.rule, "zig-version");
        assert_eq!(
            added.args,
            [
                "-U__VERSION__",
                r#"-D__VERSION__="Clang " __clang_version__ "(zig 0.17.1)""#
            ]
        );
    }
}
