//! Applying the rule table to a line: the first rule that matches an argument decides it, and
//! each change is recorded with its rule for logs and explanations.

use std::ffi::OsString;
use std::path::Path;

use super::{Action, Match, Rule, RULES};
use crate::error::{Error, Result};
use crate::platform::osbytes::{as_bytes, from_bytes};
use crate::target::triple::Target;

/// One argument a rule dropped or replaced, for logs and explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub rule: &'static str,
    pub reason: &'static str,
    pub removed: Vec<OsString>,
    pub added: Vec<OsString>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Translation {
    pub args: Vec<OsString>,
    pub changes: Vec<Change>,
}

impl Translation {
    /// Whether the rule named `rule` changed an argument.
    pub fn applied(&self, rule: &str) -> bool {
        self.changes.iter().any(|c| c.rule == rule)
    }
}

fn matches(m: Match, arg: &[u8], is_file: &dyn Fn(&Path) -> bool) -> bool {
    match m {
        Match::Exact(s) => arg == s.as_bytes(),
        Match::Prefix(p) => arg.starts_with(p.as_bytes()),
        Match::Test(f) => f(arg),
        Match::PrefixedFile(p) => {
            let rest = arg.strip_prefix(p.as_bytes()).unwrap_or_default();
            !rest.is_empty()
                && rest[0] != b'-'
                && !rest.contains(&b',')
                && is_file(Path::new(&from_bytes(rest.to_vec())))
        }
        Match::MissingFile(shape) => shape(arg) && !is_file(Path::new(&from_bytes(arg.to_vec()))),
    }
}

/// Applies the rules to every argument of a link or compile line.
pub fn translate(
    args: &[OsString],
    target: &Target,
    is_file: &dyn Fn(&Path) -> bool,
) -> Result<Translation> {
    let active: Vec<&Rule> = RULES.iter().filter(|r| (r.applies)(target)).collect();
    let mut out = Translation::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let bytes = as_bytes(arg);
        let Some(rule) = active.iter().find(|r| matches(r.matches, bytes, is_file)) else {
            out.args.push(arg.clone());
            continue;
        };
        let mut removed = vec![arg.clone()];
        let added: Vec<OsString> = match rule.action {
            Action::Drop => Vec::new(),
            Action::DropWithNext => {
                removed.extend(iter.next().cloned());
                Vec::new()
            }
            Action::KeepWithNext => {
                removed.extend(iter.next().cloned());
                removed.clone()
            }
            Action::Rewrite(f) => f(bytes, target).into_iter().map(from_bytes).collect(),
            Action::Refuse => {
                return Err(Error::Refused {
                    arg: arg.to_string_lossy().into_owned(),
                    target: target.spec.rust,
                    reason: rule.reason,
                })
            }
        };
        out.args.extend(added.iter().cloned());
        out.changes.push(Change {
            rule: rule.name,
            reason: rule.reason,
            removed,
            added,
        });
    }
    Ok(out)
}
