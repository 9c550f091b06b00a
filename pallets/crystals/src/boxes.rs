//! Boxes: opening requests (at most `MaxOpensPerBlock` a block), the draw at the end of the next
//! block with that block's randomness, refunds, and combining Stone pieces.

use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::{BlockNumberFor, OriginFor};
use sp_runtime::traits::{One, Saturating};
use valley_primitives::{BlockRandomness, EducationPool, VehicleOwners};

use crate::{odds, pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// How `who` would pay to open a box of `kind` now, and whether it owns a registered vehicle,
	/// or why it cannot open: an egg of the kind if it holds one, the price otherwise; it must
	/// have room for another pending opening, something to win in the table, and the block room
	/// for another opening.
	pub(crate) fn payment_for(
		who: &T::AccountId,
		kind: BoxKindId,
	) -> Result<(Payment, bool), Error<T>> {
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
		// Asked whatever the table holds: the draw uses this answer, frozen in the request.
		let owns_vehicle = T::VehicleOwners::owns_vehicle(who);
		ensure!(
			odds::can_win(&PrizeTables::<T>::get(kind), owns_vehicle),
			Error::<T>::NothingToWin
		);
		// Last: the only failure that goes away by itself, in the next block.
		ensure!(Self::has_room(), Error::<T>::BlockFull);
		Ok((paid, owns_vehicle))
	}

	/// Whether this block can take another opening: fewer than `MaxOpensPerBlock` requested in
	/// it and fewer than `max_waiting` waiting to be drawn. (`CheckOpeningRoom` keeps an opening
	/// out of a block without room; the call's own check is for openings dispatched otherwise.)
	pub fn has_room() -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		Self::opens_in(now) < T::MaxOpensPerBlock::get()
			&& Self::waiting_count() < u64::from(Self::max_waiting())
	}

	/// `open_box` is free exactly when it will succeed.
	pub(crate) fn open_is_feeless(origin: &OriginFor<T>, kind: BoxKindId) -> bool {
		match frame_system::ensure_signed(origin.clone()) {
			Ok(who) => Self::payment_for(&who, kind).is_ok(),
			Err(_) => false,
		}
	}

	pub(crate) fn do_open_box(who: T::AccountId, kind: BoxKindId) -> DispatchResult {
		let (paid, owns_vehicle) = Self::payment_for(&who, kind)?;
		let request = NextRequest::<T>::get();
		let next = request.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let now = frame_system::Pallet::<T>::block_number();
		let draws_at = now.saturating_add(One::one());
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
		OpenRequests::<T>::insert(
			request,
			OpenRequest { who: who.clone(), kind, paid, draws_at, owns_vehicle },
		);
		NextRequest::<T>::put(next);
		// Below `MaxOpensPerBlock` (checked above): no overflow.
		LatestBlockOpens::<T>::put(BlockOpens {
			block: now,
			count: Self::opens_in(now).saturating_add(1),
		});
		WaitingOpenings::<T>::mutate(kind, |n| *n = Some(n.unwrap_or(0).saturating_add(1)));
		Self::deposit_event(Event::OpenRequested { who, request, kind, paid, draws_at });
		Ok(())
	}

	/// How many openings were requested in block `now`.
	pub(crate) fn opens_in(now: BlockNumberFor<T>) -> u32 {
		let latest = LatestBlockOpens::<T>::get();
		if latest.block == now {
			latest.count
		} else {
			0
		}
	}

	/// How many openings wait to be drawn: the length of the queue.
	pub(crate) fn waiting_count() -> u64 {
		NextRequest::<T>::get().saturating_sub(QueueHead::<T>::get())
	}

	/// The most openings that can wait at once, and so be drawn in one block: those of two
	/// blocks (when a block's randomness was missing, its openings wait with the next block's).
	pub(crate) fn max_waiting() -> u32 {
		T::MaxOpensPerBlock::get().saturating_mul(2)
	}

	/// How many openings `on_finalize` will draw, asked in `on_initialize`: every one waiting then
	/// (no opening of the block is requested yet), at most `max_waiting`.
	pub(crate) fn openings_to_draw() -> u32 {
		Self::waiting_count().min(u64::from(Self::max_waiting())) as u32
	}

	/// Draws every opening requested before block `now`, in request order, with the randomness
	/// of `now`; if that randomness is missing, they all wait for the next block's. Returns how
	/// many were drawn: never more than `openings_to_draw` counted at the block's start.
	pub(crate) fn draw_waiting(now: BlockNumberFor<T>) -> u32 {
		let head = QueueHead::<T>::get();
		// The openings of this block wait for the next block's randomness.
		let before_now = NextRequest::<T>::get().saturating_sub(u64::from(Self::opens_in(now)));
		let end = before_now.min(head.saturating_add(u64::from(Self::max_waiting())));
		if end <= head {
			return 0;
		}
		let Some(randomness) = T::Randomness::randomness_of(now) else { return 0 };
		for request in head..end {
			// Always there: the queue holds exactly the waiting openings.
			if let Some(open) = OpenRequests::<T>::get(request) {
				Self::resolve(request, open, randomness);
			}
		}
		QueueHead::<T>::put(end);
		end.saturating_sub(head) as u32
	}

	/// Draws and pays the prize of an opening, or refunds it if the box has nothing left the
	/// opener can win or the prize cannot be paid. Never fails.
	pub(crate) fn resolve(
		request: RequestIndex,
		open: OpenRequest<T::AccountId, BlockNumberFor<T>>,
		randomness: T::Hash,
	) {
		OpenRequests::<T>::remove(request);
		WaitingOpenings::<T>::mutate_exists(open.kind, |n| {
			*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
		});
		let seed = sp_io::hashing::blake2_256(&(b"valley/crystals", randomness, request).encode());
		let won = frame_support::storage::with_storage_layer(|| {
			Self::draw_and_pay(&open.who, open.kind, open.owns_vehicle, odds::random_u128(&seed))
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

	/// Picks a prize with probability proportional to stock among those `who` can win (Stones
	/// only if it owned a vehicle when it asked), takes it from the stock and pays it. Fails when
	/// there is nothing to win or the prize cannot be paid; the caller discards the changes then.
	fn draw_and_pay(
		who: &T::AccountId,
		kind: BoxKindId,
		owns_vehicle: bool,
		random: u128,
	) -> Result<Prize<T::Balance>, DispatchError> {
		let mut table = PrizeTables::<T>::get(kind);
		let index = odds::pick(odds::weights(&table, owns_vehicle), random)
			.ok_or(Error::<T>::NothingToWin)?;
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
