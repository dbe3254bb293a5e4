//! A JSON value that borrows from the text it was parsed from, for merging many releases fast.
//!
//! `serde_json::Value` owns every string and keeps objects in a `BTreeMap`: parsing a release
//! into it allocates once per key, per string and per map node, and that was most of the time
//! `ocds compile` spent. [`Val`] borrows strings that have no escapes straight from the input,
//! keeps objects as vectors, and is otherwise the same value: numbers are `serde_json::Number`s
//! read by the same parser, object members are sorted by key with the last of a repeated key
//! kept (as a `BTreeMap` would), and it serializes to the same bytes as the `Value` would.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// A JSON value borrowing its strings from the parsed text where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Num(Number),
    /// A string; borrowed unless it had escapes.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Val<'a>>),
    /// An object: members sorted by key, each key once.
    Obj(Vec<(Cow<'a, str>, Val<'a>)>),
}

impl<'a> Val<'a> {
    /// Parses JSON text, borrowing from it.
    ///
    /// # Errors
    /// The text is not one JSON value (the same errors as `serde_json::from_slice`).
    pub fn parse(text: &'a [u8]) -> Result<Self, serde_json::Error> {
        // Checking the UTF-8 of the whole text at once is much faster than `from_slice`'s check
        // of each string; invalid text is left to `from_slice`, for its error and position.
        // Most text takes the fast reader below; anything it does not take (bad JSON, escapes it
        // leaves to serde, nesting deeper than serde allows) is read by `serde_json`, which
        // gives the value or the error it always gave.
        match simdutf8::basic::from_utf8(text) {
            Ok(text) => match fast::parse(text) {
                Some(val) => Ok(val),
                None => serde_json::from_str(text),
            },
            Err(_) => serde_json::from_slice(text),
        }
    }

    /// A view of a `serde_json::Value`, borrowing its strings.
    pub fn from_value(value: &'a Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Num(n.clone()),
            Value::String(s) => Self::Str(Cow::Borrowed(s)),
            Value::Array(items) => Self::Arr(items.iter().map(Self::from_value).collect()),
            // A `Map` iterates in key order with each key once, as `Obj` requires.
            Value::Object(map) => Self::Obj(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Self::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The owned `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Num(n) => Value::Number(n.clone()),
            Self::Str(s) => Value::String(s.clone().into_owned()),
            Self::Arr(items) => Value::Array(items.iter().map(Self::to_value).collect()),
            Self::Obj(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone().into_owned(), v.to_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Obj(members) => members
                .binary_search_by(|(k, _)| key_order(k, key))
                .ok()
                .map(|i| &members[i].1),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Self::Obj(_))
    }
}

impl Serialize for Val<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Num(n) => n.serialize(serializer),
            Self::Str(s) => serializer.serialize_str(s),
            Self::Arr(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Obj(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key.as_ref(), value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Val::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Val::Num(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Val::Num(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        // As `serde_json::Value` does: a float with no JSON form is `null`.
        Ok(Number::from_f64(v).map_or(Val::Null, Val::Num))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Val::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Val::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Val<'de>)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value()?;
            members.push((key, value));
        }
        sort_members(&mut members);
        Ok(Val::Obj(members))
    }
}

/// A reader of JSON text into [`Val`] that borrows every string without escapes; about twice as
/// fast as going through serde's visitors. It accepts exactly what `serde_json` accepts or gives
/// up (`None`), and takes numbers and escaped strings from `serde_json` itself, so the values are
/// the same.
mod fast {
    use std::borrow::Cow;

    use super::{Val, sort_members};

    /// Deeper text is left to `serde_json`, whose own limit (128) then applies with its error.
    const MAX_DEPTH: usize = 100;

    pub(super) fn parse(text: &str) -> Option<Val<'_>> {
        let mut reader = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
        };
        reader.space();
        let val = reader.value()?;
        reader.space();
        (reader.at == reader.bytes.len()).then_some(val)
    }

    struct Reader<'a> {
        text: &'a str,
        bytes: &'a [u8],
        at: usize,
        depth: usize,
    }

    impl<'a> Reader<'a> {
        fn space(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
                self.at += 1;
            }
        }

        fn value(&mut self) -> Option<Val<'a>> {
            match *self.bytes.get(self.at)? {
                b'"' => self.string().map(Val::Str),
                b'{' => self.object(),
                b'[' => self.array(),
                b't' => self.literal("true", Val::Bool(true)),
                b'f' => self.literal("false", Val::Bool(false)),
                b'n' => self.literal("null", Val::Null),
                b'-' | b'0'..=b'9' => self.number(),
                _ => None,
            }
        }

        fn literal(&mut self, word: &str, val: Val<'a>) -> Option<Val<'a>> {
            let end = self.at + word.len();
            (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
                self.at = end;
                val
            })
        }

        fn number(&mut self) -> Option<Val<'a>> {
            let start = self.at;
            while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes.get(self.at)
            {
                self.at += 1;
            }
            // serde_json checks the grammar and reads the value (integer or float) as it would in
            // a document; a number too large for a float is its error, so it is left to it.
            let number: serde_json::Number =
                serde_json::from_str(self.text.get(start..self.at)?).ok()?;
            Some(Val::Num(number))
        }

        /// A string from its opening quote.
        fn string(&mut self) -> Option<Cow<'a, str>> {
            let start = self.at + 1;
            let stop = crate::bytescan::string_stop::<true>(self.bytes, start)?;
            match self.bytes[stop] {
                b'"' => {
                    self.at = stop + 1;
                    self.text.get(start..stop).map(Cow::Borrowed)
                }
                b'\\' => self.escaped(start),
                _ => None,
            }
        }

        /// A string with escapes, from just after its opening quote: decoded by `serde_json`.
        fn escaped(&mut self, start: usize) -> Option<Cow<'a, str>> {
            let bytes = self.bytes;
            let mut i = start;
            loop {
                match *bytes.get(i)? {
                    b'"' => break,
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
            let decoded: String = serde_json::from_str(self.text.get(start - 1..=i)?).ok()?;
            self.at = i + 1;
            Some(Cow::Owned(decoded))
        }

        fn enter(&mut self) -> Option<()> {
            self.depth += 1;
            self.at += 1;
            self.space();
            (self.depth <= MAX_DEPTH).then_some(())
        }

        fn array(&mut self) -> Option<Val<'a>> {
            self.enter()?;
            let mut items = Vec::new();
            if self.bytes.get(self.at) == Some(&b']') {
                self.at += 1;
                self.depth -= 1;
                return Some(Val::Arr(items));
            }
            loop {
                items.push(self.value()?);
                self.space();
                match *self.bytes.get(self.at)? {
                    b',' => {
                        self.at += 1;
                        self.space();
                    }
                    b']' => {
                        self.at += 1;
                        self.depth -= 1;
                        return Some(Val::Arr(items));
                    }
                    _ => return None,
                }
            }
        }

        fn object(&mut self) -> Option<Val<'a>> {
            self.enter()?;
            let mut members = Vec::new();
            if self.bytes.get(self.at) == Some(&b'}') {
                self.at += 1;
                self.depth -= 1;
                return Some(Val::Obj(members));
            }
            loop {
                if self.bytes.get(self.at) != Some(&b'"') {
                    return None;
                }
                let key = self.string()?;
                self.space();
                if self.bytes.get(self.at) != Some(&b':') {
                    return None;
                }
                self.at += 1;
                self.space();
                members.push((key, self.value()?));
                self.space();
                match *self.bytes.get(self.at)? {
                    b',' => {
                        self.at += 1;
                        self.space();
                    }
                    b'}' => {
                        self.at += 1;
                        self.depth -= 1;
                        sort_members(&mut members);
                        return Some(Val::Obj(members));
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// Puts members in key order and keeps the last of a repeated key, as a `BTreeMap` would.
fn sort_members(members: &mut Vec<(Cow<'_, str>, Val<'_>)>) {
    if members
        .windows(2)
        .all(|w| key_order(&w[0].0, &w[1].0) == Ordering::Less)
    {
        return;
    }
    // Stable: among equal keys the input order stays, so the last one is the last written.
    members.sort_by(|a, b| key_order(&a.0, &b.0));
    members.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            std::mem::swap(&mut later.1, &mut kept.1);
            true
        } else {
            false
        }
    });
}

/// The order of two keys: `str`'s (bytewise), compared inline. Keys are short and mostly differ
/// in their first bytes, where a call to `memcmp` for each comparison cost more than the work.
#[inline]
pub(crate) fn key_order(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Reads an object key, borrowed when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        std::str::from_utf8(v)
            .map(Cow::Borrowed)
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e12..1e12_f64).prop_map(Value::from),
            "[a-c\"\\\\/\u{e9}\u{1F600}\n\t]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-d\"\\\\]{0,3}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// JSON text of `value` whose objects list their keys in reverse and repeat some of them.
    fn scrambled(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                out.push('{');
                let mut first = true;
                for (k, v) in map.iter().rev() {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    let key = serde_json::to_string(k).unwrap_or_default();
                    // A repeated key: the earlier copy must lose.
                    out.push_str(&key);
                    out.push_str(":\"stale\",");
                    out.push_str(&key);
                    out.push(':');
                    scrambled(v, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    scrambled(item, out);
                }
                out.push(']');
            }
            // `\u` escapes for every non-ASCII character, so escaped strings take the owned path.
            Value::String(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                        c => {
                            let mut buf = [0_u16; 2];
                            for unit in c.encode_utf16(&mut buf) {
                                out.push_str(&format!("\\u{unit:04x}"));
                            }
                        }
                    }
                }
                out.push('"');
            }
            other => out.push_str(&other.to_string()),
        }
    }

    proptest! {
        #[test]
        fn parses_and_writes_what_serde_json_value_does(value in json_value()) {
            let text = serde_json::to_vec(&value).unwrap_or_default();
            let val = Val::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(val.to_value(), value.clone());
            prop_assert_eq!(serde_json::to_vec(&val).unwrap_or_default(), text.clone());
            prop_assert_eq!(Val::from_value(&value), val);
        }

        #[test]
        fn repeated_and_unsorted_keys_end_as_a_map_would(value in json_value()) {
            let mut text = String::new();
            scrambled(&value, &mut text);
            let parsed: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let val = Val::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&parsed, &value);
            prop_assert_eq!(val.to_value(), parsed.clone());
            prop_assert_eq!(serde_json::to_string(&val).ok(), serde_json::to_string(&parsed).ok());
        }
    }

    /// Text made of JSON's own characters, mostly not JSON.
    fn json_ish() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "{", "}", "[", "]", "\"", ",", ":", " ", "\n", "0", "1", "-", ".", "e", "+", "a",
                "\\", "\\u00e9", "\\ud83d", "\\n", "true", "null", "\u{1}", "\u{e9}", "1e999",
            ]),
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn the_fast_reader_agrees_with_serde_json_on_any_text(text in json_ish()) {
            let ours = Val::parse(text.as_bytes()).map(|v| v.to_value()).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn the_fast_reader_takes_what_serde_json_writes(value in json_value()) {
            for text in [serde_json::to_string(&value), serde_json::to_string_pretty(&value)] {
                let text = text.map_err(|e| TestCaseError::fail(e.to_string()))?;
                let fast = fast::parse(&text).map(|v| v.to_value());
                prop_assert_eq!(fast, Some(value.clone()));
            }
        }
    }

    proptest! {
        #[test]
        fn keys_order_as_strings_do(a in "[a-c\u{e9}\u{1F600}]{0,5}", b in "[a-c\u{e9}\u{1F600}]{0,5}") {
            prop_assert_eq!(key_order(&a, &b), a.cmp(&b));
        }
    }

    #[test]
    fn deep_nesting_is_left_to_serde_json() {
        for depth in [99, 100, 101, 127, 128, 129, 200] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let ours = Val::parse(text.as_bytes())
                .map(|v| v.to_value())
                .map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "depth {depth}");
        }
    }

    #[test]
    fn numbers_and_escapes_read_as_serde_json_reads_them() {
        let text = r#"{"a":[0,-0,1.5,-2,1e3,18446744073709551615,18446744073709551616,-9223372036854775809,0.1e-2],"b":"x\"y\u00e9\ud83d\ude00\/","c":"\u0000"}"#;
        let ours = Val::parse(text.as_bytes())
            .map(|v| v.to_value())
            .map_err(|e| e.to_string());
        let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
        assert_eq!(ours, theirs);
        assert!(fast::parse(text).is_some());
    }

    #[test]
    fn unescaped_strings_and_keys_are_borrowed() -> Result<(), serde_json::Error> {
        let text = br#"{"b":"plain","a":"esc\u00e9"}"#;
        let val = Val::parse(text)?;
        let Val::Obj(members) = &val else {
            panic!("not an object: {val:?}");
        };
        assert!(matches!(members[0].0, Cow::Borrowed("a")));
        assert!(matches!(members[0].1, Val::Str(Cow::Owned(ref s)) if s == "esc\u{e9}"));
        assert!(matches!(members[1].1, Val::Str(Cow::Borrowed("plain"))));
        assert_eq!(val.get("b").and_then(Val::as_str), Some("plain"));
        assert_eq!(val.get("c"), None);
        Ok(())
    }

    #[test]
    fn bad_json_is_refused_like_serde_json() {
        for text in [
            &b"{\"a\":1,}"[..],
            b"[1 2]",
            b"\"\xff\"",
            b"{\"a\"}",
            b"01",
            b"1e999",
        ] {
            let ours = Val::parse(text).map_err(|e| e.to_string());
            let theirs = serde_json::from_slice::<Value>(text).map_err(|e| e.to_string());
            assert!(ours.is_err(), "{text:?} accepted");
            assert_eq!(ours.err(), theirs.err(), "{text:?}");
        }
    }
}
