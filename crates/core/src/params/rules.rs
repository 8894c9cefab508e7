//! What a demo declares about its parameters beyond each one's own range:
//! rules across fields ([`CrossRule`]), when a parameter matters
//! ([`When`]), whether a run draws random numbers ([`Randomness`]), and
//! named parameter sets worth trying ([`Preset`]). The page's form and the
//! command line read the same declarations.

use super::{ParamError, ParamSpec, Value};
use crate::Bilingual;

/// A rule across fields: `fetch`'s `max_delay_ms` is at least its
/// `min_delay_ms`. The form shows a broken rule's message under every field
/// it names and does not run; `from_pairs` (so the command line) refuses
/// it with the same message.
#[derive(Clone, Copy, Debug)]
pub struct CrossRule {
    /// The parameters it concerns, by name; `check` gets their values in
    /// this order.
    pub fields: &'static [&'static str],
    /// `Err` with a sentence naming what is allowed when the values break
    /// the rule, in English and in Chinese, with the same names and
    /// numbers.
    pub check: fn(&[Value]) -> Result<(), Bilingual>,
}

/// Rules compare by the fields they name (a function cannot be compared).
impl PartialEq for CrossRule {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields
    }
}

impl Eq for CrossRule {}

impl CrossRule {
    /// The rule's message if `values` (one per spec, `None` where the
    /// field's own value is not allowed) break it. A rule with a field
    /// that has no value is not judged: that field's own error comes first.
    pub fn broken(&self, specs: &[ParamSpec], values: &[Option<Value>]) -> Option<Bilingual> {
        let mut given = Vec::with_capacity(self.fields.len());
        for name in self.fields {
            let i = specs.iter().position(|s| s.name == *name)?;
            given.push(values.get(i)?.clone()?);
        }
        (self.check)(&given).err()
    }

    /// True if the rule names the parameter `name`.
    pub fn concerns(&self, name: &str) -> bool {
        self.fields.contains(&name)
    }
}

/// The rules `values` break, each as an error named by the rule's first
/// field, in the order declared.
pub fn broken_rules(specs: &[ParamSpec], rules: &[CrossRule], values: &[Value]) -> Vec<ParamError> {
    let values: Vec<Option<Value>> = values.iter().cloned().map(Some).collect();
    rules
        .iter()
        .filter_map(|rule| {
            let message = rule.broken(specs, &values)?;
            let name = rule.fields.first().copied().unwrap_or_default();
            Some(ParamError::new(name, message))
        })
        .collect()
}

/// When a parameter matters: while the parameter `name` has one of
/// `values` (`is`), or none of them (`!is`). Values compare as a link
/// writes them ([`Value::text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// The parameter it depends on.
    pub name: &'static str,
    /// The values that decide.
    pub values: &'static [&'static str],
    /// True: it matters while `name` is one of `values`; false: while it
    /// is none of them.
    pub is: bool,
}

impl When {
    /// Whether it holds for the parameter's value; a value that is not
    /// allowed (`None`) holds, so nothing is hidden by a typo.
    pub fn holds(&self, value: Option<&Value>) -> bool {
        value.is_none_or(|v| self.values.contains(&v.text().as_str()) == self.is)
    }

    /// Whether it holds for the values of a demo's parameters (one per
    /// spec, `None` where not allowed).
    pub fn holds_in(&self, specs: &[ParamSpec], values: &[Option<Value>]) -> bool {
        let Some(i) = specs.iter().position(|s| s.name == self.name) else {
            return true;
        };
        self.holds(values.get(i).and_then(Option::as_ref))
    }
}

/// Whether the parameter `index` matters with these values (one per spec,
/// `None` where not allowed): it has no [`When`], or its `When` holds.
pub fn applies(specs: &[ParamSpec], values: &[Option<Value>], index: usize) -> bool {
    specs
        .get(index)
        .and_then(|s| s.when)
        .is_none_or(|when| when.holds_in(specs, values))
}

/// Whether a demo's run draws from the seeded random source, so that its
/// seed matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Randomness {
    /// Nothing in it is random: the seed changes nothing.
    Never,
    /// Every run draws random numbers.
    Always,
    /// Only while the condition holds (`retry` with `jitter` other than
    /// `none`).
    When(When),
}

impl Randomness {
    /// Whether a run with these values (one per spec, `None` where not
    /// allowed) draws random numbers.
    pub fn used(&self, specs: &[ParamSpec], values: &[Option<Value>]) -> bool {
        match self {
            Randomness::Never => false,
            Randomness::Always => true,
            Randomness::When(when) => when.holds_in(specs, values),
        }
    }
}

/// A named set of parameters worth trying ("Try this"), with one line on
/// what it shows, in English and in Simplified Chinese. Parameters it does
/// not name take their defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// A short name, in English.
    pub name_en: &'static str,
    /// The short name, in Simplified Chinese.
    pub name_zh: &'static str,
    /// What it shows, in one line, in English.
    pub why_en: &'static str,
    /// What it shows, in Simplified Chinese.
    pub why_zh: &'static str,
    /// The parameters it sets, as a link would give them.
    pub pairs: &'static [(&'static str, &'static str)],
}

impl Preset {
    /// Its parameters as owned `name=value` pairs.
    pub fn owned_pairs(&self) -> Vec<(String, String)> {
        self.pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }
}
