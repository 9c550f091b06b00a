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
//!
//! ## Garbage: quarantine, drop, clamp
//!
//! One garbage record never stops the follower: the buffer holds [`Record`]s, and each decision
//! below depends only on the service's sequence, so every operator, whatever its page
//! boundaries, page limits or restarts, buffers the same records and its ledger reaches the same
//! state ([`parse_page`] judges each record from its own fields):
//!
//! - **Quarantine.** A record whose odometer does not fit `u32`, whose fields are malformed or
//!   whose vehicle id does not read is buffered as [`Record::Quarantined`] in its place, and the
//!   cursor moves past it. Applied, it changes no car: it is kept with its reason for the car's
//!   owner, or in the ledger's quarantine list when it names no car ([`crate::ledger`]).
//! - **Drop.** A `seq` served twice keeps its first record; a record at or before the cursor is
//!   never read again. (A second copy may be served or not depending on where pages end, so it
//!   must change nothing: it is dropped and counted.) A record without a `seq` is ignored.
//! - **Clamp.** A `received_ms` below the one before it in the sequence (the service's clock
//!   stepped back), in a page or across pages, is raised to the running maximum
//!   ([`clamp_received`]): the record is taken as received at the largest `received_ms` before
//!   it. The clamped times never decrease with `seq`, so a cut-off still takes a prefix, and a
//!   reading read past a cut-off still proves that every reading after it is past it too. The
//!   running maximum depends only on the records before it, so every operator clamps alike
//!   (a restarted follower starts again from the first record and 0).
//!
//! The clamp cannot mend the service's other promise, that a reading recorded after an answer
//! with `now_ms = X` is received after X: a reading recorded after its clock stepped back to
//! below an answer's `now_ms` may fall in a batch some operators already built without it (only
//! if its running maximum is still at or before the cut-off). Those operators' root differs for
//! that batch alone (it carries over if no majority agrees); the ledgers agree again once the
//! reading is applied, since the records are the same and in the same order.
//!
//! Only an answer unusable whole (not JSON, a `next` going back, an HTTP error) stops a fetch:
//! nothing of that page is used, the pages before stay read, and the next fetch asks again from
//! the cursor.

use std::collections::VecDeque;

use crate::{
	http::{HttpError, Service},
	ledger::Ledger,
	telematics::{
		clamp_received, parse_page, readings_path, to_hex32, Page, PageError, Record, PAGE_LIMIT,
	},
};

const LOG_TARGET: &str = "valley-operator";

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
	/// A page that cannot be used at all.
	Page(PageError),
}

/// What the follower set aside or mended so far, for the operator's logs and tests. Which
/// records were quarantined is the ledger's business; these counts also depend on the pages (a
/// duplicate is counted only when served with its first copy) and are not part of any root.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anomalies {
	/// Records read as quarantined.
	pub quarantined: u64,
	/// Records dropped because their `seq` was served before them in the same answer.
	pub duplicates: u64,
	/// Records without a `seq`, ignored.
	pub unreadable: u64,
	/// Records whose `received_ms` was raised to the running maximum.
	pub clamped: u64,
}

/// The service's records read so far: a cursor, the buffer of those not applied yet, and how far
/// the service's clock is known to be caught up with.
#[derive(Clone, Debug, Default)]
pub struct Follower {
	cursor: u64,
	buffer: VecDeque<Record>,
	service_now_ms: u64,
	last_received_ms: u64,
	applied_received_ms: u64,
	anomalies: Anomalies,
}

impl Follower {
	/// A follower that reads the service from its first reading.
	pub fn new() -> Self {
		Self::default()
	}

	/// Reads pages of [`PAGE_LIMIT`] records after the cursor into the buffer, until a page is
	/// not full (the service had nothing more: its `now_ms` is then the caught-up time) or
	/// `max_pages` were read. Returns the number of records read, quarantined ones included.
	pub fn fetch(&mut self, service: &impl Service, max_pages: u32) -> Result<usize, FetchError> {
		let mut read = 0;
		for _ in 0..max_pages {
			let (status, body) =
				service.get(&readings_path(self.cursor, PAGE_LIMIT)).map_err(FetchError::Http)?;
			if status != 200 {
				return Err(FetchError::Status { status });
			}
			let mut page = parse_page(&body, self.cursor).map_err(FetchError::Page)?;
			let (received, clamped) = clamp_received(&mut page.records, self.last_received_ms);
			self.note(&page, clamped, received);
			self.last_received_ms = received;
			read += page.records.len();
			self.buffer.extend(page.records);
			self.cursor = page.next;
			if page.served < PAGE_LIMIT as usize {
				self.service_now_ms = self.service_now_ms.max(page.now_ms);
				break;
			}
		}
		Ok(read)
	}

	/// Counts and logs what a page set aside.
	fn note(&mut self, page: &Page, clamped: usize, received_ms: u64) {
		for record in &page.records {
			let Record::Quarantined(quarantined) = record else { continue };
			self.anomalies.quarantined += 1;
			log::warn!(
				target: LOG_TARGET,
				"reading {} of {} quarantined: {:?} (odometer {} km, kept in the ledger)",
				quarantined.seq,
				quarantined.vehicle.as_ref().map_or_else(|| "no readable vehicle".into(), to_hex32),
				quarantined.reason,
				quarantined.odometer,
			);
		}
		let counts = [
			(page.duplicates, "served again under a sequence number already read: dropped"),
			(page.unreadable, "without a sequence number: ignored"),
			(clamped, "received before the reading before them: taken as received at its time"),
		];
		for (count, what) in counts {
			if count > 0 {
				log::warn!(
					target: LOG_TARGET,
					"{count} records after {} {what} (up to {received_ms} ms)",
					self.cursor
				);
			}
		}
		self.anomalies.duplicates += page.duplicates as u64;
		self.anomalies.unreadable += page.unreadable as u64;
		self.anomalies.clamped += clamped as u64;
	}

	/// Whether every reading received by `cutoff_ms` has been read: one received after it was,
	/// or the service was caught up with at a time past it.
	pub fn complete_through(&self, cutoff_ms: u64) -> bool {
		self.last_received_ms > cutoff_ms || self.service_now_ms > cutoff_ms
	}

	/// Applies the buffered records received by `cutoff_ms` to `ledger`, in `seq` order
	/// ([`Ledger::apply_record`]); returns how many. Those received later stay buffered.
	pub fn apply_through(&mut self, ledger: &mut Ledger, cutoff_ms: u64) -> usize {
		let mut applied = 0;
		while let Some(record) = self.buffer.front().filter(|r| r.received_ms() <= cutoff_ms) {
			// Refused and quarantined records are kept by the ledger: nothing to do with the
			// result here.
			let _ = ledger.apply_record(record);
			self.applied_received_ms = self.applied_received_ms.max(record.received_ms());
			self.buffer.pop_front();
			applied += 1;
		}
		applied
	}

	/// The last sequence number read.
	pub fn cursor(&self) -> u64 {
		self.cursor
	}

	/// The records read and not applied yet, in `seq` order.
	pub fn buffer(&self) -> &VecDeque<Record> {
		&self.buffer
	}

	/// The latest `now_ms` of an answer that had nothing more: every reading received by then
	/// has been read.
	pub fn service_now_ms(&self) -> u64 {
		self.service_now_ms
	}

	/// The `received_ms` of the last record read, clamped (0 before any): the running maximum.
	pub fn last_received_ms(&self) -> u64 {
		self.last_received_ms
	}

	/// The latest `received_ms` applied (0 before any): a cut-off before it can no longer be
	/// built, the ledger holds readings past it.
	pub fn applied_received_ms(&self) -> u64 {
		self.applied_received_ms
	}

	/// What was set aside or mended so far.
	pub fn anomalies(&self) -> Anomalies {
		self.anomalies
	}
}

#[cfg(test)]
mod tests {
	use std::cell::RefCell;

	use super::*;
	use crate::{
		ledger::QuarantinedRecord,
		testing::{reading, FakeService, RULES},
		types::{RejectReason, VehicleId},
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
			assert!(follower.buffer().iter().zip(1..).all(|(record, seq)| record.seq() == seq));
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

	/// A service that serves fixed records (each with the key it is filtered by: `seq > after`,
	/// as a real service's query would) at most `page` at a time, or `broken` instead when set.
	struct Paged {
		records: Vec<(u64, String)>,
		page: usize,
		broken: RefCell<Option<String>>,
	}

	impl Service for Paged {
		fn get(&self, path: &str) -> Result<(u16, Vec<u8>), HttpError> {
			if let Some(body) = self.broken.borrow().clone() {
				return Ok((200, body.into_bytes()));
			}
			let param = |name: &str| -> usize {
				let query = path.split_once('?').unwrap().1;
				let value = query.split('&').find_map(|pair| pair.strip_prefix(name)).unwrap();
				value.strip_prefix('=').unwrap().parse().unwrap()
			};
			let (after, limit) = (param("after") as u64, param("limit"));
			let served: Vec<&(u64, String)> = self
				.records
				.iter()
				.filter(|(key, _)| *key > after)
				.take(limit.min(self.page))
				.collect();
			let next = served.last().map_or(after, |(key, _)| *key);
			let records: Vec<&str> = served.iter().map(|(_, json)| json.as_str()).collect();
			let body = format!(
				r#"{{"readings":[{}],"next":{next},"now_ms":{}}}"#,
				records.join(","),
				u64::MAX / 2
			);
			Ok((200, body.into_bytes()))
		}
	}

	fn record_json(seq: &str, car: u8, km: &str, timestamp: &str, received: &str) -> String {
		format!(
			r#"{{"seq":{seq},"vehicle":"{}","odometer_km":{km},"timestamp_ms":{timestamp},"received_ms":{received}}}"#,
			to_hex32(&[car; 32])
		)
	}

	const MINUTE: u64 = 60_000;

	/// Forty readings of cars 0 to 2, one a minute, with every kind of garbage among them.
	fn garbage_feed() -> Vec<(u64, String)> {
		let mut odometers = [1_000u64, 2_000, 3_000];
		let mut feed = Vec::new();
		for seq in 1..=40u64 {
			let car = (seq % 3) as u8;
			odometers[car as usize] += seq % 4;
			let received = match seq {
				// The service's clock stepped back 3.5 minutes, then caught up.
				12 => 12 * MINUTE - 200_000,
				13 => 13 * MINUTE - 200_000,
				_ => seq * MINUTE,
			};
			let (seq_text, km, received) =
				(seq.to_string(), odometers[car as usize].to_string(), received.to_string());
			let timestamp = (seq * MINUTE - 500).to_string();
			let json = |km: &str| record_json(&seq_text, car, km, &timestamp, &received);
			match seq {
				// Issue 26's odometer.
				5 => feed.push((seq, json("5000000000"))),
				9 => feed.push((seq, json("1").replace(&to_hex32(&[car; 32]), "0x12"))),
				// Served twice: the first copy wins.
				15 => feed.extend([(seq, json(&km)), (seq, json("1"))]),
				20 => feed.push((seq, json("-3"))),
				22 => feed
					.push((seq, json(&km).replace(&format!(r#""timestamp_ms":{timestamp},"#), ""))),
				// Without a `seq`: served after reading 25 when the page has room.
				25 => feed.extend([(seq, json(&km)), (seq, json(&km).replace(r#""seq":25,"#, ""))]),
				// Twice, the first copy garbage.
				30 => feed.extend([(seq, json("99999999999")), (seq, json(&km))]),
				_ => feed.push((seq, json(&km))),
			}
		}
		feed
	}

	/// Reads the whole feed in pages of `page`, with at most `pages` a fetch.
	fn follow(page: usize, pages: u32) -> Follower {
		let service = Paged { records: garbage_feed(), page, broken: RefCell::new(None) };
		let mut follower = Follower::new();
		for _ in 0..100 {
			follower.fetch(&service, pages).unwrap();
		}
		assert_eq!(follower.cursor(), 40, "pages of {page}");
		follower
	}

	#[test]
	fn any_page_boundaries_give_the_same_ledger_as_one_big_page() {
		let mut whole = follow(1_000, 1);
		assert_eq!(whole.buffer().len(), 40);
		// Cut-offs: before the clock stepped back, at the running maximum it was clamped to, and
		// past everything.
		let cutoffs = [10 * MINUTE, 11 * MINUTE, 20 * MINUTE, u64::MAX];
		let mut reference = Vec::new();
		let mut ledger = Ledger::new(RULES);
		for cutoff in cutoffs {
			let applied = whole.apply_through(&mut ledger, cutoff);
			reference.push((applied, ledger.clone()));
		}
		// Readings 12 and 13 were received "before" 11: taken as received with it.
		assert_eq!(
			reference.iter().map(|(applied, _)| *applied).collect::<Vec<_>>(),
			[10, 3, 7, 20]
		);
		assert_eq!(
			whole.anomalies(),
			Anomalies { quarantined: 5, duplicates: 2, unreadable: 1, clamped: 2 }
		);
		let car = |byte: u8| [byte; 32];
		let reasons = |vehicle: VehicleId| -> Vec<(u64, RejectReason)> {
			ledger.rejected(&vehicle).iter().map(|r| (r.seq, r.reason)).collect()
		};
		assert_eq!(
			reasons(car(2)),
			[(5, RejectReason::OdometerOutOfRange), (20, RejectReason::OdometerOutOfRange)]
		);
		assert_eq!(reasons(car(1)), [(22, RejectReason::MalformedReading)]);
		assert_eq!(reasons(car(0)), [(30, RejectReason::OdometerOutOfRange)]);
		assert_eq!(
			ledger.quarantined(),
			[QuarantinedRecord {
				seq: 9,
				received_ms: 9 * MINUTE,
				reason: RejectReason::BadVehicleId
			}]
		);
		// Every car drove on past its garbage.
		for byte in 0..3 {
			let start = 1_000 * (u32::from(byte) + 1);
			let (odometer, _) = ledger.car(&car(byte)).unwrap().last().unwrap();
			assert!((start + 10..start + 100).contains(&odometer), "{byte}: {odometer}");
		}

		for (page, pages) in
			[(1, 1), (1, 7), (2, 1), (3, 2), (7, 3), (14, 1), (15, 1), (16, 1), (39, 1), (40, 1)]
		{
			let mut follower = follow(page, pages);
			let mut ledger = Ledger::new(RULES);
			for (cutoff, (applied, expected)) in cutoffs.iter().zip(&reference) {
				assert_eq!(
					follower.apply_through(&mut ledger, *cutoff),
					*applied,
					"{page}: {cutoff}"
				);
				assert_eq!(&ledger, expected, "pages of {page}, cut-off {cutoff}");
			}
			// What was dropped depends on the pages; what was quarantined and clamped does not.
			let anomalies = follower.anomalies();
			assert_eq!((anomalies.quarantined, anomalies.clamped), (5, 2), "{page}");
		}
	}

	#[test]
	fn garbage_is_set_aside_and_the_cursor_moves_on() {
		// Reading 501 is received before reading 500; reading 2's odometer is beyond `u32`.
		let service = feed(600);
		service.edit(501, |reading| reading.received_ms = 1);
		service.set_raw_odometer(2, u64::MAX);
		service.set_now(u64::MAX);
		let mut follower = Follower::new();
		assert_eq!(follower.fetch(&service, 10).unwrap(), 600);
		assert_eq!((follower.cursor(), follower.buffer().len()), (600, 600));
		assert_eq!(follower.buffer()[500].received_ms(), 5_000);
		assert!(matches!(
			follower.buffer()[1],
			Record::Quarantined(q) if q.reason == RejectReason::OdometerOutOfRange && q.seq == 2
		));
		assert_eq!(
			follower.anomalies(),
			Anomalies { quarantined: 1, duplicates: 0, unreadable: 0, clamped: 1 }
		);
		// Through 5,000: reading 501 with the readings received by then, not one before.
		let mut ledger = Ledger::new(RULES);
		assert_eq!(follower.apply_through(&mut ledger, 4_999), 499);
		assert_eq!(follower.apply_through(&mut ledger, 5_000), 2);
		assert_eq!(ledger.rejected(&[1; 32])[0].reason, RejectReason::OdometerOutOfRange);
		assert!(follower.complete_through(5_009));
	}

	#[test]
	fn unusable_answers_stop_the_fetch_keeping_the_pages_read() {
		let service = feed(3);
		service.set_status(500);
		let error = Follower::new().fetch(&service, 10).unwrap_err();
		assert!(matches!(error, FetchError::Status { status: 500 }), "{error:?}");

		let service = Paged { records: garbage_feed(), page: 10, broken: RefCell::new(None) };
		let mut follower = Follower::new();
		follower.fetch(&service, 1).unwrap();
		let table = [
			("<html>502 Bad Gateway</html>", PageError::MalformedJson),
			(r#"{"readings":[],"next":3,"now_ms":1}"#, PageError::CursorWentBack { next: 3 }),
		];
		for (body, expected) in table {
			*service.broken.borrow_mut() = Some(body.into());
			let error = follower.fetch(&service, 10).unwrap_err();
			assert!(matches!(&error, FetchError::Page(page) if *page == expected), "{error:?}");
			assert_eq!((follower.cursor(), follower.buffer().len()), (10, 10));
		}
		// Once the service answers again, the follower goes on from its cursor.
		*service.broken.borrow_mut() = None;
		for _ in 0..10 {
			follower.fetch(&service, 10).unwrap();
		}
		assert_eq!(follower.cursor(), 40);
	}
}
