//! The ledger: every car's accepted kilometres by day, and the batch weights they give.
//!
//! Readings are applied one by one in the service's `seq` order ([`Ledger::apply`]): each is
//! checked by [`crate::rules::check_reading`] against the car's last accepted reading; the
//! kilometres of an accepted one go to the day of its `timestamp_ms` (the car's clock), a refused
//! one is kept with its reason (the last [`MAX_REJECTED`] per car) for the owner to see.
//! [`Ledger::weights`] turns the days into a batch's leaves.
//!
//! A record of the service that cannot be a reading ([`Quarantined`]: an odometer beyond `u32`,
//! a malformed field, a vehicle id that does not read) is applied in its place in the sequence too
//! ([`Ledger::apply_record`], [`Ledger::quarantine`]): it changes no car's odometer or days. One
//! that names a car is kept with the car's refused readings, with its reason
//! ([`RejectReason::OdometerOutOfRange`], [`RejectReason::MalformedReading`]), for the owner to
//! see; one that names no car goes to the ledger's quarantine list (the last
//! [`MAX_QUARANTINED`], and a count of all), for the operator.
//!
//! Operators that apply the same records in the same order hold the same ledger: nothing here
//! depends on when a record is applied, only on the records before it.
//!
//! ## Implementation notes
//!
//! A car keeps the days within [`WINDOW_DAYS`] of the newest day it was credited on: about 30
//! `(day, km)` pairs, 240 bytes. A reading timed on an older day (a car whose clock went back) is
//! accepted, moving the odometer, but its kilometres count for no day. A car whose clock runs days
//! ahead of the chain's credits days that the batches' windows reach only later, and may lose
//! the days a window needs: its own clock's fault, the same for every operator.
//!
//! The last accepted reading's time is the latest `timestamp_ms` accepted so far, not the last
//! one's: a reading timed in the past cannot open a longer interval, and so a larger plausible
//! distance, for the next one.

use std::collections::{BTreeMap, HashMap, VecDeque};

use codec::{Decode, Encode};
use sp_arithmetic::Perbill;

use crate::{
	rules::check_reading,
	telematics::{Quarantined, Record},
	types::{day_of, Day, Km, Reading, RegistryEntry, RejectReason, Rules, VehicleId, WINDOW_DAYS},
};

/// The refused readings kept per car, the newest.
pub const MAX_REJECTED: usize = 16;

/// The quarantined records naming no car kept, the newest.
pub const MAX_QUARANTINED: usize = 64;

/// A reading the rules refused, kept for the car's owner.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct RejectedReading {
	/// The service's sequence number.
	pub seq: u64,
	/// The odometer it reported.
	pub odometer: Km,
	/// The car's clock when it took it.
	pub timestamp_ms: u64,
	/// Why it was refused.
	pub reason: RejectReason,
}

/// A quarantined record that names no car, kept for the operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct QuarantinedRecord {
	/// The service's sequence number.
	pub seq: u64,
	/// When the service received it (raised to the running maximum).
	pub received_ms: u64,
	/// Why: [`RejectReason::BadVehicleId`].
	pub reason: RejectReason,
}

/// What the ledger knows of one car.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Car {
	last: Option<(Km, u64)>,
	// Ascending by day, all within `WINDOW_DAYS` of the last one; no day with 0 km.
	days: Vec<(Day, Km)>,
	rejected: VecDeque<RejectedReading>,
}

impl Car {
	/// The last accepted odometer and the latest accepted `timestamp_ms`.
	pub fn last(&self) -> Option<(Km, u64)> {
		self.last
	}

	/// The accepted kilometres by day, ascending, over the last [`WINDOW_DAYS`] days credited.
	pub fn days(&self) -> &[(Day, Km)] {
		&self.days
	}

	/// The last refused readings, oldest first.
	pub fn rejected(&self) -> impl Iterator<Item = &RejectedReading> {
		self.rejected.iter()
	}

	/// `Σ min(km of day d, daily_cap)` over days `d` in `[first, last]`.
	pub fn capped_km(&self, first: Day, last: Day, daily_cap: Km) -> u64 {
		self.days
			.iter()
			.filter(|(day, _)| (first..=last).contains(day))
			.map(|(_, km)| u64::from((*km).min(daily_cap)))
			.sum()
	}

	fn reject(&mut self, rejected: RejectedReading) {
		if self.rejected.len() == MAX_REJECTED {
			self.rejected.pop_front();
		}
		self.rejected.push_back(rejected);
	}

	fn credit(&mut self, day: Day, km: Km) {
		let newest = self.days.last().map_or(day, |(last, _)| day.max(*last));
		let oldest = newest.saturating_sub(WINDOW_DAYS - 1);
		if km == 0 || day < oldest {
			return;
		}
		match self.days.binary_search_by_key(&day, |(day, _)| *day) {
			Ok(at) => self.days[at].1 = self.days[at].1.saturating_add(km),
			Err(at) => self.days.insert(at, (day, km)),
		}
		let stale = self.days.partition_point(|(day, _)| *day < oldest);
		self.days.drain(..stale);
	}
}

/// Every car's accepted kilometres by day, under the chain's [`Rules`], and the quarantined
/// records that name no car.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
	rules: Rules,
	cars: HashMap<VehicleId, Car>,
	quarantined: VecDeque<QuarantinedRecord>,
	quarantined_total: u64,
	rejected_total: u64,
}

impl Ledger {
	/// An empty ledger under `rules`.
	pub fn new(rules: Rules) -> Self {
		Self {
			rules,
			cars: HashMap::new(),
			quarantined: VecDeque::new(),
			quarantined_total: 0,
			rejected_total: 0,
		}
	}

	/// The rules readings are checked and days capped by.
	pub fn rules(&self) -> &Rules {
		&self.rules
	}

	/// Applies the next reading in `seq` order: the kilometres it adds (0 for a car's first,
	/// its baseline), or why it was refused (it is then kept for the owner).
	pub fn apply(&mut self, reading: &Reading) -> Result<Km, RejectReason> {
		let car = self.cars.entry(reading.vehicle).or_default();
		match check_reading(car.last, reading.odometer, reading.timestamp_ms, &self.rules) {
			Ok(distance) => {
				let latest =
					car.last.map_or(reading.timestamp_ms, |(_, at)| at.max(reading.timestamp_ms));
				car.last = Some((reading.odometer, latest));
				car.credit(day_of(reading.timestamp_ms), distance);
				Ok(distance)
			},
			Err(reason) => {
				car.reject(RejectedReading {
					seq: reading.seq,
					odometer: reading.odometer,
					timestamp_ms: reading.timestamp_ms,
					reason,
				});
				self.rejected_total += 1;
				Err(reason)
			},
		}
	}

	/// Applies the next record in `seq` order: a reading as [`Ledger::apply`] does, a quarantined
	/// one as [`Ledger::quarantine`] does (its reason is then the error).
	pub fn apply_record(&mut self, record: &Record) -> Result<Km, RejectReason> {
		match record {
			Record::Reading(reading) => self.apply(reading),
			Record::Quarantined(quarantined) => {
				self.quarantine(quarantined);
				Err(quarantined.reason)
			},
		}
	}

	/// Keeps a quarantined record, in its place in `seq` order: with its car's refused readings
	/// (its odometer saturated at `Km::MAX`) when it names one, in the quarantine list otherwise.
	/// No car's odometer or days change.
	pub fn quarantine(&mut self, record: &Quarantined) {
		match record.vehicle {
			Some(vehicle) => {
				self.cars.entry(vehicle).or_default().reject(RejectedReading {
					seq: record.seq,
					odometer: record.odometer,
					timestamp_ms: record.timestamp_ms,
					reason: record.reason,
				});
				self.rejected_total += 1;
			},
			None => {
				if self.quarantined.len() == MAX_QUARANTINED {
					self.quarantined.pop_front();
				}
				self.quarantined.push_back(QuarantinedRecord {
					seq: record.seq,
					received_ms: record.received_ms,
					reason: record.reason,
				});
				self.quarantined_total += 1;
			},
		}
	}

	/// The leaves of a batch cut off at `close_ms` over `registry`: each car active by
	/// `close_ms` weighs `behaviour × Σ min(km of day d, daily cap)` over the [`WINDOW_DAYS`]
	/// days ending with `close_ms`'s day, days before its activation day left out, `behaviour`
	/// its factor in `factors` (the service's at the cut-off; a clean record, 100 %, for a car
	/// not listed). Only cars of weight > 0, in ascending vehicle id order (the tree puts them in
	/// its own order).
	pub fn weights(
		&self,
		close_ms: u64,
		registry: &[RegistryEntry],
		factors: &BTreeMap<VehicleId, Perbill>,
	) -> Vec<(VehicleId, u64)> {
		let last = day_of(close_ms);
		let first = last.saturating_sub(WINDOW_DAYS - 1);
		let mut weights: Vec<_> = registry
			.iter()
			.filter(|entry| entry.activation_ms <= close_ms)
			.filter_map(|entry| {
				let car = self.cars.get(&entry.vehicle)?;
				let from = first.max(day_of(entry.activation_ms));
				let km = car.capped_km(from, last, self.rules.daily_cap_km);
				let behaviour = factors.get(&entry.vehicle).copied().unwrap_or(Perbill::one());
				let weight = behaviour.mul_floor(km);
				(weight > 0).then_some((entry.vehicle, weight))
			})
			.collect();
		weights.sort_unstable_by_key(|(vehicle, _)| *vehicle);
		weights
	}

	/// How many readings were refused so far (those no longer kept included): a snapshot of
	/// the refused readings taken at the same count is still whole.
	pub fn rejected_total(&self) -> u64 {
		self.rejected_total
	}

	/// Every car's last refused readings, oldest first: only the cars with some.
	pub fn rejected_by_car(&self) -> BTreeMap<VehicleId, Vec<RejectedReading>> {
		self.cars
			.iter()
			.filter(|(_, car)| !car.rejected.is_empty())
			.map(|(vehicle, car)| (*vehicle, car.rejected().copied().collect()))
			.collect()
	}

	/// `vehicle`'s last refused readings, oldest first.
	pub fn rejected(&self, vehicle: &VehicleId) -> Vec<RejectedReading> {
		self.cars.get(vehicle).map(|car| car.rejected().copied().collect()).unwrap_or_default()
	}

	/// What the ledger knows of `vehicle`.
	pub fn car(&self, vehicle: &VehicleId) -> Option<&Car> {
		self.cars.get(vehicle)
	}

	/// The last quarantined records that name no car, oldest first.
	pub fn quarantined(&self) -> Vec<QuarantinedRecord> {
		self.quarantined.iter().copied().collect()
	}

	/// How many quarantined records named no car, those no longer kept included.
	pub fn quarantined_total(&self) -> u64 {
		self.quarantined_total
	}

	/// The number of cars with a record (a reading, or a quarantined record naming it).
	pub fn len(&self) -> usize {
		self.cars.len()
	}

	/// Whether no car has a record yet.
	pub fn is_empty(&self) -> bool {
		self.cars.is_empty()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::types::{DAY_MS, HOUR_MS};
	use sp_arithmetic::Perbill;

	const RULES: Rules = Rules { daily_cap_km: 500, max_speed_kmh: 200, tolerance_km: 2 };
	const DAY0: u64 = 20_000 * DAY_MS;

	fn id(byte: u8) -> VehicleId {
		[byte; 32]
	}

	fn reading(seq: u64, car: u8, odometer: Km, timestamp_ms: u64) -> Reading {
		Reading { seq, vehicle: id(car), odometer, timestamp_ms, received_ms: timestamp_ms }
	}

	fn entry(car: u8, activation_ms: u64) -> RegistryEntry {
		RegistryEntry {
			vehicle: id(car),
			owner: id(100 + car),
			activation_ms,
			owner_since_ms: 0,
			version: 0,
		}
	}

	/// Behaviour factors: `(car, percent)`.
	fn factors(cars: &[(u8, u32)]) -> BTreeMap<VehicleId, Perbill> {
		cars.iter().map(|(car, percent)| (id(*car), Perbill::from_percent(*percent))).collect()
	}

	/// Applies `(odometer, timestamp)` readings of car 1; the results.
	fn drive(ledger: &mut Ledger, readings: &[(Km, u64)]) -> Vec<Result<Km, RejectReason>> {
		(1..)
			.zip(readings)
			.map(|(seq, (km, at))| ledger.apply(&reading(seq, 1, *km, *at)))
			.collect()
	}

	#[test]
	fn readings_are_checked_against_the_last_accepted_one() {
		use RejectReason::*;
		let mut ledger = Ledger::new(RULES);
		let results = drive(
			&mut ledger,
			&[
				(1_000, DAY0),
				(1_100, DAY0 + HOUR_MS),
				(1_050, DAY0 + 2 * HOUR_MS),
				(9_000, DAY0 + 2 * HOUR_MS),
				(1_300, DAY0 + 2 * HOUR_MS),
				// Timed before the latest accepted one: only the tolerance.
				(1_302, DAY0),
				(1_303, DAY0 + 2 * HOUR_MS),
			],
		);
		assert_eq!(
			results,
			vec![
				Ok(0),
				Ok(100),
				Err(OdometerDecreased),
				Err(ImplausibleIncrement),
				Ok(200),
				Ok(2),
				Ok(1)
			]
		);
		let car = ledger.car(&id(1)).unwrap();
		assert_eq!(car.last(), Some((1_303, DAY0 + 2 * HOUR_MS)));
		assert_eq!(car.days(), &[(20_000, 303)]);
		assert_eq!(
			ledger.rejected(&id(1)),
			vec![
				RejectedReading {
					seq: 3,
					odometer: 1_050,
					timestamp_ms: DAY0 + 2 * HOUR_MS,
					reason: OdometerDecreased
				},
				RejectedReading {
					seq: 4,
					odometer: 9_000,
					timestamp_ms: DAY0 + 2 * HOUR_MS,
					reason: ImplausibleIncrement
				},
			]
		);
		assert_eq!((ledger.rejected(&id(2)), ledger.car(&id(2))), (vec![], None));
		assert_eq!(ledger.len(), 1);
	}

	#[test]
	fn only_the_last_refused_readings_are_kept() {
		let mut ledger = Ledger::new(RULES);
		ledger.apply(&reading(1, 1, 1_000, DAY0)).unwrap();
		for seq in 2..40 {
			assert!(ledger.apply(&reading(seq, 1, 10, DAY0)).is_err());
		}
		let kept: Vec<u64> = ledger.rejected(&id(1)).iter().map(|r| r.seq).collect();
		assert_eq!(kept, (24..40).collect::<Vec<_>>());
	}

	fn garbage(seq: u64, car: Option<u8>, odometer: Km, reason: RejectReason) -> Record {
		Record::Quarantined(Quarantined {
			seq,
			vehicle: car.map(id),
			odometer,
			timestamp_ms: DAY0 + seq,
			received_ms: DAY0 + seq,
			reason,
		})
	}

	#[test]
	fn quarantined_records_are_kept_and_change_nothing() {
		use RejectReason::*;
		// The same readings of car 1 with garbage around them.
		let records = [
			garbage(1, Some(2), 5, MalformedReading),
			Record::Reading(reading(2, 1, 1_000, DAY0 + HOUR_MS)),
			garbage(3, Some(1), Km::MAX, OdometerOutOfRange),
			garbage(4, None, 7, BadVehicleId),
			Record::Reading(reading(5, 1, 1_010, DAY0 + 2 * HOUR_MS)),
			garbage(6, Some(1), 0, MalformedReading),
			Record::Reading(reading(7, 1, 900, DAY0 + 3 * HOUR_MS)),
			Record::Reading(reading(8, 1, 1_020, DAY0 + 3 * HOUR_MS)),
		];
		let mut ledger = Ledger::new(RULES);
		let results: Vec<_> = records.iter().map(|record| ledger.apply_record(record)).collect();
		assert_eq!(
			results,
			vec![
				Err(MalformedReading),
				Ok(0),
				Err(OdometerOutOfRange),
				Err(BadVehicleId),
				Ok(10),
				Err(MalformedReading),
				Err(OdometerDecreased),
				Ok(10)
			]
		);
		// Car 1 drove as if the garbage had never been there.
		let mut without = Ledger::new(RULES);
		for (seq, km, hours) in [(2, 1_000, 1), (5, 1_010, 2), (8, 1_020, 3)] {
			without.apply(&reading(seq, 1, km, DAY0 + hours * HOUR_MS)).unwrap();
		}
		let (car, clean) = (ledger.car(&id(1)).unwrap(), without.car(&id(1)).unwrap());
		assert_eq!((car.last(), car.days()), (clean.last(), clean.days()));
		assert_eq!(car.days(), &[(20_000, 20)]);
		let registry = [entry(1, 0), entry(2, 0)];
		assert_eq!(ledger.weights(DAY0 + DAY_MS, &registry, &factors(&[])), vec![(id(1), 20)]);
		// The owner sees every refusal in order, with its reason.
		let reasons: Vec<(u64, Km, RejectReason)> =
			ledger.rejected(&id(1)).iter().map(|r| (r.seq, r.odometer, r.reason)).collect();
		assert_eq!(
			reasons,
			vec![
				(3, Km::MAX, OdometerOutOfRange),
				(6, 0, MalformedReading),
				(7, 900, OdometerDecreased)
			]
		);
		// Car 2 has only garbage: refused readings, no odometer, no weight.
		assert_eq!(ledger.rejected(&id(2))[0].reason, MalformedReading);
		assert_eq!(ledger.car(&id(2)).unwrap().last(), None);
		// The record naming no car is in the quarantine list.
		assert_eq!(
			ledger.quarantined(),
			vec![QuarantinedRecord { seq: 4, received_ms: DAY0 + 4, reason: BadVehicleId }]
		);
		assert_eq!((ledger.quarantined_total(), ledger.len()), (1, 2));
	}

	#[test]
	fn only_the_last_quarantined_records_are_kept() {
		let mut ledger = Ledger::new(RULES);
		for seq in 1..=100 {
			ledger.apply_record(&garbage(seq, None, 1, RejectReason::BadVehicleId)).unwrap_err();
		}
		let kept: Vec<u64> = ledger.quarantined().iter().map(|r| r.seq).collect();
		assert_eq!(kept, (37..=100).collect::<Vec<_>>());
		assert_eq!((ledger.quarantined_total(), ledger.len()), (100, 0));
		// A car's quarantined readings share its bound with the refused ones.
		for seq in 1..40 {
			let reason = RejectReason::OdometerOutOfRange;
			ledger.apply_record(&garbage(seq, Some(1), Km::MAX, reason)).unwrap_err();
		}
		let kept: Vec<u64> = ledger.rejected(&id(1)).iter().map(|r| r.seq).collect();
		assert_eq!(kept, (24..40).collect::<Vec<_>>());
	}

	#[test]
	fn days_are_kept_within_the_window_of_the_newest() {
		let mut ledger = Ledger::new(RULES);
		let day = |d: u64| DAY0 + d * DAY_MS;
		drive(
			&mut ledger,
			&[
				(0, day(0)),
				(10, day(0) + HOUR_MS),
				(30, day(1)),
				(60, day(29)),
				// Day 30: day 0 falls out of the window.
				(100, day(30)),
				// Back on day 1 (the clock went back): credited, within the window.
				(101, day(1)),
				// Back on day 0: accepted, credited to no day.
				(103, day(0)),
				(200, day(40)),
			],
		);
		let car = ledger.car(&id(1)).unwrap();
		assert_eq!(car.last(), Some((200, day(40))));
		assert_eq!(car.days(), &[(20_029, 30), (20_030, 40), (20_040, 97)]);
		assert_eq!(car.capped_km(20_030, 20_040, 50), 40 + 50);
		assert_eq!(car.capped_km(0, u32::MAX, 1_000), 167);
	}

	#[test]
	fn weights_sum_capped_days_of_the_window_from_activation() {
		let day = |d: u64| DAY0 + d * DAY_MS;
		// `(car, odometer, timestamp)`. Car 1: 100 km a day on days 1 to 40, in readings of 20 km
		// from 4:00 to 20:00. Car 2: 700 km on day 35 alone (capped at 500). Car 3: no kilometres.
		// Car 4: 50 km on day 39. Car 9: 50 km, not registered.
		let mut readings = vec![(1, 0, day(0)), (2, 0, day(30)), (3, 5, day(1))];
		for d in 1..=40 {
			for k in 1..=5 {
				readings.push((1, (100 * (d - 1) + 20 * k) as Km, day(d) + k * 4 * HOUR_MS));
			}
		}
		readings.extend([
			(2, 700, day(35)),
			(3, 5, day(36)),
			(4, 0, day(38)),
			(4, 50, day(39)),
			(9, 0, day(38)),
			(9, 50, day(39)),
		]);
		readings.sort_by_key(|(_, _, at)| *at);
		let mut readings =
			(1..).zip(readings).map(|(seq, (car, km, at))| reading(seq, car, km, at)).peekable();
		let registry = [entry(4, 0), entry(3, 0), entry(2, day(35) + 5), entry(1, day(10))];
		// Car 2 at half (a violation, say): the service's factors at the cut-off.
		let half = factors(&[(2, 50)]);
		let mut ledger = Ledger::new(RULES);
		let table = [
			// (close, expected), ascending: the readings up to each close are applied first.
			(day(0), vec![]),
			// Car 1 is active from day 10 only.
			(day(5), vec![]),
			(day(10) + 23 * HOUR_MS, vec![(id(1), 100)]),
			// Car 1: days 10 to 34 (day 35's readings come later in the day). Car 2 is not active
			// yet, then is, 5 ms into day 35: its day counts, at half.
			(day(35) + 4, vec![(id(1), 2_500)]),
			(day(35) + HOUR_MS, vec![(id(1), 2_500), (id(2), 250)]),
			// Days 11 to 40 for car 1 (30 days).
			(day(40) + 23 * HOUR_MS, vec![(id(1), 3_000), (id(2), 250), (id(4), 50)]),
			// Days 36 to 65: car 2's day 35 is out.
			(day(65), vec![(id(1), 500), (id(4), 50)]),
			(day(70), vec![]),
		];
		for (close, expected) in table {
			while let Some(reading) = readings.next_if(|reading| reading.timestamp_ms <= close) {
				ledger.apply(&reading).unwrap();
			}
			assert_eq!(ledger.weights(close, &registry, &half), expected, "{close}");
		}
		// The behaviour factor floors the window's sum (999), not each day's (30 × 33).
		let close = day(40) + 23 * HOUR_MS;
		let third = [(id(1), Perbill::from_rational(1u32, 3))].into();
		assert_eq!(ledger.weights(close, &[entry(1, 0)], &third), vec![(id(1), 999)]);
		assert_eq!(ledger.weights(close, &[entry(1, 0)], &factors(&[(1, 0)])), vec![]);
		// A factor of a car not in the registry changes nothing.
		assert_eq!(
			ledger.weights(close, &[entry(1, 0)], &factors(&[(2, 0)])),
			vec![(id(1), 3_000)]
		);
	}
}
