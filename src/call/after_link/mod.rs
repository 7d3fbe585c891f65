//! What ziglink does once zig has linked: the floor checks (glibc, macOS, and with macOS the
//! arm64 code signature), the manylinux policy check, debug stripping and PE header flags on a
//! success, and naming the input to blame on a failure. Reads ELF, Mach-O and PE files and
//! archives, which are untrusted input: every reader is total (fuzzed in `fuzz/`).
//!
//! May depend on `target`, `text` and `error`.

pub mod code_signature;
pub mod compiler_marks;
pub mod elf_imports;
pub mod elf_versions;
pub mod failed_link;
pub mod glibc_check;
pub mod link_inputs;
pub mod macho_signature;
pub mod macho_versions;
pub mod macos_check;
pub mod pe_header;
pub mod policy_check;
pub mod strip_debug;
