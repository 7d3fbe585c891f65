//! What rustc, cc-rs and cmake run: the linker (`linker`), the C tools (`tools`) and cmake
//! (`cmake`), each a straight line from argv through the rules table to one exec of zig.
//!
//! May depend on `target`, `zig`, `project`, `text`, `platform`, `error` and `exit`; never on
//! `commands` or `cargo_setup`, so nothing a person's command does can change what a link runs.

pub mod after_link;
pub mod apple_sdk;
pub mod apple_stubs;
pub mod archive_members;
pub mod cmake;
pub mod compiler_identity;
pub mod compiler_rt;
pub mod exec;
pub mod explain;
pub mod infer;
pub mod launch;
pub mod lead_args;
pub mod linker;
pub mod reproducible;
pub mod response;
pub mod rules;
pub mod rustc_cpu;
pub mod settings;
pub mod tools;
pub mod zig_command;
