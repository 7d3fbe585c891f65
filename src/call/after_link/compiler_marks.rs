//! Which compiler made an object: the `.comment` strings every C compiler leaves
//! (`GCC: (Debian 12.2.0-14) 12.2.0`; zig's clang writes `clang version ...`). A GCC mark in a
//! build script's output means C code reached the build without ziglink-cc, compiled by this
//! machine's gcc against this machine's headers, which the glibc floor does not cover.

use std::path::Path;

use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection};

/// The first GCC mark among NUL-separated `.comment` strings.
pub fn gcc_mark(comment: &[u8]) -> Option<String> {
    comment
        .split(|&b| b == 0)
        .find(|s| s.starts_with(b"GCC: "))
        .map(|s| String::from_utf8_lossy(s).trim().to_string())
}

/// The first GCC mark in an ELF object, or in any member of an archive of them. Anything that
/// cannot be read as either has none.
pub fn gcc_mark_in(data: &[u8]) -> Option<String> {
    if let Ok(archive) = ArchiveFile::parse(data) {
        return archive
            .members()
            .filter_map(Result::ok)
            .filter_map(|member| member.data(data).ok())
            .find_map(mark_of_object);
    }
    mark_of_object(data)
}

/// The same for the file at `path`; one that cannot be read has none.
pub fn gcc_mark_of(path: &Path) -> Option<String> {
    gcc_mark_in(&std::fs::read(path).ok()?)
}

fn mark_of_object(data: &[u8]) -> Option<String> {
    let file = object::File::parse(data).ok()?;
    let comment = file.section_by_name(".comment")?.data().ok()?;
    gcc_mark(comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_gcc_among_the_compilers_named() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (
                b"\0GCC: (Debian 12.2.0-14) 12.2.0\0",
                Some("GCC: (Debian 12.2.0-14) 12.2.0"),
            ),
            (b"clang version 22.1.8\0rustc version 1.95.0\0", None),
            (
                b"rustc version 1.95.0\0GCC: (GNU) 4.8.5\0",
                Some("GCC: (GNU) 4.8.5"),
            ),
            (b"", None),
            (b"GCC", None),
        ];
        for (comment, want) in cases {
            assert_eq!(gcc_mark(comment).as_deref(), *want, "{comment:?}");
        }
    }

    #[test]
    fn files_that_are_neither_objects_nor_archives_have_no_mark() {
        for data in [&b""[..], b"!<arch>\n", b"\x7fELF", b"GCC: (GNU) 12\0"] {
            assert_eq!(gcc_mark_in(data), None);
        }
    }
}
