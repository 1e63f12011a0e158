//! One axis of a plot: its scale (linear, log, symlog), its range, where its ticks go and how
//! they are written. A plotters coordinate ([`Ranged`]), so plotters draws the mesh and maps
//! the points; everything else (tick positions, labels, margins) is decided here.
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use std::ops::Range;

/// How values map onto an axis.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # use gankit::viz::Scale;
/// # let d_loss = vec![-40.0, -12.0, -3.0, 0.5];
/// // A WGAN critic's loss: linear within ±10, logarithmic beyond.
/// LinePlot::new("critic loss").line("D", &d_loss).y_scale(Scale::SymLog { linthresh: 10.0 })
/// # ;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Equal steps for equal differences (the default).
    Linear,
    /// Equal steps for equal ratios; only positive values are drawn.
    Log,
    /// matplotlib's "symlog": linear within ±`linthresh`, logarithmic beyond on both sides,
    /// so values of either sign spanning decades (a critic's loss) are all visible. Ticks sit
    /// at 0 and ±`linthresh`·10ᵏ and are labelled with the values themselves.
    SymLog {
        /// Where the linear part ends (positive; 1 if not).
        linthresh: f64,
    },
}

impl Scale {
    /// The position of `v` on a uniform axis (log10 for [`Scale::Log`]; NaN where undefined).
    pub(crate) fn forward(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::Log => {
                if v > 0.0 {
                    v.log10()
                } else {
                    f64::NAN
                }
            }
            Scale::SymLog { linthresh } => {
                let c = positive(linthresh);
                if v.abs() <= c {
                    v / c
                } else {
                    v.signum() * (1.0 + (v.abs() / c).log10())
                }
            }
        }
    }

    /// The inverse of [`Scale::forward`].
    pub(crate) fn inverse(self, u: f64) -> f64 {
        match self {
            Scale::Linear => u,
            Scale::Log => 10f64.powf(u),
            Scale::SymLog { linthresh } => {
                let c = positive(linthresh);
                if u.abs() <= 1.0 {
                    u * c
                } else {
                    u.signum() * c * 10f64.powf(u.abs() - 1.0)
                }
            }
        }
    }

    /// Whether `v` can be drawn on this scale.
    pub(crate) fn accepts(self, v: f64) -> bool {
        v.is_finite() && (self != Scale::Log || v > 0.0)
    }
}

fn positive(linthresh: f64) -> f64 {
    if linthresh.is_finite() && linthresh > 0.0 {
        linthresh
    } else {
        1.0
    }
}

/// An axis: `lo..hi` on a scale, with ticks for about `ticks` labels.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) scale: Scale,
    /// Whole-number ticks only, written without decimals (steps, counts).
    pub(crate) integer: bool,
    /// How many labels fit (from the axis length in pixels).
    pub(crate) max_ticks: usize,
}

impl Axis {
    /// The axis over the finite values `lo..=hi` of the data, padded by `pad` of its length
    /// (in the scale's units) on both sides; a single value gets a range around it.
    pub(crate) fn fit(lo: f64, hi: f64, scale: Scale, pad: f64) -> (f64, f64) {
        let (u0, u1) = (scale.forward(lo), scale.forward(hi));
        let span = u1 - u0;
        let (u0, u1) = if span.abs() < 1e-12 {
            match scale {
                Scale::Linear => (u0 - 1.0, u1 + 1.0),
                Scale::Log => (u0 - 0.5, u1 + 0.5),
                Scale::SymLog { .. } => (u0 - 1.0, u1 + 1.0),
            }
        } else {
            (u0 - span * pad, u1 + span * pad)
        };
        (scale.inverse(u0), scale.inverse(u1))
    }

    fn u(&self, v: f64) -> f64 {
        self.scale.forward(v)
    }

    /// Tick values inside the range, at most about `max_ticks` of them.
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let n = self.max_ticks.max(2);
        match self.scale {
            Scale::Linear => linear_ticks(self.lo, self.hi, n, self.integer),
            Scale::Log => {
                let t = log_ticks(self.lo, self.hi, n);
                if t.len() >= 2 {
                    t
                } else {
                    linear_ticks(self.lo, self.hi, n.min(5), self.integer)
                }
            }
            Scale::SymLog { linthresh } => {
                symlog_ticks(self.lo, self.hi, positive(linthresh), n, self.integer)
            }
        }
    }

    /// Lighter lines between ticks: the 2…9 multiples on a log axis, halves or fifths of the
    /// step on a linear one, none on a symlog axis.
    pub(crate) fn minor_ticks(&self) -> Vec<f64> {
        let major = self.ticks();
        match self.scale {
            Scale::Linear if major.len() >= 2 => {
                let step = major[1] - major[0];
                let sub = if (step / nice_unit(step) - 2.0).abs() < 1e-9 {
                    4.0
                } else {
                    5.0
                };
                let minor = step / sub;
                if self.integer && minor < 1.0 {
                    return major;
                }
                let first = (self.lo / minor).ceil() as i64;
                let last = (self.hi / minor).floor() as i64;
                (first..=last).map(|k| k as f64 * minor).collect()
            }
            Scale::Log if major.iter().all(|t| is_power_of_ten(*t)) && major.len() >= 2 => {
                let (d0, d1) = (
                    self.lo.log10().floor() as i32,
                    self.hi.log10().ceil() as i32,
                );
                if d1 - d0 > 8 {
                    return major;
                }
                (d0..=d1)
                    .flat_map(|d| (1..10).map(move |m| m as f64 * 10f64.powi(d)))
                    .filter(|v| *v >= self.lo && *v <= self.hi)
                    .collect()
            }
            _ => major,
        }
    }

    /// The label of a tick value.
    pub(crate) fn label(&self, v: f64) -> String {
        match self.scale {
            Scale::Linear => {
                let t = self.ticks();
                let step = if t.len() >= 2 {
                    (t[1] - t[0]).abs()
                } else {
                    (self.hi - self.lo).abs()
                };
                fixed(v, if self.integer { 0 } else { decimals(step) })
            }
            Scale::Log | Scale::SymLog { .. } => general(v),
        }
    }

    /// The widest tick label, for the margin that must hold it.
    pub(crate) fn labels(&self) -> Vec<String> {
        self.ticks().into_iter().map(|t| self.label(t)).collect()
    }

    /// Where `v` falls on the axis, 0 at `lo` and 1 at `hi` (NaN where the scale has no
    /// place for it).
    pub(crate) fn fraction(&self, v: f64) -> f64 {
        let (u0, u1) = (self.u(self.lo), self.u(self.hi));
        (self.u(v) - u0) / (u1 - u0)
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = self.fraction(*v);
        let t = if t.is_nan() {
            -10.0
        } else {
            t.clamp(-10.0, 11.0)
        };
        limit.0 + (t * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor_ticks()
        } else {
            self.ticks()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, v: &f64) -> String {
        self.label(*v)
    }
}

/// 1, 2 or 5 times a power of ten: the power.
fn nice_unit(step: f64) -> f64 {
    10f64.powf(step.abs().log10().floor())
}

fn is_power_of_ten(v: f64) -> bool {
    let l = v.log10();
    (l - l.round()).abs() < 1e-9
}

/// Decimals needed to tell ticks `step` apart.
fn decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 2;
    }
    (-step.log10() - 1e-9).ceil().max(0.0) as usize
}

/// Ticks `k·step` inside `lo..=hi`, step 1, 2 or 5 times a power of ten: the smallest such
/// step that gives at most `n` ticks (whole steps on an integer axis).
fn linear_ticks(lo: f64, hi: f64, n: usize, integer: bool) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let n = n.max(2) as i64;
    let count =
        |step: f64| (hi / step + 1e-9).floor() as i64 - (lo / step - 1e-9).ceil() as i64 + 1;
    let mut unit = nice_unit(span / n as f64) / 10.0;
    let step = 'search: loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * unit;
            if (!integer || step >= 1.0) && count(step) <= n {
                break 'search step;
            }
        }
        unit *= 10.0;
    };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// Powers of ten inside `lo..=hi` (every m-th if there are more than `n`); for less than a
/// decade, 1, 2 and 5 times them.
fn log_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let (d0, d1) = (
        (lo.log10() - 1e-9).ceil() as i32,
        (hi.log10() + 1e-9).floor() as i32,
    );
    let decades: Vec<i32> = (d0..=d1).collect();
    if decades.len() >= 2 {
        let every = decades.len().div_ceil(n.max(2));
        return decades
            .iter()
            .filter(|d| (**d - d0) % every as i32 == 0)
            .map(|&d| pow10(d))
            .collect();
    }
    let (e0, e1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    (e0..=e1)
        .flat_map(|d| [1.0, 2.0, 5.0].map(|m| m * pow10(d)))
        .filter(|v| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
        .collect()
}

/// 0 and ±c·10ᵏ inside `lo..=hi`; every m-th decade when they would be more than `n`.
fn symlog_ticks(lo: f64, hi: f64, c: f64, n: usize, integer: bool) -> Vec<f64> {
    if lo >= -c && hi <= c {
        return linear_ticks(lo, hi, n.min(7), integer);
    }
    let top = |bound: f64| -> i32 {
        if bound <= c {
            -1
        } else {
            ((bound / c).log10() + 1e-9).floor() as i32
        }
    };
    let (neg, pos) = (top(-lo), top(hi));
    let count = (neg + 1) + (pos + 1) + i32::from(lo <= 0.0 && hi >= 0.0);
    let every = (count as usize).div_ceil(n.max(3)).max(1) as i32;
    let mut ticks: Vec<f64> = (0..=neg)
        .rev()
        .filter(|k| k % every == 0)
        .map(|k| -c * pow10(k))
        .collect();
    if lo <= 0.0 && hi >= 0.0 {
        ticks.push(0.0);
    }
    ticks.extend((0..=pos).filter(|k| k % every == 0).map(|k| c * pow10(k)));
    ticks
}

/// 10ᵏ, exact for the powers that decimal labels show.
fn pow10(k: i32) -> f64 {
    format!("1e{k}").parse().unwrap_or(f64::NAN)
}

/// `v` with `d` decimals, a true minus sign, and no "−0".
fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    minus(
        if s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            s.trim_start_matches('-').to_string()
        } else {
            s
        },
    )
}

/// A tick value in few characters: "0.001", "250", "1e-05" → "1e−5", "2e+06" → "2e6".
fn general(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            format!("{v}")
        };
    }
    let e = v.abs().log10().floor() as i32;
    if (-3..6).contains(&e) {
        let d = (2 - e).max(0) as usize;
        let s = format!("{v:.d$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        minus(s)
    } else {
        let s = format!("{v:.2e}");
        let (m, x) = s.split_once('e').unwrap_or((&s, "0"));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        minus(format!("{m}e{}", x.trim_start_matches('+')))
    }
}

/// ASCII hyphens as the typographic minus sign (as matplotlib writes them).
fn minus(s: String) -> String {
    s.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(lo: f64, hi: f64, scale: Scale, integer: bool) -> Axis {
        Axis {
            lo,
            hi,
            scale,
            integer,
            max_ticks: 10,
        }
    }

    #[test]
    fn symlog_is_linear_inside_the_threshold_and_logarithmic_beyond() {
        let s = Scale::SymLog { linthresh: 10.0 };
        assert_eq!(s.forward(5.0), 0.5);
        assert_eq!(s.forward(-10.0), -1.0);
        assert!((s.forward(100.0) - 2.0).abs() < 1e-12);
        assert!((s.forward(-1000.0) + 3.0).abs() < 1e-12);
        for v in [-3000.0, -10.0, -0.5, 0.0, 7.0, 12.0, 1e5] {
            assert!((s.inverse(s.forward(v)) - v).abs() < 1e-9 * v.abs().max(1.0));
        }
        let a = axis(-500.0, 2000.0, s, false);
        assert_eq!(a.labels(), ["−100", "−10", "0", "10", "100", "1000"]);
        // Equal spacing per decade on both sides of 0.
        let (f10, f100, f0) = (a.fraction(10.0), a.fraction(100.0), a.fraction(0.0));
        assert!((f100 - f10 - (f10 - f0)).abs() < 1e-12);
        assert!((a.fraction(-10.0) - (f0 - (f10 - f0))).abs() < 1e-12);
    }

    #[test]
    fn log_ticks_are_powers_of_ten_written_plainly() {
        let a = axis(0.004, 30.0, Scale::Log, false);
        assert_eq!(a.labels(), ["0.01", "0.1", "1", "10"]);
        let a = axis(1e-7, 1e7, Scale::Log, false);
        let l = a.labels();
        assert!(l.len() <= 10, "{l:?}");
        assert_eq!(l[..3], ["1e−7", "1e−5", "0.001"]);
        assert_eq!(l[l.len() - 2..], ["100000", "1e7"]);
        // Less than a decade: 1, 2, 5 steps.
        assert_eq!(axis(0.15, 0.9, Scale::Log, false).labels(), ["0.2", "0.5"]);
        assert!(Scale::Log.forward(-1.0).is_nan() && !Scale::Log.accepts(0.0));
    }

    #[test]
    fn integer_axes_have_whole_ticks_without_decimals() {
        let a = axis(1.0, 400.0, Scale::Linear, true);
        assert_eq!(
            a.labels(),
            ["50", "100", "150", "200", "250", "300", "350", "400"]
        );
        let a = axis(1.0, 4.0, Scale::Linear, true);
        assert_eq!(a.labels(), ["1", "2", "3", "4"]);
        let a = axis(-0.05, 0.95, Scale::Linear, false);
        assert_eq!(a.labels()[..3], ["0.0", "0.1", "0.2"]);
        // As many ticks as allowed: a range of 8.8 in 5 ticks is −4 … 4 by 2, not 0 alone.
        let a = Axis {
            max_ticks: 5,
            ..axis(-4.2, 4.6, Scale::Linear, false)
        };
        assert_eq!(a.labels(), ["−4", "−2", "0", "2", "4"]);
        assert_eq!([0.1, 0.2, 0.05, 1.0, 20.0].map(decimals), [1, 1, 2, 0, 0]);
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-0.5, 1), "−0.5");
    }
}
