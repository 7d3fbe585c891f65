//! `ziglink-cmake`: see `ziglink::call::cmake`.
#![cfg_attr(not(test), no_main)]

ziglink::entry!(ziglink::cmake_main);
