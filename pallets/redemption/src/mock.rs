//! A test runtime: System, Timestamp, Balances and Redemption, with a vehicle registry, a stock
//! of collectibles and a burn counter the tests control.

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Credit, ConstU32, ConstU64, Hooks, Imbalance, OnUnbalanced},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, DispatchError};
use valley_primitives::{CollectibleStock, VehicleRegistry};

use crate::{self as pallet_redemption, *};

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
	pub type Redemption = pallet_redemption;
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
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

pub const ED: Balance = 5;
pub const STONE: Balance = 100;
pub const ENDOWMENT: Balance = 100_000 * STONE;
/// Chain time at genesis: day 1,000 since the epoch.
pub const GENESIS_MS: u64 = 1_000 * DAY_MS;
pub const BLOCK_MS: u64 = 6_000;
pub const ACCEPT_WINDOW: u64 = 10;
pub const MAX_ORDERS: u32 = 3;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// No Stones.
pub const DAVE: AccountId = 4;
/// The service desk.
pub const DESK: AccountId = 9;

/// Items of the genesis catalogue.
pub const PACKAGE: ItemId = 1;
pub const CHARGING: ItemId = 2;
pub const TOTEM: ItemId = 4;
/// The artwork of `TOTEM`, and its editions held by the catalogue.
pub const ARTWORK: u32 = 7;
pub const EDITIONS: u32 = 2;

thread_local! {
	static VEHICLES: RefCell<BTreeMap<AccountId, u64>> = const { RefCell::new(BTreeMap::new()) };
	static EDITIONS_OF: RefCell<BTreeMap<(u32, u32), AccountId>> = const { RefCell::new(BTreeMap::new()) };
	static BURNED: RefCell<Balance> = const { RefCell::new(0) };
}

/// `who` owns a vehicle registered at `at_ms`.
pub fn give_vehicle(who: AccountId, at_ms: u64) {
	VEHICLES.with(|v| v.borrow_mut().insert(who, at_ms));
}

/// The owner of `edition` of `artwork`.
pub fn edition_owner(artwork: u32, edition: u32) -> Option<AccountId> {
	EDITIONS_OF.with(|e| e.borrow().get(&(artwork, edition)).copied())
}

/// Stones burned through the pallet.
pub fn burned() -> Balance {
	BURNED.with(|b| *b.borrow())
}

pub struct Registry;

impl VehicleRegistry<AccountId> for Registry {
	const MAX_CHECKED: u32 = 1;
	fn registered_since(who: &AccountId) -> Option<u64> {
		VEHICLES.with(|v| v.borrow().get(who).copied())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_owner_since(who: &AccountId, at_ms: u64) {
		give_vehicle(*who, at_ms)
	}
}

pub struct Stock;

impl CollectibleStock<AccountId> for Stock {
	fn available(artwork: u32, holder: &AccountId) -> u32 {
		EDITIONS_OF
			.with(|e| e.borrow().iter().filter(|((a, _), o)| *a == artwork && *o == holder).count())
			as u32
	}
	fn hand_over(artwork: u32, holder: &AccountId, to: &AccountId) -> Result<u32, DispatchError> {
		EDITIONS_OF.with(|e| {
			let mut e = e.borrow_mut();
			let edition = e
				.iter()
				.find(|((a, _), o)| *a == artwork && *o == holder)
				.map(|((_, ed), _)| *ed)
				.ok_or(DispatchError::Other("no edition left"))?;
			e.insert((artwork, edition), *to);
			Ok(edition)
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn worst_case_stock(holder: &AccountId) -> u32 {
		EDITIONS_OF.with(|e| e.borrow_mut().insert((99, 0), *holder));
		99
	}
}

pub struct CountBurn;

impl OnUnbalanced<Credit<AccountId, Balances>> for CountBurn {
	fn on_nonzero_unbalanced(amount: Credit<AccountId, Balances>) {
		BURNED.with(|b| *b.borrow_mut() += amount.peek());
	}
}

parameter_types! {
	pub const RedemptionPalletId: PalletId = PalletId(*b"im/rdeem");
}

impl pallet_redemption::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Burn = CountBurn;
	type Time = Timestamp;
	type Vehicles = Registry;
	type Collectibles = Stock;
	type AdminOrigin = EnsureRoot<AccountId>;
	type PalletId = RedemptionPalletId;
	type NameLimit = ConstU32<32>;
	type AcceptWindow = ConstU64<ACCEPT_WINDOW>;
	type MaxOrdersPerBlock = ConstU32<MAX_ORDERS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SetTime;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct SetTime;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for SetTime {
	fn set_now_ms(ms: u64) {
		pallet_timestamp::Now::<Test>::put(ms);
	}
}

/// An item's spec: `price` Stones, `stock`, for owners of a vehicle registered 90 days ago.
pub fn spec(name: &str, category: Category, price: Balance, stock: u32) -> ItemSpecOf<Test> {
	ItemSpec {
		name: name.as_bytes().to_vec().try_into().unwrap(),
		category,
		price,
		cash: None,
		stock,
		per_account: 2,
		starts_ms: 0,
		ends_ms: None,
		eligibility: Eligibility::VehicleRegisteredDays(90),
		delivery: Delivery::Desk,
	}
}

fn genesis_item(spec: ItemSpecOf<Test>) -> GenesisItem<Balance> {
	spec.map_name(|name| name.into_inner())
}

pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		VEHICLES.with(|v| v.borrow_mut().clear());
		BURNED.with(|b| *b.borrow_mut() = 0);
		EDITIONS_OF.with(|e| {
			let mut e = e.borrow_mut();
			e.clear();
			for edition in 0..EDITIONS {
				e.insert((ARTWORK, edition), Redemption::account());
			}
		});
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: [ALICE, BOB, CHARLIE, DESK].iter().map(|a| (*a, ENDOWMENT)).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let package = ItemSpec {
			cash: Some(CashPart { currency: *b"CNY", amount: 1_000_000 }),
			per_account: 1,
			..spec("NOA driving package", Category::Upgrade, 6_800 * STONE, 5)
		};
		let charging = ItemSpec {
			eligibility: Eligibility::Anyone,
			..spec("Charging month", Category::PremiumService, 50 * STONE, 1)
		};
		let totem = ItemSpec {
			delivery: Delivery::Collectible { artwork: ARTWORK },
			..spec("The New Totem", Category::DigitalCollectible, 10 * STONE, EDITIONS)
		};
		pallet_redemption::GenesisConfig::<Test> {
			items: vec![
				(PACKAGE, genesis_item(package)),
				(CHARGING, genesis_item(charging)),
				(TOTEM, genesis_item(totem)),
			],
			desks: vec![DESK],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Timestamp::set_timestamp(GENESIS_MS);
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Redemption::do_try_state().expect("the invariants hold");
		})
	}
}

/// Runs the next block's `on_initialize` (which expires orders), with its time.
pub fn next_block() {
	let now = System::block_number() + 1;
	System::set_block_number(now);
	Timestamp::set_timestamp(GENESIS_MS + (now - 1) * BLOCK_MS);
	Redemption::on_initialize(now);
}

/// Advances to block `n`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}

/// Free Stones of `who`.
pub fn free(who: AccountId) -> Balance {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// Stones `who` has held for orders.
pub fn held(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::Order.into(), &who)
}
