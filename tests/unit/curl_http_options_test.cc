// The HTTP client settings each cloud's clients get from the environment:
// the CA bundle its own CLI reads (else AWS_CA_BUNDLE), and the short
// timeouts of a metadata service that is only there on that cloud.
#include <gtest/gtest.h>

#include "adapters/azure/azure_cli_config.h"
#include "adapters/gcp/gcp_credentials.h"
#include "adapters/http/curl_http_client.h"
#include "core/base/env.h"

namespace audex {
namespace {

using std::chrono::milliseconds;

TEST(HttpOptionsFrom, ReadsAwsCaBundleAndTakesAnEmptyValueAsUnset) {
  EXPECT_EQ(HttpOptionsFrom(LookupIn({{"AWS_CA_BUNDLE", "/etc/corp.pem"}})).ca_bundle,
            "/etc/corp.pem");
  EXPECT_FALSE(HttpOptionsFrom(LookupIn({{"AWS_CA_BUNDLE", ""}})).ca_bundle);
  EXPECT_FALSE(HttpOptionsFrom(LookupIn({})).ca_bundle);
}

TEST(HttpOptionsFrom, ACloudsOwnBundleVariableComesBeforeAwsCaBundle) {
  const Environment both = {{"AWS_CA_BUNDLE", "/aws.pem"}, {"MY_CA_BUNDLE", "/mine.pem"}};
  EXPECT_EQ(HttpOptionsFrom(LookupIn(both), "MY_CA_BUNDLE").ca_bundle, "/mine.pem");
  EXPECT_EQ(HttpOptionsFrom(LookupIn({{"AWS_CA_BUNDLE", "/aws.pem"}}), "MY_CA_BUNDLE").ca_bundle,
            "/aws.pem");
  EXPECT_FALSE(HttpOptionsFrom(LookupIn({{"MY_CA_BUNDLE", ""}}), "MY_CA_BUNDLE").ca_bundle);
}

TEST(HttpOptionsFrom, AzureAndGoogleReadTheVariablesTheirClisRead) {
  const Environment env = {{"AWS_CA_BUNDLE", "/aws.pem"},
                           {"REQUESTS_CA_BUNDLE", "/az.pem"},
                           {"CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE", "/gcloud.pem"}};
  EXPECT_EQ(AzureHttpOptions(LookupIn(env)).ca_bundle, "/az.pem");
  EXPECT_EQ(GcpHttpOptions(LookupIn(env)).ca_bundle, "/gcloud.pem");
}

TEST(ForMetadataService, GivesUpInSecondsAndKeepsTheBundle) {
  const CurlHttpOptions usual = HttpOptionsFrom(LookupIn({{"AWS_CA_BUNDLE", "/aws.pem"}}));
  const CurlHttpOptions metadata = ForMetadataService(usual);
  EXPECT_EQ(metadata.timeouts.connect, milliseconds(1000));
  EXPECT_EQ(metadata.timeouts.total, milliseconds(3000));
  EXPECT_LT(metadata.timeouts.total, usual.timeouts.total);
  EXPECT_EQ(metadata.ca_bundle, "/aws.pem");
  const Environment env = {{"REQUESTS_CA_BUNDLE", "/az.pem"},
                           {"CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE", "/gcloud.pem"}};
  EXPECT_EQ(AzureImdsHttpOptions(LookupIn(env)).timeouts.total, milliseconds(3000));
  EXPECT_EQ(AzureImdsHttpOptions(LookupIn(env)).ca_bundle, "/az.pem");
  EXPECT_EQ(GcpMetadataHttpOptions(LookupIn(env)).timeouts.connect, milliseconds(1000));
  EXPECT_EQ(GcpMetadataHttpOptions(LookupIn(env)).ca_bundle, "/gcloud.pem");
}

}  // namespace
}  // namespace audex
