//! A test runtime: System and the beacon, with a settable slot and authority set.

use frame_support::{derive_impl, parameter_types, traits::Hooks};
use sp_core::{crypto::VrfSecret, sr25519, Pair, H256};
use sp_runtime::BuildStorage;

use crate::{self as pallet_beacon, BeaconVrf, SlotAuthor};

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
	pub type Beacon = pallet_beacon;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Blocks whose randomness is kept.
pub const DEPTH: u32 = 8;

parameter_types! {
	/// The current block's slot.
	pub static Slot: u64 = 0;
	/// The authorities, in Aura's order: slot `s` is `Authorities[s % len]`'s.
	pub static Authorities: Vec<sr25519::Public> = Vec::new();
	pub const HistoryDepth: u32 = DEPTH;
}

/// Aura's rule over the static slot and authorities.
pub struct MockSlotAuthor;

impl SlotAuthor for MockSlotAuthor {
	fn slot_author() -> Option<(u64, sr25519::Public)> {
		let authorities = Authorities::get();
		let slot = Slot::get();
		let len = authorities.len() as u64;
		(len > 0).then(|| (slot, authorities[(slot % len) as usize]))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper for MockSlotAuthor {
	fn set_slot_author(slot: u64, author: sr25519::Public) {
		Slot::set(slot);
		Authorities::set(vec![author]);
	}
}

impl pallet_beacon::Config for Test {
	type SlotAuthor = MockSlotAuthor;
	type HistoryDepth = HistoryDepth;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockSlotAuthor;
}

/// The authorities' keys: //Alice, //Bob, //Charlie.
pub fn keys() -> Vec<sr25519::Pair> {
	["//Alice", "//Bob", "//Charlie"]
		.iter()
		.map(|suri| sr25519::Pair::from_string(suri, None).expect("a valid derivation"))
		.collect()
}

/// `pair`'s VRF over `previous` and `slot`, as the node makes it.
pub fn sign(pair: &sr25519::Pair, previous: &H256, slot: u64) -> BeaconVrf {
	pair.vrf_sign(&pallet_beacon_primitives::vrf_transcript(previous, slot).into_sign_data()).into()
}

/// The key of the current slot's author.
pub fn slot_author_key() -> sr25519::Pair {
	let (_, author) = MockSlotAuthor::slot_author().expect("authorities are set");
	keys().into_iter().find(|pair| pair.public() == author).expect("a known authority")
}

/// The VRF the current slot's author would include now.
pub fn expected_vrf() -> BeaconVrf {
	sign(&slot_author_key(), &Beacon::latest().1, Slot::get())
}

/// Ends the current block (the beacon checks it got its randomness) and starts block `n + 1` in
/// slot `slot`, without its inherent.
pub fn start_block(slot: u64) {
	let now = System::block_number();
	if now > 0 {
		Beacon::on_finalize(now);
	}
	System::set_block_number(now + 1);
	Slot::set(slot);
	Beacon::on_initialize(now + 1);
}

/// Starts the block of the next slot and applies its author's inherent.
pub fn next_block() {
	start_block(Slot::get() + 1);
	Beacon::set_randomness(RuntimeOrigin::none(), expected_vrf()).expect("the author's VRF");
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		Authorities::set(keys().iter().map(|pair| pair.public()).collect());
		Slot::set(100);
	});
	ext
}

/// Runs `test` from genesis and checks the beacon's invariants afterwards.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Beacon::do_try_state().expect("the beacon's invariants hold");
	});
}
