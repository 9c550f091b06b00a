//! Closing mining batches, and the schedule's administration.

use frame_support::{pallet_prelude::*, traits::Time};
use sp_runtime::traits::{Saturating, Zero};
use valley_primitives::{BatchDistributor, BatchIndex};

use crate::{
	schedule, BalanceOf, CarriedOver, Config, Error, Event, MiningReleased, NextBatch, Outstanding,
	Pallet, Pool, Schedule, ScheduleParams, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// What a batch of `reward` takes of what earlier batches carried over: all of it, up to
	/// `MaxBatchMultiple - 1` times its reward.
	pub(crate) fn carried_into(reward: BalanceOf<T>) -> BalanceOf<T> {
		let room = reward.saturating_mul(T::MaxBatchMultiple::get().saturating_sub(1).into());
		CarriedOver::<T>::get().min(room)
	}

	/// What the next batch to close will hand out: its reward and what it takes of the
	/// carried-over amount.
	pub fn next_batch_amount() -> BalanceOf<T> {
		let params = Schedule::<T>::get();
		let index = NextBatch::<T>::get();
		let reward = schedule::reward(index, params.initial_reward, params.halving_interval);
		reward.saturating_add(Self::carried_into(reward))
	}

	/// Where the schedule stands and what the pools hold, for the runtime API.
	pub fn stone_info() -> pallet_stone_runtime_api::StoneInfo<BalanceOf<T>> {
		let params = Schedule::<T>::get();
		let index = NextBatch::<T>::get();
		let started = params.start != 0;
		let at = |time: u64| if started { time } else { 0 };
		let next_halving = schedule::next_halving(index, params.halving_interval);
		let mining_minted = crate::MiningMinted::<T>::get();
		pallet_stone_runtime_api::StoneInfo {
			current_batch: index,
			next_batch_time: at(schedule::close_time(params.start, params.batch_length, index)),
			current_reward: schedule::reward(index, params.initial_reward, params.halving_interval),
			carried_over: CarriedOver::<T>::get(),
			next_halving_batch: next_halving,
			next_halving_time: at(params
				.start
				.saturating_add(params.batch_length.saturating_mul(next_halving))),
			mining_minted,
			mining_remaining: crate::MiningCap::<T>::get().saturating_sub(mining_minted),
			education_minted: crate::EducationMinted::<T>::get(),
			education_reserved: crate::EducationReserved::<T>::get(),
			education_remaining: Self::education_remaining(),
			transfers_enabled: crate::TransfersEnabled::<T>::get(),
			mining_cap: crate::MiningCap::<T>::get(),
			education_cap: crate::EducationCap::<T>::get(),
			batch_length: params.batch_length,
			halving_interval: params.halving_interval,
		}
	}

	/// Checks a programme: a mining pool, a schedule that can run, and one whose whole release
	/// never exceeds the mining pool.
	pub fn check_schedule(
		params: &ScheduleParams<BalanceOf<T>>,
		mining_cap: BalanceOf<T>,
	) -> Result<(), Error<T>> {
		ensure!(!mining_cap.is_zero(), Error::<T>::EmptyMiningPool);
		ensure!(
			params.batch_length > 0 && params.halving_interval > 0,
			Error::<T>::ZeroScheduleParameter
		);
		ensure!(
			schedule::total(params.initial_reward, params.halving_interval) <= mining_cap,
			Error::<T>::ScheduleExceedsPool
		);
		Ok(())
	}

	/// Moves the mining start; only while no batch has closed and the start is still ahead.
	pub(crate) fn do_set_mining_start(start: u64) -> DispatchResult {
		let now = T::Time::now();
		ensure!(start > now, Error::<T>::StartInThePast);
		Schedule::<T>::try_mutate(|params| {
			let started = params.start != 0 && params.start <= now;
			ensure!(!started && NextBatch::<T>::get() == 0, Error::<T>::MiningAlreadyStarted);
			params.start = start;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::MiningStartSet { start });
		Ok(())
	}

	/// The `on_initialize` work: closes at most one due batch (so that catching up after a stall
	/// is spread over blocks), or starts mining at the first block's time.
	pub(crate) fn close_due_batch() -> Weight {
		let mut params = Schedule::<T>::get();
		let now = T::Time::now();
		if params.start == 0 {
			// `now` is the previous block's time: zero only before the first block.
			if now == 0 {
				return T::WeightInfo::on_initialize_idle();
			}
			params.start = now;
			Schedule::<T>::put(&params);
			Self::deposit_event(Event::MiningStartSet { start: now });
			return T::WeightInfo::on_initialize_start();
		}
		let index = NextBatch::<T>::get();
		if now < schedule::close_time(params.start, params.batch_length, index) {
			return T::WeightInfo::on_initialize_idle();
		}
		Self::close_batch(index, &params);
		T::WeightInfo::close_batch()
	}

	/// Closes batch `index`: releases its reward and hands it, with what earlier batches carried
	/// over, to the distributor; what it does not take carries over.
	pub(crate) fn close_batch(index: BatchIndex, params: &ScheduleParams<BalanceOf<T>>) {
		let reward = schedule::reward(index, params.initial_reward, params.halving_interval);
		let interval = params.halving_interval.max(1);
		if index > 0 && index.is_multiple_of(interval) {
			let previous = schedule::reward(index - 1, params.initial_reward, interval);
			if reward.is_zero() && !previous.is_zero() {
				Self::deposit_event(Event::PoolExhausted { pool: Pool::Mining });
			} else if !reward.is_zero() {
				Self::deposit_event(Event::HalvingReached { batch: index, reward });
			}
		}

		MiningReleased::<T>::mutate(|released| *released = released.saturating_add(reward));
		// What is carried over into this batch leaves `CarriedOver` before the distributor is
		// called: it may give back an earlier batch's share (`MiningPayout::give_back`), which
		// adds to `CarriedOver` during the call and must not be overwritten afterwards.
		let carried = Self::carried_into(reward);
		CarriedOver::<T>::mutate(|rest| *rest = rest.saturating_sub(carried));
		let amount = reward.saturating_add(carried);
		let distributed = T::Distributor::batch_closed(index, amount).min(amount);
		Outstanding::<T>::mutate(|owed| *owed = owed.saturating_add(distributed));
		let carried_over = CarriedOver::<T>::mutate(|carried| {
			*carried = carried.saturating_add(amount.saturating_sub(distributed));
			*carried
		});
		NextBatch::<T>::put(index.saturating_add(1));
		Self::deposit_event(Event::BatchClosed { index, reward, distributed, carried_over });
	}
}
