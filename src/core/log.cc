#include "core/log.h"

#include <unistd.h>

#include <string>

namespace coastguard::core {

void Log(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 13);
  out += "coastguard: ";
  out += line;
  out += '\n';
  // One write(2): stderr is unbuffered, and a line must not be split between writers.
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = write(STDERR_FILENO, out.data() + done, out.size() - done);
    if (n <= 0) return;  // nowhere to log to: never block or fail a decision over it
    done += static_cast<size_t>(n);
  }
}

}  // namespace coastguard::core
