//! A framework's public page, in the manner of the Digital Marketplace's: what it buys, its
//! key facts, its timetable as a process list, its lots with how many services and suppliers
//! each holds, its iterations, and its open data; with the manager's and the supplier's
//! actions below.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, Query, State};
use chrono::Utc;
use marco_frontend::frameworks::{
    Fact, FrameworkPage, LotView, ManagerPanel, SupplierPanel, TimetableStep,
};
use serde::Deserialize;

use super::manage::is_manager;
use super::{moment, status_label};
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::roles::OrgKind;
use crate::error::AppError;
use crate::frameworks::{lifecycle, store};
use crate::http::context::PageContext;
use crate::state::AppState;

/// Query of the framework page: a notice to show after an action.
#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    pub(super) notice: Option<String>,
}

/// The framework page for `user`, with a `notice` after an action or a `problem` it refused.
pub(super) async fn framework_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&CurrentUser>,
    csrf: &CsrfToken,
    slug: &str,
    notice: Option<String>,
    problem: Option<String>,
) -> Result<FrameworkPage, AppError> {
    let fw = store::framework_by_slug(&state.db, slug).await?;
    let content = lifecycle::content_of(&fw)?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let status = store::status(&fw)?;

    // What buyers can call off: the available services of each lot and their suppliers.
    let mut per_lot: BTreeMap<String, (usize, BTreeSet<i64>)> = BTreeMap::new();
    let mut all_suppliers = BTreeSet::new();
    let mut available = 0;
    for svc in store::services_on(&state.db, fw.id).await? {
        if !crate::domain::status::is_live(&svc.status) {
            continue;
        }
        available += 1;
        all_suppliers.insert(svc.organisation_id);
        let entry = per_lot.entry(svc.lot.clone()).or_default();
        entry.0 += 1;
        entry.1.insert(svc.organisation_id);
    }

    let mut facts = vec![
        Fact {
            label: tr.t("fw-status"),
            value: status_label(tr, &fw.status),
        },
        Fact {
            label: tr.t("fw-family"),
            value: fw.family.clone(),
        },
        Fact {
            label: tr.t("fw-iteration"),
            value: fw.iteration.to_string(),
        },
    ];
    if crate::domain::framework::services_available(status) || available > 0 {
        facts.push(Fact {
            label: tr.t("fw-supplier-count"),
            value: all_suppliers.len().to_string(),
        });
        facts.push(Fact {
            label: tr.t("fw-service-count"),
            value: available.to_string(),
        });
    }
    facts.push(Fact {
        label: tr.t("fw-ocid"),
        value: fw.ocid.clone(),
    });

    let now = Utc::now();
    let timetable = [
        ("fw-clarifications-close", fw.clarifications_close_at),
        ("fw-applications-close", fw.applications_close_at),
        ("fw-intention-to-award", fw.intention_to_award_at),
        ("fw-goes-live", fw.goes_live_at),
        ("fw-expires", fw.expires_at),
    ]
    .into_iter()
    .map(|(key, at)| TimetableStep {
        label: tr.t(key),
        when: moment(at),
        done: at <= now,
    })
    .collect();

    let family = store::frameworks(&state.db).await?;
    let previous = fw
        .previous_id
        .and_then(|id| family.iter().find(|f| f.id == id))
        .map(|f| (f.name.clone(), f.slug.clone()));
    let next = family
        .iter()
        .find(|f| f.previous_id == Some(fw.id))
        .map(|f| (f.name.clone(), f.slug.clone()));

    let manager = if is_manager(user) {
        let applications = store::applications(&state.db, fw.id).await?;
        Some(ManagerPanel {
            next: status
                .next()
                .map(|s| (s.as_str().to_owned(), status_label(tr, s.as_str()))),
            submitted: applications
                .iter()
                .filter(|a| store::is_submitted(a))
                .count(),
            applications: applications.len(),
        })
    } else {
        None
    };
    let supplier = match user {
        Some(u) if u.org_kind == OrgKind::Supplier => Some(SupplierPanel {
            has_application: store::application_of(&state.db, fw.id, u.organisation_id)
                .await?
                .is_some(),
            can_apply: store::accepts_applications_now(&fw)?,
        }),
        _ => None,
    };
    Ok(FrameworkPage {
        status_label: status_label(tr, &fw.status),
        lots: content
            .lots
            .iter()
            .map(|l| {
                let (services, suppliers) = per_lot
                    .get(&l.slug)
                    .map(|(n, s)| (*n, s.len()))
                    .unwrap_or_default();
                LotView {
                    slug: l.slug.clone(),
                    name: l.name.get(lang).to_owned(),
                    description: l.description.get(lang).to_owned(),
                    services,
                    suppliers,
                }
            })
            .collect(),
        slug: fw.slug,
        name: fw.name,
        description: fw.description,
        status: fw.status,
        facts,
        timetable,
        previous,
        next,
        ocid: fw.ocid,
        manager,
        supplier,
        csrf: csrf.0.clone(),
        notice: notice.map(|n| shell.tr.t(&format!("fw-notice-{n}"))),
        problem,
        shell,
    })
}

/// `GET /frameworks/{slug}`: the framework page.
pub(super) async fn show_framework(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    csrf: CsrfToken,
    Path(slug): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<FrameworkPage, AppError> {
    let notice = query
        .notice
        .filter(|n| ["created", "moved", "copied"].contains(&n.as_str()));
    framework_page(&state, shell, user.as_ref(), &csrf, &slug, notice, None).await
}
