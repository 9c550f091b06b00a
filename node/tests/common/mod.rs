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
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
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
		let mut node = Node {
			name: name.into(),
			rpc_port: free_port(),
			p2p_port: free_port(),
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
