//! The `local` network of nine validators on loopback, really started: every authority authors
//! in turn, GRANDPA finalizes, every block carries its author's beacon VRF (which every node
//! verified on import) with randomness that changes every block, and a validator killed and
//! restarted on its database keeps importing and authoring.

mod common;

use std::{collections::BTreeSet, time::Duration};

use common::*;
use serde_json::{json, Value};

/// The beacon's pallet index in the runtime, and its inherent's call index.
const BEACON_CALL: [u8; 2] = [12, 0];

/// The authority index (0-based) of a block's author: its Aura slot modulo nine.
fn author_of(header: &Value) -> usize {
	(aura_slot(header).expect("every block has an Aura pre-digest") % VALIDATORS as u64) as usize
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
	let mut nodes = start_local_network(&dir);

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
