//! Organisations as OCDS parties, for every flow that publishes: the party entry with its
//! identifier, address, roles and (for suppliers) `details.scale`, and references to it.
//! Built from the `ocds-schema` models. Only organisations are parties: people never are.

use ocds_schema::model::{
    Address, Id, Identifier, Organization, OrganizationDetails, OrganizationReference, PartyRole,
    PartyScale,
};
use serde_json::Value;

use crate::entities::organisation;

/// The stable party id of an organisation: its identifier scheme and id
/// (`CL-RUT-76086428-5`), the same in every process that names it.
pub fn party_id(org: &organisation::Model) -> String {
    format!("{}-{}", org.identifier_scheme, org.identifier_id)
}

/// The OCDS `details.scale` of an organisation, when it declared one.
pub fn scale(org: &organisation::Model) -> Option<PartyScale> {
    match org.scale.as_deref()? {
        code @ ("micro" | "small" | "medium" | "large") => Some(PartyScale::from(code)),
        _ => None,
    }
}

/// The `parties` entry of an organisation with `roles`. The scale is published for
/// suppliers, where it is what the SME share of spending is measured by.
pub fn party(org: &organisation::Model, roles: &[PartyRole]) -> Organization {
    let details = scale(org)
        .filter(|_| roles.contains(&PartyRole::Supplier))
        .map(|scale| OrganizationDetails {
            scale: scale.into(),
            ..Default::default()
        });
    Organization {
        id: party_id(org).into(),
        name: org.name.clone().into(),
        identifier: Identifier {
            scheme: org.identifier_scheme.clone().into(),
            id: Id::String(org.identifier_id.clone()).into(),
            legal_name: org.legal_name.clone().into(),
            ..Default::default()
        }
        .into(),
        address: Address {
            country_name: org.country_code.clone().into(),
            locality: org.locality.clone().into(),
            ..Default::default()
        }
        .into(),
        roles: roles.to_vec().into(),
        details: details.into(),
        ..Default::default()
    }
}

/// A reference to an organisation's `parties` entry (`buyer`, `procuringEntity`,
/// `suppliers`).
pub fn reference(org: &organisation::Model) -> OrganizationReference {
    OrganizationReference {
        id: Id::String(party_id(org)).into(),
        name: org.name.clone().into(),
        ..Default::default()
    }
}

/// A model as the JSON of a release body.
pub fn to_value(model: &impl serde::Serialize) -> Value {
    serde_json::to_value(model).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supplier() -> organisation::Model {
        organisation::Model {
            id: 7,
            kind: "supplier".into(),
            name: "Nube Andina".into(),
            legal_name: "Nube Andina SpA".into(),
            identifier_scheme: "CL-RUT".into(),
            identifier_id: "76086428-5".into(),
            street_address: Some("Av. Providencia 1234".into()),
            locality: Some("Santiago".into()),
            region: None,
            postal_code: None,
            country_code: "CL".into(),
            scale: Some("small".into()),
            email_domains: String::new(),
            created_at: chrono::Utc::now(),
            suspended_at: None,
            suspended_reason: None,
        }
    }

    #[test]
    fn a_supplier_party_carries_its_identifier_address_roles_and_scale() {
        let party = to_value(&party(&supplier(), &[PartyRole::Supplier]));
        assert_eq!(
            party,
            serde_json::json!({
                "id": "CL-RUT-76086428-5",
                "name": "Nube Andina",
                "identifier": {"scheme": "CL-RUT", "id": "76086428-5", "legalName": "Nube Andina SpA"},
                "address": {"countryName": "CL", "locality": "Santiago"},
                "roles": ["supplier"],
                "details": {"scale": "small"},
            })
        );
        // The street address is a place of work, kept out like every contact detail.
        assert!(!party.to_string().contains("Providencia"));
    }

    #[test]
    fn scale_is_published_for_suppliers_only_and_only_from_the_codelist() {
        let buyer = to_value(&party(&supplier(), &[PartyRole::Buyer]));
        assert!(buyer.get("details").is_none());
        let mut odd = supplier();
        odd.scale = Some("huge".into());
        assert!(
            to_value(&party(&odd, &[PartyRole::Supplier]))
                .get("details")
                .is_none()
        );
        assert_eq!(
            to_value(&reference(&supplier())),
            serde_json::json!({"id": "CL-RUT-76086428-5", "name": "Nube Andina"})
        );
    }
}
