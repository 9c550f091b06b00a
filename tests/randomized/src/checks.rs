//! The checks after every block: the `try_state` of every pallet and the invariants between
//! pallets; and, for a failed call that changed storage, what it changed.

use std::collections::{BTreeMap, BTreeSet};

use frame_support::traits::{Get, TryState, TryStateSelect};
use pallet_mileage::{BatchIndex, BatchPhase, Commitment, SlotState};
use valley_runtime::{
	AccountId, AllPalletsWithSystem, Balance, Balances, BlockNumber, Nonce, Runtime, RuntimeEvent,
	System,
};

use crate::{calls, chain, World};

type Mileage = pallet_mileage::Pallet<Runtime>;

/// What the checks remember from block to block.
#[derive(Default)]
pub struct Watch {
	/// The highest nonce seen of each actor's account.
	nonces: BTreeMap<AccountId, Nonce>,
	/// The next batch before the block, and whether it was due at the block's start.
	batch_before: u64,
	batch_due: bool,
	/// The mileage batches in flight before the block, and the oldest of them due to finish in
	/// it (its commit or proof deadline passed, or its slots all settled).
	in_flight_before: Vec<BatchIndex>,
	finish_due: Option<BatchIndex>,
	/// What the mining pool had paid before the block.
	mining_minted_before: Balance,
	/// Operators' commitments to batches in flight, and settled slots, as first seen: neither
	/// ever changes while the batch is in flight.
	commitments: BTreeMap<(BatchIndex, AccountId), Commitment>,
	settled: BTreeMap<(BatchIndex, u32), SlotState<AccountId>>,
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
	/// Notes what block `n` must do before it starts: close the next batch if it is due by the
	/// previous block's time, finish the oldest mileage batch due (what `on_initialize` sees).
	pub fn before_block(&mut self, n: BlockNumber) {
		let params = pallet_stone::Schedule::<Runtime>::get();
		let now = pallet_timestamp::Now::<Runtime>::get();
		let next = pallet_stone::NextBatch::<Runtime>::get();
		self.batch_before = next;
		self.batch_due = params.start != 0
			&& now >= pallet_stone::schedule::close_time(params.start, params.batch_length, next);
		self.in_flight_before = pallet_mileage::InFlight::<Runtime>::get().into_inner();
		self.finish_due = self.in_flight_before.iter().copied().find(|batch| {
			pallet_mileage::Batches::<Runtime>::get(batch).is_some_and(|r| match r.phase {
				BatchPhase::Committing => n > r.deadline,
				BatchPhase::Drawing { open, .. } => open == 0 || n > r.deadline,
				BatchPhase::Accepted { .. } => false,
			})
		});
		self.mining_minted_before = pallet_stone::MiningMinted::<Runtime>::get();
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
	// against the crystals pallet's), Mileage (`do_try_state`: the registry and its proposals,
	// every batch in flight's commitments, slots, winning leaves and payments, the outcomes),
	// Beacon, Crystals (crystals conserved, holdings, the queue, the reserve), the SDK pallets
	// (Aura's slot and authorities, balances' holds and freezes, membership).
	try_state_all(n)?;

	// The beacon has this block's randomness; the time is the slot's.
	ensure!(
		pallet_beacon::History::<Runtime>::contains_key(n),
		"block {n} has no randomness in the beacon's history"
	);
	let now = pallet_timestamp::Now::<Runtime>::get();
	ensure!(now == chain::time_of(w.slot), "the time is {now}, not slot {}'s", w.slot);

	// Stone: batches close one per block while they are due, and never otherwise.
	let next = pallet_stone::NextBatch::<Runtime>::get();
	let expected = w.watch.batch_before + u64::from(w.watch.batch_due);
	ensure!(
		next == expected,
		"the next batch went from {} to {next} (a batch was {}due)",
		w.watch.batch_before,
		if w.watch.batch_due { "" } else { "not " }
	);

	mileage(w, n)?;

	// Collectibles and Balances: every Stone held for bids, in any account, is a live auction's
	// highest bid.
	let reason = valley_runtime::RuntimeHoldReason::Collectibles(
		pallet_collectibles::HoldReason::AuctionBid,
	);
	let held: Balance = pallet_balances::Holds::<Runtime>::iter_values()
		.flat_map(|holds| holds.into_iter())
		.filter(|hold| hold.id == reason)
		.map(|hold| hold.amount)
		.sum();
	let bids: Balance = pallet_collectibles::Auctions::<Runtime>::iter_values()
		.filter_map(|auction| auction.highest.map(|bid| bid.amount))
		.sum();
	ensure!(held == bids, "{held} held for bids, the live auctions' highest bids are {bids}");
	// Ended auctions settle by themselves at the start of the next block.
	for record in System::events() {
		if let RuntimeEvent::Collectibles(pallet_collectibles::Event::SettlementFailed {
			auction,
			error,
		}) = record.event
		{
			return Err(format!("auction {auction} did not settle by itself: {error:?}"));
		}
	}

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

/// The mileage batches after block `n`, against the Stone pallet, the block's events and the
/// run's model of the operators' trees.
fn mileage(w: &mut World, n: BlockNumber) -> Result<(), String> {
	// What the mining pool owes is what the batches in flight still hold: their amounts less
	// what they paid.
	let outstanding = pallet_stone::Outstanding::<Runtime>::get();
	let owed = Mileage::owed();
	ensure!(
		outstanding == owed,
		"the mining pool owes {outstanding}, the batches in flight hold {owed}"
	);

	// What the block's events say happened to the batches.
	let (mut won, mut drawn) = (0 as Balance, 0u32);
	for record in System::events() {
		let RuntimeEvent::Mileage(event) = record.event else { continue };
		// The variant's name: the Debug form up to its fields.
		let name = format!("{event:?}");
		let name = name.trim_start_matches("Event::").split([' ', '{']).next().unwrap_or_default();
		let name = name.to_string();
		match &event {
			pallet_mileage::Event::VehicleWon { amount, .. } => won += amount,
			pallet_mileage::Event::PointsDrawn { .. } => drawn += 1,
			pallet_mileage::Event::BatchCommitted { batch, commitment } => {
				// Whose root it is, in the run's model.
				let whose = match w.mileage.trees(*batch) {
					Some(trees) if trees.honest.commitment() == *commitment => "honest",
					Some(trees) if trees.lie.commitment() == *commitment => "liars'",
					_ => "forged",
				};
				*w.stats.mileage.entry(format!("{name} ({whose} root)")).or_default() += 1;
				continue;
			},
			_ => {},
		}
		*w.stats.mileage.entry(name).or_default() += 1;
	}

	// The mining pool pays winners only: what it minted in the block is what they won.
	let minted = pallet_stone::MiningMinted::<Runtime>::get() - w.watch.mining_minted_before;
	ensure!(minted == won, "the mining pool minted {minted} in the block, its winners won {won}");

	// At most one batch finishes a block: the oldest due at its start, if any; a finished batch
	// leaves its outcome.
	let in_flight = pallet_mileage::InFlight::<Runtime>::get();
	let finished: Vec<BatchIndex> =
		w.watch.in_flight_before.iter().copied().filter(|b| !in_flight.contains(b)).collect();
	ensure!(
		finished == w.watch.finish_due.into_iter().collect::<Vec<_>>(),
		"batches {finished:?} finished in the block, {:?} was due",
		w.watch.finish_due
	);
	for batch in &finished {
		let outcome = pallet_mileage::BatchOutcomes::<Runtime>::get(batch);
		ensure!(
			outcome.as_ref().is_some_and(|o| o.block == n),
			"batch {batch} finished without its outcome: {outcome:?}"
		);
	}
	let history = <<Runtime as pallet_mileage::Config>::HistoryDepth as Get<u32>>::get() as usize;
	let kept = pallet_mileage::BatchOutcomes::<Runtime>::iter_keys().count();
	ensure!(kept <= history, "{kept} batch outcomes kept, more than the {history} of the history");
	// The last batch, from which `recent_batches` lists the history, is the newest with an
	// outcome (batches finish out of order: a drawn one before an older one still committing).
	let newest = pallet_mileage::BatchOutcomes::<Runtime>::iter_keys().max();
	let last = pallet_mileage::LastBatch::<Runtime>::get();
	ensure!(last == newest, "the last batch is {last:?}, the newest with an outcome {newest:?}");

	// An accepted batch whose draw height (fixed at its close) came is drawn in this block's
	// `on_finalize`, one a block; before its height it waits, whenever it was accepted.
	let mut waiting = Vec::new();
	for batch in in_flight.iter() {
		let Some(record) = pallet_mileage::Batches::<Runtime>::get(batch) else { continue };
		let draw_at = pallet_mileage::Pallet::<Runtime>::draw_at(&record);
		let early = pallet_mileage::Pallet::<Runtime>::early_draw_at(&record);
		let late = record.closed_at
			+ <<Runtime as pallet_mileage::Config>::CommitWindow as Get<u32>>::get()
			+ 1;
		ensure!(
			draw_at == early || draw_at == late,
			"batch {batch} drawn at {draw_at}, not at {early} nor {late}"
		);
		match record.phase {
			BatchPhase::Accepted { .. } if draw_at <= n => waiting.push(*batch),
			BatchPhase::Drawing { commitment, winners, per_winner, .. } => {
				// A tenth of the leaves win (none if they weigh nothing: a majority may commit a
				// count with a total of 0); each is paid an equal part of the batch.
				let expected = match commitment.total {
					0 => 0,
					_ => pallet_mileage::rules::winners_for(
						commitment.count,
						<<Runtime as pallet_mileage::Config>::WinnerShare as Get<_>>::get(),
						<<Runtime as pallet_mileage::Config>::MaxWinners as Get<u32>>::get(),
					),
				};
				ensure!(
					winners == expected,
					"batch {batch} of {} leaves weighing {} has {winners} winners, not {expected}",
					commitment.count,
					commitment.total
				);
				if winners > 0 {
					ensure!(
						per_winner == record.amount / Balance::from(winners),
						"batch {batch} pays {per_winner} a winner of {} for {winners}",
						record.amount
					);
				}
				// A slot won in the block went to the leaf of the accepted tree that owns its
				// point; settled slots stay as they were settled.
				let trees = w.mileage.trees(*batch);
				let tree = trees.as_ref().and_then(|t| t.proving(&commitment));
				for (slot, state) in pallet_mileage::Slots::<Runtime>::iter_prefix(batch) {
					if matches!(state, SlotState::Open { .. }) {
						continue;
					}
					if let Some(seen) = w.watch.settled.get(&(*batch, slot)) {
						ensure!(
							*seen == state,
							"slot {slot} of batch {batch} was {seen:?}, is now {state:?}"
						);
						continue;
					}
					if let (SlotState::Won { point, leaf_index, vehicle, .. }, Some(tree)) =
						(&state, tree)
					{
						let leaf = tree.leaf(*leaf_index).map(|l| l.vehicle);
						ensure!(
							leaf == Some(vehicle.0)
								&& calls::leaf_at(tree, *point) == Some(*leaf_index),
							"slot {slot} of batch {batch} (point {point}) won by leaf \
							 {leaf_index} ({vehicle:?}), which does not own the point"
						);
					}
					w.watch.settled.insert((*batch, slot), state);
				}
			},
			_ => {},
		}
	}
	ensure!(
		waiting.is_empty() || drawn > 0,
		"batches {waiting:?} accepted before block {n} wait for their draw, and none was drawn"
	);

	// An operator's commitment to a batch never changes.
	for (batch, operator, commitment) in pallet_mileage::Commitments::<Runtime>::iter() {
		let seen = w.watch.commitments.entry((batch, operator.clone())).or_insert(commitment);
		ensure!(
			*seen == commitment,
			"{operator}'s commitment to batch {batch} changed from {seen:?} to {commitment:?}"
		);
	}
	w.watch.commitments.retain(|(batch, _), _| in_flight.contains(batch));
	w.watch.settled.retain(|(batch, _), _| in_flight.contains(batch));
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
	let vehicles = pallet_mileage::VehicleCount::<Runtime>::get();
	let outcomes: Vec<_> = pallet_mileage::BatchOutcomes::<Runtime>::iter_values().collect();
	let winners: usize = outcomes.iter().map(|outcome| outcome.winners.len()).sum();
	let committed = outcomes.iter().filter(|outcome| outcome.commitment.is_some()).count();
	format!(
		"block {}, {} accounts; {vehicles} vehicles registered; {} batches closed (of the last {} \
		 kept, {committed} with an accepted root, {winners} winners), mining minted {} STONE; educational pool: {} STONE minted, \
		 {} reserved; crystals awarded {}, burned {}; {} box openings requested; {} pieces held; \
		 transfers {}; burned {} STONE",
		System::block_number(),
		frame_system::Account::<Runtime>::iter_keys().count(),
		pallet_stone::NextBatch::<Runtime>::get(),
		outcomes.len(),
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
