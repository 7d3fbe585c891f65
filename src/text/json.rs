//! Just enough JSON for ziglink's machine-readable output (`env --shell json`, `doctor --json`):
//! strings, and objects and arrays built from already-rendered values. Not worth a dependency.

/// `text` as a JSON string literal.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An optional string: the literal, or `null`.
pub fn opt_string(text: Option<&str>) -> String {
    text.map_or_else(|| "null".to_string(), string)
}

/// An object from keys and rendered values, one member per line at `indent`.
pub fn object<K: AsRef<str>>(members: impl IntoIterator<Item = (K, String)>) -> String {
    let members: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", string(k.as_ref())))
        .collect();
    if members.is_empty() {
        return "{}".to_string();
    }
    format!("{{\n{}\n}}", indent(&members.join(",\n")))
}

/// An array of rendered values.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        return "[]".to_string();
    }
    format!("[\n{}\n]", indent(&items.join(",\n")))
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_requires() {
        let cases = [
            ("plain", r#""plain""#),
            ("a \"q\" \\ b", r#""a \"q\" \\ b""#),
            ("line\nnext\ttab", r#""line\nnext\ttab""#),
            ("\u{1}", r#""\u0001""#),
            ("ünï", r#""ünï""#),
        ];
        for (text, expected) in cases {
            assert_eq!(string(text), expected, "{text:?}");
        }
    }

    #[test]
    fn nests_objects_and_arrays() {
        let inner = object([("b", opt_string(None))]);
        let doc = object([("a", array([string("x"), inner])), ("e", array([]))]);
        assert_eq!(
            doc,
            "{\n  \"a\": [\n    \"x\",\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": []\n}"
        );
    }
}
