//! Property tests: merge order independence, single-release merges, model round-trips, and
//! arbitrary input that must give results or errors, never panics.

use ocds_schema::merge::Merger;
use ocds_schema::model::Release;
use ocds_schema::validate::Validator;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A field value: strings, numbers, booleans, or null (null deletes when merging).
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-c]{1,3}".prop_map(Value::from),
        (0_i64..1000).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

/// An object of a few known fields (so that releases overlap and actually merge).
fn object(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(keys), leaf(), 1..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

/// Awards with ids drawn from a small set, so later releases update earlier awards.
fn awards() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(&["a", "b", "c"][..]),
        object(&["title", "status", "date"]),
        1..3,
    )
    .prop_map(|m| {
        Value::Array(
            m.into_iter()
                .map(|(id, mut award)| {
                    award["id"] = Value::from(id);
                    award
                })
                .collect(),
        )
    })
}

/// A release body without its id/date (set by the caller).
fn body() -> impl Strategy<Value = Map<String, Value>> {
    (
        object(&["title", "status", "description"]),
        prop::option::of(awards()),
        prop::option::of(prop::collection::vec("[a-c]", 1..3)),
    )
        .prop_map(|(tender, awards, roles)| {
            let mut body = Map::new();
            body.insert("tender".to_owned(), tender);
            if let Some(awards) = awards {
                body.insert("awards".to_owned(), awards);
            }
            if let Some(roles) = roles {
                body.insert("parties".to_owned(), json!([{"id": "p", "roles": roles}]));
            }
            body
        })
}

fn releases_with_distinct_dates() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(body(), 1..6).prop_map(|bodies| {
        bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let mut release = json!({"ocid": "ocds-213czf-1", "id": format!("r{i}"), "date": format!("2020-01-{:02}T00:00:00Z", i + 1), "tag": ["tender"]});
                if let Some(target) = release.as_object_mut() {
                    target.extend(body);
                }
                release
            })
            .collect()
    })
}

/// Removes `null` members (their parent objects stay), as a merge of one release does.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Arbitrary JSON, keyed with OCDS field names so that typed fields meet wrong types.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z0-9 ]{0,8}".prop_map(Value::from),
    ];
    let keys = prop::sample::select(
        &[
            "ocid", "id", "date", "tag", "tender", "awards", "value", "amount", "currency",
            "parties", "roles", "items", "title", "x",
        ][..],
    );
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..5).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// One validator for all cases (compiling the schemas takes a moment).
fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new::<&str>(&[], Some("ocds-")).expect("schemas compile"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_independent_of_input_order_for_distinct_dates(releases in releases_with_distinct_dates(), seed in any::<u64>()) {
        let merger = Merger::new();
        let mut shuffled = releases.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = usize::try_from(seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)).unwrap_or(0);
            shuffled.swap(i, j);
        }
        prop_assert_eq!(merger.compile(&releases), merger.compile(&shuffled));
        prop_assert_eq!(merger.versioned(&releases), merger.versioned(&shuffled));
    }

    #[test]
    fn the_direct_writer_gives_the_same_json_as_the_values(releases in releases_with_distinct_dates()) {
        let merger = Merger::new();
        for versioned in [false, true] {
            let mut bytes = Vec::new();
            let value = if versioned { merger.versioned(&releases) } else { merger.compile(&releases) }.expect("merges");
            if versioned { merger.write_versioned(&releases, &mut bytes) } else { merger.write_compiled(&releases, &mut bytes) }.expect("writes");
            prop_assert_eq!(serde_json::from_slice::<Value>(&bytes).expect("valid JSON"), value);
        }
    }

    #[test]
    fn merging_one_release_gives_it_back_minus_release_only_fields(releases in releases_with_distinct_dates()) {
        let release = releases[0].clone();
        let compiled = Merger::new().compile(std::slice::from_ref(&release)).expect("merges");
        let mut expected = release.clone();
        strip_nulls(&mut expected);
        expected["id"] = json!(format!("ocds-213czf-1-{}", release["date"].as_str().unwrap_or_default()));
        expected["tag"] = json!(["compiled"]);
        prop_assert_eq!(compiled, expected);
    }

    #[test]
    fn any_json_object_round_trips_through_the_release_model(value in any_json()) {
        let object = match value {
            Value::Object(map) => Value::Object(map),
            other => json!({"ocid": "x", "tender": other}),
        };
        let release: Release = serde_json::from_value(object.clone()).expect("any object is a release");
        prop_assert_eq!(serde_json::to_value(&release).expect("serializes"), object);
    }

    #[test]
    fn arbitrary_input_gives_results_or_errors_never_panics(values in prop::collection::vec(any_json(), 0..4)) {
        let merger = Merger::new();
        let _ = merger.compile(&values);
        let _ = merger.versioned(&values);
        for value in &values {
            let _ = validator().check(value);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parsers(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            let _ = serde_json::from_value::<Release>(value.clone());
            let _ = Merger::new().compile(&[value]);
        }
    }
}
