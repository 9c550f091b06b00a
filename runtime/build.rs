//! Builds the runtime's wasm twice when the native build has test features on:
//!
//! - `wasm_binary.rs` (`WASM_BINARY`): with the features of this build. In the workspace build
//!   (`runtime-benchmarks,try-runtime`) this is the **benchmark wasm**: `benchmark pallet
//!   --runtime` and try-runtime checks run on it. It is never put in a chain spec.
//! - `valley_runtime_production` (`production::WASM_BINARY`, the blob
//!   `wbuild/valley-runtime/valley_runtime_production.compact.compressed.wasm`): without `runtime-benchmarks` and
//!   `try-runtime`, whatever the native build has on. Every chain spec the node knows or exports
//!   (`dev`, `local`, `im_valley`) embeds this one: no `Benchmark_*` or `TryRuntime_*` runtime API
//!   and no benchmarking host function on chain.
//!
//! The wasm builder forwards the features it finds in this build script's `CARGO_FEATURE_*`
//! environment; the second build removes all of them but `std` first. Both builds share
//! the wasm target directory, so each compiles the runtime's dependencies once per feature set.

fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();

		// Every feature but `std` goes: `runtime-benchmarks` and `try-runtime`, and the optional
		// dependencies they switch on (`frame-benchmarking`, `frame-try-runtime`, …), which
		// cargo reports as features of their own.
		let features: Vec<String> = std::env::vars()
			.map(|(name, _)| name)
			.filter(|name| name.starts_with("CARGO_FEATURE_"))
			.filter(|name| name != "CARGO_FEATURE_STD" && name != "CARGO_FEATURE_DEFAULT")
			.collect();
		for name in features {
			// SAFETY: build scripts are single-threaded; nothing reads the environment meanwhile.
			#[allow(unused_unsafe)]
			unsafe {
				std::env::remove_var(name);
			}
		}
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.set_file_name("valley_runtime_production")
			.build();
	}
}
