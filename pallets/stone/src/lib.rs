//! # Stone
//!
//! IM Valley's monetary policy: the hard cap of 300,000,000 STONE in a mileage mining pool
//! (210,000,000) and an educational pool (90,000,000), and the schedule that releases the mining
//! pool in batches every ten minutes, halving like Bitcoin's block subsidy.
//!
//! This crate holds the schedule as pure functions ([`schedule`]); the pallet that closes batches
//! and mints from the pools builds on them.

#![cfg_attr(not(feature = "std"), no_std)]

pub mod schedule;
