//! Every route Marco answers, per resource.

pub mod accounts;
pub mod api;
pub mod assets;
pub mod ocds;
pub mod ops;
pub mod pages;
