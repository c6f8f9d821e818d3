#include "session/learn.h"

#include <fmt/format.h>

#include <filesystem>

#include "adapters/aws/cloudtrail_client.h"
#include "adapters/aws/credential_chain.h"
#include "adapters/aws/csm_listener.h"
#include "adapters/files/files.h"
#include "catalog/action_catalog.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/credentials/forwarded_child.h"
#include "core/plan/ttl.h"
#include "core/wire/csm_event.h"
#include "core/wire/profile_toml_edit.h"
#include "session/forwarding.h"

namespace audex {
namespace {

struct Observation {
  std::vector<ObservedCall> calls;
  std::string source_name;
  bool endpoint = false;
  size_t endpoint_calls = 0;
  size_t endpoint_refused = 0;
  bool csm = false;
  size_t through_endpoint = 0;
  size_t datagrams = 0;
  size_t foreign = 0;
  size_t malformed = 0;
  size_t dropped = 0;
  bool stopped_early = false;
};

bool UsesEndpoint(LearnSource source) {
  return source == LearnSource::kAuto || source == LearnSource::kEndpoint;
}
bool UsesCsm(LearnSource source) {
  return source == LearnSource::kAuto || source == LearnSource::kCsm;
}

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

Result<Observation> ObserveWithCloudTrail(const LearnRequest& request, const World& world,
                                          const Session& session,
                                          std::chrono::system_clock::time_point started) {
  auto wait = ParseWait(request.wait.value_or("10m"));
  if (!wait) return tl::unexpected(wait.error());
  auto base = ResolveBaseCredentials(world.env, ChainOptionsFor(world.environment));
  if (!base) return tl::unexpected(base.error());
  const std::string& region = session.plan().aws->region.region;
  auto endpoint = ResolveCloudTrailEndpoint(world.env, region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  CloudTrailClientOptions client_options;
  client_options.endpoint = *endpoint;
  client_options.region = region;
  CloudTrailClient client(*http, std::move(client_options));
  const CloudTrailPollOptions poll = CloudTrailPollOptions::ForWait(*wait);
  const std::string access_key_id = session.CurrentCredentials().access_key_id;
  world.notify(NoticeLevel::kInfo,
               fmt::format("waiting for CloudTrail to deliver the calls of access key {} (about "
                           "5 minutes; at most {})",
                           access_key_id,
                           FormatTtl(std::chrono::duration_cast<std::chrono::seconds>(*wait))));
  // Events are stamped by AWS's clock: look a minute before the session
  // began, in case this machine's clock runs ahead.
  auto polled = PollCloudTrail(
      client, *base, access_key_id, started - std::chrono::minutes(1), poll,
      [&](const CloudTrailProgress& progress) {
        world.notify(NoticeLevel::kProgress,
                     fmt::format("CloudTrail: {} after {}s (round {}, at most {}s)",
                                 Plural(progress.events, "event"), progress.elapsed.count() / 1000,
                                 progress.rounds, progress.wait.count() / 1000));
      });
  world.notify(NoticeLevel::kProgress, "");
  if (!polled) return tl::unexpected(polled.error());
  Observation observation;
  observation.source_name = "CloudTrail";
  observation.stopped_early = polled->stopped_early;
  for (const CloudTrailEvent& event : polled->events) {
    observation.calls.push_back(event.ToObservedCall());
  }
  return observation;
}

// Writes the learned profile into profiles.toml (a symlinked file is edited
// where it points); returns whether it replaced one of the same name.
Result<bool> SaveProfile(const std::string& name, const LearnedPolicy& learned,
                         const std::vector<std::string>& resources, const std::string& command,
                         const AudexPaths& paths) {
  SavedProfile profile;
  profile.name = name;
  profile.description = fmt::format("Learned by tryaudex learn from: {}", command);
  if (profile.description.size() > 200) profile.description.resize(200);
  profile.actions = learned.AllowList();
  profile.resources = resources;
  const std::filesystem::path path = FollowSymlink(paths.ProfilesFile());
  // Checked again: the file may have changed while the command ran.
  if (auto writable = RefuseReadOnlyFile(path,
                                         "or add the printed --allow list to a profile "
                                         "yourself");
      !writable) {
    return tl::unexpected(writable.error());
  }
  auto existing = ReadFileIfPresent(path, ErrorKind::kUsage);
  if (!existing) return tl::unexpected(existing.error());
  bool replaced = false;
  const std::string updated = UpsertProfileToml(existing->value_or(""), profile, &replaced);
  if (auto parsed = ParseProfilesToml(updated, path.string()); !parsed) {
    return UsageError(fmt::format(
        "cannot save profile \"{}\" into {}: the file would not load afterwards ({}); if it "
        "defines {} other than as a [profiles.{}] table, edit it by hand",
        name, path.string(), parsed.error().message, name, name));
  }
  if (auto directory = MakePrivateDirectory(path.parent_path()); !directory) {
    return tl::unexpected(directory.error());
  }
  if (auto written = ReplaceFileAtomically(path, updated); !written) {
    return tl::unexpected(written.error());
  }
  return replaced;
}

}  // namespace

Result<LearnSource> ParseLearnSource(std::string_view text) {
  if (text == "auto") return LearnSource::kAuto;
  if (text == "endpoint") return LearnSource::kEndpoint;
  if (text == "csm") return LearnSource::kCsm;
  if (text == "cloudtrail") return LearnSource::kCloudTrail;
  return UsageError(
      fmt::format("--source {}: give auto, endpoint, csm (all in real time) or cloudtrail", text));
}

Result<void> ValidateLearnRequest(const LearnRequest& request, const AudexPaths& paths) {
  if (request.session.command.empty()) {
    return UsageError(
        "no command to learn from: put it after --, e.g. tryaudex learn -- ./my-script.sh");
  }
  if (request.source == LearnSource::kCloudTrail) {
    if (auto wait = ParseWait(request.wait.value_or("10m")); !wait) {
      return tl::unexpected(wait.error());
    }
  } else if (request.wait) {
    return UsageError(
        "--wait only applies with --source cloudtrail (the forwarding endpoint and client-side "
        "monitoring see calls as they happen); add --source cloudtrail or drop --wait");
  }
  if (request.save_profile) {
    if (auto valid = ValidateSavedProfileName(*request.save_profile); !valid) {
      return tl::unexpected(valid.error());
    }
    // Before the command runs, not after it: the save would fail then.
    if (auto writable =
            RefuseReadOnlyFile(FollowSymlink(paths.ProfilesFile()), "or drop --save-profile");
        !writable) {
      return tl::unexpected(writable.error());
    }
  }
  return {};
}

Result<LearnReport> Learn(const LearnRequest& request, World& world, const PlanSettings& settings) {
  if (auto valid = ValidateLearnRequest(request, world.paths); !valid) {
    return tl::unexpected(valid.error());
  }
  SessionRequest asked = request.session;
  asked.unscoped_allowed = true;
  asked.serve = false;
  asked.cache = CacheChoice::kOff;
  auto planned = PlanRequest(asked, world, settings);
  if (!planned) return tl::unexpected(planned.error());
  if (planned->plan.request.provider != Provider::kAws) {
    return UsageError(
        "tryaudex learn observes AWS calls only; drop --provider or use an AWS "
        "profile");
  }
  const auto started = world.clock();
  auto session = Session::Start(*planned, world);
  if (!session) return tl::unexpected(session.error());

  // The observers start as the child is prepared, so that one that cannot
  // start ends the session like any failed preparation.
  std::unique_ptr<CsmListener> listener;
  std::unique_ptr<AwsForwardingEndpoint> endpoint;
  Session& running = **session;
  ChildRequest child;
  child.command = planned->plan.command;
  child.capture = request.capture;
  child.prepare = [&](Environment& environment) -> Result<void> {
    if (UsesCsm(request.source)) {
      auto opened = CsmListener::Start();
      if (!opened) return tl::unexpected(opened.error());
      listener = std::move(*opened);
      SetVariable(environment, "AWS_CSM_ENABLED", "true");
      SetVariable(environment, "AWS_CSM_HOST", "127.0.0.1");
      SetVariable(environment, "AWS_CSM_PORT", std::to_string(listener->port()));
      SetVariable(environment, "AWS_CSM_CLIENT_ID", running.id());
    } else {
      // A parent's own CSM settings would send the child's calls elsewhere.
      UnsetVariable(environment, "AWS_CSM_ENABLED");
    }
    // The forwarding endpoint sees the calls of every SDK that honours
    // AWS_ENDPOINT_URL (all current ones); CSM beside it catches a tool
    // that does not, and a call both see is counted once.
    if (UsesEndpoint(request.source)) {
      auto observing = StartObservingEndpoint(running, world, "use --source csm or cloudtrail");
      if (observing) {
        endpoint = std::move(*observing);
        environment = WithForwardingEndpoint(std::move(environment), endpoint->url());
      } else if (request.source == LearnSource::kAuto) {
        world.Warn("observing with client-side monitoring only: " + observing.error().message);
      } else {
        return tl::unexpected(observing.error());
      }
    }
    return {};
  };
  auto ran = running.RunChild(child);
  if (!ran) return tl::unexpected(ran.error());

  LearnReport report;
  report.session_id = running.id();
  report.child = std::move(*ran);
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
    CsmCallCollector collector(report.session_id, running.CurrentCredentials().access_key_id);
    if (endpoint) collector.SkipCallsTo(fmt::format("127.0.0.1:{}", endpoint->port()));
    for (const std::string& datagram : datagrams) collector.Add(datagram);
    observation.calls.insert(observation.calls.end(), collector.calls().begin(),
                             collector.calls().end());
    observation.csm = true;
    observation.source_name =
        endpoint ? "forwarding endpoint and client-side monitoring" : "client-side monitoring";
    observation.through_endpoint = collector.through_endpoint();
    observation.datagrams = collector.datagrams();
    observation.foreign = collector.foreign();
    observation.malformed = collector.malformed();
    observation.dropped = listener->dropped();
  }
  if (request.source == LearnSource::kCloudTrail) {
    auto polled = ObserveWithCloudTrail(request, world, running, started);
    if (!polled) return tl::unexpected(polled.error());
    observation = std::move(*polled);
  }
  report.source_name = observation.source_name;
  report.endpoint = observation.endpoint;
  report.endpoint_calls = observation.endpoint_calls;
  report.endpoint_refused = observation.endpoint_refused;
  report.csm = observation.csm;
  report.through_endpoint = observation.through_endpoint;
  report.datagrams = observation.datagrams;
  report.other_clients = observation.foreign;
  report.malformed = observation.malformed;
  report.dropped = observation.dropped;
  report.stopped_early = observation.stopped_early;
  report.learned = LearnPolicy(ActionCatalog::Builtin(), observation.calls);
  report.resources = report.learned.RecommendedResources();

  if (request.save_profile && !report.learned.actions.empty()) {
    auto replaced = SaveProfile(*request.save_profile, report.learned, report.resources,
                                Join(planned->plan.command, " "), world.paths);
    if (!replaced) return tl::unexpected(replaced.error());
    report.saved_profile = *request.save_profile;
    report.profile_replaced = *replaced;
    world.notify(NoticeLevel::kInfo,
                 fmt::format("{} profile \"{}\" in {}", *replaced ? "updated" : "saved",
                             *report.saved_profile, world.paths.ProfilesFile().string()));
  } else if (request.save_profile) {
    world.notify(NoticeLevel::kInfo,
                 fmt::format("profile \"{}\" not saved: no action to save", *request.save_profile));
  }
  return report;
}

nlohmann::ordered_json LearnReportJson(const LearnReport& report) {
  using OrderedJson = nlohmann::ordered_json;
  const LearnedPolicy& learned = report.learned;
  OrderedJson json;
  json["session_id"] = report.session_id;
  json["source"] = report.source_name;
  json["exit_code"] = report.child.status;
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
  json["resources"] = report.resources;
  json["saved_profile"] =
      report.saved_profile ? OrderedJson(*report.saved_profile) : OrderedJson(nullptr);
  if (report.endpoint) {
    json["endpoint_calls"] = report.endpoint_calls;
    json["endpoint_refused"] = report.endpoint_refused;
  }
  if (report.csm) {
    json["datagrams"] = report.datagrams;
    json["other_clients"] = report.other_clients;
    json["malformed"] = report.malformed;
    json["dropped"] = report.dropped;
    if (report.endpoint) json["through_endpoint"] = report.through_endpoint;
  } else if (!report.endpoint) {
    json["stopped_early"] = report.stopped_early;
  }
  return json;
}

int LearnExitStatus(const LearnReport& report) {
  if (report.child.status != 0) return report.child.status;
  return report.learned.total_calls == 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace audex
