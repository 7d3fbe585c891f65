//! `i686-w64-mingw32-dlltool`: see `ziglink::call::tools`.
#![cfg_attr(not(test), no_main)]

ziglink::entry!(|argv| ziglink::tool_main(ziglink::call::tools::Tool::Dlltool, argv));
