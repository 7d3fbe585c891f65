//! The settings `ziglink cargo` passes through the environment, written instead as a file
//! snippet: `.cargo/config.toml`, or `[tool.maturin] config` in pyproject.toml.

use crate::cargo_setup::vars::LINKER;
use crate::cargo_setup::{sccache_key, Setting};
use crate::text::toml;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `.cargo/config.toml`: `[target.<triple>] linker` and an `[env]` table.
    Cargo,
    /// pyproject.toml: ziglink in the build requirements and cargo settings in `[tool.maturin]`.
    Maturin,
}

/// `settings` (from `cargo_setup::build` for a file) as a snippet in `format`.
pub fn render(settings: &[Setting], format: Format) -> String {
    match format {
        Format::Cargo => cargo_toml(settings),
        Format::Maturin => maturin_toml(settings),
    }
}

fn cargo_toml(settings: &[Setting]) -> String {
    let mut out = String::from("# .cargo/config.toml\n");
    let mut env = String::from("[env]\n");
    for setting in settings {
        match setting {
            Setting::Linker { triple } => out.push_str(&format!(
                "[target.{triple}]\nlinker = {}\n\n",
                toml::string(LINKER)
            )),
            Setting::Env { name, value } => {
                if name == sccache_key::BUSTER {
                    env.push_str(BUSTER_COMMENT);
                    env.push('\n');
                }
                env.push_str(&format!("{name} = {}\n", toml::string(value)));
            }
        }
    }
    out + &env
}

/// Read only by sccache, which keys C objects by it; the floors reach ziglink-cc as variables,
/// which sccache does not see otherwise.
const BUSTER_COMMENT: &str = "# for sccache: C objects are cached per floor (glibc, macOS)";

/// What goes into a pyproject.toml that already has its `[build-system]` and maybe its
/// `[tool.maturin]`: pasted whole it would declare them twice, so the header says where each
/// part goes, and `--edit` does it.
fn maturin_toml(settings: &[Setting]) -> String {
    let mut out = String::from(
        "# pyproject.toml: add \"ziglink\" to `requires` in [build-system], and this `config`\n\
         # to [tool.maturin] (or let `ziglink config --format maturin --edit pyproject.toml` do it)\n\
         [tool.maturin]\n# passed to cargo as --config\nconfig = [\n",
    );
    for setting in settings {
        out.push_str(&format!(
            "    {},\n",
            toml::string(&setting.as_cargo_flag())
        ));
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cargo_setup::{build, Destination};
    use crate::target::triple::Target;

    /// What `ziglink config` writes for `targets`.
    pub fn settings(targets: &[Target]) -> Vec<Setting> {
        build(targets, &Destination::File).unwrap().settings
    }

    fn targets() -> Vec<Target> {
        vec![
            Target::resolve("aarch64-unknown-linux-gnu.2.28", None).unwrap(),
            Target::resolve("x86_64-unknown-linux-musl", None).unwrap(),
        ]
    }

    #[test]
    fn cargo_config_names_linker_and_tools() {
        let expected = "\
# .cargo/config.toml
[target.aarch64-unknown-linux-gnu]
linker = \"ziglink\"

[target.x86_64-unknown-linux-musl]
linker = \"ziglink\"

[env]
CC_aarch64_unknown_linux_gnu = \"ziglink-cc\"
CXX_aarch64_unknown_linux_gnu = \"ziglink-cxx\"
AR_aarch64_unknown_linux_gnu = \"ziglink-ar\"
RANLIB_aarch64_unknown_linux_gnu = \"ziglink-ranlib\"
CMAKE_aarch64_unknown_linux_gnu = \"ziglink-cmake\"
ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU = \"2.28\"
CC_x86_64_unknown_linux_musl = \"ziglink-cc\"
CXX_x86_64_unknown_linux_musl = \"ziglink-cxx\"
AR_x86_64_unknown_linux_musl = \"ziglink-ar\"
RANLIB_x86_64_unknown_linux_musl = \"ziglink-ranlib\"
CMAKE_x86_64_unknown_linux_musl = \"ziglink-cmake\"
# for sccache: C objects are cached per floor (glibc, macOS)
SCCACHE_C_CUSTOM_CACHE_BUSTER = \"ziglink:aarch64-unknown-linux-gnu.2.28 ziglink:x86_64-unknown-linux-musl\"
";
        assert_eq!(render(&settings(&targets()), Format::Cargo), expected);
    }

    #[test]
    fn maturin_config_is_a_list_of_cargo_settings() {
        let out = render(&settings(&targets()[..1]), Format::Maturin);
        // Mergeable: no table a pyproject.toml already has.
        assert!(!out.contains("[build-system]\n"), "{out}");
        assert!(out.contains("\n[tool.maturin]\n"), "{out}");
        assert!(
            out.ends_with(
                "config = [\n    'target.aarch64-unknown-linux-gnu.linker=\"ziglink\"',\n    \
                 'env.CC_aarch64_unknown_linux_gnu=\"ziglink-cc\"',\n    \
                 'env.CXX_aarch64_unknown_linux_gnu=\"ziglink-cxx\"',\n    \
                 'env.AR_aarch64_unknown_linux_gnu=\"ziglink-ar\"',\n    \
                 'env.RANLIB_aarch64_unknown_linux_gnu=\"ziglink-ranlib\"',\n    \
                 'env.CMAKE_aarch64_unknown_linux_gnu=\"ziglink-cmake\"',\n    \
                 'env.ZIGLINK_GLIBC_AARCH64_UNKNOWN_LINUX_GNU=\"2.28\"',\n    \
                 'env.SCCACHE_C_CUSTOM_CACHE_BUSTER=\"ziglink:aarch64-unknown-linux-gnu.2.28\"',\n]\n"
            ),
            "{out}"
        );
    }
}
