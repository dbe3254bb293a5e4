//! People and organisations: registration, sign-in, e-mailed links, roles, the buyer-domain
//! allow-list and account closure. The routes under `routes/accounts`, `routes/organisation`
//! and `routes/admin` parse and render; the reads and writes of these tables are here.

pub mod admin;
pub mod closure;
pub mod links;
pub mod members;
pub mod registration;
pub mod sign_in;
pub mod store;

/// A person as stored.
pub type User = crate::entities::user::Model;
