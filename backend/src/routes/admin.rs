//! Platform administration: the audit log, recent mail and the buyer domain allow-list.

use axum::Form as AxumForm;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use marco_frontend::admin::{AuditPage, AuditRow, BuyerDomainsPage, MailPage, MailRow};
use marco_frontend::forms::Form;

use crate::accounts::admin;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::accounts::{Fields, field, refill};
use crate::state::AppState;

/// The admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(show_audit))
        .route("/admin/mail", get(show_mail))
        .route(
            "/admin/buyer-domains",
            get(show_domains).post(change_domains),
        )
}

fn id(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

async fn show_audit(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
) -> Result<AuditPage, AppError> {
    let rows = admin::recent_audit(&state.db, 200)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            event: e.event,
            actor: id(e.actor_user_id),
            subject: id(e.subject_user_id),
            ip: e.ip.unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    Ok(AuditPage { shell, rows })
}

async fn show_mail(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
) -> Result<MailPage, AppError> {
    let rows = crate::mail::store::recent(&state.db, 100)
        .await?
        .into_iter()
        .map(|m| MailRow {
            id: m.id,
            created_at: m.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            kind: m.kind.clone(),
            to: m.to_address.clone(),
            status: m.status().to_owned(),
            attempts: m.attempts,
        })
        .collect();
    Ok(MailPage { shell, rows })
}

async fn domains_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    form: Form,
) -> Result<BuyerDomainsPage, AppError> {
    let domains = admin::buyer_domains(&state.db).await?;
    Ok(BuyerDomainsPage {
        shell,
        domains,
        form,
    })
}

async fn show_domains(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
) -> Result<BuyerDomainsPage, AppError> {
    domains_page(&state, shell, Form::new(csrf.0)).await
}

/// Whether `domain` looks like a DNS name with at least two labels.
pub fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

async fn change_domains(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let mut form = refill(&csrf, &fields, &["domain"], "domain", &tr);
    let domain = field(&fields, "domain")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    if !is_domain(&domain) {
        form.add_error("domain", tr.t("err-domain"));
    }
    if form.has_errors() {
        return Ok(domains_page(&state, shell, form).await?.into_response());
    }
    let add = field(&fields, "action") != "remove";
    admin::change_buyer_domain(&state, &domain, add, user.id, ip.audit()).await?;
    Ok(Redirect::to("/admin/buyer-domains").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_dns_names_are_accepted_as_domains() {
        assert!(super::is_domain("gob.cl"));
        assert!(super::is_domain("nhs.uk"));
        assert!(!super::is_domain("localhost"));
        assert!(!super::is_domain("gob..cl"));
        assert!(!super::is_domain("-x.cl"));
        assert!(!super::is_domain("a b.cl"));
    }
}
