//! The `local` network of nine validators on loopback, really started: every authority authors
//! in turn, GRANDPA finalizes, every block carries its author's beacon VRF (which every node
//! verified on import) with randomness that changes every block, and a validator killed and
//! restarted on its database keeps importing and authoring.

mod common;

use std::{collections::BTreeSet, time::Duration};

use common::*;
use serde_json::{json, Value};

const VALIDATORS: usize = 9;
/// The beacon's pallet index in the runtime, and its inherent's call index.
const BEACON_CALL: [u8; 2] = [12, 0];

/// Development node key of validator `i`: fixed, so that the others can find validator 1.
fn node_key(i: usize) -> String {
	format!("{i:064x}")
}

fn insert_keys(base: &std::path::Path, index: usize) {
	for (key_type, scheme) in [("aura", "sr25519"), ("gran", "ed25519")] {
		let status = std::process::Command::new(node_binary())
			.args(["key", "insert", "--chain", "local", "--base-path"])
			.arg(base)
			.args(["--suri", &format!("//Validator{index}")])
			.args(["--key-type", key_type, "--scheme", scheme])
			.status()
			.unwrap();
		assert!(status.success(), "key insert {key_type} for validator {index}");
	}
}

fn peer_id(node_key: &str) -> String {
	let out = std::process::Command::new(node_binary())
		.args(["key", "inspect-node-key", "--file", "/dev/stdin"])
		.stdin(std::process::Stdio::piped())
		.stdout(std::process::Stdio::piped())
		.spawn()
		.and_then(|mut child| {
			use std::io::Write;
			child.stdin.take().unwrap().write_all(node_key.as_bytes())?;
			child.wait_with_output()
		})
		.unwrap();
	String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The header of block `number` on `node`.
fn header_at(node: &Node, number: u64) -> (Value, Value) {
	let hash = node.rpc("chain_getBlockHash", json!([number])).unwrap();
	let header = node.rpc("chain_getHeader", json!([hash.clone()])).unwrap();
	(hash, header)
}

/// The authority index (0-based) of a block's author: its Aura slot modulo nine.
fn author_of(header: &Value) -> usize {
	(aura_slot(header).expect("every block has an Aura pre-digest") % VALIDATORS as u64) as usize
}

/// The beacon's latest block and randomness in the state of block `hash`, through the runtime
/// API the node itself reads before signing.
fn beacon_latest(node: &Node, hash: &Value) -> (u32, Vec<u8>) {
	let out = node.rpc("state_call", json!(["BeaconApi_latest", "0x", hash])).unwrap();
	let bytes = unhex(out.as_str().unwrap());
	assert_eq!(bytes.len(), 36, "(u32, H256)");
	(u32::from_le_bytes(bytes[..4].try_into().unwrap()), bytes[4..].to_vec())
}

/// How many of a block's extrinsics are the beacon's inherent: bare, pallet 12, call 0, then
/// the 96-byte VRF (pre-output and proof).
fn beacon_inherents(node: &Node, hash: &Value) -> usize {
	let block = node.rpc("chain_getBlock", json!([hash])).unwrap();
	let extrinsics = block["block"]["extrinsics"].as_array().unwrap().clone();
	extrinsics
		.iter()
		.map(|xt| unhex(xt.as_str().unwrap()))
		.filter(|bytes| {
			// Skip the compact length prefix (1, 2 or 4 bytes by its low two bits).
			let body = &bytes[[1, 2, 4, 0][(bytes[0] & 3) as usize]..];
			// A bare extrinsic (no signature, no extension): version 4 or 5, top bits clear.
			body.len() == 3 + 96 && body[0] & 0xc0 == 0 && body[1..3] == BEACON_CALL
		})
		.count()
}

#[test]
fn nine_validators_author_finalize_and_carry_the_beacon() {
	let dir = TempDir::new("nine");
	let peer_id = peer_id(&node_key(1));
	assert!(peer_id.starts_with("12D3"), "peer id: {peer_id}");

	let mut nodes = Vec::new();
	let mut boot_port = 0;
	for i in 1..=VALIDATORS {
		let base = dir.0.join(format!("validator-{i}"));
		insert_keys(&base, i);
		let bootnode = format!("/ip4/127.0.0.1/tcp/{boot_port}/p2p/{peer_id}");
		let key = node_key(i);
		let mut args =
			vec!["--chain", "local", "--validator", "--allow-private-ip", "--node-key", &key];
		if i > 1 {
			args.extend(["--bootnodes", &bootnode]);
		}
		let node = Node::start(&format!("validator-{i}"), &base, &args);
		if i == 1 {
			boot_port = node.p2p_port;
		}
		nodes.push(node);
	}
	for node in &nodes {
		node.wait_rpc(Duration::from_secs(180));
	}

	// Nine authorities in turn, six-second slots: wait until each has authored a finalized
	// block (a slot's author may miss its first turns while its node is still syncing).
	let observer = &nodes[1];
	let mut authors = BTreeSet::new();
	let mut scanned = 0;
	let finalized =
		wait_for("every authority to author a finalized block", Duration::from_secs(480), || {
			let finalized = observer.finalized_number()?;
			for number in scanned + 1..=finalized {
				authors.insert(author_of(&header_at(observer, number).1));
			}
			scanned = finalized;
			(authors.len() == VALIDATORS && finalized >= 2 * VALIDATORS as u64).then_some(finalized)
		});

	// Every block carries one beacon inherent, and its randomness is new.
	let mut previous = beacon_latest(observer, &header_at(observer, 0).0).1;
	for number in 1..=finalized {
		let (hash, _) = header_at(observer, number);
		assert_eq!(beacon_inherents(observer, &hash), 1, "block {number} has one beacon inherent");
		let (block, randomness) = beacon_latest(observer, &hash);
		assert_eq!(u64::from(block), number, "block {number} has its own randomness");
		assert_ne!(randomness, previous, "block {number}'s randomness differs from its parent's");
		previous = randomness;
	}

	// Every node imported — and so verified in its runtime — the same finalized chain.
	let hash = observer.rpc("chain_getBlockHash", json!([finalized])).unwrap();
	for node in &nodes {
		let theirs =
			wait_for("every node to have the finalized block", Duration::from_secs(60), || {
				node.rpc("chain_getBlockHash", json!([finalized])).ok().filter(|h| !h.is_null())
			});
		assert_eq!(theirs, hash, "{} disagrees on block {finalized}", node.name);
	}

	// Validator 5 crashes; the others go on without it.
	let index = 4;
	nodes[index].kill();
	let at_kill = nodes[1].best_number().unwrap();
	wait_for("three blocks without validator 5", Duration::from_secs(120), || {
		nodes[1].best_number().filter(|n| *n >= at_kill + 3)
	});
	// Restarted on its database, it imports the blocks it missed and new ones.
	nodes[index].restart();
	nodes[index].wait_rpc(Duration::from_secs(120));
	let target = nodes[1].best_number().unwrap() + 2;
	wait_for("validator 5 to import again", Duration::from_secs(180), || {
		nodes[index].best_number().filter(|n| *n >= target)
	});
	// And it authors again, its VRF made over randomness read from its database.
	let mut scanned = at_kill;
	let own =
		wait_for("a block by validator 5 after its restart", Duration::from_secs(180), || {
			let best = nodes[1].best_number()?;
			let own =
				(scanned + 1..=best).find(|n| author_of(&header_at(&nodes[1], *n).1) == index);
			scanned = best;
			own
		});
	let (hash, _) = header_at(&nodes[1], own);
	assert_eq!(beacon_latest(&nodes[1], &hash).0, own as u32);
	wait_for(
		"the restarted validator's block to be finalized everywhere",
		Duration::from_secs(180),
		|| nodes[index].finalized_number().filter(|n| *n >= own),
	);
}
