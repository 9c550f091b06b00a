//! Runtime API of the crystals pallet: the prize tables with their remaining stock (public, so
//! that anyone can compute the odds of a box), and an account's crystals, eggs, Stone pieces and
//! pending box openings.
//!
//! The prize types live here and the pallet stores them as they are, so that what the API returns
//! is exactly what the chain draws from.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Crystals: non-transferable points awarded for tasks.
pub type Crystals = u64;
/// The id of a task kind (registering, posting, a driving scenario, …).
pub type TaskKindId = u32;
/// The id of a box kind (a blind box bought with crystals, or an egg granted by a task).
pub type BoxKindId = u32;
/// The index of a box opening, in request order: openings are drawn in this order.
pub type RequestIndex = u64;

/// What a box can hold.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Prize<Balance> {
	/// Nothing: better luck next time.
	Nothing,
	/// An amount of Stones, minted from the educational pool. Only owners of a registered vehicle
	/// can win it.
	Stones(Balance),
	/// A number of Stone pieces; `PiecesPerStone` of them combine into one Stone.
	Pieces(u32),
}

/// One line of a prize table: a prize and how many of it are left.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct PrizeSlot<Balance> {
	/// The prize.
	pub prize: Prize<Balance>,
	/// How many are left; the chance of drawing this prize is `stock` over the stock of every
	/// prize the opener can win.
	pub stock: u32,
}

/// A box kind and its prize table, as anyone can read it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PrizeTable<Balance> {
	/// The box kind.
	pub kind: BoxKindId,
	/// Its display name (UTF-8).
	pub name: Vec<u8>,
	/// The crystals a blind box of this kind costs; `None` for a kind opened only with eggs.
	pub price: Option<Crystals>,
	/// The prizes and their remaining stock.
	pub prizes: Vec<PrizeSlot<Balance>>,
}

/// A box opening waiting for the randomness of the next block.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PendingOpen<BlockNumber> {
	/// Its index in the queue.
	pub request: RequestIndex,
	/// The box kind.
	pub kind: BoxKindId,
	/// Whether it was paid with an egg (or with crystals).
	pub with_egg: bool,
	/// The block at whose end the prize is drawn, with that block's randomness: the block after
	/// the request (event `BoxOpened` in that block's finalization phase).
	pub draws_at: BlockNumber,
}

/// What an account holds in educational mining.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct AccountHoldings<BlockNumber> {
	/// Its crystals.
	pub crystals: Crystals,
	/// Its unopened eggs per box kind.
	pub eggs: Vec<(BoxKindId, u32)>,
	/// Its Stone pieces not yet combined.
	pub pieces: u32,
	/// Its openings waiting to be drawn.
	pub pending: Vec<PendingOpen<BlockNumber>>,
}

sp_api::decl_runtime_apis! {
	/// Queries of educational mining.
	pub trait CrystalsApi<AccountId, Balance, BlockNumber> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// Every box kind with its prize table and remaining stock.
		fn prize_tables() -> Vec<PrizeTable<Balance>>;
		/// What `who` holds: crystals, eggs, Stone pieces and pending openings.
		fn holdings(who: AccountId) -> AccountHoldings<BlockNumber>;
		/// How many Stone pieces combine into one Stone.
		fn pieces_per_stone() -> u32;
	}
}
