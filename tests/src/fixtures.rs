//! Data that many tests start from.

use chrono::{Duration, Utc};
use marco::domain::content::CLOUD_CONTENT;
use marco::domain::framework::Timetable;
use marco::frameworks::lifecycle::{self, NewFramework};
use marco::frameworks::{Actor, Framework};

use crate::TestApp;

/// A timetable that starts in the future: clarifications close in 5 days, applications in
/// 10, the award in 20, going live in 30, expiry in 400.
pub fn future_timetable() -> Timetable {
    let now = Utc::now();
    Timetable {
        clarifications_close_at: now + Duration::days(5),
        applications_close_at: now + Duration::days(10),
        intention_to_award_at: now + Duration::days(20),
        goes_live_at: now + Duration::days(30),
        expires_at: now + Duration::days(400),
    }
}

/// "Cloud Services 9" from Marco's cloud content file, on a future timetable.
pub fn cloud_framework(description: &str) -> NewFramework {
    NewFramework {
        name: "Cloud Services 9".into(),
        family: "Cloud Services".into(),
        iteration: 9,
        description: description.into(),
        content: CLOUD_CONTENT.into(),
        timetable: future_timetable(),
        previous_id: None,
    }
}

/// Creates [`cloud_framework`] (in the `coming` state), as the clock or the demo would.
pub async fn create_cloud_framework(app: &TestApp, description: &str) -> Framework {
    lifecycle::create(&app.state, &Actor::default(), cloud_framework(description))
        .await
        .expect("framework created")
}

/// The demo accounts and `count` live, indexed services on a live framework (the benchmark
/// seed's cloud framework, a quarter in each of its four lots): the first half from the demo
/// supplier Nube Andina, the rest from Brightlane Digital, so their demo users can act on
/// orders. Returns (Nube Andina's services, Brightlane's), oldest first.
pub async fn demo_shop(
    app: &TestApp,
    count: usize,
) -> (
    Vec<marco::entities::service::Model>,
    Vec<marco::entities::service::Model>,
) {
    use marco::entities::{organisation, service};
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    };
    marco::seed::load(&app.state.db).await.expect("demo data");
    marco::frameworks::bench::seed_catalogue(&app.state, count)
        .await
        .expect("benchmark catalogue");
    let org = |name: &'static str| async move {
        organisation::Entity::find()
            .filter(organisation::Column::Name.eq(name))
            .one(&app.state.db)
            .await
            .expect("read organisations")
            .expect("a demo supplier")
            .id
    };
    let nube = org("Nube Andina").await;
    let bright = org("Brightlane Digital").await;
    let services = service::Entity::find()
        .order_by_asc(service::Column::Id)
        .all(&app.state.db)
        .await
        .expect("read services");
    let half = services.len() / 2;
    let mut split = (Vec::new(), Vec::new());
    for (i, svc) in services.into_iter().enumerate() {
        let mut active = svc.into_active_model();
        active.organisation_id = Set(if i < half { nube } else { bright });
        let svc = active.update(&app.state.db).await.expect("move a service");
        if i < half {
            split.0.push(svc);
        } else {
            split.1.push(svc);
        }
    }
    // The benchmark seed writes services without queueing index updates: index them as
    // `marco reindex` does.
    let indexed = marco::search::reindex(
        app.state.search.as_ref(),
        marco::search::database_documents(&app.state.db),
        &marco::search::reindex_progress_bar(Some(count as u64)),
    )
    .await
    .expect("index the services");
    assert_eq!(indexed, count as u64);
    split
}
