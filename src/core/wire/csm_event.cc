#include "core/wire/csm_event.h"

#include "core/base/text.h"

#include <nlohmann/json.hpp>

namespace audex {
namespace {

std::string StringField(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<int64_t> IntegerField(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) return std::nullopt;
  return found->get<int64_t>();
}

std::string Key(const CsmEvent& event) { return event.service + '/' + event.api; }

}  // namespace

Result<CsmEvent> ParseCsmDatagram(std::string_view datagram) {
  const nlohmann::json json = nlohmann::json::parse(datagram, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return UsageError("CSM datagram is not a JSON object");
  }
  const auto type = json.find("Type");
  if (type == json.end() || !type->is_string()) {
    return UsageError("CSM datagram has no string \"Type\"");
  }
  CsmEvent event;
  const std::string& type_name = type->get_ref<const std::string&>();
  const bool call = type_name == "ApiCall";
  event.type = call                            ? CsmEventType::kApiCall
               : type_name == "ApiCallAttempt" ? CsmEventType::kApiCallAttempt
                                               : CsmEventType::kOther;
  event.service = StringField(json, "Service");
  event.api = StringField(json, "Api");
  event.client_id = StringField(json, "ClientId");
  event.access_key = StringField(json, "AccessKey");
  event.region = StringField(json, "Region");
  event.fqdn = StringField(json, "Fqdn");
  event.aws_exception = StringField(json, call ? "FinalAwsException" : "AwsException");
  event.sdk_exception = StringField(json, call ? "FinalSdkException" : "SdkException");
  if (auto status = IntegerField(json, call ? "FinalHttpStatusCode" : "HttpStatusCode");
      status && *status >= 0 && *status < 1000) {
    event.http_status = static_cast<int>(*status);
  }
  if (auto attempts = IntegerField(json, "AttemptCount"); attempts && *attempts >= 0) {
    event.attempt_count = static_cast<int>(std::min<int64_t>(*attempts, 1 << 20));
  }
  event.timestamp_ms = IntegerField(json, "Timestamp").value_or(0);
  return event;
}

CsmCallCollector::CsmCallCollector(std::string client_id, std::string access_key_id)
    : client_id_(std::move(client_id)), access_key_id_(std::move(access_key_id)) {}

void CsmCallCollector::Add(std::string_view datagram) {
  ++datagrams_;
  auto event = ParseCsmDatagram(datagram);
  if (!event) {
    ++malformed_;
    return;
  }
  if (event->type == CsmEventType::kOther) return;
  if (event->service.empty() || event->api.empty()) {
    ++malformed_;
    return;
  }
  if (event->client_id != client_id_) {
    ++foreign_;
    return;
  }
  if (event->type == CsmEventType::kApiCallAttempt) {
    last_attempt_[Key(*event)] = std::move(*event);
    return;
  }
  ObservedCall call;
  call.naming = ServiceNaming::kSdkServiceId;
  if (event->attempt_count > 0) {
    const auto attempt = last_attempt_.find(Key(*event));
    if (attempt != last_attempt_.end()) {
      if (!attempt->second.access_key.empty() && attempt->second.access_key != access_key_id_) {
        ++foreign_;
        last_attempt_.erase(attempt);
        return;
      }
      if (!skipped_host_.empty() && EqualsIgnoreCase(attempt->second.fqdn, skipped_host_)) {
        ++through_endpoint_;
        last_attempt_.erase(attempt);
        return;
      }
      if (event->service == "S3") {
        const std::string bucket = S3BucketFromHost(attempt->second.fqdn);
        if (!bucket.empty()) call.resources.push_back("arn:aws:s3:::" + bucket);
      }
      last_attempt_.erase(attempt);
    }
  }
  call.service = std::move(event->service);
  call.operation = std::move(event->api);
  call.http_status = event->http_status;
  call.error_code = std::move(event->aws_exception);
  call.denied = IsPermissionDenied(call.error_code, call.http_status);
  calls_.push_back(std::move(call));
}

std::string S3BucketFromHost(std::string_view fqdn) {
  if (const size_t colon = fqdn.rfind(':'); colon != std::string_view::npos) {
    fqdn = fqdn.substr(0, colon);
  }
  // "bucket.s3.amazonaws.com", "bucket.s3.REGION.amazonaws.com",
  // "bucket.s3-REGION.amazonaws.com", "bucket.s3.dualstack.REGION.amazonaws.com".
  constexpr std::string_view kSuffix = ".amazonaws.com";
  if (fqdn.size() <= kSuffix.size() || fqdn.substr(fqdn.size() - kSuffix.size()) != kSuffix) {
    return "";
  }
  // The last ".s3." or ".s3-": bucket names may hold dots and "s3".
  for (size_t marker = fqdn.rfind(".s3"); marker != std::string_view::npos && marker > 0;
       marker = fqdn.rfind(".s3", marker - 1)) {
    const char after = fqdn[marker + 3];  // the suffix follows, so this is in range
    if (after == '.' || after == '-') return std::string(fqdn.substr(0, marker));
  }
  return "";
}

}  // namespace audex
