//! The challenge issue's acceptance journey, in headless Chromium as new users would do it,
//! with axe-core (WCAG 2.2 AA) on every page along the way: a buyer drafts a brief above the
//! business-case threshold and fails the quality gate twice, then fixes it; a reviewer
//! approves the business case; the buyer publishes; two suppliers ask questions, and a late
//! answer moves the closing date; three suppliers respond and one fails an essential
//! criterion; a panel of two scores blind and the moderator agrees; a challenge stage runs
//! with two suppliers; the buyer awards, and the debriefs arrive; a complaint is raised and
//! answered. The brief's pages are checked in Spanish too.

use chrono::{Duration, Utc};
use fantoccini::Locator;
use marco::entities::brief;
use marco_tests::fixtures::brief_world;
use marco_tests::{Browser, TestServer};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

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

async fn choose(browser: &Browser, select: &str, value: &str) {
    browser
        .click(&format!("#{select} option[value='{value}']"))
        .await;
}

async fn brief_row(server: &TestServer, id: i64) -> brief::Model {
    brief::Entity::find_by_id(id)
        .one(&server.app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Fills the brief form; `changes` overrides fields by id.
async fn fill_brief(browser: &Browser, changes: &[(&str, &str)]) {
    let today = Utc::now().date_naive();
    let deadline = (today + Duration::days(4)).to_string();
    let closing = (today + Duration::days(10)).to_string();
    let fields: Vec<(&str, &str)> = vec![
        ("title", "Renew driving licences without queues"),
        (
            "problem",
            "People wait weeks to renew a licence. Many lose a day of work in the queue.",
        ),
        (
            "users",
            "Drivers across the country, most of them on a phone.",
        ),
        (
            "existing",
            "A phone line on weekdays and queues at each town hall.",
        ),
        (
            "outcome",
            "Most renewals are booked online in under 10 minutes.",
        ),
        ("budget_min", "90000000"),
        ("budget_max", "150000000"),
        ("currency", "CLP"),
        ("location", "Santiago, or remote"),
        ("working", "Two days a week with our team in Santiago."),
        (
            "essential",
            "Built a public booking service\nPublishes its code in the open",
        ),
        ("nice", "Worked with town halls"),
        ("cultural", "Works as one team with our staff"),
        ("weight_technical", "60"),
        ("weight_cultural", "10"),
        ("weight_price", "30"),
        ("shortlist", "2"),
        ("challenge_stipend", "3000000"),
        ("challenge_weeks", "2"),
        (
            "challenge_deliverables",
            "A working prototype in an open repository, and a demo.",
        ),
        (
            "challenge_rubric",
            "The prototype works with test data\nPeople booked without help",
        ),
        ("challenge_weight", "50"),
        ("question_deadline", deadline.as_str()),
        ("closing", closing.as_str()),
        (
            "bc_objective",
            "Simpler public services, as the digital government strategy asks.",
        ),
        (
            "bc_options",
            "Do nothing\nBuy a booking product\nBuild with a framework supplier",
        ),
        ("bc_tco", "2027: 120000000\n2028: 20000000"),
        (
            "bc_benefits",
            "Renewals booked online | 0% | 70% | 2028-06-30",
        ),
        ("bc_risks", "Town hall staff do not take up the new system"),
    ];
    for (id, value) in fields {
        let value = changes
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, v)| *v)
            .unwrap_or(value);
        browser.fill(id, value).await;
    }
}

async fn checked(browser: &Browser, id: &str) -> bool {
    browser
        .client
        .find(Locator::Id(id))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap()
        .as_deref()
        == Some("true")
}

async fn score_all(
    browser: &Browser,
    server: &TestServer,
    id: i64,
    stage: &str,
    scores: &[(i64, Vec<u8>)],
    note: &str,
) {
    open(
        browser,
        server,
        &format!("/briefs/{id}/score/{stage}"),
        "a scoring page",
    )
    .await;
    for (response, values) in scores {
        for (i, s) in values.iter().enumerate() {
            choose(browser, &format!("r{response}_score_{i}"), &s.to_string()).await;
            browser
                .fill(&format!("r{response}_comment_{i}"), &format!("{note} {i}"))
                .await;
        }
        browser
            .click_and_wait(&format!("#save-scores-{response}"))
            .await;
    }
    browser.click_and_wait("#submit-scores").await;
    browser.assert_accessible("submitted scores").await;
}

async fn moderate(browser: &Browser, server: &TestServer, id: i64, stage: &str) {
    open(
        browser,
        server,
        &format!("/briefs/{id}/moderate/{stage}"),
        "the moderation page",
    )
    .await;
    browser.click_and_wait("#agree").await;
    browser.assert_accessible("agreed scores").await;
}

#[tokio::test]
async fn a_brief_from_draft_to_debrief_in_the_browser() {
    let server = TestServer::start().await;
    let app = &server.app;
    let world = brief_world(app).await;
    let browser = Browser::start().await;

    // The buyer starts a brief and fails the quality gate twice.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    open(&browser, &server, "/briefs", "the buyer's briefs").await;
    browser.submit("/briefs").await;
    browser.assert_accessible("the brief form").await;
    let path = browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned();
    let id: i64 = path
        .trim_start_matches("/briefs/")
        .trim_end_matches("/edit")
        .parse()
        .unwrap();
    fill_brief(
        &browser,
        &[
            ("weight_price", "20"),
            ("problem", "We will leverage data to help people."),
        ],
    )
    .await;
    browser
        .click("label[for='method-prototype_challenge']")
        .await;
    browser.click_and_wait("#check-brief").await;
    browser
        .assert_accessible("the brief form with its problems")
        .await;
    let summary = browser.text("#error-summary").await;
    assert!(
        summary.contains("add up to 90") && summary.contains("leverage"),
        "{summary}"
    );
    assert!(
        checked(&browser, "method-prototype_challenge").await,
        "the choice is kept"
    );
    let far = (Utc::now().date_naive() + Duration::days(21)).to_string();
    fill_brief(&browser, &[("closing", far.as_str())]).await;
    browser.click_and_wait("#check-brief").await;
    assert!(
        browser
            .text("#error-summary")
            .await
            .contains("1 or 2 weeks")
    );
    fill_brief(&browser, &[]).await;
    browser.click_and_wait("#check-brief").await;
    browser.assert_accessible("the brief's page").await;
    assert!(browser.text("#notice").await.contains("passes every check"));

    // Above the threshold: the business case goes to review.
    browser
        .submit(&format!("/briefs/{id}/review-request"))
        .await;
    assert!(browser.text("#review-state").await.contains("Waiting"));
    sign_out(&browser, &server).await;
    sign_in(&browser, &server, "reviewer@marco.example").await;
    open(&browser, &server, "/reviews", "the review queue").await;
    open(
        &browser,
        &server,
        &format!("/reviews/{id}"),
        "a business case to review",
    )
    .await;
    browser
        .fill("reason", "The options and costs are sound.")
        .await;
    browser.submit(&format!("/reviews/{id}")).await;
    sign_out(&browser, &server).await;

    // The buyer publishes.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "an approved draft",
    )
    .await;
    browser.submit(&format!("/briefs/{id}/publish")).await;
    assert!(
        browser
            .text("#brief-status")
            .await
            .to_lowercase()
            .contains("open")
    );
    sign_out(&browser, &server).await;

    // Two suppliers ask.
    for (email, question) in [
        (
            &world.on_lot[0].0,
            "Is there a test API for the licence register?",
        ),
        (&world.on_lot[1].0, "Can the prototype use made-up data?"),
    ] {
        sign_in(&browser, &server, email).await;
        open(&browser, &server, "/opportunities", "the opportunities").await;
        open(
            &browser,
            &server,
            &format!("/opportunities/{id}"),
            "a live brief",
        )
        .await;
        browser.fill("question", question).await;
        browser
            .submit(&format!("/opportunities/{id}/questions"))
            .await;
        browser.assert_accessible("a brief after asking").await;
        sign_out(&browser, &server).await;
    }

    // The buyer answers one in time, and one late: the closing date moves.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    let questions = marco::briefs::store::questions(&app.state.db, id)
        .await
        .unwrap();
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "questions to answer",
    )
    .await;
    browser
        .fill(
            &format!("answer-{}", questions[0].id),
            "Yes, with test access.",
        )
        .await;
    browser
        .submit(&format!("/briefs/questions/{}/answer", questions[0].id))
        .await;
    let b = brief_row(&server, id).await;
    // Closing tomorrow at noon: its question deadline (a day earlier) never falls before the
    // day the brief was published, whatever the hour of the run.
    let near = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    let mut draft: serde_json::Value = serde_json::from_str(&b.draft).unwrap();
    draft["question_deadline"] = (near - Duration::days(1)).date_naive().to_string().into();
    draft["closing"] = near.date_naive().to_string().into();
    let mut active = b.into_active_model();
    active.draft = Set(draft.to_string());
    active.closing_at = Set(Some(near));
    active.update(&app.state.db).await.unwrap();
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "a question near closing",
    )
    .await;
    browser
        .fill(
            &format!("answer-{}", questions[1].id),
            "Yes, made-up data is fine.",
        )
        .await;
    browser
        .submit(&format!("/briefs/questions/{}/answer", questions[1].id))
        .await;
    let closing = brief_row(&server, id).await.closing_at.unwrap();
    assert!(
        closing > near + Duration::hours(24),
        "the closing date moved: {closing}"
    );
    assert!(browser.text("#history").await.contains("late answer"));
    sign_out(&browser, &server).await;

    // Three suppliers respond; the third does not meet an essential criterion.
    for (n, (email, _)) in world.on_lot.iter().enumerate() {
        sign_in(&browser, &server, email).await;
        open(
            &browser,
            &server,
            &format!("/opportunities/{id}/respond"),
            "the response form",
        )
        .await;
        for i in 0..4 {
            browser
                .fill(
                    &format!("evidence_{i}"),
                    &format!("Supplier {n}: a specific example for criterion {i}."),
                )
                .await;
        }
        browser
            .click(if n == 2 {
                "label[for='meets_0-no']"
            } else {
                "label[for='meets_0-yes']"
            })
            .await;
        browser.click("label[for='meets_1-yes']").await;
        browser
            .fill("price", ["110000000", "95000000", "80000000"][n])
            .await;
        browser
            .fill(
                "available_from",
                &(Utc::now().date_naive() + Duration::days(30)).to_string(),
            )
            .await;
        browser.click_and_wait("#submit-response").await;
        browser.assert_accessible("a submitted response").await;
        assert!(browser.text("#notice").await.contains("submitted"));
        if n == 0 {
            open(&browser, &server, "/responses", "the supplier's responses").await;
        }
        sign_out(&browser, &server).await;
    }

    // Closing: the clock opens the responses.
    marco::briefs::clock::tick(&app.state, closing + Duration::minutes(1))
        .await
        .unwrap();
    let b = brief_row(&server, id).await;
    let opened = marco::briefs::responses::opened(&app.state.db, &b)
        .await
        .unwrap();
    let response_of = |org: i64| opened.iter().find(|r| r.supplier_org_id == org).unwrap().id;
    let (nube, bright) = (
        response_of(world.on_lot[0].1),
        response_of(world.on_lot[1].1),
    );
    let people = marco::briefs::store::colleagues(&app.state.db, b.buyer_org_id)
        .await
        .unwrap();
    let me = people
        .iter()
        .find(|u| u.email == "buyer@compras.demo.gob.cl")
        .unwrap()
        .id;
    let colleague = people
        .iter()
        .find(|u| u.email == "approver@compras.demo.gob.cl")
        .unwrap()
        .id;

    // The panel: the buyer (moderator) and a colleague.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "opened responses",
    )
    .await;
    assert!(
        browser
            .text("#responses")
            .await
            .contains("Does not meet an essential criterion")
    );
    browser.click(&format!("label[for='member-{me}']")).await;
    browser
        .click(&format!("label[for='member-{colleague}']"))
        .await;
    choose(&browser, "moderator", &me.to_string()).await;
    browser.submit(&format!("/briefs/{id}/panel")).await;
    score_all(
        &browser,
        &server,
        id,
        "proposal",
        &[(nube, vec![4, 4, 3, 3]), (bright, vec![2, 3, 2, 2])],
        "Buyer-note",
    )
    .await;
    sign_out(&browser, &server).await;
    sign_in(&browser, &server, "approver@compras.demo.gob.cl").await;
    open(
        &browser,
        &server,
        &format!("/briefs/{id}/score/proposal"),
        "a blind scoring page",
    )
    .await;
    let page = browser.client.source().await.unwrap();
    assert!(
        !page.contains("Buyer-note"),
        "the colleague sees the buyer's scores before submitting"
    );
    score_all(
        &browser,
        &server,
        id,
        "proposal",
        &[(nube, vec![3, 4, 3, 4]), (bright, vec![2, 2, 2, 3])],
        "Colleague-note",
    )
    .await;
    assert!(
        browser
            .client
            .source()
            .await
            .unwrap()
            .contains("Buyer-note")
    );
    sign_out(&browser, &server).await;

    // The moderator agrees; the challenge runs with the two eligible suppliers.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    moderate(&browser, &server, id, "proposal").await;
    browser.submit(&format!("/briefs/{id}/challenge")).await;
    assert!(
        browser
            .text("#brief-status")
            .await
            .to_lowercase()
            .contains("challenge")
    );
    sign_out(&browser, &server).await;
    for (email, slug) in [(&world.on_lot[0].0, "nube"), (&world.on_lot[1].0, "bright")] {
        sign_in(&browser, &server, email).await;
        open(
            &browser,
            &server,
            &format!("/opportunities/{id}"),
            "a shortlisted supplier's brief",
        )
        .await;
        browser
            .fill(
                "repository",
                &format!("https://git.example.org/{slug}/proto"),
            )
            .await;
        browser
            .fill("demo", &format!("https://demo.example.org/{slug}"))
            .await;
        browser
            .submit(&format!("/opportunities/{id}/prototype"))
            .await;
        sign_out(&browser, &server).await;
    }
    for (email, note) in [
        ("buyer@compras.demo.gob.cl", "B"),
        ("approver@compras.demo.gob.cl", "C"),
    ] {
        sign_in(&browser, &server, email).await;
        score_all(
            &browser,
            &server,
            id,
            "challenge",
            &[(nube, vec![2, 2]), (bright, vec![4, 4])],
            note,
        )
        .await;
        sign_out(&browser, &server).await;
    }

    // The award: the combined ranking puts Brightlane first.
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    moderate(&browser, &server, id, "challenge").await;
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "the award form",
    )
    .await;
    assert!(
        checked(&browser, &format!("award-{bright}")).await,
        "the best-ranked is chosen"
    );
    browser.submit(&format!("/briefs/{id}/award")).await;
    browser.assert_accessible("an awarded brief").await;
    assert!(
        browser
            .text("#brief-status")
            .await
            .to_lowercase()
            .contains("standstill")
    );
    sign_out(&browser, &server).await;

    // The debrief, and a complaint.
    sign_in(&browser, &server, &world.on_lot[0].0).await;
    open(
        &browser,
        &server,
        &format!("/opportunities/{id}/debrief"),
        "a debrief",
    )
    .await;
    assert!(
        browser
            .text("#debrief-scores")
            .await
            .contains("Built a public booking service")
    );
    browser
        .fill("complaint", "Our prototype was not given a fair look.")
        .await;
    browser
        .submit(&format!("/opportunities/{id}/complaint"))
        .await;
    browser
        .assert_accessible("a debrief with a complaint")
        .await;
    sign_out(&browser, &server).await;
    sign_in(&browser, &server, "buyer@compras.demo.gob.cl").await;
    let complaint = marco::briefs::store::complaints(&app.state.db, id)
        .await
        .unwrap()[0]
        .id;
    open(
        &browser,
        &server,
        &format!("/briefs/{id}"),
        "a complaint to answer",
    )
    .await;
    browser
        .fill(
            &format!("reply-{complaint}"),
            "Two of five people needed help in your demo.",
        )
        .await;
    browser
        .submit(&format!("/briefs/complaints/{complaint}/reply"))
        .await;
    browser.assert_accessible("an answered complaint").await;

    // The same pages in Spanish.
    browser
        .client
        .goto(&server.url(&format!("/language/es?next=%2Fbriefs%2F{id}")))
        .await
        .unwrap();
    assert_eq!(browser.attr("html", "lang").await.as_deref(), Some("es"));
    browser
        .assert_accessible("the brief's page in Spanish")
        .await;
    assert!(
        browser
            .text("#brief-status")
            .await
            .to_lowercase()
            .contains("adjudicado")
    );
    open(
        &browser,
        &server,
        &format!("/opportunities/{id}"),
        "the public brief in Spanish",
    )
    .await;
    open(
        &browser,
        &server,
        "/opportunities",
        "the opportunities in Spanish",
    )
    .await;
    browser.close().await;
}
