//! Frameworks end to end through the real router: a manager opens a framework made from a
//! content file, a supplier applies with two services, the manager evaluates and countersigns,
//! the framework goes live, the services are found in search and the supplier edits a price.
//! Every release published on the way validates, and bad input is refused with nothing saved.

use chrono::{Duration, Utc};
use marco::domain::content::{CLOUD_CONTENT, ContentFile, FormValues};
use marco::domain::framework::{FrameworkStatus, Timetable};
use marco::entities::{draft_service, framework, framework_application, release, service_document};
use marco::frameworks::lifecycle::{self, NewFramework};
use marco::frameworks::{Actor, FlowError, application, demo, store};
use marco_tests::{Client, TestApp};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};

const PASSWORD: &str = marco::seed::DEMO_PASSWORD;

fn timetable() -> Timetable {
    let now = Utc::now();
    Timetable {
        clarifications_close_at: now + Duration::days(5),
        applications_close_at: now + Duration::days(10),
        intention_to_award_at: now + Duration::days(20),
        goes_live_at: now + Duration::days(30),
        expires_at: now + Duration::days(400),
    }
}

async fn create(app: &TestApp, content: &str) -> Result<framework::Model, FlowError> {
    lifecycle::create(
        &app.state,
        &Actor::default(),
        NewFramework {
            name: "Cloud Services 9".into(),
            family: "Cloud Services".into(),
            iteration: 9,
            description: "Test framework".into(),
            content: content.into(),
            timetable: timetable(),
            previous_id: None,
        },
    )
    .await
}

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let mut client = Client::new(app);
    let res = client
        .post("/sign-in", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, 303, "sign-in as {email}: {}", res.text());
    client
}

fn pairs(form: &FormValues) -> Vec<(String, String)> {
    form.iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
        .collect()
}

async fn post_form(
    client: &mut Client<'_>,
    path: &str,
    form: &FormValues,
) -> marco_tests::TestResponse {
    let owned = pairs(form);
    let borrowed: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

async fn releases(app: &TestApp) -> Vec<release::Model> {
    release::Entity::find().all(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn a_framework_goes_from_content_file_to_a_searchable_catalogue_with_valid_ocds() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let content = ContentFile::parse(CLOUD_CONTENT).unwrap();
    let fw = create(&app, CLOUD_CONTENT).await.unwrap();
    let slug = fw.slug.clone();
    let mut manager = signed_in(&app, "manager@marco.example").await;

    // 1. The manager opens it; skipping a state is refused and changes nothing.
    let res = manager
        .post(&format!("/frameworks/{slug}/status"), &[("to", "live")])
        .await;
    assert_eq!(res.status, 409);
    assert!(
        res.text().contains("the next state is open"),
        "{}",
        res.text()
    );
    assert!(releases(&app).await.is_empty());
    let res = manager
        .post(&format!("/frameworks/{slug}/status"), &[("to", "open")])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(releases(&app).await.len(), 1);

    // 2. A supplier registers interest, answers the declaration and drafts two services.
    let mut supplier = signed_in(&app, "supplier@nubeandina.example").await;
    let res = supplier
        .post(&format!("/frameworks/{slug}/application"), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    // The declaration marks each mandatory exclusion ground with the answer that excludes.
    let page = supplier
        .get(&format!("/frameworks/{slug}/application/declaration"))
        .await
        .text();
    let grounds = content
        .declaration
        .questions
        .iter()
        .filter(|q| q.mandatory && q.pass_if.is_some())
        .count();
    assert!(grounds > 0);
    assert_eq!(
        page.matches("Mandatory exclusion ground").count(),
        grounds,
        "{page}"
    );
    let res = post_form(
        &mut supplier,
        &format!("/frameworks/{slug}/application/declaration"),
        &demo::declaration_for(&content, false),
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let fw = store::framework_by_slug(&app.state.db, &slug)
        .await
        .unwrap();
    let org = marco::entities::user::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "supplier@nubeandina.example")
        .unwrap()
        .organisation_id;
    let app_row = store::application_of(&app.state.db, fw.id, org)
        .await
        .unwrap()
        .unwrap();
    assert!(app_row.declaration_complete);
    let mut names = Vec::new();
    for (k, lot) in content.lots.iter().take(2).enumerate() {
        let res = supplier
            .post(
                &format!("/frameworks/{slug}/application/services"),
                &[("lot", lot.slug.as_str())],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text());
        let draft_path = res.header("location").unwrap();
        let mut answers = demo::answers_for(lot, "Nube Andina", 1000 + k);
        // A price with letters is refused with a clear message, and nothing is saved.
        let price_id = lot
            .questions
            .iter()
            .find(|q| q.role == Some(marco::domain::content::Role::Price))
            .unwrap()
            .id
            .clone();
        let mut bad = answers.clone();
        bad.insert(price_id.clone(), vec!["12abc".into()]);
        let res = post_form(&mut supplier, &draft_path, &bad).await;
        assert_eq!(res.status, 422);
        assert!(res.text().contains("digits only"), "{}", res.text());
        let draft_id: i64 = draft_path.rsplit('/').next().unwrap().parse().unwrap();
        let draft = draft_service::Entity::find_by_id(draft_id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(draft.answers, "{}", "a refused form saves nothing");
        answers.insert(price_id, vec![format!("{}", 10_000 + k)]);
        let res = post_form(&mut supplier, &draft_path, &answers).await;
        assert_eq!(res.status, 303, "{}", res.text());
        // Until its documents are uploaded, the draft says what it still needs.
        if lot
            .questions
            .iter()
            .any(|q| q.kind.name() == "document" && q.required)
        {
            let page = supplier
                .get(&format!("/frameworks/{slug}/application"))
                .await
                .text();
            assert!(
                page.contains(&format!("id=\"missing-{draft_id}\">Still needed: ")),
                "{page}"
            );
        }
        for q in lot
            .questions
            .iter()
            .filter(|q| q.kind.name() == "document" && q.required)
        {
            application::attach_document(
                &app.state,
                &fw,
                app_row.id,
                draft_id,
                &q.id,
                "doc.pdf",
                b"%PDF-1.4 test",
                "en",
            )
            .await
            .unwrap();
        }
        names.push(
            answers
                .get("service-name")
                .and_then(|v| v.first().cloned())
                .unwrap_or_default(),
        );
    }

    // An oversized or non-PDF upload is refused and nothing is stored.
    let draft_id = store::drafts(&app.state.db, app_row.id).await.unwrap()[0].id;
    let doc_q = content.lots[0]
        .questions
        .iter()
        .find(|q| q.kind.name() == "document")
        .unwrap()
        .id
        .clone();
    let before = service_document::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    for (bytes, code) in [
        (b"GIF89a not a pdf".to_vec(), "file_not_pdf"),
        (
            [b"%PDF-".to_vec(), vec![0u8; 6 * 1024 * 1024]].concat(),
            "file_too_large",
        ),
    ] {
        match application::attach_document(
            &app.state, &fw, app_row.id, draft_id, &doc_q, "x.pdf", &bytes, "en",
        )
        .await
        {
            Err(FlowError::Invalid(fields)) => assert_eq!(fields[&doc_q].code, code),
            other => panic!("expected {code}, got {other:?}"),
        }
    }
    assert_eq!(
        service_document::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        before
    );

    // 3. Submit; after that no edit is accepted.
    let res = supplier
        .post(&format!("/frameworks/{slug}/application/submit"), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = supplier
        .post(
            &format!("/frameworks/{slug}/application/services/{draft_id}"),
            &[("service-name", "Changed after submission")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.text().contains("can no longer be changed"),
        "{}",
        res.text()
    );

    // 4. The manager evaluates, moves to standstill (results e-mailed), the supplier signs
    //    and the manager countersigns, then the framework goes live.
    for to in ["pending"] {
        let res = manager
            .post(&format!("/frameworks/{slug}/status"), &[("to", to)])
            .await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    let drafts = store::drafts(&app.state.db, app_row.id).await.unwrap();
    let mut fields: Vec<(String, String)> = vec![
        ("result".into(), "pass".into()),
        ("reason".into(), "Good".into()),
    ];
    for d in &drafts {
        fields.push((format!("service_{}", d.id), "pass".into()));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = manager
        .post(
            &format!("/frameworks/{slug}/applications/{}", app_row.id),
            &borrowed,
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = manager
        .post(
            &format!("/frameworks/{slug}/status"),
            &[("to", "standstill")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let mail = marco_tests::client::last_mail(&app, "supplier@nubeandina.example")
        .await
        .unwrap();
    assert_eq!(mail.kind, "application_result");
    let res = supplier
        .post(
            &format!("/frameworks/{slug}/application/sign"),
            &[("signer_role", "Director"), ("accept", "yes")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = manager
        .post(
            &format!("/frameworks/{slug}/applications/{}/countersign", app_row.id),
            &[],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let res = manager
        .post(&format!("/frameworks/{slug}/status"), &[("to", "live")])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    marco::search::outbox::drain_once(&app.state).await.unwrap();

    // 5. The services are in search and on the supplier's profile.
    let services = store::services_of(&app.state.db, org).await.unwrap();
    assert_eq!(services.len(), 2);
    let res = app.get("/catalogue?q=Nube+Andina").await;
    assert_eq!(res.status, 200);
    for s in &services {
        assert!(
            res.text().contains(&s.public_id),
            "{} not in results",
            s.name
        );
    }
    let profile = app.get(&format!("/suppliers/{org}")).await.text();
    assert!(services.iter().all(|s| profile.contains(&s.public_id)));

    // 6. The supplier edits a price; the service page shows both prices.
    let svc = &services[0];
    let lot = content.lot(&svc.lot).unwrap();
    let current = store::versions(&app.state.db, svc.id).await.unwrap();
    let mut answers = marco::domain::content::Answers::from_json(&current[0].answers)
        .unwrap()
        .to_form();
    let price_id = lot
        .role(marco::domain::content::Role::Price)
        .unwrap()
        .id
        .clone();
    let old_price = answers[&price_id][0].clone();
    answers.insert(price_id, vec!["4321".into()]);
    let res = post_form(
        &mut supplier,
        &format!("/services/{}/edit", svc.public_id),
        &answers,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let page = app
        .get(&format!("/services/{}", svc.public_id))
        .await
        .text();
    // Prices read with thousands separators, in the currency's own decimals.
    assert!(page.contains("CLP 4,321"), "{page}");
    let old_shown = marco::domain::money::Money::parse(&old_price, "CLP")
        .unwrap()
        .localized("en");
    assert!(page.contains(&old_shown), "{page}");

    // Every release validates, and the record names the supplier and its lots.
    let all = releases(&app).await;
    let tags: Vec<&str> = all.iter().map(|r| r.tags.as_str()).collect();
    assert_eq!(
        tags,
        ["planning tender", "tenderUpdate", "award", "awardUpdate"]
    );
    for r in &all {
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let errors = app.state.publisher.validator().validate_release(&json);
        assert!(errors.is_empty(), "{}: {errors:?}", r.release_id);
    }
    let record = app.get(&format!("/ocds/records/{}", fw.ocid)).await.json();
    let compiled = &record["records"][0]["compiledRelease"];
    assert_eq!(
        compiled["tender"]["techniques"]["hasFrameworkAgreement"],
        true
    );
    assert!(
        compiled.get("contracts").is_none(),
        "a framework agreement is not a contract"
    );
    let award = &compiled["awards"][0];
    assert_eq!(award["status"], "active");
    let supplier_party =
        marco::frameworks::ocds::party_id(&store::organisation(&app.state.db, org).await.unwrap());
    assert_eq!(award["suppliers"][0]["id"], supplier_party.as_str());
    let lots: Vec<&str> = award["relatedLots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        lots,
        vec![content.lots[0].slug.as_str(), content.lots[1].slug.as_str()]
    );
    assert_eq!(award["documents"][0]["documentType"], "contractSigned");
    // The signatory is described by role; their name and e-mail never appear.
    let text = serde_json::to_string(&record).unwrap();
    assert!(!text.contains("supplier@nubeandina.example"));
}

#[tokio::test]
async fn a_late_submission_is_refused_and_leaves_the_application_as_it_was() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let content = ContentFile::parse(CLOUD_CONTENT).unwrap();
    let fw = create(&app, CLOUD_CONTENT).await.unwrap();
    let fw = lifecycle::transition(&app.state, &Actor::default(), fw.id, FrameworkStatus::Open)
        .await
        .unwrap();
    let supplier = marco::entities::organisation::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "supplier")
        .unwrap();
    let app_row = application::register_interest(&app.state, &Actor::default(), &fw, supplier.id)
        .await
        .unwrap();
    application::save_declaration(
        &app.state,
        &fw,
        app_row.id,
        &demo::declaration_for(&content, false),
        "en",
    )
    .await
    .unwrap();
    // The deadline passes.
    let mut late = fw.clone().into_active_model();
    late.applications_close_at = Set(Utc::now() - Duration::minutes(1));
    late.clarifications_close_at = Set(Utc::now() - Duration::minutes(2));
    let fw = late.update(&app.state.db).await.unwrap();
    let err = application::submit(&app.state, &Actor::default(), &fw, app_row.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FlowError::Refused("applications_closed")),
        "{err:?}"
    );
    let err = application::create_draft(&app.state, &fw, app_row.id, &content.lots[0].slug)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FlowError::Refused("applications_closed")),
        "{err:?}"
    );
    let row = framework_application::Entity::find_by_id(app_row.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "interested");
    assert!(row.submitted_at.is_none());
    assert_eq!(
        draft_service::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    // The clock closes it.
    assert_eq!(
        lifecycle::run_clock(&app.state, Utc::now()).await.unwrap(),
        1
    );
    let fw = store::framework_by_id(&app.state.db, fw.id).await.unwrap();
    assert_eq!(fw.status, "pending");
}

#[tokio::test]
async fn a_content_file_with_an_unknown_question_type_is_refused_by_name() {
    let app = TestApp::new().await;
    let bad = CLOUD_CONTENT.replacen("type = \"multichoice\"", "type = \"colour\"", 1);
    match create(&app, &bad).await {
        Err(FlowError::Invalid(fields)) => {
            let message = &fields["content"].message;
            assert!(message.contains("colour"), "{message}");
        }
        other => panic!("expected a content error, got {other:?}"),
    }
    assert_eq!(
        framework::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_demo_frameworks_publish_valid_ocds_and_fill_the_catalogue() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    let services = demo::load(&app.state).await.unwrap();
    assert!(services >= 250, "{services} services");
    assert_eq!(
        demo::load(&app.state).await.unwrap(),
        0,
        "loading twice adds nothing"
    );
    marco::search::outbox::drain_once(&app.state).await.unwrap();
    let frameworks = store::frameworks(&app.state.db).await.unwrap();
    let statuses: Vec<&str> = frameworks.iter().map(|f| f.status.as_str()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "live").count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == "open").count(), 1);
    // The demo's dates agree with its states: the clock has nothing to move, a live framework
    // went live in the past and has not expired, an open one still takes applications, and
    // the next iteration comes six months after the one it continues.
    let now = chrono::Utc::now();
    for fw in &frameworks {
        let t = store::timetable(fw);
        let status = marco::domain::framework::FrameworkStatus::parse(&fw.status).unwrap();
        assert_eq!(t.due(status, now), None, "{} {}", fw.name, fw.status);
        match fw.status.as_str() {
            "live" => assert!(t.goes_live_at < now && now < t.expires_at, "{}", fw.name),
            "open" => assert!(store::accepts_applications_now(fw).unwrap(), "{}", fw.name),
            other => panic!("unexpected demo state {other}"),
        }
        if let Some(previous) = frameworks.iter().find(|p| Some(p.id) == fw.previous_id) {
            let gap = t.goes_live_at - store::timetable(previous).goes_live_at;
            assert_eq!(gap.num_days(), 182, "{}", fw.name);
        }
    }
    let cloud = frameworks
        .iter()
        .find(|f| f.name == "Cloud Services 1")
        .unwrap();
    let submitted: Vec<_> = store::applications(&app.state.db, cloud.id)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| a.submitted_at)
        .collect();
    assert!(!submitted.is_empty());
    assert!(
        submitted.iter().all(|at| *at < cloud.applications_close_at),
        "applications were made before the deadline the framework states"
    );
    for r in releases(&app).await {
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let errors = app.state.publisher.validator().validate_release(&json);
        assert!(errors.is_empty(), "{}: {errors:?}", r.release_id);
    }
    // The framework page: its timetable with the passed dates marked done, each lot with
    // its count of services matching the catalogue, and a link to the next iteration.
    let page = app.get(&format!("/frameworks/{}", cloud.slug)).await.text();
    assert_eq!(page.matches("marco-step--done").count(), 4, "{page}");
    let next = frameworks
        .iter()
        .find(|f| f.previous_id == Some(cloud.id))
        .unwrap();
    assert!(page.contains(&format!("href=\"/frameworks/{}\"", next.slug)));
    let live = store::services_on(&app.state.db, cloud.id).await.unwrap();
    let content = marco::frameworks::lifecycle::content_of(cloud).unwrap();
    for lot in &content.lots {
        let count = live
            .iter()
            .filter(|s| s.lot == lot.slug && marco::domain::status::is_live(&s.status))
            .count();
        assert!(count > 0, "{}", lot.slug);
        assert!(
            page.contains(&format!("{count} services from")),
            "{}: {count}",
            lot.slug
        );
    }
    let upcoming = app.get(&format!("/frameworks/{}", next.slug)).await.text();
    assert_eq!(upcoming.matches("marco-step--done").count(), 0);
    assert!(upcoming.contains(&format!("href=\"/frameworks/{}\"", cloud.slug)));
    let res = app.get("/catalogue?q=kubernetis").await;
    assert_eq!(res.status, 200);
    assert!(
        res.text().contains("<mark>Kubernetes</mark>"),
        "typo-tolerant search"
    );
    let res = app.get("/catalogue?price_min=12abc").await;
    assert!(res.text().contains("digits only"));
}
