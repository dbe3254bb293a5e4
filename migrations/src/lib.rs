//! Marco's schema: one migration per change, in order. Runs on SQLite and PostgreSQL alike,
//! so it uses SeaQuery builders only and no backend-specific types.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_organisations;
mod m20261127_000002_create_users;
mod m20261127_000003_create_release_log;
mod m20261127_000004_create_mail_outbox;
mod m20261127_000005_create_accounts;
mod m20261127_000006_create_search_outbox;
mod m20261127_000007_create_frameworks;
mod m20261205_000008_service_versions_immutable;
mod m20261205_000009_currencies_beside_amounts;
mod m20261205_000010_create_buying;
mod m20261205_000011_create_briefs;
mod m20261205_000012_create_delivery;

/// The ordered list of every migration Marco has.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_organisations::Migration),
            Box::new(m20261127_000002_create_users::Migration),
            Box::new(m20261127_000003_create_release_log::Migration),
            Box::new(m20261127_000004_create_mail_outbox::Migration),
            Box::new(m20261127_000005_create_accounts::Migration),
            Box::new(m20261127_000006_create_search_outbox::Migration),
            Box::new(m20261127_000007_create_frameworks::Migration),
            Box::new(m20261205_000008_service_versions_immutable::Migration),
            Box::new(m20261205_000009_currencies_beside_amounts::Migration),
            Box::new(m20261205_000010_create_buying::Migration),
            Box::new(m20261205_000011_create_briefs::Migration),
            Box::new(m20261205_000012_create_delivery::Migration),
        ]
    }
}
