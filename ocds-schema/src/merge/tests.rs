use serde_json::json;

use super::*;

fn release(id: &str, date: &str, body: Value) -> Value {
    let mut release = json!({"ocid": "ocds-213czf-1", "id": id, "date": date, "tag": ["tender"]});
    if let (Some(target), Value::Object(body)) = (release.as_object_mut(), body) {
        target.extend(body);
    }
    release
}

#[test]
fn null_removes_a_value_but_keeps_its_parent_object() -> Result<(), MergeError> {
    let merger = Merger::new();
    let compiled = merger.compile(&[
        release(
            "1",
            "2020-01-01",
            json!({"tender": {"id": "t", "title": "Pens"}}),
        ),
        release("2", "2020-01-02", json!({"tender": {"title": null}})),
    ])?;
    assert_eq!(compiled["tender"], json!({"id": "t"}));
    Ok(())
}

#[test]
fn identical_dates_merge_in_input_order() -> Result<(), MergeError> {
    let merger = Merger::new();
    let a = release("1", "2020-01-01", json!({"tender": {"title": "A"}}));
    let b = release("2", "2020-01-01", json!({"tender": {"title": "B"}}));
    assert_eq!(
        merger.compile(&[a.clone(), b.clone()])?["tender"]["title"],
        "B"
    );
    assert_eq!(merger.compile(&[b, a])?["tender"]["title"], "A");
    Ok(())
}

#[test]
fn arrays_of_objects_merge_by_id_and_append_new_ids() -> Result<(), MergeError> {
    let merger = Merger::new();
    let compiled = merger.compile(&[
        release(
            "1",
            "2020-01-01",
            json!({"awards": [{"id": "a", "title": "A"}]}),
        ),
        release(
            "2",
            "2020-01-02",
            json!({"awards": [{"id": "b"}, {"id": "a", "status": "active"}]}),
        ),
    ])?;
    assert_eq!(
        compiled["awards"],
        json!([{"id": "a", "title": "A", "status": "active"}, {"id": "b"}])
    );
    Ok(())
}

#[test]
fn versioned_values_record_each_change_with_its_release() -> Result<(), MergeError> {
    let merger = Merger::new();
    let versioned = merger.versioned(&[
        release("1", "2020-01-01", json!({"tender": {"title": "A"}})),
        release("2", "2020-01-02", json!({"tender": {"title": "A"}})),
        release("3", "2020-01-03", json!({"tender": {"title": "B"}})),
    ])?;
    assert_eq!(versioned["ocid"], "ocds-213czf-1");
    let history = &versioned["tender"]["title"];
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    assert_eq!(
        history[1],
        json!({"releaseID": "3", "releaseDate": "2020-01-03", "releaseTag": ["tender"], "value": "B"})
    );
    Ok(())
}

#[test]
fn releases_without_dates_are_rejected() {
    let merger = Merger::new();
    let result = merger.compile(&[json!({"id": "1"}), json!({"id": "2", "date": "x"})]);
    assert_eq!(result, Err(MergeError::BadDate { index: 0 }));
    assert_eq!(
        merger.compile(&[json!([1])]),
        Err(MergeError::NotAnObject { index: 0 })
    );
}

#[test]
fn extension_rules_come_from_the_patched_schema() -> Result<(), Box<dyn std::error::Error>> {
    let core = Merger::new();
    let with_bid = Merger::for_extensions(&["bid"])?;
    let path = |m: &Merger| {
        m.rules()
            .child("bids")
            .and_then(|b| b.child("details"))
            .and_then(|d| d.child("identifiers"))
            .and_then(Rules::rule)
    };
    assert_eq!(path(&core), None);
    assert_eq!(path(&with_bid), Some(Rule::WholeList));
    Ok(())
}

#[test]
fn duplicate_ids_in_one_release_version_only_the_last_value() -> Result<(), MergeError> {
    let merger = Merger::new();
    let versioned = merger.versioned(&[
        release(
            "1",
            "2020-01-01",
            json!({"awards": [{"id": "a", "status": "pending"}]}),
        ),
        release(
            "2",
            "2020-01-02",
            json!({"awards": [{"id": "a", "status": "junk"}, {"id": "a", "status": "active"}]}),
        ),
        release(
            "3",
            "2020-01-03",
            json!({"awards": [{"id": "a", "status": "junk"}, {"id": "a", "status": "active"}]}),
        ),
    ])?;
    let values: Vec<&Value> = versioned["awards"][0]["status"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| &v["value"])
        .collect();
    assert_eq!(values, [&json!("pending"), &json!("active")]);
    Ok(())
}
