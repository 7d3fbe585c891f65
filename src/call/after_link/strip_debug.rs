//! `-Wl,--strip-debug` done by ziglink, after the link. cargo's release profile asks for it
//! (`strip = "debuginfo"`), and GNU ld and lld then drop the debug sections but keep the symbol
//! table. zig 0.17 turns it into ld.lld's `-s`, which drops the symbol table too: backtraces
//! show `<unknown>`, uniffi's library mode finds no `UNIFFI_META_*` symbols, stub generators find
//! no module. So the linker rule `strip-debug` keeps the flag from zig, and this removes the
//! debug sections from the linked file, as `objcopy --strip-debug` would: through `object`'s ELF
//! builder, into a temporary file beside the output that is renamed over it.

use std::path::Path;

use crate::error::{Error, Result};
use crate::platform::replace::{self, Durability};

/// Sections that hold debug information only, by the names GNU strip gives them.
pub fn is_debug_section(name: &[u8]) -> bool {
    [
        &b".debug"[..],
        b".zdebug",
        b".stab",
        b".gdb_index",
        b".gnu.debuglto_",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
}

/// `data` without its debug sections, or `None` when it has none.
pub fn without_debug(data: &[u8]) -> std::result::Result<Option<Vec<u8>>, String> {
    let mut builder = object::build::elf::Builder::read(data).map_err(|e| e.to_string())?;
    let mut found = false;
    for section in builder.sections.iter_mut() {
        // A section loaded at run time (rustc's `.debug_gdb_scripts` is one) stays, as it does
        // with lld: removing it would move what the program headers point at.
        let loaded = section.sh_flags & u64::from(object::elf::SHF_ALLOC) != 0;
        if is_debug_section(section.name.as_slice()) && !loaded {
            section.delete = true;
            found = true;
        }
    }
    if !found {
        return Ok(None);
    }
    builder.delete_orphans();
    let mut out = Vec::with_capacity(data.len());
    builder.write(&mut out).map_err(|e| e.to_string())?;
    rehash_build_id(&mut out)?;
    Ok(Some(out))
}

/// ld.lld computed the build ID over the whole file, debug info included, and debug info names
/// the folders of the build: two reproducible builds in different folders would differ in
/// their IDs alone. With the debug info gone, the ID is made again over what remains (the ID's
/// own bytes zeroed): SHA-1, cut to the note's size. Nothing can pair the file with its old
/// debug info any more, which no longer exists.
fn rehash_build_id(file: &mut [u8]) -> std::result::Result<(), String> {
    use object::{Object, ObjectSection};
    let (range, little) = {
        let parsed = object::File::parse(&*file).map_err(|e| e.to_string())?;
        let Some(range) = parsed
            .section_by_name(".note.gnu.build-id")
            .and_then(|s| s.file_range())
        else {
            return Ok(());
        };
        (range, parsed.is_little_endian())
    };
    let start = usize::try_from(range.0).map_err(|e| e.to_string())?;
    let size = usize::try_from(range.1).map_err(|e| e.to_string())?;
    let note = file
        .get(start..start.saturating_add(size))
        .ok_or("the build ID note lies outside the file")?;
    let word = |at: usize| -> Option<usize> {
        let bytes: [u8; 4] = note.get(at..at + 4)?.try_into().ok()?;
        let value = if little {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        };
        usize::try_from(value).ok()
    };
    let (Some(name_size), Some(desc_size)) = (word(0), word(4)) else {
        return Ok(());
    };
    let desc_start = 12 + name_size.div_ceil(4) * 4;
    let Some(desc) = desc_start
        .checked_add(desc_size)
        .filter(|end| *end <= note.len())
        .map(|end| start + desc_start..start + end)
    else {
        return Ok(());
    };
    file[desc.clone()].fill(0);
    let digest = sha1_smol::Sha1::from(&*file).digest().bytes();
    let id = &mut file[desc];
    let n = id.len().min(digest.len());
    id[..n].copy_from_slice(&digest[..n]);
    Ok(())
}

/// Removes the debug sections of the ELF file at `path`, in place; the file is replaced whole
/// or not at all, and keeps its permissions.
pub fn strip_file(path: &Path) -> Result<()> {
    let failed = |reason: String| Error::StripDebug {
        path: path.to_path_buf(),
        reason,
    };
    let data = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let Some(stripped) = without_debug(&data).map_err(failed)? else {
        return Ok(());
    };
    replace::replace(path, &stripped, Durability::Renamed).map_err(|e| failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_debug_sections_by_name() {
        let cases: &[(&[u8], bool)] = &[
            (b".debug_info", true),
            (b".debug_line", true),
            (b".zdebug_str", true),
            (b".stab", true),
            (b".stabstr", true),
            (b".gdb_index", true),
            (b".gnu.debuglto_.debug_info", true),
            (b".symtab", false),
            (b".strtab", false),
            (b".text", false),
            (b".eh_frame", false),
            (b".comment", false),
            (b".note.gnu.build-id", false),
        ];
        for (name, want) in cases {
            assert_eq!(
                is_debug_section(name),
                *want,
                "{}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    #[test]
    fn removes_the_debug_sections_and_keeps_symbols_and_segments() {
        use object::read::elf::{ElfFile64, ProgramHeader};
        use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};
        // This test program: built with debug info, and with a symbol table.
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let stripped = without_debug(&exe)
            .unwrap()
            .expect("the test binary has debug info");
        assert!(stripped.len() < exe.len());
        let before = ElfFile64::<object::Endianness>::parse(&*exe).unwrap();
        let after = ElfFile64::<object::Endianness>::parse(&*stripped).unwrap();
        let debug = |f: &ElfFile64<object::Endianness>| {
            f.sections()
                .filter(|s| is_debug_section(s.name_bytes().unwrap()))
                .filter(|s| !matches!(s.flags(), object::SectionFlags::Elf { sh_flags } if sh_flags & u64::from(object::elf::SHF_ALLOC) != 0))
                .count()
        };
        assert!(debug(&before) > 5);
        assert_eq!(debug(&after), 0);
        // Every function and object keeps its symbol; only symbols of debug sections go.
        let named = |f: &ElfFile64<object::Endianness>| {
            f.symbols()
                .filter(|s| matches!(s.kind(), SymbolKind::Text | SymbolKind::Data))
                .filter_map(|s| s.name().ok().map(str::to_string))
                .collect::<std::collections::BTreeSet<String>>()
        };
        let (kept, had) = (named(&after), named(&before));
        let lost: Vec<&String> = had.difference(&kept).collect();
        assert!(lost.is_empty(), "symbols lost: {lost:?}");
        assert!(kept.len() > 100);
        let segments = |f: &ElfFile64<object::Endianness>| -> Vec<(u64, u64, u64)> {
            let e = f.endian();
            f.elf_program_headers()
                .iter()
                .map(|p| (p.p_vaddr(e), p.p_memsz(e), p.p_offset(e)))
                .collect()
        };
        assert_eq!(segments(&after), segments(&before));
        // Stripped again: nothing left to do.
        assert_eq!(without_debug(&stripped).unwrap(), None);
    }

    // gcc, which links the test binary on Linux, gives it a build ID.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_build_id_is_made_from_what_is_left() {
        use object::{Object, ObjectSection};
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let id = |data: &[u8]| -> Option<Vec<u8>> {
            let file = object::File::parse(data).unwrap();
            let note = file.section_by_name(".note.gnu.build-id")?;
            Some(note.data().unwrap().to_vec())
        };
        let before = id(&exe).expect("the test binary has a build ID");
        let stripped = without_debug(&exe).unwrap().unwrap();
        let after = id(&stripped).unwrap();
        // The same note header and size; another ID.
        assert_eq!(after.len(), before.len());
        assert_eq!(after[..16], before[..16]);
        assert_ne!(after, before);
        // The same debug info in another place gives another file, yet the same stripped ID.
        let mut moved = exe.clone();
        let (start, size) = object::File::parse(&*exe)
            .unwrap()
            .section_by_name(".debug_str")
            .and_then(|s| s.file_range())
            .expect("debug strings");
        let strings = usize::try_from(start).unwrap()..usize::try_from(start + size).unwrap();
        let at = strings.start
            + moved[strings]
                .windows(4)
                .position(|w| w == b"src/")
                .expect("debug info names a source folder");
        moved[at] = b'S';
        let again = without_debug(&moved).unwrap().unwrap();
        assert_eq!(id(&again).unwrap(), after);
        assert_eq!(again, stripped);
    }

    #[test]
    fn a_file_that_is_not_elf_is_said_to_be_so() {
        assert!(without_debug(b"not an ELF file").is_err());
    }
}
