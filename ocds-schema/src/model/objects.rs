//! The objects of the OCDS 1.1.5 release schema (deprecated fields included, so old data parses).

use super::{
    Amount, AwardCriteria, AwardStatus, Bids, ContractStatus, DocumentType, Field, Id,
    InitiationType, Lot, LotDetails, LotGroup, Method, MilestoneStatus, MilestoneType,
    OrganizationDetails, PartyRole, ProcurementCategory, RelatedProcessKind, RelatedProcessScheme,
    ReleaseTag, SubmissionMethod, SubmissionTerms, Techniques, TenderStatus, ocds_object,
};

ocds_object!(
    /// A release: information about one stage of a contracting process.
    Release {
        /// Open Contracting ID: registered prefix plus a local identifier.
        ocid: String,
        /// Release id, unique within the ocid.
        id: String,
        /// Release date (RFC 3339).
        date: String,
        /// Stages this release describes.
        tag: Vec<ReleaseTag>,
        /// Always `tender`.
        initiation_type: InitiationType,
        /// Organizations involved, with their roles.
        parties: Vec<Organization>,
        /// The buyer, pointing into `parties`.
        buyer: OrganizationReference,
        /// Planning information.
        planning: Planning,
        /// The tender.
        tender: Tender,
        /// Awards.
        awards: Vec<Award>,
        /// Contracts.
        contracts: Vec<Contract>,
        /// Language of the text (ISO 639-1).
        language: String,
        /// Related processes (e.g. the framework of a call-off).
        related_processes: Vec<RelatedProcess>,
        /// Bid statistics and details (bid extension).
        bids: Bids,
    }
);

ocds_object!(
    /// An organization in `parties`.
    Organization {
        /// Common name.
        name: String,
        /// Id used by references (`{scheme}-{identifier}` recommended).
        id: String,
        /// Primary legal identifier.
        identifier: Identifier,
        /// Other identifiers.
        additional_identifiers: Vec<Identifier>,
        /// Address.
        address: Address,
        /// Contact point.
        contact_point: ContactPoint,
        /// Roles in the process.
        roles: Vec<PartyRole>,
        /// Details (scale, classifications from extensions).
        details: OrganizationDetails,
    }
);

ocds_object!(
    /// A reference to an entry of `parties`.
    OrganizationReference {
        /// Name of the organization.
        name: String,
        /// Id of the `parties` entry.
        id: Id,
        /// Deprecated: identifier.
        identifier: Identifier,
        /// Deprecated: address.
        address: Address,
        /// Deprecated: additional identifiers.
        additional_identifiers: Vec<Identifier>,
        /// Deprecated: contact point.
        contact_point: ContactPoint,
    }
);

ocds_object!(
    /// An organization identifier.
    Identifier {
        /// Register (org-id.guide prefix).
        scheme: String,
        /// Identifier in the register.
        id: Id,
        /// Legal name.
        legal_name: String,
        /// URI.
        uri: String,
    }
);

ocds_object!(
    /// A postal address.
    Address {
        /// Street address.
        street_address: String,
        /// Locality.
        locality: String,
        /// Region.
        region: String,
        /// Postal code.
        postal_code: String,
        /// Country name.
        country_name: String,
    }
);

ocds_object!(
    /// A contact point.
    ContactPoint {
        /// Name.
        name: String,
        /// Email.
        email: String,
        /// Telephone.
        telephone: String,
        /// Fax.
        fax_number: String,
        /// Web address.
        url: String,
    }
);

ocds_object!(
    /// Planning information.
    Planning {
        /// Rationale.
        rationale: String,
        /// Budget.
        budget: Budget,
        /// Documents.
        documents: Vec<Document>,
        /// Milestones.
        milestones: Vec<Milestone>,
    }
);

ocds_object!(
    /// Budget information.
    Budget {
        /// Id.
        id: Id,
        /// Description.
        description: String,
        /// Amount.
        amount: Value,
        /// Project name.
        project: String,
        /// Project id.
        #[serde(rename = "projectID")]
        project_id: Id,
        /// URI.
        uri: String,
        /// Deprecated: source.
        source: String,
    }
);

ocds_object!(
    /// The tender.
    Tender {
        /// Tender id (versioned when merged).
        id: Id,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Status.
        status: TenderStatus,
        /// Procuring entity.
        procuring_entity: OrganizationReference,
        /// Items.
        items: Vec<Item>,
        /// Maximum value.
        value: Value,
        /// Minimum value.
        min_value: Value,
        /// Procurement method.
        procurement_method: Method,
        /// Method details.
        procurement_method_details: String,
        /// Method rationale.
        procurement_method_rationale: String,
        /// Main category.
        main_procurement_category: ProcurementCategory,
        /// Additional categories.
        additional_procurement_categories: Vec<String>,
        /// Award criteria.
        award_criteria: AwardCriteria,
        /// Award criteria details.
        award_criteria_details: String,
        /// Submission methods.
        submission_method: Vec<SubmissionMethod>,
        /// Submission method details.
        submission_method_details: String,
        /// Tender period.
        tender_period: Period,
        /// Enquiry period.
        enquiry_period: Period,
        /// Whether there were enquiries.
        has_enquiries: bool,
        /// Eligibility criteria.
        eligibility_criteria: String,
        /// Award period.
        award_period: Period,
        /// Contract period.
        contract_period: Period,
        /// Number of tenderers.
        number_of_tenderers: i64,
        /// Tenderers.
        tenderers: Vec<OrganizationReference>,
        /// Documents.
        documents: Vec<Document>,
        /// Milestones.
        milestones: Vec<Milestone>,
        /// Amendments.
        amendments: Vec<Amendment>,
        /// Deprecated: amendment.
        amendment: Amendment,
        /// Lots (lots extension).
        lots: Vec<Lot>,
        /// Lot details (lots extension).
        lot_details: LotDetails,
        /// Lot groups (lots extension).
        lot_groups: Vec<LotGroup>,
        /// Techniques: framework agreement, DPS, e-auction (techniques extension).
        techniques: Techniques,
        /// Whether the method is competitive (techniques extension).
        competitive: bool,
        /// Submission terms (submissionTerms extension).
        submission_terms: SubmissionTerms,
    }
);

ocds_object!(
    /// An award.
    Award {
        /// Id.
        id: Id,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Status.
        status: AwardStatus,
        /// Date.
        date: String,
        /// Value.
        value: Value,
        /// Suppliers.
        suppliers: Vec<OrganizationReference>,
        /// Items.
        items: Vec<Item>,
        /// Contract period.
        contract_period: Period,
        /// Documents.
        documents: Vec<Document>,
        /// Amendments.
        amendments: Vec<Amendment>,
        /// Deprecated: amendment.
        amendment: Amendment,
        /// Related lots (lots extension).
        related_lots: Vec<String>,
        /// Related bids (bid extension).
        related_bids: Vec<String>,
    }
);

ocds_object!(
    /// A contract.
    Contract {
        /// Id.
        id: Id,
        /// Award this contract comes from.
        #[serde(rename = "awardID")]
        award_id: Id,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// Status.
        status: ContractStatus,
        /// Period.
        period: Period,
        /// Value.
        value: Value,
        /// Items.
        items: Vec<Item>,
        /// Date signed.
        date_signed: String,
        /// Documents.
        documents: Vec<Document>,
        /// Implementation.
        implementation: Implementation,
        /// Related processes.
        related_processes: Vec<RelatedProcess>,
        /// Milestones.
        milestones: Vec<Milestone>,
        /// Amendments.
        amendments: Vec<Amendment>,
        /// Deprecated: amendment.
        amendment: Amendment,
        /// Suppliers (contract_suppliers extension).
        suppliers: Vec<OrganizationReference>,
        /// Related bids (bid extension).
        related_bids: Vec<String>,
    }
);

ocds_object!(
    /// Implementation of a contract.
    Implementation {
        /// Payments.
        transactions: Vec<Transaction>,
        /// Milestones.
        milestones: Vec<Milestone>,
        /// Documents.
        documents: Vec<Document>,
    }
);

ocds_object!(
    /// A spending transaction.
    Transaction {
        /// Id.
        id: Id,
        /// Data source.
        source: String,
        /// Date.
        date: String,
        /// Value.
        value: Value,
        /// Payer.
        payer: OrganizationReference,
        /// Payee.
        payee: OrganizationReference,
        /// URI.
        uri: String,
        /// Deprecated: amount.
        amount: Value,
        /// Deprecated: provider organization.
        provider_organization: Identifier,
        /// Deprecated: receiver organization.
        receiver_organization: Identifier,
    }
);

ocds_object!(
    /// A milestone.
    Milestone {
        /// Id.
        id: Id,
        /// Title.
        title: String,
        /// Type.
        r#type: MilestoneType,
        /// Description.
        description: String,
        /// Code.
        code: String,
        /// Due date.
        due_date: String,
        /// Date met.
        date_met: String,
        /// Date modified.
        date_modified: String,
        /// Status.
        status: MilestoneStatus,
        /// Deprecated: documents.
        documents: Vec<Document>,
        /// Related lots (lots extension).
        related_lots: Vec<String>,
    }
);

ocds_object!(
    /// A document.
    Document {
        /// Id.
        id: Id,
        /// Type.
        document_type: DocumentType,
        /// Title.
        title: String,
        /// Description.
        description: String,
        /// URL.
        url: String,
        /// Date published.
        date_published: String,
        /// Date modified.
        date_modified: String,
        /// Format (media type).
        format: String,
        /// Language.
        language: String,
        /// Related lots (lots extension).
        related_lots: Vec<String>,
    }
);

ocds_object!(
    /// An item to be procured.
    Item {
        /// Id.
        id: Id,
        /// Description.
        description: String,
        /// Classification.
        classification: Classification,
        /// Additional classifications.
        additional_classifications: Vec<Classification>,
        /// Quantity.
        quantity: serde_json::Number,
        /// Unit.
        unit: Unit,
        /// Related lot (lots extension).
        related_lot: String,
    }
);

ocds_object!(
    /// A unit of measure with a unit price.
    Unit {
        /// Scheme.
        scheme: String,
        /// Id.
        id: String,
        /// Name.
        name: String,
        /// Price per unit.
        value: Value,
        /// URI.
        uri: String,
    }
);

ocds_object!(
    /// A classification (e.g. CPV, UNSPSC).
    Classification {
        /// Scheme.
        scheme: String,
        /// Code.
        id: Id,
        /// Description.
        description: String,
        /// URI.
        uri: String,
    }
);

ocds_object!(
    /// An amount of money with its currency.
    Value {
        /// Amount (a decimal).
        amount: Amount,
        /// ISO 4217 currency code.
        currency: String,
    }
);

ocds_object!(
    /// A period of time.
    Period {
        /// Start date.
        start_date: String,
        /// End date.
        end_date: String,
        /// Latest possible end date.
        max_extent_date: String,
        /// Duration in days.
        duration_in_days: i64,
    }
);

ocds_object!(
    /// An amendment.
    Amendment {
        /// Date.
        date: String,
        /// Rationale.
        rationale: String,
        /// Id.
        id: String,
        /// Description.
        description: String,
        /// Release amended.
        #[serde(rename = "amendsReleaseID")]
        amends_release_id: String,
        /// Release with the amended values.
        #[serde(rename = "releaseID")]
        release_id: String,
        /// Deprecated: changes.
        changes: Vec<serde_json::Value>,
        /// Related lots (lots extension).
        related_lots: Vec<String>,
    }
);

ocds_object!(
    /// A link to a related contracting process.
    RelatedProcess {
        /// Id.
        id: String,
        /// Relationships.
        relationship: Vec<RelatedProcessKind>,
        /// Title.
        title: String,
        /// Scheme of `identifier`.
        scheme: RelatedProcessScheme,
        /// Identifier (an ocid when scheme is `ocid`).
        identifier: String,
        /// URI.
        uri: String,
        /// Related lots (lots extension).
        related_lots: Vec<String>,
    }
);
