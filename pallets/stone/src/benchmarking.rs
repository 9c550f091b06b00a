//! Benchmarks of the Stone pallet.

use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Hooks};
use frame_system::RawOrigin;

use crate::*;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_mining_start() {
		let now = <T::Time as frame_support::traits::Time>::now();
		Schedule::<T>::mutate(|s| s.start = 0);
		let origin =
			T::AdminOrigin::try_successful_origin().expect("the admin origin can be built");
		let start = now.saturating_add(1_000_000);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, start);

		assert_eq!(Schedule::<T>::get().start, start);
	}

	#[benchmark]
	fn set_transfers_enabled() {
		#[extrinsic_call]
		_(RawOrigin::Root, true);

		assert!(TransfersEnabled::<T>::get());
	}

	/// A block in which no batch is due.
	#[benchmark]
	fn on_initialize_idle() {
		Schedule::<T>::mutate(|s| {
			s.start = 1;
			s.batch_length = u64::MAX / 2;
		});

		#[block]
		{
			Pallet::<T>::on_initialize(1u32.into());
		}

		assert_eq!(NextBatch::<T>::get(), 0);
	}

	/// The first block after genesis: mining starts.
	#[benchmark]
	fn on_initialize_start() {
		Schedule::<T>::mutate(|s| s.start = 0);
		// `now` must be past zero: pretend a block was produced.
		frame_support::storage::unhashed::put(
			&frame_support::storage::storage_prefix(b"Timestamp", b"Now"),
			&6_000u64,
		);

		#[block]
		{
			Pallet::<T>::on_initialize(2u32.into());
		}
	}

	/// A block that closes a batch, at a halving boundary.
	#[benchmark]
	fn close_batch() {
		let interval = Schedule::<T>::get().halving_interval;
		Schedule::<T>::mutate(|s| {
			s.start = 1;
			s.batch_length = 1;
		});
		NextBatch::<T>::put(interval);
		frame_support::storage::unhashed::put(
			&frame_support::storage::storage_prefix(b"Timestamp", b"Now"),
			&u64::MAX,
		);

		#[block]
		{
			Pallet::<T>::on_initialize(2u32.into());
		}

		assert_eq!(NextBatch::<T>::get(), interval + 1);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
