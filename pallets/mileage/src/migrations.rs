//! Storage migrations of the mileage pallet.

/// Version 1 → 2: every vehicle loses its public behaviour factor (a driving record: the
/// operators apply it off chain now), and gets its `version` (0) and `owner_since` (its
/// registration time: the owner it has is the one it was registered or last passed on to, and
/// version 1 kept no later time); the registry proposals waiting under version 1 are dropped —
/// their changes named no state and no deadline, so none of them may be counted any more (the
/// operators' workers propose what is still needed again, bound to the registry).
///
/// One block: `O(V + P)` for `V` vehicles and `P` waiting proposals (at most `MaxOperators ×
/// MaxProposalsPerOperator`). It is meant for the development and test chains that have the old
/// layout; a chain with millions of vehicles would need it as a multi-block migration.
pub mod v2 {
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};

	use crate::{pallet::*, types::*};

	/// The migration's step, run by [`MigrateV1ToV2`] only on a chain at version 1.
	pub struct VersionUncheckedMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for VersionUncheckedMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut vehicles = 0u64;
			Vehicles::<T>::translate::<VehicleV1<T::AccountId>, _>(|_, old| {
				vehicles += 1;
				Some(Vehicle {
					owner: old.owner,
					activation: old.activation,
					registered_at: old.registered_at,
					owner_since: old.registered_at,
					version: 0,
				})
			});
			let limit = T::MaxOperators::get().saturating_mul(T::MaxProposalsPerOperator::get());
			let proposals = Proposals::<T>::clear(limit, None).unique as u64;
			let open = OpenProposals::<T>::clear(T::MaxOperators::get(), None).unique as u64;
			let queued = ProposalQueue::<T>::clear(limit, None).unique as u64;
			let tail = ProposalQueueTail::<T>::get();
			ProposalQueueHead::<T>::put(tail);
			let writes = vehicles + proposals + open + queued + 1;
			T::DbWeight::get().reads_writes(vehicles + 1, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			Ok((VehicleCount::<T>::get()).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let count = u32::decode(&mut &state[..]).map_err(|_| "pre-upgrade state")?;
			ensure!(Vehicles::<T>::iter().count() as u32 == count, "a vehicle lost");
			ensure!(Proposals::<T>::iter().next().is_none(), "an unbound proposal kept");
			Ok(())
		}
	}

	/// Version 1 → 2, run once on a chain at storage version 1.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		VersionUncheckedMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
