//! Times an operator's work per batch on synthetic fleets: applying a day of readings (two per
//! car: a baseline and a drive), weighing the fleet at the cut-off and building the batch's
//! tree (every level kept, for proofs), with the process's peak memory after each step.
//!
//! `cargo run --release -p valley-operator --example batch_build [-- CARS...]` (default
//! `1000 1000000 10000000`; each size runs in a fresh process so its peak memory is its own).

use std::time::Instant;

use sp_arithmetic::Perbill;
use valley_operator::{
	batch::BatchTree,
	ledger::Ledger,
	types::{Reading, RegistryEntry, Rules, DAY_MS},
};

/// SplitMix64 of `i`: synthetic ids and distances.
fn mix(i: u64) -> u64 {
	let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
	z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	z ^ (z >> 31)
}

fn vehicle(i: u64) -> [u8; 32] {
	let mut id = [0u8; 32];
	for (k, chunk) in id.chunks_mut(8).enumerate() {
		chunk.copy_from_slice(&mix(i ^ ((k as u64) << 56)).to_le_bytes());
	}
	id
}

/// A field of `/proc/self/status` in MiB (`VmHWM`: peak resident memory).
fn status_mib(field: &str) -> f64 {
	let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	status
		.lines()
		.find(|line| line.starts_with(field))
		.and_then(|line| line.split_whitespace().nth(1))
		.and_then(|kb| kb.parse::<f64>().ok())
		.map_or(0.0, |kb| kb / 1024.0)
}

fn run(cars: u64) {
	let rules = Rules { daily_cap_km: 500, max_speed_kmh: 200, tolerance_km: 2 };
	let day0 = 20_000 * DAY_MS;
	let mut ledger = Ledger::new(rules);
	let start = Instant::now();
	let mut seq = 0;
	for (hour, drive) in [(0u64, false), (10, true)] {
		for i in 0..cars {
			seq += 1;
			let distance = if drive { (mix(!i) % 400) as u32 } else { 0 };
			let at = day0 + hour * 3_600_000;
			let reading = Reading {
				seq,
				vehicle: vehicle(i),
				odometer: 10_000 + distance,
				timestamp_ms: at,
				received_ms: at,
			};
			let _ = ledger.apply(&reading);
		}
	}
	let applied = start.elapsed();
	let registry: Vec<RegistryEntry> = (0..cars)
		.map(|i| RegistryEntry {
			vehicle: vehicle(i),
			owner: [1; 32],
			activation_ms: 0,
			owner_since_ms: 0,
			version: 0,
		})
		.collect();
	let ledger_mib = status_mib("VmHWM");
	let start = Instant::now();
	// Every seventh car with a violation (80 %), as the simulator's fleet.
	let factors: std::collections::BTreeMap<_, _> =
		(0..cars).step_by(7).map(|i| (vehicle(i), Perbill::from_percent(80))).collect();
	let leaves = ledger.weights(day0 + 12 * 3_600_000, &registry, &factors);
	let weighed = start.elapsed();
	let start = Instant::now();
	let tree = BatchTree::build(1, day0, [7; 32], leaves).expect("sums fit");
	let built = start.elapsed();
	println!(
		"{cars} cars: readings {:.2} s ({:.0} ns each), ledger peak {ledger_mib:.0} MiB; weights \
		 {:.2} s; tree of {} leaves {:.2} s; peak {:.0} MiB; root total {}",
		applied.as_secs_f64(),
		applied.as_nanos() as f64 / (2 * cars) as f64,
		weighed.as_secs_f64(),
		tree.commitment().count,
		built.as_secs_f64(),
		status_mib("VmHWM"),
		tree.commitment().total,
	);
}

fn main() {
	let sizes: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
	if sizes.len() == 1 {
		return run(sizes[0]);
	}
	let sizes = if sizes.is_empty() { vec![1_000, 1_000_000, 10_000_000] } else { sizes };
	let me = std::env::current_exe().expect("the example's path");
	for cars in sizes {
		let status = std::process::Command::new(&me).arg(cars.to_string()).status();
		assert!(status.is_ok_and(|s| s.success()), "{cars} cars");
	}
}
