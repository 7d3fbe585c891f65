//! Variables written for a shell to evaluate (`eval "$(ziglink env)"`), or as JSON for
//! programs: one pure function per format.

use serde_json::Value;

use crate::text::shell;

/// One thing to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    Set {
        name: String,
        value: String,
    },
    /// Put this directory in front of PATH.
    PrependPath(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// POSIX shells: sh, bash, zsh, dash.
    Sh,
    Fish,
    Powershell,
    /// One object of names to values; PATH, when present, is the whole new value.
    Json,
}

/// `exports` for `shell`. `current_path` is what PATH holds now, which JSON needs to give the
/// whole new value; the shells expand their own `$PATH`.
pub fn render(exports: &[Export], shell: Shell, current_path: &str) -> String {
    if shell == Shell::Json {
        let members = exports.iter().map(|export| match export {
            Export::Set { name, value } => (name.clone(), Value::from(value.as_str())),
            Export::PrependPath(dir) => {
                let value = if current_path.is_empty() {
                    dir.clone()
                } else {
                    format!("{dir}{}{current_path}", path_separator())
                };
                ("PATH".to_string(), Value::from(value))
            }
        });
        return format!("{:#}\n", Value::Object(members.collect()));
    }
    let mut out = String::new();
    for export in exports {
        let line = match (shell, export) {
            (Shell::Sh, Export::Set { name, value }) => {
                format!("export {name}={}", shell::quote(value))
            }
            (Shell::Sh, Export::PrependPath(dir)) => {
                format!("export PATH={}\"${{PATH:+:$PATH}}\"", shell::quote(dir))
            }
            (Shell::Fish, Export::Set { name, value }) => {
                format!("set -gx {name} {}", fish_quote(value))
            }
            (Shell::Fish, Export::PrependPath(dir)) => {
                format!("fish_add_path --global --move --path {}", fish_quote(dir))
            }
            (Shell::Powershell, Export::Set { name, value }) => {
                format!("$env:{name} = {}", powershell_quote(value))
            }
            (Shell::Powershell, Export::PrependPath(dir)) => format!(
                "$env:PATH = {} + [IO.Path]::PathSeparator + $env:PATH",
                powershell_quote(dir)
            ),
            (Shell::Json, _) => unreachable!("handled above"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn path_separator() -> char {
    if cfg!(windows) {
        ';'
    } else {
        ':'
    }
}

/// fish's single quotes take `\'` and `\\` as escapes and nothing else.
fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// PowerShell's single quotes are literal; a quote inside is doubled.
fn powershell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exports() -> Vec<Export> {
        vec![
            Export::PrependPath("/env/bin".into()),
            Export::Set {
                name: "CC_x".into(),
                value: "ziglink-cc".into(),
            },
            Export::Set {
                name: "ODD".into(),
                value: "it's a \\ $x".into(),
            },
        ]
    }

    #[test]
    fn renders_each_format() {
        let cases = [
            (
                Shell::Sh,
                "export PATH=/env/bin\"${PATH:+:$PATH}\"\nexport CC_x=ziglink-cc\n\
                 export ODD='it'\\''s a \\ $x'\n",
            ),
            (
                Shell::Fish,
                "fish_add_path --global --move --path '/env/bin'\nset -gx CC_x 'ziglink-cc'\n\
                 set -gx ODD 'it\\'s a \\\\ $x'\n",
            ),
            (
                Shell::Powershell,
                "$env:PATH = '/env/bin' + [IO.Path]::PathSeparator + $env:PATH\n\
                 $env:CC_x = 'ziglink-cc'\n$env:ODD = 'it''s a \\ $x'\n",
            ),
            (
                Shell::Json,
                "{\n  \"PATH\": \"/env/bin:/usr/bin\",\n  \"CC_x\": \"ziglink-cc\",\n  \
                 \"ODD\": \"it's a \\\\ $x\"\n}\n",
            ),
        ];
        for (shell, expected) in cases {
            assert_eq!(render(&exports(), shell, "/usr/bin"), expected, "{shell:?}");
        }
    }

    #[test]
    fn json_path_without_a_current_path_is_the_dir_alone() {
        let out = render(&[Export::PrependPath("/env/bin".into())], Shell::Json, "");
        assert_eq!(out, "{\n  \"PATH\": \"/env/bin\"\n}\n");
    }
}
