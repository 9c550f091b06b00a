//! Benchmarks of the mileage pallet, at their worst cases: the longest path through a draw tree
//! (slot 1 climbs every level), vehicles with weight on every day of the window, and a draw of
//! `MaxWinners` distinct winners paid to new accounts.

use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{EnsureOrigin, Get, SortedMembers, Time},
	weights::WeightMeter,
	BoundedVec,
};
use sp_runtime::{
	traits::{IdentifyAccount, One},
	Perbill, RuntimeAppPublic,
};
use valley_primitives::BatchDistributor;

use crate::{pallet::*, rules, types::*, BenchmarkHelper};

fn vehicle(n: u32) -> VehicleId {
	let mut id = [0u8; 32];
	id[..4].copy_from_slice(&n.to_le_bytes());
	id[31] = 0xbe;
	VehicleId::from(id)
}

fn registrar<T: Config>() -> T::RuntimeOrigin {
	T::RegistrarOrigin::try_successful_origin().expect("the registrar origin can be built")
}

/// Registers vehicle `n` for a fresh owner, with a baseline reading.
fn register<T: Config>(n: u32) -> VehicleId {
	let id = vehicle(n);
	let owner: T::AccountId = account("owner", n, 0);
	Pallet::<T>::do_register(id, owner, Some(0)).expect("room in the trees");
	Vehicles::<T>::mutate(id, |v| {
		if let Some(v) = v {
			v.last_reading = Some(Reading { odometer: 1_000, at: 0 });
		}
	});
	id
}

/// A day well into the chain's life, so that the window has 30 days behind it.
const TODAY: Day = 20_000;

/// Gives vehicle `id` `km` on each of the last `days` days of the window; the days before
/// are kept with no weight, so that its record has its full size.
fn drive<T: Config>(id: VehicleId, days: u32, km: Km) {
	T::BenchmarkHelper::set_time(TODAY as u64 * DAY_MS);
	let mut v = Vehicles::<T>::get(id).expect("registered");
	for back in (0..WINDOW_DAYS).rev() {
		let day = TODAY - back;
		if back < days {
			Pallet::<T>::add_distance(&mut v, day, km);
		} else {
			let _ = v.days.try_push(DayMileage { day, km: 0, weight: 0 });
		}
	}
	Vehicles::<T>::insert(id, v);
}

/// A new oracle operator's key, its account made an operator.
fn operator<T: Config>() -> (T::OracleId, T::AccountId) {
	let key = T::OracleId::generate_pair(None);
	let account = key.clone().into_account();
	if !T::Operators::contains(&account) {
		T::Operators::add(&account);
	}
	(key, account)
}

/// A signed feed of `values` from `key`'s first cursor.
fn signed_feed<T: Config>(
	key: &T::OracleId,
	values: alloc::vec::Vec<(VehicleId, Km)>,
) -> (FeedPayload<T::OracleId, T::MaxFeed>, <T::OracleId as RuntimeAppPublic>::Signature) {
	let upto = values.len() as u64 + 7;
	let feed = FeedPayload {
		operator: key.clone(),
		after: 0,
		upto,
		values: BoundedVec::truncate_from(values),
	};
	let signature = key.sign(&feed.encode()).expect("the keystore signs with a key it made");
	(feed, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_vehicle() {
		// A freed slot to take: the longer of the two paths.
		let first = register::<T>(1);
		Pallet::<T>::do_deregister(first, None).unwrap();
		let owner: T::AccountId = account("owner", 2, 0);

		#[extrinsic_call]
		_(registrar::<T>() as T::RuntimeOrigin, vehicle(2), owner, None);

		assert_eq!(Vehicles::<T>::get(vehicle(2)).map(|v| v.slot), Some(1));
	}

	#[benchmark]
	fn transfer_vehicle() {
		let id = register::<T>(1);
		let to: T::AccountId = account("buyer", 1, 0);

		#[extrinsic_call]
		_(registrar::<T>() as T::RuntimeOrigin, id, to.clone());

		assert_eq!(Vehicles::<T>::get(id).map(|v| v.owner), Some(to));
	}

	/// A vehicle at slot 1 with weight on all 30 days: 30 tree paths to walk back.
	#[benchmark]
	fn deregister_vehicle() {
		let id = register::<T>(1);
		drive::<T>(id, WINDOW_DAYS, 10);

		#[extrinsic_call]
		_(registrar::<T>() as T::RuntimeOrigin, id);

		assert!(Vehicles::<T>::get(id).is_none());
	}

	#[benchmark]
	fn report_behaviour() {
		let id = register::<T>(1);

		#[extrinsic_call]
		_(registrar::<T>() as T::RuntimeOrigin, id, Perbill::from_percent(50));

		assert_eq!(Vehicles::<T>::get(id).map(|v| v.behaviour), Some(Perbill::from_percent(50)));
	}

	/// One reading fed through the oracle and accepted: a new day for a vehicle that was last
	/// active on another day of the window, at slot 1.
	#[benchmark]
	fn accept_reading() {
		let id = register::<T>(1);
		T::BenchmarkHelper::set_time(TODAY as u64 * DAY_MS);
		// Thirty days of records up to yesterday, when it last drove: the reading drops the
		// oldest, opens today, and moves the vehicle's last active day.
		let mut v = Vehicles::<T>::get(id).unwrap();
		for back in (2..=WINDOW_DAYS).rev() {
			let _ = v.days.try_push(DayMileage { day: TODAY - back, km: 0, weight: 0 });
		}
		Pallet::<T>::add_distance(&mut v, TODAY - 1, 1);
		v.last_reading = Some(Reading { odometer: 1_000, at: T::Time::now() });
		Vehicles::<T>::insert(id, v);
		let weight = Vehicles::<T>::get(id).unwrap().weight(TODAY);

		#[block]
		{
			T::BenchmarkHelper::feed(id, 1_001);
		}

		let v = Vehicles::<T>::get(id).unwrap();
		assert_eq!(v.last_reading.map(|r| r.odometer), Some(1_001));
		assert_eq!(v.weight(TODAY), weight + 1);
	}

	/// Drawing `n` winners among `2n` vehicles scattered over the tree, each paid to a new account.
	#[benchmark]
	fn draw(n: Linear<1, { T::MaxWinners::get() }>) {
		// Spread over the whole tree, so that the descents share few nodes, as among a million
		// vehicles.
		let spacing = (T::MaxVehicles::get() / (2 * n)).max(1);
		for i in 1..=2 * n {
			HighestSlot::<T>::put((i - 1) * spacing);
			let id = register::<T>(i);
			drive::<T>(id, 1, i);
		}
		// As many participants as it takes for `n` winners.
		let mut participants = n;
		while rules::winners_for(participants, T::WinnerShare::get(), T::MaxWinners::get()) < n {
			participants += 1;
		}
		let amount = T::BenchmarkHelper::take_on();
		<Pallet<T> as BatchDistributor<T::Balance>>::batch_closed(1, amount);
		PendingDraw::<T>::mutate(|p| {
			if let Some(p) = p {
				p.participants = participants;
			}
		});
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			// `on_poll` draws, `on_finalize` pays.
			Pallet::<T>::draw_pending(&mut WeightMeter::new());
			Pallet::<T>::settle_drawn(now + One::one());
		}

		let outcome = BatchOutcomes::<T>::get(1).expect("drawn");
		assert_eq!(outcome.winners.len() as u32, n);
	}

	/// A feed of `n` vehicles whose readings are all accepted, each with the other operators'
	/// readings to take the median of (the runtime's helper sets up the heaviest feed).
	#[benchmark]
	fn submit_feed(n: Linear<1, { T::MaxFeed::get() }>) {
		let (key, account) = operator::<T>();
		let values = T::BenchmarkHelper::heaviest_feed(n);
		let (feed, signature) = signed_feed::<T>(&key, values);
		let upto = feed.upto;

		#[extrinsic_call]
		_(frame_system::RawOrigin::Authorized, feed, signature);

		assert_eq!(FeedCursor::<T>::get(&account), upto);
	}

	/// Authorizing the longest feed: the signature covers all of it.
	#[benchmark]
	fn authorize_submit_feed() -> Result<(), BenchmarkError> {
		let (key, _) = operator::<T>();
		let values =
			(0..T::MaxFeed::get()).map(|i| (VehicleId::repeat_byte(i as u8), 1_000 + i)).collect();
		let (feed, signature) = signed_feed::<T>(&key, values);
		let call = Call::<T>::submit_feed { feed, signature };

		#[block]
		{
			use frame_support::pallet_prelude::Authorize;
			call.authorize(TransactionSource::External)
				.ok_or("the call is authorized by its signature")?
				.map_err(|_| "a valid feed")?;
		}

		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
