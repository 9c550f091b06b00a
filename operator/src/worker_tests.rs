//! The worker against a fake chain and an in-memory service: honest operators agree, restarts
//! change nothing, a lying feed is seen, claims verify, fleet differences are proposed once.

use std::{
	cell::RefCell,
	collections::{BTreeMap, BTreeSet},
};

use sp_arithmetic::Perbill;
use valley_merkle_sum::{point, verify, Commitment, Leaf, Proof, Salt};

use crate::{
	batch::BatchTree,
	ledger::Ledger,
	telematics::BehaviourError,
	testing::{reading, salt_of, FakeService, Rng, RULES},
	types::{FleetChange, Reading, RegistryEntry, RejectReason, DAY_MS, HOUR_MS},
	worker::*,
};

const T0: u64 = 20_000 * DAY_MS;
const CLOSE1: u64 = T0 + DAY_MS + 12 * HOUR_MS;
const CLOSE2: u64 = T0 + 2 * DAY_MS + 12 * HOUR_MS;
const END: u64 = T0 + 3 * DAY_MS + HOUR_MS;
/// Car 7's odometer goes back every fifth report.
const FAULTY: u8 = 7;

/// Eight cars reporting every half hour for three days from `T0`, 0 to 14 km each time, in the
/// order the service receives the reports (up to 2 minutes after the car's clock).
fn readings() -> Vec<Reading> {
	let mut rng = Rng(42);
	let mut all = Vec::new();
	for car in 1..=8u8 {
		let mut odometer = 1_000 * u32::from(car);
		for k in 0..3 * 48 {
			let timestamp = T0 + k * HOUR_MS / 2 + rng.below(60_000);
			odometer += rng.below(15) as u32;
			let reported = if car == FAULTY && k % 5 == 4 { odometer - 100 } else { odometer };
			all.push(reading(car, reported, timestamp, timestamp + rng.below(120_000)));
		}
	}
	all.sort_by_key(|reading| (reading.received_ms, reading.vehicle));
	all
}

/// Cars 1 to 8, car 8 active from day 2.
fn registry() -> Vec<RegistryEntry> {
	(1..=8u8)
		.map(|car| RegistryEntry {
			vehicle: [car; 32],
			owner: [100 + car; 32],
			activation_ms: if car == 8 { T0 + 2 * DAY_MS } else { T0 },
			owner_since_ms: T0,
			version: 0,
		})
		.collect()
}

/// The service's behaviour factors: car 3 at 80 % (a violation).
fn factors() -> BTreeMap<[u8; 32], Perbill> {
	[([3u8; 32], Perbill::from_percent(80))].into()
}

/// Batch `batch`'s commitment computed directly: the readings received by the cut-off, in order.
fn expected(readings: &[Reading], batch: u64, close_ms: u64) -> Commitment {
	let mut ledger = Ledger::new(RULES);
	for reading in readings.iter().take_while(|reading| reading.received_ms <= close_ms) {
		let _ = ledger.apply(reading);
	}
	let leaves = ledger.weights(close_ms, &registry(), &factors());
	BatchTree::build(batch, close_ms, salt_of(batch), leaves).unwrap().commitment()
}

/// The chain: a view set by the test, one registry, and logs of what was submitted.
#[derive(Default)]
struct FakeChain {
	view: RefCell<Option<ChainView>>,
	registry: RefCell<Vec<RegistryEntry>>,
	registry_asked: RefCell<Vec<u32>>,
	commits: RefCell<Vec<(u64, Commitment)>>,
	claims: RefCell<Vec<(u64, u32, Leaf, Salt, Proof)>>,
	proposals: RefCell<Vec<FleetChange>>,
	retired: RefCell<Vec<[u8; 32]>>,
	failing: RefCell<bool>,
}

impl FakeChain {
	fn set_view(&self, timestamp_ms: u64, batches: Vec<BatchView>) {
		*self.view.borrow_mut() = Some(ChainView {
			finalized: (timestamp_ms / 6_000) as u32,
			timestamp_ms,
			rules: RULES,
			batches,
			is_operator: true,
		});
	}

	fn edit_view(&self, edit: impl FnOnce(&mut ChainView)) {
		edit(self.view.borrow_mut().as_mut().unwrap())
	}

	fn submitted(&self) -> Result<(), String> {
		match *self.failing.borrow() {
			true => Err("pool full".into()),
			false => Ok(()),
		}
	}

	fn commits(&self) -> Vec<(u64, Commitment)> {
		self.commits.borrow().clone()
	}

	fn claims(&self) -> Vec<(u64, u32, Leaf, Salt, Proof)> {
		self.claims.borrow().clone()
	}

	fn proposals(&self) -> Vec<FleetChange> {
		self.proposals.borrow().clone()
	}
}

impl Chain for FakeChain {
	type Error = String;

	fn view(&self) -> Result<ChainView, String> {
		self.view.borrow().clone().ok_or_else(|| "no view".into())
	}

	fn registry_at(&self, block: u32) -> Result<Vec<RegistryEntry>, String> {
		self.registry_asked.borrow_mut().push(block);
		Ok(self.registry.borrow().clone())
	}

	fn commit(&self, batch: u64, commitment: Commitment) -> Result<(), String> {
		self.commits.borrow_mut().push((batch, commitment));
		self.submitted()
	}

	fn claim(
		&self,
		batch: u64,
		slot: u32,
		leaf: Leaf,
		leaf_salt: Salt,
		proof: Proof,
	) -> Result<(), String> {
		self.claims.borrow_mut().push((batch, slot, leaf, leaf_salt, proof));
		self.submitted()
	}

	fn propose(&self, change: FleetChange) -> Result<(), String> {
		self.proposals.borrow_mut().push(change);
		self.submitted()
	}

	fn retired(&self, vehicles: &[[u8; 32]]) -> Result<Vec<[u8; 32]>, String> {
		let retired = self.retired.borrow();
		Ok(vehicles.iter().filter(|id| retired.contains(id)).copied().collect())
	}
}

fn committing(batch: u64, close_ms: u64) -> BatchView {
	BatchView {
		batch,
		closed_at: 1_000 * batch as u32,
		close_ms,
		phase: BatchPhase::Committing,
		commit_until: u32::MAX,
		committed_by_me: false,
		accepted: None,
	}
}

fn drawing(batch: u64, close_ms: u64, accepted: Commitment, slots: Vec<SlotView>) -> BatchView {
	BatchView {
		phase: BatchPhase::Drawing { slots },
		committed_by_me: true,
		accepted: Some(accepted),
		..committing(batch, close_ms)
	}
}

/// `n` points drawn over `total`, none claimed.
fn slots(total: u64, n: u32) -> Vec<SlotView> {
	(0..n)
		.map(|slot| SlotView { slot, point: point(&[9; 32], total, slot).unwrap(), claimed: false })
		.collect()
}

/// A service with the three days' readings (all received by its clock) and a chain with the
/// registry and no view yet; no fleet differences.
fn world() -> (Vec<Reading>, FakeService, FakeChain) {
	let readings = readings();
	let service = FakeService::default();
	for reading in &readings {
		service.push(*reading);
	}
	service.set_now(END);
	service.set_fleet(registry());
	service.set_factors(vec![([3; 32], 800_000)]);
	let chain = FakeChain::default();
	*chain.registry.borrow_mut() = registry();
	(readings, service, chain)
}

/// A worker that reads one page a step and never compares fleets.
fn slow_worker() -> Worker {
	Worker::with_config(WorkerConfig {
		max_pages_per_step: 1,
		fleet_every_steps: 0,
		..WorkerConfig::default()
	})
}

fn step(worker: &mut Worker, chain: &FakeChain, service: &FakeService) -> StepReport<String> {
	let report = worker.step(chain, service).unwrap();
	assert!(report.problems.is_empty(), "{:?}", report.problems);
	report
}

#[test]
fn honest_workers_commit_the_same_root() {
	let (readings, service, chain) = world();
	chain.set_view(CLOSE1 + HOUR_MS, vec![committing(1, CLOSE1)]);
	let want = expected(&readings, 1, CLOSE1);
	// Cars 1 to 7 (car 8 is not active yet), car 7 despite its refused readings.
	assert_eq!(want.count, 7);

	let mut fast = Worker::new();
	let report = step(&mut fast, &chain, &service);
	assert_eq!(
		(report.read, report.built.clone(), report.committed),
		(readings.len(), vec![(1, want)], vec![1])
	);
	assert_eq!(chain.registry_asked.borrow().first(), Some(&1_000));

	// 500 readings a step: the cut-off's 576 readings take two steps, the batch waits.
	let mut slow = slow_worker();
	let report = step(&mut slow, &chain, &service);
	assert_eq!((report.read, report.waiting_for, report.committed), (500, Some(1), vec![]));
	assert!(slow.follower().applied_received_ms() <= CLOSE1);
	let report = step(&mut slow, &chain, &service);
	assert_eq!((report.waiting_for, report.committed), (None, vec![1]));
	assert_eq!(chain.commits(), vec![(1, want), (1, want)]);
	// Nothing past the finalized time is applied.
	assert!(slow.follower().applied_received_ms() <= CLOSE1 + HOUR_MS);
	assert!(slow.follower().buffer().iter().all(|r| r.received_ms() > CLOSE1 + HOUR_MS));
}

#[test]
fn the_worker_waits_for_a_complete_cut_off() {
	let (readings, service, chain) = world();
	chain.set_view(CLOSE1, vec![committing(1, CLOSE1)]);
	// The service has received nothing past the cut-off yet.
	let received = readings.iter().rev().find(|r| r.received_ms <= CLOSE1).unwrap().received_ms;
	let after = readings.iter().find(|r| r.received_ms > CLOSE1).unwrap().received_ms;
	let mut worker = Worker::new();
	for now in [received, CLOSE1 - 1, CLOSE1] {
		service.set_now(now);
		let report = step(&mut worker, &chain, &service);
		assert_eq!((report.waiting_for, report.committed), (Some(1), vec![]), "{now}");
	}
	// Caught up past the cut-off with no reading after it: complete.
	assert!(after > CLOSE1 + 1);
	service.set_now(CLOSE1 + 1);
	let report = step(&mut worker, &chain, &service);
	assert_eq!((report.waiting_for, report.committed), (None, vec![1]));
	assert_eq!(chain.commits(), vec![(1, expected(&readings, 1, CLOSE1))]);
}

#[test]
fn a_restarted_worker_commits_the_same_roots() {
	let (readings, service, chain) = world();
	let mut first = Worker::new();
	// A day in: no batch yet; the readings up to the finalized time are applied.
	service.set_now(T0 + DAY_MS);
	chain.set_view(T0 + DAY_MS - 60_000, vec![]);
	let report = step(&mut first, &chain, &service);
	assert!(report.applied > 0);
	// Batch 1 closes.
	service.set_now(CLOSE1 + HOUR_MS);
	chain.set_view(CLOSE1 + HOUR_MS / 2, vec![committing(1, CLOSE1)]);
	step(&mut first, &chain, &service);
	let one = expected(&readings, 1, CLOSE1);
	assert_eq!(chain.commits(), vec![(1, one)]);

	// A day later batch 1 draws, batch 2 closes; a worker restarted now rebuilds both.
	service.set_now(CLOSE2 + HOUR_MS);
	let batches = vec![drawing(1, CLOSE1, one, slots(one.total, 3)), committing(2, CLOSE2)];
	chain.set_view(CLOSE2 + HOUR_MS / 2, batches);
	let two = expected(&readings, 2, CLOSE2);
	assert_ne!(one, two);
	let mut restarted = Worker::new();
	for worker in [&mut first, &mut restarted] {
		let report = step(worker, &chain, &service);
		assert_eq!(report.committed, vec![2]);
		assert_eq!(report.claimed, vec![(1, 0), (1, 1), (1, 2)]);
		assert_eq!(worker.tree(1).map(|tree| tree.commitment()), Some(one));
	}
	assert_eq!(chain.commits(), vec![(1, one), (2, two), (2, two)]);
	// The same claims from both.
	let claims = chain.claims();
	assert_eq!(claims[..3], claims[3..]);
}

#[test]
fn an_inflating_service_commits_another_root() {
	let (readings, honest, chain) = world();
	let liar = FakeService::default();
	for reading in &readings {
		liar.push(*reading);
	}
	liar.set_now(END);
	liar.inflate(1);
	chain.set_view(CLOSE1 + HOUR_MS, vec![committing(1, CLOSE1)]);
	step(&mut Worker::new(), &chain, &honest);
	step(&mut Worker::new(), &chain, &liar);
	let commits = chain.commits();
	assert_eq!(commits[0], (1, expected(&readings, 1, CLOSE1)));
	assert_ne!(commits[0], commits[1]);
	assert!(commits[1].1.total > commits[0].1.total);
}

#[test]
fn commits_are_sent_again_until_they_are_in() {
	let (_, service, chain) = world();
	chain.set_view(CLOSE1 + HOUR_MS, vec![committing(1, CLOSE1)]);
	let mut worker = Worker::new();
	let committed: Vec<usize> =
		(0..12).map(|_| step(&mut worker, &chain, &service).committed.len()).collect();
	assert_eq!(committed, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
	chain.edit_view(|view| view.batches[0].committed_by_me = true);
	for _ in 0..6 {
		assert_eq!(step(&mut worker, &chain, &service).committed, Vec::<u64>::new());
	}
	// A failed submission is reported, and sent again later.
	chain.edit_view(|view| view.batches[0].committed_by_me = false);
	*chain.failing.borrow_mut() = true;
	let report = worker.step(&chain, &service).unwrap();
	assert!(matches!(report.problems[..], [WorkerError::Chain(_)]), "{:?}", report.problems);
	assert_eq!(chain.commits().len(), 4);
}

#[test]
fn commits_go_in_after_acceptance_within_the_window_only() {
	let (readings, service, chain) = world();
	let other = Commitment { root: [7; 32], total: 1, count: 1 };
	let accepted = |batch| BatchView {
		phase: BatchPhase::Accepted,
		committed_by_me: false,
		accepted: Some(other),
		..committing(batch, CLOSE1)
	};
	chain.set_view(CLOSE1 + HOUR_MS, vec![accepted(1)]);
	let finalized = (CLOSE1 + HOUR_MS) / 6_000;
	chain.edit_view(|view| view.batches[0].commit_until = finalized as u32);
	let mut worker = Worker::new();
	assert_eq!(step(&mut worker, &chain, &service).committed, vec![1]);
	assert_eq!(chain.commits(), vec![(1, expected(&readings, 1, CLOSE1))]);
	// Past the window, nothing is sent.
	chain.set_view(CLOSE1 + HOUR_MS, vec![accepted(1)]);
	chain.edit_view(|view| view.batches[0].commit_until = finalized as u32 - 1);
	let mut worker = Worker::new();
	assert_eq!(step(&mut worker, &chain, &service).committed, Vec::<u64>::new());
	assert_eq!(chain.commits().len(), 1);
}

#[test]
fn claims_verify_and_are_sent_until_taken() {
	let (_, service, chain) = world();
	chain.set_view(CLOSE1 + HOUR_MS, vec![committing(1, CLOSE1)]);
	let mut worker = Worker::new();
	step(&mut worker, &chain, &service);
	let (_, commitment) = chain.commits()[0];
	assert_eq!(worker.proof_for(&[1; 32]), None);

	// Another commitment was accepted: nothing to claim, no proofs served.
	let other = Commitment { total: commitment.total + 1, ..commitment };
	chain.set_view(CLOSE1 + 2 * HOUR_MS, vec![drawing(1, CLOSE1, other, slots(other.total, 4))]);
	assert_eq!(step(&mut worker, &chain, &service).claimed, vec![]);
	assert_eq!(worker.proof_for(&[1; 32]), None);

	let mut points = slots(commitment.total, 4);
	points[1].claimed = true;
	chain.set_view(CLOSE1 + 2 * HOUR_MS, vec![drawing(1, CLOSE1, commitment, points.clone())]);
	assert_eq!(step(&mut worker, &chain, &service).claimed, vec![(1, 0), (1, 2), (1, 3)]);
	for (batch, slot, leaf, leaf_salt, proof) in chain.claims() {
		let range = verify(&commitment, &leaf_salt, &leaf, &proof).unwrap();
		assert_eq!(batch, 1);
		assert!(range.contains(points[slot as usize].point), "{slot}: {range:?}");
	}
	// Sent again after five steps if still unclaimed.
	for _ in 0..4 {
		assert_eq!(step(&mut worker, &chain, &service).claimed, vec![]);
	}
	chain.edit_view(|view| {
		let BatchPhase::Drawing { slots } = &mut view.batches[0].phase else { unreachable!() };
		slots[0].claimed = true;
		slots[3].claimed = true;
	});
	assert_eq!(step(&mut worker, &chain, &service).claimed, vec![(1, 2)]);

	// Proofs for owners: the faulty car's refused readings come with it.
	let proof = worker.proof_for(&[FAULTY; 32]).unwrap();
	assert_eq!((proof.batch, proof.commitment, proof.leaf.vehicle), (1, commitment, [FAULTY; 32]));
	verify(&commitment, &proof.leaf_salt, &proof.leaf, &proof.proof).unwrap();
	assert!(!proof.rejected.is_empty());
	assert!(proof.rejected.iter().all(|r| r.reason == RejectReason::OdometerDecreased));
	assert_eq!(worker.proof_for(&[8; 32]), None);
	assert_eq!(worker.rejected(&[8; 32]), vec![]);
}

#[test]
fn the_newest_accepted_tree_serves_proofs_after_its_batch() {
	let (readings, service, chain) = world();
	let one = expected(&readings, 1, CLOSE1);
	let two = expected(&readings, 2, CLOSE2);
	let mut worker = Worker::new();
	chain.set_view(CLOSE2 + HOUR_MS, vec![drawing(1, CLOSE1, one, vec![]), committing(2, CLOSE2)]);
	step(&mut worker, &chain, &service);
	assert_eq!(worker.proof_for(&[1; 32]).map(|proof| proof.batch), Some(1));
	// Batch 1 is over: its tree still serves proofs.
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(2, CLOSE2)]);
	step(&mut worker, &chain, &service);
	assert!(worker.tree(1).is_some());
	assert_eq!(worker.proof_for(&[1; 32]).map(|proof| proof.batch), Some(1));
	// Until batch 2's is accepted.
	chain.set_view(CLOSE2 + HOUR_MS, vec![drawing(2, CLOSE2, two, vec![])]);
	step(&mut worker, &chain, &service);
	step(&mut worker, &chain, &service);
	assert!(worker.tree(1).is_none());
	let proof = worker.proof_for(&[8; 32]).unwrap();
	assert_eq!((proof.batch, proof.commitment), (2, two));
}

#[test]
fn a_failing_salt_holds_back_the_batch_and_the_readings_after_it() {
	let (readings, service, chain) = world();
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(1, CLOSE1), committing(2, CLOSE2)]);
	service.fail(Some("/salt"));
	let mut worker = Worker::new();
	let report = worker.step(&chain, &service).unwrap();
	assert!(
		matches!(
			report.problems[..],
			[WorkerError::Salt { batch: 1, error: AnswerError::Status(503) }]
		),
		"{:?}",
		report.problems
	);
	assert_eq!(report.committed, Vec::<u64>::new());
	assert!(worker.follower().applied_received_ms() <= CLOSE1);
	service.fail(None);
	let report = step(&mut worker, &chain, &service);
	assert_eq!(report.committed, vec![1, 2]);
	assert_eq!(
		chain.commits(),
		vec![(1, expected(&readings, 1, CLOSE1)), (2, expected(&readings, 2, CLOSE2))]
	);
}

#[test]
fn a_batch_cut_off_before_applied_readings_is_skipped() {
	let (_, service, chain) = world();
	let mut worker = Worker::new();
	chain.set_view(CLOSE2, vec![]);
	step(&mut worker, &chain, &service);
	chain.set_view(CLOSE2, vec![committing(1, CLOSE1)]);
	let report = worker.step(&chain, &service).unwrap();
	assert!(
		matches!(
			report.problems[..],
			[WorkerError::CutOffPassed { batch: 1, close_ms: CLOSE1, .. }]
		),
		"{:?}",
		report.problems
	);
	// Reported once, never committed.
	assert!(worker.step(&chain, &service).unwrap().problems.is_empty());
	assert_eq!(chain.commits(), vec![]);
}

#[test]
fn a_node_that_is_not_an_operator_does_nothing() {
	let (_, service, chain) = world();
	chain.set_view(CLOSE1 + HOUR_MS, vec![committing(1, CLOSE1)]);
	chain.edit_view(|view| view.is_operator = false);
	let mut worker = Worker::new();
	step(&mut worker, &chain, &service);
	assert_eq!(service.requests(), Vec::<String>::new());
	assert!(chain.commits().is_empty() && chain.proposals().is_empty());
	assert!(worker.ledger().is_none());
	assert!(worker.step(&FakeChain::default(), &service).is_err());
}

fn car(byte: u8, owner: u8) -> RegistryEntry {
	RegistryEntry {
		vehicle: [byte; 32],
		owner: [owner; 32],
		activation_ms: T0 + u64::from(byte),
		owner_since_ms: T0,
		version: 0,
	}
}

/// The same car with its owner recorded at `owner_since_ms`, at `version`.
fn since(car: RegistryEntry, owner_since_ms: u64, version: u32) -> RegistryEntry {
	RegistryEntry { owner_since_ms, version, ..car }
}

#[test]
fn fleet_changes_propose_what_the_service_is_the_authority_for_bound_to_the_entry() {
	use FleetChange::*;
	let register = |byte: u8, owner: u8| Register {
		vehicle: [byte; 32],
		owner: [owner; 32],
		activation_ms: T0 + u64::from(byte),
	};
	let none = BTreeSet::new();
	let table = [
		(vec![], vec![], vec![]),
		(vec![car(1, 9)], vec![car(1, 9)], vec![]),
		// Activation times are not compared.
		(vec![car(1, 9)], vec![RegistryEntry { activation_ms: 0, ..car(1, 9) }], vec![]),
		(vec![car(2, 9), car(1, 8)], vec![], vec![register(1, 8), register(2, 9)]),
		// Cars missing from the fleet are left alone: the owner or the council deregisters.
		(vec![], vec![car(2, 9), car(1, 8)], vec![]),
		// The service sold car 1 after its owner on chain took it: a transfer from that owner,
		// at the entry's version.
		(
			vec![since(car(1, 7), T0 + 10, 0)],
			vec![since(car(1, 9), T0 + 5, 3)],
			vec![Transfer { vehicle: [1; 32], version: 3, from: [9; 32], to: [7; 32] }],
		),
		// The owner passed car 1 on on chain after the service recorded its owner: final, never
		// proposed back (the service follows the chain).
		(vec![since(car(1, 7), T0 + 10, 0)], vec![since(car(1, 9), T0 + 20, 4)], vec![]),
		(vec![since(car(1, 7), T0 + 10, 0)], vec![since(car(1, 9), T0 + 10, 4)], vec![]),
		(
			vec![
				since(car(1, 7), T0 + 1, 0),
				car(2, 9),
				since(car(3, 9), T0 + 1, 0),
				car(4, 5),
				car(6, 6),
			],
			vec![car(5, 9), car(1, 9), since(car(2, 9), T0, 2), since(car(3, 8), T0, 1), car(7, 7)],
			vec![
				Transfer { vehicle: [1; 32], version: 0, from: [9; 32], to: [7; 32] },
				Transfer { vehicle: [3; 32], version: 1, from: [8; 32], to: [9; 32] },
				register(4, 5),
				register(6, 6),
			],
		),
	];
	for (fleet, registry, expected) in table {
		assert_eq!(fleet_changes(&fleet, &registry, &none), expected, "{fleet:?} {registry:?}");
	}
	// A car its owner (or the council) deregistered is not registered again.
	let retired: BTreeSet<_> = [[2u8; 32]].into();
	assert_eq!(fleet_changes(&[car(2, 9), car(1, 8)], &[], &retired), vec![register(1, 8)]);
}

#[test]
fn fleet_differences_are_proposed_once_and_again_if_still_there() {
	let service = FakeService::default();
	let chain = FakeChain::default();
	service.set_fleet(vec![
		since(car(1, 7), T0 + 1, 0),
		since(car(2, 8), T0 + 1, 0),
		car(3, 9),
		car(4, 5),
		car(8, 8),
	]);
	*chain.registry.borrow_mut() = vec![car(1, 9), car(2, 9), car(3, 9), car(9, 9)];
	*chain.retired.borrow_mut() = vec![[8; 32]];
	chain.set_view(T0, vec![]);
	let mut worker = Worker::new();
	let all = vec![
		FleetChange::Transfer { vehicle: [1; 32], version: 0, from: [9; 32], to: [7; 32] },
		FleetChange::Transfer { vehicle: [2; 32], version: 0, from: [9; 32], to: [8; 32] },
		FleetChange::Register { vehicle: [4; 32], owner: [5; 32], activation_ms: T0 + 4 },
	];
	assert_eq!(step(&mut worker, &chain, &service).proposed, all);
	assert_eq!(chain.registry_asked.borrow()[..], [(T0 / 6_000) as u32]);
	for _ in 0..4 {
		assert_eq!(step(&mut worker, &chain, &service).proposed, vec![]);
	}
	// The first transfer got in (the entry's version moved on, its owner's time too); the rest
	// is proposed again.
	chain.registry.borrow_mut()[0] = since(car(1, 7), T0 + 2, 1);
	assert_eq!(step(&mut worker, &chain, &service).proposed, all[1..]);
	assert_eq!(chain.proposals().len(), 5);

	// Fleets compared every third step.
	let mut worker =
		Worker::with_config(WorkerConfig { fleet_every_steps: 3, ..WorkerConfig::default() });
	let proposed: Vec<usize> =
		(0..7).map(|_| step(&mut worker, &chain, &service).proposed.len()).collect();
	assert_eq!(proposed, [2, 0, 0, 0, 0, 0, 2]);
	let fleets = service.requests().iter().filter(|path| *path == "/fleet").count();
	assert_eq!(fleets, 6 + 3);

	// A fleet that does not parse is reported.
	service.set_status(500);
	let report = Worker::new().step(&chain, &service).unwrap();
	assert!(
		matches!(
			report.problems[..],
			[WorkerError::Readings(_), WorkerError::Fleet(AnswerError::Status(500))]
		),
		"{:?}",
		report.problems
	);
}

#[test]
fn the_ledger_keeps_the_rules_of_the_first_view() {
	let (_, service, chain) = world();
	chain.set_view(T0 + HOUR_MS, vec![]);
	let mut worker = Worker::new();
	step(&mut worker, &chain, &service);
	chain.edit_view(|view| view.rules.daily_cap_km = 1);
	step(&mut worker, &chain, &service);
	assert_eq!(worker.ledger().map(|ledger| *ledger.rules()), Some(RULES));
}

#[test]
fn garbage_mid_run_is_quarantined_and_batches_go_on() {
	use crate::{follower::Anomalies, ledger::RejectedReading};
	let (readings, service, chain) = world();
	// Early on day 1, before batch 1's cut-off: car 2's unit reports 5,000,000,000 km (issue
	// 26), a record names no car that reads, and the service's clock steps back an hour for one
	// of car 5's readings.
	let seq_of = |car: u8| {
		let at =
			readings.iter().position(|r| r.vehicle == [car; 32] && r.received_ms > T0 + DAY_MS);
		at.unwrap() as u64 + 1
	};
	let (odometer, nameless, stepped_back) = (seq_of(2), seq_of(4), seq_of(5));
	service.set_raw_odometer(odometer, 5_000_000_000);
	service.set_raw(nameless, "vehicle", r#""LIMVALLEY00000004""#);
	service.edit(stepped_back, |reading| reading.received_ms -= HOUR_MS);
	// The roots are those of the readings without the two garbage records.
	let clean: Vec<Reading> = (1..)
		.zip(&readings)
		.filter(|(seq, _)| ![odometer, nameless].contains(seq))
		.map(|(_, reading)| *reading)
		.collect();
	let want = [expected(&clean, 1, CLOSE1), expected(&clean, 2, CLOSE2)];
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(1, CLOSE1), committing(2, CLOSE2)]);

	let mut fast = Worker::new();
	assert_eq!(step(&mut fast, &chain, &service).committed, vec![1, 2]);
	// One page a step (the garbage in the first): the same roots, in two steps.
	let mut slow = slow_worker();
	let committed: Vec<Vec<u64>> =
		(0..3).map(|_| step(&mut slow, &chain, &service).committed).collect();
	assert_eq!(committed, [vec![], vec![1, 2], vec![]]);
	assert_eq!(chain.commits(), vec![(1, want[0]), (2, want[1]), (1, want[0]), (2, want[1])]);

	// The owner of car 2 sees the garbage reading with its reason; the nameless record is in the
	// ledger's quarantine list.
	let garbage = RejectedReading {
		seq: odometer,
		odometer: u32::MAX,
		timestamp_ms: readings[odometer as usize - 1].timestamp_ms,
		reason: RejectReason::OdometerOutOfRange,
	};
	for worker in [&fast, &slow] {
		assert_eq!(worker.rejected(&[2; 32]), vec![garbage]);
		let ledger = worker.ledger().unwrap();
		let quarantined: Vec<_> = ledger.quarantined().iter().map(|r| (r.seq, r.reason)).collect();
		assert_eq!(quarantined, vec![(nameless, RejectReason::BadVehicleId)]);
		let anomalies = worker.follower().anomalies();
		assert_eq!(
			anomalies,
			Anomalies { quarantined: 2, duplicates: 0, unreadable: 0, clamped: 1 }
		);
	}
	// And with its proof, once batch 1 is accepted.
	chain.set_view(
		CLOSE2 + HOUR_MS,
		vec![drawing(1, CLOSE1, want[0], vec![]), committing(2, CLOSE2)],
	);
	step(&mut fast, &chain, &service);
	let proof = fast.proof_for(&[2; 32]).unwrap();
	assert_eq!((proof.batch, proof.rejected), (1, vec![garbage]));
}

#[test]
fn behaviour_factors_at_the_cut_off_weigh_the_leaves_and_are_shown_with_the_proof() {
	let (readings, service, chain) = world();
	let one = expected(&readings, 1, CLOSE1);
	let mut worker = Worker::new();
	chain.set_view(CLOSE2 + HOUR_MS, vec![drawing(1, CLOSE1, one, vec![])]);
	step(&mut worker, &chain, &service);
	// The factors were asked as of the batch's cut-off.
	assert!(service.requests().contains(&format!("/behaviour?at_ms={CLOSE1}")));
	let three = worker.proof_for(&[3; 32]).unwrap();
	assert_eq!(three.behaviour, Perbill::from_percent(80));
	assert_eq!(worker.proof_for(&[1; 32]).unwrap().behaviour, Perbill::one());
	// Car 3's weight is 80 % of what it weighs without a factor.
	let mut clean = Ledger::new(RULES);
	for reading in readings.iter().take_while(|reading| reading.received_ms <= CLOSE1) {
		let _ = clean.apply(reading);
	}
	let unweighted = clean.weights(CLOSE1, &registry(), &BTreeMap::new());
	let km = unweighted.iter().find(|(id, _)| *id == [3; 32]).unwrap().1;
	assert_eq!(three.leaf.weight, Perbill::from_percent(80).mul_floor(km));
	// A service that lies about the factors commits another root.
	let liar = FakeService::default();
	for reading in &readings {
		liar.push(*reading);
	}
	liar.set_now(END);
	liar.set_factors(vec![([3; 32], 1_000_000), ([2; 32], 0)]);
	let chain = FakeChain::default();
	*chain.registry.borrow_mut() = registry();
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(1, CLOSE1)]);
	step(&mut Worker::new(), &chain, &liar);
	assert_ne!(chain.commits(), vec![(1, one)]);
}

#[test]
fn unreadable_factors_hold_back_the_batch_and_a_bad_entry_weighs_at_100_percent() {
	let (readings, service, chain) = world();
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(1, CLOSE1)]);
	service.fail(Some("/behaviour"));
	let mut worker = Worker::new();
	let report = worker.step(&chain, &service).unwrap();
	assert!(
		matches!(
			report.problems[..],
			[WorkerError::Behaviour { batch: 1, error: AnswerError::Status(503) }]
		),
		"{:?}",
		report.problems
	);
	assert_eq!(report.committed, Vec::<u64>::new());
	service.fail(None);
	assert_eq!(step(&mut worker, &chain, &service).committed, vec![1]);
	assert_eq!(chain.commits(), vec![(1, expected(&readings, 1, CLOSE1))]);
	// Car 3 listed twice: left out for everyone, it weighs at 100 %, and it is reported.
	service.set_factors(vec![([3; 32], 800_000), ([3; 32], 700_000)]);
	let chain = FakeChain::default();
	*chain.registry.borrow_mut() = registry();
	chain.set_view(CLOSE2 + HOUR_MS, vec![committing(1, CLOSE1)]);
	let report = Worker::new().step(&chain, &service).unwrap();
	assert!(report.problems.iter().any(|problem| matches!(
		problem,
		WorkerError::BehaviourEntry { batch: 1, error: BehaviourError::DuplicateVehicle { .. } }
	)));
	assert_ne!(chain.commits(), vec![(1, expected(&readings, 1, CLOSE1))]);
}

#[test]
fn snapshots_share_the_tree_and_the_refused_readings_until_a_new_one_is_refused() {
	let (readings, service, chain) = world();
	let one = expected(&readings, 1, CLOSE1);
	let mut worker = Worker::new();
	chain.set_view(CLOSE2 + HOUR_MS, vec![drawing(1, CLOSE1, one, vec![])]);
	step(&mut worker, &chain, &service);
	let first = worker.snapshot(None);
	assert_eq!(first.proof_for(&[3; 32]), worker.proof_for(&[3; 32]));
	assert!(first.tree.is_some());
	let second = worker.snapshot(Some(&first));
	assert!(std::sync::Arc::ptr_eq(&first.rejected, &second.rejected));
	assert!(std::sync::Arc::ptr_eq(first.tree.as_ref().unwrap(), second.tree.as_ref().unwrap()));
	// The faulty car's refused readings are in it, as the worker has them.
	let faulty = first.rejected.keys().next().copied().expect("the faulty car's refusals");
	assert_eq!(first.rejected(&faulty), worker.rejected(&faulty));
}
