//! When a live run's page is drawn again ([`Redraw`]), and when its
//! watcher asks whether it stalled ([`Pacer`]).

/// How many times its own cost a drawing waits before the next one while
/// the trace keeps growing: drawing (the browser's layout and paint
/// included, [`Redraw::rendered`]) then takes at most a seventh of the
/// page's thread, and the run (and its timers) the rest. Watching a run
/// changes its timing (a timer due during a drawing fires after it), so
/// the page looks as little as keeps it live: at 6, a run of 1,000 tasks
/// through 16 permits ends about 3% sooner than at 4, and one of 10,000
/// about 6% (`cargo xtask bench`); a drawing at the 30 ms cap
/// ([`GROWTH_CAP_MS`]) is followed by the next one 210 ms after it began.
pub const COST_FACTOR: f64 = 6.0;

/// How often a run whose trace has not grown is drawn again, in
/// milliseconds: only its clock moved (the status line's time, the ends of
/// what is still open), which needs no more than a few frames a second.
pub const IDLE_MS: f64 = 250.0;

/// A drawing that took longer than this (ms) was of a run too big to draw
/// live without a long task (over 50 ms) soon: from then on the run's
/// growth is not drawn until it ends, only its clock. The run's first
/// drawing does not count: it makes the page's elements for the run and
/// takes in everything recorded before it, which says little of what the
/// next drawings cost (a run of 10,000 tasks was capped by its first
/// drawing on a busy machine, and drawn 40 times as it grew on a quiet
/// one). The first drawing caps the run only if it was itself a long task
/// ([`LONG_TASK_MS`]).
pub const GROWTH_CAP_MS: f64 = 30.0;

/// A main-thread task longer than this (ms) is a long task: the page
/// answers late while it runs. A live run's first drawing over it caps the
/// run at once ([`GROWTH_CAP_MS`]).
pub const LONG_TASK_MS: f64 = 50.0;

/// The pacing of a live run's drawings: at each animation frame the page
/// asks [`Redraw::due`], and after drawing tells [`Redraw::drawn`] how long
/// the drawing took. A frame whose trace did not grow is not drawn (the
/// page is the same but for its clock), and a drawing that cost `c`
/// milliseconds is followed by at least `COST_FACTOR × c` of not drawing,
/// so that a big run's drawings cannot starve the run itself.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Redraw {
    /// When the last drawing began, and what it cost (ms).
    last: Option<(f64, f64)>,
    /// The trace grew since the last drawing.
    unseen: bool,
    /// A drawing after the first cost over [`GROWTH_CAP_MS`] (or the first
    /// over [`LONG_TASK_MS`]): growth is no longer drawn.
    capped: bool,
}

impl Redraw {
    /// Says that the trace grew (at a frame, before [`Redraw::due`]).
    pub fn grew(&mut self) {
        self.unseen = true;
    }

    /// Whether to draw at the frame of `now` (ms): the first frame always;
    /// after that, growth once [`COST_FACTOR`] times the last drawing's cost
    /// has passed since it ended (`1 + COST_FACTOR` times since it began),
    /// or the clock alone every [`IDLE_MS`].
    pub fn due(&self, now: f64) -> bool {
        let Some((at, cost)) = self.last else { return true };
        let since = now - at;
        if self.fresh() {
            since >= cost * (1.0 + COST_FACTOR)
        } else {
            since >= IDLE_MS
        }
    }

    /// Whether the drawing due shows the traces as they are now (else the
    /// last ones again, with the clock moved on): there is growth to show
    /// and drawing it has not been capped.
    pub fn fresh(&self) -> bool {
        self.unseen && !self.capped
    }

    /// When (ms) a drawing is next due if the traces do not grow: at once
    /// before the first; then growth waiting for its turn once its cost
    /// has been rested, or the clock every [`IDLE_MS`].
    pub fn due_at(&self) -> f64 {
        match self.last {
            None => f64::NEG_INFINITY,
            Some((at, cost)) if self.fresh() => at + cost * (1.0 + COST_FACTOR),
            Some((at, _)) => at + IDLE_MS,
        }
    }

    /// True once a drawing after the first cost over [`GROWTH_CAP_MS`], or
    /// the first over [`LONG_TASK_MS`].
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Says that a drawing began at `at` and took `cost` ms: what grew
    /// until then is seen (unless the growth was not drawn). A drawing
    /// after the first that cost over [`GROWTH_CAP_MS`] caps the run, and
    /// so does a first one over [`LONG_TASK_MS`].
    pub fn drawn(&mut self, at: f64, cost: f64) {
        let cap = if self.last.is_none() {
            LONG_TASK_MS
        } else {
            GROWTH_CAP_MS
        };
        self.last = Some((at, cost.max(0.0)));
        if !self.capped {
            self.unseen = false;
        }
        self.capped |= cost > cap;
    }

    /// Says that the last drawing, with the browser's work after it (its
    /// layout and paint, which the page's own code does not see), took
    /// `total` ms from its start: the next one is paced on that, where it
    /// is more than the drawing's own cost. Whether the run is capped
    /// still depends on the drawing's own cost alone ([`Redraw::drawn`]).
    pub fn rendered(&mut self, total: f64) {
        if let Some((_, cost)) = &mut self.last {
            *cost = cost.max(total);
        }
    }
}

/// How long (ms) a live run's traces must stay the same before the watcher
/// asks whether the run can still go on by itself.
pub const QUIET_MS: f64 = 500.0;

/// How soon (ms) after its watcher began to wait for growth a run must
/// grow again to be looked at on a timer (every `LOOK_MS`, while it keeps
/// growing) rather than woken at each growth: a run that grows faster than
/// a frame is looked at once a frame; one with an event every 100 ms is
/// looked at when it grows, and at no other time.
pub const LOOK_MS: f64 = 16.0;

/// How far a live run's traces have grown: per run, its events kept and
/// dropped. A trace is append-only, so the same sizes mean the same trace.
pub type Sizes = Vec<(usize, u64)>;

/// What a live run's watcher does after a look at its traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// The traces have not grown for [`QUIET_MS`]: ask (once per quiet
    /// spell) whether anything can still wake a pending task.
    pub ask_stalled: bool,
    /// Draw at the next frame ([`Redraw::due`]).
    pub draw: bool,
    /// The traces grew since the last look.
    pub grew: bool,
}

/// A live run's watcher, at each look: whether the traces grew since the
/// last look (not since the last drawing, which a capped [`Redraw`] stops
/// making), since when they have been quiet, and whether a drawing is due.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pacer {
    /// The drawings' pacing.
    pub redraw: Redraw,
    /// The sizes at the last look.
    looked: Option<Sizes>,
    /// When the traces last grew, and whether that quiet spell was asked
    /// about.
    quiet: (f64, bool),
    /// The traces are looked at every [`LOOK_MS`] (they grow faster than
    /// that), not when they grow.
    polling: bool,
    /// When the watcher last began to wait for a look.
    waited_from: f64,
}

impl Pacer {
    /// A watcher from `now` (ms).
    pub fn new(now: f64) -> Self {
        Self {
            quiet: (now, false),
            polling: true,
            waited_from: now,
            ..Self::default()
        }
    }

    /// Whether the next look is on a timer, every [`LOOK_MS`] (the traces
    /// grew at every look since they grew within `LOOK_MS` of a wait), or
    /// when the traces grow or something is due ([`Pacer::until_due`]).
    pub fn polls(&self) -> bool {
        self.polling
    }

    /// Whether a drawing's whole cost, the browser's layout and paint
    /// included ([`Redraw::rendered`]), is worth a task to measure: for a
    /// run that grows faster than a frame (it is looked at on a timer),
    /// whose drawings hold it back; not for one that grows now and then.
    pub fn measures_rendering(&self) -> bool {
        self.polling
    }

    /// Says that the watcher begins to wait for its next look at `now`.
    pub fn waits(&mut self, now: f64) {
        self.waited_from = now;
    }

    /// A look at `now` (ms) at traces of these `sizes`.
    pub fn look(&mut self, now: f64, sizes: Sizes) -> Look {
        let grew = self.looked.as_ref() != Some(&sizes);
        self.polling = grew && (self.polling || now - self.waited_from < LOOK_MS);
        if grew {
            self.looked = Some(sizes);
            self.quiet = (now, false);
            self.redraw.grew();
        }
        let ask_stalled = !self.quiet.1 && now - self.quiet.0 >= QUIET_MS;
        if ask_stalled {
            self.quiet.1 = true;
        }
        Look {
            ask_stalled,
            draw: self.redraw.due(now),
            grew,
        }
    }

    /// How long (ms, 0 at least) from `now` until a look has something to
    /// do though the traces do not grow: a drawing due ([`Redraw::due_at`])
    /// or the quiet spell's question. Until then, a watcher whose last look
    /// saw no growth need only wait for the traces to grow.
    pub fn until_due(&self, now: f64) -> f64 {
        let ask = if self.quiet.1 {
            f64::INFINITY
        } else {
            self.quiet.0 + QUIET_MS
        };
        (self.redraw.due_at().min(ask) - now).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_growing_within_a_frame_of_a_wait_is_polled_until_a_look_sees_it_still() {
        let mut p = Pacer::new(0.0);
        assert!(p.polls(), "a run starting is looked at on a timer");
        p.waits(0.0);
        assert!(p.look(16.0, vec![(5, 0)]).grew);
        assert!(p.polls(), "it grew: polled still");
        p.waits(16.0);
        assert!(!p.look(32.0, vec![(5, 0)]).grew);
        assert!(!p.polls(), "a look saw it still: woken by growth from now on");
        // A countdown: growth every 100 ms, long after each wait began.
        p.waits(32.0);
        assert!(p.look(116.0, vec![(9, 0)]).grew);
        assert!(!p.polls(), "growth 84 ms into a wait is a slow run");
        p.waits(117.0);
        assert!(p.look(216.0, vec![(13, 0)]).grew);
        assert!(!p.polls());
        // A burst: growth 3 ms into the wait.
        p.waits(220.0);
        assert!(p.look(223.0, vec![(40, 0)]).grew);
        assert!(p.polls(), "growth within a frame of the wait: polled");
        p.waits(223.0);
        assert!(p.look(240.0, vec![(90, 0)]).grew);
        assert!(p.polls(), "polled while it keeps growing, however far apart the looks");
    }

    #[test]
    fn only_a_run_growing_faster_than_a_frame_has_its_drawings_whole_cost_measured() {
        let mut p = Pacer::new(0.0);
        p.waits(0.0);
        assert!(p.look(16.0, vec![(5, 0)]).grew);
        assert!(p.measures_rendering(), "a burst: its drawings hold the run back");
        // A look (every 16 ms while polled) sees it still.
        p.waits(16.0);
        assert!(!p.look(32.0, vec![(5, 0)]).grew);
        // A countdown: one event per 100 ms, long after each wait began.
        for k in 1..=5 {
            let now = 16.0 + 100.0 * f64::from(k);
            p.waits(now - 99.0);
            assert!(p.look(now, vec![(5 + 4 * k as usize, 0)]).grew);
            assert!(
                !p.measures_rendering(),
                "a slow run at {now} ms is spared the extra task"
            );
        }
        // It bursts again: growth 2 ms into the wait.
        p.waits(600.0);
        assert!(p.look(602.0, vec![(99, 0)]).grew);
        assert!(p.measures_rendering());
    }

    #[test]
    fn a_quiet_run_is_asked_about_once_even_when_its_drawing_is_capped() {
        let mut p = Pacer::new(0.0);
        let grown = |n: usize| vec![(n, 0)];
        assert!(p.look(0.0, grown(10)).draw);
        // A costly drawing after the first caps the run: its growth is no
        // longer drawn.
        p.redraw.drawn(-300.0, 5.0);
        p.redraw.drawn(0.0, 40.0);
        assert!(p.redraw.capped());
        let mut asked = Vec::new();
        for (i, now) in (16..=1500).step_by(16).enumerate() {
            // It grows until 400 ms, then nothing moves.
            let size = if now <= 400 { 11 + i } else { 35 };
            let look = p.look(now as f64, grown(size));
            if look.ask_stalled {
                asked.push(now);
            }
            if look.draw {
                p.redraw.drawn(now as f64, 1.0);
            }
        }
        // Quiet from the last growth (400 ms) on: asked once, 500 ms later.
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert!((900..=920).contains(&asked[0]), "{asked:?}");
    }

    #[test]
    fn a_still_run_is_looked_at_again_when_a_drawing_or_the_question_is_due() {
        let mut p = Pacer::new(0.0);
        let look = p.look(0.0, vec![(10, 0)]);
        assert!(look.grew && look.draw);
        assert_eq!(p.until_due(0.0), 0.0, "the first drawing is due at once");
        p.redraw.drawn(0.0, 2.0);
        // Nothing grows: the clock's drawing at 250 ms comes first.
        let look = p.look(16.0, vec![(10, 0)]);
        assert!(!look.grew && !look.draw);
        assert_eq!(p.until_due(16.0), 234.0);
        p.redraw.drawn(250.0, 2.0);
        // Growth waits for its turn: the drawing's cost, rested (2 ms and
        // six times that).
        let look = p.look(251.0, vec![(11, 0)]);
        assert!(look.grew && !look.draw);
        assert_eq!(p.until_due(251.0), 13.0);
        p.redraw.drawn(264.0, 2.0);
        // Still from 251 ms on: the clock's drawing at 514 ms comes first,
        // then the question at 751 ms, once.
        assert_eq!(p.until_due(300.0), 214.0);
        p.redraw.drawn(514.0, 2.0);
        assert_eq!(p.until_due(600.0), 151.0);
        assert!(p.look(751.0, vec![(11, 0)]).ask_stalled);
        assert_eq!(p.until_due(751.0), 13.0, "asked once: then only the clock's drawings");
        assert_eq!(p.until_due(900.0), 0.0, "a drawing overdue is due at once");
    }

    /// The frames (at 60 per second for `seconds`) that a run drawn at
    /// `cost` ms a drawing, growing at the frames `grows` says, is drawn at.
    fn drawn_frames(seconds: f64, cost: f64, grows: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut r = Redraw::default();
        let mut out = Vec::new();
        let frames = (seconds * 60.0) as usize;
        for i in 0..frames {
            let now = i as f64 * 1000.0 / 60.0;
            if grows(i) {
                r.grew();
            }
            if r.due(now) {
                r.drawn(now, cost);
                out.push(i);
            }
        }
        out
    }

    #[test]
    fn an_idle_run_is_drawn_a_few_times_a_second() {
        // Nothing grows after the first frame: the clock alone, every 250 ms.
        let frames = drawn_frames(2.0, 1.0, |i| i == 0);
        assert_eq!(frames, vec![0, 15, 30, 45, 60, 75, 90, 105]);
    }

    #[test]
    fn a_countdown_is_drawn_at_its_ticks() {
        // One event every 100 ms (every sixth frame), cheap to draw: drawn
        // at each, and not between.
        let frames = drawn_frames(1.0, 2.0, |i| i % 6 == 0);
        assert_eq!(frames, vec![0, 6, 12, 18, 24, 30, 36, 42, 48, 54]);
    }

    #[test]
    fn a_cheap_growing_run_is_drawn_every_frame() {
        // 2 ms a drawing and six times that of rest fit in a frame.
        let frames = drawn_frames(0.5, 2.0, |_| true);
        assert_eq!(frames.len(), 30);
        // At 3 ms they do not: every other frame.
        assert_eq!(drawn_frames(0.5, 3.0, |_| true).len(), 15);
    }

    #[test]
    fn a_costly_drawing_is_followed_by_six_times_its_cost_of_rest() {
        // 25 ms a drawing: one every 175 ms at most (a seventh of the time).
        let frames = drawn_frames(1.0, 25.0, |_| true);
        assert_eq!(frames, vec![0, 11, 22, 33, 44, 55]);
        // From one drawing's start to the next, seven times its cost.
        for w in frames.windows(2) {
            let gap = (w[1] - w[0]) as f64 * 1000.0 / 60.0;
            assert!(gap >= 25.0 * (1.0 + COST_FACTOR), "drawings {gap} ms apart");
        }
    }

    /// A run drawn once (a cheap first drawing 300 ms ago) that has grown
    /// since: its next drawings are the ones that can cap it.
    fn past_its_first_drawing() -> Redraw {
        let mut r = Redraw::default();
        r.grew();
        r.drawn(-300.0, 5.0);
        r.grew();
        r
    }

    #[test]
    fn a_drawing_over_the_cap_stops_drawing_growth_but_not_the_clock() {
        let mut r = past_its_first_drawing();
        assert!(r.fresh());
        r.drawn(0.0, 35.0);
        assert!(r.capped());
        r.grew();
        assert!(!r.fresh(), "growth is no longer drawn");
        // The clock alone, every 250 ms.
        assert!(!r.due(200.0));
        assert!(r.due(250.0));
        r.drawn(250.0, 5.0);
        assert!(r.capped(), "the cap stays for the run");
    }

    #[test]
    fn the_first_drawing_does_not_cap_the_run() {
        let mut r = Redraw::default();
        r.grew();
        // The first drawing makes the run's elements: over the cap, it
        // only paces the next one.
        r.drawn(0.0, 45.0);
        assert!(!r.capped());
        r.grew();
        assert!(r.fresh(), "growth is still drawn");
        assert!(!r.due(45.0 * (1.0 + COST_FACTOR) - 1.0));
        assert!(r.due(45.0 * (1.0 + COST_FACTOR)));
        r.drawn(315.0, 8.0);
        assert!(!r.capped(), "a cheap second drawing: still live");
        r.drawn(400.0, 31.0);
        assert!(r.capped(), "a costly later one caps it");
        // A first drawing that was a long task caps the run at once.
        let mut r = Redraw::default();
        r.grew();
        r.drawn(0.0, LONG_TASK_MS);
        assert!(!r.capped(), "at the limit: not a long task");
        let mut r = Redraw::default();
        r.grew();
        r.drawn(0.0, LONG_TASK_MS + 1.0);
        assert!(r.capped(), "a long first drawing");
    }

    #[test]
    fn the_browsers_layout_and_paint_pace_the_next_drawing_but_do_not_cap_the_run() {
        let mut r = past_its_first_drawing();
        // 12 ms of the page's own code, then the browser's layout and
        // paint: 40 ms from the drawing's start to the first task after it.
        r.drawn(0.0, 12.0);
        r.rendered(40.0);
        assert!(!r.capped(), "the browser's share does not cap the run");
        r.grew();
        assert!(!r.due(40.0 * (1.0 + COST_FACTOR) - 1.0), "paced on the whole 40 ms");
        assert!(r.due(40.0 * (1.0 + COST_FACTOR)));
        assert_eq!(r.due_at(), 40.0 * (1.0 + COST_FACTOR));
        // A measure below the drawing's own cost changes nothing.
        r.drawn(300.0, 20.0);
        r.rendered(3.0);
        r.grew();
        assert_eq!(r.due_at(), 300.0 + 20.0 * (1.0 + COST_FACTOR));
        // Before any drawing there is nothing to pace.
        let mut r = Redraw::default();
        r.rendered(99.0);
        assert!(r.due(0.0));
    }

    #[test]
    fn growth_held_back_is_drawn_once_due_even_if_nothing_grows_since() {
        let mut r = Redraw::default();
        r.drawn(-300.0, 5.0);
        r.drawn(0.0, 50.0);
        r.grew();
        assert!(!r.due(100.0));
        // No growth at this frame, but what grew at 100 ms is still unseen.
        assert!(r.due(250.0));
    }
}
