#include "replay/line_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace coastguard::replay {
namespace {

struct Read {
  std::vector<std::string> lines;  // "<too long>" for a line over the bound
  bool ok = false;
};

Read ReadAll(const std::string& data) {
  std::FILE* in = std::tmpfile();
  std::fwrite(data.data(), 1, data.size(), in);
  std::rewind(in);
  Read out;
  out.ok = ReadLines(in, [&](std::string_view line, bool too_long) {
    out.lines.emplace_back(too_long ? std::string("<too long>") : std::string(line));
  });
  std::fclose(in);
  return out;
}

TEST(ReadLines, LinesAcrossReadsCrlfAndALastLineWithoutNewline) {
  // Lines of every length around the reader's 1 MiB reads, so that some straddle them (a CR
  // and its LF too), and a last line without a newline.
  std::vector<std::string> expected;
  std::string data;
  size_t length = 1;
  while (data.size() < (3u << 20)) {
    std::string line(length, static_cast<char>('a' + expected.size() % 26));
    expected.push_back(line);
    data += line + (expected.size() % 3 == 0 ? "\r\n" : "\n");
    length = length * 3 + 7;
    if (length > (700u << 10)) length = 1;
  }
  expected.push_back("last");
  data += "last";
  const Read got = ReadAll(data);
  EXPECT_TRUE(got.ok);
  ASSERT_EQ(got.lines.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got.lines[i], expected[i]) << i;
}

TEST(ReadLines, ALineOverTheBoundIsReportedOnceAndSkipped) {
  const std::string data = "first\n" + std::string(kMaxLineBytes + 5, 'x') + "\nafter\n";
  const Read got = ReadAll(data);
  EXPECT_TRUE(got.ok);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"first", "<too long>", "after"}));
}

}  // namespace
}  // namespace coastguard::replay
