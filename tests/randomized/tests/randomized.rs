//! The randomized run of the whole runtime (issue 15): `VALLEY_RANDOMIZED_SEED` and
//! `VALLEY_RANDOMIZED_CALLS` (100,000 by default) choose what it runs.

use valley_randomized::{run, stats::Stats, Settings, DEFAULT_CALLS};

#[test]
fn a_randomized_run_of_the_whole_runtime_keeps_every_invariant() {
	let settings = Settings::from_env();
	let banner = format!("randomized run: seed {} ({} calls)", settings.seed, settings.calls);
	println!("{banner}");
	eprintln!("{banner}");
	let started = std::time::Instant::now();
	let stats = match std::panic::catch_unwind(|| run(&settings)) {
		Ok(stats) => stats,
		Err(panic) => {
			eprintln!("randomized run failed while: {}", valley_randomized::last_doing());
			eprintln!("reproduce with {} (seed printed above)", settings.reproduce());
			std::panic::resume_unwind(panic);
		},
	};
	let elapsed = started.elapsed();
	println!("{}", stats.table());
	println!("{}", stats.mileage_events());
	println!("{}", stats.final_state);
	println!("time: {}", stats.time);
	println!(
		"{} calls (+{} inherents) in {} blocks ({} of them in multi-block migrations), {:.1} s \
		 ({:.0} calls/s); seed {}",
		stats.total,
		stats.inherents,
		stats.blocks,
		stats.migration_blocks,
		elapsed.as_secs_f64(),
		stats.total as f64 / elapsed.as_secs_f64(),
		settings.seed,
	);
	if stats.nonce_resets + stats.replays_applied > 0 {
		println!(
			"nonces gone back: {}, replayed transactions applied: {} (counted, not failed: {}=1); \
			 first ones:\n  {}",
			stats.nonce_resets,
			stats.replays_applied,
			valley_randomized::ALLOW_NONCE_RESETS_VAR,
			stats.nonce_examples.join("\n  ")
		);
	}
	check_coverage(&stats, settings.calls);
}

/// Calls of the runtime that no generator can make (see `valley_randomized::calls`).
const CANNOT_BE_MADE: &[&str] =
	&["Grandpa::report_equivocation", "Grandpa::report_equivocation_unsigned"];

/// Every other call of the runtime was attempted (checked on full-length runs, so that a call
/// added to a pallet gets a generator); calls never successful are listed.
fn check_coverage(stats: &Stats, calls: u64) {
	let missing: Vec<String> = stats
		.never_attempted()
		.into_iter()
		.filter(|c| !CANNOT_BE_MADE.contains(&c.as_str()))
		.collect();
	let never_ok = stats.never_ok();
	if !never_ok.is_empty() {
		println!("attempted but never successful: {}", never_ok.join(", "));
	}
	if calls >= DEFAULT_CALLS / 2 {
		assert!(missing.is_empty(), "calls of the runtime never attempted: {missing:?}");
	} else if !missing.is_empty() {
		println!("never attempted in this short run: {}", missing.join(", "));
	}
}

/// The generator the run follows: the same seed gives the same draws, within their bounds.
#[test]
fn the_seeded_generator_repeats_itself_and_keeps_its_bounds() {
	use valley_randomized::rng::Rng;
	let (mut a, mut b) = (Rng::new(7), Rng::new(7));
	assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
	assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
	let mut rng = Rng::new(1);
	for _ in 0..10_000 {
		assert!(rng.below(10) < 10);
		assert!((5..=9).contains(&rng.range(5, 9)));
		assert_eq!(rng.range(3, 3), 3);
		assert!(rng.weighted(&[0, 3, 0, 1]) % 2 == 1);
	}
	assert_eq!(rng.below(0), 0);
	let _ = rng.range(0, u64::MAX);
}
