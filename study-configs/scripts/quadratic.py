#!/usr/bin/env python3
"""A toy objective for command-python.yaml: reads the trial's parameters as JSON on stdin, "trains" for
a few steps and prints one `swept: step=<k> value=<v>` line per step, then `swept: final value=<v>`."""
import json
import sys
import time

params = json.load(sys.stdin)
x, y = float(params["x"]), int(params["y"])
value = (x - 2.0) ** 2 + (y + 1) ** 2
if params["shape"] == "ridge":
    value += float(params["tilt"]) * abs(x)

steps = 5
for step in range(steps):
    # The value approaches its final level as "training" goes on.
    current = value + (steps - 1 - step) * 0.5
    print(f"swept: step={step} value={current}", flush=True)
    time.sleep(0.05)
print(f"swept: final value={value}", flush=True)
