//! A service version is what buyers saw and what orders and direct awards will point to: once
//! written it never changes. The database refuses UPDATE and DELETE on `service_versions`, as
//! it does on `releases`, so no bug or hand-run statement can rewrite a version after the fact.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// Adds the immutability triggers to `service_versions`.
#[derive(DeriveMigrationName)]
pub struct Migration;

const MESSAGE: &str = "service versions are immutable: add a new version instead";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for (name, event) in [
                    ("service_versions_no_update", "UPDATE"),
                    ("service_versions_no_delete", "DELETE"),
                ] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} BEFORE {event} ON service_versions \
                         BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                    ))
                    .await?;
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION service_versions_immutable() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER service_versions_immutable BEFORE UPDATE OR DELETE \
                     ON service_versions FOR EACH ROW EXECUTE FUNCTION service_versions_immutable()",
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS service_versions_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS service_versions_no_delete")
                    .await?;
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS service_versions_immutable ON service_versions",
                )
                .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS service_versions_immutable()")
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }
}
