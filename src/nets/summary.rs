//! A network's summary, like torchsummary's: a [`NetSummary`] of one [`SummaryRow`] per layer,
//! as a text table (`Display`) or an HTML one ([`NetSummary::to_html`]). While
//! [`crate::nets::Net::summary`] runs a network once on zeros, every layer [`record`]s its
//! output's row; that is how the table gets its rows (like torchsummary's hooks).
use std::cell::RefCell;
use std::fmt;

/// One row of a [`NetSummary`].
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// PyTorch module path, e.g. `main.0`.
    pub name: String,
    /// PyTorch-style description, e.g. `Conv2d(3, 64, 4, stride=2, padding=1, bias=False)`.
    pub layer: String,
    /// Output shape for the summary's input size.
    pub output_shape: Vec<i64>,
    /// Parameters of this layer.
    pub params: i64,
}

thread_local! {
    static ROWS: RefCell<Option<Vec<SummaryRow>>> = const { RefCell::new(None) };
    static OUTPUTS: RefCell<Option<Vec<LayerOutput>>> = const { RefCell::new(None) };
}

/// One layer's output during a pass recorded by [`layer_outputs`].
#[derive(Debug)]
pub struct LayerOutput {
    /// PyTorch module path, e.g. `main.3`.
    pub name: String,
    /// PyTorch-style description, e.g. `SELU()`.
    pub layer: String,
    /// What the layer returned (detached).
    pub output: tch::Tensor,
}

/// Adds the row `row` makes to the summary being recorded, if one is (see [`recording`]), and
/// the layer's `output` to the outputs being recorded, if they are (see [`layer_outputs`]).
pub(crate) fn record(row: impl FnOnce() -> SummaryRow, output: &tch::Tensor) {
    let summary = ROWS.with(|r| r.borrow().is_some());
    let outputs = OUTPUTS.with(|o| o.borrow().is_some());
    if !summary && !outputs {
        return;
    }
    let row = row();
    if outputs {
        OUTPUTS.with(|o| {
            if let Some(o) = o.borrow_mut().as_mut() {
                o.push(LayerOutput {
                    name: row.name.clone(),
                    layer: row.layer.clone(),
                    output: output.detach(),
                });
            }
        });
    }
    if summary {
        ROWS.with(|r| {
            if let Some(r) = r.borrow_mut().as_mut() {
                r.push(row);
            }
        });
    }
}

/// Runs `f` (e.g. a network's forward pass) and returns what it returned with every gankit
/// layer's output on the way, in order: activations per layer, e.g. to see SELU keep them near
/// mean 0 and variance 1 (report 002 §1).
///
/// ```no_run
/// # use gankit::prelude::*;
/// # use gankit::nets::layer_outputs;
/// let vs = nn::VarStore::new(Device::Cpu);
/// let g = selu_generator(&vs.root(), &DcganConfig { image_size: 32, ..Default::default() });
/// let z = Tensor::randn([256, 100], (Kind::Float, Device::Cpu));
/// let (_, outputs) = layer_outputs(|| g.forward_t(&z, true));
/// for o in &outputs {
///     println!("{} {}: mean {:.3}, std {:.3}", o.name, o.layer, o.output.mean(Kind::Float).double_value(&[]), o.output.std(true).double_value(&[]));
/// }
/// ```
pub fn layer_outputs<R>(f: impl FnOnce() -> R) -> (R, Vec<LayerOutput>) {
    /// Stops the recording when dropped, also if `f` panics.
    struct Recording;
    impl Drop for Recording {
        fn drop(&mut self) {
            OUTPUTS.with(|o| o.borrow_mut().take());
        }
    }
    let _recording = Recording;
    OUTPUTS.with(|o| *o.borrow_mut() = Some(vec![]));
    let out = f();
    let outputs = OUTPUTS.with(|o| o.borrow_mut().take()).unwrap_or_default();
    (out, outputs)
}

/// Runs `f` while the layers [`record`] a row per output; returns its result and the rows.
pub(crate) fn recording<R>(f: impl FnOnce() -> R) -> (R, Vec<SummaryRow>) {
    /// Stops the recording when dropped, also if `f` panics.
    struct Recording;
    impl Drop for Recording {
        fn drop(&mut self) {
            ROWS.with(|r| r.borrow_mut().take());
        }
    }
    let _recording = Recording;
    ROWS.with(|r| *r.borrow_mut() = Some(vec![]));
    let out = f();
    let rows = ROWS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    (out, rows)
}

/// A PyTorch-style summary of a network: each layer's name, type, output shape and parameter
/// count for one input size, and the totals. `println!("{s}")` prints a text table; as the last
/// value of a notebook cell it shows as an HTML table.
#[derive(Debug, Clone, PartialEq)]
pub struct NetSummary {
    /// The network, e.g. "dcgan discriminator".
    pub net: String,
    /// The input size the summary was made for.
    pub input_size: Vec<i64>,
    /// Outputs of the whole network (two for StarGAN's discriminator).
    pub output_shapes: Vec<Vec<i64>>,
    pub rows: Vec<SummaryRow>,
    /// All parameters (also those not in a row, if any).
    pub total_parameters: i64,
    pub(crate) trainable: i64,
}

impl NetSummary {
    /// Parameters that take gradients (all of them unless the var store was frozen).
    pub fn trainable_parameters(&self) -> i64 {
        self.trainable
    }

    /// The HTML table shown in a notebook.
    pub fn to_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut h = format!(
            "<table><caption>{} — input {:?}</caption>\n<tr><th>Layer</th><th>Type</th><th>Output shape</th><th>Params</th></tr>\n",
            esc(&self.net),
            self.input_size
        );
        for r in &self.rows {
            h += &format!(
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{:?}</td><td style=\"text-align:right\">{}</td></tr>\n",
                esc(&r.name),
                esc(&r.layer),
                r.output_shape,
                thousands(r.params)
            );
        }
        h += &format!(
            "<tr><td colspan=\"3\">Total params</td><td style=\"text-align:right\">{}</td></tr>\n<tr><td colspan=\"3\">Trainable params</td><td style=\"text-align:right\">{}</td></tr>\n</table>",
            thousands(self.total_parameters),
            thousands(self.trainable)
        );
        h
    }
}

/// 1234567 → "1,234,567".
fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl fmt::Display for NetSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shapes: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("{:?}", r.output_shape))
            .collect();
        let w_name = self
            .rows
            .iter()
            .map(|r| r.name.len())
            .chain([5])
            .max()
            .unwrap();
        let w_layer = self
            .rows
            .iter()
            .map(|r| r.layer.chars().count())
            .chain([4])
            .max()
            .unwrap();
        let w_shape = shapes.iter().map(String::len).chain([12]).max().unwrap();
        let width = w_name + w_layer + w_shape + 18;
        writeln!(f, "{} — input {:?}", self.net, self.input_size)?;
        writeln!(
            f,
            "{:w_name$}  {:w_layer$}  {:w_shape$}  {:>12}",
            "Layer", "Type", "Output shape", "Params"
        )?;
        writeln!(f, "{}", "─".repeat(width))?;
        for (r, s) in self.rows.iter().zip(&shapes) {
            writeln!(
                f,
                "{:w_name$}  {:w_layer$}  {:w_shape$}  {:>12}",
                r.name,
                r.layer,
                s,
                thousands(r.params)
            )?;
        }
        writeln!(f, "{}", "─".repeat(width))?;
        writeln!(f, "Total params: {}", thousands(self.total_parameters))?;
        write!(f, "Trainable params: {}", thousands(self.trainable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5_142_083), "5,142,083");
    }
}
