//! Requests as the trace saw them: sent, answered, timing, progress.

use std::time::Duration;

use std::collections::HashMap;

use super::model::{Event, EventKind, TaskId, Trace};

/// One request as the trace saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSpan {
    /// The task that sent it.
    pub task: TaskId,
    /// `GET /api/delay/100`.
    pub what: String,
    /// When it was sent.
    pub sent: Duration,
    /// When it ended (answered, failed or aborted), if it has.
    pub end: Option<Duration>,
    /// The HTTP status, if it was answered.
    pub status: Option<u16>,
    /// Why it failed, if it did.
    pub failed: Option<String>,
    /// True if it was dropped before it ended.
    pub aborted: bool,
    /// Resource Timing phases: queued, connecting, waiting, receiving.
    pub phases: Option<[Duration; 4]>,
    /// When it was on the wire (from the request going out to the last
    /// byte), where the browser reported it.
    pub on_wire: Option<(Duration, Duration)>,
    /// Bytes received so far, and of how many, for streamed bodies.
    pub progress: Option<(u64, Option<u64>)>,
}

impl Trace {
    /// Every request, in the order they were sent.
    pub fn requests(&self) -> Vec<RequestSpan> {
        let mut out = Vec::new();
        RequestFold::default().feed(&mut out, &self.events);
        out
    }

    /// The most requests on the wire at once, where the browser reported
    /// when each was (see [`RequestSpan::on_wire`]); 0 if none was.
    pub fn max_on_wire(&self) -> usize {
        on_wire_peak(&self.requests())
    }
}

/// The most of `requests` on the wire at once (see [`Trace::max_on_wire`]),
/// for a caller that already has them.
pub fn on_wire_peak(requests: &[RequestSpan]) -> usize {
    let mut edges: Vec<(Duration, i32)> = Vec::new();
    for (a, b) in requests.iter().filter_map(|r| r.on_wire) {
        edges.push((a, 1));
        edges.push((b, -1));
    }
    // Ends sort before starts at the same instant.
    edges.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        max = max.max(now);
    }
    max as usize
}

/// [`Trace::requests`] made as a trace grows: fed the trace's events a
/// stretch at a time, it keeps the requests up to date. Fed a whole trace
/// at once or in stretches, it makes the same requests.
#[derive(Clone, Debug, Default)]
pub struct RequestFold {
    /// Per task, the requests it has in flight, oldest first.
    open: HashMap<TaskId, Vec<usize>>,
    /// Per task, the request it last had answered: a streamed body's
    /// chunks come after its answer (the head), and extend it.
    receiving: HashMap<TaskId, usize>,
}

impl RequestFold {
    /// Takes `events` into `out`, which holds the requests this fold made
    /// from the events before them (and nothing else).
    pub fn feed(&mut self, out: &mut Vec<RequestSpan>, events: &[Event]) {
        let Self { open, receiving } = self;
        for ev in events {
            let oldest = |open: &HashMap<TaskId, Vec<usize>>| open.get(&ev.task).and_then(|v| v.first().copied());
            match &ev.kind {
                EventKind::RequestSent { what } => {
                    open.entry(ev.task).or_default().push(out.len());
                    out.push(RequestSpan {
                        task: ev.task,
                        what: what.to_string(),
                        sent: ev.at(),
                        ..RequestSpan::default()
                    });
                }
                EventKind::RequestTiming(t) => {
                    if let Some(i) = oldest(open) {
                        out[i].phases = Some([t.queued, t.connecting, t.waiting, t.receiving]);
                        out[i].on_wire = Some((t.request_start, t.request_start + t.waiting + t.receiving));
                    }
                }
                EventKind::Progress(p) => {
                    if let Some(i) = oldest(open) {
                        out[i].progress = Some((p.done, p.total));
                    } else if let Some(&i) = receiving.get(&ev.task) {
                        out[i].progress = Some((p.done, p.total));
                        out[i].end = Some(ev.at());
                    }
                }
                EventKind::RequestAnswered { .. } | EventKind::RequestFailed { .. } | EventKind::RequestAborted => {
                    let target = match open.get_mut(&ev.task) {
                        Some(list) if !list.is_empty() => Some(list.remove(0)),
                        // A body that failed or was dropped after its head.
                        _ if !matches!(ev.kind, EventKind::RequestAnswered { .. }) => receiving.remove(&ev.task),
                        _ => None,
                    };
                    if let Some(i) = target {
                        out[i].end = Some(ev.at());
                        match &ev.kind {
                            EventKind::RequestAnswered { status } => {
                                out[i].status = Some(*status);
                                receiving.insert(ev.task, i);
                            }
                            EventKind::RequestFailed { error } => out[i].failed = Some(error.to_string()),
                            _ => out[i].aborted = true,
                        }
                    }
                }
                EventKind::Completed { .. } => {
                    open.remove(&ev.task);
                }
                _ => {}
            }
        }
    }
}
