//! The buyer's briefs and the brief form: a draft, or a live brief's edit.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{EditBriefPage, MyBriefsPage};
use marco_frontend::forms::Form;

use super::{brief_problems, draft_values, parse_id, roles, rows, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, drafting, store};
use crate::buying::money_text;
use crate::domain::brief::BriefStatus;
use crate::domain::brief::draft::{Draft, Method};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, unprocessable};
use crate::state::AppState;

async fn list_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    form: Form,
) -> Result<MyBriefsPage, AppError> {
    let briefs = store::briefs_of(&state.db, viewer(user)).await?;
    let rows = rows(state, &briefs, &shell.tr).await?;
    let mut lots = Vec::new();
    for fw in crate::frameworks::store::frameworks(&state.db).await? {
        if fw.status != "live" {
            continue;
        }
        if let Ok(content) = crate::frameworks::lifecycle::content_of(&fw) {
            for lot in content.lots.iter().filter(|l| l.briefs) {
                lots.push((
                    format!("{}/{}", fw.slug, lot.slug),
                    format!("{}: {}", fw.name, lot.name.get(shell.tr.lang.code())),
                ));
            }
        }
    }
    Ok(MyBriefsPage {
        rows,
        lots,
        can_create: user.has(Role::CanPublishBriefs),
        form,
        shell,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
) -> Result<MyBriefsPage, AppError> {
    list_page(&state, shell, &user, Form::new(csrf.0)).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let (fw, lot) = first(&values, "lot").split_once('/').unwrap_or_default();
    match drafting::create(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        fw,
        lot,
        Utc::now(),
    )
    .await
    {
        Ok(id) => Ok(see(format!("/briefs/{id}/edit"))),
        Err(e) => {
            let form = brief_problems(&csrf, e, &shell.tr, "lot")?;
            Ok(unprocessable(list_page(&state, shell, &user, form).await?))
        }
    }
}

async fn edit_page(
    shell: marco_frontend::Shell,
    state: &AppState,
    b: &crate::briefs::BriefRow,
    lot: String,
    form: Form,
    methods_chosen: &[String],
) -> Result<EditBriefPage, AppError> {
    let tr = &shell.tr;
    let chosen = form.value("follows").to_owned();
    let contracts = crate::contracts::store::contracts_on(
        &state.db,
        b.buyer_org_id,
        crate::domain::contract::Side::Buyer,
    )
    .await?
    .into_iter()
    .filter(|c| c.route != "challenge")
    .map(|c| {
        let id = c.id.to_string();
        let on = id == chosen;
        (id, c.title, on)
    })
    .collect();
    let methods = Method::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_owned(),
                tr.t(&format!("brief-method-{}", m.as_str())),
                methods_chosen.iter().any(|c| c == m.as_str()),
            )
        })
        .collect();
    let basis = form.value("price_basis").to_owned();
    let price_bases = ["fixed", "day_rate"]
        .iter()
        .map(|b| {
            (
                (*b).to_owned(),
                tr.t(&format!("brief-basis-{b}")),
                basis == *b,
            )
        })
        .collect();
    let rules: Vec<String> = state
        .config
        .briefs
        .review_thresholds
        .iter()
        .map(|(c, a)| money_text(*a, c, tr.lang.code()))
        .collect();
    Ok(EditBriefPage {
        id: b.id,
        live: b.status == "live",
        lot,
        methods,
        price_bases,
        contracts,
        review_rule: tr.t1("edit-review-rule", "amounts", rules.join(", ")),
        form,
        shell,
    })
}

async fn lot_label(
    state: &AppState,
    b: &crate::briefs::BriefRow,
    tr: &marco_frontend::Tr,
) -> Result<String, AppError> {
    let fw = crate::frameworks::store::framework_by_id(&state.db, b.framework_id).await?;
    Ok(format!("{}: {}", fw.name, super::lot_name(&fw, &b.lot, tr)))
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<EditBriefPage, AppError> {
    let b = store::own(&state.db, parse_id(&id)?, viewer(&user)).await?;
    if !matches!(store::status(&b)?, BriefStatus::Draft | BriefStatus::Live) {
        return Err(AppError::NotFound);
    }
    let d = store::draft(&b);
    let mut form = Form::new(csrf.0);
    draft_values(&mut form, &d);
    let lot = lot_label(&state, &b, &shell.tr).await?;
    edit_page(shell, &state, &b, lot, form, &d.methods).await
}

fn draft_from(values: &crate::domain::content::FormValues) -> Draft {
    let mut d = Draft::default();
    for field in crate::domain::brief::draft::TEXT_FIELDS {
        d.set(field, first(values, field).to_owned());
        if let Some(raw) = values.get(*field).and_then(|v| v.first()) {
            // Keep line breaks of lists and paragraphs; only trim the ends.
            d.set(field, raw.trim().to_owned());
        }
    }
    d.methods = values.get("methods").cloned().unwrap_or_default();
    d
}

pub(super) async fn edit(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let d = draft_from(&values);
    let b = store::own(&state.db, id, viewer(&user)).await?;
    let live = b.status == "live";
    let who = viewer(&user);
    let a = actor(&user, &ip);
    let now = Utc::now();
    let result = if live {
        drafting::edit(&state, &a, who, &roles(&user), id, d.clone(), now)
            .await
            .map(|_| "saved")
    } else {
        match drafting::save(&state, &a, who, &roles(&user), id, d.clone(), now).await {
            Ok(_) if first(&values, "action") == "check" => {
                let today = now.date_naive();
                crate::domain::brief::draft::gate(
                    &d,
                    crate::domain::brief::draft::When::Publishing { today },
                )
                .map(|_| "checked")
                .map_err(FlowError::Gate)
            }
            Ok(_) => Ok("saved"),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(notice) => Ok(see(format!("/briefs/{id}?notice={notice}"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = brief_problems(&csrf, e, &shell.tr, "title")?;
            draft_values(&mut form, &d);
            let lot = lot_label(&state, &b, &shell.tr).await?;
            Ok(unprocessable(
                edit_page(shell, &state, &b, lot, form, &d.methods).await?,
            ))
        }
    }
}
