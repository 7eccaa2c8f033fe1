#include "core/login.h"

#include <gtest/gtest.h>

#include "core/digest.h"
#include "core/text.h"
#include "core/verdict.h"

namespace coastguard::core {
namespace {

TEST(CanonicalLogin, TrimsAndFoldsCase) {
  EXPECT_EQ(*CanonicalLogin("  Alice@Example.COM\t", {}), "alice@example.com");
}

TEST(CanonicalLogin, KeepsCaseWhenConfigured) {
  EXPECT_EQ(*CanonicalLogin("Alice", LoginRules{false, ""}), "Alice");
}

TEST(CanonicalLogin, AppendsTheDefaultDomainToBareLocalParts) {
  const LoginRules rules{true, "Example.com"};
  EXPECT_EQ(*CanonicalLogin("alice", rules), "alice@example.com");
  EXPECT_EQ(*CanonicalLogin("alice@other.org", rules), "alice@other.org");
}

TEST(CanonicalLogin, RejectsEmptyOversizedAndControlCharacters) {
  EXPECT_FALSE(CanonicalLogin("   ", {}).ok());
  EXPECT_FALSE(CanonicalLogin(std::string(kMaxLoginBytes + 1, 'a'), {}).ok());
  EXPECT_FALSE(CanonicalLogin("ali\nce", {}).ok());
  EXPECT_FALSE(CanonicalLogin(std::string("ali\0ce", 6), {}).ok());
}

TEST(CanonicalLogin, IntoABufferReplacesWhatItHeld) {
  // The engine reuses one buffer for every attempt: a shorter login must not keep the tail of
  // a longer one, and a bare local part gets the default domain after it.
  std::string buffer = "someone.with.a.long.name@example.org";
  const LoginRules rules{true, "Example.com"};
  EXPECT_TRUE(CanonicalLoginInto(" Bob@Example.ORG ", rules, buffer).ok());
  EXPECT_EQ(buffer, "bob@example.org");
  EXPECT_TRUE(CanonicalLoginInto("Al", rules, buffer).ok());
  EXPECT_EQ(buffer, "al@example.com");
  const std::string with_delete = std::string("a") + '\x7f' + "b";
  EXPECT_EQ(CanonicalLoginInto(with_delete, rules, buffer).message(), "control character in login");
  EXPECT_EQ(CanonicalLoginInto(" ", rules, buffer).message(), "empty login");
}

TEST(Digest, DependsOnTheSeed) {
  EXPECT_EQ(Digest64("alice", 1), Digest64("alice", 1));
  EXPECT_NE(Digest64("alice", 1), Digest64("alice", 2));
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\nd");
  EXPECT_EQ(out, R"("a\"b\\c\u000ad")");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace coastguard::core
