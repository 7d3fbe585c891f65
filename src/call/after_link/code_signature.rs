//! The ad-hoc code signature of one Mach-O image: the SuperBlob that `LC_CODE_SIGNATURE`
//! points at, and whether the page hashes and special slots of its CodeDirectory still match the
//! bytes they cover. Only structure and hashes are read; whether the signature is trusted is the
//! system's business. Total on any bytes (fuzzed in `fuzz/` through `macho_signature`).

#[cfg(test)]
use object::macho;
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

/// What is wrong with the signature at `dataoff` of `image`, or why it cannot be checked.
pub fn problems(image: &[u8], dataoff: u32, datasize: u32) -> Result<Vec<String>, String> {
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

pub(super) fn be32(data: &[u8], at: usize) -> Option<u32> {
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
