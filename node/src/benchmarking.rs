//! Extrinsics for the `benchmark overhead` and `benchmark extrinsic` commands, signed as a real
//! wallet would sign them.

use std::{sync::Arc, time::Duration};

use frame_benchmarking_cli::ExtrinsicBuilder;
use sc_cli::Result;
use sp_core::sr25519;
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::OpaqueExtrinsic;
use valley_runtime::{self as runtime, AccountId, Balance, BalancesCall, SystemCall};

use crate::service::FullClient;

/// Builds `System::remark` extrinsics, the cheapest signed transaction.
pub struct RemarkBuilder {
	client: Arc<FullClient>,
}

impl RemarkBuilder {
	/// A builder signing with Alice.
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}
}

impl ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call = SystemCall::remark { remark: vec![] }.into();
		Ok(signed_extrinsic(&self.client, Sr25519Keyring::Bob.pair(), call, nonce).into())
	}
}

/// Builds `Balances::transfer_keep_alive` extrinsics.
pub struct TransferKeepAliveBuilder {
	client: Arc<FullClient>,
	dest: AccountId,
	value: Balance,
}

impl TransferKeepAliveBuilder {
	/// A builder sending `value` to `dest`.
	pub fn new(client: Arc<FullClient>, dest: AccountId, value: Balance) -> Self {
		Self { client, dest, value }
	}
}

impl ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call =
			BalancesCall::transfer_keep_alive { dest: self.dest.clone().into(), value: self.value }
				.into();
		Ok(signed_extrinsic(&self.client, Sr25519Keyring::Bob.pair(), call, nonce).into())
	}
}

/// A transaction signed by `sender` with every extension of the runtime, valid at the best block.
pub fn signed_extrinsic(
	client: &FullClient,
	sender: sr25519::Pair,
	call: runtime::RuntimeCall,
	nonce: u32,
) -> runtime::UncheckedExtrinsic {
	let info = client.chain_info();
	let context = runtime::transactions::SigningContext {
		genesis_hash: info.genesis_hash,
		best_hash: info.best_hash,
		best_number: info.best_number,
	};
	runtime::transactions::signed(call, &sender, nonce, &context)
}

/// The inherent data of a benchmark block on the best block: a timestamp at the Unix epoch
/// (Aura's slot 0) and the beacon's VRF by that slot's author, which must be a development
/// authority (//Alice on `dev`, //Validator1 on `local`).
pub fn inherent_benchmark_data(client: &FullClient) -> Result<InherentData> {
	use sp_keystore::{testing::MemoryKeystore, Keystore, KeystorePtr};
	let mut inherent_data = InherentData::new();
	let d = Duration::from_millis(0);
	let timestamp = sp_timestamp::InherentDataProvider::new(d.into());

	let keystore = MemoryKeystore::new();
	for suri in ["//Alice", "//Validator1"] {
		keystore
			.sr25519_generate_new(sp_core::crypto::key_types::AURA, Some(suri))
			.map_err(|e| format!("development key {suri}: {e}"))?;
	}
	let keystore: KeystorePtr = std::sync::Arc::new(keystore);
	let beacon = crate::beacon::InherentDataProvider::for_slot(
		client,
		&keystore,
		sp_blockchain::HeaderBackend::info(client).best_hash,
		0.into(),
	)
	.map_err(|e| format!("beacon VRF: {e}"))?;

	futures::executor::block_on(async {
		timestamp.provide_inherent_data(&mut inherent_data).await?;
		beacon.provide_inherent_data(&mut inherent_data).await
	})
	.map_err(|e| format!("creating inherent data: {e:?}"))?;
	if inherent_data
		.get_data::<pallet_beacon_primitives::BeaconVrf>(
			&pallet_beacon_primitives::INHERENT_IDENTIFIER,
		)
		.ok()
		.flatten()
		.is_none()
	{
		return Err(
			"the chain's slot-0 authority is not a development key (//Alice or //Validator1): \
		            run overhead benchmarks on the dev or local chain"
				.into(),
		);
	}
	Ok(inherent_data)
}
