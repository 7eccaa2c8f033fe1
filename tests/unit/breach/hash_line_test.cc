#include "breach/hash_line.h"

#include <gtest/gtest.h>

#include <string>

namespace coastguard::breach {
namespace {

std::string Hex(const HashEntry& entry) {
  std::string out;
  AppendHexNibbles(entry.bytes.data(), 0, 2 * HashBytes(entry.kind), out);
  return out;
}

TEST(HashLine, ReadsSha1WithCountInEitherCaseAndLineEnding) {
  HashEntry entry;
  ASSERT_EQ(ParseHashLine("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n", std::nullopt,
                          std::nullopt, &entry),
            LineProblem::kNone);
  EXPECT_EQ(entry.kind, HashKind::kSha1);
  EXPECT_EQ(entry.count, 10434004u);
  EXPECT_EQ(Hex(entry), "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
  EXPECT_EQ(entry.Key() >> 44, 0x5BAA6u);
  HashEntry lower;
  ASSERT_EQ(ParseHashLine("5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8:3", std::nullopt, std::nullopt,
                          &lower),
            LineProblem::kNone);
  EXPECT_EQ(lower.bytes, entry.bytes);
  EXPECT_EQ(lower.count, 3u);
}

TEST(HashLine, ReadsNtlmAndBareHashes) {
  HashEntry entry;
  ASSERT_EQ(ParseHashLine("8846F7EAEE8FB117AD06BDD830B7586C", std::nullopt, std::nullopt, &entry),
            LineProblem::kNone);
  EXPECT_EQ(entry.kind, HashKind::kNtlm);
  EXPECT_EQ(entry.count, 1u);
  EXPECT_EQ(Hex(entry), "8846F7EAEE8FB117AD06BDD830B7586C");
}

TEST(HashLine, PerPrefixFilesCarryOnlyTheSuffix) {
  HashEntry entry;
  ASSERT_EQ(ParseHashLine("1E4C9B93F3F0682250B6CF8331B7EE68FD8:7", 0x5BAA6, std::nullopt, &entry),
            LineProblem::kNone);
  EXPECT_EQ(Hex(entry), "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
  ASSERT_EQ(ParseHashLine("7EAEE8FB117AD06BDD830B7586C:2", 0x8846F, std::nullopt, &entry),
            LineProblem::kNone);
  EXPECT_EQ(entry.kind, HashKind::kNtlm);
  EXPECT_EQ(Hex(entry), "8846F7EAEE8FB117AD06BDD830B7586C");
}

TEST(HashLine, NamesWhatIsWrongWithABadLine) {
  HashEntry entry;
  EXPECT_EQ(ParseHashLine("\r\n", std::nullopt, std::nullopt, &entry), LineProblem::kBlank);
  EXPECT_EQ(ParseHashLine("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDX:1", std::nullopt, std::nullopt,
                          &entry),
            LineProblem::kNotHex);
  EXPECT_EQ(ParseHashLine("5BAA61E4:1", std::nullopt, std::nullopt, &entry), LineProblem::kLength);
  EXPECT_EQ(ParseHashLine("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:", std::nullopt, std::nullopt,
                          &entry),
            LineProblem::kBadCount);
  EXPECT_EQ(ParseHashLine("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:99999999999", std::nullopt,
                          std::nullopt, &entry),
            LineProblem::kBadCount);
  EXPECT_EQ(ParseHashLine("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1x", std::nullopt, std::nullopt,
                          &entry),
            LineProblem::kBadCount);
  EXPECT_EQ(
      ParseHashLine("8846F7EAEE8FB117AD06BDD830B7586C:1", std::nullopt, HashKind::kSha1, &entry),
      LineProblem::kWrongKind);
}

TEST(HashLine, PrefixesAreFiveHexDigits) {
  EXPECT_EQ(ParsePrefix("5baa6"), 0x5BAA6u);
  EXPECT_EQ(ParsePrefix("FFFFF"), 0xFFFFFu);
  EXPECT_FALSE(ParsePrefix("5BAA"));
  EXPECT_FALSE(ParsePrefix("5BAA61"));
  EXPECT_FALSE(ParsePrefix("5BAAG"));
}

}  // namespace
}  // namespace coastguard::breach
