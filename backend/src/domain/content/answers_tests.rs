//! Checking submitted answers against a lot, storing them as JSON, and reading them back.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::super::load_tests::MINIMAL;
use super::super::{CLOUD_CONTENT, ContentFile, FacetKind, Lot};
use super::*;

fn lot() -> Lot {
    ContentFile::parse(MINIMAL).unwrap().lots.remove(0)
}

fn form(pairs: &[(&str, &str)]) -> FormValues {
    form_values(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )
}

fn complete_form() -> FormValues {
    form(&[
        ("csrf", "token"),
        ("name", "  Mail  "),
        ("summary", "Email for\r\npublic bodies"),
        ("features", "Spam filter\nArchive"),
        ("features", "Calendar"),
        ("price", "1500,50"),
        ("price.unit", "per-user"),
        ("hosting", "chile"),
        ("categories", "hr"),
        ("categories", "crm"),
        ("users", "250"),
        ("trial", "yes"),
    ])
}

fn error_code(form: &FormValues, id: &str) -> &'static str {
    let errors = lot().validate_complete(form).unwrap_err();
    errors.get(id).map(AnswerError::code).unwrap_or("none")
}

#[test]
fn a_complete_form_gives_typed_answers() {
    let answers = lot().validate_complete(&complete_form()).unwrap();
    assert_eq!(answers.get("name"), Some(&AnswerValue::Text("Mail".into())));
    assert_eq!(
        answers.get("summary"),
        Some(&AnswerValue::Text("Email for\npublic bodies".into()))
    );
    assert_eq!(
        answers.get("features"),
        Some(&AnswerValue::List(vec![
            "Spam filter".into(),
            "Archive".into(),
            "Calendar".into()
        ]))
    );
    let Some(AnswerValue::Price(price)) = answers.get("price") else {
        panic!("no price")
    };
    assert_eq!(price.amount.to_string(), "1500.50");
    assert_eq!(
        (price.unit.as_str(), price.currency.as_str()),
        ("per-user", "CLP")
    );
    assert_eq!(
        answers.get("categories"),
        Some(&AnswerValue::Multi(vec!["crm".into(), "hr".into()])),
        "in the content file's order"
    );
    assert_eq!(answers.get("users"), Some(&AnswerValue::Number(250.into())));
    assert_eq!(answers.get("trial"), Some(&AnswerValue::Bool(true)));
    assert!(answers.get("csrf").is_none());
}

#[test]
fn answers_round_trip_through_json() {
    let answers = lot().validate_complete(&complete_form()).unwrap();
    let json = answers.to_json();
    assert!(json.contains(r#""price":{"type":"price","value":{"amount":"1500.50","unit":"per-user","currency":"CLP"}}"#), "{json}");
    assert_eq!(Answers::from_json(&json).unwrap(), answers);
}

#[test]
fn stored_answers_refill_a_form_that_validates_to_the_same_answers() {
    let lot = lot();
    let answers = lot.validate_complete(&complete_form()).unwrap();
    assert_eq!(lot.validate_complete(&answers.to_form()).unwrap(), answers);
}

#[test]
fn a_draft_may_be_incomplete_but_a_submission_may_not() {
    let lot = lot();
    let draft = form(&[("name", "Mail"), ("categories", "hr")]);
    let answers = lot.validate_partial(&draft).unwrap();
    assert_eq!(answers.0.len(), 2, "too few categories are kept in a draft");
    assert_eq!(lot.unanswered(&answers).len(), 4);
    let errors = lot.validate_complete(&draft).unwrap_err();
    for id in ["summary", "features", "price", "hosting"] {
        assert_eq!(errors[id].code(), "required", "{id}");
    }
    assert_eq!(errors["categories"], AnswerError::TooFewSelected { min: 2 });
    assert!(!errors.contains_key("users"), "optional");
    assert!(
        !errors.contains_key("definition"),
        "documents are checked apart"
    );
}

#[test]
fn a_price_with_letters_is_refused_with_a_clear_message() {
    let mut form = complete_form();
    form.insert("price".into(), vec!["1500 pesos".into()]);
    assert_eq!(error_code(&form, "price"), "price_format");
    let errors = lot().validate_partial(&form).unwrap_err();
    assert!(errors["price"].message("en").contains("without letters"));
    assert!(errors["price"].message("es").contains("sin letras"));
}

#[test]
fn a_price_needs_a_known_unit_and_currency() {
    let mut form = complete_form();
    form.remove("price.unit");
    assert_eq!(error_code(&form, "price"), "pricing_unit");
    form.insert("price.unit".into(), vec!["per-galaxy".into()]);
    assert_eq!(error_code(&form, "price"), "pricing_unit");
    form.insert("price.unit".into(), vec!["per-day".into()]);
    form.insert("price.currency".into(), vec!["EUR".into()]);
    assert_eq!(error_code(&form, "price"), "currency");
    form.insert("price.currency".into(), vec!["USD".into()]);
    assert!(lot().validate_complete(&form).is_ok());
}

#[test]
fn limits_are_enforced_per_type() {
    let cases: &[(&str, &str, &str)] = &[
        ("name", "A name much longer than twenty", "too_long"),
        ("summary", "one two three four five six", "too_many_words"),
        ("features", "a\nb\nc\nd", "too_many_items"),
        ("features", "an item longer than twenty", "item_too_long"),
        ("hosting", "mars", "unknown_option"),
        ("categories", "spam", "unknown_option"),
        ("users", "12.5", "not_a_whole_number"),
        ("users", "twelve", "not_a_number"),
        ("users", "0", "below_minimum"),
        ("users", "1001", "above_maximum"),
        ("trial", "maybe", "not_yes_or_no"),
        ("price", "1.999", "price_precision"),
    ];
    for (id, value, code) in cases {
        let mut form = complete_form();
        form.insert((*id).into(), vec![(*value).into()]);
        assert_eq!(error_code(&form, id), *code, "{id} = {value:?}");
    }
    let mut form = complete_form();
    form.insert(
        "categories".into(),
        vec!["crm".into(), "hr".into(), "email".into()],
    );
    assert_eq!(error_code(&form, "categories"), "too_many_selected");
    form.insert("hosting".into(), vec!["chile".into(), "eu".into()]);
    assert_eq!(error_code(&form, "hosting"), "more_than_one_value");
}

#[test]
fn every_error_has_a_message_in_both_languages() {
    let errors = [
        AnswerError::Required,
        AnswerError::TooLong { max: 3 },
        AnswerError::BelowMinimum { min: 1.into() },
        AnswerError::PriceFormat,
        AnswerError::ItemTooManyWords { max: 10 },
    ];
    for err in errors {
        assert_ne!(err.message("en"), err.message("es"), "{err:?}");
        assert!(!err.code().contains(char::is_uppercase));
    }
}

#[test]
fn required_documents_are_checked_from_the_uploads() {
    let lot = lot();
    let errors = lot.check_documents(&BTreeSet::new()).unwrap_err();
    assert_eq!(errors["definition"].code(), "required");
    assert!(
        lot.check_documents(&BTreeSet::from(["definition".to_owned()]))
            .is_ok()
    );
}

#[test]
fn the_summary_facets_and_search_text_come_from_the_roles_and_flags() {
    let content = ContentFile::parse(CLOUD_CONTENT).unwrap();
    let lot = content.lot("cloud-software").unwrap();
    let form = form(&[
        ("service-name", "Casos"),
        ("service-summary", "Case management for municipalities"),
        ("service-features", "Workflows\nReports"),
        ("service-benefits", "Faster answers"),
        ("categories", "case-management"),
        ("price", "25000"),
        ("price.unit", "per-user"),
        ("deployment-model", "public"),
        ("data-location", "chile"),
        ("free-trial", "false"),
        ("security-accreditations", "iso-27001"),
        ("support-24-7", "true"),
    ]);
    let answers = lot.validate_complete(&form).unwrap();
    let summary = lot.summary(&answers);
    assert_eq!(summary.name, Some("Casos"));
    assert_eq!(
        summary.description,
        Some("Case management for municipalities")
    );
    assert_eq!(summary.features, ["Workflows", "Reports"]);
    assert_eq!(summary.price.unwrap().amount, 25000.into());
    let facets = lot.facet_values(&answers);
    assert_eq!(facets["categories"], ["case-management"]);
    assert_eq!(facets["price"], ["per-user"]);
    assert_eq!(facets["free-trial"], ["false"]);
    assert!(lot.search_text(&answers).contains(&"Faster answers"));
    let shown = lot.display(&answers, "es");
    let price = shown.iter().find(|d| d.id == "price").unwrap();
    assert_eq!(
        price.values,
        ["CLP 25.000 por usuario"],
        "grouped the reader's way"
    );
    let trial = shown.iter().find(|d| d.id == "free-trial").unwrap();
    assert_eq!(trial.values, ["No"]);
    let categories = shown.iter().find(|d| d.id == "categories").unwrap();
    assert_eq!(categories.values, ["Gestión de casos"]);
}

#[test]
fn framework_facets_merge_lots_by_question_id() {
    let content = ContentFile::parse(CLOUD_CONTENT).unwrap();
    let facets = content.facets();
    let categories = facets.iter().find(|f| f.id == "categories").unwrap();
    assert_eq!(categories.lots.len(), 4);
    assert!(categories.options.iter().any(|o| o.value == "crm"));
    assert!(categories.options.iter().any(|o| o.value == "compute"));
    let price = facets.iter().find(|f| f.id == "price").unwrap();
    assert_eq!(price.kind, FacetKind::Price);
    assert_eq!(price.options.len(), 7);
    let location = facets.iter().find(|f| f.id == "data-location").unwrap();
    assert_eq!(
        location.lots,
        ["cloud-hosting", "cloud-platform", "cloud-software"]
    );
    assert_eq!(facets.iter().filter(|f| f.id == "categories").count(), 1);
}

fn answer_value() -> impl Strategy<Value = AnswerValue> {
    let text = "[^\u{0}]{0,30}";
    prop_oneof![
        text.prop_map(AnswerValue::Text),
        (any::<i64>(), 0u32..10)
            .prop_map(|(n, scale)| { AnswerValue::Number(rust_decimal::Decimal::new(n, scale)) }),
        (0u64..1_000_000_000, "[a-z-]{1,10}", "[A-Z]{3}").prop_map(|(cents, unit, currency)| {
            AnswerValue::Price(Price {
                amount: rust_decimal::Decimal::new(cents as i64, 2),
                unit,
                currency,
            })
        }),
        text.prop_map(AnswerValue::Choice),
        proptest::collection::vec(text, 0..4).prop_map(AnswerValue::Multi),
        any::<bool>().prop_map(AnswerValue::Bool),
        proptest::collection::vec(text, 0..4).prop_map(AnswerValue::List),
    ]
}

proptest! {
    #[test]
    fn any_answers_round_trip_through_json(
        answers in proptest::collection::btree_map("[a-z-]{1,12}", answer_value(), 0..8)
    ) {
        let answers = Answers(answers);
        prop_assert_eq!(Answers::from_json(&answers.to_json()).unwrap(), answers);
    }

    #[test]
    fn any_valid_price_is_kept_exactly(cents in 0u64..100_000_000_000, comma: bool) {
        let mut text = format!("{}.{:02}", cents / 100, cents % 100);
        if comma {
            text = text.replace('.', ",");
        }
        let mut form = complete_form();
        form.insert("price".into(), vec![text]);
        let answers = lot().validate_complete(&form).unwrap();
        let Some(AnswerValue::Price(price)) = answers.get("price") else {
            panic!("no price")
        };
        prop_assert_eq!(price.amount, rust_decimal::Decimal::new(cents as i64, 2));
        prop_assert_eq!(lot().validate_complete(&answers.to_form()).unwrap(), answers);
    }

    #[test]
    fn validating_arbitrary_forms_never_panics(
        pairs in proptest::collection::vec(
            ("(name|summary|features|price|price.unit|price.currency|hosting|categories|users|trial)", "\\PC{0,40}"),
            0..20,
        )
    ) {
        let form = form_values(pairs);
        let lot = lot();
        let _ = lot.validate_partial(&form);
        if let Ok(answers) = lot.validate_complete(&form) {
            prop_assert_eq!(lot.validate_complete(&answers.to_form()).unwrap(), answers);
        }
    }
}
