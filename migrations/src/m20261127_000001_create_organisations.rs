//! Organisations: public bodies that buy, suppliers that sell, and the platform operator.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(
                        ColumnDef::new(Organisations::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Organisations::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisations::Name)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisations::LegalName)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisations::IdentifierScheme)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Organisations::IdentifierId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Organisations::StreetAddress).string_len(300))
                    .col(ColumnDef::new(Organisations::Locality).string_len(120))
                    .col(ColumnDef::new(Organisations::Region).string_len(120))
                    .col(ColumnDef::new(Organisations::PostalCode).string_len(32))
                    .col(
                        ColumnDef::new(Organisations::CountryCode)
                            .string_len(2)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Organisations::Scale).string_len(16))
                    .col(
                        ColumnDef::new(Organisations::EmailDomains)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Organisations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Two organisations can never share an identifier within a scheme: the identifier is
        // how OCDS parties are joined across publishers.
        manager
            .create_index(
                Index::create()
                    .name("organisations_identifier_key")
                    .table(Organisations::Table)
                    .col(Organisations::IdentifierScheme)
                    .col(Organisations::IdentifierId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Organisations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Organisations {
    Table,
    Id,
    Kind,
    Name,
    LegalName,
    IdentifierScheme,
    IdentifierId,
    StreetAddress,
    Locality,
    Region,
    PostalCode,
    CountryCode,
    Scale,
    EmailDomains,
    CreatedAt,
}
