//! Scenarios the core's benchmark and its count of tracing's cost share.

use std::time::Duration;

use asyncscope_core::Env;
use asyncscope_core::combinators::Semaphore;
use futures::future::join_all;

/// `tasks` tasks through a semaphore of `permits`, each holding its permit
/// for a one-second sleep.
pub async fn through_semaphore<E: Env>(env: E, tasks: u32, permits: u32) {
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
