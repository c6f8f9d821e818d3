#include "cli/learn.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/aws/cloudtrail_client.h"
#include "adapters/aws/credential_chain.h"
#include "adapters/aws/csm_listener.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/store/state_files.h"
#include "catalog/action_catalog.h"
#include "catalog/learned_policy.h"
#include "cli/aws_session.h"
#include "cli/broker.h"
#include "cli/exit_codes.h"
#include "cli/http_options.h"
#include "core/csm_event.h"
#include "core/profile_toml_edit.h"
#include "core/text.h"
#include "core/ttl.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

// learn's own outcome when the command made no AWS call: nothing to
// recommend (README, "Exit codes"). The child's non-zero code wins.
constexpr int kExitNothingObserved = kExitCheckFailed;

struct Observation {
  std::vector<ObservedCall> calls;
  std::string source_name;  // for the report
  size_t datagrams = 0;
  size_t foreign = 0;
  size_t malformed = 0;
  size_t dropped = 0;
  bool stopped_early = false;
  bool endpoint = false;        // the forwarding endpoint observed
  bool csm = false;             // client-side monitoring observed
  size_t endpoint_calls = 0;    // calls seen by the endpoint
  size_t endpoint_refused = 0;  // requests the endpoint refused (not forwarded)
  size_t through_endpoint = 0;  // CSM calls skipped: the endpoint saw them
};

std::string Plural(size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

Result<std::chrono::milliseconds> ParseWait(const std::string& text) {
  auto parsed = ParseTtl(text);
  if (!parsed) return UsageError("--wait: " + parsed.error().message);
  if (*parsed < std::chrono::seconds(1) || *parsed > std::chrono::hours(1)) {
    return UsageError(fmt::format(
        "--wait {}: give 1s to 1h (CloudTrail delivers in about 5 minutes; the default is 10m)",
        text));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

// Every S3 bucket seen also needs its objects' ARN for object actions.
Result<Observation> ObserveWithCloudTrail(const LearnOptions& options, const CliContext& context,
                                          const AwsSession& session,
                                          std::chrono::system_clock::time_point started) {
  auto wait = ParseWait(options.wait.value_or("10m"));
  if (!wait) return tl::unexpected(wait.error());
  auto base = ResolveBaseCredentials(context.env);
  if (!base) return tl::unexpected(base.error());
  auto endpoint = ResolveCloudTrailEndpoint(context.env, session.target().region.region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  CurlHttpClient http(HttpOptionsFrom(context.env));
  CloudTrailClientOptions client_options;
  client_options.endpoint = *endpoint;
  client_options.region = session.target().region.region;
  CloudTrailClient client(http, std::move(client_options));
  const CloudTrailPollOptions poll = CloudTrailPollOptions::ForWait(*wait);
  context.err << fmt::format(
      "tryaudex: waiting for CloudTrail to deliver the calls of access key {} (about 5 minutes; "
      "at most {})\n",
      session.credentials().access_key_id,
      FormatTtl(std::chrono::duration_cast<std::chrono::seconds>(*wait)));
  // Events are stamped by AWS's clock: look a minute before the session
  // began, in case this machine's clock runs ahead.
  auto polled = PollCloudTrail(
      client, *base, session.credentials().access_key_id, started - std::chrono::minutes(1), poll,
      [&](const CloudTrailProgress& progress) {
        context.err << fmt::format("tryaudex: CloudTrail: {} after {}s (round {}, at most {}s)\n",
                                   Plural(progress.events, "event"),
                                   progress.elapsed.count() / 1000, progress.rounds,
                                   progress.wait.count() / 1000);
      });
  if (!polled) return tl::unexpected(polled.error());
  Observation observation;
  observation.source_name = "CloudTrail";
  observation.stopped_early = polled->stopped_early;
  for (const CloudTrailEvent& event : polled->events) {
    observation.calls.push_back(event.ToObservedCall());
  }
  return observation;
}

void PrintText(const LearnedPolicy& learned, const Observation& observation, int child_status,
               const std::vector<std::string>& resources, const CliContext& context) {
  std::ostream& out = context.out;
  if (learned.total_calls == 0) {
    out << fmt::format("No AWS API calls observed ({}); nothing to recommend.\n",
                       observation.source_name);
    if (observation.source_name != "CloudTrail" && !observation.endpoint) {
      out << "If the command does call AWS, its SDK may not support client-side monitoring (Go "
             "v2, JavaScript v3 and Rust do not): try --source endpoint.\n";
    } else if (observation.endpoint) {
      out << "If the command does call AWS, it ignored AWS_ENDPOINT_URL and client-side "
             "monitoring: try --source cloudtrail.\n";
    }
    return;
  }
  out << fmt::format("Observed {} ({}); the command exited with {}.\n",
                     Plural(learned.total_calls, "AWS API call"), observation.source_name,
                     child_status);
  if (!learned.actions.empty()) out << "Observed actions:\n";
  for (const LearnedAction& action : learned.actions) {
    std::string detail = Plural(action.calls, "call");
    if (action.denied > 0) detail += fmt::format(", {} denied", action.denied);
    if (action.failed > 0) detail += fmt::format(", {} failed", action.failed);
    out << fmt::format("  {} ({})\n", action.action, detail);
  }
  if (!learned.no_permission.empty()) {
    out << "Calls that need no permission:\n";
    for (const UnmappedOperation& call : learned.no_permission) {
      out << fmt::format("  {} {} ({})\n", call.service, call.operation,
                         Plural(call.calls, "call"));
    }
  }
  if (!learned.unknown.empty()) {
    out << "Calls with no known IAM action (see the Service Authorization Reference; not in the "
           "recommendation):\n";
    for (const UnmappedOperation& call : learned.unknown) {
      out << fmt::format("  {} {} ({})\n", call.service, call.operation,
                         Plural(call.calls, "call"));
    }
  }
  if (!learned.conditional.empty()) {
    out << "May also need, depending on parameters the observation cannot see:\n";
    for (const LearnedConditional& extra : learned.conditional) {
      out << fmt::format("  {} for {}, {}\n", extra.action, extra.operation, extra.when);
    }
  }
  size_t denied = 0;
  for (const LearnedAction& action : learned.actions) denied += action.denied;
  if (denied > 0) {
    out << "Denied calls are included: the command asked for them and was refused by the role "
           "or the --allow bound.\n";
  }
  if (learned.actions.empty()) {
    out << "Recommended policy: none (every call needs no permission)\n";
    return;
  }
  out << fmt::format("Recommended policy: {}\n", learned.AllowList());
  if (!resources.empty()) {
    out << fmt::format("Recommended --resource: {}\n", Join(resources, ","));
  }
}

void PrintJson(const LearnedPolicy& learned, const Observation& observation,
               const std::string& session_id, int child_status,
               const std::vector<std::string>& resources, const std::optional<std::string>& saved,
               const CliContext& context) {
  OrderedJson json;
  json["session_id"] = session_id;
  json["source"] = observation.source_name;
  json["exit_code"] = child_status;
  json["calls"] = learned.total_calls;
  OrderedJson actions = OrderedJson::array();
  for (const LearnedAction& action : learned.actions) {
    actions.push_back({{"action", action.action},
                       {"calls", action.calls},
                       {"denied", action.denied},
                       {"failed", action.failed},
                       {"operations", action.operations}});
  }
  json["actions"] = std::move(actions);
  const auto unmapped = [](const std::vector<UnmappedOperation>& list) {
    OrderedJson items = OrderedJson::array();
    for (const UnmappedOperation& call : list) {
      items.push_back(
          {{"service", call.service}, {"operation", call.operation}, {"calls", call.calls}});
    }
    return items;
  };
  json["no_permission"] = unmapped(learned.no_permission);
  json["unknown"] = unmapped(learned.unknown);
  OrderedJson conditional = OrderedJson::array();
  for (const LearnedConditional& extra : learned.conditional) {
    conditional.push_back(
        {{"action", extra.action}, {"operation", extra.operation}, {"when", extra.when}});
  }
  json["conditional"] = std::move(conditional);
  json["allow"] = learned.actions.empty() ? OrderedJson(nullptr) : OrderedJson(learned.AllowList());
  json["resources"] = resources;
  json["saved_profile"] = saved ? OrderedJson(*saved) : OrderedJson(nullptr);
  if (observation.endpoint) {
    json["endpoint_calls"] = observation.endpoint_calls;
    json["endpoint_refused"] = observation.endpoint_refused;
  }
  if (observation.source_name == "CloudTrail") {
    json["stopped_early"] = observation.stopped_early;
  } else if (observation.csm) {
    json["datagrams"] = observation.datagrams;
    json["other_clients"] = observation.foreign;
    json["malformed"] = observation.malformed;
    json["dropped"] = observation.dropped;
    if (observation.endpoint) json["through_endpoint"] = observation.through_endpoint;
  }
  context.out << json.dump(2) << '\n';
}

Result<bool> SaveProfile(const std::string& name, const LearnedPolicy& learned,
                         const std::vector<std::string>& resources, const std::string& command,
                         const CliContext& context) {
  SavedProfile profile;
  profile.name = name;
  profile.description = fmt::format("Learned by tryaudex learn from: {}", command);
  if (profile.description.size() > 200) profile.description.resize(200);
  profile.actions = learned.AllowList();
  profile.resources = resources;
  // A symlinked profiles.toml (dotfiles) is edited where it points.
  const std::filesystem::path path = FollowSymlink(context.paths.ProfilesFile());
  if (auto writable = RefuseReadOnlyFile(path,
                                         "or add the printed --allow list to a profile "
                                         "yourself");
      !writable) {
    return tl::unexpected(writable.error());
  }
  auto existing = ReadFileIfExists(path);
  if (!existing) return tl::unexpected(existing.error());
  bool replaced = false;
  const std::string updated = UpsertProfileToml(existing->value_or(""), profile, &replaced);
  if (auto parsed = ParseProfilesToml(updated, path.string()); !parsed) {
    return UsageError(fmt::format(
        "cannot save profile \"{}\" into {}: the file would not load afterwards ({}); if it "
        "defines {} other than as a [profiles.{}] table, edit it by hand",
        name, path.string(), parsed.error().message, name, name));
  }
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (auto written = ReplaceFileAtomically(path, updated); !written) {
    return tl::unexpected(written.error());
  }
  return replaced;
}

}  // namespace

void AddLearnCommand(CLI::App& app, LearnOptions& options) {
  CLI::App* learn = app.add_subcommand(
      "learn",
      "Run a command, watch which AWS APIs it calls and print the least privilege it needs: "
      "tryaudex learn [OPTIONS] -- CMD...");
  RunOptions& run = options.run;
  learn->add_option("--allow", run.allow,
                    "Upper bound for the session (default: the role's own permissions)");
  learn->add_option("--profile", run.profile, "Upper bound as a profile");
  learn->add_option("--resource", run.resource, "Resource ARNs for the upper bound");
  learn->add_option("--ttl", run.ttl, "Session lifetime (default 15m)");
  learn->add_option("--role-arn", run.role_arn,
                    "Role to assume (else AUDEX_ROLE_ARN, else role_arn in config.toml)");
  learn->add_option("--region", run.region, "AWS region");
  learn->add_option("--source", options.source,
                    "auto (default: the forwarding endpoint and client-side monitoring, in real "
                    "time), endpoint, csm, or cloudtrail (LookupEvents after the command ends)");
  learn->add_option("--wait", options.wait,
                    "With --source cloudtrail: wait at most this long for events (default 10m)");
  learn->add_option("--save-profile", options.save_profile,
                    "Write the result into profiles.toml as this profile");
  learn->add_flag("--allow-unknown", run.allow_unknown,
                  "Accept --allow actions the catalog does not know");
  learn->add_flag("--json", options.json, "Print the result as JSON");
}

Result<int> RunLearn(const LearnOptions& options, const CliContext& context) {
  if (options.run.command.empty()) {
    return UsageError(
        "no command to learn from: put it after --, e.g. tryaudex learn -- ./my-script.sh");
  }
  if (options.source != "auto" && options.source != "endpoint" && options.source != "csm" &&
      options.source != "cloudtrail") {
    return UsageError(fmt::format(
        "--source {}: give auto, endpoint, csm (all real time) or cloudtrail", options.source));
  }
  if (options.source == "cloudtrail") {
    if (auto wait = ParseWait(options.wait.value_or("10m")); !wait) {
      return tl::unexpected(wait.error());
    }
  } else if (options.wait) {
    return UsageError(
        "--wait only applies with --source cloudtrail (client-side monitoring sees calls as they "
        "happen); add --source cloudtrail or drop --wait");
  }
  if (options.save_profile) {
    if (auto valid = ValidateSavedProfileName(*options.save_profile); !valid) {
      return tl::unexpected(valid.error());
    }
    // Before the command runs, not after it: the save would fail then.
    if (auto writable = RefuseReadOnlyFile(FollowSymlink(context.paths.ProfilesFile()),
                                           "or drop --save-profile");
        !writable) {
      return tl::unexpected(writable.error());
    }
  }
  RunOptions run = options.run;
  run.unscoped_allowed = true;
  auto planned = PlanRunRequest(run, context, options.configuration);
  if (!planned) return tl::unexpected(planned.error());
  if (planned->plan.request.provider != Provider::kAws) {
    return UsageError(
        "tryaudex learn observes AWS calls only; drop --provider or use an AWS "
        "profile");
  }
  auto target = ResolveAwsTarget(run.role_arn, run.region, context, planned->loaded.config);
  if (!target) return tl::unexpected(target.error());
  const auto started = std::chrono::system_clock::now();
  auto started_session = AwsSession::Start(context, *planned, *target, run.source_identity);
  if (!started_session) return tl::unexpected(started_session.error());
  AwsSession& session = **started_session;

  Environment environment = session.ChildEnvironment();
  std::unique_ptr<CsmListener> listener;
  if (options.source == "csm" || options.source == "auto") {
    auto opened = CsmListener::Start();
    if (!opened) return tl::unexpected(opened.error());
    listener = std::move(*opened);
    SetVariable(environment, "AWS_CSM_ENABLED", "true");
    SetVariable(environment, "AWS_CSM_HOST", "127.0.0.1");
    SetVariable(environment, "AWS_CSM_PORT", std::to_string(listener->port()));
    SetVariable(environment, "AWS_CSM_CLIENT_ID", session.id());
  } else {
    // A parent's own CSM settings would send the child's calls elsewhere.
    UnsetVariable(environment, "AWS_CSM_ENABLED");
  }
  // The forwarding endpoint sees the calls of every SDK that honours
  // AWS_ENDPOINT_URL (all current ones); CSM beside it catches a tool that
  // does not, and the calls both see are counted once (README, "learn").
  std::unique_ptr<AwsForwardingEndpoint> endpoint;
  if (options.source == "endpoint" || options.source == "auto") {
    auto started_endpoint = StartObservingEndpoint(session, environment, context);
    if (started_endpoint) {
      endpoint = std::move(started_endpoint->endpoint);
      environment = std::move(started_endpoint->environment);
    } else if (options.source == "auto") {
      // CSM alone still observes the SDKs that report.
      context.err << fmt::format(
          "tryaudex: warning: observing with client-side monitoring only: {}\n",
          started_endpoint.error().message);
    } else {
      return tl::unexpected(started_endpoint.error());
    }
  }
  Result<int> status = 0;
  if (options.capture) {
    auto captured = session.RunChildCapturing(planned->plan.command, environment, *options.capture);
    if (!captured) return tl::unexpected(captured.error());
    if (options.on_captured) options.on_captured(session, *captured);
    status = captured->status;
  } else {
    status = session.RunChild(planned->plan.command, environment);
    if (!status) return tl::unexpected(status.error());
  }

  Observation observation;
  if (endpoint) {
    endpoint->Stop();
    observation.endpoint = true;
    observation.calls = endpoint->calls();
    observation.endpoint_calls = observation.calls.size();
    observation.endpoint_refused = endpoint->refused();
    observation.source_name = "forwarding endpoint";
  }
  if (listener) {
    const std::vector<std::string> datagrams = listener->Stop();
    CsmCallCollector collector(session.id(), session.credentials().access_key_id);
    if (endpoint) collector.SkipCallsTo(fmt::format("127.0.0.1:{}", endpoint->port()));
    for (const std::string& datagram : datagrams) collector.Add(datagram);
    observation.calls.insert(observation.calls.end(), collector.calls().begin(),
                             collector.calls().end());
    observation.csm = true;
    observation.source_name =
        endpoint ? "forwarding endpoint and client-side monitoring" : "client-side monitoring";
    observation.datagrams = collector.datagrams();
    observation.foreign = collector.foreign();
    observation.malformed = collector.malformed();
    observation.dropped = listener->dropped();
    observation.through_endpoint = collector.through_endpoint();
  }
  if (!endpoint && !listener) {
    auto polled = ObserveWithCloudTrail(options, context, session, started);
    if (!polled) return tl::unexpected(polled.error());
    observation = std::move(*polled);
  }

  const LearnedPolicy learned = LearnPolicy(ActionCatalog::Builtin(), observation.calls);
  const std::vector<std::string> resources = learned.RecommendedResources();
  std::optional<std::string> saved;
  if (options.save_profile && !learned.actions.empty()) {
    auto replaced = SaveProfile(*options.save_profile, learned, resources,
                                Join(planned->plan.command, " "), context);
    if (!replaced) return tl::unexpected(replaced.error());
    saved = *options.save_profile;
    context.err << fmt::format("tryaudex: {} profile \"{}\" in {}\n",
                               *replaced ? "updated" : "saved", *saved,
                               context.paths.ProfilesFile().string());
  } else if (options.save_profile) {
    context.err << fmt::format("tryaudex: profile \"{}\" not saved: no action to save\n",
                               *options.save_profile);
  }
  if (options.json) {
    PrintJson(learned, observation, session.id(), *status, resources, saved, context);
  } else {
    PrintText(learned, observation, *status, resources, context);
  }
  if (*status != 0) return *status;
  return learned.total_calls == 0 ? kExitNothingObserved : kExitOk;
}

}  // namespace audex
