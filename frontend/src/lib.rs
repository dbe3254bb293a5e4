//! Marco's pages. Everything a person sees is rendered here from askama templates and the
//! English and Spanish message catalogues; this crate never touches the database.

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod assets;
pub mod briefs;
pub mod buying;
pub mod catalogue;
pub mod delivery;
pub mod forms;
pub mod frameworks;
pub mod i18n;
pub mod open_data;
pub mod pages;

pub use i18n::{Lang, Tr};
pub use pages::Shell;
