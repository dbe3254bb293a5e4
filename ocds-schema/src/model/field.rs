//! `Field<T>`: an optional OCDS field that tells absent, explicit `null` and invalid values apart.
//!
//! OCDS releases use an explicit `null` to delete a value when merging, so `Option<T>` would
//! lose information. A value of the wrong type (e.g. a string `amount` in foreign data) is kept
//! as [`Field::Invalid`], so that such data still round-trips; the validator reports it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field: absent, `null`, a typed value, or a value that does not fit the type.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// The field is not in the object.
    #[default]
    Absent,
    /// The field is `null` (in a release: delete the value when merging).
    Null,
    /// A well-typed value.
    Value(T),
    /// A value that does not deserialize as `T`, kept verbatim.
    Invalid(serde_json::Value),
}

impl<T> Field<T> {
    /// Whether the field is absent (used by `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The typed value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The typed value, mutably, if there is one.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Absent, Self::Value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
            Self::Invalid(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        if raw.is_null() {
            return Ok(Self::Null);
        }
        Ok(match T::deserialize(&raw) {
            Ok(value) => Self::Value(value),
            Err(_) => Self::Invalid(raw),
        })
    }
}
