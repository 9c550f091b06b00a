//! The beacon: a valid VRF is accepted and becomes the block's randomness; every other VRF, a
//! second one, a missing one and a non-inherent origin are refused; the history and both ways of
//! reading it.

use frame_support::{
	assert_noop, assert_ok,
	inherent::ProvideInherent,
	traits::{Hooks, Randomness},
};
use sp_core::{sr25519, Pair, H256};
use sp_inherents::InherentData;
use sp_runtime::DispatchError;
use valley_primitives::BlockRandomness;

use crate::{
	fixture::{FIXTURE_AUTHOR, FIXTURE_PREVIOUS, FIXTURE_SLOT, FIXTURE_VRF},
	mock::*,
	BeaconVrf, Call, Error, History, InherentError, INHERENT_IDENTIFIER,
};

#[test]
fn the_slot_author_s_vrf_becomes_the_block_s_randomness() {
	build_and_execute(|| {
		start_block(101);
		let previous = Beacon::latest().1;
		let vrf = expected_vrf();
		let author = slot_author_key().public();
		assert_ok!(Beacon::set_randomness(RuntimeOrigin::none(), vrf.clone()));
		let randomness = pallet_beacon_primitives::verify(&author, &previous, 101, &vrf).unwrap();
		assert_eq!(Beacon::latest(), (1, randomness));
		assert_eq!(History::<Test>::get(1), Some(randomness));
		assert_eq!(Beacon::randomness_of(1), Some(randomness));
		// The block can end.
		Beacon::on_finalize(1);
	});
}

#[test]
fn the_randomness_changes_every_block() {
	build_and_execute(|| {
		let mut seen = std::collections::BTreeSet::new();
		for _ in 0..(DEPTH * 3) {
			next_block();
			assert!(seen.insert(Beacon::latest().1), "a new value every block");
		}
	});
}

#[test]
fn another_authority_s_vrf_is_refused() {
	build_and_execute(|| {
		start_block(101);
		let previous = Beacon::latest().1;
		for pair in keys().into_iter().filter(|pair| pair.public() != slot_author_key().public()) {
			assert_noop!(
				Beacon::set_randomness(RuntimeOrigin::none(), sign(&pair, &previous, 101)),
				Error::<Test>::InvalidVrf
			);
		}
		assert_ok!(Beacon::set_randomness(RuntimeOrigin::none(), expected_vrf()));
	});
}

#[test]
fn a_vrf_for_another_slot_is_refused() {
	build_and_execute(|| {
		next_block();
		// The author of slot 105 signs for an earlier slot of its own, then for a later one.
		start_block(105);
		let author = slot_author_key();
		let previous = Beacon::latest().1;
		for slot in [102, 108] {
			assert_noop!(
				Beacon::set_randomness(RuntimeOrigin::none(), sign(&author, &previous, slot)),
				Error::<Test>::InvalidVrf
			);
		}
	});
}

#[test]
fn a_vrf_over_another_previous_value_is_refused() {
	build_and_execute(|| {
		next_block();
		start_block(102);
		let author = slot_author_key();
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::none(), sign(&author, &H256::zero(), 102)),
			Error::<Test>::InvalidVrf
		);
	});
}

#[test]
fn a_replayed_vrf_is_refused() {
	build_and_execute(|| {
		// One authority, so that the same key authors both blocks.
		Authorities::set(vec![keys()[0].public()]);
		start_block(101);
		let original = expected_vrf();
		assert_ok!(Beacon::set_randomness(RuntimeOrigin::none(), original.clone()));
		start_block(102);
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::none(), original.clone()),
			Error::<Test>::InvalidVrf
		);
		// Not even for the original's slot: the previous randomness has moved on.
		Slot::set(101);
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::none(), original),
			Error::<Test>::InvalidVrf
		);
	});
}

#[test]
fn a_corrupted_vrf_is_refused() {
	build_and_execute(|| {
		start_block(101);
		let mut vrf = expected_vrf();
		vrf.proof[10] ^= 0x40;
		assert_noop!(Beacon::set_randomness(RuntimeOrigin::none(), vrf), Error::<Test>::InvalidVrf);
		// Bytes that are no curve point at all.
		let vrf = BeaconVrf { pre_output: [0xff; 32], proof: [0xff; 64] };
		assert_noop!(Beacon::set_randomness(RuntimeOrigin::none(), vrf), Error::<Test>::InvalidVrf);
	});
}

#[test]
fn the_randomness_is_set_once_per_block() {
	build_and_execute(|| {
		next_block();
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::none(), expected_vrf()),
			Error::<Test>::AlreadySet
		);
	});
}

#[test]
fn without_authorities_there_is_no_randomness() {
	build_and_execute(|| {
		start_block(101);
		let vrf = expected_vrf();
		Authorities::set(Vec::new());
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::none(), vrf),
			Error::<Test>::NoSlotAuthor
		);
	});
}

#[test]
fn only_an_inherent_sets_the_randomness() {
	build_and_execute(|| {
		start_block(101);
		let vrf = expected_vrf();
		assert_noop!(
			Beacon::set_randomness(RuntimeOrigin::signed(1), vrf.clone()),
			DispatchError::BadOrigin
		);
		assert_noop!(Beacon::set_randomness(RuntimeOrigin::root(), vrf), DispatchError::BadOrigin);
	});
}

#[test]
#[should_panic(expected = "the beacon inherent (the author's VRF) must be in every block")]
fn a_block_without_the_inherent_cannot_end() {
	new_test_ext().execute_with(|| {
		next_block();
		start_block(102);
		Beacon::on_finalize(2);
	});
}

#[test]
fn the_inherent_is_required_and_made_from_the_node_s_data() {
	build_and_execute(|| {
		start_block(101);
		let empty = InherentData::new();
		assert_eq!(Beacon::is_inherent_required(&empty), Ok(Some(InherentError::Missing)));
		// Without the node's VRF there is nothing to include (and the block will be invalid).
		assert_eq!(Beacon::create_inherent(&empty), None);

		let vrf = expected_vrf();
		let mut data = InherentData::new();
		data.put_data(INHERENT_IDENTIFIER, &vrf).unwrap();
		let call = Beacon::create_inherent(&data).expect("the call");
		assert!(Beacon::is_inherent(&call));
		assert_eq!(call, Call::set_randomness { vrf });
		assert_eq!(Beacon::is_inherent_required(&data), Ok(Some(InherentError::Missing)));
	});
}

#[test]
fn the_history_keeps_the_last_blocks_only() {
	build_and_execute(|| {
		let mut values = vec![H256::zero()];
		for _ in 0..(DEPTH + 5) {
			next_block();
			values.push(Beacon::latest().1);
		}
		let now = System::block_number();
		assert_eq!(now, u64::from(DEPTH) + 5);
		assert_eq!(History::<Test>::iter().count(), DEPTH as usize);
		for block in 1..=now {
			let kept = block + u64::from(DEPTH) > now;
			let expected = kept.then(|| values[block as usize]);
			assert_eq!(Beacon::randomness_of(block), expected, "block {block}");
		}
		// Not yet known: the next block's.
		assert_eq!(Beacon::randomness_of(now + 1), None);
	});
}

#[test]
fn randomness_for_a_subject_is_the_parent_s_until_the_inherent() {
	build_and_execute(|| {
		next_block();
		let (of_parent, known_at) = Beacon::random(b"subject");
		assert_eq!(known_at, 1);
		start_block(102);
		// Before the block's inherent: still the parent's.
		assert_eq!(Beacon::random(b"subject"), (of_parent, 1));
		assert_ok!(Beacon::set_randomness(RuntimeOrigin::none(), expected_vrf()));
		let (value, known_at) = Beacon::random(b"subject");
		assert_eq!(known_at, 2);
		assert_ne!(value, of_parent);
		// Different subjects get unrelated values from the same block.
		assert_ne!(Beacon::random(b"another subject").0, value);
	});
}

#[test]
fn the_benchmark_fixture_is_a_valid_vrf() {
	let author = sp_core::sr25519::Public::from_raw(FIXTURE_AUTHOR);
	let alice = sp_core::sr25519::Pair::from_string("//Alice", None).unwrap();
	assert_eq!(alice.public(), author);
	let valid =
		pallet_beacon_primitives::verify(&author, &FIXTURE_PREVIOUS, FIXTURE_SLOT, &FIXTURE_VRF);
	assert!(
		valid.is_some(),
		"FIXTURE_VRF does not verify; a valid one: {:?}",
		sign(&alice, &FIXTURE_PREVIOUS, FIXTURE_SLOT)
	);
}

/// What withholding buys an author, measured with real VRFs: an author who wants an outcome of
/// probability `p` (here a 1-in-20 prize) and withholds its block whenever its own randomness
/// does not give it lets the next slot's author decide instead: it chooses between two outcomes,
/// its own (known) and an unknown one, so it wins with `1 - (1 - p)²` ≈ 2p, never more — and every
/// withheld block is a missed slot on chain. `k` colluding authors in a row choose among `k + 1`.
#[test]
fn withholding_a_block_chooses_between_two_outcomes_at_most() {
	const TRIALS: u32 = 2_000;
	const ONE_IN: u64 = 20;
	let (withholder, next) = (&keys()[0], &keys()[1]);
	let value = |pair: &sr25519::Pair, previous: &H256, slot: u64| {
		let vrf = sign(pair, previous, slot);
		pallet_beacon_primitives::verify(&pair.public(), previous, slot, &vrf).expect("valid")
	};
	let wins =
		|randomness: H256| u64::from_le_bytes(randomness[..8].try_into().unwrap()) % ONE_IN == 0;
	let (mut honest, mut withholding, mut withheld) = (0u32, 0u32, 0u32);
	for trial in 0..TRIALS {
		let previous = H256::from(sp_io::hashing::blake2_256(&trial.to_le_bytes()));
		let slot = 1_000 + u64::from(trial) * 9;
		let own = value(withholder, &previous, slot);
		honest += u32::from(wins(own));
		// Withheld: the next slot's author makes the block, over the same previous value.
		let decided = if wins(own) {
			own
		} else {
			withheld += 1;
			value(next, &previous, slot + 1)
		};
		withholding += u32::from(wins(decided));
	}
	let p = 1.0 / ONE_IN as f64;
	let rate = |n: u32| f64::from(n) / f64::from(TRIALS);
	let sd = |q: f64| (q * (1.0 - q) / f64::from(TRIALS)).sqrt();
	let best_of_two = 1.0 - (1.0 - p) * (1.0 - p);
	println!(
		"honest {:.4} (p = {p:.4}), withholding {:.4} (1-(1-p)^2 = {best_of_two:.4}), \
		 {withheld} of {TRIALS} blocks withheld",
		rate(honest),
		rate(withholding)
	);
	assert!((rate(honest) - p).abs() < 4.0 * sd(p), "honest rate {}", rate(honest));
	assert!(
		(rate(withholding) - best_of_two).abs() < 4.0 * sd(best_of_two),
		"withholding rate {}",
		rate(withholding)
	);
	// The price: nearly every block the withholder would have made is lost.
	assert!(f64::from(withheld) > 0.9 * f64::from(TRIALS));
}
