//! Block authoring (Aura), the randomness beacon made by Aura's authors, finality (GRANDPA) and
//! chain time.

use frame_support::traits::{ConstBool, ConstU32, ConstU64};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::sr25519;

use crate::{Aura, Runtime, RuntimeEvent, SLOT_DURATION};

/// Room for more than the nine authorities of IM Valley, for adding partners later.
pub type MaxAuthorities = ConstU32<32>;

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = MaxAuthorities;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// Reference weights (benchmarks/reference-weights.tsv).
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// No session or staking pallet: equivocations cannot be proven against a key owner, so
	// there is nothing to report them with.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = crate::weights::pallet_timestamp::WeightInfo<Runtime>;
}

/// The author of a block is the Aura authority of its slot; Aura reads the slot from the block's
/// pre-runtime digest in `on_initialize`, before the beacon's inherent.
pub struct AuraSlotAuthor;

impl pallet_beacon::SlotAuthor for AuraSlotAuthor {
	fn slot_author() -> Option<(u64, sr25519::Public)> {
		let slot = pallet_aura::CurrentSlot::<Runtime>::get();
		let index = Aura::slot_author_index(slot)?;
		let author = pallet_aura::Authorities::<Runtime>::get().get(index as usize)?.clone();
		Some((*slot, author.into_inner()))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_beacon::BenchmarkHelper for AuraSlotAuthor {
	fn set_slot_author(slot: u64, author: sr25519::Public) {
		pallet_aura::CurrentSlot::<Runtime>::put(sp_consensus_aura::Slot::from(slot));
		// Nine authorities, as on IM Valley, with `author` in the slot's place.
		let mut authorities: alloc::vec::Vec<AuraId> =
			(0..9u8).map(|i| AuraId::from(sr25519::Public::from_raw([i; 32]))).collect();
		authorities[(slot % 9) as usize] = author.into();
		pallet_aura::Authorities::<Runtime>::put(
			frame_support::BoundedVec::try_from(authorities).expect("9 < MaxAuthorities"),
		);
	}
}

/// The randomness of the last four hours of blocks stays readable: draws (blind boxes) use a
/// block after their request, resolved by a hook within a few blocks or by a claim.
pub const BEACON_HISTORY_BLOCKS: u32 = 4 * crate::HOURS;

impl pallet_beacon::Config for Runtime {
	type SlotAuthor = AuraSlotAuthor;
	type HistoryDepth = ConstU32<BEACON_HISTORY_BLOCKS>;
	type WeightInfo = crate::weights::pallet_beacon::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AuraSlotAuthor;
}
