//! The OCDS release log: append-only releases with a gap-free publication sequence and a
//! SHA-256 hash chain, the head row that serialises publishers, the per-release facets the
//! feeds filter on, one row per contracting process, and recorded validation failures.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Releases::Table)
                    .col(
                        ColumnDef::new(Releases::Sequence)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Releases::ReleaseId)
                            .string_len(255)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Releases::Ocid).string_len(255).not_null())
                    .col(ColumnDef::new(Releases::Date).string_len(40).not_null())
                    .col(ColumnDef::new(Releases::Tags).string_len(400).not_null())
                    .col(ColumnDef::new(Releases::Body).text().not_null())
                    .col(
                        ColumnDef::new(Releases::ReleaseHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Releases::ChainHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Releases::Valid).boolean().not_null())
                    .col(
                        ColumnDef::new(Releases::PublishedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "releases_ocid_idx",
                vec![Releases::Ocid, Releases::Sequence],
            ),
            (
                "releases_date_idx",
                vec![Releases::Date, Releases::Sequence],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Releases::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ReleaseFacets::Table)
                    .col(
                        ColumnDef::new(ReleaseFacets::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReleaseFacets::Value)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReleaseFacets::Sequence)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ReleaseFacets::Kind)
                            .col(ReleaseFacets::Value)
                            .col(ReleaseFacets::Sequence),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("release_facets_release_fk")
                            .from(ReleaseFacets::Table, ReleaseFacets::Sequence)
                            .to(Releases::Table, Releases::Sequence),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OcdsProcesses::Table)
                    .col(
                        ColumnDef::new(OcdsProcesses::Ocid)
                            .string_len(255)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OcdsProcesses::FirstSequence)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(OcdsProcesses::LastSequence)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OcdsProcesses::ReleaseCount)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PublicationHead::Table)
                    .col(
                        ColumnDef::new(PublicationHead::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PublicationHead::LastSequence)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PublicationHead::ChainHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The one head row. chain_0 is 32 zero bytes.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(PublicationHead::Table)
                    .columns([
                        PublicationHead::Id,
                        PublicationHead::LastSequence,
                        PublicationHead::ChainHash,
                    ])
                    .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PublicationFailures::Table)
                    .col(
                        ColumnDef::new(PublicationFailures::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PublicationFailures::Sequence)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PublicationFailures::ReleaseId)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PublicationFailures::Ocid)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PublicationFailures::Errors)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PublicationFailures::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        // Releases are immutable: corrections are new releases. The database refuses changes
        // so that a bug cannot rewrite history; the hash chain proves it to outsiders.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for (name, event) in [
                    ("releases_no_update", "UPDATE"),
                    ("releases_no_delete", "DELETE"),
                ] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} BEFORE {event} ON releases \
                         BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END"
                    ))
                    .await?;
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION releases_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'releases are append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER releases_append_only BEFORE UPDATE OR DELETE ON releases \
                     FOR EACH ROW EXECUTE FUNCTION releases_append_only()",
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PublicationFailures::Table.into_iden(),
            PublicationHead::Table.into_iden(),
            OcdsProcesses::Table.into_iden(),
            ReleaseFacets::Table.into_iden(),
            Releases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS releases_append_only()")
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Releases {
    Table,
    Sequence,
    ReleaseId,
    Ocid,
    Date,
    Tags,
    Body,
    ReleaseHash,
    ChainHash,
    Valid,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ReleaseFacets {
    Table,
    Kind,
    Value,
    Sequence,
}

#[derive(DeriveIden)]
enum OcdsProcesses {
    Table,
    Ocid,
    FirstSequence,
    LastSequence,
    ReleaseCount,
}

#[derive(DeriveIden)]
enum PublicationHead {
    Table,
    Id,
    LastSequence,
    ChainHash,
}

#[derive(DeriveIden)]
enum PublicationFailures {
    Table,
    Id,
    Sequence,
    ReleaseId,
    Ocid,
    Errors,
    RecordedAt,
}
