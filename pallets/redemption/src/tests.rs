//! Tests of the catalogue, orders, the desk, expiry and digital collectibles.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use crate::{mock::*, pallet::*, types::*, WeightInfo, DAY_MS};

/// ALICE owns a vehicle registered 100 days ago.
fn eligible() {
	give_vehicle(ALICE, GENESIS_MS - 100 * DAY_MS);
}

fn state(order: OrderId) -> OrderState {
	Orders::<Test>::get(order).unwrap().state
}

fn stock(item: ItemId) -> u32 {
	Items::<Test>::get(item).unwrap().spec.stock
}

mod catalogue {
	use super::*;

	#[test]
	fn the_admin_sets_items_and_the_desk() {
		ExtBuilder.build_and_execute(|| {
			let item = spec("TechDay", Category::ExperienceDay, 20 * STONE, 3);
			assert_noop!(
				Redemption::set_item(RuntimeOrigin::signed(ALICE), 9, item.clone()),
				DispatchError::BadOrigin
			);
			assert_ok!(Redemption::set_item(RuntimeOrigin::root(), 9, item.clone()));
			assert_eq!(Items::<Test>::get(9).unwrap().stocked, 3);
			let bad = |f: fn(&mut ItemSpecOf<Test>)| {
				let mut s = item.clone();
				f(&mut s);
				Redemption::set_item(RuntimeOrigin::root(), 9, s)
			};
			assert_noop!(bad(|s| s.name = Default::default()), Error::<Test>::BadName);
			assert_noop!(bad(|s| s.price = ED - 1), Error::<Test>::BadPrice);
			assert_noop!(
				bad(|s| {
					s.starts_ms = 10;
					s.ends_ms = Some(10)
				}),
				Error::<Test>::BadWindow
			);
			assert_noop!(
				bad(|s| s.delivery = Delivery::Collectible { artwork: ARTWORK }),
				Error::<Test>::BadDelivery
			);
			assert_noop!(
				bad(|s| {
					s.category = Category::DigitalCollectible;
					s.delivery = Delivery::Collectible { artwork: ARTWORK };
					s.stock = EDITIONS + 1;
				}),
				Error::<Test>::NotEnoughEditions
			);
			assert_ok!(Redemption::set_desk(RuntimeOrigin::root(), BOB, true));
			assert!(Desks::<Test>::contains_key(BOB));
			assert_noop!(
				Redemption::set_desk(RuntimeOrigin::signed(DESK), CHARLIE, true),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn restocking_keeps_the_orders_counted() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			assert_ok!(Redemption::redeem(RuntimeOrigin::signed(ALICE), PACKAGE));
			let mut item = Items::<Test>::get(PACKAGE).unwrap().spec;
			item.stock = 10;
			assert_ok!(Redemption::set_item(RuntimeOrigin::root(), PACKAGE, item));
			let item = Items::<Test>::get(PACKAGE).unwrap();
			assert_eq!((item.spec.stock, item.open, item.stocked), (10, 1, 11));
		});
	}
}

mod redeeming {
	use super::*;

	#[test]
	fn an_eligible_owner_redeems_and_the_desk_fulfils_burning_the_stones() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			let price = 6_800 * STONE;
			let info = Redemption::redeem(RuntimeOrigin::signed(ALICE), PACKAGE).unwrap();
			// Charged the desk case, not the larger collectible one.
			assert_eq!(info.actual_weight, Some(<Test as Config>::WeightInfo::redeem_desk()));
			let order = 0;
			assert_eq!(held(ALICE), price);
			assert_eq!(free(ALICE), ENDOWMENT - price);
			assert_eq!(stock(PACKAGE), 4);
			let record = Orders::<Test>::get(order).unwrap();
			assert_eq!(record.cash, Some(CashPart { currency: *b"CNY", amount: 1_000_000 }));
			assert_eq!(Redemption::unfinished_orders().len(), 1);
			assert_ok!(Redemption::accept(RuntimeOrigin::signed(DESK), order));
			assert_eq!(state(order), OrderState::Accepted);
			let issuance = pallet_balances::TotalIssuance::<Test>::get();
			assert_ok!(Redemption::fulfil(RuntimeOrigin::signed(DESK), order));
			assert_eq!(state(order), OrderState::Fulfilled);
			assert_eq!(held(ALICE), 0);
			assert_eq!(free(ALICE), ENDOWMENT - price);
			assert_eq!(burned(), price);
			assert_eq!(pallet_balances::TotalIssuance::<Test>::get(), issuance - price);
			System::assert_last_event(
				Event::<Test>::OrderFulfilled { order, burned: price }.into(),
			);
			assert!(Redemption::unfinished_orders().is_empty());
			assert_eq!(Redemption::orders_of(ALICE).len(), 1);
		});
	}

	#[test]
	fn refusals_are_named_errors_that_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			let redeem = |who, item| Redemption::redeem(RuntimeOrigin::signed(who), item);
			assert_noop!(redeem(ALICE, 99), Error::<Test>::UnknownItem);
			// No vehicle, then one too new.
			assert_noop!(redeem(ALICE, PACKAGE), Error::<Test>::NoVehicle);
			give_vehicle(ALICE, GENESIS_MS - 89 * DAY_MS);
			assert_noop!(redeem(ALICE, PACKAGE), Error::<Test>::VehicleTooNew);
			eligible();
			// No Stones.
			give_vehicle(DAVE, 0);
			assert_noop!(redeem(DAVE, PACKAGE), Error::<Test>::InsufficientStones);
			// The limit: one package per account.
			assert_ok!(redeem(ALICE, PACKAGE));
			assert_noop!(redeem(ALICE, PACKAGE), Error::<Test>::OverLimit);
			// Out of stock (one charging month, for anyone).
			assert_ok!(redeem(BOB, CHARGING));
			assert_noop!(redeem(CHARLIE, CHARGING), Error::<Test>::OutOfStock);
			// Outside the window.
			let mut item = Items::<Test>::get(CHARGING).unwrap().spec;
			item.stock = 5;
			item.starts_ms = GENESIS_MS + DAY_MS;
			assert_ok!(Redemption::set_item(RuntimeOrigin::root(), CHARGING, item.clone()));
			assert_noop!(redeem(CHARLIE, CHARGING), Error::<Test>::NotActive);
			item.starts_ms = 0;
			item.ends_ms = Some(GENESIS_MS);
			assert_ok!(Redemption::set_item(RuntimeOrigin::root(), CHARGING, item));
			assert_noop!(redeem(CHARLIE, CHARGING), Error::<Test>::NotActive);
			// The catalogue tells each account why.
			let entries = Redemption::catalogue(Some(CHARLIE));
			let of = |id| entries.iter().find(|e| e.id == id).unwrap().refusal;
			assert_eq!(of(PACKAGE), Some(Refusal::NoVehicle));
			assert_eq!(of(CHARGING), Some(Refusal::NotActive));
			let entries = Redemption::catalogue(Some(ALICE));
			let package = entries.iter().find(|e| e.id == PACKAGE).unwrap();
			assert_eq!((package.redeemed, package.refusal), (1, Some(Refusal::OverLimit)));
		});
	}

	#[test]
	fn at_most_max_orders_a_block() {
		ExtBuilder.build_and_execute(|| {
			let mut item = spec("Sticker", Category::LimitedEdition, STONE, 10);
			item.eligibility = Eligibility::Anyone;
			item.per_account = 0;
			assert_ok!(Redemption::set_item(RuntimeOrigin::root(), 9, item));
			for _ in 0..MAX_ORDERS {
				assert_ok!(Redemption::redeem(RuntimeOrigin::signed(BOB), 9));
			}
			assert_noop!(
				Redemption::redeem(RuntimeOrigin::signed(BOB), 9),
				Error::<Test>::BlockFull
			);
			next_block();
			assert_ok!(Redemption::redeem(RuntimeOrigin::signed(BOB), 9));
		});
	}

	#[test]
	fn a_digital_collectible_is_handed_over_and_paid_in_the_same_call() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			let info = Redemption::redeem(RuntimeOrigin::signed(ALICE), TOTEM).unwrap();
			assert_eq!(
				info.actual_weight,
				Some(<Test as Config>::WeightInfo::redeem_collectible())
			);
			let order = 0;
			assert_eq!(edition_owner(ARTWORK, 0), Some(ALICE));
			assert_eq!(state(order), OrderState::Fulfilled);
			assert_eq!(burned(), 10 * STONE);
			assert_eq!(held(ALICE), 0);
			System::assert_has_event(
				Event::<Test>::CollectibleDelivered { order, artwork: ARTWORK, edition: 0 }.into(),
			);
			let item = Items::<Test>::get(TOTEM).unwrap();
			assert_eq!((item.spec.stock, item.open, item.fulfilled), (EDITIONS - 1, 0, 1));
			assert!(Redemption::unfinished_orders().is_empty());
		});
	}
}

mod desk {
	use super::*;

	#[test]
	fn rejected_cancelled_and_expired_orders_are_refunded_and_restocked() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			give_vehicle(BOB, 0);
			let redeem = |who| Redemption::redeem(RuntimeOrigin::signed(who), PACKAGE);
			assert_ok!(redeem(ALICE));
			assert_ok!(redeem(BOB));
			// Rejected by the desk.
			assert_ok!(Redemption::reject(RuntimeOrigin::signed(DESK), 0));
			assert_eq!((state(0), held(ALICE), free(ALICE)), (OrderState::Rejected, 0, ENDOWMENT));
			// Cancelled by its owner.
			assert_ok!(Redemption::cancel(RuntimeOrigin::signed(BOB), 1));
			assert_eq!((state(1), held(BOB)), (OrderState::Cancelled, 0));
			assert_eq!(stock(PACKAGE), 5);
			// The limit counts only orders that hold or were fulfilled.
			assert_ok!(redeem(ALICE));
			assert_eq!(stock(PACKAGE), 4);
			// Not accepted in time: expired at the start of the block after the window.
			run_to(1 + ACCEPT_WINDOW);
			assert_eq!(state(2), OrderState::Expired);
			assert_eq!((held(ALICE), free(ALICE)), (0, ENDOWMENT));
			assert_eq!(stock(PACKAGE), 5);
			System::assert_has_event(
				Event::<Test>::OrderExpired { order: 2, refunded: 6_800 * STONE }.into(),
			);
		});
	}

	#[test]
	fn an_accepted_order_does_not_expire_and_cannot_be_cancelled() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			assert_ok!(Redemption::redeem(RuntimeOrigin::signed(ALICE), PACKAGE));
			assert_ok!(Redemption::accept(RuntimeOrigin::root(), 0));
			run_to(2 + ACCEPT_WINDOW);
			assert_eq!(state(0), OrderState::Accepted);
			assert_noop!(
				Redemption::cancel(RuntimeOrigin::signed(ALICE), 0),
				Error::<Test>::AlreadyAccepted
			);
			assert_noop!(
				Redemption::accept(RuntimeOrigin::signed(DESK), 0),
				Error::<Test>::AlreadyAccepted
			);
			assert_ok!(Redemption::reject(RuntimeOrigin::signed(DESK), 0));
		});
	}

	#[test]
	fn bad_desk_calls_fail_with_a_named_error_and_change_nothing() {
		ExtBuilder.build_and_execute(|| {
			eligible();
			assert_ok!(Redemption::redeem(RuntimeOrigin::signed(ALICE), PACKAGE));
			assert_noop!(Redemption::accept(RuntimeOrigin::signed(BOB), 0), Error::<Test>::NotDesk);
			assert_noop!(Redemption::fulfil(RuntimeOrigin::signed(BOB), 0), Error::<Test>::NotDesk);
			assert_noop!(Redemption::reject(RuntimeOrigin::signed(BOB), 0), Error::<Test>::NotDesk);
			assert_noop!(
				Redemption::fulfil(RuntimeOrigin::signed(DESK), 7),
				Error::<Test>::UnknownOrder
			);
			assert_noop!(
				Redemption::cancel(RuntimeOrigin::signed(BOB), 0),
				Error::<Test>::NotYours
			);
			assert_noop!(
				Redemption::cancel(RuntimeOrigin::signed(BOB), 7),
				Error::<Test>::UnknownOrder
			);
			// Fulfilled straight from open; then a double fulfil, a reject, a cancel.
			assert_ok!(Redemption::fulfil(RuntimeOrigin::signed(DESK), 0));
			assert_noop!(
				Redemption::fulfil(RuntimeOrigin::signed(DESK), 0),
				Error::<Test>::AlreadyFinished
			);
			assert_noop!(
				Redemption::reject(RuntimeOrigin::signed(DESK), 0),
				Error::<Test>::AlreadyFinished
			);
			assert_noop!(
				Redemption::cancel(RuntimeOrigin::signed(ALICE), 0),
				Error::<Test>::AlreadyFinished
			);
			// Fulfil after cancel.
			assert_ok!(Redemption::redeem(RuntimeOrigin::signed(BOB), CHARGING));
			assert_ok!(Redemption::cancel(RuntimeOrigin::signed(BOB), 1));
			assert_noop!(
				Redemption::fulfil(RuntimeOrigin::signed(DESK), 1),
				Error::<Test>::AlreadyFinished
			);
			// The fulfilled order's expiry entry is gone: nothing happens at its block.
			run_to(2 + ACCEPT_WINDOW);
			assert_eq!(state(0), OrderState::Fulfilled);
		});
	}
}
