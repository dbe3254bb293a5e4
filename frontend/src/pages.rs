//! Page structs: each holds display-ready data for one template on the shared layout.

use askama::Template;
use askama_web::WebTemplate;

use crate::i18n::{Lang, Tr};

/// What every page's layout needs: the language, the links of the language switch and
/// where the person is.
#[derive(Clone, Debug)]
pub struct Shell {
    /// The translator for this request.
    pub tr: Tr,
    /// The path the person asked for, used to mark the current navigation item.
    pub path: String,
    /// Links that switch to each other language and come back to this page.
    pub switch_links: Vec<LangLink>,
    /// Marco's version, shown in the footer.
    pub version: &'static str,
    /// The signed-in person's name, if any.
    pub signed_in: Option<String>,
    /// Links to the signed-in person's own work, shown in the header: (address, label).
    pub work: Vec<(String, String)>,
}

/// One entry of the language switch.
#[derive(Clone, Debug)]
pub struct LangLink {
    /// The URL that sets the language and returns to the current page.
    pub href: String,
    /// The language's code, for `lang` and `hreflang`.
    pub code: &'static str,
    /// The label, in the target language.
    pub label: String,
}

impl Shell {
    /// The shell for a page at `path_and_query`, shown in `lang`.
    pub fn new(lang: Lang, path_and_query: &str) -> Self {
        let switch_links = Lang::ALL
            .into_iter()
            .filter(|other| *other != lang)
            .map(|other| LangLink {
                href: format!(
                    "/language/{}?next={}",
                    other.code(),
                    form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect::<String>()
                ),
                code: other.code(),
                label: Tr::new(lang).t("lang-switch-to"),
            })
            .collect();
        let path = path_and_query.split('?').next().unwrap_or("/").to_owned();
        Shell {
            tr: Tr::new(lang),
            path,
            switch_links,
            version: env!("CARGO_PKG_VERSION"),
            signed_in: None,
            work: Vec::new(),
        }
    }

    /// The page's language code, for the `lang` attribute of `<html>`.
    pub fn lang_code(&self) -> &'static str {
        self.tr.lang.code()
    }

    /// `page` when `href` is the current section, for `aria-current`.
    pub fn current(&self, href: &str) -> &'static str {
        let here = if href == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(href)
        };
        if here { "page" } else { "false" }
    }
}

/// The start page, which explains Marco to each kind of user.
#[derive(Template, WebTemplate)]
#[template(path = "start.html")]
pub struct StartPage {
    /// The layout.
    pub shell: Shell,
}

/// The HTML error page; the message comes from the error's stable code.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The layout.
    pub shell: Shell,
    /// The HTTP status code.
    pub status: u16,
    /// The stable snake_case error code, e.g. `not_found`.
    pub code: String,
    /// The request id, so people can quote it to support.
    pub request_id: Option<String>,
    /// The fields at fault, with what is wrong with each, already translated.
    pub problems: Vec<(String, String)>,
}

impl ErrorPage {
    /// The translated explanation of the error code.
    pub fn message(&self) -> String {
        let id = format!("error-{}", self.code);
        if self.shell.tr.has(&id) {
            self.shell.tr.t(&id)
        } else {
            self.shell.tr.t("error-internal_error")
        }
    }
}

/// The human-readable API reference, built from the OpenAPI document.
#[derive(Template, WebTemplate)]
#[template(path = "api_reference.html")]
pub struct ApiReferencePage {
    /// The layout.
    pub shell: Shell,
    /// The API's title from the OpenAPI document.
    pub api_title: String,
    /// The API's version.
    pub api_version: String,
    /// Every operation, in path order.
    pub operations: Vec<ApiOperation>,
    /// An example error body, pretty-printed.
    pub error_example: String,
}

/// One operation of the API reference.
#[derive(Clone, Debug)]
pub struct ApiOperation {
    /// The HTTP method in capitals.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The one-line summary from the code.
    pub summary: String,
    /// The longer description, if any.
    pub description: String,
    /// The status codes it can answer with and what each means.
    pub responses: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_switch_points_to_the_other_language_and_back_here() {
        let shell = Shell::new(Lang::En, "/catalogue?q=cloud hosting&lot=iaas");
        assert_eq!(shell.switch_links.len(), 1);
        let link = &shell.switch_links[0];
        assert_eq!(link.code, "es");
        assert_eq!(
            link.href,
            "/language/es?next=%2Fcatalogue%3Fq%3Dcloud+hosting%26lot%3Diaas"
        );
        assert_eq!(shell.path, "/catalogue");
    }

    #[test]
    fn start_page_renders_in_both_languages_with_skip_link_and_lang() {
        for lang in Lang::ALL {
            let html = StartPage {
                shell: Shell::new(lang, "/"),
            }
            .render()
            .unwrap();
            assert!(html.contains(&format!("<html lang=\"{}\"", lang.code())));
            assert!(html.contains("href=\"#main-content\""));
            assert!(html.contains("id=\"main-content\""));
            assert!(
                !html.contains("start-title"),
                "untranslated message id in {lang:?}"
            );
        }
    }

    #[test]
    fn every_message_id_used_in_templates_exists_in_both_languages() {
        let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
        let mut files = Vec::new();
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path)
                } else {
                    files.push(path)
                }
            }
        }
        assert!(files.len() > 8);
        let mut missing = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            for piece in text.split("tr.t(\"").skip(1) {
                let id = piece.split('"').next().unwrap();
                for lang in Lang::ALL {
                    if !Tr::new(lang).has(id) {
                        missing.push(format!("{id} ({})", lang.code()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }

    #[test]
    fn unknown_error_codes_fall_back_to_the_generic_message() {
        let page = ErrorPage {
            shell: Shell::new(Lang::Es, "/x"),
            status: 500,
            code: "weird".into(),
            request_id: None,
            problems: Vec::new(),
        };
        assert_eq!(page.message(), Tr::new(Lang::Es).t("error-internal_error"));
    }
}
