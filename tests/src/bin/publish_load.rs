//! `publish_load DATABASE_URL TAG [ACTIONS]`: the publishing load that the crash and
//! two-process tests of the release log (issue 5) kill, restart and run side by side.
//!
//! Each action, in one database transaction, records its state change as a row of the
//! test-only table `load_actions` and publishes its release with `marco::publish::publish`,
//! then commits and prints `ack {action_id}`. Every fifth action fails after publishing: it is
//! rolled back and prints `rollback {action_id}`, so a test can check that a failed action left
//! no release. With no `ACTIONS` it runs until killed.
//!
//! It is a binary of the test crate, not a hidden `marco` sub-command, because it exists only
//! to be SIGKILLed by tests and writes a table that a real deployment must never have; as a
//! `[[bin]]` here, Cargo builds it before the integration tests and gives them its path in
//! `CARGO_BIN_EXE_publish_load`. Its action table is test-only because no real table can be
//! written without the users, organisations and frameworks a real action needs, which would tie
//! the crash test to other flows' schemas.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use marco::publish::{Publisher, publish};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

/// The ocid prefix of the releases (Marco's demo prefix).
const PREFIX: &str = "ocds-demo00";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(tag)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: publish_load DATABASE_URL TAG [ACTIONS]");
    };
    let actions: u64 = match args.next() {
        Some(n) => n.parse().context("ACTIONS is a whole number")?,
        None => u64::MAX,
    };
    let db = marco_tests::database::connect(&url).await;
    create_table(&db).await?;
    let publisher = Publisher::new(PREFIX, true)?;
    let mut out = std::io::stdout().lock();
    for n in 0..actions {
        let action_id = format!("{tag}-{n}");
        let ocid = format!("{PREFIX}-load-{action_id}");
        let txn = marco::db::begin_immediate(&db).await?;
        let published = publish(
            &txn,
            &publisher,
            &ocid,
            &["tender"],
            tender(&format!("Load {action_id}")),
        )
        .await?;
        let record = Query::insert()
            .into_table(Alias::new("load_actions"))
            .columns(["action_id", "release_id", "sequence"].map(Alias::new))
            .values_panic([
                action_id.clone().into(),
                published.release_id.into(),
                published.sequence.into(),
            ])
            .to_owned();
        txn.execute(&record).await?;
        if n % 5 == 4 {
            txn.rollback().await?;
            writeln!(out, "rollback {action_id}")?;
        } else {
            txn.commit().await?;
            // Acknowledged only once committed: an ack promises that the action is durable.
            writeln!(out, "ack {action_id}")?;
        }
        out.flush()?;
    }
    Ok(())
}

/// Creates `load_actions` once; two processes starting together may race on PostgreSQL's
/// catalogue even with `IF NOT EXISTS`, so a failed attempt is retried.
async fn create_table(db: &DatabaseConnection) -> anyhow::Result<()> {
    let sql = "CREATE TABLE IF NOT EXISTS load_actions (action_id VARCHAR(100) PRIMARY KEY, \
               release_id VARCHAR(255) NOT NULL UNIQUE, sequence BIGINT NOT NULL UNIQUE)";
    let mut attempt = 0;
    loop {
        match db.execute_unprepared(sql).await {
            Ok(_) => return Ok(()),
            Err(_) if attempt < 10 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => return Err(error).context("creating load_actions"),
        }
    }
}

fn tender(title: &str) -> serde_json::Value {
    json!({
        "parties": [{
            "id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo",
            "identifier": {"scheme": "CL-RUT", "id": "60808000-K"},
            "roles": ["buyer", "procuringEntity"]
        }],
        "buyer": {"id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo"},
        "tender": {"id": "load", "title": title, "status": "active"}
    })
}
