//! Authorizing the fee-free transactions: operators' commitments and proposals (a current
//! operator's signature over the chain's genesis hash, once each) and anyone's claims (a proof
//! that verifies for an open slot). Everything a block would refuse is refused in the pool first.

use frame_support::{
	pallet_prelude::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidityError,
		TransactionValidityWithRefund, ValidTransaction,
	},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{IdentifyAccount, SaturatedConversion, Saturating},
	DispatchError, RuntimeAppPublic,
};

use crate::{pallet::*, types::*};

/// Operators' transactions and claims go before ordinary transactions: they have deadlines.
pub const OPERATOR_PRIORITY: TransactionPriority = TransactionPriority::MAX / 2;

/// How long a proposal stays valid in the pool, in blocks (the worker sends it again later if it
/// is still needed).
const PROPOSAL_LONGEVITY: u64 = 64;

/// A dispatch error as the pool's reason to refuse: a stale state or a bad call.
fn refusal<T: Config>(error: DispatchError) -> TransactionValidityError {
	let stale = [
		Error::<T>::StaleChange,
		Error::<T>::VehicleRetired,
		Error::<T>::ProposalExpired,
		Error::<T>::AlreadyRegistered,
		Error::<T>::UnknownVehicle,
		Error::<T>::AlreadyCommitted,
		Error::<T>::NotCommitting,
		Error::<T>::AlreadyProposed,
		Error::<T>::NothingToChange,
		Error::<T>::SlotClosed,
		Error::<T>::NotDrawing,
		Error::<T>::UnknownBatch,
	];
	if stale.into_iter().any(|e| DispatchError::from(e) == error) {
		InvalidTransaction::Stale.into()
	} else if error == Error::<T>::NotOperator.into() {
		InvalidTransaction::BadSigner.into()
	} else if error == Error::<T>::TooManyProposals.into()
		|| error == Error::<T>::TooManyCommitments.into()
	{
		InvalidTransaction::ExhaustsResources.into()
	} else {
		InvalidTransaction::Call.into()
	}
}

impl<T: Config> Pallet<T> {
	/// A commitment is valid from a current operator's key, signed over the genesis hash, for a
	/// batch in its commit window that this operator has not committed yet. One per operator and
	/// batch in the pool.
	pub(crate) fn authorize_commit(
		_source: TransactionSource,
		payload: &CommitmentPayload<T::OracleId>,
		signature: &<T::OracleId as RuntimeAppPublic>::Signature,
	) -> TransactionValidityWithRefund {
		let operator = payload.operator.clone().into_account();
		let record = Self::check_commit(&operator, payload.batch).map_err(refusal::<T>)?;
		let message = signed_message(COMMIT_TAG, &Self::genesis_hash(), payload);
		if !payload.operator.verify(&message, signature) {
			return Err(InvalidTransaction::BadProof.into());
		}
		let now = frame_system::Pallet::<T>::block_number();
		let left: u64 = Self::commit_until(&record).saturating_sub(now).saturated_into();
		let valid = ValidTransaction::with_tag_prefix("MileageCommit")
			.priority(OPERATOR_PRIORITY)
			.and_provides((operator, payload.batch))
			.longevity(left.max(1))
			.propagate(true)
			.build()?;
		Ok((valid, Weight::zero()))
	}

	/// A proposal is valid from a current operator's key, signed over the genesis hash, until
	/// its last valid block, for a change that names the vehicle's entry as it stands, would
	/// change something and that this operator has not proposed yet: replayed bytes of an
	/// applied proposal, or of one overtaken by the registry, are stale.
	pub(crate) fn authorize_propose(
		_source: TransactionSource,
		payload: &ProposalPayload<T::OracleId, T::AccountId, BlockNumberFor<T>>,
		signature: &<T::OracleId as RuntimeAppPublic>::Signature,
	) -> TransactionValidityWithRefund {
		let operator = payload.operator.clone().into_account();
		let hash = Self::check_vote(&operator, &payload.change, payload.valid_until)
			.map_err(refusal::<T>)?;
		let message = signed_message(PROPOSE_TAG, &Self::genesis_hash(), payload);
		if !payload.operator.verify(&message, signature) {
			return Err(InvalidTransaction::BadProof.into());
		}
		let now = frame_system::Pallet::<T>::block_number();
		let left: u64 = payload.valid_until.saturating_sub(now).saturated_into();
		let valid = ValidTransaction::with_tag_prefix("MilagePropose")
			.priority(OPERATOR_PRIORITY)
			.and_provides((operator, hash))
			.longevity(left.clamp(1, PROPOSAL_LONGEVITY))
			.propagate(true)
			.build()?;
		Ok((valid, Weight::zero()))
	}

	/// A claim is valid from anyone whose proof verifies for an open slot. One per slot in the
	/// pool.
	pub(crate) fn authorize_claim(
		_source: TransactionSource,
		batch: &BatchIndex,
		slot: &u32,
		leaf: &Leaf,
		leaf_salt: &Salt,
		proof: &Proof,
	) -> TransactionValidityWithRefund {
		let (record, _) =
			Self::check_claim(*batch, *slot, leaf, leaf_salt, proof).map_err(refusal::<T>)?;
		let now = frame_system::Pallet::<T>::block_number();
		// Until the proof deadline (the record's deadline while it draws).
		let left: u64 = record.deadline.saturating_sub(now).saturated_into();
		let valid = ValidTransaction::with_tag_prefix("MileageClaim")
			.priority(OPERATOR_PRIORITY)
			.and_provides((*batch, *slot))
			.longevity(left.max(1))
			.propagate(true)
			.build()?;
		Ok((valid, Weight::zero()))
	}
}
