//! What a linked ELF file takes from the system at load time: the shared libraries it names
//! (`DT_NEEDED`), the symbol versions it asks of them (`elf_versions`), and the symbols it
//! cannot load without. The manylinux policy check judges these, as auditwheel does.

use object::elf;
use object::read::elf::{Dyn, FileHeader, Sym};
use object::{Endianness, FileKind, ReadRef};

use super::elf_versions::{self, Needed};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    /// The libraries the dynamic loader must find, in the file's order.
    pub libraries: Vec<String>,
    pub versions: Vec<Needed>,
    /// Undefined dynamic symbols that are not weak: a weak one may be missing at run time, so
    /// auditwheel does not count it, and neither does ziglink.
    pub required_symbols: Vec<String>,
}

/// The imports of an ELF file of any class and byte order; a static file imports nothing.
pub fn read<'data, R: ReadRef<'data>>(data: R) -> Result<Imports, String> {
    let kind = FileKind::parse(data).map_err(|e| e.to_string())?;
    let read = match kind {
        FileKind::Elf32 => read_class::<elf::FileHeader32<Endianness>, R>(data),
        FileKind::Elf64 => read_class::<elf::FileHeader64<Endianness>, R>(data),
        _ => return Err("not an ELF file".into()),
    };
    read.map_err(|e| e.to_string())
}

const BAD_NEEDED: &str = "a DT_NEEDED entry names no string";

fn read_class<'data, Elf, R>(data: R) -> Result<Imports, Box<dyn std::error::Error>>
where
    Elf: FileHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let versions = elf_versions::read::<Elf, R>(data)?;
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();

    let mut libraries = Vec::new();
    if let Some((entries, strings_index)) = sections.dynamic(endian, data)? {
        let strings = sections.strings(endian, data, strings_index)?;
        for entry in entries {
            match entry.tag32(endian) {
                Some(elf::DT_NULL) => break,
                Some(elf::DT_NEEDED) => {
                    let name = entry.val32(endian).and_then(|at| strings.get(at).ok());
                    libraries.push(text(name.ok_or(BAD_NEEDED)?));
                }
                _ => {}
            }
        }
    }

    let mut required_symbols = Vec::new();
    let symbols = sections.symbols(endian, data, elf::SHT_DYNSYM)?;
    for symbol in symbols.iter() {
        if symbol.is_undefined(endian) && symbol.st_bind() != elf::STB_WEAK {
            let name = symbol.name(endian, symbols.strings())?;
            if !name.is_empty() {
                required_symbols.push(text(name));
            }
        }
    }
    Ok(Imports {
        libraries,
        versions,
        required_symbols,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_elf() {
        assert!(read(&b"#!/bin/sh\n"[..]).is_err());
        assert!(read(&b""[..]).is_err());
    }

    /// The test executable was linked by the host's toolchain: it loads libc and needs
    /// `__libc_start_main`, which no test executable can do without.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn reads_the_imports_of_a_real_executable() {
        let data = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let imports = read(&data[..]).unwrap();
        assert!(
            imports.libraries.iter().any(|l| l == "libc.so.6"),
            "{:?}",
            imports.libraries
        );
        assert!(imports
            .required_symbols
            .iter()
            .any(|s| s == "__libc_start_main"));
        assert!(!imports.versions.is_empty());
        // `__gmon_start__` is the usual weak import of a gcc-linked executable: not required.
        assert!(!imports
            .required_symbols
            .iter()
            .any(|s| s == "__gmon_start__"));
    }
}
