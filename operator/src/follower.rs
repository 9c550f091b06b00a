//! Following the service's readings, and knowing when a batch's cut-off is complete.
//!
//! Batch `b`'s weights are those of every reading with `received_ms ≤ close_ms`: a prefix of the
//! service's sequence, since `received_ms` never decreases with `seq`. The [`Follower`] reads
//! pages after its cursor into a buffer ([`Follower::fetch`]), says whether it has the whole
//! prefix of a cut-off ([`Follower::complete_through`]) and applies it to the ledger
//! ([`Follower::apply_through`]); readings past the cut-off wait in the buffer.
//!
//! The prefix is complete once the follower has read a reading received after the cut-off, or
//! an answer whose `now_ms` is past it and that had nothing more (fewer readings than asked for):
//! the service promises that every reading it records after an answer with `now_ms = X` has
//! `received_ms > X`.

use std::collections::VecDeque;

use crate::{
	http::{HttpError, Service},
	ledger::Ledger,
	telematics::{parse_page, readings_path, PageError, PAGE_LIMIT},
	types::Reading,
};

/// Why reading the service's pages stopped; the pages read before stay read.
#[derive(Debug)]
pub enum FetchError {
	/// No answer.
	Http(HttpError),
	/// An answer other than `200 OK`.
	Status {
		/// Its status code.
		status: u16,
	},
	/// A page that cannot be used.
	Page(PageError),
	/// A page's first reading was received before the last reading already read.
	ReceivedWentBack {
		/// The reading.
		seq: u64,
	},
}

/// The service's readings read so far: a cursor, the buffer of those not applied yet, and how far
/// the service's clock is known to be caught up with.
#[derive(Clone, Debug, Default)]
pub struct Follower {
	cursor: u64,
	buffer: VecDeque<Reading>,
	service_now_ms: u64,
	last_received_ms: u64,
	applied_received_ms: u64,
}

impl Follower {
	/// A follower that reads the service from its first reading.
	pub fn new() -> Self {
		Self::default()
	}

	/// Reads pages of [`PAGE_LIMIT`] readings after the cursor into the buffer, until a page is
	/// not full (the service had nothing more: its `now_ms` is then the caught-up time) or
	/// `max_pages` were read. Returns the number of readings read.
	pub fn fetch(&mut self, service: &impl Service, max_pages: u32) -> Result<usize, FetchError> {
		let mut read = 0;
		for _ in 0..max_pages {
			let (status, body) =
				service.get(&readings_path(self.cursor, PAGE_LIMIT)).map_err(FetchError::Http)?;
			if status != 200 {
				return Err(FetchError::Status { status });
			}
			let page = parse_page(&body, self.cursor).map_err(FetchError::Page)?;
			if let Some(first) = page.readings.first() {
				if first.received_ms < self.last_received_ms {
					return Err(FetchError::ReceivedWentBack { seq: first.seq });
				}
			}
			if let Some(last) = page.readings.last() {
				self.last_received_ms = last.received_ms;
			}
			read += page.readings.len();
			self.buffer.extend(page.readings);
			self.cursor = page.next;
			if page.served < PAGE_LIMIT as usize {
				self.service_now_ms = self.service_now_ms.max(page.now_ms);
				break;
			}
		}
		Ok(read)
	}

	/// Whether every reading received by `cutoff_ms` has been read: one received after it was,
	/// or the service was caught up with at a time past it.
	pub fn complete_through(&self, cutoff_ms: u64) -> bool {
		self.last_received_ms > cutoff_ms || self.service_now_ms > cutoff_ms
	}

	/// Applies the buffered readings received by `cutoff_ms` to `ledger`, in `seq` order; returns
	/// how many. Those received later stay buffered.
	pub fn apply_through(&mut self, ledger: &mut Ledger, cutoff_ms: u64) -> usize {
		let mut applied = 0;
		while let Some(reading) = self.buffer.front().filter(|r| r.received_ms <= cutoff_ms) {
			// Refused readings are kept by the ledger: nothing to do with the result here.
			let _ = ledger.apply(reading);
			self.applied_received_ms = self.applied_received_ms.max(reading.received_ms);
			self.buffer.pop_front();
			applied += 1;
		}
		applied
	}

	/// The last sequence number read.
	pub fn cursor(&self) -> u64 {
		self.cursor
	}

	/// The readings read and not applied yet, in `seq` order.
	pub fn buffer(&self) -> &VecDeque<Reading> {
		&self.buffer
	}

	/// The latest `now_ms` of an answer that had nothing more: every reading received by then
	/// has been read.
	pub fn service_now_ms(&self) -> u64 {
		self.service_now_ms
	}

	/// The `received_ms` of the last reading read (0 before any).
	pub fn last_received_ms(&self) -> u64 {
		self.last_received_ms
	}

	/// The latest `received_ms` applied (0 before any): a cut-off before it can no longer be
	/// built, the ledger holds readings past it.
	pub fn applied_received_ms(&self) -> u64 {
		self.applied_received_ms
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		testing::{reading, FakeService, RULES},
		types::VehicleId,
	};

	/// `n` readings of car 1, one km each, the `i`-th (from 1) received at `10 × i`.
	fn feed(n: u64) -> FakeService {
		let service = FakeService::default();
		for i in 1..=n {
			service.push(reading(1, i as u32, 10 * i, 10 * i));
		}
		service
	}

	#[test]
	fn pages_are_read_until_one_is_not_full() {
		let table = [
			// (readings, now, max pages, read, requests, caught up at)
			(0, 5, 10, 0, 1, 5),
			(1_200, 12_000, 10, 1_200, 3, 12_000),
			(1_000, 10_000, 10, 1_000, 3, 10_000),
			(1_200, 12_000, 2, 1_000, 2, 0),
			(1_200, 12_000, 0, 0, 0, 0),
			// Readings not recorded yet at `now` are not served.
			(1_200, 5_005, 10, 500, 2, 5_005),
		];
		for (n, now, max_pages, read, requests, caught_up) in table {
			let service = feed(n);
			service.set_now(now);
			let mut follower = Follower::new();
			assert_eq!(follower.fetch(&service, max_pages).unwrap(), read, "{n} {max_pages}");
			assert_eq!(service.requests().len(), requests);
			assert_eq!(follower.cursor(), read as u64);
			assert_eq!(follower.buffer().len(), read);
			assert_eq!(follower.service_now_ms(), caught_up, "{n} {max_pages}");
			assert!(follower.buffer().iter().zip(1..).all(|(reading, seq)| reading.seq == seq));
		}
	}

	#[test]
	fn a_cut_off_is_complete_past_the_last_reading_or_the_caught_up_clock() {
		let service = feed(3);
		service.set_now(25);
		let mut follower = Follower::new();
		follower.fetch(&service, 10).unwrap();
		// Readings received at 10 and 20; caught up at 25.
		let table = [(0, true), (19, true), (20, true), (24, true), (25, false), (1_000, false)];
		for (cutoff, complete) in table {
			assert_eq!(follower.complete_through(cutoff), complete, "{cutoff}");
		}
		// The reading received at 30 is read: complete through 29.
		service.set_now(30);
		follower.fetch(&service, 10).unwrap();
		assert!(follower.complete_through(29));
		assert!(!follower.complete_through(30));
		// A full page says nothing of the clock, its last reading does.
		let service = feed(600);
		service.set_now(u64::MAX);
		let mut follower = Follower::new();
		follower.fetch(&service, 1).unwrap();
		assert_eq!(follower.service_now_ms(), 0);
		assert!(follower.complete_through(4_999));
		assert!(!follower.complete_through(5_000));
	}

	#[test]
	fn readings_are_applied_through_a_cut_off_in_order() {
		let service = FakeService::default();
		let car: VehicleId = [1; 32];
		// Received at 10, 20, 30, 40; the third refused.
		for (odometer, received) in [(100, 10), (101, 20), (90, 30), (102, 40)] {
			service.push(reading(1, odometer, received, received));
		}
		service.set_now(50);
		let mut follower = Follower::new();
		follower.fetch(&service, 10).unwrap();
		let mut ledger = crate::ledger::Ledger::new(RULES);
		let table = [(5, 0, 4), (20, 2, 2), (20, 0, 2), (35, 1, 1), (u64::MAX, 1, 0)];
		for (cutoff, applied, left) in table {
			assert_eq!(follower.apply_through(&mut ledger, cutoff), applied, "{cutoff}");
			assert_eq!(follower.buffer().len(), left);
		}
		assert_eq!(follower.applied_received_ms(), 40);
		assert_eq!(ledger.car(&car).unwrap().last().map(|(km, _)| km), Some(102));
		assert_eq!(ledger.rejected(&car).len(), 1);
	}

	#[test]
	fn bad_answers_stop_the_fetch_keeping_the_pages_read() {
		// Reading 501 is received before reading 500.
		let service = feed(600);
		service.edit(501, |reading| reading.received_ms = 1);
		service.set_now(u64::MAX);
		let mut follower = Follower::new();
		let error = follower.fetch(&service, 10).unwrap_err();
		assert!(matches!(error, FetchError::ReceivedWentBack { seq: 501 }), "{error:?}");
		assert_eq!((follower.cursor(), follower.buffer().len()), (500, 500));

		let service = feed(3);
		service.set_status(500);
		let error = Follower::new().fetch(&service, 10).unwrap_err();
		assert!(matches!(error, FetchError::Status { status: 500 }), "{error:?}");

		let service = feed(3);
		service.set_now(u64::MAX);
		service.set_raw_odometer(2, u64::MAX);
		let error = Follower::new().fetch(&service, 10).unwrap_err();
		assert!(matches!(error, FetchError::Page(PageError::OdometerOutOfRange { seq: 2 })));
	}
}
