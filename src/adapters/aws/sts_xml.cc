// STS XML replies through pugixml, elements matched by local name
// (aws_xml.h).
#include "adapters/aws/sts_xml.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "adapters/aws/aws_xml.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"

namespace audex {
namespace {

using aws_xml::Child;
using aws_xml::ChildText;
using aws_xml::Find;
using aws_xml::LocalName;

Result<pugi::xml_document*> Load(std::string_view xml, pugi::xml_document& document,
                                 std::string_view what) {
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    // The offset and pugixml's description only: the reply text may hold
    // credentials and must not be echoed.
    return CredentialsError(fmt::format(
        "the {} reply from STS is not valid XML ({} at byte {} of {}); is the endpoint an STS "
        "service?",
        what, parsed.description(), parsed.offset, xml.size()));
  }
  return &document;
}

tl::unexpected<Error> Missing(std::string_view what, std::string_view path) {
  return CredentialsError(fmt::format(
      "the {} reply from STS has no {}; is the endpoint an STS service (AWS_ENDPOINT_URL_STS, "
      "AWS_ENDPOINT_URL)?",
      what, path));
}

// Credentials/{AccessKeyId,SecretAccessKey,SessionToken,Expiration}, the
// same element in every STS reply that issues credentials.
Result<AwsCredentials> ParseCredentialsElement(const pugi::xml_node& credentials,
                                               std::string_view what, std::string source) {
  AwsCredentials parsed;
  parsed.access_key_id = ChildText(credentials, "AccessKeyId");
  parsed.secret_access_key = SecretString(ChildText(credentials, "SecretAccessKey"));
  parsed.session_token = SecretString(ChildText(credentials, "SessionToken"));
  parsed.source = std::move(source);
  if (parsed.access_key_id.empty()) return Missing(what, "Credentials/AccessKeyId");
  if (parsed.secret_access_key.empty()) return Missing(what, "Credentials/SecretAccessKey");
  if (parsed.session_token.empty()) return Missing(what, "Credentials/SessionToken");
  const std::string expiration = ChildText(credentials, "Expiration");
  if (expiration.empty()) return Missing(what, "Credentials/Expiration");
  parsed.expiration = ParseRfc3339(expiration);
  if (!parsed.expiration) {
    // Not quoted: a broken server could put anything there, a token too.
    return CredentialsError(
        fmt::format("the {} reply from STS has an Expiration that is not an RFC 3339 time ({} "
                    "characters; expected e.g. 2026-01-01T00:00:00Z)",
                    what, expiration.size()));
  }
  return parsed;
}

}  // namespace

Result<AssumedRole> ParseAssumeRoleReply(std::string_view xml, std::string source) {
  pugi::xml_document document;
  if (auto loaded = Load(xml, document, "AssumeRole"); !loaded) {
    return tl::unexpected(loaded.error());
  }
  const pugi::xml_node result = Find(document, "AssumeRoleResult");
  if (!result) return Missing("AssumeRole", "AssumeRoleResponse/AssumeRoleResult");
  const pugi::xml_node credentials = Child(result, "Credentials");
  if (!credentials) return Missing("AssumeRole", "AssumeRoleResult/Credentials");

  AssumedRole role;
  auto parsed = ParseCredentialsElement(credentials, "AssumeRole", std::move(source));
  if (!parsed) return tl::unexpected(parsed.error());
  role.credentials = std::move(*parsed);

  const pugi::xml_node user = Child(result, "AssumedRoleUser");
  role.assumed_role_id = ChildText(user, "AssumedRoleId");
  // radosgw names this element AssumeRoleId (testbed.md).
  if (role.assumed_role_id.empty()) role.assumed_role_id = ChildText(user, "AssumeRoleId");
  role.arn = ChildText(user, "Arn");

  const std::string packed = ChildText(result, "PackedPolicySize");
  int percent = 0;
  if (!packed.empty()) {
    const auto [end, ec] = std::from_chars(packed.data(), packed.data() + packed.size(), percent);
    if (ec == std::errc() && end == packed.data() + packed.size())
      role.packed_policy_size = percent;
  }
  if (std::string identity = ChildText(result, "SourceIdentity"); !identity.empty()) {
    role.source_identity = std::move(identity);
  }
  return role;
}

Result<ScopedCredentials> ParseGetScopedCredentialsReply(std::string_view xml, std::string source) {
  pugi::xml_document document;
  if (auto loaded = Load(xml, document, "GetScopedCredentials"); !loaded) {
    return tl::unexpected(loaded.error());
  }
  const pugi::xml_node result = Find(document, "GetScopedCredentialsResult");
  if (!result) {
    return Missing("GetScopedCredentials",
                   "GetScopedCredentialsResponse/GetScopedCredentialsResult");
  }
  const pugi::xml_node credentials = Child(result, "Credentials");
  if (!credentials)
    return Missing("GetScopedCredentials", "GetScopedCredentialsResult/Credentials");
  ScopedCredentials scoped;
  auto parsed = ParseCredentialsElement(credentials, "GetScopedCredentials", std::move(source));
  if (!parsed) return tl::unexpected(parsed.error());
  scoped.credentials = std::move(*parsed);
  const pugi::xml_node session = Child(result, "ScopedSession");
  scoped.arn = ChildText(session, "Arn");
  scoped.scoped_session_id = ChildText(session, "ScopedSessionId");
  return scoped;
}

Result<CallerIdentity> ParseCallerIdentityReply(std::string_view xml) {
  pugi::xml_document document;
  if (auto loaded = Load(xml, document, "GetCallerIdentity"); !loaded) {
    return tl::unexpected(loaded.error());
  }
  const pugi::xml_node result = Find(document, "GetCallerIdentityResult");
  if (!result)
    return Missing("GetCallerIdentity", "GetCallerIdentityResponse/GetCallerIdentityResult");
  CallerIdentity identity{ChildText(result, "Account"), ChildText(result, "Arn"),
                          ChildText(result, "UserId")};
  if (identity.arn.empty()) return Missing("GetCallerIdentity", "GetCallerIdentityResult/Arn");
  return identity;
}

std::optional<StsErrorReply> ParseStsErrorReply(std::string_view xml) {
  pugi::xml_document document;
  if (!document.load_buffer(xml.data(), xml.size())) return std::nullopt;
  // The first <Error> with a <Code>, at whatever depth the shape puts it.
  const pugi::xml_node error = document.find_node([](const pugi::xml_node& node) {
    return node.type() == pugi::node_element && LocalName(node) == "Error" && Child(node, "Code");
  });
  if (!error) return std::nullopt;
  StsErrorReply reply;
  reply.code = ChildText(error, "Code");
  if (reply.code.empty()) return std::nullopt;
  reply.message = ChildText(error, "Message");
  reply.type = ChildText(error, "Type");
  reply.request_id = ChildText(error, "RequestId");
  if (reply.request_id.empty())
    reply.request_id = ChildText(document.document_element(), "RequestId");
  if (reply.request_id.empty())
    reply.request_id = ChildText(document.document_element(), "RequestID");
  return reply;
}

}  // namespace audex
