//! The OpenAPI description of the feeds' query parameters. The handlers read them as text,
//! so that a bad value is answered with a field error naming it (422) rather than a bare
//! rejection; these types say what a good value is.

use utoipa::IntoParams;

/// A day (`2026-11-27`, from its start in UTC) or an RFC 3339 date-time in any offset.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[expect(
    dead_code,
    reason = "a description of a parameter that handlers read as text"
)]
pub enum DateOrDateTime {
    /// A calendar date.
    Date(chrono::NaiveDate),
    /// A date-time with its offset.
    DateTime(chrono::DateTime<chrono::FixedOffset>),
}

/// Filters and paging of the release feed.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "a description of parameters that handlers read as text"
)]
pub struct ReleaseFeedParams {
    /// Releases after this publication sequence number: the `cursor` of `links.next`.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    cursor: Option<i64>,
    /// Releases per page.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i32>,
    /// Releases dated on or after this date (`2026-11-27`) or RFC 3339 date-time.
    #[param(value_type = Option<DateOrDateTime>, example = "2026-11-27")]
    since: Option<String>,
    /// Releases dated before this date or RFC 3339 date-time.
    #[param(value_type = Option<DateOrDateTime>, example = "2026-12-31T23:59:59Z")]
    until: Option<String>,
    /// Only this contracting process.
    #[param(max_length = 200)]
    ocid: Option<String>,
    /// Only releases naming this buyer (its party id, e.g. `CL-RUT-61234567-8`).
    #[param(max_length = 200)]
    buyer: Option<String>,
    /// Only releases naming this supplier (its party id).
    #[param(max_length = 200)]
    supplier: Option<String>,
    /// Only releases with this tag, e.g. `award`.
    #[param(max_length = 200)]
    tag: Option<String>,
}

/// Paging of the record feed.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "a description of parameters that handlers read as text"
)]
pub struct RecordFeedParams {
    /// Records whose first release comes after this sequence number: the `cursor` of
    /// `links.next`.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    cursor: Option<i64>,
    /// Records per page.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i32>,
    /// Add each record's versioned release (every field's history).
    versioned: Option<bool>,
}

/// Paging of the log.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "a description of parameters that handlers read as text"
)]
pub struct LogParams {
    /// The first sequence number to list.
    #[param(minimum = 1, maximum = 9_223_372_036_854_775_807_i64)]
    from: Option<i64>,
    /// Entries per page.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i32>,
}
