//! Transactions signed as a wallet signs them (every extension of the runtime, mortal from the
//! best block, no tip), for the node's `benchmark` commands and the end-to-end tests. Native only.

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_runtime::generic::Era;

use crate::{
	configs::BlockHashCount, BlockNumber, Hash, Nonce, RuntimeCall, Signature, SignedPayload,
	TxExtension, UncheckedExtrinsic, VERSION,
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
	let tx_ext: TxExtension =
		crate::configs::tx_extension(Era::mortal(period, context.best_number.into()), nonce);
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
