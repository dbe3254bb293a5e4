//! `service_documents`: PDF documents uploaded for a draft or a service.

use sea_orm::entity::prelude::*;

/// One uploaded document. The bytes are stored under the data folder by `public_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_documents")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public id (file name on disk, URL).
    #[sea_orm(unique)]
    pub public_id: String,
    /// The draft it was uploaded to.
    pub draft_id: Option<i64>,
    /// The service it belongs to once live.
    pub service_id: Option<i64>,
    /// The content-file question it answers.
    pub question_id: String,
    /// The original file name, cleaned.
    pub file_name: String,
    /// Size.
    pub bytes: i64,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// When.
    pub uploaded_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
