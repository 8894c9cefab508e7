//! Demo 18, `task-manager`: jobs with ids and states, run by a pool of
//! workers that take them from a queue, each with progress, a time limit,
//! a retry, and a cancel.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::{AbortHandle, LocalBoxFuture};

use crate::awaits::{Abortable, abortable, join, join_all};

use crate::Bilingual;
use crate::combinators::{Queue, RetryPolicy, timeout, with_retry};
use crate::demos::{About, single_run};
use crate::env::Env;
use crate::params::{CrossRule, Value, declare_params, int, ms};
use crate::traced::Traced;

/// This file's text, exactly as compiled, for the page's code view.
pub const SOURCE: &str = include_str!("task_manager.rs");

/// The route slug and command-line name.
pub const SLUG: &str = "task-manager";

/// The words around the demo.
pub const ABOUT: About = About {
    title_zh: "任务管理器",
    explain_en: "The manager gives each job an id and a state, puts it in a queue, and lets a pool of workers take jobs one at a time. \
                 A job reports progress step by step; it may have a time limit (timed out), a failed first attempt that is retried (or, with no retries, fails), or be cancelled through its abort handle, \
                 whether it is still pending or already running. The statistics at the end count the states.",
    explain_zh: "管理器给每个作业分配 id 和状态，放入队列，由一组 worker 逐个取走执行。\
                 作业逐步报告进度；它可以有时间限制（超时）、第一次尝试失败后被重试，或通过中止句柄被取消，无论它仍在等待还是已经在运行。最后的统计按状态计数。",
    asyncio: r#"async def worker(name, queue, states):
    while True:
        job_id, seconds = await queue.get()
        states[job_id] = "running"
        try:
            await asyncio.wait_for(asyncio.sleep(seconds), timeout=10)
            states[job_id] = "completed"
        except TimeoutError:
            states[job_id] = "timed out"
        finally:
            queue.task_done()

async def main():
    queue, states = asyncio.Queue(), {}
    for i in range(1, 6):
        states[i] = "pending"
        queue.put_nowait((i, 0.5 * i))
    workers = [asyncio.create_task(worker(f"w{n}", queue, states))
               for n in (1, 2)]
    await queue.join()
"#,
    differs: "An asyncio job is cancelled with `task.cancel()` and learns of it at its next await; here the manager keeps an `AbortHandle` per job, and an aborted job is dropped by its worker without another poll.",
    twins: &[
        ("env.sleep(unit).await", "asyncio.sleep(seconds)"),
        ("queue.pop().await", "await queue.get()"),
        ("timeout(&self.env, limit, job).await", "await asyncio.wait_for("),
        ("job.await", "asyncio.wait_for("),
        ("join(join_all(workers), canceller).await", "await queue.join()"),
    ],
};

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Waiting in the queue.
    Pending,
    /// Taken by a worker.
    Running,
    /// Finished.
    Completed,
    /// Every attempt failed.
    Failed,
    /// Cancelled before it finished.
    Cancelled,
    /// Ran out of time.
    TimedOut,
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::TimedOut => "timed out",
        })
    }
}

declare_params! {
    /// Validated parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Params {
        /// How many jobs.
        pub jobs: u32 = int("jobs", "Jobs", 1..=200, "5"),
        /// How many workers.
        pub workers: u32 = int("workers", "Workers", 1..=20, "2"),
        /// Job i takes i × unit.
        pub unit: Duration = ms("unit_ms", "Job i takes i × (ms)", 1..=60_000, "500"),
        /// The time limit per job, if any.
        pub job_timeout: Option<Duration> = ms("job_timeout_ms", "Time limit per job (ms, 0: none)", 0..=600_000, "0"),
        /// The job whose first attempt fails, if any.
        pub fail_job: Option<u32> = int("fail_job", "Job whose first attempt fails (0: none)", 0..=200, "0"),
        /// How many times a failed job is tried again.
        pub retries: u32 = int("retries", "Retries per job", 0..=5, "1"),
        /// The job to cancel, if any.
        pub cancel_job: Option<u32> = int("cancel_job", "Job to cancel (0: none)", 0..=200, "0"),
        /// When to cancel it.
        pub cancel_at: Duration = ms("cancel_at_ms", "Cancel it at (ms)", 0..=600_000, "1000").unless("cancel_job", &["0"]),
    }
    rules = CHECKS;
}

/// Parameter sets worth trying, each with what it shows.
pub const PRESETS: &[crate::params::Preset] = &[
    crate::params::Preset {
        name_en: "Timeout, failure, cancel",
        name_zh: "超时、失败、取消",
        why_en: "one timeout, one failure with its retry, one cancel",
        why_zh: "一次超时，一次失败及其重试，一次取消",
        pairs: &[
            ("job_timeout_ms", "2200"),
            ("fail_job", "2"),
            ("cancel_job", "3"),
            ("cancel_at_ms", "1000"),
        ],
    },
    crate::params::Preset {
        name_en: "Five workers",
        name_zh: "五个工作者",
        why_en: "five workers: every job starts at once",
        why_zh: "五个工作者：所有任务同时开始",
        pairs: &[("workers", "5")],
    },
];

impl Params {
    /// The job to cancel, if any, and when.
    pub fn cancel(&self) -> Option<(u32, Duration)> {
        self.cancel_job.map(|id| (id, self.cancel_at))
    }
}

/// `fail_job` and `cancel_job` name one of the jobs, or none.
pub const CHECKS: &[CrossRule] = &[
    CrossRule {
        fields: &["jobs", "fail_job"],
        check: |v| one_of_the_jobs("fail_job", v),
    },
    CrossRule {
        fields: &["jobs", "cancel_job"],
        check: |v| one_of_the_jobs("cancel_job", v),
    },
];

fn one_of_the_jobs(name: &str, values: &[Value]) -> Result<(), Bilingual> {
    match values {
        [Value::Int(jobs), Value::Int(got)] if got > jobs => Err(Bilingual::new(
            format!("{name} must be from 0 to the number of jobs ({jobs}); got {got}"),
            format!("{name} 必须在 0 到作业数（{jobs}）之间；收到 {got}"),
        )),
        _ => Ok(()),
    }
}

// --- the code the page shows -------------------------------------------

/// One job waiting in the queue: its id, and its work, built but not yet
/// polled, wrapped so that its abort handle can stop it.
type Queued = (u32, Abortable<LocalBoxFuture<'static, Result<(), String>>>);

/// Jobs by id (from 1), their states and abort handles, and the queue the
/// workers take them from.
pub struct Manager<E: Env> {
    env: E,
    states: RefCell<Vec<JobState>>,
    handles: RefCell<Vec<AbortHandle>>,
    queue: Queue<Queued>,
}

impl<E: Env> Manager<E> {
    /// An empty manager.
    pub fn new(env: E) -> Rc<Self> {
        let queue = Queue::new(&env, "jobs", None);
        Rc::new(Manager {
            env,
            states: RefCell::new(Vec::new()),
            handles: RefCell::new(Vec::new()),
            queue,
        })
    }

    fn set(&self, id: u32, state: JobState) {
        if let Some(s) = self.states.borrow_mut().get_mut(id as usize - 1) {
            *s = state;
        }
    }

    /// Adds a job of `steps` steps of `unit` each, whose first attempt
    /// fails if `fail_first`, tried again at once up to `retries` times;
    /// returns its id.
    pub fn submit(&self, steps: u32, unit: Duration, fail_first: bool, retries: u32) -> u32 {
        let id = self.states.borrow().len() as u32 + 1;
        let env = self.env.clone();
        let attempt = move |n: u32| {
            let env = env.clone();
            async move {
                for step in 1..=steps {
                    env.sleep(unit).await;
                    env.log(format!("progress {step}/{steps}"));
                }
                if fail_first && n == 1 {
                    Err(format!("attempt {n} failed"))
                } else {
                    Ok(())
                }
            }
        };
        let policy = RetryPolicy {
            attempts: retries + 1,
            base: Duration::ZERO,
            ..RetryPolicy::default()
        };
        let retried = with_retry(&self.env, policy, |_| true, attempt);
        let job: LocalBoxFuture<'static, Result<(), String>> = Box::pin(self.env.try_task(format!("job{id}"), retried));
        let (job, handle) = abortable(job);
        self.states.borrow_mut().push(JobState::Pending);
        self.handles.borrow_mut().push(handle);
        let _ = self.queue.push((id, job)).now_or_never();
        id
    }

    /// Cancels job `id`, pending or running.
    pub fn cancel(&self, id: u32) {
        if let Some(handle) = self.handles.borrow().get(id as usize - 1) {
            handle.abort();
        }
        if self.state(id) == Some(JobState::Pending) {
            self.set(id, JobState::Cancelled);
        }
    }

    /// The state of job `id`.
    pub fn state(&self, id: u32) -> Option<JobState> {
        self.states.borrow().get(id as usize - 1).copied()
    }

    /// Takes jobs until the queue is closed and empty; runs each under the
    /// time limit, if any.
    pub async fn worker(self: Rc<Self>, name: String, limit: Option<Duration>) {
        while let Ok((id, job)) = self.queue.pop().await {
            if self.state(id) == Some(JobState::Cancelled) {
                continue; // cancelled while pending: dropped unpolled
            }
            self.set(id, JobState::Running);
            self.env.log(format!("{name} runs job{id}"));
            let outcome = match limit {
                Some(limit) => timeout(&self.env, limit, job).await.ok(),
                None => Some(job.await),
            };
            let state = match outcome {
                None => JobState::TimedOut,
                Some(Err(_aborted)) => JobState::Cancelled,
                Some(Ok(Err(_failed))) => JobState::Failed,
                Some(Ok(Ok(()))) => JobState::Completed,
            };
            self.set(id, state);
        }
    }

    /// How many jobs are in each state, in words.
    pub fn statistics(&self) -> String {
        let states = self.states.borrow();
        let all = [
            JobState::Completed,
            JobState::Failed,
            JobState::Cancelled,
            JobState::TimedOut,
            JobState::Pending,
            JobState::Running,
        ];
        let counts: Vec<String> = all
            .iter()
            .map(|s| format!("{} {s}", states.iter().filter(|x| *x == s).count()))
            .collect();
        counts.join(", ")
    }
}

/// Submits the jobs, runs the workers until the queue is drained, and
/// reports the statistics.
pub async fn manage<E: Env>(env: E, p: Params) {
    let manager = Manager::new(env.clone());
    for i in 1..=p.jobs {
        manager.submit(i, p.unit, p.fail_job == Some(i), p.retries);
    }
    manager.queue.close(); // no more jobs: workers stop once it is empty
    let workers = (1..=p.workers).map(|w| {
        let name = format!("w{w}");
        env.task(name.clone(), manager.clone().worker(name, p.job_timeout))
    });
    let canceller = async {
        if let Some((id, at)) = p.cancel() {
            env.sleep_until(at).await;
            manager.cancel(id);
            env.log(format!("cancel job{id}"));
        }
    };
    join(join_all(workers), canceller).await;
    env.log(manager.statistics());
}

// -------------------------------------------------------------------------

/// Prepares the run on `env` and returns it with the future that performs
/// it.
pub fn start<E: Env>(env: E, params: &Params) -> (Vec<(&'static str, Traced<E>)>, impl Future<Output = ()> + 'static) {
    let p = *params;
    single_run(env, "manager", move |t| async move {
        t.task("manager".to_string(), manage(t.clone(), p)).await;
    })
}

impl<E: Env> std::fmt::Debug for Manager<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("jobs", &self.states.borrow().len())
            .finish_non_exhaustive()
    }
}
