#!/usr/bin/env python3
"""A loopback stand-in for Google's identity services and a sliver of Cloud
Storage, speaking their documented wire formats, for tests/e2e/run_gcp_test.sh.

  POST /token                  OAuth token endpoint: refresh_token and jwt-bearer grants
  GET  /computeMetadata/v1/instance/service-accounts/default/token   (Metadata-Flavor: Google)
  POST /v1/projects/-/serviceAccounts/SA:generateAccessToken         (IAM Credentials)
  POST /v1/token               STS token exchange with a Credential Access Boundary
  GET  /storage/v1/b/BUCKET/o  Cloud Storage objects.list (JSON API)

Every call that needs a token checks the Authorization header against the
tokens this server issued, so a child that authenticates with anything but
the token Audex minted gets 401. What it saw is appended to LOG as JSON lines.

  gcp_identity_server.py PORT_FILE LOG

Every token it issues is also appended to LOG.issued, one a line, so that a
test can look for any of them where none may be.
"""
import json
import secrets
import sys
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

from loopback_server import JsonHandler, append_json_line, note_issued, serve

PORT_FILE, LOG = sys.argv[1], sys.argv[2]
BASE_TOKENS = set()  # issued by /token or the metadata server
MINTED = {}  # token -> service account (generateAccessToken)
DOWNSCOPED = {}  # token -> boundary


def issued(token):
    return note_issued(LOG, token)


def log(entry):
    append_json_line(LOG, entry)


class Handler(JsonHandler):
    def error(self, status, name, message):
        self.reply(status, {"error": {"code": status, "message": message, "status": name}})

    def bearer(self):
        value = self.headers.get("Authorization", "")
        return value[len("Bearer "):] if value.startswith("Bearer ") else None

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            if self.headers.get("Metadata-Flavor") != "Google":
                return self.error(403, "FORBIDDEN", "Missing Metadata-Flavor: Google")
            token = issued("ya29.metadata-" + secrets.token_hex(16))
            BASE_TOKENS.add(token)
            log({"call": "metadata"})
            return self.reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
        if path.startswith("/storage/v1/b/") and path.endswith("/o"):
            bucket = path[len("/storage/v1/b/"):-len("/o")]
            token = self.bearer()
            kind = "downscoped" if token in DOWNSCOPED else "minted" if token in MINTED else (
                "base" if token in BASE_TOKENS else "unknown")
            log({"call": "storage.objects.list", "bucket": bucket, "token": kind,
                 "authorization": self.headers.get("Authorization", "")})
            if kind not in ("downscoped", "minted"):
                return self.error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            if kind == "downscoped":
                rules = DOWNSCOPED[token]["accessBoundary"]["accessBoundaryRules"]
                allowed = {r["availableResource"] for r in rules}
                if "//storage.googleapis.com/projects/_/buckets/" + bucket not in allowed:
                    return self.error(403, "PERMISSION_DENIED", "outside the access boundary")
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            item = {"kind": "storage#object", "id": bucket + "/hello.txt/1", "name": "hello.txt",
                    "bucket": bucket, "generation": "1", "metageneration": "1", "size": "5",
                    "contentType": "text/plain", "timeCreated": now, "updated": now,
                    "storageClass": "STANDARD", "md5Hash": "XUFAKrxLKna5cZ2REBfFkg==", "crc32c": "mnG7TA==",
                    "etag": "CAE="}
            return self.reply(200, {"kind": "storage#objects", "items": [item]})
        return self.error(404, "NOT_FOUND", "no such path " + path)

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.body()
        if path == "/token":
            form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            grant = form.get("grant_type")
            if grant == "refresh_token" and form.get("refresh_token") == "1//audex-test-refresh":
                pass
            elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" and form.get("assertion", "").count(".") == 2:
                pass
            else:
                self.reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
                return
            token = issued("ya29.base-" + secrets.token_hex(16))
            BASE_TOKENS.add(token)
            log({"call": "oauth.token", "grant_type": grant})
            return self.reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
        if path.startswith("/v1/projects/-/serviceAccounts/") and path.endswith(":generateAccessToken"):
            account = urllib.parse.unquote(path[len("/v1/projects/-/serviceAccounts/"):-len(":generateAccessToken")])
            if self.bearer() not in BASE_TOKENS:
                return self.error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            request = json.loads(body)
            lifetime = int(request.get("lifetime", "3600s").rstrip("s"))
            if account.startswith("denied@"):
                return self.error(403, "PERMISSION_DENIED",
                                  "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
            if lifetime > 3600:
                return self.error(400, "INVALID_ARGUMENT", "The lifetime exceeds the maximum of 3600s.")
            token = issued("ya29.minted-" + secrets.token_hex(24))
            MINTED[token] = account
            expire = datetime.now(timezone.utc) + timedelta(seconds=lifetime)
            log({"call": "generateAccessToken", "account": account, "lifetime": request.get("lifetime"),
                 "scope": request.get("scope")})
            return self.reply(200, {"accessToken": token, "expireTime": expire.strftime("%Y-%m-%dT%H:%M:%SZ")})
        if path == "/v1/token":
            form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            ok = (form.get("grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange"
                  and form.get("subject_token_type") == "urn:ietf:params:oauth:token-type:access_token"
                  and form.get("requested_token_type") == "urn:ietf:params:oauth:token-type:access_token"
                  and form.get("subject_token") in MINTED)
            if self.headers.get("Authorization"):
                ok = False
            try:
                boundary = json.loads(urllib.parse.unquote(form.get("options", "")))
                rules = boundary["accessBoundary"]["accessBoundaryRules"]
                ok = ok and 1 <= len(rules) <= 10 and all(
                    r["availableResource"].startswith("//storage.googleapis.com/projects/_/buckets/")
                    and all(p.startswith("inRole:roles/storage.") for p in r["availablePermissions"])
                    for r in rules)
            except (ValueError, KeyError, TypeError):
                ok = False
            if not ok:
                return self.reply(400, {"error": "invalid_request", "error_description": "bad token exchange"})
            token = issued("ya29.downscoped-" + secrets.token_hex(24))
            DOWNSCOPED[token] = boundary
            log({"call": "sts.token", "boundary": boundary})
            return self.reply(200, {"access_token": token, "issued_token_type":
                                    "urn:ietf:params:oauth:token-type:access_token", "token_type": "Bearer",
                                    "expires_in": 900})
        return self.error(404, "NOT_FOUND", "no such path " + path)


serve(Handler, PORT_FILE)
