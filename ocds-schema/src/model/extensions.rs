//! Objects added by the extensions Marco publishes: bid, lots, techniques, submissionTerms,
//! partyDetails_scale and organizationClassification.

use super::*;

ocds_object!(
    /// `parties[].details`: scale (partyDetails_scale) and classifications (organizationClassification).
    OrganizationDetails {
        /// Size of the organization (the SME flag).
        scale: PartyScale,
        /// Classifications of the organization.
        classifications: Vec<Classification>,
    }
);

ocds_object!(
    /// `bids` (bid extension): statistics and individual bids.
    Bids {
        /// Aggregate statistics.
        statistics: Vec<Statistic>,
        /// Individual bids.
        details: Vec<Bid>,
    }
);

ocds_object!(
    /// A bid statistic.
    Statistic {
        /// Id.
        id: String,
        /// What is measured.
        measure: StatisticMeasure,
        /// Date.
        date: String,
        /// The statistic (a count or an amount).
        value: serde_json::Number,
        /// Gross value.
        value_gross: serde_json::Number,
        /// Currency of a monetary statistic.
        currency: String,
        /// Notes.
        notes: String,
        /// Related lot.
        related_lot: String,
    }
);

ocds_object!(
    /// A bid.
    Bid {
        /// Id.
        id: String,
        /// Identifiers.
        identifiers: Vec<SimpleIdentifier>,
        /// Bid or expression of interest.
        submission_type: SubmissionType,
        /// Date received.
        date: String,
        /// Description.
        description: String,
        /// Status.
        status: BidStatus,
        /// Items bid for.
        items: Vec<Item>,
        /// Tenderers.
        tenderers: Vec<OrganizationReference>,
        /// Value.
        value: Value,
        /// Validity period.
        validity_period: Period,
        /// Documents.
        documents: Vec<Document>,
        /// Related lots.
        related_lots: Vec<String>,
        /// Countries of origin.
        countries_of_origin: Vec<String>,
        /// Whether the bid is ranked.
        has_rank: bool,
        /// Rank.
        rank: i64,
        /// Whether this is a variant.
        variant: bool,
    }
);

ocds_object!(
    /// An identifier with a scheme (bid and lots extensions).
    SimpleIdentifier {
        /// Scheme.
        scheme: String,
        /// Identifier.
        id: String,
    }
);

ocds_object!(
    /// A lot (lots extension).
    Lot {
        /// Id.
        id: String,
        /// Identifiers.
        identifiers: Vec<SimpleIdentifier>,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Status.
        status: TenderStatus,
        /// Maximum value.
        value: Value,
        /// Minimum value.
        minimum_value: Value,
        /// Tender period.
        tender_period: Period,
        /// Contract period.
        contract_period: Period,
        /// Buyer.
        buyer: OrganizationReference,
        /// Additional classifications.
        additional_classifications: Vec<Classification>,
        /// Main category.
        main_procurement_category: ProcurementCategory,
        /// Additional categories.
        additional_procurement_categories: Vec<String>,
        /// Enquiry period.
        enquiry_period: Period,
        /// Milestones.
        milestones: Vec<Milestone>,
        /// Submission method details.
        submission_method_details: String,
        /// Submission terms.
        submission_terms: SubmissionTerms,
        /// Techniques.
        techniques: Techniques,
    }
);

ocds_object!(
    /// Lot rules (lots extension).
    LotDetails {
        /// Maximum lots a supplier may bid for.
        maximum_lots_bid_per_supplier: serde_json::Number,
        /// Maximum lots a supplier may win.
        maximum_lots_awarded_per_supplier: serde_json::Number,
        /// Award criteria across lots.
        award_criteria_details: String,
    }
);

ocds_object!(
    /// A group of lots (lots extension).
    LotGroup {
        /// Id.
        id: String,
        /// Identifiers.
        identifiers: Vec<SimpleIdentifier>,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Lots in the group.
        related_lots: Vec<String>,
        /// Whether the lots may be combined.
        option_to_combine: bool,
        /// Maximum value.
        maximum_value: Value,
        /// Techniques.
        techniques: Techniques,
    }
);

ocds_object!(
    /// Techniques (techniques extension).
    Techniques {
        /// Whether a framework agreement is set up.
        has_framework_agreement: bool,
        /// The framework agreement.
        framework_agreement: FrameworkAgreement,
        /// Whether a dynamic purchasing system is set up.
        has_dynamic_purchasing_system: bool,
        /// The dynamic purchasing system.
        dynamic_purchasing_system: DynamicPurchasingSystem,
        /// Whether an electronic auction is used.
        has_electronic_auction: bool,
        /// The electronic auction.
        electronic_auction: ElectronicAuction,
    }
);

ocds_object!(
    /// A framework agreement (techniques extension).
    FrameworkAgreement {
        /// Minimum participants.
        minimum_participants: serde_json::Number,
        /// Maximum participants.
        maximum_participants: serde_json::Number,
        /// Reopening of competition.
        method: FrameworkAgreementMethod,
        /// Why the period exceeds the legal maximum.
        period_rationale: String,
        /// Buyers that may use it.
        buyer_categories: String,
        /// Value.
        value: Value,
        /// Period.
        period: Period,
        /// Description.
        description: String,
    }
);

ocds_object!(
    /// A dynamic purchasing system (techniques extension).
    DynamicPurchasingSystem {
        /// Open or closed to new suppliers.
        r#type: DynamicPurchasingSystemType,
        /// Status.
        status: DynamicPurchasingSystemStatus,
    }
);

ocds_object!(
    /// An electronic auction (techniques extension).
    ElectronicAuction {
        /// URL.
        url: String,
        /// Description.
        description: String,
    }
);

ocds_object!(
    /// Submission terms (submissionTerms extension).
    SubmissionTerms {
        /// Electronic submission.
        electronic_submission_policy: Permission,
        /// Variants.
        variant_policy: Permission,
        /// Electronic catalogues.
        electronic_catalogue_policy: Permission,
        /// Languages of submission.
        languages: Vec<String>,
        /// Bid validity period.
        bid_validity_period: Period,
        /// Whether guarantees are required.
        requires_guarantees: bool,
    }
);
