//! Minting from the two pools, and tracking burns.

use core::marker::PhantomData;

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Credit, Inspect},
		Imbalance, OnUnbalanced,
	},
};
use sp_runtime::traits::{Saturating, Zero};
use valley_primitives::{BatchIndex, EducationPool, EducationReservations, MiningPayout};

use crate::{
	BalanceOf, Burned, CarriedOver, Config, EducationCap, EducationMinted, EducationReserved,
	Error, Event, MiningCap, MiningMinted, Outstanding, Pallet, Pool,
};

impl<T: Config> MiningPayout<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn pay(batch: BatchIndex, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let owed = Outstanding::<T>::get();
		ensure!(amount <= owed, Error::<T>::PayoutExceedsOutstanding);
		let minted = MiningMinted::<T>::get().saturating_add(amount);
		ensure!(minted <= MiningCap::<T>::get(), Error::<T>::MiningPoolExhausted);
		<T::Currency as fungible::Mutate<_>>::mint_into(who, amount)?;
		Outstanding::<T>::put(owed - amount);
		MiningMinted::<T>::put(minted);
		Self::deposit_event(Event::MiningRewardPaid { batch, who: who.clone(), amount });
		Ok(())
	}

	fn give_back(_batch: BatchIndex, amount: BalanceOf<T>) -> DispatchResult {
		let owed = Outstanding::<T>::get();
		ensure!(amount <= owed, Error::<T>::PayoutExceedsOutstanding);
		Outstanding::<T>::put(owed - amount);
		CarriedOver::<T>::mutate(|carried| *carried = carried.saturating_add(amount));
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// What the educational pool can still mint or reserve.
	pub fn education_remaining() -> BalanceOf<T> {
		EducationCap::<T>::get()
			.saturating_sub(EducationMinted::<T>::get())
			.saturating_sub(EducationReserved::<T>::get())
	}

	fn ensure_education_room(amount: BalanceOf<T>) -> DispatchResult {
		ensure!(amount <= Self::education_remaining(), Error::<T>::EducationPoolExhausted);
		Ok(())
	}

	fn education_mint(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		<T::Currency as fungible::Mutate<_>>::mint_into(who, amount)?;
		EducationMinted::<T>::mutate(|minted| *minted = minted.saturating_add(amount));
		Self::deposit_event(Event::EducationMinted { who: who.clone(), amount });
		if Self::education_remaining().is_zero() {
			Self::deposit_event(Event::PoolExhausted { pool: Pool::Education });
		}
		Ok(())
	}
}

impl<T: Config> EducationPool<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn remaining() -> BalanceOf<T> {
		Self::education_remaining()
	}

	fn mint(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		Self::ensure_education_room(amount)?;
		Self::education_mint(who, amount)
	}

	fn reserve(amount: BalanceOf<T>) -> DispatchResult {
		Self::ensure_education_room(amount)?;
		EducationReserved::<T>::mutate(|reserved| *reserved = reserved.saturating_add(amount));
		Ok(())
	}

	fn mint_reserved(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let reserved = EducationReserved::<T>::get();
		ensure!(amount <= reserved, Error::<T>::ReservationExceeded);
		// Minting can fail (e.g. below the existential deposit): keep the reservation then.
		frame_support::storage::with_storage_layer(|| {
			EducationReserved::<T>::put(reserved - amount);
			Self::education_mint(who, amount)
		})
	}

	fn unreserve(amount: BalanceOf<T>) -> DispatchResult {
		let reserved = EducationReserved::<T>::get();
		ensure!(amount <= reserved, Error::<T>::ReservationExceeded);
		EducationReserved::<T>::put(reserved - amount);
		Ok(())
	}
}

/// Burns what it is given and records the amount in [`Burned`], so that `try_state` can account
/// for every STONE: use it for transaction fees and for pallet-balances' dust.
pub struct BurnTracker<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for BurnTracker<T> {
	fn on_nonzero_unbalanced(amount: Credit<T::AccountId, T::Currency>) {
		Burned::<T>::mutate(|burned| *burned = burned.saturating_add(amount.peek()));
		// Dropping the credit burns it: total issuance falls by the same amount.
		drop(amount);
	}
}

impl<T: Config> Pallet<T> {
	/// The pallet's invariants; see the crate docs.
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use crate::{GenesisIssuance, MiningReleased, Schedule};
		let schedule = Schedule::<T>::get();
		let mining_cap = MiningCap::<T>::get();
		ensure!(!mining_cap.is_zero(), "the mining pool is empty");
		ensure!(
			crate::schedule::total(schedule.initial_reward, schedule.halving_interval)
				<= mining_cap,
			"the schedule would release more than the mining pool"
		);
		let minted = MiningMinted::<T>::get();
		ensure!(minted <= mining_cap, "mining pool minted beyond its cap");
		let released = MiningReleased::<T>::get();
		ensure!(
			released <= crate::schedule::total(schedule.initial_reward, schedule.halving_interval),
			"released more than the schedule"
		);
		ensure!(
			released
				== minted
					.saturating_add(CarriedOver::<T>::get())
					.saturating_add(Outstanding::<T>::get()),
			"released != paid + carried over + outstanding"
		);
		let education = EducationMinted::<T>::get().saturating_add(EducationReserved::<T>::get());
		ensure!(education <= EducationCap::<T>::get(), "educational pool used beyond its cap");
		ensure!(
			EducationReserved::<T>::get() == T::EducationReservations::reserved(),
			"the educational pool's reservations differ from what its consumers hold reserved"
		);
		let issued = GenesisIssuance::<T>::get()
			.saturating_add(minted)
			.saturating_add(EducationMinted::<T>::get());
		ensure!(
			T::Currency::total_issuance().saturating_add(Burned::<T>::get()) == issued,
			"total issuance + burned != genesis issuance + minted"
		);
		Ok(())
	}
}
