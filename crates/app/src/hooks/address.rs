//! The form in the address.

use yew::prelude::*;

use crate::browser::location::replace_hash;
use crate::route::Route;

/// Mirrors the form's `query` in the address as it is typed (without a
/// history entry), so the address is always a link to what is on the form.
#[hook]
pub fn use_form_in_address(slug: &'static str, query: String) {
    use_effect_with(query, move |query| {
        replace_hash(&Route::demo_hash(slug, query));
    });
}
