//! CycleGAN's image pool (Shrivastava et al. 2017): D sees a mix of this step's fakes and
//! earlier ones.
use crate::data::rng::Rng;
use tch::Tensor;

/// The image pool of the reference (`util/image_pool.py`): until it holds `capacity` images
/// every fake goes in and is returned; after that each fake is, with probability ½, swapped
/// for a random stored one (which is returned instead), else returned as is. The draws come
/// from a gankit [`Rng`] seeded by (run seed, step, domain), so a run is reproducible and
/// resumes exactly when `images` is saved with it.
#[derive(Debug)]
pub struct ImagePool {
    /// Most images kept (0: the pool passes fakes through).
    pub capacity: usize,
    /// The stored fakes, each `[1, C, H, W]`, detached.
    pub images: Vec<Tensor>,
}

impl ImagePool {
    /// An empty pool.
    pub fn new(capacity: usize) -> Self {
        ImagePool {
            capacity,
            images: Vec::new(),
        }
    }

    /// The batch D sees instead of `fakes` (same shape), updating the pool.
    pub fn query(&mut self, fakes: &Tensor, rng: &mut Rng) -> Tensor {
        let fakes = fakes.detach();
        if self.capacity == 0 {
            return fakes;
        }
        let out: Vec<Tensor> = (0..fakes.size()[0])
            .map(|i| {
                let image = fakes.narrow(0, i, 1);
                if self.images.len() < self.capacity {
                    self.images.push(image.shallow_clone());
                    image
                } else if rng.uniform() > 0.5 {
                    let k = rng.below(self.capacity);
                    std::mem::replace(&mut self.images[k], image)
                } else {
                    image
                }
            })
            .collect();
        Tensor::cat(&out, 0)
    }

    pub(crate) fn snapshot(&self) -> Vec<Tensor> {
        self.images.iter().map(Tensor::shallow_clone).collect()
    }
}
