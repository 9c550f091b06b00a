//! The checks after every block: the `try_state` of every pallet and the invariants between
//! pallets; and, for a failed call that changed storage, what it changed.

use std::collections::{BTreeMap, BTreeSet};

use frame_support::traits::{TryState, TryStateSelect};
use valley_runtime::{AccountId, AllPalletsWithSystem, Balance, Balances, Nonce, Runtime, System};

use crate::{chain, World};

/// What the checks remember from block to block.
#[derive(Default)]
pub struct Watch {
	/// The highest nonce seen of each actor's account.
	nonces: BTreeMap<AccountId, Nonce>,
	/// The highest feed cursor seen of each operator.
	cursors: BTreeMap<AccountId, u64>,
	/// The next batch before the block, and whether it was due at the block's start.
	batch_before: u64,
	batch_due: bool,
	/// Actors' accounts seen reaped.
	reaped: BTreeSet<AccountId>,
	/// Accounts the admin reaped (root's `force_transfer`, `force_set_balance`, `sudo_as`): their
	/// nonce may start again, an admin power the runtime documents; every other reap fails.
	pub admin_reaped: BTreeSet<AccountId>,
	/// Award references seen paid.
	paid: Vec<pallet_crystals::Reference>,
	known_paid: BTreeSet<pallet_crystals::Reference>,
}

impl Watch {
	/// Notes what the block must do before it starts: close the next batch if it is due by the
	/// previous block's time (what `on_initialize` sees).
	pub fn before_block(&mut self) {
		let params = pallet_stone::Schedule::<Runtime>::get();
		let now = pallet_timestamp::Now::<Runtime>::get();
		let next = pallet_stone::NextBatch::<Runtime>::get();
		self.batch_before = next;
		self.batch_due = params.start != 0
			&& now >= pallet_stone::schedule::close_time(params.start, params.batch_length, next);
	}
}

macro_rules! ensure {
	($cond:expr, $($msg:tt)+) => {
		if !$cond {
			return Err(format!($($msg)+));
		}
	};
}

/// Checks the state after block `w.block`.
pub fn after_block(w: &mut World) -> Result<(), String> {
	let n = w.block;

	// Every pallet's own invariants: Stone (issuance, pools, the educational pool's reservations
	// against the crystals pallet's), Mileage (vehicles, slots, trees, no draw pending), Beacon,
	// Crystals (crystals conserved, holdings, the queue, the reserve), the SDK pallets (Aura's
	// slot and authorities, balances' holds and freezes, membership).
	try_state_all(n)?;

	// The beacon has this block's randomness; the time is the slot's.
	ensure!(
		pallet_beacon::History::<Runtime>::contains_key(n),
		"block {n} has no randomness in the beacon's history"
	);
	let now = pallet_timestamp::Now::<Runtime>::get();
	ensure!(now == chain::time_of(w.slot), "the time is {now}, not slot {}'s", w.slot);

	// Stone and Mileage: a closed batch is drawn (or given back) in its own block; batches close
	// one per block while they are due, and never otherwise.
	// During a multi-block migration `on_poll` does not run: the batch closed in such a block
	// stays outstanding as the mileage pallet's pending draw (drawn by the next block's
	// `on_poll`, or handed back and carried over when the next batch closes).
	let outstanding = pallet_stone::Outstanding::<Runtime>::get();
	let pending = pallet_mileage::PendingDraw::<Runtime>::get().map_or(0, |p| p.amount);
	ensure!(
		outstanding == pending,
		"{outstanding} of a batch is still outstanding after its block ({pending} in a pending draw)"
	);
	ensure!(
		pending == 0 || w.migrating_since.is_some(),
		"a draw is left pending after a block whose on_poll ran"
	);
	let next = pallet_stone::NextBatch::<Runtime>::get();
	let expected = w.watch.batch_before + u64::from(w.watch.batch_due);
	ensure!(
		next == expected,
		"the next batch went from {} to {next} (a batch was {}due)",
		w.watch.batch_before,
		if w.watch.batch_due { "" } else { "not " }
	);

	// Stone and Crystals: the educational pool's reservations are the crystals pallet's.
	let pool = pallet_stone::EducationReserved::<Runtime>::get();
	let crystals = pallet_crystals::Reserved::<Runtime>::get();
	ensure!(pool == crystals, "the pool has {pool} reserved, the crystals pallet {crystals}");

	// Balances: the accounts hold exactly the total issuance (Stone's `try_state` checks the
	// issuance against what was minted and burned).
	let held = frame_system::Account::<Runtime>::iter().try_fold(0 as Balance, |sum, (_, a)| {
		sum.checked_add(a.data.free)?.checked_add(a.data.reserved)
	});
	let issuance = Balances::total_issuance();
	ensure!(held == Some(issuance), "the accounts hold {held:?}, the total issuance is {issuance}");

	// Crystals: openings are drawn at the end of the next block, so what waits after a block was
	// requested in it.
	for (request, open) in pallet_crystals::OpenRequests::<Runtime>::iter() {
		ensure!(
			open.draws_at == n + 1,
			"opening {request} (draws at {}) still waits after block {n}",
			open.draws_at
		);
	}

	// Nonces never go back, also when an account is reaped and created again: a transaction
	// signed with an old nonce could be replayed.
	for record in System::events() {
		if let valley_runtime::RuntimeEvent::System(frame_system::Event::KilledAccount {
			account,
		}) = record.event
		{
			w.watch.reaped.insert(account);
		}
	}
	let mut went_back = Vec::new();
	for actor in &w.actors.all {
		let who = &actor.account;
		if !System::account_exists(who) {
			// Reaped (or never created): checked when it exists again.
			continue;
		}
		let nonce = System::account_nonce(who);
		let seen = w.watch.nonces.insert(who.clone(), nonce).unwrap_or_default();
		if nonce < seen && !w.watch.admin_reaped.contains(who) {
			went_back.push(format!(
				"the nonce of {} went back from {seen} to {nonce}{}: its transactions signed with \
				 nonces {nonce}..{seen} can be replayed while their era lasts",
				actor.name,
				if w.watch.reaped.contains(who) { " (reaped and created again)" } else { "" }
			));
		}
	}
	for what in went_back {
		w.nonce_reset(what, false);
	}

	// Operators' feed cursors never go back: each reading is fed once.
	for (operator, cursor) in pallet_mileage::FeedCursor::<Runtime>::iter() {
		let seen = w.watch.cursors.entry(operator.clone()).or_default();
		ensure!(cursor >= *seen, "the feed cursor of {operator} went back from {seen} to {cursor}");
		*seen = cursor;
	}

	// Paid award references stay paid (a sample of them).
	for _ in 0..10 {
		if let Some(reference) = w.rng.pick(&w.references).copied() {
			if pallet_crystals::UsedReferences::<Runtime>::contains_key(reference)
				&& w.watch.known_paid.insert(reference)
			{
				w.watch.paid.push(reference);
			}
		}
	}
	for _ in 0..20 {
		if let Some(reference) = w.rng.pick(&w.watch.paid).copied() {
			ensure!(
				pallet_crystals::UsedReferences::<Runtime>::contains_key(reference),
				"award reference {reference:?} was paid and is no longer recorded"
			);
		}
	}
	Ok(())
}

/// Every pallet's `try_state`, naming the pallets that fail.
pub fn try_state_all(n: valley_runtime::BlockNumber) -> Result<(), String> {
	use frame_support::traits::PalletsInfoAccess;
	if AllPalletsWithSystem::try_state(n, TryStateSelect::All).is_ok() {
		return Ok(());
	}
	// The tuple only says that some pallet failed (details in the logs): ask each.
	let failed: Vec<String> = AllPalletsWithSystem::infos()
		.into_iter()
		.filter_map(|p| {
			let only = TryStateSelect::Only(vec![p.name.as_bytes().to_vec()]);
			AllPalletsWithSystem::try_state(n, only).err().map(|e| format!("{}: {e:?}", p.name))
		})
		.collect();
	Err(format!("try_state failed: {}", failed.join("; ")))
}

/// Every key and value of the state.
pub fn snapshot() -> BTreeMap<Vec<u8>, Vec<u8>> {
	let mut out = BTreeMap::new();
	let mut key = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		let value = sp_io::storage::get(&next).map(|v| v.to_vec()).unwrap_or_default();
		out.insert(next.clone(), value);
		key = next;
	}
	out
}

/// The pallet whose storage a key is in, and the rest of the key.
fn item_of(key: &[u8]) -> String {
	use frame_support::traits::PalletsInfoAccess;
	let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
	for pallet in AllPalletsWithSystem::infos() {
		let prefix = sp_io::hashing::twox_128(pallet.name.as_bytes());
		if let Some(rest) = key.strip_prefix(&prefix[..]) {
			return format!("{}::0x{}", pallet.name, hex(rest));
		}
	}
	match std::str::from_utf8(key) {
		Ok(text) => text.to_string(),
		Err(_) => format!("0x{}", hex(key)),
	}
}

/// What changed between two snapshots.
pub fn diff(before: &BTreeMap<Vec<u8>, Vec<u8>>, after: &BTreeMap<Vec<u8>, Vec<u8>>) -> String {
	let keys: BTreeSet<&Vec<u8>> = before.keys().chain(after.keys()).collect();
	let mut out = String::new();
	for key in keys {
		let (old, new) = (before.get(key), after.get(key));
		if old != new {
			out.push_str(&format!(
				"  {}: {} -> {}\n",
				item_of(key),
				old.map_or("(none)".into(), |v| format!("{} bytes", v.len())),
				new.map_or("(none)".into(), |v| format!("{} bytes", v.len())),
			));
		}
	}
	out
}

/// What the chain holds at the end of a run, in a few numbers.
pub fn summary() -> String {
	use valley_runtime::UNIT;
	let stones = |b: Balance| b / UNIT;
	let vehicles = pallet_mileage::HighestSlot::<Runtime>::get()
		.saturating_sub(pallet_mileage::FreeSlotCount::<Runtime>::get());
	let winners: usize = pallet_mileage::BatchOutcomes::<Runtime>::iter()
		.map(|(_, outcome)| outcome.winners.len())
		.sum();
	format!(
		"block {}, {} accounts; {vehicles} vehicles registered; {} batches closed ({winners} \
		 winners in the last {} kept), mining minted {} STONE; educational pool: {} STONE minted, \
		 {} reserved; crystals awarded {}, burned {}; {} box openings requested; {} pieces held; \
		 transfers {}; burned {} STONE",
		System::block_number(),
		frame_system::Account::<Runtime>::iter_keys().count(),
		pallet_stone::NextBatch::<Runtime>::get(),
		pallet_mileage::BatchOutcomes::<Runtime>::iter_keys().count(),
		stones(pallet_stone::MiningMinted::<Runtime>::get()),
		stones(pallet_stone::EducationMinted::<Runtime>::get()),
		stones(pallet_stone::EducationReserved::<Runtime>::get()),
		pallet_crystals::CrystalsAwarded::<Runtime>::get(),
		pallet_crystals::CrystalsBurned::<Runtime>::get(),
		pallet_crystals::NextRequest::<Runtime>::get(),
		pallet_crystals::TotalPieces::<Runtime>::get(),
		if pallet_stone::TransfersEnabled::<Runtime>::get() { "open" } else { "closed" },
		stones(pallet_stone::Burned::<Runtime>::get()),
	)
}
