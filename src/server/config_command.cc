#include "server/config_command.h"

#include <cstdio>
#include <string>

#include "config/config.h"
#include "core/text.h"
#include "http/dovecot_policy.h"
#include "io/host_port.h"
#include "nft/nftables.h"
#include "server/args.h"
#include "server/serve_command.h"
#include "store/state_store.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard config --defaults\n"
    "       coastguard config --check FILE\n"
    "       coastguard config dovecot [--config FILE] [--data-dir DIR] [--listen HOST:PORT]\n"
    "       coastguard config nftables [--config FILE]\n"
    "\n"
    "  --defaults    print the embedded defaults as TOML (what serve runs on with no file)\n"
    "  --check FILE  parse FILE and report the first error with its line, or 'ok'\n"
    "  dovecot       print the dovecot.conf lines that point Dovecot at this coastguard, with\n"
    "                its policy credentials ([dovecot] api_key or basic_auth, else the key in\n"
    "                <data_dir>/policy_key, created if missing); same options as serve\n"
    "  nftables      print the nft commands [firewall] runs at start (table, sets, rules)\n";

int Dovecot(int argc, char** argv) {
  Args args(argc, argv);
  const std::string config_path = args.Value("--config");
  const std::string listen = args.Value("--listen");
  const std::string data_dir = args.Value("--data-dir");
  if (!args.positional().empty() || !args.error().empty()) {
    std::fprintf(stderr, "%s\n%s", args.error().c_str(), kUsage);
    return 2;
  }
  auto config = LoadServeConfig(config_path, listen, data_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "coastguard: %s\n", core::Message(config.status()).c_str());
    return 2;
  }
  const auto address = io::ParseHostPort(config->http.listen);
  if (!address) {
    std::fprintf(stderr, "coastguard: bad listen address '%s'\n", config->http.listen.c_str());
    return 2;
  }
  http::DovecotConfig dovecot = config->dovecot;
  if (!dovecot.HasCredentials()) {
    auto key = store::ReadOrCreateSecret(config->store.data_dir, "policy_key");
    if (!key.ok()) {
      std::fprintf(stderr, "coastguard: %s\n", core::Message(key.status()).c_str());
      return 1;
    }
    dovecot.api_key = *key;
  }
  std::fputs(http::DovecotConfLines(address->host, address->port, dovecot).c_str(), stdout);
  return 0;
}

}  // namespace

int ConfigCommand(int argc, char** argv) {
  const std::string what = argc >= 2 ? argv[1] : "";
  if (what == "--defaults" && argc == 2) {
    std::fputs(config::DefaultConfigToml().c_str(), stdout);
    return 0;
  }
  if (what == "--check" && argc == 3) {
    const auto loaded = config::LoadConfigFile(argv[2]);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", core::Message(loaded.status()).c_str());
      return 1;
    }
    std::puts("ok");
    return 0;
  }
  if (what == "dovecot") return Dovecot(argc - 1, argv + 1);
  if (what == "nftables") {
    Args args(argc - 1, argv + 1);
    const std::string config_path = args.Value("--config");
    if (!args.error().empty() || !args.positional().empty()) {
      std::fputs(kUsage, stderr);
      return 2;
    }
    config::Config config;
    if (!config_path.empty()) {
      auto loaded = config::LoadConfigFile(config_path);
      if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", core::Message(loaded.status()).c_str());
        return 1;
      }
      config = std::move(*loaded);
    }
    const firewall::FirewallConfig& f = config.firewall;
    std::fputs(nft::SetupCommands({f.table, f.ports, f.remove_at_stop}).c_str(), stdout);
    return 0;
  }
  const bool help = what == "--help" || what == "-h";
  std::fputs(kUsage, help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace coastguard::server
