//! Each batch's draw: taking the batch on at its close, drawing and paying the winners in the same
//! block's `on_poll`, the history of outcomes and the owners' estimates.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{Get, Randomness},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_mileage_runtime_api as api;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill,
};
use valley_primitives::{BatchDistributor, MiningPayout};

use crate::{pallet::*, rules, sampling, types::*, WeightInfo};

impl<T: Config> BatchDistributor<T::Balance> for Pallet<T> {
	/// Takes the batch on if anyone drove in the window; the weights are those of this moment (the
	/// start of the block), the draw follows in this block's `on_poll`.
	fn batch_closed(batch: BatchIndex, amount: T::Balance) -> T::Balance {
		if let Some(stale) = PendingDraw::<T>::take() {
			// Only if a previous block's `on_poll` did not run: never keep a batch's amount.
			Self::defer(stale.batch, stale.amount);
		}
		let day = Self::today();
		let (_, participants) = Self::window(day);
		let now = frame_system::Pallet::<T>::block_number();
		if participants == 0 || amount.is_zero() {
			Self::record(batch, now, Zero::zero(), participants, Default::default());
			return Zero::zero();
		}
		PendingDraw::<T>::put(PendingBatch { batch, amount, participants, day, frozen_at: now });
		amount
	}
}

impl<T: Config> Pallet<T> {
	/// Draws the batch that closed in this block, if any (`on_poll`): the winners and their
	/// owners now, their payment in the block's `on_finalize` ([`Self::settle_drawn`]).
	pub(crate) fn draw_pending(meter: &mut WeightMeter) {
		let Some(pending) = PendingDraw::<T>::take() else { return };
		let winners =
			rules::winners_for(pending.participants, T::WinnerShare::get(), T::MaxWinners::get());
		let deferred = DrawOutcome::Deferred { batch: pending.batch, amount: pending.amount };
		if meter.try_consume(T::WeightInfo::draw(winners)).is_err() {
			// Never with the block's weight at the start of a block; if it happens, the batch
			// carries over rather than being drawn later on weights that may have changed.
			return DrawnThisBlock::<T>::put(deferred);
		}
		let (seed, known_at) = T::Randomness::random(&(b"valley/mileage", pending.batch).encode());
		if known_at < pending.frozen_at {
			// Randomness known before the weights were frozen could have been played.
			return DrawnThisBlock::<T>::put(deferred);
		}
		// The window of the close: the block's timestamp may have crossed midnight since.
		let today = pending.day;
		let (days, _) = Self::window(today);
		let drawn = sampling::draw(
			T::MaxVehicles::get(),
			&days,
			winners,
			seed.as_ref(),
			Self::tree_node,
			|slot| {
				let vehicle = VehicleAt::<T>::get(slot)?;
				let v = Vehicles::<T>::get(vehicle)?;
				let weights = v.weights_in_window(today).collect();
				Some(((vehicle, v.owner), weights))
			},
		);
		// At most `winners` ≤ `MaxWinners` were drawn.
		let winners = BoundedVec::truncate_from(drawn.into_iter().map(|d| d.payload).collect());
		DrawnThisBlock::<T>::put(DrawOutcome::Drawn { pending, winners });
	}

	/// Carries out what this block's `on_poll` drew (`on_finalize`): pays the winners or
	/// carries the batch over. Nothing when `on_poll` drew nothing (or did not run, during a
	/// multi-block migration: the batch then stays pending for the next `on_poll`).
	pub(crate) fn settle_drawn(now: BlockNumberFor<T>) {
		match DrawnThisBlock::<T>::take() {
			None => {},
			Some(DrawOutcome::Deferred { batch, amount }) => Self::defer(batch, amount),
			Some(DrawOutcome::Drawn { pending, winners }) => {
				Self::pay_winners(pending, now, winners)
			},
		}
	}

	fn pay_winners(
		pending: PendingBatch<T::Balance, BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
		drawn: BoundedVec<(VehicleId, T::AccountId), T::MaxWinners>,
	) {
		let batch = pending.batch;
		let each = if drawn.is_empty() {
			Zero::zero()
		} else {
			pending.amount / T::Balance::from(drawn.len() as u32)
		};
		let mut winners = BoundedVec::<_, T::MaxWinners>::new();
		let mut paid = T::Balance::zero();
		// The owners were read while drawing, at the block's start: no transaction of the block
		// redirects a win.
		for (vehicle, owner) in drawn {
			if each.is_zero() || T::Payout::pay(batch, &owner, each).is_err() {
				continue;
			}
			paid.saturating_accrue(each);
			Self::deposit_event(Event::VehicleWon {
				batch,
				vehicle,
				owner: owner.clone(),
				amount: each,
			});
			let _ = winners.try_push(Winner { vehicle, owner, amount: each });
		}
		let rest = pending.amount.saturating_sub(paid);
		if !rest.is_zero() {
			// The remainder of the even split (and any payout that failed) carries over.
			let _ = T::Payout::give_back(batch, rest);
		}
		Self::deposit_event(Event::BatchDrawn {
			batch,
			participants: pending.participants,
			winners: winners.len() as u32,
			paid,
		});
		Self::record(batch, now, paid, pending.participants, winners);
	}

	/// A batch taken on but not drawn: its amount carries over.
	fn defer(batch: BatchIndex, amount: T::Balance) {
		let _ = T::Payout::give_back(batch, amount);
		Self::deposit_event(Event::DrawDeferred { batch, amount });
	}

	fn record(
		batch: BatchIndex,
		block: BlockNumberFor<T>,
		amount: T::Balance,
		participants: u32,
		winners: BoundedVec<Winner<T::AccountId, T::Balance>, T::MaxWinners>,
	) {
		let block: u32 = block.unique_saturated_into();
		BatchOutcomes::<T>::insert(batch, BatchOutcome { block, amount, participants, winners });
		if let Some(old) = batch.checked_sub(T::HistoryDepth::get() as BatchIndex) {
			BatchOutcomes::<T>::remove(old);
		}
		LastBatch::<T>::put(batch);
	}

	/// A vehicle's standing in the next draw of `reward` (the next batch's amount).
	pub fn vehicle_estimate(
		vehicle: VehicleId,
		reward: T::Balance,
	) -> Option<api::VehicleEstimate<T::AccountId, T::Balance>> {
		let v = Vehicles::<T>::get(vehicle)?;
		let today = Self::today();
		let weight = v.weight(today);
		let (days, participants) = Self::window(today);
		let total_weight = days.iter().fold(0u64, |sum, (_, w)| sum.saturating_add(*w));
		let share = Perbill::from_rational(weight, total_weight.max(1));
		let winners_per_batch =
			rules::winners_for(participants, T::WinnerShare::get(), T::MaxWinners::get());
		// The chance to be among N weighted draws without replacement is at most N times the
		// share, and close to it while the share is small.
		let win_chance = Perbill::from_rational(
			(weight as u128).saturating_mul(winners_per_batch as u128).min(total_weight as u128),
			(total_weight as u128).max(1),
		);
		let per_winner = if winners_per_batch == 0 {
			Zero::zero()
		} else {
			reward / T::Balance::from(winners_per_batch)
		};
		Some(api::VehicleEstimate {
			owner: v.owner,
			activation: v.activation,
			odometer: v.last_reading.map(|r| r.odometer),
			behaviour: v.behaviour,
			weight,
			total_weight,
			share,
			participants,
			winners_per_batch,
			win_chance,
			expected_per_batch: win_chance.mul_floor(per_winner),
		})
	}

	/// The last `count` batches, newest first.
	pub fn recent_batches(count: u32) -> Vec<api::BatchDraw<VehicleId, T::AccountId, T::Balance>> {
		let Some(last) = LastBatch::<T>::get() else { return Vec::new() };
		let count = count.min(T::HistoryDepth::get()) as BatchIndex;
		(0..count)
			.map_while(|back| last.checked_sub(back))
			.filter_map(|batch| {
				BatchOutcomes::<T>::get(batch).map(|o| api::BatchDraw {
					batch,
					block: o.block,
					amount: o.amount,
					participants: o.participants,
					winners: o.winners.into_inner(),
				})
			})
			.collect()
	}

	/// The pallet's invariants: vehicles, slots and counts agree; every day's tree and summary
	/// hold exactly the vehicles' weights; no draw is left pending between blocks.
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use sp_runtime::traits::CheckedAdd;

		let today = Self::today();
		let capacity = T::MaxVehicles::get();
		let mut count = 0u32;
		let mut per_day: BTreeMap<Day, u64> = BTreeMap::new();
		let mut last_active: BTreeMap<Day, u32> = BTreeMap::new();
		for (id, v) in Vehicles::<T>::iter() {
			count += 1;
			ensure!(VehicleAt::<T>::get(v.slot) == Some(id), "a vehicle's slot points elsewhere");
			ensure!(VehiclesOf::<T>::contains_key(&v.owner, id), "owner index misses a vehicle");
			ensure!(v.slot >= 1 && v.slot <= capacity, "slot out of the trees");
			for (day, weight) in v.weights_in_window(today) {
				*per_day.entry(day).or_default() += weight;
				let leaf = sampling::prefix_sum(v.slot, |i| Self::tree_node(day, i))
					- sampling::prefix_sum(v.slot - 1, |i| Self::tree_node(day, i));
				ensure!(leaf == weight, "a tree's leaf differs from the vehicle's weight");
				ensure!(weight <= T::DailyCapKm::get() as u64, "a day's weight above the cap");
			}
			if let Some(day) = v.last_active_day().filter(|d| in_window(*d, today)) {
				*last_active.entry(day).or_default() += 1;
			}
		}
		ensure!(VehicleAt::<T>::iter().count() as u32 == count, "a slot points at no vehicle");
		ensure!(
			VehiclesOf::<T>::iter().count() as u32 == count,
			"the owner index holds vehicles twice"
		);
		let free = FreeSlotCount::<T>::get();
		ensure!(
			HighestSlot::<T>::get().checked_sub(free) == Some(count),
			"slots handed out ≠ vehicles + free slots"
		);
		// The free-slot stack holds each freed slot once, and none a vehicle occupies: a slot
		// handed out twice would put two vehicles on one leaf of the trees.
		let mut free_slots = alloc::collections::btree_set::BTreeSet::new();
		for (index, slot) in FreeSlots::<T>::iter() {
			ensure!(index < free, "a free slot beyond the stack's top");
			ensure!(slot >= 1 && slot <= HighestSlot::<T>::get(), "a free slot never handed out");
			ensure!(VehicleAt::<T>::get(slot).is_none(), "a free slot holds a vehicle");
			ensure!(free_slots.insert(slot), "a slot is free twice");
		}
		ensure!(free_slots.len() as u32 == free, "the free-slot stack has holes");
		let (days, participants) = Self::window(today);
		let summary: BTreeMap<Day, u64> = days.iter().copied().collect();
		ensure!(
			per_day.iter().all(|(day, w)| summary.get(day) == Some(w)),
			"a day's summary misses a vehicle's weight"
		);
		for (day, weight) in &days {
			ensure!(
				per_day.get(day).copied().unwrap_or_default() == *weight,
				"a day's summary differs from its vehicles"
			);
			ensure!(
				sampling::prefix_sum(capacity, |i| Self::tree_node(*day, i)) == *weight,
				"a day's tree total differs from its summary"
			);
		}
		ensure!(
			last_active.values().sum::<u32>() == participants,
			"participants differ from vehicles with weight"
		);
		// A closed batch is drawn in its block's `on_poll`. Only a block whose `on_poll` did not
		// run (a multi-block migration) leaves it pending: drawn by the next `on_poll`, on weights
		// no transaction changed meanwhile, or handed back when the next batch closes.
		ensure!(DrawnThisBlock::<T>::get().is_none(), "a draw not carried out in its block");
		if let Some(pending) = PendingDraw::<T>::get() {
			ensure!(!pending.amount.is_zero(), "a pending draw of nothing");
			ensure!(
				pending.frozen_at <= frame_system::Pallet::<T>::block_number(),
				"a pending draw frozen in the future"
			);
		}
		for (_, outcome) in BatchOutcomes::<T>::iter() {
			let paid = outcome
				.winners
				.iter()
				.try_fold(T::Balance::zero(), |sum, w| sum.checked_add(&w.amount))
				.ok_or("winnings overflow")?;
			ensure!(paid == outcome.amount, "a batch's winnings differ from what it paid");
		}
		Ok(())
	}
}
