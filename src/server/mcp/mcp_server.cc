// `tryaudex mcp` (mcp_server.h): the lifecycle (initialize, initialized,
// ping), tools/list and tools/call over core/wire/jsonrpc.h, and the tools,
// each a thin layer over the engine or the catalog.
#include "server/mcp/mcp_server.h"

#include <fmt/format.h>
#include <signal.h>

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "catalog/profile_views.h"
#include "core/audit/session_id.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/plan/mcp_guard.h"
#include "core/plan/plan_json.h"
#include "core/plan/ttl.h"
#include "core/wire/jsonrpc.h"
#include "core/wire/mcp_protocol.h"
#include "session/learn.h"
#include "session/session.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using jsonrpc::RpcError;

// A line longer than this is refused unread: no MCP message Audex takes
// comes near it, and the bound keeps memory bounded.
constexpr size_t kMaxMessageBytes = 4 * 1024 * 1024;
// What audex_run returns of each output stream. The capture keeps a little
// more so that a secret cut at the boundary is still recognised.
constexpr size_t kMaxOutputBytes = 64 * 1024;
constexpr size_t kCaptureSlack = 8 * 1024;
// clientInfo.name is the agent's word for itself; it goes into audit lines.
constexpr size_t kMaxAgentIdBytes = 128;

// What a tool returns: a text block for the model, the same as JSON, and
// whether it failed. `invalid_arguments` marks arguments that do not fit
// the tool's schema (a protocol error before MCP 2025-11-25).
struct ToolOutcome {
  std::string text;
  Json structured = Json::object();
  bool is_error = false;
  bool invalid_arguments = false;
};

// An error quotes arguments and replies from outside; an agent's client may
// show the text on a terminal, so control characters arrive as \xHH.
ToolOutcome ToolError(std::string raw, Json structured = Json::object()) {
  std::string message = EscapeControl(raw);
  structured["error"] = message;
  return ToolOutcome{std::move(message), std::move(structured), true, false};
}

ToolOutcome InvalidArguments(std::string message) {
  ToolOutcome outcome = ToolError("invalid arguments: " + std::move(message));
  outcome.invalid_arguments = true;
  return outcome;
}

// A tool call's own world: the server's, with AUDEX_AGENT_ID answered
// with the client's name (so sessions and audit events carry it), and the
// engine's notices kept as the call's warnings instead of printed.
struct ToolWorld {
  World world;
  std::shared_ptr<std::vector<std::string>> notices = std::make_shared<std::vector<std::string>>();

  ToolWorld(const World& base, const std::optional<std::string>& agent) : world(base) {
    Environment environment = base.environment;
    if (agent) {
      SetVariable(environment, "AUDEX_AGENT_ID", *agent);
    } else {
      UnsetVariable(environment, "AUDEX_AGENT_ID");
    }
    world.env = LookupIn(environment);
    world.environment = std::move(environment);
    world.notify = [notices = notices](NoticeLevel level, const std::string& message) {
      if (level == NoticeLevel::kProgress) return;  // a terminal's progress line, not a reply's
      notices->push_back(NoticeLine(level, message));
    };
  }
  const std::vector<std::string>& warnings() const { return *notices; }
};

class McpServer;

struct McpTool {
  const char* name;
  const char* title;
  const char* description;
  Json (*input_schema)();
  ToolOutcome (McpServer::*run)(const Json& arguments);
};

class McpServer {
 public:
  McpServer(const World& world, std::ostream& log) : world_(world), log_(log) {
    dispatcher_.Add("initialize", [this](const jsonrpc::Call& call) { return Initialize(call); });
    dispatcher_.Add("ping", [](const jsonrpc::Call&) -> tl::expected<Json, RpcError> {
      return Json::object();
    });
    dispatcher_.Add(
        "notifications/initialized",
        [](const jsonrpc::Call&) -> tl::expected<Json, RpcError> { return Json(nullptr); });
    dispatcher_.Add("tools/list", [this](const jsonrpc::Call&) { return ListTools(); });
    dispatcher_.Add("tools/call", [this](const jsonrpc::Call& call) { return CallTool(call); });
  }

  // The reply line for one incoming line, if one is owed.
  std::optional<std::string> Handle(std::string_view line) {
    return dispatcher_.Handle(line, McpAllowsBatches(version_));
  }

  ToolOutcome Run(const Json& arguments);
  ToolOutcome Sessions(const Json& arguments);
  ToolOutcome Policies(const Json& arguments);
  ToolOutcome Learn(const Json& arguments);

 private:
  tl::expected<Json, RpcError> Initialize(const jsonrpc::Call& call);
  tl::expected<Json, RpcError> ListTools() const;
  tl::expected<Json, RpcError> CallTool(const jsonrpc::Call& call);

  ToolWorld NewToolWorld() const { return ToolWorld(world_, agent_id_); }
  // Appends an mcp_* audit event; a failure is logged and returned.
  Result<void> Audit(AuditEvent event) const;
  Result<McpCall> NewCall(std::string tool, std::vector<std::string> command) const;
  ToolOutcome Refuse(const McpCall& call, const McpRefusal& refusal);
  ToolOutcome Failed(const McpCall& call, const Error& error,
                     const std::vector<std::string>& warnings);
  // The guard rails every command-running tool passes (mcp_allowed_commands,
  // mcp_max_ttl, mcp_allowed_profiles, mcp_allowed_roles); a refusal or
  // failure is the tool's outcome. On admission `configuration` holds what
  // was checked, and the call runs with exactly that.
  std::optional<ToolOutcome> Admit(const McpCall& call, const McpRunArguments& request,
                                   const ToolWorld& tool, LoadedConfiguration& configuration);
  // The log quotes the client's name and arguments: escaped like errors.
  void Log(const std::string& message) const {
    log_ << "tryaudex mcp: " << EscapeControl(message) << '\n';
  }

  const World& world_;
  std::ostream& log_;
  jsonrpc::Dispatcher dispatcher_;
  bool initialized_ = false;
  std::string version_;  // negotiated; empty before initialize
  std::optional<std::string> agent_id_;
};

// The tool table. Adding a tool is one
// entry here and its member function.
const McpTool kTools[] = {
    {"audex_run", "Run a command with scoped AWS credentials",
     "Runs one command (argv, no shell) with short-lived credentials scoped to the actions you "
     "ask for, like `tryaudex run`. You never see the credentials: the command gets them in its "
     "environment. Returns the exit code, stdout and stderr (each cut at 64 KiB, marked when "
     "cut) and the session id. Programs, profiles and lifetimes are limited by the user's "
     "config.toml (mcp_allowed_commands, mcp_allowed_profiles, mcp_max_ttl); a refusal names "
     "the rule.",
     McpRunInputSchema, &McpServer::Run},
    {"audex_sessions", "List Audex sessions",
     "Recent sessions (newest first) with their state (active, ended, failed, expired), "
     "command, granted actions and exit code; or one session by id.",
     [] {
       return Json{
           {"type", "object"},
           {"properties",
            {{"id", {{"type", "string"}, {"description", "A session id or its unique beginning"}}},
             {"active_only",
              {{"type", "boolean"}, {"description", "Only sessions still active (default false)"}}},
             {"limit",
              {{"type", "integer"},
               {"minimum", 1},
               {"description", "At most this many sessions (default 20)"}}}}},
           {"additionalProperties", false}};
     },
     &McpServer::Sessions},
    {"audex_policies", "Profiles and allow lists",
     "What Audex can grant: action \"list\" lists profiles; \"show\" shows one profile and its "
     "policy (name); \"expand\" lists the AWS actions each pattern grants today (patterns); "
     "\"check\" plans an allow list exactly as audex_run would (allow, resource, provider): "
     "granted actions, what the deny list removed, the session policy, warnings.",
     [] {
       return Json{
           {"type", "object"},
           {"properties",
            {{"action", {{"type", "string"}, {"enum", {"list", "show", "expand", "check"}}}},
             {"name", {{"type", "string"}, {"description", "show: the profile"}}},
             {"patterns",
              {{"type", "array"},
               {"items", {{"type", "string"}}},
               {"description", "expand: e.g. [\"s3:Get*\"]"}}},
             {"allow", {{"type", "string"}, {"description", "check: the allow list"}}},
             {"resource", {{"type", "string"}, {"description", "check: resource ARNs"}}},
             {"provider", {{"type", "string"}, {"description", "aws, gcp or azure"}}}}},
           {"required", Json::array({"action"})},
           {"additionalProperties", false}};
     },
     &McpServer::Policies},
    {"audex_learn", "Learn the AWS permissions a command needs",
     "Runs one command (argv, no shell) like `tryaudex learn`: with the role's own permissions, "
     "or allow/profile as an upper bound, it watches the AWS API calls the command makes "
     "(client-side monitoring) and returns the observed actions with call counts, which calls "
     "were denied, and the recommended allow list to pass to audex_run. Also returns the "
     "command's exit code, stdout and stderr (each cut at 64 KiB). The same guard rails as "
     "audex_run apply.",
     McpLearnInputSchema, &McpServer::Learn},
};

tl::expected<Json, RpcError> McpServer::Initialize(const jsonrpc::Call& call) {
  if (initialized_) {
    return tl::unexpected(RpcError{jsonrpc::kInvalidRequest, "already initialized", {}});
  }
  const Json& params = call.params;
  if (!params.is_object() || !params.contains("protocolVersion") ||
      !params["protocolVersion"].is_string()) {
    return tl::unexpected(RpcError{
        jsonrpc::kInvalidParams, "initialize needs params.protocolVersion (a string)", {}});
  }
  version_ = NegotiateMcpVersion(params["protocolVersion"]);
  initialized_ = true;
  if (const auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
    if (const auto name = info->find("name"); name != info->end() && name->is_string()) {
      std::string id = name->get<std::string>().substr(0, kMaxAgentIdBytes);
      if (!id.empty()) agent_id_ = std::move(id);
    }
  }
  if (!agent_id_) agent_id_ = world_.env("AUDEX_AGENT_ID");
  Log(fmt::format("client \"{}\" connected, protocol {}", agent_id_.value_or("?"), version_));
  return Json{
      {"protocolVersion", version_},
      {"capabilities", {{"tools", {{"listChanged", false}}}}},
      {"serverInfo", {{"name", "audex"}, {"version", AUDEX_VERSION}}},
      {"instructions",
       "Use audex_run to run cloud commands with scoped, short-lived credentials instead of "
       "asking for keys. Ask for the fewest actions the task needs (audex_policies check shows "
       "what an allow list grants)."}};
}

tl::expected<Json, RpcError> McpServer::ListTools() const {
  if (!initialized_) {
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidRequest, "not initialized: send initialize first", {}});
  }
  Json tools = Json::array();
  for (const McpTool& tool : kTools) {
    tools.push_back({{"name", tool.name},
                     {"title", tool.title},
                     {"description", tool.description},
                     {"inputSchema", tool.input_schema()}});
  }
  return Json{{"tools", std::move(tools)}};
}

tl::expected<Json, RpcError> McpServer::CallTool(const jsonrpc::Call& call) {
  if (!initialized_) {
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidRequest, "not initialized: send initialize first", {}});
  }
  const Json& params = call.params;
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidParams, "tools/call needs params.name (a string)", {}});
  }
  const std::string name = params["name"].get<std::string>();
  const McpTool* tool = nullptr;
  std::vector<std::string> names;
  for (const McpTool& candidate : kTools) {
    names.push_back(candidate.name);
    if (name == candidate.name) tool = &candidate;
  }
  if (tool == nullptr) {
    return tl::unexpected(RpcError{
        jsonrpc::kInvalidParams,
        fmt::format("unknown tool \"{}\"; tools: {}", EscapeControl(name), Join(names, ", ")),
        {}});
  }
  const Json arguments = params.contains("arguments") ? params["arguments"] : Json::object();
  ToolOutcome outcome = (this->*tool->run)(arguments);
  if (outcome.invalid_arguments && !McpInvalidArgumentsAreToolErrors(version_)) {
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, outcome.text, {}});
  }
  return McpToolResult(outcome.text, outcome.structured, outcome.is_error);
}

Result<void> McpServer::Audit(AuditEvent event) const {
  AuditLog log(world_.paths.state_dir, world_.clock);
  auto appended = log.Append(std::move(event));
  if (!appended) {
    Log("cannot write the audit log: " + appended.error().message);
    return tl::unexpected(appended.error());
  }
  return {};
}

Result<McpCall> McpServer::NewCall(std::string tool, std::vector<std::string> command) const {
  auto random = world_.random(kSessionIdRandomBytes);
  if (!random) return tl::unexpected(random.error());
  return McpCall{SessionIdFromRandom(*random), agent_id_, std::move(tool), std::move(command)};
}

ToolOutcome McpServer::Refuse(const McpCall& call, const McpRefusal& refusal) {
  Log(fmt::format("refused {} for \"{}\": {}", call.tool, agent_id_.value_or("?"),
                  refusal.message));
  Json structured{{"refused", true}, {"rule", refusal.rule}, {"config_key", refusal.rule}};
  if (auto audited = Audit(McpCallRefusedEvent(call, refusal.rule, refusal.message)); !audited) {
    return ToolError(audited.error().message, structured);
  }
  return ToolError(refusal.message, structured);
}

ToolOutcome McpServer::Failed(const McpCall& call, const Error& error,
                              const std::vector<std::string>& warnings) {
  Log(fmt::format("{} failed for \"{}\": {}", call.tool, agent_id_.value_or("?"), error.message));
  (void)Audit(McpToolCalledEvent(call, "error", error.message));
  Json structured{{"exit_code", ExitCodeFor(error.kind)}, {"warnings", warnings}};
  return ToolError(error.message, std::move(structured));
}

std::optional<ToolOutcome> McpServer::Admit(const McpCall& call, const McpRunArguments& request,
                                            const ToolWorld& tool,
                                            LoadedConfiguration& configuration) {
  auto loaded = LoadConfigurationNoting(tool.world);
  if (!loaded) return Failed(call, loaded.error(), tool.warnings());
  std::optional<std::chrono::seconds> asked;
  if (request.ttl) {
    auto parsed = ParseTtl(*request.ttl);
    if (!parsed)
      return Failed(call, Error{ErrorKind::kUsage, "ttl: " + parsed.error().message}, {});
    asked = *parsed;
  }
  if (auto refusal = CheckMcpRun(loaded->config, request, ChooseTtl(asked, loaded->config),
                                 ConfiguredRole(tool.world.env, loaded->config),
                                 tool.world.paths.ConfigFile().string())) {
    return Refuse(call, *refusal);
  }
  configuration = std::move(*loaded);
  return std::nullopt;
}

// A captured stream as the agent may see it: cut at kMaxOutputBytes (the
// engine has masked the session's secrets; a secret cut at the capture's
// own end is masked there too).
std::string AgentVisible(const CapturedStream& stream, bool& truncated) {
  std::string text = stream.text;
  truncated = stream.truncated();
  if (text.size() > kMaxOutputBytes) {
    text.resize(kMaxOutputBytes);
    truncated = true;
  }
  return text;
}

// What the agent may see of a child's output.
struct VisibleOutput {
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
};

VisibleOutput Visible(const ChildResult& child) {
  VisibleOutput visible;
  visible.out = AgentVisible(child.out, visible.out_truncated);
  visible.err = AgentVisible(child.err, visible.err_truncated);
  if (child.spawn_error) visible.err = *child.spawn_error;
  return visible;
}

CaptureOptions AgentCapture() {
  CaptureOptions capture;
  capture.max_bytes = kMaxOutputBytes + kCaptureSlack;
  return capture;
}

ToolOutcome McpServer::Run(const Json& arguments) {
  auto parsed = ParseMcpRunArguments(arguments);
  if (!parsed) return InvalidArguments(parsed.error());
  const McpRunArguments& request = *parsed;
  auto call = NewCall("audex_run", request.command);
  if (!call) return ToolError(call.error().message);

  ToolWorld tool = NewToolWorld();
  LoadedConfiguration configuration;
  if (auto refused = Admit(*call, request, tool, configuration)) return std::move(*refused);

  PlanSettings settings;
  settings.configuration = &configuration;
  auto planned = PlanRequest(SessionRequestFor(request), tool.world, settings);
  if (!planned) return Failed(*call, planned.error(), tool.warnings());
  const SessionPlan& plan = planned->plan;
  if (plan.request.provider != Provider::kAws) {
    return Failed(*call,
                  Error{ErrorKind::kUsage,
                        fmt::format("audex_run issues AWS credentials only; run {} commands "
                                    "with tryaudex run --provider {} outside the agent",
                                    ProviderName(plan.request.provider),
                                    ProviderName(plan.request.provider))},
                  tool.warnings());
  }
  auto session = Session::Start(*planned, tool.world);
  if (!session) return Failed(*call, session.error(), tool.warnings());

  CaptureOptions capture = AgentCapture();
  // The credentials stop working at the TTL; a command still running then
  // is stopped rather than left holding the server.
  capture.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(plan.ttl);
  auto ran = (*session)->RunChild({plan.command, {}, capture, {}});
  if (!ran) return Failed(*call, ran.error(), tool.warnings());

  const VisibleOutput visible = Visible(*ran);
  Json structured{{"session_id", (*session)->id()},
                  {"exit_code", ran->status},
                  {"signal", ran->outcome.signal ? Json(*ran->outcome.signal) : Json()},
                  {"timed_out", ran->timed_out},
                  {"stdout", visible.out},
                  {"stdout_truncated", visible.out_truncated},
                  {"stdout_bytes", ran->out.total_bytes},
                  {"stderr", visible.err},
                  {"stderr_truncated", visible.err_truncated},
                  {"stderr_bytes", ran->err.total_bytes},
                  {"actions", plan.request.ActionNames()},
                  {"ttl_seconds", plan.ttl.count()},
                  {"warnings", tool.warnings()}};
  std::string text =
      fmt::format("exit code {} (session {}, {} actions, ttl {})", ran->status, (*session)->id(),
                  plan.request.actions.size(), FormatTtl(plan.ttl));
  if (ran->timed_out) text += "; stopped when the session's ttl ran out";
  const auto section = [&text](const char* name, const std::string& body, bool truncated,
                               size_t total) {
    if (body.empty() && !truncated) return;
    text += fmt::format("\n--- {} ---\n{}", name, body);
    if (truncated) {
      text += fmt::format("\n[{} truncated: {} of {} bytes shown]", name, body.size(), total);
    }
  };
  section("stdout", visible.out, visible.out_truncated, ran->out.total_bytes);
  section("stderr", visible.err, visible.err_truncated, ran->err.total_bytes);
  Log(fmt::format("audex_run for \"{}\": session {} exit {}", agent_id_.value_or("?"),
                  (*session)->id(), ran->status));
  return ToolOutcome{std::move(text), std::move(structured), ran->status != 0, false};
}

ToolOutcome McpServer::Learn(const Json& arguments) {
  auto parsed = ParseMcpLearnArguments(arguments);
  if (!parsed) return InvalidArguments(parsed.error());
  const McpRunArguments& request = *parsed;
  auto call = NewCall("audex_learn", request.command);
  if (!call) return ToolError(call.error().message);

  ToolWorld tool = NewToolWorld();
  LoadedConfiguration configuration;
  if (auto refused = Admit(*call, request, tool, configuration)) return std::move(*refused);

  LearnRequest learn;
  learn.session = SessionRequestFor(request);
  learn.capture = AgentCapture();
  PlanSettings settings;
  settings.configuration = &configuration;
  auto report = audex::Learn(learn, tool.world, settings);
  if (!report) return Failed(*call, report.error(), tool.warnings());
  const int status = LearnExitStatus(*report);
  const VisibleOutput visible = Visible(report->child);

  const nlohmann::ordered_json learned = LearnReportJson(*report);
  Json structured = learned;
  structured["exit_code"] = status;
  structured["stdout"] = visible.out;
  structured["stdout_truncated"] = visible.out_truncated;
  structured["stderr"] = visible.err;
  structured["stderr_truncated"] = visible.err_truncated;
  structured["timed_out"] = report->child.timed_out;
  structured["warnings"] = tool.warnings();
  const std::string allow = report->learned.actions.empty() ? "" : report->learned.AllowList();
  std::string text = allow.empty() ? std::string("No AWS API calls observed")
                                   : fmt::format("Recommended allow list: {}", allow);
  text += fmt::format(" (exit code {})\n", status);
  text += learned.dump(2, ' ', false, Json::error_handler_t::replace);
  Log(fmt::format("audex_learn for \"{}\": exit {}", agent_id_.value_or("?"), status));
  // Exit 1 with nothing observed is an answer, not a failure.
  const bool failed = status != 0 && !(status == 1 && allow.empty());
  return ToolOutcome{std::move(text), std::move(structured), failed, false};
}

ToolOutcome McpServer::Sessions(const Json& arguments) {
  if (!arguments.is_object()) return InvalidArguments("the arguments must be an object");
  std::optional<std::string> id;
  bool all = true;
  size_t limit = 20;
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    if (it.key() == "id" && it->is_string()) {
      id = it->get<std::string>();
    } else if (it.key() == "active_only" && it->is_boolean()) {
      all = !it->get<bool>();
    } else if (it.key() == "limit" && it->is_number_integer() && it->get<int64_t>() >= 1) {
      limit = it->get<size_t>();
    } else {
      return InvalidArguments(fmt::format(
          "\"{}\": audex_sessions takes id (string), active_only (boolean) and limit (integer "
          ">= 1)",
          it.key()));
    }
  }
  auto call = NewCall("audex_sessions", {});
  if (!call) return ToolError(call.error().message);
  const SessionStore store(world_.paths.state_dir);
  const TimePoint now = world_.clock();
  if (id) {
    auto loaded = store.Load(*id);
    if (!loaded) return Failed(*call, loaded.error(), {});
    (void)Audit(McpToolCalledEvent(*call, "ok", ""));
    const Json session = SessionStateJson(*loaded, now, world_.running);
    Json structured{{"session", session}};
    return ToolOutcome{session.dump(2, ' ', false, Json::error_handler_t::replace), structured,
                       false, false};
  }
  auto listing = store.List();
  if (!listing) return Failed(*call, listing.error(), {});
  (void)Audit(McpToolCalledEvent(*call, "ok", ""));
  std::vector<std::string> warnings;
  for (const std::string& warning : listing->warnings) {
    warnings.push_back(NoticeLine(NoticeLevel::kWarning, warning));
  }
  Json sessions = Json::array();
  size_t total = 0;
  for (const SessionRecord& record : listing->sessions) {
    if (!all && StateAt(record, now, world_.running) != SessionState::kActive) continue;
    ++total;
    if (sessions.size() < limit) {
      sessions.push_back(Json(SessionStateJson(record, now, world_.running)));
    }
  }
  Json structured{{"sessions", sessions}, {"total", total}, {"warnings", warnings}};
  return ToolOutcome{structured.dump(2, ' ', false, Json::error_handler_t::replace), structured,
                     false, false};
}

ToolOutcome McpServer::Policies(const Json& arguments) {
  if (!arguments.is_object()) return InvalidArguments("the arguments must be an object");
  std::string action;
  std::optional<std::string> name, allow, resource, provider;
  std::vector<std::string> patterns;
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    const std::string& key = it.key();
    if (key == "patterns" && it->is_array()) {
      for (const Json& pattern : *it) {
        if (!pattern.is_string()) return InvalidArguments("\"patterns\" must hold strings");
        patterns.push_back(pattern.get<std::string>());
      }
      continue;
    }
    if (!it->is_string()) {
      return InvalidArguments(fmt::format(
          "\"{}\": audex_policies takes action, name, allow, resource, provider (strings) and "
          "patterns (array of strings)",
          key));
    }
    std::string value = it->get<std::string>();
    if (key == "action") {
      action = std::move(value);
    } else if (key == "name") {
      name = std::move(value);
    } else if (key == "allow") {
      allow = std::move(value);
    } else if (key == "resource") {
      resource = std::move(value);
    } else if (key == "provider") {
      provider = std::move(value);
    } else {
      return InvalidArguments(fmt::format("unknown argument \"{}\"", key));
    }
  }
  const auto needs = [&](bool present, const char* what) -> std::optional<ToolOutcome> {
    if (present) return std::nullopt;
    return InvalidArguments(fmt::format("action \"{}\" needs {}", action, what));
  };
  std::optional<ToolOutcome> missing;
  if (action == "show") missing = needs(name.has_value(), "\"name\"");
  if (action == "expand") missing = needs(!patterns.empty(), "\"patterns\"");
  if (action == "check") missing = needs(allow.has_value(), "\"allow\"");
  if (action != "list" && action != "show" && action != "expand" && action != "check") {
    missing = InvalidArguments("\"action\" must be list, show, expand or check");
  }
  if (missing) return *missing;

  auto call = NewCall("audex_policies", {});
  if (!call) return ToolError(call.error().message);
  ToolWorld tool = NewToolWorld();
  Result<nlohmann::ordered_json> answer = nlohmann::ordered_json();
  if (action == "check") {
    // Exactly what audex_run would plan, as run --dry-run --json shows it.
    SessionRequest request;
    request.allow = allow;
    request.resource = resource;
    request.provider = provider;
    request.command = {"true"};
    PlanSettings settings;
    settings.will_issue = false;
    auto planned = PlanRequest(request, tool.world, settings);
    if (!planned) return Failed(*call, planned.error(), tool.warnings());
    answer = SessionPlanJson(planned->plan, /*with_command=*/false);
  } else if (action == "expand") {
    auto expanded = ExpandPatterns(ActionCatalog::Builtin(), patterns);
    if (!expanded) return Failed(*call, expanded.error(), tool.warnings());
    answer = ExpandedPatternsJson(*expanded);
  } else {
    auto loaded = LoadConfigurationNoting(tool.world);
    if (!loaded) return Failed(*call, loaded.error(), tool.warnings());
    if (action == "show") {
      auto profile = loaded->profiles.Require(*name);
      if (!profile) return Failed(*call, profile.error(), tool.warnings());
      answer = ProfileWithPolicyJson(
          **profile, loaded->profiles,
          PlanForProfile(**profile, loaded->config, loaded->profiles, loaded->deny));
    } else {
      std::optional<Provider> only;
      if (provider) {
        auto parsed = ParseProviderOption(*provider, "provider");
        if (!parsed) return Failed(*call, parsed.error(), tool.warnings());
        only = *parsed;
      }
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const Profile* profile : ProfilesFor(loaded->profiles, only)) {
        list.push_back(ProfileJson(*profile, loaded->profiles));
      }
      answer = std::move(list);
    }
  }
  (void)Audit(McpToolCalledEvent(*call, "ok", ""));
  const Json json = *answer;
  Json structured = json.is_object() ? json : Json{{"items", json}};
  structured["warnings"] = tool.warnings();
  return ToolOutcome{json.dump(2, ' ', false, Json::error_handler_t::replace),
                     std::move(structured), false, false};
}

enum class LineRead { kLine, kTooLong, kEnd };

// One line of at most kMaxMessageBytes; a longer one is skipped to its end.
LineRead ReadLine(std::istream& in, std::string& line) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  bool too_long = false;
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      if (line.empty() && !too_long) return LineRead::kEnd;
      break;
    }
    if (c == '\n') break;
    if (line.size() < kMaxMessageBytes) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
    }
  }
  return too_long ? LineRead::kTooLong : LineRead::kLine;
}

}  // namespace

Result<void> ServeMcp(const World& world, std::istream& in, std::ostream& out, std::ostream& log) {
  // A broken configuration fails now, where the client's log shows it,
  // rather than on every call.
  auto loaded = LoadConfigurationNoting(world);
  if (!loaded) return tl::unexpected(loaded.error());
  // A client that goes away mid-reply must not kill the server with
  // SIGPIPE; children get the default back (child_process.cc).
  signal(SIGPIPE, SIG_IGN);
  McpServer server(world, log);
  std::string line;
  for (LineRead read; (read = ReadLine(in, line)) != LineRead::kEnd;) {
    std::optional<std::string> reply;
    if (read == LineRead::kTooLong) {
      reply = jsonrpc::WriteLine(jsonrpc::ErrorReply(
          nullptr, RpcError{jsonrpc::kInvalidRequest,
                            fmt::format("message longer than {} bytes", kMaxMessageBytes),
                            {}}));
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (Trim(line).empty()) continue;
      reply = server.Handle(line);
    }
    if (reply) {
      out << *reply << '\n';
      out.flush();
      if (!out) break;
    }
  }
  return {};
}

}  // namespace audex
