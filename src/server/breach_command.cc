#include "server/breach_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "breach/database.h"
#include "breach/importer.h"
#include "core/text.h"
#include "server/args.h"
#include "server/serve_command.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard breach import [--db DIR] [--update] [--filter-only | --no-filter]\n"
    "                                [--config FILE] [--data-dir DIR] FILE|DIR|-...\n"
    "       coastguard breach query [--db DIR] [--filter] [--ntlm] < hashes\n"
    "\n"
    "import  reads Have I Been Pwned's Pwned Passwords (HASH:COUNT lines, SHA-1 or NTLM;\n"
    "        one sorted file, or the downloader's one-file-per-prefix directory; - reads\n"
    "        a sorted stream on stdin, e.g. straight from a decompressor) and\n"
    "        writes the exact store and the fuse filter into DIR, replacing what was\n"
    "        there atomically; a running `coastguard serve` picks it up within a second.\n"
    "        --update writes only what changed against the current store (a newer\n"
    "        download), --filter-only keeps just the filter (about 9 bits per hash).\n"
    "query   reads hex hashes, one per line, and writes HASH:COUNT (0 when absent);\n"
    "        --filter asks the filter only (1: maybe in, 0: certainly not).\n"
    "DIR defaults to [breach] db, else <data_dir>/breach, as `serve` finds them.\n";

std::string DatabaseDir(const std::string& db, const std::string& config_path,
                        const std::string& data_dir) {
  if (!db.empty()) return db;
  auto config = LoadServeConfig(config_path, "", data_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "coastguard breach: %s\n", core::Message(config.status()).c_str());
    return "";
  }
  return config->breach.db.empty() ? config->store.data_dir + "/breach" : config->breach.db;
}

void PrintProgress(uint64_t read, uint64_t total, uint64_t hashes, bool tty) {
  if (total == 0) {
    // Standard input, of unknown length: what was read so far, every 100 MB (1 GB in a log).
    static uint64_t last_step = 0;
    const uint64_t step = read / (tty ? 100'000'000 : 1'000'000'000);
    if (step == last_step) return;
    last_step = step;
    std::fprintf(stderr, "%simport: %.1f MB read from stdin, %.1f M hashes%s", tty ? "\r" : "",
                 read / 1e6, hashes / 1e6, tty ? "" : "\n");
    std::fflush(stderr);
    return;
  }
  static int last_percent = -1;
  const int percent = static_cast<int>(100.0 * read / total);
  if (percent == last_percent) return;
  if (!tty && percent % 10 != 0) return;
  last_percent = percent;
  std::fprintf(stderr, "%simport: %3d%%  %.1f of %.1f MB read, %.1f M hashes%s", tty ? "\r" : "",
               percent, read / 1e6, total / 1e6, hashes / 1e6, tty ? "" : "\n");
  std::fflush(stderr);
}

int Import(Args& args, const std::string& db) {
  breach::ImportOptions options;
  options.db_dir = db;
  options.update = args.Flag("--update");
  const bool filter_only = args.Flag("--filter-only");
  const bool no_filter = args.Flag("--no-filter");
  options.exact = !filter_only;
  options.filter = !no_filter;
  options.inputs = args.positional();
  if (!args.error().empty() || options.inputs.empty()) {
    std::fprintf(stderr, "%s\n%s", args.error().empty() ? "no input" : args.error().c_str(),
                 kUsage);
    return 2;
  }
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  options.progress = [tty](uint64_t read, uint64_t total, uint64_t hashes) {
    PrintProgress(read, total, hashes, tty);
  };
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<breach::ImportSummary> summary = breach::Import(options);
  if (tty) std::fputc('\n', stderr);
  if (!summary.ok()) {
    std::fprintf(stderr, "coastguard breach import: %s\n", core::Message(summary.status()).c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const breach::ImportSummary& s = *summary;
  for (const breach::BadLine& bad : s.named) {
    std::fprintf(stderr, "%s:%llu: %s\n", bad.file.c_str(),
                 static_cast<unsigned long long>(bad.line),
                 std::string(breach::LineProblemText(bad.problem)).c_str());
  }
  if (s.bad_lines > s.named.size()) {
    std::fprintf(stderr, "... and %llu more bad lines\n",
                 static_cast<unsigned long long>(s.bad_lines - s.named.size()));
  }
  const double per_hash = s.written == 0 ? 0 : 1.0 / static_cast<double>(s.written);
  std::fprintf(stderr,
               "imported %llu %s hashes from %llu files (%llu lines, %llu bad, %llu repeated%s) "
               "in %.1f s\nwrote %s: %llu entries, %.1f MB; exact part %.2f bytes/hash, filter "
               "%.2f bits/hash\n",
               static_cast<unsigned long long>(s.hashes),
               std::string(breach::HashKindName(s.kind)).c_str(),
               static_cast<unsigned long long>(s.files), static_cast<unsigned long long>(s.lines),
               static_cast<unsigned long long>(s.bad_lines),
               static_cast<unsigned long long>(s.duplicates), s.sorted ? "" : ", sorted on disk",
               seconds, s.path.c_str(), static_cast<unsigned long long>(s.written),
               s.file_bytes / 1e6, s.exact_bytes * per_hash, 8.0 * s.filter_bytes * per_hash);
  return 0;
}

int Query(Args& args, const std::string& db) {
  const bool filter = args.Flag("--filter");
  const bool ntlm = args.Flag("--ntlm");
  if (!args.positional().empty() || !args.error().empty()) {
    std::fprintf(stderr, "%s\n%s", args.error().c_str(), kUsage);
    return 2;
  }
  const breach::HashKind kind = ntlm ? breach::HashKind::kNtlm : breach::HashKind::kSha1;
  breach::Database database(db);
  database.Refresh();
  if (!database.available(kind)) {
    std::fprintf(stderr, "coastguard breach query: no %s store in %s\n",
                 std::string(breach::HashKindName(kind)).c_str(), db.c_str());
    return 1;
  }
  if (!filter && !database.has_range(kind)) {
    std::fprintf(stderr,
                 "coastguard breach query: the store in %s has no exact part (imported "
                 "with --filter-only); use --filter\n",
                 db.c_str());
    return 1;
  }
  // Its own buffer for std::cin, so that in_avail() says how much input is already waiting.
  std::ios::sync_with_stdio(false);
  // Hashes are looked up a block at a time, so that the reads of many lookups overlap.
  constexpr size_t kBlock = 4096;
  std::vector<breach::HashEntry> block;
  std::vector<breach::Lookup> found;
  std::string out;
  const auto answer = [&] {
    found.resize(block.size());
    if (filter) {
      // The filter alone, as a filter-only deployment would answer.
      database.MaybeContainsMany(kind, block, found);
    } else {
      database.FindMany(kind, block, found);
    }
    out.clear();
    for (size_t i = 0; i < block.size(); ++i) {
      breach::AppendHexNibbles(block[i].bytes.data(), 0, 2 * breach::HashBytes(kind), out);
      out += filter ? (found[i].found ? ":1\n" : ":0\n") : core::Cat(":", found[i].count, "\n");
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    block.clear();
  };
  std::string line;
  int status = 0;
  uint64_t number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    breach::HashEntry entry;
    const std::string hex = line.substr(0, line.find(':'));
    if (!line.empty() &&
        breach::ParseHashLine(hex, std::nullopt, kind, &entry) == breach::LineProblem::kNone) {
      block.push_back(entry);
    } else if (!line.empty()) {
      std::fprintf(stderr, "stdin:%llu: not a %s hash\n", static_cast<unsigned long long>(number),
                   std::string(breach::HashKindName(kind)).c_str());
      status = 1;
    }
    // A script that writes one hash and waits for its answer must get it: answer what has
    // been read whenever no more input is waiting.
    if (block.size() == kBlock || std::cin.rdbuf()->in_avail() <= 0) answer();
  }
  answer();
  return status;
}

}  // namespace

int BreachCommand(int argc, char** argv) {
  Args args(argc, argv);
  if (args.Flag("--help") || args.Flag("-h") || argc < 2) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  Args rest(argc - 1, argv + 1);
  const std::string db =
      DatabaseDir(rest.Value("--db"), rest.Value("--config"), rest.Value("--data-dir"));
  if (db.empty()) return 2;
  if (sub == "import") return Import(rest, db);
  if (sub == "query") return Query(rest, db);
  std::fprintf(stderr, "coastguard breach: unknown command '%s'\n%s", sub.c_str(), kUsage);
  return 2;
}

}  // namespace coastguard::server
