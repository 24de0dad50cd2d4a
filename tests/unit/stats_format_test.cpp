#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cache/stats.hpp"
#include "cli/explain_format.hpp"
#include "cli/stats_format.hpp"

using namespace larder;

TEST(Stats, DirectHitsTravelThroughJsonAndAddUp) {
  cache::StatsCounters a;
  a.cache_hits = 3;
  a.direct_hits = 3;
  const auto json = cache::to_json(a);
  EXPECT_EQ(json["hits_by_kind"], nlohmann::json({{"direct", 3}}));
  cache::StatsCounters b = cache::stats_from_json(json);
  EXPECT_EQ(b.direct_hits, 3u);
  b.add(a);
  EXPECT_EQ(b.direct_hits, 6u);
  EXPECT_NE(cli::stats_as_text(b).find("  direct (no rustc run)      6\n"), std::string::npos);
  EXPECT_NE(cli::stats_as_openmetrics(b).find("larder_direct_hits_total 6\n"), std::string::npos);
}

TEST(StatsMarkdown, SlowestMissesWithReasonsAndNotCachedCrates) {
  cache::StatsCounters s;
  s.cache_misses = 2;
  s.not_cached["incremental"] = 1;
  explain::BuildRecord build;
  build.id = "b";
  build.events = {
      {1, "fast", explain::BuildOutcome::Miss, 0.5, "", {"never built with this cache"}, {}},
      {2,
       "slow",
       explain::BuildOutcome::Miss,
       2.25,
       "",
       {"argument --cfg a|b added", "src/lib.rs changed"},
       {"do this"}},
      {3, "inc", explain::BuildOutcome::NotCached, 0, "incremental", {}, {}},
      {4, "ok", explain::BuildOutcome::Hit, 0, "", {}, {}},
  };
  const std::string md = cli::stats_as_markdown(s, {build});
  EXPECT_NE(md.find("| `slow` | 2.25 s | argument --cfg a\\|b added; src/lib.rs changed (what to do: do this) |\n"
                    "| `fast` | 0.50 s | never built with this cache |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `incremental` | 1 | `inc` | incremental compilation is on"), std::string::npos) << md;
  EXPECT_EQ(cli::stats_as_markdown(s).find("Slowest misses"), std::string::npos);
}

TEST(ExplainText, GivesTheMedianTimePerHitWithAndWithoutWriting) {
  explain::BuildRecord build;
  build.id = "b1";
  build.events = {
      {1, "a", explain::BuildOutcome::Hit, 0.004, "", {}, {}, 0.001},
      {2, "b", explain::BuildOutcome::Hit, 0.002, "", {}, {}, 0.0015},
      {3, "c", explain::BuildOutcome::Hit, 0.010, "", {}, {}, 0.002},
      {4, "d", explain::BuildOutcome::Hit, 0, "", {}, {}},  // logged by a release that did not time hits
  };
  EXPECT_EQ(cli::explain_as_text(build, std::nullopt),
            "Latest build: 4 hits, 0 misses, 0 not cached, 0 failed\n"
            "larder's time per hit: median 4.00 ms, 3.00 ms without writing the outputs\n"
            "Every cacheable call was a hit: nothing to explain.\n");
  const auto json = nlohmann::json::parse(cli::explain_as_json(build, std::nullopt));
  EXPECT_DOUBLE_EQ(json["hit_ms"]["median"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(json["hit_ms"]["median_without_writes"].get<double>(), 3.0);
  EXPECT_EQ(json["hit_crates"], nlohmann::json({"a", "b", "c", "d"}));
}

TEST(ExplainText, GroupsNotCachedByReasonAndSortsMisses) {
  explain::BuildRecord build;
  build.events = {
      {1, "a", explain::BuildOutcome::Start, 0, "", {}, {}},
      {2, "a", explain::BuildOutcome::Miss, 0.1, "", {"a/src/lib.rs changed"}, {}},
      {3, "b", explain::BuildOutcome::Miss, 0.3, "", {"extern a changed (its own miss)"}, {}},
      {4, "c", explain::BuildOutcome::NotCached, 0, "incremental", {}, {}},
      {5, "d", explain::BuildOutcome::NotCached, 0, "incremental", {}, {}},
      {6, "e", explain::BuildOutcome::Hit, 0, "", {}, {}},
      {7, "f", explain::BuildOutcome::Failed, 0.2, "", {}, {}},
  };
  const std::string text = cli::explain_as_text(build, std::nullopt);
  EXPECT_EQ(text,
            "Latest build: 1 hits, 2 misses, 2 not cached, 1 failed\n\n"
            "Misses, slowest first:\n"
            "  b (0.30 s)\n    - extern a changed (its own miss)\n"
            "  a (0.10 s)\n    - a/src/lib.rs changed\n\n"
            "Not cached:\n"
            "  incremental (2 calls): c, d\n"
            "    incremental compilation is on (-C incremental): its state lives in target/ and cannot be shared\n"
            "    what to do: set CARGO_INCREMENTAL=0 in CI (the GitHub Action, GitLab component and buildspecs do)\n\n"
            "Failed (only clippy's denied lints are cached; other failures compile again):\n  f (0.20 s)\n");
  EXPECT_EQ(cli::explain_as_text(build, std::string("e")),
            "Latest build, crate e: 1 hits, 0 misses, 0 not cached, 0 failed\n"
            "Every cacheable call was a hit: nothing to explain.\n");
}

TEST(Stats, TiersCountCallsServedBesideObjectsSoTheyReconcileWithTheSummary) {
  cache::StatsCounters a;
  a.cache_hits = 5;
  auto& local = a.storage_for("local", "/cache");
  local.objects.hits = 10;  // a manifest and an entry per hit
  local.call_hits = 5;
  const auto json = cache::to_json(a);
  EXPECT_EQ(json["storage"][0]["call_hits"], 5);
  EXPECT_EQ(json["storage"][0]["hits"], 10);  // the contract's field keeps its meaning
  cache::StatsCounters b = cache::stats_from_json(json);
  b.add(a);
  EXPECT_EQ(b.storage_for("local", "/cache").call_hits, 10u);
  EXPECT_NE(cli::stats_as_text(b).find("local /cache: 10 calls served; objects: 20 found, 0 not found"),
            std::string::npos)
      << cli::stats_as_text(b);
  EXPECT_NE(cli::stats_as_markdown(b, {}).find("| local `/cache` | 10 | 20 | 0 | 0 | 0 |"), std::string::npos);
}
