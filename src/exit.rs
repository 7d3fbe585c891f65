//! The code a ziglink process exits with. Not `std::process::ExitCode`, whose value cannot be
//! read back: the executables start at a C `main` (see `entry!`) and must return the number.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode(pub i32);

impl ExitCode {
    pub const SUCCESS: ExitCode = ExitCode(0);
    pub const FAILURE: ExitCode = ExitCode(1);
}

impl From<u8> for ExitCode {
    fn from(code: u8) -> ExitCode {
        ExitCode(i32::from(code))
    }
}
