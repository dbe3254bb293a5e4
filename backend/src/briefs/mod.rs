//! Challenge-based purchases (briefs), after the UK Digital Outcomes and Specialists briefs,
//! 18F's agile purchases judged on a prototype, and the OECD's advice to buy technology by
//! describing the problem and buying in small modules:
//!
//! - `drafting`: draft, business-case review, the quality gate, publish, edit while live
//!   (kept as history), withdraw;
//! - `questions`: suppliers' questions and published answers; a late answer moves the
//!   closing date;
//! - `responses`: sealed responses (the only code that reads them) and their opening;
//! - `evaluation`: the panel, blind scoring, moderation, the ranking and the prototype
//!   challenge with its paid challenge orders;
//! - `award`: award (or not), standstill, debriefs, complaints, and the contract;
//! - `clock`: the job that opens closed briefs, makes contracts after the standstill and
//!   sends the daily digest;
//! - `ocds`: each brief's releases, its own contracting process linked to the framework.
//!
//! Each flow is one transaction holding the state change, its audit entry, its OCDS release
//! and its e-mail, as in `frameworks::lifecycle`.

pub mod award;
pub mod clock;
pub mod demo;
mod demo_awards;
mod demo_texts;
pub mod drafting;
pub mod evaluation;
mod live;
pub mod ocds;
pub mod questions;
pub mod responses;
mod review;
pub mod store;

use sea_orm::ConnectionTrait;

pub use crate::buying::Viewer;
pub use crate::frameworks::{Actor, FlowError};

use crate::domain::brief::draft::{self, Brief};
use crate::domain::roles::Role;
use crate::entities::{brief, user};
use crate::mail::{self, BriefEvent, MailKind, OutgoingMail};
use crate::state::AppState;

/// A brief as stored.
pub type BriefRow = crate::entities::brief::Model;
/// A question as stored.
pub type Question = crate::entities::brief_question::Model;
/// A response as stored (read only through `responses`).
pub type Response = crate::entities::brief_response::Model;
/// A panel member.
pub type PanelMember = crate::entities::brief_panel_member::Model;
/// A score.
pub type Score = crate::entities::brief_score::Model;
/// A complaint.
pub type Complaint = crate::entities::brief_complaint::Model;
/// An entry of a brief's history.
pub type Edit = crate::entities::brief_edit::Model;
/// A business-case review.
pub type Review = crate::entities::brief_review::Model;

/// The checked brief of a stored, published brief.
pub fn published(b: &brief::Model) -> Result<Brief, FlowError> {
    draft::gate(&store::draft(b), draft::When::Stored).map_err(|problems| {
        FlowError::Other(anyhow::anyhow!(
            "brief {} was stored with problems: {:?}",
            b.id,
            problems
        ))
    })
}

/// The longest free text a brief's flows take (a reason, an answer, a complaint, a reply).
pub const TEXT_MAX: usize = 5000;

/// `text` trimmed, refused on `field` when longer than [`TEXT_MAX`], or when empty and
/// `required` names its code and message.
pub fn checked_text<'a>(
    field: &str,
    text: &'a str,
    required: Option<(&str, &str)>,
) -> Result<&'a str, FlowError> {
    let text = text.trim();
    if let Some((code, message)) = required
        && text.is_empty()
    {
        return Err(FlowError::field(field, code, message));
    }
    if text.chars().count() > TEXT_MAX {
        return Err(FlowError::field(
            field,
            "too_long",
            format!("Write at most {TEXT_MAX} characters"),
        ));
    }
    Ok(text)
}

/// Refused unless `roles` holds one of `wanted`.
pub fn need(roles: &[Role], wanted: &[Role]) -> Result<(), FlowError> {
    if wanted.iter().any(|w| roles.contains(w)) {
        Ok(())
    } else {
        Err(FlowError::Refused("not_permitted"))
    }
}

/// The public page of a brief.
pub fn link(state: &AppState, b: &brief::Model) -> String {
    format!(
        "{}/opportunities/{}",
        state.config.public_url.trim_end_matches('/'),
        b.id
    )
}

/// Queues a brief message to each of `people`, in their language.
pub async fn mail_people<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    people: &[user::Model],
    b: &brief::Model,
    event: BriefEvent,
    detail: String,
) -> Result<(), FlowError> {
    for person in people.iter().filter(|p| p.active) {
        let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
        mail::enqueue(
            txn,
            OutgoingMail {
                to: person.email.clone(),
                lang,
                kind: MailKind::Brief {
                    event,
                    brief: b.title.clone(),
                    detail: detail.clone(),
                    link: link(state, b),
                },
            },
        )
        .await?;
    }
    Ok(())
}

/// Queues a brief message to its author.
pub async fn mail_buyer<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    b: &brief::Model,
    event: BriefEvent,
    detail: String,
) -> Result<(), FlowError> {
    let author = crate::buying::store::user(txn, b.created_by).await?;
    mail_people(
        txn,
        state,
        &author.into_iter().collect::<Vec<_>>(),
        b,
        event,
        detail,
    )
    .await
}

/// Queues a brief message to every user of a supplier organisation.
pub async fn mail_supplier<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    supplier_org_id: i64,
    b: &brief::Model,
    event: BriefEvent,
    detail: String,
) -> Result<(), FlowError> {
    let people = crate::frameworks::store::recipients(txn, supplier_org_id).await?;
    mail_people(txn, state, &people, b, event, detail).await
}

/// A time as messages show it.
pub fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
