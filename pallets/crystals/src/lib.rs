//! # Crystals
//!
//! IM Valley's educational mining: crystals for tasks, blind boxes and eggs drawn from public
//! prize tables with finite stock, and Stone pieces, all paid out of the educational pool.
//!
//! ## Overview
//!
//! - **Crystals** are non-transferable points. Task issuers (accounts the admin origin adds with
//!   [`Pallet::add_issuer`]) award them with [`Pallet::award`] for a task kind (registering,
//!   posting, sharing ideas, events, driving scenarios such as MOVING ART, BEST HIGHWAY, CITYLIFE,
//!   TechDay), configured by the admin with [`Pallet::set_task_kind`]: the crystals it pays, the
//!   egg it grants (scenario tasks), and how many awards one account can receive per period.
//!   Every award carries a unique [`Reference`]: a reference is paid once, ever.
//! - **Boxes.** Each box kind ([`Pallet::set_box_kind`]) has a price in crystals (a blind box) or
//!   none (opened only with eggs), and a **prize table**: prizes ([`Prize`]: Stones, Stone pieces
//!   or nothing) each with a finite stock. The chance of a prize is its remaining stock over the
//!   stock of every prize the opener can win; only owners of a registered vehicle
//!   ([`valley_primitives::VehicleOwners`]) can win Stones, others draw among the other prizes.
//!   The tables and their stock are public: storage [`PrizeTables`] and the runtime API
//!   (`pallet-crystals-runtime-api`).
//! - **Opening is two steps.** [`Pallet::open_box`] takes the payment (an egg of the kind if the
//!   account holds one, the price in crystals otherwise) and queues the opening; the prize is
//!   drawn with the randomness of block `request + RandomnessDelay`
//!   ([`valley_primitives::BlockRandomness`], the beacon), which nobody knew when the request was
//!   recorded. Openings resolve in first-in-first-out order in `on_poll`, at most
//!   [`Config::MaxResolvePerBlock`] per block; anyone can resolve a ready opening with
//!   [`Pallet::resolve_open`]. An opening whose box has nothing left to win by then is refunded.
//! - **Stone pieces**: [`Config::PiecesPerStone`] pieces combine into one Stone
//!   ([`Pallet::combine_pieces`]).
//! - **Fee-free for crystal holders.** `open_box`, `resolve_open` (by the owner) and
//!   `combine_pieces` are `#[pallet::feeless_if]` exactly when they will succeed (the runtime
//!   wraps its payment extension in `pallet_skip_feeless_payment::SkipCheckIfFeeless`), and every
//!   account with holdings here has a `sufficients` reference in `frame_system`, so an account
//!   with crystals and no Stones can sign.
//!
//! ## The educational pool
//!
//! Every Stone a box can give is set aside in the educational pool
//! ([`valley_primitives::EducationPool::reserve`]) when the admin stocks the table: a table is
//! worth the sum of each prize's value times its stock, a piece being worth
//! `StoneUnit / PiecesPerStone`. Setting a table reserves (or returns) the difference with the
//! table it replaces, and fails, changing nothing, beyond the pool. A Stone prize is minted out
//! of the reservation ([`valley_primitives::EducationPool::mint_reserved`]); won pieces stay
//! reserved until combined, when `PiecesPerStone` of them mint one `StoneUnit`. So no draw can
//! exceed the 90,000,000 STONE pool, and what this pallet holds reserved ([`Reserved`]) is always
//! the value of the stock left in the tables plus that of the pieces not yet combined.
//!
//! ## Randomness
//!
//! A request recorded in block `r` draws with the randomness of `r + RandomnessDelay` (at least
//! `r + 1`), mixed with the request's index so that openings in one block draw independently. If
//! that block's randomness is no longer kept (the beacon prunes its history after some hours,
//! which only a long backlog could reach), the opening draws with the randomness of the block
//! that resolves it (or its parent): still unknown when the request was recorded, so the opening
//! never gets stuck and stays unpredictable to the opener.
//!
//! ## Accounts with only crystals
//!
//! An account gets one `sufficients` reference when it first holds something here (crystals,
//! eggs, pieces or pending openings) and loses it when it holds nothing any more, so its nonce
//! lives as long as it has something to open or combine. Balances' existential deposit plays no
//! part: the reference does not depend on the Stones balance, and a Stone prize (at least one
//! existential deposit) gives the account its own provider reference from pallet-balances.
//!
//! ## Invariants (`try_state`)
//!
//! - crystals held plus crystals paid into pending openings = awarded − burned;
//! - an account has a holdings entry exactly when it holds something, and then a `sufficients`
//!   reference; its egg count is the sum of its eggs per kind; its pending openings are queued
//!   openings of its own, and every queued opening is in its owner's list;
//! - pieces held = [`TotalPieces`]; [`Reserved`] = value of the tables' stock + pieces × piece
//!   value.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod admin;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod boxes;
mod holdings;
#[cfg(any(test, feature = "try-runtime"))]
mod invariants;
#[cfg(test)]
mod mock;
pub mod odds;
mod queries;
mod tasks;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// What the benchmarks need from the runtime around this pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<BlockNumber, Hash> {
	/// Makes `randomness` the randomness of `block`, as the beacon would have recorded it.
	fn set_randomness(block: BlockNumber, randomness: Hash);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*, traits::tokens::Balance as BalanceT, weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use valley_primitives::{BlockRandomness, EducationPool, VehicleOwners};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// STONE amounts.
		type Balance: BalanceT;
		/// The educational pool (the Stone pallet): every prize is reserved in it and minted out
		/// of it.
		type Pool: EducationPool<Self::AccountId, Self::Balance>;
		/// The randomness of past blocks (the beacon).
		type Randomness: BlockRandomness<BlockNumberFor<Self>, Self::Hash>;
		/// Who owns a registered vehicle (the mileage pallet): only they can win Stones.
		type VehicleOwners: VehicleOwners<Self::AccountId>;
		/// Adds and removes task issuers, configures task kinds and box kinds.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// One Stone: what [`Config::PiecesPerStone`] pieces combine into.
		#[pallet::constant]
		type StoneUnit: Get<Self::Balance>;
		/// How many Stone pieces combine into one Stone; must divide [`Config::StoneUnit`].
		#[pallet::constant]
		type PiecesPerStone: Get<u32>;
		/// How many blocks after a request its prize is drawn: at least 1.
		#[pallet::constant]
		type RandomnessDelay: Get<BlockNumberFor<Self>>;
		/// The most prizes in one table.
		#[pallet::constant]
		type MaxPrizes: Get<u32>;
		/// The most openings one account can have waiting.
		#[pallet::constant]
		type MaxPendingPerAccount: Get<u32>;
		/// The most openings `on_poll` resolves in one block.
		#[pallet::constant]
		type MaxResolvePerBlock: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Sets block randomness in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<BlockNumberFor<Self>, Self::Hash>;
	}

	/// The task issuers: accounts that may award crystals and eggs.
	#[pallet::storage]
	pub type Issuers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The task kinds and what each award of them pays.
	#[pallet::storage]
	pub type TaskKinds<T: Config> =
		StorageMap<_, Twox64Concat, TaskKindId, TaskKind<BlockNumberFor<T>>, OptionQuery>;

	/// The box kinds: name and price. Their prize tables are in [`PrizeTables`].
	#[pallet::storage]
	pub type BoxKinds<T: Config> = StorageMap<_, Twox64Concat, BoxKindId, BoxKind, OptionQuery>;

	/// The prize table of each box kind, with each prize's remaining stock: public, the odds of
	/// every box follow from it.
	#[pallet::storage]
	pub type PrizeTables<T: Config> =
		StorageMap<_, Twox64Concat, BoxKindId, PrizeTableOf<T>, ValueQuery>;

	/// What each account holds: crystals, eggs, Stone pieces and pending openings. Present exactly
	/// while the account holds something.
	#[pallet::storage]
	pub type Holdings<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		AccountHoldings<T::MaxPendingPerAccount>,
		OptionQuery,
	>;

	/// Each account's unopened eggs per box kind (no entry for none).
	#[pallet::storage]
	pub type Eggs<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		BoxKindId,
		u32,
		ValueQuery,
	>;

	/// The references already paid, and the block each was paid in: never paid again.
	#[pallet::storage]
	pub type UsedReferences<T: Config> =
		StorageMap<_, Blake2_128Concat, Reference, BlockNumberFor<T>, OptionQuery>;

	/// How many awards of each task kind each account received in the current period.
	#[pallet::storage]
	pub type AwardCounts<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		TaskKindId,
		PeriodCount,
		ValueQuery,
	>;

	/// Openings waiting for their randomness, by index.
	#[pallet::storage]
	pub type OpenRequests<T: Config> = StorageMap<
		_,
		Twox64Concat,
		RequestIndex,
		OpenRequest<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The oldest opening `on_poll` has not passed yet: the head of the queue.
	#[pallet::storage]
	pub type QueueHead<T> = StorageValue<_, RequestIndex, ValueQuery>;

	/// The index the next opening gets: the tail of the queue.
	#[pallet::storage]
	pub type NextRequest<T> = StorageValue<_, RequestIndex, ValueQuery>;

	/// Crystals awarded since genesis.
	#[pallet::storage]
	pub type CrystalsAwarded<T> = StorageValue<_, Crystals, ValueQuery>;

	/// Crystals spent on boxes that were drawn (refunded openings give theirs back).
	#[pallet::storage]
	pub type CrystalsBurned<T> = StorageValue<_, Crystals, ValueQuery>;

	/// Stone pieces held by all accounts, not yet combined.
	#[pallet::storage]
	pub type TotalPieces<T> = StorageValue<_, u64, ValueQuery>;

	/// What this pallet holds reserved in the educational pool: the value of the prize tables'
	/// stock plus that of the pieces not yet combined.
	#[pallet::storage]
	pub type Reserved<T: Config> = StorageValue<_, T::Balance, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account became a task issuer.
		IssuerAdded { issuer: T::AccountId },
		/// An account is no longer a task issuer.
		IssuerRemoved { issuer: T::AccountId },
		/// A task kind was created or changed.
		TaskKindSet { kind: TaskKindId, task: TaskKind<BlockNumberFor<T>> },
		/// A task kind was removed: it can no longer be awarded.
		TaskKindRemoved { kind: TaskKindId },
		/// A box kind was created or changed, with this prize table; the pallet now holds
		/// `reserved` in the educational pool.
		BoxKindSet {
			kind: BoxKindId,
			price: Option<Crystals>,
			prizes: PrizeTableOf<T>,
			reserved: T::Balance,
		},
		/// A box kind was removed, its remaining stock returned to the educational pool.
		BoxKindRemoved { kind: BoxKindId, unreserved: T::Balance },
		/// An issuer awarded a task: `crystals`, and an egg of box kind `egg` if any.
		Awarded {
			issuer: T::AccountId,
			who: T::AccountId,
			task: TaskKindId,
			reference: Reference,
			crystals: Crystals,
			egg: Option<BoxKindId>,
		},
		/// A box opening was queued; its prize is drawn with the randomness of block `draws_at`.
		OpenRequested {
			who: T::AccountId,
			request: RequestIndex,
			kind: BoxKindId,
			paid: Payment,
			draws_at: BlockNumberFor<T>,
		},
		/// A box was opened: `who` won `prize`.
		BoxOpened {
			who: T::AccountId,
			request: RequestIndex,
			kind: BoxKindId,
			prize: Prize<T::Balance>,
		},
		/// A box had nothing left that `who` could win when drawn (or the prize could not be
		/// paid): the payment was given back.
		OpenRefunded { who: T::AccountId, request: RequestIndex, kind: BoxKindId, paid: Payment },
		/// `pieces` Stone pieces were combined into `stones` Stones.
		PiecesCombined { who: T::AccountId, pieces: u32, stones: T::Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a task issuer.
		AlreadyIssuer,
		/// The account is not a task issuer: the admin origin adds issuers.
		NotIssuer,
		/// A task kind must pay crystals or an egg, allow at least one award per period, and have
		/// a period of at least one block.
		InvalidTaskKind,
		/// No task kind with this id: the admin origin creates it with `set_task_kind`.
		UnknownTaskKind,
		/// No box kind with this id: the admin origin creates it with `set_box_kind`.
		UnknownBoxKind,
		/// A blind box costs at least one crystal: use no price for a kind opened only with eggs.
		ZeroPrice,
		/// A prize of 0 Stones or 0 pieces: use `Nothing`.
		ZeroPrize,
		/// This reference was already paid: every award needs a reference of its own.
		ReferenceUsed,
		/// The account received this task kind's limit of awards in the current period: award it
		/// in the next period.
		AwardLimitReached,
		/// Not enough crystals for this box's price: earn more through tasks.
		NotEnoughCrystals,
		/// This box kind is opened only with eggs and the account holds none of it.
		NoEgg,
		/// The prize table holds nothing this account can win (no stock left, or only Stones and
		/// the account owns no registered vehicle): wait for the admin to restock it.
		NothingToWin,
		/// The account has `MaxPendingPerAccount` openings waiting: they resolve within a few
		/// blocks.
		TooManyPendingOpens,
		/// No pending opening with this index: it was resolved already, or never requested.
		UnknownRequest,
		/// The opening's randomness is not known yet: resolve it from block `draws_at` on.
		RandomnessNotYetKnown,
		/// Fewer than `PiecesPerStone` pieces: win more before combining.
		NotEnoughPieces,
		/// A counter would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Resolves ready openings, oldest first: after the block's inherents (so the beacon's
		/// randomness of this block is known), before its transactions.
		fn on_poll(n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			Self::resolve_ready(n, meter);
		}

		fn integrity_test() {
			assert!(T::PiecesPerStone::get() > 0, "PiecesPerStone must be positive");
			assert!(!T::StoneUnit::get().is_zero(), "StoneUnit must be positive");
			assert!(
				(T::StoneUnit::get() % T::PiecesPerStone::get().into()).is_zero(),
				"PiecesPerStone must divide StoneUnit: pieces are reserved at an exact value"
			);
			assert!(
				T::RandomnessDelay::get() >= 1u32.into(),
				"a draw must use the randomness of a block after the request"
			);
			assert!(T::MaxPrizes::get() > 0, "a table needs room for a prize");
			assert!(T::MaxPendingPerAccount::get() > 0, "an account must be able to open a box");
			assert!(T::MaxResolvePerBlock::get() > 0, "on_poll must resolve openings");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Makes `issuer` a task issuer: it may award crystals and eggs. The admin origin.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_issuer())]
		pub fn add_issuer(origin: OriginFor<T>, issuer: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_add_issuer(issuer)
		}

		/// Removes a task issuer. The admin origin.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_issuer())]
		pub fn remove_issuer(origin: OriginFor<T>, issuer: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_remove_issuer(issuer)
		}

		/// Creates or changes task kind `kind`: its name, the crystals and egg each award pays,
		/// and how many awards one account can receive per period. The admin origin.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_task_kind())]
		pub fn set_task_kind(
			origin: OriginFor<T>,
			kind: TaskKindId,
			task: TaskKind<BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_task_kind(kind, task)
		}

		/// Removes task kind `kind`: it can no longer be awarded. The admin origin.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_task_kind())]
		pub fn remove_task_kind(origin: OriginFor<T>, kind: TaskKindId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_remove_task_kind(kind)
		}

		/// Creates or changes box kind `kind`: its name, its price in crystals (`None`: opened
		/// only with eggs) and its prize table with each prize's stock. The difference in value
		/// with the table it replaces is reserved in (or returned to) the educational pool; fails
		/// beyond the pool. The admin origin.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_box_kind(prizes.len() as u32))]
		pub fn set_box_kind(
			origin: OriginFor<T>,
			kind: BoxKindId,
			name: Name,
			price: Option<Crystals>,
			prizes: PrizeTableOf<T>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_box_kind(kind, name, price, prizes)
		}

		/// Removes box kind `kind`, returning its remaining stock to the educational pool. Eggs of
		/// it stay with their holders (openable again if the kind comes back); openings of it not
		/// yet drawn are refunded. The admin origin.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_box_kind())]
		pub fn remove_box_kind(origin: OriginFor<T>, kind: BoxKindId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_remove_box_kind(kind)
		}

		/// Awards task kind `task` to `who` under `reference`, unique forever: the kind's crystals
		/// and egg, within its limit per account and period. Task issuers only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::award())]
		pub fn award(
			origin: OriginFor<T>,
			who: T::AccountId,
			task: TaskKindId,
			reference: Reference,
		) -> DispatchResult {
			let issuer = ensure_signed(origin)?;
			Self::do_award(issuer, who, task, reference)
		}

		/// Opens a box of kind `kind`, paying with an egg of that kind if the account holds one,
		/// with the kind's price in crystals otherwise. The prize is drawn a few blocks later
		/// (event `BoxOpened`). Fee-free when it succeeds.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::open_box())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, kind: &BoxKindId| -> bool {
			Pallet::<T>::open_is_feeless(origin, *kind)
		})]
		pub fn open_box(origin: OriginFor<T>, kind: BoxKindId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_open_box(who, kind)
		}

		/// Draws the prize of pending opening `request` now that its randomness is known: by
		/// anyone (fee-free for its owner). `on_poll` does this by itself, oldest first.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::resolve_open())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, request: &RequestIndex| -> bool {
			Pallet::<T>::resolve_is_feeless(origin, *request)
		})]
		pub fn resolve_open(origin: OriginFor<T>, request: RequestIndex) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_resolve_open(request)
		}

		/// Combines the account's Stone pieces into as many whole Stones as they make,
		/// `PiecesPerStone` pieces each; the rest stay. Fee-free when it succeeds.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::combine_pieces())]
		#[pallet::feeless_if(|origin: &OriginFor<T>| -> bool {
			Pallet::<T>::combine_is_feeless(origin)
		})]
		pub fn combine_pieces(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_combine_pieces(who)
		}
	}
}
