#include "eval/run_log.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/support/scratch_dir.h"

namespace fb::eval {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void WriteText(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

TEST(RunLogTest, AppendsAndReadsBack) {
  const testing::ScratchDir scratch;
  const fs::path path = scratch / "sub" / "episodes.jsonl";
  {
    RunLog log(path);
    EXPECT_TRUE(log.records().empty());
    log.Append({{"key", "a"}, {"v", 1}});
    log.Append({{"key", "b"}, {"v", 2}});
    EXPECT_THAT([&] { log.Append({{"key", "a"}}); }, ::testing::ThrowsMessage<InputError>(HasSubstr("'a' is already logged")));
    EXPECT_THROW(log.Append({{"v", 3}}), InputError);
  }
  const auto records = ReadRunLog(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["v"], 2);
  RunLog reopened(path);
  EXPECT_TRUE(reopened.Contains("a"));
  EXPECT_TRUE(reopened.Contains("b"));
  EXPECT_FALSE(reopened.Contains("c"));
}

TEST(RunLogTest, TornLastLineIsSkippedAndCutBeforeAppending) {
  const testing::ScratchDir scratch;
  const fs::path path = scratch / "episodes.jsonl";
  WriteText(path, "{\"key\":\"a\"}\n{\"key\":\"b\",\"v\":[1,2");
  EXPECT_EQ(ReadRunLog(path).size(), 1u);
  {
    RunLog log(path);
    EXPECT_FALSE(log.Contains("b"));
    log.Append({{"key", "b"}});
  }
  const auto records = ReadRunLog(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["key"], "b");
  // A whole but unparsable last line (torn by a later partial overwrite) is skipped too.
  WriteText(path, "{\"key\":\"a\"}\n{\"key\":\n");
  EXPECT_EQ(ReadRunLog(path).size(), 1u);
}

TEST(RunLogTest, MalformedLineBeforeTheLastIsAnError) {
  const testing::ScratchDir scratch;
  const fs::path path = scratch / "episodes.jsonl";
  WriteText(path, "{\"key\":\"a\"}\nnot json\n{\"key\":\"c\"}\n");
  EXPECT_THAT([&] { ReadRunLog(path); }, ::testing::ThrowsMessage<InputError>(HasSubstr("episodes.jsonl:2: malformed record")));
  EXPECT_TRUE(ReadRunLog(scratch / "missing.jsonl").empty());
}

}  // namespace
}  // namespace fb::eval
