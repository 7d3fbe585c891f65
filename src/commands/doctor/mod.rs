//! `ziglink doctor`: what ziglink would use and whether it can work, each problem with its fix.
//! `facts` gathers (with `c_objects`, the only parts doing I/O), `report` judges and renders.

mod c_objects;
mod facts;
mod report;

use crate::exit::ExitCode;

pub use facts::Facts;
pub use report::{findings, Finding, Severity};

pub fn run(json: bool) -> ExitCode {
    let facts = Facts::gather();
    let findings = findings(&facts);
    if json {
        print!("{}", report::json(&facts, &findings));
    } else {
        print!("{}", report::text(&facts, &findings));
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
