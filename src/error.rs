//! One error type for the crate: every message names the file, key or shape at fault.
use std::path::PathBuf;

/// gankit's error. Its `Display` is a single line meant to be read in a notebook cell.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tensor of the wrong shape: `what` names the argument.
    #[error("{what}: expected shape {expected}, got {got:?}")]
    Shape {
        what: String,
        expected: String,
        got: Vec<i64>,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An image could not be encoded or decoded.
    #[error("{}: {source}", path.display())]
    Image {
        path: PathBuf,
        source: image::ImageError,
    },
    /// A setting (environment variable, config key) has a value that is not allowed.
    #[error("{key}: {message}")]
    Setting { key: String, message: String },
    /// Drawing a figure failed.
    #[error("drawing {figure}: {message}")]
    Draw { figure: String, message: String },
    /// A data file or folder that cannot be used: names the file and, for text formats, the
    /// line.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Data {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// An error from libtorch, with what gankit was doing at the time.
    #[error("{context}: {source}")]
    Torch {
        context: String,
        source: tch::TchError,
    },
}

/// `std::result::Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn setting(key: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Setting {
            key: key.into(),
            message: message.into(),
        }
    }
    pub(crate) fn shape(what: impl Into<String>, expected: impl Into<String>, got: &[i64]) -> Self {
        Error::Shape {
            what: what.into(),
            expected: expected.into(),
            got: got.to_vec(),
        }
    }
    pub(crate) fn data(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Error::Data {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
    pub(crate) fn torch(context: impl Into<String>, source: tch::TchError) -> Self {
        Error::Torch {
            context: context.into(),
            source,
        }
    }
}
