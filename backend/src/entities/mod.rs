//! SeaORM entities, one file per table.

pub mod organisation;
pub mod user;
pub mod user_role;
