"""Optuna 5.0's TPE (defaults) on the swept quality functions: the best value per seed, for comparing
distributions with `swept-bench quality --per-seed`. Usage: python optuna_quality.py FUNCTION SEEDS [TRIALS]."""
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def rosenbrock(trial, d=10):
    x = [trial.suggest_float(f"x{i}", -5, 10) for i in range(d)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(d - 1))


def styblinski(trial, d=8):
    x = [trial.suggest_float(f"x{i}", -5, 5) for i in range(d)]
    return sum(0.5 * (v**4 - 16 * v**2 + 5 * v) for v in x)


FUNCTIONS = {"rosenbrock10": rosenbrock, "styblinski8": styblinski}


def main() -> None:
    name, seeds = sys.argv[1], int(sys.argv[2])
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    for seed in range(seeds):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(FUNCTIONS[name], n_trials=trials)
        print(f"optuna function={name} seed={seed} best={study.best_value!r}", flush=True)


if __name__ == "__main__":
    main()
