"""What the e2e scripts' loopback servers share (stand-ins for services that
have no local implementation): a handler that answers JSON and keeps the
test's stderr quiet, a JSON-lines log, and serving on 127.0.0.1 on a port
the kernel picks, written to a file the test script waits for.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        """Answers with `body` as JSON, and `headers` (name -> value) as given."""
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def append_json_line(path, entry):
    with open(path, "a") as out:
        out.write(json.dumps(entry) + "\n")


def note_issued(log, token):
    """Appends `token` to LOG.issued, one a line, for the test to look for
    where no issued token may be; returns it."""
    with open(log + ".issued", "a") as out:
        out.write(token + "\n")
    return token


def serve(handler, port_file, tls=None):
    """Serves `handler` until killed (over TLS when given an ssl.SSLContext).
    The port reaches `port_file` whole: written aside, then renamed."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
