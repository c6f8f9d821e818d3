// aws-chunked bodies signed chunk by chunk (x-amz-content-sha256:
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD, and its -TRAILER form): the framing
// AWS S3 API reference describes in "Signature calculations for the
// Authorization Header: Transferring payload in multiple chunks", checked
// against the sender's key and written again under another key, chunk by
// chunk, without holding more than one chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace audex {

// What a chunk signature chains from: the request's signing key, its date
// and scope, and the request's own (seed) signature.
struct ChunkSigningKeys {
  std::string signing_key;       // SigV4SigningKey: raw bytes
  std::string amz_date;          // "20130524T000000Z"
  std::string credential_scope;  // "20130524/us-east-1/s3/aws4_request"
  std::string seed_signature;    // the Authorization header's Signature
};

// Reads an aws-chunked body signed under `incoming` and writes the same
// chunks (same sizes, so the same Content-Length) signed under `outgoing`.
// Not thread-safe; one per request.
class AwsChunkedResigner {
 public:
  // The largest chunk accepted: SDKs send 64 KiB to 8 MiB chunks; a larger
  // one is refused rather than held in memory.
  static constexpr size_t kMaxChunkSize = size_t{16} << 20;

  AwsChunkedResigner(ChunkSigningKeys incoming, ChunkSigningKeys outgoing, bool trailer);

  // Takes the next bytes of the received body (in pieces of any size) and
  // appends what is ready to send to `out`. Fails (kUsage) on framing that is
  // not aws-chunked, a chunk over kMaxChunkSize, or a chunk or trailer whose
  // signature is not the sender's; nothing more should then be sent.
  Result<bool> Feed(std::string_view data, std::string* out);

  // True once the final (empty) chunk and any trailer have been read.
  bool done() const { return state_ == State::kDone; }

  uint64_t decoded_bytes() const { return decoded_bytes_; }

 private:
  enum class State { kHeader, kData, kDataEnd, kTrailer, kDone };
  Result<bool> EndHeader(std::string* out);
  Result<bool> EndChunk(std::string* out);
  Result<bool> EndTrailer(std::string* out);

  ChunkSigningKeys incoming_;
  ChunkSigningKeys outgoing_;
  bool trailer_;
  State state_ = State::kHeader;
  std::string line_;          // the header or trailer line being read
  std::string trailer_text_;  // trailer lines read so far ("name:value\n" each)
  std::string received_trailer_signature_;
  std::string chunk_;  // the chunk data being read
  size_t chunk_size_ = 0;
  std::string chunk_signature_;  // the received signature of the chunk being read
  std::string incoming_previous_;
  std::string outgoing_previous_;
  uint64_t decoded_bytes_ = 0;
};

}  // namespace audex
