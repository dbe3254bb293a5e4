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

/// The people of a brief: the demo buyers and reviewer, and four suppliers with a verified
/// user each: three with a live service on the outcomes lot (Nube Andina, Brightlane Digital,
/// and a generated SME), one without.
pub struct BriefWorld {
    /// The slug of the live outcomes framework.
    pub framework: String,
    /// Suppliers on the lot: (e-mail, organisation id).
    pub on_lot: Vec<(String, i64)>,
    /// A supplier off the lot: (e-mail, organisation id).
    pub off_lot: (String, i64),
}

/// A verified user of `organisation` with `roles`, signing in with the demo password.
pub async fn verified_user(app: &TestApp, organisation: i64, email: &str, roles: &[&str]) -> i64 {
    use marco::entities::{user, user_role};
    use sea_orm::{ActiveModelTrait, Set};
    let created =
        user::ActiveModel {
            organisation_id: Set(organisation),
            email: Set(email.into()),
            name: Set(format!("Person {email}")),
            password_hash: Set(
                marco::domain::password::hash(marco::seed::DEMO_PASSWORD).expect("hash")
            ),
            locale: Set("en".into()),
            email_verified_at: Set(Some(chrono::Utc::now())),
            active: Set(true),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .expect("a user");
    for role in roles {
        user_role::ActiveModel {
            user_id: Set(created.id),
            role: Set((*role).into()),
            approval_limit: Set(None),
            approval_limit_currency: Set(None),
        }
        .insert(&app.state.db)
        .await
        .expect("a role");
    }
    created.id
}

/// The demo accounts, the demo frameworks (a live Digital Outcomes and Specialists framework),
/// and the suppliers of [`BriefWorld`].
pub async fn brief_world(app: &TestApp) -> BriefWorld {
    use marco::entities::{framework, organisation, service};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    marco::seed::load(&app.state.db).await.expect("demo data");
    marco::frameworks::demo::load(&app.state)
        .await
        .expect("demo frameworks");
    let fw = framework::Entity::find()
        .filter(framework::Column::Slug.eq("digital-outcomes-and-specialists-1"))
        .one(&app.state.db)
        .await
        .expect("frameworks")
        .expect("the outcomes framework");
    let live = service::Entity::find()
        .filter(service::Column::FrameworkId.eq(fw.id))
        .filter(service::Column::Lot.eq("digital-outcomes"))
        .filter(service::Column::Status.eq("live"))
        .order_by_asc(service::Column::Id)
        .all(&app.state.db)
        .await
        .expect("services");
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Kind.eq("supplier"))
        .order_by_asc(organisation::Column::Id)
        .all(&app.state.db)
        .await
        .expect("suppliers");
    let named = |name: &str| {
        orgs.iter()
            .find(|o| o.name == name)
            .expect("a demo supplier")
            .id
    };
    let nube = named("Nube Andina");
    let bright = named("Brightlane Digital");
    let third = live
        .iter()
        .map(|s| s.organisation_id)
        .find(|o| *o != nube && *o != bright)
        .expect("a third supplier on the lot");
    let off = orgs
        .iter()
        .map(|o| o.id)
        .find(|o| !live.iter().any(|s| s.organisation_id == *o))
        .expect("a supplier off the lot");
    verified_user(app, third, "team@third.example", &["supplier_admin"]).await;
    verified_user(app, off, "team@offlot.example", &["supplier_admin"]).await;
    BriefWorld {
        framework: fw.slug,
        on_lot: vec![
            ("supplier@nubeandina.example".into(), nube),
            ("supplier@brightlane.example".into(), bright),
            ("team@third.example".into(), third),
        ],
        off_lot: ("team@offlot.example".into(), off),
    }
}
