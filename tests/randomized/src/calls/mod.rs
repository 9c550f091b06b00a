//! The calls of the run: for every call of every pallet, a generator of valid and invalid
//! attempts, and the table they are drawn from by weight.
//!
//! Each generator returns an [`Attempt`] (or `None` when it has nothing to try now). The table
//! covers every `RuntimeCall` variant; the run's summary lists any call of the runtime's metadata
//! it did not attempt, and fails on one at 50,000 calls or more, so that a new call needs a
//! generator here.
//!
//! Left out, because they cannot be made here:
//! - `Grandpa::report_equivocation` and `report_equivocation_unsigned`: their key-owner proof is
//!   `sp_core::Void` in this runtime (no session pallet), so the call cannot even be built.
//!
//! Made valid only in part:
//! - `Timestamp::set` and `Beacon::set_randomness` succeed as each block's inherents; as calls
//!   they come from wrong origins, twice, forged or misplaced (a second timestamp inherent is not
//!   made: it panics by design and the executive never includes one).
//! - `System::set_code` (and upgrades with version checks) fail: there is no wasm executor to
//!   read a runtime version; `set_code_without_checks` succeeds.
//! - `Collectibles::settle` succeeds only for an auction whose settlement at the start of the
//!   block after its end failed (`SettlementFailed`); none is expected, so it is made for live
//!   auctions (not ended) and settled ones. `Collectibles::pay_out_pot` succeeds once a charity's
//!   pot (shares too small to create its account) can create it.
//! - `Balances::burn` is refused for everybody by the runtime's call filter;
//!   `Balances::force_adjust_total_issuance` is made only with a zero delta (see below).
//! - `Mileage::commit`, `claim` and `propose` are general transactions authorized as the
//!   operators' workers send them: commitments and proposals signed with the operator's oracle
//!   key over the chain's genesis hash, claims proving the leaf of an open slot from the tree the
//!   run modelled for the batch ([`MileageModel`]); with forged, misdirected and stale ones
//!   besides.
//!
//! Admin powers left out of the *valid* inputs, because the SDK pallets let them change the
//! supply of STONE behind the Stone pallet's accounting (total issuance + burned = genesis +
//! minted, checked by its `try_state`); they are made with invalid or no-op inputs instead:
//! - `Balances::force_set_balance` to another balance than the account's (mints or burns);
//! - `Balances::force_adjust_total_issuance` by a positive delta;
//! - `Sudo::sudo_as(who, Balances::burn { .. })` with a burnable amount: `sudo_as` dispatches
//!   past the runtime's call filter, which otherwise refuses every burn.
//! - `Balances::force_unreserve` of an account with holds: `pallet-balances` lowers the reserved
//!   balance under its holds, so a held bid could no longer be paid (`Token(Frozen)`; the
//!   collectibles pallet's `try_state` catches it). Made for accounts without holds.

mod balances;
mod collectibles;
mod crystals;
mod executive;
mod mileage;
mod redemption;
mod system;

pub use executive::forged_beacon;
pub use mileage::{leaf_at, MileageModel, Trees};

use valley_runtime::{RuntimeCall, RuntimeOrigin, UncheckedExtrinsic};

use crate::World;

/// How a call is made.
pub enum Via {
	/// Dispatched with this origin through its call filter, as a transaction's call is.
	Origin(RuntimeOrigin),
	/// As the signed transaction of actor `signer`, through the executive.
	Signed { signer: usize, tamper: Tamper },
	/// As a general transaction (an authorized call: no signer, nonce or fee).
	General,
	/// As a bare extrinsic (an inherent, or an unsigned transaction).
	Bare,
}

/// How a signed transaction is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
	/// Not at all.
	None,
	/// A nonce already used.
	StaleNonce,
	/// A nonce ahead of the account's.
	FutureNonce,
	/// Signed with another actor's key.
	WrongKey,
	/// One bit of the signature flipped.
	BadSignature,
}

/// One attempt of the run.
pub enum Attempt {
	/// A call, made some way.
	Call { call: RuntimeCall, via: Via },
	/// The encoding of a call of `name` with an input beyond its bound: must not decode.
	Undecodable { name: &'static str, bytes: Vec<u8> },
	/// A transaction applied before, applied again: must be refused.
	Replay(UncheckedExtrinsic),
}

/// What an attempt must come to, when its generator knows (the run fails otherwise): set in
/// [`World::expect`] by the generator that returns the attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
	/// Applied, its call successful (or refused for now: the block is full).
	Ok,
	/// Refused before dispatch: left out of the block.
	Refused,
}

/// Who makes the calls of a generator: admin calls are also `sudo`'s inner calls, user calls
/// `sudo_as`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
	Admin,
	User,
	Other,
}

/// A generator and its weight in the table.
#[derive(Clone, Copy)]
pub struct Gen {
	/// The pallet it calls (for the focus of a block).
	pub pallet: &'static str,
	pub weight: u32,
	pub kind: Kind,
	pub make: fn(&mut World) -> Option<Attempt>,
}

/// Every generator; those of weight 0 are only for rush blocks (`crystals::RUSH`).
pub fn table() -> Vec<Gen> {
	[
		system::GENS,
		balances::GENS,
		mileage::GENS,
		crystals::GENS,
		collectibles::GENS,
		redemption::GENS,
		executive::GENS,
		&[crystals::RUSH],
	]
	.concat()
}

/// The calls of the first block: operators and issuers added, owners and operators funded, a
/// first set of task kinds, box kinds and vehicles; two artists approved, two charities
/// registered and six artworks minted to owners.
pub fn setup(w: &mut World) -> Vec<Attempt> {
	let mut out = Vec::new();
	let root = |call| Attempt::Call { call, via: Via::Origin(RuntimeOrigin::root()) };
	let alice = w.actors.account(crate::actors::ALICE);
	for i in w.operators.clone() {
		let who = w.actors.account(i);
		out.push(root(RuntimeCall::OracleMembership(pallet_membership::Call::add_member {
			who: who.clone().into(),
		})));
		out.push(root(balances::force_transfer(alice.clone(), who, 1_000)));
	}
	for i in w.issuers.clone() {
		let issuer = w.actors.account(i);
		out.push(root(RuntimeCall::Crystals(pallet_crystals::Call::add_issuer { issuer })));
	}
	for (n, i) in w.owners.clone().into_iter().enumerate() {
		if n % 2 == 0 {
			out.push(root(balances::force_transfer(alice.clone(), w.actors.account(i), 100)));
		}
	}
	for _ in 0..3 {
		out.push(root(crystals::box_kind_call(w, true)));
	}
	for _ in 0..4 {
		out.push(root(crystals::task_kind_call(w, true)));
	}
	for _ in 0..12 {
		let owner = {
			let i = w.one_of(&w.owners.clone());
			w.actors.account(i)
		};
		let vehicle = w.new_vehicle();
		out.push(root(RuntimeCall::Mileage(pallet_mileage::Call::register_vehicle {
			vehicle,
			owner,
			activation: None,
		})));
	}
	// Collectibles: Bob and the first owner approved as artists, two more charities, six
	// artworks minted to owners.
	// The next artwork (after the genesis ones and those of `collectibles::setup`) is minted to
	// the redemption catalogue's account: its digital collectible.
	let collectibles = collectibles::setup(w);
	let badge = pallet_nfts::NextCollectionId::<valley_runtime::Runtime>::get().unwrap_or_default()
		+ collectibles
			.iter()
			.filter(|c| {
				matches!(
					c,
					RuntimeCall::Collectibles(pallet_collectibles::Call::mint_artwork { .. })
				)
			})
			.count() as u32;
	for call in collectibles {
		out.push(root(call));
	}
	let catalogue = valley_runtime::Redemption::account();
	out.push(root(collectibles::mint_call(
		w,
		catalogue,
		vec![w.actors.account(crate::actors::BOB)],
		true,
	)));
	for call in redemption::setup(w, badge) {
		out.push(root(call));
	}
	// Mining starts a few minutes late, so that the start can still move for a while.
	let start = w.now() + w.rng.range(2, 20) * 60_000;
	out.push(root(RuntimeCall::Stone(pallet_stone::Call::set_mining_start { start })));
	out
}
