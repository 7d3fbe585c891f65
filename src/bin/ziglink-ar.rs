//! `ziglink-ar`: see `ziglink::tools`.

fn main() -> std::process::ExitCode {
    ziglink::tool_main(ziglink::tools::Tool::Ar)
}
