//! English auctions in Stones: listing, held bids, last-minute extensions, settlement straight
//! from the winner's hold, cancellation without bids.

use alloc::vec::Vec;

use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{Inspect, InspectHold, MutateHold},
		tokens::{nonfungibles_v2::Transfer, Fortitude, Precision, Provenance, Restriction},
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

use crate::*;

/// Blocks tried, from the extended end on, for one with room for one more ending auction.
pub const EXTENSION_PROBES: u32 = 4;

impl<T: Config> Pallet<T> {
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_create_auction(
		seller: T::AccountId,
		artwork: ArtworkId,
		edition: Edition,
		reserve: BalanceOf<T>,
		min_increment: BalanceOf<T>,
		duration: BlockNumberFor<T>,
		charity: Option<CharityId>,
		charity_share_ppm: u32,
		rest: Rest,
	) -> Result<AuctionId, DispatchError> {
		ensure!(Self::owner_of(artwork, edition)? == seller, Error::<T>::NotOwner);
		ensure!(!Listed::<T>::contains_key(artwork, edition), Error::<T>::AlreadyListed);
		ensure!(
			(T::MinDuration::get()..=T::MaxDuration::get()).contains(&duration),
			Error::<T>::BadDuration
		);
		ensure!(charity_share_ppm <= 1_000_000, Error::<T>::BadShare);
		ensure!(charity.is_some() || charity_share_ppm == 0, Error::<T>::BadShare);
		if let Some(charity) = charity {
			Self::active_charity(charity)?;
		}
		let proceeds = Proceeds {
			charity,
			charity_share: Perbill::from_parts(charity_share_ppm * 1_000),
			rest,
		};
		ensure!(!min_increment.is_zero(), Error::<T>::ReserveTooLow);
		// Every part of the rest, at the reserve (and so at any higher price), can create its
		// account; the charity's part goes to its pot if it cannot.
		let parts = Self::rest_parts(&seller, artwork, &proceeds, reserve)?;
		let minimum = T::Currency::minimum_balance();
		ensure!(parts.iter().all(|(_, part)| *part >= minimum), Error::<T>::ReserveTooLow);
		if !parts.is_empty() && !T::TransfersOpen::get() {
			ensure!(
				parts.iter().all(|(who, _)| Artists::<T>::contains_key(who)),
				Error::<T>::TransfersClosed
			);
		}

		let now = frame_system::Pallet::<T>::block_number();
		let end = now.saturating_add(duration);
		let auction = NextAuctionId::<T>::get();
		EndingAt::<T>::try_mutate(end, |ids| ids.try_push(auction))
			.map_err(|_| Error::<T>::EndingBlockFull)?;
		NextAuctionId::<T>::put(auction.wrapping_add(1));
		Listed::<T>::insert(artwork, edition, auction);
		Auctions::<T>::insert(
			auction,
			Auction {
				seller: seller.clone(),
				artwork,
				edition,
				reserve,
				min_increment,
				end,
				max_end: end.saturating_add(T::MaxExtension::get()),
				proceeds,
				highest: None,
			},
		);
		Self::deposit_event(Event::AuctionCreated {
			auction,
			artwork,
			edition,
			seller,
			reserve,
			min_increment,
			end,
			proceeds,
		});
		Ok(auction)
	}

	/// Who receives the part of `price` that is not the charity's, and how much each.
	pub(crate) fn rest_parts(
		seller: &T::AccountId,
		artwork: ArtworkId,
		proceeds: &Proceeds,
		price: BalanceOf<T>,
	) -> Result<Vec<(T::AccountId, BalanceOf<T>)>, DispatchError> {
		let rest = price.saturating_sub(proceeds.charity_share.mul_floor(price));
		if proceeds.charity_share == Perbill::one() {
			return Ok(Vec::new());
		}
		Ok(match proceeds.rest {
			Rest::Seller => alloc::vec![(seller.clone(), rest)],
			Rest::Artists => {
				let artists =
					Artworks::<T>::get(artwork).ok_or(Error::<T>::UnknownArtwork)?.artists;
				let n: BalanceOf<T> = (artists.len() as u32).into();
				let each = rest / n;
				let first = rest.saturating_sub(each.saturating_mul(n.saturating_sub(One::one())));
				artists
					.into_iter()
					.enumerate()
					.map(|(i, who)| (who, if i == 0 { first } else { each }))
					.collect()
			},
		})
	}

	pub(crate) fn do_bid(
		bidder: T::AccountId,
		auction: AuctionId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let mut record = Auctions::<T>::get(auction).ok_or(Error::<T>::UnknownAuction)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.end, Error::<T>::AuctionEnded);
		ensure!(bidder != record.seller, Error::<T>::SellerCannotBid);
		let minimum = match &record.highest {
			None => record.reserve,
			Some(highest) => highest.amount.saturating_add(record.min_increment),
		};
		ensure!(amount >= minimum, Error::<T>::BidTooLow);

		let reason = HoldReason::AuctionBid.into();
		match record.highest.take() {
			Some(previous) if previous.bidder == bidder => {
				T::Currency::hold(&reason, &bidder, amount.saturating_sub(previous.amount))
					.map_err(|_| Error::<T>::InsufficientStones)?;
			},
			previous => {
				T::Currency::hold(&reason, &bidder, amount)
					.map_err(|_| Error::<T>::InsufficientStones)?;
				if let Some(previous) = previous {
					let released = T::Currency::release(
						&reason,
						&previous.bidder,
						previous.amount,
						Precision::Exact,
					)?;
					Self::deposit_event(Event::Outbid {
						auction,
						bidder: previous.bidder,
						released,
					});
				}
			},
		}
		record.highest = Some(Bid { bidder: bidder.clone(), amount });
		Self::deposit_event(Event::BidPlaced { auction, bidder, amount });

		// A bid in the last blocks moves the end, within the cap, to a block with room.
		let wanted = now.saturating_add(T::ExtensionWindow::get()).min(record.max_end);
		if wanted > record.end {
			let mut at = wanted;
			for _ in 0..EXTENSION_PROBES {
				if at > record.max_end {
					break;
				}
				if EndingAt::<T>::try_mutate(at, |ids| ids.try_push(auction)).is_ok() {
					EndingAt::<T>::mutate(record.end, |ids| ids.retain(|id| *id != auction));
					record.end = at;
					Self::deposit_event(Event::AuctionExtended { auction, end: at });
					break;
				}
				at = at.saturating_add(One::one());
			}
		}
		Auctions::<T>::insert(auction, record);
		Ok(())
	}

	/// Removes an auction and unlocks its edition.
	pub(crate) fn close(auction: AuctionId, record: &AuctionOf<T>) {
		Auctions::<T>::remove(auction);
		Listed::<T>::remove(record.artwork, record.edition);
	}

	/// Settles an ended auction taken off its block's list: pays the price from the winner's
	/// hold, hands over the edition. Changes nothing if it fails.
	pub(crate) fn do_settle(auction: AuctionId, record: AuctionOf<T>) -> DispatchResult {
		Self::close(auction, &record);
		let Some(Bid { bidder: winner, amount: price }) = record.highest.clone() else {
			Self::deposit_event(Event::AuctionUnsold { auction });
			return Ok(());
		};
		let reason = HoldReason::AuctionBid.into();
		let pay = |to: &T::AccountId, amount: BalanceOf<T>| {
			T::Currency::transfer_on_hold(
				&reason,
				&winner,
				to,
				amount,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			)
		};
		let to_charity = record.proceeds.charity_share.mul_floor(price);
		if let Some(charity) = record.proceeds.charity.filter(|_| !to_charity.is_zero()) {
			let mut c = Charities::<T>::get(charity).ok_or(Error::<T>::UnknownCharity)?;
			if T::Currency::can_deposit(&c.account, to_charity, Provenance::Extant)
				.into_result()
				.is_ok()
			{
				pay(&c.account, to_charity)?;
				Self::deposit_event(Event::ProceedsPaid {
					auction,
					to: c.account.clone(),
					amount: to_charity,
				});
			} else {
				pay(&Self::account(), to_charity)?;
				c.pot = c.pot.saturating_add(to_charity);
				Self::deposit_event(Event::PotCredited { charity, amount: to_charity });
			}
			c.raised = c.raised.saturating_add(to_charity);
			Charities::<T>::insert(charity, c);
		}
		for (to, amount) in
			Self::rest_parts(&record.seller, record.artwork, &record.proceeds, price)?
		{
			if !amount.is_zero() {
				pay(&to, amount)?;
				Self::deposit_event(Event::ProceedsPaid { auction, to, amount });
			}
		}
		T::Nfts::transfer(&record.artwork, &record.edition, &winner)?;
		Self::deposit_event(Event::AuctionSettled { auction, winner, price, to_charity });
		Ok(())
	}

	/// Settles the auctions that ended in the block before `now`; returns the weight used.
	pub(crate) fn settle_ended(now: BlockNumberFor<T>) -> Weight {
		if now.is_zero() {
			return Weight::zero();
		}
		let ended = EndingAt::<T>::take(now.saturating_sub(One::one()));
		if ended.is_empty() {
			// The list's one read (and its removal, which writes nothing when it is absent).
			return T::DbWeight::get().reads(1);
		}
		for auction in &ended {
			let Some(record) = Auctions::<T>::get(auction) else { continue };
			if let Err(error) = with_storage_layer(|| Self::do_settle(*auction, record)) {
				Self::deposit_event(Event::SettlementFailed { auction: *auction, error });
			}
		}
		T::WeightInfo::settle_ended(ended.len() as u32)
	}

	/// The pallet's invariants: every auction's edition is locked for it and still the
	/// seller's; every live auction ends in its block's list and nowhere else; the Stones held
	/// for bids are exactly the highest bids; pots are in the pallet's account; co-creators'
	/// credits match the artworks.
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::tokens::nonfungibles_v2::Inspect as _;
		let now = frame_system::Pallet::<T>::block_number();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut auctions = 0usize;
		for (id, a) in Auctions::<T>::iter() {
			auctions += 1;
			ensure!(
				Listed::<T>::get(a.artwork, a.edition) == Some(id),
				"an auction's edition is not locked for it"
			);
			ensure!(
				T::Nfts::owner(&a.artwork, &a.edition) == Some(a.seller.clone()),
				"a listed edition left its seller"
			);
			ensure!(a.end <= a.max_end, "an auction ends beyond its cap");
			if a.end >= now {
				ensure!(
					EndingAt::<T>::get(a.end).contains(&id),
					"a live auction is in no block's list"
				);
			}
			if let Some(bid) = &a.highest {
				ensure!(bid.amount >= a.reserve, "a bid below the reserve");
				let sum = held.entry(bid.bidder.clone()).or_insert_with(Zero::zero);
				*sum = sum.saturating_add(bid.amount);
			}
		}
		ensure!(Listed::<T>::iter().count() == auctions, "a listed edition has no auction");
		for (end, ids) in EndingAt::<T>::iter() {
			for id in ids {
				ensure!(
					Auctions::<T>::get(id).is_some_and(|a| a.end == end),
					"a block's list names an auction that does not end then"
				);
			}
		}
		for (bidder, amount) in held {
			ensure!(
				Self::held_for_bids(&bidder) == amount,
				"held Stones differ from the highest bids"
			);
			// And they are really there: the account's reserved balance covers its holds.
			ensure!(
				T::Currency::total_balance_on_hold(&bidder) >= amount,
				"a held bid is no longer in its bidder's account"
			);
		}
		let mut pots: BalanceOf<T> = Zero::zero();
		for (id, c) in Charities::<T>::iter() {
			ensure!(id < CharityCount::<T>::get(), "a charity beyond the count");
			ensure!(c.pot <= c.raised, "a pot larger than what the charity raised");
			pots = pots.saturating_add(c.pot);
		}
		ensure!(
			T::Currency::balance(&Self::account()) >= pots,
			"the pots are not in the pallet's account"
		);
		let mut credits = 0usize;
		for (who, artwork, ()) in FeaturedIn::<T>::iter() {
			ensure!(
				Artworks::<T>::get(artwork).is_some_and(|a| a.co_creators.contains(&who)),
				"a credit for an artwork that does not feature its account"
			);
			credits += 1;
		}
		let featured: usize = Artworks::<T>::iter_values().map(|a| a.co_creators.len()).sum();
		ensure!(credits == featured, "a co-creator is not credited");
		Ok(())
	}
}
