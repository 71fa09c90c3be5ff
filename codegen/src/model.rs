//! What a spec says each operation is: method and path, parameters and their
//! rules, body and its rules, responses, scopes and pagination.
//!
//! Vendor extensions this crate reads (each documented where it is used):
//! - `x-pagination` on an operation: `token` (the parameter, or the
//!   top-level JSON body field, that takes a page token), `next`, optional
//!   `previous` and `has_more` (dotted paths of the response fields that lead
//!   on; `next` and `previous` may list several, tried in order, for an API
//!   whose answers put the token in more than one place), optional
//!   `page_size`, optional `carry` (response fields whose values the next
//!   request's body takes along with the token), and optional `end` (a
//!   mapping of response fields to the text that marks the last page, such
//!   as `status: AT_END`);
//! - `x-credential` on a JSON body property too: the client fills that field;
//! - `x-facade-setter` on a parameter: the facade setter's name when it is not
//!   the parameter's own (`dm_event.fields` is set with `fields`);
//! - `x-credential` on a parameter: the client fills it from a credential of
//!   that name instead of taking it from the caller;
//! - `x-requires-expansion` on an operation: for a fields parameter, the
//!   expansions one of which must be asked for too;
//! - `x-output` on an operation: the facade type its response becomes, when
//!   it is not the API's page of the `data` items;
//! - `x-idempotent` on an operation: overrides what its method implies;
//! - `x-legacy` on a parameter or a body property (`true`: the latest
//!   documented version no longer has it) or on an enum schema (the values
//!   it no longer lists):
//!   what older servers take and a strict server refuses.
//!
//! JSON Schema's `anyOf` of one-field `required` lists ("at least one of
//! these fields") becomes a body rule, and is left out of the generated
//! types, which could not carry it.

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::rules::{self, Rule};
use crate::spec::{self, Document};

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
}

/// The Rust type a facade setter takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    String,
    /// A whole number of the given width (32 or 64).
    Integer(u8),
    /// `true` or `false`.
    Boolean,
    /// A comma-separated list of the named generated enum.
    List(String),
    /// A comma-separated list of text values.
    StringList,
}

/// One parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// The name as the API spells it: `dm_event.fields`.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether every request must carry it.
    pub required: bool,
    /// `format: password`: its value is never shown.
    pub secret: bool,
    /// The credential that fills it (`x-credential`).
    pub credential: Option<String>,
    /// The facade setter's name.
    pub setter: String,
    /// What the setter takes.
    pub kind: Kind,
    /// The constraints its schema declares.
    pub rules: Vec<Rule>,
    /// For a list declared through a named schema: that schema and its item
    /// type, which the generated client replaces with `CommaList<item>`.
    pub list: Option<(String, String)>,
    /// The spec's description, for the setter's doc comment.
    pub description: String,
    /// Whether the latest documented version no longer has the parameter.
    pub legacy: bool,
    /// The values (of an enum, or of a list's items) that the latest
    /// documented version no longer lists.
    pub legacy_values: Vec<String>,
}

/// A fields parameter that returns nothing without one of some expansions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The fields parameter, such as `user.fields`.
    pub param: String,
    /// The parameter that lists expansions.
    pub expansions: String,
    /// The expansions, one of which must be listed.
    pub any_of: Vec<String>,
}

/// A request body.
#[derive(Clone, Debug)]
pub struct Body {
    /// Its media type: `application/json` or `multipart/form-data`.
    pub content_type: String,
    /// Whether the operation requires one.
    pub required: bool,
    /// The generated type of a JSON body, when it is a named schema.
    pub type_name: Option<String>,
    /// The constraints on its fields, by JSON path.
    pub rules: Vec<BodyRule>,
}

/// The constraints on one place of a body.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyRule {
    /// Where: `text`, `attachments[].media_id`, `participant_ids`.
    pub path: String,
    /// Whether the place must be present when its parent is.
    pub required: bool,
    /// `format: password`: its value is never shown.
    pub secret: bool,
    /// The credential that fills it (`x-credential`), for a top-level field.
    pub credential: Option<String>,
    /// What its value must satisfy.
    pub rules: Vec<Rule>,
    /// `x-legacy: true`: the latest documented version no longer has it.
    pub legacy: bool,
}

/// How an operation's pages lead on, from `x-pagination`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter, or top-level body field, that takes a page token.
    pub token: String,
    /// Whether the token travels in the JSON body rather than the query.
    pub in_body: bool,
    /// The response fields that may hold the next page's token, in the
    /// order they are tried.
    pub next: Vec<String>,
    /// The response field holding the previous page's token.
    pub previous: Option<String>,
    /// Response fields the next request's body carries along with the token.
    pub carry: Vec<String>,
    /// Response fields and the text that, found there, marks the last page.
    pub end: Vec<(String, String)>,
    /// The response field that says whether more pages remain.
    pub has_more: Option<String>,
    /// The query parameter that sets the page size.
    pub page_size: Option<String>,
}

/// What a successful response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Success {
    /// JSON of the named schema.
    Json(String),
    /// Bytes of another media type (a media download), named.
    Bytes(String),
    /// Nothing.
    Empty,
}

/// One operation, as the spec describes it.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `operationId`, as the spec spells it.
    pub id: String,
    /// The snake-case name progenitor gives its method and `OperationInfo`.
    pub name: String,
    /// The upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The parameters, in the spec's order.
    pub params: Vec<Param>,
    /// The body, if it takes one.
    pub body: Option<Body>,
    /// The OAuth 2.0 scopes its security requirement lists.
    pub scopes: Vec<String>,
    /// Whether every security requirement is an HTTP bearer scheme (an
    /// app-only token): a user's token will not do.
    pub app_only: bool,
    /// How its pages lead on.
    pub pagination: Option<Pagination>,
    /// Whether sending it twice has the effect of sending it once.
    pub idempotent: bool,
    /// The fields parameters that need an expansion.
    pub requirements: Vec<Requirement>,
    /// The 2xx response's content.
    pub success: Success,
    /// The schema of the `data` items of the 2xx response, if it has one.
    pub item: Option<String>,
    /// The schema of its error responses.
    pub error: Option<String>,
    /// `x-output`, when set.
    pub output: Option<String>,
    /// The summary, for doc comments.
    pub summary: String,
}

impl Operation {
    /// The operation's marker type name: its id in upper camel case.
    pub fn type_name(&self) -> String {
        let mut chars = self.id.chars();
        chars
            .next()
            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    }
}

/// Every operation of `doc`, in its order.
pub fn operations(doc: &Document) -> Result<Vec<Operation>, String> {
    let mut out = Vec::new();
    for at in doc.operations() {
        let Some(id) = at.id else {
            return Err(format!("{}: operation without an operationId", at.pointer));
        };
        out.push(operation(doc, id, &at).map_err(|e| format!("{id}: {e}"))?);
    }
    Ok(out)
}

fn operation(doc: &Document, id: &str, at: &spec::OperationAt<'_>) -> Result<Operation, String> {
    let op = at.value;
    let mut params = Vec::new();
    for raw in op["parameters"].as_array().into_iter().flatten() {
        params.push(param(doc, raw)?);
    }
    let body = match op.get("requestBody") {
        Some(raw) => Some(body(doc, doc.resolve(raw)?)?),
        None => None,
    };
    if let Some(body) = &body {
        let json = body.content_type.starts_with("application/json");
        let multipart = body.content_type.starts_with("multipart/form-data");
        if (json && body.type_name.is_none()) || !(json || multipart) {
            return Err(format!(
                "a {} body{} cannot be sent: bodies are JSON of a named schema, or multipart",
                body.content_type,
                if json { " of an unnamed schema" } else { "" }
            ));
        }
    }
    for segment in at.path.split('/') {
        let braced = segment.contains('{') || segment.contains('}');
        let whole = segment.starts_with('{') && segment.ends_with('}');
        if braced && !whole {
            return Err(format!(
                "the path segment `{segment}` mixes a parameter with text, which the client does not build yet"
            ));
        }
        let named = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        if let Some(name) = named
            && !params
                .iter()
                .any(|p| p.name == name && p.location == Location::Path)
        {
            return Err(format!(
                "the path names `{{{name}}}`, which is no path parameter"
            ));
        }
    }
    let security = op.get("security").or_else(|| doc.doc.get("security"));
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
    let app_only = security
        .and_then(Value::as_array)
        .filter(|requirements| !requirements.is_empty())
        .is_some_and(|requirements| {
            requirements.iter().all(|requirement| {
                requirement.as_object().is_some_and(|schemes| {
                    !schemes.is_empty() && schemes.keys().all(|name| is_http_bearer(doc, name))
                })
            })
        });
    let body_fields = match op.get("requestBody") {
        Some(raw) => body_fields(doc, doc.resolve(raw)?)?,
        None => Vec::new(),
    };
    let pagination = op
        .get("x-pagination")
        .map(|raw| pagination(raw, &params, &body_fields))
        .transpose()?;
    let method = at.method.to_ascii_uppercase();
    let idempotent = op
        .get("x-idempotent")
        .and_then(Value::as_bool)
        .unwrap_or(matches!(at.method, "get" | "head" | "options" | "put"));
    let requirements = requirements(op, &params)?;
    let (success, item) = success(doc, op)?;
    Ok(Operation {
        id: id.to_owned(),
        name: id.to_snake_case(),
        method,
        path: at.path.to_owned(),
        params,
        body,
        scopes,
        app_only,
        pagination,
        idempotent,
        requirements,
        success,
        item,
        error: error_schema(doc, op)?,
        output: op
            .get("x-output")
            .and_then(Value::as_str)
            .map(str::to_owned),
        summary: op["summary"].as_str().unwrap_or_default().trim().to_owned(),
    })
}

impl Operation {
    /// The `Accept` header its requests send: what a success carries, and
    /// JSON, in which errors come.
    pub fn accept(&self) -> String {
        match &self.success {
            Success::Bytes(media_type) if media_type != "application/json" => {
                format!("{media_type}, application/json")
            }
            _ => "application/json".to_owned(),
        }
    }
}

fn param(doc: &Document, raw: &Value) -> Result<Param, String> {
    let param = doc.resolve(raw)?;
    let name = param["name"].as_str().ok_or("a parameter without a name")?;
    let location = match param["in"].as_str() {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        // Header parameters would need sending in the engine's transport;
        // refused here until then, so that none is silently dropped.
        Some("header") => {
            return Err(format!(
                "`{name}` is a header parameter, which the client does not send yet"
            ));
        }
        other => return Err(format!("`{name}` is in {other:?}, which is not supported")),
    };
    let list = spec::ref_name(&param["schema"]).and_then(|list| {
        let items = doc.schema(list)?.get("items")?;
        Some((list.to_owned(), spec::ref_name(items)?.to_owned()))
    });
    let schema = inline(doc, &param["schema"])?;
    let kind = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => Kind::Integer(
            if schema.get("format").and_then(Value::as_str) == Some("int32") {
                32
            } else {
                64
            },
        ),
        Some("boolean") => Kind::Boolean,
        Some("array") => match &list {
            Some((_, item)) => Kind::List(item.clone()),
            None => Kind::StringList,
        },
        _ => Kind::String,
    };
    let mut rules = rules::of(&schema).map_err(|e| format!("`{name}`: {e}"))?;
    // A list goes out as one comma-separated value; its items' pattern is
    // checked item by item.
    if let Some(pattern) = schema
        .get("items")
        .and_then(|items| items.get("pattern"))
        .and_then(Value::as_str)
    {
        rules.push(Rule::Pattern(pattern.to_owned()));
    }
    let legacy_values = schema
        .get("items")
        .and_then(|items| items.get("x-legacy"))
        .or_else(|| schema.get("x-legacy"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let setter = param
        .get("x-facade-setter")
        .and_then(Value::as_str)
        .map_or_else(|| setter_name(name), str::to_owned);
    Ok(Param {
        name: name.to_owned(),
        location,
        required: param["required"].as_bool().unwrap_or(false),
        secret: schema.get("format").and_then(Value::as_str) == Some("password"),
        credential: param
            .get("x-credential")
            .and_then(Value::as_str)
            .map(str::to_owned),
        setter,
        kind,
        rules,
        list,
        description: param["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        legacy: param
            .get("x-legacy")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        legacy_values,
    })
}

/// A schema with its own `$ref` and its items' `$ref` resolved, so that
/// the rules of a named list schema and of its enum items are at hand.
fn inline(doc: &Document, schema: &Value) -> Result<Map<String, Value>, String> {
    let mut schema = doc
        .resolve(schema)?
        .as_object()
        .cloned()
        .ok_or("a schema that is not an object")?;
    if let Some(items) = schema.get("items") {
        let items = doc.resolve(items)?.clone();
        schema.insert("items".into(), items);
    }
    Ok(schema)
}

/// `dm_event.fields` → `dm_event_fields`.
fn setter_name(name: &str) -> String {
    name.replace(['.', '-'], "_").to_snake_case()
}

fn body(doc: &Document, raw: &Value) -> Result<Body, String> {
    let content = raw["content"]
        .as_object()
        .ok_or("a request body without content")?;
    let (content_type, media) = content
        .iter()
        .next()
        .ok_or("a request body without a media type")?;
    let schema = media.get("schema").cloned().unwrap_or(Value::Null);
    // A form's fields are checked as the JSON object of its parts.
    let rules = if content_type.starts_with("application/json")
        || content_type.starts_with("multipart/form-data")
    {
        rules::of_body(doc, &schema)?
    } else {
        Vec::new()
    };
    Ok(Body {
        content_type: content_type.clone(),
        required: raw["required"].as_bool().unwrap_or(false),
        type_name: spec::ref_name(&schema).map(str::to_owned),
        rules,
    })
}

/// The top-level properties of a JSON body's schema.
/// Whether the security scheme `name` is `type: http, scheme: bearer`.
fn is_http_bearer(doc: &Document, name: &str) -> bool {
    let scheme = &doc.doc["components"]["securitySchemes"][name];
    scheme["type"] == "http"
        && scheme["scheme"]
            .as_str()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"))
}

fn body_fields(doc: &Document, raw: &Value) -> Result<Vec<String>, String> {
    let Some(schema) = raw
        .pointer("/content/application~1json/schema")
        .map(|schema| doc.resolve(schema))
        .transpose()?
    else {
        return Ok(Vec::new());
    };
    Ok(schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default())
}

/// A field of `x-pagination` that names one response field or a list of them.
fn paths(raw: &Value, key: &str) -> Result<Vec<String>, String> {
    match raw.get(key) {
        None => Ok(Vec::new()),
        Some(Value::String(one)) => Ok(vec![one.clone()]),
        Some(Value::Array(many)) => many
            .iter()
            .map(|path| {
                path.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`x-pagination.{key}` lists something not a string"))
            })
            .collect(),
        Some(_) => Err(format!(
            "`x-pagination.{key}` is neither a field nor a list of fields"
        )),
    }
}

fn pagination(raw: &Value, params: &[Param], body: &[String]) -> Result<Pagination, String> {
    let field = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
    let token = field("token").ok_or("`x-pagination` names no `token` parameter")?;
    let known = |name: &str| params.iter().any(|p| p.name == name);
    let in_body = !known(&token) && body.contains(&token);
    if !known(&token) && !in_body {
        return Err(format!(
            "`x-pagination` names `{token}`, which is not a parameter"
        ));
    }
    let page_size = field("page_size");
    if let Some(size) = &page_size
        && !known(size)
        && !body.contains(size)
    {
        return Err(format!(
            "`x-pagination` names `{size}`, which is not a parameter"
        ));
    }
    let next = paths(raw, "next")?;
    if next.is_empty() {
        return Err("`x-pagination` names no `next` field".to_owned());
    }
    let carry = paths(raw, "carry")?;
    if let Some(missing) = carry.iter().find(|name| !body.contains(name)) {
        return Err(format!(
            "`x-pagination.carry` names `{missing}`, which is not a body field"
        ));
    }
    let end = match raw.get("end") {
        None => Vec::new(),
        Some(Value::Object(marks)) => marks
            .iter()
            .map(|(field, value)| match value.as_str() {
                Some(value) => Ok((field.clone(), value.to_owned())),
                None => Err(format!("`x-pagination.end.{field}` is not a string")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`x-pagination.end` is not a mapping".to_owned()),
    };
    Ok(Pagination {
        token,
        in_body,
        end,
        next,
        previous: field("previous"),
        carry,
        has_more: field("has_more"),
        page_size,
    })
}

fn requirements(op: &Value, params: &[Param]) -> Result<Vec<Requirement>, String> {
    let Some(raw) = op.get("x-requires-expansion") else {
        return Ok(Vec::new());
    };
    let raw = raw
        .as_object()
        .ok_or("`x-requires-expansion` is not a mapping")?;
    let expansions = raw
        .get("parameter")
        .and_then(Value::as_str)
        .unwrap_or("expansions")
        .to_owned();
    let mut out = Vec::new();
    for (param, any_of) in raw.iter().filter(|(key, _)| *key != "parameter") {
        if !params.iter().any(|p| &p.name == param) {
            return Err(format!(
                "`x-requires-expansion` names `{param}`, which is not a parameter"
            ));
        }
        let any_of = any_of
            .as_array()
            .ok_or("`x-requires-expansion` values are lists")?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        out.push(Requirement {
            param: param.clone(),
            expansions: expansions.clone(),
            any_of,
        });
    }
    Ok(out)
}

/// The 2xx response's content, and the schema of its `data` items.
fn success(doc: &Document, op: &Value) -> Result<(Success, Option<String>), String> {
    let responses = op["responses"].as_object().ok_or("no responses")?;
    let Some((_, response)) = responses.iter().find(|(status, _)| status.starts_with('2')) else {
        return Err("no 2xx response".to_owned());
    };
    let response = doc.resolve(response)?;
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok((Success::Empty, None));
    };
    let json = content
        .iter()
        .find(|(media_type, _)| media_type.starts_with("application/json"));
    let Some((_, media)) = json else {
        let media_type = content.keys().next().cloned().unwrap_or_default();
        return Ok((Success::Bytes(media_type), None));
    };
    let name = spec::ref_name(&media["schema"])
        .ok_or("the 2xx JSON schema is not a named component")?
        .to_owned();
    let schema = doc.resolve(&media["schema"])?;
    let item = schema
        .pointer("/properties/data")
        .map(|data| data_item(doc, data))
        .transpose()?
        .flatten();
    Ok((Success::Json(name), item))
}

/// The item schema of `data`: a list's items, an object, or the object of a
/// one-of that allows an object or a list of them.
fn data_item(doc: &Document, data: &Value) -> Result<Option<String>, String> {
    if let Some(name) = spec::ref_name(data) {
        let target = doc.resolve(data)?;
        if target.get("oneOf").is_none() && target.get("items").is_none() {
            return Ok(Some(name.to_owned()));
        }
        return data_item(doc, target);
    }
    if let Some(items) = data.get("items") {
        return Ok(spec::ref_name(items).map(str::to_owned));
    }
    if let Some(shapes) = data.get("oneOf").and_then(Value::as_array) {
        for shape in shapes {
            if let Some(found) = data_item(doc, shape)? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

fn error_schema(doc: &Document, op: &Value) -> Result<Option<String>, String> {
    let responses = op["responses"].as_object().ok_or("no responses")?;
    for (status, response) in responses {
        if status.starts_with('2') {
            continue;
        }
        let response = doc.resolve(response)?;
        let schema = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.values().next())
            .and_then(|media| spec::ref_name(&media["schema"]));
        if let Some(name) = schema {
            return Ok(Some(name.to_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
security:
  - OAuth2UserToken: [dm.read]
paths:
  /2/things/{id}/items:
    get:
      operationId: getThingItems
      summary: Items of a thing.
      x-pagination: { token: pagination_token, next: meta.next_token, page_size: max_results }
      x-requires-expansion: { user.fields: [sender_id] }
      parameters:
        - { name: id, in: path, required: true, schema: { type: string, pattern: "^[0-9]+$" } }
        - { name: max_results, in: query, schema: { type: integer, format: int32, minimum: 1, maximum: 100 } }
        - { name: pagination_token, in: query, schema: { type: string, minLength: 16 } }
        - { name: item.fields, in: query, x-facade-setter: fields, style: form, explode: false, schema: { $ref: "#/components/schemas/FieldList" } }
        - { name: user.fields, in: query, x-legacy: true, schema: { $ref: "#/components/schemas/FieldList" } }
        - { name: expansions, in: query, schema: { $ref: "#/components/schemas/FieldList" } }
        - { name: authToken, in: query, required: true, x-credential: auth_token, schema: { type: string, format: password } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ItemsResponse" }
        "4XX":
          description: bad
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ErrorResponse" }
  /2/things/{id}:
    delete:
      operationId: deleteThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "204": { description: gone }
    post:
      operationId: createThing
      security: [{ OAuth2UserToken: [dm.write] }]
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/NewThing" }
      responses:
        "201":
          description: made
          content:
            application/json:
              schema: { $ref: "#/components/schemas/OneResponse" }
  /2/media/{key}:
    get:
      operationId: downloadMedia
      security: [{ AppToken: [] }]
      parameters:
        - { name: key, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: bytes
          content:
            image/jpeg: { schema: { type: string, format: binary } }
components:
  securitySchemes:
    AppToken: { type: http, scheme: bearer }
    OAuth2UserToken: { type: oauth2, flows: {} }
  schemas:
    Field: { type: string, enum: [a, b], x-legacy: [b] }
    FieldList: { type: array, minItems: 1, items: { $ref: "#/components/schemas/Field" } }
    Item: { type: object, properties: { id: { type: string } } }
    ItemsResponse:
      type: object
      properties:
        data: { type: array, items: { $ref: "#/components/schemas/Item" } }
    OneResponse:
      type: object
      properties:
        data: { $ref: "#/components/schemas/Choice" }
    Choice:
      oneOf:
        - { $ref: "#/components/schemas/Item" }
        - { type: array, items: { $ref: "#/components/schemas/Item" } }
    NewThing:
      type: object
      required: [text]
      properties:
        text: { type: string, maxLength: 10 }
    ErrorResponse: { type: object }
"##;

    fn ops() -> Vec<Operation> {
        let mut ops = operations(&Document::from_yaml(SPEC).unwrap()).unwrap();
        // serde_json's maps are sorted: paths come in key order, so put the
        // operations in the order the tests name them.
        let order = [
            "getThingItems",
            "deleteThing",
            "createThing",
            "downloadMedia",
        ];
        ops.sort_by_key(|op| order.iter().position(|id| *id == op.id));
        ops
    }

    #[test]
    fn parameters_keep_their_names_rules_and_kinds() {
        let ops = ops();
        let op = &ops[0];
        assert_eq!(op.name, "get_thing_items");
        assert_eq!(op.type_name(), "GetThingItems");
        assert_eq!(op.method, "GET");
        assert_eq!(op.scopes, ["dm.read"]);
        assert!(!op.app_only, "a user's token will do");
        assert!(ops[3].app_only, "only an HTTP bearer scheme is listed");
        let names: Vec<_> = op.params.iter().map(|p| p.setter.as_str()).collect();
        assert_eq!(
            names,
            [
                "id",
                "max_results",
                "pagination_token",
                "fields",
                "user_fields",
                "expansions",
                "auth_token"
            ]
        );
        assert_eq!(op.params[1].kind, Kind::Integer(32));
        assert_eq!(
            op.params[1].rules,
            [Rule::Range {
                min: Some(1),
                max: Some(100)
            }]
        );
        assert_eq!(op.params[3].kind, Kind::List("Field".into()));
        assert_eq!(
            op.params[3].list,
            Some(("FieldList".into(), "Field".into()))
        );
        assert_eq!(op.params[3].legacy_values, ["b"]);
        assert!(!op.params[3].legacy && op.params[4].legacy);
        assert!(op.params[6].secret);
        assert_eq!(op.params[6].credential.as_deref(), Some("auth_token"));
        assert!(op.idempotent);
        assert_eq!(op.item.as_deref(), Some("Item"));
        assert_eq!(op.error.as_deref(), Some("ErrorResponse"));
        assert_eq!(op.success, Success::Json("ItemsResponse".into()));
    }

    #[test]
    fn pagination_and_requirements_are_read_from_extensions() {
        let ops = ops();
        let pagination = ops[0].pagination.as_ref().unwrap();
        assert_eq!(pagination.token, "pagination_token");
        assert_eq!(pagination.next, ["meta.next_token"]);
        assert!(!pagination.in_body && pagination.carry.is_empty());
        assert_eq!(pagination.page_size.as_deref(), Some("max_results"));
        assert_eq!(
            ops[0].requirements,
            [Requirement {
                param: "user.fields".into(),
                expansions: "expansions".into(),
                any_of: vec!["sender_id".into()],
            }]
        );
    }

    #[test]
    fn writes_bodies_and_downloads_are_described() {
        let ops = ops();
        let delete = &ops[1];
        assert_eq!(
            (delete.method.as_str(), delete.idempotent),
            ("DELETE", false)
        );
        assert_eq!(delete.success, Success::Empty);
        let create = &ops[2];
        assert_eq!(create.scopes, ["dm.write"]);
        assert!(!create.idempotent);
        let body = create.body.as_ref().unwrap();
        assert_eq!(body.type_name.as_deref(), Some("NewThing"));
        assert!(body.required);
        assert_eq!(body.rules[0].path, "text");
        assert!(body.rules[0].required);
        assert_eq!(body.rules[0].rules, [Rule::MaxLength(10)]);
        assert_eq!(create.item.as_deref(), Some("Item"), "through the one-of");
        assert_eq!(ops[3].success, Success::Bytes("image/jpeg".into()));
        assert_eq!(ops[3].accept(), "image/jpeg, application/json");
        assert_eq!(create.accept(), "application/json");
    }

    #[test]
    fn what_the_client_cannot_send_is_refused_at_generation() {
        let header = SPEC.replace(
            "- { name: id, in: path, required: true, schema: { type: string, pattern: \"^[0-9]+$\" } }",
            "- { name: id, in: path, required: true, schema: { type: string, pattern: \"^[0-9]+$\" } }\n        - { name: X-Trace, in: header, schema: { type: string } }",
        );
        let error = operations(&Document::from_yaml(&header).unwrap()).unwrap_err();
        assert!(error.contains("header parameter"), "{error}");
        let mixed = SPEC.replace("/2/media/{key}:", "/2/media/{key}.jpg:");
        let error = operations(&Document::from_yaml(&mixed).unwrap()).unwrap_err();
        assert!(error.contains("mixes a parameter"), "{error}");
        let unnamed = SPEC.replace("/2/media/{key}:", "/2/media/{name}:");
        let error = operations(&Document::from_yaml(&unnamed).unwrap()).unwrap_err();
        assert!(
            error.contains("`{name}`, which is no path parameter"),
            "{error}"
        );
        let inline = SPEC.replace(
            "schema: { $ref: \"#/components/schemas/NewThing\" }",
            "schema: { type: object }",
        );
        let error = operations(&Document::from_yaml(&inline).unwrap()).unwrap_err();
        assert!(error.contains("unnamed schema"), "{error}");
    }

    const BODY_PAGED: &str = r##"
openapi: 3.0.3
paths:
  /v1/history:
    post:
      operationId: postHistory
      x-pagination:
        token: cursor
        next: [nextCursor, pagination.nextCursor, data.nextCursor]
        carry: [snapshot]
        end: { status: AT_END }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/HistoryRequest" }
      responses:
        "200": { description: ok }
components:
  schemas:
    HistoryRequest:
      type: object
      required: [authToken]
      properties:
        authToken: { type: string, format: password, x-credential: auth_token }
        cursor: { type: string }
        snapshot: { type: string }
"##;

    #[test]
    fn a_page_token_may_travel_in_the_body_and_be_read_from_several_fields() {
        let ops = operations(&Document::from_yaml(BODY_PAGED).unwrap()).unwrap();
        let pagination = ops[0].pagination.as_ref().unwrap();
        assert!(pagination.in_body);
        assert_eq!(
            pagination.next,
            ["nextCursor", "pagination.nextCursor", "data.nextCursor"]
        );
        assert_eq!(pagination.carry, ["snapshot"]);
        assert_eq!(pagination.end, [("status".to_owned(), "AT_END".to_owned())]);
        let bad = BODY_PAGED.replace("end: { status: AT_END }", "end: { status: 1 }");
        let error = operations(&Document::from_yaml(&bad).unwrap()).unwrap_err();
        assert!(error.contains("`x-pagination.end.status`"), "{error}");
        let rules = &ops[0].body.as_ref().unwrap().rules;
        let token = rules.iter().find(|r| r.path == "authToken").unwrap();
        assert!(token.secret && token.required);
        assert_eq!(token.credential.as_deref(), Some("auth_token"));

        let stray = BODY_PAGED.replace("carry: [snapshot]", "carry: [graph]");
        let error = operations(&Document::from_yaml(&stray).unwrap()).unwrap_err();
        assert!(
            error.contains("`graph`, which is not a body field"),
            "{error}"
        );
        let nowhere = BODY_PAGED.replace("token: cursor", "token: page");
        let error = operations(&Document::from_yaml(&nowhere).unwrap()).unwrap_err();
        assert!(error.contains("`page`"), "{error}");
        let empty = BODY_PAGED.replace(
            "next: [nextCursor, pagination.nextCursor, data.nextCursor]",
            "next: []",
        );
        let error = operations(&Document::from_yaml(&empty).unwrap()).unwrap_err();
        assert!(error.contains("no `next`"), "{error}");
    }

    #[test]
    fn a_pagination_token_that_is_not_a_parameter_is_an_error() {
        let spec = SPEC.replace("token: pagination_token", "token: page_token");
        let error = operations(&Document::from_yaml(&spec).unwrap()).unwrap_err();
        assert!(error.contains("`page_token`"), "{error}");
    }
}
