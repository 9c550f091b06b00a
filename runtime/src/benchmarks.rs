//! The pallets `valley-node benchmark pallet` measures, and the runtime API glue for it.

use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys};

use crate::*;

type SystemExtensionsBench = frame_system_benchmarking::extensions::Pallet<Runtime>;
type BaselineBench = frame_benchmarking::baseline::Pallet<Runtime>;

impl frame_benchmarking::baseline::Config for Runtime {}

// `pallet_membership` (the oracle operators) uses its reference weights: membership changes are
// rare admin calls on a set of at most 16. `pallet_nfts` exposes no calls: minting, transfers,
// listing and settling go through `pallet_collectibles`, measured here.
// `frame_system`'s own benchmarks are left out: their `set_code` case embeds a 4 MB sample runtime in
// our wasm. Its calls use the reference weights of `frame_system::weights::SubstrateWeight`.
frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench]
	[frame_system_extensions, SystemExtensionsBench]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_stone, Stone]
	[pallet_mileage, Mileage]
	[pallet_beacon, Beacon]
	[pallet_crystals, Crystals]
	[pallet_collectibles, Collectibles]
	[pallet_redemption, Redemption]
);

/// Every benchmark the runtime has, for `benchmark pallet --list`.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
