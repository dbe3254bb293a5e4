//! Checks the schema cannot express: ocid prefix, unique release ids, organization references,
//! non-negative amounts and ordered periods.

use std::collections::{HashMap, HashSet};

use chrono::DateTime;
use serde_json::Value;

use super::ValidationError;

/// Roles of each organization id, from the `parties` of a group of releases (one ocid).
pub(super) type PartyRoles<'a> = HashMap<&'a str, Vec<&'a str>>;

/// Collects the parties of releases of one ocid; `None` when none of them has `parties`.
pub(super) fn party_roles<'a>(releases: impl Iterator<Item = &'a Value>) -> Option<PartyRoles<'a>> {
    let mut roles: PartyRoles<'a> = HashMap::new();
    let mut any = false;
    for release in releases {
        let Some(parties) = release.get("parties").and_then(Value::as_array) else {
            continue;
        };
        any = true;
        for party in parties {
            if let Some(id) = party.get("id").and_then(Value::as_str) {
                let party_roles = party
                    .get("roles")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str);
                roles.entry(id).or_default().extend(party_roles);
            }
        }
    }
    any.then_some(roles)
}

/// Appends the per-release checks for `release` found at `pointer`; references are resolved
/// against `roles`, the parties of every release of the same ocid in the document (update
/// releases need not repeat parties that an earlier release declared).
pub(super) fn release(
    release: &Value,
    pointer: &str,
    ocid_prefix: Option<&str>,
    roles: Option<&PartyRoles<'_>>,
    out: &mut Vec<ValidationError>,
) {
    if let (Some(prefix), Some(ocid)) = (ocid_prefix, release.get("ocid").and_then(Value::as_str))
        && !ocid.starts_with(prefix)
    {
        out.push(error(
            format!("{pointer}/ocid"),
            "ocidPrefix",
            format!("ocid {ocid:?} does not start with the prefix {prefix:?}"),
        ));
    }
    if let Some(roles) = roles {
        references(release, pointer, roles, out);
    }
    walk(release, &mut pointer.to_owned(), out);
}

/// Appends an error for each release `id` used twice within one `ocid`.
pub(super) fn unique_ids<'a>(
    releases: impl Iterator<Item = (String, &'a Value)>,
    out: &mut Vec<ValidationError>,
) {
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for (pointer, release) in releases {
        let ocid = release
            .get("ocid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(id) = release.get("id").and_then(Value::as_str)
            && !seen.insert((ocid, id))
        {
            out.push(error(
                format!("{pointer}/id"),
                "uniqueReleaseId",
                format!("release id {id:?} is used by an earlier release of ocid {ocid:?}"),
            ));
        }
    }
}

/// Organization references must point at `parties` entries with the matching role.
fn references(
    release: &Value,
    pointer: &str,
    roles: &PartyRoles<'_>,
    out: &mut Vec<ValidationError>,
) {
    let mut check = |reference: &Value, at: String, role: &str| {
        let Some(id) = reference.get("id").and_then(Value::as_str) else {
            return;
        };
        match roles.get(id) {
            None => out.push(error(format!("{at}/id"), "referenceInParties", format!("organization {id:?} is not in parties"))),
            Some(found) if !found.contains(&role) => out.push(error(
                format!("{at}/id"),
                "partyRole",
                format!("organization {id:?} is referenced as {role} but its parties entry lacks the role {role:?}"),
            )),
            Some(_) => {}
        }
    };
    if let Some(buyer) = release.get("buyer") {
        check(buyer, format!("{pointer}/buyer"), "buyer");
    }
    if let Some(entity) = release.pointer("/tender/procuringEntity") {
        check(
            entity,
            format!("{pointer}/tender/procuringEntity"),
            "procuringEntity",
        );
    }
    for (list, role) in [("awards", "supplier"), ("contracts", "supplier")] {
        for (i, item) in release
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (j, supplier) in item
                .get("suppliers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                check(
                    supplier,
                    format!("{pointer}/{list}/{i}/suppliers/{j}"),
                    role,
                );
            }
        }
    }
    for (j, tenderer) in release
        .pointer("/tender/tenderers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        check(
            tenderer,
            format!("{pointer}/tender/tenderers/{j}"),
            "tenderer",
        );
    }
}

/// Negative `amount`s and periods that end before they start, anywhere in the release.
/// `pointer` is the JSON pointer of `value`; segments are pushed and popped as the walk goes,
/// so no pointer is built for a node that raises nothing.
fn walk(value: &Value, pointer: &mut String, out: &mut Vec<ValidationError>) {
    match value {
        Value::Object(map) => {
            if let Some(amount) = map.get("amount").and_then(Value::as_f64)
                && amount < 0.0
            {
                out.push(error(
                    format!("{pointer}/amount"),
                    "nonNegativeAmount",
                    format!("amount {amount} is negative"),
                ));
            }
            if let (Some(start), Some(end)) = (date(map.get("startDate")), date(map.get("endDate")))
                && end < start
            {
                out.push(error(
                    format!("{pointer}/endDate"),
                    "periodOrder",
                    "the period ends before it starts (endDate is earlier than startDate)"
                        .to_owned(),
                ));
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    push_key(pointer, key);
                    walk(child, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.is_object() || item.is_array() {
                    let len = pointer.len();
                    push_index(pointer, i);
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Appends `/key` to a JSON pointer, escaping `~` and `/`.
pub(super) fn push_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    if key.contains(['~', '/']) {
        pointer.push_str(&escape(key));
    } else {
        pointer.push_str(key);
    }
}

/// Appends `/i` to a JSON pointer.
pub(super) fn push_index(pointer: &mut String, i: usize) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(pointer, "/{i}");
}

fn date(value: Option<&Value>) -> Option<DateTime<chrono::FixedOffset>> {
    value
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn error(pointer: String, rule: &str, message: String) -> ValidationError {
    ValidationError {
        pointer,
        rule: rule.to_owned(),
        message,
    }
}
