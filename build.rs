//! Compiles the manylinux policies (`src/target/manylinux/policies.json`, auditwheel's data) into
//! static tables, so that the check after every glibc link reads them without parsing 130 KB of
//! JSON first (about 13 million instructions a link, measured with callgrind).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

const DATA: &str = "src/target/manylinux/policies.json";

fn main() {
    println!("cargo:rerun-if-changed={DATA}");
    let text = std::fs::read_to_string(DATA).unwrap_or_else(|e| panic!("cannot read {DATA}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{DATA}: {e}"));
    let mut policies: Vec<&Value> = field(&doc, "policies")
        .as_array()
        .expect("a list")
        .iter()
        .collect();
    policies.sort_by_key(|p| glibc(p));
    let mut out = String::from("&[\n");
    for policy in policies {
        let (major, minor) = glibc(policy);
        let _ = writeln!(
            out,
            "Policy {{ name: {:?}, aliases: {}, glibc: Glibc::new({major}, {minor}), libraries: {}, \
             forbidden: {}, versions: {} }},",
            text_of(field(policy, "name")),
            strings(field(policy, "aliases")),
            strings(field(policy, "libraries")),
            keyed(field(policy, "forbidden_symbols"), strings),
            keyed(field(policy, "versions"), |arch| keyed(arch, strings)),
        );
    }
    out.push_str("]\n");
    let dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&dir).join("manylinux_policies.rs"), out)
        .expect("OUT_DIR is writable");
}

fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value
        .get(key)
        .unwrap_or_else(|| panic!("{DATA}: a policy without `{key}`"))
}

fn text_of(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{DATA}: {value} is not a string"))
}

fn glibc(policy: &Value) -> (u16, u16) {
    let text = text_of(field(policy, "glibc"));
    let parsed = text
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
    parsed.unwrap_or_else(|| panic!("{DATA}: malformed glibc `{text}`"))
}

/// `&["a", "b"]`
fn strings(value: &Value) -> String {
    let items: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("{DATA}: {value} is not a list"))
        .iter()
        .map(|v| format!("{:?}", text_of(v)))
        .collect();
    format!("&[{}]", items.join(", "))
}

/// `&[("key", <item>), ...]`, in the data's order.
fn keyed(value: &Value, item: impl Fn(&Value) -> String) -> String {
    let map = value
        .as_object()
        .unwrap_or_else(|| panic!("{DATA}: {value} is not a table"));
    let items: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("({k:?}, {})", item(v)))
        .collect();
    format!("&[{}]", items.join(", "))
}
