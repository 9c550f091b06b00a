//! Transactions signed as a wallet signs them (every extension of the runtime, mortal from the
//! best block, no tip), for the node's `benchmark` commands and the end-to-end tests. Native only.

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::generic::Era;

use crate::{
	configs::BlockHashCount, BlockNumber, Hash, Nonce, Runtime, RuntimeCall, Signature,
	SignedPayload, TxExtension, UncheckedExtrinsic, VERSION,
};

/// The chain a transaction is signed for and the block its mortality counts from.
pub struct SigningContext {
	/// The chain's genesis hash.
	pub genesis_hash: Hash,
	/// The best block's hash and number.
	pub best_hash: Hash,
	pub best_number: BlockNumber,
}

/// `call` signed by `sender` with `nonce`: valid for about `BlockHashCount / 2` blocks after
/// `context`'s best block.
pub fn signed(
	call: RuntimeCall,
	sender: &sr25519::Pair,
	nonce: Nonce,
	context: &SigningContext,
) -> UncheckedExtrinsic {
	let period =
		BlockHashCount::get().checked_next_power_of_two().map(|c| c / 2).unwrap_or(2) as u64;
	let tx_ext: TxExtension = (
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::mortal(period, context.best_number.into())),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0).into(),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let payload = SignedPayload::from_raw(
		call.clone(),
		tx_ext.clone(),
		(
			(),
			(),
			VERSION.spec_version,
			VERSION.transaction_version,
			context.genesis_hash,
			context.best_hash,
			(),
			(),
			(),
			(),
		),
	);
	let signature = payload.using_encoded(|payload| sender.sign(payload));
	UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::AccountId32::from(sender.public()).into(),
		Signature::Sr25519(signature),
		tx_ext,
	)
}
