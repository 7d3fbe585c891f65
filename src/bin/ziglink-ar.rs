//! `ziglink-ar`: see `ziglink::tools`.
#![cfg_attr(not(test), no_main)]

ziglink::entry!(ziglink::tool_main(ziglink::tools::Tool::Ar));
