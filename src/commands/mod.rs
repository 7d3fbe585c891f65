//! The command-line interface for people (as opposed to the linker interface for cargo): the
//! argument parser here, and one module per subcommand.
//!
//! May depend on every other folder; nothing depends on it but the crate root.

pub mod cache;
pub mod cargo;
pub mod config;
pub mod doctor;
pub mod env;
pub mod explain;
pub mod link_warnings;
pub mod pep517;
pub mod targets;
pub mod universal2;
pub mod warm;

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::error::Result;
use crate::exit::ExitCode;
use crate::text::exports::Shell;
use config::snippet::Format;

const ABOUT: &str =
    "Link Rust and PyO3 artifacts with `zig cc`: for an old glibc, macOS, or another architecture.";

const AFTER_HELP: &str = "\
As a linker, name ziglink in .cargo/config.toml:

    [target.x86_64-unknown-linux-gnu]
    linker = \"ziglink\"

and cargo runs `ziglink <link line>`; ziglink runs `zig cc` with the right -target.
To cross-compile, let ziglink set cargo up:

    ziglink cargo build --target aarch64-unknown-linux-gnu.2.17

or export the same settings, or write them to a config file:

    eval \"$(ziglink env --target aarch64-unknown-linux-gnu.2.17)\"
    ziglink config --target aarch64-unknown-linux-gnu.2.17 >> .cargo/config.toml

`ziglink doctor` checks that everything ziglink needs is in place.

Before a parallel build, build zig's libc and runtimes once, so its links start hot:

    ziglink warm --target aarch64-unknown-linux-gnu.2.17

`ziglink cache info` shows what zig's cache holds; `ziglink cache clean --older-than 30d`
removes what no running build holds.

C tools for build scripts (single executables beside ziglink):
  ziglink-cc, ziglink-cxx, ziglink-ar, ziglink-ranlib

Environment:
  ZIGLINK_GLIBC           glibc floor for -gnu targets (default 2.17)
  ZIGLINK_GLIBC_<TRIPLE>  the same for one target, e.g. ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU
  ZIGLINK_TARGET          Rust target for every call, instead of the one read from the arguments
  ZIGLINK_BUILD_TARGET    target of a C compile that names none and runs outside cargo's build
                          scripts (default: the host; `ziglink cargo` sets it for one target)
  ZIGLINK_ZIG             zig executable (default: the ziglang package beside ziglink, then PATH)
  ZIGLINK_LOG             set to 1 to print each zig command before it runs
  ZIGLINK_EXPLAIN         1: explain each call (rule, reason) on stderr; a path: append there
  MACOSX_DEPLOYMENT_TARGET
                          macOS floor for apple targets (default: 10.12 x86_64, 11.0 arm64)
  SDKROOT                 a macOS SDK, for frameworks
  ZIGLINK_FLOOR_CHECK     0: skip the check that a linked file keeps to its glibc or macOS floor
  ZIGLINK_REPRODUCIBLE    set to 1 for the same bytes from any folder and zig install (C paths
                          mapped, __DATE__ from SOURCE_DATE_EPOCH, else 1980-01-01; sha1 build id)
  ZIGLINK_POLICY          warn (default), strict or off: what to do with a glibc link's file that
                          loads what the manylinux policy of its floor does not allow
  ZIGLINK_REPORT          a file to append ziglink's warnings to as well (cargo hides a linker's
                          output when the link succeeds)

In a maturin project, `build-backend = \"ziglink.maturin\"` (with ziglink in `requires`) sets all
of this up for each build, and matches maturin's manylinux tag to the glibc floor.";

#[derive(Debug, Parser)]
#[command(name = "ziglink", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run cargo with linker, C/C++ compilers and archiver set up for each --target.
    ///
    /// A target may carry a floor: a glibc release (`--target aarch64-unknown-linux-gnu.2.17`)
    /// or a macOS deployment target (`--target aarch64-apple-darwin.13.0`). cargo sees the plain
    /// triple. `--target universal2-apple-darwin` builds both apple targets and merges each pair
    /// of binaries and libraries into one fat file under target/universal2-apple-darwin/.
    ///
    /// `--reproducible` (ziglink's own flag, anywhere before `--`; the same as
    /// ZIGLINK_REPRODUCIBLE=1) makes the artifacts independent of the source folder and of where
    /// zig is installed: C/C++ compiles map those paths to fixed names, `__DATE__`/`__TIME__`
    /// come from SOURCE_DATE_EPOCH (1980-01-01 when unset), links get a sha1 build id, and rustc
    /// gets `--remap-path-prefix` for the workspace and CARGO_HOME, appended to RUSTFLAGS or
    /// CARGO_ENCODED_RUSTFLAGS when set, else to build.rustflags. All other arguments go to
    /// cargo unchanged.
    #[command(
        disable_help_flag = true,
        after_help = "Examples:\n  ziglink cargo build --release --target aarch64-unknown-linux-gnu.2.17\n  \
                      ziglink cargo test --target x86_64-unknown-linux-musl\n  \
                      ziglink cargo build --release --target universal2-apple-darwin\n  \
                      SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) ziglink cargo --reproducible build --release"
    )]
    Cargo {
        /// cargo's subcommand and arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<OsString>,
    },
    /// Print the variables that set cargo up to use ziglink, for a shell to evaluate.
    ///
    /// The same settings `ziglink cargo` makes: the linker, the C tools and the floor for
    /// each target (the host's when none is given). Values are names, not paths; PATH gains
    /// ziglink's folder only when `ziglink` does not already resolve there.
    #[command(after_help = "Examples:\n  \
                      eval \"$(ziglink env --target aarch64-unknown-linux-gnu.2.17)\"\n  \
                      cargo build --release --target aarch64-unknown-linux-gnu\n\n  \
                      ziglink env --shell fish | source\n  \
                      ziglink env --shell powershell | Invoke-Expression\n  \
                      ziglink env --shell json --target x86_64-unknown-linux-musl")]
    Env {
        /// Rust target, optionally with a floor (`aarch64-unknown-linux-gnu.2.28`,
        /// `aarch64-apple-darwin.13.0`); repeatable.
        #[arg(long = "target", short = 't', value_name = "TRIPLE[.FLOOR]")]
        targets: Vec<String>,
        /// Syntax of the output.
        #[arg(long, value_enum, default_value = "sh")]
        shell: Shell,
        /// Also set BINDGEN_EXTRA_CLANG_ARGS_<target> to zig's headers for each target: copies
        /// in zig's cache (made on first use, 27 MB per zig version for aarch64), so that the
        /// value is the same in every environment with this zig.
        #[arg(long)]
        bindgen: bool,
    },
    /// Print a config snippet that makes cargo (or maturin) link and compile with ziglink.
    #[command(after_help = "Examples:\n  \
                      ziglink config >> .cargo/config.toml\n  \
                      ziglink config --target x86_64-unknown-linux-gnu --target \\\n    \
                      aarch64-unknown-linux-gnu.2.28\n  \
                      ziglink config --format maturin    # for pyproject.toml\n  \
                      ziglink config --format maturin --edit pyproject.toml --target \\\n    \
                      aarch64-unknown-linux-gnu")]
    Config {
        /// Rust target, optionally with a floor (glibc or macOS); repeatable (default: the host).
        #[arg(long = "target", short = 't', value_name = "TRIPLE[.FLOOR]")]
        targets: Vec<String>,
        /// Which file the snippet is for.
        #[arg(long, value_enum, default_value = "cargo")]
        format: Format,
        /// Merge the settings into this file instead of printing them, keeping its comments and
        /// formatting; settings ziglink wrote before are replaced. Made when missing.
        #[arg(long, value_name = "FILE")]
        edit: Option<std::path::PathBuf>,
    },
    /// Check that ziglink can work here: zig, its cache, rustc's targets, PATH.
    ///
    /// Prints what ziglink would use and each problem with its fix; exits with 1 when links
    /// would fail.
    #[command(after_help = "Examples:\n  ziglink doctor\n  uvx ziglink doctor\n  \
                      ziglink doctor --json | jq .zig.path")]
    Doctor {
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what ziglink would run for a link or compile line, and which rule changed what.
    ///
    /// Nothing is run. Each argument ziglink adds, drops or replaces is listed with the rule's
    /// name and reason; linker options no rule handles and zig is not known to accept are
    /// flagged. Set ZIGLINK_EXPLAIN=1 (or a file path) to get the same for every call of a
    /// real build.
    #[command(after_help = "Examples:\n  \
                      ziglink explain -- -m64 /tmp/a.o -fuse-ld=lld -lgcc_s -o hello \\\n    \
                      -L /r/lib/rustlib/x86_64-unknown-linux-gnu/lib\n  \
                      ziglink explain --target aarch64-unknown-linux-gnu -- @linker-arguments\n  \
                      ziglink explain --tool cc --target aarch64-unknown-linux-gnu -- -march=armv8.2-a -c x.c\n  \
                      ZIGLINK_EXPLAIN=/tmp/explain.log cargo build")]
    Explain {
        /// Rust target (default: read from the line, as the linker and the compilers do).
        #[arg(long, short = 't', value_name = "TRIPLE[.FLOOR]")]
        target: Option<String>,
        /// Which program the line is for.
        #[arg(long, value_enum, default_value = "link")]
        tool: crate::commands::explain::LineKind,
        /// The line's arguments (after `--`), or `@file` with them.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 1.., required = true)]
        args: Vec<OsString>,
    },
    /// List the supported Rust targets and the zig target each links as.
    #[command(after_help = "Examples:\n  ziglink targets\n  \
                      ziglink targets --json | jq -r '.[].rust'")]
    Targets {
        /// Print the list as JSON: each target's rust and zig names, lowest floor and notes.
        #[arg(long)]
        json: bool,
    },
    /// What the ziglink.maturin build backend hands maturin for a build with these build
    /// arguments, as JSON: the arguments (with the compatibility tag that matches the floor),
    /// cargo's variables for the target, and a note per decision. Run in the project's folder.
    #[command(hide = true)]
    Pep517 {
        /// maturin's build arguments (after `--`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<String>,
    },
    /// Build zig's libc, start files, compiler-rt and libunwind for each target now, once.
    ///
    /// zig builds these into its cache on a target's first link; every link that starts
    /// meanwhile waits for them. `warm` links a tiny program the way rustc links (executable
    /// and shared object, cargo's dev and release profiles, rustc's libraries), so everything a
    /// real link of the target asks zig for is built, and a parallel build afterwards starts
    /// hot. Targets resolve as for `ziglink cargo` (floors,
    /// ZIGLINK_GLIBC_<TRIPLE> and MACOSX_DEPLOYMENT_TARGET apply); with none given, those the
    /// project here builds for (cargo's build.target), else the host's.
    /// Several targets are warmed at once, up to one per CPU. compiler-rt is built for glibc
    /// targets only when the project's Cargo.lock lists cc or cmake (links of Rust alone do not
    /// use it there). Run it from the folder you build in: zig keys some entries by whether its
    /// own folders lie below the folder a link runs from.
    #[command(after_help = "Examples:\n  \
                      ziglink warm\n  \
                      ziglink warm --target aarch64-unknown-linux-gnu.2.28 --target \\\n    \
                      x86_64-unknown-linux-musl\n  \
                      ziglink warm --cxx    # also libc++, for crates that compile C++\n\n\
                      Locking: `warm` holds an advisory lock (flock) on <zig cache>/ziglink/lock\n\
                      while it runs. It guards ziglink's own work on that cache: a second `warm`,\n\
                      or a `cache clean`, waits for it instead of building or removing at the\n\
                      same time. Ordinary builds never take it; zig's own locks on each cache\n\
                      entry keep them and `warm` from building one entry twice.")]
    Warm {
        /// Rust target, optionally with a floor (glibc or macOS); repeatable (default: the
        /// project's targets, else the host).
        #[arg(long = "target", short = 't', value_name = "TRIPLE[.FLOOR]")]
        targets: Vec<String>,
        /// Also build libc++ and libc++abi, as crates that compile C++ need.
        #[arg(long)]
        cxx: bool,
    },
    /// Show or clean zig's global cache (ZIG_GLOBAL_CACHE_DIR, else ~/.cache/zig).
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Where zig's cache is and why, its size, and its size by kind.
    #[command(after_help = "Examples:\n  ziglink cache info\n  \
                      ziglink cache info --json | jq .total_bytes")]
    Info {
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a key for zig's cache as the targets' builds will leave it, for a CI cache.
    ///
    /// The key names zig's version and the host, then a digest of the targets (with their
    /// floors) and of ziglink's version, whose rules decide what zig builds. Keep zig's cache
    /// (`ziglink cache info --json | jq -r .path`) between CI runs under this key; a prefix of
    /// it up to the host matches any earlier cache of the same zig. Targets as for `warm`: the
    /// project's when none is given, else the host's.
    #[command(after_help = "Examples:\n  ziglink cache key\n  \
                      ziglink cache key --target aarch64-unknown-linux-gnu.2.28 --target \\\n    \
                      x86_64-unknown-linux-musl")]
    Key {
        /// Rust target, optionally with a floor; repeatable (default: the project's targets,
        /// else the host).
        #[arg(long = "target", short = 't', value_name = "TRIPLE[.FLOOR]")]
        targets: Vec<String>,
    },
    /// Remove zig cache entries that no running build holds (all of them, or older ones).
    ///
    /// Safe while other builds run. zig locks (flock) the manifest of every cache entry a
    /// build uses; `clean` removes an entry only while it holds that lock itself, so an entry
    /// in use is skipped and counted as such. It empties the manifest before removing the
    /// entry's folder, so a zig that opened it meanwhile rebuilds rather than trusting a removed
    /// folder. What zig keeps no lock for (tmp/, folders no manifest names) goes only after a
    /// day untouched. See docs/zig-cache.md for exactly what is and is not guaranteed.
    #[command(after_help = "Examples:\n  ziglink cache clean\n  \
                      ziglink cache clean --older-than 30d\n  \
                      ziglink cache clean --older-than 12h --dry-run\n\n\
                      Age: an entry's age is the time since anything in it was last written or\n\
                      read (the newest mtime or atime of its files). Most Linux systems mount\n\
                      with relatime, which records a read at most once a day: an entry only read\n\
                      since may look up to a day older than it is, so ages under a day are\n\
                      approximate. With noatime, reads are not seen at all. Neither can make\n\
                      `clean` remove an entry a build holds; at worst zig builds it again.")]
    Clean {
        /// Remove only entries not used for this long: a whole number and d, h, m or s
        /// (30d, 12h, 90m). Without it, everything no build holds goes.
        #[arg(long, value_name = "AGE")]
        older_than: Option<String>,
        /// Say what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Every word that starts the CLI. Anything else is a link line: rustc's start with an option
/// or an absolute path, never with one of these.
pub const CLI_WORDS: &[&str] = &[
    "cache",
    "cargo",
    "config",
    "doctor",
    "env",
    "explain",
    "pep517",
    "targets",
    "warm",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
];

pub fn is_cli_invocation(args: &[OsString]) -> bool {
    match args.first() {
        None => true,
        Some(first) => CLI_WORDS.iter().any(|w| first == w),
    }
}

pub fn run(argv: Vec<OsString>) -> Result<ExitCode> {
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return Ok(ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)));
        }
    };
    match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
        }
        Some(Command::Targets { json }) => print!("{}", targets::listing(json)),
        Some(Command::Pep517 { args }) => return pep517::run(&args),
        Some(Command::Cargo { args }) => return cargo::run(&args),
        Some(Command::Env {
            targets,
            shell,
            bindgen,
        }) => {
            return env::run(&env::EnvRequest {
                targets,
                shell,
                bindgen,
            })
        }
        Some(Command::Config {
            targets,
            format,
            edit,
        }) => return config::run(&targets, format, edit.as_deref()),
        Some(Command::Doctor { json }) => return Ok(doctor::run(json)),
        Some(Command::Explain { target, tool, args }) => return explain::run(target, tool, &args),
        Some(Command::Warm { targets, cxx }) => return warm::run(&warm::Request { targets, cxx }),
        Some(Command::Cache { action }) => {
            return match action {
                CacheAction::Info { json } => cache::run_info(json),
                CacheAction::Key { targets } => cache::run_key(&targets),
                CacheAction::Clean {
                    older_than,
                    dry_run,
                } => cache::run_clean(older_than.as_deref(), dry_run),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_words_cover_every_subcommand() {
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            assert!(CLI_WORDS.contains(&sub.get_name()), "{}", sub.get_name());
        }
        Cli::command().debug_assert();
    }

    #[test]
    fn link_lines_are_never_subcommands() {
        let lines: &[&[&str]] = &[
            &["-m64", "/tmp/rustc/symbols.o"],
            &["@/tmp/rustcX/linker-arguments"],
            &["/tmp/t/target/debug/deps/a.o", "-o", "targets"],
            &["-flavor", "gnu"],
            &["--target=x86_64-unknown-linux-gnu", "-c", "x.c"],
        ];
        for line in lines {
            let args: Vec<OsString> = line.iter().map(OsString::from).collect();
            assert!(!is_cli_invocation(&args), "{line:?}");
        }
        for word in CLI_WORDS {
            assert!(is_cli_invocation(&[OsString::from(word)]));
        }
        assert!(is_cli_invocation(&[]));
    }
}
