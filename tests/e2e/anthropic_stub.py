"""A stand-in for the Anthropic Messages API, for tests/e2e/intent_test.sh.

Speaks the wire format of POST /v1/messages (API version 2023-06-01): checks
the x-api-key, anthropic-version and content-type headers and the body's
shape, answers with content blocks, and errors with the API's error bodies.
What it answers depends on words in the user's sentence (see answer()).

    python3 anthropic_stub.py PORT_FILE LOG_FILE
Writes the port it listens on to PORT_FILE and one JSON line per request to
LOG_FILE (never the key: only whether it matched). Expects the key in the
STUB_EXPECTED_KEY environment variable.
"""
import json
import os
import sys

from loopback_server import JsonHandler, append_json_line, serve

EXPECTED_KEY = os.environ["STUB_EXPECTED_KEY"]
PORT_FILE, LOG_FILE = sys.argv[1], sys.argv[2]
seen = {}

EXAMPLE_LAMBDA = {"allow": "s3:GetObject,lambda:InvokeFunction", "resource": None,
                  "description": "Read objects from S3 and invoke Lambda functions"}
EXAMPLE_BUCKET = {"allow": "s3:GetObject", "resource": "arn:aws:s3:::my-bucket/*",
                  "description": "Read objects from a specific S3 bucket"}


def message(text):
    return 200, {
        "id": "msg_stub", "type": "message", "role": "assistant", "model": "stub",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}}


def error(status, kind, text, headers=None):
    return status, {"type": "error", "error": {"type": kind, "message": text},
                    "request_id": "req_stub"}, headers


def answer(system, sentence):
    if "Google Cloud IAM" in system:
        return message(json.dumps({"allow": "storage.objects.get", "resource": None,
                                   "description": "Read objects from Cloud Storage"}))
    if "hallucinate" in sentence:
        return message(json.dumps({"allow": "s3:MakeItRain", "resource": None,
                                   "description": "x"}))
    if "invented" in sentence:
        return message(json.dumps({"allow": "s3:GetObject,s3:MakeItRain", "resource": None,
                                   "description": "Read objects"}))
    if "garbled" in sentence:
        return message("Sorry, I think you want s3:GetObject, but I am not sure.")
    if "throttle" in sentence:
        seen[sentence] = seen.get(sentence, 0) + 1
        if seen[sentence] == 1:
            return error(429, "rate_limit_error", "Number of request tokens has exceeded your "
                         "per-minute rate limit", {"retry-after": "1"})
        return message(json.dumps(EXAMPLE_BUCKET))
    if "Lambda" in sentence:
        return message("```json\n" + json.dumps(EXAMPLE_LAMBDA, indent=2) + "\n```")
    return message(json.dumps(EXAMPLE_BUCKET))


class Handler(JsonHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length", "0")))
        key = self.headers.get("x-api-key")
        entry = {"path": self.path, "key_matches": key == EXPECTED_KEY,
                 "version": self.headers.get("anthropic-version"),
                 "content_type": self.headers.get("content-type")}
        try:
            body = json.loads(raw)
            entry.update(model=body.get("model"), max_tokens=body.get("max_tokens"),
                         system=body.get("system"), messages=body.get("messages"))
        except ValueError:
            body = None
        append_json_line(LOG_FILE, entry)
        if self.path != "/v1/messages":
            return self.reply(*error(404, "not_found_error", "Not found"))
        if key != EXPECTED_KEY:
            # The worst case: a server that quotes the key it was sent.
            return self.reply(*error(401, "authentication_error", f"invalid x-api-key {key}"))
        if self.headers.get("anthropic-version") != "2023-06-01":
            return self.reply(*error(400, "invalid_request_error", "anthropic-version required"))
        if not (self.headers.get("content-type") or "").startswith("application/json"):
            return self.reply(*error(400, "invalid_request_error", "content-type must be JSON"))
        messages = body.get("messages") if isinstance(body, dict) else None
        if (not isinstance(body, dict) or not isinstance(body.get("model"), str)
                or not isinstance(body.get("max_tokens"), int)
                or not isinstance(body.get("system"), str) or not isinstance(messages, list)
                or len(messages) != 1 or messages[0].get("role") != "user"
                or not isinstance(messages[0].get("content"), str)):
            return self.reply(*error(400, "invalid_request_error", "malformed request"))
        self.reply(*answer(body["system"], messages[0]["content"]))


serve(Handler, PORT_FILE)
