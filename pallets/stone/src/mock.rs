//! A test runtime: System, Balances, Timestamp and Stone with small numbers.

use frame_support::{derive_impl, parameter_types, traits::Hooks};
use sp_runtime::BuildStorage;
use valley_primitives::{BatchDistributor, BatchIndex};

use crate::{self as pallet_stone, ScheduleParams};

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

/// One block every six seconds, as on IM Valley.
pub const BLOCK_MS: u64 = 6_000;
/// A batch every two blocks.
pub const BATCH_MS: u64 = 12_000;
/// 500 per batch, halving every 10 batches: 10 · (500 + 250 + … ) = 9,970 released in all.
pub const INITIAL_REWARD: Balance = 500;
pub const HALVING: BatchIndex = 10;
pub const MINING_CAP: Balance = 10_000;
pub const EDUCATION_CAP: Balance = 1_000;
pub const ENDOWMENT: Balance = 100;

parameter_types! {
	/// The share of each batch the test distributor takes on, in percent.
	pub static TakePercent: u32 = 0;
	/// What the test distributor was handed: (batch, amount).
	pub static Handed: Vec<(BatchIndex, Balance)> = vec![];
	/// What the test distributor gives back of an earlier batch while a batch closes, as the
	/// mileage pallet does with a stale pending draw.
	pub static GiveBackOnClose: Balance = 0;
}

/// Takes `TakePercent` of every batch and records what it was handed.
pub struct TestDistributor;
impl BatchDistributor<Balance> for TestDistributor {
	fn batch_closed(index: BatchIndex, amount: Balance) -> Balance {
		Handed::mutate(|h| h.push((index, amount)));
		let give_back = GiveBackOnClose::take();
		if give_back > 0 {
			<Stone as valley_primitives::MiningPayout<_, _>>::give_back(index - 1, give_back)
				.expect("the test gives back no more than is outstanding");
		}
		amount * TakePercent::get() as Balance / 100
	}
}

impl pallet_stone::Config for Test {
	type Currency = Balances;
	type Time = Timestamp;
	type Distributor = TestDistributor;
	type MaxBatchMultiple = frame_support::traits::ConstU32<4>;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type EducationReservations = PoolTestsReserve;
	type WeightInfo = ();
}

/// The pool's own tests reserve in it directly: they are its only consumer.
pub struct PoolTestsReserve;
impl valley_primitives::EducationReservations<Balance> for PoolTestsReserve {
	fn reserved() -> Balance {
		pallet_stone::EducationReserved::<Test>::get()
	}
}

pub struct ExtBuilder {
	schedule: ScheduleParams<Balance>,
	mining_cap: Balance,
	education_cap: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			schedule: ScheduleParams {
				start: 0,
				batch_length: BATCH_MS,
				initial_reward: INITIAL_REWARD,
				halving_interval: HALVING,
			},
			mining_cap: MINING_CAP,
			education_cap: EDUCATION_CAP,
		}
	}
}

impl ExtBuilder {
	pub fn schedule(mut self, schedule: ScheduleParams<Balance>) -> Self {
		self.schedule = schedule;
		self
	}

	/// Another programme's pools.
	pub fn caps(mut self, mining_cap: Balance, education_cap: Balance) -> Self {
		self.mining_cap = mining_cap;
		self.education_cap = education_cap;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![(1, ENDOWMENT), (2, ENDOWMENT)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_stone::GenesisConfig::<Test> {
			mining_cap: self.mining_cap,
			education_cap: self.education_cap,
			schedule: self.schedule,
			transfers_enabled: false,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Stone::do_try_state().expect("invariants hold");
		});
	}
}

/// Advances one block: timestamp of block `n` is `n * BLOCK_MS`, then `on_initialize` of the
/// next block (which sees that time, as in a real chain).
pub fn next_block() {
	let now = System::block_number();
	Timestamp::set_timestamp(now * BLOCK_MS);
	System::set_block_number(now + 1);
	Stone::on_initialize(now + 1);
}

/// Advances `n` blocks.
pub fn run_blocks(n: u64) {
	for _ in 0..n {
		next_block();
	}
}

/// The Stone events so far.
pub fn stone_events() -> Vec<pallet_stone::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Stone(e) => Some(e),
			_ => None,
		})
		.collect()
}
