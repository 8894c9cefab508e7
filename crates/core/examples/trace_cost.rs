//! One run of the core bench's semaphore scenario (10,000 tasks through a
//! semaphore of 100, a one-second sleep each, in virtual time), traced
//! or not: the deterministic measure of what tracing costs, counted in
//! instructions rather than timed on a shared machine.
//!
//! ```sh
//! cargo build --profile native-lto -p asyncscope-core --example trace_cost
//! valgrind --tool=callgrind target/native-lto/examples/trace_cost traced
//! valgrind --tool=callgrind target/native-lto/examples/trace_cost untraced
//! ```
//!
//! (traced − untraced instructions) / the events printed = instructions
//! per recorded event. A count after the mode repeats the run that many
//! times in one process (`trace_cost traced 40`), for a sampling profiler.

mod scenarios;

use asyncscope_core::{Traced, VirtualRuntime};
use scenarios::through_semaphore;

fn main() {
    let times: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    for _ in 0..times {
        once(std::env::args().nth(1).as_deref());
    }
}

fn once(mode: Option<&str>) {
    let rt = VirtualRuntime::new();
    match mode {
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
