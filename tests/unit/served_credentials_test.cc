// The --serve endpoint's decisions: the token check, the reply's JSON and
// when to refresh or refuse (core/served_credentials.h).
#include "core/credentials/served_credentials.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

TEST(AuthorizationMatches, OnlyTheExactToken) {
  const std::string token = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(AuthorizationMatches(token, token));
  EXPECT_FALSE(AuthorizationMatches(token, ""));
  EXPECT_FALSE(AuthorizationMatches(token, token.substr(1)));
  EXPECT_FALSE(AuthorizationMatches(token, token + "0"));
  std::string last = token;
  last.back() = 'e';
  EXPECT_FALSE(AuthorizationMatches(token, last));
  std::string first = token;
  first.front() = '1';
  EXPECT_FALSE(AuthorizationMatches(token, first));
  EXPECT_FALSE(AuthorizationMatches(token, "Bearer " + token));
  // An endpoint without a token must not let an empty header through.
  EXPECT_FALSE(AuthorizationMatches("", ""));
}

TEST(ServedChildEnvironment, SwapsTheStaticKeysForTheEndpoint) {
  const Environment usual = {{"PATH", "/bin"},
                             {"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
                             {"AWS_SECRET_ACCESS_KEY", "secret"},
                             {"AWS_SESSION_TOKEN", "token"},
                             {"AWS_SECURITY_TOKEN", "token"},
                             {"AWS_CREDENTIAL_EXPIRATION", "2026-01-01T00:00:00Z"},
                             {"AWS_REGION", "eu-west-1"}};
  const Environment served =
      ServedChildEnvironment(usual, "http://127.0.0.1:1/credentials", SecretString("tok"));
  const Environment expected = {
      {"PATH", "/bin"},
      {"AWS_REGION", "eu-west-1"},
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/credentials"},
      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"}};
  EXPECT_EQ(served, expected);
}

TEST(ServedChildVariableNames, TheEndpointVariablesInsteadOfTheStaticKeys) {
  EXPECT_EQ(ServedChildVariableNames(
                {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"}),
            (std::vector<std::string>{"AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_REGION"}));
}

TEST(ContainerCredentialsJson, HasTheFieldsTheSdksRead) {
  AwsCredentials credentials;
  credentials.access_key_id = "ASIAEXAMPLE";
  credentials.secret_access_key = SecretString("the-secret");
  credentials.session_token = SecretString("the-token");
  credentials.expiration = *ParseRfc3339("2026-11-28T20:00:00Z");
  const auto json = nlohmann::json::parse(ContainerCredentialsJson(credentials));
  EXPECT_EQ(json["AccessKeyId"], "ASIAEXAMPLE");
  EXPECT_EQ(json["SecretAccessKey"], "the-secret");
  EXPECT_EQ(json["Token"], "the-token");  // Token, not SessionToken
  EXPECT_FALSE(json.contains("SessionToken"));
  EXPECT_EQ(json["Expiration"], "2026-11-28T20:00:00Z");
}

ServeSchedule Schedule(system_clock::time_point started,
                       std::chrono::seconds max_duration = kDefaultServeMaxDuration) {
  ServeSchedule schedule;
  schedule.started = started;
  schedule.max_duration = max_duration;
  return schedule;
}

AwsCredentials Expiring(system_clock::time_point at) {
  AwsCredentials credentials;
  credentials.expiration = at;
  return credentials;
}

TEST(DecideServe, ServesFreshCredentials) {
  const auto t0 = system_clock::now();
  ServeSchedule schedule = Schedule(t0);
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + hours(1)), t0, t0 + minutes(10)),
            ServeAction::kServe);
}

TEST(DecideServe, RefreshesBeforeBotocoreWouldAndHalfWayThroughShortOnes) {
  const auto t0 = system_clock::now();
  ServeSchedule schedule = Schedule(t0);
  // One hour: renewed once 20 minutes or less are left.
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + hours(1)), t0, t0 + minutes(39)),
            ServeAction::kServe);
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + hours(1)), t0, t0 + minutes(40)),
            ServeAction::kRefresh);
  // Fifteen minutes: renewed half-way.
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + minutes(15)), t0, t0 + minutes(7)),
            ServeAction::kServe);
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + minutes(15)), t0, t0 + seconds(451)),
            ServeAction::kRefresh);
}

TEST(DecideServe, TestOverrideRefreshesSoonAfterEachIssue) {
  const auto t0 = system_clock::now();
  ServeSchedule schedule = Schedule(t0);
  schedule.refresh_after = seconds(3);
  const auto issued = t0 + minutes(1);
  EXPECT_EQ(DecideServe(schedule, Expiring(issued + hours(1)), issued, issued + seconds(2)),
            ServeAction::kServe);
  EXPECT_EQ(DecideServe(schedule, Expiring(issued + hours(1)), issued, issued + seconds(3)),
            ServeAction::kRefresh);
}

TEST(DecideServe, RefusesOnceTheMaxDurationHasPassed) {
  const auto t0 = system_clock::now();
  ServeSchedule schedule = Schedule(t0, hours(2));
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + hours(3)), t0, t0 + hours(2) - seconds(1)),
            ServeAction::kServe);
  EXPECT_EQ(DecideServe(schedule, Expiring(t0 + hours(3)), t0, t0 + hours(2)),
            ServeAction::kRefuse);
}

TEST(RefreshDuration, ShortenedToTheBoundButNotBelowStsMinimum) {
  const auto t0 = system_clock::now();
  ServeSchedule schedule = Schedule(t0, hours(2));
  EXPECT_EQ(RefreshDuration(schedule, hours(1), t0), hours(1));
  EXPECT_EQ(RefreshDuration(schedule, hours(1), t0 + minutes(90)), minutes(30));
  EXPECT_EQ(RefreshDuration(schedule, hours(1), t0 + minutes(115)), seconds(900));
}

}  // namespace
}  // namespace audex
