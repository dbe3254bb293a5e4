//! Demo data that a newcomer can click through. Loading it twice changes nothing.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::domain::{password, rut};
use crate::entities::{buyer_domain, organisation, user, user_role};

/// The password of every demo account. Printed on start-up: demo data is not for production.
pub const DEMO_PASSWORD: &str = "marco-demo-2026";

/// Public-sector e-mail domains on the demo allow-list for buyer registration.
pub const DEMO_BUYER_DOMAINS: &[&str] = &["demo.gob.cl", "demo.gov.uk"];

/// A demo account to print for the person who ran `make run`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    /// Sign-in e-mail.
    pub email: &'static str,
    /// What the account is for.
    pub what: &'static str,
}

struct DemoOrg {
    kind: &'static str,
    name: &'static str,
    legal_name: &'static str,
    scheme: &'static str,
    id: String,
    locality: &'static str,
    country: &'static str,
    scale: Option<&'static str>,
    domains: &'static str,
}

struct DemoUser {
    org: usize,
    email: &'static str,
    name: &'static str,
    roles: &'static [&'static str],
    /// The `can_approve_orders` limit: amount and currency.
    limit: Option<(i64, &'static str)>,
    what: &'static str,
}

/// The RUT of the demo supplier Nube Andina, in normal form.
pub fn demo_supplier_rut() -> String {
    rut_for(76_354_771)
}

fn rut_for(number: u32) -> String {
    format!("{number}-{}", rut::check_digit(number))
}

fn demo_orgs() -> Vec<DemoOrg> {
    vec![
        DemoOrg {
            kind: "platform",
            name: "Marco platform team",
            legal_name: "Marco Demo Platform Operator",
            scheme: "XI-MARCO",
            id: "PLATFORM".into(),
            locality: "Santiago",
            country: "CL",
            scale: None,
            domains: "marco.example",
        },
        DemoOrg {
            kind: "buyer",
            name: "Dirección de Compras Demo",
            legal_name: "Dirección de Compras y Contratación Pública (demo)",
            scheme: "CL-RUT",
            id: rut_for(60_808_000),
            locality: "Santiago",
            country: "CL",
            scale: None,
            domains: "compras.demo.gob.cl",
        },
        DemoOrg {
            kind: "buyer",
            name: "Department for Digital Demo",
            legal_name: "Department for Digital Demo",
            scheme: "GB-GOR",
            id: "D9001".into(),
            locality: "London",
            country: "GB",
            scale: None,
            domains: "digital.demo.gov.uk",
        },
        DemoOrg {
            kind: "supplier",
            name: "Nube Andina",
            legal_name: "Nube Andina SpA",
            scheme: "CL-RUT",
            id: rut_for(76_354_771),
            locality: "Valparaíso",
            country: "CL",
            scale: Some("small"),
            domains: "",
        },
        DemoOrg {
            kind: "supplier",
            name: "Brightlane Digital",
            legal_name: "Brightlane Digital Ltd",
            scheme: "GB-COH",
            id: "09876543".into(),
            locality: "Leeds",
            country: "GB",
            scale: Some("micro"),
            domains: "",
        },
    ]
}

fn demo_users() -> Vec<DemoUser> {
    vec![
        DemoUser {
            org: 0,
            email: "manager@marco.example",
            name: "Demo Framework Manager",
            roles: &["framework_manager", "platform_admin"],
            limit: None,
            what: "framework manager and platform admin",
        },
        DemoUser {
            org: 0,
            email: "reviewer@marco.example",
            name: "Demo Category Reviewer",
            roles: &["category_reviewer"],
            limit: None,
            what: "category reviewer: approves the business cases of large briefs",
        },
        DemoUser {
            org: 1,
            email: "buyer@compras.demo.gob.cl",
            name: "Demo Compradora",
            roles: &[
                "buyer_admin",
                "can_publish_briefs",
                "can_award",
                "can_answer_questions",
                "can_approve_orders",
            ],
            limit: Some((1_000_000, "CLP")),
            what: "buyer admin (Dirección de Compras Demo); approves orders up to CLP 1,000,000",
        },
        DemoUser {
            org: 1,
            email: "approver@compras.demo.gob.cl",
            name: "Demo Aprobadora",
            roles: &["buyer_user", "can_approve_orders", "can_award"],
            limit: Some((50_000_000, "CLP")),
            what: "buyer who approves orders up to CLP 50,000,000 and contract changes above the threshold (Dirección de Compras Demo)",
        },
        DemoUser {
            org: 2,
            email: "buyer@digital.demo.gov.uk",
            name: "Demo Buyer",
            roles: &["buyer_user"],
            limit: None,
            what: "buyer (Department for Digital Demo)",
        },
        DemoUser {
            org: 3,
            email: "supplier@nubeandina.example",
            name: "Demo Proveedora",
            roles: &["supplier_admin"],
            limit: None,
            what: "supplier admin (Nube Andina, a small enterprise)",
        },
        DemoUser {
            org: 4,
            email: "supplier@brightlane.example",
            name: "Demo Supplier",
            roles: &["supplier_admin"],
            limit: None,
            what: "supplier admin (Brightlane Digital, a micro enterprise)",
        },
    ]
}

/// Loads the demo data when it is missing and returns the demo accounts.
pub async fn load(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Vec<DemoAccount>> {
    let txn = crate::db::begin_immediate(db).await?;
    for domain in DEMO_BUYER_DOMAINS {
        if buyer_domain::Entity::find_by_id(*domain)
            .one(&txn)
            .await?
            .is_none()
        {
            buyer_domain::ActiveModel {
                domain: Set((*domain).into()),
                added_by: Set(None),
                added_at: Set(Utc::now()),
            }
            .insert(&txn)
            .await?;
        }
    }
    let mut org_ids = Vec::new();
    for org in demo_orgs() {
        let existing = organisation::Entity::find()
            .filter(organisation::Column::IdentifierScheme.eq(org.scheme))
            .filter(organisation::Column::IdentifierId.eq(org.id.clone()))
            .one(&txn)
            .await?;
        let id = match existing {
            Some(found) => found.id,
            None => {
                organisation::ActiveModel {
                    kind: Set(org.kind.into()),
                    name: Set(org.name.into()),
                    legal_name: Set(org.legal_name.into()),
                    identifier_scheme: Set(org.scheme.into()),
                    identifier_id: Set(org.id.clone()),
                    locality: Set(Some(org.locality.into())),
                    country_code: Set(org.country.into()),
                    scale: Set(org.scale.map(Into::into)),
                    email_domains: Set(org.domains.into()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        org_ids.push(id);
    }
    let mut accounts = Vec::new();
    for demo in demo_users() {
        accounts.push(DemoAccount {
            email: demo.email,
            what: demo.what,
        });
        let exists = user::Entity::find()
            .filter(user::Column::Email.eq(demo.email))
            .one(&txn)
            .await?;
        if exists.is_some() {
            continue;
        }
        let created = user::ActiveModel {
            organisation_id: Set(org_ids[demo.org]),
            email: Set(demo.email.into()),
            name: Set(demo.name.into()),
            password_hash: Set(password::hash(DEMO_PASSWORD)?),
            locale: Set("en".into()),
            email_verified_at: Set(Some(Utc::now())),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for role in demo.roles {
            let limit = demo.limit.filter(|_| *role == "can_approve_orders");
            user_role::ActiveModel {
                user_id: Set(created.id),
                role: Set((*role).into()),
                approval_limit: Set(limit.map(|(amount, _)| rust_decimal::Decimal::from(amount))),
                approval_limit_currency: Set(limit.map(|(_, currency)| currency.to_owned())),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(accounts)
}
