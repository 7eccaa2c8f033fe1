#include "server/serve_command.h"

#include <csignal>
#include <cstdio>
#include <string>

#include "config/config.h"
#include "core/text.h"
#include "server/args.h"
#include "server/daemon.h"

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

Daemon* g_daemon = nullptr;

void OnSignal(int) {
  if (g_daemon != nullptr) g_daemon->Stop();
}

}  // namespace

absl::StatusOr<config::Config> LoadServeConfig(const std::string& config_path,
                                               const std::string& listen,
                                               const std::string& data_dir) {
  config::Config config;
  if (!config_path.empty()) {
    auto loaded = config::LoadConfigFile(config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(*loaded);
  }
  if (!listen.empty()) config.http.listen = listen;
  if (!data_dir.empty()) config.store.data_dir = data_dir;
  return config;
}

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
  auto config = LoadServeConfig(config_path, listen_flag, data_dir_flag);
  if (!config.ok()) {
    std::fprintf(stderr, "coastguard: %s\n", core::Message(config.status()).c_str());
    return 2;
  }
  Daemon daemon(std::move(*config), demo_dir);
  if (absl::Status s = daemon.Start(); !s.ok()) {
    std::fprintf(stderr, "coastguard: %s\n", core::Message(s).c_str());
    return absl::IsInvalidArgument(s) ? 2 : 1;
  }
  g_daemon = &daemon;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  daemon.Run();
  g_daemon = nullptr;
  return 0;
}

}  // namespace coastguard::server
