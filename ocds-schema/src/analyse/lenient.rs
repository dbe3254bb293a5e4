//! Lenient JSON values for the borrowed view: a value of the wrong JSON type reads as absent
//! (Cardinal's rule: a numeric id or a string amount is ignored), so a single odd field never
//! costs the whole release.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

/// Writes the visitor methods that read the listed JSON kinds as absent (`$none`), skipping
/// arrays and objects without building them.
macro_rules! absent {
    ($de:lifetime, $none:expr; $($kind:ident)*) => { $( absent!(@$kind $de, $none); )* };
    (@bool $de:lifetime, $none:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> { Ok($none) }
    };
    (@i64 $de:lifetime, $none:expr) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> { Ok($none) }
    };
    (@u64 $de:lifetime, $none:expr) => {
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> { Ok($none) }
    };
    (@f64 $de:lifetime, $none:expr) => {
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> { Ok($none) }
    };
    (@str $de:lifetime, $none:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> { Ok($none) }
    };
    (@unit $de:lifetime, $none:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> { Ok($none) }
    };
    (@seq $de:lifetime, $none:expr) => {
        fn visit_seq<A: de::SeqAccess<$de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_element::<IgnoredAny>()?.is_some() {}
            Ok($none)
        }
    };
    (@map $de:lifetime, $none:expr) => {
        fn visit_map<A: de::MapAccess<$de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($none)
        }
    };
}

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
            absent!('de, Text(None); bool i64 u64 f64 unit seq map);
        }
        d.deserialize_any(V)
    }
}

/// A JSON boolean, or nothing when the value is of another type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bool(pub Option<bool>);

impl<'de> Deserialize<'de> for Bool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bool;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bool, E> {
                Ok(Bool(Some(v)))
            }
            absent!('de, Bool(None); i64 u64 f64 str unit seq map);
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
            absent!('de, Num(None); str bool unit seq map);
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
            absent!('de, List(None); map str bool i64 u64 f64 unit);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list of strings; other elements, and a value that is not an array, are skipped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Strings<'a>(pub Vec<Cow<'a, str>>);

impl Strings<'_> {
    /// The strings.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|s| s.as_ref())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Strings<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strings<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(item)) = a.next_element::<Text<'de>>()? {
                    out.extend(item);
                }
                Ok(Strings(out))
            }
            absent!('de, Strings(Vec::new()); map str bool i64 u64 f64 unit);
        }
        d.deserialize_any(V)
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
            absent!('de, Maybe(None); seq str bool i64 u64 f64 unit);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
