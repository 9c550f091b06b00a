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
	/// When it was registered, in milliseconds since the Unix epoch.
	pub registered_at: u64,
	/// When its current owner took it (registration or the last pass-on), in milliseconds
	/// since the Unix epoch: a sale the telematics service recorded before this is not proposed
	/// (the owner's later pass-on on chain is the newer fact).
	pub owner_since: u64,
	/// How many times its entry changed (its owner), counted across
	/// registrations of the same id: every change names the version it applies to, so that a
	/// signed change applies once and never again after the entry moved on.
	pub version: u32,
}

/// A registered vehicle as version 1 of the storage kept it: with a public behaviour factor, no
/// `owner_since`, no `version`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct VehicleV1<AccountId> {
	/// Its current owner.
	pub owner: AccountId,
	/// When it starts mining.
	pub activation: u64,
	/// Its behaviour factor.
	pub behaviour: Perbill,
	/// When it was registered.
	pub registered_at: u64,
}

/// A change of the vehicle registry, made by the admin, by a majority of the oracle operators
/// proposing it identically, or (passing on and deregistering) by the vehicle's owner. Every
/// change but a registration names the vehicle's entry as it finds it (its `version` and the
/// value it replaces): once applied, or once the entry moved on, the same change is refused
/// (`StaleChange`), so a signed proposal can never be counted twice.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum Change<AccountId> {
	/// Registers `vehicle` for `owner`, mining from `activation` (ms since the Unix epoch): only
	/// an id that is not registered, and (by the operators) not retired by a deregistration.
	Register { vehicle: VehicleId, owner: AccountId, activation: u64 },
	/// Passes `vehicle`, at `version` and owned by `from`, on to `to` (a car sold).
	Transfer { vehicle: VehicleId, version: u32, from: AccountId, to: AccountId },
	/// Deregisters `vehicle`, at `version` and owned by `owner`: it no longer takes part from the
	/// next batch on, and the operators cannot register it again.
	Deregister { vehicle: VehicleId, version: u32, owner: AccountId },
}

impl<AccountId> Change<AccountId> {
	/// The vehicle the change is about.
	pub fn vehicle(&self) -> VehicleId {
		match self {
			Change::Register { vehicle, .. }
			| Change::Transfer { vehicle, .. }
			| Change::Deregister { vehicle, .. } => *vehicle,
		}
	}
}

/// Who makes a registry change.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ChangedBy<AccountId> {
	/// The admin origin: corrects the registry, registers retired ids again.
	Admin,
	/// A majority of the current oracle operators.
	Operators,
	/// The vehicle's owner, signing (passing on, deregistering).
	Owner(AccountId),
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
pub struct ProposalPayload<OracleId, AccountId, BlockNumber> {
	/// The operator's oracle key.
	pub operator: OracleId,
	/// The change, naming the registry entry it changes.
	pub change: Change<AccountId>,
	/// The last block in which the vote may be counted: after it the signed bytes are worth
	/// nothing. At most [`crate::Config::ProposalLifetime`] blocks ahead of the block that
	/// counts it.
	pub valid_until: BlockNumber,
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
/// The domain tag of an owner's request for its car's proof (the operators' `mileage_proof`
/// RPC: `(tag, genesis hash, vehicle, valid_until_ms)`, signed by the car's owner; never on
/// chain).
pub const PROOF_REQUEST_TAG: &[u8; 16] = b"valley/mi/prooff";

/// Where a batch is in its life.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum BatchPhase<BlockNumber, Balance> {
	/// Operators commit their roots until the batch's deadline.
	Committing,
	/// A majority committed `commitment` in block `at`; the points are drawn at a height fixed
	/// when the batch closed (`Pallet::draw_at`), with that block's randomness, in its
	/// `on_finalize`.
	Accepted { commitment: Commitment, at: BlockNumber },
	/// The points are drawn: proofs are taken until the batch's deadline.
	Drawing {
		/// The accepted root.
		commitment: Commitment,
		/// The seed of the points: from the randomness of the batch's draw height.
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
