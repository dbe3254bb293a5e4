//! Writing and publishing a brief: the draft, the business-case review, the quality gate,
//! publishing to the lot's suppliers, edits while live (kept as history and sent to the
//! lot's suppliers), and withdrawal.

use chrono::{DateTime, Utc};
use ocds_schema::model::{RelatedProcess, TenderStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, published, when};
use crate::domain::brief::draft::{self, Draft, When, max_chars};
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_edit, brief_review, framework, organisation, user, user_role};
use crate::frameworks::store as catalogue;
use crate::mail::BriefEvent;
use crate::publish::{self, ocids};
use crate::state::AppState;

/// The framework, buyer and lot name a brief's releases name.
pub struct Named {
    /// The buyer.
    pub buyer: organisation::Model,
    /// The framework.
    pub framework: framework::Model,
    /// The lot's name, in English.
    pub lot_name: String,
}

/// Reads what a brief's releases name.
pub async fn named<C: ConnectionTrait>(db: &C, b: &brief::Model) -> Result<Named, FlowError> {
    let framework = catalogue::framework_by_id(db, b.framework_id).await?;
    let buyer = catalogue::organisation(db, b.buyer_org_id).await?;
    let content = crate::frameworks::lifecycle::content_of(&framework)?;
    let lot_name = content
        .lot(&b.lot)
        .map(|l| l.name.get("en").to_owned())
        .unwrap_or_else(|| b.lot.clone());
    Ok(Named {
        buyer,
        framework,
        lot_name,
    })
}

/// Publishes the brief's tender as it now stands, with `tags`.
#[allow(clippy::too_many_arguments)]
pub async fn publish_tender<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    b: &brief::Model,
    tags: &[&str],
    tender_status: TenderStatus,
    amendment: Option<(String, String)>,
    related: Vec<RelatedProcess>,
) -> Result<(), FlowError> {
    let brief = published(b)?;
    let n = named(txn, b).await?;
    let (answered, _) = store::answers(txn, b.id).await?;
    let reviewed = store::reviews(txn, b.id)
        .await?
        .iter()
        .rev()
        .find(|r| r.decision == "approved")
        .map(|r| r.at)
        .filter(|_| store::review(b) == ReviewStatus::Approved);
    let ctx = super::ocds::Context {
        buyer: &n.buyer,
        framework: &n.framework,
        framework_ocid: &n.framework.ocid,
        lot_name: &n.lot_name,
        public_url: &state.config.public_url,
    };
    let body = super::ocds::tender_release(
        b,
        &brief,
        &ctx,
        tender_status,
        answered.len(),
        reviewed,
        amendment,
        related,
    );
    publish::publish(txn, &state.publisher, &b.ocid, tags, body).await?;
    Ok(())
}

fn too_long(d: &Draft) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for field in draft::TEXT_FIELDS {
        let max = max_chars(field);
        if d.get(field).chars().count() > max {
            errors.insert(
                (*field).into(),
                FieldError {
                    code: "too_long".into(),
                    message: format!("Write at most {max} characters"),
                },
            );
        }
    }
    if d.methods.iter().any(|m| draft::Method::parse(m).is_none()) {
        errors.insert(
            "methods".into(),
            FieldError {
                code: "brief_method".into(),
                message: "Choose methods from the list".into(),
            },
        );
    }
    errors
}

/// Whether the draft's highest budget needs an approved business case.
pub fn review_needed(state: &AppState, d: &Draft) -> bool {
    let currency = d.currency.trim().to_ascii_uppercase();
    match crate::domain::money::parse_amount(d.budget_max.trim()) {
        Ok(amount) => state.config.briefs.review_needed(amount, &currency),
        // No budget yet: the gate asks for one; until then a review may be needed.
        Err(_) => true,
    }
}

fn review_fields_changed(old: &Draft, new: &Draft) -> bool {
    old.changed_fields(new).iter().any(|f| {
        f.starts_with("bc_") || *f == "budget_min" || *f == "budget_max" || *f == "currency"
    })
}

/// Starts a draft brief on `lot` of the live framework `framework_slug`.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    framework_slug: &str,
    lot: &str,
    now: DateTime<Utc>,
) -> Result<i64, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let fw = catalogue::framework_by_slug(&state.db, framework_slug)
        .await
        .map_err(|_| FlowError::field("lot", "brief_lot", "Choose a lot of a live framework"))?;
    if catalogue::status(&fw)? != crate::domain::framework::FrameworkStatus::Live {
        return Err(FlowError::field(
            "lot",
            "brief_lot",
            "Choose a lot of a live framework",
        ));
    }
    let content = crate::frameworks::lifecycle::content_of(&fw)?;
    if !content.lot(lot).is_some_and(|l| l.briefs) {
        return Err(FlowError::field(
            "lot",
            "brief_lot",
            "Choose an outcomes or specialists lot: catalogue lots are bought from their prices",
        ));
    }
    let buyer = catalogue::organisation(&state.db, who.organisation_id).await?;
    let currency = crate::domain::money::currency_of_country(&buyer.country_code)
        .map(|c| c.code().to_owned())
        .unwrap_or_default();
    let d = Draft {
        currency,
        price_basis: "fixed".into(),
        weight_technical: "60".into(),
        weight_cultural: "20".into(),
        weight_price: "20".into(),
        shortlist: "3".into(),
        methods: vec!["written_proposal".into()],
        ..Draft::default()
    };
    let txn = state.begin_write().await?;
    let created = brief::ActiveModel {
        ocid: Set(format!("pending-{}", uuid::Uuid::new_v4())),
        buyer_org_id: Set(who.organisation_id),
        created_by: Set(who.user_id),
        framework_id: Set(fw.id),
        lot: Set(lot.to_owned()),
        status: Set(BriefStatus::Draft.as_str().into()),
        review: Set(ReviewStatus::after_change(review_needed(state, &d))
            .as_str()
            .into()),
        draft: Set(d.to_json()),
        title: Set(String::new()),
        location: Set(String::new()),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active = created.into_active_model();
    active.ocid = Set(ocids::call_off_ocid(
        &state.config.ocid_prefix,
        ocids::CallOff::Brief,
        *active.id.as_ref(),
    ));
    let created = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            "brief_drafted",
            format!("brief {} on {} {}", created.id, fw.slug, lot),
        )
        .await?;
    txn.commit().await?;
    Ok(created.id)
}

/// Saves a draft as typed. Only lengths are checked: a draft may be incomplete. A change to
/// the budget or the business case asks for review again.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    d: Draft,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let errors = too_long(&d);
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if status(&b)? != BriefStatus::Draft {
        return Err(FlowError::Refused("brief_not_draft"));
    }
    let old = store::draft(&b);
    let mut active = b.clone().into_active_model();
    let review = store::review(&b);
    let needed = review_needed(state, &d);
    let changed = review_fields_changed(&old, &d);
    let review = match review {
        ReviewStatus::Pending | ReviewStatus::Approved | ReviewStatus::Refused if !changed => {
            review
        }
        _ => ReviewStatus::after_change(needed),
    };
    active.review = Set(review.as_str().into());
    active.title = Set(d.title.trim().chars().take(300).collect());
    active.location = Set(d.location.trim().chars().take(300).collect());
    active.draft = Set(d.to_json());
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    actor
        .audit(&txn, "brief_saved", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Asks a category reviewer to approve the business case. The brief must pass the quality
/// gate first, so that the reviewer reads a whole case.
pub async fn request_review(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if status(&b)? != BriefStatus::Draft {
        return Err(FlowError::Refused("brief_not_draft"));
    }
    let d = store::draft(&b);
    draft::gate(
        &d,
        When::Publishing {
            today: now.date_naive(),
        },
    )
    .map_err(FlowError::Gate)?;
    if !matches!(
        store::review(&b),
        ReviewStatus::NotRequested | ReviewStatus::Refused
    ) {
        return Err(FlowError::Refused("review_not_needed"));
    }
    let mut active = b.clone().into_active_model();
    active.review = Set(ReviewStatus::Pending.as_str().into());
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    brief_review::ActiveModel {
        brief_id: Set(id),
        decision: Set("requested".into()),
        reason: Set(None),
        user_id: Set(who.user_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let reviewers: Vec<user::Model> = reviewers(&txn)
        .await?
        .into_iter()
        .filter(|u| u.id != who.user_id)
        .collect();
    super::mail_people(
        &txn,
        state,
        &reviewers,
        &b,
        BriefEvent::ReviewRequested,
        String::new(),
    )
    .await?;
    actor
        .audit(&txn, "brief_review_requested", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn reviewers<C: ConnectionTrait>(db: &C) -> Result<Vec<user::Model>, FlowError> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::CategoryReviewer.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?)
}

/// A category reviewer approves the business case, or refuses it with reasons. Reviewers
/// never review their own briefs.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    approve: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CategoryReviewer])?;
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(FlowError::field(
            "reason",
            "review_reason",
            "Give the reasons for refusing, so the buyer can fix the business case",
        ));
    }
    if reason.chars().count() > 5000 {
        return Err(FlowError::field(
            "reason",
            "too_long",
            "Write at most 5000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, id).await?;
    if b.created_by == who.user_id {
        return Err(FlowError::Refused("own_review"));
    }
    if status(&b)? != BriefStatus::Draft || store::review(&b) != ReviewStatus::Pending {
        return Err(FlowError::Refused("review_not_pending"));
    }
    let decided = if approve {
        ReviewStatus::Approved
    } else {
        ReviewStatus::Refused
    };
    let claimed = brief::Entity::update_many()
        .col_expr(brief::Column::Review, Expr::value(decided.as_str()))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Review.eq(ReviewStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("review_not_pending"));
    }
    brief_review::ActiveModel {
        brief_id: Set(id),
        decision: Set(if approve { "approved" } else { "refused" }.into()),
        reason: Set((!reason.is_empty()).then(|| reason.to_owned())),
        user_id: Set(who.user_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let event = if approve {
        BriefEvent::ReviewApproved
    } else {
        BriefEvent::ReviewRefused
    };
    super::mail_buyer(&txn, state, &b, event, reason.to_owned()).await?;
    actor
        .audit(
            &txn,
            if approve {
                "brief_review_approved"
            } else {
                "brief_review_refused"
            },
            format!("brief {id}"),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn record_edit<C: ConnectionTrait>(
    txn: &C,
    b: &brief::Model,
    kind: &str,
    fields: &[&str],
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    brief_edit::ActiveModel {
        brief_id: Set(b.id),
        version: Set(b.version),
        kind: Set(kind.into()),
        draft: Set(b.draft.clone()),
        fields: Set(fields.join(" ").chars().take(2000).collect()),
        edited_by: Set(by),
        edited_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Publishes a draft that passes the quality gate (and, above the review threshold, whose
/// business case was approved): the tender release, the history's first entry, and an
/// e-mail to every supplier on the lot who asked for each new brief.
pub async fn publish_brief(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    status(&b)?
        .check_transition(BriefStatus::Live)
        .map_err(|_| FlowError::Refused("brief_not_draft"))?;
    let d = store::draft(&b);
    let checked = draft::gate(
        &d,
        When::Publishing {
            today: now.date_naive(),
        },
    )
    .map_err(FlowError::Gate)?;
    let needed = state
        .config
        .briefs
        .review_needed(checked.budget_max.amount(), checked.budget_max.code());
    let review = store::review(&b);
    if needed && review != ReviewStatus::Approved {
        return Err(FlowError::Refused("review_needed"));
    }
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Live.as_str()),
        )
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Status.eq(BriefStatus::Draft.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let mut active = b.clone().into_active_model();
    active.status = Set(BriefStatus::Live.as_str().into());
    if !needed {
        active.review = Set(ReviewStatus::NotNeeded.as_str().into());
    }
    active.title = Set(checked.title.clone());
    active.location = Set(checked.location.clone());
    active.budget_min = Set(Some(checked.budget_min.amount()));
    active.budget_max = Set(Some(checked.budget_max.amount()));
    active.currency = Set(Some(checked.budget_max.code().to_owned()));
    active.question_deadline_at = Set(Some(checked.question_deadline));
    active.closing_at = Set(Some(checked.closing));
    active.published_at = Set(Some(now));
    active.version = Set(1);
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    record_edit(&txn, &b, "published", &[], Some(who.user_id), now).await?;
    publish_tender(
        &txn,
        state,
        &b,
        &["planning", "tender"],
        TenderStatus::Active,
        None,
        Vec::new(),
    )
    .await?;
    let fw = catalogue::framework_by_id(&txn, b.framework_id).await?;
    let audience = store::audience(&txn, &fw, &b.lot).await?;
    let modes = super::clock::alert_modes(&txn, audience.iter().map(|u| u.id)).await?;
    let each: Vec<user::Model> = audience
        .into_iter()
        .filter(|u| modes.get(&u.id).map_or("each", String::as_str) == "each")
        .collect();
    super::mail_people(
        &txn,
        state,
        &each,
        &b,
        BriefEvent::Published,
        when(checked.closing),
    )
    .await?;
    actor
        .audit(&txn, "brief_published", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(b)
}

/// Edits a live brief before it closes. The brief passes the gate again; the closing date
/// may move later, never earlier; the budget and an approved business case cannot change.
/// The edit is kept in the history, published (`tenderUpdate`, or `tenderAmendment` when a
/// date moved) and sent to every supplier on the lot.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    d: Draft,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let errors = too_long(&d);
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if status(&b)? != BriefStatus::Live || b.closing_at.is_none_or(|c| c <= now) {
        return Err(FlowError::Refused("brief_not_live"));
    }
    let old = store::draft(&b);
    let closing = b
        .closing_at
        .map(|c| c.date_naive())
        .unwrap_or_else(|| now.date_naive());
    let checked = draft::gate(
        &d,
        When::Editing {
            today: now.date_naive(),
            closing,
        },
    )
    .map_err(FlowError::Gate)?;
    if review_fields_changed(&old, &d) && store::review(&b) == ReviewStatus::Approved {
        return Err(FlowError::Refused("business_case_approved"));
    }
    let changed = old.changed_fields(&d);
    if changed.is_empty() {
        return Ok(b);
    }
    let dates_moved = changed.contains(&"closing") || changed.contains(&"question_deadline");
    let mut active = b.clone().into_active_model();
    active.draft = Set(d.to_json());
    active.title = Set(checked.title.clone());
    active.location = Set(checked.location.clone());
    active.budget_min = Set(Some(checked.budget_min.amount()));
    active.budget_max = Set(Some(checked.budget_max.amount()));
    active.question_deadline_at = Set(Some(checked.question_deadline));
    active.closing_at = Set(Some(checked.closing));
    active.version = Set(b.version + 1);
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    record_edit(&txn, &b, "edited", &changed, Some(who.user_id), now).await?;
    let (tag, amendment) = if dates_moved {
        (
            "tenderAmendment",
            Some((
                format!("version-{}", b.version),
                "The buyer changed the brief's dates".to_owned(),
            )),
        )
    } else {
        ("tenderUpdate", None)
    };
    publish_tender(
        &txn,
        state,
        &b,
        &[tag],
        TenderStatus::Active,
        amendment,
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
        BriefEvent::Edited,
        changed.join(", "),
    )
    .await?;
    actor
        .audit(
            &txn,
            "brief_edited",
            format!("brief {id}: {}", changed.join(" ")),
        )
        .await?;
    txn.commit().await?;
    Ok(b)
}

/// Withdraws a draft or a live brief, with a reason. A live brief's withdrawal is published
/// and sent to every supplier on the lot.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FlowError::field(
            "reason",
            "withdraw_reason",
            "Give the reason for withdrawing the brief",
        ));
    }
    if reason.chars().count() > 5000 {
        return Err(FlowError::field(
            "reason",
            "too_long",
            "Write at most 5000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    let from = status(&b)?;
    from.check_transition(BriefStatus::Withdrawn)
        .map_err(|_| FlowError::Refused("brief_closed"))?;
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Withdrawn.as_str()),
        )
        .col_expr(brief::Column::WithdrawnReason, Expr::value(reason))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let b = store::brief(&txn, id).await?;
    if from == BriefStatus::Live {
        publish_tender(
            &txn,
            state,
            &b,
            &["tenderCancellation"],
            TenderStatus::Cancelled,
            None,
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
            BriefEvent::Withdrawn,
            reason.to_owned(),
        )
        .await?;
    }
    actor
        .audit(&txn, "brief_withdrawn", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(())
}
