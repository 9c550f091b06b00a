//! # IM Valley primitives
//!
//! The types and traits that couple the IM Valley pallets, so that no pallet names another in its
//! `Config`: the Stone pallet hands each closed mining batch to a [`BatchDistributor`] (the
//! mileage pallet), which pays winners through [`MiningPayout`]; educational mining mints through
//! [`EducationPool`]; the beacon offers the randomness of a given block through
//! [`BlockRandomness`] (for draws requested in one block and made with a later one's); the
//! vehicle registry answers whether an account owns a vehicle through [`VehicleOwners`] and
//! since when through [`VehicleRegistry`]; the collectibles pallet hands editions over to the
//! redemption catalogue's buyers through [`CollectibleStock`].

#![cfg_attr(not(feature = "std"), no_std)]

use frame_support::dispatch::DispatchResult;
use sp_runtime::traits::Zero;
use sp_runtime::DispatchError;

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

/// The vehicles an account owns, with their registration times: rewards that need a vehicle
/// registered long enough ask here (the mileage pallet's registry).
pub trait VehicleRegistry<AccountId> {
	/// The most vehicles of one account looked at (its first, in storage order).
	const MAX_CHECKED: u32;
	/// The registration time (milliseconds since the Unix epoch) of the longest-registered
	/// vehicle among the first [`Self::MAX_CHECKED`] that `who` owns; `None` without one.
	fn registered_since(who: &AccountId) -> Option<u64>;
	/// Makes `who` the owner of [`Self::MAX_CHECKED`] vehicles, the longest-registered (last in
	/// storage order if it can) at `at_ms`, for benchmarks of the worst case.
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner_since(who: &AccountId, at_ms: u64);
}

/// Nobody owns a vehicle.
impl<AccountId> VehicleRegistry<AccountId> for () {
	const MAX_CHECKED: u32 = 0;
	fn registered_since(_who: &AccountId) -> Option<u64> {
		None
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner_since(_who: &AccountId, _at_ms: u64) {}
}

/// The editions of artworks an account holds for others (the collectibles pallet): a reward
/// catalogue hands them over as it redeems them.
pub trait CollectibleStock<AccountId> {
	/// How many editions of `artwork` `holder` owns, not in an auction.
	fn available(artwork: u32, holder: &AccountId) -> u32;
	/// Gives `to` the lowest edition of `artwork` that `holder` owns and has not listed; returns
	/// it. Fails, changing nothing, without one.
	fn hand_over(artwork: u32, holder: &AccountId, to: &AccountId) -> Result<u32, DispatchError>;
	/// Mints an artwork of the most editions an artwork can have, of which `holder` owns only
	/// the last, for benchmarks of the worst case; returns it.
	#[cfg(feature = "runtime-benchmarks")]
	fn worst_case_stock(holder: &AccountId) -> u32;
}

/// No collectibles.
impl<AccountId> CollectibleStock<AccountId> for () {
	fn available(_artwork: u32, _holder: &AccountId) -> u32 {
		0
	}
	fn hand_over(
		_artwork: u32,
		_holder: &AccountId,
		_to: &AccountId,
	) -> Result<u32, DispatchError> {
		Err(DispatchError::Other("no collectibles"))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn worst_case_stock(_holder: &AccountId) -> u32 {
		0
	}
}
