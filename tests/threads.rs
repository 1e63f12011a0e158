//! The trainer runs GAN Lab's 2-D networks on one CPU thread and gives the thread count back.
//! (Its own test binary: the thread count is global to the process.)
use gankit::device::OneCpuThread;
use gankit::nets::GanNet;
use gankit::prelude::*;
use std::cell::RefCell;

/// The ring's discriminator, noting how many threads libtorch had each time it ran.
#[derive(Debug)]
struct Watched {
    d: gankit::nets::mlp::MlpDiscriminator,
    threads: RefCell<Vec<i32>>,
}

impl GanNet for Watched {
    fn forward_gan(&self, x: &Tensor, cond: Option<&Tensor>, train: bool) -> Tensor {
        self.threads.borrow_mut().push(tch::get_num_threads());
        self.d.forward_gan(x, cond, train)
    }
    fn is_row_wise(&self) -> bool {
        self.d.is_row_wise()
    }
    fn ends_in_sigmoid(&self) -> Option<bool> {
        self.d.ends_in_sigmoid()
    }
}

#[test]
fn two_d_steps_run_on_one_thread_and_restore_the_count() {
    tch::set_num_threads(2);
    {
        let _one = OneCpuThread::switch();
        assert_eq!(tch::get_num_threads(), 1);
    }
    assert_eq!(tch::get_num_threads(), 2, "the count before comes back");

    let net = MlpConfig::default();
    let config = TrainConfig {
        batch_size: 64,
        z_dim: net.z_dim,
        ..Default::default()
    };
    let data = Mixture::ring8().sample(256, 0);
    let mut gan = Gan::new(
        Device::Cpu,
        |p| mlp_generator(p, &net),
        |p| Watched {
            d: mlp_discriminator(p, &net),
            threads: RefCell::new(vec![]),
        },
        config,
    )
    .unwrap()
    .with_data(&data)
    .unwrap();
    gan.step().unwrap();
    let seen = gan.d().threads.borrow().clone();
    assert!(
        !seen.is_empty() && seen.iter().all(|&n| n == 1),
        "threads during the step: {seen:?}"
    );
    assert_eq!(tch::get_num_threads(), 2, "a step gives the count back");
}
