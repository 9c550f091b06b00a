//! System, Timestamp, Grandpa and Sudo.

use frame_support::weights::Weight;
use sp_runtime::traits::{BlakeTwo256, Hash};
use valley_runtime::{Balance, RuntimeCall, RuntimeOrigin, SystemCall};

use crate::{
	actors::{ALICE, BOB},
	calls::{Attempt, Gen, Kind, Via},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "System", weight: 20, kind: Kind::User, make: remark },
	Gen { pallet: "System", weight: 10, kind: Kind::User, make: remark_with_event },
	Gen { pallet: "System", weight: 3, kind: Kind::Admin, make: set_heap_pages },
	Gen { pallet: "System", weight: 3, kind: Kind::Admin, make: set_code },
	Gen { pallet: "System", weight: 1, kind: Kind::Admin, make: set_code_without_checks },
	Gen { pallet: "System", weight: 5, kind: Kind::Admin, make: set_storage },
	Gen { pallet: "System", weight: 4, kind: Kind::Admin, make: kill_storage },
	Gen { pallet: "System", weight: 3, kind: Kind::Admin, make: kill_prefix },
	Gen { pallet: "System", weight: 3, kind: Kind::Admin, make: authorize_upgrade },
	Gen { pallet: "System", weight: 2, kind: Kind::Admin, make: authorize_upgrade_without_checks },
	Gen { pallet: "System", weight: 5, kind: Kind::User, make: apply_authorized_upgrade },
	Gen { pallet: "Timestamp", weight: 3, kind: Kind::Other, make: timestamp_set },
	Gen { pallet: "Grandpa", weight: 3, kind: Kind::Admin, make: note_stalled },
	Gen { pallet: "Sudo", weight: 15, kind: Kind::Other, make: sudo },
	Gen { pallet: "Sudo", weight: 5, kind: Kind::Other, make: sudo_unchecked_weight },
	Gen { pallet: "Sudo", weight: 3, kind: Kind::Other, make: set_key },
	Gen { pallet: "Sudo", weight: 10, kind: Kind::Other, make: sudo_as },
	Gen { pallet: "Sudo", weight: 1, kind: Kind::Other, make: remove_key },
];

/// Keys that root's storage calls touch: under a prefix of their own, never a pallet's.
const PREFIX: &[u8] = b"randomized:";

/// Blobs offered as runtime code: none is a runtime.
fn code(w: &mut World) -> Vec<u8> {
	let mut code = b"not a runtime ".to_vec();
	code.push(w.rng.below(4) as u8);
	code
}

fn remark(w: &mut World) -> Option<Attempt> {
	let len = match w.rng.below(50) {
		0 => 0,
		1 => 100_000,
		_ => w.rng.below(64) as usize,
	};
	let call = RuntimeCall::System(SystemCall::remark { remark: w.rng.vec(len) });
	if w.rng.one_in(10) {
		// Any origin may remark, root and none included.
		return w.admin(call);
	}
	let who = w.anyone();
	w.by(who, call)
}

fn remark_with_event(w: &mut World) -> Option<Attempt> {
	let call = RuntimeCall::System(SystemCall::remark_with_event { remark: w.rng.vec_below(100) });
	if w.rng.one_in(10) {
		// Signed only.
		return w.admin(call);
	}
	let who = w.anyone();
	w.by(who, call)
}

fn set_heap_pages(w: &mut World) -> Option<Attempt> {
	let pages = if w.rng.one_in(10) { u64::MAX } else { w.rng.range(0, 4_096) };
	w.admin(RuntimeCall::System(SystemCall::set_heap_pages { pages }))
}

fn set_code(w: &mut World) -> Option<Attempt> {
	// Not a runtime: refused even from root.
	let code = code(w);
	w.admin(RuntimeCall::System(SystemCall::set_code { code }))
}

fn set_code_without_checks(w: &mut World) -> Option<Attempt> {
	let code = code(w);
	w.admin(RuntimeCall::System(SystemCall::set_code_without_checks { code }))
}

fn key(w: &mut World) -> Vec<u8> {
	let mut key = PREFIX.to_vec();
	key.push(w.rng.below(8) as u8);
	key
}

fn set_storage(w: &mut World) -> Option<Attempt> {
	let items = (0..w.rng.below(4))
		.map(|_| {
			let value = w.rng.vec_below(64);
			(key(w), value)
		})
		.collect();
	w.admin(RuntimeCall::System(SystemCall::set_storage { items }))
}

fn kill_storage(w: &mut World) -> Option<Attempt> {
	let keys = (0..w.rng.below(4)).map(|_| key(w)).collect();
	w.admin(RuntimeCall::System(SystemCall::kill_storage { keys }))
}

fn kill_prefix(w: &mut World) -> Option<Attempt> {
	let subkeys = w.rng.below(10) as u32;
	w.admin(RuntimeCall::System(SystemCall::kill_prefix { prefix: PREFIX.to_vec(), subkeys }))
}

fn authorize_upgrade(w: &mut World) -> Option<Attempt> {
	let code_hash = BlakeTwo256::hash(&code(w));
	w.admin(RuntimeCall::System(SystemCall::authorize_upgrade { code_hash }))
}

fn authorize_upgrade_without_checks(w: &mut World) -> Option<Attempt> {
	let code_hash = BlakeTwo256::hash(&code(w));
	w.admin(RuntimeCall::System(SystemCall::authorize_upgrade_without_checks { code_hash }))
}

fn apply_authorized_upgrade(w: &mut World) -> Option<Attempt> {
	// Anyone may supply the code of an authorized upgrade; other code is refused.
	let call = RuntimeCall::System(SystemCall::apply_authorized_upgrade { code: code(w) });
	if w.rng.percent(30) {
		return w.admin(call);
	}
	let who = w.anyone();
	w.by(who, call)
}

fn timestamp_set(w: &mut World) -> Option<Attempt> {
	// The inherent sets the time once per block; as a call from any origin but none it is
	// refused. (A second inherent would fail the block: the executive never includes one.)
	let now = w.now() + w.rng.range(0, 60_000);
	let origin = if w.rng.percent(30) {
		RuntimeOrigin::root()
	} else {
		RuntimeOrigin::signed(w.recipient())
	};
	let call = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now });
	Some(Attempt::Call { call, via: Via::Origin(origin) })
}

fn note_stalled(w: &mut World) -> Option<Attempt> {
	let delay = w.rng.range(1, 1_000) as u32;
	let best_finalized_block_number = w.rng.range(0, u64::from(w.block)) as u32;
	w.admin(RuntimeCall::Grandpa(pallet_grandpa::Call::note_stalled {
		delay,
		best_finalized_block_number,
	}))
}

/// The origin of a sudo call: mostly the sudo key's holder, otherwise root or another actor.
fn sudo_origin(w: &mut World, call: RuntimeCall) -> Option<Attempt> {
	let key = pallet_sudo::Key::<valley_runtime::Runtime>::get();
	let holder = key.as_ref().and_then(|k| w.actors.index_of(k));
	match (w.rng.below(10), holder) {
		(0..=6, Some(holder)) => w.by(holder, call),
		(7, _) | (_, None) => Some(Attempt::Call { call, via: Via::Origin(RuntimeOrigin::root()) }),
		_ => {
			let other = w.anyone();
			w.by(other, call)
		},
	}
}

fn sudo(w: &mut World) -> Option<Attempt> {
	let call = Box::new(w.inner_call(Kind::Admin));
	sudo_origin(w, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call }))
}

fn sudo_unchecked_weight(w: &mut World) -> Option<Attempt> {
	let call = Box::new(w.inner_call(Kind::Admin));
	let weight = Weight::from_parts(w.rng.range(0, 1 << 40), w.rng.range(0, 1 << 20));
	sudo_origin(w, RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight { call, weight }))
}

fn set_key(w: &mut World) -> Option<Attempt> {
	let new = match w.rng.below(10) {
		0..=5 => w.actors.account(ALICE),
		6..=8 => w.actors.account(BOB),
		_ => w.recipient(),
	};
	let new = w.address(new);
	sudo_origin(w, RuntimeCall::Sudo(pallet_sudo::Call::set_key { new }))
}

fn sudo_as(w: &mut World) -> Option<Attempt> {
	let mut call = w.inner_call(Kind::User);
	if let RuntimeCall::Balances(pallet_balances::Call::burn { keep_alive, .. }) = call {
		// `sudo_as` passes the call filter: a burn would leave the Stone pallet's accounting.
		call =
			RuntimeCall::Balances(pallet_balances::Call::burn { value: Balance::MAX, keep_alive });
	}
	let who = w.anyone();
	let who = w.address(w.actors.account(who));
	sudo_origin(w, RuntimeCall::Sudo(pallet_sudo::Call::sudo_as { who, call: Box::new(call) }))
}

fn remove_key(w: &mut World) -> Option<Attempt> {
	// Root sets a key again (`set_key`).
	sudo_origin(w, RuntimeCall::Sudo(pallet_sudo::Call::remove_key {}))
}
