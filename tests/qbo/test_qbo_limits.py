"""Rate limits and retries: stay inside QBO's windows, wait out 429s without losing or doubling
a write, and retry 5xx, timeouts and lost answers only where a requestid makes it safe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clocks import FakeClock
from tests.qbo.qbo_support import Env, make_env
from workbench.qbo.batch import BatchItem
from workbench.qbo.errors import QboFault, QboUnknownOutcome
from workbench.qbo.limits import RealmLimiter, throttle_wait
from workbench.qbo.querylang import Select


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path, rate_limits=True)
    yield environment
    environment.close()


def max_in_window(times: list[float], window: float) -> int:
    best = 0
    start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 0.001, 0.05, 0.3, 1.2, 7.0]), min_size=12, max_size=120))
def test_limiter_never_exceeds_a_window(gaps: list[float]) -> None:
    clock = FakeClock(0.0)
    limiter = RealmLimiter(clock=clock, sleep=clock.advance, per_second=10, per_minute=40)
    admitted = []
    for gap in gaps:
        clock.advance(gap)
        limiter.acquire()
        admitted.append(clock.now)
    assert max_in_window(admitted, 1.0) <= 10
    assert max_in_window(admitted, 60.0) <= 40


def test_a_burst_uses_the_whole_allowance_at_once() -> None:
    clock = FakeClock(0.0)
    limiter = RealmLimiter(clock=clock, sleep=clock.advance)
    for _ in range(10):
        limiter.acquire()
    assert clock.now == 0.0  # ten at once are allowed
    limiter.acquire()
    assert 1.0 <= clock.now <= 1.1  # the eleventh waits for the window to slide


def test_client_stays_inside_qbo_limits(env: Env) -> None:
    client = env.client()
    start = env.clock.now
    for _ in range(520):
        client.query_page("SELECT COUNT(*) FROM Item")
    assert env.emulator.limiter.throttled == 0
    assert env.clock.now - start >= 60.0  # 500 a minute: the last 20 had to wait
    for i in range(42):
        client.batch([BatchItem.select("q", Select("Item").where("Name", "=", f"n{i}"))])
    assert env.emulator.limiter.throttled == 0
    assert client.throttled == 0


def exhaust_realm(env: Env) -> int:
    """Another app spends the rest of this second's allowance on the same company; returns
    the emulator's 429 count afterwards."""
    spent = 0
    while env.emulator.limiter.admit(env.company.realm_id):
        spent += 1
    assert spent >= 8
    return env.emulator.limiter.throttled


def test_429_waits_a_minute_and_the_write_lands_once(env: Env) -> None:
    client = env.client()
    client.company_info()  # refresh out of the way
    refused = exhaust_realm(env)
    customer = client.call("POST", "customer", body={"DisplayName": "Once"}, request_id=None)
    assert customer["Customer"]["DisplayName"] == "Once"
    assert env.slept.count(60.0) == 1  # no Retry-After: the documented 60 s
    assert env.emulator.limiter.throttled == refused + 1
    assert env.emulator.applied_count(entity="Customer") == 1


def test_429_during_a_batch_posts_every_item_once(env: Env) -> None:
    client = env.client()
    client.company_info()
    refused = exhaust_realm(env)
    items = [BatchItem.create(f"b{i}", "Customer", {"DisplayName": f"C{i}"}) for i in range(5)]
    results = client.batch(items)
    assert all(r.ok for r in results.values())
    assert env.emulator.limiter.throttled == refused + 1
    assert sorted(w.obj_id for w in env.emulator.applied_writes) == sorted(
        r.obj["Id"] for r in results.values() if r.obj
    )
    assert env.emulator.applied_count(entity="Customer") == 5


def answer_once(env: Env, response: httpx.Response | Exception) -> None:
    used: list[bool] = []

    def hook(request: httpx.Request) -> httpx.Response | None:
        if used or "/v3/company/" not in request.url.path:
            return None
        used.append(True)
        if isinstance(response, Exception):
            raise response
        return response

    env.transport.before.append(hook)


def test_retry_after_is_honoured(env: Env) -> None:
    client = env.client()
    client.company_info()
    answer_once(env, httpx.Response(429, headers={"Retry-After": "7"}, content=b""))
    client.company_info()
    assert 7.0 in env.slept and 60.0 not in env.slept
    assert throttle_wait("soon") == 60.0 and throttle_wait(None) == 60.0


def test_endless_429_becomes_a_fault_with_a_hint(env: Env, shared_fixtures: Path) -> None:
    client = env.client()
    client.company_info()
    xml = (shared_fixtures / "qbo" / "throttle_429_response.xml").read_bytes()
    env.transport.before.append(
        lambda r: httpx.Response(429, content=xml, headers={"Content-Type": "application/xml"})
    )
    with pytest.raises(QboFault) as info:
        client.company_info()
    assert info.value.code == "3001" and "try again in a minute" in str(info.value)
    assert env.slept.count(60.0) == client.retry.throttle_retries


def test_5xx_on_a_write_is_retried_only_with_a_requestid(env: Env) -> None:
    client = env.client()
    env.emulator.fault_plan.force("500")
    created = client.create("Customer", {"DisplayName": "Protected"}, request_id="rid-500")
    assert created["DisplayName"] == "Protected"
    assert env.emulator.applied_count(request_id="rid-500") == 1
    backoffs = [s for s in env.slept if s < 60]
    assert len(backoffs) == 1 and 0.5 <= backoffs[0] <= 1.0  # jittered first back-off

    env.emulator.fault_plan.force("500")
    before = len(env.transport.api_requests())
    with pytest.raises(QboFault) as info:
        client.call("POST", "customer", body={"DisplayName": "Unprotected"}, request_id=None)
    assert info.value.code == "10000" and info.value.status == 500
    assert len(env.transport.api_requests()) == before + 1  # sent once, never repeated
    assert env.emulator.applied_count(entity="Customer") == 1


def test_5xx_on_a_read_is_retried(env: Env) -> None:
    client = env.client()
    env.emulator.fault_plan.writes_only = False
    env.emulator.fault_plan.force("503", "500")
    assert client.company_info()["CompanyName"]
    assert len([s for s in env.slept if s < 60]) == 2


def test_a_lost_answer_is_resolved_by_the_same_requestid(env: Env) -> None:
    client = env.client()
    env.emulator.fault_plan.force("lost")
    created = client.create("Customer", {"DisplayName": "Lost Once"}, request_id="rid-lost")
    assert env.emulator.fault_plan.injected["lost"] == 1
    assert env.emulator.applied_count(request_id="rid-lost") == 1  # applied once, replayed
    stored = [c for c in env.emulator.entities(env.company.realm_id, "Customer")
              if c["DisplayName"] == "Lost Once"]  # fmt: skip
    assert [c["Id"] for c in stored] == [created["Id"]]


def test_a_lost_answer_without_requestid_is_not_resent(env: Env) -> None:
    client = env.client()
    env.emulator.fault_plan.force("lost")
    with pytest.raises(QboUnknownOutcome, match="look the entry up"):
        client.call("POST", "customer", body={"DisplayName": "Maybe"}, request_id=None)
    # It was applied: resending blindly would have made a duplicate.
    assert env.emulator.applied_count(entity="Customer") == 1
    assert len(env.transport.api_requests()) == 1


@pytest.mark.parametrize(
    ("failure", "protected", "retried"),
    [
        (httpx.ConnectError("refused"), False, True),  # never reached QBO: always safe
        (httpx.ReadTimeout("slow"), True, True),
        (httpx.ReadTimeout("slow"), False, False),
    ],
)
def test_transport_failures(env: Env, failure: Exception, protected: bool, retried: bool) -> None:
    client = env.client()
    client.company_info()
    answer_once(env, failure)
    kwargs: dict[str, Any] = {"request_id": "rid-t" if protected else None}
    if retried:
        client.call("POST", "customer", body={"DisplayName": "T"}, **kwargs)
        assert env.emulator.applied_count(entity="Customer") == 1
    else:
        with pytest.raises(QboUnknownOutcome):
            client.call("POST", "customer", body={"DisplayName": "T"}, **kwargs)
