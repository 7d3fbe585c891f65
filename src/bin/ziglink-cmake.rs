//! `ziglink-cmake`: see `ziglink::cmake`.
#![cfg_attr(not(test), no_main)]

ziglink::entry!(ziglink::cmake_main());
