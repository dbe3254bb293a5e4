//! The stages of a contracting process in OCDS 1.1.5: planning, tender, awards, contracts,
//! implementation (deprecated fields included, so old data parses).

use super::*;

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
