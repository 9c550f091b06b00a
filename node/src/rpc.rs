//! The node's RPC methods beyond Substrate's defaults: account nonces and fee queries, which
//! polkadot.js uses to sign and to show fees, and on an oracle operator's node `mileage_proof`:
//! a car's leaf and proof in the newest accepted batch, for its owner only.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use valley_runtime::{opaque::Block, AccountId, Balance, Nonce};

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The operator's worker, on a node that runs one.
	pub operator: Option<crate::operator::SharedWorker>,
}

/// The RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ pallet_mileage_runtime_api::MileageApi<Block, sp_core::H256, AccountId, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, operator } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	if let Some(worker) = operator {
		module.merge(mileage_proof(client, worker)?)?;
	}

	Ok(module)
}

/// `mileage_proof(vehicle, signature)`: the vehicle's leaf, leaf salt and proof in the newest batch
/// whose accepted root is this operator's, that root, and the vehicle's readings that did not
/// count with the reason. Only for the vehicle's current owner: `signature` is its sr25519
/// signature over `("valley/mi/prooff", genesis hash, vehicle)`, SCALE-encoded. Nobody else learns
/// a car's weight.
fn mileage_proof<C>(
	client: Arc<C>,
	worker: crate::operator::SharedWorker,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: pallet_mileage_runtime_api::MileageApi<Block, sp_core::H256, AccountId, Balance>,
{
	use jsonrpsee::types::ErrorObjectOwned;
	use pallet_mileage_runtime_api::MileageApi;
	use serde_json::json;

	fn error(code: i32, message: &str) -> ErrorObjectOwned {
		ErrorObjectOwned::owned(code, message.to_string(), None::<()>)
	}
	fn hex(bytes: &[u8]) -> String {
		format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
	}

	let mut module = RpcModule::new(());
	module.register_method("mileage_proof", move |params, _, _| {
		let (vehicle, signature): (sp_core::H256, sp_core::Bytes) =
			params.parse().map_err(|_| error(-32602, "expected [vehicle, signature]"))?;
		let info = client.info();
		let owner = client
			.runtime_api()
			.vehicle(info.best_hash, vehicle)
			.map_err(|e| error(-32000, &format!("runtime API: {e}")))?
			.ok_or_else(|| error(1, "UnknownVehicle: no vehicle is registered under this id"))?
			.owner;
		if !crate::operator::owner_signed(&owner, &info.genesis_hash, &vehicle, &signature) {
			return Err(error(2, "NotOwner: sign the request with the vehicle owner's key"));
		}
		let worker = worker.lock().map_err(|_| error(-32000, "the operator worker stopped"))?;
		let rejected: Vec<_> = worker
			.rejected(&vehicle.0)
			.into_iter()
			.map(|r| {
				json!({
					"seq": r.seq,
					"odometerKm": r.odometer,
					"timestampMs": r.timestamp_ms,
					"reason": format!("{:?}", r.reason),
				})
			})
			.collect();
		let Some(proof) = worker.proof_for(&vehicle.0) else {
			return Ok(json!({ "batch": null, "rejected": rejected }));
		};
		Ok::<_, ErrorObjectOwned>(json!({
			"batch": proof.batch,
			"leaf": { "vehicle": hex(&proof.leaf.vehicle), "weight": proof.leaf.weight },
			"leafSalt": hex(&proof.leaf_salt),
			"proof": {
				"leafIndex": proof.proof.leaf_index,
				"siblings": proof.proof.siblings.iter()
					.map(|n| json!({ "hash": hex(&n.hash), "sum": n.sum }))
					.collect::<Vec<_>>(),
			},
			"commitment": {
				"root": hex(&proof.commitment.root),
				"total": proof.commitment.total,
				"count": proof.commitment.count,
			},
			"rejected": rejected,
		}))
	})?;
	Ok(module)
}
