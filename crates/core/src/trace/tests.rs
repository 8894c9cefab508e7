//! Tests of the trace model and its views.

use std::time::Duration;

use super::*;

#[test]
fn a_task_queued_in_its_first_poll_never_counts_in_flight() {
    // On a real clock the events of one poll are microseconds apart.
    let us = Duration::from_micros;
    let mut t = Trace::new();
    let sem = t.add_resource("s", ResourceKind::Semaphore { permits: 1 });
    let (a, b) = (t.add_task("a"), t.add_task("b"));
    t.push(us(0), a, EventKind::Created);
    t.push(us(0), b, EventKind::Created);
    t.push(us(1), a, EventKind::PollStart);
    t.push(
        us(2),
        a,
        EventKind::PermitAcquired {
            resource: sem,
            available: 0,
        },
    );
    t.push(us(3), a, EventKind::pending(None));
    t.push(us(4), b, EventKind::PollStart);
    t.push(us(5), b, EventKind::PermitWaiting { resource: sem });
    t.push(us(6), b, EventKind::pending(None));
    t.push(
        us(100),
        a,
        EventKind::PermitReleased {
            resource: sem,
            available: 1,
        },
    );
    t.push(us(100), a, EventKind::Completed { outcome: Outcome::Ok });
    t.push(
        us(101),
        b,
        EventKind::PermitAcquired {
            resource: sem,
            available: 0,
        },
    );
    t.push(us(102), b, EventKind::Completed { outcome: Outcome::Ok });
    assert_eq!(t.max_in_flight(), 1, "{:?}", t.in_flight());
    assert_eq!(t.in_flight().last(), Some(&(us(102), 0)));
}

/// One event of each kind: the match is exhaustive, so a new kind must be
/// added here, and then the names test covers it.
pub(super) fn sample(kind: Kind) -> EventKind {
    let (r, d) = (ResourceId(0), Duration::from_millis(1));
    match kind {
        Kind::Created => EventKind::Created,
        Kind::PollStart => EventKind::PollStart,
        Kind::PollEnd => EventKind::pending(None),
        Kind::Woken => EventKind::woken(WakeCause::Timer),
        Kind::TimerArmed => EventKind::TimerArmed { deadline: d.into() },
        Kind::TimerFired => EventKind::TimerFired,
        Kind::TimerCancelled => EventKind::TimerCancelled,
        Kind::PermitWaiting => EventKind::PermitWaiting { resource: r },
        Kind::PermitAcquired => EventKind::PermitAcquired {
            resource: r,
            available: 0,
        },
        Kind::PermitReleased => EventKind::PermitReleased {
            resource: r,
            available: 1,
        },
        Kind::PermitGaveUp => EventKind::PermitGaveUp { resource: r },
        Kind::PermitRefused => EventKind::PermitRefused { resource: r },
        Kind::QueuePush => EventKind::QueuePush { resource: r, depth: 1 },
        Kind::QueuePop => EventKind::QueuePop { resource: r, depth: 0 },
        Kind::RequestSent => EventKind::RequestSent { what: "GET /".into() },
        Kind::RequestAnswered => EventKind::RequestAnswered { status: 200 },
        Kind::RequestFailed => EventKind::RequestFailed { error: "x".into() },
        Kind::RequestAborted => EventKind::RequestAborted,
        Kind::RequestTiming => EventKind::RequestTiming(Box::new(RequestTimes {
            request_start: d,
            queued: d,
            connecting: d,
            waiting: d,
            receiving: d,
        })),
        Kind::Progress => EventKind::Progress(Box::new(BodyProgress { done: 1, total: None })),
        Kind::Attempt => EventKind::Attempt { number: 1 },
        Kind::Backoff => EventKind::Backoff { delay: d.into() },
        Kind::DeadlinePassed => EventKind::DeadlinePassed,
        Kind::Completed => EventKind::Completed { outcome: Outcome::Ok },
        Kind::Blocked => EventKind::Blocked {
            on: Blocker::Resource(r),
        },
        Kind::Unblocked => EventKind::Unblocked {
            on: Blocker::Task(TaskId(0)),
        },
        Kind::Log => EventKind::Log { text: "x".into() },
        Kind::Overflow => EventKind::Overflow,
    }
}

#[test]
fn kind_names_are_the_json_tags() {
    use std::str::FromStr;
    use strum::VariantArray;
    assert_eq!(Kind::VARIANTS.len(), 28);
    for &k in Kind::VARIANTS {
        let kind = sample(k);
        let json = serde_json::to_value(Event::new(Duration::ZERO, TaskId(0), kind.clone())).expect("json");
        assert_eq!(json["kind"], kind.name());
        assert_eq!(kind.kind(), k);
        assert_eq!(<&str>::from(k), kind.name());
        assert_eq!(Kind::from_str(kind.name()), Ok(k));
    }
    for &o in <Outcome as VariantArray>::VARIANTS {
        assert_eq!(serde_json::to_value(o).expect("json"), o.as_str());
    }
    let states: Vec<&str> = SegmentState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(states, ["created", "polled", "sleeping", "permit", "io", "waiting"]);
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn pending() -> EventKind {
    EventKind::pending(None)
}

fn ready() -> EventKind {
    EventKind::ready()
}

#[test]
fn spans_follow_polls_and_timers() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(ms(0), a, EventKind::Created);
    t.push(ms(5), a, EventKind::PollStart);
    t.push(
        ms(5),
        a,
        EventKind::TimerArmed {
            deadline: ms(100).into(),
        },
    );
    t.push(ms(6), a, pending());
    t.push(ms(100), a, EventKind::TimerFired);
    t.push(ms(101), a, EventKind::PollStart);
    t.push(ms(102), a, ready());
    t.push(ms(102), a, EventKind::Completed { outcome: Outcome::Ok });
    let spans = t.spans();
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(
        (s.first_poll, s.end, s.outcome, s.polls),
        (Some(ms(5)), Some(ms(102)), Some(Outcome::Ok), 2)
    );
    let states: Vec<_> = s
        .segments
        .iter()
        .map(|g| (g.state, g.start.as_millis(), g.end.map(|e| e.as_millis())))
        .collect();
    assert_eq!(
        states,
        vec![
            (SegmentState::Created, 0, Some(5)),
            (SegmentState::Polled, 5, Some(6)),
            (SegmentState::Sleeping, 6, Some(101)),
            (SegmentState::Polled, 101, Some(102)),
        ]
    );
}

#[test]
fn pending_states_name_what_is_awaited() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 1 });
    t.push(ms(0), a, EventKind::PollStart);
    t.push(ms(0), a, EventKind::PermitWaiting { resource: sem });
    t.push(ms(0), a, pending());
    t.push(ms(10), a, EventKind::PollStart);
    t.push(
        ms(10),
        a,
        EventKind::PermitAcquired {
            resource: sem,
            available: 0,
        },
    );
    t.push(ms(10), a, EventKind::RequestSent { what: "GET /".into() });
    t.push(ms(10), a, pending());
    let states: Vec<_> = t.spans()[0].segments.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            SegmentState::Polled,
            SegmentState::WaitingPermit,
            SegmentState::Polled,
            SegmentState::AwaitingIo
        ]
    );
}

#[test]
fn makespan_waits_for_every_task() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    let b = t.add_task("b");
    t.push(ms(0), a, EventKind::Created);
    t.push(ms(0), b, EventKind::Created);
    t.push(ms(30), a, EventKind::Completed { outcome: Outcome::Ok });
    assert_eq!(t.makespan(), None);
    t.push(
        ms(40),
        b,
        EventKind::Completed {
            outcome: Outcome::Cancelled,
        },
    );
    assert_eq!(t.makespan(), Some(ms(40)));
    assert_eq!(Trace::new().makespan(), None);
}

#[test]
fn back_to_back_tasks_do_not_overlap() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    let b = t.add_task("b");
    t.push(ms(0), a, EventKind::PollStart);
    t.push(ms(10), a, EventKind::Completed { outcome: Outcome::Ok });
    t.push(ms(10), b, EventKind::PollStart);
    assert_eq!(t.max_in_flight(), 1);
    assert_eq!(t.in_flight(), vec![(ms(0), 1), (ms(10), 1)]);
}

#[test]
fn push_keeps_time_order() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(ms(10), a, EventKind::Created);
    t.push(ms(3), a, EventKind::PollStart);
    assert_eq!(t.events()[1].at(), ms(10));
}

#[test]
fn until_is_the_run_as_it_was_then() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(ms(0), a, EventKind::PollStart);
    t.push(ms(5), a, pending());
    t.push(ms(40), a, EventKind::PollStart);
    t.push(ms(41), a, EventKind::Completed { outcome: Outcome::Ok });
    let then = t.until(ms(5));
    assert_eq!(then.events().len(), 2, "events at the instant are included");
    assert_eq!(then.spans()[0].end, None, "not ended yet at 5 ms");
    assert_eq!(t.until(ms(41)).makespan(), Some(ms(41)));
}

#[test]
fn overflow_is_marked_and_counted() {
    let mut t = Trace::with_capacity(3);
    let a = t.add_task("a");
    for i in 0..10 {
        t.push(ms(i), a, EventKind::PollStart);
    }
    assert_eq!(t.events().len(), 4);
    assert_eq!(t.events()[3].kind, EventKind::Overflow);
    assert_eq!(t.dropped(), 7);
    assert!(
        t.render_text().ends_with("(7 events not kept: capacity 3)\n"),
        "{}",
        t.render_text()
    );
}

#[test]
fn a_sleep_for_ever_is_written_and_read_back_as_before() {
    // A deadline of `Duration::MAX` (a sleep for ever) saturates in the
    // event's 8 bytes, reads back as `Duration::MAX`, and is written as the
    // largest number of microseconds, as when events held a `Duration`; a
    // file read and written again is the same file.
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(
        ms(1),
        a,
        EventKind::TimerArmed {
            deadline: Duration::MAX.into(),
        },
    );
    let EventKind::TimerArmed { deadline } = t.events()[0].kind else {
        panic!("a timer");
    };
    assert_eq!(deadline.get(), Duration::MAX);
    let json = t.to_json().expect("serialises");
    assert!(json.contains(&format!("\"deadline\":{}", u64::MAX)), "{json}");
    let back = Trace::from_json(&json).expect("parses");
    assert_eq!(back, t);
    assert_eq!(back.to_json().expect("serialises"), json);
}

#[test]
fn json_round_trips_and_refuses_other_versions() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    let site = t.add_site("demo.rs", 12);
    let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 2 });
    t.push(ms(0), a, EventKind::Created);
    t.push(
        ms(1),
        a,
        EventKind::PermitAcquired {
            resource: sem,
            available: 1,
        },
    );
    t.push(ms(1), a, EventKind::pending(Some(site)));
    t.push(
        Duration::from_micros(1500),
        a,
        EventKind::Backoff { delay: ms(250).into() },
    );
    let json = t.to_json().expect("serialises");
    assert!(
        json.starts_with(r#"{"format":"asyncscope-trace","version":1,"#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"at_us":1500,"task":0,"kind":"backoff","delay":250000}"#),
        "{json}"
    );
    let back = Trace::from_json(&json).expect("reads its own JSON");
    assert_eq!(back.events(), t.events());
    assert_eq!(back.sites(), t.sites());
    let newer = json.replace(r#""version":1"#, r#""version":2"#);
    let err = Trace::from_json(&newer).expect_err("refuses version 2");
    assert!(err.to_string().contains("version 2 is not supported"), "{err}");
    let unordered = json.replace(r#""at_us":1500"#, r#""at_us":0"#);
    assert!(Trace::from_json(&unordered).is_err());
}

#[test]
fn resource_stats_count_waits_and_peaks() {
    let mut t = Trace::new();
    let (a, b) = (t.add_task("a"), t.add_task("b"));
    let sem = t.add_resource("sem", ResourceKind::Semaphore { permits: 1 });
    t.push(
        ms(0),
        a,
        EventKind::PermitAcquired {
            resource: sem,
            available: 0,
        },
    );
    t.push(ms(0), b, EventKind::PermitWaiting { resource: sem });
    t.push(
        ms(40),
        a,
        EventKind::PermitReleased {
            resource: sem,
            available: 1,
        },
    );
    t.push(
        ms(40),
        b,
        EventKind::PermitAcquired {
            resource: sem,
            available: 0,
        },
    );
    let s = &t.resource_stats()[0];
    assert_eq!((s.acquired, s.released, s.max_in_use, s.max_waiting), (2, 1, 1, 1));
    assert_eq!((s.max_wait, s.total_wait), (ms(40), ms(40)));
}

#[test]
fn a_kind_is_found_by_its_name() {
    assert_eq!(Kind::from_name("poll_start"), Some(Kind::PollStart));
    assert_eq!(Kind::from_name("poll"), None);
    assert_eq!(
        EventKind::Attempt { number: 2 }.kind(),
        Kind::Attempt,
        "a kind with data"
    );
}

#[test]
fn a_clock_that_goes_back_is_counted_and_shown() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(ms(10), a, EventKind::Created);
    t.push(ms(5), a, EventKind::PollStart);
    assert_eq!(t.events()[1].at(), ms(10), "kept in order");
    assert_eq!(t.clamped(), 1);
    assert!(
        t.render_text().contains("(1 events came with an earlier time"),
        "{}",
        t.render_text()
    );
    let back = Trace::from_json(&t.to_json().expect("json")).expect("reads");
    assert_eq!(back.clamped(), 1);
}

#[test]
fn refused_events_are_counted_shown_and_kept_in_json() {
    let mut t = Trace::new();
    t.add_task("a");
    t.refuse();
    assert_eq!(t.refused(), 1);
    assert!(t.render_text().contains("(1 events not kept: their task had ended)"));
    let json = t.to_json().expect("json");
    assert!(json.contains(r#""refused":1"#), "{json}");
    assert_eq!(Trace::from_json(&json).expect("reads").refused(), 1);
    let clean = Trace::new().to_json().expect("json");
    assert!(!clean.contains("refused") && !clean.contains("clamped"), "{clean}");
}

#[test]
fn from_json_refuses_unknown_ids_and_a_lost_overflow() {
    let head = r#"{"format":"asyncscope-trace","version":1,"tasks":[{"name":"a"}],"resources":[],"sites":[],"#;
    let cases = [
        (
            r#""events":[{"at_us":0,"task":0,"kind":"permit_waiting","resource":0}],"dropped":0}"#,
            "unknown resource",
        ),
        (
            r#""events":[{"at_us":0,"task":0,"kind":"poll_end","ready":false,"site":3}],"dropped":0}"#,
            "unknown site",
        ),
        (
            r#""events":[{"at_us":0,"task":0,"kind":"created"}],"dropped":5}"#,
            "dropped is 5",
        ),
        (
            r#""events":[{"at_us":0,"task":0,"kind":"overflow"}],"dropped":0}"#,
            "dropped is 0",
        ),
        (
            r#""events":[{"at_us":0,"task":0,"kind":"overflow"},{"at_us":0,"task":0,"kind":"created"}],"dropped":1}"#,
            "not the last event",
        ),
        (
            r#""events":[{"at_us":0,"task":1,"kind":"created"}],"dropped":0}"#,
            "unknown task 1",
        ),
    ];
    for (tail, why) in cases {
        let err = Trace::from_json(&format!("{head}{tail}")).expect_err(why);
        assert!(err.to_string().contains(why), "{err} (expected {why})");
    }
    let parent =
        r#"{"format":"asyncscope-trace","version":1,"tasks":[{"name":"a","parent":4}],"events":[],"dropped":0}"#;
    assert!(Trace::from_json(parent).is_err());
}

#[test]
fn an_overflowed_trace_reads_back_with_its_count() {
    let mut t = Trace::with_capacity(2);
    let a = t.add_task("a");
    for i in 0..5 {
        t.push(ms(i), a, EventKind::PollStart);
    }
    assert_eq!((t.events().len(), t.dropped()), (3, 3));
    let back = Trace::from_json(&t.to_json().expect("json")).expect("reads");
    assert_eq!(back, t);
}

/// Every kind has Chinese words, with no English word of three letters or
/// more left in them (names aside: the samples name none).
#[test]
fn every_kind_reads_in_chinese() {
    use strum::VariantArray;
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.add_resource("s", ResourceKind::Semaphore { permits: 1 });
    for &k in Kind::VARIANTS {
        t.push(Duration::ZERO, a, sample(k));
    }
    for (i, ev) in t.events().iter().enumerate() {
        let zh = t.describe_event_zh(i);
        let english = zh
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 3 && !matches!(w, "GET"));
        assert!(!english, "{}: {zh}", ev.kind.name());
        assert!(!zh.is_empty());
    }
}

/// A menu of kinds reads as words in both languages: the English is the
/// name with spaces, the Chinese has no English in it, and no two kinds
/// read the same.
#[test]
fn every_kind_has_a_label_in_both_languages() {
    let mut seen = std::collections::HashSet::new();
    for &k in Kind::all() {
        assert_eq!(k.label(false), k.name().replace('_', " "));
        let zh = k.label(true);
        assert!(
            !zh.is_empty() && !zh.chars().any(|c| c.is_ascii_alphabetic()),
            "{}: {zh}",
            k.name()
        );
        assert!(seen.insert(zh), "two kinds read {zh}");
    }
}

#[test]
fn times_read_in_human_units() {
    let cases = [
        (0.0, "0"),
        (250.0, "250 ms"),
        (1000.0, "1 s"),
        (2500.0, "2.5 s"),
        (6018.0, "6 s"),
        (120_000.0, "2 min"),
        (150_000.0, "2 min 30 s"),
        (3_600_000.0, "1 h"),
        (12_000_000.0, "3 h 20 min"),
        (205_200_000.0, "57 h"),
    ];
    for (ms, want) in cases {
        assert_eq!(human_ms(ms), want, "{ms}");
    }
}

/// `human_ms` writes whole numbers as integers: the same text as writing
/// the rounded floats, as it once did, for every time below a minute at a
/// fine step, at the units' edges, and past them.
#[test]
fn human_times_are_the_floats_written_as_before() {
    fn as_floats(ms: f64) -> String {
        if ms <= 0.0 {
            return "0".to_string();
        }
        if ms < 1000.0 {
            return format!("{} ms", ms.round());
        }
        let s = ms / 1000.0;
        if s < 60.0 {
            let tenths = (s * 10.0).round() / 10.0;
            return if tenths.fract() == 0.0 {
                format!("{tenths} s")
            } else {
                format!("{tenths:.1} s")
            };
        }
        human_ms(ms)
    }
    let edges = [
        -1.0, 0.0, 1e-9, 0.49, 0.5, 0.51, 1.0, 999.49, 999.5, 999.99, 1000.0, 1049.99, 1050.0, 1949.9, 1950.0, 9_950.0,
        59_949.9, 59_950.0, 59_999.9, 60_000.0,
    ];
    let sweep = (0..1_300_000).map(|i| f64::from(i) * 0.047 + 0.003);
    for ms in edges.into_iter().chain(sweep) {
        assert_eq!(human_ms(ms), as_floats(ms), "{ms} ms");
    }
}

/// Seven requests to one origin: six get a connection at once, the
/// seventh waits for one until the first answer; meanwhile its wait says
/// how many are on the wire ahead of it.
#[test]
fn a_queued_request_waits_behind_the_requests_on_the_wire() {
    use std::time::Duration;
    let ms = Duration::from_millis;
    let mut t = Trace::new();
    let tasks: Vec<TaskId> = (0..7).map(|i| t.add_task(format!("fetch{i}"))).collect();
    for (i, &task) in tasks.iter().enumerate() {
        t.push(ms(0), task, EventKind::PollStart);
        t.push(
            ms(0),
            task,
            EventKind::RequestSent {
                what: format!("GET /api/delay/{}", 300 + i).into(),
            },
        );
        t.push(ms(0), task, EventKind::pending(None));
    }
    // Answered in order; the seventh got its connection at 300 ms.
    for (i, &task) in tasks.iter().enumerate() {
        let (start, end) = if i < 6 { (0, 300 + i as u64) } else { (300, 606) };
        t.push(
            ms(end),
            task,
            EventKind::RequestTiming(Box::new(RequestTimes {
                request_start: ms(start),
                queued: ms(start),
                connecting: Duration::ZERO,
                waiting: ms(end - start),
                receiving: Duration::ZERO,
            })),
        );
        t.push(ms(end), task, EventKind::RequestAnswered { status: 200 });
    }
    let at = |ms_: u64| t.wait_text(tasks[6], ms(ms_), false).expect("pending");
    assert_eq!(
        at(100),
        "fetch6 → GET /api/delay/306 (queued for a connection, behind 6 requests on the wire)"
    );
    assert_eq!(
        t.wait_text(tasks[6], ms(100), true).expect("pending"),
        "fetch6 → GET /api/delay/306（排队等连接，前面有 6 个请求占着连接）"
    );
    assert_eq!(at(400), "fetch6 → GET /api/delay/306 (waiting for the first byte)");
}

/// A trace read to its end: settled when nothing is pending, alive while a
/// timer (or a request, or a wake) can still move it, stuck otherwise.
#[test]
fn liveness_says_whether_a_trace_can_go_on_by_itself() {
    use std::time::Duration;
    let ms = Duration::from_millis;
    let mut t = Trace::new();
    let event = t.add_resource("ready", ResourceKind::Event);
    let (w, s) = (t.add_task("waiter"), t.add_task("sleeper"));
    assert_eq!(t.liveness(), Liveness::Settled);
    t.push(ms(0), w, EventKind::PollStart);
    t.push(
        ms(0),
        w,
        EventKind::Blocked {
            on: Blocker::Resource(event),
        },
    );
    t.push(ms(0), w, EventKind::pending(None));
    t.push(ms(0), s, EventKind::PollStart);
    t.push(
        ms(0),
        s,
        EventKind::TimerArmed {
            deadline: ms(500).into(),
        },
    );
    t.push(ms(0), s, EventKind::pending(None));
    assert_eq!(t.liveness(), Liveness::Alive, "the sleeper's timer could still set it");
    t.push(ms(500), s, EventKind::TimerFired);
    t.push(ms(500), s, EventKind::woken(WakeCause::Timer));
    assert_eq!(t.liveness(), Liveness::Alive, "woken, not yet polled");
    t.push(ms(500), s, EventKind::PollStart);
    t.push(ms(500), s, EventKind::ready());
    t.push(ms(500), s, EventKind::Completed { outcome: Outcome::Ok });
    assert_eq!(t.liveness(), Liveness::Stuck, "nothing left to set the event");
}

#[test]
fn an_event_stays_small() {
    // Every recorded event costs its size in memory and in writing it out:
    // times are 8-byte `Nanos`, texts a thin `Text`, and the rare, wide
    // kinds (Resource Timing, a body's progress) are boxed, so an event is
    // 32 bytes (a 2^20-event trace in 32 MB, not 56), on wasm32 as here.
    assert!(
        std::mem::size_of::<Event>() <= 32,
        "an Event takes {} bytes",
        std::mem::size_of::<Event>()
    );
}

/// A copy kept up to date with `catch_up` equals its source after each
/// step: whether the source grew (events, tasks, resources, sites, past
/// its capacity), or is another recording, or the same one cut earlier.
#[test]
fn a_copy_caught_up_equals_its_source() {
    let mut live = Trace::with_capacity(6);
    let a = live.add_task("a");
    live.push(ms(0), a, EventKind::Created);
    let mut copy = live.clone();
    assert!(copy.lineage().is(live.lineage()));
    let sem = live.add_resource("s", ResourceKind::Semaphore { permits: 1 });
    let b = live.add_task("b");
    let site = live.add_site("x.rs", 3);
    live.push(ms(1), b, EventKind::Created);
    live.push(ms(2), a, EventKind::PollStart);
    live.push(ms(3), a, EventKind::PermitWaiting { resource: sem });
    live.push(ms(4), a, EventKind::pending(Some(site)));
    copy.catch_up(&live);
    assert_eq!(copy, live);
    for i in 5..12 {
        live.push(ms(i), b, EventKind::PollStart);
    }
    live.refuse();
    assert!(live.dropped() > 0);
    copy.catch_up(&live);
    assert_eq!(copy, live);
    assert_eq!((copy.dropped(), copy.refused()), (live.dropped(), live.refused()));
    // Another recording: copied whole. The same one cut earlier (here
    // from a copy past its capacity, which is copied).
    let mut other = Trace::new();
    let c = other.add_task("c");
    other.push(ms(0), c, EventKind::Created);
    assert!(!copy.catch_up(&other));
    assert_eq!(copy, other);
    assert!(copy.lineage().is(other.lineage()));
    let mut copy = live.clone();
    let earlier = live.prefix(3);
    copy.catch_up(&earlier);
    assert_eq!(copy, earlier);
    // Two copies of one recording each pushed a different event (a fork,
    // which a lineage does not expect): copied whole, not mixed.
    let mut base = Trace::new();
    let a = base.add_task("a");
    base.push(ms(0), a, EventKind::Created);
    let (mut x, mut y) = (base.clone(), base.clone());
    x.push(ms(1), a, EventKind::PollStart);
    y.push(ms(2), a, EventKind::PollStart);
    y.push(ms(3), a, EventKind::pending(None));
    assert!(!x.catch_up(&y));
    assert_eq!(x, y);
}

/// Two traces with the same contents are equal whatever their lineage:
/// a trace read back from JSON equals the one written.
#[test]
fn a_lineage_is_not_part_of_a_trace() {
    let mut t = Trace::new();
    let a = t.add_task("a");
    t.push(ms(0), a, EventKind::Created);
    let read = Trace::from_json(&t.to_json().expect("writes")).expect("reads");
    assert!(!read.lineage().is(t.lineage()));
    assert_eq!(read, t);
}

/// A cut kept up to date with `catch_up_to` is the source's prefix at
/// each step, the playhead moving on, back, to the end and past it.
#[test]
fn a_cut_caught_up_is_the_prefix() {
    let mut t = Trace::with_capacity(8);
    let a = t.add_task("a");
    for i in 0..12 {
        t.push(ms(i), a, EventKind::PollStart);
    }
    let mut cut = Trace::new();
    assert!(!cut.catch_up_to(&t, 0), "another recording at first");
    for n in [0, 3, 5, 2, 9, 20, 4, 9] {
        assert!(cut.catch_up_to(&t, n), "by the difference, to {n}");
        assert_eq!(cut, t.prefix(n), "at {n}");
        assert!(cut.lineage().is(t.lineage()));
    }
}

#[test]
fn nanos_are_a_duration_made_to_fit() {
    // Worked out in 64 bits, the same as the 128-bit `as_nanos` saturated
    // to u64: exact up to u64::MAX nanoseconds, saturated past it.
    let edge = Duration::from_nanos(u64::MAX);
    for d in [
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::new(1, 999_999_999),
        Duration::from_secs(100),
        edge - Duration::from_nanos(1),
        edge,
        edge + Duration::from_nanos(1),
        Duration::new(u64::MAX / 1_000_000_000 + 1, 0),
        Duration::MAX,
    ] {
        // The expected time, made without `Nanos`: a saturated one reads
        // back as `Duration::MAX`.
        let expected = match u64::try_from(d.as_nanos()) {
            Ok(n) if n < u64::MAX => Duration::from_nanos(n),
            _ => Duration::MAX,
        };
        assert_eq!(Nanos::from(d).get(), expected, "{d:?}");
    }
    assert_eq!(
        Nanos::from(Duration::from_secs(3)).saturating_sub(Nanos::from(Duration::from_secs(5))),
        Nanos::default()
    );
}
