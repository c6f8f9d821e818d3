// ServerConfig: `tryaudex server`'s settings from server.toml, already
// checked by the reader (adapters/config/server_toml.h): where it listens
// and keeps its state, the base role grants assume by default, the
// server's own deny list, custom profiles, the rule sets callers are bound
// to, and the OIDC issuers it trusts.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/identity/trusted_issuer.h"
#include "core/policy/deny_list.h"
#include "core/policy/profile.h"
#include "core/team/server_policy.h"

namespace audex {

// [webhook]: where approval and break-glass notices go (Slack-compatible
// JSON, docs/team-mode.md "Webhook"). The URL is a secret (Slack's
// incoming-webhook URL is the credential): never logged, never audited.
struct WebhookConfig {
  std::string url;
  std::chrono::seconds timeout{5};  // per attempt
  int attempts = 4;                 // 1 + retries, with doubling backoff from 1 s
};

struct ServerConfig {
  std::string source;                     // server.toml's path, for messages
  std::string listen = "127.0.0.1:8700";  // HOST:PORT; loopback unless told
  std::optional<std::string> tls_cert;    // PEM; TLS when both are set
  std::optional<std::string> tls_key;
  std::string store;                    // sqlite:///PATH, a path, or postgresql://...
  std::string state_dir;                // the audit key and the STS cache key live here
  std::optional<std::string> role_arn;  // the role a grant assumes unless it names one
  std::optional<std::string> region;
  // GCP and Azure grants (docs/team-mode.md, "GCP and Azure grants"): the
  // keys config.toml has for `run`; the base tokens come from the server
  // process's environment, as run's do.
  std::optional<std::string> gcp_service_account;
  std::optional<std::string> gcp_project;
  std::optional<std::string> azure_subscription_id;
  std::string audience;           // this server's own name in OIDC tokens (issue 17)
  DenyList deny;                  // always applies
  std::vector<Profile> profiles;  // custom profiles, beside the built-in ones
  ServerPolicy policy;
  std::vector<TrustedIssuer> issuers;
  bool sts_cache = true;  // reuse a live session for identical requests
  // Grants of one caller for the same plan within one bucket of this length
  // share an STS session (the cache key includes the bucket).
  std::chrono::seconds sts_cache_bucket{300};
  // Request threads always ready, and the store's connections.
  size_t threads = 8;
  // Connections served at once, a thread each while open (idle keep-alive
  // included: cpp-httplib's model); more wait for one to close.
  size_t max_connections = 256;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds shutdown_grace{20};  // in-flight requests finish within this
  // A grant still `issuing` this long after it was recorded belongs to a
  // replica that stopped mid-issue: the janitor marks it failed.
  std::chrono::seconds issuing_timeout{120};
  std::optional<WebhookConfig> webhook;
  // server.toml's text with secret-like values left out (ServerPolicyText),
  // audited as server_policy_changed when it differs from the last record.
  std::string policy_text;
};

}  // namespace audex
