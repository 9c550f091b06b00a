//! A tiny seeded generator (SplitMix64): the whole run follows from its seed.

/// SplitMix64: a 64-bit state, one addition and two multiplications per draw.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
	/// A generator whose draws follow from `seed` alone.
	pub fn new(seed: u64) -> Self {
		Self(seed)
	}

	/// The next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in `0..n`; 0 for `n == 0`.
	pub fn below(&mut self, n: u64) -> u64 {
		((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
	}

	/// Uniform in `lo..=hi` (`lo` if `hi < lo`).
	pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
		if hi <= lo {
			return lo;
		}
		match (hi - lo).checked_add(1) {
			Some(span) => lo + self.below(span),
			None => self.next_u64(),
		}
	}

	/// True with probability `p` percent.
	pub fn percent(&mut self, p: u64) -> bool {
		self.below(100) < p
	}

	/// True with probability `1 / n`.
	pub fn one_in(&mut self, n: u64) -> bool {
		self.below(n) == 0
	}

	/// A uniform index into a slice of `len` items (0 for an empty one).
	pub fn index(&mut self, len: usize) -> usize {
		self.below(len as u64) as usize
	}

	/// A uniform item of `items`, if any.
	pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
		if items.is_empty() {
			None
		} else {
			items.get(self.index(items.len()))
		}
	}

	/// An index drawn with probability proportional to `weights[i]`.
	pub fn weighted(&mut self, weights: &[u32]) -> usize {
		let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
		let mut ticket = self.below(total);
		for (i, w) in weights.iter().enumerate() {
			if ticket < u64::from(*w) {
				return i;
			}
			ticket -= u64::from(*w);
		}
		weights.len().saturating_sub(1)
	}

	/// `N` random bytes.
	pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
		let mut out = [0u8; N];
		for chunk in out.chunks_mut(8) {
			let word = self.next_u64().to_le_bytes();
			chunk.copy_from_slice(&word[..chunk.len()]);
		}
		out
	}

	/// `len` random bytes.
	pub fn vec(&mut self, len: usize) -> Vec<u8> {
		(0..len).map(|_| self.next_u64() as u8).collect()
	}

	/// Fewer than `max` random bytes.
	pub fn vec_below(&mut self, max: usize) -> Vec<u8> {
		let len = self.index(max);
		self.vec(len)
	}
}
