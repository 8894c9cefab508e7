//! Is the lab server there? Asked once per page, for demos that send
//! requests.

use asyncscope_core::params::ParamSpec;
use asyncscope_view::state::Action;
use yew::prelude::*;

use crate::browser;
use crate::state::PageState;

/// Whether the lab server answers on this page's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lab {
    /// Not known yet (or not asked: the demo sends no requests).
    Unknown,
    /// `/api/health` answered.
    Reachable,
    /// It did not, within the limit.
    Unreachable,
}

/// How long the health check may take, in milliseconds.
const LIMIT_MS: u32 = 3000;

/// For a demo with a `network` parameter (among `specs`), asks the lab
/// server's `/api/health` once, when the page mounts. Without an answer,
/// and unless the address chose a network (`explicit_network`), the form
/// switches to the simulated lab; the page then says so once.
#[hook]
pub fn use_lab_health(specs: &'static [ParamSpec], explicit_network: bool, state: &UseReducerHandle<PageState>) -> Lab {
    let lab = use_state(|| Lab::Unknown);
    {
        let (lab, dispatcher) = (lab.clone(), state.dispatcher());
        let network = specs.iter().position(|s| s.name == "network");
        use_effect_with((), move |_| {
            if let Some(index) = network {
                browser::spawn(async move {
                    let reachable = browser::net::lab_reachable(LIMIT_MS).await;
                    lab.set(if reachable { Lab::Reachable } else { Lab::Unreachable });
                    if !reachable && !explicit_network {
                        dispatcher.dispatch(Action::Edit {
                            index,
                            value: "simulated".to_string(),
                        });
                    }
                });
            }
        });
    }
    *lab
}
