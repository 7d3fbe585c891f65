//! TOML values written into cargo's `--config` flags and config files.

/// `text` as a TOML string, in the form toml_edit finds plainest: a basic string, or a
/// literal one when that saves escaping quotes or backslashes.
pub fn string(text: &str) -> String {
    toml_edit::Value::from(text).to_string()
}

/// `items` as an inline TOML array of strings.
pub fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    toml_edit::Array::from_iter(items).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever form is chosen, a TOML reader gets the text back.
    #[test]
    fn strings_read_back_as_written() {
        for text in [
            "ziglink",
            r#"C:\a "b"=."#,
            "x\ty",
            "it's",
            "a'b\"c",
            "\u{1}é",
            "",
        ] {
            let doc: toml_edit::DocumentMut = format!("v = {}", string(text)).parse().unwrap();
            assert_eq!(doc["v"].as_str(), Some(text), "{text:?}");
        }
        assert_eq!(string("ziglink"), "\"ziglink\"");
        assert_eq!(string_array(["a", "b c"]), "[\"a\", \"b c\"]");
        assert_eq!(string_array([]), "[]");
    }
}
