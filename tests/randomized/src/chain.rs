//! Driving the runtime as the node does: the genesis of the `development` preset, blocks through
//! the executive (Aura's pre-digest, the timestamp and beacon inherents, the hooks), and
//! transactions signed as wallets and the oracle worker sign them.

use codec::Encode;
use sp_core::{crypto::VrfSecret, sr25519, Pair, H256};
use sp_runtime::{
	generic::{Era, SignedPayload},
	traits::Header as _,
	ApplyExtrinsicResult, BuildStorage, MultiSignature,
};
use valley_runtime::{
	configs::{tx_extension, BlockHashCount},
	genesis_config_presets, AccountId, BlockNumber, Executive, Header, Nonce, RuntimeCall,
	RuntimeGenesisConfig, UncheckedExtrinsic, SLOT_DURATION,
};

/// The slot of the first block: in 2027, as in the runtime's tests.
pub const SLOT_0: u64 = 1_800_000_000_000 / SLOT_DURATION;

/// The full genesis config of a preset, as the node's chain-spec builder makes it.
fn preset_config(name: &str) -> RuntimeGenesisConfig {
	genesis_config_presets::full_config(name).expect("the preset exists and is valid")
}

/// Reads no runtime version: there is no wasm executor here. `set_code` and upgrades that check
/// the version fail as they would for a blob that is not a runtime.
struct NoRuntimeVersion;

impl sp_core::traits::ReadRuntimeVersion for NoRuntimeVersion {
	fn read_runtime_version(
		&self,
		_wasm_code: &[u8],
		_ext: &mut dyn sp_core::traits::Externalities,
	) -> Result<Vec<u8>, String> {
		Err("no wasm executor in the randomized run".into())
	}
}

/// The state of the `development` preset's genesis, before block 1.
pub fn genesis() -> sp_io::TestExternalities {
	let storage = preset_config("development").build_storage().expect("the genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_core::traits::ReadRuntimeVersionExt::new(NoRuntimeVersion));
	ext
}

/// Aura's pre-runtime digest for `slot`.
fn aura_digest(slot: u64) -> sp_runtime::Digest {
	sp_runtime::Digest {
		logs: vec![sp_runtime::DigestItem::PreRuntime(
			sp_consensus_aura::AURA_ENGINE_ID,
			sp_consensus_aura::Slot::from(slot).encode(),
		)],
	}
}

/// The chain time of `slot`, in milliseconds.
pub fn time_of(slot: u64) -> u64 {
	slot * SLOT_DURATION
}

/// Starts block `n` in `slot` on top of `parent` through the executive (`on_initialize`: batches
/// close) and applies its timestamp inherent.
pub fn start_block(n: BlockNumber, slot: u64, parent: H256) {
	let header = Header::new(n, Default::default(), Default::default(), parent, aura_digest(slot));
	Executive::initialize_block(&header);
	let timestamp =
		UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
			now: time_of(slot),
		}));
	let applied = Executive::apply_extrinsic(timestamp);
	assert!(matches!(applied, Ok(Ok(()))), "block {n}: the timestamp inherent failed: {applied:?}");
}

/// `pair`'s beacon VRF over `previous` randomness and `slot`.
pub fn vrf(pair: &sr25519::Pair, previous: &H256, slot: u64) -> pallet_beacon::BeaconVrf {
	let transcript = pallet_beacon_primitives::vrf_transcript(previous, slot);
	pair.vrf_sign(&transcript.into_sign_data()).into()
}

/// Applies `xt` as the block builder does: its changes stay only if it is valid (the outcome of
/// its call aside); an invalid one is left out of the block and changes nothing.
pub fn apply(xt: UncheckedExtrinsic) -> ApplyExtrinsicResult {
	sp_io::storage::start_transaction();
	let result = Executive::apply_extrinsic(xt);
	if result.is_ok() {
		sp_io::storage::commit_transaction();
	} else {
		sp_io::storage::rollback_transaction();
	}
	result
}

/// Ends the current block (`on_idle`, `on_finalize`); returns its header's hash, the next block's
/// parent.
pub fn finish_block() -> H256 {
	Executive::finalize_block().hash()
}

/// The mortality of wallets' transactions (as `valley_runtime::transactions`): about
/// `BlockHashCount / 2` blocks from the parent block.
fn mortality(n: BlockNumber) -> Era {
	let period =
		BlockHashCount::get().checked_next_power_of_two().map(|c| c / 2).unwrap_or(2) as u64;
	Era::mortal(period, u64::from(n.saturating_sub(1)))
}

/// `call` as a transaction of `signer` with `nonce` in block `n`, signed with `key` (the
/// signer's own key, or another for a forged one).
pub fn signed(
	call: RuntimeCall,
	signer: &AccountId,
	key: &sr25519::Pair,
	nonce: Nonce,
	n: BlockNumber,
) -> UncheckedExtrinsic {
	let tx_ext = tx_extension(mortality(n), nonce);
	// The implicit part (genesis and era block hashes, versions) from the runtime itself.
	let payload = SignedPayload::new(call.clone(), tx_ext.clone())
		.expect("the extensions' implicit data is available in a started block");
	let signature = payload.using_encoded(|payload| key.sign(payload));
	UncheckedExtrinsic::new_signed(
		call,
		signer.clone().into(),
		MultiSignature::Sr25519(signature),
		tx_ext,
	)
}

/// `call` as a general transaction (no signer, no nonce, no fee): how the oracle worker sends its
/// authorized feeds.
pub fn general(call: RuntimeCall) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_transaction(call, tx_extension(Era::Immortal, 0))
}
