// The aws-chunked re-signer: a small state machine over header line, data,
// CRLF and trailer, following the S3 API reference's chunked-upload format:
//   hex-size ";chunk-signature=" signature CRLF data CRLF ... "0;chunk-signature=" sig CRLF
//   [trailer lines CRLF "x-amz-trailer-signature:" sig CRLF] CRLF
#include "core/wire/aws_chunked.h"

#include <charconv>

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/wire/sigv4.h"

namespace audex {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr std::string_view kSignatureKey = ";chunk-signature=";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature:";

tl::unexpected<Error> Malformed(std::string_view why) {
  return UsageError(fmt::format("the aws-chunked request body is malformed: {}", why));
}

// Constant-time comparison of two hex signatures.
bool SameSignature(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

AwsChunkedResigner::AwsChunkedResigner(ChunkSigningKeys incoming, ChunkSigningKeys outgoing,
                                       bool trailer)
    : incoming_(std::move(incoming)), outgoing_(std::move(outgoing)), trailer_(trailer) {
  incoming_previous_ = incoming_.seed_signature;
  outgoing_previous_ = outgoing_.seed_signature;
}

Result<bool> AwsChunkedResigner::Feed(std::string_view data, std::string* out) {
  size_t i = 0;
  while (i < data.size()) {
    switch (state_) {
      case State::kHeader:
      case State::kTrailer: {
        const size_t newline = data.find('\n', i);
        const size_t end = newline == std::string_view::npos ? data.size() : newline + 1;
        line_.append(data.substr(i, end - i));
        i = end;
        if (line_.size() > kMaxLine) return Malformed("a chunk header line is too long");
        if (line_.back() != '\n') break;
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
          return Malformed("a line does not end in CRLF");
        }
        line_.resize(line_.size() - 2);
        auto ended = state_ == State::kHeader ? EndHeader(out) : EndTrailer(out);
        line_.clear();
        if (!ended) return ended;
        break;
      }
      case State::kData: {
        const size_t take = std::min(chunk_size_ - chunk_.size(), data.size() - i);
        chunk_.append(data.substr(i, take));
        i += take;
        if (chunk_.size() == chunk_size_) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        line_.push_back(data[i++]);
        if (line_.size() < 2) break;
        if (line_ != "\r\n") return Malformed("chunk data is not followed by CRLF");
        line_.clear();
        if (auto ended = EndChunk(out); !ended) return ended;
        break;
      }
      case State::kDone:
        return Malformed("bytes follow the final chunk");
    }
  }
  return true;
}

Result<bool> AwsChunkedResigner::EndHeader(std::string* out) {
  const size_t key = line_.find(kSignatureKey);
  if (key == std::string::npos) return Malformed("a chunk header has no chunk-signature");
  const std::string_view size_text = std::string_view(line_).substr(0, key);
  size_t size = 0;
  const auto [end, ec] =
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) {
    return Malformed("a chunk size is not a hexadecimal number");
  }
  if (size > kMaxChunkSize) {
    return Malformed(
        fmt::format("a chunk of {} bytes is over the {} byte limit", size, kMaxChunkSize));
  }
  chunk_signature_ = line_.substr(key + kSignatureKey.size());
  chunk_size_ = size;
  chunk_.clear();
  if (size == 0) return EndChunk(out);
  state_ = State::kData;
  return true;
}

Result<bool> AwsChunkedResigner::EndChunk(std::string* out) {
  const std::string expected =
      SigV4ChunkSignature(incoming_.signing_key, incoming_.amz_date, incoming_.credential_scope,
                          incoming_previous_, chunk_);
  if (!SameSignature(expected, chunk_signature_)) {
    return UsageError(
        "a chunk of the aws-chunked request body does not carry the sender's signature");
  }
  incoming_previous_ = expected;
  const std::string signature =
      SigV4ChunkSignature(outgoing_.signing_key, outgoing_.amz_date, outgoing_.credential_scope,
                          outgoing_previous_, chunk_);
  outgoing_previous_ = signature;
  *out += fmt::format("{:x}{}{}\r\n", chunk_size_, kSignatureKey, signature);
  decoded_bytes_ += chunk_.size();
  if (chunk_size_ == 0) {
    // The final chunk: a CRLF ends the body, or trailer lines follow.
    state_ = State::kTrailer;
    return true;
  }
  *out += chunk_;
  *out += "\r\n";
  chunk_.clear();
  state_ = State::kHeader;
  return true;
}

Result<bool> AwsChunkedResigner::EndTrailer(std::string* out) {
  if (!line_.empty()) {
    if (!trailer_) return Malformed("trailer lines follow the final chunk of a body without one");
    if (ToLower(std::string_view(line_).substr(0, kTrailerSignature.size())) == kTrailerSignature) {
      received_trailer_signature_ = std::string(Trim(line_.substr(kTrailerSignature.size())));
    } else {
      trailer_text_ += line_ + "\n";
    }
    return true;
  }
  if (trailer_) {
    const std::string expected =
        SigV4TrailerSignature(incoming_.signing_key, incoming_.amz_date, incoming_.credential_scope,
                              incoming_previous_, trailer_text_);
    if (!SameSignature(expected, received_trailer_signature_)) {
      return UsageError(
          "the trailer of the aws-chunked request body does not carry the sender's "
          "signature");
    }
    const std::string signature =
        SigV4TrailerSignature(outgoing_.signing_key, outgoing_.amz_date, outgoing_.credential_scope,
                              outgoing_previous_, trailer_text_);
    // The trailer headers travel with CRLF line ends; they were signed with LF.
    for (size_t start = 0; start < trailer_text_.size();) {
      const size_t newline = trailer_text_.find('\n', start);
      *out += trailer_text_.substr(start, newline - start) + "\r\n";
      start = newline + 1;
    }
    *out += fmt::format("{}{}\r\n", kTrailerSignature, signature);
  }
  *out += "\r\n";
  state_ = State::kDone;
  return true;
}

}  // namespace audex
