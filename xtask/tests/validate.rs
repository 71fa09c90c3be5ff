//! Runs the real `xtask validate` binary against small throwaway workspaces,
//! so each check is proven to fire (and to stay quiet) end to end.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: test, version: "1"}
paths:
  /conversations/{id}:
    get:
      operationId: getConversation
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ConversationResponse'}
        4XX:
          description: client error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
        default:
          $ref: '#/components/responses/Other'
components:
  responses:
    Other:
      description: anything else
      content:
        application/json:
          schema:
            type: object
            required: [message]
            properties:
              message: {type: string}
  schemas:
    ConversationResponse:
      type: object
      required: [data]
      properties:
        data:
          type: array
          items: {$ref: '#/components/schemas/Conversation'}
    Conversation:
      type: object
      required: [id, is_muted]
      example: {id: "1", is_muted: "not checked"}
      properties:
        id: {type: string, x-rust-name: conversation_id}
        is_muted: {type: boolean}
        topic: {type: string, nullable: true}
        name: {type: string}
        last_event:
          allOf: [{$ref: '#/components/schemas/Event'}]
          nullable: true
    Event:
      type: object
      discriminator: {propertyName: kind}
      properties:
        kind: {$ref: '#/components/schemas/EventKind'}
    EventKind:
      type: string
      enum: [MessageCreate, ParticipantsJoin]
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
    Problem:
      type: object
      required: [title]
      properties:
        title: {type: string}
"##;

const VALID_200: &str = r#"{"data": [
  {"id": "1", "is_muted": false, "topic": null, "last_event": null},
  {"id": "2", "is_muted": true, "last_event": {"kind": "MessageCreate"}}
]}"#;

const OP_DIR: &str = "tests/fixtures/getConversation";

/// A temporary workspace root, removed again when the test ends.
struct Workspace {
    root: PathBuf,
}

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Workspace {
    /// A workspace that passes: the spec above plus one valid fixture.
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "xtask-validate-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        let workspace = Self { root };
        workspace
            .write("openapi/x-api.yaml", SPEC)
            .write(&format!("{OP_DIR}/200-seed.json"), VALID_200);
        workspace
    }

    fn write(&self, rel: &str, contents: &str) -> &Self {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    fn run(&self) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("validate")
            .arg("--root")
            .arg(&self.root)
            .output()
            .unwrap();
        Run {
            success: output.status.success(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Runs, expects failure, and returns the failure lines (without the
    /// trailing count).
    fn failures(&self) -> Vec<String> {
        let run = self.run();
        assert!(!run.success, "expected failure, got: {}", run.stdout);
        let lines: Vec<String> = run.stderr.lines().map(str::to_owned).collect();
        let (summary, failures) = lines.split_last().unwrap();
        assert_eq!(summary, &format!("validate: {} failure(s)", failures.len()));
        failures.to_vec()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

#[test]
fn clean_workspace_passes() {
    let ws = Workspace::new();
    ws.write(
        &format!("{OP_DIR}/404-missing.json"),
        r#"{"title": "Not Found"}"#,
    )
    .write(&format!("{OP_DIR}/503-down.json"), r#"{"message": "down"}"#)
    .write(
        &format!("{OP_DIR}/invalid/200-muted-string.json"),
        r#"{"data": [{"id": "1", "is_muted": "yes"}]}"#,
    );
    let run = ws.run();
    assert!(run.success, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        "validate: ok: 1 spec(s), 1 operation(s), 3 fixture(s) valid (0 decoded and round-tripped), 1 negative fixture(s) rejected"
    );
}

#[test]
fn wrong_type_deep_in_a_ref_chain_names_the_instance_pointer() {
    let ws = Workspace::new();
    ws.write(
        &format!("{OP_DIR}/200-seed.json"),
        r#"{"data": [{"id": "1", "is_muted": false}, {"id": "2", "is_muted": "yes"}]}"#,
    );
    assert_eq!(
        ws.failures(),
        [
            r#"tests/fixtures/getConversation/200-seed.json: /data/1/is_muted: "yes" is not of type "boolean""#
        ]
    );
}

#[test]
fn nullable_is_honoured_and_only_where_declared() {
    let ws = Workspace::new();
    // `topic` and `last_event` (allOf + $ref) are nullable; `name` is not.
    ws.write(
        &format!("{OP_DIR}/200-seed.json"),
        r#"{"data": [{"id": "1", "is_muted": false, "topic": null, "last_event": null, "name": null}]}"#,
    );
    assert_eq!(
        ws.failures(),
        [
            "tests/fixtures/getConversation/200-seed.json: /data/0/name: null is not of type \"string\""
        ]
    );
}

#[test]
fn nullable_ref_still_reports_the_inner_pointer() {
    let ws = Workspace::new();
    ws.write(
        &format!("{OP_DIR}/200-seed.json"),
        r#"{"data": [{"id": "1", "is_muted": false, "last_event": {"kind": "Typo"}}]}"#,
    );
    let failures = ws.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].starts_with(
            "tests/fixtures/getConversation/200-seed.json: /data/0/last_event/kind: \"Typo\""
        ),
        "{failures:?}"
    );
}

#[test]
fn negative_fixture_that_passes_is_a_failure() {
    let ws = Workspace::new();
    ws.write(&format!("{OP_DIR}/invalid/200-not-really.json"), VALID_200);
    assert_eq!(
        ws.failures(),
        [
            "tests/fixtures/getConversation/invalid/200-not-really.json: negative fixture passes validation against response 200 (application/json); it must fail"
        ]
    );
}

#[test]
fn duplicate_enum_value_is_reported_with_its_spec_pointer() {
    let ws = Workspace::new();
    ws.write(
        "openapi/x-api.yaml",
        &SPEC.replace(
            "[MessageCreate, ParticipantsJoin]",
            "[MessageCreate, ParticipantsJoin, MessageCreate]",
        ),
    );
    assert_eq!(
        ws.failures(),
        [
            r#"openapi/x-api.yaml: /components/schemas/EventKind/enum: value "MessageCreate" repeats (indexes 0 and 2)"#
        ]
    );
}

#[test]
fn unresolved_and_external_refs_are_reported() {
    let ws = Workspace::new();
    ws.write(
        "openapi/x-api.yaml",
        &SPEC
            .replace(
                "'#/components/schemas/EventKind'",
                "'#/components/schemas/Nope'",
            )
            .replace("'#/components/schemas/Problem'", "'other.yaml#/Problem'"),
    );
    assert_eq!(
        ws.failures(),
        [
            "openapi/x-api.yaml: /components/schemas/Event/properties/kind/$ref: $ref \"#/components/schemas/Nope\" does not resolve",
            "openapi/x-api.yaml: /paths/~1conversations~1{id}/get/responses/4XX/content/application~1problem+json/schema/$ref: $ref \"other.yaml#/Problem\" is not a local JSON-pointer ref (\"#/...\"); external refs are not supported",
            // The fixture cannot be judged against a broken schema; said once, against the spec.
            "openapi/x-api.yaml: /paths/~1conversations~1{id}/get/responses/200/content/application~1json/schema: cannot compile as JSON Schema: Pointer '/components/schemas/Nope' does not exist",
        ]
    );
}

#[test]
fn duplicate_operation_id_across_specs_is_reported() {
    let ws = Workspace::new();
    ws.write(
        "openapi/tweetapi.yaml",
        r#"
openapi: 3.0.3
info: {title: other, version: "1"}
paths:
  /dm:
    post:
      operationId: getConversation
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {type: object}
"#,
    );
    assert_eq!(
        ws.failures(),
        [
            "openapi/x-api.yaml: /paths/~1conversations~1{id}/get/operationId: operationId \"getConversation\" is already used by openapi/tweetapi.yaml: /paths/~1dm/post"
        ]
    );
}

#[test]
fn operation_without_fixtures_and_unknown_fixture_dir_are_reported() {
    let ws = Workspace::new();
    let extra_op = r#"
  /dm_events:
    get:
      operationId: getDmEvents
      responses:
        200: {description: ok}
components:"#;
    ws.write(
        "openapi/x-api.yaml",
        &SPEC.replacen("\ncomponents:", extra_op, 1),
    )
    .write("tests/fixtures/getDmEvnts/200-typo.json", "{}")
    // Only negative fixtures do not count as coverage.
    .write("tests/fixtures/getDmEvents/invalid/200-x.json", "{}");
    let failures = ws.failures();
    assert!(
        failures.contains(&"openapi/x-api.yaml: /paths/~1dm_events/get: operation \"getDmEvents\" has no positive fixture (expected tests/fixtures/getDmEvents/<status>-<name>.json)".to_owned()),
        "{failures:#?}"
    );
    assert!(
        failures.contains(
            &"tests/fixtures/getDmEvnts: no operation has operationId \"getDmEvnts\"".to_owned()
        ),
        "{failures:#?}"
    );
}

#[test]
fn range_and_default_responses_are_used_for_lookup() {
    let ws = Workspace::new();
    // 404 → 4XX, which has two media types; a body matching neither reports both.
    ws.write(&format!("{OP_DIR}/404-missing.json"), r#"{"detail": "x"}"#)
        // 503 → default, reached through a response $ref.
        .write(&format!("{OP_DIR}/503-down.json"), r#"{"message": 1}"#);
    assert_eq!(
        ws.failures(),
        [
            r#"tests/fixtures/getConversation/404-missing.json: (root): "message" is a required property [application/json]"#,
            r#"tests/fixtures/getConversation/404-missing.json: (root): "title" is a required property [application/problem+json]"#,
            r#"tests/fixtures/getConversation/503-down.json: /message: 1 is not of type "string""#,
        ]
    );
}

#[test]
fn status_without_a_response_is_reported() {
    let ws = Workspace::new();
    ws.write(
        "openapi/x-api.yaml",
        &SPEC.replace(
            "        default:\n          $ref: '#/components/responses/Other'\n",
            "",
        ),
    )
    .write(&format!("{OP_DIR}/503-down.json"), r#"{"message": "down"}"#)
    .write(&format!("{OP_DIR}/note.txt"), "");
    assert_eq!(
        ws.failures(),
        [
            "tests/fixtures/getConversation/note.txt: fixture name must be <status>-<name>.json with a 3-digit HTTP status (e.g. 200-seed.json)",
            "tests/fixtures/getConversation/503-down.json: no response for status 503 in openapi/x-api.yaml /paths/~1conversations~1{id}/get (looked for \"503\", \"5XX\", \"default\")",
        ]
    );
}
