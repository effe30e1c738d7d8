"""`workbench sandbox serve` answers real HTTP on loopback, for both emulators."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx

from workbench.shopify import queries
from workbench.shopify.client import ShopifyClient, TokenProvider


def read_until(process: subprocess.Popen[str], pattern: str, timeout: float = 60) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"never printed {pattern!r}; got {lines!r}")


def exported(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        match = re.match(r"\s+export (WORKBENCH_\w+)=(\S+)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_serve_answers_real_http_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from workbench.cli import main; raise SystemExit(main())",
         "sandbox", "serve", "--shopify-port", "0", "--qbo-port", "0", "--orders", "40"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        lines = read_until(process, "Press Ctrl\\+C")
        values = exported(lines)
        shop_url = values["WORKBENCH_SHOPIFY_SHOP_URL"]
        assert shop_url.startswith("http://127.0.0.1:")

        with ShopifyClient(
            shop_url,
            TokenProvider(token=values["WORKBENCH_SHOPIFY_TOKEN"]),
            api_version="2026-10",
        ) as client:
            shop = client.execute(queries.SHOP_QUERY)["shop"]
            assert shop["myshopifyDomain"].endswith(".myshopify.com")
            assert client.served_version == "2026-10"

        refresh = values["WORKBENCH_QBO_REFRESH_TOKEN"]
        token = httpx.post(
            values["WORKBENCH_QBO_TOKEN_URL"],
            data={"grant_type": "refresh_token", "refresh_token": refresh},
            auth=(values["WORKBENCH_QBO_CLIENT_ID"], values["WORKBENCH_QBO_CLIENT_SECRET"]),
            headers={"Accept": "application/json"},
        )
        assert token.status_code == 200, token.text
        realm = values["WORKBENCH_QBO_REALM_ID"]
        info = httpx.get(
            f"{values['WORKBENCH_QBO_API_URL']}/v3/company/{realm}/companyinfo/{realm}",
            headers={"Authorization": f"Bearer {token.json()['access_token']}",
                     "Accept": "application/json"},
        )  # fmt: skip
        assert info.status_code == 200, info.text
        assert info.json()["CompanyInfo"]["Country"] == "US"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
