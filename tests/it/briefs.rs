//! Challenge-based purchases (briefs) through the pages, as the journey runs them: a
//! brief above the business-case threshold fails the quality gate twice and is fixed; a
//! reviewer refuses without reasons (refused) and approves; the buyer publishes; suppliers
//! ask, and a late answer moves the closing date; three suppliers respond and one fails an
//! essential criterion; a panel of two scores blind and the moderator agrees; a prototype
//! challenge runs with two suppliers; the buyer awards; debriefs arrive; a complaint holds the
//! contract until it is answered. Every release of the brief validates, and the record holds
//! the whole history. The rules behind it (sealing, blind scores, who may act, one award
//! under concurrency) have their own tests below.

use chrono::{Duration, Utc};
use marco::entities::{brief, brief_edit, contract, mail_outbox, release};
use marco_tests::fixtures::{BriefWorld, brief_world};
use marco_tests::{Client, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::Value;

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

/// A whole brief as the form posts it, above the CLP 100,000,000 review threshold.
pub fn form(today: chrono::NaiveDate) -> Vec<(&'static str, String)> {
    let day = |n: i64| (today + Duration::days(n)).to_string();
    vec![
        ("title", "Renew driving licences without queues".into()),
        (
            "problem",
            "People wait weeks to renew a licence. Many lose a day of work in the queue.".into(),
        ),
        (
            "users",
            "Drivers across the country, most of them on a phone.".into(),
        ),
        (
            "existing",
            "A phone line on weekdays and queues at each town hall.".into(),
        ),
        (
            "outcome",
            "Most renewals are booked online in under 10 minutes.".into(),
        ),
        ("budget_min", "90000000".into()),
        ("budget_max", "150000000".into()),
        ("currency", "CLP".into()),
        ("price_basis", "fixed".into()),
        ("location", "Santiago, or remote".into()),
        (
            "working",
            "Two days a week with our team in Santiago.".into(),
        ),
        (
            "essential",
            "Built a public booking service\nPublishes its code in the open".into(),
        ),
        ("nice", "Worked with town halls".into()),
        ("cultural", "Works as one team with our staff".into()),
        ("weight_technical", "60".into()),
        ("weight_cultural", "10".into()),
        ("weight_price", "30".into()),
        ("methods", "written_proposal".into()),
        ("methods", "prototype_challenge".into()),
        ("shortlist", "2".into()),
        ("challenge_stipend", "3000000".into()),
        ("challenge_weeks", "2".into()),
        (
            "challenge_deliverables",
            "A working prototype in an open repository, and a demo.".into(),
        ),
        (
            "challenge_rubric",
            "The prototype works with test data\nPeople booked without help".into(),
        ),
        ("challenge_weight", "50".into()),
        ("question_deadline", day(4)),
        ("closing", day(10)),
        (
            "bc_objective",
            "Simpler public services, as the digital government strategy asks.".into(),
        ),
        (
            "bc_options",
            "Do nothing\nBuy a booking product\nBuild with a framework supplier".into(),
        ),
        ("bc_tco", "2027: 120000000\n2028: 20000000".into()),
        (
            "bc_benefits",
            "Renewals booked online | 0% | 70% | 2028-06-30".into(),
        ),
        (
            "bc_risks",
            "Town hall staff do not take up the new system".into(),
        ),
    ]
}

fn with(
    fields: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    fields
        .iter()
        .map(|(k, v)| {
            let changed = changes
                .iter()
                .find(|(c, _)| c == k)
                .map(|(_, v)| (*v).to_owned());
            (*k, changed.unwrap_or_else(|| v.clone()))
        })
        .collect()
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn the_brief(app: &TestApp, id: i64) -> brief::Model {
    brief::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
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

async fn mails_to(app: &TestApp, to: &str, kind: &str) -> usize {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(to))
        .filter(mail_outbox::Column::Kind.eq(kind))
        .all(&app.state.db)
        .await
        .unwrap()
        .len()
}

/// Moves the brief's closing time to `at` (time passing, for a test).
async fn close_at(app: &TestApp, id: i64, at: chrono::DateTime<Utc>) {
    let b = the_brief(app, id).await;
    let mut draft: Value = serde_json::from_str(&b.draft).unwrap();
    let deadline = at - Duration::days(1);
    draft["question_deadline"] = deadline.date_naive().to_string().into();
    draft["closing"] = at.date_naive().to_string().into();
    let mut active = b.into_active_model();
    active.draft = Set(draft.to_string());
    active.closing_at = Set(Some(at));
    active.question_deadline_at = Set(Some(deadline));
    active.update(&app.state.db).await.unwrap();
}

fn respond_fields(meets_first: &str, price: &str, who: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "evidence_0",
            format!("{who} built the booking service of a regional health service."),
        ),
        (
            "evidence_1",
            format!("{who} publishes all its code under an open licence."),
        ),
        ("evidence_2", format!("{who} worked with three town halls.")),
        (
            "evidence_3",
            format!("{who} pairs with the buyer's staff every day."),
        ),
        ("meets_0", meets_first.into()),
        ("meets_1", "yes".into()),
        ("price", price.into()),
        (
            "available_from",
            (Utc::now().date_naive() + Duration::days(30)).to_string(),
        ),
        ("action", "submit".into()),
    ]
}

fn score_fields(response: i64, scores: &[u8], note: &str) -> Vec<(String, String)> {
    let mut fields = vec![("response".to_owned(), response.to_string())];
    for (i, s) in scores.iter().enumerate() {
        fields.push((format!("score_{i}"), s.to_string()));
        fields.push((format!("comment_{i}"), format!("{note} on criterion {i}")));
    }
    fields
}

async fn post_owned(
    client: &mut Client<'_>,
    path: &str,
    fields: &[(String, String)],
) -> marco_tests::TestResponse {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

async fn ids_of_opened(app: &TestApp, b: &brief::Model) -> Vec<(i64, i64)> {
    marco::briefs::responses::opened(&app.state.db, b)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.supplier_org_id))
        .collect()
}

#[tokio::test]
async fn a_brief_runs_from_a_refused_draft_to_a_contract_held_by_a_complaint() {
    let app = TestApp::new().await;
    let BriefWorld {
        framework,
        on_lot,
        off_lot,
    } = brief_world(&app).await;
    let today = Utc::now().date_naive();
    let mut buyer = signed_in(&app, "buyer@compras.demo.gob.cl").await;

    // The buyer starts a brief on the outcomes lot.
    let res = buyer
        .post(
            "/briefs",
            &[("lot", &format!("{framework}/digital-outcomes"))],
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
    let good = form(today);

    // First check: weights add up to 90 and jargon in the problem, each named where it is.
    let bad = with(
        &good,
        &[
            ("weight_price", "20"),
            ("problem", "We will leverage data to help people."),
        ],
    );
    let mut fields = pairs(&bad);
    fields.push(("action", "check"));
    let res = buyer.post(&format!("/briefs/{id}/edit"), &fields).await;
    assert_eq!(res.status, 422);
    let page = res.text();
    assert!(page.contains("they add up to 90"), "{page}");
    assert!(page.contains("instead of “leverage”"), "{page}");
    assert!(page.contains("href=\"#weight_price\"") && page.contains("href=\"#problem\""));
    // What was typed is kept.
    assert!(page.contains("We will leverage data"));

    // Second check: the closing date is three weeks away.
    let bad = with(
        &good,
        &[("closing", &(today + Duration::days(21)).to_string())],
    );
    let mut fields = pairs(&bad);
    fields.push(("action", "check"));
    let res = buyer.post(&format!("/briefs/{id}/edit"), &fields).await;
    assert_eq!(res.status, 422);
    assert!(
        res.text().contains("1 or 2 weeks after publishing"),
        "{}",
        res.text()
    );

    // Fixed: it passes every check, but the budget needs a review before publishing.
    let mut fields = pairs(&good);
    fields.push(("action", "check"));
    let res = buyer.post(&format!("/briefs/{id}/edit"), &fields).await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert!(res.header("location").unwrap().ends_with("notice=checked"));
    let res = buyer.post(&format!("/briefs/{id}/publish"), &[]).await;
    assert_eq!(res.status, 422);
    assert!(
        res.text().contains("category reviewer must approve"),
        "{}",
        res.text()
    );
    let res = buyer
        .post(&format!("/briefs/{id}/review-request"), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(
        mails_to(&app, "reviewer@marco.example", "brief_review_requested").await,
        1
    );

    // The reviewer refuses without reasons (refused), then approves.
    let mut reviewer = signed_in(&app, "reviewer@marco.example").await;
    assert!(
        reviewer
            .get("/reviews")
            .await
            .text()
            .contains("Renew driving licences")
    );
    let res = reviewer
        .post(
            &format!("/reviews/{id}"),
            &[("decision", "refuse"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, 422);
    let res = reviewer
        .post(
            &format!("/reviews/{id}"),
            &[
                ("decision", "approve"),
                ("reason", "The options and costs are sound."),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(the_brief(&app, id).await.review, "approved");
    // A buyer cannot review.
    let res = buyer
        .post(&format!("/reviews/{id}"), &[("decision", "approve")])
        .await;
    assert_eq!(res.status, 403);

    // Published: everyone on the lot is told, the supplier off the lot is not.
    let res = buyer.post(&format!("/briefs/{id}/publish"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let b = the_brief(&app, id).await;
    assert_eq!(b.status, "live");
    for (email, _) in &on_lot {
        assert_eq!(mails_to(&app, email, "brief_published").await, 1, "{email}");
    }
    assert_eq!(mails_to(&app, &off_lot.0, "brief_published").await, 0);
    let public = Client::new(&app).get("/opportunities").await.text();
    assert!(
        public.contains("Renew driving licences without queues"),
        "{public}"
    );

    // Two suppliers ask; the supplier off the lot cannot.
    let mut nube = signed_in(&app, &on_lot[0].0).await;
    let mut bright = signed_in(&app, &on_lot[1].0).await;
    let mut third = signed_in(&app, &on_lot[2].0).await;
    let mut outsider = signed_in(&app, &off_lot.0).await;
    for (client, q) in [
        (&mut nube, "Is there a test API for the licence register?"),
        (&mut bright, "Can the prototype use made-up data?"),
    ] {
        let res = client
            .post(
                &format!("/opportunities/{id}/questions"),
                &[("question", q)],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    let long = vec!["word"; 101].join(" ");
    assert_eq!(
        nube.post(
            &format!("/opportunities/{id}/questions"),
            &[("question", &long)]
        )
        .await
        .status,
        422
    );
    let res = outsider
        .post(
            &format!("/opportunities/{id}/questions"),
            &[("question", "May we respond?")],
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(
        res.text()
            .contains("Only suppliers with an available service on this lot")
    );
    let questions = marco::briefs::store::questions(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(questions.len(), 2);

    // An answer in good time is an update; the page shows it without the asker.
    let res = buyer
        .post(
            &format!("/briefs/questions/{}/answer", questions[0].id),
            &[("answer", "Yes, with test access.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let page = Client::new(&app)
        .get(&format!("/opportunities/{id}"))
        .await
        .text();
    assert!(page.contains("Yes, with test access."));
    assert!(page.contains("1 question is waiting"), "{page}");
    assert!(!page.contains("Nube Andina"), "the asker is never shown");

    // Time passes: a day before closing, the second answer moves the closing date. Closing is
    // tomorrow at noon, so its question deadline (a day earlier) never falls before the day
    // the brief was published, whatever the hour of the run.
    let near = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    close_at(&app, id, near).await;
    let res = buyer
        .post(
            &format!("/briefs/questions/{}/answer", questions[1].id),
            &[("answer", "Yes, made-up data is fine.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let b = the_brief(&app, id).await;
    let closing = b.closing_at.unwrap();
    assert!(
        closing >= Utc::now() + Duration::days(2) - Duration::minutes(1),
        "{closing}"
    );
    assert_eq!(
        closing.date_naive(),
        (Utc::now() + Duration::days(2)).date_naive()
    );
    let moved = brief_edit::Entity::find()
        .filter(brief_edit::Column::BriefId.eq(id))
        .filter(brief_edit::Column::Kind.eq("closing_moved"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(moved, 1);
    for (email, _) in &on_lot {
        assert_eq!(
            mails_to(&app, email, "brief_closing_moved").await,
            1,
            "{email}"
        );
    }

    // Three suppliers respond; the third does not meet the first essential criterion. The
    // supplier off the lot cannot respond.
    for (client, meets, price, who) in [
        (&mut nube, "yes", "110000000", "Nube"),
        (&mut bright, "yes", "95000000", "Brightlane"),
        (&mut third, "no", "80000000", "Third"),
    ] {
        let fields = respond_fields(meets, price, who);
        let res = client
            .post(&format!("/opportunities/{id}/respond"), &pairs(&fields))
            .await;
        assert_eq!(res.status, 303, "{who}: {}", res.text());
    }
    let fields = respond_fields("yes", "1", "Outsider");
    let res = outsider
        .post(&format!("/opportunities/{id}/respond"), &pairs(&fields))
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert!(
        res.text()
            .contains("Only suppliers with an available service on this lot")
    );

    // Sealed: the buyer's page says so and names no responder.
    let page = buyer.get(&format!("/briefs/{id}")).await.text();
    assert!(page.contains("Responses are sealed"), "{page}");
    for name in [
        "Nube Andina",
        "Brightlane Digital",
        "110000000",
        "110,000,000",
    ] {
        assert!(!page.contains(name), "{name} shows before closing");
    }
    // Scoring is refused before closing.
    let res = buyer.get(&format!("/briefs/{id}/score/proposal")).await;
    assert_ne!(res.status, 200);

    // The clock opens the responses after the closing time.
    marco::briefs::clock::tick(&app.state, closing + Duration::minutes(1))
        .await
        .unwrap();
    let b = the_brief(&app, id).await;
    assert_eq!(b.status, "closed");
    let opened = ids_of_opened(&app, &b).await;
    assert_eq!(opened.len(), 3);
    let page = buyer.get(&format!("/briefs/{id}")).await.text();
    assert!(
        page.contains("Does not meet an essential criterion"),
        "{page}"
    );
    assert!(page.contains("Built a public booking service"));

    // After closing nobody can respond any more.
    let fields = respond_fields("yes", "1", "Late");
    let res = nube
        .post(&format!("/opportunities/{id}/respond"), &pairs(&fields))
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("The brief is closed"), "{}", res.text());

    // The panel: the buyer and a colleague; the buyer moderates.
    let users = marco::briefs::store::colleagues(&app.state.db, b.buyer_org_id)
        .await
        .unwrap();
    let me = users
        .iter()
        .find(|u| u.email == "buyer@compras.demo.gob.cl")
        .unwrap()
        .id;
    let colleague = users
        .iter()
        .find(|u| u.email == "approver@compras.demo.gob.cl")
        .unwrap()
        .id;
    let res = buyer
        .post(
            &format!("/briefs/{id}/panel"),
            &[
                ("members", &me.to_string()),
                ("members", &colleague.to_string()),
                ("moderator", &me.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());

    // Blind scoring: the eligible two responses, four criteria each.
    let nube_response = opened.iter().find(|(_, o)| *o == on_lot[0].1).unwrap().0;
    let bright_response = opened.iter().find(|(_, o)| *o == on_lot[1].1).unwrap().0;
    let mut approver = signed_in(&app, "approver@compras.demo.gob.cl").await;
    for (r, scores) in [
        (nube_response, [4, 4, 3, 3]),
        (bright_response, [2, 3, 2, 2]),
    ] {
        let res = post_owned(
            &mut buyer,
            &format!("/briefs/{id}/score/proposal"),
            &score_fields(r, &scores, "Buyer-note-7Q"),
        )
        .await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    // The colleague cannot submit an empty sheet, and does not see the buyer's notes.
    let res = approver
        .post(&format!("/briefs/{id}/score/proposal/submit"), &[])
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    let res = buyer
        .post(&format!("/briefs/{id}/score/proposal/submit"), &[])
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let page = approver
        .get(&format!("/briefs/{id}/score/proposal"))
        .await
        .text();
    assert!(
        !page.contains("Buyer-note-7Q"),
        "scores show before the member submitted theirs"
    );
    for (r, scores) in [
        (nube_response, [3, 4, 3, 4]),
        (bright_response, [2, 2, 2, 3]),
    ] {
        let res = post_owned(
            &mut approver,
            &format!("/briefs/{id}/score/proposal"),
            &score_fields(r, &scores, "Colleague-note"),
        )
        .await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    assert_eq!(
        approver
            .post(&format!("/briefs/{id}/score/proposal/submit"), &[])
            .await
            .status,
        303
    );
    let page = approver
        .get(&format!("/briefs/{id}/score/proposal"))
        .await
        .text();
    assert!(
        page.contains("Buyer-note-7Q"),
        "the member sees the others once submitted"
    );
    // Only the moderator agrees.
    assert_eq!(
        approver
            .get(&format!("/briefs/{id}/moderate/proposal"))
            .await
            .status,
        404
    );
    let mut agreed = Vec::new();
    for (r, scores) in [
        (nube_response, [4, 4, 3, 3]),
        (bright_response, [2, 3, 2, 2]),
    ] {
        for (i, s) in scores.iter().enumerate() {
            agreed.push((format!("r{r}_score_{i}"), s.to_string()));
            agreed.push((format!("r{r}_comment_{i}"), "Agreed".to_owned()));
        }
    }
    let res = post_owned(
        &mut buyer,
        &format!("/briefs/{id}/moderate/proposal"),
        &agreed,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());

    // The challenge: both eligible suppliers, each with a paid challenge order of its own.
    let res = buyer.post(&format!("/briefs/{id}/challenge"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let orders = contract::Entity::find()
        .filter(contract::Column::BriefId.eq(id))
        .filter(contract::Column::Route.eq("challenge"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(orders.len(), 2);
    for order in &orders {
        let body = &releases_of(&app, &order.ocid).await[0];
        assert_eq!(body["relatedProcesses"][1]["relationship"][0], "parent");
        assert_eq!(body["relatedProcesses"][1]["identifier"], b.ocid);
        assert_eq!(body["contracts"][0]["value"]["amount"], 3_000_000);
    }
    for (client, slug) in [(&mut nube, "nube"), (&mut bright, "bright")] {
        let res = client
            .post(
                &format!("/opportunities/{id}/prototype"),
                &[
                    (
                        "repository",
                        &format!("https://git.example.org/{slug}/proto"),
                    ),
                    ("demo", &format!("https://demo.example.org/{slug}")),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    // The third supplier was not shortlisted.
    let res = third
        .post(
            &format!("/opportunities/{id}/prototype"),
            &[
                ("repository", "https://x.example/a"),
                ("demo", "https://x.example/b"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("not shortlisted"), "{}", res.text());
    for client in [&mut buyer, &mut approver] {
        for (r, scores) in [(nube_response, [2, 2]), (bright_response, [4, 4])] {
            let res = post_owned(
                client,
                &format!("/briefs/{id}/score/challenge"),
                &score_fields(r, &scores, "Prototype"),
            )
            .await;
            assert_eq!(res.status, 303, "{}", res.text());
        }
        assert_eq!(
            client
                .post(&format!("/briefs/{id}/score/challenge/submit"), &[])
                .await
                .status,
            303
        );
    }
    let mut agreed = Vec::new();
    for (r, scores) in [(nube_response, [2, 2]), (bright_response, [4, 4])] {
        for (i, s) in scores.iter().enumerate() {
            agreed.push((format!("r{r}_score_{i}"), s.to_string()));
            agreed.push((format!("r{r}_comment_{i}"), "Agreed on the demo".to_owned()));
        }
    }
    let res = post_owned(
        &mut buyer,
        &format!("/briefs/{id}/moderate/challenge"),
        &agreed,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());

    // Brightlane wins the combined ranking (a cheaper, better prototype); the award goes to it.
    let page = buyer.get(&format!("/briefs/{id}")).await.text();
    assert!(
        page.contains(&format!("id=\"award-{bright_response}\"")),
        "{page}"
    );
    let res = buyer
        .post(
            &format!("/briefs/{id}/award"),
            &[("response", &bright_response.to_string()), ("reason", "")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let b = the_brief(&app, id).await;
    assert_eq!(b.status, "standstill");
    assert_eq!(mails_to(&app, &on_lot[1].0, "brief_awarded").await, 1);
    assert_eq!(mails_to(&app, &on_lot[0].0, "brief_debrief").await, 1);
    assert_eq!(mails_to(&app, &on_lot[2].0, "brief_debrief").await, 1);
    // The debrief e-mail holds the scores, the winner's, the count and the failed criterion.
    let debrief = marco_tests::client::last_mail(&app, &on_lot[0].0)
        .await
        .unwrap();
    assert!(
        debrief.text_body.contains("3 suppliers responded"),
        "{}",
        debrief.text_body
    );
    assert!(
        debrief.text_body.contains("of 4, the winner's"),
        "{}",
        debrief.text_body
    );
    assert!(debrief.text_body.contains("You can complain until"));
    let failed = marco_tests::client::last_mail(&app, &on_lot[2].0)
        .await
        .unwrap();
    assert!(
        failed
            .text_body
            .contains("did not meet the essential criterion “Built a public booking service”"),
        "{}",
        failed.text_body
    );

    // The debrief: own scores and the winner's, the count of responses.
    let page = nube
        .get(&format!("/opportunities/{id}/debrief"))
        .await
        .text();
    assert!(page.contains("Not successful"), "{page}");
    assert!(page.contains("Responses received"));
    assert!(page.contains("id=\"debrief-scores\""));
    let page = third
        .get(&format!("/opportunities/{id}/debrief"))
        .await
        .text();
    assert!(
        page.contains("Built a public booking service"),
        "the failed criterion is named: {page}"
    );

    // A complaint holds the contract until the buyer replies.
    let res = nube
        .post(
            &format!("/opportunities/{id}/complaint"),
            &[("complaint", "Our prototype was not given a fair look.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let after = Utc::now() + Duration::days(11);
    marco::briefs::clock::tick(&app.state, after).await.unwrap();
    assert_eq!(
        the_brief(&app, id).await.status,
        "standstill",
        "the contract waits for the reply"
    );
    let complaint = marco::briefs::store::complaints(&app.state.db, id)
        .await
        .unwrap()[0]
        .id;
    let res = buyer
        .post(
            &format!("/briefs/complaints/{complaint}/reply"),
            &[("reply", "Two of five people needed help in your demo.")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    marco::briefs::clock::tick(&app.state, after).await.unwrap();
    assert_eq!(the_brief(&app, id).await.status, "contracted");
    let made = contract::Entity::find()
        .filter(contract::Column::BriefId.eq(id))
        .filter(contract::Column::Route.eq("brief"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the contract");
    assert_eq!(made.supplier_org_id, on_lot[1].1);

    // Every release validates, and the record tells the story from tender to contract.
    let all = releases_of(&app, &b.ocid).await;
    let tags: Vec<String> = all
        .iter()
        .map(|r| r["tag"][0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tags,
        [
            "planning",
            "tenderUpdate",
            "tenderAmendment",
            "tenderUpdate",
            "award",
            "contract"
        ],
        "{tags:?}"
    );
    for r in &all {
        let errors = app.state.publisher.validator().validate_release(r);
        assert!(errors.is_empty(), "{errors:?} in {r}");
    }
    let first = &all[0];
    assert_eq!(first["tender"]["competitive"], true);
    assert_eq!(first["relatedProcesses"][0]["relationship"][0], "framework");
    assert_eq!(
        first["planning"]["businessCase"]["indicators"][0]["target"],
        "70%"
    );
    assert_eq!(first["planning"]["businessCase"]["review"], "approved");
    let award = &all[4];
    let stats = award["bids"]["statistics"].as_array().unwrap();
    let stat = |m: &str| stats.iter().find(|s| s["measure"] == m).unwrap()["value"].clone();
    assert_eq!(stat("bids"), 3);
    assert_eq!(stat("validBids"), 2);
    assert_eq!(stat("disqualifiedBids"), 1);
    let details = award["bids"]["details"].as_array().unwrap();
    assert_eq!(details.len(), 3);
    let priced: Vec<&Value> = details
        .iter()
        .filter(|d| d.get("value").is_some())
        .collect();
    assert_eq!(
        priced.len(),
        1,
        "only the winner's price is published: {details:?}"
    );
    assert_eq!(
        award["awards"][0]["suppliers"][0]["name"],
        "Brightlane Digital"
    );
    assert!(
        !award.to_string().contains("publishes all its code"),
        "response content is never published"
    );
    let record = Client::new(&app)
        .get(&format!("/ocds/records/{}", b.ocid))
        .await;
    assert_eq!(record.status, 200);
    let record = record.json();
    let compiled = &record["records"][0]["compiledRelease"];
    assert_eq!(compiled["tender"]["status"], "complete");
    assert_eq!(compiled["contracts"][0]["status"], "active");
    assert_eq!(
        compiled["relatedProcesses"].as_array().unwrap().len(),
        3,
        "the framework and two challenge orders"
    );
}

use marco::buying::demo::Person;

async fn person(app: &TestApp, email: &str) -> Person {
    marco::buying::demo::person(&app.state, email)
        .await
        .unwrap()
        .expect("a demo person")
}

/// A brief below the review threshold, without a challenge, published, answered by the three
/// suppliers on the lot (the third failing an essential criterion) and opened by the clock.
/// Returns its id.
async fn closed_brief(app: &TestApp, world: &BriefWorld) -> i64 {
    use marco::briefs::{clock, responses};
    let now = Utc::now();
    let id = closed_brief_unopened(app, world).await;
    let b = the_brief(app, id).await;
    for (i, (email, _)) in world.on_lot.iter().enumerate() {
        let supplier = person(app, email).await;
        let input = responses::ResponseInput {
            evidence: (0..4)
                .map(|c| format!("Evidence {c} of supplier {i}"))
                .collect(),
            meets: vec![if i == 2 { "no" } else { "yes" }.into(), "yes".into()],
            price: format!("{}", 40_000_000 + i * 1_000_000),
            available_from: String::new(),
        };
        let mut input = input;
        input.available_from = (now.date_naive() + Duration::days(30)).to_string();
        responses::save(&app.state, supplier.who, id, &input, true, now)
            .await
            .unwrap();
    }
    clock::tick(&app.state, b.closing_at.unwrap() + Duration::minutes(1))
        .await
        .unwrap();
    id
}

fn refused(result: Result<(), marco::briefs::FlowError>, code: &str) {
    match result {
        Err(marco::briefs::FlowError::Refused(c)) => assert_eq!(c, code),
        other => panic!("expected the refusal {code}, got {other:?}"),
    }
}

#[tokio::test]
async fn out_of_turn_moves_are_refused_and_scores_stay_blind_until_submitted() {
    use marco::briefs::{award, evaluation, responses, store};
    use marco::domain::brief::Stage;
    let app = TestApp::new().await;
    let world = brief_world(&app).await;
    let id = closed_brief(&app, &world).await;
    let now = Utc::now();
    let buyer = person(&app, "buyer@compras.demo.gob.cl").await;
    let colleague = person(&app, "approver@compras.demo.gob.cl").await;
    let other_buyer = person(&app, "buyer@digital.demo.gov.uk").await;
    let nube = person(&app, &world.on_lot[0].0).await;
    let b = the_brief(&app, id).await;
    let eligible: Vec<i64> = responses::opened(&app.state.db, &b)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.result.as_deref() == Some("eligible"))
        .map(|r| r.id)
        .collect();
    assert_eq!(eligible.len(), 2);

    // A response after closing.
    let late = responses::ResponseInput {
        evidence: vec!["late".into(); 4],
        meets: vec!["yes".into(); 2],
        price: "1".into(),
        available_from: "2027-01-01".into(),
    };
    refused(
        responses::save(&app.state, nube.who, id, &late, true, now)
            .await
            .map(|_| ()),
        "brief_closed",
    );

    // An award before scoring.
    let award_first = award::Decision::Award {
        response_id: eligible[0],
        reason: String::new(),
    };
    refused(
        award::decide(
            &app.state,
            &buyer.actor(),
            buyer.who,
            &buyer.roles,
            id,
            award_first.clone(),
            now,
        )
        .await,
        "scores_not_agreed",
    );

    // Scoring by someone not on the panel; another organisation does not even see the brief.
    evaluation::name_panel(
        &app.state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        &[buyer.who.user_id, colleague.who.user_id],
        buyer.who.user_id,
        now,
    )
    .await
    .unwrap();
    let sheet: Vec<(String, String)> = (0..4)
        .map(|i| ("3".to_owned(), format!("Blind-{i}")))
        .collect();
    let other_actor = other_buyer.actor();
    match evaluation::score(
        &app.state,
        &other_actor,
        other_buyer.who,
        id,
        Stage::Proposal,
        eligible[0],
        &sheet,
    )
    .await
    {
        Err(marco::briefs::FlowError::NotFound) => {}
        other => panic!("another buyer scored: {other:?}"),
    }
    let outsider_in_org = marco_tests::fixtures::verified_user(
        &app,
        buyer.who.organisation_id,
        "not-on-panel@compras.demo.gob.cl",
        &["buyer_user"],
    )
    .await;
    let outsider = person(&app, "not-on-panel@compras.demo.gob.cl").await;
    assert_eq!(outsider.who.user_id, outsider_in_org);
    refused(
        evaluation::score(
            &app.state,
            &outsider.actor(),
            outsider.who,
            id,
            Stage::Proposal,
            eligible[0],
            &sheet,
        )
        .await,
        "not_on_panel",
    );

    // Blind: the colleague sees none of the buyer's scores until submitting theirs.
    for r in &eligible {
        evaluation::score(
            &app.state,
            &buyer.actor(),
            buyer.who,
            id,
            Stage::Proposal,
            *r,
            &sheet,
        )
        .await
        .unwrap();
    }
    evaluation::submit_scores(
        &app.state,
        &buyer.actor(),
        buyer.who,
        id,
        Stage::Proposal,
        now,
    )
    .await
    .unwrap();
    refused(
        evaluation::score(
            &app.state,
            &buyer.actor(),
            buyer.who,
            id,
            Stage::Proposal,
            eligible[0],
            &sheet,
        )
        .await,
        "scores_submitted",
    );
    let b = the_brief(&app, id).await;
    let seen = store::scores_for(&app.state.db, &b, Stage::Proposal, colleague.who.user_id)
        .await
        .unwrap();
    assert!(seen.is_empty(), "the colleague saw {seen:?}");
    let seen = store::scores_for(&app.state.db, &b, Stage::Proposal, outsider.who.user_id)
        .await
        .unwrap();
    assert!(seen.is_empty(), "someone off the panel saw {seen:?}");
    // The moderator cannot agree while a member has not submitted; nor can anyone else.
    let agreed: std::collections::HashMap<i64, Vec<(String, String)>> =
        eligible.iter().map(|r| (*r, sheet.clone())).collect();
    refused(
        evaluation::agree(
            &app.state,
            &buyer.actor(),
            buyer.who,
            id,
            Stage::Proposal,
            &agreed,
            now,
        )
        .await,
        "panel_not_submitted",
    );
    let colleague_sheet: Vec<(String, String)> = (0..4)
        .map(|i| ("2".to_owned(), format!("Second-{i}")))
        .collect();
    for r in &eligible {
        evaluation::score(
            &app.state,
            &colleague.actor(),
            colleague.who,
            id,
            Stage::Proposal,
            *r,
            &colleague_sheet,
        )
        .await
        .unwrap();
    }
    evaluation::submit_scores(
        &app.state,
        &colleague.actor(),
        colleague.who,
        id,
        Stage::Proposal,
        now,
    )
    .await
    .unwrap();
    let seen = store::scores_for(&app.state.db, &b, Stage::Proposal, colleague.who.user_id)
        .await
        .unwrap();
    assert!(
        seen.iter().any(|s| s.comment == "Blind-0"),
        "once submitted, the others' scores show"
    );
    refused(
        evaluation::agree(
            &app.state,
            &colleague.actor(),
            colleague.who,
            id,
            Stage::Proposal,
            &agreed,
            now,
        )
        .await,
        "not_moderator",
    );
    evaluation::agree(
        &app.state,
        &buyer.actor(),
        buyer.who,
        id,
        Stage::Proposal,
        &agreed,
        now,
    )
    .await
    .unwrap();
    // The failed response cannot be awarded; awarding the second-ranked needs a reason.
    let b = the_brief(&app, id).await;
    let ranked = evaluation::scorable(&app.state.db, &b, Stage::Proposal)
        .await
        .unwrap();
    let second = ranked.iter().find(|r| r.rank == Some(2)).unwrap().id;
    match award::decide(
        &app.state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        award::Decision::Award {
            response_id: second,
            reason: String::new(),
        },
        now,
    )
    .await
    {
        Err(marco::briefs::FlowError::Invalid(fields)) => assert!(fields.contains_key("reason")),
        other => panic!("an override without a reason: {other:?}"),
    }
    // A colleague without can_award cannot award at all.
    let without_award: Vec<marco::domain::roles::Role> = colleague
        .roles
        .iter()
        .copied()
        .filter(|r| *r != marco::domain::roles::Role::CanAward)
        .collect();
    refused(
        award::decide(
            &app.state,
            &colleague.actor(),
            colleague.who,
            &without_award,
            id,
            award_first,
            now,
        )
        .await,
        "not_permitted",
    );
}

#[tokio::test]
async fn a_hundred_concurrent_awards_make_one() {
    use marco::briefs::{award, evaluation};
    use marco::domain::brief::Stage;
    let app = TestApp::new().await;
    let world = brief_world(&app).await;
    let id = closed_brief(&app, &world).await;
    let now = Utc::now();
    let buyer = person(&app, "buyer@compras.demo.gob.cl").await;
    let colleague = person(&app, "approver@compras.demo.gob.cl").await;
    evaluation::name_panel(
        &app.state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        &[buyer.who.user_id, colleague.who.user_id],
        buyer.who.user_id,
        now,
    )
    .await
    .unwrap();
    let b = the_brief(&app, id).await;
    let eligible: Vec<i64> = evaluation::scorable(&app.state.db, &b, Stage::Proposal)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let sheet: Vec<(String, String)> = (0..4)
        .map(|i| ((i % 5).to_string(), "Evidence is clear".to_owned()))
        .collect();
    for p in [&buyer, &colleague] {
        for r in &eligible {
            evaluation::score(
                &app.state,
                &p.actor(),
                p.who,
                id,
                Stage::Proposal,
                *r,
                &sheet,
            )
            .await
            .unwrap();
        }
        evaluation::submit_scores(&app.state, &p.actor(), p.who, id, Stage::Proposal, now)
            .await
            .unwrap();
    }
    let agreed = eligible.iter().map(|r| (*r, sheet.clone())).collect();
    evaluation::agree(
        &app.state,
        &buyer.actor(),
        buyer.who,
        id,
        Stage::Proposal,
        &agreed,
        now,
    )
    .await
    .unwrap();
    let b = the_brief(&app, id).await;
    let first = evaluation::scorable(&app.state.db, &b, Stage::Proposal)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.rank == Some(1))
        .unwrap()
        .id;

    let mut tasks = Vec::new();
    for _ in 0..100 {
        let state = app.state.clone();
        let who = buyer.who;
        let roles = buyer.roles.clone();
        tasks.push(tokio::spawn(async move {
            award::decide(
                &state,
                &marco::briefs::Actor::default(),
                who,
                &roles,
                id,
                award::Decision::Award {
                    response_id: first,
                    reason: String::new(),
                },
                Utc::now(),
            )
            .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(marco::briefs::FlowError::Refused(_)) => {}
            Err(e) => panic!("an award attempt failed badly: {e:?}"),
        }
    }
    assert_eq!(won, 1);
    let awards = release::Entity::find()
        .filter(release::Column::Ocid.eq(b.ocid.as_str()))
        .filter(release::Column::Tags.eq("award"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(awards, 1);
    assert_eq!(the_brief(&app, id).await.awarded_response_id, Some(first));
}

#[tokio::test]
async fn suppliers_hear_of_each_brief_a_daily_digest_or_nothing_and_find_briefs_by_filter() {
    let app = TestApp::new().await;
    let world = brief_world(&app).await;
    // Nube Andina asks for a digest, Brightlane for nothing; the third keeps the default.
    let mut nube = signed_in(&app, &world.on_lot[0].0).await;
    let res = nube.post("/responses/alerts", &[("mode", "digest")]).await;
    assert_eq!(res.status, 303, "{}", res.text());
    let mut bright = signed_in(&app, &world.on_lot[1].0).await;
    assert_eq!(
        bright
            .post("/responses/alerts", &[("mode", "none")])
            .await
            .status,
        303
    );
    assert_eq!(
        bright
            .post("/responses/alerts", &[("mode", "sometimes")])
            .await
            .status,
        422
    );
    assert!(
        bright
            .get("/responses")
            .await
            .text()
            .contains("id=\"mode-none\" type=\"radio\" name=\"mode\" value=\"none\" checked")
    );

    let id = closed_brief_unopened(&app, &world).await;
    assert_eq!(
        mails_to(&app, &world.on_lot[0].0, "brief_published").await,
        0
    );
    assert_eq!(
        mails_to(&app, &world.on_lot[1].0, "brief_published").await,
        0
    );
    assert_eq!(
        mails_to(&app, &world.on_lot[2].0, "brief_published").await,
        1
    );
    // The digest goes out once a day.
    marco::briefs::clock::send_digests(&app.state, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        mails_to(&app, &world.on_lot[0].0, "brief_digest").await,
        0,
        "not a day yet"
    );
    let tomorrow = Utc::now() + Duration::hours(25);
    assert_eq!(
        marco::briefs::clock::send_digests(&app.state, tomorrow)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        marco::briefs::clock::send_digests(&app.state, tomorrow)
            .await
            .unwrap(),
        0
    );
    let digest = marco_tests::client::last_mail(&app, &world.on_lot[0].0)
        .await
        .unwrap();
    assert!(
        digest
            .text_body
            .contains("Renew driving licences without queues"),
        "{}",
        digest.text_body
    );
    assert!(digest.text_body.contains(&format!("/opportunities/{id}")));
    assert_eq!(mails_to(&app, &world.on_lot[1].0, "brief_digest").await, 0);

    // Filters on /opportunities, for anyone.
    let anyone = Client::new(&app);
    let found = |page: &str| page.contains("Renew driving licences without queues");
    let mut anyone = anyone;
    for (query, expected) in [
        ("", true),
        ("?q=licences", true),
        ("?q=hospital", false),
        ("?lot=digital-outcomes", true),
        ("?lot=digital-specialists", false),
        ("?location=santiago", true),
        ("?location=valdivia", false),
        ("?budget_up_to=60000000", true),
        ("?budget_up_to=1000", false),
        ("?status=live", true),
        ("?status=closed", false),
    ] {
        let page = anyone.get(&format!("/opportunities{query}")).await.text();
        assert_eq!(found(&page), expected, "{query}");
    }
    let page = anyone.get("/opportunities?budget_up_to=lots").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Enter an amount"));
}

/// A published brief below the review threshold, still open.
async fn closed_brief_unopened(app: &TestApp, world: &BriefWorld) -> i64 {
    use marco::briefs::drafting;
    let now = Utc::now();
    let buyer = person(app, "buyer@compras.demo.gob.cl").await;
    let id = drafting::create(
        &app.state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        &world.framework,
        "digital-outcomes",
        now,
    )
    .await
    .unwrap();
    let mut draft = marco::domain::brief::draft::Draft::default();
    for (k, v) in form(now.date_naive()) {
        if k != "methods" {
            draft.set(k, v);
        }
    }
    draft.methods = vec!["written_proposal".into()];
    for f in [
        "challenge_stipend",
        "challenge_weeks",
        "challenge_deliverables",
        "challenge_rubric",
        "challenge_weight",
    ] {
        draft.set(f, String::new());
    }
    draft.set("budget_max", "60000000".into());
    draft.set("budget_min", "20000000".into());
    drafting::save(
        &app.state,
        &buyer.actor(),
        buyer.who,
        &buyer.roles,
        id,
        draft,
        now,
    )
    .await
    .unwrap();
    drafting::publish_brief(&app.state, &buyer.actor(), buyer.who, &buyer.roles, id, now)
        .await
        .unwrap();
    id
}
