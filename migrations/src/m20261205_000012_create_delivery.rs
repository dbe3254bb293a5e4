//! Contract delivery: each contract's modules, their milestones and every delivery of one
//! (with its evidence and the buyer's decision), changes (extensions, variations,
//! terminations, new modules) with their second approval, the buyer's ratings of the supplier
//! with the supplier's reply, benefit reports against the business case, and the reminders
//! sent for them. Contracts gain their original value and how they ended.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn name(n: &str) -> Alias {
    Alias::new(n)
}

fn id() -> ColumnDef {
    ColumnDef::new(name("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn big(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).big_integer().not_null().to_owned()
}

fn big_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).big_integer().to_owned()
}

fn int(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).integer().not_null().to_owned()
}

fn at(n: &str) -> ColumnDef {
    ColumnDef::new(name(n))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n))
        .timestamp_with_time_zone()
        .to_owned()
}

fn text(n: &str, len: u32) -> ColumnDef {
    ColumnDef::new(name(n))
        .string_len(len)
        .not_null()
        .to_owned()
}

fn text_null(n: &str, len: u32) -> ColumnDef {
    ColumnDef::new(name(n)).string_len(len).to_owned()
}

fn long(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).text().not_null().to_owned()
}

fn long_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).text().to_owned()
}

fn amount_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).decimal_len(20, 2).to_owned()
}

fn amount(n: &str) -> ColumnDef {
    ColumnDef::new(name(n))
        .decimal_len(20, 2)
        .not_null()
        .to_owned()
}

fn fk(table: &str, column: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("{table}_{column}_fk"))
        .from(name(table), name(column))
        .to(name(to), name("id"))
        .to_owned()
}

async fn create(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: Vec<ColumnDef>,
    keys: &[(&str, &str)],
) -> Result<(), DbErr> {
    let mut statement = Table::create();
    statement.table(name(table)).col(id());
    for mut column in columns {
        statement.col(&mut column);
    }
    for (column, to) in keys {
        statement.foreign_key(&mut fk(table, column, to));
    }
    manager.create_table(statement.to_owned()).await
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement
        .name(format!("{table}_{}_idx", columns.join("_")))
        .table(name(table));
    for c in columns {
        statement.col(name(c));
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            "contract_modules",
            vec![
                big("contract_id"),
                int("number"),
                long("scope"),
                amount("value"),
                text("currency", 3),
                at("start_at"),
                at("end_at"),
                big_null("change_id"),
                at("created_at"),
            ],
            &[("contract_id", "contracts")],
        )
        .await?;
        index(
            manager,
            "contract_modules",
            &["contract_id", "number"],
            true,
        )
        .await?;
        create(
            manager,
            "contract_milestones",
            vec![
                big("contract_id"),
                big("module_id"),
                int("number"),
                text("title", 300),
                at("due_at"),
                amount("amount"),
                text("currency", 3),
                text("status", 16),
                at_null("accepted_at"),
                at_null("invoice_date"),
                at_null("payment_due_at"),
                at_null("paid_at"),
                at_null("ended_unmet_at"),
                at("created_at"),
                at("updated_at"),
            ],
            &[
                ("contract_id", "contracts"),
                ("module_id", "contract_modules"),
            ],
        )
        .await?;
        index(
            manager,
            "contract_milestones",
            &["contract_id", "number"],
            true,
        )
        .await?;
        create(
            manager,
            "contract_deliveries",
            vec![
                big("milestone_id"),
                int("number"),
                at("delivered_at"),
                at("decide_by"),
                text_null("evidence_url", 2000),
                text_null("evidence_file", 200),
                text_null("evidence_name", 300),
                long_null("note"),
                big("delivered_by"),
                text("decision", 16),
                at_null("decided_at"),
                big_null("decided_by"),
                long_null("reason"),
            ],
            &[("milestone_id", "contract_milestones")],
        )
        .await?;
        index(
            manager,
            "contract_deliveries",
            &["milestone_id", "number"],
            true,
        )
        .await?;
        create(
            manager,
            "contract_changes",
            vec![
                big("contract_id"),
                text("kind", 16),
                text("side", 16),
                text("status", 24),
                long("reason"),
                amount("value_before"),
                at("end_before"),
                amount_null("new_value"),
                at_null("new_end_at"),
                long_null("module_scope"),
                at_null("module_start_at"),
                big("requested_by"),
                at("requested_at"),
                big_null("endorsed_by"),
                big_null("decided_by"),
                at_null("decided_at"),
                long_null("decision_reason"),
            ],
            &[("contract_id", "contracts")],
        )
        .await?;
        index(manager, "contract_changes", &["contract_id"], false).await?;
        create(
            manager,
            "contract_ratings",
            vec![
                big("contract_id"),
                big_null("milestone_id"),
                text("stage", 32),
                int("quality"),
                int("timeliness"),
                int("communication"),
                long("comment"),
                big("rated_by"),
                at("rated_at"),
                at("public_at"),
                at_null("published_at"),
                long_null("reply"),
                at_null("replied_at"),
                big_null("replied_by"),
            ],
            &[("contract_id", "contracts")],
        )
        .await?;
        index(manager, "contract_ratings", &["contract_id", "stage"], true).await?;
        create(
            manager,
            "benefit_reports",
            vec![
                big("contract_id"),
                int("period"),
                at("due_at"),
                long("indicators"),
                long("notes"),
                big("filed_by"),
                at("filed_at"),
            ],
            &[("contract_id", "contracts")],
        )
        .await?;
        index(manager, "benefit_reports", &["contract_id", "period"], true).await?;
        create(
            manager,
            "benefit_reminders",
            vec![big("contract_id"), int("period"), at("sent_at")],
            &[("contract_id", "contracts")],
        )
        .await?;
        index(
            manager,
            "benefit_reminders",
            &["contract_id", "period"],
            true,
        )
        .await?;
        // SQLite adds one column per statement.
        for column in [
            amount_null("original_value"),
            at_null("ended_at"),
            text_null("end_kind", 16),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(name("contracts"))
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["end_kind", "ended_at", "original_value"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("contracts"))
                        .drop_column(name(column))
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            "benefit_reminders",
            "benefit_reports",
            "contract_ratings",
            "contract_changes",
            "contract_deliveries",
            "contract_milestones",
            "contract_modules",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
