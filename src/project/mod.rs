//! What the project being built says about itself, read from its files: whether its lock file
//! pulls in bindgen or a C builder (`lockfile`), which targets it builds for (`build_targets`),
//! the rustflags its cargo config files set (`config_rustflags`),
//! whether it names a runner for a target (`runners`), and what its pyproject.toml tells the
//! maturin backend (`pyproject`). `ziglink cargo` and `ziglink warm`
//! ask; the parsing is pure, the reads are at the edge (`files`).
//!
//! May depend on nothing but `error`: `call`, `cargo_setup` and `commands` use it.

pub mod build_targets;
pub mod config_rustflags;
pub mod files;
pub mod lockfile;
pub mod pyproject;
pub mod runners;
