#!/usr/bin/env python3
"""A loopback stand-in for Entra ID, a managed-identity endpoint and a sliver
of Azure Resource Manager, over HTTPS with a self-signed certificate (the
Azure SDKs refuse bearer tokens over plain HTTP), for
tests/e2e/run_azure_test.sh.

  POST /TENANT/oauth2/v2.0/token       client credentials grant (Entra ID v2)
  GET  /identity?api-version=2019-08-01&resource=...   managed identity (X-IDENTITY-HEADER)
  GET  /subscriptions/SUB/resourcegroups               ARM resourceGroups.list

ARM checks the Authorization header against the tokens this server issued:
a child that authenticates with anything else gets 401. Calls are appended
to LOG as JSON lines and every issued token to LOG.issued.

  azure_identity_server.py PORT_FILE LOG CERT KEY
"""
import base64
import json
import secrets
import ssl
import sys
import time
import urllib.parse

from loopback_server import JsonHandler, append_json_line, note_issued, serve

PORT_FILE, LOG, CERT, KEY = sys.argv[1:5]
TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT_ID, CLIENT_SECRET, IDENTITY_HEADER = "audex-test-app", "audex-test-client-secret", "audex-test-identity-header"
ISSUED = set()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue(audience):
    claims = {"aud": audience, "tid": TENANT, "oid": "audex-test", "exp": int(time.time()) + 3600,
              "jti": secrets.token_hex(16)}
    token = b64(b'{"typ":"JWT","alg":"RS256"}') + "." + b64(json.dumps(claims).encode()) + "." + b64(secrets.token_bytes(64))
    ISSUED.add(token)
    return note_issued(LOG, token)


def log(entry):
    append_json_line(LOG, entry)


class Handler(JsonHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/identity":
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER or query.get("api-version") != "2019-08-01":
                return self.reply(401, {"error": "unauthorized"})
            log({"call": "identity", "resource": query.get("resource")})
            return self.reply(200, {"access_token": issue(query.get("resource", "")),
                                    "expires_on": str(int(time.time()) + 3600),
                                    "resource": query.get("resource"), "token_type": "Bearer"})
        if url.path.startswith("/subscriptions/") and url.path.lower().endswith("/resourcegroups"):
            auth = self.headers.get("Authorization", "")
            token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
            log({"call": "resourceGroups.list", "path": url.path, "authorization": auth,
                 "known": token in ISSUED})
            if token not in ISSUED:
                return self.reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                                  "message": "The access token is invalid."}})
            subscription = url.path.split("/")[2]
            return self.reply(200, {"value": [{
                "id": "/subscriptions/%s/resourceGroups/audex-rg" % subscription, "name": "audex-rg",
                "type": "Microsoft.Resources/resourceGroups", "location": "westus",
                "properties": {"provisioningState": "Succeeded"}}]})
        return self.reply(404, {"error": {"code": "NotFound", "message": url.path}})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if url.path == "/%s/oauth2/v2.0/token" % TENANT:
            form = dict(urllib.parse.parse_qsl(body))
            if (form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET):
                return self.reply(401, {"error": "invalid_client", "error_description":
                                        "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x"})
            scope = form.get("scope", "")
            log({"call": "client_credentials", "scope": scope})
            return self.reply(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                    "access_token": issue(scope[:-len(".default")])})
        return self.reply(404, {"error": {"code": "NotFound", "message": url.path}})


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
serve(Handler, PORT_FILE, tls=context)
