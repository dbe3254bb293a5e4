//! The mail outbox: messages queued in the transaction of the change that caused them, rendered
//! in full, and sent later by the mail worker under a lease.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(
                        ColumnDef::new(MailOutbox::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(MailOutbox::ToAddress)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MailOutbox::Lang).string_len(8).not_null())
                    .col(ColumnDef::new(MailOutbox::Kind).string_len(40).not_null())
                    .col(ColumnDef::new(MailOutbox::Subject).text().not_null())
                    .col(ColumnDef::new(MailOutbox::TextBody).text().not_null())
                    .col(ColumnDef::new(MailOutbox::HtmlBody).text().not_null())
                    .col(
                        ColumnDef::new(MailOutbox::MessageId)
                            .string_len(100)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(MailOutbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(MailOutbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(MailOutbox::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MailOutbox::LeaseOwner).string_len(100))
                    .col(ColumnDef::new(MailOutbox::LeaseUntil).timestamp_with_time_zone())
                    .col(ColumnDef::new(MailOutbox::SentAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(MailOutbox::FailedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(MailOutbox::LastError).text())
                    .to_owned(),
            )
            .await?;
        // The worker's claim looks for unsent messages that are due, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due_idx")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum MailOutbox {
    Table,
    Id,
    ToAddress,
    Lang,
    Kind,
    Subject,
    TextBody,
    HtmlBody,
    MessageId,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    SentAt,
    FailedAt,
    LastError,
}
