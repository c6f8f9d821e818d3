// libFuzzer target: arbitrary bytes as what the GCP and Azure identity
// services and the user give Audex: token replies (expiry forms, JWT
// claims), --resource bucket names, and the Credential Access Boundary and
// token-exchange body built from them, checking that what is accepted is
// well formed and survives the round trip.
//
// Input: the first byte picks the parser; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/credentials/azure_identity.h"
#include "core/policy/gcp_access_boundary.h"
#include "core/policy/gcp_storage_roles.h"
#include "core/wire/url.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {  // an Azure token reply's expiry
      const nlohmann::json reply = nlohmann::json::parse(text, nullptr, false);
      (void)audex::AzureTokenExpiry(reply, std::chrono::system_clock::time_point{});
      break;
    }
    case 1: {  // a token's tenant claim
      const auto tenant = audex::JwtTenantId(text);
      if (tenant) Check(text.find('.') != std::string::npos);
      break;
    }
    case 2: {  // --resource for GCP, then the boundary and the exchange body
      const auto bucket = audex::ParseBucketResource(text, "--resource");
      if (!bucket) {
        Check(bucket.error().kind == audex::ErrorKind::kPolicy);
        break;
      }
      Check(bucket->rfind(audex::kBucketResourcePrefix, 0) == 0);
      const auto boundary = audex::AccessBoundaryJson({*bucket}, {"roles/storage.objectViewer"});
      Check(boundary.has_value());
      const auto parsed = nlohmann::json::parse(*boundary);
      Check(parsed["accessBoundary"]["accessBoundaryRules"][0]["availableResource"] == *bucket);
      const std::string body = audex::TokenExchangeBody("token", *boundary);
      const size_t at = body.find("options=");
      Check(at != std::string::npos);
      Check(audex::PercentDecode(audex::PercentDecode(body.substr(at + 8))) == *boundary);
      break;
    }
    default: {  // a permission list for the storage role chooser
      std::vector<std::string> patterns;
      size_t start = 0;
      while (start <= text.size() && patterns.size() < 8) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        patterns.push_back(text.substr(start, end - start));
        start = end + 1;
      }
      const auto choice = audex::ChooseStorageRoles(patterns);
      if (choice) Check(!choice->roles.empty() && !choice->requested.empty());
      break;
    }
  }
  return 0;
}
