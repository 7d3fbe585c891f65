//! `ziglink warm`: builds, once, the libc, start files, compiler-rt, libunwind (and, asked,
//! libc++) that zig makes for a target on its first link, so that the links of a parallel
//! build afterwards find them in zig's cache instead of each waiting for the first to build
//! them.
//!
//! It does so the only way that is sure to build exactly what a Rust link asks for: it links a
//! tiny program with the same zig and a link line shaped like rustc's (the same libraries, the
//! same output kinds, cargo's dev and release profiles), translated by the same rules as a
//! real link. What zig builds depends on all of these, so a list of artifacts would drift.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::call::launch;
use crate::call::lead_args;
use crate::call::rules;
use crate::call::settings::Settings;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::project::build_targets;
use crate::target::triple::Target;
use crate::text::shell;
use crate::zig::cache;

pub struct Request {
    pub targets: Vec<String>,
    pub cxx: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A `bin`, a build script or a test.
    Executable,
    /// A `cdylib` or proc-macro.
    SharedObject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Dev,
    /// Also what cargo links build scripts with: it strips debug info wherever none is wanted.
    Release,
}

/// One zig call.
#[derive(Debug)]
pub struct Step {
    pub what: &'static str,
    pub args: Vec<OsString>,
}

/// The warm-up program. Its content and path never change, so zig compiles it once per target.
const SOURCE: &str = "int main(void) { return 0; }\n";
const SOURCE_NAME: &str = "warm.c";

/// The libraries rustc names on every Linux link (std's, via the `libc` and `unwind` crates);
/// ziglink turns `-lgcc_s` into `-lunwind`, and zig serves the others from the libc it builds.
const RUST_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// A link line as rustc writes it for `output` in `profile` (rustc 1.85 to 1.95 on Linux),
/// before ziglink's rules. `-lstdc++` is what cc-rs asks for when a crate compiles C++.
pub fn rustc_link_line(
    target: &Target,
    output: Output,
    profile: Profile,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    if target.is_apple() {
        return apple_link_line(target, output, cxx, object, out);
    }
    if target.is_windows() {
        return windows_link_line(target, output, profile, cxx, object, out);
    }
    let mut line: Vec<OsString> = vec![
        object.into(),
        "-Wl,--as-needed".into(),
        "-Wl,-Bstatic".into(),
        "-Wl,-Bdynamic".into(),
    ];
    if cxx {
        line.push("-lstdc++".into());
    }
    line.extend(RUST_LIBS.iter().map(OsString::from));
    line.extend(["-Wl,--eh-frame-hdr", "-Wl,-z,noexecstack", "-o"].map(OsString::from));
    line.push(out.into());
    line.push("-Wl,--gc-sections".into());
    // musl targets link statically, as Rust does by default (`crt-static`).
    let kind: &[&str] = match (output, target.is_musl()) {
        (Output::Executable, false) => &["-pie"],
        (Output::Executable, true) => &["-static-pie"],
        (Output::SharedObject, false) => &["-shared"],
        (Output::SharedObject, true) => &["-static", "-shared"],
    };
    line.extend(kind.iter().map(OsString::from));
    line.push("-Wl,-z,relro,-z,now".into());
    if profile == Profile::Release {
        line.extend(["-Wl,-O1", "-Wl,--strip-debug"].map(OsString::from));
    }
    line.push("-nodefaultlibs".into());
    line
}

/// The libraries std names on Windows (rustc 1.85), after `-Wl,-Bdynamic`.
const WINDOWS_SYSTEM_LIBS: &[&str] = &[
    "-lkernel32",
    "-ladvapi32",
    "-lntdll",
    "-luserenv",
    "-lws2_32",
    "-ldbghelp",
];

/// GCC's MinGW runtime, as rustc names it for `*-windows-gnu`.
const MINGW_GCC_LIBS: &[&str] = &[
    "-lgcc_eh",
    "-l:libpthread.a",
    "-lmsvcrt",
    "-lmingwex",
    "-lmingw32",
    "-lgcc",
    "-lmsvcrt",
    "-lmingwex",
    "-luser32",
    "-lkernel32",
    "-lssp_nonshared",
    "-lssp",
];

/// LLVM's MinGW runtime, as rustc names it for `*-windows-gnullvm`.
const MINGW_LLVM_LIBS: &[&str] = &[
    "-lunwind",
    "-lmingw32",
    "-lmingwex",
    "-lmsvcrt",
    "-lkernel32",
    "-luser32",
];

/// rustc's line for a Windows target, without the start objects rustc's own std ships
/// (`rsbegin.o`): the warm-up program needs none of what they register.
fn windows_link_line(
    target: &Target,
    output: Output,
    profile: Profile,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    let gnu = target.is_windows_gnu();
    let mut line: Vec<OsString> = Vec::new();
    if !gnu {
        line.extend(["-nolibc", "--unwindlib=none"].map(OsString::from));
    }
    line.extend([object.into(), "-Wl,-Bstatic".into(), "-Wl,-Bdynamic".into()]);
    if cxx {
        line.push("-lstdc++".into());
    }
    line.extend(WINDOWS_SYSTEM_LIBS.iter().map(OsString::from));
    let runtime = if gnu { MINGW_GCC_LIBS } else { MINGW_LLVM_LIBS };
    line.extend(runtime.iter().map(OsString::from));
    line.extend(["-o".into(), out.into(), "-Wl,--gc-sections".into()]);
    line.push(match output {
        Output::Executable => "-no-pie".into(),
        Output::SharedObject => "-shared".into(),
    });
    if profile == Profile::Release {
        line.extend(["-Wl,-O1", "-Wl,--strip-debug"].map(OsString::from));
    }
    if gnu {
        line.push("-nodefaultlibs".into());
    }
    line
}

/// rustc's line for an apple target: libSystem by its three names, the arch and deployment
/// target (which ziglink's rules drop in favour of `-target`), dead stripping. The release
/// profile changes nothing here: rustc strips Mach-O files itself after the link.
fn apple_link_line(
    target: &Target,
    output: Output,
    cxx: bool,
    object: &Path,
    out: &Path,
) -> Vec<OsString> {
    let mut line: Vec<OsString> = vec![object.into()];
    if cxx {
        line.push("-lc++".into());
    }
    line.extend(["-lSystem", "-lc", "-lm", "-arch"].map(OsString::from));
    line.push(
        if target.zig_arch() == "aarch64" {
            "arm64"
        } else {
            "x86_64"
        }
        .into(),
    );
    if let Some(macos) = target.macos() {
        line.push(format!("-mmacosx-version-min={macos}").into());
    }
    line.extend(["-o".into(), out.into(), "-Wl,-dead_strip".into()]);
    if output == Output::SharedObject {
        line.extend(["-dynamiclib", "-undefined", "dynamic_lookup"].map(OsString::from));
    }
    line.push("-nodefaultlibs".into());
    line
}

/// Every zig call that warms `target`: compile the source as `ziglink-cc` would, then link it
/// as each kind of Rust output in each profile (and again with C++, for `cxx`), each distinct
/// translated line once.
pub fn steps(target: &Target, cxx: bool, source: &Path, work: &Path) -> Result<Vec<Step>> {
    let object = work.join("warm.o");
    let mut compile = vec![OsString::from("cc")];
    compile.extend(lead_args::lead_args(&lead_args::compile_lead(target)));
    compile.push("-c".into());
    compile.extend([source.into(), "-o".into(), object.clone().into()]);
    let mut steps = vec![Step {
        what: "compile the warm-up program",
        args: compile,
    }];
    let variants: &[bool] = if cxx { &[false, true] } else { &[false] };
    for &with_cxx in variants {
        for profile in [Profile::Dev, Profile::Release] {
            for output in [Output::Executable, Output::SharedObject] {
                let out = work.join(match output {
                    Output::Executable => "warm",
                    Output::SharedObject => "libwarm.so",
                });
                let line = rustc_link_line(target, output, profile, with_cxx, &object, &out);
                let translated = rules::translate(&line, target, &|p| p.is_file())?;
                let mut args = vec![OsString::from("cc")];
                let lead = lead_args::link_lead(target, &translated.args);
                args.extend(lead_args::lead_args(&lead));
                args.extend(translated.args);
                // A release line links as the dev line does once the rules drop what zig
                // would build differently for (`-Wl,--strip-debug`): one link builds for both.
                if steps.iter().any(|s| s.args == args) {
                    continue;
                }
                steps.push(Step {
                    what: match output {
                        Output::Executable => "link the warm-up executable",
                        Output::SharedObject => "link the warm-up shared object",
                    },
                    args,
                });
            }
        }
    }
    Ok(steps)
}

pub fn run(request: &Request) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let here = std::env::current_dir().ok();
    let named = build_targets::or_project(&request.targets);
    if request.targets.is_empty() && !named.is_empty() {
        println!("the project builds for: {}", named.join(", "));
    }
    let targets = settings.resolve_targets(&named)?;
    let zig = launch::find_zig(&settings, None)?;
    let (root, location) = cache::in_use()?;
    println!(
        "warming zig's cache: {} ({})",
        root.display(),
        location.chosen_by()
    );
    let _lock = cache::maintenance_lock(&root)?;
    let source = write_source(&cache::own_dir(&root)?)?;
    let work = tempfile::Builder::new()
        .prefix("ziglink-warm-")
        .tempdir()
        .map_err(|source| Error::WarmFiles {
            path: std::env::temp_dir(),
            source,
        })?;
    let zig_dir = zig.path.parent().unwrap_or(Path::new("/"));
    let dirs = link_dirs(here.as_deref(), work.path(), &[zig_dir, &root]);
    if dirs.len() > 1 {
        println!(
            "zig's lib or cache folder is under {}: warming for links run there and elsewhere",
            dirs[0].display()
        );
    }
    // zig's locks on each cache entry make concurrent warm-ups safe: targets share only ZIR
    // and zig's own sources, and a zig that misses an entry another is building waits for it.
    let parallel = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, targets.len().max(1));
    let warm = Warm {
        zig: &zig.path,
        cxx: request.cxx,
        source: &source,
        dirs: &dirs,
        settings: &settings,
    };
    for (batch_index, batch) in targets.chunks(parallel).enumerate() {
        let before = entries(&root);
        let started = Instant::now();
        let took = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .enumerate()
                .map(|(i, target)| {
                    let own = work.path().join(format!("{batch_index}-{i}"));
                    let warm = &warm;
                    scope.spawn(move || warm.target(target, &own))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Result<Vec<Duration>>>()
        })?;
        let built = entries(&root).saturating_sub(before);
        if let ([target], [_]) = (batch, took.as_slice()) {
            println!("{}", summary(target, built, started.elapsed()));
            continue;
        }
        for (target, took) in batch.iter().zip(&took) {
            println!("{}: warmed in {:.1} s", name(target), took.as_secs_f64());
        }
        println!(
            "{} targets at once: built {built} cache entries in {:.1} s",
            batch.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What every target's warm-up shares.
struct Warm<'a> {
    zig: &'a Path,
    cxx: bool,
    source: &'a Path,
    dirs: &'a [PathBuf],
    settings: &'a Settings,
}

impl Warm<'_> {
    /// Runs every step for `target`, with its outputs in `own`; how long it took.
    fn target(&self, target: &Target, own: &Path) -> Result<Duration> {
        let started = Instant::now();
        std::fs::create_dir(own).map_err(|source| Error::WarmFiles {
            path: own.to_path_buf(),
            source,
        })?;
        for dir in self.dirs {
            for step in steps(target, self.cxx, self.source, own)? {
                run_step(self.zig, &step, dir, target, self.settings)?;
            }
        }
        Ok(started.elapsed())
    }
}

fn run_step(
    zig: &Path,
    step: &Step,
    dir: &Path,
    target: &Target,
    settings: &Settings,
) -> Result<()> {
    settings.log_line(|| {
        format!(
            "in {}: {}",
            dir.display(),
            shell::command_line(zig, &step.args)
        )
    });
    let status = launch::zig_command(zig, &step.args, settings)?
        .current_dir(dir)
        .status()
        .map_err(|source| Error::ZigStart {
            path: zig.to_path_buf(),
            source,
        })?;
    if status.success() {
        return Ok(());
    }
    Err(Error::WarmStep {
        step: step.what,
        target: target.spec.rust,
        status: status.to_string(),
    })
}

/// The folders to run zig's warm-up links in. zig writes the paths of its lib and cache folders
/// relative to its working folder when they lie under it, and those paths are part of the cache
/// key of every C object it builds (libunwind, glibc's start files, musl, libc++). A link run
/// from a folder above them (a project holding its `.venv`, or HOME above `~/.cache/zig`) thus
/// needs other entries than one run from anywhere else. cargo runs a crate's links from its
/// workspace and a registry dependency's from that package's folder, so a build can need both:
/// warm from here, and from `elsewhere` when here is above one of `paths`.
pub fn link_dirs(here: Option<&Path>, elsewhere: &Path, paths: &[&Path]) -> Vec<PathBuf> {
    let Some(here) = here else {
        return vec![elsewhere.to_path_buf()];
    };
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let here_canonical = canonical(here);
    if paths
        .iter()
        .any(|p| canonical(p).starts_with(&here_canonical))
    {
        vec![here.to_path_buf(), elsewhere.to_path_buf()]
    } else {
        vec![here.to_path_buf()]
    }
}

/// One line per target: what was built and how long it took.
pub fn summary(target: &Target, built: usize, took: Duration) -> String {
    let name = name(target);
    let seconds = took.as_secs_f64();
    match built {
        0 => format!("{name}: already warm, nothing built ({seconds:.1} s)"),
        1 => format!("{name}: built 1 cache entry in {seconds:.1} s"),
        n => format!("{name}: built {n} cache entries in {seconds:.1} s"),
    }
}

/// A target as the summary names it: the triple and its floor.
fn name(target: &Target) -> String {
    match target.floor {
        Some(floor) => format!("{} ({floor})", target.spec.rust),
        None => target.spec.rust.to_string(),
    }
}

/// Writes the source where it always is, unless it is already there: a rewrite would change
/// its modification time, and zig would compile it again.
fn write_source(dir: &Path) -> Result<PathBuf> {
    let path = dir.join(SOURCE_NAME);
    if std::fs::read(&path).is_ok_and(|bytes| bytes == SOURCE.as_bytes()) {
        return Ok(path);
    }
    std::fs::write(&path, SOURCE).map_err(|source| Error::WarmFiles {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(path)
}

/// How many output folders zig's cache holds.
fn entries(root: &Path) -> usize {
    std::fs::read_dir(root.join("o")).map_or(0, |dir| dir.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn links_as_rustc_does_for_each_output() {
        let gnu = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let musl = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let (o, out) = (Path::new("/w/warm.o"), Path::new("/w/warm"));
        // (target, output, profile, arguments present, arguments absent)
        type Case<'a> = (&'a Target, Output, Profile, &'a [&'a str], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                &gnu,
                Output::Executable,
                Profile::Dev,
                &["-pie"],
                &["--strip-debug"],
            ),
            (
                &gnu,
                Output::SharedObject,
                Profile::Dev,
                &["-shared"],
                &["-pie"],
            ),
            (
                &gnu,
                Output::Executable,
                Profile::Release,
                &["-Wl,--strip-debug"],
                &[],
            ),
            (
                &musl,
                Output::Executable,
                Profile::Dev,
                &["-static-pie"],
                &["-pie"],
            ),
            (
                &musl,
                Output::SharedObject,
                Profile::Dev,
                &["-static", "-shared"],
                &[],
            ),
        ];
        let mac = Target::resolve("aarch64-apple-darwin", None).unwrap();
        let apple: &[Case] = &[
            (
                &mac,
                Output::Executable,
                Profile::Release,
                &[
                    "-lSystem",
                    "arm64",
                    "-mmacosx-version-min=11.0",
                    "-Wl,-dead_strip",
                ],
                &["-pie", "-lgcc_s", "-Wl,--strip-debug"],
            ),
            (
                &mac,
                Output::SharedObject,
                Profile::Dev,
                &["-dynamiclib", "dynamic_lookup"],
                &["-shared", "-Wl,--eh-frame-hdr"],
            ),
        ];
        for (target, output, profile, present, absent) in cases.iter().chain(apple) {
            let line = strings(&rustc_link_line(target, *output, *profile, false, o, out));
            for want in *present {
                assert!(line.iter().any(|a| a == want), "{want} in {line:?}");
            }
            for unwanted in *absent {
                assert!(
                    !line.iter().any(|a| a == unwanted),
                    "{unwanted} in {line:?}"
                );
            }
            for lib in RUST_LIBS.iter().filter(|_| !target.is_apple()) {
                assert!(line.iter().any(|a| a == lib), "{lib} in {line:?}");
            }
            assert!(!line.iter().any(|a| a == "-lstdc++" || a == "-lc++"));
        }
    }

    #[test]
    fn steps_go_through_ziglinks_rules() {
        let target = Target::resolve("aarch64-unknown-linux-gnu.2.28", None).unwrap();
        let steps = steps(&target, false, Path::new("/c/warm.c"), Path::new("/w")).unwrap();
        // The compile, then the executable and the shared object: the release profile's lines
        // are the dev ones once `-Wl,--strip-debug` is kept from zig.
        assert_eq!(steps.len(), 3, "{steps:?}");
        let compile = strings(&steps[0].args);
        assert_eq!(
            compile,
            [
                "cc",
                "-target",
                "aarch64-linux-gnu.2.28",
                "-fno-sanitize=all",
                "-c",
                "/c/warm.c",
                "-o",
                "/w/warm.o"
            ]
        );
        for step in &steps[1..] {
            let args = strings(&step.args);
            assert_eq!(args[..3], ["cc", "-target", "aarch64-linux-gnu.2.28"]);
            // rustc's -lgcc_s reaches zig as -lunwind, as on a real link.
            assert!(args.contains(&"-lunwind".to_string()), "{args:?}");
            assert!(!args.contains(&"-lgcc_s".to_string()), "{args:?}");
        }
    }

    #[test]
    fn windows_lines_are_rustcs_after_the_rules() {
        for (triple, kept) in [
            ("x86_64-pc-windows-gnu", "-lgcc_eh"),
            ("i686-pc-windows-gnu", "-lmingw32"),
            ("aarch64-pc-windows-gnullvm", "--unwindlib=none"),
        ] {
            let target = Target::resolve(triple, None).unwrap();
            let steps = steps(&target, false, Path::new("/c/warm.c"), Path::new("/w")).unwrap();
            assert_eq!(steps.len(), 3, "{triple}: {steps:?}");
            for step in &steps[1..] {
                let args = strings(&step.args);
                assert!(args.contains(&kept.to_string()), "{triple}: {args:?}");
                for dropped in [
                    "-lmsvcrt",
                    "-l:libpthread.a",
                    "-nolibc",
                    "-Wl,--strip-debug",
                ] {
                    assert!(!args.contains(&dropped.to_string()), "{triple}: {args:?}");
                }
            }
        }
    }

    #[test]
    fn cxx_adds_links_with_libcxx() {
        let target = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let steps = steps(&target, true, Path::new("/c/warm.c"), Path::new("/w")).unwrap();
        let with_cxx = steps
            .iter()
            .filter(|s| s.args.iter().any(|a| a == "-lstdc++"))
            .count();
        assert_eq!((steps.len(), with_cxx), (5, 2));
    }

    #[test]
    fn summaries_say_what_was_built_and_how_long_it_took() {
        let gnu = Target::resolve("x86_64-unknown-linux-gnu", None).unwrap();
        let musl = Target::resolve("x86_64-unknown-linux-musl", None).unwrap();
        let cases = [
            (
                &gnu,
                75,
                24_300,
                "x86_64-unknown-linux-gnu (glibc 2.17): built 75 cache entries in 24.3 s",
            ),
            (
                &gnu,
                1,
                1_000,
                "x86_64-unknown-linux-gnu (glibc 2.17): built 1 cache entry in 1.0 s",
            ),
            (
                &musl,
                0,
                210,
                "x86_64-unknown-linux-musl: already warm, nothing built (0.2 s)",
            ),
        ];
        for (target, built, ms, text) in cases {
            assert_eq!(summary(target, built, Duration::from_millis(ms)), text);
        }
    }

    #[test]
    fn warms_from_elsewhere_too_when_zigs_folders_are_below_here() {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("project");
        let venv_zig = project.join(".venv/lib/python3.11/site-packages/ziglang");
        let cache = tmp.path().join("home/.cache/zig");
        let elsewhere = tmp.path().join("work");
        let inside = venv_zig.join("lib/std");
        for dir in [&inside, &cache, &elsewhere] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let paths = [venv_zig.as_path(), cache.as_path()];
        let both = |here: &Path| vec![here.to_path_buf(), elsewhere.clone()];
        let cases: &[(Option<PathBuf>, Vec<PathBuf>)] = &[
            // The project's own .venv holds zig: its links see relative lib paths.
            (Some(project.clone()), both(&project)),
            // HOME is above the cache.
            (
                Some(tmp.path().join("home")),
                both(&tmp.path().join("home")),
            ),
            (Some(tmp.path().to_path_buf()), both(tmp.path())),
            // Beside them, or below them: zig writes absolute paths, as it does anywhere.
            (Some(elsewhere.clone()), vec![elsewhere.clone()]),
            (Some(inside.clone()), vec![inside.clone()]),
            (None, vec![elsewhere.clone()]),
        ];
        for (here, expected) in cases {
            assert_eq!(
                link_dirs(here.as_deref(), &elsewhere, &paths),
                *expected,
                "{here:?}"
            );
        }
    }

    #[test]
    fn the_source_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_source(dir.path()).unwrap();
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(write_source(dir.path()).unwrap(), path);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), SOURCE);
    }
}
