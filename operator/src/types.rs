//! The operator's vocabulary: ids, the chain's reading rules, readings, the registry and the
//! changes to it an operator proposes, and the day arithmetic of the 30-day window.

use codec::{Decode, Encode};

/// A vehicle's pseudonymous id: the telematics service's keyed hash of its VIN.
pub type VehicleId = [u8; 32];

/// An account: a 32-byte public key.
pub type AccountId = [u8; 32];

/// Kilometres, as the chain counts them.
pub type Km = u32;

/// Days since the Unix epoch.
pub type Day = u32;

/// One hour, in milliseconds.
pub const HOUR_MS: u64 = 3_600_000;

/// One day, in milliseconds.
pub const DAY_MS: u64 = 24 * HOUR_MS;

/// The days a batch's weights look back over, the day of its cut-off included.
pub const WINDOW_DAYS: u32 = 30;

/// The day that `ms` (milliseconds since the Unix epoch) falls in; `u32::MAX` past the year
/// 11 million.
pub fn day_of(ms: u64) -> Day {
	Day::try_from(ms / DAY_MS).unwrap_or(Day::MAX)
}

/// The chain's plausibility and weighting constants (`DailyCapKm`, `MaxSpeedKmh`,
/// `ToleranceKm`), read through the runtime API.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Rules {
	/// The most kilometres a day counts for.
	pub daily_cap_km: Km,
	/// The fastest a car is believed to drive between two readings.
	pub max_speed_kmh: Km,
	/// Kilometres allowed on top of `max_speed_kmh × elapsed`, for readings taken close together.
	pub tolerance_km: Km,
}

/// Why a reading was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub enum RejectReason {
	/// The odometer is below the car's last accepted reading.
	OdometerDecreased,
	/// The distance since the last accepted reading is more than the car can have driven in the
	/// time between them.
	ImplausibleIncrement,
	// Quarantined records (`telematics::parse_page`): the rules never saw them. New reasons go
	// last, so that the SCALE encoding of the ones above does not change.
	/// The odometer is a whole number beyond the chain's kilometre type (`u32`), or negative.
	OdometerOutOfRange,
	/// A field of the record is missing or not a non-negative whole number (the odometer, the
	/// car's or the service's time).
	MalformedReading,
	/// The record's vehicle is missing or not `0x` + 32 bytes of hex: it names no car, and is
	/// kept in the ledger's quarantine list, not a car's.
	BadVehicleId,
}

/// One odometer reading of the telematics service.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct Reading {
	/// The service's sequence number: readings in the order it received them.
	pub seq: u64,
	/// The car.
	pub vehicle: VehicleId,
	/// The odometer, in kilometres.
	pub odometer: Km,
	/// The car's clock when it took the reading, in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
	/// The service's clock when it received the reading; never decreases with `seq`.
	pub received_ms: u64,
}

/// A car of the on-chain registry (or of the service's fleet, to compare with it).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct RegistryEntry {
	/// The car.
	pub vehicle: VehicleId,
	/// Its owner, who is paid when it wins.
	pub owner: AccountId,
	/// When it starts mining, in milliseconds since the Unix epoch.
	pub activation_ms: u64,
	/// When its owner took it, in milliseconds since the Unix epoch: on chain, its
	/// registration or last pass-on; in the service's fleet, when the service recorded the
	/// owner (its sale).
	pub owner_since_ms: u64,
	/// On chain, how many times its entry changed (every proposal names it); 0 in the fleet.
	pub version: u32,
}

/// A change to the on-chain registry an operator proposes; a majority of identical proposals
/// applies it. A transfer names the registry entry it changes (its `version` and owner), so that
/// it applies once and never again. The operators propose only what the telematics service is
/// the authority for: new cars and the sales it made. An owner's own pass-on or deregistration
/// on chain is final: never proposed back. (Behaviour factors never go on chain: the operators
/// apply them to the weights they commit.)
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Encode, Decode)]
pub enum FleetChange {
	/// A car joins the programme.
	Register {
		/// The car.
		vehicle: VehicleId,
		/// Its owner.
		owner: AccountId,
		/// When it starts mining.
		activation_ms: u64,
	},
	/// A car the service sold passes from its owner on chain to the buyer.
	Transfer {
		/// The car.
		vehicle: VehicleId,
		/// Its entry's version on chain.
		version: u32,
		/// Its owner on chain.
		from: AccountId,
		/// The buyer.
		to: AccountId,
	},
}

impl FleetChange {
	/// The car the change is about.
	pub fn vehicle(&self) -> &VehicleId {
		match self {
			Self::Register { vehicle, .. } | Self::Transfer { vehicle, .. } => vehicle,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn days_start_at_midnight_utc() {
		let table = [
			(0, 0),
			(DAY_MS - 1, 0),
			(DAY_MS, 1),
			// 2024-01-01T00:00:00Z
			(1_704_067_200_000, 19_723),
			(1_704_067_199_999, 19_722),
			(u64::MAX, Day::MAX),
		];
		for (ms, day) in table {
			assert_eq!(day_of(ms), day, "{ms}");
		}
	}

	#[test]
	fn a_change_names_its_vehicle() {
		let changes = [
			FleetChange::Register { vehicle: [1; 32], owner: [9; 32], activation_ms: 5 },
			FleetChange::Transfer { vehicle: [2; 32], version: 0, from: [8; 32], to: [9; 32] },
		];
		for (byte, change) in (1u8..).zip(changes) {
			assert_eq!(change.vehicle(), &[byte; 32]);
		}
	}
}
