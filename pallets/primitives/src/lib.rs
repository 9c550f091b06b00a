//! # IM Valley primitives
//!
//! The types and traits that couple the IM Valley pallets, so that no pallet names another in its
//! `Config`: the Stone pallet hands each closed mining batch to a [`BatchDistributor`] (the
//! mileage pallet), which pays winners through [`MiningPayout`]; educational mining mints through
//! [`EducationPool`]; the beacon offers the randomness of a given block through
//! [`BlockRandomness`] (for draws requested in one block and made with a later one's); the
//! vehicle registry answers whether an account owns a vehicle through [`VehicleOwners`].

#![cfg_attr(not(feature = "std"), no_std)]

use frame_support::dispatch::DispatchResult;
use sp_runtime::traits::Zero;

/// The index of a mining batch, counted from the mining start.
pub type BatchIndex = u64;

/// Receives the reward of every closed mining batch.
pub trait BatchDistributor<Balance> {
	/// Batch `index` closed with `amount` to hand out: its own reward plus what earlier batches
	/// carried over. Returns how much of it the distributor takes on; it pays that through
	/// [`MiningPayout::pay`], now or in a later block, and gives back what it cannot pay with
	/// [`MiningPayout::give_back`]. What it does not take carries over to the next batch.
	fn batch_closed(index: BatchIndex, amount: Balance) -> Balance;
}

/// Nobody distributes: every batch's reward carries over.
impl<Balance: Zero> BatchDistributor<Balance> for () {
	fn batch_closed(_index: BatchIndex, _amount: Balance) -> Balance {
		Zero::zero()
	}
}

/// Pays out what a [`BatchDistributor`] took on, minting from the mileage mining pool.
pub trait MiningPayout<AccountId, Balance> {
	/// Mints `amount` of batch `batch`'s reward to `who`. Fails, changing nothing, when it is more
	/// than the distributor still owes out of what it took on.
	fn pay(batch: BatchIndex, who: &AccountId, amount: Balance) -> DispatchResult;
	/// Returns `amount` the distributor took on but will not pay; it carries over to the next
	/// batch.
	fn give_back(batch: BatchIndex, amount: Balance) -> DispatchResult;
}

/// Mints Stones from the educational pool (90,000,000 STONE), never beyond it.
pub trait EducationPool<AccountId, Balance> {
	/// What can still be minted or reserved.
	fn remaining() -> Balance;
	/// Mints `amount` to `who`; fails, changing nothing, beyond the pool.
	fn mint(who: &AccountId, amount: Balance) -> DispatchResult;
	/// Sets `amount` aside for a later [`Self::mint_reserved`] (e.g. Stone pieces not yet
	/// combined); fails, changing nothing, beyond the pool.
	fn reserve(amount: Balance) -> DispatchResult;
	/// Mints `amount` out of what was reserved.
	fn mint_reserved(who: &AccountId, amount: Balance) -> DispatchResult;
	/// Returns `amount` of the reservation to the pool.
	fn unreserve(amount: Balance) -> DispatchResult;
}

/// What the consumers of the educational pool hold reserved in it, as they count it (the crystals
/// pallet's prize stock and pieces): the pool's own count of reservations must equal it, a
/// cross-pallet invariant the Stone pallet checks in `try_state`.
pub trait EducationReservations<Balance> {
	/// The total the consumers hold reserved.
	fn reserved() -> Balance;
}

/// No consumer reserves anything.
impl<Balance: Zero> EducationReservations<Balance> for () {
	fn reserved() -> Balance {
		Balance::zero()
	}
}

/// The randomness of individual blocks, from the randomness beacon.
///
/// A consumer freezes its inputs first (say a request recorded in block `r`) and then draws with
/// the randomness of a block after it (`r + 1` or later): nobody, the author of `r + 1` included,
/// knew that value when the inputs were frozen, and once the block exists the value is fixed for
/// everybody.
pub trait BlockRandomness<BlockNumber, Output> {
	/// The randomness of `block`: `Some` once that block's beacon inherent has been applied (from
	/// then on in `block` itself and in every later block while `block` is in the history),
	/// `None` for a block whose randomness is not known yet or was pruned.
	fn randomness_of(block: BlockNumber) -> Option<Output>;
}

/// Whether an account owns a registered vehicle (the mileage pallet's registry): only owners may
/// win Stones in educational mining's boxes.
pub trait VehicleOwners<AccountId> {
	/// Whether `who` owns at least one registered vehicle now.
	fn owns_vehicle(who: &AccountId) -> bool;
	/// Makes `who` the owner of a registered vehicle, for benchmarks of the owner's (worst) case.
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner(who: &AccountId);
}

/// Nobody owns a vehicle.
impl<AccountId> VehicleOwners<AccountId> for () {
	fn owns_vehicle(_who: &AccountId) -> bool {
		false
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner(_who: &AccountId) {}
}
