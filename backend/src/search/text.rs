//! Words: one analyzer for indexing, querying and highlighting (split on anything that is
//! not a letter or digit, lower-case, fold accents), the query normaliser, the typo rules,
//! and the highlighter that escapes HTML and marks matched words.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

use super::query::MarkedHtml;

/// The name the analyzer is registered under in the tantivy index.
pub const ANALYZER: &str = "marco";
/// Words longer than this many bytes are not indexed or searched (they are noise: hashes,
/// URLs, pasted data).
pub const MAX_WORD_BYTES: usize = 40;
/// Only this many characters of a query are read.
pub const MAX_QUERY_CHARS: usize = 256;
/// Only this many distinct words of a query are searched.
pub const MAX_TERMS: usize = 10;

/// Marks Meilisearch puts around matches in place of tags, so the whole text can be escaped
/// before the tags go in (private-use characters, stripped from documents when indexed).
pub const MARK_START: char = '\u{E000}';
/// See [`MARK_START`].
pub const MARK_END: char = '\u{E001}';

/// The analyzer of every text field and query.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        // Folding first: it can yield capitals (U+A7FB folds to `F`) that lower-casing fixes.
        .filter(AsciiFoldingFilter)
        .filter(LowerCaser)
        .build()
}

/// The name of the stemming analyzer: the analyzer above, then the English and the Spanish
/// Snowball stemmers, so that "databases" finds "database" and "servicios" finds "servicio".
/// Index and query go through the same chain, so a word stemmed twice still meets itself.
pub const STEM_ANALYZER: &str = "marco_stem";

/// The stemming analyzer (see [`STEM_ANALYZER`]).
pub fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(AsciiFoldingFilter)
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .filter(Stemmer::new(Language::Spanish))
        .build()
}

/// The stem of a normalised word.
pub fn stem(word: &str) -> String {
    let mut analyzer = stem_analyzer();
    let mut stream = analyzer.token_stream(word);
    let mut out = String::new();
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
    out
}

/// The stems of every word of `text`, separated by spaces, for an engine without stemming of
/// its own (Meilisearch): documents carry them, and queries are sent stemmed.
pub fn stems_of(text: &str) -> String {
    let mut analyzer = stem_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = String::new();
    while stream.advance() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stream.token().text);
    }
    out
}

/// One word of a text: its byte range in the original and its normalised form.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    from: usize,
    to: usize,
    text: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        out.push(Word {
            from: token.offset_from,
            to: token.offset_to,
            text: token.text.clone(),
        });
    }
    out
}

/// The normalised words of `text` joined by spaces: the name sort key.
pub fn fold(text: &str) -> String {
    words(text)
        .into_iter()
        .map(|w| w.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A query's words, normalised as the index's are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryTerms {
    /// Distinct words in query order, at most [`MAX_TERMS`].
    pub terms: Vec<String>,
    /// Whether the last word may still be being typed, so it also matches as a prefix.
    pub last_is_prefix: bool,
}

impl QueryTerms {
    /// Whether the query has no words.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the query's last word is `index` and matches as a prefix.
    pub fn is_prefix(&self, index: usize) -> bool {
        self.last_is_prefix && index + 1 == self.terms.len()
    }

    /// Whether a normalised word of a document matches a query word, by the same rules as
    /// the search: exactly, within the typo budget, or as a prefix of the last word.
    pub fn matches(&self, word: &str) -> bool {
        self.terms.iter().enumerate().any(|(i, term)| {
            let budget = typo_budget(term);
            word == term
                || (budget > 0 && osa_distance(word, term) <= budget)
                || (self.is_prefix(i) && prefix_distance(word, term) <= budget)
        })
    }
}

/// Whether analysing a normalised word gives it back unchanged (a few exotic letters do
/// not; a query could not reach them reliably).
fn is_stable(word: &str) -> bool {
    let again = words(word);
    again.len() == 1 && again[0].text == word
}

/// Reads a query: the first [`MAX_QUERY_CHARS`] characters, split and normalised like the
/// index, repeats and words that folding left with punctuation dropped, at most
/// [`MAX_TERMS`] words.
pub fn query_terms(text: &str) -> QueryTerms {
    let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let all = words(text);
    let mut terms: Vec<String> = Vec::new();
    let mut last_kept_is_last_word = false;
    for (i, word) in all.iter().enumerate() {
        // Folding can turn a symbol into punctuation (½ into 1/2) or lengthen a word past
        // the limit; such words cannot be typed as they are indexed, so they are skipped.
        let typeable = word.text.len() <= MAX_WORD_BYTES
            && word.text.chars().all(char::is_alphanumeric)
            && is_stable(&word.text);
        if !typeable || terms.contains(&word.text) {
            last_kept_is_last_word = false;
            continue;
        }
        if terms.len() == MAX_TERMS {
            last_kept_is_last_word = false;
            break;
        }
        terms.push(word.text.clone());
        last_kept_is_last_word = i + 1 == all.len();
    }
    // A query that ends inside a word is still being typed; one ending in a space is not.
    let ends_in_word = all.last().is_some_and(|w| w.to == text.len());
    QueryTerms {
        last_is_prefix: last_kept_is_last_word && ends_in_word,
        terms,
    }
}

/// The query with each word that `vocabulary` (normalised word → documents holding it) lacks
/// replaced by the nearest word within two edits, the most common of equals; `None` when
/// nothing would change. For an engine with no term dictionary to ask (Meilisearch); tantivy
/// applies the same rules to its own.
pub fn suggest_from(
    vocabulary: &std::collections::BTreeMap<String, u32>,
    terms: &QueryTerms,
) -> Option<String> {
    let mut changed = false;
    let out: Vec<String> = terms
        .terms
        .iter()
        .map(|term| {
            if vocabulary.contains_key(term) || term.chars().count() < 3 {
                return term.clone();
            }
            let best = vocabulary
                .iter()
                .filter(|(word, _)| word.len().abs_diff(term.len()) <= 2)
                .map(|(word, freq)| (osa_distance(word, term), std::cmp::Reverse(*freq), word))
                .filter(|(distance, _, _)| *distance <= 2)
                .min();
            match best {
                Some((_, _, word)) => {
                    changed = true;
                    word.clone()
                }
                None => term.clone(),
            }
        })
        .collect();
    changed.then(|| out.join(" "))
}

/// Counts each normalised word of `text` once into `vocabulary`.
pub fn count_words(vocabulary: &mut std::collections::BTreeMap<String, u32>, text: &str) {
    let mut seen = std::collections::BTreeSet::new();
    for w in words(text) {
        if seen.insert(w.text.clone()) {
            *vocabulary.entry(w.text).or_default() += 1;
        }
    }
}

/// Typos allowed in a query word, scaled by its length (Meilisearch is set the same way):
/// none below 4 characters, one below 8 ("clod" finds "cloud"), two from 8.
pub fn typo_budget(term: &str) -> u8 {
    match term.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Edit distance counting a swap of neighbours as one edit (optimal string alignment).
pub fn osa_distance(a: &str, b: &str) -> u8 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return u8::MAX;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    u8::try_from(d[a.len() * width + b.len()]).unwrap_or(u8::MAX)
}

/// The smallest distance between `term` and a prefix of `word`.
fn prefix_distance(word: &str, term: &str) -> u8 {
    if word.starts_with(term) {
        return 0;
    }
    let budget = usize::from(typo_budget(term));
    let n = term.chars().count();
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    (n.saturating_sub(budget)..=n + budget)
        .filter(|&len| len > 0 && len <= chars.len())
        .map(|len| {
            let end = chars.get(len).map_or(word.len(), |(at, _)| *at);
            osa_distance(&word[..end], term)
        })
        .min()
        .unwrap_or(u8::MAX)
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            MARK_START | MARK_END => {}
            c => out.push(c),
        }
    }
}

/// The whole of `text`, escaped, with the words matching `terms` marked.
pub fn mark(text: &str, terms: &QueryTerms) -> MarkedHtml {
    render(text, 0, text.len(), terms)
}

/// A passage of about `max_chars` characters of `text` around its first match (or its
/// start), escaped, with matches marked and `…` where text was cut.
pub fn snippet(text: &str, terms: &QueryTerms, max_chars: usize) -> MarkedHtml {
    if text.chars().count() <= max_chars {
        return mark(text, terms);
    }
    let all = words(text);
    let first_match = all.iter().find(|w| terms.matches(&w.text)).map(|w| w.from);
    // Start a little before the first match, at the beginning of a word.
    let start = match first_match {
        None => 0,
        Some(at) => {
            let lead = byte_back(text, at, max_chars / 4);
            all.iter()
                .map(|w| w.from)
                .find(|&from| from >= lead && from <= at)
                .unwrap_or(at)
        }
    };
    let limit = byte_forward(text, start, max_chars);
    // End after the last whole word that fits.
    let end = all
        .iter()
        .filter(|w| w.from >= start && w.to <= limit)
        .map(|w| w.to)
        .next_back()
        .unwrap_or(limit);
    let mut html = String::new();
    if start > 0 {
        html.push('…');
    }
    html.push_str(render(text, start, end, terms).as_str());
    if end < text.len() {
        html.push('…');
    }
    MarkedHtml(html)
}

fn render(text: &str, start: usize, end: usize, terms: &QueryTerms) -> MarkedHtml {
    let mut html = String::with_capacity(end - start + 16);
    let mut at = start;
    for word in words(&text[start..end]) {
        let (from, to) = (start + word.from, start + word.to);
        if !terms.matches(&word.text) {
            continue;
        }
        escape_html(&text[at..from], &mut html);
        html.push_str("<mark>");
        escape_html(&text[from..to], &mut html);
        html.push_str("</mark>");
        at = to;
    }
    escape_html(&text[at..end], &mut html);
    MarkedHtml(html)
}

/// The byte index `chars` characters before `at` (or 0).
fn byte_back(text: &str, at: usize, chars: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte index `chars` characters after `at` (or the end).
fn byte_forward(text: &str, at: usize, chars: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| at + i)
}

/// Text Meilisearch marked with [`MARK_START`]/[`MARK_END`], escaped, with the marks turned
/// into balanced `<mark>` tags.
pub fn from_marked(text: &str) -> MarkedHtml {
    let mut html = String::with_capacity(text.len() + 16);
    let mut open = false;
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match c {
            MARK_START if !open => {
                html.push_str("<mark>");
                open = true;
            }
            MARK_END if open => {
                html.push_str("</mark>");
                open = false;
            }
            c => escape_html(c.encode_utf8(&mut buf), &mut html),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    MarkedHtml(html)
}

/// `text` without the highlight marks, for documents sent to Meilisearch.
pub fn strip_marks(text: &str) -> String {
    text.replace([MARK_START, MARK_END], "")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn queries_are_split_folded_and_deduplicated() {
        let q = query_terms("  Nube HÍBRIDA, nube-segura ");
        assert_eq!(q.terms, ["nube", "hibrida", "segura"]);
        assert!(!q.last_is_prefix);
        assert!(query_terms("kube").last_is_prefix);
        assert!(
            query_terms("<script>alert(1)</script>")
                .terms
                .contains(&"script".into())
        );
        assert!(query_terms("  !!  ").is_empty());
    }

    #[test]
    fn typo_budget_grows_with_word_length() {
        assert_eq!(typo_budget("aws"), 0);
        assert_eq!(typo_budget("cloud"), 1);
        assert_eq!(typo_budget("kubernetes"), 2);
        assert_eq!(osa_distance("kubernetis", "kubernetes"), 1);
        assert_eq!(osa_distance("hsoting", "hosting"), 1);
        assert!(query_terms("kubernetis ").matches("kubernetes"));
        assert!(!query_terms("aws ").matches("aas"));
        assert!(query_terms("kuber").matches("kubernetes"));
    }

    #[test]
    fn highlights_escape_everything_but_the_marks() {
        let q = query_terms("script ");
        assert_eq!(
            mark("<script>alert('x')</script> & co", &q).as_str(),
            "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt; &amp; co"
        );
        assert_eq!(
            from_marked("a \u{E000}<b>\u{E001} \u{E001}c\u{E000}d").as_str(),
            "a <mark>&lt;b&gt;</mark> c<mark>d</mark>"
        );
    }

    #[test]
    fn snippets_start_near_the_first_match() {
        let text = format!(
            "{} kubernetes clusters {}",
            "filler ".repeat(50),
            "tail ".repeat(50)
        );
        let html = snippet(&text, &query_terms("kubernetes "), 80);
        let html = html.as_str();
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert!(html.contains("<mark>kubernetes</mark> clusters"), "{html}");
        assert!(html.chars().count() < 120, "{html}");
    }

    fn unmark(html: &str) -> String {
        html.replace("<mark>", "")
            .replace("</mark>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent_and_bounded(text in "\\PC{0,300}") {
            let q = query_terms(&text);
            prop_assert!(q.terms.len() <= MAX_TERMS);
            for (i, term) in q.terms.iter().enumerate() {
                prop_assert!(!term.is_empty() && term.len() <= MAX_WORD_BYTES);
                prop_assert!(!q.terms[..i].contains(term));
                prop_assert_eq!(&query_terms(term).terms, &vec![term.clone()]);
            }
            let again = query_terms(&q.terms.join(" "));
            prop_assert_eq!(again.terms, q.terms);
        }

        #[test]
        fn marking_escapes_and_keeps_the_text(text in "\\PC{0,200}", query in "[a-zA-Z<>&' ]{0,30}") {
            let q = query_terms(&query);
            let html = mark(&text, &q);
            let without_tags = html.as_str().replace("<mark>", "").replace("</mark>", "");
            prop_assert!(!without_tags.contains('<') && !without_tags.contains('>'));
            prop_assert!(!without_tags.contains('"'));
            prop_assert_eq!(unmark(html.as_str()), strip_marks(&text));
        }
    }

    #[test]
    fn prefix_distance_allows_typos_in_the_typed_part() {
        assert_eq!(prefix_distance("kubernetes", "kuber"), 0);
        assert_eq!(prefix_distance("kubernetes", "kubrn"), 1);
        assert!(prefix_distance("kubernetes", "xyzzy") > 1);
        assert_eq!(fold("Él Über-Cloud"), "el uber cloud");
        assert!(query_terms(&"é".repeat(400)).is_empty());
    }
}
