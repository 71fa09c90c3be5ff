//! Code generation for x-dm, used by its `build.rs` and by `cargo xtask`.
//!
//! A spec in `openapi/` is the one description of its endpoints. From it this
//! crate writes:
//! - `<stem>.rs`: the progenitor client (builder interface);
//! - `<stem>_descriptors.rs`: one descriptor per operation (method, path,
//!   parameters and rules, body and rules, scopes, pagination), a marker type
//!   per operation, the facade request's constructor and setters, parameter
//!   names as constants, and the operation-to-response-type map;
//! - `<stem>_presets.rs`: `VALUES` and `all()` for list parameter enums;
//! - `<stem>_problem_kinds.rs`: `ProblemKind`, for a spec with problem types.

mod client;
mod descriptors;
pub mod model;
mod presets;
mod problems;
pub mod rules;
pub mod spec;

pub use descriptors::Paths;

/// One spec to generate, and where its generated code lives in the crate.
pub struct Target<'a> {
    /// The output files' stem: `x_api` writes `x_api.rs` and the rest.
    pub stem: &'a str,
    /// The module the generated code is `include!`d into, from which
    /// replacement types are named: `crate::x::generated`.
    pub module: &'a str,
    /// The facade types responses become.
    pub paths: Paths<'a>,
}

/// A generated file: its name in `OUT_DIR` and its formatted source.
pub struct Output {
    /// The file name.
    pub name: String,
    /// The source.
    pub code: String,
}

/// Every file generated from one spec's text.
pub fn generate(text: &str, target: &Target<'_>) -> Result<Vec<Output>, String> {
    let doc = spec::Document::from_yaml(text)?;
    let operations = model::operations(&doc)?;
    let stem = target.stem;
    let mut out = vec![
        Output {
            name: format!("{stem}.rs"),
            code: client::render(&doc, &operations, target.module)?,
        },
        Output {
            name: format!("{stem}_descriptors.rs"),
            code: format(descriptors::render(&operations, &target.paths)?)?,
        },
        Output {
            name: format!("{stem}_presets.rs"),
            code: format(presets::render(&doc, &operations))?,
        },
    ];
    if let Some(kinds) = problems::render(&doc) {
        out.push(Output {
            name: format!("{stem}_problem_kinds.rs"),
            code: format(kinds)?,
        });
    }
    Ok(out)
}

/// Tokens as a readable, reviewable Rust file.
fn format(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}
