//! Tests of the Stone pallet, by behaviour. `build_and_execute` checks the invariants after each.

use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Balanced, Inspect},
		tokens::{Fortitude, Precision, Preservation},
		Hooks, OnUnbalanced,
	},
};
use sp_runtime::DispatchError;
use valley_primitives::{BatchIndex, EducationPool, MiningPayout};

use crate::{mock::*, *};

mod schedule_and_batches {
	use super::*;

	#[test]
	fn mining_starts_at_the_first_block_and_batches_close_on_time() {
		ExtBuilder::default().build_and_execute(|| {
			next_block();
			assert_eq!(Schedule::<Test>::get().start, BLOCK_MS);
			System::assert_last_event(Event::MiningStartSet { start: BLOCK_MS }.into());

			// Batch 0's window is [6 s, 18 s): still open at 12 s.
			next_block();
			assert_eq!(NextBatch::<Test>::get(), 0);
			next_block();
			assert_eq!(NextBatch::<Test>::get(), 1);
			System::assert_last_event(
				Event::BatchClosed { index: 0, reward: 500, distributed: 0, carried_over: 500 }
					.into(),
			);
			// Then one every two blocks.
			run_blocks(2);
			assert_eq!(NextBatch::<Test>::get(), 2);
		});
	}

	#[test]
	fn unclaimed_rewards_roll_over_to_the_next_batch() {
		ExtBuilder::default().build_and_execute(|| {
			run_blocks(7);
			assert_eq!(NextBatch::<Test>::get(), 3);
			assert_eq!(Handed::get(), vec![(0, 500), (1, 1_000), (2, 1_500)]);
			assert_eq!(CarriedOver::<Test>::get(), 1_500);
			assert_eq!(MiningReleased::<Test>::get(), 1_500);
			assert_eq!(MiningMinted::<Test>::get(), 0);
		});
	}

	#[test]
	fn a_distributor_pays_what_it_took_and_gives_back_the_rest() {
		ExtBuilder::default().build_and_execute(|| {
			TakePercent::set(100);
			run_blocks(3);
			assert_eq!(Outstanding::<Test>::get(), 500);
			assert_eq!(CarriedOver::<Test>::get(), 0);

			assert_ok!(<Stone as MiningPayout<_, _>>::pay(0, &7, 300));
			assert_eq!(Balances::balance(&7), 300);
			System::assert_last_event(
				Event::MiningRewardPaid { batch: 0, who: 7, amount: 300 }.into(),
			);
			assert_noop!(
				<Stone as MiningPayout<_, _>>::pay(0, &7, 201),
				Error::<Test>::PayoutExceedsOutstanding
			);
			assert_noop!(
				<Stone as MiningPayout<_, _>>::give_back(0, 201),
				Error::<Test>::PayoutExceedsOutstanding
			);
			assert_ok!(<Stone as MiningPayout<_, _>>::give_back(0, 200));
			assert_eq!(Outstanding::<Test>::get(), 0);
			assert_eq!(CarriedOver::<Test>::get(), 200);

			// The next batch hands out its reward plus what was given back.
			TakePercent::set(0);
			run_blocks(2);
			assert_eq!(Handed::get().last(), Some(&(1, 700)));
		});
	}

	#[test]
	fn a_share_given_back_while_a_batch_closes_is_carried_over_not_lost() {
		ExtBuilder::default().build_and_execute(|| {
			// Batch 0 is taken in full and stays outstanding (a draw not paid yet).
			TakePercent::set(100);
			run_blocks(3);
			assert_eq!((Outstanding::<Test>::get(), CarriedOver::<Test>::get()), (500, 0));
			// Batch 1 is not taken at all, and its closing hands batch 0's 500 back.
			TakePercent::set(0);
			GiveBackOnClose::set(500);
			run_blocks(2);
			assert_eq!(Handed::get().last(), Some(&(1, 500)));
			// Batch 1's own 500 and batch 0's 500 given back: 1,000 carried over, none lost.
			assert_eq!((Outstanding::<Test>::get(), CarriedOver::<Test>::get()), (0, 1_000));
			System::assert_last_event(
				Event::BatchClosed { index: 1, reward: 500, distributed: 0, carried_over: 1_000 }
					.into(),
			);
			// The invariant `released = paid + carried over + outstanding` holds
			// (`build_and_execute` checks it), and the next batch hands it all out.
			run_blocks(2);
			assert_eq!(Handed::get().last(), Some(&(2, 1_500)));
		});
	}

	#[test]
	fn after_an_outage_a_batch_hands_out_at_most_its_multiple_and_the_rest_carries_on() {
		ExtBuilder::default().build_and_execute(|| {
			// Five batches nobody takes (no quorum during an outage): 2,500 carried over.
			TakePercent::set(0);
			while NextBatch::<Test>::get() < 5 {
				next_block();
			}
			assert_eq!(CarriedOver::<Test>::get(), 2_500);
			// The next batch hands out four times its 500, not 3,000: one steered draw cannot
			// pay the whole outage.
			TakePercent::set(100);
			assert_eq!(Stone::next_batch_amount(), 2_000);
			while NextBatch::<Test>::get() < 6 {
				next_block();
			}
			assert_eq!(Handed::get().last(), Some(&(5, 2_000)));
			assert_eq!(CarriedOver::<Test>::get(), 1_000);
			// The rest goes to the batches after it, as far as their multiple allows.
			assert_eq!(Stone::next_batch_amount(), 1_500);
			while NextBatch::<Test>::get() < 7 {
				next_block();
			}
			assert_eq!(Handed::get().last(), Some(&(6, 1_500)));
			assert_eq!(CarriedOver::<Test>::get(), 0);
		});
	}

	#[test]
	fn payouts_never_mint_beyond_the_mining_pool() {
		ExtBuilder::default().build_and_execute(|| {
			TakePercent::set(100);
			run_blocks(3);
			// Books forced into a state the schedule cannot reach: the cap still holds.
			MiningMinted::<Test>::put(MINING_CAP - 100);
			assert_noop!(
				<Stone as MiningPayout<_, _>>::pay(0, &7, 101),
				Error::<Test>::MiningPoolExhausted
			);
			MiningMinted::<Test>::put(0);
		});
	}

	#[test]
	fn halving_falls_on_the_batch_boundary() {
		ExtBuilder::default().build_and_execute(|| {
			// Batch k closes in block 4 + 2k: batch 9 in block 22, batch 10 in block 24.
			run_blocks(21);
			assert_eq!(NextBatch::<Test>::get(), 10);
			run_blocks(2);
			assert_eq!(NextBatch::<Test>::get(), 11);
			let events = stone_events();
			assert!(events.contains(&Event::HalvingReached { batch: 10, reward: 250 }));
			assert!(events.contains(&Event::BatchClosed {
				index: 10,
				reward: 250,
				distributed: 0,
				carried_over: 5_250,
			}));
		});
	}

	#[test]
	fn after_a_stall_overdue_batches_close_one_per_block() {
		ExtBuilder::default().build_and_execute(|| {
			next_block();
			// The chain stalls for ten batch lengths.
			Timestamp::set_timestamp(BLOCK_MS + 10 * BATCH_MS);
			System::set_block_number(2);
			for expected in 1..=10 {
				Stone::on_initialize(System::block_number() + 1);
				System::set_block_number(System::block_number() + 1);
				assert_eq!(NextBatch::<Test>::get(), expected);
			}
			// Caught up: batch 10 closes only at its own time.
			Stone::on_initialize(System::block_number() + 1);
			assert_eq!(NextBatch::<Test>::get(), 10);
		});
	}

	#[test]
	fn the_mining_pool_is_exhausted_when_rewards_reach_zero() {
		let schedule = ScheduleParams {
			start: 0,
			batch_length: BATCH_MS,
			initial_reward: INITIAL_REWARD,
			halving_interval: 1,
		};
		ExtBuilder::default().schedule(schedule).build_and_execute(|| {
			// 500 < 2^9: batch 9 is the first to carry nothing.
			run_blocks(1 + 2 * 10);
			assert_eq!(NextBatch::<Test>::get(), 10);
			assert!(stone_events().contains(&Event::PoolExhausted { pool: Pool::Mining }));
			assert_eq!(MiningReleased::<Test>::get(), schedule::total(INITIAL_REWARD, 1));
		});
	}

	#[test]
	#[should_panic(expected = "ScheduleExceedsPool")]
	fn genesis_refuses_a_schedule_beyond_the_pool() {
		let schedule = ScheduleParams {
			start: 0,
			batch_length: BATCH_MS,
			initial_reward: 1_000,
			halving_interval: HALVING,
		};
		ExtBuilder::default().schedule(schedule).build();
	}

	#[test]
	#[should_panic(expected = "ZeroScheduleParameter")]
	fn genesis_refuses_a_zero_batch_length() {
		let schedule = ScheduleParams {
			start: 0,
			batch_length: 0,
			initial_reward: INITIAL_REWARD,
			halving_interval: HALVING,
		};
		ExtBuilder::default().schedule(schedule).build();
	}

	#[test]
	#[should_panic(expected = "EmptyMiningPool")]
	fn genesis_refuses_an_empty_mining_pool() {
		ExtBuilder::default().caps(0, EDUCATION_CAP).build();
	}

	#[test]
	fn the_default_genesis_is_im_valleys_production_programme() {
		let config = crate::GenesisConfig::<Test>::default();
		assert_eq!(config.mining_cap, 210_000_000 * UNIT);
		assert_eq!(config.education_cap, 90_000_000 * UNIT);
		assert_eq!(config.schedule.batch_length, 600_000);
		assert_eq!(config.schedule.halving_interval, 210_000);
		assert_eq!(config.schedule.initial_reward, 500 * UNIT);
		assert!(Stone::check_schedule(&config.schedule, config.mining_cap).is_ok());
	}

	const UNIT: Balance = 1_000_000_000_000;
	const GOFUN_MINING: Balance = 2_800_000_000 * UNIT;
	const GOFUN_EDUCATION: Balance = 1_200_000_000 * UNIT;

	fn gofun(initial_reward: Balance, halving_interval: BatchIndex) -> ExtBuilder {
		ExtBuilder::default().caps(GOFUN_MINING, GOFUN_EDUCATION).schedule(ScheduleParams {
			start: 0,
			batch_length: 30_000,
			initial_reward,
			halving_interval,
		})
	}

	#[test]
	fn genesis_takes_gofun_numbers_up_to_the_pool() {
		gofun(350 * UNIT + 12, 4_000_000).build_and_execute(|| {
			assert_eq!(MiningCap::<Test>::get(), GOFUN_MINING);
			assert_eq!(EducationCap::<Test>::get(), GOFUN_EDUCATION);
			assert_eq!(Schedule::<Test>::get().initial_reward, 350 * UNIT + 12);
			let info = Stone::stone_info();
			assert_eq!((info.mining_cap, info.education_cap), (GOFUN_MINING, GOFUN_EDUCATION));
			assert_eq!((info.batch_length, info.halving_interval), (30_000, 4_000_000));
		});
	}

	#[test]
	#[should_panic(expected = "ScheduleExceedsPool")]
	fn genesis_refuses_gofun_numbers_one_planck_beyond_the_pool() {
		gofun(350 * UNIT + 13, 4_000_000).build();
	}

	#[test]
	#[should_panic(expected = "ScheduleExceedsPool")]
	fn genesis_refuses_a_longer_halving_interval_beyond_the_pool() {
		gofun(350 * UNIT, 4_000_001).build();
	}

	#[test]
	fn try_state_catches_a_cap_below_the_schedule() {
		ExtBuilder::default().build().execute_with(|| {
			assert_ok!(Stone::do_try_state());
			MiningCap::<Test>::put(INITIAL_REWARD);
			assert!(Stone::do_try_state().is_err());
			MiningCap::<Test>::put(0);
			assert!(Stone::do_try_state().is_err());
		});
	}
}

mod migrations {
	use super::*;
	use frame_support::traits::{ConstU128, GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	type ToV1 =
		crate::migrations::v1::MigrateV0ToV1<Test, ConstU128<MINING_CAP>, ConstU128<EDUCATION_CAP>>;

	#[test]
	fn a_version_0_chain_gets_its_former_caps_once() {
		ExtBuilder::default().build_and_execute(|| {
			MiningCap::<Test>::kill();
			EducationCap::<Test>::kill();
			StorageVersion::new(0).put::<Stone>();
			assert!(Stone::do_try_state().is_err(), "a version-0 chain has no caps in storage");

			ToV1::on_runtime_upgrade();
			assert_eq!(
				(MiningCap::<Test>::get(), EducationCap::<Test>::get()),
				(MINING_CAP, EDUCATION_CAP)
			);
			assert_eq!(Stone::on_chain_storage_version(), 1);

			// At version 1 it does nothing.
			EducationCap::<Test>::put(EDUCATION_CAP - 1);
			ToV1::on_runtime_upgrade();
			assert_eq!(EducationCap::<Test>::get(), EDUCATION_CAP - 1);
			EducationCap::<Test>::put(EDUCATION_CAP);
		});
	}
}

mod mining_start {
	use super::*;

	fn future_start() -> ExtBuilder {
		ExtBuilder::default().schedule(ScheduleParams {
			start: 100_000,
			batch_length: BATCH_MS,
			initial_reward: INITIAL_REWARD,
			halving_interval: HALVING,
		})
	}

	#[test]
	fn admin_moves_the_start_before_mining_begins() {
		future_start().build_and_execute(|| {
			next_block();
			assert_ok!(Stone::set_mining_start(RuntimeOrigin::root(), 200_000));
			assert_eq!(Schedule::<Test>::get().start, 200_000);
			System::assert_last_event(Event::MiningStartSet { start: 200_000 }.into());
		});
	}

	#[test]
	fn only_the_admin_moves_the_start() {
		future_start().build_and_execute(|| {
			assert_noop!(
				Stone::set_mining_start(RuntimeOrigin::signed(1), 200_000),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn the_start_cannot_be_in_the_past() {
		future_start().build_and_execute(|| {
			next_block();
			assert_noop!(
				Stone::set_mining_start(RuntimeOrigin::root(), BLOCK_MS),
				Error::<Test>::StartInThePast
			);
		});
	}

	#[test]
	fn the_start_cannot_move_once_mining_began() {
		ExtBuilder::default().build_and_execute(|| {
			run_blocks(2);
			assert_noop!(
				Stone::set_mining_start(RuntimeOrigin::root(), 1_000_000),
				Error::<Test>::MiningAlreadyStarted
			);
		});
	}
}

mod education_pool {
	use super::*;

	#[test]
	fn mints_within_the_pool() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(<Stone as EducationPool<_, _>>::mint(&5, 400));
			assert_eq!(Balances::balance(&5), 400);
			assert_eq!(<Stone as EducationPool<_, _>>::remaining(), EDUCATION_CAP - 400);
			System::assert_last_event(Event::EducationMinted { who: 5, amount: 400 }.into());
		});
	}

	#[test]
	fn refuses_anything_beyond_the_pool() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(<Stone as EducationPool<_, _>>::mint(&5, EDUCATION_CAP - 10));
			assert_noop!(
				<Stone as EducationPool<_, _>>::mint(&5, 11),
				Error::<Test>::EducationPoolExhausted
			);
			assert_noop!(
				<Stone as EducationPool<_, _>>::reserve(11),
				Error::<Test>::EducationPoolExhausted
			);
			assert_ok!(<Stone as EducationPool<_, _>>::mint(&6, 10));
			System::assert_last_event(Event::PoolExhausted { pool: Pool::Education }.into());
		});
	}

	#[test]
	fn reservations_count_against_the_pool_until_minted_or_released() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(<Stone as EducationPool<_, _>>::reserve(600));
			assert_eq!(<Stone as EducationPool<_, _>>::remaining(), EDUCATION_CAP - 600);
			assert_noop!(
				<Stone as EducationPool<_, _>>::mint(&5, 401),
				Error::<Test>::EducationPoolExhausted
			);
			assert_ok!(<Stone as EducationPool<_, _>>::mint_reserved(&5, 100));
			assert_eq!(EducationReserved::<Test>::get(), 500);
			assert_eq!(EducationMinted::<Test>::get(), 100);
			assert_noop!(
				<Stone as EducationPool<_, _>>::unreserve(501),
				Error::<Test>::ReservationExceeded
			);
			assert_noop!(
				<Stone as EducationPool<_, _>>::mint_reserved(&5, 501),
				Error::<Test>::ReservationExceeded
			);
			assert_ok!(<Stone as EducationPool<_, _>>::unreserve(500));
			assert_eq!(<Stone as EducationPool<_, _>>::remaining(), EDUCATION_CAP - 100);
		});
	}
}

mod transfers_and_burns {
	use super::*;

	#[test]
	fn root_opens_and_closes_transfers() {
		ExtBuilder::default().build_and_execute(|| {
			assert!(!TransfersEnabled::<Test>::get());
			assert_ok!(Stone::set_transfers_enabled(RuntimeOrigin::root(), true));
			assert!(TransfersEnabled::<Test>::get());
			System::assert_last_event(Event::TransfersSwitched { enabled: true }.into());
			assert_noop!(
				Stone::set_transfers_enabled(RuntimeOrigin::signed(1), false),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn burns_through_the_tracker_keep_the_books_balanced() {
		ExtBuilder::default().build_and_execute(|| {
			let credit = <Balances as Balanced<_>>::withdraw(
				&1,
				30,
				Precision::Exact,
				Preservation::Expendable,
				Fortitude::Polite,
			)
			.unwrap();
			BurnTracker::<Test>::on_unbalanced(credit);
			assert_eq!(Burned::<Test>::get(), 30);
			assert_eq!(Balances::total_issuance(), 2 * ENDOWMENT - 30);
			assert_eq!(GenesisIssuance::<Test>::get(), 2 * ENDOWMENT);
		});
	}

	#[test]
	fn try_state_catches_stones_minted_outside_the_pools() {
		ExtBuilder::default().build().execute_with(|| {
			let _ = <Balances as Balanced<_>>::deposit(&9, 5, Precision::Exact).unwrap();
			assert!(Stone::do_try_state().is_err());
		});
	}
}

mod queries {
	use super::*;

	#[test]
	fn stone_info_reports_the_schedule_and_the_pools() {
		ExtBuilder::default().build_and_execute(|| {
			let info = Stone::stone_info();
			assert_eq!(
				(info.current_batch, info.next_batch_time, info.next_halving_time),
				(0, 0, 0)
			);
			run_blocks(3);
			TakePercent::set(100);
			run_blocks(2);
			assert_ok!(<Stone as MiningPayout<_, _>>::pay(1, &7, 1_000));
			assert_ok!(<Stone as EducationPool<_, _>>::mint(&8, 40));
			assert_ok!(<Stone as EducationPool<_, _>>::reserve(60));
			let info = Stone::stone_info();
			assert_eq!(info.current_batch, 2);
			assert_eq!(info.next_batch_time, BLOCK_MS + 3 * BATCH_MS);
			assert_eq!(info.current_reward, 500);
			assert_eq!(info.next_halving_batch, 10);
			assert_eq!(info.next_halving_time, BLOCK_MS + 10 * BATCH_MS);
			assert_eq!(info.mining_minted, 1_000);
			assert_eq!(info.mining_remaining, MINING_CAP - 1_000);
			assert_eq!(info.carried_over, 0);
			assert_eq!(
				(info.education_minted, info.education_reserved, info.education_remaining),
				(40, 60, EDUCATION_CAP - 100)
			);
			assert!(!info.transfers_enabled);
			assert_eq!((info.mining_cap, info.education_cap), (MINING_CAP, EDUCATION_CAP));
			assert_eq!((info.batch_length, info.halving_interval), (BATCH_MS, HALVING));
		});
	}
}
