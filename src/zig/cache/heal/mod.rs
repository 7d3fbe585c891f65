//! Repairing zig's cache after a failed link: the files the link used (`mentions`) that are not
//! whole (`well_formed`) are removed under zig's own lock, the way `cache clean` removes an
//! entry (docs/zig-cache.md), so that the next zig rebuilds them. zig never checks an output
//! once its manifest is written, so without this one truncated `libc.so.6` fails every later
//! link until a person deletes the cache.

pub mod mentions;
pub mod well_formed;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use self::mentions::Named;
use self::well_formed::{Depth, Fault, Shape};
use super::clean;
use super::digest::{self, Manifest};
use super::lock;
use super::scan;

/// A broken file of an entry, and what became of the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub named: Named,
    pub shape: Shape,
    pub fault: Fault,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Emptied its manifest and removed its folder: zig rebuilds it.
    Removed,
    /// Another build repaired it while this one waited for the lock.
    RepairedMeanwhile,
    /// Left as it is, for the reason given.
    Kept(String),
}

impl Repair {
    /// Whether running the call again can now succeed.
    pub fn allows_retry(&self) -> bool {
        !matches!(self.outcome, Outcome::Kept(_))
    }

    /// `o/<hash> (libc.so.6) was truncated`.
    pub fn what(&self) -> String {
        format!(
            "zig's cache entry o/{} ({}) {}",
            self.named.entry,
            self.named.file,
            self.fault.describe(self.shape)
        )
    }
}

/// The files of `named` that are not whole to `depth`, checked without locks (a link just read
/// them).
pub fn broken(root: &Path, named: &[Named], depth: Depth) -> Vec<(Named, Shape, Fault)> {
    named
        .iter()
        .filter_map(|n| {
            let shape = Shape::of(&n.file)?;
            let fault = check_file(&n.path(root), shape, depth)?;
            Some((n.clone(), shape, fault))
        })
        .collect()
}

fn check_file(path: &Path, shape: Shape, depth: Depth) -> Option<Fault> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        // A link that succeeded did not need it: zig names inputs of archives it packed too.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return (depth == Depth::Contents).then_some(Fault::Missing);
        }
        // Unreadable is not broken: ziglink cannot tell, and zig will say so itself.
        Err(_) => return None,
    };
    let read = std::io::BufReader::new(file);
    well_formed::check_reading(shape, read, depth).err()
}

/// Removes the entries of `broken` under each one's manifest lock, waiting for builds that
/// hold it (they are using the entry, and end soon). Checks again under the lock, so an entry
/// another build has repaired meanwhile is left alone.
pub fn repair(root: &Path, broken: Vec<(Named, Shape, Fault)>) -> Vec<Repair> {
    let mut by_entry: BTreeMap<String, Vec<(Named, Shape, Fault)>> = BTreeMap::new();
    for item in broken {
        by_entry.entry(item.0.entry.clone()).or_default().push(item);
    }
    let manifests = manifests_naming(root, &by_entry.keys().cloned().collect::<Vec<_>>());
    let mut repairs = Vec::new();
    for (entry, files) in by_entry {
        let outcome = match manifests.get(&entry) {
            Some(manifest) => remove_locked(root, manifest, &entry, &files),
            None => Outcome::Kept(
                "no manifest of zig's names it; remove it with `ziglink cache clean`".to_string(),
            ),
        };
        repairs.extend(files.into_iter().map(|(named, shape, fault)| Repair {
            named,
            shape,
            fault,
            outcome: outcome.clone(),
        }));
    }
    repairs
}

/// The manifest of each of `entries`: zig names an output folder after its manifest's name and
/// inputs, so finding it means reading the manifests (only after a failed link).
fn manifests_naming(root: &Path, entries: &[String]) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let Ok(listing) = std::fs::read_dir(root.join("h")) else {
        return found;
    };
    for item in listing.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        if let Manifest::Inputs(inputs) = scan::read_manifest(&item.path()) {
            if let Some(output) = digest::output_name(&name, &inputs) {
                if entries.contains(&output) {
                    found.insert(output, item.path());
                }
            }
        }
        if found.len() == entries.len() {
            break;
        }
    }
    found
}

fn remove_locked(
    root: &Path,
    manifest: &Path,
    entry: &str,
    files: &[(Named, Shape, Fault)],
) -> Outcome {
    let kept = |what: &str, e: std::io::Error| Outcome::Kept(format!("{what}: {e}"));
    let mut file = match lock::open_quietly(manifest, true) {
        Ok(file) => file,
        Err(e) => return kept("cannot open its manifest", e),
    };
    if let Err(e) = lock::exclusive(&file) {
        return kept("cannot lock its manifest", e);
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.read_to_end(&mut bytes) {
        return kept("cannot read its manifest", e);
    }
    let name = manifest.file_name().unwrap_or_default().to_string_lossy();
    let still_names = match Manifest::parse(&bytes) {
        Manifest::Inputs(inputs) => digest::output_name(&name, &inputs).as_deref() == Some(entry),
        _ => false,
    };
    let still_broken = files
        .iter()
        .any(|(named, shape, _)| check_file(&named.path(root), *shape, Depth::Contents).is_some());
    if !still_names || !still_broken {
        return Outcome::RepairedMeanwhile;
    }
    match clean::empty_and_remove(&mut file, manifest, &root.join("o").join(entry)) {
        Ok(()) => Outcome::Removed,
        Err((which, e)) => kept(&format!("cannot change {}", which.display()), e),
    }
}
