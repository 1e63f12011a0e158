//! Adversarial losses, penalties and constraints, each with its formula in the doc comment.
//!
//! Notation: C(x) is the discriminator's (critic's) raw output, D(x) = σ(C(x)) the probability
//! a Sigmoid-ended discriminator outputs, x_r a real sample, x_f = G(z) a fake one, E the mean
//! over the batch (over every element of the output, so PatchGAN maps work too).
//!
//! ```text
//! let d_loss = Loss::RaLsgan.d_loss(&d_real, &d_fake);        // D step
//! let g_loss = Loss::RaLsgan.g_loss(&d_real, &d_fake);        // G step
//! let terms  = Loss::Rsgan.d_terms(&d_real, &d_fake);         // value and its pieces
//! println!("{terms}");
//! let noisy  = Loss::BCE.labels(Labels::noisy());              // report 001 §4
//! let d_loss = Loss::BCE.ratio(3.0, 7.0).d_loss(&d_real, &d_fake); // report 004
//! let gp     = GradientPenalty::default().penalty(&|x| net_d.forward_t(x, true), &real, &fake)?;
//! ```
//!
//! - [`Loss`]: which adversarial loss (BCE minimax / non-saturating on probabilities or
//!   logits, WGAN, LSGAN, hinge, RSGAN, RaSGAN, RaLSGAN, RaHingeGAN);
//! - [`LossConfig`]: a loss with weights on the real and fake terms of the D loss and
//!   [`Labels`] (hard, one-sided smoothing, noisy);
//! - [`LossTerms`]: a loss value with the pieces a teacher shows (means, terms, relativistic
//!   differences and their probabilities, the Wasserstein estimate);
//! - [`penalty`]: gradient penalty (two- and one-sided), DRAGAN, R1, weight clipping.
//!
//! WGAN-GP is [`Loss::Wgan`] plus [`GradientPenalty`].

mod adversarial;
pub mod penalty;
mod relativistic;
mod terms;

use std::fmt;
use tch::Tensor;

pub use penalty::{Dragan, GradientPenalty, PenaltyTerms, WeightClip, R1};
pub use terms::{LossTerms, Side};

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {
    pub use super::penalty::{Dragan, GradientPenalty, PenaltyTerms, WeightClip, R1};
    pub use super::{DOutput, Labels, Loss, LossConfig, LossPoint, LossTerms, Side, Targets};
}

/// What the discriminator outputs: the choice a BCE loss needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DOutput {
    /// D ends in a Sigmoid: D(x) ∈ [0, 1] (the reports' DCGANs, `nn.BCELoss`). The log is
    /// clamped at −100 as torch's `BCELoss` does; values outside [0, 1] panic with a message
    /// pointing at [`DOutput::Logit`].
    Probability,
    /// D has no Sigmoid: C(x) ∈ ℝ, D(x) = σ(C(x)) is applied inside the loss through
    /// log-sigmoid (`nn.BCEWithLogitsLoss`), which is exact for large |C(x)|.
    Logit,
}

/// An adversarial loss. `d_loss(d_real, d_fake)` is minimised by D, `g_loss(d_real, d_fake)`
/// by G; `d_real` = D(x_r) and `d_fake` = D(G(z)) are D's outputs (any shape; RSGAN pairs
/// them, so there they must have the same shape). Non-relativistic G losses ignore `d_real`.
///
/// The D loss is always `real term + fake term` (the reports' `errD_real + errD_fake`);
/// [`LossConfig`] weights the two terms and changes the labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loss {
    /// The original (minimax) GAN, Goodfellow et al. 2014:
    /// L_D = −E[log D(x_r)] − E[log(1 − D(x_f))],
    /// L_G = E[log(1 − D(x_f))] (saturates when D rejects the fakes).
    Minimax(DOutput),
    /// The non-saturating GAN (what `criterion(D(G(z)), real_label)` trains, reports 000, 001,
    /// 004): L_D = −E[log D(x_r)] − E[log(1 − D(x_f))], L_G = −E[log D(x_f)].
    NonSaturating(DOutput),
    /// Wasserstein GAN (Arjovsky et al. 2017), a critic without Sigmoid:
    /// L_D = −E[C(x_r)] + E[C(x_f)], L_G = −E[C(x_f)]. Add a [`GradientPenalty`] for WGAN-GP
    /// or a [`WeightClip`] for the original WGAN.
    Wgan,
    /// Least squares GAN (Mao et al. 2017, a = 0, b = c = 1):
    /// L_D = ½E[(C(x_r) − 1)²] + ½E[C(x_f)²], L_G = ½E[(C(x_f) − 1)²].
    /// (CycleGAN's code drops the ½ of L_G; use `2·g_loss` to match it.)
    Lsgan,
    /// Hinge loss (Lim & Ye 2017; SAGAN, BigGAN):
    /// L_D = E[max(0, 1 − C(x_r))] + E[max(0, 1 + C(x_f))], L_G = −E[C(x_f)].
    Hinge,
    /// Relativistic standard GAN (Jolicoeur-Martineau 2018; report 002 §2), pairs of samples:
    /// L_D = −E[log σ(C(x_r) − C(x_f))] = BCE(C(x_r) − C(x_f), 1),
    /// L_G = −E[log σ(C(x_f) − C(x_r))] = BCE(C(x_f) − C(x_r), 1).
    Rsgan,
    /// Relativistic average standard GAN:
    /// L_D = −E[log σ(C(x_r) − E C(x_f))] − E[log(1 − σ(C(x_f) − E C(x_r)))],
    /// L_G = −E[log σ(C(x_f) − E C(x_r))] − E[log(1 − σ(C(x_r) − E C(x_f)))].
    /// (The author's code halves both; `weights(0.5, 0.5)` matches its D loss.)
    Rasgan,
    /// Relativistic average least squares GAN:
    /// L_D = E[(C(x_r) − E C(x_f) − 1)²] + E[(C(x_f) − E C(x_r) + 1)²],
    /// L_G = E[(C(x_f) − E C(x_r) − 1)²] + E[(C(x_r) − E C(x_f) + 1)²].
    RaLsgan,
    /// Relativistic average hinge GAN:
    /// L_D = E[max(0, 1 − (C(x_r) − E C(x_f)))] + E[max(0, 1 + (C(x_f) − E C(x_r)))],
    /// L_G = E[max(0, 1 − (C(x_f) − E C(x_r)))] + E[max(0, 1 + (C(x_r) − E C(x_f)))].
    RaHinge,
}

impl Loss {
    /// The reports' "BCE": a Sigmoid-ended D, `nn.BCELoss`, non-saturating G.
    pub const BCE: Loss = Loss::NonSaturating(DOutput::Probability);
    /// BCE on logits (`nn.BCEWithLogitsLoss`), non-saturating G: D without Sigmoid.
    pub const BCE_WITH_LOGITS: Loss = Loss::NonSaturating(DOutput::Logit);
    /// Every loss, for tables and loops (both D output kinds of the BCE losses).
    pub const ALL: [Loss; 11] = [
        Loss::Minimax(DOutput::Probability),
        Loss::Minimax(DOutput::Logit),
        Loss::NonSaturating(DOutput::Probability),
        Loss::NonSaturating(DOutput::Logit),
        Loss::Wgan,
        Loss::Lsgan,
        Loss::Hinge,
        Loss::Rsgan,
        Loss::Rasgan,
        Loss::RaLsgan,
        Loss::RaHinge,
    ];

    /// Whether this is one of the BCE losses (minimax or non-saturating), which read D's output
    /// as a probability or as a logit ([`DOutput`]); the others read it as it is.
    pub fn is_bce(self) -> bool {
        matches!(self, Loss::Minimax(_) | Loss::NonSaturating(_))
    }

    /// The same loss reading D's output as `out`: a BCE loss takes it, the others are unchanged.
    ///
    /// ```
    /// use gankit::losses::{DOutput, Loss};
    /// assert_eq!(Loss::BCE.with_output(DOutput::Logit), Loss::BCE_WITH_LOGITS);
    /// assert_eq!(Loss::Wgan.with_output(DOutput::Logit), Loss::Wgan);
    /// ```
    pub fn with_output(self, out: DOutput) -> Loss {
        match self {
            Loss::Minimax(_) => Loss::Minimax(out),
            Loss::NonSaturating(_) => Loss::NonSaturating(out),
            other => other,
        }
    }

    /// The D loss (hard labels, both terms weighted 1).
    pub fn d_loss(self, d_real: &Tensor, d_fake: &Tensor) -> Tensor {
        self.d_terms(d_real, d_fake).value
    }

    /// The G loss. `d_real` is read by the relativistic losses only.
    pub fn g_loss(self, d_real: &Tensor, d_fake: &Tensor) -> Tensor {
        self.g_terms(d_real, d_fake).value
    }

    /// The D loss with its pieces ([`LossTerms`]; `.value` is the loss, gradients flow).
    pub fn d_terms(self, d_real: &Tensor, d_fake: &Tensor) -> LossTerms {
        LossConfig::from(self).d_terms(d_real, d_fake)
    }

    /// The G loss with its pieces.
    pub fn g_terms(self, d_real: &Tensor, d_fake: &Tensor) -> LossTerms {
        LossConfig::from(self).g_terms(d_real, d_fake)
    }

    /// This loss with weights on the real and fake terms of the D loss (see [`LossConfig`]).
    pub fn weights(self, real: f64, fake: f64) -> LossConfig {
        LossConfig::from(self).weights(real, fake)
    }

    /// This loss with the real:fake ratio of report 004 (see [`LossConfig::ratio`]).
    pub fn ratio(self, real: f64, fake: f64) -> LossConfig {
        LossConfig::from(self).ratio(real, fake)
    }

    /// This loss with other labels for the D loss (see [`Labels`]).
    pub fn labels(self, labels: Labels) -> LossConfig {
        LossConfig::from(self).labels(labels)
    }

    /// Whether the loss compares real and fake outputs (needs `d_real` in the G loss).
    pub fn is_relativistic(self) -> bool {
        matches!(
            self,
            Loss::Rsgan | Loss::Rasgan | Loss::RaLsgan | Loss::RaHinge
        )
    }

    /// Whether the D loss has targets (1 for real, 0 for fake) that [`Labels`] can change:
    /// the BCE losses, LSGAN, RSGAN and RaSGAN.
    pub fn has_targets(self) -> bool {
        matches!(
            self,
            Loss::Minimax(_) | Loss::NonSaturating(_) | Loss::Lsgan | Loss::Rsgan | Loss::Rasgan
        )
    }

    /// The D loss's formula, as in the doc comment.
    pub fn d_formula(self) -> &'static str {
        match self {
            Loss::Minimax(_) | Loss::NonSaturating(_) => "−E[log D(x_r)] − E[log(1 − D(x_f))]",
            Loss::Wgan => "−E[C(x_r)] + E[C(x_f)]",
            Loss::Lsgan => "½E[(C(x_r) − 1)²] + ½E[C(x_f)²]",
            Loss::Hinge => "E[max(0, 1 − C(x_r))] + E[max(0, 1 + C(x_f))]",
            Loss::Rsgan => "−E[log σ(C(x_r) − C(x_f))]",
            Loss::Rasgan => "−E[log σ(C(x_r) − E C(x_f))] − E[log(1 − σ(C(x_f) − E C(x_r)))]",
            Loss::RaLsgan => "E[(C(x_r) − E C(x_f) − 1)²] + E[(C(x_f) − E C(x_r) + 1)²]",
            Loss::RaHinge => {
                "E[max(0, 1 − (C(x_r) − E C(x_f)))] + E[max(0, 1 + (C(x_f) − E C(x_r)))]"
            }
        }
    }

    /// The G loss's formula, as in the doc comment.
    pub fn g_formula(self) -> &'static str {
        match self {
            Loss::Minimax(_) => "E[log(1 − D(x_f))]",
            Loss::NonSaturating(_) => "−E[log D(x_f)]",
            Loss::Wgan | Loss::Hinge => "−E[C(x_f)]",
            Loss::Lsgan => "½E[(C(x_f) − 1)²]",
            Loss::Rsgan => "−E[log σ(C(x_f) − C(x_r))]",
            Loss::Rasgan => "−E[log(1 − σ(C(x_r) − E C(x_f)))] − E[log σ(C(x_f) − E C(x_r))]",
            Loss::RaLsgan => "E[(C(x_r) − E C(x_f) + 1)²] + E[(C(x_f) − E C(x_r) − 1)²]",
            Loss::RaHinge => {
                "E[max(0, 1 + (C(x_r) − E C(x_f)))] + E[max(0, 1 − (C(x_f) − E C(x_r)))]"
            }
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = |o: &DOutput| match o {
            DOutput::Probability => "on probabilities",
            DOutput::Logit => "on logits",
        };
        match self {
            Loss::Minimax(o) => write!(f, "minimax BCE {}", kind(o)),
            Loss::NonSaturating(o) => write!(f, "non-saturating BCE {}", kind(o)),
            Loss::Wgan => f.write_str("WGAN"),
            Loss::Lsgan => f.write_str("LSGAN"),
            Loss::Hinge => f.write_str("hinge"),
            Loss::Rsgan => f.write_str("RSGAN"),
            Loss::Rasgan => f.write_str("RaSGAN"),
            Loss::RaLsgan => f.write_str("RaLSGAN"),
            Loss::RaHinge => f.write_str("RaHingeGAN"),
        }
    }
}

/// The labels (targets) of the D loss. G's loss uses the hard targets (the usual form,
/// Salimans et al. 2016) unless [`LossConfig::labels_in_g`] says otherwise: report 001 §4
/// also fed its noisy real labels to G (`errG = criterion(output, tlabel)`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Labels {
    /// Real 1, fake 0.
    #[default]
    Hard,
    /// One-sided label smoothing: real = the value (0.9 in Salimans et al.), fake 0.
    OneSided(f64),
    /// Noisy labels, uniform per element in [lo, hi), drawn from torch's generator (so
    /// `gankit::manual_seed` makes them reproducible), real first, then fake.
    Noisy { real: (f64, f64), fake: (f64, f64) },
}

impl Labels {
    /// Report 001 §4: real ∈ [0.75, 1.25), fake ∈ [0, 0.25)
    /// (`1 + (rand − 0.5)·0.5` and `rand·0.25`).
    pub fn noisy() -> Self {
        Labels::Noisy {
            real: (0.75, 1.25),
            fake: (0.0, 0.25),
        }
    }

    /// One-sided smoothing with real label 0.9.
    pub fn one_sided() -> Self {
        Labels::OneSided(0.9)
    }
}

/// The targets of one D loss computation: `real` shaped like `d_real`, `fake` like `d_fake`.
/// Draw them with [`LossConfig::targets`], or build them to pass fixed labels in.
#[derive(Debug)]
pub struct Targets {
    pub real: Tensor,
    pub fake: Tensor,
}

/// A loss with options: weights on the real and fake terms of the D loss (report 004) and the
/// D loss's labels (report 001 §4). `LossConfig::from(Loss::BCE)` (or `Loss::BCE.weights(..)`,
/// `.ratio(..)`, `.labels(..)`) starts from weights 1:1 and hard labels, which is `Loss`'s
/// own `d_loss`.
///
/// L_D = real_weight · (real term) + fake_weight · (fake term). RSGAN's D loss is a single
/// term over pairs, so weights other than 1:1 panic for it.
///
/// The relativistic average losses' G loss is a sum of two expectations too (RaSGAN's
/// L_G = −E log σ(C(x_f) − E C(x_r)) − E log(1 − σ(C(x_r) − E C(x_f)))); `g_weights` weigh
/// them: (1, 1) is the paper's sum, `.g_weights(0.5, 0.5)` with `.weights(0.5, 0.5)` the
/// author's reference code, which halves both losses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossConfig {
    pub loss: Loss,
    pub real_weight: f64,
    pub fake_weight: f64,
    pub labels: Labels,
    /// Weights on the real and fake terms of the G loss, where it has both (the relativistic
    /// average losses): (1, 1).
    pub g_weights: (f64, f64),
    /// G's loss takes its target from `labels` too (see [`LossConfig::labels_in_g`]): false.
    pub labels_in_g: bool,
}

impl Default for LossConfig {
    fn default() -> Self {
        LossConfig::from(Loss::BCE)
    }
}

impl From<Loss> for LossConfig {
    fn from(loss: Loss) -> Self {
        LossConfig {
            loss,
            real_weight: 1.0,
            fake_weight: 1.0,
            labels: Labels::Hard,
            g_weights: (1.0, 1.0),
            labels_in_g: false,
        }
    }
}

impl LossConfig {
    /// Weights on the real and fake terms, used as given: `weights(1.0, 1.0)` is the plain
    /// sum, `weights(0.5, 0.5)` the mean.
    pub fn weights(mut self, real: f64, fake: f64) -> Self {
        self.real_weight = real;
        self.fake_weight = fake;
        self
    }

    /// Report 004's "Real : Fake = r : f", scaled so that the weights sum to 2: 1:1 is the
    /// reports' plain sum `errD_real + errD_fake`, 3:7 gives weights 0.6 and 1.4, 0:1 gives 0
    /// and 2.
    pub fn ratio(self, real: f64, fake: f64) -> Self {
        let sum = real + fake;
        assert!(
            real >= 0.0 && fake >= 0.0 && sum > 0.0,
            "LossConfig::ratio: expected r, f ≥ 0 with r + f > 0, got {real}:{fake}"
        );
        self.weights(2.0 * real / sum, 2.0 * fake / sum)
    }

    /// Weights on the real and fake terms of the G loss (see [`LossConfig`]): `(0.5, 0.5)`
    /// gives the relativistic losses' halved G loss of the author's reference code.
    pub fn g_weights(mut self, real: f64, fake: f64) -> Self {
        self.g_weights = (real, fake);
        self
    }

    /// The D loss's labels.
    pub fn labels(mut self, labels: Labels) -> Self {
        self.labels = labels;
        self
    }

    /// Whether G's loss draws its target from [`Labels`] too, as report 001 §4 did (its G
    /// loss was `criterion(D(G(z)), tlabel)` with the same noisy real labels D trained on):
    /// the non-saturating G loss becomes −E[t·log D(x_f) + (1 − t)·log(1 − D(x_f))] with t
    /// drawn like the real labels (noisy: uniform in the real range; one-sided: the smoothed
    /// value), LSGAN's ½E[(C(x_f) − t)²] likewise, and minimax G's E[log(1 − D(x_f))] takes
    /// D's fake labels. Off (the default), G keeps the hard target whatever the labels, as
    /// Salimans et al. 2016 recommend. Applies to the BCE losses and LSGAN; the other losses
    /// panic when their G loss is computed with it on.
    pub fn labels_in_g(mut self, on: bool) -> Self {
        self.labels_in_g = on;
        self
    }

    /// G's target drawn as [`LossConfig::labels_in_g`] says (None: the loss's hard target).
    fn g_target(&self, d_fake: &Tensor) -> Option<Tensor> {
        if !self.labels_in_g {
            return None;
        }
        assert!(
            !self.loss.is_relativistic() && self.loss.has_targets(),
            "{}: labels_in_g applies to the BCE losses and LSGAN, whose G loss has a target",
            self.loss
        );
        let targets = self.targets(d_fake, d_fake)?;
        Some(match self.loss {
            Loss::Minimax(_) => targets.fake,
            _ => targets.real,
        })
    }

    /// The D loss.
    pub fn d_loss(&self, d_real: &Tensor, d_fake: &Tensor) -> Tensor {
        self.d_terms(d_real, d_fake).value
    }

    /// The G loss (D's weights do not apply to it; labels only with
    /// [`LossConfig::labels_in_g`]).
    pub fn g_loss(&self, d_real: &Tensor, d_fake: &Tensor) -> Tensor {
        self.g_terms(d_real, d_fake).value
    }

    /// Draws the D loss's targets as [`Labels`] says (None for losses without targets, see
    /// [`Loss::has_targets`]).
    pub fn targets(&self, d_real: &Tensor, d_fake: &Tensor) -> Option<Targets> {
        if !self.loss.has_targets() {
            assert!(
                self.labels == Labels::Hard,
                "{}: the D loss has no 1/0 targets, so labels {:?} do not apply (they do for BCE, LSGAN, RSGAN, RaSGAN)",
                self.loss,
                self.labels
            );
            return None;
        }
        let uniform = |t: &Tensor, (lo, hi): (f64, f64)| t.rand_like() * (hi - lo) + lo;
        Some(match self.labels {
            Labels::Hard => Targets {
                real: d_real.ones_like(),
                fake: d_fake.zeros_like(),
            },
            Labels::OneSided(v) => Targets {
                real: d_real.full_like(v),
                fake: d_fake.zeros_like(),
            },
            Labels::Noisy { real, fake } => {
                let real = uniform(d_real, real);
                Targets {
                    real,
                    fake: uniform(d_fake, fake),
                }
            }
        })
    }

    /// The D loss with its pieces, labels drawn by [`LossConfig::targets`].
    pub fn d_terms(&self, d_real: &Tensor, d_fake: &Tensor) -> LossTerms {
        let targets = self.targets(d_real, d_fake);
        self.d_terms_inner(d_real, d_fake, targets)
    }

    /// The D loss with its pieces and the given targets (e.g. fixed noisy labels).
    pub fn d_terms_with(&self, d_real: &Tensor, d_fake: &Tensor, targets: Targets) -> LossTerms {
        assert!(
            self.loss.has_targets(),
            "{}: the D loss has no 1/0 targets to replace (they do for BCE, LSGAN, RSGAN, RaSGAN)",
            self.loss
        );
        for (what, t, d) in [
            ("real", &targets.real, d_real),
            ("fake", &targets.fake, d_fake),
        ] {
            assert_eq!(
                t.size(),
                d.size(),
                "{}: {what} labels have shape {:?} but D's {what} output has shape {:?}",
                self.loss,
                t.size(),
                d.size()
            );
        }
        self.d_terms_inner(d_real, d_fake, Some(targets))
    }

    fn d_terms_inner(
        &self,
        d_real: &Tensor,
        d_fake: &Tensor,
        targets: Option<Targets>,
    ) -> LossTerms {
        let (wr, wf) = (self.real_weight, self.fake_weight);
        assert!(
            wr >= 0.0 && wf >= 0.0,
            "{}: loss weights must be ≥ 0, got real {wr}, fake {wf}",
            self.loss
        );
        let parts = if self.loss.is_relativistic() {
            relativistic::d_parts(self.loss, d_real, d_fake, targets.as_ref())
        } else {
            adversarial::d_parts(self.loss, d_real, d_fake, targets.as_ref())
        };
        if parts.pair.is_some() {
            assert!(wr == 1.0 && wf == 1.0, "{}: the D loss is one term over (real, fake) pairs; real/fake weights {wr}:{wf} do not apply", self.loss);
        }
        LossTerms::new(self.loss, Side::D, (wr, wf), d_real, d_fake, parts, targets)
    }

    /// The G loss alone when it reads D's outputs on fakes only (every loss but the
    /// relativistic ones, which also need D(x_r): None for them). The trainer's G update uses
    /// it to skip D's pass over the real batch.
    pub fn g_loss_on_fakes(&self, d_fake: &Tensor) -> Option<Tensor> {
        (!self.loss.is_relativistic())
            .then(|| adversarial::g_value(self.loss, d_fake, self.g_target(d_fake).as_ref()))
    }

    /// The losses and their gradients at one pair of critic outputs (C(x_r), C(x_f); D's
    /// probabilities for the BCE losses on probabilities), with hard labels: a point of the
    /// loss's landscape, for plots of how each loss pushes D and G as D's outputs change.
    pub fn at(&self, c_real: f64, c_fake: f64) -> LossPoint {
        let opts = (tch::Kind::Double, tch::Device::Cpu);
        let r = Tensor::from_slice(&[c_real])
            .to_kind(opts.0)
            .set_requires_grad(true);
        let f = Tensor::from_slice(&[c_fake])
            .to_kind(opts.0)
            .set_requires_grad(true);
        let grads = |loss: Tensor| {
            let g = Tensor::run_backward(&[&loss], &[&r, &f], false, false);
            let v = |t: &Tensor| {
                if t.defined() {
                    t.double_value(&[0])
                } else {
                    0.0
                }
            };
            (loss.double_value(&[]), (v(&g[0]), v(&g[1])))
        };
        let hard = LossConfig {
            labels: Labels::Hard,
            ..*self
        };
        let (d_loss, d_grad) = grads(hard.d_loss(&r, &f));
        let (g_loss, g_grad) = grads(hard.g_loss(&r, &f));
        LossPoint {
            c_real,
            c_fake,
            d_loss,
            d_grad,
            g_loss,
            g_grad,
        }
    }

    /// The G loss with its pieces.
    pub fn g_terms(&self, d_real: &Tensor, d_fake: &Tensor) -> LossTerms {
        let target = self.g_target(d_fake);
        let parts = if self.loss.is_relativistic() {
            relativistic::g_parts(self.loss, d_real, d_fake)
        } else {
            adversarial::g_parts(self.loss, d_fake, target.as_ref())
        };
        LossTerms::new(
            self.loss,
            Side::G,
            self.g_weights,
            d_real,
            d_fake,
            parts,
            None,
        )
    }
}

/// A loss at one pair of critic outputs (see [`LossConfig::at`]): L_D and L_G (hard labels)
/// and their derivatives with respect to C(x_r) and C(x_f).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossPoint {
    pub c_real: f64,
    pub c_fake: f64,
    pub d_loss: f64,
    /// (∂L_D/∂C(x_r), ∂L_D/∂C(x_f)).
    pub d_grad: (f64, f64),
    pub g_loss: f64,
    /// (∂L_G/∂C(x_r), ∂L_G/∂C(x_f)): the second is how strongly G is pushed; the first is
    /// non-zero only for the relativistic losses (G also lowers the real data's score).
    pub g_grad: (f64, f64),
}

/// What one loss computation produces before weighting: the terms (real, fake; a single
/// `pair` term for RSGAN) and, where the loss has them, the differences and probabilities.
#[derive(Default)]
pub(crate) struct Parts {
    pub real: Option<Tensor>,
    pub fake: Option<Tensor>,
    pub pair: Option<Tensor>,
    pub diff_real: Option<Tensor>,
    pub diff_fake: Option<Tensor>,
    pub prob_real: Option<Tensor>,
    pub prob_fake: Option<Tensor>,
}

/// Mean binary cross-entropy of logits against targets (`BCEWithLogitsLoss`).
pub(crate) fn bce_logits(logits: &Tensor, target: &Tensor) -> Tensor {
    logits.binary_cross_entropy_with_logits::<Tensor>(target, None, None, tch::Reduction::Mean)
}

#[cfg(test)]
mod tests;
