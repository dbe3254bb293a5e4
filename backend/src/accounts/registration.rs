//! Creating accounts: a supplier with its organisation, or a buyer who joins the public body
//! that owns their e-mail domain (or creates it). Each registration, its verification link and
//! e-mail, and its audit entry commit together.

use chrono::Utc;
use marco_frontend::Lang;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::auth::audit::{self, Event};
use crate::auth::tokens::{self, TokenFor, TokenKind};
use crate::domain::email::Email;
use crate::domain::identifier::OrgIdentifier;
use crate::domain::roles::Role;
use crate::entities::{buyer_domain, organisation, user, user_role};
use crate::error::AppError;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::state::AppState;

/// Whether an account already uses `email`.
pub async fn email_taken<C: ConnectionTrait>(db: &C, email: &Email) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some())
}

/// Whether an organisation already has identifier `id`.
pub async fn identifier_taken<C: ConnectionTrait>(
    db: &C,
    id: &OrgIdentifier,
) -> Result<bool, DbErr> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::IdentifierScheme.eq(id.scheme.clone()))
        .filter(organisation::Column::IdentifierId.eq(id.id.clone()))
        .one(db)
        .await?
        .is_some())
}

/// Whether the platform's buyer allow-list covers the address's domain.
pub async fn domain_allowed<C: ConnectionTrait>(db: &C, email: &Email) -> Result<bool, DbErr> {
    Ok(buyer_domain::Entity::find()
        .all(db)
        .await?
        .iter()
        .any(|d| email.is_in_domain(&d.domain)))
}

/// The public body already on Marco that owns the address's domain, if any.
pub async fn public_body_of<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<i64>, DbErr> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Kind.eq("buyer"))
        .all(db)
        .await?
        .into_iter()
        .find(|org| {
            org.email_domains
                .split_whitespace()
                .any(|d| email.is_in_domain(d))
        })
        .map(|org| org.id))
}

/// The person registering, already checked.
#[derive(Debug)]
pub struct NewPerson<'a> {
    /// Full name.
    pub name: &'a str,
    /// Their address, to be verified.
    pub email: &'a Email,
    /// Their password, checked against the policy.
    pub password: &'a str,
    /// Their language, for the verification e-mail and later ones.
    pub lang: Lang,
    /// Their address, for the audit log.
    pub ip: Option<String>,
}

/// A supplier organisation, already checked.
#[derive(Debug)]
pub struct NewSupplier {
    /// Registered name.
    pub legal_name: String,
    /// Name it trades under (the legal name when none was given).
    pub trading_name: String,
    /// Its identifier.
    pub identifier: OrgIdentifier,
    /// Street address.
    pub street_address: Option<String>,
    /// Town or city.
    pub locality: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// OCDS `details.scale`.
    pub scale: String,
}

/// What a registration came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    /// The new user's id.
    User(i64),
    /// Another registration took the identifier at the same moment.
    IdentifierTaken,
}

/// Registers `supplier` with `person` as its first admin.
pub async fn create_supplier(
    state: &AppState,
    supplier: NewSupplier,
    person: NewPerson<'_>,
) -> Result<Created, AppError> {
    let txn = state.begin_write().await?;
    let organisation = organisation::ActiveModel {
        kind: Set("supplier".into()),
        name: Set(supplier.trading_name),
        legal_name: Set(supplier.legal_name),
        identifier_scheme: Set(supplier.identifier.scheme),
        identifier_id: Set(supplier.identifier.id),
        street_address: Set(supplier.street_address),
        locality: Set(supplier.locality),
        country_code: Set(supplier.country),
        scale: Set(Some(supplier.scale)),
        email_domains: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    // A registration racing this one for the same identifier loses here, not with a 500.
    let organisation = match organisation {
        Ok(org) => org,
        Err(err) if crate::db::is_unique_violation(&err) => return Ok(Created::IdentifierTaken),
        Err(err) => return Err(err.into()),
    };
    let user_id = create_user(
        &txn,
        state,
        organisation.id,
        &person,
        &[Role::SupplierAdmin],
    )
    .await?;
    txn.commit().await?;
    Ok(Created::User(user_id))
}

/// The public body a buyer joins.
#[derive(Debug)]
pub enum PublicBody {
    /// One already on Marco, by id.
    Existing(i64),
    /// A new one, with this person as its first admin.
    New {
        /// Its name.
        name: String,
        /// Its identifier.
        identifier: OrgIdentifier,
        /// ISO 3166-1 alpha-2 code, or `XX`.
        country: String,
    },
}

/// Registers a buyer in `body`.
pub async fn create_buyer(
    state: &AppState,
    body: PublicBody,
    person: NewPerson<'_>,
) -> Result<i64, AppError> {
    let txn = state.begin_write().await?;
    let (organisation_id, roles) = match body {
        PublicBody::Existing(id) => (id, vec![Role::BuyerUser]),
        PublicBody::New {
            name,
            identifier,
            country,
        } => {
            let org = organisation::ActiveModel {
                kind: Set("buyer".into()),
                name: Set(name.clone()),
                legal_name: Set(name),
                identifier_scheme: Set(identifier.scheme),
                identifier_id: Set(identifier.id),
                country_code: Set(country),
                email_domains: Set(person.email.domain().into()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            (org.id, vec![Role::BuyerAdmin, Role::BuyerUser])
        }
    };
    let user_id = create_user(&txn, state, organisation_id, &person, &roles).await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Creates the user with roles, the verification link and its e-mail, and the audit event, in
/// the caller's transaction.
async fn create_user<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    organisation_id: i64,
    person: &NewPerson<'_>,
    roles: &[Role],
) -> Result<i64, AppError> {
    let created = user::ActiveModel {
        organisation_id: Set(organisation_id),
        email: Set(person.email.as_str().into()),
        name: Set(person.name.to_owned()),
        password_hash: Set(crate::domain::password::hash(person.password)?),
        locale: Set(person.lang.code().into()),
        email_verified_at: Set(None),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for role in roles {
        user_role::ActiveModel {
            user_id: Set(created.id),
            role: Set(role.as_str().into()),
            approval_limit: Set(None),
            approval_limit_currency: Set(None),
        }
        .insert(txn)
        .await?;
    }
    let token = tokens::issue(
        txn,
        TokenKind::Verify,
        TokenFor {
            user_id: Some(created.id),
            email: person.email.as_str().into(),
            ..Default::default()
        },
    )
    .await?;
    let link = format!("{}/verify-email?token={token}", state.config.public_url);
    mail::enqueue(
        txn,
        OutgoingMail {
            to: person.email.as_str().into(),
            lang: person.lang,
            kind: MailKind::VerifyEmail {
                name: person.name.to_owned(),
                link,
            },
        },
    )
    .await?;
    let roles = roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    audit::record(
        txn,
        Event {
            event: "sign_up",
            actor: Some(created.id),
            subject: Some(created.id),
            ip: person.ip.clone(),
            detail: format!("roles {roles}"),
        },
    )
    .await?;
    Ok(created.id)
}
