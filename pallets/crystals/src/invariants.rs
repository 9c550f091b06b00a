//! The pallet's invariants, checked by `try_state` and after every unit test.

use frame_support::{ensure, traits::Get};
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion, TryRuntimeError,
};

use crate::{odds, pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// The pallet's invariants; see the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		// Crystals are conserved: held + paid into pending openings = awarded − burned.
		let mut crystals: u128 = 0;
		let mut pieces: u64 = 0;
		let mut pending_count: u64 = 0;
		for (who, h) in Holdings::<T>::iter() {
			ensure!(!h.is_empty(), "a holdings entry holds nothing");
			ensure!(
				Participants::<T>::contains_key(&who),
				"an account with holdings is not marked"
			);
			let eggs: u64 = Eggs::<T>::iter_prefix(&who).map(|(_, n)| u64::from(n)).sum();
			ensure!(eggs == u64::from(h.eggs), "eggs per kind do not add up to the account's eggs");
			for request in h.pending.iter() {
				let open =
					OpenRequests::<T>::get(request).ok_or("a pending opening is not queued")?;
				ensure!(open.who == who, "a pending opening belongs to someone else");
			}
			crystals = crystals.saturating_add(u128::from(h.crystals));
			pieces = pieces.saturating_add(u64::from(h.pieces));
			pending_count = pending_count.saturating_add(h.pending.len() as u64);
		}
		for (who, _, n) in Eggs::<T>::iter() {
			ensure!(n > 0, "an egg entry of zero");
			ensure!(Holdings::<T>::contains_key(&who), "eggs without a holdings entry");
		}
		// Every account that held something keeps its reference, and so its nonce.
		for (who, ()) in Participants::<T>::iter() {
			ensure!(
				frame_system::Pallet::<T>::sufficients(&who) > 0,
				"a participant has no sufficients reference"
			);
		}

		// The waiting openings are exactly the queue, bounded, counted per kind.
		let (head, tail) = (QueueHead::<T>::get(), NextRequest::<T>::get());
		ensure!(head <= tail, "the queue's head is past its tail");
		ensure!(
			tail.saturating_sub(head) <= u64::from(Self::max_waiting()),
			"more than 2 × MaxOpensPerBlock openings wait"
		);
		ensure!(
			LatestBlockOpens::<T>::get().count <= T::MaxOpensPerBlock::get(),
			"a block has more than MaxOpensPerBlock openings"
		);
		let mut queued: u64 = 0;
		let mut per_kind = alloc::collections::BTreeMap::<BoxKindId, u32>::new();
		for (request, open) in OpenRequests::<T>::iter() {
			ensure!(request >= head && request < tail, "a queued opening outside the queue");
			let owner = Holdings::<T>::get(&open.who).ok_or("a queued opening without an owner")?;
			ensure!(owner.pending.contains(&request), "a queued opening not in its owner's list");
			ensure!(BoxKinds::<T>::contains_key(open.kind), "a waiting opening of no box kind");
			if let Payment::Crystals(price) = open.paid {
				crystals = crystals.saturating_add(u128::from(price));
			}
			let count = per_kind.entry(open.kind).or_default();
			*count = count.saturating_add(1);
			queued = queued.saturating_add(1);
		}
		ensure!(queued == tail.saturating_sub(head), "the queue has a gap");
		ensure!(queued == pending_count, "queued openings != pending openings of the accounts");
		ensure!(
			WaitingOpenings::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>()
				== per_kind,
			"WaitingOpenings != the waiting openings per kind"
		);
		ensure!(
			crystals
				== u128::from(CrystalsAwarded::<T>::get())
					.saturating_sub(u128::from(CrystalsBurned::<T>::get())),
			"crystals held + paid into openings != awarded - burned"
		);

		// Every Stone a box can still give, and every piece not combined, is reserved.
		ensure!(pieces == TotalPieces::<T>::get(), "pieces held != TotalPieces");
		let piece = Self::piece_value();
		let mut value = piece.saturating_mul(pieces.saturated_into());
		for (kind, table) in PrizeTables::<T>::iter() {
			ensure!(BoxKinds::<T>::contains_key(kind), "a prize table without a box kind");
			value = value.saturating_add(odds::table_value(&table, piece));
		}
		ensure!(value == Reserved::<T>::get(), "Reserved != stock value + pieces value");
		for (_, task) in TaskKinds::<T>::iter() {
			ensure!(task.limit > 0 && !task.period.is_zero(), "a task kind without a limit");
		}
		Ok(())
	}
}
