//! Challenge-based purchases (briefs): the brief with its business case as typed, its edit
//! history and business-case reviews, suppliers' questions and the buyer's answers, sealed
//! responses, the evaluation panel and its scores (each member's and the agreed ones),
//! complaints in the standstill period, and suppliers' alert preferences. Contracts gain the
//! brief that made them.

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

fn int_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).integer().to_owned()
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

fn flag(n: &str) -> ColumnDef {
    ColumnDef::new(name(n))
        .boolean()
        .not_null()
        .default(false)
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
            "briefs",
            vec![
                text("ocid", 255).unique_key().to_owned(),
                big("buyer_org_id"),
                big("created_by"),
                big("framework_id"),
                text("lot", 100),
                text("status", 16),
                text("review", 16),
                long("draft"),
                text("title", 300),
                text("location", 300),
                amount_null("budget_min"),
                amount_null("budget_max"),
                text_null("currency", 3),
                at_null("question_deadline_at"),
                at_null("closing_at"),
                at_null("published_at"),
                int("version"),
                at_null("opened_at"),
                long_null("withdrawn_reason"),
                big_null("moderator_id"),
                at_null("proposal_agreed_at"),
                at_null("challenge_started_at"),
                at_null("challenge_agreed_at"),
                big_null("awarded_response_id"),
                long_null("award_reason"),
                big_null("awarded_by"),
                at_null("awarded_at"),
                at_null("standstill_ends_at"),
                long_null("not_awarded_reason"),
                at("created_at"),
                at("updated_at"),
            ],
            &[
                ("buyer_org_id", "organisations"),
                ("created_by", "users"),
                ("framework_id", "frameworks"),
            ],
        )
        .await?;
        index(manager, "briefs", &["buyer_org_id"], false).await?;
        index(manager, "briefs", &["status", "closing_at"], false).await?;

        create(
            manager,
            "brief_edits",
            vec![
                big("brief_id"),
                int("version"),
                text("kind", 16),
                long("draft"),
                text("fields", 2000),
                big_null("edited_by"),
                at("edited_at"),
            ],
            &[("brief_id", "briefs")],
        )
        .await?;
        index(manager, "brief_edits", &["brief_id"], false).await?;

        create(
            manager,
            "brief_reviews",
            vec![
                big("brief_id"),
                text("decision", 16),
                long_null("reason"),
                big("user_id"),
                at("at"),
            ],
            &[("brief_id", "briefs"), ("user_id", "users")],
        )
        .await?;
        index(manager, "brief_reviews", &["brief_id"], false).await?;

        create(
            manager,
            "brief_questions",
            vec![
                big("brief_id"),
                big("supplier_org_id"),
                big("asked_by"),
                long("question"),
                at("asked_at"),
                long_null("answer"),
                big_null("answered_by"),
                at_null("answered_at"),
            ],
            &[
                ("brief_id", "briefs"),
                ("supplier_org_id", "organisations"),
                ("asked_by", "users"),
            ],
        )
        .await?;
        index(manager, "brief_questions", &["brief_id"], false).await?;

        create(
            manager,
            "brief_responses",
            vec![
                big("brief_id"),
                big("supplier_org_id"),
                big("created_by"),
                text("status", 16),
                long("answers"),
                amount_null("price"),
                text_null("currency", 3),
                at_null("available_from"),
                at_null("submitted_at"),
                text_null("result", 24),
                long_null("fail_reason"),
                amount_null("proposal_total"),
                amount_null("challenge_total"),
                amount_null("final_total"),
                int_null("rank"),
                flag("shortlisted"),
                text_null("challenge_repository", 500),
                text_null("challenge_demo", 500),
                at_null("challenge_submitted_at"),
                at("created_at"),
                at("updated_at"),
            ],
            &[
                ("brief_id", "briefs"),
                ("supplier_org_id", "organisations"),
                ("created_by", "users"),
            ],
        )
        .await?;
        index(
            manager,
            "brief_responses",
            &["brief_id", "supplier_org_id"],
            true,
        )
        .await?;

        create(
            manager,
            "brief_panel",
            vec![
                big("brief_id"),
                big("user_id"),
                at_null("proposal_submitted_at"),
                at_null("challenge_submitted_at"),
            ],
            &[("brief_id", "briefs"), ("user_id", "users")],
        )
        .await?;
        index(manager, "brief_panel", &["brief_id", "user_id"], true).await?;

        create(
            manager,
            "brief_scores",
            vec![
                big("brief_id"),
                big("response_id"),
                text("stage", 16),
                big("user_id"),
                flag("agreed"),
                int("criterion"),
                int("score"),
                long("comment"),
                at("scored_at"),
            ],
            &[
                ("brief_id", "briefs"),
                ("response_id", "brief_responses"),
                ("user_id", "users"),
            ],
        )
        .await?;
        index(
            manager,
            "brief_scores",
            &["response_id", "stage", "user_id", "agreed", "criterion"],
            true,
        )
        .await?;
        index(manager, "brief_scores", &["brief_id"], false).await?;

        create(
            manager,
            "brief_complaints",
            vec![
                big("brief_id"),
                big("supplier_org_id"),
                big("raised_by"),
                long("complaint"),
                at("raised_at"),
                long_null("reply"),
                big_null("replied_by"),
                at_null("replied_at"),
            ],
            &[
                ("brief_id", "briefs"),
                ("supplier_org_id", "organisations"),
                ("raised_by", "users"),
            ],
        )
        .await?;
        index(manager, "brief_complaints", &["brief_id"], false).await?;

        create(
            manager,
            "brief_alerts",
            vec![
                big("user_id").unique_key().to_owned(),
                text("mode", 16),
                at_null("last_digest_at"),
            ],
            &[("user_id", "users")],
        )
        .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(name("contracts"))
                    .add_column(big_null("brief_id"))
                    .to_owned(),
            )
            .await?;
        index(manager, "contracts", &["brief_id"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("contracts_brief_id_idx")
                    .table(name("contracts"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(name("contracts"))
                    .drop_column(name("brief_id"))
                    .to_owned(),
            )
            .await?;
        for table in [
            "brief_alerts",
            "brief_complaints",
            "brief_scores",
            "brief_panel",
            "brief_responses",
            "brief_questions",
            "brief_reviews",
            "brief_edits",
            "briefs",
        ] {
            manager
                .drop_table(Table::drop().table(name(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
