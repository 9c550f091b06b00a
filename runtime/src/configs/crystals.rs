//! Educational mining: crystals for tasks, blind boxes and eggs, Stone pieces, paid out of the
//! educational pool of the Stone pallet.

use frame_support::traits::ConstU32;
use frame_system::EnsureRoot;
use valley_primitives::VehicleOwners;

use crate::{AccountId, Balance, Runtime, UNIT};

/// How many Stone pieces combine into one Stone.
pub const PIECES_PER_STONE: u32 = 10;

impl pallet_crystals::Config for Runtime {
	type Balance = Balance;
	// Prizes are reserved in, and minted out of, the educational pool (90,000,000 STONE).
	type Pool = crate::Stone;
	// An opening requested in block `r` is drawn at the end of block `r + 1` (in `on_finalize`)
	// with the beacon's randomness of block `r + 1`.
	type Randomness = crate::Beacon;
	type VehicleOwners = MileageOwners;
	type AdminOrigin = EnsureRoot<AccountId>;
	type StoneUnit = frame_support::traits::ConstU128<UNIT>;
	type PiecesPerStone = ConstU32<PIECES_PER_STONE>;
	type MaxPrizes = ConstU32<16>;
	type MaxPendingPerAccount = ConstU32<16>;
	// 100 openings a block (1,000 a minute), each drawn at the end of the next block. From the
	// measured weights (runtime/src/weights/pallet_crystals.rs, the last run's `on_poll_resolve`;
	// ParityDB: 8 µs a read, 50 µs a write): drawing one opening costs about 68 µs of compute plus
	// 4 reads and 3 writes, about 250 µs, so the 100 openings of a block take about 25 ms at the end of the next one, and the
	// most that can ever wait together (2 × 100, if a block's randomness were missing) about 50 ms:
	// 2.5 % of the block's 2 s. The 100 `open_box` transactions themselves take about 245 µs
	// each, 25 ms of the 1.5 s for ordinary transactions. Beyond 100 in a block, `open_box` fails
	// with `BlockFull`: open it in the next block.
	type MaxOpensPerBlock = ConstU32<100>;
	type WeightInfo = crate::weights::pallet_crystals::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BeaconHistory;
}

/// Owners of a registered vehicle, from the mileage pallet's `VehiclesOf` (owner → vehicles):
/// only they can win Stones in boxes. One storage read (the first key under the owner's prefix).
pub struct MileageOwners;

impl VehicleOwners<AccountId> for MileageOwners {
	fn owns_vehicle(who: &AccountId) -> bool {
		pallet_mileage::VehiclesOf::<Runtime>::iter_key_prefix(who).next().is_some()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner(who: &AccountId) {
		use sp_runtime::traits::{BlakeTwo256, Hash};
		// A vehicle of its own, registered as the registrar would.
		let vehicle: pallet_mileage::VehicleId = BlakeTwo256::hash_of(who);
		let _ = crate::Mileage::register_vehicle(
			frame_system::RawOrigin::Root.into(),
			vehicle,
			who.clone(),
			Some(0),
		);
	}
}

/// Writes a block's randomness into the beacon's history, for benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct BeaconHistory;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_crystals::BenchmarkHelper<crate::BlockNumber, crate::Hash> for BeaconHistory {
	fn set_randomness(block: crate::BlockNumber, randomness: crate::Hash) {
		pallet_beacon::History::<Runtime>::insert(block, randomness);
	}
}
