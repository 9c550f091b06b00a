//! The telematics service's API: the paths an operator asks for and the parsing of the answers.
//!
//! The service (`scripts/telematics-sim` for development, `docs/committed-mileage.md`) answers,
//! in JSON:
//!
//! - `GET /readings?after=SEQ&limit=N`: `{"readings": [{"seq", "vehicle", "odometer_km",
//!   "timestamp_ms", "received_ms"}], "next": <last seq served>, "now_ms": <service clock>}`, at
//!   most `N` readings with `seq > SEQ`, oldest first ([`parse_page`]);
//! - `GET /fleet`: `{"vehicles": [{"vehicle", "owner", "owner_since_ms", "activation_ms"}],
//!   "now_ms"}` ([`parse_fleet`]; other fields, such as `behaviour_ppm`, are not read);
//! - `GET /salt?batch=N`: `{"batch": N, "salt": "0x…"}` ([`parse_salt`]);
//! - `GET /behaviour?at_ms=T`: `{"at_ms": T, "factors": [{"vehicle", "behaviour_ppm"}]}`, the
//!   behaviour factors in force at `T` of the cars below a clean record ([`parse_behaviour`]):
//!   a batch's weights take the factors at its cut-off. They never go on chain.
//!
//! Ids, owners and salts are `0x` + 64 hex digits. Unknown fields are ignored.
//!
//! ## Garbage
//!
//! One garbage record never stops an operator. A record of readings or an entry of the fleet is
//! judged alone, from its own fields, so every operator reading the same service judges it the
//! same, whatever page it came in, whatever the page limits, before or after a restart:
//!
//! - a reading whose vehicle id does not read, whose odometer does not fit `u32` (the chain's
//!   kilometres: 5,000,000,000 km is out of range, not a page error) or whose times are not whole
//!   milliseconds is quarantined ([`Record::Quarantined`], with a [`RejectReason`]) in its place
//!   in the sequence, and the cursor moves past it;
//! - a `seq` served twice in an answer keeps its first record; a `received_ms` below the one
//!   before it is raised to it ([`clamp_received`]);
//! - a malformed entry of the fleet, and every entry of a car listed twice, is left out and
//!   reported ([`Fleet::skipped`]).
//!
//! Only an answer that is unusable whole is refused, nothing of it used: a body that is not the
//! expected JSON, a page whose `next` goes back, a salt for another batch.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;
use sp_arithmetic::Perbill;
use valley_merkle_sum::Salt;

use crate::types::{Km, Reading, RegistryEntry, RejectReason, VehicleId};

/// The most readings a page asks for (the service's maximum).
pub const PAGE_LIMIT: u32 = 500;

/// The path of the fleet.
pub const FLEET_PATH: &str = "/fleet";

/// The path of the service's health.
pub const HEALTH_PATH: &str = "/health";

/// The path and query of at most `limit` readings after sequence number `after`.
pub fn readings_path(after: u64, limit: u32) -> String {
	format!("/readings?after={after}&limit={limit}")
}

/// The path and query of batch `batch`'s salt.
pub fn salt_path(batch: u64) -> String {
	format!("/salt?batch={batch}")
}

/// Parses `0x` + 64 hex digits (either case).
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
	let digits = text.strip_prefix("0x")?.as_bytes();
	if digits.len() != 64 {
		return None;
	}
	let mut out = [0u8; 32];
	for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
		*byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
	}
	Some(out)
}

fn hex_digit(digit: u8) -> Option<u8> {
	match digit {
		b'0'..=b'9' => Some(digit - b'0'),
		b'a'..=b'f' => Some(digit - b'a' + 10),
		b'A'..=b'F' => Some(digit - b'A' + 10),
		_ => None,
	}
}

/// `0x` + 64 lowercase hex digits.
pub fn to_hex32(bytes: &[u8; 32]) -> String {
	let mut out = String::with_capacity(66);
	out.push_str("0x");
	for byte in bytes {
		out.push_str(&format!("{byte:02x}"));
	}
	out
}

/// What a JSON value is, as a field that should hold a non-negative whole number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Number {
	/// A whole number that fits `u64`.
	Whole(u64),
	/// A whole number below 0.
	Negative,
	/// A whole number beyond `u64::MAX`.
	TooLarge,
	/// Missing, not a number, or not whole (`1.5`, `5e9`).
	Malformed,
}

/// The same for every feature set of `serde_json` (with or without `arbitrary_precision`, which
/// the node's build turns on): integer literals are whole numbers, everything else is malformed
/// unless it is a whole number that does not fit `u64` either way.
fn number(value: Option<&Value>) -> Number {
	let Some(value) = value else { return Number::Malformed };
	if let Some(whole) = value.as_u64() {
		return Number::Whole(whole);
	}
	if value.as_i64().is_some() {
		return Number::Negative;
	}
	match value.as_f64() {
		Some(float) if float.fract() == 0.0 && float < 0.0 => Number::Negative,
		// 2^64: a whole number this large is written with more digits than fit `u64`.
		Some(float) if float.fract() == 0.0 && float >= 18_446_744_073_709_551_616.0 => {
			Number::TooLarge
		},
		_ => Number::Malformed,
	}
}

fn text<'a>(value: &'a Value, field: &str) -> Option<&'a str> {
	value.get(field)?.as_str()
}

/// A record of the service that cannot be a reading: quarantined with its reason, in its place in
/// the sequence. The rules never see it; the ledger keeps it for the car's owner, or in its
/// quarantine list when it names no car ([`crate::ledger::Ledger::quarantine`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quarantined {
	/// The service's sequence number.
	pub seq: u64,
	/// The car it names, when its id reads (`None`: [`RejectReason::BadVehicleId`]).
	pub vehicle: Option<VehicleId>,
	/// The odometer it reported, saturated at `Km::MAX`; 0 when negative or malformed.
	pub odometer: Km,
	/// The car's clock when it took it; 0 when malformed.
	pub timestamp_ms: u64,
	/// The service's clock when it received it (0 when malformed), raised to the running maximum
	/// like every record's ([`clamp_received`]).
	pub received_ms: u64,
	/// Why it is quarantined: [`RejectReason::BadVehicleId`], [`RejectReason::OdometerOutOfRange`]
	/// or [`RejectReason::MalformedReading`], checked in that order.
	pub reason: RejectReason,
}

/// One record of the service's sequence, as the operator takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
	/// A well-formed reading, for the rules to check.
	Reading(Reading),
	/// A record that cannot be a reading.
	Quarantined(Quarantined),
}

impl Record {
	/// The service's sequence number.
	pub fn seq(&self) -> u64 {
		match self {
			Self::Reading(reading) => reading.seq,
			Self::Quarantined(record) => record.seq,
		}
	}

	/// The service's clock when it received the record (after [`clamp_received`]).
	pub fn received_ms(&self) -> u64 {
		match self {
			Self::Reading(reading) => reading.received_ms,
			Self::Quarantined(record) => record.received_ms,
		}
	}

	fn received_ms_mut(&mut self) -> &mut u64 {
		match self {
			Self::Reading(reading) => &mut reading.received_ms,
			Self::Quarantined(record) => &mut record.received_ms,
		}
	}

	/// The record's car, when it names one.
	pub fn vehicle(&self) -> Option<&VehicleId> {
		match self {
			Self::Reading(reading) => Some(&reading.vehicle),
			Self::Quarantined(record) => record.vehicle.as_ref(),
		}
	}
}

/// The record `seq` of an answer: a reading, or quarantined with the first reason that applies.
fn record(seq: u64, raw: &Value) -> Record {
	let vehicle = text(raw, "vehicle").and_then(parse_hex32);
	let whole = |field| match number(raw.get(field)) {
		Number::Whole(whole) => Some(whole),
		_ => None,
	};
	let (timestamp_ms, received_ms) = (whole("timestamp_ms"), whole("received_ms"));
	let odometer = number(raw.get("odometer_km"));
	let reason = match (vehicle, odometer) {
		(None, _) => Some(RejectReason::BadVehicleId),
		(_, Number::Whole(km)) if km > u64::from(Km::MAX) => Some(RejectReason::OdometerOutOfRange),
		(_, Number::Negative | Number::TooLarge) => Some(RejectReason::OdometerOutOfRange),
		(_, Number::Malformed) => Some(RejectReason::MalformedReading),
		_ if timestamp_ms.is_none() || received_ms.is_none() => {
			Some(RejectReason::MalformedReading)
		},
		_ => None,
	};
	let km = match odometer {
		Number::Whole(km) => Km::try_from(km).unwrap_or(Km::MAX),
		Number::TooLarge => Km::MAX,
		Number::Negative | Number::Malformed => 0,
	};
	let (timestamp_ms, received_ms) = (timestamp_ms.unwrap_or(0), received_ms.unwrap_or(0));
	match (reason, vehicle) {
		(None, Some(vehicle)) => {
			Record::Reading(Reading { seq, vehicle, odometer: km, timestamp_ms, received_ms })
		},
		(reason, vehicle) => Record::Quarantined(Quarantined {
			seq,
			vehicle,
			odometer: km,
			timestamp_ms,
			received_ms,
			reason: reason.unwrap_or(RejectReason::BadVehicleId),
		}),
	}
}

#[derive(Deserialize)]
struct RawPage {
	readings: Vec<Value>,
	next: u64,
	now_ms: u64,
}

/// A page of readings, as [`parse_page`] takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
	/// The records after the cursor asked from, in sequence order, one per `seq`; their
	/// `received_ms` as served (see [`clamp_received`]).
	pub records: Vec<Record>,
	/// The cursor to ask from next: the last record's `seq`, the cursor asked from if none.
	pub next: u64,
	/// The service's clock when it answered.
	pub now_ms: u64,
	/// How many records the answer held, all included: an answer with fewer than the limit asked
	/// for had nothing more when it was given.
	pub served: usize,
	/// Records after the cursor dropped because a record served before them in the answer has
	/// the same `seq`.
	pub duplicates: usize,
	/// Records without a `seq` (missing, or not a `u64`): they have no place in the sequence
	/// and are ignored.
	pub unreadable: usize,
}

/// Why a page of readings cannot be used; nothing of it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageError {
	/// The body is not the expected JSON: not an object with `readings` (an array), `next` and
	/// `now_ms` (`u64`s).
	MalformedJson,
	/// The page says it ends before records it contains, or before the cursor it was asked
	/// from: the service is inconsistent.
	CursorWentBack {
		/// The page's `next`.
		next: u64,
	},
}

/// The records of a page asked for after cursor `after`, in sequence order, without those at or
/// before the cursor (a service may serve some again).
///
/// One garbage record never refuses a page: each record is judged alone, from its own fields
/// only, so every operator judges it the same whatever page it came in.
///
/// - A record whose vehicle id does not read, whose odometer is not a whole number of
///   kilometres that fits `u32`, or whose times are not whole milliseconds is
///   [`Record::Quarantined`] with its reason, in its place in the sequence.
/// - A record whose `seq` repeats one served before it in the answer is dropped: the first
///   one wins (a copy served after the cursor moved past its `seq` is dropped anyway, so the
///   second copy may be seen or not depending on the pages: it must change nothing).
/// - A record without a `seq` is ignored (counted in [`Page::unreadable`]).
///
/// `received_ms` is taken as served: [`clamp_received`] makes it non-decreasing.
///
/// Only an answer that is unusable whole is refused: a body that is not the expected JSON, or
/// a `next` before its last record or the cursor.
pub fn parse_page(body: &[u8], after: u64) -> Result<Page, PageError> {
	let page: RawPage = serde_json::from_slice(body).map_err(|_| PageError::MalformedJson)?;
	let served = page.readings.len();
	let mut unreadable = 0;
	let mut records = Vec::with_capacity(served);
	for raw in &page.readings {
		let Some(seq) = raw.get("seq").and_then(Value::as_u64) else {
			unreadable += 1;
			continue;
		};
		if seq > after {
			records.push(record(seq, raw));
		}
	}
	// Out-of-order answers are put back in the service's order; the sort is stable, so the
	// first served of a `seq` stays first, and is kept.
	records.sort_by_key(Record::seq);
	let before = records.len();
	records.dedup_by_key(|record| record.seq());
	let duplicates = before - records.len();
	let next = records.last().map_or(after, Record::seq);
	if page.next < next {
		return Err(PageError::CursorWentBack { next: page.next });
	}
	Ok(Page { records, next, now_ms: page.now_ms, served, duplicates, unreadable })
}

/// Raises each record's `received_ms`, in order, to the largest one before it, starting from
/// `floor` (the largest of the records before `records`); returns that running maximum after the
/// last record and how many records were raised.
///
/// The service promises that `received_ms` never decreases with `seq`; a clock stepped back (an
/// NTP correction) breaks it. Raised, a record is taken as received at the running maximum:
/// still a prefix of the sequence per cut-off (a record belongs to every batch whose cut-off is
/// at or after the running maximum, and the records after it too), and the same for every
/// operator, since the running maximum depends only on the records before it in the sequence.
/// What the clamp cannot mend is the service's other promise, that a record is received after
/// every `now_ms` answered before it: see [`crate::follower`].
pub fn clamp_received(records: &mut [Record], floor: u64) -> (u64, usize) {
	let (mut max, mut raised) = (floor, 0);
	for record in records {
		let received = record.received_ms_mut();
		if *received < max {
			*received = max;
			raised += 1;
		}
		max = *received;
	}
	(max, raised)
}

#[derive(Deserialize)]
struct RawFleet {
	vehicles: Vec<Value>,
	now_ms: u64,
}

/// The cars in the programme, as the service lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fleet {
	/// The cars, in ascending vehicle id order.
	pub vehicles: Vec<RegistryEntry>,
	/// The service's clock when it answered.
	pub now_ms: u64,
	/// The entries left out, with why: in the answer's order, then the cars listed twice in id
	/// order.
	pub skipped: Vec<FleetError>,
}

impl Fleet {
	/// The part of `registry` the fleet can be compared with: without the cars whose entries were
	/// left out (the fleet says nothing reliable about them: nothing is proposed about them),
	/// and, when an entry's vehicle id did not read (it may be any car), without the cars the
	/// fleet does not list.
	pub fn comparable(&self, registry: &[RegistryEntry]) -> Vec<RegistryEntry> {
		let skipped: BTreeSet<&VehicleId> =
			self.skipped.iter().filter_map(FleetError::vehicle).collect();
		let unidentified =
			self.skipped.iter().any(|error| matches!(error, FleetError::BadVehicleId { .. }));
		let listed = |vehicle: &VehicleId| {
			self.vehicles.binary_search_by_key(vehicle, |car| car.vehicle).is_ok()
		};
		registry
			.iter()
			.filter(|entry| !skipped.contains(&entry.vehicle))
			.filter(|entry| !unidentified || listed(&entry.vehicle))
			.cloned()
			.collect()
	}
}

/// Parts per million of a clean record: a behaviour factor of 100%.
pub const CLEAN_PPM: u64 = 1_000_000;

/// Why the fleet, or one of its entries, cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FleetError {
	/// The body is not the expected JSON: nothing of it is used.
	MalformedJson,
	/// An entry's id is not `0x` + 32 bytes of hex: left out.
	BadVehicleId {
		/// The entry's position in the answer.
		index: usize,
	},
	/// A car's owner is not `0x` + 32 bytes of hex: left out.
	BadOwner {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car is listed twice: which entry is right is unknown, all are left out.
	DuplicateVehicle {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car's `activation_ms` is missing or not a whole number, or its `owner_since_ms` not a
	/// whole number: left out.
	MalformedEntry {
		/// The car.
		vehicle: VehicleId,
	},
}

impl FleetError {
	/// The car an entry's error is about, when its id reads.
	pub fn vehicle(&self) -> Option<&VehicleId> {
		match self {
			Self::MalformedJson | Self::BadVehicleId { .. } => None,
			Self::BadOwner { vehicle }
			| Self::DuplicateVehicle { vehicle }
			| Self::MalformedEntry { vehicle } => Some(vehicle),
		}
	}
}

fn fleet_entry(index: usize, raw: &Value) -> Result<RegistryEntry, FleetError> {
	let vehicle =
		text(raw, "vehicle").and_then(parse_hex32).ok_or(FleetError::BadVehicleId { index })?;
	let owner = text(raw, "owner").and_then(parse_hex32).ok_or(FleetError::BadOwner { vehicle })?;
	let Number::Whole(activation_ms) = number(raw.get("activation_ms")) else {
		return Err(FleetError::MalformedEntry { vehicle });
	};
	// When the service recorded the owner (its sale); a service that does not say records no
	// sale the operators would propose (0: before any owner on chain took a car).
	let owner_since_ms = match raw.get("owner_since_ms") {
		None => 0,
		Some(value) => match number(Some(value)) {
			Number::Whole(ms) => ms,
			_ => return Err(FleetError::MalformedEntry { vehicle }),
		},
	};
	Ok(RegistryEntry { vehicle, owner, activation_ms, owner_since_ms, version: 0 })
}

/// The fleet, sorted by vehicle id. One bad entry never refuses the fleet: an entry that is
/// malformed, and every entry of a car listed twice, is left out and reported in
/// [`Fleet::skipped`] (and [`Fleet::comparable`] keeps the registry's side of them out of the
/// comparison). Only a body that is not the expected JSON is refused.
pub fn parse_fleet(body: &[u8]) -> Result<Fleet, FleetError> {
	let fleet: RawFleet = serde_json::from_slice(body).map_err(|_| FleetError::MalformedJson)?;
	let mut vehicles = Vec::with_capacity(fleet.vehicles.len());
	let mut skipped = Vec::new();
	// Every id that reads, the entries left out included: a car listed twice is ambiguous even
	// when one of its entries is malformed.
	let mut ids = Vec::with_capacity(fleet.vehicles.len());
	for (index, raw) in fleet.vehicles.iter().enumerate() {
		if let Some(vehicle) = text(raw, "vehicle").and_then(parse_hex32) {
			ids.push(vehicle);
		}
		match fleet_entry(index, raw) {
			Ok(entry) => vehicles.push(entry),
			Err(error) => skipped.push(error),
		}
	}
	ids.sort_unstable();
	let mut twice: Vec<VehicleId> =
		ids.windows(2).filter(|pair| pair[0] == pair[1]).map(|pair| pair[0]).collect();
	twice.dedup();
	vehicles.retain(|car| twice.binary_search(&car.vehicle).is_err());
	skipped.extend(twice.into_iter().map(|vehicle| FleetError::DuplicateVehicle { vehicle }));
	vehicles.sort_by_key(|car| car.vehicle);
	Ok(Fleet { vehicles, now_ms: fleet.now_ms, skipped })
}

#[derive(Deserialize)]
struct RawSalt {
	batch: u64,
	salt: String,
}

/// Why a batch's salt cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaltError {
	/// The body is not the expected JSON.
	MalformedJson,
	/// The answer is about another batch.
	WrongBatch {
		/// The batch it is about.
		batch: u64,
	},
	/// The salt is not `0x` + 32 bytes of hex.
	BadSalt,
}

/// Batch `batch`'s salt.
pub fn parse_salt(body: &[u8], batch: u64) -> Result<Salt, SaltError> {
	let raw: RawSalt = serde_json::from_slice(body).map_err(|_| SaltError::MalformedJson)?;
	if raw.batch != batch {
		return Err(SaltError::WrongBatch { batch: raw.batch });
	}
	parse_hex32(&raw.salt).ok_or(SaltError::BadSalt)
}

/// The path and query of the behaviour factors in force at `at_ms`.
pub fn behaviour_path(at_ms: u64) -> String {
	format!("/behaviour?at_ms={at_ms}")
}

#[derive(Deserialize)]
struct RawFactors {
	at_ms: u64,
	factors: Vec<Value>,
}

/// The behaviour factors in force at a time, as the service lists them: the cars below a clean
/// record; every other car weighs at 100 %.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Factors {
	/// Each listed car's factor.
	pub factors: BTreeMap<VehicleId, Perbill>,
	/// The entries left out (a car listed twice, an id or factor that does not read): those cars
	/// weigh at 100 %, identically for every operator.
	pub skipped: Vec<BehaviourError>,
}

/// Why the behaviour factors, or one entry of them, cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BehaviourError {
	/// The body is not the expected JSON: nothing of it is used (the batch waits).
	MalformedJson,
	/// The answer is about another time.
	WrongTime {
		/// The time it is about.
		at_ms: u64,
	},
	/// An entry's id is not `0x` + 32 bytes of hex: left out.
	BadVehicleId {
		/// The entry's position in the answer.
		index: usize,
	},
	/// A car's `behaviour_ppm` is missing, not a whole number or above 1,000,000: left out.
	BadFactor {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car is listed twice: all its entries are left out.
	DuplicateVehicle {
		/// The car.
		vehicle: VehicleId,
	},
}

/// The factors in force at `at_ms`. One bad entry never refuses the answer: it is left out (the
/// car weighs at 100 %) and reported; only a body that is not the expected JSON, or an answer
/// about another time, is refused.
pub fn parse_behaviour(body: &[u8], at_ms: u64) -> Result<Factors, BehaviourError> {
	let raw: RawFactors =
		serde_json::from_slice(body).map_err(|_| BehaviourError::MalformedJson)?;
	if raw.at_ms != at_ms {
		return Err(BehaviourError::WrongTime { at_ms: raw.at_ms });
	}
	let mut entries: BTreeMap<VehicleId, Option<Perbill>> = BTreeMap::new();
	let mut twice = BTreeSet::new();
	let mut skipped = Vec::new();
	for (index, entry) in raw.factors.iter().enumerate() {
		let Some(vehicle) = text(entry, "vehicle").and_then(parse_hex32) else {
			skipped.push(BehaviourError::BadVehicleId { index });
			continue;
		};
		let factor = match number(entry.get("behaviour_ppm")) {
			// At most 10^6 parts per million, 10^9 parts per billion: exact.
			Number::Whole(ppm) if ppm <= CLEAN_PPM => {
				Some(Perbill::from_parts((ppm * 1_000) as u32))
			},
			_ => {
				skipped.push(BehaviourError::BadFactor { vehicle });
				None
			},
		};
		if entries.insert(vehicle, factor).is_some() {
			twice.insert(vehicle);
		}
	}
	for vehicle in &twice {
		entries.remove(vehicle);
		skipped.push(BehaviourError::DuplicateVehicle { vehicle: *vehicle });
	}
	let factors = entries.into_iter().filter_map(|(id, factor)| Some((id, factor?))).collect();
	Ok(Factors { factors, skipped })
}

#[cfg(test)]
mod tests {
	use super::*;

	fn id(byte: u8) -> VehicleId {
		[byte; 32]
	}

	/// `(seq, car, km, received_ms)`, timestamps 1.
	fn json(readings: &[(u64, u8, u64, u64)], next: u64) -> Vec<u8> {
		let readings: Vec<String> = readings
			.iter()
			.map(|(seq, car, km, received)| {
				format!(
					r#"{{"seq":{seq},"vin":"LIMVALLEY","vehicle":"{}","odometer_km":{km},"timestamp_ms":1,"received_ms":{received}}}"#,
					to_hex32(&id(*car))
				)
			})
			.collect();
		format!(r#"{{"readings":[{}],"next":{next},"now_ms":99}}"#, readings.join(",")).into_bytes()
	}

	fn reading(seq: u64, car: u8, km: Km, received_ms: u64) -> Record {
		Record::Reading(Reading {
			seq,
			vehicle: id(car),
			odometer: km,
			timestamp_ms: 1,
			received_ms,
		})
	}

	/// A quarantined record of `car` (`None`: no car), timestamp 1.
	fn quarantined(
		seq: u64,
		car: Option<u8>,
		km: Km,
		received_ms: u64,
		reason: RejectReason,
	) -> Record {
		let vehicle = car.map(id);
		Record::Quarantined(Quarantined {
			seq,
			vehicle,
			odometer: km,
			timestamp_ms: 1,
			received_ms,
			reason,
		})
	}

	/// An answer holding these records, written as JSON objects' insides.
	fn raw(records: &[&str], next: u64) -> Vec<u8> {
		let records: Vec<String> = records.iter().map(|fields| format!("{{{fields}}}")).collect();
		format!(r#"{{"readings":[{}],"next":{next},"now_ms":99}}"#, records.join(",")).into_bytes()
	}

	#[test]
	fn paths() {
		assert_eq!(readings_path(0, PAGE_LIMIT), "/readings?after=0&limit=500");
		assert_eq!(readings_path(u64::MAX, 1), "/readings?after=18446744073709551615&limit=1");
		assert_eq!(salt_path(7), "/salt?batch=7");
		assert_eq!((FLEET_PATH, HEALTH_PATH), ("/fleet", "/health"));
	}

	#[test]
	fn hex_ids() {
		let table: [(String, Option<[u8; 32]>); 7] = [
			(format!("0x{}", "ab".repeat(32)), Some([0xab; 32])),
			(format!("0x{}", "AB".repeat(32)), Some([0xab; 32])),
			("ab".repeat(32), None),
			(format!("0x{}", "ab".repeat(31)), None),
			(format!("0x{}", "ab".repeat(33)), None),
			(format!("0x{}zz", "ab".repeat(31)), None),
			(format!("0X{}", "ab".repeat(32)), None),
		];
		for (text, expected) in table {
			assert_eq!(parse_hex32(&text), expected, "{text}");
		}
		let mut bytes = [0u8; 32];
		bytes[0] = 0x0f;
		bytes[31] = 0xf0;
		assert_eq!(parse_hex32(&to_hex32(&bytes)), Some(bytes));
		assert_eq!(to_hex32(&bytes), format!("0x0f{}f0", "00".repeat(30)));
	}

	#[test]
	fn a_page_parses_in_sequence_order() {
		let body = json(&[(3, 1, 100, 20), (1, 2, 50, 10), (2, 1, 90, 10)], 3);
		let page = parse_page(&body, 0).unwrap();
		assert_eq!(
			page.records,
			vec![reading(1, 2, 50, 10), reading(2, 1, 90, 10), reading(3, 1, 100, 20)]
		);
		assert_eq!((page.next, page.now_ms, page.served), (3, 99, 3));
		assert_eq!((page.duplicates, page.unreadable), (0, 0));
		// Readings at or before the cursor are not read again, but count as served.
		let page = parse_page(&body, 2).unwrap();
		assert_eq!((page.records, page.next, page.served), (vec![reading(3, 1, 100, 20)], 3, 3));
		// An empty page keeps the cursor.
		let page = parse_page(&json(&[], 7), 7).unwrap();
		assert_eq!((page.records, page.next, page.served), (vec![], 7, 0));
		// A `next` past the last reading is the service's business: the cursor is the last read.
		assert_eq!(parse_page(&json(&[(4, 1, 1, 1)], 9), 0).unwrap().next, 4);
		// The extreme values that fit.
		let page = parse_page(&json(&[(u64::MAX, 1, u64::from(u32::MAX), u64::MAX)], u64::MAX), 0);
		assert_eq!(page.unwrap().records, vec![reading(u64::MAX, 1, u32::MAX, u64::MAX)]);
	}

	#[test]
	fn unusable_answers_are_refused_whole() {
		let table: [(Vec<u8>, u64, PageError); 9] = [
			(b"".to_vec(), 0, PageError::MalformedJson),
			(b"{".to_vec(), 0, PageError::MalformedJson),
			(b"[]".to_vec(), 0, PageError::MalformedJson),
			(b"<html>busy</html>".to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":[],"next":0}"#.to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":[],"now_ms":0}"#.to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":{},"next":0,"now_ms":0}"#.to_vec(), 0, PageError::MalformedJson),
			(json(&[(8, 1, 5, 1)], 7), 0, PageError::CursorWentBack { next: 7 }),
			(json(&[], 6), 7, PageError::CursorWentBack { next: 6 }),
		];
		for (body, after, expected) in table {
			assert_eq!(parse_page(&body, after), Err(expected.clone()), "{expected:?}");
		}
		// Quarantined records count for the cursor: a `next` before one is going back.
		let body = raw(&[r#""seq":9,"vehicle":"0x12""#], 8);
		assert_eq!(parse_page(&body, 0), Err(PageError::CursorWentBack { next: 8 }));
	}

	#[test]
	fn garbage_records_are_quarantined_one_by_one() {
		use RejectReason::*;
		let car = to_hex32(&id(1));
		let fields = |seq: u64, vehicle: &str, km: &str, timestamp: &str, received: &str| {
			format!(
				r#""seq":{seq},"vehicle":"{vehicle}","odometer_km":{km},"timestamp_ms":{timestamp},"received_ms":{received}"#
			)
		};
		let ok = |seq| fields(seq, &car, "5", "1", "7");
		let zz = format!("0x{}", "zz".repeat(32));
		let q = |seq, car, km, received, reason| match quarantined(seq, car, km, received, reason) {
			Record::Quarantined(record) => record,
			Record::Reading(_) => unreachable!(),
		};
		// (the middle record, what it becomes): between two good readings, seq 1 and 3.
		let table: Vec<(String, Record)> = vec![
			(ok(2), reading(2, 1, 5, 7)),
			// The odometer of issue 26: 5,000,000,000 km.
			(
				fields(2, &car, "5000000000", "1", "7"),
				quarantined(2, Some(1), u32::MAX, 7, OdometerOutOfRange),
			),
			(
				fields(2, &car, "4294967296", "1", "7"),
				quarantined(2, Some(1), u32::MAX, 7, OdometerOutOfRange),
			),
			(fields(2, &car, "4294967295", "1", "7"), reading(2, 1, u32::MAX, 7)),
			(
				fields(2, &car, "18446744073709551615", "1", "7"),
				quarantined(2, Some(1), u32::MAX, 7, OdometerOutOfRange),
			),
			(
				fields(2, &car, "100000000000000000000", "1", "7"),
				quarantined(2, Some(1), u32::MAX, 7, OdometerOutOfRange),
			),
			(fields(2, &car, "-1", "1", "7"), quarantined(2, Some(1), 0, 7, OdometerOutOfRange)),
			(fields(2, &car, "1.5", "1", "7"), quarantined(2, Some(1), 0, 7, MalformedReading)),
			(fields(2, &car, "5e9", "1", "7"), quarantined(2, Some(1), 0, 7, MalformedReading)),
			(fields(2, &car, r#""12""#, "1", "7"), quarantined(2, Some(1), 0, 7, MalformedReading)),
			(fields(2, &car, "null", "1", "7"), quarantined(2, Some(1), 0, 7, MalformedReading)),
			(
				fields(2, &car, "5", "-1", "7"),
				Record::Quarantined(Quarantined {
					timestamp_ms: 0,
					..q(2, Some(1), 5, 7, MalformedReading)
				}),
			),
			(fields(2, &car, "5", "1", "7.5"), quarantined(2, Some(1), 5, 0, MalformedReading)),
			(
				format!(r#""seq":2,"vehicle":"{car}","odometer_km":5,"received_ms":7"#),
				Record::Quarantined(Quarantined {
					timestamp_ms: 0,
					..q(2, Some(1), 5, 7, MalformedReading)
				}),
			),
			// A record naming no car: its other fields are kept as far as they read.
			(fields(2, "0x12", "5", "1", "7"), quarantined(2, None, 5, 7, BadVehicleId)),
			(
				fields(2, &zz, "5000000000", "1", "7"),
				quarantined(2, None, u32::MAX, 7, BadVehicleId),
			),
			(
				r#""seq":2,"vehicle":7,"odometer_km":5,"timestamp_ms":1,"received_ms":7"#.into(),
				quarantined(2, None, 5, 7, BadVehicleId),
			),
			(
				r#""seq":2"#.into(),
				Record::Quarantined(Quarantined {
					seq: 2,
					vehicle: None,
					odometer: 0,
					timestamp_ms: 0,
					received_ms: 0,
					reason: BadVehicleId,
				}),
			),
		];
		for (middle, expected) in table {
			let body = raw(&[&ok(1), &middle, &ok(3)], 3);
			let page = parse_page(&body, 0).unwrap();
			assert_eq!(
				page.records,
				vec![reading(1, 1, 5, 7), expected, reading(3, 1, 5, 7)],
				"{middle}"
			);
			assert_eq!((page.next, page.served, page.duplicates, page.unreadable), (3, 3, 0, 0));
		}
		// Garbage at or before the cursor is not read.
		let body = raw(&[&fields(1, &car, "5000000000", "1", "7"), &ok(2)], 2);
		assert_eq!(parse_page(&body, 1).unwrap().records, vec![reading(2, 1, 5, 7)]);
	}

	#[test]
	fn a_repeated_seq_keeps_its_first_record_and_a_record_without_one_is_ignored() {
		let car = to_hex32(&id(1));
		let at = |seq: &str, km: u64| {
			format!(
				r#""seq":{seq},"vehicle":"{car}","odometer_km":{km},"timestamp_ms":1,"received_ms":7"#
			)
		};
		let table: Vec<(Vec<String>, u64, Vec<Record>, usize, usize)> = vec![
			// (records, cursor, expected, duplicates, unreadable)
			(vec![at("1", 5), at("1", 6)], 0, vec![reading(1, 1, 5, 7)], 1, 0),
			// The first served wins, even out of order; a garbage first copy too.
			(
				vec![at("2", 8), at("1", 5), at("2", 9)],
				0,
				vec![reading(1, 1, 5, 7), reading(2, 1, 8, 7)],
				1,
				0,
			),
			(
				vec![at("1", 5_000_000_000), at("1", 6)],
				0,
				vec![quarantined(1, Some(1), u32::MAX, 7, RejectReason::OdometerOutOfRange)],
				1,
				0,
			),
			(vec![at("3", 5), at("3", 6), at("3", 7)], 0, vec![reading(3, 1, 5, 7)], 2, 0),
			// Copies at or before the cursor are not read at all.
			(vec![at("1", 5), at("1", 6), at("2", 7)], 1, vec![reading(2, 1, 7, 7)], 0, 0),
			// No `seq`: no place in the sequence.
			(
				vec![
					at("1", 5),
					at("-1", 6),
					at(r#""2""#, 6),
					r#""vehicle":"x""#.into(),
					at("2", 7),
				],
				0,
				vec![reading(1, 1, 5, 7), reading(2, 1, 7, 7)],
				0,
				3,
			),
		];
		for (records, after, expected, duplicates, unreadable) in table {
			let records: Vec<&str> = records.iter().map(String::as_str).collect();
			let page = parse_page(&raw(&records, 9), after).unwrap();
			assert_eq!(page.records, expected, "{records:?}");
			assert_eq!(
				(page.duplicates, page.unreadable, page.served),
				(duplicates, unreadable, records.len())
			);
		}
		// Non-object records: ignored too.
		let page = parse_page(br#"{"readings":[1,"a",null,[]],"next":0,"now_ms":1}"#, 0).unwrap();
		assert_eq!((page.records, page.unreadable, page.served), (vec![], 4, 4));
	}

	#[test]
	fn received_times_are_raised_to_the_running_maximum() {
		// (received times as served, floor, as clamped, the new maximum, how many raised)
		let table: [(&[u64], u64, &[u64], u64, usize); 7] = [
			(&[], 0, &[], 0, 0),
			(&[], 50, &[], 50, 0),
			(&[10, 20, 20, 30], 0, &[10, 20, 20, 30], 30, 0),
			// A clock stepped back inside the page: the readings after are taken at 20 until
			// the clock is past it again.
			(&[10, 20, 5, 15, 25], 0, &[10, 20, 20, 20, 25], 25, 2),
			// Across pages: the floor is the last page's maximum.
			(&[10, 40, 30], 35, &[35, 40, 40], 40, 2),
			(&[0], u64::MAX, &[u64::MAX], u64::MAX, 1),
			(&[7, 0, 8], 0, &[7, 7, 8], 8, 1),
		];
		for (served, floor, clamped, max, raised) in table {
			let mut records: Vec<Record> =
				(1..).zip(served).map(|(seq, received)| reading(seq, 1, 1, *received)).collect();
			assert_eq!(clamp_received(&mut records, floor), (max, raised), "{served:?}");
			let received: Vec<u64> = records.iter().map(Record::received_ms).collect();
			assert_eq!(received, clamped, "{served:?}");
		}
		// Quarantined records are clamped alike (a malformed `received_ms` is 0 until then).
		let mut records = vec![
			reading(1, 1, 1, 10),
			quarantined(2, None, 1, 0, RejectReason::BadVehicleId),
			quarantined(3, Some(1), 1, 4, RejectReason::MalformedReading),
		];
		assert_eq!(clamp_received(&mut records, 0), (10, 2));
		assert!(records.iter().all(|record| record.received_ms() == 10));
	}

	fn fleet_json(cars: &[(u8, u8, u64, u64)]) -> Vec<u8> {
		let cars: Vec<String> = cars
			.iter()
			.map(|(car, owner, activation, ppm)| {
				format!(
					r#"{{"vehicle":"{}","owner":"{}","activation_ms":{activation},"behaviour_ppm":{ppm}}}"#,
					to_hex32(&id(*car)),
					to_hex32(&id(*owner))
				)
			})
			.collect();
		format!(r#"{{"vehicles":[{}],"now_ms":42}}"#, cars.join(",")).into_bytes()
	}

	#[test]
	fn a_fleet_parses_sorted_without_reading_factors() {
		// Behaviour factors in the fleet (even impossible ones) are not read: they come as of a
		// batch's cut-off, from `/behaviour`.
		let fleet = parse_fleet(&fleet_json(&[
			(3, 9, 100, 800_000),
			(1, 8, 0, 1_000_000),
			(2, 7, 5, 7e9 as u64),
		]))
		.unwrap();
		assert_eq!((fleet.now_ms, fleet.skipped.clone()), (42, vec![]));
		let entry = |car: u8, owner: u8, activation_ms| RegistryEntry {
			vehicle: id(car),
			owner: id(owner),
			activation_ms,
			owner_since_ms: 0,
			version: 0,
		};
		assert_eq!(fleet.vehicles, vec![entry(1, 8, 0), entry(2, 7, 5), entry(3, 9, 100)]);
		assert_eq!(parse_fleet(br#"{"vehicles":[],"now_ms":1}"#).unwrap().vehicles, vec![]);
		// When the service recorded the owner, if it says.
		let sold = format!(
			r#"{{"vehicles":[{{"vehicle":"{}","owner":"{}","owner_since_ms":77,"activation_ms":5}}],"now_ms":1}}"#,
			to_hex32(&id(1)),
			to_hex32(&id(2))
		);
		assert_eq!(parse_fleet(sold.as_bytes()).unwrap().vehicles[0].owner_since_ms, 77);
	}

	#[test]
	fn behaviour_factors_parse_and_bad_entries_are_left_out_at_100_percent() {
		use BehaviourError::*;
		let entry = |car: u8, ppm: &str| {
			format!(r#"{{"vehicle":"{}","behaviour_ppm":{ppm}}}"#, to_hex32(&id(car)))
		};
		let body = |at: u64, entries: &[String]| {
			format!(r#"{{"at_ms":{at},"factors":[{}]}}"#, entries.join(",")).into_bytes()
		};
		let parsed =
			parse_behaviour(&body(9, &[entry(3, "800000"), entry(1, "0"), entry(2, "1000000")]), 9)
				.unwrap();
		assert_eq!(
			parsed.factors,
			[(id(1), Perbill::zero()), (id(2), Perbill::one()), (id(3), Perbill::from_percent(80))]
				.into()
		);
		assert_eq!(parsed.skipped, vec![]);
		// (the bad entry put beside car 1's, what is reported)
		let table = [
			(entry(2, "1000001"), vec![BadFactor { vehicle: id(2) }]),
			(entry(2, "-1"), vec![BadFactor { vehicle: id(2) }]),
			(entry(2, "0.5"), vec![BadFactor { vehicle: id(2) }]),
			(entry(2, r#""5""#), vec![BadFactor { vehicle: id(2) }]),
			(r#"{"vehicle":"0x02","behaviour_ppm":5}"#.into(), vec![BadVehicleId { index: 1 }]),
			("7".into(), vec![BadVehicleId { index: 1 }]),
			// Car 1 twice: both left out.
			(entry(1, "5"), vec![DuplicateVehicle { vehicle: id(1) }]),
		];
		for (bad, skipped) in table {
			let parsed = parse_behaviour(&body(9, &[entry(1, "500000"), bad.clone()]), 9).unwrap();
			assert_eq!(parsed.skipped, skipped, "{bad}");
			let kept = if bad == entry(1, "5") { vec![] } else { vec![id(1)] };
			assert_eq!(parsed.factors.keys().copied().collect::<Vec<_>>(), kept, "{bad}");
		}
		// Refused whole: not the expected JSON, or about another time.
		assert_eq!(parse_behaviour(b"{}", 9), Err(MalformedJson));
		assert_eq!(parse_behaviour(&body(8, &[]), 9), Err(WrongTime { at_ms: 8 }));
		assert_eq!(behaviour_path(12), "/behaviour?at_ms=12");
	}

	#[test]
	fn a_fleet_that_is_not_json_is_refused_whole() {
		let table: [&[u8]; 5] = [
			b"",
			b"{}",
			br#"{"vehicles":[]}"#,
			br#"{"vehicles":{},"now_ms":1}"#,
			br#"{"vehicles":[],"now_ms":-1}"#,
		];
		for body in table {
			assert_eq!(parse_fleet(body), Err(FleetError::MalformedJson));
		}
	}

	#[test]
	fn bad_fleet_entries_are_left_out_one_by_one() {
		use FleetError::*;
		let entry = |fields: String| format!("{{{fields}}}");
		let car = |car: u8, owner: &str, activation: &str, ppm: &str| {
			entry(format!(
				r#""vehicle":"{}","owner":{owner},"activation_ms":{activation},"behaviour_ppm":{ppm}"#,
				to_hex32(&id(car))
			))
		};
		let owner = format!(r#""{}""#, to_hex32(&id(9)));
		let good = |byte: u8| car(byte, &owner, "5", "1000000");
		// (the entry put between cars 1 and 3, the cars kept, what is reported)
		let table: Vec<(String, Vec<u8>, Vec<FleetError>)> = vec![
			(good(2), vec![1, 2, 3], vec![]),
			(car(2, r#""0x01""#, "5", "1"), vec![1, 3], vec![BadOwner { vehicle: id(2) }]),
			(car(2, "null", "5", "1"), vec![1, 3], vec![BadOwner { vehicle: id(2) }]),
			// A factor in the fleet is not read, whatever it says.
			(car(2, &owner, "5", "1000001"), vec![1, 2, 3], vec![]),
			(car(2, &owner, r#""5""#, "1"), vec![1, 3], vec![MalformedEntry { vehicle: id(2) }]),
			(car(2, &owner, "-5", "1"), vec![1, 3], vec![MalformedEntry { vehicle: id(2) }]),
			(
				entry(format!(r#""vehicle":"{}","owner":{owner}"#, to_hex32(&id(2)))),
				vec![1, 3],
				vec![MalformedEntry { vehicle: id(2) }],
			),
			(
				entry(format!(
					r#""vehicle":"{}","owner":{owner},"activation_ms":5,"owner_since_ms":"x""#,
					to_hex32(&id(2))
				)),
				vec![1, 3],
				vec![MalformedEntry { vehicle: id(2) }],
			),
			(
				entry(format!(
					r#""vehicle":"0x01","owner":{owner},"activation_ms":5,"behaviour_ppm":1"#
				)),
				vec![1, 3],
				vec![BadVehicleId { index: 1 }],
			),
			("7".into(), vec![1, 3], vec![BadVehicleId { index: 1 }]),
			// Car 1 listed twice: both of its entries are left out, one of them malformed or not.
			(good(1), vec![3], vec![DuplicateVehicle { vehicle: id(1) }]),
			(
				car(1, &owner, r#""x""#, "1"),
				vec![3],
				vec![MalformedEntry { vehicle: id(1) }, DuplicateVehicle { vehicle: id(1) }],
			),
		];
		for (bad, kept, skipped) in table {
			let body = format!(r#"{{"vehicles":[{},{bad},{}],"now_ms":42}}"#, good(1), good(3));
			let fleet = parse_fleet(body.as_bytes()).unwrap();
			let vehicles: Vec<u8> = fleet.vehicles.iter().map(|car| car.vehicle[0]).collect();
			assert_eq!((vehicles, &fleet.skipped), (kept, &skipped), "{bad}");
			assert_eq!(fleet.now_ms, 42);
		}
		// Three entries of one car: reported once.
		let fleet =
			parse_fleet(&fleet_json(&[(1, 1, 0, 5), (2, 1, 0, 5), (1, 2, 0, 5), (1, 1, 0, 5)]));
		let fleet = fleet.unwrap();
		assert_eq!(fleet.skipped, vec![DuplicateVehicle { vehicle: id(1) }]);
		assert_eq!(fleet.vehicles.iter().map(|car| car.vehicle).collect::<Vec<_>>(), vec![id(2)]);
	}

	#[test]
	fn the_registry_is_compared_without_the_cars_left_out() {
		// The registry: cars 1 to 5.
		let registry = parse_fleet(&fleet_json(&[
			(1, 1, 0, 5),
			(2, 1, 0, 5),
			(3, 1, 0, 5),
			(4, 1, 0, 5),
			(5, 1, 0, 5),
		]))
		.unwrap()
		.vehicles;
		let ids = |entries: Vec<RegistryEntry>| -> Vec<u8> {
			entries.iter().map(|entry| entry.vehicle[0]).collect()
		};
		let bad_owner = |car: u8| {
			format!(
				r#"{{"vehicle":"{}","owner":"0x01","activation_ms":0,"behaviour_ppm":5}}"#,
				to_hex32(&id(car))
			)
		};
		let good = |car: u8| {
			format!(
				r#"{{"vehicle":"{}","owner":"{}","activation_ms":0,"behaviour_ppm":5}}"#,
				to_hex32(&id(car)),
				to_hex32(&id(1))
			)
		};
		let unreadable = r#"{"vehicle":"0x05","owner":"0x01","activation_ms":0,"behaviour_ppm":5}"#;
		// (the fleet's entries, the registry's cars compared)
		let table: Vec<(Vec<String>, Vec<u8>)> = vec![
			(vec![good(1), good(2)], vec![1, 2, 3, 4, 5]),
			// Car 2 left out: neither changed nor deregistered; the others compare as usual.
			(vec![good(1), bad_owner(2)], vec![1, 3, 4, 5]),
			(vec![good(1), good(2), good(2)], vec![1, 3, 4, 5]),
			// An id that does not read may be any car: none the fleet does not list is compared.
			(vec![good(1), good(3), unreadable.into()], vec![1, 3]),
			(vec![good(1), bad_owner(3), unreadable.into(), good(6)], vec![1]),
		];
		for (entries, compared) in table {
			let body = format!(r#"{{"vehicles":[{}],"now_ms":1}}"#, entries.join(","));
			let fleet = parse_fleet(body.as_bytes()).unwrap();
			assert_eq!(ids(fleet.comparable(&registry)), compared, "{entries:?}");
		}
	}

	#[test]
	fn salts() {
		let salt = format!(r#"{{"batch":7,"salt":"0x{}"}}"#, "5a".repeat(32));
		let table = [
			(salt.clone(), 7, Ok([0x5a; 32])),
			(salt, 8, Err(SaltError::WrongBatch { batch: 7 })),
			(r#"{"batch":7,"salt":"0x5a"}"#.to_string(), 7, Err(SaltError::BadSalt)),
			(r#"{"batch":7}"#.to_string(), 7, Err(SaltError::MalformedJson)),
			(r#"{"batch":-1,"salt":"0x"}"#.to_string(), 7, Err(SaltError::MalformedJson)),
		];
		for (body, batch, expected) in table {
			assert_eq!(parse_salt(body.as_bytes(), batch), expected, "{body}");
		}
	}
}
