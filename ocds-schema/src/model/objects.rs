//! The release and its building blocks in OCDS 1.1.5 (deprecated fields included, so old data parses).

use super::*;

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
