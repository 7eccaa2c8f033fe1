#include "io/journal_follower.h"

#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/log.h"
#include "core/text.h"

namespace coastguard::io {
namespace {

// A field's value ("MESSAGE=..." -> "..."), or empty.
std::string_view Field(sd_journal* j, const char* name) {
  const void* data = nullptr;
  size_t length = 0;
  if (sd_journal_get_data(j, name, &data, &length) < 0) return {};
  std::string_view field(static_cast<const char*>(data), length);
  const size_t eq = field.find('=');
  return eq == std::string_view::npos ? std::string_view() : field.substr(eq + 1);
}

constexpr int kEntriesPerPoll = 10000;

}  // namespace

JournalFollower::JournalFollower(EventLoop& loop, std::string unit, std::string directory,
                                 std::string cursor_path, OnLine on_line)
    : loop_(loop),
      unit_(std::move(unit)),
      directory_(std::move(directory)),
      cursor_path_(std::move(cursor_path)),
      on_line_(std::move(on_line)) {}

JournalFollower::~JournalFollower() {
  if (fd_ >= 0) loop_.Unwatch(fd_);
  if (journal_ != nullptr) sd_journal_close(journal_);
}

absl::Status JournalFollower::Start() {
  const int r = directory_.empty() ? sd_journal_open(&journal_, SD_JOURNAL_LOCAL_ONLY)
                                   : sd_journal_open_directory(&journal_, directory_.c_str(), 0);
  if (r < 0) {
    return absl::UnavailableError(core::Cat("logs: journal", directory_.empty() ? "" : " in ",
                                            directory_, ": ", std::strerror(-r)));
  }
  const std::string match = "_SYSTEMD_UNIT=" + unit_;
  if (sd_journal_add_match(journal_, match.data(), match.size()) < 0) {
    return absl::InvalidArgumentError(core::Cat("logs: bad journal unit '", unit_, "'"));
  }
  std::ifstream in(cursor_path_);
  std::getline(in, cursor_);
  bool positioned = false;
  if (!cursor_.empty() && sd_journal_seek_cursor(journal_, cursor_.c_str()) >= 0 &&
      sd_journal_next(journal_) > 0) {
    // On the entry the cursor names, which was read before; or the first after it if that
    // entry is gone (vacuumed), which was not.
    if (sd_journal_test_cursor(journal_, cursor_.c_str()) <= 0) {
      sd_journal_previous(journal_);
    }
    positioned = true;
  }
  if (!positioned) {
    // No cursor yet: from the end, as a new file is read from its end.
    sd_journal_seek_tail(journal_);
    sd_journal_previous(journal_);
  }
  fd_ = sd_journal_get_fd(journal_);
  if (fd_ >= 0) {
    const int events = sd_journal_get_events(journal_);
    loop_.Watch(fd_, static_cast<uint32_t>(events < 0 ? 0x001 : events),
                [this](uint32_t) { Poll(); });
  } else {
    core::Log(core::Cat("logs: journal of ", unit_, " is checked once a second (",
                        std::strerror(-fd_), ")"));
  }
  Poll();
  return absl::OkStatus();
}

void JournalFollower::Poll() {
  if (journal_ == nullptr) return;
  sd_journal_process(journal_);  // notices new and rotated journal files
  int n = 0;
  for (; n < kEntriesPerPoll && sd_journal_next(journal_) > 0; ++n) {
    const std::string_view message = Field(journal_, "MESSAGE");
    if (message.empty()) continue;
    std::string_view identifier = Field(journal_, "SYSLOG_IDENTIFIER");
    if (identifier.empty()) identifier = Field(journal_, "_COMM");
    const std::string_view pid = Field(journal_, "_PID");
    line_.clear();
    line_.append(identifier);
    if (!pid.empty()) {
      line_ += '[';
      line_.append(pid);
      line_ += ']';
    }
    line_ += ": ";
    line_.append(message);
    ++entries_;
    on_line_(line_);
  }
  if (n > 0) {
    // Still on the last entry read (sd_journal_next at the end does not move).
    char* cursor = nullptr;
    if (sd_journal_get_cursor(journal_, &cursor) >= 0) {
      cursor_ = cursor;
      dirty_ = true;
      free(cursor);  // NOLINT(cppcoreguidelines-no-malloc): libsystemd's allocation
    }
  }
  if (n == kEntriesPerPoll) loop_.Soon([this] { Poll(); });
}

void JournalFollower::Save() {
  if (!dirty_) return;
  const std::string temp = cursor_path_ + ".tmp";
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) return;
  const bool ok = std::fputs((cursor_ + "\n").c_str(), out) >= 0 && std::fflush(out) == 0 &&
                  fsync(fileno(out)) == 0;
  std::fclose(out);
  if (ok && std::rename(temp.c_str(), cursor_path_.c_str()) == 0) dirty_ = false;
}

}  // namespace coastguard::io
