//! DM media up and down against the fake: a file checked, uploaded in
//! chunks, attached to a message, and the same bytes downloaded again
//! through the v2 endpoint from the parts of the media's `url`.

use crate::common;

use std::sync::{Arc, Mutex};

use common::fault_server::{FaultServer, Step, quick_client};
use futures::TryStreamExt;
use x_dm::testing::{DEMO_CONVERSATION, FakeX};
use x_dm::x::types::{CreateMessageRequest, DmEventExpansion, MediaField, MessageAttachment};
use x_dm::x::{DmMediaUrl, UploadProgress};
use x_dm::{Client, Error};

fn png(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..size - 8).map(|i| (i * 7 % 251) as u8));
    bytes
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-media-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The media of the newest event of the demo conversation, by `url`.
async fn newest_media_url(client: &Client) -> DmMediaUrl {
    let event = client
        .dm_events(DEMO_CONVERSATION)
        .expansions([DmEventExpansion::AttachmentsMediaKeys])
        .media_fields([MediaField::Url, MediaField::Type])
        .max_results(1)
        .items()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let media = event.attached_media().next().flatten().expect("joined");
    DmMediaUrl::of(media).expect("a DM media URL")
}

#[tokio::test]
async fn an_uploaded_file_is_sent_and_downloaded_again_byte_for_byte() {
    let fake = FakeX::start().await.unwrap();
    let client = quick_client(&fake.base_url());
    let dir = temp_dir("round-trip");
    let source = dir.join("photo.png");
    let bytes = png(2_500);
    std::fs::write(&source, &bytes).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = Arc::clone(&seen);
    let before = fake.requests();

    let media = client
        .upload_media(&source)
        .chunk_size(1_000)
        .on_progress(move |step| progress.lock().unwrap().push(step))
        .send()
        .await
        .unwrap();

    assert_eq!(
        fake.requests() - before,
        5,
        "initialize, 3 appends, finalize"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [1_000, 2_000, 2_500].map(|sent| UploadProgress::Sending { sent, total: 2_500 })
    );
    assert_eq!(media.size, Some(2_500));
    client
        .send_message(
            DEMO_CONVERSATION,
            CreateMessageRequest {
                text: Some("the photo".into()),
                attachments: vec![MessageAttachment {
                    media_id: media.id.clone(),
                }],
            },
        )
        .send()
        .await
        .unwrap();

    let parts = newest_media_url(&client).await;
    assert_eq!(parts.media_id, media.id);
    let target = dir.join("copy.png");
    let saved = client.download_media(&parts).save(&target).await.unwrap();
    assert_eq!(saved.bytes, 2_500);
    assert_eq!(saved.content_type.as_deref(), Some("image/png"));
    assert_eq!(std::fs::read(&target).unwrap(), bytes);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no partial file left: {names:?}");
}

#[tokio::test]
async fn a_video_is_waited_for_until_x_has_processed_it() {
    let fake = FakeX::start().await.unwrap();
    let client = quick_client(&fake.base_url());
    let dir = temp_dir("video");
    let source = dir.join("clip.mp4");
    let mut bytes = b"\0\0\0\x18ftypmp42".to_vec();
    bytes.resize(3_000, 7);
    std::fs::write(&source, &bytes).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = Arc::clone(&seen);

    let media = client
        .upload_media(&source)
        .on_progress(move |step| progress.lock().unwrap().push(step))
        .send()
        .await
        .unwrap();

    let state = media
        .processing_info
        .as_ref()
        .and_then(|p| p.state.as_deref());
    assert_eq!(state, Some("succeeded"));
    assert!(media.media_key.as_deref().unwrap().starts_with("7_"));
    assert!(
        seen.lock()
            .unwrap()
            .contains(&UploadProgress::Processing { percent: None })
    );
}

#[tokio::test]
async fn files_their_category_does_not_take_are_refused_before_any_request() {
    let fake = FakeX::start().await.unwrap();
    let client = quick_client(&fake.base_url());
    let dir = temp_dir("refused");
    let big = dir.join("big.jpg");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(5 * 1024 * 1024 + 1).unwrap();
    std::fs::write(dir.join("notes.txt"), "hello").unwrap();
    std::fs::write(dir.join("small.png"), png(100)).unwrap();
    std::fs::write(dir.join("empty.png"), "").unwrap();
    let before = fake.requests();

    let cases = [
        (client.upload_media(&big), "total_bytes"),
        (client.upload_media(dir.join("notes.txt")), "media_type"),
        (
            client
                .upload_media(dir.join("small.png"))
                .category(x_dm::x::types::MediaCategory::DmVideo),
            "media_type",
        ),
        (client.upload_media(dir.join("empty.png")), "total_bytes"),
    ];
    for (upload, parameter) in cases {
        let error = upload.send().await.unwrap_err();
        let Error::InvalidInput(refusal) = &error else {
            panic!("not a refusal: {error}")
        };
        assert_eq!(refusal.parameter, parameter, "{error}");
    }
    let missing = client
        .upload_media(dir.join("absent.png"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::File { .. }), "{missing}");
    assert_eq!(fake.requests(), before);
}

#[tokio::test]
async fn a_seeded_attachment_downloads_from_its_url_parts() {
    let fake = FakeX::start().await.unwrap();
    let client = quick_client(&fake.base_url());
    let events: Vec<_> = client
        .dm_events(DEMO_CONVERSATION)
        .expansions([DmEventExpansion::AttachmentsMediaKeys])
        .media_fields([MediaField::Url])
        .items()
        .try_collect()
        .await
        .unwrap();
    let parts = events
        .iter()
        .flat_map(|event| event.attached_media().flatten().filter_map(DmMediaUrl::of))
        .next()
        .expect("a photo in the demo conversation");
    let mut stream = client.download_media(&parts).open().await.unwrap();
    assert_eq!(stream.content_type(), Some("image/jpeg"));
    let mut body = Vec::new();
    while let Some(chunk) = stream.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(&body[..3], b"\xFF\xD8\xFF");
    assert_eq!(&body[body.len() - 2..], b"\xFF\xD9");

    let wrong = DmMediaUrl::new("1", parts.media_id.clone(), parts.resource_id.clone());
    let dir = temp_dir("missing");
    let error = client
        .download_media(&wrong)
        .save(dir.join("x.jpg"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written"
    );
}

#[tokio::test]
async fn a_download_asks_for_bytes_at_the_literal_path() {
    let server = FaultServer::start(vec![Step::ok("raw bytes")]).await;
    let parts = DmMediaUrl::parse(
        "https://ton.twitter.com/1.1/ton/data/dm/1580705921830768647/1580705915350646784/hVJQTwig.jpg",
    )
    .unwrap();
    let mut stream = quick_client(&server.base_url)
        .download_media(&parts)
        .open()
        .await
        .unwrap();
    assert_eq!(
        stream.chunk().await.unwrap().as_deref(),
        Some(&b"raw bytes"[..])
    );
    let seen = server.seen();
    assert_eq!(
        seen[0].target,
        "/2/dm_conversations/media/1580705921830768647/1580705915350646784/hVJQTwig.jpg"
    );
    let bad = DmMediaUrl::new("1", "2", "../etc");
    let error = quick_client(&server.base_url)
        .download_media(&bad)
        .open()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("resource_id"), "{error}");
    assert_eq!(server.seen().len(), 1, "refused before sending");
}

#[tokio::test]
async fn an_upload_goes_out_as_x_documents_each_step() {
    let server = FaultServer::start(vec![
        Step::ok(r#"{"data":{"id":"1880028106020515841","media_key":"7_1880028106020515841"}}"#),
        Step::ok(r#"{"data":{"expires_at":1767225600}}"#),
        Step::ok(r#"{"data":{"id":"1880028106020515841","processing_info":{"state":"pending","check_after_secs":0}}}"#),
        Step::ok(r#"{"data":{"id":"1880028106020515841","processing_info":{"state":"succeeded","progress_percent":100}}}"#),
    ])
    .await;
    let dir = temp_dir("wire");
    let source = dir.join("clip.mp4");
    std::fs::write(&source, b"\0\0\0\x18ftypmp42-and-the-rest").unwrap();

    let media = quick_client(&server.base_url)
        .upload_media(&source)
        .send()
        .await
        .unwrap();

    assert_eq!(media.id, "1880028106020515841");
    let seen = server.seen();
    let steps: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.target.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("POST", "/2/media/upload/initialize"),
            ("POST", "/2/media/upload/1880028106020515841/append"),
            ("POST", "/2/media/upload/1880028106020515841/finalize"),
            (
                "GET",
                "/2/media/upload?media_id=1880028106020515841&command=STATUS"
            ),
        ]
    );
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        r#"{"media_category":"dm_video","media_type":"video/mp4","total_bytes":25}"#
    );
    let append = String::from_utf8_lossy(&seen[1].body);
    assert!(
        seen[1]
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    assert!(
        append.contains("name=\"segment_index\"\r\n\r\n0\r\n"),
        "{append}"
    );
    assert!(append.contains("ftypmp42-and-the-rest"), "{append}");
    assert!(seen[2].body.is_empty());
}

#[tokio::test]
async fn a_failed_processing_is_an_error_naming_the_media() {
    let server = FaultServer::start(vec![
        Step::ok(r#"{"data":{"id":"5"}}"#),
        Step::ok(r#"{"data":{}}"#),
        Step::ok(r#"{"data":{"id":"5","processing_info":{"state":"failed","error":{"message":"Unsupported video format"}}}}"#),
    ])
    .await;
    let dir = temp_dir("failed");
    let source = dir.join("clip.mp4");
    std::fs::write(&source, b"\0\0\0\x18ftypmp42").unwrap();
    let error = quick_client(&server.base_url)
        .upload_media(&source)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::MediaProcessing { ref media_id, .. } if media_id == "5"),
        "{error}"
    );
    assert!(error.to_string().contains("Unsupported video format"));
}

#[tokio::test]
async fn a_chunk_smaller_than_the_bytes_read_to_tell_the_type_still_uploads_whole() {
    let fake = FakeX::start().await.unwrap();
    let client = quick_client(&fake.base_url());
    let dir = temp_dir("tiny-chunks");
    let source = dir.join("photo.png");
    std::fs::write(&source, png(22)).unwrap();
    let before = fake.requests();

    let media = client
        .upload_media(&source)
        .chunk_size(4)
        .send()
        .await
        .unwrap();

    assert_eq!(media.size, Some(22), "the fake joined every chunk");
    assert_eq!(
        fake.requests() - before,
        1 + 6 + 1,
        "22 bytes in 4-byte chunks"
    );
}
