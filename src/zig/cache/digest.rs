//! Which `o/` folder a zig 0.17 manifest stands for. zig names a manifest `h/<hex>` after the
//! digest of a compilation's inputs (its options and the paths of its input files), and on a
//! hit uses `o/<hex>`, whose name is SipHash-1-3-128 under zig's fixed key of that digest
//! followed by the content digest of every file the manifest lists, in order (`finalDigest` in
//! `std/Build/Cache.zig`). Both parts are in the manifest, so the folder can be recomputed
//! without zig.
//!
//! The manifest is binary: one record per file (size, inode, mtime as 8 bytes each, the 16-byte
//! content digest, a flags byte, the path and a NUL), then one NUL. zig writes it whole while
//! holding an exclusive lock; an empty file is a manifest zig created but never finished.

use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

/// The key of `Cache.hasher_init` in zig 0.17's `std/Build/Cache.zig`. zig changes it whenever
/// the manifest format changes, which is why a cache from another zig maps to nothing here.
pub const ZIG_KEY: [u8; 16] = [
    0x02, 0xe9, 0xfa, 0xfe, 0xe0, 0x95, 0x81, 0x55, 0xf5, 0x5a, 0x15, 0xcb, 0x4a, 0xf4, 0x00, 0x09,
];

/// Length of the fixed part of a record, before its path.
const RECORD_HEAD: usize = 8 + 8 + 8 + 16 + 1;
const DIGEST_AT: usize = 24;
const FLAGS_AT: usize = 40;

/// One file a manifest lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub digest: [u8; 16],
    /// Which base directory `path` is relative to: 0 for an absolute path, then zig's lib
    /// folder, the local cache and the global cache (for `zig cc` both caches are the same).
    pub prefix: u8,
    pub path: Vec<u8>,
}

/// What a manifest file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// Created but never finished: a build that failed, was killed, or is still running, or
    /// an entry `ziglink cache clean` emptied.
    Empty,
    Inputs(Vec<Input>),
    /// Not zig 0.17's format: another zig version's manifest, or a damaged one.
    Foreign,
}

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Manifest {
        if bytes.is_empty() {
            return Manifest::Empty;
        }
        let mut inputs = Vec::new();
        let mut at = 0;
        while at + 1 < bytes.len() {
            let Some(head) = bytes.get(at..at + RECORD_HEAD) else {
                return Manifest::Foreign;
            };
            let path_start = at + RECORD_HEAD;
            let Some(len) = bytes[path_start..].iter().position(|&b| b == 0) else {
                return Manifest::Foreign;
            };
            let mut digest = [0; 16];
            digest.copy_from_slice(&head[DIGEST_AT..DIGEST_AT + 16]);
            inputs.push(Input {
                digest,
                prefix: head[FLAGS_AT] >> 2,
                path: bytes[path_start..path_start + len].to_vec(),
            });
            at = path_start + len + 1;
        }
        // A finished manifest ends with exactly one NUL after its last record.
        if at + 1 == bytes.len() && bytes[at] == 0 {
            Manifest::Inputs(inputs)
        } else {
            Manifest::Foreign
        }
    }
}

/// The `o/` folder name for the manifest named `manifest_name` (32 hex digits) listing `inputs`,
/// or `None` when the name is not one zig 0.17 gives a manifest.
pub fn output_name(manifest_name: &str, inputs: &[Input]) -> Option<String> {
    let mut message = from_hex(manifest_name)?.to_vec();
    for input in inputs {
        message.extend_from_slice(&input.digest);
    }
    Some(to_hex(&siphash128(
        SipHasher13::new_with_key(&ZIG_KEY),
        &message,
    )))
}

fn from_hex(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 32 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0; 16];
    for (i, pair) in bytes.chunks(2).enumerate() {
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The 128-bit output of `hasher` after `message`, in the byte order zig's
/// `std.crypto.auth.siphash.SipHash128` writes it (both halves little-endian).
fn siphash128(mut hasher: impl Hasher128 + Hasher, message: &[u8]) -> [u8; 16] {
    hasher.write(message);
    let hash = hasher.finish128();
    let mut out = [0; 16];
    out[..8].copy_from_slice(&hash.h1.to_le_bytes());
    out[8..].copy_from_slice(&hash.h2.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use siphasher::sip128::SipHasher24;

    /// Manifests copied from a real zig 0.17.1 cache, with the `o/` folder each sat beside: the
    /// glibc stubs (one input, zig's abilists folder) and a libunwind object (its source and
    /// one header).
    const REAL: &[(&str, &[u8], &str)] = &[
        (
            "5aa99cfa3ba34ad4269f00cf8fbf7d6d",
            include_bytes!("testdata/5aa99cfa3ba34ad4269f00cf8fbf7d6d"),
            "b379798b5139d9d3b0781fb8df5a4a21",
        ),
        (
            "48e4e9271c4e71768224586493686878",
            include_bytes!("testdata/48e4e9271c4e71768224586493686878"),
            "09ccee38bb042783a6b264f7f49f25ad",
        ),
    ];

    #[test]
    fn real_manifests_name_their_output_folders() {
        for (name, bytes, folder) in REAL {
            let Manifest::Inputs(inputs) = Manifest::parse(bytes) else {
                panic!("{name} did not parse");
            };
            assert_eq!(
                output_name(name, &inputs).as_deref(),
                Some(*folder),
                "{name}"
            );
        }
    }

    #[test]
    fn parses_records() {
        let Manifest::Inputs(inputs) = Manifest::parse(REAL[1].1) else {
            panic!("did not parse");
        };
        let paths: Vec<_> = inputs.iter().map(|i| (i.prefix, &i.path[..])).collect();
        assert_eq!(
            paths,
            [
                (1, &b"libunwind/src/UnwindRegistersSave.S"[..]),
                (1, &b"libunwind/src/assembly.h"[..]),
            ]
        );
    }

    #[test]
    fn tells_empty_and_foreign_manifests_apart() {
        let real = REAL[1].1;
        let cases: &[(&[u8], Manifest)] = &[
            (b"", Manifest::Empty),
            (b"\0", Manifest::Inputs(Vec::new())),
            // zig 0.14's text manifests start with a line of numbers.
            (b"0\n1234 5678 99 abcdef 1 lib/foo.c\n", Manifest::Foreign),
            (&real[..real.len() - 1], Manifest::Foreign),
            (&real[..50], Manifest::Foreign),
            (&[real, b"\0"].concat(), Manifest::Foreign),
        ];
        for (bytes, expected) in cases {
            assert_eq!(Manifest::parse(bytes), *expected, "{bytes:?}");
        }
    }

    #[test]
    fn only_zig_manifest_names_map() {
        assert!(output_name("5aa99cfa3ba34ad4269f00cf8fbf7d6d", &[]).is_some());
        for name in [
            "timestamp",
            "5aa99cfa3ba34ad4269f00cf8fbf7d6",
            "5AA99CFA3BA34AD4269F00CF8FBF7D6D",
            "5aa99cfa3ba34ad4269f00cf8fbf7d6d.txt",
        ] {
            assert_eq!(output_name(name, &[]), None, "{name}");
        }
    }

    #[test]
    fn siphash_matches_the_reference_vectors() {
        // The reference implementation's 128-bit SipHash-2-4 vectors: key 00..0f, messages
        // 00..(n-1).
        let key: [u8; 16] = std::array::from_fn(|i| i as u8);
        let cases: &[(usize, &str)] = &[
            (0, "a3817f04ba25a8e66df67214c7550293"),
            (1, "da87c1d86b99af44347659119b22fc45"),
            (15, "5493e99933b0a8117e08ec0f97cfc3d9"),
        ];
        for (len, expected) in cases {
            let message: Vec<u8> = (0..*len as u8).collect();
            assert_eq!(
                to_hex(&siphash128(SipHasher24::new_with_key(&key), &message)),
                *expected,
                "{len}"
            );
        }
    }
}
