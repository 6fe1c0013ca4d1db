"""Fuzz the readers for a set time: `python benchmarks/fuzz_readers.py --seconds 60`.

Hypothesis generates source files — text in UTF-8/GB18030/Big5/UTF-16 (truncated,
spliced with junk, with stray BOMs), HTML (scripts, styles, broken tags, deep
nesting), JSON Lines (broken lines, odd fields, surrogate escapes, huge numbers,
deep nesting) and random bytes, under matching and mismatching suffixes — and
feeds them to `pipeline.read.read_bytes` and `pipeline.read.decode`.

A crash is any exception (`decode` may raise only a one-line ValueError that is
not a raw codec error), an input taking longer than --timeout seconds, or output
breaking the readers' contract (tests/fuzz/strategies.py `check_read`): every
item a RawDoc or a one-line ReadError, every document's strings encodable as
UTF-8 (Parquet needs that). Each crash is shrunk to a minimal input, printed,
and saved under --save when given. Runs rounds of --round examples with fresh
seeds until time is up, then prints the number of inputs tried and of distinct
crashes; exit status 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hseed  # noqa: E402

from pipeline.read import decode, read_bytes  # noqa: E402
from tests.fuzz.strategies import check_read, reader_input  # noqa: E402


class Hang(Exception):
    """One input took longer than the per-input timeout."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang("one input took longer than the per-input timeout")


def run_one(data: bytes, suffix: str) -> None:
    """The property: both entry points handle `data` within their contract."""
    try:
        text, enc = decode(data)
        assert isinstance(text, str) and isinstance(enc, str)
    except ValueError as err:
        assert not isinstance(err, UnicodeError), f"decode leaked a codec error: {err}"
        assert "\n" not in str(err), "decode's error is not one line"
    source = f"fuzz{suffix}"
    check_read(source, list(read_bytes(source, data, suffix)))


@dataclass
class Campaign:
    deadline: float
    timeout: int
    tried: int = 0
    rounds: int = 0
    crashes: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # signature → (data, suffix, traceback)
    failing: tuple[bytes, str] | None = None  # the last input that failed in this round (the shrunk one at the end)

    def check(self, case: tuple[bytes, str]) -> None:
        if time.monotonic() > self.deadline and self.failing is None:
            return  # out of time: the rest of the round passes trivially
        self.tried += 1
        signal.alarm(self.timeout)
        try:
            run_one(*case)
        except BaseException:
            self.failing = case
            raise
        finally:
            signal.alarm(0)

    def round(self, seed: int, examples: int) -> None:
        self.rounds += 1
        self.failing = None

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
            print_blob=False,
        )
        @hseed(seed)
        @given(reader_input())
        def fuzz(case: tuple[bytes, str]) -> None:
            self.check(case)

        try:
            fuzz()
        except Exception as err:  # noqa: BLE001 - every failure is a finding
            data, suffix = self.failing or (b"", "")
            tb = "".join(traceback.format_exception(err))
            frames = [line.strip() for line in tb.splitlines() if line.strip().startswith("File ")]
            signature = f"{type(err).__name__} at {frames[-1] if frames else '?'}"
            if signature not in self.crashes or len(data) < len(self.crashes[signature][0]):
                self.crashes[signature] = (data, suffix, tb)
            print(
                f"round {self.rounds} (seed {seed}): {signature}; input {suffix!r}, {len(data)} bytes: {data[:200]!r}", flush=True
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="How long to fuzz (default 60).")
    ap.add_argument("--round", type=int, default=500, help="Examples per hypothesis round (default 500).")
    ap.add_argument("--timeout", type=int, default=20, help="Seconds one input may take (default 20).")
    ap.add_argument("--seed", type=int, help="Seed for the rounds' seeds (default: random).")
    ap.add_argument("--save", type=Path, help="Directory to write each crashing input to.")
    args = ap.parse_args(argv)

    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    started = time.monotonic()
    camp = Campaign(deadline=started + args.seconds, timeout=args.timeout)
    try:
        while time.monotonic() < camp.deadline:
            camp.round(rng.getrandbits(64), args.round)
    except KeyboardInterrupt:
        print("interrupted")
    elapsed = time.monotonic() - started
    print(
        f"\nfuzzed the readers for {elapsed:.0f}s: {camp.tried} inputs tried in {camp.rounds} rounds, "
        f"{len(camp.crashes)} distinct crashes"
    )
    for sig, (data, suffix, tb) in camp.crashes.items():
        shown = data if len(data) <= 1000 else data[:1000] + b"..."
        print(f"\n== {sig}\nminimal input ({suffix!r}, {len(data)} bytes): {shown!r}\n{tb[-3000:]}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / (hashlib.sha1(data).hexdigest()[:12] + (suffix or ".noext"))).write_bytes(data)
    return 1 if camp.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
