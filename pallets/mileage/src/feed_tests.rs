//! Tests of the oracle off-chain worker and its feeds: authorization, exactly-once cursors, and
//! the worker against a scripted telematics service and transaction pool.

use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{Authorize, InvalidTransaction, TransactionSource},
	traits::Hooks,
	BoundedVec,
};
use sp_core::offchain::{
	testing::{PendingRequest, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, StorageKind, TransactionPoolExt,
};
use sp_runtime::{testing::UintAuthorityId, RuntimeAppPublic};

use crate::{
	mock::*,
	offchain::{self, next_step, read_answer, readings_url, Step, WorkerError},
	telematics::PageError,
	Call, Error, Event, FeedCursor, FeedPayload, Km, RejectReason, VehicleId,
};

type Feed = FeedPayload<UintAuthorityId, frame_support::traits::ConstU32<10>>;

fn feed_of(operator: AccountId, after: u64, upto: u64, values: &[(u8, Km)]) -> Feed {
	let values: Vec<(VehicleId, Km)> = values.iter().map(|(n, km)| (vid(*n), *km)).collect();
	FeedPayload {
		operator: UintAuthorityId(operator),
		after,
		upto,
		values: BoundedVec::truncate_from(values),
	}
}

fn call_of(feed: Feed) -> Call<Test> {
	let signature = feed.operator.sign(&feed.encode()).unwrap();
	Call::submit_feed { feed, signature }
}

fn authorize(call: &Call<Test>) -> Result<(), InvalidTransaction> {
	match call.authorize(TransactionSource::External) {
		Some(Ok(_)) => Ok(()),
		Some(Err(e)) => Err(match e {
			sp_runtime::transaction_validity::TransactionValidityError::Invalid(i) => i,
			other => panic!("unexpected {other:?}"),
		}),
		None => panic!("submit_feed is an authorized call"),
	}
}

fn authorized() -> RuntimeOrigin {
	frame_system::RawOrigin::Authorized.into()
}

fn dispatch(call: Call<Test>) -> sp_runtime::DispatchResult {
	let Call::submit_feed { feed, signature } = call else { unreachable!() };
	Mileage::submit_feed(authorized(), feed, signature)
}

#[test]
fn an_operator_s_feed_moves_its_cursor_and_feeds_the_oracle() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		let call = call_of(feed_of(ORACLE_A, 0, 5, &[(1, 100)]));
		assert_eq!(authorize(&call), Ok(()));
		assert_ok!(dispatch(call));
		assert_eq!(FeedCursor::<Test>::get(ORACLE_A), 5);
		assert_eq!(
			pallet_oracle::RawValues::<Test>::get(ORACLE_A, vid(1)).map(|v| v.value),
			Some(100)
		);
		let events = mileage_events();
		assert!(events.contains(&Event::ReadingAccepted {
			vehicle: vid(1),
			odometer: 100,
			distance: 0,
			weight: 0
		}));
		System::assert_last_event(
			Event::FeedSubmitted { operator: ORACLE_A, after: 0, upto: 5, vehicles: 1 }.into(),
		);
		// The next feed continues from 5; one that covers only readings of unknown vehicles
		// moves the cursor without feeding.
		next_block();
		assert_ok!(dispatch(call_of(feed_of(ORACLE_A, 5, 9, &[]))));
		assert_eq!(FeedCursor::<Test>::get(ORACLE_A), 9);
		System::assert_last_event(
			Event::FeedSubmitted { operator: ORACLE_A, after: 5, upto: 9, vehicles: 0 }.into(),
		);
	});
}

#[test]
fn a_feed_that_does_not_continue_from_the_cursor_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_ok!(dispatch(call_of(feed_of(ORACLE_A, 0, 5, &[(1, 100)]))));
		next_block();
		// Fed already: stale in the pool, refused on dispatch.
		let again = call_of(feed_of(ORACLE_A, 0, 5, &[(1, 100)]));
		assert_eq!(authorize(&again), Err(InvalidTransaction::Stale));
		assert_noop!(dispatch(again), Error::<Test>::FeedOutOfOrder);
		// Readings 6..=7 were never fed: a feed after 7 would skip them.
		let gap = call_of(feed_of(ORACLE_A, 7, 9, &[(1, 101)]));
		assert_eq!(authorize(&gap), Err(InvalidTransaction::Future));
		assert_noop!(dispatch(gap), Error::<Test>::FeedOutOfOrder);
		// A feed must cover at least one reading.
		let empty = call_of(feed_of(ORACLE_A, 5, 5, &[]));
		assert_eq!(authorize(&empty), Err(InvalidTransaction::Call));
		assert_noop!(dispatch(empty), Error::<Test>::EmptyFeed);
		// Each operator has its own cursor.
		assert_eq!(FeedCursor::<Test>::get(ORACLE_B), 0);
	});
}

#[test]
fn a_feed_needs_a_current_operator_s_signature() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		// Alice is no operator.
		let stranger = call_of(feed_of(ALICE, 0, 5, &[(1, 100)]));
		assert_eq!(authorize(&stranger), Err(InvalidTransaction::BadSigner));
		assert_noop!(dispatch(stranger), Error::<Test>::NotOperator);
		// A signature over other readings.
		let feed = feed_of(ORACLE_A, 0, 5, &[(1, 100)]);
		let signature = feed.operator.sign(&feed_of(ORACLE_A, 0, 5, &[(1, 999)]).encode()).unwrap();
		let forged = Call::submit_feed { feed, signature };
		assert_eq!(authorize(&forged), Err(InvalidTransaction::BadProof));
		// Only through authorization: a signed or root origin cannot feed.
		let Call::submit_feed { feed, signature } = call_of(feed_of(ORACLE_A, 0, 5, &[(1, 100)]))
		else {
			unreachable!()
		};
		assert_noop!(
			Mileage::submit_feed(RuntimeOrigin::signed(ORACLE_A), feed.clone(), signature.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Mileage::submit_feed(RuntimeOrigin::root(), feed, signature),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_eq!(FeedCursor::<Test>::get(ORACLE_A), 0);
	});
}

#[test]
fn a_decreasing_odometer_in_a_feed_is_rejected_with_its_reason() {
	ExtBuilder::default().build_and_execute(|| {
		register(1, ALICE);
		assert_ok!(dispatch(call_of(feed_of(ORACLE_A, 0, 1, &[(1, 100)]))));
		next_block();
		assert_ok!(dispatch(call_of(feed_of(ORACLE_A, 1, 2, &[(1, 90)]))));
		assert!(mileage_events().contains(&Event::ReadingRejected {
			vehicle: vid(1),
			odometer: 90,
			reason: RejectReason::OdometerDecreased
		}));
		// The reading was consumed: the cursor moves on.
		assert_eq!(FeedCursor::<Test>::get(ORACLE_A), 2);
	});
}

#[test]
fn the_worker_waits_for_its_feed_then_sends_the_next() {
	let cases: [(u64, Option<(u64, u64)>, u64, Step); 6] = [
		// Nothing sent yet.
		(0, None, 1, Step::Fetch),
		// Sent from the cursor at block 10: wait until block 13.
		(0, Some((0, 10)), 11, Step::Wait),
		(0, Some((0, 10)), 12, Step::Wait),
		(0, Some((0, 10)), 13, Step::Fetch),
		// Taken: the cursor moved past it.
		(5, Some((0, 10)), 11, Step::Fetch),
		// Sent from a cursor the chain never had (a reorg): fetch from the chain's.
		(5, Some((7, 10)), 11, Step::Fetch),
	];
	for (cursor, pending, now, step) in cases {
		assert_eq!(next_step(cursor, pending, now), step, "{cursor} {pending:?} {now}");
	}
	assert_eq!(
		readings_url("http://sim:8787/", 4, 10),
		"http://sim:8787/readings?after=4&limit=10"
	);
}

#[test]
fn only_a_well_formed_200_counts() {
	let page = br#"{"readings":[],"next":3}"#;
	assert_eq!(read_answer(200, page, 3), Ok(vec![]));
	assert_eq!(read_answer(500, page, 3), Err(WorkerError::Status(500)));
	assert_eq!(read_answer(404, b"not found", 3), Err(WorkerError::Status(404)));
	assert_eq!(read_answer(200, b"<html>", 3), Err(WorkerError::Page(PageError::MalformedJson)));
}

/// A node's offchain environment: a scripted service, a pool, and the oracle keys `keys`.
fn offchain_ext(
	keys: &[AccountId],
) -> (
	sp_io::TestExternalities,
	std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::OffchainState>>,
	std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
) {
	UintAuthorityId::set_all_keys(keys.iter().copied());
	let (offchain, state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	let mut ext = ExtBuilder::default().build();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	(ext, state, pool_state)
}

fn page(readings: &[(u64, u8, Km)], next: u64) -> Vec<u8> {
	let readings: Vec<String> = readings
		.iter()
		.map(|(seq, car, km)| {
			format!(
				r#"{{"seq":{seq},"vin":"V{car}","vehicle":"{:?}","odometer_km":{km},"timestamp_ms":1}}"#,
				vid(*car)
			)
		})
		.collect();
	format!(r#"{{"readings":[{}],"next":{next}}}"#, readings.join(",")).into_bytes()
}

fn expect_get(
	state: &parking_lot::RwLock<sp_core::offchain::testing::OffchainState>,
	after: u64,
	body: Vec<u8>,
) {
	state.write().expect_request(PendingRequest {
		method: "GET".into(),
		uri: format!("http://sim/readings?after={after}&limit=10"),
		response: Some(body),
		sent: true,
		..Default::default()
	});
}

/// The worker's transactions in the pool, as calls.
fn sent(pool: &parking_lot::RwLock<sp_core::offchain::testing::PoolState>) -> Vec<Call<Test>> {
	pool.write()
		.transactions
		.drain(..)
		.map(|tx| {
			let xt = Extrinsic::decode(&mut &tx[..]).unwrap();
			assert!(matches!(xt.preamble, sp_runtime::generic::Preamble::General(..)));
			match xt.function {
				RuntimeCall::Mileage(call) => call,
				other => panic!("unexpected {other:?}"),
			}
		})
		.collect()
}

#[test]
fn the_worker_feeds_each_reading_once() {
	let (mut ext, state, pool) = offchain_ext(&[ORACLE_A]);
	ext.execute_with(|| {
		register(1, ALICE);
		register(2, BOB);
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::URL_KEY,
			b"http://sim",
		);
		// Vehicle 9 is not registered: its reading is consumed, not fed.
		expect_get(&state, 0, page(&[(1, 1, 100), (2, 9, 5), (3, 2, 50), (4, 1, 120)], 4));
		Mileage::offchain_worker(1);
		let calls = sent(&pool);
		assert_eq!(calls.len(), 1);
		let Call::submit_feed { feed, .. } = &calls[0] else { panic!("a feed") };
		assert_eq!((feed.after, feed.upto), (0, 4));
		assert_eq!(feed.values.to_vec(), vec![(vid(1), 120), (vid(2), 50)]);
		assert_eq!(authorize(&calls[0]), Ok(()));

		// Not taken yet: the next run waits (any request would fail the test).
		Mileage::offchain_worker(2);
		assert!(sent(&pool).is_empty());

		// Taken in block 3: the next run continues after reading 4.
		next_block();
		assert_ok!(dispatch(calls[0].clone()));
		next_block();
		expect_get(&state, 4, page(&[(5, 2, 60)], 5));
		Mileage::offchain_worker(3);
		let calls = sent(&pool);
		let Call::submit_feed { feed, .. } = &calls[0] else { panic!("a feed") };
		assert_eq!((feed.after, feed.upto, feed.values.to_vec()), (4, 5, vec![(vid(2), 60)]));
	});
}

#[test]
fn a_lost_feed_is_sent_again_from_the_chain_s_cursor() {
	let (mut ext, state, pool) = offchain_ext(&[ORACLE_A]);
	ext.execute_with(|| {
		register(1, ALICE);
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::URL_KEY,
			b"http://sim",
		);
		expect_get(&state, 0, page(&[(1, 1, 100)], 1));
		Mileage::offchain_worker(1);
		assert_eq!(sent(&pool).len(), 1);
		// Dropped by the pool: after RESUBMIT_AFTER blocks the same readings go again.
		let later = 1 + offchain::RESUBMIT_AFTER as u64;
		System::set_block_number(later);
		expect_get(&state, 0, page(&[(1, 1, 100), (2, 1, 104)], 2));
		Mileage::offchain_worker(later);
		let calls = sent(&pool);
		let Call::submit_feed { feed, .. } = &calls[0] else { panic!("a feed") };
		assert_eq!((feed.after, feed.upto, feed.values.to_vec()), (0, 2, vec![(vid(1), 104)]));
	});
}

#[test]
fn the_worker_sends_nothing_without_an_operator_key_or_a_good_answer() {
	// A key that is not an operator's: no request at all (one would fail the test).
	let (mut ext, _state, pool) = offchain_ext(&[ALICE]);
	ext.execute_with(|| {
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::URL_KEY,
			b"http://sim",
		);
		Mileage::offchain_worker(1);
		assert!(sent(&pool).is_empty());
	});
	// An operator's key but no URL configured.
	let (mut ext, _state, pool) = offchain_ext(&[ORACLE_A]);
	ext.execute_with(|| {
		Mileage::offchain_worker(1);
		assert!(sent(&pool).is_empty());
	});
	// A malformed answer: nothing sent, the cursor stays, the next run asks again.
	let (mut ext, state, pool) = offchain_ext(&[ORACLE_A]);
	ext.execute_with(|| {
		register(1, ALICE);
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			offchain::URL_KEY,
			b"http://sim",
		);
		expect_get(&state, 0, b"{\"readings\":[{\"seq\":1}]".to_vec());
		Mileage::offchain_worker(1);
		assert!(sent(&pool).is_empty());
		System::set_block_number(2);
		expect_get(&state, 0, page(&[(1, 1, 100)], 1));
		Mileage::offchain_worker(2);
		assert_eq!(sent(&pool).len(), 1);
		assert_eq!(FeedCursor::<Test>::get(ORACLE_A), 0);
	});
}
