#include "server/ctl_command.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "ctl/ctl.h"
#include "server/args.h"
#include "server/serve_command.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard ctl [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--json]\n"
    "                      [--url URL] [--token-file FILE] SUBCOMMAND ...\n"
    "\n"
    "  status                              attack mode, blocks in force, held accounts\n"
    "  explain login|ip VALUE              why a login or address is treated as it is\n"
    "  block ip|network|login VALUE [--ttl 1h] [--reason TEXT]\n"
    "  unblock ip|network|login VALUE      exit 1 if it was not blocked\n"
    "  allow [--remove] ip|network|login VALUE   (alone: list the allow list)\n"
    "  suspects                            accounts whose mail is held\n"
    "  release LOGIN                       clear the suspicion (exit 1 if none)\n"
    "  top [N]                             the N most persistent blocks in force\n"
    "\n"
    "The daemon and its admin token are found as serve finds them: --config and --data-dir\n"
    "(token in [server] admin_token, else <data_dir>/admin_token), or --url and --token-file.\n"
    "--json prints the API's JSON. Exit codes: 0 done, 1 nothing matched, 2 usage, 3 no answer\n"
    "from the daemon, 4 token refused, 5 the daemon answered with an error.\n";

}  // namespace

int CtlCommand(int argc, char** argv) {
  Args args(argc, argv);
  if (args.Flag("--help") || args.Flag("-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const bool json = args.Flag("--json");
  const std::string config_path = args.Value("--config");
  const std::string data_dir = args.Value("--data-dir");
  const std::string listen = args.Value("--listen");
  std::string url = args.Value("--url");
  const std::string token_file = args.Value("--token-file");
  // Subcommand options (--ttl, --reason, --remove) belong to the subcommand: they are taken
  // out before the positional check and handed back.
  std::vector<std::string> rest;
  const std::string ttl = args.Value("--ttl");
  const std::string reason = args.Value("--reason");
  const bool remove = args.Flag("--remove");
  const std::vector<std::string>& positional = args.positional();
  if (!args.error().empty() || positional.empty()) {
    std::fprintf(stderr, "%s%s", args.error().empty() ? "" : (args.error() + "\n").c_str(), kUsage);
    return ctl::kUsage;
  }
  rest = positional;
  if (remove) rest.insert(rest.begin() + 1, "--remove");
  if (!ttl.empty()) rest.insert(rest.end(), {"--ttl", ttl});
  if (!reason.empty()) rest.insert(rest.end(), {"--reason", reason});

  auto config = LoadServeConfig(config_path, listen, data_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "coastguard ctl: %s\n", std::string(config.status().message()).c_str());
    return ctl::kUsage;
  }
  if (url.empty()) {
    const std::string& l = config->http.listen;
    // A daemon listening on every address is reached on loopback.
    std::string host_port = l;
    if (host_port.rfind("0.0.0.0:", 0) == 0) host_port = "127.0.0.1" + host_port.substr(7);
    if (host_port.rfind("[::]:", 0) == 0) host_port = "[::1]" + host_port.substr(4);
    url = "http://" + host_port;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string token = config->http.admin_token;
  const std::string path =
      !token_file.empty() ? token_file : config->store.data_dir + "/admin_token";
  if (token.empty() || !token_file.empty()) {
    std::ifstream in(path);
    if (!std::getline(in, token) || token.empty()) {
      std::fprintf(stderr, "coastguard ctl: cannot read the admin token from %s\n", path.c_str());
      return ctl::kRefused;
    }
  }
  return ctl::Run(rest, ctl::AdminClient(url, token), json, stdout, stderr);
}

}  // namespace coastguard::server
