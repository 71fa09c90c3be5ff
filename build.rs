//! Turns each spec in `openapi/` into Rust in `OUT_DIR`. The work is done by
//! the `codegen` crate; this only reads, writes and tells cargo what to watch.

use std::{env, fs, path::Path};

use codegen::{Paths, Target};

fn main() {
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let specs = [
        (
            "openapi/x-api.yaml",
            "x_api",
            "crate::x::generated",
            "crate::x::Page<{item}>",
        ),
        (
            "openapi/tweetapi.yaml",
            "tweetapi",
            "crate::tweetapi::generated",
            "crate::tweetapi::Page",
        ),
    ];
    for (file, stem, module, page) in specs {
        println!("cargo:rerun-if-changed={file}");
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let target = Target {
            stem,
            module,
            paths: Paths { page },
        };
        let outputs = codegen::generate(&text, &target).unwrap_or_else(|e| panic!("{file}: {e}"));
        for output in outputs {
            let path = Path::new(&out_dir).join(&output.name);
            fs::write(&path, output.code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
