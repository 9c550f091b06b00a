//! # Stone
//!
//! IM Valley's monetary policy for STONE, the chain's native token.
//!
//! ## Overview
//!
//! - A hard cap in two pools that are never minted beyond: the mileage mining pool
//!   ([`MiningCap`], 210,000,000 STONE on IM Valley) and the educational pool ([`EducationCap`],
//!   90,000,000 STONE). Both are chain parameters set in genesis, with the schedule, so one runtime
//!   serves any programme of this kind. Endowments at genesis are outside the cap and recorded in
//!   [`GenesisIssuance`].
//! - Mining batches close every [`ScheduleParams::batch_length`] of chain time from the mining
//!   start. Batch `i` carries `initial_reward >> (i / halving_interval)` ([`schedule`]). A closed
//!   batch's reward, plus what earlier batches carried over up to [`Config::MaxBatchMultiple`]
//!   times its reward, goes to [`Config::Distributor`]; what it does not take, and what was
//!   carried over beyond that bound, carries over (an outage followed by one draw cannot pay
//!   days of batches at once). After a stall, overdue batches close one per block.
//! - Educational mining mints through [`valley_primitives::EducationPool`], refusing anything
//!   beyond the pool with [`Error::EducationPoolExhausted`].
//! - Stones are bound to their account: the runtime's call filter asks [`TransfersEnabled`],
//!   which only the root origin switches ([`Pallet::set_transfers_enabled`]).
//!
//! ## Invariants (`try_state`)
//!
//! - the mining pool is not empty, and the whole schedule never releases more than it;
//! - minted per pool ≤ its cap;
//! - released = paid + carried over + outstanding (taken on by the distributor, not yet paid);
//! - total issuance + tracked burns = genesis issuance + minted.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod batches;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
mod pools;
pub mod schedule;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use pools::BurnTracker;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, Time},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Saturating;
	use valley_primitives::{BatchDistributor, BatchIndex, EducationReservations};

	/// The in-code storage version: 1, the pools' caps in storage (0: `Config` constants).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// STONE: minted from the pools.
		type Currency: fungible::Mutate<Self::AccountId> + fungible::Balanced<Self::AccountId>;
		/// Chain time in milliseconds (pallet-timestamp).
		type Time: Time<Moment = u64>;
		/// Receives the reward of every closed mining batch (the mileage pallet).
		type Distributor: BatchDistributor<BalanceOf<Self>>;
		/// A batch hands out at most this many times its own reward: what earlier batches
		/// carried over beyond that stays carried over for the batches after it, so that an
		/// outage followed by one draw cannot pay days of batches at once.
		#[pallet::constant]
		type MaxBatchMultiple: Get<u32>;
		/// May move the mining start before mining has begun.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// What the educational pool's consumers (the crystals pallet) say they hold reserved:
		/// `try_state` checks it equals [`EducationReserved`].
		type EducationReservations: EducationReservations<BalanceOf<Self>>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The mining schedule: start, batch length, initial reward and halving interval.
	#[pallet::storage]
	pub type Schedule<T: Config> = StorageValue<_, ScheduleParams<BalanceOf<T>>, ValueQuery>;

	/// The mileage mining pool's cap: never minted beyond. A chain parameter, set in genesis.
	#[pallet::storage]
	pub type MiningCap<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The educational pool's cap: never minted or reserved beyond. A chain parameter, set in
	/// genesis.
	#[pallet::storage]
	pub type EducationCap<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The index of the next batch to close.
	#[pallet::storage]
	pub type NextBatch<T> = StorageValue<_, BatchIndex, ValueQuery>;

	/// The sum of the rewards of every closed batch.
	#[pallet::storage]
	pub type MiningReleased<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// What the mining pool has minted (paid to winners).
	#[pallet::storage]
	pub type MiningMinted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Released but not handed out: goes to the next batch.
	#[pallet::storage]
	pub type CarriedOver<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Taken on by the distributor and not yet paid or given back.
	#[pallet::storage]
	pub type Outstanding<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// What the educational pool has minted.
	#[pallet::storage]
	pub type EducationMinted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// What the educational pool has set aside for later minting (e.g. Stone pieces).
	#[pallet::storage]
	pub type EducationReserved<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Total issuance at genesis: endowments outside the caps.
	#[pallet::storage]
	pub type GenesisIssuance<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// STONE burned through [`BurnTracker`] (transaction fees, dust).
	#[pallet::storage]
	pub type Burned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Whether ordinary accounts may transfer Stones to each other.
	#[pallet::storage]
	pub type TransfersEnabled<T> = StorageValue<_, bool, ValueQuery>;

	/// A programme's monetary parameters: its pools and its schedule. The default is IM Valley's
	/// production programme; other programmes name their own.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The mileage mining pool's cap: the part of the hard cap mined by driving.
		pub mining_cap: BalanceOf<T>,
		/// The educational pool's cap: the rest of the hard cap.
		pub education_cap: BalanceOf<T>,
		/// The mining schedule. A `start` of 0 starts mining at the first block's time.
		pub schedule: ScheduleParams<BalanceOf<T>>,
		/// Whether Stones can be transferred between ordinary accounts from genesis on.
		pub transfers_enabled: bool,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		/// IM Valley's production programme in planck of twelve decimals: 210,000,000 and
		/// 90,000,000 STONE, ten-minute batches halving every 210,000 batches, the first era's
		/// reward such that the whole schedule releases the mining pool (Bitcoin's shape: 500
		/// STONE a batch).
		fn default() -> Self {
			let unit = BalanceOf::<T>::from(1_000_000u32).saturating_mul(1_000_000u32.into());
			let mining_cap = unit.saturating_mul(210_000_000u32.into());
			let eras_of_batches: BalanceOf<T> = (2 * HALVING_INTERVAL as u32).into();
			Self {
				mining_cap,
				education_cap: unit.saturating_mul(90_000_000u32.into()),
				schedule: ScheduleParams {
					start: 0,
					batch_length: TEN_MINUTES_MS,
					initial_reward: mining_cap / eras_of_batches,
					halving_interval: HALVING_INTERVAL,
				},
				transfers_enabled: false,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Err(e) = Pallet::<T>::check_schedule(&self.schedule, self.mining_cap) {
				panic!("invalid Stone schedule in genesis: {e:?}");
			}
			MiningCap::<T>::put(self.mining_cap);
			EducationCap::<T>::put(self.education_cap);
			Schedule::<T>::put(&self.schedule);
			TransfersEnabled::<T>::put(self.transfers_enabled);
			GenesisIssuance::<T>::put(<T::Currency as fungible::Inspect<_>>::total_issuance());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A mining batch closed: `reward` released, `distributed` handed to the distributor,
		/// `carried_over` left for the next batch.
		BatchClosed {
			index: BatchIndex,
			reward: BalanceOf<T>,
			distributed: BalanceOf<T>,
			carried_over: BalanceOf<T>,
		},
		/// From batch `batch` on, every batch carries `reward`.
		HalvingReached { batch: BatchIndex, reward: BalanceOf<T> },
		/// A pool has nothing left to mint.
		PoolExhausted { pool: Pool },
		/// Mining started (or was moved) to `start`.
		MiningStartSet { start: u64 },
		/// Stones minted from the mining pool to a batch winner.
		MiningRewardPaid { batch: BatchIndex, who: T::AccountId, amount: BalanceOf<T> },
		/// Stones minted from the educational pool.
		EducationMinted { who: T::AccountId, amount: BalanceOf<T> },
		/// Transfers between ordinary accounts were opened or closed.
		TransfersSwitched { enabled: bool },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Mining has begun: its start can no longer move.
		MiningAlreadyStarted,
		/// The start lies in the past: pick a time after the current block's.
		StartInThePast,
		/// A batch length or halving interval of zero: both must be positive.
		ZeroScheduleParameter,
		/// The schedule would release more than the mining pool: lower the reward or interval.
		ScheduleExceedsPool,
		/// More than the distributor took on and still owes.
		PayoutExceedsOutstanding,
		/// Minting would exceed the mining pool.
		MiningPoolExhausted,
		/// Minting or reserving would exceed the educational pool.
		EducationPoolExhausted,
		/// More than is reserved in the educational pool.
		ReservationExceeded,
		/// The mining pool's cap is zero: give the programme a mining pool.
		EmptyMiningPool,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::close_due_batch()
		}

		fn integrity_test() {
			assert!(T::MaxBatchMultiple::get() >= 1, "a batch hands out at least its own reward");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets when mining starts (milliseconds since the Unix epoch). Only before the first
		/// batch has closed and before the current start; the admin origin.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_mining_start())]
		pub fn set_mining_start(origin: OriginFor<T>, start: u64) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_mining_start(start)
		}

		/// Opens (`true`) or closes transfers of Stones between ordinary accounts. Root only.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_transfers_enabled())]
		pub fn set_transfers_enabled(origin: OriginFor<T>, enabled: bool) -> DispatchResult {
			ensure_root(origin)?;
			TransfersEnabled::<T>::put(enabled);
			Self::deposit_event(Event::TransfersSwitched { enabled });
			Ok(())
		}
	}
}
