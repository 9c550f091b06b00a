//! What the run did: calls per pallet and call, how they ended, and why they failed.

use std::collections::BTreeMap;

use frame_support::traits::GetCallMetadata;
use sp_runtime::{transaction_validity::TransactionValidityError, DispatchError};
use valley_runtime::RuntimeCall;

/// How one call's attempts ended.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
	/// Attempts.
	pub calls: u64,
	/// Dispatched and succeeded.
	pub ok: u64,
	/// Dispatched and failed (changing nothing, or, in a transaction, only its fee and nonce).
	pub failed: u64,
	/// Refused before dispatch: an invalid transaction (left out of the block) or an encoding
	/// that does not decode.
	pub refused: u64,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
	Ok,
	Failed(String),
	Refused(String),
}

/// Calls of the run.
#[derive(Default)]
pub struct Stats {
	/// Per `Pallet::call`.
	pub calls: BTreeMap<String, Counts>,
	/// Per error (`Pallet::Error`, `BadOrigin`, `Invalid(BadProof)`, …).
	pub errors: BTreeMap<String, u64>,
	/// Generated attempts (the run's budget).
	pub total: u64,
	/// Inherents applied (timestamp, beacon), outside the budget.
	pub inherents: u64,
	/// Blocks run.
	pub blocks: u32,
	/// Blocks of a modelled multi-block migration (no `on_poll`, no transactions).
	pub migration_blocks: u32,
	/// Nonces seen going back, and replayed transactions that applied, when the run counts them
	/// ([`crate::Settings::allow_nonce_resets`]); the first few described.
	pub nonce_resets: u64,
	pub replays_applied: u64,
	pub nonce_examples: Vec<String>,
	/// The mileage pallet's events of the run, by name (accepted roots by whose they are in the
	/// run's model: the honest operators', the liars' or a forged one).
	pub mileage: BTreeMap<String, u64>,
	/// The chain at the end of the run, in a few numbers.
	pub final_state: String,
	/// Where the time went.
	pub time: Timings,
}

/// Where the time of a run went.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
	/// Making the calls, storage roots included.
	pub calls: std::time::Duration,
	/// The storage roots around calls dispatched with their origin.
	pub roots: std::time::Duration,
	/// Starting and finishing blocks (inherents, hooks).
	pub blocks: std::time::Duration,
	/// The checks after every block.
	pub checks: std::time::Duration,
	/// Committing each block's changes into the test backend.
	pub commits: std::time::Duration,
}

impl std::fmt::Display for Timings {
	fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
		write!(
			f,
			"calls {:.1} s (storage roots {:.1} s), blocks {:.1} s, checks {:.1} s, commits {:.1} s",
			self.calls.as_secs_f64(),
			self.roots.as_secs_f64(),
			self.blocks.as_secs_f64(),
			self.checks.as_secs_f64(),
			self.commits.as_secs_f64(),
		)
	}
}

/// The `Pallet::call` name of `call`.
pub fn name_of(call: &RuntimeCall) -> String {
	let meta = call.get_call_metadata();
	format!("{}::{}", meta.pallet_name, meta.function_name)
}

/// The name of a pallet by its index in the runtime.
pub fn pallet_name(index: u8) -> String {
	use frame_support::traits::PalletsInfoAccess;
	valley_runtime::AllPalletsWithSystem::infos()
		.into_iter()
		.find(|p| p.index == usize::from(index))
		.map(|p| p.name.to_string())
		.unwrap_or_else(|| format!("pallet{index}"))
}

/// A readable name of a dispatch error.
pub fn dispatch_error(e: &DispatchError) -> String {
	match e {
		DispatchError::Module(m) => {
			format!("{}::{}", pallet_name(m.index), m.message.unwrap_or("?"))
		},
		other => format!("{other:?}"),
	}
}

/// A readable name of a transaction validity error.
pub fn validity_error(e: &TransactionValidityError) -> String {
	format!("{e:?}")
}

impl Stats {
	/// Counts an attempt of `name` that ended with `outcome`.
	pub fn record(&mut self, name: &str, outcome: &Outcome) {
		self.total += 1;
		let counts = self.calls.entry(name.to_string()).or_default();
		counts.calls += 1;
		match outcome {
			Outcome::Ok => counts.ok += 1,
			Outcome::Failed(e) => {
				counts.failed += 1;
				*self.errors.entry(e.clone()).or_default() += 1;
			},
			Outcome::Refused(e) => {
				counts.refused += 1;
				*self.errors.entry(e.clone()).or_default() += 1;
			},
		}
	}

	/// Every call of the runtime (from its metadata), as `Pallet::call`, in pallet order.
	pub fn runtime_calls() -> Vec<String> {
		RuntimeCall::get_module_names()
			.iter()
			.flat_map(|pallet| {
				RuntimeCall::get_call_names(pallet)
					.iter()
					.map(move |call| format!("{pallet}::{call}"))
			})
			.collect()
	}

	/// The calls of the runtime never attempted.
	pub fn never_attempted(&self) -> Vec<String> {
		Self::runtime_calls().into_iter().filter(|c| !self.calls.contains_key(c)).collect()
	}

	/// The calls of the runtime attempted but never successful.
	pub fn never_ok(&self) -> Vec<String> {
		Self::runtime_calls()
			.into_iter()
			.filter(|c| self.calls.get(c).is_some_and(|n| n.ok == 0))
			.collect()
	}

	/// Counts an inherent of `name` (outside the run's budget).
	pub fn record_inherent(&mut self, name: &str) {
		self.inherents += 1;
		let counts = self.calls.entry(name.to_string()).or_default();
		counts.calls += 1;
		counts.ok += 1;
	}

	/// The mileage events of the run, on one line.
	pub fn mileage_events(&self) -> String {
		let events: Vec<String> = self.mileage.iter().map(|(e, n)| format!("{e} {n}")).collect();
		format!("mileage events: {}", events.join(", "))
	}

	/// The table printed at the end of a run.
	pub fn table(&self) -> String {
		use std::fmt::Write;
		let mut out = String::new();
		let _ = writeln!(
			out,
			"{:<48} {:>8} {:>8} {:>8} {:>8}",
			"call (inherents included)", "calls", "ok", "failed", "refused"
		);
		let mut listed = std::collections::BTreeSet::new();
		let mut sum = Counts::default();
		for name in Self::runtime_calls().into_iter().chain(self.calls.keys().cloned()) {
			if !listed.insert(name.clone()) {
				continue;
			}
			let c = self.calls.get(&name).copied().unwrap_or_default();
			let _ = writeln!(
				out,
				"{:<48} {:>8} {:>8} {:>8} {:>8}{}",
				name,
				c.calls,
				c.ok,
				c.failed,
				c.refused,
				if c.calls == 0 { "  (not attempted)" } else { "" }
			);
			sum.calls += c.calls;
			sum.ok += c.ok;
			sum.failed += c.failed;
			sum.refused += c.refused;
		}
		let _ = writeln!(
			out,
			"{:<48} {:>8} {:>8} {:>8} {:>8}",
			"total", sum.calls, sum.ok, sum.failed, sum.refused
		);
		let _ = writeln!(out, "\nerrors (most frequent first):");
		let mut errors: Vec<_> = self.errors.iter().collect();
		errors.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
		for (e, n) in errors {
			let _ = writeln!(out, "  {n:>8}  {e}");
		}
		out
	}
}
