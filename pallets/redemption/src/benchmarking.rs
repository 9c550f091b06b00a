//! Benchmarks of the redemption pallet, each in its worst case: eligibility checked against the
//! most vehicles, a digital collectible found in the last edition of the largest artwork, the
//! most orders expiring in one block.

use alloc::vec;

use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{One, Saturating};
use valley_primitives::{CollectibleStock, VehicleRegistry};

use crate::*;

const SEED: u32 = 0;
const ITEM: ItemId = 1;

fn admin<T: Config>() -> T::RuntimeOrigin {
	T::AdminOrigin::try_successful_origin().expect("the admin origin can be built")
}

fn stones<T: Config>(n: u32) -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(n.into())
}

/// An item for owners of a vehicle registered 90 days ago, in stock, with a money part.
fn item_spec<T: Config>(delivery: Delivery) -> ItemSpecOf<T> {
	ItemSpec {
		name: vec![b'n'; T::NameLimit::get() as usize].try_into().expect("fits"),
		category: match delivery {
			Delivery::Desk => Category::Upgrade,
			Delivery::Collectible { .. } => Category::DigitalCollectible,
		},
		price: stones::<T>(1_000),
		cash: Some(CashPart { currency: *b"CNY", amount: 1_000_000 }),
		stock: 1,
		per_account: 1,
		starts_ms: 0,
		ends_ms: None,
		eligibility: Eligibility::VehicleRegisteredDays(90),
		delivery,
	}
}

/// A funded owner of the most vehicles, the oldest registered long enough ago.
fn owner<T: Config>(i: u32) -> T::AccountId {
	let who: T::AccountId = account("owner", i, SEED);
	T::Currency::set_balance(&who, stones::<T>(1_000_000));
	T::BenchmarkHelper::set_now_ms(100 * DAY_MS);
	T::Vehicles::make_owner_since(&who, 0);
	who
}

fn put_item<T: Config>(id: ItemId, spec: ItemSpecOf<T>) {
	Pallet::<T>::do_set_item(id, spec).expect("a valid item");
}

/// An open order of ITEM by a new owner.
fn open_order<T: Config>(i: u32) -> OrderId {
	put_item::<T>(
		ITEM,
		ItemSpec { stock: i + 1, per_account: 0, ..item_spec::<T>(Delivery::Desk) },
	);
	Pallet::<T>::do_redeem(owner::<T>(i), ITEM).expect("an eligible owner").0
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_item() -> Result<(), BenchmarkError> {
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ITEM, item_spec::<T>(Delivery::Desk));
		assert!(Items::<T>::contains_key(ITEM));
		Ok(())
	}

	#[benchmark]
	fn set_desk() -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("desk", 0, SEED);
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), true);
		assert!(Desks::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn redeem_desk() -> Result<(), BenchmarkError> {
		put_item::<T>(ITEM, item_spec::<T>(Delivery::Desk));
		let who = owner::<T>(0);
		#[block]
		{
			Pallet::<T>::do_redeem(who.clone(), ITEM)
				.map_err(|_| BenchmarkError::Stop("redeem"))?;
		}
		assert_eq!(Redeemed::<T>::get(&who, ITEM), 1);
		Ok(())
	}

	#[benchmark]
	fn redeem_collectible() -> Result<(), BenchmarkError> {
		let artwork = T::Collectibles::worst_case_stock(&Pallet::<T>::account());
		put_item::<T>(ITEM, item_spec::<T>(Delivery::Collectible { artwork }));
		let who = owner::<T>(0);
		#[block]
		{
			Pallet::<T>::do_redeem(who.clone(), ITEM)
				.map_err(|_| BenchmarkError::Stop("redeem"))?;
		}
		assert_eq!(Items::<T>::get(ITEM).map(|i| i.fulfilled), Some(1));
		Ok(())
	}

	#[benchmark]
	fn cancel() -> Result<(), BenchmarkError> {
		let order = open_order::<T>(0);
		let who = Orders::<T>::get(order).expect("placed").who;
		#[extrinsic_call]
		_(RawOrigin::Signed(who), order);
		assert_eq!(Orders::<T>::get(order).map(|o| o.state), Some(OrderState::Cancelled));
		Ok(())
	}

	#[benchmark]
	fn accept() -> Result<(), BenchmarkError> {
		let order = open_order::<T>(0);
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, order);
		assert_eq!(Orders::<T>::get(order).map(|o| o.state), Some(OrderState::Accepted));
		Ok(())
	}

	#[benchmark]
	fn fulfil() -> Result<(), BenchmarkError> {
		let order = open_order::<T>(0);
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, order);
		assert_eq!(Orders::<T>::get(order).map(|o| o.state), Some(OrderState::Fulfilled));
		Ok(())
	}

	#[benchmark]
	fn reject() -> Result<(), BenchmarkError> {
		let order = open_order::<T>(0);
		let origin = admin::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, order);
		assert_eq!(Orders::<T>::get(order).map(|o| o.state), Some(OrderState::Rejected));
		Ok(())
	}

	/// `n` open orders expire at the start of one block.
	#[benchmark]
	fn expire(n: Linear<0, { T::MaxOrdersPerBlock::get() }>) -> Result<(), BenchmarkError> {
		for i in 0..n {
			open_order::<T>(i);
		}
		let at: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number().saturating_add(T::AcceptWindow::get());
		frame_system::Pallet::<T>::set_block_number(at.saturating_sub(One::one()));
		#[block]
		{
			Pallet::<T>::on_initialize(at);
		}
		assert_eq!(Unfinished::<T>::iter().count(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
