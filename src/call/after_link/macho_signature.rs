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
use sha2::Digest;

/// `CSMAGIC_EMBEDDED_SIGNATURE`: the SuperBlob `LC_CODE_SIGNATURE` points at.
const EMBEDDED_SIGNATURE: u32 = 0xfade_0cc0;
/// `CSMAGIC_CODEDIRECTORY`.
const CODE_DIRECTORY: u32 = 0xfade_0c02;
/// The SuperBlob slot of the CodeDirectory (`CSSLOT_CODEDIRECTORY`).
const CODE_DIRECTORY_SLOT: u32 = 0;
/// The blobs a CodeDirectory hashes in its special slots, by slot: slot `-k` holds the hash of
/// the blob of type `k` (`CSSLOT_REQUIREMENTS`, `CSSLOT_ENTITLEMENTS`, `CSSLOT_DER_ENTITLEMENTS`).
const SPECIAL_BLOBS: [(u32, &str); 3] = [
    (2, "requirements"),
    (5, "entitlements"),
    (7, "DER entitlements"),
];
/// From this version on the CodeDirectory has `codeLimit64`, which supersedes `codeLimit`.
const SUPPORTS_CODE_LIMIT_64: u32 = 0x20300;
/// The fixed part of a CodeDirectory before `scatterOffset`.
const CODE_DIRECTORY_HEADER: usize = 44;

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

/// What is wrong with the signature at `dataoff` of `image`, or why it cannot be checked.
fn problems(image: &[u8], dataoff: u32, datasize: u32) -> Result<Vec<String>, String> {
    let malformed = |what: &str| Ok(vec![format!("its code signature is malformed ({what})")]);
    let Some(signature) = range(image, u64::from(dataoff), u64::from(datasize)) else {
        return malformed("it runs past the end of the file");
    };
    if be32(signature, 0) != Some(EMBEDDED_SIGNATURE) {
        return malformed("LC_CODE_SIGNATURE points at no signature");
    }
    let Some(signature) = blob(signature, 0) else {
        return malformed("it is longer than LC_CODE_SIGNATURE says");
    };
    let blobs = match index(signature) {
        Ok(blobs) => blobs,
        Err(what) => return malformed(&what),
    };
    let Some(&(_, directory)) = blobs.iter().find(|(slot, _)| *slot == CODE_DIRECTORY_SLOT) else {
        return malformed("it has no CodeDirectory");
    };
    let directory = match CodeDirectory::parse(directory) {
        Ok(directory) => directory,
        Err(what) => return malformed(&what),
    };
    let hash = match directory.hash_type {
        1 => Hash::Sha1,
        2 => Hash::Sha256,
        other => {
            return Err(format!(
                "its code signature uses hash type {other}, which ziglink does not check"
            ))
        }
    };
    if usize::from(directory.hash_size) != hash.len() {
        return malformed(&format!(
            "hashes of {} bytes for {}",
            directory.hash_size,
            hash.name()
        ));
    }
    // zig and Apple's tools hash everything before the signature: a signature that starts
    // elsewhere was moved, or the file laid out anew, after the hashes were made.
    if directory.code_limit != u64::from(dataoff) {
        return Ok(vec![format!(
            "its code signature covers the first {} bytes, but starts at byte {dataoff} (the \
             file was laid out anew after it was signed)",
            directory.code_limit
        )]);
    }
    let Some(page) = directory.page_size() else {
        return malformed(&format!("a page size of 2^{}", directory.page_shift));
    };
    let pages = directory.code_limit.div_ceil(page);
    if u64::from(directory.code_slots) != pages {
        return malformed(&format!(
            "{} page hashes for {pages} pages",
            directory.code_slots
        ));
    }
    let hashes_end = u64::from(directory.hash_offset)
        + u64::from(directory.code_slots) * u64::from(directory.hash_size);
    let specials = u64::from(directory.special_slots) * u64::from(directory.hash_size);
    if hashes_end > directory.bytes.len() as u64 || specials > u64::from(directory.hash_offset) {
        return malformed("its hashes run past the CodeDirectory");
    }

    let mut problems = Vec::new();
    let mut bad = 0u64;
    let mut first = None;
    for slot in 0..directory.code_slots {
        let start = u64::from(slot).saturating_mul(page);
        let end = start.saturating_add(page).min(directory.code_limit);
        let code = range(image, start, end.saturating_sub(start));
        let matches = match (code, directory.code_slot(slot)) {
            (Some(code), Some(stored)) => hash.digest(code) == stored,
            _ => false,
        };
        if !matches {
            bad += 1;
            first.get_or_insert(start);
        }
    }
    if let Some(at) = first {
        let number = at / page + 1;
        problems.push(if bad == 1 {
            format!(
                "page {number} of {pages} (at byte {at:#x}) does not match its hash in the code \
                 signature"
            )
        } else {
            format!(
                "{bad} of {pages} pages do not match their hashes in the code signature, the \
                 first page {number} (at byte {at:#x})"
            )
        });
    }
    for (kind, name) in SPECIAL_BLOBS {
        let present = blobs.iter().find(|(slot, _)| *slot == kind).map(|b| b.1);
        let stored = directory.special_slot(kind);
        match (present, stored) {
            (Some(blob), Some(stored)) if hash.digest(blob) != stored => problems.push(format!(
                "its {name} blob does not match its hash in the code signature"
            )),
            (Some(_), None) => {
                problems.push(format!("its {name} blob has no hash in the CodeDirectory"))
            }
            (None, Some(stored)) if stored.iter().any(|&b| b != 0) => problems.push(format!(
                "its CodeDirectory hashes a {name} blob that the code signature lacks"
            )),
            _ => {}
        }
    }
    Ok(problems)
}

/// The SuperBlob's index: each blob with its slot type.
fn index(signature: &[u8]) -> Result<Vec<(u32, &[u8])>, String> {
    let count = be32(signature, 8).ok_or("its index is cut short")?;
    let entries = u64::from(count) * 8 + 12;
    if entries > signature.len() as u64 {
        return Err(format!("an index of {count} blobs runs past its end"));
    }
    (0..count)
        .map(|i| {
            let at = 12 + 8 * i as usize; // inside the signature, checked above
            let slot = be32(signature, at).ok_or("its index is cut short")?;
            let offset = be32(signature, at + 4).ok_or("its index is cut short")?;
            let found = usize::try_from(offset)
                .ok()
                .and_then(|offset| blob(signature, offset))
                .ok_or_else(|| format!("blob {i} runs past its end"))?;
            Ok((slot, found))
        })
        .collect()
}

/// The blob at `offset` of `within`, as long as its own length field says (at least its
/// magic and length).
fn blob(within: &[u8], offset: usize) -> Option<&[u8]> {
    let length = be32(within, offset.checked_add(4)?)?;
    if length < 8 {
        return None;
    }
    range(within, offset as u64, u64::from(length))
}

/// The fields of a CodeDirectory this check needs, and its bytes, as long as it says.
struct CodeDirectory<'a> {
    bytes: &'a [u8],
    hash_offset: u32,
    special_slots: u32,
    code_slots: u32,
    code_limit: u64,
    hash_size: u8,
    hash_type: u8,
    page_shift: u8,
}

impl<'a> CodeDirectory<'a> {
    fn parse(bytes: &'a [u8]) -> Result<CodeDirectory<'a>, String> {
        let short = || "its CodeDirectory is cut short".to_string();
        if be32(bytes, 0) != Some(CODE_DIRECTORY) {
            return Err("its CodeDirectory slot holds something else".into());
        }
        if bytes.len() < CODE_DIRECTORY_HEADER {
            return Err(short());
        }
        let field = |at: usize| be32(bytes, at).ok_or_else(short);
        let byte = |at: usize| bytes.get(at).copied().ok_or_else(short);
        let version = field(8)?;
        let mut code_limit = u64::from(field(32)?);
        if version >= SUPPORTS_CODE_LIMIT_64 {
            let high = u64::from(field(56)?);
            let low = u64::from(field(60)?);
            let limit64 = high << 32 | low;
            if limit64 != 0 {
                code_limit = limit64;
            }
        }
        Ok(CodeDirectory {
            bytes,
            hash_offset: field(16)?,
            special_slots: field(24)?,
            code_slots: field(28)?,
            code_limit,
            hash_size: byte(36)?,
            hash_type: byte(37)?,
            page_shift: byte(39)?,
        })
    }

    /// The bytes one page hash covers; a shift of 0 means one page for all the code.
    fn page_size(&self) -> Option<u64> {
        match self.page_shift {
            0 => Some(self.code_limit.max(1)),
            shift => 1u64.checked_shl(u32::from(shift)),
        }
    }

    fn code_slot(&self, slot: u32) -> Option<&'a [u8]> {
        let at = u64::from(self.hash_offset) + u64::from(slot) * u64::from(self.hash_size);
        range(self.bytes, at, u64::from(self.hash_size))
    }

    /// The hash in special slot `-kind`, if the CodeDirectory has that many special slots.
    fn special_slot(&self, kind: u32) -> Option<&'a [u8]> {
        if kind > self.special_slots {
            return None;
        }
        let back = u64::from(kind) * u64::from(self.hash_size);
        let at = u64::from(self.hash_offset).checked_sub(back)?;
        range(self.bytes, at, u64::from(self.hash_size))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha256,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1_smol::Sha1::from(data).digest().bytes().to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    fn len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
        }
    }
}

/// `len` bytes of `data` from `start`, if they are all there.
fn range(data: &[u8], start: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(start).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    data.get(start..end)
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// How [`signed`] builds an image, for tests.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub cputype: u32,
    /// The bytes before the signature: header, load command and filler.
    pub code_len: usize,
    pub page_shift: u8,
    pub sha1: bool,
    pub requirements: bool,
}

#[cfg(test)]
impl Default for Spec {
    fn default() -> Spec {
        Spec {
            cputype: macho::CPU_TYPE_ARM64,
            // three whole pages of 1 KiB and a partial one
            code_len: 3 * 1024 + 100,
            page_shift: 10,
            sha1: false,
            requirements: true,
        }
    }
}

/// Where [`signed`] puts the parts of its signature, from the start of the image.
#[cfg(test)]
pub struct Layout {
    pub code_directory: usize,
    pub requirements: usize,
}

/// A little-endian 64-bit executable with only `LC_CODE_SIGNATURE`, signed as zig and
/// codesign sign ad hoc (CodeDirectory version 0x20400), for tests.
#[cfg(test)]
pub fn signed(spec: Spec) -> (Vec<u8>, Layout) {
    let hash = if spec.sha1 { Hash::Sha1 } else { Hash::Sha256 };
    let hash_size = hash.len();
    let page = 1usize << spec.page_shift;
    let pages = if spec.page_shift == 0 {
        1
    } else {
        spec.code_len.div_ceil(page)
    };
    let ident = b"ziglink-test\0";
    let specials = if spec.requirements { 2 } else { 0 };
    let hash_offset = 88 + ident.len() + specials * hash_size;
    let cd_len = hash_offset + pages * hash_size;
    let count = 1 + usize::from(spec.requirements);
    let cd_at = 12 + 8 * count;
    let requirements_at = cd_at + cd_len;
    let requirements: Vec<u8> = [0xfade_0c01u32, 12, 0]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect();
    let blob_len = requirements_at + if spec.requirements { 12 } else { 0 };
    let datasize = blob_len.next_multiple_of(16);

    let words = [
        macho::MH_MAGIC_64,
        spec.cputype,
        0,
        macho::MH_EXECUTE,
        1,
        16,
        0,
        0,
        macho::LC_CODE_SIGNATURE,
        16,
        spec.code_len as u32,
        datasize as u32,
    ];
    let mut image: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let filler = (image.len()..spec.code_len).map(|i| (i * 7 % 251) as u8);
    image.extend(filler);

    let be = |out: &mut Vec<u8>, words: &[u32]| {
        out.extend(words.iter().flat_map(|w| w.to_be_bytes()));
    };
    let mut signature = Vec::new();
    be(
        &mut signature,
        &[EMBEDDED_SIGNATURE, blob_len as u32, count as u32],
    );
    be(&mut signature, &[CODE_DIRECTORY_SLOT, cd_at as u32]);
    if spec.requirements {
        be(&mut signature, &[2, requirements_at as u32]);
    }
    let size_type = u32::from_be_bytes([
        hash_size as u8,
        if spec.sha1 { 1 } else { 2 },
        0,
        spec.page_shift,
    ]);
    be(
        &mut signature,
        &[
            CODE_DIRECTORY,
            cd_len as u32,
            0x20400,
            0x20002,
            hash_offset as u32,
            88,
            specials as u32,
            pages as u32,
            spec.code_len as u32,
            size_type,
            0,
            0,
            0,
            0,
        ],
    );
    // codeLimit64, and the executable segment's base, limit and flags
    signature.extend_from_slice(&[0; 32]);
    signature.extend_from_slice(ident);
    if spec.requirements {
        // slot -2, then the unused -1 (Info.plist)
        signature.extend(hash.digest(&requirements));
        signature.extend(std::iter::repeat_n(0, hash_size));
    }
    for chunk in image.chunks(if spec.page_shift == 0 {
        image.len()
    } else {
        page
    }) {
        signature.extend(hash.digest(chunk));
    }
    if spec.requirements {
        signature.extend_from_slice(&requirements);
    }
    assert_eq!(signature.len(), blob_len);
    signature.resize(datasize, 0);
    image.extend(signature);
    let layout = Layout {
        code_directory: spec.code_len + cd_at,
        requirements: spec.code_len + requirements_at,
    };
    (image, layout)
}

#[cfg(test)]
mod tests {
    use super::*;
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
