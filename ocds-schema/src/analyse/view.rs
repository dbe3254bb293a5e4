//! A borrowed, lenient view of the fields of a compiled release that the analyses read.
//!
//! Only these fields are parsed; everything else is skipped without building values. A field of
//! the wrong JSON type reads as absent (Cardinal's rule: a numeric id or a string amount is
//! ignored), so a single odd field never costs the whole release.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

/// A string, or nothing when the JSON value is absent, null or not a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl Text<'_> {
    /// The string, if there is one.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON number: its value, and whether it was written as an unsigned integer.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Num(pub Option<(f64, Option<u64>)>);

impl Num {
    /// The number as a float.
    pub fn value(&self) -> Option<f64> {
        self.0.map(|(v, _)| v)
    }
    /// The number, if it was written as an unsigned integer.
    pub fn unsigned(&self) -> Option<u64> {
        self.0.and_then(|(_, u)| u)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Some((v as f64, Some(v)))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Some((v as f64, None))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(Some((v, None))))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Num, E> {
                Ok(Num(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Num, E> {
                Ok(Num(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list, or nothing when the JSON value is not an array; elements that do not fit the
/// element type are skipped one by one.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T>(pub Option<Vec<T>>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(None)
    }
}

impl<T> List<T> {
    /// The elements (none when absent).
    pub fn items(&self) -> &[T] {
        self.0.as_deref().unwrap_or_default()
    }
    /// Whether the JSON value was an array.
    pub fn is_array(&self) -> bool {
        self.0.is_some()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<List<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = a.next_element::<Maybe<T>>()? {
                    if let Some(item) = item.0 {
                        out.push(item);
                    }
                }
                Ok(List(Some(out)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<List<T>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
                Ok(List(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
                Ok(List(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An object of type `T`, or nothing when the JSON value is not an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Maybe<T>(pub Option<T>);

impl<T> Default for Maybe<T> {
    fn default() -> Self {
        Maybe(None)
    }
}

impl<T> Maybe<T> {
    /// The object, if there is one.
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Maybe<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, a: A) -> Result<Maybe<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(a)).map(|t| Maybe(Some(t)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Maybe<T>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Maybe(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Maybe<T>, E> {
                Ok(Maybe(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A compiled release, as far as the analyses read it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Compiled<'a> {
    /// `ocid`.
    #[serde(borrow)]
    pub ocid: Text<'a>,
    /// `buyer`.
    #[serde(borrow)]
    pub buyer: Maybe<OrgRef<'a>>,
    /// `tender`.
    #[serde(borrow)]
    pub tender: Maybe<Tender<'a>>,
    /// `bids`.
    #[serde(borrow)]
    pub bids: Maybe<Bids<'a>>,
    /// `awards`.
    #[serde(borrow)]
    pub awards: List<Award<'a>>,
    /// `contracts`.
    #[serde(borrow)]
    pub contracts: List<Contract<'a>>,
    /// `parties`.
    #[serde(borrow)]
    pub parties: List<Party<'a>>,
}

/// An organisation reference.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgRef<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
}

/// `tender`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tender<'a> {
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `procurementMethod`.
    #[serde(borrow)]
    pub procurement_method: Text<'a>,
    /// `procurementMethodDetails`.
    #[serde(borrow)]
    pub procurement_method_details: Text<'a>,
    /// `tenderPeriod`.
    #[serde(borrow)]
    pub tender_period: Maybe<Period<'a>>,
    /// `procuringEntity`.
    #[serde(borrow)]
    pub procuring_entity: Maybe<OrgRef<'a>>,
    /// `numberOfTenderers`.
    pub number_of_tenderers: Num,
}

/// A period.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Period<'a> {
    /// `startDate`.
    #[serde(borrow)]
    pub start_date: Text<'a>,
    /// `endDate`.
    #[serde(borrow)]
    pub end_date: Text<'a>,
}

/// `bids`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bids<'a> {
    /// `details`.
    #[serde(borrow)]
    pub details: List<Bid<'a>>,
}

/// One bid.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bid<'a> {
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
    /// `tenderers`.
    #[serde(borrow)]
    pub tenderers: List<OrgRef<'a>>,
}

/// A monetary value.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Value<'a> {
    /// `amount`.
    pub amount: Num,
    /// `currency`.
    #[serde(borrow)]
    pub currency: Text<'a>,
}

impl Value<'_> {
    /// The amount and currency, when both have the right type.
    pub fn money(&self) -> Option<(f64, &str)> {
        Some((self.amount.value()?, self.currency.get()?))
    }
}

/// One award.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Award<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
    /// `suppliers`.
    #[serde(borrow)]
    pub suppliers: List<OrgRef<'a>>,
    /// `items`.
    #[serde(borrow)]
    pub items: List<Item<'a>>,
}

/// An item, for its classification.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Item<'a> {
    /// `classification`.
    #[serde(borrow)]
    pub classification: Maybe<OrgRef<'a>>,
}

/// One contract.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contract<'a> {
    /// `awardID`.
    #[serde(rename = "awardID", borrow)]
    pub award_id: Text<'a>,
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
}

/// A party, for its roles and size.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Party<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `details`.
    #[serde(borrow)]
    pub details: Maybe<PartyDetails<'a>>,
}

/// `details` of a party.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PartyDetails<'a> {
    /// `scale` (sme, micro, small, medium, large).
    #[serde(borrow)]
    pub scale: Text<'a>,
}
