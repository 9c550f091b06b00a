//! Vehicles: registration, owners, deregistration, behaviour factors, and their slots in the draw
//! trees.

use frame_support::{ensure, pallet_prelude::*, traits::Time};
use sp_runtime::Perbill;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register(
		vehicle: VehicleId,
		owner: T::AccountId,
		activation: Option<u64>,
	) -> DispatchResult {
		ensure!(!Vehicles::<T>::contains_key(vehicle), Error::<T>::AlreadyRegistered);
		let slot = Self::take_slot()?;
		let activation = activation.unwrap_or_else(T::Time::now);
		Vehicles::<T>::insert(
			vehicle,
			Vehicle {
				owner: owner.clone(),
				activation,
				slot,
				behaviour: Perbill::one(),
				last_reading: None,
				days: Default::default(),
			},
		);
		VehicleAt::<T>::insert(slot, vehicle);
		VehiclesOf::<T>::insert(&owner, vehicle, ());
		Self::deposit_event(Event::VehicleRegistered { vehicle, owner, activation });
		Ok(())
	}

	pub(crate) fn do_transfer(
		vehicle: VehicleId,
		by: Option<T::AccountId>,
		to: T::AccountId,
	) -> DispatchResult {
		Vehicles::<T>::try_mutate(vehicle, |entry| {
			let v = entry.as_mut().ok_or(Error::<T>::UnknownVehicle)?;
			Self::ensure_owner(v, by)?;
			ensure!(v.owner != to, Error::<T>::SameOwner);
			let from = core::mem::replace(&mut v.owner, to.clone());
			VehiclesOf::<T>::remove(&from, vehicle);
			VehiclesOf::<T>::insert(&to, vehicle, ());
			Self::deposit_event(Event::VehicleTransferred { vehicle, from, to });
			Ok(())
		})
	}

	pub(crate) fn do_deregister(vehicle: VehicleId, by: Option<T::AccountId>) -> DispatchResult {
		let v = Vehicles::<T>::get(vehicle).ok_or(Error::<T>::UnknownVehicle)?;
		Self::ensure_owner(&v, by)?;
		let today = Self::today();
		let mut window = WindowSummary::<T>::get();
		for (day, weight) in v.weights_in_window(today) {
			Self::tree_sub(day, v.slot, weight);
			if let Some(entry) = day_entry(&mut window, day) {
				entry.weight = entry.weight.saturating_sub(weight);
			}
		}
		if let Some(entry) = v
			.last_active_day()
			.filter(|d| in_window(*d, today))
			.and_then(|last| day_entry(&mut window, last))
		{
			entry.last_active = entry.last_active.saturating_sub(1);
		}
		WindowSummary::<T>::put(window);
		Vehicles::<T>::remove(vehicle);
		VehicleAt::<T>::remove(v.slot);
		VehiclesOf::<T>::remove(&v.owner, vehicle);
		Self::free_slot(v.slot);
		Self::deposit_event(Event::VehicleDeregistered { vehicle, owner: v.owner });
		Ok(())
	}

	pub(crate) fn do_report_behaviour(vehicle: VehicleId, factor: Perbill) -> DispatchResult {
		Vehicles::<T>::try_mutate(vehicle, |entry| {
			let v = entry.as_mut().ok_or(Error::<T>::UnknownVehicle)?;
			v.behaviour = factor;
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::BehaviourReported { vehicle, factor });
		Ok(())
	}

	fn ensure_owner(v: &Vehicle<T::AccountId>, by: Option<T::AccountId>) -> DispatchResult {
		if let Some(who) = by {
			ensure!(who == v.owner, Error::<T>::NotOwner);
		}
		Ok(())
	}

	/// A free slot of the draw trees: one a deregistered vehicle left, or the next unused one.
	fn take_slot() -> Result<Slot, DispatchError> {
		let free = FreeSlotCount::<T>::get();
		if let Some(top) = free.checked_sub(1) {
			let slot = FreeSlots::<T>::take(top).ok_or(Error::<T>::TooManyVehicles)?;
			FreeSlotCount::<T>::put(top);
			return Ok(slot);
		}
		let slot = HighestSlot::<T>::get().saturating_add(1);
		ensure!(slot <= T::MaxVehicles::get(), Error::<T>::TooManyVehicles);
		HighestSlot::<T>::put(slot);
		Ok(slot)
	}

	fn free_slot(slot: Slot) {
		let free = FreeSlotCount::<T>::get();
		FreeSlots::<T>::insert(free, slot);
		FreeSlotCount::<T>::put(free.saturating_add(1));
	}
}
