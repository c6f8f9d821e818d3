#!/usr/bin/env python3
"""Sends grant requests to Audex team-server replicas on loopback and
reports what came back, as one JSON object on stdout.

  team_load.py --urls URL[,URL...] --tokens TOKEN[,TOKEN...] --count N
               [--concurrency C] [--body JSON] [--failover] [--kill-after N --kill-pid PID]
               [--stop-after N --stop-pid PID]

Request i goes to url[i % len(urls)] with token[i % len(tokens)]. With
--failover, a request whose connection is refused (it was never sent) is
tried on the next replica, as a client or load balancer would. A reply cut
off, or a connection reset after the request went out, is counted as
"broken": that is a failed request the client sees. --kill-after sends
SIGKILL to --kill-pid once N replies are in (a replica dying under load);
--stop-after sends SIGTERM to --stop-pid (a graceful shutdown).
Only 127.0.0.0/8 URLs are accepted.
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--body", default='{"allow":"s3:GetObject","ttl":"15m"}')
    parser.add_argument("--failover", action="store_true")
    parser.add_argument("--kill-after", type=int, default=0)
    parser.add_argument("--kill-pid", type=int, default=0)
    parser.add_argument("--stop-after", type=int, default=0)
    parser.add_argument("--stop-pid", type=int, default=0)
    args = parser.parse_args()
    urls = [urllib.parse.urlsplit(u) for u in args.urls.split(",")]
    for url in urls:
        if not url.hostname.startswith("127."):
            sys.exit("team_load.py sends to 127.0.0.0/8 only")
    tokens = args.tokens.split(",")
    lock = threading.Lock()
    results = {"status": {}, "refused": 0, "broken": 0, "grants": [], "retry_after": [],
               "latency_ms": [], "errors": []}
    state = {"next": 0, "done": 0, "killed": False, "stopped": False}

    def record(status=None, body=None, headers=None, latency=None, broken=None):
        with lock:
            if broken is not None:
                results["broken"] += 1
                if len(results["errors"]) < 20:
                    results["errors"].append(broken)
            else:
                results["status"][str(status)] = results["status"].get(str(status), 0) + 1
                results["latency_ms"].append(latency)
                if status == 201:
                    results["grants"].append(json.loads(body)["grant_id"])
                if status == 429:
                    results["retry_after"].append(headers.get("Retry-After"))
            state["done"] += 1
            if args.kill_after and state["done"] >= args.kill_after and not state["killed"]:
                state["killed"] = True
                os.kill(args.kill_pid, signal.SIGKILL)
            if args.stop_after and state["done"] >= args.stop_after and not state["stopped"]:
                state["stopped"] = True
                os.kill(args.stop_pid, signal.SIGTERM)

    def worker():
        connections = {}
        while True:
            with lock:
                i = state["next"]
                if i >= args.count:
                    break
                state["next"] += 1
            token = tokens[i % len(tokens)]
            tries = len(urls) if args.failover else 1
            for attempt in range(tries):
                url = urls[(i + attempt) % len(urls)]
                key = url.netloc
                try:
                    if key not in connections:
                        connections[key] = http.client.HTTPConnection(url.hostname, url.port,
                                                                      timeout=30)
                        connections[key].connect()
                    conn = connections[key]
                except ConnectionRefusedError:
                    connections.pop(key, None)
                    if attempt + 1 == tries:
                        with lock:
                            results["refused"] += 1
                            state["done"] += 1
                    continue
                started = time.monotonic()
                try:
                    conn.request("POST", "/v1/grants", body=args.body,
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
                    response = conn.getresponse()
                    body = response.read()
                    latency = (time.monotonic() - started) * 1000
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        connections.pop(key, None)
                    if response.status == 503 and args.failover and attempt + 1 < tries:
                        continue  # a draining replica: the next one takes it
                    record(response.status, body, dict(response.getheaders()), latency)
                except (ConnectionRefusedError, BrokenPipeError,
                        http.client.RemoteDisconnected):
                    # The server closed a kept-alive connection before it read this
                    # request (a replica stopping closes idle ones): not processed, like
                    # a refused connection; the next replica may take it.
                    conn.close()
                    connections.pop(key, None)
                    if attempt + 1 < tries:
                        continue
                    with lock:
                        results["refused"] += 1
                        state["done"] += 1
                except (ConnectionResetError, http.client.IncompleteRead) as error:  # noqa
                    # Cut off after the request went out: a failure the client saw.
                    conn.close()
                    connections.pop(key, None)
                    record(broken=repr(error))
                break

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = time.monotonic() - started
    latencies = sorted(results.pop("latency_ms"))
    if latencies:
        results["p50_ms"] = latencies[len(latencies) // 2]
        results["p99_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
