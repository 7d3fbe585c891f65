//! Reading zig's cache: every entry with its size, newest time and kind, and which `o/` folder
//! each manifest names. Reads without locks and without touching access times; `clean` locks
//! and reads again before it removes anything.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::digest::{self, Manifest};
use super::kinds::{self, Area, Kind};
use super::lock;
use crate::platform;

/// Disk use and age of a file or folder tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Bytes allocated on disk, as `du` counts them.
    pub bytes: u64,
    pub files: u64,
    /// The newest modification or access time of any file under it (and the modification time
    /// of its folders: listing a folder sets its access time, and ziglink lists them).
    pub newest: Option<SystemTime>,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.bytes += other.bytes;
        self.files += other.files;
        self.newest = self.newest.max(other.newest);
    }
}

pub struct ManifestEntry {
    pub name: String,
    pub path: PathBuf,
    pub usage: Usage,
    pub manifest: Manifest,
    /// The `o/` folder it names, when it is a finished zig 0.17 manifest.
    pub output: Option<String>,
}

pub struct OutputEntry {
    pub name: String,
    pub path: PathBuf,
    pub usage: Usage,
    pub kind: Kind,
    /// Whether a manifest names this folder.
    pub named: bool,
}

pub struct OtherEntry {
    pub area: Area,
    pub path: PathBuf,
    pub usage: Usage,
}

#[derive(Default)]
pub struct Scan {
    pub manifests: Vec<ManifestEntry>,
    pub outputs: Vec<OutputEntry>,
    pub others: Vec<OtherEntry>,
}

/// zig's clock probe in `h/`, not a manifest.
const TIMESTAMP: &str = "timestamp";

impl Scan {
    /// Reads the cache at `root`; a missing cache is an empty one.
    pub fn read(root: &Path) -> std::io::Result<Scan> {
        let mut scan = Scan::default();
        let tops = match std::fs::read_dir(root) {
            Ok(tops) => tops,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(scan),
            Err(e) => return Err(e),
        };
        let mut output_dirs = Vec::new();
        for top in tops {
            let top = top?;
            let area = Area::of(&top.file_name().to_string_lossy());
            let is_dir = top.file_type()?.is_dir();
            match area {
                Area::Manifests if is_dir => scan.read_manifests(&top.path())?,
                Area::Outputs if is_dir => output_dirs = children(&top.path())?,
                Area::Zir | Area::Builtin | Area::Tmp | Area::Packages if is_dir => {
                    for path in children(&top.path())? {
                        let usage = usage(&path);
                        scan.others.push(OtherEntry { area, path, usage });
                    }
                }
                _ => {
                    let path = top.path();
                    let usage = usage(&path);
                    scan.others.push(OtherEntry { area, path, usage });
                }
            }
        }
        let named: HashMap<&str, &ManifestEntry> = scan
            .manifests
            .iter()
            .filter_map(|m| m.output.as_deref().map(|o| (o, m)))
            .collect();
        let mut outputs = Vec::with_capacity(output_dirs.len());
        for path in output_dirs {
            let name = file_name(&path);
            let by = named.get(name.as_str());
            let first_input = by.and_then(|m| match &m.manifest {
                Manifest::Inputs(inputs) => inputs.first(),
                _ => None,
            });
            let files = file_names(&path);
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            outputs.push(OutputEntry {
                kind: kinds::classify_output(first_input, &files),
                usage: usage(&path),
                named: by.is_some(),
                name,
                path,
            });
        }
        scan.outputs = outputs;
        Ok(scan)
    }

    fn read_manifests(&mut self, dir: &Path) -> std::io::Result<()> {
        for path in children(dir)? {
            let name = file_name(&path);
            if name == TIMESTAMP {
                let usage = usage(&path);
                self.others.push(OtherEntry {
                    area: Area::Manifests,
                    path,
                    usage,
                });
                continue;
            }
            // Stat before reading, so that the read cannot make the entry look used.
            let usage = usage(&path);
            let manifest = read_manifest(&path);
            let output = match &manifest {
                Manifest::Inputs(inputs) => digest::output_name(&name, inputs),
                _ => None,
            };
            let manifest = if output.is_none() && matches!(manifest, Manifest::Inputs(_)) {
                // Records in zig 0.17's shape under a name zig 0.17 never gives.
                Manifest::Foreign
            } else {
                manifest
            };
            self.manifests.push(ManifestEntry {
                name,
                path,
                usage,
                manifest,
                output,
            });
        }
        Ok(())
    }

    /// Whether this cache is in the format ziglink knows: most finished manifests name a folder
    /// that exists, or no folder is left that none names (a cache whose `o/` someone removed).
    pub fn format_check(&self) -> FormatCheck {
        let finished = self.manifests.iter().filter(|m| m.output.is_some());
        let existing: std::collections::HashSet<&str> =
            self.outputs.iter().map(|o| o.name.as_str()).collect();
        let (mut finished_count, mut mapped) = (0, 0);
        for m in finished {
            finished_count += 1;
            if m.output.as_deref().is_some_and(|o| existing.contains(o)) {
                mapped += 1;
            }
        }
        FormatCheck {
            finished: finished_count,
            mapped,
            unnamed_outputs: self.outputs.iter().filter(|o| !o.named).count(),
            foreign: self
                .manifests
                .iter()
                .filter(|m| m.manifest == Manifest::Foreign)
                .map(|m| m.name.clone())
                .collect(),
        }
    }
}

/// The numbers that decide whether `o/` folders can be told apart safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatCheck {
    /// Finished zig 0.17 manifests.
    pub finished: usize,
    /// Those whose `o/` folder exists.
    pub mapped: usize,
    /// `o/` folders no manifest names.
    pub unnamed_outputs: usize,
    /// Manifests not in zig 0.17's format (another zig version's, or damaged).
    pub foreign: Vec<String>,
}

impl FormatCheck {
    /// The manifest digest is understood: the folders manifests name are there. When fewer than
    /// half are while unnamed folders exist, zig's naming has changed, and no `o/` folder can be
    /// tied to the manifest whose lock guards it.
    pub fn digest_understood(&self) -> bool {
        self.unnamed_outputs == 0 || self.mapped * 2 >= self.finished
    }
}

pub fn read_manifest(path: &Path) -> Manifest {
    let mut bytes = Vec::new();
    match lock::open_quietly(path, false).and_then(|mut f| f.read_to_end(&mut bytes)) {
        Ok(_) => Manifest::parse(&bytes),
        // Gone since it was listed: zig does not remove manifests, so someone else did.
        Err(_) => Manifest::Empty,
    }
}

fn children(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Disk use and newest time of `path` and everything under it. Entries that vanish while it is
/// read (zig renaming a temporary folder) are skipped.
pub fn usage(path: &Path) -> Usage {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Usage::default();
    };
    let mut total = Usage {
        bytes: platform::fs::allocated(&meta),
        files: 0,
        newest: meta.modified().ok(),
    };
    if meta.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for entry in entries.flatten() {
                total.add(usage(&entry.path()));
            }
        }
    } else {
        total.files = 1;
        total.newest = total.newest.max(meta.accessed().ok());
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(finished: usize, mapped: usize, unnamed: usize) -> bool {
        FormatCheck {
            finished,
            mapped,
            unnamed_outputs: unnamed,
            foreign: Vec::new(),
        }
        .digest_understood()
    }

    #[test]
    fn a_changed_digest_is_noticed() {
        // (finished manifests, naming an existing folder, folders none names)
        let cases = [
            ((1904, 1904, 1), true), // the real cache this was checked on
            ((0, 0, 0), true),       // empty cache
            ((0, 0, 12), true),      // no manifests to go by: all folders are unnamed
            ((100, 0, 0), true),     // o/ removed by hand: nothing to tie wrongly
            ((100, 10, 95), false),  // another naming: folders exist, manifests miss them
            ((100, 50, 50), true),   // half: still ours, the rest are a previous zig's
            ((100, 49, 51), false),
        ];
        for ((finished, mapped, unnamed), expected) in cases {
            assert_eq!(
                check(finished, mapped, unnamed),
                expected,
                "{finished} {mapped} {unnamed}"
            );
        }
    }

    #[test]
    fn reads_a_cache_tree() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for dir in [
            "h",
            "o/b379798b5139d9d3b0781fb8df5a4a21",
            "o/ffff",
            "z",
            "tmp/x",
            "p",
        ] {
            std::fs::create_dir_all(r.join(dir)).unwrap();
        }
        std::fs::write(
            r.join("h/5aa99cfa3ba34ad4269f00cf8fbf7d6d"),
            include_bytes!("testdata/5aa99cfa3ba34ad4269f00cf8fbf7d6d"),
        )
        .unwrap();
        std::fs::write(r.join("h/0123456789abcdef0123456789abcdef"), b"").unwrap();
        std::fs::write(r.join("h/old.txt"), b"0\nfoo\n").unwrap();
        std::fs::write(r.join("h/timestamp"), b"").unwrap();
        std::fs::write(r.join("o/b379798b5139d9d3b0781fb8df5a4a21/libc.so.6"), b"x").unwrap();
        std::fs::write(r.join("o/ffff/a.o"), b"x").unwrap();
        std::fs::write(r.join("z/0123"), b"zir").unwrap();
        std::fs::write(r.join("tmp/x/partial.o"), b"x").unwrap();

        let scan = Scan::read(r).unwrap();
        let manifests: Vec<_> = scan
            .manifests
            .iter()
            .map(|m| (m.name.as_str(), m.output.as_deref()))
            .collect();
        assert_eq!(
            manifests,
            [
                ("0123456789abcdef0123456789abcdef", None),
                (
                    "5aa99cfa3ba34ad4269f00cf8fbf7d6d",
                    Some("b379798b5139d9d3b0781fb8df5a4a21")
                ),
                ("old.txt", None),
            ]
        );
        let outputs: Vec<_> = scan
            .outputs
            .iter()
            .map(|o| (o.name.as_str(), o.kind, o.named))
            .collect();
        assert_eq!(
            outputs,
            [
                ("b379798b5139d9d3b0781fb8df5a4a21", Kind::GlibcStubs, true),
                ("ffff", Kind::Other, false),
            ]
        );
        let check = scan.format_check();
        assert_eq!(check.foreign, ["old.txt"]);
        assert!(check.digest_understood());
        let areas: Vec<_> = scan.others.iter().map(|o| o.area).collect();
        assert!(areas.contains(&Area::Zir) && areas.contains(&Area::Tmp));
        assert!(scan.outputs[0].usage.bytes > 0 && scan.outputs[0].usage.files == 1);
    }

    #[test]
    fn a_missing_cache_is_empty() {
        let root = tempfile::tempdir().unwrap();
        let scan = Scan::read(&root.path().join("nope")).unwrap();
        assert!(scan.manifests.is_empty() && scan.outputs.is_empty() && scan.others.is_empty());
    }
}
