//! # IM Valley runtime
//!
//! The state transition function of the IM Valley drive-to-earn chain: the native token STONE
//! (pallet-balances, 12 decimals), Aura block authoring, GRANDPA finality and the IM Valley
//! pallets.
//!
//! - `configs/`: one file per concern, the `Config` of every pallet.
//! - `apis.rs`: the runtime APIs the node, polkadot.js and benchmark runs use.
//! - `genesis_config_presets.rs`: `development`, `local_testnet` and `im_valley`.
//! - `benchmarks.rs`: the pallets the `benchmark pallet` command knows.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` need a higher limit.
#![recursion_limit = "256"]

// The wasm built with this build's features: with `runtime-benchmarks` and `try-runtime` on (the
// workspace build), the benchmark wasm. Chain specs never embed it: see `production`.
#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// The production wasm: this runtime built without `runtime-benchmarks` and `try-runtime`, for
/// every chain spec users start (no benchmark or try-runtime API, no benchmarking host function).
#[cfg(feature = "std")]
pub mod production {
	include!(concat!(env!("OUT_DIR"), "/valley_runtime_production"));
}

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
#[cfg(feature = "std")]
pub mod transactions;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know about blocks without knowing the runtime's calls.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The keys a validator registers: Aura (sr25519) for authoring, GRANDPA (ed25519) for voting.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. `spec_version` is bumped by every runtime upgrade.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("im-valley"),
	impl_name: Cow::Borrowed("im-valley"),
	authoring_version: 1,
	spec_version: 111,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Block time: one Aura slot of six seconds.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura's slot duration; cannot change once the chain runs.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Block numbers.
pub type BlockNumber = u32;
/// Time in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Time in blocks.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Time in blocks.
pub const DAYS: BlockNumber = HOURS * 24;

/// A signature on the chain: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account: the public key of the signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balances of STONE, in its smallest unit.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block and state hashes.
pub type Hash = sp_core::H256;

/// Decimals of STONE.
pub const TOKEN_DECIMALS: u32 = 12;
/// One STONE in its smallest unit.
pub const UNIT: Balance = 10u128.pow(TOKEN_DECIMALS);
/// A thousandth of a STONE.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// A millionth of a STONE.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// The smallest balance an account may hold: a thousandth of a STONE.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
/// The token symbol polkadot.js shows.
pub const TOKEN_SYMBOL: &str = "STONE";
/// The SS58 address format (42: the generic Substrate format polkadot.js knows).
pub const SS58_PREFIX: u16 = 42;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block signed with a justification.
pub type SignedBlock = generic::SignedBlock<Block>;
/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions: the checks every signed transaction goes through.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	// A box opening beyond its block's room waits in the pool for the next block.
	pallet_crystals::CheckOpeningRoom<Runtime>,
	// Calls marked `#[pallet::feeless_if]` pay nothing when their condition holds.
	pallet_skip_feeless_payment::SkipCheckIfFeeless<
		Runtime,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations of the runtime beyond those the pallets declare.
///
/// Spec 109 moved Stone's pools from runtime constants into genesis parameters: an IM Valley chain
/// of spec 108 or earlier is at Stone storage version 0 and gets IM Valley's pools (210M/90M). A
/// chain built from a spec-109 genesis (GoFun's among them) starts at version 1 and is never
/// touched. Remove once every IM Valley chain has upgraded.
///
/// Spec 111 binds registry changes to the vehicle's entry (mileage storage version 2): vehicles
/// get their version and owner's time, and proposals waiting under version 1 are dropped.
type Migrations = (
	pallet_stone::migrations::v1::MigrateV0ToV1<
		Runtime,
		configs::ImValleyMiningPool,
		configs::ImValleyEducationPool,
	>,
	pallet_mileage::migrations::v2::MigrateV1ToV2<Runtime>,
);

/// Executive: dispatches to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	#[runtime::pallet_index(7)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(8)]
	pub type Stone = pallet_stone;

	#[runtime::pallet_index(9)]
	pub type OracleMembership = pallet_membership;

	#[runtime::pallet_index(11)]
	pub type Mileage = pallet_mileage;

	#[runtime::pallet_index(12)]
	pub type Beacon = pallet_beacon;

	#[runtime::pallet_index(13)]
	pub type Crystals = pallet_crystals;

	// The NFT ledger: its storage and events are the collectibles'; every call on it goes
	// through `Collectibles` (no calls of its own: no selling, tips or swaps around the closed
	// Stone transfers, no collections nobody issued).
	#[runtime::pallet_index(14)]
	#[runtime::disable_call]
	pub type Nfts = pallet_nfts;

	#[runtime::pallet_index(15)]
	pub type Collectibles = pallet_collectibles;

	#[runtime::pallet_index(16)]
	pub type Redemption = pallet_redemption;
}
