//! # Mileage
//!
//! IM Valley's mileage mining: registered vehicles, odometer readings fed by oracle operators,
//! each vehicle's mileage over the trailing 720 hours, and the weighted draw of every batch's
//! winners.
//!
//! ## Overview
//!
//! - **Vehicles** are registered by an oracle operator or the admin ([`Config::RegistrarOrigin`])
//!   under a pseudonymous id (a hash of the VIN), with an owner and an activation time. Owners
//!   may pass a vehicle on ([`Pallet::transfer_vehicle`]); rewards always go to the owner at
//!   payout.
//! - **Readings** arrive through `pallet-oracle`: operators (a `pallet-membership` set managed by
//!   the admin) feed odometers for many vehicles in one fee-free extrinsic, at most once per
//!   block; the accepted odometer is the median of the operators' fresh readings. This pallet is
//!   the oracle's `OnNewData` hook: it checks each new median against the vehicle's last accepted
//!   reading ([`rules::check_reading`]) and emits [`Event::ReadingAccepted`] or
//!   [`Event::ReadingRejected`] with a [`RejectReason`].
//! - **Weight.** A vehicle's weight is the kilometres accepted over the last 30 days (daily
//!   buckets, each capped at [`Config::DailyCapKm`]), scaled by its behaviour factor, which
//!   oracles lower for traffic violations and insurance claims ([`Pallet::report_behaviour`]).
//! - **Draw.** The Stone pallet hands every closed batch to this pallet
//!   ([`valley_primitives::BatchDistributor`]), in `on_initialize`. The weights are frozen there:
//!   the draw runs in the same block's `on_poll`, after the block's inherents (so the block's
//!   randomness is known) and before any transaction. It draws `N` distinct vehicles with
//!   probability proportional to weight ([`sampling::draw`]), `N` being [`Config::WinnerShare`]
//!   of the participants, at most [`Config::MaxWinners`], and reads their owners; the same block's
//!   `on_finalize` splits the batch evenly between them and pays those owners through
//!   [`valley_primitives::MiningPayout`] ([`DrawnThisBlock`] holds the draw in between). So the
//!   outcome is the block's own — `VehicleWon`, `BatchDrawn` and the mints are events of the
//!   block's finalization, never listed under one of its transactions — and no transaction of
//!   the block redirects a win. A batch nobody drove for carries over. While a multi-block
//!   migration runs, `on_poll` does not: the batch stays pending and is drawn by the next
//!   block's `on_poll` (no transaction changed the weights meanwhile), or handed back to carry
//!   over when the next batch closes.
//!
//! ## Implementation notes
//!
//! The window is kept current without ever sweeping over vehicles. Each day of the window has its
//! own Fenwick tree over vehicle slots ([`DrawTree`]), keyed by `day % 30`; nodes carry the day
//! they count, so a tree is emptied for a new day by the day changing, and mileage ages out of the
//! window by itself, also for cars that stopped reporting. An accepted reading updates one tree:
//! `log2(MaxVehicles) + 1` nodes. A draw reads as many per winner. [`WindowSummary`] holds each
//! day's total weight and, for the participant count, how many vehicles were last active that day.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod draws;
#[cfg(test)]
mod feed_tests;
mod feeds;
#[cfg(test)]
mod mock;
pub mod offchain;
mod readings;
pub mod rules;
pub mod sampling;
pub mod telematics;
#[cfg(test)]
mod tests;
pub mod types;
mod vehicles;
pub mod weights;

pub use feeds::{FEED_LONGEVITY, FEED_PRIORITY};
pub use offchain::crypto;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Feeds odometer readings into the oracle on an operator's behalf (pallet-oracle's
/// `feed_values`, implemented below for `pallet_oracle::Pallet`).
pub trait OracleFeeder<AccountId> {
	/// The most values one feed may hold.
	fn max_values() -> u32;
	/// Feeds `values` as `operator`'s readings; fails, changing nothing, if the oracle refuses.
	fn feed(
		operator: AccountId,
		values: alloc::vec::Vec<(VehicleId, Km)>,
	) -> sp_runtime::DispatchResult;
}

impl<T, I> OracleFeeder<T::AccountId> for pallet_oracle::Pallet<T, I>
where
	T: pallet_oracle::Config<I, OracleKey = VehicleId, OracleValue = Km>,
	I: 'static,
{
	fn max_values() -> u32 {
		<T::MaxFeedValues as frame_support::traits::Get<u32>>::get()
	}

	fn feed(
		operator: T::AccountId,
		values: alloc::vec::Vec<(VehicleId, Km)>,
	) -> sp_runtime::DispatchResult {
		let values = frame_support::BoundedVec::try_from(values)
			.map_err(|_| sp_runtime::DispatchError::Exhausted)?;
		Self::feed_values(frame_system::RawOrigin::Signed(operator).into(), values)
			.map(|_| ())
			.map_err(|e| e.error)
	}
}

/// What the benchmarks need from the runtime around this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<Balance> {
	/// Feeds `odometer` for `vehicle` through the oracle, as an operator's feed would.
	fn feed(vehicle: VehicleId, odometer: Km);
	/// Makes the payout owe an amount for a batch, as if the Stone pallet had just closed one;
	/// returns the amount.
	fn take_on() -> Balance;
	/// Sets chain time, in milliseconds since the Unix epoch.
	fn set_time(now: u64);
	/// Registered vehicles and readings for the heaviest feed of `n` vehicles by an operator:
	/// the odometers to feed.
	fn heaviest_feed(n: u32) -> alloc::vec::Vec<(VehicleId, Km)>;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{tokens::Balance as BalanceT, Randomness, SortedMembers, Time},
		weights::WeightMeter,
	};
	use frame_system::{offchain::CreateAuthorizedTransaction, pallet_prelude::*};
	use sp_runtime::{traits::IdentifyAccount, Perbill, RuntimeAppPublic};
	use valley_primitives::MiningPayout;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + CreateAuthorizedTransaction<Call<Self>> {
		/// STONE amounts.
		type Balance: BalanceT;
		/// Pays winners out of the mileage mining pool (the Stone pallet).
		type Payout: MiningPayout<Self::AccountId, Self::Balance>;
		/// Chain time in milliseconds (pallet-timestamp).
		type Time: Time<Moment = u64>;
		/// Randomness of the current block, known only after its inherents (the beacon).
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// The accepted odometer of a vehicle: the median of the oracle operators' fresh readings
		/// (pallet-oracle).
		type Odometers: pallet_oracle::DataProvider<VehicleId, Km>;
		/// Registers and deregisters vehicles, reassigns owners and reports behaviour: oracle
		/// operators and the admin.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// How many vehicles the draw trees hold: a power of two.
		#[pallet::constant]
		type MaxVehicles: Get<u32>;
		/// The kilometres per day that count towards a vehicle's weight.
		#[pallet::constant]
		type DailyCapKm: Get<Km>;
		/// The highest average speed a reading may imply since the previous one, in km/h.
		#[pallet::constant]
		type MaxSpeedKmh: Get<Km>;
		/// Kilometres a reading may exceed that speed by (operators read at slightly different
		/// times).
		#[pallet::constant]
		type ToleranceKm: Get<Km>;
		/// The share of the participants that win each batch.
		#[pallet::constant]
		type WinnerShare: Get<Perbill>;
		/// The most winners of one batch.
		#[pallet::constant]
		type MaxWinners: Get<u32>;
		/// How many past batches keep their outcome in storage.
		#[pallet::constant]
		type HistoryDepth: Get<u32>;
		/// An oracle operator's key (key type `orcl`, [`crypto::Public`] on chain): it signs the
		/// off-chain worker's feeds; the operator is its account.
		type OracleId: Member
			+ Parameter
			+ MaxEncodedLen
			+ RuntimeAppPublic
			+ IdentifyAccount<AccountId = Self::AccountId>;
		/// The oracle operators (pallet-membership): only their keys' feeds are taken.
		type Operators: SortedMembers<Self::AccountId>;
		/// Feeds the readings of [`Pallet::submit_feed`] into the oracle (pallet-oracle).
		type Feeder: OracleFeeder<Self::AccountId>;
		/// The most vehicles in one feed of the off-chain worker: at most what the oracle takes
		/// in one feed.
		#[pallet::constant]
		type MaxFeed: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Feeds readings and funds draws in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::Balance>;
	}

	/// Registered vehicles.
	#[pallet::storage]
	pub type Vehicles<T: Config> =
		StorageMap<_, Blake2_128Concat, VehicleId, Vehicle<T::AccountId>, OptionQuery>;

	/// The vehicles each account owns.
	#[pallet::storage]
	pub type VehiclesOf<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		VehicleId,
		(),
		OptionQuery,
	>;

	/// The vehicle at each slot of the draw trees.
	#[pallet::storage]
	pub type VehicleAt<T: Config> = StorageMap<_, Twox64Concat, Slot, VehicleId, OptionQuery>;

	/// The highest slot handed out so far; the vehicles registered are this less
	/// [`FreeSlotCount`].
	#[pallet::storage]
	pub type HighestSlot<T: Config> = StorageValue<_, Slot, ValueQuery>;

	/// Slots freed by deregistered vehicles, as a stack: `FreeSlots[0..FreeSlotCount]`.
	#[pallet::storage]
	pub type FreeSlots<T: Config> = StorageMap<_, Twox64Concat, u32, Slot, OptionQuery>;

	/// How many slots [`FreeSlots`] holds.
	#[pallet::storage]
	pub type FreeSlotCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The draw trees: node `i` of the tree of day `d` at `(d % 30, i)`.
	#[pallet::storage]
	pub type DrawTree<T: Config> = StorageMap<_, Twox64Concat, (u8, u32), TreeNode, ValueQuery>;

	/// Each day of the window at `day % 30`: its total weight and how many vehicles were last
	/// active on it.
	#[pallet::storage]
	pub type WindowSummary<T: Config> = StorageValue<_, WindowDays, ValueQuery>;

	/// A batch closed in this block, drawn in this block's `on_poll`.
	#[pallet::storage]
	pub type PendingDraw<T: Config> =
		StorageValue<_, PendingBatch<T::Balance, BlockNumberFor<T>>, OptionQuery>;

	/// The draw this block's `on_poll` made, carried out (paid, or carried over) in its
	/// `on_finalize`: present only in between.
	#[pallet::storage]
	pub type DrawnThisBlock<T: Config> = StorageValue<
		_,
		DrawOutcome<T::AccountId, T::Balance, BlockNumberFor<T>, T::MaxWinners>,
		OptionQuery,
	>;

	/// The outcome of the last [`Config::HistoryDepth`] batches.
	#[pallet::storage]
	pub type BatchOutcomes<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BatchIndex,
		BatchOutcome<T::AccountId, T::Balance, T::MaxWinners>,
		OptionQuery,
	>;

	/// The last batch with an outcome.
	#[pallet::storage]
	pub type LastBatch<T: Config> = StorageValue<_, BatchIndex, OptionQuery>;

	/// Each oracle operator's cursor: the telematics service's sequence number up to which its
	/// off-chain worker has fed readings. Its next feed must continue from here.
	#[pallet::storage]
	pub type FeedCursor<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A vehicle was registered.
		VehicleRegistered { vehicle: VehicleId, owner: T::AccountId, activation: u64 },
		/// A vehicle changed owner.
		VehicleTransferred { vehicle: VehicleId, from: T::AccountId, to: T::AccountId },
		/// A vehicle was deregistered; its weight left the draw.
		VehicleDeregistered { vehicle: VehicleId, owner: T::AccountId },
		/// An odometer reading was accepted: `distance` kilometres since the last one (0 for the
		/// first, the baseline), adding `weight` to the vehicle's weight.
		ReadingAccepted { vehicle: VehicleId, odometer: Km, distance: Km, weight: u32 },
		/// An odometer reading was refused, for `reason`.
		ReadingRejected { vehicle: VehicleId, odometer: Km, reason: RejectReason },
		/// An oracle set a vehicle's behaviour factor, scaling the kilometres it drives from now.
		BehaviourReported { vehicle: VehicleId, factor: Perbill },
		/// A batch's winners were drawn among `participants` vehicles and paid `paid` in all.
		BatchDrawn { batch: BatchIndex, participants: u32, winners: u32, paid: T::Balance },
		/// A vehicle won a batch; its owner received `amount`.
		VehicleWon {
			batch: BatchIndex,
			vehicle: VehicleId,
			owner: T::AccountId,
			amount: T::Balance,
		},
		/// A batch could not be drawn fairly (no randomness after the freeze, or not enough block
		/// weight left); its amount carries over to the next batch.
		DrawDeferred { batch: BatchIndex, amount: T::Balance },
		/// An operator's off-chain worker fed the telematics readings after `after` up to
		/// `upto` (its new cursor): the latest odometer of `vehicles` vehicles.
		FeedSubmitted { operator: T::AccountId, after: u64, upto: u64, vehicles: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A vehicle with this id is already registered; one vehicle id, one registration.
		AlreadyRegistered,
		/// No vehicle is registered under this id; register it first.
		UnknownVehicle,
		/// Only the vehicle's owner (or an oracle or the admin) may do this.
		NotOwner,
		/// The vehicle already belongs to that account.
		SameOwner,
		/// The draw trees are full ([`Config::MaxVehicles`]); deregister vehicles first.
		TooManyVehicles,
		/// The feed does not continue from the operator's cursor ([`FeedCursor`]): it was fed
		/// already, or readings before it were not; fetch again from the cursor.
		FeedOutOfOrder,
		/// The feed covers no readings: its `upto` must be after its `after`.
		EmptyFeed,
		/// The feed's key is not an oracle operator's.
		NotOperator,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Draws the batch that closed in this block: after the inherents (the block's
		/// randomness is known), before any transaction (the weights are those of the block's
		/// start). The winners are paid in `on_finalize`, whose work this weighs too.
		fn on_poll(_n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			// Reading `PendingDraw`; a draw consumes its own benchmarked weight (including its
			// payment in `on_finalize`).
			meter.consume(T::DbWeight::get().reads(1));
			Self::draw_pending(meter);
		}

		/// Weighs `on_finalize`'s read of [`DrawnThisBlock`], made in every block; paying a draw
		/// is weighed where it is drawn (`on_poll`, the `draw` weight).
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads(1)
		}

		/// Pays what `on_poll` drew (or carries it over): the block's own events, in its
		/// finalization phase.
		fn on_finalize(n: BlockNumberFor<T>) {
			Self::settle_drawn(n);
		}

		fn offchain_worker(n: BlockNumberFor<T>) {
			Self::run_worker(n);
		}

		fn integrity_test() {
			assert!(
				T::MaxFeed::get() <= T::Feeder::max_values(),
				"a feed of MaxFeed vehicles must fit the oracle's"
			);
			assert!(T::MaxVehicles::get().is_power_of_two(), "MaxVehicles must be a power of two");
			assert!(T::MaxWinners::get() > 0, "a batch needs at least one winner");
			assert!(T::HistoryDepth::get() > 0, "keep at least the last batch");
			assert!(T::DailyCapKm::get() > 0, "a day's cap of 0 would weigh nothing");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a vehicle under `vehicle` (a hash of its VIN) for `owner`. It mines from
		/// `activation` (milliseconds since the Unix epoch; now if `None`); its first accepted
		/// reading is the baseline. Oracle operators and the admin only.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_vehicle())]
		pub fn register_vehicle(
			origin: OriginFor<T>,
			vehicle: VehicleId,
			owner: T::AccountId,
			activation: Option<u64>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_register(vehicle, owner, activation)
		}

		/// Passes a vehicle on to `new_owner` (a car sold): by its owner, an oracle or the admin.
		/// Rewards of later payouts go to the new owner.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::transfer_vehicle())]
		pub fn transfer_vehicle(
			origin: OriginFor<T>,
			vehicle: VehicleId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let by = Self::owner_or_registrar(origin)?;
			Self::do_transfer(vehicle, by, new_owner)
		}

		/// Deregisters a vehicle: by its owner, an oracle or the admin. Its weight leaves the draw
		/// at once.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister_vehicle())]
		pub fn deregister_vehicle(origin: OriginFor<T>, vehicle: VehicleId) -> DispatchResult {
			let by = Self::owner_or_registrar(origin)?;
			Self::do_deregister(vehicle, by)
		}

		/// Sets a vehicle's behaviour factor (100% for a clean record, lower after traffic
		/// violations or insurance claims): the kilometres it drives from now weigh that much.
		/// Oracle operators and the admin only.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::report_behaviour())]
		pub fn report_behaviour(
			origin: OriginFor<T>,
			vehicle: VehicleId,
			factor: Perbill,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_report_behaviour(vehicle, factor)
		}

		/// Feeds the odometers an oracle operator's off-chain worker read from the telematics
		/// service (see [`FeedPayload`]), signed with the operator's oracle key. Sent as a
		/// fee-free authorized transaction: valid only with a current operator's signature and
		/// continuing from its [`FeedCursor`], which it moves to `upto`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::submit_feed(feed.values.len() as u32))]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_submit_feed())]
		#[pallet::authorize(Pallet::<T>::authorize_feed)]
		pub fn submit_feed(
			origin: OriginFor<T>,
			feed: FeedPayload<T::OracleId, T::MaxFeed>,
			signature: <T::OracleId as RuntimeAppPublic>::Signature,
		) -> DispatchResult {
			ensure_authorized(origin)?;
			// Checked with the signature when the transaction was authorized.
			let _ = signature;
			Self::do_submit_feed(feed)
		}
	}

	impl<T: Config> Pallet<T> {
		/// `None` for an oracle or the admin, the signer otherwise.
		fn owner_or_registrar(origin: OriginFor<T>) -> Result<Option<T::AccountId>, DispatchError> {
			match T::RegistrarOrigin::try_origin(origin) {
				Ok(_) => Ok(None),
				Err(origin) => Ok(Some(ensure_signed(origin)?)),
			}
		}
	}
}
