//! Setting each block's randomness from its author's VRF, and reading it.

use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::traits::{One, Saturating};
use valley_primitives::BlockRandomness;

use crate::{pallet::*, BeaconVrf, SlotAuthor};

impl<T: Config> Pallet<T> {
	/// Verifies `vrf` against the slot author and the previous randomness; stores its output's
	/// hash as the current block's randomness and prunes the history.
	pub(crate) fn do_set_randomness(vrf: &BeaconVrf) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(!History::<T>::contains_key(now), Error::<T>::AlreadySet);
		// Blocks are consecutive and the history keeps at least one: the parent's randomness is
		// there, except before the first block (zero).
		let previous = History::<T>::get(now.saturating_sub(One::one())).unwrap_or_default();
		let (slot, author) = T::SlotAuthor::slot_author().ok_or(Error::<T>::NoSlotAuthor)?;
		let randomness = pallet_beacon_primitives::verify(&author, &previous, slot, vrf)
			.ok_or(Error::<T>::InvalidVrf)?;
		History::<T>::insert(now, randomness);
		let depth: BlockNumberFor<T> = T::HistoryDepth::get().into();
		if now >= depth {
			History::<T>::remove(now - depth);
		}
		Ok(())
	}

	/// The latest block whose randomness is known, and that randomness: the current block's once
	/// its inherent has been applied, the parent's before (zero before the first block).
	pub fn latest() -> (BlockNumberFor<T>, H256) {
		let now = frame_system::Pallet::<T>::block_number();
		match History::<T>::get(now) {
			Some(randomness) => (now, randomness),
			None => {
				let parent = now.saturating_sub(One::one());
				(parent, History::<T>::get(parent).unwrap_or_default())
			},
		}
	}

	/// Checks that the history holds nothing newer than the latest block with randomness, nothing
	/// older than `HistoryDepth` blocks before it, and so at most `HistoryDepth` blocks.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (latest, _) = Self::latest();
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
		let (block, randomness) = Self::latest();
		(H256(sp_io::hashing::blake2_256(&(subject, randomness).encode())), block)
	}
}
