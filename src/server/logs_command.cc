#include "server/logs_command.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "logs/event_json.h"
#include "logs/log_parser.h"
#include "replay/line_reader.h"
#include "server/args.h"

namespace coastguard::server {
namespace {

constexpr char kUsage[] =
    "usage: coastguard logs parse [--format NAME|auto] [--year YYYY] FILE...\n"
    "\n"
    "Reads mail server and webmail logs and writes one JSON event line (docs/replay.md) per\n"
    "recognised line, with \"line\" (1-based, within its file), \"source\" (the format) and,\n"
    "for a line that sums up several attempts, \"attempts\":\n"
    "  coastguard logs parse /var/log/mail.log | coastguard replay - --decisions out.jsonl\n"
    "Other lines produce nothing; a summary goes to standard error. Use - for standard input.\n"
    "Syslog dates have no year: --year gives it, else each file's modification time does.\n"
    "Formats (docs/logs.md): auto dovecot postfix exim courier cyrus sendmail uw-imap\n"
    "  solid-pop3d perdition domino kerio oracle-messaging assp roundcube horde squirrelmail\n"
    "  sogo openwebmail tine20 groupoffice\n";

}  // namespace

int LogsCommand(int argc, char** argv) {
  Args args(argc, argv);
  if (args.Flag("--help") || args.Flag("-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string format_name = args.Value("--format");
  const std::string year_text = args.Value("--year");
  std::vector<std::string> positional = args.positional();
  if (!args.error().empty() || positional.empty() || positional[0] != "parse" ||
      positional.size() < 2) {
    std::fprintf(stderr, "%s%s", args.error().empty() ? "" : (args.error() + "\n").c_str(), kUsage);
    return 2;
  }
  const auto format = logs::ParseFormatName(format_name.empty() ? "auto" : format_name);
  if (!format) {
    std::fprintf(stderr, "coastguard logs: unknown format '%s'\n%s", format_name.c_str(), kUsage);
    return 2;
  }
  int year = 0;
  if (!year_text.empty()) {
    char* end = nullptr;
    const long y = std::strtol(year_text.c_str(), &end, 10);
    if (*end != '\0' || y < 1970 || y > 9999) {
      std::fprintf(stderr, "coastguard logs: --year must be a year such as 2026\n");
      return 2;
    }
    year = static_cast<int>(y);
  }
  std::array<uint64_t, logs::kFormatCount> recognised{};
  uint64_t lines = 0;
  uint64_t undated = 0;
  uint64_t too_long = 0;
  uint64_t attempts = 0;
  int status = 0;
  std::string out;
  for (size_t i = 1; i < positional.size(); ++i) {
    const std::string& path = positional[i];
    std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (in == nullptr) {
      std::fprintf(stderr, "coastguard logs: %s: %s\n", path.c_str(), std::strerror(errno));
      status = 1;
      continue;
    }
    struct stat st {};
    core::Timestamp reference = static_cast<core::Timestamp>(std::time(nullptr)) * core::kSecond;
    if (in != stdin && fstat(fileno(in), &st) == 0) {
      reference = static_cast<core::Timestamp>(st.st_mtim.tv_sec) * core::kSecond;
    }
    logs::LogParser parser(*format, logs::Clock(year, reference));
    logs::LogEvent event;
    uint64_t line_no = 0;
    const bool read = replay::ReadLines(in, [&](std::string_view line, bool long_line) {
      ++line_no;
      if (long_line) {
        ++too_long;
        return;
      }
      if (!parser.Parse(line, &event)) return;
      logs::AppendEventJson(event, line_no, out);
      out.push_back('\n');
      attempts += event.attempts;
      if (out.size() > (1 << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    });
    if (in != stdin) std::fclose(in);
    if (!read) {
      std::fprintf(stderr, "coastguard logs: %s: read error\n", path.c_str());
      status = 1;
    }
    lines += parser.lines() + 0;
    undated += parser.undated();
    for (int f = 0; f < logs::kFormatCount; ++f) recognised[f] += parser.recognised()[f];
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "coastguard logs: write failed\n");
    return 1;
  }
  uint64_t total = 0;
  std::string by_format;
  for (int f = 0; f < logs::kFormatCount; ++f) {
    if (recognised[f] == 0) continue;
    total += recognised[f];
    by_format += " " + std::string(logs::FormatName(static_cast<logs::LogFormat>(f))) + "=" +
                 std::to_string(recognised[f]);
  }
  std::fprintf(stderr,
               "logs: %llu lines read, %llu recognised (%llu attempts)%s%s; %llu unreadable "
               "(%llu attempts without a timestamp, %llu lines over 16 MiB)\n",
               static_cast<unsigned long long>(lines + too_long),
               static_cast<unsigned long long>(total), static_cast<unsigned long long>(attempts),
               by_format.empty() ? "" : ":", by_format.c_str(),
               static_cast<unsigned long long>(undated + too_long),
               static_cast<unsigned long long>(undated), static_cast<unsigned long long>(too_long));
  return status;
}

}  // namespace coastguard::server
