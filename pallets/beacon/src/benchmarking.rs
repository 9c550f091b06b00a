//! Benchmarks of the beacon's inherent, on the fixed VRF of [`crate::fixture`].

use frame_benchmarking::v2::*;
use frame_support::traits::{Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{sr25519, H256};

use crate::{fixture::*, pallet::*, BenchmarkHelper};

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The inherent in a block past the history's depth: verifies the VRF, writes the block's
	/// randomness and removes the oldest.
	#[benchmark]
	fn set_randomness() {
		let depth: BlockNumberFor<T> = T::HistoryDepth::get().into();
		let now = depth + 10u32.into();
		frame_system::Pallet::<T>::set_block_number(now);
		History::<T>::insert(now - 1u32.into(), FIXTURE_PREVIOUS);
		History::<T>::insert(now - depth, H256::repeat_byte(1));
		T::BenchmarkHelper::set_slot_author(
			FIXTURE_SLOT,
			sr25519::Public::from_raw(FIXTURE_AUTHOR),
		);

		#[extrinsic_call]
		_(RawOrigin::None, FIXTURE_VRF);

		assert_eq!(Pallet::<T>::latest().0, now);
		assert!(History::<T>::get(now - depth).is_none());
		Pallet::<T>::on_finalize(now);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
