"""Every Graph call Gatehouse can make, checked against Meta's official Python Business SDK.

Meta generates the SDK from its API specs, so it is the closest thing to Meta's schema that can be
read offline. Two lists of calls are checked:

- `endpoints.json`: the client's own endpoint table (`Endpoint::all` in gatehouse-graph, written by
  `crates/gatehouse-graph/tests/endpoints_table.rs`): every node type, edge, HTTP method,
  parameter and requested field.
- The emulator's call log (`GATEHOUSE_EMULATOR_CALL_LOG`, one JSON line per call the emulator
  handled) recorded while the CLI tests and the end-to-end tests drove the real client, when the
  test script passes its path in `GATEHOUSE_CONFORMANCE_CALLS`.

A call passes when the SDK has a request for that node type, edge and method, knows each parameter,
and the returned node type has each requested field. What the SDK does not model but Meta's
reference documents is in `edge_fields.json` (fields an edge adds, edges the SDK lacks) or in the
endpoint's own `documented` note (the root endpoints `debug_token`, `oauth/*` and batch), each
with its source.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
from functools import lru_cache
from pathlib import Path

import pytest
from facebook_business.adobjects import abstractcrudobject
import facebook_business.adobjects as adobjects
from facebook_business.api import FacebookAdsApi, FacebookRequest
from facebook_business.session import FacebookSession

HERE = Path(__file__).parent
TABLE = json.loads((HERE / "endpoints.json").read_text())
ALLOW = json.loads((HERE / "edge_fields.json").read_text())["edges"]
GENERIC_PARAMS = {"fields", "summary", "limit", "after", "before", "access_token", "appsecret_proof"}

# A system user's node is the SDK's SystemUser; the edges D-TOK documents for system users
# (`applications`, `access_tokens`, `accounts` for its Page tokens) are on the SDK's User.
SDK_CLASSES = {
    "User": ["User"],
    "SystemUser": ["SystemUser", "User"],
    "Business": ["Business"],
    "Page": ["Page"],
    "AdAccount": ["AdAccount"],
    "ProductCatalog": ["ProductCatalog"],
    "AdsPixel": ["AdsPixel"],
    "InstagramBusinessAsset": ["InstagramBusinessAsset"],
    "WhatsAppBusinessAccount": ["WhatsAppBusinessAccount"],
    "Application": ["Application"],
}

API = FacebookAdsApi(FacebookSession("1", "app-secret", "token"))


@lru_cache(maxsize=None)
def sdk_class(name: str):
    for module in pkgutil.iter_modules(adobjects.__path__):
        if module.name == name.lower():
            return getattr(importlib.import_module(f"facebook_business.adobjects.{module.name}"), name)
    raise LookupError(f"Meta's SDK has no class {name}")


@lru_cache(maxsize=None)
def sdk_requests(class_name: str):
    """{(METHOD, edge or ""): (target class, parameter names)} for one SDK class, read from the
    requests its methods build (called with pending=True, so nothing is sent)."""
    cls = sdk_class(class_name)
    node = cls(fbid="1", api=API)
    out = {}
    for name, _ in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith(("get_", "create_", "delete_", "api_")):
            continue
        try:
            request = getattr(node, name)(pending=True)
        except Exception:  # a method that needs more than `pending` is not an edge request
            continue
        if not isinstance(request, FacebookRequest):
            continue
        checker = request._param_checker
        params = set(checker._type_check_info) if checker is not None else set()
        edge = request._endpoint.strip("/")
        target = request._target_class
        target_name = None if target is abstractcrudobject.AbstractCrudObject else target.__name__
        out[(request._method, edge)] = (target_name, params)
    return out


def node_fields(class_name: str) -> set[str]:
    return {f for f in vars(sdk_class(class_name).Field) if not f.startswith("_")}


def allowed_extra(classes: list[str], edge: str | None) -> tuple[set[str], str | None]:
    """Edge-added fields from edge_fields.json, and the node type an SDK-less edge lists."""
    fields: set[str] = set()
    target = None
    for key in [f"{c}.{edge}" for c in classes] + [f"*.{edge}"]:
        entry = ALLOW.get(key)
        if entry:
            fields |= set(entry.get("fields", []))
            target = target or entry.get("target")
    return fields, target


def problems(call: dict, documented: str | None) -> list[str]:
    """What Meta's SDK does not know about one call (empty when it knows all of it)."""
    node, edge, method = call["node"], call.get("edge"), call["method"]
    where = f"{method} {node}{'/' + edge if edge else ''}"
    if node == "Root":
        path = call.get("path")
        batched = bool(call.get("in_batch") or call.get("batched"))
        same = [e for e in TABLE if e["node"] == "Root" and e["path"] == path and e["method"] == method]
        root = [e for e in same if e["batched"] == batched]
        if same and not root and batched:
            return [f"{where} {path!r} inside a batch: Meta documents it only as a plain {method}"]
        root = [e for e in root if e["documented"]]
        if not root:
            return [f"{where} {path!r}: a root call the client's table does not document"]
        # One path can serve several documented calls (oauth/access_token: the token exchange
        # and the login code's): the call must fit one of them.
        extras = [set(call["params"]) - set(e["params"]) - GENERIC_PARAMS for e in root]
        extra = min(extras, key=len)
        return [f"{where} {path!r}: undocumented parameters {sorted(extra)}"] if extra else []
    classes = SDK_CLASSES.get(node)
    if classes is None:
        return [f"{where}: node type {node} is not one Gatehouse maps to Meta's SDK"]
    found = None
    for c in classes:
        found = sdk_requests(c).get((method, edge or ""))
        if found:
            sdk_where = f"SDK {c}"
            break
    extra_fields, listed = allowed_extra(classes, edge)
    out = []
    if found is None:
        if not (documented or listed):
            return [f"{where}: Meta's SDK ({', '.join(classes)}) has no {method} {edge or 'node read'}"]
        target, params = listed, set()
        sdk_where = "reference"
    else:
        target, params = found
        if edge is None and method == "GET":
            target = target or classes[0]
    unknown = set(call["params"]) - params - GENERIC_PARAMS
    if unknown:
        out.append(f"{where}: {sdk_where} does not take parameters {sorted(unknown)}")
    if call["fields"]:
        if target is None:
            out.append(f"{where}: fields asked of an answer the SDK does not type")
        else:
            missing = set(call["fields"]) - node_fields(target) - extra_fields
            if missing:
                out.append(f"{where}: {target} has no fields {sorted(missing)} ({sdk_where})")
    return out


@pytest.mark.parametrize(
    "endpoint",
    TABLE,
    ids=[f"{e['name']}:{e['method']}:{e['node']}/{e['edge'] or e['path'] or ''}" for e in TABLE],
)
def test_every_client_call_is_known_to_metas_sdk(endpoint):
    assert problems(endpoint, endpoint["documented"]) == []


def test_documented_exceptions_cite_a_source():
    for e in TABLE:
        if e["documented"]:
            assert "facebook.com" in e["documented"], e
    for key, entry in ALLOW.items():
        assert entry["source"] and entry["fields"] is not None, key


def test_the_checker_refuses_what_meta_lacks():
    """The check itself: calls Meta's schema does not have are reported."""
    bad = [
        {"node": "SystemUser", "edge": "assigned_pixels", "method": "GET", "params": [], "fields": ["id"]},
        {"node": "SystemUser", "edge": "applications", "method": "GET", "params": [], "fields": ["id"]},
        {"node": "SystemUser", "edge": "assigned_whatsapp_business_accounts", "method": "GET", "params": [], "fields": ["permitted_tasks"]},
        {"node": "AdsPixel", "edge": "assigned_users", "method": "DELETE", "params": ["user"], "fields": []},
        {"node": "AdAccount", "edge": "assigned_users", "method": "POST", "params": ["user", "tasks", "business"], "fields": []},
        {"node": "Business", "edge": "client_apps", "method": "GET", "params": [], "fields": ["id", "permitted_tasks"]},
        {"node": "Root", "path": "oauth/revoke", "method": "GET", "params": ["revoke_token"], "fields": [], "in_batch": True},
        {"node": "Root", "path": "debug_token", "method": "POST", "params": ["input_token"], "fields": []},
    ]
    for call in bad:
        assert problems(call, None), call


def recorded_calls() -> list[dict]:
    path = os.environ.get("GATEHOUSE_CONFORMANCE_CALLS")
    if not path:
        return []
    seen = {}
    for line in Path(path).read_text().splitlines():
        c = json.loads(line)
        call = {
            "node": c["node_type"],
            "edge": c["edge"],
            "path": c["path"],
            "method": c["method"],
            "params": sorted(set(c["params"])),
            "fields": sorted(set(c["fields"])),
            "in_batch": c["in_batch"],
        }
        seen[json.dumps(call, sort_keys=True)] = call
    return list(seen.values())


def test_calls_recorded_during_the_cli_and_end_to_end_walks():
    calls = recorded_calls()
    if os.environ.get("GATEHOUSE_CONFORMANCE_CALLS") is None:
        pytest.skip("no call log given (the test script passes one after the CLI and e2e tests)")
    assert len(calls) > 20, "the walks recorded too few distinct calls to mean anything"
    failures = [p for call in calls for p in problems(call, None)]
    assert failures == [], "\n".join(failures)
