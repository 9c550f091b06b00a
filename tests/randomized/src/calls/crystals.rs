//! Educational mining: issuers, task and box kinds (prize tables stocked out of the educational
//! pool), awards, box openings and Stone pieces.

use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use valley_runtime::{Balance, Runtime, RuntimeCall, EXISTENTIAL_DEPOSIT, UNIT};

use pallet_crystals::{BoxKindId, Name, Prize, PrizeSlot, TaskKind, TaskKindId};

use crate::{
	calls::{Attempt, Gen, Kind},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "Crystals", weight: 5, kind: Kind::Admin, make: add_issuer },
	Gen { pallet: "Crystals", weight: 1, kind: Kind::Admin, make: remove_issuer },
	Gen { pallet: "Crystals", weight: 10, kind: Kind::Admin, make: set_task_kind },
	Gen { pallet: "Crystals", weight: 2, kind: Kind::Admin, make: remove_task_kind },
	Gen { pallet: "Crystals", weight: 12, kind: Kind::Admin, make: set_box_kind },
	Gen { pallet: "Crystals", weight: 3, kind: Kind::Admin, make: remove_box_kind },
	Gen { pallet: "Crystals", weight: 80, kind: Kind::User, make: award },
	Gen { pallet: "Crystals", weight: 80, kind: Kind::User, make: open_box },
	Gen { pallet: "Crystals", weight: 20, kind: Kind::User, make: combine_pieces },
	Gen { pallet: "Crystals", weight: 10, kind: Kind::User, make: resolve_open },
];

/// `open_box` alone, for blocks in which everybody opens boxes (beyond what a block takes).
pub const RUSH: Gen = Gen { pallet: "Crystals", weight: 0, kind: Kind::Other, make: open_box };

/// Box kinds and task kinds in use: 1..=KINDS and 1..=TASKS (others are unknown).
const KINDS: u64 = 6;
const TASKS: u64 = 8;

fn crystals(call: pallet_crystals::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Crystals(call)
}

/// The box kinds that exist now.
fn box_kinds() -> Vec<BoxKindId> {
	pallet_crystals::BoxKinds::<Runtime>::iter_keys().collect()
}

/// A box kind: mostly one that exists, now and then one that does not.
fn box_kind(w: &mut World) -> BoxKindId {
	let kinds = box_kinds();
	match (w.rng.below(12), w.rng.pick(&kinds).copied()) {
		(0, _) => w.rng.range(KINDS + 1, u64::from(u32::MAX)) as BoxKindId,
		(1, _) | (_, None) => w.rng.range(0, KINDS) as BoxKindId,
		(_, Some(kind)) => kind,
	}
}

/// A task kind: mostly one that exists, now and then one that does not.
fn task_kind(w: &mut World) -> TaskKindId {
	let kinds: Vec<TaskKindId> = pallet_crystals::TaskKinds::<Runtime>::iter_keys().collect();
	match (w.rng.below(12), w.rng.pick(&kinds).copied()) {
		(0, _) => w.rng.range(TASKS + 1, u64::from(u32::MAX)) as TaskKindId,
		(1, _) | (_, None) => w.rng.range(0, TASKS) as TaskKindId,
		(_, Some(kind)) => kind,
	}
}

fn name(w: &mut World) -> Name {
	let bytes = match w.rng.below(10) {
		0 => Vec::new(),
		1 => vec![b'x'; pallet_crystals::MAX_NAME_LEN as usize],
		_ => format!("kind {}", w.rng.below(1_000)).into_bytes(),
	};
	Name::truncate_from(bytes)
}

fn prize(w: &mut World, valid: bool) -> Prize<Balance> {
	match w.rng.below(if valid { 8 } else { 12 }) {
		0..=2 => Prize::Pieces(w.rng.range(1, 5) as u32),
		3..=4 => Prize::Stones(UNIT * Balance::from(w.rng.range(1, 5))),
		5 => Prize::Stones(EXISTENTIAL_DEPOSIT + Balance::from(w.rng.below(1_000_000))),
		6..=7 => Prize::Nothing,
		8 => Prize::Pieces(0),
		9 => Prize::Stones(0),
		// Below the existential deposit: an opener without Stones cannot receive it (refunded).
		10 => Prize::Stones(Balance::from(w.rng.range(1, EXISTENTIAL_DEPOSIT as u64 - 1))),
		_ if w.rng.percent(50) => Prize::Stones(Balance::MAX),
		_ => Prize::Pieces(u32::MAX),
	}
}

/// A prize table: mostly a few prizes with small stock, now and then none, the most allowed, or
/// more value than the educational pool holds.
fn table(w: &mut World, valid: bool) -> pallet_crystals::PrizeTableOf<Runtime> {
	let len = match w.rng.below(12) {
		0 => 0,
		1 => 16,
		_ => w.rng.range(1, 5),
	};
	let slots: Vec<_> = (0..len)
		.map(|_| {
			let prize = prize(w, valid);
			let stock = match w.rng.below(15) {
				0 => 0,
				1 if !valid => u32::MAX,
				_ => w.rng.range(1, 30) as u32,
			};
			PrizeSlot { prize, stock }
		})
		.collect();
	BoundedVec::truncate_from(slots)
}

/// A box kind in use with no opening waiting (an admin may change it), if one is found.
fn idle_box_kind(w: &mut World) -> BoxKindId {
	let idle: Vec<BoxKindId> = (1..=KINDS as BoxKindId)
		.filter(|k| !pallet_crystals::WaitingOpenings::<Runtime>::contains_key(k))
		.collect();
	match w.rng.pick(&idle) {
		Some(kind) => *kind,
		None => w.rng.range(1, KINDS) as BoxKindId,
	}
}

/// A `set_box_kind` call: a kind in use with a valid table if `valid`, anything otherwise.
pub(super) fn box_kind_call(w: &mut World, valid: bool) -> RuntimeCall {
	let kind = if valid { idle_box_kind(w) } else { box_kind(w) };
	let price = match w.rng.below(10) {
		0 => None,
		1 if !valid => Some(0),
		_ => Some(w.rng.range(1, 30)),
	};
	let name = name(w);
	let prizes = table(w, valid);
	crystals(pallet_crystals::Call::set_box_kind { kind, name, price, prizes })
}

/// A `set_task_kind` call: a kind in use with valid terms if `valid`, anything otherwise.
pub(super) fn task_kind_call(w: &mut World, valid: bool) -> RuntimeCall {
	let kind = if valid { w.rng.range(1, TASKS) as TaskKindId } else { task_kind(w) };
	let egg = match w.rng.below(4) {
		0 => Some(w.rng.range(1, KINDS) as BoxKindId),
		1 if !valid => Some(box_kind(w)),
		_ => None,
	};
	// A task paying near `u64::MAX` crystals: its award overflows the count of crystals ever
	// awarded (refused) once anything was awarded; before, it would be the last award ever.
	let huge = pallet_crystals::CrystalsAwarded::<Runtime>::get() > 0;
	let crystals_paid = match w.rng.below(12) {
		0 if !valid => 0,
		1 if !valid && huge => u64::MAX,
		_ => w.rng.range(1, 40),
	};
	let limit = match w.rng.below(12) {
		0 if !valid => 0,
		1 => u32::MAX,
		_ => w.rng.range(1, 10) as u32,
	};
	let period = match w.rng.below(12) {
		0 if !valid => 0,
		_ => w.rng.range(1, 1_000) as u32,
	};
	let task = TaskKind { name: name(w), crystals: crystals_paid, egg, limit, period };
	crystals(pallet_crystals::Call::set_task_kind { kind, task })
}

fn add_issuer(w: &mut World) -> Option<Attempt> {
	let issuer = if w.rng.percent(70) {
		let i = w.one_of(&w.issuers.clone());
		w.actors.account(i)
	} else {
		w.recipient()
	};
	w.admin(crystals(pallet_crystals::Call::add_issuer { issuer }))
}

fn remove_issuer(w: &mut World) -> Option<Attempt> {
	let issuer = if w.rng.percent(70) {
		let i = w.one_of(&w.issuers.clone());
		w.actors.account(i)
	} else {
		w.recipient()
	};
	w.admin(crystals(pallet_crystals::Call::remove_issuer { issuer }))
}

fn set_task_kind(w: &mut World) -> Option<Attempt> {
	let valid = w.rng.percent(70);
	let call = task_kind_call(w, valid);
	w.admin(call)
}

fn remove_task_kind(w: &mut World) -> Option<Attempt> {
	let kind = task_kind(w);
	w.admin(crystals(pallet_crystals::Call::remove_task_kind { kind }))
}

fn set_box_kind(w: &mut World) -> Option<Attempt> {
	let valid = w.rng.percent(70);
	let call = box_kind_call(w, valid);
	w.admin(call)
}

fn remove_box_kind(w: &mut World) -> Option<Attempt> {
	let kind = if w.rng.percent(50) { idle_box_kind(w) } else { box_kind(w) };
	w.admin(crystals(pallet_crystals::Call::remove_box_kind { kind }))
}

fn award(w: &mut World) -> Option<Attempt> {
	let issuer = if w.rng.percent(90) { w.one_of(&w.issuers.clone()) } else { w.anyone() };
	let who = match w.rng.below(10) {
		0..=4 => {
			let i = w.one_of(&w.strangers.clone());
			w.actors.account(i)
		},
		5..=8 => {
			let i = w.one_of(&w.owners.clone());
			w.actors.account(i)
		},
		_ => w.recipient(),
	};
	let task = task_kind(w);
	let reference = match w.rng.pick(&w.references).copied() {
		// Paid already (or tried): refused if it was paid.
		Some(used) if w.rng.percent(10) => used,
		_ => {
			let fresh = w.rng.bytes::<32>();
			w.references.push(fresh);
			fresh
		},
	};
	w.by(issuer, crystals(pallet_crystals::Call::award { who, task, reference }))
}

/// What an account holds in educational mining.
type Holdings =
	pallet_crystals::AccountHoldings<<Runtime as pallet_crystals::Config>::MaxPendingPerAccount>;

/// An actor holding what `holds` asks for (mostly), or any actor.
fn holder(w: &mut World, holds: impl Fn(&Holdings) -> bool) -> usize {
	let holders: Vec<usize> = (0..w.actors.count())
		.filter(|i| {
			pallet_crystals::Holdings::<Runtime>::get(w.actors.account(*i))
				.is_some_and(|h| holds(&h))
		})
		.collect();
	if w.rng.percent(85) && !holders.is_empty() {
		w.one_of(&holders)
	} else {
		w.anyone()
	}
}

fn open_box(w: &mut World) -> Option<Attempt> {
	// Paid with an egg of the kind if the opener has one, with crystals otherwise; fee-free when
	// it succeeds (so also for openers without Stones).
	let who = holder(w, |h| h.crystals > 0 || h.eggs > 0);
	let account = w.actors.account(who);
	let eggs: Vec<BoxKindId> =
		pallet_crystals::Eggs::<Runtime>::iter_prefix(&account).map(|(kind, _)| kind).collect();
	let kind = match w.rng.pick(&eggs).copied() {
		Some(kind) if w.rng.percent(50) => kind,
		_ => box_kind(w),
	};
	w.by(who, crystals(pallet_crystals::Call::open_box { kind }))
}

fn combine_pieces(w: &mut World) -> Option<Attempt> {
	let per_stone = <<Runtime as pallet_crystals::Config>::PiecesPerStone as Get<u32>>::get();
	let who = holder(w, |h| h.pieces >= per_stone);
	w.by(who, crystals(pallet_crystals::Call::combine_pieces {}))
}

fn resolve_open(w: &mut World) -> Option<Attempt> {
	// `resolve_open` (call index 8) is gone: nobody may choose when an opening is drawn. Its
	// encoding must not decode into any call.
	let prefix = crystals(pallet_crystals::Call::combine_pieces {}).encode()[0];
	let mut bytes = vec![prefix, 8];
	bytes.extend(w.rng.below(pallet_crystals::NextRequest::<Runtime>::get() + 5).encode());
	Some(Attempt::Undecodable { name: "Crystals::resolve_open (removed)", bytes })
}
