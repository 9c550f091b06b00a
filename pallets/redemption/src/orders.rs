//! The catalogue and its orders: setting items, redeeming, fulfilling, refunding, expiring.

use alloc::vec::Vec;

use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, Inspect, InspectHold, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};
use valley_primitives::{CollectibleStock, VehicleRegistry};

use crate::*;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_set_item(id: ItemId, spec: ItemSpecOf<T>) -> DispatchResult {
		ensure!(!spec.name.is_empty(), Error::<T>::BadName);
		ensure!(spec.price >= T::Currency::minimum_balance(), Error::<T>::BadPrice);
		ensure!(spec.ends_ms.is_none_or(|end| end > spec.starts_ms), Error::<T>::BadWindow);
		match spec.delivery {
			Delivery::Desk => {},
			Delivery::Collectible { artwork } => {
				ensure!(spec.category == Category::DigitalCollectible, Error::<T>::BadDelivery);
				ensure!(
					T::Collectibles::available(artwork, &Self::account()) >= spec.stock,
					Error::<T>::NotEnoughEditions
				);
			},
		}
		let (open, fulfilled) =
			Items::<T>::get(id).map(|item| (item.open, item.fulfilled)).unwrap_or_default();
		let (price, stock) = (spec.price, spec.stock);
		let stocked = stock.saturating_add(open).saturating_add(fulfilled);
		Items::<T>::insert(id, Item { spec, open, fulfilled, stocked });
		Self::deposit_event(Event::ItemSet { item: id, price, stock });
		Ok(())
	}

	/// Why `who` cannot redeem `item` now, if it cannot.
	pub fn refusal(who: &T::AccountId, item: &ItemOf<T>, id: ItemId) -> Option<Error<T>> {
		let spec = &item.spec;
		let now = Self::now_ms();
		if now < spec.starts_ms || spec.ends_ms.is_some_and(|end| now >= end) {
			return Some(Error::<T>::NotActive);
		}
		if spec.stock == 0 {
			return Some(Error::<T>::OutOfStock);
		}
		if spec.per_account > 0 && Redeemed::<T>::get(who, id) >= spec.per_account {
			return Some(Error::<T>::OverLimit);
		}
		if let Eligibility::VehicleRegisteredDays(days) = spec.eligibility {
			let Some(since) = T::Vehicles::registered_since(who) else {
				return Some(Error::<T>::NoVehicle);
			};
			if since.saturating_add(u64::from(days).saturating_mul(DAY_MS)) > now {
				return Some(Error::<T>::VehicleTooNew);
			}
		}
		None
	}

	/// Opens an order of item `id` for `who`; returns it and how the item was delivered.
	pub(crate) fn do_redeem(
		who: T::AccountId,
		id: ItemId,
	) -> Result<(OrderId, Delivery), DispatchError> {
		let mut item = Items::<T>::get(id).ok_or(Error::<T>::UnknownItem)?;
		if let Some(refusal) = Self::refusal(&who, &item, id) {
			return Err(refusal.into());
		}
		let price = item.spec.price;
		T::Currency::hold(&HoldReason::Order.into(), &who, price)
			.map_err(|_| Error::<T>::InsufficientStones)?;
		let now = frame_system::Pallet::<T>::block_number();
		let order = NextOrderId::<T>::get();
		NextOrderId::<T>::put(order.wrapping_add(1));
		let expires_at = now.saturating_add(T::AcceptWindow::get());
		let record = Order {
			who: who.clone(),
			item: id,
			price,
			cash: item.spec.cash,
			state: OrderState::Open,
			placed_at: now,
			expires_at,
			updated_at: now,
		};
		item.spec.stock -= 1;
		item.open += 1;
		Redeemed::<T>::mutate(&who, id, |n| *n = n.saturating_add(1));
		OrdersOf::<T>::insert(&who, order, ());
		Self::deposit_event(Event::Redeemed { order, item: id, who: who.clone(), price });
		let delivery = item.spec.delivery;
		match delivery {
			Delivery::Desk => {
				ExpiringAt::<T>::try_mutate(expires_at, |ids| ids.try_push(order))
					.map_err(|_| Error::<T>::BlockFull)?;
				Unfinished::<T>::insert(order, ());
				Items::<T>::insert(id, item);
				Orders::<T>::insert(order, record);
			},
			Delivery::Collectible { artwork } => {
				let edition = T::Collectibles::hand_over(artwork, &Self::account(), &who)?;
				Self::deposit_event(Event::CollectibleDelivered { order, artwork, edition });
				// Counted as open until `do_fulfil` closes it, in this same call.
				Items::<T>::insert(id, item);
				Self::do_fulfil(order, record)?;
			},
		}
		Ok((order, delivery))
	}

	/// Burns an unfinished order's held Stones and marks it fulfilled.
	pub(crate) fn do_fulfil(order: OrderId, mut record: OrderOf<T>) -> DispatchResult {
		let (credit, missing) =
			T::Currency::slash(&HoldReason::Order.into(), &record.who, record.price);
		ensure!(missing.is_zero(), Error::<T>::InsufficientStones);
		let burned = credit.peek();
		T::Burn::on_unbalanced(credit);
		Items::<T>::mutate(record.item, |item| {
			if let Some(item) = item {
				item.open = item.open.saturating_sub(1);
				item.fulfilled = item.fulfilled.saturating_add(1);
			}
		});
		Unfinished::<T>::remove(order);
		record.state = OrderState::Fulfilled;
		record.updated_at = frame_system::Pallet::<T>::block_number();
		Orders::<T>::insert(order, record);
		Self::deposit_event(Event::OrderFulfilled { order, burned });
		Ok(())
	}

	/// Releases an unfinished order's Stones, returns its stock and closes it as `state`.
	pub(crate) fn refund(
		order: OrderId,
		mut record: OrderOf<T>,
		state: OrderState,
	) -> DispatchResult {
		let refunded = T::Currency::release(
			&HoldReason::Order.into(),
			&record.who,
			record.price,
			Precision::Exact,
		)?;
		Items::<T>::mutate(record.item, |item| {
			if let Some(item) = item {
				item.open = item.open.saturating_sub(1);
				item.spec.stock = item.spec.stock.saturating_add(1);
			}
		});
		Redeemed::<T>::mutate_exists(&record.who, record.item, |n| {
			*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0);
		});
		Unfinished::<T>::remove(order);
		record.state = state;
		record.updated_at = frame_system::Pallet::<T>::block_number();
		Orders::<T>::insert(order, record);
		Self::deposit_event(match state {
			OrderState::Cancelled => Event::OrderCancelled { order, refunded },
			OrderState::Rejected => Event::OrderRejected { order, refunded },
			_ => Event::OrderExpired { order, refunded },
		});
		Ok(())
	}

	/// Refunds the open orders expiring at the start of block `now`; returns the weight used.
	pub(crate) fn expire(now: BlockNumberFor<T>) -> Weight {
		let expiring = ExpiringAt::<T>::take(now);
		if expiring.is_empty() {
			return T::DbWeight::get().reads(1);
		}
		for order in &expiring {
			let Some(record) = Orders::<T>::get(order).filter(|o| o.state == OrderState::Open)
			else {
				continue;
			};
			// Releasing what the order holds cannot fail (its hold is checked by `try_state`).
			let _ = frame_support::storage::with_storage_layer(|| {
				Self::refund(*order, record, OrderState::Expired)
			});
		}
		T::WeightInfo::expire(expiring.len() as u32)
	}

	/// The catalogue; with `who`, whether it can redeem each item now and how often it has.
	pub fn catalogue(who: Option<T::AccountId>) -> Vec<CatalogueEntry<BalanceOf<T>>> {
		Items::<T>::iter()
			.map(|(id, item)| {
				let (redeemed, refusal) = match &who {
					Some(who) => {
						let refusal = Self::refusal(who, &item, id).or_else(|| {
							(T::Currency::reducible_balance(
								who,
								frame_support::traits::tokens::Preservation::Protect,
								frame_support::traits::tokens::Fortitude::Polite,
							) < item.spec.price)
								.then_some(Error::<T>::InsufficientStones)
						});
						(Redeemed::<T>::get(who, id), refusal)
					},
					None => (0, None),
				};
				CatalogueEntry {
					id,
					spec: item.spec.map_name(BoundedVec::into_inner),
					redeemed,
					refusal: refusal.and_then(Self::as_refusal),
				}
			})
			.collect()
	}

	fn as_refusal(error: Error<T>) -> Option<Refusal> {
		Some(match error {
			Error::<T>::OutOfStock => Refusal::OutOfStock,
			Error::<T>::OverLimit => Refusal::OverLimit,
			Error::<T>::NotActive => Refusal::NotActive,
			Error::<T>::NoVehicle => Refusal::NoVehicle,
			Error::<T>::VehicleTooNew => Refusal::VehicleTooNew,
			Error::<T>::InsufficientStones => Refusal::InsufficientStones,
			_ => return None,
		})
	}

	/// An account's orders, newest first.
	pub fn orders_of(who: T::AccountId) -> Vec<(OrderId, OrderOf<T>)> {
		let mut orders: Vec<_> = OrdersOf::<T>::iter_key_prefix(&who)
			.filter_map(|id| Orders::<T>::get(id).map(|o| (id, o)))
			.collect();
		orders.sort_by_key(|(id, _)| core::cmp::Reverse(*id));
		orders
	}

	/// The orders waiting for the desk (open or accepted), oldest first.
	pub fn unfinished_orders() -> Vec<(OrderId, OrderOf<T>)> {
		let mut orders: Vec<_> = Unfinished::<T>::iter_keys()
			.filter_map(|id| Orders::<T>::get(id).map(|o| (id, o)))
			.collect();
		orders.sort_by_key(|(id, _)| *id);
		orders
	}

	/// The pallet's invariants (see the crate docs).
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		let now = frame_system::Pallet::<T>::block_number();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut per_item: BTreeMap<ItemId, (u32, u32)> = BTreeMap::new();
		let mut redeemed: BTreeMap<(T::AccountId, ItemId), u32> = BTreeMap::new();
		for (id, order) in Orders::<T>::iter() {
			ensure!(OrdersOf::<T>::contains_key(&order.who, id), "an order is not its owner's");
			let counts = per_item.entry(order.item).or_default();
			if order.state.is_unfinished() {
				ensure!(Unfinished::<T>::contains_key(id), "an unfinished order is not listed");
				let sum = held.entry(order.who.clone()).or_insert_with(Zero::zero);
				*sum = sum.saturating_add(order.price);
				counts.0 += 1;
			}
			if order.state == OrderState::Fulfilled {
				counts.1 += 1;
			}
			if order.state.is_unfinished() || order.state == OrderState::Fulfilled {
				*redeemed.entry((order.who.clone(), order.item)).or_default() += 1;
			}
			if order.state == OrderState::Open && order.expires_at >= now {
				ensure!(
					ExpiringAt::<T>::get(order.expires_at).contains(&id),
					"an open order does not expire"
				);
			}
		}
		ensure!(
			Unfinished::<T>::iter_keys()
				.all(|id| Orders::<T>::get(id).is_some_and(|o| o.state.is_unfinished())),
			"a finished order is listed as unfinished"
		);
		for (who, amount) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::Order.into(), &who) == amount,
				"Stones held for orders differ from the unfinished orders' prices"
			);
			ensure!(
				T::Currency::total_balance_on_hold(&who) >= amount,
				"an order's held Stones are no longer in the account"
			);
		}
		for (id, item) in Items::<T>::iter() {
			let (open, fulfilled) = per_item.get(&id).copied().unwrap_or_default();
			ensure!(item.open == open, "an item's open orders are miscounted");
			ensure!(item.fulfilled == fulfilled, "an item's fulfilled orders are miscounted");
			ensure!(
				item.spec.stock as u64 + open as u64 + fulfilled as u64 == item.stocked as u64,
				"stock + open + fulfilled differs from what was stocked"
			);
		}
		for ((who, item), count) in &redeemed {
			ensure!(Redeemed::<T>::get(who, item) == *count, "a per-account count is wrong");
		}
		ensure!(
			Redeemed::<T>::iter().all(|(who, item, n)| redeemed.get(&(who, item)) == Some(&n)),
			"a per-account count without orders"
		);
		Ok(())
	}
}
