//! Sealed responses: before a brief's closing time, nothing of a response reaches anyone. A
//! supplier submits a response full of canary values; then every page of the route table is
//! read as the buyer who wrote the brief, a colleague, the category reviewer, a platform admin,
//! another supplier and an anonymous visitor, with every feed, the record, the search, the
//! mail outbox, the audit log and the captured logs. None holds a canary, and saving the
//! response added nothing anyone could count: no audit entry, no e-mail, no release, no
//! search update. After closing, the buyer's page shows the response.

use chrono::{Duration, Utc};
use marco::entities::{audit_event, mail_outbox, release, search_outbox};
use marco_tests::fixtures::brief_world;
use marco_tests::{Client, TestApp};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::{Captured, ONE_AT_A_TIME, visible};

const EVIDENCE: &str = "Sealed-canary-Evidence-q7Zk";
const PRICE: &str = "73918264";
const PRICE_SHOWN: &str = "73,918,264";

async fn signed_in<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let mut client = Client::new(app);
    let res = client
        .post(
            "/sign-in",
            &[("email", email), ("password", marco::seed::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "sign-in of {email}");
    client
}

async fn counts(app: &TestApp) -> (u64, u64, u64, u64) {
    (
        audit_event::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        mail_outbox::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        release::Entity::find().count(&app.state.db).await.unwrap(),
        search_outbox::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
    )
}

fn concrete(template: &str, brief: i64, ocid: &str, framework: &str) -> Option<String> {
    let path = template
        .replace("{id}", &brief.to_string())
        .replace("{ocid}", ocid)
        .replace("{slug}", framework)
        .replace("{code}", "es")
        .replace("{file}", "extension.json")
        .replace("{*path}", "marco.css");
    (!path.contains('{')).then_some(path)
}

#[tokio::test]
async fn nothing_of_a_response_reaches_anyone_before_closing() {
    let _one = ONE_AT_A_TIME.lock().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new().await;
    let world = brief_world(&app).await;
    let now = Utc::now();

    // A live brief on the outcomes lot, below the review threshold.
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;
    let res = buyer
        .post(
            "/briefs",
            &[("lot", &format!("{}/digital-outcomes", world.framework))],
        )
        .await;
    let id: i64 = res
        .header("location")
        .unwrap()
        .trim_start_matches("/briefs/")
        .trim_end_matches("/edit")
        .parse()
        .unwrap();
    let day = |n: i64| (now.date_naive() + Duration::days(n)).to_string();
    let fields = [
        ("title", "Find the right school meals".to_owned()),
        (
            "problem",
            "Families do not know who can get free meals.".to_owned(),
        ),
        ("users", "Parents and school office staff.".to_owned()),
        ("existing", "A paper form.".to_owned()),
        ("outcome", "Most eligible families apply.".to_owned()),
        ("budget_min", "10000000".to_owned()),
        ("budget_max", "90000000".to_owned()),
        ("currency", "CLP".to_owned()),
        ("price_basis", "fixed".to_owned()),
        ("location", "Remote".to_owned()),
        ("working", "Weekly show and tells.".to_owned()),
        ("essential", "Has researched with families".to_owned()),
        ("weight_technical", "70".to_owned()),
        ("weight_cultural", "0".to_owned()),
        ("weight_price", "30".to_owned()),
        ("methods", "written_proposal".to_owned()),
        ("shortlist", "2".to_owned()),
        ("question_deadline", day(3)),
        ("closing", day(8)),
        ("bc_objective", "More children get free meals.".to_owned()),
        ("bc_options", "Do nothing\nResearch and redesign".to_owned()),
        ("bc_tco", "2027: 25000000".to_owned()),
        (
            "bc_benefits",
            "Families who apply | 55% | 80% | 2028-03-31".to_owned(),
        ),
        ("bc_risks", "Families may not talk about income".to_owned()),
    ];
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        buyer
            .post(&format!("/briefs/{id}/edit"), &form)
            .await
            .status,
        303
    );
    let res = buyer.post(&format!("/briefs/{id}/publish"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let brief = marco::briefs::store::brief(&app.state.db, id)
        .await
        .unwrap();

    // The supplier saves a draft, then submits: nothing anyone can count changes.
    let before = counts(&app).await;
    let mut supplier = signed_in(&app, &world.on_lot[0].0).await;
    let response = [
        ("evidence_0", EVIDENCE),
        ("meets_0", "yes"),
        ("price", PRICE),
        ("available_from", "2031-07-19"),
    ];
    let mut draft = response.to_vec();
    draft.push(("action", "save"));
    assert_eq!(
        supplier
            .post(&format!("/opportunities/{id}/respond"), &draft)
            .await
            .status,
        303
    );
    let mut submit = response.to_vec();
    submit.push(("action", "submit"));
    assert_eq!(
        supplier
            .post(&format!("/opportunities/{id}/respond"), &submit)
            .await
            .status,
        303
    );
    // The supplier's sign-in writes its own audit entry; the response adds none.
    let after = counts(&app).await;
    assert_eq!(after.1, before.1, "an e-mail went out about the response");
    assert_eq!(
        after.2, before.2,
        "a release was published about the response"
    );
    assert_eq!(
        after.3, before.3,
        "a search update was queued about the response"
    );
    let sign_in_entries = after.0 - before.0;
    assert!(
        sign_in_entries <= 2,
        "audit entries about the response: {sign_in_entries}"
    );
    // The supplier itself sees its own response.
    assert!(
        supplier
            .get(&format!("/opportunities/{id}/respond"))
            .await
            .text()
            .contains(EVIDENCE)
    );

    // Everyone else, on every page they may open.
    let readers = [
        Some("buyer@compras.demo.gob.cl"),
        Some("approver@compras.demo.gob.cl"),
        Some("reviewer@marco.example"),
        Some("manager@marco.example"),
        Some(world.on_lot[1].0.as_str()),
        None,
    ];
    let mut pages = 0;
    for reader in readers {
        let mut client = match reader {
            Some(email) => signed_in(&app, email).await,
            None => Client::new(&app),
        };
        for (method, template, _) in marco::auth::authz::ROUTES {
            if *method != "GET" {
                continue;
            }
            let Some(path) = concrete(template, id, &brief.ocid, &world.framework) else {
                continue;
            };
            let res = client.get(&path).await;
            let text = visible(&res);
            for canary in [EVIDENCE, PRICE, PRICE_SHOWN, "2031-07-19"] {
                assert!(
                    !text.contains(canary),
                    "{canary} shows on {path} to {reader:?}"
                );
            }
            pages += 1;
        }
        let page = client.get(&format!("/briefs/{id}")).await.text();
        assert!(
            !page.contains("Nube Andina"),
            "the responder is named to {reader:?}"
        );
    }
    assert!(pages > 300, "read only {pages} pages");
    for path in [
        "/ocds/releases?limit=1000",
        "/ocds/releases.jsonl",
        "/ocds/records?limit=1000",
        &format!("/ocds/records/{}", brief.ocid),
        "/catalogue?q=q7Zk",
        "/api/v1/catalogue/services?q=q7Zk",
        "/opportunities?q=q7Zk",
    ] {
        // Searches echo the word searched for ("q7Zk"), never the evidence that holds it.
        let text = Client::new(&app).get(path).await.text();
        assert!(!text.contains(EVIDENCE) && !text.contains(PRICE), "{path}");
    }
    for mail in mail_outbox::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
    {
        let all = format!("{} {} {}", mail.subject, mail.text_body, mail.html_body);
        assert!(
            !all.contains(EVIDENCE) && !all.contains(PRICE),
            "in a mail: {}",
            mail.subject
        );
    }
    for event in audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
    {
        assert!(
            !event.detail.contains(EVIDENCE) && !event.event.contains("response"),
            "{event:?}"
        );
    }
    // The bulk files, decompressed, and the CSV tables.
    marco::publish::bulk::refresh(&app.state).await.unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(app.state.config.data_dir.join("bulk")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let mut texts = Vec::new();
        if name.ends_with(".gz") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
                .unwrap();
            texts.push(text);
        } else if name.ends_with(".zip") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..archive.len() {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut archive.by_index(i).unwrap(), &mut text)
                    .unwrap();
                texts.push(text);
            }
        } else {
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        for text in texts {
            assert!(
                !text.contains(EVIDENCE) && !text.contains(PRICE),
                "in {name}"
            );
        }
        files += 1;
    }
    assert!(files >= 3, "read only {files} bulk files");
    // The store refuses the buyer, whatever calls it.
    match marco::briefs::responses::opened(&app.state.db, &brief).await {
        Err(marco::briefs::FlowError::Refused("responses_sealed")) => {}
        other => panic!("the sealed responses were read: {other:?}"),
    }
    let captured = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(captured.contains("published release"), "the capture works");
    for canary in [EVIDENCE, PRICE] {
        assert!(!captured.contains(canary), "{canary} reached the logs");
    }

    // After closing, the buyer sees it.
    marco::briefs::clock::tick(&app.state, brief.closing_at.unwrap() + Duration::minutes(1))
        .await
        .unwrap();
    let page = buyer.get(&format!("/briefs/{id}")).await.text();
    assert!(page.contains("Nube Andina"), "{page}");
}
