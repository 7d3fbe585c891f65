//! Rust targets: the triples ziglink supports and the zig target each becomes, glibc floors,
//! CPU names, and the host. Pure, apart from reading the environment where a function says so.
//!
//! May depend on `text` and `error` only.

pub mod cpu;
pub mod glibc;
pub mod host;
pub mod triple;
