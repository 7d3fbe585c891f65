//! `ziglink cache info`, `key` and `clean`: what is in zig's global cache, a name for what will
//! be, and removing entries no running build holds (see `zig::cache`).

use crate::call::launch;
use crate::call::lead_args;
use crate::call::settings::Settings;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::project::build_targets;
use crate::target::host;
use crate::zig::{cache, version};

/// Prints the key for the targets named, or the project's (`project::build_targets`).
pub fn run_key(targets: &[String]) -> Result<ExitCode> {
    let settings = Settings::from_process_env()?;
    let targets = settings.resolve_targets(&build_targets::or_project(targets))?;
    let zig = launch::find_zig(&settings, None)?;
    let zig_version = version::of(&zig).ok_or(Error::ZigVersionUnknown {
        path: zig.path.clone(),
    })?;
    let leads: Vec<String> = targets
        .iter()
        .map(|target| {
            let args = lead_args::lead_args(&lead_args::link_lead(target, &[]));
            args.iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let key = cache::key::key(
        &zig_version,
        host::triple(),
        env!("CARGO_PKG_VERSION"),
        &leads,
    );
    println!("{key}");
    Ok(ExitCode::SUCCESS)
}

pub fn run_info(json: bool) -> Result<ExitCode> {
    let (root, location) = cache::in_use()?;
    let scan = cache::scan::Scan::read(&root).map_err(|source| Error::CacheRead {
        path: root.clone(),
        source,
    })?;
    let summary = cache::info::Summary::of(&scan);
    let exists = root.is_dir();
    if json {
        print!("{}", cache::info::json(&root, &location, exists, &summary));
    } else {
        print!("{}", cache::info::text(&root, &location, exists, &summary));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_clean(older_than: Option<&str>, dry_run: bool) -> Result<ExitCode> {
    let older_than = older_than.map(cache::age::parse).transpose()?;
    let (root, location) = cache::in_use()?;
    println!("zig's cache: {} ({})", root.display(), location.chosen_by());
    if !root.is_dir() {
        println!("nothing to remove: it does not exist");
        return Ok(ExitCode::SUCCESS);
    }
    let _lock = cache::maintenance_lock(&root)?;
    let policy = cache::clean::Policy {
        older_than,
        now: std::time::SystemTime::now(),
    };
    let report = cache::clean::clean(&root, &policy, dry_run)?;
    print!("{}", cache::clean::render(&report, &policy, dry_run));
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
