// The audit report's aggregation and its renderings
// (core/audit/audit_report.h, report_render.h), on lines built from real
// events of made-up sessions.
#include "core/audit/audit_report.h"

#include <gtest/gtest.h>

#include "core/audit/report_render.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

TimePoint At(const char* text) { return *ParseRfc3339(text); }

struct Log {
  std::vector<AuditLine> lines;

  void Add(AuditEvent event, const char* ts) {
    AuditLine line;
    line.seq = lines.size() + 1;
    event.ts = ts;
    line.event = std::move(event);
    lines.push_back(std::move(line));
  }
};

SessionRecord Session(const char* id, const char* created, int ttl_seconds) {
  SessionRecord record;
  record.id = id;
  record.created = At(created);
  record.ttl = std::chrono::seconds(ttl_seconds);
  record.expires = record.created + record.ttl;
  record.provider = Provider::kAws;
  record.role = "arn:aws:iam::123456789012:role/dev";
  record.actions = {"s3:GetObject"};
  record.command = {"aws", "s3", "ls"};
  return record;
}

ReportInput Input(const Log& log, const char* now) {
  ReportInput input;
  input.source = "test log";
  input.lines = log.lines;
  input.now = At(now);
  input.verification = {true, log.lines.size(), 0, ""};
  return input;
}

Log Sample() {
  Log log;
  // a: agent claude, profile s3-readonly, wildcard s3:Get*, ended.
  SessionRecord a = Session("aaaaaaaaaaaaaaaa", "2026-05-01T10:00:00Z", 900);
  a.agent_id = "claude";
  a.profile = "s3-readonly";
  a.actions = {"s3:Get*", "s3:ListBucket"};
  a.denied = {"s3:GetObjectAcl"};
  log.Add(SessionCreatedEvent(a), "2026-05-01T10:00:00Z");
  log.Add(CredentialsIssuedEvent(a, {"ASIA1", a.expires, "sts:AssumeRole"}),
          "2026-05-01T10:00:01Z");
  log.Add(SessionEndedEvent(a), "2026-05-01T10:01:00Z");
  // b: local, "*" granted, --allow-unknown, 12h TTL, never ended: abandoned.
  SessionRecord b = Session("bbbbbbbbbbbbbbbb", "2026-05-01T11:00:00Z", 43200);
  b.actions = {"*"};
  b.allow_unknown = {"s3:BrandNewThing"};
  log.Add(SessionCreatedEvent(b), "2026-05-01T11:00:00Z");
  log.Add(CredentialsIssuedEvent(b, {"ASIA2", b.expires, "sts:AssumeRole"}),
          "2026-05-01T11:00:01Z");
  // c: failed.
  SessionRecord c = Session("cccccccccccccccc", "2026-05-02T09:00:00Z", 1800);
  c.agent_id = "claude";
  log.Add(SessionCreatedEvent(c), "2026-05-02T09:00:00Z");
  c.failure = "sts:AssumeRole ... AccessDenied";
  log.Add(CredentialsFailedEvent(c), "2026-05-02T09:00:01Z");
  // d: credential-process (no command): never "abandoned".
  SessionRecord d = Session("dddddddddddddddd", "2026-05-02T09:30:00Z", 3600);
  d.command.clear();
  log.Add(SessionCreatedEvent(d), "2026-05-02T09:30:00Z");
  // e: still running at report time; a GCP session.
  SessionRecord e = Session("eeeeeeeeeeeeeeee", "2026-05-03T11:50:00Z", 3600);
  e.provider = Provider::kGcp;
  e.actions = {"storage.objects.get"};
  e.replay_of = "aaaaaaaaaaaaaaaa";
  log.Add(SessionCreatedEvent(e), "2026-05-03T11:50:00Z");
  return log;
}

TEST(AuditReport, CountsSessionsByCallerProviderAndProfile) {
  const AuditReport report = BuildAuditReport(Input(Sample(), "2026-05-03T12:00:00Z"));
  EXPECT_EQ(report.sessions, 5u);
  EXPECT_EQ(report.events, 9u);
  ASSERT_EQ(report.by_caller.size(), 2u);
  EXPECT_EQ(report.by_caller[0].name, "local user");
  EXPECT_EQ(report.by_caller[0].sessions, 3u);
  EXPECT_EQ(report.by_caller[1].name, "claude");
  EXPECT_EQ(report.by_caller[1].sessions, 2u);
  EXPECT_EQ(report.by_provider[0].name, "aws");
  EXPECT_EQ(report.by_provider[0].sessions, 4u);
  EXPECT_EQ(report.by_profile[0].name, "(none)");
  EXPECT_EQ(report.by_profile[1].name, "s3-readonly");
  EXPECT_EQ(report.replays, 1u);
  EXPECT_EQ(*report.first_event, "2026-05-01T10:00:00Z");
  EXPECT_EQ(*report.last_event, "2026-05-03T11:50:00Z");
}

TEST(AuditReport, ListsWildcardsRemovalsOverridesFailuresAndAbandonedSessions) {
  const AuditReport report = BuildAuditReport(Input(Sample(), "2026-05-03T12:00:00Z"));
  ASSERT_EQ(report.wildcard_grants.size(), 2u);
  EXPECT_EQ(report.wildcard_grants[0].subject, "s3:Get*");
  EXPECT_FALSE(report.wildcard_grants[0].everything);
  EXPECT_EQ(report.wildcard_grants[1].subject, "*");
  EXPECT_TRUE(report.wildcard_grants[1].everything);
  ASSERT_EQ(report.deny_removals.size(), 1u);
  EXPECT_EQ(report.deny_removals[0].subject, "s3:GetObjectAcl");
  ASSERT_EQ(report.unknown_overrides.size(), 1u);
  EXPECT_EQ(report.unknown_overrides[0].session_id, "bbbbbbbbbbbbbbbb");
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].subject, "sts:AssumeRole ... AccessDenied");
  // b expired without an end; d has no command; e is still open.
  ASSERT_EQ(report.abandoned.size(), 1u);
  EXPECT_EQ(report.abandoned[0].session_id, "bbbbbbbbbbbbbbbb");
  EXPECT_EQ(report.abandoned[0].subject, "2026-05-01T23:00:00Z");
  EXPECT_EQ(report.open_sessions, 1u);
  ASSERT_EQ(report.longest_ttls.size(), 5u);
  EXPECT_EQ(report.longest_ttls[0].session_id, "bbbbbbbbbbbbbbbb");
  EXPECT_EQ(report.longest_ttls[0].ttl_seconds, 43200);
}

TEST(AuditReport, SinceLeavesOutWhatCameBefore) {
  ReportInput input = Input(Sample(), "2026-05-03T12:00:00Z");
  input.since = At("2026-05-02T00:00:00Z");
  const AuditReport report = BuildAuditReport(input);
  EXPECT_EQ(report.sessions, 3u);
  EXPECT_EQ(report.events, 4u);
  EXPECT_TRUE(report.wildcard_grants.empty());
  EXPECT_TRUE(report.abandoned.empty());
  EXPECT_EQ(*report.first_event, "2026-05-02T09:00:00Z");
}

TEST(AuditReport, ParseSinceTakesSpansTimesAndDates) {
  const TimePoint now = At("2026-05-31T00:00:00Z");
  EXPECT_EQ(*ParseSince("30d", now), At("2026-05-01T00:00:00Z"));
  EXPECT_EQ(*ParseSince("12h", now), At("2026-05-30T12:00:00Z"));
  EXPECT_EQ(*ParseSince("2w", now), At("2026-05-17T00:00:00Z"));
  EXPECT_EQ(*ParseSince("90m", now), At("2026-05-30T22:30:00Z"));
  EXPECT_EQ(*ParseSince("2026-05-01", now), At("2026-05-01T00:00:00Z"));
  EXPECT_EQ(*ParseSince("2026-05-01T06:00:00Z", now), At("2026-05-01T06:00:00Z"));
  for (const char* bad : {"", "30", "d", "-3d", "3y", "2026-13-01", "soon"}) {
    auto parsed = ParseSince(bad, now);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kUsage);
  }
}

TEST(ReportRender, MarkdownCsvAndJsonCarryTheSameFigures) {
  ReportInput input = Input(Sample(), "2026-05-03T12:00:00Z");
  input.verification = {false, 4, 5, "its mac does not match"};
  const AuditReport report = BuildAuditReport(input);
  const std::string md = RenderReportMarkdown(report);
  EXPECT_NE(md.find("- Audit chain: BROKEN at line 5: its mac does not match"), std::string::npos);
  EXPECT_NE(md.find("| claude | 2 |"), std::string::npos);
  EXPECT_NE(md.find("## Wildcard grants (2)"), std::string::npos);
  EXPECT_NE(md.find("**(every action)**"), std::string::npos);
  const std::string csv = RenderReportCsv(report);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "section,session_id,time,caller,provider,profile,subject,value");
  EXPECT_NE(csv.find("sessions_by_caller,,,,,,claude,2\r\n"), std::string::npos);
  EXPECT_NE(csv.find("wildcard_grant,bbbbbbbbbbbbbbbb,2026-05-01T11:00:00Z,local user,aws,,*,"
                     "everything\r\n"),
            std::string::npos);
  const auto json = ReportJson(report);
  EXPECT_EQ(json["sessions"], 5);
  EXPECT_EQ(json["sessions_by_caller"]["claude"], 2);
  EXPECT_EQ(json["chain"]["intact"], false);
  EXPECT_EQ(json["chain"]["break_line"], 5);
  EXPECT_EQ(json["abandoned"].size(), 1u);
  EXPECT_EQ(json["longest_ttls"][0]["ttl_seconds"], 43200);
}

TEST(ReportRender, CsvQuotesWhatNeedsQuoting) {
  Log log;
  SessionRecord a = Session("aaaaaaaaaaaaaaaa", "2026-05-01T10:00:00Z", 900);
  a.agent_id = "team, \"ops\"";
  log.Add(SessionCreatedEvent(a), "2026-05-01T10:00:00Z");
  const std::string csv = RenderReportCsv(BuildAuditReport(Input(log, "2026-05-01T10:05:00Z")));
  EXPECT_NE(csv.find("\"team, \"\"ops\"\"\""), std::string::npos);
}

TEST(ReportRender, FormatsByName) {
  EXPECT_EQ(*ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("csv"), ReportFormat::kCsv);
  EXPECT_EQ(*ParseReportFormat("json"), ReportFormat::kJson);
  EXPECT_FALSE(ParseReportFormat("xml"));
}

}  // namespace
}  // namespace audex
