//! The symbol versions a linked ELF file asks of its shared libraries (its `.gnu.version_r`
//! entries and the undefined dynamic symbols bound to each), read in-process: no `readelf`.

use object::elf;
use object::read::elf::{FileHeader, Sym};
use object::{Endianness, FileKind, ReadRef, SymbolIndex};

/// One version the file needs, such as `GLIBC_2.34` from `libc.so.6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    pub version: String,
    pub library: String,
    /// The undefined dynamic symbols bound to this version, in symbol table order. Empty when
    /// only the requirement itself is recorded.
    pub symbols: Vec<String>,
}

/// Every version requirement in an ELF file of any class and byte order. A file without
/// version requirements (static, or no versioned imports) gives an empty list.
pub fn needed<'data, R: ReadRef<'data>>(data: R) -> Result<Vec<Needed>, String> {
    let kind = FileKind::parse(data).map_err(|e| e.to_string())?;
    let parsed = match kind {
        FileKind::Elf32 => read::<elf::FileHeader32<Endianness>, R>(data),
        FileKind::Elf64 => read::<elf::FileHeader64<Endianness>, R>(data),
        _ => return Err("not an ELF file".into()),
    };
    parsed.map_err(|e| e.to_string())
}

/// The version requirements of a file already known to be of class `Elf`.
pub(super) fn read<'data, Elf, R>(data: R) -> object::read::Result<Vec<Needed>>
where
    Elf: FileHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let Some((mut needs, strings_index)) = sections.gnu_verneed(endian, data)? else {
        return Ok(Vec::new());
    };
    let strings = sections.strings(endian, data, strings_index)?;
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();

    let mut out = Vec::new();
    let mut by_index = Vec::new(); // (vna_other, position in `out`)
    while let Some((need, mut auxes)) = needs.next()? {
        let library = text(need.file(endian, strings)?);
        while let Some(aux) = auxes.next()? {
            by_index.push((aux.vna_other.get(endian), out.len()));
            out.push(Needed {
                version: text(aux.name(endian, strings)?),
                library: library.clone(),
                symbols: Vec::new(),
            });
        }
    }

    if let Some(versions) = sections.versions(endian, data)? {
        let symbols = sections.symbols(endian, data, elf::SHT_DYNSYM)?;
        for (index, symbol) in symbols.enumerate() {
            if !symbol.is_undefined(endian) {
                continue;
            }
            let version = versions.version_index(endian, SymbolIndex(index.0)).index();
            if let Some(&(_, at)) = by_index.iter().find(|(other, _)| *other == version) {
                let name = symbol.name(endian, symbols.strings())?;
                out[at].symbols.push(text(name));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_elf() {
        assert!(needed(&b"#!/bin/sh\necho hi\n"[..]).is_err());
        assert!(needed(&b""[..]).is_err());
    }

    /// The test executable itself was linked by the host's toolchain against the host's glibc,
    /// so it needs glibc versions, with `__libc_start_main` among the symbols.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn reads_the_requirements_of_a_real_executable() {
        let exe = std::env::current_exe().unwrap();
        let data = std::fs::read(exe).unwrap();
        let needed = needed(&data[..]).unwrap();
        let glibc: Vec<&Needed> = needed
            .iter()
            .filter(|n| n.version.starts_with("GLIBC_2."))
            .collect();
        assert!(!glibc.is_empty(), "{needed:?}");
        assert!(glibc.iter().all(|n| n.library.contains(".so")), "{glibc:?}");
        assert!(
            glibc
                .iter()
                .any(|n| n.symbols.iter().any(|s| s == "__libc_start_main")),
            "{glibc:?}"
        );
    }
}
