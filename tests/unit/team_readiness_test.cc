// GET /readyz asks for the base credentials of each provider the rule sets
// may grant, and only those: a GCP-only server is ready without AWS keys,
// and not ready without its GCP base token.
#include <gtest/gtest.h>

#include <algorithm>

#include "team_server_fixture.h"

namespace audex {
namespace {

// Rule sets granting `providers`; the server's environment has the AWS
// keys only when `aws_keys`, and a GCP base token only when `gcp_token`.
class ReadinessTest : public TeamServerFixture {
 protected:
  std::vector<Provider> providers = {Provider::kGcp};
  bool aws_keys = false;
  bool gcp_token = true;
  bool azure_app = false;

  void SetUp() override {}  // each test sets the fields, then Start()s

  void Start() { TeamServerFixture::SetUp(); }

  void Configure(ServerConfig& config) override {
    ServerRule rule;
    rule.name = "only";
    rule.providers = providers;
    rule.actions = {"*"};
    config.policy.rules = {rule};
    config.gcp_service_account = "audex@my-project.iam.gserviceaccount.com";
  }

  void ConfigureEnvironment(Environment& environment) override {
    if (!aws_keys) {
      std::erase_if(environment, [](const auto& entry) { return entry.first.starts_with("AWS_"); });
    }
    if (gcp_token) environment.emplace_back("CLOUDSDK_AUTH_ACCESS_TOKEN", "ya29.READY-BASE");
    if (azure_app) {
      environment.emplace_back("AZURE_CLIENT_ID", "audex-app");
      environment.emplace_back("AZURE_CLIENT_SECRET", "azure-ready-secret");
      environment.emplace_back("AZURE_TENANT_ID", "tenant-1");
      environment.emplace_back("AZURE_AUTHORITY_HOST", "http://login.test");
    }
    // No ADC file or metadata server to fall back on.
    environment.emplace_back("GOOGLE_APPLICATION_CREDENTIALS", (dir_ / "no-adc.json").string());
    environment.emplace_back("AWS_EC2_METADATA_DISABLED", "true");
  }

  ApiResponse Ready() {
    ApiRequest request;
    request.method = "GET";
    request.path = "/readyz";
    return server_->Handle(request);
  }
};

TEST_F(ReadinessTest, AGcpOnlyServerIsReadyWithItsGcpTokenAndNoAwsKeys) {
  Start();
  const ApiResponse ready = Ready();
  EXPECT_EQ(ready.status, 200) << ready.body;
}

TEST_F(ReadinessTest, AGcpOnlyServerWithoutItsGcpTokenIsNotReadyAndSaysGcp) {
  gcp_token = false;
  Start();
  const ApiResponse ready = Ready();
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("base_credentials"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("gcp: "), std::string::npos) << ready.body;
}

TEST_F(ReadinessTest, AServerGrantingAwsStillNeedsItsAwsKeys) {
  providers = {Provider::kAws, Provider::kGcp};
  Start();
  const ApiResponse ready = Ready();
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("aws: "), std::string::npos) << ready.body;
}

TEST_F(ReadinessTest, AnAwsServerWithItsKeysIsReadyWithoutAnyGcpToken) {
  providers = {Provider::kAws};
  aws_keys = true;
  gcp_token = false;
  Start();
  const ApiResponse ready = Ready();
  EXPECT_EQ(ready.status, 200) << ready.body;
}

TEST_F(ReadinessTest, AnAzureServerAsksEntraIdForItsTokenAndSaysWhyNot) {
  providers = {Provider::kAzure};
  azure_app = true;
  Start();
  HttpResponse refused;
  refused.status = 401;
  refused.body =
      R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})";
  sts_.script.push_back(refused);
  const ApiResponse ready = Ready();
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("azure: "), std::string::npos) << ready.body;
  EXPECT_EQ(ready.body.find("azure-ready-secret"), std::string::npos) << ready.body;
  ASSERT_EQ(sts_.sent.size(), 1u);
  EXPECT_NE(sts_.sent[0].url.find("login.test/tenant-1/"), std::string::npos) << sts_.sent[0].url;
}

}  // namespace
}  // namespace audex
