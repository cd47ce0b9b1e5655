#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/scratch_dir.h"

namespace fb {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t CountEntries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFileTest, WriteCreatesParentsAndReplacesContent) {
  const testing::ScratchDir scratch;
  const fs::path& dir = scratch.path();
  const fs::path path = dir / "a" / "b" / "out.txt";
  WriteFileAtomic(path, "first");
  EXPECT_EQ(Read(path), "first");
  WriteFileAtomic(path, "second");
  EXPECT_EQ(Read(path), "second");
  EXPECT_EQ(CountEntries(path.parent_path()), 1u);
}

TEST(AtomicFileTest, UncommittedWriterLeavesOldFileAndNoTemporary) {
  const testing::ScratchDir scratch;
  const fs::path& dir = scratch.path();
  const fs::path path = dir / "out.txt";
  WriteFileAtomic(path, "old");
  {
    AtomicFileWriter writer(path);
    writer.stream() << "half of the new cont";
    EXPECT_EQ(CountEntries(dir), 2u);  // the temporary is beside the target
  }
  EXPECT_EQ(Read(path), "old");
  EXPECT_EQ(CountEntries(dir), 1u);
}

TEST(AtomicFileTest, WriterThrowingMidwayPublishesNothing) {
  const testing::ScratchDir scratch;
  const fs::path& dir = scratch.path();
  const fs::path path = dir / "results.json";
  EXPECT_THROW(
      {
        AtomicFileWriter writer(path);
        writer.stream() << "{\"partial\": ";
        throw std::runtime_error("simulated failure");
      },
      std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(CountEntries(dir), 0u);
}

TEST(AtomicFileTest, UnwritableDirectoryThrowsNamingPath) {
  try {
    WriteFileAtomic("/proc/fasterbench-not-writable/x.txt", "x");
    FAIL() << "expected an exception";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("fasterbench-not-writable"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fb
