#pragma once

#include <cstdint>

namespace coastguard::core {

// Microseconds since the Unix epoch. Every decision takes `now` as a parameter: the live server
// stamps events with the clock, replay stamps them from the file, tests pass whatever they like.
using Timestamp = int64_t;
// A span of time in microseconds.
using Duration = int64_t;

inline constexpr Duration kMicrosecond = 1;
inline constexpr Duration kMillisecond = 1000;
inline constexpr Duration kSecond = 1000 * kMillisecond;
inline constexpr Duration kMinute = 60 * kSecond;
inline constexpr Duration kHour = 60 * kMinute;
inline constexpr Duration kDay = 24 * kHour;

// Whole seconds since the epoch, the granularity of stored per-key times (fits u32 until 2106).
inline constexpr uint32_t ToSeconds(Timestamp t) { return static_cast<uint32_t>(t / kSecond); }
inline constexpr Timestamp FromSeconds(uint32_t s) { return static_cast<Timestamp>(s) * kSecond; }

}  // namespace coastguard::core
