//! One run of the core bench's semaphore scenario (10,000 tasks through a
//! semaphore of 100, a one-second sleep each, in virtual time), traced
//! or not: the deterministic measure of what tracing costs, counted in
//! instructions rather than timed on a shared machine.
//!
//! ```sh
//! cargo build --profile native -p asyncscope-core --example trace_cost
//! valgrind --tool=callgrind target/native/examples/trace_cost traced
//! valgrind --tool=callgrind target/native/examples/trace_cost untraced
//! ```
//!
//! (traced − untraced instructions) / the events printed = instructions
//! per recorded event.

mod scenarios;

use asyncscope_core::{Traced, VirtualRuntime};
use scenarios::through_semaphore;

fn main() {
    let rt = VirtualRuntime::new();
    match std::env::args().nth(1).as_deref() {
        Some("traced") => {
            let env = Traced::new(rt.env());
            rt.block_on(through_semaphore(env.clone(), 10_000, 100)).expect("runs");
            println!("{} events", env.trace().events().len());
        }
        Some("untraced") => {
            rt.block_on(through_semaphore(rt.env(), 10_000, 100)).expect("runs");
            println!("untraced");
        }
        _ => eprintln!("usage: trace_cost traced|untraced"),
    }
}
