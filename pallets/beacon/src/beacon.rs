//! Setting each block's randomness from its author's VRF, and reading it.

use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};
use valley_primitives::BlockRandomness;

use crate::{pallet::*, BeaconVrf, SlotAuthor};

impl<T: Config> Pallet<T> {
	/// Verifies `vrf` against the slot author and the previous randomness; stores its output's
	/// hash as the current block's randomness and prunes the history.
	pub(crate) fn do_set_randomness(vrf: &BeaconVrf) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let (latest, previous) = Latest::<T>::get();
		ensure!(latest < now, Error::<T>::AlreadySet);
		let (slot, author) = T::SlotAuthor::slot_author().ok_or(Error::<T>::NoSlotAuthor)?;
		let randomness = pallet_beacon_primitives::verify(&author, &previous, slot, vrf)
			.ok_or(Error::<T>::InvalidVrf)?;
		Latest::<T>::put((now, randomness));
		History::<T>::insert(now, randomness);
		let depth: BlockNumberFor<T> = T::HistoryDepth::get().into();
		if now >= depth {
			History::<T>::remove(now - depth);
		}
		Ok(())
	}

	/// The latest block whose randomness is known, and that randomness.
	pub fn latest() -> (BlockNumberFor<T>, H256) {
		Latest::<T>::get()
	}

	/// Checks that the latest randomness is in the history and that the history holds nothing
	/// older than `HistoryDepth` blocks.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (latest, randomness) = Latest::<T>::get();
		if !latest.is_zero() {
			ensure!(
				History::<T>::get(latest) == Some(randomness),
				"the latest randomness is in the history"
			);
		}
		let depth: BlockNumberFor<T> = T::HistoryDepth::get().into();
		let oldest = latest.saturating_sub(depth);
		let mut count = 0u32;
		for (block, _) in History::<T>::iter() {
			ensure!(block > oldest && block <= latest, "the history holds only recent blocks");
			count += 1;
		}
		ensure!(count <= T::HistoryDepth::get(), "the history is bounded");
		Ok(())
	}
}

impl<T: Config> BlockRandomness<BlockNumberFor<T>, H256> for Pallet<T> {
	fn randomness_of(block: BlockNumberFor<T>) -> Option<H256> {
		History::<T>::get(block)
	}
}

/// A value for `subject` from the latest known randomness, and the block that randomness is of:
/// the parent's before the block's inherents, the block's own after them.
impl<T: Config> Randomness<H256, BlockNumberFor<T>> for Pallet<T> {
	fn random(subject: &[u8]) -> (H256, BlockNumberFor<T>) {
		let (block, randomness) = Latest::<T>::get();
		(H256(sp_io::hashing::blake2_256(&(subject, randomness).encode())), block)
	}
}
