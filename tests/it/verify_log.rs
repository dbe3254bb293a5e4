//! Tamper evidence end to end (issue 5): the real app serves its release log on a TCP port and
//! the built `ocds verify-log` checks it; an attacker with database access changes and deletes
//! releases; a publishing load is SIGKILLed and restarted; two load processes share one
//! PostgreSQL. The load is the `publish_load` binary of this crate.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use marco::publish::publish;
use marco_tests::TestServer;
use marco_tests::database::{Backend, backend};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

fn ocds_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target folder");
    let bin = dir.join("ocds");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build --bins` (make test does)",
        bin.display()
    );
    bin
}

/// Runs `ocds verify-log --url` against the server, off the runtime that serves it.
async fn verify_log(server: &TestServer, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "verify-log".to_owned(),
        "--url".to_owned(),
        server.url(""),
        "--no-progress".to_owned(),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let out: Output = tokio::task::spawn_blocking(move || {
        Command::new(ocds_binary())
            .args(&args)
            .output()
            .expect("run ocds")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(2),
        "verify-log could not read the log: {stderr}"
    );
    (out.status.code(), stdout)
}

fn tender(title: &str) -> Value {
    json!({
        "parties": [{
            "id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo",
            "identifier": {"scheme": "CL-RUT", "id": "60808000-K"},
            "roles": ["buyer", "procuringEntity"]
        }],
        "buyer": {"id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo"},
        "tender": {"id": "t", "title": title, "status": "active"}
    })
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sequences(db: &DatabaseConnection) -> Vec<i64> {
    rows(db, "SELECT sequence FROM releases ORDER BY sequence")
        .await
        .iter()
        .map(|r| r.try_get::<i64>("", "sequence").unwrap())
        .collect()
}

/// What an attacker with database access does first: switch off the append-only triggers.
async fn disable_append_only_triggers(db: &DatabaseConnection) {
    let sql = match backend() {
        Backend::Sqlite => "DROP TRIGGER releases_no_update; DROP TRIGGER releases_no_delete",
        Backend::Postgres => "ALTER TABLE releases DISABLE TRIGGER releases_append_only",
    };
    db.execute_unprepared(sql).await.unwrap();
}

fn bad_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("BAD ")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_with_a_stored_release_makes_verify_log_fail_and_name_it() {
    let server = TestServer::start().await;
    let app = &server.app;
    let mut ids = vec![String::new()];
    for i in 1..=6 {
        let txn = app.state.begin_write().await.unwrap();
        let published = publish(
            &txn,
            &app.state.publisher,
            &format!("ocds-demo00-tamper-{i}"),
            &["tender"],
            tender(&format!("Tamper test {i}")),
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
        ids.push(published.release_id);
    }
    let head = app.get("/ocds/log/head").await.json();
    let saved = format!("6:{}", head["chainHash"].as_str().unwrap());

    let (code, out) = verify_log(&server, &["--expect-head", &saved]).await;
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out.trim(),
        format!(
            "verified 6 releases, head 6 chain {}",
            head["chainHash"].as_str().unwrap()
        )
    );

    // A key obtained out of band that is not the signing key: the head is not trusted.
    let other_key = hex::encode(
        ed25519_dalek::SigningKey::from_bytes(&[1; 32])
            .verifying_key()
            .to_bytes(),
    );
    let (code, out) = verify_log(&server, &["--public-key", &other_key]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("BAD head 6: the head's signature does not verify"),
        "{out}"
    );

    // The bulk-style JSON Lines file is an alternative source of the releases; a changed line
    // in it is caught and named too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("releases.jsonl");
    let lines = app.get("/ocds/releases.jsonl").await.text();
    std::fs::write(&file, &lines).unwrap();
    let file_arg = file.to_str().unwrap().to_owned();
    let (code, out) = verify_log(&server, &["--releases", &file_arg]).await;
    assert_eq!(code, Some(0), "{out}");
    std::fs::write(&file, lines.replace("Tamper test 2", "Tamper test X")).unwrap();
    let (code, out) = verify_log(&server, &["--releases", &file_arg]).await;
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(bad_lines(&out).len(), 1, "{out}");
    assert!(
        out.contains(&format!(
            "BAD sequence 2 release {} ocid ocds-demo00-tamper-2: the release was changed",
            ids[2]
        )),
        "{out}"
    );

    let db = &app.state.db;
    disable_append_only_triggers(db).await;
    db.execute_unprepared(
        "UPDATE releases SET body = replace(body, 'Tamper test 3', 'Tamper test 9') \
         WHERE sequence = 3",
    )
    .await
    .unwrap();
    let (code, out) = verify_log(&server, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(bad_lines(&out).len(), 1, "only the changed release: {out}");
    assert!(
        out.contains(&format!(
            "BAD sequence 3 release {} ocid ocds-demo00-tamper-3: the release was changed",
            ids[3]
        )),
        "{out}"
    );

    for sql in [
        "DELETE FROM release_facets WHERE sequence = 5",
        "DELETE FROM releases WHERE sequence = 5",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    let (code, out) = verify_log(&server, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("BAD sequence 5: missing from the log (removed)"),
        "{out}"
    );
    assert!(out.contains("BAD sequence 3 release"), "{out}");

    // Removing the newest release leaves a shorter log that is consistent in itself; the head
    // saved earlier is what shows the truncation.
    for sql in [
        "DELETE FROM release_facets WHERE sequence = 6",
        "DELETE FROM releases WHERE sequence = 6",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    let (code, out) = verify_log(&server, &["--expect-head", &saved]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("BAD sequence 6: the expected head is at this sequence but the log ends at 4"),
        "{out}"
    );
}

/// One run of the load: its acknowledged and rolled-back action ids.
#[derive(Debug, Default)]
struct LoadRun {
    acked: Vec<String>,
    rolled_back: Vec<String>,
}

/// Starts `publish_load`; after `kill_after` acks it is SIGKILLed mid-load (`None`: it runs
/// its `actions` to the end). Every line it printed before dying is read.
async fn run_load(
    url: &str,
    tag: &str,
    actions: Option<u64>,
    kill_after: Option<usize>,
) -> LoadRun {
    let (url, tag) = (url.to_owned(), tag.to_owned());
    tokio::task::spawn_blocking(move || {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_publish_load"));
        command.arg(&url).arg(&tag);
        if let Some(n) = actions {
            command.arg(n.to_string());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("start publish_load");
        let stdout = child.stdout.take().unwrap();
        let mut run = LoadRun::default();
        let started = Instant::now();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            match line.split_once(' ') {
                Some(("ack", id)) => run.acked.push(id.to_owned()),
                Some(("rollback", id)) => run.rolled_back.push(id.to_owned()),
                _ => panic!("unexpected output {line:?}"),
            }
            if kill_after.is_some_and(|n| run.acked.len() == n) {
                // Child::kill is SIGKILL on Unix: no destructor, no rollback, no flush.
                child.kill().unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "load {tag} too slow"
            );
        }
        let status = child.wait().unwrap();
        let errors = std::fs::read_to_string(log.path()).unwrap();
        match kill_after {
            Some(n) => assert!(
                run.acked.len() >= n && status.code().is_none(),
                "load {tag} should have been killed after {n} acks: {status:?} {errors}"
            ),
            None => assert!(status.success(), "load {tag} failed: {errors}"),
        }
        run
    })
    .await
    .unwrap()
}

/// Every acknowledged action has its release, no release lacks its action, no rolled-back
/// action left anything, and the sequence is 1..=N; returns N.
async fn check_actions_and_releases(db: &DatabaseConnection, runs: &[LoadRun]) -> i64 {
    let found = rows(
        db,
        "SELECT l.action_id, r.ocid, r.release_id FROM load_actions l \
         JOIN releases r ON r.sequence = l.sequence AND r.release_id = l.release_id",
    )
    .await;
    let mut with_release = BTreeSet::new();
    for row in &found {
        let action: String = row.try_get("", "action_id").unwrap();
        let ocid: String = row.try_get("", "ocid").unwrap();
        assert_eq!(ocid, format!("ocds-demo00-load-{action}"));
        with_release.insert(action);
    }
    for run in runs {
        for id in &run.acked {
            assert!(
                with_release.contains(id),
                "acknowledged action {id} has no release"
            );
        }
        for id in &run.rolled_back {
            assert!(
                !with_release.contains(id),
                "rolled-back action {id} left a row"
            );
            let left = rows(
                db,
                &format!("SELECT sequence FROM releases WHERE ocid = 'ocds-demo00-load-{id}'"),
            )
            .await;
            assert!(left.is_empty(), "rolled-back action {id} left a release");
        }
    }
    let orphans = rows(
        db,
        "SELECT r.release_id FROM releases r \
         LEFT JOIN load_actions l ON l.release_id = r.release_id WHERE l.action_id IS NULL",
    )
    .await;
    assert!(
        orphans.is_empty(),
        "{} releases without an action",
        orphans.len()
    );
    let sequences = sequences(db).await;
    let total = sequences.len() as i64;
    assert_eq!(sequences, (1..=total).collect::<Vec<_>>(), "gap-free");
    assert_eq!(with_release.len() as i64, total, "one action per release");
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publishing_load_killed_with_sigkill_and_restarted_keeps_every_acknowledged_action() {
    let server = TestServer::start().await;
    let url = server.app.database.url.clone();
    let mut runs = Vec::new();
    runs.push(run_load(&url, "k1", None, Some(20)).await);
    runs.push(run_load(&url, "k2", None, Some(20)).await);
    runs.push(run_load(&url, "k3", Some(15), None).await);
    let total = check_actions_and_releases(&server.app.state.db, &runs).await;
    let acked: usize = runs.iter().map(|r| r.acked.len()).sum();
    assert!(
        total as usize >= acked && acked >= 52,
        "{total} releases, {acked} acks"
    );

    let (code, out) = verify_log(&server, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with(&format!("verified {total} releases, head {total} chain ")),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_load_processes_on_one_postgresql_leave_no_gap_no_duplicate_and_a_verified_chain() {
    if backend() != Backend::Postgres {
        println!(
            "skipped: two processes publishing at once needs PostgreSQL; set TEST_DATABASE_URL"
        );
        return;
    }
    let server = TestServer::start().await;
    let url = server.app.database.url.clone();
    let (a, b) = tokio::join!(
        run_load(&url, "p1", Some(150), None),
        run_load(&url, "p2", Some(150), None)
    );
    assert_eq!((a.acked.len(), b.acked.len()), (120, 120));
    let total = check_actions_and_releases(&server.app.state.db, &[a, b]).await;
    assert_eq!(total, 240);
    let interleaved = rows(
        &server.app.state.db,
        "SELECT count(*) AS n FROM releases r1 JOIN releases r2 ON r2.sequence = r1.sequence + 1 \
         WHERE substr(r1.ocid, 1, 20) <> substr(r2.ocid, 1, 20)",
    )
    .await[0]
        .try_get::<i64>("", "n")
        .unwrap();
    println!("the two processes alternated {interleaved} times");

    let (code, out) = verify_log(&server, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("verified 240 releases, head 240 chain "),
        "{out}"
    );
}
