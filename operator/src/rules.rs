//! The plausibility rules for odometer readings, as pure functions.
//!
//! A car's first reading is its baseline (0 km driven). Every later one is checked against the
//! car's last *accepted* reading: it may not be below it, nor further than the car can have driven
//! at [`Rules::max_speed_kmh`] in the time between the two (the cars' own `timestamp_ms`), plus
//! [`Rules::tolerance_km`] for readings taken close together. A refused reading changes nothing:
//! the next one is checked against the same accepted reading.

use crate::types::{Km, RejectReason, Rules, HOUR_MS};

/// The most a car can plausibly have driven in `elapsed_ms` at `max_speed_kmh`, plus
/// `tolerance_km`; saturates at `u64::MAX`.
pub fn max_distance(elapsed_ms: u64, max_speed_kmh: Km, tolerance_km: Km) -> u64 {
	let driven =
		u128::from(elapsed_ms).saturating_mul(u128::from(max_speed_kmh)) / u128::from(HOUR_MS);
	u64::try_from(driven).unwrap_or(u64::MAX).saturating_add(u64::from(tolerance_km))
}

/// Checks `odometer`, read at `now_ms` (the car's clock), against the car's last accepted
/// reading `last = (odometer, timestamp_ms)`; returns the kilometres driven since (0 for the first
/// reading, the baseline). A reading timed before the last accepted one counts as taken at the
/// same time: only the tolerance is allowed.
pub fn check_reading(
	last: Option<(Km, u64)>,
	odometer: Km,
	now_ms: u64,
	rules: &Rules,
) -> Result<Km, RejectReason> {
	let Some((last_odometer, last_ms)) = last else { return Ok(0) };
	let distance = odometer.checked_sub(last_odometer).ok_or(RejectReason::OdometerDecreased)?;
	let elapsed = now_ms.saturating_sub(last_ms);
	if u64::from(distance) > max_distance(elapsed, rules.max_speed_kmh, rules.tolerance_km) {
		return Err(RejectReason::ImplausibleIncrement);
	}
	Ok(distance)
}

#[cfg(test)]
mod tests {
	use super::*;

	const HOUR: u64 = HOUR_MS;
	const RULES: Rules = Rules { daily_cap_km: 500, max_speed_kmh: 200, tolerance_km: 2 };

	#[test]
	fn readings_are_checked_against_speed_and_direction() {
		let last = Some((1_000, 0));
		let table = [
			// (last, odometer, now, expected)
			(None, 5, 0, Ok(0)),
			(None, u32::MAX, u64::MAX, Ok(0)),
			(last, 1_000, 10, Ok(0)),
			(last, 999, HOUR, Err(RejectReason::OdometerDecreased)),
			(last, 0, u64::MAX, Err(RejectReason::OdometerDecreased)),
			(last, 1_202, HOUR, Ok(202)),
			(last, 1_203, HOUR, Err(RejectReason::ImplausibleIncrement)),
			(last, 1_002, 0, Ok(2)),
			(last, 1_003, 0, Err(RejectReason::ImplausibleIncrement)),
			(last, 1_100, HOUR / 2, Ok(100)),
			(last, u32::MAX, u64::MAX, Ok(u32::MAX - 1_000)),
			// A reading timed before the last accepted one: only the tolerance.
			(Some((1_000, HOUR)), 1_002, 0, Ok(2)),
			(Some((1_000, HOUR)), 1_003, 0, Err(RejectReason::ImplausibleIncrement)),
		];
		for (last, odometer, now, expected) in table {
			assert_eq!(check_reading(last, odometer, now, &RULES), expected, "{odometer} at {now}");
		}
	}

	#[test]
	fn max_distance_rounds_down_and_saturates() {
		let table = [
			// (elapsed, speed, tolerance, expected)
			(0, 200, 2, 2),
			(HOUR, 200, 0, 200),
			(HOUR - 1, 200, 0, 199),
			(18_000, 200, 0, 1),
			(17_999, 200, 0, 0),
			(u64::MAX, u32::MAX, u32::MAX, u64::MAX),
			(u64::MAX, 0, 7, 7),
		];
		for (elapsed, speed, tolerance, expected) in table {
			assert_eq!(max_distance(elapsed, speed, tolerance), expected, "{elapsed} {speed}");
		}
	}
}
