//! The telematics service's API: the paths an operator asks for and the parsing of the answers.
//!
//! The service (`scripts/telematics-sim` for development, `docs/committed-mileage.md`) answers,
//! in JSON:
//!
//! - `GET /readings?after=SEQ&limit=N`: `{"readings": [{"seq", "vehicle", "odometer_km",
//!   "timestamp_ms", "received_ms"}], "next": <last seq served>, "now_ms": <service clock>}`, at
//!   most `N` readings with `seq > SEQ`, oldest first ([`parse_page`]);
//! - `GET /fleet`: `{"vehicles": [{"vehicle", "owner", "activation_ms", "behaviour_ppm"}],
//!   "now_ms"}` ([`parse_fleet`]);
//! - `GET /salt?batch=N`: `{"batch": N, "salt": "0x…"}` ([`parse_salt`]).
//!
//! Ids, owners and salts are `0x` + 64 hex digits. Unknown fields are ignored. A parser takes an
//! answer whole or refuses it whole: nothing of a refused answer is used.

use serde::Deserialize;
use sp_arithmetic::Perbill;
use valley_merkle_sum::Salt;

use crate::types::{Km, Reading, RegistryEntry, VehicleId};

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

#[derive(Deserialize)]
struct RawReading {
	seq: u64,
	vehicle: String,
	odometer_km: u64,
	timestamp_ms: u64,
	received_ms: u64,
}

#[derive(Deserialize)]
struct RawPage {
	readings: Vec<RawReading>,
	next: u64,
	now_ms: u64,
}

/// A page of readings, as [`parse_page`] takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
	/// The readings after the cursor asked from, in sequence order.
	pub readings: Vec<Reading>,
	/// The cursor to ask from next: the last reading's `seq`, the cursor asked from if none.
	pub next: u64,
	/// The service's clock when it answered.
	pub now_ms: u64,
	/// How many readings the answer held, those at or before the cursor included: an answer with
	/// fewer than the limit asked for had nothing more when it was given.
	pub served: usize,
}

/// Why a page of readings cannot be used; nothing of it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageError {
	/// The body is not the expected JSON.
	MalformedJson,
	/// A reading's vehicle is not `0x` + 32 bytes of hex.
	BadVehicleId {
		/// The reading.
		seq: u64,
	},
	/// A reading's odometer does not fit the chain's kilometre type.
	OdometerOutOfRange {
		/// The reading.
		seq: u64,
	},
	/// The page says it ends before readings it contains, or before the cursor it was asked
	/// from: the service is inconsistent.
	CursorWentBack {
		/// The page's `next`.
		next: u64,
	},
	/// A reading was received before the reading before it: the service broke its promise that
	/// `received_ms` never decreases with `seq`, and cut-offs cannot be trusted.
	ReceivedWentBack {
		/// The reading.
		seq: u64,
	},
	/// Two readings have the same sequence number.
	DuplicateSeq {
		/// The reading.
		seq: u64,
	},
}

/// The readings of a page asked for after cursor `after`, in sequence order, without those at or
/// before the cursor (a service may serve some again); refuses the page whole when any reading
/// is malformed, two share a `seq`, `received_ms` decreases with `seq`, or the page's `next` is
/// before its last reading or the cursor.
pub fn parse_page(body: &[u8], after: u64) -> Result<Page, PageError> {
	let page: RawPage = serde_json::from_slice(body).map_err(|_| PageError::MalformedJson)?;
	let served = page.readings.len();
	let mut readings = Vec::with_capacity(served);
	for raw in page.readings {
		let vehicle = parse_hex32(&raw.vehicle).ok_or(PageError::BadVehicleId { seq: raw.seq })?;
		let odometer = Km::try_from(raw.odometer_km)
			.map_err(|_| PageError::OdometerOutOfRange { seq: raw.seq })?;
		if raw.seq > after {
			readings.push(Reading {
				seq: raw.seq,
				vehicle,
				odometer,
				timestamp_ms: raw.timestamp_ms,
				received_ms: raw.received_ms,
			});
		}
	}
	// Out-of-order answers are put back in the service's order.
	readings.sort_by_key(|reading| reading.seq);
	for pair in readings.windows(2) {
		if pair[0].seq == pair[1].seq {
			return Err(PageError::DuplicateSeq { seq: pair[1].seq });
		}
		if pair[1].received_ms < pair[0].received_ms {
			return Err(PageError::ReceivedWentBack { seq: pair[1].seq });
		}
	}
	let next = readings.last().map_or(after, |reading| reading.seq);
	if page.next < next {
		return Err(PageError::CursorWentBack { next: page.next });
	}
	Ok(Page { readings, next, now_ms: page.now_ms, served })
}

#[derive(Deserialize)]
struct RawCar {
	vehicle: String,
	owner: String,
	activation_ms: u64,
	behaviour_ppm: u64,
}

#[derive(Deserialize)]
struct RawFleet {
	vehicles: Vec<RawCar>,
	now_ms: u64,
}

/// The cars in the programme, as the service lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fleet {
	/// The cars, in ascending vehicle id order.
	pub vehicles: Vec<RegistryEntry>,
	/// The service's clock when it answered.
	pub now_ms: u64,
}

/// Parts per million of a clean record: a behaviour factor of 100%.
pub const CLEAN_PPM: u64 = 1_000_000;

/// Why the fleet cannot be used; nothing of it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FleetError {
	/// The body is not the expected JSON.
	MalformedJson,
	/// A car's id is not `0x` + 32 bytes of hex.
	BadVehicleId {
		/// The car's position in the answer.
		index: usize,
	},
	/// A car's owner is not `0x` + 32 bytes of hex.
	BadOwner {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car's behaviour factor is above 1,000,000 parts per million.
	BehaviourOutOfRange {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car is listed twice.
	DuplicateVehicle {
		/// The car.
		vehicle: VehicleId,
	},
}

/// The fleet, sorted by vehicle id; refuses it whole when a car is malformed or listed twice.
pub fn parse_fleet(body: &[u8]) -> Result<Fleet, FleetError> {
	let fleet: RawFleet = serde_json::from_slice(body).map_err(|_| FleetError::MalformedJson)?;
	let mut vehicles = Vec::with_capacity(fleet.vehicles.len());
	for (index, raw) in fleet.vehicles.into_iter().enumerate() {
		let vehicle = parse_hex32(&raw.vehicle).ok_or(FleetError::BadVehicleId { index })?;
		let owner = parse_hex32(&raw.owner).ok_or(FleetError::BadOwner { vehicle })?;
		if raw.behaviour_ppm > CLEAN_PPM {
			return Err(FleetError::BehaviourOutOfRange { vehicle });
		}
		// At most 10^6 parts per million, 10^9 parts per billion: exact.
		let behaviour = Perbill::from_parts((raw.behaviour_ppm * 1_000) as u32);
		vehicles.push(RegistryEntry {
			vehicle,
			owner,
			activation_ms: raw.activation_ms,
			behaviour,
		});
	}
	vehicles.sort_by_key(|car| car.vehicle);
	if let Some(pair) = vehicles.windows(2).find(|pair| pair[0].vehicle == pair[1].vehicle) {
		return Err(FleetError::DuplicateVehicle { vehicle: pair[1].vehicle });
	}
	Ok(Fleet { vehicles, now_ms: fleet.now_ms })
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

	fn reading(seq: u64, car: u8, km: Km, received_ms: u64) -> Reading {
		Reading { seq, vehicle: id(car), odometer: km, timestamp_ms: 1, received_ms }
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
			page.readings,
			vec![reading(1, 2, 50, 10), reading(2, 1, 90, 10), reading(3, 1, 100, 20)]
		);
		assert_eq!((page.next, page.now_ms, page.served), (3, 99, 3));
		// Readings at or before the cursor are not read again, but count as served.
		let page = parse_page(&body, 2).unwrap();
		assert_eq!((page.readings, page.next, page.served), (vec![reading(3, 1, 100, 20)], 3, 3));
		// An empty page keeps the cursor.
		let page = parse_page(&json(&[], 7), 7).unwrap();
		assert_eq!((page.readings, page.next, page.served), (vec![], 7, 0));
		// A `next` past the last reading is the service's business: the cursor is the last read.
		assert_eq!(parse_page(&json(&[(4, 1, 1, 1)], 9), 0).unwrap().next, 4);
	}

	#[test]
	fn bad_pages_are_refused_whole() {
		let not_hex = format!(
			r#"{{"readings":[{{"seq":5,"vehicle":"0x{}","odometer_km":1,"timestamp_ms":1,"received_ms":1}}],"next":5,"now_ms":1}}"#,
			"zz".repeat(32)
		);
		let table: [(Vec<u8>, u64, PageError); 13] = [
			(b"".to_vec(), 0, PageError::MalformedJson),
			(b"{".to_vec(), 0, PageError::MalformedJson),
			(b"[]".to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":[],"next":0}"#.to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":[],"now_ms":0}"#.to_vec(), 0, PageError::MalformedJson),
			(br#"{"readings":[{"seq":1}],"next":1,"now_ms":1}"#.to_vec(), 0, PageError::MalformedJson),
			(
				br#"{"readings":[{"seq":4,"vehicle":"0x12","odometer_km":1,"timestamp_ms":1,"received_ms":1}],"next":4,"now_ms":1}"#.to_vec(),
				0,
				PageError::BadVehicleId { seq: 4 },
			),
			(not_hex.into_bytes(), 0, PageError::BadVehicleId { seq: 5 }),
			(
				json(&[(6, 1, u64::from(u32::MAX) + 1, 1)], 6),
				0,
				PageError::OdometerOutOfRange { seq: 6 },
			),
			(json(&[(8, 1, 5, 1)], 7), 0, PageError::CursorWentBack { next: 7 }),
			(json(&[], 6), 7, PageError::CursorWentBack { next: 6 }),
			(
				json(&[(1, 1, 5, 10), (3, 1, 6, 11), (2, 1, 7, 12)], 3),
				0,
				PageError::ReceivedWentBack { seq: 3 },
			),
			(json(&[(1, 1, 5, 10), (1, 2, 6, 10)], 1), 0, PageError::DuplicateSeq { seq: 1 }),
		];
		for (body, after, expected) in table {
			assert_eq!(parse_page(&body, after), Err(expected.clone()), "{expected:?}");
		}
		// A malformed reading at or before the cursor spoils the page too: the answer is wrong.
		assert_eq!(
			parse_page(&json(&[(1, 1, u64::MAX, 1), (2, 1, 1, 1)], 2), 1),
			Err(PageError::OdometerOutOfRange { seq: 1 })
		);
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
	fn a_fleet_parses_sorted_with_factors() {
		let fleet =
			parse_fleet(&fleet_json(&[(3, 9, 100, 800_000), (1, 8, 0, 1_000_000), (2, 7, 5, 0)]))
				.unwrap();
		assert_eq!(fleet.now_ms, 42);
		let entry = |car: u8, owner: u8, activation_ms, percent| RegistryEntry {
			vehicle: id(car),
			owner: id(owner),
			activation_ms,
			behaviour: Perbill::from_percent(percent),
		};
		assert_eq!(
			fleet.vehicles,
			vec![entry(1, 8, 0, 100), entry(2, 7, 5, 0), entry(3, 9, 100, 80)]
		);
		assert_eq!(
			parse_fleet(&fleet_json(&[(1, 1, 0, 1)])).unwrap().vehicles[0].behaviour,
			Perbill::from_parts(1_000)
		);
		assert_eq!(parse_fleet(br#"{"vehicles":[],"now_ms":1}"#).unwrap().vehicles, vec![]);
	}

	#[test]
	fn bad_fleets_are_refused_whole() {
		let bad_owner = br#"{"vehicles":[{"vehicle":"0x0101010101010101010101010101010101010101010101010101010101010101","owner":"0x01","activation_ms":1,"behaviour_ppm":1}],"now_ms":1}"#;
		let table: [(Vec<u8>, FleetError); 6] = [
			(b"{}".to_vec(), FleetError::MalformedJson),
			(br#"{"vehicles":[]}"#.to_vec(), FleetError::MalformedJson),
			(
				br#"{"vehicles":[{"vehicle":"0x01","owner":"0x01","activation_ms":1,"behaviour_ppm":1}],"now_ms":1}"#.to_vec(),
				FleetError::BadVehicleId { index: 0 },
			),
			(bad_owner.to_vec(), FleetError::BadOwner { vehicle: id(1) }),
			(
				fleet_json(&[(1, 1, 0, 1_000_000), (2, 1, 0, 1_000_001)]),
				FleetError::BehaviourOutOfRange { vehicle: id(2) },
			),
			(
				fleet_json(&[(1, 1, 0, 5), (2, 1, 0, 5), (1, 2, 0, 5)]),
				FleetError::DuplicateVehicle { vehicle: id(1) },
			),
		];
		for (body, expected) in table {
			assert_eq!(parse_fleet(&body), Err(expected.clone()), "{expected:?}");
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
