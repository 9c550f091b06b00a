//! # A randomized run of the whole runtime
//!
//! A seeded generator drives calls of every pallet of the IM Valley runtime through the real
//! runtime, block by block, and checks every invariant after every block (issue 15).
//!
//! ## Overview
//!
//! - **Genesis**: the `development` preset (Alice the sudo key and only Aura authority, Ferdie
//!   the oracle operator), with actors derived from the seed ([`actors`]): owners, strangers
//!   without Stones, more oracle operators and task issuers. The first block adds them (root
//!   calls, counted like any other).
//! - **Blocks** ([`chain`]) go through the executive as the node builds them: Aura's pre-digest,
//!   the timestamp inherent, the slot author's beacon VRF (preceded now and then by forged ones,
//!   which the block refuses), the hooks (batches close and finish in `on_initialize`, accepted
//!   batches' points and box openings are drawn in `on_finalize`), 50–200 calls (250–350 in a rush on boxes, one block in 30,
//!   beyond what a block takes), `finalize_block`. Time moves one slot (6 s) per block and
//!   sometimes jumps minutes, hours or days, so that batches fall behind and catch up one per
//!   block and mileage days pass.
//! - **Calls** ([`calls`]): every call of every pallet, from the right origin and from wrong
//!   ones, with valid inputs often enough that the state grows (vehicles, batches committed by a
//!   majority of the operators, drawn and their winners proven, registry changes proposed until
//!   applied, awards, boxes opened and drawn, pieces combined, transfers opened and closed) and
//!   with unknown ids, duplicates, lies and forged proofs, empty and oversized vectors, zero and
//!   overflowing numbers.
//!   A call goes one of four ways: dispatched with its origin through the runtime's call filter
//!   (as a transaction's call is), as a signed transaction through the executive (fees, nonces,
//!   fee-free calls; also with stale or future nonces, another key's or a corrupted signature,
//!   and replays of transactions applied earlier), as a general transaction (the operators'
//!   authorized commitments, proposals and claims, with real and forged signatures and proofs),
//!   or bare.
//! - **Checks** ([`checks`]): a call dispatched with its origin that fails must leave the storage
//!   root as it was (a refused transaction is left out of the block, as the block builder does);
//!   a tampered or replayed transaction is never applied; a signer's nonce moves by one. After
//!   every block: the `try_state` of every pallet and the invariants between pallets (issuance
//!   and the accounts' balances, the educational pool and the crystals pallet, batches closing
//!   one per block while due, what the mining pool owes equal to what the mileage batches in
//!   flight hold and what it minted to what winners won, batches finishing one per block when
//!   due and drawn in the block after their acceptance, winning leaves owning their points in
//!   the run's model of the operators' trees, commitments and settled slots that never change,
//!   openings drawn in the next block, nonces that never go back, paid references that stay
//!   paid).
//!
//! ## How to use it
//!
//! `cargo test --release --workspace --features runtime-benchmarks,try-runtime --test randomized
//! -- --nocapture` (`scripts/test` runs it). `VALLEY_RANDOMIZED_SEED` picks the seed (else one
//! from the clock), `VALLEY_RANDOMIZED_CALLS` the number of calls (100,000 by default). The seed
//! is printed first; a failure prints the command line that reproduces it: the same seed makes
//! the same calls in the same blocks (signatures differ, being randomized, but nothing depends on
//! their bytes).
//!
//! Two more switches help with a failure: `VALLEY_RANDOMIZED_CHECK_CALLS_FROM=<block>` runs
//! every pallet's `try_state` after every call from that block on, to find the call that broke
//! an invariant; `VALLEY_RANDOMIZED_ALLOW_NONCE_RESETS=1` counts nonces that go back (an account
//! reaped and created again) and the replays they let through instead of failing on the first,
//! so that the rest of the run can be checked.
//!
//! ## Implementation notes
//!
//! - The state is committed into the test backend every few calls (blocks are split across
//!   `execute_with` calls; nothing of a block lives outside storage), so that the storage root
//!   taken around every call costs only the changes since.
//! - No wasm executor: `set_code` and upgrades that check the runtime version fail as for a blob
//!   that is not a runtime ([`chain`]); `set_code_without_checks` stores the blob, as on chain.
//! - A few admin powers are left out of the valid inputs because they break, by design of the SDK
//!   pallets, the Stone pallet's issuance accounting (see [`calls`]); they are still called with
//!   invalid or no-op inputs.

pub mod actors;
pub mod calls;
pub mod chain;
pub mod checks;
pub mod rng;
pub mod stats;
mod world;

pub use world::{last_doing, World};

/// What to run.
#[derive(Clone, Debug)]
pub struct Settings {
	/// The seed of every random choice.
	pub seed: u64,
	/// How many calls to generate (inherents not counted).
	pub calls: u64,
	/// Whether a nonce that goes back (an account reaped and created again) and the replays it
	/// lets through are counted and reported instead of failing the run.
	pub allow_nonce_resets: bool,
	/// From this block on, every pallet's `try_state` also runs after every call: to find the
	/// call that breaks an invariant a block's check found broken.
	pub check_calls_from: Option<u32>,
}

/// The environment variable with the seed.
pub const SEED_VAR: &str = "VALLEY_RANDOMIZED_SEED";
/// The environment variable with the number of calls.
pub const CALLS_VAR: &str = "VALLEY_RANDOMIZED_CALLS";
/// The environment variable that, set to `1`, counts nonce resets and replays instead of failing
/// on the first.
pub const ALLOW_NONCE_RESETS_VAR: &str = "VALLEY_RANDOMIZED_ALLOW_NONCE_RESETS";
/// The environment variable with the block from which invariants are checked after every call.
pub const CHECK_CALLS_FROM_VAR: &str = "VALLEY_RANDOMIZED_CHECK_CALLS_FROM";
/// Calls run when the environment asks for no other number.
pub const DEFAULT_CALLS: u64 = 100_000;

impl Settings {
	/// From `VALLEY_RANDOMIZED_SEED` (else the clock) and `VALLEY_RANDOMIZED_CALLS` (else
	/// 100,000).
	pub fn from_env() -> Self {
		let number = |var: &str| {
			std::env::var(var).ok().map(|v| {
				v.trim().replace('_', "").parse::<u64>().unwrap_or_else(|_| {
					panic!("{var} must be a number, not {v:?}");
				})
			})
		};
		let seed = number(SEED_VAR).unwrap_or_else(|| {
			let now = std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.expect("the clock is after 1970");
			now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
		});
		Self {
			seed,
			calls: number(CALLS_VAR).unwrap_or(DEFAULT_CALLS),
			allow_nonce_resets: number(ALLOW_NONCE_RESETS_VAR) == Some(1),
			check_calls_from: number(CHECK_CALLS_FROM_VAR).map(|b| b as u32),
		}
	}

	/// The command line that runs these settings again.
	pub fn reproduce(&self) -> String {
		let allow = if self.allow_nonce_resets {
			format!(" {ALLOW_NONCE_RESETS_VAR}=1")
		} else {
			String::new()
		};
		format!("{SEED_VAR}={} {CALLS_VAR}={}{allow}", self.seed, self.calls)
	}
}

/// Calls made between two commits of the state into the test backend: the storage root taken
/// around every call costs as much as the changes not yet committed.
const CALLS_PER_COMMIT: u64 = 8;

/// Runs `settings`: blocks of random calls until the budget is spent, every check after every
/// block. Panics at the first violation, with what was being done.
pub fn run(settings: &Settings) -> stats::Stats {
	let mut ext = chain::genesis();
	let mut world = World::new(settings);
	fn commit(ext: &mut sp_io::TestExternalities, world: &mut World) {
		let started = std::time::Instant::now();
		ext.commit_all().expect("the changes commit");
		world.stats.time.commits += started.elapsed();
	}
	ext.execute_with(|| world.first_block());
	commit(&mut ext, &mut world);
	while world.stats.total < settings.calls {
		let mut calls = ext.execute_with(|| world.start_next_block(settings.calls));
		commit(&mut ext, &mut world);
		while calls > 0 {
			let chunk = calls.min(CALLS_PER_COMMIT);
			ext.execute_with(|| world.make_calls(chunk));
			commit(&mut ext, &mut world);
			calls -= chunk;
		}
		ext.execute_with(|| world.end_block());
		commit(&mut ext, &mut world);
	}
	world.stats.final_state = ext.execute_with(checks::summary);
	world.stats
}
