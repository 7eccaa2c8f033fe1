#include "server/serve.h"

#include <csignal>
#include <cstdio>
#include <string>

#include "core/crypto.h"
#include "core/text.h"
#include "http/api.h"
#include "http/form_demo.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "http/webhook.h"

#include <nlohmann/json.hpp>
#include "io/event_loop.h"
#include "policy/config.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "postfix/policy_server.h"
#include "server/args.h"
#include "store/state_store.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR]\n"
    "                        [--demo DIR]\n"
    "\n"
    "Runs the policy server: Dovecot auth policy and weakforced-compatible commands at\n"
    "/?command=X and /command/X, the native API under /v1, /healthz and /metrics.\n"
    "Without --config it runs on the embedded defaults ('coastguard config --defaults').\n"
    "Binds 127.0.0.1:8084 by default. Admin calls need the token from the config or from\n"
    "<data_dir>/admin_token (generated at first start).\n"
    "The form guard answers at /v1/forms/; --demo examples/contact-form also serves the\n"
    "contact-form demo at /demo/.\n";

io::EventLoop* g_loop = nullptr;

void OnSignal(int) {
  if (g_loop != nullptr) g_loop->Stop();
}

bool ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  std::string h;
  std::string p;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  if (h.empty() || p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != p.npos) {
    return false;
  }
  const int number = std::stoi(p);
  if (number > 65535) return false;
  *host = h;
  *port = static_cast<uint16_t>(number);
  return true;
}

// Forwards state changes to the store and logs each block, so that the operator's log shows
// every decision that shuts someone out for a while (one line per block, not per request).
class LoggingSink : public policy::StateSink {
 public:
  explicit LoggingSink(store::StateStore& store) : store_(store) {}
  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override {
    store_.FamiliarityLearned(login, s);
  }
  void BlockSet(const policy::BlockKey& key, const policy::Block& block) override {
    std::fprintf(stderr, "coastguard: block %s %s reason=%s scope=%s ttl=%llds offenses=%u\n",
                 std::string(policy::BlockKindName(key.kind)).c_str(), block.subject.c_str(),
                 std::string(core::ReasonName(block.reason)).c_str(),
                 std::string(policy::BlockScopeName(block.scope)).c_str(),
                 static_cast<long long>((block.expires - block.created) / core::kSecond),
                 block.offenses);
    store_.BlockSet(key, block);
  }
  void BlockRemoved(const policy::BlockKey& key) override {
    std::fprintf(stderr, "coastguard: unblock %s\n",
                 std::string(policy::BlockKindName(key.kind)).c_str());
    store_.BlockRemoved(key);
  }
  void AllowNetwork(const core::Cidr& cidr, bool added) override {
    store_.AllowNetwork(cidr, added);
  }
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override {
    store_.AllowLogin(login, subject, added);
  }

 private:
  store::StateStore& store_;
};

// What /metrics shows beside the engine's figures; filled in as the parts start.
struct Components {
  const store::StateStore* store = nullptr;
  const postfix::PolicyServer* postfix = nullptr;
  const http::Webhook* webhook = nullptr;
  const policy::Outbound* outbound = nullptr;
  const forms::FormGuard* forms = nullptr;
};

void Family(std::string& out, const char* name, const char* type, const char* help,
            uint64_t value) {
  http::Header(out, name, type, help);
  http::Sample(out, name, "", static_cast<double>(value));
}

void AppendServerMetrics(std::string& out, const Components& c) {
  const store::Journal& j = c.store->journal();
  Family(out, "coastguard_journal_bytes", "gauge", "Bytes in the journal since the last snapshot.",
         j.file_bytes());
  Family(out, "coastguard_journal_syncs_total", "counter", "Group commits (write + fdatasync).",
         j.syncs());
  Family(out, "coastguard_journal_errors_total", "counter", "Failed journal writes.", j.errors());
  Family(out, "coastguard_snapshots_total", "counter", "Snapshots written.", c.store->snapshots());
  if (c.postfix != nullptr) {
    const postfix::PolicyServerStats& p = c.postfix->stats();
    Family(out, "coastguard_postfix_requests_total", "counter", "Postfix policy requests answered.",
           p.requests);
    Family(out, "coastguard_postfix_malformed_total", "counter",
           "Malformed Postfix policy requests (connection closed).", p.malformed);
    Family(out, "coastguard_postfix_connections", "gauge", "Open Postfix policy connections.",
           c.postfix->open_connections());
  }
  if (c.forms != nullptr) {
    const forms::FormStats& f = c.forms->stats();
    http::Header(out, "coastguard_form_checks_total", "counter", "Form checks by verdict.");
    for (size_t a = 0; a < f.verdicts.size(); ++a) {
      const std::string label =
          core::Cat("verdict=\"", forms::FormActionName(static_cast<forms::FormAction>(a)), "\"");
      http::Sample(out, "coastguard_form_checks_total", label, static_cast<double>(f.verdicts[a]));
    }
    http::Header(out, "coastguard_form_reasons_total", "counter",
                 "Form checks by reason (one check may have several).");
    for (size_t r = 0; r < f.reasons.size(); ++r) {
      if (f.reasons[r] == 0) continue;
      const std::string label =
          core::Cat("reason=\"", forms::FormReasonName(static_cast<forms::FormReason>(r)), "\"");
      http::Sample(out, "coastguard_form_reasons_total", label, static_cast<double>(f.reasons[r]));
    }
    Family(out, "coastguard_form_campaigns_total", "counter", "Form campaigns found.", f.campaigns);
    Family(out, "coastguard_form_memory_bytes", "gauge", "Bytes held by the form guard's tables.",
           c.forms->MemoryBytes());
    Family(out, "coastguard_form_evictions_total", "counter",
           "Entries evicted from the form guard's full tables.", c.forms->Evictions());
  }
  if (c.outbound != nullptr) {
    Family(out, "coastguard_outbound_accounts", "gauge", "Accounts with sending counters.",
           c.outbound->accounts());
  }
  if (c.webhook != nullptr) {
    const http::WebhookStats& w = c.webhook->stats();
    Family(out, "coastguard_webhook_sent_total", "counter", "Webhook posts answered 2xx.", w.sent);
    Family(out, "coastguard_webhook_failed_total", "counter",
           "Webhook posts refused, timed out or answered otherwise.", w.failed);
    Family(out, "coastguard_webhook_dropped_total", "counter", "Webhook posts dropped, queue full.",
           w.dropped);
  }
}

}  // namespace

int ServeCommand(int argc, char** argv) {
  Args args(argc, argv);
  if (args.Flag("--help") || args.Flag("-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string config_path = args.Value("--config");
  const std::string listen_flag = args.Value("--listen");
  const std::string data_dir_flag = args.Value("--data-dir");
  const std::string demo_dir = args.Value("--demo");
  if (!args.positional().empty() || !args.error().empty()) {
    std::fprintf(stderr, "%s\n%s", args.error().c_str(), kUsage);
    return 2;
  }

  policy::Config config;
  if (!config_path.empty()) {
    auto loaded = policy::LoadConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", std::string(loaded.status().message()).c_str());
      return 2;
    }
    config = *loaded;
  }
  if (!listen_flag.empty()) config.server.listen = listen_flag;
  if (!data_dir_flag.empty()) config.server.data_dir = data_dir_flag;

  http::HttpSettings http_settings;
  if (!ParseListen(config.server.listen, &http_settings.address, &http_settings.port)) {
    std::fprintf(stderr, "coastguard: bad listen address '%s' (want HOST:PORT)\n",
                 config.server.listen.c_str());
    return 2;
  }
  http_settings.max_body_bytes = config.server.max_body_bytes;
  http_settings.max_connections = config.server.max_connections;

  store::StateStore store(config.server.data_dir);
  if (absl::Status s = store.Open(); !s.ok()) {
    std::fprintf(stderr, "coastguard: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::string admin_token = config.server.admin_token;
  if (admin_token.empty()) {
    auto token = store.AdminToken();
    if (!token.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", std::string(token.status().message()).c_str());
      return 1;
    }
    admin_token = *token;
  }

  policy::Engine engine(config.engine, store.seed());
  auto loaded = store.Load(engine);
  if (!loaded.ok()) {
    std::fprintf(stderr, "coastguard: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  LoggingSink sink(store);
  engine.set_sink(&sink);

  io::EventLoop loop;
  http::Metrics metrics;
  Components components{&store};
  http::Api api(engine, config.server,
                http::Credentials{admin_token, config.server.dovecot_api_key,
                                  config.server.dovecot_basic_auth},
                metrics, [&components](std::string& out) { AppendServerMetrics(out, components); });
  // Tokens and challenges are signed with the configured secret, else with a key derived from
  // this installation's admin token (stable across restarts, different for every install).
  forms::FormGuard form_guard(config.forms,
                              config.forms.secret.empty()
                                  ? core::HmacSha256Hex(admin_token, "coastguard form key")
                                  : config.forms.secret,
                              store.seed());
  if (!config.forms.disposable_domains_file.empty()) {
    if (absl::Status s = form_guard.disposable().Load(config.forms.disposable_domains_file);
        !s.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", core::Message(s).c_str());
      return 2;
    }
  }
  constexpr char kFormsLearned[] = "forms.learned";
  if (auto learned = store.ReadSideFile(kFormsLearned); learned.ok()) {
    if (absl::Status s = form_guard.ImportLearned(*learned, io::EventLoop::Now()); !s.ok()) {
      // Learning data, not security state: start afresh rather than refuse to start.
      std::fprintf(stderr, "coastguard: %s/%s: %s; the form guard starts without it\n",
                   config.server.data_dir.c_str(), kFormsLearned, core::Message(s).c_str());
    }
  }
  auto save_learned = [&] {
    if (absl::Status s = store.WriteSideFile(kFormsLearned, form_guard.ExportLearned()); !s.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", core::Message(s).c_str());
    }
  };
  api.set_forms(&form_guard);
  components.forms = &form_guard;
  http::FormDemo demo(form_guard);
  if (!demo_dir.empty()) {
    if (absl::Status s = demo.Load(demo_dir); !s.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", core::Message(s).c_str());
      return 2;
    }
    api.set_demo([&demo](const http::Request& r) { return demo.Handle(r); });
  }
  http::HttpServer server(http_settings, [&api](const http::Request& r) { return api.Handle(r); });
  std::string error;
  if (!server.Start(loop, &error)) {
    std::fprintf(stderr, "coastguard: %s\n", error.c_str());
    return 1;
  }
  policy::Outbound outbound(config.outbound, engine);
  http::Webhook webhook({config.outbound.webhook_url, config.outbound.webhook_secret});
  if (!config.outbound.webhook_url.empty()) {
    if (absl::Status s = webhook.Start(loop); !s.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", std::string(s.message()).c_str());
      return 2;
    }
  }
  outbound.set_on_hold([&](const policy::HoldEvent& e) {
    std::fprintf(stderr, "coastguard: hold account=%s queue_id=%s reason=%s evidence=\"%s\"\n",
                 e.account.c_str(), e.queue_id.empty() ? "-" : e.queue_id.c_str(),
                 std::string(core::ReasonName(e.reason)).c_str(), e.evidence.c_str());
    if (!config.outbound.webhook_url.empty()) {
      webhook.Post(nlohmann::json{
          {"event", "hold"},
          {"ts", static_cast<double>(e.ts) / core::kSecond},
          {"account", e.account},
          {"queue_id", e.queue_id},
          {"reason", core::ReasonName(e.reason)},
          {"evidence",
           e.evidence}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  });
  form_guard.set_on_campaign([&](const forms::CampaignEvent& e) {
    std::fprintf(stderr,
                 "coastguard: form campaign form=%s reason=%s key=\"%s\" recipients=%u "
                 "earlier_accepted=%zu\n",
                 e.form.c_str(), std::string(forms::FormReasonName(e.reason)).c_str(),
                 e.key.c_str(), e.recipients, e.earlier_ids.size());
    if (!config.outbound.webhook_url.empty()) {
      webhook.Post(nlohmann::json{{"event", "form_campaign"},
                                  {"ts", static_cast<double>(e.ts) / core::kSecond},
                                  {"form", e.form},
                                  {"reason", forms::FormReasonName(e.reason)},
                                  {"key", e.key},
                                  {"recipients", e.recipients},
                                  {"earlier_ids", e.earlier_ids}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  });
  postfix::PolicyServerSettings postfix_settings;
  postfix_settings.unix_path = config.server.postfix_socket;
  postfix_settings.max_connections = config.server.postfix_max_connections;
  postfix_settings.address.clear();
  if (!config.server.postfix_listen.empty() &&
      !ParseListen(config.server.postfix_listen, &postfix_settings.address,
                   &postfix_settings.port)) {
    std::fprintf(stderr, "coastguard: bad [postfix] listen '%s' (want HOST:PORT)\n",
                 config.server.postfix_listen.c_str());
    return 2;
  }
  postfix::PolicyServer postfix_server(
      postfix_settings, [&outbound](const postfix::PolicyRequest& r, int64_t now) -> std::string {
        const auto ip = core::IpAddress::Parse(r.client_address);
        const policy::OutboundMessage m{now, r.sasl_username, ip ? *ip : core::IpAddress(),
                                        r.sender, r.queue_id};
        core::Verdict v;
        if (r.protocol_state == "RCPT") {
          v = outbound.CheckRecipient(m, r.recipient);
        } else if (r.protocol_state == "END-OF-MESSAGE") {
          v = outbound.CheckMessage(m);
        }
        return std::string(outbound.PostfixAction(v));
      });
  components.outbound = &outbound;
  if (!config.outbound.webhook_url.empty()) components.webhook = &webhook;
  if (!postfix_settings.address.empty() || !postfix_settings.unix_path.empty()) {
    components.postfix = &postfix_server;
    if (!postfix_server.Start(loop, &error)) {
      std::fprintf(stderr, "coastguard: %s\n", error.c_str());
      return 1;
    }
  }
  loop.Every(5 * core::kMinute, save_learned);
  loop.Every(core::kSecond, [&] {
    engine.Maintain(io::EventLoop::Now());
    store.MaybeCompact(engine, 0);
  });

  g_loop = &loop;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::fprintf(stderr,
               "coastguard: restored %llu familiarity entries, %llu blocks, %llu allow entries "
               "in %.2fs from %s\n",
               static_cast<unsigned long long>(loaded->familiarity),
               static_cast<unsigned long long>(loaded->blocks),
               static_cast<unsigned long long>(loaded->allows), loaded->seconds,
               config.server.data_dir.c_str());
  if (!postfix_settings.address.empty()) {
    std::fprintf(stderr, "coastguard: Postfix policy on %s:%u\n", postfix_settings.address.c_str(),
                 static_cast<unsigned>(postfix_server.port()));
  }
  if (!postfix_settings.unix_path.empty()) {
    std::fprintf(stderr, "coastguard: Postfix policy on unix:%s\n",
                 postfix_settings.unix_path.c_str());
  }
  std::fprintf(stderr,
               "coastguard: listening on %s:%u (HTTP: Dovecot auth policy, /v1, /metrics)\n",
               http_settings.address.c_str(), static_cast<unsigned>(server.port()));
  if (!demo_dir.empty()) {
    std::fprintf(stderr, "coastguard: contact-form demo at http://%s:%u/demo/\n",
                 http_settings.address.c_str(), static_cast<unsigned>(server.port()));
  }
  std::fflush(stderr);
  loop.Run();
  g_loop = nullptr;
  std::fprintf(stderr, "coastguard: stopping\n");
  save_learned();
  store.Stop();
  return 0;
}

}  // namespace coastguard::server
