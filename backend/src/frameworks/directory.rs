//! The names of every framework agreement and its lots, by ocid and lot slug, for pages that
//! show figures computed from the open data (market insights) in words.

use sea_orm::ConnectionTrait;

use super::{lifecycle, store};
use crate::error::AppError;

/// One framework's names.
#[derive(Clone, Debug)]
pub struct Named {
    /// Its ocid.
    pub ocid: String,
    /// Its slug, for its page.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its lots: (slug, name in the reader's language).
    pub lots: Vec<(String, String)>,
}

/// Every framework, newest first as the store lists them, with lot names in `lang`.
pub async fn names<C: ConnectionTrait>(db: &C, lang: &str) -> Result<Vec<Named>, AppError> {
    let mut out = Vec::new();
    for fw in store::frameworks(db).await? {
        let content = lifecycle::content_of(&fw)?;
        out.push(Named {
            lots: content
                .lots
                .iter()
                .map(|l| (l.slug.clone(), l.name.get(lang).to_owned()))
                .collect(),
            ocid: fw.ocid,
            slug: fw.slug,
            name: fw.name,
        });
    }
    Ok(out)
}
