//! The rules of mileage mining as pure functions: which readings are plausible, what kilometres
//! weigh, how many winners a batch has.

use sp_runtime::Perbill;

use crate::types::{Km, Reading, RejectReason, HOUR_MS};

/// The most a vehicle can plausibly have driven in `elapsed_ms` at `max_speed_kmh`, plus
/// `tolerance` for readings taken a little apart by different operators.
pub fn max_distance(elapsed_ms: u64, max_speed_kmh: Km, tolerance: Km) -> u64 {
	let driven = (elapsed_ms as u128).saturating_mul(max_speed_kmh as u128) / HOUR_MS as u128;
	(driven.min(u64::MAX as u128) as u64).saturating_add(tolerance as u64)
}

/// Checks `odometer`, read at `now`, against the last accepted reading; returns the distance
/// driven since (0 for the first reading, the baseline).
pub fn check_reading(
	last: Option<Reading>,
	odometer: Km,
	now: u64,
	max_speed_kmh: Km,
	tolerance: Km,
) -> Result<Km, RejectReason> {
	let Some(last) = last else { return Ok(0) };
	let distance = odometer.checked_sub(last.odometer).ok_or(RejectReason::OdometerDecreased)?;
	let elapsed = now.saturating_sub(last.at);
	if distance as u64 > max_distance(elapsed, max_speed_kmh, tolerance) {
		return Err(RejectReason::ImplausibleIncrement);
	}
	Ok(distance)
}

/// The weight that `distance` more kilometres add on a day that already has `km_before`: only
/// kilometres up to the daily cap count, scaled by the behaviour factor.
pub fn added_weight(km_before: Km, distance: Km, daily_cap: Km, behaviour: Perbill) -> u32 {
	let before = behaviour.mul_floor(km_before.min(daily_cap));
	let after = behaviour.mul_floor(km_before.saturating_add(distance).min(daily_cap));
	after.saturating_sub(before)
}

/// How many winners a batch with `participants` draws: `share` of them rounded up, at least
/// one, at most `max_winners`.
pub fn winners_for(participants: u32, share: Perbill, max_winners: u32) -> u32 {
	if participants == 0 {
		return 0;
	}
	share.mul_ceil(participants).max(1).min(max_winners).min(participants)
}
