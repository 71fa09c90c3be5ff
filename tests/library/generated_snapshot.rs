//! The generated code, kept in `tests/snapshots/` so that a spec change shows
//! up as a reviewable diff. After an intended change, refresh the snapshots
//! with `EXPECTORATE=overwrite cargo test --test generated_snapshot`.

#[test]
fn x_api_client_matches_its_snapshot() {
    expectorate::assert_contents(
        "tests/snapshots/x_api.rs.snap",
        include_str!(concat!(env!("OUT_DIR"), "/x_api.rs")),
    );
}

#[test]
fn tweetapi_client_matches_its_snapshot() {
    expectorate::assert_contents(
        "tests/snapshots/tweetapi.rs.snap",
        include_str!(concat!(env!("OUT_DIR"), "/tweetapi.rs")),
    );
}

#[test]
fn descriptors_match_their_snapshot() {
    let descriptors = concat!(
        include_str!(concat!(env!("OUT_DIR"), "/x_api_descriptors.rs")),
        include_str!(concat!(env!("OUT_DIR"), "/tweetapi_descriptors.rs")),
    );
    expectorate::assert_contents("tests/snapshots/descriptors.rs.snap", descriptors);
}
