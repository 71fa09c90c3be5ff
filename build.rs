//! Turns each spec in `openapi/` into a Rust client in `OUT_DIR`.
//!
//! For every spec this writes two files:
//! - `<name>.rs`: the progenitor client (builder interface), formatted with
//!   prettyplease so that it can be read and snapshot-tested;
//! - `<name>_rules.rs`: the constraints of every request parameter, checked by
//!   `src/validate.rs` before a request leaves the machine.
//!
//! Parameter constraints are moved out of the generated types on purpose:
//! progenitor's builders swallow conversion errors ("conversion to `X` for id
//! failed"), while the rules table lets the check name the parameter, the rule
//! and the value. Array query parameters are swapped for `CommaList<T>` so that
//! they go out as one comma-separated value, as X expects.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

/// One spec to generate: its file, the output name and the crate module the
/// generated code is `include!`d into (replacement types are named from there).
struct Spec {
    file: &'static str,
    out: &'static str,
    module: &'static str,
}

/// What the generated clients carry for the hooks: the credential and the
/// retry and rate-limit policies.
const INNER_TYPE: &str = "crate::session::Session";

const SPECS: &[Spec] = &[
    Spec {
        file: "openapi/x-api.yaml",
        out: "x_api",
        module: "crate::x",
    },
    Spec {
        file: "openapi/tweetapi.yaml",
        out: "tweetapi",
        module: "crate::tweetapi",
    },
];

/// Schema keywords that become runtime rules instead of generated newtypes.
const CONSTRAINTS: &[&str] = &["minimum", "maximum", "minLength", "pattern"];

/// Keywords the runtime check does not implement. A parameter using one fails
/// the build rather than silently losing the constraint.
const UNSUPPORTED: &[&str] = &[
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxLength",
    "maxItems",
    "multipleOf",
];

fn main() {
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for spec in SPECS {
        println!("cargo:rerun-if-changed={}", spec.file);
        if let Err(message) = generate(spec, Path::new(&out_dir)) {
            panic!("{}: {message}", spec.file);
        }
    }
}

fn generate(spec: &Spec, out_dir: &Path) -> Result<(), String> {
    let text = fs::read_to_string(spec.file).map_err(|e| e.to_string())?;
    let mut doc: Value = serde_norway::from_str(&text).map_err(|e| e.to_string())?;

    let operations = collect_operations(&doc)?;
    let lists: BTreeMap<&str, &str> = operations
        .iter()
        .flat_map(|op| &op.params)
        .filter_map(|p| p.list.as_ref())
        .map(|(list, item)| (list.as_str(), item.as_str()))
        .collect();
    strip_parameter_constraints(&mut doc);
    drop_nullable_of_optional_lists(&mut doc);
    let secrets = hide_secret_parameters(&mut doc);

    let api_doc = doc.clone();
    let api: openapiv3::OpenAPI = serde_json::from_value(doc).map_err(|e| e.to_string())?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().map_err(|e| format!("{e}"))?);
    if secrets {
        settings.with_replacement(SECRET_SCHEMA, "crate::secret::Secret", std::iter::empty());
    }
    for (list, item) in &lists {
        settings.with_replacement(
            list,
            format!("crate::wire::CommaList<{}::types::{item}>", spec.module),
            std::iter::empty(),
        );
    }
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&api)
        .map_err(|e| e.to_string())?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    read_null_as_default(&mut file);
    let code = prettyplease::unparse(&file);
    fs::write(out_dir.join(format!("{}.rs", spec.out)), code).map_err(|e| e.to_string())?;

    let rules = render_rules(&operations);
    fs::write(out_dir.join(format!("{}_rules.rs", spec.out)), rules).map_err(|e| e.to_string())?;

    let presets = render_presets(&doc_enums(&api_doc, lists.values().copied()));
    fs::write(out_dir.join(format!("{}_presets.rs", spec.out)), presets)
        .map_err(|e| e.to_string())?;

    match render_problem_kinds(&api_doc) {
        Some(kinds) => fs::write(
            out_dir.join(format!("{}_problem_kinds.rs", spec.out)),
            kinds,
        )
        .map_err(|e| e.to_string()),
        None => Ok(()),
    }
}

/// A request parameter as the rules table needs it.
struct Param {
    name: String,
    location: String,
    required: bool,
    secret: bool,
    /// The parameter's own schema, with a `*List` reference resolved.
    schema: Map<String, Value>,
    /// For an array parameter declared through a named schema: that schema's
    /// name and its item type's name.
    list: Option<(String, String)>,
}

struct Operation {
    id: String,
    path: String,
    params: Vec<Param>,
    /// OAuth 2.0 scopes the operation's security requirement lists.
    scopes: Vec<String>,
}

fn collect_operations(doc: &Value) -> Result<Vec<Operation>, String> {
    let mut operations = Vec::new();
    let paths = doc["paths"].as_object().ok_or("no `paths`")?;
    for (path, item) in paths {
        let item = item.as_object().ok_or("path item is not an object")?;
        for (method, op) in item {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut params = Vec::new();
            for raw in op["parameters"].as_array().into_iter().flatten() {
                let param = resolve(doc, raw)?;
                let name = param["name"].as_str().ok_or("parameter without a name")?;
                let location = param["in"].as_str().ok_or("parameter without `in`")?;
                let list = ref_name(&param["schema"]).and_then(|list| {
                    let items = doc.pointer(&format!("/components/schemas/{list}/items"))?;
                    Some((list, ref_name(items)?))
                });
                let mut schema = resolve(doc, &param["schema"])?
                    .as_object()
                    .cloned()
                    .ok_or_else(|| format!("{id}: `{name}` has no schema object"))?;
                if let Some(items) = schema.get("items") {
                    let items = resolve(doc, items)?.clone();
                    schema.insert("items".into(), items);
                }
                if let Some(keyword) = UNSUPPORTED.iter().find(|k| schema.contains_key(**k)) {
                    return Err(format!(
                        "{id}: `{name}` uses `{keyword}`, which src/validate.rs does not check yet"
                    ));
                }
                if !matches!(location, "path" | "query") {
                    return Err(format!(
                        "{id}: `{name}` is in {location}; only path and query parameters are supported"
                    ));
                }
                let secret = schema.get("format").and_then(Value::as_str) == Some("password");
                params.push(Param {
                    name: name.to_owned(),
                    location: location.to_owned(),
                    required: param["required"].as_bool().unwrap_or(false),
                    secret,
                    schema,
                    list,
                });
            }
            if method != "get" {
                return Err(format!(
                    "{id}: only GET operations are expected, found {method}"
                ));
            }
            let security = op.get("security").or_else(|| doc.get("security"));
            let scopes = security
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .flat_map(|requirement| requirement.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            operations.push(Operation {
                id: id.to_owned(),
                path: path.clone(),
                params,
                scopes,
            });
        }
    }
    Ok(operations)
}

/// Follows a local `$ref` (one level is all the specs use for parameters).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .ok_or_else(|| format!("external $ref `{reference}`"))?;
            doc.pointer(pointer)
                .ok_or_else(|| format!("unresolved $ref `{reference}`"))
        }
        None => Ok(value),
    }
}

/// The last segment of a schema's `$ref`, which is the generated type's name.
fn ref_name(schema: &Value) -> Option<String> {
    let reference = schema.get("$ref")?.as_str()?;
    reference.rsplit('/').next().map(str::to_owned)
}

/// The schema name `format: password` parameters get for generation.
const SECRET_SCHEMA: &str = "XDmSecretParameter";

/// Points every `format: password` parameter at one named schema, which the
/// generator replaces with `crate::secret::Secret`: the generated builders'
/// `Debug` then never shows the value. Returns whether there was any.
fn hide_secret_parameters(doc: &mut Value) -> bool {
    let mut found = false;
    let mut hide = |param: &mut Value| {
        if param.pointer("/schema/format").and_then(Value::as_str) == Some("password") {
            param["schema"] =
                serde_json::json!({ "$ref": format!("#/components/schemas/{SECRET_SCHEMA}") });
            found = true;
        }
    };
    if let Some(shared) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        shared.values_mut().for_each(&mut hide);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    params.iter_mut().for_each(&mut hide);
                }
            }
        }
    }
    if found {
        doc["components"]["schemas"][SECRET_SCHEMA] = serde_json::json!({ "type": "string" });
    }
    found
}

/// Removes value constraints from every parameter schema, inline or shared.
fn strip_parameter_constraints(doc: &mut Value) {
    let strip = |param: &mut Value| {
        if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) {
            for keyword in CONSTRAINTS {
                schema.remove(*keyword);
            }
        }
    };
    if let Some(shared) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        shared.values_mut().for_each(strip);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    params.iter_mut().for_each(strip);
                }
            }
        }
    }
}

/// What the generated types call to read `null` as an empty list or map.
const NULL_AS_DEFAULT: &str = "crate::nulls::or_default";

/// Removes `nullable` from the optional array properties of every component
/// schema.
///
/// Every optional list reads `null` as empty anyway (see
/// [`read_null_as_default`]); left in, `nullable` would only make typify wrap
/// those few lists in an `Option`, unlike every other list.
fn drop_nullable_of_optional_lists(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for schema in schemas.values_mut() {
        let required: Vec<String> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) {
                continue;
            }
            if let Some(property) = property.as_object_mut()
                && property.get("type").and_then(Value::as_str) == Some("array")
            {
                property.remove("nullable");
            }
        }
    }
}

/// Makes every optional list and map of the generated types read `null` as
/// empty, as an absent field is read.
///
/// X sends `null` for optional fields, where its schemas say so and where
/// they do not, and one such value must not fail a whole page. Optional
/// fields of other types are `Option`s, which read `null` as `None` already;
/// lists and maps get typify's plain `#[serde(default)]`, which does not.
fn read_null_as_default(file: &mut syn::File) {
    let attribute: syn::Attribute =
        syn::parse_quote!(#[serde(deserialize_with = #NULL_AS_DEFAULT)]);
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        for item in module.content.iter_mut().flat_map(|(_, items)| items) {
            let syn::Item::Struct(item) = item else {
                continue;
            };
            for field in &mut item.fields {
                if has_plain_default(&field.attrs) {
                    field.attrs.push(attribute.clone());
                }
            }
        }
    }
}

/// Whether a field says `#[serde(default)]` without a function of its own.
fn has_plain_default(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .any(|attr| {
            let mut plain = false;
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                } else if meta.path.is_ident("default") {
                    plain = true;
                }
                Ok(())
            });
            plain && parsed.is_ok()
        })
}

fn render_rules(operations: &[Operation]) -> String {
    let mut out = String::from(
        "// Generated by build.rs from the spec's parameter constraints.\n\
         &[\n",
    );
    for op in operations {
        let _ = writeln!(
            out,
            "    // {}\n    Operation {{ method: {:?}, path: {:?}, scopes: &{:?}, params: &[",
            op.id,
            snake_case(&op.id),
            op.path,
            op.scopes
        );
        for param in &op.params {
            let location = match param.location.as_str() {
                "path" => "Location::Path",
                _ => "Location::Query",
            };
            let _ = writeln!(
                out,
                "        Param {{ name: {:?}, location: {location}, required: {}, secret: {}, rules: &[{}] }},",
                param.name,
                param.required,
                param.secret,
                rules_of(&param.schema).join(", ")
            );
        }
        out.push_str("    ] },\n");
    }
    out.push_str("]\n");
    out
}

/// The name progenitor gives an operation's method, and so `OperationInfo`.
fn snake_case(operation_id: &str) -> String {
    let mut out = String::new();
    for c in operation_id.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn rules_of(schema: &Map<String, Value>) -> Vec<String> {
    let int = |key: &str| schema.get(key).and_then(Value::as_i64);
    let mut rules = Vec::new();
    if int("minimum").is_some() || int("maximum").is_some() {
        rules.push(format!(
            "Rule::Range {{ min: {:?}, max: {:?} }}",
            int("minimum"),
            int("maximum")
        ));
    }
    if let Some(n) = int("minLength") {
        rules.push(format!("Rule::MinLength({n})"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        rules.push(format!("Rule::Pattern({pattern:?})"));
    }
    if let Some(n) = int("minItems") {
        rules.push(format!("Rule::MinItems({n})"));
    }
    let allowed = schema
        .get("items")
        .and_then(|items| items.get("enum"))
        .or_else(|| schema.get("enum"))
        .and_then(Value::as_array);
    if let Some(values) = allowed {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("{v:?}"))
            .collect();
        rules.push(format!("Rule::OneOf(&[{}])", values.join(", ")));
    }
    rules
}

/// The string values of each named enum schema, in spec order.
fn doc_enums<'a>(doc: &Value, names: impl Iterator<Item = &'a str>) -> Vec<(String, Vec<String>)> {
    names
        .map(|name| {
            let values = doc
                .pointer(&format!("/components/schemas/{name}/enum"))
                .and_then(Value::as_array)
                .map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            (name.to_owned(), values)
        })
        .collect()
}

/// `all()` for each enum that a list parameter takes, built from the spec's
/// values so that the preset can never drift from the spec.
fn render_presets(enums: &[(String, Vec<String>)]) -> String {
    let mut out =
        String::from("// Generated by build.rs: the `all()` presets of list parameter enums.\n");
    for (name, values) in enums {
        let _ = write!(
            out,
            "impl types::{name} {{\n\
             \x20   /// Every value the spec lists, in its order.\n\
             \x20   pub const VALUES: &'static [&'static str] = &{values:?};\n\n\
             \x20   /// Every value the spec lists, in its order: the `all()` preset.\n\
             \x20   pub fn all() -> ::std::vec::Vec<Self> {{\n\
             \x20       Self::VALUES.iter().filter_map(|v| v.parse().ok()).collect()\n\
             \x20   }}\n\
             }}\n"
        );
    }
    out
}

/// `ProblemKind`: one variant per problem schema with a fixed `type`, named
/// after the schema, plus `Generic` (`about:blank`) and `Other`. `None` for a
/// spec without problem types.
fn render_problem_kinds(doc: &Value) -> Option<String> {
    let mut kinds: Vec<(String, String, String)> = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(variant) = name.strip_suffix("Problem") else {
                continue;
            };
            let uri = schema
                .pointer("/properties/type/enum/0")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some((_, slug)) = uri.rsplit_once("/problems/") else {
                continue;
            };
            let description = schema["description"]
                .as_str()
                .unwrap_or("")
                .trim()
                .replace('\n', " ");
            kinds.push((variant.to_owned(), slug.to_owned(), description));
        }
    }
    if kinds.is_empty() {
        return None;
    }
    let mut out = String::from(
        "// Generated by build.rs from the spec's problem schemas.\n\
         /// The kind of an RFC 7807 problem, read from its `type` URI under either\n\
         /// host X has used (`api.twitter.com`, `api.x.com`).\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n\
         #[non_exhaustive]\n\
         pub enum ProblemKind {\n",
    );
    for (variant, slug, description) in &kinds {
        let _ = writeln!(out, "    /// `{slug}`: {description}\n    {variant},");
    }
    out.push_str(
        "    /// `about:blank`: nothing beyond what the HTTP status says.\n    Generic,\n\
         \x20   /// A type this crate does not know; the URI is kept on the error.\n    Other,\n}\n\n\
         impl ProblemKind {\n\
         \x20   /// The kind of a problem `type` URI.\n\
         \x20   pub fn from_type_uri(uri: &str) -> Self {\n\
         \x20       if uri == \"about:blank\" {\n            return Self::Generic;\n        }\n\
         \x20       let slug = [\"https://api.twitter.com/2/problems/\", \"https://api.x.com/2/problems/\"]\n\
         \x20           .iter()\n            .find_map(|prefix| uri.strip_prefix(prefix));\n\
         \x20       match slug {\n",
    );
    for (variant, slug, _) in &kinds {
        let _ = writeln!(out, "            Some({slug:?}) => Self::{variant},");
    }
    out.push_str("            _ => Self::Other,\n        }\n    }\n}\n");
    Some(out)
}
