//! Flags of a PE file's COFF header that rustc asks the linker for and zig's COFF linker does not
//! take as options: `-Wl,--large-address-aware` (32-bit images may use more than 2 GiB on 64-bit
//! Windows). ziglink sets the bit in the header zig wrote, which is all the option does.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// `IMAGE_FILE_LARGE_ADDRESS_AWARE` in the COFF header's `Characteristics`.
pub const LARGE_ADDRESS_AWARE: u16 = 0x0020;

/// Where the COFF header's `Characteristics` field is in the PE file `data`. The DOS header's
/// `e_lfanew` points at `PE\0\0`, followed by the COFF header: machine, section count, time
/// stamp, symbol table, symbol count, optional header size, then `Characteristics`. Total: any
/// bytes give an error or an offset with two bytes in `data`.
pub fn characteristics_at(data: &[u8]) -> std::result::Result<usize, String> {
    if data.get(..2) != Some(b"MZ") {
        return Err("not a PE file (no MZ header)".to_string());
    }
    let lfanew = data
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or("truncated DOS header")?;
    let signature = usize::try_from(lfanew).map_err(|_| "PE header out of reach")?;
    let at = signature
        .checked_add(4 + 18)
        .ok_or("PE header out of reach")?;
    if data.get(signature..signature + 4) != Some(b"PE\0\0") {
        return Err("no PE signature where the DOS header points".to_string());
    }
    if data.get(at..at + 2).is_none() {
        return Err("the PE header points past the end of the file".to_string());
    }
    Ok(at)
}

/// `data`'s `Characteristics` with `flag` set, and where they go.
fn with_flag(data: &[u8], flag: u16) -> std::result::Result<(usize, [u8; 2], bool), String> {
    let at = characteristics_at(data)?;
    let old = u16::from_le_bytes([data[at], data[at + 1]]);
    Ok((at, (old | flag).to_le_bytes(), old & flag == flag))
}

/// Sets `flag` in the COFF header of the PE file `data`.
pub fn set_in(data: &mut [u8], flag: u16) -> std::result::Result<(), String> {
    let (at, field, _) = with_flag(data, flag)?;
    data[at..at + 2].copy_from_slice(&field);
    Ok(())
}

/// How much of the file `set_in` may need: the DOS header points to the PE header, which
/// linkers put within the first few hundred bytes; 64 KiB covers any DOS stub.
const HEADER_READ: u64 = 64 << 10;

/// Sets `flag` in `path`'s COFF header by writing the two bytes of the field where they are.
/// The rest of the file is never rewritten, so there is no half-written file to fear: a
/// two-byte write inside one disk sector lands whole or not at all, and one that fails leaves
/// zig's file as it was, only without the flag.
/// A file that is not a PE file (`-o /dev/null`) is left as it is: `Ok(Some(why))`.
pub fn set_flag(path: &Path, flag: u16) -> Result<Option<String>> {
    set_flag_with(path, flag, &|file, bytes, at| write_at(file, bytes, at))
}

/// A write of `bytes` at an offset of an open file.
pub type WriteAt<'a> = &'a dyn Fn(&mut File, &[u8], u64) -> std::io::Result<()>;

/// [`set_flag`] with the write done by `write`: the seam the fault-injection test uses.
pub fn set_flag_with(path: &Path, flag: u16, write: WriteAt) -> Result<Option<String>> {
    let failed = |reason: String| Error::PeHeader {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| failed(e.to_string()))?;
    let mut head = Vec::new();
    (&mut file)
        .take(HEADER_READ)
        .read_to_end(&mut head)
        .map_err(|e| failed(e.to_string()))?;
    let (at, field, already) = match with_flag(&head, flag) {
        Ok(found) => found,
        Err(why) => return Ok(Some(failed(why).to_string())),
    };
    if !already {
        write(&mut file, &field, at as u64).map_err(|e| failed(e.to_string()))?;
    }
    Ok(None)
}

fn write_at(file: &mut File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest file `set_flag` accepts: a DOS header pointing at a COFF header.
    fn pe(characteristics: u16) -> Vec<u8> {
        let mut data = vec![0u8; 0x40];
        data[..2].copy_from_slice(b"MZ");
        data[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        data.extend_from_slice(b"PE\0\0");
        data.extend_from_slice(&0x014cu16.to_le_bytes()); // i386
        data.extend_from_slice(&[0; 16]);
        data.extend_from_slice(&characteristics.to_le_bytes());
        data
    }

    #[test]
    fn sets_the_flag_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.exe");
        std::fs::write(&path, pe(0x0102)).unwrap();
        assert_eq!(set_flag(&path, LARGE_ADDRESS_AWARE).unwrap(), None);
        let data = std::fs::read(&path).unwrap();
        assert_eq!(data.len(), pe(0).len());
        assert_eq!(&data[0x40 + 22..0x40 + 24], &0x0122u16.to_le_bytes());
    }

    #[test]
    fn a_failed_write_leaves_the_file_as_zig_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.exe");
        let mut exe = pe(0x0102);
        exe.extend_from_slice(&[0xcc; 4096]); // the sections the header describes
        std::fs::write(&path, &exe).unwrap();
        let injected = |_: &mut File, _: &[u8], _: u64| {
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "injected",
            ))
        };
        let error = set_flag_with(&path, LARGE_ADDRESS_AWARE, &injected).unwrap_err();
        assert!(error.to_string().contains("injected"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), exe);
        let calls = std::cell::Cell::new(0);
        let counted = |file: &mut File, bytes: &[u8], at: u64| {
            calls.set(calls.get() + 1);
            assert_eq!((bytes.len(), at), (2, 0x40 + 22));
            write_at(file, bytes, at)
        };
        set_flag_with(&path, LARGE_ADDRESS_AWARE, &counted).unwrap();
        set_flag_with(&path, LARGE_ADDRESS_AWARE, &counted).unwrap();
        assert_eq!(calls.get(), 1, "a flag already set is not written again");
    }

    #[test]
    fn refuses_what_is_not_pe() {
        let dir = tempfile::tempdir().unwrap();
        let cases: &[(&[u8], &str)] = &[
            (b"\x7fELF", "no MZ header"),
            (b"MZ", "truncated DOS header"),
            (&pe(0)[..0x50], "past the end"),
        ];
        for (data, message) in cases {
            let path = dir.path().join("x");
            std::fs::write(&path, data).unwrap();
            let unmarked = set_flag(&path, LARGE_ADDRESS_AWARE).unwrap();
            let error = unmarked.unwrap_or_default();
            assert!(error.contains(message), "{error}");
            assert_eq!(&std::fs::read(&path).unwrap(), data, "left as it was");
        }
        let mut no_signature = pe(0);
        no_signature[0x40] = b'X';
        std::fs::write(dir.path().join("x"), no_signature).unwrap();
        let unmarked = set_flag(&dir.path().join("x"), LARGE_ADDRESS_AWARE).unwrap();
        let error = unmarked.unwrap_or_default();
        assert!(error.contains("no PE signature"), "{error}");
    }
}
