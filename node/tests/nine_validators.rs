//! The `local` network of nine validators on loopback, really started: blocks are authored by
//! (at least) seven different authorities and GRANDPA finalizes them.

mod common;

use std::{collections::BTreeSet, time::Duration};

use common::*;
use serde_json::json;

const VALIDATORS: usize = 9;
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

#[test]
fn nine_validators_author_and_finalize() {
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

	// Nine authorities in turn, six-second slots: after 24 blocks at least seven of them authored
	// (a slot's author may miss it while its node is still syncing).
	let observer = &nodes[1];
	let finalized = wait_for("block 24 to be finalized", Duration::from_secs(400), || {
		observer.finalized_number().filter(|n| *n >= 24)
	});
	let mut authors = BTreeSet::new();
	for number in 1..=finalized {
		let hash = observer.rpc("chain_getBlockHash", json!([number])).unwrap();
		let header = observer.rpc("chain_getHeader", json!([hash])).unwrap();
		let slot = aura_slot(&header).expect("every block has an Aura pre-digest");
		authors.insert(slot % VALIDATORS as u64);
	}
	assert!(
		authors.len() >= 7,
		"blocks 1..={finalized} were authored by {} authorities: {authors:?}\n{}",
		authors.len(),
		observer.log_tail()
	);

	// Every node agrees on the finalized block.
	let hash = observer.rpc("chain_getBlockHash", json!([finalized])).unwrap();
	for node in &nodes {
		let theirs =
			wait_for("every node to have the finalized block", Duration::from_secs(60), || {
				node.rpc("chain_getBlockHash", json!([finalized])).ok().filter(|h| !h.is_null())
			});
		assert_eq!(theirs, hash, "{} disagrees on block {finalized}", node.name);
	}
}
