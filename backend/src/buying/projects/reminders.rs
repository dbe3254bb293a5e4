//! The reminder to record an outcome, two weeks after a short list froze, and its job.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::{Actor, FlowError};
use super::*;
use crate::domain::project::ProjectStatus;
use crate::entities::da_project;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::state::AppState;

/// Reminds the buyers whose short lists have waited two weeks for an outcome; each project
/// once. Returns how many were reminded.
pub async fn remind_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = da_project::Entity::find()
        .filter(da_project::Column::Status.eq(ProjectStatus::SearchEnded.as_str()))
        .filter(da_project::Column::SearchEndedAt.lt(now - Duration::days(REMIND_AFTER_DAYS)))
        .filter(da_project::Column::RemindedAt.is_null())
        .order_by_asc(da_project::Column::Id)
        .all(&state.db)
        .await?;
    let mut reminded = 0;
    for p in due {
        let txn = state.begin_write().await?;
        let claimed = da_project::Entity::update_many()
            .col_expr(da_project::Column::RemindedAt, Expr::value(now))
            .filter(da_project::Column::Id.eq(p.id))
            .filter(da_project::Column::RemindedAt.is_null())
            .filter(da_project::Column::Status.eq(ProjectStatus::SearchEnded.as_str()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        if let Some(person) = super::super::store::user(&txn, p.created_by)
            .await?
            .filter(|u| u.active)
        {
            let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
            let days = p
                .search_ended_at
                .map(|at| (now - at).num_days())
                .unwrap_or(REMIND_AFTER_DAYS);
            mail::enqueue(
                &txn,
                OutgoingMail {
                    to: person.email.clone(),
                    lang,
                    kind: MailKind::ProjectReminder {
                        project: p.name.clone(),
                        days,
                        link: format!(
                            "{}/direct-awards/projects/{}",
                            state.config.public_url.trim_end_matches('/'),
                            p.id
                        ),
                    },
                },
            )
            .await?;
        }
        Actor::clock()
            .audit(
                &txn,
                "project_reminded",
                format!("direct-award project {}", p.id),
            )
            .await?;
        txn.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// The scheduled job that sends the reminders, hourly.
pub struct ReminderJob {
    state: AppState,
}

impl ReminderJob {
    /// The job over `state`'s projects.
    pub fn new(state: AppState) -> ReminderJob {
        ReminderJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for ReminderJob {
    fn name(&self) -> &'static str {
        "direct_award_reminders"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(3600)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let sent = remind_due(&self.state, Utc::now()).await?;
        Ok(match sent {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
