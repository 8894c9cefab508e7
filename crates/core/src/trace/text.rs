//! A trace in words: one line per event.

use std::fmt::Write as _;
use std::time::Duration;

use super::model::{Blocker, Event, EventKind, SiteId, Trace, WakeCause};

impl Trace {
    /// A plain-text rendering, one event a line, for tests and the terminal:
    /// `   1000ms job0 poll end: pending at line 12`.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        // Per task: polled and pending, with no wake since.
        let mut idle = vec![false; self.tasks.len()];
        for ev in &self.events {
            let slot = idle.get_mut(ev.task.0 as usize);
            let again = matches!(ev.kind, EventKind::PollStart) && slot.as_deref() == Some(&true);
            if let Some(slot) = slot {
                match ev.kind {
                    EventKind::PollEnd { .. } => *slot = true,
                    EventKind::Woken { .. } | EventKind::PollStart => *slot = false,
                    _ => {}
                }
            }
            let _ = writeln!(
                out,
                "{:>7}ms {} {}",
                ev.at().as_millis(),
                self.task_name(ev.task),
                self.describe_at(ev, again)
            );
        }
        if self.dropped > 0 {
            let _ = writeln!(out, "({} events not kept: capacity {})", self.dropped, self.capacity);
        }
        if self.refused > 0 {
            let _ = writeln!(out, "({} events not kept: their task had ended)", self.refused);
        }
        if self.clamped > 0 {
            let _ = writeln!(
                out,
                "({} events came with an earlier time than the one before: the clock went back)",
                self.clamped
            );
        }
        out
    }

    /// The event at `index` in words, as [`Trace::render_text`] prints it:
    /// [`Trace::describe`], with what the event's place in the trace adds.
    /// A timer armed says when it fires and in how long; a poll that no
    /// wake asked for (a combinator such as `join_all` polling every child
    /// again) says that its parent polled it again.
    pub fn describe_event(&self, index: usize) -> String {
        match self.events.get(index) {
            Some(ev) => self.describe_at(ev, self.polled_again(index)),
            None => String::new(),
        }
    }

    /// [`Trace::describe_event`] in Simplified Chinese, for the page in
    /// Chinese. Names (of tasks, resources, requests) and the demo's own
    /// log lines stay as they are.
    pub fn describe_event_zh(&self, index: usize) -> String {
        match self.events.get(index) {
            Some(ev) => self.describe_in(ev, self.polled_again(index), Words::Chinese),
            None => String::new(),
        }
    }

    /// [`Trace::describe_event`] of `ev`, told whether it is a poll that no
    /// wake asked for.
    fn describe_at(&self, ev: &Event, polled_again: bool) -> String {
        self.describe_in(ev, polled_again, Words::English)
    }

    /// `ev` in `words`: what its place in the trace adds (when a timer
    /// fires, a poll no wake asked for), else its kind alone.
    fn describe_in(&self, ev: &Event, polled_again: bool, words: Words) -> String {
        let zh = words == Words::Chinese;
        match &ev.kind {
            EventKind::TimerArmed { deadline } => {
                let deadline = deadline.get();
                let (at, wait) = (self.at_label(deadline, zh), human(deadline.saturating_sub(ev.at())));
                if zh {
                    format!("定时器已设置：{at} 时触发（{wait} 后）")
                } else {
                    format!("timer armed: fires at {at} (in {wait})")
                }
            }
            EventKind::PollStart if polled_again => {
                let parent = self.tasks.get(ev.task.0 as usize).and_then(|t| t.parent);
                match (parent.map(|p| self.task_name(p)), zh) {
                    (Some(parent), true) => format!("被 {parent} 再次轮询，未被唤醒"),
                    (Some(parent), false) => format!("polled again by {parent}, not woken"),
                    (None, true) => "再次轮询，未被唤醒".to_string(),
                    (None, false) => "polled again, not woken".to_string(),
                }
            }
            kind if zh => self.describe_zh(kind),
            kind => self.describe(kind),
        }
    }

    /// [`Trace::describe`] in Simplified Chinese.
    fn describe_zh(&self, kind: &EventKind) -> String {
        let name = |r| self.resource_name(r);
        match kind {
            EventKind::TimerArmed { deadline } => {
                format!("定时器已设置：{} 时触发", self.at_label(deadline.get(), true))
            }
            EventKind::Created => "已创建".to_string(),
            EventKind::PollStart => "轮询".to_string(),
            EventKind::PollEnd { ready: true, .. } => "轮询结束：就绪".to_string(),
            EventKind::PollEnd { ready: false, site } => match site.and_then(|s| self.site(s)) {
                Some(s) => format!("轮询结束：挂起于第 {} 行", s.line),
                None => "轮询结束：挂起".to_string(),
            },
            EventKind::Woken { by, from } => match (by, from) {
                (WakeCause::Timer, _) => "被自己的定时器唤醒".to_string(),
                (WakeCause::Resource(r), Some(t)) => format!("被 {} 经由 {} 唤醒", self.task_name(*t), name(*r)),
                (WakeCause::Resource(r), None) => format!("被 {} 唤醒", name(*r)),
                (WakeCause::Request, _) => "被自己的请求唤醒".to_string(),
                (WakeCause::Unknown, Some(t)) => format!("被 {} 唤醒", self.task_name(*t)),
                (WakeCause::Unknown, None) => "被唤醒".to_string(),
            },
            EventKind::TimerFired => "定时器触发".to_string(),
            EventKind::TimerCancelled => "定时器已取消".to_string(),
            EventKind::PermitWaiting { resource } => format!("等待 {}", name(*resource)),
            EventKind::PermitAcquired { resource, available } => {
                format!("获得 {}（剩余 {available}）", name(*resource))
            }
            EventKind::PermitReleased { resource, available } => {
                format!("释放 {}（空闲 {available}）", name(*resource))
            }
            EventKind::PermitGaveUp { resource } => format!("放弃等待 {}", name(*resource)),
            EventKind::PermitRefused { resource } => format!("{} 拒绝了超出上限的释放", name(*resource)),
            EventKind::QueuePush { resource, depth } => format!("放入 {}（深度 {depth}）", name(*resource)),
            EventKind::QueuePop { resource, depth } => format!("从 {} 取出（深度 {depth}）", name(*resource)),
            EventKind::Blocked { on } => format!("等待 {}", self.blocker_name(*on)),
            EventKind::Unblocked { on } => format!("不再等待 {}", self.blocker_name(*on)),
            EventKind::RequestSent { what } => format!("请求 {what}"),
            EventKind::RequestAnswered { status } => format!("响应 {status}"),
            EventKind::RequestFailed { error } => format!("请求失败：{error}"),
            EventKind::RequestAborted => "请求已中止".to_string(),
            EventKind::RequestTiming(t) => format!(
                "时序：排队 {}，连接 {}，等待 {}，接收 {}",
                human(t.queued),
                human(t.connecting),
                human(t.waiting),
                human(t.receiving)
            ),
            EventKind::Progress(p) => match (p.done, p.total) {
                (done, Some(total)) => format!("已接收 {done} / {total} 字节"),
                (done, None) => format!("已接收 {done} 字节"),
            },
            EventKind::Attempt { number } => format!("第 {number} 次尝试"),
            EventKind::Backoff { delay } => format!("退避 {}", human(delay.get())),
            EventKind::DeadlinePassed => "已过截止时间".to_string(),
            EventKind::Completed { outcome } => format!(
                "完成：{}",
                match outcome {
                    super::model::Outcome::Ok => "成功",
                    super::model::Outcome::Error => "失败",
                    super::model::Outcome::Cancelled => "已取消",
                    super::model::Outcome::Timeout => "超时",
                }
            ),
            EventKind::Log { text } => format!("日志：{text}"),
            EventKind::Overflow => "轨迹已满：之后的事件未保留".to_string(),
        }
    }

    /// True if the poll starting at `index` follows an earlier poll of its
    /// task with no wake in between.
    fn polled_again(&self, index: usize) -> bool {
        let task = self.events[index].task;
        for ev in self.events[..index].iter().rev().filter(|e| e.task == task) {
            match ev.kind {
                EventKind::Woken { .. } | EventKind::Created => return false,
                EventKind::PollEnd { .. } => return true,
                _ => {}
            }
        }
        false
    }

    /// The name of what a task is blocked on: a resource's or a task's.
    fn blocker_name(&self, on: Blocker) -> &str {
        match on {
            Blocker::Resource(r) => self.resource_name(r),
            Blocker::Task(t) => self.task_name(t),
        }
    }

    /// One event's kind in words, without what its place in the trace adds
    /// (see [`Trace::describe_event`]).
    pub fn describe(&self, kind: &EventKind) -> String {
        let at_site = |site: &Option<SiteId>| match site.and_then(|s| self.site(s)) {
            Some(s) => format!(" at line {}", s.line),
            None => String::new(),
        };
        match kind {
            EventKind::Created => "created".to_string(),
            EventKind::PollStart => "poll".to_string(),
            EventKind::PollEnd { ready: true, .. } => "poll end: ready".to_string(),
            EventKind::PollEnd { ready: false, site } => format!("poll end: pending{}", at_site(site)),
            EventKind::Woken { by, from } => match (by, from) {
                (WakeCause::Timer, _) => "woken by its timer".to_string(),
                (WakeCause::Resource(r), Some(t)) => {
                    format!("woken by {} through {}", self.task_name(*t), self.resource_name(*r))
                }
                (WakeCause::Resource(r), None) => format!("woken by {}", self.resource_name(*r)),
                (WakeCause::Request, _) => "woken by its request".to_string(),
                (WakeCause::Unknown, Some(t)) => format!("woken by {}", self.task_name(*t)),
                (WakeCause::Unknown, None) => "woken".to_string(),
            },
            EventKind::TimerArmed { deadline } => {
                format!("timer armed: fires at {}", self.at_label(deadline.get(), false))
            }
            EventKind::TimerFired => "timer fired".to_string(),
            EventKind::TimerCancelled => "timer cancelled".to_string(),
            EventKind::PermitWaiting { resource } => format!("waits for {}", self.resource_name(*resource)),
            EventKind::PermitAcquired { resource, available } => {
                format!("acquired {} ({available} left)", self.resource_name(*resource))
            }
            EventKind::PermitReleased { resource, available } => {
                format!("released {} ({available} free)", self.resource_name(*resource))
            }
            EventKind::PermitGaveUp { resource } => format!("gave up waiting for {}", self.resource_name(*resource)),
            EventKind::PermitRefused { resource } => {
                format!("release refused by {}: above its limit", self.resource_name(*resource))
            }
            EventKind::QueuePush { resource, depth } => {
                format!("pushed to {} (depth {depth})", self.resource_name(*resource))
            }
            EventKind::QueuePop { resource, depth } => {
                format!("popped from {} (depth {depth})", self.resource_name(*resource))
            }
            EventKind::Blocked { on } => format!("waits on {}", self.blocker_name(*on)),
            EventKind::Unblocked { on } => format!("done waiting on {}", self.blocker_name(*on)),
            EventKind::RequestSent { what } => format!("request {what}"),
            EventKind::RequestAnswered { status } => format!("response {status}"),
            EventKind::RequestFailed { error } => format!("request failed: {error}"),
            EventKind::RequestAborted => "request aborted".to_string(),
            EventKind::RequestTiming(t) => format!(
                "timing: queued {}, connecting {}, waiting {}, receiving {}",
                human(t.queued),
                human(t.connecting),
                human(t.waiting),
                human(t.receiving)
            ),
            EventKind::Progress(p) => match (p.done, p.total) {
                (done, Some(total)) => format!("received {done} of {total} bytes"),
                (done, None) => format!("received {done} bytes"),
            },
            EventKind::Attempt { number } => format!("attempt {number}"),
            EventKind::Backoff { delay } => format!("backoff {}", human(delay.get())),
            EventKind::DeadlinePassed => "deadline passed".to_string(),
            EventKind::Completed { outcome } => format!("completed: {}", outcome.as_str()),
            EventKind::Log { text } => format!("log: {text}"),
            EventKind::Overflow => "trace full: later events not kept".to_string(),
        }
    }
}

/// The languages a trace is told in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Words {
    English,
    Chinese,
}

/// A time or duration in the unit a person reads: `0`, `250 ms` under a
/// second, `3 s` or `2.5 s` under a minute, `2 min` or `2 min 30 s` under an
/// hour, then `1 h` or `3 h 20 min`; never `205200000 ms` or `32400 s`.
pub fn human_ms(ms: f64) -> String {
    if ms <= 0.0 {
        return "0".to_string();
    }
    // Whole numbers, written as integers: a live timeline writes two of
    // these into every segment's tooltip at each drawing, and formatting a
    // float costs several times as much.
    if ms < 1000.0 {
        return format!("{} ms", ms.round() as u64);
    }
    let s = ms / 1000.0;
    if s < 60.0 {
        let tenths = (s * 10.0).round() as u64;
        return if tenths.is_multiple_of(10) {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        };
    }
    let whole = s.round() as u64;
    if whole < 3600 {
        let (m, sec) = (whole / 60, whole % 60);
        return if sec == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {sec} s")
        };
    }
    let minutes = (whole + 30) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// [`human_ms`] of a `Duration`.
pub fn human(d: Duration) -> String {
    human_ms(d.as_secs_f64() * 1000.0)
}
