//! Types of the crystals pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

pub use pallet_crystals_runtime_api::{
	BoxKindId, Crystals, Prize, PrizeSlot, RequestIndex, TaskKindId,
};

/// The longest display name of a task or box kind, in bytes.
pub const MAX_NAME_LEN: u32 = 32;

/// The display name of a task or box kind (UTF-8, e.g. `MOVING ART`).
pub type Name = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;

/// The unique reference of an award, chosen by the issuer (e.g. a hash of its own record of the
/// task): a reference is paid once, ever.
pub type Reference = [u8; 32];

/// A prize table: at most `MaxPrizes` lines.
pub type PrizeTableOf<T> =
	BoundedVec<PrizeSlot<<T as crate::Config>::Balance>, <T as crate::Config>::MaxPrizes>;

/// A kind of task and what it pays.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct TaskKind<BlockNumber> {
	/// Its display name (`Registering`, `Posting`, `MOVING ART`, `TechDay`, …).
	pub name: Name,
	/// The crystals each award pays.
	pub crystals: Crystals,
	/// The box kind of the egg each award grants, if any (driving scenarios grant eggs).
	pub egg: Option<BoxKindId>,
	/// How many awards of this kind one account can receive per period.
	pub limit: u32,
	/// The length of a period in blocks; periods are counted from block 0.
	pub period: BlockNumber,
}

/// A kind of box. Its prize table is kept apart, in [`crate::PrizeTables`].
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct BoxKind {
	/// Its display name (`Blind box`, `Egg of MOVING ART`, …).
	pub name: Name,
	/// The crystals a blind box of this kind costs; `None` for a kind only opened with eggs.
	pub price: Option<Crystals>,
}

/// How an opening was paid: given back if the opening cannot be drawn.
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
pub enum Payment {
	/// With this many crystals.
	Crystals(Crystals),
	/// With an egg of the box's kind.
	Egg,
}

/// A box opening waiting for its randomness, with everything about the opener that its draw
/// depends on, frozen when it was requested.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct OpenRequest<AccountId, BlockNumber> {
	/// Who opens the box and receives the prize.
	pub who: AccountId,
	/// The box kind.
	pub kind: BoxKindId,
	/// How it was paid.
	pub paid: Payment,
	/// The block at whose end the prize is drawn, with that block's randomness: the block after
	/// the request.
	pub draws_at: BlockNumber,
	/// Whether the opener owned a registered vehicle when it asked: the draw offers Stones
	/// exactly then, whatever the opener owns by the time of the draw.
	pub owns_vehicle: bool,
}

/// How many box openings were requested in one block: at most
/// [`crate::Config::MaxOpensPerBlock`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct BlockOpens<BlockNumber> {
	/// The block.
	pub block: BlockNumber,
	/// The openings requested in it.
	pub count: u32,
}

/// What an account holds in educational mining. An account has an entry in
/// [`crate::Holdings`] exactly while some field is non-zero. Its first entry gives it one
/// `sufficients` reference in `frame_system`, kept for good ([`crate::Participants`]), so that it
/// can sign (fee-free) openings with no Stones at all and its nonce is never reset.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxPending))]
#[codec(mel_bound())]
pub struct AccountHoldings<MaxPending: Get<u32>> {
	/// Its crystals.
	pub crystals: Crystals,
	/// Its unopened eggs, all kinds together (per kind in [`crate::Eggs`]).
	pub eggs: u32,
	/// Its Stone pieces not yet combined.
	pub pieces: u32,
	/// Its openings waiting to be drawn, oldest first.
	pub pending: BoundedVec<RequestIndex, MaxPending>,
}

impl<MaxPending: Get<u32>> AccountHoldings<MaxPending> {
	/// Whether the account holds nothing here (and its entry can go).
	pub fn is_empty(&self) -> bool {
		self.crystals == 0 && self.eggs == 0 && self.pieces == 0 && self.pending.is_empty()
	}
}

/// How many awards of a task kind an account received in a period.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct PeriodCount {
	/// The period's index ([`crate::odds::period_index`]).
	pub period: u64,
	/// Awards received in it.
	pub count: u32,
}
