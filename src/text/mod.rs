//! Text in and out: shell quoting, TOML strings and the variables written for
//! a shell or as JSON. Pure; depends on nothing else in the crate.

pub mod exports;
pub mod shell;
pub mod toml;
