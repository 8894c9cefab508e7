//! Poll-level tests with counting wakers: the instrumentation forwards
//! every wake exactly once and records it, and never wakes on its own.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use asyncscope_core::combinators::Semaphore;
use asyncscope_core::trace::{EventKind, ResourceId, Trace, WakeCause};
use asyncscope_core::virtual_time::VirtualEnv;
use asyncscope_core::{Env, Traced, VirtualRuntime};

#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter::default());
    (Arc::clone(&counter), Waker::from(counter))
}

/// Each `Woken` event of `trace`: when (in milliseconds) and by what.
fn wakes(trace: &Trace) -> Vec<(u128, WakeCause)> {
    trace
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Woken { by, .. } => Some((e.at().as_millis(), by)),
            _ => None,
        })
        .collect()
}

/// A task of `env` named `name` that sleeps `ms` milliseconds.
fn sleeper(env: &Traced<VirtualEnv>, name: &str, ms: u64) -> impl Future<Output = ()> + use<> {
    let e = env.clone();
    env.task(name.into(), async move { e.sleep(Duration::from_millis(ms)).await })
}

#[test]
fn a_traced_timer_wakes_its_task_once_and_says_so() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let mut task = pin!(sleeper(&env, "sleeper", 40));
    let (count, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    assert!(task.as_mut().poll(&mut cx).is_pending());
    assert!(
        task.as_mut().poll(&mut cx).is_pending(),
        "a second poll re-registers, no more"
    );
    assert_eq!(count.0.load(Ordering::SeqCst), 0, "nothing wakes before the deadline");
    rt.run_until(Duration::from_millis(39));
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    rt.run_until(Duration::from_millis(40));
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(task.as_mut().poll(&mut cx), Poll::Ready(()));
    let trace = env.snapshot();
    let wakes = wakes(&trace);
    assert_eq!(wakes, [(40, WakeCause::Timer)]);
    assert_eq!(trace.spans()[0].polls, 3);
}

#[test]
fn a_freed_permit_wakes_the_waiter_once() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let sem = Semaphore::new(&env, "one", 1);
    let held = sem.try_acquire().expect("free");
    let s = sem.clone();
    let mut waiter = pin!(env.task("waiter".into(), async move { s.acquire().await.forget() }));
    let (count, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    assert!(waiter.as_mut().poll(&mut cx).is_pending());
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    drop(held);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(waiter.as_mut().poll(&mut cx), Poll::Ready(()));
    let text = env.snapshot().render_text();
    assert!(text.contains("waiter woken by one"), "{text}");
}

#[test]
fn a_task_polled_with_a_new_waker_wakes_that_one_only() {
    // The executor's waker can change between polls (a task moved to
    // another executor, a combinator that re-wraps it): a wake must reach
    // the waker of the latest poll, through the task's and the leaf's
    // tagged wakers, and be recorded once, with its cause.
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let sem = Semaphore::new(&env, "one", 1);
    let held = sem.try_acquire().expect("free");
    let (s, e) = (sem.clone(), env.clone());
    let mut task = pin!(env.task("mover".into(), async move {
        e.sleep(Duration::from_millis(10)).await;
        s.acquire().await.forget();
    }));
    let (first, first_waker) = counting();
    let (second, second_waker) = counting();
    assert!(task.as_mut().poll(&mut Context::from_waker(&first_waker)).is_pending());
    assert!(task.as_mut().poll(&mut Context::from_waker(&second_waker)).is_pending());
    rt.run_until(Duration::from_millis(10));
    assert_eq!(first.0.load(Ordering::SeqCst), 0, "the old waker is not woken");
    assert_eq!(second.0.load(Ordering::SeqCst), 1, "the timer wakes the new one");
    // Now waiting for the permit, with the first waker again.
    assert!(task.as_mut().poll(&mut Context::from_waker(&first_waker)).is_pending());
    drop(held);
    assert_eq!(first.0.load(Ordering::SeqCst), 1, "the permit wakes the latest waker");
    assert_eq!(second.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        task.as_mut().poll(&mut Context::from_waker(&first_waker)),
        Poll::Ready(())
    );
    let trace = env.snapshot();
    let wakes = wakes(&trace);
    let one = trace
        .resources()
        .iter()
        .position(|r| r.name == "one")
        .expect("registered");
    assert_eq!(
        wakes,
        [
            (10, WakeCause::Timer),
            (10, WakeCause::Resource(ResourceId(one as u32)))
        ]
    );
}

#[test]
fn a_dropped_task_records_its_cancellation_and_disarms_its_timer() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let mut task = Box::pin(sleeper(&env, "doomed", 5));
    let (count, waker) = counting();
    assert!(task.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    drop(task);
    assert_eq!(rt.next_deadline(), None);
    rt.run_until(Duration::from_millis(10));
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    let text = env.snapshot().render_text();
    assert!(
        text.ends_with("doomed timer cancelled\n      0ms doomed completed: cancelled\n"),
        "{text}"
    );
}

#[test]
fn an_event_for_an_ended_task_is_refused_and_counted() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    rt.block_on(env.task("done".into(), async {})).expect("ends");
    let task = asyncscope_core::TaskId(0);
    let before = env.snapshot();
    env.recorder().event_for(task, EventKind::Log { text: "late".into() });
    let after = env.snapshot();
    assert_eq!(after.events(), before.events(), "nothing follows a task's end");
    assert_eq!((before.refused(), after.refused()), (0, 1));
}

#[test]
fn a_watcher_is_woken_by_the_next_event_and_not_before() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let mut task = pin!(sleeper(&env, "sleeper", 40));
    let (task_count, task_waker) = counting();
    assert!(task.as_mut().poll(&mut Context::from_waker(&task_waker)).is_pending());
    let seen = env.size();
    assert!(seen > 0, "the task's start is recorded");
    let (count, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(env.poll_grown(seen, &mut cx), Poll::Pending, "nothing new yet");
    assert_eq!(
        env.poll_grown(seen - 1, &mut cx),
        Poll::Ready(()),
        "a size behind is grown past"
    );
    assert_eq!(env.poll_grown(seen, &mut cx), Poll::Pending);
    rt.run_until(Duration::from_millis(39));
    assert_eq!(count.0.load(Ordering::SeqCst), 0, "no event, no wake");
    rt.run_until(Duration::from_millis(40));
    assert_eq!(task_count.0.load(Ordering::SeqCst), 1);
    assert_eq!(
        count.0.load(Ordering::SeqCst),
        0,
        "the timer fired; nothing is recorded until its task runs"
    );
    assert_eq!(
        task.as_mut().poll(&mut Context::from_waker(&task_waker)),
        Poll::Ready(())
    );
    assert_eq!(
        count.0.load(Ordering::SeqCst),
        1,
        "woken once, by the first of the task's events"
    );
    assert!(env.size() > seen);
    assert_eq!(env.poll_grown(seen, &mut cx), Poll::Ready(()));
}

/// A leaf whose waker someone else keeps: it is ready once `fired` is set.
/// (Not on wasm, where no other thread can wake it.)
#[cfg(not(target_arch = "wasm32"))]
struct Handoff {
    recorder: asyncscope_core::Recorder,
    tag: asyncscope_core::WakeTag,
    fired: Arc<std::sync::atomic::AtomicBool>,
    waker: Arc<std::sync::Mutex<Option<Waker>>>,
}

#[cfg(not(target_arch = "wasm32"))]
impl std::future::Future for Handoff {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let (fired, slot) = (Arc::clone(&this.fired), Arc::clone(&this.waker));
        this.tag.poll_with(&this.recorder, WakeCause::Request, None, cx, |cx| {
            if fired.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            *slot.lock().expect("not poisoned") = Some(cx.waker().clone());
            Poll::Pending
        })
    }
}

// Not on wasm: it needs a second thread.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_tagged_wake_from_another_thread_is_recorded_once_with_its_cause() {
    let rt = VirtualRuntime::new();
    let env = Traced::new(rt.env());
    let fired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slot = Arc::new(std::sync::Mutex::new(None::<Waker>));
    let leaf = Handoff {
        recorder: env.recorder(),
        tag: asyncscope_core::WakeTag::default(),
        fired: Arc::clone(&fired),
        waker: Arc::clone(&slot),
    };
    let mut task = pin!(env.task("waiter".into(), leaf));
    let (count, waker) = counting();
    let mut cx = Context::from_waker(&waker);
    assert!(task.as_mut().poll(&mut cx).is_pending());
    let theirs = slot
        .lock()
        .expect("not poisoned")
        .take()
        .expect("the leaf kept its waker");
    std::thread::spawn(move || {
        fired.store(true, Ordering::SeqCst);
        theirs.wake_by_ref();
        theirs.wake();
    })
    .join()
    .expect("the other thread ran");
    assert_eq!(count.0.load(Ordering::SeqCst), 2, "each wake reaches the executor");
    assert_eq!(task.as_mut().poll(&mut cx), Poll::Ready(()));
    let trace = env.snapshot();
    let wakes: Vec<_> = trace
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Woken { by, from } => Some((by, from)),
            _ => None,
        })
        .collect();
    assert_eq!(wakes, [(WakeCause::Request, None)], "one wake, with the leaf's cause");
}
