//! The search outbox: index updates queued in the transaction of the change that caused
//! them, each carrying the whole document, applied in order by the search worker.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchOutbox::Table)
                    .col(
                        ColumnDef::new(SearchOutbox::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SearchOutbox::Op).string_len(10).not_null())
                    .col(
                        ColumnDef::new(SearchOutbox::ServiceId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SearchOutbox::Document).text())
                    .col(
                        ColumnDef::new(SearchOutbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SearchOutbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(SearchOutbox::LeaseOwner).string_len(100))
                    .col(ColumnDef::new(SearchOutbox::LeaseUntil).timestamp_with_time_zone())
                    .col(ColumnDef::new(SearchOutbox::ProcessedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(SearchOutbox::LastError).text())
                    .to_owned(),
            )
            .await?;
        // The worker looks for unprocessed rows, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("search_outbox_pending_idx")
                    .table(SearchOutbox::Table)
                    .col(SearchOutbox::ProcessedAt)
                    .col(SearchOutbox::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchOutbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum SearchOutbox {
    Table,
    Id,
    Op,
    ServiceId,
    Document,
    CreatedAt,
    Attempts,
    LeaseOwner,
    LeaseUntil,
    ProcessedAt,
    LastError,
}
