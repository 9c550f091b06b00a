//! A test runtime: System, Timestamp, Balances, Stone (the real pools and batches) and Mileage,
//! with a settable operator set and block randomness, and helpers that build operators' trees.

use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{Authorize, ConstU32, Hooks, SortedMembers},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	BuildStorage, Perbill, RuntimeAppPublic,
};
use valley_merkle_sum::Tree;

use crate::{self as pallet_mileage, types::*, Call};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

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
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(3)]
	pub type Stone = pallet_stone;
	#[runtime::pallet_index(4)]
	pub type Mileage = pallet_mileage;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
	type DustRemoval = pallet_stone::BurnTracker<Test>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

/// Chain time at genesis: a day well after the Unix epoch.
pub const GENESIS_MS: u64 = 20_000 * DAY_MS;
/// One block every six seconds, as on IM Valley.
pub const BLOCK_MS: u64 = 6_000;
/// A batch every ten blocks.
pub const BATCH_MS: u64 = 60_000;
/// Each batch hands out 600 (no halving within a test).
pub const REWARD: Balance = 600;
/// Blocks to commit, and to prove.
pub const COMMIT_WINDOW: u64 = 3;
pub const PROOF_WINDOW: u64 = 3;
/// Owners.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// The salt of every batch in these tests.
pub const SALT: Salt = [7u8; 32];

parameter_types! {
	pub static Capacity: u32 = 16;
	pub static WinnerShareOf: Perbill = Perbill::from_percent(50);
	pub static Seed: u64 = 0;
	/// The current oracle operators, sorted.
	pub static OperatorSet: Vec<AccountId> = vec![10, 11, 12];
	/// Blocks whose randomness the beacon does not know.
	pub static Unknown: Vec<u64> = vec![];
	pub static DrawDelayOf: u64 = 1;
}

impl pallet_stone::Config for Test {
	type Currency = Balances;
	type Time = Timestamp;
	type Distributor = Mileage;
	type MaxBatchMultiple = frame_support::traits::ConstU32<4>;
	type AdminOrigin = EnsureRoot<AccountId>;
	type EducationReservations = ();
	type WeightInfo = ();
}

/// The operators: [`OperatorSet`].
pub struct Operators;
impl SortedMembers<AccountId> for Operators {
	fn sorted_members() -> Vec<AccountId> {
		let mut set = OperatorSet::get();
		set.sort();
		set
	}
}

/// The beacon: each block's randomness is a hash of the seed and the block number, known from
/// that block on (unless listed in [`Unknown`]).
pub struct TestRandomness;
impl valley_primitives::BlockRandomness<u64, H256> for TestRandomness {
	fn randomness_of(block: u64) -> Option<H256> {
		(block <= System::block_number() && !Unknown::get().contains(&block))
			.then(|| H256(sp_io::hashing::blake2_256(&(Seed::get(), block).encode())))
	}
}

impl pallet_mileage::Config for Test {
	type Balance = Balance;
	type Payout = Stone;
	type Time = Timestamp;
	type Randomness = TestRandomness;
	type AdminOrigin = EnsureRoot<AccountId>;
	type OracleId = UintAuthorityId;
	type Operators = Operators;
	type MaxOperators = ConstU32<9>;
	type MaxVehicles = Capacity;
	type DailyCapKm = ConstU32<500>;
	type MaxSpeedKmh = ConstU32<200>;
	type ToleranceKm = ConstU32<2>;
	type WinnerShare = WinnerShareOf;
	type MaxWinners = ConstU32<3>;
	type CommitWindow = frame_support::traits::ConstU64<COMMIT_WINDOW>;
	type DrawDelay = DrawDelayOf;
	type ProofWindow = frame_support::traits::ConstU64<PROOF_WINDOW>;
	type ProposalLifetime = frame_support::traits::ConstU64<5>;
	type MaxProposalsPerOperator = ConstU32<2>;
	type HistoryDepth = ConstU32<5>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, UintAuthorityId, Balance> for BenchHelper {
	fn take_on(amount: Balance) {
		pallet_stone::Outstanding::<Test>::mutate(|o| *o += amount);
	}
	fn operators(n: u32) -> Vec<UintAuthorityId> {
		let set: Vec<AccountId> = (0..n as u64).map(|i| 1_000 + i).collect();
		OperatorSet::set(set.clone());
		set.into_iter().map(UintAuthorityId).collect()
	}
	fn set_randomness(_block: u32, _randomness: [u8; 32]) {}
}

#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_stone::GenesisConfig::<Test> {
			mining_cap: 1_000_000_000_000_000_000,
			education_cap: 1_000,
			schedule: pallet_stone::ScheduleParams {
				start: GENESIS_MS,
				batch_length: BATCH_MS,
				initial_reward: REWARD,
				halving_interval: 1_000_000,
			},
			transfers_enabled: false,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(GENESIS_MS + BLOCK_MS);
		});
		ext
	}

	/// Runs `test`, then checks the invariants of Mileage and Stone (and that Stone owes
	/// exactly what the batches in flight still hold).
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			check_invariants();
		});
	}
}

/// Both pallets' `try_state` and the cross-pallet invariant: the Stones the mining pool owes are
/// what the batches in flight still hold.
pub fn check_invariants() {
	Mileage::do_try_state().expect("mileage invariants hold");
	Stone::do_try_state().expect("stone invariants hold");
	assert_eq!(pallet_stone::Outstanding::<Test>::get(), Mileage::owed(), "owed ≠ in flight");
}

/// Chain time of block `n`.
pub fn time_of(n: u64) -> u64 {
	GENESIS_MS + n * BLOCK_MS
}

/// Ends the block and runs the next one as the executive does: `on_initialize` (Stone closes
/// batches on the previous block's time, then Mileage), the timestamp inherent, `on_finalize`
/// and `on_idle`.
pub fn next_block() {
	let now = System::block_number() + 1;
	System::set_block_number(now);
	Stone::on_initialize(now);
	Mileage::on_initialize(now);
	Timestamp::set_timestamp(time_of(now));
	Mileage::on_idle(now, Weight::MAX);
	Mileage::on_finalize(now);
}

/// Advances `n` blocks.
pub fn run_blocks(n: u64) {
	for _ in 0..n {
		next_block();
	}
}

/// Runs blocks until a batch is in flight and committing; returns it.
pub fn run_to_close() -> BatchIndex {
	for _ in 0..20 {
		next_block();
		if let Some(b) = crate::InFlight::<Test>::get().last().copied().filter(|b| {
			matches!(crate::Batches::<Test>::get(b).map(|r| r.phase), Some(BatchPhase::Committing))
		}) {
			return b;
		}
	}
	panic!("no batch closed");
}

/// A vehicle id.
pub fn vid(n: u8) -> VehicleId {
	H256::repeat_byte(n)
}

/// Registers vehicle `n` for `owner` as the admin.
pub fn register(n: u8, owner: AccountId) {
	frame_support::assert_ok!(Mileage::register_vehicle(
		RuntimeOrigin::root(),
		vid(n),
		owner,
		None
	));
}

/// The tree of `weights` (vehicle, weight), in any order.
pub fn tree(weights: &[(u8, u64)]) -> Tree {
	let leaves = weights.iter().filter(|(_, w)| *w > 0).map(|(n, w)| (vid(*n).0, *w));
	Tree::from_leaves(SALT, leaves).unwrap()
}

/// Operator `operator`'s commitment call for `batch`, signed over the genesis hash.
pub fn commit_call(operator: AccountId, batch: BatchIndex, commitment: Commitment) -> Call<Test> {
	commit_call_for(operator, batch, commitment, Mileage::genesis_hash())
}

/// The same, signed over `genesis` (another chain's).
pub fn commit_call_for(
	operator: AccountId,
	batch: BatchIndex,
	commitment: Commitment,
	genesis: H256,
) -> Call<Test> {
	let payload = CommitmentPayload { operator: UintAuthorityId(operator), batch, commitment };
	let signature = sign(operator, &signed_message(COMMIT_TAG, &genesis, &payload));
	Call::commit { payload, signature }
}

/// Operator `operator`'s proposal call of `change`, valid for the proposal lifetime.
pub fn propose_call(operator: AccountId, change: Change<AccountId>) -> Call<Test> {
	propose_call_until(operator, change, System::block_number() + 5)
}

/// Operator `operator`'s proposal call of `change`, valid until block `valid_until`.
pub fn propose_call_until(
	operator: AccountId,
	change: Change<AccountId>,
	valid_until: u64,
) -> Call<Test> {
	let payload = ProposalPayload { operator: UintAuthorityId(operator), change, valid_until };
	let signature =
		sign(operator, &signed_message(PROPOSE_TAG, &Mileage::genesis_hash(), &payload));
	Call::propose { payload, signature }
}

fn sign(operator: AccountId, message: &[u8]) -> TestSignature {
	UintAuthorityId(operator).sign(&message).unwrap()
}

/// The claim of `slot` of `batch` by leaf `index` of `tree`.
pub fn claim_call(batch: BatchIndex, slot: u32, tree: &Tree, index: u64) -> Call<Test> {
	Call::claim {
		batch,
		slot,
		leaf: tree.leaf(index).unwrap(),
		leaf_salt: tree.leaf_salt(index).unwrap(),
		proof: tree.proof(index).unwrap(),
	}
}

/// The leaf of `tree` that owns `point`.
pub fn leaf_at(tree: &Tree, point: u64) -> u64 {
	let mut start = 0;
	for index in 0..tree.len() {
		let weight = tree.leaf(index).unwrap().weight;
		if point < start + weight {
			return index;
		}
		start += weight;
	}
	panic!("point {point} beyond the total");
}

/// The pool's verdict on `call`.
pub fn authorize(call: &Call<Test>) -> Result<(), InvalidTransaction> {
	match call.authorize(TransactionSource::External) {
		Some(Ok(_)) => Ok(()),
		Some(Err(TransactionValidityError::Invalid(i))) => Err(i),
		Some(Err(other)) => panic!("unexpected {other:?}"),
		None => panic!("an authorized call"),
	}
}

/// Authorizes `call` as the pool does, then dispatches it as a block does.
pub fn submit(call: Call<Test>) -> sp_runtime::DispatchResult {
	authorize(&call).map_err(|e| sp_runtime::DispatchError::Other(e.into()))?;
	dispatch(call)
}

/// Dispatches an authorized `call` as a block does (no pool check).
pub fn dispatch(call: Call<Test>) -> sp_runtime::DispatchResult {
	use frame_support::traits::UnfilteredDispatchable;
	call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
		.map(|_| ())
		.map_err(|e| e.error)
}

/// The slots of `batch` that are open, with their points.
pub fn open_slots(batch: BatchIndex) -> Vec<(u32, u64)> {
	let mut slots: Vec<(u32, u64)> = crate::Slots::<Test>::iter_prefix(batch)
		.filter_map(|(slot, state)| match state {
			SlotState::Open { point } => Some((slot, point)),
			_ => None,
		})
		.collect();
	slots.sort();
	slots
}

/// The Mileage events so far.
pub fn mileage_events() -> Vec<pallet_mileage::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Mileage(e) => Some(e),
			_ => None,
		})
		.collect()
}
