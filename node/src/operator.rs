//! The oracle operator's service, run by a node started with `--telematics-url` whose keystore
//! holds an oracle key (`orcl`) of a current operator: the `valley-operator` worker against this
//! node's client, transaction pool and keystore, one step every two seconds on its own thread.
//!
//! It reads the chain at the finalized head (batches in flight, the registry of a batch's close
//! block, the rules and the operators) through the mileage runtime API, signs commitments and
//! proposals with the `orcl` key over the genesis hash, and queues them and claims; after the step
//! (blocking: HTTP and runtime calls, on a blocking thread) the async loop submits the queue to the
//! pool as the fee-free authorized transactions the runtime validates. Submitting from inside the
//! blocking step (a nested executor waiting on the pool's async locks) stalled the pool and, with
//! it, block production. The worker's state is in memory:
//! after a restart it reads the service from its first reading again and rebuilds the same roots.

use std::{
	sync::{Arc, Mutex},
	time::Duration,
};

use codec::{Decode, Encode};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::ByteArray, sr25519};
use sp_keystore::KeystorePtr;
use sp_runtime::generic::Era;
use valley_merkle_sum::{Commitment, Leaf, Proof, Salt};
use valley_operator::{
	http::HttpService,
	types::{FleetChange, RegistryEntry, Rules},
	worker::{BatchPhase, BatchView, Chain, ChainView, SlotView, Worker, WorkerConfig},
};
use valley_runtime::{opaque::Block, AccountId, RuntimeCall, UncheckedExtrinsic};

use crate::service::FullClient;
use pallet_mileage_runtime_api::MileageApi;

const LOG_TARGET: &str = "valley-operator";

/// How long the worker waits between two steps.
const STEP_EVERY: Duration = Duration::from_secs(2);

/// The worker shared with the `mileage_proof` RPC.
pub type SharedWorker = Arc<Mutex<Worker>>;

/// Why reading the chain or submitting to it failed (logged through `Debug`).
#[derive(Debug)]
#[allow(dead_code)]
pub enum NodeChainError {
	/// A runtime API call failed.
	Api(String),
	/// A block the worker asked for is not known.
	UnknownBlock(u32),
	/// The keystore did not sign.
	Signing,
	/// The pool refused the transaction.
	Pool(String),
}

/// The chain as this node sees it, the operator key it signs with, and the transactions a step
/// queued for the pool.
pub struct NodeChain {
	client: Arc<FullClient>,
	keystore: KeystorePtr,
	key: sr25519::Public,
	queue: Mutex<Vec<sp_runtime::OpaqueExtrinsic>>,
}

/// `Timestamp::Now`'s storage key.
fn timestamp_key() -> Vec<u8> {
	[sp_io::hashing::twox_128(b"Timestamp"), sp_io::hashing::twox_128(b"Now")].concat()
}

impl NodeChain {
	fn account(&self) -> AccountId {
		AccountId::from(self.key.0)
	}

	fn genesis(&self) -> <Block as sp_runtime::traits::Block>::Hash {
		self.client.info().genesis_hash
	}

	fn oracle_id(&self) -> pallet_mileage::crypto::Public {
		pallet_mileage::crypto::Public::from(self.key)
	}

	fn sign(&self, message: &[u8]) -> Result<pallet_mileage::crypto::Signature, NodeChainError> {
		let signature = self
			.keystore
			.sr25519_sign(pallet_mileage::KEY_TYPE, &self.key, message)
			.ok()
			.flatten()
			.ok_or(NodeChainError::Signing)?;
		Ok(pallet_mileage::crypto::Signature::from(signature))
	}

	/// Queues `call` as a general transaction with every extension and no signer: authorized
	/// by the call itself (`#[pallet::authorize]`).
	fn submit(
		&self,
		call: pallet_mileage::Call<valley_runtime::Runtime>,
	) -> Result<(), NodeChainError> {
		let call = RuntimeCall::Mileage(call);
		let xt = UncheckedExtrinsic::new_transaction(
			call,
			valley_runtime::configs::tx_extension(Era::Immortal, 0),
		);
		let opaque = sp_runtime::OpaqueExtrinsic::try_from_encoded_extrinsic(&xt.encode())
			.map_err(|e| NodeChainError::Pool(e.to_string()))?;
		self.queue.lock().map_err(|_| NodeChainError::Pool("poisoned".into()))?.push(opaque);
		Ok(())
	}
}

fn api_error(e: impl std::fmt::Debug) -> NodeChainError {
	NodeChainError::Api(format!("{e:?}"))
}

impl Chain for NodeChain {
	type Error = NodeChainError;

	fn view(&self) -> Result<ChainView, NodeChainError> {
		let info = self.client.info();
		let at = info.finalized_hash;
		let api = self.client.runtime_api();
		let rules = api.rules(at).map_err(api_error)?;
		let operators = api.operators(at).map_err(api_error)?;
		let timestamp_ms = sc_client_api::StorageProvider::storage(
			&*self.client,
			at,
			&sp_core::storage::StorageKey(timestamp_key()),
		)
		.map_err(api_error)?
		.and_then(|data| u64::decode(&mut &data.0[..]).ok())
		.unwrap_or_default();
		let me = self.account();
		let batches = api
			.batches(at)
			.map_err(api_error)?
			.into_iter()
			.map(|b| BatchView {
				batch: b.batch,
				closed_at: b.closed_at,
				close_ms: b.close_ms,
				phase: match b.phase {
					pallet_mileage_runtime_api::Phase::Committing => BatchPhase::Committing,
					pallet_mileage_runtime_api::Phase::Accepted => BatchPhase::Accepted,
					pallet_mileage_runtime_api::Phase::Drawing => BatchPhase::Drawing {
						slots: b
							.slots
							.iter()
							.map(|s| SlotView { slot: s.slot, point: s.point, claimed: !s.open })
							.collect(),
					},
				},
				commit_until: b.commit_until,
				committed_by_me: b.committed.contains(&me),
				accepted: b.commitment.map(|(root, total, count)| Commitment {
					root,
					total,
					count,
				}),
			})
			.collect();
		Ok(ChainView {
			finalized: info.finalized_number,
			timestamp_ms,
			rules: Rules {
				daily_cap_km: rules.daily_cap_km,
				max_speed_kmh: rules.max_speed_kmh,
				tolerance_km: rules.tolerance_km,
			},
			batches,
			is_operator: operators.contains(&me),
		})
	}

	fn registry_at(&self, block: u32) -> Result<Vec<RegistryEntry>, NodeChainError> {
		let at = self
			.client
			.hash(block)
			.map_err(api_error)?
			.ok_or(NodeChainError::UnknownBlock(block))?;
		let api = self.client.runtime_api();
		let mut entries = Vec::new();
		let mut after = None;
		loop {
			let page = api.vehicles(at, after, 1_000).map_err(api_error)?;
			let Some((last, _)) = page.last() else { break };
			after = Some(*last);
			entries.extend(page.into_iter().map(|(vehicle, v)| RegistryEntry {
				vehicle: vehicle.0,
				owner: v.owner.into(),
				activation_ms: v.activation,
				behaviour: v.behaviour,
			}));
		}
		Ok(entries)
	}

	fn commit(&self, batch: u64, commitment: Commitment) -> Result<(), NodeChainError> {
		let payload =
			pallet_mileage::CommitmentPayload { operator: self.oracle_id(), batch, commitment };
		let message =
			pallet_mileage::signed_message(pallet_mileage::COMMIT_TAG, &self.genesis(), &payload);
		let signature = self.sign(&message)?;
		self.submit(pallet_mileage::Call::commit { payload, signature })
	}

	fn claim(
		&self,
		batch: u64,
		slot: u32,
		leaf: Leaf,
		leaf_salt: Salt,
		proof: Proof,
	) -> Result<(), NodeChainError> {
		self.submit(pallet_mileage::Call::claim { batch, slot, leaf, leaf_salt, proof })
	}

	fn propose(&self, change: FleetChange) -> Result<(), NodeChainError> {
		let change = match change {
			FleetChange::Register { vehicle, owner, activation_ms } => {
				pallet_mileage::Change::Register {
					vehicle: vehicle.into(),
					owner: owner.into(),
					activation: activation_ms,
				}
			},
			FleetChange::Transfer { vehicle, to } => {
				pallet_mileage::Change::Transfer { vehicle: vehicle.into(), to: to.into() }
			},
			FleetChange::Deregister { vehicle } => {
				pallet_mileage::Change::Deregister { vehicle: vehicle.into() }
			},
			FleetChange::Behaviour { vehicle, factor } => {
				pallet_mileage::Change::Behaviour { vehicle: vehicle.into(), factor }
			},
		};
		let payload = pallet_mileage::ProposalPayload { operator: self.oracle_id(), change };
		let message =
			pallet_mileage::signed_message(pallet_mileage::PROPOSE_TAG, &self.genesis(), &payload);
		let signature = self.sign(&message)?;
		self.submit(pallet_mileage::Call::propose { payload, signature })
	}
}

/// Starts the operator's worker if the keystore holds an oracle key (it may be inserted later,
/// with `author_insertKey`); returns the worker for the RPC.
pub fn start<P>(
	client: Arc<FullClient>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	url: String,
	spawn: &sc_service::SpawnTaskHandle,
) -> Result<SharedWorker, String>
where
	P: TransactionPool<Block = Block> + 'static,
{
	let service = Arc::new(
		HttpService::new(url.clone(), Duration::from_secs(5))
			.map_err(|e| format!("{url}: {e:?}"))?,
	);
	// The worker reads the finalized head, a few blocks behind what it sent: a transaction is
	// sent again only after 30 s without it showing there. The fleet is compared with the whole
	// registry (1,000 cars a runtime call) every 30 s, not every step.
	let config =
		WorkerConfig { resend_after_steps: 15, fleet_every_steps: 15, ..Default::default() };
	let worker: SharedWorker = Arc::new(Mutex::new(Worker::with_config(config)));
	let shared = worker.clone();
	spawn.spawn("valley-operator", Some("oracle"), async move {
		loop {
			let key = keystore.sr25519_public_keys(pallet_mileage::KEY_TYPE).into_iter().next();
			if let Some(key) = key {
				let chain = NodeChain {
					client: client.clone(),
					keystore: keystore.clone(),
					key,
					queue: Mutex::new(Vec::new()),
				};
				let (worker, service) = (shared.clone(), service.clone());
				let step = tokio::task::spawn_blocking(move || {
					let report =
						worker.lock().map(|mut w| w.step(&chain, &*service)).map_err(|_| ());
					(report, chain.queue.into_inner().unwrap_or_default())
				})
				.await;
				let Ok((Ok(report), queue)) = step else { return };
				log_report(report);
				let at = client.info().best_hash;
				for xt in queue {
					if let Err(error) = pool.submit_one(at, TransactionSource::Local, xt).await {
						log::debug!(target: LOG_TARGET, "the pool refused a transaction: {error}");
					}
				}
			}
			tokio::time::sleep(STEP_EVERY).await;
		}
	});
	log::info!(target: LOG_TARGET, "the operator worker reads the telematics service at {url}");
	Ok(worker)
}

fn log_report(
	report: Result<
		valley_operator::worker::StepReport<NodeChainError>,
		valley_operator::worker::WorkerError<NodeChainError>,
	>,
) {
	match report {
		Ok(report) => {
			for problem in &report.problems {
				log::warn!(target: LOG_TARGET, "{problem:?}");
			}
			let busy = !report.built.is_empty()
				|| !report.committed.is_empty()
				|| !report.claimed.is_empty()
				|| !report.proposed.is_empty();
			if busy {
				log::info!(
					target: LOG_TARGET,
					"read {} readings; built {:?}; committed {:?}; claimed {:?}; proposed {}",
					report.read,
					report.built.iter().map(|(b, c)| (b, c.total, c.count)).collect::<Vec<_>>(),
					report.committed,
					report.claimed,
					report.proposed.len(),
				);
			}
		},
		Err(error) => log::warn!(target: LOG_TARGET, "step failed: {error:?}"),
	}
}

/// Whether `signature` is the owner's (sr25519) over the proof request of `vehicle` on the chain
/// with `genesis`: `("valley/mi/prooff", genesis, vehicle)` SCALE-encoded, either bare (as
/// `@polkadot/keyring` signs it) or wrapped in `<Bytes>…</Bytes>` (as the polkadot.js extension's
/// `signRaw` signs every message, so that no signed message can be a transaction).
pub fn owner_signed(
	owner: &AccountId,
	genesis: &<Block as sp_runtime::traits::Block>::Hash,
	vehicle: &sp_core::H256,
	signature: &[u8],
) -> bool {
	use sp_runtime::traits::Verify;
	let Ok(signature) = sr25519::Signature::from_slice(signature) else { return false };
	let Ok(public) = sr25519::Public::from_slice(owner.as_ref()) else { return false };
	let message = (PROOF_REQUEST_TAG, genesis, vehicle).encode();
	let wrapped = [&b"<Bytes>"[..], &message, b"</Bytes>"].concat();
	signature.verify(&message[..], &public) || signature.verify(&wrapped[..], &public)
}

/// The domain tag of an owner's proof request.
pub const PROOF_REQUEST_TAG: &[u8; 16] = b"valley/mi/prooff";

#[cfg(test)]
mod tests {
	use sp_core::{crypto::Pair as _, H256};

	use super::*;

	fn request() -> (sr25519::Pair, AccountId, H256, H256, Vec<u8>) {
		let owner = sr25519::Pair::from_string("//Bob", None).unwrap();
		let account = AccountId::from(owner.public());
		let (genesis, vehicle) = (H256::repeat_byte(1), H256::repeat_byte(2));
		let message = (PROOF_REQUEST_TAG, genesis, vehicle).encode();
		(owner, account, genesis, vehicle, message)
	}

	#[test]
	fn the_owner_signs_the_request_bare_or_as_the_extension_wraps_it() {
		let (owner, account, genesis, vehicle, message) = request();
		let bare = owner.sign(&message);
		let wrapped = owner.sign(&[&b"<Bytes>"[..], &message, b"</Bytes>"].concat());
		assert!(owner_signed(&account, &genesis, &vehicle, bare.as_ref()));
		assert!(owner_signed(&account, &genesis, &vehicle, wrapped.as_ref()));
	}

	#[test]
	fn a_stranger_another_vehicle_or_another_wrapping_is_refused() {
		let (owner, account, genesis, vehicle, message) = request();
		let stranger = sr25519::Pair::from_string("//Eve", None).unwrap();
		assert!(!owner_signed(&account, &genesis, &vehicle, stranger.sign(&message).as_ref()));
		let other = H256::repeat_byte(3);
		assert!(!owner_signed(&account, &genesis, &other, owner.sign(&message).as_ref()));
		let tagged = owner.sign(&[&b"<Wrapped>"[..], &message, b"</Wrapped>"].concat());
		assert!(!owner_signed(&account, &genesis, &vehicle, tagged.as_ref()));
		assert!(!owner_signed(&account, &genesis, &vehicle, &[0u8; 12]));
	}
}
