//! What differs between the machines ziglink runs on (Linux, macOS, Windows), one module per
//! concern; the rest of the crate is the same code everywhere and has no `cfg` of its own.
//! The pure parts (names, layouts, quoting) take the platform as a value, so that Linux's tests
//! cover Windows and macOS too.
//!
//! Depends on nothing else in the crate but `exit`.

pub mod args;
pub mod command_line;
pub mod fs;
pub mod layout;
pub mod osbytes;
pub mod process;
pub mod replace;
