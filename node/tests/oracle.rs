//! The oracle off-chain worker end to end: a `--dev` node whose keystore holds Ferdie's oracle key
//! reads the telematics simulator (`scripts/telematics-sim`, with injected HTTP 500s and answers
//! past the worker's deadline) and feeds
//! the readings; batches close and pay the winning vehicles' owners; the node is killed and
//! restarted mid-run and its worker neither feeds a reading twice nor skips one; the faulty car
//! whose odometer goes backwards is refused with its reason.

mod common;

use std::{
	collections::BTreeSet,
	io::{Read, Write},
	net::TcpStream,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use codec::Decode;
use common::*;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair, H256};
use valley_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent};

use pallet_mileage::{Event as MileageEvent, RejectReason};

/// The telematics simulator, killed when dropped.
struct Simulator {
	port: u16,
	child: Child,
}

impl Simulator {
	fn start(args: &[&str]) -> Self {
		let port = free_port();
		let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/telematics-sim");
		let child = Command::new("python3")
			.arg(script)
			.args(["--port", &port.to_string()])
			.args(args)
			.stdout(Stdio::null())
			.spawn()
			.expect("python3 runs the simulator");
		let sim = Simulator { port, child };
		wait_for("the simulator to answer", Duration::from_secs(60), || sim.get("/health").ok());
		sim
	}

	fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	fn get(&self, path: &str) -> Result<Value, String> {
		let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
		stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
		write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
			.map_err(|e| e.to_string())?;
		let mut response = String::new();
		stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
		let (head, body) = response.split_once("\r\n\r\n").ok_or("no HTTP body")?;
		if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
			return Err(head.lines().next().unwrap_or_default().to_string());
		}
		serde_json::from_str(body).map_err(|e| e.to_string())
	}

	/// The latest reading's sequence number (retrying the simulator's injected failures).
	fn latest_seq(&self) -> u64 {
		wait_for("the simulator's health", Duration::from_secs(60), || self.get("/health").ok())
			["seq"]
			.as_u64()
			.unwrap()
	}
}

impl Drop for Simulator {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Decoded storage value `key` at block `hash` (the best block if `None`).
fn storage<T: Decode>(node: &Node, key: Vec<u8>, hash: Option<&Value>) -> Option<T> {
	let key = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&key));
	let params = match hash {
		Some(hash) => json!([key, hash]),
		None => json!([key]),
	};
	let value = node.rpc("state_getStorage", params).unwrap();
	value.as_str().map(|hex| T::decode(&mut &unhex(hex)[..]).expect("decodes"))
}

/// The Mileage events of block `number`.
fn mileage_events(node: &Node, number: u64) -> Vec<MileageEvent<Runtime>> {
	let (hash, _) = header_at(node, number);
	let key = [sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat();
	let records: Vec<frame_system::EventRecord<RuntimeEvent, H256>> =
		storage(node, key, Some(&hash)).unwrap_or_default();
	records
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Mileage(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn free_balance(node: &Node, who: &AccountId) -> u128 {
	let key = frame_system::Account::<Runtime>::hashed_key_for(who);
	type Info = frame_system::AccountInfo<
		valley_runtime::Nonce,
		<Runtime as frame_system::Config>::AccountData,
	>;
	storage::<Info>(node, key, None).map_or(0, |info| info.data.free)
}

fn feed_cursor(node: &Node, operator: &AccountId) -> u64 {
	storage(node, pallet_mileage::FeedCursor::<Runtime>::hashed_key_for(operator), None)
		.unwrap_or(0)
}

fn vehicle_id(hex: &str) -> H256 {
	H256::from_slice(&unhex(hex))
}

#[test]
fn the_oracle_worker_feeds_the_simulator_s_readings_exactly_once() {
	// Six cars reporting every two seconds at up to 180 km/h (1.5 × real time), the last one a
	// faulty unit whose odometer goes backwards; every fifth request fails with HTTP 500 and every
	// seventh is answered only after the worker's deadline.
	let sim = Simulator::start(&[
		"--cars",
		"6",
		"--tick",
		"2",
		"--idle",
		"0",
		"--backwards",
		"1",
		"--time-scale",
		"1.5",
		"--seed",
		"7",
		"--fail-every",
		"5",
		"--stall-every",
		"7",
	]);
	let dir = TempDir::new("oracle");
	let base = dir.0.join("dev");
	let ferdie = sr25519::Pair::from_string("//Ferdie", None).unwrap();
	let operator = AccountId::from(ferdie.public());
	// The operator's node: Ferdie's oracle key in its keystore, as an operator inserts it.
	let status = Command::new(node_binary())
		.args(["key", "insert", "--chain", "dev", "--base-path"])
		.arg(&base)
		.args(["--suri", "//Ferdie", "--key-type", "orcl", "--scheme", "sr25519"])
		.status()
		.unwrap();
	assert!(status.success(), "key insert orcl");
	let url = sim.url();
	let mut node = Node::start("dev", &base, &["--dev", "--telematics-url", &url]);
	node.wait_rpc(Duration::from_secs(120));

	// The car maker registers the fleet (Ferdie is an oracle operator, a registrar), each car for
	// an owner of its own who starts with no Stones.
	let fleet = wait_for("the fleet", Duration::from_secs(60), || sim.get("/vehicles").ok());
	let fleet: Vec<H256> = fleet
		.as_array()
		.unwrap()
		.iter()
		.map(|car| vehicle_id(car["vehicle"].as_str().unwrap()))
		.collect();
	let owners: Vec<AccountId> = (0..fleet.len())
		.map(|i| {
			AccountId::from(
				sr25519::Pair::from_string(&format!("//Owner{i}"), None).unwrap().public(),
			)
		})
		.collect();
	for (i, (vehicle, owner)) in fleet.iter().zip(&owners).enumerate() {
		let call = RuntimeCall::Mileage(pallet_mileage::Call::register_vehicle {
			vehicle: *vehicle,
			owner: owner.clone(),
			activation: None,
		});
		submit(&node, &ferdie, i as u32, call);
	}
	let faulty = *fleet.last().unwrap();

	// Readings flow: the cursor moves, readings are accepted.
	wait_for("the first feeds", Duration::from_secs(120), || {
		(feed_cursor(&node, &operator) > 0).then_some(())
	});

	// Killed mid-run (as a crash would), restarted on its database while the cars drive on.
	node.kill();
	std::thread::sleep(Duration::from_secs(5));
	let restarted = Instant::now();
	node.restart();
	node.wait_rpc(Duration::from_secs(120));
	let behind = sim.latest_seq();
	let cursor =
		wait_for("the worker to catch up after the restart", Duration::from_secs(120), || {
			let cursor = feed_cursor(&node, &operator);
			(cursor >= behind).then_some(cursor)
		});
	println!(
		"MEASURED oracle worker caught up with {behind} readings {:.1} s after restart",
		restarted.elapsed().as_secs_f64()
	);

	// Batches pay the winning vehicles' owners.
	let paid = wait_for("a batch to pay an owner", Duration::from_secs(180), || {
		let paid: Vec<&AccountId> = owners.iter().filter(|o| free_balance(&node, o) > 0).collect();
		(!paid.is_empty()).then_some(paid.len())
	});

	// Every feed of the operator, in chain order, continues from the previous one: no reading
	// fed twice, none skipped, from the first reading up to the cursor.
	let best = node.best_number().unwrap();
	let mut feeds = Vec::new();
	let mut accepted = BTreeSet::new();
	let mut refused = Vec::new();
	let mut winners = 0;
	for number in 1..=best {
		for event in mileage_events(&node, number) {
			match event {
				MileageEvent::FeedSubmitted { operator: who, after, upto, .. } => {
					assert_eq!(who, operator);
					feeds.push((after, upto));
				},
				MileageEvent::ReadingAccepted { vehicle, distance, .. } if distance > 0 => {
					accepted.insert(vehicle);
				},
				MileageEvent::ReadingRejected { vehicle, reason, .. } => {
					refused.push((vehicle, reason))
				},
				MileageEvent::VehicleWon { owner, .. } => {
					assert!(owners.contains(&owner));
					winners += 1;
				},
				_ => {},
			}
		}
	}
	assert_eq!(feeds.first().map(|f| f.0), Some(0), "the first feed starts at the beginning");
	for pair in feeds.windows(2) {
		assert_eq!(pair[1].0, pair[0].1, "feeds continue each other: {feeds:?}");
		assert!(pair[1].1 > pair[1].0);
	}
	let last = feeds.last().unwrap().1;
	assert!(last >= cursor, "{last} >= {cursor}");
	assert!(accepted.len() >= 2, "cars drove: {accepted:?}");
	assert!(
		refused.contains(&(faulty, RejectReason::OdometerDecreased)),
		"the faulty car's backwards odometer is refused with its reason: {refused:?}"
	);
	assert!(winners >= 1);
	println!(
		"MEASURED oracle e2e: {} feeds covering readings 1..={last} in {best} blocks, {} cars \
		 accepted, {paid} owners paid by {winners} wins",
		feeds.len(),
		accepted.len()
	);
}
