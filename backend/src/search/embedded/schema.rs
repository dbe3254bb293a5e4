//! The tantivy schema and how a [`ServiceDocument`] fills it.

use rust_decimal::prelude::ToPrimitive;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::search::document::{ServiceDocument, tie_break};
use crate::search::text::{ANALYZER, STEM_ANALYZER};

/// The tie-break fast field.
pub(crate) const TIE: &str = "tie";
/// The price fast field.
pub(crate) const PRICE: &str = "price";
/// The name sort fast field.
pub(crate) const NAME_SORT: &str = "name_sort";
/// The facet field.
pub(crate) const FACET: &str = "facet";

/// The fields of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub name: Field,
    pub description: Field,
    pub features: Field,
    pub supplier_name: Field,
    /// Every searchable text again, indexed without frequencies, for typo and prefix matches.
    pub all: Field,
    /// Every searchable text again, stemmed (English, then Spanish), for other word forms.
    pub stems: Field,
    pub facet: Field,
    pub price: Field,
    pub available: Field,
    pub tie: Field,
    pub name_sort: Field,
}

/// The schema and its fields.
pub(crate) fn schema() -> (Schema, Fields) {
    let words = |record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(record),
        )
    };
    let scored = words(IndexRecordOption::WithFreqs);
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        name: builder.add_text_field("name", scored.clone().set_stored()),
        description: builder.add_text_field("description", scored.clone().set_stored()),
        features: builder.add_text_field("features", scored.clone()),
        supplier_name: builder.add_text_field("supplier_name", scored),
        all: builder.add_text_field("all", words(IndexRecordOption::Basic)),
        stems: builder.add_text_field(
            "stems",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(STEM_ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        facet: builder.add_facet_field(FACET, FacetOptions::default()),
        price: builder.add_f64_field(PRICE, FAST),
        available: builder.add_bool_field("available", INDEXED),
        tie: builder.add_u64_field(TIE, FAST),
        name_sort: builder.add_text_field(NAME_SORT, FAST),
    };
    (builder.build(), fields)
}

/// The tantivy document of a service.
pub(crate) fn to_document(f: &Fields, doc: &ServiceDocument) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(f.id, &doc.id);
    out.add_text(f.name, &doc.name);
    out.add_text(f.description, &doc.description);
    out.add_text(f.supplier_name, &doc.supplier_name);
    for feature in &doc.features {
        out.add_text(f.features, feature);
    }
    for text in [&doc.name, &doc.description, &doc.supplier_name]
        .into_iter()
        .chain(&doc.features)
    {
        out.add_text(f.all, text);
        out.add_text(f.stems, text);
    }
    for (key, values) in doc.all_facets() {
        for value in values {
            out.add_facet(f.facet, Facet::from_path([key.as_str(), value.as_str()]));
        }
    }
    if let Some(price) = doc.price.and_then(|p| p.to_f64()) {
        out.add_f64(f.price, price);
    }
    out.add_bool(f.available, doc.available);
    out.add_u64(f.tie, tie_break(&doc.id));
    out.add_text(f.name_sort, doc.name_sort_key());
    out
}
