//! The oracle operators' off-chain worker: it reads new odometer readings from the car maker's
//! telematics service and feeds them to the chain.
//!
//! It runs after every imported block on nodes started with off-chain workers (the default for
//! validators) whose keystore holds an oracle key ([`KEY_TYPE`], inserted with
//! `valley-node key insert --key-type orcl`) of a current oracle operator, and reads the service
//! at the URL in the node's offchain storage under [`URL_KEY`] (set by the node's
//! `--telematics-url` flag or the `offchain_localStorageSet` RPC).
//!
//! Exactly once: the chain keeps each operator's cursor ([`FeedCursor`]), the service's sequence
//! number up to which it has fed, and takes a feed only if it continues from there. The worker
//! asks the service for the readings after the cursor, feeds each known vehicle's latest
//! odometer ([`telematics::feed`]) up to a new cursor, and waits until the chain has taken it
//! (or [`RESUBMIT_AFTER`] blocks have passed) before it sends the next one. A restarted worker
//! (or a node whose offchain storage was lost) starts again from the chain's cursor: nothing is
//! fed twice, nothing is skipped. A lock in offchain storage keeps two runs of the worker on one
//! node from overlapping.

use alloc::{format, string::String, vec::Vec};
use codec::Encode;
use frame_support::{
	traits::{Get, SortedMembers},
	BoundedVec,
};
use frame_system::{offchain::SubmitTransaction, pallet_prelude::BlockNumberFor};
use sp_runtime::{
	offchain::{
		http,
		storage::StorageValueRef,
		storage_lock::{BlockAndTime, StorageLock},
		Duration, StorageKind,
	},
	traits::{IdentifyAccount, Saturating},
	RuntimeAppPublic,
};

use crate::{pallet::*, telematics, FeedPayload, VehicleId};

/// The key type of oracle operators' keys: `orcl`.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"orcl");

/// Where the node keeps the telematics service's base URL (persistent offchain storage, UTF-8).
pub const URL_KEY: &[u8] = b"valley::telematics-url";

/// The longest a request to the telematics service may take, in milliseconds.
pub const HTTP_DEADLINE_MS: u64 = 5_000;

/// Blocks after which a feed the chain has not taken is sent again. A feed normally goes into the
/// next block; one lost (a node restarted with it in its pool, a full block) goes again soon.
/// Sending one that is still in a pool again is harmless: the pool keeps one feed per operator
/// and cursor.
pub const RESUBMIT_AFTER: u32 = 3;

/// Oracle operators' keys: sr25519, their account is the operator's.
pub mod crypto {
	use sp_runtime::{
		app_crypto::{app_crypto, sr25519},
		traits::IdentifyAccount,
		AccountId32,
	};

	app_crypto!(sr25519, super::KEY_TYPE);

	impl IdentifyAccount for Public {
		type AccountId = AccountId32;
		fn into_account(self) -> AccountId32 {
			AccountId32::from(sp_core::sr25519::Public::from(self).0)
		}
	}
}

/// Why a run of the worker sent nothing for an operator; it tries again after the next block.
#[derive(Debug, PartialEq, Eq)]
pub enum WorkerError {
	/// The request could not be sent or its answer read.
	Http,
	/// The service did not answer within [`HTTP_DEADLINE_MS`].
	Deadline,
	/// The service answered with an HTTP status other than 200.
	Status(u16),
	/// The service's answer could not be used.
	Page(telematics::PageError),
	/// The keystore did not sign with the operator's key.
	Signing,
	/// The transaction pool refused the feed.
	Pool,
}

/// What the worker does for an operator whose chain cursor is `cursor`, given the feed it sent
/// last (`pending`: the cursor it continued from and the block it was sent at).
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
	/// The feed sent from this cursor may still be taken: wait.
	Wait,
	/// Fetch the readings after the cursor and feed them.
	Fetch,
}

/// Whether to wait for a feed already sent or to fetch and send one, at block `now`.
pub fn next_step<BlockNumber: Saturating + PartialOrd + From<u32> + Copy>(
	cursor: u64,
	pending: Option<(u64, BlockNumber)>,
	now: BlockNumber,
) -> Step {
	match pending {
		// Sent from the chain's cursor, so not taken yet: give it time before sending it again.
		Some((after, sent_at))
			if after == cursor && now < sent_at.saturating_add(RESUBMIT_AFTER.into()) =>
		{
			Step::Wait
		},
		// Taken (the cursor moved past it), lost, or never sent.
		_ => Step::Fetch,
	}
}

/// The readings after `after`, at most `limit`, from the service at `base`.
pub fn readings_url(base: &str, after: u64, limit: u32) -> String {
	format!("{}/readings?after={after}&limit={limit}", base.trim_end_matches('/'))
}

/// Turns the service's answer into readings: only a 200 with a well-formed page counts.
pub fn read_answer(
	status: u16,
	body: &[u8],
	after: u64,
) -> Result<Vec<telematics::Reading>, WorkerError> {
	if status != 200 {
		return Err(WorkerError::Status(status));
	}
	telematics::parse_page(body, after).map(|(readings, _)| readings).map_err(WorkerError::Page)
}

impl<T: Config> Pallet<T> {
	/// One run of the worker, after block `now` was imported.
	pub(crate) fn run_worker(now: BlockNumberFor<T>) {
		let operators: Vec<(T::OracleId, T::AccountId)> = T::OracleId::all()
			.into_iter()
			.map(|key| (key.clone(), key.into_account()))
			.filter(|(_, account)| T::Operators::contains(account))
			.collect();
		if operators.is_empty() {
			return;
		}
		let Some(url) = sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, URL_KEY)
			.and_then(|url| String::from_utf8(url).ok())
		else {
			log::warn!(
				target: "mileage",
				"oracle key found but no telematics URL: start the node with --telematics-url"
			);
			return;
		};
		// Two runs overlap when blocks come faster than the service answers: the second skips.
		let mut lock =
			StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
				b"valley::oracle-worker::lock",
				RESUBMIT_AFTER,
				Duration::from_millis(3 * HTTP_DEADLINE_MS),
			);
		let Ok(_guard) = lock.try_lock() else { return };
		for (key, operator) in operators {
			if let Err(error) = Self::feed_for(now, &url, key, &operator) {
				log::warn!(target: "mileage", "oracle feed for {operator:?} not sent: {error:?}");
			}
		}
	}

	/// Sends the next feed of `operator` (signed with `key`), unless one is on its way.
	fn feed_for(
		now: BlockNumberFor<T>,
		url: &str,
		key: T::OracleId,
		operator: &T::AccountId,
	) -> Result<(), WorkerError> {
		let cursor = FeedCursor::<T>::get(operator);
		let pending_key = (b"valley::oracle-worker::sent", operator).encode();
		let pending = StorageValueRef::persistent(&pending_key);
		let sent = pending.get::<(u64, BlockNumberFor<T>)>().ok().flatten();
		if next_step(cursor, sent, now) == Step::Wait {
			return Ok(());
		}
		let max = T::MaxFeed::get();
		let readings = Self::fetch(&readings_url(url, cursor, max), cursor)?;
		let known = |vehicle: &VehicleId| Vehicles::<T>::contains_key(vehicle);
		let (values, upto) = telematics::feed(&readings, known, max as usize, cursor);
		if upto == cursor {
			return Ok(());
		}
		let vehicles = values.len();
		let feed = FeedPayload {
			operator: key.clone(),
			after: cursor,
			upto,
			// `feed` returns at most `max` values: nothing is cut.
			values: BoundedVec::truncate_from(values),
		};
		let signature = key.sign(&feed.encode()).ok_or(WorkerError::Signing)?;
		let xt = T::create_authorized_transaction(Call::submit_feed { feed, signature }.into());
		SubmitTransaction::<T, Call<T>>::submit_transaction(xt).map_err(|()| WorkerError::Pool)?;
		pending.set(&(cursor, now));
		log::info!(
			target: "mileage",
			"oracle feed sent for {operator:?}: readings {}..={upto}, {vehicles} vehicles",
			cursor + 1
		);
		Ok(())
	}

	/// GETs `url` within the deadline and reads its readings after `after`.
	fn fetch(url: &str, after: u64) -> Result<Vec<telematics::Reading>, WorkerError> {
		let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(HTTP_DEADLINE_MS));
		let pending =
			http::Request::get(url).deadline(deadline).send().map_err(|_| WorkerError::Http)?;
		let response = pending
			.try_wait(deadline)
			.map_err(|_| WorkerError::Deadline)?
			.map_err(|_| WorkerError::Http)?;
		let mut body = response.body();
		body.deadline(deadline);
		let bytes: Vec<u8> = body.by_ref().collect();
		match body.error() {
			Some(sp_core::offchain::HttpError::DeadlineReached) => Err(WorkerError::Deadline),
			Some(_) => Err(WorkerError::Http),
			None => read_answer(response.code, &bytes, after),
		}
	}
}
