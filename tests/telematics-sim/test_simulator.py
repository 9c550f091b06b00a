#!/usr/bin/env python3
"""Tests of the telematics simulator (scripts/telematics-sim): IM Valley's fleet as it always was,
GoFun's fleet (its ids, behaviour factors and twins) and the reception-time guarantee operators
rely on. No chain involved; about a second.

    python3 -B tests/telematics-sim/test_simulator.py
"""

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.request

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "telematics-sim")


def load():
    loader = importlib.machinery.SourceFileLoader("telematics_sim", SCRIPT)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("telematics_sim", loader))
    loader.exec_module(module)
    return module


sim = load()


class FrozenClock:
    """Replaces the simulator's wall clock with one the test moves (and that moves `step` ms each
    time it is read)."""

    def __init__(self, start_ms=1_700_000_000_000, step=0):
        self.ms = start_ms
        self.step = step
        self.saved = sim.wall_ms

    def read(self):
        self.ms += self.step
        return self.ms - self.step

    def __enter__(self):
        sim.wall_ms = self.read
        return self

    def __exit__(self, *_):
        sim.wall_ms = self.saved


def fleet(programme, cars=20, idle=0.2, backwards=1, seed=1, time_scale=1.0):
    secret = sim.PROGRAMMES[programme]["secret"].encode()
    return sim.Fleet(cars, idle, backwards, seed, time_scale, secret, sim.DEV_OWNERS, programme)


def odometers(f):
    """Each car's served odometer readings, in order."""
    by_car = {}
    for reading in f.readings:
        by_car.setdefault(reading["car"], []).append(reading["odometer_km"])
    return by_car


class ImValley(unittest.TestCase):
    def test_the_default_fleet_and_its_readings_are_unchanged(self):
        # The digest of what the simulator served before --programme existed (commit 1b41c06):
        # the fleet, honest and lying, and 300 ticks of readings of the default 20 cars, seed 1,
        # on a clock that moves 6 s a tick.
        with FrozenClock() as clock:
            f = sim.Fleet(20, 0.2, 1, 1, 1.0, sim.DEFAULT_SECRET.encode(), sim.DEV_OWNERS)
            answers = []
            for t in range(300):
                clock.ms += 6000
                f.tick(6)
                if t % 50 == 0:
                    honest, lying = f.fleet(False), f.fleet(True)
                    # Newer than that commit: when the service recorded each owner (its start,
                    # the liar's "sale" of car 0 as it answers).
                    self.assertTrue(all(v.pop("owner_since_ms") == f.start_ms for v in honest["vehicles"]))
                    self.assertEqual(lying["vehicles"][0].pop("owner_since_ms"), lying["now_ms"])
                    self.assertTrue(all(v.pop("owner_since_ms") == f.start_ms for v in lying["vehicles"][1:]))
                    answers += [honest, lying]
            answers += [f.after(0, 10**6, False), f.after(0, 10**6, True)]
        digest = hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()
        self.assertEqual(digest, "942f7a7e65ffaa90408aacc697b205d9a54b5ec0cf3aff4a5d007a80932bfc5e")
        self.assertEqual([int(c["odometer"]) for c in f.cars][:4], [5135, 33501, 31982, 14794])
        self.assertEqual(f.cars[0]["vin"], "LIMVALLEY00000000")

    def test_every_seventh_car_has_a_violation_and_no_record_fields(self):
        served = fleet("im-valley").fleet(False)["vehicles"]
        self.assertEqual([v["behaviour_ppm"] for v in served[:8]],
                         [1_000_000] * 3 + [800_000] + [1_000_000] * 4)
        self.assertEqual(set(served[0]), {"vehicle", "owner", "owner_since_ms", "activation_ms", "behaviour_ppm"})

    def test_behaviour_factors_at_a_time_list_only_the_cars_below_a_clean_record(self):
        f = fleet("im-valley")
        honest = f.behaviour(123, False)
        self.assertEqual(honest["at_ms"], 123)
        # Every seventh car from car 3 has a violation.
        self.assertEqual(honest["factors"],
                         [{"vehicle": f.cars[i]["vehicle"], "behaviour_ppm": 800_000} for i in (3, 10, 17)])
        # The lying feed clears car 3's violation and zeroes car 2.
        lying = {v["vehicle"]: v["behaviour_ppm"] for v in f.behaviour(123, True)["factors"]}
        self.assertEqual(lying, {f.cars[2]["vehicle"]: 0, f.cars[10]["vehicle"]: 800_000,
                                 f.cars[17]["vehicle"]: 800_000})


class GoFun(unittest.TestCase):
    def test_ids_factors_and_records(self):
        f = fleet("gofun", cars=14)
        served = f.fleet(False)["vehicles"]
        secret = b"gofun-development-service-secret"
        self.assertEqual(served[3]["vehicle"], sim.vehicle_id(secret, "LGOFUNCUB00000003"))
        self.assertEqual([v["behaviour_ppm"] for v in served],
                         [1_000_000, 1_000_000, 1_000_000, 900_000, 1_000_000, 750_000, 675_000] * 2)
        self.assertEqual([v["violations"] for v in served[:7]], [0, 0, 0, 1, 0, 0, 1])
        self.assertEqual([v["claims"] for v in served[:7]], [0, 0, 0, 0, 0, 1, 1])
        self.assertEqual([v["owner"] for v in served[:7]], [sim.DEV_OWNERS[i % 6] for i in range(7)])
        self.assertEqual(sim.gofun_ppm(2, 2), 1_000_000 * 9 // 10 * 9 // 10 * 3 // 4 * 3 // 4)

    def test_the_lying_feed_clears_car_3s_record(self):
        served = fleet("gofun", cars=7).fleet(True)["vehicles"]
        self.assertEqual((served[3]["behaviour_ppm"], served[3]["violations"], served[3]["claims"]),
                         (1_000_000, 0, 0))
        self.assertEqual(served[2]["behaviour_ppm"], 0)
        self.assertEqual(served[0]["owner"], sim.THIEF)

    def test_a_car_with_a_record_drives_exactly_as_its_predecessor(self):
        for seed in range(1, 21):
            f = fleet("gofun", cars=21, idle=0.5, backwards=0, seed=seed, time_scale=1.5)
            for _ in range(400):
                f.tick(2)
            served = odometers(f)
            for i, car in enumerate(f.cars):
                if i % 7 not in (3, 5, 6):
                    self.assertFalse(car["twin"])
                    continue
                self.assertTrue(car["twin"])
                self.assertEqual(car["kind"], f.cars[i - 1]["kind"], f"seed {seed}, car {i}")
                mine, theirs = served[i], served[i - 1]
                # Every tick the same kilometres (so the same days, capped alike): its weight is its
                # own factor applied to its predecessor's kilometres.
                self.assertEqual([b - a for a, b in zip(mine, mine[1:])],
                                 [b - a for a, b in zip(theirs, theirs[1:])], f"seed {seed}, car {i}")
            # Car 6 drives as car 5, which drives as car 4.
            self.assertEqual(served[6][-1] - served[6][0], served[4][-1] - served[4][0])

    def test_the_faulty_cars_stay_faulty(self):
        f = fleet("gofun", cars=20, backwards=1)
        self.assertEqual(f.cars[19]["kind"], "backwards")  # 19 % 7 == 5: a record, yet no twin
        self.assertFalse(f.cars[19]["twin"])
        self.assertEqual(f.cars[19]["behaviour_ppm"], 750_000)


class Reception(unittest.TestCase):
    def test_a_tick_shares_one_reception_time_after_every_answer(self):
        for programme in sim.PROGRAMMES:
            with FrozenClock(step=1) as clock:  # a millisecond passes at every read
                f = fleet(programme, cars=9)
                f.tick(6)
                answered = f.after(0, 500, False)["now_ms"]
                clock.step, clock.ms = 0, clock.ms - 1000  # the wall clock steps back
                f.tick(6)
                clock.ms += 5000
                f.tick(6)
            stamps = [r["received_ms"] for r in f.readings]
            self.assertEqual(stamps[:9], [stamps[0]] * 9)
            self.assertLess(stamps[0], answered)
            self.assertEqual(stamps[9:18], [answered + 1] * 9)
            self.assertEqual(stamps[18:], [clock.ms] * 9)


class Garbage(unittest.TestCase):
    """--garbage-at and --clock-back-at: one bad record, or one tick stamped early, for the
    operators' quarantine and clamp (issue 26)."""

    def run_fleet(self, ticks=12, **injections):
        with FrozenClock() as clock:
            f = sim.Fleet(5, 0.2, 1, 1, 1.0, sim.DEFAULT_SECRET.encode(), sim.DEV_OWNERS, **injections)
            notes = []
            for _ in range(ticks):
                clock.ms += 6000
                notes.append(f.tick(6))
        return f, notes

    def test_garbage_at_records_one_more_reading_of_car_0(self):
        plain, _ = self.run_fleet()
        f, notes = self.run_fleet(garbage_at=30)
        served = f.after(0, 500, False)["readings"]
        garbage = [r for r in served if r["odometer_km"] == 5_000_000_000]
        # The first tick at least 30 s in is the fifth (6 s a tick): right after car 0's reading.
        self.assertEqual(len(garbage), 1)
        self.assertEqual(garbage[0]["seq"], 4 * 5 + 2)
        self.assertEqual(garbage[0]["vehicle"], f.fleet(False)["vehicles"][0]["vehicle"])
        self.assertEqual(garbage[0]["odometer_km"], sim.GARBAGE_KM)
        self.assertGreater(sim.GARBAGE_KM, 2**32 - 1)
        before = served[garbage[0]["seq"] - 2]
        self.assertEqual((before["vehicle"], before["received_ms"], before["timestamp_ms"]),
                         (garbage[0]["vehicle"], garbage[0]["received_ms"], garbage[0]["timestamp_ms"]))
        self.assertEqual([r["seq"] for r in served], list(range(1, 5 * 12 + 2)))
        # Everything else is as without it, the lying feed's inflation too.
        for liar in (False, True):
            rest = [dict(r, seq=0) for r in f.after(0, 500, liar)["readings"] if r["odometer_km"] < 2**32]
            self.assertEqual(rest, [dict(r, seq=0) for r in plain.after(0, 500, liar)["readings"]])
        self.assertEqual([len(n) for n in notes], [0] * 4 + [1] + [0] * 7)
        self.assertIn("reading 22 of car 0", notes[4][0])

    def test_garbage_at_0_is_in_the_first_tick(self):
        f, _ = self.run_fleet(ticks=2, garbage_at=0)
        self.assertEqual([r["seq"] for r in f.readings if r["odometer_km"] == sim.GARBAGE_KM], [2])

    def test_clock_back_at_stamps_one_tick_early(self):
        plain, _ = self.run_fleet()
        f, notes = self.run_fleet(clock_back_at=30, clock_back_ms=20_000)
        stamps = [r["received_ms"] for r in f.after(0, 500, False)["readings"]]
        ticks = [stamps[i:i + 5] for i in range(0, len(stamps), 5)]
        plain_ticks = [[r["received_ms"] for r in plain.readings][i:i + 5] for i in range(0, 60, 5)]
        # The fifth tick is stamped 20 s early: below the fourth tick's; the sixth is on time.
        self.assertEqual(ticks[4], [plain_ticks[4][0] - 20_000] * 5)
        self.assertLess(ticks[4][0], ticks[3][0])
        self.assertEqual(ticks[:4] + ticks[5:], plain_ticks[:4] + plain_ticks[5:])
        self.assertEqual([len(n) for n in notes], [0] * 4 + [1] + [0] * 7)
        self.assertIn("readings 21 to 25 stamped 20000 ms back", notes[4][0])
        # Nothing else changes.
        strip = lambda readings: [dict(r, received_ms=0) for r in readings]
        self.assertEqual(strip(f.readings), strip(plain.readings))


class CommandLine(unittest.TestCase):
    def serve(self, *args):
        child = subprocess.Popen([sys.executable, "-B", SCRIPT, "--port", "0", *args],
                                 stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (child.kill(), child.wait(), child.stdout.close()))
        line = child.stdout.readline()
        self.assertIn("telematics simulator:", line)
        url = line.split(" on ")[1].strip()

        def get(path):
            with urllib.request.urlopen(url + path, timeout=10) as response:
                return json.load(response)
        return get

    def test_each_programme_has_its_own_default_secret(self):
        for programme, vin in [("im-valley", "LIMVALLEY00000000"), ("gofun", "LGOFUNCUB00000000")]:
            get = self.serve("--programme", programme, "--cars", "7", "--tick", "0.2")
            secret = sim.PROGRAMMES[programme]["secret"].encode()
            vehicles = get("/fleet")["vehicles"]
            self.assertEqual(vehicles[0]["vehicle"], sim.vehicle_id(secret, vin))
            self.assertEqual(get("/salt?batch=5")["salt"], sim.batch_salt(secret, 5))
            self.assertEqual("claims" in vehicles[0], programme == "gofun")

    def test_garbage_at_serves_one_odometer_beyond_u32(self):
        get = self.serve("--cars", "3", "--tick", "0.2", "--garbage-at", "0", "--clock-back-at", "0.3")
        car0 = get("/fleet")["vehicles"][0]["vehicle"]
        readings = []
        for _ in range(100):
            readings = get("/readings?after=0&limit=500")["readings"]
            if len(readings) >= 10:
                break
            time.sleep(0.1)
        garbage = [(r["seq"], r["vehicle"]) for r in readings if r["odometer_km"] == 5_000_000_000]
        self.assertEqual(garbage, [(2, car0)])
        stamps = [r["received_ms"] for r in readings]
        self.assertEqual(sum(1 for a, b in zip(stamps, stamps[1:]) if b < a), 1)
        self.assertEqual(len(readings), 4 + 3 * ((len(readings) - 4) // 3))

    def test_bad_injections_are_refused(self):
        for args in (["--garbage-at", "-1"], ["--clock-back-at", "x"], ["--clock-back-ms", "0"],
                     ["--cars", "0", "--garbage-at", "5"]):
            refused = subprocess.run([sys.executable, "-B", SCRIPT, *args], capture_output=True, text=True)
            self.assertEqual(refused.returncode, 2, args)

    def test_a_secret_given_wins_and_an_unknown_programme_is_refused(self):
        get = self.serve("--programme", "gofun", "--secret", "another")
        self.assertEqual(get("/fleet")["vehicles"][1]["vehicle"], sim.vehicle_id(b"another", "LGOFUNCUB00000001"))
        refused = subprocess.run([sys.executable, "-B", SCRIPT, "--programme", "nio"], capture_output=True, text=True)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("invalid choice", refused.stderr)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    unittest.main()
