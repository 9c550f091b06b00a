//! What the worker publishes after each step for the node's `mileage_proof` RPC: the tree of the
//! newest batch whose accepted root is this operator's and every car's refused readings. The RPC
//! reads it without waiting for the worker, whose steps hold its state for seconds.

use std::{collections::BTreeMap, sync::Arc};

use crate::{batch::BatchTree, ledger::RejectedReading, types::VehicleId, worker::VehicleProof};

/// A step's view of the proofs and refused readings, cheap to clone (shared parts).
#[derive(Clone, Debug, Default)]
pub struct ProofSnapshot {
	/// The step it was taken after.
	pub step: u64,
	/// The tree proofs are served from.
	pub tree: Option<Arc<BatchTree>>,
	/// Each car's last refused readings, oldest first (only cars with some).
	pub rejected: Arc<BTreeMap<VehicleId, Vec<RejectedReading>>>,
	/// The ledger's count of refused readings when `rejected` was taken: a snapshot whose count
	/// is unchanged shares the previous one's map.
	pub rejected_count: u64,
}

/// `vehicle`'s leaf, proof and behaviour factor in `tree`, with its `rejected` readings; `None`
/// when it has no leaf there.
pub(crate) fn vehicle_proof(
	tree: &BatchTree,
	vehicle: &VehicleId,
	rejected: Vec<RejectedReading>,
) -> Option<VehicleProof> {
	let (leaf, leaf_salt, proof) = tree.proof_for_vehicle(vehicle)?;
	Some(VehicleProof {
		batch: tree.batch(),
		leaf,
		leaf_salt,
		proof,
		commitment: tree.commitment(),
		behaviour: tree.behaviour(vehicle),
		rejected,
	})
}

impl ProofSnapshot {
	/// `vehicle`'s leaf and proof, as [`crate::worker::Worker::proof_for`] answers.
	pub fn proof_for(&self, vehicle: &VehicleId) -> Option<VehicleProof> {
		vehicle_proof(self.tree.as_deref()?, vehicle, self.rejected(vehicle))
	}

	/// `vehicle`'s last refused readings, oldest first.
	pub fn rejected(&self, vehicle: &VehicleId) -> Vec<RejectedReading> {
		self.rejected.get(vehicle).cloned().unwrap_or_default()
	}
}
