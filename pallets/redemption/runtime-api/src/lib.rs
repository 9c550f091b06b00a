//! Runtime API of the redemption pallet: the catalogue with its stock and, for an account,
//! whether it can redeem each item now (and why not); an account's orders, its history; the
//! orders waiting for the service desk.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_redemption::{CatalogueEntry, Order, OrderId, OrderState, Refusal};

sp_api::decl_runtime_apis! {
	/// Reads of the catalogue and its orders.
	pub trait RedemptionApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Every item; with `who`, whether it can redeem each now and how often it has.
		fn catalogue(who: Option<AccountId>) -> Vec<CatalogueEntry<Balance>>;
		/// `who`'s orders, newest first: open, accepted and finished.
		fn orders_of(who: AccountId) -> Vec<(OrderId, Order<AccountId, Balance, BlockNumber>)>;
		/// The orders the desk has to accept, fulfil or reject, oldest first.
		fn unfinished_orders() -> Vec<(OrderId, Order<AccountId, Balance, BlockNumber>)>;
	}
}
