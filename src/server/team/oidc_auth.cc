// The team server's OIDC callers (docs/oidc-identity.md): a bearer that is
// not an API token is verified as an ID token of a configured issuer
// (adapters/oidc, cjose), its jti remembered in the store so that every
// replica refuses a replay, and the caller bound to the first rule set its
// issuer, claims and groups fit (core/team/oidc_rules.h). A refusal is 401
// with the check that refused it, in the reply and in the server's log;
// the token itself is never logged, stored or echoed. An issuer whose keys
// cannot be fetched, or a store that cannot say whether a jti is new, is
// 503: the token was neither accepted nor refused.
#include <fmt/format.h>

#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "server/team/team_server.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

// The jti ledger of the verifier, kept in the store's jti_seen table (one
// INSERT ... ON CONFLICT: exactly one replica sees a jti as new).
class StoreJtiLedger : public JtiLedger {
 public:
  StoreJtiLedger(TeamStore& store, ClockFunction clock) : store_(store), clock_(std::move(clock)) {}

  Result<bool> RememberJti(const std::string& issuer, const std::string& jti,
                           std::chrono::system_clock::time_point expires_at) override {
    return store_.RememberJti(issuer, jti, expires_at, clock_());
  }

 private:
  TeamStore& store_;
  ClockFunction clock_;
};

ApiResponse JsonReply(int status, const OrderedJson& body) {
  ApiResponse response;
  response.status = status;
  response.body = body.dump();
  response.headers["Cache-Control"] = "no-store";
  return response;
}

}  // namespace

Result<TtlCap> CapGrantAtToken(SessionPlan& plan, TimePoint token_expires_at, TimePoint now) {
  auto cap = CapTtlAtToken(plan.ttl, token_expires_at, now);
  if (!cap) return tl::unexpected(cap.error());
  plan.ttl = cap->ttl;
  if (cap->needs_policy_end) {
    auto ended = WithGrantEnd(plan.policy_json, cap->ends_at);
    if (!ended) return tl::unexpected(ended.error());
    plan.policy_json = *ended;
    if (plan.aws) plan.aws->policy = *ended;
  }
  return *cap;
}

nlohmann::ordered_json TtlCapJson(const TtlCap& cap) {
  OrderedJson json;
  json["by"] = "oidc_token";
  json["capped"] = cap.capped;
  json["ttl_seconds"] = cap.ttl.count();
  json["ends_at"] = FormatRfc3339(cap.ends_at);
  json["sts_duration_seconds"] = cap.sts_duration.count();
  // Below STS's 15-minute floor the session policy's deny after ends_at
  // (Sid AudexGrantEnds) is what ends the credentials.
  json["ended_by"] = cap.needs_policy_end ? "session_policy" : "sts_expiration";
  return json;
}

std::shared_ptr<OidcTokenVerifier> TeamServer::MakeVerifier(const ServerConfig& config) {
  if (config.issuers.empty()) return nullptr;
  if (!oidc_http_) oidc_http_ = world_.http(HttpOptionsFrom(world_.env));
  if (!jti_ledger_) jti_ledger_ = std::make_unique<StoreJtiLedger>(*store_, world_.clock);
  return std::make_shared<OidcTokenVerifier>(config.issuers, *oidc_http_, jti_ledger_.get(),
                                             world_.clock);
}

Result<TeamServer::Authenticated> TeamServer::AuthenticateOidc(const std::string& token,
                                                               Authenticated who,
                                                               ApiResponse& refused) {
  std::shared_ptr<OidcTokenVerifier> verifier;
  {
    std::lock_guard lock(config_mutex_);
    verifier = verifier_;
  }
  const auto refuse = [&](const TokenRefusal& refusal, const std::string& issuer) {
    // The check and reason only: QuoteUntrusted has cut every value that
    // came from the token; the token is not in the line.
    log_({{"level", "warn"},
          {"msg", "oidc token refused"},
          {"check", refusal.check},
          {"reason", refusal.reason},
          {"issuer", issuer}});
    metrics_.CountRefusal("oidc:" + refusal.check);
    refused =
        ApiError(401, "unauthenticated", "ID token refused: " + refusal.Describe(), refusal.check);
    refused.headers["WWW-Authenticate"] = "Bearer error=\"invalid_token\"";
    return UsageError(refusal.Describe());
  };
  if (!verifier) return refuse({"issuer", "this server trusts no OIDC issuer"}, "");
  VerifyResult verified = verifier->Verify(token);
  if (!verified) {
    const TokenRefusal& refusal = verified.error().refusal;
    if (verified.error().kind == VerifyFailure::Kind::kUnavailable) {
      log_({{"level", "error"},
            {"msg", "oidc verification unavailable"},
            {"check", refusal.check},
            {"reason", refusal.reason}});
      refused = ApiError(503, refusal.check == "jti" ? "store_unavailable" : "issuer_unavailable",
                         "cannot verify the ID token now: " + refusal.Describe(), refusal.check);
      refused.headers["Retry-After"] = "5";
      return tl::unexpected(Error{ErrorKind::kState, refusal.Describe()});
    }
    return refuse(refusal, "");
  }
  const Caller& caller = *verified;
  auto bound = BindOidcCaller(who.config->policy, caller);
  if (!bound) return refuse(bound.error(), caller.issuer_name);
  who.rule = *bound;
  who.caller.name = caller.name;
  who.caller.rule = (*bound)->name;
  who.caller.via = "oidc:" + caller.issuer_name;
  who.caller.groups = caller.groups;
  who.caller.claims = caller.recorded;
  who.token_expires_at = caller.expires_at;
  nlohmann::json claims = nlohmann::json::object();
  for (const auto& [claim, value] : caller.recorded) claims[claim] = value;
  log_({{"level", "info"},
        {"msg", "oidc caller"},
        {"caller", caller.name},
        {"issuer", caller.issuer_name},
        {"policy", who.caller.rule},
        {"claims", claims}});
  return who;
}

ApiResponse TeamServer::WhoAmI(const ApiRequest& request) {
  ApiResponse refused;
  auto who = Authenticate(request, refused);
  if (!who) return refused;
  OrderedJson reply;
  reply["caller"] = who->caller.name;
  reply["via"] = who->caller.via;
  reply["policy"] = who->caller.rule;
  reply["groups"] = who->caller.groups;
  reply["admin"] = who->rule != nullptr && who->rule->admin;
  reply["token_expires_at"] =
      who->token_expires_at ? OrderedJson(FormatRfc3339(*who->token_expires_at)) : nullptr;
  // A browser of the web UI learns its session's CSRF token here: the
  // header its state-changing requests must carry (web_ui.cc).
  if (who->ui_session) reply["ui_csrf_token"] = UiCsrfToken(*who->ui_session);
  return JsonReply(200, reply);
}

ApiResponse TeamServer::LoginConfig() {
  // The issuer people log in with (`login = true`): public facts a
  // client needs to start the device flow, nothing secret.
  const auto config = Config();
  for (const TrustedIssuer& issuer : config->issuers) {
    if (!issuer.login) continue;
    return JsonReply(200, OrderedJson{{"issuer", issuer.issuer},
                                      {"client_id", issuer.audience},
                                      {"scope", "openid offline_access " + issuer.login_scope}});
  }
  return ApiError(404, "no_login",
                  fmt::format("this server names no issuer for people: mark one [[oidc.issuers]] "
                              "entry in {} with login = true",
                              config->source));
}

}  // namespace audex
