//! Work for `bench/search.sh`, behind a hidden `marco bench-catalogue` command: fill the
//! database with a live Cloud Services framework and many generated services, as the
//! framework flows would leave them, so that `marco reindex` and the catalogue pages can be
//! measured at scale. It skips applications and evaluation on purpose: this is a fixture.

use std::time::Instant;

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use super::Actor;
use super::catalogue::insert_live_service;
use super::demo::{answers_for, ensure_suppliers};
use super::lifecycle::{self, NewFramework};
use crate::domain::content::{CLOUD_CONTENT, ContentFile};
use crate::domain::framework::{FrameworkStatus, Timetable};
use crate::state::AppState;

/// Services written per transaction.
const PER_TRANSACTION: usize = 2_000;

/// Suppliers the services are spread over.
const SUPPLIERS: usize = 400;

/// Creates a live framework with `count` generated services over 400 suppliers. The search
/// index is not touched: run `marco reindex` afterwards.
pub async fn seed_catalogue(state: &AppState, count: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let suppliers = ensure_suppliers(state, SUPPLIERS).await?;
    let now = Utc::now();
    let fw = lifecycle::create(
        state,
        &Actor::default(),
        NewFramework {
            name: "Cloud Services (benchmark)".into(),
            family: "Cloud Services".into(),
            iteration: 90,
            description: "Generated services for the search benchmark.".into(),
            content: CLOUD_CONTENT.into(),
            timetable: Timetable {
                clarifications_close_at: now - Duration::days(40),
                applications_close_at: now - Duration::days(30),
                intention_to_award_at: now - Duration::days(20),
                goes_live_at: now - Duration::days(1),
                expires_at: now + Duration::days(700),
            },
            previous_id: None,
        },
    )
    .await?;
    let mut active = fw.clone().into_active_model();
    active.status = Set(FrameworkStatus::Live.as_str().into());
    let fw = active.update(&state.db).await?;
    let content = ContentFile::parse(CLOUD_CONTENT)?;
    let mut done = 0;
    while done < count {
        let txn = state.begin_write().await?;
        let end = (done + PER_TRANSACTION).min(count);
        for i in done..end {
            let lot = &content.lots[i % content.lots.len()];
            let supplier = &suppliers[(i * 7919) % suppliers.len()];
            let form = answers_for(lot, &supplier.name, i);
            let answers = lot
                .validate_complete(&form)
                .map_err(|e| anyhow::anyhow!("generated answers do not validate: {e:?}"))?;
            insert_live_service(
                &txn,
                fw.id,
                supplier.id,
                &lot.slug,
                answers.to_json(),
                &lot.summary(&answers),
                now,
            )
            .await?;
        }
        txn.commit().await?;
        done = end;
        println!(
            "bench-catalogue: {done}/{count} services ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
