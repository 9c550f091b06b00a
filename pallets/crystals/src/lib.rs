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
//!   ([`valley_primitives::VehicleOwners`]) when they open can win Stones, others draw among the
//!   other prizes.
//!   The tables and their stock are public: storage [`PrizeTables`] and the runtime API
//!   (`pallet-crystals-runtime-api`).
//! - **Opening is two steps.** [`Pallet::open_box`] takes the payment (an egg of the kind if the
//!   account holds one, the price in crystals otherwise) and records the request; the prize is
//!   drawn at the end of the next block, with that block's randomness (see [Opening](#opening)).
//!   An opening whose box has nothing left that the opener can win by then is refunded.
//! - **Stone pieces**: [`Config::PiecesPerStone`] pieces combine into one Stone
//!   ([`Pallet::combine_pieces`]).
//! - **Fee-free for crystal holders.** `open_box` and `combine_pieces` are `#[pallet::feeless_if]`
//!   exactly when they will succeed (the runtime wraps its payment extension in
//!   `pallet_skip_feeless_payment::SkipCheckIfFeeless`), and every account that has held
//!   something here has a `sufficients` reference in `frame_system`, so an account with crystals
//!   and no Stones can sign.
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
//! ## Opening
//!
//! An opening requested in block `r` (event `OpenRequested { draws_at: r + 1, .. }`) is drawn at
//! the end of block `r + 1`, in its `on_finalize`: all the openings of block `r` together, in the
//! order they were requested. Their `BoxOpened` or `OpenRefunded` events are block `r + 1`'s own,
//! in its finalization phase, after every transaction of the block. `on_initialize` of block
//! `r + 1` counts the openings waiting and reserves the weight of drawing them, before any
//! transaction. No call draws an opening, so nobody chooses when, or in which order, openings
//! are drawn.
//!
//! The draw depends on the randomness, the request's index, whether the opener owned a
//! registered vehicle **when it asked** (recorded in [`OpenRequest::owns_vehicle`]), and the
//! table's stock. The stock changes only by earlier draws (in request order, fixed in advance) and
//! by the admin, and [`Pallet::set_box_kind`] and [`Pallet::remove_box_kind`] fail with
//! [`Error::OpeningsWaiting`] while an opening of the kind waits (at most until the end of the
//! next block). So once block `r + 1`'s randomness is known (first to its author), nothing put
//! in block `r + 1` changes the outcome of block `r`'s openings: not a vehicle moved into or out
//! of the opener's account, not other openings (drawn after, with block `r + 2`'s randomness),
//! not awards, not an admin change. One input stays outside the pallet: a Stone prize below the
//! existential deposit cannot be minted to an account without Stones (the opening is refunded),
//! so the admin keeps every Stone prize at one existential deposit or more.
//!
//! **What a user sees when a block is full.** At most [`Config::MaxOpensPerBlock`] openings are
//! requested per block. The runtime's transaction extension [`CheckOpeningRoom`] keeps an
//! opening beyond that out of the block being built (`ExhaustsResources`): it stays in the pool
//! and goes into the next block with room, and nobody pays for it. An opening dispatched without
//! the extension (e.g. through `sudo_as`) fails there with [`Error::BlockFull`] and changes
//! nothing.
//!
//! ## Randomness
//!
//! An opening requested in block `r` draws with the beacon's randomness of block `r + 1`
//! ([`valley_primitives::BlockRandomness`]), known once that block's mandatory beacon inherent
//! has run, so in its `on_finalize`; it is mixed with the request's index, so that the openings
//! of one block draw independently. Nobody knew that value when the request was included. Should
//! the drawing block's randomness be missing (only a test's beacon can miss one), its openings
//! stay and are drawn at the end of the next block, with that block's randomness, as unknown at
//! the request; openings of two blocks then wait together, and `open_box` refuses more
//! ([`Error::BlockFull`]) while `2 × MaxOpensPerBlock` wait, so that no block ever draws more.
//!
//! ## Accounts with only crystals
//!
//! An account gets one `sufficients` reference in `frame_system` when it first holds something
//! here (crystals, eggs, pieces or pending openings) and keeps it for good, also once it holds
//! nothing ([`Participants`] marks it, so that the reference is taken once). So an account with
//! crystals and no Stones can sign, and, never reaped, it never has its nonce reset to 0: its
//! old signed transactions can never be replayed. The cost is one `frame_system` account entry
//! and one [`Participants`] entry per account that ever held something here, that is, that an
//! issuer ever awarded; issuers are approved by the admin. Balances' existential deposit plays
//! no part: the reference does not depend on the Stones balance, and a Stone prize (at least one
//! existential deposit) gives the account its own provider reference from pallet-balances.
//!
//! ## Invariants (`try_state`)
//!
//! - crystals held plus crystals paid into pending openings = awarded − burned;
//! - an account has a holdings entry exactly when it holds something; an account with holdings
//!   is in [`Participants`], and every participant has a `sufficients` reference; its egg count
//!   is the sum of its eggs per kind; its pending openings are waiting openings of its own, and
//!   every waiting opening is in its owner's list;
//! - the waiting openings are exactly the queue `QueueHead..NextRequest`, at most
//!   `2 × MaxOpensPerBlock`, of existing box kinds, counted per kind in [`WaitingOpenings`];
//! - pieces held = [`TotalPieces`]; [`Reserved`] = value of the tables' stock + pieces × piece
//!   value.
//!
//! ## Implementation notes
//!
//! - The storage layout of issue 15 (openings drawn in `on_finalize`, [`OpenRequest`] with the
//!   opener's vehicle flag, [`Participants`]) comes without a storage version bump or migration:
//!   no production chain exists, every chain starts from a fresh genesis.
//! - The draw never fails: a prize that cannot be paid is undone in a storage layer and the
//!   opening refunded.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod admin;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod boxes;
mod extension;
mod holdings;
#[cfg(any(feature = "std", feature = "try-runtime"))]
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

pub use extension::CheckOpeningRoom;
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
	use frame_support::{pallet_prelude::*, traits::tokens::Balance as BalanceT};
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
		/// The most prizes in one table.
		#[pallet::constant]
		type MaxPrizes: Get<u32>;
		/// The most openings one account can have waiting.
		#[pallet::constant]
		type MaxPendingPerAccount: Get<u32>;
		/// The most openings requested in one block; all of them are drawn at the end of the next
		/// block. Beyond, `CheckOpeningRoom` leaves an opening in the pool; `open_box` itself
		/// fails with `BlockFull`.
		#[pallet::constant]
		type MaxOpensPerBlock: Get<u32>;
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

	/// Openings waiting to be drawn, by index: those of the current block and of the block
	/// before, drawn at the end of the next block and of this one.
	#[pallet::storage]
	pub type OpenRequests<T: Config> = StorageMap<
		_,
		Twox64Concat,
		RequestIndex,
		OpenRequest<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The oldest opening not drawn yet: the head of the queue.
	#[pallet::storage]
	pub type QueueHead<T> = StorageValue<_, RequestIndex, ValueQuery>;

	/// The index the next opening gets: the tail of the queue.
	#[pallet::storage]
	pub type NextRequest<T> = StorageValue<_, RequestIndex, ValueQuery>;

	/// How many openings were requested in the latest block that had any: at most
	/// `MaxOpensPerBlock`.
	#[pallet::storage]
	pub type LatestBlockOpens<T: Config> =
		StorageValue<_, BlockOpens<BlockNumberFor<T>>, ValueQuery>;

	/// How many openings of each box kind wait to be drawn (no entry for none): the admin
	/// cannot change or remove a kind while any wait.
	#[pallet::storage]
	pub type WaitingOpenings<T> = StorageMap<_, Twox64Concat, BoxKindId, u32, OptionQuery>;

	/// The accounts that have held something here: each has one `sufficients` reference in
	/// `frame_system`, kept for good so that its nonce is never reset.
	#[pallet::storage]
	pub type Participants<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

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

	/// A programme's community tasks from genesis on (box kinds and their prize tables are set
	/// by call: they reserve out of the educational pool).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Task issuers from genesis on.
		pub issuers: alloc::vec::Vec<T::AccountId>,
		/// Task kinds: id, name (at most 32 bytes), crystals per award, awards per account and
		/// period, and the period in blocks. No eggs (they need box kinds).
		pub task_kinds:
			alloc::vec::Vec<(TaskKindId, alloc::vec::Vec<u8>, Crystals, u32, BlockNumberFor<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for issuer in &self.issuers {
				Pallet::<T>::do_add_issuer(issuer.clone()).expect("genesis issuers are distinct");
			}
			for (kind, name, crystals, limit, period) in &self.task_kinds {
				let task = TaskKind {
					name: name
						.clone()
						.try_into()
						.expect("a genesis task's name is at most 32 bytes"),
					crystals: *crystals,
					egg: None,
					limit: *limit,
					period: *period,
				};
				Pallet::<T>::do_set_task_kind(*kind, task).expect("genesis task kinds are valid");
			}
		}
	}

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
		/// A box opening was requested; its prize is drawn at the end of block `draws_at` (the
		/// next block), with that block's randomness.
		OpenRequested {
			who: T::AccountId,
			request: RequestIndex,
			kind: BoxKindId,
			paid: Payment,
			draws_at: BlockNumberFor<T>,
		},
		/// A box was opened: `who` won `prize`. Deposited at the end of the block that drew it.
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
		/// The account has `MaxPendingPerAccount` openings waiting: they are drawn at the end of
		/// the next block.
		TooManyPendingOpens,
		/// This block's openings are full (`MaxOpensPerBlock`): open the box in the next block.
		BlockFull,
		/// Openings of this box kind wait to be drawn (at the end of the next block at most):
		/// change or remove the kind in a block after they are drawn.
		OpeningsWaiting,
		/// Fewer than `PiecesPerStone` pieces: win more before combining.
		NotEnoughPieces,
		/// A counter would overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Weighs the draws `on_finalize` will make: every opening waiting now (all were
		/// requested in earlier blocks).
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::WeightInfo::draw_openings(Self::openings_to_draw())
		}

		/// Draws the openings requested before this block, in request order, with this block's
		/// randomness: after every transaction of the block, in its finalization phase (also
		/// during multi-block migrations).
		fn on_finalize(n: BlockNumberFor<T>) {
			Self::draw_waiting(n);
		}

		fn integrity_test() {
			assert!(T::PiecesPerStone::get() > 0, "PiecesPerStone must be positive");
			assert!(!T::StoneUnit::get().is_zero(), "StoneUnit must be positive");
			assert!(
				(T::StoneUnit::get() % T::PiecesPerStone::get().into()).is_zero(),
				"PiecesPerStone must divide StoneUnit: pieces are reserved at an exact value"
			);
			assert!(T::MaxPrizes::get() > 0, "a table needs room for a prize");
			assert!(T::MaxPendingPerAccount::get() > 0, "an account must be able to open a box");
			assert!(T::MaxOpensPerBlock::get() > 0, "a block must take openings");
			assert!(
				T::MaxOpensPerBlock::get().checked_mul(2).is_some(),
				"2 × MaxOpensPerBlock must fit in a u32"
			);
			// The most one block can draw (openings of two blocks, if a randomness was missing)
			// must fit comfortably in a block: a quarter of it at most.
			let max_block = T::BlockWeights::get().max_block;
			assert!(
				T::WeightInfo::draw_openings(Self::max_waiting())
					.all_lte(max_block.saturating_div(4)),
				"drawing 2 × MaxOpensPerBlock openings takes more than a quarter of a block"
			);
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
		/// beyond the pool, and while openings of the kind wait to be drawn (they draw from the
		/// table they were requested with). The admin origin.
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
		/// it stay with their holders (openable again if the kind comes back). Fails while
		/// openings of it wait to be drawn. The admin origin.
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
		/// with the kind's price in crystals otherwise. The prize is drawn at the end of the next
		/// block (event `BoxOpened`). At most `MaxOpensPerBlock` openings per block: beyond, fails
		/// with `BlockFull` (open it in the next block). Fee-free when it succeeds.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::open_box())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, kind: &BoxKindId| -> bool {
			Pallet::<T>::open_is_feeless(origin, *kind)
		})]
		pub fn open_box(origin: OriginFor<T>, kind: BoxKindId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_open_box(who, kind)
		}

		// Call index 8 was `resolve_open`: openings are drawn only in `on_finalize` now, so that
		// nobody chooses when or in which order. Left unused.

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
