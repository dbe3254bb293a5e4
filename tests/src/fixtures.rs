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
