#include "forms/names.h"

#include <gtest/gtest.h>

namespace coastguard::forms {
namespace {

TEST(NameCheckerTest, HonestNamesInAnyScriptPass) {
  NameChecker names;
  for (const char* name :
       {"Zoë",    "José-María",        "O'Brien",   "Nguyễn Văn An",   "李雷",
        "Ørjan",  "Αλέξανδρος",        "Олександр", "Anna Müller",     "山田 太郎",
        "محمد",   "Søren Kierkegaard", "François",  "Jean-Luc Picard", "Dvořák",
        "Łukasz", "Ahmed Ali",         "김민준",    "Dr. Smith",       "Mary Ann"}) {
    EXPECT_FALSE(names.Suspicious(name)) << name;
  }
}

TEST(NameCheckerTest, MixedScriptLookAlikesAreSuspicious) {
  NameChecker names;
  EXPECT_TRUE(names.Suspicious("P\xD0\xB0ypal"));    // Cyrillic а in a Latin word
  EXPECT_TRUE(names.Suspicious("J\xCE\xBFhn"));      // Greek ο
  EXPECT_TRUE(names.Suspicious("Bob\xE2\x80\x8B"));  // zero-width space
  EXPECT_TRUE(names.Suspicious("Ivan \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"));  // Latin + Cyrillic
  EXPECT_TRUE(names.Suspicious("\xFF\xFE not UTF-8"));
}

TEST(NameCheckerTest, FoldTurnsStyledLettersPlain) {
  NameChecker names;
  EXPECT_EQ(names.Fold("ＡＢＣ"), "abc");
  EXPECT_EQ(names.Fold("Zoë"), "zoë");
}

}  // namespace
}  // namespace coastguard::forms
