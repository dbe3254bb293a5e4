//! A failing SMTP server: retries with exponential back-off, the error kept, delivery once it
//! recovers, and giving up after the last allowed attempt.

use std::time::{Duration, Instant};

use marco::mail::recent;
use marco::mail::worker::{WorkerSettings, run_once_with};
use marco_frontend::Lang;
use marco_tests::database::TestDatabase;

use super::sink::SmtpSink;
use super::{enqueue_committed, reset, row, smtp_transport};

#[tokio::test]
async fn a_failing_smtp_server_is_retried_with_back_off_and_the_error_kept() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    sink.set_failing(true);
    let transport = smtp_transport(&sink.url());
    // Long enough that the immediate second pass below is surely before the retry is due.
    let base = Duration::from_secs(1);
    let settings = WorkerSettings {
        backoff_base: base,
        backoff_cap: Duration::from_secs(10),
        ..WorkerSettings::default()
    };
    let id = enqueue_committed(db, reset("ana@proveedor.example", Lang::En)).await;

    let before = marco::mail::store::now();
    assert_eq!(run_once_with(db, &transport, &settings).await, 0);
    let first = row(db, id).await;
    assert_eq!(first.attempts, 1);
    assert!(first.sent_at.is_none() && first.lease_owner.is_none());
    let error = first.last_error.clone().unwrap_or_default();
    assert!(error.contains("451"), "{error}");
    let wait = (first.next_attempt_at - before).to_std().unwrap();
    assert!(
        wait >= base && wait < base + Duration::from_secs(5),
        "first back-off {wait:?}"
    );

    // Not due yet: an immediate pass leaves it alone.
    assert_eq!(run_once_with(db, &transport, &settings).await, 0);
    assert_eq!(row(db, id).await.attempts, 1);
    assert_eq!(sink.rejected(), 1);

    // When due, it is tried again, fails again, and waits twice as long.
    let deadline = Instant::now() + Duration::from_secs(20);
    let second = loop {
        run_once_with(db, &transport, &settings).await;
        let now = row(db, id).await;
        if now.attempts == 2 {
            break now;
        }
        assert!(Instant::now() < deadline, "no second attempt");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(second.sent_at.is_none());
    let wait = (second.next_attempt_at - first.next_attempt_at)
        .to_std()
        .unwrap();
    assert!(wait >= base * 2, "second back-off {wait:?}");

    // The server recovers: the next due attempt delivers it, once.
    sink.set_failing(false);
    let deadline = Instant::now() + Duration::from_secs(20);
    while run_once_with(db, &transport, &settings).await == 0 {
        assert!(Instant::now() < deadline, "not delivered after recovery");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = row(db, id).await;
    assert_eq!(sent.attempts, 3);
    assert!(sent.sent_at.is_some());
    assert!(
        sent.last_error.unwrap_or_default().contains("451"),
        "the last error is kept as history"
    );
    assert_eq!((sink.received().len(), sink.rejected()), (1, 2));
    let listed = recent(db, 5).await.unwrap();
    assert_eq!(listed[0].status(), "sent");
}

#[tokio::test]
async fn a_message_is_given_up_after_the_last_allowed_attempt() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    sink.set_failing(true);
    let transport = smtp_transport(&sink.url());
    let settings = WorkerSettings {
        max_attempts: 2,
        backoff_base: Duration::from_millis(10),
        ..WorkerSettings::default()
    };
    let id = enqueue_committed(db, reset("ana@proveedor.example", Lang::En)).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while row(db, id).await.failed_at.is_none() {
        run_once_with(db, &transport, &settings).await;
        assert!(Instant::now() < deadline, "never given up");
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    sink.set_failing(false);
    assert_eq!(run_once_with(db, &transport, &settings).await, 0);
    let given_up = row(db, id).await;
    assert_eq!(given_up.attempts, 2);
    assert!(given_up.sent_at.is_none());
    assert!(given_up.text_body.is_empty() && given_up.html_body.is_empty());
    assert!(given_up.last_error.is_some());
    assert_eq!(sink.rejected(), 2);
    assert_eq!(recent(db, 5).await.unwrap()[0].status(), "failed");
}
