//! The pure part of the oracle off-chain worker: reading a page of the telematics service's
//! answer and turning it into a bounded feed, with the cursor that says what was consumed.
//!
//! The service (`scripts/telematics-sim` for development) answers
//! `GET {url}/readings?after={seq}&limit={n}` with
//! `{"readings": [{"seq", "vehicle", "odometer_km", "timestamp_ms", …}], "next": seq}`, where
//! `seq` numbers readings in the order the service received them and `vehicle` is the 0x-hex
//! on-chain vehicle id (blake2b-256 of the VIN).

use alloc::{string::String, vec::Vec};
use serde::Deserialize;

use crate::{Km, VehicleId};

/// A reading as the service serves it. Unknown fields (the VIN) are ignored.
#[derive(Deserialize)]
struct RawReading {
	seq: u64,
	vehicle: String,
	odometer_km: u64,
	timestamp_ms: u64,
}

/// A page of the service's answer.
#[derive(Deserialize)]
struct RawPage {
	readings: Vec<RawReading>,
	next: u64,
}

/// One odometer reading of the telematics service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
	/// The service's sequence number: increasing in the order it received readings.
	pub seq: u64,
	/// The on-chain vehicle id.
	pub vehicle: VehicleId,
	/// The odometer, in kilometres.
	pub odometer: Km,
	/// When the car reported it, in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
}

/// Why a page of the service's answer cannot be used; nothing of it is consumed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageError {
	/// The body is not the expected JSON.
	MalformedJson,
	/// A reading's vehicle is not a 0x-prefixed 32-byte hex id.
	BadVehicleId { seq: u64 },
	/// A reading's odometer does not fit the chain's kilometre type.
	OdometerOutOfRange { seq: u64 },
	/// The page says it ends before readings it contains, or before the cursor it was asked
	/// from: the service is inconsistent.
	CursorWentBack { next: u64 },
}

/// Parses `0x` + 64 hex digits.
fn vehicle_id(hex: &str) -> Option<VehicleId> {
	hex.strip_prefix("0x")?;
	let bytes = sp_core::bytes::from_hex(hex).ok()?;
	(bytes.len() == 32).then(|| VehicleId::from_slice(&bytes))
}

/// The readings of a page asked for `after` cursor `after`, in sequence order, without those at
/// or before the cursor (a service may serve some again), and the page's end cursor.
pub fn parse_page(body: &[u8], after: u64) -> Result<(Vec<Reading>, u64), PageError> {
	let page: RawPage = serde_json::from_slice(body).map_err(|_| PageError::MalformedJson)?;
	let mut readings = Vec::with_capacity(page.readings.len());
	for raw in page.readings {
		let vehicle = vehicle_id(&raw.vehicle).ok_or(PageError::BadVehicleId { seq: raw.seq })?;
		let odometer = Km::try_from(raw.odometer_km)
			.map_err(|_| PageError::OdometerOutOfRange { seq: raw.seq })?;
		if raw.seq > after {
			readings.push(Reading {
				seq: raw.seq,
				vehicle,
				odometer,
				timestamp_ms: raw.timestamp_ms,
			});
		}
	}
	// Out-of-order answers are put back in the service's order.
	readings.sort_by_key(|reading| reading.seq);
	let last = readings.last().map_or(after, |reading| reading.seq);
	if page.next < last {
		return Err(PageError::CursorWentBack { next: page.next });
	}
	Ok((readings, last))
}

/// A feed for the oracle from `readings` (in sequence order): each known vehicle's latest
/// reading, for at most `max` vehicles. Readings of vehicles `known` refuses are dropped (they
/// would only be refused on chain). Returns the feed and the cursor up to which the readings
/// were consumed: a reading after it did not fit and must be read again, nothing before it is
/// ever sent again.
pub fn feed(
	readings: &[Reading],
	known: impl Fn(&VehicleId) -> bool,
	max: usize,
	cursor: u64,
) -> (Vec<(VehicleId, Km)>, u64) {
	let mut values: Vec<(VehicleId, Km)> = Vec::new();
	let mut consumed = cursor;
	for reading in readings {
		if known(&reading.vehicle) {
			match values.iter().position(|(vehicle, _)| *vehicle == reading.vehicle) {
				Some(at) => values[at].1 = reading.odometer,
				None if values.len() < max => values.push((reading.vehicle, reading.odometer)),
				None => break,
			}
		}
		consumed = reading.seq;
	}
	(values, consumed)
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::format;

	fn id(byte: u8) -> VehicleId {
		VehicleId::repeat_byte(byte)
	}

	fn json(readings: &[(u64, u8, u64)], next: u64) -> Vec<u8> {
		let readings: Vec<String> = readings
			.iter()
			.map(|(seq, car, km)| {
				format!(
					r#"{{"seq":{seq},"vin":"LIMVALLEY","vehicle":"{:?}","odometer_km":{km},"timestamp_ms":1}}"#,
					id(*car)
				)
			})
			.collect();
		format!(r#"{{"readings":[{}],"next":{next}}}"#, readings.join(",")).into_bytes()
	}

	fn reading(seq: u64, car: u8, km: Km) -> Reading {
		Reading { seq, vehicle: id(car), odometer: km, timestamp_ms: 1 }
	}

	#[test]
	fn a_page_parses_in_sequence_order() {
		let body = json(&[(3, 1, 100), (1, 2, 50), (2, 1, 90)], 3);
		let (readings, next) = parse_page(&body, 0).unwrap();
		assert_eq!(readings, vec![reading(1, 2, 50), reading(2, 1, 90), reading(3, 1, 100)]);
		assert_eq!(next, 3);
		// Readings at or before the cursor are not read again.
		let (readings, next) = parse_page(&body, 2).unwrap();
		assert_eq!((readings, next), (vec![reading(3, 1, 100)], 3));
		// An empty page keeps the cursor.
		assert_eq!(parse_page(&json(&[], 7), 7).unwrap(), (vec![], 7));
	}

	#[test]
	fn bad_pages_are_refused_whole() {
		for body in
			[&b""[..], b"{", b"[]", br#"{"readings":[]}"#, br#"{"readings":[{"seq":1}],"next":1}"#]
		{
			assert_eq!(parse_page(body, 0), Err(PageError::MalformedJson), "{body:?}");
		}
		let bad_id = br#"{"readings":[{"seq":4,"vehicle":"0x12","odometer_km":1,"timestamp_ms":1}],"next":4}"#;
		assert_eq!(parse_page(bad_id, 0), Err(PageError::BadVehicleId { seq: 4 }));
		let not_hex = format!(
			r#"{{"readings":[{{"seq":5,"vehicle":"0x{}","odometer_km":1,"timestamp_ms":1}}],"next":5}}"#,
			"zz".repeat(32)
		);
		assert_eq!(parse_page(not_hex.as_bytes(), 0), Err(PageError::BadVehicleId { seq: 5 }));
		assert_eq!(
			parse_page(&json(&[(6, 1, u64::from(u32::MAX) + 1)], 6), 0),
			Err(PageError::OdometerOutOfRange { seq: 6 })
		);
		assert_eq!(
			parse_page(&json(&[(8, 1, 5)], 7), 0),
			Err(PageError::CursorWentBack { next: 7 })
		);
	}

	#[test]
	fn a_feed_keeps_each_known_vehicle_s_latest_reading() {
		let readings =
			[reading(1, 1, 100), reading(2, 9, 7), reading(3, 2, 50), reading(4, 1, 120)];
		let known = |vehicle: &VehicleId| *vehicle != id(9);
		let (values, cursor) = feed(&readings, known, 10, 0);
		assert_eq!(values, vec![(id(1), 120), (id(2), 50)]);
		assert_eq!(cursor, 4);
	}

	#[test]
	fn a_full_feed_stops_before_the_first_vehicle_that_does_not_fit() {
		let readings = [reading(5, 1, 1), reading(6, 2, 2), reading(7, 1, 3), reading(8, 3, 4)];
		let (values, cursor) = feed(&readings, |_| true, 2, 4);
		assert_eq!(values, vec![(id(1), 3), (id(2), 2)]);
		// Vehicle 3's reading is read again next time: nothing is skipped.
		assert_eq!(cursor, 7);
		let (values, cursor) = feed(&readings[3..], |_| true, 2, cursor);
		assert_eq!((values, cursor), (vec![(id(3), 4)], 8));
		// Nothing to feed keeps the cursor.
		assert_eq!(feed(&[], |_| true, 2, 8), (vec![], 8));
	}
}
