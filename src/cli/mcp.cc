// `tryaudex mcp` (mcp.h): the lifecycle (initialize, initialized, ping),
// tools/list and tools/call over core/jsonrpc.h, and the tools, each a
// thin layer over the command it mirrors.
#include "cli/mcp.h"

#include <fmt/format.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "adapters/store/audit_log.h"
#include "adapters/store/random_bytes.h"
#include "cli/aws_session.h"
#include "cli/exit_codes.h"
#include "cli/learn.h"
#include "cli/policies.h"
#include "cli/run.h"
#include "cli/sessions.h"
#include "core/jsonrpc.h"
#include "core/mcp_guard.h"
#include "core/mcp_protocol.h"
#include "core/session_id.h"
#include "core/text.h"
#include "core/ttl.h"

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

ToolOutcome ToolError(std::string message, Json structured = Json::object()) {
  structured["error"] = message;
  return ToolOutcome{std::move(message), std::move(structured), true, false};
}

ToolOutcome InvalidArguments(std::string message) {
  ToolOutcome outcome = ToolError("invalid arguments: " + std::move(message));
  outcome.invalid_arguments = true;
  return outcome;
}

// "tryaudex: warning: ..." lines a command wrote, as a list.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

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
  explicit McpServer(const CliContext& context) : context_(context) {
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

  // The context a tool's command runs in: output to `out`/`err`, and
  // AUDEX_AGENT_ID answered with the client's name, so that sessions and
  // their audit events carry it.
  CliContext ToolContext(std::ostream& out, std::ostream& err) const;
  // Appends an mcp_* audit event; a failure is logged and returned.
  Result<void> Audit(AuditEvent event) const;
  Result<McpCall> NewCall(std::string tool, std::vector<std::string> command) const;
  ToolOutcome Refuse(const McpCall& call, const McpRefusal& refusal);
  ToolOutcome Failed(const McpCall& call, const Error& error, const std::string& warnings);
  // The guard rails every command-running tool passes (mcp_allowed_commands,
  // mcp_max_ttl, mcp_allowed_profiles, mcp_allowed_roles); a refusal or
  // failure is the tool's outcome. On admission `configuration` holds what
  // was checked, and the call runs with exactly that.
  std::optional<ToolOutcome> Admit(const McpCall& call, const McpRunArguments& request,
                                   const CliContext& context, const std::ostringstream& err,
                                   LoadedConfiguration& configuration);
  void Log(const std::string& message) const {
    context_.err << "tryaudex mcp: " << message << '\n';
  }

  const CliContext& context_;
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
  if (!agent_id_) agent_id_ = context_.env("AUDEX_AGENT_ID");
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
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidParams,
                 fmt::format("unknown tool \"{}\"; tools: {}", name, Join(names, ", ")),
                 {}});
  }
  const Json arguments = params.contains("arguments") ? params["arguments"] : Json::object();
  ToolOutcome outcome = (this->*tool->run)(arguments);
  if (outcome.invalid_arguments && !McpInvalidArgumentsAreToolErrors(version_)) {
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, outcome.text, {}});
  }
  return McpToolResult(outcome.text, outcome.structured, outcome.is_error);
}

CliContext McpServer::ToolContext(std::ostream& out, std::ostream& err) const {
  EnvLookup base = context_.env;
  std::optional<std::string> agent = agent_id_;
  EnvLookup env = [base, agent](const std::string& name) -> std::optional<std::string> {
    if (name == "AUDEX_AGENT_ID") return agent;
    return base(name);
  };
  return CliContext{std::move(env), context_.paths, out, err};
}

Result<void> McpServer::Audit(AuditEvent event) const {
  AuditLog log(context_.paths.state_dir);
  auto appended = log.Append(std::move(event));
  if (!appended) {
    Log("cannot write the audit log: " + appended.error().message);
    return tl::unexpected(appended.error());
  }
  return {};
}

Result<McpCall> McpServer::NewCall(std::string tool, std::vector<std::string> command) const {
  auto random = RandomBytes(kSessionIdRandomBytes);
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
                              const std::string& warnings) {
  Log(fmt::format("{} failed for \"{}\": {}", call.tool, agent_id_.value_or("?"), error.message));
  (void)Audit(McpToolCalledEvent(call, "error", error.message));
  Json structured{{"exit_code", ExitCodeFor(error.kind)}, {"warnings", Lines(warnings)}};
  return ToolError(error.message, std::move(structured));
}

std::optional<ToolOutcome> McpServer::Admit(const McpCall& call, const McpRunArguments& request,
                                            const CliContext& context,
                                            const std::ostringstream& err,
                                            LoadedConfiguration& configuration) {
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return Failed(call, loaded.error(), err.str());
  std::chrono::seconds ttl = loaded->config.ttl.value_or(kDefaultTtl);
  if (request.ttl) {
    auto asked = ParseTtl(*request.ttl);
    if (!asked) return Failed(call, Error{ErrorKind::kUsage, "ttl: " + asked.error().message}, "");
    ttl = *asked;
  }
  const std::string config_path = context.paths.ConfigFile().string();
  std::optional<std::string> configured_role = context.env("AUDEX_ROLE_ARN");
  if (!configured_role) configured_role = loaded->config.role_arn;
  if (auto refusal = CheckMcpRun(loaded->config, request, ttl, configured_role, config_path)) {
    return Refuse(call, *refusal);
  }
  configuration = std::move(*loaded);
  return std::nullopt;
}

// What a command-running tool asked for, as `tryaudex run` options
// (audex_learn's parser has already refused provider and resource).
RunOptions RunOptionsFor(const McpRunArguments& request) {
  RunOptions options;
  options.provider = request.provider;
  options.allow = request.allow;
  options.profile = request.profile;
  options.resource = request.resource;
  options.ttl = request.ttl;
  options.role_arn = request.role_arn;
  options.command = request.command;
  return options;
}

// A captured stream as the agent may see it: the session's secrets masked,
// cut at kMaxOutputBytes.
std::string AgentVisible(const CapturedStream& stream,
                         const std::vector<const SecretString*>& secrets, bool& truncated) {
  std::string text = RedactSecrets(stream.text, secrets, stream.truncated());
  truncated = stream.truncated();
  if (text.size() > kMaxOutputBytes) {
    text = RedactSecrets(text.substr(0, kMaxOutputBytes), secrets, true);
    truncated = true;
  }
  return text;
}

ToolOutcome McpServer::Run(const Json& arguments) {
  auto parsed = ParseMcpRunArguments(arguments);
  if (!parsed) return InvalidArguments(parsed.error());
  const McpRunArguments& request = *parsed;
  auto call = NewCall("audex_run", request.command);
  if (!call) return ToolError(call.error().message);

  std::ostringstream out, err;
  const CliContext context = ToolContext(out, err);
  LoadedConfiguration configuration;
  if (auto refused = Admit(*call, request, context, err, configuration)) {
    return std::move(*refused);
  }

  const RunOptions options = RunOptionsFor(request);
  auto planned = PlanRunRequest(options, context, &configuration);
  if (!planned) return Failed(*call, planned.error(), err.str());
  if (planned->plan.request.provider != Provider::kAws) {
    return Failed(*call,
                  Error{ErrorKind::kUsage,
                        fmt::format("audex_run issues AWS credentials only; run {} commands "
                                    "with tryaudex run --provider {} outside the agent",
                                    ProviderName(planned->plan.request.provider),
                                    ProviderName(planned->plan.request.provider))},
                  err.str());
  }
  auto target = ResolveAwsTarget(options.role_arn, options.region, context, planned->loaded.config);
  if (!target) return Failed(*call, target.error(), err.str());
  auto session = AwsSession::Start(context, *planned, *target, std::nullopt);
  if (!session) return Failed(*call, session.error(), err.str());

  CaptureOptions capture;
  capture.max_bytes = kMaxOutputBytes + kCaptureSlack;
  // The credentials stop working at the TTL; a command still running then
  // is stopped rather than left holding the server.
  capture.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(planned->plan.ttl);
  auto ran =
      (*session)->RunChildCapturing(planned->plan.command, (*session)->ChildEnvironment(), capture);
  if (!ran) return Failed(*call, ran.error(), err.str());

  // The command may print its own credentials (env, aws configure
  // export-credentials): they are masked before anything reaches the agent.
  const AwsCredentials& issued = (*session)->credentials();
  const std::vector<const SecretString*> secrets = {&issued.secret_access_key,
                                                    &issued.session_token};
  const auto bounded = [&secrets](const CapturedStream& stream, bool& truncated) {
    return AgentVisible(stream, secrets, truncated);
  };
  bool stdout_truncated = false, stderr_truncated = false;
  const std::string stdout_text = bounded(ran->child.out, stdout_truncated);
  std::string stderr_text = bounded(ran->child.err, stderr_truncated);
  if (ran->spawn_error) stderr_text = *ran->spawn_error;

  const SessionPlan& plan = planned->plan;
  Json structured{{"session_id", (*session)->id()},
                  {"exit_code", ran->status},
                  {"signal", ran->child.outcome.signal ? Json(*ran->child.outcome.signal) : Json()},
                  {"timed_out", ran->child.timed_out},
                  {"stdout", stdout_text},
                  {"stdout_truncated", stdout_truncated},
                  {"stdout_bytes", ran->child.out.total_bytes},
                  {"stderr", stderr_text},
                  {"stderr_truncated", stderr_truncated},
                  {"stderr_bytes", ran->child.err.total_bytes},
                  {"actions", plan.request.ActionNames()},
                  {"ttl_seconds", plan.ttl.count()},
                  {"warnings", Lines(err.str())}};
  std::string text =
      fmt::format("exit code {} (session {}, {} actions, ttl {})", ran->status, (*session)->id(),
                  plan.request.actions.size(), FormatTtl(plan.ttl));
  if (ran->child.timed_out) text += "; stopped when the session's ttl ran out";
  const auto section = [&text](const char* name, const std::string& body, bool truncated,
                               size_t total) {
    if (body.empty() && !truncated) return;
    text += fmt::format("\n--- {} ---\n{}", name, body);
    if (truncated) {
      text += fmt::format("\n[{} truncated: {} of {} bytes shown]", name, body.size(), total);
    }
  };
  section("stdout", stdout_text, stdout_truncated, ran->child.out.total_bytes);
  section("stderr", stderr_text, stderr_truncated, ran->child.err.total_bytes);
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

  std::ostringstream out, err;
  const CliContext context = ToolContext(out, err);
  LoadedConfiguration configuration;
  if (auto refused = Admit(*call, request, context, err, configuration)) {
    return std::move(*refused);
  }

  LearnOptions options;
  options.run = RunOptionsFor(request);
  options.json = true;
  options.configuration = &configuration;
  CaptureOptions capture;
  capture.max_bytes = kMaxOutputBytes + kCaptureSlack;
  options.capture = capture;
  std::string stdout_text, stderr_text;
  bool stdout_truncated = false, stderr_truncated = false;
  bool timed_out = false;
  options.on_captured = [&](const AwsSession& session, AwsSession::CapturedRun& ran) {
    const AwsCredentials& issued = session.credentials();
    const std::vector<const SecretString*> secrets = {&issued.secret_access_key,
                                                      &issued.session_token};
    stdout_text = AgentVisible(ran.child.out, secrets, stdout_truncated);
    stderr_text = AgentVisible(ran.child.err, secrets, stderr_truncated);
    if (ran.spawn_error) stderr_text = *ran.spawn_error;
    timed_out = ran.child.timed_out;
  };
  auto status = RunLearn(options, context);
  if (!status) return Failed(*call, status.error(), err.str());

  Json learned = Json::parse(out.str(), nullptr, false);
  if (learned.is_discarded() || !learned.is_object()) learned = Json::object();
  Json structured = learned;
  structured["exit_code"] = *status;
  structured["stdout"] = stdout_text;
  structured["stdout_truncated"] = stdout_truncated;
  structured["stderr"] = stderr_text;
  structured["stderr_truncated"] = stderr_truncated;
  structured["timed_out"] = timed_out;
  structured["warnings"] = Lines(err.str());
  const auto allow_field = learned.find("allow");
  const std::string allow = allow_field != learned.end() && allow_field->is_string()
                                ? allow_field->get<std::string>()
                                : std::string();
  std::string text = allow.empty() ? std::string("No AWS API calls observed")
                                   : fmt::format("Recommended allow list: {}", allow);
  text += fmt::format(" (exit code {})\n", *status);
  text += learned.dump(2, ' ', false, Json::error_handler_t::replace);
  Log(fmt::format("audex_learn for \"{}\": exit {}", agent_id_.value_or("?"), *status));
  // Exit 1 with nothing observed is an answer, not a failure.
  const bool failed = *status != 0 && !(*status == 1 && allow.empty());
  return ToolOutcome{std::move(text), std::move(structured), failed, false};
}

ToolOutcome McpServer::Sessions(const Json& arguments) {
  if (!arguments.is_object()) return InvalidArguments("the arguments must be an object");
  SessionsOptions options;
  options.json = true;
  options.subcommand = "list";
  options.all = true;
  size_t limit = 20;
  for (auto it = arguments.begin(); it != arguments.end(); ++it) {
    if (it.key() == "id" && it->is_string()) {
      options.subcommand = "show";
      options.id = it->get<std::string>();
    } else if (it.key() == "active_only" && it->is_boolean()) {
      options.all = !it->get<bool>();
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
  std::ostringstream out, err;
  auto listed = RunSessions(options, ToolContext(out, err));
  if (!listed) return Failed(*call, listed.error(), err.str());
  (void)Audit(McpToolCalledEvent(*call, "ok", ""));
  Json json = Json::parse(out.str());
  if (json.is_array()) {
    const size_t total = json.size();
    if (json.size() > limit) json.erase(json.begin() + static_cast<long>(limit), json.end());
    Json structured{{"sessions", json}, {"total", total}, {"warnings", Lines(err.str())}};
    return ToolOutcome{structured.dump(2, ' ', false, Json::error_handler_t::replace), structured,
                       false, false};
  }
  Json structured{{"session", json}};
  return ToolOutcome{json.dump(2, ' ', false, Json::error_handler_t::replace), structured, false,
                     false};
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
  std::ostringstream out, err;
  const CliContext context = ToolContext(out, err);
  Result<int> outcome = kExitOk;
  if (action == "check") {
    // Exactly what audex_run would plan: run's own --dry-run --json.
    RunOptions options;
    options.allow = allow;
    options.resource = resource;
    options.provider = provider;
    options.dry_run = options.json = true;
    options.command = {"true"};
    outcome = RunRun(options, context);
  } else {
    PoliciesOptions options;
    options.subcommand = action;
    options.json = true;
    options.name = name.value_or("");
    options.patterns = patterns;
    options.provider = provider;
    outcome = RunPolicies(options, context);
  }
  if (!outcome) return Failed(*call, outcome.error(), err.str());
  (void)Audit(McpToolCalledEvent(*call, "ok", ""));
  Json json = Json::parse(out.str());
  if (action == "check") {
    json.erase("dry_run");
    json.erase("command");
  }
  Json structured = json.is_object() ? json : Json{{"items", json}};
  structured["warnings"] = Lines(err.str());
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

void AddMcpCommand(CLI::App& app, McpOptions& /*options*/) {
  app.add_subcommand("mcp",
                     "Serve the Model Context Protocol on stdio so AI agents can run commands "
                     "with scoped credentials (see README: MCP)");
}

Result<int> RunMcp(const McpOptions& /*options*/, const CliContext& context, std::istream& in) {
  // A broken configuration fails now, where the client's log shows it,
  // rather than on every call.
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  // A client that goes away mid-reply must not kill the server with
  // SIGPIPE; children get the default back (child_process.cc).
  signal(SIGPIPE, SIG_IGN);
  McpServer server(context);
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
      context.out << *reply << '\n';
      context.out.flush();
      if (!context.out) break;
    }
  }
  return kExitOk;
}

}  // namespace audex
