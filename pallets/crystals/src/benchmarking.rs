//! Benchmarks of the crystals pallet, each in its worst case: the longest prize tables, the
//! vehicle registry asked, new accounts created, emptied holdings removed, Stones minted.

use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Hash, One, Saturating};
use valley_primitives::VehicleOwners;

use crate::*;

/// The price of the benchmarks' blind box.
const PRICE: Crystals = 10;
/// The box kind of the benchmarks.
const KIND: BoxKindId = 1;

fn name() -> Name {
	Name::truncate_from(b"MOVING ART egg (benchmark name)".to_vec())
}

/// A full table in which only the last line has stock: Stones, so the draw walks every line and
/// asks the vehicle registry.
fn stones_table<T: Config>(stock: u32) -> PrizeTableOf<T> {
	let max = T::MaxPrizes::get();
	let lines = (0..max).map(|i| PrizeSlot {
		prize: if i % 2 == 0 { Prize::Pieces(1) } else { Prize::Stones(T::StoneUnit::get()) },
		stock: 0,
	});
	let mut table: PrizeTableOf<T> = PrizeTableOf::<T>::truncate_from(lines.collect());
	if let Some(last) = table.last_mut() {
		*last = PrizeSlot { prize: Prize::Stones(T::StoneUnit::get()), stock };
	}
	table
}

fn admin<T: Config>() -> T::RuntimeOrigin {
	T::AdminOrigin::try_successful_origin().expect("the admin origin can be built")
}

fn set_box<T: Config>(stock: u32) {
	Pallet::<T>::set_box_kind(admin::<T>(), KIND, name(), Some(PRICE), stones_table::<T>(stock))
		.expect("the pool has room for the benchmark's table");
}

fn give_crystals<T: Config>(who: &T::AccountId, crystals: Crystals) {
	Pallet::<T>::mutate_holdings(who, |h| {
		h.crystals = h.crystals.saturating_add(crystals);
		Ok(())
	})
	.expect("adding crystals cannot fail");
	CrystalsAwarded::<T>::mutate(|a| *a = a.saturating_add(crystals));
}

/// `count` openings by `count` vehicle owners, each winning Stones (minted to a new balance),
/// requested `MaxOpensPerBlock` a block over as many blocks as they take (two for the most that
/// can wait): returns the next block, whose randomness is set, in which they are all drawn.
fn waiting_openings<T: Config>(count: u32) -> BlockNumberFor<T> {
	set_box::<T>(count.max(1));
	let per_block = T::MaxOpensPerBlock::get();
	for i in 0..count {
		if i > 0 && i % per_block == 0 {
			let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
			frame_system::Pallet::<T>::set_block_number(next);
		}
		let who: T::AccountId = account("opener", i, 0);
		T::VehicleOwners::make_owner(&who);
		give_crystals::<T>(&who, PRICE);
		Pallet::<T>::do_open_box(who, KIND).expect("the opener can open");
	}
	let draws_at = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(draws_at);
	T::BenchmarkHelper::set_randomness(draws_at, T::Hashing::hash(b"benchmark randomness"));
	draws_at
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_issuer() {
		let issuer: T::AccountId = account("issuer", 0, 0);

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, issuer.clone());

		assert!(Issuers::<T>::contains_key(issuer));
	}

	#[benchmark]
	fn remove_issuer() {
		let issuer: T::AccountId = account("issuer", 0, 0);
		Issuers::<T>::insert(&issuer, ());

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, issuer.clone());

		assert!(!Issuers::<T>::contains_key(issuer));
	}

	/// A task kind granting an egg: the egg's box kind is looked up.
	#[benchmark]
	fn set_task_kind() {
		set_box::<T>(1);
		let task = TaskKind {
			name: name(),
			crystals: 5,
			egg: Some(KIND),
			limit: 3,
			period: 100u32.into(),
		};

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, 7, task);

		assert!(TaskKinds::<T>::contains_key(7));
	}

	#[benchmark]
	fn remove_task_kind() {
		let task =
			TaskKind { name: name(), crystals: 5, egg: None, limit: 3, period: 100u32.into() };
		TaskKinds::<T>::insert(7, task);

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, 7);

		assert!(!TaskKinds::<T>::contains_key(7));
	}

	/// Replacing a full table with a table of `p` lines worth more: the difference is reserved.
	#[benchmark]
	fn set_box_kind(p: Linear<1, { T::MaxPrizes::get() }>) {
		set_box::<T>(1);
		let prizes = PrizeTableOf::<T>::truncate_from(
			(0..p)
				.map(|_| PrizeSlot { prize: Prize::Stones(T::StoneUnit::get()), stock: 2 })
				.collect(),
		);

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, KIND, name(), Some(PRICE), prizes);

		assert_eq!(PrizeTables::<T>::get(KIND).len() as u32, p);
	}

	#[benchmark]
	fn remove_box_kind() {
		set_box::<T>(5);

		#[extrinsic_call]
		_(admin::<T>() as T::RuntimeOrigin, KIND);

		assert!(!BoxKinds::<T>::contains_key(KIND));
	}

	/// Crystals and an egg to a new account, in a new period.
	#[benchmark]
	fn award() {
		set_box::<T>(1);
		let issuer: T::AccountId = account("issuer", 0, 0);
		Issuers::<T>::insert(&issuer, ());
		let task =
			TaskKind { name: name(), crystals: 5, egg: Some(KIND), limit: 3, period: 1u32.into() };
		TaskKinds::<T>::insert(7, task);
		let who: T::AccountId = account("awardee", 0, 0);
		AwardCounts::<T>::insert(&who, 7, PeriodCount { period: u64::MAX, count: 3 });

		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), who.clone(), 7, [7u8; 32]);

		assert_eq!(Holdings::<T>::get(&who).map(|h| h.crystals), Some(5));
	}

	/// A vehicle owner with openings already waiting, in a block with other openings, opens a box
	/// whose table is full and has only Stones left.
	#[benchmark]
	fn open_box() {
		let pending =
			T::MaxPendingPerAccount::get().min(T::MaxOpensPerBlock::get()).saturating_sub(1);
		set_box::<T>(pending.saturating_add(1));
		let who: T::AccountId = account("opener", 0, 0);
		T::VehicleOwners::make_owner(&who);
		give_crystals::<T>(&who, PRICE.saturating_mul(Crystals::from(pending) + 1));
		for _ in 0..pending {
			Pallet::<T>::do_open_box(who.clone(), KIND).expect("room for another opening");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), KIND);

		assert_eq!(Holdings::<T>::get(&who).map(|h| h.pending.len() as u32), Some(pending + 1));
	}

	/// Pieces for one Stone, minted to a new balance; the holdings emptied.
	#[benchmark]
	fn combine_pieces() {
		let who: T::AccountId = account("combiner", 0, 0);
		let pieces = T::PiecesPerStone::get();
		<T::Pool as valley_primitives::EducationPool<_, _>>::reserve(T::StoneUnit::get())
			.expect("the pool has room for a Stone");
		Reserved::<T>::mutate(|r| *r = r.saturating_add(T::StoneUnit::get()));
		TotalPieces::<T>::mutate(|p| *p = p.saturating_add(pieces.into()));
		Pallet::<T>::mutate_holdings(&who, |h| {
			h.pieces = pieces;
			Ok(())
		})
		.expect("adding pieces cannot fail");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Holdings::<T>::contains_key(&who));
	}

	/// `on_initialize` counting `n` waiting openings and `on_finalize` drawing them: each a
	/// Stone prize to a vehicle owner, minted to a new balance, its holdings emptied. Up to the
	/// most that can wait, two blocks' worth.
	#[benchmark]
	fn draw_openings(n: Linear<0, { Pallet::<T>::max_waiting() }>) {
		let now = waiting_openings::<T>(n);

		#[block]
		{
			<Pallet<T> as Hooks<BlockNumberFor<T>>>::on_initialize(now);
			<Pallet<T> as Hooks<BlockNumberFor<T>>>::on_finalize(now);
		}

		assert_eq!(QueueHead::<T>::get(), u64::from(n));
		if n > 0 {
			let who: T::AccountId = account("opener", n - 1, 0);
			assert!(!Holdings::<T>::contains_key(&who));
			assert_eq!(PrizeTables::<T>::get(KIND).last().map(|s| s.stock), Some(0));
		}
	}

	/// `CheckOpeningRoom` on a box opening, with an opening waiting to be drawn: its work is
	/// `has_room`'s three reads, whatever the answer.
	#[benchmark]
	fn check_opening_room() {
		waiting_openings::<T>(1);
		let room;
		#[block]
		{
			room = Pallet::<T>::has_room();
		}
		assert!(room);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
