//! Odometer readings: the oracle's `OnNewData` hook, plausibility, and keeping the window's trees
//! and summary current.

use frame_support::traits::{Get, Time};
use pallet_oracle::{DataProvider, OnNewData};

use crate::{pallet::*, rules, sampling, types::*};

impl<T: Config> OnNewData<T::AccountId, VehicleId, Km> for Pallet<T> {
	fn on_new_data(_operator: &T::AccountId, vehicle: &VehicleId, fed: &Km) {
		Self::on_reading(*vehicle, *fed);
	}
}

impl<T: Config> Pallet<T> {
	/// An operator fed `fed` for `vehicle`: checks the operators' median against the vehicle's
	/// last accepted reading and, if plausible, adds the distance to today's weight.
	pub(crate) fn on_reading(vehicle: VehicleId, fed: Km) {
		let reject = |odometer, reason| {
			Self::deposit_event(Event::ReadingRejected { vehicle, odometer, reason })
		};
		let Some(mut v) = Vehicles::<T>::get(vehicle) else {
			return reject(fed, RejectReason::UnknownVehicle);
		};
		let now = T::Time::now();
		if now < v.activation {
			return reject(fed, RejectReason::NotActive);
		}
		// Too few fresh readings for a median leaves the last one: nothing new.
		let Some(odometer) = T::Odometers::get(&vehicle) else { return };
		let distance = match rules::check_reading(
			v.last_reading,
			odometer,
			now,
			T::MaxSpeedKmh::get(),
			T::ToleranceKm::get(),
		) {
			Ok(distance) => distance,
			Err(reason) => return reject(odometer, reason),
		};
		let baseline = v.last_reading.is_none();
		v.last_reading = Some(Reading { odometer, at: now });
		let weight =
			if distance > 0 { Self::add_distance(&mut v, day_of(now), distance) } else { 0 };
		Vehicles::<T>::insert(vehicle, v);
		if baseline || distance > 0 {
			Self::deposit_event(Event::ReadingAccepted { vehicle, odometer, distance, weight });
		}
	}

	/// Adds `distance` kilometres driven on `today` to a vehicle (which the caller stores) and
	/// to the window; returns the weight they add.
	pub(crate) fn add_distance(v: &mut Vehicle<T::AccountId>, today: Day, distance: Km) -> u32 {
		let last_active = v.last_active_day();
		// Days that left the window: their trees are emptied by the day changing, so dropping
		// them here is all that is left to do.
		v.days.retain(|d| in_window(d.day, today));
		if v.days.last().map(|d| d.day) != Some(today) {
			// At most 29 days are left after the retain: there is room for today.
			let _ = v.days.try_push(DayMileage { day: today, km: 0, weight: 0 });
		}
		let Some(entry) = v.days.last_mut().filter(|d| d.day == today) else { return 0 };
		let cap = T::DailyCapKm::get();
		// A factor changed during the day could round a day's weight past the cap: never.
		let added = rules::added_weight(entry.km, distance, cap, v.behaviour)
			.min(cap.saturating_sub(entry.weight));
		entry.km = entry.km.saturating_add(distance);
		entry.weight = entry.weight.saturating_add(added);
		if added == 0 {
			return 0;
		}
		Self::tree_add(today, v.slot, added as u64);
		let mut window = WindowSummary::<T>::get();
		let idx = (today % WINDOW_DAYS) as usize;
		if window[idx].day != today {
			window[idx] = DaySummary { day: today, weight: 0, last_active: 0 };
		}
		window[idx].weight = window[idx].weight.saturating_add(added as u64);
		if last_active != Some(today) {
			window[idx].last_active = window[idx].last_active.saturating_add(1);
			if let Some(entry) = last_active
				.filter(|d| in_window(*d, today))
				.and_then(|prev| day_entry(&mut window, prev))
			{
				entry.last_active = entry.last_active.saturating_sub(1);
			}
		}
		WindowSummary::<T>::put(window);
		added
	}

	/// Today, by chain time.
	pub(crate) fn today() -> Day {
		day_of(T::Time::now())
	}

	/// Node `i` of `day`'s tree; zero if it still counts an earlier day.
	pub(crate) fn tree_node(day: Day, i: u32) -> u64 {
		DrawTree::<T>::get(((day % WINDOW_DAYS) as u8, i)).sum_on(day)
	}

	/// Adds `weight` at `slot` of `day`'s tree.
	pub(crate) fn tree_add(day: Day, slot: Slot, weight: u64) {
		Self::tree_update(day, slot, |sum| sum.saturating_add(weight))
	}

	/// Takes `weight` off `slot` of `day`'s tree.
	pub(crate) fn tree_sub(day: Day, slot: Slot, weight: u64) {
		Self::tree_update(day, slot, |sum| sum.saturating_sub(weight))
	}

	fn tree_update(day: Day, slot: Slot, f: impl Fn(u64) -> u64) {
		let ring = (day % WINDOW_DAYS) as u8;
		for i in sampling::update_path(T::MaxVehicles::get(), slot) {
			DrawTree::<T>::mutate((ring, i), |node| {
				*node = TreeNode { day, sum: f(node.sum_on(day)) };
			});
		}
	}

	/// The window ending `today`: each day's total weight, and the participants (vehicles with
	/// a positive weight).
	pub(crate) fn window(today: Day) -> (alloc::vec::Vec<(Day, u64)>, u32) {
		let mut days = alloc::vec::Vec::new();
		let mut participants = 0u32;
		for entry in WindowSummary::<T>::get() {
			if in_window(entry.day, today) && (entry.weight > 0 || entry.last_active > 0) {
				days.push((entry.day, entry.weight));
				participants = participants.saturating_add(entry.last_active);
			}
		}
		days.sort_unstable_by_key(|(day, _)| *day);
		(days, participants)
	}
}
