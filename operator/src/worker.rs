//! The operator's worker: follows the service, builds each batch's tree at its cut-off, commits
//! its root, claims the drawn points and proposes the fleet's changes.
//!
//! The worker is generic over the chain ([`Chain`]: a view at the finalized head, the registry at
//! a block, and the three transactions) and the service ([`Service`]), so that it runs against
//! the node's client and pool, and against fakes in tests. The node calls [`Worker::step`] on a
//! timer or at each finalized block, and serves [`Worker::proof_for`] over RPC.
//!
//! ## A step
//!
//! 1. Read the [`ChainView`]; a node that is not an operator does nothing.
//! 2. Read pages of readings into the follower's buffer (at most
//!    [`WorkerConfig::max_pages_per_step`]). A garbage record never stops it: it is quarantined
//!    in its place (kept with its reason for the car's owner, in [`Worker::rejected`], or in the
//!    ledger's quarantine list when it names no car), a repeated `seq` is dropped and a
//!    `received_ms` that steps back is raised to the running maximum ([`crate::follower`]). Only
//!    an answer unusable whole is refused: reported, and asked again at the next step.
//! 3. Build the trees of the in-flight batches, by cut-off: for each batch without a tree, apply
//!    the readings received by its cut-off; stop at the first whose cut-off is not complete yet
//!    (later ones need the readings in between); otherwise take the registry at the end of its
//!    closing block, its salt from the service, and build its tree. With no batch waiting, apply
//!    the readings received by the finalized head's time: a batch that closes later has a cut-off
//!    at least that late (its closing block's parent is the finalized head or after), so they
//!    belong to it whatever it is. The ledger never holds a reading past the cut-off of a batch
//!    still to build: its weights are those of exactly the readings received by the cut-off.
//! 4. Commit the tree's commitment of each batch still committing that this operator has not
//!    committed.
//! 5. For each drawing batch whose accepted commitment is our tree's, claim every unclaimed point
//!    with its leaf, leaf salt and proof.
//! 6. Every [`WorkerConfig::fleet_every_steps`] steps, compare the service's fleet with the
//!    registry at the finalized head and propose what the service is the authority for
//!    ([`fleet_changes`]: new cars and its own sales), each bound to the entry
//!    it changes; never the undoing of an owner's own pass-on or deregistration.
//!
//! A commitment, claim or proposal is sent at most once in [`WorkerConfig::resend_after_steps`]
//! steps: the chain's state says whether it got in (a transaction can be dropped from the pool),
//! and it is sent again if not. A failure in one part of a step is reported in
//! [`StepReport::problems`] and the rest of the step goes on.
//!
//! ## Restart
//!
//! The worker's state is in memory. A new worker reads the service from its first reading and
//! rebuilds the same ledger and, for every batch still in flight, the same tree: the same roots
//! as before the restart and as every other honest operator's.
//!
//! ## Rules
//!
//! The ledger checks readings with the rules of the first view (`DailyCapKm`, `MaxSpeedKmh`,
//! `ToleranceKm`) and keeps them: rules changing under a ledger would make its state depend on
//! when each reading was applied. A runtime upgrade that changes them takes a restart of every
//! operator's worker (a warning is logged once when the view's rules differ).

use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
};

use codec::{Decode, Encode};
use sp_arithmetic::Perbill;
use valley_merkle_sum::{Commitment, Leaf, Proof, Salt};

use crate::{
	batch::BatchTree,
	follower::{FetchError, Follower},
	http::{HttpError, Service},
	ledger::{Ledger, RejectedReading},
	snapshot::ProofSnapshot,
	telematics::{
		behaviour_path, parse_behaviour, parse_fleet, parse_salt, salt_path, BehaviourError,
		FleetError, SaltError, FLEET_PATH,
	},
	types::{FleetChange, RegistryEntry, Rules, VehicleId},
};

const LOG_TARGET: &str = "valley-operator";

/// A point drawn in a batch, as the chain shows it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct SlotView {
	/// The point's index in the draw.
	pub slot: u32,
	/// The point, in `[0, total)`.
	pub point: u64,
	/// Whether a claim for it got in.
	pub claimed: bool,
}

/// Where a batch stands on chain.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum BatchPhase {
	/// Operators commit their roots.
	Committing,
	/// A majority committed the same root; points are drawn in the next block.
	Accepted,
	/// Points are drawn: claims are taken.
	Drawing {
		/// The points.
		slots: Vec<SlotView>,
	},
}

/// A batch in flight, as the chain shows it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct BatchView {
	/// The batch.
	pub batch: u64,
	/// The block it closed in: its weights are over the registry at the end of it.
	pub closed_at: u32,
	/// Its cut-off: the timestamp of the block before the closing one.
	pub close_ms: u64,
	/// Where it stands.
	pub phase: BatchPhase,
	/// The last block of its commit window. Commitments after its root was accepted are
	/// recorded (who agreed, who differed) and count for nothing.
	pub commit_until: u32,
	/// Whether this operator's commitment is in.
	pub committed_by_me: bool,
	/// The commitment a majority committed, once there is one.
	pub accepted: Option<Commitment>,
}

/// What the worker reads of the chain at the finalized head.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ChainView {
	/// The finalized head's number.
	pub finalized: u32,
	/// The finalized head's timestamp.
	pub timestamp_ms: u64,
	/// The chain's reading rules.
	pub rules: Rules,
	/// The batches in flight: committing, accepted or drawing.
	pub batches: Vec<BatchView>,
	/// Whether this node's key is a current operator's.
	pub is_operator: bool,
}

/// The chain as the worker sees and changes it.
pub trait Chain {
	/// Why a read or a submission failed.
	type Error: core::fmt::Debug;
	/// At the finalized head.
	fn view(&self) -> Result<ChainView, Self::Error>;
	/// The registry at the end of canonical block `block` (finalized).
	fn registry_at(&self, block: u32) -> Result<Vec<RegistryEntry>, Self::Error>;
	/// Submits this operator's commitment to `batch`.
	fn commit(&self, batch: u64, commitment: Commitment) -> Result<(), Self::Error>;
	/// Submits the claim of `batch`'s point `slot` by `leaf`.
	fn claim(
		&self,
		batch: u64,
		slot: u32,
		leaf: Leaf,
		leaf_salt: Salt,
		proof: Proof,
	) -> Result<(), Self::Error>;
	/// Submits this operator's proposal of `change`, valid for a bounded number of blocks.
	fn propose(&self, change: FleetChange) -> Result<(), Self::Error>;
	/// Which of `vehicles` were deregistered on chain (by their owner or the council) and not
	/// registered again, at the finalized head.
	fn retired(&self, vehicles: &[VehicleId]) -> Result<Vec<VehicleId>, Self::Error>;
}

/// How often the worker does what.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct WorkerConfig {
	/// The most pages of readings read in a step.
	pub max_pages_per_step: u32,
	/// Steps before a commitment, claim or proposal not yet on chain is sent again.
	pub resend_after_steps: u64,
	/// Steps between two comparisons of the fleet with the registry; 0 for never.
	pub fleet_every_steps: u64,
	/// No pages are read while this many readings wait in the buffer.
	pub max_buffered: usize,
}

impl Default for WorkerConfig {
	fn default() -> Self {
		Self {
			max_pages_per_step: 200,
			resend_after_steps: 5,
			fleet_every_steps: 1,
			max_buffered: 1_000_000,
		}
	}
}

/// Why the service's answer to a request could not be used.
#[derive(Debug)]
pub enum AnswerError<E> {
	/// No answer.
	Http(HttpError),
	/// An answer other than `200 OK`.
	Status(u16),
	/// An answer that does not parse.
	Parse(E),
}

/// What went wrong in a step.
#[derive(Debug)]
pub enum WorkerError<E> {
	/// The chain could not be read, or a submission failed.
	Chain(E),
	/// The readings could not be read.
	Readings(FetchError),
	/// A batch's salt could not be read: its tree, and later batches', wait.
	Salt {
		/// The batch.
		batch: u64,
		/// Why.
		error: AnswerError<SaltError>,
	},
	/// The behaviour factors at a batch's cut-off could not be read: its tree, and later
	/// batches', wait.
	Behaviour {
		/// The batch.
		batch: u64,
		/// Why.
		error: AnswerError<BehaviourError>,
	},
	/// An entry of a batch's behaviour factors was left out (its car weighs at 100 %, for every
	/// operator alike).
	BehaviourEntry {
		/// The batch.
		batch: u64,
		/// Why.
		error: BehaviourError,
	},
	/// The fleet could not be read.
	Fleet(AnswerError<FleetError>),
	/// An entry of the fleet was left out (malformed, or its car listed twice); the rest of the
	/// fleet was compared.
	FleetEntry(FleetError),
	/// A batch's leaves make no tree (a sum beyond `u64::MAX`): it is skipped.
	Tree {
		/// The batch.
		batch: u64,
		/// Why.
		error: valley_merkle_sum::Error,
	},
	/// A batch's cut-off is before readings the ledger already holds (the chain showed a batch
	/// cut off before the finalized time it showed earlier): it is skipped.
	CutOffPassed {
		/// The batch.
		batch: u64,
		/// Its cut-off.
		close_ms: u64,
		/// The latest `received_ms` applied.
		applied_ms: u64,
	},
	/// A drawn point is past our tree's total, though its commitment was accepted.
	PointOutOfRange {
		/// The batch.
		batch: u64,
		/// The point's slot.
		slot: u32,
	},
}

/// What a step did.
#[derive(Debug)]
pub struct StepReport<E> {
	/// The step's number, from 1.
	pub step: u64,
	/// Readings read from the service.
	pub read: usize,
	/// Readings applied to the ledger.
	pub applied: usize,
	/// Trees built: batch and commitment.
	pub built: Vec<(u64, Commitment)>,
	/// The batch whose cut-off is not complete yet, if one waits.
	pub waiting_for: Option<u64>,
	/// Batches committed.
	pub committed: Vec<u64>,
	/// Points claimed: batch and slot.
	pub claimed: Vec<(u64, u32)>,
	/// Changes proposed.
	pub proposed: Vec<FleetChange>,
	/// What went wrong; the rest of the step went on.
	pub problems: Vec<WorkerError<E>>,
}

impl<E> StepReport<E> {
	fn new(step: u64) -> Self {
		Self {
			step,
			read: 0,
			applied: 0,
			built: Vec::new(),
			waiting_for: None,
			committed: Vec::new(),
			claimed: Vec::new(),
			proposed: Vec::new(),
			problems: Vec::new(),
		}
	}
}

/// A car's proof in the newest batch whose accepted commitment is this operator's, and its
/// refused readings: what the node's `mileage_proof` RPC serves.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct VehicleProof {
	/// The batch.
	pub batch: u64,
	/// The car's leaf: its id and weight.
	pub leaf: Leaf,
	/// The leaf's salt.
	pub leaf_salt: Salt,
	/// The leaf's inclusion proof.
	pub proof: Proof,
	/// The batch's accepted commitment, which the proof verifies against.
	pub commitment: Commitment,
	/// The car's behaviour factor at the batch's cut-off, applied to its weight (off chain).
	pub behaviour: Perbill,
	/// The car's last refused readings, oldest first.
	pub rejected: Vec<RejectedReading>,
}

/// The operator's worker; see the module docs.
#[derive(Debug, Default)]
pub struct Worker {
	config: WorkerConfig,
	steps: u64,
	follower: Follower,
	ledger: Option<Ledger>,
	// Shared with the proof snapshots the node's RPC reads.
	trees: BTreeMap<u64, Arc<BatchTree>>,
	skipped: BTreeSet<u64>,
	// The newest batch whose accepted commitment is our tree's: its tree serves proofs even
	// after the batch is over.
	proof_batch: Option<u64>,
	commits_sent: BTreeMap<u64, u64>,
	claims_sent: BTreeMap<(u64, u32), u64>,
	proposals_sent: BTreeMap<FleetChange, u64>,
	next_fleet_step: u64,
	rules_warned: bool,
}

/// The changes the service's `fleet` asks of `registry`, in ascending vehicle id order, each
/// bound to the entry it changes. One authority per fact:
/// - a car of the fleet not registered is registered, unless it is in `retired` (its owner or
///   the council deregistered it: final on chain; the service follows the chain);
/// - a registered car whose owner differs is transferred only if the service recorded its owner
///   after the chain's owner took it (`owner_since_ms`: a sale the service made since); an
///   owner's own pass-on on chain is newer than anything the service recorded and is never
///   proposed back;
/// - a registered car missing from the fleet is left alone (the owner or the council
///   deregisters it).
///
/// Activation times of registered cars are not compared (no change sets them).
pub fn fleet_changes(
	fleet: &[RegistryEntry],
	registry: &[RegistryEntry],
	retired: &BTreeSet<VehicleId>,
) -> Vec<FleetChange> {
	let registered: BTreeMap<VehicleId, &RegistryEntry> =
		registry.iter().map(|entry| (entry.vehicle, entry)).collect();
	let mut fleet = fleet.to_vec();
	fleet.sort_by_key(|car| car.vehicle);
	let mut changes = Vec::new();
	for car in &fleet {
		let Some(entry) = registered.get(&car.vehicle) else {
			if !retired.contains(&car.vehicle) {
				changes.push(FleetChange::Register {
					vehicle: car.vehicle,
					owner: car.owner,
					activation_ms: car.activation_ms,
				});
			}
			continue;
		};
		if car.owner != entry.owner && car.owner_since_ms > entry.owner_since_ms {
			changes.push(FleetChange::Transfer {
				vehicle: car.vehicle,
				version: entry.version,
				from: entry.owner,
				to: car.owner,
			});
		}
	}
	changes
}

/// The fleet's cars that the registry does not hold: the candidates for registration.
pub fn unregistered(fleet: &[RegistryEntry], registry: &[RegistryEntry]) -> Vec<VehicleId> {
	let registered: BTreeSet<VehicleId> = registry.iter().map(|entry| entry.vehicle).collect();
	fleet.iter().map(|car| car.vehicle).filter(|id| !registered.contains(id)).collect()
}

/// Whether something last sent at step `last` may be sent at step `now`.
fn due(last: Option<&u64>, now: u64, every: u64) -> bool {
	last.is_none_or(|last| now.saturating_sub(*last) >= every)
}

fn answer<P, E>(
	service: &impl Service,
	path: &str,
	parse: impl FnOnce(&[u8]) -> Result<P, E>,
) -> Result<P, AnswerError<E>> {
	let (status, body) = service.get(path).map_err(AnswerError::Http)?;
	if status != 200 {
		return Err(AnswerError::Status(status));
	}
	parse(&body).map_err(AnswerError::Parse)
}

impl Worker {
	/// A worker with the default [`WorkerConfig`], reading the service from its first reading.
	pub fn new() -> Self {
		Self::with_config(WorkerConfig::default())
	}

	/// A worker with `config`.
	pub fn with_config(config: WorkerConfig) -> Self {
		Self { config, next_fleet_step: 1, ..Default::default() }
	}

	/// One round of the worker's loop; see the module docs. Fails only when the chain cannot be
	/// read; other failures are in the report.
	pub fn step<C: Chain, S: Service>(
		&mut self,
		chain: &C,
		service: &S,
	) -> Result<StepReport<C::Error>, WorkerError<C::Error>> {
		self.steps += 1;
		let mut report = StepReport::new(self.steps);
		let view = chain.view().map_err(WorkerError::Chain)?;
		if !view.is_operator {
			return Ok(report);
		}
		let ledger = self.ledger.get_or_insert_with(|| Ledger::new(view.rules));
		if *ledger.rules() != view.rules && !self.rules_warned {
			self.rules_warned = true;
			log::warn!(
				target: LOG_TARGET,
				"the chain's reading rules changed to {:?}; the ledger keeps {:?}: restart the worker",
				view.rules,
				ledger.rules()
			);
		}
		if self.follower.buffer().len() < self.config.max_buffered {
			match self.follower.fetch(service, self.config.max_pages_per_step) {
				Ok(read) => report.read = read,
				Err(error) => report.problems.push(WorkerError::Readings(error)),
			}
		}
		self.build_trees(chain, service, &view, &mut report);
		self.commit(chain, &view, &mut report);
		self.claim(chain, &view, &mut report);
		if self.config.fleet_every_steps > 0 && self.steps >= self.next_fleet_step {
			self.next_fleet_step = self.steps.saturating_add(self.config.fleet_every_steps);
			self.propose(chain, service, &view, &mut report);
		}
		for problem in &report.problems {
			log::warn!(target: LOG_TARGET, "step {}: {problem:?}", self.steps);
		}
		Ok(report)
	}

	fn build_trees<C: Chain>(
		&mut self,
		chain: &C,
		service: &impl Service,
		view: &ChainView,
		report: &mut StepReport<C::Error>,
	) {
		let in_view = |batch: &u64| view.batches.iter().any(|b| b.batch == *batch);
		let proof_batch = self.proof_batch;
		self.trees.retain(|batch, _| in_view(batch) || Some(*batch) == proof_batch);
		self.skipped.retain(in_view);
		let Some(ledger) = self.ledger.as_mut() else { return };
		let mut batches: Vec<&BatchView> = view.batches.iter().collect();
		batches.sort_by_key(|b| (b.close_ms, b.batch));
		for b in batches {
			if self.trees.contains_key(&b.batch) || self.skipped.contains(&b.batch) {
				continue;
			}
			let applied_ms = self.follower.applied_received_ms();
			if b.close_ms < applied_ms {
				report.problems.push(WorkerError::CutOffPassed {
					batch: b.batch,
					close_ms: b.close_ms,
					applied_ms,
				});
				self.skipped.insert(b.batch);
				continue;
			}
			// Whether complete or not, the readings received by the cut-off belong to the batch.
			report.applied += self.follower.apply_through(ledger, b.close_ms);
			if !self.follower.complete_through(b.close_ms) {
				report.waiting_for = Some(b.batch);
				return;
			}
			let registry = match chain.registry_at(b.closed_at) {
				Ok(registry) => registry,
				Err(error) => return report.problems.push(WorkerError::Chain(error)),
			};
			let salt = answer(service, &salt_path(b.batch), |body| parse_salt(body, b.batch));
			let salt = match salt {
				Ok(salt) => salt,
				Err(error) => {
					return report.problems.push(WorkerError::Salt { batch: b.batch, error })
				},
			};
			// The behaviour factors in force at the cut-off (a driving record: never on chain).
			let factors = answer(service, &behaviour_path(b.close_ms), |body| {
				parse_behaviour(body, b.close_ms)
			});
			let factors = match factors {
				Ok(factors) => factors,
				Err(error) => {
					return report.problems.push(WorkerError::Behaviour { batch: b.batch, error })
				},
			};
			for error in factors.skipped {
				report.problems.push(WorkerError::BehaviourEntry { batch: b.batch, error });
			}
			let leaves = ledger.weights(b.close_ms, &registry, &factors.factors);
			let built = BatchTree::build(b.batch, b.close_ms, salt, leaves);
			match built.map(|tree| tree.with_factors(factors.factors)) {
				Ok(tree) => {
					log::info!(
						target: LOG_TARGET,
						"batch {}: {} cars, total {}",
						b.batch,
						tree.commitment().count,
						tree.commitment().total
					);
					report.built.push((b.batch, tree.commitment()));
					self.trees.insert(b.batch, Arc::new(tree));
				},
				Err(error) => {
					report.problems.push(WorkerError::Tree { batch: b.batch, error });
					self.skipped.insert(b.batch);
				},
			}
		}
		// No batch waits: the readings received by the finalized head's time belong to whatever
		// batch closes next.
		report.applied += self.follower.apply_through(ledger, view.timestamp_ms);
	}

	fn commit<C: Chain>(&mut self, chain: &C, view: &ChainView, report: &mut StepReport<C::Error>) {
		self.commits_sent.retain(|batch, _| view.batches.iter().any(|b| b.batch == *batch));
		for b in &view.batches {
			// Also after acceptance: the chain keeps every operator's root on record.
			if b.committed_by_me || view.finalized > b.commit_until {
				continue;
			}
			let Some(tree) = self.trees.get(&b.batch) else { continue };
			if !due(self.commits_sent.get(&b.batch), self.steps, self.config.resend_after_steps) {
				continue;
			}
			self.commits_sent.insert(b.batch, self.steps);
			match chain.commit(b.batch, tree.commitment()) {
				Ok(()) => report.committed.push(b.batch),
				Err(error) => report.problems.push(WorkerError::Chain(error)),
			}
		}
	}

	fn claim<C: Chain>(&mut self, chain: &C, view: &ChainView, report: &mut StepReport<C::Error>) {
		self.claims_sent.retain(|(batch, _), _| view.batches.iter().any(|b| b.batch == *batch));
		for b in &view.batches {
			let Some(tree) = self.trees.get(&b.batch) else { continue };
			if b.accepted != Some(tree.commitment()) {
				continue;
			}
			if self.proof_batch.is_none_or(|newest| newest < b.batch) {
				self.proof_batch = Some(b.batch);
			}
			let BatchPhase::Drawing { slots } = &b.phase else { continue };
			for slot in slots.iter().filter(|slot| !slot.claimed) {
				let key = (b.batch, slot.slot);
				if !due(self.claims_sent.get(&key), self.steps, self.config.resend_after_steps) {
					continue;
				}
				let Some((leaf, leaf_salt, proof)) = tree.claim_for_point(slot.point) else {
					report
						.problems
						.push(WorkerError::PointOutOfRange { batch: b.batch, slot: slot.slot });
					continue;
				};
				self.claims_sent.insert(key, self.steps);
				match chain.claim(b.batch, slot.slot, leaf, leaf_salt, proof) {
					Ok(()) => report.claimed.push(key),
					Err(error) => report.problems.push(WorkerError::Chain(error)),
				}
			}
		}
	}

	fn propose<C: Chain>(
		&mut self,
		chain: &C,
		service: &impl Service,
		view: &ChainView,
		report: &mut StepReport<C::Error>,
	) {
		let (now, every) = (self.steps, self.config.resend_after_steps);
		self.proposals_sent.retain(|_, at| !due(Some(at), now, every));
		let fleet = match answer(service, FLEET_PATH, parse_fleet) {
			Ok(fleet) => fleet,
			Err(error) => return report.problems.push(WorkerError::Fleet(error)),
		};
		report.problems.extend(fleet.skipped.iter().cloned().map(WorkerError::FleetEntry));
		let registry = match chain.registry_at(view.finalized) {
			// Without the cars of the entries left out: nothing is proposed for them.
			Ok(registry) => fleet.comparable(&registry),
			Err(error) => return report.problems.push(WorkerError::Chain(error)),
		};
		let retired = match chain.retired(&unregistered(&fleet.vehicles, &registry)) {
			Ok(retired) => retired.into_iter().collect(),
			Err(error) => return report.problems.push(WorkerError::Chain(error)),
		};
		for change in fleet_changes(&fleet.vehicles, &registry, &retired) {
			if self.proposals_sent.contains_key(&change) {
				continue;
			}
			self.proposals_sent.insert(change, now);
			match chain.propose(change) {
				Ok(()) => report.proposed.push(change),
				Err(error) => report.problems.push(WorkerError::Chain(error)),
			}
		}
	}

	/// `vehicle`'s leaf and proof in the newest batch whose accepted commitment is this
	/// operator's, with its behaviour factor there and its refused readings; `None` when it has
	/// no weight in that batch (or no batch was accepted yet).
	pub fn proof_for(&self, vehicle: &VehicleId) -> Option<VehicleProof> {
		let tree = self.trees.get(&self.proof_batch?)?;
		crate::snapshot::vehicle_proof(tree, vehicle, self.rejected(vehicle))
	}

	/// What the node's proof RPC reads until the next step: the tree of the newest batch whose
	/// accepted commitment is this operator's and every car's refused readings. Shares what it
	/// can with `previous` (the tree always; the refused readings while none was added).
	pub fn snapshot(&self, previous: Option<&ProofSnapshot>) -> ProofSnapshot {
		let tree = self.proof_batch.and_then(|batch| self.trees.get(&batch)).cloned();
		let count = self.ledger.as_ref().map_or(0, Ledger::rejected_total);
		let rejected = match previous {
			Some(previous) if previous.rejected_count == count => previous.rejected.clone(),
			_ => Arc::new(self.ledger.as_ref().map(Ledger::rejected_by_car).unwrap_or_default()),
		};
		ProofSnapshot { step: self.steps, tree, rejected, rejected_count: count }
	}

	/// `vehicle`'s last refused readings, oldest first.
	pub fn rejected(&self, vehicle: &VehicleId) -> Vec<RejectedReading> {
		self.ledger.as_ref().map(|ledger| ledger.rejected(vehicle)).unwrap_or_default()
	}

	/// The tree built for `batch`, while it is kept.
	pub fn tree(&self, batch: u64) -> Option<&BatchTree> {
		self.trees.get(&batch).map(|tree| &**tree)
	}

	/// The ledger, once the first view gave its rules.
	pub fn ledger(&self) -> Option<&Ledger> {
		self.ledger.as_ref()
	}

	/// The follower of the service's readings.
	pub fn follower(&self) -> &Follower {
		&self.follower
	}

	/// The steps taken.
	pub fn steps(&self) -> u64 {
		self.steps
	}

	/// The configuration.
	pub fn config(&self) -> &WorkerConfig {
		&self.config
	}
}
