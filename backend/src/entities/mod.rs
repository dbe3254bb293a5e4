//! SeaORM entities, one file per table.

pub mod audit_event;
pub mod auth_token;
pub mod buyer_domain;
pub mod cart_item;
pub mod contract;
pub mod draft_service;
pub mod framework;
pub mod framework_application;
pub mod mail_outbox;
pub mod ocds_process;
pub mod order;
pub mod order_checkout;
pub mod order_item;
pub mod organisation;
pub mod publication_failure;
pub mod release;
pub mod release_facet;
pub mod search_outbox;
pub mod service;
pub mod service_document;
pub mod service_version;
pub mod session;
pub mod user;
pub mod user_role;
