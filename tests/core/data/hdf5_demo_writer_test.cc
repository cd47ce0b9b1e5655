#include "core/data/hdf5_demo_writer.h"

#include <hdf5.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/support/scratch_dir.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

int64_t ReadInt64(hid_t file, const char* object, const char* name) {
  int64_t value = -1;
  const hid_t attribute = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(H5Aread(attribute, H5T_NATIVE_INT64, &value), 0) << object << " " << name;
  H5Aclose(attribute);
  return value;
}

std::string ReadString(hid_t file, const char* object, const char* name) {
  const hid_t attribute = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);  // as h5py writes a str
  char* text = nullptr;
  EXPECT_GE(H5Aread(attribute, type, &text), 0) << object << " " << name;
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(attribute);
  return value;
}

std::string Slurp(const std::filesystem::path& path) {
  std::stringstream buffer;
  buffer << std::ifstream(path).rdbuf();
  return buffer.str();
}

TEST(Hdf5DemoWriterTest, CommitWritesRobomimicAttributesAndTypes) {
  testing::ScratchDir dir;
  const auto path = dir / "sub" / "out.hdf5";
  Hdf5DemoWriter writer(path);
  EXPECT_EQ(writer.path(), path);
  writer.SetDataAttribute("env_args", R"({"env_name": "Lift", "type": 1})");
  EXPECT_EQ(writer.WriteDemoActions(0, 3, 2, std::vector<float>(6, 0.5f)), "data/demo_0");
  writer.WriteDemoActions(1, 4, 2, std::vector<float>(8, -0.5f));
  writer.Commit();
  EXPECT_THAT(std::vector<std::filesystem::path>(std::filesystem::directory_iterator(dir / "sub"), {}), ElementsAre(path));

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(ReadInt64(file, "data", "total"), 7);
  EXPECT_EQ(ReadInt64(file, "data", "num_demos"), 2);
  EXPECT_EQ(ReadInt64(file, "data/demo_0", "num_samples"), 3);
  EXPECT_EQ(ReadInt64(file, "data/demo_1", "num_samples"), 4);
  EXPECT_EQ(ReadString(file, "data", "env_args"), R"({"env_name": "Lift", "type": 1})");
  const hid_t actions = H5Dopen2(file, "data/demo_1/actions", H5P_DEFAULT);
  const hid_t type = H5Dget_type(actions);
  EXPECT_TRUE(H5Tequal(type, H5T_IEEE_F64LE) > 0);  // LIBERO stores actions as float64
  H5Tclose(type);
  H5Dclose(actions);
  H5Fclose(file);
}

TEST(Hdf5DemoWriterTest, UncommittedWriterLeavesNoFileAndKeepsTheOldOne) {
  testing::ScratchDir dir;
  {
    Hdf5DemoWriter writer(dir / "new.hdf5");
    writer.WriteDemoActions(0, 2, 1, std::vector<float>{1, 2});
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  std::ofstream(dir / "old.hdf5") << "previous run";
  {
    Hdf5DemoWriter writer(dir / "old.hdf5");
    writer.WriteDemoActions(0, 2, 1, std::vector<float>{1, 2});
  }
  EXPECT_EQ(Slurp(dir / "old.hdf5"), "previous run");
  EXPECT_THAT(std::vector<std::filesystem::path>(std::filesystem::directory_iterator(dir.path()), {}),
              ElementsAre(dir / "old.hdf5"));
}

TEST(Hdf5DemoWriterTest, ImageDatasetIsUint8FramesHeightWidth3) {
  testing::ScratchDir dir;
  const auto path = dir / "img.hdf5";
  std::vector<uint8_t> rgb(2 * 4 * 5 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 7);
  {
    Hdf5DemoWriter writer(path);
    writer.WriteImageDataset("data/demo_0/obs/agentview_rgb", 2, 4, 5, rgb);
    writer.Commit();
  }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t images = H5Dopen2(file, "data/demo_0/obs/agentview_rgb", H5P_DEFAULT);
  ASSERT_GE(images, 0);
  const hid_t space = H5Dget_space(images);
  hsize_t dims[4] = {};
  ASSERT_EQ(H5Sget_simple_extent_dims(space, dims, nullptr), 4);
  EXPECT_THAT(dims, ElementsAre(2u, 4u, 5u, 3u));
  const hid_t type = H5Dget_type(images);
  EXPECT_TRUE(H5Tequal(type, H5T_STD_U8LE) > 0);
  std::vector<uint8_t> read(rgb.size());
  ASSERT_GE(H5Dread(images, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
  EXPECT_EQ(read, rgb);
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(images);
  H5Fclose(file);
}

TEST(Hdf5DemoWriterTest, RejectsMismatchedShapesAndDuplicateDemos) {
  testing::ScratchDir dir;
  Hdf5DemoWriter writer(dir / "bad.hdf5");
  EXPECT_THAT([&] { writer.WriteDemoActions(0, 3, 7, std::vector<float>(20)); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("bad.hdf5"), HasSubstr("holds 21 values but 20"))));
  writer.WriteDemoActions(0, 1, 1, std::vector<float>{0});
  EXPECT_THAT([&] { writer.WriteDemoActions(0, 1, 1, std::vector<float>{0}); },
              ThrowsMessage<InputError>(HasSubstr("data/demo_0 is already written")));
  EXPECT_THAT([&] { writer.WriteImageDataset("data/demo_0/obs/x", 1, 2, 2, std::vector<uint8_t>(11)); },
              ThrowsMessage<InputError>(HasSubstr("holds 12 values but 11")));
}

TEST(Hdf5DemoWriterTest, UseAfterCommitIsALogicError) {
  testing::ScratchDir dir;
  Hdf5DemoWriter writer(dir / "done.hdf5");
  writer.Commit();
  EXPECT_THROW(writer.WriteDemoActions(0, 1, 1, std::vector<float>{0}), std::logic_error);
  EXPECT_THROW(writer.Commit(), std::logic_error);
  EXPECT_TRUE(std::filesystem::exists(dir / "done.hdf5"));
}

TEST(Hdf5DemoWriterTest, UnwritableDirectoryFailsNamingThePath) {
  testing::ScratchDir dir;
  std::ofstream(dir / "file") << "x";  // a file where a directory should be
  EXPECT_THAT([&] { Hdf5DemoWriter writer(dir / "file" / "out.hdf5"); },
              ThrowsMessage<std::exception>(HasSubstr("file")));
}

}  // namespace
}  // namespace fb::data
