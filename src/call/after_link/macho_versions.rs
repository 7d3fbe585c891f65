//! What a Mach-O file records about the macOS it needs: the minimum release of
//! `LC_BUILD_VERSION` or `LC_VERSION_MIN_MACOSX`, for each slice of a fat file and for each
//! member of an archive. Only headers and load commands are read, so a 30 MB rlib costs a few
//! pages. Every function is total on any bytes (fuzzed in `fuzz/`).

use object::macho::{self, MachHeader32, MachHeader64};
use object::read::archive::ArchiveFile;
use object::read::macho::{FatArch, LoadCommandVariant, MachHeader, MachOFatFile};
use object::{Endianness, FileKind, ReadRef};

use crate::target::macos::MacOs;

/// One Mach-O image: its CPU and the macOS release it says it needs (`None` when it names
/// none, or names another Apple platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    pub cputype: u32,
    pub filetype: u32,
    pub minos: Option<MacOs>,
}

/// The images of a thin or fat Mach-O file, or why it is not one.
pub fn images<'data, R: ReadRef<'data>>(data: R) -> Result<Vec<Image>, String> {
    let text = |e: object::Error| e.to_string();
    match FileKind::parse(data).map_err(text)? {
        FileKind::MachO32 => Ok(vec![image::<MachHeader32<Endianness>, R>(data, 0)?]),
        FileKind::MachO64 => Ok(vec![image::<MachHeader64<Endianness>, R>(data, 0)?]),
        FileKind::MachOFat32 => fat::<macho::FatArch32, R>(data),
        FileKind::MachOFat64 => fat::<macho::FatArch64, R>(data),
        other => Err(format!("not a Mach-O file ({other:?})")),
    }
}

/// The slices of a fat file, whose header gives each one's offset.
fn fat<'data, Fat: FatArch, R: ReadRef<'data>>(data: R) -> Result<Vec<Image>, String> {
    let fat = MachOFatFile::<Fat>::parse(data).map_err(|e| e.to_string())?;
    fat.arches()
        .iter()
        .map(|arch| image_at(data, arch.file_range().0))
        .collect()
}

/// The Mach-O members of an archive (`.a`, `.rlib`) that name a macOS release, by member name.
/// Members of other kinds (rustc's metadata, bitcode) are skipped; an archive that cannot be
/// read gives none, as it gives the linker nothing this check could blame.
pub fn archive_members<'data, R: ReadRef<'data>>(data: R) -> Vec<(String, MacOs)> {
    let Ok(archive) = ArchiveFile::parse(data) else {
        return Vec::new();
    };
    archive
        .members()
        .filter_map(Result::ok)
        .filter_map(|member| {
            let (offset, _) = member.file_range();
            let minos = image_at(data, offset).ok()?.minos?;
            Some((String::from_utf8_lossy(member.name()).into_owned(), minos))
        })
        .collect()
}

/// The image whose header starts at `offset`, 32- or 64-bit.
fn image_at<'data, R: ReadRef<'data>>(data: R, offset: u64) -> Result<Image, String> {
    let magic: &object::U32Bytes<object::BigEndian> = data
        .read_at(offset)
        .map_err(|()| "truncated Mach-O header".to_string())?;
    match magic.get(object::BigEndian) {
        macho::MH_MAGIC_64 | macho::MH_CIGAM_64 => {
            image::<MachHeader64<Endianness>, R>(data, offset)
        }
        macho::MH_MAGIC | macho::MH_CIGAM => image::<MachHeader32<Endianness>, R>(data, offset),
        _ => Err("not a Mach-O image".to_string()),
    }
}

fn image<'data, Mach, R>(data: R, offset: u64) -> Result<Image, String>
where
    Mach: MachHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let text = |e: object::Error| e.to_string();
    let header = Mach::parse(data, offset).map_err(text)?;
    let endian = header.endian().map_err(text)?;
    let mut commands = header.load_commands(endian, data, offset).map_err(text)?;
    let mut minos = None;
    while let Some(command) = commands.next().map_err(text)? {
        match command.variant().map_err(text)? {
            LoadCommandVariant::BuildVersion(build)
                if build.platform.get(endian) == macho::PLATFORM_MACOS =>
            {
                minos = Some(MacOs::from_packed(build.minos.get(endian)));
            }
            LoadCommandVariant::VersionMin(min)
                if command.cmd() == macho::LC_VERSION_MIN_MACOSX =>
            {
                minos = Some(MacOs::from_packed(min.version.get(endian)));
            }
            _ => {}
        }
    }
    Ok(Image {
        cputype: header.cputype(endian),
        filetype: header.filetype(endian),
        minos,
    })
}

/// A 64-bit little-endian Mach-O header with one load command, for tests.
#[cfg(test)]
pub fn thin(cputype: u32, command: &[u32]) -> Vec<u8> {
    let mut words = vec![
        macho::MH_MAGIC_64,
        cputype,
        0,
        macho::MH_EXECUTE,
        1,
        (command.len() * 4) as u32,
        0,
        0,
    ];
    words.extend_from_slice(command);
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// `LC_BUILD_VERSION` for `platform` and `minos`, for [`thin`].
#[cfg(test)]
pub fn build_version(platform: u32, minos: u32) -> Vec<u32> {
    vec![macho::LC_BUILD_VERSION, 24, platform, minos, 0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_minimum_macos_of_each_kind_of_command() {
        let arm = macho::CPU_TYPE_ARM64;
        let cases: &[(Vec<u8>, Option<MacOs>)] = &[
            (
                thin(arm, &build_version(macho::PLATFORM_MACOS, 0x000b_0000)),
                Some(MacOs::new(11, 0)),
            ),
            (
                thin(
                    macho::CPU_TYPE_X86_64,
                    &[macho::LC_VERSION_MIN_MACOSX, 16, 0x000a_0c00, 0],
                ),
                Some(MacOs::new(10, 12)),
            ),
            // iOS's version is not a macOS floor
            (
                thin(arm, &build_version(macho::PLATFORM_IOS, 0x0011_0000)),
                None,
            ),
            (
                thin(arm, &[macho::LC_VERSION_MIN_IPHONEOS, 16, 0x0011_0000, 0]),
                None,
            ),
            (thin(arm, &[macho::LC_UUID, 24, 0, 0, 0, 0]), None),
        ];
        for (bytes, minos) in cases {
            let got = images(bytes.as_slice()).unwrap();
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].minos, *minos, "{got:?}");
        }
    }

    #[test]
    fn reads_every_slice_of_a_fat_file() {
        let arm = thin(
            macho::CPU_TYPE_ARM64,
            &build_version(macho::PLATFORM_MACOS, 0x000b_0000),
        );
        let x86 = thin(
            macho::CPU_TYPE_X86_64,
            &[macho::LC_VERSION_MIN_MACOSX, 16, 0x000a_0c00, 0],
        );
        let mut fat: Vec<u8> = [macho::FAT_MAGIC, 2]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        let first = 0x100u32;
        let second = 0x200u32;
        for (cpu, offset, len) in [
            (macho::CPU_TYPE_X86_64, first, x86.len()),
            (macho::CPU_TYPE_ARM64, second, arm.len()),
        ] {
            for word in [cpu, 0, offset, len as u32, 4] {
                fat.extend_from_slice(&word.to_be_bytes());
            }
        }
        fat.resize(first as usize, 0);
        fat.extend_from_slice(&x86);
        fat.resize(second as usize, 0);
        fat.extend_from_slice(&arm);
        let got = images(fat.as_slice()).unwrap();
        let summary: Vec<(u32, Option<MacOs>)> = got.iter().map(|i| (i.cputype, i.minos)).collect();
        assert_eq!(
            summary,
            [
                (macho::CPU_TYPE_X86_64, Some(MacOs::new(10, 12))),
                (macho::CPU_TYPE_ARM64, Some(MacOs::new(11, 0))),
            ]
        );
    }

    #[test]
    fn names_what_is_not_mach_o_and_survives_truncation() {
        assert!(images(&b"\x7fELF\x02\x01\x01"[..]).is_err());
        let whole = thin(
            macho::CPU_TYPE_ARM64,
            &build_version(macho::PLATFORM_MACOS, 0x000b_0000),
        );
        for len in 0..whole.len() {
            let _ = images(&whole[..len]);
            let _ = archive_members(&whole[..len]);
        }
    }

    #[test]
    fn reads_the_mach_o_members_of_an_archive() {
        // ar aligns members to 2 bytes only: the second member's header is at offset 142.
        let member = thin(
            macho::CPU_TYPE_ARM64,
            &build_version(macho::PLATFORM_MACOS, 0x000e_0000),
        );
        let mut archive = b"!<arch>\n".to_vec();
        for (name, data) in [
            ("lib.rmeta/", b"rust metadata".to_vec()),
            ("new.o/", member),
        ] {
            archive.extend_from_slice(
                format!(
                    "{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                    0,
                    0,
                    0,
                    644,
                    data.len()
                )
                .as_bytes(),
            );
            archive.extend_from_slice(&data);
            if data.len() % 2 == 1 {
                archive.push(b'\n');
            }
        }
        assert_eq!(
            archive_members(archive.as_slice()),
            [("new.o".to_string(), MacOs::new(14, 0))]
        );
    }
}
