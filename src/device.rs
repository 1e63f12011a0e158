//! Where tensors live: CUDA when libtorch sees a GPU, else the CPU.
//!
//! libtorch's CUDA half (`libtorch_cuda.so`) registers itself when it is loaded, but nothing
//! refers to it by name, so linkers drop it and a notebook cell (a shared library built by
//! evcxr) never loads it: CUDA then looks absent even on a GPU machine. [`device`] therefore
//! loads it first, from the folder libtorch itself was loaded from.
use crate::error::{Error, Result};
use std::ffi::{CStr, CString};
use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;
use tch::Device;

/// The environment variable that overrides the automatic choice: `cpu`, `cuda` or `cuda:N`.
pub const DEVICE_VAR: &str = "GANKIT_DEVICE";

/// The device to train on: `GANKIT_DEVICE` if set, else `cuda:0` when a GPU is visible, else
/// the CPU.
///
/// # Panics
/// When `GANKIT_DEVICE` is not one of `cpu`, `cuda`, `cuda:N`, or asks for a GPU that is not
/// there; the message names the variable.
pub fn device() -> Device {
    match try_device() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

/// Like [`device`], returning the error instead of panicking.
pub fn try_device() -> Result<Device> {
    let cuda = cuda_device_count();
    match std::env::var(DEVICE_VAR) {
        Err(_) => Ok(if cuda > 0 {
            Device::Cuda(0)
        } else {
            Device::Cpu
        }),
        Ok(v) => parse_device(&v, cuda),
    }
}

fn parse_device(value: &str, cuda_count: usize) -> Result<Device> {
    let v = value.trim().to_ascii_lowercase();
    let index = match v.as_str() {
        "cpu" => return Ok(Device::Cpu),
        "cuda" | "gpu" => 0,
        s => match s
            .strip_prefix("cuda:")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(i) => i,
            None => {
                return Err(Error::setting(
                    DEVICE_VAR,
                    format!("{value:?} is not a device; use cpu, cuda or cuda:N"),
                ))
            }
        },
    };
    if index >= cuda_count {
        return Err(Error::setting(
            DEVICE_VAR,
            format!("asks for cuda:{index} but libtorch sees {cuda_count} CUDA device(s)"),
        ));
    }
    Ok(Device::Cuda(index))
}

/// Number of CUDA devices libtorch sees, after making sure `libtorch_cuda.so` is loaded.
pub fn cuda_device_count() -> usize {
    load_torch_cuda();
    if tch::Cuda::is_available() {
        tch::Cuda::device_count().max(0) as usize
    } else {
        0
    }
}

/// Loads `libtorch_cuda.so` (once) into the process, globally, when it exists beside the
/// libtorch that is already loaded. Returns the path it loaded, if any.
pub fn load_torch_cuda() -> Option<&'static PathBuf> {
    static LOADED: OnceLock<Option<PathBuf>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let dir = loaded_library_dir("libtorch_cpu.so")?;
            let path = dir.join("libtorch_cuda.so");
            if !path.exists() {
                return None;
            }
            let c_path = CString::new(path.to_string_lossy().as_bytes()).ok()?;
            // SAFETY: dlopen with a valid C string; the handle is deliberately never closed.
            let handle =
                unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
            (!handle.is_null()).then_some(path)
        })
        .as_ref()
}

/// The folder of a shared library already loaded into this process, found by file name.
fn loaded_library_dir(file_name: &str) -> Option<PathBuf> {
    struct Search<'a> {
        file_name: &'a str,
        found: Option<PathBuf>,
    }
    unsafe extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: dl_iterate_phdr passes a valid info pointer and our own data pointer.
        let search = unsafe { &mut *(data as *mut Search) };
        let name_ptr = unsafe { (*info).dlpi_name };
        if name_ptr.is_null() {
            return 0;
        }
        let name = unsafe { CStr::from_ptr(name_ptr) }.to_string_lossy();
        let path = PathBuf::from(name.as_ref());
        if path.file_name().and_then(|f| f.to_str()) == Some(search.file_name) {
            search.found = path.parent().map(|p| p.to_path_buf());
            return 1;
        }
        0
    }
    // Make sure libtorch is loaded (any tch call does it; this one is cheap).
    let _ = tch::Cuda::is_available();
    let mut search = Search {
        file_name,
        found: None,
    };
    // SAFETY: the callback only reads what dl_iterate_phdr hands it.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut search as *mut Search as *mut libc::c_void) };
    search.found
}

/// What a notebook prints in its first cell: the device it will train on and why.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    /// The device [`device`] picks.
    pub device: Device,
    /// CUDA devices libtorch sees.
    pub cuda_devices: usize,
    /// Whether cuDNN is usable.
    pub cudnn: bool,
    /// Threads libtorch uses on the CPU.
    pub cpu_threads: i32,
    /// Where libtorch_cuda was loaded from, if it was.
    pub torch_cuda: Option<PathBuf>,
}

/// Collects [`DeviceInfo`] (loading libtorch_cuda first when it exists).
pub fn device_info() -> DeviceInfo {
    let cuda_devices = cuda_device_count();
    DeviceInfo {
        device: device(),
        cuda_devices,
        cudnn: cuda_devices > 0 && tch::Cuda::cudnn_is_available(),
        cpu_threads: tch::get_num_threads(),
        torch_cuda: load_torch_cuda().cloned(),
    }
}

impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.device {
            Device::Cuda(i) => write!(
                f,
                "training on cuda:{i} ({} CUDA device(s), cuDNN {}; libtorch 2.11.0)",
                self.cuda_devices,
                if self.cudnn { "yes" } else { "no" }
            ),
            _ => {
                write!(
                    f,
                    "training on the CPU ({} threads; libtorch 2.11.0",
                    self.cpu_threads
                )?;
                match (&self.torch_cuda, self.cuda_devices) {
                    (_, n) if n > 0 => write!(f, "; {n} GPU(s) visible but {DEVICE_VAR}=cpu)"),
                    (Some(_), _) => f.write_str("; libtorch has CUDA but sees no GPU)"),
                    (None, _) => f.write_str("; this libtorch has no CUDA)"),
                }
            }
        }
    }
}

/// Keeps the memory libtorch frees on the CPU for its next tensors instead of handing it back
/// to the system (called by the trainers' constructors; once per process, glibc only).
///
/// A training step allocates and frees the same tensors every time. glibc serves blocks of
/// 128 KB and more with fresh pages from the system (`mmap`) and trims the top of its heap
/// when freed memory piles up there, so every step paid page faults and page clearing anew:
/// on the 2-D toy GAN (batch 256 × 128 floats = 128 KB per activation) that was a quarter of
/// the step. With blocks up to 32 MB served from the heap and trimming past 512 MB of free
/// memory only, the step reuses warm memory. Peak memory barely changes (the bench prints it).
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
        });
    }
}

/// While alive, libtorch runs on one CPU thread; the count from before comes back on drop.
/// The trainer holds one during each step of a network pair on the CPU that is
/// [`crate::nets::GanNet::is_row_wise`] (GAN Lab's 2-D MLPs): their ops take microseconds, so
/// a second thread only adds synchronisation, and on a busy 2-core machine its waiting made a
/// ring-of-8 WGAN-GP step 16 times slower (0.33 s against 0.02 s, measured with `gankit train`).
pub struct OneCpuThread(i32);

impl OneCpuThread {
    /// Switches libtorch to one thread until the value is dropped. (No `Default`: making the
    /// value has this side effect, so it is spelled out.)
    pub fn switch() -> Self {
        let before = tch::get_num_threads();
        if before != 1 {
            tch::set_num_threads(1);
        }
        OneCpuThread(before)
    }
}

impl Drop for OneCpuThread {
    fn drop(&mut self) {
        if self.0 != 1 {
            tch::set_num_threads(self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_device_names() {
        assert_eq!(parse_device("cpu", 0).unwrap(), Device::Cpu);
        assert_eq!(parse_device(" CUDA ", 1).unwrap(), Device::Cuda(0));
        assert_eq!(parse_device("cuda:1", 2).unwrap(), Device::Cuda(1));
        let e = parse_device("cuda:1", 1).unwrap_err().to_string();
        assert!(e.starts_with("GANKIT_DEVICE: asks for cuda:1"), "{e}");
        let e = parse_device("tpu", 1).unwrap_err().to_string();
        assert!(e.contains("\"tpu\" is not a device"), "{e}");
    }

    #[test]
    fn finds_the_loaded_libtorch() {
        let dir = loaded_library_dir("libtorch_cpu.so").expect("libtorch_cpu.so is loaded");
        assert!(dir.join("libtorch_cpu.so").exists());
        // The wheel we install is the CUDA build, so libtorch_cuda.so sits beside it and loads.
        if dir.join("libtorch_cuda.so").exists() {
            assert_eq!(load_torch_cuda(), Some(&dir.join("libtorch_cuda.so")));
        }
    }
}
