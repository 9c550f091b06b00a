//! Tests of artworks, charities, auctions and their settlement.

use frame_support::{assert_noop, assert_ok, traits::tokens::nonfungibles_v2::Inspect};
use sp_runtime::DispatchError;

use crate::{mock::*, pallet::*, types::*, ArtworkInput};

fn owner(artwork: ArtworkId, edition: Edition) -> Option<AccountId> {
	<Nfts as Inspect<AccountId>>::owner(&artwork, &edition)
}

fn held(who: AccountId) -> Balance {
	Collectibles::held_for_bids(&who)
}

/// ALICE lists edition 0 of a new artwork she owns; returns the artwork and the auction.
fn listed(
	reserve: Balance,
	charity: Option<CharityId>,
	ppm: u32,
	rest: Rest,
) -> (ArtworkId, AuctionId) {
	let artwork = mint(ALICE, 2);
	let auction = NextAuctionId::<Test>::get();
	assert_ok!(Collectibles::create_auction(
		RuntimeOrigin::signed(ALICE),
		artwork,
		0,
		reserve,
		STONE,
		20,
		charity,
		ppm,
		rest,
	));
	(artwork, auction)
}

fn end_of(auction: AuctionId) -> u64 {
	Auctions::<Test>::get(auction).unwrap().end
}

mod artworks {
	use super::*;

	#[test]
	fn the_admin_and_approved_artists_mint_with_credits_and_fixed_facts() {
		ExtBuilder.build_and_execute(|| {
			let artwork = mint(CHARLIE, 3);
			for edition in 0..3 {
				assert_eq!(owner(artwork, edition), Some(CHARLIE));
				assert_eq!(
					<Nfts as Inspect<AccountId>>::system_attribute(
						&artwork,
						Some(&edition),
						crate::artworks::keys::EDITION
					),
					Some(codec::Encode::encode(&edition)),
				);
			}
			assert_eq!(owner(artwork, 3), None);
			let record = Artworks::<Test>::get(artwork).unwrap();
			assert_eq!(record.editions, 3);
			assert_eq!(record.artists.to_vec(), vec![ARTIST, ARTIST2]);
			assert_eq!(record.co_creators.to_vec(), vec![ALICE, BOB]);
			// Co-creators are credited and can list their works.
			assert_eq!(
				FeaturedIn::<Test>::iter_key_prefix(ALICE).collect::<Vec<_>>(),
				vec![artwork]
			);
			assert_eq!(FeaturedIn::<Test>::iter_key_prefix(BOB).collect::<Vec<_>>(), vec![artwork]);
			// The facts are in the pallet namespace: the owner cannot change them.
			assert_eq!(
				<Nfts as Inspect<AccountId>>::collection_attribute(&artwork, b"media_kind"),
				None
			);
			assert_eq!(
				<Nfts as Inspect<AccountId>>::system_attribute(&artwork, None, b"media_kind"),
				Some(b"video".to_vec())
			);
			assert_noop!(
				Nfts::set_attribute(
					RuntimeOrigin::signed(CHARLIE),
					artwork,
					Some(0),
					pallet_nfts::AttributeNamespace::Pallet,
					b"edition".to_vec().try_into().unwrap(),
					b"99".to_vec().try_into().unwrap(),
				),
				pallet_nfts::Error::<Test>::NoPermission
			);
			// An approved artist mints; anyone else does not.
			assert_ok!(Collectibles::mint_artwork(
				RuntimeOrigin::signed(ARTIST),
				ARTIST,
				input("MOVING ART"),
				vec![ARTIST],
				vec![],
				1
			));
			assert_noop!(
				Collectibles::mint_artwork(
					RuntimeOrigin::signed(ALICE),
					ALICE,
					input("x"),
					vec![ALICE],
					vec![],
					1
				),
				Error::<Test>::NotArtist
			);
			assert_ok!(Collectibles::set_artist(RuntimeOrigin::root(), ARTIST, false));
			assert_noop!(
				Collectibles::mint_artwork(
					RuntimeOrigin::signed(ARTIST),
					ARTIST,
					input("y"),
					vec![ARTIST],
					vec![],
					1
				),
				Error::<Test>::NotArtist
			);
		});
	}

	#[test]
	fn bad_artworks_fail_with_a_named_error_and_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			let root = || RuntimeOrigin::root();
			let go = |artists: Vec<AccountId>,
			          co: Vec<AccountId>,
			          editions: u32,
			          input: ArtworkInput| {
				Collectibles::mint_artwork(root(), ALICE, input, artists, co, editions)
			};
			assert_noop!(go(vec![], vec![], 1, input("a")), Error::<Test>::NoArtists);
			assert_noop!(
				go(vec![1, 2, 3, 4], vec![], 1, input("a")),
				Error::<Test>::TooManyArtists
			);
			assert_noop!(
				go(vec![ARTIST], vec![1, 2, 3, 4, 5], 1, input("a")),
				Error::<Test>::TooManyCoCreators
			);
			assert_noop!(
				go(vec![ARTIST, ARTIST], vec![], 1, input("a")),
				Error::<Test>::DuplicateAccount
			);
			assert_noop!(
				go(vec![ARTIST], vec![BOB, BOB], 1, input("a")),
				Error::<Test>::DuplicateAccount
			);
			assert_noop!(go(vec![ARTIST], vec![], 0, input("a")), Error::<Test>::BadEditions);
			assert_noop!(
				go(vec![ARTIST], vec![], MAX_EDITIONS + 1, input("a")),
				Error::<Test>::BadEditions
			);
			assert_noop!(go(vec![ARTIST], vec![], 1, input("")), Error::<Test>::BadText);
			let long = ArtworkInput { uri: vec![b'u'; 65], ..input("a") };
			assert_noop!(go(vec![ARTIST], vec![], 1, long), Error::<Test>::BadText);
		});
	}
}

mod charities {
	use super::*;

	#[test]
	fn the_admin_registers_and_deactivates_charities_within_the_bound() {
		ExtBuilder.build_and_execute(|| {
			assert_noop!(
				Collectibles::register_charity(RuntimeOrigin::signed(ALICE), b"x".to_vec(), 30),
				DispatchError::BadOrigin
			);
			assert_ok!(Collectibles::register_charity(
				RuntimeOrigin::root(),
				b"Clean Air".to_vec(),
				30
			));
			assert_eq!(Charities::<Test>::get(2).unwrap().account, 30);
			assert_noop!(
				Collectibles::register_charity(RuntimeOrigin::root(), b"One more".to_vec(), 31),
				Error::<Test>::TooManyCharities
			);
			assert_noop!(
				Collectibles::set_charity_active(RuntimeOrigin::root(), 7, false),
				Error::<Test>::UnknownCharity
			);
			assert_ok!(Collectibles::set_charity_active(RuntimeOrigin::root(), 2, false));
			assert!(!Charities::<Test>::get(2).unwrap().active);
		});
	}

	#[test]
	fn an_owner_donates_an_edition_to_an_active_charity() {
		ExtBuilder.build_and_execute(|| {
			let artwork = mint(ALICE, 2);
			assert_noop!(
				Collectibles::donate(RuntimeOrigin::signed(BOB), artwork, 0, GREEN_ID),
				Error::<Test>::NotOwner
			);
			assert_noop!(
				Collectibles::donate(RuntimeOrigin::signed(ALICE), artwork, 0, 9),
				Error::<Test>::UnknownCharity
			);
			assert_noop!(
				Collectibles::donate(RuntimeOrigin::signed(ALICE), artwork, 5, GREEN_ID),
				Error::<Test>::UnknownEdition
			);
			assert_ok!(Collectibles::set_charity_active(RuntimeOrigin::root(), SCHOOL_ID, false));
			assert_noop!(
				Collectibles::donate(RuntimeOrigin::signed(ALICE), artwork, 0, SCHOOL_ID),
				Error::<Test>::CharityInactive
			);
			assert_ok!(Collectibles::donate(RuntimeOrigin::signed(ALICE), artwork, 0, GREEN_ID));
			assert_eq!(owner(artwork, 0), Some(GREEN));
			assert_eq!(Charities::<Test>::get(GREEN_ID).unwrap().donations, 1);
			System::assert_last_event(
				Event::<Test>::Donated { artwork, edition: 0, from: ALICE, charity: GREEN_ID }
					.into(),
			);
		});
	}
}

mod listing {
	use super::*;

	#[test]
	fn a_listed_edition_is_locked_and_in_one_auction() {
		ExtBuilder.build_and_execute(|| {
			let (artwork, auction) = listed(10 * STONE, Some(SCHOOL_ID), 1_000_000, Rest::Seller);
			assert_eq!(Listed::<Test>::get(artwork, 0), Some(auction));
			assert_eq!(EndingAt::<Test>::get(21).to_vec(), vec![auction]);
			assert_noop!(
				Nfts::transfer(RuntimeOrigin::signed(ALICE), artwork, 0, BOB),
				pallet_nfts::Error::<Test>::ItemLocked
			);
			assert_noop!(
				Nfts::burn(RuntimeOrigin::signed(ALICE), artwork, 0),
				pallet_nfts::Error::<Test>::ItemLocked
			);
			assert_noop!(
				Collectibles::donate(RuntimeOrigin::signed(ALICE), artwork, 0, GREEN_ID),
				Error::<Test>::AlreadyListed
			);
			assert_noop!(
				Collectibles::create_auction(
					RuntimeOrigin::signed(ALICE),
					artwork,
					0,
					STONE,
					STONE,
					20,
					None,
					0,
					Rest::Artists
				),
				Error::<Test>::AlreadyListed
			);
			assert_noop!(
				Collectibles::transfer(RuntimeOrigin::signed(ALICE), artwork, 0, BOB),
				Error::<Test>::AlreadyListed
			);
			// The other edition is free to move; only by its owner.
			assert_noop!(
				Collectibles::transfer(RuntimeOrigin::signed(BOB), artwork, 1, BOB),
				Error::<Test>::NotOwner
			);
			assert_ok!(Collectibles::transfer(RuntimeOrigin::signed(ALICE), artwork, 1, BOB));
			assert_eq!(owner(artwork, 1), Some(BOB));
			System::assert_last_event(
				Event::<Test>::Transferred { artwork, edition: 1, from: ALICE, to: BOB }.into(),
			);
		});
	}

	#[test]
	fn bad_listings_fail_with_a_named_error_and_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			let artwork = mint(ALICE, 2);
			let list = |who: AccountId,
			            edition: Edition,
			            reserve: Balance,
			            increment: Balance,
			            duration: u64,
			            charity: Option<CharityId>,
			            ppm: u32,
			            rest: Rest| {
				Collectibles::create_auction(
					RuntimeOrigin::signed(who),
					artwork,
					edition,
					reserve,
					increment,
					duration,
					charity,
					ppm,
					rest,
				)
			};
			let r = Rest::Artists;
			assert_noop!(list(BOB, 0, STONE, STONE, 20, None, 0, r), Error::<Test>::NotOwner);
			assert_noop!(
				list(ALICE, 9, STONE, STONE, 20, None, 0, r),
				Error::<Test>::UnknownEdition
			);
			assert_noop!(
				Collectibles::create_auction(
					RuntimeOrigin::signed(ALICE),
					99,
					0,
					STONE,
					STONE,
					20,
					None,
					0,
					r
				),
				Error::<Test>::UnknownArtwork
			);
			assert_noop!(list(ALICE, 0, STONE, STONE, 4, None, 0, r), Error::<Test>::BadDuration);
			assert_noop!(list(ALICE, 0, STONE, STONE, 101, None, 0, r), Error::<Test>::BadDuration);
			// A share above 100 %, or without a charity.
			assert_noop!(
				list(ALICE, 0, STONE, STONE, 20, Some(GREEN_ID), 1_000_001, r),
				Error::<Test>::BadShare
			);
			assert_noop!(list(ALICE, 0, STONE, STONE, 20, None, 10, r), Error::<Test>::BadShare);
			assert_noop!(
				list(ALICE, 0, STONE, STONE, 20, Some(9), 10, r),
				Error::<Test>::UnknownCharity
			);
			assert_ok!(Collectibles::set_charity_active(RuntimeOrigin::root(), SCHOOL_ID, false));
			assert_noop!(
				list(ALICE, 0, STONE, STONE, 20, Some(SCHOOL_ID), 10, r),
				Error::<Test>::CharityInactive
			);
			// Zero increment; an artist's part of the reserve below the minimum balance.
			assert_noop!(list(ALICE, 0, STONE, 0, 20, None, 0, r), Error::<Test>::ReserveTooLow);
			assert_noop!(
				list(ALICE, 0, 2 * ED - 1, 1, 20, None, 0, r),
				Error::<Test>::ReserveTooLow
			);
			// While transfers are closed, the rest cannot go to an ordinary seller.
			assert_noop!(
				list(ALICE, 0, STONE, STONE, 20, Some(GREEN_ID), 500_000, Rest::Seller),
				Error::<Test>::TransfersClosed
			);
			TransfersOpen::set(&true);
			assert_ok!(list(ALICE, 0, STONE, STONE, 20, Some(GREEN_ID), 500_000, Rest::Seller));
			// At most `MaxEndingPerBlock` auctions end in one block.
			assert_ok!(list(ALICE, 1, STONE, STONE, 20, None, 0, r));
			let other = mint(ALICE, 1);
			assert_noop!(
				Collectibles::create_auction(
					RuntimeOrigin::signed(ALICE),
					other,
					0,
					STONE,
					STONE,
					20,
					None,
					0,
					r
				),
				Error::<Test>::EndingBlockFull
			);
		});
	}
}

mod bidding {
	use super::*;

	#[test]
	fn an_outbid_bid_is_released_in_the_same_call() {
		ExtBuilder.build_and_execute(|| {
			let (_, auction) = listed(10 * STONE, None, 0, Rest::Artists);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 10 * STONE));
			assert_eq!(held(BOB), 10 * STONE);
			assert_eq!(free(BOB), ENDOWMENT - 10 * STONE);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(CHARLIE), auction, 11 * STONE));
			assert_eq!((held(BOB), free(BOB)), (0, ENDOWMENT));
			assert_eq!(held(CHARLIE), 11 * STONE);
			System::assert_has_event(
				Event::<Test>::Outbid { auction, bidder: BOB, released: 10 * STONE }.into(),
			);
			// Raising one's own bid holds the difference.
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(CHARLIE), auction, 12 * STONE));
			assert_eq!(held(CHARLIE), 12 * STONE);
			assert_eq!(free(CHARLIE), ENDOWMENT - 12 * STONE);
		});
	}

	#[test]
	fn bad_bids_fail_with_a_named_error_and_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			let (_, auction) = listed(10 * STONE, None, 0, Rest::Artists);
			let bid = |who, amount| Collectibles::bid(RuntimeOrigin::signed(who), auction, amount);
			assert_noop!(
				Collectibles::bid(RuntimeOrigin::signed(BOB), 9, 10 * STONE),
				Error::<Test>::UnknownAuction
			);
			assert_noop!(bid(BOB, 10 * STONE - 1), Error::<Test>::BidTooLow);
			assert_noop!(bid(ALICE, 10 * STONE), Error::<Test>::SellerCannotBid);
			assert_noop!(bid(DAVE, 10 * STONE), Error::<Test>::InsufficientStones);
			// All of one's Stones: the minimum balance must stay free.
			assert_noop!(bid(BOB, ENDOWMENT), Error::<Test>::InsufficientStones);
			assert_ok!(bid(BOB, 10 * STONE));
			assert_noop!(bid(CHARLIE, 11 * STONE - 1), Error::<Test>::BidTooLow);
			run_to(end_of(auction));
			assert_ok!(bid(CHARLIE, 11 * STONE));
			let end = end_of(auction);
			run_to(end + 1);
			assert_noop!(
				Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 20 * STONE),
				Error::<Test>::UnknownAuction
			);
		});
	}

	#[test]
	fn a_last_minute_bid_extends_the_end_up_to_the_cap() {
		ExtBuilder.build_and_execute(|| {
			let (_, auction) = listed(10 * STONE, None, 0, Rest::Artists);
			let first_end = end_of(auction);
			// Outside the window: no extension.
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 10 * STONE));
			assert_eq!(end_of(auction), first_end);
			// Within it: the end moves to `WINDOW` blocks after the bid.
			run_to(first_end - 2);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(CHARLIE), auction, 11 * STONE));
			assert_eq!(end_of(auction), first_end - 2 + WINDOW);
			System::assert_has_event(
				Event::<Test>::AuctionExtended { auction, end: first_end - 2 + WINDOW }.into(),
			);
			assert!(EndingAt::<Test>::get(first_end).is_empty());
			assert_eq!(EndingAt::<Test>::get(first_end - 2 + WINDOW).to_vec(), vec![auction]);
			// Bidding at every last block, the end never passes the cap.
			let mut amount = 11 * STONE;
			let mut who = BOB;
			while System::block_number() < first_end + MAX_EXTENSION {
				run_to(end_of(auction));
				amount += STONE;
				assert_ok!(Collectibles::bid(RuntimeOrigin::signed(who), auction, amount));
				who = if who == BOB { CHARLIE } else { BOB };
				assert!(end_of(auction) <= first_end + MAX_EXTENSION);
			}
			assert_eq!(end_of(auction), first_end + MAX_EXTENSION);
			run_to(first_end + MAX_EXTENSION + 1);
			assert!(Auctions::<Test>::get(auction).is_none());
		});
	}
}

mod settlement {
	use super::*;

	#[test]
	fn ended_auctions_settle_from_the_hold_and_hand_over_the_edition() {
		ExtBuilder.build_and_execute(|| {
			// A quarter to the Driving School, the rest to the artwork's two artists.
			let (artwork, auction) = listed(10 * STONE, Some(SCHOOL_ID), 250_000, Rest::Artists);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 10 * STONE));
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(CHARLIE), auction, 21 * STONE));
			let end = end_of(auction);
			assert_noop!(
				Collectibles::settle(RuntimeOrigin::signed(BOB), auction),
				Error::<Test>::AuctionNotEnded
			);
			run_to(end + 1);
			assert_eq!(owner(artwork, 0), Some(CHARLIE));
			assert_eq!(held(CHARLIE), 0);
			assert_eq!(free(CHARLIE), ENDOWMENT - 21 * STONE);
			let to_school = 21 * STONE / 4;
			assert_eq!(free(SCHOOL), ENDOWMENT + to_school);
			let rest = 21 * STONE - to_school;
			// Odd: the first artist takes what does not divide.
			assert_eq!(free(ARTIST), ENDOWMENT + rest - rest / 2);
			assert_eq!(free(ARTIST2), ENDOWMENT + rest / 2);
			assert_eq!(free(ALICE), ENDOWMENT);
			assert_eq!(Charities::<Test>::get(SCHOOL_ID).unwrap().raised, to_school);
			System::assert_has_event(
				Event::<Test>::AuctionSettled {
					auction,
					winner: CHARLIE,
					price: 21 * STONE,
					to_charity: to_school,
				}
				.into(),
			);
			assert!(Listed::<Test>::get(artwork, 0).is_none());
			// The winner owns it, unlocked.
			assert_ok!(Nfts::transfer(RuntimeOrigin::signed(CHARLIE), artwork, 0, BOB));
			assert_noop!(
				Collectibles::settle(RuntimeOrigin::signed(BOB), auction),
				Error::<Test>::UnknownAuction
			);
		});
	}

	#[test]
	fn automatic_and_manual_settlement_give_the_same_result() {
		let run = |manual: bool| {
			let mut ext = ExtBuilder.build();
			ext.execute_with(|| {
				let (artwork, auction) =
					listed(10 * STONE, Some(GREEN_ID), 1_000_000, Rest::Seller);
				assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 12 * STONE));
				let end = end_of(auction);
				if manual {
					// The block after the end, its hook not run: anyone settles.
					System::set_block_number(end + 1);
					assert_ok!(Collectibles::settle(RuntimeOrigin::signed(DAVE), auction));
					assert!(EndingAt::<Test>::get(end).is_empty());
				} else {
					run_to(end + 1);
				}
				Collectibles::do_try_state().unwrap();
				(
					owner(artwork, 0),
					free(BOB),
					held(BOB),
					free(GREEN),
					Charities::<Test>::get(GREEN_ID).map(|c| (c.raised, c.pot, c.donations)),
					Auctions::<Test>::get(auction),
				)
			})
		};
		let auto = run(false);
		assert_eq!(auto, run(true));
		assert_eq!(auto.0, Some(BOB));
		assert_eq!(auto.3, 12 * STONE);
	}

	#[test]
	fn a_share_too_small_for_the_charity_s_account_waits_in_its_pot() {
		ExtBuilder.build_and_execute(|| {
			// 0.3 % of 10 STONE: below the minimum balance, and GREEN has no account.
			let (_, auction) = listed(10 * STONE, Some(GREEN_ID), 3_000, Rest::Artists);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 10 * STONE));
			assert_noop!(
				Collectibles::pay_out_pot(RuntimeOrigin::signed(BOB), GREEN_ID),
				Error::<Test>::PotTooSmall
			);
			run_to(end_of(auction) + 1);
			let share = 3;
			assert_eq!(free(GREEN), 0);
			assert_eq!(Charities::<Test>::get(GREEN_ID).unwrap().pot, share);
			assert_eq!(free(Collectibles::account()), ED + share);
			System::assert_has_event(
				Event::<Test>::PotCredited { charity: GREEN_ID, amount: share }.into(),
			);
			assert_noop!(
				Collectibles::pay_out_pot(RuntimeOrigin::signed(BOB), GREEN_ID),
				Error::<Test>::PotTooSmall
			);
			// Once the charity's account exists, the pot goes to it.
			assert_ok!(<Balances as frame_support::traits::fungible::Mutate<AccountId>>::transfer(
				&ALICE,
				&GREEN,
				ED,
				frame_support::traits::tokens::Preservation::Preserve
			));
			assert_ok!(Collectibles::pay_out_pot(RuntimeOrigin::signed(BOB), GREEN_ID));
			assert_eq!(free(GREEN), ED + share);
			assert_eq!(Charities::<Test>::get(GREEN_ID).unwrap().pot, 0);
			assert_eq!(free(Collectibles::account()), ED);
		});
	}

	#[test]
	fn unsold_and_cancelled_auctions_leave_the_edition_with_its_seller() {
		ExtBuilder.build_and_execute(|| {
			let (artwork, auction) = listed(10 * STONE, None, 0, Rest::Artists);
			run_to(end_of(auction) + 1);
			System::assert_has_event(Event::<Test>::AuctionUnsold { auction }.into());
			assert_eq!(owner(artwork, 0), Some(ALICE));
			assert!(Listed::<Test>::get(artwork, 0).is_none());

			assert_ok!(Collectibles::create_auction(
				RuntimeOrigin::signed(ALICE),
				artwork,
				1,
				10 * STONE,
				STONE,
				20,
				None,
				0,
				Rest::Artists
			));
			let second = auction + 1;
			assert_noop!(
				Collectibles::cancel_auction(RuntimeOrigin::signed(BOB), second),
				Error::<Test>::NotSeller
			);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), second, 10 * STONE));
			assert_noop!(
				Collectibles::cancel_auction(RuntimeOrigin::signed(ALICE), second),
				Error::<Test>::HasBids
			);
			run_to(end_of(second) + 1);
			assert_eq!(owner(artwork, 1), Some(BOB));

			assert_ok!(Collectibles::create_auction(
				RuntimeOrigin::signed(ALICE),
				artwork,
				0,
				10 * STONE,
				STONE,
				20,
				None,
				0,
				Rest::Artists
			));
			let third = second + 1;
			let end = end_of(third);
			assert_ok!(Collectibles::cancel_auction(RuntimeOrigin::signed(ALICE), third));
			assert!(EndingAt::<Test>::get(end).is_empty());
			assert!(Listed::<Test>::get(artwork, 0).is_none());
			assert_ok!(Nfts::transfer(RuntimeOrigin::signed(ALICE), artwork, 0, CHARLIE));
		});
	}

	#[test]
	fn a_failed_settlement_changes_nothing_and_anyone_settles_it_later() {
		ExtBuilder.build_and_execute(|| {
			let (artwork, auction) = listed(10 * STONE, None, 0, Rest::Artists);
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), auction, 10 * STONE));
			// The collection's transfers frozen by the NFT ledger's force origin: the edition
			// cannot move, so the settlement fails as a whole.
			assert_ok!(Nfts::lock_item_transfer(
				RuntimeOrigin::signed(Collectibles::account()),
				artwork,
				0
			));
			let end = end_of(auction);
			run_to(end + 1);
			System::assert_has_event(
				Event::<Test>::SettlementFailed {
					auction,
					error: pallet_nfts::Error::<Test>::ItemLocked.into(),
				}
				.into(),
			);
			assert_eq!(held(BOB), 10 * STONE);
			assert_eq!(free(ARTIST), ENDOWMENT);
			assert_eq!(owner(artwork, 0), Some(ALICE));
			assert!(Auctions::<Test>::get(auction).is_some());
			assert_ok!(Nfts::unlock_item_transfer(
				RuntimeOrigin::signed(Collectibles::account()),
				artwork,
				0
			));
			assert_ok!(Collectibles::settle(RuntimeOrigin::signed(DAVE), auction));
			assert_eq!(owner(artwork, 0), Some(BOB));
			assert_eq!(held(BOB), 0);
		});
	}

	#[test]
	fn bids_and_payouts_work_while_transfers_are_closed() {
		ExtBuilder.build_and_execute(|| {
			assert!(!TransfersOpen::get());
			// An approved artist sells its own work; the rest is its.
			let artwork = pallet_nfts::NextCollectionId::<Test>::get().unwrap_or_default();
			assert_ok!(Collectibles::mint_artwork(
				RuntimeOrigin::signed(ARTIST),
				ARTIST,
				input("TechDay"),
				vec![ARTIST],
				vec![DAVE],
				1
			));
			assert_ok!(Collectibles::create_auction(
				RuntimeOrigin::signed(ARTIST),
				artwork,
				0,
				STONE,
				STONE,
				MIN_DURATION,
				None,
				0,
				Rest::Seller
			));
			assert_ok!(Collectibles::bid(RuntimeOrigin::signed(BOB), 0, 3 * STONE));
			run_to(end_of(0) + 1);
			assert_eq!(free(ARTIST), ENDOWMENT + 3 * STONE);
			assert_eq!(owner(artwork, 0), Some(BOB));
		});
	}
}
