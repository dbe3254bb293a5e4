//! Catalogue orders, as buyers, approvers and suppliers use them through the pages: a cart
//! split into one order per supplier, approval above the buyer's own limit, acceptance that
//! makes a call-off contract, delivery, receipt, invoice and payment, each published as OCDS;
//! the refusals that keep bad input out; and idempotency under concurrent submissions.

use chrono::{Duration, Utc};
use marco::entities::{contract, order, release, service};
use marco_tests::{Client, TestApp};
use sea_orm::prelude::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

const ADDRESS: &str = "Teatinos 120, piso 7, Santiago";
const COST_CENTRE: &str = "CC-104-TI";

/// The demo accounts and six live services: three from Nube Andina, three from Brightlane.
async fn shop(app: &TestApp) -> (Vec<service::Model>, Vec<service::Model>) {
    marco_tests::fixtures::demo_shop(app, 6).await
}

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let mut client = Client::new(app);
    let res = client
        .post(
            "/sign-in",
            &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "sign-in of {email}: {}", res.text());
    client
}

/// The quantity of `svc` that costs about `target`.
fn quantity_for(svc: &service::Model, target: i64) -> String {
    let price = svc.price.unwrap();
    (Decimal::from(target) / price)
        .round_dp(2)
        .max(Decimal::new(1, 2))
        .to_string()
}

async fn add(client: &mut Client<'_>, svc: &service::Model, quantity: &str) {
    let res = client
        .post(
            "/cart/items",
            &[("service", &svc.public_id), ("quantity", quantity)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
}

fn checkout_key(page: &str) -> String {
    let start = page.find("name=\"idempotency_key\" value=\"").unwrap() + 30;
    page[start..start + 36].to_owned()
}

fn tomorrow_plus(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn checkout<'a>(client: &mut Client<'a>, key: &str) -> marco_tests::TestResponse {
    let date = tomorrow_plus(10);
    client
        .post(
            "/cart/checkout",
            &[
                ("delivery_address", ADDRESS),
                ("cost_centre", COST_CENTRE),
                ("requested_date", &date),
                ("idempotency_key", key),
            ],
        )
        .await
}

async fn orders(app: &TestApp) -> Vec<order::Model> {
    order::Entity::find()
        .order_by_asc(order::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    order::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn act(
    client: &mut Client<'_>,
    id: i64,
    action: &str,
    fields: &[(&str, &str)],
) -> http::StatusCode {
    client
        .post(&format!("/orders/{id}/{action}"), fields)
        .await
        .status
}

/// Places the journey's two orders: one from Nube Andina above the buyer's own limit, one
/// from Brightlane within it. Returns (nube order, brightlane order).
async fn place_two_orders<'a>(
    app: &'a TestApp,
    nube: &[service::Model],
    bright: &[service::Model],
) -> (Client<'a>, order::Model, order::Model) {
    let mut buyer = signed_in(app, "buyer@compras.demo.gob.cl").await;
    add(&mut buyer, &nube[0], &quantity_for(&nube[0], 1_500_000)).await;
    add(&mut buyer, &nube[1], "1").await;
    add(&mut buyer, &bright[0], &quantity_for(&bright[0], 500_000)).await;
    let cart = buyer.get("/cart").await;
    assert_eq!(cart.status, 200);
    let page = cart.text();
    assert!(page.contains(&nube[0].name) && page.contains(&bright[0].name));
    let key = checkout_key(&page);
    let res = checkout(&mut buyer, &key).await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert!(
        res.header("location")
            .unwrap()
            .starts_with("/orders?placed=")
    );
    let placed = orders(app).await;
    assert_eq!(placed.len(), 2, "one order per supplier");
    let nube_order = placed
        .iter()
        .find(|o| o.supplier_org_id == nube[0].organisation_id)
        .unwrap()
        .clone();
    let bright_order = placed
        .iter()
        .find(|o| o.supplier_org_id == bright[0].organisation_id)
        .unwrap()
        .clone();
    (buyer, nube_order, bright_order)
}

#[tokio::test]
async fn an_order_goes_from_cart_to_payment_and_is_published_without_internal_details() {
    let app = TestApp::new().await;
    let (nube, bright) = shop(&app).await;
    let (mut buyer, nube_order, bright_order) = place_two_orders(&app, &nube, &bright).await;

    // Above the buyer's own CLP 1,000,000 limit: waits for a colleague. Within it: sent.
    assert!(nube_order.total > Decimal::from(1_000_000));
    assert_eq!(nube_order.status, "submitted");
    assert!(nube_order.needs_approval);
    assert!(bright_order.total <= Decimal::from(1_000_000));
    assert_eq!(bright_order.status, "sent");
    assert!(bright_order.accept_by.unwrap() > Utc::now());
    assert_eq!(
        marco::entities::cart_item::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0,
        "the cart is emptied by the checkout"
    );
    let approver_mail = marco_tests::client::last_mail(&app, "approver@compras.demo.gob.cl")
        .await
        .expect("the approver is asked");
    assert_eq!(approver_mail.kind, "order_to_approve");
    let supplier_mail = marco_tests::client::last_mail(&app, "supplier@brightlane.example")
        .await
        .expect("the supplier gets the order");
    assert_eq!(supplier_mail.kind, "order_received");

    // The supplier cannot see an order still inside the buyer's approval.
    let mut supplier = signed_in(&app, "supplier@nubeandina.example").await;
    let res = supplier.get(&format!("/orders/{}", nube_order.id)).await;
    assert_eq!(res.status, 404);

    // Nobody approves their own order, even within their role.
    let res = buyer
        .post(&format!("/orders/{}/approve", nube_order.id), &[])
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.text().contains("an order you placed yourself"),
        "{}",
        res.text()
    );
    assert_eq!(status_of(&app, nube_order.id).await, "submitted");

    let mut approver = signed_in(&app, "approver@compras.demo.gob.cl").await;
    let list = approver.get("/orders").await.text();
    assert!(list.contains("id=\"to-approve\""), "{list}");
    assert_eq!(
        act(
            &mut approver,
            nube_order.id,
            "approve",
            &[("reason", "Within the 2026 budget")]
        )
        .await,
        303
    );
    assert_eq!(status_of(&app, nube_order.id).await, "sent");

    // Another supplier acting on it finds nothing.
    let mut other = signed_in(&app, "supplier@brightlane.example").await;
    assert_eq!(act(&mut other, nube_order.id, "accept", &[]).await, 404);

    let page = supplier.get(&format!("/orders/{}", nube_order.id)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(ADDRESS),
        "the supplier needs the address"
    );
    assert!(
        !page.text().contains("Within the 2026 budget"),
        "approval comments stay inside the buyer"
    );
    let res = supplier
        .post(&format!("/orders/{}/accept", nube_order.id), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let made = contract::Entity::find()
        .filter(contract::Column::OrderId.eq(nube_order.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("acceptance makes a contract");
    assert_eq!(made.value, nube_order.total);
    assert_eq!(made.route, "order");
    assert_eq!(
        act(
            &mut supplier,
            nube_order.id,
            "deliver",
            &[("note", "Accounts created")]
        )
        .await,
        303
    );
    assert_eq!(
        act(
            &mut buyer,
            nube_order.id,
            "receive",
            &[("in_full", "no"), ("note", "One licence missing")]
        )
        .await,
        303
    );
    // An invoice needs its number.
    assert_eq!(
        act(
            &mut supplier,
            nube_order.id,
            "invoice",
            &[("invoice_number", "")]
        )
        .await,
        422
    );
    assert_eq!(
        act(
            &mut supplier,
            nube_order.id,
            "invoice",
            &[("invoice_number", "F-1001")]
        )
        .await,
        303
    );
    assert_eq!(act(&mut buyer, nube_order.id, "pay", &[]).await, 303);
    let paid = order::Entity::find_by_id(nube_order.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paid.status, "paid");
    assert!(paid.payment_due_at.unwrap() > paid.invoiced_at.unwrap());
    assert_eq!(
        contract::Entity::find_by_id(made.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .status,
        "terminated"
    );

    // Published: every release of the order's process, in order, valid and linked to the
    // framework; nothing internal in any of them.
    let releases = release::Entity::find()
        .filter(release::Column::Ocid.eq(&nube_order.ocid))
        .order_by_asc(release::Column::Sequence)
        .all(&app.state.db)
        .await
        .unwrap();
    let tags: Vec<&str> = releases.iter().map(|r| r.tags.as_str()).collect();
    assert_eq!(
        tags,
        [
            "award",
            "award contract",
            "implementation",
            "implementation",
            "implementation",
            "implementation contractUpdate"
        ]
    );
    assert!(releases.iter().all(|r| r.valid));
    for r in &releases {
        for secret in [
            ADDRESS,
            COST_CENTRE,
            "Within the 2026 budget",
            "One licence missing",
            "Accounts created",
            "Demo Compradora",
            "Demo Aprobadora",
            "@",
        ] {
            assert!(
                !r.body.contains(secret),
                "{secret} leaked into {}",
                r.release_id
            );
        }
    }
    let record = app.get(&format!("/ocds/records/{}", nube_order.ocid)).await;
    assert_eq!(record.status, 200);
    let record = record.json();
    let compiled = &record["records"][0]["compiledRelease"];
    let fw = marco::entities::framework::Entity::find_by_id(nube_order.framework_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        compiled["relatedProcesses"][0]["relationship"][0],
        "framework"
    );
    assert_eq!(
        compiled["relatedProcesses"][0]["identifier"],
        fw.ocid.as_str()
    );
    assert_eq!(compiled["tender"]["procurementMethod"], "direct");
    assert_eq!(compiled["tender"]["competitive"], false);
    assert_eq!(compiled["awards"][0]["status"], "active");
    assert_eq!(compiled["contracts"][0]["status"], "terminated");
    assert_eq!(
        compiled["contracts"][0]["items"].as_array().unwrap().len(),
        2
    );
    let milestones = compiled["contracts"][0]["implementation"]["milestones"]
        .as_array()
        .unwrap();
    let receipt = milestones.iter().find(|m| m["id"] == "receipt").unwrap();
    assert_eq!(receipt["status"], "partiallyMet");
    let tx = &compiled["contracts"][0]["implementation"]["transactions"][0];
    assert_eq!(tx["value"]["currency"], "CLP");
    assert_eq!(
        tx["value"]["amount"]
            .to_string()
            .parse::<Decimal>()
            .unwrap(),
        nube_order.total
    );
    assert_eq!(compiled["buyer"]["name"], "Dirección de Compras Demo");
    let errors = app.state.publisher.validator().validate_release(compiled);
    assert_eq!(errors, [], "the compiled release validates");

    // The public register lists it, filtered by supplier, and links to the record.
    let register = app
        .get(&format!(
            "/contracts?supplier={}",
            nube_order.supplier_org_id
        ))
        .await;
    assert_eq!(register.status, 200);
    let text = register.text();
    assert!(text.contains(&made.title), "{text}");
    assert!(text.contains("1 contract"), "{text}");
    let page = app.get(&format!("/contracts/{}", made.id)).await.text();
    assert!(page.contains(&format!("/ocds/records/{}", nube_order.ocid)));
    let csv = app.get("/contracts.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.text().contains(&nube_order.ocid));
    assert_eq!(app.get("/contracts?supplier=abc").await.status, 422);

    // Amounts read in each language's own format.
    buyer.language = "es".into();
    let es = buyer
        .get(&format!("/orders/{}", nube_order.id))
        .await
        .text();
    let shown = marco::buying::money_text(nube_order.total, "CLP", "es");
    assert!(shown.contains('.'), "{shown}");
    assert!(es.contains(&shown), "{es}");
}

#[tokio::test]
async fn bad_input_and_wrong_people_are_refused_and_nothing_is_saved_half_way() {
    let app = TestApp::new().await;
    let (nube, bright) = shop(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    for quantity in ["0", "-1", "abc", ""] {
        let res = buyer
            .post(
                "/cart/items",
                &[("service", &nube[0].public_id), ("quantity", quantity)],
            )
            .await;
        assert_eq!(res.status, 422, "quantity {quantity:?}");
    }
    assert_eq!(
        buyer
            .post(
                "/cart/items",
                &[("service", "no-such-service"), ("quantity", "1")]
            )
            .await
            .status,
        404
    );
    // Suppliers cannot shop.
    let mut supplier = signed_in(&app, "supplier@nubeandina.example").await;
    assert_eq!(
        supplier
            .post(
                "/cart/items",
                &[("service", &bright[0].public_id), ("quantity", "1")]
            )
            .await
            .status,
        403
    );

    // A service suspended after it went into the cart stops the checkout; nothing is saved.
    add(&mut buyer, &nube[2], "1").await;
    add(&mut buyer, &bright[1], "1").await;
    let mut suspended = service::Entity::find_by_id(nube[2].id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    suspended.status = Set("suspended".into());
    suspended.update(&app.state.db).await.unwrap();
    let key = checkout_key(&buyer.get("/cart").await.text());
    let res = checkout(&mut buyer, &key).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("no longer available"), "{}", res.text());
    assert!(orders(&app).await.is_empty());
    assert_eq!(
        marco::entities::cart_item::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        2,
        "the cart is kept"
    );
    let res = buyer
        .post(
            "/cart/items",
            &[("service", &nube[2].public_id), ("quantity", "1")],
        )
        .await;
    assert_eq!(res.status, 422, "a suspended service cannot be added");
    assert!(
        res.text().contains("cannot be bought now"),
        "{}",
        res.text()
    );

    // A missing or past date is refused by field.
    let res = buyer
        .post(
            "/cart/checkout",
            &[
                ("delivery_address", ""),
                ("cost_centre", COST_CENTRE),
                ("requested_date", "2020-01-01"),
                ("idempotency_key", "k-1"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("href=\"#delivery_address\""));
    assert!(res.text().contains("href=\"#requested_date\""));
    assert!(orders(&app).await.is_empty());
}

#[tokio::test]
async fn approval_limits_are_checked_in_their_currency_and_deadlines_hold() {
    let app = TestApp::new().await;
    let (nube, bright) = shop(&app).await;
    let (_buyer, nube_order, bright_order) = place_two_orders(&app, &nube, &bright).await;

    // An approver whose limit is in pounds cannot approve an order in pesos.
    let approver_id = marco::entities::user::Entity::find()
        .filter(marco::entities::user::Column::Email.eq("approver@compras.demo.gob.cl"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut role = marco::entities::user_role::Entity::find()
        .filter(marco::entities::user_role::Column::UserId.eq(approver_id))
        .filter(marco::entities::user_role::Column::Role.eq("can_approve_orders"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    role.approval_limit_currency = Set(Some("GBP".into()));
    role.update(&app.state.db).await.unwrap();
    let mut approver = signed_in(&app, "approver@compras.demo.gob.cl").await;
    let res = approver
        .post(&format!("/orders/{}/approve", nube_order.id), &[])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("another currency"), "{}", res.text());
    assert_eq!(status_of(&app, nube_order.id).await, "submitted");

    // Accepting after the deadline is refused.
    let mut late = order::Entity::find_by_id(bright_order.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    late.accept_by = Set(Some(Utc::now() - Duration::minutes(1)));
    late.update(&app.state.db).await.unwrap();
    let mut supplier = signed_in(&app, "supplier@brightlane.example").await;
    let res = supplier
        .post(&format!("/orders/{}/accept", bright_order.id), &[])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("deadline to accept"), "{}", res.text());
    assert_eq!(status_of(&app, bright_order.id).await, "sent");
    // The supplier may still reject it, with a reason; that is published.
    assert_eq!(
        act(&mut supplier, bright_order.id, "reject", &[]).await,
        422
    );
    assert_eq!(
        act(
            &mut supplier,
            bright_order.id,
            "reject",
            &[("reason", "Out of stock")]
        )
        .await,
        303
    );
    let last = release::Entity::find()
        .filter(release::Column::Ocid.eq(&bright_order.ocid))
        .order_by_desc(release::Column::Sequence)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.tags, "awardUpdate");
    assert!(last.body.contains("unsuccessful"));
    assert!(!last.body.contains("Out of stock"));
}

#[tokio::test]
async fn fifty_submissions_with_one_key_make_one_set_of_orders_and_twenty_approvals_one_decision() {
    let app = TestApp::new().await;
    let (nube, _bright) = shop(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    add(&mut buyer, &nube[0], &quantity_for(&nube[0], 2_000_000)).await;
    let key = checkout_key(&buyer.get("/cart").await.text());
    let tabs: Vec<Client<'_>> = (0..50).map(|_| buyer.clone()).collect();
    let results = futures_util::future::join_all(tabs.into_iter().map(|mut tab| {
        let key = key.clone();
        async move { checkout(&mut tab, &key).await }
    }))
    .await;
    let mut locations = std::collections::BTreeSet::new();
    for res in &results {
        assert_eq!(res.status, 303, "{}", res.text());
        locations.insert(res.header("location").unwrap());
    }
    assert_eq!(
        locations.len(),
        1,
        "every submission answers with the same orders"
    );
    let placed = orders(&app).await;
    assert_eq!(placed.len(), 1, "one order");
    assert_eq!(placed[0].status, "submitted");

    let approver = signed_in(&app, "approver@compras.demo.gob.cl").await;
    let tabs: Vec<Client<'_>> = (0..20).map(|_| approver.clone()).collect();
    let id = placed[0].id;
    let statuses = futures_util::future::join_all(
        tabs.into_iter()
            .map(|mut tab| async move { act(&mut tab, id, "approve", &[]).await }),
    )
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 422 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(status_of(&app, id).await, "sent");
    assert_eq!(
        release::Entity::find()
            .filter(release::Column::Ocid.eq(&placed[0].ocid))
            .count(&app.state.db)
            .await
            .unwrap(),
        1,
        "one award release"
    );
    let decisions = marco::entities::audit_event::Entity::find()
        .filter(marco::entities::audit_event::Column::Event.eq("order_approve"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(decisions, 1);
}

#[tokio::test]
async fn a_large_purchase_needs_three_quotes_and_goes_to_the_lowest() {
    // ChileCompra's "grandes compras" rule, scaled: above 1000 UTM at CLP 1,000 each.
    let app = TestApp::with_config(|config| {
        config.buying.large_purchase = Some(marco::config::LargePurchaseRule {
            threshold: Decimal::from(1000),
            unit: "UTM".into(),
            rates: vec![("CLP".into(), Decimal::from(1000))],
            min_quotes: 3,
        });
    })
    .await;
    let (nube, bright) = shop(&app).await;
    // A third supplier on the framework, so three can quote.
    let third = marco::entities::organisation::Entity::find()
        .filter(marco::entities::organisation::Column::Kind.eq("supplier"))
        .filter(marco::entities::organisation::Column::Name.ne("Nube Andina"))
        .filter(marco::entities::organisation::Column::Name.ne("Brightlane Digital"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut moved = bright[2].clone().into_active_model();
    moved.organisation_id = Set(third.id);
    moved.update(&app.state.db).await.unwrap();

    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    add(&mut buyer, &nube[0], &quantity_for(&nube[0], 1_500_000)).await;
    let page = buyer.get("/cart").await.text();
    assert!(
        page.contains("id=\"quotes\""),
        "the cart asks for quotes: {page}"
    );
    let key = checkout_key(&page);
    let date = tomorrow_plus(10);
    let (n, b, t) = (
        nube[0].organisation_id.to_string(),
        bright[0].organisation_id.to_string(),
        third.id.to_string(),
    );
    let submit = |quotes: Vec<(&'static str, String, &'static str, String)>| {
        let mut fields = vec![
            ("delivery_address", ADDRESS.to_owned()),
            ("cost_centre", COST_CENTRE.to_owned()),
            ("requested_date", date.clone()),
            ("idempotency_key", key.clone()),
        ];
        for (sk, sv, ak, av) in quotes {
            fields.push((sk, sv));
            fields.push((ak, av));
        }
        fields
    };
    // Two quotes are not enough.
    let fields = submit(vec![
        (
            "quote_supplier_1",
            n.clone(),
            "quote_amount_1",
            "1400000".into(),
        ),
        (
            "quote_supplier_2",
            b.clone(),
            "quote_amount_2",
            "1600000".into(),
        ),
    ]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer.post("/cart/checkout", &pairs).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("href=\"#quotes\""), "{}", res.text());
    assert!(orders(&app).await.is_empty());
    // Three, but the supplier ordered from is not the lowest: refused with a new key.
    let key2 = checkout_key(&buyer.get("/cart").await.text());
    let mut fields = submit(vec![
        (
            "quote_supplier_1",
            n.clone(),
            "quote_amount_1",
            "1400000".into(),
        ),
        (
            "quote_supplier_2",
            b.clone(),
            "quote_amount_2",
            "1300000".into(),
        ),
        (
            "quote_supplier_3",
            t.clone(),
            "quote_amount_3",
            "1500000".into(),
        ),
    ]);
    fields[3].1 = key2;
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer.post("/cart/checkout", &pairs).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("lowest"), "{}", res.text());
    // Three with the ordered supplier lowest: placed, and the count is published.
    let key3 = checkout_key(&buyer.get("/cart").await.text());
    let mut fields = submit(vec![
        (
            "quote_supplier_1",
            n.clone(),
            "quote_amount_1",
            "1400000".into(),
        ),
        (
            "quote_supplier_2",
            b.clone(),
            "quote_amount_2",
            "1600000".into(),
        ),
        (
            "quote_supplier_3",
            t.clone(),
            "quote_amount_3",
            "1500000".into(),
        ),
    ]);
    fields[3].1 = key3;
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer.post("/cart/checkout", &pairs).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let placed = orders(&app).await;
    assert_eq!(placed.len(), 1);
    assert_eq!(
        marco::entities::order_quote::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        3
    );
    let mut approver = signed_in(&app, "approver@compras.demo.gob.cl").await;
    assert_eq!(act(&mut approver, placed[0].id, "approve", &[]).await, 303);
    let sent = release::Entity::find()
        .filter(release::Column::Ocid.eq(&placed[0].ocid))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["bids"]["statistics"][0]["measure"], "bids");
    assert_eq!(body["bids"]["statistics"][0]["value"], 3);
    assert!(sent.valid);
}

#[tokio::test]
async fn an_order_left_unanswered_past_its_deadline_lapses_once_and_is_published() {
    let app = TestApp::new().await;
    let (nube, bright) = shop(&app).await;
    let (_buyer, _nube_order, bright_order) = place_two_orders(&app, &nube, &bright).await;
    assert_eq!(bright_order.status, "sent");
    // Nothing is due yet.
    assert_eq!(
        marco::buying::deadlines::lapse_due(&app.state, Utc::now())
            .await
            .unwrap(),
        0
    );
    let mut late = order::Entity::find_by_id(bright_order.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    late.accept_by = Set(Some(Utc::now() - Duration::minutes(5)));
    late.update(&app.state.db).await.unwrap();
    for expected in [1, 0] {
        assert_eq!(
            marco::buying::deadlines::lapse_due(&app.state, Utc::now())
                .await
                .unwrap(),
            expected
        );
    }
    let lapsed = order::Entity::find_by_id(bright_order.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lapsed.status, "cancelled");
    assert_eq!(lapsed.closed_by.as_deref(), Some("clock"));
    let last = release::Entity::find()
        .filter(release::Column::Ocid.eq(&bright_order.ocid))
        .order_by_desc(release::Column::Sequence)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.tags, "awardUpdate");
    assert!(last.valid);
    let body: serde_json::Value = serde_json::from_str(&last.body).unwrap();
    assert_eq!(body["awards"][0]["status"], "cancelled");
    let mail = marco_tests::client::last_mail(&app, "buyer@compras.demo.gob.cl")
        .await
        .unwrap();
    assert_eq!(mail.kind, "order_changed");
    // Neither side can act on it any more, and the clock's action is not for people.
    let mut supplier = signed_in(&app, "supplier@brightlane.example").await;
    assert_eq!(
        act(&mut supplier, bright_order.id, "accept", &[]).await,
        422
    );
    assert_eq!(act(&mut supplier, bright_order.id, "lapse", &[]).await, 404);
}
