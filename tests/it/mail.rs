//! E-mail through the transactional outbox, against a real SMTP server started by each test:
//! what a committed transaction queues is delivered once, in the person's language, as plain
//! text plus HTML; what rolls back is never sent; concurrent workers never send twice; a failing
//! server is retried with back-off; and the file transport writes `.eml` files.

mod crash;
mod sink;

use std::path::Path;
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use marco::config::{Environment, MailConfig};
use marco::entities::mail_outbox;
use marco::mail::transport::Transport;
use marco::mail::worker::{WorkerSettings, run_once, run_once_with};
use marco::mail::{MailKind, OutgoingMail, enqueue, recent};
use marco_frontend::Lang;
use marco_tests::database::{TestDatabase, connect};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use sink::SmtpSink;

const FROM: &str = "Marco <no-reply@marco.test>";

fn mail_config(smtp_url: Option<&str>) -> MailConfig {
    MailConfig::from_lookup(
        &|name: &str| match name {
            "MARCO_MAIL_FROM" => Some(FROM.to_owned()),
            "MARCO_SMTP_URL" => smtp_url.map(str::to_owned),
            _ => None,
        },
        Environment::Development,
    )
    .expect("valid mail settings")
}

fn smtp_transport(url: &str) -> Transport {
    Transport::from_config(&mail_config(Some(url)), Path::new("unused")).expect("SMTP transport")
}

fn reset(to: &str, lang: Lang) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        lang,
        kind: MailKind::PasswordReset {
            name: "Ana".into(),
            link: "https://marco.test/reset/tok123".into(),
        },
    }
}

async fn enqueue_committed(db: &DatabaseConnection, mail: OutgoingMail) -> i64 {
    let txn = db.begin().await.expect("begin");
    let id = enqueue(&txn, mail).await.expect("enqueue");
    txn.commit().await.expect("commit");
    id
}

async fn row(db: &DatabaseConnection, id: i64) -> mail_outbox::Model {
    mail_outbox::Entity::find_by_id(id)
        .one(db)
        .await
        .expect("read outbox")
        .expect("outbox row")
}

async fn unsent(db: &DatabaseConnection) -> u64 {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .count(db)
        .await
        .expect("count unsent")
}

#[tokio::test]
async fn committed_mail_is_delivered_once_in_the_users_language_with_text_and_html() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    let transport = smtp_transport(&sink.url());

    let txn = db.begin().await.unwrap();
    let spanish = enqueue(&txn, reset("ana@proveedor.example", Lang::Es))
        .await
        .unwrap();
    let english = OutgoingMail {
        to: "bob@supplier.example".into(),
        lang: Lang::En,
        kind: MailKind::Invitation {
            organisation: "Nube Andina SpA".into(),
            inviter: "Ana".into(),
            link: "https://marco.test/invitations/inv456".into(),
        },
    };
    let english = enqueue(&txn, english).await.unwrap();
    txn.commit().await.unwrap();

    assert_eq!(run_once(db, &transport).await, 2);
    let received = sink.received();
    assert_eq!(received.len(), 2);

    let ana = received
        .iter()
        .find(|m| m.rcpt_to == ["<ana@proveedor.example>"])
        .expect("Ana's message");
    assert!(ana.mail_from.contains("no-reply@marco.test"), "{ana:?}");
    let message = MessageParser::default().parse(&ana.data).unwrap();
    assert_eq!(
        message.subject(),
        Some("Restablezca su contraseña de Marco")
    );
    assert_eq!(
        (message.text_body_count(), message.html_body_count()),
        (1, 1)
    );
    let text = message.body_text(0).unwrap();
    assert!(text.contains("Hola, Ana:"), "{text}");
    assert!(text.contains("https://marco.test/reset/tok123"), "{text}");
    assert!(text.contains("1 hora"), "{text}");
    let html = message.body_html(0).unwrap();
    assert!(html.contains(r#"lang="es""#), "{html}");
    assert!(
        html.contains(r#"href="https://marco.test/reset/tok123""#),
        "{html}"
    );
    let stored = row(db, spanish).await;
    assert_eq!(
        message.message_id(),
        Some(format!("{}@marco.test", stored.message_id).as_str())
    );
    assert!(stored.sent_at.is_some());
    assert_eq!(stored.attempts, 1);
    assert!(stored.lease_owner.is_none() && stored.lease_until.is_none());

    let bob = received
        .iter()
        .find(|m| m.rcpt_to == ["<bob@supplier.example>"])
        .expect("Bob's message");
    let message = MessageParser::default().parse(&bob.data).unwrap();
    assert_eq!(
        message.subject(),
        Some("Ana invited you to join Nube Andina SpA on Marco")
    );
    assert!(message.body_text(0).unwrap().contains("7 days"));
    assert!(row(db, english).await.sent_at.is_some());

    assert_eq!(run_once(db, &transport).await, 0, "nothing is sent twice");
    assert_eq!(sink.received().len(), 2);
}

#[tokio::test]
async fn mail_queued_in_a_transaction_that_rolls_back_is_never_sent() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    let transport = smtp_transport(&sink.url());

    let txn = db.begin().await.unwrap();
    let id = enqueue(&txn, reset("ana@proveedor.example", Lang::En))
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    assert_eq!(run_once(db, &transport).await, 0);
    assert!(
        mail_outbox::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    assert!(recent(db, 10).await.unwrap().is_empty());
    assert!(sink.received().is_empty());
}

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
    assert_eq!(sink.rejected(), 2);
    assert_eq!(recent(db, 5).await.unwrap()[0].status(), "failed");
}

#[tokio::test]
async fn smtp_credentials_from_the_url_are_used() {
    let database = TestDatabase::new().await;
    let sink = SmtpSink::start().await;
    let url = format!("smtp://mailer:s3cret@{}?tls=none", sink.addr);
    let transport = smtp_transport(&url);
    enqueue_committed(&database.db, reset("ana@proveedor.example", Lang::En)).await;
    assert_eq!(run_once(&database.db, &transport).await, 1);
    assert_eq!(sink.received()[0].auth_user.as_deref(), Some("mailer"));
}

#[tokio::test]
async fn the_file_transport_writes_a_parseable_eml_file() {
    let database = TestDatabase::new().await;
    let data = tempfile::tempdir().unwrap();
    let transport = Transport::from_config(&mail_config(None), data.path()).unwrap();
    let id = enqueue_committed(
        &database.db,
        OutgoingMail {
            to: "ana@proveedor.example".into(),
            lang: Lang::En,
            kind: MailKind::VerifyEmail {
                name: "Ana".into(),
                link: "https://marco.test/verify/v789".into(),
            },
        },
    )
    .await;
    assert_eq!(run_once(&database.db, &transport).await, 1);

    let files: Vec<_> = std::fs::read_dir(data.path().join("outbox"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    let message = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        message.subject(),
        Some("Confirm your e-mail address for Marco")
    );
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address());
    assert_eq!(to, Some("ana@proveedor.example"));
    assert_eq!(
        (message.text_body_count(), message.html_body_count()),
        (1, 1)
    );
    assert!(
        message
            .body_text(0)
            .unwrap()
            .contains("https://marco.test/verify/v789")
    );
    assert!(message.body_html(0).unwrap().contains("<html lang=\"en\">"));
    assert!(row(&database.db, id).await.sent_at.is_some());
}

#[tokio::test]
async fn recent_mail_lists_the_newest_first_without_bodies() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let first = enqueue_committed(db, reset("a@example.org", Lang::En)).await;
    let second = enqueue_committed(db, reset("b@example.org", Lang::Es)).await;
    let listed = recent(db, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(listed[0].to_address, "b@example.org");
    assert_eq!(listed[0].kind, "password_reset");
    assert_eq!(listed[0].lang, "es");
    assert_eq!(listed[0].status(), "queued");
    assert_eq!(recent(db, 1).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_address_that_cannot_be_mailed_is_refused_and_nothing_is_queued() {
    let database = TestDatabase::new().await;
    let txn = database.db.begin().await.unwrap();
    let refused = enqueue(&txn, reset("not an address", Lang::En)).await;
    assert!(refused.is_err());
    txn.commit().await.unwrap();
    assert!(recent(&database.db, 10).await.unwrap().is_empty());
}
