#!/usr/bin/env python3
"""Runs the third-party PyPI SDK `tiktok-shop-api` (0.1.0, generated from TikTok's 2026 spec)
against a running `podgate sandbox`: authorization, shops, order search and detail (several
ids), eligible services, Create Packages (202512), package detail, shipping document, refresh,
and its webhook verifier on the sandbox's own webhooks.

    tests/sdk/tiktok_shop_api_check.py BASE_URL APP_KEY APP_SECRET

Prints one line per step and exits non-zero at the first failure. Driven by
tests/it/tiktok/sdk.rs; run by hand the same way against `podgate sandbox`.
"""
import http.server
import json
import sys
import threading
import time
import urllib.parse

import httpx
from tiktok_shop_api import TikTokShop, TikTokShopAuth, UnknownWebhookEvent, Webhooks
from tiktok_shop_api.generated.models import (
    CreatePackagesRequest,
    GetEligibleShippingServicesRequest,
)

BASE, KEY, SECRET = sys.argv[1:4]


def step(name, value=""):
    print(f"ok {name} {value}".rstrip(), flush=True)


def authorize():
    """The seller approves on the sandbox's page; returns the code from the redirect."""
    with httpx.Client(base_url=BASE, follow_redirects=False) as h:
        page = h.get("/open/authorize", params={"service_id": "sdk-check", "state": "sdk"})
        assert "Authorize this app" in page.text, page.text
        r = h.post("/open/authorize/decision", data={"state": "sdk", "decision": "approve"})
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["location"]).query))
        assert q.get("state") == "sdk", q
        return q["code"]


class Receiver(http.server.BaseHTTPRequestHandler):
    """Takes the sandbox's webhooks and checks each with the SDK's verifier."""

    verified = []

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        event = Webhooks.verify_and_parse(
            app_key=KEY,
            app_secret=SECRET,
            raw_body=raw,
            signature=self.headers.get("Authorization", ""),
        )
        Receiver.verified.append(event)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


def main():
    auth = TikTokShopAuth(KEY, SECRET, "sdk-check", base_url=BASE)
    tokens = auth.exchange_code(authorize())
    assert tokens.access_token and tokens.refresh_token, tokens
    step("exchange_code", tokens.open_id)

    client = TikTokShop(KEY, SECRET, access_token=tokens.access_token, base_url=BASE)
    shops = client.authorization.get_authorized_shops().to_dict()["data"]["shops"]
    assert shops and shops[0]["cipher"], shops
    step("get_authorized_shops", shops[0]["name"])
    seller = client.with_shop(shop_cipher=shops[0]["cipher"])

    listed = seller.orders.get_order_list(page_size=20).to_dict()["data"]
    orders = listed["orders"]
    assert len(orders) >= 3, listed
    step("get_order_list", f"{len(orders)} orders")

    ids = [o["id"] for o in orders[:3]]
    detail = seller.orders.get_order_detail(ids=ids).to_dict()["data"]["orders"]
    assert sorted(o["id"] for o in detail) == sorted(ids), detail
    step("get_order_detail", f"{len(detail)} ids")

    order = next(o for o in orders if o["status"] == "AWAITING_SHIPMENT")
    lines = [li["id"] for li in order["line_items"]]
    weight = {"value": "340", "unit": "GRAM"}
    dimension = {"length": "10", "width": "8", "height": "2", "unit": "INCH"}
    services = seller.fulfillment.get_eligible_shipping_services(
        order["id"],
        body=GetEligibleShippingServicesRequest.from_dict(
            {"order_line_item_ids": lines, "weight": weight, "dimension": dimension}
        ),
    ).to_dict()["data"]["shipping_services"]
    assert services, services
    step("get_eligible_shipping_services", services[0]["name"])

    created = seller.fulfillment.create_packages(
        body=CreatePackagesRequest.from_dict(
            {
                "ship_type": "2",
                "order_id": order["id"],
                "order_line_item": [{"order_line_id": i} for i in lines],
                "shipping_service_id": services[0]["id"],
                "weight": weight,
                "dimension": dimension,
            }
        )
    ).to_dict()["data"]
    assert created["package_id"], created
    step("create_packages", created["package_id"])

    pkg = seller.fulfillment.get_package_detail(created["package_id"]).to_dict()["data"]
    assert pkg["package_id"] == created["package_id"], pkg
    step("get_package_detail", pkg["package_status"])

    doc = seller.fulfillment.get_package_shipping_document(
        created["package_id"], document_type="SHIPPING_LABEL"
    ).to_dict()["data"]
    label = httpx.get(doc["doc_url"])
    assert label.content.startswith(b"%PDF-"), label.content[:20]
    step("get_package_shipping_document", f"{len(label.content)} bytes")

    renewed = auth.refresh(tokens.refresh_token)
    assert renewed.access_token != tokens.access_token
    assert renewed.refresh_token_expire_in == tokens.refresh_token_expire_in, (renewed, tokens)
    step("refresh", "authorization period kept")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
    httpx.put(f"{BASE}/sandbox/api/app", json={"webhook_url": hook}).raise_for_status()
    other = next(o for o in orders if o["status"] == "AWAITING_SHIPMENT" and o["id"] != order["id"])
    httpx.post(f"{BASE}/sandbox/api/orders/{other['id']}/cancel").raise_for_status()
    deadline = time.time() + 20
    while not Receiver.verified and time.time() < deadline:
        time.sleep(0.1)
    assert Receiver.verified, "no webhook arrived"
    unknown = [e for e in Receiver.verified if isinstance(e, UnknownWebhookEvent)]
    assert not unknown, [(e.type, e.raw) for e in unknown]
    step("webhooks", f"{len(Receiver.verified)} verified: " + ", ".join(type(e).__name__ for e in Receiver.verified))
    server.shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the Rust test prints this
        print(f"FAILED {type(e).__name__}: {e}", flush=True)
        raise
