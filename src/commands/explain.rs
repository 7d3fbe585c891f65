//! `ziglink explain [--target T] [--tool link|cc|c++] -- <line>`: what ziglink would run for a
//! line, rule by rule, without running anything.

use std::ffi::OsString;

use crate::call::launch;
use crate::call::linker;
use crate::call::settings::Settings;
use crate::call::tools::Tool;
use crate::error::Result;
use crate::exit::ExitCode;
use crate::text::shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LineKind {
    /// A link line, as rustc passes it to the linker.
    Link,
    /// A C compile line, as cc-rs passes it to `CC`.
    Cc,
    /// A C++ compile line, as cc-rs passes it to `CXX`.
    #[value(name = "c++")]
    Cxx,
}

pub fn run(target: Option<String>, kind: LineKind, args: &[OsString]) -> Result<ExitCode> {
    let mut settings = Settings::from_process_env()?;
    if target.is_some() {
        settings.target = target;
    }
    // Without a zig the explanation is still worth having; the command then names plain `zig`.
    let found = launch::find_zig(&settings, None).ok();
    let call = match kind {
        LineKind::Link => linker::prepare(&settings, args)?,
        LineKind::Cc => crate::call::tools::prepare(Tool::Cc, &settings, args, found.as_ref())?,
        LineKind::Cxx => crate::call::tools::prepare(Tool::Cxx, &settings, args, found.as_ref())?,
    };
    let zig = found.map_or_else(|| "zig".into(), |zig| zig.path);
    let mut line = call.head();
    line.extend(call.args.iter().cloned());
    print!(
        "{}",
        launch::explanation(&call, &shell::command_line(&zig, &line))
    );
    Ok(ExitCode::SUCCESS)
}
