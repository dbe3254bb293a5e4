//! Accounts: sign-in state on users, server-side sessions, single-use e-mailed tokens,
//! the buyer domain allow-list, and the security audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite can add one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::FailedSignIns)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::LockedUntil).timestamp_with_time_zone())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(
                        ColumnDef::new(Sessions::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
                    .col(ColumnDef::new(Sessions::Kind).string_len(8).not_null())
                    .col(
                        ColumnDef::new(Sessions::Scopes)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Sessions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Sessions::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Sessions::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .name("sessions_user_fk")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_user_idx")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuthTokens::Table)
                    .col(
                        ColumnDef::new(AuthTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuthTokens::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(AuthTokens::UserId).big_integer())
                    .col(ColumnDef::new(AuthTokens::OrganisationId).big_integer())
                    .col(ColumnDef::new(AuthTokens::Email).string_len(254).not_null())
                    .col(ColumnDef::new(AuthTokens::Role).string_len(40))
                    .col(ColumnDef::new(AuthTokens::CreatedBy).big_integer())
                    .col(
                        ColumnDef::new(AuthTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuthTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuthTokens::UsedAt).timestamp_with_time_zone())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BuyerDomains::Table)
                    .col(
                        ColumnDef::new(BuyerDomains::Domain)
                            .string_len(253)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(BuyerDomains::AddedBy).big_integer())
                    .col(
                        ColumnDef::new(BuyerDomains::AddedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(
                        ColumnDef::new(AuditEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::Event).string_len(40).not_null())
                    .col(ColumnDef::new(AuditEvents::ActorUserId).big_integer())
                    .col(ColumnDef::new(AuditEvents::SubjectUserId).big_integer())
                    .col(ColumnDef::new(AuditEvents::Ip).string_len(45))
                    .col(
                        ColumnDef::new(AuditEvents::Detail)
                            .string_len(500)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_at_idx")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            BuyerDomains::Table.into_iden(),
            AuthTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Users::LockedUntil, Users::FailedSignIns] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    FailedSignIns,
    LockedUntil,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Kind,
    Scopes,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuthTokens {
    Table,
    TokenHash,
    Kind,
    UserId,
    OrganisationId,
    Email,
    Role,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum BuyerDomains {
    Table,
    Domain,
    AddedBy,
    AddedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    Event,
    ActorUserId,
    SubjectUserId,
    Ip,
    Detail,
}
