//! The parameter form: one raw text per field, checked as typed.

use asyncscope_core::Bilingual;
use asyncscope_core::params::{
    CrossRule, ParamKind, ParamSpec, Randomness, Value, applies, quoted, quoted_zh, to_query, unique_pairs,
};

/// The parameter form: one raw text per spec, validated as typed. What it
/// says about bad input it says in English and in Chinese
/// ([`Bilingual`]), for the page to show in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The demo's parameters.
    pub specs: &'static [ParamSpec],
    /// The text of each field, in spec order.
    pub values: Vec<String>,
    /// Per field, what the link got wrong about it that its text cannot
    /// show (a name given more than once), until the field is edited.
    pub link_errors: Vec<Option<Bilingual>>,
    /// Per menu, a value the link gave that is not one of its choices:
    /// the menu shows its default (never a third value), and the field
    /// says why until it is edited. The default is what runs.
    pub link_notes: Vec<Option<Bilingual>>,
    /// The demo's rules across fields: a broken one is an error under
    /// every field it names.
    pub rules: &'static [CrossRule],
    /// Whether the demo's runs draw random numbers (so whether the seed is
    /// shown).
    pub random: Randomness,
    /// Messages for URL parameters this demo does not take.
    pub unknown: Vec<Bilingual>,
    /// The seed of the run's random source, as typed (`seed` in the URL).
    pub seed: String,
    /// What the link got wrong about the seed, until it is edited.
    pub seed_link_error: Option<Bilingual>,
}

impl Form {
    /// Fills the form from a URL query: given values as they are (a bad
    /// one shows as an error on its field), the rest with defaults. A name
    /// given more than once is refused by the core's one rule
    /// ([`unique_pairs`]): its field shows the first value with that error,
    /// and the form does not run until the field is edited.
    /// A menu's value that is not one of its choices shows as its default,
    /// with the error as a note on the field; one in another case (`OK`)
    /// shows as the choice it names.
    pub fn from_query(specs: &'static [ParamSpec], query: &[(String, String)]) -> Self {
        let repeated = unique_pairs(query.iter().cloned()).err().unwrap_or_default();
        let link_error = |name: &str| repeated.iter().find(|e| e.name == name).map(|e| e.said());
        let given = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut link_notes = vec![None; specs.len()];
        let values = specs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let raw = given(s.name).unwrap_or_else(|| s.default.to_string());
                if !matches!(s.kind, ParamKind::Choice(_)) {
                    return raw;
                }
                match s.check(&raw) {
                    Ok(Value::Choice(name)) => name.to_string(),
                    Ok(_) => raw,
                    Err(e) => {
                        link_notes[i] = Some(e.said());
                        s.default.to_string()
                    }
                }
            })
            .collect();
        let link_errors = specs.iter().map(|s| link_error(s.name)).collect();
        let names: Vec<_> = specs.iter().map(|s| s.name).collect();
        let mut unknown: Vec<Bilingual> = Vec::new();
        for (k, _) in query {
            let note = Bilingual::new(
                format!(
                    "The link names a parameter this demo does not take, {}; it was ignored.",
                    quoted(k)
                ),
                format!("链接里有本演示不接受的参数 {}，已忽略。", quoted_zh(k)),
            );
            if !names.contains(&k.as_str()) && k != SEED && !unknown.contains(&note) {
                unknown.push(note);
            }
        }
        Self {
            specs,
            values,
            link_errors,
            link_notes,
            rules: &[],
            random: Randomness::Never,
            unknown,
            seed: given(SEED).unwrap_or_else(|| "0".to_string()),
            seed_link_error: link_error(SEED),
        }
    }

    /// The form of a demo with these rules across fields and this
    /// randomness ([`asyncscope_core::demos::rules`],
    /// [`asyncscope_core::demos::randomness`]).
    pub fn with_rules(mut self, rules: &'static [CrossRule], random: Randomness) -> Self {
        self.rules = rules;
        self.random = random;
        self
    }

    /// The form with a preset's parameters (the others at their defaults),
    /// its rules and its seed kept; nothing the link got wrong remains.
    pub fn load(&self, pairs: &[(String, String)]) -> Self {
        let mut next = Self::from_query(self.specs, pairs).with_rules(self.rules, self.random);
        next.unknown.clear();
        next.seed = self.seed.clone();
        next.seed_link_error = self.seed_link_error.clone();
        next
    }

    /// Sets the text of field `index`, which clears what the link got
    /// wrong about it; false if nothing changes.
    pub fn edit(&mut self, index: usize, value: String) -> bool {
        let (Some(slot), Some(link_error), Some(link_note)) = (
            self.values.get_mut(index),
            self.link_errors.get_mut(index),
            self.link_notes.get_mut(index),
        ) else {
            return false;
        };
        if *slot == value && link_error.is_none() && link_note.is_none() {
            return false;
        }
        *slot = value;
        *link_error = None;
        *link_note = None;
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

    /// The seed, if its text is a whole number; otherwise why not, naming
    /// the range.
    pub fn seed(&self) -> Result<u64, Bilingual> {
        if let Some(error) = &self.seed_link_error {
            return Err(error.clone());
        }
        let raw = self.seed.trim();
        raw.parse::<u64>().map_err(|_| {
            Bilingual::new(
                format!(
                    "seed must be a whole number from 0 to {}; got {}",
                    u64::MAX,
                    quoted(raw)
                ),
                format!("种子必须是 0 到 {} 的整数；收到 {}", u64::MAX, quoted_zh(raw)),
            )
        })
    }

    /// The error of field `index` as the page shows it under the field:
    /// what the link got wrong about it, why its text is not allowed, a
    /// broken rule across fields that names it, or what the link gave a
    /// menu that it could not show.
    pub fn field_error(&self, index: usize) -> Option<Bilingual> {
        self.blocking_error(index)
            .or_else(|| self.link_notes.get(index).cloned().flatten())
    }

    /// The error of field `index` that keeps the form from running.
    fn blocking_error(&self, index: usize) -> Option<Bilingual> {
        if let Some(Some(error)) = self.link_errors.get(index) {
            return Some(error.clone());
        }
        let spec = self.specs.get(index)?;
        if let Err(e) = spec.check(self.values.get(index).map_or("", String::as_str)) {
            return Some(e.said());
        }
        let values = self.checked();
        self.rules
            .iter()
            .filter(|rule| rule.concerns(spec.name))
            .find_map(|rule| rule.broken(self.specs, &values))
    }

    /// Each field's value, `None` where it is not allowed (or the link
    /// gave its name twice).
    pub fn checked(&self) -> Vec<Option<Value>> {
        self.specs
            .iter()
            .zip(&self.values)
            .zip(&self.link_errors)
            .map(|((spec, raw), link_error)| link_error.is_none().then(|| spec.check(raw).ok()).flatten())
            .collect()
    }

    /// Whether field `index` is shown: it matters with the other fields'
    /// values (its `when`), or it has an error to show.
    pub fn shows(&self, index: usize) -> bool {
        applies(self.specs, &self.checked(), index) || self.field_error(index).is_some()
    }

    /// Whether the seed is shown: the run draws random numbers, or the
    /// seed has an error to show.
    pub fn shows_seed(&self) -> bool {
        self.random.used(self.specs, &self.checked()) || self.seed().is_err()
    }

    /// True when every field (and the seed) is allowed and no rule across
    /// fields is broken.
    pub fn is_valid(&self) -> bool {
        (0..self.specs.len()).all(|i| self.blocking_error(i).is_none()) && self.seed().is_ok()
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
            form.field_error(1),
            Some(Bilingual::new(
                "jobs must be a whole number from 1 to 50; got 0",
                "jobs 必须是 1 到 50 的整数；收到 0"
            ))
        );
        assert_eq!(form.field_error(2), None);
        assert!(!form.is_valid());
        assert_eq!(form.unknown.len(), 1);
        assert!(form.unknown[0].en.contains("colour"));
        assert_eq!(form.unknown[0].zh, "链接里有本演示不接受的参数 \"colour\"，已忽略。");
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
        assert_eq!(
            form.field_error(1),
            Some(Bilingual::new("jobs is given more than once", "jobs 给出了不止一次"))
        );
        assert_eq!(form.field_error(2), None);
        assert_eq!(
            form.seed(),
            Err(Bilingual::new("seed is given more than once", "seed 给出了不止一次"))
        );
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
    fn a_broken_rule_shows_under_each_field_it_names_and_stops_the_run() {
        use asyncscope_core::demos::{fetch, randomness, rules};
        let form = Form::from_query(fetch::SPECS, &q(&[("min_delay_ms", "2000"), ("max_delay_ms", "1000")]))
            .with_rules(rules("fetch"), randomness("fetch"));
        let message = Bilingual::new(
            "max_delay_ms must be at least min_delay_ms (2000); got 1000",
            "max_delay_ms 必须不小于 min_delay_ms（2000）；收到 1000",
        );
        let index = |name: &str| fetch::SPECS.iter().position(|s| s.name == name).expect("a field");
        assert_eq!(form.field_error(index("min_delay_ms")), Some(message.clone()));
        assert_eq!(form.field_error(index("max_delay_ms")), Some(message));
        assert_eq!(form.field_error(index("requests")), None);
        assert!(!form.is_valid());
        let mut fixed = form.clone();
        assert!(fixed.edit(index("max_delay_ms"), "3000".into()));
        assert!(fixed.is_valid());
        let form = Form::from_query(fetch::SPECS, &q(&[("requests", "5"), ("fail_index", "9")]))
            .with_rules(rules("fetch"), randomness("fetch"));
        let message = Bilingual::new(
            "fail_index must be from 0 to the number of requests (5); got 9",
            "fail_index 必须在 0 到请求数（5）之间；收到 9",
        );
        assert_eq!(form.field_error(index("requests")), Some(message.clone()));
        assert_eq!(form.field_error(index("fail_index")), Some(message));
        assert!(!form.is_valid());
    }

    #[test]
    fn a_bad_choice_in_the_link_shows_the_default_and_says_why() {
        use asyncscope_core::demos::semaphore;
        let form = Form::from_query(semaphore::SPECS, &q(&[("form", "zzz"), ("bounded", "TRUE")]));
        assert_eq!(form.values[0], "semaphore", "the default, never a third value");
        assert_eq!(
            form.field_error(0),
            Some(Bilingual::new(
                "form must be one of semaphore, buffer_unordered, none; got \"zzz\"",
                "form 必须是以下之一：semaphore、buffer_unordered、none；收到 \"zzz\""
            ))
        );
        assert_eq!(form.values[4], "true", "a name in another case is that name");
        assert!(form.is_valid(), "what the menu shows is what runs");
        let mut edited = form.clone();
        assert!(edited.edit(0, "semaphore".into()), "choosing clears the note");
        assert_eq!(edited.field_error(0), None);
    }

    #[test]
    fn fields_that_do_not_apply_and_the_seed_are_hidden() {
        use asyncscope_core::demos::{randomness, retry, rules};
        let form = Form::from_query(retry::SPECS, &[]).with_rules(rules("retry"), randomness("retry"));
        let network = retry::SPECS.iter().position(|s| s.name == "network").expect("network");
        assert!(!form.shows(network), "network only with work=request");
        assert!(form.shows(0));
        assert!(!form.shows_seed(), "nothing random without jitter");
        let form = form.load(&q(&[("work", "request"), ("jitter", "full")]));
        assert!(form.shows(network));
        assert!(form.shows_seed());
        let bad = Form::from_query(retry::SPECS, &q(&[("network", "nowhere")]));
        assert!(bad.shows(network), "a field with an error is shown");
    }

    #[test]
    fn a_preset_sets_the_form_and_keeps_the_seed() {
        let form = Form::from_query(SPECS, &q(&[("jobs", "0"), ("colour", "red"), ("seed", "7")]));
        let loaded = form.load(&q(&[("duration_ms", "1000")]));
        assert_eq!(loaded.values, ["both", "2", "1000"]);
        assert!(loaded.unknown.is_empty());
        assert_eq!(loaded.seed(), Ok(7));
        assert!(loaded.is_valid());
    }

    #[test]
    fn a_bad_seed_names_the_range_in_both_languages() {
        let form = Form::from_query(SPECS, &q(&[("seed", "abc")]));
        let why = form.seed().expect_err("not a whole number");
        assert_eq!(
            why.en,
            "seed must be a whole number from 0 to 18446744073709551615; got \"abc\""
        );
        assert_eq!(why.zh, "种子必须是 0 到 18446744073709551615 的整数；收到 \"abc\"");
        assert!(!form.is_valid());
        assert!(form.shows_seed(), "a seed with an error is shown");
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
