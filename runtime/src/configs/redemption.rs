//! The redemption catalogue: Stones spent on rewards, burned through the Stone pallet's
//! accounting when fulfilled.

use frame_support::{parameter_types, traits::ConstU32, PalletId};
use frame_system::EnsureRoot;
use valley_primitives::VehicleRegistry;

use crate::{AccountId, Runtime, RuntimeHoldReason, DAYS};

parameter_types! {
	pub const RedemptionPalletId: PalletId = PalletId(*b"im/rdeem");
}

impl pallet_redemption::Config for Runtime {
	type Currency = crate::Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	// Fulfilled orders' Stones are burned and counted in `stone.burned`.
	type Burn = pallet_stone::BurnTracker<Runtime>;
	type Time = crate::Timestamp;
	type Vehicles = MileageRegistry;
	type Collectibles = crate::Collectibles;
	type AdminOrigin = EnsureRoot<AccountId>;
	type PalletId = RedemptionPalletId;
	type NameLimit = ConstU32<128>;
	// The desk has a week to accept an order; then it expires and is refunded.
	type AcceptWindow = ConstU32<{ 7 * DAYS }>;
	// 64 orders a block (640 a minute); expiring 64 in one block takes ≈ 21 ms, 1.1 % of it (see
	// benchmarks/README.md).
	type MaxOrdersPerBlock = ConstU32<64>;
	type WeightInfo = crate::weights::pallet_redemption::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SetTime;
}

/// The mileage pallet's registry: an owner's vehicles (`VehiclesOf`) and their registration
/// times (`Vehicles`). At most `MAX_CHECKED` of an owner's vehicles are read.
pub struct MileageRegistry;

impl VehicleRegistry<AccountId> for MileageRegistry {
	const MAX_CHECKED: u32 = 8;

	fn registered_since(who: &AccountId) -> Option<u64> {
		pallet_mileage::VehiclesOf::<Runtime>::iter_key_prefix(who)
			.take(Self::MAX_CHECKED as usize)
			.filter_map(pallet_mileage::Vehicles::<Runtime>::get)
			.map(|v| v.registered_at)
			.min()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner_since(who: &AccountId, at_ms: u64) {
		use sp_runtime::traits::{BlakeTwo256, Hash};
		for i in 0..Self::MAX_CHECKED {
			let vehicle: pallet_mileage::VehicleId = BlakeTwo256::hash_of(&(who, i));
			let _ = crate::Mileage::register_vehicle(
				frame_system::RawOrigin::Root.into(),
				vehicle,
				who.clone(),
				Some(0),
			);
			pallet_mileage::Vehicles::<Runtime>::mutate(vehicle, |v| {
				if let Some(v) = v {
					v.registered_at = at_ms;
				}
			});
		}
	}
}

/// Chain time for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct SetTime;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_redemption::BenchmarkHelper for SetTime {
	fn set_now_ms(ms: u64) {
		pallet_timestamp::Now::<Runtime>::put(ms);
	}
}
