//! Runtime API of the Stone pallet: where the mining schedule stands and what the pools hold.

#![cfg_attr(not(feature = "std"), no_std)]

use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The state of STONE issuance.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct StoneInfo<Balance> {
	/// The index of the next batch to close.
	pub current_batch: u64,
	/// When it closes (milliseconds since the Unix epoch); 0 before mining starts.
	pub next_batch_time: u64,
	/// What the current batch carries.
	pub current_reward: Balance,
	/// What will carry over into the current batch from earlier ones.
	pub carried_over: Balance,
	/// The first batch of the next halving era.
	pub next_halving_batch: u64,
	/// When that batch opens (milliseconds since the Unix epoch); 0 before mining starts.
	pub next_halving_time: u64,
	/// Minted from the mileage mining pool.
	pub mining_minted: Balance,
	/// What the mileage mining pool can still mint.
	pub mining_remaining: Balance,
	/// Minted from the educational pool.
	pub education_minted: Balance,
	/// Set aside in the educational pool.
	pub education_reserved: Balance,
	/// What the educational pool can still mint or reserve.
	pub education_remaining: Balance,
	/// Whether ordinary accounts may transfer Stones to each other.
	pub transfers_enabled: bool,
	/// The mileage mining pool's cap (a chain parameter set in genesis).
	pub mining_cap: Balance,
	/// The educational pool's cap (a chain parameter set in genesis).
	pub education_cap: Balance,
	/// The length of a batch's window in milliseconds.
	pub batch_length: u64,
	/// How many batches each halving era lasts.
	pub halving_interval: u64,
}

sp_api::decl_runtime_apis! {
	/// Queries of STONE issuance.
	pub trait StoneApi<Balance> where Balance: codec::Codec {
		/// The batch schedule and the pools.
		fn stone_info() -> StoneInfo<Balance>;
	}
}
