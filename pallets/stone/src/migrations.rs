//! Storage migrations of the Stone pallet.

pub mod v1 {
	//! Version 1: the pools' caps moved from `Config` constants into [`MiningCap`] and
	//! [`EducationCap`], chain parameters set in genesis.

	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	use crate::{BalanceOf, Config, EducationCap, MiningCap, Pallet};

	/// Writes the caps a version-0 chain was built with: its runtime's former constants `M`
	/// (mining) and `E` (education).
	pub struct InnerMigrateV0ToV1<T, M, E>(core::marker::PhantomData<(T, M, E)>);

	impl<T: Config, M: Get<BalanceOf<T>>, E: Get<BalanceOf<T>>> UncheckedOnRuntimeUpgrade
		for InnerMigrateV0ToV1<T, M, E>
	{
		fn on_runtime_upgrade() -> Weight {
			MiningCap::<T>::put(M::get());
			EducationCap::<T>::put(E::get());
			T::DbWeight::get().writes(2)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				MiningCap::<T>::get() == M::get() && EducationCap::<T>::get() == E::get(),
				"the pools' caps were not written"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// [`InnerMigrateV0ToV1`] on a version-0 chain only; then the pallet is at version 1.
	pub type MigrateV0ToV1<T, M, E> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T, M, E>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
