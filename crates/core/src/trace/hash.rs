//! The trace hash: one number that two runs share only if they recorded
//! the same thing, for checking that the command line and the page (or
//! two runs with one seed) agree without comparing megabytes of JSON.
//!
//! It is FNV-1a 64 (offset basis `0xcbf29ce484222325`, prime
//! `0x100000001b3`) over the bytes of each run's trace in its compact JSON
//! form ([`Trace::write_json`]), the runs in order and joined by one
//! newline (`\n`). It is written as 16 lowercase hex digits
//! ([`hash_hex`]). The JSON is streamed into the hash, never built in
//! memory. It is not a cryptographic hash: it tells runs apart, it does
//! not resist someone making two traces collide.

use std::io;

use super::model::Trace;

/// FNV-1a 64's offset basis.
const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64's prime.
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 as an [`io::Write`]: every byte written is hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(OFFSET)
    }
}

impl Fnv1a64 {
    /// Hashes `bytes` into the state.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    /// The hash of everything written so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl io::Write for Fnv1a64 {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The hash of a demo's runs (see the module's documentation): FNV-1a 64
/// of their traces' JSON, joined by newlines.
pub fn runs_hash<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> u64 {
    let mut h = Fnv1a64::default();
    for (i, trace) in traces.into_iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        // A trace always serialises (its maps have string keys and its
        // numbers are whole); were it to fail, the hash would still
        // differ from a whole trace's, never panic.
        if trace.write_json(&mut h).is_err() {
            h.update(b"\0unserialisable");
        }
    }
    h.finish()
}

/// [`runs_hash`] of `traces` and each one's own [`Trace::hash`], from one
/// pass over each trace's JSON form: every byte goes into the whole's
/// hash and its run's. For a report that gives both, each trace is
/// written out once for hashing, not twice.
pub fn runs_hashes(traces: &[&Trace]) -> (u64, Vec<u64>) {
    /// Writes into two hashes at once.
    struct Both<'h>(&'h mut Fnv1a64, Fnv1a64);

    impl io::Write for Both<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.update(buf);
            self.1.update(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    let mut whole = Fnv1a64::default();
    let mut each = Vec::with_capacity(traces.len());
    for (i, trace) in traces.iter().enumerate() {
        if i > 0 {
            whole.update(b"\n");
        }
        let mut both = Both(&mut whole, Fnv1a64::default());
        // As in `runs_hash`: a failure changes the hashes, never panics.
        if trace.write_json(&mut both).is_err() {
            both.0.update(b"\0unserialisable");
            both.1.update(b"\0unserialisable");
        }
        each.push(both.1.finish());
    }
    (whole.finish(), each)
}

/// [`runs_hash`] worked out a stretch at a time, for a page that must not
/// hold its main thread for the whole of a big run's hash: each
/// [`RunsHash::step`] hashes at most a given number of events, and the
/// last step gives the same hash as [`runs_hash`].
#[derive(Debug, Default)]
pub struct RunsHash {
    h: Fnv1a64,
    /// The run being hashed.
    run: usize,
    /// Within it, once begun: the next event, and the JSON form's bytes
    /// that follow the events.
    within: Option<(usize, Vec<u8>)>,
}

impl RunsHash {
    /// Hashes at most `events` more events of `traces` (the same traces
    /// at every step); once all are hashed, their hash.
    pub fn step(&mut self, traces: &[&Trace], events: usize) -> Option<u64> {
        let Self { h, run, within } = self;
        let mut budget = events.max(1);
        loop {
            let Some(trace) = traces.get(*run) else {
                return Some(h.finish());
            };
            let (next, tail) = match within {
                Some(w) => w,
                None => {
                    if *run > 0 {
                        h.update(b"\n");
                    }
                    let Ok((form, at)) = trace.json_around_events() else {
                        h.update(b"\0unserialisable");
                        *run += 1;
                        continue;
                    };
                    h.update(&form[..at]);
                    within.insert((0, form[at..].to_vec()))
                }
            };
            while *next < trace.events().len() && budget > 0 {
                if *next > 0 {
                    h.update(b",");
                }
                if serde_json::to_writer(&mut *h, &trace.events()[*next]).is_err() {
                    h.update(b"\0unserialisable");
                }
                *next += 1;
                budget -= 1;
            }
            if *next < trace.events().len() {
                return None;
            }
            h.update(tail);
            *within = None;
            *run += 1;
        }
    }
}

/// A hash as the page and the command line show it: 16 lowercase hex
/// digits.
pub fn hash_hex(hash: u64) -> String {
    format!("{hash:016x}")
}

impl Trace {
    /// This trace's hash: [`runs_hash`] of it alone, which is FNV-1a 64 of
    /// its JSON form.
    pub fn hash(&self) -> u64 {
        runs_hash([self])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published FNV-1a 64 test vectors.
    #[test]
    fn fnv1a_64_matches_the_reference_values() {
        let of = |s: &[u8]| {
            let mut h = Fnv1a64::default();
            h.update(s);
            h.finish()
        };
        assert_eq!(of(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(of(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(of(b"foobar"), 0x8594_4171_f739_67e8);
    }

    /// Hashed a stretch at a time, runs hash as they do at once: at every
    /// stretch length, for runs with events, without, and with names that
    /// hold the events' key.
    #[test]
    fn runs_hashed_in_steps_hash_as_at_once() {
        use std::time::Duration;

        use crate::trace::EventKind;
        let mut a = Trace::new();
        let t = a.add_task("\"events\":[] x");
        for i in 0..25 {
            a.push(Duration::from_millis(i), t, EventKind::PollStart);
        }
        a.refuse();
        let empty = Trace::new();
        let runs = [&a, &empty, &a];
        for stretch in [0, 1, 2, 7, 24, 25, 26, 1000] {
            let mut hash = RunsHash::default();
            let mut steps = 0;
            let got = loop {
                steps += 1;
                if let Some(h) = hash.step(&runs, stretch) {
                    break h;
                }
            };
            assert_eq!(got, runs_hash(runs), "by {stretch}");
            assert!(steps >= 50 / stretch.max(1), "by {stretch}: {steps} steps");
        }
        assert_eq!(RunsHash::default().step(&[], 5), Some(runs_hash([])));
    }

    /// One pass gives the whole's hash and each run's, as hashing them
    /// apart does: for no run, one, and several (an empty one among them).
    #[test]
    fn runs_hashes_are_the_whole_and_each_runs_hash() {
        use std::time::Duration;

        use crate::trace::EventKind;
        let mut a = Trace::new();
        let t = a.add_task("a");
        for i in 0..5 {
            a.push(Duration::from_millis(i), t, EventKind::PollStart);
        }
        let mut b = Trace::new();
        b.add_task("b");
        let empty = Trace::new();
        for runs in [vec![], vec![&a], vec![&a, &empty, &b]] {
            let (whole, each) = runs_hashes(&runs);
            assert_eq!(whole, runs_hash(runs.iter().copied()));
            assert_eq!(each, runs.iter().map(|t| t.hash()).collect::<Vec<_>>());
        }
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn a_trace_hashes_as_its_json_and_runs_join_with_a_newline() {
        let trace = Trace::new();
        let json = trace.to_json().expect("serialises");
        let mut h = Fnv1a64::default();
        h.update(json.as_bytes());
        assert_eq!(trace.hash(), h.finish());
        h.update(b"\n");
        h.update(json.as_bytes());
        assert_eq!(runs_hash([&trace, &trace]), h.finish());
        assert_eq!(hash_hex(0xab), "00000000000000ab");
    }
}
