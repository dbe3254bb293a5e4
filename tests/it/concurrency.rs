//! Many people writing at once, as on a busy marketplace: six signed-in managers copy and
//! open frameworks for ten seconds. On SQLite (the default `make run` gives) and PostgreSQL
//! alike, nobody gets a server error, and every acknowledged change is there exactly once.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use marco::entities::{audit_event, framework, release};
use marco_tests::fixtures::create_cloud_framework;
use marco_tests::{Client, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const WRITERS: usize = 6;
const RUN_FOR: Duration = Duration::from_secs(10);

async fn source_framework(app: &TestApp) -> framework::Model {
    create_cloud_framework(app, "The framework every manager copies").await
}

async fn manager(app: &TestApp) -> Client<'_> {
    let mut client = Client::new(app);
    let res = client
        .post(
            "/sign-in",
            &[
                ("email", "manager@marco.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "sign-in: {}", res.text());
    client
}

/// The demo data, the framework to copy, and the six managers, signed in.
async fn managers_and_framework(app: &TestApp) -> (framework::Model, Vec<Client<'_>>) {
    marco::seed::load(&app.state.db).await.unwrap();
    let source = source_framework(app).await;
    let mut clients = Vec::new();
    for _ in 0..WRITERS {
        clients.push(manager(app).await);
    }
    (source, clients)
}

/// What one manager saw: the slugs of the copies they made and opened.
#[derive(Default)]
struct Seen {
    copied: Vec<String>,
    opened: Vec<String>,
}

async fn copy_and_open_until(mut client: Client<'_>, source: &str, deadline: Instant) -> Seen {
    let mut seen = Seen::default();
    while Instant::now() < deadline {
        let res = client
            .post(&format!("/frameworks/{source}/copy"), &[])
            .await;
        assert_eq!(
            res.status,
            303,
            "copy answered {}: {}",
            res.status,
            res.text()
        );
        let location = res.header("location").unwrap();
        let slug = location
            .trim_start_matches("/frameworks/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        seen.copied.push(slug.clone());
        let res = client
            .post(&format!("/frameworks/{slug}/status"), &[("to", "open")])
            .await;
        assert_eq!(
            res.status,
            303,
            "open answered {}: {}",
            res.status,
            res.text()
        );
        seen.opened.push(slug);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_managers_copying_and_opening_for_ten_seconds_get_no_server_error_and_lose_nothing() {
    let app = TestApp::new().await;
    let (source, clients) = managers_and_framework(&app).await;
    let deadline = Instant::now() + RUN_FOR;
    let runs = futures_util::future::join_all(
        clients
            .into_iter()
            .map(|c| copy_and_open_until(c, &source.slug, deadline)),
    )
    .await;

    let copied: Vec<&String> = runs.iter().flat_map(|r| &r.copied).collect();
    let opened: Vec<&String> = runs.iter().flat_map(|r| &r.opened).collect();
    let distinct: HashSet<&String> = copied.iter().copied().collect();
    assert!(
        copied.len() >= WRITERS,
        "only {} copies in 10 s",
        copied.len()
    );
    assert_eq!(
        distinct.len(),
        copied.len(),
        "two managers were given one copy"
    );

    // Every acknowledged copy exists once, is open, and has exactly one release.
    let frameworks = framework::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(
        frameworks.len(),
        copied.len() + 1,
        "a copy was lost or made twice"
    );
    for slug in &opened {
        let fw = frameworks.iter().find(|f| &&f.slug == slug).unwrap();
        assert_eq!(fw.status, "open", "{slug}");
        let releases = release::Entity::find()
            .filter(release::Column::Ocid.eq(&fw.ocid))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(releases, 1, "{slug} has {releases} releases");
    }
    let created = audit_event::Entity::find()
        .filter(audit_event::Column::Event.eq("framework_created"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(created as usize, copied.len() + 1);
    eprintln!(
        "{} copies and {} openings by {WRITERS} managers in {} s ({:?})",
        copied.len(),
        opened.len(),
        RUN_FOR.as_secs(),
        app.backend()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn six_managers_opening_one_framework_at_once_open_it_once() {
    let app = TestApp::new().await;
    let (source, mut clients) = managers_and_framework(&app).await;
    let path = format!("/frameworks/{}/status", source.slug);
    let answers = futures_util::future::join_all(
        clients.iter_mut().map(|c| c.post(&path, &[("to", "open")])),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 409),
        "{statuses:?}"
    );
    let releases = release::Entity::find()
        .filter(release::Column::Ocid.eq(&source.ocid))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(releases, 1, "the framework was opened more than once");
}
