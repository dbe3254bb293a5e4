//! The crash test of issue 4: kill the worker between queueing and sending, restart it, and the
//! mail is delivered exactly once. It runs the real `marco serve` process twice against the
//! test's database (SQLite or PostgreSQL) and the test's SMTP server.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use marco_frontend::Lang;
use marco_tests::database::TestDatabase;
use marco_tests::process::{free_port, marco_binary};

use super::sink::SmtpSink;
use super::{FROM, enqueue_committed, reset, row};

/// Starts `marco serve` with its mail worker on the test database; output goes to `log`.
fn start_marco(
    database: &TestDatabase,
    sink: &SmtpSink,
    log: &Path,
    extra: &[(&str, &str)],
) -> Child {
    let output = std::fs::File::create(log).expect("log file");
    Command::new(marco_binary())
        .arg("serve")
        .env("MARCO_DATA_DIR", database.dir.path().join("data"))
        .env("MARCO_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("MARCO_DATABASE_URL", &database.url)
        .env("MARCO_SMTP_URL", sink.url())
        .env("MARCO_MAIL_FROM", FROM)
        .env("MARCO_MAIL_POLL_MS", "50")
        .env("RUST_LOG", "info")
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(output.try_clone().expect("log file"))
        .stderr(output)
        .spawn()
        .expect("start marco serve")
}

fn log_of(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test]
async fn a_worker_killed_between_claiming_and_sending_delivers_exactly_once_after_restart() {
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    let id = enqueue_committed(db, reset("ana@proveedor.example", Lang::Es)).await;
    let first_log = database.dir.path().join("first.log");
    let second_log = database.dir.path().join("second.log");

    // The first worker claims the message with a 2-second lease, then stalls before sending
    // (a pause honoured only outside production), and is killed there with SIGKILL.
    let mut first = start_marco(
        &database,
        &sink,
        &first_log,
        &[
            ("MARCO_MAIL_LEASE_SECS", "2"),
            ("MARCO_MAIL_TEST_DELAY_MS", "600000"),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let claimed = loop {
        let now = row(db, id).await;
        if now.lease_owner.is_some() {
            break now;
        }
        if Instant::now() >= deadline {
            let _ = first.kill();
            panic!(
                "the first worker never claimed the message:\n{}",
                log_of(&first_log)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(claimed.attempts, 1);
    let after_kill = row(db, id).await;
    assert!(after_kill.sent_at.is_none(), "killed before sending");
    assert_eq!(
        after_kill.lease_owner, claimed.lease_owner,
        "its lease outlives it"
    );
    assert!(
        sink.received().is_empty(),
        "nothing was sent before the kill"
    );

    // A restarted worker takes the message over once the dead worker's lease has run out.
    let mut second = start_marco(&database, &sink, &second_log, &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let sent = loop {
        let now = row(db, id).await;
        if now.sent_at.is_some() {
            break now;
        }
        if Instant::now() >= deadline {
            let _ = second.kill();
            panic!(
                "the restarted worker never sent the message:\n{}",
                log_of(&second_log)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    // Stop it gracefully: after that nothing can send any more, so the count is final.
    let pid = second.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exit = second.wait().unwrap();
    assert!(
        exit.success(),
        "graceful stop: {exit:?}\n{}",
        log_of(&second_log)
    );

    let received = sink.received();
    assert_eq!(received.len(), 1, "delivered exactly once");
    assert_eq!(sent.attempts, 2, "the killed claim counts as an attempt");
    assert!(sent.lease_owner.is_none());
    let message = MessageParser::default().parse(&received[0].data).unwrap();
    assert_eq!(
        message.message_id(),
        Some(format!("{}@marco.test", sent.message_id).as_str())
    );
    assert_eq!(
        message.subject(),
        Some("Restablezca su contraseña de Marco")
    );

    // Logs name the outbox id, never the recipient or the body.
    for log in [log_of(&first_log), log_of(&second_log)] {
        assert!(log.contains("mail"), "{log}");
        assert!(!log.contains("ana@proveedor.example"), "{log}");
        assert!(!log.contains("tok123"), "{log}");
    }
}

#[tokio::test]
async fn a_worker_killed_while_the_server_accepts_resends_with_the_same_message_id() {
    // The one window no outbox can close: the relay has the message but the worker dies
    // before hearing so. The message is sent again, and the repeated Message-ID lets the
    // receiving side drop the copy.
    let database = TestDatabase::new().await;
    let db = &database.db;
    let sink = SmtpSink::start().await;
    sink.set_delay(Duration::from_secs(60));
    let id = enqueue_committed(db, reset("ana@proveedor.example", Lang::En)).await;
    let first_log = database.dir.path().join("first.log");
    let second_log = database.dir.path().join("second.log");

    let mut first = start_marco(
        &database,
        &sink,
        &first_log,
        &[("MARCO_MAIL_LEASE_SECS", "6")],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.received().is_empty() {
        if Instant::now() >= deadline {
            let _ = first.kill();
            panic!("the first worker never sent:\n{}", log_of(&first_log));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(row(db, id).await.sent_at.is_none(), "not recorded as sent");

    sink.set_delay(Duration::ZERO);
    let mut second = start_marco(&database, &sink, &second_log, &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while row(db, id).await.sent_at.is_none() {
        if Instant::now() >= deadline {
            let _ = second.kill();
            panic!("the restarted worker never sent:\n{}", log_of(&second_log));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();

    let ids: Vec<String> = sink
        .received()
        .iter()
        .map(|m| {
            let message = MessageParser::default().parse(&m.data).unwrap();
            message.message_id().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1], "both copies carry the same Message-ID");
}
