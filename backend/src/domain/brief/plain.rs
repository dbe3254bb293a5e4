//! Plain-language hints for briefs, in English and Spanish, after GOV.UK's words to avoid and
//! Chile's Lenguaje Claro guide: jargon with a plainer word to use instead, and sentences too
//! long to read in one go. A brief is read by small suppliers deciding in minutes whether to
//! spend days on a response; both lists apply whatever language the brief is written in.

/// A word or phrase to avoid, and what to write instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The phrase, lower case.
    pub avoid: &'static str,
    /// A plainer way to say it.
    pub instead: &'static str,
}

const fn hint(avoid: &'static str, instead: &'static str) -> Hint {
    Hint { avoid, instead }
}

/// Jargon in English briefs.
pub const ENGLISH: &[Hint] = &[
    hint("leverage", "use"),
    hint("utilise", "use"),
    hint("utilize", "use"),
    hint("facilitate", "help"),
    hint("synergy", "working together"),
    hint("going forward", "from now on"),
    hint("in order to", "to"),
    hint("commence", "start"),
    hint("endeavour", "try"),
    hint("empower", "let"),
    hint("best-in-class", "good (say how)"),
    hint("paradigm", "model"),
    hint("holistic", "whole"),
    hint("streamline", "simplify"),
    hint("deep dive", "close look"),
    hint("touch base", "talk"),
    hint("robust", "strong (say how)"),
];

/// Jargon in Spanish briefs.
pub const SPANISH: &[Hint] = &[
    hint("coadyuvar", "ayudar"),
    hint("en base a", "según"),
    hint("a nivel de", "en"),
    hint("de cara a", "para"),
    hint("sinergia", "trabajo conjunto"),
    hint("empoderar", "dar poder"),
    hint("aperturar", "abrir"),
    hint("apalancar", "aprovechar"),
    hint("holístico", "completo"),
    hint("en orden a", "para"),
    hint("proceder a", "(el verbo solo)"),
    hint("con la finalidad de", "para"),
    hint("previo a", "antes de"),
    hint("en el marco de", "en"),
];

/// The most words a sentence may have.
pub const MAX_SENTENCE_WORDS: usize = 35;

/// The first phrase to avoid that `text` uses, whole words only, in either language.
pub fn jargon(text: &str) -> Option<Hint> {
    let lower = format!(" {} ", normalise(text));
    ENGLISH
        .iter()
        .chain(SPANISH)
        .find(|h| lower.contains(&format!(" {} ", h.avoid)))
        .copied()
}

/// Lower case, with punctuation turned into spaces (hyphens kept) so phrases match on words.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The word count of the longest sentence in `text`, when it is over the limit.
pub fn long_sentence(text: &str) -> Option<usize> {
    text.split(['.', '!', '?', ';', '\n'])
        .map(|s| s.split_whitespace().count())
        .max()
        .filter(|n| *n > MAX_SENTENCE_WORDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jargon_is_found_in_either_language_as_whole_words() {
        assert_eq!(
            jargon("We will Leverage our data.").map(|h| h.instead),
            Some("use")
        );
        assert_eq!(
            jargon("Trabajamos en base a la ley.").map(|h| h.avoid),
            Some("en base a")
        );
        assert_eq!(jargon("Leverages are not levers"), None);
        assert_eq!(jargon("Citizens renew permits online"), None);
    }

    #[test]
    fn sentences_past_the_limit_are_counted() {
        let long = vec!["word"; 40].join(" ");
        assert_eq!(long_sentence(&long), Some(40));
        assert_eq!(long_sentence("Short. Also short!"), None);
    }
}
