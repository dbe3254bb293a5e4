//! Marco's black-box tests: every request goes through the full router on a database of its
//! own (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions fail loudly on purpose"
)]

mod accounts;
mod admin;
mod analytics;
mod api;
mod authz;
mod brief_journey;
mod briefs;
mod browser;
mod bulk;
mod buying_api;
mod buying_journeys;
mod cli;
mod concurrency;
mod dashboards;
mod delivery;
mod delivery_journey;
mod delivery_rules;
mod direct_awards;
mod errors;
mod feed_cache;
mod feeds_canary;
mod framework_journeys;
mod frameworks;
mod hardening;
mod jobs;
mod journeys;
mod mail;
mod openapi;
mod ops;
mod orders;
mod page_words;
mod pages;
mod publish;
mod role_journeys;
mod search;
mod search_quality;
mod seed;
mod service_versions;
mod verify_log;
