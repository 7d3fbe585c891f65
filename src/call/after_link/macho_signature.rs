//! Whether the arm64 code of a Mach-O file still matches its ad-hoc code signature. arm64
//! macOS kills a process as soon as it maps a page whose hash differs from the one in the
//! CodeDirectory of its signature, and refuses unsigned code outright; zig signs every file it
//! links, so a mismatch means something edited the file afterwards without signing it again.
//! Only the signature's own structure and hashes are read: whether the signature is trusted is
//! the system's business. Total on any bytes (fuzzed in `fuzz/`).

use std::fmt;

use object::macho::{self, MachHeader32, MachHeader64};
use object::read::macho::{FatArch, LoadCommandVariant, MachHeader, MachOFatFile};
use object::{Endianness, FileKind};

use super::code_signature::{be32, problems};

/// Something wrong with the signature of one arm64 slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// `arm64` in a thin file, `the arm64 slice` in a fat one (or arm64e).
    pub slice: String,
    pub problem: String,
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.slice, self.problem)
    }
}

/// What is wrong with `breaches`, in words for an error message.
pub fn describe(breaches: &[Breach]) -> String {
    let lines: Vec<String> = breaches.iter().map(Breach::to_string).collect();
    lines.join(" and ")
}

/// What is wrong with the code signature of each arm64 executable, dylib or bundle in a thin
/// or fat Mach-O file (nothing, for a good file or one with no arm64 code), or why the file
/// cannot be read as Mach-O, or its signature cannot be checked.
pub fn breaches(data: &[u8]) -> Result<Vec<Breach>, String> {
    let (fat, slices) = slices(data)?;
    let mut found = Vec::new();
    for slice in slices {
        let Some(image) = arm64_image(slice)? else {
            continue;
        };
        let name = if fat {
            format!("the {} slice", image.arch)
        } else {
            image.arch.to_string()
        };
        let problems = match image.signature {
            None => vec!["it has no code signature (arm64 macOS kills unsigned code)".to_string()],
            Some((dataoff, datasize)) => {
                problems(slice, dataoff, datasize).map_err(|reason| format!("{name}: {reason}"))?
            }
        };
        found.extend(problems.into_iter().map(|problem| Breach {
            slice: name.clone(),
            problem,
        }));
    }
    Ok(found)
}

fn text(e: object::Error) -> String {
    e.to_string()
}

/// The images of a file, and whether it is fat (each one a slice of it).
fn slices(data: &[u8]) -> Result<(bool, Vec<&[u8]>), String> {
    match FileKind::parse(data).map_err(text)? {
        FileKind::MachO32 | FileKind::MachO64 => Ok((false, vec![data])),
        FileKind::MachOFat32 => fat::<macho::FatArch32>(data).map(|s| (true, s)),
        FileKind::MachOFat64 => fat::<macho::FatArch64>(data).map(|s| (true, s)),
        other => Err(format!("not a Mach-O file ({other:?})")),
    }
}

fn fat<Fat: FatArch>(data: &[u8]) -> Result<Vec<&[u8]>, String> {
    let fat = MachOFatFile::<Fat>::parse(data).map_err(text)?;
    fat.arches()
        .iter()
        .map(|arch| arch.data(data).map_err(text))
        .collect()
}

/// An arm64 image that macOS maps as code, and where its signature is.
struct Arm64Image {
    arch: &'static str,
    /// `LC_CODE_SIGNATURE`'s `dataoff` and `datasize`, from the image's start.
    signature: Option<(u32, u32)>,
}

/// `None` for an image the kernel never checks here: another CPU, or an object file.
fn arm64_image(image: &[u8]) -> Result<Option<Arm64Image>, String> {
    match be32(image, 0).ok_or("truncated Mach-O header")? {
        macho::MH_MAGIC_64 | macho::MH_CIGAM_64 => header::<MachHeader64<Endianness>>(image),
        macho::MH_MAGIC | macho::MH_CIGAM => header::<MachHeader32<Endianness>>(image),
        _ => Err("not a Mach-O image".to_string()),
    }
}

fn header<Mach: MachHeader<Endian = Endianness>>(
    image: &[u8],
) -> Result<Option<Arm64Image>, String> {
    let header = Mach::parse(image, 0).map_err(text)?;
    let endian = header.endian().map_err(text)?;
    let mapped_as_code = matches!(
        header.filetype(endian),
        macho::MH_EXECUTE | macho::MH_DYLIB | macho::MH_BUNDLE
    );
    if header.cputype(endian) != macho::CPU_TYPE_ARM64 || !mapped_as_code {
        return Ok(None);
    }
    let subtype = header.cpusubtype(endian) & !macho::CPU_SUBTYPE_MASK;
    let arch = if subtype == macho::CPU_SUBTYPE_ARM64E {
        "arm64e"
    } else {
        "arm64"
    };
    let mut commands = header.load_commands(endian, image, 0).map_err(text)?;
    let mut signature = None;
    while let Some(command) = commands.next().map_err(text)? {
        if command.cmd() != macho::LC_CODE_SIGNATURE {
            continue;
        }
        if let LoadCommandVariant::LinkeditData(data) = command.variant().map_err(text)? {
            signature = Some((data.dataoff.get(endian), data.datasize.get(endian)));
        }
    }
    Ok(Some(Arm64Image { arch, signature }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::after_link::code_signature::{signed, Layout, Spec};
    use crate::call::after_link::macho_versions::{build_version, thin};

    #[derive(Debug)]
    enum Expect {
        Good,
        Breach(&'static str),
        Unreadable(&'static str),
    }

    fn edited(spec: Spec, edit: impl Fn(&mut Vec<u8>, &Layout)) -> Vec<u8> {
        let (mut image, layout) = signed(spec);
        edit(&mut image, &layout);
        image
    }

    fn set_be(image: &mut [u8], at: usize, value: u32) {
        image[at..at + 4].copy_from_slice(&value.to_be_bytes());
    }

    fn judge(name: &str, data: &[u8], expect: &Expect) {
        let got = breaches(data);
        match (expect, &got) {
            (Expect::Good, Ok(found)) if found.is_empty() => {}
            (Expect::Breach(text), Ok(found)) if describe(found).contains(text) => {}
            (Expect::Unreadable(text), Err(reason)) if reason.contains(text) => {}
            _ => panic!("{name}: expected {expect:?}, got {got:?}"),
        }
    }

    #[test]
    fn finds_what_does_not_match_the_signature() {
        let spec = Spec::default();
        let last = spec.code_len - 1;
        let mut arm64_object = thin(
            macho::CPU_TYPE_ARM64,
            &build_version(macho::PLATFORM_MACOS, 0x000b_0000),
        );
        arm64_object[12] = macho::MH_OBJECT as u8;
        let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
            ("valid", signed(spec).0, Expect::Good),
            (
                "valid SHA-1",
                signed(Spec { sha1: true, ..spec }).0,
                Expect::Good,
            ),
            (
                "one page for everything",
                signed(Spec {
                    page_shift: 0,
                    ..spec
                })
                .0,
                Expect::Good,
            ),
            (
                "no requirements",
                signed(Spec {
                    requirements: false,
                    ..spec
                })
                .0,
                Expect::Good,
            ),
            (
                "page 0 edited",
                edited(spec, |image, _| image[100] ^= 1),
                Expect::Breach(
                    "arm64: page 1 of 4 (at byte 0x0) does not match its hash in the code \
                     signature",
                ),
            ),
            (
                "last, partial page edited",
                edited(spec, |image, _| image[last] ^= 0x80),
                Expect::Breach("page 4 of 4 (at byte 0xc00) does not match"),
            ),
            (
                "SHA-1 page edited",
                edited(Spec { sha1: true, ..spec }, |image, _| image[2000] ^= 1),
                Expect::Breach("page 2 of 4 (at byte 0x400)"),
            ),
            (
                "two pages edited",
                edited(spec, |image, _| {
                    image[1500] ^= 1;
                    image[2500] ^= 1;
                }),
                Expect::Breach(
                    "2 of 4 pages do not match their hashes in the code signature, the first \
                     page 2 (at byte 0x400)",
                ),
            ),
            (
                "a page hash edited",
                edited(spec, |image, layout| {
                    let hash_offset = 88 + 13 + 2 * 32;
                    image[layout.code_directory + hash_offset + 3 * 32] ^= 1;
                }),
                Expect::Breach("page 4 of 4"),
            ),
            (
                "requirements edited",
                edited(spec, |image, layout| {
                    set_be(image, layout.requirements + 8, 1)
                }),
                Expect::Breach("its requirements blob does not match its hash"),
            ),
            (
                "requirements hash cleared",
                edited(spec, |image, layout| {
                    let slot = layout.code_directory + 88 + 13;
                    image[slot..slot + 32].fill(0);
                }),
                Expect::Breach("its requirements blob does not match its hash"),
            ),
            (
                "code limit short of the signature",
                edited(spec, |image, layout| {
                    set_be(image, layout.code_directory + 32, last as u32)
                }),
                Expect::Breach("covers the first 3171 bytes, but starts at byte 3172"),
            ),
            (
                "code limit 64 past the signature",
                edited(spec, |image, layout| {
                    set_be(image, layout.code_directory + 56, 1)
                }),
                Expect::Breach("covers the first 4294967296 bytes"),
            ),
            (
                "too few page hashes",
                edited(spec, |image, layout| {
                    set_be(image, layout.code_directory + 28, 3)
                }),
                Expect::Breach("malformed (3 page hashes for 4 pages)"),
            ),
            (
                "page hashes past the CodeDirectory",
                edited(spec, |image, layout| {
                    set_be(image, layout.code_directory + 16, 0xffff_0000)
                }),
                Expect::Breach("its hashes run past the CodeDirectory"),
            ),
            (
                "hash size of another hash",
                edited(spec, |image, layout| image[layout.code_directory + 36] = 20),
                Expect::Breach("malformed (hashes of 20 bytes for SHA-256)"),
            ),
            (
                "no signature blob",
                edited(spec, |image, _| image[spec.code_len] ^= 1),
                Expect::Breach("LC_CODE_SIGNATURE points at no signature"),
            ),
            (
                "no CodeDirectory",
                edited(spec, |image, _| set_be(image, spec.code_len + 12, 9)),
                Expect::Breach("it has no CodeDirectory"),
            ),
            (
                "huge index",
                edited(spec, |image, _| set_be(image, spec.code_len + 8, u32::MAX)),
                Expect::Breach("an index of 4294967295 blobs runs past its end"),
            ),
            (
                "unknown hash type",
                edited(spec, |image, layout| image[layout.code_directory + 37] = 9),
                Expect::Unreadable("arm64: its code signature uses hash type 9"),
            ),
            (
                "x86_64 unsigned",
                thin(
                    macho::CPU_TYPE_X86_64,
                    &[macho::LC_VERSION_MIN_MACOSX, 16, 0x000a_0c00, 0],
                ),
                Expect::Good,
            ),
            (
                "x86_64 edited",
                edited(
                    Spec {
                        cputype: macho::CPU_TYPE_X86_64,
                        ..spec
                    },
                    |image, _| image[100] ^= 1,
                ),
                Expect::Good,
            ),
            ("arm64 object file", arm64_object, Expect::Good),
            (
                "arm64 unsigned",
                thin(
                    macho::CPU_TYPE_ARM64,
                    &build_version(macho::PLATFORM_MACOS, 0x000b_0000),
                ),
                Expect::Breach("arm64: it has no code signature"),
            ),
            ("empty", Vec::new(), Expect::Unreadable("")),
            (
                "ELF",
                b"\x7fELF\x02\x01\x01\0".to_vec(),
                Expect::Unreadable(""),
            ),
            ("ones", vec![0xff; 64], Expect::Unreadable("")),
        ];
        for (name, data, expect) in &cases {
            judge(name, data, expect);
        }
    }

    /// A fat file of `slices` (CPU type, image), each on a 16 KiB boundary as lipo lays them.
    fn fat_file(slices: &[(u32, &[u8])]) -> Vec<u8> {
        let mut fat: Vec<u8> = [macho::FAT_MAGIC, slices.len() as u32]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        let mut offset = 0x4000;
        let mut body = Vec::new();
        for (cpu, image) in slices {
            for word in [*cpu, 0, offset as u32, image.len() as u32, 14] {
                fat.extend_from_slice(&word.to_be_bytes());
            }
            body.resize(offset - 0x4000, 0);
            body.extend_from_slice(image);
            offset = (0x4000 + body.len()).next_multiple_of(0x4000);
        }
        fat.resize(0x4000, 0);
        fat.extend(body);
        fat
    }

    #[test]
    fn checks_the_arm64_slice_of_a_fat_file() {
        let x86 = thin(
            macho::CPU_TYPE_X86_64,
            &[macho::LC_VERSION_MIN_MACOSX, 16, 0x000a_0c00, 0],
        );
        let (arm, _) = signed(Spec::default());
        let mut broken = arm.clone();
        broken[3000] ^= 1;
        let unsigned = thin(
            macho::CPU_TYPE_ARM64,
            &build_version(macho::PLATFORM_MACOS, 0x000b_0000),
        );
        let cases = [
            (&arm, Expect::Good),
            (
                &broken,
                Expect::Breach("the arm64 slice: page 3 of 4 (at byte 0x800) does not match"),
            ),
            (
                &unsigned,
                Expect::Breach("the arm64 slice: it has no code signature"),
            ),
        ];
        for (slice, expect) in &cases {
            let fat = fat_file(&[
                (macho::CPU_TYPE_X86_64, &x86),
                (macho::CPU_TYPE_ARM64, slice),
            ]);
            judge("fat", &fat, expect);
        }
    }

    #[test]
    fn survives_truncation_and_any_flipped_byte() {
        let (image, _) = signed(Spec::default());
        let code_len = Spec::default().code_len;
        for len in 0..image.len() {
            let got = breaches(&image[..len]);
            assert!(
                got.as_ref().map_or(true, |found| !found.is_empty()),
                "cut at {len}: {got:?}"
            );
        }
        let fat = fat_file(&[(macho::CPU_TYPE_ARM64, &image)]);
        for len in (0..fat.len()).step_by(7) {
            let _ = breaches(&fat[..len]);
        }
        for at in 0..image.len() {
            for bit in [0x01, 0x80] {
                let mut copy = image.clone();
                copy[at] ^= bit;
                let got = breaches(&copy);
                // Past the load command, every byte before the signature is code it covers.
                if (48..code_len).contains(&at) {
                    assert!(
                        matches!(&got, Ok(found) if !found.is_empty()),
                        "{at}: {got:?}"
                    );
                }
            }
        }
    }
}
