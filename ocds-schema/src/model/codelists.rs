//! OCDS codelists as enums. Every enum has an `Other(String)` escape: for open codelists it is
//! how local codes are written; for closed codelists it keeps foreign invalid data round-tripping
//! (the validator reports such values, since the schema enforces closed codelists as `enum`s).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Defines a codelist enum with string (de)serialization and an `Other(String)` escape.
macro_rules! codelist {
    ($(#[$meta:meta])* $name:ident, open = $open:expr, { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* #[doc = concat!("`", $code, "`")] $variant,)+
            /// A code not in the codelist.
            Other(String),
        }

        impl $name {
            /// Whether the codelist is open (other codes allowed) or closed.
            pub const OPEN: bool = $open;

            /// The code as written in OCDS data.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $code,)+
                    Self::Other(code) => code,
                }
            }

            /// Whether the code is one of the codelist's own codes.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                match code {
                    $($code => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = String::deserialize(deserializer)?;
                Ok(Self::from(code.as_str()))
            }
        }
    };
}

codelist!(
    /// `releaseTag` (closed): the stage a release describes.
    ReleaseTag, open = false, {
    Planning => "planning", PlanningUpdate => "planningUpdate", Tender => "tender",
    TenderAmendment => "tenderAmendment", TenderUpdate => "tenderUpdate", TenderCancellation => "tenderCancellation",
    Award => "award", AwardUpdate => "awardUpdate", AwardCancellation => "awardCancellation",
    Contract => "contract", ContractUpdate => "contractUpdate", ContractAmendment => "contractAmendment",
    Implementation => "implementation", ImplementationUpdate => "implementationUpdate",
    ContractTermination => "contractTermination", Compiled => "compiled",
});

codelist!(
    /// `initiationType` (closed).
    InitiationType, open = false, { Tender => "tender" });

codelist!(
    /// `partyRole` (open): what an organization does in the process.
    PartyRole, open = true, {
    Buyer => "buyer", ProcuringEntity => "procuringEntity", Supplier => "supplier", Tenderer => "tenderer",
    Funder => "funder", Enquirer => "enquirer", Payer => "payer", Payee => "payee",
    ReviewBody => "reviewBody", InterestedParty => "interestedParty",
});

codelist!(
    /// `tenderStatus` (closed); also the status of lots.
    TenderStatus, open = false, {
    Planning => "planning", Planned => "planned", Active => "active", Cancelled => "cancelled",
    Unsuccessful => "unsuccessful", Complete => "complete", Withdrawn => "withdrawn",
});

codelist!(
    /// `awardStatus` (closed).
    AwardStatus, open = false, { Pending => "pending", Active => "active", Cancelled => "cancelled", Unsuccessful => "unsuccessful" });

codelist!(
    /// `contractStatus` (closed).
    ContractStatus, open = false, { Pending => "pending", Active => "active", Cancelled => "cancelled", Terminated => "terminated" });

codelist!(
    /// `milestoneStatus` (closed).
    MilestoneStatus, open = false, { Scheduled => "scheduled", Met => "met", NotMet => "notMet", PartiallyMet => "partiallyMet" });

codelist!(
    /// `milestoneType` (open).
    MilestoneType, open = true, {
    PreProcurement => "preProcurement", Approval => "approval", Engagement => "engagement", Assessment => "assessment",
    Delivery => "delivery", Reporting => "reporting", Financing => "financing", Payment => "payment",
});

codelist!(
    /// `method` (closed): `tender.procurementMethod`.
    Method, open = false, { Open => "open", Selective => "selective", Limited => "limited", Direct => "direct" });

codelist!(
    /// `procurementCategory` (closed).
    ProcurementCategory, open = false, { Goods => "goods", Works => "works", Services => "services" });

codelist!(
    /// `awardCriteria` (open).
    AwardCriteria, open = true, {
    PriceOnly => "priceOnly", CostOnly => "costOnly", QualityOnly => "qualityOnly", RatedCriteria => "ratedCriteria",
});

codelist!(
    /// `submissionMethod` (open).
    SubmissionMethod, open = true, {
    ElectronicSubmission => "electronicSubmission", ElectronicAuction => "electronicAuction", Written => "written", InPerson => "inPerson",
});

codelist!(
    /// `relatedProcess` (open): how processes relate (`framework` links a call-off to its framework).
    RelatedProcessKind, open = true, {
    Framework => "framework", Planning => "planning", Parent => "parent", Prior => "prior",
    UnsuccessfulProcess => "unsuccessfulProcess", SubContract => "subContract",
    ReplacementProcess => "replacementProcess", RenewalProcess => "renewalProcess",
});

codelist!(
    /// `relatedProcessScheme` (open).
    RelatedProcessScheme, open = true, { Ocid => "ocid" });

codelist!(
    /// `documentType` (open; the common codes).
    DocumentType, open = true, {
    PlannedProcurementNotice => "plannedProcurementNotice", TenderNotice => "tenderNotice", AwardNotice => "awardNotice",
    ContractNotice => "contractNotice", CompletionCertificate => "completionCertificate", ProcurementPlan => "procurementPlan",
    BiddingDocuments => "biddingDocuments", TechnicalSpecifications => "technicalSpecifications",
    EvaluationCriteria => "evaluationCriteria", EvaluationReports => "evaluationReports", ContractDraft => "contractDraft",
    ContractSigned => "contractSigned", ContractArrangements => "contractArrangements", ContractSchedule => "contractSchedule",
    PhysicalProgressReport => "physicalProgressReport", FinancialProgressReport => "financialProgressReport",
    FinalAudit => "finalAudit", HearingNotice => "hearingNotice", MarketStudies => "marketStudies",
    EligibilityCriteria => "eligibilityCriteria", Clarifications => "clarifications", ShortlistedFirms => "shortlistedFirms",
    EnvironmentalImpact => "environmentalImpact", AssetAndLiabilityAssessment => "assetAndLiabilityAssessment",
    RiskProvisions => "riskProvisions", WinningBid => "winningBid", Complaints => "complaints",
    ContractAnnexe => "contractAnnexe", ContractGuarantees => "contractGuarantees", SubContract => "subContract",
    NeedsAssessment => "needsAssessment", FeasibilityStudy => "feasibilityStudy", ProjectPlan => "projectPlan",
    BillOfQuantity => "billOfQuantity", Bidders => "bidders", ConflictOfInterest => "conflictOfInterest",
    Debarments => "debarments", Illustration => "illustration", SubmissionDocuments => "submissionDocuments",
    ContractSummary => "contractSummary", CancellationDetails => "cancellationDetails",
});

codelist!(
    /// `partyScale` (closed, partyDetails_scale extension): the SME flag.
    PartyScale, open = false, {
    Micro => "micro", Sme => "sme", Small => "small", Medium => "medium", Large => "large", SelfEmployed => "selfEmployed",
});

codelist!(
    /// `bidStatus` (closed, bid extension).
    BidStatus, open = false, {
    Invited => "invited", Pending => "pending", Valid => "valid", Disqualified => "disqualified", Withdrawn => "withdrawn",
});

codelist!(
    /// `submissionType` (closed, bid extension).
    SubmissionType, open = false, { Bid => "bid", ExpressionOfInterest => "expressionOfInterest" });

codelist!(
    /// `statistic` (open, bid extension): what a bid statistic measures.
    StatisticMeasure, open = true, {
    Requests => "requests", Bids => "bids", ValidBids => "validBids", DisqualifiedBids => "disqualifiedBids",
    LowestValidBidValue => "lowestValidBidValue", HighestValidBidValue => "highestValidBidValue",
    Bidders => "bidders", QualifiedBidders => "qualifiedBidders", DisqualifiedBidders => "disqualifiedBidders",
    ElectronicBids => "electronicBids", MicroBids => "microBids", SmeBids => "smeBids", SmallBids => "smallBids",
    MediumBids => "mediumBids", ForeignBids => "foreignBids",
});

codelist!(
    /// `frameworkAgreementMethod` (closed, techniques extension).
    FrameworkAgreementMethod, open = false, {
    WithReopeningCompetition => "withReopeningCompetition",
    WithoutReopeningCompetition => "withoutReopeningCompetition",
    WithAndWithoutReopeningCompetition => "withAndWithoutReopeningCompetition",
});

codelist!(
    /// `dynamicPurchasingSystemType` (closed, techniques extension).
    DynamicPurchasingSystemType, open = false, { Open => "open", Closed => "closed" });

codelist!(
    /// `dynamicPurchasingSystemStatus` (closed, techniques extension).
    DynamicPurchasingSystemStatus, open = false, { Pending => "pending", Active => "active", Cancelled => "cancelled", Terminated => "terminated" });

codelist!(
    /// `permission` (closed, submissionTerms extension).
    Permission, open = false, { Required => "required", Allowed => "allowed", NotAllowed => "notAllowed" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_local_codes_round_trip() {
        let tag: ReleaseTag = serde_json::from_str("\"tenderUpdate\"").expect("a string");
        assert_eq!(tag, ReleaseTag::TenderUpdate);
        let role: PartyRole = serde_json::from_str("\"auditor\"").expect("a string");
        assert_eq!(role, PartyRole::Other("auditor".to_owned()));
        assert!(!role.is_known() && PartyRole::OPEN && !ReleaseTag::OPEN);
        assert_eq!(
            serde_json::to_string(&role).expect("serializes"),
            "\"auditor\""
        );
    }
}
