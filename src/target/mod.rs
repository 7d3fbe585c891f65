//! Rust targets: the triples ziglink supports and the zig target each becomes, their floors
//! (glibc releases, macOS deployment targets), the manylinux policies a glibc floor is held
//! to, CPU names, the host, and how another architecture's programs run here (qemu, wine).
//! Pure, apart from reading the environment where a function says so.
//!
//! May depend on `text` and `error` only.

pub mod cpu;
pub mod emulation;
pub mod floor;
pub mod glibc;
pub mod host;
pub mod macos;
pub mod manylinux;
pub mod triple;
pub mod universal2;
pub mod wine;
