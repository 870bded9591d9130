"""Generates the Optuna 5.0.0 differential fixture for SweptTuning's pruners and Parzen estimator.

Run through the wrapper `scripts/optuna-differential` (it picks the peer venv with optuna==5.0.0 and writes
Tests/SweptTuningTests/Fixtures/optuna-differential.json). Usage: python generate.py OUTPUT.json [--seed N]
The output is deterministic for a given seed (default 20261126) and Optuna version.

Every expected value is computed by Optuna itself:
- pruner cases run real Optuna studies (completed / pruned / failed reference trials added with
  `optuna.trial.create_trial` + `study.add_trial`, the checked trial made by `study.ask()`), and record what
  `trial.should_prune()` answers after each of the checked trial's reports;
- Parzen cases build Optuna's internal `_ParzenEstimator` (its argsort made stable, see _StableArgsortNumpy) (the class TPESampler uses) with the sampler's
  default weights function and read the mixture it builds: weights, per-dimension mu/sigma (numerical) or
  kernel rows (categorical), and `log_pdf` at a few points drawn from the mixture itself.

Fixture format (JSON object; every float that is not finite is written as the string "NaN", "Infinity" or
"-Infinity"; all other numbers are plain JSON numbers written with Python's shortest round-trip repr):

{
  "format": 1, "optuna": "5.0.0", "seed": 20261126,
  "pruner_cases": [ {
      "pruner": "median" | "percentile",
      "percentile": 50.0,                 # the percentile (50 for "median")
      "n_startup_trials": 5, "n_warmup_steps": 0, "interval_steps": 1, "n_min_trials": 1,
      "direction": "minimize" | "maximize",
      "history": [                        # trials added before the checked trial, in trial-number order
          {"state": "COMPLETE" | "PRUNED" | "FAIL",
           "value": 1.5 | null,             # the objective value (COMPLETE only)
           "intermediate": [[step, value], ...]}   # ascending steps; value may be "NaN"
      ],
      "reports": [[step, value], ...],    # the checked trial's report() calls, in call order (a repeated
                                          # step is ignored by Optuna and is kept here on purpose)
      "should_prune": [true, false, ...]  # trial.should_prune() right after each report, same length
  } ],
  "parzen_cases": [ {
      "prior_weight": 1.0, "consider_magic_clip": true, "consider_endpoints": false,
      "dims": [                           # the search space in the estimator's order
          {"name": "x0", "kind": "float" | "int" | "categorical",
           "low": -1.0, "high": 1.0,        # numerical only; high already lowered onto the step grid
           "step": 0.5 | null, "log": false,   # numerical only (int step is an integer)
           "n_choices": 3}                  # categorical only
      ],
      "observations": [[...], ...],       # one row per dimension: internal representation (categorical:
                                          # the choice index; int: the value), in trial order
      "weights": [...],                   # mixture weights, observations then the prior (normalized)
      "components": [                     # per dimension
          {"mu": [...], "sigma": [...]}   # numerical: transformed space (log for log), prior last
          | {"rows": [[...], ...]}        # categorical: one kernel row per component, prior last
      ],
      "points": [[...], ...],             # rows = dimensions, internal representation, drawn from the mixture
      "log_pdf": [...]                    # the mixture's log density at each point (column of `points`)
  } ]
}
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe import parzen_estimator as _parzen_module
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
from optuna.trial import TrialState, create_trial


class _StableArgsortNumpy:
    """numpy, except that argsort is stable.

    Optuna sorts the observations with `np.argsort(mus)` to find each one's neighbours. numpy's default sort does
    not define the order of equal values (and it differs between CPUs: AVX-512, AVX2 and generic code paths), so
    which of two equal observations gets which bandwidth is not defined by Optuna. The fixture is generated with
    a stable argsort (equal values keep their trial order), which is what swept does.
    """

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, *args, **kwargs):
        return np.argsort(a, kind="stable")


_parzen_module.np = _StableArgsortNumpy()


def num(x: float) -> float | str:
    """A JSON-safe float: non-finite values become strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


# ---------------------------------------------------------------------------------------------- pruners

def random_value(rng: random.Random, nan_rate: float) -> float:
    if rng.random() < nan_rate:
        return math.nan
    # Few distinct values so ties and equalities with the percentile happen.
    if rng.random() < 0.3:
        return float(rng.randint(0, 6))
    return round(rng.uniform(-3.0, 3.0), 3)


def random_intermediate(rng: random.Random, max_step: int, nan_rate: float) -> dict[int, float]:
    density = rng.choice([0.3, 0.6, 1.0])
    return {s: random_value(rng, nan_rate) for s in range(max_step + 1) if rng.random() < density}


def pruner_case(rng: random.Random) -> dict:
    kind = rng.choice(["median", "percentile"])
    percentile = 50.0 if kind == "median" else rng.choice([0.0, 10.0, 25.0, 33.3, 75.0, 90.0, 100.0])
    n_startup = rng.choice([0, 0, 1, 2, 3, 5])
    warmup = rng.choice([0, 0, 1, 2, 4])
    interval = rng.choice([1, 1, 1, 2, 3, 5])
    n_min = rng.choice([1, 1, 1, 2, 3])
    direction = rng.choice(["minimize", "maximize"])
    nan_rate = rng.choice([0.0, 0.0, 0.1, 0.3])
    max_step = rng.choice([2, 5, 10])

    if kind == "median":
        pruner = optuna.pruners.MedianPruner(n_startup, warmup, interval, n_min_trials=n_min)
    else:
        pruner = optuna.pruners.PercentilePruner(percentile, n_startup, warmup, interval, n_min_trials=n_min)
    study = optuna.create_study(direction=direction, pruner=pruner)

    history = []
    for _ in range(rng.choice([0, 1, 2, 3, 4, 6, 8, 12])):
        state = rng.choices(["COMPLETE", "PRUNED", "FAIL"], weights=[8, 2, 1])[0]
        inter = random_intermediate(rng, max_step, nan_rate)
        value = round(rng.uniform(-3, 3), 3) if state == "COMPLETE" else None
        study.add_trial(create_trial(
            state=TrialState[state], value=value, intermediate_values=inter,
            params={}, distributions={},
        ))
        history.append({
            "state": state, "value": value,
            "intermediate": [[s, num(v)] for s, v in sorted(inter.items())],
        })

    trial = study.ask()
    steps = sorted(random_intermediate(rng, max_step, 0.0).keys()) or [0]
    if rng.random() < 0.15:
        rng.shuffle(steps)
    if rng.random() < 0.15:
        steps.insert(rng.randrange(len(steps) + 1), rng.choice(steps))  # a repeated step: ignored
    reports, decisions = [], []
    for s in steps:
        v = random_value(rng, nan_rate)
        trial.report(v, s)
        reports.append([s, num(v)])
        decisions.append(bool(trial.should_prune()))
    return {
        "pruner": kind, "percentile": percentile, "n_startup_trials": n_startup,
        "n_warmup_steps": warmup, "interval_steps": interval, "n_min_trials": n_min,
        "direction": direction, "history": history, "reports": reports, "should_prune": decisions,
    }


# ------------------------------------------------------------------------------------------------ parzen

KINDS = ["float", "float_step", "float_log", "int", "int_step", "int_log", "categorical"]


def random_distribution(rng: random.Random, kind: str):
    if kind == "float":
        low = round(rng.uniform(-10, 5), 2)
        return FloatDistribution(low, low + rng.choice([0.5, 1.0, 7.5, 20.0]))
    if kind == "float_step":
        low = round(rng.uniform(-5, 5), 1)
        step = rng.choice([0.1, 0.25, 0.5, 1.0, 3.0])
        return FloatDistribution(low, low + step * rng.randint(1, 40) + rng.choice([0.0, step / 3]), step=step)
    if kind == "float_log":
        low = 10 ** rng.uniform(-6, 0)
        return FloatDistribution(low, low * 10 ** rng.uniform(0.5, 6), log=True)
    if kind == "int":
        low = rng.randint(-20, 10)
        return IntDistribution(low, low + rng.randint(1, 60))
    if kind == "int_step":
        low = rng.randint(-20, 10)
        step = rng.choice([2, 3, 5, 10])
        return IntDistribution(low, low + step * rng.randint(1, 20) + rng.randint(0, step - 1), step=step)
    if kind == "int_log":
        low = rng.choice([1, 1, 2, 5, 16])
        return IntDistribution(low, low + rng.choice([1, 3, 30, 255, 5000]), log=True)
    return CategoricalDistribution(list(range(rng.randint(2, 6))))


def random_observation(rng: random.Random, d) -> float:
    if isinstance(d, CategoricalDistribution):
        return float(rng.randrange(len(d.choices)))
    if rng.random() < 0.05:
        return float(rng.choice([d.low, d.high]))
    if d.log:
        x = math.exp(rng.uniform(math.log(d.low), math.log(d.high)))
        if isinstance(d, IntDistribution):
            return float(min(d.high, max(d.low, round(x))))
        return min(d.high, max(d.low, float(f"{x:.6g}")))
    if d.step is not None:
        k = rng.randint(0, int(round((d.high - d.low) / d.step)))
        x = d.low + k * d.step
        return float(round(x, 10)) if isinstance(d, FloatDistribution) else float(x)
    if isinstance(d, IntDistribution):
        return float(rng.randint(d.low, d.high))
    return round(rng.uniform(d.low, d.high), 5)


def describe(name: str, d) -> dict:
    if isinstance(d, CategoricalDistribution):
        return {"name": name, "kind": "categorical", "n_choices": len(d.choices)}
    kind = "int" if isinstance(d, IntDistribution) else "float"
    step = d.step if (isinstance(d, FloatDistribution) and d.step is not None) else None
    if isinstance(d, IntDistribution):
        step = d.step
    return {"name": name, "kind": kind, "low": d.low, "high": d.high, "step": step, "log": d.log}


def parzen_case(rng: random.Random, np_rng: np.random.RandomState, kinds: list[str]) -> dict:
    space = {f"x{i}": random_distribution(rng, k) for i, k in enumerate(kinds)}
    n = rng.choice([0, 1, 2, 2, 3, 4, 5, 7, 10, 15, 24, 25, 26, 27, 30, 40, 50, 90])
    if n > 30 and len(kinds) > 2:
        n = 30
    prior_weight = rng.choice([1.0, 1.0, 1.0, 0.5, 2.0, 0.0])
    if prior_weight == 0.0 and n == 0:
        prior_weight = 1.0
    params = _ParzenEstimatorParameters(
        prior_weight=prior_weight,
        consider_magic_clip=rng.random() < 0.6,
        consider_endpoints=rng.random() < 0.4,
        weights=default_weights,
        multivariate=True,
    )
    observations = {}
    for name, d in space.items():
        column = [random_observation(rng, d) for _ in range(n)]
        if n >= 3 and rng.random() < 0.2:
            column[rng.randrange(n)] = column[rng.randrange(n)]  # a duplicate observation
        observations[name] = column
    pe = _ParzenEstimator({k: np.asarray(v, dtype=float) for k, v in observations.items()}, space, params)
    mixture = pe._mixture_distribution
    components = []
    for dist in mixture.distributions:
        if hasattr(dist, "mu"):
            components.append({"mu": [num(v) for v in dist.mu], "sigma": [num(v) for v in dist.sigma]})
        else:
            components.append({"rows": [[num(v) for v in row] for row in dist.weights]})
    samples = pe.sample(np_rng, 4)
    log_pdf = pe.log_pdf(samples)
    return {
        "prior_weight": prior_weight,
        "consider_magic_clip": params.consider_magic_clip,
        "consider_endpoints": params.consider_endpoints,
        "dims": [describe(name, d) for name, d in space.items()],
        "observations": [observations[name] for name in space],
        "weights": [num(w) for w in mixture.weights],
        "components": components,
        "points": [[num(v) for v in samples[name]] for name in space],
        "log_pdf": [num(v) for v in log_pdf],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--pruner-cases", type=int, default=600)
    parser.add_argument("--parzen-cases", type=int, default=700)
    args = parser.parse_args()
    if optuna.__version__ != "5.0.0":
        sys.exit(f"optuna 5.0.0 expected, found {optuna.__version__}")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")
    rng = random.Random(args.seed)
    np_rng = np.random.RandomState(args.seed)

    pruner_cases = [pruner_case(rng) for _ in range(args.pruner_cases)]
    parzen_cases = []
    for i in range(args.parzen_cases):
        if i < 7 * 60:
            kinds = [KINDS[i % 7]]  # every kind, one dimension at a time
        else:
            kinds = [rng.choice(KINDS) for _ in range(rng.randint(2, 4))]
        parzen_cases.append(parzen_case(rng, np_rng, kinds))

    fixture = {
        "format": 1, "optuna": optuna.__version__, "seed": args.seed,
        "pruner_cases": pruner_cases, "parzen_cases": parzen_cases,
    }
    with open(args.output, "w") as f:
        json.dump(fixture, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    n_decisions = sum(len(c["should_prune"]) for c in pruner_cases)
    n_pruned = sum(sum(c["should_prune"]) for c in pruner_cases)
    print(f"wrote {args.output}: {len(pruner_cases)} pruner cases ({n_decisions} decisions, {n_pruned} prune), "
          f"{len(parzen_cases)} parzen cases", file=sys.stderr)


if __name__ == "__main__":
    main()
