//! E-mail through the transactional outbox, against a real SMTP server started by each test:
//! what a committed transaction queues is delivered once, in the person's language, as plain
//! text plus HTML; what rolls back is never sent; concurrent workers never send twice; a failing
//! server is retried with back-off; and the file transport writes `.eml` files.

mod concurrency;
mod crash;
mod retry;
mod sink;

use std::path::Path;

use mail_parser::MessageParser;
use marco::config::{Environment, MailConfig};
use marco::entities::mail_outbox;
use marco::mail::store::FORGOTTEN_ADDRESS;
use marco::mail::transport::Transport;
use marco::mail::worker::run_once;
use marco::mail::{MailKind, OutgoingMail, enqueue, forget_recipient, recent};
use marco_frontend::Lang;
use marco_tests::database::TestDatabase;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

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

pub(crate) fn reset(to: &str, lang: Lang) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        lang,
        kind: MailKind::PasswordReset {
            name: "Ana".into(),
            link: "https://marco.test/reset/tok123".into(),
        },
    }
}

pub(crate) async fn enqueue_committed(db: &DatabaseConnection, mail: OutgoingMail) -> i64 {
    let txn = marco::db::begin_immediate(db).await.expect("begin");
    let id = enqueue(&txn, mail).await.expect("enqueue");
    txn.commit().await.expect("commit");
    id
}

pub(crate) async fn row(db: &DatabaseConnection, id: i64) -> mail_outbox::Model {
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

    let txn = marco::db::begin_immediate(db).await.unwrap();
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
    assert!(
        stored.text_body.is_empty() && stored.html_body.is_empty(),
        "sent mail keeps no body, so no single-use link stays in the database"
    );

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

    let txn = marco::db::begin_immediate(db).await.unwrap();
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
    let txn = marco::db::begin_immediate(&database.db).await.unwrap();
    let refused = enqueue(&txn, reset("not an address", Lang::En)).await;
    assert!(refused.is_err());
    txn.commit().await.unwrap();
    assert!(recent(&database.db, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn closing_an_account_forgets_its_mail_but_not_other_peoples() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    let transport = smtp_transport(&sink.url());
    let sent = enqueue_committed(db, reset("ana@proveedor.example", Lang::En)).await;
    assert_eq!(run_once(db, &transport).await, 1);
    let queued = enqueue_committed(db, reset("ana@proveedor.example", Lang::En)).await;
    let other = enqueue_committed(db, reset("bob@supplier.example", Lang::En)).await;

    let txn = marco::db::begin_immediate(db).await.unwrap();
    assert_eq!(
        forget_recipient(&txn, "ana@proveedor.example")
            .await
            .unwrap(),
        2
    );
    txn.commit().await.unwrap();

    let forgotten = row(db, sent).await;
    assert_eq!(forgotten.to_address, FORGOTTEN_ADDRESS);
    assert!(forgotten.subject.is_empty() && forgotten.sent_at.is_some());
    assert!(
        mail_outbox::Entity::find_by_id(queued)
            .one(db)
            .await
            .unwrap()
            .is_none(),
        "queued mail to a closed account is dropped"
    );
    assert_eq!(run_once(db, &transport).await, 1);
    assert!(row(db, other).await.sent_at.is_some());
    let recipients: Vec<Vec<String>> = sink.received().into_iter().map(|m| m.rcpt_to).collect();
    assert_eq!(
        recipients,
        [["<ana@proveedor.example>"], ["<bob@supplier.example>"]]
    );
}
