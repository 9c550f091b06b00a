//! # Redemption
//!
//! IM Valley's reward catalogue: owners spend Stones on upgrades, premium services, limited
//! editions, digital collectibles and experience days.
//!
//! ## Overview
//!
//! - **Catalogue.** The admin origin sets items ([`Pallet::set_item`]): a name, a category, a
//!   price in Stones, an optional part paid in money off chain ([`CashPart`], e.g. ¥10,000,
//!   shown to the owner and settled by the desk), the stock, a per-account limit, an active
//!   window (chain time) and who is eligible ([`Eligibility`]: by default owners of a vehicle
//!   registered at least 90 days ago, from the mileage pallet's registry through
//!   [`valley_primitives::VehicleRegistry`]).
//! - **Orders.** [`Pallet::redeem`] holds the price in the owner's account (a fungible hold,
//!   [`HoldReason::Order`]), takes one from stock, counts it against the owner's limit and opens
//!   an order. The service desk (the admin, or accounts it names with [`Pallet::set_desk`])
//!   accepts it ([`Pallet::accept`]), then fulfils it ([`Pallet::fulfil`]: the held Stones are
//!   burned through [`Config::Burn`], the Stone pallet's burn accounting) or rejects it
//!   ([`Pallet::reject`]: released, stock returned). The owner can cancel an order the desk has
//!   not accepted ([`Pallet::cancel`]). An order not accepted within [`Config::AcceptWindow`]
//!   blocks expires at the start of a block and is refunded, in a bounded hook: at most
//!   [`Config::MaxOrdersPerBlock`] orders are placed in one block, so at most that many expire in
//!   one.
//! - **Digital collectibles** are delivered on chain: redeeming one hands over an edition of its
//!   artwork held by the catalogue's account ([`Pallet::account`]) through
//!   [`valley_primitives::CollectibleStock`] and burns the price, in the same call.
//! - **Reads** for owners and the desk: the runtime API (`pallet-redemption-runtime-api`): the
//!   catalogue with stock and, for an account, whether it can redeem each item and why not; an
//!   account's orders (its history); the orders waiting for the desk.
//!
//! ## Invariants (`try_state`)
//!
//! The Stones held for orders are exactly the prices of the open and accepted orders, in each
//! account; for every item, stock + open + fulfilled orders = what was stocked; the per-account
//! counts are the accounts' open, accepted and fulfilled orders; every open order is in the list
//! of the block it expires in.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
mod orders;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// A day of chain time, in milliseconds.
pub const DAY_MS: u64 = 86_400_000;

#[frame_support::pallet]
pub mod pallet {
	use alloc::vec::Vec;

	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, OnUnbalanced, Time},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::AccountIdConversion;
	use valley_primitives::{CollectibleStock, VehicleRegistry};

	use super::*;

	/// Balances of the Stone currency.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
	/// A catalogue item as stored.
	pub type ItemOf<T> = Item<BalanceOf<T>, BoundedVec<u8, <T as Config>::NameLimit>>;
	/// A catalogue item's spec.
	pub type ItemSpecOf<T> = ItemSpec<BalanceOf<T>, BoundedVec<u8, <T as Config>::NameLimit>>;
	/// An order as stored.
	pub type OrderOf<T> =
		Order<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// Stones taken out of an account, to be burned.
	pub type CreditOf<T> =
		fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds Stones.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The price of an open or accepted order.
		#[codec(index = 0)]
		Order,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The Stone currency: prices are held, then burned or released.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// Burns the Stones of fulfilled orders, and counts them (the Stone pallet's
		/// `BurnTracker`).
		type Burn: OnUnbalanced<CreditOf<Self>>;
		/// Chain time, in milliseconds since the Unix epoch.
		type Time: Time<Moment = u64>;
		/// The vehicle registry: eligibility by a vehicle's registration time.
		type Vehicles: VehicleRegistry<Self::AccountId>;
		/// The editions of artworks the catalogue holds: digital collectibles.
		type Collectibles: CollectibleStock<Self::AccountId>;
		/// Sets items and names the service desk.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The catalogue's account: it holds the editions of digital collectibles.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// The longest item name, in bytes.
		#[pallet::constant]
		type NameLimit: Get<u32>;
		/// Blocks the desk has to accept an order before it expires and is refunded.
		#[pallet::constant]
		type AcceptWindow: Get<BlockNumberFor<Self>>;
		/// The most orders placed in one block (and so expiring in one block).
		#[pallet::constant]
		type MaxOrdersPerBlock: Get<u32>;
		/// Weights of the calls and the expiry hook.
		type WeightInfo: WeightInfo;
		/// Sets chain time for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// The catalogue.
	#[pallet::storage]
	pub type Items<T: Config> = StorageMap<_, Twox64Concat, ItemId, ItemOf<T>, OptionQuery>;

	/// Every order, finished ones included (an account's history).
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Twox64Concat, OrderId, OrderOf<T>, OptionQuery>;

	/// Each account's orders.
	#[pallet::storage]
	pub type OrdersOf<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, OrderId, (), OptionQuery>;

	/// Orders open or accepted: the desk's work.
	#[pallet::storage]
	pub type Unfinished<T: Config> = StorageMap<_, Twox64Concat, OrderId, (), OptionQuery>;

	/// How many of an item an account has open, accepted or fulfilled: its per-account limit.
	#[pallet::storage]
	pub type Redeemed<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ItemId, u32, ValueQuery>;

	/// The open orders expiring at the start of each block.
	#[pallet::storage]
	pub type ExpiringAt<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<OrderId, T::MaxOrdersPerBlock>,
		ValueQuery,
	>;

	/// The next order's number.
	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	/// The service desk's accounts (besides the admin origin).
	#[pallet::storage]
	pub type Desks<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The catalogue at genesis.
		pub items: Vec<(ItemId, GenesisItem<BalanceOf<T>>)>,
		/// The service desk's accounts.
		pub desks: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (id, item) in &self.items {
				let spec = item.clone().map_name(|name| {
					BoundedVec::try_from(name).expect("a genesis item's name fits")
				});
				Pallet::<T>::do_set_item(*id, spec).expect("genesis items are valid");
			}
			for desk in &self.desks {
				Desks::<T>::insert(desk, ());
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The admin set a catalogue item.
		ItemSet { item: ItemId, price: BalanceOf<T>, stock: u32 },
		/// The admin added an account to the service desk, or removed it.
		DeskSet { who: T::AccountId, allowed: bool },
		/// An owner redeemed an item: its price is held, the order open.
		Redeemed { order: OrderId, item: ItemId, who: T::AccountId, price: BalanceOf<T> },
		/// The desk accepted an order.
		OrderAccepted { order: OrderId },
		/// An order was fulfilled: its Stones were burned.
		OrderFulfilled { order: OrderId, burned: BalanceOf<T> },
		/// A digital collectible was handed over for an order.
		CollectibleDelivered { order: OrderId, artwork: u32, edition: u32 },
		/// The desk rejected an order: its Stones were released, the stock returned.
		OrderRejected { order: OrderId, refunded: BalanceOf<T> },
		/// The owner cancelled an order: its Stones were released, the stock returned.
		OrderCancelled { order: OrderId, refunded: BalanceOf<T> },
		/// An order was not accepted in time: its Stones were released, the stock returned.
		OrderExpired { order: OrderId, refunded: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such item.
		UnknownItem,
		/// No such order.
		UnknownOrder,
		/// The item is out of stock.
		OutOfStock,
		/// The account has redeemed the item as often as one account may.
		OverLimit,
		/// The item cannot be redeemed now: outside its active window.
		NotActive,
		/// The item is for owners of a registered vehicle, and the account owns none.
		NoVehicle,
		/// The item is for owners of a vehicle registered longer ago.
		VehicleTooNew,
		/// The account's free Stones (keeping the minimum balance) do not cover the price.
		InsufficientStones,
		/// `MaxOrdersPerBlock` orders were placed in this block already: redeem in the next.
		BlockFull,
		/// The order is not the signer's.
		NotYours,
		/// The signer is not the service desk.
		NotDesk,
		/// The desk accepted the order already: only the desk fulfils or rejects it now.
		AlreadyAccepted,
		/// The order was fulfilled, rejected, cancelled or expired already.
		AlreadyFinished,
		/// An item's name is empty.
		BadName,
		/// A price below the minimum balance.
		BadPrice,
		/// The window ends before it starts.
		BadWindow,
		/// On-chain delivery is for digital collectibles only.
		BadDelivery,
		/// The catalogue holds fewer editions of the artwork than the stock.
		NotEnoughEditions,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Refunds the orders expiring at the start of this block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::expire(now)
		}

		fn integrity_test() {
			assert!(T::MaxOrdersPerBlock::get() > 0, "orders must be possible");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets a catalogue item, new or existing (its open and fulfilled orders stay counted;
		/// `stock` is what can be redeemed from now on). The admin only.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_item())]
		pub fn set_item(origin: OriginFor<T>, item: ItemId, spec: ItemSpecOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_item(item, spec)
		}

		/// Adds an account to the service desk (it accepts, fulfils and rejects orders), or
		/// removes it. The admin only.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_desk())]
		pub fn set_desk(origin: OriginFor<T>, who: T::AccountId, allowed: bool) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			if allowed {
				Desks::<T>::insert(&who, ());
			} else {
				Desks::<T>::remove(&who);
			}
			Self::deposit_event(Event::DeskSet { who, allowed });
			Ok(())
		}

		/// Redeems an item: holds its price and opens an order for the desk, or, for a digital
		/// collectible, hands over an edition and burns the price at once. Charged the larger
		/// case up front; a desk item is refunded the difference.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::redeem_desk().max(T::WeightInfo::redeem_collectible()))]
		pub fn redeem(origin: OriginFor<T>, item: ItemId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (_, delivery) = Self::do_redeem(who, item)?;
			let used = match delivery {
				Delivery::Desk => T::WeightInfo::redeem_desk(),
				Delivery::Collectible { .. } => T::WeightInfo::redeem_collectible(),
			};
			Ok(Some(used).into())
		}

		/// Cancels an order the desk has not accepted: its Stones are released. The owner only.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel())]
		pub fn cancel(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(record.who == who, Error::<T>::NotYours);
			Self::ensure_open(&record)?;
			Self::refund(order, record, OrderState::Cancelled)
		}

		/// Accepts an order: it no longer expires, and the owner can no longer cancel it. The
		/// desk only.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::accept())]
		pub fn accept(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			Self::ensure_desk(origin)?;
			let mut record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			Self::ensure_open(&record)?;
			Self::unschedule(order, &record);
			record.state = OrderState::Accepted;
			record.updated_at = frame_system::Pallet::<T>::block_number();
			Orders::<T>::insert(order, record);
			Self::deposit_event(Event::OrderAccepted { order });
			Ok(())
		}

		/// Marks an order delivered: its held Stones are burned. The desk only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::fulfil())]
		pub fn fulfil(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			Self::ensure_desk(origin)?;
			let record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(record.state.is_unfinished(), Error::<T>::AlreadyFinished);
			Self::unschedule(order, &record);
			Self::do_fulfil(order, record)
		}

		/// Refuses an order: its Stones are released and the stock returned. The desk only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::reject())]
		pub fn reject(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			Self::ensure_desk(origin)?;
			let record = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(record.state.is_unfinished(), Error::<T>::AlreadyFinished);
			Self::unschedule(order, &record);
			Self::refund(order, record, OrderState::Rejected)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The catalogue's account: it holds the editions of digital collectibles.
		pub fn account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The admin origin, or a signed account of the desk.
		pub(crate) fn ensure_desk(origin: OriginFor<T>) -> DispatchResult {
			if T::AdminOrigin::try_origin(origin.clone()).is_ok() {
				return Ok(());
			}
			let who = ensure_signed(origin)?;
			ensure!(Desks::<T>::contains_key(&who), Error::<T>::NotDesk);
			Ok(())
		}

		/// Takes an open order off the list of the block it would expire in.
		pub(crate) fn unschedule(order: OrderId, record: &OrderOf<T>) {
			if record.state == OrderState::Open {
				ExpiringAt::<T>::mutate(record.expires_at, |ids| ids.retain(|id| *id != order));
			}
		}

		/// An order the owner can still cancel and the desk accept.
		pub(crate) fn ensure_open(record: &OrderOf<T>) -> DispatchResult {
			match record.state {
				OrderState::Open => Ok(()),
				OrderState::Accepted => Err(Error::<T>::AlreadyAccepted.into()),
				_ => Err(Error::<T>::AlreadyFinished.into()),
			}
		}

		/// Chain time now, in milliseconds.
		pub(crate) fn now_ms() -> u64 {
			T::Time::now()
		}
	}
}

/// What the benchmarks need of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Sets chain time to `ms` (milliseconds since the Unix epoch).
	fn set_now_ms(ms: u64);
}
