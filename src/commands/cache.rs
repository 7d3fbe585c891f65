//! `ziglink cache info` and `ziglink cache clean`: what is in zig's global cache, and removing
//! entries no running build holds (see `zig::cache`).

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::zig::cache;

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
