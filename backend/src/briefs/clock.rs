//! The briefs' clock: it opens the responses of briefs whose closing time has passed, makes
//! the contract of briefs whose standstill is over with no complaint waiting, and sends the
//! daily digest of new briefs to suppliers who asked for one. Each step reads what is due from
//! the database, so a pass missed while Marco was down happens at the next start.
//!
//! Suppliers choose how they hear of new briefs on their lots: each one as it is published
//! (the default), a daily digest, or not at all.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{FlowError, Viewer, store};
use crate::entities::{brief, brief_alert, user};
use crate::mail::{self, BriefEvent, MailKind, OutgoingMail};
use crate::state::AppState;

/// How a supplier user hears of new briefs.
pub const MODES: [&str; 3] = ["each", "digest", "none"];

/// The alert mode of each of `users` that chose one (the others get each brief).
pub async fn alert_modes<C: ConnectionTrait>(
    db: &C,
    users: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, FlowError> {
    Ok(brief_alert::Entity::find()
        .filter(brief_alert::Column::UserId.is_in(users))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.user_id, a.mode))
        .collect())
}

/// A user's alert mode.
pub async fn alert_mode<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<String, FlowError> {
    Ok(alert_modes(db, [user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_else(|| "each".into()))
}

/// Sets how `who` hears of new briefs.
pub async fn set_alert_mode(
    state: &AppState,
    actor: &super::Actor,
    who: Viewer,
    mode: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    if !MODES.contains(&mode) {
        return Err(FlowError::field(
            "mode",
            "alert_mode",
            "Choose how to hear of new briefs",
        ));
    }
    let txn = state.begin_write().await?;
    match brief_alert::Entity::find()
        .filter(brief_alert::Column::UserId.eq(who.user_id))
        .one(&txn)
        .await?
    {
        Some(found) => {
            let mut active: brief_alert::ActiveModel = found.into();
            active.mode = Set(mode.into());
            active.update(&txn).await?;
        }
        None => {
            brief_alert::ActiveModel {
                user_id: Set(who.user_id),
                mode: Set(mode.into()),
                last_digest_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    actor
        .audit(&txn, "brief_alerts_set", format!("mode {mode}"))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Sends the daily digest to each supplier user who asked for one and whose last digest is a
/// day old: the briefs published on their lots since. Returns how many digests went out.
pub async fn send_digests(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = brief_alert::Entity::find()
        .filter(brief_alert::Column::Mode.eq("digest"))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|a| {
            a.last_digest_at
                .is_none_or(|at| at <= now - Duration::days(1))
        })
        .collect::<Vec<_>>();
    let mut sent = 0;
    for alert in due {
        let since = alert.last_digest_at.unwrap_or(now - Duration::days(1));
        let txn = state.begin_write().await?;
        let claimed = brief_alert::Entity::update_many()
            .col_expr(brief_alert::Column::LastDigestAt, Expr::value(now))
            .filter(brief_alert::Column::Id.eq(alert.id))
            .filter(brief_alert::Column::Mode.eq("digest"))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let Some(person) = user::Entity::find_by_id(alert.user_id)
            .one(&txn)
            .await?
            .filter(|u| u.active)
        else {
            txn.commit().await?;
            continue;
        };
        let fresh = brief::Entity::find()
            .filter(brief::Column::Status.eq("live"))
            .filter(brief::Column::PublishedAt.gt(since))
            .all(&txn)
            .await?;
        let mut titles = Vec::new();
        for b in &fresh {
            if store::on_lot(&txn, b, person.organisation_id).await? {
                titles.push(format!("{} ({})", b.title, super::link(state, b)));
            }
        }
        if !titles.is_empty() {
            let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
            mail::enqueue(
                &txn,
                OutgoingMail {
                    to: person.email.clone(),
                    lang,
                    kind: MailKind::Brief {
                        event: BriefEvent::Digest,
                        brief: titles.len().to_string(),
                        detail: titles.join("\n"),
                        link: format!(
                            "{}/opportunities",
                            state.config.public_url.trim_end_matches('/')
                        ),
                    },
                },
            )
            .await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

/// One pass of the clock at `now`: opened briefs, contracts made, digests sent.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let opened = super::responses::open_due(state, now).await?;
    let contracted = super::award::contract_due(state, now).await?;
    let digests = send_digests(state, now).await?;
    Ok(opened + contracted + digests)
}

/// The scheduled job, every minute.
pub struct BriefClockJob {
    state: AppState,
}

impl BriefClockJob {
    /// The job over `state`'s briefs.
    pub fn new(state: AppState) -> BriefClockJob {
        BriefClockJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for BriefClockJob {
    fn name(&self) -> &'static str {
        "brief_clock"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(60)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let done = tick(&self.state, Utc::now()).await?;
        Ok(match done {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
