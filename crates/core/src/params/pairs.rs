//! `name=value` pairs: the one rule for them, validation of a demo's
//! pairs against its specs, and a URL query's codec.

use super::{ParamError, ParamSpec, Value, quoted_zh};

/// The one rule for `name=value` pairs, wherever they come from (a link's
/// query, the command line's `--set`s, a caller of [`parse`]): each name
/// is given at most once. A repeat is refused, naming it, rather than one
/// of its values picked. `Ok` with the pairs in order; otherwise one
/// error per repeated name, in the order first given.
pub fn unique_pairs<K, V>(items: impl IntoIterator<Item = (K, V)>) -> Result<Vec<(String, String)>, Vec<ParamError>>
where
    K: Into<String>,
    V: Into<String>,
{
    let pairs: Vec<(String, String)> = items.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let mut errors: Vec<ParamError> = Vec::new();
    for (i, (name, _)) in pairs.iter().enumerate() {
        let first = !pairs[..i].iter().any(|(k, _)| k == name);
        if first && pairs[i + 1..].iter().any(|(k, _)| k == name) {
            errors.push(ParamError {
                name: name.clone(),
                message: format!("{name} is given more than once"),
                message_zh: format!("{name} 给出了不止一次"),
            });
        }
    }
    if errors.is_empty() { Ok(pairs) } else { Err(errors) }
}

/// Validates `name=value` pairs against `specs`: every spec gets its value or
/// its default, in spec order. Repeated names (refused by [`unique_pairs`]),
/// unknown names and bad values are all reported, not just the first.
pub fn parse(specs: &[ParamSpec], pairs: &[(String, String)]) -> Result<Vec<Value>, Vec<ParamError>> {
    let mut errors = unique_pairs(pairs.iter().cloned()).err().unwrap_or_default();
    let repeated: Vec<String> = errors.iter().map(|e| e.name.clone()).collect();
    let mut values: Vec<Option<Value>> = vec![None; specs.len()];
    for (name, raw) in pairs.iter().filter(|(k, _)| !repeated.contains(k)) {
        let Some(i) = specs.iter().position(|s| s.name == name) else {
            let names: Vec<_> = specs.iter().map(|s| s.name).collect();
            errors.push(ParamError {
                name: name.clone(),
                message: format!("unknown parameter {name}; this demo takes {}", names.join(", ")),
                message_zh: format!("未知参数 {}；本演示接受的参数是 {}", quoted_zh(name), names.join("、")),
            });
            continue;
        };
        match specs[i].check(raw) {
            Ok(v) => values[i] = Some(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(values
            .into_iter()
            .zip(specs)
            .map(|(v, s)| v.unwrap_or_else(|| s.default_value()))
            .collect())
    } else {
        Err(errors)
    }
}

/// Decodes a URL query (`jobs=2&duration_ms=300`, no leading `?`) into
/// `name=value` pairs, in order, with `form_urlencoded` (`+` is a space,
/// `%XX` is decoded, a malformed escape is kept as it stands). Repeats are
/// kept, for [`unique_pairs`] to refuse where the caller shows its errors.
pub fn pairs_from_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// Encodes pairs as a URL query (no leading `?`), with `form_urlencoded`.
pub fn to_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
        .finish()
}
