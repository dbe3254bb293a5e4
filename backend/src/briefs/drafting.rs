//! Writing a brief: starting a draft on a lot and saving it as typed; what a brief's releases
//! name, and publishing its tender as it stands. The business-case review is in `review`,
//! publishing, edits while live and withdrawal in `live`; all are reached from here.

use chrono::{DateTime, Utc};
use ocds_schema::model::{RelatedProcess, TenderStatus};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};

use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, published};
use crate::domain::brief::draft::{self, Draft, max_chars};
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::roles::Role;
use crate::entities::{brief, framework, organisation};
use crate::frameworks::store as catalogue;
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
    let mut related = related;
    if let Some(prior) = follows(txn, b.buyer_org_id, &store::draft(b)).await? {
        related.push(super::ocds::prior_contract(&prior));
    }
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

/// The earlier contract a draft says it follows: one of the buyer's own contracts, or a
/// field error; none when the field is empty.
pub(super) async fn follows<C: ConnectionTrait>(
    db: &C,
    buyer_org_id: i64,
    d: &Draft,
) -> Result<Option<crate::contracts::Contract>, FlowError> {
    let raw = d.follows.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let unknown = || {
        FlowError::field(
            "follows",
            "contract_unknown",
            "Choose one of your organisation's contracts, or none",
        )
    };
    let id = raw.parse::<i64>().map_err(|_| unknown())?;
    match crate::contracts::store::contract(db, id).await {
        Ok(c) if c.buyer_org_id == buyer_org_id => Ok(Some(c)),
        Ok(_) | Err(FlowError::NotFound) => Err(unknown()),
        Err(e) => Err(e),
    }
}

pub(super) fn too_long(d: &Draft) -> FieldErrors {
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

pub(super) fn review_fields_changed(old: &Draft, new: &Draft) -> bool {
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
    follows(&txn, b.buyer_org_id, &d).await?;
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

pub use super::live::{edit, publish_brief, withdraw};
pub use super::review::{request_review, review};
