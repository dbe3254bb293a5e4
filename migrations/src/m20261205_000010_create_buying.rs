//! Buying from the catalogue: carts, orders with their items (each pointing to the immutable
//! service version it was priced from), the idempotency record of each checkout; direct-award
//! projects with their saved searches, frozen short lists and recorded downloads; and the
//! call-off contracts that accepted orders and direct awards make.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn big<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

fn at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().to_owned()
}

fn text<T: IntoIden>(name: T, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).not_null().to_owned()
}

fn text_null<T: IntoIden>(name: T, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).to_owned()
}

fn amount<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .decimal_len(20, 2)
        .not_null()
        .to_owned()
}

fn fk<F: IntoIden, T: IntoIden, FC: IntoIden, TC: IntoIden>(
    name: &str,
    from: (F, FC),
    to: (T, TC),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CartItems::Table)
                    .col(id(CartItems::Id))
                    .col(big(CartItems::UserId))
                    .col(big(CartItems::ServiceId))
                    .col(big(CartItems::ServiceVersionId))
                    .col(amount(CartItems::Quantity))
                    .col(text(CartItems::Unit, 40))
                    .col(amount(CartItems::UnitPrice))
                    .col(text(CartItems::Currency, 3))
                    .col(at(CartItems::AddedAt))
                    .foreign_key(&mut fk(
                        "cart_items_user_fk",
                        (CartItems::Table, CartItems::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "cart_items_service_fk",
                        (CartItems::Table, CartItems::ServiceId),
                        (Services::Table, Services::Id),
                    ))
                    .foreign_key(&mut fk(
                        "cart_items_version_fk",
                        (CartItems::Table, CartItems::ServiceVersionId),
                        (ServiceVersions::Table, ServiceVersions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("cart_items_user_idx")
                    .table(CartItems::Table)
                    .col(CartItems::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(id(Orders::Id))
                    .col(text(Orders::Ocid, 255).unique_key())
                    .col(big(Orders::BuyerOrgId))
                    .col(big(Orders::SupplierOrgId))
                    .col(big(Orders::FrameworkId))
                    .col(big(Orders::PlacedBy))
                    .col(text(Orders::Status, 16))
                    .col(amount(Orders::Total))
                    .col(text(Orders::Currency, 3))
                    .col(ColumnDef::new(Orders::DeliveryAddress).text().not_null())
                    .col(text(Orders::CostCentre, 120))
                    .col(at(Orders::RequestedDate))
                    .col(ColumnDef::new(Orders::NeedsApproval).boolean().not_null())
                    .col(ColumnDef::new(Orders::ApproverId).big_integer())
                    .col(ColumnDef::new(Orders::ApprovalComment).text())
                    .col(at_null(Orders::DecidedAt))
                    .col(at_null(Orders::SentAt))
                    .col(at_null(Orders::AcceptBy))
                    .col(at_null(Orders::AcceptedAt))
                    .col(ColumnDef::new(Orders::Reason).text())
                    .col(text_null(Orders::ClosedBy, 16))
                    .col(at_null(Orders::ClosedAt))
                    .col(at_null(Orders::DeliveredAt))
                    .col(ColumnDef::new(Orders::DeliveryNote).text())
                    .col(at_null(Orders::ReceivedAt))
                    .col(ColumnDef::new(Orders::ReceivedInFull).boolean())
                    .col(ColumnDef::new(Orders::ReceiptNote).text())
                    .col(text_null(Orders::InvoiceNumber, 60))
                    .col(ColumnDef::new(Orders::InvoiceAmount).decimal_len(20, 2))
                    .col(at_null(Orders::InvoicedAt))
                    .col(at_null(Orders::PaymentDueAt))
                    .col(at_null(Orders::PaidAt))
                    .col(at(Orders::CreatedAt))
                    .col(at(Orders::UpdatedAt))
                    .foreign_key(&mut fk(
                        "orders_buyer_fk",
                        (Orders::Table, Orders::BuyerOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "orders_supplier_fk",
                        (Orders::Table, Orders::SupplierOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "orders_framework_fk",
                        (Orders::Table, Orders::FrameworkId),
                        (Frameworks::Table, Frameworks::Id),
                    ))
                    .foreign_key(&mut fk(
                        "orders_placed_by_fk",
                        (Orders::Table, Orders::PlacedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("orders_buyer_idx", Orders::BuyerOrgId),
            ("orders_supplier_idx", Orders::SupplierOrgId),
            ("orders_status_idx", Orders::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Orders::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OrderItems::Table)
                    .col(id(OrderItems::Id))
                    .col(big(OrderItems::OrderId))
                    .col(big(OrderItems::ServiceId))
                    .col(big(OrderItems::ServiceVersionId))
                    .col(text(OrderItems::Lot, 80))
                    .col(text(OrderItems::Description, 300))
                    .col(amount(OrderItems::Quantity))
                    .col(text(OrderItems::Unit, 40))
                    .col(amount(OrderItems::UnitPrice))
                    .col(amount(OrderItems::LineTotal))
                    .foreign_key(&mut fk(
                        "order_items_order_fk",
                        (OrderItems::Table, OrderItems::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .foreign_key(&mut fk(
                        "order_items_service_fk",
                        (OrderItems::Table, OrderItems::ServiceId),
                        (Services::Table, Services::Id),
                    ))
                    .foreign_key(&mut fk(
                        "order_items_version_fk",
                        (OrderItems::Table, OrderItems::ServiceVersionId),
                        (ServiceVersions::Table, ServiceVersions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("order_items_order_idx")
                    .table(OrderItems::Table)
                    .col(OrderItems::OrderId)
                    .to_owned(),
            )
            .await?;

        // Quotes a buyer gathered for a large purchase, when the large-purchase rule asks.
        manager
            .create_table(
                Table::create()
                    .table(OrderQuotes::Table)
                    .col(id(OrderQuotes::Id))
                    .col(big(OrderQuotes::OrderId))
                    .col(big(OrderQuotes::SupplierOrgId))
                    .col(amount(OrderQuotes::Amount))
                    .col(text(OrderQuotes::Currency, 3))
                    .foreign_key(&mut fk(
                        "order_quotes_order_fk",
                        (OrderQuotes::Table, OrderQuotes::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .foreign_key(&mut fk(
                        "order_quotes_supplier_fk",
                        (OrderQuotes::Table, OrderQuotes::SupplierOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        // One row per checkout key and person: a retried or doubled submission finds it and
        // answers with the orders the first one made.
        manager
            .create_table(
                Table::create()
                    .table(OrderCheckouts::Table)
                    .col(id(OrderCheckouts::Id))
                    .col(big(OrderCheckouts::UserId))
                    .col(text(OrderCheckouts::IdempotencyKey, 100))
                    .col(text(OrderCheckouts::RequestHash, 64))
                    .col(ColumnDef::new(OrderCheckouts::OrderIds).text().not_null())
                    .col(at(OrderCheckouts::CreatedAt))
                    .foreign_key(&mut fk(
                        "order_checkouts_user_fk",
                        (OrderCheckouts::Table, OrderCheckouts::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("order_checkouts_key_idx")
                    .table(OrderCheckouts::Table)
                    .col(OrderCheckouts::UserId)
                    .col(OrderCheckouts::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DaProjects::Table)
                    .col(id(DaProjects::Id))
                    .col(text(DaProjects::Ocid, 255).unique_key())
                    .col(big(DaProjects::BuyerOrgId))
                    .col(big(DaProjects::CreatedBy))
                    .col(text(DaProjects::Name, 200))
                    .col(text(DaProjects::Status, 16))
                    .col(at_null(DaProjects::SearchEndedAt))
                    .col(ColumnDef::new(DaProjects::SearchEndedBy).big_integer())
                    .col(ColumnDef::new(DaProjects::ShortlistCount).integer())
                    .col(ColumnDef::new(DaProjects::OutcomeReason).text())
                    .col(ColumnDef::new(DaProjects::AwardedEntryId).big_integer())
                    .col(ColumnDef::new(DaProjects::AwardValue).decimal_len(20, 2))
                    .col(text_null(DaProjects::AwardCurrency, 3))
                    .col(at_null(DaProjects::AwardStart))
                    .col(at_null(DaProjects::AwardEnd))
                    .col(ColumnDef::new(DaProjects::DecidedBy).big_integer())
                    .col(at_null(DaProjects::DecidedAt))
                    .col(at_null(DaProjects::RemindedAt))
                    .col(at(DaProjects::CreatedAt))
                    .col(at(DaProjects::UpdatedAt))
                    .foreign_key(&mut fk(
                        "da_projects_buyer_fk",
                        (DaProjects::Table, DaProjects::BuyerOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_projects_created_by_fk",
                        (DaProjects::Table, DaProjects::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("da_projects_buyer_idx")
                    .table(DaProjects::Table)
                    .col(DaProjects::BuyerOrgId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DaSearches::Table)
                    .col(id(DaSearches::Id))
                    .col(big(DaSearches::ProjectId))
                    .col(ColumnDef::new(DaSearches::Query).text().not_null())
                    .col(big(DaSearches::ResultCount))
                    .col(big(DaSearches::SavedBy))
                    .col(at(DaSearches::SavedAt))
                    .foreign_key(&mut fk(
                        "da_searches_project_fk",
                        (DaSearches::Table, DaSearches::ProjectId),
                        (DaProjects::Table, DaProjects::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_searches_saved_by_fk",
                        (DaSearches::Table, DaSearches::SavedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DaShortlist::Table)
                    .col(id(DaShortlist::Id))
                    .col(big(DaShortlist::ProjectId))
                    .col(ColumnDef::new(DaShortlist::Position).integer().not_null())
                    .col(big(DaShortlist::ServiceId))
                    .col(big(DaShortlist::ServiceVersionId))
                    .col(big(DaShortlist::SupplierOrgId))
                    .foreign_key(&mut fk(
                        "da_shortlist_project_fk",
                        (DaShortlist::Table, DaShortlist::ProjectId),
                        (DaProjects::Table, DaProjects::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_shortlist_service_fk",
                        (DaShortlist::Table, DaShortlist::ServiceId),
                        (Services::Table, Services::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_shortlist_version_fk",
                        (DaShortlist::Table, DaShortlist::ServiceVersionId),
                        (ServiceVersions::Table, ServiceVersions::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_shortlist_supplier_fk",
                        (DaShortlist::Table, DaShortlist::SupplierOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("da_shortlist_project_idx")
                    .table(DaShortlist::Table)
                    .col(DaShortlist::ProjectId)
                    .col(DaShortlist::ServiceId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DaDownloads::Table)
                    .col(id(DaDownloads::Id))
                    .col(big(DaDownloads::ProjectId))
                    .col(text(DaDownloads::Format, 8))
                    .col(big(DaDownloads::DownloadedBy))
                    .col(at(DaDownloads::DownloadedAt))
                    .foreign_key(&mut fk(
                        "da_downloads_project_fk",
                        (DaDownloads::Table, DaDownloads::ProjectId),
                        (DaProjects::Table, DaProjects::Id),
                    ))
                    .foreign_key(&mut fk(
                        "da_downloads_user_fk",
                        (DaDownloads::Table, DaDownloads::DownloadedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contracts::Table)
                    .col(id(Contracts::Id))
                    .col(text(Contracts::Ocid, 255))
                    .col(text(Contracts::Route, 16))
                    .col(
                        ColumnDef::new(Contracts::OrderId)
                            .big_integer()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Contracts::ProjectId)
                            .big_integer()
                            .unique_key(),
                    )
                    .col(big(Contracts::BuyerOrgId))
                    .col(big(Contracts::SupplierOrgId))
                    .col(big(Contracts::FrameworkId))
                    .col(text(Contracts::Lots, 200))
                    .col(text(Contracts::Title, 300))
                    .col(amount(Contracts::Value))
                    .col(text(Contracts::Currency, 3))
                    .col(at(Contracts::StartAt))
                    .col(at(Contracts::EndAt))
                    .col(text(Contracts::Status, 16))
                    .col(at(Contracts::SignedAt))
                    .col(at(Contracts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "contracts_order_fk",
                        (Contracts::Table, Contracts::OrderId),
                        (Orders::Table, Orders::Id),
                    ))
                    .foreign_key(&mut fk(
                        "contracts_project_fk",
                        (Contracts::Table, Contracts::ProjectId),
                        (DaProjects::Table, DaProjects::Id),
                    ))
                    .foreign_key(&mut fk(
                        "contracts_buyer_fk",
                        (Contracts::Table, Contracts::BuyerOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "contracts_supplier_fk",
                        (Contracts::Table, Contracts::SupplierOrgId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut fk(
                        "contracts_framework_fk",
                        (Contracts::Table, Contracts::FrameworkId),
                        (Frameworks::Table, Frameworks::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("contracts_buyer_idx", Contracts::BuyerOrgId),
            ("contracts_supplier_idx", Contracts::SupplierOrgId),
            ("contracts_ocid_idx", Contracts::Ocid),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Contracts::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Contracts::Table.into_iden(),
            DaDownloads::Table.into_iden(),
            DaShortlist::Table.into_iden(),
            DaSearches::Table.into_iden(),
            DaProjects::Table.into_iden(),
            OrderCheckouts::Table.into_iden(),
            OrderQuotes::Table.into_iden(),
            OrderItems::Table.into_iden(),
            Orders::Table.into_iden(),
            CartItems::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ServiceVersions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CartItems {
    Table,
    Id,
    UserId,
    ServiceId,
    ServiceVersionId,
    Quantity,
    Unit,
    UnitPrice,
    Currency,
    AddedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Ocid,
    BuyerOrgId,
    SupplierOrgId,
    FrameworkId,
    PlacedBy,
    Status,
    Total,
    Currency,
    DeliveryAddress,
    CostCentre,
    RequestedDate,
    NeedsApproval,
    ApproverId,
    ApprovalComment,
    DecidedAt,
    SentAt,
    AcceptBy,
    AcceptedAt,
    Reason,
    ClosedBy,
    ClosedAt,
    DeliveredAt,
    DeliveryNote,
    ReceivedAt,
    ReceivedInFull,
    ReceiptNote,
    InvoiceNumber,
    InvoiceAmount,
    InvoicedAt,
    PaymentDueAt,
    PaidAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderItems {
    Table,
    Id,
    OrderId,
    ServiceId,
    ServiceVersionId,
    Lot,
    Description,
    Quantity,
    Unit,
    UnitPrice,
    LineTotal,
}

#[derive(DeriveIden)]
enum OrderCheckouts {
    Table,
    Id,
    UserId,
    IdempotencyKey,
    RequestHash,
    OrderIds,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    Id,
    Ocid,
    Route,
    OrderId,
    ProjectId,
    BuyerOrgId,
    SupplierOrgId,
    FrameworkId,
    Lots,
    Title,
    Value,
    Currency,
    StartAt,
    EndAt,
    Status,
    SignedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DaProjects {
    Table,
    Id,
    Ocid,
    BuyerOrgId,
    CreatedBy,
    Name,
    Status,
    SearchEndedAt,
    SearchEndedBy,
    ShortlistCount,
    OutcomeReason,
    AwardedEntryId,
    AwardValue,
    AwardCurrency,
    AwardStart,
    AwardEnd,
    DecidedBy,
    DecidedAt,
    RemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DaSearches {
    Table,
    Id,
    ProjectId,
    Query,
    ResultCount,
    SavedBy,
    SavedAt,
}

#[derive(DeriveIden)]
enum DaShortlist {
    Table,
    Id,
    ProjectId,
    Position,
    ServiceId,
    ServiceVersionId,
    SupplierOrgId,
}

#[derive(DeriveIden)]
enum DaDownloads {
    Table,
    Id,
    ProjectId,
    Format,
    DownloadedBy,
    DownloadedAt,
}

#[derive(DeriveIden)]
enum OrderQuotes {
    Table,
    Id,
    OrderId,
    SupplierOrgId,
    Amount,
    Currency,
}
