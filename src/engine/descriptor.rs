//! What the spec says an operation is, as the generated descriptors carry it
//! to the request builder, the pre-send check, the transport and the fake.

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
}

/// One constraint from a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `minimum` / `maximum` of an integer.
    Range {
        /// The least value allowed.
        min: Option<i64>,
        /// The greatest value allowed.
        max: Option<i64>,
    },
    /// `minLength` of a string, in characters.
    MinLength(usize),
    /// `maxLength` of a string, in characters.
    MaxLength(usize),
    /// `pattern` of a string (ECMA 262, as JSON Schema says).
    Pattern(&'static str),
    /// `minItems` of an array.
    MinItems(usize),
    /// `maxItems` of an array.
    MaxItems(usize),
    /// `enum` of a value, or of each item of an array.
    OneOf(&'static [&'static str]),
    /// An object that must have at least one of these fields.
    AnyField(&'static [&'static str]),
}

/// A parameter of an operation and its rules.
#[derive(Debug)]
pub struct Param {
    /// The name as the API spells it, such as `dm_event.fields`.
    pub name: &'static str,
    /// Where it travels.
    pub location: Location,
    /// Whether every request must carry it.
    pub required: bool,
    /// Declared `format: password`: its value never appears in an error.
    pub secret: bool,
    /// The client credential that fills it, rather than the caller.
    pub credential: Option<&'static str>,
    /// What its value must satisfy.
    pub rules: &'static [Rule],
    /// Whether the latest documented version no longer has it (`x-legacy`).
    pub legacy: bool,
    /// Values older versions list and the latest no longer does.
    pub legacy_values: &'static [&'static str],
}

impl Param {
    /// Whether the value is a comma-separated list.
    pub fn is_list(&self) -> bool {
        self.rules
            .iter()
            .any(|rule| matches!(rule, Rule::MinItems(_) | Rule::MaxItems(_)))
    }

    /// The values an enumerated parameter (or each item of a list) may take.
    pub fn allowed(&self) -> Option<&'static [&'static str]> {
        self.rules.iter().find_map(|rule| match rule {
            Rule::OneOf(values) => Some(*values),
            _ => None,
        })
    }
}

/// The constraints on one place of a JSON body.
#[derive(Debug)]
pub struct BodyRule {
    /// Where: `text`, `attachments[].media_id`.
    pub path: &'static str,
    /// Whether the place must be present when its parent is.
    pub required: bool,
    /// Declared `format: password`: its value never appears in an error.
    pub secret: bool,
    /// The client credential that fills this (top-level) field, rather than
    /// the caller: whatever the caller put there is replaced, or removed when
    /// the client has no such credential.
    pub credential: Option<&'static str>,
    /// What its value must satisfy.
    pub rules: &'static [Rule],
    /// The latest documented version no longer has it (`x-legacy`): older
    /// servers take it, a strict one refuses it.
    pub legacy: bool,
}

/// A request body.
#[derive(Debug)]
pub struct Body {
    /// Its media type.
    pub content_type: &'static str,
    /// Whether the operation requires one.
    pub required: bool,
    /// The constraints on its fields.
    pub rules: &'static [BodyRule],
}

/// How an operation's pages lead on, declared with `x-pagination`.
#[derive(Debug)]
pub struct Pagination {
    /// The query parameter that takes a page token, or the top-level JSON
    /// body field when [`in_body`](Self::in_body).
    pub token: &'static str,
    /// Whether the token travels in the JSON body.
    pub in_body: bool,
    /// The response field with the next page's token (`meta.next_token`).
    pub next: &'static str,
    /// Further response fields that may hold the next page's token, tried
    /// in order after [`next`](Self::next).
    pub next_also: &'static [&'static str],
    /// Response fields the next request's body carries along with the
    /// token, under the same names.
    pub carry: &'static [&'static str],
    /// Response fields and the text that, found there, marks the last page
    /// (`status` = `AT_END`), whatever token it still carries.
    pub end: &'static [(&'static str, &'static str)],
    /// The response field with the previous page's token.
    pub previous: Option<&'static str>,
    /// The response field that says whether more pages remain.
    pub has_more: Option<&'static str>,
    /// The query parameter that sets the page size.
    pub page_size: Option<&'static str>,
}

/// A fields parameter that returns nothing unless one of some expansions is
/// asked for too: the API would silently leave the objects out.
#[derive(Debug)]
pub struct Requirement {
    /// The fields parameter, such as `user.fields`.
    pub param: &'static str,
    /// The parameter listing expansions.
    pub expansions: &'static str,
    /// The expansions, one of which must be listed.
    pub any_of: &'static [&'static str],
}

/// One operation, as its spec describes it.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`, as the spec spells it.
    pub id: &'static str,
    /// The snake-case name of the generated method, which progenitor's
    /// `OperationInfo` carries.
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/2/dm_events/{event_id}`.
    pub path: &'static str,
    /// The parameters, in the spec's order.
    pub params: &'static [Param],
    /// The body, if it takes one.
    pub body: Option<Body>,
    /// The OAuth 2.0 scopes it needs (none for TweetAPI).
    pub scopes: &'static [&'static str],
    /// Whether it takes an app-only bearer token, not a user's.
    pub app_only: bool,
    /// How its pages lead on.
    pub pagination: Option<Pagination>,
    /// Whether sending it twice has the effect of sending it once. A request
    /// that is not is never retried once it may have reached the server.
    pub idempotent: bool,
    /// The `Accept` header its requests send.
    pub accept: &'static str,
    /// Fields parameters that need an expansion.
    pub requirements: &'static [Requirement],
}

impl Pagination {
    /// Every field that may hold the next page's token, in the order tried.
    pub fn next_fields(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.next).chain(self.next_also.iter().copied())
    }
}

impl Operation {
    /// The parameter of that name.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|param| param.name == name)
    }

    /// The index of the parameter of that name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|param| param.name == name)
    }

    /// The path parameters, in the order the template names them.
    pub fn path_params(&self) -> impl Iterator<Item = &'static Param> + use<> {
        let params = self.params;
        params.iter().filter(|p| p.location == Location::Path)
    }

    /// The HTTP method as `http` spells it.
    pub fn http_method(&self) -> http::Method {
        http::Method::from_bytes(self.method.as_bytes()).unwrap_or(http::Method::GET)
    }
}

/// The operations of one spec.
pub type Operations = &'static [Operation];

/// An operation's marker type, generated from the spec, and what its
/// response becomes.
pub trait Endpoint: 'static {
    /// The facade type of a successful response.
    type Output: super::FromResponse;
    /// What the spec says the operation is.
    fn operation() -> &'static Operation;
}

/// Called with a generated response type, for tools that handle each
/// operation's type without naming it (`cargo xtask validate`).
pub trait TypeVisitor {
    /// What the visit returns.
    type Output;
    /// Visits the type.
    fn visit<T: serde::de::DeserializeOwned + serde::Serialize + 'static>(self) -> Self::Output;
}

/// The operation of `name` (the generated method's) or `id` (the spec's).
pub fn find(operations: Operations, name: &str) -> Option<&'static Operation> {
    operations
        .iter()
        .find(|op| op.name == name || op.id == name)
}
