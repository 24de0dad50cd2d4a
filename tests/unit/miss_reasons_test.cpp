#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "explain/build_log.hpp"
#include "explain/key_records.hpp"
#include "explain/miss_reasons.hpp"

using namespace larder;
using namespace larder::cache;
using namespace larder::explain;

namespace {

KeyRecord base_record() {
  KeyRecord r;
  r.time_ms = 1000;
  r.metadata = "abc";
  r.stored = true;
  r.components = {
      {"compiler", "rustc 1.94.0 (aaaa 2026-01-01)", "c1"},
      {"arg", "--crate-name", "demo"},
      {"arg", "--edition", "2021"},
      {"arg", "-C", "opt-level=0"},
      {"arg", "-C", "metadata=abc"},
      {"arg", "--extern", "serde={workspace}/target/debug/deps/libserde-1.rmeta"},
      {"extern", "serde", "e1"},
      {"env", "CARGO_PKG_VERSION", "v1"},
      {"env", "CARGO_PKG_VERSION_MINOR", "m1"},
  };
  r.sources = {{"src/lib.rs", "s1"}, {"src/util.rs", "u1"}};
  r.env_deps = {{"GREETING", "g1"}};
  return r;
}

auto never_rebuilt = [](std::string_view) { return false; };

std::filesystem::path temp_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("larder-explain-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace

TEST(MissExplainer, NamesAnAddedArgumentOnly) {
  KeyRecord before = base_record();
  KeyRecord now = base_record();
  now.components.push_back({"arg", "--cfg", "feature=\"x\""});
  now.components[4].value = "metadata=def";  // a consequence: not named when a cause is known
  EXPECT_EQ(explain_changes(before, now, never_rebuilt),
            std::vector<std::string>{"argument --cfg feature=\"x\" added"});
}

TEST(MissExplainer, NamesChangedOptionsSourcesAndEnvironment) {
  KeyRecord before = base_record();
  KeyRecord now = base_record();
  now.components[3].value = "opt-level=3";
  now.components[7].value = "v2";
  now.components[8].value = "m2";  // a part of the version: the version says it
  now.sources[0].second = "s2";
  now.env_deps[0].second = "";
  const std::vector<std::string> expected = {"argument -C opt-level changed: 0 -> 3", "env CARGO_PKG_VERSION changed",
                                             "src/lib.rs changed", "env GREETING unset"};
  EXPECT_EQ(explain_changes(before, now, never_rebuilt), expected);
}

TEST(MissExplainer, NamesTheCompilerVersionAndRebuiltExterns) {
  KeyRecord before = base_record();
  KeyRecord now = base_record();
  now.components[0] = {"compiler", "rustc 1.95.0 (bbbb 2026-04-14)", "c2"};
  now.components[6].value = "e2";
  now.components[5].value = "serde={workspace}/target/debug/deps/libserde-2.rmeta";
  auto rebuilt = [](std::string_view crate) { return crate == "serde"; };
  const std::vector<std::string> expected = {"rustc 1.94.0 -> 1.95.0", "extern serde changed (its own miss)"};
  EXPECT_EQ(explain_changes(before, now, rebuilt), expected);
}

TEST(MissExplainer, FoldersRenamedByCargoHashesAreConsequences) {
  KeyRecord before = base_record();
  before.components.push_back({"arg", "--out-dir", "{workspace}/target/debug/build/gen-1aac8ca80ace8547"});
  before.env_deps.push_back({"OUT_DIR", "o1"});
  KeyRecord now = before;
  now.components.back().value = "{workspace}/target/debug/build/gen-f4de5851ddc87917";
  now.env_deps.back().second = "o2";
  now.components.push_back({"arg", "--cfg", "extra_flag"});
  EXPECT_EQ(explain_changes(before, now, never_rebuilt), std::vector<std::string>{"argument --cfg extra_flag added"});
  now.components.pop_back();
  EXPECT_EQ(
      explain_changes(before, now, never_rebuilt),
      (std::vector<std::string>{"argument --out-dir changed: {workspace}/target/debug/build/gen-1aac8ca80ace8547 -> "
                                "{workspace}/target/debug/build/gen-f4de5851ddc87917",
                                "env OUT_DIR changed"}));
}

TEST(MissExplainer, SameVersionOtherFilesIsNamed) {
  KeyRecord before = base_record();
  KeyRecord now = base_record();
  now.components[0].value = "c3";
  EXPECT_EQ(explain_changes(before, now, never_rebuilt),
            std::vector<std::string>{
                "compiler files changed (same rustc 1.94.0 (aaaa 2026-01-01)): another build or installation of it"});
}

TEST(MissExplainer, NamesAnotherLarderCacheFormat) {
  KeyRecord before = base_record();
  KeyRecord now = base_record();
  before.components.insert(before.components.begin(), {"larder", "cache format", "2"});
  now.components.insert(now.components.begin(), {"larder", "cache format", "3"});
  EXPECT_EQ(explain_changes(before, now, never_rebuilt),
            std::vector<std::string>{"larder's cache format changed (2 -> 3): another larder release"});
  // Records of a release that did not key its format yet.
  EXPECT_EQ(explain_changes(base_record(), now, never_rebuilt),
            std::vector<std::string>{"larder's cache format changed: another larder release"});
}

TEST(MissExplainer, IdenticalRecordsExplainNothing) {
  EXPECT_TRUE(explain_changes(base_record(), base_record(), never_rebuilt).empty());
}

TEST(MissExplainer, ClosestPrefersTheSameMetadataThenFewestDifferences) {
  KeyRecord now = base_record();
  KeyRecord other = base_record();
  other.metadata = "zzz";
  other.time_ms = 5000;
  KeyRecord same = base_record();
  same.sources[0].second = "old";
  std::vector<KeyRecord> earlier = {other, same};
  EXPECT_EQ(closest_record(earlier, now), &earlier[1]);
  now.metadata = "new";
  KeyRecord far = base_record();
  far.metadata = "far";
  far.time_ms = 9000;
  far.components.push_back({"arg", "--cfg", "a"});
  far.components.push_back({"arg", "--cfg", "b"});
  earlier = {far, same};
  EXPECT_EQ(closest_record(earlier, now), &earlier[1]);
  EXPECT_EQ(closest_record({}, now), nullptr);
}

TEST(MissExplainer, ManifestMismatchNamesTheChangedFile) {
  Manifest manifest;
  ManifestResult result;
  result.sources = {{"src/lib.rs", "h1"}, {"src/util.rs", "h2"}};
  result.env_deps = {{"GREETING", "g1", false}, {"OPTIONAL", "", false}};
  result.must_be_absent = {"src/util/mod.rs"};
  manifest.results.push_back(result);
  CurrentInputs now;
  now.env_hash = [](const ManifestEnvDep& dep) {
    return dep.name == "OPTIONAL" ? std::string("o1") : std::string("g1");
  };
  now.exists = [](const std::string&) { return false; };
  now.source_hash = [](const std::string& path) -> std::optional<std::string> {
    return path == "src/lib.rs" ? "changed" : "h2";
  };
  now.base_dir = [](const std::string&) { return std::string(); };
  const std::vector<std::string> expected = {"env OPTIONAL set", "src/lib.rs changed"};
  EXPECT_EQ(explain_manifest_mismatch(manifest, now), expected);
}

TEST(MissExplainer, CapsLongLists) {
  std::vector<std::string> many(12, "x");
  auto kept = capped(many);
  ASSERT_EQ(kept.size(), kMaxReasons + 1);
  EXPECT_EQ(kept.back(), "and 4 more changes");
}

TEST(KeyRecord, EnvironmentValuesAreNeverKeptInClear) {
  auto kept = recordable_components({{"env", "CARGO_SECRET_THING", "hunter2"},
                                     {"extern", "serde", std::string(64, 'a')},
                                     {"arg", "--cfg", "feature=\"x\""}});
  EXPECT_NE(kept[0].value, "hunter2");
  EXPECT_EQ(kept[0].value, short_hash("hunter2"));
  EXPECT_EQ(kept[1].value, std::string(16, 'a'));
  EXPECT_EQ(kept[2].value, "feature=\"x\"");
}

TEST(KeyRecord, StoreKeepsNewestVariantsAndIgnoresDamage) {
  const auto dir = temp_dir("records");
  KeyRecordStore store(dir);
  EXPECT_TRUE(store.load("demo|lib,|host|").empty());
  for (int i = 0; i < 6; ++i) {
    KeyRecord r = base_record();
    r.metadata = "m" + std::to_string(i);
    r.time_ms = i;
    ASSERT_TRUE(store.add("demo|lib,|host|", "demo", r));
  }
  auto loaded = store.load("demo|lib,|host|");
  ASSERT_EQ(loaded.size(), kMaxRecordVariants);
  EXPECT_EQ(loaded.front().metadata, "m5");
  EXPECT_EQ(loaded.front().components.size(), base_record().components.size());
  for (const auto& item : std::filesystem::directory_iterator(dir)) std::ofstream(item.path()) << "{not json";
  EXPECT_TRUE(store.load("demo|lib,|host|").empty());
  std::filesystem::remove_all(dir);
}

TEST(KeyRecord, FolderStaysWithinItsBudget) {
  const auto dir = temp_dir("budget");
  KeyRecordStore store(dir, 4096);
  for (int i = 0; i < 40; ++i) {
    KeyRecord r = base_record();
    ASSERT_TRUE(store.add("crate" + std::to_string(i), "crate" + std::to_string(i), r));
  }
  uint64_t total = 0;
  for (const auto& item : std::filesystem::directory_iterator(dir)) total += item.file_size();
  EXPECT_LE(total, 4096u);
  std::filesystem::remove_all(dir);
}

TEST(BuildLog, AppendsReadsAndClears) {
  const auto dir = temp_dir("builds");
  BuildLog log(dir);
  BuildEvent start{1, "serde", BuildOutcome::Start, 0, "", {}, {}};
  BuildEvent miss{2, "serde", BuildOutcome::Miss, 1.5, "", {"src/lib.rs changed"}, {}};
  BuildEvent skipped{3, "app", BuildOutcome::NotCached, 0, "incremental", {}, {}};
  ASSERT_TRUE(log.append("b1", start));
  ASSERT_TRUE(log.append("b1", miss));
  ASSERT_TRUE(log.append("b1", skipped));
  {
    std::ofstream damaged(dir / "b1.jsonl", std::ios::app);
    damaged << "{\"truncat\n";
  }
  auto record = log.read("b1");
  ASSERT_TRUE(record);
  ASSERT_EQ(record->events.size(), 3u);
  EXPECT_EQ(record->events[1].why, std::vector<std::string>{"src/lib.rs changed"});
  EXPECT_EQ(log.rebuilt_crates("b1"), (std::set<std::string, std::less<>>{"serde"}));
  EXPECT_EQ(log.read_all().size(), 1u);
  log.clear();
  EXPECT_TRUE(log.read_all().empty());
  std::filesystem::remove_all(dir);
}

TEST(BuildLog, BuildIdIsStableWithinAProcess) {
  EXPECT_EQ(current_build_id(), current_build_id());
  EXPECT_FALSE(current_build_id().empty());
}
