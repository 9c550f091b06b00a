//! Tests of the crystals pallet, by behaviour. `build_and_execute` checks the invariants of this
//! pallet and of the Stone pools after each.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::CheckIfFeeless,
	traits::{fungible::Inspect, Hooks},
	weights::{Weight, WeightMeter},
};
use sp_core::H256;
use sp_runtime::{DispatchError, DispatchResult};
use valley_primitives::BlockRandomness;

use crate::{mock::*, *};
// The pallet, not the type of crystal amounts.
use crate::mock::Crystals;

/// Amounts of crystals.
type Amount = crate::types::Crystals;

const ISSUER: AccountId = 10;
/// Owns no vehicle.
const ALICE: AccountId = 1;
/// Owns a vehicle (after `setup`).
const BOB: AccountId = 2;
/// A blind box: 10 crystals.
const BLIND: BoxKindId = 1;
/// An egg: opened only with eggs.
const EGG: BoxKindId = 2;
const PRICE: Amount = 10;
/// 25 crystals, twice per 10 blocks.
const POSTING: TaskKindId = 1;
/// 5 crystals and an egg, once per 100 blocks.
const MOVING_ART: TaskKindId = 2;

fn name(s: &str) -> Name {
	Name::truncate_from(s.as_bytes().to_vec())
}

fn table(lines: &[(Prize<Balance>, u32)]) -> PrizeTableOf<Test> {
	PrizeTableOf::<Test>::truncate_from(
		lines.iter().map(|(prize, stock)| PrizeSlot { prize: *prize, stock: *stock }).collect(),
	)
}

fn task(
	n: &str,
	crystals: Amount,
	egg: Option<BoxKindId>,
	limit: u32,
	period: u64,
) -> TaskKind<u64> {
	TaskKind { name: name(n), crystals, egg, limit, period }
}

fn set_box(
	kind: BoxKindId,
	price: Option<Amount>,
	lines: &[(Prize<Balance>, u32)],
) -> DispatchResult {
	Crystals::set_box_kind(RuntimeOrigin::root(), kind, name("box"), price, table(lines))
}

/// The blind box: 2 × 1 Stone, 5 × 3 pieces, 3 × nothing (worth 200 + 150 = 350 in the pool).
fn blind_table() -> Vec<(Prize<Balance>, u32)> {
	vec![(Prize::Stones(STONE), 2), (Prize::Pieces(3), 5), (Prize::Nothing, 3)]
}

/// An issuer, the blind box, the egg (4 × 5 pieces = 200), posting and MOVING ART; BOB owns a
/// vehicle.
fn setup() {
	assert_ok!(Crystals::add_issuer(RuntimeOrigin::root(), ISSUER));
	assert_ok!(set_box(BLIND, Some(PRICE), &blind_table()));
	assert_ok!(set_box(EGG, None, &[(Prize::Pieces(5), 4), (Prize::Nothing, 1)]));
	assert_ok!(Crystals::set_task_kind(
		RuntimeOrigin::root(),
		POSTING,
		task("Posting", 25, None, 2, 10)
	));
	assert_ok!(Crystals::set_task_kind(
		RuntimeOrigin::root(),
		MOVING_ART,
		task("MOVING ART", 5, Some(EGG), 1, 100)
	));
	TestOwners::add(BOB);
}

fn reference(n: u32) -> Reference {
	let mut r = [0u8; 32];
	r[..4].copy_from_slice(&n.to_le_bytes());
	r
}

fn award(who: AccountId, task: TaskKindId, n: u32) -> DispatchResult {
	Crystals::award(RuntimeOrigin::signed(ISSUER), who, task, reference(n))
}

/// Gives `who` crystals as if awarded (for tests that need many).
fn give_crystals(who: AccountId, crystals: Amount) {
	assert_ok!(Crystals::mutate_holdings(&who, |h| {
		h.crystals += crystals;
		Ok(())
	}));
	CrystalsAwarded::<Test>::mutate(|a| *a += crystals);
}

fn crystals_of(who: AccountId) -> Amount {
	Holdings::<Test>::get(who).map(|h| h.crystals).unwrap_or(0)
}

fn pieces_of(who: AccountId) -> u32 {
	Holdings::<Test>::get(who).map(|h| h.pieces).unwrap_or(0)
}

fn stock(kind: BoxKindId) -> Vec<u32> {
	PrizeTables::<Test>::get(kind).iter().map(|s| s.stock).collect()
}

fn prizes_won() -> Vec<Prize<Balance>> {
	crystals_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::BoxOpened { prize, .. } => Some(prize),
			_ => None,
		})
		.collect()
}

fn refunds() -> usize {
	crystals_events().iter().filter(|e| matches!(e, Event::OpenRefunded { .. })).count()
}

mod admin {
	use super::*;

	#[test]
	fn issuers_are_added_and_removed_by_the_admin() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Crystals::add_issuer(RuntimeOrigin::root(), ISSUER));
			assert!(Issuers::<Test>::contains_key(ISSUER));
			System::assert_last_event(Event::IssuerAdded { issuer: ISSUER }.into());
			assert_noop!(
				Crystals::add_issuer(RuntimeOrigin::root(), ISSUER),
				Error::<Test>::AlreadyIssuer
			);
			assert_ok!(Crystals::remove_issuer(RuntimeOrigin::root(), ISSUER));
			assert!(!Issuers::<Test>::contains_key(ISSUER));
			System::assert_last_event(Event::IssuerRemoved { issuer: ISSUER }.into());
			assert_noop!(
				Crystals::remove_issuer(RuntimeOrigin::root(), ISSUER),
				Error::<Test>::NotIssuer
			);
		});
	}

	#[test]
	fn only_the_admin_manages_issuers_and_kinds() {
		ExtBuilder::default().build_and_execute(|| {
			let o = || RuntimeOrigin::signed(ALICE);
			assert_noop!(Crystals::add_issuer(o(), ALICE), DispatchError::BadOrigin);
			assert_noop!(Crystals::remove_issuer(o(), ALICE), DispatchError::BadOrigin);
			assert_noop!(
				Crystals::set_task_kind(o(), 1, task("x", 1, None, 1, 1)),
				DispatchError::BadOrigin
			);
			assert_noop!(Crystals::remove_task_kind(o(), 1), DispatchError::BadOrigin);
			assert_noop!(
				Crystals::set_box_kind(o(), 1, name("x"), Some(1), table(&[])),
				DispatchError::BadOrigin
			);
			assert_noop!(Crystals::remove_box_kind(o(), 1), DispatchError::BadOrigin);
		});
	}

	#[test]
	fn task_kinds_are_set_checked_and_removed() {
		ExtBuilder::default().build_and_execute(|| {
			let posting = task("Posting", 25, None, 2, 10);
			assert_ok!(Crystals::set_task_kind(RuntimeOrigin::root(), POSTING, posting.clone()));
			assert_eq!(TaskKinds::<Test>::get(POSTING), Some(posting.clone()));
			System::assert_last_event(Event::TaskKindSet { kind: POSTING, task: posting }.into());

			for invalid in [
				task("pays nothing", 0, None, 1, 1),
				task("no award allowed", 1, None, 0, 1),
				task("no period", 1, None, 1, 0),
			] {
				assert_noop!(
					Crystals::set_task_kind(RuntimeOrigin::root(), 3, invalid),
					Error::<Test>::InvalidTaskKind
				);
			}
			assert_noop!(
				Crystals::set_task_kind(RuntimeOrigin::root(), 3, task("egg", 0, Some(EGG), 1, 1)),
				Error::<Test>::UnknownBoxKind
			);

			assert_ok!(Crystals::remove_task_kind(RuntimeOrigin::root(), POSTING));
			assert!(!TaskKinds::<Test>::contains_key(POSTING));
			System::assert_last_event(Event::TaskKindRemoved { kind: POSTING }.into());
			assert_noop!(
				Crystals::remove_task_kind(RuntimeOrigin::root(), POSTING),
				Error::<Test>::UnknownTaskKind
			);
		});
	}

	#[test]
	fn a_box_kind_reserves_its_stock_in_the_educational_pool() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(set_box(BLIND, Some(PRICE), &blind_table()));
			assert_eq!(Reserved::<Test>::get(), 350);
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 350);
			System::assert_last_event(
				Event::BoxKindSet {
					kind: BLIND,
					price: Some(PRICE),
					prizes: table(&blind_table()),
					reserved: 350,
				}
				.into(),
			);
			assert_eq!(
				BoxKinds::<Test>::get(BLIND),
				Some(BoxKind { name: name("box"), price: Some(PRICE) })
			);

			// Restocking reserves the difference only; a smaller table gives back the rest.
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 5)]));
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 500);
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Nothing, 5)]));
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 0);
			assert_eq!(Reserved::<Test>::get(), 0);
		});
	}

	#[test]
	fn box_kinds_refuse_zero_prices_zero_prizes_and_tables_beyond_the_pool() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(set_box(BLIND, Some(0), &blind_table()), Error::<Test>::ZeroPrice);
			assert_noop!(
				set_box(BLIND, Some(1), &[(Prize::Stones(0), 1)]),
				Error::<Test>::ZeroPrize
			);
			assert_noop!(
				set_box(BLIND, Some(1), &[(Prize::Pieces(0), 1)]),
				Error::<Test>::ZeroPrize
			);
			// The whole pool can be stocked, not one unit more.
			let stones = (EDUCATION_CAP / STONE) as u32;
			assert_noop!(
				set_box(BLIND, Some(1), &[(Prize::Stones(STONE), stones), (Prize::Pieces(1), 1)]),
				pallet_stone::Error::<Test>::EducationPoolExhausted
			);
			assert_ok!(set_box(BLIND, Some(1), &[(Prize::Stones(STONE), stones)]));
			assert_noop!(
				set_box(EGG, None, &[(Prize::Pieces(1), 1)]),
				pallet_stone::Error::<Test>::EducationPoolExhausted
			);
		});
	}

	#[test]
	fn removing_a_box_kind_returns_its_stock_to_the_pool() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 550);
			assert_ok!(Crystals::remove_box_kind(RuntimeOrigin::root(), BLIND));
			assert!(!BoxKinds::<Test>::contains_key(BLIND));
			assert!(!PrizeTables::<Test>::contains_key(BLIND));
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 200);
			System::assert_last_event(
				Event::BoxKindRemoved { kind: BLIND, unreserved: 350 }.into(),
			);
			assert_noop!(
				Crystals::remove_box_kind(RuntimeOrigin::root(), BLIND),
				Error::<Test>::UnknownBoxKind
			);
		});
	}
}

mod awards {
	use super::*;

	#[test]
	fn an_award_pays_crystals_and_eggs_and_lets_the_account_exist() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert!(!System::account_exists(&ALICE));
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_eq!(crystals_of(ALICE), 5);
			assert_eq!(Eggs::<Test>::get(ALICE, EGG), 1);
			assert_eq!(Holdings::<Test>::get(ALICE).unwrap().eggs, 1);
			assert_eq!(UsedReferences::<Test>::get(reference(1)), Some(1));
			assert_eq!(CrystalsAwarded::<Test>::get(), 5);
			System::assert_last_event(
				Event::Awarded {
					issuer: ISSUER,
					who: ALICE,
					task: MOVING_ART,
					reference: reference(1),
					crystals: 5,
					egg: Some(EGG),
				}
				.into(),
			);
			// No Stones, yet the account exists (for its nonce): one sufficients reference.
			assert!(System::account_exists(&ALICE));
			assert_eq!(System::sufficients(&ALICE), 1);
			assert_eq!(System::providers(&ALICE), 0);
			assert_ok!(award(ALICE, POSTING, 2));
			assert_eq!(System::sufficients(&ALICE), 1);
			assert_eq!(crystals_of(ALICE), 30);
		});
	}

	#[test]
	fn a_reference_is_never_paid_twice() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(award(ALICE, POSTING, 1));
			assert_noop!(award(ALICE, POSTING, 1), Error::<Test>::ReferenceUsed);
			// Not to someone else, not for another task, not in a later period.
			assert_noop!(award(BOB, MOVING_ART, 1), Error::<Test>::ReferenceUsed);
			run_blocks(200);
			assert_noop!(award(BOB, POSTING, 1), Error::<Test>::ReferenceUsed);
			assert_eq!(crystals_of(ALICE), 25);
			assert_eq!(crystals_of(BOB), 0);
		});
	}

	#[test]
	fn only_issuers_award() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_noop!(
				Crystals::award(RuntimeOrigin::signed(ALICE), ALICE, POSTING, reference(1)),
				Error::<Test>::NotIssuer
			);
			assert_noop!(
				Crystals::award(RuntimeOrigin::root(), ALICE, POSTING, reference(1)),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn unknown_task_kinds_and_removed_egg_kinds_are_refused() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_noop!(award(ALICE, 99, 1), Error::<Test>::UnknownTaskKind);
			assert_ok!(Crystals::remove_box_kind(RuntimeOrigin::root(), EGG));
			assert_noop!(award(ALICE, MOVING_ART, 1), Error::<Test>::UnknownBoxKind);
		});
	}

	#[test]
	fn awards_are_limited_per_kind_account_and_period() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			// Posting: twice per period of 10 blocks (blocks 0–9, 10–19, …); we are at block 1.
			assert_ok!(award(ALICE, POSTING, 1));
			assert_ok!(award(ALICE, POSTING, 2));
			assert_noop!(award(ALICE, POSTING, 3), Error::<Test>::AwardLimitReached);
			// Other kinds and other accounts have their own limits.
			assert_ok!(award(ALICE, MOVING_ART, 4));
			assert_ok!(award(BOB, POSTING, 5));
			run_blocks(8);
			assert_noop!(award(ALICE, POSTING, 3), Error::<Test>::AwardLimitReached);
			next_block();
			assert_eq!(System::block_number(), 10);
			assert_ok!(award(ALICE, POSTING, 3));
			assert_eq!(
				AwardCounts::<Test>::get(ALICE, POSTING),
				PeriodCount { period: 1, count: 1 }
			);
			assert_eq!(crystals_of(ALICE), 3 * 25 + 5);
		});
	}
}

mod opening {
	use super::*;

	#[test]
	fn opening_takes_the_price_now_and_draws_with_the_next_blocks_randomness() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			give_crystals(BOB, 25);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			assert_eq!(crystals_of(BOB), 15);
			assert_eq!(Holdings::<Test>::get(BOB).unwrap().pending.into_inner(), vec![0]);
			assert_eq!(
				OpenRequests::<Test>::get(0),
				Some(OpenRequest {
					who: BOB,
					kind: BLIND,
					paid: Payment::Crystals(PRICE),
					draws_at: 2
				})
			);
			System::assert_last_event(
				Event::OpenRequested {
					who: BOB,
					request: 0,
					kind: BLIND,
					paid: Payment::Crystals(PRICE),
					draws_at: 2,
				}
				.into(),
			);
			// Nothing is drawn in the block of the request, even if asked.
			Crystals::on_poll(1, &mut WeightMeter::new());
			assert!(OpenRequests::<Test>::contains_key(0));

			next_block();
			assert!(!OpenRequests::<Test>::contains_key(0));
			assert_eq!(QueueHead::<Test>::get(), 1);
			assert!(Holdings::<Test>::get(BOB).unwrap().pending.is_empty());
			assert_eq!(CrystalsBurned::<Test>::get(), PRICE);
			let won = prizes_won();
			assert_eq!(won.len(), 1);
			// One unit of the prize drawn left the stock.
			let expected = match won[0] {
				Prize::Stones(_) => vec![1, 5, 3],
				Prize::Pieces(_) => vec![2, 4, 3],
				Prize::Nothing => vec![2, 5, 2],
			};
			assert_eq!(stock(BLIND), expected);
			System::assert_last_event(
				Event::BoxOpened { who: BOB, request: 0, kind: BLIND, prize: won[0] }.into(),
			);
		});
	}

	#[test]
	fn a_stone_prize_is_minted_out_of_the_reservation() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 1)]));
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			next_block();
			assert_eq!(prizes_won(), vec![Prize::Stones(STONE)]);
			assert_eq!(Balances::balance(&BOB), STONE);
			assert_eq!(pallet_stone::EducationMinted::<Test>::get(), STONE);
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 200);
			// The account held nothing more here: its entry and its sufficients reference went,
			// its Stones keep it alive.
			assert!(!Holdings::<Test>::contains_key(BOB));
			assert_eq!(System::sufficients(&BOB), 0);
			assert!(System::account_exists(&BOB));
		});
	}

	#[test]
	fn an_egg_is_used_before_crystals() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), EGG));
			assert_eq!(Eggs::<Test>::get(ALICE, EGG), 0);
			assert!(!Eggs::<Test>::contains_key(ALICE, EGG));
			assert_eq!(crystals_of(ALICE), 5);
			assert_eq!(OpenRequests::<Test>::get(0).unwrap().paid, Payment::Egg);
			next_block();
			let won = prizes_won();
			assert!(matches!(won[..], [Prize::Pieces(5)] | [Prize::Nothing]));
			assert_eq!(pieces_of(ALICE), if won[0] == Prize::Pieces(5) { 5 } else { 0 });
		});
	}

	#[test]
	fn opening_fails_without_the_box_the_price_or_an_egg() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			let open = |kind| Crystals::open_box(RuntimeOrigin::signed(ALICE), kind);
			assert_noop!(open(99), Error::<Test>::UnknownBoxKind);
			assert_noop!(open(BLIND), Error::<Test>::NotEnoughCrystals);
			give_crystals(ALICE, PRICE - 1);
			assert_noop!(open(BLIND), Error::<Test>::NotEnoughCrystals);
			give_crystals(ALICE, 100);
			assert_noop!(open(EGG), Error::<Test>::NoEgg);
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::none(), BLIND),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn opening_fails_beyond_the_pending_limit() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Nothing, 100)]));
			give_crystals(ALICE, 100);
			for _ in 0..MAX_PENDING {
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			}
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::TooManyPendingOpens
			);
			next_block();
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
		});
	}

	#[test]
	fn opening_fails_when_nothing_is_left_to_win() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			// Only Stones left: BOB (an owner) can open, ALICE cannot.
			assert_ok!(set_box(
				BLIND,
				Some(PRICE),
				&[(Prize::Stones(STONE), 1), (Prize::Nothing, 0)]
			));
			give_crystals(ALICE, PRICE);
			give_crystals(BOB, 2 * PRICE);
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::NothingToWin
			);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			// An empty table.
			assert_ok!(set_box(3, Some(PRICE), &[]));
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(BOB), 3),
				Error::<Test>::NothingToWin
			);
		});
	}

	#[test]
	fn anyone_can_resolve_an_opening_once_its_randomness_is_known() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			assert_noop!(
				Crystals::resolve_open(RuntimeOrigin::signed(ALICE), 0),
				Error::<Test>::RandomnessNotYetKnown
			);
			assert_noop!(
				Crystals::resolve_open(RuntimeOrigin::signed(ALICE), 1),
				Error::<Test>::UnknownRequest
			);
			assert_noop!(
				Crystals::resolve_open(RuntimeOrigin::none(), 0),
				DispatchError::BadOrigin
			);
			// The next block, before (or without) `on_poll`.
			System::set_block_number(2);
			assert_ok!(Crystals::resolve_open(RuntimeOrigin::signed(ALICE), 0));
			assert_eq!(prizes_won().len(), 1);
			assert_noop!(
				Crystals::resolve_open(RuntimeOrigin::signed(ALICE), 0),
				Error::<Test>::UnknownRequest
			);
			// `on_poll` passes over it.
			Crystals::on_poll(2, &mut WeightMeter::new());
			assert_eq!(QueueHead::<Test>::get(), 1);
			assert_eq!(prizes_won().len(), 1);
		});
	}

	#[test]
	fn an_opening_with_nothing_left_to_win_is_refunded() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(1), 1)]));
			give_crystals(ALICE, PRICE);
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			next_block();
			assert_eq!(prizes_won(), vec![Prize::Pieces(1)]);
			assert_eq!(pieces_of(ALICE), 1);
			// BOB's opening found the table empty: his crystals came back.
			assert_eq!(crystals_of(BOB), PRICE);
			System::assert_last_event(
				Event::OpenRefunded {
					who: BOB,
					request: 1,
					kind: BLIND,
					paid: Payment::Crystals(PRICE),
				}
				.into(),
			);
			assert_eq!(CrystalsBurned::<Test>::get(), PRICE);
		});
	}

	#[test]
	fn an_egg_of_a_removed_kind_comes_back() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), EGG));
			assert_ok!(Crystals::remove_box_kind(RuntimeOrigin::root(), EGG));
			next_block();
			assert_eq!(refunds(), 1);
			assert_eq!(Eggs::<Test>::get(ALICE, EGG), 1);
			assert_eq!(Holdings::<Test>::get(ALICE).unwrap().eggs, 1);
		});
	}

	#[test]
	fn a_stone_prize_that_cannot_be_minted_is_refunded() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			// Below the existential deposit, to an account with no Stones: pallet-balances
			// refuses the mint.
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(ED - 1), 1)]));
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			next_block();
			assert_eq!(refunds(), 1);
			assert_eq!(crystals_of(BOB), PRICE);
			assert_eq!(stock(BLIND), vec![1]);
			assert_eq!(Balances::balance(&BOB), 0);
			assert_eq!(pallet_stone::EducationMinted::<Test>::get(), 0);
		});
	}

	#[test]
	fn pieces_combine_into_stones() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(7), 4)]));
			give_crystals(ALICE, 4 * PRICE);
			assert_noop!(
				Crystals::combine_pieces(RuntimeOrigin::signed(ALICE)),
				Error::<Test>::NotEnoughPieces
			);
			for _ in 0..3 {
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			}
			next_block();
			assert_eq!(pieces_of(ALICE), 21);
			assert_eq!(TotalPieces::<Test>::get(), 21);
			let reserved = pallet_stone::EducationReserved::<Test>::get();

			assert_ok!(Crystals::combine_pieces(RuntimeOrigin::signed(ALICE)));
			assert_eq!(pieces_of(ALICE), 1);
			assert_eq!(Balances::balance(&ALICE), 2 * STONE);
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), reserved - 2 * STONE);
			assert_eq!(pallet_stone::EducationMinted::<Test>::get(), 2 * STONE);
			System::assert_last_event(
				Event::PiecesCombined { who: ALICE, pieces: 20, stones: 2 * STONE }.into(),
			);
			assert_noop!(
				Crystals::combine_pieces(RuntimeOrigin::signed(ALICE)),
				Error::<Test>::NotEnoughPieces
			);
			assert_noop!(Crystals::combine_pieces(RuntimeOrigin::none()), DispatchError::BadOrigin);
		});
	}
}

mod resolution {
	use super::*;

	fn open_many(count: u32) {
		assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Nothing, 1_000)]));
		for i in 0..count {
			let who = 100 + u64::from(i);
			give_crystals(who, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
		}
	}

	#[test]
	fn on_poll_resolves_at_most_max_resolve_per_block_oldest_first() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			open_many(MAX_RESOLVE + 2);
			next_block();
			assert_eq!(QueueHead::<Test>::get(), u64::from(MAX_RESOLVE));
			assert_eq!(prizes_won().len(), MAX_RESOLVE as usize);
			assert!(!OpenRequests::<Test>::contains_key(0));
			assert!(OpenRequests::<Test>::contains_key(u64::from(MAX_RESOLVE)));
			next_block();
			assert_eq!(QueueHead::<Test>::get(), u64::from(MAX_RESOLVE + 2));
			assert_eq!(prizes_won().len(), MAX_RESOLVE as usize + 2);
			assert_eq!(OpenRequests::<Test>::iter().count(), 0);
		});
	}

	#[test]
	fn on_poll_stays_within_its_weight() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			open_many(4);
			System::set_block_number(2);
			let w = <() as WeightInfo>::on_poll_resolve;
			let mut meter = WeightMeter::with_limit(w(2));
			Crystals::on_poll(2, &mut meter);
			assert_eq!(QueueHead::<Test>::get(), 2);
			assert!(meter.consumed().all_lte(w(2)));
			// Not even the base weight: nothing happens.
			let mut meter = WeightMeter::with_limit(Weight::zero());
			Crystals::on_poll(2, &mut meter);
			assert_eq!(QueueHead::<Test>::get(), 2);
			Crystals::on_poll(2, &mut WeightMeter::new());
			assert_eq!(QueueHead::<Test>::get(), 4);
		});
	}

	#[test]
	fn on_poll_waits_for_randomness_and_does_nothing_on_an_empty_queue() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			next_block();
			assert_eq!(QueueHead::<Test>::get(), 0);
			open_many(1);
			Crystals::on_poll(2, &mut WeightMeter::new());
			assert_eq!(QueueHead::<Test>::get(), 0);
			next_block();
			assert_eq!(QueueHead::<Test>::get(), 1);
		});
	}

	#[test]
	fn a_pruned_randomness_falls_back_to_the_resolving_blocks() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			open_many(1);
			// Block 2's randomness is gone by the time anybody resolves (a long backlog).
			TestBeacon::prune(2);
			System::set_block_number(5);
			assert_eq!(Crystals::randomness_for(2, 5), TestBeacon::randomness_of(5));
			// Its own block's randomness missing too: its parent's.
			TestBeacon::prune(5);
			assert_eq!(Crystals::randomness_for(2, 5), TestBeacon::randomness_of(4));
			Crystals::on_poll(5, &mut WeightMeter::new());
			assert_eq!(prizes_won().len(), 1);
			// Never before the block it is due.
			assert_eq!(Crystals::randomness_for(6, 5), None);
		});
	}
}

mod fees {
	use super::*;

	#[test]
	fn opening_is_fee_free_exactly_when_it_will_succeed() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			let feeless = |who, kind| {
				crate::Call::<Test>::open_box { kind }.is_feeless(&RuntimeOrigin::signed(who))
			};
			assert!(!feeless(ALICE, BLIND));
			assert!(!feeless(ALICE, EGG));
			assert!(!feeless(ALICE, 99));
			give_crystals(ALICE, PRICE);
			assert!(feeless(ALICE, BLIND));
			assert!(!feeless(ALICE, EGG));
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert!(feeless(ALICE, EGG));
			assert!(
				!crate::Call::<Test>::open_box { kind: BLIND }.is_feeless(&RuntimeOrigin::root())
			);
			// Nothing left to win: not free either.
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 3)]));
			assert!(!feeless(ALICE, BLIND));
		});
	}

	#[test]
	fn resolving_is_fee_free_for_the_owner_of_a_ready_opening() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			let feeless = |who, request| {
				crate::Call::<Test>::resolve_open { request }
					.is_feeless(&RuntimeOrigin::signed(who))
			};
			assert!(!feeless(BOB, 0));
			System::set_block_number(2);
			assert!(feeless(BOB, 0));
			assert!(!feeless(ALICE, 0));
			assert!(!feeless(BOB, 1));
		});
	}

	#[test]
	fn combining_is_fee_free_with_a_whole_stone_of_pieces() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			let feeless =
				|| crate::Call::<Test>::combine_pieces {}.is_feeless(&RuntimeOrigin::signed(ALICE));
			assert!(!feeless());
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(PIECES_PER_STONE), 1)]));
			give_crystals(ALICE, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			next_block();
			assert!(feeless());
		});
	}
}

mod properties {
	use super::*;

	/// A small deterministic generator for the scenario tests.
	struct Lcg(u64);
	impl Lcg {
		fn next(&mut self, bound: u64) -> u64 {
			self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			(self.0 >> 33) % bound
		}
	}

	#[test]
	fn crystals_are_conserved_and_stock_never_goes_below_zero_through_random_play() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			let initial: Vec<u32> = stock(BLIND);
			let mut rng = Lcg(42);
			let mut reference_no = 1_000;
			for _ in 0..300 {
				let who = 1 + rng.next(6);
				match rng.next(5) {
					0 | 1 => {
						reference_no += 1;
						let _ = award(
							who,
							if rng.next(2) == 0 { POSTING } else { MOVING_ART },
							reference_no,
						);
					},
					2 => {
						let _ = Crystals::open_box(RuntimeOrigin::signed(who), BLIND);
					},
					3 => {
						let _ = Crystals::open_box(RuntimeOrigin::signed(who), EGG);
					},
					_ => {
						let _ = Crystals::combine_pieces(RuntimeOrigin::signed(who));
					},
				}
				if rng.next(3) == 0 {
					next_block();
				}
				Crystals::do_try_state().expect("invariants hold at every step");
			}
			run_blocks(10);
			assert_eq!(OpenRequests::<Test>::iter().count(), 0);
			// Every unit taken from the stock was won once.
			let won = prizes_won();
			let blind_won = crystals_events()
				.iter()
				.filter(|e| matches!(e, Event::BoxOpened { kind: BLIND, .. }))
				.count() as u32;
			let left: u32 = stock(BLIND).iter().sum();
			assert_eq!(initial.iter().sum::<u32>() - left, blind_won);
			assert!(!won.is_empty());
			let held: u64 = Holdings::<Test>::iter().map(|(_, h)| h.crystals).sum();
			assert_eq!(held, CrystalsAwarded::<Test>::get() - CrystalsBurned::<Test>::get());
		});
	}

	#[test]
	fn more_openings_than_stock_empty_the_table_and_are_refunded() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			TestOwners::add(ALICE);
			let accounts: Vec<AccountId> = (100..120).collect();
			for who in &accounts {
				TestOwners::add(*who);
				give_crystals(*who, PRICE);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(*who), BLIND));
			}
			run_blocks(5);
			assert_eq!(stock(BLIND), vec![0, 0, 0]);
			assert_eq!(prizes_won().len(), 10);
			assert_eq!(refunds(), 10);
			let stones: u32 =
				prizes_won().iter().filter(|p| matches!(p, Prize::Stones(_))).count() as u32;
			assert_eq!(stones, 2);
			give_crystals(ALICE, PRICE);
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::NothingToWin
			);
		});
	}

	#[test]
	fn draws_never_exceed_the_educational_pool() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			// Stock the rest of the pool: 99,450 left after setup.
			let left = <Stone as valley_primitives::EducationPool<_, _>>::remaining();
			assert_eq!(left, EDUCATION_CAP - 550);
			let stones = (left / STONE) as u32;
			assert_ok!(set_box(
				3,
				Some(1),
				&[(Prize::Stones(STONE), stones), (Prize::Pieces(5), 1)]
			));
			assert_eq!(<Stone as valley_primitives::EducationPool<_, _>>::remaining(), 0);
			assert_noop!(
				set_box(4, Some(1), &[(Prize::Pieces(1), 1)]),
				pallet_stone::Error::<Test>::EducationPoolExhausted
			);
			// Play it all out: everything minted or still reserved, never beyond the cap.
			for round in 0..3u64 {
				for i in 0..MAX_RESOLVE as u64 {
					let who = 1_000 + round * 100 + i;
					TestOwners::add(who);
					give_crystals(who, 1);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), 3));
				}
				next_block();
			}
			let minted = pallet_stone::EducationMinted::<Test>::get();
			let reserved = pallet_stone::EducationReserved::<Test>::get();
			assert!(minted > 0);
			assert_eq!(minted + reserved, EDUCATION_CAP);
			assert_eq!(reserved, Reserved::<Test>::get());
		});
	}

	#[test]
	fn a_non_owner_never_wins_stones() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			assert_ok!(set_box(
				BLIND,
				Some(1),
				&[(Prize::Stones(STONE), 500), (Prize::Nothing, 20)]
			));
			give_crystals(ALICE, 1_000);
			let mut opened = 0;
			while Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND).is_ok() {
				opened += 1;
				if opened % MAX_PENDING == 0 {
					next_block();
				}
			}
			next_block();
			// ALICE drew every `Nothing` and never a Stone, though Stones were 25 times as likely.
			assert_eq!(prizes_won(), vec![Prize::Nothing; 20]);
			assert_eq!(Balances::balance(&ALICE), 0);
			assert_eq!(stock(BLIND), vec![500, 0]);
			// Once she has a vehicle she can.
			TestOwners::add(ALICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			next_block();
			assert_eq!(Balances::balance(&ALICE), STONE);
			// A non-owner's pending opening drawn after losing the vehicle: among the other prizes.
			assert_ok!(set_box(BLIND, Some(1), &[(Prize::Stones(STONE), 5), (Prize::Nothing, 1)]));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			TestOwners::remove(ALICE);
			next_block();
			assert_eq!(prizes_won().last(), Some(&Prize::Nothing));
		});
	}

	/// Chi-square of observed counts against expected proportions.
	fn chi_square(observed: &[u64], weights: &[u64]) -> f64 {
		let n: u64 = observed.iter().sum();
		let total: u64 = weights.iter().sum();
		observed
			.iter()
			.zip(weights)
			.map(|(o, w)| {
				let e = n as f64 * *w as f64 / total as f64;
				(*o as f64 - e).powi(2) / e
			})
			.sum()
	}

	#[test]
	fn the_pick_follows_the_stock_odds() {
		// 10,000 draws with distinct seeds (as the pallet makes them) over stocks 50:30:15:5.
		let weights = [50u64, 30, 15, 5];
		let mut observed = [0u64; 4];
		for i in 0u64..10_000 {
			let seed =
				sp_io::hashing::blake2_256(&(b"valley/crystals", H256::repeat_byte(7), i).encode());
			let index = odds::pick(weights.iter().copied(), odds::random_u128(&seed)).unwrap();
			observed[index] += 1;
		}
		// 3 degrees of freedom: 16.27 is the 0.1% critical value.
		let chi2 = chi_square(&observed, &weights);
		assert!(chi2 < 16.27, "chi-square {chi2} for {observed:?}");
	}

	#[test]
	fn boxes_on_chain_follow_the_stock_odds() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			// Stocks so large that 2,000 draws barely change the odds (3:2:1).
			let stocks = [3_000_000u32, 2_000_000, 1_000_000];
			assert_ok!(set_box(
				BLIND,
				Some(1),
				&[
					(Prize::Nothing, stocks[0]),
					(Prize::Nothing, stocks[1]),
					(Prize::Nothing, stocks[2])
				]
			));
			let draws = 2_000u64;
			for i in 0..draws {
				let who = 1_000 + i;
				give_crystals(who, 1);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				if (i + 1) % u64::from(MAX_RESOLVE) == 0 {
					next_block();
				}
			}
			run_blocks(2);
			let observed: Vec<u64> =
				stock(BLIND).iter().zip(stocks).map(|(left, s)| u64::from(s - left)).collect();
			assert_eq!(observed.iter().sum::<u64>(), draws);
			// 2 degrees of freedom: 13.82 is the 0.1% critical value.
			let chi2 = chi_square(&observed, &[3, 2, 1]);
			assert!(chi2 < 13.82, "chi-square {chi2} for {observed:?}");
		});
	}
}

mod queries {
	use super::*;
	use pallet_crystals_runtime_api as api;

	#[test]
	fn the_tables_and_holdings_are_public() {
		ExtBuilder::default().build_and_execute(|| {
			setup();
			let tables = Crystals::prize_tables();
			assert_eq!(tables.len(), 2);
			assert_eq!(
				tables[0],
				api::PrizeTable {
					kind: BLIND,
					name: b"box".to_vec(),
					price: Some(PRICE),
					prizes: table(&blind_table()).into_inner(),
				}
			);
			assert_eq!(tables[1].price, None);

			assert_eq!(Crystals::holdings(ALICE), Default::default());
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_ok!(award(ALICE, POSTING, 2));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert_eq!(
				Crystals::holdings(ALICE),
				api::AccountHoldings {
					crystals: 30 - PRICE,
					eggs: vec![(EGG, 1)],
					pieces: 0,
					pending: vec![api::PendingOpen {
						request: 0,
						kind: BLIND,
						with_egg: false,
						draws_at: 2
					}],
				}
			);
		});
	}
}

#[test]
fn the_mock_runs_the_integrity_test() {
	ExtBuilder::default().build_and_execute(|| {
		<Crystals as Hooks<u64>>::integrity_test();
	});
}
