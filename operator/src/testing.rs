//! Test helpers: a seeded generator and an in-memory telematics service.

use std::{
	cell::{Cell, RefCell},
	collections::HashMap,
};

use valley_merkle_sum::Salt;

use crate::{
	http::{HttpError, Service},
	telematics::to_hex32,
	types::{Km, Reading, RegistryEntry, Rules, VehicleId},
};

/// The chain's constants in the development runtime.
pub const RULES: Rules = Rules { daily_cap_km: 500, max_speed_kmh: 200, tolerance_km: 2 };

/// SplitMix64: deterministic, good enough to make test data.
pub struct Rng(pub u64);

impl Rng {
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	/// Below `n` (> 0), with a negligible bias.
	pub fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}

	pub fn bytes(&mut self) -> [u8; 32] {
		let mut out = [0u8; 32];
		for chunk in out.chunks_mut(8) {
			chunk.copy_from_slice(&self.next().to_le_bytes());
		}
		out
	}
}

/// A reading of car `[car; 32]` (its `seq` is given by [`FakeService::push`]).
pub fn reading(car: u8, odometer: Km, timestamp_ms: u64, received_ms: u64) -> Reading {
	Reading { seq: 0, vehicle: [car; 32], odometer, timestamp_ms, received_ms }
}

/// Batch `batch`'s salt at the fake service.
pub fn salt_of(batch: u64) -> Salt {
	let mut salt = [0x5a; 32];
	salt[..8].copy_from_slice(&batch.to_le_bytes());
	salt
}

/// The telematics service in memory: it serves the readings received by its clock, as the real
/// one does, and can lie, fail or answer another status.
#[derive(Default)]
pub struct FakeService {
	// Each reading with how many readings of its car came before it.
	readings: RefCell<Vec<(Reading, u64)>>,
	per_car: RefCell<HashMap<VehicleId, u64>>,
	raw_fields: RefCell<HashMap<(u64, &'static str), String>>,
	now_ms: Cell<u64>,
	status: Cell<Option<u16>>,
	failing: RefCell<Option<String>>,
	inflation_km: Cell<u64>,
	fleet: RefCell<Vec<RegistryEntry>>,
	factors: RefCell<Vec<(VehicleId, u64)>>,
	requests: RefCell<Vec<String>>,
}

impl FakeService {
	/// Records `reading` as the next one; returns its `seq`.
	pub fn push(&self, mut reading: Reading) -> u64 {
		let mut readings = self.readings.borrow_mut();
		reading.seq = readings.len() as u64 + 1;
		let mut per_car = self.per_car.borrow_mut();
		let nth = per_car.entry(reading.vehicle).or_default();
		readings.push((reading, *nth));
		*nth += 1;
		reading.seq
	}

	/// Changes reading `seq`.
	pub fn edit(&self, seq: u64, edit: impl FnOnce(&mut Reading)) {
		edit(&mut self.readings.borrow_mut()[seq as usize - 1].0);
	}

	/// Serves reading `seq` with this odometer, whatever its type.
	pub fn set_raw_odometer(&self, seq: u64, km: u64) {
		self.set_raw(seq, "odometer_km", &km.to_string());
	}

	/// Serves reading `seq` with `json` as `field` (`vehicle`, `odometer_km`, `timestamp_ms` or
	/// `received_ms`), whatever it is; "" leaves the field out.
	pub fn set_raw(&self, seq: u64, field: &'static str, json: &str) {
		self.raw_fields.borrow_mut().insert((seq, field), json.to_string());
	}

	pub fn set_now(&self, now_ms: u64) {
		self.now_ms.set(now_ms);
	}

	/// Answers everything with `status`.
	pub fn set_status(&self, status: u16) {
		self.status.set(Some(status));
	}

	/// Answers paths starting with `prefix` with 503 (`None`: nothing fails).
	pub fn fail(&self, prefix: Option<&str>) {
		*self.failing.borrow_mut() = prefix.map(str::to_string);
	}

	/// Lies: each car's `n`-th reading (from 0) gains `n × km`.
	pub fn inflate(&self, km: u64) {
		self.inflation_km.set(km);
	}

	pub fn set_fleet(&self, fleet: Vec<RegistryEntry>) {
		*self.fleet.borrow_mut() = fleet;
	}

	/// Serves these behaviour factors (vehicle, parts per million) at every time.
	pub fn set_factors(&self, factors: Vec<(VehicleId, u64)>) {
		*self.factors.borrow_mut() = factors;
	}

	/// The paths asked for so far.
	pub fn requests(&self) -> Vec<String> {
		self.requests.borrow().clone()
	}

	fn readings(&self, after: u64, limit: u64) -> String {
		let now = self.now_ms.get();
		let served: Vec<String> = self
			.readings
			.borrow()
			.iter()
			.skip(after as usize)
			.take_while(|(reading, _)| reading.received_ms <= now)
			.take(limit as usize)
			.map(|(reading, nth)| {
				let odometer = u64::from(reading.odometer) + nth * self.inflation_km.get();
				let fields = [
					("vehicle", format!(r#""{}""#, to_hex32(&reading.vehicle))),
					("odometer_km", odometer.to_string()),
					("timestamp_ms", reading.timestamp_ms.to_string()),
					("received_ms", reading.received_ms.to_string()),
				];
				let raw = self.raw_fields.borrow();
				let fields: Vec<String> = fields
					.into_iter()
					.map(|(name, json)| {
						(name, raw.get(&(reading.seq, name)).cloned().unwrap_or(json))
					})
					.filter(|(_, json)| !json.is_empty())
					.map(|(name, json)| format!(r#","{name}":{json}"#))
					.collect();
				format!(r#"{{"seq":{}{}}}"#, reading.seq, fields.concat())
			})
			.collect();
		let next = after + served.len() as u64;
		format!(r#"{{"readings":[{}],"next":{next},"now_ms":{now}}}"#, served.join(","))
	}

	fn fleet_json(&self) -> String {
		let cars: Vec<String> = self
			.fleet
			.borrow()
			.iter()
			.map(|car| {
				format!(
					r#"{{"vehicle":"{}","owner":"{}","owner_since_ms":{},"activation_ms":{}}}"#,
					to_hex32(&car.vehicle),
					to_hex32(&car.owner),
					car.owner_since_ms,
					car.activation_ms,
				)
			})
			.collect();
		format!(r#"{{"vehicles":[{}],"now_ms":{}}}"#, cars.join(","), self.now_ms.get())
	}
}

impl Service for FakeService {
	fn get(&self, path_and_query: &str) -> Result<(u16, Vec<u8>), HttpError> {
		self.requests.borrow_mut().push(path_and_query.to_string());
		if let Some(status) = self.status.get() {
			return Ok((status, b"{}".to_vec()));
		}
		if self.failing.borrow().as_ref().is_some_and(|prefix| path_and_query.starts_with(prefix)) {
			return Ok((503, b"{}".to_vec()));
		}
		let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
		let param = |name: &str| {
			query
				.split('&')
				.find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
		};
		let body = match path {
			"/readings" => {
				self.readings(param("after").unwrap_or(0), param("limit").unwrap_or(500))
			},
			"/fleet" => self.fleet_json(),
			"/salt" => {
				let Some(batch) = param("batch") else { return Ok((400, b"{}".to_vec())) };
				format!(r#"{{"batch":{batch},"salt":"{}"}}"#, to_hex32(&salt_of(batch)))
			},
			"/behaviour" => {
				let Some(at_ms) = param("at_ms") else { return Ok((400, b"{}".to_vec())) };
				let factors: Vec<String> = self
					.factors
					.borrow()
					.iter()
					.map(|(vehicle, ppm)| {
						format!(r#"{{"vehicle":"{}","behaviour_ppm":{ppm}}}"#, to_hex32(vehicle))
					})
					.collect();
				format!(r#"{{"at_ms":{at_ms},"factors":[{}]}}"#, factors.join(","))
			},
			_ => return Ok((404, b"{}".to_vec())),
		};
		Ok((200, body.into_bytes()))
	}
}
