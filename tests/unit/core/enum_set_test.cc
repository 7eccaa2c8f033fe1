#include "core/enum_set.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace coastguard::core {
namespace {

enum class Colour : uint8_t { kRed, kGreen, kBlue, kGrey, kCount = 40 };

TEST(EnumSet, ListsItsMembersInEnumOrderAndNothingElse) {
  EnumSet<Colour, uint64_t> set;
  std::vector<Colour> seen;
  set.ForEach([&](Colour c) { seen.push_back(c); });
  EXPECT_TRUE(seen.empty());
  set.Add(Colour::kGrey);
  set.Add(Colour::kRed);
  set.Add(static_cast<Colour>(39));  // the highest value a set of this enum holds
  set.Add(Colour::kRed);
  set.ForEach([&](Colour c) { seen.push_back(c); });
  EXPECT_EQ(seen, (std::vector<Colour>{Colour::kRed, Colour::kGrey, static_cast<Colour>(39)}));
  EXPECT_TRUE(set.Has(Colour::kGrey));
  EXPECT_FALSE(set.Has(Colour::kBlue));
}

}  // namespace
}  // namespace coastguard::core
