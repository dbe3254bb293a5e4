//! Pages speak to people (issue 18): across the demo, as a visitor and in every role, in
//! English and Spanish, no page shows a raw role code, a slug where a facet label belongs, or
//! an amount of money without its currency's grouping ("CLP 1642545").

use marco_tests::{Client, TestApp};

const ROLE_CODES: &[&str] = &[
    "framework_manager",
    "platform_admin",
    "category_reviewer",
    "buyer_admin",
    "buyer_user",
    "supplier_admin",
    "supplier_user",
    "can_publish_briefs",
    "can_award",
    "can_approve_orders",
    "can_answer_questions",
];

/// The text a person reads: tags, scripts and styles removed, a few entities decoded.
fn visible(html: &str) -> String {
    let mut kept = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script").or_else(|| rest.find("<style")) {
        kept.push_str(&rest[..at]);
        rest = rest[at..].find("</").map_or("", |end| &rest[at + end..]);
    }
    kept.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    for c in kept.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// An amount after a currency code with four or more digits in a row: not grouped.
fn ungrouped(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|w| {
        let code = w[0];
        let digits = w[1].trim_end_matches(['.', ',', ')', ';']);
        (["CLP", "GBP", "USD", "EUR"].contains(&code)
            && digits.len() >= 4
            && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{code} {digits}"))
    })
}

fn check(path: &str, lang: &str, html: &str) {
    let text = visible(html);
    for code in ROLE_CODES {
        assert!(
            !text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(|w| w == *code),
            "{path} ({lang}) shows the role code {code}"
        );
    }
    if let Some(amount) = ungrouped(&text) {
        panic!("{path} ({lang}) shows {amount} without grouping");
    }
}

/// Facet labels on the catalogue are words, never slugs such as `agile-delivery`.
fn check_facets(html: &str) {
    for piece in html.split("class=\"usa-checkbox__label\"").skip(1) {
        let label = piece
            .split_once('>')
            .map(|(_, rest)| rest.split('<').next().unwrap_or_default().trim().to_owned())
            .unwrap_or_default();
        let name = label.split(" (").next().unwrap_or_default();
        let slug = name.contains('-')
            && !name.contains(' ')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(!slug, "the facet label {label:?} is a slug");
    }
}

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

#[tokio::test]
async fn no_page_shows_role_codes_slugs_or_ungrouped_amounts() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    marco::frameworks::demo::load(&app.state).await.unwrap();
    marco::buying::demo::load(&app.state).await.unwrap();
    marco::briefs::demo::load(&app.state).await.unwrap();
    marco::contracts::demo::load(&app.state).await.unwrap();
    marco::search::drain_once(&app.state).await.unwrap();

    let mut visitor = Client::new(&app);
    let catalogue = visitor.get("/catalogue").await.text();
    check_facets(&catalogue);
    let first_of = |html: &str, prefix: &str| -> Vec<String> {
        html.split("href=\"")
            .filter(|s| s.starts_with(prefix))
            .map(|s| s[..s.find('"').unwrap_or(0)].to_owned())
            .take(3)
            .collect()
    };
    let mut public: Vec<String> = vec![
        "/".into(),
        "/catalogue".into(),
        "/catalogue?q=backup".into(),
        "/frameworks".into(),
        "/contracts".into(),
        "/opportunities".into(),
        "/open-data".into(),
    ];
    public.extend(first_of(&catalogue, "/services/"));
    public.extend(first_of(&catalogue, "/suppliers/"));
    let contracts = visitor.get("/contracts").await.text();
    public.extend(first_of(&contracts, "/contracts/"));
    let opportunities = visitor.get("/opportunities").await.text();
    public.extend(first_of(&opportunities, "/opportunities/"));
    let mut checked = 0;
    for lang in ["en", "es"] {
        visitor.language = lang.into();
        for path in &public {
            let res = visitor.get(path).await;
            assert_eq!(res.status, 200, "{path}");
            check(path, lang, &res.text());
            checked += 1;
        }
        check_facets(&visitor.get("/catalogue").await.text());
    }
    for email in [
        "buyer@compras.demo.gob.cl",
        "approver@compras.demo.gob.cl",
        "supplier@nubeandina.example",
        "manager@marco.example",
        "reviewer@marco.example",
    ] {
        let mut person = signed_in(&app, email).await;
        let dashboard = person.get("/dashboard").await.text();
        let mut pages: Vec<String> = vec!["/dashboard".into(), "/account".into()];
        // Every section the header offers this person, and what their dashboard links to.
        for link in dashboard.split("href=\"").skip(1) {
            let href = &link[..link.find('"').unwrap_or(0)];
            if href.starts_with('/')
                && !href.starts_with("/static")
                && !href.starts_with("/language")
                && !href.contains(".csv")
                && !href.starts_with("/ocds")
                && !pages.iter().any(|p| p == href)
            {
                pages.push(href.to_owned());
            }
        }
        for lang in ["en", "es"] {
            person.language = lang.into();
            for path in &pages {
                let res = person.get(path).await;
                if res.status == 200 {
                    check(path, lang, &res.text());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 60, "{checked} pages checked");
}

#[test]
fn the_checks_catch_what_they_look_for() {
    assert_eq!(
        ungrouped("Total: CLP 1642545 per user").as_deref(),
        Some("CLP 1642545")
    );
    assert_eq!(ungrouped("Total: CLP 1,642,545 or CLP 1.642.545"), None);
    assert!(
        std::panic::catch_unwind(|| check("/x", "en", "<p>Roles: framework_manager</p>")).is_err()
    );
    assert!(std::panic::catch_unwind(|| check("/x", "en", "<p>Framework manager</p>")).is_ok());
    assert!(
        std::panic::catch_unwind(|| check_facets(
            "<label class=\"usa-checkbox__label\" for=\"x\">agile-delivery (3)</label>"
        ))
        .is_err()
    );
    assert!(
        std::panic::catch_unwind(|| check_facets(
            "<label class=\"usa-checkbox__label\" for=\"x\">Agile delivery (3)</label>"
        ))
        .is_ok()
    );
}

#[tokio::test]
async fn small_frictions_are_gone() {
    let app = TestApp::new().await;
    // /ocds in a browser leads to the page that explains the feeds; a program gets a map.
    let browser = app
        .send(
            http::Request::get("/ocds")
                .header("accept", "text/html,application/xhtml+xml")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(browser.status, 303);
    assert_eq!(browser.header("location").as_deref(), Some("/open-data"));
    let program = app.get("/ocds").await;
    assert_eq!(program.status, 200);
    assert!(
        program.json()["releases"]
            .as_str()
            .unwrap()
            .ends_with("/ocds/releases")
    );
    // Buyer sign-up offers the registers as a list, like supplier sign-up.
    let form = app.get("/register/buyer").await.text();
    assert!(
        form.contains("<select class=\"usa-select\" id=\"scheme\" name=\"scheme\">"),
        "{form}"
    );
    assert!(form.contains("value=\"GB-GOR\""));
    // An empty sign-up names each missing field instead of repeating one generic message.
    for (lang, expected) in [
        (
            "en",
            [
                "Enter your full name",
                "Enter the legal name of the company",
            ],
        ),
        (
            "es",
            [
                "Ingrese su nombre completo",
                "Ingrese la razón social de la empresa",
            ],
        ),
    ] {
        let mut client = Client::new(&app);
        client.language = lang.into();
        client.get("/register/supplier").await;
        let res = client.post("/register/supplier", &[]).await;
        let page = res.text();
        assert!(page.contains("error-summary"), "{page}");
        for message in expected {
            assert!(page.contains(message), "{lang}: {message}");
        }
        assert!(!page.contains("Enter this information"), "{lang}");
        assert!(!page.contains("Ingrese esta información"), "{lang}");
    }
}
