//! Two workers at once, each with a connection pool of its own as two instances would have:
//! every message is claimed once and sent once.

use std::time::{Duration, Instant};

use marco::entities::mail_outbox;
use marco::mail::transport::Transport;
use marco::mail::worker::{WorkerSettings, run_once_with};
use marco_frontend::Lang;
use marco_tests::database::{TestDatabase, connect};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::sink::SmtpSink;
use super::{enqueue_committed, reset, smtp_transport, unsent};

/// Runs passes until nothing is left unsent; returns how many this worker sent.
async fn drain(db: &DatabaseConnection, transport: &Transport, settings: &WorkerSettings) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut sent = 0;
    loop {
        let now_sent = run_once_with(db, transport, settings).await;
        sent += now_sent;
        if unsent(db).await == 0 {
            return sent;
        }
        assert!(
            Instant::now() < deadline,
            "mail still unsent after a minute"
        );
        if now_sent == 0 {
            // The rest is leased to the other worker; look again shortly.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[tokio::test]
async fn two_workers_at_once_send_each_message_exactly_once() {
    let database = TestDatabase::new().await;
    let sink = SmtpSink::start().await;
    sink.set_delay(Duration::from_millis(10));
    for n in 0..24 {
        enqueue_committed(
            &database.db,
            reset(&format!("person{n}@example.org"), Lang::En),
        )
        .await;
    }
    // Each worker has a connection pool of its own, as two instances would.
    let other_db = connect(&database.url).await;
    let (transport_a, transport_b) = (smtp_transport(&sink.url()), smtp_transport(&sink.url()));
    let settings = WorkerSettings {
        batch: 3,
        ..WorkerSettings::default()
    };
    let (a, b) = tokio::join!(
        drain(&database.db, &transport_a, &settings),
        drain(&other_db, &transport_b, &settings),
    );
    assert_eq!(a + b, 24, "worker A sent {a}, worker B sent {b}");

    let received = sink.received();
    assert_eq!(received.len(), 24);
    let mut recipients: Vec<String> = received.iter().map(|m| m.rcpt_to.join(",")).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(
        recipients.len(),
        24,
        "every recipient got exactly one message"
    );
    let rows = mail_outbox::Entity::find().all(&database.db).await.unwrap();
    assert!(
        rows.iter().all(|r| r.attempts == 1 && r.sent_at.is_some()),
        "no message was claimed twice: {:?}",
        rows.iter().map(|r| r.attempts).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_pass_hands_back_messages_its_lease_no_longer_covers() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    // Each send takes 2.5 s; an 8 s lease covers a send only while 4 s of it are left, so the
    // third message of the batch (at about 5 s) must not be started.
    sink.set_delay(Duration::from_millis(2500));
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(enqueue_committed(db, reset(&format!("p{n}@example.org"), Lang::En)).await);
    }
    let settings = WorkerSettings {
        lease: Duration::from_secs(8),
        batch: 3,
        ..WorkerSettings::default()
    };
    let transport = smtp_transport(&sink.url());
    assert_eq!(run_once_with(db, &transport, &settings).await, 2);
    let third = mail_outbox::Entity::find_by_id(ids[2])
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(third.sent_at.is_none());
    assert!(third.lease_owner.is_none(), "handed back at once");
    assert_eq!(third.attempts, 0, "an untried claim is no attempt");

    sink.set_delay(Duration::ZERO);
    assert_eq!(run_once_with(db, &transport, &settings).await, 1);
    assert_eq!(sink.received().len(), 3);
    assert_eq!(unsent(db).await, 0);
}
