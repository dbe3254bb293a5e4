//! Evaluation and agreement: managers pass or fail suppliers and their services with reasons
//! while the framework is pending; at standstill the supplier signs the framework agreement
//! online and a manager countersigns, which publishes the signed agreement as a document of the
//! supplier's award.

use std::collections::BTreeMap;

use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::{Actor, FlowError, catalogue, lifecycle, ocds, store};

use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::framework::{FrameworkStatus, accepts_evaluation, accepts_signatures};
use crate::entities::{framework, framework_application};
use crate::publish;
use crate::state::AppState;

use crate::domain::status::ApplicationStatus;
pub use crate::domain::status::Verdict;

/// An evaluator's decisions on one application.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The supplier's result.
    pub result: Option<Verdict>,
    /// Why (shown to the supplier).
    pub reason: String,
    /// Per draft id: result and reason.
    pub services: BTreeMap<i64, (Option<Verdict>, String)>,
}

/// Records an evaluation. Every service needs a result; a fail needs a reason; a supplier
/// cannot pass with no passed service.
pub async fn evaluate(
    state: &AppState,
    actor: &Actor,
    fw: &framework::Model,
    application_id: i64,
    evaluation: Evaluation,
) -> Result<framework_application::Model, FlowError> {
    let txn = state.begin_write().await?;
    let fw = store::framework_by_id(&txn, fw.id).await?;
    if !accepts_evaluation(store::status(&fw)?) {
        return Err(FlowError::Refused("evaluation_closed"));
    }
    let application = store::application(&txn, fw.id, application_id).await?;
    if ApplicationStatus::parse(&application.status) != Some(ApplicationStatus::Submitted) {
        return Err(FlowError::Refused("application_not_submitted"));
    }
    let drafts = store::drafts(&txn, application.id).await?;
    let mut problems = FieldErrors::new();
    let mut problem = |field: String, code: &str, message: &str| {
        problems.insert(
            field,
            FieldError {
                code: code.into(),
                message: message.into(),
            },
        );
    };
    let mut passed_services = 0;
    for draft in &drafts {
        match evaluation.services.get(&draft.id) {
            Some((Some(verdict), reason)) => {
                if *verdict == Verdict::Fail && reason.trim().is_empty() {
                    problem(
                        format!("reason-{}", draft.id),
                        "reason_required",
                        "Give the reason for failing this service",
                    );
                }
                if *verdict == Verdict::Pass {
                    passed_services += 1;
                }
            }
            _ => problem(
                format!("service-{}", draft.id),
                "result_required",
                "Pass or fail this service",
            ),
        }
    }
    match evaluation.result {
        None => problem(
            "result".into(),
            "result_required",
            "Pass or fail the supplier",
        ),
        Some(Verdict::Fail) if evaluation.reason.trim().is_empty() => problem(
            "reason".into(),
            "reason_required",
            "Give the reason for failing the supplier",
        ),
        Some(Verdict::Pass) if passed_services == 0 => problem(
            "result".into(),
            "pass_without_services",
            "A supplier can pass only with at least one passed service",
        ),
        _ => {}
    }
    if !problems.is_empty() {
        return Err(FlowError::Invalid(problems));
    }
    for draft in drafts {
        let (verdict, reason) = evaluation
            .services
            .get(&draft.id)
            .cloned()
            .unwrap_or((None, String::new()));
        let mut active = draft.into_active_model();
        active.result = Set(verdict.map(|v| v.as_str().to_owned()));
        active.result_reason = Set(Some(reason.trim().to_owned()).filter(|r| !r.is_empty()));
        active.update(&txn).await?;
    }
    let now = state.clock.now();
    let mut active = application.into_active_model();
    active.result = Set(evaluation.result.map(|v| v.as_str().to_owned()));
    active.result_reason = Set(Some(evaluation.reason.trim().to_owned()).filter(|r| !r.is_empty()));
    active.evaluated_by = Set(actor.user_id);
    active.evaluated_at = Set(Some(now));
    let application = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            "application_evaluated",
            format!("{} application {}", fw.slug, application.id),
        )
        .await?;
    txn.commit().await?;
    Ok(application)
}

/// The supplier signs the framework agreement: who (a user), their role, and when.
pub async fn sign(
    state: &AppState,
    actor: &Actor,
    fw: &framework::Model,
    application_id: i64,
    signer_role: &str,
) -> Result<framework_application::Model, FlowError> {
    let role = signer_role.trim();
    if role.is_empty() || role.chars().count() > 200 {
        return Err(FlowError::field(
            "signer_role",
            "signer_role",
            "Enter your role in the organisation, like Director",
        ));
    }
    let txn = state.begin_write().await?;
    let fw = store::framework_by_id(&txn, fw.id).await?;
    if !accepts_signatures(store::status(&fw)?) {
        return Err(FlowError::Refused("signing_closed"));
    }
    let application = store::application(&txn, fw.id, application_id).await?;
    if !Verdict::passed(application.result.as_deref()) || application.result_sent_at.is_none() {
        return Err(FlowError::Refused("not_admitted"));
    }
    if application.signed_at.is_some() {
        return Err(FlowError::Refused("already_signed"));
    }
    let mut active = application.into_active_model();
    active.signed_by = Set(actor.user_id);
    active.signer_role = Set(Some(role.to_owned()));
    active.signed_at = Set(Some(state.clock.now()));
    let application = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            "agreement_signed",
            format!("{} application {}", fw.slug, application.id),
        )
        .await?;
    txn.commit().await?;
    Ok(application)
}

/// A manager countersigns a signed agreement; the award becomes active with the agreement as a
/// document. On a live framework the supplier's services are published at once.
pub async fn countersign(
    state: &AppState,
    actor: &Actor,
    fw: &framework::Model,
    application_id: i64,
) -> Result<framework_application::Model, FlowError> {
    let txn = state.begin_write().await?;
    let fw = store::framework_by_id(&txn, fw.id).await?;
    let status = store::status(&fw)?;
    if !accepts_signatures(status) {
        return Err(FlowError::Refused("signing_closed"));
    }
    let application = store::application(&txn, fw.id, application_id).await?;
    let (Some(signed_at), Some(role)) = (application.signed_at, application.signer_role.clone())
    else {
        return Err(FlowError::Refused("not_signed"));
    };
    if application.countersigned_at.is_some() {
        return Err(FlowError::Refused("already_countersigned"));
    }
    let now = state.clock.now();
    let supplier = store::organisation(&txn, application.organisation_id).await?;
    let lots = lifecycle::admitted_lots(&txn, &application).await?;
    let url = format!(
        "{}/frameworks/{}/agreements/{}",
        state.config.public_url, fw.slug, supplier.id
    );
    publish::publish(
        &txn,
        &state.publisher,
        &fw.ocid,
        &["awardUpdate"],
        ocds::agreement_signed(&fw, &supplier, &lots, &role, signed_at, now, &url),
    )
    .await?;
    let mut active = application.into_active_model();
    active.countersigned_by = Set(actor.user_id);
    active.countersigned_at = Set(Some(now));
    let application = active.update(&txn).await?;
    if status == FrameworkStatus::Live {
        catalogue::publish_services(state, &txn, &fw, &application, now).await?;
    }
    actor
        .audit(
            &txn,
            "agreement_countersigned",
            format!("{} application {}", fw.slug, application.id),
        )
        .await?;
    txn.commit().await?;
    Ok(application)
}
