//! Handing a translated command line to zig, the one step the linker and the C tools share:
//! find zig, log or explain, and exec, going through a response file when the line came in
//! one. A link with a floor to check (and, for glibc, the manylinux policy of that floor), or a
//! call being explained, waits for zig instead.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::call::after_link::failed_link;
use crate::call::after_link::glibc_check;
use crate::call::after_link::macos_check;
use crate::call::after_link::pe_header;
use crate::call::after_link::policy_check;
use crate::call::after_link::strip_debug;
use crate::call::exec;
use crate::call::exec::output;
use crate::call::explain::linker_options;
use crate::call::explain::{self, Explanation};
use crate::call::infer;
use crate::call::lead_args::{self, Added};
use crate::call::response;
use crate::call::rules::{Change, Translation};
use crate::call::settings::{PolicyMode, Settings};
pub use crate::call::zig_command::zig_command;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::platform::command_line;
use crate::platform::layout::Layout;
use crate::target::floor::Floor;
use crate::target::triple::Target;
use crate::text::shell;
use crate::zig::cache;
use crate::zig::find;
use crate::zig::glibc_list;

/// What a call does, which decides the zig subcommand that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Link,
    CCompile,
    CxxCompile,
    Archive,
    Ranlib,
    Dlltool,
}

impl Job {
    /// The zig subcommand: `zig cc`, `zig c++`, `zig ar`, `zig ranlib`, `zig dlltool`.
    pub fn driver(self) -> &'static str {
        match self {
            Job::Link | Job::CCompile => "cc",
            Job::CxxCompile => "c++",
            Job::Archive => "ar",
            Job::Ranlib => "ranlib",
            Job::Dlltool => "dlltool",
        }
    }

    /// What the call is, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Job::Link => "link",
            Job::CCompile => "C compile",
            Job::CxxCompile => "C++ compile",
            Job::Archive => "ar",
            Job::Ranlib => "ranlib",
            Job::Dlltool => "dlltool",
        }
    }

    /// Whether zig's clang driver reads the line, and so its `-Wl,` options reach the linker.
    pub fn is_clang(self) -> bool {
        matches!(self, Job::Link | Job::CCompile | Job::CxxCompile)
    }
}

/// What to run: `zig <driver> <lead...> <args...>`, and what to do around it.
pub struct ZigCall {
    pub job: Job,
    /// The target, for the compilers and the linker.
    pub target: Option<Target>,
    /// Arguments ziglink adds in front (`-target`, `-mcpu`), with why.
    pub lead: Vec<Added>,
    /// The caller's arguments, translated.
    pub args: Vec<OsString>,
    /// What the rules changed on the way.
    pub changes: Vec<Change>,
    /// Where the caller's response file was, when the line came in one.
    pub response_dir: Option<PathBuf>,
    /// The file the call writes (`-o`): checked after zig, and removed when zig is ended by a
    /// signal after it started writing it.
    pub output: Option<PathBuf>,
    /// The floor the output must keep to, checked after zig.
    pub floor: Option<Floor>,
    /// A private folder zig reads from during the call (text stubs for Apple's libraries),
    /// removed when the call is dropped; a call that has one waits for zig.
    pub scratch: Option<tempfile::TempDir>,
    /// Remove the output's debug sections after zig, for the `-Wl,--strip-debug` zig was not
    /// given (`strip_debug`).
    pub strip_debug: bool,
    /// Mark the output large-address-aware after zig, for the `-Wl,--large-address-aware` zig
    /// was not given (`pe_header`).
    pub large_address_aware: bool,
    /// The call links, with runtimes from zig's cache: it waits for zig, and a failure that a
    /// broken cache entry caused is repaired and run once more (`exec::heal`).
    pub links: bool,
}

impl ZigCall {
    /// A call of `job` on a line the rules translated for `target`; the line came in a
    /// response file in `response_dir`, if any. Neither checked nor stripped until the caller
    /// says so.
    pub fn translated(
        job: Job,
        target: Target,
        lead: Vec<Added>,
        translation: Translation,
        response_dir: Option<PathBuf>,
    ) -> ZigCall {
        ZigCall {
            job,
            target: Some(target),
            lead,
            output: infer::output_path(&translation.args),
            args: translation.args,
            changes: translation.changes,
            response_dir,
            floor: None,
            scratch: None,
            strip_debug: false,
            large_address_aware: false,
            links: job == Job::Link,
        }
    }

    /// A call of `job` on the line as given, for zig's target-independent tools.
    pub fn untranslated(job: Job, args: &[OsString]) -> ZigCall {
        ZigCall {
            job,
            target: None,
            lead: Vec::new(),
            args: args.to_vec(),
            changes: Vec::new(),
            response_dir: None,
            output: None,
            floor: None,
            scratch: None,
            strip_debug: false,
            large_address_aware: false,
            links: false,
        }
    }

    /// The start of zig's command line: the driver and ziglink's own arguments.
    pub fn head(&self) -> Vec<OsString> {
        let mut head = vec![OsString::from(self.job.driver())];
        head.extend(lead_args::lead_args(&self.lead));
        head
    }
}

/// The floor check a call's output is due after zig succeeds.
struct FloorCheck<'a> {
    output: &'a Path,
    floor: Floor,
    /// The Rust triple, for the message.
    target: &'static str,
}

/// The check of `call`'s output, unless there is no output, no floor, or the user skips it.
fn floor_check<'a>(call: &'a ZigCall, settings: &Settings) -> Option<FloorCheck<'a>> {
    if settings.skip_floor_check {
        return None;
    }
    Some(FloorCheck {
        output: call.output.as_deref()?,
        floor: call.floor?,
        target: call.target?.spec.rust,
    })
}

/// Runs `call` with `zig` (from [`find_zig`]; the callers need its path to build some lines).
pub fn zig(call: ZigCall, settings: &Settings, zig: &find::Zig) -> Result<ExitCode> {
    if let Some(target) = &call.target {
        glibc_list::check_requested(target, &zig.path)?;
    }
    let mut zig_args = call.head();
    // A line that needed a response file still does, written in the dialect zig reads.
    let mut response = None;
    if let Some(dir) = response_dir(&call, &zig.path, &zig_args) {
        match response::write_for_zig(&call.args) {
            Ok(contents) => {
                let file = response_file(&dir, &contents)?;
                let mut at = OsString::from("@");
                at.push(file.path());
                zig_args.push(at);
                response = Some(file);
            }
            Err(Error::UnquotableArgument(_)) => {} // take the direct route instead
            Err(other) => return Err(other),
        }
    }
    if response.is_none() {
        zig_args.extend(call.args.iter().cloned());
    }
    log(settings, zig, &zig_args);
    if let Some(to) = &settings.explain {
        explain::emit(
            to,
            &explanation(&call, &shell::command_line(&zig.path, &zig_args)),
        );
    }
    // A check the build's environment turns off is said once per build (its report shows each
    // line once), so that a project that set it and forgot is reminded.
    if let Some(line) = call
        .output
        .as_ref()
        .and(call.floor)
        .and_then(|f| settings.checks_off(f))
    {
        settings.notice(&line);
    }
    let make = || zig_command(&zig.path, &zig_args, settings);
    let check = floor_check(&call, settings);
    let strip = call.output.as_ref().filter(|_| call.strip_debug);
    let mark = call.output.as_ref().filter(|_| call.large_address_aware);
    let waits = response.is_some()
        || call.scratch.is_some()
        || check.is_some()
        || strip.is_some()
        || mark.is_some()
        || call.links;
    if !waits && settings.explain.is_none() {
        return Err(exec::exec(make()?));
    }
    let before = output::Stamp::of(call.output.as_deref());
    let waited = if call.links {
        let cache = cache::in_use().ok().map(|(root, _)| root);
        let linked = exec::heal::link(&make, cache.as_deref())?;
        show_stderr(settings, &linked.stderr);
        let succeeded = linked.waited.ended == exec::Ended::Code(0);
        for repair in &linked.repairs {
            settings.notice(&exec::heal::outcome_line(repair, succeeded));
        }
        linked.waited
    } else if settings.explain.is_some() {
        let (waited, stderr) = exec::spawn_and_wait_capturing_stderr(make()?)?;
        show_stderr(settings, &stderr);
        waited
    } else {
        exec::spawn_and_wait(make()?)?
    };
    drop(response); // removes it
    if let Some(code) = signalled(&waited, &call, &before) {
        return Ok(code);
    }
    let code = exec::leave_like(waited.ended);
    if code != ExitCode::SUCCESS && call.output.is_some() {
        for line in failed_link::diagnose(&call.args, call.floor.and_then(Floor::glibc)) {
            eprintln!("ziglink: error: {line}");
        }
    }
    if let (ExitCode::SUCCESS, Some(check)) = (code, check) {
        after_floor_check(&call, settings, check)?;
    }
    if let (ExitCode::SUCCESS, Some(output)) = (code, strip) {
        // The file is replaced whole or not at all, so one that keeps its debug info is still
        // a good link: say so, and go on (`-o /dev/null` is not ELF).
        if let Err(kept) = strip_debug::strip_file(output) {
            settings.warn(&kept.to_string());
        }
    }
    if let (ExitCode::SUCCESS, Some(output)) = (code, mark) {
        // A file that is not PE (`-o /dev/null`) is a good link that needs no flag; one that
        // cannot be written to is not what rustc asked for.
        if let Some(unmarked) = pe_header::set_flag(output, pe_header::LARGE_ADDRESS_AWARE)? {
            settings.warn(&unmarked);
        }
    }
    if let Some(signal) = exec::late_signal() {
        // Came while ziglink checked or changed zig's output: the build is being stopped, and
        // an output whose checks did not all run is not left for it.
        if let Some(output) = call.output.as_deref() {
            output::remove_if_written(output, &before);
        }
        return Ok(exec::leave_like(exec::Ended::Signal(signal)));
    }
    Ok(code)
}

/// What zig said, passed on; when explaining, with the options it rejected named.
fn show_stderr(settings: &Settings, stderr: &[u8]) {
    let _ = std::io::stderr().write_all(stderr);
    if settings.explain.is_some() {
        for rejected in explain::rejected_by_zig(&String::from_utf8_lossy(stderr)) {
            eprintln!(
                "ziglink: zig rejected `{rejected}`, which no rule handles; {}",
                explain::RULES_POINTER
            );
        }
    }
}

/// The checks of a good link's output: its floor, then, for glibc, the manylinux policy of
/// that floor, and for arm64 macOS, the code signature.
fn after_floor_check(call: &ZigCall, settings: &Settings, check: FloorCheck) -> Result<()> {
    let checked = match check.floor {
        Floor::Glibc(floor) => {
            glibc_check::check_output(check.output, floor, check.target).map(Some)
        }
        Floor::MacOs(floor) => {
            macos_check::check_output(check.output, floor, check.target, &call.args)
                .and_then(|()| macos_check::check_signature(check.output, check.target))
                .map(|()| None)
        }
    };
    let imports = match checked {
        // zig succeeded; a file ziglink cannot read (`-o /dev/null`) is not the user's fault.
        Err(unreadable @ Error::CheckUnreadable { .. }) => {
            settings.warn(&unreadable.to_string());
            return Ok(());
        }
        other => other?,
    };
    let (Some(imports), Some(target)) = (imports, &call.target) else {
        return Ok(());
    };
    let strict = match settings.policy {
        PolicyMode::Off => return Ok(()),
        PolicyMode::Warn => false,
        PolicyMode::Strict => true,
    };
    for line in policy_check::check_output(check.output, &imports, target, strict)? {
        settings.warn(&line);
    }
    Ok(())
}

/// When a signal ended zig, or came to ziglink: removes what zig began writing, says what
/// happened unless the user asked for it (Ctrl-C), and leaves by that signal. `None` otherwise.
fn signalled(waited: &exec::Waited, call: &ZigCall, before: &output::Stamp) -> Option<ExitCode> {
    let output = call.output.as_deref();
    let signal = match (waited.interrupted, waited.ended) {
        (Some(signal), _) => signal,
        (None, exec::Ended::Signal(signal)) => signal,
        (None, exec::Ended::Code(_)) => return None,
    };
    let full = output.and_then(|path| output::full_disk(path, &call.args));
    let removed = output.filter(|path| output::remove_if_written(path, before));
    if waited.interrupted.is_none() {
        eprintln!(
            "ziglink: error: {}",
            output::killed_message(signal, full.as_ref(), removed)
        );
    }
    Some(exec::leave_like(exec::Ended::Signal(signal)))
}

/// The explanation of `call` about to run as `command`.
pub fn explanation(call: &ZigCall, command: &str) -> String {
    let args = call.args.iter().filter_map(|a| a.to_str());
    let unknown = if call.job.is_clang() {
        let format = call
            .target
            .as_ref()
            .map_or(linker_options::Format::Elf, linker_options::Format::of);
        linker_options::unknown(args, format)
    } else {
        Vec::new()
    };
    let added: usize = call.changes.iter().map(|c| c.added.len()).sum();
    explain::render(&Explanation {
        what: call.job.describe(),
        target: call.target.as_ref(),
        lead: &call.lead,
        changes: &call.changes,
        unknown: &unknown,
        kept: call.args.len().saturating_sub(added),
        command,
    })
}

/// The zig this ziglink uses: `ZIGLINK_ZIG`, the `ziglang` beside it, or PATH.
pub fn find_zig(settings: &Settings, argv0: Option<&OsString>) -> Result<find::Zig> {
    let path_var = std::env::var_os("PATH");
    let exe_dirs = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .into_iter()
        .collect();
    find::locate(&find::Search {
        override_path: settings.zig.as_deref(),
        exe_dirs,
        argv0: argv0.map(OsString::as_os_str),
        path_var: path_var.as_deref(),
    })
}

/// Where zig's response file goes, when there is one: beside the caller's, or, for a line too
/// long to start directly on this platform (Windows), beside the output.
fn response_dir(call: &ZigCall, zig: &Path, head: &[OsString]) -> Option<PathBuf> {
    if let Some(dir) = &call.response_dir {
        return Some(dir.clone());
    }
    let line: Vec<&OsString> = head.iter().chain(&call.args).collect();
    if command_line::fits(Layout::HERE, zig.as_os_str(), &line) {
        return None;
    }
    let output_dir = call.output.as_deref().and_then(Path::parent);
    Some(output_dir.map(Path::to_path_buf).unwrap_or_default())
}

/// Beside the caller's own file: for rustc that is its private temp folder (in the output
/// folder), which rustc removes with whatever is left in it; else in the temp folder. Either
/// way a file of our own, made with a random name and mode 0600 (`tempfile`), and removed when
/// it is dropped, also when writing it fails.
fn response_file(dir: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let write = |dir: &Path| {
        let mut file = tempfile::Builder::new()
            .prefix("ziglink-")
            .suffix(".args")
            .tempfile_in(dir)?;
        file.write_all(contents)?;
        Ok::<_, std::io::Error>(file)
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    write(dir).or_else(|first| {
        let temp_dir = std::env::temp_dir();
        write(&temp_dir).map_err(|second| Error::ResponseFileWrite {
            dir: dir.to_path_buf(),
            first,
            temp_dir,
            second,
        })
    })
}

fn log(settings: &Settings, zig: &find::Zig, args: &[OsString]) {
    settings.log_line(|| {
        format!(
            "zig from {}: {}",
            zig.found_by,
            shell::command_line(&zig.path, args)
        )
    });
}
