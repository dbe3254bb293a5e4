//! Static files compiled into the binary, so a release build is self-contained.

use rust_embed::RustEmbed;

/// The U.S. Web Design System's compiled CSS, JavaScript, fonts and icons (public domain).
#[derive(RustEmbed)]
#[folder = "node_modules/@uswds/uswds/dist/"]
#[include = "css/uswds.min.css"]
#[include = "js/uswds.min.js"]
#[include = "fonts/**/*.woff2"]
#[include = "img/usa-icons/*.svg"]
#[include = "img/usa-icons-bg/*.svg"]
#[include = "img/*.svg"]
#[include = "img/sprite.svg"]
pub struct Uswds;

/// Marco's own styles and images.
#[derive(RustEmbed)]
#[folder = "static/"]
pub struct MarcoStatic;

/// A static file ready to serve.
#[derive(Debug)]
pub struct Asset {
    /// The file's bytes.
    pub bytes: std::borrow::Cow<'static, [u8]>,
    /// Its media type.
    pub content_type: &'static str,
    /// A strong validator derived from the content, for `ETag`.
    pub etag: String,
}

/// Looks up `/static/{path}`: `uswds/...` comes from USWDS, the rest from Marco's own folder.
pub fn find(path: &str) -> Option<Asset> {
    let file = match path.strip_prefix("uswds/") {
        Some(rest) => Uswds::get(rest)?,
        None => MarcoStatic::get(path)?,
    };
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash.iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    Some(Asset {
        bytes: file.data,
        content_type: content_type(path),
        etag,
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uswds_css_fonts_and_icons_are_embedded() {
        assert!(find("uswds/css/uswds.min.css").is_some_and(|a| a.bytes.len() > 100_000));
        assert!(find("uswds/img/usa-icons/close.svg").is_some());
        assert!(find("uswds/fonts/public-sans/PublicSans-Regular.woff2").is_some());
        assert!(find("marco.css").is_some());
    }

    #[test]
    fn paths_outside_the_embedded_folders_are_not_found() {
        assert!(find("uswds/../package.json").is_none());
        assert!(find("../Cargo.toml").is_none());
        assert!(find("uswds/scss/uswds.scss").is_none());
    }
}
