#!/usr/bin/env python3
"""botocore's SigV4 signer as a test oracle for core/sigv4.

Reads {"cases": [...]} as JSON on stdin and prints, for each case, the
headers botocore's signer adds, as a JSON list on stdout. A case gives the
method, the URL without its query, the decoded query parameters, headers,
body, credentials, region, service, an epoch time, and whether to use the S3
variant of the signer. Exit code 3 means botocore is not importable.
"""
import datetime
import json
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.exit(3)


def sign(case):
    when = datetime.datetime.fromtimestamp(case["epoch_seconds"], datetime.timezone.utc)
    # botocore reads the clock through this module-level name.
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: when.replace(tzinfo=None)
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        params=[tuple(p) for p in case["params"]],
        data=case["body"].encode("utf-8"),
    )
    for name, value in case["headers"]:
        request.headers[name] = value
    credentials = Credentials(case["access_key"], case["secret_key"], case.get("token") or None)
    signer_class = botocore.auth.S3SigV4Auth if case.get("s3") else botocore.auth.SigV4Auth
    signer_class(credentials, case["service"], case["region"]).add_auth(request)
    return {
        "authorization": request.headers["Authorization"],
        "x-amz-date": request.headers["X-Amz-Date"],
        "x-amz-content-sha256": request.headers.get("X-Amz-Content-SHA256", ""),
    }


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump([sign(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
