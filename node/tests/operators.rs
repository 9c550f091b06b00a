//! Committed mileage end to end, on the nine-validator `local` network whose validators are its
//! nine oracle operators, reading the telematics simulator (`scripts/telematics-sim`):
//!
//! - the operators' workers register the simulator's fleet by majority (owners as the service
//!   says; behaviour factors stay off chain), with no sudo call;
//! - an owner passes a car on on chain and it stays passed on for five minutes while the
//!   workers run (the service still names the old owner: one authority per fact);
//! - the simulator serves one garbage odometer (5,000,000,000 km) of car 0 mid-run: every
//!   operator quarantines it, batches go on being committed and paid after it, and car 0's owner
//!   sees the refused reading with its reason;
//! - every batch's root is committed identically by the honest operators and accepted; winners
//!   are proven and paid to the cars' owners;
//! - validator 9 reads a lying feed (inflated odometers, a car passed to a thief, behaviour
//!   factors changed): its roots differ and are never accepted, its proposals never apply;
//! - validator 2 killed and restarted mid-batch rebuilds its state from the service and commits
//!   the same roots as the others;
//! - under it, the network itself: every authority authors in turn, GRANDPA finalizes, every
//!   block carries its author's beacon VRF (which every node verified on import) with
//!   randomness that changes every block, every node has the same finalized chain, and
//!   validator 2, restarted on its database, authors again a block that is finalized.
//!
//! Beside it (tests of one binary run in parallel), GoFun's seven-validator `gofun` chain on the
//! same node and runtime: its programme, its fleet and behaviour factors by majority, a violation
//! weighing 90 % in the committed root, batches paid, all seven authoring finalized blocks.

mod common;

use std::{
	collections::{BTreeMap, BTreeSet},
	io::{Read, Write},
	net::TcpStream,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use codec::Decode;
use common::*;
use serde_json::{json, Value};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::Perbill;
use valley_runtime::{AccountId, Runtime, RuntimeEvent};

use pallet_mileage::{Commitment, Event as MileageEvent, Vehicle};

/// The telematics simulator (an honest port and a lying one), killed when dropped.
struct Simulator {
	port: u16,
	liar_port: u16,
	child: Child,
}

impl Simulator {
	fn start(args: &[&str]) -> Self {
		let (port, liar_port) = (free_port(), free_port());
		let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/telematics-sim");
		let child = Command::new("python3")
			.arg(script)
			.args(["--port", &port.to_string(), "--liar-port", &liar_port.to_string()])
			.args(args)
			.stdout(Stdio::null())
			.spawn()
			.expect("python3 runs the simulator");
		let sim = Simulator { port, liar_port, child };
		wait_for("the simulator to answer", Duration::from_secs(60), || sim.get("/health").ok());
		sim
	}

	fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	fn liar_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.liar_port)
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
	let value = node.rpc("state_getStorage", params).ok()?;
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

fn vehicle(node: &Node, id: H256) -> Option<Vehicle<AccountId>> {
	storage(node, pallet_mileage::Vehicles::<Runtime>::hashed_key_for(id), None)
}

fn h256(hex: &str) -> H256 {
	H256::from_slice(&unhex(hex))
}

fn validator(i: usize) -> AccountId {
	AccountId::from(sr25519::Pair::from_string(&format!("//Validator{i}"), None).unwrap().public())
}

/// What the test reads off the chain's events.
#[derive(Default)]
struct Seen {
	/// Each batch's commitments, by operator.
	commitments: BTreeMap<u64, BTreeMap<AccountId, Commitment>>,
	/// Each accepted batch's root, and the block it was accepted in.
	accepted: BTreeMap<u64, (Commitment, u64)>,
	/// Winners' owners, per batch.
	won: BTreeMap<u64, Vec<AccountId>>,
	/// Registry changes applied.
	applied: usize,
	/// Vehicles passed on (by their owner or by a majority).
	transferred: Vec<H256>,
	/// Blocks read.
	upto: u64,
}

impl Seen {
	fn read(&mut self, node: &Node) {
		let best = node.best_number().unwrap_or(self.upto);
		for number in self.upto + 1..=best {
			for event in mileage_events(node, number) {
				match event {
					MileageEvent::CommitmentSubmitted { batch, operator, commitment, .. } => {
						self.commitments.entry(batch).or_default().insert(operator, commitment);
					},
					MileageEvent::BatchCommitted { batch, commitment } => {
						self.accepted.insert(batch, (commitment, number));
					},
					MileageEvent::VehicleWon { batch, owner, .. } => {
						self.won.entry(batch).or_default().push(owner)
					},
					MileageEvent::ChangeApplied { .. } => self.applied += 1,
					MileageEvent::VehicleTransferred { vehicle, .. } => {
						self.transferred.push(vehicle)
					},
					_ => {},
				}
			}
		}
		self.upto = best;
	}

	/// How many times `vehicle` was passed on.
	fn transfers_of(&self, vehicle: H256) -> usize {
		self.transferred.iter().filter(|v| **v == vehicle).count()
	}
}

#[test]
fn nine_operators_register_the_fleet_commit_identical_roots_and_prove_winners() {
	// Ten cars reporting every two seconds, one of them faulty (its odometer goes back).
	let sim = Simulator::start(&[
		"--cars",
		"10",
		"--tick",
		"2",
		"--idle",
		"0",
		"--backwards",
		"1",
		"--time-scale",
		"1.5",
		"--seed",
		"5",
		// Car 0's unit sends one odometer beyond u32 while the network runs.
		"--garbage-at",
		"45",
	]);
	let dir = TempDir::new("operators");
	let (honest, liar) = (sim.url(), sim.liar_url());
	let mut nodes = start_local_network_with(&dir, |i| {
		Some(if i == 9 { liar.clone() } else { honest.clone() })
	});
	let started = Instant::now();

	// The fleet, registered by the operators' majority as the honest service says.
	let fleet = sim.get("/fleet").unwrap()["vehicles"].as_array().unwrap().clone();
	let expected: Vec<(H256, AccountId)> = fleet
		.iter()
		.map(|car| {
			let owner: [u8; 32] = unhex(car["owner"].as_str().unwrap()).try_into().unwrap();
			(h256(car["vehicle"].as_str().unwrap()), AccountId::from(owner))
		})
		.collect();
	wait_for("the fleet registered by the operators", Duration::from_secs(240), || {
		expected
			.iter()
			.all(|(id, owner)| vehicle(&nodes[0], *id).is_some_and(|v| v.owner == *owner))
			.then_some(())
	});
	println!(
		"MEASURED fleet of {} registered by majority {:.0} s after start",
		expected.len(),
		started.elapsed().as_secs_f64()
	);

	// Bob passes his car on to Ferdie himself; the service still lists Bob. The pass-on is final:
	// the workers, comparing the fleet every 30 s, never propose it back.
	let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
	let ferdie = AccountId::from(sr25519::Pair::from_string("//Ferdie", None).unwrap().public());
	let (passed, _) = expected
		.iter()
		.find(|(_, owner)| *owner == AccountId::from(bob.public()))
		.cloned()
		.expect("Bob owns a car");
	let nonce = nodes[0]
		.rpc("system_accountNextIndex", json!([AccountId::from(bob.public()).to_string()]))
		.unwrap()
		.as_u64()
		.unwrap() as u32;
	let pass_on = valley_runtime::RuntimeCall::Mileage(pallet_mileage::Call::transfer_vehicle {
		vehicle: passed,
		new_owner: ferdie.clone(),
	});
	submit(&nodes[0], &bob, nonce, pass_on);
	wait_for("Bob's pass-on to Ferdie", Duration::from_secs(60), || {
		vehicle(&nodes[0], passed).filter(|v| v.owner == ferdie).map(|_| ())
	});
	let passed_on = Instant::now();
	let still_passed_on = |nodes: &[Node]| {
		let v = vehicle(&nodes[0], passed).expect("the car stays registered");
		assert_eq!(
			v.owner,
			ferdie,
			"the workers undid Bob's pass-on after {:?}",
			passed_on.elapsed()
		);
	};

	// Batches are committed and proven; the network keeps going while validator 2 is killed and
	// restarted mid-batch.
	let mut seen = Seen::default();
	let paid_batches = |seen: &Seen| seen.won.values().filter(|owners| !owners.is_empty()).count();
	wait_for("a batch paid", Duration::from_secs(240), || {
		seen.read(&nodes[0]);
		(paid_batches(&seen) >= 1).then_some(())
	});
	let restarted_at = {
		let in_flight = nodes[0].best_number().unwrap();
		nodes[1].kill();
		std::thread::sleep(Duration::from_secs(8));
		nodes[1].restart();
		nodes[1].wait_rpc(Duration::from_secs(120));
		in_flight
	};
	let two = validator(2);
	wait_for("validator 2 to commit again after its restart", Duration::from_secs(300), || {
		seen.read(&nodes[0]);
		seen.accepted
			.iter()
			.any(|(batch, (_, at))| {
				*at > restarted_at
					&& seen.commitments.get(batch).is_some_and(|c| c.contains_key(&two))
			})
			.then_some(())
	});
	let paid_before = paid_batches(&seen);
	wait_for("a batch paid after the restart", Duration::from_secs(240), || {
		seen.read(&nodes[0]);
		(paid_batches(&seen) > paid_before).then_some(())
	});
	still_passed_on(&nodes);

	// The garbage odometer: quarantined by the workers with its reason, shown to car 0's owner;
	// batches are accepted and paid after it as before.
	let (garbage_car, garbage_owner) = expected[0].clone();
	let refused = wait_for("car 0's garbage reading refused", Duration::from_secs(180), || {
		let answer = proof_answer(&nodes[0], garbage_car, &garbage_owner);
		answer["rejected"].as_array()?.iter().find(|r| r["reason"] == "OdometerOutOfRange").cloned()
	});
	assert_eq!(refused["odometerKm"], json!(u32::MAX), "{refused}");
	let after_garbage = nodes[0].best_number().unwrap();
	let paid_before = paid_batches(&seen);
	wait_for("a batch accepted and paid after the garbage", Duration::from_secs(240), || {
		seen.read(&nodes[0]);
		let accepted_after = seen.accepted.values().any(|(_, at)| *at > after_garbage);
		(accepted_after && paid_batches(&seen) > paid_before).then_some(())
	});

	// Every accepted root is the honest operators' (at least five identical), never the liar's.
	let nine = validator(9);
	// Ferdie too: Bob's car is his now.
	let owners: BTreeSet<AccountId> =
		expected.iter().map(|(_, owner)| owner.clone()).chain([ferdie.clone()]).collect();
	let mut liar_differs = 0;
	for (batch, (root, _)) in &seen.accepted {
		let commitments = &seen.commitments[batch];
		let agreeing = commitments.values().filter(|c| *c == root).count();
		assert!(agreeing >= 5, "batch {batch}: {agreeing} commitments of the accepted root");
		for (operator, commitment) in commitments {
			if *operator == nine {
				assert_ne!(commitment, root, "batch {batch}: the lying feed's root was accepted");
				liar_differs += 1;
			} else if root.count > 0 {
				assert_eq!(commitment, root, "batch {batch}: an honest operator's root differs");
			}
		}
		// Validator 2's roots after its restart are the others'.
		if let Some(after_restart) = commitments.get(&two) {
			assert_eq!(after_restart, root, "batch {batch}: validator 2 after its restart");
		}
	}
	assert!(liar_differs >= 1, "the liar committed (and differed) at least once");
	// Winners are paid to the fleet's owners; the thief the liar named never owns a car.
	for (batch, winners) in &seen.won {
		for owner in winners {
			assert!(owners.contains(owner), "batch {batch} paid {owner:?}");
		}
	}
	for (id, owner) in &expected {
		let v = vehicle(&nodes[0], *id).unwrap();
		let owner = if *id == passed { &ferdie } else { owner };
		assert_eq!(&v.owner, owner, "the liar's proposals changed nothing");
	}
	// Bob's pass-on stands for five minutes while the workers compare the fleet every 30 s.
	while passed_on.elapsed() < Duration::from_secs(300) {
		still_passed_on(&nodes);
		std::thread::sleep(Duration::from_secs(10));
	}
	still_passed_on(&nodes);
	seen.read(&nodes[0]);
	assert_eq!(seen.transfers_of(passed), 1, "one transfer of Bob's car: his own");
	let batches = seen.accepted.len();
	let winners: usize = seen.won.values().map(Vec::len).sum();
	println!(
		"MEASURED nine operators: {batches} batches accepted (liar differed {liar_differs} times), \
		 {winners} winners paid, {} registry changes applied, in {:.0} s",
		seen.applied,
		started.elapsed().as_secs_f64()
	);

	// The network under it: every authority authored a finalized block, every block carries
	// one beacon inherent (verified by every node on import) with new randomness, every node
	// has the same finalized chain, and validator 2 authors again after its restart, a block
	// that is finalized.
	let observer = &nodes[0];
	let mut authors = BTreeSet::new();
	let mut scanned = 0;
	let finalized =
		wait_for("every authority to author a finalized block", Duration::from_secs(300), || {
			let finalized = observer.finalized_number()?;
			for number in scanned + 1..=finalized {
				authors.insert(author_of(&header_at(observer, number).1));
			}
			scanned = finalized;
			(authors.len() == VALIDATORS && finalized >= 2 * VALIDATORS as u64).then_some(finalized)
		});
	let mut previous = beacon_latest(observer, &header_at(observer, 0).0).1;
	for number in 1..=finalized {
		let (hash, _) = header_at(observer, number);
		assert_eq!(beacon_inherents(observer, &hash), 1, "block {number} has one beacon inherent");
		let (block, randomness) = beacon_latest(observer, &hash);
		assert_eq!(u64::from(block), number, "block {number} has its own randomness");
		assert_ne!(randomness, previous, "block {number}'s randomness differs from its parent's");
		previous = randomness;
	}
	every_node_agrees_on(observer, &nodes, finalized);
	let mut scanned = restarted_at;
	let own =
		wait_for("a block by validator 2 after its restart", Duration::from_secs(180), || {
			let best = observer.best_number()?;
			let own = (scanned + 1..=best).find(|n| author_of(&header_at(observer, *n).1) == 1);
			scanned = best;
			own
		});
	wait_for(
		"the restarted validator's block to be finalized everywhere",
		Duration::from_secs(180),
		|| nodes[1].finalized_number().filter(|n| *n >= own),
	);
	drop(nodes);
}

/// Decoded `state_call` of runtime API `method` with SCALE-encoded `args` at the best block.
fn runtime_call<T: Decode>(node: &Node, method: &str, args: &impl codec::Encode) -> T {
	let args = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&args.encode()));
	let out = node.rpc("state_call", json!([method, args])).unwrap();
	T::decode(&mut &unhex(out.as_str().unwrap())[..]).expect("the runtime API's answer decodes")
}

/// The development key of an owner account (the simulator's owners are Alice … Ferdie).
fn owner_pair(owner: &AccountId) -> sr25519::Pair {
	["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"]
		.iter()
		.map(|name| sr25519::Pair::from_string(&format!("//{name}"), None).unwrap())
		.find(|pair| AccountId::from(pair.public()) == *owner)
		.expect("a development owner")
}

/// An operator's `mileage_proof` answer to `vehicle`'s owner: its request signed for this chain,
/// valid for a minute.
fn proof_answer(node: &Node, vehicle: H256, owner: &AccountId) -> Value {
	use codec::Encode;
	let genesis = h256(header_at(node, 0).0.as_str().unwrap());
	let valid_until =
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
			as u64 + 60_000;
	let message = (pallet_mileage::PROOF_REQUEST_TAG, genesis, vehicle, valid_until).encode();
	let signature = owner_pair(owner).sign(&message);
	node.rpc(
		"mileage_proof",
		json!([format!("{vehicle:?}"), valid_until, format!("0x{}", hex_of(&signature.0))]),
	)
	.unwrap()
}

/// A vehicle's leaf, leaf salt and proof as its owner gets them from an operator's
/// `mileage_proof`, once the operator has one.
fn owner_proof(
	node: &Node,
	vehicle: H256,
	owner: &AccountId,
) -> Option<(u64, valley_merkle_sum::Leaf, valley_merkle_sum::Salt, valley_merkle_sum::Proof)> {
	let answer = proof_answer(node, vehicle, owner);
	let batch = answer["batch"].as_u64()?;
	let bytes32 = |v: &Value| -> [u8; 32] { unhex(v.as_str().unwrap()).try_into().unwrap() };
	let leaf = valley_merkle_sum::Leaf {
		vehicle: bytes32(&answer["leaf"]["vehicle"]),
		weight: answer["leaf"]["weight"].as_u64().unwrap(),
	};
	let siblings: Vec<valley_merkle_sum::Node> = answer["proof"]["siblings"]
		.as_array()
		.unwrap()
		.iter()
		.map(|n| valley_merkle_sum::Node {
			hash: bytes32(&n["hash"]),
			sum: n["sum"].as_u64().unwrap(),
		})
		.collect();
	let proof = valley_merkle_sum::Proof {
		leaf_index: answer["proof"]["leafIndex"].as_u64().unwrap(),
		siblings: siblings.try_into().expect("at most 64 siblings"),
	};
	Some((batch, leaf, bytes32(&answer["leafSalt"]), proof))
}

fn hex_of(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// GoFun's programme on the same runtime and node: its seven consortium validators (each an
/// oracle operator) produce and finalize blocks, register the simulator's GoFun fleet by
/// majority, and pay batches of GoFun's schedule; the behaviour factors (0.9 per violation, 0.75
/// per insurance claim) stay off chain: a car with a violation, driving exactly as its
/// predecessor, weighs 90 % of it in the committed root, as the runtime API verifies its proof,
/// and its owner is told its factor by the operator.
#[test]
fn gofun_seven_validators_pay_and_weigh_a_violation_less() {
	use pallet_mileage_runtime_api::{Share, ShareError};
	use pallet_stone_runtime_api::StoneInfo;
	const UNIT: u128 = 1_000_000_000_000;

	let sim = Simulator::start(&[
		"--programme",
		"gofun",
		"--cars",
		"7",
		"--tick",
		"2",
		"--idle",
		"0",
		"--backwards",
		"0",
		// Ten times real speed (at most 0.7 km a reading, under the 2 km tolerance): weights of
		// ten and more within a minute, so that 90 % is told apart from 75 %.
		"--time-scale",
		"10",
		"--seed",
		"7",
	]);
	let dir = TempDir::new("gofun");
	let url = sim.url();
	let nodes = start_network_with(&GOFUN, &dir, |_| Some(url.clone()));
	let started = Instant::now();
	let node = &nodes[0];

	// Its own name, token and programme.
	assert_eq!(node.rpc("system_chain", json!([])).unwrap(), "GoFun Energy Cube");
	let properties = node.rpc("system_properties", json!([])).unwrap();
	assert_eq!(
		(&properties["tokenSymbol"], &properties["tokenDecimals"]),
		(&json!("CUBE"), &json!(12))
	);
	let info: StoneInfo<u128> = runtime_call(node, "StoneApi_stone_info", &());
	assert_eq!((info.mining_cap, info.education_cap), (2_800_000_000 * UNIT, 1_200_000_000 * UNIT));
	assert_eq!((info.batch_length, info.halving_interval), (30_000, 4_000_000));
	assert_eq!((info.current_reward, info.next_halving_batch), (350 * UNIT, 4_000_000));

	// The fleet and its behaviour factors, registered by four of the seven operators.
	let fleet = sim.get("/fleet").unwrap()["vehicles"].as_array().unwrap().clone();
	let cars: Vec<(H256, AccountId, u32)> = fleet
		.iter()
		.map(|car| {
			let owner: [u8; 32] = unhex(car["owner"].as_str().unwrap()).try_into().unwrap();
			(
				h256(car["vehicle"].as_str().unwrap()),
				AccountId::from(owner),
				car["behaviour_ppm"].as_u64().unwrap() as u32,
			)
		})
		.collect();
	let ppm: Vec<u32> = cars.iter().map(|(_, _, ppm)| *ppm).collect();
	assert_eq!(ppm, [1_000_000, 1_000_000, 1_000_000, 900_000, 1_000_000, 750_000, 675_000]);
	wait_for("the GoFun fleet registered", Duration::from_secs(300), || {
		cars.iter()
			.all(|(id, owner, _)| vehicle(node, *id).is_some_and(|v| v.owner == *owner))
			.then_some(())
	});
	println!(
		"MEASURED gofun: fleet of 7 registered {:.0} s after start",
		started.elapsed().as_secs_f64()
	);
	let first_batch: u64 = storage(
		node,
		[sp_io::hashing::twox_128(b"Stone"), sp_io::hashing::twox_128(b"NextBatch")].concat(),
		None,
	)
	.unwrap_or(0);

	// Car 3 (a violation) drives exactly as car 2: in a batch built after its factor, its
	// committed weight is 90 % of car 2's, and the runtime verifies both proofs.
	let (twin, violator) = (&cars[2], &cars[3]);
	let (batch, (leaf2, salt2, proof2), (leaf3, salt3, proof3)) =
		wait_for("both cars proven in one batch", Duration::from_secs(300), || {
			let (b2, l2, s2, p2) = owner_proof(node, twin.0, &twin.1)?;
			let (b3, l3, s3, p3) = owner_proof(node, violator.0, &violator.1)?;
			(b2 == b3 && b2 >= first_batch && l2.weight >= 10).then_some((
				b2,
				(l2, s2, p2),
				(l3, s3, p3),
			))
		});
	assert_eq!(leaf3.weight, Perbill::from_percent(90).mul_floor(leaf2.weight), "batch {batch}");
	// The violator's owner is told its factor by the operator; the chain holds none.
	let told = proof_answer(node, violator.0, &violator.1);
	assert_eq!(told["behaviourPpm"], json!(900_000), "{told}");
	assert_eq!(proof_answer(node, twin.0, &twin.1)["behaviourPpm"], json!(1_000_000));
	let share2: Result<Share<u128>, ShareError> =
		runtime_call(node, "MileageApi_share", &(batch, leaf2, salt2, proof2));
	let share3: Result<Share<u128>, ShareError> =
		runtime_call(node, "MileageApi_share", &(batch, leaf3, salt3, proof3));
	let (share2, share3) = (share2.expect("car 2's proof verifies"), share3.expect("car 3's"));
	assert_eq!((share2.weight, share3.weight), (leaf2.weight, leaf3.weight));
	assert!(share3.share < share2.share, "the violation lowers the share");
	assert!(share3.win_chance <= share2.win_chance);
	assert!(share3.expected_per_batch < share2.expected_per_batch);

	// Batches pay the fleet's owners from GoFun's mining pool.
	let owners: BTreeSet<AccountId> = cars.iter().map(|(_, owner, _)| owner.clone()).collect();
	let mut seen = Seen::default();
	wait_for("a GoFun batch paid", Duration::from_secs(300), || {
		seen.read(node);
		seen.won.values().any(|w| !w.is_empty()).then_some(())
	});
	for (batch, winners) in &seen.won {
		for owner in winners {
			assert!(owners.contains(owner), "batch {batch} paid {owner:?}");
		}
	}
	let info: StoneInfo<u128> = runtime_call(node, "StoneApi_stone_info", &());
	assert!(
		info.mining_minted > 0 && info.mining_remaining == info.mining_cap - info.mining_minted
	);
	println!(
		"MEASURED gofun: batch {batch} weights {} (car 2) and {} (car 3, one violation); shares \
		 {:?} and {:?}; {} winners paid, {} CUBE minted, in {:.0} s",
		leaf2.weight,
		leaf3.weight,
		share2.share,
		share3.share,
		seen.won.values().map(Vec::len).sum::<usize>(),
		info.mining_minted / UNIT,
		started.elapsed().as_secs_f64()
	);

	// Produced and finalized by all seven, the same chain on every node.
	let mut authors = BTreeSet::new();
	let mut scanned = 0;
	let finalized =
		wait_for("all seven to author finalized blocks", Duration::from_secs(180), || {
			let finalized = node.finalized_number()?;
			for number in scanned + 1..=finalized {
				authors.insert(author_index(&header_at(node, number).1, GOFUN.validators));
			}
			scanned = finalized;
			(authors.len() == GOFUN.validators && finalized >= 2 * GOFUN.validators as u64)
				.then_some(finalized)
		});
	every_node_agrees_on(node, &nodes, finalized);
}

/// Every one of `nodes` has `reference`'s block `number`, the same (each waited for up to 60 s).
fn every_node_agrees_on(reference: &Node, nodes: &[Node], number: u64) {
	let hash = reference.rpc("chain_getBlockHash", json!([number])).unwrap();
	for node in nodes {
		let theirs =
			wait_for("every node to have the finalized block", Duration::from_secs(60), || {
				node.rpc("chain_getBlockHash", json!([number])).ok().filter(|h| !h.is_null())
			});
		assert_eq!(theirs, hash, "{} disagrees on block {number}", node.name);
	}
}
