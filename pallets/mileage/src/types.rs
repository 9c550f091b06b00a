//! The mileage pallet's types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use valley_merkle_sum::{Commitment, Leaf, LeafRange, Proof, Salt};
pub use valley_primitives::BatchIndex;

/// A vehicle's pseudonymous id: a keyed hash of its VIN (the key is a secret of the car maker's
/// telematics service), so that a VIN read off a car finds nothing on chain.
pub type VehicleId = sp_core::H256;
/// Kilometres.
pub type Km = u32;

/// One day of chain time, in milliseconds.
pub const DAY_MS: u64 = 24 * 3_600_000;

/// The most batches in flight (closed, not yet finished) at once; a batch that closes while as
/// many are in flight is not taken on and carries over. With ten-minute batches at most two are
/// in flight; the development chains close one every two blocks, so that up to 25 wait for
/// commitments when the operators' workers are down for their whole commit window.
pub const MAX_IN_FLIGHT: u32 = 32;

/// A registered vehicle.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Vehicle<AccountId> {
	/// Its current owner, who receives its rewards.
	pub owner: AccountId,
	/// When it starts mining, in milliseconds since the Unix epoch: kilometres driven before do
	/// not count.
	pub activation: u64,
	/// Its behaviour factor (traffic violations, insurance claims): its weight is scaled by it.
	pub behaviour: Perbill,
	/// When it was registered, in milliseconds since the Unix epoch.
	pub registered_at: u64,
}

/// A change of the vehicle registry, made by the admin, by a majority of the oracle operators
/// proposing it identically, or (passing on and deregistering) by the vehicle's owner.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Change<AccountId> {
	/// Registers `vehicle` for `owner`, mining from `activation` (ms since the Unix epoch).
	Register { vehicle: VehicleId, owner: AccountId, activation: u64 },
	/// Passes `vehicle` on to `to` (a car sold).
	Transfer { vehicle: VehicleId, to: AccountId },
	/// Deregisters `vehicle`: it no longer takes part from the next batch on.
	Deregister { vehicle: VehicleId },
	/// Sets `vehicle`'s behaviour factor.
	Behaviour { vehicle: VehicleId, factor: Perbill },
}

impl<AccountId> Change<AccountId> {
	/// The vehicle the change is about.
	pub fn vehicle(&self) -> VehicleId {
		match self {
			Change::Register { vehicle, .. }
			| Change::Transfer { vehicle, .. }
			| Change::Deregister { vehicle }
			| Change::Behaviour { vehicle, .. } => *vehicle,
		}
	}
}

/// A registry change some operators proposed, waiting for a majority.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxOperators))]
#[codec(mel_bound(AccountId: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct Proposal<AccountId, BlockNumber, MaxOperators>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxOperators: frame_support::traits::Get<u32>,
{
	/// The change.
	pub change: Change<AccountId>,
	/// The operators who proposed it, in order.
	pub voters: BoundedVec<AccountId, MaxOperators>,
	/// The block from which it no longer counts.
	pub expires: BlockNumber,
}

/// What an operator signs to commit a batch's root (with the chain's genesis hash: see
/// [`signed_message`]).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct CommitmentPayload<OracleId> {
	/// The operator's oracle key.
	pub operator: OracleId,
	/// The batch.
	pub batch: BatchIndex,
	/// The root, total weight and leaf count of the operator's tree for the batch.
	pub commitment: Commitment,
}

/// What an operator signs to propose a registry change (with the chain's genesis hash).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ProposalPayload<OracleId, AccountId> {
	/// The operator's oracle key.
	pub operator: OracleId,
	/// The change.
	pub change: Change<AccountId>,
}

/// The bytes an operator's key signs for `payload` on the chain with `genesis`: a domain tag,
/// the genesis hash and the payload. A signature for another chain (or another kind of payload)
/// is worth nothing here.
pub fn signed_message<Payload: Encode, Hash: Encode>(
	tag: &[u8; 16],
	genesis: &Hash,
	payload: &Payload,
) -> alloc::vec::Vec<u8> {
	(tag, genesis, payload).encode()
}

/// The domain tag of commitments.
pub const COMMIT_TAG: &[u8; 16] = b"valley/mi/commit";
/// The domain tag of registry proposals.
pub const PROPOSE_TAG: &[u8; 16] = b"valley/mi/propos";

/// Where a batch is in its life.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum BatchPhase<BlockNumber, Balance> {
	/// Operators commit their roots until the batch's deadline.
	Committing,
	/// A majority committed `commitment` in block `at`; the points are drawn with the randomness
	/// of the first block after it, in that block's `on_finalize`.
	Accepted { commitment: Commitment, at: BlockNumber },
	/// The points are drawn: proofs are taken until the batch's deadline.
	Drawing {
		/// The accepted root.
		commitment: Commitment,
		/// The seed of the points: the randomness of the block after the acceptance.
		seed: [u8; 32],
		/// How many winners the batch has: slots `0..winners`.
		winners: u32,
		/// Slots not yet won nor void.
		open: u32,
		/// The index of the next point drawn for a slot whose leaf had already won.
		next_point: u32,
		/// What each winner is paid.
		per_winner: Balance,
		/// What was paid so far.
		paid: Balance,
	},
}

/// A closed batch, in flight until its winners are proven or its deadline passes.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct BatchRecord<BlockNumber, Balance> {
	/// What it hands out: its reward and what earlier batches carried over.
	pub amount: Balance,
	/// The block in which it closed: operators weigh the registry at its end.
	pub closed_at: BlockNumber,
	/// Its cut-off: the chain time at the start of `closed_at` (its parent's timestamp). The
	/// readings the telematics service received by then count.
	pub close_ms: u64,
	/// The last block of the current phase: of committing, then of proving.
	pub deadline: BlockNumber,
	/// Its phase.
	pub phase: BatchPhase<BlockNumber, Balance>,
}

/// One winning slot of a batch in the drawing phase.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum SlotState<AccountId> {
	/// Waiting for the proof of the leaf that owns `point`.
	Open { point: u64 },
	/// Won by leaf `leaf_index`, `vehicle`, paid to `owner`.
	Won { point: u64, leaf_index: u64, vehicle: VehicleId, owner: AccountId },
	/// Nobody is paid for it (its vehicle left the registry, or its point kept landing in
	/// leaves that had won already): its share carries over.
	Void { point: u64 },
}

impl<AccountId> SlotState<AccountId> {
	/// The point the slot stands for (its latest, after redraws).
	pub fn point(&self) -> u64 {
		match self {
			SlotState::Open { point }
			| SlotState::Won { point, .. }
			| SlotState::Void { point } => *point,
		}
	}
}

/// One winner of a batch: the vehicle, its owner at payout and what was paid (the runtime API's
/// type, stored as is).
pub type Winner<AccountId, Balance> =
	pallet_mileage_runtime_api::Winner<VehicleId, AccountId, Balance>;

/// The outcome of one batch.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxWinners))]
pub struct BatchOutcome<AccountId, Balance, MaxWinners>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxWinners: frame_support::traits::Get<u32>,
{
	/// The block in which it finished.
	pub block: u32,
	/// The accepted root, if a majority committed one.
	pub commitment: Option<Commitment>,
	/// What was paid; the rest carried over.
	pub amount: Balance,
	/// The winners, in slot order.
	pub winners: BoundedVec<Winner<AccountId, Balance>, MaxWinners>,
}
