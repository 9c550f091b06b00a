//! Types of the Stone pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::fungible;
use scale_info::TypeInfo;
use valley_primitives::BatchIndex;

/// STONE balances.
pub type BalanceOf<T> = <<T as crate::Config>::Currency as fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// Ten minutes of chain time: IM Valley's batch length.
pub const TEN_MINUTES_MS: u64 = 10 * 60 * 1000;
/// 210,000 batches of ten minutes, about four years: IM Valley's halving interval.
pub const HALVING_INTERVAL: BatchIndex = 210_000;

/// The mining schedule.
#[derive(
	Clone,
	Default,
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
pub struct ScheduleParams<Balance> {
	/// When batch 0's window opens, in milliseconds since the Unix epoch; 0 until mining starts
	/// (a genesis value of 0 starts it at the first block's time).
	pub start: u64,
	/// The length of a batch's window in milliseconds.
	pub batch_length: u64,
	/// The reward of each batch of the first halving era.
	pub initial_reward: Balance,
	/// How many batches each halving era lasts.
	pub halving_interval: BatchIndex,
}

/// One of the two pools of the hard cap.
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
)]
pub enum Pool {
	/// The mileage mining pool.
	Mining,
	/// The educational pool.
	Education,
}
