//! The background jobs across a restart: Marco is stopped with a mail queued, a search update
//! pending and a framework transition due. When it starts again each is done, and after
//! another restart none is done twice.

use std::time::{Duration, Instant};

use chrono::Utc;
use marco::domain::framework::FrameworkStatus;
use marco::entities::{framework, mail_outbox, release, search_outbox};
use marco::frameworks::Actor;
use marco::frameworks::lifecycle;
use marco_frontend::Lang;
use marco_tests::TestApp;
use marco_tests::fixtures::create_cloud_framework;
use marco_tests::process::{free_port, serve, stop_gracefully};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};

use crate::mail::{enqueue_committed, reset};

/// What the three jobs have done, as the database and the mail folder show it.
#[derive(Debug, PartialEq, Eq)]
struct Done {
    mail_files: usize,
    mail_sent: bool,
    mail_attempts: i32,
    search_processed: bool,
    search_attempts: i32,
    framework_status: String,
    framework_releases: u64,
}

async fn done(app: &TestApp, mail_id: i64, search_id: i64, fw_id: i64, ocid: &str) -> Done {
    let db = &app.state.db;
    let mail = mail_outbox::Entity::find_by_id(mail_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let search = search_outbox::Entity::find_by_id(search_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let fw = framework::Entity::find_by_id(fw_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let outbox = app.state.config.data_dir.join("outbox");
    Done {
        mail_files: std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0),
        mail_sent: mail.sent_at.is_some(),
        mail_attempts: mail.attempts,
        search_processed: search.processed_at.is_some(),
        search_attempts: search.attempts,
        framework_status: fw.status,
        framework_releases: release::Entity::find()
            .filter(release::Column::Ocid.eq(ocid))
            .count(db)
            .await
            .unwrap(),
    }
}

#[tokio::test]
async fn queued_mail_pending_search_and_a_due_transition_are_done_once_after_a_restart() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();

    // Marco is down. A mail was queued, a search update is pending, and a framework's
    // applications closed a minute ago.
    let mail_id = enqueue_committed(&app.state.db, reset("ana@proveedor.example", Lang::En)).await;
    let doc = marco::search::synthetic::services(1, 11).remove(0);
    let txn = app.state.begin_write().await.unwrap();
    let search_id = marco::search::outbox::enqueue_upsert(&txn, &doc)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let now = Utc::now();
    let fw = create_cloud_framework(&app, "Closes while Marco is down").await;
    let fw = lifecycle::transition(&app.state, &Actor::default(), fw.id, FrameworkStatus::Open)
        .await
        .unwrap();
    let mut closed = fw.clone().into_active_model();
    closed.clarifications_close_at = Set(now - chrono::Duration::minutes(2));
    closed.applications_close_at = Set(now - chrono::Duration::minutes(1));
    closed.update(&app.state.db).await.unwrap();
    let before = done(&app, mail_id, search_id, fw.id, &fw.ocid).await;
    assert_eq!(
        (
            before.mail_files,
            before.search_processed,
            before.framework_releases
        ),
        (0, false, 1)
    );

    let env = vec![
        (
            "MARCO_DATA_DIR",
            app.state.config.data_dir.display().to_string(),
        ),
        ("MARCO_DATABASE_URL", app.database.url.clone()),
        ("MARCO_MAIL_POLL_MS", "50".to_owned()),
        ("MARCO_LOG_FORMAT", "json".to_owned()),
    ];
    let expected = Done {
        mail_files: 1,
        mail_sent: true,
        mail_attempts: 1,
        search_processed: true,
        search_attempts: 1,
        framework_status: "pending".into(),
        framework_releases: 2,
    };
    for run in ["first", "second"] {
        let log = app.database.dir.path().join(format!("{run}.log"));
        let mut env = env.clone();
        env.push(("MARCO_ADDR", format!("127.0.0.1:{}", free_port())));
        let server = serve(&env, &log);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let now = done(&app, mail_id, search_id, fw.id, &fw.ocid).await;
            let jobs_ran = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .matches("job started")
                .count();
            if now == expected && jobs_ran >= 4 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{run} run: {now:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Give the jobs time for more passes: none may do anything again.
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop_gracefully(server, &log);
        assert_eq!(
            done(&app, mail_id, search_id, fw.id, &fw.ocid).await,
            expected,
            "{run} run"
        );
        let log = std::fs::read_to_string(&log).unwrap();
        for job in [
            "mail",
            "search",
            "framework_clock",
            "bulk_files",
            "direct_award_reminders",
            "order_deadlines",
        ] {
            assert!(
                log.contains(&format!("\"job\":\"{job}\"")),
                "the {job} job did not report in the {run} run:\n{log}"
            );
        }
    }
}
