//! What an rlib holds besides Rust. rustc bundles a `-sys` crate's static C library into that
//! crate's rlib (`static` libraries are `+bundle` by default), so a link line of rlibs alone may
//! still carry C: libzstd's objects arrive inside `libzstd_sys-<hash>.rlib`. Only the member
//! headers are read, seeking past each member, so a link pays a few reads per rlib, not their
//! size. An rlib is untrusted input: every read is bounded, and what cannot be read says "not
//! only Rust".

use std::io::{self, Read, Seek, SeekFrom};

/// A long-name table larger than this is not a real one.
const MAX_NAME_TABLE: u64 = 1 << 20;

/// The name of the first member of the GNU-format archive in `reader` that rustc did not write
/// (a C object), or `None` when every member is its own: codegen units (`.rcgu.o`), metadata
/// (`lib.rmeta`) and the symbol and name tables. An error for anything that is not such an
/// archive.
pub fn first_native(reader: &mut (impl Read + Seek)) -> io::Result<Option<Vec<u8>>> {
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic)?;
    if &magic != b"!<arch>\n" {
        return Err(invalid("not an ar archive"));
    }
    let mut long_names = Vec::new();
    let mut header = [0u8; 60];
    loop {
        if !read_header(reader, &mut header)? {
            return Ok(None);
        }
        if &header[58..60] != b"`\n" {
            return Err(invalid("bad member header"));
        }
        let size = decimal(&header[48..58]).ok_or_else(|| invalid("bad member size"))?;
        let field = trim_end(&header[..16]);
        // Members start on even offsets.
        let skip = size + size % 2;
        if field == b"//" {
            if size > MAX_NAME_TABLE {
                return Err(invalid("name table too large"));
            }
            long_names = vec![0; size as usize];
            reader.read_exact(&mut long_names)?;
            reader.seek(SeekFrom::Current((size % 2) as i64))?;
            continue;
        }
        if field != b"/" && field != b"/SYM64/" {
            let name = member_name(field, &long_names)?;
            if !is_rustcs(name) {
                return Ok(Some(name.to_vec()));
            }
        }
        let skip = i64::try_from(skip).map_err(|_| invalid("bad member size"))?;
        reader.seek(SeekFrom::Current(skip))?;
    }
}

/// Fills `header`; false at the end of the archive, an error when it ends inside a header.
fn read_header(reader: &mut impl Read, header: &mut [u8; 60]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < header.len() {
        match reader.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(invalid("archive ends inside a member header")),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// rustc's own members of an rlib.
fn is_rustcs(name: &[u8]) -> bool {
    name == b"lib.rmeta" || name.ends_with(b".rcgu.o")
}

/// A GNU member name: `name/` in the header, or `/<offset>` into the long-name table, where it
/// ends in `/\n`.
fn member_name<'a>(field: &'a [u8], long_names: &'a [u8]) -> io::Result<&'a [u8]> {
    if let Some(offset) = field.strip_prefix(b"/") {
        let offset = decimal(offset).ok_or_else(|| invalid("bad long name"))?;
        let rest = usize::try_from(offset)
            .ok()
            .and_then(|o| long_names.get(o..))
            .ok_or_else(|| invalid("long name outside its table"))?;
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        return Ok(rest[..end].strip_suffix(b"/").unwrap_or(&rest[..end]));
    }
    Ok(field.strip_suffix(b"/").unwrap_or(field))
}

fn decimal(field: &[u8]) -> Option<u64> {
    let digits = trim_end(field);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn trim_end(field: &[u8]) -> &[u8] {
    let end = field.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    &field[..end]
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A GNU archive of `members` (name, data), with a long-name table for names over 15 bytes.
    fn archive(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut table = Vec::new();
        let mut fields = Vec::new();
        for (name, _) in members {
            if name.len() > 15 {
                fields.push(format!("/{}", table.len()));
                table.extend_from_slice(format!("{name}/\n").as_bytes());
            } else {
                fields.push(format!("{name}/"));
            }
        }
        let mut out = b"!<arch>\n".to_vec();
        let mut member = |field: &str, data: &[u8]| {
            out.extend_from_slice(
                format!(
                    "{field:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                    0,
                    0,
                    0,
                    644,
                    data.len()
                )
                .as_bytes(),
            );
            out.extend_from_slice(data);
            if data.len() % 2 == 1 {
                out.push(b'\n');
            }
        };
        member("/", b"\0\0\0\0");
        if !table.is_empty() {
            member("//", &table.clone());
        }
        for (field, (_, data)) in fields.iter().zip(members) {
            member(field, data);
        }
        out
    }

    fn native(data: &[u8]) -> io::Result<Option<String>> {
        first_native(&mut Cursor::new(data))
            .map(|found| found.map(|n| String::from_utf8_lossy(&n).into_owned()))
    }

    #[test]
    fn finds_c_objects_bundled_among_rusts_members() {
        let cgu = "zstd_sys-6f1e.zstd_sys.9a2b3c4d5e6f7a8b-cgu.0.rcgu.o";
        type Members<'a> = &'a [(&'a str, &'a [u8])];
        let cases: &[(Members, Option<&str>)] = &[
            (&[("lib.rmeta", b"meta"), (cgu, b"odd")], None),
            (
                &[
                    ("lib.rmeta", b"m"),
                    (cgu, b""),
                    ("zstd_compress.o", b"\x7fELF"),
                ],
                Some("zstd_compress.o"),
            ),
            (
                &[("lib.rmeta", b"m"), ("4f2a1b-huf_decompress.o", b"x")],
                Some("4f2a1b-huf_decompress.o"),
            ),
            (&[], None),
        ];
        for (members, want) in cases {
            assert_eq!(
                native(&archive(members)).unwrap().as_deref(),
                *want,
                "{members:?}"
            );
        }
    }

    #[test]
    fn what_is_not_a_readable_archive_is_an_error() {
        let good = archive(&[("lib.rmeta", b"meta"), ("x.rcgu.o", b"x")]);
        assert_eq!(native(&good).unwrap(), None);
        let mut bad_size = good.clone();
        bad_size[8 + 48] = b'x';
        let mut bad_end = good.clone();
        bad_end[8 + 58] = b'!';
        let mut far_name = archive(&[("a_very_long_member_name.rcgu.o", b"")]);
        let at = far_name.windows(3).position(|w| w == b"/0 ").unwrap();
        far_name[at + 1..at + 3].copy_from_slice(b"99");
        let cut = &good[..good.len() - 20];
        for data in [&b""[..], b"!<thin>\n", &bad_size, &bad_end, &far_name, cut] {
            assert!(native(data).is_err(), "{data:?}");
        }
    }
}
