//! Runtime API of the mileage pallet: what a vehicle is likely to earn, and who won the last
//! batches.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

/// A vehicle's standing in the mileage draw.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VehicleEstimate<AccountId, Balance> {
	/// Who is paid when the vehicle wins.
	pub owner: AccountId,
	/// When the vehicle started (or starts) mining, in milliseconds since the Unix epoch.
	pub activation: u64,
	/// The last accepted odometer reading in kilometres, if any.
	pub odometer: Option<u32>,
	/// The behaviour factor applied to the kilometres it drives.
	pub behaviour: Perbill,
	/// Its weight: kilometres accepted in the trailing 720 hours, each day capped and scaled by
	/// the behaviour factor.
	pub weight: u64,
	/// The weight of all vehicles together.
	pub total_weight: u64,
	/// Its share of the total weight.
	pub share: Perbill,
	/// Vehicles with a positive weight.
	pub participants: u32,
	/// How many winners the next batch would draw.
	pub winners_per_batch: u32,
	/// The chance of being among them (at most `winners_per_batch` times its share).
	pub win_chance: Perbill,
	/// The Stones it can expect from the next batch: chance × the batch's reward per winner.
	pub expected_per_batch: Balance,
}

/// One winner of a batch.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Winner<VehicleId, AccountId, Balance> {
	/// The winning vehicle.
	pub vehicle: VehicleId,
	/// Its owner at payout, who received the Stones.
	pub owner: AccountId,
	/// What was paid.
	pub amount: Balance,
}

/// The outcome of one mining batch.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct BatchDraw<VehicleId, AccountId, Balance> {
	/// The batch's index.
	pub batch: u64,
	/// The block whose weights and randomness decided it.
	pub block: u32,
	/// What the batch paid its winners: its reward plus what earlier batches carried over, less
	/// the remainder of the even split, which carries over; nothing when nobody drove.
	pub amount: Balance,
	/// Vehicles with a positive weight when the batch closed.
	pub participants: u32,
	/// The winners, in the order drawn.
	pub winners: Vec<Winner<VehicleId, AccountId, Balance>>,
}

sp_api::decl_runtime_apis! {
	/// Queries of mileage mining.
	pub trait MileageApi<VehicleId, AccountId, Balance> where
		VehicleId: codec::Codec,
		AccountId: codec::Codec,
		Balance: codec::Codec,
	{
		/// A registered vehicle's 30-day weight, its share, and what it can expect per batch.
		fn vehicle_estimate(vehicle: VehicleId) -> Option<VehicleEstimate<AccountId, Balance>>;
		/// The last `count` batches (newest first) and their winners.
		fn recent_batches(count: u32) -> Vec<BatchDraw<VehicleId, AccountId, Balance>>;
	}
}
