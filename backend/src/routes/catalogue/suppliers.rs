//! Supplier profiles, and a manager suspending or reinstating a supplier.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::catalogue::SupplierPage;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;

use super::{contents, format_price};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::framework::FrameworkStatus;
use crate::domain::roles::OrgKind;
use crate::domain::status::is_live;
use crate::error::AppError;
use crate::frameworks::{catalogue as flow, store};
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::{actor, is_manager};
use crate::routes::frameworks::{check_csrf, first, form_values, unprocessable};
use crate::state::AppState;

async fn supplier_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&CurrentUser>,
    id: i64,
    form: Form,
) -> Result<SupplierPage, AppError> {
    let org = store::organisation(&state.db, id).await?;
    if org.kind != OrgKind::Supplier.as_str() {
        return Err(AppError::NotFound);
    }
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let contents = contents(state).await?;
    let lot_name = |fw_id: i64, slug: &str| {
        contents
            .iter()
            .find(|(fw, _)| fw.id == fw_id)
            .and_then(|(_, c)| c.lot(slug))
            .map(|l| l.name.get(lang).to_owned())
            .unwrap_or_else(|| slug.to_owned())
    };
    let live_frameworks: Vec<i64> = contents
        .iter()
        .filter(|(fw, _)| FrameworkStatus::parse(&fw.status) == Some(FrameworkStatus::Live))
        .map(|(fw, _)| fw.id)
        .collect();
    let mut services = Vec::new();
    for s in store::services_of(&state.db, org.id).await? {
        if !is_live(&s.status) || !live_frameworks.contains(&s.framework_id) {
            continue;
        }
        let currency = store::versions(&state.db, s.id)
            .await?
            .last()
            .map(|v| v.currency.clone())
            .unwrap_or_default();
        services.push((
            s.public_id.clone(),
            s.name.clone(),
            lot_name(s.framework_id, &s.lot),
            format_price(s.price, s.pricing_unit.as_deref(), &currency, tr),
        ));
    }
    let mut facts = vec![
        Fact {
            label: tr.t("sup-identifier"),
            value: format!("{} {}", org.identifier_scheme, org.identifier_id),
        },
        Fact {
            label: tr.t("sup-place"),
            value: [
                org.locality.clone().unwrap_or_default(),
                org.country_code.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        },
    ];
    if let Some(scale) = &org.scale {
        facts.push(Fact {
            label: tr.t("sup-scale"),
            value: tr.t(&format!("scale-{scale}")),
        });
    }
    let published = crate::contracts::store::published_ratings_of(&state.db, org.id).await?;
    let averages = crate::domain::contract::Averages::of(published.iter().map(|r| {
        (
            u8::try_from(r.quality).unwrap_or(0),
            u8::try_from(r.timeliness).unwrap_or(0),
            u8::try_from(r.communication).unwrap_or(0),
        )
    }));
    let tr = &shell.tr;
    let mean = |v: f64| {
        let text = format!("{v:.2}");
        if tr.lang.code() == "es" {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let ratings = if averages.count == 0 {
        Vec::new()
    } else {
        vec![
            (tr.t("delivery-quality"), mean(averages.quality)),
            (tr.t("delivery-timeliness"), mean(averages.timeliness)),
            (tr.t("delivery-communication"), mean(averages.communication)),
        ]
    };
    Ok(SupplierPage {
        rating_count: averages.count,
        ratings,
        id: org.id,
        name: org.name.clone(),
        facts,
        suspended: org.suspended_reason.clone(),
        services,
        is_manager: is_manager(user),
        form,
        shell,
    })
}

pub(super) async fn show_supplier(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    csrf: CsrfToken,
    Path(id): Path<i64>,
) -> Result<SupplierPage, AppError> {
    supplier_page(&state, shell, user.as_ref(), id, Form::new(csrf.0)).await
}

pub(super) async fn change_suspension(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let org = store::organisation(&state.db, id).await?;
    let reason = first(&values, "reason");
    if org.suspended_at.is_none() && reason.is_empty() {
        let mut form = Form::new(csrf.0.clone());
        form.add_error("reason", shell.tr.t("err-reason-required"));
        return Ok(unprocessable(
            supplier_page(&state, shell, Some(&user), id, form).await?,
        ));
    }
    let reason = (!reason.is_empty() && org.suspended_at.is_none()).then_some(reason);
    flow::suspend_supplier(&state, &actor(&user, &ip), id, reason).await?;
    Ok(Redirect::to(&format!("/suppliers/{id}")).into_response())
}
