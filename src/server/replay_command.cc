#include "server/replay_command.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/text.h"
#include "forms/form_guard.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "replay/line_reader.h"
#include "replay/replayer.h"
#include "server/args.h"
#include "server/shared_replay.h"
#include "wire/event_line.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard replay EVENTS.jsonl [--config FILE] [--decisions OUT.jsonl]\n"
    "                         [--summary-json FILE] [--holds FILE]\n"
    "                         [--part K/N] [--shared [--node NAME]] [--pace X [--start-at T]]\n"
    "\n"
    "Decides every event of EVENTS.jsonl (one JSON object per line, docs/replay.md) as the\n"
    "live server would, with time taken from each event's ts. Writes one decision line per\n"
    "event to --decisions (default: standard output) and a summary by label to standard\n"
    "error. Same input and config give byte-identical decisions. Use - to read stdin.\n"
    "--holds writes the hold events (docs/postfix.md): one JSON line per message held, with\n"
    "the login evidence behind it, for a look at which accounts would be held and why.\n"
    "\n"
    "Several nodes (docs/cluster.md): --part K/N decides only lines K, K+N, K+2N, ... (from 0)\n"
    "and writes only their decisions. --shared makes this replay a node of the [shared] table\n"
    "of --config: it sends what it sees to the other replays on that Redis and counts what\n"
    "they saw (never point it at a production Redis). --pace X decides each line when its ts\n"
    "is due, X replayed seconds to a wall-clock second from --start-at T (epoch seconds;\n"
    "default: now), so that nodes started together keep the same replayed time. With --shared\n"
    "the decisions depend on the other nodes and on timing: they are not reproducible.\n";

// "K/N" with 0 <= K < N <= 1024.
bool ParsePart(const std::string& text, size_t* k, size_t* n) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  char* end = nullptr;
  const unsigned long long kk = std::strtoull(text.c_str(), &end, 10);
  if (end != text.c_str() + slash) return false;
  const unsigned long long nn = std::strtoull(text.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || nn == 0 || nn > 1024 || kk >= nn) return false;
  *k = kk;
  *n = nn;
  return true;
}

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
  const std::string holds_path = args.Value("--holds");
  const std::string part_text = args.Value("--part");
  const bool join = args.Flag("--shared");
  std::string node = args.Value("--node");
  const std::string pace_text = args.Value("--pace");
  const std::string start_text = args.Value("--start-at");
  const std::vector<std::string>& positional = args.positional();
  if (!args.error().empty() || positional.size() != 1) {
    std::fprintf(stderr, "%s%s", args.error().empty() ? "" : (args.error() + "\n").c_str(), kUsage);
    return 2;
  }
  const std::string events_path = positional[0];
  size_t part = 0, parts = 1;
  if (!part_text.empty() && !ParsePart(part_text, &part, &parts)) {
    std::fprintf(stderr, "coastguard replay: --part wants K/N with 0 <= K < N <= 1024\n");
    return 2;
  }
  if (!holds_path.empty() && holds_path == decisions_path) {
    std::fprintf(stderr, "coastguard replay: --holds and --decisions need different files\n");
    return 2;
  }
  const double pace = pace_text.empty() ? 0 : std::strtod(pace_text.c_str(), nullptr);
  if (!pace_text.empty() && !(pace > 0 && pace < 1e9)) {
    std::fprintf(stderr, "coastguard replay: --pace wants a positive number\n");
    return 2;
  }
  const double start_at = start_text.empty() ? 0 : std::strtod(start_text.c_str(), nullptr);
  if (!start_text.empty() && !(start_at > 0)) {
    std::fprintf(stderr, "coastguard replay: --start-at wants epoch seconds\n");
    return 2;
  }

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
  policy::Engine engine(config.engine, replay::kSeed);
  engine.set_keep_recent(false);  // no explain API to show the ring to
  policy::Outbound outbound(config.outbound, engine);
  forms::FormGuard forms(config.forms, replay::FormKey(config.forms), replay::kSeed,
                         config.engine.memory_budget_mb << 20);
  std::string lists_note;
  if (absl::Status s = forms.LoadLists(&lists_note); !s.ok()) {
    std::fprintf(stderr, "coastguard replay: %s\n", core::Message(s).c_str());
    return 2;
  }
  // Form decisions depend on it: say when there is no list, as the daemon's log does.
  if (forms.shorteners().size() == 0 && !lists_note.empty()) {
    std::fprintf(stderr, "coastguard replay: %s\n", lists_note.c_str());
  }
  std::unique_ptr<SharedReplay> shared;
  if (join) {
    if (!config.shared.enabled()) {
      std::fprintf(stderr, "coastguard replay: --shared needs a [shared] table in --config\n");
      return 2;
    }
    auto topology = redis::ResolveTopology(config.shared);
    if (!topology.ok()) {
      std::fprintf(stderr, "coastguard replay: %s\n", core::Message(topology.status()).c_str());
      return 2;
    }
    if (node.empty()) node = core::Cat("replay-", part, "-of-", parts);
    shared = std::make_unique<SharedReplay>(engine, config.shared, *topology, node);
    shared->ShareForms(forms);
    if (absl::Status s = shared->Join(5 * core::kSecond); !s.ok()) {
      std::fprintf(stderr, "coastguard replay: %s\n", core::Message(s).c_str());
      return 1;
    }
  }
  // The outputs are opened once everything above has worked: a failed start leaves the files
  // of an earlier run as they were. A write error shows at the close (ferror).
  std::FILE* out = stdout;
  if (!decisions_path.empty()) {
    out = std::fopen(decisions_path.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "coastguard replay: %s: %s\n", decisions_path.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  std::FILE* holds = nullptr;
  if (!holds_path.empty()) {
    holds = std::fopen(holds_path.c_str(), "wb");
    if (holds == nullptr) {
      std::fprintf(stderr, "coastguard replay: %s: %s\n", holds_path.c_str(), std::strerror(errno));
      return 2;
    }
    outbound.set_on_hold([holds](const policy::HoldEvent& e) {
      std::string line = policy::HoldEventJson(e);
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), holds);
    });
  }
  // Pacing: line ts is decided at wall0 + (ts - ts0) / pace (both in µs).
  wire::EventParser time_reader;
  core::Timestamp ts0 = -1;
  const core::Timestamp wall0 =
      start_at > 0 ? static_cast<core::Timestamp>(start_at * core::kSecond) : io::EventLoop::Now();
  core::Timestamp replayed_now = 0;
  auto replayed_clock = [&]() -> core::Timestamp {
    if (pace <= 0 || ts0 < 0) return replayed_now;
    const double elapsed = static_cast<double>(io::EventLoop::Now() - wall0) * pace;
    return ts0 + static_cast<core::Timestamp>(elapsed);
  };
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
    const bool mine = (line_no - 1) % parts == part;
    if ((pace > 0 && ts0 < 0) || (shared && mine)) {
      auto ts = too_long ? absl::StatusOr<core::Timestamp>(absl::InvalidArgumentError("long"))
                         : time_reader.ReadTime(line, /*padded=*/true);
      if (ts.ok()) {
        if (ts0 < 0) ts0 = *ts;
        replayed_now = std::max(replayed_now, *ts);
        if (pace > 0 && mine) {
          const core::Timestamp due =
              wall0 + static_cast<core::Timestamp>(static_cast<double>(*ts - ts0) / pace);
          for (core::Timestamp now = io::EventLoop::Now(); now < due; now = io::EventLoop::Now()) {
            if (shared) {
              shared->set_now(replayed_clock());
              shared->Pump(std::min<core::Duration>(due - now, 5 * core::kMillisecond));
            } else {
              std::this_thread::sleep_for(std::chrono::microseconds(due - now));
            }
          }
        }
      }
    }
    if (!mine) return;
    if (shared) {
      // What the other nodes sent meanwhile, before this line is decided.
      shared->set_now(replayed_clock());
      shared->Pump(0);
    }
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
  if (shared) shared->Drain(5 * core::kSecond);
  if (errors > kMaxReportedErrors) {
    std::fprintf(stderr, "%s: %zu bad lines in all\n", events_path.c_str(), errors);
  }
  std::fwrite(decisions.data(), 1, decisions.size(), out);
  if (in != stdin) std::fclose(in);
  // Closes a file written to; false (and a message) if any write to it failed.
  auto close_written = [](std::FILE* f, const std::string& path) {
    const bool failed = std::ferror(f) != 0;
    if (std::fclose(f) != 0 || failed) {
      std::fprintf(stderr, "coastguard replay: %s: write failed\n", path.c_str());
      return false;
    }
    return true;
  };
  bool written = out == stdout || close_written(out, decisions_path);
  if (holds != nullptr) written = close_written(holds, holds_path) && written;
  if (!written) return 1;
  std::fflush(stdout);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu_seconds = ThreadCpuSeconds() - cpu_started;
  std::fputs(replay::FormatSummary(replayer.summary(), engine).c_str(), stderr);
  if (shared) {
    const redis::SharedStats& st = shared->stats();
    std::fprintf(stderr,
                 "shared: %s: sent %llu records in %llu messages, received %llu records from "
                 "the others (%llu dropped)\n",
                 shared->Describe().c_str(), static_cast<unsigned long long>(st.published_records),
                 static_cast<unsigned long long>(st.published_messages),
                 static_cast<unsigned long long>(st.received_records),
                 static_cast<unsigned long long>(st.dropped_records));
  }
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
