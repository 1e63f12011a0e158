//! StarGAN's domains on the built-in faces (report 001 §6): a mutually exclusive hair-colour
//! group and binary attributes, the labelled faces they select, and the target labels
//! StarGAN translates to.
use super::faces::{render_faces, FaceSpec, ATTRIBUTES, HAIR_COLORS};
use super::rng::Rng;
use super::{multi_hot, Dataset};
use tch::{Kind, Tensor};

/// Which face attributes are StarGAN's domains: a mutually exclusive hair-colour group first,
/// then binary attributes. Label rows are `[hair one-hot (or all 0)…, attributes…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarDomains {
    /// Indices into [`HAIR_COLORS`]: black, blonde, brown (9, 11, 10), CelebA's hair group.
    pub hair: Vec<usize>,
    /// Indices into [`ATTRIBUTES`]: glasses, smile (0, 2).
    pub attributes: Vec<usize>,
}

impl Default for StarDomains {
    fn default() -> Self {
        StarDomains {
            hair: vec![9, 11, 10],
            attributes: vec![0, 2],
        }
    }
}

impl StarDomains {
    /// Number of label columns: `hair.len() + attributes.len()` (5 by default, StarGAN's
    /// CelebA `c_dim`).
    pub fn c_dim(&self) -> i64 {
        (self.hair.len() + self.attributes.len()) as i64
    }

    /// Column names: "black hair", "blonde hair", "brown hair", "glasses", "smile".
    pub fn names(&self) -> Vec<String> {
        self.hair
            .iter()
            .map(|&h| format!("{} hair", HAIR_COLORS[h]))
            .chain(self.attributes.iter().map(|&a| ATTRIBUTES[a].to_string()))
            .collect()
    }

    /// The label row of one face.
    pub fn label_of(&self, spec: &FaceSpec) -> Vec<usize> {
        let hair = self.hair.iter().position(|&h| h == spec.hair);
        let attrs = spec.attributes();
        hair.into_iter()
            .chain(
                self.attributes
                    .iter()
                    .enumerate()
                    .filter(|(_, &a)| attrs[a])
                    .map(|(i, _)| self.hair.len() + i),
            )
            .collect()
    }

    /// `n` built-in faces of `size`×`size` whose hair colour is in the group (faces of the
    /// other colours are skipped, drawn from the faces' usual distribution otherwise), with
    /// labels `[n, c_dim]`. With an empty `hair` group every face is kept. Panics on an index
    /// outside [`HAIR_COLORS`] or [`ATTRIBUTES`] (no face would ever match it).
    pub fn faces(&self, n: usize, size: usize, seed: u64) -> Dataset {
        assert!(
            self.hair.iter().all(|&h| h < HAIR_COLORS.len()) && self.attributes.iter().all(|&a| a < ATTRIBUTES.len()),
            "StarDomains: hair indices must be < {} (HAIR_COLORS) and attribute indices < {} (ATTRIBUTES), got {:?} and {:?}",
            HAIR_COLORS.len(),
            ATTRIBUTES.len(),
            self.hair,
            self.attributes
        );
        let mut specs = Vec::with_capacity(n);
        let mut i = 0u64;
        while specs.len() < n {
            let s = FaceSpec::random(&mut Rng::for_item(seed, i));
            i += 1;
            if self.hair.is_empty() || self.hair.contains(&s.hair) {
                specs.push(s);
            }
        }
        let rows: Vec<Vec<usize>> = specs.iter().map(|s| self.label_of(s)).collect();
        Dataset {
            name: format!("built-in faces {size}×{size} ({})", self.names().join(", ")),
            x: render_faces(&specs, size, seed),
            labels: Some(multi_hot(&rows, self.c_dim() as usize)),
            label_names: self.names(),
        }
    }

    /// yunjey's `create_labels`: for each domain one target batch made from `c_org` `[N,
    /// c_dim]`: for a hair colour, that colour set and the rest of the group cleared; for a
    /// binary attribute, that attribute flipped. Returns `c_dim` tensors `[N, c_dim]`.
    pub fn targets(&self, c_org: &Tensor) -> Vec<Tensor> {
        domain_targets(c_org, self.hair.len())
    }

    /// Report 001 §6's edit, all at once: the first hair colour of the group (black) and every
    /// attribute on (black hair, male, young, mustache in the report).
    pub fn report_target(&self, c_org: &Tensor) -> Tensor {
        let t = c_org.to_kind(Kind::Float).copy();
        let nh = self.hair.len() as i64;
        if nh > 0 {
            let _ = t.narrow(1, 0, nh).fill_(0.0);
            let _ = t.narrow(1, 0, 1).fill_(1.0);
        }
        let _ = t.narrow(1, nh, self.attributes.len() as i64).fill_(1.0);
        t
    }
}

/// yunjey's `create_labels` for label rows whose first `hair_group` columns are one mutually
/// exclusive group: for each column one target batch made from `c_org` `[N, c_dim]`: a column
/// of the group set and the rest of the group cleared, any other column flipped. Returns
/// `c_dim` tensors `[N, c_dim]`.
pub fn domain_targets(c_org: &Tensor, hair_group: usize) -> Vec<Tensor> {
    let c = c_org.to_kind(Kind::Float);
    let nh = hair_group as i64;
    let mut out = Vec::new();
    for i in 0..nh {
        let t = c.copy();
        let _ = t.narrow(1, 0, nh).fill_(0.0);
        let _ = t.narrow(1, i, 1).fill_(1.0);
        out.push(t);
    }
    for j in 0..c.size()[1] - nh {
        let t = c.copy();
        let mut col = t.narrow(1, nh + j, 1);
        let flipped = 1.0 - &col;
        col.copy_(&flipped);
        out.push(t);
    }
    out
}
