"""Meta's official Python Business SDK (facebook_business), unmodified, against the emulator.

Starts the emulator binary (GATEHOUSE_EMULATOR_BIN, default $CARGO_TARGET_DIR/debug/gatehouse-emulator
or target/debug/gatehouse-emulator) on a free port, reads its one-line JSON manifest, points the SDK at
it through FacebookSession.GRAPH, then runs the system-user scenario end to end.
"""

import json
import os
import pathlib
import signal
import subprocess

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.business import Business
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.user import User
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession


def emulator_bin():
    explicit = os.environ.get("GATEHOUSE_EMULATOR_BIN")
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        target = pathlib.Path(__file__).resolve().parents[4] / "target"
    return str(pathlib.Path(target) / "debug" / "gatehouse-emulator")


@pytest.fixture(scope="module")
def emulator():
    proc = subprocess.Popen(
        [emulator_bin(), "--fixture", "demo", "--port", "0", "--seed", "7"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line, "the emulator exited before printing its manifest"
        manifest = json.loads(line)
        # The SDK builds every URL from this class attribute.
        FacebookSession.GRAPH = manifest["url"]
        yield manifest
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


@pytest.fixture()
def agency(emulator):
    biz = emulator["businesses"][0]
    app = biz["apps"][0]
    # With app_secret set, the SDK adds appsecret_proof to every call, as in production.
    FacebookAdsApi.init(app["id"], app["secret"], biz["admin_token"], api_version="v26.0")
    return biz


def test_system_user_scenario(agency):
    biz_id = agency["id"]
    app = agency["apps"][0]

    su = Business(biz_id).create_system_user(params={"name": "SDK Server", "role": "EMPLOYEE"})
    su_id = su["id"]
    assert su_id.isdigit()

    account = next(iter(Business(biz_id).get_owned_ad_accounts(params={"limit": 1})))
    page = next(iter(Business(biz_id).get_owned_pages(params={"limit": 1})))

    # The SDK drops `success` from {"success": true}; a Graph error would raise instead.
    AdAccount(account["id"]).create_assigned_user(
        params={"user": su_id, "tasks": ["MANAGE", "ADVERTISE", "ANALYZE"], "business": biz_id}
    )
    Page(page["id"]).create_assigned_user(params={"user": su_id, "tasks": ["ANALYZE", "ADVERTISE"]})
    User(fbid=su_id).create_application(params={"business_app": app["id"]})
    token = User(fbid=su_id).create_access_token(
        params={
            "business_app": app["id"],
            "scope": ["ads_management", "business_management", "pages_show_list"],
        }
    )["access_token"]
    assert token.startswith("EAA")

    debug = FacebookAdsApi.get_default_api().call("GET", ("debug_token",), params={"input_token": token}).json()
    data = debug["data"]
    assert data["type"] == "SYSTEM_USER"
    assert data["is_valid"] is True
    assert data["expires_at"] == 0
    assert data["user_id"] == su_id
    assert data["app_id"] == app["id"]
    scopes = {g["scope"]: g.get("target_ids") for g in data["granular_scopes"]}
    assert scopes["ads_management"] == [account["account_id"]]
    assert scopes["pages_show_list"] == [page["id"]]
    assert scopes["business_management"] == [biz_id]

    assigned = AdAccount(account["id"]).get_assigned_users(params={"business": biz_id})
    mine = [u for u in assigned if u["id"] == su_id]
    assert mine and mine[0]["tasks"] == ["MANAGE", "ADVERTISE", "ANALYZE"]


def test_sdk_cursor_pages_through_the_emulator(agency):
    accounts = Business(agency["id"]).get_owned_ad_accounts(fields=["id", "name"], params={"limit": 500})
    ids = [a["id"] for a in accounts]
    assert len(ids) == len(set(ids)) == 2000


def test_sdk_maps_graph_errors(agency):
    su_id = Business(agency["id"]).create_system_user(params={"name": "SDK Errors"})["id"]
    with pytest.raises(FacebookRequestError) as err:
        User(fbid=su_id).create_access_token(params={"business_app": agency["apps"][0]["id"], "scope": ["ads_read"]})
    # Not installed yet: a Graph error with the documented envelope.
    assert err.value.api_error_code() == 100
    User(fbid=su_id).create_application(params={"business_app": agency["apps"][0]["id"]})
    with pytest.raises(FacebookRequestError) as err:
        User(fbid=su_id).create_access_token(params={"business_app": agency["apps"][0]["id"], "scope": ["ads_magic"]})
    assert err.value.api_error_code() == 3962
    assert err.value.api_transient_error() is False
