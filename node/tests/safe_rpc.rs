//! The RPC a web page can reach on the nodes `scripts/start` runs: a node started with exactly the
//! flags the script gives its validators (`SAFE_RPC_FLAGS` in `scripts/lib.sh`) refuses the
//! methods that change keys or offchain storage, serves polkadot.js's safe ones, and
//! lets only local pages and polkadot.js apps read its answers.

mod common;

use std::{
	io::{Read, Write},
	net::TcpStream,
	path::Path,
	time::Duration,
};

use common::*;
use serde_json::{json, Value};

/// The RPC flags `scripts/start` gives its nodes, read from `scripts/lib.sh`.
fn start_script_rpc_flags() -> Vec<String> {
	let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/lib.sh");
	let out = std::process::Command::new("bash")
		.arg("-c")
		.arg(format!("source '{}' && printf '%s\\n' \"${{SAFE_RPC_FLAGS[@]}}\"", lib.display()))
		.output()
		.expect("bash runs");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
}

/// A JSON-RPC call as a browser page at `origin` makes it: the HTTP headers of the answer and
/// its JSON body.
fn call_from(port: u16, origin: &str, method: &str, params: Value) -> (String, Value) {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
	let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
	stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
	write!(
		stream,
		"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
		 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)
	.unwrap();
	let mut response = String::new();
	stream.read_to_string(&mut response).unwrap();
	let (head, payload) = response.split_once("\r\n\r\n").expect("an HTTP answer");
	let value = serde_json::from_str(payload.trim()).unwrap_or(Value::Null);
	(head.to_ascii_lowercase(), value)
}

fn allowed_origin(head: &str) -> Option<String> {
	head.lines()
		.find_map(|l| l.strip_prefix("access-control-allow-origin:"))
		.map(|o| o.trim().to_string())
}

#[test]
fn browsers_reach_only_safe_rpc_on_the_started_nodes() {
	let flags = start_script_rpc_flags();
	assert!(flags.windows(2).any(|w| w == ["--rpc-methods", "safe"]), "{flags:?}");
	let dir = TempDir::new("safe-rpc");
	let mut args = vec!["--dev"];
	args.extend(flags.iter().map(String::as_str));
	let node = Node::start("safe-rpc", &dir.0, &args);
	node.wait_rpc(Duration::from_secs(120));

	let local_page = "http://127.0.0.1:8000";
	// What polkadot.js needs works, for pages on this machine and for polkadot.js apps.
	for origin in [local_page, "https://polkadot.js.org"] {
		let (head, answer) = call_from(node.rpc_port, origin, "system_chain", json!([]));
		assert_eq!(answer["result"], "IM Valley Development", "{answer}");
		assert_eq!(allowed_origin(&head).as_deref(), Some(origin), "{head}");
	}

	// Unsafe methods are refused whoever asks, and change nothing.
	let alice = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
	let refused = [
		("author_insertKey", json!(["orcl", "//Mallory", alice])),
		(
			"offchain_localStorageSet",
			json!(["PERSISTENT", "0x76616c6c65793a3a74656c656d61746963732d75726c", "0x00"]),
		),
		("author_rotateKeys", json!([])),
	];
	for (method, params) in refused {
		let (_, answer) = call_from(node.rpc_port, local_page, method, params);
		let error = answer["error"]["message"].as_str().unwrap_or_default().to_string();
		assert!(error.contains("unsafe"), "{method} was not refused: {answer}");
	}
	let has_key = node.rpc("author_hasKey", json!([alice, "orcl"]));
	assert!(has_key.is_err() || has_key == Ok(json!(false)), "{has_key:?}");

	// A page from anywhere else cannot read the node's answers (the browser enforces it: the
	// node names no other origin as allowed).
	let (head, _) = call_from(node.rpc_port, "https://evil.example", "system_chain", json!([]));
	assert_eq!(allowed_origin(&head), None, "{head}");
}
