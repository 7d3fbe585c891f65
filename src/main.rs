//! `ziglink`: see `ziglink::main_with`.
#![cfg_attr(not(test), no_main)]

ziglink::entry!(ziglink::main_with);
