// The team server's web UI at /ui (docs/team-mode.md, "The web UI"): the
// dashboard's page (server/dashboard, the same files `tryaudex dashboard`
// serves) behind the server's own authentication.
//
// Login: OIDC authorization code with PKCE (RFC 6749 §4.1, RFC 7636 S256)
// against the issuer people log in with (login = true), its ID token
// verified by the same OidcTokenVerifier as a bearer's, its nonce and state
// checked; or an API token pasted once into the login form. Either opens a
// session: a random cookie (HttpOnly, SameSite=Strict, Secure under TLS)
// whose SHA-256 keys a row in the store, so every replica knows it, ending
// with the ID token (or the API token), eight hours at most.
//
// The page's data is the API itself (GET /v1/grants, /v1/audit, ...): a
// request with the cookie and no bearer is the session's caller, under the
// same rule sets as any other. A state-changing request by cookie must
// carry the session's CSRF token in X-Audex-CSRF and this server's Origin.
#include <fmt/format.h>

#include <algorithm>

#include "adapters/oidc/authorization_code_client.h"
#include "adapters/oidc/provider_client.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/identity/pkce.h"
#include "core/team/oidc_rules.h"
#include "core/wire/url.h"
#include "server/dashboard/dashboard_api.h"
#include "server/team/team_server.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr const char* kLoginCookie = "audex_ui_login";
constexpr const char* kCsrfHeader = "x-audex-csrf";
constexpr auto kMaxUiSession = std::chrono::hours(8);
constexpr auto kLoginWindow = std::chrono::minutes(10);
// The jti ledger's issuer name under which each login's state is spent.
constexpr const char* kLoginStateLedger = "audex-ui-login-state";

std::string HtmlEscape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string HeaderOf(const ApiRequest& request, const std::string& name) {
  const auto found = request.headers.find(name);
  return found == request.headers.end() ? std::string() : found->second;
}

std::string QueryOf(const ApiRequest& request, const std::string& name) {
  const auto found = request.query.find(name);
  return found == request.query.end() ? std::string() : found->second;
}

ApiResponse Html(int status, std::string body) {
  ApiResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

ApiResponse SeeOther(const std::string& location) {
  ApiResponse response = Html(303, "");
  response.headers["Location"] = location;
  return response;
}

// A page of the UI that is not the app: the login form, the step after the
// provider sent the browser back, an error.
std::string PageHtml(std::string_view title, std::string_view body, std::string_view head = "") {
  return fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{}"
      "<title>{} - Audex</title><link rel=\"icon\" href=\"/ui/assets/icon.svg\" "
      "type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/ui/assets/style.css\"></head>"
      "<body><header><h1>Audex</h1></header><main id=\"main\" class=\"login\">{}</main></body>"
      "</html>",
      head, title, body);
}

// One field of an application/x-www-form-urlencoded body (the login form).
std::string FormField(std::string_view body, std::string_view name) {
  for (std::string_view pair : Split(body, '&')) {
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || pair.substr(0, equals) != name) continue;
    std::string value(pair.substr(equals + 1));
    std::replace(value.begin(), value.end(), '+', ' ');  // HTML form encoding
    return PercentDecode(value);
  }
  return {};
}

bool IsHex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Compares without an early exit: how much of a CSRF token or state
// matched must not show in the time the answer takes.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ b[i]);
  return differ == 0;
}

}  // namespace

// The origin the browser sees this server at: the scheme it is served with
// and the Host the browser sent (the redirect URI registered at the
// provider is this origin's /ui/callback).
std::string UiOrigin(const ApiRequest& request, bool tls) {
  return fmt::format("{}://{}", tls ? "https" : "http", HeaderOf(request, "host"));
}

// The UI's headers, on every reply of the server (the API's JSON too): a
// Content-Security-Policy that allows only this origin's own scripts,
// styles and fetches (no inline script, no eval), no framing, no sniffing,
// no referrer to other origins, no caching.
void AddUiSecurityHeaders(ApiResponse& response) {
  response.headers.emplace(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  response.headers.emplace("X-Frame-Options", "DENY");
  response.headers.emplace("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer a browser sends
  // "Origin: null" on a POST (Fetch standard, "append a request Origin
  // header"), and the CSRF check needs the real one. Nothing leaves to
  // another origin either way.
  response.headers.emplace("Referrer-Policy", "same-origin");
  response.headers.emplace("Cache-Control", "no-store");
}

std::string TeamServer::UiCsrfToken(const std::string& session_sha256) const {
  // Derived, not stored: only this server's key and the session make it.
  return HexEncode(HmacSha256(cache_key_.Reveal(), "audex-ui-csrf\n" + session_sha256));
}

ApiResponse TeamServer::HandleUi(const ApiRequest& request) {
  const std::string& path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/ui") return SeeOther("/ui/");
  if (path == "/ui/login" && get) return UiLoginPage(200, "");
  if (path == "/ui/login/token" && request.method == "POST") return UiLoginWithToken(request);
  if (path == "/ui/login/oidc" && get) return UiStartOidcLogin(request);
  if (path == "/ui/callback" && get) return UiFinishOidcLogin(request);
  if (path == "/ui/logout" && request.method == "POST") return UiLogout(request);
  if (!get) return ApiError(405, "method_not_allowed", "the UI's pages answer GET");
  // The page's scripts and styles are the same for everyone and hold no
  // data; the login page needs the style before anyone is signed in.
  if (path.starts_with("/ui/assets/")) {
    if (const auto asset = FindDashboardAsset(path.substr(3))) {
      ApiResponse response;
      response.content_type = std::string(asset->content_type);
      response.body = std::string(asset->bytes);
      return response;
    }
    return Html(404, PageHtml("Not found", "<h2>There is no such page.</h2>"));
  }
  if (path != "/ui/" && path != "/ui/index.html") {
    return Html(404, PageHtml("Not found", "<h2>There is no such page.</h2>"));
  }
  const std::string cookie = CookieValue(HeaderOf(request, "cookie"), kUiSessionCookie);
  ApiResponse refused;
  Authenticated who;
  who.config = Config();
  if (cookie.empty() || !AuthenticateUiSession(request, cookie, who, refused)) {
    return SeeOther("/ui/login");
  }
  const auto index = FindDashboardAsset("/index.html");
  return Html(200, std::string(index->bytes));
}

ApiResponse TeamServer::UiLoginPage(int status, const std::string& problem) {
  const auto config = Config();
  std::string oidc;
  for (const TrustedIssuer& issuer : config->issuers) {
    if (!issuer.login) continue;
    oidc = fmt::format(
        "<p><a class=\"button\" id=\"login-oidc\" href=\"/ui/login/oidc\">Sign in with {}</a></p>"
        "<p class=\"muted\">or</p>",
        HtmlEscape(issuer.name));
  }
  const std::string alert =
      problem.empty()
          ? ""
          : fmt::format("<p class=\"status bad\" role=\"alert\" id=\"login-problem\">{}</p>",
                        HtmlEscape(problem));
  return Html(status, PageHtml("Sign in",
                               fmt::format("<h2>Sign in to the Audex server</h2>{}{}"
                                           "<form method=\"post\" action=\"/ui/login/token\">"
                                           "<div class=\"field\"><label for=\"login-token\">API "
                                           "token (audex_…; tryaudex server token create makes "
                                           "one)</label><input id=\"login-token\" name=\"token\" "
                                           "type=\"password\" autocomplete=\"off\" required "
                                           "size=\"40\"></div><p><button type=\"submit\">Sign in "
                                           "with the token</button></p></form>",
                                           alert, oidc)));
}

ApiResponse TeamServer::UiLoginWithToken(const ApiRequest& request) {
  const bool tls = Config()->tls_cert.has_value();
  // Login CSRF (RFC 6749 §10.12's concern for forms): another site's page
  // must not sign this browser in as someone else.
  if (HeaderOf(request, "origin") != UiOrigin(request, tls)) {
    return UiLoginPage(403, "The sign-in came from another site's page and was refused.");
  }
  const SecretString token(FormField(request.body, "token"));
  if (!LooksLikeApiToken(token.Reveal())) {
    return UiLoginPage(401, "That is not an Audex API token (audex_ and 64 hex digits).");
  }
  const std::string hash = ApiTokenHash(token);
  auto found = store_->FindApiTokenByHash(hash);
  if (!found) return UiLoginPage(503, "The server's store cannot be read now; try again.");
  const TimePoint now = world_.clock();
  if (!*found) return UiLoginPage(401, "Unknown API token (it may be for another server).");
  if (auto usable = CheckApiTokenUsable(**found, now); !usable) {
    return UiLoginPage(401, usable.error().message);
  }
  TeamCaller caller;
  caller.name = (*found)->name;
  caller.rule = (*found)->policy;
  caller.via = "api_token:" + (*found)->id;
  // Its groups too (`token create --group`): they make it an approver, in
  // the browser as with the bearer token.
  caller.groups = (*found)->groups;
  TimePoint ends = now + kMaxUiSession;
  if ((*found)->expires_at) ends = std::min(ends, *(*found)->expires_at);
  ApiResponse opened = UiOpenSession(caller, hash, ends, tls);
  if (opened.status != 200) return opened;
  // A same-site redirect: the new SameSite=Strict cookie goes with it.
  opened.status = 303;
  opened.body.clear();
  opened.headers["Location"] = "/ui/";
  return opened;
}

ApiResponse TeamServer::UiStartOidcLogin(const ApiRequest& request) {
  const auto config = Config();
  const TrustedIssuer* issuer = nullptr;
  for (const TrustedIssuer& candidate : config->issuers) {
    if (candidate.login) issuer = &candidate;
  }
  if (issuer == nullptr || !oidc_http_) {
    return UiLoginPage(404,
                       "This server names no issuer for people: sign in with an API token, or "
                       "mark one [[oidc.issuers]] entry with login = true.");
  }
  auto metadata = FetchProviderMetadata(*oidc_http_, issuer->issuer);
  if (!metadata) return UiLoginPage(503, metadata.error().message);
  if (metadata->authorization_endpoint.empty()) {
    return UiLoginPage(
        503, fmt::format("The provider {} publishes no authorization_endpoint.", issuer->issuer));
  }
  auto random = world_.random(32);
  if (!random) return UiLoginPage(503, "No random bytes for the login; try again.");
  const bool tls = config->tls_cert.has_value();
  const LoginBinding binding = DeriveLoginBinding(cache_key_.Reveal(), HexEncode(*random));
  AuthorizationRequest authorization;
  authorization.authorization_endpoint = metadata->authorization_endpoint;
  authorization.client_id = issuer->audience;
  authorization.redirect_uri = UiOrigin(request, tls) + "/ui/callback";
  authorization.scope = "openid " + issuer->login_scope;
  ApiResponse response = SeeOther(AuthorizationUrl(authorization, binding));
  // The state rides in a cookie of its own, bound to this browser (RFC 6749
  // §10.12). SameSite=Lax, not Strict: the provider's redirect back is a
  // navigation from another site, which Strict cookies do not join.
  response.headers["Set-Cookie"] =
      fmt::format("{}={}; HttpOnly; SameSite=Lax; Path=/ui/; Max-Age={}{}", kLoginCookie,
                  binding.state, std::chrono::seconds(kLoginWindow).count(), tls ? "; Secure" : "");
  return response;
}

ApiResponse TeamServer::UiFinishOidcLogin(const ApiRequest& request) {
  const auto config = Config();
  const bool tls = config->tls_cert.has_value();
  if (const std::string error = QueryOf(request, "error"); !error.empty()) {
    return UiLoginPage(401,
                       fmt::format("The provider refused the sign-in: {}", QuoteUntrusted(error)));
  }
  const std::string state = QueryOf(request, "state");
  const std::string expected = CookieValue(HeaderOf(request, "cookie"), kLoginCookie);
  if (!IsHex64(state) || expected.empty() || !SameSecret(state, expected)) {
    return UiLoginPage(400,
                       "This sign-in was not started in this browser, or took longer than 10 "
                       "minutes. Start again.");
  }
  const TimePoint now = world_.clock();
  // Each state works once, on whichever replica the browser comes back to.
  auto fresh = store_->RememberJti(kLoginStateLedger, Sha256Hex(state), now + kLoginWindow, now);
  if (!fresh) return UiLoginPage(503, "The server's store cannot be reached now; try again.");
  if (!*fresh) return UiLoginPage(400, "This sign-in was used already. Start again.");
  const TrustedIssuer* issuer = nullptr;
  for (const TrustedIssuer& candidate : config->issuers) {
    if (candidate.login) issuer = &candidate;
  }
  std::shared_ptr<OidcTokenVerifier> verifier;
  {
    std::lock_guard lock(config_mutex_);
    verifier = verifier_;
  }
  if (issuer == nullptr || !verifier || !oidc_http_) {
    return UiLoginPage(404, "This server names no issuer for people.");
  }
  auto metadata = FetchProviderMetadata(*oidc_http_, issuer->issuer);
  if (!metadata) return UiLoginPage(503, metadata.error().message);
  const LoginBinding binding = DeriveLoginBinding(cache_key_.Reveal(), state);
  CodeRedemption redemption;
  redemption.client_id = issuer->audience;
  redemption.redirect_uri = UiOrigin(request, tls) + "/ui/callback";
  redemption.code = SecretString(QueryOf(request, "code"));
  redemption.code_verifier = SecretString(binding.code_verifier);
  auto tokens = RedeemAuthorizationCode(*oidc_http_, *metadata, redemption, now);
  if (!tokens) return UiLoginPage(401, tokens.error().message);
  if (tokens->id_token.empty()) {
    return UiLoginPage(401, "The provider answered without an ID token (is openid in scope?).");
  }
  const auto refuse = [&](const std::string& check, const std::string& reason) {
    log_({{"level", "warn"}, {"msg", "ui login refused"}, {"check", check}, {"reason", reason}});
    metrics_.CountRefusal("ui:" + check);
    return UiLoginPage(401, fmt::format("The sign-in was refused ({}): {}", check, reason));
  };
  VerifyResult verified = verifier->Verify(tokens->id_token.Reveal());
  if (!verified) return refuse(verified.error().refusal.check, verified.error().refusal.reason);
  const Caller& person = *verified;
  if (person.issuer != issuer->issuer) {
    return refuse("iss", "the ID token is not from the issuer people sign in with");
  }
  // OpenID Connect Core §3.1.3.7 (11): the nonce must be the one this
  // login sent, so an ID token from another login cannot stand in.
  const auto nonce = person.claims.find("nonce");
  if (nonce == person.claims.end() || !SameSecret(nonce->second, binding.nonce)) {
    return refuse("nonce", "the ID token's nonce is not this sign-in's");
  }
  auto bound = BindOidcCaller(config->policy, person);
  if (!bound) return refuse(bound.error().check, bound.error().reason);
  TeamCaller caller;
  caller.name = person.name;
  caller.rule = (*bound)->name;
  caller.via = "oidc:" + person.issuer_name;
  caller.groups = person.groups;
  ApiResponse opened =
      UiOpenSession(caller, std::nullopt, std::min(person.expires_at, now + kMaxUiSession), tls);
  if (opened.status != 200) return opened;
  // The provider's redirect is a navigation from another site: a redirect
  // from here would still be one, and carry no SameSite=Strict cookie. A
  // page of this origin that moves on by itself is same-site.
  opened.body = PageHtml("Signed in",
                         "<h2>Signed in</h2><p><a href=\"/ui/\">Continue to the dashboard</a></p>",
                         "<meta http-equiv=\"refresh\" content=\"0;url=/ui/\">");
  return opened;
}

ApiResponse TeamServer::UiOpenSession(const TeamCaller& caller,
                                      std::optional<std::string> api_token_sha256,
                                      TimePoint expires_at, bool secure) {
  auto random = world_.random(32);
  if (!random) return UiLoginPage(503, "No random bytes for a session; try again.");
  const std::string cookie = HexEncode(*random);
  const TimePoint now = world_.clock();
  WebSession session;
  session.id_sha256 = Sha256Hex(cookie);
  session.caller = caller.name;
  session.policy = caller.rule;
  session.via = caller.via;
  session.groups = caller.groups;
  session.api_token_sha256 = std::move(api_token_sha256);
  session.created_at = now;
  session.expires_at = expires_at;
  if (auto stored = store_->InsertWebSession(session); !stored) {
    return UiLoginPage(503, "The server's store cannot be written now; try again.");
  }
  (void)store_->AppendAudit(
      UiLoginEvent(NewId(), caller, session.id_sha256.substr(0, 16), expires_at));
  log_({{"level", "info"},
        {"msg", "ui login"},
        {"caller", caller.name},
        {"via", caller.via},
        {"policy", caller.rule}});
  ApiResponse response = Html(200, "");
  const auto seconds = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(expires_at - now).count());
  // HttpOnly: no script reads it. SameSite=Strict: no other site's page
  // sends it (RFC 6265bis §8.8). Max-Age: it ends when the session does.
  response.headers["Set-Cookie"] =
      fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kUiSessionCookie,
                  cookie, seconds, secure ? "; Secure" : "");
  return response;
}

Result<TeamServer::Authenticated> TeamServer::AuthenticateUiSession(const ApiRequest& request,
                                                                    const std::string& cookie,
                                                                    Authenticated who,
                                                                    ApiResponse& refused) {
  const auto fail = [&](int status, std::string_view code, const std::string& message,
                        std::string_view rule = "") -> Result<Authenticated> {
    refused = ApiError(status, code, message, rule);
    return UsageError(message);
  };
  const TimePoint now = world_.clock();
  const std::string id_sha256 = Sha256Hex(cookie);
  auto found = store_->FindWebSession(id_sha256, now);
  if (!found) return fail(503, "store_unavailable", found.error().message);
  if (!*found) {
    return fail(401, "unauthenticated", "the UI session has ended: sign in again at /ui/login");
  }
  const WebSession& session = **found;
  if (session.api_token_sha256) {
    // The session lives only as long as the token it was opened with.
    auto token = store_->FindApiTokenByHash(*session.api_token_sha256);
    if (!token) return fail(503, "store_unavailable", token.error().message);
    if (!*token || !CheckApiTokenUsable(**token, now)) {
      return fail(401, "unauthenticated",
                  "the API token this UI session was opened with is revoked or expired");
    }
  }
  if (request.method != "GET" && request.method != "HEAD") {
    // CSRF: a state change by cookie needs the session's token in a header
    // (which another site's page cannot set without CORS, which this server
    // never grants) and this server's own Origin (Fetch standard: sent on
    // every POST).
    const bool tls = who.config->tls_cert.has_value();
    if (HeaderOf(request, "origin") != UiOrigin(request, tls)) {
      return fail(403, "forbidden", "the request came from another site's page (Origin)", "csrf");
    }
    if (!SameSecret(HeaderOf(request, kCsrfHeader), UiCsrfToken(id_sha256))) {
      return fail(403, "forbidden", "the request lacks the session's X-Audex-CSRF token", "csrf");
    }
  }
  who.caller.name = session.caller;
  who.caller.rule = session.policy;
  who.caller.via = session.via;
  who.caller.groups = session.groups;
  who.rule = who.config->policy.Find(session.policy);
  if (session.via.starts_with("oidc:")) who.token_expires_at = session.expires_at;
  who.ui_session = id_sha256;
  return who;
}

ApiResponse TeamServer::UiLogout(const ApiRequest& request) {
  const std::string cookie = CookieValue(HeaderOf(request, "cookie"), kUiSessionCookie);
  ApiResponse refused;
  Authenticated who;
  who.config = Config();
  if (cookie.empty()) return ApiError(401, "unauthenticated", "no UI session");
  auto authenticated = AuthenticateUiSession(request, cookie, who, refused);
  if (!authenticated) return refused;
  (void)store_->DeleteWebSession(*authenticated->ui_session);
  (void)store_->AppendAudit(
      UiLogoutEvent(NewId(), authenticated->caller.name, authenticated->ui_session->substr(0, 16)));
  ApiResponse response = SeeOther("/ui/login");
  response.headers["Set-Cookie"] =
      fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", kUiSessionCookie);
  return response;
}

}  // namespace audex
