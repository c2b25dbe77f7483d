"""A supplier's webhook receiver for podgate's tests, verifying every delivery with the
Standard Webhooks reference library (PyPI `standardwebhooks`).

    python3 receiver.py PORT SECRET OUT.jsonl MODE

Each POST appends one JSON line to OUT: the webhook-id, the event type and whether the
reference library verified the signature (with its error if not). MODE says how it answers:
`ok` (204 when verified, 400 when not), `fail-once` (500 to the first request of each
webhook-id, then as `ok`), `hang` (never answers in time).
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

port, secret, out, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
hook = Webhook(secret)
seen = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = hook.verify(body, headers)
            verified, error, kind = True, None, payload.get("type")
        except WebhookVerificationError as e:
            verified, error, kind = False, str(e), None
        msg_id = headers.get("webhook-id")
        with lock:
            first = msg_id not in seen
            seen.add(msg_id)
            with open(out, "a") as f:
                f.write(json.dumps({"id": msg_id, "type": kind, "verified": verified, "error": error}) + "\n")
        if mode == "hang":
            time.sleep(60)
        code = 500 if mode == "fail-once" and first else (204 if verified else 400)
        self.send_response(code)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
