//! Work for `bench/feeds.sh`, behind hidden `marco` subcommands: fill the log with generated
//! valid releases through `publish` in big transactions, and time a bulk export from scratch.

use std::time::Instant;

use serde_json::{Value, json};

use super::{bulk, publish};
use crate::state::AppState;

/// Releases per transaction while seeding.
const PER_TRANSACTION: u64 = 5_000;

/// One generated release body: an award with its contract, a milestone and a payment, about
/// 1.5 KB of canonical JSON, like a call-off order of the demo.
fn body(n: u64) -> Value {
    let buyer = format!("CL-RUT-6{:07}-K", n % 97);
    let supplier = format!("CL-RUT-7{:07}-3", n % 1009);
    json!({
        "parties": [
            {"id": buyer, "name": format!("Servicio Público {}", n % 97),
             "identifier": {"scheme": "CL-RUT", "id": format!("6{:07}-K", n % 97)},
             "address": {"locality": "Santiago", "countryName": "Chile"},
             "roles": ["buyer", "payer"]},
            {"id": supplier, "name": format!("Proveedor {} SpA", n % 1009),
             "identifier": {"scheme": "CL-RUT", "id": format!("7{:07}-3", n % 1009)},
             "roles": ["supplier", "payee"], "details": {"scale": "small"}}
        ],
        "buyer": {"id": buyer, "name": format!("Servicio Público {}", n % 97)},
        "awards": [{
            "id": format!("award-{n}"), "status": "active", "date": "2026-03-01T00:00:00Z",
            "title": format!("Call-off order {n} for cloud hosting and support"),
            "value": {"amount": 1000 + n % 50_000, "currency": "CLP"},
            "suppliers": [{"id": supplier, "name": format!("Proveedor {} SpA", n % 1009)}]
        }],
        "contracts": [{
            "id": format!("contract-{n}"), "awardID": format!("award-{n}"), "status": "active",
            "title": format!("Call-off contract {n}"),
            "value": {"amount": 1000 + n % 50_000, "currency": "CLP"},
            "period": {"startDate": "2026-03-01T00:00:00Z", "endDate": "2027-02-28T00:00:00Z"},
            "milestones": [{"id": format!("m-{n}"), "title": "Delivery", "type": "delivery",
                            "status": "scheduled", "dueDate": "2026-04-01T00:00:00Z"}],
            "implementation": {"transactions": [{
                "id": format!("payment-{n}"), "date": "2026-05-01T00:00:00Z",
                "value": {"amount": 500 + n % 50_000, "currency": "CLP"},
                "payer": {"id": buyer, "name": format!("Servicio Público {}", n % 97)},
                "payee": {"id": supplier, "name": format!("Proveedor {} SpA", n % 1009)}
            }]}
        }]
    })
}

/// Publishes `count` generated releases over `count / 10` contracting processes.
pub async fn seed(state: &AppState, count: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let processes = (count / 10).max(1);
    let mut done = 0;
    while done < count {
        let txn = state.begin_write().await?;
        let batch = PER_TRANSACTION.min(count - done);
        for n in done..done + batch {
            let ocid = format!("{}-bench-{}", state.config.ocid_prefix, n % processes);
            publish(
                &txn,
                &state.publisher,
                &ocid,
                &["award", "contract", "implementation"],
                body(n),
            )
            .await?;
        }
        txn.commit().await?;
        done += batch;
        eprintln!(
            "marco bench: {done}/{count} releases published ({:.0}/s)",
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Deletes the bulk folder, exports everything, and prints the timings as one JSON line.
pub async fn export(state: &AppState) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(state.bulk.dir()) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
        _ => {}
    }
    let started = Instant::now();
    let report = bulk::refresh(state).await?;
    let total = started.elapsed();
    let manifest = state.bulk.manifest()?;
    let size = |name: &str| {
        manifest
            .files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.size)
    };
    println!(
        "{}",
        json!({
            "releases": report.last_sequence,
            "releasesSeconds": report.releases_time.as_secs_f64(),
            "recordsSeconds": report.records_time.as_secs_f64(),
            "csvSeconds": report.csv_time.as_secs_f64(),
            "totalSeconds": total.as_secs_f64(),
            "releasesBytes": size(bulk::RELEASES),
            "recordsBytes": size(bulk::RECORDS),
            "csvBytes": size(bulk::CSV_ZIP),
            "bulkDir": state.bulk.dir().display().to_string(),
        })
    );
    Ok(())
}
