//! The mileage pallet's types and constants.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use valley_primitives::BatchIndex;

/// A vehicle's pseudonymous id: a hash of its VIN (never the VIN itself).
pub type VehicleId = sp_core::H256;
/// Kilometres (odometer readings, distances).
pub type Km = u32;
/// Days since the Unix epoch (chain time / 24 h).
pub type Day = u32;
/// A vehicle's position in the draw trees, from 1 to `MaxVehicles`.
pub type Slot = u32;

/// The window of a vehicle's weight: 720 hours, as 30 daily buckets.
pub const WINDOW_DAYS: u32 = 30;
/// One day of chain time, in milliseconds.
pub const DAY_MS: u64 = 24 * HOUR_MS;
/// One hour of chain time, in milliseconds.
pub const HOUR_MS: u64 = 3_600_000;

/// The day that chain time `now` (milliseconds since the Unix epoch) falls in.
pub fn day_of(now: u64) -> Day {
	(now / DAY_MS).min(Day::MAX as u64) as Day
}

/// Whether `day` is inside the window that ends with `today`.
pub fn in_window(day: Day, today: Day) -> bool {
	day <= today && today - day < WINDOW_DAYS
}

/// An accepted odometer reading.
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
pub struct Reading {
	/// The odometer, in kilometres.
	pub odometer: Km,
	/// When it was accepted (or last confirmed), in milliseconds since the Unix epoch.
	pub at: u64,
}

/// What a vehicle drove on one day.
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
pub struct DayMileage {
	/// The day.
	pub day: Day,
	/// Kilometres accepted that day.
	pub km: Km,
	/// What they add to the vehicle's weight: capped per day, scaled by the behaviour factor.
	pub weight: u32,
}

/// A registered vehicle.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Vehicle<AccountId> {
	/// Its current owner, who receives its rewards.
	pub owner: AccountId,
	/// When it starts mining, in milliseconds since the Unix epoch; readings before are refused.
	pub activation: u64,
	/// Its position in the draw trees.
	pub slot: Slot,
	/// The behaviour factor (traffic violations, insurance claims) scaling the weight of the
	/// kilometres it drives.
	pub behaviour: Perbill,
	/// The last accepted odometer reading; the first one is the baseline.
	pub last_reading: Option<Reading>,
	/// Its mileage per day, oldest first; days that left the window are dropped on the next
	/// reading.
	pub days: BoundedVec<DayMileage, ConstU32<WINDOW_DAYS>>,
}

impl<AccountId> Vehicle<AccountId> {
	/// Its weight on the days of the window that ends with `today`.
	pub fn weights_in_window(&self, today: Day) -> impl Iterator<Item = (Day, u64)> + '_ {
		self.days
			.iter()
			.filter(move |d| d.weight > 0 && in_window(d.day, today))
			.map(|d| (d.day, d.weight as u64))
	}

	/// Its weight: the sum over the window that ends with `today`.
	pub fn weight(&self, today: Day) -> u64 {
		self.weights_in_window(today).map(|(_, w)| w).sum()
	}

	/// The last day on which it gained weight.
	pub fn last_active_day(&self) -> Option<Day> {
		self.days.iter().rev().find(|d| d.weight > 0).map(|d| d.day)
	}
}

/// A node of a day's draw tree (a Fenwick tree over vehicle slots). A node tagged with another
/// day than the tree's holds a stale sum and reads as zero: a tree is emptied for a new day by
/// changing its tag, without touching its nodes.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct TreeNode {
	/// The day whose weights the sum counts.
	pub day: Day,
	/// The sum of the weights of the slots the node covers.
	pub sum: u64,
}

impl TreeNode {
	/// The node's sum in `day`'s tree: zero if it still counts an earlier day.
	pub fn sum_on(&self, day: Day) -> u64 {
		if self.day == day {
			self.sum
		} else {
			0
		}
	}
}

/// One day of the window, over all vehicles.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct DaySummary {
	/// The day; an entry for another day than the one asked about counts as empty.
	pub day: Day,
	/// The weight all vehicles gained that day.
	pub weight: u64,
	/// How many vehicles gained weight last on this day.
	pub last_active: u32,
}

/// The window's days, at `day % WINDOW_DAYS`.
pub type WindowDays = [DaySummary; WINDOW_DAYS as usize];

/// `day`'s entry of the window, unless its place still holds another day.
pub fn day_entry(window: &mut WindowDays, day: Day) -> Option<&mut DaySummary> {
	Some(&mut window[(day % WINDOW_DAYS) as usize]).filter(|entry| entry.day == day)
}

/// Why an odometer reading was refused.
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
pub enum RejectReason {
	/// No vehicle is registered under this id.
	UnknownVehicle,
	/// The vehicle's activation time has not come yet.
	NotActive,
	/// The odometer is below the last accepted reading.
	OdometerDecreased,
	/// The distance since the last accepted reading is more than the vehicle can have driven in
	/// the time between them.
	ImplausibleIncrement,
}

/// A closed batch whose winners are drawn in the same block's `on_poll`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PendingBatch<Balance, BlockNumber> {
	/// The batch.
	pub batch: BatchIndex,
	/// What it hands out.
	pub amount: Balance,
	/// Vehicles with a positive weight when it closed.
	pub participants: u32,
	/// The day it closed on: the window drawn from ends with it.
	pub day: Day,
	/// The block in which it closed: the weights are those at its start, the randomness must be
	/// of this block or later.
	pub frozen_at: BlockNumber,
}

/// What a block's `on_poll` decided for the batch it took up; the same block's `on_finalize`
/// carries it out (mints and events), so that the outcome is the block's own, never listed under
/// one of its transactions.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxWinners))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub enum DrawOutcome<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxWinners: Get<u32>,
> {
	/// Drawn: these vehicles won, each paid to the owner it had when drawn.
	Drawn {
		pending: PendingBatch<Balance, BlockNumber>,
		winners: BoundedVec<(VehicleId, AccountId), MaxWinners>,
	},
	/// Not drawn (no randomness after the freeze, or no weight): the amount carries over.
	Deferred { batch: BatchIndex, amount: Balance },
}

/// One winner of a batch: the vehicle, its owner at payout and what was paid (the runtime API's
/// type, stored as is).
pub type Winner<AccountId, Balance> =
	pallet_mileage_runtime_api::Winner<VehicleId, AccountId, Balance>;

/// The outcome of one batch.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxWinners))]
pub struct BatchOutcome<AccountId, Balance, MaxWinners>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxWinners: Get<u32>,
{
	/// The block whose weights and randomness decided it.
	pub block: u32,
	/// What was handed out; zero when nobody drove and the reward carried over.
	pub amount: Balance,
	/// Vehicles with a positive weight when it closed.
	pub participants: u32,
	/// The winners, in the order drawn.
	pub winners: BoundedVec<Winner<AccountId, Balance>, MaxWinners>,
}

/// The readings an oracle operator's off-chain worker sends: the telematics service's readings
/// after sequence number `after` up to and including `upto`, as each vehicle's latest odometer.
/// Signed with the operator's oracle key ([`crate::crypto`]); the chain takes it only when
/// `after` is the operator's [`crate::FeedCursor`], so that no reading is fed twice or skipped.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxFeed))]
pub struct FeedPayload<OracleId, MaxFeed>
where
	OracleId: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxFeed: Get<u32>,
{
	/// The operator's oracle key.
	pub operator: OracleId,
	/// The service's sequence number up to which earlier feeds went (the operator's cursor).
	pub after: u64,
	/// The sequence number of the last reading this feed covers: the operator's next cursor.
	pub upto: u64,
	/// Each vehicle's latest odometer in the readings covered.
	pub values: BoundedVec<(VehicleId, Km), MaxFeed>,
}
