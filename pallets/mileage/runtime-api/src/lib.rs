//! Runtime API of the mileage pallet: the vehicle registry, the batches in flight (for the
//! operators' workers), a vehicle's share verified against a committed root (for owners), and who
//! won the last batches.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;
pub use valley_merkle_sum::{Leaf, Proof, Salt};

/// A registered vehicle.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VehicleInfo<AccountId> {
	/// Who is paid when the vehicle wins.
	pub owner: AccountId,
	/// When it started (or starts) mining, in milliseconds since the Unix epoch.
	pub activation: u64,
	/// When it was registered, in milliseconds since the Unix epoch.
	pub registered_at: u64,
	/// When its current owner took it (registration or last pass-on), in milliseconds since the
	/// Unix epoch.
	pub owner_since: u64,
	/// How many times its entry changed: a registry change proposed for it names this version.
	pub version: u32,
}

/// The rules every operator applies off chain, as the runtime sets them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Rules {
	/// Kilometres a day that count.
	pub daily_cap_km: u32,
	/// The highest average speed a reading may imply since the previous one, in km/h.
	pub max_speed_kmh: u32,
	/// Kilometres a reading may exceed that speed by.
	pub tolerance_km: u32,
}

/// A vehicle's standing, from its leaf in a batch's accepted root.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Share<Balance> {
	/// The batch whose root the leaf was verified against.
	pub batch: u64,
	/// Its weight in that batch: its 30-day kilometres, each day capped, behaviour applied.
	pub weight: u64,
	/// The weight of all vehicles together.
	pub total: u64,
	/// Vehicles with a positive weight.
	pub leaves: u64,
	/// Its share of the total weight.
	pub share: Perbill,
	/// How many winners a batch of these leaves draws.
	pub winners_per_batch: u32,
	/// The chance of being among them (at most `winners_per_batch` times its share).
	pub win_chance: Perbill,
	/// The Stones it can expect from the next batch: chance × the batch's reward per winner.
	pub expected_per_batch: Balance,
}

/// Why a share could not be verified.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum ShareError {
	/// The batch has no accepted root (not committed yet, no majority, or too old).
	NoRoot,
	/// The leaf and proof do not verify against the batch's accepted root.
	InvalidProof,
}

/// Where a batch in flight is.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Phase {
	/// Operators commit roots.
	Committing,
	/// A root was accepted; its points are drawn in the next block.
	Accepted,
	/// Its points are drawn; proofs are taken.
	Drawing,
}

/// A slot of a batch in the drawing phase.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SlotStatus {
	/// The slot.
	pub slot: u32,
	/// Its point in `[0, total)`.
	pub point: u64,
	/// Whether it still waits for its proof.
	pub open: bool,
}

/// A batch in flight.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct BatchStatus<AccountId, Balance> {
	/// The batch.
	pub batch: u64,
	/// What it hands out.
	pub amount: Balance,
	/// The block in which it closed: operators weigh the registry at its end.
	pub closed_at: u32,
	/// Its cut-off: readings the service received by then count (ms since the Unix epoch).
	pub close_ms: u64,
	/// The last block of its current phase.
	pub deadline: u32,
	/// The last block operators commit in. After the root was accepted, commitments are
	/// recorded (who agreed, who differed) and count for nothing.
	pub commit_until: u32,
	/// Its phase.
	pub phase: Phase,
	/// The accepted root, total and leaf count, once accepted.
	pub commitment: Option<([u8; 32], u64, u64)>,
	/// The operators who committed a root.
	pub committed: Vec<AccountId>,
	/// Its slots, once drawn.
	pub slots: Vec<SlotStatus>,
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
	/// The block in which it finished.
	pub block: u32,
	/// What the batch paid its winners; the rest carried over.
	pub amount: Balance,
	/// Vehicles with a positive weight in its accepted root (0 without one).
	pub leaves: u64,
	/// Its accepted root, if a majority committed one.
	pub root: Option<[u8; 32]>,
	/// The winners, in slot order.
	pub winners: Vec<Winner<VehicleId, AccountId, Balance>>,
}

sp_api::decl_runtime_apis! {
	/// Queries of mileage mining. Version 2: vehicles' versions and owners' times, no behaviour
	/// factor (kept off chain), retired ids.
	#[api_version(2)]
	pub trait MileageApi<VehicleId, AccountId, Balance> where
		VehicleId: codec::Codec,
		AccountId: codec::Codec,
		Balance: codec::Codec,
	{
		/// A registered vehicle.
		fn vehicle(vehicle: VehicleId) -> Option<VehicleInfo<AccountId>>;
		/// Up to `limit` registered vehicles after `after` (in storage order): the registry page
		/// by page, for the operators' workers.
		fn vehicles(after: Option<VehicleId>, limit: u32) -> Vec<(VehicleId, VehicleInfo<AccountId>)>;
		/// Verifies a vehicle's leaf and proof against `batch`'s accepted root and answers its
		/// share, chance and expected Stones in the next batch.
		fn share(batch: u64, leaf: Leaf, leaf_salt: Salt, proof: Proof) -> Result<Share<Balance>, ShareError>;
		/// The batches in flight, oldest first.
		fn batches() -> Vec<BatchStatus<AccountId, Balance>>;
		/// The last `count` batches (newest first) and their winners.
		fn recent_batches(count: u32) -> Vec<BatchDraw<VehicleId, AccountId, Balance>>;
		/// The rules operators apply to readings.
		fn rules() -> Rules;
		/// The current oracle operators.
		fn operators() -> Vec<AccountId>;
		/// Which of `vehicles` (at most 1,000) were deregistered and not registered again: the
		/// operators do not propose them again.
		fn retired(vehicles: Vec<VehicleId>) -> Vec<VehicleId>;
	}
}
