// coastguard: one binary, subcommands. Wiring only; behaviour lives in the modules.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "server/breach_command.h"
#include "server/config_command.h"
#include "server/ctl_command.h"
#include "server/logs_command.h"
#include "server/replay_command.h"
#include "server/serve_command.h"

namespace {

constexpr char kUsage[] =
    "usage: coastguard <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve     run the policy server (Dovecot auth policy, native API)\n"
    "  replay    decide a file of events offline, as the server would\n"
    "  breach    import a breach corpus (Have I Been Pwned), query it\n"
    "  logs      read mail server and webmail logs as login attempts (logs parse)\n"
    "  ctl       the admin API from the command line: status, explain, block, release, ...\n"
    "  config    print the embedded defaults, check a config file, or print the\n"
    "            dovecot.conf lines for this coastguard\n"
    "  version   print the version\n"
    "\n"
    "Run 'coastguard <command> --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  try {
    if (command == "serve") return coastguard::server::ServeCommand(argc - 1, argv + 1);
    if (command == "replay") return coastguard::server::ReplayCommand(argc - 1, argv + 1);
    if (command == "breach") return coastguard::server::BreachCommand(argc - 1, argv + 1);
    if (command == "ctl") return coastguard::server::CtlCommand(argc - 1, argv + 1);
    if (command == "logs") return coastguard::server::LogsCommand(argc - 1, argv + 1);
    if (command == "config") return coastguard::server::ConfigCommand(argc - 1, argv + 1);
    if (command == "version" || command == "--version") {
      std::printf("coastguard %s\n", COASTGUARD_VERSION);
      return 0;
    }
  } catch (const std::exception& e) {
    // Startup only: the request path never throws.
    std::fprintf(stderr, "coastguard %s: fatal: %s\n", command.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "coastguard: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
