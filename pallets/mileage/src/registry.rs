//! The vehicle registry: changes by the admin, by owners, and by a majority of the operators'
//! identical proposals, which expire in the order they were made. Every change names the entry
//! it changes (its version and the value it replaces) and every vote its last valid block, so
//! that no signed proposal is ever counted twice.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{SortedMembers, Time},
	weights::WeightMeter,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Hash, Saturating};

use crate::{pallet::*, rules, types::*, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Checks that `change` would change something, that the entry it names is the registry's
	/// (its version and the value it replaces), and that `by` may make it. Changes nothing.
	pub(crate) fn check_change(
		change: &Change<T::AccountId>,
		by: &ChangedBy<T::AccountId>,
	) -> DispatchResult {
		let vehicle = change.vehicle();
		let current = Vehicles::<T>::get(vehicle);
		if let Change::Register { .. } = change {
			ensure!(current.is_none(), Error::<T>::AlreadyRegistered);
			ensure!(
				*by == ChangedBy::Admin || !Retired::<T>::contains_key(vehicle),
				Error::<T>::VehicleRetired
			);
			ensure!(VehicleCount::<T>::get() < T::MaxVehicles::get(), Error::<T>::TooManyVehicles);
			return Ok(());
		}
		let v = current.ok_or(Error::<T>::UnknownVehicle)?;
		if let ChangedBy::Owner(who) = by {
			ensure!(*who == v.owner, Error::<T>::NotOwner);
		}
		match change {
			Change::Transfer { version, from, to, .. } => {
				ensure!(*version == v.version && *from == v.owner, Error::<T>::StaleChange);
				ensure!(v.owner != *to, Error::<T>::SameOwner);
			},
			Change::Deregister { version, owner, .. } => {
				ensure!(*version == v.version && *owner == v.owner, Error::<T>::StaleChange);
			},
			Change::Register { .. } => {},
		}
		Ok(())
	}

	/// The change that passes `vehicle` on to `to`, as the registry stands now.
	pub(crate) fn transfer_of(
		vehicle: VehicleId,
		to: T::AccountId,
	) -> Result<Change<T::AccountId>, DispatchError> {
		let v = Vehicles::<T>::get(vehicle).ok_or(Error::<T>::UnknownVehicle)?;
		Ok(Change::Transfer { vehicle, version: v.version, from: v.owner, to })
	}

	/// The change that deregisters `vehicle`, as the registry stands now.
	pub(crate) fn deregistration_of(
		vehicle: VehicleId,
	) -> Result<Change<T::AccountId>, DispatchError> {
		let v = Vehicles::<T>::get(vehicle).ok_or(Error::<T>::UnknownVehicle)?;
		Ok(Change::Deregister { vehicle, version: v.version, owner: v.owner })
	}

	/// Applies `change`, made by `by`, or fails changing nothing.
	pub(crate) fn apply(
		change: Change<T::AccountId>,
		by: ChangedBy<T::AccountId>,
	) -> DispatchResult {
		Self::check_change(&change, &by)?;
		let now = T::Time::now();
		match change {
			Change::Register { vehicle, owner, activation } => {
				// A retired id registered again (by the admin) goes on counting its versions:
				// changes signed for its earlier life stay stale.
				let version = Retired::<T>::take(vehicle).unwrap_or_default();
				Vehicles::<T>::insert(
					vehicle,
					Vehicle {
						owner: owner.clone(),
						activation,
						registered_at: now,
						owner_since: now,
						version,
					},
				);
				VehiclesOf::<T>::insert(&owner, vehicle, ());
				VehicleCount::<T>::mutate(|count| *count = count.saturating_add(1));
				Self::deposit_event(Event::VehicleRegistered { vehicle, owner, activation });
			},
			Change::Transfer { vehicle, to, .. } => {
				let Some(mut v) = Vehicles::<T>::get(vehicle) else { return Ok(()) };
				let from = core::mem::replace(&mut v.owner, to.clone());
				v.owner_since = now;
				v.version = v.version.saturating_add(1);
				Vehicles::<T>::insert(vehicle, v);
				VehiclesOf::<T>::remove(&from, vehicle);
				VehiclesOf::<T>::insert(&to, vehicle, ());
				Self::deposit_event(Event::VehicleTransferred { vehicle, from, to });
			},
			Change::Deregister { vehicle, .. } => {
				let Some(v) = Vehicles::<T>::take(vehicle) else { return Ok(()) };
				VehiclesOf::<T>::remove(&v.owner, vehicle);
				VehicleCount::<T>::mutate(|count| *count = count.saturating_sub(1));
				Retired::<T>::insert(vehicle, v.version.saturating_add(1));
				Self::deposit_event(Event::VehicleDeregistered { vehicle, owner: v.owner });
			},
		}
		Ok(())
	}

	/// How many of the current `operators` make a majority: ⌊K/2⌋ + 1, and at least
	/// [`MinOperators`].
	pub fn quorum(operators: u32) -> u32 {
		rules::quorum(operators, MinOperators::<T>::get())
	}

	/// The hash a proposal of `change` is kept under.
	pub fn proposal_hash(change: &Change<T::AccountId>) -> T::Hash {
		T::Hashing::hash_of(change)
	}

	/// Whether `operator` may vote for `change` now: a current operator, a vote within its
	/// deadline, a change that names the registry's entry and would change something, not voted
	/// for yet, within its bound of waiting proposals.
	pub(crate) fn check_vote(
		operator: &T::AccountId,
		change: &Change<T::AccountId>,
		valid_until: BlockNumberFor<T>,
	) -> Result<T::Hash, DispatchError> {
		ensure!(T::Operators::contains(operator), Error::<T>::NotOperator);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= valid_until, Error::<T>::ProposalExpired);
		ensure!(
			valid_until <= now.saturating_add(T::ProposalLifetime::get()),
			Error::<T>::DeadlineTooFar
		);
		Self::check_change(change, &ChangedBy::Operators)?;
		let hash = Self::proposal_hash(change);
		if let Some(p) = Proposals::<T>::get(hash).filter(|p| p.expires > now) {
			ensure!(!p.voters.contains(operator), Error::<T>::AlreadyProposed);
		}
		ensure!(
			OpenProposals::<T>::get(operator) < T::MaxProposalsPerOperator::get(),
			Error::<T>::TooManyProposals
		);
		Ok(hash)
	}

	/// `operator`'s vote for `change`; applies it when a majority of the current operators voted
	/// for it.
	pub(crate) fn do_propose(
		operator: T::AccountId,
		change: Change<T::AccountId>,
		valid_until: BlockNumberFor<T>,
	) -> DispatchResult {
		let hash = Self::check_vote(&operator, &change, valid_until)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut proposal = match Proposals::<T>::get(hash) {
			Some(p) if p.expires > now => p,
			expired => {
				// An expired proposal waiting to be pruned: its votes no longer count.
				if let Some(p) = expired {
					Self::release_votes(&p.voters);
				}
				let expires = now.saturating_add(T::ProposalLifetime::get());
				let tail = ProposalQueueTail::<T>::get();
				ProposalQueue::<T>::insert(tail, (hash, expires));
				ProposalQueueTail::<T>::put(tail.saturating_add(1));
				Proposal { change: change.clone(), voters: BoundedVec::new(), expires }
			},
		};
		let members = T::Operators::sorted_members();
		if proposal.voters.is_full() {
			// Operators removed since they voted fill the list: their votes no longer count and
			// make room (the current operators are at most `MaxOperators`, this one not among the
			// voters).
			let (current, removed): (Vec<_>, Vec<_>) =
				proposal.voters.iter().cloned().partition(|v| members.binary_search(v).is_ok());
			Self::release_votes(&removed);
			proposal.voters = BoundedVec::truncate_from(current);
		}
		proposal.voters.try_push(operator.clone()).map_err(|_| Error::<T>::TooManyProposals)?;
		OpenProposals::<T>::mutate(&operator, |open| *open = open.saturating_add(1));
		let votes =
			proposal.voters.iter().filter(|v| members.binary_search(v).is_ok()).count() as u32;
		let needed = Self::quorum(members.len() as u32);
		Self::deposit_event(Event::ChangeProposed {
			operator,
			proposal: hash,
			change: change.clone(),
			votes,
			needed,
		});
		if votes < needed {
			Proposals::<T>::insert(hash, proposal);
			return Ok(());
		}
		Proposals::<T>::remove(hash);
		Self::release_votes(&proposal.voters);
		match frame_support::storage::with_storage_layer(|| {
			Self::apply(change, ChangedBy::Operators)
		}) {
			Ok(()) => Self::deposit_event(Event::ChangeApplied { proposal: hash }),
			Err(error) => Self::deposit_event(Event::ChangeFailed { proposal: hash, error }),
		}
		Ok(())
	}

	fn release_votes(voters: &[T::AccountId]) {
		for voter in voters {
			OpenProposals::<T>::mutate_exists(voter, |open| {
				*open = open.map(|n| n.saturating_sub(1)).filter(|n| *n > 0)
			});
		}
	}

	/// Removes proposals that expired, oldest first, while `remaining` weight allows
	/// (`on_idle`).
	pub(crate) fn prune_proposals(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(remaining);
		let head_weight = T::DbWeight::get().reads(2);
		if meter.try_consume(head_weight).is_err() {
			return meter.consumed();
		}
		let (mut head, tail) = (ProposalQueueHead::<T>::get(), ProposalQueueTail::<T>::get());
		let start = head;
		while head < tail {
			if meter.try_consume(T::WeightInfo::prune_proposal(T::MaxOperators::get())).is_err() {
				break;
			}
			let Some((hash, expires)) = ProposalQueue::<T>::get(head) else {
				head.saturating_inc();
				continue;
			};
			if expires > now {
				break;
			}
			ProposalQueue::<T>::remove(head);
			head.saturating_inc();
			// A proposal applied meanwhile is gone; one made again after it expired has a later
			// expiry and its own place in the queue.
			if let Some(p) = Proposals::<T>::get(hash).filter(|p| p.expires == expires) {
				Proposals::<T>::remove(hash);
				Self::release_votes(&p.voters);
				Self::deposit_event(Event::ProposalExpired { proposal: hash });
			}
		}
		if head != start {
			ProposalQueueHead::<T>::put(head);
		}
		meter.consumed()
	}

	/// The registry's invariants: owners' index and count agree with the vehicles; waiting
	/// proposals are queued, and each operator's count of votes is its votes.
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub(crate) fn registry_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut count = 0u32;
		for (id, v) in Vehicles::<T>::iter() {
			count += 1;
			ensure!(VehiclesOf::<T>::contains_key(&v.owner, id), "owner index misses a vehicle");
		}
		ensure!(VehicleCount::<T>::get() == count, "vehicle count differs from the registry");
		ensure!(count <= T::MaxVehicles::get(), "more vehicles than MaxVehicles");
		ensure!(VehiclesOf::<T>::iter().count() as u32 == count, "owner index holds extra entries");
		ensure!(
			Retired::<T>::iter_keys().all(|id| !Vehicles::<T>::contains_key(id)),
			"a registered vehicle is retired"
		);
		ensure!(MinOperators::<T>::get() >= 1, "a root needs at least one operator");
		let mut votes: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let queued: alloc::collections::btree_set::BTreeSet<(T::Hash, BlockNumberFor<T>)> =
			ProposalQueue::<T>::iter_values().collect();
		for (hash, p) in Proposals::<T>::iter() {
			ensure!(hash == Self::proposal_hash(&p.change), "a proposal under another hash");
			ensure!(queued.contains(&(hash, p.expires)), "a proposal that never expires");
			for voter in p.voters.iter() {
				*votes.entry(voter.clone()).or_default() += 1;
			}
		}
		ensure!(
			OpenProposals::<T>::iter().collect::<BTreeMap<_, _>>() == votes,
			"operators' open proposals differ from their votes"
		);
		ensure!(
			votes.values().all(|open| *open <= T::MaxProposalsPerOperator::get()),
			"an operator over its bound of proposals"
		);
		let (head, tail) = (ProposalQueueHead::<T>::get(), ProposalQueueTail::<T>::get());
		ensure!(head <= tail, "the proposal queue's head passed its tail");
		ensure!(
			ProposalQueue::<T>::iter_keys().all(|at| at >= head && at < tail),
			"a queued proposal outside the queue"
		);
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// A registered vehicle, as the runtime API shows it.
	pub fn vehicle_info(
		vehicle: VehicleId,
	) -> Option<pallet_mileage_runtime_api::VehicleInfo<T::AccountId>> {
		Vehicles::<T>::get(vehicle).map(Self::info_of)
	}

	/// Up to `limit` (at most 1,000) vehicles after `after`, in storage order.
	pub fn vehicles_page(
		after: Option<VehicleId>,
		limit: u32,
	) -> alloc::vec::Vec<(VehicleId, pallet_mileage_runtime_api::VehicleInfo<T::AccountId>)> {
		let iter = match after {
			Some(after) => Vehicles::<T>::iter_from(Vehicles::<T>::hashed_key_for(after)),
			None => Vehicles::<T>::iter(),
		};
		iter.take(limit.min(1_000) as usize).map(|(id, v)| (id, Self::info_of(v))).collect()
	}

	fn info_of(v: Vehicle<T::AccountId>) -> pallet_mileage_runtime_api::VehicleInfo<T::AccountId> {
		pallet_mileage_runtime_api::VehicleInfo {
			owner: v.owner,
			activation: v.activation,
			registered_at: v.registered_at,
			owner_since: v.owner_since,
			version: v.version,
		}
	}

	/// Which of `vehicles` were deregistered and are not registered again: the operators do not
	/// propose them again.
	pub fn retired(vehicles: alloc::vec::Vec<VehicleId>) -> alloc::vec::Vec<VehicleId> {
		vehicles.into_iter().take(1_000).filter(|id| Retired::<T>::contains_key(id)).collect()
	}

	/// The rules every operator applies to readings off chain.
	pub fn rules() -> pallet_mileage_runtime_api::Rules {
		pallet_mileage_runtime_api::Rules {
			daily_cap_km: T::DailyCapKm::get(),
			max_speed_kmh: T::MaxSpeedKmh::get(),
			tolerance_km: T::ToleranceKm::get(),
		}
	}
}
