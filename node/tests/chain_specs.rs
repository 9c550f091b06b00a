//! The chain specs committed in `chain-spec/` are what the node exports from the current runtime:
//! a change of genesis, chain properties or runtime version without `chain-spec/generate` fails
//! here.
//!
//! The wasm bytes themselves are not compared: rustc's crate hashes include the checkout's path,
//! so a clone elsewhere (CI's) builds a functionally identical wasm with different bytes. What is
//! compared instead is everything else in the spec, and the runtime's version and API sections
//! inside the wasm.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Storage key of the runtime code: `:code`.
const CODE_KEY: &str = "0x3a636f6465";

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

fn leb128(bytes: &[u8], at: &mut usize) -> usize {
	let (mut value, mut shift) = (0usize, 0);
	loop {
		let byte = bytes[*at];
		*at += 1;
		value |= ((byte & 0x7f) as usize) << shift;
		shift += 7;
		if byte < 0x80 {
			return value;
		}
	}
}

/// The custom sections `runtime_version` and `runtime_apis` of a (compressed) runtime blob.
fn version_sections(code_hex: &str) -> Vec<(String, Vec<u8>)> {
	let blob = unhex(code_hex);
	let wasm = sp_maybe_compressed_blob::decompress(&blob, 64 * 1024 * 1024).unwrap().into_owned();
	let mut sections = Vec::new();
	let mut at = 8;
	while at < wasm.len() {
		let id = wasm[at];
		at += 1;
		let size = leb128(&wasm, &mut at);
		let end = at + size;
		if id == 0 {
			let mut name_at = at;
			let len = leb128(&wasm, &mut name_at);
			let name = String::from_utf8_lossy(&wasm[name_at..name_at + len]).to_string();
			let content = &wasm[name_at + len..end];
			match name.as_str() {
				"runtime_version" => sections.push((name, content.to_vec())),
				// (API id, version) entries, in whatever order the linker concatenated them.
				"runtime_apis" => {
					let mut entries: Vec<_> = content.chunks(12).collect();
					entries.sort();
					sections.push((name, entries.concat()));
				},
				_ => {},
			}
		}
		at = end;
	}
	assert_eq!(sections.len(), 2, "the runtime declares its version and APIs");
	// The linker may place the two sections in either order.
	sections.sort();
	sections
}

/// Takes the code out of a spec, returning it.
fn take_code(spec: &mut Value, raw: bool) -> String {
	let slot = if raw {
		&mut spec["genesis"]["raw"]["top"][CODE_KEY]
	} else {
		&mut spec["genesis"]["runtimeGenesis"]["code"]
	};
	slot.take().as_str().expect("the spec has code").to_string()
}

#[test]
fn committed_chain_specs_are_current() {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec");
	for (chain, file) in [("local", "local_testnet"), ("im_valley", "im_valley")] {
		for (raw, suffix) in [(false, ""), (true, "-raw")] {
			let path = dir.join(format!("{file}{suffix}.json"));
			let stale =
				format!("{} is stale: run chain-spec/generate and commit it", path.display());
			let mut committed: Value =
				serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| {
					panic!("{}: {e}; run chain-spec/generate", path.display())
				}))
				.unwrap();
			let mut current: Value = serde_json::from_str(&exported(chain, raw)).unwrap();

			let committed_code = take_code(&mut committed, raw);
			let current_code = take_code(&mut current, raw);
			assert!(committed == current, "{stale} (genesis or properties differ)");
			assert!(
				version_sections(&committed_code) == version_sections(&current_code),
				"{stale} (runtime version or APIs differ)"
			);
		}
	}
}

#[test]
fn chain_specs_carry_polkadot_js_properties() {
	for chain in ["dev", "local", "im_valley"] {
		let spec: Value = serde_json::from_str(&exported(chain, false)).unwrap();
		assert_eq!(spec["properties"]["tokenSymbol"], "STONE", "{chain}");
		assert_eq!(spec["properties"]["tokenDecimals"], 12, "{chain}");
		assert_eq!(spec["properties"]["ss58Format"], 42, "{chain}");
	}
}
