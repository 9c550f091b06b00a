//! Mileage mining: the oracle operators (pallet-membership), their odometer feeds (pallet-oracle,
//! median of fresh readings) and the mileage pallet.

use frame_support::{
	parameter_types,
	traits::{ConstU32, EitherOfDiverse},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_runtime::Perbill;

use crate::{AccountId, Balance, Mileage, OracleMembership, Runtime, RuntimeEvent, Timestamp};

/// The most oracle operators.
pub const MAX_ORACLES: u32 = 16;
/// The most readings in one feed: a day's reading for each of 1,000,000 vehicles spread over the
/// day's 14,400 blocks is about 70 per block.
pub const MAX_FEED_VALUES: u32 = 500;

parameter_types! {
	pub const OraclePalletId: PalletId = PalletId(*b"vl/oracl");
	/// Readings older than an hour no longer count towards the median.
	pub const ReadingsExpireIn: u64 = 60 * 60 * 1000;
	/// 10% of the participants win each batch (at least one, at most `MaxWinners`).
	pub const WinnerShare: Perbill = Perbill::from_percent(10);
}

impl pallet_membership::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = ();
	// Readings of operators who leave are dropped from the median.
	type MembershipChanged = crate::Oracle;
	type MaxMembers = ConstU32<MAX_ORACLES>;
	// Reference weights: the pallet's own benchmarks need a `MembershipChanged` that keeps a
	// prime member, which the oracle does not.
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_oracle::Config for Runtime {
	type OnNewData = Mileage;
	type CombineData = pallet_oracle::DefaultCombineData<Runtime, ConstU32<1>, ReadingsExpireIn>;
	type Time = Timestamp;
	type OracleKey = pallet_mileage::VehicleId;
	type OracleValue = pallet_mileage::Km;
	type PalletId = OraclePalletId;
	type Members = OracleMembership;
	type WeightInfo = crate::weights::pallet_oracle::WeightInfo<Runtime>;
	type MaxHasDispatchedSize = ConstU32<MAX_ORACLES>;
	type MaxFeedValues = ConstU32<MAX_FEED_VALUES>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = bench::FullFeed;
}

impl pallet_mileage::Config for Runtime {
	type Balance = Balance;
	type Payout = crate::Stone;
	type Time = Timestamp;
	type Randomness = crate::Beacon;
	type Odometers = crate::Oracle;
	type RegistrarOrigin =
		EitherOfDiverse<EnsureRoot<AccountId>, EnsureSignedBy<OracleMembership, AccountId>>;
	/// 2^20 = 1,048,576 vehicles: 21 tree nodes per accepted reading, 20 per winner drawn.
	type MaxVehicles = ConstU32<{ 1 << 20 }>;
	type DailyCapKm = ConstU32<500>;
	type MaxSpeedKmh = ConstU32<200>;
	type ToleranceKm = ConstU32<2>;
	type WinnerShare = WinnerShare;
	type MaxWinners = ConstU32<100>;
	/// A day of ten-minute batches.
	type HistoryDepth = ConstU32<144>;
	type OracleId = pallet_mileage::crypto::Public;
	type Operators = OracleMembership;
	type Feeder = crate::Oracle;
	type MaxFeed = ConstU32<MAX_FEED_VALUES>;
	type WeightInfo = crate::weights::pallet_mileage::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = bench::FullFeed;
}

#[cfg(feature = "runtime-benchmarks")]
mod bench {
	use alloc::vec::Vec;
	use frame_support::{traits::SortedMembers, BoundedVec};
	use pallet_mileage::{Km, VehicleId};
	use pallet_oracle::DataFeeder;

	use super::*;
	use crate::UNIT;

	/// Registered vehicles with a baseline, fed by every operator: the worst case of a feed.
	pub struct FullFeed;

	fn vehicle(n: u32) -> VehicleId {
		let mut id = [0u8; 32];
		id[..4].copy_from_slice(&n.to_le_bytes());
		id[31] = 0xfe;
		VehicleId::from(id)
	}

	impl pallet_oracle::BenchmarkHelper<VehicleId, Km, ConstU32<MAX_FEED_VALUES>> for FullFeed {
		fn get_currency_id_value_pairs() -> BoundedVec<(VehicleId, Km), ConstU32<MAX_FEED_VALUES>> {
			// Fifteen other operators, each with a fresh reading of every vehicle for the median.
			let others: Vec<AccountId> =
				(0..MAX_ORACLES - 1).map(|i| frame_benchmarking::account("oracle", i, 0)).collect();
			for other in &others {
				if !OracleMembership::contains(other)
					&& OracleMembership::count() + 2 < MAX_ORACLES as usize
				{
					OracleMembership::add(other);
				}
			}
			let now = <Timestamp as frame_support::traits::Time>::now();
			let pairs: Vec<(VehicleId, Km)> = (1..=MAX_FEED_VALUES)
				.map(|n| {
					let id = vehicle(n);
					if !pallet_mileage::Vehicles::<Runtime>::contains_key(id) {
						// Slots 2,048 apart, as in a feed for vehicles scattered over a full
						// tree: only the paths' top levels are shared between readings.
						pallet_mileage::HighestSlot::<Runtime>::put((n - 1) * 2_048);
						let owner: AccountId = frame_benchmarking::account("owner", n, 0);
						let _ = Mileage::register_vehicle(
							frame_system::RawOrigin::Root.into(),
							id,
							owner,
							Some(0),
						);
						pallet_mileage::Vehicles::<Runtime>::mutate(id, |v| {
							if let Some(v) = v {
								v.last_reading =
									Some(pallet_mileage::Reading { odometer: 1_000, at: now });
							}
						});
						for other in &others {
							pallet_oracle::RawValues::<Runtime>::insert(
								other,
								id,
								pallet_oracle::TimestampedValue { value: 1_001, timestamp: now },
							);
						}
					}
					(id, 1_001)
				})
				.collect();
			pairs.try_into().expect("MAX_FEED_VALUES pairs")
		}
	}

	impl pallet_mileage::BenchmarkHelper<Balance> for FullFeed {
		fn feed(vehicle: VehicleId, odometer: Km) {
			crate::Oracle::feed_value(None, vehicle, odometer).expect("the pallet account feeds");
		}

		fn take_on() -> Balance {
			let amount = 500 * UNIT;
			pallet_stone::Outstanding::<Runtime>::put(amount);
			amount
		}

		fn set_time(now: u64) {
			pallet_timestamp::Now::<Runtime>::put(now);
		}

		fn heaviest_feed(n: u32) -> Vec<(VehicleId, Km)> {
			use pallet_oracle::BenchmarkHelper as _;
			let mut values = Self::get_currency_id_value_pairs().into_inner();
			values.truncate(n as usize);
			values
		}
	}
}
