//! # Collectibles
//!
//! IM Valley's community artworks as NFT collectibles, sold in English auctions for Stones, with
//! proceeds to charities.
//!
//! ## Overview
//!
//! - **The ledger is `pallet-nfts`.** This pallet keeps no second one: it creates collections,
//!   mints, transfers and reads owners through the `nonfungibles_v2` traits ([`Config::Nfts`]).
//!   Every artwork is one collection owned by the pallet's account (chain-issued: no deposits);
//!   its editions are the collection's items `0..n`. Its facts (title, media hash and type, URI,
//!   edition) are attributes in `pallet-nfts`' *pallet* namespace, which no owner or collection
//!   admin can change; the URI is also the collection's metadata, for wallets.
//! - **Artworks** ([`Pallet::mint_artwork`]) are minted by the admin origin or by artists the
//!   admin approved ([`Pallet::set_artist`]), one edition or `n`. An artwork credits its artists
//!   and its **co-creators**, the community members whose pictures it features: each co-creator
//!   can list the works it is part of ([`FeaturedIn`]).
//! - **Auctions** ([`Pallet::create_auction`]): the owner of an edition lists it with a reserve
//!   price, a minimum increment and a duration. A bid ([`Pallet::bid`]) is held in the bidder's
//!   account (a fungible hold, [`HoldReason::AuctionBid`]); the bid it beats is released in the
//!   same call. A bid in the last [`Config::ExtensionWindow`] blocks moves the end to that many
//!   blocks after it, never beyond [`Config::MaxExtension`] after the first end. While listed,
//!   the edition is locked: `pallet-nfts` asks this pallet ([`Config::Nfts`]' `Locker`) before
//!   every transfer or burn, and an edition is in at most one auction ([`Listed`]).
//! - **Owners** give editions away with [`Pallet::transfer`] (the runtime exposes no call of
//!   `pallet-nfts` itself).
//! - **Settlement.** Ended auctions settle by themselves at the start of the block after their
//!   end (bounded: at most [`Config::MaxEndingPerBlock`] auctions end in one block), or by anyone
//!   with [`Pallet::settle`] should that fail. The winner's held bid is paid out straight from the
//!   hold (`transfer_on_hold`) and the edition goes to the winner; without bids it stays with
//!   the seller. Only an auction without bids can be cancelled.
//! - **Charities** ([`Pallet::register_charity`]): an auction's proceeds go to a charity in full
//!   or by a share fixed when it is listed, the rest to the seller or the artwork's artists. A
//!   charity's share too small to create its account is kept in its pot (in the pallet's
//!   account) until [`Pallet::pay_out_pot`]. An owner can also donate an edition to a charity
//!   ([`Pallet::donate`]). [`Charities`] shows what each received.
//!
//! ## Stones stay bound to accounts
//!
//! Stone transfers between ordinary accounts are closed by default (`pallet-stone`). Bids and
//! payouts are holds and transfers from holds made by this pallet, so auctions work while
//! transfers are closed; so that an auction cannot be used to pass Stones between ordinary
//! accounts, while transfers are closed the part of the proceeds that is not a charity's can
//! only go to approved artists ([`Config::TransfersOpen`]).
//!
//! ## Bounded and weighed
//!
//! Every list is bounded (artists, co-creators, editions, charities, auctions ending per block),
//! every call is charged its benchmarked worst case, and the settling hook declares the weight
//! of the auctions it settles.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod artworks;
mod auctions;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod charities;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use alloc::vec::Vec;

	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, tokens::nonfungibles_v2},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::AccountIdConversion;

	use super::*;

	/// Balances of the Stone currency.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
	/// An artwork as stored.
	pub type ArtworkOf<T> = Artwork<
		<T as frame_system::Config>::AccountId,
		BlockNumberFor<T>,
		<T as Config>::StringLimit,
		<T as Config>::MaxArtists,
		<T as Config>::MaxCoCreators,
	>;
	/// A charity as stored.
	pub type CharityOf<T> =
		Charity<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::StringLimit>;
	/// An auction as stored.
	pub type AuctionOf<T> =
		Auction<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
	/// The collection configuration of `pallet-nfts`.
	pub type CollectionConfigOf<T> =
		pallet_nfts::CollectionConfig<BalanceOf<T>, BlockNumberFor<T>, ArtworkId>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds Stones.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The highest bid of a live auction.
		#[codec(index = 0)]
		AuctionBid,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The Stone currency: bids are held in it.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// The NFT ledger: `pallet-nfts`, whose `Locker` must be this pallet.
		type Nfts: nonfungibles_v2::Inspect<Self::AccountId, CollectionId = ArtworkId, ItemId = Edition>
			+ nonfungibles_v2::Create<Self::AccountId, CollectionConfigOf<Self>>
			+ nonfungibles_v2::Mutate<Self::AccountId, pallet_nfts::ItemConfig>
			+ nonfungibles_v2::Transfer<Self::AccountId>;
		/// Approves artists, registers charities, mints.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Whether Stones move between ordinary accounts (`pallet-stone`'s switch). While they
		/// do not, proceeds go only to charities and approved artists.
		type TransfersOpen: Get<bool>;
		/// The pallet's account: it owns the artworks' collections and keeps charities' pots.
		#[pallet::constant]
		type PalletId: Get<PalletId>;
		/// The longest title, URI or charity name, in bytes.
		#[pallet::constant]
		type StringLimit: Get<u32>;
		/// The most artists of an artwork.
		#[pallet::constant]
		type MaxArtists: Get<u32>;
		/// The most co-creators of an artwork.
		#[pallet::constant]
		type MaxCoCreators: Get<u32>;
		/// The most editions of an artwork.
		#[pallet::constant]
		type MaxEditions: Get<u32>;
		/// The most charities ever registered.
		#[pallet::constant]
		type MaxCharities: Get<u32>;
		/// The most auctions ending in one block.
		#[pallet::constant]
		type MaxEndingPerBlock: Get<u32>;
		/// The shortest auction, in blocks.
		#[pallet::constant]
		type MinDuration: Get<BlockNumberFor<Self>>;
		/// The longest auction, in blocks.
		#[pallet::constant]
		type MaxDuration: Get<BlockNumberFor<Self>>;
		/// A bid this many blocks or fewer before the end moves the end to this many blocks
		/// after the bid.
		#[pallet::constant]
		type ExtensionWindow: Get<BlockNumberFor<Self>>;
		/// The most an auction's end can move, in all.
		#[pallet::constant]
		type MaxExtension: Get<BlockNumberFor<Self>>;
		/// Weights of the calls and the settling hook.
		type WeightInfo: WeightInfo;
	}

	/// Artists the admin approved: they mint artworks and, while Stone transfers are closed,
	/// are the only ordinary accounts auction proceeds can go to.
	#[pallet::storage]
	pub type Artists<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Artworks, by collection.
	#[pallet::storage]
	pub type Artworks<T: Config> =
		StorageMap<_, Twox64Concat, ArtworkId, ArtworkOf<T>, OptionQuery>;

	/// The artworks each account is a co-creator of.
	#[pallet::storage]
	pub type FeaturedIn<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ArtworkId,
		(),
		OptionQuery,
	>;

	/// Registered charities.
	#[pallet::storage]
	pub type Charities<T: Config> =
		StorageMap<_, Twox64Concat, CharityId, CharityOf<T>, OptionQuery>;

	/// How many charities were registered: the next one's number.
	#[pallet::storage]
	pub type CharityCount<T: Config> = StorageValue<_, CharityId, ValueQuery>;

	/// Auctions not settled yet.
	#[pallet::storage]
	pub type Auctions<T: Config> =
		StorageMap<_, Twox64Concat, AuctionId, AuctionOf<T>, OptionQuery>;

	/// The auction each listed edition is in: its one status, and its lock in `pallet-nfts`.
	#[pallet::storage]
	pub type Listed<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ArtworkId, Twox64Concat, Edition, AuctionId, OptionQuery>;

	/// The auctions ending in each block, settled at the start of the next.
	#[pallet::storage]
	pub type EndingAt<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<AuctionId, T::MaxEndingPerBlock>,
		ValueQuery,
	>;

	/// The next auction's number.
	#[pallet::storage]
	pub type NextAuctionId<T: Config> = StorageValue<_, AuctionId, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Approved artists.
		pub artists: Vec<T::AccountId>,
		/// Charities: name and account, active.
		pub charities: Vec<(Vec<u8>, T::AccountId)>,
		/// Artworks minted at genesis (the admin's), in order: artwork `i` is collection `i`.
		pub artworks: Vec<GenesisArtwork<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The pallet's account keeps charities' pots: it always exists.
			frame_system::Pallet::<T>::inc_providers(&Pallet::<T>::account());
			for artist in &self.artists {
				Artists::<T>::insert(artist, ());
			}
			for (name, account) in &self.charities {
				Pallet::<T>::do_register_charity(name.clone(), account.clone())
					.expect("genesis charities are valid");
			}
			for a in &self.artworks {
				Pallet::<T>::do_mint_artwork(
					a.owner.clone(),
					ArtworkInput {
						title: a.title.clone(),
						media_hash: a.media_hash,
						media_kind: a.media_kind,
						uri: a.uri.clone(),
					},
					a.artists.clone(),
					a.co_creators.clone(),
					a.editions,
				)
				.expect("genesis artworks are valid");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The admin approved an artist, or withdrew the approval.
		ArtistSet { who: T::AccountId, approved: bool },
		/// An artwork was minted: `editions` items of collection `artwork`, to `owner`.
		ArtworkMinted {
			artwork: ArtworkId,
			owner: T::AccountId,
			editions: Edition,
			media_hash: ContentHash,
		},
		/// A charity was registered.
		CharityRegistered { charity: CharityId, account: T::AccountId },
		/// A charity was (de)activated.
		CharitySet { charity: CharityId, active: bool },
		/// An edition was listed.
		AuctionCreated {
			auction: AuctionId,
			artwork: ArtworkId,
			edition: Edition,
			seller: T::AccountId,
			reserve: BalanceOf<T>,
			min_increment: BalanceOf<T>,
			end: BlockNumberFor<T>,
			proceeds: Proceeds,
		},
		/// A bid is the highest, held in the bidder's account.
		BidPlaced { auction: AuctionId, bidder: T::AccountId, amount: BalanceOf<T> },
		/// A bid was beaten: its Stones were released in the same call.
		Outbid { auction: AuctionId, bidder: T::AccountId, released: BalanceOf<T> },
		/// A last-minute bid moved the auction's end.
		AuctionExtended { auction: AuctionId, end: BlockNumberFor<T> },
		/// An auction settled: the edition is the winner's; the price was paid from its hold.
		AuctionSettled {
			auction: AuctionId,
			winner: T::AccountId,
			price: BalanceOf<T>,
			to_charity: BalanceOf<T>,
		},
		/// Part of an auction's price paid to an account (the seller, an artist, a charity).
		ProceedsPaid { auction: AuctionId, to: T::AccountId, amount: BalanceOf<T> },
		/// A charity's share too small to create its account went to its pot.
		PotCredited { charity: CharityId, amount: BalanceOf<T> },
		/// An auction ended without bids: the edition stays with the seller.
		AuctionUnsold { auction: AuctionId },
		/// The seller cancelled an auction without bids.
		AuctionCancelled { auction: AuctionId },
		/// An ended auction could not settle by itself; anyone can settle it with `settle`.
		SettlementFailed { auction: AuctionId, error: DispatchError },
		/// An owner donated an edition to a charity.
		Donated { artwork: ArtworkId, edition: Edition, from: T::AccountId, charity: CharityId },
		/// An owner gave an edition to another account.
		Transferred { artwork: ArtworkId, edition: Edition, from: T::AccountId, to: T::AccountId },
		/// A charity's pot was paid to its account.
		PotPaidOut { charity: CharityId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not an approved artist.
		NotArtist,
		/// An artwork needs at least one artist.
		NoArtists,
		/// More artists than `MaxArtists`.
		TooManyArtists,
		/// More co-creators than `MaxCoCreators`.
		TooManyCoCreators,
		/// An account appears twice among the artists, or twice among the co-creators.
		DuplicateAccount,
		/// A title, URI or name is empty, or longer than `StringLimit`.
		BadText,
		/// Editions must be between 1 and `MaxEditions`.
		BadEditions,
		/// No such artwork.
		UnknownArtwork,
		/// No such edition of the artwork.
		UnknownEdition,
		/// The signer does not own the edition.
		NotOwner,
		/// The edition is in an auction.
		AlreadyListed,
		/// `MaxCharities` charities are registered.
		TooManyCharities,
		/// No such charity.
		UnknownCharity,
		/// The charity is not active.
		CharityInactive,
		/// A share above 100 %, or a share without a charity.
		BadShare,
		/// While Stone transfers are closed, proceeds go only to a charity or approved artists.
		TransfersClosed,
		/// The duration is outside `MinDuration..=MaxDuration`.
		BadDuration,
		/// A part of the reserve price (charity's, seller's or an artist's) is below the
		/// minimum balance, or the minimum increment is zero.
		ReserveTooLow,
		/// `MaxEndingPerBlock` auctions end in that block already: choose another duration.
		EndingBlockFull,
		/// No such auction (or it settled).
		UnknownAuction,
		/// The auction's end passed.
		AuctionEnded,
		/// The auction has not ended yet.
		AuctionNotEnded,
		/// The seller cannot bid in its own auction.
		SellerCannotBid,
		/// The bid is below the reserve, or does not exceed the highest by the minimum increment.
		BidTooLow,
		/// The bidder's free Stones (keeping the minimum balance) do not cover the bid.
		InsufficientStones,
		/// Only an auction without bids can be cancelled.
		HasBids,
		/// Only the seller can cancel.
		NotSeller,
		/// The pot is empty, or too small to create the charity's account.
		PotTooSmall,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settles the auctions that ended in the previous block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::settle_ended(now)
		}

		fn integrity_test() {
			assert!(T::MaxEndingPerBlock::get() > 0, "auctions must be able to end");
			assert!(T::MinDuration::get() <= T::MaxDuration::get(), "a duration must be possible");
			assert!(
				T::MaxArtists::get() > 0 && T::MaxEditions::get() > 0,
				"artworks must be mintable"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Approves an artist (they mint artworks, and receive proceeds while Stone transfers
		/// are closed), or withdraws the approval. The admin only.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_artist())]
		pub fn set_artist(
			origin: OriginFor<T>,
			who: T::AccountId,
			approved: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			if approved {
				Artists::<T>::insert(&who, ());
			} else {
				Artists::<T>::remove(&who);
			}
			Self::deposit_event(Event::ArtistSet { who, approved });
			Ok(())
		}

		/// Mints an artwork: `editions` editions to `owner`, crediting its `artists` and
		/// `co_creators`. By the admin origin, or signed by an approved artist.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::mint_artwork(
			*editions,
			co_creators.len() as u32,
			artists.len() as u32,
		))]
		pub fn mint_artwork(
			origin: OriginFor<T>,
			owner: T::AccountId,
			artwork: ArtworkInput,
			artists: Vec<T::AccountId>,
			co_creators: Vec<T::AccountId>,
			editions: Edition,
		) -> DispatchResult {
			if T::AdminOrigin::try_origin(origin.clone()).is_err() {
				let who = ensure_signed(origin)?;
				ensure!(Artists::<T>::contains_key(&who), Error::<T>::NotArtist);
			}
			Self::do_mint_artwork(owner, artwork, artists, co_creators, editions).map(|_| ())
		}

		/// Registers a charity, active. The admin only.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_charity())]
		pub fn register_charity(
			origin: OriginFor<T>,
			name: Vec<u8>,
			account: T::AccountId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_register_charity(name, account).map(|_| ())
		}

		/// Activates or deactivates a charity: an inactive one is named by no new auction or
		/// donation; what it was promised still reaches it. The admin only.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_charity_active())]
		pub fn set_charity_active(
			origin: OriginFor<T>,
			charity: CharityId,
			active: bool,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Charities::<T>::try_mutate(charity, |c| {
				let c = c.as_mut().ok_or(Error::<T>::UnknownCharity)?;
				c.active = active;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::CharitySet { charity, active });
			Ok(())
		}

		/// Lists an edition the signer owns in an English auction ending `duration` blocks from
		/// now. `charity_share_ppm` (parts per million) of the price goes to `charity`, the rest
		/// to the seller or the artwork's artists (`rest`). The edition is locked until the
		/// auction settles or is cancelled.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::create_auction(T::MaxArtists::get()))]
		pub fn create_auction(
			origin: OriginFor<T>,
			artwork: ArtworkId,
			edition: Edition,
			reserve: BalanceOf<T>,
			min_increment: BalanceOf<T>,
			duration: BlockNumberFor<T>,
			charity: Option<CharityId>,
			charity_share_ppm: u32,
			rest: Rest,
		) -> DispatchResult {
			let seller = ensure_signed(origin)?;
			Self::do_create_auction(
				seller,
				artwork,
				edition,
				reserve,
				min_increment,
				duration,
				charity,
				charity_share_ppm,
				rest,
			)
			.map(|_| ())
		}

		/// Bids `amount` Stones: at least the reserve, or the highest bid plus the minimum
		/// increment. The bid is held; the bid it beats is released now. A bidder raising its
		/// own bid has the difference held. A bid in the last `ExtensionWindow` blocks moves the
		/// end.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::bid())]
		pub fn bid(
			origin: OriginFor<T>,
			auction: AuctionId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let bidder = ensure_signed(origin)?;
			Self::do_bid(bidder, auction, amount)
		}

		/// Settles an ended auction: by anyone. Ended auctions settle by themselves at the start
		/// of the next block; this is for one whose settlement failed then.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::settle(T::MaxArtists::get()))]
		pub fn settle(origin: OriginFor<T>, auction: AuctionId) -> DispatchResult {
			ensure_signed(origin)?;
			let record = Auctions::<T>::get(auction).ok_or(Error::<T>::UnknownAuction)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now > record.end, Error::<T>::AuctionNotEnded);
			EndingAt::<T>::mutate(record.end, |ids| ids.retain(|id| *id != auction));
			Self::do_settle(auction, record)
		}

		/// Cancels an auction without bids: the seller only. The edition is unlocked.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_auction())]
		pub fn cancel_auction(origin: OriginFor<T>, auction: AuctionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Auctions::<T>::get(auction).ok_or(Error::<T>::UnknownAuction)?;
			ensure!(record.seller == who, Error::<T>::NotSeller);
			ensure!(record.highest.is_none(), Error::<T>::HasBids);
			EndingAt::<T>::mutate(record.end, |ids| ids.retain(|id| *id != auction));
			Self::close(auction, &record);
			Self::deposit_event(Event::AuctionCancelled { auction });
			Ok(())
		}

		/// Gives an edition the signer owns to an active charity.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::donate())]
		pub fn donate(
			origin: OriginFor<T>,
			artwork: ArtworkId,
			edition: Edition,
			charity: CharityId,
		) -> DispatchResult {
			let from = ensure_signed(origin)?;
			Self::do_donate(from, artwork, edition, charity)
		}

		/// Gives an edition the signer owns to `to` (not while it is in an auction).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::transfer())]
		pub fn transfer(
			origin: OriginFor<T>,
			artwork: ArtworkId,
			edition: Edition,
			to: T::AccountId,
		) -> DispatchResult {
			let from = ensure_signed(origin)?;
			ensure!(Self::owner_of(artwork, edition)? == from, Error::<T>::NotOwner);
			ensure!(!Listed::<T>::contains_key(artwork, edition), Error::<T>::AlreadyListed);
			<T::Nfts as nonfungibles_v2::Transfer<T::AccountId>>::transfer(
				&artwork, &edition, &to,
			)?;
			Self::deposit_event(Event::Transferred { artwork, edition, from, to });
			Ok(())
		}

		/// Pays a charity's pot to its account: by anyone, once the pot can create the account
		/// (or the account exists).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::pay_out_pot())]
		pub fn pay_out_pot(origin: OriginFor<T>, charity: CharityId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_pay_out_pot(charity)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pallet's account: owner and admin of the artworks' collections, keeper of pots.
		pub fn account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The Stones `who` has held for bids.
		pub fn held_for_bids(who: &T::AccountId) -> BalanceOf<T> {
			use fungible::InspectHold;
			T::Currency::balance_on_hold(&HoldReason::AuctionBid.into(), who)
		}
	}

	impl<T: Config> frame_support::traits::Locker<ArtworkId, Edition> for Pallet<T> {
		/// A listed edition is locked: `pallet-nfts` refuses to transfer or burn it.
		fn is_locked(artwork: ArtworkId, edition: Edition) -> bool {
			Listed::<T>::contains_key(artwork, edition)
		}
	}
}

/// What an artwork is, as its minter gives it.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ArtworkInput {
	/// Its title.
	pub title: alloc::vec::Vec<u8>,
	/// The blake2-256 hash of its media file.
	pub media_hash: ContentHash,
	/// What the media is.
	pub media_kind: MediaKind,
	/// Where the media or its metadata is published.
	pub uri: alloc::vec::Vec<u8>,
}

/// An artwork minted at genesis.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenesisArtwork<AccountId> {
	pub owner: AccountId,
	pub title: alloc::vec::Vec<u8>,
	pub media_hash: ContentHash,
	pub media_kind: MediaKind,
	pub uri: alloc::vec::Vec<u8>,
	pub artists: alloc::vec::Vec<AccountId>,
	pub co_creators: alloc::vec::Vec<AccountId>,
	pub editions: Edition,
}
