//! Why an answer was refused, with a stable code and a message in English and Spanish.

use rust_decimal::Decimal;
use serde::Serialize;

/// Why an answer was refused. `code()` is stable and snake_case for translation and the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AnswerError {
    /// A required answer is missing.
    Required,
    /// Several values were sent for a one-value question.
    MoreThanOneValue,
    /// Text longer than allowed.
    TooLong {
        /// Most characters.
        max: usize,
    },
    /// Text with too many words.
    TooManyWords {
        /// Most words.
        max: usize,
    },
    /// Not digits with an optional sign and decimal part.
    NotANumber,
    /// A fraction where a whole number is needed.
    NotAWholeNumber,
    /// Too many decimal places.
    TooManyDecimals {
        /// Most decimals.
        max: usize,
    },
    /// Too many digits.
    NumberTooLarge,
    /// Below the question's minimum.
    BelowMinimum {
        /// The minimum.
        min: Decimal,
    },
    /// Above the question's maximum.
    AboveMaximum {
        /// The maximum.
        max: Decimal,
    },
    /// A price with letters, signs or more than one decimal mark.
    PriceFormat,
    /// A price with more than two decimals.
    PricePrecision,
    /// A price too large to be real.
    PriceTooLarge,
    /// A price without a pricing unit, or with one not offered.
    PricingUnit,
    /// A currency not offered.
    Currency,
    /// A value not among the options.
    UnknownOption,
    /// Fewer options picked than needed.
    TooFewSelected {
        /// Fewest.
        min: usize,
    },
    /// More options picked than allowed.
    TooManySelected {
        /// Most.
        max: usize,
    },
    /// Neither yes nor no.
    NotYesOrNo,
    /// More list items than allowed.
    TooManyItems {
        /// Most items.
        max: usize,
    },
    /// A list item longer than allowed.
    ItemTooLong {
        /// Most characters per item.
        max: usize,
    },
    /// A list item with too many words.
    ItemTooManyWords {
        /// Most words per item.
        max: usize,
    },
}

impl AnswerError {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            AnswerError::Required => "required",
            AnswerError::MoreThanOneValue => "more_than_one_value",
            AnswerError::TooLong { .. } => "too_long",
            AnswerError::TooManyWords { .. } => "too_many_words",
            AnswerError::NotANumber => "not_a_number",
            AnswerError::NotAWholeNumber => "not_a_whole_number",
            AnswerError::TooManyDecimals { .. } => "too_many_decimals",
            AnswerError::NumberTooLarge => "number_too_large",
            AnswerError::BelowMinimum { .. } => "below_minimum",
            AnswerError::AboveMaximum { .. } => "above_maximum",
            AnswerError::PriceFormat => "price_format",
            AnswerError::PricePrecision => "price_precision",
            AnswerError::PriceTooLarge => "price_too_large",
            AnswerError::PricingUnit => "pricing_unit",
            AnswerError::Currency => "currency",
            AnswerError::UnknownOption => "unknown_option",
            AnswerError::TooFewSelected { .. } => "too_few_selected",
            AnswerError::TooManySelected { .. } => "too_many_selected",
            AnswerError::NotYesOrNo => "not_yes_or_no",
            AnswerError::TooManyItems { .. } => "too_many_items",
            AnswerError::ItemTooLong { .. } => "item_too_long",
            AnswerError::ItemTooManyWords { .. } => "item_too_many_words",
        }
    }

    /// A message for people in `lang` (`en` or `es`).
    pub fn message(&self, lang: &str) -> String {
        let es = lang.starts_with("es");
        let pick = |en: String, es_text: String| if es { es_text } else { en };
        match self {
            AnswerError::Required => pick("Answer this question".into(), "Responda esta pregunta".into()),
            AnswerError::MoreThanOneValue => pick("Give one answer only".into(), "Dé una sola respuesta".into()),
            AnswerError::TooLong { max } => pick(format!("Use {max} characters or fewer"), format!("Use {max} caracteres o menos")),
            AnswerError::TooManyWords { max } => pick(format!("Use {max} words or fewer"), format!("Use {max} palabras o menos")),
            AnswerError::NotANumber => pick("Enter a number, like 12 or 2.5".into(), "Ingrese un número, como 12 o 2,5".into()),
            AnswerError::NotAWholeNumber => pick("Enter a whole number".into(), "Ingrese un número entero".into()),
            AnswerError::TooManyDecimals { max } => pick(format!("Use {max} decimal places or fewer"), format!("Use {max} decimales o menos")),
            AnswerError::NumberTooLarge => pick("This number is too large".into(), "Este número es demasiado grande".into()),
            AnswerError::BelowMinimum { min } => pick(format!("Enter {min} or more"), format!("Ingrese {min} o más")),
            AnswerError::AboveMaximum { max } => pick(format!("Enter {max} or less"), format!("Ingrese {max} o menos")),
            AnswerError::PriceFormat => pick(
                "Enter the price with digits only, like 1500 or 1500.50, without letters or currency signs".into(),
                "Ingrese el precio solo con dígitos, como 1500 o 1500,50, sin letras ni signos de moneda".into(),
            ),
            AnswerError::PricePrecision => pick("A price has at most two decimal places".into(), "Un precio tiene como máximo dos decimales".into()),
            AnswerError::PriceTooLarge => pick("This price is too large".into(), "Este precio es demasiado alto".into()),
            AnswerError::PricingUnit => pick("Choose a pricing unit".into(), "Elija una unidad de precio".into()),
            AnswerError::Currency => pick("Choose one of the currencies offered".into(), "Elija una de las monedas ofrecidas".into()),
            AnswerError::UnknownOption => pick("Choose one of the options".into(), "Elija una de las opciones".into()),
            AnswerError::TooFewSelected { min } => pick(format!("Choose at least {min}"), format!("Elija al menos {min}")),
            AnswerError::TooManySelected { max } => pick(format!("Choose at most {max}"), format!("Elija como máximo {max}")),
            AnswerError::NotYesOrNo => pick("Choose yes or no".into(), "Elija sí o no".into()),
            AnswerError::TooManyItems { max } => pick(format!("Give {max} items or fewer"), format!("Indique {max} elementos o menos")),
            AnswerError::ItemTooLong { max } => pick(format!("Keep each item to {max} characters or fewer"), format!("Cada elemento debe tener {max} caracteres o menos")),
            AnswerError::ItemTooManyWords { max } => pick(format!("Keep each item to {max} words or fewer"), format!("Cada elemento debe tener {max} palabras o menos")),
        }
    }
}
