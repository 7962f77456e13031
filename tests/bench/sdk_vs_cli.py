"""Gatehouse's CLI against what users would otherwise script with Meta's Python Business SDK.

Two jobs an agency does at scale, each measured three ways against the same emulator binary with
the same latency added to every Graph request (`faults.latency_ms` through the emulator's control
endpoint; 50 ms is a plausible round trip to graph.facebook.com), every sample on a fresh emulator
process (`scale:10000`) so no state carries over from one sample to the next:

1. Listing the business's 10,000 ad accounts (`GET /{business}/owned_ad_accounts`, the fields
   `gatehouse assets list` asks for):
   - SDK, the usual way: `Business(id).get_owned_ad_accounts(..., params={"limit": 25})` iterated
     to the end with the SDK's Cursor;
   - SDK, the careful way: the same with `limit` 500, the edge's maximum page;
   - `gatehouse assets list ad-accounts --json`, one whole process, its output parsed.
   The floor is the fewest round trips any client needs (pages of 500: 20) times the latency.
2. Assigning 1,000 ad accounts to a regular system user with ADVERTISE and ANALYZE
   (`POST /{ad_account}/assigned_users`):
   - SDK, the usual way: `AdAccount(id).create_assigned_user(...)` once per account, in sequence;
   - SDK, the careful way: the same calls through `api.new_batch()`, 50 per batch (Meta's
     maximum), one batch after another, as the SDK's documentation shows;
   - `gatehouse assign ad-accounts … --json` (batches of 50, 4 in flight), one whole process.
   The floor is ceil(1000 / 50) = 20 batches, 4 in flight: 5 round trips times the latency.
   Every sample is checked in the emulator's state: exactly the 1,000 accounts are assigned to the
   system user, once each, with the tasks asked.

Each method's HTTP request count comes from the emulator's request log. Times are medians: of
`--runs` samples, or `--usual-runs` for the two SDK usual ways (400 and 1,000 sequential requests,
20 s and 50 s a sample at 50 ms). The SDK runs inside this process (no interpreter start-up in its
times); the CLI is timed as a whole process, start-up included.

    ~/.cache/gatehouse/venv/bin/python tests/bench/sdk_vs_cli.py \\
        --emulator $CARGO_TARGET_DIR/release/gatehouse-emulator \\
        --cli $CARGO_TARGET_DIR/release/gatehouse --runs 3 --latency-ms 50 --json bench.json

Prints a table and writes every figure to the `--json` file; exits 1 when a result is wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Callable

import facebook_business
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.business import Business
from facebook_business.api import FacebookAdsApi, FacebookResponse
from facebook_business.session import FacebookSession

ACCOUNTS = 10_000
ASSIGNED = 1_000
USUAL_PAGE = 25  # Graph's default page size
MAX_PAGE = 500  # the ad-account edges' maximum page
BATCH_SIZE = 50  # Meta's maximum operations per batch
CLI_IN_FLIGHT = 4  # batches `gatehouse assign` keeps in flight
FIELDS = ["id", "account_id", "name"]  # what `gatehouse assets list ad-accounts` asks for
TASKS = ["ADVERTISE", "ANALYZE"]
PROFILE = "bench"


class BenchFailure(Exception):
    """A method gave a wrong result or the emulator refused a call: the figures mean nothing."""


class Emulator:
    """One `gatehouse-emulator --fixture scale:10000` process, its manifest and control endpoint."""

    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "--fixture", f"scale:{ACCOUNTS}", "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise BenchFailure(f"{binary} exited ({self.proc.returncode}) before its manifest")
        self.manifest: dict[str, Any] = json.loads(line)
        self.url: str = self.manifest["url"]
        self.business: dict[str, Any] = next(
            b for b in self.manifest["businesses"] if b["admin_token"] and b["apps"]
        )

    def control(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            f"{self.manifest['control_url']}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "x-emulator-control": self.manifest["control_secret"],
                "content-type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def set_latency(self, ms: int) -> None:
        self.control("PUT", "/faults", {"latency_ms": ms})

    def clear_log(self) -> int:
        """Empties the request log; returns the sequence number the next request will get."""
        return self.control("DELETE", "/requests")["next_seq"]

    def requests_since(self, seq: int) -> list[dict[str, Any]]:
        return self.control("GET", f"/requests?since={seq}")["requests"]

    def close(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class World:
    """A fresh emulator with what every method needs set up before the clock starts: Meta's SDK
    pointed at it, a new regular system user, the 1,000 ad accounts to assign and a CLI profile."""

    emulator: Emulator
    api: FacebookAdsApi
    business_id: str
    system_user_id: str
    to_assign: list[str]
    cli: str
    cli_env: dict[str, str]
    secrets: str

    def run_cli(self, args: list[str]) -> tuple[float, dict[str, Any]]:
        """Runs `gatehouse --profile bench --secrets-stdin --json ARGS`: the wall time from spawn
        to parsed output, and the output."""
        argv = [self.cli, "--profile", PROFILE, "--secrets-stdin", "--json", *args]
        start = time.perf_counter()
        done = subprocess.run(
            argv, input=self.secrets, capture_output=True, text=True, env=self.cli_env, timeout=600
        )
        out = json.loads(done.stdout) if done.stdout.strip() else {}
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchFailure(
                f"gatehouse {' '.join(args[:3])} … exited {done.returncode}: "
                f"{json.dumps(out.get('error', out))[:2000]}\n{done.stderr[-2000:]}"
            )
        return seconds, out


def start_world(emulator_bin: str, cli: str, workdir: Path) -> World:
    emulator = Emulator(emulator_bin)
    try:
        business = emulator.business
        app = business["apps"][0]
        # Meta's SDK, unmodified, as crates/gatehouse-emulator/tests/sdk/test_official_sdk.py
        # drives it: every URL is built from the session's GRAPH (set on this session rather than
        # the class). Built without FacebookAdsApi.init, which would install the SDK's crash
        # reporter (it posts uncaught exceptions to Meta). With the app secret the SDK signs every
        # call (appsecret_proof), as in production and as Gatehouse does.
        session = FacebookSession(app["id"], app["secret"], business["admin_token"])
        session.GRAPH = emulator.url
        api = FacebookAdsApi(session, api_version=emulator.manifest["api_version"])
        system_user = Business(business["id"], api=api).create_system_user(
            params={"name": "Bench Assignments", "role": "EMPLOYEE"}
        )
        accounts = Business(business["id"], api=api).get_owned_ad_accounts(
            fields=["id"], params={"limit": MAX_PAGE}
        )
        to_assign = [a["id"] for a in islice(accounts, ASSIGNED)]

        # The CLI as its own tests drive it: a profile pointing at the emulator, added with the
        # secrets on stdin and the in-memory keyring; later commands read them from stdin.
        env = {
            **os.environ,
            "GATEHOUSE_CONFIG_DIR": str(workdir),
            "GATEHOUSE_DATA_DIR": str(workdir),
        }
        env.pop("GATEHOUSE_KEYRING", None)
        secrets = f"{business['admin_token']}\n{app['secret']}\n"
        added = subprocess.run(
            [cli, "--base-url", emulator.url, "profile", "add", PROFILE,
             "--business", business["id"], "--app", app["id"], "--json"],
            input=secrets, capture_output=True, text=True, timeout=60,
            env={**env, "GATEHOUSE_KEYRING": "mock"},
        )
        if added.returncode != 0:
            raise BenchFailure(f"gatehouse profile add exited {added.returncode}: {added.stdout}")
        return World(emulator, api, business["id"], system_user["id"], to_assign, cli, env, secrets)
    except BaseException:
        emulator.close()
        raise


# ----- listing -----------------------------------------------------------------------------------


def sdk_list(world: World, limit: int) -> tuple[float, list[str]]:
    start = time.perf_counter()
    cursor = Business(world.business_id, api=world.api).get_owned_ad_accounts(
        fields=FIELDS, params={"limit": limit}
    )
    ids = [account["id"] for account in cursor]
    return time.perf_counter() - start, ids


def cli_list(world: World) -> tuple[float, list[str]]:
    seconds, out = world.run_cli(["assets", "list", "ad-accounts"])
    return seconds, [asset["id"] for asset in out["assets"]]


def check_listing(world: World, ids: list[str] | None) -> None:
    ids = ids or []
    owned = world.emulator.control("GET", "/state")["businesses"]
    counts = next(b for b in owned if b["id"] == world.business_id)["owned_counts"]
    distinct = {i for i in ids if i.startswith("act_")}
    if len(ids) != ACCOUNTS or len(distinct) != ACCOUNTS or counts["owned_ad_accounts"] != ACCOUNTS:
        raise BenchFailure(
            f"listed {len(ids)} ad accounts ({len(distinct)} distinct act_ ids) of "
            f"{counts['owned_ad_accounts']} owned, {ACCOUNTS} expected"
        )


# ----- assigning ---------------------------------------------------------------------------------


def assign_params(world: World) -> dict[str, Any]:
    return {"user": world.system_user_id, "tasks": TASKS}


def sdk_assign_one_by_one(world: World) -> tuple[float, None]:
    start = time.perf_counter()
    for account_id in world.to_assign:
        AdAccount(account_id, api=world.api).create_assigned_user(params=assign_params(world))
    return time.perf_counter() - start, None


def sdk_assign_batched(world: World) -> tuple[float, None]:
    failures: list[str] = []

    def failed(response: FacebookResponse) -> None:
        failures.append(f"{response.status()}: {response.body()}")

    start = time.perf_counter()
    for first in range(0, len(world.to_assign), BATCH_SIZE):
        batch = world.api.new_batch()
        for account_id in world.to_assign[first : first + BATCH_SIZE]:
            AdAccount(account_id, api=world.api).create_assigned_user(
                params=assign_params(world), batch=batch, failure=failed
            )
        unanswered = batch.execute()  # the operations Meta answered with null, to retry
        if unanswered is not None:
            failures.append(f"{len(unanswered)} operations of a batch answered null")
    seconds = time.perf_counter() - start
    if failures:
        raise BenchFailure(f"{len(failures)} batched assignments failed, first: {failures[0]}")
    return seconds, None


def cli_assign(world: World) -> tuple[float, None]:
    seconds, out = world.run_cli(
        ["assign", "ad-accounts", *world.to_assign,
         "--system-user", world.system_user_id, "--tasks", ",".join(TASKS)]
    )
    if out["succeeded"] != ASSIGNED:
        raise BenchFailure(f"gatehouse assign: {out['succeeded']} of {ASSIGNED} succeeded")
    return seconds, None


def check_assignments(world: World, _: list[str] | None) -> None:
    state = world.emulator.control("GET", "/state")
    mine = [a for a in state["assignments"] if a["user"] == world.system_user_id]
    per_asset = Counter(a["asset"] for a in mine)
    duplicated = [asset for asset, n in per_asset.items() if n > 1]
    wrong_tasks = [a for a in mine if sorted(a["tasks"]) != sorted(TASKS)]
    missing = set(world.to_assign) - set(per_asset)
    if len(mine) != ASSIGNED or duplicated or missing or wrong_tasks:
        raise BenchFailure(
            f"{len(mine)} assignments to the system user ({ASSIGNED} expected), "
            f"{len(duplicated)} duplicated, {len(missing)} missing, "
            f"{len(wrong_tasks)} with other tasks than {TASKS}"
        )


# ----- harness -----------------------------------------------------------------------------------

# A method does the job on a fresh world and returns its wall time and what it listed (if any).
Run = Callable[[World], tuple[float, list[str] | None]]


@dataclass
class Method:
    key: str
    label: str
    usual: bool  # one of the slow SDK usual ways, sampled --usual-runs times
    run: Run
    # Untimed set-up on the fresh emulator, before the latency and the request count start.
    prepare: Callable[[World], None] | None = None


def confirm_chained_paging(world: World) -> None:
    """`gatehouse doctor` on the profile: the emulator accepts chained cursors, so the profile's
    listings chain their pages from then on (the product rule: only after a check confirmed it)."""
    _, report = world.run_cli(["doctor"])
    probe = next((p for p in report.get("probes", []) if p["probe"] == "paging.chained"), None)
    if probe is None or probe["status"] != "ok":
        raise BenchFailure(f"the doctor did not confirm chained paging: {json.dumps(probe)}")


@dataclass
class Scenario:
    key: str
    title: str
    methods: list[Method]
    floor_round_trips: int
    floor_how: str
    check: Callable[[World, list[str] | None], None]


SCENARIOS = [
    Scenario(
        "listing",
        f"Listing {ACCOUNTS:,} ad accounts",
        [
            Method("sdk_usual", f"SDK, limit {USUAL_PAGE} (Cursor)", True,
                   lambda world: sdk_list(world, USUAL_PAGE)),
            Method("sdk_careful", f"SDK, limit {MAX_PAGE} (Cursor)", False,
                   lambda world: sdk_list(world, MAX_PAGE)),
            Method("gatehouse_cli", "gatehouse assets list (process)", False, cli_list),
            Method("gatehouse_cli_chained", "gatehouse assets list, chained paging (process)",
                   False, cli_list, confirm_chained_paging),
        ],
        math.ceil(ACCOUNTS / MAX_PAGE),
        f"ceil({ACCOUNTS} / {MAX_PAGE}) pages, in sequence (each needs the last cursor)",
        check_listing,
    ),
    Scenario(
        "assigning",
        f"Assigning {ASSIGNED:,} ad accounts to a system user",
        [
            Method("sdk_usual", "SDK, one call per account", True, sdk_assign_one_by_one),
            Method("sdk_careful", f"SDK, batches of {BATCH_SIZE} in sequence", False,
                   sdk_assign_batched),
            Method("gatehouse_cli", f"gatehouse assign (process, {CLI_IN_FLIGHT} in flight)",
                   False, cli_assign),
        ],
        math.ceil(math.ceil(ASSIGNED / BATCH_SIZE) / CLI_IN_FLIGHT),
        f"ceil({ASSIGNED} / {BATCH_SIZE}) batches, {CLI_IN_FLIGHT} in flight",
        check_assignments,
    ),
]


@dataclass
class Sample:
    seconds: float
    requests: int


def take_sample(args: argparse.Namespace, scenario: Scenario, method: Method) -> Sample:
    """One method on a fresh emulator: timed, its requests counted, its result checked."""
    with tempfile.TemporaryDirectory(prefix="gatehouse-bench-") as workdir:
        world = start_world(args.emulator, args.cli, Path(workdir))
        try:
            if method.prepare:
                method.prepare(world)
            world.emulator.set_latency(args.latency_ms)
            seq = world.emulator.clear_log()
            seconds, listed = method.run(world)
            log = world.emulator.requests_since(seq)
            scenario.check(world, listed)
        finally:
            world.emulator.close()
    refused = [e for e in log if e["status"] >= 400 or e["fault"]]
    if refused:
        first = refused[0]
        raise BenchFailure(
            f"{method.label}: {len(refused)} requests answered with an error, first "
            f"{first['method']} {first['path']} {first['params']} -> {first['status']} "
            f"code {first['error_code']}"
        )
    return Sample(seconds, len(log))


def summarise(
    scenario: Scenario, samples: dict[str, list[Sample]], latency_ms: int
) -> dict[str, Any]:
    floor = scenario.floor_round_trips * latency_ms / 1000
    methods: dict[str, Any] = {}
    for method in scenario.methods:
        taken = samples[method.key]
        median = statistics.median(s.seconds for s in taken)
        methods[method.key] = {
            "label": method.label,
            "seconds_median": round(median, 4),
            "seconds": [round(s.seconds, 4) for s in taken],
            "requests": statistics.median_low(s.requests for s in taken),
            "requests_runs": [s.requests for s in taken],
            "over_floor": round(median / floor, 2),
        }
    gatehouse = methods["gatehouse_cli"]["seconds_median"]
    return {
        "title": scenario.title,
        "floor": {
            "round_trips": scenario.floor_round_trips,
            "seconds": floor,
            "how": scenario.floor_how,
        },
        "methods": methods,
        "careful_over_gatehouse": round(methods["sdk_careful"]["seconds_median"] / gatehouse, 2),
        "usual_over_gatehouse": round(methods["sdk_usual"]["seconds_median"] / gatehouse, 2),
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{result['title']}")
    print(f"  {'method':<44} {'median s':>9} {'runs':>5} {'requests':>9} {'x floor':>8} "
          f"{'x Gatehouse':>12}")
    gatehouse = result["methods"]["gatehouse_cli"]["seconds_median"]
    for m in result["methods"].values():
        print(
            f"  {m['label']:<44} {m['seconds_median']:>9.2f} {len(m['seconds']):>5} "
            f"{m['requests']:>9} {m['over_floor']:>8.1f} {m['seconds_median'] / gatehouse:>12.1f}"
        )
    floor = result["floor"]
    print(f"  {'floor':<44} {floor['seconds']:>9.2f} {'':>5} {floor['round_trips']:>9} {1:>8.1f}")
    print(f"  (floor: {floor['how']}, times the latency)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emulator", required=True, help="the gatehouse-emulator binary")
    parser.add_argument("--cli", required=True, help="the gatehouse binary")
    parser.add_argument("--runs", type=int, default=3, help="samples per method (median)")
    parser.add_argument("--usual-runs", type=int, default=1,
                        help="samples of the two SDK usual ways (20 s and 50 s each at 50 ms)")
    parser.add_argument("--latency-ms", type=int, default=50, help="added to every Graph request")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if args.runs < 1 or args.usual_runs < 1 or args.latency_ms < 1:
        parser.error("--runs, --usual-runs and --latency-ms must be at least 1")

    environment = {
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "facebook_business": facebook_business.__version__,
        "emulator": str(Path(args.emulator).resolve()),
        "cli": str(Path(args.cli).resolve()),
    }
    print(
        f"{ACCOUNTS:,} ad accounts (scale:{ACCOUNTS}), {args.latency_ms} ms added to every "
        f"request, {args.runs} runs ({args.usual_runs} of the SDK usual ways), "
        f"{os.cpu_count()} cores, load average {environment['load_average_at_start'][0]}.",
        file=sys.stderr,
    )
    samples: dict[str, dict[str, list[Sample]]] = {
        s.key: {m.key: [] for m in s.methods} for s in SCENARIOS
    }
    try:
        # Run by run, so a change of machine load touches every method alike.
        for run in range(max(args.runs, args.usual_runs)):
            for scenario in SCENARIOS:
                for method in scenario.methods:
                    if run >= (args.usual_runs if method.usual else args.runs):
                        continue
                    sample = take_sample(args, scenario, method)
                    samples[scenario.key][method.key].append(sample)
                    print(
                        f"run {run + 1}: {scenario.key} {method.label}: {sample.seconds:.2f} s, "
                        f"{sample.requests} requests",
                        file=sys.stderr,
                    )
    except BenchFailure as e:
        print(f"bench failed: {e}", file=sys.stderr)
        return 1

    result: dict[str, Any] = {
        "latency_ms": args.latency_ms,
        "runs": args.runs,
        "usual_runs": args.usual_runs,
        "environment": environment,
    }
    for scenario in SCENARIOS:
        result[scenario.key] = summarise(scenario, samples[scenario.key], args.latency_ms)
        print_table(result[scenario.key])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
