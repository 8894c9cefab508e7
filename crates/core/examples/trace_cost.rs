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

use std::time::Duration;

use asyncscope_core::combinators::Semaphore;
use asyncscope_core::{Env, Traced, VirtualRuntime};
use futures::future::join_all;

async fn through_semaphore<E: Env>(env: E, tasks: u32, permits: u32) {
    let sem = Semaphore::new(&env, "sem", permits);
    let all: Vec<_> = (0..tasks)
        .map(|i| {
            let (env, sem) = (env.clone(), sem.clone());
            env.clone().spawn(format!("t{i}"), async move {
                let _p = sem.acquire().await;
                env.sleep(Duration::from_secs(1)).await;
            })
        })
        .collect();
    join_all(all).await;
}

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
