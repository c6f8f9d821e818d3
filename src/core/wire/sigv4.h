// AWS Signature Version 4: signs an HttpRequest with credentials, a region,
// a service and a clock reading, so that AWS (or moto, or radosgw) can check
// who sent it and that it was not altered.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"
#include "core/wire/http_message.h"

namespace audex {

struct SigV4Scope {
  std::string region;   // "us-east-1"
  std::string service;  // the signing name: "sts", "iam", "s3", ...
};

struct SigV4Options {
  // Adds X-Amz-Content-Sha256 (the payload hash) as a signed header. S3
  // requires it; STS and IAM do not need it.
  bool content_sha256_header = false;
};

// The pieces of a signature, for tests and diagnosis.
struct SigV4Signature {
  // Holds the X-Amz-Security-Token value for temporary credentials, hence a
  // SecretString: never print it.
  SecretString canonical_request;
  std::string string_to_sign;  // only hashes and the scope: safe to show
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header value
};

// "20150830T123600Z": the X-Amz-Date form of a time (UTC).
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

// Computes the signature of `request` as if it carried the headers SignV4
// adds. Fails (kUsage) only when the URL cannot be parsed.
Result<SigV4Signature> ComputeSigV4(const HttpRequest& request, const AwsCredentials& credentials,
                                    const SigV4Scope& scope,
                                    std::chrono::system_clock::time_point now,
                                    const SigV4Options& options = {});

// Returns `request` signed: any previous Authorization, X-Amz-Date,
// X-Amz-Security-Token and X-Amz-Content-Sha256 are replaced; Host,
// X-Amz-Date, X-Amz-Security-Token (when the credentials carry a session
// token) and, if asked, X-Amz-Content-Sha256 are added; the query string is
// rewritten in its canonical encoding so that what is sent is exactly what
// was signed. Every header of the request is signed except hop-by-hop ones
// and User-Agent, which proxies may rewrite (botocore skips the same set).
//
// The canonical URI follows the rule for every service but S3: dot segments
// and repeated slashes are removed and the path is URI-encoded once more
// (so %20 in the URL is signed as %2520). For service "s3" the path is used
// as written.
Result<HttpRequest> SignV4(HttpRequest request, const AwsCredentials& credentials,
                           const SigV4Scope& scope, std::chrono::system_clock::time_point now,
                           const SigV4Options& options = {});

// A request as its sender signed it, for checking that signature: the
// forwarding endpoint checks that a child signed with the credentials Audex
// handed it (adapters/awsproxy).
struct SigV4SignedRequest {
  std::string method;
  std::string path;   // as received, still percent-encoded
  std::string query;  // as received, without '?'
  HttpHeaders headers;
  std::vector<std::string> signed_headers;  // lower-cased names from SignedHeaders=
  std::string amz_date;                     // X-Amz-Date, "20150830T123600Z"
  std::string payload_hash;                 // X-Amz-Content-Sha256, or the body's SHA-256
};

// The signature (64 hex digits) `secret` gives `request` in `scope`: the
// canonical request is built from exactly the signed headers, with the same
// URI rule as SignV4. The caller compares it with the one received.
std::string SigV4SignatureOf(const SigV4SignedRequest& request, const SecretString& secret,
                             const SigV4Scope& scope);

// The derived signing key (raw bytes) for `date` ("20150830") and `scope`.
std::string SigV4SigningKey(const SecretString& secret, std::string_view date,
                            const SigV4Scope& scope);

// "20150830/us-east-1/s3/aws4_request".
std::string SigV4CredentialScope(std::string_view date, const SigV4Scope& scope);

// The signature of one chunk of an aws-chunked body
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): AWS S3 API reference, "Signature
// calculations for the Authorization Header: Transferring payload in
// multiple chunks". Each chunk's string to sign chains the previous
// signature (the request's own for the first chunk).
std::string SigV4ChunkSignature(std::string_view signing_key, std::string_view amz_date,
                                std::string_view credential_scope,
                                std::string_view previous_signature, std::string_view chunk_data);

// The signature of the trailing headers of a signed aws-chunked body
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER); `trailer` is the trailer
// lines as sent, each ending in "\n".
std::string SigV4TrailerSignature(std::string_view signing_key, std::string_view amz_date,
                                  std::string_view credential_scope,
                                  std::string_view previous_signature, std::string_view trailer);

}  // namespace audex
