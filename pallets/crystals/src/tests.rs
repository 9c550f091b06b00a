//! Tests of the crystals pallet, by behaviour. `build_and_execute` checks the invariants of this
//! pallet and of the Stone pools after each.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::CheckIfFeeless,
	traits::{fungible::Inspect, Get, Hooks},
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

/// What became of each opening drawn so far, in the order drawn: its request, its opener and its
/// prize (`None`: refunded).
fn outcomes() -> Vec<(RequestIndex, AccountId, Option<Prize<Balance>>)> {
	crystals_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::BoxOpened { request, who, prize, .. } => Some((request, who, Some(prize))),
			Event::OpenRefunded { request, who, .. } => Some((request, who, None)),
			_ => None,
		})
		.collect()
}

/// Ends this block and the next: the openings requested so far are drawn at the end of the next.
fn end_next_block() {
	run_blocks(2);
}

mod admin {
	use super::*;

	#[test]
	fn issuers_are_added_and_removed_by_the_admin() {
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_noop!(award(ALICE, 99, 1), Error::<Test>::UnknownTaskKind);
			assert_ok!(Crystals::remove_box_kind(RuntimeOrigin::root(), EGG));
			assert_noop!(award(ALICE, MOVING_ART, 1), Error::<Test>::UnknownBoxKind);
		});
	}

	#[test]
	fn awards_are_limited_per_kind_account_and_period() {
		ExtBuilder.build_and_execute(|| {
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

	#[test]
	fn genesis_tasks_and_issuers_award_from_the_first_block() {
		use frame_support::traits::BuildGenesisConfig;
		ExtBuilder.build_and_execute(|| {
			crate::GenesisConfig::<Test> {
				issuers: vec![ISSUER],
				task_kinds: vec![
					(1, b"Daily check-in".to_vec(), 10, 1, 10),
					(2, b"Invitation".to_vec(), 100, 10, 300),
				],
			}
			.build();
			assert!(Issuers::<Test>::contains_key(ISSUER));
			assert_eq!(TaskKinds::<Test>::get(1), Some(task("Daily check-in", 10, None, 1, 10)));
			assert_ok!(award(ALICE, 1, 1));
			assert_noop!(award(ALICE, 1, 2), Error::<Test>::AwardLimitReached);
			assert_ok!(award(ALICE, 2, 3));
			// An invitation's reference (the invitee) pays once.
			assert_noop!(award(BOB, 2, 3), Error::<Test>::ReferenceUsed);
			assert_eq!(crystals_of(ALICE), 110);
		});
	}

	#[test]
	#[should_panic(expected = "genesis task kinds are valid")]
	fn genesis_refuses_a_task_that_pays_nothing() {
		use frame_support::traits::BuildGenesisConfig;
		ExtBuilder.build().execute_with(|| {
			crate::GenesisConfig::<Test> {
				issuers: vec![],
				task_kinds: vec![(1, b"Nothing".to_vec(), 0, 1, 10)],
			}
			.build();
		});
	}
}

mod opening {
	use super::*;

	#[test]
	fn opening_takes_the_price_now_and_draws_at_the_end_of_the_next_block() {
		ExtBuilder.build_and_execute(|| {
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
					draws_at: 2,
					owns_vehicle: true,
				})
			);
			assert_eq!(WaitingOpenings::<Test>::get(BLIND), Some(1));
			assert_eq!(LatestBlockOpens::<Test>::get(), BlockOpens { block: 1, count: 1 });
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

			// Not at the end of its own block, nor during the next one.
			next_block();
			assert!(OpenRequests::<Test>::contains_key(0));
			assert!(prizes_won().is_empty());

			// At the end of block 2.
			next_block();
			assert!(!OpenRequests::<Test>::contains_key(0));
			assert_eq!(QueueHead::<Test>::get(), 1);
			assert_eq!(WaitingOpenings::<Test>::get(BLIND), None);
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
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 1)]));
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			end_next_block();
			assert_eq!(prizes_won(), vec![Prize::Stones(STONE)]);
			assert_eq!(Balances::balance(&BOB), STONE);
			assert_eq!(pallet_stone::EducationMinted::<Test>::get(), STONE);
			assert_eq!(pallet_stone::EducationReserved::<Test>::get(), 200);
			// The account holds nothing more here: its entry went, its sufficients reference
			// stays (so does its nonce); its Stones give it a provider reference as well.
			assert!(!Holdings::<Test>::contains_key(BOB));
			assert_eq!(System::sufficients(&BOB), 1);
			assert_eq!(System::providers(&BOB), 1);
		});
	}

	#[test]
	fn an_egg_is_used_before_crystals() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), EGG));
			assert_eq!(Eggs::<Test>::get(ALICE, EGG), 0);
			assert!(!Eggs::<Test>::contains_key(ALICE, EGG));
			assert_eq!(crystals_of(ALICE), 5);
			assert_eq!(OpenRequests::<Test>::get(0).unwrap().paid, Payment::Egg);
			end_next_block();
			let won = prizes_won();
			assert!(matches!(won[..], [Prize::Pieces(5)] | [Prize::Nothing]));
			assert_eq!(pieces_of(ALICE), if won[0] == Prize::Pieces(5) { 5 } else { 0 });
		});
	}

	#[test]
	fn opening_fails_without_the_box_the_price_or_an_egg() {
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
			// They wait through the next block and are drawn at its end.
			next_block();
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
		ExtBuilder.build_and_execute(|| {
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
	fn opening_fails_when_the_block_is_full() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Nothing, 100)]));
			for who in 100..100 + u64::from(MAX_OPENS) {
				give_crystals(who, PRICE);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
			}
			assert_eq!(LatestBlockOpens::<Test>::get(), BlockOpens { block: 1, count: MAX_OPENS });
			give_crystals(ALICE, PRICE);
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::BlockFull
			);
			// The next block takes openings again (while the full block's wait for its end).
			next_block();
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert_eq!(LatestBlockOpens::<Test>::get(), BlockOpens { block: 2, count: 1 });
		});
	}

	/// `CheckOpeningRoom`: while a block is built, an opening beyond its room is
	/// `ExhaustsResources` (the builder leaves it in the pool for the next block; nobody pays for
	/// a failed opening); other calls, and openings in the pool, are never refused for room.
	#[test]
	fn an_opening_beyond_the_blocks_room_waits_in_the_pool_instead_of_failing() {
		use frame_support::dispatch::GetDispatchInfo;
		use sp_runtime::{
			traits::DispatchTransaction,
			transaction_validity::{
				InvalidTransaction, TransactionSource, TransactionValidityError,
			},
		};
		let check = |who: AccountId, call: RuntimeCall, source| {
			let info = call.get_dispatch_info();
			CheckOpeningRoom::<Test>::new()
				.validate_only(RuntimeOrigin::signed(who), &call, &info, 0, source, 0)
				.map(|_| ())
		};
		let open = || RuntimeCall::Crystals(crate::Call::open_box { kind: BLIND });
		let other = || RuntimeCall::Crystals(crate::Call::combine_pieces {});
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Nothing, 1_000)]));
			give_crystals(ALICE, PRICE);
			for who in 100..100 + u64::from(MAX_OPENS) {
				assert_ok!(check(ALICE, open(), TransactionSource::InBlock));
				give_crystals(who, PRICE);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
			}
			let exhausted =
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources));
			assert_eq!(check(ALICE, open(), TransactionSource::InBlock), exhausted);
			assert_eq!(check(ALICE, open(), TransactionSource::External), exhausted);
			assert_ok!(check(ALICE, other(), TransactionSource::InBlock));
			// Its weight is charged on openings only.
			assert_eq!(
				<CheckOpeningRoom<Test> as sp_runtime::traits::TransactionExtension<RuntimeCall>>::weight(
					&CheckOpeningRoom::new(),
					&open()
				),
				<() as WeightInfo>::check_opening_room()
			);
			assert_eq!(
				<CheckOpeningRoom<Test> as sp_runtime::traits::TransactionExtension<RuntimeCall>>::weight(
					&CheckOpeningRoom::new(),
					&other()
				),
				frame_support::weights::Weight::zero()
			);
			// The next block has room: the waiting opening goes in.
			next_block();
			assert_ok!(check(ALICE, open(), TransactionSource::InBlock));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			// Block 3's randomness missing, the openings of blocks 2 and 3 both wait in block 4:
			// no room there either, though block 4 has taken none.
			TestBeacon::miss(3);
			let open_many = |first: AccountId, count: u32| {
				for who in first..first + u64::from(count) {
					give_crystals(who, PRICE);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				}
			};
			open_many(300, MAX_OPENS - 1);
			next_block();
			open_many(500, MAX_OPENS);
			next_block();
			assert_eq!((System::block_number(), Pallet::<Test>::opens_in(4)), (4, 0));
			assert_eq!(Pallet::<Test>::waiting_count(), u64::from(2 * MAX_OPENS));
			give_crystals(BOB, PRICE);
			assert_eq!(check(BOB, open(), TransactionSource::InBlock), exhausted);
		});
	}

	#[test]
	fn the_admin_cannot_change_a_box_kind_while_openings_of_it_wait() {
		ExtBuilder.build_and_execute(|| {
			setup();
			give_crystals(ALICE, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			let restock = || set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 9)]);
			assert_noop!(restock(), Error::<Test>::OpeningsWaiting);
			assert_noop!(
				Crystals::remove_box_kind(RuntimeOrigin::root(), BLIND),
				Error::<Test>::OpeningsWaiting
			);
			// Other kinds can change.
			assert_ok!(set_box(EGG, None, &[(Prize::Pieces(5), 3)]));
			// Still waiting through the draw block, before the draw.
			next_block();
			assert_noop!(restock(), Error::<Test>::OpeningsWaiting);
			next_block();
			assert_eq!(WaitingOpenings::<Test>::get(BLIND), None);
			assert_ok!(restock());
			assert_ok!(Crystals::remove_box_kind(RuntimeOrigin::root(), BLIND));
		});
	}

	#[test]
	fn an_opening_with_nothing_left_to_win_is_refunded() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(1), 1)]));
			give_crystals(ALICE, PRICE);
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			end_next_block();
			assert_eq!(prizes_won(), vec![Prize::Pieces(1)]);
			assert_eq!(pieces_of(ALICE), 1);
			// BOB's opening, drawn after ALICE's, found the table empty: his crystals came back.
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
	fn an_egg_comes_back_when_nothing_is_left_to_win() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(EGG, None, &[(Prize::Pieces(5), 1)]));
			assert_ok!(award(ALICE, MOVING_ART, 1));
			assert_ok!(award(BOB, MOVING_ART, 2));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), EGG));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), EGG));
			end_next_block();
			assert_eq!(pieces_of(ALICE), 5);
			assert_eq!(refunds(), 1);
			assert_eq!(Eggs::<Test>::get(BOB, EGG), 1);
			assert_eq!(Holdings::<Test>::get(BOB).unwrap().eggs, 1);
			System::assert_last_event(
				Event::OpenRefunded { who: BOB, request: 1, kind: EGG, paid: Payment::Egg }.into(),
			);
		});
	}

	#[test]
	fn a_stone_prize_that_cannot_be_minted_is_refunded() {
		ExtBuilder.build_and_execute(|| {
			setup();
			// Below the existential deposit, to an account with no Stones: pallet-balances
			// refuses the mint.
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(ED - 1), 1)]));
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			end_next_block();
			assert_eq!(refunds(), 1);
			assert_eq!(crystals_of(BOB), PRICE);
			assert_eq!(stock(BLIND), vec![1]);
			assert_eq!(Balances::balance(&BOB), 0);
			assert_eq!(pallet_stone::EducationMinted::<Test>::get(), 0);
		});
	}

	#[test]
	fn pieces_combine_into_stones() {
		ExtBuilder.build_and_execute(|| {
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
			end_next_block();
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

mod draws {
	use super::*;
	use frame_system::Phase;

	/// Three lines of nothing, 300:200:100, so that the stock shows which line each draw took.
	fn nothing_table() -> Vec<(Prize<Balance>, u32)> {
		vec![(Prize::Nothing, 300), (Prize::Nothing, 200), (Prize::Nothing, 100)]
	}

	/// `count` openings of the blind box (set to `nothing_table`) by new accounts from `first`.
	fn open_many(first: AccountId, count: u32) {
		for who in first..first + u64::from(count) {
			give_crystals(who, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
		}
	}

	/// The stock `stock` is left with once `requests` are drawn in order with `randomness`,
	/// computed apart from the pallet (a table without Stones).
	fn expected_stock(
		mut stock: Vec<u32>,
		randomness: H256,
		requests: core::ops::Range<RequestIndex>,
	) -> Vec<u32> {
		for request in requests {
			let seed =
				sp_io::hashing::blake2_256(&(b"valley/crystals", randomness, request).encode());
			let weights = stock.iter().map(|s| u64::from(*s));
			if let Some(i) = odds::pick(weights, odds::random_u128(&seed)) {
				stock[i] -= 1;
			}
		}
		stock
	}

	/// The phases of the Crystals events matching `f`.
	fn phases_of(f: impl Fn(&Event<Test>) -> bool) -> Vec<Phase> {
		System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Crystals(e) if f(&e) => Some(r.phase),
				_ => None,
			})
			.collect()
	}

	#[test]
	fn a_blocks_openings_are_drawn_together_at_the_end_of_the_next_block_in_request_order() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &nothing_table()));
			open_many(100, MAX_OPENS);
			next_block();
			// Block 2: others open; nothing of block 1 is drawn before the block's end.
			open_many(200, 2);
			assert!(outcomes().is_empty());
			next_block();
			let drawn: Vec<_> =
				outcomes().iter().map(|(request, who, _)| (*request, *who)).collect();
			assert_eq!(drawn, (0..5).map(|i| (i, 100 + i)).collect::<Vec<_>>());
			// With block 2's randomness, in request order.
			let initial = vec![300, 200, 100];
			let randomness = TestBeacon::randomness_of(2).unwrap();
			assert_eq!(stock(BLIND), expected_stock(initial.clone(), randomness, 0..5));
			// Block 2's openings wait for the end of block 3.
			assert_eq!(QueueHead::<Test>::get(), 5);
			assert_eq!(WaitingOpenings::<Test>::get(BLIND), Some(2));
			next_block();
			assert_eq!(outcomes().len(), 7);
			let after = expected_stock(initial, randomness, 0..5);
			let randomness = TestBeacon::randomness_of(3).unwrap();
			assert_eq!(stock(BLIND), expected_stock(after, randomness, 5..7));
		});
	}

	#[test]
	fn draws_are_the_blocks_own_events_in_its_finalization_phase() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(1), 1)]));
			give_crystals(ALICE, PRICE);
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			next_block();
			// A transaction of the drawing block: its events stay in its own phase.
			assert_ok!(award(ALICE, POSTING, 1));
			next_block();
			assert_eq!(
				phases_of(|e| matches!(e, Event::OpenRequested { .. })),
				vec![Phase::ApplyExtrinsic(0); 2]
			);
			assert_eq!(
				phases_of(|e| matches!(e, Event::Awarded { .. })),
				vec![Phase::ApplyExtrinsic(0)]
			);
			assert_eq!(
				phases_of(|e| matches!(e, Event::BoxOpened { .. } | Event::OpenRefunded { .. })),
				vec![Phase::Finalization; 2]
			);
		});
	}

	#[test]
	fn on_initialize_weighs_exactly_what_on_finalize_draws() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &nothing_table()));
			let w = <() as WeightInfo>::draw_openings;
			// Nothing waiting: the count alone.
			assert_eq!(next_block(), w(0));
			open_many(100, 3);
			assert_eq!(next_block(), w(3));
			// Openings of the drawing block are not drawn (nor weighed) with the block before's.
			open_many(200, 2);
			assert_eq!(outcomes().len(), 0);
			assert_eq!(next_block(), w(2));
			assert_eq!(outcomes().len(), 3);
			assert_eq!(next_block(), w(0));
			assert_eq!(outcomes().len(), 5);
			// The most that can wait stays within a quarter of a block (also checked by
			// `integrity_test`).
			let max = <<Test as frame_system::Config>::BlockWeights as Get<
				frame_system::limits::BlockWeights,
			>>::get()
			.max_block;
			assert!(w(2 * MAX_OPENS).all_lte(max.saturating_div(4)));
		});
	}

	#[test]
	fn a_missing_randomness_leaves_the_openings_for_the_next_blocks_end() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_ok!(set_box(BLIND, Some(PRICE), &nothing_table()));
			let w = <() as WeightInfo>::draw_openings;
			TestBeacon::miss(2);
			open_many(100, MAX_OPENS);
			assert_eq!(next_block(), w(MAX_OPENS));
			open_many(200, MAX_OPENS);
			// Block 2 has no randomness: nothing is drawn at its end, and block 3 weighs the
			// openings of both blocks.
			assert_eq!(next_block(), w(2 * MAX_OPENS));
			assert!(outcomes().is_empty());
			// Two blocks' worth wait: no more openings until they are drawn.
			give_crystals(ALICE, PRICE);
			let feeless = || {
				crate::Call::<Test>::open_box { kind: BLIND }
					.is_feeless(&RuntimeOrigin::signed(ALICE))
			};
			assert!(!feeless());
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::BlockFull
			);
			// All drawn at the end of block 3, in request order, with block 3's randomness.
			assert_eq!(next_block(), w(0));
			let requests: Vec<_> = outcomes().iter().map(|(r, ..)| *r).collect();
			assert_eq!(requests, (0..2 * u64::from(MAX_OPENS)).collect::<Vec<_>>());
			let randomness = TestBeacon::randomness_of(3).unwrap();
			assert_eq!(
				stock(BLIND),
				expected_stock(vec![300, 200, 100], randomness, 0..2 * u64::from(MAX_OPENS))
			);
			assert!(feeless());
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
		});
	}
}

/// The outcome of an opening depends only on what was fixed when it was requested and on the
/// drawing block's randomness: each scenario is played with the same seeds with and without
/// interference, and every opening of the undisturbed run ends the same in the disturbed one.
mod steering {
	use super::*;
	use valley_primitives::VehicleOwners;

	/// What may happen besides four openings requested in block 1.
	#[derive(Clone, Copy, Default)]
	struct Interference {
		/// Block 1 fills up to `MaxOpensPerBlock` after them, and one more is refused.
		fill_the_block: bool,
		/// After the requests, vehicles move into the non-owners' accounts and out of the
		/// owners'.
		move_vehicles: bool,
		/// The drawing block has transactions: rivals and the openers open the same box again,
		/// awards arrive, an admin restock is tried.
		busy_drawing_block: bool,
	}

	/// ALICE (no vehicle), BOB (a vehicle), 3 (a vehicle) and 4 (none) open the blind box in block
	/// 1, in this order; it holds 1 Stone, 1 prize of 3 pieces and 1 nothing, fewer prizes than
	/// openings. Blocks 2 and 3 have set randomness `seed` and `!seed`. Returns the outcomes of the
	/// four openings.
	fn play(
		seed: u8,
		interference: Interference,
	) -> Vec<(RequestIndex, AccountId, Option<Prize<Balance>>)> {
		let mut result = Vec::new();
		ExtBuilder.build_and_execute(|| {
			setup();
			TestOwners::add(3);
			TestBeacon::set(2, H256::repeat_byte(seed));
			TestBeacon::set(3, H256::repeat_byte(!seed));
			assert_ok!(set_box(
				BLIND,
				Some(PRICE),
				&[(Prize::Stones(STONE), 1), (Prize::Pieces(3), 1), (Prize::Nothing, 1)]
			));
			let openers = [ALICE, BOB, 3, 4];
			for who in openers {
				give_crystals(who, 3 * PRICE);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
			}
			if interference.fill_the_block {
				for who in 20..20 + u64::from(MAX_OPENS) - 4 {
					give_crystals(who, PRICE);
					TestOwners::add(who);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				}
				give_crystals(30, PRICE);
				assert_noop!(
					Crystals::open_box(RuntimeOrigin::signed(30), BLIND),
					Error::<Test>::BlockFull
				);
			}
			if interference.move_vehicles {
				// Owners at the request, not at the draw, and the other way round.
				for who in openers {
					if TestOwners::owns_vehicle(&who) {
						TestOwners::remove(who);
					} else {
						TestOwners::add(who);
					}
				}
			}
			next_block();
			if interference.busy_drawing_block {
				// Five openings, the most a block takes.
				for who in [40, 41] {
					give_crystals(who, PRICE);
					TestOwners::add(who);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				}
				for who in [ALICE, BOB, 3] {
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				}
				assert_ok!(award(ALICE, POSTING, 1));
				assert_ok!(award(4, MOVING_ART, 2));
				assert_noop!(
					set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 9)]),
					Error::<Test>::OpeningsWaiting
				);
			}
			next_block();
			result = outcomes().into_iter().filter(|(request, ..)| *request < 4).collect();
			assert_eq!(result.len(), 4);
		});
		result
	}

	fn same_outcomes_with(interference: Interference) {
		let mut stones = 0;
		for seed in 0..12u8 {
			let undisturbed = play(seed, Interference::default());
			assert_eq!(play(seed, interference), undisturbed, "seed {seed}");
			// The non-owners never win Stones; the undisturbed runs do give Stones away.
			for (_, who, prize) in &undisturbed {
				if matches!(prize, Some(Prize::Stones(_))) {
					assert!(*who == BOB || *who == 3);
					stones += 1;
				}
			}
		}
		assert!(stones > 0, "no seed gave the Stone away: the scenario tests nothing");
	}

	#[test]
	fn a_full_block_changes_no_outcome() {
		same_outcomes_with(Interference { fill_the_block: true, ..Default::default() });
	}

	#[test]
	fn moving_vehicles_after_the_request_changes_no_outcome() {
		same_outcomes_with(Interference { move_vehicles: true, ..Default::default() });
	}

	#[test]
	fn transactions_in_the_drawing_block_change_no_outcome() {
		same_outcomes_with(Interference { busy_drawing_block: true, ..Default::default() });
	}

	#[test]
	fn everything_at_once_changes_no_outcome() {
		same_outcomes_with(Interference {
			fill_the_block: true,
			move_vehicles: true,
			busy_drawing_block: true,
		});
	}

	#[test]
	fn the_draw_uses_the_vehicle_ownership_of_the_request() {
		ExtBuilder.build_and_execute(|| {
			setup();
			// Only Stones: BOB, an owner when he asks, wins them though his car is gone by the
			// draw.
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 1)]));
			give_crystals(BOB, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(BOB), BLIND));
			TestOwners::remove(BOB);
			end_next_block();
			assert_eq!(Balances::balance(&BOB), STONE);
			// Stones 500 times as likely as nothing: ALICE, no owner when she asks, draws
			// nothing though she has a car by the draw.
			assert_ok!(set_box(
				BLIND,
				Some(PRICE),
				&[(Prize::Stones(STONE), 500), (Prize::Nothing, 1)]
			));
			give_crystals(ALICE, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			assert!(!OpenRequests::<Test>::get(1).unwrap().owns_vehicle);
			TestOwners::add(ALICE);
			end_next_block();
			assert_eq!(prizes_won(), vec![Prize::Stones(STONE), Prize::Nothing]);
			assert_eq!(Balances::balance(&ALICE), 0);
		});
	}
}

mod accounts {
	use super::*;

	#[test]
	fn an_account_whose_holdings_empty_keeps_its_nonce() {
		ExtBuilder.build_and_execute(|| {
			setup();
			// A box for exactly the crystals of one posting.
			assert_ok!(set_box(3, Some(25), &[(Prize::Nothing, 5)]));
			assert_ok!(award(ALICE, POSTING, 1));
			assert!(Participants::<Test>::contains_key(ALICE));
			assert_eq!(System::sufficients(&ALICE), 1);
			// Three transactions signed.
			for _ in 0..3 {
				System::inc_account_nonce(ALICE);
			}
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), 3));
			end_next_block();
			assert_eq!(prizes_won(), vec![Prize::Nothing]);
			// Nothing held any more, no Stones: the account stays, with its nonce.
			assert!(!Holdings::<Test>::contains_key(ALICE));
			assert_eq!(Balances::balance(&ALICE), 0);
			assert!(frame_system::Account::<Test>::contains_key(ALICE));
			assert_eq!(System::account_nonce(ALICE), 3);
			assert_eq!(System::sufficients(&ALICE), 1);
			assert!(!System::events().iter().any(|r| matches!(
				r.event,
				RuntimeEvent::System(frame_system::Event::KilledAccount { account: ALICE })
			)));
			// Holding something again takes no second reference.
			assert_ok!(award(ALICE, POSTING, 2));
			assert_eq!(System::sufficients(&ALICE), 1);
			assert_eq!(System::account_nonce(ALICE), 3);
		});
	}

	#[test]
	fn an_account_that_never_held_anything_takes_no_reference() {
		ExtBuilder.build_and_execute(|| {
			setup();
			assert_noop!(
				Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND),
				Error::<Test>::NotEnoughCrystals
			);
			assert!(!Participants::<Test>::contains_key(ALICE));
			assert!(!System::account_exists(&ALICE));
		});
	}
}

mod fees {
	use super::*;

	#[test]
	fn opening_is_fee_free_exactly_when_it_will_succeed() {
		ExtBuilder.build_and_execute(|| {
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
			// A full block: not free either.
			for who in 100..100 + u64::from(MAX_OPENS) {
				give_crystals(who, PRICE);
				assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
			}
			assert!(!feeless(ALICE, BLIND));
			next_block();
			assert!(feeless(ALICE, BLIND));
			// Nothing left to win: not free either (once the waiting openings are drawn).
			next_block();
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Stones(STONE), 3)]));
			assert!(!feeless(ALICE, BLIND));
		});
	}

	#[test]
	fn combining_is_fee_free_with_a_whole_stone_of_pieces() {
		ExtBuilder.build_and_execute(|| {
			setup();
			let feeless =
				|| crate::Call::<Test>::combine_pieces {}.is_feeless(&RuntimeOrigin::signed(ALICE));
			assert!(!feeless());
			assert_ok!(set_box(BLIND, Some(PRICE), &[(Prize::Pieces(PIECES_PER_STONE), 1)]));
			give_crystals(ALICE, PRICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			end_next_block();
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
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
			setup();
			TestOwners::add(ALICE);
			// 15 openings, a full block each in blocks 1, 2 and 3, for 10 prizes: when block 3's
			// openings are requested, block 1's are drawn and 5 prizes are left.
			for block in 0..3u64 {
				for who in 100 + 10 * block..100 + 10 * block + u64::from(MAX_OPENS) {
					TestOwners::add(who);
					give_crystals(who, PRICE);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), BLIND));
				}
				next_block();
			}
			run_blocks(2);
			assert_eq!(stock(BLIND), vec![0, 0, 0]);
			assert_eq!(prizes_won().len(), 10);
			assert_eq!(refunds(), 5);
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
		ExtBuilder.build_and_execute(|| {
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
				for i in 0..u64::from(MAX_OPENS) {
					let who = 1_000 + round * 100 + i;
					TestOwners::add(who);
					give_crystals(who, 1);
					assert_ok!(Crystals::open_box(RuntimeOrigin::signed(who), 3));
				}
				next_block();
			}
			run_blocks(2);
			let minted = pallet_stone::EducationMinted::<Test>::get();
			let reserved = pallet_stone::EducationReserved::<Test>::get();
			assert!(minted > 0);
			assert_eq!(minted + reserved, EDUCATION_CAP);
			assert_eq!(reserved, Reserved::<Test>::get());
		});
	}

	#[test]
	fn a_non_owner_never_wins_stones() {
		ExtBuilder.build_and_execute(|| {
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
					run_blocks(2);
				}
			}
			run_blocks(2);
			// ALICE drew every `Nothing` and never a Stone, though Stones were 25 times as likely.
			assert_eq!(prizes_won(), vec![Prize::Nothing; 20]);
			assert_eq!(Balances::balance(&ALICE), 0);
			assert_eq!(stock(BLIND), vec![500, 0]);
			// Once she has a vehicle she can.
			TestOwners::add(ALICE);
			assert_ok!(Crystals::open_box(RuntimeOrigin::signed(ALICE), BLIND));
			run_blocks(2);
			assert_eq!(Balances::balance(&ALICE), STONE);
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
		ExtBuilder.build_and_execute(|| {
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
				if (i + 1) % u64::from(MAX_OPENS) == 0 {
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
		ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
		<Crystals as Hooks<u64>>::integrity_test();
	});
}
