//! [`race`] and [`select_ok`]: run named futures as tasks, keep the first
//! to finish (or the first success), and drop the rest, which the trace
//! records as cancelled.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{LocalBoxFuture, select_all, select_ok as futures_select_ok};

use crate::env::Env;

/// Future for [`race`]: yields `(index of the winner, its output)`.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct Race<T> {
    inner: LocalBoxFuture<'static, (usize, T)>,
}

/// Runs each `(name, future)` as a task and yields the first to finish with
/// its index; the others are dropped at once (cancelled). Like
/// `asyncio.wait(..., return_when=FIRST_COMPLETED)` followed by cancelling
/// the pending ones. An empty list never finishes.
#[track_caller]
pub fn race<E, F>(env: &E, entrants: Vec<(String, F)>) -> Race<F::Output>
where
    E: Env,
    F: Future + 'static,
    F::Output: 'static,
{
    let tasks: Vec<LocalBoxFuture<'static, F::Output>> = entrants
        .into_iter()
        .map(|(name, fut)| Box::pin(env.task(name, fut)) as LocalBoxFuture<'static, F::Output>)
        .collect();
    let inner: LocalBoxFuture<'static, (usize, F::Output)> = if tasks.is_empty() {
        Box::pin(futures::future::pending())
    } else {
        Box::pin(async move {
            let (out, index, losers) = select_all(tasks).await;
            drop(losers);
            (index, out)
        })
    };
    Race { inner }
}

impl<T> Future for Race<T> {
    type Output = (usize, T);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

/// Future for [`select_ok`]: the first success and its index, or the last
/// error if all fail.
#[must_use = "futures do nothing unless you .await or poll them"]
pub struct SelectOk<T, Er> {
    inner: LocalBoxFuture<'static, Result<(usize, T), Er>>,
}

/// Runs each `(name, future)` as a task (a failure ends that task as an
/// error) and yields the first success with its index; the others are then
/// dropped (cancelled). If every one fails, yields the last error. An
/// empty list yields `Err` of `empty()`.
#[track_caller]
pub fn select_ok<E, T, Er, F>(env: &E, entrants: Vec<(String, F)>, empty: impl FnOnce() -> Er) -> SelectOk<T, Er>
where
    E: Env,
    T: 'static,
    Er: 'static,
    F: Future<Output = Result<T, Er>> + 'static,
{
    if entrants.is_empty() {
        let err = empty();
        return SelectOk {
            inner: Box::pin(async move { Err(err) }),
        };
    }
    let tasks: Vec<LocalBoxFuture<'static, Result<(usize, T), Er>>> = entrants
        .into_iter()
        .enumerate()
        .map(|(i, (name, fut))| {
            let task = env.try_task(name, fut);
            Box::pin(async move { task.await.map(|v| (i, v)) }) as LocalBoxFuture<'static, _>
        })
        .collect();
    SelectOk {
        inner: Box::pin(async move {
            let (found, losers) = futures_select_ok(tasks).await?;
            drop(losers);
            Ok(found)
        }),
    }
}

impl<T, Er> Future for SelectOk<T, Er> {
    type Output = Result<(usize, T), Er>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}
