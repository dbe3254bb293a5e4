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

pub(crate) async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
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
pub(crate) async fn world(app: &TestApp) -> contract::Model {
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
pub(crate) async fn footprint(app: &TestApp) -> (u64, u64, u64) {
    let db = &app.state.db;
    (
        release::Entity::find().count(db).await.unwrap(),
        audit_event::Entity::find().count(db).await.unwrap(),
        mail_outbox::Entity::find().count(db).await.unwrap(),
    )
}

pub(crate) async fn releases_of(app: &TestApp, ocid: &str) -> Vec<Value> {
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

pub(crate) fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

/// The one milestone's id, read from the supplier's deliver form.
pub(crate) fn option_value(page: &str, select: &str) -> String {
    let at = page
        .find(&format!("name=\"{select}\""))
        .unwrap_or_else(|| panic!("no {select} in the page"));
    let rest = &page[at..];
    let start = rest.find("<option value=\"").expect("an option") + 15;
    rest[start..start + rest[start..].find('"').unwrap()].to_owned()
}

pub(crate) fn refused(res: &marco_tests::TestResponse, message: &str) {
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
