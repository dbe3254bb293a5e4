//! The buying journeys of the buying issue, done in headless Chromium as new users would,
//! with axe-core (WCAG 2.2 AA) on every page along the way:
//!
//! 1. a buyer saves a search, ends it with 12 results, exports the CSV and awards a service;
//! 2. a buyer orders three items from two suppliers; the order over the buyer's limit goes to
//!    the approver, who approves it; the supplier accepts, the buyer confirms receipt, the
//!    supplier invoices and the buyer pays;
//! 3. a reader opens the contracts register, filters by supplier and follows a contract to
//!    its OCDS record.

use chrono::{Duration, Utc};
use fantoccini::Locator;
use marco::entities::{contract, da_download, da_project, order};
use marco_tests::{Browser, TestServer};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// Who acts, the action, the fields they fill, and the status the order shows after.
type Step<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str);

async fn sign_in(browser: &Browser, server: &TestServer, email: &str) {
    browser.client.goto(&server.url("/sign-in")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", marco::seed::DEMO_PASSWORD).await;
    browser.submit("/sign-in").await;
}

async fn sign_out(browser: &Browser, server: &TestServer) {
    browser.client.goto(&server.url("/account")).await.unwrap();
    browser.submit("/sign-out").await;
}

async fn open(browser: &Browser, server: &TestServer, path: &str, what: &str) {
    browser.client.goto(&server.url(path)).await.unwrap();
    browser.assert_accessible(what).await;
}

fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn buying_journeys_direct_award_catalogue_order_and_the_register() {
    let server = TestServer::start().await;
    let app = &server.app;
    let (nube, bright) = marco_tests::fixtures::demo_shop(app, 48).await;
    let browser = Browser::start().await;

    // Journey 1: a direct award after a recorded search.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    open(
        &browser,
        &server,
        "/catalogue?lot=cloud-hosting",
        "catalogue results",
    )
    .await;
    assert!(browser.text("#summary").await.contains("12"));
    browser.click("#save-search summary").await;
    browser
        .fill("project-name", "Hosting for the regional offices")
        .await;
    browser.submit("/direct-awards/projects").await;
    browser
        .assert_accessible("a new direct-award project")
        .await;
    let project = da_project::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    browser
        .submit(&format!(
            "/direct-awards/projects/{}/end-search",
            project.id
        ))
        .await;
    browser.assert_accessible("a frozen short list").await;
    assert!(
        browser
            .text("#project-status")
            .await
            .to_lowercase()
            .contains("frozen")
    );
    assert_eq!(
        browser
            .client
            .find_all(Locator::Css("#shortlist tbody tr"))
            .await
            .unwrap()
            .len(),
        12
    );
    // The CSV downloads (the browser saves it); the download is recorded.
    browser.click("#download-csv").await;
    let mut recorded = 0;
    for _ in 0..100 {
        recorded = da_download::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap();
        if recorded > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(recorded, 1, "the CSV download is recorded");
    browser
        .client
        .goto(&server.url(&format!("/direct-awards/projects/{}", project.id)))
        .await
        .unwrap();
    browser.fill("value", "4800000").await;
    browser.fill("start", &day(1)).await;
    browser.fill("end", &day(365)).await;
    browser
        .fill(
            "reason",
            "Lowest whole-life cost of the short list, hosted in Chile",
        )
        .await;
    browser
        .submit(&format!("/direct-awards/projects/{}/outcome", project.id))
        .await;
    browser.assert_accessible("a recorded award").await;
    assert!(
        browser
            .text("#project-status")
            .await
            .to_lowercase()
            .contains("awarded")
    );
    browser.follow("See the published outcome").await;
    browser.assert_accessible("the public direct award").await;

    // Journey 2: three items from two suppliers; approval; acceptance to payment.
    // Quantities that put Nube Andina's order above the buyer's own CLP 1,000,000 limit (and
    // within the approver's CLP 50,000,000), and Brightlane's within it.
    let about = |svc: &marco::entities::service::Model, target: i64| {
        (sea_orm::prelude::Decimal::from(target) / svc.price.unwrap())
            .round_dp(2)
            .max(sea_orm::prelude::Decimal::new(1, 2))
            .to_string()
    };
    let lines = [
        (&nube[0], about(&nube[0], 1_500_000)),
        (&nube[1], "1".to_owned()),
        (&bright[0], about(&bright[0], 500_000)),
    ];
    for (svc, quantity) in &lines {
        open(
            &browser,
            &server,
            &format!("/services/{}", svc.public_id),
            "a service to buy",
        )
        .await;
        browser.fill("quantity", quantity).await;
        browser.submit("/cart/items").await;
    }
    browser.assert_accessible("the cart").await;
    assert_eq!(
        browser
            .client
            .find_all(Locator::Css("#cart tbody tr"))
            .await
            .unwrap()
            .len(),
        3
    );
    browser
        .fill("delivery_address", "Teatinos 120, piso 7, Santiago")
        .await;
    browser.fill("cost_centre", "CC-104-TI").await;
    browser.fill("requested_date", &day(20)).await;
    browser.submit("/cart/checkout").await;
    browser.assert_accessible("the orders just placed").await;
    let placed = order::Entity::find()
        .order_by_asc(order::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(placed.len(), 2);
    let big = placed
        .iter()
        .find(|o| o.supplier_org_id == nube[0].organisation_id)
        .unwrap();
    assert_eq!(big.status, "submitted", "over the buyer's own limit");
    open(
        &browser,
        &server,
        &format!("/orders/{}", big.id),
        "an order waiting for approval",
    )
    .await;
    sign_out(&browser, &server).await;

    sign_in(&browser, &server, "approver@compras.demo.gob.cl").await;
    open(&browser, &server, "/orders", "the approver's orders").await;
    browser.follow(&format!("Order {}", big.id)).await;
    browser.assert_accessible("an order to approve").await;
    browser
        .fill("reason-approve", "Within the 2027 budget")
        .await;
    browser.submit(&format!("/orders/{}/approve", big.id)).await;
    assert!(
        browser
            .text("#order-status")
            .await
            .to_lowercase()
            .contains("sent")
    );
    sign_out(&browser, &server).await;

    let steps: [Step<'_>; 4] = [
        ("supplier@nubeandina.example", "accept", &[], "Accepted"),
        ("buyer@compras.demo.gob.cl", "receive", &[], "Received"),
        (
            "supplier@nubeandina.example",
            "invoice",
            &[("invoice_number", "F-2027-001")],
            "Invoiced",
        ),
        ("buyer@compras.demo.gob.cl", "pay", &[], "Paid"),
    ];
    for (who, action, fields, after) in steps {
        sign_in(&browser, &server, who).await;
        open(
            &browser,
            &server,
            &format!("/orders/{}", big.id),
            &format!("the order before {action}"),
        )
        .await;
        for (id, value) in fields {
            browser.fill(id, value).await;
        }
        browser
            .submit(&format!("/orders/{}/{action}", big.id))
            .await;
        browser
            .assert_accessible(&format!("the order after {action}"))
            .await;
        assert!(
            browser
                .text("#order-status")
                .await
                .to_lowercase()
                .contains(&after.to_lowercase()),
            "{action}: {}",
            browser.text("#order-status").await
        );
        sign_out(&browser, &server).await;
    }

    // Journey 3: the public register, filtered by supplier, to the OCDS record.
    open(&browser, &server, "/contracts", "the contracts register").await;
    let made = contract::Entity::find()
        .filter(contract::Column::OrderId.eq(big.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    browser
        .client
        .find(Locator::Id("filter-supplier"))
        .await
        .unwrap()
        .select_by_value(&made.supplier_org_id.to_string())
        .await
        .unwrap();
    browser.submit("/contracts").await;
    browser
        .assert_accessible("the register filtered by supplier")
        .await;
    assert!(browser.text("#summary").await.contains("contract"));
    browser.follow(&made.title).await;
    browser
        .assert_accessible("a contract in the register")
        .await;
    browser.click_and_wait("#ocds-record").await;
    let path = browser
        .wait_for_path(&format!("/ocds/records/{}", made.ocid))
        .await;
    assert_eq!(path, format!("/ocds/records/{}", made.ocid));
    let record = app.get(&path).await.json();
    assert_eq!(
        record["records"][0]["compiledRelease"]["relatedProcesses"][0]["relationship"][0],
        "framework"
    );
    // The Spanish register reads amounts with Spanish separators.
    browser
        .client
        .goto(&server.url("/language/es?next=/contracts"))
        .await
        .unwrap();
    browser.assert_accessible("the register in Spanish").await;
    let spanish = marco::buying::money_text(made.value, &made.currency, "es");
    assert!(
        browser.text("#contracts").await.contains(&spanish),
        "{spanish}"
    );
    browser.close().await;
}
