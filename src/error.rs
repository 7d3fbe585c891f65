//! Every way ziglink itself can fail, each rendered as one line that says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "unsupported target `{given}`; supported targets: {}",
        crate::target::supported_names().join(", ")
    )]
    UnsupportedTarget { given: String },

    #[error("malformed glibc version `{given}` in {origin}: expected MAJOR.MINOR such as 2.17")]
    MalformedGlibc { given: String, origin: &'static str },

    #[error("glibc {requested} is below the lowest glibc zig can link {target} against ({floor}); ask for {floor} or newer")]
    GlibcBelowFloor {
        requested: String,
        target: &'static str,
        floor: String,
    },

    #[error("target `{0}` takes no glibc version suffix (it is not a glibc target)")]
    SuffixNotAllowed(String),

    #[error(
        "cannot tell which Rust target this link is for (no `rustlib/<target>/lib` path in the \
         arguments); set ZIGLINK_TARGET, e.g. ZIGLINK_TARGET=x86_64-unknown-linux-gnu"
    )]
    CannotInferTarget,

    #[error(
        "cannot tell which Rust target to compile for (cargo sets TARGET for build scripts); \
         set ZIGLINK_TARGET, e.g. ZIGLINK_TARGET=aarch64-unknown-linux-gnu"
    )]
    CannotInferCompileTarget,

    #[error("cannot read response file `{path}`: {source}")]
    ResponseFile {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("response files nest more than {0} levels deep")]
    ResponseFileNesting(usize),

    #[error("ZIGLINK_ZIG is set to `{path}`, which {problem}")]
    ZigOverride { path: PathBuf, problem: String },

    #[error(
        "cannot find zig: install the `ziglang` package next to ziglink (looked in {}), put `zig` \
         on PATH, or set ZIGLINK_ZIG to a zig executable",
        looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    ZigNotFound { looked: Vec<PathBuf> },

    #[error("cannot run zig at `{path}`: {source}")]
    ZigStart {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("`{arg}` cannot be honoured for {target}: {reason}")]
    Refused {
        arg: String,
        target: &'static str,
        reason: &'static str,
    },

    #[error("cannot run cargo at `{path}`: {source}")]
    CargoStart {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write a response file for zig: {0}")]
    TempFile(std::io::Error),

    #[error("argument `{0}` contains a single quote, which zig's response files cannot carry")]
    UnquotableArgument(String),

    #[error(
        "SOURCE_DATE_EPOCH is `{0}`, not a number of seconds since 1970-01-01 UTC; set it to one, \
         e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
    )]
    MalformedSourceDateEpoch(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
