//! An organisation's admin manages its users: invite colleagues and deactivate accounts.
//! Invited people accept through a single-use link that lasts 7 days.

mod roles;

use axum::Form as AxumForm;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use marco_frontend::accounts::NewPasswordPage;
use marco_frontend::admin::{MemberRow, OrgUsersPage};
use marco_frontend::forms::Form;
use marco_frontend::forms::max_chars;
use marco_frontend::{Shell, Tr};
use serde::Deserialize;

use crate::accounts::members::{self, Acceptance, Admin};
use crate::accounts::registration::{domain_allowed, email_taken};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::tokens::{self, TokenKind};
use crate::auth::{CurrentUser, session};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::roles::{OrgKind, Role, grantable};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::accounts::{Fields, field, link_problem, refill};
use crate::state::AppState;

/// The organisation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisation/users", get(list_users))
        .route("/organisation/invitations", post(invite_user))
        .route("/organisation/users/{id}/deactivate", post(deactivate_user))
        .route(
            "/organisation/users/{id}/roles",
            get(roles::show_member_roles).post(roles::change_member_roles),
        )
        .route(
            "/invitations/{token}",
            get(show_invitation).post(accept_invitation),
        )
}

/// The signed-in admin, as the member flows need them.
fn admin(user: &CurrentUser, ip: &ClientIp) -> Admin {
    Admin {
        id: user.id,
        name: user.name.clone(),
        organisation_id: user.organisation_id,
        org_kind: user.org_kind,
        ip: ip.audit(),
    }
}

#[derive(Debug, Deserialize)]
struct Notice {
    done: Option<String>,
}

async fn users_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    form: Form,
    notice: Option<String>,
) -> Result<OrgUsersPage, AppError> {
    let (organisation, people) = members::members(&state.db, user.organisation_id).await?;
    let members = people
        .into_iter()
        .map(|(person, roles)| MemberRow {
            id: person.id,
            is_me: person.id == user.id,
            name: person.name,
            email: person.email,
            roles: roles
                .iter()
                .map(|r| shell.tr.t(&format!("role-{r}")))
                .collect::<Vec<_>>()
                .join(", "),
            active: person.active,
        })
        .collect();
    let roles = grantable(user.org_kind)
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                shell.tr.t(&format!("role-{}", r.as_str())),
            )
        })
        .collect();
    Ok(OrgUsersPage {
        shell,
        organisation,
        members,
        roles,
        form,
        notice,
    })
}

async fn list_users(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(query): Query<Notice>,
) -> Result<OrgUsersPage, AppError> {
    let notice = match query.done.as_deref() {
        Some("invited") => Some(shell.tr.t("org-users-invited")),
        Some("deactivated") => Some(shell.tr.t("org-users-deactivated")),
        Some("roles") => Some(shell.tr.t("org-users-roles-saved")),
        _ => None,
    };
    users_page(&state, shell, &user, Form::new(csrf.0), notice).await
}

async fn invite_user(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let mut form = refill(&csrf, &fields, &["email", "role"], "email", &tr);
    let email = Email::parse(field(&fields, "email"));
    let role = field(&fields, "role")
        .parse::<Role>()
        .ok()
        .filter(|r| grantable(user.org_kind).contains(r));
    if role.is_none() {
        form.add_error("role", tr.t("err-role"));
    }
    match &email {
        Err(_) => form.add_error("email", tr.t("err-email")),
        Ok(email) => {
            if email_taken(&state.db, email).await? {
                form.add_error("email", tr.t("err-email-taken"));
            } else if user.org_kind == OrgKind::Buyer && !domain_allowed(&state.db, email).await? {
                form.add_error("email", tr.t1("err-buyer-domain", "domain", email.domain()));
            }
        }
    }
    let (Ok(email), Some(role), false) = (email, role, form.has_errors()) else {
        return Ok(users_page(&state, shell, &user, form, None)
            .await?
            .into_response());
    };
    members::invite(&state, &admin(&user, &ip), &email, role, tr.lang).await?;
    Ok(Redirect::to("/organisation/users?done=invited").into_response())
}

async fn deactivate_user(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    members::deactivate(&state, &admin(&user, &ip), id).await?;
    Ok(Redirect::to("/organisation/users?done=deactivated").into_response())
}

fn invitation_page(shell: Shell, form: Form, token: &str) -> NewPasswordPage {
    let title = shell.tr.t("invite-title");
    NewPasswordPage {
        shell,
        form,
        action: format!("/invitations/{token}"),
        title,
        ask_name: true,
    }
}

async fn show_invitation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match tokens::peek(&state.db, TokenKind::Invite, &token).await {
        Ok(_) => Ok(invitation_page(shell, Form::new(csrf.0), &token).into_response()),
        Err(err) => Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    }
}

async fn accept_invitation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    Path(token): Path<String>,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr: Tr = shell.tr;
    let invitation = match tokens::peek(&state.db, TokenKind::Invite, &token).await {
        Ok(found) => found,
        Err(err) => return Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    };
    let mut form = refill(&csrf, &fields, &["name"], "name", &tr);
    crate::routes::accounts::require(&mut form, &fields, &["name"], max_chars("name"), &tr);
    let new_password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    if let Err(err) = password::check_policy(new_password, &invitation.email) {
        form.add_error("password", err.to_string());
    }
    if form.has_errors() {
        return Ok(invitation_page(shell, form, &token).into_response());
    }
    let accepted = Acceptance {
        name: field(&fields, "name"),
        password: new_password,
        lang: tr.lang,
        ip: ip.audit(),
    };
    let person = match members::accept_invitation(&state, &token, accepted).await? {
        Ok(person) => person,
        Err(err) => return Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    };
    let (session_token, ttl) = session::start(&state.db, &state, person, "browser", "").await?;
    Ok((
        jar.add(session::cookie(&state, session_token, ttl)),
        Redirect::to("/dashboard"),
    )
        .into_response())
}
