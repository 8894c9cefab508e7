//! The timeline: per run, one lane per task on a time axis shared by all runs,
//! with the run's figures above its lanes.

use std::time::Duration;

use asyncscope_core::trace::{EventKind, Outcome, RequestSpan, SegmentState, on_wire_peak};
use yew::prelude::*;

use crate::state::RunSnapshot;
use crate::timeline::{Axis, axis, lanes};

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The runs to draw.
    pub runs: Vec<RunSnapshot>,
    /// Time since the runs started (open segments end here).
    pub now: Duration,
    /// True once the runs are over.
    pub finished: bool,
}

const STATES: [(SegmentState, &str); 5] = [
    (SegmentState::Polled, "polled: the future's code is running"),
    (SegmentState::Sleeping, "sleeping: pending on its timer"),
    (SegmentState::WaitingPermit, "permit: waiting for a semaphore permit"),
    (SegmentState::AwaitingIo, "io: awaiting a request"),
    (SegmentState::Waiting, "waiting: pending on something else"),
];

/// The Resource Timing phases, as the strip under a request's lane shows them.
const PHASES: [(&str, &str); 4] = [
    (
        "queued",
        "queued: waiting for a connection (the browser allows 6 per origin)",
    ),
    ("connecting", "connecting: opening a connection"),
    ("waiting", "waiting: request sent, no byte back yet"),
    ("receiving", "receiving: the response arriving"),
];

/// Draws the runs on one shared axis.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let span = props
        .runs
        .iter()
        .map(|r| r.trace.makespan().unwrap_or(props.now))
        .fold(props.now, Duration::max);
    let axis = axis(span);
    html! {
        <div class="timeline">
            { for props.runs.iter().map(|run| html! { <RunView run={run.clone()} axis={axis.clone()} now={props.now} finished={props.finished} /> }) }
            <ul class="legend" aria-label="Legend">
                { for STATES.iter().map(|(state, text)| html! {
                    <li><span class={classes!("swatch", format!("seg-{}", state.as_str()))} aria-hidden="true"></span>{ *text }</li>
                }) }
                <li><span class="swatch outcome-cancelled" aria-hidden="true"></span>{ "cancelled: dropped before it completed" }</li>
                if props.runs.iter().any(|r| r.trace.events().iter().any(|e| matches!(e.kind, EventKind::RequestTiming { .. }))) {
                    { for PHASES.iter().map(|(name, text)| html! {
                        <li><span class={classes!("swatch", "phase-swatch", format!("phase-{name}"))} aria-hidden="true"></span>{ *text }</li>
                    }) }
                }
            </ul>
        </div>
    }
}

/// Request figures, for runs that sent requests: answered with a success,
/// with an HTTP error, and (in the browser) the most on the wire at once.
fn requests_metrics(requests: &[RequestSpan]) -> Html {
    if requests.is_empty() {
        return Html::default();
    }
    let ok = requests
        .iter()
        .filter(|r| r.status.is_some_and(|s| (200..300).contains(&s)))
        .count();
    let http_errors: Vec<String> = requests
        .iter()
        .filter_map(|r| r.status.filter(|s| !(200..300).contains(s)).map(|s| s.to_string()))
        .collect();
    let on_wire = on_wire_peak(requests);
    html! {
        <>
            <div><dt>{ "requests ok" }</dt><dd><span data-metric="requests_ok">{ ok }</span>{ format!("/{}", requests.len()) }</dd></div>
            if !http_errors.is_empty() {
                <div><dt>{ "HTTP errors" }</dt><dd><span data-metric="http_errors">{ http_errors.join(", ") }</span></dd></div>
            }
            if on_wire > 0 {
                <div title="Measured with the Resource Timing API: from the request going out to the last byte. Browsers open at most 6 connections per HTTP/1.1 origin.">
                    <dt>{ "on the wire at once" }</dt><dd><span data-metric="max_on_wire">{ on_wire }</span></dd>
                </div>
            }
        </>
    }
}

/// A progress bar for the run's streamed download, if it has one.
fn progress(requests: &[RequestSpan]) -> Html {
    let Some((done, total)) = requests.iter().rev().find_map(|r| r.progress) else {
        return Html::default();
    };
    let total = total.unwrap_or(done).max(1);
    let pct = (done.min(total) * 100 / total) as u32;
    html! {
        <div class="progress">
            <progress max={total.to_string()} value={done.to_string()} aria-label="Download progress"></progress>
            <span><span data-metric="progress_pct">{ pct }</span>{ format!("% ({done} of {total} bytes)") }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RunViewProps {
    run: RunSnapshot,
    axis: Axis,
    now: Duration,
    finished: bool,
}

#[component]
fn RunView(props: &RunViewProps) -> Html {
    let trace = &props.run.trace;
    let lanes = lanes(trace, props.now, props.axis.end);
    let count = |o: Outcome| lanes.iter().filter(|l| l.outcome == Some(o)).count();
    let makespan = if props.finished { trace.makespan() } else { None };
    let requests = trace.requests();
    html! {
        <section class="run" data-run={props.run.label} aria-label={format!("{} run", props.run.label)}>
            <header class="run-head">
                <h3>{ props.run.label }</h3>
                <dl class="metrics">
                    <div>
                        <dt>{ "makespan" }</dt>
                        <dd>
                            if let Some(m) = makespan {
                                <span data-metric="makespan_ms">{ m.as_millis() }</span>{ " ms" }
                            } else if props.finished {
                                { "—" }
                            } else {
                                { format!("{} ms so far", props.now.as_millis()) }
                            }
                        </dd>
                    </div>
                    <div><dt>{ "max in flight" }</dt><dd><span data-metric="max_in_flight">{ trace.max_in_flight() }</span></dd></div>
                    <div><dt>{ "ok" }</dt><dd><span data-metric="tasks_ok">{ count(Outcome::Ok) }</span></dd></div>
                    if count(Outcome::Error) > 0 {
                        <div><dt>{ "failed" }</dt><dd><span data-metric="tasks_error">{ count(Outcome::Error) }</span></dd></div>
                    }
                    if count(Outcome::Timeout) > 0 {
                        <div><dt>{ "timed out" }</dt><dd><span data-metric="tasks_timeout">{ count(Outcome::Timeout) }</span></dd></div>
                    }
                    <div><dt>{ "cancelled" }</dt><dd><span data-metric="tasks_cancelled">{ count(Outcome::Cancelled) }</span></dd></div>
                    { requests_metrics(&requests) }
                </dl>
            </header>
            { progress(&requests) }
            <div class="axis" aria-hidden="true">
                { for props.axis.ticks.iter().map(|t| html! {
                    <span class="tick" style={format!("left:{:.3}%", t.pct)}>{ t.label.clone() }</span>
                }) }
            </div>
            <ol class="lanes">
                { for lanes.iter().map(|lane| {
                    let outcome = lane.outcome.map_or("running", Outcome::as_str);
                    html! {
                        <li class={classes!("lane", format!("outcome-{outcome}"))} data-task={lane.name.clone()} data-outcome={outcome}>
                            <span class="lane-name">{ lane.name.clone() }</span>
                            <span class="lane-track">
                                { for lane.segments.iter().map(|s| html! {
                                    <span class={classes!("seg", format!("seg-{}", s.state.as_str()))}
                                          style={format!("left:{:.3}%;width:{:.3}%", s.left, s.width)}
                                          title={s.title.clone()}>
                                        if s.width > 12.0 { <span class="seg-label">{ s.state.as_str() }</span> }
                                    </span>
                                }) }
                                { for lane.phases.iter().map(|p| html! {
                                    <span class={classes!("phase", format!("phase-{}", p.name))}
                                          style={format!("left:{:.3}%;width:{:.3}%", p.left, p.width)}
                                          title={p.title.clone()}></span>
                                }) }
                            </span>
                            <span class="lane-outcome">{ outcome }</span>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
