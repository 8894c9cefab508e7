//! The parameter form: one raw text per field, checked as typed.

use asyncscope_core::params::{ParamSpec, to_query, unique_pairs};

/// The parameter form: one raw text per spec, validated as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The demo's parameters.
    pub specs: &'static [ParamSpec],
    /// The text of each field, in spec order.
    pub values: Vec<String>,
    /// Per field, what the link got wrong about it that its text cannot
    /// show (a name given more than once), until the field is edited.
    pub link_errors: Vec<Option<String>>,
    /// Messages for URL parameters this demo does not take.
    pub unknown: Vec<String>,
    /// The seed of the run's random source, as typed (`seed` in the URL).
    pub seed: String,
    /// What the link got wrong about the seed, until it is edited.
    pub seed_link_error: Option<String>,
}

impl Form {
    /// Fills the form from a URL query: given values as they are (a bad
    /// one shows as an error on its field), the rest with defaults. A name
    /// given more than once is refused by the core's one rule
    /// ([`unique_pairs`]): its field shows the first value with that error,
    /// and the form does not run until the field is edited.
    pub fn from_query(specs: &'static [ParamSpec], query: &[(String, String)]) -> Self {
        let repeated = unique_pairs(query.iter().cloned()).err().unwrap_or_default();
        let link_error = |name: &str| repeated.iter().find(|e| e.name == name).map(|e| e.message.clone());
        let given = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let values = specs
            .iter()
            .map(|s| given(s.name).unwrap_or_else(|| s.default.to_string()))
            .collect();
        let link_errors = specs.iter().map(|s| link_error(s.name)).collect();
        let names: Vec<_> = specs.iter().map(|s| s.name).collect();
        let mut unknown: Vec<String> = Vec::new();
        for (k, _) in query {
            let note = format!("The link names a parameter this demo does not take, {k}; it was ignored.");
            if !names.contains(&k.as_str()) && k != SEED && !unknown.contains(&note) {
                unknown.push(note);
            }
        }
        Self {
            specs,
            values,
            link_errors,
            unknown,
            seed: given(SEED).unwrap_or_else(|| "0".to_string()),
            seed_link_error: link_error(SEED),
        }
    }

    /// Sets the text of field `index`, which clears what the link got
    /// wrong about it; false if nothing changes.
    pub fn edit(&mut self, index: usize, value: String) -> bool {
        let (Some(slot), Some(link_error)) = (self.values.get_mut(index), self.link_errors.get_mut(index)) else {
            return false;
        };
        if *slot == value && link_error.is_none() {
            return false;
        }
        *slot = value;
        *link_error = None;
        true
    }

    /// Sets the text of the seed, which clears what the link got wrong
    /// about it; false if nothing changes.
    pub fn edit_seed(&mut self, seed: String) -> bool {
        if self.seed == seed && self.seed_link_error.is_none() {
            return false;
        }
        self.seed = seed;
        self.seed_link_error = None;
        true
    }

    /// The seed, if its text is a whole number.
    pub fn seed(&self) -> Result<u64, String> {
        if let Some(error) = &self.seed_link_error {
            return Err(error.clone());
        }
        let raw = self.seed.trim();
        raw.parse::<u64>()
            .map_err(|_| format!("seed must be a whole number from 0 to {}; got \"{raw}\"", u64::MAX))
    }

    /// The error of field `index`: what the link got wrong about it, or
    /// why its text is not allowed.
    pub fn field_error(&self, index: usize) -> Option<String> {
        if let Some(Some(error)) = self.link_errors.get(index) {
            return Some(error.clone());
        }
        let spec = self.specs.get(index)?;
        spec.check(self.values.get(index).map_or("", String::as_str))
            .err()
            .map(|e| e.message)
    }

    /// True when every field (and the seed) is allowed.
    pub fn is_valid(&self) -> bool {
        (0..self.specs.len()).all(|i| self.field_error(i).is_none()) && self.seed().is_ok()
    }

    /// The fields as `name=value` pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name.to_string(), v.trim().to_string()))
            .collect()
    }

    /// The fields as a URL query, to mirror in the address bar; the seed
    /// is added when it is not 0.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .specs
            .iter()
            .zip(&self.values)
            .map(|(s, v)| (s.name, v.trim().to_string()))
            .collect();
        if self.seed.trim() != "0" {
            pairs.push((SEED, self.seed.trim().to_string()));
        }
        to_query(&pairs)
    }

    /// The fields that differ from their defaults, as `name=value` words:
    /// how a pinned run is labelled.
    pub fn summary(&self) -> String {
        let changed: Vec<String> = self
            .specs
            .iter()
            .zip(&self.values)
            .filter(|(s, v)| v.trim() != s.default)
            .map(|(s, v)| format!("{}={}", s.name, v.trim()))
            .collect();
        if changed.is_empty() {
            "defaults".to_string()
        } else {
            changed.join(" ")
        }
    }
}

/// The URL parameter that carries the seed.
pub const SEED: &str = "seed";

#[cfg(test)]
mod tests {
    use super::*;
    use asyncscope_core::demos::sequential_vs_concurrent::SPECS;

    fn q(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn form_keeps_bad_url_values_on_their_field() {
        let form = Form::from_query(SPECS, &q(&[("jobs", "0"), ("duration_ms", "25"), ("colour", "red")]));
        assert_eq!(form.values, ["both", "0", "25"]);
        assert_eq!(
            form.field_error(1).as_deref(),
            Some("jobs must be a whole number from 1 to 50; got 0")
        );
        assert_eq!(form.field_error(2), None);
        assert!(!form.is_valid());
        assert_eq!(form.unknown.len(), 1);
        assert!(form.unknown[0].contains("colour"));
    }

    #[test]
    fn a_name_given_twice_in_the_link_is_an_error_on_its_field() {
        let mut form = Form::from_query(
            SPECS,
            &q(&[
                ("jobs", "3"),
                ("duration_ms", "25"),
                ("jobs", "4"),
                ("seed", "1"),
                ("seed", "2"),
            ]),
        );
        assert_eq!(form.values, ["both", "3", "25"]);
        assert_eq!(form.field_error(1).as_deref(), Some("jobs is given more than once"));
        assert_eq!(form.field_error(2), None);
        assert_eq!(form.seed(), Err("seed is given more than once".to_string()));
        assert!(!form.is_valid());
        assert!(form.edit(1, "3".to_string()), "editing the field settles it");
        assert_eq!(form.field_error(1), None);
        assert!(!form.edit(1, "3".to_string()));
        assert!(form.edit_seed("1".to_string()));
        assert_eq!(form.seed(), Ok(1));
        assert!(form.is_valid());
        let twice = Form::from_query(SPECS, &q(&[("colour", "red"), ("colour", "blue")]));
        assert_eq!(twice.unknown.len(), 1, "one note per unknown name");
    }

    #[test]
    fn the_seed_rides_in_the_link() {
        let form = Form::from_query(SPECS, &q(&[("seed", "42"), ("jobs", "3")]));
        assert!(form.unknown.is_empty(), "seed is the page's, not unknown");
        assert_eq!(form.seed(), Ok(42));
        assert_eq!(form.query(), "mode=both&jobs=3&duration_ms=3000&seed=42");
        assert_eq!(form.summary(), "jobs=3");
        assert_eq!(
            Form::from_query(SPECS, &[]).query(),
            "mode=both&jobs=2&duration_ms=3000"
        );
    }
}
