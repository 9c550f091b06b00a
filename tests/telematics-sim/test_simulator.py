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
                    answers += [f.fleet(False), f.fleet(True)]
            answers += [f.after(0, 10**6, False), f.after(0, 10**6, True)]
        digest = hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()
        self.assertEqual(digest, "942f7a7e65ffaa90408aacc697b205d9a54b5ec0cf3aff4a5d007a80932bfc5e")
        self.assertEqual([int(c["odometer"]) for c in f.cars][:4], [5135, 33501, 31982, 14794])
        self.assertEqual(f.cars[0]["vin"], "LIMVALLEY00000000")

    def test_every_seventh_car_has_a_violation_and_no_record_fields(self):
        served = fleet("im-valley").fleet(False)["vehicles"]
        self.assertEqual([v["behaviour_ppm"] for v in served[:8]],
                         [1_000_000] * 3 + [800_000] + [1_000_000] * 4)
        self.assertEqual(set(served[0]), {"vehicle", "owner", "activation_ms", "behaviour_ppm"})


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

    def test_a_secret_given_wins_and_an_unknown_programme_is_refused(self):
        get = self.serve("--programme", "gofun", "--secret", "another")
        self.assertEqual(get("/fleet")["vehicles"][1]["vehicle"], sim.vehicle_id(b"another", "LGOFUNCUB00000001"))
        refused = subprocess.run([sys.executable, "-B", SCRIPT, "--programme", "nio"], capture_output=True, text=True)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("invalid choice", refused.stderr)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    unittest.main()
