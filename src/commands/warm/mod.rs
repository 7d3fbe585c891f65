//! `ziglink warm`: builds, once, the libc, start files, libunwind, compiler-rt where links need
//! it (and, asked, libc++) that zig makes for a target on its first link, so that the links of
//! a parallel build afterwards find them in zig's cache instead of each waiting for the first
//! to build them.
//!
//! It does so the only way that is sure to build exactly what a Rust link asks for: it links a
//! tiny program with the same zig and a link line shaped like rustc's (the same libraries, the
//! same output kinds, cargo's dev and release profiles), translated by the same rules as a
//! real link. What zig builds depends on all of these, so a list of artifacts would drift.

mod lines;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::call::launch;
use crate::call::settings::Settings;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::project::build_targets;
use crate::project::lockfile;
use crate::target::triple::Target;
use crate::text::shell;
use crate::zig::cache;
use lines::{steps, Native, Step};

pub struct Request {
    pub targets: Vec<String>,
    pub cxx: bool,
}

/// The warm-up program. Its content and path never change, so zig compiles it once per target.
const SOURCE: &str = "int main(void) { return 0; }\n";
const SOURCE_NAME: &str = "warm.c";

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
    // A project whose lock file lists no C builder links Rust alone, which needs no compiler-rt
    // on glibc; C in it, or an unknown graph, does.
    let native = Native {
        c: here
            .as_deref()
            .is_none_or(|dir| lockfile::build_may_use(dir, None, lockfile::C_BUILDERS)),
        cxx: request.cxx,
    };
    if native.c {
        println!("Cargo.lock lists cc or cmake, or cannot be read: warming links with C too");
    }
    let warm = Warm {
        zig: &zig.path,
        native,
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
    native: Native,
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
            for step in steps(target, self.native, self.source, own)? {
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
