//! Feeds of the oracle operators' off-chain workers: authorizing them as fee-free transactions
//! and handing their readings to the oracle, exactly once per reading.

use codec::Encode;
use frame_support::{
	ensure,
	pallet_prelude::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
	traits::SortedMembers,
	weights::Weight,
};
use sp_runtime::{traits::IdentifyAccount, DispatchResult, RuntimeAppPublic};

use crate::{pallet::*, FeedPayload, OracleFeeder};

/// Feeds go before ordinary transactions: readings age by the block.
pub const FEED_PRIORITY: TransactionPriority = TransactionPriority::MAX / 2;

/// Blocks a feed stays valid in the pool (the worker sends it again after
/// [`crate::offchain::RESUBMIT_AFTER`]).
pub const FEED_LONGEVITY: u64 = 64;

impl<T: Config> Pallet<T> {
	/// Whether `feed` may go into a block without a fee: a current operator's key signed it and
	/// it continues from that operator's cursor. One valid feed per operator and cursor.
	pub(crate) fn authorize_feed(
		_source: TransactionSource,
		feed: &FeedPayload<T::OracleId, T::MaxFeed>,
		signature: &<T::OracleId as RuntimeAppPublic>::Signature,
	) -> TransactionValidityWithRefund {
		let operator = feed.operator.clone().into_account();
		if !T::Operators::contains(&operator) {
			return Err(InvalidTransaction::BadSigner.into());
		}
		let cursor = FeedCursor::<T>::get(&operator);
		if feed.after < cursor {
			return Err(InvalidTransaction::Stale.into());
		}
		if feed.after > cursor {
			return Err(InvalidTransaction::Future.into());
		}
		if feed.upto <= feed.after {
			return Err(InvalidTransaction::Call.into());
		}
		if !feed.operator.verify(&feed.encode(), signature) {
			return Err(InvalidTransaction::BadProof.into());
		}
		let valid = ValidTransaction::with_tag_prefix("MileageFeed")
			.priority(FEED_PRIORITY)
			.and_provides((operator, feed.after))
			.longevity(FEED_LONGEVITY)
			.propagate(true)
			.build()?;
		Ok((valid, Weight::zero()))
	}

	/// Moves the operator's cursor to `feed.upto` and feeds its odometers to the oracle.
	pub(crate) fn do_submit_feed(feed: FeedPayload<T::OracleId, T::MaxFeed>) -> DispatchResult {
		let operator = feed.operator.into_account();
		ensure!(T::Operators::contains(&operator), Error::<T>::NotOperator);
		ensure!(feed.after == FeedCursor::<T>::get(&operator), Error::<T>::FeedOutOfOrder);
		ensure!(feed.upto > feed.after, Error::<T>::EmptyFeed);
		let vehicles = feed.values.len() as u32;
		if !feed.values.is_empty() {
			T::Feeder::feed(operator.clone(), feed.values.into_inner())?;
		}
		FeedCursor::<T>::insert(&operator, feed.upto);
		Self::deposit_event(Event::FeedSubmitted {
			operator,
			after: feed.after,
			upto: feed.upto,
			vehicles,
		});
		Ok(())
	}
}
