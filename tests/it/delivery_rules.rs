//! The rules of contract delivery: strangers get 404 on every action; a benefit report is
//! filed once, and never for a contract with no business case; a termination asked for by the
//! supplier ends the contract; the dashboards flag overdue decisions on both sides; the clock
//! reminds of reports once and ends contracts at their end date; a brief may follow an
//! earlier contract; a paid order's contract is rated on its own process.

use chrono::{Duration, Utc};
use marco::entities::{contract, mail_outbox};
use marco_tests::{Client, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::delivery::{day, footprint, refused, releases_of, signed_in, world};

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
