//! The ziglink binary as cargo and people run it: CLI words, error lines, and what reaches zig.
//! A fake zig (a shell script) stands in where the test is about ziglink's side of the call.
//! One test binary, not one per file: it is linked once, and writes the fakes once for all
//! the tests. A module per command or concern; what they share is in `util`.

#![cfg(unix)]

mod util;

mod about;
mod cache;
mod cargo;
mod doctor;
mod env_config;
mod explain;
mod linker;
mod pep517;
mod policy;
mod post_link;
mod reproducible;
mod signals;
mod tools;
mod warm;
