//! The demo page's reducer. The state itself and its transitions live in
//! [`asyncscope_view::state`], which knows nothing of Yew; `yew::Reducible`
//! cannot be implemented there (the view crate has no Yew) nor here for
//! that foreign type (the orphan rule), so the page keeps it behind this
//! newtype, which derefs to [`DemoState`].

use std::ops::Deref;
use std::rc::Rc;

use asyncscope_view::state::{Action, DemoState};
use yew::Reducible;

/// [`DemoState`] as the page's reducer: every action goes through
/// [`DemoState::apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct PageState(pub DemoState);

impl Deref for PageState {
    type Target = DemoState;

    fn deref(&self) -> &DemoState {
        &self.0
    }
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.0.apply(action) {
            Some(next) => Rc::new(PageState(next)),
            None => self,
        }
    }
}
