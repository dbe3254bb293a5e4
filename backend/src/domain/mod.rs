//! Domain types and rules, free of axum and sea-orm: values are checked once, when made.

pub mod brief;
pub mod content;
pub mod contract;
pub mod email;
pub mod errors;
pub mod framework;
pub mod identifier;
pub mod local_path;
pub mod money;
pub mod order;
pub mod password;
pub mod project;
pub mod roles;
pub mod rut;
pub mod status;
