//! The `Config` of every pallet, one file per concern.

mod consensus;
mod monetary;
mod system;

pub use system::{BlockHashCount, RuntimeBlockLength, RuntimeBlockWeights};
