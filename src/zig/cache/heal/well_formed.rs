//! Whether a file in zig's cache is what its name says: an archive whose members are all
//! objects, an object, or a shared library (glibc's stubs), each with every section inside the
//! file. zig trusts its outputs once their manifest is written, so a file a kill, a full disk or
//! a bad copy cut short stays broken until someone removes it. Pure: bytes in, verdict out.

use object::read::archive::ArchiveFile;
use object::read::coff::ImportFile;
use object::read::ReadCache;
use object::{FileKind, Object, ObjectKind, ObjectSection, ReadRef, SectionKind};

/// What is wrong with a cached file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Missing,
    Emptied,
    /// Its header is right but its contents run past its end (or do not add up).
    Truncated,
    /// It does not start the way a file of its kind does.
    Garbage,
}

impl Fault {
    /// Completes "zig's cache entry o/<hash> (libc.so.6) ...".
    pub fn describe(self, shape: Shape) -> String {
        match self {
            Fault::Missing => "is missing".to_string(),
            Fault::Emptied => "was emptied".to_string(),
            Fault::Truncated => "was truncated".to_string(),
            Fault::Garbage => format!("is not {}", shape.describe()),
        }
    }
}

/// What a cached file should be, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `libc++.a`, `libcompiler_rt.a`, MinGW's `libmingw32.lib` and import libraries.
    Archive,
    /// `crt1.o`, `Scrt1.o`, `crt2.obj`.
    Object,
    /// glibc's `libc.so.6` and the other stubs.
    SharedLibrary,
}

impl Shape {
    /// The shape of `file_name`, or `None` for what ziglink does not check (`c.s`, sources,
    /// zig's text files).
    pub fn of(file_name: &str) -> Option<Shape> {
        let ends = |suffix: &str| file_name.ends_with(suffix);
        if ends(".a") || ends(".lib") {
            Some(Shape::Archive)
        } else if ends(".o") || ends(".obj") {
            Some(Shape::Object)
        } else if ends(".so") || file_name.contains(".so.") {
            Some(Shape::SharedLibrary)
        } else {
            None
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Shape::Archive => "an archive",
            Shape::Object => "an object file",
            Shape::SharedLibrary => "a shared library",
        }
    }
}

/// How far a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Headers and tables only, so that every link can afford it: an empty file, a foreign
    /// one, or one cut short anywhere its headers say something lies (each section, each
    /// archive member) is found.
    Headers,
    /// Also every archive member parsed as an object, and every section read: after a failed
    /// link.
    Contents,
}

/// Checks the contents of a file of `shape`; `None` is a file that is not there.
pub fn check(shape: Shape, bytes: Option<&[u8]>) -> Result<(), Fault> {
    let Some(bytes) = bytes else {
        return Err(Fault::Missing);
    };
    inspect(shape, bytes, Depth::Contents)
}

/// Checks the file `read` reads, a file of `shape`, to `depth`: only the parts asked for are
/// read.
pub fn check_reading<R: std::io::Read + std::io::Seek>(
    shape: Shape,
    read: R,
    depth: Depth,
) -> Result<(), Fault> {
    let cache = ReadCache::new(read);
    inspect(shape, &cache, depth)
}

fn inspect<'data, R: ReadRef<'data>>(shape: Shape, data: R, depth: Depth) -> Result<(), Fault> {
    let len = data.len().map_err(|()| Fault::Missing)?;
    if len == 0 {
        return Err(Fault::Emptied);
    }
    let kind = match FileKind::parse(data) {
        Ok(kind) => kind,
        Err(_) => {
            let head = data
                .read_bytes_at(0, len.min(8))
                .map_err(|()| Fault::Truncated)?;
            return Err(match begins_like(shape, head) {
                true => Fault::Truncated,
                false => Fault::Garbage,
            });
        }
    };
    match (shape, kind) {
        (Shape::Archive, FileKind::Archive) => archive(data, len, depth),
        (Shape::Archive, _) => Err(Fault::Garbage),
        (Shape::SharedLibrary, FileKind::Elf32 | FileKind::Elf64) => {
            object(data, len, Some(ObjectKind::Dynamic), depth)
        }
        (Shape::Object, _) if is_object_kind(kind) => {
            object(data, len, Some(ObjectKind::Relocatable), depth)
        }
        _ => Err(Fault::Garbage),
    }
}

/// Every member inside the file; to [`Depth::Contents`], also each one an object (or, in
/// Windows import libraries, a short import record) that is whole.
fn archive<'data, R: ReadRef<'data>>(data: R, len: u64, depth: Depth) -> Result<(), Fault> {
    let archive = ArchiveFile::parse(data).map_err(|_| Fault::Truncated)?;
    for member in archive.members() {
        let member = member.map_err(|_| Fault::Truncated)?;
        within(member.file_range(), len)?;
        if depth == Depth::Headers {
            continue;
        }
        let bytes = member.data(data).map_err(|_| Fault::Truncated)?;
        if ImportFile::parse(bytes).is_ok() {
            continue;
        }
        object(bytes, bytes.len() as u64, None, depth)?;
    }
    Ok(())
}

/// An object of `kind` (any kind when `None`) whose header parses and whose sections with
/// contents lie inside the file (and, to [`Depth::Contents`], can be read).
fn object<'data, R: ReadRef<'data>>(
    data: R,
    len: u64,
    kind: Option<ObjectKind>,
    depth: Depth,
) -> Result<(), Fault> {
    let file = object::File::parse(data).map_err(|_| Fault::Truncated)?;
    if kind.is_some_and(|kind| file.kind() != kind) {
        return Err(Fault::Garbage);
    }
    for section in file.sections() {
        if section.kind() == SectionKind::UninitializedData {
            continue;
        }
        if let Some(range) = section.file_range() {
            within(range, len)?;
        }
        if depth == Depth::Contents {
            section.data().map_err(|_| Fault::Truncated)?;
        }
    }
    Ok(())
}

fn within((offset, size): (u64, u64), len: u64) -> Result<(), Fault> {
    match offset.checked_add(size) {
        Some(end) if end <= len => Ok(()),
        _ => Err(Fault::Truncated),
    }
}

const ELF: &[u8] = b"\x7fELF";
const ARCHIVES: [&[u8]; 2] = [b"!<arch>\n", b"!<thin>\n"];
/// Mach-O's, both byte orders, 32 and 64 bits.
const MACHO: [&[u8]; 4] = [
    b"\xfe\xed\xfa\xce",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
];

/// Whether `bytes` start the way a file of `shape` does, or are the start of its magic number:
/// a file cut short before its header was whole. (COFF objects have no magic number.)
fn begins_like(shape: Shape, bytes: &[u8]) -> bool {
    let begins = |magic: &[u8]| bytes.starts_with(magic) || magic.starts_with(bytes);
    match shape {
        Shape::Archive => ARCHIVES.into_iter().any(begins),
        Shape::Object => begins(ELF) || MACHO.into_iter().any(begins),
        Shape::SharedLibrary => begins(ELF),
    }
}

fn is_object_kind(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Elf32 | FileKind::Elf64 | FileKind::MachO32 | FileKind::MachO64 | FileKind::Coff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_come_from_the_names_zig_gives_its_outputs() {
        let cases = [
            ("libc.so.6", Some(Shape::SharedLibrary)),
            ("libld.so.2", Some(Shape::SharedLibrary)),
            ("libm.so", Some(Shape::SharedLibrary)),
            ("libc_nonshared.a", Some(Shape::Archive)),
            ("libcompiler_rt.a", Some(Shape::Archive)),
            ("libmingw32.lib", Some(Shape::Archive)),
            ("api-ms-win-crt-conio-l1-1-0.lib", Some(Shape::Archive)),
            ("Scrt1.o", Some(Shape::Object)),
            ("crt2.obj", Some(Shape::Object)),
            ("c.s", None),
            ("builtin.zig", None),
            ("libc.sox", None),
        ];
        for (name, shape) in cases {
            assert_eq!(Shape::of(name), shape, "{name}");
        }
    }

    #[test]
    fn nothing_and_zero_bytes_and_foreign_bytes_are_faults() {
        let cases: [(Shape, Option<&[u8]>, Fault); 6] = [
            (Shape::Archive, None, Fault::Missing),
            (Shape::Archive, Some(b""), Fault::Emptied),
            (
                Shape::SharedLibrary,
                Some(b"\0\0\0\0garbage"),
                Fault::Garbage,
            ),
            (Shape::Object, Some(b"!<arch>\n"), Fault::Garbage),
            (
                Shape::Archive,
                Some(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"),
                Fault::Garbage,
            ),
            (
                Shape::Object,
                Some(b"\x7fELF\x02\x01\x01"),
                Fault::Truncated,
            ),
        ];
        for (shape, bytes, fault) in cases {
            assert_eq!(check(shape, bytes), Err(fault), "{shape:?} {bytes:?}");
        }
    }

    /// This test binary is a whole ELF file (on Linux; the e2e tests cut Mach-O and PE
    /// files); every cut of it is a fault, never a panic.
    #[cfg(target_os = "linux")]
    #[test]
    fn every_cut_of_a_real_file_is_found() {
        let exe = std::env::current_exe().expect("the test binary");
        let bytes = std::fs::read(exe).expect("readable");
        let len = bytes.len();
        for depth in [Depth::Headers, Depth::Contents] {
            assert_eq!(object(&bytes[..], len as u64, None, depth), Ok(()));
            for cut in [1, 16, 64, len / 2, len - 1] {
                let read = std::io::Cursor::new(bytes[..cut].to_vec());
                let fault = check_reading(Shape::Object, read, depth);
                assert_eq!(
                    fault,
                    Err(Fault::Truncated),
                    "{depth:?}, cut at {cut} of {len}"
                );
            }
        }
    }
}
