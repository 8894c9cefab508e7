//! The form in the address.

use yew::prelude::*;

use crate::browser::location::replace_hash;
use crate::subject::Subject;

/// Mirrors the form's `query` in the address as it is typed (without a
/// history entry), so the address is always a link to what is on the form.
#[hook]
pub fn use_form_in_address(subject: &Subject, query: String) {
    use_effect_with((subject.clone(), query), move |(subject, query)| {
        replace_hash(&subject.hash(query));
    });
}
