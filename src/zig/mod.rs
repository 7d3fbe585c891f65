//! The zig at hand: finding it (`find`), its version and the glibc releases it ships, its
//! global cache (where it is, and the cache tools), the private folders ziglink makes, and the
//! copy of zig's lib folder every zig call is given.
//!
//! May depend on `target`, `text`, `platform`, `error` and `exit`.

pub mod cache;
pub mod find;
pub mod glibc_list;
pub mod lib_copy;
pub mod private_dir;
pub mod version;
