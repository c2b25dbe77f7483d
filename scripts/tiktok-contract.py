#!/usr/bin/env python3
"""Writes tests/contract/tiktok.json from TikTok Shop's own documentation pages.

    scripts/tiktok-contract.py [DOCS_DIR]     # default ../shared/reference/tiktok-docs

Facts only: per endpoint and version its path, method, query/body/response fields (name,
type, required), error codes and scope keys; plus the common error codes. The checked-in
file is what tests/it/tiktok/contract.rs holds every request of the client and every answer
of the sandbox against, so the tests need no copy of the docs. Run it again when the docs
change and read the diff.

Field names are flattened: `dimension.length` is a child of an object, `line_items[].id` a
field of each element of an array of objects. Types are the docs' own: string, int, bool,
object, []string, []object, file.

Endpoints the API reference has no page for are taken from the pages that describe them:
the token calls from the authorization guide (their table, typed here by hand from it), and
Create Packages 202512 from the PyPI SDK `tiktok-shop-api` 0.1.0 (generated from TikTok's
2026 spec), when it is installed.
"""
import json
import os
import re
import sys

METHODS = {1: "POST", 2: "GET", 3: "PUT", 4: "DELETE"}
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "contract", "tiktok.json")
SIGNING = {"app_key", "sign", "timestamp", "access_token"}


def flatten(params):
    """The docs' parameters as {dotted name: {type, required}}. The pages list them flat, a
    child's depth given by leading `^` (`dimension`, `^length`)."""
    out = {}
    parents = []  # (full name, type) per depth
    for p in params or []:
        raw = p["name"]
        depth = len(raw) - len(raw.lstrip("^"))
        name = raw.lstrip("^")
        del parents[depth:]
        if depth and len(parents) == depth:
            parent, kind = parents[-1]
            name = parent + ("[]." if kind.startswith("[]") else ".") + name
        kind = p.get("type") or "string"
        out[name] = {"type": kind, "required": p.get("required") == "Y"}
        parents.append((name, kind))
        if p.get("children"):
            sub = flatten(p["children"])
            joiner = "[]." if kind.startswith("[]") else "."
            out.update({name + joiner + k: v for k, v in sub.items()})
    return out


def version_of(path):
    m = re.search(r"/(\d{6})/", path)
    return m.group(1) if m else ""


def endpoint_entries(docs):
    entries = []
    ref = os.path.join(docs, "api-reference")
    for root, _, files in os.walk(ref):
        for n in sorted(files):
            if not n.endswith(".spec.json"):
                continue
            f = os.path.join(root, n)
            m = json.load(open(f))["document_api_meta"]
            page = os.path.relpath(f, docs)[: -len(".spec.json")]
            path = m["interface_path"]
            query = flatten(m.get("request_query_param"))
            entries.append(
                {
                    "page": page,
                    "title": m.get("title", ""),
                    "method": METHODS[m["method"]],
                    "path": path,
                    "version": version_of(path),
                    "path_params": sorted(p["name"] for p in m.get("request_path_param") or []),
                    "shop_cipher": "shop_cipher" in query,
                    "query": {k: v for k, v in query.items() if k not in SIGNING},
                    "body": flatten(m.get("request_body_param")),
                    "response": flatten(m.get("response_param")),
                    "errors": sorted({int(e["code"]) for e in m.get("error_code_list") or []}),
                    "scopes": sorted({s["scope_key"] for s in m.get("scope_list") or []}),
                }
            )
    return entries


def common_errors(docs):
    """Codes from the common-errors and api-versioning pages' tables."""
    codes = set()
    for page in ("common-errors", "api-versioning"):
        f = os.path.join(docs, "developer-guide", "tiktok-shop-api-concepts", page + ".json")
        text = json.load(open(f)).get("content", "")
        codes.update(int(c) for c in re.findall(r"^\|\s*(\d{6,8})\s*\|", text, re.M))
        codes.update(int(c) for c in re.findall(r'"code"\s*:\s*(\d{6,8})', text))
    return sorted(codes)


def token_entries():
    """`/api/v2/token/get` and `/token/refresh` on the auth host, from the authorization guide
    (developer-guide/get-started/authorization/authorization-overview-202407): GET, the app's
    key and secret in the query, `data` with the fields of its table."""
    data = {
        "data": {"type": "object", "required": True},
        "data.access_token": {"type": "string", "required": True},
        "data.access_token_expire_in": {"type": "int", "required": True},
        "data.refresh_token": {"type": "string", "required": True},
        "data.refresh_token_expire_in": {"type": "int", "required": True},
        "data.open_id": {"type": "string", "required": True},
        "data.seller_name": {"type": "string", "required": True},
        "data.seller_base_region": {"type": "string", "required": False},
        "data.user_type": {"type": "int", "required": False},
        "data.granted_scopes": {"type": "[]string", "required": False},
    }
    common = {
        "code": {"type": "int", "required": True},
        "message": {"type": "string", "required": True},
        "request_id": {"type": "string", "required": True},
    }
    out = []
    for path, grant, secret in (
        ("/api/v2/token/get", "authorized_code", "auth_code"),
        ("/api/v2/token/refresh", "refresh_token", "refresh_token"),
    ):
        out.append(
            {
                "page": "developer-guide/get-started/authorization/authorization-overview-202407",
                "title": path,
                "method": "GET",
                "path": path,
                "version": "v2",
                "path_params": [],
                "shop_cipher": False,
                "auth_host": True,
                "query": {
                    "app_key": {"type": "string", "required": True},
                    "app_secret": {"type": "string", "required": True},
                    secret: {"type": "string", "required": True},
                    "grant_type": {"type": "string", "required": True},
                },
                "body": {},
                "response": {**common, **data},
                "errors": [],
                "scopes": [],
                "grant_type": grant,
            }
        )
    return out


def sdk_entries():
    """Create Packages 202512 from the `tiktok-shop-api` SDK's generated models."""
    try:
        import attrs
        from tiktok_shop_api.generated.api.fulfillment import create_packages as api
        from tiktok_shop_api.generated.models import create_packages_request as req
    except ImportError:
        return None

    def fields(cls, prefix=""):
        out = {}
        for f in attrs.fields(cls):
            if f.name == "additional_properties":
                continue
            t = str(f.type)
            required = "Unset" not in t
            if "list[" in t and "str" in t.split("list[")[1][:4]:
                kind = "[]string"
            elif "list[" in t:
                kind = "[]object"
            elif "Unit" in t:
                kind = "string"  # an enum of strings
            elif "Dimension" in t or "Weight" in t:
                kind = "object"
            else:
                kind = "string"
            out[prefix + f.name] = {"type": kind, "required": required}
        return out

    body = fields(req.CreatePackagesRequest)
    from tiktok_shop_api.generated.models.create_packages_request_dimension import (
        CreatePackagesRequestDimension as Dim,
    )
    from tiktok_shop_api.generated.models.create_packages_request_order_line_item import (
        CreatePackagesRequestOrderLineItem as Item,
    )
    from tiktok_shop_api.generated.models.create_packages_request_weight import (
        CreatePackagesRequestWeight as Weight,
    )

    body.update(fields(Dim, "dimension."))
    body.update(fields(Weight, "weight."))
    body.update(fields(Item, "order_line_item[]."))
    kwargs = api._get_kwargs(body=req.CreatePackagesRequest(ship_type="1"))
    return {
        "page": "pypi:tiktok-shop-api==0.1.0 (generated/api/fulfillment/create_packages.py)",
        "title": "Create Packages",
        "method": kwargs["method"].upper(),
        "path": kwargs["url"],
        "version": version_of(kwargs["url"]),
        "path_params": [],
        "shop_cipher": True,
        "query": {"shop_cipher": {"type": "string", "required": True}},
        "body": body,
        "response": None,  # filled from 202309's: the SDK's response model is the same shape
        "errors": None,
        "scopes": None,
    }


def main():
    docs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "reference", "tiktok-docs")
    if not os.path.isdir(docs):
        sys.exit(f"no TikTok docs at {docs}: the checked-in {OUT} stays as it is")
    entries = endpoint_entries(docs) + token_entries()
    sdk = sdk_entries()
    if sdk is None:
        old = json.load(open(OUT)) if os.path.exists(OUT) else {"endpoints": []}
        kept = [e for e in old["endpoints"] if e["page"].startswith("pypi:")]
        if kept:
            print("tiktok-shop-api is not installed: keeping the checked-in Create Packages 202512", file=sys.stderr)
        entries += kept
    else:
        base = next(e for e in entries if e["path"] == "/fulfillment/202309/packages" and e["method"] == "POST")
        sdk["response"], sdk["errors"], sdk["scopes"] = base["response"], base["errors"], base["scopes"]
        entries.append(sdk)
    entries.sort(key=lambda e: (e["path"], e["method"]))
    out = {
        "source": "TikTok Shop partner documentation (pages updated up to December 2025); "
        "written by scripts/tiktok-contract.py, do not edit by hand",
        "common_errors": common_errors(docs),
        "endpoints": entries,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(OUT + ".tmp", OUT)
    print(f"{os.path.relpath(OUT)}: {len(entries)} endpoints, {len(out['common_errors'])} common codes")


if __name__ == "__main__":
    main()
