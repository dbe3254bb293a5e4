//! The supplier delivers a milestone with its evidence: a link, a PDF, or both.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::super::ocds::Moment;
use super::super::{Actor, FlowError, Viewer, store};
use super::{EVIDENCE_MAX_BYTES, active};
use crate::domain::contract::{MilestoneAction, Side, decide_by};
use crate::entities::contract_delivery;
use crate::mail::ContractEvent;
use crate::state::AppState;

/// The evidence of a delivery: a link, a PDF, or both.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// A link (http or https).
    pub url: String,
    /// A PDF: its name as sent and its bytes.
    pub file: Option<(String, Vec<u8>)>,
    /// A note for the buyer (never published).
    pub note: String,
}

fn check_url(raw: &str) -> Result<Option<String>, FlowError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = url::Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    match ok {
        Some(_) if raw.len() <= 2000 => Ok(Some(raw.to_owned())),
        _ => Err(FlowError::field(
            "evidence_url",
            "evidence_url",
            "Enter a full web address starting with https://",
        )),
    }
}

fn check_pdf(file: &Option<(String, Vec<u8>)>) -> Result<Option<(String, &[u8])>, FlowError> {
    let Some((name, bytes)) = file.as_ref().filter(|(_, b)| !b.is_empty()) else {
        return Ok(None);
    };
    if bytes.len() > EVIDENCE_MAX_BYTES {
        return Err(FlowError::field(
            "evidence_file",
            "evidence_too_large",
            "The file must be 10 MB or smaller",
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(FlowError::field(
            "evidence_file",
            "evidence_not_pdf",
            "The file must be a PDF",
        ));
    }
    let clean: String = std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("evidence.pdf")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    Ok(Some((
        if clean.is_empty() {
            "evidence.pdf".into()
        } else {
            clean
        },
        bytes,
    )))
}

/// Where evidence files are kept.
pub fn evidence_dir(state: &AppState) -> std::path::PathBuf {
    state.config.data_dir.join("evidence")
}

/// The supplier delivers a milestone (again, after a rejection) with its evidence.
pub async fn deliver(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    milestone_id: i64,
    evidence: &Evidence,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    // Checked before anything is stored.
    {
        let (c, _) = store::contract_for(&state.db, contract_id, who).await?;
        store::milestone(&state.db, c.id, milestone_id).await?;
    }
    let url = check_url(&evidence.url)?;
    let pdf = check_pdf(&evidence.file)?;
    if url.is_none() && pdf.is_none() {
        return Err(FlowError::field(
            "evidence_url",
            "evidence_missing",
            "Give a link to the work or attach a PDF",
        ));
    }
    let note = super::super::text("note", &evidence.note, false)?.to_owned();
    // The file is written (under a temporary name, then renamed) before the transaction; a
    // refused delivery leaves an unreferenced file, never a reference without a file.
    let stored = match &pdf {
        Some((_, bytes)) => {
            let dir = evidence_dir(state);
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(anyhow::Error::from)?;
            let name = format!("{}.pdf", uuid::Uuid::new_v4());
            let partial = dir.join(format!("{name}.partial"));
            tokio::fs::write(&partial, bytes)
                .await
                .map_err(anyhow::Error::from)?;
            tokio::fs::rename(&partial, dir.join(&name))
                .await
                .map_err(anyhow::Error::from)?;
            Some(name)
        }
        None => None,
    };
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::super::must_be(&c, who, Side::Supplier)?;
    active(&c)?;
    let m = store::milestone(&txn, c.id, milestone_id).await?;
    let next = store::Timeline::status(&m)
        .apply(MilestoneAction::Deliver, Side::Supplier)
        .map_err(|e| FlowError::Refused(e.code()))?;
    let t = store::timeline(&txn, c.clone()).await?;
    let number = t.deliveries_of(m.id).map(|d| d.number).max().unwrap_or(0) + 1;
    let by = decide_by(now, state.config.contracts.acceptance_days);
    contract_delivery::ActiveModel {
        milestone_id: Set(m.id),
        number: Set(number),
        delivered_at: Set(now),
        decide_by: Set(by),
        evidence_url: Set(url),
        evidence_file: Set(stored),
        evidence_name: Set(pdf.map(|(name, _)| name)),
        note: Set((!note.is_empty()).then_some(note)),
        delivered_by: Set(who.user_id),
        decision: Set("pending".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let title = m.title.clone();
    let mut row = m.into_active_model();
    row.status = Set(next.as_str().into());
    row.updated_at = Set(now);
    let m = row.update(&txn).await?;
    actor
        .audit(
            &txn,
            "milestone_delivered",
            format!(
                "contract {}: milestone {} delivery {}",
                c.id, m.number, number
            ),
        )
        .await?;
    super::super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::super::mail_side(
        &txn,
        state,
        &c,
        Side::Buyer,
        ContractEvent::Delivered,
        format!("{}. {title}; decide by {}", m.number, super::super::day(by)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
