//! [`CheckOpeningRoom`]: a box opening that finds its block's room taken waits in the pool for
//! the next block instead of failing in this one.
//!
//! A block takes at most [`Config::MaxOpensPerBlock`] openings, and at most twice that wait to be
//! drawn. Without this check the block builder would put every opening in the pool into one
//! block: those beyond the room fail there with [`Error::BlockFull`] and their signers pay a fee
//! for nothing (measured: 100 of every 200 openings offered in a block). With it, an opening
//! beyond the room is `ExhaustsResources` while the block is built, so the builder leaves it in
//! the pool, as it does a transaction beyond the block's weight, and the next block takes it. In
//! the pool (validated against the best block) an opening is never refused for room: a new block
//! has its own.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{traits::IsSubType, weights::Weight, DefaultNoBound};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{DispatchInfoOf, TransactionExtension, ValidateResult},
	transaction_validity::{InvalidTransaction, TransactionSource, ValidTransaction},
};

use crate::{Call, Config, Pallet, WeightInfo};

/// Keeps `crystals.open_box` out of a block whose openings are full (see the module's docs).
/// Carries no data: it adds nothing to a transaction's bytes or its signed payload.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckOpeningRoom<T>(PhantomData<T>);

impl<T> CheckOpeningRoom<T> {
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckOpeningRoom<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckOpeningRoom")
	}
}

/// Whether `call` opens a box.
fn opens_a_box<T: Config>(call: &<T as frame_system::Config>::RuntimeCall) -> bool
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	matches!(call.is_sub_type(), Some(Call::open_box { .. }))
}

impl<T: Config + Send + Sync> TransactionExtension<<T as frame_system::Config>::RuntimeCall>
	for CheckOpeningRoom<T>
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckOpeningRoom";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		if opens_a_box::<T>(call) {
			T::WeightInfo::check_opening_room()
		} else {
			Weight::zero()
		}
	}

	fn validate(
		&self,
		origin: <T as frame_system::Config>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, <T as frame_system::Config>::RuntimeCall> {
		if opens_a_box::<T>(call) && !Pallet::<T>::has_room() {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		Ok((ValidTransaction::default(), (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
