//! The point-to-leaf rule: points drawn in `[0, total)` from a batch's randomness.

use sp_io::hashing::blake2_256;

use crate::{LeafRange, DRAW_TAG};

/// Point `i` of the draw seeded by `randomness` over `[0, total)`; `None` when `total` is 0.
///
/// `⌊x · total / 2^128⌋` for `x` the first 16 bytes (little-endian) of
/// `blake2_256(b"valley/msum/draw" ++ randomness ++ i_le)`: uniform to within `2^-128` a value.
pub fn point(randomness: &[u8; 32], total: u64, i: u32) -> Option<u64> {
	if total == 0 {
		return None;
	}
	let mut preimage = [0u8; 16 + 32 + 4];
	preimage[..16].copy_from_slice(DRAW_TAG);
	preimage[16..48].copy_from_slice(randomness);
	preimage[48..].copy_from_slice(&i.to_le_bytes());
	let hash = blake2_256(&preimage);
	let mut x = [0u8; 16];
	x.copy_from_slice(&hash[..16]);
	Some(multiply_shift(u128::from_le_bytes(x), total))
}

/// Points `0..n` of the draw seeded by `randomness` over `[0, total)`; none when `total` is 0.
pub fn points(randomness: [u8; 32], total: u64, n: u32) -> impl Iterator<Item = u64> {
	(0..n).filter_map(move |i| point(&randomness, total, i))
}

/// Whether `point` falls in the leaf that owns `range`: `start <= point < end`.
pub fn point_in(range: &LeafRange, point: u64) -> bool {
	range.contains(point)
}

/// `⌊x · total / 2^128⌋`, always below `total`, without a 192-bit product:
/// `x · total = x_hi · total · 2^64 + x_lo · total`, and the low half's carry into the top 64 bits
/// is `⌊x_lo · total / 2^64⌋`.
pub(crate) fn multiply_shift(x: u128, total: u64) -> u64 {
	let total = u128::from(total);
	let high = (x >> 64) * total;
	let low = ((x & u128::from(u64::MAX)) * total) >> 64;
	// `high ≤ (2^64 - 1)^2` and `low < 2^64`: the sum stays below `2^128`, and its top half below
	// `total`, so both conversions are exact.
	((high + low) >> 64) as u64
}
