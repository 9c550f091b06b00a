//! Mileage mining: the oracle operators (membership), their feeds (oracle, and the mileage
//! pallet's authorized feeds) and the vehicles.

use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use sp_core::Pair;
use sp_runtime::Perbill;
use valley_runtime::{AccountId, Runtime, RuntimeCall, RuntimeOrigin};

use pallet_mileage::{FeedPayload, Km, VehicleId};

use crate::{
	actors::FERDIE,
	calls::{Attempt, Gen, Kind, Via},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "OracleMembership", weight: 5, kind: Kind::Admin, make: add_member },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: remove_member },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::Admin, make: swap_member },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: reset_members },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::User, make: change_key },
	Gen { pallet: "OracleMembership", weight: 3, kind: Kind::Admin, make: set_prime },
	Gen { pallet: "OracleMembership", weight: 2, kind: Kind::Admin, make: clear_prime },
	Gen { pallet: "Oracle", weight: 30, kind: Kind::User, make: feed_values },
	Gen { pallet: "Mileage", weight: 8, kind: Kind::Admin, make: register_vehicle },
	Gen { pallet: "Mileage", weight: 12, kind: Kind::User, make: transfer_vehicle },
	Gen { pallet: "Mileage", weight: 5, kind: Kind::User, make: deregister_vehicle },
	Gen { pallet: "Mileage", weight: 10, kind: Kind::Admin, make: report_behaviour },
	Gen { pallet: "Mileage", weight: 25, kind: Kind::Other, make: submit_feed },
];

/// The oracle operators now.
fn members() -> Vec<AccountId> {
	pallet_membership::Members::<Runtime>::get().into_inner()
}

/// An actor that may become an operator: Ferdie, the operator actors, now and then anyone.
fn candidate(w: &mut World) -> usize {
	match w.rng.below(10) {
		0..=2 => FERDIE,
		3 => w.anyone(),
		_ => w.one_of(&w.operators.clone()),
	}
}

/// A current operator that is an actor (mostly), or any actor.
fn operator(w: &mut World) -> usize {
	let members: Vec<usize> = members().iter().filter_map(|m| w.actors.index_of(m)).collect();
	if w.rng.percent(85) && !members.is_empty() {
		w.one_of(&members)
	} else {
		w.anyone()
	}
}

fn membership(call: pallet_membership::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::OracleMembership(call)
}

fn add_member(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::add_member { who }))
}

fn remove_member(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = operator(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::remove_member { who }))
}

fn swap_member(w: &mut World) -> Option<Attempt> {
	let remove = {
		let i = operator(w);
		w.actors.account(i)
	};
	let remove = w.address(remove);
	let add = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let add = w.address(add);
	w.admin(membership(pallet_membership::Call::swap_member { remove, add }))
}

fn reset_members(w: &mut World) -> Option<Attempt> {
	// Beyond the 16 members allowed now and then; Ferdie always among the others.
	let count = if w.rng.one_in(8) { 17 } else { w.rng.range(0, 3) };
	let mut members: Vec<AccountId> = vec![w.actors.account(FERDIE)];
	for _ in 0..count {
		let who = if count > 3 {
			w.recipient()
		} else {
			{
				let i = candidate(w);
				w.actors.account(i)
			}
		};
		members.push(who);
	}
	members.dedup();
	w.admin(membership(pallet_membership::Call::reset_members { members }))
}

fn change_key(w: &mut World) -> Option<Attempt> {
	let who = operator(w);
	let new = {
		let i = candidate(w);
		w.actors.account(i)
	};
	let new = w.address(new);
	w.by(who, membership(pallet_membership::Call::change_key { new }))
}

fn set_prime(w: &mut World) -> Option<Attempt> {
	let who = {
		let i = operator(w);
		w.actors.account(i)
	};
	let who = w.address(who);
	w.admin(membership(pallet_membership::Call::set_prime { who }))
}

fn clear_prime(w: &mut World) -> Option<Attempt> {
	w.admin(membership(pallet_membership::Call::clear_prime {}))
}

/// Odometer readings of `count` vehicles: mostly plausible increments on the last accepted
/// reading, now and then a decrease, an implausible jump, an unknown vehicle or a repeat.
fn readings(w: &mut World, count: usize) -> Vec<(VehicleId, Km)> {
	let now = w.now();
	let mut out: Vec<(VehicleId, Km)> = Vec::with_capacity(count);
	for _ in 0..count {
		if let (true, Some(repeat)) = (w.rng.one_in(30), out.last().copied()) {
			out.push(repeat);
			continue;
		}
		let vehicle = w.vehicle();
		let last = pallet_mileage::Vehicles::<Runtime>::get(vehicle).and_then(|v| v.last_reading);
		let km = match last {
			Some(last) => {
				let max = pallet_mileage::rules::max_distance(now.saturating_sub(last.at), 200, 2)
					.min(u64::from(Km::MAX)) as Km;
				match w.rng.below(25) {
					0 => last.odometer.saturating_sub(w.rng.range(1, 50) as Km),
					1 => last
						.odometer
						.saturating_add(max.saturating_add(1 + w.rng.below(1_000) as Km)),
					2 => Km::MAX,
					_ => {
						last.odometer.saturating_add(w.rng.range(0, u64::from(max.min(600))) as Km)
					},
				}
			},
			None => w.rng.below(300_000) as Km,
		};
		out.push((vehicle, km));
	}
	out
}

/// How many readings a feed carries: mostly a few dozen, now and then none or the most allowed.
fn feed_size(w: &mut World) -> usize {
	match w.rng.below(40) {
		0 => 0,
		1 => <<Runtime as pallet_mileage::Config>::MaxFeed as Get<u32>>::get() as usize,
		_ => w.rng.range(1, 40) as usize,
	}
}

fn feed_values(w: &mut World) -> Option<Attempt> {
	// One feed per operator per block; root feeds as the oracle pallet's own account.
	let size = feed_size(w);
	let values = BoundedVec::truncate_from(readings(w, size));
	let call = RuntimeCall::Oracle(pallet_oracle::Call::feed_values { values });
	if w.rng.one_in(10) {
		return w.admin(call);
	}
	let who = operator(w);
	w.by(who, call)
}

fn register_vehicle(w: &mut World) -> Option<Attempt> {
	// New vehicles mostly while there are few: the checks after every block go over them all.
	let registered = pallet_mileage::HighestSlot::<Runtime>::get()
		.saturating_sub(pallet_mileage::FreeSlotCount::<Runtime>::get());
	let new = if registered < 400 { 70 } else { 15 };
	let vehicle = if w.rng.percent(new) { w.new_vehicle() } else { w.vehicle() };
	let owner = if w.rng.percent(85) {
		{
			let i = w.one_of(&w.owners.clone());
			w.actors.account(i)
		}
	} else {
		w.recipient()
	};
	let now = w.now();
	let activation = match w.rng.below(20) {
		0..=1 => Some(now.saturating_sub(w.rng.range(0, 86_400_000))),
		2..=3 => Some(now + w.rng.range(1, 3_600_000)),
		4 => Some(u64::MAX),
		_ => None,
	};
	let call =
		RuntimeCall::Mileage(pallet_mileage::Call::register_vehicle { vehicle, owner, activation });
	// Operators register too; anybody else is refused.
	if w.rng.percent(40) {
		let who = operator(w);
		return w.by(who, call);
	}
	w.admin(call)
}

/// A vehicle and who calls about it: its owner, a registrar (root or an operator) or someone
/// else.
fn vehicle_and_caller(w: &mut World) -> (VehicleId, Option<usize>) {
	let vehicle = w.vehicle();
	let owner =
		pallet_mileage::Vehicles::<Runtime>::get(vehicle).and_then(|v| w.actors.index_of(&v.owner));
	let caller = match (w.rng.below(10), owner) {
		(0..=5, Some(owner)) => Some(owner),
		(6, _) => None,
		(7, _) => Some(operator(w)),
		_ => Some(w.anyone()),
	};
	(vehicle, caller)
}

fn owner_or_registrar(w: &mut World, caller: Option<usize>, call: RuntimeCall) -> Option<Attempt> {
	match caller {
		Some(who) => w.by(who, call),
		None => w.admin(call),
	}
}

fn transfer_vehicle(w: &mut World) -> Option<Attempt> {
	let (vehicle, caller) = vehicle_and_caller(w);
	let new_owner = if w.rng.percent(85) {
		{
			let i = w.one_of(&w.owners.clone());
			w.actors.account(i)
		}
	} else {
		w.recipient()
	};
	let call = RuntimeCall::Mileage(pallet_mileage::Call::transfer_vehicle { vehicle, new_owner });
	owner_or_registrar(w, caller, call)
}

fn deregister_vehicle(w: &mut World) -> Option<Attempt> {
	let (vehicle, caller) = vehicle_and_caller(w);
	let call = RuntimeCall::Mileage(pallet_mileage::Call::deregister_vehicle { vehicle });
	owner_or_registrar(w, caller, call)
}

fn report_behaviour(w: &mut World) -> Option<Attempt> {
	let vehicle = w.vehicle();
	let factor = match w.rng.below(5) {
		0 => Perbill::zero(),
		1 => Perbill::one(),
		_ => Perbill::from_parts(w.rng.range(0, 1_000_000_000) as u32),
	};
	let call = RuntimeCall::Mileage(pallet_mileage::Call::report_behaviour { vehicle, factor });
	if w.rng.percent(40) {
		let who = operator(w);
		return w.by(who, call);
	}
	w.admin(call)
}

fn submit_feed(w: &mut World) -> Option<Attempt> {
	// An operator's off-chain worker's feed, as a general transaction authorized by the
	// operator's signature and cursor; also forged, out of order, empty, from a non-operator.
	let who = operator(w);
	let account = w.actors.account(who);
	let cursor = pallet_mileage::FeedCursor::<Runtime>::get(&account);
	let (after, upto) = match w.rng.below(12) {
		0 if cursor > 0 => (cursor - w.rng.range(1, cursor.min(10)), cursor + 1),
		1 => (cursor + w.rng.range(1, 10), cursor + 20),
		2 => (cursor, cursor),
		3 => (cursor, cursor.saturating_add(1 << 40)),
		_ => (cursor, cursor + w.rng.range(1, 1_000)),
	};
	let size = feed_size(w);
	let values = BoundedVec::truncate_from(readings(w, size));
	let feed: FeedPayload<_, <Runtime as pallet_mileage::Config>::MaxFeed> = FeedPayload {
		operator: pallet_mileage::crypto::Public::from(w.actors.all[who].pair.public()),
		after,
		upto,
		values,
	};
	let signer = match w.rng.below(12) {
		0 => w.anyone(),
		_ => who,
	};
	let mut signed = feed.encode();
	if w.rng.one_in(12) {
		// The signature of another feed.
		signed.push(0);
	}
	let signature = w.actors.all[signer].pair.sign(&signed).into();
	let call = RuntimeCall::Mileage(pallet_mileage::Call::submit_feed { feed, signature });
	let via = match w.rng.below(10) {
		// Dispatched as authorized (the signature is not checked then, only the cursor).
		0 => Via::Origin(RuntimeOrigin::from(frame_system::RawOrigin::Authorized)),
		1 => Via::Origin(RuntimeOrigin::signed(account)),
		2 => Via::Origin(RuntimeOrigin::root()),
		_ => Via::General,
	};
	Some(Attempt::Call { call, via })
}
