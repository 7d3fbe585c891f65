//! cargo's environment for building with ziglink: one builder (`build`) used by `ziglink
//! cargo` (set on cargo's process), `ziglink env` (printed for a shell) and `ziglink config`
//! (written into a config file), so the three cannot drift apart.
//!
//! May depend on `call` (the settings and tool names it sets up), `target`, `zig`, `text`
//! and `error`.

pub mod bindgen;
pub mod path_env;
pub mod sccache_key;
pub mod vars;
