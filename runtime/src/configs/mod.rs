//! The `Config` of every pallet, one file per concern.

mod collectibles;
mod consensus;
mod crystals;
mod mileage;
mod monetary;
mod redemption;
mod stone;
mod system;

pub use stone::{
	BoundStones, ImValleyEducationPool, ImValleyMiningPool, EDUCATION_POOL, MINING_POOL,
};
pub use system::{tx_extension, BlockHashCount, RuntimeBlockLength, RuntimeBlockWeights};
