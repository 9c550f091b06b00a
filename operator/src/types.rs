//! The operator's vocabulary: ids, the chain's reading rules, readings, the registry and the
//! changes to it an operator proposes, and the day arithmetic of the 30-day window.

use codec::{Decode, Encode};
use sp_arithmetic::Perbill;

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
	/// Its behaviour factor: the share of its kilometres that weigh.
	pub behaviour: Perbill,
}

/// A change to the on-chain registry an operator proposes; a majority of identical proposals
/// applies it.
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
	/// A car passes to another owner.
	Transfer {
		/// The car.
		vehicle: VehicleId,
		/// Its new owner.
		to: AccountId,
	},
	/// A car leaves the programme.
	Deregister {
		/// The car.
		vehicle: VehicleId,
	},
	/// A car's behaviour factor changes.
	Behaviour {
		/// The car.
		vehicle: VehicleId,
		/// Its new factor.
		factor: Perbill,
	},
}

impl FleetChange {
	/// The car the change is about.
	pub fn vehicle(&self) -> &VehicleId {
		match self {
			Self::Register { vehicle, .. }
			| Self::Transfer { vehicle, .. }
			| Self::Deregister { vehicle }
			| Self::Behaviour { vehicle, .. } => vehicle,
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
			FleetChange::Transfer { vehicle: [2; 32], to: [9; 32] },
			FleetChange::Deregister { vehicle: [3; 32] },
			FleetChange::Behaviour { vehicle: [4; 32], factor: Perbill::one() },
		];
		for (byte, change) in (1u8..).zip(changes) {
			assert_eq!(change.vehicle(), &[byte; 32]);
		}
	}
}
