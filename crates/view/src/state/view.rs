//! The part of the time axis in view, zoomed and panned within it.

/// The part of the time axis in view, as fractions of its length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The left edge, 0–1.
    pub from: f64,
    /// The right edge, `from`–1.
    pub to: f64,
}

impl Default for View {
    fn default() -> Self {
        Self { from: 0.0, to: 1.0 }
    }
}

impl View {
    /// The narrowest view: a thousandth of the axis.
    pub const MIN_SPAN: f64 = 0.001;

    /// The span in view.
    pub fn span(&self) -> f64 {
        self.to - self.from
    }

    /// Zoomed by `factor` (below 1 zooms in) around the fraction `around`.
    pub fn zoomed(self, factor: f64, around: f64) -> View {
        let span = (self.span() * factor).clamp(Self::MIN_SPAN, 1.0);
        let around = around.clamp(self.from, self.to);
        let left_share = if self.span() > 0.0 {
            (around - self.from) / self.span()
        } else {
            0.5
        };
        View {
            from: around - span * left_share,
            to: around - span * left_share + span,
        }
        .clamped()
    }

    /// Moved by `delta` (a fraction of the span in view; negative is left).
    pub fn panned(self, delta: f64) -> View {
        let shift = delta * self.span();
        View {
            from: self.from + shift,
            to: self.to + shift,
        }
        .clamped()
    }

    fn clamped(self) -> View {
        let span = self.span().clamp(Self::MIN_SPAN, 1.0);
        let from = self.from.clamp(0.0, 1.0 - span);
        View { from, to: from + span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_and_pan_stay_inside_the_axis() {
        let v = View::default().zoomed(0.5, 0.5);
        assert_eq!((v.from, v.to), (0.25, 0.75));
        let v = v.panned(-10.0);
        assert_eq!((v.from, v.to), (0.0, 0.5));
        let v = v.zoomed(1e-9, 0.0);
        assert!((v.span() - View::MIN_SPAN).abs() < 1e-12);
        let v = v.zoomed(1e9, 0.0);
        assert_eq!((v.from, v.to), (0.0, 1.0));
    }
}
