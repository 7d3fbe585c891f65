//! Folders ziglink makes or trusts in places the user did not name: zig's cache when ziglink
//! moves it to the temp folder, and ziglink's own folder inside zig's cache (bindgen's header
//! copies, the warm-up lock and source). Whoever can write such a folder, or put another in its
//! place, decides what zig links (its cached glibc stubs, start files, compiler-rt), so ziglink
//! uses one only by the rules OpenSSH and Python's `tempfile` apply in shared temp folders:
//!
//! - ziglink makes it with mode 0700, or, when it is already there, it is a real directory (not
//!   a symlink, checked without following one), owned by this user, and writable by no one else;
//! - every folder above it belongs to this user or to root and cannot be written by others
//!   unless it has the sticky bit (as `/tmp` has), so no one can rename it away and put their
//!   own in its place. A folder writable by this user's primary group is accepted too when
//!   that group is a user-private one (named as the user, with no other members listed), as
//!   many distributions give each user; a shared primary group such as `users` is others.
//!
//! The path handed on is the checked one, with every symlink above it resolved, so what zig
//! opens later is what was checked.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::platform;

/// What `lstat` says about one folder, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub kind: Kind,
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Directory,
    Symlink,
    Other,
}

/// The user ziglink runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Me {
    pub uid: u32,
    pub gid: u32,
    /// Whether the primary group `gid` is this user's alone (a user-private group).
    pub private_group: bool,
}

const WRITE_GROUP: u32 = 0o020;
const WRITE_OTHER: u32 = 0o002;
const STICKY: u32 = 0o1000;

/// Which folder it is, for the error that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `$TMPDIR/ziglink-zig-cache-<uid>`, for zig's cache when its default is not writable.
    Fallback,
    /// `<zig cache>/ziglink`.
    Own,
}

impl Place {
    pub fn lead(self) -> &'static str {
        match self {
            Place::Fallback => {
                "zig's default cache folder cannot be written, and ziglink cannot use its \
                 fallback "
            }
            Place::Own => "ziglink cannot use its folder in zig's cache ",
        }
    }
}

/// Why a folder is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Symlink,
    NotADirectory,
    OwnedBy { uid: u32 },
    WritableByOthers { mode: u32 },
    AboveOwnedBy { dir: PathBuf, uid: u32 },
    AboveWritable { dir: PathBuf, mode: u32 },
    Unusable { reason: String },
}

impl Problem {
    /// Someone else could change the folder, as opposed to its just not being there to use.
    pub fn is_threat(&self) -> bool {
        !matches!(self, Problem::Unusable { .. })
    }
}

/// The error for a folder at `path`, meant for `place`, that ziglink refuses.
pub fn refused(place: Place, path: PathBuf, problem: Problem) -> Error {
    Error::PrivateFolder {
        place: place.lead(),
        path,
        threat: problem.is_threat(),
        problem: problem.to_string(),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Symlink => write!(f, "is a symbolic link"),
            Problem::NotADirectory => write!(f, "is not a directory"),
            Problem::OwnedBy { uid } => write!(f, "belongs to {}, not to you", user(*uid)),
            Problem::WritableByOthers { mode } => {
                write!(f, "can be written by others (mode {:04o})", mode & 0o7777)
            }
            Problem::AboveOwnedBy { dir, uid } => {
                write!(
                    f,
                    "is inside `{}`, which belongs to {}",
                    dir.display(),
                    user(*uid)
                )
            }
            Problem::AboveWritable { dir, mode } => write!(
                f,
                "is inside `{}`, which others can write without the sticky bit (mode {:04o})",
                dir.display(),
                mode & 0o7777
            ),
            Problem::Unusable { reason } => write!(f, "cannot be made or read: {reason}"),
        }
    }
}

/// The folder itself: a real directory of `me` that no one else can write.
pub fn judge_folder(facts: &Facts, me: Me) -> Option<Problem> {
    match facts.kind {
        Kind::Symlink => return Some(Problem::Symlink),
        Kind::Other => return Some(Problem::NotADirectory),
        Kind::Directory => {}
    }
    if facts.uid != me.uid {
        return Some(Problem::OwnedBy { uid: facts.uid });
    }
    if facts.mode & (WRITE_GROUP | WRITE_OTHER) != 0 {
        return Some(Problem::WritableByOthers { mode: facts.mode });
    }
    None
}

/// A folder above it: owned by `me` or root, and no one else can replace what is inside.
pub fn judge_above(dir: &Path, facts: &Facts, me: Me) -> Option<Problem> {
    if facts.uid != me.uid && facts.uid != 0 {
        return Some(Problem::AboveOwnedBy {
            dir: dir.to_path_buf(),
            uid: facts.uid,
        });
    }
    let sticky = facts.mode & STICKY != 0;
    let others = facts.mode & WRITE_OTHER != 0;
    let mine = facts.gid == me.gid && me.private_group;
    let group = facts.mode & WRITE_GROUP != 0 && !mine;
    if (others || group) && !sticky {
        return Some(Problem::AboveWritable {
            dir: dir.to_path_buf(),
            mode: facts.mode,
        });
    }
    None
}

/// `path`, made private (mode 0700) if it is missing, once it and the folders above it pass the
/// rules. Returns the path with the symlinks above it resolved: the one to hand on.
pub fn ensure(path: &Path) -> Result<PathBuf, Problem> {
    let real = resolved(path)?;
    match platform::fs::create_private_dir(&real) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(unusable(e)),
    }
    check(&real)?;
    Ok(real)
}

/// Whether `path` would be refused, without making anything: for `ziglink doctor`. A folder
/// that does not exist yet is judged by the folders above it.
pub fn inspect(path: &Path) -> Result<(), Problem> {
    let Some(existing) = path.ancestors().find(|p| p.symlink_metadata().is_ok()) else {
        return Ok(());
    };
    if existing == path {
        check(&resolved(path)?)
    } else {
        check_above(&existing.canonicalize().map_err(unusable)?)
    }
}

/// `path` with its parent's symlinks resolved; the last part is kept as it is, so that a
/// symlink there is seen, not followed.
fn resolved(path: &Path) -> Result<PathBuf, Problem> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Problem::Unusable {
            reason: "it has no parent folder".to_string(),
        });
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    Ok(parent.canonicalize().map_err(unusable)?.join(name))
}

fn check(real: &Path) -> Result<(), Problem> {
    let me = me();
    let facts = facts_of(real).map_err(unusable)?;
    if let Some(problem) = judge_folder(&facts, me) {
        return Err(problem);
    }
    real.parent().map_or(Ok(()), check_above)
}

fn check_above(dir: &Path) -> Result<(), Problem> {
    let mut me = me();
    let mut looked_up = false;
    for above in dir.ancestors() {
        let facts = facts_of(above).map_err(unusable)?;
        let mut problem = judge_above(above, &facts, me);
        // Only a folder my primary group can write needs the group database, read once.
        if problem.is_some() && facts.gid == me.gid && !looked_up {
            looked_up = true;
            me.private_group = primary_group_is_private(me);
            problem = judge_above(above, &facts, me);
        }
        if let Some(problem) = problem {
            return Err(problem);
        }
    }
    Ok(())
}

fn unusable(e: io::Error) -> Problem {
    Problem::Unusable {
        reason: e.to_string(),
    }
}

pub fn facts_of(path: &Path) -> io::Result<Facts> {
    let meta = path.symlink_metadata()?;
    let kind = if meta.file_type().is_symlink() {
        Kind::Symlink
    } else if meta.is_dir() {
        Kind::Directory
    } else {
        Kind::Other
    };
    let (uid, gid, mode) = platform::fs::owner_and_mode(&meta);
    Ok(Facts {
        kind,
        uid,
        gid,
        mode,
    })
}

/// The user ziglink runs as, its primary group not yet looked up (taken as shared).
pub fn me() -> Me {
    let (uid, gid) = platform::fs::effective_ids();
    Me {
        uid,
        gid,
        private_group: false,
    }
}

fn primary_group_is_private(me: Me) -> bool {
    match (platform::fs::group(me.gid), platform::fs::user_name(me.uid)) {
        (Some((name, members)), Some(user)) => is_private_group(&name, &members, &user),
        _ => false,
    }
}

/// A group named as the user that lists no one else: the user-private group scheme. Other
/// users who have it as their primary group are not listed in the group database; a group
/// shared that way is named for what it is (`users`, `staff`), not for one user.
pub fn is_private_group(name: &str, members: &[String], user: &str) -> bool {
    name == user && members.iter().all(|m| m == user)
}

/// `uid 1001 (mallory)`, or just the number when the user database does not know it.
pub fn user(uid: u32) -> String {
    match platform::fs::user_name(uid) {
        Some(name) => format!("uid {uid} ({name})"),
        None => format!("uid {uid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Me = Me {
        uid: 1000,
        gid: 1000,
        private_group: true,
    };
    // Whose primary group is `users` (gid 100), shared with every other user.
    const SHARED: Me = Me {
        uid: 1000,
        gid: 100,
        private_group: false,
    };

    fn dir(uid: u32, gid: u32, mode: u32) -> Facts {
        Facts {
            kind: Kind::Directory,
            uid,
            gid,
            mode: 0o040000 | mode,
        }
    }

    #[test]
    fn the_folder_itself_must_be_a_real_directory_of_mine_that_no_one_else_writes() {
        let cases: &[(Facts, Option<Problem>)] = &[
            (dir(1000, 1000, 0o700), None),
            (dir(1000, 1000, 0o755), None),
            (
                dir(1000, 1000, 0o775),
                Some(Problem::WritableByOthers { mode: 0o040775 }),
            ),
            (
                dir(1000, 1000, 0o777),
                Some(Problem::WritableByOthers { mode: 0o040777 }),
            ),
            (
                dir(1000, 1000, 0o1777),
                Some(Problem::WritableByOthers { mode: 0o041777 }),
            ),
            (dir(1001, 1001, 0o700), Some(Problem::OwnedBy { uid: 1001 })),
            (dir(0, 0, 0o700), Some(Problem::OwnedBy { uid: 0 })),
            (
                Facts {
                    kind: Kind::Symlink,
                    ..dir(1000, 1000, 0o777)
                },
                Some(Problem::Symlink),
            ),
            (
                Facts {
                    kind: Kind::Other,
                    ..dir(1000, 1000, 0o600)
                },
                Some(Problem::NotADirectory),
            ),
        ];
        for (facts, want) in cases {
            assert_eq!(&judge_folder(facts, ME), want, "{facts:?}");
        }
    }

    #[test]
    fn folders_above_must_keep_others_from_replacing_it() {
        let at = Path::new("/x");
        let above_writable = |mode| {
            Some(Problem::AboveWritable {
                dir: at.into(),
                mode,
            })
        };
        let cases: &[(Facts, Option<Problem>)] = &[
            // /tmp: root's, world-writable, sticky.
            (dir(0, 0, 0o1777), None),
            (dir(0, 0, 0o755), None),
            (dir(1000, 1000, 0o700), None),
            // A user-private group of mine.
            (dir(1000, 1000, 0o775), None),
            (dir(1000, 100, 0o775), above_writable(0o040775)),
            (dir(0, 0, 0o777), above_writable(0o040777)),
            (dir(1000, 1000, 0o777), above_writable(0o040777)),
            (dir(1000, 100, 0o1770), None),
            (
                dir(1001, 1001, 0o755),
                Some(Problem::AboveOwnedBy {
                    dir: at.into(),
                    uid: 1001,
                }),
            ),
        ];
        for (facts, want) in cases {
            assert_eq!(&judge_above(at, facts, ME), want, "{facts:?}");
        }
        let shared: &[(Facts, Option<Problem>)] = &[
            (dir(1000, 100, 0o775), above_writable(0o040775)),
            (dir(1000, 100, 0o755), None),
            (dir(1000, 100, 0o1775), None),
            (dir(1000, 1000, 0o775), above_writable(0o040775)),
        ];
        for (facts, want) in shared {
            assert_eq!(&judge_above(at, facts, SHARED), want, "{facts:?}");
        }
    }

    #[test]
    fn a_private_group_is_named_as_its_user_and_lists_no_one_else() {
        let users = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let cases: &[(&str, &[&str], bool)] = &[
            ("alice", &[], true),
            ("alice", &["alice"], true),
            ("alice", &["alice", "bob"], false),
            ("users", &[], false),
            ("users", &["alice"], false),
            ("staff", &["alice", "bob"], false),
        ];
        for (name, members, want) in cases {
            let got = is_private_group(name, &users(members), "alice");
            assert_eq!(got, *want, "{name} {members:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_folder_is_made_private_and_a_planted_one_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let made = ensure(&root.path().join("cache")).unwrap();
        let mode = std::fs::metadata(&made).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // Again: it is there and fine.
        assert_eq!(ensure(&root.path().join("cache")).unwrap(), made);

        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            ensure(&open),
            Err(Problem::WritableByOthers { .. })
        ));

        let link = root.path().join("link");
        std::os::unix::fs::symlink(&made, &link).unwrap();
        assert_eq!(ensure(&link), Err(Problem::Symlink));

        let file = root.path().join("file");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(ensure(&file), Err(Problem::NotADirectory));

        // Inside a folder others can write, even a private folder is not safe.
        std::fs::create_dir(open.join("inner")).unwrap();
        assert!(matches!(
            ensure(&open.join("inner")),
            Err(Problem::AboveWritable { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_checked_path_has_no_symlinks_above_it() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, root.path().join("alias")).unwrap();
        let made = ensure(&root.path().join("alias").join("cache")).unwrap();
        assert_eq!(made, real.canonicalize().unwrap().join("cache"));
    }

    #[cfg(unix)]
    #[test]
    fn inspect_judges_a_missing_folder_by_the_folders_above_it() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        assert_eq!(inspect(&root.path().join("a/b/c")), Ok(()));
        assert!(!root.path().join("a").exists(), "inspect made something");
        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            inspect(&open.join("zig")),
            Err(Problem::AboveWritable { .. })
        ));
        assert!(matches!(
            inspect(&open),
            Err(Problem::WritableByOthers { .. })
        ));
    }

    #[test]
    fn problems_read_as_part_of_a_sentence() {
        let text = Problem::AboveWritable {
            dir: "/shared".into(),
            mode: 0o040777,
        }
        .to_string();
        assert_eq!(
            text,
            "is inside `/shared`, which others can write without the sticky bit (mode 0777)"
        );
        assert_eq!(
            Problem::OwnedBy { uid: 0 }.to_string(),
            "belongs to uid 0 (root), not to you"
        );
    }
}
