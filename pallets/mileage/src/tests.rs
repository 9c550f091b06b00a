//! Tests of the mileage pallet: the pure rules and sampling, every call, feeds through the real
//! oracle, and draws paid through the real Stone pallet.

use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use sp_runtime::{DispatchError, Perbill};

use crate::{
	mock::*,
	rules::*,
	sampling::{self, Excluded},
	types::*,
	BatchOutcomes, Error, Event, PendingDraw, RejectReason, VehicleAt, Vehicles, VehiclesOf,
};

const HOUR: u64 = HOUR_MS;

/// A small deterministic generator for property tests.
struct Rng(u64);
impl Rng {
	fn next(&mut self) -> u64 {
		// xorshift64*
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}
}

/// A Fenwick tree in memory, built with the pallet's update path.
fn tree_of(capacity: u32, leaves: &[u64]) -> Vec<u64> {
	let mut nodes = vec![0u64; capacity as usize + 1];
	for (i, w) in leaves.iter().enumerate() {
		for node in sampling::update_path(capacity, i as u32 + 1) {
			nodes[node as usize] += w;
		}
	}
	nodes
}

// ---- pure functions -------------------------------------------------------------------------

#[test]
fn update_path_climbs_to_the_root() {
	let table: &[(u32, u32, &[u32])] = &[
		(8, 1, &[1, 2, 4, 8]),
		(8, 3, &[3, 4, 8]),
		(8, 5, &[5, 6, 8]),
		(8, 8, &[8]),
		(8, 9, &[]),
		(8, 0, &[]),
		(1, 1, &[1]),
	];
	for (capacity, slot, path) in table {
		assert_eq!(sampling::update_path(*capacity, *slot).collect::<Vec<_>>(), *path, "{slot}");
	}
	// The longest path of a tree of 2^20 leaves, the one the benchmarks measure: 21 nodes.
	assert_eq!(sampling::update_path(1 << 20, 1).count(), 21);
}

#[test]
fn prefix_sums_and_search_agree_with_a_plain_scan() {
	let mut rng = Rng(7);
	for _ in 0..200 {
		let capacity = 1u32 << rng.below(7);
		let leaves: Vec<u64> = (0..capacity).map(|_| rng.below(4) * rng.below(50)).collect();
		let nodes = tree_of(capacity, &leaves);
		let mut running = 0u64;
		for (i, w) in leaves.iter().enumerate() {
			running += w;
			assert_eq!(sampling::prefix_sum(i as u32 + 1, |n| nodes[n as usize]), running);
		}
		// Leave out a random few slots; every unit of the rest maps to its own slot.
		let excluded: Vec<(u32, u64)> = (0..rng.below(3))
			.map(|_| rng.below(capacity as u64) as u32 + 1)
			.map(|slot| (slot, leaves[slot as usize - 1]))
			.collect::<std::collections::BTreeMap<_, _>>()
			.into_iter()
			.collect();
		let kept: Vec<u64> = leaves
			.iter()
			.enumerate()
			.map(|(i, w)| if excluded.iter().any(|(s, _)| *s == i as u32 + 1) { 0 } else { *w })
			.collect();
		let ex = Excluded::new(excluded);
		let total: u64 = kept.iter().sum();
		let mut expected = Vec::new();
		for (i, w) in kept.iter().enumerate() {
			expected.extend(std::iter::repeat_n(i as u32 + 1, *w as usize));
		}
		for target in 0..total {
			let slot = sampling::search(capacity, target, &ex, |n| nodes[n as usize]);
			assert_eq!(slot, expected[target as usize], "target {target} of {kept:?}");
		}
	}
}

#[test]
fn excluded_sums_ranges() {
	let ex = Excluded::new(vec![(5, 10), (2, 3), (9, 0), (7, 1)]);
	let table = [(0, 1, 0), (0, 2, 3), (1, 5, 13), (2, 5, 10), (5, 8, 1), (7, 16, 0), (0, 16, 14)];
	for (after, upto, sum) in table {
		assert_eq!(ex.between(after, upto), sum, "({after}, {upto}]");
	}
}

/// Draws from in-memory day trees.
fn draw_from(capacity: u32, days: &[(Day, Vec<u64>)], n: u32, seed: &[u8]) -> Vec<u32> {
	let trees: Vec<(Day, Vec<u64>)> =
		days.iter().map(|(d, leaves)| (*d, tree_of(capacity, leaves))).collect();
	let totals: Vec<(Day, u64)> = days.iter().map(|(d, l)| (*d, l.iter().sum())).collect();
	sampling::draw(
		capacity,
		&totals,
		n,
		seed,
		|day, i| trees.iter().find(|(d, _)| *d == day).map_or(0, |(_, t)| t[i as usize]),
		|slot| {
			let weights =
				days.iter().map(|(d, l)| (*d, l[slot as usize - 1])).filter(|(_, w)| *w > 0);
			Some(((), weights.collect()))
		},
	)
	.into_iter()
	.map(|d| d.slot)
	.collect()
}

#[test]
fn draws_distinct_weighted_slots_only() {
	let mut rng = Rng(42);
	for round in 0..300u32 {
		let capacity = 1u32 << (1 + rng.below(5));
		let days: Vec<(Day, Vec<u64>)> = (0..1 + rng.below(3))
			.map(|d| (100 + d as Day, (0..capacity).map(|_| rng.below(2) * rng.below(9)).collect()))
			.collect();
		let weighted: Vec<u32> =
			(1..=capacity).filter(|s| days.iter().any(|(_, l)| l[*s as usize - 1] > 0)).collect();
		let n = rng.below(capacity as u64 + 2) as u32;
		let won = draw_from(capacity, &days, n, &round.to_le_bytes());
		assert_eq!(won.len() as u32, n.min(weighted.len() as u32), "{days:?}");
		let mut unique = won.clone();
		unique.sort();
		unique.dedup();
		assert_eq!(unique.len(), won.len(), "a slot drawn twice: {won:?}");
		assert!(won.iter().all(|s| weighted.contains(s)), "a slot without weight won: {won:?}");
	}
}

#[test]
fn twice_the_weight_wins_about_twice_as_often() {
	// Slots 1..=4 weigh 1, 2, 3 and 0 spread over two days; one winner per draw.
	let days = vec![(7, vec![1, 1, 0, 0]), (8, vec![0, 1, 3, 0])];
	let mut wins = [0u32; 5];
	let draws = 30_000u32;
	for k in 0..draws {
		let won = draw_from(4, &days, 1, &k.to_le_bytes());
		wins[won[0] as usize] += 1;
	}
	assert_eq!(wins[4], 0);
	let ratio = |a: usize, b: usize| wins[a] as f64 / wins[b] as f64;
	// Expected 1/6, 2/6, 3/6: with 30,000 draws the ratios are well within 10%.
	assert!((1.8..2.2).contains(&ratio(2, 1)), "{wins:?}");
	assert!((2.7..3.3).contains(&ratio(3, 1)), "{wins:?}");
	// Without replacement: the second winner is drawn among the rest, in proportion to weight.
	let mut second = [0u32; 5];
	for k in 0..draws {
		let won = draw_from(4, &days, 2, &k.to_le_bytes());
		if won[0] == 3 {
			second[won[1] as usize] += 1;
		}
	}
	let ratio = second[2] as f64 / second[1] as f64;
	assert!((1.8..2.2).contains(&ratio), "{second:?}");
}

#[test]
fn random_below_stays_below_its_bound() {
	for bound in [1u64, 2, 3, 1000, u64::MAX] {
		for k in 0..100 {
			assert!(sampling::random_below(b"seed", k, bound) < bound);
		}
	}
}

#[test]
fn readings_are_checked_against_speed_and_direction() {
	let last = Some(Reading { odometer: 1_000, at: 0 });
	let table = [
		// (last, odometer, now, expected)
		(None, 5, 0, Ok(0)),
		(last, 1_000, 10, Ok(0)),
		(last, 999, HOUR, Err(RejectReason::OdometerDecreased)),
		(last, 1_202, HOUR, Ok(202)),
		(last, 1_203, HOUR, Err(RejectReason::ImplausibleIncrement)),
		(last, 1_002, 0, Ok(2)),
		(last, 1_003, 0, Err(RejectReason::ImplausibleIncrement)),
		(last, 1_100, HOUR / 2, Ok(100)),
		(last, u32::MAX, u64::MAX, Ok(u32::MAX - 1_000)),
	];
	for (last, odometer, now, expected) in table {
		assert_eq!(check_reading(last, odometer, now, 200, 2), expected, "{odometer} at {now}");
	}
	assert_eq!(max_distance(u64::MAX, u32::MAX, u32::MAX), u64::MAX);
}

#[test]
fn daily_cap_and_behaviour_scale_the_weight() {
	let half = Perbill::from_percent(50);
	let table = [
		(0, 100, 500, Perbill::one(), 100),
		(450, 100, 500, Perbill::one(), 50),
		(500, 100, 500, Perbill::one(), 0),
		(0, 100, 500, half, 50),
		(99, 2, 500, half, 1), // 49 → 50: floor of the day's total, not of each step
		(0, u32::MAX, 500, Perbill::one(), 500),
		(0, 7, 500, Perbill::zero(), 0),
	];
	for (before, distance, cap, factor, expected) in table {
		assert_eq!(added_weight(before, distance, cap, factor), expected);
	}
}

#[test]
fn winners_are_a_share_of_participants_within_bounds() {
	let ten = Perbill::from_percent(10);
	let table = [
		(0, ten, 100, 0),
		(1, ten, 100, 1),
		(10, ten, 100, 1),
		(11, ten, 100, 2),
		(5_000, ten, 100, 100),
		(3, Perbill::one(), 100, 3),
		(7, Perbill::zero(), 100, 1),
	];
	for (participants, share, max, expected) in table {
		assert_eq!(winners_for(participants, share, max), expected, "{participants}");
	}
}

#[test]
fn window_spans_thirty_days() {
	assert!(in_window(100, 100));
	assert!(in_window(71, 100));
	assert!(!in_window(70, 100));
	assert!(!in_window(101, 100));
	assert_eq!(day_of(DAY_MS - 1), 0);
	assert_eq!(day_of(DAY_MS), 1);
}

// ---- vehicles -------------------------------------------------------------------------------

#[test]
fn admin_and_oracles_register_vehicles() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Mileage::register_vehicle(RuntimeOrigin::root(), vid(1), ALICE, None));
		System::assert_last_event(
			Event::VehicleRegistered { vehicle: vid(1), owner: ALICE, activation: time_of(1) }
				.into(),
		);
		assert_ok!(Mileage::register_vehicle(
			RuntimeOrigin::signed(ORACLE_A),
			vid(2),
			BOB,
			Some(time_of(100))
		));
		let v = Vehicles::<Test>::get(vid(2)).unwrap();
		assert_eq!((v.owner, v.activation, v.slot, v.last_reading), (BOB, time_of(100), 2, None));
		assert_eq!(VehicleAt::<Test>::get(2), Some(vid(2)));
		assert!(VehiclesOf::<Test>::contains_key(BOB, vid(2)));
	});
}

#[test]
fn register_refuses_others_duplicates_and_a_full_tree() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Mileage::register_vehicle(RuntimeOrigin::signed(ALICE), vid(1), ALICE, None),
			DispatchError::BadOrigin
		);
		register(1, ALICE);
		assert_noop!(
			Mileage::register_vehicle(RuntimeOrigin::root(), vid(1), BOB, None),
			Error::<Test>::AlreadyRegistered
		);
		for n in 2..=16 {
			register(n, BOB);
		}
		assert_noop!(
			Mileage::register_vehicle(RuntimeOrigin::root(), vid(17), BOB, None),
			Error::<Test>::TooManyVehicles
		);
		// A deregistered vehicle's slot is handed out again.
		assert_ok!(Mileage::deregister_vehicle(RuntimeOrigin::root(), vid(5)));
		register(17, BOB);
		assert_eq!(Vehicles::<Test>::get(vid(17)).unwrap().slot, 5);
	});
}

#[test]
fn owners_and_registrars_transfer_vehicles() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
		System::assert_last_event(
			Event::VehicleTransferred { vehicle: vid(1), from: ALICE, to: BOB }.into(),
		);
		assert!(!VehiclesOf::<Test>::contains_key(ALICE, vid(1)));
		assert!(VehiclesOf::<Test>::contains_key(BOB, vid(1)));
		assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ORACLE_A), vid(1), CHARLIE));
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().owner, CHARLIE);
	});
}

#[test]
fn transfer_refuses_strangers_unknown_vehicles_and_the_same_owner() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_noop!(
			Mileage::transfer_vehicle(RuntimeOrigin::signed(BOB), vid(1), BOB),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(9), BOB),
			Error::<Test>::UnknownVehicle
		);
		assert_noop!(
			Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), ALICE),
			Error::<Test>::SameOwner
		);
		assert_noop!(
			Mileage::transfer_vehicle(RuntimeOrigin::none(), vid(1), BOB),
			DispatchError::BadOrigin
		);
	});
}

/// Registers vehicle `n` for `owner` and gives it `km` of weight today: a baseline, an hour, then
/// the distance.
fn drive(n: u8, owner: AccountId, km: Km) {
	register(n, owner);
	assert_ok!(feed(ORACLE_A, &[(n, 10_000)]));
	next_block();
	jump(HOUR * 3);
	assert_ok!(feed(ORACLE_A, &[(n, 10_000 + km)]));
	next_block();
}

#[test]
fn deregistering_takes_the_weight_out_of_the_draw() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		drive(2, BOB, 50);
		assert_eq!(Mileage::window(Mileage::today()), (vec![(Mileage::today(), 150)], 2));
		assert_noop!(
			Mileage::deregister_vehicle(RuntimeOrigin::signed(BOB), vid(1)),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			Mileage::deregister_vehicle(RuntimeOrigin::signed(BOB), vid(3)),
			Error::<Test>::UnknownVehicle
		);
		assert_ok!(Mileage::deregister_vehicle(RuntimeOrigin::signed(ALICE), vid(1)));
		System::assert_last_event(
			Event::VehicleDeregistered { vehicle: vid(1), owner: ALICE }.into(),
		);
		assert_eq!(Mileage::window(Mileage::today()), (vec![(Mileage::today(), 50)], 1));
		assert!(Vehicles::<Test>::get(vid(1)).is_none());
		assert_eq!(VehicleAt::<Test>::get(1), None);
	});
}

#[test]
fn behaviour_scales_the_kilometres_driven_after_the_report() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		assert_noop!(
			Mileage::report_behaviour(RuntimeOrigin::signed(ALICE), vid(1), Perbill::zero()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Mileage::report_behaviour(RuntimeOrigin::root(), vid(2), Perbill::zero()),
			Error::<Test>::UnknownVehicle
		);
		let half = Perbill::from_percent(50);
		assert_ok!(Mileage::report_behaviour(RuntimeOrigin::signed(ORACLE_A), vid(1), half));
		System::assert_last_event(
			Event::BehaviourReported { vehicle: vid(1), factor: half }.into(),
		);
		jump(HOUR);
		assert_ok!(feed(ORACLE_A, &[(1, 10_200)]));
		System::assert_has_event(
			Event::ReadingAccepted { vehicle: vid(1), odometer: 10_200, distance: 100, weight: 50 }
				.into(),
		);
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().weight(Mileage::today()), 150);
	});
}

// ---- readings -------------------------------------------------------------------------------

#[test]
fn feeds_are_fee_free_once_per_block_and_only_for_oracles() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		let post = feed(ORACLE_A, &[(1, 10)]).unwrap();
		assert_eq!(post.pays_fee, Pays::No);
		assert_noop!(feed(ORACLE_A, &[(1, 11)]), pallet_oracle::Error::<Test>::AlreadyFeeded);
		assert_noop!(feed(ALICE, &[(1, 11)]), pallet_oracle::Error::<Test>::NoPermission);
		next_block();
		assert_ok!(feed(ORACLE_A, &[(1, 11)]));
	});
}

#[test]
fn readings_set_a_baseline_then_add_distance() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_ok!(feed(ORACLE_A, &[(1, 10_000)]));
		System::assert_has_event(
			Event::ReadingAccepted { vehicle: vid(1), odometer: 10_000, distance: 0, weight: 0 }
				.into(),
		);
		next_block();
		jump(HOUR);
		assert_ok!(feed(ORACLE_A, &[(1, 10_150)]));
		System::assert_has_event(
			Event::ReadingAccepted {
				vehicle: vid(1),
				odometer: 10_150,
				distance: 150,
				weight: 150,
			}
			.into(),
		);
		let today = Mileage::today();
		assert_eq!(Mileage::window(today), (vec![(today, 150)], 1));
		assert_eq!(
			Vehicles::<Test>::get(vid(1)).unwrap().last_reading,
			Some(Reading { odometer: 10_150, at: time_of(2) })
		);
	});
}

#[test]
fn implausible_readings_are_rejected_with_a_reason() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_ok!(Mileage::register_vehicle(
			RuntimeOrigin::root(),
			vid(2),
			BOB,
			Some(time_of(1_000))
		));
		assert_ok!(feed(ORACLE_A, &[(1, 10_000), (2, 5), (3, 7)]));
		let events = mileage_events();
		assert!(events.contains(&Event::ReadingRejected {
			vehicle: vid(2),
			odometer: 5,
			reason: RejectReason::NotActive
		}));
		assert!(events.contains(&Event::ReadingRejected {
			vehicle: vid(3),
			odometer: 7,
			reason: RejectReason::UnknownVehicle
		}));
		next_block();
		assert_ok!(feed(ORACLE_A, &[(1, 9_999)]));
		System::assert_has_event(
			Event::ReadingRejected {
				vehicle: vid(1),
				odometer: 9_999,
				reason: RejectReason::OdometerDecreased,
			}
			.into(),
		);
		next_block();
		// Six seconds later: 200 km/h allows a third of a kilometre, plus the 2 km tolerance.
		assert_ok!(feed(ORACLE_A, &[(1, 10_050)]));
		System::assert_has_event(
			Event::ReadingRejected {
				vehicle: vid(1),
				odometer: 10_050,
				reason: RejectReason::ImplausibleIncrement,
			}
			.into(),
		);
		// Nothing was counted.
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().last_reading.unwrap().odometer, 10_000);
		assert_eq!(Mileage::window(Mileage::today()).1, 0);
	});
}

#[test]
fn the_accepted_odometer_is_the_median_of_fresh_readings() {
	ExtBuilder::default().oracles(vec![ORACLE_A, ORACLE_B, ORACLE_C]).build_and_execute(|| {
		register(1, ALICE);
		// (operator, fed, accepted odometer after the feed)
		let table = [
			(ORACLE_A, 1_000, 1_000),
			(ORACLE_B, 1_010, 1_010), // of two, the upper one
			(ORACLE_C, 1_010, 1_010), // 1,000 / 1,010 / 1,010
			(ORACLE_A, 9_999, 1_010), // one operator far off does not move it
			(ORACLE_B, 1_012, 1_012), // 1,010 / 1,012 / 9,999
		];
		for (operator, fed, accepted) in table {
			assert_ok!(feed(operator, &[(1, fed)]));
			assert_eq!(
				Vehicles::<Test>::get(vid(1)).unwrap().last_reading.unwrap().odometer,
				accepted,
				"after {operator} fed {fed}"
			);
			jump(HOUR / 10);
			next_block();
		}
		// Readings older than an hour drop out: C's alone decides.
		jump(HOUR * 2);
		next_block();
		assert_ok!(feed(ORACLE_C, &[(1, 1_100)]));
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().last_reading.unwrap().odometer, 1_100);
	});
}

#[test]
fn each_day_is_capped() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 400);
		jump(HOUR * 3);
		assert_ok!(feed(ORACLE_A, &[(1, 10_000 + 400 + 300)]));
		System::assert_has_event(
			Event::ReadingAccepted {
				vehicle: vid(1),
				odometer: 10_700,
				distance: 300,
				weight: 100,
			}
			.into(),
		);
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().weight(Mileage::today()), 500);
	});
}

#[test]
fn mileage_ages_out_after_thirty_days_without_a_sweep() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		drive(2, BOB, 70);
		let first = Mileage::today();
		// Vehicle 2 keeps driving for a while; vehicle 1 stops reporting.
		for _ in 0..10 {
			jump(DAY_MS);
			next_block();
			let odometer = Vehicles::<Test>::get(vid(2)).unwrap().last_reading.unwrap().odometer;
			assert_ok!(feed(ORACLE_A, &[(2, odometer + 20)]));
		}
		let today = Mileage::today();
		assert_eq!(today, first + 10);
		assert_eq!(Mileage::window(today).1, 2);
		let total: u64 = Mileage::window(today).0.iter().map(|(_, w)| w).sum();
		assert_eq!(total, 100 + 70 + 10 * 20);
		// Day first + 30: vehicle 1's day left the window, vehicle 2's first day too.
		jump(DAY_MS * 20);
		next_block();
		let today = Mileage::today();
		let (days, participants) = Mileage::window(today);
		assert_eq!(participants, 1);
		assert_eq!(days.iter().map(|(_, w)| w).sum::<u64>(), 10 * 20);
		assert_eq!(Vehicles::<Test>::get(vid(1)).unwrap().weight(today), 0);
		// Ten more days: nobody is left.
		jump(DAY_MS * 10);
		next_block();
		assert_eq!(Mileage::window(Mileage::today()), (vec![], 0));
		// Driving again on a day whose tree still holds 30-day-old sums starts from zero.
		let odometer = Vehicles::<Test>::get(vid(1)).unwrap().last_reading.unwrap().odometer;
		assert_ok!(feed(ORACLE_A, &[(1, odometer + 5)]));
		assert_eq!(Mileage::window(Mileage::today()), (vec![(Mileage::today(), 5)], 1));
	});
}

// ---- draws ----------------------------------------------------------------------------------

#[test]
fn a_batch_nobody_drove_for_carries_over() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		run_blocks(2);
		let outcome = BatchOutcomes::<Test>::get(0).unwrap();
		assert_eq!((outcome.amount, outcome.participants, outcome.winners.len()), (0, 0, 0));
		assert!(System::events().iter().any(|r| r.event
			== pallet_stone::Event::BatchClosed {
				index: 0,
				reward: REWARD,
				distributed: 0,
				carried_over: REWARD
			}
			.into()));
		assert_eq!(Balances::free_balance(ALICE), 0);
	});
}

#[test]
fn the_single_driver_wins_the_batch_and_what_carried_over() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		// Batch 0 closes with nobody driving; then vehicle 1 drives.
		run_blocks(2);
		assert_ok!(feed(ORACLE_A, &[(1, 10_000)]));
		next_block();
		jump(HOUR);
		assert_ok!(feed(ORACLE_A, &[(1, 10_100)]));
		let before = pallet_stone::CarriedOver::<Test>::get();
		// The next block closes the overdue batch 1: 600 + the 600 carried over.
		next_block();
		assert_eq!(before, REWARD);
		let batch = crate::LastBatch::<Test>::get().unwrap();
		let outcome = BatchOutcomes::<Test>::get(batch).unwrap();
		assert_eq!(outcome.amount, 2 * REWARD);
		assert_eq!(
			outcome.winners.to_vec(),
			vec![Winner { vehicle: vid(1), owner: ALICE, amount: 2 * REWARD }]
		);
		assert_eq!(Balances::free_balance(ALICE), 2 * REWARD);
		assert!(mileage_events().contains(&Event::BatchDrawn {
			batch,
			participants: 1,
			winners: 1,
			paid: 2 * REWARD
		}));
		assert!(PendingDraw::<Test>::get().is_none());
	});
}

#[test]
fn the_owner_at_payout_is_paid() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		// Sold after the reading, before the next batch closes.
		assert_ok!(Mileage::transfer_vehicle(RuntimeOrigin::signed(ALICE), vid(1), BOB));
		let alice = Balances::free_balance(ALICE);
		run_blocks(2);
		assert_eq!(Balances::free_balance(ALICE), alice);
		assert!(Balances::free_balance(BOB) >= REWARD);
		let last = crate::LastBatch::<Test>::get().unwrap();
		assert_eq!(BatchOutcomes::<Test>::get(last).unwrap().winners[0].owner, BOB);
	});
}

#[test]
fn winners_are_distinct_and_split_the_batch() {
	ExtBuilder::default().build_and_execute(|| {
		// Five drivers, 50% share: three winners (the maximum), 200 each.
		for n in 1..=5u8 {
			drive(n, n as AccountId + 20, 10 * n as Km);
		}
		run_blocks(2);
		let batch = crate::LastBatch::<Test>::get().unwrap();
		let outcome = BatchOutcomes::<Test>::get(batch).unwrap();
		assert_eq!(outcome.participants, 5);
		assert_eq!(outcome.winners.len(), 3);
		let mut vehicles: Vec<_> = outcome.winners.iter().map(|w| w.vehicle).collect();
		vehicles.sort();
		vehicles.dedup();
		assert_eq!(vehicles.len(), 3);
		assert!(outcome.winners.iter().all(|w| w.amount == REWARD / 3));
	});
}

#[test]
fn the_remainder_of_an_even_split_carries_over() {
	ExtBuilder::default().build_and_execute(|| {
		Share::set(Perbill::one());
		drive(1, ALICE, 10);
		drive(2, BOB, 10);
		// 600 + whatever carried: split in two; an odd amount leaves one for the next batch.
		run_blocks(2);
		let batch = crate::LastBatch::<Test>::get().unwrap();
		let outcome = BatchOutcomes::<Test>::get(batch).unwrap();
		assert_eq!(outcome.winners.len(), 2);
		assert_eq!(outcome.amount, outcome.winners[0].amount * 2);
	});
}

#[test]
fn randomness_known_before_the_freeze_defers_the_draw() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		RandomnessLag::set(1);
		let alice = Balances::free_balance(ALICE);
		run_blocks(2);
		assert_eq!(Balances::free_balance(ALICE), alice);
		assert!(mileage_events().iter().any(|e| matches!(e, Event::DrawDeferred { .. })));
		// The amount went back: the next fair draw pays it.
		RandomnessLag::set(0);
		run_blocks(2);
		assert!(Balances::free_balance(ALICE) >= 2 * REWARD);
	});
}

#[test]
fn only_the_last_batches_are_kept() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 100);
		run_blocks(16);
		let last = crate::LastBatch::<Test>::get().unwrap();
		assert!(last >= 7);
		assert_eq!(BatchOutcomes::<Test>::iter().count(), 5);
		let recent = Mileage::recent_batches(10);
		assert_eq!(
			recent.iter().map(|b| b.batch).collect::<Vec<_>>(),
			(last - 4..=last).rev().collect::<Vec<_>>()
		);
		assert_eq!(recent[0].winners[0].owner, ALICE);
	});
}

#[test]
fn estimates_follow_the_share_of_weight() {
	ExtBuilder::default().build_and_execute(|| {
		drive(1, ALICE, 300);
		drive(2, BOB, 100);
		assert_eq!(Mileage::vehicle_estimate(vid(9), REWARD), None);
		let e = Mileage::vehicle_estimate(vid(1), REWARD).unwrap();
		assert_eq!((e.owner, e.weight, e.total_weight, e.participants), (ALICE, 300, 400, 2));
		assert_eq!(e.share, Perbill::from_percent(75));
		// 50% of 2 participants: one winner of 600; 75% chance.
		assert_eq!(
			(e.winners_per_batch, e.win_chance, e.expected_per_batch),
			(1, Perbill::from_percent(75), 450)
		);
		assert_eq!(e.odometer, Some(10_300));
	});
}

#[test]
fn draws_follow_the_weights_over_many_batches() {
	ExtBuilder::default().build_and_execute(|| {
		Share::set(Perbill::from_percent(1));
		drive(1, ALICE, 100);
		drive(2, BOB, 200);
		let (alice, bob) = (Balances::free_balance(ALICE), Balances::free_balance(BOB));
		run_blocks(600);
		let won = |who, before| (Balances::free_balance(who) - before) / REWARD;
		let (a, b) = (won(ALICE, alice), won(BOB, bob));
		// One batch per block (the overdue ones first), one winner each.
		assert_eq!(a + b, 600);
		// Bob weighs twice as much: about 400 of 600 (σ ≈ 11.5), far from an even 300.
		assert!((350..=450).contains(&b), "alice {a}, bob {b}");
	});
}
