//! A test runtime: System, Timestamp, Balances, Stone (the educational pool) and Crystals, with a
//! randomness beacon and a vehicle registry the tests control.

use core::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use frame_support::{derive_impl, parameter_types, traits::Hooks, weights::Weight};
use sp_core::H256;
use sp_runtime::BuildStorage;
use valley_primitives::{BlockRandomness, VehicleOwners};

use crate::{self as pallet_crystals};

pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;
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
	pub type Crystals = pallet_crystals;
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
	type ExistentialDeposit = frame_support::traits::ConstU128<ED>;
	type DustRemoval = pallet_stone::BurnTracker<Test>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

/// The existential deposit.
pub const ED: Balance = 5;
/// The educational pool of the test runtime.
pub const EDUCATION_CAP: Balance = 100_000;
/// One Stone.
pub const STONE: Balance = 100;
/// Pieces per Stone: a piece is worth 10.
pub const PIECES_PER_STONE: u32 = 10;
/// The most prizes in a table.
pub const MAX_PRIZES: u32 = 8;
/// The most pending openings per account.
pub const MAX_PENDING: u32 = 4;
/// The most openings requested per block.
pub const MAX_OPENS: u32 = 5;

parameter_types! {
	pub const StoneUnit: Balance = STONE;
}

impl pallet_stone::Config for Test {
	type Currency = Balances;
	type Time = Timestamp;
	type Distributor = ();
	type MaxBatchMultiple = frame_support::traits::ConstU32<4>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	// This pallet is the pool's consumer: Stone's `try_state` checks its count against ours.
	type EducationReservations = CrystalsReserved;
	type WeightInfo = ();
}

/// What the crystals pallet holds reserved in the educational pool.
pub struct CrystalsReserved;
impl valley_primitives::EducationReservations<Balance> for CrystalsReserved {
	fn reserved() -> Balance {
		crate::Reserved::<Test>::get()
	}
}

thread_local! {
	/// Blocks whose randomness the beacon does not have.
	static MISSING: RefCell<BTreeSet<BlockNumber>> = const { RefCell::new(BTreeSet::new()) };
	/// Randomness set by hand (benchmarks, the odds test).
	static SET: RefCell<BTreeMap<BlockNumber, H256>> = const { RefCell::new(BTreeMap::new()) };
	/// Accounts owning a registered vehicle.
	static OWNERS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
}

/// The beacon: every block up to the current one has randomness (its inherent has run), a hash
/// of its number unless set by hand, except for the blocks made to miss it.
pub struct TestBeacon;
impl TestBeacon {
	/// `block` will have no randomness (in the runtime the beacon's inherent is mandatory).
	pub fn miss(block: BlockNumber) {
		MISSING.with(|p| p.borrow_mut().insert(block));
	}
	pub fn set(block: BlockNumber, randomness: H256) {
		SET.with(|s| s.borrow_mut().insert(block, randomness));
	}
}
impl BlockRandomness<BlockNumber, H256> for TestBeacon {
	fn randomness_of(block: BlockNumber) -> Option<H256> {
		if block > System::block_number() || MISSING.with(|p| p.borrow().contains(&block)) {
			return None;
		}
		Some(
			SET.with(|s| s.borrow().get(&block).copied())
				.unwrap_or_else(|| H256(sp_io::hashing::blake2_256(&block.to_le_bytes()))),
		)
	}
}

/// The vehicle registry.
pub struct TestOwners;
impl TestOwners {
	pub fn add(who: AccountId) {
		OWNERS.with(|o| o.borrow_mut().insert(who));
	}
	pub fn remove(who: AccountId) {
		OWNERS.with(|o| o.borrow_mut().remove(&who));
	}
}
impl VehicleOwners<AccountId> for TestOwners {
	fn owns_vehicle(who: &AccountId) -> bool {
		OWNERS.with(|o| o.borrow().contains(who))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner(who: &AccountId) {
		Self::add(*who);
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<BlockNumber, H256> for TestBeacon {
	fn set_randomness(block: BlockNumber, randomness: H256) {
		Self::set(block, randomness);
	}
}

impl pallet_crystals::Config for Test {
	type Balance = Balance;
	type Pool = Stone;
	type Randomness = TestBeacon;
	type VehicleOwners = TestOwners;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type StoneUnit = StoneUnit;
	type PiecesPerStone = frame_support::traits::ConstU32<PIECES_PER_STONE>;
	type MaxPrizes = frame_support::traits::ConstU32<MAX_PRIZES>;
	type MaxPendingPerAccount = frame_support::traits::ConstU32<MAX_PENDING>;
	type MaxOpensPerBlock = frame_support::traits::ConstU32<MAX_OPENS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBeacon;
}

#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		MISSING.with(|p| p.borrow_mut().clear());
		SET.with(|s| s.borrow_mut().clear());
		OWNERS.with(|o| o.borrow_mut().clear());
		let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut storage = storage;
		// IM Valley's shape in small numbers: 500 a batch halving every 210,000 batches.
		pallet_stone::GenesisConfig::<Test> {
			mining_cap: 210_000_000,
			education_cap: EDUCATION_CAP,
			schedule: pallet_stone::ScheduleParams {
				start: 0,
				batch_length: 600_000,
				initial_reward: 500,
				halving_interval: 210_000,
			},
			transfers_enabled: false,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			System::note_finished_initialize();
		});
		ext
	}

	/// Runs `test`, then checks the invariants of Crystals and of the Stone pools.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Crystals::do_try_state().expect("crystals invariants hold");
			Stone::do_try_state().expect("stone invariants hold");
		});
	}
}

/// Ends the current block and starts the next, as frame-executive does: Crystals'
/// `on_finalize` in the finalization phase (drawing the openings of the block before), then
/// `System::initialize` (which keeps the events, so that tests see every block's) and Crystals'
/// `on_initialize`, whose weight it returns; the block's transactions follow, in phase
/// `ApplyExtrinsic(0)`.
pub fn next_block() -> Weight {
	let now = System::block_number();
	System::note_finished_extrinsics();
	Crystals::on_finalize(now);
	System::initialize(&(now + 1), &System::parent_hash(), &Default::default());
	let weight = Crystals::on_initialize(now + 1);
	System::note_finished_initialize();
	weight
}

/// Advances `n` blocks.
pub fn run_blocks(n: u64) {
	for _ in 0..n {
		next_block();
	}
}

/// The Crystals events so far.
pub fn crystals_events() -> Vec<pallet_crystals::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Crystals(e) => Some(e),
			_ => None,
		})
		.collect()
}
