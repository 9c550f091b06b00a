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
use sp_core::sr25519;
use sp_keystore::KeystorePtr;
use sp_runtime::generic::Era;
use valley_merkle_sum::{Commitment, Leaf, Proof, Salt};
use valley_operator::{
	http::HttpService,
	types::{FleetChange, RegistryEntry, Rules},
	worker::{BatchPhase, BatchView, Chain, ChainView, SlotView, Worker, WorkerConfig},
};
use valley_runtime::{opaque::Block, AccountId, RuntimeCall, UncheckedExtrinsic};

use crate::{mileage_rpc::SharedSnapshot, service::FullClient};
use pallet_mileage_runtime_api::MileageApi;

const LOG_TARGET: &str = "valley-operator";

/// How long the worker waits between two steps.
const STEP_EVERY: Duration = Duration::from_secs(2);

/// Blocks a signed proposal stays valid for, from the best block when it is signed (at most the
/// runtime's `ProposalLifetime`, 600).
const PROPOSAL_VALID_FOR: u32 = 60;

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
				owner_since_ms: v.owner_since,
				version: v.version,
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
			FleetChange::Transfer { vehicle, version, from, to } => {
				pallet_mileage::Change::Transfer {
					vehicle: vehicle.into(),
					version,
					from: from.into(),
					to: to.into(),
				}
			},
		};
		// The signed bytes are worth nothing after this block (the worker signs again if the
		// change is still needed by then).
		let valid_until = self.client.info().best_number.saturating_add(PROPOSAL_VALID_FOR);
		let payload =
			pallet_mileage::ProposalPayload { operator: self.oracle_id(), change, valid_until };
		let message =
			pallet_mileage::signed_message(pallet_mileage::PROPOSE_TAG, &self.genesis(), &payload);
		let signature = self.sign(&message)?;
		self.submit(pallet_mileage::Call::propose { payload, signature })
	}

	fn retired(&self, vehicles: &[[u8; 32]]) -> Result<Vec<[u8; 32]>, NodeChainError> {
		let at = self.client.info().finalized_hash;
		let api = self.client.runtime_api();
		let mut retired = Vec::new();
		for chunk in vehicles.chunks(1_000) {
			let ids = chunk.iter().map(|id| sp_core::H256(*id)).collect();
			retired.extend(api.retired(at, ids).map_err(api_error)?.into_iter().map(|id| id.0));
		}
		Ok(retired)
	}
}

/// Starts the operator's worker if the keystore holds an oracle key (it may be inserted later,
/// with `author_insertKey`); returns the proof snapshot it publishes after each step, for the
/// `mileage_proof` RPC.
pub fn start<P>(
	client: Arc<FullClient>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	url: String,
	spawn: &sc_service::SpawnTaskHandle,
) -> Result<SharedSnapshot, String>
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
	let worker = Arc::new(Mutex::new(Worker::with_config(config)));
	let snapshot = SharedSnapshot::default();
	let published = snapshot.clone();
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
				let (worker, service, published) =
					(worker.clone(), service.clone(), published.clone());
				let step = tokio::task::spawn_blocking(move || {
					// A step that panicked leaves the worker's lock poisoned: its state is
					// still the last step's whole state, and the worker goes on from it.
					let mut worker = worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
					let report = worker.step(&chain, &*service);
					// The RPC reads this until the next step, never the worker itself.
					let previous = published.read().map(|s| s.clone()).unwrap_or_default();
					let next = Arc::new(worker.snapshot(Some(&previous)));
					if let Ok(mut slot) = published.write() {
						*slot = next;
					}
					(report, chain.queue.into_inner().unwrap_or_default())
				})
				.await;
				// A failed step is logged and the worker goes on: it never ends silently.
				let (report, queue) = match step {
					Ok(done) => done,
					Err(error) => {
						log::error!(target: LOG_TARGET, "a worker step failed: {error}; going on");
						tokio::time::sleep(STEP_EVERY).await;
						continue;
					},
				};
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
	Ok(snapshot)
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
