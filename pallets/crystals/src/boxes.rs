//! Boxes: opening requests, the draw with a later block's randomness (in `on_poll` or by a call),
//! refunds, and combining Stone pieces.

use codec::Encode;
use frame_support::{pallet_prelude::*, weights::WeightMeter};
use frame_system::pallet_prelude::{BlockNumberFor, OriginFor};
use sp_runtime::traits::{One, Saturating};
use valley_primitives::{BlockRandomness, EducationPool, VehicleOwners};

use crate::{odds, pallet::*, types::*, WeightInfo};

impl<T: Config> Pallet<T> {
	/// How `who` would pay to open a box of `kind` now, or why it cannot: an egg of the kind if
	/// it holds one, the price otherwise; it must have room for another pending opening and
	/// something to win in the table.
	pub(crate) fn payment_for(who: &T::AccountId, kind: BoxKindId) -> Result<Payment, Error<T>> {
		let box_kind = BoxKinds::<T>::get(kind).ok_or(Error::<T>::UnknownBoxKind)?;
		let holdings = Holdings::<T>::get(who).unwrap_or_default();
		let paid = if Eggs::<T>::get(who, kind) > 0 {
			Payment::Egg
		} else {
			match box_kind.price {
				None => return Err(Error::<T>::NoEgg),
				Some(price) if holdings.crystals >= price => Payment::Crystals(price),
				Some(_) => return Err(Error::<T>::NotEnoughCrystals),
			}
		};
		ensure!(
			(holdings.pending.len() as u32) < T::MaxPendingPerAccount::get(),
			Error::<T>::TooManyPendingOpens
		);
		let table = PrizeTables::<T>::get(kind);
		ensure!(
			odds::can_win(&table, false)
				|| (odds::can_win(&table, true) && T::VehicleOwners::owns_vehicle(who)),
			Error::<T>::NothingToWin
		);
		Ok(paid)
	}

	/// `open_box` is free exactly when it will succeed.
	pub(crate) fn open_is_feeless(origin: &OriginFor<T>, kind: BoxKindId) -> bool {
		match frame_system::ensure_signed(origin.clone()) {
			Ok(who) => Self::payment_for(&who, kind).is_ok(),
			Err(_) => false,
		}
	}

	pub(crate) fn do_open_box(who: T::AccountId, kind: BoxKindId) -> DispatchResult {
		let paid = Self::payment_for(&who, kind)?;
		let request = NextRequest::<T>::get();
		let next = request.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let draws_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::RandomnessDelay::get());
		Self::mutate_holdings(&who, |h| {
			match paid {
				Payment::Crystals(price) => {
					h.crystals =
						h.crystals.checked_sub(price).ok_or(Error::<T>::NotEnoughCrystals)?
				},
				Payment::Egg => h.eggs = h.eggs.checked_sub(1).ok_or(Error::<T>::NoEgg)?,
			}
			h.pending.try_push(request).map_err(|_| Error::<T>::TooManyPendingOpens)?;
			Ok(())
		})?;
		if paid == Payment::Egg {
			Eggs::<T>::mutate_exists(&who, kind, |n| {
				*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
			});
		}
		OpenRequests::<T>::insert(request, OpenRequest { who: who.clone(), kind, paid, draws_at });
		NextRequest::<T>::put(next);
		Self::deposit_event(Event::OpenRequested { who, request, kind, paid, draws_at });
		Ok(())
	}

	/// The randomness that draws an opening due at `draws_at`, in block `now`: that block's, once
	/// known. If it is no longer kept (pruned), the randomness of `now` or of its parent, both
	/// after the request and unknown when it was made, so that no opening gets stuck.
	pub(crate) fn randomness_for(
		draws_at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Option<T::Hash> {
		if now < draws_at {
			return None;
		}
		T::Randomness::randomness_of(draws_at).or_else(|| {
			if now > draws_at {
				T::Randomness::randomness_of(now)
					.or_else(|| T::Randomness::randomness_of(now.saturating_sub(One::one())))
			} else {
				None
			}
		})
	}

	/// `resolve_open` is free for the opening's owner once it can be drawn.
	pub(crate) fn resolve_is_feeless(origin: &OriginFor<T>, request: RequestIndex) -> bool {
		let Ok(who) = frame_system::ensure_signed(origin.clone()) else { return false };
		OpenRequests::<T>::get(request).is_some_and(|r| {
			r.who == who
				&& Self::randomness_for(r.draws_at, frame_system::Pallet::<T>::block_number())
					.is_some()
		})
	}

	pub(crate) fn do_resolve_open(request: RequestIndex) -> DispatchResult {
		let open = OpenRequests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		let randomness =
			Self::randomness_for(open.draws_at, frame_system::Pallet::<T>::block_number())
				.ok_or(Error::<T>::RandomnessNotYetKnown)?;
		Self::resolve(request, open, randomness);
		Ok(())
	}

	/// Resolves ready openings from the head of the queue, at most `MaxResolvePerBlock` and as
	/// many as `meter` allows; stops at the first one whose randomness is not known yet (later
	/// ones are due no earlier).
	pub(crate) fn resolve_ready(now: BlockNumberFor<T>, meter: &mut WeightMeter) {
		let base = T::WeightInfo::on_poll_resolve(0);
		if meter.try_consume(base).is_err() {
			return;
		}
		let step = T::WeightInfo::on_poll_resolve(1).saturating_sub(base);
		let start = QueueHead::<T>::get();
		let tail = NextRequest::<T>::get();
		let mut head = start;
		let mut resolved = 0u32;
		while head < tail && resolved < T::MaxResolvePerBlock::get() {
			if meter.try_consume(step).is_err() {
				break;
			}
			// Openings resolved by `resolve_open` have left the queue already: skip them.
			if let Some(open) = OpenRequests::<T>::get(head) {
				let Some(randomness) = Self::randomness_for(open.draws_at, now) else { break };
				Self::resolve(head, open, randomness);
			}
			head = head.saturating_add(1);
			resolved = resolved.saturating_add(1);
		}
		if head != start {
			QueueHead::<T>::put(head);
		}
	}

	/// Draws and pays the prize of an opening, or refunds it if the box has nothing left the
	/// opener can win or the prize cannot be paid. Never fails.
	pub(crate) fn resolve(
		request: RequestIndex,
		open: OpenRequest<T::AccountId, BlockNumberFor<T>>,
		randomness: T::Hash,
	) {
		OpenRequests::<T>::remove(request);
		let seed = sp_io::hashing::blake2_256(&(b"valley/crystals", randomness, request).encode());
		let won = frame_support::storage::with_storage_layer(|| {
			Self::draw_and_pay(&open.who, open.kind, odds::random_u128(&seed))
		});
		let OpenRequest { who, kind, paid, .. } = open;
		let refund = won.is_err();
		// Cannot fail: only removes the request and gives back what the opening took.
		let _ = Self::mutate_holdings(&who, |h| {
			h.pending.retain(|r| *r != request);
			if refund {
				match paid {
					Payment::Crystals(price) => h.crystals = h.crystals.saturating_add(price),
					Payment::Egg => h.eggs = h.eggs.saturating_add(1),
				}
			}
			Ok(())
		});
		match won {
			Ok(prize) => {
				if let Payment::Crystals(price) = paid {
					CrystalsBurned::<T>::mutate(|b| *b = b.saturating_add(price));
				}
				Self::deposit_event(Event::BoxOpened { who, request, kind, prize });
			},
			Err(_) => {
				if paid == Payment::Egg {
					Eggs::<T>::mutate(&who, kind, |n| *n = n.saturating_add(1));
				}
				Self::deposit_event(Event::OpenRefunded { who, request, kind, paid });
			},
		}
	}

	/// Picks a prize with probability proportional to stock among those `who` can win, takes it
	/// from the stock and pays it. Fails when there is nothing to win or the prize cannot be paid;
	/// the caller discards the changes then.
	fn draw_and_pay(
		who: &T::AccountId,
		kind: BoxKindId,
		random: u128,
	) -> Result<Prize<T::Balance>, DispatchError> {
		let mut table = PrizeTables::<T>::get(kind);
		// The vehicle registry is only asked when the table has Stones in stock.
		let owner = table.iter().any(|s| matches!(s.prize, Prize::Stones(_)) && s.stock > 0)
			&& T::VehicleOwners::owns_vehicle(who);
		let index =
			odds::pick(odds::weights(&table, owner), random).ok_or(Error::<T>::NothingToWin)?;
		let slot = table.get_mut(index).ok_or(Error::<T>::NothingToWin)?;
		slot.stock = slot.stock.checked_sub(1).ok_or(Error::<T>::NothingToWin)?;
		let prize = slot.prize;
		PrizeTables::<T>::insert(kind, table);
		match prize {
			Prize::Nothing => {},
			Prize::Stones(amount) => {
				T::Pool::mint_reserved(who, amount)?;
				Reserved::<T>::mutate(|r| *r = r.saturating_sub(amount));
			},
			Prize::Pieces(n) => {
				// The pieces' value stays reserved: it moves from the table to the pieces.
				Self::mutate_holdings(who, |h| {
					h.pieces = h.pieces.checked_add(n).ok_or(Error::<T>::Overflow)?;
					Ok(())
				})?;
				TotalPieces::<T>::mutate(|p| *p = p.saturating_add(u64::from(n)));
			},
		}
		Ok(prize)
	}

	/// `combine_pieces` is free exactly when the account has a whole Stone of pieces.
	pub(crate) fn combine_is_feeless(origin: &OriginFor<T>) -> bool {
		let Ok(who) = frame_system::ensure_signed(origin.clone()) else { return false };
		Holdings::<T>::get(&who).is_some_and(|h| h.pieces >= T::PiecesPerStone::get())
	}

	pub(crate) fn do_combine_pieces(who: T::AccountId) -> DispatchResult {
		let per_stone = T::PiecesPerStone::get();
		let held = Holdings::<T>::get(&who).map(|h| h.pieces).unwrap_or(0);
		let stones = held / per_stone;
		ensure!(stones > 0, Error::<T>::NotEnoughPieces);
		let pieces = stones.saturating_mul(per_stone);
		let amount = T::StoneUnit::get().saturating_mul(stones.into());
		T::Pool::mint_reserved(&who, amount)?;
		Reserved::<T>::mutate(|r| *r = r.saturating_sub(amount));
		TotalPieces::<T>::mutate(|p| *p = p.saturating_sub(u64::from(pieces)));
		Self::mutate_holdings(&who, |h| {
			h.pieces = h.pieces.saturating_sub(pieces);
			Ok(())
		})?;
		Self::deposit_event(Event::PiecesCombined { who, pieces, stones: amount });
		Ok(())
	}
}
