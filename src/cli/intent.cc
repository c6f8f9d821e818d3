#include "cli/intent.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <ostream>

#include "adapters/anthropic/messages_client.h"
#include "adapters/http/curl_http_client.h"
#include "catalog/intent/offline_intent.h"
#include "catalog/intent_check.h"
#include "cli/run.h"
#include "core/base/text.h"
#include "core/intent/intent.h"

namespace audex {

CommandSpec IntentCommand() {
  return {
      "intent",
      "Turn a sentence into a checked least-privilege policy: tryaudex intent \"Read only from "
      "my-bucket in S3\" [--run -- CMD...]",
      true, [](CLI::App& intent_command) -> CommandRunner {
        auto options = std::make_shared<IntentOptions>();
        CLI::App* intent = &intent_command;
        intent->add_option("sentence", options->words, "What the command needs, in one sentence");
        intent->add_option("--provider", options->provider, "aws (default), gcp or azure")
            ->type_name("{aws,gcp,azure}");
        intent->add_option("--model", options->model,
                           fmt::format("Claude model (else `model` in config.toml, else {})",
                                       kAnthropicDefaultModel));
        intent->add_flag("--offline", options->offline,
                         "Use the built-in rule-based parser, even when ANTHROPIC_API_KEY is set");
        intent->add_flag("--run", options->run,
                         "Run the command after -- with the result, as tryaudex run would");
        intent->add_option("--ttl", options->ttl, "With --run: session lifetime (default 15m)");
        intent->add_option("--role-arn", options->role_arn, "With --run: the role to assume");
        intent->add_option("--region", options->region, "With --run: the AWS region");
        intent->add_flag("--dry-run", options->dry_run, "With --run: print the plan and stop");
        return [options](const Invocation& call) {
          options->command = call.command;
          return RunIntent(*options, call.context);
        };
      }};
}

namespace {

struct Proposal {
  IntentPolicy policy;
  IntentSource source = IntentSource::kOffline;
};

Result<Proposal> AskClaude(const std::string& sentence, Provider provider,
                           const IntentOptions& options, const UserConfig& config,
                           const std::string& key, const CliContext& context) {
  AnthropicOptions anthropic;
  anthropic.api_key = SecretString(key);
  if (auto base = context.env("ANTHROPIC_BASE_URL"); base && !base->empty()) {
    anthropic.base_url = *base;
  }
  if (options.model) {
    anthropic.model = *options.model;
  } else if (config.model) {
    anthropic.model = *config.model;
  }
  if (anthropic.model.empty()) {
    return UsageError("--model is empty; name a Claude model, e.g. --model " +
                      std::string(kAnthropicDefaultModel));
  }
  CurlHttpOptions http_options;
  // One short answer, but the model may think first: a minute per attempt.
  http_options.timeouts = {std::chrono::seconds(5), std::chrono::seconds(60)};
  std::unique_ptr<HttpClient> http = context.world.http(http_options);
  AnthropicMessagesClient client(*http, anthropic);
  auto text = client.Ask(IntentSystemPrompt(provider), sentence);
  if (!text) return tl::unexpected(text.error());
  auto policy = ParseIntentReply(*text);
  if (!policy) return tl::unexpected(policy.error());
  return Proposal{std::move(*policy), IntentSource::kClaude};
}

}  // namespace

Result<int> RunIntent(const IntentOptions& options, const CliContext& context) {
  const std::string sentence(Trim(Join(options.words, " ")));
  if (sentence.empty()) {
    return UsageError(
        "no sentence given: say what the command needs, e.g. tryaudex intent \"Read only from "
        "my-bucket in S3\"");
  }
  if (!options.run && !options.command.empty()) {
    return UsageError("a command after -- needs --run: tryaudex intent \"...\" --run -- CMD...");
  }
  if (!options.run && (options.ttl || options.role_arn || options.region || options.dry_run)) {
    return UsageError("--ttl, --role-arn, --region and --dry-run go with --run");
  }
  if (options.run && options.command.empty()) {
    return UsageError(
        "--run needs the command after --, e.g. tryaudex intent \"list my-bucket in S3\" --run "
        "-- aws s3 ls s3://my-bucket");
  }
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  Provider provider = loaded->config.provider.value_or(Provider::kAws);
  if (options.provider) {
    auto parsed = ParseProviderOption(*options.provider, "--provider");
    if (!parsed) return tl::unexpected(parsed.error());
    provider = *parsed;
  }

  const std::optional<std::string> key = context.env("ANTHROPIC_API_KEY");
  const bool use_claude = !options.offline && key && !key->empty();
  Proposal proposal;
  std::string origin;
  if (use_claude) {
    auto asked = AskClaude(sentence, provider, options, loaded->config, *key, context);
    if (!asked) return tl::unexpected(asked.error());
    proposal = std::move(*asked);
    origin = "Claude's answer";
  } else {
    if (!options.offline) {
      context.err << "tryaudex: note: ANTHROPIC_API_KEY is not set, so the offline parser "
                     "answers; set it to ask Claude\n";
    }
    if (options.model) {
      context.err << fmt::format(
          "tryaudex: warning: --model {} is not used: the offline parser answers{}\n",
          EscapeControl(*options.model), options.offline ? " (--offline)" : "");
    }
    auto parsed = ParseIntentOffline(sentence, provider);
    if (!parsed) return tl::unexpected(parsed.error());
    PrintWarnings(context, parsed->warnings);
    if (parsed->confidence == IntentConfidence::kLow) {
      context.err << "tryaudex: note: the offline parser is unsure (confidence: low); check the "
                     "policy, rephrase, or set ANTHROPIC_API_KEY to ask Claude\n";
    }
    proposal.policy = std::move(parsed->policy);
    origin = "the offline parser";
  }

  auto checked = CheckIntent(proposal.policy, provider, ActionCatalog::Builtin(), origin);
  if (!checked) return tl::unexpected(checked.error());
  PrintWarnings(context, checked->warnings);
  const std::string json = RenderIntentJson(checked->policy, proposal.source);
  if (!options.run) {
    context.out << json << '\n';
    return 0;
  }
  // stdout belongs to the command from here on.
  context.err << "tryaudex: intent: " << json << '\n';
  if (auto merged = OneStatementWarning(checked->policy, ActionCatalog::Builtin())) {
    context.err << "tryaudex: warning: " << EscapeControl(*merged) << '\n';
  }
  RunOptions run;
  SessionRequest& request = run.request;
  request.provider = std::string(ProviderName(provider));
  request.allow = Join(checked->policy.actions, ",");
  if (!checked->policy.resources.empty()) {
    request.resource = Join(checked->policy.resources, ",");
  }
  request.ttl = options.ttl;
  request.role_arn = options.role_arn;
  request.region = options.region;
  request.command = options.command;
  run.dry_run = options.dry_run;
  return RunRun(run, context);
}

}  // namespace audex
