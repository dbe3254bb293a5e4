//! Every route Marco answers, per resource.

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod api;
pub mod assets;
pub mod briefs;
pub mod buying;
pub mod catalogue;
pub mod dashboard;
pub mod delivery;
pub mod frameworks;
pub mod ocds;
pub mod open_data;
pub mod ops;
pub mod organisation;
pub mod pages;
