//! The zig at hand: finding it (`find`), its version and the glibc releases it ships, its
//! global cache (where it is, and the cache tools), the private folders ziglink makes, and the
//! header copies bindgen reads.
//!
//! May depend on `target`, `text`, `platform`, `error` and `exit`.

pub mod cache;
pub mod find;
pub mod glibc_list;
pub mod header_store;
pub mod private_dir;
pub mod version;
