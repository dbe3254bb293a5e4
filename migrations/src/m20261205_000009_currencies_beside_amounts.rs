//! Every stored amount has its currency beside it: a service's current price
//! (`services.currency`, the currency of its current version) and an order approver's limit
//! (`user_roles.approval_limit_currency`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// Adds the currency columns and fills them in for existing rows.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Services {
    Table,
    Currency,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    ApprovalLimitCurrency,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Services::Table)
                    .add_column(ColumnDef::new(Services::Currency).string_len(3).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(UserRoles::Table)
                    .add_column(
                        ColumnDef::new(UserRoles::ApprovalLimitCurrency)
                            .string_len(3)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // A service's price is in the currency of its current version.
        db.execute_unprepared(
            "UPDATE services SET currency = (SELECT v.currency FROM service_versions v \
             WHERE v.service_id = services.id AND v.version = services.current_version) \
             WHERE price IS NOT NULL",
        )
        .await?;
        // Limits set before now were typed in the currency of the buyer's country. Outside
        // the countries Marco has served so far that is unknown: ISO 4217 `XXX` ("no
        // currency") marks those limits to be entered again.
        db.execute_unprepared(
            "UPDATE user_roles SET approval_limit_currency = CASE \
             (SELECT o.country_code FROM users u JOIN organisations o ON o.id = u.organisation_id \
              WHERE u.id = user_roles.user_id) \
             WHEN 'CL' THEN 'CLP' WHEN 'GB' THEN 'GBP' ELSE 'XXX' END \
             WHERE approval_limit IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(UserRoles::Table)
                    .drop_column(UserRoles::ApprovalLimitCurrency)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Services::Table)
                    .drop_column(Services::Currency)
                    .to_owned(),
            )
            .await
    }
}
