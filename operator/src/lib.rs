//! # The oracle operator's side of mileage mining
//!
//! Everything an operator computes off chain: the telematics client, the plausibility rules,
//! the ledger of every car's 30-day weight, each batch's Merkle-sum tree and the worker that
//! commits roots, claims drawn points and proposes the fleet's changes.
//!
//! ## Overview
//!
//! Per-car mileage never goes on chain (`docs/committed-mileage.md`). Each operator reads the car
//! maker's telematics service ([`telematics`], over [`http`]), applies the readings in the
//! service's order under the chain's rules ([`rules`], [`ledger`]) and, when a batch closes,
//! builds the tree of the cars' weights at the batch's cut-off ([`follower`], [`batch`]) and
//! commits its root. The chain accepts the root a majority commits and draws points; the worker
//! claims each with the proof of the leaf that owns it ([`worker`]).
//!
//! Honest operators reach the same roots: the weights depend only on the readings received by the
//! cut-off (a prefix of the service's sequence), the registry at the closing block and the
//! chain's rules, all the same for every operator, and the tree is canonical.
//!
//! ## How to use
//!
//! The node implements [`worker::Chain`] over its client, transaction pool and keystore, and runs
//! the worker:
//!
//! ```no_run
//! use std::time::Duration;
//! use valley_operator::{
//!     http::{HttpError, HttpService},
//!     worker::{Chain, Worker},
//! };
//!
//! fn run(chain: impl Chain) -> Result<(), HttpError> {
//!     let service = HttpService::new("http://127.0.0.1:8787", Duration::from_secs(5))?;
//!     let mut worker = Worker::new();
//!     loop {
//!         match worker.step(&chain, &service) {
//!             Ok(report) => report.problems.iter().for_each(|problem| eprintln!("{problem:?}")),
//!             Err(error) => eprintln!("cannot read the chain: {error:?}"),
//!         }
//!         // The node's `mileage_proof` RPC answers with `worker.proof_for(&vehicle)`.
//!         std::thread::sleep(Duration::from_secs(6));
//!     }
//! }
//! ```
//!
//! ## Implementation notes
//!
//! - std only: the crate runs in the node, never in the runtime. Its pure parts (rules, parsing,
//!   weights, trees, fleet diffs) are plain functions with table-driven tests; the worker is
//!   generic over the chain and the service and tested with fakes of both.
//! - HTTP is plain HTTP/1.1 over `std::net` ([`http`]): `http://` URLs only. Operators reach an
//!   HTTPS service through a local TLS-terminating proxy.
//! - State is in memory: a restarted worker reads the service from the first reading again and
//!   rebuilds the same ledger and trees. The ledger keeps about 300 bytes a car, a tree about 120
//!   bytes a leaf while its batch is in flight (the newest accepted one until the next).

pub mod batch;
pub mod follower;
pub mod http;
pub mod ledger;
pub mod rules;
pub mod snapshot;
pub mod telematics;
pub mod types;
pub mod worker;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod worker_tests;
