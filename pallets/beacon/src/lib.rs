//! # Beacon
//!
//! IM Valley's randomness beacon: every block carries its author's sr25519 VRF output over the
//! previous block's randomness and the slot, verified in the runtime; the hash of that output is
//! the block's randomness.
//!
//! ## Overview
//!
//! Aura has no randomness of its own, and a hash of recent blocks can be steered by whoever
//! builds them. Here, the author of every block must include a mandatory inherent,
//! [`Pallet::set_randomness`], carrying a [`BeaconVrf`]: its VRF signature, made with its Aura
//! key, over [`pallet_beacon_primitives::vrf_transcript`] of the previous block's randomness and
//! the block's slot. The runtime checks that the key is the Aura authority of the block's slot
//! ([`Config::SlotAuthor`]) and that the VRF verifies, and stores the hash of the VRF output as
//! the block's randomness. A block without a valid one is invalid: it fails the node's inherent
//! check on import, and its execution fails (the call errors, or `on_finalize` finds no
//! randomness for the block).
//!
//! The randomness of the last [`Config::HistoryDepth`] blocks is kept ([`History`]) and offered
//! two ways:
//!
//! - [`valley_primitives::BlockRandomness`]: the randomness of a given block, once that block's
//!   inherent has been applied. A consumer freezes its inputs (a blind-box request recorded in
//!   block `r`) and draws with the value of a later block (`r + 1`).
//! - [`frame_support::traits::Randomness`]: a value for a subject from the latest known
//!   randomness, with the block it belongs to. During a block's `on_initialize` that is the
//!   parent's; from the block's inherents on (`on_poll`, transactions) it is the block's own.
//!
//! ## What an author can and cannot influence
//!
//! - **It cannot choose the value.** The VRF input (the previous randomness and the slot) is
//!   fixed before the slot begins, and an sr25519 VRF has exactly one output per key and input:
//!   signing again gives another proof but the same output. A signature over anything else, by
//!   any other key, or for another slot does not verify, so old outputs cannot be replayed.
//! - **It knows the value first.** The author computes its block's randomness when its slot
//!   begins, before anybody else. Consumers must therefore never let the author of the block
//!   whose randomness they use change their inputs after seeing it: a mileage batch is drawn in
//!   the `on_finalize` of a height fixed when the batch closed (`close + DrawDelay` if its root
//!   was accepted in an earlier block, else the first block after the commit window, where no
//!   commitment is taken any more), so its root is frozen before the draw block exists, and
//!   nobody who completes the majority can pick the draw block once its value is known; a blind
//!   box drawn with block `r + 1`'s randomness (in that block's `on_finalize`) was requested in
//!   block `r`, against what was fixed then.
//! - **It can withhold its block.** An author who dislikes the outcome can skip its slot; the
//!   next slot's author then makes the VRF (over another slot, so with another output). That
//!   costs the author its block and its fees, only replaces one unknown value by another, and is
//!   visible on chain as a missed slot. Nine authorities in turn bound how often one author
//!   decides. So a withholding author chooses between **two** outcomes — its own, which it
//!   knows, and the next author's, which it does not — and `k` colluding authors in a row among
//!   `k + 1`. An outcome of probability `p` (a box's Stone prize, a car among a batch's winners)
//!   becomes at most `1 - (1 - p)²` ≈ `2p` for it, measured with real VRFs by the test
//!   `withholding_a_block_chooses_between_two_outcomes_at_most` (a 1-in-20 outcome: 0.05 → ≈
//!   0.0975), at the price of nearly every block it would have made: each withheld block is a
//!   missed slot anyone can see (Aura's slot gaps), and the majority of operators can remove an
//!   authority that keeps missing slots.
//! - **It cannot predict later blocks.** The next block's randomness depends on the next
//!   author's key, which only that author holds. (An authority that authors two blocks in a row
//!   — when every other authority misses its slot in between, or on a one-authority development
//!   chain — knows both.)
//!
//! ## Implementation notes
//!
//! The node's inherent data provider (`node/src/beacon.rs`) runs in the Aura authoring path: it
//! finds the slot's author among the Aura authorities, reads the previous randomness through
//! [`pallet_beacon_primitives::BeaconApi::latest`] and signs with the keystore's Aura key.
//! Importing nodes need no key: the runtime verifies. Verifying costs one VRF check per block
//! (see the weights); the history costs one write and one removal per block.

#![cfg_attr(not(feature = "std"), no_std)]

mod beacon;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod fixture;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use pallet_beacon_primitives::{BeaconVrf, InherentError, INHERENT_IDENTIFIER};
pub use weights::WeightInfo;

use sp_core::sr25519;

/// The slot of the block being built and the authority whose slot it is.
pub trait SlotAuthor {
	/// The current block's slot and its author's sr25519 key; `None` if there are no
	/// authorities.
	fn slot_author() -> Option<(u64, sr25519::Public)>;
}

/// What the benchmarks need from the runtime around this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Makes `author` the authority of the current block, whose slot becomes `slot`.
	fn set_slot_author(slot: u64, author: sr25519::Public);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_inherents::{InherentData, InherentIdentifier};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The block's slot and the authority that may author it (Aura's).
		type SlotAuthor: SlotAuthor;
		/// How many recent blocks keep their randomness in [`History`].
		#[pallet::constant]
		type HistoryDepth: Get<u32>;
		/// Weights of this pallet's inherent and hooks.
		type WeightInfo: WeightInfo;
		/// Sets the slot author in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// The randomness of each of the last `HistoryDepth` blocks; the latest is the input of the
	/// next block's VRF.
	#[pallet::storage]
	pub type History<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, H256>;

	#[pallet::error]
	pub enum Error<T> {
		/// The block already has its randomness: the beacon inherent comes once per block.
		AlreadySet,
		/// There is no authority for the block's slot: Aura has no authorities.
		NoSlotAuthor,
		/// The VRF is not the slot author's signature over the previous randomness and this
		/// slot: made by another key, for another slot, over another value, or corrupted.
		InvalidVrf,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			// `on_finalize`'s read.
			T::DbWeight::get().reads(1)
		}

		fn on_finalize(now: BlockNumberFor<T>) {
			// A block without the beacon's inherent must not exist. As with the timestamp, the
			// only way to refuse one during execution is to fail it.
			assert!(
				History::<T>::contains_key(now),
				"the beacon inherent (the author's VRF) must be in every block"
			);
		}

		fn integrity_test() {
			assert!(T::HistoryDepth::get() > 0, "the history keeps at least the latest block");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the block's randomness from its author's VRF. An inherent: the block author
		/// includes it in every block; it is never a transaction.
		///
		/// `vrf` must be the Aura authority of the block's slot's sr25519 VRF signature over the
		/// previous block's randomness and the slot.
		#[pallet::call_index(0)]
		#[pallet::weight((T::WeightInfo::set_randomness(), DispatchClass::Mandatory))]
		pub fn set_randomness(origin: OriginFor<T>, vrf: BeaconVrf) -> DispatchResult {
			ensure_none(origin)?;
			Self::do_set_randomness(&vrf)
		}
	}

	#[pallet::inherent]
	impl<T: Config> ProvideInherent for Pallet<T> {
		type Call = Call<T>;
		type Error = InherentError;
		const INHERENT_IDENTIFIER: InherentIdentifier = INHERENT_IDENTIFIER;

		fn create_inherent(data: &InherentData) -> Option<Self::Call> {
			// Without a VRF (the node holds no key for the slot, or the data does not decode)
			// the block cannot be valid; there is nothing better to create.
			let vrf = data.get_data::<BeaconVrf>(&INHERENT_IDENTIFIER).ok().flatten()?;
			Some(Call::set_randomness { vrf })
		}

		fn is_inherent_required(_: &InherentData) -> Result<Option<Self::Error>, Self::Error> {
			Ok(Some(InherentError::Missing))
		}

		fn is_inherent(call: &Self::Call) -> bool {
			matches!(call, Call::set_randomness { .. })
		}
	}
}
