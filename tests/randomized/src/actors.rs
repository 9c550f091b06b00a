//! Who calls: the development accounts of the `development` preset and extra actors derived
//! from the run's seed.

use codec::Encode;
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use valley_runtime::AccountId;

/// What an actor is for. Every actor can still call anything: roles only make valid calls likely.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
	/// Alice … Ferdie: endowed at genesis; Alice is the sudo key and the Aura authority, Ferdie
	/// the development oracle operator.
	Dev,
	/// Owners of vehicles: funded with Stones by root at the start, paid by the mileage draws.
	Owner,
	/// Accounts without Stones: wrong origins, and crystals-only accounts that open boxes
	/// fee-free.
	Stranger,
	/// Oracle operators added by root (besides Ferdie), with their own oracle keys.
	Operator,
	/// Task issuers added by root.
	Issuer,
}

/// One actor: its key (which signs its transactions, its oracle feeds) and account.
pub struct Actor {
	pub name: String,
	pub role: Role,
	pub pair: sr25519::Pair,
	pub account: AccountId,
}

/// Every actor of the run, by index.
pub struct Actors {
	pub all: Vec<Actor>,
}

/// How many actors of each derived role.
const OWNERS: u32 = 16;
const STRANGERS: u32 = 12;
const OPERATORS: u32 = 3;
const ISSUERS: u32 = 3;

/// Index of Alice (sudo key, Aura authority) and Ferdie (development oracle).
pub const ALICE: usize = 0;
pub const BOB: usize = 1;
pub const FERDIE: usize = 5;

impl Actors {
	/// The development accounts, then owners, strangers, operators and issuers derived from
	/// `seed`.
	pub fn new(seed: u64) -> Self {
		let mut all: Vec<Actor> = Sr25519Keyring::invulnerable()
			.map(|k| Actor {
				name: format!("{k:?}"),
				role: Role::Dev,
				pair: k.pair(),
				account: k.to_account_id(),
			})
			.collect();
		for (role, count, label) in [
			(Role::Owner, OWNERS, "owner"),
			(Role::Stranger, STRANGERS, "stranger"),
			(Role::Operator, OPERATORS, "operator"),
			(Role::Issuer, ISSUERS, "issuer"),
		] {
			for i in 0..count {
				let secret =
					sp_io::hashing::blake2_256(&(b"valley-randomized", seed, label, i).encode());
				let pair = sr25519::Pair::from_seed(&secret);
				all.push(Actor {
					name: format!("{label}{i}"),
					role,
					account: AccountId::from(pair.public()),
					pair,
				});
			}
		}
		assert_eq!(all[ALICE].name, "Alice");
		assert_eq!(all[FERDIE].name, "Ferdie");
		Self { all }
	}

	/// The indexes of the actors with `role`.
	pub fn with_role(&self, role: Role) -> Vec<usize> {
		(0..self.all.len()).filter(|i| self.all[*i].role == role).collect()
	}

	/// The actor whose account is `who`.
	pub fn index_of(&self, who: &AccountId) -> Option<usize> {
		self.all.iter().position(|a| &a.account == who)
	}

	pub fn account(&self, i: usize) -> AccountId {
		self.all[i].account.clone()
	}

	pub fn count(&self) -> usize {
		self.all.len()
	}
}
