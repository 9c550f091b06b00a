//! Stone issuance: the two pools, the batch schedule, and Stones bound to their account.

use frame_support::{parameter_types, traits::Contains};
use frame_system::EnsureRoot;

use crate::{AccountId, Balance, Runtime, RuntimeCall, Timestamp, UNIT};

/// IM Valley's mileage mining pool: 210,000,000 STONE. The pools are chain parameters set in
/// genesis (`pallet_stone::MiningCap`); this is what IM Valley's presets set.
pub const MINING_POOL: Balance = 210_000_000 * UNIT;
/// IM Valley's educational pool: 90,000,000 STONE.
pub const EDUCATION_POOL: Balance = 90_000_000 * UNIT;

parameter_types! {
	/// IM Valley's mining pool, for the version-1 migration of chains built when the caps were
	/// runtime constants.
	pub const ImValleyMiningPool: Balance = MINING_POOL;
	/// IM Valley's educational pool, for the same migration.
	pub const ImValleyEducationPool: Balance = EDUCATION_POOL;
}

impl pallet_stone::Config for Runtime {
	type Currency = crate::Balances;
	type Time = Timestamp;
	// Every closed batch goes to the mileage draw; a batch nobody drove for carries over.
	type Distributor = crate::Mileage;
	// After an outage, a batch pays at most four batches' rewards; the rest of what was carried
	// over goes to the batches after it.
	type MaxBatchMultiple = frame_support::traits::ConstU32<4>;
	type AdminOrigin = EnsureRoot<AccountId>;
	// The crystals pallet's prize stock and pieces: `try_state` checks the pool's count of
	// reservations against it.
	type EducationReservations = CrystalsReserved;
	type WeightInfo = crate::weights::pallet_stone::WeightInfo<Runtime>;
}

/// What the crystals pallet holds reserved in the educational pool, as it counts it.
pub struct CrystalsReserved;

impl valley_primitives::EducationReservations<Balance> for CrystalsReserved {
	fn reserved() -> Balance {
		pallet_crystals::Reserved::<Runtime>::get()
	}
}

/// The runtime's call filter: Stones are bound to their account. Transfers between ordinary
/// accounts pass only while `Stone::TransfersEnabled` is on (root switches it), and burning by
/// hand never does (every burn is accounted for by `pallet_stone::BurnTracker`). Root origin is not
/// filtered, so the admin can still move Stones.
///
/// No transfer may empty the sender's account, even while transfers are open: only
/// `transfer_keep_alive` and `transfer_all { keep_alive: true }` pass. An account emptied below
/// the existential deposit is reaped, and its nonce starts again at 0 when it is funded anew, so
/// its old signed transactions could be replayed while their era lasts (found by the randomized
/// run, `tests/randomized`). Fees never reap (`Preservation::Preserve`), and accounts with
/// crystals keep a `sufficients` reference for good, so a signer's nonce never goes back unless
/// the admin forces a balance to zero.
pub struct BoundStones;

impl Contains<RuntimeCall> for BoundStones {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_balances::Call as B;
		match call {
			RuntimeCall::Balances(
				B::transfer_keep_alive { .. } | B::transfer_all { keep_alive: true, .. },
			) => pallet_stone::TransfersEnabled::<Runtime>::get(),
			RuntimeCall::Balances(
				B::transfer_allow_death { .. }
				| B::transfer_all { keep_alive: false, .. }
				| B::burn { .. },
			) => false,
			_ => true,
		}
	}
}
