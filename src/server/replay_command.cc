#include "server/replay_command.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "config/config.h"
#include "core/text.h"
#include "forms/form_guard.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "replay/line_reader.h"
#include "replay/replayer.h"
#include "server/args.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard replay EVENTS.jsonl [--config FILE] [--decisions OUT.jsonl]\n"
    "                         [--summary-json FILE]\n"
    "\n"
    "Decides every event of EVENTS.jsonl (one JSON object per line, docs/replay.md) as the\n"
    "live server would, with time taken from each event's ts. Writes one decision line per\n"
    "event to --decisions (default: standard output) and a summary by label to standard\n"
    "error. Same input and config give byte-identical decisions. Use - to read stdin.\n";

constexpr size_t kMaxReportedErrors = 100;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int ReplayCommand(int argc, char** argv) {
  Args args(argc, argv);
  if (args.Flag("--help") || args.Flag("-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string config_path = args.Value("--config");
  const std::string decisions_path = args.Value("--decisions");
  const std::string summary_path = args.Value("--summary-json");
  const std::vector<std::string>& positional = args.positional();
  if (!args.error().empty() || positional.size() != 1) {
    std::fprintf(stderr, "%s%s", args.error().empty() ? "" : (args.error() + "\n").c_str(), kUsage);
    return 2;
  }
  const std::string events_path = positional[0];

  config::Config config;
  if (!config_path.empty()) {
    auto loaded = config::LoadConfigFile(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "coastguard replay: %s\n",
                   std::string(loaded.status().message()).c_str());
      return 2;
    }
    config = std::move(*loaded);
  }

  std::FILE* in = events_path == "-" ? stdin : std::fopen(events_path.c_str(), "rb");
  if (in == nullptr) {
    std::fprintf(stderr, "coastguard replay: %s: %s\n", events_path.c_str(), std::strerror(errno));
    return 2;
  }
  std::FILE* out = stdout;
  if (!decisions_path.empty()) {
    out = std::fopen(decisions_path.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "coastguard replay: %s: %s\n", decisions_path.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }

  policy::Engine engine(config.engine, replay::kSeed);
  engine.set_keep_recent(false);  // no explain API to show the ring to
  policy::Outbound outbound(config.outbound, engine);
  forms::FormGuard forms(config.forms, replay::FormKey(config.forms), replay::kSeed,
                         config.engine.memory_budget_mb << 20);
  if (absl::Status s = forms.LoadLists(); !s.ok()) {
    std::fprintf(stderr, "coastguard replay: %s\n", core::Message(s).c_str());
    return 2;
  }
  // Timed from here: deciding lines, not loading lists (the throwaway-domain list alone takes
  // tens of milliseconds).
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = ThreadCpuSeconds();
  replay::Replayer replayer(engine, &outbound, &forms);
  size_t line_no = 0;
  size_t errors = 0;
  std::string decisions;
  std::string error;
  const bool read = replay::ReadLines(in, [&](std::string_view line, bool too_long) {
    ++line_no;
    if (too_long) {
      replayer.Process("", /*padded=*/false, decisions, nullptr);
      error = "line longer than 16 MiB";
    } else {
      replayer.Process(line, /*padded=*/true, decisions, &error);
    }
    if (!error.empty() && ++errors <= kMaxReportedErrors) {
      std::fprintf(stderr, "%s:%zu: bad input: %s\n", events_path.c_str(), line_no, error.c_str());
    }
    if (decisions.size() > (1 << 20)) {
      std::fwrite(decisions.data(), 1, decisions.size(), out);
      decisions.clear();
    }
  });
  if (!read) {
    std::fprintf(stderr, "coastguard replay: %s: read error\n", events_path.c_str());
    return 1;
  }
  if (errors > kMaxReportedErrors) {
    std::fprintf(stderr, "%s: %zu bad lines in all\n", events_path.c_str(), errors);
  }
  std::fwrite(decisions.data(), 1, decisions.size(), out);
  if (in != stdin) std::fclose(in);
  if (out != stdout && std::fclose(out) != 0) {
    std::fprintf(stderr, "coastguard replay: %s: write failed\n", decisions_path.c_str());
    return 1;
  }
  std::fflush(stdout);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu_seconds = ThreadCpuSeconds() - cpu_started;
  std::fputs(replay::FormatSummary(replayer.summary(), engine).c_str(), stderr);
  // Per CPU-second is the figure that survives a busy machine; wall time is printed beside it.
  std::fprintf(stderr,
               "replay: %zu lines in %.3f s wall, %.3f s CPU (%.0f lines per CPU-second, one "
               "thread)\n",
               line_no, seconds, cpu_seconds, static_cast<double>(line_no) / cpu_seconds);
  if (!summary_path.empty()) {
    std::ofstream summary(summary_path);
    summary << replay::SummaryJson(replayer.summary(), engine) << "\n";
    if (!summary) {
      std::fprintf(stderr, "coastguard replay: %s: write failed\n", summary_path.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace coastguard::server
