//! The chain specs committed in `chain-spec/` are what the node exports from the current runtime:
//! a runtime change without `chain-spec/generate` fails here.

mod common;

use std::path::Path;

use common::*;

fn exported(chain: &str, raw: bool) -> String {
	let mut cmd = std::process::Command::new(node_binary());
	cmd.args(["export-chain-spec", "--chain", chain]);
	if raw {
		cmd.arg("--raw");
	}
	let out = cmd.output().expect("valley-node runs");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	String::from_utf8(out.stdout).unwrap()
}

#[test]
fn committed_chain_specs_are_current() {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec");
	for (chain, file) in [("local", "local_testnet"), ("im_valley", "im_valley")] {
		for (raw, suffix) in [(false, ""), (true, "-raw")] {
			let path = dir.join(format!("{file}{suffix}.json"));
			let committed = std::fs::read_to_string(&path)
				.unwrap_or_else(|e| panic!("{}: {e}; run chain-spec/generate", path.display()));
			let current = exported(chain, raw);
			assert!(
				committed.trim_end() == current.trim_end(),
				"{} is stale: run chain-spec/generate and commit the result",
				path.display()
			);
		}
	}
}

#[test]
fn chain_specs_carry_polkadot_js_properties() {
	for chain in ["dev", "local", "im_valley"] {
		let spec: serde_json::Value = serde_json::from_str(&exported(chain, false)).unwrap();
		assert_eq!(spec["properties"]["tokenSymbol"], "STONE", "{chain}");
		assert_eq!(spec["properties"]["tokenDecimals"], 12, "{chain}");
		assert_eq!(spec["properties"]["ss58Format"], 42, "{chain}");
	}
}
