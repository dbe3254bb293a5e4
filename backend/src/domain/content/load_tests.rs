//! Loading content files: the shipped ones load, and every rule names the place it is broken.

use proptest::prelude::*;

use super::*;

/// A small valid file: one lot with the four roles, a filter, and a two-question declaration.
pub(super) const MINIMAL: &str = r#"
[framework]
slug = "test-services"
family = { en = "Test Services", es = "Servicios de Prueba" }
name = { en = "Test Services", es = "Servicios de Prueba" }

[[lots]]
slug = "saas"
name = { en = "Software", es = "Software" }
description = { en = "Software as a service", es = "Software como servicio" }

[[lots.questions]]
id = "name"
type = "text"
role = "name"
label = { en = "Name", es = "Nombre" }
max_length = 20

[[lots.questions]]
id = "summary"
type = "textarea"
role = "description"
label = { en = "Summary", es = "Resumen" }
max_words = 5

[[lots.questions]]
id = "features"
type = "list"
role = "features"
label = { en = "Features", es = "Características" }
max_items = 3
max_length = 20

[[lots.questions]]
id = "price"
type = "price"
role = "price"
filter = true
label = { en = "Price", es = "Precio" }
units = [
  { value = "per-user", en = "per user", es = "por usuario" },
  { value = "per-day", en = "per day", es = "por día" },
]
currencies = ["CLP", "USD"]

[[lots.questions]]
id = "hosting"
type = "choice"
filter = true
label = { en = "Hosting", es = "Alojamiento" }
options = [
  { value = "chile", en = "Chile", es = "Chile" },
  { value = "eu", en = "EU", es = "UE" },
]

[[lots.questions]]
id = "categories"
type = "multichoice"
required = false
filter = true
min_selections = 2
max_selections = 2
label = { en = "Categories", es = "Categorías" }
options = [
  { value = "crm", en = "CRM", es = "CRM" },
  { value = "hr", en = "HR", es = "RR. HH." },
  { value = "email", en = "Email", es = "Correo" },
]

[[lots.questions]]
id = "users"
type = "number"
required = false
integer = true
min = 1
max = 1000
label = { en = "Users", es = "Usuarios" }

[[lots.questions]]
id = "trial"
type = "boolean"
required = false
label = { en = "Free trial", es = "Prueba gratuita" }

[[lots.questions]]
id = "definition"
type = "document"
max_bytes = 1000
label = { en = "Definition", es = "Definición" }

[declaration]

[[declaration.questions]]
id = "fraud"
type = "boolean"
mandatory = true
pass_if = false
label = { en = "Fraud?", es = "¿Fraude?" }

[[declaration.questions]]
id = "insurance"
type = "choice"
pass_if = ["yes", "soon"]
label = { en = "Insured?", es = "¿Asegurado?" }
options = [
  { value = "yes", en = "Yes", es = "Sí" },
  { value = "soon", en = "Soon", es = "Pronto" },
  { value = "no", en = "No", es = "No" },
]
"#;

/// The minimal file with one text replaced, which must be present.
fn with(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "fixture has no {from:?}");
    MINIMAL.replacen(from, to, 1)
}

/// The problems of a file that must be refused as invalid.
fn problems(text: &str) -> Vec<String> {
    match ContentFile::parse(text) {
        Err(ContentError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected invalid, got {other:?}"),
    }
}

fn assert_problem(text: &str, expected: &str) {
    let problems = problems(text);
    assert!(
        problems.iter().any(|p| p == expected),
        "no {expected:?} in {problems:#?}"
    );
}

#[test]
fn the_minimal_file_loads_with_its_defaults() {
    let content = ContentFile::parse(MINIMAL).unwrap();
    assert_eq!(content.framework.slug, "test-services");
    let lot = content.lot("saas").unwrap();
    assert_eq!(lot.questions.len(), 9);
    assert!(
        lot.question("name").unwrap().required,
        "required by default"
    );
    assert!(!lot.question("users").unwrap().required);
    assert_eq!(lot.role(Role::Price).unwrap().id, "price");
    assert_eq!(content.declaration.questions.len(), 2);
    assert!(!content.declaration.questions[1].mandatory);
    assert_eq!(content.hash, content_hash(MINIMAL));
    assert_eq!(content.hash.len(), 64);
}

#[test]
fn both_shipped_content_files_load() {
    let cloud = ContentFile::parse(CLOUD_CONTENT).unwrap();
    let slugs: Vec<_> = cloud.lots.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "cloud-hosting",
            "cloud-platform",
            "cloud-software",
            "cloud-support"
        ]
    );
    assert_eq!(cloud.framework.family.en, "Cloud Services");
    let outcomes = ContentFile::parse(OUTCOMES_CONTENT).unwrap();
    assert_eq!(outcomes.lots.len(), 4);
    assert_eq!(
        outcomes.framework.family.es,
        "Resultados y Especialistas Digitales"
    );
    for content in [&cloud, &outcomes] {
        assert!(content.declaration.questions.iter().any(|q| q.mandatory));
        assert!(content.facets().iter().any(|f| f.kind == FacetKind::Price));
    }
}

#[test]
fn the_content_hash_is_the_sha256_of_the_text() {
    assert_eq!(
        content_hash(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn an_unknown_question_type_names_the_lot_and_question() {
    assert_problem(
        &with(
            "type = \"choice\"\nfilter = true\nlabel = { en = \"Hosting\"",
            "type = \"colour\"\nfilter = true\nlabel = { en = \"Hosting\"",
        ),
        "lot 'saas', question 'hosting': unknown type 'colour'; expected one of text, textarea, \
         number, price, choice, multichoice, boolean, list, document",
    );
}

#[test]
fn duplicate_question_ids_are_refused() {
    assert_problem(
        &with("id = \"hosting\"", "id = \"trial\""),
        "lot 'saas', question 'trial': another question in this lot has the same id",
    );
}

#[test]
fn duplicate_lot_slugs_are_refused() {
    let lot_start = MINIMAL.find("[[lots]]").unwrap();
    let lot_end = MINIMAL.find("[declaration]").unwrap();
    let twice = format!(
        "{}{}{}",
        &MINIMAL[..lot_end],
        &MINIMAL[lot_start..lot_end],
        &MINIMAL[lot_end..]
    );
    assert_problem(&twice, "lot 'saas': another lot has the same slug");
}

#[test]
fn a_missing_role_is_refused() {
    assert_problem(
        &with("role = \"features\"\n", ""),
        "lot 'saas': no question has role 'features'; every lot needs one",
    );
}

#[test]
fn a_role_on_two_questions_is_refused() {
    let text = with(
        "id = \"summary\"\ntype = \"textarea\"\nrole = \"description\"",
        "id = \"summary\"\ntype = \"text\"\nrole = \"name\"",
    );
    let problems = problems(&text);
    assert!(
        problems
            .contains(&"lot 'saas': role 'name' is on several questions: name, summary".to_owned())
    );
    assert!(problems.contains(
        &"lot 'saas': no question has role 'description'; every lot needs one".to_owned()
    ));
}

#[test]
fn a_role_on_the_wrong_type_or_unknown_is_refused() {
    assert_problem(
        &with("role = \"features\"", "role = \"price\""),
        "lot 'saas', question 'features': role 'price' needs a price question, not list",
    );
    assert_problem(
        &with("role = \"features\"", "role = \"colour\""),
        "lot 'saas', question 'features': unknown role 'colour'; expected one of name, \
         description, features, price",
    );
    assert_problem(
        &with(
            "role = \"features\"",
            "role = \"features\"\nrequired = false",
        ),
        "lot 'saas', question 'features': a question with role 'features' must be required",
    );
}

#[test]
fn filter_on_a_type_that_cannot_be_filtered_is_refused() {
    assert_problem(
        &with("role = \"name\"", "role = \"name\"\nfilter = true"),
        "lot 'saas', question 'name': a text question cannot be a search filter; only choice, \
         multichoice, boolean and price can",
    );
}

#[test]
fn searchable_on_a_choice_is_refused() {
    assert_problem(
        &with("id = \"hosting\"", "id = \"hosting\"\nsearchable = true"),
        "lot 'saas', question 'hosting': a choice question cannot be searchable; only text, \
         textarea and list can",
    );
}

#[test]
fn a_choice_without_options_is_refused() {
    let text = with(
        "options = [\n  { value = \"chile\", en = \"Chile\", es = \"Chile\" },\n  { value = \"eu\", en = \"EU\", es = \"UE\" },\n]",
        "",
    );
    assert_problem(
        &text,
        "lot 'saas', question 'hosting': a choice question needs 'options'",
    );
    let empty = with(
        "options = [\n  { value = \"chile\", en = \"Chile\", es = \"Chile\" },\n  { value = \"eu\", en = \"EU\", es = \"UE\" },\n]",
        "options = []",
    );
    assert_problem(
        &empty,
        "lot 'saas', question 'hosting': options must list at least one option",
    );
}

#[test]
fn a_duplicate_option_value_is_refused() {
    assert_problem(
        &with("value = \"eu\"", "value = \"chile\""),
        "lot 'saas', question 'hosting': option 'chile' is listed twice",
    );
}

#[test]
fn min_greater_than_max_is_refused() {
    assert_problem(
        &with("min = 1\nmax = 1000", "min = 10\nmax = 2.5"),
        "lot 'saas', question 'users': min (10) is greater than max (2.5)",
    );
    assert_problem(
        &with("min_selections = 2", "min_selections = 3"),
        "lot 'saas', question 'categories': min_selections (3) is greater than max_selections (2)",
    );
    assert_problem(
        &with("max_selections = 2", "max_selections = 4"),
        "lot 'saas', question 'categories': max_selections (4) is more than the 3 options",
    );
}

#[test]
fn missing_spanish_text_is_refused() {
    assert_problem(
        &with(
            "label = { en = \"Hosting\", es = \"Alojamiento\" }",
            "label = { en = \"Hosting\" }",
        ),
        "lot 'saas', question 'hosting': label: missing Spanish text (es)",
    );
    assert_problem(
        &with("es = \"Servicios de Prueba\" }", "es = \" \" }"),
        "framework: family: missing Spanish text (es)",
    );
    assert_problem(
        &with(
            "{ value = \"eu\", en = \"EU\", es = \"UE\" }",
            "{ value = \"eu\", en = \"EU\" }",
        ),
        "lot 'saas', question 'hosting': option 'eu': missing Spanish text (es)",
    );
}

#[test]
fn a_key_that_does_not_apply_to_the_type_is_refused() {
    assert_problem(
        &with("max_length = 20", "max_length = 20\noptions = []"),
        "lot 'saas', question 'name': 'options' does not apply to a text question",
    );
    assert_problem(
        &with("max_length = 20", "max_length = 0"),
        "lot 'saas', question 'name': 'max_length' must be at least 1",
    );
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let err = ContentFile::parse(&with("max_length = 20", "max_lenght = 20")).unwrap_err();
    assert_eq!(err.code(), "content_syntax");
    let message = err.to_string();
    assert!(message.contains("max_lenght"), "{message}");
    assert!(message.contains("line"), "{message}");
}

#[test]
fn bad_slugs_and_currencies_are_refused() {
    assert_problem(
        &with("slug = \"saas\"", "slug = \"Cloud Software\""),
        "lot 'Cloud Software': slug 'Cloud Software' must start with a lower-case letter and use \
         only a-z, 0-9, '-' and '_' (at most 60 characters)",
    );
    assert_problem(
        &with(
            "currencies = [\"CLP\", \"USD\"]",
            "currencies = [\"pesos\"]",
        ),
        "lot 'saas', question 'price': currency 'pesos' is not a three-letter ISO 4217 code like CLP",
    );
}

#[test]
fn a_price_needs_units() {
    let start = MINIMAL.find("units = [").unwrap();
    let end = MINIMAL.find("currencies").unwrap();
    let text = format!("{}{}", &MINIMAL[..start], &MINIMAL[end..]);
    assert_problem(
        &text,
        "lot 'saas', question 'price': a price question needs 'units', the pricing units",
    );
}

#[test]
fn declaration_rules_are_checked() {
    assert_problem(
        &with("mandatory = true\npass_if = false", "mandatory = true"),
        "declaration, question 'fraud': a mandatory question needs 'pass_if', the answer that passes",
    );
    assert_problem(
        &with(
            "pass_if = [\"yes\", \"soon\"]",
            "pass_if = [\"yes\", \"maybe\"]",
        ),
        "declaration, question 'insurance': 'pass_if' names 'maybe', which is not an option",
    );
    assert_problem(
        &with("pass_if = false", "pass_if = \"no\""),
        "declaration, question 'fraud': 'pass_if' of a boolean question is true or false",
    );
    assert_problem(
        &with(
            "id = \"fraud\"\ntype = \"boolean\"",
            "id = \"fraud\"\ntype = \"list\"",
        ),
        "declaration, question 'fraud': type 'list' cannot be used in the declaration; expected \
         one of boolean, choice, text, textarea",
    );
    assert_problem(
        &with("id = \"insurance\"", "id = \"fraud\""),
        "declaration, question 'fraud': another declaration question has the same id",
    );
    assert_problem(
        &with("max_length = 20", "max_length = 20\nmandatory = true"),
        "lot 'saas', question 'name': 'mandatory' applies only to declaration questions",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = with("role = \"features\"\n", "").replace("es = \"Alojamiento\"", "es = \"\"");
    assert_eq!(problems(&text).len(), 2);
    let err = ContentFile::parse(&text).unwrap_err();
    assert_eq!(err.code(), "content_invalid");
    assert_eq!(err.to_string().lines().count(), 2);
}

#[test]
fn not_toml_and_oversized_files_are_refused() {
    assert_eq!(
        ContentFile::parse("[framework\nslug=").unwrap_err().code(),
        "content_syntax"
    );
    assert_eq!(
        ContentFile::parse(&"#".repeat(600 * 1024)).unwrap_err(),
        ContentError::TooLarge
    );
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = ContentFile::parse(&text);
    }

    #[test]
    fn parsing_toml_like_text_never_panics(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("[framework]".to_owned()),
                Just("[[lots]]".to_owned()),
                Just("[[lots.questions]]".to_owned()),
                Just("[declaration]".to_owned()),
                Just("[[declaration.questions]]".to_owned()),
                "(id|slug|type|role|value) = \"[a-z-]{0,8}\"",
                "(label|name|family|hint) = \\{ en = \"[a-z]{0,5}\"(, es = \"[a-z]{0,5}\")? \\}",
                "(max_length|max_words|min|max|max_items|min_selections|max_selections|max_bytes) = -?[0-9]{1,12}",
                "(required|filter|searchable|mandatory|pass_if|integer) = (true|false)",
                "options = \\[ \\{ value = \"[a-z]{1,4}\", en = \"x\", es = \"y\" \\} \\]",
                "units = \\[\\]",
            ],
            0..40,
        )
    ) {
        let _ = ContentFile::parse(&lines.join("\n"));
    }

    #[test]
    fn mutating_a_valid_file_never_panics(at in 0usize..3000, cut in 0usize..40, insert in "\\PC{0,10}") {
        let mut text = MINIMAL.to_owned();
        let at = at.min(text.len());
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (at + cut).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        let _ = ContentFile::parse(&text);
    }
}
