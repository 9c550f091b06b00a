//! The redemption pallet's types: catalogue items and orders.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A catalogue item's number.
pub type ItemId = u32;
/// An order's number.
pub type OrderId = u64;

/// The five kinds of rewards.
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
pub enum Category {
	/// Software and hardware upgrades (e.g. a driving-assistance package).
	Upgrade,
	/// Premium services (charging, maintenance, connectivity).
	PremiumService,
	/// Limited-edition merchandise.
	LimitedEdition,
	/// Digital collectibles: NFTs of the collectibles pallet, handed over on chain.
	DigitalCollectible,
	/// Experience days and events.
	ExperienceDay,
}

/// A part of the price paid in money, off chain (shown to the owner, settled by the desk).
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
pub struct CashPart {
	/// ISO 4217 code, e.g. `*b"CNY"`.
	pub currency: [u8; 3],
	/// In the currency's minor unit (fen, cents): ¥10,000 is 1,000,000.
	pub amount: u64,
}

/// Who may redeem an item.
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
pub enum Eligibility {
	/// Anyone with the Stones.
	Anyone,
	/// Owners of a vehicle registered at least this many days ago (IM Valley's default: 90).
	VehicleRegisteredDays(u32),
}

/// How an item is delivered.
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
pub enum Delivery {
	/// By the service desk, off chain: it accepts the order, then fulfils or rejects it.
	Desk,
	/// On chain at once: an edition of `artwork` held by the catalogue's account is handed over
	/// and the price burned, in the redeeming call.
	Collectible { artwork: u32 },
}

/// A catalogue item as the admin sets it (`Name`: bounded on chain, a plain vector in genesis
/// and in the runtime API).
#[derive(
	Clone,
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
pub struct ItemSpec<Balance, Name> {
	/// Its name (bounded by `NameLimit`).
	pub name: Name,
	pub category: Category,
	/// The price in Stones, held when redeemed and burned when fulfilled.
	pub price: Balance,
	/// A part paid off chain, if any.
	pub cash: Option<CashPart>,
	/// How many can be redeemed from now on (orders open or fulfilled are not in it).
	pub stock: u32,
	/// How many one account can have open or fulfilled (0: no limit).
	pub per_account: u32,
	/// Redeemable from this chain time on (milliseconds since the Unix epoch)...
	pub starts_ms: u64,
	/// ... until this one, if any.
	pub ends_ms: Option<u64>,
	pub eligibility: Eligibility,
	pub delivery: Delivery,
}

impl<Balance, Name> ItemSpec<Balance, Name> {
	/// The same item with its name made by `f`.
	pub fn map_name<N>(self, f: impl FnOnce(Name) -> N) -> ItemSpec<Balance, N> {
		ItemSpec {
			name: f(self.name),
			category: self.category,
			price: self.price,
			cash: self.cash,
			stock: self.stock,
			per_account: self.per_account,
			starts_ms: self.starts_ms,
			ends_ms: self.ends_ms,
			eligibility: self.eligibility,
			delivery: self.delivery,
		}
	}
}

/// A catalogue item at genesis.
pub type GenesisItem<Balance> = ItemSpec<Balance, alloc::vec::Vec<u8>>;

/// A catalogue item: its spec and its counts.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Item<Balance, Name> {
	pub spec: ItemSpec<Balance, Name>,
	/// Orders open or accepted.
	pub open: u32,
	/// Orders fulfilled.
	pub fulfilled: u32,
	/// Everything put in stock: always `stock + open + fulfilled` (it changes only when the
	/// admin sets the item).
	pub stocked: u32,
}

/// Where an order stands.
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
pub enum OrderState {
	/// Placed, its price held: the owner can still cancel it; it expires if the desk does not
	/// accept it in time.
	Open,
	/// Accepted by the desk: it will be fulfilled or rejected.
	Accepted,
	/// Delivered; the price burned.
	Fulfilled,
	/// Refused by the desk; the price released, the stock returned.
	Rejected,
	/// Cancelled by the owner; the price released, the stock returned.
	Cancelled,
	/// Not accepted in time; the price released, the stock returned.
	Expired,
}

impl OrderState {
	/// Whether the order still holds its price.
	pub fn is_unfinished(&self) -> bool {
		matches!(self, OrderState::Open | OrderState::Accepted)
	}
}

/// An order.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Order<AccountId, Balance, BlockNumber> {
	pub who: AccountId,
	pub item: ItemId,
	/// The Stones held for it (the item's price when placed).
	pub price: Balance,
	/// The money part to settle off chain, as the item had it when placed.
	pub cash: Option<CashPart>,
	pub state: OrderState,
	pub placed_at: BlockNumber,
	/// The block at whose start it expires if still open.
	pub expires_at: BlockNumber,
	/// The block of its last change.
	pub updated_at: BlockNumber,
}

/// Why an account cannot redeem an item now (runtime API).
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
pub enum Refusal {
	OutOfStock,
	OverLimit,
	NotActive,
	NoVehicle,
	VehicleTooNew,
	InsufficientStones,
}

/// A catalogue item as the runtime API shows it, with whether an account can redeem it now.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CatalogueEntry<Balance> {
	pub id: ItemId,
	pub spec: ItemSpec<Balance, alloc::vec::Vec<u8>>,
	/// How many the account has open, accepted or fulfilled (0 without an account).
	pub redeemed: u32,
	/// Why the account cannot redeem it now; `None` if it can (or without an account: whether
	/// it is in stock and active).
	pub refusal: Option<Refusal>,
}
