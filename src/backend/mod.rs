//! The `ziglink.maturin` build backend's decisions (its Python hooks in `python/ziglink/` ask
//! `ziglink pep517` for them): which target a maturin build is for, the floor to link it for,
//! and the compatibility tag maturin is to check the wheel against (`plan`), read from
//! maturin's build arguments (`build_args`) and the project's pyproject.toml (`project`).
//!
//! May depend on `target`, `project` and `text`.

pub mod build_args;
pub mod plan;
