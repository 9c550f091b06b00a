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
	let mut sections = Vec::new();
	// Custom sections (id 0): a name, then the contents.
	for (_, content) in wasm_sections(&unhex(code_hex)).into_iter().filter(|(id, _)| *id == 0) {
		let mut at = 0;
		let name = name(&content, &mut at);
		let content = &content[at..];
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
	assert_eq!(sections.len(), 2, "the runtime declares its version and APIs");
	// The linker may place the two sections in either order.
	sections.sort();
	sections
}

/// The sections of a wasm module: (id, contents), the code decompressed first.
fn wasm_sections(blob: &[u8]) -> Vec<(u8, Vec<u8>)> {
	let wasm = sp_maybe_compressed_blob::decompress(blob, 64 * 1024 * 1024).unwrap().into_owned();
	assert_eq!(&wasm[..4], b"\0asm", "a wasm module");
	let mut sections = Vec::new();
	let mut at = 8;
	while at < wasm.len() {
		let id = wasm[at];
		at += 1;
		let size = leb128(&wasm, &mut at);
		sections.push((id, wasm[at..at + size].to_vec()));
		at += size;
	}
	sections
}

fn name(bytes: &[u8], at: &mut usize) -> String {
	let len = leb128(bytes, at);
	let name = String::from_utf8_lossy(&bytes[*at..*at + len]).to_string();
	*at += len;
	name
}

/// The names a wasm module exports and the (module, name) pairs it imports.
fn exports_and_imports(blob: &[u8]) -> (Vec<String>, Vec<String>) {
	let (mut exports, mut imports) = (Vec::new(), Vec::new());
	for (id, content) in wasm_sections(blob) {
		let mut at = 0;
		match id {
			// Import section: module, name, then a kind-specific description.
			2 => {
				for _ in 0..leb128(&content, &mut at) {
					let module = name(&content, &mut at);
					let field = name(&content, &mut at);
					let kind = content[at];
					at += 1;
					match kind {
						0 => {
							leb128(&content, &mut at);
						},
						// Table: element type and limits; memory: limits.
						1 | 2 => {
							if kind == 1 {
								at += 1;
							}
							let flags = content[at];
							at += 1;
							leb128(&content, &mut at);
							if flags & 1 == 1 {
								leb128(&content, &mut at);
							}
						},
						// Global: value type and mutability.
						3 => at += 2,
						other => panic!("unknown import kind {other}"),
					}
					imports.push(format!("{module}.{field}"));
				}
			},
			// Export section: name, kind, index.
			7 => {
				for _ in 0..leb128(&content, &mut at) {
					exports.push(name(&content, &mut at));
					at += 1;
					leb128(&content, &mut at);
				}
			},
			_ => {},
		}
	}
	(exports, imports)
}

/// What must never be on chain: benchmark and try-runtime entry points, and imports of the
/// benchmarking host functions (a node built without them could not run the chain).
fn test_code_in(blob: &[u8]) -> Vec<String> {
	let (exports, imports) = exports_and_imports(blob);
	assert!(exports.iter().any(|e| e == "Core_version"), "the runtime exports its API");
	exports
		.into_iter()
		.filter(|e| e.starts_with("Benchmark_") || e.starts_with("TryRuntime_"))
		.chain(imports.into_iter().filter(|i| i.contains("ext_benchmarking_")))
		.collect()
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
	for (chain, file) in
		[("local", "local_testnet"), ("im_valley", "im_valley"), ("gofun", "gofun")]
	{
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
	for (chain, symbol) in
		[("dev", "STONE"), ("local", "STONE"), ("im_valley", "STONE"), ("gofun", "CUBE")]
	{
		let spec: Value = serde_json::from_str(&exported(chain, false)).unwrap();
		assert_eq!(spec["properties"]["tokenSymbol"], symbol, "{chain}");
		assert_eq!(spec["properties"]["tokenDecimals"], 12, "{chain}");
		assert_eq!(spec["properties"]["ss58Format"], 42, "{chain}");
	}
}

#[test]
fn chain_specs_embed_a_production_runtime() {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec");
	let mut specs: Vec<(String, String)> = ["local_testnet", "im_valley", "gofun"]
		.iter()
		.flat_map(|file| ["", "-raw"].map(|suffix| format!("{file}{suffix}.json")))
		.map(|file| (file.clone(), std::fs::read_to_string(dir.join(file)).unwrap()))
		.collect();
	for chain in ["dev", "local", "im_valley", "gofun"] {
		specs.push((format!("built-in {chain} (raw)"), exported(chain, true)));
		specs.push((format!("built-in {chain}"), exported(chain, false)));
	}
	for (what, spec) in specs {
		let mut spec: Value = serde_json::from_str(&spec).unwrap();
		let raw = spec["genesis"].get("raw").is_some();
		let code = unhex(&take_code(&mut spec, raw));
		assert_eq!(test_code_in(&code), Vec::<String>::new(), "{what} carries test code");
	}
}

/// The benchmark wasm the workspace build makes beside the production one has the benchmark API
/// (so the check above would see it), and the node's benchmark command runs on it. Only for a node
/// built with `runtime-benchmarks` (the workspace build); without it there is no benchmark wasm.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn the_benchmark_wasm_has_benchmarks_and_the_command_runs_on_it() {
	let wasm = Path::new(node_binary())
		.parent()
		.unwrap()
		.join("wbuild/valley-runtime/valley_runtime.compact.compressed.wasm");
	let found = test_code_in(&std::fs::read(&wasm).unwrap());
	assert!(found.iter().any(|f| f == "Benchmark_dispatch_benchmark"), "{found:?}");
	if cfg!(feature = "try-runtime") {
		assert!(found.iter().any(|f| f.starts_with("TryRuntime_")), "{found:?}");
	}

	let out = std::process::Command::new(node_binary())
		.args(["benchmark", "pallet", "--runtime"])
		.arg(&wasm)
		.args(["--genesis-builder-preset", "development", "--pallet", "pallet_stone"])
		.args(["--extrinsic", "set_transfers_enabled", "--steps", "2", "--repeat", "1"])
		.output()
		.expect("valley-node runs");
	let text =
		format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
	assert!(out.status.success(), "{text}");
	assert!(text.contains("set_transfers_enabled"), "{text}");

	// Without `--runtime` the command says where the benchmarks are instead of failing obscurely.
	let out = std::process::Command::new(node_binary())
		.args(["benchmark", "pallet", "--chain", "dev", "--pallet", "pallet_stone"])
		.args(["--extrinsic", "*"])
		.output()
		.expect("valley-node runs");
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("--runtime"));
}
