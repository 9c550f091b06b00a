//! Redemption: the admin's catalogue items and service desk, owners redeeming (prices held),
//! cancelling, the desk accepting, fulfilling (Stones burned) and rejecting, orders expiring,
//! digital collectibles handed over from the catalogue's editions.
//!
//! Vehicles of the run are registered during it, so items are mostly for anyone or for owners of
//! a vehicle registered 0 or 1 days ago; IM Valley's 90 days now and then (`VehicleTooNew`).

use valley_runtime::{AccountId, Balance, Balances, Runtime, RuntimeCall, UNIT};

use pallet_redemption::{
	CashPart, Category, Delivery, Eligibility, ItemId, ItemSpec, Items, OrderId, OrderState, Orders,
};

use crate::{
	actors::BOB,
	calls::{Attempt, Gen, Kind},
	World,
};

pub const GENS: &[Gen] = &[
	Gen { pallet: "Redemption", weight: 5, kind: Kind::Admin, make: set_item },
	Gen { pallet: "Redemption", weight: 2, kind: Kind::Admin, make: set_desk },
	Gen { pallet: "Redemption", weight: 30, kind: Kind::User, make: redeem },
	Gen { pallet: "Redemption", weight: 6, kind: Kind::User, make: cancel },
	Gen { pallet: "Redemption", weight: 8, kind: Kind::User, make: accept },
	Gen { pallet: "Redemption", weight: 8, kind: Kind::User, make: fulfil },
	Gen { pallet: "Redemption", weight: 5, kind: Kind::User, make: reject },
];

/// Items in use: 1..=ITEMS (others are unknown).
const ITEMS: u64 = 6;
/// The item of the catalogue's digital collectible (`setup`).
const BADGE: ItemId = 6;

type Call = pallet_redemption::Call<Runtime>;

fn redemption(call: Call) -> RuntimeCall {
	RuntimeCall::Redemption(call)
}

fn categories() -> [Category; 5] {
	[
		Category::Upgrade,
		Category::PremiumService,
		Category::LimitedEdition,
		Category::DigitalCollectible,
		Category::ExperienceDay,
	]
}

/// The artwork whose editions the catalogue holds (minted in `setup`), if it is there.
fn badge_artwork() -> Option<u32> {
	Items::<Runtime>::get(BADGE).and_then(|item| match item.spec.delivery {
		Delivery::Collectible { artwork } => Some(artwork),
		Delivery::Desk => None,
	})
}

/// A valid item: a few Stones, a little stock, for anyone or for fresh vehicles' owners mostly.
fn valid_spec(w: &mut World) -> pallet_redemption::ItemSpecOf<Runtime> {
	// Every category but digital collectibles (delivered on chain: the `BADGE` item).
	let category = categories()[[0, 1, 2, 4][w.rng.index(4)]];
	let eligibility = match w.rng.below(10) {
		0..=4 => Eligibility::Anyone,
		5..=8 => Eligibility::VehicleRegisteredDays(w.rng.below(2) as u32),
		_ => Eligibility::VehicleRegisteredDays(90),
	};
	ItemSpec {
		name: format!("reward {}", w.rng.below(1_000)).into_bytes().try_into().expect("short"),
		category,
		price: UNIT * Balance::from(w.rng.range(1, 20)),
		cash: w
			.rng
			.one_in(3)
			.then_some(CashPart { currency: *b"CNY", amount: w.rng.below(2_000_000) }),
		stock: w.rng.range(0, 15) as u32,
		per_account: w.rng.below(4) as u32,
		starts_ms: 0,
		ends_ms: None,
		eligibility,
		delivery: Delivery::Desk,
	}
}

/// The first block's redemption (root's calls): Bob at the desk, three items, and the
/// catalogue's digital collectible: an artwork of one to three editions minted to the catalogue's
/// account (`collectibles_artwork`, the next artwork) and its item.
pub(super) fn setup(w: &mut World, collectibles_artwork: u32) -> Vec<RuntimeCall> {
	let mut calls = vec![redemption(Call::set_desk { who: w.actors.account(BOB), allowed: true })];
	for item in 1..=3 {
		let spec = valid_spec(w);
		calls.push(redemption(Call::set_item { item, spec }));
	}
	let spec = ItemSpec {
		category: Category::DigitalCollectible,
		eligibility: Eligibility::Anyone,
		// The artwork has one to three editions: one is surely there.
		stock: 1,
		delivery: Delivery::Collectible { artwork: collectibles_artwork },
		..valid_spec(w)
	};
	calls.push(redemption(Call::set_item { item: BADGE, spec }));
	calls
}

fn item_id(w: &mut World) -> ItemId {
	if w.rng.one_in(15) {
		w.rng.range(ITEMS + 1, 1_000) as ItemId
	} else {
		w.rng.range(1, ITEMS) as ItemId
	}
}

fn set_item(w: &mut World) -> Option<Attempt> {
	let mut item = w.rng.range(1, ITEMS - 1) as ItemId;
	let mut spec = valid_spec(w);
	match w.rng.below(12) {
		0 => spec.name = Default::default(),
		1 => spec.price = 0,
		2 => {
			spec.starts_ms = w.now() + 60_000;
			spec.ends_ms = Some(spec.starts_ms);
		},
		// Active only in the future, or no more.
		3 => spec.starts_ms = w.now() + w.rng.range(1, 10) * 60_000,
		4 => spec.ends_ms = Some(w.now().saturating_sub(1)),
		// On-chain delivery for another category (`BadDelivery`), or beyond the editions held.
		5 => spec.delivery = Delivery::Collectible { artwork: badge_artwork().unwrap_or(0) },
		6 => {
			item = BADGE;
			spec.category = Category::DigitalCollectible;
			spec.delivery = Delivery::Collectible { artwork: badge_artwork().unwrap_or(0) };
			// Restocked (valid while the catalogue holds that many editions), or beyond.
			spec.stock = if w.rng.percent(70) { w.rng.below(3) as u32 } else { 1_000 };
		},
		_ => {},
	}
	w.admin(redemption(Call::set_item { item, spec }))
}

fn set_desk(w: &mut World) -> Option<Attempt> {
	let i = w.anyone();
	let who = w.actors.account(i);
	let allowed = w.rng.percent(60);
	w.admin(redemption(Call::set_desk { who, allowed }))
}

/// An actor with the Stones for `price` and a fee; any actor if none has.
fn funded(w: &mut World, price: Balance) -> usize {
	let rich: Vec<usize> = w
		.owners
		.iter()
		.copied()
		.filter(|i| Balances::free_balance(w.actors.account(*i)) >= price.saturating_add(UNIT))
		.collect();
	if rich.is_empty() || w.rng.one_in(10) {
		w.anyone()
	} else {
		w.one_of(&rich)
	}
}

fn redeem(w: &mut World) -> Option<Attempt> {
	let item = item_id(w);
	let price = Items::<Runtime>::get(item).map(|i| i.spec.price).unwrap_or(UNIT);
	let who = funded(w, price);
	w.by(who, redemption(Call::redeem { item }))
}

/// An order in `states`, mostly; now and then any order or an unknown one.
fn order_in(w: &mut World, states: &[OrderState]) -> (OrderId, Option<AccountId>) {
	let orders: Vec<(OrderId, AccountId)> = pallet_redemption::Unfinished::<Runtime>::iter_keys()
		.filter_map(|id| Orders::<Runtime>::get(id).map(|o| (id, o)))
		.filter(|(_, o)| states.contains(&o.state))
		.map(|(id, o)| (id, o.who))
		.collect();
	match (w.rng.below(10), w.rng.pick(&orders).cloned()) {
		(0, _) | (_, None) => {
			let next = pallet_redemption::NextOrderId::<Runtime>::get();
			let id = w.rng.below(next.saturating_add(3).max(1));
			(id, Orders::<Runtime>::get(id).map(|o| o.who))
		},
		(_, Some((id, who))) => (id, Some(who)),
	}
}

fn cancel(w: &mut World) -> Option<Attempt> {
	let (order, owner) = order_in(w, &[OrderState::Open]);
	let who = match owner.and_then(|o| w.actors.index_of(&o)) {
		Some(i) if w.rng.percent(85) => i,
		_ => w.anyone(),
	};
	w.by(who, redemption(Call::cancel { order }))
}

/// The desk: Bob (added in `setup`, unless removed since), root now and then, or anyone.
fn desk_call(w: &mut World, call: Call) -> Option<Attempt> {
	match w.rng.below(10) {
		0..=5 => w.by(BOB, redemption(call)),
		6..=7 => w.admin(redemption(call)),
		_ => {
			let i = w.anyone();
			w.by(i, redemption(call))
		},
	}
}

fn accept(w: &mut World) -> Option<Attempt> {
	let (order, _) = order_in(w, &[OrderState::Open]);
	desk_call(w, Call::accept { order })
}

fn fulfil(w: &mut World) -> Option<Attempt> {
	let (order, _) = order_in(w, &[OrderState::Open, OrderState::Accepted]);
	desk_call(w, Call::fulfil { order })
}

fn reject(w: &mut World) -> Option<Attempt> {
	let (order, _) = order_in(w, &[OrderState::Open, OrderState::Accepted]);
	desk_call(w, Call::reject { order })
}
