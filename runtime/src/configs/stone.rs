//! Stone issuance: the two pools, the batch schedule, and Stones bound to their account.

use frame_support::{parameter_types, traits::Contains};
use frame_system::EnsureRoot;

use crate::{AccountId, Balance, Runtime, RuntimeCall, Timestamp, UNIT};

/// The mileage mining pool: 210,000,000 STONE.
pub const MINING_POOL: Balance = 210_000_000 * UNIT;
/// The educational pool: 90,000,000 STONE.
pub const EDUCATION_POOL: Balance = 90_000_000 * UNIT;

parameter_types! {
	pub const MiningCap: Balance = MINING_POOL;
	pub const EducationCap: Balance = EDUCATION_POOL;
}

impl pallet_stone::Config for Runtime {
	type Currency = crate::Balances;
	type Time = Timestamp;
	// Every closed batch goes to the mileage draw; a batch nobody drove for carries over.
	type Distributor = crate::Mileage;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MiningCap = MiningCap;
	type EducationCap = EducationCap;
	type WeightInfo = crate::weights::pallet_stone::WeightInfo<Runtime>;
}

/// The runtime's call filter: Stones are bound to their account. Transfers between ordinary
/// accounts pass only while `Stone::TransfersEnabled` is on (root switches it), and burning by
/// hand never does (every burn is accounted for by `pallet_stone::BurnTracker`). Root origin is not
/// filtered, so the admin can still move Stones.
pub struct BoundStones;

impl Contains<RuntimeCall> for BoundStones {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_balances::Call as B;
		match call {
			RuntimeCall::Balances(
				B::transfer_allow_death { .. }
				| B::transfer_keep_alive { .. }
				| B::transfer_all { .. },
			) => pallet_stone::TransfersEnabled::<Runtime>::get(),
			RuntimeCall::Balances(B::burn { .. }) => false,
			_ => true,
		}
	}
}
