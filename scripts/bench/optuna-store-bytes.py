#!/usr/bin/env python3
"""Bytes per trial of an Optuna 5.0 SQLite study: 5 params + 5 intermediate values per trial.

Usage: optuna-store-bytes.py [TRIALS]   (run with the peer venv's python)
Prints `optuna op=bytes_per_trial trials=N bytes=B`.
"""
import os
import sys
import tempfile

import optuna

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
optuna.logging.set_verbosity(optuna.logging.WARNING)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "optuna.db")
    study = optuna.create_study(storage=f"sqlite:///{path}", study_name="bytes",
                                sampler=optuna.samplers.RandomSampler(seed=1))
    base = os.path.getsize(path)
    for _ in range(n):
        t = study.ask()
        x = [t.suggest_float(f"x{i}", -5.0, 5.0) for i in range(3)]
        t.suggest_int("n", 1, 256, log=True)
        t.suggest_categorical("act", ["relu", "tanh", "gelu"])
        for step in range(5):
            t.report(sum(v * v for v in x) / (step + 1), step)
        study.tell(t, sum(v * v for v in x))
    import sqlite3
    c = sqlite3.connect(path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    size = os.path.getsize(path)
    print(f"optuna op=bytes_per_trial trials={n} bytes={(size - base) / n:.0f}")
