//! The collectibles pallet's types: artworks, charities, auctions.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// An artwork: one collection of `pallet-nfts`, its editions the collection's items `0..n`.
pub type ArtworkId = u32;
/// An edition of an artwork: its item in the artwork's collection.
pub type Edition = u32;
/// An auction's number.
pub type AuctionId = u32;
/// A registered charity's number.
pub type CharityId = u32;
/// A blake2-256 content hash of an artwork's media.
pub type ContentHash = [u8; 32];

/// What an artwork's media is.
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
pub enum MediaKind {
	Video,
	Image,
	Audio,
	Model,
	Other,
}

impl MediaKind {
	/// Its name, as stored in the artwork's attributes.
	pub fn name(&self) -> &'static [u8] {
		match self {
			MediaKind::Video => b"video",
			MediaKind::Image => b"image",
			MediaKind::Audio => b"audio",
			MediaKind::Model => b"3d-model",
			MediaKind::Other => b"other",
		}
	}
}

/// An artwork as this pallet records it. Its facts are also the collection's attributes in
/// `pallet-nfts`' pallet namespace (no owner can change them) and its metadata is the URI.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(StringLimit, MaxArtists, MaxCoCreators))]
pub struct Artwork<AccountId, BlockNumber, StringLimit, MaxArtists, MaxCoCreators>
where
	StringLimit: Get<u32>,
	MaxArtists: Get<u32>,
	MaxCoCreators: Get<u32>,
{
	/// Its title.
	pub title: BoundedVec<u8, StringLimit>,
	/// The blake2-256 hash of its media file: whoever holds the file can check it is this one.
	pub media_hash: ContentHash,
	/// What the media is.
	pub media_kind: MediaKind,
	/// Where the media (or its metadata) is published.
	pub uri: BoundedVec<u8, StringLimit>,
	/// Its artists.
	pub artists: BoundedVec<AccountId, MaxArtists>,
	/// The community members whose pictures it features, each credited.
	pub co_creators: BoundedVec<AccountId, MaxCoCreators>,
	/// How many editions were minted (items `0..editions`).
	pub editions: Edition,
	/// The block it was minted in.
	pub minted_at: BlockNumber,
}

/// A charity the admin registered.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(StringLimit))]
pub struct Charity<AccountId, Balance, StringLimit: Get<u32>> {
	/// Its name.
	pub name: BoundedVec<u8, StringLimit>,
	/// The account it receives Stones and collectibles in.
	pub account: AccountId,
	/// Whether new auctions and donations may name it.
	pub active: bool,
	/// Every Stone it received from auctions, paid out or in its pot.
	pub raised: Balance,
	/// Shares too small to create its account, kept in the pallet's account until paid out.
	pub pot: Balance,
	/// Collectibles donated to it.
	pub donations: u32,
}

/// Who receives what a charity's share leaves of an auction's price.
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
pub enum Rest {
	/// The seller.
	Seller,
	/// The artwork's artists, in equal parts (the first takes what does not divide).
	Artists,
}

/// Where an auction's proceeds go, fixed when it is listed.
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
pub struct Proceeds {
	/// The charity receiving a share, if any.
	pub charity: Option<CharityId>,
	/// The charity's share of the price (zero without a charity).
	pub charity_share: Perbill,
	/// Who receives the rest.
	pub rest: Rest,
}

/// The highest bid of an auction: held in the bidder's account.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Bid<AccountId, Balance> {
	pub bidder: AccountId,
	pub amount: Balance,
}

/// A live English auction of one edition, in Stones.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Auction<AccountId, Balance, BlockNumber> {
	/// The item's owner, who listed it; it keeps the item until settlement, locked.
	pub seller: AccountId,
	pub artwork: ArtworkId,
	pub edition: Edition,
	/// The lowest first bid.
	pub reserve: Balance,
	/// How much a bid must exceed the highest by.
	pub min_increment: Balance,
	/// The last block bids are taken in. A bid within the extension window moves it later.
	pub end: BlockNumber,
	/// The latest the end can move to: the first end plus the extension cap.
	pub max_end: BlockNumber,
	/// Where the proceeds go.
	pub proceeds: Proceeds,
	/// The highest bid, held.
	pub highest: Option<Bid<AccountId, Balance>>,
}
