//! What reaches the executive beside the pallets' calls: forged and misplaced beacon inherents,
//! bare extrinsics of ordinary calls, encodings beyond a bound, replays and an oversized
//! transaction.

use codec::{DecodeAll, Encode};
use frame_support::{traits::Get, BoundedVec};
use sp_core::H256;
use sp_runtime::{generic::Preamble, MultiAddress};
use valley_runtime::{
	AccountId, Balance, Beacon, Nonce, Runtime, RuntimeCall, RuntimeOrigin, System, SystemCall,
};

use crate::{
	actors::{ALICE, BOB},
	calls::{Attempt, Gen, Kind, Tamper, Via},
	chain, World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "Beacon", weight: 5, kind: Kind::Other, make: beacon_misuse },
	Gen { pallet: "(executive)", weight: 3, kind: Kind::Other, make: bare },
	Gen { pallet: "(executive)", weight: 3, kind: Kind::Other, make: undecodable },
	Gen { pallet: "(executive)", weight: 8, kind: Kind::Other, make: replay },
	Gen { pallet: "(executive)", weight: 1, kind: Kind::Other, make: oversized_transaction },
];

fn set_randomness(vrf: pallet_beacon::BeaconVrf) -> RuntimeCall {
	RuntimeCall::Beacon(pallet_beacon::Call::set_randomness { vrf })
}

/// A beacon inherent the block must refuse, applied before the author's: another key's VRF, one
/// for another slot or over another previous randomness, bytes that are no VRF, or the previous
/// block's.
pub fn forged_beacon(w: &mut World) -> Attempt {
	let previous = Beacon::latest().1;
	let slot = w.slot;
	let alice = &w.actors.all[ALICE].pair;
	let vrf = match w.rng.below(5) {
		0 => chain::vrf(&w.actors.all[BOB].pair, &previous, slot),
		1 => chain::vrf(alice, &previous, slot + 1 + w.rng.below(3)),
		2 => chain::vrf(alice, &H256(w.rng.bytes()), slot),
		3 => pallet_beacon::BeaconVrf { pre_output: w.rng.bytes(), proof: w.rng.bytes() },
		_ => match w.last_vrf.clone() {
			Some(replayed) => replayed,
			None => chain::vrf(alice, &previous, slot.saturating_sub(1)),
		},
	};
	Attempt::Call { call: set_randomness(vrf), via: Via::Bare }
}

fn beacon_misuse(w: &mut World) -> Option<Attempt> {
	// After the author's inherent: the block has its randomness.
	let vrf = match (w.rng.percent(50), w.last_vrf.clone()) {
		(true, Some(vrf)) => vrf,
		_ => pallet_beacon::BeaconVrf { pre_output: w.rng.bytes(), proof: w.rng.bytes() },
	};
	let call = set_randomness(vrf);
	let via = match w.rng.below(4) {
		0 => Via::Origin(RuntimeOrigin::none()),
		1 => Via::Origin(RuntimeOrigin::root()),
		2 => Via::Bare,
		_ => Via::Signed { signer: w.anyone(), tamper: Tamper::None },
	};
	Some(Attempt::Call { call, via })
}

fn bare(w: &mut World) -> Option<Attempt> {
	// No ordinary call validates as an unsigned transaction.
	let call = w.inner_call(Kind::User);
	if matches!(call, RuntimeCall::System(SystemCall::apply_authorized_upgrade { .. })) {
		// The one call that may come unsigned (with authorized code); made signed elsewhere.
		return None;
	}
	Some(Attempt::Call { call, via: Via::Bare })
}

/// The first two bytes of `call`'s encoding: its pallet and call index.
fn prefix(call: RuntimeCall) -> Vec<u8> {
	call.encode()[..2].to_vec()
}

fn box_kind_prefix() -> Vec<u8> {
	prefix(RuntimeCall::Crystals(pallet_crystals::Call::set_box_kind {
		kind: 1,
		name: Default::default(),
		price: None,
		prizes: Default::default(),
	}))
}

/// `set_box_kind` with `prizes` prizes.
fn box_kind_with_prizes(prizes: usize) -> Vec<u8> {
	let slot =
		pallet_crystals::PrizeSlot::<Balance> { prize: pallet_crystals::Prize::Nothing, stock: 1 };
	let mut bytes = box_kind_prefix();
	(1u32, Vec::<u8>::new(), None::<u64>, vec![slot; prizes]).encode_to(&mut bytes);
	bytes
}

/// `set_box_kind` with a name of `len` bytes.
fn box_kind_with_name(len: usize) -> Vec<u8> {
	let mut bytes = box_kind_prefix();
	(1u32, vec![b'n'; len], Some(5u64), Vec::<u8>::new()).encode_to(&mut bytes);
	bytes
}

/// `set_task_kind` with a name of `len` bytes.
fn task_kind_with_name(len: usize) -> Vec<u8> {
	let task = pallet_crystals::TaskKind {
		name: Default::default(),
		crystals: 1,
		egg: None,
		limit: 1,
		period: 1,
	};
	let mut bytes =
		prefix(RuntimeCall::Crystals(pallet_crystals::Call::set_task_kind { kind: 1, task }));
	(1u32, vec![b'n'; len], 5u64, None::<u32>, 1u32, 10u32).encode_to(&mut bytes);
	bytes
}

/// `Mileage::claim` with a proof of `len` siblings.
fn claim_with_siblings(len: usize) -> Vec<u8> {
	let leaf = pallet_mileage::Leaf { vehicle: [7; 32], weight: 1 };
	let proof = pallet_mileage::Proof { leaf_index: 0, siblings: BoundedVec::new() };
	let mut bytes = prefix(RuntimeCall::Mileage(pallet_mileage::Call::claim {
		batch: 0,
		slot: 0,
		leaf,
		leaf_salt: [0; 32],
		proof,
	}));
	(0u64, 0u32, leaf, [0u8; 32], 0u64, vec![valley_merkle_sum::Node::EMPTY; len])
		.encode_to(&mut bytes);
	bytes
}

fn undecodable(w: &mut World) -> Option<Attempt> {
	let (name, make, bound): (&'static str, fn(usize) -> Vec<u8>, u32) = match w.rng.below(4) {
		0 => (
			"Crystals::set_box_kind",
			box_kind_with_prizes,
			<Runtime as pallet_crystals::Config>::MaxPrizes::get(),
		),
		1 => ("Crystals::set_box_kind", box_kind_with_name, pallet_crystals::MAX_NAME_LEN),
		2 => ("Crystals::set_task_kind", task_kind_with_name, pallet_crystals::MAX_NAME_LEN),
		_ => ("Mileage::claim", claim_with_siblings, valley_merkle_sum::MAX_DEPTH),
	};
	// Once with the most the bound allows, which must decode (so that the encoding is right).
	let bound = bound as usize;
	match RuntimeCall::decode_all(&mut &make(bound)[..]) {
		Ok(call) if crate::stats::name_of(&call) == name => {},
		other => w.fail(format!("{name} at its bound ({bound}) does not decode: {other:?}")),
	}
	Some(Attempt::Undecodable { name, bytes: make(bound + 1) })
}

/// The signer and nonce of a signed transaction.
fn signer_and_nonce(xt: &valley_runtime::UncheckedExtrinsic) -> Option<(AccountId, Nonce)> {
	match &xt.preamble {
		Preamble::Signed(MultiAddress::Id(who), _, ext) => Some((who.clone(), ext.6 .0)),
		_ => None,
	}
}

fn replay(w: &mut World) -> Option<Attempt> {
	// Mostly one whose nonce is its signer's current nonce again, if any (an account reaped and
	// created again): the replay the nonce is there to prevent.
	let replayable = w.applied.iter().find(|xt| {
		signer_and_nonce(xt).is_some_and(|(who, nonce)| System::account_nonce(&who) == nonce)
	});
	match replayable {
		Some(xt) if w.rng.percent(80) => Some(Attempt::Replay(xt.clone())),
		_ => {
			let i = w.rng.index(w.applied.len());
			w.applied.get(i).cloned().map(Attempt::Replay)
		},
	}
}

fn oversized_transaction(w: &mut World) -> Option<Attempt> {
	// Longer than a block's room for ordinary transactions (3.75 MiB): never included.
	let remark = vec![0u8; 4 << 20];
	let call = RuntimeCall::System(SystemCall::remark { remark });
	Some(Attempt::Call { call, via: Via::Signed { signer: w.anyone(), tamper: Tamper::None } })
}
