//! The authorisation matrix: every route in `auth::authz::ROUTES` × every kind of user, through
//! the real router, must answer as the table says.

use axum::body::Body;
use chrono::Utc;
use http::{Method, Request};
use marco::auth::authz::{Decision, ROUTES, decide};
use marco::auth::{CurrentUser, session};
use marco::domain::roles::{OrgKind, Role};
use marco::entities::{organisation, user, user_role};
use marco_tests::TestApp;
use sea_orm::{ActiveModelTrait, Set};

/// (name, organisation kind, roles, verified)
const PERSONAS: &[(&str, OrgKind, &[Role], bool)] = &[
    (
        "unverified",
        OrgKind::Supplier,
        &[Role::SupplierAdmin],
        false,
    ),
    (
        "supplier_admin",
        OrgKind::Supplier,
        &[Role::SupplierAdmin],
        true,
    ),
    (
        "supplier_user",
        OrgKind::Supplier,
        &[Role::SupplierUser],
        true,
    ),
    (
        "buyer_admin",
        OrgKind::Buyer,
        &[Role::BuyerAdmin, Role::BuyerUser],
        true,
    ),
    (
        "buyer_user",
        OrgKind::Buyer,
        &[Role::BuyerUser, Role::CanAward],
        true,
    ),
    (
        "framework_manager",
        OrgKind::Platform,
        &[Role::FrameworkManager],
        true,
    ),
    (
        "category_reviewer",
        OrgKind::Platform,
        &[Role::CategoryReviewer],
        true,
    ),
    (
        "platform_admin",
        OrgKind::Platform,
        &[Role::PlatformAdmin],
        true,
    ),
];

async fn org(app: &TestApp, kind: OrgKind, n: &str) -> i64 {
    organisation::ActiveModel {
        kind: Set(kind.as_str().into()),
        name: Set(format!("Org {n}")),
        legal_name: Set(format!("Org {n}")),
        identifier_scheme: Set("XI-TEST".into()),
        identifier_id: Set(n.into()),
        country_code: Set("CL".into()),
        email_domains: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id
}

/// A fresh user of `persona` with a live session; returns (user, session cookie).
async fn persona(
    app: &TestApp,
    orgs: &[(OrgKind, i64)],
    index: usize,
    hash: &str,
) -> (CurrentUser, String) {
    let (name, kind, roles, verified) = PERSONAS[index];
    let organisation_id = orgs.iter().find(|(k, _)| *k == kind).unwrap().1;
    let person = user::ActiveModel {
        organisation_id: Set(organisation_id),
        email: Set(format!(
            "{name}-{}@matrix.example",
            uuid::Uuid::new_v4().simple()
        )),
        name: Set(name.into()),
        password_hash: Set(hash.into()),
        locale: Set("en".into()),
        email_verified_at: Set(verified.then(Utc::now)),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    for role in roles {
        user_role::ActiveModel {
            user_id: Set(person.id),
            role: Set(role.as_str().into()),
            approval_limit: Set(None),
            approval_limit_currency: Set(None),
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
    let (token, _) = session::start(&app.state.db, &app.state, person.id, "browser", "")
        .await
        .unwrap();
    let current = CurrentUser {
        id: person.id,
        organisation_id,
        org_kind: kind,
        name: name.into(),
        email: person.email,
        roles: roles.iter().copied().collect(),
        verified,
        session_id: String::new(),
        kind: "browser".into(),
        scopes: String::new(),
    };
    (current, token)
}

fn concrete(path: &str, victim: i64) -> String {
    path.replace("{code}", "es")
        .replace("{*path}", "marco.css")
        .replace("{id}/deactivate", &format!("{victim}/deactivate"))
        .replace("{id}/roles", &format!("{victim}/roles"))
        .replace("{id}", "no-such-release")
        .replace("{ocid}", "ocds-demo00-none")
        .replace("{token}", "no-such-token")
}

fn request(method: &str, path: &str, session: Option<&str>) -> Request<Body> {
    let csrf = "c".repeat(64);
    let cookie = match session {
        Some(token) => format!("marco_csrf={csrf}; marco_session={token}"),
        None => format!("marco_csrf={csrf}"),
    };
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header("cookie", cookie);
    if method == "GET" {
        builder.body(Body::empty()).unwrap()
    } else if path.starts_with("/api/") {
        builder
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap()
    } else {
        builder
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf_token={csrf}")))
            .unwrap()
    }
}

#[tokio::test]
async fn every_route_answers_every_kind_of_user_as_the_table_says() {
    let app = TestApp::new().await;
    let hash = marco::domain::password::hash("matrix password 2026").unwrap();
    let orgs = vec![
        (OrgKind::Supplier, org(&app, OrgKind::Supplier, "s").await),
        (OrgKind::Buyer, org(&app, OrgKind::Buyer, "b").await),
        (OrgKind::Platform, org(&app, OrgKind::Platform, "p").await),
    ];
    // Someone in an organisation of its own: deactivating them must look like a missing page.
    let outsider_org = org(&app, OrgKind::Supplier, "outsider").await;
    let (outsider, _) = persona(&app, &[(OrgKind::Supplier, outsider_org)], 1, &hash).await;

    let mut checked = 0;
    let mut failures = Vec::new();
    for (method, template, rule) in ROUTES {
        let path = concrete(template, outsider.id);
        let m: Method = method.parse().unwrap();
        for index in std::iter::once(None).chain((0..PERSONAS.len()).map(Some)) {
            let (user, token) = match index {
                Some(i) => {
                    let (u, t) = persona(&app, &orgs, i, &hash).await;
                    (Some(u), Some(t))
                }
                None => (None, None),
            };
            let who = index.map(|i| PERSONAS[i].0).unwrap_or("anonymous");
            let res = app.send(request(method, &path, token.as_deref())).await;
            let status = res.status.as_u16();
            let location = res.header("location").unwrap_or_default();
            let expected = decide(*rule, user.as_ref(), &m);
            let ok = match expected {
                Decision::Allow if template.starts_with("/organisation/users/{id}") => {
                    status == 404
                }
                Decision::Allow => {
                    !matches!(status, 401 | 403 | 500) && !location.starts_with("/sign-in")
                }
                Decision::SignIn
                    if *method == "GET"
                        && !template.starts_with("/api/")
                        && !template.starts_with("/ocds/") =>
                {
                    status == 303 && location.starts_with("/sign-in?next=")
                }
                Decision::SignIn => status == 401,
                Decision::VerifyEmail | Decision::Forbidden => status == 403,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {who}: expected {expected:?}, got {status} {location}"
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, ROUTES.len() * (PERSONAS.len() + 1));
}

#[tokio::test]
async fn a_route_missing_from_the_table_is_refused() {
    let app = TestApp::new().await;
    // Every route in the table is served (no table entry points at nothing)...
    for (method, template, _) in ROUTES {
        let path = concrete(template, 0);
        let res = app.send(request(method, &path, None)).await;
        assert_ne!(
            res.status, 405,
            "{method} {template} is in the table but not routed"
        );
    }
    // ...and the table has no duplicates.
    let mut keys: Vec<_> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    keys.sort();
    let before = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), before);
}

#[tokio::test]
async fn admins_deactivate_only_their_own_organisations_users() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut admin = marco_tests::Client::new(&app);
    admin
        .post(
            "/sign-in",
            &[
                ("email", "buyer@compras.demo.gob.cl"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    let mut colleague = marco_tests::Client::new(&app);
    let joined = colleague
        .post(
            "/register/buyer",
            &[
                ("name", "Col League"),
                ("email", "col@compras.demo.gob.cl"),
                ("password", "colleague passphrase 2026"),
            ],
        )
        .await;
    assert_eq!(joined.status, 303);
    let colleague_id = user::Entity::find_by_email(&app, "col@compras.demo.gob.cl").await;
    let outsider_id = user::Entity::find_by_email(&app, "supplier@nubeandina.example").await;

    assert_eq!(
        admin
            .post(
                &format!("/organisation/users/{outsider_id}/deactivate"),
                &[]
            )
            .await
            .status,
        404
    );
    let res = admin
        .post(
            &format!("/organisation/users/{colleague_id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/organisation/users?done=deactivated")
    );
    assert_eq!(
        colleague.get("/account").await.status,
        303,
        "their session ended"
    );
    assert!(
        admin
            .get("/organisation/users?done=deactivated")
            .await
            .text()
            .contains("Deactivated")
    );
}

trait FindByEmail {
    async fn find_by_email(app: &TestApp, email: &str) -> i64;
}

impl FindByEmail for user::Entity {
    async fn find_by_email(app: &TestApp, email: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

#[tokio::test]
async fn admins_grant_roles_with_an_approval_limit_and_each_change_is_audited() {
    use marco::entities::audit_event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let mut colleague = marco_tests::Client::new(&app);
    colleague
        .post(
            "/register/buyer",
            &[
                ("name", "Ana Aprobadora"),
                ("email", "ana@compras.demo.gob.cl"),
                ("password", "approver passphrase 2026"),
            ],
        )
        .await;
    let ana = user::Entity::find_by_email(&app, "ana@compras.demo.gob.cl").await;
    let mut admin = marco_tests::Client::new(&app);
    admin
        .post(
            "/sign-in",
            &[
                ("email", "buyer@compras.demo.gob.cl"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    let path = format!("/organisation/users/{ana}/roles");
    let page = admin.get(&path).await;
    assert!(
        page.text().contains("Roles of Ana Aprobadora"),
        "{} {}",
        page.status,
        page.text()
    );

    let html = admin
        .post(
            &path,
            &[
                ("grant_buyer_user", "on"),
                ("grant_can_approve_orders", "on"),
                ("approval_limit", "12abc"),
            ],
        )
        .await
        .text();
    assert!(
        html.contains("digits only"),
        "a limit with letters is refused"
    );
    let html = admin
        .post(
            &path,
            &[
                ("grant_buyer_user", "on"),
                ("grant_can_approve_orders", "on"),
            ],
        )
        .await
        .text();
    assert!(
        html.contains("Enter the largest order this person may approve"),
        "approving orders needs a limit"
    );
    let res = admin
        .post(
            &path,
            &[
                ("grant_buyer_user", "on"),
                ("grant_can_approve_orders", "on"),
                ("approval_limit", "25000000"),
            ],
        )
        .await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/organisation/users?done=roles")
    );
    let roles = marco::entities::user_role::Entity::find()
        .filter(marco::entities::user_role::Column::UserId.eq(ana))
        .all(&app.state.db)
        .await
        .unwrap();
    let approve = roles
        .iter()
        .find(|r| r.role == "can_approve_orders")
        .expect("granted");
    assert_eq!(
        approve.approval_limit,
        Some(sea_orm::prelude::Decimal::from(25_000_000)),
        "the same amount whatever scale the backend stores"
    );
    // The limit is in the buyer's own currency (a Chilean public body: pesos), stored beside it.
    assert_eq!(approve.approval_limit_currency.as_deref(), Some("CLP"));
    let changes = audit_event::Entity::find()
        .filter(audit_event::Column::Event.eq("role_changed"))
        .filter(audit_event::Column::SubjectUserId.eq(ana))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(
        changes
            .iter()
            .any(|e| e.detail == "granted can_approve_orders"),
        "{changes:?}"
    );
    // Platform roles cannot be granted by an organisation.
    admin
        .post(
            &path,
            &[
                ("grant_buyer_user", "on"),
                ("grant_framework_manager", "on"),
            ],
        )
        .await;
    let roles = marco::entities::user_role::Entity::find()
        .filter(marco::entities::user_role::Column::UserId.eq(ana))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(roles.iter().all(|r| r.role != "framework_manager"));
    assert!(
        roles.iter().all(|r| r.role != "can_approve_orders"),
        "unticked roles are revoked"
    );
}
