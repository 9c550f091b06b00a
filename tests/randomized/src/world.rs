//! The run's state outside the chain (actors, ids tried so far, counts) and what it does in a
//! block: inherents, calls, the end of the block, the checks.

use std::collections::VecDeque;

use codec::DecodeAll;
use frame_support::traits::OriginTrait;
use sp_core::H256;
use sp_runtime::{generic::Preamble, traits::Dispatchable, MultiAddress, MultiSignature};
use valley_runtime::{
	AccountId, Balance, Beacon, BlockNumber, Executive, Runtime, RuntimeCall, RuntimeOrigin,
	System, UncheckedExtrinsic, EXISTENTIAL_DEPOSIT,
};

use crate::{
	actors::{Actors, Role, ALICE},
	calls::{self, Attempt, Expect, Gen, Kind, Tamper, Via},
	chain, checks,
	rng::Rng,
	stats::{self, Outcome, Stats},
	Settings,
};

/// How many applied transactions are kept for replay attempts.
const REPLAY_WINDOW: usize = 256;

/// What the run is doing: printed when it fails, also by a panic inside the runtime.
static DOING: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Notes what the run is doing now.
fn doing(what: String) {
	let mut what = what;
	if what.len() > 4_000 {
		let end = (0..=4_000).rev().find(|i| what.is_char_boundary(*i)).unwrap_or(0);
		what.truncate(end);
	}
	*DOING.lock().unwrap_or_else(|e| e.into_inner()) = what;
}

/// `call` for a message: in full unless it is long.
fn describe(call: &RuntimeCall) -> String {
	use codec::Encode;
	let size = call.encoded_size();
	if size > 2_000 {
		format!("{} ({size} bytes)", stats::name_of(call))
	} else {
		format!("{call:?}")
	}
}

/// What the run was doing last.
pub fn last_doing() -> String {
	DOING.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Everything the run keeps between calls.
pub struct World {
	pub settings: Settings,
	pub rng: Rng,
	pub actors: Actors,
	pub owners: Vec<usize>,
	pub strangers: Vec<usize>,
	pub operators: Vec<usize>,
	pub issuers: Vec<usize>,
	/// The current block and its slot; the parent's hash.
	pub block: BlockNumber,
	pub slot: u64,
	pub parent: H256,
	/// Every vehicle id tried (registered or not, deregistered or not).
	pub vehicles: Vec<pallet_mileage::VehicleId>,
	/// Every award reference tried.
	pub references: Vec<pallet_crystals::Reference>,
	/// What the oracle operators compute off chain: each batch's trees, the registry changes
	/// they want.
	pub mileage: calls::MileageModel,
	/// Signed transactions applied lately, for replays.
	pub applied: VecDeque<UncheckedExtrinsic>,
	/// The author's beacon VRF of the current block.
	pub last_vrf: Option<pallet_beacon::BeaconVrf>,
	/// The block a (modelled) multi-block migration started in, while it runs.
	pub migrating_since: Option<BlockNumber>,
	pub stats: Stats,
	pub watch: checks::Watch,
	/// What the attempt being made must come to, if its generator knows.
	pub expect: Option<Expect>,
	/// The generators, and this block's weights of them (one pallet is in focus per block).
	gens: Vec<Gen>,
	weights: Vec<u32>,
}

impl World {
	pub fn new(settings: &Settings) -> Self {
		let actors = Actors::new(settings.seed);
		let gens = calls::table();
		Self {
			settings: settings.clone(),
			rng: Rng::new(settings.seed),
			owners: actors.with_role(Role::Owner),
			strangers: actors.with_role(Role::Stranger),
			operators: actors.with_role(Role::Operator),
			issuers: actors.with_role(Role::Issuer),
			actors,
			block: 0,
			migrating_since: None,
			slot: chain::SLOT_0,
			parent: H256::repeat_byte(69),
			vehicles: Vec::new(),
			references: Vec::new(),
			mileage: calls::MileageModel::default(),
			applied: VecDeque::new(),
			last_vrf: None,
			stats: Stats::default(),
			watch: checks::Watch::default(),
			expect: None,
			weights: gens.iter().map(|g| g.weight).collect(),
			gens,
		}
	}

	/// Panics with `what`, where the run stood, and how to reproduce it.
	pub fn fail(&self, what: impl std::fmt::Display) -> ! {
		panic!(
			"block {} (call {} of the run): {what}\n  while: {}\n  reproduce with {}",
			self.block,
			self.stats.total,
			last_doing(),
			self.settings.reproduce()
		)
	}

	/// Block 1: the setup calls (operators, issuers, funds, the first kinds and vehicles), then
	/// a normal block's checks.
	pub fn first_block(&mut self) {
		self.begin_block(1);
		Executive::inherents_applied();
		for attempt in calls::setup(self) {
			self.execute(attempt);
		}
		self.end_block();
	}

	/// Starts the next block; returns how many calls it gets: 50–200 (fewer if the budget
	/// ends), to make with [`Self::make_calls`] before [`Self::end_block`].
	pub fn start_next_block(&mut self, budget: u64) -> u64 {
		self.slot += match self.rng.below(1000) {
			0..=2 => self.rng.range(1, 3) * 14_400, // days
			3..=7 => self.rng.range(600, 1_800),    // one to three hours
			8..=40 => self.rng.range(2, 100),       // missed slots, minutes
			_ => 1,
		};
		let n = self.block + 1;
		self.begin_block(n);
		// Now and then a rush on boxes: more openings than a block takes.
		let rush = self.rng.one_in(30);
		let calls = if rush { self.rng.range(250, 350) } else { self.rng.range(50, 200) };
		let mut calls = calls.min(budget.saturating_sub(self.stats.total));
		// Now and then a multi-block migration runs for a few blocks: the executive then steps
		// the migration instead of calling `on_poll`, and the block holds only its inherents.
		// Modelled by marking the inherents applied without `on_poll`. Work the chain does by
		// itself must still happen or carry over, accounted (e.g. a batch closed meanwhile).
		if self.migrating_since.is_none() && self.rng.one_in(60) {
			self.migrating_since = Some(n);
		} else if self.migrating_since.is_some_and(|since| n >= since + 3) {
			self.migrating_since = None;
		}
		if self.migrating_since.is_some() {
			frame_system::Pallet::<Runtime>::note_inherents_applied();
			self.stats.migration_blocks += 1;
			calls = 0;
		} else if calls > 0 {
			// What the executive does before a block's first transaction (`on_poll`).
			Executive::inherents_applied();
		}
		self.focus(rush);
		calls
	}

	/// Makes `count` random calls in the current block.
	pub fn make_calls(&mut self, count: u64) {
		let started = std::time::Instant::now();
		for _ in 0..count {
			let attempt = self.generate();
			self.execute(attempt);
		}
		self.stats.time.calls += started.elapsed();
	}

	/// Starts block `n`: `on_initialize`, the timestamp, forged beacon inherents now and then
	/// (refused), the author's beacon inherent.
	fn begin_block(&mut self, n: BlockNumber) {
		let started = std::time::Instant::now();
		self.block = n;
		doing(format!("starting block {n} in slot {}", self.slot));
		self.watch.before_block(n);
		chain::start_block(n, self.slot, self.parent);
		self.stats.record_inherent("Timestamp::set");
		if self.rng.one_in(4) {
			for _ in 0..self.rng.range(1, 3) {
				let attempt = calls::forged_beacon(self);
				self.execute(attempt);
			}
			if pallet_beacon::History::<Runtime>::contains_key(n) {
				self.fail("a forged beacon inherent set the block's randomness");
			}
		}
		let vrf = chain::vrf(&self.actors.all[ALICE].pair, &Beacon::latest().1, self.slot);
		let beacon = UncheckedExtrinsic::new_bare(RuntimeCall::Beacon(
			pallet_beacon::Call::set_randomness { vrf: vrf.clone() },
		));
		match chain::apply(beacon) {
			Ok(Ok(())) => {},
			other => self.fail(format!("the author's beacon inherent failed: {other:?}")),
		}
		self.last_vrf = Some(vrf);
		self.stats.record_inherent("Beacon::set_randomness");
		self.stats.time.blocks += started.elapsed();
	}

	/// Ends the current block and checks everything.
	pub fn end_block(&mut self) {
		doing(format!("finalizing block {}", self.block));
		let started = std::time::Instant::now();
		self.parent = chain::finish_block();
		self.stats.blocks += 1;
		self.stats.time.blocks += started.elapsed();
		doing(format!("checking block {}", self.block));
		let started = std::time::Instant::now();
		if let Err(e) = checks::after_block(self) {
			self.fail(e);
		}
		self.mileage.forget_finished();
		self.stats.time.checks += started.elapsed();
	}

	/// Puts one pallet in focus for the block (its calls eight times as likely), or none; in a
	/// rush, the rush generators (of weight 0 otherwise) make most calls.
	fn focus(&mut self, rush: bool) {
		let pallets: Vec<&'static str> = {
			let mut p: Vec<_> = self.gens.iter().map(|g| g.pallet).collect();
			p.dedup();
			p
		};
		let focus = if self.rng.percent(50) { self.rng.pick(&pallets).copied() } else { None };
		self.weights = self
			.gens
			.iter()
			.map(|g| match (g.weight, rush) {
				(0, true) => 6_000,
				(weight, _) if Some(g.pallet) == focus => weight * 8,
				(weight, _) => weight,
			})
			.collect();
	}

	/// A random attempt from the table.
	fn generate(&mut self) -> Attempt {
		loop {
			let i = self.rng.weighted(&self.weights);
			let make = self.gens[i].make;
			self.expect = None;
			if let Some(attempt) = make(self) {
				return attempt;
			}
		}
	}

	/// A call made by one of the generators of `kind` (for `sudo` and `sudo_as`).
	pub fn inner_call(&mut self, kind: Kind) -> RuntimeCall {
		let candidates: Vec<usize> =
			(0..self.gens.len()).filter(|i| self.gens[*i].kind == kind).collect();
		let weights: Vec<u32> = candidates.iter().map(|i| self.gens[*i].weight).collect();
		loop {
			let make = self.gens[candidates[self.rng.weighted(&weights)]].make;
			let made = make(self);
			// What the inner call alone would come to says nothing of the outer one.
			self.expect = None;
			if let Some(Attempt::Call { call, .. }) = made {
				return call;
			}
		}
	}

	/// Notes the accounts an admin call reaped (its `KilledAccount` events since event
	/// `events_before`).
	fn note_admin_reaps(&mut self, events_before: u32) {
		if System::event_count() == events_before {
			return;
		}
		for record in System::events().into_iter().skip(events_before as usize) {
			if let valley_runtime::RuntimeEvent::System(frame_system::Event::KilledAccount {
				account,
			}) = record.event
			{
				self.watch.admin_reaped.insert(account);
			}
		}
	}

	/// A nonce went back, or a replay applied: fails the run, or counts it if the settings say
	/// so.
	pub fn nonce_reset(&mut self, what: String, replay: bool) {
		if !self.settings.allow_nonce_resets {
			self.fail(what);
		}
		if replay {
			self.stats.replays_applied += 1;
		} else {
			self.stats.nonce_resets += 1;
		}
		if self.stats.nonce_examples.len() < 5 {
			self.stats.nonce_examples.push(format!("block {}: {what}", self.block));
		}
	}

	/// Makes `attempt` and counts how it ended.
	pub fn execute(&mut self, attempt: Attempt) {
		match attempt {
			Attempt::Call { call, via } => {
				let name = stats::name_of(&call);
				let outcome = match via {
					Via::Origin(origin) => self.dispatch(call, origin),
					Via::Signed { signer, tamper } => self.transaction(call, signer, tamper),
					Via::General => self.unsigned(chain::general(call)),
					Via::Bare => self.unsigned(UncheckedExtrinsic::new_bare(call)),
				};
				self.stats.record(&name, &outcome);
				match (self.expect.take(), &outcome) {
					(None, _)
					| (Some(Expect::Ok), Outcome::Ok)
					| (Some(Expect::Refused), Outcome::Refused(_)) => {},
					// A valid transaction still waits when the block is full.
					(Some(Expect::Ok), Outcome::Refused(why))
						if why == "Invalid(ExhaustsResources)" => {},
					(Some(expect), outcome) => {
						self.fail(format!("expected {expect:?}, the call came to {outcome:?}"))
					},
				}
				if self.settings.check_calls_from.is_some_and(|from| self.block >= from) {
					if let Err(e) = checks::try_state_all(self.block) {
						self.fail(format!("after this call ({outcome:?}): {e}"));
					}
				}
			},
			Attempt::Undecodable { name, bytes } => {
				self.expect = None;
				doing(format!("decoding {name}"));
				if let Ok(call) = RuntimeCall::decode_all(&mut &bytes[..]) {
					self.fail(format!("{name} decoded: {call:?}"));
				}
				self.stats.record(name, &Outcome::Refused("undecodable".into()));
			},
			Attempt::Replay(xt) => {
				self.expect = None;
				doing(format!("replaying {}", describe(&xt.function)));
				let signer = match &xt.preamble {
					Preamble::Signed(MultiAddress::Id(who), ..) => self
						.actors
						.index_of(who)
						.map_or_else(|| format!("{who}"), |i| self.actors.all[i].name.clone()),
					_ => "nobody".into(),
				};
				let what =
					format!("a transaction of {signer} replayed, {}", describe(&xt.function));
				let admin_reaped = match &xt.preamble {
					Preamble::Signed(MultiAddress::Id(who), ..) => {
						self.watch.admin_reaped.contains(who)
					},
					_ => false,
				};
				match chain::apply(xt) {
					Ok(_) if admin_reaped => {
						self.stats.record("(replayed after the admin reaped)", &Outcome::Ok)
					},
					Ok(result) => {
						self.nonce_reset(format!("{what} applied again: {result:?}"), true);
						self.stats.record("(replayed transaction)", &Outcome::Ok);
					},
					Err(e) => self.stats.record(
						"(replayed transaction)",
						&Outcome::Refused(stats::validity_error(&e)),
					),
				}
			},
		}
	}

	/// Dispatches `call` with `origin` through the call filter; a failure must change nothing.
	fn dispatch(&mut self, call: RuntimeCall, origin: RuntimeOrigin) -> Outcome {
		doing(format!("{} from {origin:?}", describe(&call)));
		let started = std::time::Instant::now();
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		self.stats.time.roots += started.elapsed();
		// An outer layer, to show what changed should a failed call change anything.
		sp_io::storage::start_transaction();
		let by_admin = matches!(
			origin.caller(),
			valley_runtime::OriginCaller::system(frame_system::RawOrigin::Root)
		) || matches!(call, RuntimeCall::Sudo(_));
		let events_before = System::event_count();
		let result = call.dispatch(origin);
		if by_admin && result.is_ok() {
			self.note_admin_reaps(events_before);
		}
		let changed =
			result.is_err() && sp_io::storage::root(sp_runtime::StateVersion::V1) != before;
		if !changed {
			sp_io::storage::commit_transaction();
		}
		match result {
			Ok(_) => Outcome::Ok,
			Err(e) if changed => {
				let after = checks::snapshot();
				sp_io::storage::rollback_transaction();
				let diff = checks::diff(&checks::snapshot(), &after);
				self.fail(format!("a failed call changed storage (error {:?}):\n{diff}", e.error))
			},
			Err(e) => Outcome::Failed(stats::dispatch_error(&e.error)),
		}
	}

	/// `call` as `signer`'s signed transaction, tampered with as `tamper` says.
	fn transaction(&mut self, call: RuntimeCall, signer: usize, tamper: Tamper) -> Outcome {
		let who = self.actors.account(signer);
		let nonce = System::account_nonce(&who);
		let other = (signer + 1 + self.rng.index(self.actors.count() - 1)) % self.actors.count();
		let back = self.rng.below(3) as u32;
		let ahead = 1 + self.rng.below(3) as u32;
		let (nonce_used, key) = match tamper {
			Tamper::None | Tamper::BadSignature => (nonce, signer),
			Tamper::StaleNonce if nonce > 0 => (nonce - 1 - back.min(nonce - 1), signer),
			Tamper::StaleNonce | Tamper::FutureNonce => (nonce + ahead, signer),
			Tamper::WrongKey => (nonce, other),
		};
		let mut xt = chain::signed(call, &who, &self.actors.all[key].pair, nonce_used, self.block);
		if tamper == Tamper::BadSignature {
			if let Preamble::Signed(_, MultiSignature::Sr25519(signature), _) = &mut xt.preamble {
				let i = self.rng.index(64);
				AsMut::<[u8]>::as_mut(signature)[i] ^= 1 << self.rng.below(8);
			}
		}
		doing(format!(
			"{} signed by {} ({tamper:?})",
			describe(&xt.function),
			self.actors.all[signer].name
		));
		let by_admin = matches!(xt.function, RuntimeCall::Sudo(_));
		let events_before = System::event_count();
		match chain::apply(xt.clone()) {
			Err(e) => Outcome::Refused(stats::validity_error(&e)),
			Ok(result) => {
				if by_admin {
					self.note_admin_reaps(events_before);
				}
				if tamper != Tamper::None {
					self.fail(format!("a tampered transaction applied: {result:?}"));
				}
				let after = System::account_nonce(&who);
				if System::account_exists(&who) && after != nonce + 1 {
					let name = &self.actors.all[signer].name;
					self.nonce_reset(
						format!("{name}'s transaction moved its nonce from {nonce} to {after}"),
						false,
					);
				}
				self.applied.push_back(xt);
				if self.applied.len() > REPLAY_WINDOW {
					self.applied.pop_front();
				}
				match result {
					Ok(()) => Outcome::Ok,
					Err(e) => Outcome::Failed(stats::dispatch_error(&e)),
				}
			},
		}
	}

	/// An unsigned extrinsic (general or bare) through the executive.
	fn unsigned(&mut self, xt: UncheckedExtrinsic) -> Outcome {
		doing(format!("{} (unsigned)", describe(&xt.function)));
		match chain::apply(xt) {
			Err(e) => Outcome::Refused(stats::validity_error(&e)),
			Ok(Ok(())) => Outcome::Ok,
			Ok(Err(e)) => Outcome::Failed(stats::dispatch_error(&e)),
		}
	}

	// Helpers of the generators.

	/// The current block's chain time.
	pub fn now(&self) -> u64 {
		chain::time_of(self.slot)
	}

	/// A random actor.
	pub fn anyone(&mut self) -> usize {
		self.rng.index(self.actors.count())
	}

	/// A random actor of `group` (any actor if it is empty).
	pub fn one_of(&mut self, group: &[usize]) -> usize {
		match self.rng.pick(group) {
			Some(i) => *i,
			None => self.anyone(),
		}
	}

	/// An account that receives something: mostly an actor without the stranger role, now and
	/// then an account nobody has seen.
	pub fn recipient(&mut self) -> AccountId {
		if self.rng.percent(8) {
			return AccountId::from(self.rng.bytes::<32>());
		}
		loop {
			let i = self.anyone();
			if self.actors.all[i].role != Role::Stranger {
				return self.actors.account(i);
			}
		}
	}

	/// `who` as a call's address: mostly its id, now and then a form that does not resolve.
	pub fn address(&mut self, who: AccountId) -> valley_runtime::Address {
		match self.rng.below(40) {
			0 => MultiAddress::Index(()),
			1 => MultiAddress::Raw(self.rng.vec_below(40)),
			2 => MultiAddress::Address32(self.rng.bytes()),
			3 => MultiAddress::Address20(self.rng.bytes()),
			_ => MultiAddress::Id(who),
		}
	}

	/// An amount around `balance`: zero, dust, all of it, more, the largest, or a share.
	pub fn amount(&mut self, balance: Balance) -> Balance {
		match self.rng.below(12) {
			0 => 0,
			1 => EXISTENTIAL_DEPOSIT - 1,
			2 => balance,
			3 => balance.saturating_add(1),
			4 => Balance::MAX,
			5 => EXISTENTIAL_DEPOSIT,
			_ => Balance::from(self.rng.range(1, 1_000_000)) * valley_runtime::MILLI_UNIT,
		}
	}

	/// The origin of an admin call: mostly root, otherwise one that must be refused.
	pub fn admin_origin(&mut self) -> RuntimeOrigin {
		match self.rng.below(20) {
			0 | 1 => RuntimeOrigin::signed(self.recipient()),
			2 => RuntimeOrigin::none(),
			_ => RuntimeOrigin::root(),
		}
	}

	/// `call` from an admin origin (mostly root).
	pub fn admin(&mut self, call: RuntimeCall) -> Option<Attempt> {
		let origin = self.admin_origin();
		Some(Attempt::Call { call, via: Via::Origin(origin) })
	}

	/// `call` made by actor `who`: dispatched with its signed origin, or as its signed
	/// transaction (now and then tampered with).
	pub fn by(&mut self, who: usize, call: RuntimeCall) -> Option<Attempt> {
		let via = if self.rng.percent(70) {
			Via::Origin(RuntimeOrigin::signed(self.actors.account(who)))
		} else {
			let tamper = match self.rng.below(40) {
				0 => Tamper::StaleNonce,
				1 => Tamper::FutureNonce,
				2 => Tamper::WrongKey,
				3 => Tamper::BadSignature,
				_ => Tamper::None,
			};
			Via::Signed { signer: who, tamper }
		};
		Some(Attempt::Call { call, via })
	}

	/// A vehicle id: mostly a registered one, otherwise one tried before or a new one.
	pub fn vehicle(&mut self) -> pallet_mileage::VehicleId {
		if self.rng.percent(85) {
			for _ in 0..4 {
				if let Some(id) = self.rng.pick(&self.vehicles).copied() {
					if pallet_mileage::Vehicles::<Runtime>::contains_key(id) {
						return id;
					}
				}
			}
		}
		match self.rng.pick(&self.vehicles) {
			Some(id) if self.rng.percent(90) => *id,
			// Never registered (and not kept: the list is for ids that may be).
			_ => H256(self.rng.bytes()),
		}
	}

	/// A vehicle id never tried.
	pub fn new_vehicle(&mut self) -> pallet_mileage::VehicleId {
		let id = H256(self.rng.bytes());
		self.vehicles.push(id);
		id
	}
}
