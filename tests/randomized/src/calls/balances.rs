//! Balances (STONE) and the Stone pallet's administration.

use frame_support::traits::fungible::Inspect;
use valley_runtime::{AccountId, Balance, Balances, BalancesCall, RuntimeCall, UNIT};

use crate::{
	actors::ALICE,
	calls::{Attempt, Gen, Kind},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "Balances", weight: 30, kind: Kind::User, make: transfer_allow_death },
	Gen { pallet: "Balances", weight: 10, kind: Kind::Admin, make: force_transfer_call },
	Gen { pallet: "Balances", weight: 30, kind: Kind::User, make: transfer_keep_alive },
	Gen { pallet: "Balances", weight: 10, kind: Kind::User, make: transfer_all },
	Gen { pallet: "Balances", weight: 3, kind: Kind::Admin, make: force_unreserve },
	Gen { pallet: "Balances", weight: 5, kind: Kind::User, make: upgrade_accounts },
	Gen { pallet: "Balances", weight: 5, kind: Kind::Admin, make: force_set_balance },
	Gen { pallet: "Balances", weight: 3, kind: Kind::Admin, make: force_adjust_total_issuance },
	Gen { pallet: "Balances", weight: 5, kind: Kind::User, make: burn },
	Gen { pallet: "Stone", weight: 5, kind: Kind::Admin, make: set_mining_start },
	Gen { pallet: "Stone", weight: 8, kind: Kind::Admin, make: set_transfers_enabled },
];

/// Root's transfer of `units` STONE from `source` to `dest`.
pub fn force_transfer(source: AccountId, dest: AccountId, units: Balance) -> RuntimeCall {
	RuntimeCall::Balances(BalancesCall::force_transfer {
		source: source.into(),
		dest: dest.into(),
		value: units * UNIT,
	})
}

/// A sender (mostly one with Stones) and an amount around its balance.
fn sender_and_amount(w: &mut World) -> (usize, Balance) {
	let who = w.anyone();
	let balance = Balances::balance(&w.actors.account(who));
	(who, w.amount(balance))
}

fn transfer_allow_death(w: &mut World) -> Option<Attempt> {
	// Refused by the call filter while transfers are closed.
	let (who, value) = sender_and_amount(w);
	let dest = w.recipient();
	let dest = w.address(dest);
	w.by(who, RuntimeCall::Balances(BalancesCall::transfer_allow_death { dest, value }))
}

fn transfer_keep_alive(w: &mut World) -> Option<Attempt> {
	let (who, value) = sender_and_amount(w);
	let dest = w.recipient();
	let dest = w.address(dest);
	w.by(who, RuntimeCall::Balances(BalancesCall::transfer_keep_alive { dest, value }))
}

fn transfer_all(w: &mut World) -> Option<Attempt> {
	let who = w.anyone();
	let dest = w.recipient();
	let dest = w.address(dest);
	let keep_alive = w.rng.percent(50);
	w.by(who, RuntimeCall::Balances(BalancesCall::transfer_all { dest, keep_alive }))
}

fn force_transfer_call(w: &mut World) -> Option<Attempt> {
	// Root moves Stones even while transfers are closed; from Alice (endowed) mostly.
	let source = if w.rng.percent(60) { w.actors.account(ALICE) } else { w.recipient() };
	let value = w.amount(Balances::balance(&source));
	let source = w.address(source);
	let dest = w.recipient();
	let dest = w.address(dest);
	w.admin(RuntimeCall::Balances(BalancesCall::force_transfer { source, dest, value }))
}

fn force_unreserve(w: &mut World) -> Option<Attempt> {
	// The only reserved Stones of this runtime are holds (bids held by the collectibles
	// pallet): `force_unreserve` would free them behind the hold's back (see the module docs of
	// `calls`). An account without holds: a no-op for root.
	let mut who = w.recipient();
	if Balances::reserved_balance(&who) > 0 {
		who = AccountId::from(w.rng.bytes::<32>());
	}
	let who = w.address(who);
	let amount = w.amount(UNIT);
	w.admin(RuntimeCall::Balances(BalancesCall::force_unreserve { who, amount }))
}

fn upgrade_accounts(w: &mut World) -> Option<Attempt> {
	let count = if w.rng.one_in(20) { 300 } else { w.rng.below(5) };
	let who = (0..count).map(|_| w.recipient()).collect();
	let signer = w.anyone();
	w.by(signer, RuntimeCall::Balances(BalancesCall::upgrade_accounts { who }))
}

fn force_set_balance(w: &mut World) -> Option<Attempt> {
	// The account's own balance: any other would mint or burn outside the Stone pallet's
	// accounting (see the module docs of `calls`). Not the sudo key's: as `sudo`'s inner call
	// in the key's own transaction, the fee would be paid between now and the call.
	let mut who = w.recipient();
	if pallet_sudo::Key::<valley_runtime::Runtime>::get().as_ref() == Some(&who) {
		who = AccountId::from(w.rng.bytes::<32>());
	}
	let new_free = Balances::balance(&who);
	let who = w.address(who);
	w.admin(RuntimeCall::Balances(BalancesCall::force_set_balance { who, new_free }))
}

fn force_adjust_total_issuance(w: &mut World) -> Option<Attempt> {
	// A zero delta, refused; a positive one would leave the Stone pallet's accounting.
	let direction = if w.rng.percent(50) {
		pallet_balances::AdjustmentDirection::Increase
	} else {
		pallet_balances::AdjustmentDirection::Decrease
	};
	w.admin(RuntimeCall::Balances(BalancesCall::force_adjust_total_issuance {
		direction,
		delta: 0,
	}))
}

fn burn(w: &mut World) -> Option<Attempt> {
	// Refused by the call filter for everybody; root is no signed origin.
	let (who, value) = sender_and_amount(w);
	let call = RuntimeCall::Balances(BalancesCall::burn { value, keep_alive: w.rng.percent(50) });
	if w.rng.one_in(5) {
		return w.admin(call);
	}
	w.by(who, call)
}

fn set_mining_start(w: &mut World) -> Option<Attempt> {
	// Valid only before mining starts, and only for a start ahead.
	let now = w.now();
	let start = match w.rng.below(10) {
		0 => 0,
		1 => now.saturating_sub(w.rng.range(1, 3_600_000)),
		2 => u64::MAX,
		_ => now + w.rng.range(1, 600_000),
	};
	w.admin(RuntimeCall::Stone(pallet_stone::Call::set_mining_start { start }))
}

fn set_transfers_enabled(w: &mut World) -> Option<Attempt> {
	let enabled = w.rng.percent(50);
	w.admin(RuntimeCall::Stone(pallet_stone::Call::set_transfers_enabled { enabled }))
}
