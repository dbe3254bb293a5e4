//! Marco's ocid scheme. Every ocid starts with the deployment's registered prefix
//! (`MARCO_OCID_PREFIX`), then names the kind of contracting process:
//!
//! | process | ocid | example |
//! | --- | --- | --- |
//! | a framework agreement's set-up (first stage) | `{prefix}-fw-{framework slug}` | `ocds-abc123-fw-cloud-services-2` |
//! | a call-off from a framework (second stage): a catalogue order, a direct award, a mini-competition (brief), or a brief's paid challenge order | `{prefix}-co-{kind}-{number}` with kind `order`, `award`, `brief` or `challenge` | `ocds-abc123-co-order-42` |
//!
//! A call-off is its own contracting process. Its releases carry a `relatedProcesses` entry
//! with the relationship `framework` that points to the framework's ocid
//! ([`framework_link`]), as the OCDS framework agreements guidance describes, and the
//! framework's process is never updated by a call-off.

use ocds_schema::model::{RelatedProcess, RelatedProcessKind, RelatedProcessScheme};

/// The kind of second-stage process, as it appears in the ocid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallOff {
    /// An order from the catalogue at catalogue prices.
    Order,
    /// A direct award after a recorded search.
    DirectAward,
    /// A further competition among the framework's suppliers (a brief).
    Brief,
    /// A paid prototype challenge order given to a brief's shortlisted supplier.
    Challenge,
}

impl CallOff {
    fn code(self) -> &'static str {
        match self {
            CallOff::Order => "order",
            CallOff::DirectAward => "award",
            CallOff::Brief => "brief",
            CallOff::Challenge => "challenge",
        }
    }
}

/// The ocid of a framework's set-up process.
pub fn framework_ocid(prefix: &str, slug: &str) -> String {
    format!("{prefix}-fw-{slug}")
}

/// The ocid of call-off `number` of kind `kind`.
pub fn call_off_ocid(prefix: &str, kind: CallOff, number: i64) -> String {
    format!("{prefix}-co-{}-{number}", kind.code())
}

/// The `relatedProcesses` entry that ties a call-off to its framework.
pub fn framework_link(framework_ocid: &str, framework_name: &str) -> RelatedProcess {
    RelatedProcess {
        id: "framework".to_owned().into(),
        relationship: vec![RelatedProcessKind::Framework].into(),
        title: framework_name.to_owned().into(),
        scheme: RelatedProcessScheme::Ocid.into(),
        identifier: framework_ocid.to_owned().into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocids_name_their_process_under_the_prefix() {
        assert_eq!(
            framework_ocid("ocds-demo00", "cloud-services-2"),
            "ocds-demo00-fw-cloud-services-2"
        );
        assert_eq!(
            call_off_ocid("ocds-demo00", CallOff::Order, 42),
            "ocds-demo00-co-order-42"
        );
        assert_eq!(
            call_off_ocid("ocds-demo00", CallOff::DirectAward, 7),
            "ocds-demo00-co-award-7"
        );
        assert_eq!(
            call_off_ocid("ocds-demo00", CallOff::Brief, 3),
            "ocds-demo00-co-brief-3"
        );
    }

    #[test]
    fn a_call_off_release_linked_to_its_framework_is_valid_ocds() {
        let validator = ocds_schema::validate::Validator::new(
            ocds_schema::schema::MARCO_EXTENSIONS,
            Some("ocds-demo00-"),
        )
        .unwrap();
        let link = serde_json::to_value(framework_link(
            "ocds-demo00-fw-cloud-services-2",
            "Cloud Services 2",
        ))
        .unwrap();
        let release = serde_json::json!({
            "ocid": call_off_ocid("ocds-demo00", CallOff::Order, 1),
            "id": "ocds-demo00-co-order-1-00000001",
            "date": "2026-12-05T12:00:00Z",
            "tag": ["award"],
            "initiationType": "tender",
            "relatedProcesses": [link],
        });
        assert_eq!(validator.validate_release(&release), []);
        assert_eq!(
            release["relatedProcesses"][0]["relationship"][0],
            "framework"
        );
        assert_eq!(release["relatedProcesses"][0]["scheme"], "ocid");
    }
}
