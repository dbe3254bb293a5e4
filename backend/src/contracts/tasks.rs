//! What a contract needs from each side, for the dashboards: deliveries to decide (flagged
//! when the acceptance period is over, on both sides), payments, changes to decide, ratings
//! to give or answer, milestones due or late, and benefit reports due or late.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::store::{self, Timeline};
use super::{FlowError, Viewer, benefits, ended, in_modules};
use crate::domain::contract::{ChangeStatus, MilestoneStatus, Side};

/// One thing to do on one contract: a stable key (`dash-task-{key}`), the contract's title
/// and where to do it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractTask {
    /// Stable key.
    pub key: &'static str,
    /// The contract's title.
    pub title: String,
    /// The working page.
    pub link: String,
}

/// Days ahead that a milestone's due date shows on the supplier's dashboard.
pub const DUE_SOON_DAYS: i64 = 14;

fn pending_decisions(t: &Timeline, now: DateTime<Utc>) -> (usize, usize) {
    let mut waiting = 0;
    let mut overdue = 0;
    for m in &t.milestones {
        if Timeline::status(m) == MilestoneStatus::Delivered {
            if t.deliveries_of(m.id)
                .any(|d| d.decision == "pending" && now > d.decide_by)
            {
                overdue += 1;
            } else {
                waiting += 1;
            }
        }
    }
    (waiting, overdue)
}

/// Everything the contracts of `who`'s organisation need from them.
pub async fn tasks<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    side: Side,
    can_award: bool,
    now: DateTime<Utc>,
) -> Result<Vec<ContractTask>, FlowError> {
    let mut out = Vec::new();
    for c in store::contracts_on(db, who.organisation_id, side).await? {
        let link = format!("/contracts/{}/manage", c.id);
        let has_case = side == Side::Buyer && benefits::indicators_of(db, &c).await?.is_some();
        let t = store::timeline(db, c).await?;
        let mut push = |key: &'static str| {
            out.push(ContractTask {
                key,
                title: t.contract.title.clone(),
                link: link.clone(),
            })
        };
        let (waiting, overdue) = pending_decisions(&t, now);
        let open_change = t
            .changes
            .iter()
            .find(|ch| ChangeStatus::parse(&ch.status).is_some_and(ChangeStatus::open));
        match side {
            Side::Buyer => {
                if overdue > 0 {
                    push("delivery_overdue");
                } else if waiting > 0 {
                    push("delivery_to_decide");
                }
                if t.milestones
                    .iter()
                    .any(|m| Timeline::status(m) == MilestoneStatus::Accepted)
                {
                    push("milestone_to_pay");
                }
                if let Some(ch) = open_change {
                    let mine = match ChangeStatus::parse(&ch.status) {
                        Some(ChangeStatus::AwaitingBuyer) => true,
                        Some(ChangeStatus::AwaitingApproval) => {
                            can_award
                                && ch.requested_by != who.user_id
                                && ch.endorsed_by != Some(who.user_id)
                        }
                        _ => false,
                    };
                    if mine {
                        push("change_to_decide");
                    }
                }
                let unrated = t.milestones.iter().any(|m| {
                    Timeline::status(m).met()
                        && !t.ratings.iter().any(|r| r.milestone_id == Some(m.id))
                });
                if unrated || (ended(&t.contract) && !t.ratings.iter().any(|r| r.stage == "final"))
                {
                    push("rate_supplier");
                }
                if has_case {
                    let due = benefits::schedule(&t.contract, &t.reports, now);
                    if due.iter().any(|d| d.late) {
                        push("report_late");
                    } else if due.iter().any(|d| {
                        d.filed.is_none() && d.open && d.due <= now + Duration::days(DUE_SOON_DAYS)
                    }) {
                        push("report_due");
                    }
                }
            }
            Side::Supplier => {
                if overdue > 0 {
                    push("acceptance_overdue");
                }
                if in_modules(&t.contract) && !ended(&t.contract) {
                    let todo = |m: &&super::Milestone| {
                        matches!(
                            Timeline::status(m),
                            MilestoneStatus::Planned | MilestoneStatus::Rejected
                        )
                    };
                    if t.milestones
                        .iter()
                        .filter(todo)
                        .any(|m| Timeline::status(m) == MilestoneStatus::Rejected)
                    {
                        push("delivery_rejected");
                    }
                    if t.milestones.iter().filter(todo).any(|m| m.due_at < now) {
                        push("milestone_late");
                    } else if t
                        .milestones
                        .iter()
                        .filter(todo)
                        .any(|m| m.due_at <= now + Duration::days(DUE_SOON_DAYS))
                    {
                        push("milestone_due");
                    }
                }
                if t.ratings.iter().any(|r| r.reply.is_none()) {
                    push("rating_to_reply");
                }
            }
        }
    }
    Ok(out)
}
