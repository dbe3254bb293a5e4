//! Questions and answers. A supplier on the lot asks (at most 100 words) until the question
//! deadline; the buyer answers, and the answer is published on the brief without the asker.
//! An answer given less than 2 days before closing moves the closing date to keep 2 days,
//! publishes the change (`tenderAmendment`) and tells every supplier on the lot.

use chrono::{DateTime, Duration, Utc};
use ocds_schema::model::TenderStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::drafting::publish_tender;
use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, when};
use crate::domain::brief::draft::end_of_day;
use crate::domain::brief::{ANSWER_MARGIN_DAYS, BriefStatus, MAX_QUESTION_WORDS, words};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_question};
use crate::frameworks::store as catalogue;
use crate::mail::BriefEvent;
use crate::state::AppState;

/// A supplier on the lot asks a question before the question deadline.
pub async fn ask(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    question: &str,
    now: DateTime<Utc>,
) -> Result<i64, FlowError> {
    let question = question.trim();
    let n = words(question);
    if n == 0 {
        return Err(FlowError::field(
            "question",
            "question_required",
            "Write your question",
        ));
    }
    if n > MAX_QUESTION_WORDS {
        return Err(FlowError::field(
            "question",
            "question_words",
            format!("Use at most {MAX_QUESTION_WORDS} words; this question has {n}"),
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, id).await?;
    if status(&b)? != BriefStatus::Live {
        return Err(FlowError::Refused("brief_not_live"));
    }
    if b.question_deadline_at.is_none_or(|d| d < now) {
        return Err(FlowError::Refused("questions_closed"));
    }
    if !store::on_lot(&txn, &b, who.organisation_id).await? {
        return Err(FlowError::Refused("not_on_lot"));
    }
    let saved = brief_question::ActiveModel {
        brief_id: Set(id),
        supplier_org_id: Set(who.organisation_id),
        asked_by: Set(who.user_id),
        question: Set(question.to_owned()),
        asked_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "brief_question_asked",
            format!("brief {id}: question {}", saved.id),
        )
        .await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// The buyer answers a question; the answer is published. A late answer moves the closing
/// date so that suppliers keep 2 days after it.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    question_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanAnswerQuestions, Role::CanPublishBriefs])?;
    let text = super::checked_text(
        "answer",
        text,
        Some(("answer_required", "Write the answer")),
    )?;
    let txn = state.begin_write().await?;
    let q = brief_question::Entity::find_by_id(question_id)
        .one(&txn)
        .await?
        .ok_or(FlowError::NotFound)?;
    let b = store::own(&txn, q.brief_id, who).await?;
    if status(&b)? != BriefStatus::Live || b.closing_at.is_none_or(|c| c <= now) {
        return Err(FlowError::Refused("brief_not_live"));
    }
    let claimed = brief_question::Entity::update_many()
        .col_expr(brief_question::Column::Answer, Expr::value(text))
        .col_expr(brief_question::Column::AnsweredBy, Expr::value(who.user_id))
        .col_expr(brief_question::Column::AnsweredAt, Expr::value(now))
        .filter(brief_question::Column::Id.eq(question_id))
        .filter(brief_question::Column::AnsweredAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("already_answered"));
    }
    let keep = now + Duration::days(ANSWER_MARGIN_DAYS);
    let closing = b.closing_at.unwrap_or(now);
    let b = if closing < keep {
        let moved = end_of_day(keep.date_naive());
        let mut d = store::draft(&b);
        d.closing = moved.date_naive().to_string();
        let version = b.version + 1;
        brief::Entity::update_many()
            .col_expr(brief::Column::ClosingAt, Expr::value(moved))
            .col_expr(brief::Column::Draft, Expr::value(d.to_json()))
            .col_expr(brief::Column::Version, Expr::value(version))
            .col_expr(brief::Column::UpdatedAt, Expr::value(now))
            .filter(brief::Column::Id.eq(b.id))
            .exec(&txn)
            .await?;
        let b = store::brief(&txn, b.id).await?;
        super::live::record_edit(&txn, &b, "closing_moved", &["closing"], None, now).await?;
        publish_tender(
            &txn,
            state,
            &b,
            &["tenderAmendment"],
            TenderStatus::Active,
            Some((
                format!("version-{version}"),
                format!(
                    "A question was answered less than {ANSWER_MARGIN_DAYS} days before closing, so the closing date moved to keep {ANSWER_MARGIN_DAYS} days"
                ),
            )),
            Vec::new(),
        )
        .await?;
        let fw = catalogue::framework_by_id(&txn, b.framework_id).await?;
        let audience = store::audience(&txn, &fw, &b.lot).await?;
        super::mail_people(
            &txn,
            state,
            &audience,
            &b,
            BriefEvent::ClosingMoved,
            when(moved),
        )
        .await?;
        actor
            .audit(
                &txn,
                "brief_closing_moved",
                format!("brief {} to {}", b.id, when(moved)),
            )
            .await?;
        b
    } else {
        publish_tender(
            &txn,
            state,
            &b,
            &["tenderUpdate"],
            TenderStatus::Active,
            None,
            Vec::new(),
        )
        .await?;
        b
    };
    actor
        .audit(
            &txn,
            "brief_question_answered",
            format!("brief {}: question {question_id}", b.id),
        )
        .await?;
    txn.commit().await?;
    Ok(b)
}
