//! `Duration` as whole microseconds in JSON: how every time and duration
//! of a trace is written.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_micros)
}

/// [`Nanos`](super::Nanos) as whole microseconds in JSON, as a `Duration`
/// is.
pub mod nanos {
    use serde::{Deserializer, Serializer};

    use crate::trace::Nanos;

    pub fn serialize<S: Serializer>(n: &Nanos, s: S) -> Result<S::Ok, S::Error> {
        super::serialize(&n.get(), s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Nanos, D::Error> {
        super::deserialize(d).map(Nanos::from)
    }
}
