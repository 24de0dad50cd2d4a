#include <gtest/gtest.h>

#include "util/timestamps.hpp"

using larder::parse_time_ns;

TEST(Timestamps, ReadsUnixSeconds) {
  EXPECT_EQ(parse_time_ns("0"), 0);
  EXPECT_EQ(parse_time_ns("1767225600"), 1767225600LL * 1000000000);
  EXPECT_EQ(parse_time_ns("1767225600.25"), 1767225600LL * 1000000000 + 250000000);
  EXPECT_EQ(parse_time_ns("1.123456789999"), 1123456789LL);
}

TEST(Timestamps, ReadsRfc3339WithEveryZoneForm) {
  const int64_t new_year = 1767225600LL * 1000000000;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(parse_time_ns("2026-01-01T00:00:00Z"), new_year);
  EXPECT_EQ(parse_time_ns("2026-01-01t00:00:00z"), new_year);
  EXPECT_EQ(parse_time_ns("2026-01-01 00:00:00Z"), new_year);
  EXPECT_EQ(parse_time_ns("2026-01-01T01:30:00+01:30"), new_year);
  EXPECT_EQ(parse_time_ns("2025-12-31T23:00:00-01:00"), new_year);
  EXPECT_EQ(parse_time_ns("2026-01-01T00:00:00.5Z"), new_year + 500000000);
  EXPECT_EQ(parse_time_ns("2024-02-29T00:00:00Z"), 1709164800LL * 1000000000);
}

TEST(Timestamps, RefusesWhatIsNeither) {
  for (const char* text :
       {"", ".", "1.", "-1", "12a", "yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+1:00",
        "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00ZZ", "99999999999999999999", "2999-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z"}) {
    EXPECT_FALSE(parse_time_ns(text).has_value()) << text;
  }
}
