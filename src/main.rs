fn main() -> std::process::ExitCode {
    ziglink::main_with(std::env::args_os().collect())
}
