//! `mileage_proof`, on an oracle operator's node: a car's leaf and proof in the newest batch whose
//! accepted root is this operator's, its behaviour factor there, and its readings that did not
//! count, with the reason. For the car's current owner only, on a request the owner signed for
//! this chain with a last valid time.
//!
//! The answer comes from the snapshot the worker publishes after each step
//! ([`valley_operator::snapshot::ProofSnapshot`]): the method never waits for the worker, whose
//! steps hold its state for seconds (HTTP reads, runtime calls), so a flood of requests cannot
//! stall the operator nor the node's RPC. Each connection may ask [`REQUESTS_PER_SECOND`] times a
//! second.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex, RwLock},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use codec::Encode;
use jsonrpsee::{
	core::async_trait,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
	ConnectionId, Extensions,
};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, Bytes, H256};
use valley_operator::{ledger::RejectedReading, snapshot::ProofSnapshot};
use valley_runtime::{opaque::Block, AccountId, Balance};

use pallet_mileage::PROOF_REQUEST_TAG;
use pallet_mileage_runtime_api::MileageApi as MileageRuntimeApi;

/// The snapshot the worker publishes after each step, read by [`MileageRpc`].
pub type SharedSnapshot = Arc<RwLock<Arc<ProofSnapshot>>>;

/// Proof requests a connection may make each second.
pub const REQUESTS_PER_SECOND: u32 = 5;

/// How far ahead a request's last valid time may be: a signature lives at most this long.
pub const MAX_REQUEST_VALIDITY_MS: u64 = 10 * 60 * 1_000;

/// Why a proof request is refused; each is a JSON-RPC error with its own code and the name
/// first in its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
	/// No vehicle is registered under this id.
	UnknownVehicle,
	/// The signature is not the vehicle's current owner's over this request.
	NotOwner,
	/// The request's last valid time passed.
	RequestExpired,
	/// The request's last valid time is more than [`MAX_REQUEST_VALIDITY_MS`] ahead.
	ValidityTooLong,
	/// More than [`REQUESTS_PER_SECOND`] requests a second on this connection.
	TooManyRequests,
	/// The runtime could not be asked.
	Runtime(String),
}

impl ProofError {
	fn code(&self) -> i32 {
		match self {
			Self::UnknownVehicle => 1,
			Self::NotOwner => 2,
			Self::RequestExpired => 3,
			Self::ValidityTooLong => 4,
			Self::TooManyRequests => 5,
			Self::Runtime(_) => -32000,
		}
	}

	fn message(&self) -> String {
		match self {
			Self::UnknownVehicle => "UnknownVehicle: no vehicle is registered under this id".into(),
			Self::NotOwner => "NotOwner: sign the request with the vehicle owner's key".into(),
			Self::RequestExpired => {
				"RequestExpired: the request's last valid time passed; sign a new one".into()
			},
			Self::ValidityTooLong => format!(
				"ValidityTooLong: a request may be valid for at most {} minutes",
				MAX_REQUEST_VALIDITY_MS / 60_000
			),
			Self::TooManyRequests => format!(
				"TooManyRequests: at most {REQUESTS_PER_SECOND} proof requests a second on one \
				 connection"
			),
			Self::Runtime(error) => format!("runtime API: {error}"),
		}
	}
}

impl From<ProofError> for ErrorObjectOwned {
	fn from(error: ProofError) -> Self {
		ErrorObject::owned(error.code(), error.message(), None::<()>)
	}
}

/// A leaf: the vehicle and its weight.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct LeafAnswer {
	/// `0x` + the vehicle id.
	pub vehicle: String,
	/// Its weight in the batch.
	pub weight: u64,
}

/// A sibling on the path to the root.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct NodeAnswer {
	/// `0x` + its hash.
	pub hash: String,
	/// The weights under it.
	pub sum: u64,
}

/// An inclusion proof.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProofPath {
	/// The leaf's index.
	pub leaf_index: u64,
	/// Its siblings, from the leaf up.
	pub siblings: Vec<NodeAnswer>,
}

/// The accepted commitment the proof verifies against.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct CommitmentAnswer {
	/// `0x` + the root.
	pub root: String,
	/// The batch's total weight.
	pub total: u64,
	/// Its number of leaves.
	pub count: u64,
}

/// A reading that did not count.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RejectedAnswer {
	/// The service's sequence number.
	pub seq: u64,
	/// The odometer it said.
	pub odometer_km: u64,
	/// The car's clock.
	pub timestamp_ms: u64,
	/// Why it did not count.
	pub reason: String,
}

/// `mileage_proof`'s answer. Without a leaf in the newest batch (no weight, or no batch accepted
/// yet) only `batch: null` and `rejected`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ProofAnswer {
	/// The batch.
	pub batch: Option<u64>,
	/// The car's leaf.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub leaf: Option<LeafAnswer>,
	/// `0x` + the leaf's salt.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub leaf_salt: Option<String>,
	/// The leaf's proof.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub proof: Option<ProofPath>,
	/// The batch's accepted commitment.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub commitment: Option<CommitmentAnswer>,
	/// The car's behaviour factor at the batch's cut-off, in parts per million (applied off
	/// chain to its weight; never on chain).
	#[serde(skip_serializing_if = "Option::is_none")]
	pub behaviour_ppm: Option<u32>,
	/// The car's last readings that did not count, oldest first.
	pub rejected: Vec<RejectedAnswer>,
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn rejected(readings: Vec<RejectedReading>) -> Vec<RejectedAnswer> {
	readings
		.into_iter()
		.map(|r| RejectedAnswer {
			seq: r.seq,
			odometer_km: r.odometer.into(),
			timestamp_ms: r.timestamp_ms,
			reason: format!("{:?}", r.reason),
		})
		.collect()
}

/// The answer for `vehicle` from `snapshot`.
pub fn answer(snapshot: &ProofSnapshot, vehicle: &H256) -> ProofAnswer {
	let rejected = rejected(snapshot.rejected(&vehicle.0));
	let Some(proof) = snapshot.proof_for(&vehicle.0) else {
		return ProofAnswer {
			batch: None,
			leaf: None,
			leaf_salt: None,
			proof: None,
			commitment: None,
			behaviour_ppm: None,
			rejected,
		};
	};
	ProofAnswer {
		batch: Some(proof.batch),
		leaf: Some(LeafAnswer { vehicle: hex(&proof.leaf.vehicle), weight: proof.leaf.weight }),
		leaf_salt: Some(hex(&proof.leaf_salt)),
		proof: Some(ProofPath {
			leaf_index: proof.proof.leaf_index,
			siblings: proof
				.proof
				.siblings
				.iter()
				.map(|node| NodeAnswer { hash: hex(&node.hash), sum: node.sum })
				.collect(),
		}),
		commitment: Some(CommitmentAnswer {
			root: hex(&proof.commitment.root),
			total: proof.commitment.total,
			count: proof.commitment.count,
		}),
		behaviour_ppm: Some(proof.behaviour.deconstruct() / 1_000),
		rejected,
	}
}

/// The bytes an owner signs to ask for `vehicle`'s proof on the chain with `genesis`, valid until
/// `valid_until_ms` (milliseconds since the Unix epoch): `(PROOF_REQUEST_TAG, genesis, vehicle,
/// valid_until_ms)` SCALE-encoded (16 + 32 + 32 + 8 bytes).
pub fn request_message(genesis: &H256, vehicle: &H256, valid_until_ms: u64) -> Vec<u8> {
	(PROOF_REQUEST_TAG, genesis, vehicle, valid_until_ms).encode()
}

/// Whether `signature` is `owner`'s (sr25519) over the request, either bare (as
/// `@polkadot/keyring` signs it) or wrapped in `<Bytes>…</Bytes>` (as the polkadot.js
/// extension's `signRaw` signs every message, so that no signed message can be a transaction).
pub fn owner_signed(
	owner: &AccountId,
	genesis: &H256,
	vehicle: &H256,
	valid_until_ms: u64,
	signature: &[u8],
) -> bool {
	use sp_runtime::traits::Verify;
	let Ok(signature) = sr25519::Signature::try_from(signature) else { return false };
	let Ok(public) = sr25519::Public::try_from(owner.as_ref()) else { return false };
	let message = request_message(genesis, vehicle, valid_until_ms);
	let wrapped = [&b"<Bytes>"[..], &message, b"</Bytes>"].concat();
	signature.verify(&message[..], &public) || signature.verify(&wrapped[..], &public)
}

/// Checks a request's last valid time against `now_ms`.
pub fn check_validity(valid_until_ms: u64, now_ms: u64) -> Result<(), ProofError> {
	if valid_until_ms < now_ms {
		return Err(ProofError::RequestExpired);
	}
	if valid_until_ms - now_ms > MAX_REQUEST_VALIDITY_MS {
		return Err(ProofError::ValidityTooLong);
	}
	Ok(())
}

/// At most `limit` requests per connection in any one-second window.
#[derive(Debug)]
pub struct RateLimiter {
	limit: u32,
	windows: Mutex<HashMap<usize, (Instant, u32)>>,
}

impl RateLimiter {
	/// `limit` requests a second per connection.
	pub fn new(limit: u32) -> Self {
		Self { limit, windows: Mutex::new(HashMap::new()) }
	}

	/// Counts a request of `connection` at `now`; whether it is within the limit.
	pub fn allow(&self, connection: usize, now: Instant) -> bool {
		let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		// Connections that asked nothing for a second are forgotten: the map stays as small as
		// the connections asking now.
		if windows.len() > 1_024 {
			windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(1));
		}
		let (start, count) = windows.entry(connection).or_insert((now, 0));
		if now.duration_since(*start) >= Duration::from_secs(1) {
			(*start, *count) = (now, 0);
		}
		*count = count.saturating_add(1);
		*count <= self.limit
	}
}

/// The mileage RPC of an operator's node.
#[rpc(server, namespace = "mileage")]
pub trait MileageRpc {
	/// `vehicle`'s leaf, leaf salt and proof in the newest batch whose accepted root is this
	/// operator's, that root, its behaviour factor at the batch's cut-off and its readings that
	/// did not count. `signature`: the vehicle's current owner's sr25519 signature over
	/// [`request_message`]`(genesis hash, vehicle, valid_until_ms)`.
	#[method(name = "proof", with_extensions)]
	async fn proof(
		&self,
		vehicle: H256,
		valid_until_ms: u64,
		signature: Bytes,
	) -> Result<ProofAnswer, ProofError>;
}

/// Serves [`MileageRpcServer`] from the worker's snapshot.
pub struct MileageRpc<C> {
	client: Arc<C>,
	snapshot: SharedSnapshot,
	limiter: RateLimiter,
}

impl<C> MileageRpc<C> {
	/// Over `client` and the worker's `snapshot`.
	pub fn new(client: Arc<C>, snapshot: SharedSnapshot) -> Self {
		Self { client, snapshot, limiter: RateLimiter::new(REQUESTS_PER_SECOND) }
	}
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

#[async_trait]
impl<C> MileageRpcServer for MileageRpc<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MileageRuntimeApi<Block, H256, AccountId, Balance>,
{
	async fn proof(
		&self,
		ext: &Extensions,
		vehicle: H256,
		valid_until_ms: u64,
		signature: Bytes,
	) -> Result<ProofAnswer, ProofError> {
		let connection = ext.get::<ConnectionId>().map_or(usize::MAX, |id| id.0);
		if !self.limiter.allow(connection, Instant::now()) {
			return Err(ProofError::TooManyRequests);
		}
		check_validity(valid_until_ms, now_ms())?;
		let info = self.client.info();
		let owner = self
			.client
			.runtime_api()
			.vehicle(info.best_hash, vehicle)
			.map_err(|e| ProofError::Runtime(e.to_string()))?
			.ok_or(ProofError::UnknownVehicle)?
			.owner;
		if !owner_signed(&owner, &info.genesis_hash, &vehicle, valid_until_ms, &signature) {
			return Err(ProofError::NotOwner);
		}
		let snapshot =
			self.snapshot.read().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone());
		Ok(answer(&snapshot, &vehicle))
	}
}

#[cfg(test)]
mod tests {
	use sp_core::crypto::Pair as _;

	use super::*;

	fn request() -> (sr25519::Pair, AccountId, H256, H256, u64, Vec<u8>) {
		let owner = sr25519::Pair::from_string("//Bob", None).unwrap();
		let account = AccountId::from(owner.public());
		let (genesis, vehicle) = (H256::repeat_byte(1), H256::repeat_byte(2));
		let valid_until = 1_700_000_000_000;
		let message = request_message(&genesis, &vehicle, valid_until);
		(owner, account, genesis, vehicle, valid_until, message)
	}

	#[test]
	fn the_owner_signs_the_request_bare_or_as_the_extension_wraps_it() {
		let (owner, account, genesis, vehicle, until, message) = request();
		assert_eq!(message.len(), 16 + 32 + 32 + 8);
		let bare = owner.sign(&message);
		let wrapped = owner.sign(&[&b"<Bytes>"[..], &message, b"</Bytes>"].concat());
		assert!(owner_signed(&account, &genesis, &vehicle, until, bare.as_ref()));
		assert!(owner_signed(&account, &genesis, &vehicle, until, wrapped.as_ref()));
	}

	#[test]
	fn a_stranger_another_vehicle_another_deadline_or_wrapping_is_refused() {
		let (owner, account, genesis, vehicle, until, message) = request();
		let signed = owner.sign(&message);
		let stranger = sr25519::Pair::from_string("//Eve", None).unwrap();
		assert!(!owner_signed(
			&account,
			&genesis,
			&vehicle,
			until,
			stranger.sign(&message).as_ref()
		));
		let other = H256::repeat_byte(3);
		assert!(!owner_signed(&account, &genesis, &other, until, signed.as_ref()));
		// The deadline is signed: a later one is another request.
		assert!(!owner_signed(&account, &genesis, &vehicle, until + 1, signed.as_ref()));
		assert!(!owner_signed(&account, &H256::repeat_byte(9), &vehicle, until, signed.as_ref()));
		let tagged = owner.sign(&[&b"<Wrapped>"[..], &message, b"</Wrapped>"].concat());
		assert!(!owner_signed(&account, &genesis, &vehicle, until, tagged.as_ref()));
		assert!(!owner_signed(&account, &genesis, &vehicle, until, &[0u8; 12]));
	}

	#[test]
	fn a_request_is_valid_until_its_time_and_for_at_most_ten_minutes() {
		let now = 1_000_000;
		for (until, expected) in [
			(now, Ok(())),
			(now + MAX_REQUEST_VALIDITY_MS, Ok(())),
			(now - 1, Err(ProofError::RequestExpired)),
			(0, Err(ProofError::RequestExpired)),
			(now + MAX_REQUEST_VALIDITY_MS + 1, Err(ProofError::ValidityTooLong)),
			(u64::MAX, Err(ProofError::ValidityTooLong)),
		] {
			assert_eq!(check_validity(until, now), expected, "{until}");
		}
	}

	#[test]
	fn each_connection_asks_at_most_its_limit_a_second() {
		let limiter = RateLimiter::new(3);
		let start = Instant::now();
		let allowed: Vec<bool> = (0..5).map(|_| limiter.allow(1, start)).collect();
		assert_eq!(allowed, [true, true, true, false, false]);
		// Another connection has its own window; the first gets a new one a second later.
		assert!(limiter.allow(2, start));
		assert!(limiter.allow(1, start + Duration::from_millis(1_000)));
	}

	#[test]
	fn errors_carry_their_name_and_code() {
		let error: ErrorObjectOwned = ProofError::RequestExpired.into();
		assert_eq!(error.code(), 3);
		assert!(error.message().starts_with("RequestExpired:"));
		let error: ErrorObjectOwned = ProofError::TooManyRequests.into();
		assert_eq!(error.code(), 5);
	}
}
