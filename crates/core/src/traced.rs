//! [`Traced`]: an environment that records a [`Trace`] of the futures it runs.

use std::cell::Ref;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::future::LocalBoxFuture;
use pin_project_lite::pin_project;

use crate::awaits::At;
use crate::env::{Env, outcome_of};
use crate::net::{BodyStream, FetchError, Request, Response};
use crate::recorder::{Recorder, Shared, TaskWake, WakeTag, WakerId, note_await, waker_id};
use crate::trace::{
    BodyProgress, DEFAULT_CAPACITY, EventKind, Outcome, RequestTimes, SiteId, TaskId, Trace, WakeCause,
};

/// Wraps an environment and records what the futures that use it do.
///
/// Time in the trace starts at the moment `Traced::new` was called. Clones
/// share one trace. Several `Traced` over one inner environment record
/// separate runs on the same clock.
pub struct Traced<E> {
    inner: E,
    shared: Rc<Shared>,
}

impl<E: Clone> Clone for Traced<E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            shared: Rc::clone(&self.shared),
        }
    }
}

impl<E: Env> Traced<E> {
    /// Starts a new, empty trace whose origin is `inner.now()`.
    pub fn new(inner: E) -> Self {
        Self::with_capacity(inner, DEFAULT_CAPACITY)
    }

    /// Like [`Traced::new`], keeping at most `capacity` events (see
    /// [`Trace::with_capacity`]).
    pub fn with_capacity(inner: E, capacity: usize) -> Self {
        let clock = inner.clone();
        Self {
            inner,
            shared: Rc::new(Shared::new(Box::new(move || clock.now()), capacity)),
        }
    }

    /// Spawns `fut` as a task made at `loc` whose output `classify` judges;
    /// the handle knows its task, so that a task awaiting it is recorded as
    /// waiting on that task. Under [`Env::spawn`] and [`Env::try_spawn`].
    fn spawn_judged<F>(
        &self,
        name: String,
        loc: &'static Location<'static>,
        fut: F,
        classify: fn(&F::Output) -> Outcome,
    ) -> crate::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let task = Instrumented::new(Rc::clone(&self.shared), name, loc, fut, classify);
        let id = task.id;
        let (boxed, mut handle) = crate::spawn::wrap(task);
        handle.watch(self.recorder(), id);
        self.spawn_boxed(boxed);
        handle
    }

    /// The environment underneath.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// The trace so far. Do not hold the borrow across an `.await`.
    pub fn trace(&self) -> Ref<'_, Trace> {
        self.shared.trace.borrow()
    }

    /// Makes the trace's instants read as a day and a clock time
    /// ([`Trace::at_label`]): for a schedule by the time of day.
    pub fn use_day_clock(&self) {
        self.shared.trace.borrow_mut().set_day_clock();
    }

    /// A copy of the trace so far.
    pub fn snapshot(&self) -> Trace {
        self.shared.trace.borrow().clone()
    }

    /// Completes once every task recorded so far has ended, detached tasks
    /// included: a run is over when its last lane is.
    pub fn settled(&self) -> impl Future<Output = ()> + 'static + use<E> {
        let shared = Rc::clone(&self.shared);
        futures::future::poll_fn(move |cx| shared.settled(cx))
    }

    /// The trace's events, kept and dropped: how far it has grown (it only
    /// grows).
    pub fn size(&self) -> u64 {
        let trace = self.shared.trace.borrow();
        trace.events().len() as u64 + trace.dropped()
    }

    /// Ready once the trace's [`Traced::size`] is no longer `seen`;
    /// otherwise the waker is woken at the next event recorded. One waker
    /// is kept per trace, the last to ask's: for the one watcher of a live
    /// run, which then need not look at the trace on a timer.
    pub fn poll_grown(&self, seen: u64, cx: &mut Context<'_>) -> Poll<()> {
        self.shared.poll_grown(seen, cx)
    }
}

impl<E: Env> Env for Traced<E> {
    fn now(&self) -> Duration {
        self.shared.now()
    }

    #[track_caller]
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + 'static + use<E> {
        let site = self.shared.await_site(Location::caller());
        TracedSleep {
            recorder: self.recorder(),
            inner: self.inner.sleep(duration),
            deadline: self.now().saturating_add(duration),
            site,
            armed: None,
            tag: WakeTag::default(),
        }
    }

    fn spawn_boxed(&self, fut: LocalBoxFuture<'static, ()>) {
        self.inner.spawn_boxed(fut);
    }

    #[track_caller]
    fn fetch(&self, request: Request) -> impl Future<Output = Result<Response, FetchError>> + 'static + use<E> {
        let site = self.shared.await_site(Location::caller());
        let what = request.describe();
        TracedFetch {
            recorder: self.recorder(),
            inner: Box::pin(self.inner.fetch(request)),
            what: Some(what),
            site,
            sent: None,
            tag: WakeTag::default(),
        }
    }

    #[track_caller]
    fn fetch_stream(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<BodyStream, FetchError>> + 'static + use<E> {
        let site = self.shared.await_site(Location::caller());
        let what = request.describe();
        let recorder = self.recorder();
        let inner = self.inner.fetch_stream(request);
        At::new(async move {
            let mut sent = SentRequest {
                recorder: recorder.clone(),
                task: None,
            };
            if let Some(task) = recorder.current_task() {
                recorder.event_for(task, EventKind::RequestSent { what: what.into() });
                sent.task = Some(task);
            }
            let head = Tagged {
                inner: Box::pin(inner),
                recorder: recorder.clone(),
                site,
                tag: WakeTag::default(),
            }
            .await;
            match head {
                Err(e) => {
                    sent.end(EventKind::RequestFailed {
                        error: e.to_string().into(),
                    });
                    Err(e)
                }
                Ok(body) => {
                    // The head is the answer: its status is logged now; the
                    // body's chunks follow as progress.
                    if let Some(task) = sent.task {
                        recorder.event_for(task, EventKind::RequestAnswered { status: body.status });
                    }
                    Ok(BodyStream {
                        status: body.status,
                        total: body.total,
                        chunks: Box::pin(TracedChunks {
                            inner: body.chunks,
                            sent,
                            total: body.total,
                            done: 0,
                            site,
                            tag: WakeTag::default(),
                        }),
                    })
                }
            }
        })
    }

    fn block_for(&self, duration: Duration) {
        self.recorder().event(EventKind::Log {
            text: format!("blocks the thread for {} ms", duration.as_millis()).into(),
        });
        self.inner.block_for(duration);
    }

    fn random(&self) -> u64 {
        self.inner.random()
    }

    /// As [`Env::spawn`], and the handle knows its task, so that a task
    /// awaiting it is recorded as waiting on that task.
    #[track_caller]
    fn spawn<F>(&self, name: impl Into<String>, fut: F) -> crate::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_judged(name.into(), Location::caller(), fut, |_| Outcome::Ok)
    }

    /// As [`Env::try_spawn`], and the handle knows its task (as
    /// [`Traced::spawn`]'s).
    #[track_caller]
    fn try_spawn<T, Er, F>(&self, name: impl Into<String>, fut: F) -> crate::JoinHandle<Result<T, Er>>
    where
        F: Future<Output = Result<T, Er>> + 'static,
        T: 'static,
        Er: 'static,
    {
        self.spawn_judged(name.into(), Location::caller(), fut, outcome_of::<T, Er>)
    }

    #[track_caller]
    fn task<F: Future>(&self, name: String, fut: F) -> impl Future<Output = F::Output> + use<E, F> {
        Instrumented::new(Rc::clone(&self.shared), name, Location::caller(), fut, |_| Outcome::Ok)
    }

    #[track_caller]
    fn try_task<T, Er, F>(&self, name: String, fut: F) -> impl Future<Output = Result<T, Er>> + use<E, T, Er, F>
    where
        F: Future<Output = Result<T, Er>>,
    {
        Instrumented::new(
            Rc::clone(&self.shared),
            name,
            Location::caller(),
            fut,
            outcome_of::<T, Er>,
        )
    }

    fn script_task<F: Future>(
        &self,
        name: String,
        site: Option<SiteId>,
        fut: F,
        classify: fn(&F::Output) -> Outcome,
    ) -> impl Future<Output = F::Output> + use<E, F> {
        Instrumented::with_sites(Rc::clone(&self.shared), name, site, None, fut, classify)
    }

    fn recorder(&self) -> Recorder {
        Recorder(Some(Rc::clone(&self.shared)))
    }
}

pin_project! {
    /// A timer of a [`Traced`] environment: records armed, fired and
    /// cancelled for the task that polls it. The environment's timer is
    /// kept in place, not boxed.
    #[must_use = "futures do nothing unless you .await or poll them"]
    struct TracedSleep<S> {
        recorder: Recorder,
        #[pin]
        inner: S,
        deadline: Duration,
        site: Option<SiteId>,
        // The task that armed it, while it is armed and has not fired.
        armed: Option<TaskId>,
        tag: WakeTag,
    }

    impl<S> PinnedDrop for TracedSleep<S> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.tag.disarm();
            if let Some(task) = this.armed.take() {
                this.recorder.event_for(task, EventKind::TimerCancelled);
            }
        }
    }
}

impl<S: Future<Output = ()>> Future for TracedSleep<S> {
    type Output = ();

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let caller = Location::caller();
        let this = self.project();
        if this.armed.is_none()
            && let Some(task) = this.recorder.current_task()
        {
            this.recorder.event_for(
                task,
                EventKind::TimerArmed {
                    deadline: (*this.deadline).into(),
                },
            );
            *this.armed = Some(task);
        }
        let poll = this
            .tag
            .poll(this.recorder, WakeCause::Timer, *this.site, this.inner, cx);
        if poll.is_pending() {
            note_await(caller);
        } else if let Some(task) = this.armed.take() {
            this.recorder.event_for(task, EventKind::TimerFired);
        }
        poll
    }
}

/// A request of a [`Traced`] environment: records sent, answered or failed,
/// and aborted when dropped in flight.
#[must_use = "futures do nothing unless you .await or poll them"]
struct TracedFetch<S> {
    recorder: Recorder,
    inner: Pin<Box<S>>,
    what: Option<String>,
    site: Option<SiteId>,
    /// The task that sent it, while it is in flight.
    sent: Option<TaskId>,
    tag: WakeTag,
}

impl<S> Unpin for TracedFetch<S> {}

impl<S: Future<Output = Result<Response, FetchError>>> Future for TracedFetch<S> {
    type Output = Result<Response, FetchError>;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let caller = Location::caller();
        let this = self.get_mut();
        if let Some(task) = this.recorder.current_task()
            && let Some(what) = this.what.take()
        {
            this.recorder
                .event_for(task, EventKind::RequestSent { what: what.into() });
            this.sent = Some(task);
        }
        let poll = this
            .tag
            .poll(&this.recorder, WakeCause::Request, this.site, this.inner.as_mut(), cx);
        if poll.is_pending() {
            note_await(caller);
        }
        if let Poll::Ready(result) = &poll
            && let Some(task) = this.sent.take()
        {
            if let Ok(Response { timing: Some(t), .. }) = result {
                let (queued, connecting, waiting, receiving) = t.phases();
                this.recorder.event_for(
                    task,
                    EventKind::RequestTiming(Box::new(RequestTimes {
                        request_start: this.recorder.trace_time(t.request_start),
                        queued,
                        connecting,
                        waiting,
                        receiving,
                    })),
                );
            }
            let kind = match result {
                Ok(r) => EventKind::RequestAnswered { status: r.status },
                Err(FetchError::Status(status)) => EventKind::RequestAnswered { status: *status },
                Err(e) => EventKind::RequestFailed {
                    error: e.to_string().into(),
                },
            };
            this.recorder.event_for(task, kind);
        }
        poll
    }
}

impl<S> Drop for TracedFetch<S> {
    fn drop(&mut self) {
        self.tag.disarm();
        if let Some(task) = self.sent.take() {
            self.recorder.event_for(task, EventKind::RequestAborted);
        }
    }
}

/// A request in flight for a streamed body: ends once, as answered, failed
/// or (when dropped first) aborted.
struct SentRequest {
    recorder: Recorder,
    task: Option<TaskId>,
}

impl SentRequest {
    fn end(&mut self, kind: EventKind) {
        if let Some(task) = self.task.take() {
            self.recorder.event_for(task, kind);
        }
    }
}

impl Drop for SentRequest {
    fn drop(&mut self) {
        self.end(EventKind::RequestAborted);
    }
}

/// A request's head: polled through a [`WakeTag`] (wakes are the
/// request's), naming `site` while pending.
struct Tagged<F> {
    inner: Pin<Box<F>>,
    recorder: Recorder,
    site: Option<SiteId>,
    tag: WakeTag,
}

impl<F: Future> Future for Tagged<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        this.tag
            .poll(&this.recorder, WakeCause::Request, this.site, this.inner.as_mut(), cx)
    }
}

impl<F> Drop for Tagged<F> {
    fn drop(&mut self) {
        self.tag.disarm();
    }
}

/// A streamed body's chunks: each poll through a [`WakeTag`], progress
/// recorded, the request ended once.
struct TracedChunks {
    inner: futures::stream::LocalBoxStream<'static, Result<u64, FetchError>>,
    sent: SentRequest,
    total: Option<u64>,
    done: u64,
    site: Option<SiteId>,
    tag: WakeTag,
}

impl futures::Stream for TracedChunks {
    type Item = Result<u64, FetchError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let inner = &mut this.inner;
        let next = this
            .tag
            .poll_with(&this.sent.recorder, WakeCause::Request, this.site, cx, |cx| {
                inner.as_mut().poll_next(cx)
            });
        match &next {
            Poll::Ready(Some(Ok(n))) => {
                this.done += n;
                if let Some(task) = this.sent.task {
                    let (done, total) = (this.done, this.total);
                    this.sent
                        .recorder
                        .event_for(task, EventKind::Progress(Box::new(BodyProgress { done, total })));
                }
            }
            Poll::Ready(Some(Err(e))) => this.sent.end(EventKind::RequestFailed {
                error: e.to_string().into(),
            }),
            // The last chunk: the request is over (its answer was logged
            // with the head), so dropping the stream now aborts nothing.
            Poll::Ready(None) => this.sent.task = None,
            Poll::Pending => {}
        }
        next
    }
}

impl Drop for TracedChunks {
    fn drop(&mut self) {
        self.tag.disarm();
    }
}

pin_project! {
    /// A named future whose every poll and wake is recorded; dropping it
    /// before it completes records it as cancelled. The future is kept in
    /// place (pinned through the wrapper), not boxed.
    #[must_use = "futures do nothing unless you .await or poll them"]
    pub struct Instrumented<F: Future> {
        shared: Rc<Shared>,
        id: TaskId,
        // The line that made it, as the caller's await point while the
        // caller awaits it (`None` inside the combinators, like every
        // await point).
        awaited_at: Option<SiteId>,
        // The work, until it completes or is dropped.
        #[pin]
        fut: Option<F>,
        // Its waker and the waker's state, made at the first poll and made
        // again if the executor's waker changes.
        wake: Option<(Arc<TaskWake>, Waker)>,
        // Which waker `wake` wakes (the executor's, as of the last poll).
        outer: WakerId,
        classify: fn(&F::Output) -> Outcome,
    }

    impl<F: Future> PinnedDrop for Instrumented<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.fut.is_some() {
                if let Some((state, _)) = this.wake {
                    state.dead.store(true, Ordering::Release);
                }
                // Drop the work as this task, so that what it held (timers,
                // requests, permits, child tasks) is recorded before its end.
                let previous = this.shared.set_current(Some(*this.id));
                this.fut.set(None);
                this.shared.set_current(previous);
                let outcome = this.shared.drop_as.get().unwrap_or(Outcome::Cancelled);
                this.shared.record(*this.id, EventKind::Completed { outcome });
            }
        }
    }
}

impl<F: Future> Instrumented<F> {
    fn new(
        shared: Rc<Shared>,
        name: String,
        loc: &'static Location<'static>,
        fut: F,
        classify: fn(&F::Output) -> Outcome,
    ) -> Self {
        let site = shared.site(loc);
        let awaited_at = shared.await_site(loc);
        Self::with_sites(shared, name, Some(site), awaited_at, fut, classify)
    }

    /// A task made at `site`, awaited (while its caller waits) at
    /// `awaited_at`.
    fn with_sites(
        shared: Rc<Shared>,
        name: String,
        site: Option<SiteId>,
        awaited_at: Option<SiteId>,
        fut: F,
        classify: fn(&F::Output) -> Outcome,
    ) -> Self {
        let id = shared.add_task(name, site);
        shared.record(id, EventKind::Created);
        Self {
            shared,
            id,
            awaited_at,
            fut: Some(fut),
            wake: None,
            outer: (0, 0),
            classify,
        }
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let caller = Location::caller();
        let mut this = self.project();
        let Some(fut) = this.fut.as_mut().as_pin_mut() else {
            // Polled after completion: a caller's bug; stay pending rather than
            // re-poll a finished future.
            return Poll::Pending;
        };
        let shared = &*this.shared;
        let id = *this.id;
        let outer = waker_id(cx.waker());
        if *this.outer != outer {
            *this.wake = None;
            *this.outer = outer;
        }
        let (state, waker) = &*this
            .wake
            .get_or_insert_with(|| TaskWake::waker(id, &shared.wakes, cx.waker()));
        state.woken.store(false, Ordering::Release);
        let previous = shared.set_current(Some(id));
        let outer = shared.start_poll();
        shared.record(id, EventKind::PollStart);
        let poll = fut.poll(&mut Context::from_waker(waker));
        let site = shared.end_poll(outer);
        match &poll {
            Poll::Pending => {
                shared.record(id, EventKind::PollEnd { ready: false, site });
                shared.set_current(previous);
                // The caller is waiting for this task: at its `.await`, or
                // failing that at the line that made it.
                shared.pending_on_child(caller, *this.awaited_at);
            }
            Poll::Ready(out) => {
                shared.record(id, EventKind::ready());
                let outcome = (this.classify)(out);
                this.fut.set(None);
                shared.record(id, EventKind::Completed { outcome });
                shared.set_current(previous);
            }
        }
        poll
    }
}

impl<F: Future> std::fmt::Debug for Instrumented<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumented")
            .field("id", &self.id)
            .field("done", &self.fut.is_none())
            .finish_non_exhaustive()
    }
}

impl<E> std::fmt::Debug for Traced<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Traced")
            .field("now", &self.shared.now())
            .finish_non_exhaustive()
    }
}
