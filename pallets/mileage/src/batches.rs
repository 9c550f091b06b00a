//! Each batch's life: taken on at its close, committed by a majority of the operators, its points
//! drawn with randomness of a later block, its winners proven and paid, and its outcome kept.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::SortedMembers};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_mileage_runtime_api as api;
use sp_runtime::{
	traits::{IdentifyAccount, One, Saturating, UniqueSaturatedInto, Zero},
	Perbill,
};
use valley_primitives::{BatchDistributor, BlockRandomness, MiningPayout};

use crate::{pallet::*, rules, types::*, WeightInfo};

impl<T: Config> BatchDistributor<T::Balance> for Pallet<T> {
	/// Takes the batch on: its cut-off is the chain time now (the start of the block, before its
	/// timestamp is set: the parent's), and operators commit its root until the deadline.
	fn batch_closed(batch: BatchIndex, amount: T::Balance) -> T::Balance {
		if amount.is_zero() || VehicleCount::<T>::get() == 0 {
			Self::record(batch, None, Zero::zero(), Default::default());
			return Zero::zero();
		}
		let mut in_flight = InFlight::<T>::get();
		if in_flight.try_push(batch).is_err() {
			// Only if batches stopped finishing (deadlines longer than a batch): never hold an
			// amount that cannot be tracked.
			Self::deposit_event(Event::BatchNotCommitted { batch, amount });
			Self::record(batch, None, Zero::zero(), Default::default());
			return Zero::zero();
		}
		InFlight::<T>::put(in_flight);
		let now = frame_system::Pallet::<T>::block_number();
		let deadline = now.saturating_add(T::CommitWindow::get());
		let close_ms = <T::Time as frame_support::traits::Time>::now();
		Batches::<T>::insert(
			batch,
			BatchRecord {
				amount,
				closed_at: now,
				close_ms,
				deadline,
				phase: BatchPhase::Committing,
			},
		);
		Self::deposit_event(Event::BatchClosed { batch, amount, close_ms, deadline });
		amount
	}
}

impl<T: Config> Pallet<T> {
	/// `on_initialize`: finishes at most one batch, and reserves the weight of drawing the points
	/// of a batch accepted in an earlier block (drawn in `on_finalize`).
	pub(crate) fn advance_batches(now: BlockNumberFor<T>) -> Weight {
		let in_flight = InFlight::<T>::get();
		let mut weight = T::WeightInfo::advance_batches(in_flight.len() as u32);
		// The oldest batch whose deadline passed or whose slots are all settled.
		let mut due = None;
		let mut to_draw = false;
		for batch in in_flight.iter() {
			let Some(record) = Batches::<T>::get(batch) else { continue };
			match record.phase {
				BatchPhase::Committing if now > record.deadline => {
					due = due.or(Some(*batch));
				},
				BatchPhase::Drawing { open, .. } if open == 0 || now > record.deadline => {
					due = due.or(Some(*batch));
				},
				BatchPhase::Accepted { .. } if now >= Self::draw_at(&record) => to_draw = true,
				_ => {},
			}
		}
		if let Some(batch) = due {
			Self::finish(batch);
			weight.saturating_accrue(T::WeightInfo::finish(
				T::MaxWinners::get(),
				T::MaxOperators::get(),
			));
		}
		if to_draw {
			weight.saturating_accrue(T::WeightInfo::draw_points(T::MaxWinners::get()));
		}
		weight
	}

	/// `on_finalize`: draws the points of the oldest accepted batch whose draw height came, with
	/// that height's randomness ([`Pallet::draw_at`]: one of two heights fixed when the batch
	/// closed).
	pub(crate) fn draw_points(now: BlockNumberFor<T>) {
		let Some((batch, mut record, commitment)) =
			InFlight::<T>::get().into_iter().find_map(|batch| {
				let record = Batches::<T>::get(batch)?;
				match record.phase {
					BatchPhase::Accepted { commitment, .. } if now >= Self::draw_at(&record) => {
						Some((batch, record, commitment))
					},
					_ => None,
				}
			})
		else {
			return;
		};
		let draw_at = Self::draw_at(&record);
		// The beacon's inherent is mandatory: the randomness of `draw_at` exists once `draw_at` is
		// in. If it were missing, the first later block's that is known decides.
		let Some(randomness) =
			T::Randomness::randomness_of(draw_at).or_else(|| T::Randomness::randomness_of(now))
		else {
			return;
		};
		let seed = sp_io::hashing::blake2_256(&(b"valley/mileage", batch, randomness).encode());
		let winners =
			rules::winners_for(commitment.count, T::WinnerShare::get(), T::MaxWinners::get());
		let points: Vec<u64> = valley_merkle_sum::points(seed, commitment.total, winners).collect();
		if points.is_empty() {
			// Nobody drove: the whole batch carries over when it finishes (next block).
			record.phase = BatchPhase::Drawing {
				commitment,
				seed,
				winners: 0,
				open: 0,
				next_point: 0,
				per_winner: Zero::zero(),
				paid: Zero::zero(),
			};
			Batches::<T>::insert(batch, record);
			return Self::deposit_event(Event::PointsDrawn {
				batch,
				winners: 0,
				per_winner: Zero::zero(),
			});
		}
		let winners = points.len() as u32;
		let per_winner = record.amount / T::Balance::from(winners);
		for (slot, point) in points.into_iter().enumerate() {
			Slots::<T>::insert(batch, slot as u32, SlotState::Open { point });
		}
		record.deadline = now.saturating_add(T::ProofWindow::get());
		record.phase = BatchPhase::Drawing {
			commitment,
			seed,
			winners,
			open: winners,
			next_point: winners,
			per_winner,
			paid: Zero::zero(),
		};
		Batches::<T>::insert(batch, record);
		Self::deposit_event(Event::PointsDrawn { batch, winners, per_winner });
	}

	/// The last block of a batch's commit window. Commitments that come after its root was
	/// accepted, within the window, are recorded (who agreed, who differed) but change nothing.
	pub(crate) fn commit_until(
		record: &BatchRecord<BlockNumberFor<T>, T::Balance>,
	) -> BlockNumberFor<T> {
		record.closed_at.saturating_add(T::CommitWindow::get())
	}

	/// The first block whose randomness may draw a batch's points: [`Config::DrawDelay`] blocks
	/// after its close, or the first block after its commit window.
	pub fn early_draw_at(record: &BatchRecord<BlockNumberFor<T>, T::Balance>) -> BlockNumberFor<T> {
		record.closed_at.saturating_add(T::DrawDelay::get())
	}

	/// The block whose randomness draws an accepted batch's points, in its `on_finalize`: the
	/// early height ([`Pallet::early_draw_at`]) when the root was accepted in a block before it,
	/// otherwise the first block after the commit window. Both heights are fixed when the batch
	/// closes. Whoever completes the majority (the last committer, or the author that includes
	/// its commitment) picks between the two only before the early height's block exists, so
	/// blind: a block's randomness is its author's VRF output over the previous block's, known
	/// to nobody else before the block is out. The author of the draw block itself can only
	/// withhold it, handing the draw to the next slot's author, at the cost of a missed slot on
	/// chain (the beacon's docs); `k` colluding authors in a row choose among `k + 1` outcomes.
	pub fn draw_at(record: &BatchRecord<BlockNumberFor<T>, T::Balance>) -> BlockNumberFor<T> {
		let early = Self::early_draw_at(record);
		match record.phase {
			BatchPhase::Accepted { at, .. } if at < early => early,
			_ => Self::commit_until(record).saturating_add(One::one()),
		}
	}

	/// Checks an operator's commitment: a current operator, a batch in its commit window, not
	/// committed by it yet. Changes nothing.
	pub(crate) fn check_commit(
		operator: &T::AccountId,
		batch: BatchIndex,
	) -> Result<BatchRecord<BlockNumberFor<T>, T::Balance>, DispatchError> {
		ensure!(T::Operators::contains(operator), Error::<T>::NotOperator);
		let record = Batches::<T>::get(batch).ok_or(Error::<T>::UnknownBatch)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= Self::commit_until(&record), Error::<T>::NotCommitting);
		ensure!(!Commitments::<T>::contains_key(batch, operator), Error::<T>::AlreadyCommitted);
		// Operators removed after committing keep their commitment: the bound holds all the same.
		ensure!(
			(Commitments::<T>::iter_key_prefix(batch).count() as u32) < T::MaxOperators::get(),
			Error::<T>::TooManyCommitments
		);
		Ok(record)
	}

	/// Records an operator's commitment; while the batch is committing, accepts the root when a
	/// majority of the current operators committed it identically. A commitment after that is
	/// on record (and in an event) for whoever watches the operators, and counts for nothing.
	pub(crate) fn do_commit(payload: CommitmentPayload<T::OracleId>) -> DispatchResult {
		let operator = payload.operator.into_account();
		let batch = payload.batch;
		let mut record = Self::check_commit(&operator, batch)?;
		let commitment = payload.commitment;
		Commitments::<T>::insert(batch, &operator, commitment);
		let members = T::Operators::sorted_members();
		// At most `MaxOperators` commitments: one per operator.
		let agreeing = Commitments::<T>::iter_prefix(batch)
			.filter(|(who, c)| *c == commitment && members.binary_search(who).is_ok())
			.count() as u32;
		Self::deposit_event(Event::CommitmentSubmitted { batch, operator, commitment, agreeing });
		if matches!(record.phase, BatchPhase::Committing)
			&& agreeing >= Self::quorum(members.len() as u32)
		{
			let now = frame_system::Pallet::<T>::block_number();
			record.phase = BatchPhase::Accepted { commitment, at: now };
			Batches::<T>::insert(batch, record);
			Self::deposit_event(Event::BatchCommitted { batch, commitment });
		}
		Ok(())
	}

	/// Checks a claim: the batch draws, the slot is open, the proof verifies against the
	/// accepted root, and the leaf owns the slot's point. Changes nothing; returns the batch and
	/// the slot's point.
	pub(crate) fn check_claim(
		batch: BatchIndex,
		slot: u32,
		leaf: &Leaf,
		leaf_salt: &Salt,
		proof: &Proof,
	) -> Result<(BatchRecord<BlockNumberFor<T>, T::Balance>, u64), DispatchError> {
		let record = Batches::<T>::get(batch).ok_or(Error::<T>::UnknownBatch)?;
		let now = frame_system::Pallet::<T>::block_number();
		let BatchPhase::Drawing { commitment, winners, .. } = &record.phase else {
			return Err(Error::<T>::NotDrawing.into());
		};
		ensure!(now <= record.deadline, Error::<T>::NotDrawing);
		ensure!(slot < *winners, Error::<T>::UnknownSlot);
		let Some(SlotState::Open { point }) = Slots::<T>::get(batch, slot) else {
			return Err(Error::<T>::SlotClosed.into());
		};
		let range = valley_merkle_sum::verify(commitment, leaf_salt, leaf, proof)
			.map_err(|_| Error::<T>::InvalidProof)?;
		ensure!(range.contains(point), Error::<T>::PointNotInLeaf);
		Ok((record, point))
	}

	/// Settles a slot by its winning leaf's proof: pays the vehicle's owner, or redraws the
	/// point if the leaf had won another slot, or voids the slot if the vehicle left the
	/// registry.
	pub(crate) fn do_claim(
		batch: BatchIndex,
		slot: u32,
		leaf: Leaf,
		leaf_salt: Salt,
		proof: Proof,
	) -> DispatchResult {
		let (mut record, point) = Self::check_claim(batch, slot, &leaf, &leaf_salt, &proof)?;
		let BatchPhase::Drawing { commitment, seed, winners, open, next_point, per_winner, paid } =
			&mut record.phase
		else {
			return Err(Error::<T>::NotDrawing.into());
		};
		let leaf_index = proof.leaf_index;
		if WonLeaves::<T>::contains_key(batch, leaf_index) {
			// The leaf won already: the point is drawn again, a bounded number of times a batch.
			let redraws = next_point.saturating_sub(*winners);
			match valley_merkle_sum::point(seed, commitment.total, *next_point) {
				Some(point) if redraws < T::MaxWinners::get() => {
					next_point.saturating_inc();
					Slots::<T>::insert(batch, slot, SlotState::Open { point });
					Self::deposit_event(Event::PointRedrawn { batch, slot, point });
				},
				_ => {
					open.saturating_dec();
					Slots::<T>::insert(batch, slot, SlotState::Void { point });
					Self::deposit_event(Event::SlotVoided { batch, slot });
				},
			}
			Batches::<T>::insert(batch, record);
			return Ok(());
		}
		let vehicle = VehicleId::from(leaf.vehicle);
		open.saturating_dec();
		let owner = Vehicles::<T>::get(vehicle).map(|v| v.owner);
		match owner {
			Some(owner) if T::Payout::pay(batch, &owner, *per_winner).is_ok() => {
				paid.saturating_accrue(*per_winner);
				WonLeaves::<T>::insert(batch, leaf_index, slot);
				Self::deposit_event(Event::VehicleWon {
					batch,
					slot,
					vehicle,
					owner: owner.clone(),
					amount: *per_winner,
				});
				Slots::<T>::insert(
					batch,
					slot,
					SlotState::Won { point, leaf_index, vehicle, owner },
				);
			},
			_ => {
				// Deregistered since the cut-off (or the pool refused): nobody is paid, and the
				// leaf may not win another slot either.
				WonLeaves::<T>::insert(batch, leaf_index, slot);
				Slots::<T>::insert(batch, slot, SlotState::Void { point });
				Self::deposit_event(Event::SlotVoided { batch, slot });
			},
		}
		Batches::<T>::insert(batch, record);
		Ok(())
	}

	/// Ends a batch in flight: gives back what it did not pay, keeps its outcome, removes its
	/// commitments, slots and winning leaves.
	pub(crate) fn finish(batch: BatchIndex) {
		InFlight::<T>::mutate(|in_flight| in_flight.retain(|b| *b != batch));
		let Some(record) = Batches::<T>::take(batch) else { return };
		let _ = Commitments::<T>::clear_prefix(batch, T::MaxOperators::get(), None);
		let (commitment, paid, winners) = match record.phase {
			BatchPhase::Committing => {
				Self::deposit_event(Event::BatchNotCommitted { batch, amount: record.amount });
				(None, Zero::zero(), BoundedVec::new())
			},
			BatchPhase::Accepted { commitment, .. } => {
				(Some(commitment), Zero::zero(), BoundedVec::new())
			},
			BatchPhase::Drawing { commitment, winners: slots, per_winner, paid, .. } => {
				let mut winners = BoundedVec::<_, T::MaxWinners>::new();
				for slot in 0..slots {
					if let Some(SlotState::Won { vehicle, owner, .. }) =
						Slots::<T>::take(batch, slot)
					{
						let _ = winners.try_push(Winner { vehicle, owner, amount: per_winner });
					}
				}
				let _ = WonLeaves::<T>::clear_prefix(batch, T::MaxWinners::get(), None);
				Self::deposit_event(Event::BatchDrawn {
					batch,
					leaves: commitment.count,
					winners: winners.len() as u32,
					paid,
				});
				(Some(commitment), paid, winners)
			},
		};
		let rest = record.amount.saturating_sub(paid);
		if !rest.is_zero() {
			let _ = T::Payout::give_back(batch, rest);
		}
		Self::record(batch, commitment, paid, winners);
	}

	fn record(
		batch: BatchIndex,
		commitment: Option<Commitment>,
		amount: T::Balance,
		winners: BoundedVec<Winner<T::AccountId, T::Balance>, T::MaxWinners>,
	) {
		let block: u32 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		BatchOutcomes::<T>::insert(batch, BatchOutcome { block, commitment, amount, winners });
		if let Some(old) = batch.checked_sub(T::HistoryDepth::get() as BatchIndex) {
			BatchOutcomes::<T>::remove(old);
		}
		LastBatch::<T>::mutate(|last| *last = (*last).max(Some(batch)));
	}

	/// What the Stones owed to batches in flight add up to: their amounts less what they paid.
	pub fn owed() -> T::Balance {
		InFlight::<T>::get()
			.into_iter()
			.filter_map(Batches::<T>::get)
			.map(|record| match record.phase {
				BatchPhase::Drawing { paid, .. } => record.amount.saturating_sub(paid),
				_ => record.amount,
			})
			.fold(Zero::zero(), |sum: T::Balance, owed| sum.saturating_add(owed))
	}

	/// The newest accepted commitment of `batch`: in flight or in the history.
	pub fn accepted_commitment(batch: BatchIndex) -> Option<Commitment> {
		match Batches::<T>::get(batch).map(|r| r.phase) {
			Some(BatchPhase::Accepted { commitment, .. })
			| Some(BatchPhase::Drawing { commitment, .. }) => Some(commitment),
			Some(BatchPhase::Committing) => None,
			None => BatchOutcomes::<T>::get(batch).and_then(|o| o.commitment),
		}
	}

	/// A vehicle's standing in the next draw of `reward`, from its leaf and proof in `batch`:
	/// verified against the batch's accepted root.
	pub fn share(
		batch: BatchIndex,
		leaf: Leaf,
		leaf_salt: Salt,
		proof: Proof,
		reward: T::Balance,
	) -> Result<api::Share<T::Balance>, api::ShareError> {
		let commitment = Self::accepted_commitment(batch).ok_or(api::ShareError::NoRoot)?;
		valley_merkle_sum::verify(&commitment, &leaf_salt, &leaf, &proof)
			.map_err(|_| api::ShareError::InvalidProof)?;
		let total = commitment.total.max(1);
		let share = Perbill::from_rational(leaf.weight, total);
		let winners =
			rules::winners_for(commitment.count, T::WinnerShare::get(), T::MaxWinners::get());
		// The chance to be among N weighted draws without replacement is at most N times the
		// share, and close to it while the share is small.
		let win_chance = Perbill::from_rational(
			(leaf.weight as u128).saturating_mul(winners as u128).min(total as u128),
			total as u128,
		);
		let per_winner =
			if winners == 0 { Zero::zero() } else { reward / T::Balance::from(winners) };
		Ok(api::Share {
			batch,
			weight: leaf.weight,
			total: commitment.total,
			leaves: commitment.count,
			share,
			winners_per_batch: winners,
			win_chance,
			expected_per_batch: win_chance.mul_floor(per_winner),
		})
	}

	/// The batches in flight, for operators' workers and owners.
	pub fn batches_in_flight() -> Vec<api::BatchStatus<T::AccountId, T::Balance>> {
		InFlight::<T>::get()
			.into_iter()
			.filter_map(|batch| {
				let record = Batches::<T>::get(batch)?;
				let committed = Commitments::<T>::iter_key_prefix(batch).collect();
				let (phase, commitment, slots) = match record.phase {
					BatchPhase::Committing => (api::Phase::Committing, None, Vec::new()),
					BatchPhase::Accepted { commitment, .. } => {
						(api::Phase::Accepted, Some(commitment), Vec::new())
					},
					BatchPhase::Drawing { commitment, winners, .. } => {
						let slots = (0..winners)
							.filter_map(|slot| {
								let state = Slots::<T>::get(batch, slot)?;
								Some(api::SlotStatus {
									slot,
									point: state.point(),
									open: matches!(state, SlotState::Open { .. }),
								})
							})
							.collect();
						(api::Phase::Drawing, Some(commitment), slots)
					},
				};
				Some(api::BatchStatus {
					batch,
					amount: record.amount,
					closed_at: record.closed_at.unique_saturated_into(),
					close_ms: record.close_ms,
					deadline: record.deadline.unique_saturated_into(),
					commit_until: Self::commit_until(&record).unique_saturated_into(),
					phase,
					commitment: commitment.map(|c| (c.root, c.total, c.count)),
					committed,
					slots,
				})
			})
			.collect()
	}

	/// The last `count` batches, newest first.
	pub fn recent_batches(count: u32) -> Vec<api::BatchDraw<VehicleId, T::AccountId, T::Balance>> {
		let Some(last) = LastBatch::<T>::get() else { return Vec::new() };
		let count = count.min(T::HistoryDepth::get()) as BatchIndex;
		(0..count)
			.map_while(|back| last.checked_sub(back))
			.filter_map(|batch| {
				BatchOutcomes::<T>::get(batch).map(|o| api::BatchDraw {
					batch,
					block: o.block,
					amount: o.amount,
					leaves: o.commitment.map_or(0, |c| c.count),
					root: o.commitment.map(|c| c.root),
					winners: o.winners.into_inner(),
				})
			})
			.collect()
	}

	/// The pallet's invariants: the registry's, and every batch in flight's: listed once, its
	/// commitments by operators, its slots within its winners, its open count and payments
	/// matching its slots; outcomes pay what their winners received.
	#[cfg(any(feature = "std", feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use sp_runtime::traits::CheckedAdd;
		Self::registry_try_state()?;
		let in_flight = InFlight::<T>::get();
		let mut seen = alloc::collections::btree_set::BTreeSet::new();
		for batch in in_flight.iter() {
			ensure!(seen.insert(*batch), "a batch in flight twice");
			ensure!(Batches::<T>::contains_key(batch), "a batch in flight without a record");
		}
		ensure!(Batches::<T>::iter_keys().all(|b| seen.contains(&b)), "a record not in flight");
		ensure!(Commitments::<T>::iter_keys().all(|(b, _)| seen.contains(&b)), "stray commitment");
		for (batch, record) in Batches::<T>::iter() {
			ensure!(!record.amount.is_zero(), "a batch in flight hands out nothing");
			let commitments = Commitments::<T>::iter_prefix(batch).count() as u32;
			ensure!(commitments <= T::MaxOperators::get(), "more commitments than operators");
			match record.phase {
				BatchPhase::Drawing { winners, open, per_winner, paid, .. } => {
					let mut counted_open = 0u32;
					let mut counted_paid = T::Balance::zero();
					for (slot, state) in Slots::<T>::iter_prefix(batch) {
						ensure!(slot < winners, "a slot beyond the batch's winners");
						match state {
							SlotState::Open { .. } => counted_open += 1,
							SlotState::Won { leaf_index, .. } => {
								ensure!(
									WonLeaves::<T>::get(batch, leaf_index) == Some(slot),
									"a won slot's leaf not recorded"
								);
								counted_paid = counted_paid
									.checked_add(&per_winner)
									.ok_or("winnings overflow")?;
							},
							SlotState::Void { .. } => {},
						}
					}
					ensure!(
						Slots::<T>::iter_prefix(batch).count() as u32 == winners,
						"a slot missing"
					);
					ensure!(counted_open == open, "open slots miscounted");
					ensure!(counted_paid == paid, "a batch's payments differ from its winners");
					let stake = per_winner.saturating_mul(T::Balance::from(winners));
					ensure!(stake <= record.amount, "winners would be paid more than the batch");
				},
				_ => {
					ensure!(
						Slots::<T>::iter_prefix(batch).next().is_none(),
						"slots before the draw"
					);
					ensure!(
						WonLeaves::<T>::iter_prefix(batch).next().is_none(),
						"winners before the draw"
					);
				},
			}
		}
		ensure!(Slots::<T>::iter_keys().all(|(b, _)| seen.contains(&b)), "a stray slot");
		ensure!(WonLeaves::<T>::iter_keys().all(|(b, _)| seen.contains(&b)), "a stray leaf");
		for (_, outcome) in BatchOutcomes::<T>::iter() {
			let paid = outcome
				.winners
				.iter()
				.try_fold(T::Balance::zero(), |sum, w| sum.checked_add(&w.amount))
				.ok_or("winnings overflow")?;
			ensure!(paid == outcome.amount, "a batch's winnings differ from what it paid");
		}
		Ok(())
	}
}
