//! Mileage mining: the oracle operators (pallet-membership) and the mileage pallet, which takes
//! their committed Merkle-sum roots of each batch's weights and pays proven winners.

use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

use crate::{AccountId, Balance, BlockNumber, OracleMembership, Runtime, RuntimeEvent, Timestamp};

/// The most oracle operators.
pub const MAX_ORACLES: u32 = 16;

parameter_types! {
	/// 10% of a batch's leaves win (at least one, at most `MaxWinners`).
	pub const WinnerShare: Perbill = Perbill::from_percent(10);
	/// Operators commit within 5 minutes (50 blocks) of a batch's close: enough to wait for the
	/// close block's finality and read the service through the cut-off.
	pub const CommitWindow: BlockNumber = 50;
	/// A root accepted within a minute (10 blocks) of its batch's close is drawn then; one
	/// accepted later, after the commit window. Both heights are fixed at the close: whoever
	/// completes the majority cannot pick the block whose randomness draws.
	pub const DrawDelay: BlockNumber = 10;
	/// Winners are proven within 3 minutes of the draw (the workers prove them in the next
	/// blocks); the windows together stay under a batch's 100 blocks.
	pub const ProofWindow: BlockNumber = 30;
	/// A registry proposal waits an hour for a majority.
	pub const ProposalLifetime: BlockNumber = 600;
}

impl pallet_membership::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = ();
	type MembershipChanged = ();
	type MaxMembers = ConstU32<MAX_ORACLES>;
	// Reference weights (benchmarks/reference-weights.tsv): the SDK's benchmarks need a prime.
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_mileage::Config for Runtime {
	type Balance = Balance;
	type Payout = crate::Stone;
	type Time = Timestamp;
	type Randomness = crate::Beacon;
	type AdminOrigin = EnsureRoot<AccountId>;
	type OracleId = pallet_mileage::crypto::Public;
	type Operators = OracleMembership;
	type MaxOperators = ConstU32<MAX_ORACLES>;
	/// 16,777,216 vehicles: the registry is the only per-vehicle state on chain.
	type MaxVehicles = ConstU32<{ 1 << 24 }>;
	type DailyCapKm = ConstU32<500>;
	type MaxSpeedKmh = ConstU32<200>;
	type ToleranceKm = ConstU32<2>;
	type WinnerShare = WinnerShare;
	type MaxWinners = ConstU32<100>;
	type CommitWindow = CommitWindow;
	type DrawDelay = DrawDelay;
	type ProofWindow = ProofWindow;
	type ProposalLifetime = ProposalLifetime;
	type MaxProposalsPerOperator = ConstU32<1_024>;
	/// A day of ten-minute batches.
	type HistoryDepth = ConstU32<144>;
	type WeightInfo = crate::weights::pallet_mileage::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = bench::Helper;
}

#[cfg(feature = "runtime-benchmarks")]
mod bench {
	use alloc::vec::Vec;
	use frame_support::traits::SortedMembers;
	use sp_runtime::RuntimeAppPublic;

	use super::*;

	/// Operators with keys in the benchmark's keystore, payouts owed, randomness set.
	pub struct Helper;

	impl pallet_mileage::BenchmarkHelper<AccountId, pallet_mileage::crypto::Public, Balance>
		for Helper
	{
		fn take_on(amount: Balance) {
			pallet_stone::Outstanding::<Runtime>::mutate(|owed| *owed += amount);
		}

		fn operators(n: u32) -> Vec<pallet_mileage::crypto::Public> {
			let keys: Vec<pallet_mileage::crypto::Public> =
				(0..n).map(|_| pallet_mileage::crypto::Public::generate_pair(None)).collect();
			let members: Vec<AccountId> = keys
				.iter()
				.map(|k| sp_runtime::traits::IdentifyAccount::into_account(k.clone()))
				.collect();
			pallet_membership::Members::<Runtime>::kill();
			for member in &members {
				OracleMembership::add(member);
			}
			keys
		}

		fn set_randomness(block: u32, randomness: [u8; 32]) {
			pallet_beacon::History::<Runtime>::insert(block, sp_core::H256(randomness));
		}
	}
}
