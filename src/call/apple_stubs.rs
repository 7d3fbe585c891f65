//! Text stubs (`.tbd`) for the macOS libraries a Rust link names that zig does not ship. zig
//! carries `libSystem` (which `-lc`, `-lm` and `-lSystem` resolve to) but not `libiconv`, which
//! std's `libc` crate links on every apple target, nor `libcharset`, which Apple's libiconv
//! re-exports. A stub only records the install name and the symbols, so the file loads the
//! real library that every macOS has in `/usr/lib`.
//!
//! The stubs go in a folder of the call's own (made 0700 by `tempfile`), removed when the link
//! ends: nothing is written into zig's installation or a folder another build shares.

use std::ffi::OsString;
use std::io::Write;

use crate::call::lead_args::Added;
use crate::error::{Error, Result};
use crate::platform::osbytes::as_bytes;

/// One library zig lacks, as a `.tbd` file describes it.
struct Stub {
    /// The name `-l` gives.
    name: &'static str,
    file: &'static str,
    /// Where macOS has the real one, which the linked file will load.
    install_name: &'static str,
    symbols: &'static [&'static str],
}

const STUBS: &[Stub] = &[
    Stub {
        name: "iconv",
        file: "libiconv.tbd",
        install_name: "/usr/lib/libiconv.2.dylib",
        symbols: &[
            "_iconv",
            "_iconv_open",
            "_iconv_close",
            "_iconvctl",
            "_iconvlist",
            "_iconv_canonicalize",
            "_libiconv",
            "_libiconv_open",
            "_libiconv_close",
            "_libiconvctl",
            "_libiconvlist",
            "_libiconv_set_relocation_prefix",
        ],
    },
    Stub {
        name: "charset",
        file: "libcharset.tbd",
        install_name: "/usr/lib/libcharset.1.dylib",
        symbols: &["_locale_charset", "_libcharset_set_relocation_prefix"],
    },
];

impl Stub {
    /// The stub's text, for both macOS arches.
    fn text(&self) -> String {
        let targets = "[ x86_64-macos, arm64-macos ]";
        format!(
            "--- !tapi-tbd\ntbd-version:     4\ntargets:         {targets}\n\
             install-name:    '{}'\ncurrent-version: 7\ncompatibility-version: 7\n\
             exports:\n  - targets:         {targets}\n    symbols:         [ {} ]\n...\n",
            self.install_name,
            self.symbols.join(", ")
        )
    }
}

/// The stubs a link line needs: those whose `-l` it names.
fn needed(args: &[OsString]) -> Vec<&'static Stub> {
    STUBS
        .iter()
        .filter(|stub| {
            args.iter()
                .any(|a| as_bytes(a).strip_prefix(b"-l") == Some(stub.name.as_bytes()))
        })
        .collect()
}

/// For a link line that names a library zig lacks: a private folder holding its stub, and the
/// `-L` that points zig there. `None` when the line needs none.
pub fn for_line(args: &[OsString]) -> Result<Option<(tempfile::TempDir, Added)>> {
    let needed = needed(args);
    if needed.is_empty() {
        return Ok(None);
    }
    let write = || -> std::io::Result<tempfile::TempDir> {
        // Only this call may write what zig reads.
        let mut builder = crate::platform::fs::private_temp_builder();
        builder.prefix("ziglink-stubs-");
        let dir = builder.tempdir()?;
        for stub in &needed {
            let mut out = std::fs::File::create(dir.path().join(stub.file))?;
            out.write_all(stub.text().as_bytes())?;
        }
        Ok(dir)
    };
    let dir = write().map_err(|e| Error::Stubs(e.to_string()))?;
    let mut search = OsString::from("-L");
    search.push(dir.path());
    let added = Added {
        rule: "apple-stubs",
        reason: "zig ships no libiconv or libcharset for macOS; a text stub of each, written for \
                 this link only, lets the file load the real one from /usr/lib",
        args: vec![search],
    };
    Ok(Some((dir, added)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_stub_only_for_the_libraries_the_line_names() {
        let line = |args: &[&str]| -> Vec<OsString> { args.iter().map(OsString::from).collect() };
        assert!(for_line(&line(&["a.o", "-lSystem", "-lc"]))
            .unwrap()
            .is_none());
        assert!(for_line(&line(&["-liconvx", "-l", "iconv"]))
            .unwrap()
            .is_none());
        let (dir, added) = for_line(&line(&["a.o", "-liconv", "-lSystem"]))
            .unwrap()
            .unwrap();
        let stub = std::fs::read_to_string(dir.path().join("libiconv.tbd")).unwrap();
        assert!(
            stub.contains("install-name:    '/usr/lib/libiconv.2.dylib'"),
            "{stub}"
        );
        assert!(stub.contains("_iconv_open"), "{stub}");
        assert!(!dir.path().join("libcharset.tbd").exists());
        assert_eq!(
            added.args,
            [OsString::from(format!("-L{}", dir.path().display()))]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "the folder is the call's own");
        }
        let path = dir.path().to_path_buf();
        drop(dir);
        assert!(!path.exists(), "removed when the call ends");
    }
}
