//! A run's curves: [`History`]'s plots live here, above the training core, which keeps only
//! the numbers (the methods are inherent, so `gan.history.loss_plot("…")` reads as before).
use super::plot::LinePlot;
use crate::train::{History, StepRecord};

impl History {
    /// Named extra terms against steps, one line each (e.g. `&["cycle_a", "cycle_b"]`).
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let h = History::default();
    /// h.term_plot("CycleGAN terms", &["cycle_a", "cycle_b", "idt_a", "idt_b"]).smooth(0.9)
    /// # ;
    /// ```
    pub fn term_plot(&self, title: &str, names: &[&str]) -> LinePlot {
        names.iter().fold(
            LinePlot::new(title).x_label("step").y_label("loss"),
            |p, &n| p.line_xy(n, self.term(n)),
        )
    }

    /// D and G losses against steps. A critic's loss goes below zero: add
    /// [`LinePlot::symlog`] to see its whole range, or [`LinePlot::log_y`] for positive
    /// losses spanning decades.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let gan_history = History::default();
    /// gan_history.loss_plot("DCGAN losses").smooth(0.9)
    /// # ;
    /// ```
    pub fn loss_plot(&self, title: &str) -> LinePlot {
        LinePlot::new(title)
            .x_label("step")
            .y_label("loss")
            .line_xy("D loss", self.series(|r| r.d_loss))
            .line_xy("G loss", self.series(|r| r.g_loss))
    }

    /// Report 001's score curves: D(x) and D(G(z)) against steps.
    pub fn score_plot(&self, title: &str) -> LinePlot {
        LinePlot::new(title)
            .x_label("step")
            .y_label("D output")
            .line_xy("D(x)", self.series(|r| r.d_real))
            .line_xy("D(G(z)) at D's update", self.series(|r| r.d_fake_before))
            .line_xy("D(G(z)) at G's update", self.series(|r| r.d_fake_after))
    }

    /// A critic's estimate of the Wasserstein distance, E C(x_r) − E C(x_f)
    /// ([`StepRecord::wasserstein`]), against steps: WGAN's "loss that means something",
    /// falling as G's samples approach the data. Steps without the estimate (BCE losses) are
    /// left out, so the plot is empty for them.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let h = History::default();
    /// h.wasserstein_plot("WGAN-GP: critic's estimate").smooth(0.9)
    /// # ;
    /// ```
    pub fn wasserstein_plot(&self, title: &str) -> LinePlot {
        LinePlot::new(title)
            .x_label("step")
            .y_label("E C(x_r) − E C(x_f)")
            .line_xy("Wasserstein estimate", self.series(|r| r.wasserstein))
    }

    /// One quantity of several runs on one plot (report 001's control vs experiment): one line
    /// per run, named by the run, one palette colour per run in the order given. Add a run's
    /// second quantity with the same colour, dashed (see [`LinePlot::dashed`]).
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let (control, smoothed) = (History::default(), History::default());
    /// History::compare_plot("D(x)", &[("control", &control), ("label smoothing", &smoothed)], |r| r.d_real)
    ///     .smooth(0.9)
    /// # ;
    /// ```
    pub fn compare_plot(
        title: &str,
        runs: &[(&str, &History)],
        quantity: impl Fn(&StepRecord) -> Option<f64>,
    ) -> LinePlot {
        runs.iter().enumerate().fold(
            LinePlot::new(title).x_label("step"),
            |plot, (i, (name, run))| plot.line_xy(*name, run.series(&quantity)).color(i),
        )
    }

    /// Named series (what hooks recorded with `Trainer::record`) against steps, one line
    /// each, whole-number steps on x.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let h = History::default();
    /// h.series_plot("faces found over training", &["faces found"]).y_label("share of samples")
    /// # ;
    /// ```
    pub fn series_plot(&self, title: &str, names: &[&str]) -> LinePlot {
        names
            .iter()
            .fold(LinePlot::new(title).x_label("step").x_integer(), |p, &n| {
                p.line_xy(n, self.named(n))
            })
    }

    /// One named series of several runs on one plot, one colour per run in the order given
    /// (a tip against its control: faces found over steps).
    pub fn compare_series(title: &str, runs: &[(&str, &History)], name: &str) -> LinePlot {
        runs.iter().enumerate().fold(
            LinePlot::new(title)
                .x_label("step")
                .x_integer()
                .y_label(name),
            |plot, (i, (run_name, run))| plot.line_xy(*run_name, run.named(name)).color(i),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::train::{History, StepRecord};

    fn record(step: usize, wasserstein: Option<f64>) -> StepRecord {
        StepRecord {
            step,
            d_loss: Some(-(step as f64)),
            g_loss: Some(step as f64),
            d_real: None,
            d_fake_before: None,
            d_fake_after: None,
            wasserstein,
            penalty: None,
            d_grad_norm: None,
            g_grad_norm: None,
            terms: vec![("cycle_a", 0.5)],
            seconds: 0.0,
        }
    }

    #[test]
    fn plots_take_their_series_from_the_records() {
        let h = History {
            steps: vec![record(1, Some(3.0)), record(2, None), record(3, Some(1.5))],
            ..Default::default()
        };
        let mut h = h;
        h.record("faces found", 2, 0.5);
        h.record("faces found", 3, 0.75);
        let s = format!("{:?}", h.series_plot("s", &["faces found"]));
        assert_eq!(s, r#"LinePlot("s": faces found (2 points))"#);
        let c = format!(
            "{:?}",
            History::compare_series("c", &[("a", &h), ("b", &History::default())], "faces found")
        );
        assert_eq!(c, r#"LinePlot("c": a (2 points), b (0 points))"#);
        let w = format!("{:?}", h.wasserstein_plot("w"));
        assert_eq!(w, r#"LinePlot("w": Wasserstein estimate (2 points))"#);
        let l = format!("{:?}", h.loss_plot("l"));
        assert_eq!(l, r#"LinePlot("l": D loss (3 points), G loss (3 points))"#);
        let t = format!("{:?}", h.term_plot("t", &["cycle_a", "missing"]));
        assert_eq!(
            t,
            r#"LinePlot("t": cycle_a (3 points), missing (0 points))"#
        );
        let c = History::compare_plot("c", &[("a", &h), ("b", &h)], |r| r.wasserstein);
        assert_eq!(
            format!("{c:?}"),
            r#"LinePlot("c": a (2 points), b (2 points))"#
        );
    }
}
