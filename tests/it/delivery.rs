//! Contract delivery through the pages (issue 15): a milestone is delivered, rejected with a
//! reason, delivered again, accepted, paid and rated; the supplier replies; a second module
//! above the approval threshold waits for a colleague with `can_award`; benefit reports are
//! filed once per period. Each illegal step is refused with a clear message and nothing saved,
//! a stranger gets 404, withheld fields never reach the public page or the OCDS, every release
//! and the record validate, and the supplier's public averages equal a recomputation from the
//! published OCDS.

use chrono::{Duration, Utc};
use marco::entities::{audit_event, contract, mail_outbox, release};
use marco_tests::{Client, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::Value;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

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

/// The demo accounts, frameworks and briefs: the brief "Discovery for the school meals
/// service" has made its contract with Nube Andina, with its first module and nothing
/// delivered yet. Returns the contract.
async fn world(app: &TestApp) -> contract::Model {
    marco::seed::load(&app.state.db).await.expect("demo data");
    marco::frameworks::demo::load(&app.state)
        .await
        .expect("demo frameworks");
    marco::briefs::demo::load(&app.state)
        .await
        .expect("demo briefs");
    contract::Entity::find()
        .filter(contract::Column::Title.eq("Discovery for the school meals service"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the brief's contract")
}

/// What would change if a refused step had saved anything.
async fn footprint(app: &TestApp) -> (u64, u64, u64) {
    let db = &app.state.db;
    (
        release::Entity::find().count(db).await.unwrap(),
        audit_event::Entity::find().count(db).await.unwrap(),
        mail_outbox::Entity::find().count(db).await.unwrap(),
    )
}

async fn releases_of(app: &TestApp, ocid: &str) -> Vec<Value> {
    release::Entity::find()
        .filter(release::Column::Ocid.eq(ocid))
        .order_by_asc(release::Column::Sequence)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

/// The one milestone's id, read from the supplier's deliver form.
fn option_value(page: &str, select: &str) -> String {
    let at = page
        .find(&format!("name=\"{select}\""))
        .unwrap_or_else(|| panic!("no {select} in the page"));
    let rest = &page[at..];
    let start = rest.find("<option value=\"").expect("an option") + 15;
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

fn refused(res: &marco_tests::TestResponse, message: &str) {
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(
        res.text().contains(message),
        "expected {message:?} in the page"
    );
}

#[tokio::test]
async fn a_milestone_goes_from_planned_to_paid_and_rated_with_a_rejection_on_the_way() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let mut supplier = signed_in(&app, "supplier@nubeandina.example").await;
    let manage = format!("/contracts/{}/manage", c.id);

    // The buyer plans a milestone; one above the module's price is refused.
    let before = footprint(&app).await;
    let res = buyer
        .post(
            &format!("/contracts/{}/milestones", c.id),
            &[
                ("module", "1"),
                ("title", "Research plan"),
                ("due", &day(10)),
                ("amount", "999999999"),
            ],
        )
        .await;
    refused(&res, "more than its price");
    assert_eq!(footprint(&app).await, before, "nothing saved");
    let res = buyer
        .post(
            &format!("/contracts/{}/milestones", c.id),
            &[
                ("module", "1"),
                ("title", "Research plan"),
                ("due", &day(10)),
                ("amount", "2000000"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());

    // The supplier delivers a link; the buyer cannot pay before accepting.
    let page = supplier.get(&manage).await.text();
    let milestone = option_value(&page, "deliver_milestone");
    let before = footprint(&app).await;
    let res = supplier
        .post_file(
            &format!("/contracts/{}/deliver", c.id),
            &[
                ("deliver_milestone", &milestone),
                ("evidence_url", ""),
                ("note", ""),
            ],
            "evidence_file",
            "",
            b"",
        )
        .await;
    refused(&res, "Give a link to the work or attach a PDF");
    assert_eq!(footprint(&app).await, before);
    let res = supplier
        .post_file(
            &format!("/contracts/{}/deliver", c.id),
            &[
                ("deliver_milestone", &milestone),
                ("evidence_url", "https://repo.nubeandina.example/plan-v1"),
                ("note", "Private note: first draft"),
            ],
            "evidence_file",
            "",
            b"",
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let before = footprint(&app).await;
    let res = buyer
        .post(
            &format!("/contracts/{}/pay", c.id),
            &[
                ("pay_milestone", &milestone),
                ("invoice_date", &day(0)),
                ("due_date", &day(30)),
                ("paid_on", ""),
            ],
        )
        .await;
    refused(&res, "Only an accepted milestone can be paid or rated.");
    assert_eq!(footprint(&app).await, before, "paying early saves nothing");

    // Rejecting needs a reason; then it is rejected and the supplier is told why.
    let res = buyer
        .post(
            &format!("/contracts/{}/decide", c.id),
            &[
                ("decide_milestone", &milestone),
                ("decision", "reject"),
                ("decide_reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(footprint(&app).await, before);
    let reason = "The plan leaves out rural schools";
    let res = buyer
        .post(
            &format!("/contracts/{}/decide", c.id),
            &[
                ("decide_milestone", &milestone),
                ("decision", "reject"),
                ("decide_reason", reason),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let mail = marco_tests::client::last_mail(&app, "supplier@nubeandina.example")
        .await
        .unwrap();
    assert_eq!(mail.kind, "contract_rejected");
    assert!(mail.text_body.contains(reason));

    // Delivered again with a PDF, which only the two sides can download.
    let res = supplier
        .post_file(
            &format!("/contracts/{}/deliver", c.id),
            &[
                ("deliver_milestone", &milestone),
                ("evidence_url", ""),
                ("note", ""),
            ],
            "evidence_file",
            "plan-v2.pdf",
            PDF,
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let page = buyer.get(&manage).await.text();
    let href = page
        .split("href=\"")
        .find(|s| s.starts_with(&format!("/contracts/{}/evidence/", c.id)))
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .expect("the evidence link");
    let file = buyer.get(&href).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, PDF);
    let mut stranger = signed_in(&app, "supplier@brightlane.example").await;
    assert_eq!(stranger.get(&href).await.status, 404);

    // Accepted, paid (late: due date passed before payment), rated once.
    let res = buyer
        .post(
            &format!("/contracts/{}/decide", c.id),
            &[("decide_milestone", &milestone), ("decision", "accept")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = buyer
        .post(
            &format!("/contracts/{}/pay", c.id),
            &[
                ("pay_milestone", &milestone),
                ("invoice_date", &day(-40)),
                ("due_date", &day(-10)),
                ("paid_on", ""),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let rating = [
        ("rate_stage", milestone.as_str()),
        ("quality", "4"),
        ("timeliness", "3"),
        ("communication", "5"),
        ("comment", "Complete on the second try."),
    ];
    let res = buyer
        .post(&format!("/contracts/{}/ratings", c.id), &rating)
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let before = footprint(&app).await;
    let res = buyer
        .post(&format!("/contracts/{}/ratings", c.id), &rating)
        .await;
    refused(&res, "This has already been rated.");
    assert_eq!(
        footprint(&app).await,
        before,
        "a second rating saves nothing"
    );

    // The supplier replies once.
    let page = supplier.get(&manage).await.text();
    let rating_id = option_value(&page, "rating");
    let res = supplier
        .post(
            &format!("/contracts/{}/reply", c.id),
            &[("rating", &rating_id), ("reply", "Thank you; noted.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = supplier
        .post(
            &format!("/contracts/{}/reply", c.id),
            &[("rating", &rating_id), ("reply", "Again")],
        )
        .await;
    refused(&res, "You have already replied to this rating.");

    // The public page and the OCDS show the delivery history, not what is withheld; the
    // rating is not public yet.
    let public = Client::new(&app)
        .get(&format!("/contracts/{}", c.id))
        .await
        .text();
    assert!(public.contains("Paid late"), "late payment shows");
    assert!(public.contains("rejected"));
    let all = releases_of(&app, &c.ocid).await;
    let record = Client::new(&app)
        .get(&format!("/ocds/records/{}", c.ocid))
        .await
        .text();
    for text in std::iter::once(public.as_str()).chain(std::iter::once(record.as_str())) {
        assert!(!text.contains(reason), "the rejection reason is withheld");
        assert!(
            !text.contains("repo.nubeandina.example"),
            "evidence is withheld"
        );
        assert!(!text.contains("Private note"), "notes are withheld");
        assert!(
            !text.contains("Complete on the second try"),
            "the rating is not public yet"
        );
    }
    for r in &all {
        let errors = app.state.publisher.validator().validate_release(r);
        assert!(errors.is_empty(), "{errors:?} in {r}");
    }
    let tags: Vec<&str> = all.iter().filter_map(|r| r["tag"][0].as_str()).collect();
    assert!(tags.ends_with(&["implementation"; 6]), "{tags:?}");
    let record: Value = serde_json::from_str(&record).unwrap();
    assert!(
        app.state
            .publisher
            .validator()
            .validate_record_package(&record)
            .is_empty()
    );
    let compiled = &record["records"][0]["compiledRelease"]["contracts"][0];
    let m = &compiled["implementation"]["milestones"][0];
    assert_eq!(m["status"], "met");
    assert_eq!(m["deliveries"].as_array().unwrap().len(), 2);
    assert_eq!(m["deliveries"][0]["status"], "rejected");
    assert_eq!(
        compiled["implementation"]["transactions"][0]["id"],
        "payment-milestone-1"
    );
    assert!(
        m["paymentDueDate"].as_str().unwrap()
            < compiled["implementation"]["transactions"][0]["date"]
                .as_str()
                .unwrap()
    );

    // The bulk CSV has the milestone and its payment.
    marco::publish::bulk::refresh(&app.state).await.unwrap();
    let bytes = Client::new(&app)
        .get(&format!("/ocds/bulk/{}", marco::publish::bulk::CSV_ZIP))
        .await
        .body;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut table = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let milestones = table("milestones.csv");
    assert!(
        milestones.lines().any(|l| l.contains(&c.ocid)
            && l.contains("implementation")
            && l.contains("milestone-1")
            && l.contains("met")),
        "{milestones}"
    );
    let transactions = table("transactions.csv");
    assert!(
        transactions
            .lines()
            .any(|l| l.contains(&c.ocid) && l.contains("payment-milestone-1")),
        "{transactions}"
    );

    // Ninety-one days on, the clock publishes the rating with its reply, and the supplier's
    // public averages equal a recomputation from the published OCDS.
    marco::contracts::clock::tick(&app.state, Utc::now() + Duration::days(91))
        .await
        .unwrap();
    let record = Client::new(&app)
        .get(&format!("/ocds/records/{}", c.ocid))
        .await
        .json();
    let ratings =
        record["records"][0]["compiledRelease"]["contracts"][0]["implementation"]["ratings"]
            .as_array()
            .cloned()
            .expect("published ratings");
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0]["reply"], "Thank you; noted.");
    let profile = Client::new(&app)
        .get(&format!("/suppliers/{}", c.supplier_org_id))
        .await
        .text();
    for (field, label) in [
        ("quality", "Quality"),
        ("timeliness", "Timeliness"),
        ("communication", "Communication"),
    ] {
        let mean = ratings
            .iter()
            .map(|r| r[field].as_f64().unwrap())
            .sum::<f64>()
            / ratings.len() as f64;
        assert!(
            profile.contains(&format!(
                "<th scope=\"row\">{label}</th><td>{mean:.2} / 5</td>"
            )),
            "{label} average {mean:.2} on the profile"
        );
    }
    assert!(profile.contains("Average of 1 published rating"));
}

#[tokio::test]
async fn a_module_above_the_threshold_waits_for_a_colleague_with_the_right_to_award() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let mut colleague = signed_in(&app, "approver@compras.demo.gob.cl").await;
    let mut stranger = signed_in(&app, "supplier@brightlane.example").await;
    // 40 % of the original: above the default 20 % threshold.
    let price = (c.value * sea_orm::prelude::Decimal::from(4)
        / sea_orm::prelude::Decimal::from(10))
    .round()
    .to_string();
    let res = buyer
        .post(
            &format!("/contracts/{}/changes", c.id),
            &[
                ("kind", "module"),
                ("reason", "Families need to apply by phone too."),
                ("scope", "Beta by phone and online"),
                ("module_value", &price),
                ("module_start", &day(7)),
                ("new_end", &day(200)),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let still = contract::Entity::find_by_id(c.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.value, c.value, "not made before the second approval");
    let page = buyer
        .get(&format!("/contracts/{}/manage", c.id))
        .await
        .text();
    assert!(
        page.contains("waits for a colleague"),
        "the asker sees it waiting"
    );
    let change = marco::entities::contract_change::Entity::find()
        .filter(marco::entities::contract_change::Column::ContractId.eq(c.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let decide = format!("/contracts/{}/changes/{}/decide", c.id, change.id);
    let before = footprint(&app).await;
    let res = buyer.post(&decide, &[("decision", "approve")]).await;
    refused(&res, "A second person must approve this change");
    assert_eq!(
        stranger
            .post(&decide, &[("decision", "approve")])
            .await
            .status,
        404
    );
    assert_eq!(footprint(&app).await, before, "nothing saved");

    let res = colleague.post(&decide, &[("decision", "approve")]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let changed = contract::Entity::find_by_id(c.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        changed.value,
        c.value + price.parse::<sea_orm::prelude::Decimal>().unwrap()
    );
    assert_eq!(changed.original_value, Some(c.value));
    let last = releases_of(&app, &c.ocid).await.pop().unwrap();
    assert_eq!(last["tag"][0], "contractAmendment");
    let amendment = &last["contracts"][0]["amendments"][0];
    assert_eq!(
        amendment["rationale"],
        "Families need to apply by phone too."
    );
    assert!(
        amendment["description"]
            .as_str()
            .unwrap()
            .starts_with("Module 2 added")
    );
    assert_eq!(last["contracts"][0]["items"].as_array().unwrap().len(), 2);

    // An extension keeps the value: made at once, no second approver.
    let res = buyer
        .post(
            &format!("/contracts/{}/changes", c.id),
            &[
                ("kind", "extension"),
                ("reason", "More schools joined."),
                ("new_end", &day(400)),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let extended = contract::Entity::find_by_id(c.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(extended.end_at > changed.end_at);

    // The bulk CSV has the amendments, beside the milestones and transactions tables.
    marco::publish::bulk::refresh(&app.state).await.unwrap();
    let bytes = Client::new(&app)
        .get(&format!("/ocds/bulk/{}", marco::publish::bulk::CSV_ZIP))
        .await
        .body;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("amendments.csv").unwrap(), &mut text)
        .unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains(&c.ocid) && l.contains("More schools joined.")),
        "{text}"
    );
}

#[tokio::test]
async fn strangers_get_404_and_illegal_reports_and_terminations_are_refused() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let mut stranger = signed_in(&app, "supplier@brightlane.example").await;
    for path in ["manage"] {
        assert_eq!(
            stranger
                .get(&format!("/contracts/{}/{path}", c.id))
                .await
                .status,
            404
        );
    }
    let before = footprint(&app).await;
    for (path, fields) in [
        (
            "milestones",
            vec![
                ("module", "1"),
                ("title", "x"),
                ("due", "2030-01-01"),
                ("amount", "1"),
            ],
        ),
        (
            "decide",
            vec![("decide_milestone", "1"), ("decision", "accept")],
        ),
        ("pay", vec![("pay_milestone", "1")]),
        ("ratings", vec![("rate_stage", "final")]),
        ("reply", vec![("rating", "1"), ("reply", "x")]),
        ("changes", vec![("kind", "termination"), ("reason", "x")]),
        ("reports", vec![("period", "1")]),
    ] {
        let res = stranger
            .post(&format!("/contracts/{}/{path}", c.id), &fields)
            .await;
        assert_eq!(res.status, 404, "{path}: {}", res.text());
    }
    assert_eq!(footprint(&app).await, before);

    // The first benefit report is filed once; a challenge order has no business case.
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let report = [
        ("period", "1"),
        ("value_1", "61%"),
        ("met_1", "no"),
        ("notes", "From the records."),
    ];
    let res = buyer
        .post(&format!("/contracts/{}/reports", c.id), &report)
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let last = releases_of(&app, &c.ocid).await.pop().unwrap();
    assert_eq!(last["tag"][0], "implementationUpdate");
    assert_eq!(
        last["contracts"][0]["implementation"]["benefitReports"][0]["indicators"][0]["value"],
        "61%"
    );
    let before = footprint(&app).await;
    let res = buyer
        .post(&format!("/contracts/{}/reports", c.id), &report)
        .await;
    refused(&res, "This period has already been reported.");
    let challenge = contract::Entity::find()
        .filter(contract::Column::Route.eq("challenge"))
        .filter(contract::Column::BuyerOrgId.eq(c.buyer_org_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a challenge order");
    let res = buyer
        .post(&format!("/contracts/{}/reports", challenge.id), &report)
        .await;
    refused(&res, "had no business case");
    assert_eq!(footprint(&app).await, before, "nothing saved");

    // The supplier asks to end the contract; the buyer agrees; the final rating is public at
    // once because the contract has ended.
    let mut supplier = signed_in(&app, "supplier@nubeandina.example").await;
    let res = supplier
        .post(
            &format!("/contracts/{}/changes", c.id),
            &[
                ("kind", "termination"),
                ("reason", "Our team is needed elsewhere."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = supplier
        .post(
            &format!("/contracts/{}/changes", c.id),
            &[("kind", "module"), ("reason", "x")],
        )
        .await;
    refused(&res, "Another change waits for a decision");
    let change = marco::entities::contract_change::Entity::find()
        .filter(marco::entities::contract_change::Column::ContractId.eq(c.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let res = buyer
        .post(
            &format!("/contracts/{}/changes/{}/decide", c.id, change.id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let last = releases_of(&app, &c.ocid).await.pop().unwrap();
    assert_eq!(last["tag"][0], "contractTermination");
    assert_eq!(last["contracts"][0]["status"], "terminated");
    let res = buyer
        .post(
            &format!("/contracts/{}/ratings", c.id),
            &[
                ("rate_stage", "final"),
                ("quality", "3"),
                ("timeliness", "3"),
                ("communication", "4"),
                ("comment", "Ended early by agreement."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let last = releases_of(&app, &c.ocid).await.pop().unwrap();
    assert_eq!(
        last["contracts"][0]["implementation"]["ratings"][0]["stage"],
        "final"
    );
    assert!(
        Client::new(&app)
            .get(&format!("/contracts/{}", c.id))
            .await
            .text()
            .contains("Ended early by agreement.")
    );
    // Nothing more can be delivered or changed.
    let res = supplier
        .post(
            &format!("/contracts/{}/changes", c.id),
            &[
                ("kind", "extension"),
                ("reason", "x"),
                ("new_end", "2031-01-01"),
            ],
        )
        .await;
    refused(&res, "This contract has ended.");
}

#[tokio::test]
async fn the_dashboards_flag_a_delivery_waiting_past_its_acceptance_period_on_both_sides() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let buyer = marco::buying::demo::person(&app.state, "buyer@compras.demo.gob.cl")
        .await
        .unwrap()
        .unwrap();
    let nube = marco::buying::demo::person(&app.state, "supplier@nubeandina.example")
        .await
        .unwrap()
        .unwrap();
    let at = Utc::now() - Duration::days(30);
    let id = marco::contracts::delivery::plan(
        &app.state,
        &buyer.actor(),
        buyer.who,
        c.id,
        &marco::contracts::delivery::MilestoneInput {
            module: "1".into(),
            title: "Research plan".into(),
            due: day(-20),
            amount: "1000".into(),
        },
        at,
    )
    .await
    .unwrap();
    marco::contracts::delivery::deliver(
        &app.state,
        &nube.actor(),
        nube.who,
        c.id,
        id,
        &marco::contracts::delivery::Evidence {
            url: "https://example.org/plan".into(),
            ..Default::default()
        },
        at + Duration::days(5),
    )
    .await
    .unwrap();
    let mut buyer_page = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let mut supplier_page = signed_in(&app, "supplier@nubeandina.example").await;
    assert!(buyer_page.get("/dashboard").await.text().contains(
        "A delivery waits past its acceptance period on Discovery for the school meals service"
    ));
    assert!(supplier_page.get("/dashboard").await.text().contains("The buyer has not decided on your delivery in time on Discovery for the school meals service"));
    supplier_page.language = "es".into();
    assert!(
        supplier_page
            .get("/dashboard")
            .await
            .text()
            .contains("El comprador no decidió a tiempo")
    );
    assert!(
        buyer_page
            .get(&format!("/contracts/{}/manage", c.id))
            .await
            .text()
            .contains("Decision overdue")
    );
}

#[tokio::test]
async fn a_brief_for_the_next_module_points_to_the_earlier_contract() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let res = buyer
        .post(
            "/briefs",
            &[("lot", "digital-outcomes-and-specialists-1/digital-outcomes")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let id: i64 = res
        .header("location")
        .unwrap()
        .trim_start_matches("/briefs/")
        .trim_end_matches("/edit")
        .parse()
        .unwrap();
    // Below the review threshold, so it can be published at once.
    let mut fields: Vec<(&str, String)> = super::briefs::form(Utc::now().date_naive())
        .into_iter()
        .map(|(k, v)| match k {
            "budget_min" => (k, "50000000".to_owned()),
            "budget_max" => (k, "90000000".to_owned()),
            _ => (k, v),
        })
        .collect();
    fields.push(("follows", "999999".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer.post(&format!("/briefs/{id}/edit"), &pairs).await;
    refused(&res, "Choose one of your organisation");
    let edit = buyer.get(&format!("/briefs/{id}/edit")).await.text();
    assert!(
        edit.contains(&format!("<option value=\"{}\"", c.id)),
        "the contract is offered"
    );
    fields.pop();
    let follows = c.id.to_string();
    fields.push(("follows", follows));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer.post(&format!("/briefs/{id}/edit"), &pairs).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = buyer.post(&format!("/briefs/{id}/publish"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let b = marco::entities::brief::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let published = releases_of(&app, &b.ocid).await.pop().unwrap();
    let related = published["relatedProcesses"].as_array().unwrap();
    let prior = related
        .iter()
        .find(|r| r["relationship"][0] == "prior")
        .expect("a prior process");
    assert_eq!(prior["identifier"], c.ocid.as_str());
    assert_eq!(prior["scheme"], "ocid");
    assert!(
        app.state
            .publisher
            .validator()
            .validate_release(&published)
            .is_empty()
    );
}

#[tokio::test]
async fn the_clock_reminds_of_a_benefit_report_once_and_ends_contracts_at_their_end_date() {
    let app = TestApp::new().await;
    let c = world(&app).await;
    let reminders = || async {
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Kind.eq("contract_report_due"))
            .count(&app.state.db)
            .await
            .unwrap()
    };
    // The first report fell due about a month ago: one reminder per buyer user, once.
    marco::contracts::clock::tick(&app.state, Utc::now())
        .await
        .unwrap();
    let sent = reminders().await;
    assert!(sent >= 1, "a reminder was sent");
    marco::contracts::clock::tick(&app.state, Utc::now())
        .await
        .unwrap();
    assert_eq!(reminders().await, sent, "and only once");
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    assert!(
        buyer
            .get("/dashboard")
            .await
            .text()
            .contains("The benefit report of Discovery for the school meals service is late")
    );

    // A day after its end date the contract ends; milestones never met become not met.
    let buyer_person = marco::buying::demo::person(&app.state, "buyer@compras.demo.gob.cl")
        .await
        .unwrap()
        .unwrap();
    marco::contracts::delivery::plan(
        &app.state,
        &buyer_person.actor(),
        buyer_person.who,
        c.id,
        &marco::contracts::delivery::MilestoneInput {
            module: "1".into(),
            title: "Final report".into(),
            due: day(30),
            amount: "1000".into(),
        },
        Utc::now(),
    )
    .await
    .unwrap();
    marco::contracts::clock::tick(&app.state, c.end_at + Duration::days(1))
        .await
        .unwrap();
    let ended = contract::Entity::find_by_id(c.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.status, "terminated");
    assert_eq!(ended.end_kind.as_deref(), Some("completed"));
    let last = releases_of(&app, &c.ocid).await.pop().unwrap();
    assert_eq!(last["tag"][0], "contractUpdate");
    assert_eq!(
        last["contracts"][0]["implementation"]["milestones"][0]["status"],
        "notMet"
    );
}

#[tokio::test]
async fn a_paid_catalogue_order_is_rated_on_its_own_process() {
    let app = TestApp::new().await;
    world(&app).await;
    marco::buying::demo::load(&app.state)
        .await
        .expect("demo orders");
    let paid = contract::Entity::find()
        .filter(contract::Column::Route.eq("order"))
        .filter(contract::Column::Status.eq("terminated"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a paid order's contract");
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let page = buyer
        .get(&format!("/contracts/{}/manage", paid.id))
        .await
        .text();
    assert!(
        !page.contains("id=\"plan-form\""),
        "an order is not planned in modules"
    );
    let res = buyer
        .post(
            &format!("/contracts/{}/ratings", paid.id),
            &[
                ("rate_stage", "final"),
                ("quality", "4"),
                ("timeliness", "5"),
                ("communication", "4"),
                ("comment", "Delivered as ordered."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let record = Client::new(&app)
        .get(&format!("/ocds/records/{}", paid.ocid))
        .await
        .json();
    assert!(
        app.state
            .publisher
            .validator()
            .validate_record_package(&record)
            .is_empty()
    );
    let contracts = record["records"][0]["compiledRelease"]["contracts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        contracts.len(),
        1,
        "the rating joins the order's own contract"
    );
    assert_eq!(
        contracts[0]["implementation"]["ratings"][0]["comment"],
        "Delivered as ordered."
    );
    assert_eq!(
        contracts[0]["implementation"]["milestones"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "the order's milestones stay"
    );
}
