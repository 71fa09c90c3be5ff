//! X's webhooks, received: the CRC challenge, signed deliveries and their
//! payloads, behind the `webhook` feature.
//!
//! [`Receiver`] is an axum router to mount in your own server, or to run as
//! it is with [`Receiver::serve`]. It answers X's CRC (`GET ?crc_token=`),
//! checks the `x-twitter-webhooks-signature` of every POST in constant time
//! (401 and nothing delivered when it is missing or wrong), refuses bodies
//! over 1 MiB with 413, and hands each delivery out once, even when X
//! repeats it, decoded into a [`Delivery`] that keeps the fields it does not
//! know.
//!
//! ```no_run
//! use x_dm::x::webhook::{Delivery, Receiver};
//!
//! # async fn run() -> std::io::Result<()> {
//! let secret = std::env::var("X_CONSUMER_SECRET").unwrap_or_default();
//! let (receiver, mut deliveries) = Receiver::new(&secret);
//! // Or mount `receiver.router()` at a path of your own axum app.
//! tokio::spawn(receiver.serve(([0, 0, 0, 0], 8080).into()));
//! while let Some(received) = deliveries.recv().await {
//!     if let Delivery::AccountActivity(activity) = &received.delivery {
//!         for event in &activity.direct_message_events {
//!             println!("{}", event.text().unwrap_or_default());
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod payload;
mod receiver;
mod signature;

pub use payload::{
    AccountActivity, ActivityEvent, Delivery, LegacyDmEvent, MessageCreate, MessageData, Target,
};
pub use receiver::{MAX_BODY, Received, Receiver};
pub use signature::{SIGNATURE_HEADER, Signer};
