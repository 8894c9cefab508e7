//! The page's keyboard shortcuts.

use asyncscope_view::state::Action;
use yew::prelude::*;

use crate::browser::keys::{self, KeyPress};
use crate::state::PageState;

/// The page's shortcut for a key pressed while `finished` (a finished run
/// is on the page) or not: space plays or pauses, arrows step (with Shift:
/// pan), + and - zoom, 0 shows the whole run. Keys typed into a form
/// control, with Ctrl, ⌘ or Alt, and space on a focused button (which
/// presses it) are left alone.
pub fn shortcut(press: &KeyPress, finished: bool) -> Option<Action> {
    let typing = matches!(press.focused.as_deref(), Some("INPUT" | "SELECT" | "TEXTAREA"));
    if typing || press.ctrl || press.meta || press.alt {
        return None;
    }
    let action = match press.key.as_str() {
        " " if finished => Action::TogglePlay,
        "ArrowRight" if press.shift => Action::Pan(0.2),
        "ArrowLeft" if press.shift => Action::Pan(-0.2),
        "ArrowRight" if finished => Action::Step(true),
        "ArrowLeft" if finished => Action::Step(false),
        "+" | "=" => Action::Zoom(0.5),
        "-" | "_" => Action::Zoom(2.0),
        "0" => Action::ResetView,
        _ => return None,
    };
    if press.key == " " && press.focused.as_deref() == Some("BUTTON") {
        return None;
    }
    Some(action)
}

/// Listens to the keyboard while the page is there: each key with a
/// [`shortcut`] is dispatched, and its default action (scrolling, say) is
/// prevented.
#[hook]
pub fn use_shortcuts(state: &UseReducerHandle<PageState>) {
    let state = state.clone();
    use_effect_with((), move |_| {
        let listener = keys::on_keydown(move |press| {
            // A fresh handle per key: one kept for the page's life would
            // hold on to every state it ever read.
            let state = state.clone();
            match shortcut(press, state.finished().is_some()) {
                Some(action) => {
                    state.dispatch(action);
                    true
                }
                None => false,
            }
        });
        move || drop(listener)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str) -> KeyPress {
        KeyPress {
            key: key.to_string(),
            ..KeyPress::default()
        }
    }

    fn name(action: Option<Action>) -> String {
        action.map_or_else(|| "none".to_string(), |a| format!("{a:?}"))
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(name(shortcut(&press(" "), true)), "TogglePlay");
        assert_eq!(name(shortcut(&press("ArrowRight"), true)), "Step(true)");
        assert_eq!(name(shortcut(&press("ArrowLeft"), true)), "Step(false)");
        assert_eq!(name(shortcut(&press("+"), false)), "Zoom(0.5)");
        assert_eq!(name(shortcut(&press("="), false)), "Zoom(0.5)");
        assert_eq!(name(shortcut(&press("-"), false)), "Zoom(2.0)");
        assert_eq!(name(shortcut(&press("0"), false)), "ResetView");
        let shifted = KeyPress {
            shift: true,
            ..press("ArrowLeft")
        };
        assert_eq!(name(shortcut(&shifted, false)), "Pan(-0.2)");
        assert_eq!(name(shortcut(&shifted, true)), "Pan(-0.2)");
        assert_eq!(name(shortcut(&press("x"), true)), "none");
    }

    #[test]
    fn playback_keys_need_a_finished_run() {
        assert_eq!(name(shortcut(&press(" "), false)), "none");
        assert_eq!(name(shortcut(&press("ArrowRight"), false)), "none");
    }

    #[test]
    fn typing_modifiers_and_space_on_a_button_are_left_alone() {
        for tag in ["INPUT", "SELECT", "TEXTAREA"] {
            let typing = KeyPress {
                focused: Some(tag.to_string()),
                ..press("0")
            };
            assert_eq!(name(shortcut(&typing, true)), "none", "{tag}");
        }
        for held in [
            KeyPress {
                ctrl: true,
                ..press("+")
            },
            KeyPress {
                meta: true,
                ..press("+")
            },
            KeyPress {
                alt: true,
                ..press("+")
            },
        ] {
            assert_eq!(name(shortcut(&held, true)), "none");
        }
        let on_button = KeyPress {
            focused: Some("BUTTON".to_string()),
            ..press(" ")
        };
        assert_eq!(name(shortcut(&on_button, true)), "none");
        let arrow_on_button = KeyPress {
            focused: Some("BUTTON".to_string()),
            ..press("ArrowRight")
        };
        assert_eq!(name(shortcut(&arrow_on_button, true)), "Step(true)");
    }
}
