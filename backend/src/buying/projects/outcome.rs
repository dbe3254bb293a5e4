//! The final outcome of a project: awarded, cancelled or none suitable, and its OCDS.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::super::award_ocds::{self, Listed};
use super::super::{Actor, FlowError, Viewer, money_text};
use super::*;
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::Money;
use crate::domain::project::ProjectStatus;
use crate::entities::{contract, da_project, framework};
use crate::frameworks::store as catalogue;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::publish::{self};
use crate::state::AppState;

#[derive(Clone, Debug)]
pub enum Outcome {
    /// A service on the short list, with the value, the contract dates and why it was chosen.
    Awarded {
        /// The service's public id.
        service: String,
        /// The value as typed.
        value: String,
        /// Its ISO 4217 currency.
        currency: String,
        /// Contract start, `YYYY-MM-DD`.
        start: String,
        /// Contract end, `YYYY-MM-DD`.
        end: String,
        /// Why this service over the others.
        reason: String,
    },
    /// Stopped, with a reason.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// None of the short list met the need, with a reason.
    NoneSuitable {
        /// Why.
        reason: String,
    },
}

fn problem(errors: &mut FieldErrors, name: &str, code: &str, message: &str) {
    errors.insert(
        name.into(),
        FieldError {
            code: code.into(),
            message: message.into(),
        },
    );
}

fn day(raw: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
}

/// Records the outcome. It is final: a second outcome is refused.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    outcome: Outcome,
) -> Result<da_project::Model, FlowError> {
    let reason = match &outcome {
        Outcome::Awarded { reason, .. }
        | Outcome::Cancelled { reason }
        | Outcome::NoneSuitable { reason } => reason.trim().to_owned(),
    };
    let mut errors = FieldErrors::new();
    if reason.is_empty() {
        problem(
            &mut errors,
            "reason",
            "outcome_reason",
            "Give the reason for this outcome",
        );
    } else if reason.chars().count() > marco_frontend::forms::max_chars("reason") {
        problem(
            &mut errors,
            "reason",
            "too_long",
            "Write at most 5000 characters",
        );
    }
    let to = match outcome {
        Outcome::Awarded { .. } => ProjectStatus::Awarded,
        Outcome::Cancelled { .. } => ProjectStatus::Cancelled,
        Outcome::NoneSuitable { .. } => ProjectStatus::NoneSuitable,
    };
    let mut award = None;
    if let Outcome::Awarded {
        service,
        value,
        currency,
        start,
        end,
        ..
    } = &outcome
    {
        let money = Money::parse(value, currency);
        if money.as_ref().map_or(true, |m| m.amount().is_zero()) {
            problem(
                &mut errors,
                "value",
                "award_value",
                "Enter the contract value as an amount above 0, such as 250000",
            );
        }
        let (start, end) = (day(start), day(end));
        if start.is_none() {
            problem(
                &mut errors,
                "start",
                "date",
                "Enter the start date as YYYY-MM-DD",
            );
        }
        if end.is_none() {
            problem(
                &mut errors,
                "end",
                "date",
                "Enter the end date as YYYY-MM-DD",
            );
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            problem(
                &mut errors,
                "end",
                "award_date_order",
                "The end date must be on or after the start date",
            );
        }
        award = Some((service.trim().to_owned(), money.ok(), start, end));
    }
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let txn = state.begin_write().await?;
    let p = project(&txn, id, who).await?;
    let from = status(&p)?;
    from.check_transition(to).map_err(refused)?;
    let shortlist = shortlist_rows(&txn, p.id).await?;
    let chosen = match &award {
        Some((service, ..)) => Some(
            shortlist
                .iter()
                .find(|row| row.service.public_id == *service)
                .ok_or_else(|| {
                    FlowError::field(
                        "service",
                        "not_on_shortlist",
                        "Choose a service from the frozen short list",
                    )
                })?,
        ),
        None => None,
    };
    let now = Utc::now();
    let claimed = da_project::Entity::update_many()
        .col_expr(da_project::Column::Status, Expr::value(to.as_str()))
        .col_expr(da_project::Column::UpdatedAt, Expr::value(now))
        .filter(da_project::Column::Id.eq(p.id))
        .filter(da_project::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let mut active = p.clone().into_active_model();
    active.status = Set(to.as_str().into());
    active.outcome_reason = Set(Some(reason.clone()));
    active.decided_by = Set(Some(who.user_id));
    active.decided_at = Set(Some(now));
    active.updated_at = Set(now);
    if let (Some(row), Some((_, Some(money), Some(start), Some(end)))) = (chosen, &award) {
        active.awarded_entry_id = Set(Some(row.entry.id));
        active.award_value = Set(Some(money.amount()));
        active.award_currency = Set(Some(money.code().to_owned()));
        active.award_start = Set(Some(*start));
        active.award_end = Set(Some(*end));
    }
    let p = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            &format!("project_{}", to.as_str()),
            format!("direct-award project {}", p.id),
        )
        .await?;
    let buyer = catalogue::organisation(&txn, p.buyer_org_id).await?;
    let listed: Vec<Listed<'_>> = shortlist
        .iter()
        .map(|row| Listed {
            id: &row.service.public_id,
            version: row.version.version,
            name: &row.name,
            supplier: &row.supplier,
            lot: &row.service.lot,
        })
        .collect();
    let public_url = state.config.public_url.clone();
    match chosen {
        Some(row) => {
            let made = contract::ActiveModel {
                ocid: Set(p.ocid.clone()),
                route: Set("award".into()),
                project_id: Set(Some(p.id)),
                buyer_org_id: Set(p.buyer_org_id),
                supplier_org_id: Set(row.supplier.id),
                framework_id: Set(row.framework.id),
                lots: Set(row.service.lot.clone()),
                title: Set(format!("{} ({})", p.name, row.name)
                    .chars()
                    .take(300)
                    .collect()),
                value: Set(p.award_value.unwrap_or_default()),
                currency: Set(p.award_currency.clone().unwrap_or_default()),
                start_at: Set(p.award_start.unwrap_or(now)),
                end_at: Set(p.award_end.unwrap_or(now)),
                status: Set("active".into()),
                signed_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            crate::contracts::delivery::first_module(&txn, &made, &row.name).await?;
            let chosen_listed = Listed {
                id: &row.service.public_id,
                version: row.version.version,
                name: &row.name,
                supplier: &row.supplier,
                lot: &row.service.lot,
            };
            let body = award_ocds::awarded(
                &p,
                &buyer,
                &chosen_listed,
                &listed,
                &award_ocds::FrameworkRef {
                    ocid: &row.framework.ocid,
                    name: &row.framework.name,
                },
                &public_url,
            );
            publish::publish(
                &txn,
                &state.publisher,
                &p.ocid,
                &["award", "contract"],
                body,
            )
            .await?;
            let people = catalogue::recipients(&txn, row.supplier.id).await?;
            for person in people {
                let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
                mail::enqueue(
                    &txn,
                    OutgoingMail {
                        to: person.email.clone(),
                        lang,
                        kind: MailKind::DirectAward {
                            buyer: buyer.name.clone(),
                            service: row.name.clone(),
                            value: money_text(
                                p.award_value.unwrap_or_default(),
                                p.award_currency.as_deref().unwrap_or_default(),
                                lang.code(),
                            ),
                            link: format!(
                                "{}/direct-awards/{}",
                                public_url.trim_end_matches('/'),
                                p.id
                            ),
                        },
                    },
                )
                .await?;
            }
        }
        None if p.search_ended_at.is_some() => {
            let mut frameworks: Vec<&framework::Model> = Vec::new();
            for row in &shortlist {
                if !frameworks.iter().any(|f| f.id == row.framework.id) {
                    frameworks.push(&row.framework);
                }
            }
            let refs: Vec<award_ocds::FrameworkRef<'_>> = frameworks
                .iter()
                .map(|f| award_ocds::FrameworkRef {
                    ocid: &f.ocid,
                    name: &f.name,
                })
                .collect();
            let body = award_ocds::closed(
                &p,
                &buyer,
                to == ProjectStatus::NoneSuitable,
                &refs,
                &public_url,
            );
            publish::publish(&txn, &state.publisher, &p.ocid, &["tender"], body).await?;
        }
        None => {}
    }
    txn.commit().await?;
    Ok(p)
}
