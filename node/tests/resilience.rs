//! The nine validators of `local` under faults, really started and really killed: with two down
//! blocks and finality go on; with three down finality stops while blocks are still produced, and
//! resumes and catches up when one returns; a validator restarted on its database and one whose
//! database was wiped re-sync from their peers; every node ends with the same finalized state;
//! the transactions submitted during the faults are each included exactly once.
//!
//! Prints the measured recovery times (`cargo test --test resilience -- --nocapture`); they are
//! written down in benchmarks/README.md.

mod common;

use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};

use common::*;
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring;
use valley_runtime::{RuntimeCall, SystemCall};

/// Validator `i` (1-based) is `nodes[i - 1]`.
const V7: usize = 6;
const V8: usize = 7;
const V9: usize = 8;

/// Remarks signed by Alice, one nonce after the other, remembered by hash.
struct Transactions {
	next_nonce: u32,
	submitted: BTreeMap<String, String>,
}

impl Transactions {
	fn submit(&mut self, node: &Node, label: &str) {
		let call = RuntimeCall::System(SystemCall::remark_with_event {
			remark: label.as_bytes().to_vec(),
		});
		let hash = submit(node, &Sr25519Keyring::Alice.pair(), self.next_nonce, call);
		self.next_nonce += 1;
		self.submitted.insert(hash.as_str().unwrap().to_string(), label.to_string());
	}
}

fn finalized(node: &Node) -> u64 {
	node.finalized_number().expect("the node answers")
}

fn best(node: &Node) -> u64 {
	node.best_number().expect("the node answers")
}

/// Waits until `node`'s best block is at least `target`; returns the time since `since`.
fn wait_best(node: &Node, target: u64, since: Instant, what: &str) -> Duration {
	wait_for(what, Duration::from_secs(300), || node.best_number().filter(|n| *n >= target));
	since.elapsed()
}

/// Waits until `node` has finalized at least `target`; returns the time since `since`.
fn wait_finalized(node: &Node, target: u64, since: Instant, what: &str) -> Duration {
	wait_for(what, Duration::from_secs(300), || node.finalized_number().filter(|n| *n >= target));
	since.elapsed()
}

/// Polls `checks` every half second until each has held once; returns when each first held,
/// counted from `since`. Panics after five minutes.
fn milestones(since: Instant, checks: &mut [(&str, &mut dyn FnMut() -> bool)]) -> Vec<Duration> {
	let mut reached: Vec<Option<Duration>> = vec![None; checks.len()];
	wait_for("the recovery milestones", Duration::from_secs(300), || {
		for (at, (_, check)) in reached.iter_mut().zip(checks.iter_mut()) {
			if at.is_none() && check() {
				*at = Some(since.elapsed());
			}
		}
		reached.iter().all(Option::is_some).then_some(())
	});
	reached.into_iter().map(Option::unwrap).collect()
}

/// Removes a node's block database, keeping its keystore and network key.
fn wipe_database(node: &Node) {
	let chains = node.base_path.join("chains");
	for chain in std::fs::read_dir(&chains).unwrap() {
		let chain = chain.unwrap().path();
		for name in ["paritydb", "db"] {
			let _ = std::fs::remove_dir_all(chain.join(name));
		}
	}
}

#[test]
fn the_network_survives_faults_and_loses_nothing() {
	let dir = TempDir::new("resilience");
	let mut nodes = start_local_network(&dir);
	let mut txs = Transactions { next_nonce: 0, submitted: BTreeMap::new() };
	let mut measured = Vec::new();
	// Validator 1 observes and is never killed.
	wait_finalized(&nodes[0], 3, Instant::now(), "finality on the full network");

	// Two validators down: 7 of 9 still author and finalize.
	nodes[V8].kill();
	nodes[V9].kill();
	let killed = Instant::now();
	let (best0, final0) = (best(&nodes[0]), finalized(&nodes[0]));
	txs.submit(&nodes[0], "two down 1");
	txs.submit(&nodes[1], "two down 2");
	wait_best(&nodes[0], best0 + 4, killed, "blocks with two validators down");
	let took = wait_finalized(&nodes[0], final0 + 4, killed, "finality with two validators down");
	measured.push(format!(
		"two down: four more blocks finalized {took:?} after the kill (head #{}, finalized #{})",
		best(&nodes[0]),
		finalized(&nodes[0])
	));

	// A third down: 6 of 9 still author, but GRANDPA needs 7.
	nodes[V7].kill();
	// Let votes already cast settle.
	std::thread::sleep(Duration::from_secs(15));
	let (best1, stalled) = (best(&nodes[0]), finalized(&nodes[0]));
	txs.submit(&nodes[2], "three down 1");
	txs.submit(&nodes[3], "three down 2");
	wait_best(&nodes[0], best1 + 4, Instant::now(), "blocks with three validators down");
	assert_eq!(finalized(&nodes[0]), stalled, "nothing is finalized with six of nine");
	let head = best(&nodes[0]);
	assert!(head >= stalled + 4, "blocks went on being produced: best {head}, finalized {stalled}");

	// Validator 7 returns, on its database: finality resumes and catches up with the head.
	nodes[V7].restart();
	let restarted = Instant::now();
	measured
		.push(format!("three down: finality stalled at #{stalled}, the head went on to #{head}"));
	let (observer, returned) = (&nodes[0], &nodes[V7]);
	let times = milestones(
		restarted,
		&mut [
			("finality resumes", &mut || finalized(observer) > stalled),
			("finality catches up", &mut || finalized(observer) >= head),
			("validator 7 re-syncs", &mut || returned.best_number().is_some_and(|n| n >= head)),
		],
	);
	measured.push(format!("third back: finality resumed {:?} after its restart", times[0]));
	measured.push(format!(
		"third back: the {} blocks left unfinalized were finalized {:?} after its restart",
		head - stalled,
		times[1]
	));
	measured.push(format!(
		"validator 7 (killed, restarted on its database) at the head #{head} {:?} after its restart",
		times[2]
	));

	// Validator 8 returns on its database; validator 9 lost its database and syncs from peers.
	wipe_database(&nodes[V9]);
	nodes[V8].restart();
	nodes[V9].restart();
	let back = Instant::now();
	txs.submit(&nodes[0], "all back 1");
	let target = best(&nodes[0]);
	let (eight, nine) = (&nodes[V8], &nodes[V9]);
	let times = milestones(
		back,
		&mut [
			("validator 8 re-syncs", &mut || eight.best_number().is_some_and(|n| n >= target)),
			("validator 9 re-syncs", &mut || nine.best_number().is_some_and(|n| n >= target)),
		],
	);
	measured.push(format!(
		"validator 8 (down since the first fault, restarted on its database) at the head #{target} \
		 {:?} after its restart",
		times[0]
	));
	measured.push(format!(
		"validator 9 (database wiped) synced all {target} blocks from its peers {:?} after its \
		 restart",
		times[1]
	));

	// Every transaction is in the chain exactly once, and every node has the same finalized
	// state.
	let alice_nonce = |node: &Node, at: &Value| -> u32 {
		let account = codec::Encode::encode(&Sr25519Keyring::Alice.to_account_id());
		let arg = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&account));
		let out =
			node.rpc("state_call", json!(["AccountNonceApi_account_nonce", arg, at])).unwrap();
		u32::from_le_bytes(unhex(out.as_str().unwrap())[..4].try_into().unwrap())
	};
	let end = wait_for("every transaction to be finalized", Duration::from_secs(120), || {
		let number = finalized(&nodes[0]);
		let (hash, _) = header_at(&nodes[0], number);
		(alice_nonce(&nodes[0], &hash) == txs.next_nonce).then_some(number)
	});
	let mut included = BTreeMap::<String, u32>::new();
	for number in 1..=end {
		for hash in extrinsic_hashes(&nodes[0], &header_at(&nodes[0], number).0) {
			*included.entry(hash.as_str().unwrap().to_string()).or_default() += 1;
		}
	}
	for (hash, label) in &txs.submitted {
		assert_eq!(included.get(hash), Some(&1), "transaction \"{label}\" ({hash}) included once");
	}

	let (hash, header) = header_at(&nodes[0], end);
	for node in &nodes {
		wait_finalized(node, end, Instant::now(), &format!("{} to finalize #{end}", node.name));
		let (theirs, their_header) = header_at(node, end);
		assert_eq!(theirs, hash, "{} has the same block #{end}", node.name);
		assert_eq!(their_header["stateRoot"], header["stateRoot"]);
		// The state itself is there, not just the header.
		assert_eq!(alice_nonce(node, &hash), txs.next_nonce, "{} reads the state", node.name);
		assert_eq!(beacon_latest(node, &hash), beacon_latest(&nodes[0], &hash));
	}

	for line in measured {
		eprintln!("MEASURED {line}");
	}
}
