//! A harness for end-to-end tests: starts real `valley-node` processes on loopback, talks to them
//! over JSON-RPC (plain HTTP, no extra client crate) and stops them when dropped.
#![allow(dead_code)]

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use serde_json::{json, Value};

/// The node binary cargo built for these tests.
pub fn node_binary() -> &'static str {
	env!("CARGO_BIN_EXE_valley-node")
}

/// A loopback TCP port nobody listens on right now.
pub fn free_port() -> u16 {
	free_ports(1)[0]
}

/// `n` distinct loopback TCP ports nobody listens on right now (all bound at once, then freed).
///
/// They are drawn below Linux's ephemeral range (32768–60999), from which the OS picks the port of
/// every outgoing connection and of every process that binds port 0 (the polkadot.js suite and the
/// dashboard's browser test, which run beside these tests): a node started here, or restarted on
/// its ports after a kill, finds them still free.
pub fn free_ports(n: usize) -> Vec<u16> {
	use std::{
		collections::BTreeSet,
		sync::{
			atomic::{AtomicU64, Ordering},
			Mutex,
		},
	};
	const FIRST: u64 = 20_000;
	const PAST_LAST: u64 = 32_768;
	static DRAWN: AtomicU64 = AtomicU64::new(0);
	// Never the same port twice in this process: tests run side by side (two networks in
	// operators.rs), and a port handed out is free until its node binds it.
	static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
	let seed =
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
			as u64 ^ (u64::from(std::process::id()) << 32);
	let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
	let mut listeners = Vec::with_capacity(n);
	while listeners.len() < n {
		// splitmix64 over a counter: distinct draws across threads and test processes.
		let mut x = seed.wrapping_add(
			DRAWN.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9e37_79b9_7f4a_7c15),
		);
		x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		let port = (FIRST + (x ^ (x >> 31)) % (PAST_LAST - FIRST)) as u16;
		if handed_out.contains(&port) {
			continue;
		}
		if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) {
			handed_out.insert(port);
			listeners.push(listener);
		}
	}
	listeners.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
	pub fn new(label: &str) -> Self {
		let nanos =
			std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
		let path =
			std::env::temp_dir().join(format!("valley-e2e-{label}-{}-{nanos}", std::process::id()));
		std::fs::create_dir_all(&path).unwrap();
		Self(path)
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		// Keep the nodes' logs of a failed test.
		if std::thread::panicking() {
			eprintln!("logs kept in {}", self.0.display());
		} else {
			let _ = std::fs::remove_dir_all(&self.0);
		}
	}
}

/// A JSON-RPC call over HTTP/1.1 to `127.0.0.1:port`.
pub fn rpc(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
	write!(
		stream,
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)
	.map_err(|e| e.to_string())?;
	let mut response = String::new();
	stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
	let (_, payload) = response.split_once("\r\n\r\n").ok_or("no HTTP body")?;
	let value: Value =
		serde_json::from_str(payload.trim()).map_err(|e| format!("{e}: {payload}"))?;
	match value.get("error") {
		Some(error) => Err(error.to_string()),
		None => Ok(value["result"].clone()),
	}
}

/// Polls `check` every half second until it returns `Some`, or panics after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
	let start = Instant::now();
	loop {
		if let Some(value) = check() {
			return value;
		}
		if start.elapsed() > timeout {
			panic!("timed out after {timeout:?} waiting for {what}");
		}
		std::thread::sleep(Duration::from_millis(500));
	}
}

/// A block number from a header's hex `number`.
pub fn header_number(header: &Value) -> u64 {
	u64::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// A running `valley-node`; killed when dropped.
pub struct Node {
	pub name: String,
	pub rpc_port: u16,
	pub p2p_port: u16,
	pub base_path: PathBuf,
	args: Vec<String>,
	child: Option<Child>,
	log: PathBuf,
}

impl Node {
	/// Starts a node with `args` (besides ports, base path and logging, which this sets).
	pub fn start(name: &str, base_path: &Path, args: &[&str]) -> Self {
		let ports = free_ports(2);
		Self::start_on(name, base_path, args, (ports[0], ports[1]))
	}

	/// Starts a node like [`Node::start`], answering RPC and peers on `(rpc_port, p2p_port)`.
	pub fn start_on(name: &str, base_path: &Path, args: &[&str], ports: (u16, u16)) -> Self {
		let (rpc_port, p2p_port) = ports;
		let mut node = Node {
			name: name.into(),
			rpc_port,
			p2p_port,
			base_path: base_path.to_path_buf(),
			args: args.iter().map(|a| a.to_string()).collect(),
			child: None,
			log: base_path.join(format!("{name}.log")),
		};
		node.spawn();
		node
	}

	fn spawn(&mut self) {
		std::fs::create_dir_all(&self.base_path).unwrap();
		let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
		let child = Command::new(node_binary())
			.args(&self.args)
			.arg("--base-path")
			.arg(&self.base_path)
			.args(["--rpc-port", &self.rpc_port.to_string()])
			.args(["--port", &self.p2p_port.to_string()])
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns", "--name", &self.name])
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("valley-node starts");
		self.child = Some(child);
	}

	/// Kills the process (as a crash would) and waits for it to exit.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts the process again with the same arguments, ports and database.
	pub fn restart(&mut self) {
		self.kill();
		self.spawn();
	}

	pub fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		rpc(self.rpc_port, method, params)
	}

	/// Waits until the node answers RPC.
	pub fn wait_rpc(&self, timeout: Duration) {
		wait_for(&format!("{} to answer RPC", self.name), timeout, || {
			self.rpc("system_health", json!([])).ok()
		});
	}

	pub fn best_number(&self) -> Option<u64> {
		self.rpc("chain_getHeader", json!([])).ok().map(|h| header_number(&h))
	}

	pub fn finalized_number(&self) -> Option<u64> {
		let hash = self.rpc("chain_getFinalizedHead", json!([])).ok()?;
		self.rpc("chain_getHeader", json!([hash])).ok().map(|h| header_number(&h))
	}

	/// The end of the node's log, for failure messages.
	pub fn log_tail(&self) -> String {
		let log = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<_> = log.lines().collect();
		lines[lines.len().saturating_sub(30)..].join("\n")
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The bytes of a `0x`-prefixed hex string.
pub fn unhex(hex: &str) -> Vec<u8> {
	let hex = hex.trim_start_matches("0x");
	(0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// The Aura slot in a header's pre-runtime digest.
pub fn aura_slot(header: &Value) -> Option<u64> {
	header["digest"]["logs"].as_array()?.iter().find_map(|log| {
		let bytes = unhex(log.as_str()?);
		// DigestItem::PreRuntime = 6, engine id "aura", compact length 8 (0x20), slot (u64 LE).
		if bytes.len() == 14 && bytes[0] == 6 && &bytes[1..5] == b"aura" && bytes[5] == 0x20 {
			Some(u64::from_le_bytes(bytes[6..14].try_into().unwrap()))
		} else {
			None
		}
	})
}

/// The header of block `number` on `node`, and its hash.
pub fn header_at(node: &Node, number: u64) -> (Value, Value) {
	let hash = node.rpc("chain_getBlockHash", json!([number])).unwrap();
	let header = node.rpc("chain_getHeader", json!([hash.clone()])).unwrap();
	(hash, header)
}

/// The beacon's latest block and randomness in the state of block `hash`, through the runtime
/// API the node itself reads before signing.
pub fn beacon_latest(node: &Node, hash: &Value) -> (u32, Vec<u8>) {
	let out = node.rpc("state_call", json!(["BeaconApi_latest", "0x", hash])).unwrap();
	let bytes = unhex(out.as_str().unwrap());
	assert_eq!(bytes.len(), 36, "(u32, H256)");
	(u32::from_le_bytes(bytes[..4].try_into().unwrap()), bytes[4..].to_vec())
}

/// The validators of the `local` chain.
pub const VALIDATORS: usize = 9;

/// A multi-validator chain the node knows by name, with its development validator keys.
pub struct Chain {
	/// The `--chain` id.
	pub id: &'static str,
	/// How many validators (each also an oracle operator when given a telematics URL).
	pub validators: usize,
	/// The derivation of validator `i`'s keys: this followed by `i` (`//Validator3`).
	pub suri: &'static str,
	/// Added to a validator's index for its node key, so that two chains' peer ids differ.
	pub node_key_offset: usize,
}

/// IM Valley's nine-validator local network.
pub const LOCAL: Chain =
	Chain { id: "local", validators: VALIDATORS, suri: "//Validator", node_key_offset: 0 };
/// GoFun's seven-authority consortium (as `scripts/start --chain gofun` runs it).
pub const GOFUN: Chain =
	Chain { id: "gofun", validators: 7, suri: "//GoFun", node_key_offset: 100 };

/// Development node key of validator `i`: fixed, so that the others can find validator 1.
fn node_key(i: usize) -> String {
	format!("{i:064x}")
}

/// Puts validator `index`'s development keys of `key_types` ((key type, scheme)) into the
/// keystore under `base`.
fn insert_keys(chain: &Chain, base: &Path, index: usize, key_types: &[(&str, &str)]) {
	for (key_type, scheme) in key_types {
		let status = Command::new(node_binary())
			.args(["key", "insert", "--chain", chain.id, "--base-path"])
			.arg(base)
			.args(["--suri", &format!("{}{index}", chain.suri)])
			.args(["--key-type", key_type, "--scheme", scheme])
			.status()
			.unwrap();
		assert!(status.success(), "key insert {key_type} for {} validator {index}", chain.id);
	}
}

/// The libp2p peer id of a node key.
fn peer_id(node_key: &str) -> String {
	let out = Command::new(node_binary())
		.args(["key", "inspect-node-key", "--file", "/dev/stdin"])
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.spawn()
		.and_then(|mut child| {
			child.stdin.take().unwrap().write_all(node_key.as_bytes())?;
			child.wait_with_output()
		})
		.unwrap();
	String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Starts the nine validators of `local` under `dir` (validator `i` with //Validator`i`'s keys,
/// every other validator its reserved peer) and waits until each answers RPC.
pub fn start_local_network(dir: &TempDir) -> Vec<Node> {
	start_local_network_with(dir, |_| None)
}

/// The nine validators, validator `i` an oracle operator reading the telematics service at
/// `telematics(i)` if that is `Some` (its `orcl` key inserted).
pub fn start_local_network_with(
	dir: &TempDir,
	telematics: impl Fn(usize) -> Option<String>,
) -> Vec<Node> {
	start_network_with(&LOCAL, dir, telematics)
}

/// The validators of `chain`, validator `i` an oracle operator reading the telematics service at
/// `telematics(i)` if that is `Some` (its `orcl` key inserted).
pub fn start_network_with(
	chain: &Chain,
	dir: &TempDir,
	telematics: impl Fn(usize) -> Option<String>,
) -> Vec<Node> {
	// Every validator keeps every other as a reserved peer: the node dials a reserved peer again
	// every second until it is connected, whereas a bootnode is dialled once at start-up. Nine
	// nodes starting together on two cores dial before some of them listen; a validator whose
	// only dial failed stayed without peers for good, and GRANDPA (7 of 9) stalled once two
	// others were stopped.
	let n = chain.validators;
	let ports = free_ports(2 * n);
	let (rpc_ports, ports) = ports.split_at(n);
	let addresses: Vec<String> = (1..=n)
		.map(|i| {
			let peer_id = peer_id(&node_key(i + chain.node_key_offset));
			assert!(peer_id.starts_with("12D3"), "peer id: {peer_id}");
			format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", ports[i - 1])
		})
		.collect();
	let mut nodes: Vec<Node> = Vec::new();
	for i in 1..=n {
		let base = dir.0.join(format!("validator-{i}"));
		insert_keys(chain, &base, i, &[("aura", "sr25519"), ("gran", "ed25519")]);
		let key = node_key(i + chain.node_key_offset);
		let mut args: Vec<String> =
			["--chain", chain.id, "--validator", "--allow-private-ip", "--node-key", &key]
				.map(String::from)
				.to_vec();
		if let Some(url) = telematics(i) {
			insert_keys(chain, &base, i, &[("orcl", "sr25519")]);
			args.push("--telematics-url".into());
			args.push(url);
		}
		args.push("--reserved-nodes".into());
		args.extend((1..=n).filter(|&j| j != i).map(|j| addresses[j - 1].clone()));
		let args: Vec<&str> = args.iter().map(String::as_str).collect();
		let name = format!("{}-validator-{i}", chain.id);
		nodes.push(Node::start_on(&name, &base, &args, (rpc_ports[i - 1], ports[i - 1])));
	}
	for node in &nodes {
		node.wait_rpc(Duration::from_secs(180));
	}
	nodes
}

/// Submits `call` signed by `sender` with `nonce` through `node`; returns the transaction's
/// hash.
pub fn submit(
	node: &Node,
	sender: &sp_core::sr25519::Pair,
	nonce: u32,
	call: valley_runtime::RuntimeCall,
) -> Value {
	use codec::Encode;
	let (genesis, _) = header_at(node, 0);
	let best = node.rpc("chain_getHeader", json!([])).unwrap();
	let best_hash = node.rpc("chain_getBlockHash", json!([header_number(&best)])).unwrap();
	let h256 = |v: &Value| sp_core::H256::from_slice(&unhex(v.as_str().unwrap()));
	let context = valley_runtime::transactions::SigningContext {
		genesis_hash: h256(&genesis),
		best_hash: h256(&best_hash),
		best_number: header_number(&best) as u32,
	};
	let xt = valley_runtime::transactions::signed(call, sender, nonce, &context);
	let hex = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&xt.encode()));
	node.rpc("author_submitExtrinsic", json!([hex])).expect("the transaction is accepted")
}

/// The hashes of a block's extrinsics (blake2-256 of their encoding, as the node reports them).
pub fn extrinsic_hashes(node: &Node, hash: &Value) -> Vec<Value> {
	let block = node.rpc("chain_getBlock", json!([hash])).unwrap();
	block["block"]["extrinsics"]
		.as_array()
		.unwrap()
		.iter()
		.map(|xt| {
			let hash = sp_io::hashing::blake2_256(&unhex(xt.as_str().unwrap()));
			json!(format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&hash)))
		})
		.collect()
}

/// The beacon's pallet index in the runtime, and its inherent's call index.
pub const BEACON_CALL: [u8; 2] = [12, 0];

/// The authority index (0-based) of a block's author on the nine-validator network.
pub fn author_of(header: &Value) -> usize {
	author_index(header, VALIDATORS)
}

/// The authority index (0-based) of a block's author among `authorities`: its Aura slot modulo
/// their number.
pub fn author_index(header: &Value, authorities: usize) -> usize {
	(aura_slot(header).expect("every block has an Aura pre-digest") % authorities as u64) as usize
}

/// How many of a block's extrinsics are the beacon's inherent: bare, pallet 12, call 0, then
/// the 96-byte VRF (pre-output and proof).
pub fn beacon_inherents(node: &Node, hash: &Value) -> usize {
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
