//! `ziglink config`: cargo's settings for a target written as a config file snippet, or merged
//! into an existing file.

pub mod edit;
pub mod snippet;
