//! Registering a supplier (with its organisation) or a buyer (from an allow-listed domain).

use axum::Form as AxumForm;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use marco_frontend::Tr;
use marco_frontend::accounts::{RegisterBuyerPage, RegisterPage, RegisterSupplierPage};
use marco_frontend::forms::Form;
use marco_frontend::forms::max_chars;

use super::{Fields, field, refill, require};
use crate::accounts::registration::{
    self, Created, NewPerson, NewSupplier, PublicBody, domain_allowed, email_taken,
    identifier_taken,
};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::session;
use crate::domain::email::Email;
use crate::domain::identifier::OrgIdentifier;
use crate::domain::password;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;

pub async fn show_choice(PageContext(shell): PageContext) -> RegisterPage {
    RegisterPage { shell }
}

pub async fn show_supplier(
    PageContext(shell): PageContext,
    csrf: CsrfToken,
) -> RegisterSupplierPage {
    RegisterSupplierPage {
        shell,
        form: Form::new(csrf.0),
    }
}

pub async fn show_buyer(PageContext(shell): PageContext, csrf: CsrfToken) -> RegisterBuyerPage {
    RegisterBuyerPage {
        shell,
        form: Form::new(csrf.0),
    }
}

/// Checks the person's own fields (name, e-mail, password) into `form`.
fn check_person(form: &mut Form, fields: &Fields, tr: &Tr) -> Option<Email> {
    require(form, fields, &["name"], max_chars("name"), tr);
    let email = Email::parse(field(fields, "email"));
    if email.is_err() {
        form.add_error("email", tr.t("err-email"));
    }
    let raw_password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    if let Err(err) = password::check_policy(raw_password, field(fields, "email")) {
        form.add_error("password", err.to_string());
    }
    email.ok()
}

/// The person registering, from the form's fields (checked by [`check_person`]).
fn new_person<'a>(fields: &'a Fields, email: &'a Email, tr: &Tr, ip: &ClientIp) -> NewPerson<'a> {
    NewPerson {
        name: field(fields, "name"),
        email,
        password: fields
            .get("password")
            .map(String::as_str)
            .unwrap_or_default(),
        lang: tr.lang,
        ip: ip.audit(),
    }
}

/// Signs the new user in and sends them to the "check your email" page.
async fn welcome(state: &AppState, jar: CookieJar, user_id: i64) -> Result<Response, AppError> {
    let (token, ttl) = session::start(&state.db, state, user_id, "browser", "").await?;
    Ok((
        jar.add(session::cookie(state, token, ttl)),
        Redirect::to("/check-email"),
    )
        .into_response())
}

pub(super) const SUPPLIER_FIELDS: &[&str] = &[
    "legal_name",
    "trading_name",
    "scheme",
    "scheme_other",
    "identifier",
    "street_address",
    "locality",
    "country",
    "scale",
    "name",
    "email",
];

pub async fn submit_supplier(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    state.limits.check("sign_up", &ip, None)?;
    let form = refill(&csrf, &fields, SUPPLIER_FIELDS, "legal_name", &tr);
    match register_supplier(&state, &tr, &ip, &fields, form).await? {
        Registered::Created(user_id) => welcome(&state, jar, user_id).await,
        Registered::Refused(form) => Ok(RegisterSupplierPage { shell, form }.into_response()),
    }
}

/// The outcome of a registration: the new user, or the form with what is wrong.
pub enum Registered {
    /// Created; the new user's id.
    Created(i64),
    /// Refused; nothing was saved.
    Refused(Form),
}

/// Registers a supplier organisation and its first admin from submitted fields.
pub async fn register_supplier(
    state: &AppState,
    tr: &Tr,
    ip: &ClientIp,
    fields: &Fields,
    mut form: Form,
) -> Result<Registered, AppError> {
    let (state, tr, ip, fields) = (state, *tr, ip, fields);
    require(
        &mut form,
        fields,
        &["legal_name"],
        max_chars("legal_name"),
        &tr,
    );
    require(
        &mut form,
        fields,
        &["identifier"],
        max_chars("identifier"),
        &tr,
    );
    let scheme = match field(fields, "scheme") {
        "" => "CL-RUT",
        "other" => field(fields, "scheme_other"),
        chosen => chosen,
    };
    let identifier = match OrgIdentifier::parse(scheme, field(fields, "identifier")) {
        Ok(id) => Some(id),
        Err(err) => {
            if !field(fields, "identifier").is_empty() {
                form.add_error(
                    if err.is_scheme() {
                        "scheme_other"
                    } else {
                        "identifier"
                    },
                    err.to_string(),
                );
            }
            None
        }
    };
    for optional in ["trading_name", "street_address", "locality"] {
        if field(fields, optional).chars().count() > 300 {
            form.add_error(optional, tr.t("err-too-long"));
        }
    }
    let country = field(fields, "country").to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        form.add_error("country", tr.t("err-country"));
    }
    let scale = field(fields, "scale");
    if !matches!(scale, "micro" | "small" | "medium" | "large") {
        form.add_error("scale", tr.t("err-scale"));
    }
    let email = check_person(&mut form, fields, &tr);
    if let Some(email) = &email
        && email_taken(&state.db, email).await?
    {
        form.add_error("email", tr.t("err-email-taken"));
    }
    if let Some(id) = &identifier
        && identifier_taken(&state.db, id).await?
    {
        form.add_error("identifier", tr.t("err-identifier-taken"));
    }
    let (Some(email), Some(identifier), false) = (email, identifier, form.has_errors()) else {
        return Ok(Registered::Refused(form));
    };
    let legal_name = field(fields, "legal_name").to_owned();
    let trading_name = Some(field(fields, "trading_name"))
        .filter(|t| !t.is_empty())
        .unwrap_or(&legal_name)
        .to_owned();
    let optional = |name: &str| Some(field(fields, name).to_owned()).filter(|v| !v.is_empty());
    let supplier = NewSupplier {
        legal_name,
        trading_name,
        identifier,
        street_address: optional("street_address"),
        locality: optional("locality"),
        country,
        scale: scale.to_owned(),
    };
    let person = new_person(fields, &email, &tr, ip);
    match registration::create_supplier(state, supplier, person).await? {
        Created::User(user_id) => Ok(Registered::Created(user_id)),
        Created::IdentifierTaken => {
            form.add_error("identifier", tr.t("err-identifier-taken"));
            Ok(Registered::Refused(form))
        }
    }
}

pub(super) const BUYER_FIELDS: &[&str] =
    &["name", "email", "organisation_name", "scheme", "identifier"];

pub async fn submit_buyer(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    state.limits.check("sign_up", &ip, None)?;
    let mut form = refill(&csrf, &fields, BUYER_FIELDS, "name", &tr);
    form.keep("scheme_other", field(&fields, "scheme_other"));
    match register_buyer(&state, &tr, &ip, &fields, form).await? {
        Registered::Created(user_id) => welcome(&state, jar, user_id).await,
        Registered::Refused(form) => Ok(RegisterBuyerPage { shell, form }.into_response()),
    }
}

/// Registers a buyer: joins the public body that owns the domain, or creates it.
pub async fn register_buyer(
    state: &AppState,
    tr: &Tr,
    ip: &ClientIp,
    fields: &Fields,
    mut form: Form,
) -> Result<Registered, AppError> {
    let (state, tr, ip, fields) = (state, *tr, ip, fields);
    let email = check_person(&mut form, fields, &tr);
    let mut existing_org = None;
    if let Some(email) = &email {
        if !domain_allowed(&state.db, email).await? {
            form.add_error("email", tr.t1("err-buyer-domain", "domain", email.domain()));
        } else if email_taken(&state.db, email).await? {
            form.add_error("email", tr.t("err-email-taken"));
        } else {
            existing_org = registration::public_body_of(&state.db, email).await?;
        }
    }
    // A public body new to Marco is created with this person as its first admin.
    let mut new_identifier = None;
    if existing_org.is_none() && email.is_some() && !form.has_errors() {
        require(
            &mut form,
            fields,
            &["organisation_name"],
            max_chars("organisation_name"),
            &tr,
        );
        // The form offers the usual registers and "another" with a box to type it in; the
        // API sends the scheme itself.
        let other = field(fields, "scheme") == "other";
        let scheme = if other {
            field(fields, "scheme_other")
        } else {
            field(fields, "scheme")
        };
        match OrgIdentifier::parse(scheme, field(fields, "identifier")) {
            Ok(id) if identifier_taken(&state.db, &id).await? => {
                form.add_error("identifier", tr.t("err-identifier-taken"))
            }
            Ok(id) => new_identifier = Some(id),
            Err(err) => form.add_error(
                match (err.is_scheme(), other) {
                    (true, true) => "scheme_other",
                    (true, false) => "scheme",
                    _ => "identifier",
                },
                err.to_string(),
            ),
        }
    }
    let (Some(email), false) = (email, form.has_errors()) else {
        return Ok(Registered::Refused(form));
    };
    let body = match (existing_org, new_identifier) {
        (Some(id), _) => PublicBody::Existing(id),
        (None, Some(identifier)) => PublicBody::New {
            name: field(fields, "organisation_name").to_owned(),
            identifier,
            country: identifier_country(match field(fields, "scheme") {
                "other" => field(fields, "scheme_other"),
                scheme => scheme,
            }),
        },
        (None, None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "buyer registration without an organisation"
            )));
        }
    };
    let person = new_person(fields, &email, &tr, ip);
    let user_id = registration::create_buyer(state, body, person).await?;
    Ok(Registered::Created(user_id))
}

/// The country of an org-id.guide scheme (`CL-RUT` is Chilean); `XX` for international lists.
fn identifier_country(scheme: &str) -> String {
    let country = scheme.trim().get(..2).unwrap_or("XX").to_ascii_uppercase();
    if country == "XI" || country == "XM" {
        "XX".into()
    } else {
        country
    }
}
