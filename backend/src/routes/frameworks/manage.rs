//! The framework list and page, and what managers do to frameworks.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone, Utc};
use marco_frontend::accounts::MessagePage;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{FrameworkRow, FrameworksPage, NewFrameworkPage};

use super::{
    Outcome, add_errors, check_csrf, day, first, form_values, outcome, status_label, unprocessable,
};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::content::CLOUD_CONTENT;
use crate::domain::framework::{FrameworkStatus, Timetable};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::frameworks::lifecycle::{self, NewFramework};
use crate::frameworks::{Actor, store};
use crate::http::context::PageContext;
use crate::state::AppState;

/// Whether the user manages frameworks.
pub fn is_manager(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.has(Role::FrameworkManager) || u.has(Role::PlatformAdmin))
}

/// The actor of a request.
pub fn actor(user: &CurrentUser, ip: &ClientIp) -> Actor {
    Actor {
        user_id: Some(user.id),
        ip: Some(ip.0.to_string()),
    }
}

pub(super) async fn list_frameworks(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
) -> Result<FrameworksPage, AppError> {
    let rows = store::frameworks(&state.db)
        .await?
        .into_iter()
        .map(|fw| FrameworkRow {
            status_label: status_label(&shell.tr, &fw.status),
            slug: fw.slug,
            name: fw.name,
            family: fw.family,
            status: fw.status,
            closes: day(fw.applications_close_at),
            expires: day(fw.expires_at),
        })
        .collect();
    Ok(FrameworksPage {
        shell,
        rows,
        can_create: is_manager(user.as_ref()),
    })
}

pub(super) async fn new_framework(
    PageContext(shell): PageContext,
    csrf: CsrfToken,
) -> NewFrameworkPage {
    NewFrameworkPage {
        shell,
        form: Form::new(csrf.0),
    }
}

pub(super) async fn content_example() -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], CLOUD_CONTENT).into_response()
}

fn parse_day(raw: &str, end_of_day: bool) -> Option<chrono::DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    let time = if end_of_day {
        date.and_hms_opt(17, 0, 0)?
    } else {
        date.and_hms_opt(9, 0, 0)?
    };
    Some(Utc.from_utc_datetime(&time))
}

const DATE_FIELDS: [&str; 5] = [
    "clarifications_close_at",
    "applications_close_at",
    "intention_to_award_at",
    "goes_live_at",
    "expires_at",
];

pub(super) async fn create_framework(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let mut fields = crate::domain::content::FormValues::new();
    let mut content = String::new();
    let mut content_problem = None;
    while let Some(part) = multipart.next_field().await.map_err(|e| {
        AppError::bad_request(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_request",
            Some(e.body_text()),
        )
    })? {
        let name = part.name().unwrap_or_default().to_owned();
        let data: Bytes = part.bytes().await.map_err(|e| {
            AppError::bad_request(
                axum::http::StatusCode::BAD_REQUEST,
                "bad_request",
                Some(e.body_text()),
            )
        })?;
        if name == "content" {
            match String::from_utf8(data.to_vec()) {
                Ok(text) => content = text,
                Err(_) => content_problem = Some(tr.t("err-content-utf8")),
            }
        } else {
            fields
                .entry(name)
                .or_default()
                .push(String::from_utf8_lossy(&data).into_owned());
        }
    }
    check_csrf(&csrf, &fields)?;
    let mut form = Form::new(csrf.0.clone());
    for name in ["name", "family", "iteration", "description"]
        .into_iter()
        .chain(DATE_FIELDS)
    {
        form.keep(name, first(&fields, name));
    }
    let mut dates = Vec::new();
    for (i, name) in DATE_FIELDS.iter().enumerate() {
        match parse_day(first(&fields, name), i > 0) {
            Some(at) => dates.push(at),
            None => form.add_error(name, tr.t("err-date")),
        }
    }
    if let Some(problem) = content_problem {
        form.add_error("content", problem);
    } else if content.trim().is_empty() {
        form.add_error("content", tr.t("err-content-missing"));
    }
    let iteration = first(&fields, "iteration").parse::<i32>().unwrap_or(0);
    if form.has_errors() {
        return Ok(unprocessable(NewFrameworkPage { shell, form }));
    }
    let timetable = Timetable {
        clarifications_close_at: dates[0],
        applications_close_at: dates[1],
        intention_to_award_at: dates[2],
        goes_live_at: dates[3],
        expires_at: dates[4],
    };
    let created = lifecycle::create(
        &state,
        &actor(&user, &ip),
        NewFramework {
            name: first(&fields, "name").to_owned(),
            family: first(&fields, "family").to_owned(),
            iteration,
            description: first(&fields, "description").to_owned(),
            content,
            timetable,
            previous_id: None,
        },
    )
    .await;
    match created {
        Ok(fw) => {
            Ok(Redirect::to(&format!("/frameworks/{}?notice=created", fw.slug)).into_response())
        }
        Err(e) => match outcome(e, &tr)? {
            Outcome::Fields(errors) => {
                add_errors(&mut form, &errors, &tr);
                Ok(unprocessable(NewFrameworkPage { shell, form }))
            }
            Outcome::Refused(problem) => {
                form.add_error("name", problem);
                Ok(unprocessable(NewFrameworkPage { shell, form }))
            }
        },
    }
}

pub(super) async fn change_status(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = form_values(&body);
    check_csrf(&csrf, &fields)?;
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    let Some(to) = FrameworkStatus::parse(first(&fields, "to")) else {
        return Err(AppError::bad_request(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_status",
            None,
        ));
    };
    match lifecycle::transition(&state, &actor(&user, &ip), fw.id, to).await {
        Ok(_) => Ok(Redirect::to(&format!("/frameworks/{slug}?notice=moved")).into_response()),
        Err(e) => {
            let problem = match outcome(e, &shell.tr)? {
                Outcome::Refused(p) => p,
                Outcome::Fields(f) => f
                    .values()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let mut page = super::page::framework_page(
                &state,
                shell,
                Some(&user),
                &csrf,
                &slug,
                None,
                Some(problem),
            )
            .await?
            .into_response();
            *page.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(page)
        }
    }
}

pub(super) async fn copy_framework(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    let next = lifecycle::copy_to_next_iteration(&state, &actor(&user, &ip), fw.id).await?;
    Ok(Redirect::to(&format!("/frameworks/{}?notice=copied", next.slug)).into_response())
}

pub(super) async fn show_agreement(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path((slug, organisation)): Path<(String, i64)>,
) -> Result<MessagePage, AppError> {
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    let application = store::application_of(&state.db, fw.id, organisation)
        .await?
        .filter(|a| a.countersigned_at.is_some())
        .ok_or(AppError::NotFound)?;
    let supplier = store::organisation(&state.db, organisation).await?;
    let tr = &shell.tr;
    let body = tr.ta(
        "fw-agreement-body",
        &[
            ("framework", fw.name.clone()),
            ("supplier", supplier.name.clone()),
            ("role", application.signer_role.clone().unwrap_or_default()),
            ("signed", application.signed_at.map(day).unwrap_or_default()),
            (
                "countersigned",
                application.countersigned_at.map(day).unwrap_or_default(),
            ),
        ],
    );
    Ok(MessagePage {
        title: tr.t1("fw-agreement-title", "framework", fw.name.clone()),
        body,
        link: Some((format!("/frameworks/{slug}"), fw.name)),
        tone: "info",
        shell,
    })
}
