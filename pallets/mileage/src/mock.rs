//! A test runtime: System, Timestamp, Balances, Stone (the real pools and batches), oracle
//! membership, the oracle and Mileage, with small numbers.

use frame_support::{
	derive_impl, parameter_types,
	traits::{EitherOfDiverse, Hooks, Randomness},
	weights::WeightMeter,
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_core::H256;
use sp_runtime::{testing::UintAuthorityId, BuildStorage, Perbill};

use crate::{self as pallet_mileage, Km, VehicleId, DAY_MS};

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
	pub type OracleMembership = pallet_membership;
	#[runtime::pallet_index(5)]
	pub type Oracle = pallet_oracle;
	#[runtime::pallet_index(6)]
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
/// A batch every two blocks.
pub const BATCH_MS: u64 = 12_000;
/// Each batch hands out 600 (no halving within a test).
pub const REWARD: Balance = 600;
/// The oracle operators.
pub const ORACLE_A: AccountId = 10;
pub const ORACLE_B: AccountId = 11;
pub const ORACLE_C: AccountId = 12;
/// Owners.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;

parameter_types! {
	pub const MiningCap: Balance = 1_000_000_000_000;
	pub const EducationCap: Balance = 1_000;
	pub const OraclePalletId: PalletId = PalletId(*b"vl/oracl");
	/// Readings older than an hour do not count towards the median.
	pub const ReadingsExpireIn: u64 = 3_600_000;
	pub static Capacity: u32 = 16;
	pub static Share: Perbill = Perbill::from_percent(50);
	pub static Seed: u64 = 0;
	/// How many blocks before the current one the test randomness claims to be known.
	pub static RandomnessLag: u64 = 0;
	/// Chain time skipped by [`jump`].
	pub static Skipped: u64 = 0;
}

impl pallet_stone::Config for Test {
	type Currency = Balances;
	type Time = Timestamp;
	type Distributor = Mileage;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MiningCap = MiningCap;
	type EducationCap = EducationCap;
	// Nothing reserves in the educational pool here.
	type EducationReservations = ();
	type WeightInfo = ();
}

impl pallet_membership::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = ();
	type MembershipChanged = Oracle;
	type MaxMembers = frame_support::traits::ConstU32<8>;
	type WeightInfo = ();
}

impl pallet_oracle::Config for Test {
	type OnNewData = Mileage;
	type CombineData = pallet_oracle::DefaultCombineData<
		Test,
		frame_support::traits::ConstU32<1>,
		ReadingsExpireIn,
	>;
	type Time = Timestamp;
	type OracleKey = VehicleId;
	type OracleValue = Km;
	type PalletId = OraclePalletId;
	type Members = OracleMembership;
	type WeightInfo = ();
	type MaxHasDispatchedSize = frame_support::traits::ConstU32<8>;
	type MaxFeedValues = frame_support::traits::ConstU32<10>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Test>;

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() {}
}

/// The block's randomness: a hash of the test seed, the subject and the block number.
pub struct TestRandomness;
impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let now = System::block_number();
		let hash = sp_io::hashing::blake2_256(&codec::Encode::encode(&(Seed::get(), subject, now)));
		(H256(hash), now.saturating_sub(RandomnessLag::get()))
	}
}

impl pallet_mileage::Config for Test {
	type Balance = Balance;
	type Payout = Stone;
	type Time = Timestamp;
	type Randomness = TestRandomness;
	type Odometers = Oracle;
	type RegistrarOrigin =
		EitherOfDiverse<EnsureRoot<AccountId>, EnsureSignedBy<OracleMembership, AccountId>>;
	type MaxVehicles = Capacity;
	type DailyCapKm = frame_support::traits::ConstU32<500>;
	type MaxSpeedKmh = frame_support::traits::ConstU32<200>;
	type ToleranceKm = frame_support::traits::ConstU32<2>;
	type WinnerShare = Share;
	type MaxWinners = frame_support::traits::ConstU32<3>;
	type HistoryDepth = frame_support::traits::ConstU32<5>;
	type OracleId = UintAuthorityId;
	type Operators = OracleMembership;
	type Feeder = Oracle;
	type MaxFeed = frame_support::traits::ConstU32<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<Balance> for BenchHelper {
	fn feed(vehicle: VehicleId, odometer: Km) {
		use pallet_oracle::DataFeeder;
		Oracle::feed_value(None, vehicle, odometer).unwrap();
	}
	fn take_on() -> Balance {
		pallet_stone::Outstanding::<Test>::put(REWARD);
		REWARD
	}
	fn set_time(now: u64) {
		Timestamp::set_timestamp(now);
	}
	fn heaviest_feed(n: u32) -> Vec<(VehicleId, Km)> {
		let now = <Timestamp as frame_support::traits::Time>::now();
		(0..n)
			.map(|i| {
				let id = H256::from_low_u64_be(0xfeed_0000 + i as u64);
				frame_support::assert_ok!(Mileage::do_register(id, 100 + i as u64, Some(0)));
				pallet_mileage::Vehicles::<Test>::mutate(id, |v| {
					v.as_mut().unwrap().last_reading =
						Some(pallet_mileage::Reading { odometer: 1_000, at: now })
				});
				(id, 1_001)
			})
			.collect()
	}
}

#[derive(Default)]
pub struct ExtBuilder {
	oracles: Option<Vec<AccountId>>,
}

impl ExtBuilder {
	pub fn oracles(mut self, oracles: Vec<AccountId>) -> Self {
		self.oracles = Some(oracles);
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![(ORACLE_A, 100), (ORACLE_B, 100), (ORACLE_C, 100)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_stone::GenesisConfig::<Test> {
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
		pallet_membership::GenesisConfig::<Test> {
			members: self.oracles.unwrap_or(vec![ORACLE_A]).try_into().unwrap(),
			..Default::default()
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

	/// Runs `test`, then checks the invariants of Mileage and Stone.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Mileage::do_try_state().expect("mileage invariants hold");
			Stone::do_try_state().expect("stone invariants hold");
		});
	}
}

/// Chain time of block `n`.
pub fn time_of(n: u64) -> u64 {
	GENESIS_MS + n * BLOCK_MS + Skipped::get()
}

/// Ends the block and runs the next one's hooks as the executive does: `on_initialize` (batches
/// close on the previous block's time), the timestamp inherent, `on_poll` (draws), and the
/// mileage pallet's `on_finalize` (pays what was drawn).
pub fn next_block() {
	let now = System::block_number();
	<Oracle as Hooks<u64>>::on_finalize(now);
	System::set_block_number(now + 1);
	Stone::on_initialize(now + 1);
	Timestamp::set_timestamp(time_of(now + 1));
	Mileage::on_poll(now + 1, &mut WeightMeter::new());
	// The end of the block: what `on_poll` drew is paid.
	Mileage::on_finalize(now + 1);
}

/// Advances `n` blocks.
pub fn run_blocks(n: u64) {
	for _ in 0..n {
		next_block();
	}
}

/// Jumps chain time forward by `ms` within the current block, as after a stall (the next blocks
/// close the overdue batches one per block).
pub fn jump(ms: u64) {
	Skipped::mutate(|s| *s += ms);
	Timestamp::set_timestamp(time_of(System::block_number()));
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

/// Feeds odometers as `operator`.
pub fn feed(
	operator: AccountId,
	readings: &[(u8, Km)],
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	let values: Vec<(VehicleId, Km)> = readings.iter().map(|(n, km)| (vid(*n), *km)).collect();
	Oracle::feed_values(RuntimeOrigin::signed(operator), values.try_into().unwrap())
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
