//! Languages and the message catalogue (Fluent files in `frontend/locales/`).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments show up as stray characters in e-mail
        // subjects and plain-text exports.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static ES: LanguageIdentifier = langid!("es");

/// The name of the cookie that remembers a person's chosen language.
pub const LANG_COOKIE: &str = "marco_lang";

/// A language Marco is translated into.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every supported language, in the order the language switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code, used in `lang` attributes, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name for itself, as the language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// Parses a language code such as `es` or `es-CL`; unknown codes give `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// Picks the language for a request: the cookie first, then `Accept-Language`, then English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie.and_then(Lang::from_code) {
            return lang;
        }
        accept_language
            .map(accept_language::parse)
            .unwrap_or_default()
            .iter()
            .find_map(|tag| Lang::from_code(tag))
            .unwrap_or_default()
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }
}

/// A translator bound to one language; templates call `tr.t("message-id")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    /// The language messages come out in.
    pub lang: Lang,
}

impl Tr {
    /// A translator for `lang`.
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The message with this id; a missing id shows as the id itself, which tests catch.
    pub fn t(&self, id: &str) -> String {
        LOCALES
            .try_lookup(self.lang.langid(), id)
            .unwrap_or_else(|| id.to_owned())
    }

    /// The message with this id and one named argument.
    pub fn t1(&self, id: &str, name: &str, value: impl ToString) -> String {
        self.ta(id, &[(name, value.to_string())])
    }

    /// The message with this id and several named arguments.
    pub fn ta(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                // Whole numbers go in as numbers, so that plural forms ([one], [other]) are
                // chosen by their value.
                let value = match v.parse::<i64>() {
                    Ok(n) if n.to_string() == *v => FluentValue::from(n),
                    _ => FluentValue::from(v.clone()),
                };
                (Cow::Owned((*k).to_owned()), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(self.lang.langid(), id, &args)
            .unwrap_or_else(|| id.to_owned())
    }

    /// Whether the catalogue of this language has the message (fallbacks not counted).
    pub fn has(&self, id: &str) -> bool {
        LOCALES
            .lookup_no_default_fallback::<&str>(self.lang.langid(), id, None)
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_choose_their_plural_form() {
        let en = Tr::new(Lang::En);
        assert_eq!(en.t1("opp-count", "count", 1), "1 brief");
        assert_eq!(en.t1("opp-count", "count", 2), "2 briefs");
        assert_eq!(en.t1("opp-count", "count", 0), "0 briefs");
        let es = Tr::new(Lang::Es);
        assert_eq!(es.t1("opp-count", "count", 1), "1 requerimiento");
    }
    use proptest::prelude::*;

    fn message_ids(ftl: &str) -> Vec<String> {
        ftl.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn cookie_wins_over_accept_language() {
        assert_eq!(
            Lang::negotiate(Some("es"), Some("en-GB,en;q=0.9")),
            Lang::Es
        );
    }

    #[test]
    fn accept_language_is_used_in_preference_order() {
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, es-CL;q=0.8, en;q=0.5")),
            Lang::Es
        );
        assert_eq!(Lang::negotiate(None, Some("es;q=0.2, en;q=0.9")), Lang::En);
    }

    #[test]
    fn english_is_the_default_for_unknown_or_missing_languages() {
        assert_eq!(Lang::negotiate(None, None), Lang::En);
        assert_eq!(Lang::negotiate(Some("klingon"), Some("de-DE")), Lang::En);
    }

    #[test]
    fn both_catalogues_define_the_same_messages() {
        let en = message_ids(include_str!("../locales/en/main.ftl"));
        let es = message_ids(include_str!("../locales/es/main.ftl"));
        let missing_es: Vec<_> = en.iter().filter(|id| !es.contains(id)).collect();
        let missing_en: Vec<_> = es.iter().filter(|id| !en.contains(id)).collect();
        assert!(missing_es.is_empty(), "missing in Spanish: {missing_es:?}");
        assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
        assert!(en.len() > 20);
    }

    #[test]
    fn messages_translate_and_take_arguments() {
        let es = Tr::new(Lang::Es);
        assert_eq!(es.t("lang-name"), "Español");
        assert!(
            es.t1("footer-version", "version", "9.9.9")
                .contains("9.9.9")
        );
        assert!(Tr::new(Lang::En).has("start-title"));
        assert!(!Tr::new(Lang::En).has("no-such-message"));
    }

    proptest! {
        #[test]
        fn negotiation_never_panics_and_always_picks_a_language(
            cookie in proptest::option::of(".{0,20}"),
            header in proptest::option::of(".{0,80}"),
        ) {
            let lang = Lang::negotiate(cookie.as_deref(), header.as_deref());
            prop_assert!(Lang::ALL.contains(&lang));
        }
    }
}
