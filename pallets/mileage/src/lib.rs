//! # Mileage
//!
//! IM Valley's mileage mining: the vehicle registry, the oracle operators' commitments to each
//! batch's weights, and the proven draw of its winners. Per-car mileage never goes on chain.
//!
//! ## Overview
//!
//! - **Vehicles** are registered under a pseudonymous id (a keyed hash of the VIN) with an
//!   owner and an activation time; no driving record (behaviour factors for violations and
//!   claims are applied off chain by the operators, to the weights they commit). Every registry
//!   change — registering, passing a car on, deregistering it — takes effect when a
//!   majority of the current oracle operators (⌊K/2⌋ + 1, and at least [`MinOperators`])
//!   proposed the identical change ([`Pallet::propose`]), or when the admin makes it; an owner
//!   may pass on or deregister its own car itself, and that is final: the operators propose
//!   sales the telematics service made after it, never its undoing, and cannot register a
//!   deregistered id again (the admin can). Every change names the entry it changes (its
//!   version and the value it replaces) and every vote its last valid block: a signed proposal
//!   is counted once and never again. Proposals are bounded per operator and expire after
//!   [`Config::ProposalLifetime`].
//! - **Batches.** The Stone pallet hands every closed batch to this pallet
//!   ([`valley_primitives::BatchDistributor`]). Off chain, every operator weighs every car's last
//!   30 days of mileage as of the batch's cut-off and builds a Merkle-sum tree over the
//!   `(vehicle, weight)` leaves (`valley-merkle-sum`, `valley-operator`); each commits its root,
//!   total and leaf count once, signed with its oracle key over the chain's genesis hash
//!   ([`Pallet::commit`], fee-free). The root a majority (at least [`MinOperators`]) committed
//!   identically is accepted; differing commitments are events. No majority within
//!   [`Config::CommitWindow`] blocks: the batch carries over.
//! - **Draw.** At a height fixed when the batch closed ([`Pallet::draw_at`]:
//!   [`Config::DrawDelay`] blocks after the close if the root was accepted before, else the first
//!   block after the commit window), with that block's randomness, the chain derives `N` points
//!   in `[0, total)` (`N` is
//!   [`Config::WinnerShare`] of the leaves, at most [`Config::MaxWinners`]). Anyone — the
//!   operators' workers do it unasked — proves the leaf that owns a point ([`Pallet::claim`],
//!   fee-free when the proof verifies): the chain checks the proof against the accepted root and
//!   pays the vehicle's current owner an `N`-th of the batch. A leaf that already won redraws the
//!   point. Points not proven within [`Config::ProofWindow`] blocks carry their share over.
//!
//! ## Implementation notes
//!
//! What a batch stores is `O(K + N)`: its record, one commitment per operator, one entry per slot
//! and per winning leaf, all removed when it finishes (one batch a block, in `on_initialize`);
//! only the outcome stays, for [`Config::HistoryDepth`] batches. Proposals expire in the order
//! they were made: a queue pruned in `on_idle`, each step weighed.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod authorize;
mod batches;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
mod registry;
pub mod rules;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use authorize::OPERATOR_PRIORITY;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The key type of oracle operators' keys: `orcl`.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"orcl");

/// Oracle operators' keys: sr25519, their account is the operator's.
pub mod crypto {
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		traits::IdentifyAccount,
		AccountId32,
	};

	app_crypto!(sr25519, super::KEY_TYPE);

	impl IdentifyAccount for Public {
		type AccountId = AccountId32;
		fn into_account(self) -> AccountId32 {
			AccountId32::from(sp_core::sr25519::Public::from(self).0)
		}
	}
}

/// What the benchmarks need from the runtime around this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, OracleId, Balance> {
	/// Makes the payout owe `amount` for a batch, as if the Stone pallet had just closed one.
	fn take_on(amount: Balance);
	/// `n` operators with oracle keys in the keystore, as current members.
	fn operators(n: u32) -> alloc::vec::Vec<OracleId>;
	/// Sets the randomness of `block` (known from then on).
	fn set_randomness(block: u32, randomness: [u8; 32]);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{tokens::Balance as BalanceT, SortedMembers, Time},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::IdentifyAccount, Perbill, RuntimeAppPublic};
	use valley_primitives::{BlockRandomness, MiningPayout};

	/// The in-code storage version: 2, vehicles with their version and owner's time, proposals
	/// bound to them ([`crate::migrations::v2`]); 1 had neither; 0 kept readings and draw trees
	/// on chain (no chain with version 0 is kept: IM Valley restarted from a fresh genesis).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// STONE amounts.
		type Balance: BalanceT;
		/// Pays winners out of the mileage mining pool (the Stone pallet).
		type Payout: MiningPayout<Self::AccountId, Self::Balance>;
		/// Chain time in milliseconds (pallet-timestamp).
		type Time: Time<Moment = u64>;
		/// The randomness of individual blocks (the beacon).
		type Randomness: BlockRandomness<BlockNumberFor<Self>, Self::Hash>;
		/// Changes the registry alone: the admin.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// An oracle operator's key (key type `orcl`, [`crypto::Public`] on chain): it signs the
		/// operator's commitments and proposals; the operator is its account.
		type OracleId: Member
			+ Parameter
			+ MaxEncodedLen
			+ RuntimeAppPublic
			+ IdentifyAccount<AccountId = Self::AccountId>;
		/// The oracle operators (pallet-membership).
		type Operators: SortedMembers<Self::AccountId>;
		/// The most operators: the operators' membership may not hold more.
		#[pallet::constant]
		type MaxOperators: Get<u32>;
		/// The most vehicles in the registry.
		#[pallet::constant]
		type MaxVehicles: Get<u32>;
		/// Kilometres per day that count towards a vehicle's weight (applied off chain by every
		/// operator alike).
		#[pallet::constant]
		type DailyCapKm: Get<Km>;
		/// The highest average speed a reading may imply since the previous one, in km/h
		/// (applied off chain).
		#[pallet::constant]
		type MaxSpeedKmh: Get<Km>;
		/// Kilometres a reading may exceed that speed by (applied off chain).
		#[pallet::constant]
		type ToleranceKm: Get<Km>;
		/// The share of a batch's leaves that win.
		#[pallet::constant]
		type WinnerShare: Get<Perbill>;
		/// The most winners of one batch.
		#[pallet::constant]
		type MaxWinners: Get<u32>;
		/// Blocks after a batch closes during which operators commit its root.
		#[pallet::constant]
		type CommitWindow: Get<BlockNumberFor<Self>>;
		/// Blocks after a batch closes at which its points are drawn if its root was accepted
		/// in an earlier block (otherwise they are drawn after the commit window); at most
		/// [`Config::CommitWindow`].
		#[pallet::constant]
		type DrawDelay: Get<BlockNumberFor<Self>>;
		/// Blocks after a batch's points are drawn during which their proofs are taken.
		#[pallet::constant]
		type ProofWindow: Get<BlockNumberFor<Self>>;
		/// Blocks a registry proposal waits for a majority.
		#[pallet::constant]
		type ProposalLifetime: Get<BlockNumberFor<Self>>;
		/// The most proposals an operator may have waiting at once.
		#[pallet::constant]
		type MaxProposalsPerOperator: Get<u32>;
		/// How many past batches keep their outcome in storage.
		#[pallet::constant]
		type HistoryDepth: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Operators, payouts and randomness in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::OracleId, Self::Balance>;
	}

	/// Registered vehicles.
	#[pallet::storage]
	pub type Vehicles<T: Config> =
		StorageMap<_, Blake2_128Concat, VehicleId, Vehicle<T::AccountId>, OptionQuery>;

	/// The vehicles each account owns.
	#[pallet::storage]
	pub type VehiclesOf<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		VehicleId,
		(),
		OptionQuery,
	>;

	/// How many vehicles are registered.
	#[pallet::storage]
	pub type VehicleCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Vehicles deregistered and not registered again, with the version their entry would start
	/// from: the operators cannot register them again (their owner's or the admin's
	/// deregistration is final); the admin can.
	#[pallet::storage]
	pub type Retired<T: Config> = StorageMap<_, Blake2_128Concat, VehicleId, u32, OptionQuery>;

	/// The fewest operators whose agreement accepts a root or applies a registry change,
	/// whatever the majority of the current operators: a chain parameter (genesis), so that no
	/// batch is paid and no car registered on the say of one operator while a chain has few.
	#[pallet::storage]
	pub type MinOperators<T: Config> = StorageValue<_, u32, ValueQuery, ConstU32<1>>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// [`MinOperators`]: at least 1, at most [`Config::MaxOperators`].
		pub min_operators: u32,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		/// One operator's root suffices: a development chain's (live chains set their own).
		fn default() -> Self {
			Self { min_operators: 1, _config: Default::default() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				(1..=T::MaxOperators::get()).contains(&self.min_operators),
				"min_operators must be between 1 and MaxOperators"
			);
			MinOperators::<T>::put(self.min_operators);
		}
	}

	/// Registry changes proposed by operators and waiting for a majority, by the hash of the
	/// change.
	#[pallet::storage]
	pub type Proposals<T: Config> = StorageMap<
		_,
		Identity,
		T::Hash,
		Proposal<T::AccountId, BlockNumberFor<T>, T::MaxOperators>,
		OptionQuery,
	>;

	/// How many waiting proposals each operator has voted for.
	#[pallet::storage]
	pub type OpenProposals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Proposals in the order they were made (so in the order they expire): position → (change
	/// hash, expiry). Pruned from [`ProposalQueueHead`] in `on_idle`.
	#[pallet::storage]
	pub type ProposalQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (T::Hash, BlockNumberFor<T>), OptionQuery>;

	/// The oldest position of [`ProposalQueue`] not pruned yet.
	#[pallet::storage]
	pub type ProposalQueueHead<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The next position of [`ProposalQueue`].
	#[pallet::storage]
	pub type ProposalQueueTail<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Batches in flight: closed, not yet finished.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BatchIndex,
		BatchRecord<BlockNumberFor<T>, T::Balance>,
		OptionQuery,
	>;

	/// The batches in flight, oldest first.
	#[pallet::storage]
	pub type InFlight<T: Config> =
		StorageValue<_, BoundedVec<BatchIndex, ConstU32<MAX_IN_FLIGHT>>, ValueQuery>;

	/// Each operator's commitment to a batch in flight.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BatchIndex,
		Blake2_128Concat,
		T::AccountId,
		Commitment,
		OptionQuery,
	>;

	/// The winning slots of batches in the drawing phase.
	#[pallet::storage]
	pub type Slots<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BatchIndex,
		Twox64Concat,
		u32,
		SlotState<T::AccountId>,
		OptionQuery,
	>;

	/// The leaves that won a slot of a batch in the drawing phase: leaf index → slot.
	#[pallet::storage]
	pub type WonLeaves<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BatchIndex, Twox64Concat, u64, u32, OptionQuery>;

	/// The outcome of the last [`Config::HistoryDepth`] batches.
	#[pallet::storage]
	pub type BatchOutcomes<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BatchIndex,
		BatchOutcome<T::AccountId, T::Balance, T::MaxWinners>,
		OptionQuery,
	>;

	/// The last batch with an outcome.
	#[pallet::storage]
	pub type LastBatch<T: Config> = StorageValue<_, BatchIndex, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A vehicle was registered.
		VehicleRegistered { vehicle: VehicleId, owner: T::AccountId, activation: u64 },
		/// A vehicle changed owner.
		VehicleTransferred { vehicle: VehicleId, from: T::AccountId, to: T::AccountId },
		/// A vehicle was deregistered.
		VehicleDeregistered { vehicle: VehicleId, owner: T::AccountId },
		/// An operator proposed a registry change; it has `votes` of the `needed`.
		ChangeProposed {
			operator: T::AccountId,
			proposal: T::Hash,
			change: Change<T::AccountId>,
			votes: u32,
			needed: u32,
		},
		/// A majority's proposal was applied.
		ChangeApplied { proposal: T::Hash },
		/// A majority's proposal could not be applied (the registry had changed meanwhile).
		ChangeFailed { proposal: T::Hash, error: DispatchError },
		/// A proposal expired without a majority.
		ProposalExpired { proposal: T::Hash },
		/// A batch closed: operators commit their roots of its weights until `deadline`.
		BatchClosed {
			batch: BatchIndex,
			amount: T::Balance,
			close_ms: u64,
			deadline: BlockNumberFor<T>,
		},
		/// An operator committed a root for a batch; `agreeing` current operators committed the
		/// identical one.
		CommitmentSubmitted {
			batch: BatchIndex,
			operator: T::AccountId,
			commitment: Commitment,
			agreeing: u32,
		},
		/// A majority of the operators committed `commitment`: the batch's root.
		BatchCommitted { batch: BatchIndex, commitment: Commitment },
		/// No root had a majority by the deadline: the batch's amount carries over.
		BatchNotCommitted { batch: BatchIndex, amount: T::Balance },
		/// The batch's winning points were drawn: `winners` slots, each paying `per_winner`.
		PointsDrawn { batch: BatchIndex, winners: u32, per_winner: T::Balance },
		/// A slot's point landed in a leaf that had already won: it was drawn again.
		PointRedrawn { batch: BatchIndex, slot: u32, point: u64 },
		/// A vehicle's proof won a slot; its owner received `amount`.
		VehicleWon {
			batch: BatchIndex,
			slot: u32,
			vehicle: VehicleId,
			owner: T::AccountId,
			amount: T::Balance,
		},
		/// A slot pays nobody (its vehicle left the registry, or its redraws ran out): its share
		/// carries over.
		SlotVoided { batch: BatchIndex, slot: u32 },
		/// A batch finished: `winners` were paid `paid` in all; the rest carried over.
		BatchDrawn { batch: BatchIndex, leaves: u64, winners: u32, paid: T::Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A vehicle with this id is already registered; one vehicle id, one registration.
		AlreadyRegistered,
		/// No vehicle is registered under this id.
		UnknownVehicle,
		/// Only the vehicle's owner (or the admin) may do this.
		NotOwner,
		/// The vehicle already belongs to that account.
		SameOwner,
		/// The registry is full ([`Config::MaxVehicles`]).
		TooManyVehicles,
		/// The key is not a current oracle operator's.
		NotOperator,
		/// The change names a state of the vehicle's entry that no longer holds (another
		/// version, owner or factor): it was applied already, or the registry moved on. Propose
		/// it again from the registry as it stands.
		StaleChange,
		/// The vehicle was deregistered: only the admin registers it again.
		VehicleRetired,
		/// The vote's last valid block passed: sign it again with a later one.
		ProposalExpired,
		/// The vote's last valid block is more than `ProposalLifetime` blocks ahead.
		DeadlineTooFar,
		/// The change would change nothing: the registry already says so.
		NothingToChange,
		/// This operator already proposed this change.
		AlreadyProposed,
		/// The operator has [`Config::MaxProposalsPerOperator`] proposals waiting; wait for them
		/// to pass or expire.
		TooManyProposals,
		/// No batch with this index is in flight.
		UnknownBatch,
		/// The batch's commit window passed.
		NotCommitting,
		/// This operator already committed a root for this batch.
		AlreadyCommitted,
		/// The batch holds `MaxOperators` commitments already (some by operators removed since).
		TooManyCommitments,
		/// The batch's points are not drawn (yet), or its proofs' deadline passed.
		NotDrawing,
		/// The batch has no such slot.
		UnknownSlot,
		/// The slot is no longer open: it was won or voided.
		SlotClosed,
		/// The proof does not verify against the batch's accepted root.
		InvalidProof,
		/// The leaf does not own the slot's point.
		PointNotInLeaf,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Finishes one batch whose deadline passed or whose slots are all settled, and reserves
		/// the weight of drawing the points of a batch accepted in an earlier block.
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::advance_batches(n)
		}

		/// Draws the points of a batch accepted in an earlier block, with this block's
		/// randomness.
		fn on_finalize(n: BlockNumberFor<T>) {
			Self::draw_points(n);
		}

		/// Prunes expired proposals while weight remains.
		fn on_idle(n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune_proposals(n, remaining)
		}

		fn integrity_test() {
			assert!(T::MaxWinners::get() > 0, "a batch needs at least one winner");
			assert!(T::HistoryDepth::get() > 0, "keep at least the last batch");
			assert!(T::DailyCapKm::get() > 0, "a day's cap of 0 would weigh nothing");
			assert!(T::MaxOperators::get() > 0, "operators commit the batches");
			assert!(!T::CommitWindow::get().is_zero(), "operators need time to commit");
			assert!(
				!T::DrawDelay::get().is_zero() && T::DrawDelay::get() <= T::CommitWindow::get(),
				"the early draw height lies within the commit window, after the close"
			);
			assert!(!T::ProofWindow::get().is_zero(), "winners need time to be proven");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a vehicle under `vehicle` (a keyed hash of its VIN) for `owner`. It mines
		/// from `activation` (milliseconds since the Unix epoch; now if `None`). The admin only;
		/// operators register by majority ([`Pallet::propose`]).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_vehicle())]
		pub fn register_vehicle(
			origin: OriginFor<T>,
			vehicle: VehicleId,
			owner: T::AccountId,
			activation: Option<u64>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let activation = activation.unwrap_or_else(T::Time::now);
			Self::apply(Change::Register { vehicle, owner, activation }, ChangedBy::Admin)
		}

		/// Passes a vehicle on to `new_owner` (a car sold): by its owner or the admin. Later
		/// wins are paid to the new owner.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::transfer_vehicle())]
		pub fn transfer_vehicle(
			origin: OriginFor<T>,
			vehicle: VehicleId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let by = Self::owner_or_admin(origin)?;
			Self::apply(Self::transfer_of(vehicle, new_owner)?, by)
		}

		/// Deregisters a vehicle: by its owner or the admin. It takes part in no batch closing
		/// after this, and a win of a batch in flight pays nobody.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister_vehicle())]
		pub fn deregister_vehicle(origin: OriginFor<T>, vehicle: VehicleId) -> DispatchResult {
			let by = Self::owner_or_admin(origin)?;
			Self::apply(Self::deregistration_of(vehicle)?, by)
		}

		// Call index 3 was `report_behaviour` (a public behaviour factor per car, removed with
		// storage version 2: a driving record stays off chain).

		/// Commits an operator's root of a batch's weights, signed with its oracle key over the
		/// chain's genesis hash. Fee-free, authorized: valid only from a current operator, once
		/// per batch, within the batch's commit window. When a majority committed the identical
		/// root, it is the batch's; commitments after that are recorded and count for nothing.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::commit(T::MaxOperators::get()))]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_commit())]
		#[pallet::authorize(Pallet::<T>::authorize_commit)]
		pub fn commit(
			origin: OriginFor<T>,
			payload: CommitmentPayload<T::OracleId>,
			signature: <T::OracleId as RuntimeAppPublic>::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			// Checked with the signature when the transaction was authorized.
			let _ = signature;
			Self::do_commit(payload)
		}

		/// Proves that `leaf` (a vehicle and its weight, with its leaf salt) owns the point of
		/// `slot` of `batch`, by its inclusion proof in the batch's accepted root, and pays the
		/// vehicle's owner. Fee-free for anyone when the proof verifies; the operators' workers
		/// send every winner's proof by themselves.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::claim(proof.siblings.len() as u32))]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_claim(proof.siblings.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_claim)]
		pub fn claim(
			origin: OriginFor<T>,
			batch: BatchIndex,
			slot: u32,
			leaf: Leaf,
			leaf_salt: Salt,
			proof: Proof,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			Self::do_claim(batch, slot, leaf, leaf_salt, proof)
		}

		/// An operator's vote for a registry change, signed with its oracle key over the chain's
		/// genesis hash. Fee-free, authorized: valid only from a current operator, once per
		/// change, until the payload's `valid_until` block, for a change that names the
		/// vehicle's entry as it stands and would change something. A majority's identical votes
		/// apply it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::propose(T::MaxOperators::get()))]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_propose())]
		#[pallet::authorize(Pallet::<T>::authorize_propose)]
		pub fn propose(
			origin: OriginFor<T>,
			payload: ProposalPayload<T::OracleId, T::AccountId, BlockNumberFor<T>>,
			signature: <T::OracleId as RuntimeAppPublic>::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			let _ = signature;
			let operator = payload.operator.into_account();
			Self::do_propose(operator, payload.change, payload.valid_until)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The admin, or the signer as the vehicle's owner.
		fn owner_or_admin(origin: OriginFor<T>) -> Result<ChangedBy<T::AccountId>, DispatchError> {
			match T::AdminOrigin::try_origin(origin) {
				Ok(_) => Ok(ChangedBy::Admin),
				Err(origin) => Ok(ChangedBy::Owner(ensure_signed(origin)?)),
			}
		}

		/// The chain's genesis hash: what every signed payload is bound to.
		pub fn genesis_hash() -> T::Hash {
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}
	}
}
