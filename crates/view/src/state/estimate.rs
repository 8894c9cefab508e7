//! A real run that takes long says so before it starts.

use std::time::Duration;

/// A real run estimated to take longer than this asks first.
pub const LONG_RUN: Duration = Duration::from_secs(30);

/// Whether a real run estimated at `estimate` asks before it starts.
pub fn asks_first(estimate: Duration) -> bool {
    estimate > LONG_RUN
}

/// A duration in words for a person deciding whether to wait: `45 s`,
/// `12 min`, `1 h`, `1 h 30 min`, `57 h` (rounded up to the unit shown, so
/// a wait is never understated).
pub fn in_words(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    if secs < 60 {
        return format!("{secs} s");
    }
    let minutes = secs.div_ceil(60);
    if minutes < 60 {
        return format!("{minutes} min");
    }
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 || h >= 10 {
        format!("{} h", if m == 0 { h } else { minutes.div_ceil(60) })
    } else {
        format!("{h} h {m} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_runs_in_words() {
        let s = Duration::from_secs;
        assert_eq!(in_words(s(45)), "45 s");
        assert_eq!(in_words(Duration::from_millis(30_500)), "31 s");
        assert_eq!(in_words(s(12 * 60)), "12 min");
        assert_eq!(in_words(s(61)), "2 min");
        assert_eq!(in_words(s(3600)), "1 h");
        assert_eq!(in_words(s(5400)), "1 h 30 min");
        assert_eq!(in_words(s(57 * 3600)), "57 h");
        assert_eq!(in_words(s(57 * 3600 + 60)), "58 h");
        assert!(!asks_first(s(30)));
        assert!(asks_first(Duration::from_millis(30_001)));
    }
}
