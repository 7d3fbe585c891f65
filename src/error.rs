//! Every way ziglink itself can fail, each rendered as one line that says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unsupported target `{given}`; supported targets: {supported}")]
    UnsupportedTarget { given: String, supported: String },

    #[error("`{given}` links against Microsoft's C runtime and Windows SDK, which zig does not ship; build it with cargo-xwin (maturin uses it for msvc targets), or target `{instead}`")]
    MsvcTarget {
        given: String,
        instead: &'static str,
    },

    #[error("malformed glibc version `{given}` in {origin}: expected MAJOR.MINOR such as 2.17")]
    MalformedGlibc { given: String, origin: &'static str },

    #[error("malformed macOS version `{given}` in {origin}: expected MAJOR.MINOR such as 11.0")]
    MalformedMacOs { given: String, origin: &'static str },

    #[error("macOS {requested} is below the lowest deployment target for {target} ({floor}); ask for {floor} or newer")]
    MacOsBelowFloor {
        requested: String,
        target: &'static str,
        floor: String,
    },

    #[error(
        "`{}` {cause}, above the deployment target macOS {floor} for {target}{}; link only code \
         built for macOS {floor}, raise MACOSX_DEPLOYMENT_TARGET, or set ZIGLINK_FLOOR_CHECK=0 \
         to skip this check",
        output.display(),
        if *removed { " (the file was removed)" } else { "" }
    )]
    MacOsAboveFloor {
        output: PathBuf,
        /// What the file needs and why: `is built for macOS 13.0`, `links `libfoo.a(new.o)`,
        /// built for macOS 14.0`.
        cause: String,
        floor: String,
        target: &'static str,
        removed: bool,
    },

    #[error(
        "`{}`: {cause}, so macOS would kill a process that maps it; something changed the file \
         after zig signed it: sign it again (`codesign -s - -f` on a Mac, or `rcodesign sign`) \
         or link again{}, or set ZIGLINK_FLOOR_CHECK=0 to skip this check",
        output.display(),
        if *removed { " (the file was removed)" } else { "" }
    )]
    MacOsSignatureBroken {
        output: PathBuf,
        /// What does not match, slice by slice (`macho_signature::describe`): `arm64: page 3
        /// of 12 (at byte 0x8000) does not match its hash in the code signature`.
        cause: String,
        removed: bool,
    },

    #[error("glibc {requested} is below the lowest glibc zig can link {target} against ({floor}); ask for {floor} or newer")]
    GlibcBelowFloor {
        requested: String,
        target: &'static str,
        floor: String,
    },

    #[error(
        "glibc {requested} is newer than any the zig at `{}` can link against (its newest is \
         {newest}); ask for {newest} or older, or use a newer zig",
        zig.display()
    )]
    GlibcAboveNewest {
        requested: String,
        newest: String,
        zig: PathBuf,
    },

    #[error(
        "`{}` needs {} from {} ({}), above the glibc floor {floor} for {target}{}; link only \
         libraries built for glibc {floor}, raise the floor, or set ZIGLINK_FLOOR_CHECK=0 to \
         skip this check",
        output.display(),
        needs.symbols,
        needs.library,
        needs.version,
        if *removed { " (the file was removed)" } else { "" }
    )]
    GlibcAboveFloor {
        output: PathBuf,
        floor: String,
        target: &'static str,
        needs: Box<Needs>,
        removed: bool,
    },

    #[error(
        "cannot remove the debug sections of `{}` as rustc asked (-Wl,--strip-debug): {reason}; \
         the file keeps them",
        path.display()
    )]
    StripDebug { path: PathBuf, reason: String },

    #[error(
        "cannot mark `{}` large-address-aware as rustc asked (-Wl,--large-address-aware): {reason}; \
         the file stays limited to 2 GiB",
        path.display()
    )]
    PeHeader { path: PathBuf, reason: String },

    #[error("cannot write the macOS library stubs for this link in the temp folder: {0}")]
    Stubs(String),

    #[error("cannot write the universal2 file `{}`: {reason}", path.display())]
    Universal2 { path: PathBuf, reason: String },

    #[error(
        "the link needs the {framework} framework, which zig does not ship for macOS; set SDKROOT \
         to a macOS SDK (a MacOSX.sdk folder, as Xcode and its Command Line Tools install it)"
    )]
    FrameworkWithoutSdk { framework: String },

    #[error("ziglink-cmake: {0}")]
    Cmake(String),

    #[error("cannot merge ziglink's settings into `{}`: {reason}", file.display())]
    ConfigEdit { file: PathBuf, reason: String },

    #[error(
        "{lines}{}; set ZIGLINK_POLICY=warn to only warn",
        if *removed { " (the file was removed)" } else { "" }
    )]
    PolicyBreach {
        output: PathBuf,
        /// What the policy check found, rendered (`policy_check::describe`).
        lines: String,
        removed: bool,
    },

    #[error("`{file}`: {reason}")]
    Pyproject { file: String, reason: String },

    #[error(
        "the ziglink.maturin backend links with ziglink, and maturin's --zig would replace it; \
         drop --zig from the build arguments"
    )]
    BackendZig,

    #[error(
        "{from} asks for glibc {asked}, above {tag} (glibc {tag_glibc}), the tag maturin checks \
         the wheel against; lower the floor or name a newer tag"
    )]
    FloorAboveTag {
        from: String,
        asked: String,
        tag: String,
        tag_glibc: String,
    },

    #[error(
        "the compatibility {tag} asks for glibc {asked}, below the lowest glibc zig links \
         {target} against ({floor}); ask for {instead} or newer"
    )]
    CompatibilityBelowFloor {
        tag: String,
        asked: String,
        target: &'static str,
        floor: String,
        instead: String,
    },

    #[error(
        "maturin hands --target to cargo, which takes no floor suffix: give `--target {triple}` \
         and ask for {suffix} with [tool.ziglink] glibc or a manylinux tag in --compatibility \
         (for macOS, with MACOSX_DEPLOYMENT_TARGET)"
    )]
    SuffixInBuildArgs { triple: String, suffix: String },

    #[error("cannot make a folder in the temp folder for the build's warnings: {source}")]
    ReportFolder { source: std::io::Error },

    #[error("malformed {name} `{given}`: expected {expected}")]
    MalformedSetting {
        name: &'static str,
        given: String,
        expected: &'static str,
    },

    #[error("cannot check `{}` against its floor (glibc or macOS version): {reason}", output.display())]
    CheckUnreadable { output: PathBuf, reason: String },

    #[error("target `{0}` takes no glibc version suffix (it is not a glibc target)")]
    SuffixNotAllowed(String),

    #[error(
        "cannot run {target} programs on this machine: install {packages} (apt-get install \
         {packages}), set {runner_var}, or pass --no-run"
    )]
    CannotRun {
        target: &'static str,
        packages: String,
        runner_var: String,
    },

    #[error(
        "cannot tell which Rust target this link is for (no `rustlib/<target>/lib` path in the \
         arguments); set ZIGLINK_TARGET, e.g. ZIGLINK_TARGET=x86_64-unknown-linux-gnu"
    )]
    CannotInferTarget,

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

    #[error("cannot tell the version of zig at `{path}`: `zig version` did not answer")]
    ZigVersionUnknown { path: PathBuf },

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

    #[error(
        "rustflags ask for -C target-cpu=native, but {target} is another architecture than this \
         machine; name the target's CPU (e.g. -C target-cpu=neoverse-n1) or drop it for this target"
    )]
    NativeCpu { target: &'static str },

    #[error("cannot run cargo at `{path}`: {source}")]
    CargoStart {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "cannot write a response file for zig in `{}` ({first}) or in `{}` ({second})",
        dir.display(),
        temp_dir.display()
    )]
    ResponseFileWrite {
        dir: PathBuf,
        first: std::io::Error,
        temp_dir: PathBuf,
        second: std::io::Error,
    },

    #[error("argument `{0}` contains a single quote, which zig's response files cannot carry")]
    UnquotableArgument(String),

    #[error(
        "cannot tell where zig's cache is: neither ZIG_GLOBAL_CACHE_DIR nor HOME is set; set \
         ZIG_GLOBAL_CACHE_DIR to the folder zig should use"
    )]
    CacheUnknown,

    #[error(
        "{}`{}`: it {problem}{}; set ZIG_GLOBAL_CACHE_DIR to a folder of your own",
        place,
        path.display(),
        if *threat { ", and whoever can change it decides what zig links" } else { "" }
    )]
    PrivateFolder {
        /// What the folder is for, as `private_dir::Place::lead` says it.
        place: &'static str,
        path: PathBuf,
        problem: String,
        /// Whether someone else could change the folder's contents.
        threat: bool,
    },

    #[error("cannot read zig's cache at `{path}`: {source}")]
    CacheRead {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "cannot lock `{path}` ({source}); zig's cache needs flock(2) locks, which some network \
         filesystems lack: point ZIG_GLOBAL_CACHE_DIR at a local folder"
    )]
    CacheLock {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "refusing to clean: only {mapped} of {finished} manifests in zig's cache name an o/ \
         folder that exists, so zig names its output folders differently from zig 0.17 and \
         which ones running builds hold cannot be known; remove the cache by hand when no build \
         runs"
    )]
    CacheFormatUnknown { finished: usize, mapped: usize },

    #[error(
        "malformed age `{0}` for --older-than: expected a whole number and d, h, m or s, such as \
         30d, 12h or 90m"
    )]
    MalformedAge(String),

    #[error("cannot write ziglink's warm-up files in `{path}`: {source}")]
    WarmFiles {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "zig failed to {step} for {target} ({status}); run again with ZIGLINK_LOG=1 to see the \
         zig command"
    )]
    WarmStep {
        step: &'static str,
        target: &'static str,
        status: String,
    },

    #[error(
        "SOURCE_DATE_EPOCH is `{0}`, not a number of seconds since 1970-01-01 UTC; set it to one, \
         e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
    )]
    MalformedSourceDateEpoch(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a linked file needs above its glibc floor, rendered for [`Error::GlibcAboveFloor`].
#[derive(Debug)]
pub struct Needs {
    /// The symbols that need `version`, described (`glibc_check::describe_symbols`).
    pub symbols: String,
    pub library: String,
    pub version: String,
}
