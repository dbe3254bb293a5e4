//! Synonyms a content file lists (`backend/content/synonyms.toml`): groups of words, in
//! English and Spanish, that find the same services. Both engines use them: tantivy expands
//! each query word into its group, and Meilisearch gets them as its synonyms setting.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::text;

/// The synonyms file, compiled in.
pub const SYNONYMS_TOML: &str = include_str!("../../content/synonyms.toml");

#[derive(Deserialize)]
struct File {
    groups: Vec<Vec<String>>,
}

/// Each normalised word with the other words of its groups.
pub type Synonyms = BTreeMap<String, Vec<String>>;

/// Parses a synonyms file; words are normalised as the index's are, and a word in several
/// groups gets the words of each.
pub fn parse(raw: &str) -> Result<Synonyms, toml::de::Error> {
    let file: File = toml::from_str(raw)?;
    let mut out = Synonyms::new();
    for group in file.groups {
        let words: Vec<String> = group
            .iter()
            .map(|w| text::fold(w))
            .filter(|w| !w.is_empty() && !w.contains(' '))
            .collect();
        for word in &words {
            let others = out.entry(word.clone()).or_default();
            for other in &words {
                if other != word && !others.contains(other) {
                    others.push(other.clone());
                }
            }
        }
    }
    Ok(out)
}

/// The synonyms of the content file.
pub fn synonyms() -> &'static Synonyms {
    static PARSED: OnceLock<Synonyms> = OnceLock::new();
    PARSED.get_or_init(|| parse(SYNONYMS_TOML).unwrap_or_default())
}

/// The other words of `word`'s groups (none for a word in no group).
pub fn of(word: &str) -> &'static [String] {
    synonyms().get(word).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_file_parses_and_groups_work_both_ways() {
        let s = parse(SYNONYMS_TOML).expect("the synonyms file parses");
        assert!(s.len() > 50, "{}", s.len());
        assert!(of("almacenamiento").contains(&"storage".to_owned()));
        assert!(of("storage").contains(&"almacenamiento".to_owned()));
        assert!(of("iaas").contains(&"hosting".to_owned()));
        assert!(of("nonexistent").is_empty());
    }

    #[test]
    fn words_are_normalised_like_the_index() {
        let s = parse("groups = [[\"Diseño\", \"DESIGN\", \"two words\"]]").unwrap();
        assert_eq!(s.get("diseno"), Some(&vec!["design".to_owned()]));
        assert!(!s.contains_key("two words"));
    }
}
