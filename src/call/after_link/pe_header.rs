//! Flags of a PE file's COFF header that rustc asks the linker for and zig's COFF linker does not
//! take as options: `-Wl,--large-address-aware` (32-bit images may use more than 2 GiB on 64-bit
//! Windows). ziglink sets the bit in the header zig wrote, which is all the option does.

use std::path::Path;

use crate::error::{Error, Result};

/// `IMAGE_FILE_LARGE_ADDRESS_AWARE` in the COFF header's `Characteristics`.
pub const LARGE_ADDRESS_AWARE: u16 = 0x0020;

/// Sets `flag` in the COFF header of the PE file `data`. The DOS header's `e_lfanew` points at
/// `PE\0\0`, followed by the COFF header: machine, section count, time stamp, symbol table,
/// symbol count, optional header size, then `Characteristics`. Total: any bytes give an error
/// or a file with the flag set.
pub fn set_in(data: &mut [u8], flag: u16) -> std::result::Result<(), String> {
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
    let field = data
        .get_mut(at..at + 2)
        .ok_or("the PE header points past the end of the file")?;
    let value = u16::from_le_bytes([field[0], field[1]]) | flag;
    field.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

/// Sets `flag` in `path`'s COFF header. The file is zig's output of a moment ago, which nothing
/// else has open: it is rewritten where it is, keeping its mode.
pub fn set_flag(path: &Path, flag: u16) -> Result<()> {
    let failed = |reason: String| Error::PeHeader {
        path: path.to_path_buf(),
        reason,
    };
    let mut data = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    set_in(&mut data, flag).map_err(failed)?;
    std::fs::write(path, data).map_err(|e| failed(e.to_string()))
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
        set_flag(&path, LARGE_ADDRESS_AWARE).unwrap();
        let data = std::fs::read(&path).unwrap();
        assert_eq!(data.len(), pe(0).len());
        assert_eq!(&data[0x40 + 22..0x40 + 24], &0x0122u16.to_le_bytes());
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
            let error = set_flag(&path, LARGE_ADDRESS_AWARE)
                .unwrap_err()
                .to_string();
            assert!(error.contains(message), "{error}");
        }
        let mut no_signature = pe(0);
        no_signature[0x40] = b'X';
        std::fs::write(dir.path().join("x"), no_signature).unwrap();
        let error = set_flag(&dir.path().join("x"), LARGE_ADDRESS_AWARE).unwrap_err();
        assert!(error.to_string().contains("no PE signature"), "{error}");
    }
}
