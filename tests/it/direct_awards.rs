//! Direct awards after the G-Cloud process, through the pages: a buyer saves a search into a
//! project, refines it, ends it with a short list of 1 to 30 services frozen at their versions,
//! downloads it (each download recorded), and records one final outcome, published as OCDS
//! with the short list; a reminder goes out when a short list waits two weeks.

use chrono::{Duration, Utc};
use marco::entities::{
    contract, da_download, da_project, da_shortlist_entry, release, service, service_version,
};
use marco_tests::{Client, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// The demo accounts and 48 indexed services, 12 in each of the four cloud lots.
async fn catalogue(app: &TestApp) {
    marco_tests::fixtures::demo_shop(app, 48).await;
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

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/direct-awards/projects/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn project(app: &TestApp, id: i64) -> da_project::Model {
    da_project::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn start(buyer: &mut Client<'_>, name: &str, query: &str) -> i64 {
    let res = buyer
        .post(
            "/direct-awards/projects",
            &[("name", name), ("query", query)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    id_from(&res.header("location").unwrap())
}

#[tokio::test]
async fn a_buyer_searches_ends_with_twelve_downloads_and_awards_one_with_an_audit_trail() {
    let app = TestApp::new().await;
    catalogue(&app).await;
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;

    // The catalogue offers to save the search.
    let page = buyer.get("/catalogue?lot=cloud-hosting").await.text();
    assert!(page.contains("id=\"save-search\""), "{page}");
    assert!(
        page.contains("12 services"),
        "{}",
        &page[page.find("id=\"summary\"").unwrap()..][..200]
    );

    // Everything (48 services) is too many to end with.
    let id = start(&mut buyer, "Hosting for the regional offices", "").await;
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/end-search"), &[])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("1 to 30 results"), "{}", res.text());
    assert_eq!(project(&app, id).await.status, "searching");

    // Refined to one lot: 12 results.
    let res = buyer
        .post(
            "/direct-awards/searches",
            &[
                ("project", &id.to_string()),
                ("query", "lot=cloud-hosting&page=3"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/end-search"), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let p = project(&app, id).await;
    assert_eq!(p.status, "search_ended");
    assert_eq!(p.shortlist_count, Some(12));
    let entries = da_shortlist_entry::Entity::find()
        .filter(da_shortlist_entry::Column::ProjectId.eq(id))
        .order_by_asc(da_shortlist_entry::Column::Position)
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 12);
    // A second end is refused: the list is frozen.
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/end-search"), &[])
        .await;
    assert_eq!(res.status, 422);

    // The supplier edits a short-listed service afterwards: the project keeps the frozen
    // version, and so does the export.
    let first = &entries[0];
    let frozen = service_version::Entity::find_by_id(first.service_version_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let svc = service::Entity::find_by_id(first.service_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    service_version::ActiveModel {
        service_id: Set(svc.id),
        version: Set(frozen.version + 1),
        answers: Set(frozen.answers.clone()),
        price: Set(Some(
            frozen.price.unwrap() + sea_orm::prelude::Decimal::from(777),
        )),
        pricing_unit: Set(frozen.pricing_unit.clone()),
        currency: Set(frozen.currency.clone()),
        edited_by: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    let mut bumped = svc.clone().into_active_model();
    bumped.current_version = Set(frozen.version + 1);
    bumped.update(&app.state.db).await.unwrap();
    let page = buyer
        .get(&format!("/direct-awards/projects/{id}"))
        .await
        .text();
    assert!(page.contains("has changed this service since"), "{page}");

    let csv = buyer
        .get(&format!("/direct-awards/projects/{id}/shortlist.csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert_eq!(text.lines().count(), 13, "a header and 12 services");
    let frozen_price = frozen.price.unwrap().normalize().to_string();
    let line = text.lines().find(|l| l.contains(&svc.public_id)).unwrap();
    assert!(line.contains(&format!(",{},", frozen.version)), "{line}");
    assert!(
        line.contains(&frozen_price),
        "{line} should keep {frozen_price}"
    );
    let xlsx = buyer
        .get(&format!("/direct-awards/projects/{id}/shortlist.xlsx"))
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"), "an XLSX is a zip");
    assert_eq!(
        da_download::Entity::find()
            .filter(da_download::Column::ProjectId.eq(id))
            .count(&app.state.db)
            .await
            .unwrap(),
        2,
        "each download is recorded"
    );

    // A service that was not on the frozen list cannot be awarded; nothing changes.
    let outsider = service::Entity::find()
        .filter(service::Column::Lot.eq("cloud-software"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let start_date = Utc::now().format("%Y-%m-%d").to_string();
    let end_date = (Utc::now() + Duration::days(180))
        .format("%Y-%m-%d")
        .to_string();
    let award = |service: String| {
        vec![
            ("outcome", "awarded".to_owned()),
            ("service", service),
            ("value", "250000".to_owned()),
            ("currency", "CLP".to_owned()),
            ("start", start_date.clone()),
            ("end", end_date.clone()),
            (
                "reason",
                "The only service hosted in Chile with support in Spanish around the clock"
                    .to_owned(),
            ),
        ]
    };
    let fields = award(outsider.public_id.clone());
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/outcome"), &pairs)
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("frozen short list"), "{}", res.text());
    assert_eq!(project(&app, id).await.status, "search_ended");

    let fields = award(svc.public_id.clone());
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/outcome"), &pairs)
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let p = project(&app, id).await;
    assert_eq!(p.status, "awarded");
    // Final: a second outcome is refused.
    let res = buyer
        .post(
            &format!("/direct-awards/projects/{id}/outcome"),
            &[("outcome", "cancelled"), ("reason", "Changed our mind")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(project(&app, id).await.status, "awarded");

    let made = contract::Entity::find()
        .filter(contract::Column::ProjectId.eq(id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an award makes a contract");
    assert_eq!(made.route, "award");
    assert_eq!(made.supplier_org_id, svc.organisation_id);

    // Published with the frozen short list, in a declared extension, and as a document.
    let published = release::Entity::find()
        .filter(release::Column::Ocid.eq(&p.ocid))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].tags, "award contract");
    assert!(published[0].valid);
    for secret in ["lot=cloud-hosting", "Demo Compradora", "@"] {
        assert!(!published[0].body.contains(secret), "{secret} leaked");
    }
    let record = app.get(&format!("/ocds/records/{}", p.ocid)).await.json();
    assert!(
        record["extensions"].as_array().unwrap().iter().any(|e| e
            .as_str()
            .unwrap()
            .contains("ocds_marco_shortlist_extension")),
        "{record}"
    );
    let compiled = &record["records"][0]["compiledRelease"];
    let shortlist = &compiled["awards"][0]["shortlist"];
    assert_eq!(shortlist["count"], 12);
    let listed = shortlist["services"].as_array().unwrap();
    assert_eq!(listed.len(), 12);
    let frozen_entry = listed
        .iter()
        .find(|s| s["id"] == svc.public_id.as_str())
        .unwrap();
    assert_eq!(frozen_entry["version"], frozen.version);
    assert!(
        shortlist["choiceRationale"]
            .as_str()
            .unwrap()
            .contains("Spanish")
    );
    assert_eq!(
        compiled["awards"][0]["documents"][0]["documentType"],
        "shortlistedFirms"
    );
    assert_eq!(compiled["tender"]["competitive"], false);
    assert_eq!(compiled["tender"]["procurementMethod"], "direct");
    assert_eq!(
        compiled["relatedProcesses"][0]["relationship"][0],
        "framework"
    );
    assert_eq!(compiled["contracts"][0]["value"]["amount"], 250000);
    assert_eq!(
        app.state.publisher.validator().validate_release(compiled),
        []
    );
    let ext = app
        .get("/ocds/extensions/ocds_marco_shortlist_extension/extension.json")
        .await;
    assert_eq!(ext.status, 200);
    assert_eq!(ext.json()["schemas"][0], "release-schema.json");
    let patch = app
        .get("/ocds/extensions/ocds_marco_shortlist_extension/release-schema.json")
        .await
        .json();
    assert!(patch["definitions"]["Shortlist"].is_object());

    // The public page shows the outcome and the list, not the buyer's searches.
    let public = app.get(&format!("/direct-awards/{id}")).await;
    assert_eq!(public.status, 200);
    let text = public.text();
    assert!(text.contains(&svc.public_id));
    assert!(!text.contains("lot=cloud-hosting"));
    // The register lists the direct award.
    let register = app.get("/contracts?route=award").await.text();
    assert!(register.contains("1 contract"), "{register}");
}

#[tokio::test]
async fn only_awarders_run_projects_other_organisations_see_nothing_and_reminders_go_once() {
    let app = TestApp::new().await;
    catalogue(&app).await;
    // A buyer without can_award cannot start one.
    let mut plain = signed_in(&app, "buyer@digital.demo.gov.uk").await;
    let res = plain
        .post(
            "/direct-awards/projects",
            &[("name", "Try"), ("query", "lot=cloud-support")],
        )
        .await;
    assert_eq!(res.status, 403);

    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    // A project needs a name.
    let res = buyer
        .post(
            "/direct-awards/projects",
            &[("name", " "), ("query", "lot=cloud-support")],
        )
        .await;
    assert_eq!(res.status, 422);
    let id = start(&mut buyer, "Support desk", "lot=cloud-support").await;
    // Another organisation's buyer cannot see or download it.
    assert_eq!(
        plain
            .get(&format!("/direct-awards/projects/{id}"))
            .await
            .status,
        404
    );
    // Not public before an outcome.
    assert_eq!(app.get(&format!("/direct-awards/{id}")).await.status, 404);
    let res = buyer
        .post(&format!("/direct-awards/projects/{id}/end-search"), &[])
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        plain
            .get(&format!("/direct-awards/projects/{id}/shortlist.csv"))
            .await
            .status,
        404
    );

    // Fifteen days later, still no outcome: one reminder, once.
    let mut old = project(&app, id).await.into_active_model();
    old.search_ended_at = Set(Some(Utc::now() - Duration::days(15)));
    old.update(&app.state.db).await.unwrap();
    assert_eq!(
        marco::buying::projects::remind_due(&app.state, Utc::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        marco::buying::projects::remind_due(&app.state, Utc::now())
            .await
            .unwrap(),
        0
    );
    let mail = marco_tests::client::last_mail(&app, "buyer@compras.demo.gob.cl")
        .await
        .unwrap();
    assert_eq!(mail.kind, "project_reminder");

    // None suitable, with its reason: published as an unsuccessful tender with the list.
    let res = buyer
        .post(
            &format!("/direct-awards/projects/{id}/outcome"),
            &[("outcome", "none_suitable"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, 422, "a reason is needed");
    let res = buyer
        .post(
            &format!("/direct-awards/projects/{id}/outcome"),
            &[
                ("outcome", "none_suitable"),
                ("reason", "No service offers support in Rapa Nui time"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let p = project(&app, id).await;
    assert_eq!(p.status, "none_suitable");
    let published = release::Entity::find()
        .filter(release::Column::Ocid.eq(&p.ocid))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(published.tags, "tender");
    assert!(published.valid);
    let body: serde_json::Value = serde_json::from_str(&published.body).unwrap();
    assert_eq!(body["tender"]["status"], "unsuccessful");
    assert_eq!(
        body["tender"]["documents"][0]["documentType"],
        "shortlistedFirms"
    );
    assert_eq!(app.get(&format!("/direct-awards/{id}")).await.status, 200);

    // A project cancelled before its search ended publishes nothing.
    let other = start(&mut buyer, "Abandoned", "lot=cloud-platform").await;
    let res = buyer
        .post(
            &format!("/direct-awards/projects/{other}/outcome"),
            &[("outcome", "cancelled"), ("reason", "Budget withdrawn")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let p = project(&app, other).await;
    assert_eq!(p.status, "cancelled");
    assert_eq!(
        release::Entity::find()
            .filter(release::Column::Ocid.eq(&p.ocid))
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
}
