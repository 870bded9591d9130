"""TPE cost per trial in a peer library (Optuna or Rustuna), on swept-bench tpe's space and protocol.

Usage: python peer_tpe.py optuna|rustuna SIZES [--repeats 20] [--clock cpu|wall]
Prints `peer=optuna n=1000 d=9 ms_per_trial=12.345` per size. The study grows with the library's own TPE
(defaults, seed 1); at each size the next `repeats` trials (ask + 9 suggests + tell) are timed.
"""
import argparse
import math
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", choices=["optuna", "rustuna"])
    parser.add_argument("sizes")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    args = parser.parse_args()
    if args.library == "optuna":
        import optuna
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    else:
        import rustuna
        study = rustuna.create_study(sampler=rustuna.samplers.TPESampler(seed=1))
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    count = 0

    def one_trial() -> None:
        trial = study.ask()
        total = 0.0
        for i in range(6):
            x = trial.suggest_float(f"x{i}", -5, 5)
            total += x * x
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        units = trial.suggest_int("units", 1, 256, log=True)
        act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
        total += abs(math.log10(lr) + 3) + abs(units - 64) / 64 + (0 if act == "tanh" else 0.5)
        study.tell(trial.number, total)

    for n in sorted(int(s) for s in args.sizes.split(",") if s):
        while count < n:
            one_trial()
            count += 1
        start = clock()
        for _ in range(args.repeats):
            one_trial()
        count += args.repeats
        ms = (clock() - start) * 1000 / args.repeats
        print(f"peer={args.library} n={n} d=9 ms_per_trial={ms:.3f}", flush=True)


if __name__ == "__main__":
    main()
