//! Framework agreements and the catalogue: frameworks (one row per iteration, with its
//! content file), supplier applications (declaration, result, signatures), draft service
//! listings, live services with every version kept, uploaded documents, and supplier
//! suspension on organisations.

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
                    .table(Frameworks::Table)
                    .col(id(Frameworks::Id))
                    .col(text(Frameworks::Slug, 80).unique_key())
                    .col(text(Frameworks::Ocid, 255).unique_key())
                    .col(text(Frameworks::Name, 200))
                    .col(text(Frameworks::Family, 120))
                    .col(ColumnDef::new(Frameworks::Iteration).integer().not_null())
                    .col(text(Frameworks::Status, 16))
                    .col(ColumnDef::new(Frameworks::Description).text().not_null())
                    .col(ColumnDef::new(Frameworks::Content).text().not_null())
                    .col(text(Frameworks::ContentHash, 64))
                    .col(ColumnDef::new(Frameworks::PreviousId).big_integer())
                    .col(at(Frameworks::ClarificationsCloseAt))
                    .col(at(Frameworks::ApplicationsCloseAt))
                    .col(at(Frameworks::IntentionToAwardAt))
                    .col(at(Frameworks::GoesLiveAt))
                    .col(at(Frameworks::ExpiresAt))
                    .col(ColumnDef::new(Frameworks::CreatedBy).big_integer())
                    .col(at(Frameworks::CreatedAt))
                    .col(at(Frameworks::UpdatedAt))
                    .foreign_key(&mut fk(
                        "frameworks_previous_fk",
                        (Frameworks::Table, Frameworks::PreviousId),
                        (Frameworks::Table, Frameworks::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Applications::Table)
                    .col(id(Applications::Id))
                    .col(
                        ColumnDef::new(Applications::FrameworkId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Applications::OrganisationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(Applications::Status, 16))
                    .col(ColumnDef::new(Applications::Declaration).text().not_null())
                    .col(
                        ColumnDef::new(Applications::DeclarationComplete)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Applications::AutomaticFails)
                            .text()
                            .not_null(),
                    )
                    .col(at(Applications::InterestAt))
                    .col(at_null(Applications::SubmittedAt))
                    .col(ColumnDef::new(Applications::SubmittedBy).big_integer())
                    .col(text_null(Applications::Result, 8))
                    .col(ColumnDef::new(Applications::ResultReason).text())
                    .col(ColumnDef::new(Applications::EvaluatedBy).big_integer())
                    .col(at_null(Applications::EvaluatedAt))
                    .col(at_null(Applications::ResultSentAt))
                    .col(ColumnDef::new(Applications::SignedBy).big_integer())
                    .col(text_null(Applications::SignerRole, 200))
                    .col(at_null(Applications::SignedAt))
                    .col(ColumnDef::new(Applications::CountersignedBy).big_integer())
                    .col(at_null(Applications::CountersignedAt))
                    .foreign_key(&mut fk(
                        "applications_framework_fk",
                        (Applications::Table, Applications::FrameworkId),
                        (Frameworks::Table, Frameworks::Id),
                    ))
                    .foreign_key(&mut fk(
                        "applications_organisation_fk",
                        (Applications::Table, Applications::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("applications_supplier_uq")
                    .table(Applications::Table)
                    .col(Applications::FrameworkId)
                    .col(Applications::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DraftServices::Table)
                    .col(id(DraftServices::Id))
                    .col(
                        ColumnDef::new(DraftServices::ApplicationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(DraftServices::Lot, 80))
                    .col(ColumnDef::new(DraftServices::Answers).text().not_null())
                    .col(
                        ColumnDef::new(DraftServices::Complete)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text_null(DraftServices::Result, 8))
                    .col(ColumnDef::new(DraftServices::ResultReason).text())
                    .col(ColumnDef::new(DraftServices::CopiedFromServiceId).big_integer())
                    .col(ColumnDef::new(DraftServices::ServiceId).big_integer())
                    .col(at(DraftServices::CreatedAt))
                    .col(at(DraftServices::UpdatedAt))
                    .foreign_key(&mut fk(
                        "drafts_application_fk",
                        (DraftServices::Table, DraftServices::ApplicationId),
                        (Applications::Table, Applications::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("drafts_application_idx")
                    .table(DraftServices::Table)
                    .col(DraftServices::ApplicationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Services::Table)
                    .col(id(Services::Id))
                    .col(text(Services::PublicId, 36).unique_key())
                    .col(
                        ColumnDef::new(Services::FrameworkId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Services::OrganisationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(Services::Lot, 80))
                    .col(text(Services::Status, 16))
                    .col(ColumnDef::new(Services::StatusReason).text())
                    .col(
                        ColumnDef::new(Services::CurrentVersion)
                            .integer()
                            .not_null(),
                    )
                    .col(text(Services::Name, 200))
                    .col(ColumnDef::new(Services::Price).decimal_len(18, 2))
                    .col(text_null(Services::PricingUnit, 40))
                    .col(at(Services::CreatedAt))
                    .col(at(Services::UpdatedAt))
                    .foreign_key(&mut fk(
                        "services_framework_fk",
                        (Services::Table, Services::FrameworkId),
                        (Frameworks::Table, Frameworks::Id),
                    ))
                    .foreign_key(&mut fk(
                        "services_organisation_fk",
                        (Services::Table, Services::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("services_framework_idx", Services::FrameworkId),
            ("services_organisation_idx", Services::OrganisationId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Services::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ServiceVersions::Table)
                    .col(id(ServiceVersions::Id))
                    .col(
                        ColumnDef::new(ServiceVersions::ServiceId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ServiceVersions::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ServiceVersions::Answers).text().not_null())
                    .col(ColumnDef::new(ServiceVersions::Price).decimal_len(18, 2))
                    .col(text_null(ServiceVersions::PricingUnit, 40))
                    .col(text(ServiceVersions::Currency, 3))
                    .col(ColumnDef::new(ServiceVersions::EditedBy).big_integer())
                    .col(at(ServiceVersions::CreatedAt))
                    .foreign_key(&mut fk(
                        "versions_service_fk",
                        (ServiceVersions::Table, ServiceVersions::ServiceId),
                        (Services::Table, Services::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("versions_service_uq")
                    .table(ServiceVersions::Table)
                    .col(ServiceVersions::ServiceId)
                    .col(ServiceVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceDocuments::Table)
                    .col(id(ServiceDocuments::Id))
                    .col(text(ServiceDocuments::PublicId, 36).unique_key())
                    .col(ColumnDef::new(ServiceDocuments::DraftId).big_integer())
                    .col(ColumnDef::new(ServiceDocuments::ServiceId).big_integer())
                    .col(text(ServiceDocuments::QuestionId, 80))
                    .col(text(ServiceDocuments::FileName, 200))
                    .col(
                        ColumnDef::new(ServiceDocuments::Bytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(ServiceDocuments::Sha256, 64))
                    .col(at(ServiceDocuments::UploadedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(at_null(Organisations::SuspendedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(ColumnDef::new(Organisations::SuspendedReason).text())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ServiceDocuments::Table.into_iden(),
            ServiceVersions::Table.into_iden(),
            Services::Table.into_iden(),
            DraftServices::Table.into_iden(),
            Applications::Table.into_iden(),
            Frameworks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Organisations::SuspendedAt, Organisations::SuspendedReason] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organisations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
    Slug,
    Ocid,
    Name,
    Family,
    Iteration,
    Status,
    Description,
    Content,
    ContentHash,
    PreviousId,
    ClarificationsCloseAt,
    ApplicationsCloseAt,
    IntentionToAwardAt,
    GoesLiveAt,
    ExpiresAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Applications {
    #[sea_orm(iden = "framework_applications")]
    Table,
    Id,
    FrameworkId,
    OrganisationId,
    Status,
    Declaration,
    DeclarationComplete,
    AutomaticFails,
    InterestAt,
    SubmittedAt,
    SubmittedBy,
    Result,
    ResultReason,
    EvaluatedBy,
    EvaluatedAt,
    ResultSentAt,
    SignedBy,
    SignerRole,
    SignedAt,
    CountersignedBy,
    CountersignedAt,
}

#[derive(DeriveIden)]
enum DraftServices {
    Table,
    Id,
    ApplicationId,
    Lot,
    Answers,
    Complete,
    Result,
    ResultReason,
    CopiedFromServiceId,
    ServiceId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
    PublicId,
    FrameworkId,
    OrganisationId,
    Lot,
    Status,
    StatusReason,
    CurrentVersion,
    Name,
    Price,
    PricingUnit,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceVersions {
    Table,
    Id,
    ServiceId,
    Version,
    Answers,
    Price,
    PricingUnit,
    Currency,
    EditedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ServiceDocuments {
    Table,
    Id,
    PublicId,
    DraftId,
    ServiceId,
    QuestionId,
    FileName,
    Bytes,
    Sha256,
    UploadedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    SuspendedAt,
    SuspendedReason,
}
